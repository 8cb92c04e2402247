"""The editor with teams: the teams panel beside the risks (pilot and snapshot), capacity
edited in place, waits on the timeline, the priorities view's note."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from roadmap_tui import store
from roadmap_tui.tui.views.risks import TeamTable, load_lines
from roadmap_tui.tui.views.timeline import TimelineChart
from test_tui_snapshots import app_for
from tui_helpers import PLAN, cells, fill, open_editor, press, running, settle

TEAMS = """
[teams.ml]
title = "ML engineers"
capacity = 1

[teams.labeling]
title = "Labeling vendor"
capacity = [[2027-01-04, 3], [2027-06-01, 0]]
"""

# one ML engineer for the model and the UI: one of them waits
TEAM_PLAN = (
    PLAN.replace("[items.kickoff]", TEAMS + "\n[items.kickoff]")
    .replace(
        'depends_on = ["kickoff"]\ndata = 0.4',
        'depends_on = ["kickoff"]\ndata = 0.4\nteam = "labeling"',
    )
    .replace("readiness = 3\n", 'readiness = 3\nteam = "ml"\n')
    .replace(
        '[items.ui]\ntitle = "Chat UI"\nestimate = [5, 8, 12]\n',
        # too long to fit before the model starts: whichever of the two goes second waits
        '[items.ui]\ntitle = "Chat UI"\nestimate = [20, 25, 40]\nteam = "ml"\n',
    )
)


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(TEAM_PLAN, encoding="utf-8")
    return path


def test_the_fixture_has_teams(plan_path: Path) -> None:
    plan = store.load_plan(plan_path).plan
    assert [t.id for t in plan.teams] == ["ml", "labeling"]
    assert {i.id: i.team for i in plan.items if i.team} == {
        "collect": "labeling",
        "model": "ml",
        "ui": "ml",
    }


async def test_teams_panel_shows_load_and_edits_capacity_in_place(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "6")
        table = app.query_one(TeamTable)
        assert table.display
        assert cells(table, 0) == ["ml", "labeling"]
        before = app.forecast
        assert before is not None and before.items["ui"].wait_days is not None
        detail = str(app.query_one("#team-detail", Static).render())
        assert "ml" in detail and "(median run)" in detail
        table.focus()
        await press(pilot, "plus")
        await settle(app, pilot)
        assert app.plan.team_by_id["ml"].capacity == 2
        assert app.forecast is not None
        waited = before.items["model"].wait_days + before.items["ui"].wait_days
        assert waited > 0
        assert app.forecast.items["model"].wait_days + app.forecast.items["ui"].wait_days == 0
        await press(pilot, "minus", "minus")
        await settle(app, pilot)
        assert app.plan.team_by_id["ml"].capacity == 1  # never below 1
        await press(pilot, "ctrl+s")
        await settle(app, pilot)
        assert store.load_plan(plan_path).plan.team_by_id["ml"].capacity == 1


async def test_the_item_editor_sets_a_team_and_refuses_an_unknown_one(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "1")
        editor = await open_editor(app, pilot, "ui")
        fill(editor, "team", "lab")
        await pilot.pause()
        assert "did you mean 'labeling'?" in str(editor.query_one("#error-team").render())
        fill(editor, "team", "labeling")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.plan.item("ui").team == "labeling"


async def test_plans_without_teams_have_no_team_field(tmp_path: Path) -> None:
    path = tmp_path / "plain.toml"
    path.write_text(PLAN, encoding="utf-8")
    async with running(path) as (app, pilot):
        editor = await open_editor(app, pilot, "ui")
        assert not editor.query("#field-team")


async def test_teams_are_added_and_edited_with_a_form(plan_path: Path) -> None:
    from roadmap_tui.tui.widgets.editor import TeamEditor

    async with running(plan_path) as (app, pilot):
        await press(pilot, "6")
        app.query_one(TeamTable).focus()
        await press(pilot, "a")
        editor = app.screen
        assert isinstance(editor, TeamEditor)
        fill(editor, "id", "platform")
        fill(editor, "title", "Platform engineer")
        fill(editor, "capacity", "0")
        await pilot.pause()
        assert "integer >= 1" in str(editor.query_one("#error-capacity").render())
        fill(editor, "capacity", "1")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.plan.team_by_id["platform"].capacity == 1
        await press(pilot, "enter")  # the new team is selected: edit it
        editor = app.screen
        assert isinstance(editor, TeamEditor)
        fill(editor, "capacity", "[[2027-01-04, 1], [2027-03-01, 2]]")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        steps = app.plan.team_by_id["platform"].capacity
        assert [n for _, n in steps] == [1, 2]  # type: ignore[union-attr]


async def test_stepped_capacity_moves_every_step_but_never_all_to_zero(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "6")
        table = app.query_one(TeamTable)
        table.focus()
        await press(pilot, "down", "minus")
        await settle(app, pilot)
        steps = app.plan.team_by_id["labeling"].capacity
        assert [n for _, n in steps] == [2, 0]  # type: ignore[union-attr]


async def test_timeline_draws_the_wait_apart(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "2")
        assert "▒" in app.query_one(TimelineChart).render().plain
        # the legend stays under the scrolling chart
        assert "waits for its team" in str(app.query_one("#timeline-legend", Static).render())


async def test_priorities_view_says_weights_move_dates(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "5")
        note = str(app.query_one("#weights-note", Static).render())
        assert "a weight change can move dates" in note


async def test_plans_without_teams_show_no_teams_panel(tmp_path: Path) -> None:
    path = tmp_path / "plain.toml"
    path.write_text(PLAN, encoding="utf-8")
    async with running(path) as (app, pilot):
        await press(pilot, "6")
        assert not app.query_one(TeamTable).display
        await press(pilot, "5")
        assert not app.query_one("#weights-note", Static).display


def test_load_lines_mark_weeks_at_capacity() -> None:
    from roadmap_tui.forecast.result import TeamForecast

    team = TeamForecast("ml", "ML", 2, 0.5, 1, load=(2.0, 1.0, 0.0), load_capacity=(2, 2, 2))
    lines = load_lines(team, "2027-01-04", 60)
    assert lines[0].startswith("2 ┤")
    assert lines[3] == "  └▀  "
    assert "one column per week from 2027-01-04" in lines[4]


def test_teams_panel_snapshot(snap_compare, plan_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.app.wait_for_forecast()
        await pilot.press("6")
        await pilot.pause()
        await pilot.app.wait_for_forecast()
        await pilot.pause()

    assert snap_compare(app_for(plan_path), terminal_size=(120, 36), run_before=run_before)
