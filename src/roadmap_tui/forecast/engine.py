"""The Monte Carlo engine: every item's duration drawn for a chunk of runs at once.

A run is one simulated future. Runs are vectorised: for a chunk of runs the engine makes one
pass over the items in topological order, each step a handful of numpy operations on arrays
of length `chunk`; there is no Python loop per run. Arithmetic is float32 (durations are
days rounded to 3 decimals in the result; float32 carries 7 significant digits). The
chunk's finishes are written straight into the store of every item's finish in every run,
kept for exact percentiles (4 bytes x items x runs: 400 MB for 1,000 items x 100,000
runs); the other working memory is bounded by the chunk.

Random numbers: every item and every risk has its own streams, seeded with a stable hash of
(seed, purpose, attempt, its id). So the baseline and a scenario run
with the same seed share their draws (common random numbers), editing one item does not
reshuffle any other item's draws, and since each stream is consumed run by run, the size
of the chunks does not change the result. The method is documented in docs/forecast.md.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Protocol

import numpy as np
from numpy.random.bit_generator import ISeedSequence

from roadmap_tui.forecast import capacity as cap_mod
from roadmap_tui.forecast import pert, stats
from roadmap_tui.forecast.result import (
    PERCENTILE_KEYS,
    DatePercentiles,
    ForecastResult,
    Histogram,
    ItemForecast,
    Percentiles,
    PlanForecast,
    ReadinessCurve,
)
from roadmap_tui.model.calendar import Calendar
from roadmap_tui.model.graph import format_cycle, plan_cycle, plan_order
from roadmap_tui.model.parse import MAX_DAYS
from roadmap_tui.model.types import Estimate, Item, Plan

Progress = Callable[[int, int], None]

#: Runs simulated per pass. A pass holds no (items x chunk) buffer (an item's durations live
#: only while it is placed), so a long chunk costs little memory and saves the numpy calls'
#: overhead per item and pass (about 20% of a 1,000-item forecast with teams at 4,096).
DEFAULT_CHUNK = 16384
#: Runs per pass where each pass does keep every item's finish ((items x chunk) float32):
#: `figures` (what `prioritize` ranks by), which counts per pass instead of keeping a store.
FIGURES_CHUNK = 4096
#: Sensitivity (Spearman) uses the first this many runs: a fixed memory budget, and a
#: standard error of at most about 1/sqrt(2,500) = 0.02 on each coefficient, half a
#: character of a 40-character tornado bar. Ranking means one sort of (items x runs) keys,
#: which at 5,000 runs cost a sixth of a 1,000-item forecast; its precision (0.014) no
#: tornado chart shows.
SENSITIVITY_RUNS = 2_500
#: Rows of the (items, runs) store processed at once after the simulation.
_BLOCK_ROWS = 64
#: Largest store of finishes (4 bytes x items x runs) a forecast may ask for: beyond it the
#: user gets a clear error instead of a MemoryError or a swapping machine.
MAX_STORE_BYTES = 2 * 1024**3
#: Confidence of the P80 interval.
P80_CONFIDENCE = 0.95
#: Attempts of an experiment drawn one by one; the rest of a run that fails them all is
#: drawn at once (`_Tail`), so the cost of an experiment does not grow with max_attempts.
EXACT_ATTEMPTS = 16
#: Largest single draw, in working days: caps a lognormal's unbounded right tail (100 times
#: the largest estimate, model.parse.MAX_DAYS), so no draw overflows float32 to inf, which
#: would read as "never finishes".
MAX_DRAW = 100.0 * MAX_DAYS

_Z90 = 1.2815515655446004  # 90th percentile of the standard normal
_ITEM, _RISK = 1, 2  # stream families
_DURATION, _SUCCESS = 1, 2  # item stream purposes (3 was a Beta's second gamma)
_RATIO = 4  # item stream purpose: the calibration ratio (its own, so the other draws stay)
_OCCURS, _DELAY = 1, 2  # risk stream purposes


class ForecastError(ValueError):
    """The plan cannot be simulated as asked (unknown scenario, a cycle, no runs)."""


class _Words(ISeedSequence):
    """Seed words of one stream, handed to PCG64 in place of a SeedSequence."""

    def __init__(self, words: np.ndarray) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype: type = np.uint32) -> np.ndarray:
        words = self.words.view(np.uint32) if np.dtype(dtype) == np.uint32 else self.words
        if n_words > words.size:
            raise ValueError(f"a stream has {words.size} seed words, {n_words} asked")
        return words[:n_words].copy()


def _stream(
    seed: int, family: int, ident: str, purpose: int, attempt: int = 0
) -> np.random.Generator:
    """The PCG64 stream of one purpose of one item or risk.

    Its 256-bit state and increment are the BLAKE2b-256 hash of (seed, family, purpose,
    attempt, id): the same in every process (unlike `hash()`), different for every stream,
    and a few microseconds to make where a SeedSequence takes tens (thousands of streams
    are made per forecast).
    """
    key = f"{seed}:{family}:{purpose}:{attempt}:{ident}".encode()
    digest = hashlib.blake2b(key, digest_size=32, person=b"roadmap-tui").digest()
    words = np.frombuffer(digest, dtype="<u8").astype(np.uint64)
    return np.random.Generator(np.random.PCG64(_Words(words)))


class _Sampler:
    """Draws of one estimate from its own stream, as float32 working days.

    PERT is drawn by inverse transform (forecast/pert.py): one float32 uniform per draw,
    looked up in the quantile table of the estimate's shape, so a draw is a monotone
    function of its uniform. One stream per sampler, consumed run after run, so the chunk
    size cannot change the draws.
    """

    def __init__(
        self,
        estimate: Estimate,
        seed: int,
        family: int,
        ident: str,
        purpose: int,
        attempt: int = 0,
    ) -> None:
        lo, ml, hi = float(estimate.low), float(estimate.likely), float(estimate.high)
        self.lo, self.likely, self.hi = lo, ml, hi
        self.kind = "fixed" if estimate.is_fixed else estimate.distribution
        self.rng: np.random.Generator | None = None
        if self.kind != "fixed":
            self.rng = _stream(seed, family, ident, purpose, attempt)
        if self.kind == "pert":
            span = hi - lo
            self.a, self.b = 1 + 4 * (ml - lo) / span, 1 + 4 * (hi - ml) / span
            self.table, self.steps = _pert_table((ml - lo) / span)
        # the smallest value a draw can take (lognormal > 0; its normal stand-in is cut at 0)
        self.minimum = ml if self.kind == "fixed" else 0.0 if self.kind == "lognormal" else lo

    def moments(self) -> tuple[float, float, float, float]:
        """(mean, standard deviation, least, greatest) of one draw: what `_Tail` sums."""
        lo, ml, hi, kind = self.lo, self.likely, self.hi, self.kind
        if kind == "fixed":
            return ml, 0.0, ml, ml
        if kind == "pert":
            a, b, span = self.a, self.b, hi - lo
            var = span * span * a * b / ((a + b) ** 2 * (a + b + 1))
            return lo + span * a / (a + b), math.sqrt(var), lo, hi
        if kind == "triangular":
            var = (lo * lo + ml * ml + hi * hi - lo * ml - lo * hi - ml * hi) / 18
            return (lo + ml + hi) / 3, math.sqrt(max(var, 0.0)), lo, hi
        if kind == "uniform":
            return (lo + hi) / 2, (hi - lo) / math.sqrt(12), lo, hi
        if lo > 0:  # lognormal, capped at MAX_DRAW (the moments of the uncapped one, capped)
            mu = (math.log(lo) + math.log(hi)) / 2
            s2 = ((math.log(hi) - math.log(lo)) / (2 * _Z90)) ** 2
            mean = math.exp(min(mu + s2 / 2, math.log(MAX_DRAW)))
            log_var = math.log(math.expm1(min(s2, 700.0))) + 2 * mu + s2 if s2 > 0 else -math.inf
            sd = math.exp(min(log_var / 2, math.log(MAX_DRAW)))
            return mean, sd, 0.0, MAX_DRAW
        # the normal stand-in cut at 0: moments of a rectified normal
        m, s = (lo + hi) / 2, (hi - lo) / (2 * _Z90)
        if s == 0:
            return max(m, 0.0), 0.0, 0.0, max(m, 0.0)
        z = m / s
        cdf = 0.5 * (1 + math.erf(z / math.sqrt(2)))
        pdf = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        mean = m * cdf + s * pdf
        second = (m * m + s * s) * cdf + m * s * pdf
        return mean, math.sqrt(max(second - mean * mean, 0.0)), 0.0, math.inf

    def draw(self, n: int, out: np.ndarray | None = None) -> np.ndarray:
        """n durations into `out` (float32, length n), or into a new array."""
        if out is None:
            out = np.empty(n, dtype=np.float32)
        lo, ml, hi = self.lo, self.likely, self.hi
        kind, rng = self.kind, self.rng
        if rng is None:
            out.fill(ml)
        elif kind == "pert":
            rng.random(out=out, dtype=np.float32)
            pert.draw(self.table, self.steps, out)
            out *= hi - lo
            out += lo
        elif kind == "triangular":
            out[:] = rng.triangular(lo, ml, hi, n)
        elif kind == "uniform":
            out[:] = rng.uniform(lo, hi, n)
        elif lo > 0:  # lognormal with P10 = low and P90 = high
            mu = (math.log(lo) + math.log(hi)) / 2
            sigma = (math.log(hi) - math.log(lo)) / (2 * _Z90)
            with np.errstate(over="ignore"):
                draws = rng.lognormal(mu, sigma, n)
            np.minimum(draws, MAX_DRAW, out=draws)
            out[:] = draws
        else:
            # without a positive low no lognormal fits: a normal with the same P10/P90, cut at
            # 0, stands in (docs/forecast.md)
            normal = rng.normal((lo + hi) / 2, (hi - lo) / (2 * _Z90), n)
            np.maximum(normal, 0.0, out=normal)
            out[:] = normal
        return out


@lru_cache(maxsize=4096)
def _pert_table(r: float) -> tuple[np.ndarray, np.ndarray]:
    """(quantile table, its steps) of PERT shape r: shared by every estimate of that shape."""
    table = pert.quantiles(r)
    table.setflags(write=False)
    steps = np.diff(table)
    steps.setflags(write=False)
    return table, steps


class _Tail:
    """The attempts of an experiment after the first EXACT_ATTEMPTS, drawn at once.

    For each run that failed every exact attempt: how many more attempts it makes (geometric
    with p_success: up to and including the first success, truncated at the attempts left,
    in which case it never completes), and their total duration, drawn as a normal with the
    mean and variance of that many independent draws (the central limit theorem: the tail is
    reached only when p_success is small, so it holds many attempts), kept within what that
    many draws can add up to. Two streams of its own, consumed run after run.
    """

    def __init__(
        self, sampler: _Sampler, p: float, left: int, seed: int, ident: str, attempt: int
    ) -> None:
        self.p, self.left = p, left
        self.mean, self.sd, self.least, self.most = sampler.moments()
        self.count_rng = _stream(seed, _ITEM, ident, _SUCCESS, attempt)
        self.sum_rng = _stream(seed, _ITEM, ident, _DURATION, attempt)

    def draw(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(total duration of the further attempts, whether one succeeded) for k runs."""
        if self.p > 0:
            count = self.count_rng.geometric(self.p, k).astype(np.float64)
        else:
            count = np.full(k, math.inf)
        success = count <= self.left
        np.minimum(count, self.left, out=count)
        noise = self.sum_rng.standard_normal(k)
        total = count * self.mean + np.sqrt(count) * self.sd * noise
        np.clip(total, count * self.least, count * self.most, out=total)
        return total.astype(np.float32), success


@dataclass
class _Node:
    """An item compiled for the engine: where it starts, what it draws, which risks hit it."""

    index: int
    item: Item
    preds: tuple[int, ...]
    done: bool
    start_at: float | None  # a fixed start (work in progress), else after preds and as_of
    floor: float | None  # finishes no earlier than this (work in progress past its estimate)
    done_finish: float
    done_duration: float
    duration: Estimate
    attempts: int
    p: float
    risks: tuple[int, ...]
    samplers: list[_Sampler] = field(default_factory=list)  # one per exact attempt
    success_rngs: list[np.random.Generator] = field(default_factory=list)  # one per exact attempt
    tail: _Tail | None = None  # the attempts after EXACT_ATTEMPTS
    ratios: np.ndarray | None = None  # calibration: drawn durations times one of these
    ratio_rng: np.random.Generator | None = None

    @property
    def waits(self) -> bool:
        """Whether its start is set by its predecessors (and as_of)."""
        return bool(self.preds) and not self.done and self.start_at is None


@dataclass
class _RiskNode:
    id: str
    probability: float
    delay: _Sampler
    occurs_rng: np.random.Generator


class _Model:
    """A plan compiled into arrays and streams; `chunk` simulates the next runs."""

    def __init__(
        self,
        plan: Plan,
        calendar: Calendar,
        as_of: date | None,
        seed: int,
        calibration: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        ordered = plan_order(plan)  # networkx only to name a cycle
        if ordered is None:
            raise ForecastError(f"dependency cycle: {format_cycle(plan_cycle(plan) or [])}")
        order = [i for i in ordered if plan.item(i).status != "dropped"]
        _check_durations(plan, order)
        index = {item_id: k for k, item_id in enumerate(order)}
        self.calendar = calendar
        self.as_of_offset = float(max(calendar.start_offset(as_of), 0)) if as_of else 0.0
        a = self.as_of_offset

        risk_targets: dict[str, list[int]] = {}
        self.risks: list[_RiskNode] = []
        for risk in plan.risks:
            targets = [
                t
                for t in dict.fromkeys(risk.affects)
                if t in index and plan.item(t).status in ("todo", "doing")
            ]
            if not targets or risk.probability <= 0:
                continue
            for t in targets:
                risk_targets.setdefault(t, []).append(len(self.risks))
            self.risks.append(
                _RiskNode(
                    risk.id,
                    float(risk.probability),
                    _Sampler(risk.delay, seed, _RISK, risk.id, _DELAY),
                    _stream(seed, _RISK, risk.id, _OCCURS),
                )
            )

        self.nodes: list[_Node] = []
        for item_id in order:
            item = plan.item(item_id)
            preds = tuple(index[d] for d in dict.fromkeys(item.depends_on) if d in index)
            start_at: float | None = None
            floor: float | None = None
            done_finish = done_duration = 0.0
            if item.status == "done":
                done_finish = float(calendar.end_offset(item.finished)) if item.finished else a
                if item.started is not None:
                    done_duration = max(done_finish - calendar.start_offset(item.started), 0.0)
            elif item.status == "doing":
                started = float(calendar.start_offset(item.started)) if item.started else None
                if item.remaining is not None:
                    # what is left, counted from as_of (or from the start when no as_of)
                    start_at = a if as_of is not None else started
                else:
                    # the whole estimate from its start, but not finished before as_of
                    start_at = started if started is not None else (a if as_of else None)
                    floor = a if as_of is not None else None
            p = float(item.p_success)
            attempts = max(int(item.max_attempts), 1) if p < 1 else 1
            node = _Node(
                index=len(self.nodes),
                item=item,
                preds=preds,
                done=item.status == "done",
                start_at=start_at,
                floor=floor,
                done_finish=done_finish,
                done_duration=done_duration,
                duration=item.duration,
                attempts=attempts,
                p=p,
                risks=tuple(risk_targets.get(item_id, ())),
            )
            if not node.done:
                # attempt j >= 1 has streams of its own, consumed only by the runs that make
                # it: no draws for attempts never made, and still run after run
                for j in range(min(attempts, EXACT_ATTEMPTS)):
                    node.samplers.append(
                        _Sampler(node.duration, seed, _ITEM, item_id, _DURATION, j)
                    )
                    if p < 1:
                        node.success_rngs.append(_stream(seed, _ITEM, item_id, _SUCCESS, j))
                if attempts > EXACT_ATTEMPTS:
                    left = attempts - EXACT_ATTEMPTS
                    node.tail = _Tail(node.samplers[0], p, left, seed, item_id, EXACT_ATTEMPTS)
                ratios = None if calibration is None else calibration.get(item_id)
                if ratios is not None and len(ratios):
                    node.ratios = np.asarray(ratios, dtype=np.float32)
                    node.ratio_rng = _stream(seed, _ITEM, item_id, _RATIO)
            self.nodes.append(node)
        m = len(self.nodes)
        self._done_rows = np.array([n.index for n in self.nodes if n.done], dtype=np.intp)

        # For the critical path: an item that a waiting successor with a duration >= 0
        # follows can never finish after it, so the plan's finish (and the item that ends
        # the critical path: the latest in topological order among those finishing last)
        # is found among the other items, the `ends`.
        followed = np.zeros(m, dtype=bool)
        for node in self.nodes:
            if not node.waits:
                continue
            least = node.samplers[0].minimum + sum(
                min(self.risks[r].delay.minimum, 0.0) for r in node.risks
            )
            if least >= 0:
                followed[list(node.preds)] = True
        self._ends = np.flatnonzero(~followed)
        # predecessors of every waiting item, padded with its first one (a repeat changes
        # neither the latest finish nor which predecessor is the first to reach it)
        width = max((len(n.preds) for n in self.nodes if n.waits), default=1)
        self._waits = np.array([n.waits for n in self.nodes], dtype=bool)
        self._pred_matrix = np.zeros((m, width), dtype=np.intp)
        for node in self.nodes:
            if node.waits:
                row = list(node.preds)
                self._pred_matrix[node.index] = row + row[:1] * (width - len(row))
        self.capacity: cap_mod.Capacity | None = None
        self._order = self.nodes
        #: runs the capacity queue is ranked from, 0 once it is (`wait_for_queue`)
        self.queue_runs = 0
        self._queue_plan = plan
        self._as_of_rows: dict[tuple[int, np.dtype], np.ndarray] = {}

    def use_capacity(self, plan: Plan, calendar: Calendar) -> None:
        """From now on place items on their team's lanes (capacity.py), in the order of
        `use_queue`, or of the queue `wait_for_queue` ranks."""
        self.capacity = cap_mod.Capacity(plan, calendar, self.nodes)

    def use_queue(self, queue: Sequence[str]) -> None:
        """Place items in `queue` order (as far as dependencies allow)."""
        assert self.capacity is not None
        self.capacity.set_queue(self.nodes, queue)
        self._order = [self.nodes[i] for i in self.capacity.order]

    def wait_for_queue(self, runs: int) -> None:
        """Rank the queue (`queue = "priority"`) from the first `runs` runs without capacity,
        before the first chunk places anything: from that chunk's own draws when it has as
        many runs (`_draw_with_pilot`), else from draws of their own, then rewound
        (`_rank_queue_apart`)."""
        self.queue_runs = runs

    def chunk(
        self,
        finish: np.ndarray,
        *,
        deterministic: bool = False,
        sums: np.ndarray | None = None,
        first: np.ndarray | None = None,
        keep: tuple[np.ndarray, np.ndarray] | None = None,
        tick: Callable[[float], None] | None = None,
    ) -> list[np.ndarray]:
        """Simulate the next runs into `finish` (items, n); returns the risks' delays.

        Finishes are float32 (`inf`: never completes). An item's durations live only while
        it is placed (one row reused for every item: no (items x runs) buffer to fill), so
        what a caller needs of them it asks for: `sums` (float64, items) gets each item's
        durations summed, `first` (items, k <= n) the durations of the first k runs, and
        `keep` = (durations, completes), both (items, k <= n), the durations before risks
        and whether each run's attempts succeeded in the first k runs, for `again`.
        `tick(share)` is called after about every eighth of the items with the share placed
        (a long pass still reports progress, and can be cancelled by raising in it).
        Deterministic: one run at the likely values, in float64.
        """
        n = finish.shape[1]
        if self.queue_runs and (deterministic or n < self.queue_runs):
            self._rank_queue_apart()
        scratch = np.empty(n, dtype=np.float64 if deterministic else np.float32)
        risk_delay = [] if deterministic else self._risk_delays(n)
        if self.capacity is not None:
            self.capacity.begin(n, scratch.dtype)
        if self.queue_runs:
            self._chunk_ranking_queue(finish, risk_delay, scratch, sums, first, keep, tick)
            return risk_delay
        every = max(len(self._order) // 8, 1)
        for placed, node in enumerate(self._order, 1):
            if tick is not None and placed % every == 0:
                tick(placed / len(self._order))
            completes = self._durations(node, scratch, risk_delay, deterministic, sums, first, keep)
            if node.done:
                finish[node.index].fill(node.done_finish)
            else:
                self._settle(node, finish, scratch, completes, self.capacity)
        return risk_delay

    def _risk_delays(self, n: int) -> list[np.ndarray]:
        """Each risk's delay in each of the next n runs (0 where it does not strike)."""
        out = []
        for risk in self.risks:
            delay = risk.delay.draw(n)
            delay *= risk.occurs_rng.random(n, dtype=np.float32) < risk.probability
            out.append(delay)
        return out

    def _durations(
        self,
        node: _Node,
        d: np.ndarray,
        risk_delay: list[np.ndarray],
        deterministic: bool,
        sums: np.ndarray | None,
        first: np.ndarray | None,
        keep: tuple[np.ndarray, np.ndarray] | None,
    ) -> np.ndarray | None:
        """An item's durations in this chunk's runs into `d`, with its risks' delays, handed
        to `sums`, `first` and `keep` (see `chunk`); which runs succeed (None: all)."""
        i = node.index
        completes = None
        if node.done:
            d.fill(node.done_duration)
        elif deterministic:
            d.fill(node.samplers[0].likely)
        else:
            completes = self._draw(node, d)
            if keep is not None:
                w = keep[0].shape[1]
                keep[0][i] = d[:w]
                keep[1][i] = True if completes is None else completes[:w]
            for r in node.risks:
                d += risk_delay[r]
        if sums is not None:
            sums[i] += d.sum(dtype=np.float64)
        if first is not None:
            first[i] = d[: first.shape[1]]
        return completes

    def _chunk_ranking_queue(
        self,
        finish: np.ndarray,
        risk_delay: list[np.ndarray],
        scratch: np.ndarray,
        sums: np.ndarray | None,
        first: np.ndarray | None,
        keep: tuple[np.ndarray, np.ndarray] | None,
        tick: Callable[[float], None] | None,
    ) -> None:
        """`chunk` while the queue waits to be ranked: every item's durations first, each
        into its own row of `finish` (draws do not depend on the queue), the queue ranked
        from the first runs of those same draws, then every item placed in queue order. The
        pilot draws nothing of its own and is scheduled in the drawing pass; the result is
        that of a pilot drawn apart and rewound (`_rank_queue_apart`)."""
        completes = self._draw_with_pilot(finish, risk_delay, sums, first, keep, tick)
        every = max(len(self._order) // 4, 1)
        for placed, node in enumerate(self._order, 1):
            if tick is not None and placed % every == 0:
                tick(0.5 + placed / len(self._order) / 2)
            row = finish[node.index]  # its durations, until it is placed
            if node.done:
                row.fill(node.done_finish)
            else:
                c = completes.get(node.index)
                self._settle(node, finish, row, c, self.capacity, start=scratch)

    def _draw_with_pilot(
        self,
        finish: np.ndarray,
        risk_delay: list[np.ndarray],
        sums: np.ndarray | None = None,
        first: np.ndarray | None = None,
        keep: tuple[np.ndarray, np.ndarray] | None = None,
        tick: Callable[[float], None] | None = None,
    ) -> dict[int, np.ndarray]:
        """Every item's durations into its own row of `finish` (see `chunk` for `sums`,
        `first`, `keep` and `tick`, here up to a share of 0.5), and, in the same pass, its
        first `queue_runs` runs scheduled without capacity: the pilot the queue is ranked
        from, which is then used. Returns which runs of each experiment succeed."""
        k = self.queue_runs
        pilot = np.empty((len(self.nodes), k), dtype=np.float32)
        completes: dict[int, np.ndarray] = {}
        every = max(len(self.nodes) // 4, 1)
        for drawn, node in enumerate(self.nodes, 1):  # topological: a pilot row's preds are settled
            if tick is not None and drawn % every == 0:
                tick(drawn / len(self.nodes) / 2)
            i = node.index
            c = self._durations(node, finish[i], risk_delay, False, sums, first, keep)
            if node.done:
                pilot[i].fill(node.done_finish)
                continue
            if c is not None:
                completes[i] = c
            self._settle(node, pilot, finish[i, :k], None if c is None else c[:k], None)
        counts = cap_mod.FigureCounts(self.nodes, self.calendar)
        np.add.reduce(finish[:, :k], axis=1, dtype=np.float64, out=counts.duration_sum)
        counts.add(pilot, self.critical(pilot)[1])
        self.queue_runs = 0
        self.use_queue(cap_mod.queue_order(self._queue_plan, counts.figures(self.nodes, k)))
        return completes

    def _rank_queue_apart(self) -> None:
        """The queue ranked from its first runs drawn alone, when the first chunk is too
        short (or deterministic). Every stream is rewound afterwards, so the forecast draws
        from the first run on, as it would without this pilot."""
        streams = self._streams()
        saved = [g.bit_generator.state for g in streams]
        durations = np.empty((len(self.nodes), self.queue_runs), dtype=np.float32)
        self._draw_with_pilot(durations, self._risk_delays(self.queue_runs))
        for g, state in zip(streams, saved, strict=True):
            g.bit_generator.state = state

    def _streams(self) -> list[np.random.Generator]:
        """Every random stream of the compiled plan."""
        out: list[np.random.Generator] = []
        samplers = [s for node in self.nodes for s in node.samplers]
        samplers += [risk.delay for risk in self.risks]
        for sampler in samplers:
            out += [sampler.rng] if sampler.rng is not None else []
        out += [g for node in self.nodes for g in node.success_rngs]
        out += [
            g for node in self.nodes if node.tail for g in (node.tail.count_rng, node.tail.sum_rng)
        ]
        out += [node.ratio_rng for node in self.nodes if node.ratio_rng is not None]
        out += [risk.occurs_rng for risk in self.risks]
        return out

    def _draw(self, node: _Node, d: np.ndarray) -> np.ndarray | None:
        """An open item's durations (every attempt, no risk) into `d`; which runs succeed
        (None: every run, the item is not an experiment)."""
        n = d.size
        node.samplers[0].draw(n, d)
        completes = None
        if node.p < 1:
            completes = node.success_rngs[0].random(n, dtype=np.float32) < node.p
            for sampler, success in zip(node.samplers[1:], node.success_rngs[1:], strict=True):
                again = np.flatnonzero(~completes)  # runs whose attempts all failed
                if again.size == 0:
                    break
                d[again] += sampler.draw(again.size)
                completes[again] = success.random(again.size, dtype=np.float32) < node.p
            again = np.flatnonzero(~completes)
            if node.tail is not None and again.size:
                extra, completes[again] = node.tail.draw(again.size)
                d[again] += extra
        if node.ratio_rng is not None:
            assert node.ratios is not None
            d *= node.ratios[node.ratio_rng.integers(0, node.ratios.size, n)]
        return completes

    def _settle(
        self,
        node: _Node,
        finish: np.ndarray,
        d: np.ndarray,
        completes: np.ndarray | None,
        capacity: cap_mod.Capacity | None,
        start: np.ndarray | None = None,
    ) -> None:
        """Write an open item's finish: after its predecessors and as_of (or its fixed
        start), on a lane of its team when teams bind, plus its duration `d`. The start is
        worked out in the item's row of `finish`, or in `start` when given (then `d` may be
        that row)."""
        row = finish[node.index]
        at = row if start is None else start
        if node.start_at is not None:
            at.fill(node.start_at)
        elif node.preds:  # after every predecessor and as_of; who it waited for: critical()
            preds = node.preds
            np.maximum(finish[preds[0]], self._as_of_row(at), out=at)
            for p in preds[1:]:
                np.maximum(at, finish[p], out=at)
        else:
            at.fill(self.as_of_offset)
        if capacity is not None:
            capacity.place(node, at, d)  # waits for a lane of its team: `at` becomes start
        np.add(at, d, out=row)
        if node.floor is not None:
            np.maximum(row, node.floor, out=row)
        if completes is not None:
            row[~completes] = np.inf

    def _as_of_row(self, like: np.ndarray) -> np.ndarray:
        """as_of in every run, as an array like `like`: numpy's maximum against a scalar
        takes about three times as long as against an array (no vector loop for it)."""
        key = (like.size, like.dtype)
        row = self._as_of_rows.get(key)
        if row is None:
            row = self._as_of_rows[key] = np.full(like.size, self.as_of_offset, like.dtype)
        return row

    def again(
        self,
        finish: np.ndarray,
        keep: tuple[np.ndarray, np.ndarray],
        risk_delay: list[np.ndarray],
        without: int,
    ) -> list[int]:
        """Re-place the first k runs of a `chunk(..., keep=keep)` as if risk `without` (an
        index into `self.risks`) never struck: the same draws, so the difference is that
        risk's alone (risk_effects). `finish` (items, k) holds those runs' finishes and
        `risk_delay` their delays. Only the items the risk reaches are recomputed; with
        teams, every item is, in the same queue order (a risk can free a lane for anyone).
        Returns the rows it rewrote."""
        durations, completes = keep
        if self.capacity is not None:
            self.capacity.begin(finish.shape[1], np.float32, record=False)
            rows = self._order
        else:
            rows = [self.nodes[i] for i in self.reach(without)]
        d = np.empty(finish.shape[1], dtype=np.float32)
        for node in rows:
            if node.done:
                continue
            d[:] = durations[node.index]
            for r in node.risks:
                if r != without:
                    d += risk_delay[r]
            p = node.p < 1
            self._settle(node, finish, d, completes[node.index] if p else None, self.capacity)
        return [node.index for node in rows if not node.done]

    def reach(self, risk: int) -> list[int]:
        """Indices, in topological order, of the items risk `risk` strikes and all after them."""
        hit = {node.index for node in self.nodes if risk in node.risks}
        if not hit:
            return []
        reached = np.zeros(len(self.nodes), dtype=bool)
        reached[list(hit)] = True
        for node in self.nodes[min(hit) :]:
            if not reached[node.index] and any(reached[p] for p in node.preds):
                reached[node.index] = True
        return [int(i) for i in np.flatnonzero(reached)]

    def critical(self, finish: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(plan finish per run, how many runs of the chunk each item was critical in).

        The critical path ends at the item that finishes last (the latest in topological
        order on a tie, so a milestone and the work it waits for are both on it) and is
        traced back through the predecessor each item waited for: the first whose finish
        equals the item's start, unless as_of alone set the start (every predecessor finished
        before it); max is exact, so the equality is too. All runs are traced at once, one
        step along their paths at a time.
        """
        m, n = finish.shape
        if m == 0:
            return np.full(n, self.as_of_offset, dtype=np.float32), np.zeros(0, dtype=np.int64)
        ends = self._ends
        plan_finish = finish[ends[0]].copy()
        for e in ends[1:]:
            np.maximum(plan_finish, finish[e], out=plan_finish)
        cur = np.empty(n, dtype=np.intp)
        for e in ends:  # the latest end reaching the plan finish wins
            np.copyto(cur, e, where=finish[e] == plan_finish)
        counts = np.bincount(cur, minlength=m)
        runs = np.arange(n)
        a = self.as_of_offset
        while True:
            keep = self._waits[cur]
            cur, runs = cur[keep], runs[keep]
            if cur.size == 0:
                break
            preds = self._pred_matrix[cur]
            # (predecessors x runs): reductions run along the runs, not along a few columns
            waited = finish[preds.T, runs]
            start = waited.max(axis=0)
            # a predecessor finishing exactly at as_of (a zero-day kickoff at the start) is
            # still waited for; only one finishing before as_of is not (docs/forecast.md)
            looking = start >= a
            np.maximum(start, a, out=start)
            first = (waited == start).argmax(axis=0)
            cur = preds[np.arange(cur.size), first][looking]
            runs = runs[looking]
            counts += np.bincount(cur, minlength=m)
        counts[self._done_rows] = 0  # finished work is not what the plan waits for
        return plan_finish, counts


def _check_durations(plan: Plan, order: list[str]) -> None:
    """Refuse what a plan file cannot hold (model.parse bounds durations), e.g. a Plan built
    in code with an estimate of 1e300: its float32 sums would overflow to inf, and inf reads
    as "never finishes", a silently wrong forecast."""

    def bad(est: Estimate) -> bool:
        values = (est.low, est.likely, est.high)
        return not all(math.isfinite(v) and abs(v) <= MAX_DAYS for v in values)

    for item_id in order:
        item = plan.item(item_id)
        if item.status in ("todo", "doing") and bad(item.duration):
            raise ForecastError(
                f"item '{item_id}': a duration must be finite, at most {MAX_DAYS:,} working days"
            )
    for risk in plan.risks:
        if bad(risk.delay):
            raise ForecastError(
                f"risk '{risk.id}': a delay must be finite, at most {MAX_DAYS:,} working days"
            )


#: Store rows from which the sort of the store runs on several threads (numpy sorts without
#: the GIL; below this the threads cost more than they save).
_THREADED_ROWS = 512


def _each_block(work: Callable[[int], None], m: int) -> None:
    """`work(b)` for every block of _BLOCK_ROWS rows from row b, on up to 4 threads when
    the store is large: the blocks are disjoint, so the result does not depend on it."""
    starts = range(0, m, _BLOCK_ROWS)
    workers = min(os.cpu_count() or 1, 4)
    if m < _THREADED_ROWS or workers < 2:
        for b in starts:
            work(b)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(work, b) for b in starts]:
            done.result()  # re-raises a worker's exception here


def _days(x: float) -> float | None:
    return round(float(x), 3) if math.isfinite(x) else None


def _percentiles(mean: float, qs: np.ndarray) -> Percentiles:
    vals = [_days(mean) if not math.isnan(mean) else None, *(_days(q) for q in qs)]
    return Percentiles(*vals)


def _to_dates(calendar: Calendar, values: list[float | None]) -> list[date | None]:
    """Finish dates of many offsets in one vectorised call (one call per value is slow)."""
    finite = np.array([v for v in values if v is not None], dtype=np.float64)
    converted = iter(calendar.finish_dates(finite).tolist() if finite.size else [])
    return [None if v is None else next(converted) for v in values]


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class ChunkObserver(Protocol):
    """Something measured on the first `runs` runs of a forecast, as they are simulated
    (forecast/effects.py: each risk's effect, without drawing the plan a second time)."""

    runs: int

    def __call__(
        self,
        model: _Model,
        done: int,
        finish: np.ndarray,
        keep: tuple[np.ndarray, np.ndarray],
        risk_delay: list[np.ndarray],
    ) -> None: ...


def prepare(
    plan: Plan, runs: int | None, seed: int | None, scenario: str | None, as_of: date | None
) -> tuple[Plan, int, int, date | None, Calendar]:
    """(the plan as `scenario` sees it, runs, seed, as_of, its calendar): the arguments every
    forecast of a plan takes, with the plan's defaults, checked the same way everywhere."""
    runs = plan.runs if runs is None else int(runs)
    seed = plan.seed if seed is None else int(seed)
    if runs < 1:
        raise ForecastError(f"runs must be at least 1, got {runs}")
    if scenario is not None:
        if scenario not in plan.scenario_by_id:
            known = ", ".join(plan.scenario_by_id) or "none"
            raise ForecastError(f"unknown scenario '{scenario}' (known: {known})")
        plan = plan.apply_scenario(scenario)
    as_of = plan.as_of if as_of is None else as_of
    return plan, runs, seed, as_of, Calendar.of(plan)


def build_model(
    plan: Plan,
    calendar: Calendar,
    as_of: date | None,
    seed: int,
    runs: int,
    calibration: Mapping[str, np.ndarray] | None = None,
) -> _Model:
    """The compiled plan every forecast of it draws from: with its calibration ratios, and,
    when teams bind, how the capacity schedule's queue is set (file order now, or ranked
    from the first chunk's runs without capacity). Everything that simulates a plan builds it
    here, so all agree run for run."""
    model = _Model(plan, calendar, as_of, seed, calibration)
    if cap_mod.uses_capacity(plan):
        model.use_capacity(plan, calendar)
        if plan.queue == "priority":
            model.wait_for_queue(min(runs, cap_mod.QUEUE_RUNS))
        else:
            model.use_queue([item.id for item in plan.items])
    return model


def simulate(
    plan: Plan,
    *,
    runs: int | None = None,
    seed: int | None = None,
    scenario: str | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    calibration: Mapping[str, np.ndarray] | None = None,
    observer: ChunkObserver | None = None,
) -> ForecastResult:
    """Simulate the plan `runs` times; `runs`, `seed` and `as_of` default to the plan's.

    `calibration` maps an open item's id to ratios (actual / estimate, forecast/calibration.py):
    in every run its drawn duration is multiplied by one of them, drawn from a stream of its
    own, so every other draw is the same as without calibration (common random numbers).

    `progress(done_runs, total_runs)` is called after each chunk; an exception raised in it
    stops the simulation and propagates (how a caller cancels a stale forecast).
    `chunk_size` only trades memory for speed: the result is the same for any value.
    `observer` is shown the first `observer.runs` runs of each chunk as they are simulated.
    """
    if chunk_size < 1:
        raise ForecastError(f"chunk size must be at least 1, got {chunk_size}")
    plan, runs, seed, as_of, calendar = prepare(plan, runs, seed, scenario, as_of)
    model = build_model(plan, calendar, as_of, seed, runs, calibration)
    nodes = model.nodes
    m = len(nodes)
    if 4 * m * runs > MAX_STORE_BYTES:
        raise ForecastError(
            f"{runs:,} runs of {m:,} items would keep {4 * m * runs / 1024**3:.1f} GB of "
            f"finishes; use at most {MAX_STORE_BYTES // (4 * m):,} runs"
        )
    sens_runs = min(runs, SENSITIVITY_RUNS)

    store = np.empty((m, runs), dtype=np.float32)  # every item's finish in every run
    plan_store = np.empty(runs, dtype=np.float32)
    sens_store = np.empty((m, sens_runs), dtype=np.float32)  # durations of the first runs
    duration_sum = np.zeros(m)
    crit_count = np.zeros(m, dtype=np.int64)
    tracker = cap_mod.Tracker(model.capacity, runs) if model.capacity is not None else None
    done = 0
    while done < runs:
        n = min(chunk_size, runs - done)
        finish = store[:, done : done + n]  # the chunk simulates straight into the store
        first = None
        if done < sens_runs:
            first = sens_store[:, done : done + min(n, sens_runs - done)]
        keep = None
        if observer is not None and done < observer.runs:
            k = min(n, observer.runs - done)
            keep = (np.empty((m, k), dtype=np.float32), np.empty((m, k), dtype=bool))
        tick = None
        if progress is not None:

            def tick(share: float, before: int = done, n: int = n) -> None:
                progress(before + int(share * n), runs)

        delays = model.chunk(finish, sums=duration_sum, first=first, keep=keep, tick=tick)
        plan_store[done : done + n], crit = model.critical(finish)
        crit_count += crit
        if keep is not None:
            assert observer is not None
            k = keep[0].shape[1]
            observer(model, done, finish[:, :k], keep, [d[:k] for d in delays])
        done += n
        if progress is not None:
            progress(done, runs)

    waits: dict[str, float | None] = {}
    teams = cap_mod.idle_teams(plan)
    if tracker is not None:
        waits, teams = tracker.summarise(
            plan, calendar, nodes, store, plan_store, model.as_of_offset
        )
        del tracker

    det = np.empty((m, 1))
    model.chunk(det, deterministic=True)
    det_plan = float(det.max()) if m else model.as_of_offset

    # per-item statistics, a block of rows at a time to bound the temporary copies
    pcts = np.empty((m, len(stats.QUANTILES)))
    means = np.empty(m)
    completed = np.empty(m, dtype=np.int64)
    max_finite = np.full(m, -np.inf)

    def summarise(b: int) -> None:
        # from here on only order-free statistics read the store: sort its rows in place
        s = slice(b, b + _BLOCK_ROWS)
        pcts[s], means[s], completed[s], max_finite[s] = stats.sort_rows_and_summarise(store[s])

    _each_block(summarise, m)
    plan_finite = plan_store[np.isfinite(plan_store)]
    top = max(
        float(max_finite.max()) if m else 0.0,
        float(plan_finite.max()) if plan_finite.size else 0.0,
    )
    step, grid = stats.day_grid(top)
    grid_dates = tuple(calendar.finish_dates(grid).tolist())
    grid = _frozen(grid)

    def curve(counts: np.ndarray) -> ReadinessCurve:
        return ReadinessCurve(grid, grid_dates, _frozen(counts / runs))

    y = plan_store[:sens_runs].astype(np.float64)
    y_ranks = stats.average_ranks(y)
    y_ranks -= y_ranks.mean()
    y_norm = math.sqrt(float(y_ranks @ y_ranks))

    sensitivities = np.concatenate(
        [
            stats.spearman_rows(sens_store[b : b + _BLOCK_ROWS], y_ranks, y_norm)
            for b in range(0, m, _BLOCK_ROWS)
        ]
        or [np.zeros(0)]
    )
    del sens_store
    # figures first, then every date in one vectorised call
    rows: list[tuple[_Node, Percentiles, float | None, float, float, ReadinessCurve]] = []
    for b in range(0, m, _BLOCK_ROWS):
        counts = stats.sorted_curve_counts(store[b : b + _BLOCK_ROWS], grid)
        for k, node in enumerate(nodes[b : b + _BLOCK_ROWS]):
            i = node.index
            p_on_time = None
            if node.item.target is not None:
                target = calendar.end_offset(node.item.target)
                finished = np.searchsorted(store[i], np.float32(target), side="right")
                p_on_time = int(finished) / runs  # the row is sorted
            sensitivity = float(sensitivities[i])
            det_days = round(float(det[i, 0]), 3)
            rows.append(
                (
                    node,
                    _percentiles(means[i], pcts[i]),
                    p_on_time,
                    sensitivity,
                    det_days,
                    curve(counts[k]),
                )
            )

    plan_means, plan_completed = stats.finite_means(plan_store[None, :])
    plan_days = _percentiles(plan_means[0], stats.percentiles_of_rows(plan_store[None, :])[0])
    lo_rank, hi_rank = stats.order_statistic_interval(runs, 0.8, P80_CONFIDENCE)
    ordered = np.partition(plan_store, [lo_rank, hi_rank])
    interval = (_days(ordered[lo_rank]), _days(ordered[hi_rank]))
    det_days = round(det_plan, 3)

    width = len(PERCENTILE_KEYS) + 1
    days: list[float | None] = []
    for _, pct, _, _, det_item, _ in rows:
        days += [*pct.to_json_dict().values(), det_item]
    days += [*plan_days.to_json_dict().values(), det_days, *interval]
    dates = _to_dates(calendar, days)

    items: dict[str, ItemForecast] = {}
    for r, (node, pct, p_on_time, sensitivity, det_item, item_curve) in enumerate(rows):
        item = node.item
        own = dates[r * width : (r + 1) * width]
        items[item.id] = ItemForecast(
            id=item.id,
            title=item.title,
            kind=item.kind,
            status=item.status,
            target=item.target,
            p_success=int(completed[node.index]) / runs,
            finish_days=pct,
            finish=DatePercentiles(*own[:-1]),
            p_on_time=p_on_time,
            criticality=int(crit_count[node.index]) / runs,
            sensitivity=round(sensitivity, 4) + 0.0,
            mean_duration=round(float(duration_sum[node.index]) / runs, 3),
            deterministic_days=det_item,
            deterministic_date=own[-1],
            curve=item_curve,
            wait_days=waits.get(item.id),
            with_teams=bool(plan.teams),
        )

    plan_dates = dates[len(rows) * width :]
    edges, hist_counts, never = stats.histogram(plan_store)
    plan_forecast = PlanForecast(
        p_success=int(plan_completed[0]) / runs,
        finish_days=plan_days,
        finish=DatePercentiles(*plan_dates[: width - 1]),
        p80_interval=interval,
        p80_interval_dates=(plan_dates[width], plan_dates[width + 1]),
        confidence=P80_CONFIDENCE,
        deterministic_days=det_days,
        deterministic_date=plan_dates[width - 1],
        curve=curve(stats.curve_counts(plan_store[None, :], step, grid.size)[0]),
        histogram=Histogram(_frozen(edges), _frozen(hist_counts), never),
    )
    return ForecastResult(
        runs=runs,
        seed=seed,
        scenario=scenario,
        start=plan.start,
        as_of=as_of,
        items=items,
        plan=plan_forecast,
        sensitivity_runs=sens_runs,
        teams=teams,
    )


@dataclass(frozen=True)
class ForecastFigures:
    """What a ranking reads of a forecast: per item its chance of success, criticality,
    chance of its target and mean duration, and the runs and seed they come from."""

    runs: int
    seed: int
    scenario: str | None
    items: Mapping[str, cap_mod._Figures]


def figures(
    plan: Plan,
    *,
    runs: int | None = None,
    seed: int | None = None,
    scenario: str | None = None,
    as_of: date | None = None,
) -> ForecastFigures:
    """The per-item figures of `simulate` with the same arguments, equal to its own, without
    keeping every finish of every run: no store to fill and sort, no percentiles, curves or
    sensitivities (`roadmap prioritize` at 5,000 items x 10,000 runs: a 200 MB store)."""
    plan, runs, seed, as_of, calendar = prepare(plan, runs, seed, scenario, as_of)
    model = build_model(plan, calendar, as_of, seed, runs)
    counts = cap_mod.FigureCounts(model.nodes, calendar)
    finish = np.empty((len(model.nodes), min(FIGURES_CHUNK, runs)), dtype=np.float32)
    done = 0
    while done < runs:
        f = finish[:, : min(FIGURES_CHUNK, runs - done)]
        model.chunk(f, sums=counts.duration_sum)
        counts.add(f, model.critical(f)[1])
        done += f.shape[1]
    items = counts.figures(model.nodes, runs)
    return ForecastFigures(runs=runs, seed=seed, scenario=scenario, items=items)


def compare(
    plan: Plan,
    runs: int | None = None,
    seed: int | None = None,
    *,
    as_of: date | None = None,
    progress: Progress | None = None,
    known: Mapping[str | None, ForecastResult] | None = None,
) -> dict[str | None, ForecastResult]:
    """The baseline (key None) and every scenario, all with the same seed: common random
    numbers, so a difference between two of them is the scenario, not noise.

    `known` holds results the caller already has for this plan, runs, seed and as_of (the
    editor's current forecast), so they are not simulated again.
    """
    keys: list[str | None] = [None, *plan.scenario_by_id]
    per_run = plan.runs if runs is None else int(runs)
    total = per_run * len(keys)
    results: dict[str | None, ForecastResult] = {}
    for k, key in enumerate(keys):
        if known is not None and key in known:
            results[key] = known[key]
            continue
        report = None
        if progress is not None:
            # one bar for the whole comparison, not one that restarts per scenario
            def report(done: int, _total: int, before: int = k * per_run) -> None:
                progress(before + done, total)

        results[key] = simulate(
            plan, runs=runs, seed=seed, scenario=key, as_of=as_of, progress=report
        )
    return results
