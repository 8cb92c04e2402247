"""Teams and capacity: a serial list schedule of every run at once (docs/forecast.md).

Each team has `units` lanes (its largest capacity). Per chunk of runs a team keeps a
(units x runs) array of the time each lane is next free. Items are placed one at a time in a
fixed queue order that respects dependencies; an item with a team takes, in every run at
once, the lane on which it can start earliest (`argmin`), starts there, and moves that
lane's free time to its finish. One vectorised step per item, no loop per run.

Why no item earlier in the queue is delayed by a later one: a lane's free time only moves
forward, and an item never starts on a lane before the lane's free time. So a later item
cannot slip into the idle days a lane had before an earlier item started on it (no
backfilling). An item that waits for its dependencies does not reserve a lane while it
waits: it takes one lane, the one it can start on earliest, and the other lanes stay free
for later items in the queue, which may start on them at once.

Dated steps: lane k exists while the capacity is more than k. An item starts on a lane only
if the lane exists for the item's whole duration (a vendor does not start work its
contract ends before); when no lane of its team ever has room it never starts, and the
run counts it, and what waits for it, as not completing.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np

from roadmap_tui.model.calendar import Calendar
from roadmap_tui.model.types import Plan

if TYPE_CHECKING:
    from roadmap_tui.priority import ForecastLike

#: Runs of the forecast without capacity from which the "priority" queue is ranked: the
#: ranking's figures (success, criticality, on-time chance, mean duration) are means, whose
#: standard error at this many runs (<= 0.016) rarely swaps two items, and it keeps the
#: queue's cost to a tenth of a 10,000-run forecast.
QUEUE_RUNS = 1_000
#: Runs whose starts and ends are kept for utilisation, the weekly load and the peak queue
#: (utilisation is a mean over them: its standard error is well under a percentage point).
LOAD_RUNS = 1_000
#: Turns "how far past the gap's end" into "never": any overrun times this is beyond any day.
_BIG = np.float32(1e30)
#: Beyond any day, yet finite: never-ready runs clipped to it have a wait of 0, not inf - inf.
_FAR = np.float32(3e38)


class _NodeLike(Protocol):
    index: int
    preds: tuple[int, ...]
    done: bool
    start_at: float | None
    floor: float | None

    @property
    def item(self) -> Any: ...


def queue_order(plan: Plan, forecast: ForecastLike) -> list[str]:
    """The ids of the open items in the order of `roadmap prioritize` on `forecast`.

    The one place that decides who waits under `queue = "priority"`: the value-per-day
    sequence of priority.sequence (docs/prioritisation.md), without the rank ranges
    `prioritize` adds (14 more rankings), because the queue is on every forecast's path.
    """
    from roadmap_tui import priority

    return priority.sequence(plan, forecast)


def uses_capacity(plan: Plan) -> bool:
    """Whether any open item has a team: else the engine schedules exactly as without teams."""
    return any(i.team is not None and i.is_open for i in plan.items) and bool(plan.teams)


@dataclass
class _Team:
    """One team compiled: its lanes' existence windows in working-day offsets."""

    id: str
    units: int
    windows: list[list[tuple[float, float]]]  # per lane: [(from, until), ...]
    constant: bool  # every lane exists from day 0 (or earlier) for ever
    free: np.ndarray  # (units, n) next free time of each lane in the current chunk
    first_free: np.ndarray  # (units,) when each lane first exists
    #: the memory of free, spare, spare2, gap_start and gap_end, reused from chunk to chunk
    rows: np.ndarray = field(default_factory=lambda: np.empty((0, 0), np.float32))
    #: per run, the idle stretch [gap_start, gap_end) a unit left before a later booking
    gap_start: np.ndarray = field(default_factory=lambda: np.empty(0, np.float32))
    gap_end: np.ndarray = field(default_factory=lambda: np.empty(0, np.float32))
    #: a team of constant capacity: its lanes as separate arrays, sorted per run, and a spare
    lanes: list[np.ndarray] = field(default_factory=list)
    spare: np.ndarray = field(default_factory=lambda: np.empty(0, np.float32))
    spare2: np.ndarray = field(default_factory=lambda: np.empty(0, np.float32))


def _windows(steps: list[tuple[float, int]], units: int) -> list[list[tuple[float, float]]]:
    """Per lane k, the intervals during which the capacity is more than k."""
    out: list[list[tuple[float, float]]] = []
    for k in range(units):
        spans: list[tuple[float, float]] = []
        begin: float | None = None
        for j, (at, cap) in enumerate(steps):
            at = -np.inf if j == 0 else at
            if cap > k and begin is None:
                begin = at
            elif cap <= k and begin is not None:
                if at > begin:
                    spans.append((begin, at))
                begin = None
        if begin is not None:
            spans.append((begin, np.inf))
        out.append(spans)
    return out


class Capacity:
    """The capacity part of a compiled plan: the queue, the teams and their lanes."""

    def __init__(
        self,
        plan: Plan,
        calendar: Calendar,
        nodes: Sequence[_NodeLike],
    ) -> None:
        self.teams: list[_Team] = []
        team_index: dict[str, int] = {}
        for team in plan.teams:
            steps: list[tuple[float, int]] = []
            for day, cap in team.steps(plan.start):
                at = float(calendar.start_offset(day))
                if steps and at <= steps[-1][0]:
                    steps[-1] = (steps[-1][0], cap)  # two steps on one working day: the last
                else:
                    steps.append((at, cap))
            units = team.units
            windows = _windows(steps, units)
            constant = all(w == [(-np.inf, np.inf)] for w in windows)
            first = np.array([w[0][0] if w else np.inf for w in windows], dtype=np.float32)
            team_index[team.id] = len(self.teams)
            self.teams.append(
                _Team(team.id, units, windows, constant, np.empty((units, 0), np.float32), first)
            )
        #: node index -> team index, for open items that hold a lane (not milestones)
        self.team_of: dict[int, int] = {}
        for node in nodes:
            item = node.item
            if item.team in team_index and not node.done and item.kind != "milestone":
                self.team_of[node.index] = team_index[item.team]
        #: node index -> row of the per-item start / wait arrays: team by team, so each
        #: team's rows are one slice (Tracker.summarise reads them without a copy)
        by_team = sorted(self.team_of, key=lambda i: (self.team_of[i], i))
        self.row_of = {i: r for r, i in enumerate(by_team)}
        #: node indices in the order they are placed (`set_queue`)
        self.order: list[int] = []
        #: what records each item's wait, start and end as it is placed (set by Tracker)
        self.tracker: Tracker | None = None
        self._record = False  # whether this chunk's waits are recorded
        self._at = 0  # the chunk's first run
        self._keep = 0  # how many of its first runs' starts and ends are kept
        #: items that are ready in every run (nothing upstream can fail or never start):
        #: their placement skips the checks for runs in which they never start
        self.sure: set[int] = set()
        for node in nodes:  # topological order
            if all(p in self.sure for p in node.preds) and self._always_finishes(node):
                self.sure.add(node.index)
        self._unsure = {r for i, r in self.row_of.items() if i not in self.sure}
        self._buf = np.empty((4, 0), dtype=np.float32)
        self._rows: list[np.ndarray] = []  # the rows of _buf, then of _masks: views made once
        self._lane = np.empty(0, dtype=np.int16)
        self._masks = np.empty((4, 0), dtype=bool)
        self._imask = self._itmp = np.empty(0, dtype=np.int32)
        self._far = np.empty(0, dtype=np.float32)

    def set_queue(self, nodes: Sequence[_NodeLike], queue: Sequence[str]) -> None:
        """Place items in `queue` order from now on (as far as dependencies allow)."""
        self.order = _queue_topological(nodes, queue)

    def _always_finishes(self, node: _NodeLike) -> bool:
        t = self.team_of.get(node.index)
        stepped = t is not None and not self.teams[t].constant
        return node.done or (node.item.p_success >= 1 and not stepped)

    def begin(self, n: int, dtype: Any = np.float32, *, record: bool = True) -> None:
        """Reset every lane for a chunk of n runs: each free from the day it first exists.
        `record=False`: the runs are a re-placement (risk effects), not new runs of the
        forecast, and the tracker does not see them.

        The per-item starts, ends and waits go to the tracker as items are placed (sums of
        waits, the starts and ends of its first runs): no (items x runs) arrays, whose fresh
        memory costs more than the schedule here (docs/forecast.md). The buffers are reused
        from chunk to chunk.
        """
        for team in self.teams:
            if team.rows.shape != (team.units + 4, n) or team.rows.dtype != dtype:
                team.rows = np.empty((team.units + 4, n), dtype=dtype)
            team.free = team.rows[: team.units]
            team.free[:] = team.first_free[:, None]
            *lanes, team.spare, team.spare2, team.gap_start, team.gap_end = team.rows
            if team.constant:
                team.lanes = lanes  # row views; reordered by swapping buffers
            team.gap_start.fill(np.inf)  # no gap: nothing fits
            team.gap_end.fill(-np.inf)
        if self._buf.shape != (4, n) or self._buf.dtype != dtype:
            self._lane = np.empty(n, dtype=np.int16)
            self._buf = np.empty((4, n), dtype=dtype)  # start, end and two scratch rows
            self._masks = np.empty((4, n), dtype=bool)
            self._rows = [*self._buf, *self._masks]
            # integer masks (0 / -1) and scratch for _select, as wide as the floats
            self._imask, self._itmp = np.empty((2, n), dtype=f"i{np.dtype(dtype).itemsize}")
            # _FAR in every run: numpy's minimum against a scalar takes three times as long
            self._far = np.full(n, _FAR, dtype=dtype)
        tracker = self.tracker
        # the deterministic run (float64) is not a run of the forecast: nothing recorded
        self._record = record and tracker is not None and dtype == np.float32
        self._keep = 0
        if tracker is not None and self._record:
            self._at = tracker.begun
            self._keep = max(min(n, tracker.kept - self._at), 0)
            tracker.begun += n

    def _note(self, r: int, start: np.ndarray, end: np.ndarray, wait: np.ndarray | None) -> None:
        """Add row r's waits of this chunk to the tracker's sums (`wait` None: no wait in
        any run) and keep its starts and ends of the tracker's first runs (teams whose
        capacity steps, and work in progress)."""
        tracker = self.tracker
        assert tracker is not None
        if wait is None:
            tracker.wait_count[r] += start.size
        elif r in self._unsure:  # a run in which it is never ready has no wait
            finite = np.isfinite(wait, out=self._rows[7])
            tracker.wait_sum[r] += np.add.reduce(wait, where=finite, dtype=np.float64)
            tracker.wait_count[r] += np.count_nonzero(finite)
        else:
            tracker.wait_sum[r] += np.add.reduce(wait, dtype=np.float64)
            tracker.wait_count[r] += wait.size
        if self._keep:
            self._keep_runs(r, start, end)

    def _keep_runs(self, r: int, start: np.ndarray, end: np.ndarray) -> None:
        """Copy row r's starts and ends of the chunk's runs among the tracker's first ones."""
        tracker = self.tracker
        assert tracker is not None
        at, keep = self._at, self._keep
        tracker.start[r, at : at + keep] = start[:keep]
        tracker.end[r, at : at + keep] = end[:keep]

    def _note_wait(
        self, r: int, start: np.ndarray, ready: np.ndarray, finite: np.ndarray | None
    ) -> None:
        """Add row r's waits (start - ready) of this chunk to the tracker's sums, over the
        runs in which it starts (`finite`; None: all). A run that never starts has start =
        ready = inf: both are clipped to a finite bound, so it adds 0 (no masked sum, no
        inf - inf)."""
        tracker = self.tracker
        assert tracker is not None
        n = start.size
        wait, ready_clipped = self._rows[2], self._rows[3]
        count = n if finite is None else np.count_nonzero(finite)
        if count == n:
            np.subtract(start, ready, out=wait)
        else:
            np.minimum(start, self._far, out=wait)  # (an array: see Capacity.begin)
            np.minimum(ready, self._far, out=ready_clipped)
            wait -= ready_clipped
        tracker.wait_sum[r] += np.add.reduce(wait, dtype=np.float64)
        tracker.wait_count[r] += count

    def place(self, node: _NodeLike, row: np.ndarray, duration: np.ndarray) -> None:
        """`row` holds when the item is ready in each run; make it the start, hold the lane.

        It takes the lane on which it can start earliest; among lanes on which it can start
        equally early, the one free longest (then the lowest-numbered). A `doing` item is
        not delayed (it is under way): it holds the lane that frees first.
        """
        t = self.team_of.get(node.index)
        if t is None:
            return
        team = self.teams[t]
        if team.constant:
            if row.size == 1 and row.dtype == np.float64:
                self._place_one(node, team, row, duration)
            else:
                self._place_sorted(node, team, row, duration)
            return
        free = team.free
        r = self.row_of[node.index]
        start, end, wait, _ = self._rows[:4]
        lane = self._lane
        if node.start_at is not None:  # work in progress holds a lane from its start
            first = self._earliest(free, lane)
            np.add(row, duration, out=end)
            if node.floor is not None:
                np.maximum(end, node.floor, out=end)
            np.maximum(end, first, out=end)
            self._hold(free, lane, end)
            if self._record:
                self._note(r, row, end, None)
            return
        cand = self._fit(team, np.maximum(free, row), duration)
        start[:] = self._earliest(cand, lane, free)
        first = np.choose(lane, free)
        if start.dtype == np.float64:
            # the deterministic run (float64) has no 'never': a lane that never has room
            # is ignored there, so its figure stays a date
            np.copyto(start, row, where=np.isinf(start) & np.isfinite(row))
        if self._record:
            with np.errstate(invalid="ignore"):  # inf - inf: never ready, so no wait
                np.subtract(start, row, out=wait)
        row[:] = start
        np.add(start, duration, out=end)
        if self._record:
            self._note(r, start, end, wait)
        # a run in which the item never starts (never ready, or no lane ever has room)
        # leaves the lane as it was
        np.copyto(end, first, where=~np.isfinite(start))
        self._hold(free, lane, end)

    def _place_sorted(
        self, node: _NodeLike, team: _Team, row: np.ndarray, duration: np.ndarray
    ) -> None:
        """`place` for a team whose lanes all exist for ever. Lanes are alike, so each run
        keeps its lanes' free times sorted: the earliest-free lane is the first, and one
        compare-exchange pass puts its new free time in place (no argmin, no lane index).
        An item may also take the remembered idle stretch (the gap) if it fits whole.
        The lane's new free time is written to a spare buffer that then becomes the lane
        (buffers are swapped, not copied). Masked copies are `_select`, branch-free."""
        lanes, gs, ge = team.lanes, team.gap_start, team.gap_end
        r = self.row_of[node.index]
        old, new = lanes[0], team.spare2  # the first lane to free, before and after
        start, end, s, e, in_gap, idle, fin, back = self._rows
        record = self._record
        if node.start_at is not None:  # work in progress: not delayed, holds a lane
            np.add(row, duration, out=end)
            if node.floor is not None:
                np.maximum(end, node.floor, out=end)
            np.maximum(end, old, out=new)
            if record:
                self._note(r, row, end, None)
        else:
            np.maximum(old, row, out=start)  # after the lane that frees first
            # or earlier, in the idle stretch, if it fits whole: s where s + d <= gap end,
            # else ~inf (plain arithmetic: masked copies of random masks are slow)
            np.maximum(gs, row, out=s)
            np.add(s, duration, out=e)
            np.subtract(e, ge, out=e)
            e *= _BIG
            np.maximum(s, e, out=s)
            np.less_equal(s, start, out=in_gap)
            np.minimum(start, s, out=start)
            sure = node.index in self.sure
            if not sure:
                in_gap &= np.isfinite(start, out=fin)
            if record:
                self._note_wait(r, start, row, None if sure else fin)
            np.add(start, duration, out=new)  # the item's end
            if record and self._keep:
                self._keep_runs(r, start, new)
            row[:] = start
            gap_used = np.count_nonzero(in_gap) > 0
            # a lane idle from its free time until this start leaves a gap: it replaces the
            # one remembered when it ends later (a later gap is more use to later items)
            np.greater(start, np.maximum(old, ge, out=e), out=idle)
            if not sure:
                idle &= fin
            mask, tmp = self._imask, self._itmp
            if gap_used:  # what is left of the gap is after the item
                np.negative(in_gap.view(np.int8), out=mask)
                _select(gs, new, mask, tmp)
            # (an item in the gap ends by the gap's end, so it never leaves a new one)
            if np.count_nonzero(idle):
                np.negative(idle.view(np.int8), out=mask)
                _select(gs, old, mask, tmp)
                _select(ge, start, mask, tmp)
            # the lane is free again at the end, unless the item used the gap or never
            # started: one select for both
            if not sure:
                back = np.less_equal(fin, in_gap, out=back)  # in the gap, or not finite
                if np.count_nonzero(back):
                    np.negative(back.view(np.int8), out=mask)
                    _select(new, old, mask, tmp)
            elif gap_used:
                np.negative(in_gap.view(np.int8), out=mask)
                _select(new, old, mask, tmp)
        lanes[0], team.spare2 = new, old
        spare = team.spare
        for k in range(len(lanes) - 1):  # two operations per lane, buffers swapped
            a, b = lanes[k], lanes[k + 1]
            np.minimum(a, b, out=spare)
            np.maximum(a, b, out=b)
            lanes[k], spare = spare, a
        team.spare = spare

    def _place_one(
        self, node: _NodeLike, team: _Team, row: np.ndarray, duration: np.ndarray
    ) -> None:
        """`_place_sorted` for the one deterministic run (float64, nothing recorded), in
        Python floats: the same operations, without ~30 numpy calls on arrays of one."""
        lanes = [float(lane[0]) for lane in team.lanes]
        old, gs, ge = lanes[0], float(team.gap_start[0]), float(team.gap_end[0])
        ready, d = float(row[0]), float(duration[0])
        if node.start_at is not None:
            end = ready + d
            if node.floor is not None:
                end = max(end, node.floor)
            new = max(end, old)
        else:
            start = max(old, ready)
            s = max(gs, ready)
            s = max(s, (s + d - ge) * float(_BIG))
            in_gap = s <= start
            start = min(start, s)
            fin = math.isfinite(start)
            in_gap = in_gap and fin
            new = start + d
            row[0] = start
            if in_gap:
                gs = new
            if start > max(old, ge) and fin:
                gs, ge = old, start
            if in_gap or not fin:
                new = old
        lanes[0] = new
        for k in range(len(lanes) - 1):
            lanes[k], lanes[k + 1] = min(lanes[k], lanes[k + 1]), max(lanes[k], lanes[k + 1])
        for lane, x in zip(team.lanes, lanes, strict=True):
            lane[0] = x
        team.gap_start[0], team.gap_end[0] = gs, ge

    @staticmethod
    def _earliest(key: np.ndarray, lane: np.ndarray, tie: np.ndarray | None = None) -> np.ndarray:
        """The smallest of each column of `key` (units, n), its lane into `lane`; a tie goes
        to the smaller `tie`, then to the lower lane. A loop over the few lanes is faster
        than argmin across rows."""
        best = key[0].copy()
        lane.fill(0)
        best_tie = None if tie is None else tie[0].copy()
        for k in range(1, key.shape[0]):
            better = key[k] < best
            if best_tie is not None and tie is not None:
                better |= (key[k] == best) & (tie[k] < best_tie)
                np.copyto(best_tie, tie[k], where=better)
            np.copyto(lane, k, where=better)
            np.copyto(best, key[k], where=better)
        return best

    @staticmethod
    def _hold(free: np.ndarray, lane: np.ndarray, end: np.ndarray) -> None:
        """Each run's chosen lane is free again at `end`."""
        if free.shape[0] == 1:
            free[0] = end
            return
        for k in range(free.shape[0]):
            np.copyto(free[k], end, where=lane == k)

    @staticmethod
    def _fit(team: _Team, cand: np.ndarray, duration: np.ndarray) -> np.ndarray:
        """The earliest start on each lane at or after `cand` that lies, with the whole
        duration, inside one of the lane's windows (inf when none does)."""
        out = np.full_like(cand, np.inf)
        for k, spans in enumerate(team.windows):
            x = cand[k]
            for lo, hi in spans:
                s = np.maximum(x, lo)
                ok = s + duration <= hi
                np.minimum(out[k], np.where(ok, s, np.inf), out=out[k])
        return out


def _select(dst: np.ndarray, src: np.ndarray, mask: np.ndarray, tmp: np.ndarray) -> None:
    """dst = src where `mask` is -1 (else 0; integers as wide as the floats), on the floats'
    bits: exact, and branch-free. putmask and copyto(where=) branch per element, and on the
    random masks of a schedule mispredict about every other run: 10-30 us a call on 10,000
    runs against 6 here (docs/forecast.md, "Speed")."""
    d = dst.view(mask.dtype)
    np.bitwise_xor(src.view(mask.dtype), d, out=tmp)
    tmp &= mask
    d ^= tmp


def _queue_topological(nodes: Sequence[_NodeLike], queue: Sequence[str]) -> list[int]:
    """The order items are placed in: done items, then work in progress (it holds its lane
    from as_of, ahead of anything queued), then Kahn's topological sort that takes the
    earliest item in `queue` whenever several are ready (items not in it: file order)."""
    rank = {item_id: k for k, item_id in enumerate(queue)}
    m = len(nodes)
    first = [n.index for n in nodes if n.done]
    first += [n.index for n in nodes if not n.done and n.start_at is not None]
    placed = set(first)
    rest = [n for n in nodes if n.index not in placed]
    # the usual queue (the ranking's sequence) already has every item after what it waits
    # on: then the sort would give the queue itself
    ranks = [rank.get(n.item.id) for n in rest]
    if None not in ranks:
        rank_of = {n.index: r for n, r in zip(rest, ranks, strict=True)}
        if all(rank_of.get(p, -1) < rank_of[n.index] for n in rest for p in n.preds):
            return first + [n.index for _, n in sorted(zip(ranks, rest, strict=True))]

    def key(n: _NodeLike) -> tuple[int, int]:
        return (rank.get(n.item.id, m + n.index), n.index)

    succs: dict[int, list[int]] = {}
    waiting: dict[int, int] = {}
    for n in rest:
        preds = [p for p in set(n.preds) if p not in placed]
        waiting[n.index] = len(preds)
        for p in preds:
            succs.setdefault(p, []).append(n.index)
    by_index = {n.index: n for n in nodes}
    heap = [(key(n), n.index) for n in rest if waiting[n.index] == 0]
    heapq.heapify(heap)
    order = list(first)
    while heap:
        _, i = heapq.heappop(heap)
        order.append(i)
        for s in succs.get(i, ()):
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(heap, (key(by_index[s]), s))
    return order


class _Figures(NamedTuple):
    """What the priority score reads from a forecast, for one item (a tuple: thousands are
    made per forecast, each several times cheaper than a frozen dataclass)."""

    p_success: float
    criticality: float
    p_on_time: float | None
    mean_duration: float


class FigureCounts:
    """The ranking's four figures per item, counted over passes of runs whose finishes are
    at hand (the runs the queue is ranked from, `forecast.figures`): no store, no percentiles."""

    def __init__(self, nodes: Sequence[_NodeLike], calendar: Calendar) -> None:
        m = len(nodes)
        self.completed = np.zeros(m, dtype=np.int64)
        self.on_time = np.zeros(m, dtype=np.int64)
        self.critical = np.zeros(m, dtype=np.int64)
        #: each item's durations summed (the engine's `sums`)
        self.duration_sum = np.zeros(m)
        self._targets = np.array(
            [
                calendar.end_offset(n.item.target) if n.item.target is not None else np.nan
                for n in nodes
            ],
            dtype=np.float32,
        )

    def add(self, finish: np.ndarray, critical: np.ndarray) -> None:
        """Count a pass: its finishes (items x runs) and how often each item was critical."""
        self.critical += critical
        self.completed += np.isfinite(finish).sum(axis=1)
        self.on_time += (finish <= self._targets[:, None]).sum(axis=1)

    def figures(self, nodes: Sequence[_NodeLike], runs: int) -> dict[str, _Figures]:
        """Per item id, its figures over the `runs` runs counted."""
        return {
            node.item.id: _Figures(
                p_success=int(self.completed[k]) / runs,
                criticality=int(self.critical[k]) / runs,
                p_on_time=None if node.item.target is None else int(self.on_time[k]) / runs,
                mean_duration=round(float(self.duration_sum[k]) / runs, 3),
            )
            for k, node in enumerate(nodes)
        }


class Tracker:
    """Sums every team item's wait over all runs, and keeps when it starts and lets its
    lane go in the first `LOAD_RUNS` runs; `summarise` turns them into wait_days and each
    team's load (a store over all runs would cost as much as the schedule itself). The
    capacity fills it as it places each item (`Capacity._note`)."""

    def __init__(self, capacity: Capacity, runs: int) -> None:
        self.capacity = capacity
        rows = len(capacity.row_of)
        self.kept = min(runs, LOAD_RUNS)
        self.start = np.empty((rows, self.kept), dtype=np.float32)
        self.end = np.empty((rows, self.kept), dtype=np.float32)
        self.wait_sum = np.zeros(rows)
        self.wait_count = np.zeros(rows, dtype=np.int64)
        self.begun = 0  # runs of the chunks begun so far
        capacity.tracker = self

    def summarise(
        self,
        plan: Plan,
        calendar: Calendar,
        nodes: Sequence[_NodeLike],
        finish: np.ndarray,
        plan_finish: np.ndarray,
        as_of_offset: float,
    ) -> tuple[dict[str, float | None], dict[str, Any]]:
        """(item id -> mean wait, team id -> TeamForecast). Call before `finish` is sorted."""
        from roadmap_tui.forecast.result import TeamForecast

        cap = self.capacity
        waits: dict[str, float | None] = {}
        for i, r in cap.row_of.items():
            count = int(self.wait_count[r])
            waits[nodes[i].item.id] = round(float(self.wait_sum[r]) / count, 3) if count else None
        runs = plan_finish.size
        median = (runs - 1) // 2
        horizon = float(np.partition(plan_finish, median)[median])  # the P50 finish
        if not np.isfinite(horizon):
            finite = plan_finish[np.isfinite(plan_finish)]
            horizon = float(finite.max()) if finite.size else as_of_offset
        # the median run: among the kept runs, the first whose finish is nearest the P50
        run = int(np.argmin(np.abs(plan_finish[: self.kept].astype(np.float64) - horizon)))
        a = as_of_offset
        week = max(len(plan.workdays), 1)
        first_week = int(a // week)
        weeks = max(int(np.ceil(horizon / week)) - first_week, 0)
        edges = (first_week + np.arange(weeks + 1)) * float(week)
        teams: dict[str, Any] = {}
        members: list[list[tuple[int, int]]] = [[] for _ in cap.teams]  # (node, row) per team
        for i, r in cap.row_of.items():
            members[cap.team_of[i]].append((i, r))
        column = finish[:, run].tolist()  # every item's finish in the median run
        for t, team in enumerate(cap.teams):
            node_ids = [i for i, _ in members[t]]
            first_row = members[t][0][1] if members[t] else 0
            rows = slice(first_row, first_row + len(node_ids))  # consecutive (row_of)
            available = sum(
                max(min(hi, horizon) - max(lo, a), 0.0) for w in team.windows for lo, hi in w
            )
            used = 0.0
            if node_ids and available > 0:
                s = np.maximum(self.start[rows], a)
                e = np.minimum(self.end[rows], horizon)
                busy = np.clip(e - s, 0, None).sum(axis=0, dtype=np.float64)
                used = float(busy.mean())
            utilisation = round(used / available, 4) if available > 0 else 0.0
            # the median run: when each item was ready, started and let its lane go
            s_run = self.start[rows, run].astype(np.float64)
            e_run = self.end[rows, run].astype(np.float64)
            ready = np.array([max([a, *(column[p] for p in nodes[i].preds)]) for i in node_ids])
            ready = np.where(np.isfinite(s_run), ready, np.inf)
            waiting = (ready[None, :] <= ready[:, None]) & (ready[:, None] < s_run[None, :])
            peak = int(waiting.sum(axis=1).max()) if node_ids else 0
            lo_e, hi_e = edges[:-1], edges[1:]
            overlap = np.clip(
                np.minimum(e_run[:, None], hi_e[None, :])
                - np.maximum(s_run[:, None], lo_e[None, :]),
                0,
                None,
            )
            load = tuple(round(float(x) / week, 3) for x in overlap.sum(axis=0))
            lanes_up = np.zeros(lo_e.size, dtype=np.int64)  # lanes that exist at each week's start
            for w in team.windows:
                up = np.zeros(lo_e.size, dtype=bool)
                for lo, hi in w:
                    up |= (lo <= lo_e) & (lo_e < hi)
                lanes_up += up
            load_cap = tuple(int(x) for x in lanes_up)
            src = plan.team_by_id[team.id]
            teams[team.id] = TeamForecast(
                id=team.id,
                title=src.title,
                capacity=src.capacity,
                utilisation=utilisation,
                peak_queue=peak,
                load=load if node_ids else tuple(0.0 for _ in lo_e),
                load_capacity=load_cap,
                week_days=week,
            )
        cap.tracker = None  # no cycle: the caller's `del` frees the kept runs at once
        return waits, teams


def idle_teams(plan: Plan) -> dict[str, Any]:
    """The teams of a plan whose items hold no lane (no open item uses them): all idle."""
    from roadmap_tui.forecast.result import TeamForecast

    return {
        t.id: TeamForecast(
            id=t.id, title=t.title, capacity=t.capacity, utilisation=0.0, peak_queue=0
        )
        for t in plan.teams
    }
