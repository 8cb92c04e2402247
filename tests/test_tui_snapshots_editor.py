"""Snapshots of the views issue 13 changed, at 80x24 and 120x36: values in force under a
scenario (marked), the timeline's months, zoom and legend, the graph's compact and focused
modes, the filter, the scenarios and plan-settings forms.

Regenerate after an intended change with
`pytest tests/test_tui_snapshots_editor.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_tui_snapshots import PLAN, after, app_for


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "support.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


VIEWS = [
    pytest.param(("c", "1"), id="items-scenario"),
    pytest.param(("c", "1", "down", "down"), id="items-scenario-detail"),
    pytest.param(("2",), id="timeline"),
    pytest.param(("2", "z"), id="timeline-weeks"),
    pytest.param(("3",), id="graph"),
    pytest.param(("3", "m"), id="graph-compact"),
    pytest.param(("3", "right", "right", "f"), id="graph-focus"),
    pytest.param(("c", "6"), id="risks-scenario"),
    pytest.param(("5",), id="priorities"),
    pytest.param(("slash",), id="filter"),
    pytest.param(("C",), id="scenarios"),
    pytest.param(("p",), id="settings"),
    pytest.param(("c", "1", "enter"), id="edit-which-plan"),
]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("keys", VIEWS)
def test_editor_snapshot(snap_compare, plan_path: Path, keys: tuple[str, ...], size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(plan_path), terminal_size=size, run_before=after(*keys))
