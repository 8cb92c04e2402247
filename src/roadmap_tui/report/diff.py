"""Plan review: what changed between two versions of a plan, and how the forecast moved.

Both forecasts use the same runs and seed (the new plan's, unless given), so with common
random numbers the shift of a date is the effect of the edit, not Monte Carlo noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from roadmap_tui.model.types import FACTORS, Item, Plan, Risk, Scenario
from roadmap_tui.report.common import (
    NOT_READY,
    Progress,
    fmt_date,
    fmt_pct,
    fmt_signed,
    toml_value,
)

if TYPE_CHECKING:
    from roadmap_tui.forecast.result import ForecastResult

Status = Literal["added", "removed", "changed"]
_MARK = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field}: {self.old} -> {self.new}"


@dataclass(frozen=True)
class EntityChange:
    """An item, risk or scenario added, removed, or changed field by field."""

    id: str
    title: str
    status: Status
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class PlanDiff:
    settings: tuple[FieldChange, ...]
    items: tuple[EntityChange, ...]
    risks: tuple[EntityChange, ...]
    scenarios: tuple[EntityChange, ...]

    @property
    def changed(self) -> bool:
        return bool(self.settings or self.items or self.risks or self.scenarios)


# ----------------------------------------------------------------------------- plan diff


def item_fields(item: Item) -> dict[str, Any]:
    """An item as the fields of its table in the file (defaults included, so any change shows)."""
    out: dict[str, Any] = {}
    for f in fields(Item):
        name = f.name
        if name == "id":
            continue
        value = getattr(item, name)
        if name in ("estimate", "remaining"):
            out[name] = None if value is None else value.as_toml()
            if name == "estimate":
                out["distribution"] = None if value is None else value.distribution
            continue
        if name == "metric" and value is not None:
            value = {
                k: v
                for k, v in (
                    ("name", value.name),
                    ("current", value.current),
                    ("target", value.target),
                )
                if v is not None
            }
        out[name] = value
    return out


def risk_fields(risk: Risk) -> dict[str, Any]:
    return {
        "title": risk.title,
        "probability": risk.probability,
        "delay": risk.delay.as_toml(),
        "distribution": risk.delay.distribution,
        "affects": risk.affects,
    }


def scenario_fields(scenario: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {"title": scenario.title}
    for o in scenario.overrides:
        value = o.value
        if hasattr(value, "as_toml"):  # an Estimate
            value = value.as_toml()
        out[f"{o.section}.{o.id}.{o.field}"] = value
    return out


def settings_fields(plan: Plan) -> dict[str, Any]:
    out: dict[str, Any] = {
        "plan.name": plan.name,
        "plan.start": plan.start,
        "plan.workdays": plan.workdays,
        "plan.holidays": plan.holidays,
        "plan.as_of": plan.as_of,
        "forecast.runs": plan.runs,
        "forecast.seed": plan.seed,
        "priority.method": plan.priority.method,
        "priority.inherit": plan.priority.inherit,
    }
    for name in FACTORS:
        out[f"priority.{name}"] = plan.priority.weights.get(name)
    # An estimate written as a size ("M") reads the same when [sizes] changes its numbers.
    for name, points in plan.sizes.items():
        out[f"sizes.{name}"] = list(points)
    return out


def compare_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    """Field changes in the order of `new`, then fields only `old` had."""
    keys = list(new) + [k for k in old if k not in new]
    return tuple(
        FieldChange(k, toml_value(old.get(k)), toml_value(new.get(k)))
        for k in keys
        if _norm(old.get(k)) != _norm(new.get(k))
    )


def _norm(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_norm(v) for v in value)
    if isinstance(value, tuple):
        return tuple(_norm(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _norm(v)) for k, v in value.items())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def _compare_entities(
    old: dict[str, Any], new: dict[str, Any], to_fields: Callable[[Any], dict[str, Any]]
) -> tuple[EntityChange, ...]:
    out: list[EntityChange] = []
    for key, entity in new.items():
        if key not in old:
            out.append(EntityChange(key, entity.title, "added"))
            continue
        changes = compare_fields(to_fields(old[key]), to_fields(entity))
        if changes:
            out.append(EntityChange(key, entity.title, "changed", changes))
    out.extend(EntityChange(k, e.title, "removed") for k, e in old.items() if k not in new)
    return tuple(out)


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Settings, items, risks and scenarios added, removed and changed (field: old -> new)."""
    return PlanDiff(
        settings=compare_fields(settings_fields(old), settings_fields(new)),
        items=_compare_entities(dict(old.item_by_id), dict(new.item_by_id), item_fields),
        risks=_compare_entities(dict(old.risk_by_id), dict(new.risk_by_id), risk_fields),
        scenarios=_compare_entities(
            dict(old.scenario_by_id), dict(new.scenario_by_id), scenario_fields
        ),
    )


# ----------------------------------------------------------------------------- forecast shift


@dataclass(frozen=True)
class Figures:
    """The figures of the plan finish or of one milestone, on one side of the diff."""

    p50_days: float | None
    p80_days: float | None
    p50: date | None
    p80: date | None
    p_success: float
    p_on_time: float | None


@dataclass(frozen=True)
class ShiftRow:
    """The plan finish (id None) or one milestone, before and after (None when absent)."""

    id: str | None
    title: str
    old: Figures | None
    new: Figures | None


@dataclass(frozen=True)
class ForecastShift:
    runs: int
    seed: int
    scenario: str | None
    rows: tuple[ShiftRow, ...]


def _figures(entry: Any) -> Figures:
    return Figures(
        p50_days=entry.finish_days.p50,
        p80_days=entry.finish_days.p80,
        p50=entry.finish.p50,
        p80=entry.finish.p80,
        p_success=entry.p_success,
        p_on_time=getattr(entry, "p_on_time", None),
    )


def shift_rows(
    old_plan: Plan, old: ForecastResult, new_plan: Plan, new: ForecastResult
) -> tuple[ShiftRow, ...]:
    """Plan finish first, then milestones in the new plan's order, then removed milestones."""
    rows = [ShiftRow(None, "plan finish", _figures(old.plan), _figures(new.plan))]
    seen: set[str] = set()
    for plan in (new_plan, old_plan):
        for item in plan.items:
            if item.kind != "milestone" or item.id in seen:
                continue
            seen.add(item.id)
            before = old.items.get(item.id)
            after = new.items.get(item.id)
            if before is None and after is None:
                continue
            rows.append(
                ShiftRow(
                    item.id,
                    item.title,
                    None if before is None else _figures(before),
                    None if after is None else _figures(after),
                )
            )
    return tuple(rows)


def forecast_shift(
    old: Plan,
    new: Plan,
    *,
    runs: int | None = None,
    seed: int | None = None,
    scenario: str | None = None,
    progress: Progress | None = None,
) -> ForecastShift:
    """Forecast both plans with identical runs and seed (the new plan's unless given)."""
    from roadmap_tui.forecast import simulate

    runs = new.runs if runs is None else runs
    seed = new.seed if seed is None else seed
    total = 2 * runs

    def half(offset: int) -> Progress | None:
        if progress is None:
            return None
        return lambda done, _total: progress(offset + done, total)

    old_scenario = scenario if scenario is not None and scenario in old.scenario_by_id else None
    before = simulate(old, runs=runs, seed=seed, scenario=old_scenario, progress=half(0))
    after = simulate(new, runs=runs, seed=seed, scenario=scenario, progress=half(runs))
    return ForecastShift(runs, seed, scenario, shift_rows(old, before, new, after))


# ----------------------------------------------------------------------------- rendering


def _days_shift(label: str, old: Figures | None, new: Figures | None, attr: str) -> str:
    before = None if old is None else getattr(old, f"{attr}_days")
    after = None if new is None else getattr(new, f"{attr}_days")
    d_old = None if old is None else getattr(old, attr)
    d_new = None if new is None else getattr(new, attr)
    dates = f"{_side(old, d_old)} -> {_side(new, d_new)}"
    if before is None or after is None:
        return f"{label} n/a ({dates})"
    return f"{label} {fmt_signed(after - before)} ({dates})"


def _side(figures: Figures | None, value: date | None) -> str:
    return "absent" if figures is None else fmt_date(value)


def _prob_shift(label: str, old: float | None, new: float | None) -> str | None:
    if old is None and new is None:
        return None
    text = f"{label} {fmt_pct(old)} -> {fmt_pct(new)}"
    if old is not None and new is not None:
        text += f" ({fmt_signed(100 * (new - old), 'pts')})"
    return text


def row_lines(row: ShiftRow) -> list[str]:
    """`P80 +3.5 days (2027-03-01 -> 2027-03-08)` and the probability moves of one row."""
    lines = [
        _days_shift("P50", row.old, row.new, "p50"),
        _days_shift("P80", row.old, row.new, "p80"),
    ]
    for label, attr in (("P(on time)", "p_on_time"), ("P(success)", "p_success")):
        line = _prob_shift(label, *_probs(row, attr))
        if line is not None:
            lines.append(line)
    return lines


def render_text(diff: PlanDiff, shift: ForecastShift | None, old_label: str, new_label: str) -> str:
    out = [f"--- {old_label}", f"+++ {new_label}"]
    if not diff.changed:
        out.append("No changes to the plan.")
        return "\n".join(out) + "\n"
    if diff.settings:
        out.append("")
        out.append("Settings")
        out.extend(f"  ~ {c}" for c in diff.settings)
    for heading, entities in _entity_sections(diff):
        out.append("")
        out.append(heading)
        for e in entities:
            out.append(f"  {_MARK[e.status]} {e.id} {toml_value(e.title)}")
            out.extend(f"      {c}" for c in e.changes)
    if shift is not None:
        out.append("")
        scenario = f", scenario {shift.scenario}" if shift.scenario else ""
        out.append(f"Forecast shift ({shift.runs} runs, seed {shift.seed} on both sides{scenario})")
        for row in shift.rows:
            name = "plan finish" if row.id is None else f"{row.id} {toml_value(row.title)}"
            out.append(f"  {name}")
            out.extend(f"      {line}" for line in row_lines(row))
    return "\n".join(out) + "\n"


def md_cell(text: str) -> str:
    """Plan text inside a Markdown table cell: no pipes, no HTML, no line breaks."""
    text = " ".join(str(text).split())
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def _md_days(old: Figures | None, new: Figures | None, attr: str) -> str:
    return _days_shift("", old, new, attr).strip()


def render_md(diff: PlanDiff, shift: ForecastShift | None, old_label: str, new_label: str) -> str:
    out = [f"## Plan changes: `{old_label}` → `{new_label}`", ""]
    if not diff.changed:
        out.append("No changes to the plan.")
        return "\n".join(out) + "\n"
    if shift is not None:
        scenario = f", scenario `{shift.scenario}`" if shift.scenario else ""
        out.append(
            f"### Forecast shift\n\n{shift.runs} runs, seed {shift.seed} on both sides{scenario}.\n"
        )
        out.append("| | P50 | P80 | P(on time) | P(success) |")
        out.append("|---|---|---|---|---|")
        for row in shift.rows:
            name = "**Plan finish**" if row.id is None else f"{md_cell(row.title)} (`{row.id}`)"
            on_time = _prob_shift("", *_probs(row, "p_on_time")) or "-"
            success = _prob_shift("", *_probs(row, "p_success")) or "-"
            p50 = _md_days(row.old, row.new, "p50")
            p80 = _md_days(row.old, row.new, "p80")
            out.append(f"| {name} | {p50} | {p80} | {on_time.strip()} | {success.strip()} |")
        out.append("")
    if diff.settings:
        out.append("### Settings\n")
        out.extend(f"- `{c.field}`: {md_cell(c.old)} → {md_cell(c.new)}" for c in diff.settings)
        out.append("")
    for heading, entities in _entity_sections(diff):
        out.append(f"### {heading}\n")
        for e in entities:
            out.append(f"- {e.status} `{e.id}` {md_cell(e.title)}")
            out.extend(f"  - `{c.field}`: {md_cell(c.old)} → {md_cell(c.new)}" for c in e.changes)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _entity_sections(diff: PlanDiff) -> list[tuple[str, tuple[EntityChange, ...]]]:
    """The changed items, risks and scenarios under their headings; empty sections left out."""
    sections = (("Items", diff.items), ("Risks", diff.risks), ("Scenarios", diff.scenarios))
    return [(heading, entities) for heading, entities in sections if entities]


def _probs(row: ShiftRow, attr: str) -> tuple[float | None, float | None]:
    return (
        None if row.old is None else getattr(row.old, attr),
        None if row.new is None else getattr(row.new, attr),
    )


__all__ = [
    "NOT_READY",
    "EntityChange",
    "FieldChange",
    "Figures",
    "ForecastShift",
    "PlanDiff",
    "ShiftRow",
    "diff_plans",
    "forecast_shift",
    "render_md",
    "render_text",
    "row_lines",
    "shift_rows",
]
