"""Figures of a `passage run` file: where the migrants ended up, who earns, and the
histograms (journey days, days in a hub, total paid per migrant)."""

import math

import numpy as np
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from ._common import NothingToDraw, caption, frame, mean_ci, new_figure, thousands
from .files import text

# Built-in outcomes of the mali model; any other metric of the outcomes group
# is an exit (named after where it leads, e.g. arrived_algeria).
BUILTIN_OUTCOMES = ("died", "abandoned", "turned_back", "in_transit")
OUTCOME_LABELS = {
    "arrived_algeria": "arrived in Algeria",
    "exited_niger": "left for Niger",
    "died": "died on the way",
    "abandoned": "abandoned in the desert, survived",
    "turned_back": "gave up and turned back",
    "in_transit": "still on the route at the horizon",
}
ACTOR_LABELS = {
    "state_security": "state security forces\n(roadblocks, gendarmes, police)",
    "bus_companies": "bus companies",
    "smugglers": "smugglers\n(passeurs, cokseurs, retries)",
    "ghetto_chairmen": "ghetto chairmen",
    "passport_network": "false-passport network",
    "transporters": "truck and pickup transporters",
    "armed_groups": "armed groups\n(checkpoints, protection)",
    "bandits": "bandits",
    "kidnappers": "kidnappers (ransoms)",
}
STATE_COLOUR = "#1f4e79"
ARMED_COLOUR = "#b3202a"
OTHER_COLOUR = "#9a9a9a"


def outcomes(run):
    """Outcome shares (per replication, then averaged) with Student-t 95% intervals."""
    names = [m for m in run.metrics
             if run.group.get(m, "").startswith("Outcomes") and m in run.reps]
    if not names or "migrants" not in run.reps:
        raise NothingToDraw("no outcome metrics (group 'Outcomes ...') and 'migrants' in "
                            "/replications")
    migrants = run.reps["migrants"]
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = {m: np.where(migrants > 0, run.reps[m] / migrants, np.nan) for m in names}
    # Exits first (in report order), then the built-in outcomes.
    names = ([m for m in names if m not in BUILTIN_OUTCOMES]
             + [m for m in BUILTIN_OUTCOMES if m in names])
    stats = [mean_ci(100.0 * shares[m]) for m in names]
    n_mig, lo_mig, hi_mig, _ = mean_ci(migrants)
    means = np.array([s[0] for s in stats])
    lows = np.array([s[1] for s in stats])
    highs = np.array([s[2] for s in stats])

    fig = new_figure(figsize=(9.5, 0.5 * len(names) + 2.9))
    ax = fig.subplots()
    fig.subplots_adjust(left=0.3, right=0.97)
    y = np.arange(len(names))[::-1]
    kind = ["exit" if m not in BUILTIN_OUTCOMES else
            ("loss" if m in ("died", "abandoned") else "other") for m in names]
    palette = {"exit": "#2c7fb8", "loss": "#7a0019", "other": "#8c8c8c"}
    ax.barh(y, means, color=[palette[k] for k in kind], height=0.62)
    err = np.vstack([means - lows, highs - means])
    if np.all(np.isfinite(err)):
        ax.errorbar(means, y, xerr=err, fmt="none", ecolor="black", capsize=4, lw=1.2)
    labels = [f"{OUTCOME_LABELS.get(m, m.replace('_', ' '))}\n({m})" for m in names]
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlim(0, 100)
    for yi, m, lo, hi in zip(y, means, lows, highs):
        interval = f"  [{lo:.2f}, {hi:.2f}]" if math.isfinite(lo) else ""
        right = hi if math.isfinite(hi) else m
        ax.text(right + 1.0, yi, f"{m:.2f}%{interval}", va="center", ha="left", fontsize=8.5)
    ax.set_xlabel("share of migrants who entered the route (%)")
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(handles=[Patch(color=palette["exit"], label="reached an exit"),
                       Patch(color=palette["loss"], label="died or abandoned"),
                       Patch(color=palette["other"], label="turned back or still on the way")],
              loc="best", fontsize=8.5, frameon=False)
    horizon = f"day {run.horizon:g}" if math.isfinite(run.horizon) else "the end of the run"
    frame(fig, "Outcomes: where the migrants ended up", run, caption_lines=3)
    caption(fig,
            f"Each migrant who entered the route ends in exactly one outcome at {horizon}.\n"
            f"Bars: mean over {run.reps_text()} of the per-replication share; "
            f"{run.interval_note()}.\n"
            f"Migrants who entered, per replication: {thousands(n_mig)}"
            + (f" [{thousands(lo_mig)}, {thousands(hi_mig)}]." if math.isfinite(lo_mig) else "."))
    return fig


def ledger(run):
    """Revenue by actor in million CFA (EUR on the top axis), with 95% intervals."""

    names = [m for m in run.metrics if m.startswith("revenue_") and m in run.reps]
    if not names:
        raise NothingToDraw("no revenue_* metrics in /replications")
    actors = [m[len("revenue_"):] for m in names]
    scale = 1e6
    stats = [mean_ci(run.reps[m] / scale) for m in names]
    order = np.argsort([-s[0] for s in stats], kind="stable")
    actors = [actors[i] for i in order]
    stats = [stats[i] for i in order]
    means = np.array([s[0] for s in stats])
    lows = np.array([s[1] for s in stats])
    highs = np.array([s[2] for s in stats])
    total = means.sum()
    paid = mean_ci(run.reps["paid_total"] / scale)[0] if "paid_total" in run.reps else total

    fig = new_figure(figsize=(10.5, 0.6 * len(actors) + 3.3))
    ax = fig.subplots()
    fig.subplots_adjust(left=0.25, right=0.97)
    y = np.arange(len(actors))[::-1]
    colours = [STATE_COLOUR if a == "state_security" else
               ARMED_COLOUR if a == "armed_groups" else OTHER_COLOUR for a in actors]
    ax.barh(y, means, color=colours, height=0.62)
    err = np.vstack([means - lows, highs - means])
    if np.all(np.isfinite(err)):
        ax.errorbar(means, y, xerr=err, fmt="none", ecolor="black", capsize=3, lw=1.0)
    ax.set_yticks(y, [ACTOR_LABELS.get(a, a.replace("_", " ")) for a in actors], fontsize=9)
    for tick, a in zip(ax.get_yticklabels(), actors):
        if a in ("state_security", "armed_groups"):
            tick.set_fontweight("bold")
            tick.set_color(STATE_COLOUR if a == "state_security" else ARMED_COLOUR)
    ax.set_xlim(0, means.max() * 1.42)
    for yi, m, lo, hi in zip(y, means, lows, highs):
        share = 100.0 * m / paid if paid > 0 else float("nan")
        interval = f" [{thousands(lo)}, {thousands(hi)}]" if math.isfinite(lo) else ""
        ax.text(m + (hi - m if math.isfinite(hi) else 0), yi,
                f"  {thousands(m)}{interval}  ({share:.1f}%)", va="center", fontsize=8)
    ax.set_xlabel("revenue per replication (million CFA francs)")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: thousands(v)))
    if run.cfa_per_eur:
        rate = run.cfa_per_eur
        top = ax.secondary_xaxis("top", functions=(lambda v: v / rate, lambda v: v * rate))
        top.set_xlabel(f"million EUR (at {rate:g} CFA per EUR, parameters.cfa_per_eur)",
                       fontsize=8.5)
        top.tick_params(labelsize=8)
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    ax.spines["right"].set_visible(False)
    state = dict(zip(actors, means)).get("state_security")
    armed = dict(zip(actors, means)).get("armed_groups")
    note = ""
    if state is not None and armed is not None and armed > 0:
        note = (f"\nState security forces take {state / armed:.1f} times what armed groups "
                "take: both feed off the flow (the report's central contrast).")
    frame(fig, "Who earns: revenue by actor", run, caption_lines=3 + bool(note), top_in=1.3)
    caption(fig,
            "Every CFA franc a migrant or family pays goes to exactly one actor; the bars add up "
            f"to paid_total, {thousands(paid)} million CFA per replication.{note}\n"
            f"Bars: mean over {run.reps_text()} (million CFA); {run.interval_note()};\n"
            "in parentheses: share of paid_total.")
    return fig


HIST_TITLES = {
    "journey_days": "Journey time: days from entering the route to the outcome",
    "hub_days": "Days in a hub{hubs}: from arrival to leaving, working and waiting for a truck",
    "paid_per_migrant": "Total paid per migrant over the journey",
}


def histogram(run, name):
    """One /histograms/<name>: shares per bin, quantiles and the cumulative share."""

    h = run.histograms[name]
    edges, counts = h["edges"], h["counts"]
    unit = text(h.get("unit", ""))
    scale, xunit = (1e3, "thousand CFA") if unit == "CFA" else (1.0, unit)
    e = edges / scale
    total = float(h.get("total", counts.sum() + h.get("underflow", 0) + h.get("overflow", 0)))
    if total <= 0:
        raise NothingToDraw(f"histogram {name} is empty")
    share = 100.0 * counts / total
    width = e[1] - e[0]

    fig = new_figure(figsize=(9.5, 5.5))
    ax = fig.subplots()
    fig.subplots_adjust(left=0.09, right=0.91)
    ax.bar(e[:-1], share, width=np.diff(e), align="edge", color="#6baed6",
           edgecolor="#3182bd", linewidth=0.4, zorder=2, label="share of migrants per bin")
    q = {k: float(h[k]) / scale for k in ("q05", "q25", "q50", "q75", "q95") if k in h}

    def fmt(v):
        if scale > 1:
            return thousands(v)
        return f"{v:g}" if float(v).is_integer() else f"{v:.1f}"

    if "q25" in q and "q75" in q:
        ax.axvspan(q["q25"], q["q75"], color="#fdae6b", alpha=0.25, lw=0, zorder=1,
                   label=f"middle half: {fmt(q['q25'])} to {fmt(q['q75'])} {xunit}")
    if "q50" in q:
        ax.axvline(q["q50"], color="#d94801", lw=1.8,
                   label=f"median: {fmt(q['q50'])} {xunit}")
    if "q05" in q and "q95" in q:
        for k in ("q05", "q95"):
            ax.axvline(q[k], color="#d94801", lw=1.0, ls="--")
        ax.plot([], [], color="#d94801", lw=1.0, ls="--",
                label=f"5% and 95%: {fmt(q['q05'])} and {fmt(q['q95'])} {xunit}")
    # A model limit that shapes the tail: the longest a migrant works in a hub
    # (parameters.hubs.ID.max_work_days, one line per distinct value).
    limits = {}
    if unit == "days":
        for path in sorted(run.parameters):
            parts = path.split(".")
            if len(parts) == 4 and parts[:2] == ["parameters", "hubs"] and parts[3] == "max_work_days":
                v = run.number(path)
                if v is not None and e[0] < v < e[-1]:
                    limits.setdefault(v, []).append(path)
    for limit, paths in sorted(limits.items()):
        ax.axvline(limit, color="#555555", lw=1.0, ls=":",
                   label=f"{', '.join(paths)} = {limit:g}")
    # Cumulative share, on the right axis: the long tails are hard to see in the bars.
    cum = 100.0 * (float(h.get("underflow", 0)) + np.concatenate([[0.0], np.cumsum(counts)]))
    cum /= total
    ax2 = ax.twinx()
    ax2.plot(e, cum, color="#08306b", lw=1.6, label="cumulative share (right axis)")
    ax2.set_ylim(0, 100)
    ax2.set_ylabel("cumulative share of migrants (%)", color="#08306b")
    ax2.tick_params(axis="y", colors="#08306b")
    ax2.spines["top"].set_visible(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax2.legend(h1 + h2, l1 + l2, loc="center right", fontsize=8.5, framealpha=0.92,
               edgecolor="#dddddd")
    ax.set_xlim(e[0], e[-1])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(f"{xunit}" + (f"  (bins of {fmt(width)} {xunit})" if width > 0 else ""))
    ax.set_ylabel("share of migrants (% per bin)")
    ax.grid(axis="y", color="#dddddd")
    ax.set_axisbelow(True)
    ax.spines["top"].set_visible(False)
    over = float(h.get("overflow", 0))
    under = float(h.get("underflow", 0))
    beyond = ""
    if over > 0:
        beyond += f" {100 * over / total:.2f}% lie above {fmt(e[-1])} {xunit} (not shown)."
    if under > 0:
        beyond += f" {100 * under / total:.2f}% lie below {fmt(e[0])} {xunit} (not shown)."
    hubs = sorted({line.split(">")[0] for line in run.network["lines"]}) if run.network else []
    names = {p: n for p, n in zip(run.network["place_id"], run.network["place_name"])} \
        if run.network else {}
    title = HIST_TITLES.get(name, text(h.get("description", name)).capitalize()).format(
        hubs=f" ({', '.join(names.get(x, x) for x in hubs)})" if hubs else "")
    frame(fig, title, run,
          caption_lines=2 + bool(beyond))
    caption(fig,
            f"/histograms/{name}: {text(h.get('description', ''))}; {thousands(total)} "
            f"migrants pooled over {run.reps_text()}.\n"
            + (beyond.strip() + "\n" if beyond else "") +
            "Quantiles are interpolated within bins.")
    return fig


# -- the network map ---------------------------------------------------------

