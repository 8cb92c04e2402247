"""Rich rendering of a ranking for `roadmap prioritize`: the table, the score bars, --explain.

A face helper: no scoring happens here, only layout and colour (rich ships with textual but
importing it does not import textual). Plan text goes to rich as Text, never as markup (a
title "[link=...]" stays those characters), with control characters replaced (model.text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.table import Table
from rich.text import Text

from roadmap_tui.model.text import clean
from roadmap_tui.priority import Explanation, RankedItem, Ranking, ValueCurve, bar_segments

if TYPE_CHECKING:
    from roadmap_tui.forecast.engine import ForecastFigures
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


def days_text(days: float) -> str:
    return f"{days:.1f}"


def per_day_text(item: RankedItem) -> str:
    """Value per working day of the set the item goes with; '-' when it takes no time."""
    return "-" if item.per_day is None else f"{item.per_day:.1f}"


def with_text(item: RankedItem) -> str:
    """The other items it is scheduled with, e.g. 'intent-model and eval-set'; '' alone."""
    return item.with_label()


#: Rows `roadmap prioritize` prints unless asked for all (`--all`): a PM decides from the top,
#: and rich lays out a table row by row (5,000 rows take seconds). --json is always complete.
DEFAULT_ROWS = 50

#: Columns that step aside, in this order, when the console is too narrow for all of them.
OPTIONAL_COLUMNS = ("with", "days", "score by factor")


def _layout(
    items: list[RankedItem], width: int | None
) -> tuple[list[str], dict[str, int], int | None, int | None]:
    """The columns shown, the widths of the fixed ones, and the room of title and `with`."""
    cells: dict[str, list[str]] = {
        "rank": [r.rank_label for r in items],
        "id": [r.id for r in items],
        "score": [f"{r.score:.1f}" for r in items],
        "days": [days_text(r.days) for r in items],
        "per day": [per_day_text(r) for r in items],
        "score by factor": ["x" * BAR_WIDTH],
        "ready": ["yes", "no"],
    }
    fixed = {name: max(len(name), *(len(c) for c in col)) for name, col in cells.items()}
    shown = ["rank", "id", "title", "score", "days", "per day", "with", "score by factor", "ready"]

    def overflow(cols: list[str]) -> int:
        """Cells missing when the elastic columns are at their narrowest (8 each)."""
        need = sum(fixed.get(c, 8) for c in cols) + 3 * len(cols) - 1
        return 0 if width is None else need - width

    for optional in OPTIONAL_COLUMNS:
        if overflow(shown) <= 0:
            break
        shown.remove(optional)
    room = None
    if width is not None:
        elastic = [c for c in shown if c not in fixed]
        room = width - sum(fixed[c] for c in shown if c in fixed) - 3 * len(shown) + 1
        room = max(room, 8 * len(elastic))
    title_room = None if room is None else (room * 3 // 5 if "with" in shown else room)
    with_room = None if room is None or title_room is None else max(room - title_room, 8)
    return shown, fixed, title_room, with_room


def ranking_table(items: list[RankedItem], title: str, width: int | None = None) -> Table:
    """Rank with its range (`3 (2-5)`), id, title, score, days, value per day of the set it
    goes with, that set, the bar and whether it can start now.

    One line per item: given the console `width`, the title and `with` give way (ellipsis),
    and on a narrow console `with`, then the days, then the bar step aside.
    """
    shown, _, title_room, with_room = _layout(items, width)
    table = Table(title=plain(title, "table.title"), box=box.SIMPLE_HEAD, pad_edge=False)
    specs = {
        "rank": {"justify": "right"},
        "title": {"overflow": "ellipsis", "max_width": title_room},
        "score": {"justify": "right"},
        "days": {"justify": "right"},
        "per day": {"justify": "right"},
        "with": {"overflow": "ellipsis", "max_width": with_room},
        "score by factor": {"min_width": BAR_WIDTH},
    }
    for name in shown:
        table.add_column(name, no_wrap=True, **specs.get(name, {}))  # type: ignore[arg-type]
    for r in items:
        row = {
            "rank": r.rank_label,
            "id": plain(r.id),
            "title": plain(r.title),
            "score": f"{r.score:.1f}",
            "days": days_text(r.days),
            "per day": per_day_text(r),
            "with": plain(with_text(r)),
            "score by factor": score_bar(r),
            "ready": "yes" if r.ready else "no",
        }
        table.add_row(*(row[name] for name in shown))
    return table


#: Above this many rows the table is drawn line by line (`fast_table`): rich lays out a Table
#: cell by cell, about a millisecond a row, which is seconds for `--all` on a large plan.
FAST_ROWS = 200
_RIGHT = {"rank", "score", "days", "per day"}


def fast_table(items: list[RankedItem], title: str, width: int | None = None) -> Text | None:
    """The ranking table as plain lines with the same columns, widths and ellipses as
    `ranking_table`, but no per-cell layout: what `roadmap prioritize --all` prints for a
    large plan, in a tenth of the time. None when the console is too narrow even for the
    narrowest columns (rich squeezes them further; the caller falls back to it)."""
    shown, fixed, title_room, with_room = _layout(items, width)
    rows = [
        {
            "rank": r.rank_label,
            "id": clean(r.id),
            "title": clean(r.title),
            "score": f"{r.score:.1f}",
            "days": days_text(r.days),
            "per day": per_day_text(r),
            "with": clean(with_text(r)),
            "ready": "yes" if r.ready else "no",
        }
        for r in items
    ]
    widths = {name: fixed.get(name, 0) for name in shown}
    widths["id"] = max(len("id"), *(cell_len(row["id"]) for row in rows))
    for name, room in (("title", title_room), ("with", with_room)):
        if name in shown:
            longest = max(len(name), *(cell_len(row[name]) for row in rows))
            widths[name] = longest if room is None else min(longest, room)

    def fit(name: str, cell: str) -> str:
        w = widths[name]
        if cell_len(cell) > w:
            cell = set_cell_size(cell, w - 1) + "…"
        pad = " " * (w - cell_len(cell))
        return pad + cell if name in _RIGHT else cell + pad

    total = sum(widths.values()) + 3 * (len(shown) - 1) + 2  # a blank edge on each side
    if width is not None and total > width:
        return None
    out = Text()
    head = set_cell_size(clean(title), total).strip()
    out.append(" " * ((total - cell_len(head)) // 2) + head, style="table.title")
    out.append("\n\n ")
    out.append("   ".join(fit(name, name) for name in shown), style="table.header")
    out.append("\n " + "─" * (total - 2))
    for r, row in zip(items, rows, strict=True):
        out.append("\n ")
        for k, name in enumerate(shown):
            if k:
                out.append("   ")
            if name == "score by factor":
                bar = score_bar(r)
                out.append_text(bar)
                out.append(" " * (widths[name] - bar.cell_len))
            else:
                out.append(fit(name, row[name]))
    out.append("\n")  # the table's blank bottom edge
    return out


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
    plan_name: str,
    ranking: Ranking,
    forecast: ForecastResult | ForecastFigures,
    scenario: str | None,
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
    limit: int | None = DEFAULT_ROWS,
) -> None:
    """Print the ranking (or one item's explanation) the way `roadmap prioritize` shows it:
    the first `limit` rows (None: all), with a line saying how many were left out."""
    if explanation is not None:
        console.print(explain_table(explanation, heading))
        for note in explanation.notes:
            console.print(plain(note))
        console.print(plain(explanation.sentence))
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
    total = len(items)
    if limit is not None and total > limit:
        items = items[:limit]
    fast = fast_table(items, title, console.width) if len(items) > FAST_ROWS else None
    if fast is not None:
        console.print(fast, no_wrap=True, crop=False)
        shown = _layout(items, console.width)[0]
    else:
        table = ranking_table(items, title, console.width)
        console.print(table)
        shown = [str(column.header) for column in table.columns]
    if len(items) < total:
        console.print(f"showing {len(items):,} of {total:,} items; --all for every item")
    if "score by factor" in shown:
        console.print(bar_legend())
    if ranking.curve.total > 0:
        console.print(value_chart(ranking.curve))
        console.print(ranking.curve.headline() + ".")
