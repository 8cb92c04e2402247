"""Pilot tests of the answers at a glance in the editor: the headline, risks ranked by effect
(Risks view and the Forecast view's drivers) and the scenario comparison's shifts."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from roadmap_tui.report.answers import headline
from roadmap_tui.tui.views.forecast import ForecastView
from tui_helpers import PLAN, cells, press, running, select

#: The test plan with a second, smaller risk listed first in the file.
TWO_RISKS = PLAN.replace(
    "[risks.vendor-slip]",
    """[risks.ui-review]
title = "Design review asks for a second pass"
probability = 0.1
delay = 2
affects = ["ui"]

[risks.vendor-slip]""",
)


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(TWO_RISKS, encoding="utf-8")
    return path


async def test_the_forecast_view_opens_with_the_headline(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "4")
        stats = str(app.query_one("#forecast-stats").render())
        sentence = headline(app.plan, app.forecast)
        assert sentence.startswith("Launch: ") and sentence in stats
        await select(app, pilot, "model")
        await press(pilot, "4", "f")
        stats = str(app.query_one("#forecast-stats").render())
        assert headline(app.plan, app.forecast, "model") in stats


async def test_risks_are_ranked_by_their_effect_with_it_in_the_table(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        assert app.risk_effects is not None
        assert [e.id for e in app.risk_effects.effects] == ["vendor-slip", "ui-review"]
        await press(pilot, "6")
        table = app.query_one("#risks-table", DataTable)
        assert cells(table, 0) == ["vendor-slip", "ui-review"]  # not the file's order
        effect = app.risk_effects.effects[0]
        shift = f"{effect.p80_shift_days:+.1f} d"
        assert shift in cells(table, 4)[0]
        detail = str(app.query_one("#risk-detail").render())
        assert "effect: moves the plan's P80 by" in detail and "2,000 runs" in detail


async def test_the_drivers_list_the_risks_next_to_the_items(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "4")
        tornado = str(app.query_one("#forecast-tornado").render())
        assert "and risks (P80 shift)" in tornado
        lines = tornado.splitlines()
        model = next(k for k, line in enumerate(lines) if line.strip().startswith("model "))
        vendor = next(k for k, line in enumerate(lines) if "vendor-slip" in line)
        assert model < vendor  # the items first, then the risks
        assert f"{app.risk_effects.effects[0].p80_shift_days:+.1f} d" in lines[vendor]


async def test_the_comparison_shows_a_shift_and_the_change_of_p_success(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        await press(pilot, "4")
        table = app.query_one(ForecastView).comparison(app.shown())
        rows = [list(map(str, c.cells)) for c in table.columns]  # type: ignore[union-attr]
        scenario = rows[0].index("second-vendor")
        assert rows[5][scenario].startswith(("P80 ", "P50 "))
        assert rows[4][scenario].endswith("pts)")
