"""The beliefs-vs-truth figure (passage.plot.timeseries.beliefs) on a small real run with
rumours: one panel per site and kind, the realised risk's steps and the beliefs' lines at
the means of their series; the per-series figures leave them to it; none without rumours."""

import os
import subprocess

import numpy as np
import pytest

from passage import plot
from passage.plot import timeseries

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RUMOURS = ("parameters.choice={weights: {attack: 10, interception: 5}, information: "
           "{delay_days: 14, memory_days: 60, prior_weight: 20}}")


def passage_run(path, *sets):
    binary = os.environ.get("PASSAGE_BINARY", os.path.join(ROOT, "build/app/passage"))
    if not os.path.exists(binary):
        pytest.skip("no passage binary (PASSAGE_BINARY)")
    cmd = [binary, "run", os.path.join(ROOT, "configs/mali-2016.yaml"), "-r", "2", "-q",
           "--force", "-o", str(path), "--set", "parameters.flows.mali_route.annual_migrants=3000"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True)
    return plot.open_results(str(path))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("beliefs")
    return passage_run(d / "rumours.h5", RUMOURS), passage_run(d / "plain.h5")


def test_pairs_name_each_sites_beliefs(runs):
    r, _ = runs
    pairs = timeseries.belief_pairs(r)
    kinds = {k for k, _, _, _ in pairs}
    assert kinds == {"attack", "death", "kidnapping", "interception"}
    for kind, site, risk, beliefs in pairs:
        assert risk == f"risk_{kind}_{site}"
        if kind == "interception":  # one per document class
            assert sorted(beliefs) == sorted(f"belief_interception_{site}_{c}"
                                             for c in ("none", "malian_passport",
                                                       "false_passport"))
        else:
            assert beliefs == [f"belief_{kind}_{site}"]
    assert ("attack", "anefis_kidal", "risk_attack_anefis_kidal",
            ["belief_attack_anefis_kidal"]) in pairs


def test_panels_draw_the_means(runs):
    r, _ = runs
    pairs = timeseries.belief_pairs(r, kinds=("attack", "interception"))
    fig = timeseries.beliefs(r, kinds=("attack", "interception"))
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(pairs)
    for ax, (kind, site, risk, beliefs) in zip(panels, pairs):
        assert ax.get_title(loc="left") == f"{kind}: {site}"
        steps = ax.patches[0].get_data()
        assert np.allclose(steps.values, r.series[risk]["values"].mean(axis=0), rtol=1e-12)
        assert steps.edges.tolist() == r.series_edges.tolist()
        lines = ax.get_lines()
        assert len(lines) == len(beliefs)
        for line, name in zip(lines, beliefs):
            assert np.allclose(line.get_xdata(), r.series_edges[1:])
            assert np.allclose(line.get_ydata(), r.series[name]["values"].mean(axis=0),
                               rtol=1e-12)


def test_write_all_gathers_them_in_one_figure(runs):
    r, plain = runs
    names = [n for n, _ in plot.figures(r)[0]]
    assert "beliefs" in names
    assert not any(n.startswith(("series_belief_", "series_risk_")) for n in names)
    assert "series_flow_anefis_kidal" in names
    assert "beliefs" not in [n for n, _ in plot.figures(plain)[0]]
    with pytest.raises(plot.NothingToDraw, match="rumours"):
        timeseries.beliefs(plain)
