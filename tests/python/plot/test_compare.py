"""The forest plot: a panel broken where one effect dwarfs the others, and every
interval printed."""

import pytest

from passage import plot
from passage.plot.compare import effect_label, outliers


def test_outliers_are_the_few_effects_far_beyond_the_others():
    import numpy as np

    d = np.array([107, -240, 15272, -15.2, 0.0])
    lo = np.array([89.6, -250, 15163, -33.5, 0.0])
    hi = np.array([124, -231, 15381, 2.96, 0.0])
    assert list(outliers(d, lo, hi)) == [False, False, True, False, False]
    # Effects of one order of magnitude: no break.
    assert not outliers(d[[0, 1, 3]], lo[[0, 1, 3]], hi[[0, 1, 3]]).any()
    # All others 0: nothing is squeezed, no break.
    assert not outliers(np.array([5.0, 0.0]), np.array([4.0, 0.0]), np.array([6.0, 0.0])).any()


def test_effect_label_prints_the_interval():
    assert effect_label(107.0, 89.6, 124.0, 1.055, 1962.0) == "+107 [+89.6, +124] (+5.5%)"


EFFECTS = {
    "small_a": {"arrived": (10.0, 5.0, 15.0), "died": (1.0, -2.0, 4.0)},
    "small_b": {"arrived": (-20.0, -30.0, -10.0), "died": (-1.5, -3.0, 0.0)},
    "huge": {"arrived": (15000.0, 14900.0, 15100.0), "died": (2.0, -1.0, 5.0)},
}


def test_a_dominant_effect_gets_its_own_scale_beyond_a_break(write_compare):
    fig = plot.compare.forest(plot.open_results(write_compare(EFFECTS)))
    # Panel 'arrived': the main part and a part beyond the break; panel 'died': one part.
    parts = [ax for ax in fig.axes if ax.get_visible()]
    assert len(parts) == 3
    main, beyond, died = parts
    lo, hi = main.get_xlim()
    assert lo <= -30.0 and 15.0 <= hi < 100.0  # the small effects fill the main part
    lo, hi = beyond.get_xlim()
    assert lo <= 14900.0 and hi >= 15100.0 and lo > 100.0
    # Every row's label gives its interval.
    labels = [t.get_text() for t in main.texts + beyond.texts]
    assert "+15,000 [+14,900, +15,100] (+750%)" in labels
    assert "+10 [+5, +15] (+0.5%)" in labels
    assert "-20 [-30, -10] (-1%)" in labels
    assert died.get_xlim()[1] < 10.0


def test_no_break_when_effects_are_alike(write_compare):
    effects = {p: {"died": v["died"]} for p, v in EFFECTS.items()}
    fig = plot.compare.forest(plot.open_results(write_compare(effects)))
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 1
    assert "A panel broken" not in "\n".join(t.get_text() for t in fig.texts)


@pytest.mark.parametrize("metric", ["arrived", "died"])
def test_variance_reduction_draws(write_compare, metric):
    fig = plot.compare.variance_reduction(plot.open_results(write_compare(EFFECTS)))
    assert metric in [t.get_text() for t in fig.axes[0].get_xticklabels()]
