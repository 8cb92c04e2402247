"""The status line: file, dirty marker, scenario, and whether the figures shown are fresh."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from roadmap_tui.model.types import Plan


class StatusLine(Static):
    def update_status(
        self,
        *,
        path: Path,
        plan: Plan,
        dirty: bool,
        forecasting: bool,
        stale: bool,
        error: str | None,
        runs: int | None,
        seed: int,
        scenario: str | None,
    ) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(path.name, style="bold")
        if dirty:
            text.append(" [modified]", style="bold $warning" if False else "bold yellow")
        text.append(f"  {len(plan.items)} items · {len(plan.risks)} risks")
        text.append(f"  scenario: {scenario or 'baseline'}")
        text.append(f"  seed {seed}")
        if runs is not None:
            text.append(f" · {runs} runs")
        text.append("  ")
        if error is not None:
            text.append(f"forecast failed: {error}", style="bold red")
        elif forecasting:
            text.append("forecasting...", style="bold cyan")
        elif stale:
            text.append("figures stale", style="bold yellow")
        else:
            text.append("forecast up to date", style="green")
        self.update(text)
