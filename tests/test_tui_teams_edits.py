"""Teams in the editor, the rest of issue 10: a team deleted like a risk, team overrides in the
scenario form, and team edits under a scenario."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from roadmap_tui import store
from roadmap_tui.model.types import Override
from roadmap_tui.tui.views.risks import TeamTable
from roadmap_tui.tui.widgets.dialogs import ChoiceDialog
from test_tui_teams import TEAM_PLAN
from tui_helpers import cells, press, running, settle

#: the fixture with a scenario that hires and moves the data work to the ML engineers
SCENARIO = """
[scenarios.hire]
title = "Hire a second ML engineer"
teams.ml.capacity = 2
items.collect.team = "ml"
"""


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(TEAM_PLAN + SCENARIO, encoding="utf-8")
    return path


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines a save took out and put in."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def text_of(widget: Static) -> str:
    return str(widget.render())


async def focus_team(app, pilot, team_id: str) -> TeamTable:  # type: ignore[no-untyped-def]
    await press(pilot, "6")
    table = app.query_one(TeamTable)
    table.focus()
    await pilot.pause()
    while app.selected_team != team_id:
        await press(pilot, "down")
    return table


# -- deleting a team -----------------------------------------------------------------------------


def test_without_team_clears_the_items_and_the_scenarios_overrides(plan_path: Path) -> None:
    plan = store.load_plan(plan_path).plan
    after = plan.without_team("ml")
    assert [t.id for t in after.teams] == ["labeling"]
    assert {i.id: i.team for i in after.items if i.team} == {"collect": "labeling"}
    assert after.scenario_by_id["hire"].overrides == ()
    # another team's users and overrides are left alone
    kept = plan.without_team("labeling")
    assert kept.item("collect").team is None and kept.item("model").team == "ml"
    assert kept.scenario_by_id["hire"].overrides == plan.scenario_by_id["hire"].overrides


async def test_deleting_a_team_asks_names_its_items_and_saves_one_edit(plan_path: Path) -> None:
    before = plan_path.read_text(encoding="utf-8")
    async with running(plan_path) as (app, pilot):
        table = await focus_team(app, pilot, "ml")
        await press(pilot, "delete")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        message = text_of(dialog.query_one(".dialog-message", Static))
        assert "2 items name it" in message and "model, ui" in message
        assert "no waiting for capacity" in message and "scenarios: hire" in message
        await pilot.click("#delete")
        await settle(app, pilot)
        assert "ml" not in app.plan.team_by_id
        assert [i.id for i in app.plan.items if i.team] == ["collect"]
        assert app.plan.scenario_by_id["hire"].overrides == ()
        assert cells(table, 0) == ["labeling"] and app.selected_team == "labeling"
        assert app.forecast is not None and app.forecast.items["ui"].wait_days is None
        await press(pilot, "ctrl+s")
        await settle(app, pilot)
        after = plan_path.read_text(encoding="utf-8")
        removed, added = changed_lines(before, after)
        assert added == []
        assert removed.count("") <= 1  # the blank line that set the table apart
        assert [line for line in removed if line] == [
            "[teams.ml]",
            'title = "ML engineers"',
            "capacity = 1",
            'team = "ml"',
            'team = "ml"',
            "teams.ml.capacity = 2",
            'items.collect.team = "ml"',
        ]
        # one edit: one undo brings the team and every reference back
        await press(pilot, "ctrl+z")
        await settle(app, pilot)
        assert app.plan == store.load_plan_text(before, plan_path).plan


async def test_deleting_an_unused_team_says_no_item_names_it(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        app.apply(
            app.plan.without_team("labeling").with_team(app.plan.team_by_id["labeling"]),
            "unuse labeling",
        )
        await settle(app, pilot)
        await focus_team(app, pilot, "labeling")
        await press(pilot, "delete")
        assert "No item names it." in text_of(app.screen.query_one(".dialog-message", Static))
        await pilot.click("#cancel")
        await pilot.pause()
        assert "labeling" in app.plan.team_by_id


def test_delete_team_is_in_the_registry_for_footer_and_palette() -> None:
    from roadmap_tui.tui.actions import actions_for

    keys = {a.id: a.key for a in actions_for("teams")}
    assert keys["delete-team"] == "delete"
    assert any(b.action == "app.delete_team" for b in TeamTable.BINDINGS)  # type: ignore[union-attr]


# -- team overrides in the scenario form ---------------------------------------------------------


async def pick(app, pilot, option_id: str) -> None:  # type: ignore[no-untyped-def]
    """In an option dialog: highlight `option_id` and press enter, as arrows then enter do."""
    from roadmap_tui.tui.widgets.dialogs import OptionDialog

    dialog = app.screen
    assert isinstance(dialog, OptionDialog), dialog
    ids = [option for option, _ in dialog.options]
    dialog.query_one(OptionList).highlighted = ids.index(option_id)
    await press(pilot, "enter")


async def new_scenario(app, pilot, scenario_id: str, title: str):  # type: ignore[no-untyped-def]
    from roadmap_tui.tui.widgets.scenarios import ScenarioEditor

    await press(pilot, "C", "a")
    editor = app.screen
    assert isinstance(editor, ScenarioEditor)
    editor.query_one("#scenario-id", Input).value = scenario_id
    editor.query_one("#scenario-title", Input).value = title
    return editor


async def type_value(app, pilot, text: str) -> str:  # type: ignore[no-untyped-def]
    """Type a value into the value dialog and press enter; the error shown, if any."""
    from roadmap_tui.tui.widgets.scenarios import ValueDialog

    dialog = app.screen
    assert isinstance(dialog, ValueDialog)
    dialog.query_one(Input).value = text
    await press(pilot, "enter")
    return text_of(dialog.query_one("#value-error", Static)) if app.screen is dialog else ""


async def test_the_scenario_form_sets_a_teams_capacity_and_an_items_team(plan_path: Path) -> None:
    from roadmap_tui.tui.widgets.dialogs import OptionDialog
    from roadmap_tui.tui.widgets.scenarios import ValueDialog

    async with running(plan_path) as (app, pilot):
        editor = await new_scenario(app, pilot, "bigger", "Three ML engineers, UI to the vendor")
        await pilot.click("#add-override")
        await pilot.pause()
        assert "item, risk or team" in app.screen.dialog_title
        await pick(app, pilot, "teams.ml")
        assert isinstance(app.screen, OptionDialog)
        assert [f for f, _ in app.screen.options] == ["title", "capacity"]
        await pick(app, pilot, "capacity")
        value = app.screen
        assert isinstance(value, ValueDialog) and value.query_one(Input).value == "1"
        assert "integer >= 1" in await type_value(app, pilot, "0")
        error = await type_value(app, pilot, "[[2027-02-01, 3]]")
        assert "after the plan's start 2027-01-04" in error  # a rule of the plan, not the field
        assert await type_value(app, pilot, "3") == ""
        assert app.screen is editor
        await pilot.click("#add-override")
        await pilot.pause()
        await pick(app, pilot, "items.ui")
        assert "team" in [f for f, _ in app.screen.options]
        await pick(app, pilot, "team")
        assert "did you mean 'labeling'?" in await type_value(app, pilot, "lab")
        assert await type_value(app, pilot, "labeling") == ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        scenario = app.plan.scenario_by_id["bigger"]
        assert scenario.overrides == (
            Override("teams", "ml", "capacity", 3),
            Override("items", "ui", "team", "labeling"),
        )
        assert app.scenario == "bigger"
        assert app.shown().plan.team_by_id["ml"].capacity == 3
        assert app.shown().plan.item("ui").team == "labeling"
        assert app.forecast is not None and app.forecast.scenario == "bigger"
        assert app.save()
        text = plan_path.read_text(encoding="utf-8")
        assert 'teams.ml.capacity = 3\nitems.ui.team = "labeling"\n' in text
        saved = store.load_plan(plan_path).plan.scenario_by_id["bigger"]
        assert set(saved.overrides) == set(scenario.overrides)  # read back section by section


async def test_the_scenario_form_starts_a_stepped_capacity_from_the_plans_steps(
    plan_path: Path,
) -> None:
    async with running(plan_path) as (app, pilot):
        await new_scenario(app, pilot, "vendor-stays", "The vendor stays all year")
        await pilot.click("#add-override")
        await pilot.pause()
        await pick(app, pilot, "teams.labeling")
        await pick(app, pilot, "capacity")
        assert app.screen.query_one(Input).value == "[[2027-01-04, 3], [2027-06-01, 0]]"
        assert await type_value(app, pilot, "[[2027-01-04, 3], [2027-06-01, 2]]") == ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        (override,) = app.plan.scenario_by_id["vendor-stays"].overrides
        assert [n for _, n in override.value] == [3, 2]


async def test_a_plan_without_teams_offers_no_team_override(tmp_path: Path) -> None:
    from tui_helpers import PLAN

    path = tmp_path / "plain.toml"
    path.write_text(PLAN, encoding="utf-8")
    async with running(path) as (app, pilot):
        await new_scenario(app, pilot, "x", "X")
        await pilot.click("#add-override")
        await pilot.pause()
        assert app.screen.dialog_title == "Override which item or risk?"
        assert not any(o.startswith("teams.") for o, _ in app.screen.options)
        await pick(app, pilot, "items.ui")
        assert "team" not in [f for f, _ in app.screen.options]


# -- team edits under a scenario -----------------------------------------------------------------


async def test_capacity_under_a_scenario_changes_the_scenario_when_asked_to(
    plan_path: Path,
) -> None:
    from roadmap_tui.tui.widgets.editor import TeamEditor

    async with running(plan_path) as (app, pilot):
        app.set_scenario("hire")
        await settle(app, pilot)
        table = await focus_team(app, pilot, "ml")
        assert cells(table, 2)[0] == "2*"  # the scenario's capacity, marked
        detail = text_of(app.query_one("#team-detail", Static))
        assert "set by the scenario hire" in detail
        await press(pilot, "plus")
        assert isinstance(app.screen, ChoiceDialog)  # asked once: scenario or baseline
        await pilot.click("#scenario")
        await settle(app, pilot)
        assert app.plan.team_by_id["ml"].capacity == 1  # the baseline is untouched
        hire = app.plan.scenario_by_id["hire"]
        assert Override("teams", "ml", "capacity", 3) in hire.overrides
        assert cells(table, 2)[0] == "3*"
        await press(pilot, "enter")  # the form, on the values in force; no second question
        editor = app.screen
        assert isinstance(editor, TeamEditor)
        assert editor.query_one("#field-capacity", Input).value == "3"
        editor.query_one("#field-capacity", Input).value = "1"  # back to the plan's own
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert all(o.section != "teams" for o in app.plan.scenario_by_id["hire"].overrides)
        assert cells(table, 2)[0] == "1"
        await press(pilot, "ctrl+s")
        await settle(app, pilot)
        text = plan_path.read_text(encoding="utf-8")
        assert "teams.ml.capacity" not in text and 'items.collect.team = "ml"' in text


async def test_capacity_under_a_scenario_can_go_to_the_baseline(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        app.set_scenario("hire")
        await settle(app, pilot)
        await focus_team(app, pilot, "labeling")
        await press(pilot, "minus")
        await pilot.click("#baseline")
        await settle(app, pilot)
        steps = app.plan.team_by_id["labeling"].capacity
        assert [n for _, n in steps] == [2, 0]  # type: ignore[union-attr]
        assert all(
            o.section != "teams" or o.id != "labeling"
            for o in app.plan.scenario_by_id["hire"].overrides
        )


async def test_the_teams_keys_and_quit_fit_the_footer_at_80_columns(plan_path: Path) -> None:
    """Left of the palette's key (docked right, it covers what runs under it)."""
    from textual.widgets._footer import FooterKey

    async with running(plan_path, size=(80, 24)) as (app, pilot):
        await focus_team(app, pilot, "ml")
        keys = {k.key: k.region for k in app.screen.query(FooterKey) if k.region.width > 0}
        edge = keys.pop("ctrl+p").x
        for key in ("enter", "a", "delete", "plus", "q", "question_mark"):
            assert key in keys and keys[key].right <= edge, (key, str(keys))
        detail = text_of(app.query_one("#team-detail", Static))
        assert "(+ / - to change)" in detail  # `-` is off the footer, said here


def test_teams_panel_under_a_scenario_snapshot(snap_compare, plan_path: Path) -> None:  # type: ignore[no-untyped-def]
    """At 80x24 under the hiring scenario, the teams table focused: the capacity the scenario
    sets is marked, and the footer shows the teams' keys (Delete, More, Fewer) with Quit."""
    from test_tui_snapshots import still
    from tui_helpers import make_app

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await app.wait_for_forecast()
        app.set_scenario("hire")
        await app.wait_for_forecast()
        await pilot.press("6")
        await pilot.pause()
        app.query_one(TeamTable).focus()
        await pilot.pause()
        await app.wait_for_forecast()
        await pilot.pause()

    app = still(make_app(plan_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_deleting_the_last_team_hides_the_panel(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        for team_id in ("ml", "labeling"):
            await focus_team(app, pilot, team_id)
            await press(pilot, "delete")
            await pilot.click("#delete")
            await settle(app, pilot)
        assert app.plan.teams == () and app.selected_team is None
        assert all(i.team is None for i in app.plan.items)
        assert not app.query_one(TeamTable).display
        assert not app.query_one("#risks-view").has_class("-with-teams")
        await app.run_action("app.delete_team")  # from the palette: nothing to delete
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceDialog)
        assert app.save()
        assert "[teams." not in plan_path.read_text(encoding="utf-8")
