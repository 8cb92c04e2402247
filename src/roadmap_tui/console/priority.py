"""Rich rendering of a ranking for `roadmap prioritize`: the table, the score bars, --explain.

A face helper: no scoring happens here, only layout and colour (rich ships with textual but
importing it does not import textual).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from roadmap_tui.priority import Explanation, RankedItem, Ranking, ValueCurve, bar_segments

if TYPE_CHECKING:
    from roadmap_tui.forecast.result import ForecastResult

#: One colour per factor in the score bar.
FACTOR_STYLES: dict[str, str] = {
    "impact": "magenta",
    "data": "cyan",
    "readiness": "green",
    "confidence": "blue",
    "urgency": "red",
    "unblocks": "yellow",
    "ease": "bright_white",
}
BAR_WIDTH = 16


def score_bar(item: RankedItem, width: int = BAR_WIDTH) -> Text:
    """The score as a bar of `width` cells (100 fills it), one coloured segment per factor."""
    bar = Text()
    for name, cells in bar_segments(item, width):
        bar.append("█" * cells, style=FACTOR_STYLES[name])
    return bar


def bar_legend() -> Text:
    legend = Text("bar: ")
    for name, style in FACTOR_STYLES.items():
        legend.append("█", style=style)
        legend.append(f" {name}  ")
    return legend


def days_text(days: float) -> str:
    return f"{days:.1f}"


def per_day_text(item: RankedItem) -> str:
    """Value per working day of the set the item goes with; '-' when it takes no time."""
    return "-" if item.per_day is None else f"{item.per_day:.1f}"


def with_text(item: RankedItem) -> str:
    """The other items it is scheduled with, e.g. 'intent-model and eval-set'; '' alone."""
    return item.with_label()


def ranking_table(items: list[RankedItem], title: str, width: int | None = None) -> Table:
    """Rank with its range (`3 (2-5)`), id, title, score, days, value per day of the set it
    goes with, that set, the bar and whether it can start now.

    One line per item: given the console `width`, the title and `with` give way (ellipsis).
    """
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    headers = ("rank", "id", "score", "days", "per day", "score by factor", "ready")
    fixed = [
        max([len(headers[0]), *(len(r.rank_label) for r in items)]),
        max([len(headers[1]), *(len(r.id) for r in items)]),
        len("100.0"),
        max([len(headers[3]), *(len(days_text(r.days)) for r in items)]),
        max([len(headers[4]), *(len(per_day_text(r)) for r in items)]),
        max(len(headers[5]), BAR_WIDTH),
        len(headers[6]),
    ]
    # 1 cell of padding either side of the 8 inner rules (one cell each), plus the 2 edges
    room = None if width is None else max(width - sum(fixed) - 2 * 8 - 8 - 2, 16)
    title_room = None if room is None else max(room * 3 // 5, 8)
    with_room = None if room is None else max(room - title_room, 8)  # type: ignore[operator]
    table.add_column("rank", justify="right", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=title_room)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("days", justify="right", no_wrap=True)
    table.add_column("per day", justify="right", no_wrap=True)
    table.add_column("with", no_wrap=True, overflow="ellipsis", max_width=with_room)
    table.add_column("score by factor", no_wrap=True, min_width=BAR_WIDTH)
    table.add_column("ready", no_wrap=True)
    for r in items:
        table.add_row(
            r.rank_label,
            r.id,
            r.title,
            f"{r.score:.1f}",
            days_text(r.days),
            per_day_text(r),
            with_text(r),
            score_bar(r),
            "yes" if r.ready else "no",
        )
    return table


def value_chart(curve: ValueCurve, width: int = 24) -> Text:
    """Two sparklines of the share of value delivered over the working days the open items
    take, the sequence above score order, each with the day 80% of the value is in."""
    text = Text()
    for k, (order, style) in enumerate((("sequence", "green"), ("score", "grey50"))):
        if k:
            text.append("\n")
        text.append(f"{order:<9}")
        text.append(curve.sparkline(width, order), style=style)
        day = curve.day_for(0.8, order)
        text.append(f" 80% by day {'-' if day is None else round(day)}")
    return text


def explain_table(explanation: Explanation, title: str) -> Table:
    item = explanation.item
    state = "ready" if item.ready else "waiting on dependencies"
    table = Table(
        title=f"{title}\n{item.id} ({item.title}): rank {item.rank_label}, "
        f"score {item.score:.1f}, {state}",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("factor", no_wrap=True)
    table.add_column("raw input", ratio=1)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("weight", justify="right", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("source", no_wrap=True)
    for row in explanation.rows:
        table.add_row(*row, style=FACTOR_STYLES.get(row[0]))
    return table


def ranking_heading(
    plan_name: str, ranking: Ranking, forecast: ForecastResult, scenario: str | None
) -> str:
    """What the ranking rests on: method, order and the forecast's runs, seed, scenario."""
    return (
        f"{plan_name}: {ranking.method}, {ranking.order} order, "
        f"forecast {forecast.runs} runs, seed {forecast.seed}"
        + (f", scenario {scenario}" if scenario else "")
    )


def render_ranking(
    ranking: Ranking,
    console: Console,
    *,
    heading: str,
    ready_only: bool = False,
    explanation: Explanation | None = None,
) -> None:
    """Print the ranking (or one item's explanation) the way `roadmap prioritize` shows it."""
    if explanation is not None:
        console.print(explain_table(explanation, heading))
        for note in explanation.notes:
            console.print(note)
        console.print(explanation.sentence)
        return
    items = ranking.ready_items() if ready_only else ranking.items
    if not items:
        why = (
            "No open item can start today: each waits on unfinished work."
            if ranking.items
            else "No open items: done and dropped items are not ranked."
        )
        console.print(f"{heading}\n{why}")
        return
    title = heading + (" (ready items only)" if ready_only else "")
    console.print(ranking_table(items, title, console.width))
    console.print(bar_legend())
    if ranking.curve.total > 0:
        console.print(value_chart(ranking.curve))
        console.print(ranking.curve.headline() + ".")
