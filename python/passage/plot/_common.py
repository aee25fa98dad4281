"""What every figure shares: intervals (SciPy), number formats, the title block and the
caption, and the errors a figure can raise."""

import math
import os
import textwrap

import numpy as np
from scipy import stats


class BadInput(Exception):
    """The file cannot be plotted: no such file, not a passage results file, damaged, or
    of a kind this version does not draw (scripts/plot.py exits 2)."""


class NothingToDraw(Exception):
    """The file lacks the data of one figure; the other figures can still be drawn."""


# Colours shared by several figures.
INCREASE_COLOUR = "#c05a00"
DECREASE_COLOUR = "#1f4e79"
NULL_COLOUR = "#8c8c8c"


def t_quantile(level, df):
    """The two-sided `level` quantile of Student's t with df degrees of freedom
    (t_quantile(0.95, 4) = 2.776), NaN for df < 1."""
    if df < 1:
        return float("nan")
    return float(stats.t.ppf(0.5 + level / 2.0, df))


def mean_ci(x, level=0.95):
    """(mean, low, high, n): the mean of the finite values of x and its Student-t interval
    (NaN bounds for fewer than two values)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    m = float(x.mean())
    if n == 1:
        return m, float("nan"), float("nan"), 1
    half = t_quantile(level, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return m, m - half, m + half, n


def rows_mean_se(runs):
    """Per row of a (points x replications) array: the mean over the row's replications
    and its standard error (NaN where a row has a non-finite value; NaN standard errors
    for one replication)."""
    runs = np.asarray(runs, dtype=float)
    n = runs.shape[1]
    ok = np.isfinite(runs).all(axis=1)
    mean = np.full(runs.shape[0], np.nan)
    se = np.full(runs.shape[0], np.nan)
    if n == 0:
        return mean, se
    mean[ok] = runs[ok].mean(axis=1)
    if n >= 2:
        se[ok] = runs[ok].std(axis=1, ddof=1) / math.sqrt(n)
    return mean, se


# ---------------------------------------------------------------------------
# Numbers as `passage report` prints them


def thousands(v, digits=0):
    """1234567.8 -> '1,234,568' (digits after the point when asked)."""
    return f"{v:,.{digits}f}"


def human(v, sig=3):
    """A number as `passage report` prints it: thousands separators from 1,000,
    otherwise `sig` significant digits without trailing zeros."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    v = float(v)
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    a = abs(v)
    if a >= 1000.0:
        return f"{round(v):,}"
    if a == 0.0:
        return "0"
    if a < 1e-4:
        return f"{v:.{max(0, sig - 1)}e}"
    decimals = min(max(sig - 1 - math.floor(math.log10(a)), 0), 10)
    s = f"{v:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def signed(v, sig=3):
    """human() with a + on positive numbers."""
    s = human(v, sig)
    return "+" + s if isinstance(v, (int, float)) and v > 0 and s != "0" else s


def tick(v, _pos=None, sig=3, plus=False):
    """A tick label: human() with a true minus sign (as matplotlib's own ticks)."""
    if v == 0:
        return "0"
    return (signed(v, sig) if plus else human(v, sig)).replace("-", "\u2212")


def tick_labels(values, plus=False, sig=3):
    """Labels for these tick values, with as many significant digits as it takes (`sig`
    at least, 10 at most) to tell every two of them apart."""
    values = [float(v) for v in values]
    labels = []
    for digits in range(sig, 11):
        labels = [tick(v, sig=digits, plus=plus) for v in values]
        if len(set(labels)) == len(labels):
            return labels
    # human() prints whole numbers from 1,000 on: decimals where ticks need them.
    for decimals in range(1, 7):
        labels = [("+" if plus and v > 0 else "") + f"{v:,.{decimals}f}" for v in values]
        labels = ["0" if v == 0 else s.replace("-", "\u2212") for v, s in zip(values, labels)]
        if len(set(labels)) == len(labels):
            break
    return labels


def distinct_ticks(plus=False, sig=3):
    """A matplotlib formatter that labels an axis's ticks with tick_labels(), so that no
    two ticks of an axis read the same."""
    from matplotlib.ticker import Formatter

    class DistinctTicks(Formatter):
        def __call__(self, x, pos=None):
            return tick(x, sig=sig, plus=plus)

        def format_ticks(self, values):
            return tick_labels(values, plus=plus, sig=sig)

    return DistinctTicks()


def display_for(unit, magnitude):
    """(factor, unit) to show a quantity in, as `passage report` does: large CFA sums in
    million CFA."""
    if unit == "CFA" and abs(magnitude) >= 1e7:
        return 1e6, "million CFA"
    return 1.0, unit


def wrap_name(name, width=40):
    """A dotted parameter name broken after dots (after underscores where a part is too
    long) so that no line is longer than `width` characters, where it can be."""
    lines, rest = [], name
    while len(rest) > width:
        cut = rest.rfind(".", 0, width)
        if cut <= 0:
            cut = rest.rfind("_", 0, width)
        if cut <= 0:
            break
        lines.append(rest[:cut + 1])
        rest = rest[cut + 1:]
    return "\n".join(lines + [rest])


def wrap_lines(lines, fig_w):
    """Caption lines re-broken to fit a figure fig_w inches wide (8-point text)."""
    width = max(40, int(fig_w * 16) - 4)
    out = []
    for line in lines:
        out += textwrap.wrap(line, width, break_on_hyphens=False) or [""]
    return out


def file_stem(name):
    """An output name made safe for a file name."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


# ---------------------------------------------------------------------------
# The frame of a figure


def new_figure(**kw):
    """A figure not registered with pyplot (so a notebook shows what it is handed and
    nothing leaks between figures)."""
    from matplotlib.figure import Figure

    return Figure(**kw)


def caption(fig, s):
    """A caption under the axes; lines are broken by hand (\\n)."""
    fig.text(0.01, 0.012, s, ha="left", va="bottom", fontsize=8, color="#444444",
             linespacing=1.35)


def frame(fig, title, res, caption_lines, xlabel_rows=1, top_in=0.75, adjust=True):
    """Title and the file's subtitle on top, room for the caption below (margins in
    inches)."""
    h = fig.get_figheight()
    fig.suptitle(title, x=0.01, y=1 - 0.12 / h, ha="left", va="top", fontsize=13,
                 fontweight="bold")
    sub = res.subtitle()
    width = int(fig.get_figwidth() * 15)  # characters of 9-point text per line, about
    if len(sub) > width:
        sub = sub[:width - 3] + "..."
    fig.text(0.01, 1 - 0.42 / h, sub, ha="left", va="top", fontsize=9, color="#444444")
    if adjust:
        bottom = (0.08 + 0.165 * caption_lines + 0.12 + 0.3 * xlabel_rows + 0.1) / h
        fig.subplots_adjust(top=1 - top_in / h, bottom=bottom)


def renderer(fig):
    """The figure's renderer, for measuring text (an Agg canvas is attached if the
    figure has none yet)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def label_width_in(fig, labels, fontsize):
    """Width in inches of the widest of these labels at this font size."""
    r = renderer(fig)
    widest = 0.0
    for s in labels:
        t = fig.text(0, 0, s, fontsize=fontsize)
        widest = max(widest, t.get_window_extent(r).width / fig.dpi)
        t.remove()
    return widest


def save(fig, path, dpi=130):
    """Write the figure as PNG (through a temporary file, so a failed write leaves no
    half-written figure) and return the path."""
    renderer(fig)
    tmp = path + ".tmp"
    try:
        fig.savefig(tmp, dpi=dpi, format="png")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
