#!/usr/bin/python3
"""Figures from a passage results file.

    scripts/plot.py results/mali-2016.h5 -o results/plots/mali-2016

reads a file written by `passage run` and writes PNG figures into the output
folder:

    outcomes.png             where the migrants ended up: shares with 95% intervals
    ledger.png               who earns: revenue by actor, million CFA, 95% intervals
    hist_<name>.png          one per histogram in the file (journey days, days in a
                             hub, total paid per migrant)
    network.png              the route network, line width proportional to flow

A figure whose data the file lacks is skipped with a note. Intervals are
Student-t 95% intervals of the mean over replications; outcome shares are
computed per replication (outcome / migrants) before averaging.

Exit codes: 0 figures written; 2 bad input (no such file, not HDF5, not a passage
results file, a kind of file these plots do not cover yet, nothing to plot);
1 a missing Python module or another failure.

Needs Debian's python3-h5py, python3-numpy and python3-matplotlib; PyYAML
(python3-yaml), when present, is used to name the exits on the network map.
"""

import argparse
import math
import os
import sys

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1

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
MODE_COLOURS = {
    "bus": "#1b6ca8",
    "pickup": "#e08a00",
    "truck": "#b3202a",
    "foot": "#4d9221",
}
STATE_COLOUR = "#1f4e79"
ARMED_COLOUR = "#b3202a"
OTHER_COLOUR = "#9a9a9a"

# Student-t 0.975 quantiles for 1..30 degrees of freedom (no scipy needed).
_T975 = [
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
]


class BadInput(Exception):
    """The input file cannot be plotted (exit 2)."""


def t975(df):
    """The 0.975 quantile of Student's t with df degrees of freedom."""
    if df < 1:
        return float("nan")
    if df <= len(_T975):
        return _T975[df - 1]
    # Cornish-Fisher expansion around the normal quantile; error < 1e-4 for df > 30.
    z = 1.959963984540054
    v = float(df)
    return (z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3))


def mean_ci(x):
    """Mean and Student-t 95% interval of the mean of the finite values of x."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    m = float(x.mean())
    if n == 1:
        return m, float("nan"), float("nan"), 1
    half = t975(n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return m, m - half, m + half, n


def thousands(v, digits=0):
    """1234567.8 -> '1,234,568' (digits after the point when asked)."""
    return f"{v:,.{digits}f}"


# ---------------------------------------------------------------------------
# Reading the file


def text(a):
    return a.decode("utf-8") if isinstance(a, bytes) else str(a)


def strings(ds):
    return [text(s) for s in ds[()]]


class Run:
    """What the figures need from a `passage run` file."""

    def __init__(self, f, path):
        self.path = path
        self.scenario = text(f.attrs.get("scenario_name", os.path.basename(path)))
        self.model = text(f.attrs.get("model", "?"))
        self.replications = int(f.attrs.get("replications", 0))
        self.horizon = float(f.attrs.get("horizon_days", float("nan")))
        self.overrides = [s for s in text(f.attrs.get("overrides", "")).split("\n") if s]
        self.overlays = [s for s in text(f.attrs.get("overlays", "")).split("\n") if s]
        self.scenario_text = text(f.attrs.get("scenario", ""))
        # Metrics in report order, with their group and unit.
        self.metrics = []
        self.group = {}
        self.unit = {}
        self.reps = {}
        if "summary" in f and "metric" in f["summary"]:
            self.metrics = strings(f["summary"]["metric"])
            if "unit" in f["summary"]:
                self.unit = dict(zip(self.metrics, strings(f["summary"]["unit"])))
        if "replications" in f:
            g = f["replications"]
            if not self.metrics:
                self.metrics = list(g.keys())
            for name in self.metrics:
                if name in g:
                    ds = g[name]
                    self.reps[name] = ds[()].astype(float)
                    self.group[name] = text(ds.attrs.get("group", ""))
                    self.unit.setdefault(name, text(ds.attrs.get("unit", "")))
        self.histograms = {}
        if "histograms" in f:
            for name, g in f["histograms"].items():
                if "edges" in g and "counts" in g:
                    h = {k: g.attrs[k] for k in g.attrs}
                    h["edges"] = g["edges"][()].astype(float)
                    h["counts"] = g["counts"][()].astype(float)
                    self.histograms[name] = h
        self.network = None
        if "network" in f and "places" in f["network"] and "segments" in f["network"]:
            p = f["network"]["places"]
            s = f["network"]["segments"]
            self.network = {
                "place_id": strings(p["id"]),
                "place_name": strings(p["name"]) if "name" in p else strings(p["id"]),
                "lat": p["lat"][()].astype(float),
                "lon": p["lon"][()].astype(float),
                "seg_id": strings(s["id"]),
                "seg_from": strings(s["from"]),
                "seg_to": strings(s["to"]),
                "seg_mode": strings(s["mode"]),
                "seg_km": s["distance_km"][()].astype(float) if "distance_km" in s else None,
                "lines": strings(f["network"]["truck_lines"])
                if "truck_lines" in f["network"] else [],
            }
        # Parameter values as run (dotted path -> text), from /provenance.
        self.parameters = {}
        if "provenance" in f and "path" in f["provenance"] and "value" in f["provenance"]:
            self.parameters = dict(zip(strings(f["provenance"]["path"]),
                                       strings(f["provenance"]["value"])))
        self.cfa_per_eur = self.number("parameters.cfa_per_eur")

    def number(self, path):
        """A scalar parameter's value, or None."""
        try:
            return float(self.parameters.get(path, ""))
        except ValueError:
            return None

    def reps_text(self):
        """'50 replications', or '1 replication'."""
        return f"{self.replications:,} replication" + ("" if self.replications == 1 else "s")

    def interval_note(self):
        """How the whiskers are made, or why there are none."""
        if self.replications < 2:
            return "one replication: no interval"
        return "whiskers and brackets: Student-t 95% interval of the mean"

    def subtitle(self):
        s = f"scenario {self.scenario}, {self.reps_text()}"
        if math.isfinite(self.horizon):
            s += f" of {self.horizon:g} days"
        if self.overlays:
            s += "; --policy " + ", ".join(os.path.basename(o) for o in self.overlays)
        if self.overrides:
            s += "; --set " + ", ".join(self.overrides)
        return s


def open_run(path):
    """Open a results file, or raise BadInput saying why it cannot be plotted."""
    import h5py

    if not os.path.exists(path):
        raise BadInput(f"{path}: no such file")
    if os.path.isdir(path):
        raise BadInput(f"{path}: is a directory, not a results file")
    try:
        is_h5 = h5py.is_hdf5(path)
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e}")
    if not is_h5:
        raise BadInput(f"{path}: not an HDF5 file (a passage results file is HDF5, "
                       "written by 'passage run')")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise BadInput(f"{path}: cannot open as HDF5: {e}")
    with f:
        if "passage_version" not in f.attrs:
            raise BadInput(f"{path}: not a passage results file (no 'passage_version' "
                           "attribute)")
        kind = text(f.attrs.get("kind", "run"))
        if kind in ("compare", "sweep", "sensitivity"):
            raise BadInput(f"{path}: a '{kind}' results file; plots for '{kind}' files are "
                           "not supported yet (this version plots 'passage run' files)")
        if kind != "run":
            raise BadInput(f"{path}: unknown kind of results file '{kind}' (this version "
                           "plots 'passage run' files)")
        try:
            return Run(f, path)
        except (KeyError, OSError, ValueError) as e:
            raise BadInput(f"{path}: damaged or incomplete results file: {e}")


# ---------------------------------------------------------------------------
# Figures


def caption(fig, s):
    """A caption under the axes; lines are broken by hand (\n)."""
    fig.text(0.01, 0.012, s, ha="left", va="bottom", fontsize=8, color="#444444",
             linespacing=1.35)


def frame(fig, title, run, caption_lines, xlabel_rows=1, top_in=0.75):
    """Title and subtitle on top, room for the caption below: margins in inches."""
    h = fig.get_figheight()
    fig.suptitle(title, x=0.01, y=1 - 0.12 / h, ha="left", va="top", fontsize=13,
                 fontweight="bold")
    sub = run.subtitle()
    width = int(fig.get_figwidth() * 15)  # characters of 9-point text per line, about
    if len(sub) > width:
        sub = sub[:width - 3] + "..."
    fig.text(0.01, 1 - 0.42 / h, sub, ha="left", va="top", fontsize=9, color="#444444")
    bottom = (0.08 + 0.165 * caption_lines + 0.12 + 0.3 * xlabel_rows + 0.1) / h
    fig.subplots_adjust(top=1 - top_in / h, bottom=bottom)


def plot_outcomes(run, out, dpi):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Patch

    names = [m for m in run.metrics
             if run.group.get(m, "").startswith("Outcomes") and m in run.reps]
    if not names or "migrants" not in run.reps:
        return None, "no outcome metrics (group 'Outcomes ...') and 'migrants' in /replications"
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

    fig, ax = plt.subplots(figsize=(9.5, 0.5 * len(names) + 2.9))
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
    path = os.path.join(out, "outcomes.png")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path, None


def plot_ledger(run, out, dpi):
    import matplotlib.pyplot as plt
    import numpy as np

    names = [m for m in run.metrics if m.startswith("revenue_") and m in run.reps]
    if not names:
        return None, "no revenue_* metrics in /replications"
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

    fig, ax = plt.subplots(figsize=(10.5, 0.6 * len(actors) + 3.3))
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
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: thousands(v)))
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
    path = os.path.join(out, "ledger.png")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path, None


HIST_TITLES = {
    "journey_days": "Journey time: days from entering the route to the outcome",
    "hub_days": "Days in a hub{hubs}: from arrival to leaving, working and waiting for a truck",
    "paid_per_migrant": "Total paid per migrant over the journey",
}


def plot_histogram(run, name, out, dpi):
    import matplotlib.pyplot as plt
    import numpy as np

    h = run.histograms[name]
    edges, counts = h["edges"], h["counts"]
    unit = text(h.get("unit", ""))
    scale, xunit = (1e3, "thousand CFA") if unit == "CFA" else (1.0, unit)
    e = edges / scale
    total = float(h.get("total", counts.sum() + h.get("underflow", 0) + h.get("overflow", 0)))
    if total <= 0:
        return None, f"histogram {name} is empty"
    share = 100.0 * counts / total
    width = e[1] - e[0]

    fig, ax = plt.subplots(figsize=(9.5, 5.5))
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
    # A model limit that shapes the tail: the longest a migrant works in a hub.
    limit = run.number("parameters.hub.max_work_days") if unit == "days" else None
    if limit is not None and e[0] < limit < e[-1]:
        ax.axvline(limit, color="#555555", lw=1.0, ls=":",
                   label=f"parameters.hub.max_work_days = {limit:g}")
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
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
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
    path = os.path.join(out, f"hist_{name}.png")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path, None


# -- the network map ---------------------------------------------------------

EARTH_KM = 6371.0
KM_PER_DEGREE = math.pi * EARTH_KM / 180.0


def great_circle_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def layout(net):
    """Positions (lat, lon) for every place; which places had coordinates; the detour factor.

    Places with coordinates stay where they are. The others are placed by rule,
    schematically, never from outside data:
      1. a place between placed places (a placed place before it and one after it
         on the network) goes on the straight line between them, at the share of
         the way its segments' distances give;
      2. otherwise it goes out from a placed neighbour, at that segment's
         distance, carrying on in the direction of travel (downstream) or against
         it (upstream, e.g. the capitals where journeys start), turned by steps
         of 30 degrees until it keeps clear of the neighbour's other segments;
         with several placed neighbours it then settles at the point that best
         matches all their distances.
    Distances are the segments' road km times a detour factor: great-circle over
    road km, the median over segments whose two ends have coordinates.
    """
    import numpy as np

    ids = net["place_id"]
    n = len(ids)
    index = {p: i for i, p in enumerate(ids)}
    lat, lon = net["lat"].astype(float).copy(), net["lon"].astype(float).copy()
    known = np.isfinite(lat) & np.isfinite(lon)
    km = net["seg_km"]
    if km is None:
        km = np.full(len(net["seg_id"]), 300.0)
    edges = [(index[a], index[b], float(d)) for a, b, d in
             zip(net["seg_from"], net["seg_to"], km)]
    ratios = [great_circle_km(lat[i], lon[i], lat[j], lon[j]) / d
              for i, j, d in edges if known[i] and known[j] and d > 0]
    detour = float(np.clip(np.median(ratios), 0.5, 1.0)) if ratios else 0.8
    if known.all():
        return lat, lon, known, detour

    # Work in a flat plane in degrees of latitude (x scaled by cos(lat0)).
    lat0 = float(np.mean(lat[known])) if known.any() else 0.0
    c = math.cos(math.radians(lat0))
    pos = np.full((n, 2), np.nan)
    pos[known, 0] = lon[known] * c
    pos[known, 1] = lat[known]
    placed = known.copy()
    if not placed.any():
        placed[0] = True  # nothing is known: start the drawing at the first place
        pos[0] = (0.0, 0.0)
    length = {}
    for i, j, d in edges:
        length[(i, j)] = length[(j, i)] = max(d, 1.0) * detour / KM_PER_DEGREE

    def unit(v):
        norm = math.hypot(v[0], v[1])
        return v / norm if norm > 1e-12 else None

    def travel_into(a):
        """Mean direction of travel into placed place a (or out of it)."""
        vs = [unit(pos[a] - pos[i]) for i, j, _ in edges if j == a and placed[i]]
        vs = [v for v in vs if v is not None]
        if not vs:
            vs = [unit(pos[j] - pos[a]) for i, j, _ in edges if i == a and placed[j]]
            vs = [v for v in vs if v is not None]
        return unit(np.sum(vs, axis=0)) if vs else np.array([1.0, 0.0])

    def travel_out_of(a):
        vs = [unit(pos[j] - pos[a]) for i, j, _ in edges if i == a and placed[j]]
        vs = [v for v in vs if v is not None]
        if not vs:
            return travel_into(a)
        return unit(np.sum(vs, axis=0)) if unit(np.sum(vs, axis=0)) is not None else vs[0]

    def clear_direction(a, base):
        """base turned by 0, +30, -30, +60, ... degrees until clear of a's segments."""
        taken = []
        for i, j, _ in edges:
            other = j if i == a else (i if j == a else None)
            if other is not None and placed[other]:
                v = unit(pos[other] - pos[a])
                if v is not None:
                    taken.append(math.atan2(v[1], v[0]))
        angle0 = math.atan2(base[1], base[0])
        for k in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6):
            angle = angle0 + math.radians(30 * k)
            if all(abs((angle - t + math.pi) % (2 * math.pi) - math.pi) > math.radians(25)
                   for t in taken):
                return np.array([math.cos(angle), math.sin(angle)])
        return base

    def settle(p):
        """Move p to best match its distances to all placed neighbours."""
        nbrs = [(j if i == p else i) for i, j, _ in edges if p in (i, j)]
        nbrs = [q for q in nbrs if placed[q] and q != p]
        if len(nbrs) < 2:
            return
        for _ in range(200):
            target = np.zeros(2)
            for q in nbrs:
                v = unit(pos[p] - pos[q])
                if v is None:
                    v = np.array([0.0, 1.0])
                target += pos[q] + length[(p, q)] * v
            pos[p] = target / len(nbrs)

    while not placed.all():
        progress = False
        # 1. Between placed places: interpolate.
        for p in range(n):
            if placed[p]:
                continue
            before = [(i, length[(i, p)]) for i, j, _ in edges if j == p and placed[i]]
            after = [(j, length[(p, j)]) for i, j, _ in edges if i == p and placed[j]]
            if before and after:
                points = [pos[a] + (pos[b] - pos[a]) * da / (da + db)
                          for a, da in before for b, db in after]
                pos[p] = np.mean(points, axis=0)
                placed[p] = True
                progress = True
        if progress:
            continue
        # 2. Out from a placed neighbour, one place at a time.
        for p in range(n):
            if placed[p]:
                continue
            before = [i for i, j, _ in edges if j == p and placed[i]]
            after = [j for i, j, _ in edges if i == p and placed[j]]
            if before:
                a = before[0]
                direction = clear_direction(a, travel_into(a))
            elif after:
                a = after[0]
                direction = clear_direction(a, -travel_out_of(a))
            else:
                continue
            pos[p] = pos[a] + length[(a, p)] * direction
            placed[p] = True
            settle(p)
            progress = True
            break
        if not progress:
            # A part of the network not linked to anything placed: start it apart.
            p = int(np.flatnonzero(~placed)[0])
            pos[p] = np.nanmax(pos, axis=0) + 2.0
            placed[p] = True
    out_lat = pos[:, 1].copy()
    out_lon = pos[:, 0] / c
    out_lat[known], out_lon[known] = lat[known], lon[known]
    return out_lat, out_lon, known, detour


def exit_names(run):
    """{place id: exit outcome} from the resolved scenario, when PyYAML is here."""
    try:
        import yaml
    except ImportError:
        return {}
    try:
        tree = yaml.safe_load(run.scenario_text) or {}
        places = tree.get("parameters", {}).get("places", {}) or {}
    except Exception:  # a scenario we cannot read only costs the exit names
        return {}
    out = {}
    for pid, p in places.items():
        if not isinstance(p, dict):
            continue
        if isinstance(p.get("exit"), str):
            out[pid] = p["exit"]
        elif isinstance(p.get("crossing"), dict) and isinstance(p["crossing"].get("exit"), str):
            out[pid] = p["crossing"]["exit"]
    return out


def plot_network(run, out, dpi):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    net = run.network
    if net is None:
        return None, "no /network group (places and segments)"
    ids, names = net["place_id"], net["place_name"]
    index = {p: i for i, p in enumerate(ids)}
    lat, lon, known, detour = layout(net)
    flows = []
    for s in net["seg_id"]:
        x = run.reps.get("flow_" + s)
        flows.append(mean_ci(x)[0] if x is not None else float("nan"))
    flows = np.array(flows)
    have_flows = bool(np.isfinite(flows).any())
    fmax = float(np.nanmax(flows)) if have_flows and np.nanmax(flows) > 0 else 1.0
    hubs = {line.split(">")[0] for line in net["lines"]}
    exits = [p for p in ids if p not in set(net["seg_from"])]
    exit_outcome = exit_names(run)
    seg_ends = [(index[a], index[b]) for a, b in zip(net["seg_from"], net["seg_to"])]

    # The zoom: the hubs and every place after them (the crowded road north).
    downstream = {index[h] for h in hubs if h in index}
    frontier = list(downstream)
    while frontier:
        q = frontier.pop()
        for a, b in seg_ends:
            if a == q and b not in downstream:
                downstream.add(b)
                frontier.append(b)
    zoom = None
    if len(downstream) >= 2:
        zl = [lon[i] for i in downstream]
        zb = [lat[i] for i in downstream]
        span = max(max(zl) - min(zl), max(zb) - min(zb), 1.0)
        m = 0.12 * span + 0.3
        zoom = (min(zl) - m, max(zl) + m, min(zb) - m, max(zb) + m)
        full = (np.nanmin(lon), np.nanmax(lon), np.nanmin(lat), np.nanmax(lat))
        if (zoom[1] - zoom[0]) > 0.6 * (full[1] - full[0]):
            zoom = None  # the whole network is about as small: one panel is enough

    lat0 = float(np.nanmean(lat))
    aspect = 1.0 / math.cos(math.radians(lat0))
    if zoom:
        fig, (ax, az) = plt.subplots(1, 2, figsize=(16, 9.6),
                                     gridspec_kw=dict(width_ratios=[1.0, 1.0]))
        fig.subplots_adjust(left=0.045, right=0.99, wspace=0.12)
        panels = [(ax, "whole network", False), (az, "the hubs and the road north (zoom)", True)]
    else:
        fig, ax = plt.subplots(figsize=(12, 9.6))
        fig.subplots_adjust(left=0.07, right=0.98)
        panels = [(ax, None, True)]
    max_width = 15.0

    def width_of(f):
        """Line width in points, proportional to the flow (a hairline at least)."""
        return max(0.6, max_width * f / fmax)

    def inside(i):
        return zoom is not None and (zoom[0] <= lon[i] <= zoom[1] and zoom[2] <= lat[i] <= zoom[3])

    def draw(ax, detailed, width_scale):
        """Segments, flow labels and markers; returns the flow labels (obstacles)."""
        obstacles = []
        order = np.argsort(-np.nan_to_num(flows, nan=0.0))
        for k in order:
            a, b = seg_ends[k]
            colour = MODE_COLOURS.get(net["seg_mode"][k], "#555555")
            f = flows[k]
            if not np.isfinite(f) or f <= 0:
                ax.plot([lon[a], lon[b]], [lat[a], lat[b]], color=colour, lw=0.8, ls=":",
                        zorder=2)
                continue
            ax.plot([lon[a], lon[b]], [lat[a], lat[b]], color=colour,
                    lw=width_scale * width_of(f), alpha=0.7,
                    solid_capstyle="butt", zorder=2)
            if not detailed and inside(a) and inside(b):
                continue  # labelled in the zoom
            mid = (lon[a] + 0.5 * (lon[b] - lon[a]), lat[a] + 0.5 * (lat[b] - lat[a]))
            ahead = (lon[a] + 0.62 * (lon[b] - lon[a]), lat[a] + 0.62 * (lat[b] - lat[a]))
            ax.annotate("", xy=ahead, xytext=mid, zorder=4, annotation_clip=True,
                        arrowprops=dict(arrowstyle="-|>", color="black", lw=0.6,
                                        mutation_scale=10))
            label = f"{f / 1000:.1f}k" if f >= 1000 else f"{f:.0f}"
            obstacles.append(ax.text(
                lon[a] + 0.38 * (lon[b] - lon[a]), lat[a] + 0.38 * (lat[b] - lat[a]), label,
                fontsize=8, ha="center", va="center", zorder=5, clip_on=True,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=colour, lw=0.7)))
        for i, p in enumerate(ids):
            marker = "s" if p in hubs else ("^" if p in exits else "o")
            size = 80 if p in hubs or p in exits else 45
            ax.scatter([lon[i]], [lat[i]], s=size, marker=marker, zorder=6, clip_on=True,
                       facecolor="black" if known[i] else "white", edgecolor="black", lw=1.3)
        ax.set_aspect(aspect, adjustable="datalim")
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
        ax.grid(color="#eeeeee", zorder=0)
        return obstacles

    def place_labels(ax, detailed, obstacles):
        """Name every place, on the side away from its segments, avoiding other labels."""
        renderer = fig.canvas.get_renderer()
        taken = [t.get_window_extent(renderer).expanded(1.05, 1.1) for t in obstacles]
        marks = [ax.transData.transform((lon[i], lat[i])) for i in range(len(ids))]
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        for i, p in enumerate(ids):
            if not (x0 <= lon[i] <= x1 and y0 <= lat[i] <= y1):
                continue
            if not detailed and inside(i) and p not in hubs:
                continue
            v = np.zeros(2)
            for a, b in seg_ends:
                j = b if a == i else (a if b == i else None)
                if j is not None:
                    d = ax.transData.transform((lon[j], lat[j])) - marks[i]
                    v -= d / (np.hypot(*d) or 1.0)
            norm = float(np.hypot(*v))
            v = v / norm if norm > 1e-6 else np.array([0.0, 1.0])
            label = names[i]
            if detailed and p in exits:
                label += "\nexit" + (f": {exit_outcome[p]}" if p in exit_outcome else "")
                inflow = sum(fl for fl, t in zip(flows, net["seg_to"])
                             if t == p and np.isfinite(fl))
                if have_flows:
                    label += f"\n{inflow:,.0f} set off towards it"
            elif p in hubs and detailed:
                label += " (hub)"
            base = math.atan2(v[1], v[0])
            axes_box = ax.get_window_extent(renderer)
            tried = []
            for k in (0, 1, -1, 2, -2, 3, -3, 4):
                angle = base + k * math.pi / 4
                u = np.array([math.cos(angle), math.sin(angle)])
                t = ax.annotate(
                    label, (lon[i], lat[i]), xytext=(14 * u[0], 14 * u[1]),
                    textcoords="offset points", fontsize=8.5, zorder=7, annotation_clip=True,
                    arrowprops=dict(arrowstyle="-", lw=0.6, color="#777777", shrinkA=0,
                                    shrinkB=4),
                    ha="left" if u[0] > 0.35 else ("right" if u[0] < -0.35 else "center"),
                    va="bottom" if u[1] > 0.35 else ("top" if u[1] < -0.35 else "center"),
                    fontweight="bold" if p in hubs else "normal",
                    bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.8))
                box = t.get_window_extent(renderer)
                clashes = sum(box.overlaps(o) for o in taken) + sum(
                    box.contains(*marks[j]) for j in range(len(ids)) if j != i)
                outside = (box.x0 < axes_box.x0 or box.x1 > axes_box.x1
                           or box.y0 < axes_box.y0 or box.y1 > axes_box.y1)
                tried.append((clashes + 10 * outside, k != 0, t))
                if clashes == 0 and not outside:
                    break
            # The first candidate that fits, or else the one with the fewest clashes.
            best = min(tried, key=lambda c: (c[0], c[1]))[2]
            for _, _, t in tried:
                if t is not best:
                    t.remove()
            taken.append(best.get_window_extent(renderer))

    drawn = []
    for panel, title, detailed in panels:
        is_zoom = zoom is not None and panel is not ax
        obstacles = draw(panel, detailed, 1.0 if is_zoom or zoom is None else 0.6)
        if title:
            panel.set_title(title, fontsize=10, loc="left")
        if is_zoom:
            panel.set_xlim(zoom[0], zoom[1])
            panel.set_ylim(zoom[2], zoom[3])
        else:
            pad = 1.0
            panel.set_xlim(np.nanmin(lon) - 2.2 * pad, np.nanmax(lon) + 2.2 * pad)
            panel.set_ylim(np.nanmin(lat) - pad, np.nanmax(lat) + pad)
            if zoom:
                panel.add_patch(Rectangle((zoom[0], zoom[2]), zoom[1] - zoom[0],
                                          zoom[3] - zoom[2], fill=False, ls="--", lw=0.9,
                                          ec="#555555", zorder=8))
                panel.text(zoom[0], zoom[3], "zoom, right ", ha="right", va="bottom",
                           fontsize=8, color="#555555")
        drawn.append((panel, detailed, obstacles))

    modes = [m for m in MODE_COLOURS if m in set(net["seg_mode"])]
    handles = [Line2D([], [], color=MODE_COLOURS[m], lw=5, alpha=0.7, label=m) for m in modes]
    if have_flows:
        for v in (1000, 10000, 30000):
            if v <= fmax * 1.05:
                handles.append(Line2D([], [], color="#777777", lw=width_of(v),
                                      alpha=0.7, label=f"{v:,} migrants" + (" (zoom)" if zoom
                                                                          else "")))
    if have_flows and (np.nan_to_num(flows, nan=0.0) <= 0).any():
        handles.append(Line2D([], [], color="#777777", lw=1.0, ls=":",
                              label="no migrants (closed or unused)"))
    handles += [
        Line2D([], [], ls="", marker="o", ms=8, mfc="black", mec="black",
               label="coordinates from the scenario"),
        Line2D([], [], ls="", marker="o", ms=8, mfc="white", mec="black",
               label="no coordinates: placed schematically"),
        Line2D([], [], ls="", marker="s", ms=8, mfc="white", mec="black",
               label="hub (trucks leave from it)"),
        Line2D([], [], ls="", marker="^", ms=8, mfc="white", mec="black", label="exit"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=8.5, frameon=False,
               bbox_to_anchor=(0.5, 0.085), columnspacing=2.0, handlelength=3.2,
               handletextpad=1.2)
    frame(fig, "The route network: mean migrants setting off on each segment", run,
          caption_lines=5, xlabel_rows=3)
    fig.canvas.draw()  # fix the axes' final positions before measuring labels
    for panel, detailed, obstacles in drawn:
        place_labels(panel, detailed, obstacles)
    schematic = [names[i] for i in range(len(ids)) if not known[i]]
    lines = [
        "Line width proportional to the mean over replications of flow_<segment>, the "
        "migrants who set off on the segment (not all arrive); colour: mode; arrows: direction "
        "of travel."
        + (" Widths in the left panel are 0.6 times those in the zoom." if zoom else ""),
        "Filled markers: places.*.coordinates from the scenario. Open markers: places the "
        "scenario gives no coordinates for, placed by this plot, schematically (not their "
        "real position):",
        "between placed neighbours at the share of the way their distance_km gives, or "
        "beyond a placed neighbour at the segment's distance_km times "
        f"{detour:.2f} (great-circle over road km of segments",
        "with both ends known), carrying on in the direction of travel and turned to keep "
        "clear of other segments.",
        "Placed schematically: " + ", ".join(schematic) + "." if schematic else
        "Every place has coordinates.",
    ]
    caption(fig, "\n".join(lines))
    path = os.path.join(out, "network.png")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path, None


# ---------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="plot.py",
        description="Write PNG figures from a 'passage run' results file: outcome shares, the "
        "revenue ledger by actor, histograms (journey days, days in a hub, total paid per "
        "migrant) and a map of the route network with flows.",
        epilog="Exit codes: 0 figures written; 2 bad input (not a passage results file, a "
        "compare/sweep/sensitivity file, nothing to plot); 1 other failures. "
        "Example: scripts/plot.py results/mali-2016.h5 -o results/plots/mali-2016")
    ap.add_argument("result", metavar="RESULT.h5", help="results file written by 'passage run'")
    ap.add_argument("-o", "--out", metavar="DIR",
                    help="folder for the PNG files (created if missing; default: "
                    "plots/<file name without .h5> beside the results file)")
    ap.add_argument("--dpi", type=int, default=130, help="resolution of the PNG files "
                    "(default 130)")
    a = ap.parse_args(argv)

    try:
        import h5py  # noqa: F401
        import matplotlib
        import numpy  # noqa: F401
    except ImportError as e:
        print(f"plot.py: error: {e}; install Debian's python3-h5py, python3-numpy and "
              "python3-matplotlib (scripts/setup-debian.sh does)", file=sys.stderr)
        return EXIT_FAILURE
    matplotlib.use("Agg")

    try:
        run = open_run(a.result)
    except BadInput as e:
        print(f"plot.py: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT

    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.result)), "plots",
                                os.path.splitext(os.path.basename(a.result))[0])
    created = not os.path.exists(out)
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        print(f"plot.py: error: cannot create {out}: {e}", file=sys.stderr)
        return EXIT_FAILURE

    jobs = [("outcomes", lambda: plot_outcomes(run, out, a.dpi)),
            ("ledger", lambda: plot_ledger(run, out, a.dpi))]
    for name in run.histograms:
        jobs.append((f"hist_{name}", lambda name=name: plot_histogram(run, name, out, a.dpi)))
    jobs.append(("network", lambda: plot_network(run, out, a.dpi)))
    written = []
    for name, job in jobs:
        path, why = job()
        if path:
            written.append(path)
            print(f"wrote {path}")
        else:
            print(f"plot.py: skipped {name}: {why}", file=sys.stderr)
    if not written:
        if created:
            os.rmdir(out)
        print(f"plot.py: error: {a.result}: nothing to plot for model '{run.model}' (these "
              "figures need the outcome, revenue, histogram or network data the mali model "
              "writes)", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
