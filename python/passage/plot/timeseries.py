"""Figures of a time series of a `passage run` file (/series/<name>: replications x
periods): the mean per period with its Student-t 95% band over replications."""

import math

import numpy as np

from ._common import NothingToDraw, caption, display_for, frame, new_figure, t_quantile
from .files import Run, open_results


def period_stats(values, level=0.95):
    """(mean, low, high) per period of a (replications x periods) array: the mean over
    replications and its Student-t interval (NaN bounds for fewer than two)."""
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    mean = values.mean(axis=0) if n else np.full(values.shape[1], np.nan)
    if n < 2:
        nan = np.full(values.shape[1], np.nan)
        return mean, nan, nan
    half = t_quantile(level, n - 1) * values.std(axis=0, ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def _as_run(run):
    """A plot Run from what the caller has: a plot Run, a passage.Results/Run (its
    path) or a path."""
    if isinstance(run, Run):
        return run
    res = open_results(getattr(run, "path", run))
    if not isinstance(res, Run):
        raise NothingToDraw("time-series figures read a run file (passage run)")
    return res


def series(run, name, ax=None):
    """Time series `name` of a run file: the mean per period over replications as a
    step line, with its Student-t 95% band. `run`: what plot.open_results() read, a
    passage.Results (or Run) or a path. With `ax`, draws into it and returns its
    Figure; otherwise a new Figure (not registered with pyplot) with title and caption.
    NothingToDraw when the file has no such series."""
    r = _as_run(run)
    if name not in r.series:
        have = ", ".join(r.series) or "none"
        raise NothingToDraw(f"no series '{name}' in /series (series: {have})")
    s = r.series[name]
    edges = r.series_edges
    mean, low, high = period_stats(s["values"])
    factor, unit = display_for(s["unit"], float(np.nanmax(np.abs(mean))) if mean.size else 0.0)
    own = ax is None
    if own:
        fig = new_figure(figsize=(9.5, 5.0))
        ax = fig.subplots()
    else:
        fig = ax.figure
    if np.all(np.isfinite(low)):
        ax.stairs(high / factor, edges, baseline=low / factor, fill=True, color="#9ecae1",
                  alpha=0.6, lw=0, label="95% interval of the mean")
    ax.stairs(mean / factor, edges, baseline=None, color="#08519c", lw=1.8,
              label="mean over replications")
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel("day")
    ax.set_ylabel(f"{name} ({unit})" if unit else name)
    ax.grid(axis="y", color="#dddddd")
    ax.set_axisbelow(True)
    ax.legend(loc="best", fontsize=8.5, framealpha=0.92, edgecolor="#dddddd")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if own:
        periods = len(edges) - 1
        frame(fig, f"{name} per period", r, caption_lines=2)
        caption(fig,
                f"/series/{name}: {s['description']}; {periods} periods of "
                f"{edges[0]:g} to {edges[-1]:g} days, {r.reps_text()}.\n"
                + ("Band: Student-t 95% interval of the mean per period."
                   if np.all(np.isfinite(low)) else "One replication: no interval."))
    return fig
