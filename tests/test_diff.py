"""Plan diffs: what changed, field by field, and how the forecast shift is rendered."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from helpers import PLAN_V1, PLAN_V2, commit_versions, git, invoke
from roadmap_tui import store
from roadmap_tui.model.types import Estimate, Item, Override, Plan, Risk, Scenario
from roadmap_tui.report.diff import (
    Figures,
    ForecastShift,
    ShiftRow,
    diff_plans,
    render_md,
    render_text,
    row_lines,
)


def base_plan() -> Plan:
    return Plan(
        name="Demo",
        start=date(2027, 1, 4),
        seed=7,
        items=(
            Item("collect", "Collect data", kind="data", estimate=Estimate(5, 10, 20)),
            Item(
                "model",
                "Train model",
                kind="experiment",
                estimate=Estimate(5, 8, 12),
                depends_on=("collect",),
                p_success=0.6,
                max_attempts=2,
            ),
            Item(
                "launch", "Launch", kind="milestone", depends_on=("model",), target=date(2027, 3, 1)
            ),
        ),
        risks=(Risk("vendor", "Vendor slips", 0.3, Estimate(2, 5, 10), ("collect",)),),
        scenarios=(
            Scenario(
                "fast", "Fast", (Override("items", "collect", "estimate", Estimate(3, 5, 8)),)
            ),
        ),
    )


def test_identical_plans_have_no_changes() -> None:
    diff = diff_plans(base_plan(), base_plan())
    assert not diff.changed
    assert "No changes" in render_text(diff, None, "a", "b")


def test_changed_item_fields_are_listed_old_to_new() -> None:
    old = base_plan()
    new = old.with_item(replace(old.item("collect"), estimate=Estimate(5, 12, 25), owner="data"))
    diff = diff_plans(old, new)
    assert diff.changed
    assert [e.id for e in diff.items] == ["collect"]
    change = diff.items[0]
    assert change.status == "changed"
    assert [str(c) for c in change.changes] == [
        "estimate: [5, 10, 20] -> [5, 12, 25]",
        'owner: (unset) -> "data"',
    ]


def test_distribution_change_alone_is_reported() -> None:
    old = base_plan()
    new = old.with_item(replace(old.item("collect"), estimate=Estimate(5, 10, 20, "triangular")))
    (change,) = diff_plans(old, new).items
    assert [str(c) for c in change.changes] == ['distribution: "pert" -> "triangular"']


def test_added_and_removed_items_and_risks() -> None:
    old = base_plan()
    new = old.with_item(Item("audit", "Bias audit", estimate=Estimate.fixed(3))).without_risk(
        "vendor"
    )
    new = new.with_risk(Risk("gpu", "GPU shortage", 0.2, Estimate(1, 2, 3)))
    diff = diff_plans(old, new)
    assert [(e.id, e.status) for e in diff.items] == [("audit", "added")]
    assert [(e.id, e.status) for e in diff.risks] == [("gpu", "added"), ("vendor", "removed")]
    text = render_text(diff, None, "old.toml", "new.toml")
    assert '  + audit "Bias audit"' in text
    assert '  - vendor "Vendor slips"' in text


def test_removing_an_item_reports_it_and_the_dependency_it_leaves() -> None:
    old = base_plan()
    new = old.without_item("collect")
    diff = diff_plans(old, new)
    assert ("collect", "removed") in [(e.id, e.status) for e in diff.items]
    model = next(e for e in diff.items if e.id == "model")
    assert [str(c) for c in model.changes] == ['depends_on: ["collect"] -> []']
    vendor = next(e for e in diff.risks if e.id == "vendor")
    assert [str(c) for c in vendor.changes] == ['affects: ["collect"] -> []']


def test_risk_and_settings_and_scenario_changes() -> None:
    old = base_plan()
    new = replace(
        old.with_risk(replace(old.risk_by_id["vendor"], probability=0.5)), seed=8, runs=500
    )
    new = replace(
        new,
        scenarios=(Scenario("fast", "Faster", (Override("risks", "vendor", "probability", 0.1),)),),
    )
    diff = diff_plans(old, new)
    assert [str(c) for c in diff.settings] == [
        "forecast.runs: 10000 -> 500",
        "forecast.seed: 7 -> 8",
    ]
    assert [str(c) for c in diff.risks[0].changes] == ["probability: 0.3 -> 0.5"]
    assert [str(c) for c in diff.scenarios[0].changes] == [
        'title: "Fast" -> "Faster"',
        "risks.vendor.probability: (unset) -> 0.1",
        "items.collect.estimate: [3, 5, 8] -> (unset)",
    ]


def test_int_and_float_of_same_value_are_equal() -> None:
    old = base_plan()
    new = old.with_item(replace(old.item("collect"), impact=3))  # default is 3.0
    assert not diff_plans(old, new).changed


def fig(
    p50: float | None, p80: float | None, success: float = 1.0, on_time: float | None = None
) -> Figures:
    return Figures(
        p50_days=p50,
        p80_days=p80,
        p50=None if p50 is None else date(2027, 3, 1),
        p80=None if p80 is None else date(2027, 3, 8),
        p_success=success,
        p_on_time=on_time,
    )


def test_shift_lines_are_signed() -> None:
    row = ShiftRow("launch", "Launch", fig(20, 30, 0.9, 0.5), fig(22.0, 33.5, 0.85, 0.4))
    assert row_lines(row) == [
        "P50 +2.0 days (2027-03-01 -> 2027-03-01)",
        "P80 +3.5 days (2027-03-08 -> 2027-03-08)",
        "P(on time) 50.0% -> 40.0% (-10.0 pts)",
        "P(success) 90.0% -> 85.0% (-5.0 pts)",
    ]
    earlier = ShiftRow(None, "plan finish", fig(20, 30), fig(18, 30))
    assert row_lines(earlier)[:2] == [
        "P50 -2.0 days (2027-03-01 -> 2027-03-01)",
        "P80 ±0.0 days (2027-03-08 -> 2027-03-08)",
    ]


def test_shift_of_percentile_that_becomes_not_ready() -> None:
    row = ShiftRow(None, "plan finish", fig(20, 30, 0.9), fig(25, None, 0.7))
    lines = row_lines(row)
    assert lines[1] == "P80 n/a (2027-03-08 -> never)"


def test_added_milestone_shows_absent_side() -> None:
    row = ShiftRow("beta", "Beta", None, fig(10, 12))
    assert row_lines(row)[0] == "P50 n/a (absent -> 2027-03-01)"
    assert row_lines(row)[2] == "P(success) - -> 100.0%"


def test_markdown_rendering_escapes_plan_text() -> None:
    old = base_plan()
    new = old.with_item(replace(old.item("launch"), title="Launch | <b>beta</b>"))
    diff = diff_plans(old, new)
    shift = ForecastShift(
        100, 7, None, (ShiftRow("launch", "Launch | <b>beta</b>", fig(1, 2), fig(1, 3)),)
    )
    md = render_md(diff, shift, "HEAD", "plan.toml")
    assert "<b>" not in md
    assert "Launch \\| \\<b\\>beta\\</b\\>" in md
    assert "| Launch \\| \\<b\\>beta\\</b\\> (`launch`) | ±0.0 days" in md
    assert "+1.0 days" in md


# ----------------------------------------------------------------------------- the command


def run_diff(*args: str) -> tuple[int, str, str]:
    result = invoke("diff", *args)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def two_versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    old.write_text(PLAN_V1)
    new.write_text(PLAN_V2)
    return old, new


def test_diff_lists_changes_and_signed_forecast_shift(two_versions: tuple[Path, Path]) -> None:
    from roadmap_tui.forecast import simulate

    old, new = two_versions
    code, out, _ = run_diff(str(old), str(new))
    assert code == 1
    assert '  + audit "Bias and fairness audit"' in out
    assert "      estimate: [5, 8, 12] -> [10, 15, 25]" in out
    assert '      depends_on: ["intent", "ui"] -> ["intent", "ui", "audit"]' in out
    assert "      probability: 0.3 -> 0.5" in out
    assert "Forecast shift (2000 runs, seed 42 on both sides)" in out
    # the shift is exactly the difference of the two forecasts with the same runs and seed
    before = simulate(store.load_plan(old).plan, runs=2000, seed=42)
    after = simulate(store.load_plan(new).plan, runs=2000, seed=42)
    for key, label in ((None, "plan finish"), ("beta", "beta"), ("ga", "ga")):
        b = before.plan if key is None else before.items[key]
        a = after.plan if key is None else after.items[key]
        delta = a.finish_days.p80 - b.finish_days.p80
        assert delta > 0  # the plan got longer
        block = out.split(f"\n  {label}", 1)[1]
        assert f"P80 +{delta:.1f} days ({b.finish.p80} -> {a.finish.p80})" in block


def test_diff_same_seed_leaves_untouched_items_exactly_unchanged(tmp_path: Path) -> None:
    old, new = tmp_path / "a.toml", tmp_path / "b.toml"
    old.write_text(PLAN_V1)
    new.write_text(PLAN_V1.replace("target = 2027-04-30", "target = 2027-04-01"))
    code, out, _ = run_diff(str(old), str(new))
    assert code == 1
    assert "      target: 2027-04-30 -> 2027-04-01" in out
    ga = out.split("\n  ga ", 1)[1]
    assert "P50 ±0.0 days" in ga and "P80 ±0.0 days" in ga
    assert re.search(r"P\(on time\) [\d.]+% -> [\d.]+% \(-[\d.]+ pts\)", ga)


def test_diff_of_equal_plans_exits_0(tmp_path: Path) -> None:
    old, new = tmp_path / "a.toml", tmp_path / "b.toml"
    old.write_text(PLAN_V1)
    new.write_text("# a comment and layout are not changes\n" + PLAN_V1.replace(" = ", "  =  "))
    code, out, _ = run_diff(str(old), str(new))
    assert code == 0
    assert "No changes to the plan." in out


def test_diff_md_format(two_versions: tuple[Path, Path]) -> None:
    old, new = two_versions
    code, out, _ = run_diff(str(old), str(new), "--format", "md")
    assert code == 1
    assert out.startswith(f"## Plan changes: `{old}` → `{new}`")
    assert "| **Plan finish** |" in out
    assert "- added `audit` Bias and fairness audit" in out
    assert "  - `estimate`: \\[5, 8, 12\\] → \\[10, 15, 25\\]" in out


def test_diff_no_forecast(two_versions: tuple[Path, Path]) -> None:
    code, out, _ = run_diff(*map(str, two_versions), "--no-forecast")
    assert code == 1 and "Forecast shift" not in out


def test_diff_errors_exit_2(two_versions: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = two_versions
    bad = tmp_path / "bad.toml"
    bad.write_text("[plan]\nname = 1\n")
    code, _, err = run_diff(str(old), str(bad))
    assert code == 2 and f"{bad}:" in err
    code, _, err = run_diff(str(old), str(tmp_path / "missing.toml"))
    assert code == 2 and "no such file" in err
    code, _, err = run_diff(str(old))
    assert code == 2 and "give two plans" in err
    code, _, err = run_diff(str(old), "--rev", "HEAD")
    assert code == 2 and "not inside a git repository" in err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with two commits of plans/assistant.toml (v1 then v2)."""
    git(tmp_path, "init", "-q")
    commit_versions(tmp_path, PLAN_V1, PLAN_V2)
    return tmp_path


def test_diff_against_git_revision(repo: Path) -> None:
    plan = repo / "plans" / "assistant.toml"
    code, out, _ = run_diff(str(plan), "--rev", "HEAD~1")
    assert code == 1
    assert out.startswith(f"--- {plan}@HEAD~1\n+++ {plan}\n")
    assert '  + audit "Bias and fairness audit"' in out
    assert "P80 +" in out
    code, out, _ = run_diff(str(plan), "--rev", "HEAD")
    assert code == 0 and "No changes" in out
    code, _, err = run_diff(str(plan), "--rev", "nope")
    assert code == 2 and "nope: unknown revision" in err
    code, _, err = run_diff(str(plan), "--rev", "HEAD~1", str(plan))
    assert code == 2 and "exactly one plan" in err


def test_diff_rev_of_file_missing_or_invalid_at_revision(repo: Path) -> None:
    other = repo / "plans" / "new.toml"
    other.write_text(PLAN_V1)
    code, _, err = run_diff(str(other), "--rev", "HEAD")
    assert code == 2 and "does not exist at revision HEAD" in err
    (repo / "plans" / "assistant.toml").write_text("[plan]\n")
    git(repo, "commit", "-qam", "broken")
    (repo / "plans" / "assistant.toml").write_text(PLAN_V2)
    code, _, err = run_diff(str(repo / "plans" / "assistant.toml"), "--rev", "HEAD")
    assert code == 2 and "not a valid plan at that revision" in err
