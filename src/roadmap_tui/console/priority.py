"""Rich rendering of a ranking for `roadmap prioritize`: the table, the score bars, --explain.

A face helper: no scoring happens here, only layout and colour (rich ships with textual but
importing it does not import textual). Plan text goes to rich as Text, never as markup (a
title "[link=...]" stays those characters), with control characters replaced (model.text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from roadmap_tui.model.text import clean
from roadmap_tui.priority import INHERITED, Explanation, RankedItem, Ranking, bar_segments

if TYPE_CHECKING:
    from roadmap_tui.forecast.result import ForecastResult

#: One colour per factor in the score bar; `inherited` is the lift a blocker gets.
FACTOR_STYLES: dict[str, str] = {
    "impact": "magenta",
    "data": "cyan",
    "readiness": "green",
    "confidence": "blue",
    "urgency": "red",
    "unblocks": "yellow",
    "ease": "bright_white",
    INHERITED: "grey50",
}
BAR_WIDTH = 16


def plain(text: str, style: str = "") -> Text:
    """Plan text for rich: never read as markup, control characters made visible."""
    return Text(clean(text), style=style)


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


def ranking_table(items: list[RankedItem], title: str, width: int | None = None) -> Table:
    """Rank with its range (`3 (2-5)`), id, title, score, the bar and whether it can start now.

    One line per item: given the console `width`, only the title gives way (with an ellipsis).
    """
    table = Table(title=plain(title, "table.title"), box=box.SIMPLE_HEAD, pad_edge=False)
    headers = ("rank", "id", "score", "score by factor", "ready")
    fixed = [
        max([len(headers[0]), *(len(r.rank_label) for r in items)]),
        max([len(headers[1]), *(len(r.id) for r in items)]),
        len("100.0"),
        max(len(headers[3]), BAR_WIDTH),
        len(headers[4]),
    ]
    # 1 cell of padding either side of the 5 inner rules (one cell each), plus the 2 edges
    room = None if width is None else max(width - sum(fixed) - 2 * 5 - 5 - 2, 8)
    table.add_column("rank", justify="right", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=room)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("score by factor", no_wrap=True, min_width=BAR_WIDTH)
    table.add_column("ready", no_wrap=True)
    for r in items:
        table.add_row(
            r.rank_label,
            r.id,
            plain(r.title),
            f"{r.score:.1f}",
            score_bar(r),
            "yes" if r.ready else "no",
        )
    return table


def explain_table(explanation: Explanation, title: str) -> Table:
    item = explanation.item
    state = "ready" if item.ready else "waiting on dependencies"
    table = Table(
        title=Text.assemble(
            plain(title),
            "\n",
            plain(f"{item.id} ({item.title}): rank {item.rank_label}, "),
            f"score {item.score:.1f}, {state}",
            style="table.title",
        ),
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
        table.add_row(*(plain(cell) for cell in row), style=FACTOR_STYLES.get(row[0]))
    return table


def ranking_heading(
    plan_name: str, ranking: Ranking, forecast: ForecastResult, scenario: str | None
) -> str:
    """What the ranking rests on: method, inheritance and the forecast's runs, seed, scenario."""
    return (
        f"{plan_name}: {ranking.method}, inherit {'on' if ranking.inherit else 'off'}, "
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
            console.print(plain(note))
        return
    items = ranking.ready_items() if ready_only else ranking.items
    if not items:
        why = (
            "No open item can start today: each waits on unfinished work."
            if ranking.items
            else "No open items: done and dropped items are not ranked."
        )
        console.print(plain(heading) + Text(f"\n{why}"))
        return
    title = heading + (" (ready items only)" if ready_only else "")
    console.print(ranking_table(items, title, console.width))
    console.print(bar_legend())
