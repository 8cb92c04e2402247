"""The TUI at the sizes people use: tables that fit 80 columns, the footer's keys, the keys panel,
and weights checked by the priority model itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, HelpPanel, Input
from textual.widgets._footer import FooterKey

from roadmap_tui.tui.widgets.fit_table import Column, fit_columns
from tui_helpers import PLAN, cells, delete_item, make_app, press, running, select, settle

LONG_TITLE = "Collect and label twenty thousand support tickets by intent and answerability"


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.replace("Collect and label tickets", LONG_TITLE), encoding="utf-8")
    return path


# -- fitting columns: a pure rule ----------------------------------------------------------------

COLS = (
    Column("id", "id"),
    Column("title", "title", elastic=True, min_width=10),
    Column("a", "a", drop=1),
    Column("b", "b", drop=2),
)
NATURAL = {"id": 8, "title": 40, "a": 6, "b": 6}


def test_the_elastic_column_takes_what_is_left() -> None:
    # 8 + 6 + 6 and 2 cells of padding per column: 28 of 60 used, the title gets 32
    assert fit_columns(COLS, NATURAL, 60, 2) == {"id": 8, "title": 32, "a": 6, "b": 6}


def test_the_elastic_column_is_never_wider_than_its_content() -> None:
    assert fit_columns(COLS, NATURAL, 200, 2)["title"] == 40


def test_columns_step_aside_highest_drop_first_before_the_title_goes_below_its_minimum() -> None:
    # everything needs 8+10+6+6 + 8 = 38; at 37 `b` (drop 2) goes, and `a` stays
    assert list(fit_columns(COLS, NATURAL, 37, 2)) == ["id", "title", "a"]
    assert list(fit_columns(COLS, NATURAL, 29, 2)) == ["id", "title"]
    # columns that never drop stay even when nothing fits
    assert list(fit_columns(COLS, NATURAL, 5, 2)) == ["id", "title"]


def test_two_elastic_columns_share_the_room() -> None:
    cols = (Column("id", "id"), Column("t", "t", elastic=True), Column("u", "u", elastic=True))
    widths = fit_columns(cols, {"id": 4, "t": 50, "u": 15}, 50, 2)
    assert widths["u"] == 15  # the short one gets all it needs
    assert widths["t"] == 50 - 4 - 15 - 6
    assert sum(widths.values()) + 6 == 50


# -- the views at 80x24 and 120x36 ---------------------------------------------------------------


def headers(table: DataTable) -> list[str]:  # type: ignore[type-arg]
    return [str(c.label).split(" ")[0] for c in table.ordered_columns]


async def test_items_table_at_80_columns_shows_id_and_title_first_and_fits(
    plan_path: Path,
) -> None:
    async with running(plan_path, size=(80, 24)) as (app, pilot):
        table = app.query_one("#items-table", DataTable)
        shown = headers(table)
        assert shown[:3] == ["", "id", "title"]
        for needed in ("P50", "P(success)", "score"):
            assert needed in shown
        assert sum(c.get_render_width(table) for c in table.ordered_columns) <= 80
        titles = dict(zip(cells(table, 1), cells(table, 2), strict=True))
        assert len(titles["collect"]) >= 16 and titles["collect"].endswith("…")
        assert titles["ui"] == "Chat UI"
        # what the narrow table leaves out is in the detail panel under it
        await press(pilot, "down")
        detail = str(app.query_one("#item-detail").render())
        assert "P80 " in detail and "critical " in detail and "estimate 10/15/30d" in detail


async def test_items_table_at_120_columns_shows_every_column_in_order(plan_path: Path) -> None:
    async with running(plan_path) as (app, _pilot):
        table = app.query_one("#items-table", DataTable)
        assert headers(table) == [
            "",
            "id",
            "title",
            "status",
            "kind",
            "estimate",
            "P50",
            "P80",
            "P(success)",
            "crit",
            "score",
        ]


async def test_the_items_table_refits_when_the_terminal_is_resized(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        table = app.query_one("#items-table", DataTable)
        await select(app, pilot, "model")
        assert "kind" in headers(table)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert "kind" not in headers(table)
        assert sum(c.get_render_width(table) for c in table.ordered_columns) <= 80
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "model"


async def test_risks_table_at_80_columns_shows_chance_delay_and_affected_items(
    plan_path: Path,
) -> None:
    async with running(plan_path, size=(80, 24)) as (app, pilot):
        await press(pilot, "6")
        table = app.query_one("#risks-table", DataTable)
        assert headers(table) == ["id", "title", "chance", "delay", "P80", "affects"]  # P80 shift
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0] == "vendor-slip" and row[2:4] == ["30%", "5/10/20d"]
        assert row[4].endswith(" d") and row[5] == "collect"
        assert sum(c.get_render_width(table) for c in table.ordered_columns) <= 80


async def test_the_ranking_fits_beside_the_weights_at_80_columns(plan_path: Path) -> None:
    async with running(plan_path, size=(80, 24)) as (app, pilot):
        await press(pilot, "5")
        table = app.query_one("#ranking-table", DataTable)
        assert headers(table)[:2] == ["rank", "id"] and "score" in headers(table)
        pane = app.query_one("#ranking-pane")
        width = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert width <= pane.size.width


# -- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["1", "2", "3", "4", "5", "6"])
async def test_quit_and_keys_are_in_the_footer_at_80_columns(plan_path: Path, view: str) -> None:
    async with running(plan_path, size=(80, 24)) as (app, pilot):
        await press(pilot, view)
        visible = {
            key.key: key.region.right <= 80
            for key in app.screen.query(FooterKey)
            if key.region.width > 0
        }
        assert visible.get("q") and visible.get("question_mark"), visible
        if view == "1":
            for key in ("enter", "a", "delete", "l", "ctrl+z", "ctrl+s"):
                assert visible.get(key), key


async def test_question_mark_and_f1_toggle_the_keys_panel(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "question_mark")
        assert app.screen.query(HelpPanel)
        await press(pilot, "question_mark")
        assert not app.screen.query(HelpPanel)
        await press(pilot, "f1")
        assert app.screen.query(HelpPanel)


async def test_a_question_mark_typed_in_a_box_is_text_not_the_keys_panel(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "5")
        box = app.query_one("#weight-ease", Input)
        box.focus()
        await press(pilot, "question_mark")
        assert not app.screen.query(HelpPanel)
        assert box.value.endswith("?")


# -- weights: the priority model's own checks ----------------------------------------------------


@pytest.mark.parametrize(
    ("box", "text", "message"),
    [
        ("data", "-1", "weight data = -1: weights must be >= 0"),
        ("data", "lots", "weight data: expected a number >= 0, found 'lots'"),
        ("ease", "inf", "expected a finite number"),
    ],
)
async def test_a_refused_weight_says_why_and_is_not_applied(
    plan_path: Path, box: str, text: str, message: str
) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "5")
        before = app.plan.priority
        app.query_one(f"#weight-{box}", Input).value = text
        await pilot.pause()
        assert message in str(app.query_one("#weights-error").render())
        assert app.plan.priority == before


async def test_all_weights_zero_is_refused_by_the_priority_model(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "5")
        for name in ("impact", "data", "readiness", "confidence", "urgency", "unblocks", "ease"):
            app.query_one(f"#weight-{name}", Input).value = "0"
            await pilot.pause()
        assert "all weights are zero" in str(app.query_one("#weights-error").render())
        assert any(app.plan.priority.weights.values())  # the refused change was not applied


# -- quitting ------------------------------------------------------------------------------------


async def test_ctrl_q_asks_about_unsaved_changes_like_q(plan_path: Path) -> None:
    from roadmap_tui.tui.widgets.dialogs import ChoiceDialog

    async with running(plan_path) as (app, pilot):
        await delete_item(app, pilot, "ui")
        await press(pilot, "ctrl+q")
        assert isinstance(app.screen, ChoiceDialog) and app.screen.dialog_title == "Quit"
        await press(pilot, "ctrl+q")  # asked once, not twice
        assert len([s for s in app.screen_stack if isinstance(s, ChoiceDialog)]) == 1
        await pilot.click("#cancel")
        await pilot.pause()
        assert app.return_code is None and "ui" not in app.plan.item_by_id


# -- timeline axis -------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 100, 120])
async def test_the_as_of_marker_never_cuts_a_month_label(plan_path: Path, width: int) -> None:
    import re

    from roadmap_tui.tui.views.timeline import TimelineChart

    plan_path.write_text(
        plan_path.read_text().replace(
            "start = 2027-01-04", "start = 2027-01-04\nas_of = 2027-02-03"
        )
    )
    async with running(plan_path) as (app, _pilot):
        chart = app.query_one(TimelineChart)
        axis = chart.draw(app.shown(), width).plain.splitlines()[0]
        assert "▼" in axis
        for label in re.findall(r"╷([^╷]+)", axis):
            text = label.replace("▼", "").strip()
            assert text == "" or re.fullmatch(r"[A-Z][a-z]{2}( \d{4})?", text), axis


# -- the live forecast's latency -----------------------------------------------------------------


def fifty_item_plan() -> str:
    """A typical plan: 50 items in layers, two dependencies each, experiments and a risk."""
    lines = ['[plan]\nname = "Fifty"\nstart = 2027-01-04\n\n[forecast]\nruns = 10000\nseed = 1\n']
    for k in range(50):
        deps = [f'"i{d}"' for d in (k - 7, k - 3) if d >= 0] if k >= 7 else []
        low, likely = 1 + k % 9, 3 + k % 9 + k % 5
        extra = '\nkind = "experiment"\np_success = 0.7\nmax_attempts = 3' if k % 10 == 5 else ""
        lines.append(
            f'[items.i{k}]\ntitle = "Item {k}"\nestimate = [{low}, {likely}, {likely + 8}]\n'
            f"depends_on = [{', '.join(deps)}]{extra}\n"
        )
    lines.append(
        '[risks.r]\ntitle = "R"\nprobability = 0.3\ndelay = [2, 5, 9]\naffects = ["i20"]\n'
    )
    return "\n".join(lines)


async def test_each_edit_of_a_fifty_item_plan_is_forecast_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """50 items x 10,000 runs: one engine run per edit and nothing stale left running. How
    fast the fresh figures follow is benchmarks/bench_tui.py's to measure, not a test's."""
    import asyncio
    from dataclasses import replace

    import roadmap_tui.tui.app as app_module
    from roadmap_tui.model.types import Estimate

    runs: list[int] = []
    real = app_module.simulate

    def counted(plan, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(1)
        return real(plan, **kwargs)

    path = tmp_path / "fifty.toml"
    path.write_text(fifty_item_plan(), encoding="utf-8")
    async with running(path, runs=None, debounce=0.15) as (app, _pilot):
        assert app.forecast is not None and app.forecast.runs == 10_000
        monkeypatch.setattr(app_module, "simulate", counted)
        for n in range(3):
            runs.clear()
            item = app.plan.item("i30")
            edited = replace(item, estimate=Estimate(3 + n, 8 + n, 20 + n))
            app.apply(app.plan.with_item(edited), "edit")
            while app.stale:
                await asyncio.sleep(0.005)
            assert len(runs) == 1  # one run for the edit, nothing stale left running
            assert app.forecast.items["i30"].finish_days.p50 is not None


async def test_sorting_names_the_column_as_its_header_says(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "s")  # the picker names the columns as their headers do
        labels = [str(o.prompt) for o in app.screen.query_one("#options").options]
        assert labels[:3] == ["file order", "id", "title"] and "P(success)" in labels
        assert not any("p_success" in label for label in labels)
        await press(pilot, "down", "down", "enter")
        assert "Sorted by title" in [n.message for n in app._notifications]


async def test_fresh_figures_say_so_while_only_the_scenario_comparison_runs(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import roadmap_tui.tui.app as app_module

    release = threading.Event()
    real = app_module.compare

    def held(plan, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(5)
        return real(plan, **kwargs)

    monkeypatch.setattr(app_module, "compare", held)
    app = make_app(plan_path)
    async with app.run_test(size=(120, 36)) as pilot:
        while app.stale:
            await pilot.pause(0.01)
        await pilot.pause()
        status = str(app.query_one("#status").render())
        assert app.forecasting and status.startswith("up to date (comparing scenarios...)")
        release.set()
        await settle(app, pilot)
        assert str(app.query_one("#status").render()).startswith("up to date  ")


@pytest.mark.parametrize("freeze", [True, False])
async def test_the_launcher_freezes_startup_objects_once_the_first_figures_are_up(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch, freeze: bool
) -> None:
    import roadmap_tui.tui.app as app_module

    frozen: list[bool] = []
    monkeypatch.setattr(app_module.gc, "freeze", lambda: frozen.append(True))
    async with running(plan_path, freeze_startup=freeze) as (app, pilot):
        await press(pilot, "r")  # a second forecast does not freeze again
        await settle(app, pilot)
        assert frozen == ([True] if freeze else [])


async def test_the_detail_of_a_started_item_gives_its_remaining_work(plan_path: Path) -> None:
    from dataclasses import replace
    from datetime import date

    from roadmap_tui.model.types import Estimate

    async with running(plan_path) as (app, pilot):
        collect = app.plan.item("collect")
        started = replace(
            collect, status="doing", started=date(2027, 1, 5), remaining=Estimate(4, 6, 9)
        )
        app.apply(app.plan.with_item(started), "start collect")
        await select(app, pilot, "collect")
        detail = str(app.query_one("#item-detail").render())
        assert "remaining 4/6/9d" in detail and "estimate" not in detail


async def test_the_priorities_view_says_why_a_done_item_has_no_rank(plan_path: Path) -> None:
    from dataclasses import replace
    from datetime import date

    async with running(plan_path) as (app, pilot):
        kickoff = app.plan.item("kickoff")
        done = replace(kickoff, status="done", started=date(2027, 1, 4), finished=date(2027, 1, 4))
        app.apply(app.plan.with_item(done), "finish kickoff")
        await settle(app, pilot)
        await select(app, pilot, "kickoff")
        await press(pilot, "5")
        explain = str(app.query_one("#ranking-explain").render())
        assert "kickoff is done: done and dropped items are not ranked" in explain
        await select(app, pilot, "ui")
        assert str(app.query_one("#ranking-explain").render()).startswith("ui ")
