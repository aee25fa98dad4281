"""Running passage from Python.

``run``, ``compare``, ``sweep`` and ``sensitivity`` run the command line's own
commands in this process (``passage._core.execute``): the keyword arguments
become the command's options (``replications=`` is ``-r``, ``seed=`` ``--seed``,
``threads=`` ``-j``, ``set={k: v}`` ``--set k=v``, ``policies=[...]``
``--policy``, ``out=`` ``-o``), so the same seed gives the very file the shell
command gives. Each returns a :class:`Run`: the results file, read with
:mod:`passage.results`. Without ``out=`` the file is a temporary one that lives
as long as the Run (``Run.save(path)`` keeps a copy). The GIL is released while
the engine runs on its own threads. No signal handler is installed: Ctrl-C is
seen when the call returns.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
import weakref
from collections.abc import Iterable, Mapping

import numpy as np

from . import _frames
from .results import Results, provenance


def _core():
    try:
        from . import _core as core
    except ImportError as e:
        raise ImportError(
            "passage's compiled core (passage._core) is missing: build the project "
            "(scripts/build.sh) and use PYTHONPATH=build/python, or cmake --install build") from e
    return core


def _yaml(value) -> str:
    """A Python value as the YAML text --set takes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value)) if np.isfinite(value) else (
            ".nan" if np.isnan(value) else (".inf" if value > 0 else "-.inf"))
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return json.dumps(value)  # lists and mappings: JSON is YAML's flow style


def _sets(set_: Mapping | Iterable | None) -> list[str]:
    if set_ is None:
        return []
    if isinstance(set_, Mapping):
        return [f"{k}={_yaml(v)}" for k, v in set_.items()]
    if isinstance(set_, str):
        return [set_]
    return [str(s) for s in set_]


def _paths(xs) -> list[str]:
    if xs is None:
        return []
    if isinstance(xs, (str, os.PathLike)):
        return [os.fspath(xs)]
    return [os.fspath(x) for x in xs]


class Scenario:
    """A scenario file with ``--set`` assignments and policy overlays, as the
    command line loads it (``engine::load_scenario``).

    >>> s = passage.Scenario.load("configs/mali-2016.yaml").set("parameters.bandits.hazard_scale", 2)
    >>> s.validate().model
    'mali'
    """

    def __init__(self, file, sets: Iterable[str] = (), policies: Iterable = ()):
        self.file = os.fspath(file)
        self.sets = list(sets)
        self.policies = _paths(list(policies))
        self._info = None

    @classmethod
    def load(cls, path, set=None, policies=None) -> "Scenario":
        """Load (and check) a scenario; ConfigError with file:line:col if it is wrong."""
        s = cls(path, _sets(set), _paths(policies))
        s._load(build=False)
        return s

    def set(self, path: str, value) -> "Scenario":
        """Assign a value (a Python value or YAML text) at a dotted path, as
        ``--set path=value``; returns the scenario. Checked by ``validate``."""
        self.sets.append(f"{path}={_yaml(value)}")
        self._info = None
        return self

    def with_policy(self, overlay) -> "Scenario":
        """Apply a policy overlay, as ``--policy FILE``; returns the scenario."""
        self.policies.append(os.fspath(overlay))
        self._info = None
        return self

    def copy(self) -> "Scenario":
        return Scenario(self.file, self.sets, self.policies)

    def _load(self, build: bool) -> dict:
        if self._info is None or (build and "metrics" not in self._info):
            self._info = _core().scenario_info(self.file, self.sets, self.policies, build)
        return self._info

    def validate(self) -> "Scenario":
        """Build the scenario's model, checking everything ``passage validate``
        checks; raises ConfigError (file, line, column) at the first problem,
        with every problem in ``.diagnostics``. Returns the scenario."""
        self._load(build=True)
        return self

    @property
    def name(self) -> str:
        return self._load(False)["name"]

    @property
    def model(self) -> str:
        return self._load(False)["model"]

    @property
    def seed(self) -> int:
        return self._load(False)["seed"]

    @property
    def replications(self) -> int:
        return self._load(False)["replications"]

    @property
    def yaml(self) -> str:
        """The resolved scenario (after overlays and --set), as stored in results files."""
        return self._load(False)["yaml"]

    @property
    def metrics(self):
        """The model's metrics: metric, unit, description, group."""
        m = self._load(True)["metrics"]
        cols = list(zip(*m)) if m else [(), (), (), ()]
        return _frames.frame({k: np.array(v, dtype=object)
                              for k, v in zip(("metric", "unit", "description", "group"), cols)})

    def series_names(self) -> list[str]:
        """The time series a run of this scenario writes (``/series/<name>``)."""
        return [s[0] for s in self._load(True)["series"]]

    @property
    def parameters(self):
        """The provenance table: every parameter with its value, kind (report,
        other source, assumption), source and range — what a run stores in
        ``/provenance``, written by the model's own code. None for models that
        keep no provenance."""
        import h5py

        with tempfile.TemporaryDirectory(prefix="passage-") as d:
            out = os.path.join(d, "model.h5")
            _core().write_model_results(self.file, self.sets, self.policies, out)
            with h5py.File(out, "r") as f:
                return provenance(f)

    def __repr__(self) -> str:
        extra = "".join(f" --set {s}" for s in self.sets) + "".join(
            f" --policy {p}" for p in self.policies)
        return f"<passage.Scenario {self.file}{extra}>"


def _scenario_args(scenario, set_, policies) -> list[str]:
    """CONFIG, --set and --policy of a command line."""
    if isinstance(scenario, Scenario):
        file, sets, pols = scenario.file, scenario.sets + _sets(set_), scenario.policies + _paths(
            policies)
    else:
        file, sets, pols = os.fspath(scenario), _sets(set_), _paths(policies)
    args = [file]
    for s in sets:
        args += ["--set", s]
    for p in pols:
        args += ["--policy", p]
    return args


class Run(Results):
    """The results file of a command run from Python (see :class:`Results` for
    its tables). ``command`` is the equivalent shell command. A temporary file
    (no ``out=``) is removed when the Run is garbage-collected."""

    def __init__(self, path, command: list[str], tmpdir: str | None):
        self.command = " ".join(command)
        self._tmpdir = tmpdir
        if tmpdir is not None:
            self._cleanup = weakref.finalize(self, shutil.rmtree, tmpdir, True)
        super().__init__(path)

    def save(self, path, force: bool = False) -> str:
        """Copy the results file to `path` (refuses to overwrite without force)."""
        path = os.fspath(path)
        if os.path.exists(path) and not force:
            from .errors import UsageError
            raise UsageError(f"{path} exists", "pass force=True to overwrite it")
        shutil.copyfile(self.path, path)
        return path


def _job_args(replications, seed, threads, out, force, quiet) -> list[str]:
    args = []
    if replications is not None:
        args += ["-r", str(int(replications))]
    if seed is not None:
        args += ["--seed", str(int(seed))]
    if threads is not None:
        args += ["-j", str(int(threads))]
    args += ["-o", out]
    if quiet:
        args.append("-q")
    if force:
        args.append("--force")
    return args


def _checkpoint_args(checkpoint, checkpoint_every, resume) -> list[str]:
    args = []
    if checkpoint is not None:
        args += ["--checkpoint", os.fspath(checkpoint)]
    if checkpoint_every is not None:
        args += ["--checkpoint-every", repr(float(checkpoint_every))]
    if resume is not None:
        args += ["--resume", os.fspath(resume)]
    return args


def _batch_args(until, max_replications, checkpoint, checkpoint_every, resume) -> list[str]:
    args = []
    for u in ([until] if isinstance(until, str) else (until or [])):
        args += ["--until", u]
    if max_replications is not None:
        args += ["--max-replications", str(int(max_replications))]
    return args + _checkpoint_args(checkpoint, checkpoint_every, resume)


def _output(out, stem: str):
    if out is not None:
        return os.fspath(out), None
    tmpdir = tempfile.mkdtemp(prefix="passage-")
    return os.path.join(tmpdir, stem + ".h5"), tmpdir


def _run_command(command, scenario_args, job, extra, out, stem) -> Run:
    out_path, tmpdir = _output(out, stem)
    replications, seed, threads, force, quiet = job
    argv = (["passage", command] + scenario_args +
            _job_args(replications, seed, threads, out_path, force, quiet) + extra)
    try:
        _core().execute(argv)
    except BaseException:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    return Run(out_path, argv, tmpdir)


def run(scenario, replications=None, seed=None, threads=None, set=None, policies=None, out=None,
        force=False, trace=None, until=None, max_replications=None, event_by_event=False,
        checkpoint=None, checkpoint_every=None, resume=None, quiet=True) -> Run:
    """``passage run``: a scenario's replications. `scenario` is a path or a
    :class:`Scenario`; `set` a mapping of dotted paths to values; `policies`
    overlay files; `trace` K traces the first K migrants of replication 0;
    `until` precision triggers (``"died:rel_ci=0.05"``). Returns a Run."""
    extra = []
    if trace:
        extra += ["--trace", str(int(trace))]
    if event_by_event:
        extra.append("--event-by-event")
    extra += _batch_args(until, max_replications, checkpoint, checkpoint_every, resume)
    return _run_command("run", _scenario_args(scenario, set, policies),
                        (replications, seed, threads, force, quiet), extra, out, "run")


def compare(scenario, policies, replications=None, seed=None, threads=None, set=None, out=None,
            force=False, independent=False, until=None, max_replications=None, checkpoint=None,
            checkpoint_every=None, resume=None, quiet=True) -> Run:
    """``passage compare``: the baseline and each policy (overlay files or
    folders of them) on common random numbers; ``Run.comparison`` holds the
    paired differences."""
    if not _paths(policies):
        from .errors import UsageError
        raise UsageError("compare needs at least one policy", "policies=['configs/policies/']")
    extra = ["--independent"] if independent else []
    extra += _batch_args(until, max_replications, checkpoint, checkpoint_every, resume)
    return _run_command("compare", _scenario_args(scenario, set, policies),
                        (replications, seed, threads, force, quiet), extra, out, "compare")


def _sa(command, scenario, design, method, samples, replications, seed, threads, set_, policies,
        out, force, checkpoint, checkpoint_every, resume, quiet) -> Run:
    extra = ["--design", os.fspath(design), "--method", str(method)]
    if samples is not None:
        extra += ["-n", str(int(samples))]
    extra += _checkpoint_args(checkpoint, checkpoint_every, resume)
    return _run_command(command, _scenario_args(scenario, set_, policies),
                        (replications, seed, threads, force, quiet), extra, out, command)


def sweep(scenario, design, method, samples, replications=None, seed=None, threads=None, set=None,
          policies=None, out=None, force=False, checkpoint=None, checkpoint_every=None,
          resume=None, quiet=True) -> Run:
    """``passage sweep``: the scenario at every point of a design (method
    ``grid``, ``lhs`` or ``sobol``; `samples` is -n); `replications` per point."""
    return _sa("sweep", scenario, design, method, samples, replications, seed, threads, set,
               policies, out, force, checkpoint, checkpoint_every, resume, quiet)


def sensitivity(scenario, design, method, samples=None, replications=None, seed=None, threads=None,
                set=None, policies=None, out=None, force=False, checkpoint=None,
                checkpoint_every=None, resume=None, quiet=True) -> Run:
    """``passage sensitivity``: Sobol' indices (``method="sobol"``) or Morris
    effects (``"morris"``) over a design file's parameters; ``Run.indices``."""
    return _sa("sensitivity", scenario, design, method, samples, replications, seed, threads, set,
               policies, out, force, checkpoint, checkpoint_every, resume, quiet)


def cli(*args) -> None:
    """Any passage command in this process, e.g. ``passage.cli("validate",
    "configs/mali-2016.yaml")``; output goes to the process's stdout."""
    _core().execute(["passage"] + [os.fspath(a) if isinstance(a, os.PathLike) else str(a)
                                   for a in args])


def evaluate(scenario, design_matrix, outputs, replications=1, *, parameters=None, seed=None,
             threads=0, common_random_numbers=True, reduce="mean", set=None, policies=None):
    """Run the scenario at each row of a design matrix — the hook for external
    drivers (SALib, optimisers, calibrators).

    `design_matrix` is points x parameters: a DataFrame whose columns are dotted
    scenario paths, or a 2-D array with those paths in `parameters`. Each point
    is the scenario with the row's values written in (the engine's Evaluator,
    as ``passage sweep`` runs a point: replication r of every point on the
    streams of (seed, r) unless `common_random_numbers` is False), run
    `replications` times on all cores with the GIL released.

    Returns a numpy array: points x outputs of the mean over replications
    (``reduce=None``: points x outputs x replications); with `outputs` a single
    name, the outputs axis is dropped. A point the model rejects is NaN, with a
    warning giving the reason; if every point fails, SimulationError.
    """
    if isinstance(outputs, str):
        names, single = [outputs], True
    else:
        names, single = list(outputs), False
    if _frames.pandas is not None and isinstance(design_matrix, _frames.pandas.DataFrame):
        paths = [str(c) for c in design_matrix.columns] if parameters is None else list(parameters)
        values = design_matrix.to_numpy(dtype=float)
    else:
        if parameters is None:
            from .errors import UsageError
            raise UsageError("evaluate needs the parameters' dotted paths",
                             "pass a DataFrame with paths as columns, or parameters=[...]")
        paths = list(parameters)
        values = np.asarray(design_matrix, dtype=float)
        if values.ndim == 1:
            values = values.reshape(-1, 1) if len(paths) == 1 else values.reshape(1, -1)
    if isinstance(scenario, Scenario):
        file, sets, pols = scenario.file, scenario.sets + _sets(set), scenario.policies + _paths(
            policies)
    else:
        file, sets, pols = os.fspath(scenario), _sets(set), _paths(policies)
    runs, ok, reasons, _ = _core().evaluate(file, sets, pols, paths, np.ascontiguousarray(values),
                                            names, int(replications), seed, int(threads),
                                            bool(common_random_numbers))
    failed = np.flatnonzero(~ok)
    if len(failed) == len(ok) and len(ok) > 0:
        from .errors import SimulationError
        raise SimulationError(f"every design point failed ({len(ok)}); the first: point "
                              f"{failed[0]}: {reasons[failed[0]]}")
    if len(failed):
        warnings.warn(f"{len(failed)} of {len(ok)} design points failed and are NaN; the first: "
                      f"point {failed[0]}: {reasons[failed[0]]}", RuntimeWarning, stacklevel=2)
    y = np.transpose(runs, (1, 0, 2))  # points x outputs x replications
    if reduce == "mean":
        y = y.mean(axis=2)
    elif reduce is not None:
        raise ValueError("reduce must be 'mean' or None")
    return y[:, 0, ...] if single else y
