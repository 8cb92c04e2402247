"""What every export shares: the forecast + ranking bundle and the way figures are written.

Exports never call the engine themselves: `build_report` runs the forecast and the priority
score once, so all formats of one export show the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from roadmap_tui.model.calendar import FAR_FUTURE, FAR_FUTURE_LABEL
from roadmap_tui.model.types import Plan

if TYPE_CHECKING:  # the engine modules are imported lazily: report must stay cheap to import
    from roadmap_tui.forecast.result import ForecastResult
    from roadmap_tui.priority import Ranking

Progress = Callable[[int, int], None]

#: Label used wherever a percentile fell among futures in which the item never completes.
NOT_READY = "not ready"

#: The charts of the svg/png exports and the HTML report, in the order `--chart all` writes them.
CHARTS: tuple[str, ...] = ("timeline", "scurve", "tornado")


@dataclass(frozen=True)
class ReportData:
    """One forecast and one ranking of one plan (scenario applied): the input of every writer."""

    plan: Plan
    forecast: ForecastResult
    ranking: Ranking
    #: With `[forecast] calibrate = true`: the same forecast with calibration (None when the
    #: plan has too few done items), and the line saying what it drew from or why not.
    calibrated: ForecastResult | None = None
    calibration: str | None = None

    @property
    def scenario(self) -> str | None:
        """The scenario the forecast ran under (None: the baseline)."""
        return self.forecast.scenario

    @property
    def milestones(self) -> list[str]:
        """Milestone ids in forecast (topological) order; dropped milestones are absent."""
        return [i for i in self.forecast.items if self.plan.item(i).kind == "milestone"]

    @property
    def title(self) -> str:
        if self.scenario is None:
            return self.plan.name
        return f"{self.plan.name} (scenario {self.scenario})"


def build_report(
    plan: Plan,
    *,
    scenario: str | None = None,
    runs: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> ReportData:
    """Forecast and prioritise `plan` (under `scenario`) once for all writers, with its text
    made safe to show (model.text.display_plan: no control characters reach an export).

    Raises ValueError (ForecastError) for an unknown scenario; the CLI checks it first.
    """
    from roadmap_tui.model.text import display_plan
    from roadmap_tui.priority import rank_plan

    plan = display_plan(plan)  # every writer shows plan text: made safe once, here
    seen, forecast, ranking = rank_plan(
        plan, scenario=scenario, runs=runs, seed=seed, progress=progress
    )
    calibrated = calibration = None
    if plan.calibrate:
        from roadmap_tui.forecast import calibration as cal

        found = cal.calibrate(plan)
        calibration = found.describe()
        calibrated = cal.calibrated_forecast(plan, found, runs=runs, seed=seed, scenario=scenario)
    return ReportData(
        plan=seen,
        forecast=forecast,
        ranking=ranking,
        calibrated=calibrated,
        calibration=calibration,
    )


def fmt_date(value: date | None) -> str:
    """ISO date; "not ready" for a percentile among futures that never finish, "9999 or
    later" for a date the calendar clamped (model.calendar.FAR_FUTURE)."""
    if value is None:
        return NOT_READY
    return FAR_FUTURE_LABEL if value >= FAR_FUTURE else value.isoformat()


def fmt_finish(figures: Any) -> tuple[str, str, str]:
    """P50, P80 and P95 finish dates of an item's or the plan's forecast, as table cells."""
    finish = figures.finish
    return fmt_date(finish.p50), fmt_date(finish.p80), fmt_date(finish.p95)


def fmt_pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def fmt_days(value: float | None) -> str:
    return NOT_READY if value is None else f"{value:.1f}"


def fmt_signed(value: float, unit: str = "days", digits: int = 1) -> str:
    """`+3.5 days`, `-2.0 days`, `±0.0 days`: a shift always shows its direction."""
    text = f"{value:+.{digits}f}"
    if float(text) == 0:
        text = "±" + text.lstrip("+-")
    return f"{text} {unit}" if unit else text


def toml_value(value: Any) -> str:
    """A plan value as it would read in the plan file (for diffs and comments)."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return _toml_string(str(value))


def _toml_string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    escaped = "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


@dataclass(frozen=True)
class ScheduledItem:
    """One item of the P50 timeline: when it would run if everything took its median."""

    id: str
    start: date
    finish: date
    milestone: bool


def p50_schedule(data: ReportData) -> list[ScheduledItem]:
    """The P50 timeline of the Gantt chart and the Mermaid block, in forecast order.

    Percentiles are per item, so a start is derived, not simulated: an item starts on the
    working day after its latest dependency's P50 finish (its actual start when it has one, or
    as_of). Items whose P50 is not ready (they fail in half of the futures) are left out.
    """
    from roadmap_tui.model.calendar import Calendar

    cal = Calendar.of(data.plan)
    fc = data.forecast
    floor = 0 if data.plan.as_of is None else cal.start_offset(data.plan.as_of)
    out: list[ScheduledItem] = []
    for item_id, f in fc.items.items():
        item = data.plan.item(item_id)
        if f.finish.p50 is None or f.finish_days.p50 is None:
            continue
        deps = [fc.items[d].finish_days.p50 for d in item.depends_on if d in fc.items]
        offset = max([floor, *(math.ceil(d) for d in deps if d is not None)])
        if item.status == "done" or (item.status == "doing" and item.started is not None):
            offset = cal.start_offset(item.started) if item.started else offset
        finish = f.finish.p50
        if item.kind == "milestone":
            out.append(ScheduledItem(item_id, finish, finish, True))
            continue
        start = min(cal.start_date(offset), finish)
        out.append(ScheduledItem(item_id, start, finish, False))
    return out
