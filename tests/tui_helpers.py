"""Shared by the TUI's pilot tests: a small plan, the app started on it, and the moves a person
makes (press keys, open the editor, delete an item)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input

from roadmap_tui.tui.app import RoadmapApp
from roadmap_tui.tui.widgets.editor import ItemEditor
from roadmap_tui.tui.widgets.picker import DependencyPicker

PLAN = """\
# A small support-assistant plan for the editor's tests.
[plan]
name = "Support assistant"
start = 2027-01-04

[forecast]
runs = 2000
seed = 42

[items.kickoff]
title = "Kickoff"
kind = "milestone"

[items.collect]
title = "Collect and label tickets"
kind = "data"
estimate = [10, 15, 30]   # labeling vendor quote
depends_on = ["kickoff"]
data = 0.4

[items.model]
title = "Intent model reaches F1 0.85"
kind = "experiment"
estimate = [5, 10, 20]
p_success = 0.6
max_attempts = 3
readiness = 3
metric = { name = "F1", current = 0.78, target = 0.85 }
depends_on = ["collect"]

[items.ui]
title = "Chat UI"
estimate = [5, 8, 12]
depends_on = ["kickoff"]

[items.launch]
title = "Launch"
kind = "milestone"
depends_on = ["model", "ui"]
target = 2027-04-01

[risks.vendor-slip]
title = "Labeling vendor slips"
probability = 0.3
delay = [5, 10, 20]
affects = ["collect"]

[scenarios.second-vendor]
title = "Hire a second labeling vendor"
items.collect.estimate = [7, 10, 18]
"""


def make_app(path: Path, **options: Any) -> RoadmapApp:
    """Fast settings for tests: few runs, a short debounce, no polling unless asked."""
    return RoadmapApp(path, **{"runs": 2000, "debounce": 0.05, "poll_interval": None, **options})


async def settle(app: RoadmapApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await app.wait_for_forecast()
    await pilot.pause()


@asynccontextmanager
async def running(
    path: Path, size: tuple[int, int] = (120, 36), **options: Any
) -> AsyncIterator[tuple[RoadmapApp, Pilot[None]]]:
    """The app on `path`, started and with its first forecast shown."""
    app = make_app(path, **options)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        yield app, pilot


def fill(screen: Screen[Any], field: str, text: str) -> None:
    screen.query_one(f"#field-{field}", Input).value = text


def cells(table: DataTable[Any], column: int) -> list[str]:
    """One column of a table as the text shown, top to bottom."""
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Each key, then a pause: what a person typing does (focus moves between keys)."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


async def select(app: RoadmapApp, pilot: Pilot[None], item_id: str) -> None:
    app.select_item(item_id)
    await pilot.pause()


async def open_editor(app: RoadmapApp, pilot: Pilot[None], item_id: str) -> ItemEditor:
    await select(app, pilot, item_id)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ItemEditor)
    return app.screen


async def link(app: RoadmapApp, pilot: Pilot[None], item_id: str, dep: str) -> DependencyPicker:
    """Select, press l, type `dep` in the picker's filter and press enter on the first match."""
    await select(app, pilot, item_id)
    await press(pilot, "l")
    picker = app.screen
    assert isinstance(picker, DependencyPicker)
    await pilot.press(*dep, "enter")
    await pilot.pause()
    return picker


async def delete_item(app: RoadmapApp, pilot: Pilot[None], item_id: str) -> None:
    """Select, press delete and confirm."""
    await select(app, pilot, item_id)
    await pilot.press("delete")
    await pilot.pause()
    await pilot.click("#delete")
    await pilot.pause()


def slow_simulate(monkeypatch: pytest.MonkeyPatch, steps: int, log: dict[str, list[Any]]) -> None:
    """The engine, made slow: `steps` progress calls 10 ms apart, each of which may cancel.

    `log` records the plans started, cancelled (the progress callback raised) and finished.
    """
    import roadmap_tui.tui.app as app_module

    real = app_module.simulate

    def slow(plan, *, progress=None, **kwargs):  # type: ignore[no-untyped-def]
        log["started"].append(plan)
        for step in range(steps):
            time.sleep(0.01)
            try:
                progress(step, steps)
            except BaseException:
                log["cancelled"].append(plan)
                raise
        log["finished"].append(plan)
        return real(plan, **kwargs)

    monkeypatch.setattr(app_module, "simulate", slow)
