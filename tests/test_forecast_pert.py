"""PERT draws by inverse transform (forecast/pert.py): the table, the draws, the pairing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from roadmap_tui.forecast import pert
from roadmap_tui.forecast.engine import _DURATION, _ITEM, _Sampler
from roadmap_tui.model.types import Estimate

SHAPES_TO_CHECK = [0.0, 0.0007, 0.1234, 1 / 3, 0.5, 0.77777, 0.9991, 1.0]


def reference_cdf(r: float, points: int = 1 << 20) -> tuple[np.ndarray, np.ndarray]:
    """The Beta(1 + 4r, 5 - 4r) CDF on a plain uniform grid of a million points: an
    integration independent of the table's cosine grid."""
    a, b = 1 + 4 * r, 5 - 4 * r
    x = np.linspace(0.0, 1.0, points + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_f = np.nan_to_num((a - 1) * np.log(x), nan=0.0) + np.nan_to_num(
            (b - 1) * np.log1p(-x), nan=0.0
        )
    f = np.exp(log_f)
    cdf = np.concatenate(([0.0], np.cumsum((f[1:] + f[:-1]) / 2)))
    return x, cdf / cdf[-1]


@pytest.mark.parametrize("r", SHAPES_TO_CHECK)
def test_the_table_is_the_beta_quantile_function_to_a_millionth_of_the_range(r: float) -> None:
    x, cdf = reference_cdf(r)
    p = np.linspace(0.0, 1.0, pert.QUANTILES + 1)
    exact = np.interp(p, cdf, x)
    table = pert.quantiles(r).astype(np.float64)
    assert table[0] == 0.0 and table[-1] == 1.0
    assert np.all(np.diff(table) >= 0)
    # 1e-5 of the range: a thousandth of a day on a 100-day estimate
    assert np.abs(table - exact).max() < 1e-5


@pytest.mark.parametrize("r", SHAPES_TO_CHECK)
def test_draws_have_the_pert_mean_and_variance_within_four_standard_errors(r: float) -> None:
    n = 400_000
    a, b = 1 + 4 * r, 5 - 4 * r
    mean, var = a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))
    table = pert.quantiles(r)
    u = np.random.default_rng(7).random(n, dtype=np.float32)
    x = pert.draw(table, np.diff(table), u).astype(np.float64)
    assert abs(x.mean() - mean) < 4 * math.sqrt(var / n)
    # the sample variance's standard error, from the fourth central moment
    m4 = float(np.mean((x - mean) ** 4))
    assert abs(x.var() - var) < 4 * math.sqrt((m4 - var**2) / n)


@pytest.mark.parametrize("r", [0.0, 0.25, 0.5, 0.9])
def test_draws_pass_a_kolmogorov_smirnov_test_against_the_exact_cdf(r: float) -> None:
    n = 100_000
    table = pert.quantiles(r)
    u = np.random.default_rng(11).random(n, dtype=np.float32)
    draws = np.sort(pert.draw(table, np.diff(table), u).astype(np.float64))
    x, cdf = reference_cdf(r)
    model = np.interp(draws, x, cdf)
    ecdf_hi = np.arange(1, n + 1) / n
    ecdf_lo = np.arange(0, n) / n
    d = max(np.max(ecdf_hi - model), np.max(model - ecdf_lo))
    assert d < 1.95 / math.sqrt(n)  # the 0.1% critical value of the KS statistic


def test_a_draw_is_a_nondecreasing_function_of_its_uniform_within_the_range() -> None:
    table = pert.quantiles(0.3)
    u = np.sort(np.random.default_rng(3).random(50_000, dtype=np.float32))
    u = np.concatenate(([0.0], u, [np.nextafter(np.float32(1), np.float32(0))])).astype(np.float32)
    x = pert.draw(table, np.diff(table), u.copy())
    assert np.all(np.diff(x) >= 0)
    assert x[0] == 0.0 and 0.999 < x[-1] <= 1.0


def test_shapes_between_grid_points_interpolate_between_their_neighbours() -> None:
    lo, hi = pert.quantiles(2 / pert.SHAPES), pert.quantiles(3 / pert.SHAPES)
    mid = pert.quantiles(2.5 / pert.SHAPES)
    assert np.allclose(mid, (lo.astype(np.float64) + hi) / 2, atol=1e-7)


def sampler_draws(estimate: Estimate, n: int = 20_000) -> np.ndarray:
    return _Sampler(estimate, 1, _ITEM, "train", _DURATION).draw(n).astype(np.float64)


def test_two_versions_of_an_estimate_rank_their_runs_alike() -> None:
    """The same stream under an edited estimate: each draw is a nondecreasing function of
    the same uniform, so the runs keep their order (comonotone), and a diff or a scenario
    measures the edit, not sampling noise."""
    base = sampler_draws(Estimate(2, 4, 8, "pert"))
    wider = sampler_draws(Estimate(2, 4, 12, "pert"))
    order = np.argsort(base, kind="stable")
    assert np.all(np.diff(wider[order]) >= -1e-5)
    assert wider.mean() > base.mean() + 0.5


def test_a_later_likely_value_draws_at_least_as_long_in_every_run() -> None:
    base = sampler_draws(Estimate(2, 4, 8, "pert"))
    later = sampler_draws(Estimate(2, 5, 8, "pert"))
    assert np.all(later >= base - 1e-5) and later.mean() > base.mean()


def test_shifting_an_estimate_shifts_every_draw_by_as_much() -> None:
    base = sampler_draws(Estimate(2, 4, 8, "pert"))
    shifted = sampler_draws(Estimate(5, 7, 11, "pert"))
    assert np.allclose(shifted - base, 3.0, atol=1e-5)
