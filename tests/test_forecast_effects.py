"""Risk effects: the plan with and without each risk, on the same runs (common random numbers)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from roadmap_tui import store
from roadmap_tui.forecast import DEFAULT_CHUNK, simulate
from roadmap_tui.forecast.effects import RISK_EFFECT_RUNS, risk_effects, simulate_with_effects
from roadmap_tui.model.types import Estimate, Item, Plan, Risk

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "plans" / "support-assistant.toml"
START = date(2027, 1, 4)  # a Monday


def make_plan(*items: Item, risks: tuple[Risk, ...] = ()) -> Plan:
    return Plan(name="t", start=START, items=items, risks=risks)


def task(item_id: str, est: Estimate | float, *deps: str, **kw: object) -> Item:
    estimate = Estimate.fixed(est) if isinstance(est, int | float) else est
    return Item(id=item_id, title=item_id.upper(), estimate=estimate, depends_on=deps, **kw)  # type: ignore[arg-type]


def risk(risk_id: str, p: float, delay: Estimate | float, *affects: str) -> Risk:
    d = Estimate.fixed(delay) if isinstance(delay, int | float) else delay
    return Risk(id=risk_id, title=risk_id.upper(), probability=p, delay=d, affects=affects)


def test_a_certain_fixed_delay_shifts_every_figure_by_itself_with_no_error() -> None:
    plan = make_plan(task("a", 5), task("b", 3, "a"), risks=(risk("r", 1.0, 4, "a"),))
    effect = risk_effects(plan, runs=500, seed=1).effects[0]
    assert effect.p80_shift_days == effect.p50_shift_days == effect.mean_shift_days == 4.0
    assert effect.p80_shift_se == effect.mean_shift_se == 0.0
    assert effect.p_success_shift == 0.0
    assert effect.p80_without == date(2027, 1, 13)  # 8 working days from Monday 01-04


def test_the_mean_shift_is_probability_times_delay_within_four_standard_errors() -> None:
    plan = make_plan(task("a", Estimate(5, 10, 20)), risks=(risk("r", 0.3, 10, "a"),))
    effect = risk_effects(plan, runs=2000, seed=7).effects[0]
    n = 2000
    se = math.sqrt(0.3 * 0.7 * 100 / n)  # a Bernoulli(0.3) times 10 days, paired
    assert effect.mean_shift_se == pytest.approx(se, rel=0.1)
    assert abs(effect.mean_shift_days - 3.0) < 4 * se


def test_the_effect_is_the_difference_of_two_forecasts_with_the_same_seed() -> None:
    """Switching one risk off leaves every other draw alone: the shift is two simulate()s."""
    plan = store.load_plan(EXAMPLE).plan
    effects = risk_effects(plan, runs=1500, seed=5)
    base = simulate(plan, runs=1500, seed=5).plan
    for effect in effects.effects:
        without = simulate(plan.without_risk(effect.id), runs=1500, seed=5).plan
        assert effect.p80_shift_days == pytest.approx(
            base.finish_days.p80 - without.finish_days.p80, abs=2e-3
        )
        assert effect.p80_without == without.finish.p80
        assert effect.p_success_shift == pytest.approx(base.p_success - without.p_success)


def test_risks_are_ranked_by_their_effect_and_idle_ones_cost_nothing() -> None:
    plan = make_plan(
        task("a", Estimate(5, 10, 20)),
        task("b", 2),
        risks=(
            risk("small", 0.5, 2, "a"),
            risk("never", 0.0, 30, "a"),
            risk("big", 0.5, 15, "a"),
            risk("done-item", 1.0, 30, "b"),
        ),
    )
    plan = plan.with_item(replace(plan.item("b"), status="done"))
    effects = risk_effects(plan, runs=1000, seed=2)
    assert [e.id for e in effects.effects][:2] == ["big", "small"]
    for idle in ("never", "done-item"):
        e = effects.get(idle)
        assert e is not None and e.p80_shift_days == 0.0 and e.mean_shift_days == 0.0


def test_a_risk_lowers_the_chance_of_a_target() -> None:
    target = date(2027, 1, 15)  # 10 working days
    plan = make_plan(task("a", 10, target=target), risks=(risk("r", 0.25, 3, "a"),))
    effect = risk_effects(plan, runs=4000, seed=3).effects[0]
    ((item, shift),) = effect.p_on_time_shift
    assert item == "a" and abs(shift + 0.25) < 4 * math.sqrt(0.25 * 0.75 / 4000)
    assert effect.worst_target == ("a", shift)


def test_never_on_either_side_gives_no_p80_shift_but_a_mean_shift() -> None:
    plan = make_plan(
        task("a", 5, p_success=0.5, max_attempts=1, kind="experiment"),
        risks=(risk("r", 1.0, 2, "a"),),
    )
    effect = risk_effects(plan, runs=1000, seed=1).effects[0]
    assert effect.p80_shift_days is None and effect.p80_shift_se is None
    assert effect.mean_shift_days == 2.0 and effect.days == 2.0


def test_runs_are_capped_and_the_result_is_deterministic() -> None:
    plan = store.load_plan(EXAMPLE).plan
    a = risk_effects(plan, seed=11)
    assert a.runs == min(plan.runs, RISK_EFFECT_RUNS)
    assert a.to_json_list() == risk_effects(plan, seed=11).to_json_list()


def test_a_scenario_is_applied_first() -> None:
    plan: Plan = store.load_plan(ROOT / "plans" / "fraud-detection.toml").plan
    scenario = plan.scenarios[0].id
    effects = risk_effects(plan, runs=300, scenario=scenario)
    assert effects.scenario == scenario
    assert {e.id for e in effects.effects} == {r.id for r in plan.apply_scenario(scenario).risks}


def test_a_zero_day_kickoff_at_the_start_is_as_critical_as_the_milestones_after_it() -> None:
    kickoff = Item(id="kickoff", title="Kickoff", kind="milestone")
    work = task("work", Estimate(5, 10, 20), "kickoff")
    launch = Item(id="launch", title="Launch", kind="milestone", depends_on=("work",))
    for as_of in (None, date(2027, 1, 11)):
        plan = replace(make_plan(kickoff, work, launch), as_of=as_of)
        items = simulate(plan, runs=500, seed=1).items
        assert [items[i].criticality for i in ("kickoff", "work", "launch")] == [1.0, 1.0, 1.0]
    # a predecessor that finished before as_of was not waited for
    done = replace(work, status="done", started=START, finished=date(2027, 1, 8))
    after = task("after", 3, "work")
    plan = replace(make_plan(kickoff, done, after), as_of=date(2027, 1, 13))
    items = simulate(plan, runs=200, seed=1).items
    assert (items["work"].criticality, items["after"].criticality) == (0.0, 1.0)
    assert items["kickoff"].criticality == 0.0  # its path ends at the item that was done


@pytest.mark.parametrize(
    ("name", "runs", "scenario"),
    [
        ("support-assistant.toml", 2500, None),  # teams bind; effects on the first 2,000 runs
        ("fraud-detection.toml", 700, "first"),  # fewer runs than RISK_EFFECT_RUNS, a scenario
    ],
)
@pytest.mark.parametrize("chunk_size", [DEFAULT_CHUNK, 333])
def test_effects_measured_during_the_forecast_equal_those_measured_apart(
    name: str, runs: int, scenario: str | None, chunk_size: int
) -> None:
    """The effects read off the forecast's own first runs (across chunks too) are the
    figures of risk_effects called apart, and the forecast is simulate's."""
    plan: Plan = store.load_plan(ROOT / "plans" / name).plan
    assert plan.teams and plan.risks
    if scenario == "first":
        scenario = plan.scenarios[0].id
    apart = risk_effects(plan, runs=runs, seed=3, scenario=scenario)
    forecast, together = simulate_with_effects(
        plan, runs=runs, seed=3, scenario=scenario, chunk_size=chunk_size
    )
    assert together == apart and together.effects
    expected = simulate(plan, runs=runs, seed=3, scenario=scenario)
    assert forecast.to_json_dict() == expected.to_json_dict()
