"""The content of a forecast report as neutral tables, rendered by markdown.py and html.py.

Cells hold raw plan text; each renderer escapes it for its own syntax, so no renderer can
forget a field and both show exactly the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from roadmap_tui.model.types import readiness_name
from roadmap_tui.report.common import ReportData, fmt_date, fmt_days, fmt_finish, fmt_pct

TOP_RISKS = 5
TOP_SENSITIVITIES = 8
TOP_PRIORITIES = 10


@dataclass(frozen=True)
class Code:
    """An id or a literal: shown as code (backticks in Markdown, <code> in HTML)."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Cell = str | Code | Strong


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    table: Table | None
    note: str = ""
    collapsed: bool = False  # long tables fold away (a <details> block)


def _item_label(data: ReportData, item_id: str) -> tuple[Cell, Cell]:
    return data.plan.item(item_id).title, Code(item_id)


def summary(data: ReportData) -> str:
    fc = data.forecast
    scenario = f" under scenario {data.scenario}" if data.scenario else ""
    as_of = f", as of {fc.as_of.isoformat()}" if fc.as_of else ""
    return (
        f"Forecast of {fc.runs} simulated futures (seed {fc.seed}){scenario}, plan start "
        f"{fc.start.isoformat()}{as_of}. P50, P80 and P95 are the dates by which the work is "
        "ready in 50%, 80% and 95% of futures; 'not ready' at PN means the work never "
        "completes in more than (100 - N)% of futures."
    )


def finish_section(data: ReportData) -> Section:
    fc, plan = data.forecast, data.plan
    p = fc.plan
    rows: list[tuple[Cell, ...]] = [
        (
            Strong("Plan finish"),
            "",
            *fmt_finish(p),
            fmt_pct(p.p_success),
            "-",
            "-",
        )
    ]
    for item_id in data.milestones:
        item, f = plan.item(item_id), fc.items[item_id]
        rows.append(
            (
                *_item_label(data, item_id),
                *fmt_finish(f),
                fmt_pct(f.p_success),
                fmt_date(item.target) if item.target else "-",
                fmt_pct(f.p_on_time),
            )
        )
    low, high = p.p80_interval
    note = (
        f"The plan's P80 lies between working day {fmt_days(low)} and {fmt_days(high)} "
        "(95% confidence interval from the order statistics of the runs). "
        f"A single-number plan (every estimate at its most likely value, no failed attempts, "
        f"no risks) would promise {fmt_date(p.deterministic_date)} "
        f"({fmt_days(p.deterministic_days)} working days)."
    )
    return Section(
        "Finish dates",
        "The plan finish (every item ready) and every milestone.",
        Table(
            ("Milestone", "Id", "P50", "P80", "P95", "P(success)", "Target", "P(on time)"),
            tuple(rows),
        ),
        note,
    )


def calibration_section(data: ReportData) -> Section | None:
    """Uncalibrated and calibrated P50/P80 side by side (`[forecast] calibrate = true`)."""
    if data.calibration is None:
        return None
    cal = data.calibrated
    if cal is None:
        return Section("Calibrated forecast", data.calibration, None)
    fc = data.forecast
    rows: list[tuple[Cell, ...]] = []
    for item_id in [None, *data.milestones]:
        a = fc.plan if item_id is None else fc.items[item_id]
        b = cal.plan if item_id is None else cal.items[item_id]
        label: tuple[Cell, Cell] = (
            (Strong("Plan finish"), "") if item_id is None else _item_label(data, item_id)
        )
        rows.append(
            (
                *label,
                fmt_date(a.finish.p50),
                fmt_date(a.finish.p80),
                fmt_date(b.finish.p50),
                fmt_date(b.finish.p80),
            )
        )
    return Section(
        "Calibrated forecast",
        "The same runs and seed, with every open item's duration scaled by a ratio drawn from "
        "how long the done items took against their estimates (see roadmap calibrate); "
        f"{data.calibration}.",
        Table(("Milestone", "Id", "P50", "P80", "Calibrated P50", "Calibrated P80"), tuple(rows)),
    )


def risk_rank(data: ReportData) -> list[tuple[str, float, float]]:
    """(risk id, expected delay in days, max criticality of affected items), worst first.

    A risk matters when it is likely, long and hits the critical path: the ranking key is
    probability x mean delay x the highest criticality among the items it affects.
    """
    out = []
    for risk in data.plan.risks:
        crit = max(
            (data.forecast.items[a].criticality for a in risk.affects if a in data.forecast.items),
            default=0.0,
        )
        out.append((risk.id, risk.probability * risk.delay.mean, float(crit)))
    return sorted(out, key=lambda r: (-(r[1] * r[2]), -r[1], r[0]))


def risks_section(data: ReportData) -> Section:
    rows = []
    for risk_id, expected, crit in risk_rank(data)[:TOP_RISKS]:
        risk = data.plan.risk_by_id[risk_id]
        d = risk.delay
        delay = f"{d.likely:g}" if d.is_fixed else f"{d.low:g} / {d.likely:g} / {d.high:g}"
        rows.append(
            (
                risk.title,
                Code(risk_id),
                fmt_pct(risk.probability),
                delay,
                ", ".join(risk.affects) or "-",
                f"{expected:.1f}",
                f"{crit:.2f}",
            )
        )
    return Section(
        "Top risks",
        "Ranked by probability x mean delay x the highest criticality among the affected items.",
        Table(
            (
                "Risk",
                "Id",
                "Probability",
                "Delay (low / likely / high days)",
                "Affects",
                "Expected delay (days)",
                "Max criticality",
            ),
            tuple(rows),
        )
        if rows
        else None,
        "" if rows else "The plan has no risks.",
    )


def sensitivity_section(data: ReportData) -> Section:
    fc = data.forecast
    ranked = sorted(
        ((i, f) for i, f in fc.items.items() if f.sensitivity),  # milestones take no time
        key=lambda p: (-abs(p[1].sensitivity), p[0]),
    )[:TOP_SENSITIVITIES]
    rows = tuple(
        (
            *_item_label(data, i),
            f"{f.sensitivity:+.2f}",
            f"{f.criticality:.2f}",
            fmt_days(f.mean_duration),
        )
        for i, f in ranked
    )
    return Section(
        "Top sensitivities",
        "Spearman rank correlation between an item's duration and the plan finish: the items "
        "whose uncertainty drives the date.",
        Table(("Item", "Id", "Sensitivity", "Criticality", "Mean duration (days)"), rows),
    )


def priority_section(data: ReportData) -> Section:
    ranking = data.ranking
    rows = []
    for r in ranking.items[:TOP_PRIORITIES]:
        item = data.plan.item(r.id)
        best, worst = r.rank_range
        rows.append(
            (
                str(r.rank),
                *_item_label(data, r.id),
                f"{r.score:.1f}",
                "yes" if r.ready else "no",
                f"{best}-{worst}",
                f"{fmt_pct(item.data)} data, readiness {readiness_name(item.readiness)}",
            )
        )
    return Section(
        "Priorities",
        f"Top of the {ranking.method} priority ranking (score 0-100). The rank range is the "
        "best and worst rank when any one weight is halved or doubled.",
        Table(
            ("Rank", "Item", "Id", "Score", "Can start", "Rank range", "Data and readiness"),
            tuple(rows),
        ),
    )


def items_section(data: ReportData) -> Section:
    fc = data.forecast
    rows = []
    for item_id, f in fc.items.items():
        item = data.plan.item(item_id)
        rows.append(
            (
                *_item_label(data, item_id),
                item.kind,
                item.status,
                *fmt_finish(f),
                fmt_pct(f.p_success),
                fmt_pct(f.p_on_time),
                f"{f.criticality:.2f}",
            )
        )
    return Section(
        "All items",
        "Every item that is not dropped, in dependency order.",
        Table(
            (
                "Item",
                "Id",
                "Kind",
                "Status",
                "P50",
                "P80",
                "P95",
                "P(success)",
                "P(on time)",
                "Criticality",
            ),
            tuple(rows),
        ),
        collapsed=True,
    )


def sections(data: ReportData) -> list[Section]:
    calibrated = calibration_section(data)
    return [
        finish_section(data),
        *([calibrated] if calibrated is not None else []),
        risks_section(data),
        sensitivity_section(data),
        priority_section(data),
        items_section(data),
    ]
