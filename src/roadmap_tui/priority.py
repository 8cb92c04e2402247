"""The priority model: a transparent, forecast-aware ranking of the open items of a plan.

Every score is built from seven factors normalised to 0..1 (see docs/prioritisation.md), so
each one can be explained: raw input, normalised value, weight, contribution and where the
input came from (a plan field, the forecast or the dependency graph). Pure: no I/O, no Textual.
"""

from __future__ import annotations

import difflib
import heapq
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

import numpy as np

from roadmap_tui.model.graph import build_graph, find_cycle, format_cycle
from roadmap_tui.model.types import (
    DEFAULT_WEIGHTS,
    FACTORS,
    METHODS,
    ORDERS,
    Plan,
    readiness_name,
)

if TYPE_CHECKING:
    from roadmap_tui.forecast.engine import ForecastFigures
    from roadmap_tui.forecast.result import ForecastResult

Source = Literal["field", "forecast", "graph"]

#: Gates can veto under `gated`: no data, no value yet.
GATES: tuple[str, ...] = ("impact", "data", "readiness", "confidence")
#: Boosts lift a score under `gated` but never veto it: g = 0.5 + 0.5 f.
BOOSTS: tuple[str, ...] = ("urgency", "unblocks", "ease")
SOURCES: Mapping[str, Source] = {
    "impact": "field",
    "data": "field",
    "readiness": "field",
    "confidence": "forecast",
    "urgency": "forecast",
    "unblocks": "graph",
    "ease": "forecast",
}
#: Working days at which `ease` is 0.5: a month-long item.
EASE_HALF_DAYS = 20.0
#: Eighths of a character cell, for the value-over-time sparklines.
SPARKS = " ▁▂▃▄▅▆▇█"
#: Each weight is multiplied by these, one weight at a time, to find an item's rank range.
STABILITY_MULTIPLIERS: tuple[float, ...] = (0.5, 2.0)
#: Scores are compared after rounding so that float noise never decides a tie.
_TIE_DECIMALS = 9


class PriorityError(ValueError):
    """Bad input to the priority model (the CLI turns it into exit 2)."""


class WeightError(PriorityError):
    """An unknown factor name, a negative or non-finite weight, or all weights zero."""


class ItemFigures(Protocol):
    """What the score needs from the forecast for one item (ItemForecast satisfies it)."""

    @property
    def p_success(self) -> float: ...

    @property
    def criticality(self) -> float: ...

    @property
    def p_on_time(self) -> float | None: ...

    @property
    def mean_duration(self) -> float: ...


class ForecastLike(Protocol):
    """A forecast result: per-item figures keyed by id (ForecastResult satisfies it)."""

    @property
    def items(self) -> Mapping[str, ItemFigures]: ...


@dataclass(frozen=True)
class Figures:
    """Exact per-item forecast figures, for tests and for callers that computed them elsewhere."""

    p_success: float = 1.0
    criticality: float = 0.0
    p_on_time: float | None = None
    mean_duration: float = 0.0


@dataclass(frozen=True)
class FactorValue:
    """One factor of one item's score.

    `raw` is the input as found (a number, or a pair for urgency), `value` its 0..1 form,
    `contribution` the score points it adds, `detail` the raw input in words.
    """

    raw: Any
    value: float
    weight: float
    contribution: float
    source: Source
    detail: str = ""


class _FactorTable:
    """The factors of every ranked item as plain lists, shared by their _Factors views."""

    __slots__ = ("contribs", "inp", "values", "weights")

    def __init__(
        self,
        inp: _Inputs,
        values: list[list[float]],
        weights: list[float],
        contribs: list[list[float]],
    ):
        self.inp = inp
        self.values = values
        self.weights = weights
        self.contribs = contribs


class _Factors(Mapping[str, FactorValue]):
    """One item's factors by name, each FactorValue (and its detail text) made when it is
    read: a ranking of 5,000 items would otherwise make 35,000 of them for a table of 50."""

    __slots__ = ("_i", "_table")

    def __init__(self, table: _FactorTable, i: int):
        self._table = table
        self._i = i

    def __getitem__(self, name: str) -> FactorValue:
        k = _FACTOR_INDEX[name]  # KeyError for an unknown name, as a dict
        t, i = self._table, self._i
        raw, detail = t.inp.raw(i, name)
        return FactorValue(
            raw, t.values[i][k], t.weights[k], t.contribs[i][k], SOURCES[name], detail
        )

    def __iter__(self) -> Iterator[str]:
        return iter(FACTORS)

    def __len__(self) -> int:
        return len(FACTORS)

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def to_json_dict(self) -> dict[str, Any]:
        """The `--json` form, read off the table without making a FactorValue."""
        t, i = self._table, self._i
        values, contribs = t.values[i], t.contribs[i]
        return {
            name: {
                "value": _round(values[k]),
                "weight": t.weights[k],
                "contribution": _round(contribs[k]),
                "source": SOURCES[name],
            }
            for k, name in enumerate(FACTORS)
        }


_FACTOR_INDEX: Mapping[str, int] = {name: k for k, name in enumerate(FACTORS)}


@dataclass(frozen=True)
class RankedItem:
    """One open item in the ranking. The factor contributions add up to `score` (its value).

    `days` is its time (forecast mean duration; 0 for a milestone). `with_ids` are the items
    it was scheduled with (itself included, in order), `per_day` their value per working day
    (None when they take no time) and `block` the place of that set among the starts.
    """

    id: str
    title: str
    rank: int
    score: float
    days: float
    per_day: float | None
    with_ids: tuple[str, ...]
    block: int
    ready: bool
    rank_range: tuple[int, int]
    factors: Mapping[str, FactorValue]
    vetoed_by: tuple[str, ...] = ()

    @property
    def rank_label(self) -> str:
        """'3 (2-5)': the rank and its best and worst when any one weight is halved or doubled."""
        best, worst = self.rank_range
        return f"{self.rank} ({best}-{worst})"

    @property
    def others(self) -> tuple[str, ...]:
        """The items scheduled together with this one, without itself."""
        return tuple(i for i in self.with_ids if i != self.id)

    def with_label(self, most: int = 3) -> str:
        """The others it goes with, e.g. 'eval-set, intent-model and 12 more'; '' alone."""
        return _join(self.others, most)

    def contributions(self) -> dict[str, float]:
        """Score points by factor: what the bar shows."""
        return {name: fv.contribution for name, fv in self.factors.items()}


@dataclass(frozen=True)
class ValueCurve:
    """The cumulative share of the total value against working days, for the sequence and for
    score order: each item completes at the summed days of everything before it."""

    total: float
    sequence: tuple[tuple[str, float, float], ...]  # (id, day, share) in sequence order
    score: tuple[tuple[str, float, float], ...]  # the same in score order

    def day_for(self, share: float, order: str = "sequence") -> float | None:
        """The first working day by which `share` of the value is delivered (None: no value)."""
        if self.total <= 0:
            return None
        points = self.sequence if order == "sequence" else self.score
        for _, day, got in points:
            if got >= share - 1e-12:
                return day
        return None

    @property
    def end(self) -> float:
        """The working day the last item completes (the same for both orders)."""
        return self.sequence[-1][1] if self.sequence else 0.0

    def share_at(self, day: float, order: str = "sequence") -> float:
        """The share of the value delivered by `day` (a step: an item counts once complete)."""
        got = 0.0
        for _, done, share in self.sequence if order == "sequence" else self.score:
            if done > day + 1e-9:
                break
            got = share
        return got

    def samples(self, cells: int, order: str = "sequence") -> list[float]:
        """The share delivered at the end of each of `cells` equal spans of days, for a chart."""
        if cells <= 0 or self.end <= 0:
            return [0.0] * max(cells, 0)
        return [self.share_at(self.end * (k + 1) / cells, order) for k in range(cells)]

    def sparkline(self, cells: int, order: str = "sequence") -> str:
        """The curve in `cells` characters of eighths (' ' none, '█' all), for text charts."""
        return "".join(SPARKS[max(round(s * 8), s > 0)] for s in self.samples(cells, order))

    def mean_day(self, order: str = "sequence") -> float | None:
        """The day a point of value arrives on average: sum(value x completion) / total value,
        what the sequence makes as small as it can (None: no value)."""
        if self.total <= 0:
            return None
        points = self.sequence if order == "sequence" else self.score
        got = [0.0, *(share for *_, share in points)]
        return sum(day * (got[k + 1] - got[k]) for k, (_, day, _) in enumerate(points))

    def headline(self, share: float = 0.8) -> str:
        """'80% of the value by day 60 (day 85 in score order); on average by day 31 (40)'."""
        seq, sco = self.day_for(share), self.day_for(share, "score")
        mean, mean_score = self.mean_day(), self.mean_day("score")
        if seq is None or sco is None or mean is None or mean_score is None:
            return "no value to deliver: every open item scores 0"
        return (
            f"{share:.0%} of the value by day {_fmt_days(seq)} "
            f"(day {_fmt_days(sco)} in score order); on average by day {_fmt_days(mean)} "
            f"({_fmt_days(mean_score)})"
        )

    def to_json_dict(self) -> dict[str, Any]:
        def points(pts: tuple[tuple[str, float, float], ...]) -> list[dict[str, Any]]:
            return [{"id": i, "day": _round(d), "share": _round(s)} for i, d, s in pts]

        return {
            "total": _round(self.total),
            "sequence": points(self.sequence),
            "score": points(self.score),
            "day_80": {"sequence": self.day_for(0.8), "score": self.day_for(0.8, "score")},
            "mean_day": {
                "sequence": _maybe_round(self.mean_day()),
                "score": _maybe_round(self.mean_day("score")),
            },
        }


@dataclass(frozen=True)
class Explanation:
    """Everything behind one item's score and place, as rows a face can print."""

    item: RankedItem
    method: str
    total_weight: float
    notes: tuple[str, ...]
    sentence: str = ""

    @property
    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """(factor, raw input, value, weight, contribution, source), all formatted."""
        return [
            (
                name,
                fv.detail,
                f"{fv.value:.3f}",
                _fmt_num(fv.weight),
                f"{fv.contribution:.1f}",
                fv.source,
            )
            for name, fv in self.item.factors.items()
        ]

    def to_text(self) -> str:
        """A plain-text rendering, for logs and tests."""
        head = f"{self.item.id}: rank {self.item.rank_label}, score {self.item.score:.1f}"
        lines = [head, *("  " + " | ".join(r) for r in self.rows), *self.notes, self.sentence]
        return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class Ranking:
    """The open items of a plan in rank order, with the method, weights and order used."""

    method: str
    weights: Mapping[str, float]
    order: str
    items: list[RankedItem]
    #: Items that are in the plan but not ranked, with their status (done or dropped).
    unranked: Mapping[str, str] = field(default_factory=dict)
    curve: ValueCurve = field(default_factory=lambda: ValueCurve(0.0, (), ()))

    def item(self, item_id: str) -> RankedItem:
        for ranked in self.items:
            if ranked.id == item_id:
                return ranked
        if item_id in self.unranked:
            raise PriorityError(
                f"item {item_id!r} is {self.unranked[item_id]}: done and dropped items are "
                "not ranked"
            )
        raise PriorityError(unknown_name("item", item_id, [r.id for r in self.items], "ranked "))

    def ready_items(self) -> list[RankedItem]:
        """What the team can start today, still in rank order."""
        return [r for r in self.items if r.ready]

    def place(self, item_id: str) -> str:
        """One sentence on where the item stands and why, e.g. '3rd: together with
        intent-model it delivers 212 points in 31 working days (6.8 a day), the
        third-best start'."""
        r = self.item(item_id)
        head = f"{_ordinal(r.rank)}"
        if self.order == "score":
            return (
                f"{head} by score ({r.score:.1f}); in sequence it would be scheduled with "
                f"{_join(r.others) or 'nothing else'} ({_per_day_text(r.per_day)})"
            )
        start = "the best start" if r.block == 1 else f"the {_ordinal_word(r.block)}-best start"
        if r.per_day is None:
            return (
                f"{head}: it takes no working days, so it comes right after its last open "
                f"predecessor ({start})"
            )
        value = sum(self.item(i).score for i in r.with_ids)
        days = sum(self.item(i).days for i in r.with_ids)
        who = f"together with {_join(r.others)} it" if r.others else "on its own it"
        return (
            f"{head}: {who} delivers {value:.0f} points in {_fmt_days(days)} working days "
            f"({r.per_day:.1f} a day), {start}"
        )

    def explain(self, item_id: str) -> Explanation:
        """Every factor's raw input, value, weight, contribution and source for one item."""
        ranked = self.item(item_id)
        total = sum(self.weights.values())
        notes: list[str] = []
        if self.method == "weighted":
            notes.append(
                f"score = 100 x sum(weight x value) / {_fmt_num(total)} = {ranked.score:.1f}"
            )
        else:
            notes.append(
                f"score = 100 x product(g ^ (weight / {_fmt_num(total)})) = "
                f"{ranked.score:.1f}; gates {', '.join(GATES)} use g = value, "
                f"boosts {', '.join(BOOSTS)} use g = 0.5 + 0.5 x value; "
                "contributions split the score in proportion to weight x g"
            )
        if ranked.vetoed_by:
            notes.append(f"vetoed: {', '.join(ranked.vetoed_by)} at zero (no data, no value yet)")
        best, worst = ranked.rank_range
        notes.append(
            f"rank {ranked.rank}; between {best} and {worst} when any one weight is halved "
            "or doubled"
        )
        return Explanation(ranked, self.method, total, tuple(notes), self.place(item_id))

    def to_json_dict(self) -> dict[str, Any]:
        """The `--json` schema: method, weights, order, the items in rank order and the
        value curve."""
        items = []
        for r in self.items:
            factors: dict[str, Any] = (
                r.factors.to_json_dict()
                if isinstance(r.factors, _Factors)
                else {
                    name: {
                        "value": _round(fv.value),
                        "weight": fv.weight,
                        "contribution": _round(fv.contribution),
                        "source": fv.source,
                    }
                    for name, fv in r.factors.items()
                }
            )
            items.append(
                {
                    "id": r.id,
                    "title": r.title,
                    "rank": r.rank,
                    "score": _round(r.score),
                    "days": _round(r.days),
                    "per_day": None if r.per_day is None else _round(r.per_day),
                    "with": list(r.with_ids),
                    "ready": r.ready,
                    "rank_range": list(r.rank_range),
                    "factors": factors,
                }
            )
        return {
            "method": self.method,
            "weights": dict(self.weights),
            "order": self.order,
            "items": items,
            "value_curve": self.curve.to_json_dict(),
        }


# ---------------------------------------------------------------- weights and methods


def parse_weight_args(args: Iterable[str]) -> dict[str, float]:
    """`["impact=2", "ease=0"]` -> {"impact": 2.0, "ease": 0.0}, validated name by name."""
    out: dict[str, float] = {}
    for arg in args:
        name, sep, text = arg.partition("=")
        name = name.strip()
        if not sep or not name or not text.strip():
            raise WeightError(f"--weight {arg!r}: expected NAME=VALUE, e.g. impact=2")
        try:
            value = float(text)
        except ValueError:
            raise WeightError(
                f"--weight {arg!r}: {text.strip()!r} is not a number (expected NAME=VALUE)"
            ) from None
        out[name] = value
    _check_names(out)
    return out


def resolve_weights(
    base: Mapping[str, float], overrides: Mapping[str, float] | None = None
) -> dict[str, float]:
    """The plan's weights (defaults filled in) with `overrides` on top, checked as a whole."""
    weights = {name: float(base.get(name, DEFAULT_WEIGHTS[name])) for name in FACTORS}
    _check_names(base)
    if overrides:
        _check_names(overrides)
        weights.update({name: float(v) for name, v in overrides.items()})
    for name, value in weights.items():
        if not math.isfinite(value):
            raise WeightError(f"weight {name} = {value}: expected a finite number >= 0")
        if value < 0:
            raise WeightError(f"weight {name} = {_fmt_num(value)}: weights must be >= 0")
    if not any(weights.values()):
        raise WeightError(
            "all weights are zero: at least one of " + ", ".join(FACTORS) + " must be > 0"
        )
    return weights


def check_method(method: str) -> str:
    if method not in METHODS:
        raise PriorityError(unknown_name("method", method, METHODS))
    return method


def _check_names(weights: Mapping[str, Any]) -> None:
    for name in weights:
        if name not in FACTORS:
            raise WeightError(unknown_name("factor", name, FACTORS))


def unknown_name(what: str, name: str, known: Iterable[str], prefix: str = "") -> str:
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listed = ", ".join(known) if len(known) <= 12 else ", ".join(known[:12]) + ", ..."
    return f"unknown {prefix}{what} {name!r}{hint} (expected one of: {listed})"


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Inputs:
    """Factor values of the open items, computed once and re-scored for every weight set.

    Which items wait on which is kept as one Python int of bits per item (`reach`), not an
    n x n matrix: 3 MB instead of 25 at 5,000 items, where each fresh MB costs ~9 ms here.
    Bits are numbered component by component, each in dependency order (`bit_of`), so a
    large component's descendant matrix is a slice of every row (see _Sequencer)."""

    ids: list[str]
    values: np.ndarray  # (n items, len(FACTORS)) in 0..1
    facts: list[_Facts]  # per item: what the factors' raw inputs and details are made from
    ready: list[bool]
    id_order: np.ndarray  # position of each id in sorted order, the final tie-break
    days: np.ndarray  # time: forecast mean duration in working days, 0 for a milestone
    preds: list[list[int]]  # open direct predecessors (positions in ids)
    reach: list[int]  # per item: bit bit_of[j] set when open item j waits on it, directly or not
    bit_of: list[int]  # each item's bit in `reach`
    components: list[list[int]]  # of the graph of `preds`, each sorted, by their first item
    topo: list[list[int]]  # each component in dependency order (its bits, in this order)

    def raw(self, i: int, name: str) -> tuple[Any, str]:
        """Item i's factor `name`: (raw input, the input in words), for explanations."""
        item, p_success, crit, on_time, dependents, mean_days = self.facts[i]
        if name == "impact":
            return item.impact, f"impact {_fmt_num(item.impact)} of 5"
        if name == "data":
            return item.data, f"data {item.data:.0%} in hand"
        if name == "readiness":
            return item.readiness, f"readiness {readiness_name(item.readiness)}"
        if name == "confidence":
            return p_success, f"P(success) {p_success:.2f}"
        if name == "urgency":
            target = (
                "no target" if on_time is None else f"P(on time{_by(item.target)}) {on_time:.2f}"
            )
            return (crit, on_time), f"criticality {crit:.2f}; {target}"
        if name == "unblocks":
            others = max(len(self.ids) - 1, 0)
            return dependents, f"{dependents} of {others} other open items wait on it"
        return mean_days, f"mean {mean_days:.1f} working days"

    def waits_among(self, group: list[int]) -> np.ndarray | None:
        """[a, b] when group[b] waits on group[a], directly or not; None when none does."""
        bits = [self.bit_of[m] for m in group]
        mask = 0
        for b in bits:
            mask |= 1 << b
        rows = [self.reach[m] & mask for m in group]
        if not any(rows):
            return None
        out = np.empty((len(group), len(group)), dtype=bool)
        cols = np.array(bits, dtype=np.int64)
        for start in range(0, len(group), _CHUNK):
            block = _bit_rows(rows[start : start + _CHUNK], len(self.ids))
            out[start : start + _CHUNK] = block[:, cols]
        return out


#: (item, P(success), criticality, P(on time) or None, open items waiting on it, mean days)
_Facts = tuple[Any, float, float, float | None, int, float]
#: Rows of a bit matrix unpacked at a time: a few MB at most, reused.
_CHUNK = 256


def _bit_rows(rows: list[int], width: int) -> np.ndarray:
    """Python ints as rows of a boolean matrix: column b is bit b."""
    size = (width + 7) // 8
    packed = np.frombuffer(b"".join(r.to_bytes(size, "little") for r in rows), dtype=np.uint8)
    packed = packed.reshape(len(rows), size)
    return np.unpackbits(packed, axis=1, count=width, bitorder="little").view(bool)


def _figures_map(forecast: ForecastLike | Mapping[str, ItemFigures]) -> Mapping[str, ItemFigures]:
    if isinstance(forecast, Mapping):
        return forecast
    return forecast.items


def _inputs(plan: Plan, figures: Mapping[str, ItemFigures]) -> _Inputs:
    open_items = [item for item in plan.items if item.is_open]
    ids = [item.id for item in open_items]
    n = len(ids)
    position = {item_id: k for k, item_id in enumerate(ids)}
    preds = [sorted({position[d] for d in item.depends_on if d in position}) for item in open_items]
    components = _components(preds)
    plain = _Instance(ids, np.zeros(n), np.zeros(n), preds)
    topo = [comp if len(comp) == 1 else _topological(plain, comp) for comp in components]
    bit_of = [0] * n
    for bit, m in enumerate(m for order in topo for m in order):
        bit_of[m] = bit
    reach = _reach(plan, position, bit_of)
    others = max(n - 1, 0)

    rows: list[tuple[float, ...]] = []
    facts: list[_Facts] = []
    ready: list[bool] = []
    days: list[float] = []
    for i, item in enumerate(open_items):
        fig = figures.get(item.id)
        if fig is None:
            raise PriorityError(
                f"item {item.id!r}: the forecast has no figures for it (was it simulated "
                "with the same plan and scenario?)"
            )
        p_success = float(fig.p_success)
        crit = float(fig.criticality)
        on_time = None if fig.p_on_time is None else float(fig.p_on_time)
        urgency = crit if on_time is None else max(crit, 1.0 - on_time)
        dependents = reach[i].bit_count()
        mean_days = float(fig.mean_duration)
        row = (
            item.impact / 5.0,
            item.data,
            item.readiness / 9.0,
            p_success,
            urgency,
            dependents / others if others else 0.0,
            1.0 / (1.0 + max(mean_days, 0.0) / EASE_HALF_DAYS),
        )
        rows.append(row)
        facts.append((item, p_success, crit, on_time, dependents, mean_days))
        ready.append(
            all(
                plan.item_by_id[dep].status in ("done", "dropped")
                for dep in item.depends_on
                if dep in plan.item_by_id
            )
        )
        days.append(0.0 if item.kind == "milestone" else max(mean_days, 0.0))
    values = np.array(rows, dtype=float).reshape(n, len(FACTORS))
    np.clip(values, 0.0, 1.0, out=values)
    id_order = np.empty(n, dtype=np.int64)
    id_order[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(n)
    return _Inputs(
        ids,
        values,
        facts,
        ready,
        id_order,
        np.array(days, dtype=float),
        preds,
        reach,
        bit_of,
        components,
        topo,
    )


def _components(preds: list[list[int]]) -> list[list[int]]:
    """The connected components of the graph of `preds`, each sorted, by their first item
    (union-find: networkx's graph of 5,000 items costs more than the rest of the ranking)."""
    parent = list(range(len(preds)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for j, ps in enumerate(preds):
        for p in ps:
            a, b = root(p), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for x in range(len(preds)):
        groups.setdefault(root(x), []).append(x)
    return list(groups.values())  # roots are each component's first item, met in order


def _reach(plan: Plan, position: Mapping[str, int], bit_of: list[int]) -> list[int]:
    """Per open item (positions in `position`), the bits (`bit_of`) of the open items that
    depend on it directly or not, dropped items left out (their links no longer hold
    anything up) and done ones passed through. One reverse topological sweep of Python int
    bit sets."""
    live = [item for item in plan.items if item.status != "dropped"]
    index = {item.id: k for k, item in enumerate(live)}
    succs: list[list[int]] = [[] for _ in live]
    waiting = [0] * len(live)
    for k, item in enumerate(live):
        for dep in dict.fromkeys(item.depends_on):
            d = index.get(dep)
            if d is not None:
                succs[d].append(k)
                waiting[k] += 1
    order = [k for k, w in enumerate(waiting) if w == 0]
    for k in order:  # Kahn's algorithm: the list grows as items become ready
        for s in succs[k]:
            waiting[s] -= 1
            if waiting[s] == 0:
                order.append(s)
    if len(order) < len(live):
        graph = build_graph(plan)
        graph.remove_nodes_from([i.id for i in plan.items if i.status == "dropped"])
        cycle = find_cycle(graph) or []
        raise PriorityError(f"dependency cycle: {format_cycle(cycle)}")
    own = [0] * len(live)  # the bit of each open item, 0 for the others
    for item_id, k in position.items():
        own[index[item_id]] = 1 << bit_of[k]
    reach = [0] * len(live)
    for k in reversed(order):
        bits = 0
        for s in succs[k]:
            bits |= reach[s] | own[s]
        reach[k] = bits
    return [reach[index[item_id]] for item_id in position]


_BOOST_MASK = np.array([name in BOOSTS for name in FACTORS])


def _terms(values: np.ndarray, method: str) -> np.ndarray:
    """g_k: the factor values as the method sees them (boosts shifted under `gated`)."""
    if method == "weighted":
        return values
    return np.where(_BOOST_MASK, 0.5 + 0.5 * values, values)


def _own_scores(values: np.ndarray, w: np.ndarray, method: str) -> np.ndarray:
    share = w / w.sum()
    # sums, not @: a BLAS call leaves its threads spinning, which slows the sequence after it
    if method == "weighted":
        return 100.0 * (values * share).sum(axis=1)
    g = _terms(values, method)
    with np.errstate(divide="ignore"):
        logs = np.where(share > 0, np.log(g), 0.0)  # a zero-weight factor neither helps nor vetoes
    return 100.0 * np.exp((logs * share).sum(axis=1))


def _score_ranks(final: np.ndarray, inp: _Inputs) -> np.ndarray:
    """Rank 1 first, by score. Equal scores: a blocker before the work waiting on it, then the
    id."""
    rounded = np.round(final, _TIE_DECIMALS)
    preference = inp.id_order  # the lower id first
    order = list(np.lexsort((preference, -rounded)))
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and rounded[order[end]] == rounded[order[start]]:
            end += 1
        if end - start > 1:
            order[start:end] = _blockers_first(order[start:end], preference, inp)
        start = end
    ranks = np.empty(final.size, dtype=np.int64)
    ranks[np.array(order, dtype=np.int64)] = np.arange(1, final.size + 1)
    return ranks


def _blockers_first(group: list[int], preference: np.ndarray, inp: _Inputs) -> list[int]:
    """Kahn's topological sort of a tie group, the preferred item first whenever there is a
    choice (`group` comes in preference order)."""
    sub = inp.waits_among(group)
    if sub is None:
        return group
    waiting = sub.sum(axis=0)  # how many tied blockers each member still waits on
    key = [int(preference[g]) for g in group]
    heap = [(key[pos], pos) for pos in np.flatnonzero(waiting == 0).tolist()]
    heapq.heapify(heap)
    out: list[int] = []
    while heap:
        _, pos = heapq.heappop(heap)
        out.append(group[pos])
        row = sub[pos]
        if row.any():
            waiting -= row
            for nxt in np.flatnonzero(row & (waiting == 0)).tolist():
                heapq.heappush(heap, (key[nxt], nxt))
    return out


# ---------------------------------------------------------------- the sequence (Sidney)

#: Components of the dependency graph up to this many open items are sequenced exactly
#: (parametric minimum cuts); larger ones by the greedy closure approximation.
EXACT_MAX_ITEMS = 30
#: Blocks with up to this many starts (sets holding all their own predecessors; a chain of
#: k items has k + 1) are ordered inside exactly, by dynamic programming; wider ones by the
#: greedy closure rule and adjacent interchanges.
INSIDE_MAX_STARTS = 500
#: Plans of more than this many open items get approximate rank ranges in sequence order
#: (see _BlockShifts); the sequence itself and smaller plans are never approximated.
RANGE_EXACT_MAX = 2000
#: Ratios (value per day) are compared with this relative tolerance, so float noise never
#: decides a tie.
_RATIO_RTOL = 1e-9
#: Minimum-cut capacities are whole millionths of a score point.
_CUT_SCALE = 1e6


@dataclass(frozen=True)
class Block:
    """One step of the sequence: items scheduled together (`members` in order), with the
    value and working days they add up to. A block of zero days has no `per_day` (None)."""

    members: tuple[int, ...]
    value: float
    days: float

    @property
    def per_day(self) -> float | None:
        return self.value / self.days if self.days > 0 else None


class _Instance:
    """Open items as numbers: value, days and open predecessors, for the sequencing."""

    def __init__(self, ids: list[str], value: np.ndarray, days: np.ndarray, preds: list[list[int]]):
        self.ids = ids
        self.value = value
        self.days = days
        self.preds = preds
        self.succs: list[list[int]] = [[] for _ in ids]
        for j, ps in enumerate(preds):
            for p in ps:
                self.succs[p].append(j)

    def key(self, members: Iterable[int]) -> _Key:
        """Tie-break between sets of equal ratio: fewer items, then the lowest ids. Sets that
        take no time (all milestones) first by value: the limit of value per day as the
        time goes to 0."""
        ms = list(members)
        names = sorted(self.ids[m] for m in ms)
        timeless = float(self.days[ms].sum()) <= 0
        return (-round(float(self.value[ms].sum()), 9) if timeless else 0.0, len(names), names)

    def ratio(self, members: Iterable[int]) -> float:
        ms = list(members)
        t = float(self.days[ms].sum())
        v = float(self.value[ms].sum())
        return math.inf if t <= 0 else v / t


_Key = tuple[float, int, list[str]]
_NO_KEY: _Key = (0.0, 0, [])


def _better(r1: float, k1: _Key, r2: float, k2: _Key) -> bool:
    """Is (ratio r1, key k1) a better start than (r2, k2)? Higher ratio, then the smaller key."""
    if math.isinf(r1) or math.isinf(r2):
        if r1 != r2:
            return r1 > r2
    elif not math.isclose(r1, r2, rel_tol=_RATIO_RTOL, abs_tol=1e-12):
        return r1 > r2
    return k1 < k2


def _closure(inst: _Instance, j: int, within: set[int]) -> set[int]:
    """j and its open ancestors inside `within`."""
    out = {j}
    stack = [j]
    while stack:
        for p in inst.preds[stack.pop()]:
            if p in within and p not in out:
                out.add(p)
                stack.append(p)
    return out


def _max_closure(
    inst: _Instance, nodes: set[int], lam: float, closures: list[list[int]] | None = None
) -> tuple[float, set[int]]:
    """The largest closure of `nodes` (predecessors included) of maximum total value - lam x
    days, by one minimum s-t cut (Picard's reduction): the side of the source that cannot
    reach the sink in the residual network, as networkx's minimum_cut gives it. Capacities
    are integers (millionths of a point): networkx's preflow-push can fail on float round-off.
    Shortest augmenting paths are the fastest of networkx's flow algorithms on these small
    graphs. Given every closure of `nodes` (`closures`, few), the same closure by comparing
    them, without networkx (0.1 s to import)."""
    weight = {i: float(inst.value[i] - lam * inst.days[i]) for i in nodes}
    caps = {i: round(w * _CUT_SCALE) for i, w in weight.items()}
    gains = [i for i in nodes if caps[i] > 0]
    if not gains:
        return 0.0, set()  # nothing gains: the empty closure is best
    if all(cap >= 0 for cap in caps.values()):  # nothing costs: every gain with what it needs
        chosen = set().union(*(_closure(inst, i, nodes) for i in gains))
    elif closures is not None:
        totals = [sum(caps[i] for i in c) for c in closures]
        top = max(totals)
        chosen = set().union(*(c for c, t in zip(closures, totals, strict=True) if t == top))
    else:
        import networkx as nx
        from networkx.algorithms.flow import shortest_augmenting_path

        graph = nx.DiGraph()
        src, sink = -1, -2
        graph.add_node(src)
        graph.add_node(sink)
        for i in nodes:
            graph.add_node(i)
            if caps[i] > 0:
                graph.add_edge(src, i, capacity=caps[i])
            elif caps[i] < 0:
                graph.add_edge(i, sink, capacity=-caps[i])
            for p in inst.preds[i]:
                if p in nodes:
                    graph.add_edge(i, p)  # taking i forces p: no capacity, infinite
        _, (reach, _) = nx.minimum_cut(graph, src, sink, flow_func=shortest_augmenting_path)
        chosen = {i for i in reach if i >= 0}
    return sum(weight[i] for i in chosen), chosen


#: Sets of open items with at most this many closures (sets holding their predecessors)
#: are cut by comparing every closure instead of by networkx's minimum cut.
ENUMERATE_MAX_CLOSURES = 256


def _all_closures(inst: _Instance, nodes: set[int], most: int) -> list[list[int]] | None:
    """Every closure of `nodes`, the empty one included; None when there are more than
    `most`. Built item by item in dependency order: each closure of the items so far, with
    the next item added when its predecessors are in."""
    order = _topological(inst, sorted(nodes))
    bit = {m: 1 << k for k, m in enumerate(order)}
    masks = [0]
    for m in order:
        need = sum(bit[p] for p in inst.preds[m] if p in bit)
        masks += [mask | bit[m] for mask in masks if mask & need == need]
        if len(masks) > most:
            return None
    return [[m for m in order if mask & bit[m]] for mask in masks]


def _best_start(inst: _Instance, nodes: set[int]) -> set[int]:
    """The closure of `nodes` with the highest value per day (Dinkelbach's iteration on
    parametric minimum cuts), ties to fewer items, then the lowest ids."""
    # start from the best single item with its ancestors: often optimal already
    best: set[int] | None = None
    best_r = -math.inf
    ratios: list[float] = []
    sizes: list[int] = []
    for j in sorted(nodes):
        c = _closure(inst, j, nodes)
        r = inst.ratio(c)
        ratios.append(r)
        sizes.append(len(c))
        if best is None or _better(r, inst.key(c), best_r, inst.key(best)):
            best, best_r = c, r
    assert best is not None
    if math.isinf(best_r) or len(nodes) == 1:
        return best
    if sorted(sizes) == list(range(1, len(nodes) + 1)) and (
        sum(math.isclose(r, best_r, rel_tol=_RATIO_RTOL, abs_tol=1e-12) for r in ratios) == 1
    ):
        # closures of distinct sizes 1..k: the items form a chain, so every closure is one
        # item's with its ancestors, all scanned above; none ties with the best, so a cut
        # at its ratio finds nothing better (and networkx need not even be imported)
        return best
    scale = max(float(inst.value[list(nodes)].sum()), 1.0)
    lam = best_r
    closures = _all_closures(inst, nodes, ENUMERATE_MAX_CLOSURES)
    for _ in range(100):
        gain, chosen = _max_closure(inst, nodes, lam, closures)
        if gain <= 1e-9 * scale or not chosen:
            break
        r = inst.ratio(chosen)
        if r <= lam:
            break
        best, lam = chosen, r
    return best


def _order_exact(inst: _Instance, nodes: set[int]) -> list[Block]:
    """Sidney's decomposition of `nodes`: repeatedly the best start, each ordered inside."""
    blocks: list[Block] = []
    left = set(nodes)
    while left:
        start = _best_start(inst, left)
        members = _inside(inst, start)
        if members is None:
            members = _inner_greedy(inst, start)
        else:
            # a smaller start that delivers as much per day goes alone (fewer items first)
            ratio = inst.ratio(start)
            for k in range(1, len(members)):  # every prefix is a start: members is in order
                if not _better(ratio, _NO_KEY, inst.ratio(members[:k]), _NO_KEY):
                    start = set(members[:k])
                    members = members[:k]
                    break
        left -= start
        blocks.append(
            Block(
                tuple(members),
                float(inst.value[members].sum()),
                float(inst.days[members].sum()),
            )
        )
    return blocks


def _inside(inst: _Instance, block: set[int]) -> list[int] | None:
    """The exact order inside one block: the dependency-consistent order of least
    sum(value x completion), by dynamic programming over the block's starts (the sets that
    hold all their own predecessors), layer by layer. With the blocks in Sidney's order this
    is an optimal sequence. Ties: the lowest ids first. None when the block has more than
    INSIDE_MAX_STARTS starts (wide blocks): the caller approximates."""
    members = sorted(block, key=lambda m: inst.ids[m])
    pos = {m: k for k, m in enumerate(members)}
    need = [sum(1 << pos[p] for p in inst.preds[m] if p in pos) for m in members]
    days = [float(inst.days[m]) for m in members]
    value = [float(inst.value[m]) for m in members]
    layer: dict[int, tuple[float, tuple[int, ...], float]] = {0: (0.0, (), 0.0)}
    seen = 1
    for _ in members:
        nxt: dict[int, tuple[float, tuple[int, ...], float]] = {}
        for mask, (cost, order, elapsed) in layer.items():
            for k in range(len(members)):
                if mask >> k & 1 or need[k] & ~mask:
                    continue
                done = elapsed + days[k]
                new = (round(cost + value[k] * done, 9), (*order, k), done)
                old = nxt.get(mask | 1 << k)
                if old is None or new[:2] < old[:2]:
                    nxt[mask | 1 << k] = new
        seen += len(nxt)
        if seen > INSIDE_MAX_STARTS:
            return None
        layer = nxt
    ((_, order, _),) = layer.values()
    return [members[k] for k in order]


def _inner_greedy(inst: _Instance, block: set[int]) -> list[int]:
    """The order inside a large block: repeatedly the item whose unscheduled ancestors in the
    block and itself have the highest value per day, with them in dependency order."""
    left = set(block)
    topo = {c: k for k, c in enumerate(_topological(inst, sorted(block)))}
    out: list[int] = []
    while left:
        best: set[int] | None = None
        best_r = -math.inf
        for j in sorted(left):
            c = _closure(inst, j, left)
            r = inst.ratio(c)
            if best is None or _better(r, inst.key(c), best_r, inst.key(best)):
                best, best_r = c, r
        assert best is not None
        out += sorted(best, key=topo.__getitem__)
        left -= best
    return _interchange(inst, out)


def _interchange(inst: _Instance, order: list[int]) -> list[int]:
    """Adjacent interchanges until none helps: two neighbours where the second does not wait
    on the first swap when the second delivers more per day (Smith's rule), which never
    raises sum(value x completion)."""
    order = list(order)
    changed = True
    while changed:
        changed = False
        for k in range(len(order) - 1):
            a, b = order[k], order[k + 1]
            if a in inst.preds[b]:
                continue
            # b before a saves value_b x days_a and costs value_a x days_b
            gain = float(inst.value[b] * inst.days[a] - inst.value[a] * inst.days[b])
            if gain > 1e-9 * max(float(inst.value[a] + inst.value[b]), 1.0):
                order[k], order[k + 1] = b, a
                changed = True
    return order


class _Greedy(NamedTuple):
    """A large component, prepared for the greedy rule: its items in dependency order,
    `preds` the direct predecessors of each (positions in that order) and `desc` bit rows
    (packed, little-endian: _desc_row unpacks one) with bit b of row a set when item b is
    item a or one of its descendants: c^2 / 8 bytes, where a boolean matrix took c^2."""

    items: np.ndarray
    preds: list[list[int]]
    desc: np.ndarray
    days: np.ndarray  # the days of each item with all its ancestors


def _desc_row(comp: _Greedy, a: int) -> np.ndarray:
    """Row a of the descendant matrix, as booleans."""
    return np.unpackbits(comp.desc[a], count=len(comp.items), bitorder="little").view(bool)


class _Sequencer:
    """The structure the sequence needs, computed once and reused for every weight set: the
    components of the dependency graph, and for the large ones their descendant matrices."""

    def __init__(self, inp: _Inputs):
        self.inp = inp
        self.components = inp.components
        self.large: dict[int, _Greedy] = {}
        first = 0  # the first bit of each component (bits go component by component)
        for k, comp in enumerate(self.components):
            if len(comp) > EXACT_MAX_ITEMS:
                order = inp.topo[k]
                size = (len(order) + 7) // 8
                mask = (1 << len(order)) - 1
                rows = b"".join(
                    ((inp.reach[m] >> first & mask) | 1 << a).to_bytes(size, "little")
                    for a, m in enumerate(order)
                )
                desc = np.frombuffer(rows, dtype=np.uint8).reshape(len(order), size)
                where = {m: a for a, m in enumerate(order)}
                preds = [[where[p] for p in inp.preds[m]] for m in order]
                days = _column_sums(desc, inp.days[order], len(order))
                self.large[k] = _Greedy(np.array(order), preds, desc, days)
            first += len(comp)

    def blocks(self, value: np.ndarray) -> list[Block]:
        """Sidney's decomposition of the open items for these values: the starts in order,
        each ordered inside. Components are sequenced apart and merged by value per day (a
        component's starts come in its own order)."""
        inst = _Instance(self.inp.ids, value, self.inp.days, self.inp.preds)
        per_comp = [
            _order_greedy(inst, self.large[k]) if k in self.large else _order_exact(inst, set(comp))
            for k, comp in enumerate(self.components)
        ]

        ids = self.inp.ids

        def entry(k: int, at: int) -> tuple[float, float, int, list[str], int, int]:
            block = per_comp[k][at]  # the same order as _better and _Instance.key
            ratio = math.inf if block.per_day is None else float(f"{block.per_day:.9g}")
            timeless = -round(block.value, 9) if block.days <= 0 else 0.0
            names = sorted(ids[m] for m in block.members)
            return (-ratio, timeless, len(names), names, k, at)

        heap = [entry(k, 0) for k in range(len(per_comp)) if per_comp[k]]
        heapq.heapify(heap)
        out: list[Block] = []
        while heap:
            *_, k, at = heapq.heappop(heap)
            out.append(per_comp[k][at])
            if at + 1 < len(per_comp[k]):
                heapq.heappush(heap, entry(k, at + 1))
        return out


def _order_greedy(inst: _Instance, comp: _Greedy) -> list[Block]:
    """The approximation for large components: repeatedly the item whose unscheduled ancestors
    and itself have the highest value per day (fewer items, then the lowest id on a tie),
    scheduled with them in dependency order. Exact when every best start is one item with its
    ancestors, e.g. on chains and in-trees; each step is a few vector operations (dropping
    the scheduled items from the arrays as they thin out costs more than it saves)."""
    items, preds, desc, _ = comp
    # value and days of each item with its unscheduled ancestors. No BLAS (@) here or in the
    # loop: its threads spin after each call and slow the steps several times over.
    value = inst.value[items]
    days_own = inst.days[items]
    tot_v = _column_sums(desc, value, len(items))
    tot_t = comp.days.copy()
    alive = bytearray(b"\x01") * len(items)  # read item by item: no numpy scalars
    left = len(items)
    item_ids, value_list, days_list = items.tolist(), value.tolist(), days_own.tolist()
    blocks: list[Block] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1e-300 makes 0 / 0 (an unscheduled milestone) +inf
        ratio = (tot_v + 1e-300) / np.maximum(tot_t, 0.0)
        num, den = np.empty_like(ratio), np.empty_like(ratio)
        while left:
            pick = int(ratio.argmax())
            top = ratio[pick]
            if top == -math.inf:
                break
            near = ratio >= (top if math.isinf(top) else top - abs(top) * _RATIO_RTOL - 1e-12)
            if np.count_nonzero(near) > 1:  # a tie: fewer items, then the lowest id
                cand = np.flatnonzero(near)
                sizes = [len(_alive_closure(preds, alive, c)) for c in cand.tolist()]
                values = -tot_v[cand] if math.isinf(top) else np.zeros(len(cand))
                pick = min(
                    zip(values.round(9).tolist(), sizes, cand.tolist(), strict=True),
                    key=lambda vsc: (vsc[0], vsc[1], inst.ids[items[vsc[2]]]),
                )[2]
            members = sorted(_alive_closure(preds, alive, pick))  # dependency order
            # only the descendants of what goes change (x - 0 = x elsewhere)
            if len(members) == 1:  # the usual step, in plain floats (a sum of one is exact)
                idx = pick
                blocks.append(Block((item_ids[pick],), value_list[pick], days_list[pick]))
                alive[pick] = False
                hit = _desc_row(comp, pick)  # a boolean mask: whole-array steps beat gathers
                np.subtract(tot_v, value[pick], out=tot_v, where=hit)
                np.subtract(tot_t, days_own[pick], out=tot_t, where=hit)
            else:
                idx = np.array(members)
                got_v, got_t = value[idx].sum(), days_own[idx].sum()
                blocks.append(Block(tuple(items[idx].tolist()), float(got_v), float(got_t)))
                for m in members:
                    alive[m] = False
                rows = np.unpackbits(desc[idx], axis=1, count=len(items), bitorder="little")
                rows = rows.view(bool)
                tot_v -= (value[idx, None] * rows).sum(axis=0)  # - 0 where none is an ancestor
                tot_t -= (days_own[idx, None] * rows).sum(axis=0)
            left -= len(members)
            # a scheduled item is never updated again (its ancestors went first), so it is
            # parked at -inf
            tot_v[idx] = -math.inf
            tot_t[idx] = 1.0
            # every ratio again: the same values where nothing changed, and on 1,000s of
            # items three whole-array steps cost less than gathering the changed ones
            np.add(tot_v, 1e-300, out=num)
            np.maximum(tot_t, 0.0, out=den)
            np.divide(num, den, out=ratio)
    return blocks


def _column_sums(packed: np.ndarray, weights: np.ndarray, width: int) -> np.ndarray:
    """weights @ rows for a packed bit matrix (see _Greedy), unpacked a chunk of rows at a
    time: no BLAS (einsum without `optimize` never calls it; see _order_greedy) and no float
    or even boolean copy of the whole matrix."""
    out = np.zeros(width)
    for start in range(0, packed.shape[0], _CHUNK):
        rows = np.unpackbits(
            packed[start : start + _CHUNK], axis=1, count=width, bitorder="little"
        ).view(bool)
        out += np.einsum("i,ij->j", weights[start : start + _CHUNK], rows)
    return out


def _alive_closure(preds: list[list[int]], alive: bytearray, j: int) -> set[int]:
    """j and its unscheduled ancestors, by a walk up the direct predecessors: a block is a
    few items, so this beats a row of an ancestor matrix (and its n x n transpose)."""
    out = {j}
    stack = [j]
    while stack:
        for p in preds[stack.pop()]:
            if p not in out and alive[p]:
                out.add(p)
                stack.append(p)
    return out


class _BlockShifts:
    """Approximate rank ranges for plans of more than RANGE_EXACT_MAX open items, where 14
    full reruns of the greedy sequence take seconds: the blocks of the sequence are kept
    whole, and at the changed weights they are put in order again by value per day, each
    as soon as the blocks it waits on have gone (a list schedule, O(n log n) a rerun). At
    the plan's own weights this gives the sequence back, so an item's rank moves by what
    its block gains or loses, added to its rank in the sequence."""

    def __init__(self, blocks: list[Block], inp: _Inputs, value: np.ndarray):
        n = len(inp.ids)
        self.sizes = np.array([len(b.members) for b in blocks], dtype=np.int64)
        self.seq = np.array([m for b in blocks for m in b.members], dtype=np.int64)
        self.starts = np.cumsum(self.sizes) - self.sizes
        self.days = np.array([b.days for b in blocks])
        self.block_of = np.empty(n, dtype=np.int64)
        self.block_of[self.seq] = np.repeat(np.arange(len(blocks)), self.sizes)
        self.inside = np.empty(n, dtype=np.int64)  # place inside its block, 0 first
        self.inside[self.seq] = np.arange(n) - np.repeat(self.starts, self.sizes)
        succs: list[set[int]] = [set() for _ in blocks]
        for j, ps in enumerate(inp.preds):
            bj = int(self.block_of[j])
            for p in ps:
                bp = int(self.block_of[p])
                if bp != bj:
                    succs[bp].add(bj)
        self.succs = [sorted(s) for s in succs]
        self.waiting = [0] * len(blocks)
        for s in self.succs:
            for b in s:
                self.waiting[b] += 1
        self.base = self._schedule(value)

    def _schedule(self, value: np.ndarray) -> np.ndarray:
        """Each item's rank when the blocks go by value per day, dependencies first; equal
        ratios keep the sequence's order. Timeless blocks first, the most valuable first."""
        got = np.add.reduceat(value[self.seq], self.starts) if len(self.seq) else np.zeros(0)
        timeless = self.days <= 0
        with np.errstate(divide="ignore", invalid="ignore"):
            key = np.where(timeless, -got, -got / np.where(timeless, 1.0, self.days))
        first = np.where(timeless, 0, 1)
        # the heap holds each block's place in (first, key, block) order: ints compare
        # faster than those tuples, and this runs once per weight halved or doubled
        best = np.lexsort((np.arange(len(got)), key, first)).tolist()
        place = [0] * len(got)
        for k, b in enumerate(best):
            place[b] = k
        waiting = list(self.waiting)
        heap = [place[b] for b in range(len(got)) if waiting[b] == 0]
        heapq.heapify(heap)
        order: list[int] = []
        succs = self.succs
        while heap:
            b = best[heapq.heappop(heap)]
            order.append(b)
            for s in succs[b]:
                waiting[s] -= 1
                if waiting[s] == 0:
                    heapq.heappush(heap, place[s])
        at = np.array(order, dtype=np.int64)
        start = np.empty(len(got), dtype=np.int64)
        start[at] = np.cumsum(self.sizes[at]) - self.sizes[at]
        return start[self.block_of] + self.inside + 1

    def ranks(self, ranks: np.ndarray, value: np.ndarray) -> np.ndarray:
        """Approximate ranks at other values: the sequence's ranks moved by their blocks'."""
        moved = ranks + self._schedule(value) - self.base
        return np.clip(moved, 1, len(ranks))


def _topological(inst: _Instance, comp: list[int]) -> list[int]:
    """`comp` in dependency order, the lowest id first whenever there is a choice."""
    inside = set(comp)
    waiting = {c: sum(1 for p in inst.preds[c] if p in inside) for c in comp}
    heap = [(inst.ids[c], c) for c in comp if waiting[c] == 0]
    heapq.heapify(heap)
    out: list[int] = []
    while heap:
        _, c = heapq.heappop(heap)
        out.append(c)
        for s in inst.succs[c]:
            if s in inside:
                waiting[s] -= 1
                if waiting[s] == 0:
                    heapq.heappush(heap, (inst.ids[s], s))
    return out


def _followed(ranks: np.ndarray, preds: list[list[int]]) -> list[int]:
    """Score order as a team would follow it: each time, the best-ranked item whose open
    dependencies are done. What the value curve compares the sequence with, since plain
    score order may put work before what it waits on, which no team can do."""
    waiting = [len(p) for p in preds]
    succs: list[list[int]] = [[] for _ in preds]
    for j, ps in enumerate(preds):
        for p in ps:
            succs[p].append(j)
    rank = ranks.tolist()  # a permutation of 1..n: the heap holds ranks, `at` their items
    at = [0] * (len(rank) + 1)
    for j, r in enumerate(rank):
        at[r] = j
    heap = [rank[j] for j in range(len(preds)) if waiting[j] == 0]
    heapq.heapify(heap)
    out: list[int] = []
    while heap:
        j = at[heapq.heappop(heap)]
        out.append(j)
        for s in succs[j]:
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(heap, rank[s])
    return out


def _place(blocks: list[Block], n: int) -> tuple[list[int], np.ndarray]:
    """The items in sequence order, and each item's rank (1 first)."""
    seq = [m for b in blocks for m in b.members]
    ranks = np.empty(n, dtype=np.int64)
    ranks[np.array(seq, dtype=np.int64)] = np.arange(1, n + 1)
    return seq, ranks


def _curve(order: list[int], value: np.ndarray, days: np.ndarray, ids: list[str]):  # type: ignore[no-untyped-def]
    total = float(value.sum())
    out = []
    day = got = 0.0
    for m in order:
        day += float(days[m])
        got += float(value[m])
        out.append((ids[m], day, got / total if total > 0 else 0.0))
    return tuple(out)


def _resolve(
    plan: Plan,
    weights: Mapping[str, float] | None,
    method: str | None,
    order: str | None,
) -> tuple[str, dict[str, float], str]:
    cfg = plan.priority
    method = check_method(method if method is not None else cfg.method)
    order = order if order is not None else cfg.order
    if order not in ORDERS:
        raise PriorityError(unknown_name("order", order, ORDERS))
    return method, resolve_weights(cfg.weights, weights), order


def sequence(
    plan: Plan,
    forecast: ForecastLike | Mapping[str, ItemFigures],
    *,
    weights: Mapping[str, float] | None = None,
    method: str | None = None,
    order: str | None = None,
) -> list[str]:
    """The open item ids in the order the plan's `[priority] order` puts them: the value-per-day
    sequence that respects dependencies (the default), or score order.

    The one order other code should follow (e.g. a capacity queue). Same inputs as
    `prioritize`, without the rank ranges, so it is cheaper.
    """
    method, resolved, order = _resolve(plan, weights, method, order)
    w = np.array([resolved[name] for name in FACTORS])
    inp = _inputs(plan, _figures_map(forecast))
    own = _own_scores(inp.values, w, method)
    if order == "score":
        ranks = _score_ranks(own, inp)
        return [inp.ids[i] for i in np.argsort(ranks, kind="stable").tolist()]
    seq, _ = _place(_Sequencer(inp).blocks(own), len(inp.ids))
    return [inp.ids[i] for i in seq]


def prioritize(
    plan: Plan,
    forecast: ForecastLike | Mapping[str, ItemFigures],
    *,
    weights: Mapping[str, float] | None = None,
    method: str | None = None,
    order: str | None = None,
) -> Ranking:
    """Rank the plan's open items (todo, doing); done and dropped items are not ranked.

    `forecast` is a ForecastResult or a mapping id -> figures (p_success, criticality,
    p_on_time, mean_duration). `weights` override the plan's `[priority]` weights by name;
    `method` and `order` default to the plan's. Raises PriorityError (WeightError for bad
    weights) with a message fit for the user.
    """
    method, resolved, order = _resolve(plan, weights, method, order)
    w = np.array([resolved[name] for name in FACTORS])

    inp = _inputs(plan, _figures_map(forecast))
    n = len(inp.ids)
    sequencer = _Sequencer(inp)

    def ranks_for(own: np.ndarray) -> tuple[np.ndarray, list[Block]]:
        if order == "score":
            return _score_ranks(own, inp), []
        blocks = sequencer.blocks(own)
        return _place(blocks, n)[1], blocks

    own = _own_scores(inp.values, w, method)
    ranks, blocks = ranks_for(own)
    if order == "score":
        blocks = sequencer.blocks(own)  # the `with` and `per_day` columns still tell
    seq_order, _ = _place(blocks, n)
    score_order = _followed(_score_ranks(own, inp), inp.preds)
    curve = ValueCurve(
        float(own.sum()),
        _curve(seq_order, own, inp.days, inp.ids),
        _curve(score_order, own, inp.days, inp.ids),
    )
    block_of: dict[int, tuple[int, Block]] = {
        m: (k, b) for k, b in enumerate(blocks, start=1) for m in b.members
    }

    best = ranks.copy()
    worst = ranks.copy()
    shifts = _BlockShifts(blocks, inp, own) if order == "sequence" and n > RANGE_EXACT_MAX else None
    for k in range(len(FACTORS)):
        if w[k] == 0:
            continue  # halving or doubling zero changes nothing
        for mult in STABILITY_MULTIPLIERS:
            w2 = w.copy()
            w2[k] *= mult
            own2 = _own_scores(inp.values, w2, method)
            r2 = ranks_for(own2)[0] if shifts is None else shifts.ranks(ranks, own2)
            np.minimum(best, r2, out=best)
            np.maximum(worst, r2, out=worst)

    g = _terms(inp.values, method)
    share = w / w.sum()
    # every item's contributions at once, then plain floats: no numpy call per item
    if method == "weighted":
        contribs = (100.0 * inp.values * share).tolist()
    else:
        weighted_g = w * g
        totals = weighted_g.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            split = own[:, None] * weighted_g / totals[:, None]
        contribs = np.where(totals[:, None] > 0, split, 0.0).tolist()
    values_list = inp.values.tolist()
    table = _FactorTable(inp, values_list, w.tolist(), contribs)
    gates = [k for k, name in enumerate(FACTORS) if name in GATES and w[k] > 0]
    ranked: list[RankedItem] = []
    for i, item_id in enumerate(inp.ids):
        vetoed: tuple[str, ...] = ()
        if method == "gated":
            vetoed = tuple(FACTORS[k] for k in gates if values_list[i][k] == 0)
        place, block = block_of[i]
        ranked.append(
            RankedItem(
                id=item_id,
                title=plan.item_by_id[item_id].title,
                rank=int(ranks[i]),
                score=float(own[i]),
                days=float(inp.days[i]),
                per_day=block.per_day,
                with_ids=tuple(inp.ids[m] for m in block.members),
                block=place,
                ready=inp.ready[i],
                rank_range=(int(best[i]), int(worst[i])),
                factors=_Factors(table, i),
                vetoed_by=vetoed,
            )
        )
    ranked.sort(key=lambda r: r.rank)
    unranked = {i.id: i.status for i in plan.items if not i.is_open}
    return Ranking(method, resolved, order, ranked, unranked, curve)


class RankedPlan(NamedTuple):
    """A forecast and the ranking made from it, with the plan as the scenario sees it."""

    plan: Plan
    forecast: ForecastResult | ForecastFigures
    ranking: Ranking


def rank_plan(
    plan: Plan,
    *,
    scenario: str | None = None,
    runs: int | None = None,
    seed: int | None = None,
    weights: Mapping[str, float] | None = None,
    method: str | None = None,
    order: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    figures_only: bool = False,
) -> RankedPlan:
    """Forecast `plan` under `scenario` and rank the plan that scenario sees, in one place.

    The ranking must score the same plan the forecast simulated (overrides applied), which
    every face that ranks (prioritize, exports) needs. With `figures_only` the forecast is
    only the figures the ranking reads (forecast.figures: the same values, a fraction of
    the memory); exports need the whole forecast. Raises ValueError (ForecastError,
    PriorityError) for an unknown scenario or a plan that cannot be simulated or scored.
    """
    from roadmap_tui.forecast import figures, simulate

    result: ForecastResult | ForecastFigures
    if figures_only:
        result = figures(plan, runs=runs, seed=seed, scenario=scenario)
    else:
        result = simulate(plan, runs=runs, seed=seed, scenario=scenario, progress=progress)
    seen = plan.apply_scenario(scenario) if scenario is not None else plan
    return RankedPlan(
        seen, result, prioritize(seen, result, weights=weights, method=method, order=order)
    )


def bar_segments(item: RankedItem, width: int) -> list[tuple[str, int]]:
    """How many of `width` cells each contribution fills (score 100 fills them all).

    Cumulative rounding, so the cells add up to round(score / 100 * width) exactly.
    """
    out: list[tuple[str, int]] = []
    cum = 0.0
    drawn = 0
    for name, points in item.contributions().items():
        cum += max(points, 0.0)
        edge = round(min(cum, 100.0) / 100.0 * width)
        if edge > drawn:
            out.append((name, edge - drawn))
            drawn = edge
    return out


def _by(target: object) -> str:
    return "" if target is None else f" by {target}"


def _round(x: float) -> float:
    return round(float(x), 6)


def _fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _maybe_round(x: float | None) -> float | None:
    return None if x is None else _round(x)


def _fmt_days(x: float) -> str:
    return str(round(x)) if abs(x - round(x)) < 0.05 or x >= 10 else f"{x:.1f}"


def _per_day_text(per_day: float | None) -> str:
    return "no working days" if per_day is None else f"{per_day:.1f} a day"


def _join(names: Iterable[str], most: int = 3) -> str:
    """'a, b and c'; past `most` names, 'a, b, c and 4 more'."""
    names = list(names)
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_WORDS = ("", "", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _ordinal_word(n: int) -> str:
    return _WORDS[n] if n < len(_WORDS) else _ordinal(n)
