"""The status line: file, dirty marker, scenario, and whether the figures shown are fresh."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from roadmap_tui.model.types import Plan
from roadmap_tui.vocabulary import plural


class StatusLine(Static):
    """One line under the views; the forecast's state comes first, where it is never cut."""

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
        editing: str | None = None,
        filtered: str | None = None,
    ) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if forecasting and not stale:
            # the figures shown are fresh; only the risks' effects and the comparison are coming
            text.append("up to date", style="green")
            coming = "comparing scenarios" if plan.scenarios else "measuring risks"
            text.append(f" ({coming}...)", style="cyan")
        elif forecasting:
            text.append("forecasting...", style="bold cyan")
            if stale:
                text.append(" (figures stale)", style="yellow")
        elif error is not None:
            text.append(f"forecast failed: {error}", style="bold red")
        elif stale:
            text.append("figures stale", style="bold yellow")
        else:
            text.append("up to date", style="green")
        text.append("  ")
        text.append(path.name, style="bold")
        if dirty:
            text.append(" [modified]", style="bold yellow")
        if filtered is not None:
            text.append(f" · filter {filtered}", style="bold cyan")
        else:
            text.append(f" · {plural(len(plan.items), 'item')} · {plural(len(plan.risks), 'risk')}")
        text.append(f" · {scenario or 'baseline'}")
        if editing is not None:
            text.append(f" (editing {editing})", style="magenta")
        text.append(f" · seed {seed}")
        if runs is not None:
            text.append(f" · {runs} runs")
        self.update(text)
