"""Figures of a `passage compare` file: the forest plot of every policy's effect on the
headline metrics, and what common random numbers bought (variance reduction)."""

import math
import textwrap

import matplotlib
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from ._common import (DECREASE_COLOUR, INCREASE_COLOUR, NULL_COLOUR, NothingToDraw, caption,
                      distinct_ticks, display_for, frame, human, label_width_in, new_figure,
                      signed, tick, wrap_lines)

# A panel's axis is broken when its largest effects are more than BREAK_RATIO times the
# largest of the others (and 0): those are drawn on a second scale beyond the break.
BREAK_RATIO = 4.0
MAX_METRICS = 12


def policy_label(p, width=30):
    title = p["title"] or p["name"].replace("_", " ")
    return "\n".join(textwrap.wrap(title, width)) or p["name"]


def effects(cmp, metric):
    """(difference, low, high, ratio, base, factor, unit) of every policy on one metric, in
    the display unit."""
    pols = cmp.policies
    rows = [p["row"][metric] for p in pols]
    unit = pols[0]["unit"][rows[0]]
    base = pols[0]["base_mean"][rows[0]]
    factor, shown_unit = display_for(unit, base)
    get = lambda k: np.array([p[k][i] for p, i in zip(pols, rows)], dtype=float)  # noqa: E731
    return (get("diff_mean") / factor, get("diff_ci95_low") / factor,
            get("diff_ci95_high") / factor, get("ratio_mean"), base, factor, shown_unit)


def outliers(d, lo, hi, ratio=BREAK_RATIO):
    """Which rows to draw beyond a break: the fewest largest effects (by the furthest of
    estimate and interval bounds from 0) that are more than `ratio` times every other
    row's; none when no such gap exists or the others are all 0."""
    reach = np.nanmax(np.abs(np.vstack([d, lo, hi])), axis=0)
    reach = np.where(np.isfinite(reach), reach, 0.0)
    order = np.argsort(-reach, kind="stable")
    out = np.zeros(len(d), dtype=bool)
    for k in range(1, len(d)):
        big, rest = reach[order[k - 1]], reach[order[k]]
        if rest > 0 and big > ratio * rest:
            out[order[:k]] = True
            return out
    return out


def effect_label(dm, lo, hi, r, base):
    """'+1,234 [+800, +1,700] (+5.5%)': the difference, its interval and the relative change
    of the mean."""
    s = signed(dm)
    if math.isfinite(lo) and math.isfinite(hi):
        s += f" [{signed(lo)}, {signed(hi)}]"
    if math.isfinite(r) and base != 0:
        s += f" ({signed(100 * (r - 1), 2)}%)"
    return s


def _limits(values, pad=0.06):
    values = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
    a, b = (float(values.min()), float(values.max())) if values.size else (-1.0, 1.0)
    span = (b - a) or max(abs(a), 1.0)
    return a - pad * span, b + pad * span


def _break_marks(ax, side):
    """The // marks of a broken axis on one side ('left' or 'right') of ax."""
    x = 0.0 if side == "left" else 1.0  # the bottom spine only: the top one is hidden
    kw = dict(transform=ax.transAxes, color="black", clip_on=False, lw=0.9)
    ax.plot([x - 0.04, x + 0.04], [-0.035, 0.035], **kw)


def forest_caption(cmp, headline, broken, left_out, fig_w):
    """The forest plot's caption lines, wrapped to the figure's width."""
    pairing = ("paired by replication on common random numbers" if cmp.crn else
               "over replications run on independent streams (--independent)")
    lines = [
        f"Each row: the mean over {cmp.reps_text()} of the difference policy - baseline, "
        f"{pairing}; whiskers and brackets: Student-t 95% interval of that mean; in "
        "parentheses the relative change of the mean (policy mean / baseline mean - 1).",
        "Colour says only whether the interval excludes 0, not whether the change is good. "
        + ("Headline metrics (passage report shows the same); `passage report FILE --all` "
           "lists every metric." if headline else "Metrics the policies share, in file order."),
    ]
    if broken:
        lines.append(f"Each panel has its own scale. A panel broken by // has two: effects "
                     f"more than {BREAK_RATIO:g} times all the others' are drawn beyond the "
                     "break, so that the others stay readable.")
    last = ("Units as in `passage report`: large CFA sums in million CFA. "
            if any(u == "CFA" for p in cmp.policies for u in p["unit"]) else "")
    if cmp.stop_reason:
        last += f"The run stopped on: {cmp.stop_reason}."
    if last:
        lines.append(last.strip())
    if left_out:
        lines.append(f"{left_out} more metrics left out (the first {MAX_METRICS} are shown); "
                     "`passage report FILE --all` lists them.")
    return wrap_lines(lines, fig_w)


OUTER_W, BREAK_GAP = 1.05, 0.16     # inches: the part beyond a break, the gap before it


def panel_parts(add_axes, x0, data_w, d, lo, hi, out):
    """([(axes, x limits)] of one panel, left to right; its main axes): the main part
    (the effects not in `out`, and 0) and, where `out` has effects below or above it, a
    part beyond a break on that side. add_axes(x, width) makes an axes (inches)."""
    neg, pos = out & ~(d > 0), out & (d > 0)
    main_x0, main_w = x0, data_w
    if neg.any():
        main_x0 += OUTER_W + BREAK_GAP
        main_w -= OUTER_W + BREAK_GAP
    if pos.any():
        main_w -= OUTER_W + BREAK_GAP
    main_lim = _limits(np.concatenate([lo[~out], hi[~out], d[~out], [0.0]]))
    main = add_axes(main_x0, main_w)
    parts = [(main, main_lim)]
    if neg.any():
        lim = _limits(np.concatenate([lo[neg], hi[neg], d[neg]]), pad=0.1)
        parts.insert(0, (add_axes(x0, OUTER_W), (lim[0], min(lim[1], main_lim[0]))))
    if pos.any():
        lim = _limits(np.concatenate([lo[pos], hi[pos], d[pos]]), pad=0.1)
        parts.append((add_axes(main_x0 + main_w + BREAK_GAP, OUTER_W),
                      (max(lim[0], main_lim[1]), lim[1])))
    return parts, main


def draw_effects(ax, y, d, lo, hi):
    """Each row's estimate and interval, coloured by whether the interval excludes 0."""
    ax.axvline(0, color="black", lw=0.9, zorder=1)
    for yi, dm, l, h in zip(y, d, lo, hi):
        if not math.isfinite(dm):
            continue
        known = math.isfinite(l) and math.isfinite(h)
        clear = known and (l > 0 or h < 0)
        colour = (INCREASE_COLOUR if dm > 0 else DECREASE_COLOUR) if clear else NULL_COLOUR
        if known:
            ax.plot([l, h], [yi, yi], color=colour, lw=1.6, zorder=2, solid_capstyle="butt")
            for e in (l, h):
                ax.plot([e, e], [yi - 0.18, yi + 0.18], color=colour, lw=1.2, zorder=2)
        ax.plot([dm], [yi], "o", ms=5.5, zorder=3, color=colour,
                mfc=colour if clear else "white", mew=1.3)


def style_part(ax, i, n_parts, lim, rows, main):
    """Limits, ticks and spines of part i of n_parts of a panel (// at each break)."""
    x_lo, x_hi = lim
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(-0.6, rows - 0.4)
    # No tick near a break, where it would run into the next part's first one.
    ticks = MaxNLocator(nbins=5 if main else 2, min_n_ticks=1).tick_values(x_lo, x_hi)
    margin = 0.15 * (x_hi - x_lo)
    keep_lo = x_lo + (margin if i > 0 else 0.0)
    keep_hi = x_hi - (margin if i < n_parts - 1 else 0.0)
    ax.xaxis.set_major_locator(FixedLocator([t for t in ticks if keep_lo <= t <= keep_hi]))
    ax.xaxis.set_major_formatter(distinct_ticks(plus=True, sig=2))
    ax.tick_params(axis="x", labelsize=8)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    if i > 0:
        ax.spines["left"].set_visible(False)
        _break_marks(ax, "left")
    if i < n_parts - 1:
        _break_marks(ax, "right")


def forest(cmp):
    """The paired difference policy - baseline of every policy on the headline metrics,
    with its 95% interval printed beside it; one panel per metric, each with its own
    scale, broken where a few effects are far larger than the others."""
    metrics, headline = cmp.metrics()
    if not metrics:
        raise NothingToDraw("the policies share no metric")
    left_out = max(0, len(metrics) - MAX_METRICS)
    metrics = metrics[:MAX_METRICS]
    pols = cmp.policies
    data = {m: effects(cmp, m) for m in metrics}
    labels = {m: [effect_label(*v, data[m][4]) for v in zip(*data[m][:4])] for m in metrics}
    broken = {m: outliers(*data[m][:3]) for m in metrics}

    # Sizes in inches: policy titles | panel (data, then its labels) | gap | panel ...
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    row_h, row_gap = 0.3 * max(len(pols), 2) + 0.5, 0.95
    probe = new_figure(figsize=(4, 4))
    title_w = label_width_in(probe, [policy_label(p) for p in pols], 8.5) + 0.25
    text_w = label_width_in(probe, [s for m in metrics for s in labels[m]], 7.5) + 0.15
    data_w, gap_w = 2.9, 0.45
    panel_w = data_w + text_w
    fig_w = title_w + ncols * panel_w + (ncols - 1) * gap_w + 0.2
    lines = forest_caption(cmp, headline, any(b.any() for b in broken.values()), left_out,
                           fig_w)
    top_in, bottom_in = 1.3, 0.55 + 0.165 * len(lines) + 0.3
    fig_h = top_in + nrows * row_h + (nrows - 1) * row_gap + bottom_in
    fig = new_figure(figsize=(fig_w, fig_h))
    y = np.arange(len(pols))[::-1]

    for k, m in enumerate(metrics):
        r, c = divmod(k, ncols)
        x0 = title_w + c * (panel_w + gap_w)
        y0 = bottom_in + (nrows - 1 - r) * (row_h + row_gap)
        d, lo, hi, ratio, base, factor, shown_unit = data[m]
        parts, main = panel_parts(
            lambda x, w: fig.add_axes([x / fig_w, y0 / fig_h, w / fig_w, row_h / fig_h]),
            x0, data_w, d, lo, hi, broken[m])
        for i, (a, lim) in enumerate(parts):
            draw_effects(a, y, d, lo, hi)
            style_part(a, i, len(parts), lim, len(pols), a is main)
            a.set_yticks(y, [policy_label(p) for p in pols] if i == 0 and c == 0
                         else [""] * len(y), fontsize=8.5)
        last = parts[-1][0]
        trans = blended_transform_factory(fig.transFigure, last.transData)
        for yi, dm, s in zip(y, d, labels[m]):
            last.text((x0 + data_w + 0.12) / fig_w, yi, s if math.isfinite(dm) else "no value",
                      transform=trans, va="center", ha="left", fontsize=7.5, clip_on=False,
                      color="#222222" if math.isfinite(dm) else NULL_COLOUR)
        first = parts[0][0]
        first.set_title(f"{m}" + (f" ({shown_unit})" if shown_unit else ""), fontsize=9.5,
                        loc="left", fontweight="bold", pad=15)
        first.text(0.0, 1.015, f"baseline mean {human(base / factor)} {shown_unit}".rstrip(),
                   transform=first.transAxes, ha="left", va="bottom", fontsize=7.5,
                   color="#555555")
        main.set_xlabel("difference" + (f" ({shown_unit})" if shown_unit else ""),
                        fontsize=8.5)
    handles = [
        Line2D([], [], color=INCREASE_COLOUR, marker="o", lw=1.6, label="increase: the "
               "interval lies above 0"),
        Line2D([], [], color=DECREASE_COLOUR, marker="o", lw=1.6, label="decrease: the "
               "interval lies below 0"),
        Line2D([], [], color=NULL_COLOUR, marker="o", mfc="white", lw=1.6,
               label="the interval includes 0"),
    ]
    fig.legend(handles=handles, loc="upper right", ncol=3, fontsize=8.5, frameon=False,
               bbox_to_anchor=(1 - 0.2 / fig_w, 1 - 0.62 / fig_h))
    frame(fig, "Policy effects: policy minus baseline, with 95% intervals", cmp,
          caption_lines=len(lines), top_in=top_in, adjust=False)
    caption(fig, "\n".join(lines))
    return fig


def variance_reduction(cmp):
    """VR per policy and metric on a log colour scale: what common random numbers bought."""
    metrics, headline = cmp.metrics()
    metrics = metrics[:MAX_METRICS]
    if not metrics:
        raise NothingToDraw("the policies share no metric")
    pols = cmp.policies
    vr = np.array([[p["variance_reduction"][p["row"][m]] for m in metrics] for p in pols])
    finite = vr[np.isfinite(vr) & (vr > 0)]
    if finite.size == 0:
        raise NothingToDraw("no finite variance reduction in /comparison")
    label_w = 2.45
    cell_w = max(0.72, 5.5 / len(metrics))
    cell_h = max(0.36, 1.8 / len(pols))
    fig_w = label_w + cell_w * len(metrics) + 1.6
    lines = [
        "VR = (Var(baseline) + Var(policy)) / Var(difference) over replications: how many "
        "times more replications",
        "independent streams would need for the same interval of the difference. "
        + ("Below 1 (bold): common random numbers made that comparison less precise."
           if cmp.crn else "This file was run with --independent: VR near 1 is expected."),
        f"Estimated from {cmp.reps_text()}; the same metrics as forest.png.",
    ]
    lines = wrap_lines(lines, fig_w)
    caption_lines = len(lines)
    top_in = 0.95
    labels_in = 0.25 + 0.068 * 0.64 * max(len(m) for m in metrics)    # rotated 40 degrees
    bottom_in = 0.08 + 0.165 * caption_lines + 0.25 + labels_in
    fig_h = top_in + cell_h * len(pols) + bottom_in
    fig = new_figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes([label_w / fig_w, bottom_in / fig_h, cell_w * len(metrics) / fig_w,
                       cell_h * len(pols) / fig_h])
    cax = fig.add_axes([(label_w + cell_w * len(metrics) + 0.25) / fig_w, bottom_in / fig_h,
                        0.18 / fig_w, cell_h * len(pols) / fig_h])
    vmin = min(1.0, float(finite.min()))
    vmax = max(10.0, float(finite.max()))
    norm = LogNorm(vmin=vmin, vmax=vmax)
    cmap = matplotlib.colormaps["viridis"]
    shown = np.where(np.isfinite(vr) & (vr > 0), vr, np.nan)
    im = ax.imshow(shown, cmap=cmap, norm=norm, aspect="auto")
    for i in range(len(pols)):
        for j in range(len(metrics)):
            v = vr[i, j]
            if not (math.isfinite(v) and v > 0):
                ax.text(j, i, "-", ha="center", va="center", fontsize=8)
                continue
            r, g, b, _ = cmap(norm(v))
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
            ax.text(j, i, human(v, 2), ha="center", va="center", fontsize=7.5,
                    color="white" if dark else "black",
                    fontweight="bold" if v < 1 else "normal")
    ax.set_yticks(range(len(pols)), [policy_label(p) for p in pols], fontsize=8.5)
    ax.set_xticks(range(len(metrics)), metrics, rotation=40, ha="right",
                  rotation_mode="anchor", fontsize=8.5)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    cb = fig.colorbar(im, cax=cax)
    cb.set_label("variance reduction (log scale)", fontsize=8.5)
    cb.ax.yaxis.set_major_formatter(FuncFormatter(tick))
    cb.ax.tick_params(labelsize=8)
    frame(fig, "What common random numbers bought: variance reduction", cmp,
          caption_lines=caption_lines, top_in=top_in)
    ax.set_position([label_w / fig_w, bottom_in / fig_h, cell_w * len(metrics) / fig_w,
                     cell_h * len(pols) / fig_h])
    fig.subplots_adjust(bottom=bottom_in / fig_h)
    caption(fig, "\n".join(lines))
    return fig


