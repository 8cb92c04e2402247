"""Validation rules: one broken fixture per rule (line and message), and the pure parser."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from roadmap_tui import store
from roadmap_tui.model import parse
from roadmap_tui.model.types import Estimate, Item, Metric, Override

BROKEN = Path(__file__).parent / "fixtures" / "broken"

# fixture name -> every problem it must produce, as (line, message), in line order.
EXPECTED: dict[str, list[tuple[int, str]]] = {
    "syntax_error": [(7, "TOML syntax error: Unclosed array (at the end of the file)")],
    "syntax_missing_equals": [
        (6, "TOML syntax error: Expected '=' after a key in a key/value pair (column 7)")
    ],
    "unknown_item_field": [(7, "item 'a': unknown field 'estimat'; did you mean 'estimate'?")],
    "unknown_top_level": [(5, "top level: unknown key 'itemz'; did you mean 'items'?")],
    "unknown_plan_key": [(4, "[plan]: unknown key 'holiday'; did you mean 'holidays'?")],
    "wrong_type": [
        (8, "item 'a': impact: expected a number from 0 to 5, found \"high\" (a string)")
    ],
    "missing_title": [(5, "item 'a': title: missing; expected title = \"...\"")],
    "missing_plan": [
        (1, 'missing [plan] table; expected [plan] with name = "..." and start = <date>')
    ],
    "missing_start": [(1, "[plan]: start: missing; expected start = <date>, day 0 of the plan")],
    "estimate_order": [
        (
            7,
            "item 'intent-model': estimate: low 10 is greater than likely 5; "
            "expected low <= likely <= high",
        )
    ],
    "estimate_negative": [(7, "item 'a': estimate: expected a number >= 0, found -2")],
    "estimate_shape": [
        (
            7,
            "item 'a': estimate: expected [low, likely, high] working days or one number, "
            "found 2 values [1, 2]",
        )
    ],
    "estimate_nan": [
        (
            7,
            "item 'a': estimate: expected [low, likely, high] working days or one number, "
            "found nan",
        )
    ],
    "estimate_missing": [
        (
            5,
            "item 'a': estimate: missing; expected estimate = [low, likely, high] working days "
            "or one number (only a milestone has none)",
        )
    ],
    "risk_probability": [
        (11, "risk 'vendor': probability: expected a probability from 0 to 1, found 1.2")
    ],
    "risk_missing_delay": [
        (9, "risk 'vendor': delay: missing; expected [low, likely, high] working days")
    ],
    "p_success_range": [(9, "item 'a': p_success: expected a probability from 0 to 1, found -0.1")],
    "readiness_range": [
        (8, "item 'a': readiness: expected an integer level from 0 to 9, found 10")
    ],
    "readiness_float": [
        (8, "item 'a': readiness: expected an integer level from 0 to 9, found 4.5 (a float)")
    ],
    "impact_range": [(8, "item 'a': impact: expected a number from 0 to 5, found 6")],
    "data_range": [(8, "item 'a': data: expected a share from 0 to 1, found 1.5")],
    "unknown_dependency": [
        (12, "item 'train': depends_on: unknown item 'colect'; did you mean 'collect'?")
    ],
    "self_dependency": [
        (8, "item 'a': depends_on: the item depends on itself; expected other items' ids")
    ],
    "duplicate_dependency": [
        (12, "item 'b': depends_on: \"a\" is listed twice; expected each id once")
    ],
    "unknown_affects": [(13, "risk 'vendor': affects: unknown item 'b'; expected one of: a")],
    "unknown_scenario_item": [
        (11, "scenario 'faster': unknown item 'colect'; did you mean 'collect'?")
    ],
    "unknown_scenario_field": [
        (
            11,
            "scenario 'faster': item 'collect': unknown field 'estimat'; did you mean 'estimate'?",
        )
    ],
    "scenario_bad_value": [
        (
            16,
            "scenario 'faster': item 'collect': estimate: low 3 is greater than likely 2; "
            "expected low <= likely <= high",
        ),
        (
            17,
            "scenario 'faster': risk 'vendor': probability: "
            "expected a probability from 0 to 1, found 2",
        ),
    ],
    "scenario_cycle": [
        (
            16,
            "scenario 'loop': dependency cycle: a -> b -> a "
            "(each item must finish before the next starts)",
        )
    ],
    "cycle": [
        (13, "dependency cycle: a -> b -> c -> a (each item must finish before the next starts)")
    ],
    "finished_before_started": [
        (
            10,
            "item 'a': finished: 2027-01-05 is before started 2027-01-10; "
            "expected finished on or after started",
        )
    ],
    "done_without_finished": [
        (
            8,
            "item 'a': status: \"done\" without finished; expected finished = <date>, "
            "the actual finish",
        )
    ],
    "milestone_with_estimate": [
        (
            8,
            "item 'launch': estimate: a milestone has no duration, found 2; "
            "expected no estimate (or a kind other than milestone)",
        )
    ],
    "max_attempts": [(9, "item 'a': max_attempts: expected an integer from 1 to 100, found 0")],
    "bad_status": [
        (
            8,
            "item 'a': status: expected one of todo, doing, done, dropped, found \"finished\"",
        )
    ],
    "bad_kind": [
        (
            7,
            "item 'a': kind: expected one of task, data, experiment, milestone, found \"research\"",
        )
    ],
    "bad_distribution": [
        (
            8,
            "item 'a': distribution: expected one of pert, triangular, uniform, lognormal, "
            "fixed, found \"normal\" (did you mean 'lognormal'?)",
        )
    ],
    "bad_workdays": [
        (
            4,
            "[plan]: workdays: expected weekdays from mon, tue, wed, thu, fri, sat, sun, "
            'found "tues"',
        )
    ],
    "datetime_not_date": [
        (
            3,
            "[plan]: start: expected a date like 2027-01-04, found 2027-01-04T09:00:00 "
            "(a date-time)",
        )
    ],
    "priority_method": [(6, '[priority]: method: expected one of weighted, gated, found "ranked"')],
    "priority_weight": [(6, "[priority]: impact: expected a weight >= 0, found -1")],
    "priority_factor": [(6, "[priority]: unknown key 'impactt'; did you mean 'impact'?")],
    "priority_all_zero": [
        (5, "[priority]: every factor weight is 0; expected at least one weight > 0")
    ],
    "forecast_runs": [
        (6, "[forecast]: runs: expected an integer from 1 to 1000000, found 0"),
        (
            7,
            "[forecast]: seed: expected an integer from 0 to 9223372036854775807, "
            "found 1.5 (a float)",
        ),
    ],
    "metric_key": [
        (9, "item 'a': metric: unknown key 'goal'; expected one of: name, current, target")
    ],
    "lognormal_zero": [
        (
            7,
            "item 'a': estimate: a lognormal needs low > 0, found [0, 2, 5]; "
            "expected low > 0 or another distribution",
        )
    ],
    "many_problems": [
        (5, "item 'a': title: missing; expected title = \"...\""),
        (6, "item 'a': unknown field 'titel'; did you mean 'title'?"),
        (7, "item 'a': estimate: low 5 is greater than likely 3; expected low <= likely <= high"),
        (12, "item 'b': depends_on: unknown item 'zz'; expected one of: a, b"),
        (13, "item 'b': readiness: expected an integer level from 0 to 9, found 12"),
    ],
}


def test_every_broken_fixture_has_an_expectation() -> None:
    assert {p.stem for p in BROKEN.glob("*.toml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_reports_line_and_message(name: str) -> None:
    path = BROKEN / f"{name}.toml"
    with pytest.raises(store.PlanError) as info:
        store.load_plan(path)
    got = [(p.line, p.message) for p in info.value.problems]
    assert got == EXPECTED[name]
    for problem in info.value.problems:
        assert str(problem) == f"{path}:{problem.line}: {problem.message}"


# ---------------------------------------------------------------- the pure parser

BASE = {"plan": {"name": "P", "start": date(2027, 1, 4)}}


def plan_of(**tables: object) -> parse.Plan:
    plan, problems = parse.parse_plan({**BASE, **tables})
    assert problems == []
    assert plan is not None
    return plan


def problems_of(**tables: object) -> list[parse.ParseProblem]:
    plan, problems = parse.parse_plan({**BASE, **tables})
    assert plan is None
    return problems


def test_defaults_of_an_item() -> None:
    plan = plan_of(items={"a": {"title": "A", "estimate": 3}})
    item = plan.item("a")
    assert item == Item(id="a", title="A", estimate=Estimate(3, 3, 3, "fixed"))
    assert (item.kind, item.status, item.impact, item.data, item.readiness) == (
        "task",
        "todo",
        3.0,
        1.0,
        9,
    )
    assert (item.p_success, item.max_attempts, item.depends_on) == (1.0, 1, ())
    assert (plan.runs, plan.seed, plan.workdays, plan.holidays) == (
        10_000,
        0,
        ("mon", "tue", "wed", "thu", "fri"),
        (),
    )
    assert plan.priority.method == "weighted" and plan.priority.inherit is True


def test_three_points_default_to_pert_one_number_to_fixed() -> None:
    plan = plan_of(
        items={
            "a": {"title": "A", "estimate": [1, 2, 4]},
            "b": {"title": "B", "estimate": 5},
            "c": {"title": "C", "estimate": [1, 2, 4], "distribution": "uniform"},
        }
    )
    assert plan.item("a").estimate == Estimate(1, 2, 4, "pert")
    assert plan.item("b").estimate == Estimate(5, 5, 5, "fixed")
    assert plan.item("c").estimate == Estimate(1, 2, 4, "uniform")


def test_remaining_takes_the_items_distribution() -> None:
    plan = plan_of(
        items={
            "a": {
                "title": "A",
                "estimate": [5, 8, 13],
                "distribution": "triangular",
                "status": "doing",
                "started": date(2027, 1, 5),
                "remaining": [1, 2, 3],
            }
        }
    )
    assert plan.item("a").remaining == Estimate(1, 2, 3, "triangular")
    assert plan.item("a").duration == Estimate(1, 2, 3, "triangular")


def test_metric_and_experiment_fields() -> None:
    plan = plan_of(
        items={
            "m": {
                "title": "M",
                "kind": "experiment",
                "estimate": [5, 10, 20],
                "p_success": 0.6,
                "max_attempts": 3,
                "metric": {"name": "F1", "current": 0.78, "target": 0.85},
            }
        }
    )
    item = plan.item("m")
    assert (item.p_success, item.max_attempts) == (0.6, 3)
    assert item.metric == Metric("F1", 0.78, 0.85)


def test_a_boolean_is_not_a_number() -> None:
    problems = problems_of(items={"a": {"title": "A", "estimate": 3, "impact": True}})
    assert [p.message for p in problems] == [
        "item 'a': impact: expected a number from 0 to 5, found true (a boolean)"
    ]
    assert problems[0].keys == ("items", "a", "impact")


def test_infinite_values_are_refused() -> None:
    problems = problems_of(items={"a": {"title": "A", "estimate": float("inf")}})
    assert problems[0].keys == ("items", "a", "estimate")
    assert "found inf" in problems[0].message


def test_done_and_dropped_items_need_no_estimate() -> None:
    plan = plan_of(
        items={
            "a": {"title": "A", "status": "done", "finished": date(2027, 1, 8)},
            "b": {"title": "B", "status": "dropped"},
        }
    )
    assert plan.item("a").estimate is None and plan.item("b").duration == Estimate.fixed(0)


def test_doing_item_with_remaining_needs_no_estimate() -> None:
    plan = plan_of(items={"a": {"title": "A", "status": "doing", "remaining": [1, 2, 3]}})
    assert plan.item("a").duration == Estimate(1, 2, 3, "pert")


def test_non_bare_ids_are_refused() -> None:
    problems = problems_of(items={"has space": {"title": "A", "estimate": 1}})
    assert problems[0].keys == ("items", "has space")
    assert "bare key" in problems[0].message


def test_items_must_be_tables() -> None:
    problems = problems_of(items={"a": 5})
    assert problems[0].message == "item 'a': expected a table [items.a], found 5 (an integer)"
    problems = problems_of(items=[1, 2])
    assert problems[0].keys == ("items",)


def test_priority_weights_fill_defaults() -> None:
    plan = plan_of(priority={"method": "gated", "impact": 5, "inherit": False})
    assert plan.priority.method == "gated"
    assert plan.priority.weights["impact"] == 5.0
    assert plan.priority.weights["data"] == 2.0
    assert plan.priority.inherit is False


def test_scenario_overrides_are_parsed_through_the_field_registry() -> None:
    plan = plan_of(
        items={"a": {"title": "A", "estimate": [5, 8, 13], "distribution": "triangular"}},
        risks={"r": {"title": "R", "probability": 0.3, "delay": [1, 2, 3], "affects": ["a"]}},
        scenarios={
            "s": {
                "title": "S",
                "items": {"a": {"estimate": [3, 4, 5], "readiness": 5}},
                "risks": {"r": {"probability": 0.1}},
            }
        },
    )
    (scenario,) = plan.scenarios
    assert scenario.overrides == (
        Override("items", "a", "estimate", Estimate(3, 4, 5, "triangular")),
        Override("items", "a", "readiness", 5),
        Override("risks", "r", "probability", 0.1),
    )
    applied = plan.apply_scenario("s")
    assert applied.item("a").estimate == Estimate(3, 4, 5, "triangular")
    assert applied.item("a").readiness == 5
    assert applied.risk_by_id["r"].probability == 0.1
    assert plan.item("a").readiness == 9  # the base plan is untouched


def test_a_distribution_override_changes_the_estimate_shape() -> None:
    plan = plan_of(
        items={"a": {"title": "A", "estimate": [5, 8, 13]}},
        scenarios={"s": {"title": "S", "items": {"a": {"distribution": "uniform"}}}},
    )
    assert plan.apply_scenario("s").item("a").estimate == Estimate(5, 8, 13, "uniform")


def test_scenario_override_cross_field_rule() -> None:
    problems = problems_of(
        items={"a": {"title": "A", "estimate": 3}},
        scenarios={"s": {"title": "S", "items": {"a": {"status": "done"}}}},
    )
    assert problems[0].keys == ("scenarios", "s", "items", "a", "status")
    assert problems[0].message.startswith("scenario 's': item 'a': status: \"done\" without")


def test_scenario_unknown_dependency() -> None:
    problems = problems_of(
        items={"a": {"title": "A", "estimate": 3}},
        scenarios={"s": {"title": "S", "items": {"a": {"depends_on": ["nope"]}}}},
    )
    assert problems[0].keys == ("scenarios", "s", "items", "a", "depends_on")
    assert problems[0].message == (
        "scenario 's': item 'a': depends_on: unknown item 'nope'; expected one of: a"
    )


def test_parse_item_field_checks_one_value() -> None:
    assert parse.parse_item_field("readiness", 4) == 4
    assert parse.parse_item_field("estimate", [1, 2, 3]) == (1.0, 2.0, 3.0)
    with pytest.raises(parse.FieldError, match="expected an integer level from 0 to 9"):
        parse.parse_item_field("readiness", 11)
    with pytest.raises(parse.FieldError, match="did you mean 'readiness'"):
        parse.parse_item_field("readines", 4)
    assert parse.parse_risk_field("probability", 0.5) == 0.5
    with pytest.raises(parse.FieldError):
        parse.parse_risk_field("probability", 1.5)


def test_update_item_applies_every_item_rule() -> None:
    item = Item(id="a", title="A", estimate=Estimate(1, 2, 3))
    assert parse.update_item(item, "estimate", [2, 3, 4]).estimate == Estimate(2, 3, 4)
    assert parse.update_item(item, "estimate", 4).estimate == Estimate(4, 4, 4, "fixed")
    assert parse.update_item(item, "target", None).target is None
    done = parse.update_item(item, "finished", date(2027, 1, 8))
    assert parse.update_item(done, "status", "done").status == "done"
    with pytest.raises(parse.FieldError, match='status: "done" without finished'):
        parse.update_item(item, "status", "done")
    with pytest.raises(parse.FieldError, match="low 3 is greater than likely 2"):
        parse.update_item(item, "estimate", [3, 2, 4])


def test_update_item_keeps_an_explicit_distribution() -> None:
    item = Item(id="a", title="A", estimate=Estimate(1, 2, 3, "lognormal"))
    assert parse.update_item(item, "estimate", [2, 3, 9]).estimate == Estimate(2, 3, 9, "lognormal")


def test_update_risk() -> None:
    risk = parse.Risk("r", "R", 0.2, Estimate(1, 2, 3))
    assert parse.update_risk(risk, "probability", 0.4).probability == 0.4
    with pytest.raises(parse.FieldError, match="probability"):
        parse.update_risk(risk, "probability", -1)


def test_item_to_toml_round_trips() -> None:
    item = Item(
        id="x",
        title="X",
        kind="experiment",
        estimate=Estimate(2, 5, 9, "triangular"),
        depends_on=("a",),
        impact=4.5,
        data=0.4,
        readiness=3,
        target=date(2027, 3, 1),
        owner="me",
        tags=("t",),
        notes="n",
        p_success=0.5,
        max_attempts=2,
        metric=Metric("F1", 0.7, 0.8),
    )
    table = parse.item_to_toml(item)
    assert list(table) == [f for f in parse.ITEM_FIELDS if f in table]
    again, problems = parse.parse_item("x", table)
    assert problems == [] and again == item
    assert parse.item_to_toml(Item(id="y", title="Y", estimate=Estimate.fixed(3))) == {
        "title": "Y",
        "estimate": 3,
    }


def test_validate_plan_on_an_edited_plan() -> None:
    plan = plan_of(
        items={
            "a": {"title": "A", "estimate": 1},
            "b": {"title": "B", "estimate": 1, "depends_on": ["a"]},
        }
    )
    assert parse.validate_plan(plan) == []
    looped = plan.with_item(parse.update_item(plan.item("a"), "depends_on", ["b"]))
    (problem,) = parse.validate_plan(looped)
    assert problem.message.startswith("dependency cycle: ")
    assert "a -> b -> a" in problem.message or "b -> a -> b" in problem.message


def test_without_item_drops_its_scenario_overrides() -> None:
    plan = plan_of(
        items={"a": {"title": "A", "estimate": 1}, "b": {"title": "B", "estimate": 1}},
        scenarios={"s": {"title": "S", "items": {"a": {"estimate": 2}, "b": {"estimate": 3}}}},
    )
    (scenario,) = plan.without_item("a").scenarios
    assert [o.id for o in scenario.overrides] == ["b"]
    assert parse.validate_plan(plan.without_item("a")) == []


def test_without_item_unlinks_it_from_scenario_dependency_overrides() -> None:
    plan = plan_of(
        items={
            "a": {"title": "A", "estimate": 1},
            "b": {"title": "B", "estimate": 1},
            "c": {"title": "C", "estimate": 1},
        },
        risks={"r": {"title": "R", "probability": 0.5, "delay": 1, "affects": ["c"]}},
        scenarios={
            "s": {
                "title": "S",
                "items": {"c": {"depends_on": ["a", "b"]}},
                "risks": {"r": {"affects": ["a", "c"]}},
            }
        },
    )
    smaller = plan.without_item("a")
    assert parse.validate_plan(smaller) == []
    assert [o.value for o in smaller.scenarios[0].overrides] == [("b",), ("c",)]
    assert smaller.apply_scenario("s").item("c").depends_on == ("b",)


def test_update_setting() -> None:
    plan = plan_of(priority={"impact": 0, "data": 0, "readiness": 0, "confidence": 0})
    assert parse.update_setting(plan, "forecast", "runs", 500).runs == 500
    assert parse.update_setting(plan, "plan", "as_of", date(2027, 2, 1)).as_of == date(2027, 2, 1)
    assert parse.update_setting(plan, "priority", "method", "gated").priority.method == "gated"
    reset = parse.update_setting(plan, "priority", "impact", None)
    assert reset.priority.weights["impact"] == 3.0
    zeroed = parse.update_setting(plan, "priority", "urgency", 0)
    zeroed = parse.update_setting(zeroed, "priority", "unblocks", 0)
    with pytest.raises(parse.FieldError, match="every factor weight is 0"):
        parse.update_setting(zeroed, "priority", "ease", 0)
    with pytest.raises(parse.FieldError, match=r"\[forecast\]: runs: expected an integer"):
        parse.update_setting(plan, "forecast", "runs", 0)
    with pytest.raises(parse.FieldError, match="is required"):
        parse.update_setting(plan, "plan", "start", None)
    with pytest.raises(parse.FieldError, match="did you mean 'priority'"):
        parse.update_setting(plan, "priorty", "impact", 1)


def test_resolve_target_names_the_key_path_a_set_means() -> None:
    plan = plan_of(
        items={"a": {"title": "A", "estimate": 2}, "plan": {"title": "P", "estimate": 1}},
        risks={"r": {"title": "R", "probability": 0.5, "delay": 3, "affects": ["a"]}},
    )
    assert parse.resolve_target(plan, "items", "a", "impact") == ("items", "a", "impact")
    assert parse.resolve_target(plan, "risks", "r", "delay") == ("risks", "r", "delay")
    assert parse.resolve_target(plan, "items", "forecast", "runs") == ("forecast", "runs")
    # an item may be called like a settings table: then ID.FIELD is the item's field
    assert parse.resolve_target(plan, "items", "plan", "title") == ("items", "plan", "title")
    for args, message in [
        (("items", "b", "impact"), "no item 'b'"),
        (("risks", "s", "delay"), "no risk 's'"),
        (("items", "a", "impactt"), "unknown field 'impactt'; did you mean 'impact'?"),
        (("items", "forecast", "seeds"), "[forecast]: unknown key 'seeds'; did you mean 'seed'?"),
    ]:
        with pytest.raises(parse.UnknownTargetError) as err:
            parse.resolve_target(plan, *args)
        assert str(err.value).startswith(message)


def test_set_value_applies_the_value_at_the_key_path() -> None:
    plan = plan_of(
        items={"a": {"title": "A", "estimate": 2}},
        risks={"r": {"title": "R", "probability": 0.5, "delay": 3, "affects": ["a"]}},
    )
    assert parse.set_value(plan, ("items", "a", "impact"), 5).item("a").impact == 5
    assert parse.set_value(plan, ("risks", "r", "probability"), 0.1).risks[0].probability == 0.1
    assert parse.set_value(plan, ("forecast", "runs"), 500).runs == 500
    with pytest.raises(parse.FieldError, match="impact"):
        parse.set_value(plan, ("items", "a", "impact"), 9)


def test_workdays_are_distinct_known_weekdays() -> None:
    plan = plan_of()
    assert parse.update_setting(plan, "plan", "workdays", ["mon", "wed"]).workdays == (
        "mon",
        "wed",
    )
    for raw, message in [
        (["mon", "mon"], '"mon" is listed twice; expected each weekday once'),
        (
            ["mon", "funday"],
            'expected weekdays from mon, tue, wed, thu, fri, sat, sun, found "funday"',
        ),
        ("mon", "expected an array of weekdays like"),
        ([], "expected at least one working day, found []"),
    ]:
        with pytest.raises(parse.FieldError) as err:
            parse.update_setting(plan, "plan", "workdays", raw)
        assert message in str(err.value)
