"""The value-per-day sequence (issue 11): closed-form cases and brute force over every
dependency-consistent order of small plans. Only the impact weight counts, so an item's value
is 20 x impact, and durations are fixed, so every figure is exact."""

from __future__ import annotations

import math
import random
from datetime import date

import networkx as nx
import numpy as np
import pytest

from roadmap_tui.model.types import Item, Plan, PriorityConfig
from roadmap_tui.priority import Figures, PriorityError, prioritize, sequence

START = date(2026, 1, 5)
IMPACT_ONLY = {f: 0.0 for f in ("data", "readiness", "confidence", "urgency", "unblocks", "ease")}


def make(spec: dict[str, tuple[float, float, tuple[str, ...]]], order: str = "sequence"):
    """{id: (impact, days, depends_on)} -> (plan, figures)."""
    items = tuple(
        Item(i, i.upper(), impact=imp, depends_on=deps, kind="milestone" if d == 0 else "task")
        for i, (imp, d, deps) in spec.items()
    )
    plan = Plan(
        "t",
        START,
        items=items,
        priority=PriorityConfig(weights={"impact": 1.0, **IMPACT_ONLY}, order=order),  # type: ignore[arg-type]
    )
    return plan, {i: Figures(mean_duration=d) for i, (_, d, _) in spec.items()}


def order_of(spec, order: str = "sequence") -> list[str]:
    plan, f = make(spec, order)
    return [r.id for r in prioritize(plan, f).items]


def test_a_cheap_blocker_rises_with_the_valuable_item_it_unblocks() -> None:
    spec = {"a": (1, 10, ()), "b": (5, 10, ("a",)), "c": (3, 5, ())}
    assert order_of(spec) == ["c", "a", "b"]
    plan, f = make(spec)
    ranking = prioritize(plan, f)
    a, b, c = (ranking.item(i) for i in "abc")
    assert (a.score, b.score, c.score) == pytest.approx((20, 100, 60))
    assert (a.days, b.days, c.days) == (10, 10, 5)
    assert c.per_day == pytest.approx(12) and c.with_ids == ("c",)
    assert a.with_ids == b.with_ids == ("a", "b")
    assert a.per_day == b.per_day == pytest.approx(120 / 20)
    assert (c.block, a.block, b.block) == (1, 2, 2)
    assert "inherited" not in a.factors
    # score order: B first although it cannot start
    by_score = prioritize(plan, f, order="score")
    assert [r.id for r in by_score.items] == ["b", "c", "a"]
    assert not by_score.item("b").ready and by_score.item("a").ready


def test_a_long_independent_item_goes_after_the_chain() -> None:
    spec = {"a": (1, 10, ()), "b": (5, 10, ("a",)), "c": (3, 20, ())}
    assert order_of(spec) == ["a", "b", "c"]


def test_diamond() -> None:
    # a -> (b, c) -> d: the cheap, valuable side goes first, d as soon as both are done
    spec = {"a": (1, 2, ()), "b": (4, 2, ("a",)), "c": (1, 10, ("a",)), "d": (5, 2, ("b", "c"))}
    assert order_of(spec) == ["a", "b", "c", "d"]
    spec["c"] = (5, 1, ("a",))
    assert order_of(spec) == ["a", "c", "b", "d"]


def test_a_chain_beside_an_independent_item() -> None:
    # the chain x -> y -> z delivers 300 points in 30 days (10 a day); q 80 in 10 (8 a day)
    spec = {"x": (5, 10, ()), "y": (5, 10, ("x",)), "z": (5, 10, ("y",)), "q": (4, 10, ())}
    assert order_of(spec) == ["x", "y", "z", "q"]
    spec["q"] = (4, 5, ())  # now 16 a day: first
    assert order_of(spec) == ["q", "x", "y", "z"]


def test_ties_go_to_fewer_items_then_the_lowest_id() -> None:
    # equal value per day: b and a alone before the pair c -> d, a before b
    spec = {"b": (1, 5, ()), "a": (2, 10, ()), "c": (1, 5, ()), "d": (1, 5, ("c",))}
    plan, f = make(spec)
    ranking = prioritize(plan, f)
    assert [r.id for r in ranking.items] == ["a", "b", "c", "d"]
    assert ranking.item("c").with_ids == ("c",)  # a tie is not a reason to group


def test_a_milestone_comes_right_after_its_last_open_predecessor() -> None:
    spec = {
        "a": (1, 10, ()),
        "m": (0, 0, ("a",)),
        "b": (5, 2, ()),
        "c": (1, 30, ()),
    }
    assert order_of(spec) == ["b", "a", "m", "c"]
    plan, f = make(spec)
    m = prioritize(plan, f).item("m")
    assert m.days == 0 and m.per_day is None


def test_sequence_is_the_one_order_other_code_calls() -> None:
    spec = {"a": (1, 10, ()), "b": (5, 10, ("a",)), "c": (3, 5, ())}
    plan, f = make(spec)
    assert sequence(plan, f) == ["c", "a", "b"]
    assert sequence(plan, f, order="score") == ["b", "c", "a"]
    with pytest.raises(PriorityError, match="did you mean 'score'"):
        sequence(plan, f, order="scor")


def test_value_curve_and_its_headline() -> None:
    spec = {"a": (1, 10, ()), "b": (5, 10, ("a",)), "c": (3, 5, ())}
    plan, f = make(spec)
    curve = prioritize(plan, f).curve
    assert curve.total == pytest.approx(180)
    assert [(i, d) for i, d, _ in curve.sequence] == [("c", 5), ("a", 15), ("b", 25)]
    assert [s for *_, s in curve.sequence] == pytest.approx([60 / 180, 80 / 180, 1.0])
    # score order as a team follows it: b cannot start, so the best that can (c) goes first
    assert [i for i, *_ in curve.score] == ["c", "a", "b"]
    assert curve.day_for(0.8) == 25
    spec["c"] = (3, 20, ())  # score order would now start c while the chain waits
    plan, f = make(spec)
    curve = prioritize(plan, f).curve
    assert [i for i, *_ in curve.sequence] == ["a", "b", "c"]
    assert [i for i, *_ in curve.score] == ["c", "a", "b"]
    assert curve.day_for(0.5) == 20 and curve.day_for(0.5, "score") == 40
    assert curve.headline(0.5) == (
        "50% of the value by day 20 (day 40 in score order); on average by day 26 (32)"
    )
    # (20 x 10 + 100 x 20 + 60 x 40) / 180 and (60 x 20 + 20 x 30 + 100 x 40) / 180
    assert curve.mean_day() == pytest.approx(4600 / 180)
    assert curve.mean_day("score") == pytest.approx(5800 / 180)


def test_explain_sentence_names_the_set_the_item_goes_with() -> None:
    spec = {"a": (1, 10, ()), "b": (5, 10, ("a",)), "c": (3, 5, ())}
    plan, f = make(spec)
    ranking = prioritize(plan, f)
    assert ranking.explain("a").sentence == (
        "2nd: together with b it delivers 120 points in 20 working days (6.0 a day), "
        "the second-best start"
    )
    assert ranking.place("c") == (
        "1st: on its own it delivers 60 points in 5 working days (12.0 a day), the best start"
    )


# ------------------------------------------------------------------ brute force


def cost(order: list[str], spec) -> float:
    t = total = 0.0
    for i in order:
        t += spec[i][1]
        total += 20 * spec[i][0] * t
    return total


def brute_min(spec) -> float:
    graph = nx.DiGraph()
    graph.add_nodes_from(spec)
    graph.add_edges_from((d, i) for i, (_, _, deps) in spec.items() for d in deps)
    return min(cost(list(o), spec) for o in nx.all_topological_sorts(graph))


def consistent(order: list[str], spec) -> bool:
    seen: set[str] = set()
    for i in order:
        if not set(spec[i][2]) <= seen:
            return False
        seen.add(i)
    return True


def random_values(rng: random.Random, ids: list[str], zero_days: bool = True):
    out = {}
    for i in ids:
        days = rng.choice([0, 1, 2, 3, 5, 8, 13]) if zero_days else rng.choice([1, 2, 3, 5, 8])
        out[i] = (rng.randint(0, 5), days)
    return out


def series_parallel(rng: random.Random, n: int) -> dict[str, tuple[str, ...]]:
    """A random series-parallel order of n items: sources and sinks composed recursively."""

    def build(names: list[str]) -> tuple[list[str], list[str], dict[str, set[str]]]:
        if len(names) == 1:
            return names, names, {names[0]: set()}
        cut = rng.randint(1, len(names) - 1)
        s1, t1, d1 = build(names[:cut])
        s2, t2, d2 = build(names[cut:])
        deps = {**d1, **d2}
        if rng.random() < 0.5:  # series: the second part's sources wait on the first's sinks
            for s in s2:
                deps[s] |= set(t1)
            return s1, t2, deps
        return s1 + s2, t1 + t2, deps

    _, _, deps = build([f"i{k}" for k in range(n)])
    return {i: tuple(sorted(d)) for i, d in deps.items()}


def forest(rng: random.Random, n: int, out_tree: bool) -> dict[str, tuple[str, ...]]:
    deps: dict[str, set[str]] = {f"i{k}": set() for k in range(n)}
    for k in range(1, n):
        if rng.random() < 0.8:
            parent = f"i{rng.randrange(k)}"
            if out_tree:
                deps[f"i{k}"].add(parent)
            else:  # in-tree: the earlier item waits on the later one
                deps[parent].add(f"i{k}")
    return {i: tuple(sorted(d)) for i, d in deps.items()}


def random_dag(rng: random.Random, n: int) -> dict[str, tuple[str, ...]]:
    deps = {f"i{k}": tuple(f"i{j}" for j in range(k) if rng.random() < 0.35) for k in range(n)}
    return deps


def check(deps: dict[str, tuple[str, ...]], rng: random.Random, factor: float) -> None:
    vals = random_values(rng, list(deps))
    spec = {i: (vals[i][0], vals[i][1], deps[i]) for i in deps}
    got = order_of(spec)
    assert consistent(got, spec)
    best = brute_min(spec)
    assert cost(got, spec) <= best * factor + 1e-6, (spec, got)


@pytest.mark.parametrize("seed", range(40))
def test_series_parallel_plans_reach_the_minimum(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 8)
    check(series_parallel(rng, n), rng, 1.0)


@pytest.mark.parametrize("seed", range(30))
def test_trees_and_forests_reach_the_minimum(seed: int) -> None:
    rng = random.Random(1000 + seed)
    n = rng.randint(2, 8)
    check(forest(rng, n, out_tree=seed % 2 == 0), rng, 1.0)


@pytest.mark.parametrize("seed", range(40))
def test_any_plan_stays_within_twice_the_minimum(seed: int) -> None:
    rng = random.Random(2000 + seed)
    n = rng.randint(2, 8)
    check(random_dag(rng, n), rng, 2.0)


def test_the_n_shape_the_smallest_non_series_parallel_order_within_twice() -> None:
    deps = {"a": (), "b": (), "c": ("a",), "d": ("a", "b")}
    for seed in range(30):
        check(deps, random.Random(seed), 2.0)


def weighted_days(points) -> float:
    """sum(value share x completion day) of a value curve."""
    shares = [s for *_, s in points]
    return sum(d * (s - p) for (_, d, s), p in zip(points, [0.0, *shares[:-1]], strict=True))


def test_large_components_use_the_greedy_approximation_and_respect_dependencies() -> None:
    rng = random.Random(5)
    n = 150
    deps = {f"i{k}": tuple(f"i{j}" for j in rng.sample(range(k), min(k, 2))) for k in range(n)}
    vals = random_values(rng, list(deps))
    spec = {i: (vals[i][0], vals[i][1], deps[i]) for i in deps}
    got = order_of(spec)
    assert sorted(got) == sorted(spec) and consistent(got, spec)
    # no worse than following score order with dependencies
    plan, f = make(spec)
    curve = prioritize(plan, f).curve
    area = weighted_days(curve.sequence)
    area_score = weighted_days(curve.score)
    assert area <= area_score
    assert math.isfinite(area)


@pytest.mark.parametrize("seed", range(6))
def test_comparing_every_closure_cuts_where_networkx_cuts(seed: int) -> None:
    """Small sets are cut by comparing their closures (no networkx import): the same
    closure as the minimum cut, the largest of maximum gain, ties and zero gains included."""
    from roadmap_tui import priority as P

    rng = random.Random(seed)
    for _ in range(60):
        n = rng.randint(2, 9)
        preds = [sorted(rng.sample(range(k), rng.randint(0, min(k, 2)))) for k in range(n)]
        # whole numbers and zeros, so closures tie and some gains are exactly 0
        value = [float(rng.choice([0, 1, 2, 3, 6])) for _ in range(n)]
        days = [float(rng.choice([0, 1, 2, 3])) for _ in range(n)]
        inst = P._Instance([f"i{k}" for k in range(n)], np.array(value), np.array(days), preds)
        nodes = set(rng.sample(range(n), rng.randint(2, n)))
        nodes = set().union(*(P._closure(inst, j, set(range(n))) for j in nodes))
        closures = P._all_closures(inst, nodes, P.ENUMERATE_MAX_CLOSURES)
        assert closures is not None and [] in closures
        for lam in {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, *(inst.ratio(c) for c in closures if c)}:
            if math.isinf(lam):
                continue
            assert P._max_closure(inst, nodes, lam, closures) == P._max_closure(inst, nodes, lam)


def test_too_many_closures_fall_back_to_the_minimum_cut() -> None:
    from roadmap_tui import priority as P

    n = 12  # a root and 11 items that wait only on it: 2^11 + 1 closures
    inst = P._Instance([f"i{k}" for k in range(n)], np.ones(n), np.ones(n), [[], *[[0]] * 11])
    assert P._all_closures(inst, set(range(n)), P.ENUMERATE_MAX_CLOSURES) is None
    assert len(P._all_closures(inst, set(range(n)), 5000) or []) == 2**11 + 1
