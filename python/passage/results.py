"""Readers for every results file passage writes (docs/results-format.md,
docs/sensitivity.md): ``passage.read(path)`` gives a :class:`Results` whose
properties are tables (pandas DataFrames, numpy record arrays without pandas),
with text as ``str`` and one row per observation.

===================  ======================================================
property             what (``None`` where the file's kind has none)
===================  ======================================================
``replications``     one row per replication (compare: per arm and
                     replication; sweep, sensitivity: per point and
                     replication, with the point's inputs)
``summary``          one row per metric (compare: per arm and metric)
``histograms``       one row per bin: histogram, unit, lo, hi, count
``histogram_stats``  one row per histogram: totals, under/overflow, quantiles
``series(name)``     a time series: one row per period (index: its start
                     day), one column per replication (method; see
                     ``series_names()``, ``series_edges()``)
``trace``            one row per traced event (``run --trace K``)
``comparison``       one row per policy and metric (compare)
``indices``          one row per output and parameter (sensitivity)
``second_order``     Sobol' S2, one row per output and pair of parameters
``convergence``      one row per output: noise share, stability (sensitivity)
``design``           one row per design point: its inputs (sweep, sensitivity)
``failed``           the failed design points and why
``posterior``        posterior draws: a column per parameter, ``weight``
                     (calibration)
``targets``          one row per target: observed, posterior predictive
``generations``      one row per ABC-SMC generation: tolerance, ess, n
``waves``            one row per history-matching wave: cutoff, ess, n
``parameters``       the provenance table of the scenario as run (mali)
``network``          places, segments and truck lines (mali)
===================  ======================================================
"""

from __future__ import annotations

import functools
import os

import numpy as np

from . import _frames
from ._frames import frame, text
from .errors import IoError

#: The kinds of file passage writes.
KINDS = ("run", "compare", "sweep", "sensitivity", "calibration")


def _h5py():
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - h5py is a dependency
        raise ImportError("passage's readers need h5py (apt-get install python3-h5py)") from e
    return h5py


def _attr(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.generic):
        return v.item()
    return v


def _attrs(obj) -> dict:
    return {k: _attr(v) for k, v in obj.attrs.items()}


def _column(ds) -> np.ndarray:
    a = ds[()]
    if a.dtype.kind in "OS":
        return text(a)
    return a


_INDEX_ORDER = ["S1", "S1_ci95_low", "S1_ci95_high", "ST", "ST_ci95_low", "ST_ci95_high", "S1_half",
                "ST_half", "mu", "mu_star", "mu_star_ci95_low", "mu_star_ci95_high", "sigma",
                "mu_star_half", "effects"]


def read(path) -> "Results":
    """Open a passage results file of any kind (IoError if it is not one)."""
    return Results(path)


class Results:
    """A passage results file, read lazily: each property reads its part of
    the file once, on first use."""

    def __init__(self, path):
        self.path = os.fspath(path)
        h5py = _h5py()
        if not os.path.exists(self.path):
            raise IoError(f"{self.path}: no such file")
        try:
            with h5py.File(self.path, "r") as f:
                self.attrs = _attrs(f)
        except OSError as e:
            raise IoError(f"{self.path}: not an HDF5 file, or truncated ({e})") from e
        self.kind = self.attrs.get("kind")
        if self.kind not in KINDS:
            raise IoError(f"{self.path}: not a passage results file (no 'kind' attribute)")

    def __repr__(self) -> str:
        return (f"<passage.{type(self).__name__} {self.kind} of {self.attrs.get('scenario_name')!r}: "
                f"{self.attrs.get('replications')} replications, {self.path}>")

    def _open(self):
        return _h5py().File(self.path, "r")

    # ---- facts --------------------------------------------------------------

    @property
    def scenario(self) -> str:
        """The resolved scenario as run (YAML)."""
        return self.attrs.get("scenario", "")

    @property
    def seed(self) -> int:
        return self.attrs.get("seed")

    @functools.cached_property
    def manifest(self) -> dict:
        """How the file was made: command, build, times (``/manifest``)."""
        with self._open() as f:
            return _attrs(f["manifest"]) if "manifest" in f else {}

    @functools.cached_property
    def arms(self) -> list[str]:
        """A compare file's arms: ``baseline`` and each policy, in order."""
        if self.kind != "compare":
            return []
        policies = [p for p in self.attrs.get("policies", "").split("\n") if p]
        return ["baseline"] + policies

    @property
    def policies(self) -> list[str]:
        return self.arms[1:]

    # ---- runs ---------------------------------------------------------------

    @staticmethod
    def _metric_order(g) -> list[str]:
        names = list(g["replications"].keys())
        if "summary" in g:
            ordered = list(text(g["summary/metric"][()]))
            return [n for n in ordered if n in names] + [n for n in names if n not in ordered]
        return names

    @staticmethod
    def _run_replications(g) -> dict:
        return {m: g["replications"][m][()] for m in Results._metric_order(g)}

    def _groups(self, f):
        """(arm, group) of every run in the file: the root of a run file, each
        arm of a compare file."""
        if self.kind == "run":
            return [(None, f)]
        if self.kind == "compare":
            return [(a, f["arms"][a]) for a in self.arms]
        return []

    @functools.cached_property
    def metrics(self):
        """The metrics: name, unit, description, group (the report's section)."""
        with self._open() as f:
            groups = self._groups(f)
            if groups:
                g = groups[0][1]
                names = self._metric_order(g)
                info = [_attrs(g["replications"][m]) for m in names]
            elif "outputs" in f:
                names = [n for n in text(f["design/outputs"][()])]
                info = [_attrs(f["outputs"][n]) for n in names]
            else:
                names, info = [], []
        return frame({
            "metric": np.array(names, dtype=object),
            "unit": np.array([i.get("unit", "") for i in info], dtype=object),
            "description": np.array([i.get("description", "") for i in info], dtype=object),
            "group": np.array([i.get("group", "") for i in info], dtype=object),
        })

    @functools.cached_property
    def replications(self):
        """Per-replication values: one row per replication, one column per metric.
        Compare: an ``arm`` column first (rows of replication i of every arm ran
        on the same random streams). Sweep and sensitivity: one row per design
        point and replication, with the point's inputs (NaN outputs: failed)."""
        with self._open() as f:
            if self.kind in ("sweep", "sensitivity"):
                return self._point_runs(f)
            tables = []
            for arm, g in self._groups(f):
                cols = self._run_replications(g)
                n = len(next(iter(cols.values()))) if cols else 0
                head = {} if arm is None else {"arm": np.array([arm] * n, dtype=object)}
                head["replication"] = np.arange(n, dtype=np.uint64)
                tables.append(frame({**head, **cols}))
            if not tables:
                return None
            if self.kind == "run":
                t = tables[0]
                return t.set_index("replication") if _frames.pandas is not None else t
            return _frames.concat(tables, {})

    def _point_runs(self, f):
        names = list(text(f["design/parameters"][()]))
        inputs = f["design/inputs"][()]
        outputs = list(text(f["design/outputs"][()]))
        runs = {o: f["outputs"][o][()] for o in outputs}
        points = inputs.shape[0]
        reps = runs[outputs[0]].shape[1] if outputs else 1
        cols = {
            "point": np.repeat(np.arange(points, dtype=np.uint64), reps),
            "replication": np.tile(np.arange(reps, dtype=np.uint64), points),
        }
        for j, n in enumerate(names):
            cols[n] = np.repeat(inputs[:, j], reps)
        for o in outputs:
            cols[o] = runs[o].reshape(-1)
        return frame(cols)

    @functools.cached_property
    def summary(self):
        """Across replications, per metric: unit, n, mean, std, and the Student-t
        95% interval of the mean (compare: per arm)."""
        with self._open() as f:
            tables = []
            for arm, g in self._groups(f):
                s = g["summary"]
                cols = {k: _column(s[k]) for k in ("metric", "unit", "n", "mean", "std", "ci95_low",
                                                   "ci95_high")}
                if arm is not None:
                    cols = {"arm": np.array([arm] * len(cols["metric"]), dtype=object), **cols}
                tables.append(frame(cols))
            if not tables:
                return None
            return tables[0] if self.kind == "run" else _frames.concat(tables, {})

    @functools.cached_property
    def histograms(self):
        """Every histogram, one row per bin: histogram, unit, lo, hi, count
        (compare: per arm). Entities below or above the range are in
        ``histogram_stats``."""
        with self._open() as f:
            tables = []
            for arm, g in self._groups(f):
                if "histograms" not in g:
                    continue
                for name, h in g["histograms"].items():
                    edges = h["edges"][()]
                    counts = h["counts"][()]
                    n = len(counts)
                    cols = {
                        "histogram": np.array([name] * n, dtype=object),
                        "unit": np.array([_attr(h.attrs.get("unit", ""))] * n, dtype=object),
                        "lo": edges[:-1],
                        "hi": edges[1:],
                        "count": counts,
                    }
                    if arm is not None:
                        cols = {"arm": np.array([arm] * n, dtype=object), **cols}
                    tables.append(frame(cols))
            if not self._groups_exist():
                return None
            return _frames.concat(tables, {"histogram": np.array([], dtype=object),
                                           "unit": np.array([], dtype=object), "lo": [], "hi": [],
                                           "count": np.array([], dtype=np.uint64)})

    def _groups_exist(self) -> bool:
        return self.kind in ("run", "compare")

    @functools.cached_property
    def histogram_stats(self):
        """One row per histogram: unit, description, total, underflow, overflow and
        the quantiles q05 .. q95 interpolated within bins (compare: per arm)."""
        if not self._groups_exist():
            return None
        keys = ("total", "underflow", "overflow", "q05", "q25", "q50", "q75", "q95")
        rows = {"arm": [], "histogram": [], "unit": [], "description": []}
        rows.update({k: [] for k in keys})
        with self._open() as f:
            for arm, g in self._groups(f):
                for name, h in g.get("histograms", {}).items():
                    a = _attrs(h)
                    rows["arm"].append(arm)
                    rows["histogram"].append(name)
                    rows["unit"].append(a.get("unit", ""))
                    rows["description"].append(a.get("description", ""))
                    for k in keys:
                        rows[k].append(a.get(k, np.nan))
        if self.kind == "run":
            del rows["arm"]
        cols = {k: np.array(v, dtype=object) if k in ("arm", "histogram", "unit", "description")
                else np.array(v) for k, v in rows.items()}
        return frame(cols)

    def _series_group(self, f, arm):
        """The group holding /series of a run file (compare: of `arm`, default
        the baseline), or None."""
        if self.kind == "run":
            g = f
        elif self.kind == "compare":
            arm = "baseline" if arm is None else arm
            if arm not in self.arms:
                raise KeyError(f"{self.path}: no arm {arm!r} (arms: {', '.join(self.arms)})")
            g = f["arms"][arm]
        else:
            return None
        return g["series"] if "series" in g else None

    def series_names(self, arm=None) -> list[str]:
        """The time series of the file (of `arm` in a compare file), in the
        model's order; [] when there are none."""
        with self._open() as f:
            g = self._series_group(f, arm)
            if g is None:
                return []
            names = [n for n in str(_attr(g.attrs.get("order", ""))).split("\n") if n]
            return names + sorted(n for n in g.keys() if n != "edges" and n not in names)

    def series_edges(self, arm=None) -> np.ndarray:
        """The period edges in days (periods + 1 values); empty without series."""
        with self._open() as f:
            g = self._series_group(f, arm)
            return np.empty(0) if g is None else g["edges"][()]

    def series(self, name, arm=None):
        """Time series `name`: one row per period, indexed by the period's start
        day (index name ``start``; the periods' ends are ``series_edges()[1:]``),
        one column per replication (0, 1, ...). A compare file's series are per
        arm (`arm`, default the baseline). Without pandas: a numpy array of
        shape (periods, replications). KeyError names the series the file has."""
        with self._open() as f:
            g = self._series_group(f, arm)
            if g is None or name == "edges" or name not in g:
                have = self.series_names(arm) if g is not None else []
                raise KeyError(f"{self.path}: no series {name!r} "
                               f"({'series: ' + ', '.join(have) if have else 'the file has none'})")
            values = g[name][()].T  # periods x replications
            edges = g["edges"][()]
        if _frames.pandas is None:
            return values
        df = _frames.pandas.DataFrame(values, index=_frames.pandas.Index(edges[:-1], name="start"),
                                      columns=_frames.pandas.RangeIndex(values.shape[1],
                                                                        name="replication"))
        return df

    @functools.cached_property
    def trace(self):
        """The journey trace of ``run --trace K``: one row per event, columns
        entity, time (days), place, event (the model's words), actor, amount
        (CFA), kind (a short code naming the step), then one column per field
        the events carry in their ``detail`` (``key=value;...``; missing where an
        event has no such field; numbers as numbers). None without a trace."""
        with self._open() as f:
            groups = self._groups(f)
            if not groups or "trace" not in groups[0][1]:
                return None
            g = groups[0][1]["trace"]
            cols = {k: _column(g[k]) for k in ("entity", "time", "place", "event", "actor",
                                               "amount")}
            n = len(cols["entity"])
            cols["kind"] = _column(g["kind"]) if "kind" in g else np.array([""] * n, dtype=object)
            details = _column(g["detail"]) if "detail" in g else [""] * n
            fields = {}
            for i, d in enumerate(details):
                for pair in filter(None, str(d).split(";")):
                    key, _, value = pair.partition("=")
                    fields.setdefault(key, [None] * n)[i] = _field_value(value)
            for key, values in fields.items():
                if key not in cols:
                    cols[key] = np.array(values, dtype=object)
            return frame(cols)

    # ---- compare ------------------------------------------------------------

    @functools.cached_property
    def comparison(self):
        """A compare file's paired differences: one row per policy and metric
        (policy − baseline on common random numbers): base_mean, policy_mean,
        diff_mean, diff_sd, diff_ci95_low, diff_ci95_high, ratio_mean,
        variance_reduction."""
        if self.kind != "compare":
            return None
        keys = ("metric", "unit", "base_mean", "policy_mean", "diff_mean", "diff_sd",
                "diff_ci95_low", "diff_ci95_high", "ratio_mean", "variance_reduction")
        tables = []
        with self._open() as f:
            for p in self.policies:
                g = f["comparison"][p]
                cols = {k: _column(g[k]) for k in keys}
                n = len(cols["metric"])
                tables.append(frame({"policy": np.array([p] * n, dtype=object),
                                     "title": np.array([_attr(g.attrs.get("title", p))] * n,
                                                       dtype=object), **cols}))
        return _frames.concat(tables, {k: [] for k in ("policy", "title") + keys})

    # ---- sweep and sensitivity ----------------------------------------------

    @functools.cached_property
    def design(self):
        """The design points: one row per point, one column per parameter (a
        choice: its index), and the design's own columns (Sobol' block and row,
        Morris trajectory and step)."""
        if self.kind not in ("sweep", "sensitivity"):
            return None
        with self._open() as f:
            d = f["design"]
            names = list(text(d["parameters"][()]))
            inputs = d["inputs"][()]
            cols = {"point": np.arange(inputs.shape[0], dtype=np.uint64)}
            for k in ("block", "row", "trajectory", "step"):
                if k in d:
                    cols[k] = d[k][()]
            for j, n in enumerate(names):
                cols[n] = inputs[:, j]
            return frame(cols)

    @functools.cached_property
    def parameters_varied(self):
        """The design's parameters: name, path, distribution."""
        if self.kind not in ("sweep", "sensitivity"):
            return None
        with self._open() as f:
            d = f["design"]
            return frame({"parameter": text(d["parameters"][()]), "path": text(d["paths"][()]),
                          "distribution": text(d["distributions"][()])})

    @functools.cached_property
    def failed(self):
        """Design points that failed: point, reason."""
        if self.kind not in ("sweep", "sensitivity"):
            return None
        with self._open() as f:
            g = f["failed"]
            return frame({"point": g["point"][()], "reason": _column(g["reason"])})

    @functools.cached_property
    def indices(self):
        """Sensitivity indices, one row per output and parameter: Sobol' S1, ST,
        their 95% intervals and N/2 estimates, or Morris mu, mu_star (with its
        interval), sigma and the number of effects."""
        if self.kind != "sensitivity":
            return None
        tables = []
        with self._open() as f:
            for out, g in f["indices"].items():
                params = _column(g["parameter"])
                k = len(params)
                cols = {"output": np.array([out] * k, dtype=object), "parameter": params}
                names = [n for n, ds in g.items() if n != "parameter" and ds.ndim == 1]
                for name in sorted(names, key=lambda n: (_INDEX_ORDER.index(n)
                                                         if n in _INDEX_ORDER else 99, n)):
                    cols[name] = g[name][()]
                tables.append(frame(cols))
        return _frames.concat(tables, {"output": [], "parameter": []})

    @functools.cached_property
    def second_order(self):
        """Sobol' second-order indices: one row per output and pair of
        parameters (upper triangle); None unless estimated."""
        if self.kind != "sensitivity":
            return None
        tables = []
        with self._open() as f:
            for out, g in f["indices"].items():
                if "S2" not in g:
                    continue
                params = list(_column(g["parameter"]))
                i, j = np.triu_indices(len(params), 1)
                cols = {"output": np.array([out] * len(i), dtype=object),
                        "parameter_1": np.array([params[a] for a in i], dtype=object),
                        "parameter_2": np.array([params[b] for b in j], dtype=object)}
                for name in ("S2", "S2_ci95_low", "S2_ci95_high"):
                    cols[name] = g[name][()][i, j]
                tables.append(frame(cols))
        return _frames.concat(tables, {}) if tables else None

    @functools.cached_property
    def convergence(self):
        """Per output of a sensitivity analysis: noise share, variances, rows used,
        the change from N/2 to N, and whether the analysis judged it stable."""
        if self.kind != "sensitivity":
            return None
        rows = []
        with self._open() as f:
            for out, g in f["indices"].items():
                a = _attrs(g)
                a.pop("description", None)
                rows.append((out, a))
        keys = sorted({k for _, a in rows for k in a})
        cols = {"output": np.array([o for o, _ in rows], dtype=object)}
        for k in keys:
            cols[k] = np.array([a.get(k, np.nan) for _, a in rows])
        if "stable" in cols:
            cols["stable"] = cols["stable"].astype(bool)
        return frame(cols)

    # ---- calibration --------------------------------------------------------

    @functools.cached_property
    def posterior(self):
        """The posterior sample of a calibration file (``/posterior``): one row per
        draw, one column per calibrated parameter (named as ``/parameters/names``),
        and ``weight`` (the draw's normalised weight; the weights sum to 1). ABC-SMC
        files hold the last generation's particles, history-matching files the last
        wave's non-implausible points (equal weights). None for every other kind."""
        if self.kind != "calibration":
            return None
        with self._open() as f:
            names = list(text(f["parameters/names"][()]))
            g = f["posterior"]
            values = np.asarray(g["values"][()], dtype=float).reshape(-1, len(names))
            cols = {n: values[:, i] for i, n in enumerate(names)}
            cols["weight"] = np.asarray(g["weights"][()], dtype=float)
            return frame(cols)

    @functools.cached_property
    def targets(self):
        """The calibration targets (``/targets``), one row each: ``name``,
        ``observed``, ``sd`` (the error model's standard deviation, NaN when it
        has none), and the posterior predictive ``predictive_mean`` and
        ``predictive_sd``: the weighted mean and standard deviation of the
        target's model output over the posterior draws (``/posterior/outputs``).
        None for every kind but calibration."""
        if self.kind != "calibration":
            return None
        with self._open() as f:
            t = f["targets"]
            names = text(t["names"][()])
            observed = np.asarray(t["observed"][()], dtype=float)
            sd = (np.asarray(t["sd"][()], dtype=float) if "sd" in t
                  else np.full(len(names), np.nan))
            y = np.asarray(f["posterior/outputs"][()], dtype=float).reshape(-1, len(names))
            w = np.asarray(f["posterior/weights"][()], dtype=float)
        mean, spread = weighted_mean_sd(y, w)
        return frame({"name": names, "observed": observed, "sd": sd,
                      "predictive_mean": mean, "predictive_sd": spread})

    def _steps(self, group, level):
        with self._open() as f:
            if group not in f:
                return None
            g = f[group]
            keys = sorted(g.keys(), key=int)
            rows = [(int(k), _attrs(g[k]), int(g[k]["values"].shape[0])) for k in keys]
        cols = {group[:-1]: np.array([r[0] for r in rows], dtype=np.int64),
                level: np.array([float(r[1].get(level, np.nan)) for r in rows]),
                "ess": np.array([float(r[1].get("ess", np.nan)) for r in rows]),
                "n": np.array([r[2] for r in rows], dtype=np.int64)}
        extra = (("acceptance_rate", float), ("attempts", int)) if group == "generations" else (
            ("nonimplausible", int), ("volume", float), ("volume_se", float))
        for k, cast in extra:
            cols[k] = np.array([cast(r[1].get(k, np.nan)) for r in rows])
        return frame(cols)

    @functools.cached_property
    def generations(self):
        """ABC-SMC generations (``/generations/<g>``), one row each: ``generation``
        (0: the prior), ``tolerance`` (inf for the prior), ``ess`` (effective
        sample size of its weights), ``n`` (particles), ``acceptance_rate``,
        ``attempts``. None unless a calibration file of method abc-smc."""
        if self.kind != "calibration":
            return None
        return self._steps("generations", "tolerance")

    @functools.cached_property
    def waves(self):
        """History-matching waves (``/waves/<w>``), one row each: ``wave``,
        ``cutoff`` (the implausibility cutoff), ``ess``, ``n`` (design points run),
        ``nonimplausible``, ``volume`` and ``volume_se`` (the non-implausible share
        of the prior). None unless a calibration file of method history."""
        if self.kind != "calibration":
            return None
        return self._steps("waves", "cutoff")

    # ---- model groups -------------------------------------------------------

    @functools.cached_property
    def parameters(self):
        """Every parameter of the scenario as run, with its provenance: path,
        value (YAML), kind (report, other source, assumption), source and the
        range sensitivity analysis samples. None when the model stores none."""
        with self._open() as f:
            return provenance(f)

    @functools.cached_property
    def network(self):
        """The route network as run: ``{"places": table, "segments": table,
        "truck_lines": [str]}``; None when the model has none."""
        with self._open() as f:
            if "network" not in f:
                return None
            n = f["network"]
            places = {k: _column(n["places"][k]) for k in ("id", "name", "lat", "lon")}
            segments = {k: _column(n["segments"][k]) for k in ("id", "from", "to", "mode",
                                                               "distance_km")}
            lines = list(_column(n["truck_lines"])) if "truck_lines" in n else []
            return {"places": frame(places), "segments": frame(segments), "truck_lines": lines}


def provenance(f):
    """The ``/provenance`` table of an open h5py file, or None."""
    if "provenance" not in f:
        return None
    g = f["provenance"]
    return frame({k: _column(g[k]) for k in ("path", "value", "kind", "source", "range_lo",
                                             "range_hi")})


def weighted_mean_sd(y, w):
    """Per column of y (draws x columns): the mean and standard deviation of the
    finite values under weights w (renormalised over them); NaN where none."""
    y = np.asarray(y, dtype=float).reshape(len(w), -1)
    w = np.asarray(w, dtype=float)
    mean = np.full(y.shape[1], np.nan)
    sd = np.full(y.shape[1], np.nan)
    for j in range(y.shape[1]):
        ok = np.isfinite(y[:, j]) & np.isfinite(w)
        total = w[ok].sum()
        if total > 0:
            mean[j] = np.dot(w[ok], y[ok, j]) / total
            sd[j] = np.sqrt(np.dot(w[ok], (y[ok, j] - mean[j]) ** 2) / total)
    return mean, sd


def _field_value(text):
    """A trace field as a number when it reads as one, else as text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
