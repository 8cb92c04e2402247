"""The TUI side of issue 14: the `link` field and `o`, sizes in the estimate field."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from roadmap_tui.tui.actions import ACTIONS
from tui_helpers import PLAN, fill, open_editor, running, select, settle


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    text = PLAN.replace(
        '[items.ui]\ntitle = "Chat UI"\n',
        '[items.ui]\ntitle = "Chat UI"\nlink = "https://github.com/acme/copilot/issues/7"\n',
    )
    text = text.replace("[items.kickoff]", "[sizes]\nXXL = [30, 50, 90]\n\n[items.kickoff]")
    path.write_text(text, encoding="utf-8")
    return path


async def test_o_opens_the_link_of_the_selected_item(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    assert any(a.id == "open-link" and a.key == "o" for a in ACTIONS)
    async with running(plan_path) as (app, pilot):
        await select(app, pilot, "ui")
        await pilot.press("o")
        await pilot.pause()
        assert opened == ["https://github.com/acme/copilot/issues/7"]
        assert "link https://github.com/acme/copilot/issues/7" in str(
            app.query_one("#item-detail").render()
        )
        await select(app, pilot, "collect")
        await pilot.press("o")
        await pilot.pause()
        assert len(opened) == 1  # no link: a notice, no browser


async def test_the_editor_offers_the_plans_sizes_and_accepts_one(plan_path: Path) -> None:
    async with running(plan_path) as (app, pilot):
        editor = await open_editor(app, pilot, "ui")
        field = editor.query_one("#field-estimate", Input)
        assert field.placeholder.endswith("or a size: XS S M L XL XXL")
        assert editor.query_one("#field-link", Input).value.endswith("/issues/7")
        fill(editor, "estimate", "XXM")
        await pilot.pause()
        assert "did you mean 'XXL'?" in str(editor.query_one("#error-estimate").render())
        fill(editor, "estimate", "XXL")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        estimate = app.plan.item("ui").estimate
        assert estimate is not None and (estimate.size, estimate.likely) == ("XXL", 50)
