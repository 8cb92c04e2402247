"""View 6: the risks, editable, ranked by what each costs the plan, with the items it delays;
beside them the teams, each with its load over time and its capacity, editable in place (+ / -)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from roadmap_tui.forecast.result import TeamForecast
from roadmap_tui.model.types import Risk
from roadmap_tui.report.answers import effect_cells, effect_sentence
from roadmap_tui.report.common import capacity_text
from roadmap_tui.tui.actions import bindings_for
from roadmap_tui.tui.messages import RiskSelected, TeamSelected
from roadmap_tui.tui.views import Shown, View, fmt_estimate, fmt_working_days
from roadmap_tui.tui.widgets.fit_table import Column, FitTable
from roadmap_tui.vocabulary import plural

#: What a risk is, how likely, how bad and what it hits, all on one row even at 80 columns:
#: the title and the list of items share what room is left.
COLUMNS: tuple[Column, ...] = (
    Column("id", "id"),
    Column("title", "title", elastic=True, min_width=14),
    Column("probability", "chance"),
    Column("delay", "delay"),
    Column("effect", "P80 shift"),
    Column("affects", "affects", elastic=True, min_width=12),
)


def ranked(shown: Shown) -> list[Risk]:
    """The plan's risks, largest effect first once measured (new risks last, in file order)."""
    if shown.risk_effects is None:
        return list(shown.plan.risks)
    order = {e.id: k for k, e in enumerate(shown.risk_effects.effects)}
    return sorted(shown.plan.risks, key=lambda r: order.get(r.id, len(order)))


def effect_cell(shown: Shown, risk_id: str) -> str:
    """How much later the plan's P80 is because of the risk (`…` until it is measured)."""
    effect = shown.risk_effects.get(risk_id) if shown.risk_effects else None
    return "…" if effect is None else effect_cells(effect)[0].split(" ±")[0]


TEAM_COLUMNS: tuple[Column, ...] = (
    Column("id", "team"),
    Column("title", "title", elastic=True, min_width=10),
    Column("capacity", "capacity"),
    Column("utilisation", "used", drop=1),
    Column("queue", "peak queue", drop=2),
)
_BLOCKS = " ▁▂▃▄▅▆▇█"


class RiskTable(FitTable):
    BINDINGS = bindings_for("risks")


class TeamTable(FitTable):
    BINDINGS = bindings_for("teams")


def load_lines(team: TeamForecast, start: Any, width: int) -> list[str]:
    """The team's busy units per week in the median run, one column per week (merged
    when they do not fit), against its capacity: a full column is a week at capacity."""
    load = list(team.load)
    caps = list(team.load_capacity)
    if not load:
        return ["no work for this team in the median run"]
    group = max(1, -(-len(load) // max(width, 1)))
    cols = [
        (max(load[k : k + group]), max(caps[k : k + group] or [0]))
        for k in range(0, len(load), group)
    ]
    top = max(max(c for _, c in cols), max(b for b, _ in cols), 1)
    rows = []
    for level in (2, 1, 0):  # three text rows of eight steps each
        line = ""
        for busy, _ in cols:
            fill = busy / top * 24 - level * 8
            line += _BLOCKS[int(min(max(round(fill), 0), 8))]
        rows.append(line)
    full = "".join("▀" if busy >= cap > 0 else " " for busy, cap in cols)
    label = "week" if group == 1 else f"{group} weeks"
    return [
        f"{top:g} ┤" + rows[0],
        "  │" + rows[1],
        "0 ┤" + rows[2],
        "  └" + full,
        f"  one column per {label} from {start}; ▀ at capacity (median run)",
    ]


class RisksView(View):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: Shown | None = None

    def compose(self) -> ComposeResult:
        yield RiskTable(COLUMNS, id="risks-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="risk-detail")
        yield TeamTable(TEAM_COLUMNS, id="teams-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="team-detail")

    def show(self, shown: Shown) -> None:
        self._shown = shown
        table = self.query_one(RiskTable)
        risks = ranked(shown)
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
                            "effect": effect_cell(shown, risk.id),
                            "affects": shown.marked(
                                ", ".join(risk.affects) or "-", "risks", risk.id, "affects"
                            ),
                        },
                    )
                    for risk in risks
                ]
            )
            ids = [r.id for r in risks]
            if shown.selected_risk in ids:
                table.move_cursor(row=ids.index(shown.selected_risk), animate=False)
        self.show_detail()
        self.show_teams(shown)

    def show_teams(self, shown: Shown) -> None:
        table = self.query_one(TeamTable)
        table.display = bool(shown.plan.teams)
        self.set_class(bool(shown.plan.teams), "-with-teams")
        detail = self.query_one("#team-detail", Static)
        detail.display = bool(shown.plan.teams)
        figures = shown.forecast.teams if shown.forecast is not None else {}
        with self.app.batch_update(), table.prevent(DataTable.RowHighlighted):
            rows = []
            for team in shown.plan.teams:
                f = figures.get(team.id)
                rows.append(
                    (
                        team.id,
                        {
                            "id": team.id,
                            "title": shown.marked(team.title, "teams", team.id, "title"),
                            "capacity": shown.marked(
                                capacity_text(team.capacity), "teams", team.id, "capacity"
                            ),
                            "utilisation": "-" if f is None else f"{f.utilisation:.0%}",
                            "queue": "-" if f is None else str(f.peak_queue),
                        },
                    )
                )
            table.set_rows(rows)
            ids = [t.id for t in shown.plan.teams]
            if shown.selected_team in ids:
                table.move_cursor(row=ids.index(shown.selected_team), animate=False)
        if not shown.plan.teams:
            return
        team = shown.plan.team_by_id.get(shown.selected_team or "", shown.plan.teams[0])
        f = figures.get(team.id)
        users = [i.id for i in shown.plan.items if i.team == team.id]
        lines = [
            f"[b]{team.id}[/b]: {escape(team.title)}, capacity {capacity_text(team.capacity)} "
            f"(+ / - to change); {len(users)} items",
        ]
        if any(key[:2] == ("teams", team.id) for key in shown.overridden):
            lines.append(f"[magenta]*[/] set by the scenario {escape(shown.scenario or '')}")
        if f is not None and shown.forecast is not None:
            start = shown.plan.as_of or shown.plan.start
            lines += [escape(x) for x in load_lines(f, start.isoformat(), 60)]
        detail.update("\n".join(lines))

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
            f"the same draw of {fmt_working_days(risk.delay)}",
        ]
        effect = shown.risk_effects.get(risk.id) if shown.risk_effects else None
        if effect is not None:
            runs = shown.risk_effects.runs if shown.risk_effects else 0
            lines.append(
                f"effect: {escape(effect_sentence(effect))} (the plan with and without it, "
                f"same {plural(runs, 'run')})"
            )
        if any(key[:2] == ("risks", risk.id) for key in shown.overridden):
            lines.append(f"[magenta]*[/] set by the scenario {escape(shown.scenario or '')}")
        for item_id in risk.affects:
            item = shown.plan.item_by_id.get(item_id)
            lines.append(f"  • {item_id}: {escape(item.title) if item else '(unknown item)'}")
        detail.update("\n".join(lines))

    @on(DataTable.RowHighlighted, "#risks-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.post_message(RiskSelected(str(event.row_key.value)))

    @on(DataTable.RowHighlighted, "#teams-table")
    def _team_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(TeamSelected(str(event.row_key.value)))
