"""The calibration figures on real `passage calibrate` files: each is drawn and saved,
its histograms are weighted by the posterior weights, and scripts/plot.py writes them.

The binary is $PASSAGE_BINARY (tests/cli/test_plot.sh sets it), else build/app/passage."""

import json
import os
import subprocess

import numpy as np
import pytest

import passage
from passage import plot
from passage.plot import calibration
from passage.plot.cli import main

from conftest import ROOT

BINARY = os.environ.get("PASSAGE_BINARY", os.path.join(ROOT, "build", "app", "passage"))
CONFIGS = os.path.join(ROOT, "configs")
ISHIGAMI_OBSERVATIONS = """observations:
  description: one value of the Ishigami function (a test of the calibration figures)
  targets:
    - name: y_obs
      output: y
      value: 3.0
      source: made_up
      error: {model: normal, sd: 1.0}
  sources:
    made_up: {title: "a value chosen for the test"}
"""


def _calibrate(out, config, design, observations, *extra):
    p = subprocess.run([BINARY, "calibrate", config, "--design", design, "--observations",
                        observations, "-q", "--force", "-o", str(out), *extra],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    return str(out)


@pytest.fixture(scope="module")
def cal(tmp_path_factory):
    """ABC-SMC of Ishigami's three inputs (a pairs plot), and history matching of the
    conjugate model's one."""
    d = tmp_path_factory.mktemp("calibration")
    obs = d / "ishigami_obs.yaml"
    obs.write_text(ISHIGAMI_OBSERVATIONS)
    return {
        "abc": _calibrate(d / "ishigami.h5", os.path.join(CONFIGS, "verification", "ishigami.yaml"),
                          os.path.join(CONFIGS, "sa", "ishigami.yaml"), str(obs)),
        "history": _calibrate(d / "conjugate.h5",
                              os.path.join(CONFIGS, "verification", "conjugate.yaml"),
                              os.path.join(CONFIGS, "sa", "conjugate.yaml"),
                              os.path.join(CONFIGS, "observations", "conjugate.yaml"),
                              "--method", "history", "-r", "4"),
    }


def _png(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(path) > 10_000


def test_every_figure_is_drawn_and_saved(cal, tmp_path):
    res = plot.open_results(cal["abc"])
    assert isinstance(res, plot.Calibration) and res.parameters == ["x1", "x2", "x3"]
    written, skipped = plot.write_all(res, str(tmp_path / "abc"))
    assert [os.path.basename(p) for p in written] == ["marginals.png", "pairs.png",
                                                      "predictive_y_obs.png"]
    assert skipped == [] and all(_png(p) for p in written)
    # One parameter: no pairs plot, said why; the other two are drawn.
    written, skipped = plot.write_all(plot.open_results(cal["history"]), str(tmp_path / "hm"))
    assert [os.path.basename(p) for p in written] == ["marginals.png",
                                                      "predictive_sample_mean.png"]
    assert [s[0] for s in skipped] == ["pairs"] and "two calibrated parameters" in skipped[0][1]


def _histogram(ax):
    """Left edges, heights and widths of an axes' histogram bars (its one BarContainer)."""
    from matplotlib.container import BarContainer

    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    return (np.array([b.get_x() for b in bars]), np.array([b.get_height() for b in bars]),
            np.array([b.get_width() for b in bars]))


def test_marginals_are_weighted_densities(cal):
    res = plot.open_results(cal["abc"])
    assert np.ptp(res.weights) > 0  # ABC-SMC weights differ: weighting matters
    fig = calibration.marginals(res)
    axes = [ax for ax in fig.axes if ax.containers]
    assert len(axes) == 3
    for i, ax in enumerate(axes):
        left, height, width = _histogram(ax)
        assert float(np.sum(height * width)) == pytest.approx(1.0, rel=1e-9)
        x = res.values[:, i]
        edges = np.append(left, left[-1] + width[-1])
        # The bins cover the prior's central 95% and every draw (to rounding: a bar's x
        # and width are stored as floats again).
        assert edges[0] <= res.prior_low[i] and edges[-1] >= res.prior_high[i]
        assert edges[0] == pytest.approx(min(x.min(), edges[0]), abs=1e-12)
        assert edges[-1] == pytest.approx(max(x.max(), edges[-1]), abs=1e-12)
        edges[0], edges[-1] = min(edges[0], x.min()), max(edges[-1], x.max())
        want, _ = np.histogram(x, bins=edges, weights=res.weights, density=True)
        assert height == pytest.approx(want, rel=1e-9)
        unweighted, _ = np.histogram(x, bins=edges, density=True)
        assert not np.allclose(height, unweighted)


def test_pairs_shows_the_leading_parameters(cal):
    res = plot.open_results(cal["abc"])
    fig = calibration.pairs(res)
    assert len(fig.axes) == 6  # the lower triangle of 3 x 3
    labels = {ax.get_xlabel() for ax in fig.axes} | {ax.get_ylabel() for ax in fig.axes}
    assert {"x1", "x2", "x3"} <= labels
    scatter = [ax for ax in fig.axes if ax.collections]
    assert len(scatter) == 3 and all(len(ax.collections[0].get_offsets()) == len(res.weights)
                                     for ax in scatter)
    with pytest.raises(plot.NothingToDraw):
        calibration.pairs(plot.open_results(cal["history"]))


@pytest.mark.parametrize("kind,target", [("abc", "y_obs"), ("history", "sample_mean")])
def test_predictive_marks_the_observation(cal, kind, target):
    res = plot.open_results(cal[kind])
    fig = calibration.predictive(res, target)
    ax = fig.axes[0]
    j = res.targets.index(target)
    xs = [ln.get_xdata()[0] for ln in ax.lines]
    assert res.observed[j] in xs
    m = float(np.dot(res.weights, res.outputs[:, j]) / res.weights.sum())
    assert any(x == pytest.approx(m, rel=1e-12) for x in xs)
    left, height, width = _histogram(ax)
    assert float(np.sum(height * width)) == pytest.approx(1.0, rel=1e-9)
    with pytest.raises(plot.NothingToDraw):
        calibration.predictive(res, "no_such_target")


def test_plot_script_writes_the_calibration_figures(cal, tmp_path, capsys):
    out = tmp_path / "figs"
    assert main([cal["abc"], "-o", str(out)]) == 0
    assert sorted(os.listdir(out)) == ["marginals.png", "pairs.png", "predictive_y_obs.png"]
    assert "wrote" in capsys.readouterr().out


def test_weighted_quantiles():
    # The inverse of the weighted empirical distribution: the smallest draw whose
    # cumulative weight reaches q; all weight on one draw: it.
    q = calibration.weighted_quantiles([4, 1, 3, 2], [1, 1, 1, 1], [0.125, 0.25, 0.5, 0.875])
    assert q.tolist() == [1.0, 1.0, 2.0, 4.0]
    assert calibration.weighted_quantiles([1, 2, 3], [0, 1, 0], [0.1, 0.9]).tolist() == [2, 2]
    assert calibration.weighted_quantiles([1, 2, 3], [1, 1, 2], [0.5, 0.51]).tolist() == [2, 3]


def test_figure_intervals_are_the_reports(cal):
    # The marginals' credible interval is the one `passage report` prints, to the digit.
    p = subprocess.run([BINARY, "report", cal["abc"], "--json"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    report = {q["name"]: q for q in json.loads(p.stdout)["parameters"]}
    post = passage.read(cal["abc"]).posterior
    names = [c for c in post.columns if c in report]
    assert names, post.columns
    for name in names:
        lo, hi = calibration.weighted_quantiles(post[name], post["weight"], [0.025, 0.975])
        assert lo == report[name]["low95"] and hi == report[name]["high95"], name
