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


# ---------------------------------------------------------------------- md and html reports


@pytest.fixture(scope="module")
def report_data():
    from roadmap_tui.report import build_report

    plan = store.load_plan(ROOT / "plans" / "fraud-detection.toml").plan
    return build_report(plan, runs=1000, seed=7)


def test_md_and_html_open_with_the_headline(report_data) -> None:
    from roadmap_tui.report.html import write_html
    from roadmap_tui.report.markdown import md_text, write_markdown

    sentence = answers.headline(report_data.plan, report_data.forecast)
    md = write_markdown(report_data)
    assert md.splitlines()[2] == f"**{md_text(sentence)}**"
    page = write_html(report_data, charts={})
    assert page.index('<p class="headline">') < page.index("<h2>")
    assert "chance never" in page


def test_reports_compare_scenarios_with_a_number_when_the_baseline_p80_is_never(
    report_data,
) -> None:
    from roadmap_tui.report.markdown import write_markdown

    assert report_data.forecast.plan.finish.p80 is None  # the premise
    md = write_markdown(report_data)
    table = md.split("## Scenarios", 1)[1].split("## ", 1)[0]
    rows = [r for r in table.splitlines() if r.startswith("| `")]
    assert len(rows) == len(report_data.plan.scenarios)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[4].startswith(("P80 ", "P50 ", "P(success) "))
        assert cells[5] != "-" and cells[7].endswith("pts")


def test_reports_rank_risks_by_effect_and_show_metrics_with_progress(report_data) -> None:
    from roadmap_tui.report.markdown import write_markdown

    md = write_markdown(report_data)
    risks = md.split("## Top risks", 1)[1].split("## ", 1)[0]
    order = [e.id for e in report_data.effects.effects]
    assert [r.split("`")[1] for r in risks.splitlines() if r.count("`") >= 2] == order
    metrics = md.split("## Metrics", 1)[1].split("## ", 1)[0]
    assert "| `graph-model` | recall@1%FPR | 0.6 | 0.7 | ▰▰▰▰▰▰▰▰▰▱ 86% |" in metrics


def test_metric_progress_either_way() -> None:
    from roadmap_tui.model.types import Metric

    assert answers.metric_progress(Metric("F1", 0.78, 0.85)) == pytest.approx(0.78 / 0.85)
    assert answers.metric_progress(Metric("latency", 80, 50)) == pytest.approx(50 / 80)
    assert answers.metric_progress(Metric("lift", 0.0, 0.03)) == 0.0
    assert answers.metric_progress(Metric("F1", None, 0.85)) is None
    assert answers.metric_text(Metric("F1", 0.78, 0.85)) == "F1 0.78 of 0.85 (92%)"
    assert answers.progress_bar(0.01) == "▰" + "▱" * 9
