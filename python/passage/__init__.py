"""passage from Python: run the engine, read its results.

    import passage
    r = passage.run("configs/mali-2016.yaml", replications=8, seed=1)
    r.summary                        # a DataFrame, one row per metric
    passage.read("results/mali-2016.h5").comparison

Runs go through the command line's own code in this process (the same seed
gives the same file as ``passage run``); readers cover every file kind.
``passage.plot`` draws the figures of a results file (passage/plot/__init__.py);
it needs matplotlib and is imported on first use. docs/python.md is the guide.
"""

from .api import Run, Scenario, cli, compare, evaluate, run, sensitivity, sweep
from .errors import (ConfigError, Diagnostic, Interrupted, IoError, PassageError, SimulationError,
                     UsageError)
from .results import Results, read

__all__ = [
    "ConfigError", "Diagnostic", "Interrupted", "IoError", "PassageError", "Results", "Run",
    "Scenario", "SimulationError", "UsageError", "cli", "compare", "evaluate", "read", "run",
    "sensitivity", "sweep", "__version__",
]


def __getattr__(name):
    # The version comes from the compiled core; the readers work without it.
    if name == "__version__":
        from . import _core
        return _core.version
    if name == "plot":  # imported on first use, so `import passage` needs no matplotlib
        import importlib
        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'passage' has no attribute {name!r}")
