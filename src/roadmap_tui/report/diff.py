"""Plan review: what changed between two versions of a plan, and how the forecast moved.

Both forecasts use the same runs and seed (the new plan's, unless given), so with common
random numbers the shift of a date is the effect of the edit, not Monte Carlo noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from roadmap_tui.model.text import clean
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
        "forecast.calibrate": plan.calibrate,
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
class Attribution:
    """The shift of the plan's finish that one change makes on its own (old plan, only this
    change switched to new, same runs and seed), or what no single change explains
    (`INTERACTION`). None: that side never finishes in the percentile, or the change cannot be
    forecast on its own (e.g. it needs another change to make a valid plan)."""

    change: str
    p50_days: float | None
    p80_days: float | None
    p_success: float | None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "p50_days": _round(self.p50_days),
            "p80_days": _round(self.p80_days),
            "p_success": _round(self.p_success, 4),
        }


#: The name of what the one-at-a-time switches do not explain.
INTERACTION = "interaction"
#: Changes switched one at a time at most; the smaller rest is switched together as one.
MAX_ATTRIBUTED = 25


@dataclass(frozen=True)
class ForecastShift:
    runs: int
    seed: int
    scenario: str | None
    rows: tuple[ShiftRow, ...]
    attribution: tuple[Attribution, ...] = ()


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
    attribute: bool = True,
) -> ForecastShift:
    """Forecast both plans with identical runs and seed (the new plan's unless given).

    With `attribute`, each change is also switched on its own (attribution()).
    """
    from roadmap_tui.forecast import simulate

    runs = new.runs if runs is None else runs
    seed = new.seed if seed is None else seed
    switches = change_switches(old, new, scenario) if attribute else []
    total = (2 + len(switches)) * runs

    def part(k: int) -> Progress | None:
        if progress is None:
            return None
        return lambda done, _total: progress(k * runs + done, total)

    old_scenario = scenario if scenario is not None and scenario in old.scenario_by_id else None
    before = simulate(old, runs=runs, seed=seed, scenario=old_scenario, progress=part(0))
    after = simulate(new, runs=runs, seed=seed, scenario=scenario, progress=part(1))
    attribution: tuple[Attribution, ...] = ()
    if switches:
        attribution = attribute_shift(
            old, before, after, switches, runs=runs, seed=seed, scenario=scenario, progress=part
        )
    return ForecastShift(runs, seed, scenario, shift_rows(old, before, new, after), attribution)


# ----------------------------------------------------------------------------- attribution

Switch = tuple[str, Callable[[Plan], Plan]]


def _fields_label(entity: EntityChange) -> str:
    names = [c.field for c in entity.changes if c.field != "distribution"] or [
        c.field for c in entity.changes
    ]
    return " ".join(names[:1]) if len(names) == 1 else "(" + ", ".join(names) + ")"


def change_switches(old: Plan, new: Plan, scenario: str | None = None) -> list[Switch]:
    """Every change that can move the forecast, as (label, old plan -> old plan with only
    this change). Settings that do not enter the forecast (priority, runs, seed, name) and
    scenarios other than `scenario` (the one forecast) are left out; at most MAX_ATTRIBUTED
    switches, the rest switched as one."""
    diff = diff_plans(old, new)
    out: list[Switch] = []
    for e in diff.items:
        if e.status == "added":
            item = new.item(e.id)
            out.append((f"new item {e.id}", lambda p, item=item: p.with_item(item)))
        elif e.status == "removed":
            out.append((f"removed item {e.id}", lambda p, i=e.id: _without_item(p, i)))
        else:
            item = new.item(e.id)
            label = f"{e.id} {_fields_label(e)}"
            out.append((label, lambda p, item=item: p.with_item(item)))
    for e in diff.risks:
        if e.status == "removed":
            out.append((f"removed risk {e.id}", lambda p, r=e.id: _without_risk(p, r)))
        else:
            risk = new.risk_by_id[e.id]
            label = f"new risk {e.id}" if e.status == "added" else f"risk {e.id} {_fields_label(e)}"
            out.append((label, lambda p, risk=risk: p.with_risk(risk)))
    for e in diff.scenarios:
        if scenario is None or e.id != scenario or e.status == "removed":
            continue
        chosen = new.scenario_by_id[e.id]
        label = f"new scenario {e.id}" if e.status == "added" else f"scenario {e.id}"
        out.append((label, lambda p, chosen=chosen: _with_scenario(p, chosen)))
    for c in diff.settings:
        section, _, key = c.field.partition(".")
        if section != "plan" or key == "name":
            continue
        value = getattr(new, key)
        out.append((c.field, lambda p, key=key, value=value: replace(p, **{key: value})))
    if len(out) > MAX_ATTRIBUTED:
        rest = out[MAX_ATTRIBUTED - 1 :]

        def together(p: Plan, rest: list[Switch] = rest) -> Plan:
            for _, switch in rest:
                p = switch(p)
            return p

        out = [*out[: MAX_ATTRIBUTED - 1], (f"{len(rest)} other changes", together)]
    return out


def _with_scenario(plan: Plan, scenario: Scenario) -> Plan:
    kept = tuple(s for s in plan.scenarios if s.id != scenario.id)
    return replace(plan, scenarios=(*kept, scenario))


def _without_item(plan: Plan, item_id: str) -> Plan:
    return replace(plan, items=tuple(i for i in plan.items if i.id != item_id))


def _without_risk(plan: Plan, risk_id: str) -> Plan:
    return replace(plan, risks=tuple(r for r in plan.risks if r.id != risk_id))


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def _round(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits) + 0.0


def attribute_shift(
    old: Plan,
    before: ForecastResult,
    after: ForecastResult,
    switches: list[Switch],
    *,
    runs: int,
    seed: int,
    scenario: str | None,
    progress: Callable[[int], Progress | None] | None = None,
) -> tuple[Attribution, ...]:
    """Each change's own shift of the plan's P50, P80 and P(success), largest first, then the
    interaction: the total shift minus the sum of the one-at-a-time shifts.

    Every forecast has the same runs and seed, and the engine gives every item and risk
    streams of its own (common random numbers), so a change that does not touch an item
    leaves its draws alone: the shifts are the changes, not noise. A change alone that
    cannot be forecast (a cycle, a scenario that needs another change) gets None and its
    shift is left in the interaction.
    """
    from roadmap_tui.forecast import simulate

    p0 = before.plan
    total = (
        _delta(p0.finish_days.p50, after.plan.finish_days.p50),
        _delta(p0.finish_days.p80, after.plan.finish_days.p80),
        after.plan.p_success - p0.p_success,
    )
    rows: list[Attribution] = []
    for k, (label, switch) in enumerate(switches):
        try:
            plan = switch(old)
            sc = scenario if scenario is not None and scenario in plan.scenario_by_id else None
            report = None if progress is None else progress(2 + k)
            f = simulate(plan, runs=runs, seed=seed, scenario=sc, progress=report).plan
        except (ValueError, KeyError):
            rows.append(Attribution(label, None, None, None))
            continue
        rows.append(
            Attribution(
                label,
                _delta(p0.finish_days.p50, f.finish_days.p50),
                _delta(p0.finish_days.p80, f.finish_days.p80),
                f.p_success - p0.p_success,
            )
        )

    def rest(t: float | None, attr: str) -> float | None:
        parts = [getattr(r, attr) for r in rows]
        if t is None or any(x is None for x in parts):
            return None if t is None else t - sum(x for x in parts if x is not None)
        return t - sum(parts)

    def size(r: Attribution) -> tuple[float, float, float, str]:
        return (
            -abs(r.p80_days or 0.0),
            -abs(r.p50_days or 0.0),
            -abs(r.p_success or 0.0),
            r.change,
        )

    rows.sort(key=size)
    interaction = Attribution(
        INTERACTION,
        _clean(rest(total[0], "p50_days")),
        _clean(rest(total[1], "p80_days")),
        _clean(rest(total[2], "p_success")),
    )
    return (*rows, interaction)


def _clean(x: float | None) -> float | None:
    """Rounding noise of float sums is no interaction: 1e-9 is 0."""
    return None if x is None else (0.0 if abs(x) < 1e-6 else x)


def attribution_line(shift: ForecastShift, attr: str = "p80") -> str | None:
    """`P80 +9.0 working days: rag-answers estimate +6.0, new risk gpu-quota +4.0,
    interaction -1.0`: the plan finish's shift and where it came from, on one line."""
    plan = shift.rows[0] if shift.rows else None
    if plan is None or not shift.attribution:
        return None
    before = None if plan.old is None else getattr(plan.old, f"{attr}_days")
    after = None if plan.new is None else getattr(plan.new, f"{attr}_days")
    if before is None or after is None:
        return None
    parts = []
    for a in shift.attribution:
        value = getattr(a, f"{attr}_days")
        if a.change == INTERACTION and value is not None and abs(value) < 0.05:
            continue
        parts.append(f"{a.change} {'n/a' if value is None else fmt_signed(value, '')}")
    head = f"{attr.upper()} {fmt_signed(after - before, 'working days')}"
    return head + (": " + ", ".join(parts) if parts else "")


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
        if shift.attribution:
            out.append("")
            out.append("Why the plan finish moved (each change alone on the old plan, same runs)")
            line = attribution_line(shift)
            if line is not None:
                out.append(f"  {line}")
            width = max(len(a.change) for a in shift.attribution)
            for a in shift.attribution:
                p50, p80, ps = _attribution_cells(a)
                out.append(f"  {a.change:<{width}}  P50 {p50:>6}  P80 {p80:>6}  P(success) {ps}")
    return "\n".join(out) + "\n"


def _attribution_cells(a: Attribution) -> tuple[str, str, str]:
    def days(x: float | None) -> str:
        return "n/a" if x is None else fmt_signed(x, "")

    ps = "n/a" if a.p_success is None else fmt_signed(100 * a.p_success, "pts")
    return days(a.p50_days), days(a.p80_days), ps


def md_cell(text: str) -> str:
    """Plan text inside a Markdown table cell: no pipes, no HTML, no line breaks, no control
    characters (model.text.clean)."""
    text = clean(" ".join(str(text).split()))
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
        if shift.attribution:
            out.append("#### Why the plan finish moved\n")
            line = attribution_line(shift)
            if line is not None:
                out.append(f"{md_cell(line)}\n")
            out.append(
                "Each change switched alone on the old plan, same runs and seed; "
                "*interaction* is what the single changes do not explain.\n"
            )
            out.append("| Change | P50 (working days) | P80 (working days) | P(success) |")
            out.append("|---|---|---|---|")
            for a in shift.attribution:
                p50, p80, ps = _attribution_cells(a)
                name = f"*{a.change}*" if a.change == INTERACTION else md_cell(a.change)
                out.append(f"| {name} | {p50} | {p80} | {ps} |")
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


#: Schema tag of `roadmap diff --json`.
DIFF_SCHEMA = "roadmap-tui/diff/1"


def _figures_json(f: Figures | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "p50_days": f.p50_days,
        "p80_days": f.p80_days,
        "p50": None if f.p50 is None else f.p50.isoformat(),
        "p80": None if f.p80 is None else f.p80.isoformat(),
        "p_success": f.p_success,
        "p_on_time": f.p_on_time,
    }


def to_json_dict(
    diff: PlanDiff, shift: ForecastShift | None, old_label: str, new_label: str
) -> dict[str, Any]:
    """The `roadmap diff --json` document: changes, forecast shift and its attribution."""

    def entities(found: tuple[EntityChange, ...]) -> list[dict[str, Any]]:
        return [
            {
                "id": e.id,
                "title": e.title,
                "status": e.status,
                "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in e.changes],
            }
            for e in found
        ]

    out: dict[str, Any] = {
        "schema": DIFF_SCHEMA,
        "old": old_label,
        "new": new_label,
        "changed": diff.changed,
        "settings": [{"field": c.field, "old": c.old, "new": c.new} for c in diff.settings],
        "items": entities(diff.items),
        "risks": entities(diff.risks),
        "scenarios": entities(diff.scenarios),
        "forecast": None,
        "attribution": [],
    }
    if shift is not None:
        out["forecast"] = {
            "runs": shift.runs,
            "seed": shift.seed,
            "scenario": shift.scenario,
            "rows": [
                {
                    "id": r.id,
                    "title": r.title,
                    "old": _figures_json(r.old),
                    "new": _figures_json(r.new),
                }
                for r in shift.rows
            ],
        }
        out["attribution"] = [a.to_json_dict() for a in shift.attribution]
    return out


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
    "INTERACTION",
    "NOT_READY",
    "Attribution",
    "EntityChange",
    "FieldChange",
    "Figures",
    "ForecastShift",
    "PlanDiff",
    "ShiftRow",
    "attribution_line",
    "diff_plans",
    "forecast_shift",
    "render_md",
    "render_text",
    "row_lines",
    "shift_rows",
    "to_json_dict",
]
