"""View 5: the ranking, each score a bar split by factor; the weights are edited in place and
the ranking re-orders as you type."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Select, Static

from roadmap_tui.console.priority import (
    bar_legend,
    days_text,
    per_day_text,
    score_bar,
    value_chart,
    with_text,
)
from roadmap_tui.model.types import FACTORS, METHODS
from roadmap_tui.priority import WeightError, resolve_weights
from roadmap_tui.tui.actions import bindings_for
from roadmap_tui.tui.messages import ItemSelected, WeightsChanged
from roadmap_tui.tui.views import Shown, View
from roadmap_tui.tui.widgets.fit_table import Column, FitTable

#: The ranking beside the weights: on a narrow terminal `with`, the days, the bar, the title,
#: then `ready` step aside (the lines under the table tell them for the selected item).
COLUMNS: tuple[Column, ...] = (
    Column("rank", "rank"),
    Column("id", "id"),
    Column("title", "title", elastic=True, min_width=10, drop=2),
    Column("score", "score"),
    Column("days", "days", drop=4),
    Column("per_day", "per day"),
    Column("with", "with", elastic=True, min_width=8, drop=5),
    Column("bar", "score by factor", drop=3),
    Column("ready", "ready", drop=1),
)
#: Cells of the value-over-time chart under the ranking.
CHART_WIDTH = 24


class RankTable(FitTable):
    BINDINGS = bindings_for("items")


class WeightInput(Input):
    """A weight box: escape gives the keys back to the ranking (and so to the app)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Done", id="roadmap.weight-leave")
    ]

    def action_leave(self) -> None:
        self.screen.set_focus(self.screen.query_one(RankTable))


class PrioritiesView(View):
    _syncing = True  # until the first snapshot fills the weights in

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="ranking-pane"):
                yield RankTable(COLUMNS, id="ranking-table", cursor_type="row", zebra_stripes=True)
                yield Static(bar_legend(), id="ranking-legend")
                yield Static("", id="ranking-chart")
                yield Static("", id="ranking-explain")
            with Vertical(id="weights-pane"):
                yield Label("Weights", classes="dialog-title")
                yield Select(
                    [(m, m) for m in METHODS],
                    value="weighted",
                    allow_blank=False,
                    id="weight-method",
                    compact=True,
                )
                for name in FACTORS:
                    with Horizontal(classes="weight-row"):
                        yield Label(name, classes="weight-label")
                        yield WeightInput(
                            "", id=f"weight-{name}", classes="weight-input", compact=True
                        )
                yield Label("", id="weights-error", classes="editor-error", markup=False)
                yield Static("", id="weights-note")

    def show(self, shown: Shown) -> None:
        self.show_weights(shown)
        table = self.query_one(RankTable)
        ranking = shown.ranking
        with self.app.batch_update(), table.prevent(DataTable.RowHighlighted):
            table.set_rows(
                [
                    (
                        ranked.id,
                        {
                            "rank": ranked.rank_label,
                            "id": ranked.id,
                            "title": ranked.title,
                            "score": f"{ranked.score:.1f}",
                            "days": days_text(ranked.days),
                            "per_day": per_day_text(ranked),
                            "with": with_text(ranked),
                            "bar": score_bar(ranked),
                            "ready": "yes" if ranked.ready else "",
                        },
                    )
                    for ranked in (ranking.items if ranking is not None else [])
                ]
            )
        chart = self.query_one("#ranking-chart", Static)
        chart.update(
            value_chart(ranking.curve, CHART_WIDTH)
            if ranking is not None and ranking.curve.total > 0
            else ""
        )
        self.select(shown)

    def show_weights(self, shown: Shown) -> None:
        """The plan's weights, except in a box being typed in (never overwrite typing)."""
        config = shown.plan.priority
        boxes = [self.query_one(f"#weight-{name}", Input) for name in FACTORS]
        if any(box.has_focus for box in boxes):
            return
        self._syncing = True
        self.query_one("#weights-error", Label).update("")
        from roadmap_tui.forecast.capacity import uses_capacity

        note = self.query_one("#weights-note", Static)
        moves = shown.plan.queue == "priority" and uses_capacity(shown.plan)
        note.update("Teams take work in this order: a weight change can move dates.")
        note.display = moves
        with self.prevent(Input.Changed, Select.Changed):
            method = self.query_one("#weight-method", Select)
            if method.value != config.method:
                method.value = config.method
            for name, box in zip(FACTORS, boxes, strict=True):
                text = f"{config.weights.get(name, 0):g}"
                if box.value != text:
                    box.value = text
        self.call_after_refresh(setattr, self, "_syncing", False)

    def select(self, shown: Shown) -> None:
        table = self.query_one(RankTable)
        ranking = shown.ranking
        explain = self.query_one("#ranking-explain", Static)
        ids = [r.id for r in ranking.items] if ranking is not None else []
        if ranking is None or shown.selected not in ids:
            why = ranking.unranked.get(shown.selected or "") if ranking is not None else None
            explain.update(
                Text(f"{shown.selected} is {why}: done and dropped items are not ranked")
                if why
                else ""
            )
            return
        index = ids.index(shown.selected)
        if table.cursor_row != index:
            with table.prevent(DataTable.RowHighlighted):
                table.move_cursor(row=index, animate=False)
        ex = ranking.explain(shown.selected or "")
        parts = [f"{row[0]} {row[4]}" for row in ex.rows if row[3] != "0"]
        line = Text.assemble(
            (f"{shown.selected}", "bold"),
            f" {ex.item.score:.1f} = " + " + ".join(parts) + "\n" + ex.sentence,
        )
        explain.update(line)

    def read_weights(self) -> dict[str, float] | str:
        """The boxes as weights, checked by the priority model itself; a message if refused."""
        weights = {}
        for name in FACTORS:
            text = self.query_one(f"#weight-{name}", Input).value.strip()
            try:
                weights[name] = float(text)
            except ValueError:
                return f"weight {name}: expected a number >= 0, found {text!r}"
        try:
            return resolve_weights(weights)
        except WeightError as error:
            return str(error)

    @on(Input.Changed, ".weight-input")
    @on(Select.Changed, "#weight-method")
    def _weights(self) -> None:
        if self._syncing:
            return
        weights = self.read_weights()
        error = self.query_one("#weights-error", Label)
        if isinstance(weights, str):
            error.update(weights)
            return
        error.update("")
        method = str(self.query_one("#weight-method", Select).value)
        self.post_message(WeightsChanged(weights, method))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.post_message(ItemSelected(str(event.row_key.value)))
