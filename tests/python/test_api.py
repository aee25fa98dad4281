"""passage.run / compare / sweep / sensitivity / evaluate against the command line,
bit for bit."""

import gc
import os

import h5py
import numpy as np
import pytest

import passage
from support import (ISHIGAMI, ISHIGAMI_DESIGN, MALI, POLICIES, SMALL, VOLATILE, assert_same_file,
                      passage_cli)


def test_run_is_the_cli_run_bit_for_bit(work):
    passage_cli("run", MALI, "--set", SMALL, "-r", 6, "--seed", 7, "-j", 2, "--trace", 2, "-q",
                "-o", work / "cli.h5")
    r = passage.run(MALI, replications=6, seed=7, threads=1, trace=2,
                    set={"parameters.flows.mali_route.annual_migrants": 3000},
                    out=work / "api.h5")
    # One thread against two: results do not depend on the thread count.
    assert_same_file(work / "cli.h5", r.path, VOLATILE | {"threads_per_rank"})
    assert r.command.startswith(f"passage run {MALI} --set {SMALL} -r 6 --seed 7 -j 1")
    with h5py.File(r.path) as f:
        assert f["manifest"].attrs["command"] == r.command


def test_a_different_seed_gives_a_different_file(work):
    # The comparison above can fail: a changed seed is seen.
    a = passage.run(MALI, replications=2, seed=1, set=[SMALL], out=work / "a.h5")
    b = passage.run(MALI, replications=2, seed=2, set=[SMALL], out=work / "b.h5")
    with pytest.raises(AssertionError, match="values differ"):
        assert_same_file(a.path, b.path, VOLATILE | {"seed", "scenario_hash", "scenario"})


def test_compare_is_the_cli_compare_bit_for_bit(work):
    pols = [POLICIES / "anti_corruption.yaml", POLICIES / "peace_settlement.yaml"]
    passage_cli("compare", MALI, "--set", SMALL, "--policy", pols[0], "--policy", pols[1], "-r", 4,
                "-q", "-o", work / "cli.h5")
    r = passage.compare(MALI, policies=pols, replications=4, set=[SMALL], out=work / "api.h5")
    assert_same_file(work / "cli.h5", r.path, VOLATILE | {"threads_per_rank"})
    assert r.kind == "compare" and r.policies == ["anti_corruption", "peace_settlement"]


@pytest.mark.parametrize("method,n", [("sobol", 64), ("morris", 6)])
def test_sensitivity_is_the_cli_analysis_bit_for_bit(work, method, n):
    passage_cli("sensitivity", ISHIGAMI, "--design", ISHIGAMI_DESIGN, "--method", method, "-n", n,
                "--set", "parameters.noise_sd=0.3", "-r", 2, "-q", "-o", work / "cli.h5")
    r = passage.sensitivity(ISHIGAMI, ISHIGAMI_DESIGN, method, samples=n, replications=2,
                            set={"parameters.noise_sd": 0.3}, out=work / "api.h5")
    assert_same_file(work / "cli.h5", r.path, VOLATILE | {"threads_per_rank"})


def test_sweep_is_the_cli_sweep_bit_for_bit(work):
    passage_cli("sweep", ISHIGAMI, "--design", ISHIGAMI_DESIGN, "--method", "lhs", "-n", 20, "-q",
                "-o", work / "cli.h5")
    r = passage.sweep(ISHIGAMI, ISHIGAMI_DESIGN, "lhs", 20, out=work / "api.h5")
    assert_same_file(work / "cli.h5", r.path, VOLATILE | {"threads_per_rank"})


def test_evaluate_gives_the_sweep_s_outputs_bit_for_bit(work):
    # evaluate() at a sweep's design points runs what the sweep ran: the engine's
    # Evaluator, replication r of every point on the streams of (seed, r).
    sw = passage.sweep(ISHIGAMI, ISHIGAMI_DESIGN, "lhs", 12, replications=3,
                       set={"parameters.noise_sd": 0.5}, out=work / "sweep.h5")
    with h5py.File(sw.path) as f:
        x = f["design/inputs"][()]
        paths = [p.decode() for p in f["design/paths"][()]]
        y = f["outputs/y"][()]
    s = passage.Scenario.load(ISHIGAMI).set("parameters.noise_sd", 0.5)
    runs = passage.evaluate(s, x, ["y"], 3, parameters=paths, reduce=None)
    assert runs.shape == (12, 1, 3)
    assert runs[:, 0, :].tobytes() == y.tobytes()
    means = passage.evaluate(s, x, "y", 3, parameters=paths, threads=1)
    assert means.shape == (12,)
    assert means.tobytes() == runs[:, 0, :].mean(axis=1).tobytes()


def test_evaluate_takes_a_dataframe_and_reports_failed_points(work):
    pd = pytest.importorskip("pandas")
    # The Ishigami function at known points (a = 7, b = 0.1, no noise).
    x = pd.DataFrame({"parameters.x1": [0.0, np.pi / 2], "parameters.x2": [np.pi / 2, 0.0],
                      "parameters.x3": [1.0, 1.0]})
    y = passage.evaluate(ISHIGAMI, x, ["y"])
    np.testing.assert_allclose(y[:, 0], [7.0, 1.0 + 0.1], rtol=1e-12)
    # A value the model rejects fails its point only (NaN, with a warning).
    m = passage.Scenario.load(MALI).set("parameters.flows.mali_route.annual_migrants", 300)
    with pytest.warns(RuntimeWarning, match="1 of 2 design points failed"):
        y = passage.evaluate(m, np.array([[0.05], [-1.0]]), ["died"],
                             parameters=["parameters.entries.mauritania.share"])
    assert np.isfinite(y[0, 0]) and np.isnan(y[1, 0])
    with pytest.raises(passage.SimulationError, match="every design point failed"):
        passage.evaluate(m, np.array([[-1.0]]), ["died"], parameters=["parameters.entries.mauritania.share"])


def test_run_without_out_owns_a_temporary_file(work):
    r = passage.run(ISHIGAMI, replications=3)
    path = r.path
    assert os.path.exists(path) and r.summary is not None
    assert not os.path.exists(work / "results")  # nothing written to the default place
    kept = r.save(work / "kept.h5")
    del r
    gc.collect()
    assert not os.path.exists(path) and not os.path.exists(os.path.dirname(path))
    assert passage.read(kept).kind == "run"


def test_an_existing_out_is_refused_unless_forced(work):
    passage.run(ISHIGAMI, replications=2, out=work / "x.h5")
    with pytest.raises(passage.UsageError, match="exists"):
        passage.run(ISHIGAMI, replications=2, out=work / "x.h5")
    assert passage.run(ISHIGAMI, replications=3, out=work / "x.h5", force=True).attrs[
        "replications"] == 3


def test_readme_example_runs(work):
    # README: python3 -c "import passage; r = passage.run('configs/mali-2016.yaml',
    # replications=8, seed=1); print(r.summary)"  (here with a tenth of the flow)
    r = passage.run(MALI, replications=8, seed=1, set=[SMALL])
    s = r.summary.set_index("metric") if hasattr(r.summary, "set_index") else None
    if s is not None:
        assert s.loc["migrants", "n"] == 8
        reps = r.replications["migrants"].to_numpy()
        assert s.loc["migrants", "mean"] == pytest.approx(reps.mean(), rel=1e-12)


def test_cli_runs_any_command(capfd):
    passage.cli("validate", ISHIGAMI)
    assert "OK: scenario 'ishigami'" in capfd.readouterr().out
