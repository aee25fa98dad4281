"""Intervals from SciPy and tick labels that can be told apart."""

import math

import numpy as np
import pytest

from passage.plot._common import human, mean_ci, rows_mean_se, t_quantile, tick_labels


@pytest.mark.parametrize("df, quantile", [(1, 12.7062), (4, 2.7764), (30, 2.0423),
                                          (120, 1.9799), (10000, 1.9602)])
def test_t_quantile_matches_published_tables(df, quantile):
    # Student-t 0.975 quantiles as printed in tables (4 decimals).
    assert t_quantile(0.95, df) == pytest.approx(quantile, abs=5e-5)


def test_mean_ci_is_the_student_t_interval_of_the_finite_values():
    x = [1.0, 2.0, 4.0, np.nan, 7.0]
    m, lo, hi, n = mean_ci(x)
    assert n == 4 and m == 3.5
    half = 3.1824 * math.sqrt(np.var([1, 2, 4, 7], ddof=1) / 4)  # t(0.975, 3) = 3.1824
    assert (lo, hi) == (pytest.approx(3.5 - half, abs=1e-3), pytest.approx(3.5 + half, abs=1e-3))
    m, lo, hi, n = mean_ci([5.0])
    assert (m, n) == (5.0, 1) and math.isnan(lo) and math.isnan(hi)


def test_rows_mean_se():
    m, se = rows_mean_se([[1.0, 3.0], [2.0, np.nan], [4.0, 4.0]])
    assert m[0] == 2.0 and se[0] == pytest.approx(1.0)
    assert math.isnan(m[1]) and math.isnan(se[1])
    assert se[2] == 0.0
    m, se = rows_mean_se([[1.0], [2.0]])
    assert list(m) == [1.0, 2.0] and np.isnan(se).all()


@pytest.mark.parametrize("ticks", [[0.996, 0.998, 1.0, 1.002, 1.004],
                                   [1000.0, 1000.5, 1001.0, 1001.5, 1002.0],
                                   [0.1, 0.1001, 0.1002]])
def test_tick_labels_tell_every_tick_apart(ticks):
    # Three significant digits, as human() prints numbers, make two of these the same.
    assert len({human(v) for v in ticks}) < len(ticks)
    labels = tick_labels(ticks)
    assert len(set(labels)) == len(labels)


def test_tick_labels_keep_three_digits_where_they_suffice():
    assert tick_labels([0, 0.5, 1.0, 1.5]) == ["0", "0.5", "1", "1.5"]
    assert tick_labels([-2, 0, 2]) == ["\u22122", "0", "2"]
