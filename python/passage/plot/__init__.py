"""Figures of passage results files, by subject.

    from passage import plot
    res = plot.open_results("results/mali-2016.h5")   # a Run, Compare, Sa or Calibration
    fig = plot.run.outcomes(res)                      # a matplotlib Figure
    plot.write_all(res, "results/plots/mali-2016")    # every figure of the file, as PNG

Modules: run (outcomes, ledger, histogram), timeseries (series: a time series' mean per
period with its band, also plot.series; beliefs: what migrants believe against the true
risks, with rumours), network (route_map), compare (forest,
variance_reduction), sensitivity (sobol, morris), sweep (grid), calibration (marginals,
pairs, predictive). Every figure function takes what open_results()
read and returns a matplotlib Figure not registered with pyplot, or raises NothingToDraw
when the file lacks its data. Intervals are Student-t intervals from SciPy. Needs numpy,
scipy, h5py and matplotlib; geopandas, when present, adds country borders to the map.
"""

import os

from . import calibration, compare, network, run, sensitivity, sweep, timeseries  # noqa: F401
from ._common import BadInput, NothingToDraw, file_stem, mean_ci, save
from .files import Calibration, Compare, Run, Sa, open_results
from .timeseries import series

__all__ = ["BadInput", "NothingToDraw", "open_results", "figures", "write_all", "mean_ci",
           "Run", "Compare", "Sa", "Calibration", "run", "network", "compare", "sensitivity",
           "sweep", "calibration", "timeseries", "series"]


def kind_of(res):
    """'run', 'compare', 'sweep', 'sensitivity' or 'calibration'."""
    return "run" if isinstance(res, Run) else res.kind


def figures(res):
    """[(name, draw)] for every figure of this file, in order, and the sentence that
    says what they need when none can be drawn; draw() returns the Figure or raises
    NothingToDraw."""
    if isinstance(res, Run):
        jobs = [("outcomes", lambda: run.outcomes(res)), ("ledger", lambda: run.ledger(res))]
        jobs += [(f"hist_{name}", lambda name=name: run.histogram(res, name))
                 for name in res.histograms]
        jobs.append(("network", lambda: network.route_map(res)))
        # The belief series of a run with rumours go into one figure, beliefs.png.
        pairs = timeseries.belief_pairs(res)
        gathered = {n for _, _, risk, beliefs in pairs for n in [risk] + beliefs}
        if pairs:
            jobs.append(("beliefs", lambda: timeseries.beliefs(res)))
        jobs += [(f"series_{file_stem(name)}", lambda name=name: timeseries.series(res, name))
                 for name in res.series if name not in gathered]
        return jobs, ("these figures need the outcome, revenue, histogram, network or "
                      "time-series data of the file")
    if isinstance(res, Compare):
        return ([("forest", lambda: compare.forest(res)),
                 ("variance_reduction", lambda: compare.variance_reduction(res))],
                "no metric is shared by the policies")
    if res.kind == "calibration":
        jobs = [("marginals", lambda: calibration.marginals(res)),
                ("pairs", lambda: calibration.pairs(res))]
        jobs += [(f"predictive_{file_stem(name)}",
                  lambda name=name: calibration.predictive(res, name)) for name in res.targets]
        return jobs, "the posterior holds no draws"
    if res.kind == "sensitivity":
        draw = {"sobol": sensitivity.sobol, "morris": sensitivity.morris}.get(res.method)
        if draw is None:
            return [], (f"unknown sensitivity method '{res.method}' (this version draws "
                        "'sobol' and 'morris')")
        return ([(f"{res.method}_{file_stem(name)}", lambda name=name: draw(res, name))
                 for name in res.output_names], "no output has indices to draw")
    return [("sweep", lambda: sweep.grid(res))], "the sweep has no design inputs or outputs"


def write_all(res, out, dpi=130, log=None):
    """Draw every figure of the file into folder `out` (created if missing) as
    <name>.png; returns (paths written, [(name, why skipped)]). `log(line)` is told of
    each figure as it is written or skipped."""
    os.makedirs(out, exist_ok=True)
    written, skipped = [], []
    jobs, _ = figures(res)
    for name, draw in jobs:
        try:
            fig = draw()
        except NothingToDraw as e:
            skipped.append((name, str(e)))
            if log:
                log(f"skipped {name}: {e}")
            continue
        written.append(save(fig, os.path.join(out, name + ".png"), dpi))
        if log:
            log(f"wrote {written[-1]}")
    return written, skipped
