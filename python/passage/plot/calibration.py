"""Figures of a `passage calibrate` file (docs/calibration.md): the posterior marginal of
each calibrated parameter against its prior's 95% range, a pairs plot of the leading
parameters, and each target's posterior predictive distribution against its observation.

Every histogram is weighted by the posterior weights (/posterior/weights: the ABC-SMC
particles' importance weights; equal for history matching's non-implausible points)."""

import math

import numpy as np

from ._common import NothingToDraw, caption, frame, human, new_figure, tick, wrap_lines

#: The pairs plot shows at most this many parameters (the first in design order).
PAIRS = 4
POSTERIOR_COLOUR = "#1f4e79"
PRIOR_COLOUR = "#d9d9d9"
OBSERVED_COLOUR = "#c05a00"


def weighted_quantiles(x, w, qs):
    """Quantiles qs of the finite values of x under weights w: for each q the smallest
    draw whose cumulative weight reaches q of the total (the inverse of the weighted
    empirical distribution), the rule `passage report` uses, so that a figure's
    credible interval is the report's."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
    if not ok.any():
        return np.full(len(qs), np.nan)
    order = np.argsort(x[ok], kind="stable")
    xs, ws = x[ok][order], w[ok][order]
    cum = np.cumsum(ws)
    idx = np.searchsorted(cum, np.asarray(qs, dtype=float) * cum[-1], side="left")
    return xs[np.minimum(idx, len(xs) - 1)]


def weighted_mean(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    ok = np.isfinite(x) & np.isfinite(w)
    return float(np.dot(w[ok], x[ok]) / w[ok].sum()) if w[ok].sum() > 0 else float("nan")


def _bins(lo, hi, n):
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return n
    if hi <= lo:
        pad = max(abs(lo) * 0.05, 0.5)
        lo, hi = lo - pad, hi + pad
    return np.linspace(lo, hi, n + 1)


def _bin_count(res):
    """Histogram bins for this many effective draws: about 3 ESS^(1/3), 12 to 50."""
    return int(min(50, max(12, round(3 * res.ess() ** (1 / 3)))))


def _grid(n):
    cols = min(3, n)
    return cols, int(math.ceil(n / cols))


def marginals(res):
    """Each parameter's weighted posterior histogram over its prior's 95% range (grey
    band), with the posterior mean and 95% credible interval."""
    p = len(res.parameters)
    if p == 0 or len(res.weights) == 0:
        raise NothingToDraw("the posterior holds no draws")
    cols, rows = _grid(p)
    fig = new_figure(figsize=(max(7.5, 3.6 * cols + 0.4), 2.7 * rows + 2.2))
    lines = [f"Posterior: {len(res.weights):,} draws, effective sample size "
             f"{human(res.ess(), 3)}; bars: weighted histogram (density). Grey band: the "
             "prior's central 95%. Solid line: posterior mean; dashed: its 95% credible "
             "interval (weighted 2.5% and 97.5% quantiles)."]
    lines = wrap_lines(lines, fig.get_figwidth())
    frame(fig, "Calibrated parameters: posterior against prior", res, len(lines), adjust=False)
    top = 1 - 0.9 / fig.get_figheight()
    bottom = (0.25 + 0.165 * len(lines) + 0.45) / fig.get_figheight()
    fig.subplots_adjust(top=top, bottom=bottom, left=0.07, right=0.98, hspace=0.75, wspace=0.25)
    nb = _bin_count(res)
    for i, name in enumerate(res.parameters):
        ax = fig.add_subplot(rows, cols, i + 1)
        x = res.values[:, i]
        lo, hi = float(res.prior_low[i]), float(res.prior_high[i])
        xlo = np.nanmin([np.nanmin(x), lo]) if math.isfinite(lo) else np.nanmin(x)
        xhi = np.nanmax([np.nanmax(x), hi]) if math.isfinite(hi) else np.nanmax(x)
        if math.isfinite(lo) and math.isfinite(hi):
            ax.axvspan(lo, hi, color=PRIOR_COLOUR, alpha=0.6, lw=0, zorder=0)
        ax.hist(x, bins=_bins(xlo, xhi, nb), weights=res.weights, density=True,
                color=POSTERIOR_COLOUR, alpha=0.85, zorder=2)
        m = weighted_mean(x, res.weights)
        q_lo, q_hi = weighted_quantiles(x, res.weights, [0.025, 0.975])
        ax.axvline(m, color="black", lw=1.2, zorder=3)
        for q in (q_lo, q_hi):
            ax.axvline(q, color="black", lw=0.9, ls="--", zorder=3)
        ax.set_title(f"{name}\nmean {human(m, 3)}, 95% [{human(q_lo, 3)}, {human(q_hi, 3)}]",
                     fontsize=9, loc="left")
        ax.set_xlabel(f"prior {res.priors[i]}" if res.priors[i] else name, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_formatter(tick_formatter())
        ax.set_yticks([])
    caption(fig, "\n".join(lines))
    return fig


def tick_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(tick)


def pairs(res):
    """A pairs plot of the first PAIRS parameters: weighted histograms on the diagonal,
    the draws below it (point area by weight)."""
    p = min(PAIRS, len(res.parameters))
    if p < 2:
        raise NothingToDraw(f"a pairs plot needs two calibrated parameters; the file has {p}")
    w = res.weights
    fig = new_figure(figsize=(2.4 * p + 1.0, 2.4 * p + 1.8))
    more = len(res.parameters) - p
    lines = [f"Posterior draws ({len(w):,}, effective sample size {human(res.ess(), 3)}): "
             "weighted histograms on the diagonal; below it each draw, its area by its "
             "weight. Grey: the prior's central 95%."
             + (f" {more} more parameter{'s' if more > 1 else ''} not shown (the first "
                f"{PAIRS} in design order are)." if more > 0 else "")]
    lines = wrap_lines(lines, fig.get_figwidth())
    frame(fig, "Calibrated parameters: pairs", res, len(lines), adjust=False)
    h = fig.get_figheight()
    fig.subplots_adjust(top=1 - 0.8 / h, bottom=(0.25 + 0.165 * len(lines) + 0.55) / h,
                        left=0.6 / fig.get_figwidth() + 0.04, right=0.97, hspace=0.08,
                        wspace=0.08)
    nb = _bin_count(res)
    size = 4.0 + 60.0 * w / w.max() if len(w) and w.max() > 0 else 6.0
    limits = []
    for i in range(p):
        x = res.values[:, i]
        lo, hi = float(res.prior_low[i]), float(res.prior_high[i])
        a = np.nanmin([np.nanmin(x), lo]) if math.isfinite(lo) else np.nanmin(x)
        b = np.nanmax([np.nanmax(x), hi]) if math.isfinite(hi) else np.nanmax(x)
        limits.append((a, b))
    for r in range(p):
        for c in range(r + 1):
            ax = fig.add_subplot(p, p, r * p + c + 1)
            lo_c, hi_c = float(res.prior_low[c]), float(res.prior_high[c])
            if math.isfinite(lo_c) and math.isfinite(hi_c):
                ax.axvspan(lo_c, hi_c, color=PRIOR_COLOUR, alpha=0.6, lw=0, zorder=0)
            if r == c:
                ax.hist(res.values[:, c], bins=_bins(*limits[c], nb), weights=w, density=True,
                        color=POSTERIOR_COLOUR, alpha=0.85, zorder=2)
                ax.set_yticks([])
            else:
                lo_r, hi_r = float(res.prior_low[r]), float(res.prior_high[r])
                if math.isfinite(lo_r) and math.isfinite(hi_r):
                    ax.axhspan(lo_r, hi_r, color=PRIOR_COLOUR, alpha=0.6, lw=0, zorder=0)
                ax.scatter(res.values[:, c], res.values[:, r], s=size, color=POSTERIOR_COLOUR,
                           alpha=0.45, lw=0, zorder=2)
                ax.set_ylim(*limits[r])
            ax.set_xlim(*limits[c])
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_formatter(tick_formatter())
            if r == p - 1:
                ax.set_xlabel(res.parameters[c], fontsize=8)
            else:
                ax.set_xticklabels([])
            if c == 0 and r > 0:
                ax.set_ylabel(res.parameters[r], fontsize=8)
                ax.yaxis.set_major_formatter(tick_formatter())
            elif r != c:
                ax.set_yticklabels([])
    caption(fig, "\n".join(lines))
    return fig


def predictive(res, name):
    """One target's posterior predictive: the weighted distribution of its model output
    over the posterior draws (/posterior/outputs), against the observed value and its
    error model (observed +- 2 sd)."""
    if name not in res.targets:
        raise NothingToDraw(f"no target '{name}'")
    if res.outputs is None:
        raise NothingToDraw("no /posterior/outputs")
    j = res.targets.index(name)
    y = res.outputs[:, j]
    ok = np.isfinite(y)
    if not ok.any():
        raise NothingToDraw(f"no finite model output for target '{name}'")
    w = res.weights
    obs, sd = float(res.observed[j]), float(res.target_sd[j])
    m = weighted_mean(y, w)
    q_lo, q_hi = weighted_quantiles(y, w, [0.025, 0.975])
    fig = new_figure(figsize=(7.5, 4.6))
    z = (m - obs) / sd if math.isfinite(sd) and sd > 0 else float("nan")
    lines = [f"Bars: the model's {name} over the {len(w):,} posterior draws, weighted "
             f"(effective sample size {human(res.ess(), 3)}); solid line: its mean "
             f"{human(m, 4)}, dashed: its 95% interval [{human(q_lo, 3)}, {human(q_hi, 3)}]. "
             f"Orange: the observation {human(obs, 4)}"
             + (f" and its error model ({res.target_error[j]}): observed +- 2 sd shaded; "
                f"z = (mean - observed) / sd = {human(z, 3)}." if math.isfinite(z) else ".")]
    lines = wrap_lines(lines, fig.get_figwidth())
    frame(fig, f"Posterior predictive: {name}", res, len(lines))
    ax = fig.add_subplot(1, 1, 1)
    fig.subplots_adjust(left=0.08, right=0.97)
    lo, hi = float(np.nanmin(y)), float(np.nanmax(y))
    if math.isfinite(sd) and sd > 0:
        ax.axvspan(obs - 2 * sd, obs + 2 * sd, color=OBSERVED_COLOUR, alpha=0.12, lw=0, zorder=0)
    ax.hist(y[ok], bins=_bins(lo, hi, _bin_count(res)), weights=w[ok], density=True,
            color=POSTERIOR_COLOUR, alpha=0.85, zorder=2)
    ax.axvline(m, color="black", lw=1.2, zorder=3)
    for q in (q_lo, q_hi):
        ax.axvline(q, color="black", lw=0.9, ls="--", zorder=3)
    ax.axvline(obs, color=OBSERVED_COLOUR, lw=2.0, zorder=4)
    ax.set_xlabel(name, fontsize=9)
    ax.set_yticks([])
    ax.set_ylabel("posterior predictive density", fontsize=9)
    ax.xaxis.set_major_formatter(tick_formatter())
    caption(fig, "\n".join(lines))
    return fig
