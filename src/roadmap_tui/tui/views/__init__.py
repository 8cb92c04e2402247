"""One module per view. Every view shows a `Shown` snapshot and posts messages back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import Vertical

from roadmap_tui.model.calendar import FAR_FUTURE, FAR_FUTURE_LABEL
from roadmap_tui.model.types import Estimate, Item, Plan

if TYPE_CHECKING:
    from roadmap_tui.forecast import ForecastResult, RiskEffects
    from roadmap_tui.priority import Ranking


def fmt_date(value: date | None) -> str:
    """A percentile that falls among futures that never finish is shown as 'never'; a date
    the calendar clamped as '9999 or later'."""
    if value is None:
        return "never"
    return FAR_FUTURE_LABEL if value >= FAR_FUTURE else value.isoformat()


def fmt_pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def fmt_estimate(estimate: Estimate | None) -> str:
    if estimate is None:
        return "-"
    if estimate.low == estimate.likely == estimate.high:
        return f"{estimate.likely:g}d"
    return f"{estimate.low:g}/{estimate.likely:g}/{estimate.high:g}d"


def fmt_working_days(estimate: Estimate) -> str:
    """An estimate in a sentence: `5 to 20 working days (likely 10)`, never `5/10/20d ...`."""
    if estimate.low == estimate.likely == estimate.high:
        return "1 working day" if estimate.likely == 1 else f"{estimate.likely:g} working days"
    return f"{estimate.low:g} to {estimate.high:g} working days (likely {estimate.likely:g})"


#: How a value set by the selected scenario is marked (and the style of the mark).
OVERRIDE_MARK = "*"
OVERRIDE_STYLE = "magenta"


def overridden_fields(plan: Plan, scenario: str | None) -> frozenset[tuple[str, str, str]]:
    """(section, id, field) of every value the scenario sets; `distribution` marks `estimate`."""
    if scenario is None or scenario not in plan.scenario_by_id:
        return frozenset()
    found = set()
    for o in plan.scenario_by_id[scenario].overrides:
        found.add((o.section, o.id, o.field))
        if o.field == "distribution":
            found |= {(o.section, o.id, "estimate"), (o.section, o.id, "remaining")}
    return frozenset(found)


@dataclass(frozen=True)
class Shown:
    """Everything a view draws: the plan, its latest forecast and ranking, the selection.

    `plan` is the plan in force: under a scenario, with the scenario's overrides applied
    (`overridden` lists them, so views can mark them); edits go to the app's own plan.
    """

    plan: Plan
    forecast: ForecastResult | None = None
    ranking: Ranking | None = None
    comparison: dict[str | None, Any] | None = None
    risk_effects: RiskEffects | None = None  # measured after the forecast; may lag an edit
    problems: tuple[Any, ...] = ()
    selected: str | None = None
    selected_risk: str | None = None
    selected_team: str | None = None
    scenario: str | None = None
    focus_item: bool = False
    stale: bool = False
    calibrated: ForecastResult | None = None  # with [forecast] calibrate = true
    calibration: str | None = None  # what the calibration drew from, or why there is none
    overridden: frozenset[tuple[str, str, str]] = frozenset()
    #: items the Items, Timeline and Graph views leave out (the filter, `/`)
    hidden: frozenset[str] = frozenset()

    @property
    def visible_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.plan.items if i.id not in self.hidden)

    def visible_plan(self) -> Plan:
        """The plan without the hidden items (links to them dropped), for drawing only."""
        if not self.hidden:
            return self.plan
        items = tuple(
            replace(i, depends_on=tuple(d for d in i.depends_on if d not in self.hidden))
            for i in self.visible_items
        )
        return replace(self.plan, items=items)

    def is_overridden(self, section: str, obj_id: str, field: str) -> bool:
        return (section, obj_id, field) in self.overridden

    def marked(self, text: str, section: str, obj_id: str, field: str, style: str = "") -> Text:
        """`text` in `style`, with the scenario's mark when the scenario sets that value."""
        out = Text(text, style=style)
        if self.is_overridden(section, obj_id, field):
            out.append(OVERRIDE_MARK, style=OVERRIDE_STYLE)
        return out


class View(Vertical):
    """A tab's content. `show` is called with each new snapshot, visible or not."""

    def show(self, shown: Shown) -> None:  # pragma: no cover - every view overrides it
        raise NotImplementedError

    def select(self, shown: Shown) -> None:
        """Only the selection moved: views that can, update less than `show` does."""
        self.show(shown)

    def focus_main(self) -> None:
        """Give the keyboard to the widget that owns this view's keys."""
        focusable = [w for w in self.query(".main") if w.focusable]
        focusable += [w for w in self.query("*") if w.focusable]
        if focusable:
            focusable[0].focus()
