"""Unit tests of the forecast statistics against direct computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from roadmap_tui.forecast import stats


def _binom_cdf(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k + 1))


@pytest.mark.parametrize("n", [20, 100, 1000])
def test_order_statistic_interval_is_the_exact_binomial_one(n: int) -> None:
    lo, hi = stats.order_statistic_interval(n, 0.8, 0.95)
    # x_(l) <= Q <= x_(u) (1-based l=lo+1, u=hi+1) has probability P(l <= X <= u-1), X~Bin(n,.8)
    coverage = _binom_cdf(hi, n, 0.8) - _binom_cdf(lo, n, 0.8)
    assert coverage >= 0.95 - 1e-9
    # and neither bound can move inwards without losing a tail below 2.5 %
    assert _binom_cdf(lo, n, 0.8) <= 0.025 + 1e-12
    assert 1 - _binom_cdf(hi, n, 0.8) <= 0.025 + 1e-12
    assert _binom_cdf(lo + 1, n, 0.8) > 0.025
    assert 1 - _binom_cdf(hi - 1, n, 0.8) > 0.025


def test_order_statistic_interval_covers_in_repeated_samples() -> None:
    rng = np.random.default_rng(0)
    n, trials = 200, 2000
    lo, hi = stats.order_statistic_interval(n, 0.8)
    x = np.sort(rng.random((trials, n)), axis=1)
    covered = np.mean((x[:, lo] <= 0.8) & (x[:, hi] >= 0.8))
    assert covered >= 0.95 - 4 * math.sqrt(0.95 * 0.05 / trials)


def test_quantile_rank_is_the_inverted_empirical_cdf() -> None:
    assert stats.quantile_rank(0.5, 10) == 4  # 5th smallest: 5 of 10 runs finished by it
    assert stats.quantile_rank(0.8, 10) == 7
    assert stats.quantile_rank(0.95, 10) == 9
    assert stats.quantile_rank(0.1, 1) == 0
    samples = np.arange(1, 11, dtype=np.float32)[None, :]
    assert stats.percentiles_of_rows(samples).tolist() == [[1.0, 5.0, 8.0, 10.0]]


def test_percentiles_among_never_completing_runs_are_inf() -> None:
    row = np.array([[1, 2, 3, 4, 5, 6, 7, 8, np.inf, np.inf]], dtype=np.float32)
    assert stats.percentiles_of_rows(row).tolist() == [[1.0, 5.0, 8.0, math.inf]]
    means, counts = stats.finite_means(row)
    assert means[0] == pytest.approx(4.5) and counts[0] == 8


def test_average_ranks_share_ties_and_put_inf_last() -> None:
    x = np.array([3.0, 1.0, 3.0, np.inf, 2.0, np.inf])
    assert stats.average_ranks(x).tolist() == [3.5, 1.0, 3.5, 5.5, 2.0, 5.5]
    assert stats.average_ranks(np.array([0.3, 0.1, 0.2], np.float32)).tolist() == [3.0, 1.0, 2.0]
    rng = np.random.default_rng(1)
    y = rng.integers(0, 20, 300).astype(float)  # many ties: against a direct definition
    direct = [(y < v).sum() + ((y == v).sum() + 1) / 2 for v in y]
    assert stats.average_ranks(y).tolist() == direct


def test_spearman_matches_pearson_of_ranks_and_is_zero_for_constants() -> None:
    rng = np.random.default_rng(3)
    x = rng.random(500)
    y = x + rng.random(500)
    y[::7] = np.inf
    ry = stats.average_ranks(y)
    ry -= ry.mean()
    norm = math.sqrt(float(ry @ ry))
    rx = stats.average_ranks(x)
    expected = float(np.corrcoef(rx, ry)[0, 1])
    assert stats.spearman_with(x, ry, norm) == pytest.approx(expected)
    assert stats.spearman_with(np.full(500, 4.0), ry, norm) == 0.0
    assert stats.spearman_with(x, np.zeros(500), 0.0) == 0.0
    # monotone transforms do not change a rank correlation
    assert stats.spearman_with(np.exp(5 * x), ry, norm) == pytest.approx(expected)


def test_spearman_rows_of_float32_match_the_row_by_row_definition() -> None:
    """The sorted-key path: ties (float32 duplicates, rounded values, -0.0 == 0.0),
    negative values and constant rows against `spearman_with` on each row."""
    rng = np.random.default_rng(4)
    n = 2000
    y = rng.random(n)
    y[::9] = np.inf
    ry = stats.average_ranks(y)
    ry -= ry.mean()
    norm = math.sqrt(float(ry @ ry))
    xs = rng.random((8, n)).astype(np.float32)
    xs[1] = 3.0  # constant
    xs[2] = np.round(xs[2] * 10)  # many ties
    xs[3] -= 0.5  # negatives and positives
    xs[4, :100], xs[4, 100:200] = -0.0, 0.0  # equal floats with different bits
    xs[5] = -np.round(xs[5] * 5)  # negative ties
    xs[6] = y.astype(np.float32) + rng.random(n).astype(np.float32)  # correlated, inf ties
    rows = stats.spearman_rows(xs, ry, norm)
    direct = [stats.spearman_with(x.astype(np.float64), ry, norm) for x in xs]
    assert rows.tolist() == pytest.approx(direct, abs=1e-12)
    assert rows[1] == 0.0 and rows[6] > 0.5
    assert abs(rows[4]) < 1  # -0.0 and 0.0 tie: 200 equal values, not two groups
    tied_zeros = xs[4].copy()
    tied_zeros[:100] = 0.0
    assert rows[4] == pytest.approx(stats.spearman_with(tied_zeros, ry, norm), abs=1e-12)


def test_curve_counts_are_cumulative_on_the_grid() -> None:
    rows = np.array([[0.0, 0.5, 1.0, 2.5, np.inf], [3.0, 3.0, 3.0, 3.0, 3.0]], dtype=np.float32)
    counts = stats.curve_counts(rows, step=1, points=5)
    assert counts.tolist() == [[1, 3, 3, 4, 4], [0, 0, 0, 5, 5]]
    counts2 = stats.curve_counts(rows, step=2, points=3)  # days 0, 2, 4
    assert counts2.tolist() == [[1, 3, 4], [0, 0, 5]]


def test_sorted_summaries_match_the_unsorted_definitions() -> None:
    """Sorting a block in place gives the same quantiles, means, counts, maxima and curve
    counts as the definitions on the unsorted rows: rows with runs that never complete,
    a row that never completes, ties and values exactly on grid points included."""
    rng = np.random.default_rng(5)
    rows = np.round(rng.gamma(3.0, 4.0, (6, 1001)), 1).astype(np.float32)
    rows[1, ::3] = np.inf
    rows[2] = np.inf
    rows[3] = 7.0
    rows[4, :500] = np.inf
    original = rows.copy()
    pcts, means, counts, top = stats.sort_rows_and_summarise(rows)
    assert np.array_equal(rows, np.sort(original, axis=1))
    assert np.array_equal(pcts, stats.percentiles_of_rows(original))
    want_means, want_counts = stats.finite_means(original)
    assert np.array_equal(counts, want_counts)
    assert np.allclose(means, want_means, rtol=1e-12, equal_nan=True)
    assert np.isnan(means[2]) and counts[2] == 0 and top[2] == -np.inf
    assert np.array_equal(top, stats.finite_max(original))
    for step in (1, 3):
        grid = np.arange(0, 60, step, dtype=np.float64)
        assert np.array_equal(
            stats.sorted_curve_counts(rows, grid),
            stats.curve_counts(original, step, grid.size),
        )


def test_day_grid_covers_the_finish_with_bounded_points() -> None:
    step, grid = stats.day_grid(37.2)
    assert step == 1 and grid[0] == 0 and grid[-1] >= 37.2
    step, grid = stats.day_grid(5000.0, max_points=400)
    assert grid.size <= 400 and grid[-1] >= 5000 and step == 13


def test_histogram_bins_every_finite_run_once() -> None:
    x = np.array([5.0, 5.5, 6.0, 9.9, 40.0, np.inf], dtype=np.float32)
    edges, counts, never = stats.histogram(x, bins=10)
    assert never == 1 and counts.sum() == 5
    manual = np.zeros_like(counts)
    for value in x[np.isfinite(x)]:
        k = np.searchsorted(edges, value, side="left") - 1  # bins are (e_k, e_k+1]
        assert edges[k] < value <= edges[k + 1]
        manual[k] += 1
    assert counts.tolist() == manual.tolist()
