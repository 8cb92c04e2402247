"""View 1: every item in a sortable table, with its forecast and score, and the plan's problems."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from roadmap_tui.model.types import Metric, readiness_name
from roadmap_tui.tui.actions import bindings_for
from roadmap_tui.tui.messages import ItemSelected
from roadmap_tui.tui.views import (
    OVERRIDE_MARK,
    OVERRIDE_STYLE,
    Shown,
    View,
    fmt_date,
    fmt_estimate,
    fmt_pct,
)
from roadmap_tui.tui.widgets.dialogs import OptionDialog
from roadmap_tui.tui.widgets.fit_table import Column, FitTable
from roadmap_tui.vocabulary import plural

#: Table order: who and what first, then the figures. On a narrow terminal the columns with
#: the highest `drop` step aside first; the detail panel shows them for the selected item.
COLUMNS: tuple[Column, ...] = (
    Column("flag", " "),
    Column("id", "id"),
    Column("title", "title", elastic=True, min_width=16),
    Column("status", "status", drop=2),
    Column("kind", "kind", drop=5),
    Column("estimate", "estimate", drop=3),
    Column("p50", "P50", drop=1),
    Column("p80", "P80"),  # the date a PM needs most: never steps aside
    Column("p_success", "P(success)", drop=2),
    Column("criticality", "crit", drop=4),
    Column("score", "score"),
)
SORTABLE = [c.key for c in COLUMNS if c.key != "flag"]


def metric_text(metric: Metric) -> str:
    """`metric F1 0.78 → 0.85 (92% of target)`: where the item's metric is, and how far."""
    now = "?" if metric.current is None else f"{metric.current:g}"
    if metric.target is None:
        return f"metric {metric.name} {now}"
    progress = metric.progress
    how_far = "" if progress is None else f" ({progress:.0%} of target)"
    return f"metric {metric.name} {now} → {metric.target:g}{how_far}"


def _sort_value(value: Any) -> tuple[int, Any]:
    """None (never / unknown) sorts last whatever the type of the column."""
    return (1, 0) if value is None else (0, value)


class ItemTable(FitTable):
    BINDINGS = bindings_for("items")


class ItemsView(View):
    """Rows keyed by item id; selection follows the app's selected item."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sort_key = "file"
        self.sort_reverse = False
        self._shown: Shown | None = None

    def compose(self) -> ComposeResult:
        yield ItemTable(COLUMNS, id="items-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="item-detail")
        yield Static("", id="problems", classes="problems")

    def show(self, shown: Shown) -> None:
        self._shown = shown
        table = self.query_one(ItemTable)
        forecast = shown.forecast
        scores = {r.id: r.score for r in shown.ranking.items} if shown.ranking else {}
        flagged = {p.keys[1] for p in shown.problems if len(p.keys) > 1 and p.keys[0] == "items"}
        rows = []
        for position, item in enumerate(shown.plan.items):
            if item.id in shown.hidden:
                continue
            f = forecast.items.get(item.id) if forecast is not None else None
            data = {
                "file": position,
                "id": item.id,
                "title": item.title,
                "kind": item.kind,
                "status": item.status,
                "estimate": item.duration.mean if item.estimate or item.remaining else 0.0,
                "p50": f.finish.p50 if f else None,
                "p80": f.finish.p80 if f else None,
                "p_success": f.p_success if f else None,
                "criticality": f.criticality if f else None,
                "score": scores.get(item.id),
            }
            stale = "dim" if shown.stale else ""
            doing = item.status == "doing"
            cells = {
                "flag": Text("!", style="bold red") if item.id in flagged else Text(" "),
                "id": Text(item.id, style="bold" if f and f.criticality >= 0.5 else ""),
                "title": shown.marked(item.title, "items", item.id, "title"),
                "kind": shown.marked(item.kind, "items", item.id, "kind"),
                "status": shown.marked(item.status, "items", item.id, "status"),
                "estimate": shown.marked(
                    fmt_estimate(item.remaining if doing else item.estimate),
                    "items",
                    item.id,
                    "remaining" if doing else "estimate",
                ),
                "p50": Text(fmt_date(f.finish.p50) if f else "-", style=stale),
                "p80": Text(fmt_date(f.finish.p80) if f else "-", style=stale),
                "p_success": Text(fmt_pct(f.p_success) if f else "-", style=stale),
                "criticality": Text(fmt_pct(f.criticality) if f else "-", style=stale),
                "score": Text(f"{scores[item.id]:.0f}" if item.id in scores else "-", style=stale),
            }
            rows.append((item.id, cells, data))
        rows.sort(key=lambda row: _sort_value(row[2][self.sort_key]), reverse=self.sort_reverse)
        if self.sort_reverse:  # keep "never" last when sorting descending too
            rows.sort(key=lambda row: row[2][self.sort_key] is None)
        with self.app.batch_update(), table.prevent(DataTable.RowHighlighted):
            for column in COLUMNS:  # the sort column says so
                arrow = (" ▼" if self.sort_reverse else " ▲") if column.key == self.sort_key else ""
                table.headers[column.key] = column.header + arrow
            table.set_rows([(item_id, cells) for item_id, cells, _ in rows])
            if shown.selected is not None and shown.selected in table.rows:
                index = table.get_row_index(shown.selected)
                if table.cursor_row != index:
                    table.move_cursor(row=index, animate=False)
        self.show_detail(shown)
        self.show_problems(shown)

    def select(self, shown: Shown) -> None:
        self._shown = shown
        table = self.query_one(ItemTable)
        if shown.selected is not None and shown.selected in table.rows:
            index = table.get_row_index(shown.selected)
            if table.cursor_row != index:
                with table.prevent(DataTable.RowHighlighted):
                    table.move_cursor(row=index, animate=False)
        self.show_detail(shown)

    def show_detail(self, shown: Shown) -> None:
        """The selected item in words: what the narrow table leaves off to the right."""
        detail = self.query_one("#item-detail", Static)
        if shown.selected not in shown.plan.item_by_id:
            detail.update("No items yet: press a to add one.")
            return
        item = shown.plan.item(shown.selected or "")
        f = shown.forecast.items.get(item.id) if shown.forecast else None
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{item.id}", style="bold")
        text.append(": ")
        text.append(shown.marked(item.title, "items", item.id, "title"))
        text.append("\n")
        doing = item.status == "doing"
        # the dates first (P80 above all), so a narrow terminal never cuts them off
        figures: list[Text | str] = []
        if f is not None:
            figures += [
                f"P80 {fmt_date(f.finish.p80)}",
                f"P50 {fmt_date(f.finish.p50)}",
                f"P(success) {fmt_pct(f.p_success)}",
            ]
        field = "remaining" if doing else "estimate"
        sized = not doing and item.estimate is not None and item.estimate.size
        size = f" ({item.estimate.size})" if sized else ""  # type: ignore[union-attr]
        figures.append(
            shown.marked(
                f"{field} {fmt_estimate(getattr(item, field))}{size}", "items", item.id, field
            )
        )
        if f is not None:
            figures.append(f"critical {fmt_pct(f.criticality)}")
        ranked = (
            next((r for r in shown.ranking.items if r.id == item.id), None)
            if shown.ranking
            else None
        )
        if ranked is not None:
            figures.append(f"score {ranked.score:.0f} (rank {ranked.rank_label})")
        line = Text(" · ").join(Text(x) if isinstance(x, str) else x for x in figures)
        if shown.stale:
            line.stylize("dim")
        text.append(line)
        text.append("\n")

        def part(label: str, field: str) -> Text:
            return shown.marked(label, "items", item.id, field, style="dim")

        parts = [part(item.kind, "kind"), part(item.status, "status")]
        parts.append(part(f"readiness {readiness_name(item.readiness)}", "readiness"))
        parts += [part(f"data {item.data:.0%}", "data"), part(f"impact {item.impact:g}", "impact")]
        if item.kind == "experiment":
            parts.append(part(f"p_success {item.p_success:g} x{item.max_attempts}", "p_success"))
        if item.target is not None:
            on_time = f" (P on time {fmt_pct(f.p_on_time)})" if f is not None else ""
            parts.append(part(f"target {item.target}", "target") + Text(on_time, style="dim"))
        if item.owner:
            parts.append(part(f"owner {item.owner}", "owner"))
        if item.link:
            parts.append(part(f"link {item.link} (o opens it)", "link"))
        text.append(Text(" · ", style="dim").join(parts))
        last: list[Text] = []
        if item.metric is not None:
            last.append(shown.marked(metric_text(item.metric), "items", item.id, "metric"))
        if any(key[:2] == ("items", item.id) for key in shown.overridden):
            note = f"{OVERRIDE_MARK} set by the scenario {shown.scenario}"
            last.append(Text(note, style=OVERRIDE_STYLE))
        if last:
            text.append("\n")
            text.append(Text(" · ").join(last))
        detail.update(text)

    def show_problems(self, shown: Shown) -> None:
        panel = self.query_one("#problems", Static)
        if not shown.problems:
            panel.display = False
            return
        panel.display = True
        lines = [f"[b red]{plural(len(shown.problems), 'problem')}[/]"]
        lines += [f"  {escape(p.message)}" for p in shown.problems[:6]]
        panel.update("\n".join(lines))

    def pick_sort(self) -> None:
        """`s` asks for the column to sort by; the column sorted by now flips its order."""
        current = "▼" if self.sort_reverse else "▲"
        options = [("file", "file order")] + [
            (c.key, f"{c.header} {current}" if c.key == self.sort_key else c.header)
            for c in COLUMNS
            if c.key in SORTABLE
        ]

        def done(key: str | None) -> None:
            if key is not None:
                self.sort_by(key)

        self.app.push_screen(OptionDialog("Sort the items by", options, self.sort_key), done)

    def sort_by(self, key: str) -> None:
        self.sort_reverse = not self.sort_reverse if key == self.sort_key else False
        self.sort_key = key
        header = next((c.header for c in COLUMNS if c.key == key), "file order")
        way = " (descending)" if self.sort_reverse else ""
        self.app.notify(f"Sorted by {header}{way}", timeout=1.5, markup=False)
        if self._shown is not None:
            self.show(self._shown)

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == "flag":
            return
        if key == self.sort_key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_key, self.sort_reverse = key, False
        if self._shown is not None:
            self.show(self._shown)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.post_message(ItemSelected(str(event.row_key.value)))
