"""View 6: the risks, editable, with the items each one delays."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from roadmap_tui.tui.actions import bindings_for
from roadmap_tui.tui.messages import RiskSelected
from roadmap_tui.tui.views import Shown, View, fmt_estimate
from roadmap_tui.tui.widgets.fit_table import Column, FitTable

#: What a risk is, how likely, how bad and what it hits, all on one row even at 80 columns:
#: the title and the list of items share what room is left.
COLUMNS: tuple[Column, ...] = (
    Column("id", "id"),
    Column("title", "title", elastic=True, min_width=14),
    Column("probability", "chance"),
    Column("delay", "delay"),
    Column("affects", "affects", elastic=True, min_width=12),
)


class RiskTable(FitTable):
    BINDINGS = bindings_for("risks")


class RisksView(View):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: Shown | None = None

    def compose(self) -> ComposeResult:
        yield RiskTable(COLUMNS, id="risks-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="risk-detail")

    def show(self, shown: Shown) -> None:
        self._shown = shown
        table = self.query_one(RiskTable)
        with self.app.batch_update(), table.prevent(DataTable.RowHighlighted):
            table.set_rows(
                [
                    (
                        risk.id,
                        {
                            "id": risk.id,
                            "title": shown.marked(risk.title, "risks", risk.id, "title"),
                            "probability": shown.marked(
                                f"{risk.probability:.0%}", "risks", risk.id, "probability"
                            ),
                            "delay": shown.marked(
                                fmt_estimate(risk.delay), "risks", risk.id, "delay"
                            ),
                            "affects": shown.marked(
                                ", ".join(risk.affects) or "-", "risks", risk.id, "affects"
                            ),
                        },
                    )
                    for risk in shown.plan.risks
                ]
            )
            ids = [r.id for r in shown.plan.risks]
            if shown.selected_risk in ids:
                table.move_cursor(row=ids.index(shown.selected_risk), animate=False)
        self.show_detail()

    def select(self, shown: Shown) -> None:
        """Risks do not follow the item selection."""

    def show_detail(self) -> None:
        detail = self.query_one("#risk-detail", Static)
        shown = self._shown
        if shown is None or not shown.plan.risks:
            detail.update("No risks yet: press a to add one.")
            return
        risk = shown.plan.risk_by_id.get(shown.selected_risk or "", shown.plan.risks[0])
        lines = [
            f"[b]{risk.id}[/b]: {escape(risk.title)}",
            f"happens in {risk.probability:.0%} of futures and then delays every item below by "
            f"the same draw of {fmt_estimate(risk.delay)} working days",
        ]
        if any(key[:2] == ("risks", risk.id) for key in shown.overridden):
            lines.append(f"[magenta]*[/] set by the scenario {escape(shown.scenario or '')}")
        for item_id in risk.affects:
            item = shown.plan.item_by_id.get(item_id)
            lines.append(f"  • {item_id}: {escape(item.title) if item else '(unknown item)'}")
        detail.update("\n".join(lines))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.post_message(RiskSelected(str(event.row_key.value)))
