"""Which items the Items, Timeline and Graph views show: by owner, team, tag, status and kind,
the critical path only, milestones only. A filter hides rows; it never changes the plan or
the forecast."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Select

from roadmap_tui.model.types import KINDS, STATUSES, Item, Plan
from roadmap_tui.tui.widgets.dialogs import ButtonRow

#: An item is on the critical path when it is critical in at least half the futures.
CRITICAL = 0.5


@dataclass(frozen=True)
class ItemFilter:
    owner: str | None = None
    team: str | None = None
    tag: str | None = None
    status: str | None = None
    kind: str | None = None
    critical_only: bool = False
    milestones_only: bool = False

    @property
    def active(self) -> bool:
        return self != ItemFilter()

    def matches(self, item: Item, criticality: float | None) -> bool:
        """`criticality` None (no forecast yet) keeps the item under "critical path only"."""
        team = getattr(item, "team", None)  # teams are optional in a plan
        return (
            (self.owner is None or item.owner == self.owner)
            and (self.team is None or team == self.team)
            and (self.tag is None or self.tag in item.tags)
            and (self.status is None or item.status == self.status)
            and (self.kind is None or item.kind == self.kind)
            and (not self.milestones_only or item.kind == "milestone")
            and (not self.critical_only or criticality is None or criticality >= CRITICAL)
        )

    def describe(self) -> str:
        """`owner ana, critical path only`: what the status line says is hidden."""
        parts = [
            f"{f.name} {getattr(self, f.name)}"
            for f in fields(self)
            if not f.name.endswith("_only") and getattr(self, f.name) is not None
        ]
        if self.critical_only:
            parts.append("critical path only")
        if self.milestones_only:
            parts.append("milestones only")
        return ", ".join(parts)


def choices(plan: Plan) -> dict[str, list[str]]:
    """The values each filter can take in this plan."""
    owners = sorted({i.owner for i in plan.items if i.owner})
    teams = sorted({t for i in plan.items if (t := getattr(i, "team", None))})
    tags = sorted({t for i in plan.items for t in i.tags})
    return {
        "owner": owners,
        "team": teams,
        "tag": tags,
        "status": list(STATUSES),
        "kind": list(KINDS),
    }


class FilterDialog(ModalScreen[ItemFilter | None]):
    """Dismisses with the new filter (Clear: no filter), or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="roadmap.filter-cancel"),
        Binding("ctrl+s", "apply", "Apply", id="roadmap.filter-apply", priority=True),
    ]

    def __init__(self, plan: Plan, current: ItemFilter) -> None:
        super().__init__(classes="dialog")
        self.plan = plan
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Show only the items...", classes="dialog-title")
            for name, values in choices(self.plan).items():
                with Horizontal(classes="editor-row"):
                    yield Label(name, classes="editor-label")
                    now: Any = getattr(self.current, name)
                    yield Select(
                        [(v, v) for v in values],
                        value=now if now in values else Select.NULL,
                        prompt="any",
                        id=f"filter-{name}",
                        compact=True,
                        disabled=not values,
                    )
            yield Checkbox("critical path only", self.current.critical_only, id="filter-critical")
            yield Checkbox("milestones only", self.current.milestones_only, id="filter-milestones")
            with ButtonRow(classes="dialog-buttons"):
                yield Button("Apply", id="apply", variant="primary", compact=True)
                yield Button("Clear", id="clear", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def read(self) -> ItemFilter:
        values: dict[str, Any] = {}
        for name in choices(self.plan):
            value = self.query_one(f"#filter-{name}", Select).value
            values[name] = None if value is Select.NULL else str(value)
        return ItemFilter(
            **values,
            critical_only=self.query_one("#filter-critical", Checkbox).value,
            milestones_only=self.query_one("#filter-milestones", Checkbox).value,
        )

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(self.read())

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss(ItemFilter())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
