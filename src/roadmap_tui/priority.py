"""The priority model: a transparent, forecast-aware ranking of the open items of a plan.

Every score is built from seven factors normalised to 0..1 (see docs/prioritisation.md), so
each one can be explained: raw input, normalised value, weight, contribution and where the
input came from (a plan field, the forecast or the dependency graph). Pure: no I/O, no Textual.
"""

from __future__ import annotations

import difflib
import heapq
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

import networkx as nx
import numpy as np

from roadmap_tui.model.graph import build_graph, find_cycle, format_cycle, topological_order
from roadmap_tui.model.types import DEFAULT_WEIGHTS, FACTORS, METHODS, Plan, readiness_name

if TYPE_CHECKING:
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
#: The name of the contribution a blocker inherits from the work waiting on it.
INHERITED = "inherited"
#: Working days at which `ease` is 0.5: a month-long item.
EASE_HALF_DAYS = 20.0
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


class Inherited(NamedTuple):
    """The lift a blocker gets from the best open item waiting on it."""

    contribution: float
    from_id: str


@dataclass(frozen=True)
class RankedItem:
    """One open item in the ranking. Contributions plus `inherited` add up to `score`."""

    id: str
    title: str
    rank: int
    score: float
    ready: bool
    rank_range: tuple[int, int]
    factors: Mapping[str, FactorValue]
    inherited: Inherited | None = None
    own_score: float = 0.0
    vetoed_by: tuple[str, ...] = ()

    @property
    def rank_label(self) -> str:
        """'3 (2-5)': the rank and its best and worst when any one weight is halved or doubled."""
        best, worst = self.rank_range
        return f"{self.rank} ({best}-{worst})"

    def contributions(self) -> dict[str, float]:
        """Score points by factor, with `inherited` last when present: what the bar shows."""
        parts = {name: fv.contribution for name, fv in self.factors.items()}
        if self.inherited is not None:
            parts[INHERITED] = self.inherited.contribution
        return parts


@dataclass(frozen=True)
class Explanation:
    """Everything behind one item's score, as rows a face can print."""

    item: RankedItem
    method: str
    total_weight: float
    notes: tuple[str, ...]

    @property
    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """(factor, raw input, value, weight, contribution, source), all formatted."""
        rows = [
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
        if self.item.inherited is not None:
            inh = self.item.inherited
            rows.append(
                (INHERITED, f"from {inh.from_id}", "", "", f"{inh.contribution:.1f}", "graph")
            )
        return rows

    def to_text(self) -> str:
        """A plain-text rendering, for logs and tests."""
        head = f"{self.item.id}: rank {self.item.rank_label}, score {self.item.score:.1f}"
        lines = [head, *("  " + " | ".join(r) for r in self.rows), *self.notes]
        return "\n".join(lines)


@dataclass(frozen=True)
class Ranking:
    """The open items of a plan in rank order, with the method and weights that ranked them."""

    method: str
    weights: Mapping[str, float]
    inherit: bool
    items: list[RankedItem]
    #: Items that are in the plan but not ranked, with their status (done or dropped).
    unranked: Mapping[str, str] = field(default_factory=dict)

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

    def explain(self, item_id: str) -> Explanation:
        """Every factor's raw input, value, weight, contribution and source for one item."""
        ranked = self.item(item_id)
        total = sum(self.weights.values())
        notes: list[str] = []
        if self.method == "weighted":
            notes.append(
                f"score = 100 x sum(weight x value) / {_fmt_num(total)} = {ranked.own_score:.1f}"
            )
        else:
            notes.append(
                f"score = 100 x product(g ^ (weight / {_fmt_num(total)})) = "
                f"{ranked.own_score:.1f}; gates {', '.join(GATES)} use g = value, "
                f"boosts {', '.join(BOOSTS)} use g = 0.5 + 0.5 x value; "
                "contributions split the score in proportion to weight x g"
            )
        if ranked.vetoed_by:
            notes.append(f"vetoed: {', '.join(ranked.vetoed_by)} at zero (no data, no value yet)")
        if ranked.inherited is not None:
            notes.append(
                f"inherited: lifted from {ranked.own_score:.1f} to {ranked.score:.1f} because "
                f"{ranked.inherited.from_id} waits on it"
            )
        best, worst = ranked.rank_range
        notes.append(
            f"rank {ranked.rank}; between {best} and {worst} when any one weight is halved "
            "or doubled"
        )
        return Explanation(ranked, self.method, total, tuple(notes))

    def to_json_dict(self) -> dict[str, Any]:
        """The `--json` schema: method, weights and the items in rank order."""
        items = []
        for r in self.items:
            factors: dict[str, Any] = {
                name: {
                    "value": _round(fv.value),
                    "weight": fv.weight,
                    "contribution": _round(fv.contribution),
                    "source": fv.source,
                }
                for name, fv in r.factors.items()
            }
            if r.inherited is not None:
                factors[INHERITED] = {
                    "value": None,
                    "weight": None,
                    "contribution": _round(r.inherited.contribution),
                    "source": "graph",
                    "from": r.inherited.from_id,
                }
            items.append(
                {
                    "id": r.id,
                    "title": r.title,
                    "rank": r.rank,
                    "score": _round(r.score),
                    "ready": r.ready,
                    "rank_range": list(r.rank_range),
                    "factors": factors,
                }
            )
        return {
            "method": self.method,
            "weights": dict(self.weights),
            "inherit": self.inherit,
            "items": items,
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
    """Factor values of the open items, computed once and re-scored for every weight set."""

    ids: list[str]
    values: np.ndarray  # (n items, len(FACTORS)) in 0..1
    raws: list[dict[str, tuple[Any, str]]]  # per item: factor -> (raw, detail)
    waits_on: np.ndarray  # bool (n, n): [i, j] when open item j depends on i, directly or not
    ready: list[bool]
    id_order: np.ndarray  # position of each id in sorted order, the final tie-break


def _figures_map(forecast: ForecastLike | Mapping[str, ItemFigures]) -> Mapping[str, ItemFigures]:
    if isinstance(forecast, Mapping):
        return forecast
    return forecast.items


def _inputs(plan: Plan, figures: Mapping[str, ItemFigures]) -> _Inputs:
    open_items = [item for item in plan.items if item.is_open]
    ids = [item.id for item in open_items]
    n = len(ids)
    waits_on = _waits_on(plan, ids)
    others = max(n - 1, 0)

    values = np.zeros((n, len(FACTORS)))
    raws: list[dict[str, tuple[Any, str]]] = []
    ready: list[bool] = []
    for i, item in enumerate(open_items):
        fig = figures.get(item.id)
        if fig is None:
            raise PriorityError(
                f"item {item.id!r}: the forecast has no figures for it (was it simulated "
                "with the same plan and scenario?)"
            )
        crit = float(fig.criticality)
        on_time = None if fig.p_on_time is None else float(fig.p_on_time)
        urgency = crit if on_time is None else max(crit, 1.0 - on_time)
        dependents = int(waits_on[i].sum())
        mean_days = float(fig.mean_duration)
        row = {
            "impact": (
                item.impact / 5.0,
                item.impact,
                f"impact {_fmt_num(item.impact)} of 5",
            ),
            "data": (item.data, item.data, f"data {item.data:.0%} in hand"),
            "readiness": (
                item.readiness / 9.0,
                item.readiness,
                f"readiness {readiness_name(item.readiness)}",
            ),
            "confidence": (
                float(fig.p_success),
                float(fig.p_success),
                f"P(success) {fig.p_success:.2f}",
            ),
            "urgency": (
                urgency,
                (crit, on_time),
                f"criticality {crit:.2f}; "
                + (
                    "no target"
                    if on_time is None
                    else f"P(on time{_by(item.target)}) {on_time:.2f}"
                ),
            ),
            "unblocks": (
                dependents / others if others else 0.0,
                dependents,
                f"{dependents} of {others} other open items wait on it",
            ),
            "ease": (
                1.0 / (1.0 + max(mean_days, 0.0) / EASE_HALF_DAYS),
                mean_days,
                f"mean {mean_days:.1f} working days",
            ),
        }
        values[i] = [min(max(row[name][0], 0.0), 1.0) for name in FACTORS]
        raws.append({name: (row[name][1], row[name][2]) for name in FACTORS})
        ready.append(
            all(
                plan.item_by_id[dep].status in ("done", "dropped")
                for dep in item.depends_on
                if dep in plan.item_by_id
            )
        )
    id_order = np.empty(n, dtype=np.int64)
    id_order[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(n)
    return _Inputs(ids, values, raws, waits_on, ready, id_order)


def _waits_on(plan: Plan, ids: list[str]) -> np.ndarray:
    """[i, j] when ids[j] depends on ids[i] directly or not, dropped items left out (their
    links no longer hold anything up): a transitive closure built in one reverse
    topological sweep, one row of bits per item."""
    graph = build_graph(plan)
    graph.remove_nodes_from([i.id for i in plan.items if i.status == "dropped"])
    try:
        order = topological_order(graph)
    except nx.NetworkXUnfeasible:
        cycle = find_cycle(graph) or []
        raise PriorityError(f"dependency cycle: {format_cycle(cycle)}") from None
    position = {node: k for k, node in enumerate(order)}
    reach = np.zeros((len(order), len(order)), dtype=bool)
    for node in reversed(order):
        row = reach[position[node]]
        for child in graph.successors(node):
            row |= reach[position[child]]
            row[position[child]] = True
    rows = [position[i] for i in ids]
    return reach[np.ix_(rows, rows)]


_BOOST_MASK = np.array([name in BOOSTS for name in FACTORS])


def _terms(values: np.ndarray, method: str) -> np.ndarray:
    """g_k: the factor values as the method sees them (boosts shifted under `gated`)."""
    if method == "weighted":
        return values
    return np.where(_BOOST_MASK, 0.5 + 0.5 * values, values)


def _own_scores(values: np.ndarray, w: np.ndarray, method: str) -> np.ndarray:
    share = w / w.sum()
    if method == "weighted":
        return 100.0 * values @ share
    g = _terms(values, method)
    with np.errstate(divide="ignore"):
        logs = np.where(share > 0, np.log(g), 0.0)  # a zero-weight factor neither helps nor vetoes
    return 100.0 * np.exp(logs @ share)


def _final_scores(own: np.ndarray, waits_on: np.ndarray, inherit: bool) -> np.ndarray:
    if not inherit or own.size == 0:
        return own
    lifted = np.where(waits_on, own[None, :], -np.inf).max(axis=1)
    return np.maximum(own, lifted)


def _ranks(final: np.ndarray, own: np.ndarray, inp: _Inputs) -> np.ndarray:
    """Rank 1 first, by score. Equal scores: a blocker before the work waiting on it, then the
    higher own score (before inheritance), then the id."""
    rounded = np.round(final, _TIE_DECIMALS)
    preference = np.empty(final.size, dtype=np.int64)  # own score, then id
    preference[np.lexsort((inp.id_order, -np.round(own, _TIE_DECIMALS)))] = np.arange(final.size)
    order = list(np.lexsort((preference, -rounded)))
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and rounded[order[end]] == rounded[order[start]]:
            end += 1
        if end - start > 1:
            order[start:end] = _blockers_first(order[start:end], preference, inp.waits_on)
        start = end
    ranks = np.empty(final.size, dtype=np.int64)
    ranks[np.array(order, dtype=np.int64)] = np.arange(1, final.size + 1)
    return ranks


def _blockers_first(group: list[int], preference: np.ndarray, waits_on: np.ndarray) -> list[int]:
    """Kahn's topological sort of a tie group, the preferred item first whenever there is a
    choice (`group` comes in preference order)."""
    sub = waits_on[np.ix_(group, group)]
    if not sub.any():
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


def prioritize(
    plan: Plan,
    forecast: ForecastLike | Mapping[str, ItemFigures],
    *,
    weights: Mapping[str, float] | None = None,
    method: str | None = None,
    inherit: bool | None = None,
) -> Ranking:
    """Rank the plan's open items (todo, doing); done and dropped items are not ranked.

    `forecast` is a ForecastResult or a mapping id -> figures (p_success, criticality,
    p_on_time, mean_duration). `weights` override the plan's `[priority]` weights by name;
    `method` and `inherit` default to the plan's. Raises PriorityError (WeightError for bad
    weights) with a message fit for the user.
    """
    cfg = plan.priority
    method = check_method(method if method is not None else cfg.method)
    inherit = cfg.inherit if inherit is None else inherit
    resolved = resolve_weights(cfg.weights, weights)
    w = np.array([resolved[name] for name in FACTORS])

    inp = _inputs(plan, _figures_map(forecast))
    own = _own_scores(inp.values, w, method)
    final = _final_scores(own, inp.waits_on, inherit)
    ranks = _ranks(final, own, inp)

    best = ranks.copy()
    worst = ranks.copy()
    for k in range(len(FACTORS)):
        if w[k] == 0:
            continue  # halving or doubling zero changes nothing
        for mult in STABILITY_MULTIPLIERS:
            w2 = w.copy()
            w2[k] *= mult
            own2 = _own_scores(inp.values, w2, method)
            r2 = _ranks(_final_scores(own2, inp.waits_on, inherit), own2, inp)
            np.minimum(best, r2, out=best)
            np.maximum(worst, r2, out=worst)

    g = _terms(inp.values, method)
    share = w / w.sum()
    ranked: list[RankedItem] = []
    for i, item_id in enumerate(inp.ids):
        if method == "weighted":
            contrib = 100.0 * inp.values[i] * share
        else:
            weighted_g = w * g[i]
            total = weighted_g.sum()
            contrib = own[i] * weighted_g / total if total > 0 else np.zeros_like(weighted_g)
        factors = {
            name: FactorValue(
                raw=inp.raws[i][name][0],
                value=float(inp.values[i, k]),
                weight=float(w[k]),
                contribution=float(contrib[k]),
                source=SOURCES[name],
                detail=inp.raws[i][name][1],
            )
            for k, name in enumerate(FACTORS)
        }
        inherited = None
        if final[i] > own[i]:
            donors = [j for j in np.flatnonzero(inp.waits_on[i]) if own[j] == final[i]]
            donor = min(donors, key=lambda j: inp.ids[j])
            inherited = Inherited(float(final[i] - own[i]), inp.ids[donor])
        vetoed = ()
        if method == "gated":
            vetoed = tuple(
                name
                for k, name in enumerate(FACTORS)
                if name in GATES and w[k] > 0 and inp.values[i, k] == 0
            )
        ranked.append(
            RankedItem(
                id=item_id,
                title=plan.item_by_id[item_id].title,
                rank=int(ranks[i]),
                score=float(final[i]),
                ready=inp.ready[i],
                rank_range=(int(best[i]), int(worst[i])),
                factors=factors,
                inherited=inherited,
                own_score=float(own[i]),
                vetoed_by=vetoed,
            )
        )
    ranked.sort(key=lambda r: r.rank)
    unranked = {i.id: i.status for i in plan.items if not i.is_open}
    return Ranking(method, resolved, inherit, ranked, unranked)


class RankedPlan(NamedTuple):
    """A forecast and the ranking made from it, with the plan as the scenario sees it."""

    plan: Plan
    forecast: ForecastResult
    ranking: Ranking


def rank_plan(
    plan: Plan,
    *,
    scenario: str | None = None,
    runs: int | None = None,
    seed: int | None = None,
    weights: Mapping[str, float] | None = None,
    method: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RankedPlan:
    """Forecast `plan` under `scenario` and rank the plan that scenario sees, in one place.

    The ranking must score the same plan the forecast simulated (overrides applied), which
    every face that ranks (prioritize, exports) needs. Raises ValueError (ForecastError,
    PriorityError) for an unknown scenario or a plan that cannot be simulated or scored.
    """
    from roadmap_tui.forecast import simulate

    result = simulate(plan, runs=runs, seed=seed, scenario=scenario, progress=progress)
    seen = plan.apply_scenario(scenario) if scenario is not None else plan
    return RankedPlan(seen, result, prioritize(seen, result, weights=weights, method=method))


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
