"""PERT draws by inverse transform: one uniform per draw, looked up in a quantile table.

A PERT estimate (low, likely, high) is low + (high - low) * X with X ~ Beta(a, b),
a = 1 + 4r, b = 5 - 4r and r = (likely - low) / (high - low): a one-parameter family of
shapes, so one table serves every estimate. `quantiles(r)` is the Beta's quantile function
at QUANTILES + 1 equally spaced probabilities; a draw is the table read at a uniform u,
linearly interpolated between its two neighbouring entries.

Why not numpy's `Generator.beta` (a ratio of two gamma variates)? Three reasons:
- one float32 uniform and a lookup cost a fifth of two gamma variates, and half the streams;
- a draw is the quantile of its uniform, so an edited estimate keeps its pairing with the
  baseline run by run (the two versions rank the runs alike; a later `likely` or a shift
  gives a draw at least as long in every run): diffs and scenario shifts measure the edit,
  not rejection-sampling noise;
- it is exact to the table's resolution, which the tests bound (tests/test_forecast_pert.py).

The table at shape r is computed once per process on a grid of SHAPES + 1 values of r and
linearly interpolated between them; the CDF of each grid shape is integrated with the
trapezoid rule on TABLE_POINTS points placed by x = (1 - cos(pi t)) / 2, dense near 0 and 1
where the density x^(a-1) (1-x)^(b-1) bends most, then inverted by linear interpolation.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

#: Intervals of the quantile table in probability: 2,048 (the draw error is largest in the
#: first and last 1/2,048 of probability, where the table is linear over a power-law tail).
QUANTILES = 2048
#: Intervals of the grid of shapes r in [0, 1].
SHAPES = 256
#: Integration points of each grid shape's CDF.
TABLE_POINTS = 2048


@lru_cache(maxsize=SHAPES + 1)
def _grid_row(j: int) -> np.ndarray:
    """Quantiles of the grid shape r = j / SHAPES, float64, QUANTILES + 1 values."""
    r = j / SHAPES
    a, b = 1.0 + 4.0 * r, 5.0 - 4.0 * r
    t = np.linspace(0.0, 1.0, TABLE_POINTS + 1)
    x = 0.5 * (1.0 - np.cos(np.pi * t))
    dx = 0.5 * np.pi * np.sin(np.pi * t)  # dx/dt
    with np.errstate(divide="ignore", invalid="ignore"):
        log_density = (a - 1.0) * np.log(x) + (b - 1.0) * np.log1p(-x)
    # a = 1 or b = 1: the factor x^0 is 1 at x = 0 too (log 0 * 0 is nan)
    log_density = np.where(np.isnan(log_density), 0.0, log_density)
    integrand = np.exp(log_density) * dx
    cdf = np.concatenate(([0.0], np.cumsum((integrand[1:] + integrand[:-1]) * 0.5)))
    cdf /= cdf[-1]
    p = np.linspace(0.0, 1.0, QUANTILES + 1)
    # cdf is nondecreasing; where the density is 0 it is flat, and interp takes the first x
    row = np.interp(p, cdf, x)
    row[0], row[-1] = 0.0, 1.0
    return row


def quantiles(r: float) -> np.ndarray:
    """The standard Beta(1 + 4r, 5 - 4r) quantile table for shape r in [0, 1] (float32)."""
    r = min(max(float(r), 0.0), 1.0)
    pos = r * SHAPES
    j = min(int(pos), SHAPES - 1)
    w = pos - j
    row = _grid_row(j) if w == 0.0 else (1.0 - w) * _grid_row(j) + w * _grid_row(j + 1)
    return row.astype(np.float32)


def draw(table: np.ndarray, steps: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Standard draws for the uniforms `u` (float32 in [0, 1)), in place in `u`.

    `steps` is np.diff(table) (kept by the caller so that each draw is two lookups). u * QUANTILES
    is exact in float32 (a power of two), so the cell index is exact and the weight within the
    cell keeps 13 bits.
    """
    u *= QUANTILES
    cell = u.astype(np.intp)
    u -= cell
    u *= steps[cell]
    u += table[cell]
    return u
