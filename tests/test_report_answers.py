"""Answers at a glance: the headline, risk effects in words, scenario shifts with a number."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from roadmap_tui import store
from roadmap_tui.forecast import simulate
from roadmap_tui.forecast.effects import RiskEffect
from roadmap_tui.model.types import Estimate, Item, Plan
from roadmap_tui.report import answers

ROOT = Path(__file__).resolve().parents[1]
START = date(2027, 1, 4)


def plan_of(*items: Item) -> Plan:
    return Plan(name="t", start=START, items=items)


def test_headline_of_the_example_names_date_never_cause_and_target() -> None:
    plan = store.load_plan(ROOT / "plans" / "support-assistant.toml").plan
    fc = simulate(plan, runs=2000, seed=42)
    goal = fc.items["deflection-goal"]
    text = answers.headline(plan, fc)
    assert text == (
        f"30% of tier-1 tickets deflected: 80% chance by {answers.human_date(goal.finish.p80)}, "
        f"{1 - goal.p_success:.0%} chance never (3 attempts of rag-answers fail; 1 other item "
        f"can fail too); {goal.p_on_time:.0%} chance of the 30 Jun target."
    )


def test_headline_falls_back_to_p50_then_to_the_chance_of_ever() -> None:
    exp = Item(
        id="x",
        title="Experiment",
        kind="experiment",
        estimate=Estimate.fixed(5),
        p_success=0.6,
        max_attempts=1,
    )
    fc = simulate(plan_of(exp), runs=2000, seed=1)
    assert answers.headline(plan_of(exp), fc) == (
        "The plan: 50% chance by 8 Jan 2027, 40% chance never (x fails)."
    )
    low = replace(exp, p_success=0.3)
    fc = simulate(plan_of(low), runs=2000, seed=1)
    assert answers.headline(plan_of(low), fc).startswith("The plan: only 30% chance of ever")


def test_headline_of_a_sure_milestone_with_a_target_and_a_long_title() -> None:
    m = Item(
        id="m",
        title="A milestone whose title goes on and on well past forty characters",
        kind="milestone",
        target=date(2028, 1, 7),
    )
    work = Item(id="w", title="W", estimate=Estimate.fixed(5))
    m = replace(m, depends_on=("w",))
    plan = plan_of(work, m)
    fc = simulate(plan, runs=500, seed=1)
    assert answers.headline(plan, fc) == (
        "A milestone whose title goes on and on…: 80% chance by 8 Jan 2027; "
        "100% chance of the 7 Jan 2028 target."
    )
    assert answers.headline(plan, fc, "w") == "W: 80% chance by 8 Jan 2027."


@pytest.mark.parametrize(("p", "text"), [(0.001, "under 1%"), (0.999, "over 99%"), (0.25, "25%")])
def test_pct_never_rounds_a_possibility_away(p: float, text: str) -> None:
    assert answers.pct(p) == text


def _effect(**kw: object) -> RiskEffect:
    base = dict(
        id="r",
        title="R",
        probability=0.3,
        affects=("a",),
        p80_shift_days=10.4,
        p80_shift_se=2.9,
        p50_shift_days=5.0,
        mean_shift_days=6.0,
        mean_shift_se=0.2,
        p_success_shift=0.0,
        p_on_time_shift=(("a", -0.12), ("b", 0.0)),
        p80_without=date(2027, 9, 9),
    )
    return RiskEffect(**{**base, **kw})  # type: ignore[arg-type]


def test_effect_cells_show_the_p80_shift_with_its_error_or_the_mean() -> None:
    assert answers.effect_cells(_effect()) == ("+10.4 d ±2.9", "±0 pts", "a -12 pts")
    never = _effect(p80_shift_days=None, p80_shift_se=None, p_on_time_shift=())
    assert answers.effect_cells(never) == ("mean +6.0 d", "±0 pts", "-")
    assert "without it: 2027-09-09" in answers.effect_sentence(_effect())


def test_a_scenario_shift_always_has_a_number() -> None:
    exp = Item(id="x", title="X", kind="experiment", estimate=Estimate.fixed(5), p_success=0.6)
    base = simulate(plan_of(exp), runs=2000, seed=1).plan  # P80 never
    better = simulate(plan_of(replace(exp, p_success=0.95)), runs=2000, seed=1).plan
    s = answers.shift(base, better)
    assert s.p80_days is None and s.p50_days is not None and s.p_success > 0.3
    assert s.headline.startswith("P50 ")
    cells = answers.shift_cells(s)
    assert cells[1] == "-" and cells[0].endswith(" d") and cells[2].endswith(" pts")
    worse = simulate(plan_of(replace(exp, p_success=0.2)), runs=2000, seed=1).plan
    assert answers.shift(base, worse).headline.startswith("P(success) -")
