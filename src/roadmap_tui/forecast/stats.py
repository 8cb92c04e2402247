"""Statistics of the simulated runs: percentiles, order-statistic intervals, Spearman, curves.

Runs that never complete are `inf`. They sort above every finite value, so a percentile
whose order statistic is `inf` is reported as None rather than as a number.
"""

from __future__ import annotations

import math
import sys

import numpy as np

#: The percentile levels reported besides the mean.
QUANTILES: tuple[float, ...] = (0.10, 0.50, 0.80, 0.95)


def quantile_rank(q: float, n: int) -> int:
    """0-based order statistic of the q-quantile of n runs (the inverted empirical CDF).

    The smallest sample x with at least q·n runs finished by x: P(finish <= x) >= q holds
    in the runs themselves, so a P80 date is met in at least 80 % of them.
    """
    return min(max(math.ceil(q * n - 1e-9) - 1, 0), n - 1)


def percentiles_of_rows(
    samples: np.ndarray, quantiles: tuple[float, ...] = QUANTILES, *, in_place: bool = False
) -> np.ndarray:
    """Quantiles of every row of a (items, runs) array, by partition (O(runs) per row).

    Returns float64 (items, len(quantiles)) with inf where the order statistic never
    completes. `in_place` reorders the rows of `samples` (saving a copy) when the order of
    the runs is no longer needed.
    """
    n = samples.shape[1]
    ranks = sorted({quantile_rank(q, n) for q in quantiles})
    if in_place:
        samples.partition(ranks, axis=1)
        part = samples
    else:
        part = np.partition(samples, ranks, axis=1)
    return np.stack([part[:, quantile_rank(q, n)] for q in quantiles], axis=1).astype(np.float64)


def finite_means(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean over the finite runs, count of finite runs) of every row; mean NaN if none."""
    sums = samples.sum(axis=1, dtype=np.float64)
    counts = np.full(samples.shape[0], samples.shape[1], dtype=np.int64)
    for i in np.flatnonzero(~np.isfinite(sums)):  # only rows with runs that never complete
        finite = np.isfinite(samples[i])
        counts[i] = int(finite.sum())
        sums[i] = samples[i][finite].sum(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    return means, counts


def finite_max(samples: np.ndarray) -> np.ndarray:
    """Largest finite value of every row (-inf when a row has none)."""
    top = samples.max(axis=1).astype(np.float64)
    for i in np.flatnonzero(~np.isfinite(top)):
        finite = samples[i][np.isfinite(samples[i])]
        top[i] = float(finite.max()) if finite.size else -np.inf
    return top


def sort_rows_and_summarise(
    samples: np.ndarray, quantiles: tuple[float, ...] = QUANTILES
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sort every row of a (items, runs) array in place; (quantiles, finite means, finite
    counts, finite maxima) of the rows, as `percentiles_of_rows`, `finite_means` and
    `finite_max` would give them.

    One sort costs less than a partition at four ranks plus the passes for the means, the
    maxima and the readiness curves; sorted rows give the order statistics by indexing,
    the count of finite runs by a binary search, and the curves by `sorted_curve_counts`.
    """
    rows, n = samples.shape
    samples.sort(axis=1)
    ranks = [quantile_rank(q, n) for q in quantiles]
    pcts = samples[:, ranks].astype(np.float64)
    counts = np.full(rows, n, dtype=np.int64)
    partial = np.flatnonzero(~np.isfinite(samples[:, -1]))  # rows with runs that never complete
    for i in partial:
        counts[i] = int(np.searchsorted(samples[i], np.inf))
    sums = samples.sum(axis=1, dtype=np.float64)
    for i in partial:
        sums[i] = samples[i, : counts[i]].sum(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts  # NaN where nothing completes
    top = np.full(rows, -np.inf)
    has = counts > 0
    top[has] = samples[np.flatnonzero(has), counts[has] - 1]
    return pcts, means, counts, top


def sorted_curve_counts(sorted_rows: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Per sorted row, how many runs finish by each grid offset (as `curve_counts`)."""
    out = np.empty((sorted_rows.shape[0], grid.size), dtype=np.int64)
    points = grid.astype(sorted_rows.dtype)
    for i, row in enumerate(sorted_rows):
        out[i] = np.searchsorted(row, points, side="right")
    return out


def _binom_log_pmf(k: np.ndarray, n: int, p: float) -> np.ndarray:
    lg = np.vectorize(math.lgamma, otypes=[float])
    return lg(n + 1) - lg(k + 1) - lg(n - k + 1) + k * math.log(p) + (n - k) * math.log1p(-p)


def order_statistic_interval(n: int, q: float = 0.8, confidence: float = 0.95) -> tuple[int, int]:
    """0-based ranks (l, u) with P(x_(l) <= true q-quantile <= x_(u)) >= confidence.

    The number of runs below the true quantile is Binomial(n, q); the interval is the
    narrowest symmetric-tail one from the exact binomial CDF (evaluated within +-10 sd of
    n·q, where all but a negligible mass lies). Needs no assumption about the distribution.
    """
    if n < 2:
        return 0, n - 1
    sd = math.sqrt(n * q * (1 - q))
    lo_k = max(0, math.floor(n * q - 10 * sd - 1))
    hi_k = min(n, math.ceil(n * q + 10 * sd + 1))
    k = np.arange(lo_k, hi_k + 1)
    pmf = np.exp(_binom_log_pmf(k, n, q))
    cdf = np.cumsum(pmf)  # cdf[j] = P(X <= k[j]), mass below lo_k is negligible
    alpha = (1 - confidence) / 2
    # lower rank l (1-based): largest l with P(X <= l-1) <= alpha
    below = np.flatnonzero(cdf <= alpha)
    lower1 = int(k[below[-1]]) + 1 if below.size else max(lo_k, 1)
    # upper rank u (1-based): smallest u with P(X <= u-1) >= 1 - alpha
    above = np.flatnonzero(cdf >= 1 - alpha)
    upper1 = int(k[above[0]]) + 1 if above.size else n
    lower1 = min(max(lower1, 1), n)
    upper1 = min(max(upper1, lower1), n)
    return lower1 - 1, upper1 - 1


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties sharing their average rank (inf values tie at the top)."""
    order = np.argsort(x)  # ties get their average below, so stability is not needed
    xs = x[order]
    new = np.empty(xs.size, dtype=bool)
    new[:1] = True
    np.not_equal(xs[1:], xs[:-1], out=new[1:])
    ranks = np.empty(xs.size, dtype=np.float64)
    if new.all():  # no ties (the usual case for drawn durations): ranks are the positions
        ranks[order] = np.arange(1, xs.size + 1, dtype=np.float64)
        return ranks
    dense = np.cumsum(new)
    bounds = np.flatnonzero(np.append(new, True))
    ranks[order] = 0.5 * (bounds[dense] + bounds[dense - 1] + 1)
    return ranks


def spearman_with(x: np.ndarray, centred_y_ranks: np.ndarray, y_norm: float) -> float:
    """Spearman's rho of x against y, given y's centred ranks and their norm.

    A constant x (or y) has no rank order: its correlation is 0, not NaN.
    """
    if y_norm == 0.0 or x.size < 2 or x.min() == x.max():
        return 0.0
    rx = average_ranks(x)
    rx -= rx.mean()
    denom = math.sqrt(float(rx @ rx)) * y_norm
    return float(rx @ centred_y_ranks) / denom if denom else 0.0


def spearman_rows(xs: np.ndarray, centred_y_ranks: np.ndarray, y_norm: float) -> np.ndarray:
    """Spearman's rho of every row of xs against y (as `spearman_with`, row by row).

    For float32 rows, one in-place sort of 64-bit keys (the value's bits made monotone in
    the high half, the run's index in the low half) replaces an argsort per row: a plain
    sort of integers is faster than an indirect one, and the sorted keys give both the
    order (to gather y's ranks) and the ties (equal high halves, which share their average
    rank). The rank sum is then one matrix product, corrected for the tied groups.
    """
    rows, n = xs.shape
    if xs.dtype != np.float32 or n < 2 or y_norm == 0.0:
        return np.array([spearman_with(r, centred_y_ranks, y_norm) for r in xs], dtype=np.float64)
    bits = (xs + np.float32(0.0)).view(np.uint32)  # + 0 turns -0.0 into 0.0
    if bool((xs < 0).any()):
        # IEEE floats order as integers once negatives have all their bits flipped and
        # non-negatives their sign bit set
        negative = bits >> np.uint32(31) == 1
        bits = np.where(negative, ~bits, bits | np.uint32(0x80000000))
    keys = bits.astype(np.uint64)
    keys <<= np.uint64(32)
    keys |= np.arange(n, dtype=np.uint64)
    keys.sort(axis=1)
    if sys.byteorder == "little":  # halves as views, without shifting copies
        halves = keys.view(np.uint32)
        order, values = halves[:, 0::2], halves[:, 1::2]
    else:
        order, values = keys & np.uint64(0xFFFFFFFF), keys >> np.uint64(32)
    gathered = centred_y_ranks[order]  # y's centred ranks in the order of x
    positions = np.arange(n, dtype=np.float64) - 0.5 * (n - 1)  # centred ranks without ties
    sums = gathered @ positions
    # Ties: a group of k equal values at sorted positions s..s+k-1 shares their mean rank.
    # Relative to the ranks without ties, that adds sum((mean - pos) * y) to the rank sum and
    # takes (k^3 - k)/12 off the sum of squared centred ranks. Groups are found from the
    # adjacent equal pairs, all rows at once (there are few: mostly float32 duplicates).
    squares = np.full(rows, n * (n * n - 1) / 12.0)
    pair_rows, pair_pos = np.nonzero(values[:, 1:] == values[:, :-1])
    if pair_rows.size:
        flat = pair_rows * n + pair_pos  # the first of each equal pair, rows laid end to end
        starts = np.ones(flat.size, dtype=bool)
        starts[1:] = flat[1:] != flat[:-1] + 1  # a pair that does not extend the last group
        first_pair = np.flatnonzero(starts)
        size = np.diff(np.append(first_pair, flat.size)) + 1  # k of each group
        first = flat[first_pair]
        group = np.repeat(np.arange(size.size), size)
        member = np.arange(group.size) - np.repeat(np.cumsum(size) - size, size)
        offset = member - 0.5 * (size[group] - 1)  # pos - mean within the group
        ys = gathered.ravel()[first[group] + member]
        group_rows = first // n
        sums -= np.bincount(group_rows[group], weights=offset * ys, minlength=rows)
        squares -= np.bincount(group_rows, weights=(size**3 - size) / 12.0, minlength=rows)
    norms = np.sqrt(np.maximum(squares, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):  # constant rows: set below
        rho = sums / (norms * y_norm)
    rho[values[:, 0] == values[:, -1]] = 0.0  # a constant x has no rank order
    return rho


def curve_counts(samples: np.ndarray, step: int, points: int) -> np.ndarray:
    """Per row, how many runs finish by grid offset j·step, j = 0..points-1 (cumulative)."""
    rows = samples.shape[0]
    bins = np.ceil(samples / np.float32(step))  # inf stays inf
    np.minimum(bins, points, out=bins)  # beyond the grid (or never): counted nowhere below
    np.maximum(bins, 0, out=bins)
    flat = bins.astype(np.int64) + (np.arange(rows) * (points + 1))[:, None]
    counts = np.bincount(flat.ravel(), minlength=rows * (points + 1)).reshape(rows, points + 1)
    return np.cumsum(counts[:, :points], axis=1)


def day_grid(max_finish: float, max_points: int = 400) -> tuple[int, np.ndarray]:
    """Integer working-day grid 0, s, 2s, ... covering max_finish with at most ~max_points."""
    top = max(math.ceil(max_finish), 1) if math.isfinite(max_finish) else 1
    step = max(1, math.ceil(top / (max_points - 1)))
    points = math.ceil(top / step) + 1
    return step, np.arange(points, dtype=np.float64) * step


def histogram(samples: np.ndarray, bins: int = 40) -> tuple[np.ndarray, np.ndarray, int]:
    """Whole-day-aligned histogram of the finite samples: (edges, counts, never-complete)."""
    finite = samples[np.isfinite(samples)].astype(np.float64)
    never = int(samples.size - finite.size)
    if finite.size == 0:
        return np.array([0.0, 1.0]), np.zeros(1, dtype=np.int64), never
    lo = math.floor(float(finite.min()))
    hi = math.ceil(float(finite.max()))
    width = max(1, math.ceil((hi - lo) / bins))
    # bins (e_k, e_k+1]: the first edge sits one width below the minimum when it is an integer
    start = lo - width if lo == float(finite.min()) else lo
    n_bins = max(1, math.ceil((hi - start) / width))
    edges = start + width * np.arange(n_bins + 1, dtype=np.float64)
    idx = np.ceil((finite - start) / width).astype(np.int64) - 1
    np.clip(idx, 0, n_bins - 1, out=idx)
    counts = np.bincount(idx, minlength=n_bins)
    return edges, counts, never
