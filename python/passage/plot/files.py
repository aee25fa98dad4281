"""Reading a results file with h5py: what the figures need from a `passage run`,
`compare`, `sweep`, `sensitivity` or `calibrate` file (the root attribute `kind` says
which)."""

import math
import os

from ._common import BadInput

KINDS = ("run", "compare", "sweep", "sensitivity", "calibration")


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
        # Time series (/series/<name>: replications x periods) and their period edges.
        self.series = {}
        self.series_edges = None
        if "series" in f and "edges" in f["series"]:
            g = f["series"]
            self.series_edges = g["edges"][()].astype(float)
            order = [n for n in text(g.attrs.get("order", "")).split("\n") if n]
            for name in order + sorted(n for n in g.keys() if n != "edges" and n not in order):
                if name in g:
                    ds = g[name]
                    self.series[name] = {
                        "values": ds[()].astype(float).reshape(-1, len(self.series_edges) - 1),
                        "unit": text(ds.attrs.get("unit", "")),
                        "description": text(ds.attrs.get("description", "")),
                        "group": text(ds.attrs.get("group", "")),
                    }
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


class Calibration:
    """What the figures need from a `passage calibrate` file (docs/calibration.md)."""

    def __init__(self, f, path):
        import numpy as np

        self.kind = "calibration"
        self.path = path
        self.method = text(f.attrs.get("method", "?"))
        self.scenario = text(f.attrs.get("scenario_name", os.path.basename(path)))
        self.model = text(f.attrs.get("model", "?"))
        self.seed = int(f.attrs.get("seed", 0))
        self.replications = int(f.attrs.get("replications", 0))
        self.design_file = text(f.attrs.get("design_file", ""))
        self.observations_file = text(f.attrs.get("observations_file", ""))
        self.overrides = lines_of(f.attrs.get("overrides", ""))
        par = f["parameters"]
        self.parameters = strings(par["names"])
        p = len(self.parameters)
        self.paths = strings(par["paths"]) if "paths" in par else list(self.parameters)
        self.priors = strings(par["priors"]) if "priors" in par else [""] * p
        nan = np.full(p, np.nan)
        self.prior_low = par["prior_low95"][()].astype(float) if "prior_low95" in par else nan
        self.prior_high = par["prior_high95"][()].astype(float) if "prior_high95" in par else nan
        t = f["targets"]
        self.targets = strings(t["names"])
        self.observed = t["observed"][()].astype(float)
        self.target_sd = (t["sd"][()].astype(float) if "sd" in t
                          else np.full(len(self.targets), np.nan))
        self.target_error = [text(t[n].attrs.get("error", "")) if n in t else ""
                             for n in self.targets]
        post = f["posterior"]
        self.posterior_attrs = {k: post.attrs[k] for k in post.attrs}
        self.values = post["values"][()].astype(float).reshape(-1, p)
        self.weights = post["weights"][()].astype(float)
        self.outputs = (post["outputs"][()].astype(float).reshape(-1, len(self.targets))
                        if "outputs" in post else None)
        self.steps = 0
        for group in ("generations", "waves"):
            if group in f:
                self.steps = len(f[group])

    def subtitle(self):
        if self.method == "abc-smc":
            a = self.posterior_attrs
            what = (f"ABC-SMC, {len(self.weights):,} particles, generation "
                    f"{int(a.get('generation', self.steps - 1))} of {self.steps}")
        else:
            what = (f"history matching, {len(self.weights):,} non-implausible points of wave "
                    f"{int(self.posterior_attrs.get('wave', self.steps - 1))}")
        s = f"scenario {self.scenario} (model {self.model}): {what}, seed {self.seed}"
        if self.observations_file:
            s += f", observations {os.path.basename(self.observations_file)}"
        if self.overrides:
            s += "; --set " + ", ".join(self.overrides)
        return s

    def ess(self):
        """Effective sample size of the posterior weights."""
        w = self.weights
        return float(w.sum() ** 2 / (w ** 2).sum()) if len(w) else 0.0


def open_results(path):
    """Open a results file and read what its figures need: a Run, Compare, Sa or
    Calibration; or
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
                       "written by 'passage run', 'compare', 'sweep', 'sensitivity' or "
                       "'calibrate')")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise BadInput(f"{path}: cannot open as HDF5: {e}")
    with f:
        if "passage_version" not in f.attrs:
            raise BadInput(f"{path}: not a passage results file (no 'passage_version' "
                           "attribute)")
        kind = text(f.attrs.get("kind", "run"))
        if kind not in KINDS:
            raise BadInput(f"{path}: unknown kind of results file '{kind}' (this version "
                           "plots 'run', 'compare', 'sweep', 'sensitivity' and 'calibration' "
                           "files)")
        try:
            if kind == "run":
                return Run(f, path)
            if kind == "compare":
                return Compare(f, path)
            if kind == "calibration":
                for need in ("parameters/names", "targets/names", "targets/observed",
                             "posterior/values", "posterior/weights"):
                    if need not in f:
                        raise BadInput(f"{path}: damaged or incomplete calibration file: no "
                                       f"/{need}")
                return Calibration(f, path)
            if "design" not in f or "parameters" not in f["design"]:
                raise BadInput(f"{path}: damaged or incomplete {kind} file: no "
                               "/design/parameters")
            return Sa(f, path, kind)
        except (KeyError, OSError, ValueError, TypeError) as e:
            raise BadInput(f"{path}: damaged or incomplete {kind} file: {e}")

