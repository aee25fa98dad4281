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


# The belief series of a run with rumours (docs/behaviour.md, "Beliefs against the true
# risks"): belief_<kind>_<site>[_<class>] and risk_<kind>_<site>, paired by what they
# describe ("believed probability of WHAT at the period's end", "true risk realised:
# WHAT in the period").
_BELIEVED = "believed probability of "
_REALISED = "true risk realised: "
KINDS = ("attack", "death", "kidnapping", "interception")


def belief_pairs(run, kinds=KINDS):
    """[(kind, site, realised series name, [belief series names])] of a run, in the
    file's order; empty without rumours."""
    r = _as_run(run)
    out = []
    for name, s in r.series.items():
        desc = s["description"]
        if not (name.startswith("risk_") and desc.startswith(_REALISED)):
            continue
        what = desc[len(_REALISED):].split(" in the period")[0]
        kind = next((k for k in KINDS if name.startswith(f"risk_{k}_")), None)
        if kind is None or kind not in kinds:
            continue
        beliefs = [n for n, b in r.series.items()
                   if n.startswith("belief_") and b["description"].startswith(_BELIEVED + what + " at")]
        out.append((kind, name[len(f"risk_{kind}_"):], name, beliefs))
    return out


def beliefs(run, kinds=KINDS, columns=4):
    """What migrants believe against the true risks, one panel per site and kind of
    risk: the knowledge state's belief at each period's end (a line through the period
    ends; one per document class at a crossing) over the true risk realised in each
    period (events / exposures, steps), both means over replications. `kinds`: which
    of attack, death, kidnapping, interception. NothingToDraw without rumours."""
    r = _as_run(run)
    pairs = belief_pairs(r, kinds)
    if not pairs:
        raise NothingToDraw("no belief series in /series (they are written with rumours: "
                            "parameters.choice.information a mapping)")
    edges = r.series_edges
    cols = min(columns, len(pairs))
    rows = math.ceil(len(pairs) / cols)
    fig = new_figure(figsize=(4.0 * cols, 2.5 * rows + 1.6))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    styles = ["-", "--", ":", "-."]
    for ax, (kind, site, risk, names) in zip(axes, pairs):
        real = r.series[risk]["values"].mean(axis=0)
        ax.stairs(real, edges, baseline=None, color="#e6550d", lw=1.6, label="true risk realised")
        for i, n in enumerate(names):
            cls = n[len(f"belief_{kind}_{site}_"):] if kind == "interception" else ""
            ax.plot(edges[1:], r.series[n]["values"].mean(axis=0), styles[i % len(styles)],
                    color="#08519c", lw=1.4, marker="." if i == 0 else None, ms=4,
                    label="belief" + (f" ({cls})" if cls else ""))
        ax.set_title(f"{kind}: {site}", fontsize=9.5, loc="left")
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(bottom=0.0)
        ax.grid(axis="y", color="#dddddd")
        ax.set_axisbelow(True)
        ax.tick_params(labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if kind == "interception" or ax is axes[0]:
            ax.legend(loc="best", fontsize=7, framealpha=0.92, edgecolor="#dddddd")
    for ax in axes[len(pairs):]:
        ax.set_visible(False)
    for ax in axes[(rows - 1) * cols:]:
        ax.set_xlabel("day", fontsize=8.5)
    frame(fig, "What migrants believe against the true risks", r, caption_lines=2)
    caption(fig,
            "Belief: the knowledge state's believed probability at each period's end (what a "
            "migrant choosing then holds; at a crossing per document class), mean over "
            f"{r.reps_text()}.\nTrue risk realised: events / exposures of the period's stories, "
            "heard or not (per ride, rider, arrival or attempt; 0 where nobody was exposed).")
    fig.subplots_adjust(left=0.05, right=0.98, hspace=0.55, wspace=0.25)
    return fig
