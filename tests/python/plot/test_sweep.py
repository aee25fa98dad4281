"""The sweep figure: error bars, and tick labels that do not repeat."""

import numpy as np
from matplotlib.container import ErrorbarContainer

from passage import plot


def _sweep(write_sweep, reps):
    rng = np.random.default_rng(7)
    points = 60
    # A parameter on a narrow range around 1,000 and an output within 0.3% of 1: with
    # three significant digits their tick labels repeat.
    x = np.column_stack([1000.0 + 3.0 * rng.random(points), rng.random(points)])
    y = 1.0 + 0.002 * (x[:, [0]] - 1001.5) / 1.5 + 0.0005 * rng.standard_normal((points, reps))
    return plot.open_results(write_sweep(x, {"share": y}))


def test_no_axis_repeats_a_tick_label(write_sweep, tick_texts):
    fig = plot.sweep.grid(_sweep(write_sweep, 3))
    labels = tick_texts(fig)
    assert any(len(v) >= 3 for v in labels.values())
    for where, texts in labels.items():
        assert len(set(texts)) == len(texts), f"axes {where}: {texts}"


def test_points_and_binned_means_have_error_bars(write_sweep):
    fig = plot.sweep.grid(_sweep(write_sweep, 3))
    for ax in fig.axes:
        bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        # One for the points (standard error over 3 replications), one for the bins.
        assert len(bars) == 2
        segments = bars[1].lines[2][0].get_segments()
        assert len(segments) == 6  # 60 points: 6 bins of 10
        assert all(s[1][1] > s[0][1] for s in segments)


def test_one_replication_has_error_bars_on_the_bins_only(write_sweep):
    fig = plot.sweep.grid(_sweep(write_sweep, 1))
    for ax in fig.axes:
        assert len([c for c in ax.containers if isinstance(c, ErrorbarContainer)]) == 1
