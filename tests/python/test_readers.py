"""passage.read on every file kind the project writes: the tables hold what the
file holds (checked against h5py directly), text as str, one row per observation."""

import h5py
import numpy as np
import pytest

import passage
from passage import _frames
from support import (CONJUGATE, CONJUGATE_DESIGN, CONJUGATE_OBSERVATIONS, ISHIGAMI,
                     ISHIGAMI_DESIGN, MALI, MM1, POLICIES, SMALL, passage_cli)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("files")
    return {
        "run": passage.run(MALI, replications=4, trace=2, set=[SMALL], out=d / "run.h5").path,
        "compare": passage.compare(MALI, [POLICIES / "anti_corruption.yaml",
                                          POLICIES / "close_tal_handak.yaml"],
                                   replications=3, set=[SMALL], out=d / "compare.h5").path,
        "sweep": passage.sweep(ISHIGAMI, ISHIGAMI_DESIGN, "grid", 3, replications=2,
                               set={"parameters.noise_sd": 0.1}, out=d / "sweep.h5").path,
        "sobol": passage.sensitivity(ISHIGAMI, ISHIGAMI_DESIGN, "sobol", samples=32,
                                     set={"parameters.noise_sd": 0.1}, replications=2,
                                     out=d / "sobol.h5").path,
        "morris": passage.sensitivity(ISHIGAMI, ISHIGAMI_DESIGN, "morris", samples=4,
                                      out=d / "morris.h5").path,
    }


def strings(ds):
    return [v.decode() for v in ds[()]]


def test_run_file(files):
    r = passage.read(files["run"])
    assert r.kind == "run"
    with h5py.File(files["run"]) as f:
        metrics = strings(f["summary/metric"])
        assert list(r.replications.columns) == metrics
        assert r.replications.index.name == "replication" and len(r.replications) == 4
        for m in ("died", "migrants", "paid_total"):
            assert r.replications[m].to_numpy().tobytes() == f["replications"][m][()].tobytes()
        assert list(r.summary["metric"]) == metrics
        assert list(r.summary["unit"]) == strings(f["summary/unit"])
        assert all(isinstance(u, str) for u in r.summary["unit"])
        assert r.summary["mean"].to_numpy().tobytes() == f["summary/mean"][()].tobytes()
        h = r.histograms[r.histograms.histogram == "journey_days"]
        assert h["count"].to_numpy().tolist() == f["histograms/journey_days/counts"][()].tolist()
        edges = f["histograms/journey_days/edges"][()]
        assert h["lo"].tolist() == edges[:-1].tolist() and h["hi"].tolist() == edges[1:].tolist()
        assert set(h["unit"]) == {"days"}
        st = r.histogram_stats.set_index("histogram")
        assert st.loc["journey_days", "q50"] == f["histograms/journey_days"].attrs["q50"]
        t = r.trace
        assert list(t.columns)[:7] == ["entity", "time", "place", "event", "actor", "amount", "kind"]
        assert len(t) == len(f["trace/entity"]) > 0
        assert sorted(set(t["entity"])) == [0, 1]
        assert list(t["place"]) == strings(f["trace/place"])
        assert t["amount"].to_numpy().tolist() == f["trace/amount"][()].tolist()
        assert all(isinstance(a, str) for a in t["actor"])
        p = r.parameters
        assert len(p) == len(f["provenance/path"]) and "parameters.cash.median" in set(p["path"])
        assert set(p["kind"]) <= {"report", "other source", "assumption"}
    # The corridor model's monthly series: each sums over its periods to its metric.
    assert "arrived_algeria" in r.series_names() and len(r.series_edges()) == 13
    s = r.series("arrived_algeria")
    assert s.sum(axis=0).to_numpy().tolist() == r.replications["arrived_algeria"].to_numpy().tolist()
    assert r.posterior is None
    assert r.comparison is None and r.indices is None and r.design is None
    assert r.network["places"]["id"].tolist()[:2] == ["conakry", "dakar"]
    assert r.manifest["seed"] == r.seed


def test_compare_file(files):
    r = passage.read(files["compare"])
    assert r.arms == ["baseline", "anti_corruption", "close_tal_handak"]
    c = r.comparison
    with h5py.File(files["compare"]) as f:
        metrics = strings(f["comparison/anti_corruption/metric"])
        # One row per policy and metric.
        assert len(c) == 2 * len(metrics)
        assert list(c.columns[:4]) == ["policy", "title", "metric", "unit"]
        one = c[(c.policy == "close_tal_handak")]
        assert list(one["metric"]) == metrics
        for k in ("diff_mean", "diff_ci95_low", "diff_ci95_high", "variance_reduction"):
            assert one[k].to_numpy().tobytes() == f["comparison/close_tal_handak"][k][()].tobytes()
        reps = r.replications
        assert len(reps) == 3 * 3 and list(reps.columns[:2]) == ["arm", "replication"]
        base = reps[reps.arm == "baseline"]["died"].to_numpy()
        assert base.tobytes() == f["arms/baseline/replications/died"][()].tobytes()
        assert set(r.summary["arm"]) == set(r.arms)
        assert set(r.histograms["arm"]) == set(r.arms)


def test_sweep_file(files):
    r = passage.read(files["sweep"])
    assert r.kind == "sweep" and r.indices is None
    with h5py.File(files["sweep"]) as f:
        x = f["design/inputs"][()]
        y = f["outputs/y"][()]
    assert r.design.shape[0] == x.shape[0] == 27
    assert r.design[["x1", "x2", "x3"]].to_numpy().tobytes() == x.tobytes()
    reps = r.replications  # one row per point and replication
    assert len(reps) == 27 * 2
    assert reps["y"].to_numpy().tobytes() == y.reshape(-1).tobytes()
    assert reps[reps.point == 5]["x2"].tolist() == [x[5, 1]] * 2
    assert len(r.failed) == 0
    assert list(r.parameters_varied["path"]) == ["parameters.x1", "parameters.x2", "parameters.x3"]


def test_sobol_file(files):
    r = passage.read(files["sobol"])
    i = r.indices
    with h5py.File(files["sobol"]) as f:
        g = f["indices/y"]
        assert list(i["parameter"]) == strings(g["parameter"])
        assert i["S1"].to_numpy().tobytes() == g["S1"][()].tobytes()
        assert i["ST_ci95_high"].to_numpy().tobytes() == g["ST_ci95_high"][()].tobytes()
        assert r.convergence.set_index("output").loc["y", "stable"] == bool(g.attrs["stable"])
    assert list(i.columns[:5]) == ["output", "parameter", "S1", "S1_ci95_low", "S1_ci95_high"]
    assert r.second_order is None  # not estimated by this design
    assert set(r.design["block"]) == set(range(2 + 3))


def test_morris_file(files):
    r = passage.read(files["morris"])
    i = r.indices
    with h5py.File(files["morris"]) as f:
        assert i["mu_star"].to_numpy().tobytes() == f["indices/y/mu_star"][()].tobytes()
    assert {"trajectory", "step"} <= set(r.design.columns)
    assert (i["effects"] == 4).all()


@pytest.fixture(scope="module")
def calibrations(tmp_path_factory):
    """Calibration files of the conjugate model written by `passage calibrate`: ABC-SMC
    and history matching."""
    d = tmp_path_factory.mktemp("calibrate")
    common = [CONJUGATE, "--design", CONJUGATE_DESIGN, "--observations", CONJUGATE_OBSERVATIONS,
              "-q", "--force"]
    passage_cli("calibrate", *common, "-o", d / "abc.h5")
    passage_cli("calibrate", *common, "--method", "history", "-r", "4", "-o", d / "history.h5")
    return {"abc": d / "abc.h5", "history": d / "history.h5"}


@pytest.mark.parametrize("method", ["abc", "history"])
def test_calibration_file(calibrations, method):
    path = calibrations[method]
    r = passage.read(path)
    assert r.kind == "calibration"
    with h5py.File(path) as f:
        p = r.posterior
        assert list(p.columns) == strings(f["parameters/names"]) + ["weight"] == ["mu", "weight"]
        assert p["mu"].to_numpy().tobytes() == f["posterior/values"][:, 0].tobytes()
        assert p["weight"].to_numpy().tobytes() == f["posterior/weights"][()].tobytes()
        assert p["weight"].sum() == pytest.approx(1.0, abs=1e-12)
        t = r.targets
        assert t["name"].tolist() == ["sample_mean"] and t["observed"].tolist() == [1.0]
        assert t["sd"].tolist() == [0.5]
        y, w = f["posterior/outputs"][:, 0], f["posterior/weights"][()]
        mean = float(np.dot(w, y) / w.sum())
        assert t["predictive_mean"][0] == pytest.approx(mean, rel=1e-12)
        assert t["predictive_sd"][0] == pytest.approx(
            np.sqrt(np.dot(w, (y - mean) ** 2) / w.sum()), rel=1e-12)
        group = "generations" if method == "abc" else "waves"
        steps, other = (r.generations, r.waves) if method == "abc" else (r.waves, r.generations)
        assert other is None
        assert steps[group[:-1]].tolist() == list(range(len(f[group])))
        level = "tolerance" if method == "abc" else "cutoff"
        for i, row in enumerate(steps.itertuples()):
            g = f[f"{group}/{i}"]
            assert getattr(row, level) == g.attrs[level] and row.ess == g.attrs["ess"]
            assert row.n == g["values"].shape[0]
    if method == "abc":
        # Each tolerance is a quantile of the last generation's distances: they fall.
        assert (np.diff(r.generations["tolerance"].to_numpy()) < 0).all()
        # The conjugate posterior is N(0.9412, sd 0.485) (configs/observations/conjugate.yaml):
        # the weighted mean of 200 particles lies within 4 sigma of it (sigma =
        # 0.485 / sqrt(ESS ~ 190) = 0.035; ABC's tolerance widens it a little).
        m = float(np.dot(p["weight"], p["mu"]))
        assert abs(m - 0.9412) < 4 * 0.485 / np.sqrt(r.generations["ess"].iloc[-1]) + 0.05
    assert r.replications is None and r.summary is None


def test_calibration_properties_are_none_for_other_kinds(files):
    r = passage.read(files["run"])
    assert r.posterior is None and r.targets is None
    assert r.generations is None and r.waves is None


def test_calibration_tables_without_pandas(calibrations, monkeypatch):
    monkeypatch.setattr(_frames, "pandas", None)
    r = passage.read(calibrations["history"])
    p = r.posterior
    assert isinstance(p, np.recarray) and p.dtype.names == ("mu", "weight")
    assert r.targets["name"][0] == "sample_mean" and r.targets["name"].dtype.kind == "U"
    assert isinstance(r.waves, np.recarray) and r.waves["wave"].tolist() == [0, 1, 2, 3]


def test_without_pandas_tables_are_numpy_records(files, monkeypatch):
    monkeypatch.setattr(_frames, "pandas", None)
    r = passage.read(files["run"])
    s = r.summary
    assert isinstance(s, np.recarray) and s["metric"][0] == "migrants"
    assert s["unit"].dtype.kind == "U"
    assert r.replications["died"].tobytes() == passage.read(files["run"]).replications[
        "died"].tobytes()
    c = passage.read(files["compare"]).comparison
    assert isinstance(c, np.recarray) and set(c["policy"]) == {"anti_corruption",
                                                             "close_tal_handak"}
    assert isinstance(passage.read(files["sobol"]).indices, np.recarray)


def test_trace_detail_becomes_columns(work):
    """A trace's detail fields (key=value;...) come back as tidy columns, numbers as numbers."""
    import h5py
    import numpy as np
    path = work / "t.h5"
    passage.run(MM1, replications=2, seed=1, set={"parameters.customers": 50}, out=path)
    with h5py.File(path, "r+") as f:
        g = f.create_group("trace")
        str_t = h5py.string_dtype()
        g["entity"] = np.array([0, 0, 1], dtype=np.uint64)
        g["time"] = np.array([0.0, 1.5, 2.0])
        g["place"] = np.array(["a", "b", "a"], dtype=object).astype(str_t)
        g["event"] = np.array(["sets out", "pays", "sets out"], dtype=object).astype(str_t)
        g["actor"] = np.array(["", "bus", ""], dtype=object).astype(str_t)
        g["amount"] = np.array([0, 500, 0], dtype=np.int64)
        g["kind"] = np.array(["set_out", "pay", "set_out"], dtype=object).astype(str_t)
        g["detail"] = np.array(["origin=mali;cash=1200", "", "origin=guinea;cash=7.5"],
                               dtype=object).astype(str_t)
    t = passage.read(path).trace
    assert list(t["kind"]) == ["set_out", "pay", "set_out"]
    assert list(t["origin"]) == ["mali", None, "guinea"]
    assert t["cash"].tolist()[0] == 1200 and t["cash"].tolist()[2] == 7.5


def test_mali_trace_is_tidy(work):
    """The Mali model names every traced event's step and gives its own fields:
    each journey starts with set_out (origin, destination, cash) and, if it ended,
    ends with finish (outcome)."""
    path = work / "mali-trace.h5"
    passage.run(MALI, replications=1, seed=3, trace=20, out=path,
                set={"parameters.flows.mali_route.annual_migrants": 3000})
    t = passage.read(path).trace
    assert (t["kind"] != "").all()
    for entity, rows in t.groupby("entity", sort=True):
        first = rows.iloc[0]
        assert first["kind"] == "set_out"
        assert isinstance(first["origin"], str) and isinstance(first["cash"], int)
        assert first["cash"] > 0
        finished = rows[rows["kind"] == "finish"]
        assert len(finished) <= 1
        if len(finished):
            assert rows.iloc[-1]["kind"] == "finish"
            assert isinstance(finished.iloc[0]["outcome"], str)
    assert set(t["kind"]) >= {"set_out", "pay", "arrive"}
    paid = t[t["kind"] == "pay"]
    assert (paid["amount"] > 0).all() and (paid["actor"] != "").all()
