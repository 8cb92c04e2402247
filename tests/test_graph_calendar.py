"""The date convention of docs/format.md and the dependency graph."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap_tui import store
from roadmap_tui.model import graph
from roadmap_tui.model.calendar import Calendar
from roadmap_tui.model.types import Estimate, Item, Plan

MON = date(2027, 1, 4)
HOLIDAY = date(2027, 1, 18)  # a Monday


def cal(
    *holidays: date, workdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
) -> Calendar:
    return Calendar(MON, workdays, holidays)


# ---------------------------------------------------------------- the date convention


def test_five_day_item_from_monday_ends_friday_and_dependent_starts_monday() -> None:
    c = cal()
    assert c.start_date(0) == MON
    assert c.finish_date(5) == date(2027, 1, 8)  # Friday
    assert c.start_date(5) == date(2027, 1, 11)  # the next Monday


def test_offsets_and_dates_are_inverse() -> None:
    c = cal(HOLIDAY)
    for offset in range(0, 40):
        start = c.start_date(offset)
        assert c.start_offset(start) == offset
        finish = c.finish_date(offset + 1)
        assert c.end_offset(finish) == offset + 1
        assert start == finish  # a one-day task starts and ends on the same day


def test_a_holiday_is_skipped() -> None:
    c = cal(HOLIDAY)
    assert c.finish_date(10) == date(2027, 1, 15)
    assert c.start_date(10) == date(2027, 1, 19)  # Monday the 18th is a holiday
    assert c.finish_date(15) == date(2027, 1, 25)
    assert HOLIDAY not in {c.start_date(n) for n in range(30)}


def test_non_working_day_rolls_forward() -> None:
    c = cal()
    assert c.start_offset(date(2027, 1, 9)) == 5  # Saturday: work starts Monday
    weekend_start = Calendar(date(2027, 1, 2), ("mon", "tue", "wed", "thu", "fri"))
    assert weekend_start.start_date(0) == MON


def test_custom_workdays() -> None:
    c = Calendar(date(2027, 1, 3), ("sun", "mon", "tue", "wed", "thu"))  # a Sunday
    assert c.finish_date(5) == date(2027, 1, 7)  # Thursday
    assert c.start_date(5) == date(2027, 1, 10)  # Sunday


def test_fractional_offsets_finish_on_the_day_they_end_in() -> None:
    c = cal()
    dates = c.finish_dates(np.array([0.2, 1.0, 4.5, 5.0, 5.01]))
    assert [d.astype(date) for d in dates] == [
        MON,
        MON,
        date(2027, 1, 8),
        date(2027, 1, 8),
        date(2027, 1, 11),
    ]


PLAN = """
[plan]
name = "Dates"
start = 2027-01-04
holidays = [2027-01-18]

[forecast]
runs = 20

[items.a]
title = "A"
estimate = 5

[items.b]
title = "B"
estimate = 5
depends_on = ["a"]

[items.c]
title = "C"
estimate = 5
depends_on = ["b"]
"""


def test_the_forecast_follows_the_convention() -> None:
    from roadmap_tui import forecast

    plan = store.load_plan_text(PLAN, "dates.toml").plan
    result = forecast.simulate(plan)
    finish = {item_id: f.finish.p50 for item_id, f in result.items.items()}
    assert finish == {
        "a": date(2027, 1, 8),  # Mon 4 .. Fri 8
        "b": date(2027, 1, 15),  # Mon 11 .. Fri 15
        "c": date(2027, 1, 25),  # Tue 19 .. Mon 25: Monday 18 is a holiday
    }


# ---------------------------------------------------------------- the graph


def make_plan(deps: dict[str, tuple[str, ...]]) -> Plan:
    items = tuple(
        Item(id=i, title=i, estimate=Estimate.fixed(1), depends_on=d) for i, d in deps.items()
    )
    return Plan(name="g", start=MON, items=items)


DIAMOND = {"d": ("b", "c"), "b": ("a",), "c": ("a",), "a": (), "e": ()}


def test_topological_order_breaks_ties_by_file_order() -> None:
    g = graph.build_graph(make_plan(DIAMOND))
    order = graph.topological_order(g)
    # file order is d, b, c, a, e: whenever several items are ready, the earliest in the file
    # goes first, so d comes as soon as b and c are done, before e
    assert order == ["a", "b", "c", "d", "e"]
    for item_id, deps in DIAMOND.items():
        for dep in deps:
            assert order.index(dep) < order.index(item_id)
    assert graph.generations(g) == [["a", "e"], ["b", "c"], ["d"]]


def test_descendants_and_ancestors() -> None:
    g = graph.build_graph(make_plan(DIAMOND))
    assert graph.descendants(g, "a") == {"b", "c", "d"}
    assert graph.ancestors(g, "d") == {"a", "b", "c"}
    assert graph.descendants(g, "e") == set()


def test_unknown_dependencies_are_left_out_of_the_graph() -> None:
    g = graph.build_graph(make_plan({"a": ("ghost",)}))
    assert list(g.nodes) == ["a"] and list(g.edges) == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 7), max_size=3),  # each item's dependencies, by position
        min_size=1,
        max_size=8,
    )
)
def test_plan_order_and_plan_cycle_agree_with_networkx(deps: list[list[int]]) -> None:
    """The pure-Python order and cycle check give networkx's answers (unknown ids, self
    loops and cycles included)."""
    plan = make_plan({f"x{k}": tuple(f"x{d}" for d in ds) for k, ds in enumerate(deps)})
    g = graph.build_graph(plan)
    order = graph.plan_order(plan)
    if graph.find_cycle(g) is None:
        assert order == graph.topological_order(g)
    else:
        assert order is None
    assert graph.plan_cycle(plan) == graph.find_cycle(g)
    g.remove_edges_from([(v, v) for v in g.nodes if g.has_edge(v, v)])
    assert graph.plan_cycle(plan, self_loops=False) == graph.find_cycle(g)


def test_plan_order_breaks_ties_by_file_order() -> None:
    assert graph.plan_order(make_plan(DIAMOND)) == ["a", "b", "c", "d", "e"]
    assert graph.plan_order(make_plan({"a": ("a",)})) is None
    assert graph.plan_order(make_plan({"a": ("a",)}), self_loops=False) == ["a"]


def test_find_and_format_cycle() -> None:
    assert graph.find_cycle(graph.build_graph(make_plan(DIAMOND))) is None
    cycle = graph.find_cycle(graph.build_graph(make_plan({"a": ("c",), "b": ("a",), "c": ("b",)})))
    assert cycle is not None
    assert cycle[0] == cycle[-1] and sorted(cycle[:-1]) == ["a", "b", "c"]
    assert graph.format_cycle(["a", "b", "c", "a"]) == "a -> b -> c -> a"


@pytest.mark.parametrize(
    ("item_id", "new_dep", "closes"),
    [
        ("a", "d", ["a", "b", "d", "a"]),
        ("a", "a", ["a", "a"]),
        ("d", "e", None),
        ("e", "a", None),
    ],
)
def test_path_that_would_close(item_id: str, new_dep: str, closes: list[str] | None) -> None:
    g = graph.build_graph(make_plan(DIAMOND))
    assert graph.path_that_would_close(g, item_id, new_dep) == closes


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), max_size=3), min_size=1, max_size=10))
def test_plan_order_of_a_plan_in_dependency_order_is_the_file_order(deps: list[list[int]]) -> None:
    """The shortcut for the usual file (every item after what it depends on, unknown ids and
    self loops aside) gives what Kahn's algorithm and networkx give: the file order."""
    ids = [f"x{k}" for k in range(len(deps))]
    plan = make_plan(
        {
            ids[k]: tuple(f"x{d}" if d < k else ("ghost" if d > k else ids[k]) for d in ds)
            for k, ds in enumerate(deps)
        }
    )
    g = graph.build_graph(plan)
    g.remove_edges_from([(v, v) for v in g.nodes if g.has_edge(v, v)])
    assert graph.plan_order(plan, self_loops=False) == graph.topological_order(g) == ids
    assert graph.plan_cycle(plan, self_loops=False) is None
    has_self_loop = any(k in ds for k, ds in enumerate(deps))
    assert (graph.plan_order(plan) is None) == has_self_loop
