"""Snapshots of every view (and the editor) at 120x36, on a fixed plan, seed and run count.

Regenerate after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and review the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap_tui.tui.app import RoadmapApp

PLAN = """\
[plan]
name = "Support assistant"
start = 2027-01-04
holidays = [2027-01-18]
as_of = 2027-01-11

[forecast]
runs = 2000
seed = 7

[items.kickoff]
title = "Kickoff: success metric agreed"
kind = "milestone"
status = "done"
finished = 2027-01-04

[items.collect-tickets]
title = "Collect and label 20k support tickets"
kind = "data"
estimate = [10, 15, 30]
depends_on = ["kickoff"]
data = 0.4
impact = 4
status = "doing"
started = 2027-01-05
remaining = [8, 12, 25]

[items.intent-model]
title = "Intent classifier reaches F1 0.85"
kind = "experiment"
estimate = [5, 10, 20]
p_success = 0.6
max_attempts = 3
readiness = 3
metric = { name = "F1", current = 0.78, target = 0.85 }
depends_on = ["collect-tickets"]

[items.retrieval]
title = "Retrieval over the help centre"
estimate = [8, 12, 20]
depends_on = ["kickoff"]
readiness = 5

[items.chat-ui]
title = "Chat widget in the help centre"
estimate = [5, 8, 12]
depends_on = ["kickoff"]
impact = 2

[items.eval]
title = "Offline evaluation and fairness audit"
estimate = [3, 5, 10]
depends_on = ["intent-model", "retrieval"]

[items.ab-test]
title = "A/B test on 10% of traffic"
kind = "experiment"
estimate = [10, 10, 15]
p_success = 0.7
max_attempts = 2
depends_on = ["eval", "chat-ui"]

[items.launch]
title = "Launch to all users"
kind = "milestone"
depends_on = ["ab-test"]
target = 2027-05-03

[risks.vendor-slip]
title = "Labeling vendor slips"
probability = 0.3
delay = [5, 10, 20]
affects = ["collect-tickets"]

[risks.infra]
title = "GPU quota arrives late"
probability = 0.2
delay = [3, 5, 10]
affects = ["intent-model", "retrieval"]

[scenarios.second-vendor]
title = "Hire a second labeling vendor"
items.collect-tickets.remaining = [5, 8, 14]
risks.vendor-slip.probability = 0.1
"""

SIZE = (120, 36)


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "support.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def app_for(path: Path) -> RoadmapApp:
    """The app a snapshot is taken of: without animations, whose frame at the moment of the
    snapshot (the tabs' underline sliding to a new view) depends on the machine's speed."""
    return still(RoadmapApp(path, runs=2000, poll_interval=None))


def still(app: RoadmapApp) -> RoadmapApp:
    app.animation_level = "none"
    return app


def after(*keys: str):  # type: ignore[no-untyped-def]
    """Press keys, then wait until the forecast worker has answered: no half-drawn figures."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.app.wait_for_forecast()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.app.wait_for_forecast()
        # a toast lasts 1.5-2 s: whether it is still up depends on the machine's speed, so
        # no snapshot shows one (pilot tests check the messages)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(("1",), id="items"),
        pytest.param(("2",), id="timeline"),
        pytest.param(("3",), id="graph"),
        pytest.param(("4",), id="forecast"),
        pytest.param(("4", "c"), id="forecast-scenario"),
        pytest.param(("5",), id="priorities"),
        pytest.param(("6",), id="risks"),
        pytest.param(("1", "down", "enter"), id="item-editor"),
    ],
)
def test_view_snapshot(snap_compare, plan_path: Path, keys: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(plan_path), terminal_size=SIZE, run_before=after(*keys))


def test_items_view_at_80_by_24(snap_compare, plan_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(plan_path), terminal_size=(80, 24), run_before=after("1"))
