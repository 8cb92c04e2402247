"""Pilot tests of issue 13's editor work: scenario-true views, edits under a scenario, keys that
must reach the right widget, and the file watcher."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest
from rich.text import Text
from textual import events
from textual.widgets import Input, Select, Static

from roadmap_tui import store
from roadmap_tui.model.types import Estimate
from roadmap_tui.tui.widgets.dialogs import ChoiceDialog, OptionDialog
from roadmap_tui.tui.widgets.editor import ItemEditor, RiskEditor
from roadmap_tui.tui.widgets.picker import DependencyPicker
from tui_helpers import PLAN, cells, fill, open_editor, press, running, select, settle

#: A second scenario that changes an estimate, drops an item, moves a target and tames a risk.
SCENARIO_PLAN = (
    PLAN
    + """
[scenarios.early-validation]
title = "Validate the model early"
items.model.estimate = [8, 10, 15]
items.ui.status = "dropped"
items.launch.target = 2027-03-01
risks.vendor-slip.probability = 0.1
risks.vendor-slip.delay = [1, 2, 3]
"""
)


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(SCENARIO_PLAN, encoding="utf-8")
    return path


def text_of(widget: Static) -> str:
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(content)


def column(table, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    return cells(table, table.shown_columns.index(key))


# -- scenario-true views -------------------------------------------------------------------------


async def test_under_a_scenario_every_view_shows_the_values_in_force(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "c", "c", "1")
        await settle(app, pilot)
        assert app.scenario == "early-validation"
        table = app.query_one("#items-table")
        ids = column(table, "id")
        estimate = column(table, "estimate")[ids.index("model")]
        assert "8/10/15d" in estimate and "*" in estimate  # marked as set by the scenario
        assert column(table, "status")[ids.index("ui")].startswith("dropped")
        assert "*" not in column(table, "estimate")[ids.index("collect")]
        await select(app, pilot, "launch")
        detail = text_of(app.query_one("#item-detail", Static))
        assert "target 2027-03-01*" in detail
        assert "early-validation" in detail  # says what the mark means
        await press(pilot, "6")
        risks = app.query_one("#risks-table")
        assert column(risks, "probability") == ["10%*"]
        assert column(risks, "delay") == ["1/2/3d*"]
        assert "10%" in text_of(app.query_one("#risk-detail", Static))
        await press(pilot, "c", "1")  # back to the baseline: the file's own values
        assert "10/15/25d" not in column(table, "estimate")[ids.index("model")]
        assert column(table, "estimate")[ids.index("model")] == "5/10/20d"


async def test_an_edit_under_a_scenario_asks_once_and_can_go_to_the_scenario(
    plan_path: Path,
) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "c", "c", "1")
        await select(app, pilot, "model")
        await press(pilot, "enter")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert "early-validation" in dialog.message
        await pilot.click("#scenario")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ItemEditor)
        assert editor.query_one("#field-estimate", Input).value == "8, 10, 15"  # in force
        fill(editor, "estimate", "9, 10, 15")
        fill(editor, "owner", "ana")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        base = app.plan.item("model")
        assert base.estimate == Estimate(5, 10, 20) and base.owner is None
        overrides = {
            (o.id, o.field): o.value for o in app.plan.scenario_by_id["early-validation"].overrides
        }
        assert overrides[("model", "estimate")] == Estimate(9, 10, 15)
        assert overrides[("model", "owner")] == "ana"
        assert "editing early-validation" in str(app.query_one("#status").render())
        # remembered: the second edit does not ask again
        await press(pilot, "enter")
        assert isinstance(app.screen, ItemEditor)
        await press(pilot, "escape")
        # a scenario edit saves as a change of the scenario table only
        assert app.save()
        text = plan_path.read_text(encoding="utf-8")
        assert "items.model.estimate = [9, 10, 15]" in text
        assert "[items.model]\n" in text and "estimate = [5, 10, 20]" in text


async def test_an_edit_under_a_scenario_can_go_to_the_baseline(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "c", "c", "6", "enter")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#baseline")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, RiskEditor)
        assert editor.query_one("#field-probability", Input).value == "0.3"  # the file's value
        fill(editor, "title", "Vendor slips again")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.plan.risk_by_id["vendor-slip"].title == "Vendor slips again"
        assert "editing baseline" in str(app.query_one("#status").render())
        await press(pilot, "c", "c", "c", "6", "enter")  # round to that scenario: remembered
        assert isinstance(app.screen, RiskEditor)


async def test_a_scenario_edit_back_to_the_base_value_drops_the_override(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "c", "c", "1")
        await select(app, pilot, "model")
        await press(pilot, "enter")
        await pilot.click("#scenario")
        await pilot.pause()
        fill(app.screen, "estimate", "5, 10, 20")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        fields = {(o.id, o.field) for o in app.plan.scenario_by_id["early-validation"].overrides}
        assert ("model", "estimate") not in fields and ("ui", "status") in fields


# -- keys that must reach the right widget -------------------------------------------------------


async def test_escape_leaves_a_weight_box_and_the_next_key_goes_to_the_app(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "5")
        app.query_one("#weight-impact", Input).focus()
        await pilot.pause()
        before = app.plan.priority
        await press(pilot, "escape", "1")
        assert app.plan.priority == before and not app.history.dirty
        assert app.tabs.active == "items"


async def test_a_weight_message_is_shown_whole(plan_path: Path) -> None:
    async with running(plan_path, size=(80, 24)) as (app, pilot):
        await press(pilot, "5")
        app.query_one("#weight-urgency", Input).value = "lots"
        await pilot.pause()
        label = app.query_one("#weights-error")
        message = "weight urgency: expected a number >= 0, found 'lots'"
        pane = app.query_one("#weights-pane")
        assert label.region.right <= pane.content_region.right
        lines = label.render_lines(label.size.region)
        shown = "".join(strip.text.strip() for strip in lines)
        assert shown.replace(" ", "") == message.replace(" ", "")


async def test_a_burst_of_keys_lands_in_the_fields_it_was_typed_in(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        for key, char in [("a", "a"), ("a", "a"), ("b", "b"), ("c", "c"), ("tab", "\t")]:
            app._driver.send_message(events.Key(key, char))  # all queued before any is handled
        for key in "def":
            app._driver.send_message(events.Key(key, key))
        for _ in range(100):  # until the form is up and every key handled
            await pilot.pause(0.05)
            if isinstance(app.screen, ItemEditor) and app._typed_ahead is None:
                break
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ItemEditor)
        assert editor.query_one("#field-id", Input).value == "abc"
        assert editor.query_one("#field-title", Input).value == "def"


async def test_a_paste_with_tabs_fills_one_field_after_another(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "a")
        editor = app.screen
        editor.query_one("#field-id", Input).post_message(events.Paste("abc\tdef"))
        await pilot.pause()
        assert editor.query_one("#field-id", Input).value == "abc"
        assert editor.query_one("#field-title", Input).value == "def"


# -- what the items view shows -------------------------------------------------------------------


async def test_at_80_by_24_the_p80_date_shows_in_the_items_view(plan_path: Path) -> None:
    async with running(plan_path, size=(80, 24)) as (app, pilot):
        table = app.query_one("#items-table")
        assert "p80" in table.shown_columns
        f = app.forecast.items["collect"]
        assert column(table, "p80")[1] == f.finish.p80.isoformat()
        await select(app, pilot, "collect")
        first_line = text_of(app.query_one("#item-detail", Static)).splitlines()[1]
        assert f"P80 {f.finish.p80.isoformat()}" in first_line[:70]


async def test_the_detail_panel_shows_the_metric_and_its_progress(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await select(app, pilot, "model")
        detail = text_of(app.query_one("#item-detail", Static))
        assert "F1 0.78 → 0.85" in detail
        assert "92%" in detail  # 0.78 of the way to 0.85


# -- the file watcher ----------------------------------------------------------------------------


async def test_a_slow_file_read_never_blocks_the_keys(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.read_text
    reading = threading.Event()
    read = threading.Event()

    def slow(path):  # type: ignore[no-untyped-def]
        reading.set()
        time.sleep(3.0)  # a network drive, a file being written by git
        read.set()
        return real(path)

    async with running(plan_path, poll_interval=0.05) as (app, pilot):
        monkeypatch.setattr(store, "read_text", slow)
        plan_path.write_text(SCENARIO_PLAN + "\n# touched\n", encoding="utf-8")
        while not reading.is_set():
            await pilot.pause(0.02)
        await press(pilot, "2")
        assert app.tabs.active == "timeline"
        assert not read.is_set()  # the key was handled while the file was being read
        while not read.is_set():
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        assert isinstance(app.screen, ChoiceDialog)  # and the question still comes


# -- links, fields by kind, dialog keys, scrolling -----------------------------------------------


async def test_l_on_a_linked_item_in_the_picker_unlinks_it(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await select(app, pilot, "launch")
        await press(pilot, "l")
        picker = app.screen
        assert isinstance(picker, DependencyPicker)
        assert picker.candidates("")[:2] == ["model", "ui"]  # the links come first, marked
        await pilot.press(*"ui", "enter")
        await settle(app, pilot)
        assert app.plan.item("launch").depends_on == ("model",)
        assert app.history.undo_label == "unlink launch from ui"


async def test_the_picker_prefers_an_exact_id_to_a_title_match(tmp_path: Path) -> None:
    text = SCENARIO_PLAN.replace('title = "Chat UI"', 'title = "Chat UI for the model"')
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    async with running(path) as (app, pilot):
        await select(app, pilot, "kickoff")
        await press(pilot, "l")
        assert app.screen.candidates("model")[:2] == ["model", "ui"]


async def test_l_typed_in_the_depends_on_field_is_text(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        editor = await open_editor(app, pilot, "ui")
        box = editor.query_one("#field-depends_on", Input)
        assert "press l" not in box.placeholder
        editor.set_focus(box)
        await press(pilot, "end", ",", "l")
        assert box.value.endswith(",l") and isinstance(app.screen, ItemEditor)


async def test_the_form_shows_the_fields_of_the_kind(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        editor = await open_editor(app, pilot, "collect")  # data
        assert not editor.query_one("#row-p_success").display
        assert editor.query_one("#row-estimate").display
        editor.query_one("#field-kind", Select).value = "experiment"
        await pilot.pause()
        assert editor.query_one("#row-p_success").display
        await press(pilot, "escape")
        if isinstance(app.screen, ChoiceDialog):
            await pilot.click("#discard")
            await pilot.pause()
        editor = await open_editor(app, pilot, "launch")  # milestone
        assert not editor.query_one("#row-estimate").display
        assert not editor.query_one("#row-remaining").display


async def test_arrow_keys_move_between_dialog_buttons(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await select(app, pilot, "ui")
        await press(pilot, "delete")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog) and dialog.focused.id == "delete"
        await press(pilot, "right")
        assert dialog.focused.id == "cancel"
        await press(pilot, "left", "left")
        assert dialog.focused.id == "cancel"  # round the row: delete, then cancel again


async def test_page_down_scrolls_the_forecast_with_the_focus_on_the_scenario_switch(
    plan_path: Path,
) -> None:
    async with running(plan_path, size=(80, 24)) as (app, pilot):
        await press(pilot, "4")
        assert app.focused.id == "scenario-select"
        body = app.query_one("#forecast-body")
        assert body.scroll_y == 0
        await press(pilot, "pagedown")
        assert body.scroll_y > 0 and app.focused.id == "scenario-select"


async def test_a_new_id_in_the_form_renames_the_item_everywhere(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        editor = await open_editor(app, pilot, "model")
        fill(editor, "id", "ui")
        await pilot.pause()
        assert "already exists" in str(editor.query_one("#error-id").render())
        fill(editor, "id", "intent-model")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        plan = app.plan
        assert "model" not in plan.item_by_id and app.selected_id == "intent-model"
        assert plan.items[2].id == "intent-model"  # in its place
        assert plan.item("launch").depends_on == ("intent-model", "ui")
        overrides = plan.scenario_by_id["early-validation"].overrides
        assert ("intent-model", "estimate") in {(o.id, o.field) for o in overrides}
        assert app.history.undo_label == "rename model to intent-model"
        assert app.save()
        text = plan_path.read_text(encoding="utf-8")
        assert "[items.intent-model]" in text and "items.intent-model.estimate" in text


async def test_s_opens_a_sort_picker_and_the_sorted_column_flips(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "s")
        assert isinstance(app.screen, OptionDialog)
        await press(pilot, "down", "enter")  # id
        view = app.view("items")
        assert (view.sort_key, view.sort_reverse) == ("id", False)
        await press(pilot, "s", "enter")  # the picker opens on the column sorted by
        assert (view.sort_key, view.sort_reverse) == ("id", True)
        ids = cells(app.query_one("#items-table"), 1)
        assert ids == sorted(ids, reverse=True)
        await press(pilot, "s", "escape")
        assert view.sort_key == "id" and not isinstance(app.screen, OptionDialog)


async def test_the_plan_settings_are_edited_in_a_form(plan_path: Path) -> None:
    from datetime import date

    from roadmap_tui.tui.widgets.editor import SettingsEditor

    async with running(plan_path) as (app, pilot):
        await press(pilot, "p")
        editor = app.screen
        assert isinstance(editor, SettingsEditor)
        assert editor.query_one("#field-start", Input).value == "2027-01-04"
        fill(editor, "workdays", "mon, tue, funday")
        await pilot.pause()
        assert "funday" in str(editor.query_one("#error-workdays").render())
        fill(editor, "workdays", "mon, tue, wed, thu")
        fill(editor, "holidays", "2027-01-18")
        fill(editor, "as_of", "2027-01-11")
        fill(editor, "name", "Support bot")
        fill(editor, "seed", "7")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        plan = app.plan
        assert plan.name == "Support bot" and plan.workdays == ("mon", "tue", "wed", "thu")
        assert plan.holidays == (date(2027, 1, 18),) and plan.as_of == date(2027, 1, 11)
        assert plan.seed == 7 and app.forecast.seed == 7
        assert app.save()
        text = plan_path.read_text(encoding="utf-8")
        assert 'name = "Support bot"' in text and "seed = 7" in text


async def test_a_scenario_is_added_with_an_override_picked_field_by_field(plan_path: Path) -> None:
    from roadmap_tui.tui.widgets.scenarios import ScenarioEditor, ScenarioList, ValueDialog

    async with running(plan_path) as (app, pilot):
        await press(pilot, "C")
        assert isinstance(app.screen, ScenarioList)
        await press(pilot, "a")
        editor = app.screen
        assert isinstance(editor, ScenarioEditor)
        editor.query_one("#scenario-id", Input).value = "fast-ui"
        editor.query_one("#scenario-title", Input).value = "A contractor builds the UI"
        await pilot.click("#add-override")
        await pilot.pause()
        await pilot.press(*"ui")  # the item ui is the fourth target
        await press(pilot, "down", "down", "down", "enter")  # items.ui
        await press(pilot, "down", "down", "enter")  # its third field: estimate
        value = app.screen
        assert isinstance(value, ValueDialog)
        assert value.query_one(Input).value == "5, 8, 12"  # the plan's own, to start from
        value.query_one(Input).value = "8, 5, 3"
        await press(pilot, "enter")
        assert "greater than" in text_of(value.query_one("#value-error", Static))
        value.query_one(Input).value = "3, 4, 6"
        await press(pilot, "enter")
        assert app.screen is editor
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        scenario = app.plan.scenario_by_id["fast-ui"]
        assert [(o.id, o.field, o.value) for o in scenario.overrides] == [
            ("ui", "estimate", Estimate(3, 4, 6))
        ]
        assert app.scenario == "fast-ui"
        assert app.save()
        assert "items.ui.estimate = [3, 4, 6]" in plan_path.read_text(encoding="utf-8")


async def test_a_scenario_is_duplicated_edited_and_deleted(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "C", "down", "d")  # duplicate early-validation
        editor = app.screen
        assert editor.query_one("#scenario-id", Input).value == "early-validation-copy"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        copy = app.plan.scenario_by_id["early-validation-copy"]
        assert copy.overrides == app.plan.scenario_by_id["early-validation"].overrides
        await press(pilot, "C")  # the list opens on the scenario shown: the copy
        assert app.screen.current() == "early-validation-copy"
        await press(pilot, "enter")  # edit it: drop an override
        editor = app.screen
        editor.set_focus(editor.query_one("#overrides"))
        await press(pilot, "delete")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert len(app.plan.scenario_by_id["early-validation-copy"].overrides) == 4
        await press(pilot, "C")
        assert app.screen.current() == "early-validation-copy"
        await press(pilot, "delete")
        await pilot.click("#delete")
        await settle(app, pilot)
        assert "early-validation-copy" not in app.plan.scenario_by_id
        assert app.scenario is None


# -- a plan with problems ------------------------------------------------------------------------


async def test_a_plan_with_problems_lists_them_and_opens_the_editor_at_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap_tui.tui.problems import ProblemsApp, editor_command

    path = tmp_path / "bad.toml"
    broken = PLAN.replace('[items.ui]\ntitle = "Chat UI"\n', "[items.ui]\n").replace(
        'depends_on = ["collect"]', 'depends_on = ["colect"]'
    )
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(store.PlanError) as error:
        store.load_plan(path)
    ran: list[list[str]] = []

    def fix(self: ProblemsApp, command: list[str]) -> None:
        ran.append(command)
        path.write_text(PLAN, encoding="utf-8")  # the PM fixes the file in the editor

    monkeypatch.setattr(ProblemsApp, "run_editor", fix)
    monkeypatch.setenv("EDITOR", "nano")
    app = ProblemsApp(path, list(error.value.problems), poll_interval=None)
    async with app.run_test() as pilot:
        listed = [str(o.prompt) for o in app.query_one("#problem-list").options]
        assert len(listed) == 2 and all(line.startswith(f"{path}:") for line in listed)
        await press(pilot, "down", "enter")
    second = error.value.problems[1]
    assert ran == [["nano", f"+{second.line}", str(path)]]
    assert app.return_value is True  # valid now: the editor opens on it
    assert editor_command(path, 7, {"EDITOR": "code --wait"}) == [
        "code",
        "--wait",
        "-g",
        f"{path}:7",
    ]


async def test_the_problems_list_follows_the_file(tmp_path: Path) -> None:
    from roadmap_tui.tui.problems import ProblemsApp

    path = tmp_path / "bad.toml"
    path.write_text(PLAN.replace('title = "Chat UI"\n', ""), encoding="utf-8")
    with pytest.raises(store.PlanError) as error:
        store.load_plan(path)
    app = ProblemsApp(path, list(error.value.problems), poll_interval=0.05)
    async with app.run_test() as pilot:
        assert "title" in str(app.query_one("#problem-list").options[0].prompt)
        path.write_text(PLAN, encoding="utf-8")
        for _ in range(40):
            await pilot.pause(0.05)
            if app.return_value is not None:
                break
    assert app.return_value is True


# -- filters -------------------------------------------------------------------------------------


async def test_a_filter_narrows_the_items_timeline_and_graph(plan_path: Path) -> None:
    from textual.widgets import Checkbox

    from roadmap_tui.tui.widgets.filters import FilterDialog

    async with running(plan_path) as (app, pilot):
        await select(app, pilot, "model")
        await press(pilot, "slash")
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        dialog.query_one("#filter-milestones", Checkbox).value = True
        await pilot.click("#apply")
        await pilot.pause()
        assert cells(app.query_one("#items-table"), 1) == ["kickoff", "launch"]
        assert app.selected_id == "kickoff"  # the selection moved to what is shown
        assert app.query_one("#timeline-chart").row_ids == ["kickoff", "launch"]
        graph = app.query_one("#graph-canvas")
        assert sorted(n for layer in graph.graph_layout.layers for n in layer) == [
            "kickoff",
            "launch",
        ]
        status = str(app.query_one("#status").render())
        assert "2/5 shown: milestones only" in status
        await press(pilot, "slash")
        dialog = app.screen
        dialog.query_one("#filter-milestones", Checkbox).value = False
        dialog.query_one("#filter-kind", Select).value = "experiment"
        await pilot.click("#apply")
        await pilot.pause()
        assert cells(app.query_one("#items-table"), 1) == ["model"]
        await press(pilot, "slash")
        await pilot.click("#clear")
        await pilot.pause()
        assert len(cells(app.query_one("#items-table"), 1)) == 5


async def test_critical_path_only_keeps_the_items_critical_in_half_the_futures(
    plan_path: Path,
) -> None:
    from roadmap_tui.tui.widgets.filters import ItemFilter

    async with running(plan_path) as (app, pilot):
        app.item_filter = ItemFilter(critical_only=True)
        app.refresh_views()
        await pilot.pause()
        shown = cells(app.query_one("#items-table"), 1)
        critical = [i for i, f in app.forecast.items.items() if f.criticality >= 0.5]
        assert shown and sorted(shown) == sorted(critical) and "ui" not in shown


# -- timeline ------------------------------------------------------------------------------------


async def test_timeline_months_read_as_months_and_the_first_is_labelled(plan_path: Path) -> None:
    from roadmap_tui.tui.views.timeline import TimelineChart, month_label

    assert month_label(date(2027, 2, 1), False) == "Feb"
    assert month_label(date(2027, 1, 1), False) == "Jan 2027"
    assert month_label(date(2027, 3, 1), True) == "Mar 2027"
    async with running(plan_path) as (app, _pilot):
        chart = app.query_one(TimelineChart)
        axis = chart.draw(app.shown(), 120).plain.splitlines()[0]
        label_x = chart.label_width() + 1
        assert axis[label_x:].startswith("╷Jan 2027")  # the plan starts on 4 Jan
        assert "Feb 27" not in axis and "╷Feb" in axis


async def test_timeline_zoom_scrolls_sideways_and_the_legend_stays(plan_path: Path) -> None:
    from roadmap_tui.tui.views.timeline import TimelineChart

    async with running(plan_path, size=(80, 24)) as (app, pilot):
        await press(pilot, "2")
        chart = app.query_one(TimelineChart)
        legend = app.query_one("#timeline-legend")
        assert chart.size.width <= 80 and "P95" in text_of(legend)
        await press(pilot, "z")  # weeks: one column a day
        assert chart.zoom == "weeks" and "zoom weeks" in text_of(legend)
        first, last = chart.span(app.shown())
        assert chart.size.width >= (last - first).days
        scroll = app.query_one("#timeline-scroll")
        await press(pilot, "end")
        await press(pilot, *["right"] * 10)
        assert scroll.scroll_x > 0
        assert legend.region.bottom <= app.screen.size.height  # still on screen
        await press(pilot, "z", "z", "z")
        assert chart.zoom == "fit" and chart.size.width <= 80


# -- graph ---------------------------------------------------------------------------------------


async def test_the_graph_folds_around_the_selected_item_and_has_a_compact_mode(
    plan_path: Path,
) -> None:
    async with running(plan_path) as (app, pilot):
        await select(app, pilot, "collect")
        await press(pilot, "3")
        canvas = app.query_one("#graph-canvas")
        wide = canvas.graph_layout.size
        await press(pilot, "f")
        lay = canvas.graph_layout
        nodes = sorted(n for layer in lay.layers for n in layer if n not in lay.real_edges)
        assert nodes == ["collect", "kickoff", "launch", "model"]  # not ui, its sibling
        assert "1 item folded around collect" in canvas.render().plain
        await press(pilot, "f")
        lay = canvas.graph_layout
        assert len([n for layer in lay.layers for n in layer if n not in lay.real_edges]) == 5
        await press(pilot, "m")
        assert canvas.graph_layout.compact
        width, height = canvas.graph_layout.size
        assert width < wide[0] and height < wide[1]
        plain = canvas.render().plain
        assert "collect" in plain and "P50" not in plain


def test_edges_into_different_items_never_share_a_lane_where_they_overlap() -> None:
    from roadmap_tui.model.types import Item
    from roadmap_tui.model.types import Plan as P
    from roadmap_tui.tui.views import Shown
    from roadmap_tui.tui.views.graph import layout

    items = [Item(id=x, title=x, estimate=Estimate.fixed(1)) for x in ("a", "b", "c")]
    items += [
        Item(id="d", title="d", estimate=Estimate.fixed(1), depends_on=("a", "b", "c")),
        Item(id="e", title="e", estimate=Estimate.fixed(1), depends_on=("a", "c")),
    ]
    lay = layout(Shown(plan=P(name="x", start=date(2027, 1, 4), items=tuple(items))))
    into_d = {lay.lanes[(u, "d")] for u in ("a", "b", "c")}
    into_e = {lay.lanes[(u, "e")] for u in ("a", "c")}
    assert len(into_d) == 1 and len(into_e) == 1  # a merge: one lane per target
    assert into_d != into_e  # overlapping spans, different targets: different lanes


async def test_a_link_under_a_scenario_can_go_to_the_scenario(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "c", "c", "1")
        await select(app, pilot, "ui")
        await press(pilot, "l")
        await pilot.click("#scenario")
        await pilot.pause()
        assert isinstance(app.screen, DependencyPicker)
        await pilot.press(*"collect", "enter")
        await settle(app, pilot)
        assert app.plan.item("ui").depends_on == ("kickoff",)
        overrides = {
            (o.id, o.field): o.value for o in app.plan.scenario_by_id["early-validation"].overrides
        }
        assert overrides[("ui", "depends_on")] == ("kickoff", "collect")
