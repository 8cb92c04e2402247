"""The editor's share of issue 12: calibrated figures in the Forecast view, and the history."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from roadmap_tui.tui.widgets.dialogs import ChoiceDialog
from tui_helpers import PLAN, press, running

DONE = "".join(
    f'\n[items.done{k}]\ntitle = "Done {k}"\nestimate = 5\nstatus = "done"\n'
    "started = 2027-01-04\nfinished = 2027-01-15\n"
    for k in range(5)
)


def calibrated_plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.replace("seed = 42", "seed = 42\ncalibrate = true") + DONE)
    return path


async def test_the_forecast_view_shows_calibrated_figures_beside_the_others(
    tmp_path: Path,
) -> None:
    async with running(calibrated_plan(tmp_path)) as (app, pilot):
        await press(pilot, "4")
        assert app.calibrated is not None
        stats = str(app.query_one("#forecast-stats").render())
        assert "calibrated  P50" in stats
        # five 5-day items took 10 days: every open task takes twice as long
        ui, ui_cal = app.forecast.items["ui"], app.calibrated.items["ui"]
        assert ui_cal.mean_duration == pytest.approx(2 * ui.mean_duration, abs=0.002)


async def test_too_few_done_items_shows_the_notice(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.replace("seed = 42", "seed = 42\ncalibrate = true"))
    async with running(path) as (app, pilot):
        await press(pilot, "4")
        assert app.calibrated is None
        assert "no calibration" in str(app.query_one("#forecast-stats").render())


async def test_history_opens_in_a_dialog(tmp_path: Path) -> None:
    path = calibrated_plan(tmp_path)
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "plan"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
    async with running(path) as (app, pilot):
        await press(pilot, "4", "h")
        for _ in range(300):
            if isinstance(app.screen, ChoiceDialog):
                break
            await asyncio.sleep(0.05)
        assert isinstance(app.screen, ChoiceDialog)
        assert "Milestone trend" in app.screen.message and "accuracy" in app.screen.message
