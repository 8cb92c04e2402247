"""Teams and capacity (issue 10): format, validation, the serial list schedule, outputs."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from helpers import invoke
from roadmap_tui import store
from roadmap_tui.forecast import simulate
from roadmap_tui.forecast.capacity import QUEUE_RUNS, queue_order
from roadmap_tui.model import parse
from roadmap_tui.model.types import Plan, Team
from roadmap_tui.priority import prioritize

TEAMS = Path(__file__).parent / "fixtures" / "teams"

# fixture name -> every problem it must produce, as (line, message)
EXPECTED: dict[str, list[tuple[int, str]]] = {
    "unknown_team": [(12, "item 'a': team: unknown team 'mk'; expected one of: ml")],
    "capacity_zero": [
        (7, "team 'ml': capacity: expected an integer >= 1 (a dated step may be 0), found 0")
    ],
    "capacity_float": [
        (
            7,
            "team 'ml': capacity: expected an integer >= 1 or dated steps like "
            "[[2027-01-04, 2], [2027-03-01, 3]], found 1.5 (a float)",
        )
    ],
    "steps_out_of_order": [
        (
            7,
            "team 'ml': capacity: step [2027-02-01, 1] is not after the step on 2027-03-01; "
            "expected steps in date order",
        )
    ],
    "first_step_after_start": [
        (
            7,
            "team 'ml': capacity: the first step is on 2027-01-11, after the plan's start "
            "2027-01-04; expected the first step on or before start (how many units the team "
            "has from day 0)",
        )
    ],
    "step_negative": [
        (
            7,
            "team 'ml': capacity: expected a step [date, units] with units >= 0, "
            "found [2027-01-04, -1]",
        )
    ],
    "team_without_title": [(5, "team 'ml': title: missing; expected who the team is")],
    "bad_queue": [(6, '[forecast]: queue: expected one of priority, file, found "rank"')],
    "scenario_capacity_zero": [
        (
            16,
            "scenario 'move': team 'ml': capacity: expected an integer >= 1 (a dated step may "
            "be 0), found 0",
        )
    ],
    "scenario_unknown_team": [
        (
            20,
            "scenario 'move': item 'a': team: unknown team 'platfrom'; did you mean 'platform'?",
        )
    ],
}


def test_every_teams_fixture_has_an_expectation() -> None:
    assert {p.stem for p in TEAMS.glob("*.toml")} == {*EXPECTED, "unused_team"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_teams_fixture_reports_line_and_message(name: str) -> None:
    path = TEAMS / f"{name}.toml"
    with pytest.raises(store.PlanError) as info:
        store.load_plan(path)
    assert [(p.line, p.message) for p in info.value.problems] == EXPECTED[name]


def test_an_unused_team_is_a_warning_that_does_not_fail_validate() -> None:
    path = TEAMS / "unused_team.toml"
    result = invoke("validate", str(path))
    assert result.exit_code == 0
    assert f"{path}: ok (1 item, 0 risks)" in result.stdout
    assert (
        f"{path}:9: warning: team 'spare': no item uses it; expected team = \"spare\" on an "
        "item, or remove the team"
    ) in result.stderr


def test_a_team_used_only_by_a_scenario_is_no_warning() -> None:
    plan = plan_text(
        TEAMS_ML.format(cap=1) + '[teams.platform]\ntitle = "P"\ncapacity = 1\n' + items(1),
        '\n[scenarios.move]\ntitle = "Move"\nitems.i0.team = "platform"\n',
    )
    assert parse.plan_warnings(plan) == []


# ---------------------------------------------------------------- helpers

TEAMS_ML = '[teams.ml]\ntitle = "ML"\ncapacity = {cap}\n'


def items(n: int, estimate: str = "5", team: str | None = "ml", extra: str = "") -> str:
    out = ""
    for k in range(n):
        out += f'\n[items.i{k}]\ntitle = "Item {k}"\nestimate = {estimate}\n'
        if team is not None:
            out += f'team = "{team}"\n'
        out += extra
    return out


def plan_text(body: str, tail: str = "", runs: int = 2000) -> Plan:
    text = (
        '[plan]\nname = "T"\nstart = 2027-01-04\n\n'
        f"[forecast]\nruns = {runs}\nseed = 7\n\n" + body + tail
    )
    return store.load_plan_text(text, "t.toml").plan


def team_plan(cap: object, n: int, estimate: str = "5", tail: str = "", runs: int = 2000) -> Plan:
    return plan_text(TEAMS_ML.format(cap=cap) + items(n, estimate), tail, runs)


# ---------------------------------------------------------------- format


def test_teams_parse_with_a_number_or_dated_steps() -> None:
    plan = team_plan("[[2027-01-04, 2], [2027-03-01, 3], [2027-07-05, 0]]", 1)
    team = plan.team_by_id["ml"]
    assert team.capacity == ((date(2027, 1, 4), 2), (date(2027, 3, 1), 3), (date(2027, 7, 5), 0))
    assert team.units == 3
    assert plan.item("i0").team == "ml"
    assert team_plan(2, 1).team_by_id["ml"].steps(date(2027, 1, 4)) == ((date(2027, 1, 4), 2),)


def test_queue_defaults_to_priority_and_can_be_file() -> None:
    assert team_plan(1, 1).queue == "priority"
    text = '[plan]\nname = "T"\nstart = 2027-01-04\n[forecast]\nqueue = "file"\n'
    assert store.load_plan_text(text, "t.toml").plan.queue == "file"


def test_scenarios_override_capacity_and_an_items_team() -> None:
    plan = plan_text(
        TEAMS_ML.format(cap=1) + '[teams.platform]\ntitle = "P"\ncapacity = 1\n' + items(2),
        '\n[scenarios.hire]\ntitle = "Hire"\nteams.ml.capacity = 2\n'
        '\n[scenarios.move]\ntitle = "Move"\nitems.i1.team = "platform"\n',
    )
    assert plan.apply_scenario("hire").team_by_id["ml"].capacity == 2
    assert plan.apply_scenario("move").item("i1").team == "platform"


def test_set_changes_a_teams_capacity_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(store.template_text("ai-feature"))
    before = path.read_text().splitlines()
    result = invoke("set", str(path), "teams.ml.capacity", "3")
    assert result.exit_code == 0, result.output
    after = path.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].startswith("capacity = 3")
    assert store.load_plan(path).plan.team_by_id["ml"].capacity == 3
    bad = invoke("set", str(path), "teams.ml.capacity", "0")
    assert bad.exit_code == 1
    assert "capacity: expected an integer >= 1" in bad.stderr
    unknown = invoke("set", str(path), "teams.mll.capacity", "2")
    assert unknown.exit_code == 2 and "did you mean 'ml'?" in unknown.stderr


def test_saving_adds_edits_and_removes_team_tables(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(store.template_text("ai-feature"))
    loaded = store.load_plan(path)
    new = loaded.plan.with_team(Team("platform", "Platform engineer", 1))
    saved = store.save_plan(loaded, new)
    assert saved.plan.team_by_id["platform"] == Team("platform", "Platform engineer", 1)
    steps = ((date(2027, 1, 4), 1), (date(2027, 2, 1), 2))
    edited = saved.plan.with_team(replace(saved.plan.team_by_id["platform"], capacity=steps))
    saved = store.save_plan(saved, edited)
    assert saved.plan.team_by_id["platform"].capacity == steps
    text = path.read_text()
    assert "capacity = [[2027-01-04, 1], [2027-02-01, 2]]" in text
    assert text.index("[teams.platform]") < text.index("[items.")
    gone = replace(saved.plan, teams=tuple(t for t in saved.plan.teams if t.id != "platform"))
    saved = store.save_plan(saved, gone)
    assert "platform" not in path.read_text()


def test_fmt_keeps_team_tables_in_canonical_order(tmp_path: Path) -> None:
    text = (
        '[plan]\nname = "T"\nstart = 2027-01-04\n\n[teams.ml]\ncapacity = 2\ntitle = "ML"\n'
        + items(1)
    )
    out = store.format_canonical(text)
    assert '[teams.ml]\ntitle = "ML"\ncapacity = 2\n' in out


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize(
    ("capacity", "n", "finish"),
    [
        (1, 2, 10.0),
        (2, 2, 5.0),
        (2, 3, 10.0),
        ("[[2027-01-04, 1], [2027-01-11, 2]]", 3, 10.0),  # steps to 2 on working day 5
        (3, 3, 5.0),
        (1, 4, 20.0),
    ],
)
def test_fixed_durations_finish_exactly(capacity: object, n: int, finish: float) -> None:
    result = simulate(team_plan(capacity, n), runs=200)
    days = result.plan.finish_days
    assert days.p10 == days.p50 == days.p95 == days.mean == finish
    assert result.plan.deterministic_days == finish


def test_without_a_team_the_same_items_run_in_parallel() -> None:
    plan = plan_text(items(2, team=None))
    assert simulate(plan, runs=100).plan.finish_days.p50 == 5.0


def test_two_pert_items_on_one_lane_take_the_sum_of_their_means() -> None:
    est = "[2, 5, 14]"
    runs = 20_000
    serial = simulate(team_plan(1, 2, est), runs=runs)
    # every run finishes at the sum of the two drawn durations: the mean is exactly the sum
    # of the items' mean durations (up to float32 rounding)
    total = sum(f.mean_duration for f in serial.items.values())
    assert serial.plan.finish_days.mean == pytest.approx(total, abs=2e-3)
    # and that is twice the PERT mean within Monte Carlo error
    pert_mean = (2 + 4 * 5 + 14) / 6
    sd = (14 - 2) / 6  # PERT's usual sd bound; the sum of two has sd <= sqrt(2) * sd
    assert serial.plan.finish_days.mean == pytest.approx(
        2 * pert_mean, abs=4 * math.sqrt(2) * sd / math.sqrt(runs)
    )
    parallel = simulate(plan_text(items(2, est, team=None)), runs=runs)
    assert parallel.plan.finish_days.mean < serial.plan.finish_days.mean - 2
    # without a team it is the mean of the maximum: check it against the drawn durations
    both = simulate(team_plan(2, 2, est), runs=runs)
    assert both.plan.finish_days.mean == parallel.plan.finish_days.mean


def _figures(result: object) -> str:
    doc = result.to_json_dict()  # type: ignore[attr-defined]
    for item in doc["items"]:
        item.pop("wait_days", None)
    doc.pop("teams", None)
    return json.dumps(doc, sort_keys=True)


@pytest.mark.parametrize(
    ("with_risk", "attempts", "calibrated"),
    # 40 attempts at p 0.1: runs reach the attempts drawn at once after the 16th (_Tail),
    # whose streams the queue's pilot must rewind too, as the calibration ratios' stream
    [(False, 2, False), (True, 2, False), (True, 40, True)],
)
def test_capacity_that_never_binds_changes_no_figure(
    with_risk: bool, attempts: int, calibrated: bool
) -> None:
    p = 0.7 if attempts == 2 else 0.1
    body = items(3, "[2, 5, 14]", extra=f"p_success = {p}\nmax_attempts = {attempts}\n")
    body += '\n[items.m]\ntitle = "M"\nkind = "milestone"\ndepends_on = ["i0", "i1"]\nteam = "ml"\n'
    body += '\n[items.after]\ntitle = "After"\nestimate = [1, 3, 6]\ndepends_on = ["m"]\n'
    body += 'team = "ml"\ntarget = 2027-02-01\n'
    if with_risk:
        body += '\n[risks.r]\ntitle = "R"\nprobability = 0.4\ndelay = [1, 2, 9]\n'
        body += 'affects = ["i0", "after"]\n'
    with_teams = plan_text(TEAMS_ML.format(cap=4) + body)
    without = replace(
        with_teams, teams=(), items=tuple(replace(i, team=None) for i in with_teams.items)
    )
    ratios = {"i0": np.array([0.8, 1.0, 1.7]), "after": np.array([1.2])} if calibrated else None
    a = simulate(with_teams, runs=3000, calibration=ratios)
    b = simulate(without, runs=3000, calibration=ratios)
    assert _figures(a) == _figures(b)
    assert all(f.wait_days in (0.0, None) for f in a.items.values())


def test_plans_without_teams_have_no_team_keys_in_json() -> None:
    doc = simulate(plan_text(items(2, team=None)), runs=50).to_json_dict()
    assert "teams" not in doc
    assert all("wait_days" not in item for item in doc["items"])


def test_wait_days_and_the_teams_object() -> None:
    body = TEAMS_ML.format(cap=1) + items(2) + items(1, team=None).replace("i0", "free")
    result = simulate(plan_text(body), runs=100)
    doc = result.to_json_dict()
    waits = {item["id"]: item["wait_days"] for item in doc["items"]}
    assert sorted(w for k, w in waits.items() if k != "free") == [0.0, 5.0]
    assert waits["free"] is None
    team = doc["teams"]["ml"]
    assert team == {"title": "ML", "capacity": 1, "utilisation": 1.0, "peak_queue": 1}
    assert result.teams["ml"].load == (1.0, 1.0)
    assert result.teams["ml"].load_capacity == (1, 1)


def test_utilisation_counts_idle_lanes() -> None:
    result = simulate(team_plan(2, 3), runs=50)
    # 15 capacity-days used of 2 x 10 available up to the P50 finish (day 10)
    assert result.teams["ml"].utilisation == 0.75
    steps = "[[2027-01-04, 2], [2027-02-01, 1]]"
    assert simulate(team_plan(steps, 1), runs=50).to_json_dict()["teams"]["ml"]["capacity"] == [
        ["2027-01-04", 2],
        ["2027-02-01", 1],
    ]


# ---------------------------------------------------------------- the schedule's rules


def test_milestones_done_and_dropped_items_hold_no_lane() -> None:
    body = TEAMS_ML.format(cap=1) + items(1)
    body += '\n[items.m]\ntitle = "M"\nkind = "milestone"\nteam = "ml"\n'
    body += '\n[items.d]\ntitle = "D"\nestimate = 50\nstatus = "done"\n'
    body += 'started = 2027-01-04\nfinished = 2027-01-05\nteam = "ml"\n'
    body += '\n[items.x]\ntitle = "X"\nestimate = 50\nstatus = "dropped"\nteam = "ml"\n'
    result = simulate(plan_text(body), runs=50)
    assert result.items["i0"].finish_days.p50 == 5.0
    assert result.items["m"].finish_days.p50 == 0.0


def test_work_in_progress_holds_its_lane_ahead_of_the_queue() -> None:
    body = TEAMS_ML.format(cap=1) + items(1, "3")
    body += '\n[items.wip]\ntitle = "WIP"\nestimate = 10\nstatus = "doing"\n'
    body += 'started = 2027-01-04\nremaining = 4\nteam = "ml"\n'
    plan = replace(plan_text(body), as_of=date(2027, 1, 11))  # as_of = working day 5
    result = simulate(plan, runs=50)
    assert result.items["wip"].finish_days.p50 == 9.0
    assert result.items["i0"].finish_days.p50 == 12.0  # waited 4 days for the lane
    assert result.items["i0"].wait_days == 4.0
    assert result.items["wip"].wait_days == 0.0


def test_queue_file_takes_items_in_file_order_and_priority_by_rank() -> None:
    body = TEAMS_ML.format(cap=1)
    body += '\n[items.low]\ntitle = "Low"\nestimate = 5\nteam = "ml"\nimpact = 1\n'
    body += '\n[items.high]\ntitle = "High"\nestimate = 5\nteam = "ml"\nimpact = 5\n'
    plan = plan_text(body)
    by_rank = simulate(plan, runs=50)
    assert by_rank.items["high"].finish_days.p50 == 5.0
    assert by_rank.items["low"].finish_days.p50 == 10.0
    by_file = simulate(replace(plan, queue="file"), runs=50)
    assert by_file.items["low"].finish_days.p50 == 5.0
    assert by_file.items["high"].finish_days.p50 == 10.0


def test_queue_order_is_the_ranking_of_the_forecast_without_capacity() -> None:
    body = TEAMS_ML.format(cap=1)
    for k, impact in enumerate((1, 5, 3)):
        body += f'\n[items.x{k}]\ntitle = "X{k}"\nestimate = 5\nteam = "ml"\nimpact = {impact}\n'
    plan = plan_text(body)
    free = replace(plan, teams=(), items=tuple(replace(i, team=None) for i in plan.items))
    forecast = simulate(free, runs=QUEUE_RUNS)
    order = queue_order(plan, forecast)
    assert order == [r.id for r in prioritize(plan, forecast).items]
    assert order.index("x1") < order.index("x0")  # impact 5 before impact 1
    result = simulate(plan, runs=50)
    assert [result.items[k].finish_days.p50 for k in order] == [5.0, 10.0, 15.0]


def test_a_waiting_item_lets_a_later_one_use_the_idle_unit_only_if_it_fits() -> None:
    # cap 1: `first` (queued first) waits for `pre` (no team, 10 days); `second` comes later
    # in the queue and is ready at once. The unit idles until day 10: `second` may use that
    # gap when it is done by day 10 (it delays nobody), else it waits until `first` is done.
    body = TEAMS_ML.format(cap=1)
    body += '\n[items.pre]\ntitle = "Pre"\nestimate = 10\n'
    body += '\n[items.first]\ntitle = "First"\nestimate = 5\nteam = "ml"\ndepends_on = ["pre"]\n'
    body += '\n[items.second]\ntitle = "Second"\nestimate = {d}\nteam = "ml"\n'
    fits = simulate(replace(plan_text(body.format(d=6)), queue="file"), runs=20)
    assert fits.items["first"].finish_days.p50 == 15.0
    assert fits.items["second"].finish_days.p50 == 6.0
    assert fits.items["second"].wait_days == 0.0
    exact = simulate(replace(plan_text(body.format(d=10)), queue="file"), runs=20)
    assert exact.items["second"].finish_days.p50 == 10.0  # ends as `first` starts
    long = simulate(replace(plan_text(body.format(d=11)), queue="file"), runs=20)
    assert long.items["first"].finish_days.p50 == 15.0  # never delayed by a later item
    assert long.items["second"].finish_days.p50 == 26.0
    assert long.items["second"].wait_days == 15.0
    # with two units the later item takes the other unit at once
    two = replace(plan_text(body.format(d=11)), queue="file", teams=(Team("ml", "ML", 2),))
    result = simulate(two, runs=20)
    assert result.items["second"].finish_days.p50 == 11.0
    assert result.items["first"].finish_days.p50 == 15.0


def test_a_gap_is_used_from_the_items_ready_day_and_what_is_left_stays_usable() -> None:
    # unit idle until day 20 (`first` waits for a 20-day `pre`); `a` (ready 0, 5 days) takes
    # 0..5, `b` (ready after the 3-day `pb`, 6 days) takes 5..11 from the rest of the gap
    body = TEAMS_ML.format(cap=1)
    body += '\n[items.pre]\ntitle = "Pre"\nestimate = 20\n'
    body += '\n[items.pb]\ntitle = "PB"\nestimate = 3\n'
    body += '\n[items.first]\ntitle = "First"\nestimate = 5\nteam = "ml"\ndepends_on = ["pre"]\n'
    body += '\n[items.a]\ntitle = "A"\nestimate = 5\nteam = "ml"\n'
    body += '\n[items.b]\ntitle = "B"\nestimate = 6\nteam = "ml"\ndepends_on = ["pb"]\n'
    result = simulate(replace(plan_text(body), queue="file"), runs=20)
    finish = {k: result.items[k].finish_days.p50 for k in ("first", "a", "b")}
    assert finish == {"first": 25.0, "a": 5.0, "b": 11.0}


def test_a_lane_that_ends_takes_no_work_it_cannot_finish() -> None:
    # one unit until working day 8 (2027-01-14), then none for a week, then one again
    steps = "[[2027-01-04, 1], [2027-01-14, 0], [2027-01-21, 1]]"
    result = simulate(team_plan(steps, 2), runs=20)
    # the first item fits (0..5); the second cannot finish by day 8: it starts on day 13
    assert sorted(f.finish_days.p50 for f in result.items.values()) == [5.0, 18.0]
    ended = simulate(team_plan("[[2027-01-04, 1], [2027-01-14, 0]]", 2), runs=20)
    assert ended.plan.p_success == 0.0  # the second item never starts
    assert sorted(f.p_success for f in ended.items.values()) == [0.0, 1.0]


def test_hiring_scenario_moves_p50_and_p80_earlier() -> None:
    plan = team_plan(
        1, 4, "[3, 5, 9]", '\n[scenarios.hire]\ntitle = "Hire"\nteams.ml.capacity = 2\n'
    )
    base = simulate(plan, runs=2000)
    hired = simulate(plan, runs=2000, scenario="hire")
    assert hired.plan.finish_days.p50 < base.plan.finish_days.p50 - 5
    assert hired.plan.finish_days.p80 < base.plan.finish_days.p80 - 5
    assert hired.teams["ml"].capacity == 2
    result = invoke("simulate", "--compare", "--runs", "500", str(_write(plan_text_of(plan))))
    assert result.exit_code == 0, result.output
    assert "hire" in result.stdout


def plan_text_of(plan: Plan) -> str:
    lines = ['[plan]\nname = "T"\nstart = 2027-01-04\n', TEAMS_ML.format(cap=1)]
    for item in plan.items:
        lines.append(f'[items.{item.id}]\ntitle = "{item.title}"\nestimate = [3, 5, 9]\n')
        lines.append('team = "ml"\n')
    lines.append('[scenarios.hire]\ntitle = "Hire"\nteams.ml.capacity = 2\n')
    return "\n".join(lines)


def _write(text: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "hire.toml"
    path.write_text(text)
    return path


def test_the_schedule_does_not_depend_on_the_chunk_size() -> None:
    plan = team_plan(2, 5, "[2, 5, 14]")
    a = simulate(plan, runs=700, chunk_size=64)
    b = simulate(plan, runs=700, chunk_size=4096)
    assert json.dumps(a.to_json_dict()) == json.dumps(b.to_json_dict())


def test_same_seed_same_bytes() -> None:
    plan = team_plan(2, 5, "[2, 5, 14]")
    a = json.dumps(simulate(plan, runs=300).to_json_dict())
    assert a == json.dumps(simulate(plan, runs=300).to_json_dict())


def test_a_never_ready_item_does_not_block_its_lane() -> None:
    body = TEAMS_ML.format(cap=1)
    body += '\n[items.exp]\ntitle = "Exp"\nkind = "experiment"\nestimate = 2\np_success = 0.0001\n'
    body += '\n[items.after]\ntitle = "After"\nestimate = 5\nteam = "ml"\ndepends_on = ["exp"]\n'
    body += '\n[items.other]\ntitle = "Other"\nestimate = 5\nteam = "ml"\n'
    plan = replace(plan_text(body), queue="file")
    result = simulate(plan, runs=50)
    assert result.items["after"].p_success < 0.01
    assert result.items["other"].finish_days.p50 == 5.0
    assert np.isnan(np.nan) and result.items["after"].wait_days is None
