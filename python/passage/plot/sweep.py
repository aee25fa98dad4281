"""The figure of a `passage sweep` file: each output against each varied parameter, with
each point's standard error over its replications and a binned mean with its 95%
interval."""

import numpy as np
from matplotlib.ticker import MaxNLocator

from ._common import (NothingToDraw, caption, display_for, distinct_ticks, frame, mean_ci,
                      new_figure, rows_mean_se, wrap_lines, wrap_name)

MAX_PARAMETERS = 8
MAX_OUTPUTS = 4

def binned_means(x, y, n_bins):
    """Mean and Student-t 95% half-width of y in n_bins bins of equal count along x:
    (bin x means, y means, y half-widths)."""
    order = np.argsort(x, kind="stable")
    bx, by, bh = [], [], []
    for b in np.array_split(order, n_bins):
        if b.size:
            m, lo, hi, _ = mean_ci(y[b])
            bx.append(float(np.mean(x[b])))
            by.append(m)
            bh.append((hi - lo) / 2)
    return np.array(bx), np.array(by), np.array(bh)


def grid(sa):
    """Each output (rows) against each varied parameter (columns): a dot per design point
    (the mean of its replications, with its standard error when there are two or more)
    and, from 30 points, the mean of up to ten bins along the parameter with its 95%
    interval."""
    if sa.inputs is None or not sa.runs:
        raise NothingToDraw("no /design/inputs or /outputs")
    params = list(range(min(MAX_PARAMETERS, len(sa.parameters))))
    outs = [o for o in sa.output_names if o in sa.runs][:MAX_OUTPUTS]
    n_outs = len([o for o in sa.output_names if o in sa.runs])
    means, halves = {}, {}
    for o in outs:
        means[o], halves[o] = rows_mean_se(sa.runs[o])
    factors = {o: display_for(sa.unit.get(o, ""), float(np.nanmax(np.abs(means[o])))
                              if np.isfinite(means[o]).any() else 0.0) for o in outs}
    per_point = sa.replications >= 2
    ncols, nrows = len(params), len(outs)
    left_in, right_in = 1.0, 0.25
    cell_w, cell_h = max(2.35, (8.5 - left_in - right_in) / ncols), 2.0
    lines = [
        ("Each dot: one design point's output (one replication: no interval)"
         if not per_point else
         f"Each dot: one design point, the mean of its {sa.replications:,} replications, "
         "with its standard error (pale whiskers: +/- 1 SE)")
        + "; orange (30 points or more): the mean of the points in up to ten bins of equal "
        "count along the parameter, with its Student-t 95% interval over the bin's points.",
        "Log-uniform parameters on a log axis; a choice parameter by the index of its choice "
        "(design order).",
    ]
    if len(sa.parameters) > MAX_PARAMETERS or n_outs > MAX_OUTPUTS:
        lines.append(f"Shown: the first {len(params)} of {len(sa.parameters)} parameters and "
                     f"{len(outs)} of {n_outs} outputs, in design order.")
    if sa.failures:
        lines.append(sa.failed_note())
    top_in = 0.75
    fig_w = max(left_in + ncols * cell_w + right_in, 8.5)
    lines = wrap_lines(lines, fig_w)
    bottom_in = 0.08 + 0.165 * len(lines) + 0.2 + 0.4
    header_in = 0.2 + 0.16 * max(wrap_name(sa.parameters[j], 26).count("\n") + 1
                                 for j in params)
    fig_h = top_in + header_in + nrows * cell_h + (nrows - 1) * 0.15 + bottom_in
    fig = new_figure(figsize=(fig_w, fig_h))
    gap_x = 0.12
    axes = {}
    for r, o in enumerate(outs):
        for c, j in enumerate(params):
            x0 = left_in + c * cell_w + gap_x
            y0 = bottom_in + (nrows - 1 - r) * (cell_h + 0.15)
            ax = fig.add_axes([x0 / fig_w, y0 / fig_h, (cell_w - 2 * gap_x) / fig_w,
                               cell_h / fig_h],
                              sharex=axes.get((0, c)), sharey=axes.get((r, 0)))
            axes[(r, c)] = ax
            x = sa.inputs[:, j]
            yv = means[o] / factors[o][0]
            yh = halves[o] / factors[o][0]
            ok = np.isfinite(x) & np.isfinite(yv)
            dist = sa.distributions[j] if j < len(sa.distributions) else ""
            n_ok = int(ok.sum())
            alpha = 0.7 if n_ok < 100 else (0.5 if n_ok < 300 else
                                            max(0.12, 0.5 * (300 / n_ok) ** 0.5))
            if per_point and n_ok:
                ax.errorbar(x[ok], yv[ok], yerr=np.where(np.isfinite(yh[ok]), yh[ok], 0.0),
                            fmt="none", ecolor="#9ecae1", elinewidth=0.7,
                            alpha=min(1.0, alpha + 0.1), zorder=1.5)
            ax.scatter(x[ok], yv[ok], s=14 if n_ok < 100 else 7, color="#2c7fb8", alpha=alpha,
                       edgecolor="none", zorder=2)
            n_bins = min(10, n_ok // 10)
            if n_bins >= 3:
                bx, by, bh = binned_means(x[ok], yv[ok], n_bins)
                ax.errorbar(bx, by, yerr=bh, color="#d94801", lw=1.6, elinewidth=1.1,
                            capsize=2.5, marker="o", ms=3, zorder=3)
            if dist == "log_uniform":
                ax.set_xscale("log")
            if dist == "choice":
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            elif dist != "log_uniform":
                ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
                ax.xaxis.set_major_formatter(distinct_ticks())
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
            ax.tick_params(labelsize=7.5)
            ax.grid(color="#f0f0f0")
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            if r == 0:
                ax.set_title(wrap_name(sa.parameters[j], 26), fontsize=8.5, va="bottom")
            if r < nrows - 1:
                ax.tick_params(labelbottom=False)
            if c == 0:
                unit = factors[o][1]
                ax.set_ylabel(wrap_name(o, 22) + (f"\n({unit})" if unit else ""), fontsize=8.5)
                ax.yaxis.set_major_formatter(distinct_ticks())
            else:
                ax.tick_params(labelleft=False)
    frame(fig, f"Sweep: outputs against the parameters ({sa.method}, "
          f"{sa.points:,} points)", sa, caption_lines=len(lines), top_in=top_in)
    caption(fig, "\n".join(lines))
    return fig
