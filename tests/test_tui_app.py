"""Pilot tests of the editor: every edit path, the live forecast, files on disk, quitting."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select

from roadmap_tui import store
from roadmap_tui.model.types import Estimate, Item
from roadmap_tui.tui.widgets.dialogs import ChoiceDialog
from roadmap_tui.tui.widgets.editor import ItemEditor, RiskEditor
from tui_helpers import (
    PLAN,
    cells,
    delete_item,
    fill,
    link,
    make_app,
    open_editor,
    press,
    running,
    select,
    settle,
    slow_simulate,
)


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


async def test_add_an_item_with_the_editor(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await pilot.press("a")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ItemEditor)
        fill(editor, "id", "eval")
        fill(editor, "title", "Offline evaluation")
        fill(editor, "estimate", "3, 5, 8")
        fill(editor, "depends_on", "model")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ItemEditor)
        item = app.plan.item("eval")
        assert item.title == "Offline evaluation"
        assert (item.estimate.low, item.estimate.likely, item.estimate.high) == (3, 5, 8)
        assert item.depends_on == ("model",)
        assert app.history.dirty and app.selected_id == "eval"
        assert "eval" in app.forecast.items


async def test_inline_validation_refuses_a_bad_estimate_and_a_duplicate_id(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await pilot.press("a")
        await pilot.pause()
        editor = app.screen
        fill(editor, "id", "ui")
        fill(editor, "title", "Another UI")
        fill(editor, "estimate", "30, 10, 20")
        await pilot.pause()
        assert "already exists" in str(editor.query_one("#error-id").render())
        assert "greater than" in str(editor.query_one("#error-estimate").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor  # refused: nothing applied
        assert app.plan.item("ui").title == "Chat UI"
        fill(editor, "estimate", "soon")  # messages are shown as written, brackets and all
        await pilot.pause()
        message = str(editor.query_one("#error-estimate").render())
        assert "expected [low, likely, high]" in message and '"soon"' in message


async def test_cross_field_rules_come_from_the_model(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        editor = await open_editor(app, pilot, "ui")
        editor.query_one("#field-status", Select).value = "done"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor
        assert "without finished" in str(editor.query_one("#error-status").render())
        fill(editor, "finished", "2027-01-15")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.plan.item("ui").status == "done"


async def test_edit_an_estimate_and_the_forecast_moves(plan_path: Path) -> None:
    async with running(plan_path, debounce=2.0) as (app, pilot):
        # a long debounce: the figures stay stale long enough to see, even on a busy machine
        before = app.forecast.items["ui"].finish_days.p50
        editor = await open_editor(app, pilot, "ui")
        assert editor.query_one("#field-estimate", Input).value == "5, 8, 12"
        fill(editor, "estimate", "40, 50, 70")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.stale  # the figures shown are the old ones until the worker answers
        assert "forecasting..." in str(app.query_one("#status").render())
        await settle(app, pilot)
        after = app.forecast.items["ui"].finish_days.p50
        assert after > before + 30
        assert not app.stale


async def test_link_a_dependency_with_the_picker(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await link(app, pilot, "ui", "collect")
        await settle(app, pilot)
        assert app.plan.item("ui").depends_on == ("kickoff", "collect")


async def test_a_link_that_would_close_a_cycle_is_refused_naming_the_path(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        picker = await link(app, pilot, "collect", "launch")
        await pilot.pause()
        assert app.screen is picker
        message = str(picker.query_one("#picker-message").render())
        assert "collect -> model -> launch -> collect" in message
        await pilot.press("escape")
        assert app.plan == app.history.saved


async def test_delete_shows_and_unlinks_dependents(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await select(app, pilot, "collect")
        await pilot.press("delete")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert "model" in dialog.message and "vendor-slip" in dialog.message
        await pilot.click("#delete")
        await settle(app, pilot)
        assert "collect" not in app.plan.item_by_id
        assert app.plan.item("model").depends_on == ()
        assert app.plan.risk_by_id["vendor-slip"].affects == ()
        assert "collect" not in app.forecast.items


async def test_undo_and_redo_every_edit(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        original = app.plan
        await delete_item(app, pilot, "collect")
        await link(app, pilot, "ui", "model")
        edited = app.plan
        assert edited.item("ui").depends_on == ("kickoff", "model")
        await pilot.press("ctrl+z", "ctrl+z")
        await settle(app, pilot)
        assert app.plan == original and not app.history.dirty
        await pilot.press("ctrl+y", "ctrl+y")
        await settle(app, pilot)
        assert app.plan == edited and app.history.dirty


async def test_save_and_reopen_is_a_one_line_diff(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        editor = await open_editor(app, pilot, "ui")
        fill(editor, "estimate", "6, 9, 14")
        await pilot.press("ctrl+s")  # apply the form
        await pilot.pause()
        await pilot.press("ctrl+s")  # save the file
        await pilot.pause()
        assert not app.history.dirty
    after = plan_path.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(PLAN.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ["-estimate = [5, 8, 12]", "+estimate = [6, 9, 14]"]
    assert store.load_plan(plan_path).plan == app.plan


async def test_an_external_change_offers_reload_and_keeps_the_edits_in_undo(
    plan_path: Path,
) -> None:
    async with running(plan_path) as (app, pilot):
        await delete_item(app, pilot, "ui")
        mine = app.plan
        plan_path.write_text(PLAN.replace('"Kickoff"', '"Kick-off"'))
        app.check_disk()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog) and "changed on disk" in dialog.message
        await pilot.click("#reload")
        await settle(app, pilot)
        assert app.plan.item("kickoff").title == "Kick-off"
        assert "ui" in app.plan.item_by_id and not app.history.dirty
        await pilot.press("ctrl+z")  # nothing typed is lost: the edits are one undo away
        await pilot.pause()
        assert app.plan == mine


async def test_saving_over_an_external_change_asks_and_can_overwrite(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await delete_item(app, pilot, "ui")
        plan_path.write_text(PLAN + "\n# a comment from a git pull\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert "# a comment" in plan_path.read_text()  # nothing written yet
        await pilot.click("#overwrite")
        await pilot.pause()
        assert "[items.ui]" not in plan_path.read_text()
        assert not app.history.dirty


async def test_switching_scenario_reforecasts_under_it(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        baseline = app.forecast.items["collect"].finish_days.p50
        await pilot.press("4")
        await pilot.press("c")
        await settle(app, pilot)
        assert app.scenario == "second-vendor"
        assert app.forecast.scenario == "second-vendor"
        assert app.forecast.items["collect"].finish_days.p50 < baseline
        select_widget = app.query_one("#scenario-select", Select)
        assert select_widget.value == "second-vendor"
        assert app.comparison is not None and set(app.comparison) == {None, "second-vendor"}


async def test_quitting_with_unsaved_changes_asks(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await delete_item(app, pilot, "ui")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#cancel")
        await pilot.pause()
        assert app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#discard")
        await pilot.pause()
        assert app.return_code == 0
    assert plan_path.read_text() == PLAN  # discarded, never written


async def test_quitting_a_clean_plan_does_not_ask(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_a_burst_of_edits_runs_one_forecast_of_the_last_plan(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import roadmap_tui.tui.app as app_module

    calls = []
    real = app_module.simulate

    def counting(plan, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(plan)
        return real(plan, **kwargs)

    monkeypatch.setattr(app_module, "simulate", counting)
    async with running(plan_path, debounce=0.3) as (app, pilot):
        calls.clear()
        for n in range(5):
            item = app.plan.item("ui")
            app.apply(app.plan.with_item(item.__class__(**{**item.__dict__, "impact": n})), "x")
        await pilot.pause()
        assert "forecasting..." in str(app.query_one("#status").render())
        await settle(app, pilot)
        assert len(calls) == 1 and calls[0] == app.plan
        assert "up to date" in str(app.query_one("#status").render())


async def test_reforecast_uses_a_new_seed(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        assert app.forecast.seed == 42
        await pilot.press("r")
        await settle(app, pilot)
        assert app.forecast.seed == 43


async def test_risks_are_edited_in_their_view(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "6", "enter")
        editor = app.screen
        assert isinstance(editor, RiskEditor)
        fill(editor, "probability", "1.5")
        await pilot.pause()
        assert "0" in str(editor.query_one("#error-probability").render())
        fill(editor, "probability", "0.5")
        fill(editor, "affects", "collect, ui")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        risk = app.plan.risk_by_id["vendor-slip"]
        assert risk.probability == 0.5 and risk.affects == ("collect", "ui")


async def test_weights_edited_in_place_reorder_the_ranking(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        docs = Item(id="docs", title="Help docs", estimate=Estimate.fixed(60), impact=5)
        by_score = replace(app.plan.priority, order="score")  # the sequence puts docs last
        app.apply(replace(app.plan.with_item(docs), priority=by_score), "add docs")
        await settle(app, pilot)
        await pilot.press("5")
        await pilot.pause()
        first = [r.id for r in app.ranking.items]
        assert first.index("docs") < len(first) - 1
        for name in ("impact", "data", "readiness", "confidence", "urgency", "unblocks"):
            app.query_one(f"#weight-{name}", Input).value = "0"
            await pilot.pause()
        app.query_one("#weight-ease", Input).value = "5"
        await pilot.pause()
        assert app.plan.priority.weights["ease"] == 5
        ranking = [r.id for r in app.ranking.items]
        assert ranking[-1] == "docs"  # the slowest item, now that only ease counts
        table = app.query_one("#ranking-table")
        assert cells(table, 1) == ranking
        assert not app.forecasting  # a weight is not a reason to re-simulate
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.plan.priority.weights["ease"] == 0.0  # its default: time divides the value


async def test_palette_jumps_to_an_item_by_title(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Chat UI")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.selected_id == "ui"


async def test_every_view_renders_at_80_by_24(plan_path: Path) -> None:
    async with running(plan_path, size=(80, 24)) as (app, pilot):
        for key in "123456":
            await pilot.press(key)
            await pilot.pause()
            assert (
                app.query_one("#views").active
                == ["items", "timeline", "graph", "forecast", "priorities", "risks"][int(key) - 1]
            )


async def test_the_file_is_polled_for_changes(plan_path: Path) -> None:
    async with running(plan_path, poll_interval=0.05) as (app, pilot):
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ChoiceDialog)  # an unchanged file is left alone
        plan_path.write_text(PLAN.replace("seed = 42", "seed = 43"))
        await pilot.pause(0.3)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#keep")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ChoiceDialog)  # not asked again for the same change
        assert app.plan.seed == 42


async def test_escape_from_an_edited_form_asks_before_discarding(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        editor = await open_editor(app, pilot, "ui")
        fill(editor, "title", "Chat UI v2")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#keep")
        await pilot.pause()
        assert app.screen is editor
        assert editor.query_one("#field-title", Input).value == "Chat UI v2"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#discard")
        await pilot.pause()
        assert not isinstance(app.screen, ItemEditor)
        assert app.plan.item("ui").title == "Chat UI"


async def test_the_graph_selects_by_keys_and_by_click(plan_path: Path) -> None:
    from roadmap_tui.tui.views.graph import GraphCanvas

    async with running(plan_path) as (app, pilot):
        await pilot.press("3")
        await pilot.pause()
        canvas = app.query_one(GraphCanvas)
        assert app.focused is canvas
        assert app.selected_id == "kickoff"
        await pilot.press("right")
        await pilot.pause()
        assert app.selected_id == "collect"
        await pilot.press("down")
        await pilot.pause()
        assert app.selected_id == "ui"
        x, y = canvas.graph_layout.position("model")
        await pilot.click(canvas, offset=(x + 2, y + 1))
        await pilot.pause()
        assert app.selected_id == "model"
        await pilot.press("1")
        await pilot.pause()
        table = app.query_one("#items-table")
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "model"


async def test_the_palette_offers_every_action(plan_path: Path) -> None:
    from roadmap_tui.tui.actions import ACTIONS
    from roadmap_tui.tui.commands import RoadmapCommands

    async with running(plan_path) as (app, pilot):
        provider = RoadmapCommands(app.screen)
        texts = [hit.text async for hit in provider.discover()]
        for action in ACTIONS:
            assert action.palette_text in texts
        assert "Keys (? / f1)" in texts and "More capacity (+ / =)" in texts
        # every view's actions are listed at once: no two read alike
        actions = [a.palette_text for a in ACTIONS]
        assert len(set(actions)) == len(actions)
        assert {"Delete item (del)", "Delete risk (del)", "Delete team (del)"} <= set(texts)
        for item in app.plan.items:
            assert f"Go to {item.id}: {item.title}" in texts
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Undo")
        await pilot.pause(0.3)
        await pilot.press("enter")  # runs app.undo: nothing to undo, no error
        await pilot.pause()
        assert app.return_code is None


async def test_sorting_the_items_table(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        table = app.query_one("#items-table")

        def ids() -> list[str]:
            return cells(table, 1)

        assert ids() == ["kickoff", "collect", "model", "ui", "launch"]
        await press(pilot, "s")  # a picker of the columns
        await press(pilot, "down", "enter")  # file order, then id
        await pilot.pause()
        assert ids() == sorted(ids())
        view = app.view("items")
        view.sort_key = "p50"  # then by P50 finish, "never" last
        view.show(app.shown())
        p50 = {i: f.finish_days.p50 for i, f in app.forecast.items.items()}
        assert ids() == sorted(ids(), key=lambda i: (p50[i] is None, p50[i] or 0))


async def test_the_forecast_view_can_show_the_selected_item(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await select(app, pilot, "model")
        await pilot.press("4")
        await pilot.pause()
        stats = app.query_one("#forecast-stats")
        assert "the whole plan" in str(stats.render())
        await pilot.press("f")
        await pilot.pause()
        assert "item model" in str(stats.render())
        curve = str(app.query_one("#forecast-curve").render())
        p = app.forecast.items["model"].p_success
        assert f"plateaus at {p:.0%}" in curve  # an experiment that may never succeed


async def test_an_edit_during_a_forecast_cancels_the_stale_run(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: dict[str, list[Any]] = {"started": [], "cancelled": [], "finished": []}
    slow_simulate(monkeypatch, 40, log)
    async with running(plan_path) as (app, pilot):
        ui = app.plan.item("ui")
        first = app.plan.with_item(ui.__class__(**{**ui.__dict__, "title": "A"}))
        app.apply(first, "first")
        while first not in log["started"]:
            await pilot.pause(0.01)
        second = first.with_item(ui.__class__(**{**ui.__dict__, "title": "B"}))
        app.apply(second, "second")
        await settle(app, pilot)
        assert log["cancelled"] == [first]  # abandoned mid-run, its figures never shown
        assert log["finished"][-1] == second and first not in log["finished"]
        assert not app.stale and app.forecast_plan is not None
        assert app.forecast_plan.item("ui").title == "B"


async def test_weights_edited_in_place_are_saved_to_the_priority_table(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await pilot.press("5")
        await pilot.pause()
        app.query_one("#weight-ease", Input).value = "4"
        await pilot.pause()
        app.query_one("#weight-data", Input).value = "-1"
        await pilot.pause()
        assert "weights must be >= 0" in str(app.query_one("#weights-error").render())
        assert app.plan.priority.weights["data"] == 2.0  # a bad weight is never applied
        app.query_one("#weight-data", Input).value = "2"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = store.load_plan(plan_path).plan.priority
    assert saved.weights["ease"] == 4.0 and saved.weights["data"] == 2.0
    assert plan_path.read_text().endswith("[priority]\nease = 4\n")


async def test_validation_problems_are_marked_on_the_row_and_listed(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        panel = app.query_one("#problems")
        assert not panel.display
        ui = app.plan.item("ui")
        broken = ui.__class__(**{**ui.__dict__, "depends_on": ("kickoff", "ghost")})
        app.apply(app.plan.with_item(broken), "break ui")  # only a script could do this
        await pilot.pause()
        assert panel.display
        assert "unknown item 'ghost'" in str(panel.render())
        table = app.query_one("#items-table")
        flags = dict(zip(cells(table, 1), cells(table, 0), strict=True))
        assert flags["ui"] == "!" and flags["model"] == " "


async def test_add_and_delete_a_risk(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "6", "a")
        editor = app.screen
        assert isinstance(editor, RiskEditor)
        fill(editor, "id", "gpu")
        fill(editor, "title", "GPU quota late")
        fill(editor, "probability", "0.2")
        fill(editor, "delay", "3, 5, 10")
        fill(editor, "affects", "model, nowhere")
        await pilot.pause()
        assert "no item 'nowhere'" in str(editor.query_one("#error-affects").render())
        fill(editor, "affects", "model")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.plan.risk_by_id["gpu"].affects == ("model",)
        assert app.selected_risk == "gpu"
        table = app.query_one("#risks-table")
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "gpu"
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#delete")
        await settle(app, pilot)
        assert "gpu" not in app.plan.risk_by_id


async def test_reloading_a_broken_file_keeps_the_plan_and_says_why(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        before = app.plan
        plan_path.write_text(PLAN + "<<<<<<< HEAD\n")  # a merge gone wrong
        app.check_disk()
        await pilot.pause()
        await pilot.click("#reload")
        await pilot.pause()
        assert app.plan == before
        messages = [n.message for n in app._notifications]
        assert any("not a valid plan" in m and "plan.toml:" in m for m in messages)


async def test_quitting_during_a_forecast_abandons_it(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: dict[str, list[Any]] = {"started": [], "cancelled": [], "finished": []}
    slow_simulate(monkeypatch, 500, log)  # five seconds unless cancelled
    app = make_app(plan_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        assert app.forecasting
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    # Not waited for: the five-second forecast was cancelled, never finished.
    assert len(log["cancelled"]) == 1 and not log["finished"]


async def test_a_worker_hands_its_result_over_without_waiting_for_the_app(plan_path: Path) -> None:
    """call_from_thread would wait for the app's loop: a worker still busy when the app
    quits would wait for ever and keep the process from exiting. Here the loop is held up
    (a blocking join) while the worker hands a result over: the worker must not wait."""
    import threading

    async with running(plan_path) as (app, pilot):
        handed_over = threading.Event()
        applied: list[bool] = []

        def worker() -> None:
            app._from_worker(lambda: applied.append(handed_over.is_set()))
            handed_over.set()

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(timeout=5)
        assert not thread.is_alive()
        await pilot.pause()
        assert applied == [True]  # applied on the app's loop, after the worker moved on
