"""Terminal rendering of `roadmap history`: the table per commit and a text slip chart.

Layout only: the figures come from report/history.py.
"""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.table import Table
from rich.text import Text

from roadmap_tui.console.tables import new_table
from roadmap_tui.report.common import fmt_date
from roadmap_tui.report.history import History

#: Marks of the milestones in the slip chart (uppercase P80, lowercase P50); "*" the plan.
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def history_table(history: History) -> Table:
    """The plan's P50, P80 and P(success) at every commit."""
    table = new_table("")
    # the figures keep their width; the subject gets what is left
    table.add_column("Commit", no_wrap=True, min_width=8)
    table.add_column("Date", no_wrap=True, min_width=10)
    table.add_column("Plan P50", justify="right", no_wrap=True, min_width=10)
    table.add_column("Plan P80", justify="right", no_wrap=True, min_width=10)
    table.add_column("P(success)", justify="right", no_wrap=True, min_width=7)
    table.add_column("Subject", overflow="ellipsis", no_wrap=True, max_width=50)
    for p in history.points:
        table.add_row(
            p.short + ("" if p.cached else "*"),
            p.date.isoformat(),
            fmt_date(p.p50),
            fmt_date(p.p80),
            f"{100 * p.p_success:.0f}%",
            p.subject,
        )
    table.caption = "* simulated now; the others came from the cache (.roadmap-cache/)"
    table.caption_justify = "left"
    return table


def milestone_table(history: History) -> Table | None:
    """Every milestone's P50 .. P80 at every commit (None: the plan has no milestones)."""
    ids = history.milestone_ids()
    if not ids:
        return None
    table = new_table("Milestones: P50 .. P80 at every commit")
    table.add_column("Commit", no_wrap=True)
    for k, mid in enumerate(ids):
        table.add_column(f"{LETTERS[k % 26]} {mid}", justify="right")
    for p in history.points:
        found = {m.id: m for m in p.milestones}
        cells = [
            "-" if (m := found.get(mid)) is None else f"{fmt_date(m.p50)} .. {fmt_date(m.p80)}"
            for mid in ids
        ]
        table.add_row(p.short, *cells)
    return table


def slip_chart(history: History, width: int = 56) -> Text:
    """One row per commit, forecast dates across: a milestone's letter drifting right from
    row to row is a slip. Uppercase: P80, lowercase: P50, `*` the plan's P80, `|` the
    commit's own date (a forecast at `|` is due that day)."""
    text = Text("Milestone trend (slip chart)\n", style="bold")
    ids = history.milestone_ids()
    dates: list[date] = []
    for p in history.points:
        dates += [d for d in (p.p50, p.p80) if d is not None]
        for m in p.milestones:
            dates += [d for d in (m.p50, m.p80) if d is not None]
    if not dates:
        text.append("  nothing to chart: no forecast gave a date\n")
        return text
    lo, hi = min(dates), max(dates)
    span = max((hi - lo).days, 1)

    def col(d: date) -> int:
        return round((d - lo).days / span * (width - 1))

    for p in history.points:
        row = [" "] * width
        if lo <= p.date <= hi:
            row[col(p.date)] = "|"
        if p.p80 is not None:
            row[col(p.p80)] = "*"
        for k, mid in enumerate(ids):
            m = next((m for m in p.milestones if m.id == mid), None)
            if m is None:
                continue
            letter = LETTERS[k % 26]
            if m.p50 is not None:
                row[col(m.p50)] = letter.lower()
            if m.p80 is not None:
                row[col(m.p80)] = letter
        text.append(f"  {p.short} {p.date.isoformat()} ")
        text.append("".join(row) + "\n", style="cyan")
    text.append(f"  {'':18}{lo.isoformat()}{hi.isoformat():>{width - 10}}\n")
    legend = ", ".join(f"{LETTERS[k % 26]} {mid}" for k, mid in enumerate(ids))
    text.append(
        f"  {legend + '; ' if legend else ''}uppercase P80, lowercase P50, * plan P80, "
        "| commit date\n"
    )
    return text


def render_history(history: History, console: Console) -> None:
    console.print(
        Text(
            f"Forecast at every commit of {history.path} "
            f"({history.runs:,} runs, seed {history.seed} for all)",
            style="bold",
        )
    )
    console.print(history_table(history))
    milestones = milestone_table(history)
    if milestones is not None:
        console.print(milestones)
    console.print(slip_chart(history))
    console.print(Text(history.accuracy.sentence(), style="bold"))
    for note in history.notes:
        console.print(f"note: {note}", style="yellow")
