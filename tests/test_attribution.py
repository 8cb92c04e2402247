"""Attribution in `roadmap diff`: each change switched alone, and the interaction."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from helpers import PLAN_V1, PLAN_V2, commit_versions, git, invoke
from roadmap_tui.model.types import Estimate, Item, Override, Plan, Risk, Scenario
from roadmap_tui.report.diff import (
    INTERACTION,
    attribution_line,
    change_switches,
    diff_plans,
    forecast_shift,
    render_md,
    render_text,
)


def one_item(estimate: Estimate) -> Plan:
    return Plan(
        name="one",
        start=date(2027, 1, 4),
        runs=2000,
        seed=5,
        items=(Item("model", "Model", estimate=estimate),),
    )


def test_one_change_gets_the_whole_shift_and_no_interaction() -> None:
    """The closed form of the issue: [5, 10, 20] -> [10, 20, 40]."""
    old, new = one_item(Estimate(5, 10, 20)), one_item(Estimate(10, 20, 40))
    shift = forecast_shift(old, new)
    plan_row = shift.rows[0]
    [change, interaction] = shift.attribution
    assert change.change == "model estimate"
    assert change.p50_days == plan_row.new.p50_days - plan_row.old.p50_days
    assert change.p80_days == plan_row.new.p80_days - plan_row.old.p80_days
    assert change.p80_days > 0 and change.p_success == 0
    assert interaction.change == INTERACTION
    assert (interaction.p50_days, interaction.p80_days, interaction.p_success) == (0, 0, 0)


def two_changes() -> tuple[Plan, Plan]:
    """A chain a -> b; the new plan lengthens a and adds a likely risk on b."""
    old = Plan(
        name="two",
        start=date(2027, 1, 4),
        runs=4000,
        seed=11,
        items=(
            Item("a", "A", estimate=Estimate(5, 10, 20)),
            Item("b", "B", estimate=Estimate(3, 5, 9), depends_on=("a",)),
            Item("c", "C", estimate=Estimate(2, 4, 6)),
        ),
    )
    new = old.with_item(replace(old.item("a"), estimate=Estimate(8, 14, 30))).with_risk(
        Risk("gpu-quota", "GPU quota", 0.5, Estimate(4, 6, 10), ("b",))
    )
    return old, new


def test_two_simultaneous_changes_are_split_sorted_by_size_with_interaction() -> None:
    old, new = two_changes()
    shift = forecast_shift(old, new)
    plan_row = shift.rows[0]
    total = plan_row.new.p80_days - plan_row.old.p80_days
    names = [a.change for a in shift.attribution]
    assert names == ["a estimate", "new risk gpu-quota", INTERACTION]
    a, risk, inter = shift.attribution
    assert a.p80_days > risk.p80_days > 0
    # the parts add up to the total shift, by construction
    assert a.p80_days + risk.p80_days + inter.p80_days == pytest.approx(total, abs=1e-9)
    # each change alone is the old plan with only that change: simulate it directly
    only_risk = old.with_risk(new.risk_by_id["gpu-quota"])
    alone = forecast_shift(old, only_risk, attribute=False).rows[0]
    assert risk.p80_days == pytest.approx(alone.new.p80_days - alone.old.p80_days)
    # a serial chain: effects add up almost exactly, so the interaction is small
    assert abs(inter.p80_days) < 0.25 * abs(total)
    line = attribution_line(shift)
    assert line is not None and line.startswith("P80 +") and "a estimate +" in line


def test_settings_removed_items_and_risks_are_switches_too() -> None:
    old, new = two_changes()
    newer = replace(new, as_of=date(2027, 1, 11), items=new.items[:2])  # c removed
    labels = [label for label, _ in change_switches(old, newer)]
    assert labels == ["a estimate", "removed item c", "new risk gpu-quota", "plan.as_of"]
    # priority weights, runs and seed do not move a forecast with fixed runs and seed
    assert change_switches(old, replace(old, runs=10, seed=1)) == []


def test_a_change_that_cannot_stand_alone_is_left_to_the_interaction() -> None:
    old, _ = two_changes()
    # swap the order of a and b: a alone now waiting for b while b still waits for a is a
    # cycle, which cannot be forecast: n/a, and its shift stays in the interaction
    new = old.with_item(replace(old.item("b"), depends_on=()))
    new = new.with_item(replace(new.item("a"), depends_on=("b",)))
    shift = forecast_shift(old, new)
    by_name = {a.change: a for a in shift.attribution}
    assert by_name["a depends_on"].p80_days is None
    assert by_name["b depends_on"].p80_days is not None
    plan_row = shift.rows[0]
    total = plan_row.new.p80_days - plan_row.old.p80_days
    assert by_name["b depends_on"].p80_days + by_name[INTERACTION].p80_days == pytest.approx(total)
    assert shift.attribution[-1].change == INTERACTION
    rendered = render_text(diff_plans(old, new), shift, "old", "new")
    assert "a depends_on" in rendered and "n/a" in rendered


def test_diff_json_text_and_md_carry_the_attribution(tmp_path: Path) -> None:
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    old.write_text(PLAN_V1)
    new.write_text(PLAN_V2)
    result = invoke("diff", str(old), str(new), "--json", "--runs", "500")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["schema"] == "roadmap-tui/diff/1"
    changes = [a["change"] for a in data["attribution"]]
    assert changes[-1] == INTERACTION
    assert set(changes[:-1]) == {
        "ui estimate",
        "beta depends_on",
        "new item audit",
        "risk vendor probability",
    }
    assert set(data["attribution"][0]) == {"change", "p50_days", "p80_days", "p_success"}
    text = invoke("diff", str(old), str(new), "--runs", "500").output
    assert "Why the plan finish moved" in text and "P80 " in text
    md = invoke("diff", str(old), str(new), "--runs", "500", "--format", "md").output
    assert "#### Why the plan finish moved" in md and "| *interaction* |" in md
    assert (
        render_md(
            diff_plans(one_item(Estimate.fixed(1)), one_item(Estimate.fixed(1))), None, "a", "b"
        ).count("interaction")
        == 0
    )


def test_diff_rev_attributes_too(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    plan = commit_versions(tmp_path, PLAN_V1, PLAN_V2)
    data = json.loads(
        invoke("diff", str(plan), "--rev", "HEAD~1", "--json", "--runs", "300").output
    )
    assert data["attribution"] and data["attribution"][-1]["change"] == INTERACTION


def test_under_a_scenario_its_own_change_is_a_switch() -> None:
    old, _ = two_changes()
    old = replace(
        old,
        scenarios=(
            Scenario("fast", "Fast", (Override("items", "a", "estimate", Estimate(3, 5, 8)),)),
        ),
    )
    faster = Scenario("fast", "Fast", (Override("items", "a", "estimate", Estimate(2, 3, 4)),))
    new = replace(old, scenarios=(faster,))
    assert change_switches(old, new) == []  # the baseline does not see scenarios
    shift = forecast_shift(old, new, scenario="fast")
    [change, interaction] = shift.attribution
    assert change.change == "scenario fast" and change.p80_days < 0
    assert interaction.p80_days == 0


def test_the_calibrate_setting_is_a_listed_change_but_no_switch() -> None:
    old, _ = two_changes()
    new = replace(old, calibrate=True)
    assert [c.field for c in diff_plans(old, new).settings] == ["forecast.calibrate"]
    assert change_switches(old, new) == []  # diff forecasts both sides uncalibrated
