"""One module per view. Every view shows a `Shown` snapshot and posts messages back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from textual.containers import Vertical

from roadmap_tui.model.calendar import FAR_FUTURE, FAR_FUTURE_LABEL
from roadmap_tui.model.types import Estimate, Plan

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


@dataclass(frozen=True)
class Shown:
    """Everything a view draws: the plan, its latest forecast and ranking, the selection."""

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
