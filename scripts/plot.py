#!/usr/bin/python3
"""Figures from a passage results file.

    scripts/plot.py results/mali-2016.h5 -o results/plots/mali-2016

reads a file written by `passage run`, `compare`, `sensitivity` or `sweep` (the
root attribute `kind` says which) and writes PNG figures into the output folder.

A run file (`passage run`):

    outcomes.png             where the migrants ended up: shares with 95% intervals
    ledger.png               who earns: revenue by actor, million CFA, 95% intervals
    hist_<name>.png          one per histogram in the file (journey days, days in a
                             hub, total paid per migrant)
    network.png              the route network, line width proportional to flow

Intervals are Student-t 95% intervals of the mean over replications; outcome
shares are computed per replication (outcome / migrants) before averaging.

A compare file (`passage compare`):

    forest.png               every policy's effect on the headline metrics (every
                             shared metric for other models, at most 12): the paired
                             difference policy - baseline with its 95% interval and
                             the relative change of the mean, one panel per metric
    variance_reduction.png   what common random numbers bought, per policy and
                             metric (log colour scale)

A sensitivity file (`passage sensitivity`), one figure per output:

    sobol_<output>.png       S1 and ST, ranked by ST, with 95% intervals and the
                             estimates on the first N/2 base samples
    morris_<output>.png      mu* ranked, with its 95% interval, sigma, mu*'s sign
                             and the first-half estimate; beside it mu* against sigma

at most the 15 most important parameters, with a note of how many were left
out; the captions give the noise share and the convergence check.

A sweep file (`passage sweep`):

    sweep.png                each output against each varied parameter (the first 8
                             parameters and 4 outputs), with a binned mean

A figure whose data the file lacks is skipped with a note.

Exit codes: 0 figures written; 2 bad input (no such file, not HDF5, not a passage
results file, an unknown kind of file, a damaged file, nothing to plot); 1 a
missing Python module or another failure.

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


def lines_of(a):
    return [s for s in text(a).split("\n") if s]


# Metrics a policy analyst quotes first (app/report_compare.cpp shows the same).
HEADLINE = ("arrived_algeria", "died", "ransoms_paid", "revenue_state_security",
            "revenue_armed_groups", "revenue_smugglers", "mean_paid_per_migrant",
            "mean_journey_days", "turned_back")
COMPARISON_FIELDS = ("base_mean", "policy_mean", "diff_mean", "diff_ci95_low",
                     "diff_ci95_high", "ratio_mean", "variance_reduction")


class Compare:
    """What the figures need from a `passage compare` file."""

    def __init__(self, f, path):
        self.kind = "compare"
        self.path = path
        self.scenario = text(f.attrs.get("scenario_name", os.path.basename(path)))
        self.model = text(f.attrs.get("model", "?"))
        self.replications = int(f.attrs.get("replications", 0))
        self.seed = int(f.attrs.get("seed", 0))
        self.horizon = float(f.attrs.get("horizon_days", float("nan")))
        self.overrides = lines_of(f.attrs.get("overrides", ""))
        if "comparison" not in f:
            raise BadInput(f"{path}: no /comparison group; the compare file is incomplete")
        cmp = f["comparison"]
        self.crn = int(cmp.attrs.get("common_random_numbers", 1)) != 0
        self.stop_reason = ""
        if "manifest" in f:
            self.stop_reason = text(f["manifest"].attrs.get("stop_reason", ""))
        order = lines_of(f.attrs["policies"]) if "policies" in f.attrs else list(cmp.keys())
        self.policies = []
        for name in order:
            if name not in cmp:
                raise BadInput(f"{path}: policy '{name}' has no /comparison/{name} group")
            g = cmp[name]
            p = {"name": name, "title": text(g.attrs.get("title", "")),
                 "metric": strings(g["metric"]),
                 "unit": strings(g["unit"]) if "unit" in g else None}
            for k in COMPARISON_FIELDS:
                p[k] = g[k][()].astype(float)
            if p["unit"] is None:
                p["unit"] = [""] * len(p["metric"])
            p["row"] = {m: i for i, m in enumerate(p["metric"])}
            self.policies.append(p)
        if not self.policies:
            raise BadInput(f"{path}: the compare file lists no policies")

    def reps_text(self):
        return (f"{self.replications:,}{' paired' if self.crn else ''} replication"
                + ("" if self.replications == 1 else "s"))

    def subtitle(self):
        s = f"scenario {self.scenario}, baseline and {len(self.policies)} "
        s += "policy" if len(self.policies) == 1 else "policies"
        s += f", {self.reps_text()}"
        if math.isfinite(self.horizon):
            s += f" of {self.horizon:g} days"
        s += (", common random numbers" if self.crn else ", independent streams")
        s += f", seed {self.seed}"
        if self.overrides:
            s += "; --set " + ", ".join(self.overrides)
        return s

    def metrics(self):
        """The metrics to show: the headline ones when every policy has them, else every
        metric the policies share, in file order."""
        if all(all(m in p["row"] for m in HEADLINE) for p in self.policies):
            return list(HEADLINE), True
        first = self.policies[0]["metric"]
        return [m for m in first if all(m in p["row"] for p in self.policies)], False


class Sa:
    """What the figures need from a `passage sweep` or `passage sensitivity` file."""

    def __init__(self, f, path, kind):
        self.kind = kind
        self.path = path
        self.method = text(f.attrs.get("method", "?"))
        self.scenario = text(f.attrs.get("scenario_name", os.path.basename(path)))
        self.model = text(f.attrs.get("model", "?"))
        self.seed = int(f.attrs.get("seed", 0))
        self.replications = int(f.attrs.get("replications", 0))
        self.points = int(f.attrs.get("points", 0))
        self.samples = int(f.attrs.get("samples", 0))
        self.levels = int(f.attrs.get("levels", 0))
        self.design_file = text(f.attrs.get("design_file", ""))
        self.overrides = lines_of(f.attrs.get("overrides", ""))
        d = f["design"]
        self.parameters = strings(d["parameters"])
        self.paths = strings(d["paths"]) if "paths" in d else list(self.parameters)
        self.distributions = (strings(d["distributions"]) if "distributions" in d
                              else ["uniform"] * len(self.parameters))
        self.output_names = strings(d["outputs"]) if "outputs" in d else list(f["outputs"])
        self.inputs = d["inputs"][()].astype(float) if "inputs" in d else None
        self.runs, self.unit = {}, {}
        for name in self.output_names:
            if "outputs" in f and name in f["outputs"]:
                ds = f["outputs"][name]
                y = ds[()].astype(float)
                self.runs[name] = y.reshape(y.shape[0], -1)
                self.unit[name] = text(ds.attrs.get("unit", ""))
        self.failures = []
        if "failed" in f and "point" in f["failed"]:
            reasons = strings(f["failed"]["reason"]) if "reason" in f["failed"] else []
            points = [int(x) for x in f["failed"]["point"][()]]
            self.failures = list(zip(points, reasons + [""] * (len(points) - len(reasons))))
        self.indices = {}
        if "indices" in f:
            for name in self.output_names:
                if name in f["indices"]:
                    g = f["indices"][name]
                    ix = {k: g[k][()] for k in g if k != "parameter"}
                    ix["parameter"] = strings(g["parameter"]) if "parameter" in g else \
                        list(self.parameters)
                    ix["attrs"] = {k: g.attrs[k] for k in g.attrs}
                    self.indices[name] = ix

    def subtitle(self):
        if self.kind == "sensitivity" and self.method == "sobol":
            what = f"N = {self.samples:,} base samples, "
        elif self.kind == "sensitivity" and self.method == "morris":
            what = f"{self.samples:,} trajectories on {self.levels} levels, "
        else:
            what = ""
        reps = f"{self.replications:,} replication" + ("" if self.replications == 1 else "s")
        s = (f"scenario {self.scenario} (model {self.model}): {what}{self.points:,} points x "
             f"{reps}, seed {self.seed}")
        if self.design_file:
            s += f", design {self.design_file}"
        if self.overrides:
            s += "; --set " + ", ".join(self.overrides)
        return s

    def failed_note(self):
        if not self.failures:
            return ""
        reason = self.failures[0][1].split("\n")[0]
        return (f"{len(self.failures):,} of {self.points:,} points failed and are left out; the "
                f"first (point {self.failures[0][0]}): {reason}")


def open_results(path):
    """Open a results file and read what its figures need: a Run, Compare or Sa; or
    raise BadInput saying why it cannot be plotted."""
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
                       "written by 'passage run', 'compare', 'sweep' or 'sensitivity')")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise BadInput(f"{path}: cannot open as HDF5: {e}")
    with f:
        if "passage_version" not in f.attrs:
            raise BadInput(f"{path}: not a passage results file (no 'passage_version' "
                           "attribute)")
        kind = text(f.attrs.get("kind", "run"))
        if kind not in ("run", "compare", "sweep", "sensitivity"):
            raise BadInput(f"{path}: unknown kind of results file '{kind}' (this version "
                           "plots 'run', 'compare', 'sweep' and 'sensitivity' files)")
        try:
            if kind == "run":
                return Run(f, path)
            if kind == "compare":
                return Compare(f, path)
            if "design" not in f or "parameters" not in f["design"]:
                raise BadInput(f"{path}: damaged or incomplete {kind} file: no "
                               "/design/parameters")
            return Sa(f, path, kind)
        except (KeyError, OSError, ValueError, TypeError) as e:
            raise BadInput(f"{path}: damaged or incomplete {kind} file: {e}")


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
# Compare files


INCREASE_COLOUR = "#c05a00"
DECREASE_COLOUR = "#1f4e79"
NULL_COLOUR = "#8c8c8c"


def wrap_lines(lines, fig_w):
    """Caption lines re-broken to fit a figure fig_w inches wide (8-point text)."""
    import textwrap

    width = max(40, int(fig_w * 16) - 4)
    out = []
    for line in lines:
        out += textwrap.wrap(line, width, break_on_hyphens=False) or [""]
    return out


def policy_label(p, width=30):
    import textwrap

    title = p["title"] or p["name"].replace("_", " ")
    return "\n".join(textwrap.wrap(title, width)) or p["name"]


def plot_forest(cmp, out, dpi):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    metrics, headline = cmp.metrics()
    if not metrics:
        return None, "the policies share no metric"
    cap = 12
    left_out = max(0, len(metrics) - cap)
    metrics = metrics[:cap]
    pols = cmp.policies
    n = len(metrics)
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    row_h = 0.34 * max(len(pols), 2) + 0.55            # inches per panel
    label_w = 2.45                                      # inches for the policy titles
    gap_w = 0.3
    panel_w = max(3.75, (11.5 - label_w - 0.25 - (ncols - 1) * gap_w) / ncols)
    fig_w = label_w + ncols * panel_w + (ncols - 1) * gap_w + 0.25
    pairing = ("paired by replication on common random numbers" if cmp.crn else
               "over replications run on independent streams (--independent)")
    cfa = any(u == "CFA" for p in pols for u in p["unit"])
    lines = [
        f"Each row: the mean over {cmp.reps_text()} of the difference policy - baseline, "
        f"{pairing}; whiskers: Student-t 95% interval of that mean.",
        "Label: the difference and, in parentheses, the relative change of the mean "
        "(policy mean / baseline mean - 1). Colour says only whether the interval excludes 0,",
        "not whether the change is good. "
        + ("Headline metrics (passage report shows the same); `passage report FILE --all` "
           "lists every metric." if headline else "Metrics the policies share, in file order."),
    ]
    last = ("Units as in `passage report`: large CFA sums in million CFA. " if cfa else "")
    if cmp.stop_reason:
        last += f"The run stopped on: {cmp.stop_reason}."
    if last:
        lines.append(last.strip())
    if left_out:
        lines.append(f"{left_out} more metrics left out (the first {cap} are shown); "
                     "`passage report FILE --all` lists them.")
    lines = wrap_lines(lines, fig_w)
    caption_lines = len(lines)
    top_in, bottom_in = 1.3, 0.55 + 0.165 * caption_lines + 0.3
    row_gap = 0.95
    fig_h = top_in + nrows * row_h + (nrows - 1) * row_gap + bottom_in
    fig, axes = plt.subplots(nrows, ncols, figsize=(fig_w, fig_h), sharey=True,
                             squeeze=False)
    fig.subplots_adjust(left=label_w / fig_w, right=1 - 0.25 / fig_w,
                        wspace=gap_w / panel_w, hspace=row_gap / row_h)
    y = np.arange(len(pols))[::-1]
    for k, m in enumerate(metrics):
        ax = axes[k // ncols][k % ncols]
        rows = [p["row"][m] for p in pols]
        unit = pols[0]["unit"][rows[0]]
        base = pols[0]["base_mean"][rows[0]]
        factor, shown_unit = display_for(unit, base)
        d = np.array([p["diff_mean"][i] for p, i in zip(pols, rows)]) / factor
        lo = np.array([p["diff_ci95_low"][i] for p, i in zip(pols, rows)]) / factor
        hi = np.array([p["diff_ci95_high"][i] for p, i in zip(pols, rows)]) / factor
        ratio = np.array([p["ratio_mean"][i] for p, i in zip(pols, rows)])
        ax.axvline(0, color="black", lw=0.9, zorder=1)
        for yi, dm, l, h, r in zip(y, d, lo, hi, ratio):
            if not math.isfinite(dm):
                ax.text(0, yi, "  no value", va="center", fontsize=7.5, color=NULL_COLOUR)
                continue
            known = math.isfinite(l) and math.isfinite(h)
            clear = known and (l > 0 or h < 0)
            colour = (INCREASE_COLOUR if dm > 0 else DECREASE_COLOUR) if clear else NULL_COLOUR
            if known:
                ax.plot([l, h], [yi, yi], color=colour, lw=1.6, zorder=2,
                        solid_capstyle="butt")
                for e in (l, h):
                    ax.plot([e, e], [yi - 0.18, yi + 0.18], color=colour, lw=1.2, zorder=2)
            ax.plot([dm], [yi], "o", ms=5.5, zorder=3, color=colour,
                    mfc=colour if clear else "white", mew=1.3)
        span_lo = np.nanmin(np.concatenate([lo, d, [0.0]]))
        span_hi = np.nanmax(np.concatenate([hi, d, [0.0]]))
        span = span_hi - span_lo or 1.0
        # Room on the right for the value labels.
        ax.set_xlim(span_lo - 0.06 * span, span_hi + 0.62 * span)
        for yi, dm, h, r in zip(y, d, hi, ratio):
            if not math.isfinite(dm):
                continue
            rel = f" ({signed(100 * (r - 1), 2)}%)" if math.isfinite(r) and base != 0 else ""
            x = max(h if math.isfinite(h) else dm, dm)
            ax.text(x + 0.025 * span, yi, f"{signed(dm)}{rel}", va="center", ha="left",
                    fontsize=7.5, color="#222222", zorder=4,
                    bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none", alpha=0.85))
        ax.set_title(f"{m}" + (f" ({shown_unit})" if shown_unit else ""), fontsize=9.5,
                     loc="left", fontweight="bold", pad=15)
        base_txt = f"baseline mean {human(base / factor)} {shown_unit}".rstrip()
        ax.text(0.0, 1.015, base_txt, transform=ax.transAxes, ha="left", va="bottom",
                fontsize=7.5, color="#555555")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, symmetric=False))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: tick(v, sig=2, plus=True)))
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlabel("difference" + (f" ({shown_unit})" if shown_unit else ""), fontsize=8.5)
        ax.grid(axis="x", color="#eeeeee")
        ax.set_axisbelow(True)
        ax.set_ylim(-0.6, len(pols) - 0.4)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for k in range(n, nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    axes[0][0].set_yticks(y, [policy_label(p) for p in pols])
    for r in range(nrows):
        axes[r][0].tick_params(axis="y", length=0, labelsize=8.5)
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
          caption_lines=caption_lines, xlabel_rows=1, top_in=top_in)
    fig.subplots_adjust(bottom=bottom_in / fig_h)
    caption(fig, "\n".join(lines))
    path = os.path.join(out, "forest.png")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path, None


def plot_variance_reduction(cmp, out, dpi):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import LogNorm

    metrics, headline = cmp.metrics()
    metrics = metrics[:12]
    if not metrics:
        return None, "the policies share no metric"
    pols = cmp.policies
    vr = np.array([[p["variance_reduction"][p["row"][m]] for m in metrics] for p in pols])
    finite = vr[np.isfinite(vr) & (vr > 0)]
    if finite.size == 0:
        return None, "no finite variance reduction in /comparison"
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
    fig = plt.figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes([label_w / fig_w, bottom_in / fig_h, cell_w * len(metrics) / fig_w,
                       cell_h * len(pols) / fig_h])
    cax = fig.add_axes([(label_w + cell_w * len(metrics) + 0.25) / fig_w, bottom_in / fig_h,
                        0.18 / fig_w, cell_h * len(pols) / fig_h])
    vmin = min(1.0, float(finite.min()))
    vmax = max(10.0, float(finite.max()))
    norm = LogNorm(vmin=vmin, vmax=vmax)
    cmap = plt.get_cmap("viridis")
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
    cb.ax.yaxis.set_major_formatter(plt.FuncFormatter(tick))
    cb.ax.tick_params(labelsize=8)
    frame(fig, "What common random numbers bought: variance reduction", cmp,
          caption_lines=caption_lines, top_in=top_in)
    ax.set_position([label_w / fig_w, bottom_in / fig_h, cell_w * len(metrics) / fig_w,
                     cell_h * len(pols) / fig_h])
    fig.subplots_adjust(bottom=bottom_in / fig_h)
    caption(fig, "\n".join(lines))
    path = os.path.join(out, "variance_reduction.png")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path, None


# ---------------------------------------------------------------------------
# Sensitivity and sweep files

TOP_PARAMETERS = 15
S1_COLOUR = "#6baed6"
ST_COLOUR = "#08519c"


def file_stem(name):
    """An output name made safe for a file name."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def ranking(key):
    """Indices by key, largest first, NaN last; ties keep design order."""
    import numpy as np

    k = np.where(np.isfinite(key), key, -np.inf)
    return list(np.argsort(-k, kind="stable"))


def label_width_in(fig, labels, fontsize):
    """Width in inches of the widest of these labels at this font size."""
    r = fig.canvas.get_renderer()
    widest = 0.0
    for s in labels:
        t = fig.text(0, 0, s, fontsize=fontsize)
        widest = max(widest, t.get_window_extent(r).width / fig.dpi)
        t.remove()
    return widest


def noise_text(sa, ix):
    a = ix["attrs"]
    share = float(a.get("noise_share", float("nan")))
    if sa.replications < 2 or not math.isfinite(share):
        return ("Noise: not estimated (1 replication per point; use -r 2 or more for a "
                "stochastic model).")
    return (f"Noise share: {human(100 * share, 3)}% of the variance of single runs is "
            "run-to-run noise" + (" (indices corrected for it)." if sa.kind == "sensitivity"
                                  else "."))


def left_out_text(sa, order, shown, key_name, key):
    n = len(order) - shown
    if n <= 0:
        return ""
    return (f"{n} more parameter{'s' if n > 1 else ''} with {key_name} <= "
            f"{human(float(key[order[shown]]), 3)} left out; `passage report "
            f"{os.path.basename(sa.path)} --all` lists them.")


def plot_sobol(sa, name, out, dpi):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ix = sa.indices[name]
    if "S1" not in ix or "ST" not in ix:
        return None, f"no S1/ST in /indices/{name}"
    params = ix["parameter"]
    st, s1 = ix["ST"].astype(float), ix["S1"].astype(float)
    get = lambda k: ix[k].astype(float) if k in ix else np.full(len(params), np.nan)  # noqa
    st_lo, st_hi, s1_lo, s1_hi = (get("ST_ci95_low"), get("ST_ci95_high"),
                                  get("S1_ci95_low"), get("S1_ci95_high"))
    st_half, s1_half = get("ST_half"), get("S1_half")
    if not (np.isfinite(st).any() or np.isfinite(s1).any()):
        return None, (f"no finite S1 or ST for {name} (too few base samples, or the points "
                      "failed)")
    order = ranking(st)
    shown = min(TOP_PARAMETERS, len(order))
    top = order[:shown]
    labels = [f"{r + 1}. {wrap_name(params[i])}" for r, i in enumerate(top)]
    n_lines = sum(lab.count("\n") + 1 for lab in labels)

    a = ix["attrs"]
    ch1 = float(a.get("max_change_S1", float("nan")))
    cht = float(a.get("max_change_ST", float("nan")))
    stable = bool(int(a.get("stable", 0))) if "stable" in a else (
        max(ch1, cht) <= 0.05 if math.isfinite(ch1) and math.isfinite(cht) else False)
    unit = sa.unit.get(name, "")
    sum_s1 = float(np.nansum(s1))
    lines = [
        noise_text(sa, ix),
        f"Convergence: max |S1(N) - S1(N/2)| = {human(ch1, 2)}, max |ST(N) - ST(N/2)| = "
        f"{human(cht, 2)}: " + ("stable (both <= 0.05)." if stable else
                                "not yet stable, increase -n."),
        "S1: share of the output's variance due to the parameter alone; ST: including its "
        f"interactions. Sum of S1 = {human(sum_s1, 3)}"
        + ("; 1 - sum: the share due to interactions." if -0.05 <= sum_s1 <= 1.05 else
           ", outside [0, 1]: the estimates are still noisy."),
        "Whiskers: 95% bootstrap intervals over base samples (conservative for scrambled "
        "Sobol' points); ticks: estimates on the first N/2 base samples.",
    ]
    rows_dropped = int(a.get("rows_dropped", 0))
    if rows_dropped:
        lines.append(f"{rows_dropped} of {rows_dropped + int(a.get('rows_used', 0))} base "
                     "samples dropped: a point of theirs failed.")
    more = left_out_text(sa, order, shown, "ST", st)
    if more:
        lines.append(more)
    if sa.failures:
        lines.append(sa.failed_note())

    fig_w = 12.0
    lines = wrap_lines(lines, fig_w)
    fig = plt.figure(figsize=(fig_w, 4))
    label_w = label_width_in(fig, labels, 9) + 0.3
    top_in = 1.15
    bottom_in = 0.08 + 0.165 * len(lines) + 0.2 + 0.45
    plot_h = 0.22 * n_lines + 0.3 * shown + 0.2
    fig_h = top_in + plot_h + bottom_in
    fig.set_size_inches(fig_w, fig_h)
    ax = fig.add_axes([label_w / fig_w, bottom_in / fig_h, 1 - (label_w + 0.3) / fig_w,
                       plot_h / fig_h])
    # Rows spaced by their number of text lines.
    heights = [lab.count("\n") + 1 for lab in labels]
    y, pos = [], 0.0
    for h in heights:
        y.append(-(pos + 0.5 * (h - 1) * 0.4))
        pos += 1 + 0.4 * (h - 1)
    y = np.array(y)
    bh = 0.36
    vals = []
    for yi, i in zip(y, top):
        for v, l, h, half, dy, col in ((st[i], st_lo[i], st_hi[i], st_half[i], +bh / 2,
                                        ST_COLOUR),
                                       (s1[i], s1_lo[i], s1_hi[i], s1_half[i], -bh / 2,
                                        S1_COLOUR)):
            ax.barh(yi + dy, v, height=bh, color=col, zorder=2)
            if math.isfinite(l) and math.isfinite(h):
                ax.errorbar([v], [yi + dy], xerr=[[v - l], [h - v]], fmt="none",
                            ecolor="black", capsize=2.5, lw=0.9, zorder=3)
            if math.isfinite(half):
                ax.plot([half], [yi + dy], marker="|", ms=9, mew=1.6, color="#e6550d",
                        zorder=4)
            vals += [v, l, h, half]
    vals = np.array(vals, dtype=float)
    vmin = min(0.0, float(np.nanmin(vals)))
    vmax = max(float(np.nanmax(vals)), 0.05)
    span = vmax - vmin
    ax.set_xlim(vmin - 0.03 * span, vmax + 0.32 * span)
    for yi, i in zip(y, top):
        right = np.nanmax([st[i], st_hi[i], s1[i], s1_hi[i]])
        ax.text(right + 0.02 * span, yi + bh / 2, f"ST {human(st[i], 3)} "
                f"[{human(st_lo[i], 2)}, {human(st_hi[i], 2)}]", va="center", fontsize=7.5)
        ax.text(right + 0.02 * span, yi - bh / 2, f"S1 {human(s1[i], 3)} "
                f"[{human(s1_lo[i], 2)}, {human(s1_hi[i], 2)}]", va="center", fontsize=7.5,
                color="#333333")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(y.min() - 0.6 - 0.2 * (heights[-1] - 1), 0.6 + 0.2 * (heights[0] - 1))
    ax.set_xlabel("Sobol' index (share of the variance of the output)")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(tick))
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color=ST_COLOUR, label="ST (total)"),
               Patch(color=S1_COLOUR, label="S1 (first order)"),
               Line2D([], [], color="black", lw=0.9, label="95% interval"),
               Line2D([], [], color="#e6550d", marker="|", ls="", ms=9, mew=1.6,
                      label="estimate at N/2")]
    fig.legend(handles=handles, loc="upper right", ncol=4, fontsize=8.5, frameon=False,
               bbox_to_anchor=(1 - 0.2 / fig_w, 1 - 0.62 / fig_h))
    frame(fig, f"Sobol' indices of {name}" + (f" ({unit})" if unit else "")
          + f": {len(params)} parameters", sa,
          caption_lines=len(lines), top_in=top_in)
    caption(fig, "\n".join(lines))
    path = os.path.join(out, f"sobol_{file_stem(name)}.png")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path, None


def label_points(fig, ax, xs, ys, texts, fontsize=8):
    """Label points, each at the first of a few offsets that does not overlap a label
    already placed or another point; the least crowded one otherwise."""
    r = fig.canvas.get_renderer()
    marks = [ax.transData.transform((x, y)) for x, y in zip(xs, ys)]
    taken = []
    axes_box = ax.get_window_extent(r)
    for k, (x, y, s) in enumerate(zip(xs, ys, texts)):
        tried = []
        for dx, dy in ((5, 4), (5, -4), (-5, 4), (-5, -4), (9, 0), (-9, 0), (0, 9), (0, -9),
                       (14, 10), (-14, 10), (14, -10), (-14, -10)):
            t = ax.annotate(s, (x, y), xytext=(dx, dy), textcoords="offset points",
                            fontsize=fontsize, ha="left" if dx > 0 else
                            ("right" if dx < 0 else "center"),
                            va="bottom" if dy > 0 else ("top" if dy < 0 else "center"),
                            color="#08306b", zorder=6)
            box = t.get_window_extent(r)
            clashes = sum(box.overlaps(o) for o in taken) + sum(
                box.contains(*marks[j]) for j in range(len(marks)) if j != k)
            outside = (box.x0 < axes_box.x0 or box.x1 > axes_box.x1 or
                       box.y0 < axes_box.y0 or box.y1 > axes_box.y1)
            tried.append((clashes + 10 * outside, len(tried), t))
            if clashes == 0 and not outside:
                break
        best = min(tried, key=lambda c: (c[0], c[1]))[2]
        for _, _, t in tried:
            if t is not best:
                t.remove()
        taken.append(best.get_window_extent(r))
    return taken


def plot_morris(sa, name, out, dpi):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ix = sa.indices[name]
    if "mu_star" not in ix:
        return None, f"no mu_star in /indices/{name}"
    params = ix["parameter"]
    k = len(params)
    get = lambda key: ix[key].astype(float) if key in ix else np.full(k, np.nan)  # noqa
    mus, mu, sigma = get("mu_star"), get("mu"), get("sigma")
    lo, hi, half = get("mu_star_ci95_low"), get("mu_star_ci95_high"), get("mu_star_half")
    if not np.isfinite(mus).any():
        return None, f"no finite mu* for {name} (the points failed)"
    a = ix["attrs"]
    noise_sd = float(a.get("ee_noise_sd", float("nan")))
    change = float(a.get("max_change", float("nan")))
    stable = bool(int(a.get("stable", 0))) if "stable" in a else change <= 0.1
    unit = sa.unit.get(name, "")
    factor, shown_unit = display_for(unit, float(np.nanmax(np.abs(mus))) if k else 0.0)
    mus, mu, sigma, lo, hi, half = (v / factor for v in (mus, mu, sigma, lo, hi, half))
    noise_sd /= factor
    order = ranking(mus)
    shown = min(TOP_PARAMETERS, k)
    top = order[:shown]
    labels = [f"{r + 1}. {wrap_name(params[i])}" for r, i in enumerate(top)]
    heights = [lab.count("\n") + 1 for lab in labels]
    u = f" ({shown_unit})" if shown_unit else ""

    lines = [
        noise_text(sa, ix) + (f" An effect's sd from noise alone: {human(noise_sd, 3)}"
                              f"{' ' + shown_unit if shown_unit else ''} "
                              "(dotted line: a mu* near it is noise)."
                              if math.isfinite(noise_sd) else ""),
        f"Convergence: max |mu*(r) - mu*(r/2)| = {human(100 * change, 3)}% of the largest mu*: "
        + ("stable (<= 10%)." if stable else "not yet stable, increase -n.")
        + " Orange ticks: mu* on the first r/2 trajectories.",
        "mu*: mean |elementary effect|, the change of the output when the parameter moves "
        "across its whole range (importance); colour: the sign of mu, the mean effect (grey: "
        "|mu| < mu*/2, the effect's sign varies).",
        "sigma: sd of the effects (non-linearity, interactions). Whiskers: 95% bootstrap "
        "interval of mu* over trajectories. Label: mu* (mu).",
        "Right: every parameter; the ranked ones numbered. Lines sigma/mu* = 0.1, 0.5, 1 "
        "(Garcia Sanchez et al. 2014): linear below 0.1, monotonic below 0.5,",
        "almost monotonic below 1, non-linear or non-monotonic above.",
    ]
    more = left_out_text(sa, order, shown, "mu*", mus)
    if more:
        lines.append(more)
    if sa.failures:
        lines.append(sa.failed_note())

    fig_w = 15.0
    lines = wrap_lines(lines, fig_w)
    fig = plt.figure(figsize=(fig_w, 4))
    label_w = label_width_in(fig, labels, 9) + 0.3
    top_in = 1.15
    bottom_in = 0.08 + 0.165 * len(lines) + 0.2 + 0.45
    plot_h = max(0.3 * shown + 0.2 * sum(h - 1 for h in heights) + 0.3, 4.2)
    fig_h = top_in + plot_h + bottom_in
    fig.set_size_inches(fig_w, fig_h)
    scatter_w = 4.6
    bars_w = fig_w - label_w - scatter_w - 1.3 - 0.3
    ax = fig.add_axes([label_w / fig_w, bottom_in / fig_h, bars_w / fig_w, plot_h / fig_h])
    sx = fig.add_axes([(fig_w - scatter_w - 0.3) / fig_w, bottom_in / fig_h,
                       scatter_w / fig_w, plot_h / fig_h])

    # Left: ranked bars of mu* with sigma.
    y, pos = [], 0.0
    for h in heights:
        y.append(-(pos + 0.5 * (h - 1) * 0.4))
        pos += 1 + 0.4 * (h - 1)
    y = np.array(y)
    pos_col, neg_col = INCREASE_COLOUR, DECREASE_COLOUR

    def colour(i):
        """The sign of the effect: mu against mu* (mixed when |mu| < mu*/2)."""
        if not (math.isfinite(mu[i]) and math.isfinite(mus[i])) or abs(mu[i]) < 0.5 * mus[i]:
            return NULL_COLOUR
        return pos_col if mu[i] > 0 else neg_col

    for yi, i in zip(y, top):
        col = colour(i)
        ax.barh(yi, mus[i], height=0.62, color=col, alpha=0.85, zorder=2)
        if math.isfinite(lo[i]) and math.isfinite(hi[i]):
            ax.errorbar([mus[i]], [yi], xerr=[[mus[i] - lo[i]], [hi[i] - mus[i]]], fmt="none",
                        ecolor="black", capsize=2.5, lw=0.9, zorder=3)
        ax.plot([sigma[i]], [yi], marker="D", ms=5, mfc="white", mec="black", mew=1.0,
                ls="", zorder=4)
        if math.isfinite(half[i]):
            ax.plot([half[i]], [yi], marker="|", ms=11, mew=1.6, color="#e6550d", zorder=4)
    vals = np.concatenate([mus[top], hi[top], sigma[top], half[top]])
    vmax = float(np.nanmax(vals)) if np.isfinite(vals).any() else 1.0
    vmax = vmax or 1.0
    ax.set_xlim(0, vmax * 1.36)
    for yi, i in zip(y, top):
        right = np.nanmax([mus[i], hi[i], sigma[i]])
        ax.text(right + 0.02 * vmax, yi, f"{human(mus[i])} (mu {signed(mu[i])})",
                va="center", fontsize=7.5)
    if math.isfinite(noise_sd) and noise_sd > 0:
        ax.axvline(noise_sd, color="#555555", ls=":", lw=1.2, zorder=1)
    ax.set_yticks(y, labels, fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(y.min() - 0.6 - 0.2 * (heights[-1] - 1), 0.6 + 0.2 * (heights[0] - 1))
    ax.set_xlabel(f"mu* and sigma{u}: per whole range of the parameter")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(tick))
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    # Right: mu* against sigma, every parameter.
    ok = np.isfinite(mus) & np.isfinite(sigma)
    sx.scatter(mus[ok], sigma[ok], s=14, color="#bdbdbd", edgecolor="none", zorder=2)
    tcol = [colour(i) for i in top]
    sx.scatter(mus[top], sigma[top], s=26, color=tcol, edgecolor="black", lw=0.5, zorder=3)
    xm = float(np.nanmax(mus[ok])) * 1.12 if ok.any() else 1.0
    ym = float(np.nanmax(sigma[ok])) * 1.12 if ok.any() else 1.0
    xm, ym = xm or 1.0, ym or 1.0
    sx.set_xlim(0, xm)
    sx.set_ylim(0, ym)
    for ratio in (0.1, 0.5, 1.0):
        xe = min(xm, ym / ratio)
        sx.plot([0, xe], [0, ratio * xe], color="#999999", lw=0.8, ls="--", zorder=1)
        sx.text(xe, ratio * xe, f" sigma/mu* = {ratio:g}", fontsize=7.5, color="#777777",
                ha="right" if xe >= xm * 0.99 else "left",
                va="bottom" if xe >= xm * 0.99 else "top")
    if math.isfinite(noise_sd) and noise_sd > 0 and noise_sd < xm:
        sx.axvline(noise_sd, color="#555555", ls=":", lw=1.2, zorder=1)
    sx.set_xlabel(f"mu*{u}")
    sx.set_ylabel(f"sigma{u}")
    sx.xaxis.set_major_formatter(plt.FuncFormatter(tick))
    sx.yaxis.set_major_formatter(plt.FuncFormatter(tick))
    sx.set_title("mu* against sigma", fontsize=10, loc="left")
    sx.grid(color="#f0f0f0")
    sx.set_axisbelow(True)
    for side in ("top", "right"):
        sx.spines[side].set_visible(False)
    fig.canvas.draw()
    label_points(fig, sx, mus[top], sigma[top], [str(r + 1) for r in range(shown)])

    handles = [Patch(color=pos_col, alpha=0.85, label="mu*: rises with the parameter"),
               Patch(color=neg_col, alpha=0.85, label="mu*: falls"),
               Patch(color=NULL_COLOUR, alpha=0.85, label="mu*: sign varies (|mu| < mu*/2)"),
               Line2D([], [], color="black", lw=0.9, label="95% interval of mu*"),
               Line2D([], [], marker="D", ms=5, mfc="white", mec="black", ls="",
                      label="sigma"),
               Line2D([], [], color="#e6550d", marker="|", ls="", ms=9, mew=1.6,
                      label="mu* at r/2")]
    if math.isfinite(noise_sd) and noise_sd > 0:
        handles.append(Line2D([], [], color="#555555", ls=":", lw=1.2, label="noise sd"))
    fig.legend(handles=handles, loc="upper right", ncol=len(handles), fontsize=8.5,
               frameon=False, bbox_to_anchor=(1 - 0.2 / fig_w, 1 - 0.62 / fig_h))
    frame(fig, f"Morris screening of {name}" + (f" ({shown_unit})" if shown_unit else ""),
          sa, caption_lines=len(lines), top_in=top_in)
    caption(fig, "\n".join(lines))
    path = os.path.join(out, f"morris_{file_stem(name)}.png")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path, None


def plot_sweep(sa, out, dpi):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    if sa.inputs is None or not sa.runs:
        return None, "no /design/inputs or /outputs"
    max_p, max_o = 8, 4
    params = list(range(min(max_p, len(sa.parameters))))
    outs = [o for o in sa.output_names if o in sa.runs][:max_o]
    n_outs = len([o for o in sa.output_names if o in sa.runs])
    means = {}
    for o in outs:
        runs = sa.runs[o]
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(runs).all(axis=1)
            means[o] = np.where(ok, np.nanmean(np.where(np.isfinite(runs), runs, 0), axis=1)
                                if runs.shape[1] else np.nan, np.nan)
    factors = {o: display_for(sa.unit.get(o, ""), float(np.nanmax(np.abs(means[o])))
                              if np.isfinite(means[o]).any() else 0.0) for o in outs}
    ncols, nrows = len(params), len(outs)
    left_in, right_in = 1.0, 0.25
    cell_w, cell_h = max(2.35, (8.5 - left_in - right_in) / ncols), 2.0
    lines = [
        ("Each dot: one design point's output" if sa.replications == 1 else
         f"Each dot: one design point, the mean of its {sa.replications:,} replications")
        + "; line (30 points or more): mean of the points in up to ten bins of equal "
        "count along the parameter.",
        "Log-uniform parameters on a log axis; a choice parameter by the index of its choice "
        "(design order).",
    ]
    if len(sa.parameters) > max_p or n_outs > max_o:
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
    fig = plt.figure(figsize=(fig_w, fig_h))
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
            ok = np.isfinite(x) & np.isfinite(yv)
            dist = sa.distributions[j] if j < len(sa.distributions) else ""
            n_ok = int(ok.sum())
            alpha = 0.7 if n_ok < 100 else (0.5 if n_ok < 300 else
                                            max(0.12, 0.5 * (300 / n_ok) ** 0.5))
            ax.scatter(x[ok], yv[ok], s=14 if n_ok < 100 else 7, color="#2c7fb8", alpha=alpha,
                       edgecolor="none", zorder=2)
            n_bins = min(10, n_ok // 10)
            if n_bins >= 3:
                xs, ys = x[ok], yv[ok]
                srt = np.argsort(xs, kind="stable")
                bins = np.array_split(srt, n_bins)
                bx = [float(np.mean(xs[b])) for b in bins if b.size]
                by = [float(np.mean(ys[b])) for b in bins if b.size]
                ax.plot(bx, by, color="#d94801", lw=1.6, zorder=3)
            if dist == "log_uniform":
                ax.set_xscale("log")
            if dist == "choice":
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            elif dist != "log_uniform":
                ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
                ax.xaxis.set_major_formatter(plt.FuncFormatter(tick))
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
                ax.yaxis.set_major_formatter(plt.FuncFormatter(tick))
            else:
                ax.tick_params(labelleft=False)
    frame(fig, f"Sweep: outputs against the parameters ({sa.method}, "
          f"{sa.points:,} points)", sa, caption_lines=len(lines), top_in=top_in)
    caption(fig, "\n".join(lines))
    path = os.path.join(out, "sweep.png")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path, None


# ---------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="plot.py",
        description="Write PNG figures from a passage results file. 'run' files: outcome "
        "shares, the revenue ledger by actor, histograms and a map of the route network. "
        "'compare' files: a forest plot of the policies' effects and the variance reduction "
        "of common random numbers. 'sensitivity' files: ranked Sobol' indices or Morris "
        "effects per output. 'sweep' files: each output against each parameter.",
        epilog="Exit codes: 0 figures written; 2 bad input (not a passage results file, an "
        "unknown kind of file, nothing to plot); 1 other failures. "
        "Example: scripts/plot.py results/mali-2016.h5 -o results/plots/mali-2016")
    ap.add_argument("result", metavar="RESULT.h5", help="results file written by 'passage run', "
                    "'compare', 'sweep' or 'sensitivity'")
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
        res = open_results(a.result)
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

    if isinstance(res, Run):
        jobs = [("outcomes", lambda: plot_outcomes(res, out, a.dpi)),
                ("ledger", lambda: plot_ledger(res, out, a.dpi))]
        for name in res.histograms:
            jobs.append((f"hist_{name}",
                         lambda name=name: plot_histogram(res, name, out, a.dpi)))
        jobs.append(("network", lambda: plot_network(res, out, a.dpi)))
        needs = ("these figures need the outcome, revenue, histogram or network data the mali "
                 "model writes")
    elif isinstance(res, Compare):
        jobs = [("forest", lambda: plot_forest(res, out, a.dpi)),
                ("variance_reduction", lambda: plot_variance_reduction(res, out, a.dpi))]
        needs = "no metric is shared by the policies"
    elif res.kind == "sensitivity":
        draw = {"sobol": plot_sobol, "morris": plot_morris}.get(res.method)
        jobs = []
        for name in res.output_names:
            if draw is None:
                break
            if name not in res.indices:
                jobs.append((f"{res.method}_{name}",
                             lambda name=name: (None, f"no /indices/{name}")))
            else:
                jobs.append((f"{res.method}_{name}",
                             lambda name=name: draw(res, name, out, a.dpi)))
        needs = ("no output has indices to draw" if draw else
                 f"unknown sensitivity method '{res.method}' (this version draws 'sobol' and "
                 "'morris')")
    else:
        jobs = [("sweep", lambda: plot_sweep(res, out, a.dpi))]
        needs = "the sweep has no design inputs or outputs"
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
        print(f"plot.py: error: {a.result}: nothing to plot for this {res_kind(res)} file of "
              f"model '{res.model}' ({needs})", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def res_kind(res):
    return "run" if isinstance(res, Run) else res.kind


if __name__ == "__main__":
    sys.exit(main())
