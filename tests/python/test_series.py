"""Time series from Python: passage.read(...).series(name) holds what /series holds
(checked against h5py), its periods sum to the plain metric, compare files carry
them per arm without breaking the comparison, and passage.plot.series draws them."""

import h5py
import numpy as np
import pytest

import passage
from support import MM1

# 10 periods of 20 days; the horizon, not the customer count, ends every replication.
SERIES = ["horizon_days=200", "parameters.customers=100000"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("series")
    policy = d / "busier.yaml"
    policy.write_text("policy: busier\nchanges:\n  - scale: {parameters.arrival_rate: 1.5}\n")
    return {
        "run": passage.run(MM1, replications=12, set=SERIES, out=d / "run.h5").path,
        "plain": passage.run(MM1, replications=3, set=["parameters.customers=200"],
                             out=d / "plain.h5").path,
        "compare": passage.compare(MM1, [policy], replications=6, set=SERIES,
                                   out=d / "compare.h5").path,
    }


def test_series_frame_matches_the_file(files):
    r = passage.read(files["run"])
    assert r.series_names() == ["served"]
    edges = r.series_edges()
    assert edges.tolist() == [20.0 * i for i in range(11)]
    s = r.series("served")
    assert s.shape == (10, 12)
    assert s.index.name == "start" and s.index.tolist() == edges[:-1].tolist()
    assert s.columns.tolist() == list(range(12))
    with h5py.File(files["run"]) as f:
        assert s.to_numpy().T.tobytes() == f["series/served"][()].tobytes()
        assert f["series/served"].attrs["unit"] == "customers"
    # The periods sum to the plain metric, replication by replication, exactly.
    assert (s.sum(axis=0).to_numpy() == r.replications["served"].to_numpy()).all()
    # Series are not metrics: not in /replications or /summary.
    assert not any("[" in c for c in r.replications.columns)
    assert "served[0]" not in set(r.summary["metric"])
    with pytest.raises(KeyError, match="no series 'nope'.*served"):
        r.series("nope")


def test_no_series_without_a_horizon(files):
    r = passage.read(files["plain"])
    assert r.series_names() == [] and len(r.series_edges()) == 0
    with pytest.raises(KeyError, match="the file has none"):
        r.series("served")


def test_compare_file_has_series_per_arm(files):
    r = passage.read(files["compare"])
    assert r.series_names() == ["served"] and r.series_names("busier") == ["served"]
    base, busier = r.series("served"), r.series("served", arm="busier")
    assert base.shape == busier.shape == (10, 6)
    # The mm1 model does not apply a policy's `changes:` (the mali model does): both
    # arms run the same streams (common random numbers), so their series are equal.
    assert busier.to_numpy().tobytes() == base.to_numpy().tobytes()
    c = r.comparison
    assert set(c["metric"]) == {"mean_wait", "mean_sojourn", "served", "last_departure"}
    with pytest.raises(KeyError, match="no arm 'other'"):
        r.series("served", arm="other")


def test_plot_series(files):
    import matplotlib

    matplotlib.use("Agg")
    from passage import plot

    r = passage.read(files["run"])
    fig = plot.series(r, "served")
    ax = fig.axes[0]
    # The mean line is drawn at the mean per period.
    steps = [p for p in ax.patches if not p.get_fill()]
    assert len(steps) == 1
    s = r.series("served")
    data = steps[0].get_data()
    assert np.allclose(data.values, s.mean(axis=1).to_numpy(), rtol=1e-12)
    assert data.edges.tolist() == r.series_edges().tolist()
    # The band: the Student-t 95% interval of the mean, per period.
    from scipy import stats

    band = [p for p in ax.patches if p.get_fill()][0].get_data()
    half = stats.t.ppf(0.975, 11) * s.std(axis=1, ddof=1).to_numpy() / np.sqrt(12)
    assert np.allclose(band.values, s.mean(axis=1).to_numpy() + half, rtol=1e-12)
    assert np.allclose(band.baseline, s.mean(axis=1).to_numpy() - half, rtol=1e-12)
    # Into a caller's axes.
    from matplotlib.figure import Figure

    f2 = Figure()
    a2 = f2.subplots()
    assert plot.series(files["run"], "served", ax=a2) is f2 and len(a2.patches) == 2
    with pytest.raises(plot.NothingToDraw, match="no series 'nope'"):
        plot.series(r, "nope")
    res = plot.open_results(files["run"])
    names = [n for n, _ in plot.figures(res)[0]]
    assert "series_served" in names


def test_scenario_lists_its_series():
    s = passage.Scenario(MM1, sets=SERIES)
    assert s.series_names() == ["served"]
    assert list(s.metrics["metric"]) == ["mean_wait", "mean_sojourn", "served", "last_departure"]
    assert passage.Scenario(MM1).series_names() == []
