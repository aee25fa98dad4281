"""passage.Scenario: load, set, validate, the provenance table."""

import h5py

import passage
from support import MALI, POLICIES, SMALL


def test_load_reads_the_engine_s_keys():
    s = passage.Scenario.load(MALI)
    assert (s.name, s.model, s.seed) == ("mali-2016", "mali", 20160725)
    assert s.replications == 200


def test_parameters_is_the_provenance_table_a_run_stores(work):
    s = passage.Scenario.load(MALI).set("parameters.cash.median", 250000)
    p = s.parameters
    r = passage.run(s, replications=1, set=[SMALL], out=work / "r.h5")
    with h5py.File(r.path) as f:
        stored = [v.decode() for v in f["provenance/value"][()]]
        paths = [v.decode() for v in f["provenance/path"][()]]
    run_table = dict(zip(paths, stored))
    table = dict(zip(p["path"], p["value"]))
    assert table["parameters.cash.median"] == "250000"
    # The same rows and values, but for the flow the run also changed.
    assert table.keys() == run_table.keys()
    changed = {k for k in table if table[k] != run_table[k]}
    assert changed == {"parameters.flows.mali_route.annual_migrants"}
    row = p[p.path == "parameters.cash.median"].iloc[0]
    assert row["kind"] == "assumption" and (row["range_lo"], row["range_hi"]) == (150000, 600000)


def test_set_and_policies_change_the_resolved_scenario():
    s = passage.Scenario.load(MALI).set("parameters.bandits.hazard_scale", 2.5)
    assert "hazard_scale:\n      value: 2.5" in s.yaml
    t = s.copy().with_policy(POLICIES / "peace_settlement.yaml")
    assert "peace_settlement" in t.yaml and "peace_settlement" not in s.yaml
    assert t.validate() is t
    assert "died" in set(t.metrics["metric"])


def test_a_scenario_runs_with_its_assignments(work):
    s = passage.Scenario.load(MALI).set("parameters.flows.mali_route.annual_migrants", 3000)
    a = passage.run(s, replications=2, out=work / "a.h5")
    b = passage.run(MALI, replications=2, set=[SMALL], out=work / "b.h5")
    assert a.replications["died"].tolist() == b.replications["died"].tolist()
    assert a.attrs["overrides"] == b.attrs["overrides"]
