"""Calibration: ratios of done items' actuals to their estimates, and the calibrated forecast."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from helpers import invoke
from roadmap_tui.forecast import simulate
from roadmap_tui.forecast.calibration import (
    ALL,
    MIN_SAMPLES,
    calibrate,
    calibrated_forecast,
    estimate_p80,
    samples_of,
    summarise,
)
from roadmap_tui.model.types import Estimate, Item, Plan

START = date(2027, 1, 4)  # a Monday
EXAMPLE = Path(__file__).resolve().parents[1] / "plans" / "support-assistant.toml"


def done(item_id: str, estimate: Estimate, days: int, kind: str = "task") -> Item:
    """A done item that took `days` working days from Monday 2027-01-04 (no holidays)."""
    weeks, rest = divmod(days - 1, 5)
    finished = START + timedelta(weeks=weeks, days=rest)
    return Item(
        item_id,
        item_id,
        kind=kind,
        estimate=estimate,
        status="done",
        started=START,
        finished=finished,
    )


def plan_of(*items: Item, runs: int = 400) -> Plan:
    return Plan(name="p", start=START, as_of=date(2027, 3, 1), runs=runs, seed=3, items=items)


def test_six_done_items_at_twice_their_estimate_double_a_fixed_open_item() -> None:
    """The closed form of the issue: every run of the open 10-day item takes 20 days."""
    items = [done(f"d{k}", Estimate.fixed(k + 2), 2 * (k + 2)) for k in range(6)]
    plan = plan_of(*items, Item("open", "open", estimate=Estimate.fixed(10)))
    cal = calibrate(plan)
    assert cal.active and cal.source == {"task": "task"}
    base = simulate(plan)
    calibrated = calibrated_forecast(plan, cal)
    assert calibrated is not None
    as_of = base.items["open"].finish_days.p10 - 10  # the item starts at as_of
    f = calibrated.items["open"]
    assert f.mean_duration == 20.0
    for key in ("p10", "p50", "p80", "p95"):
        assert f.finish_days.get(key) == as_of + 20
        assert base.items["open"].finish_days.get(key) == as_of + 10


def test_fewer_than_five_done_items_means_no_calibration_and_a_notice() -> None:
    items = [done(f"d{k}", Estimate.fixed(5), 10) for k in range(MIN_SAMPLES - 1)]
    plan = plan_of(*items, Item("open", "open", estimate=Estimate.fixed(10)))
    cal = calibrate(plan)
    assert not cal.active and cal.ratios == {}
    assert cal.notice is not None and "4 done item" in cal.notice and "at least 5" in cal.notice
    assert calibrated_forecast(plan, cal) is None


def test_a_kind_with_fewer_than_five_ratios_draws_from_all_kinds_pooled() -> None:
    tasks = [done(f"t{k}", Estimate.fixed(5), 10) for k in range(5)]
    data = [done(f"d{k}", Estimate.fixed(5), 5, kind="data") for k in range(2)]
    plan = plan_of(
        *tasks,
        *data,
        Item("t", "t", estimate=Estimate.fixed(10)),
        Item("d", "d", kind="data", estimate=Estimate.fixed(10)),
        Item("m", "m", kind="milestone", depends_on=("t", "d")),
    )
    cal = calibrate(plan)
    assert cal.source == {"task": "task", "data": ALL}  # the milestone takes no time
    assert sorted(cal.ratios["t"]) == [2.0] * 5
    assert sorted(cal.ratios["d"]) == [1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    assert "m" not in cal.ratios


def test_calibration_shares_every_other_draw_with_the_baseline() -> None:
    """Common random numbers: a ratio of 1 everywhere gives the baseline, bit for bit."""
    plan = plan_of(
        Item("a", "a", estimate=Estimate(3, 5, 10)),
        Item("b", "b", estimate=Estimate(2, 4, 9), depends_on=("a",), p_success=0.7),
    )
    base = simulate(plan)
    same = simulate(plan, calibration={"a": np.ones(3), "b": np.ones(4)})
    assert same.to_json_dict() == base.to_json_dict()
    # and a calibration of one item leaves the other's durations alone
    only_b = simulate(plan, calibration={"b": np.array([2.0])})
    a, a0 = only_b.items["a"], base.items["a"]
    assert (a.finish_days, a.mean_duration) == (a0.finish_days, a0.mean_duration)
    assert only_b.items["b"].mean_duration == pytest.approx(2 * base.items["b"].mean_duration)


def test_the_ratio_is_on_the_plan_calendar_and_the_summary_counts_ranges() -> None:
    # 2027-01-15 -> 2027-01-26 over the holiday 2027-01-18: 7 working days
    item = Item(
        "x",
        "x",
        kind="data",
        estimate=Estimate(4, 6, 10),
        status="done",
        started=date(2027, 1, 15),
        finished=date(2027, 1, 26),
    )
    plan = replace(plan_of(item), holidays=(date(2027, 1, 18),))
    [s] = samples_of(plan)
    assert s.actual_days == 7 and s.estimate_mean == pytest.approx(19 / 3)
    assert s.inside and not s.above_p80
    summary = summarise([s, replace(s, actual_days=12.0)], "data")
    assert summary is not None
    assert (summary.count, summary.inside, summary.above_p80) == (2, 1, 1)
    assert summary.sentence() == (
        f"data items took {summary.median:.1f}x their estimate (median of 2); "
        "1 of 2 finished inside their range"
    )


@pytest.mark.parametrize(
    "estimate",
    [
        Estimate(2, 5, 12),
        Estimate(2, 5, 12, "triangular"),
        Estimate(2, 5, 12, "uniform"),
        Estimate(2, 5, 12, "lognormal"),
        Estimate(3, 3.5, 4, "triangular"),
    ],
)
def test_estimate_p80_matches_the_engine_draws(estimate: Estimate) -> None:
    plan = replace(plan_of(Item("a", "a", estimate=estimate), runs=40_000), as_of=None)
    f = simulate(plan).items["a"]
    drawn = f.finish_days.p80
    # P80 of 40,000 draws: standard error about sqrt(.8 * .2 / 40,000) / density, < 1 %
    assert estimate_p80(estimate) == pytest.approx(drawn, rel=0.02)


def test_calibrate_cli_text_json_and_from(tmp_path: Path) -> None:
    result = invoke("calibrate", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "data items took" in result.output and "median of 5" in result.output
    data = json.loads(invoke("calibrate", str(EXAMPLE), "--json").output)
    kinds = {k["kind"]: k for k in data["kinds"]}
    assert kinds[ALL]["count"] == 10 and kinds["data"]["count"] == 5
    assert data["source"]["experiment"] == ALL and data["notice"] is None
    other = tmp_path / "other.toml"
    other.write_text(EXAMPLE.read_text().replace('name = "Support assistant"', 'name = "Old"'))
    both = json.loads(invoke("calibrate", str(EXAMPLE), "--from", str(other), "--json").output)
    assert next(k for k in both["kinds"] if k["kind"] == ALL)["count"] == 20
    assert invoke("calibrate", str(tmp_path / "missing.toml")).exit_code == 2


def test_simulate_shows_calibrated_beside_uncalibrated() -> None:
    result = invoke("simulate", str(EXAMPLE), "--runs", "300")
    assert "cal. P80" in result.output and "calibrated from 10 done items" in result.output
    off = invoke("simulate", str(EXAMPLE), "--runs", "300", "--no-calibrate")
    assert "cal. P80" not in off.output
    data = json.loads(invoke("simulate", str(EXAMPLE), "--runs", "300", "--json").output)
    base, cal = data["plan"], data["calibration"]["forecast"]["plan"]
    assert cal["finish_days"]["p50"] > base["finish_days"]["p50"]  # the team runs late


def test_calibrate_setting_round_trips_through_set(tmp_path: Path) -> None:
    plan = tmp_path / "p.toml"
    plan.write_text('[plan]\nname = "p"\nstart = 2027-01-04\n')
    assert invoke("set", str(plan), "forecast.calibrate", "true").exit_code == 0
    assert "calibrate = true" in plan.read_text()
    bad = invoke("set", str(plan), "forecast.calibrate", "3")
    assert bad.exit_code == 1 and "expected true or false" in bad.stderr


def test_calibrate_and_compare_do_not_mix() -> None:
    result = invoke("simulate", str(EXAMPLE), "--compare", "--calibrate", "--runs", "100")
    assert result.exit_code == 2 and "leave out --compare" in result.stderr
    # the plan's own `calibrate = true` does not stop --compare
    assert invoke("simulate", str(EXAMPLE), "--compare", "--runs", "100").exit_code == 0


def test_reports_show_calibrated_figures_only_when_the_plan_asks(tmp_path: Path) -> None:
    md = invoke("export", str(EXAMPLE), "-f", "md", "--runs", "300").output
    assert "## Calibrated forecast" in md and "| Calibrated P50 | Calibrated P80 |" in md
    doc = json.loads(invoke("export", str(EXAMPLE), "-f", "json", "--runs", "300").output)
    assert doc["calibration"]["forecast"]["runs"] == 300
    assert doc["calibration"]["summary"].startswith("calibrated from 10 done items")
    html = invoke("export", str(EXAMPLE), "-f", "html", "--runs", "300").output
    assert "Calibrated forecast" in html and "Calibrated P80" in html
    off = tmp_path / "off.toml"
    off.write_text(EXAMPLE.read_text().replace("calibrate = true", "calibrate = false"))
    assert "Calibrated" not in invoke("export", str(off), "-f", "md", "--runs", "300").output
    few = tmp_path / "few.toml"
    few.write_text(
        '[plan]\nname = "f"\nstart = 2027-01-04\n[forecast]\ncalibrate = true\n'
        '[items.a]\ntitle = "A"\nestimate = 3\n'
    )
    md = invoke("export", str(few), "-f", "md", "--runs", "100").output
    assert "## Calibrated forecast" in md and "no calibration: 0 done item(s)" in md
