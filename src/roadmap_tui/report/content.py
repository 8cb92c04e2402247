"""The content of a forecast report as neutral tables, rendered by markdown.py and html.py.

Cells hold raw plan text; each renderer escapes it for its own syntax, so no renderer can
forget a field and both show exactly the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from roadmap_tui.model.types import readiness_name
from roadmap_tui.report import answers
from roadmap_tui.report.common import (
    ReportData,
    capacity_text,
    fmt_date,
    fmt_days,
    fmt_finish,
    fmt_pct,
)
from roadmap_tui.vocabulary import P_SUCCESS

if TYPE_CHECKING:
    from roadmap_tui.priority import ValueCurve

TOP_RISKS = 5
TOP_SENSITIVITIES = 8
TOP_PRIORITIES = 10
#: Characters of the value-over-time sparklines under the priorities.
CHART_CELLS = 40


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
    #: a small chart as lines of text (Markdown shows them as a code block)
    chart: tuple[str, ...] = ()
    #: the value-over-time curve the chart shows (HTML draws it as a small SVG)
    curve: ValueCurve | None = None


def _item_label(data: ReportData, item_id: str) -> tuple[Cell, Cell]:
    return data.plan.item(item_id).title, Code(item_id)


def headline(data: ReportData) -> str:
    """The report's first sentence (the same one the Forecast view shows)."""
    return answers.headline(data.plan, data.forecast)


def summary(data: ReportData) -> str:
    fc = data.forecast
    scenario = f" under scenario {data.scenario}" if data.scenario else ""
    as_of = f", as of {fc.as_of.isoformat()}" if fc.as_of else ""
    return (
        f"Forecast of {fc.runs} simulated futures (seed {fc.seed}){scenario}, plan start "
        f"{fc.start.isoformat()}{as_of}. P50, P80 and P95 are the dates by which the work is "
        "ready in 50%, 80% and 95% of futures; 'never' at PN means the work never "
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
    """Risks ranked by their effect on the plan when measured (`data.effects`), else by the
    rough rank of `risk_rank`."""
    if data.effects is not None and data.plan.risks:
        return _risk_effects_section(data)
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


def _risk_effects_section(data: ReportData) -> Section:
    effects = data.effects
    assert effects is not None
    rows = []
    for effect in effects.effects[:TOP_RISKS]:
        risk = data.plan.risk_by_id[effect.id]
        d = risk.delay
        delay = f"{d.likely:g}" if d.is_fixed else f"{d.low:g} / {d.likely:g} / {d.high:g}"
        p80, success, target = answers.effect_cells(effect)
        rows.append(
            (
                risk.title,
                Code(risk.id),
                fmt_pct(risk.probability),
                delay,
                ", ".join(risk.affects) or "-",
                p80,
                success,
                target,
            )
        )
    return Section(
        "Top risks",
        f"Ranked by their effect: how much later the plan's P80 is because the risk can "
        f"happen, from the plan forecast with and without it on the same {effects.runs} runs "
        "(± one standard error; mean: the shift of the mean finish, when the P80 is never).",
        Table(
            (
                "Risk",
                "Id",
                "Probability",
                "Delay (low / likely / high days)",
                "Affects",
                "P80 shift",
                f"{P_SUCCESS} shift",
                "Target most hit (P(on time))",
            ),
            tuple(rows),
        ),
    )


def scenarios_section(data: ReportData) -> Section | None:
    """Baseline and every scenario, the same runs and seed: the plan finish side by side."""
    comparison = data.comparison
    if not comparison or None not in comparison:
        return None
    base = comparison[None].plan
    rows = []
    for key, result in comparison.items():
        p = result.plan
        cells: tuple[Cell, ...] = ("", "-", "-", "-")
        if key is not None:
            s = answers.shift(base, p)
            cells = (s.headline, *answers.shift_cells(s))
        name: Cell = Strong("baseline") if key is None else Code(key)
        rows.append((name, *fmt_finish(p)[:2], fmt_pct(p.p_success), *cells))
    return Section(
        "Scenarios",
        "The plan finish under every scenario, forecast with the same runs and seed as the "
        "baseline (common random numbers: a difference is the scenario, not noise). The shift "
        "is the P80's where both have one, else the P50's, else the change of "
        f"{P_SUCCESS}: it always has a number.",
        Table(
            (
                "Scenario",
                "P50",
                "P80",
                P_SUCCESS,
                "Shift against the baseline",
                "P50 shift",
                "P80 shift",
                f"{P_SUCCESS} shift",
            ),
            tuple(rows),
        ),
    )


def metrics_section(data: ReportData) -> Section | None:
    """The items' target metrics and how far each has come (shown, not simulated)."""
    rows = []
    for item in data.plan.items:
        m = item.metric
        if m is None:
            continue
        progress = answers.metric_progress(m)
        rows.append(
            (
                *_item_label(data, item.id),
                m.name,
                "-" if m.current is None else f"{m.current:g}",
                "-" if m.target is None else f"{m.target:g}",
                "-" if progress is None else f"{answers.progress_bar(progress)} {progress:.0%}",
            )
        )
    if not rows:
        return None
    return Section(
        "Metrics",
        "What the experiments are trying to reach. Progress is the current value as a share "
        "of the target (the target's share of the current value when lower is better).",
        Table(("Item", "Id", "Metric", "Current", "Target", "Progress"), tuple(rows)),
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
        "Top drivers",
        "How closely each item's drawn duration tracks the plan finish (rank correlation, -1 to "
        "+1): the items whose uncertainty drives the date.",
        Table(("Item", "Id", "Driver", "Criticality", "Mean duration (days)"), rows),
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
                f"{r.days:.1f}",
                "-" if r.per_day is None else f"{r.per_day:.1f}",
                r.with_label() or "-",
                "yes" if r.ready else "no",
                f"{best}-{worst}",
                f"{fmt_pct(item.data)} data, readiness {readiness_name(item.readiness)}",
            )
        )
    how = (
        "in order of value per working day, dependencies respected: an item goes with the "
        "work it unblocks when together they deliver more per day (With, Per day)"
        if ranking.order == "sequence"
        else "in score order"
    )
    curve = ranking.curve
    chart: tuple[str, ...] = ()
    note = ""
    if curve.total > 0:
        note = curve.headline() + "."
        chart = tuple(
            f"{order:<9}{curve.sparkline(CHART_CELLS, order)} "
            f"80% by day {round(curve.day_for(0.8, order) or 0)}"
            for order in ("sequence", "score")
        )
    return Section(
        "Priorities",
        f"Top of the {ranking.method} priority ranking, {how}. Score 0-100; Days is the mean "
        "duration. The rank range is the best and worst rank when any one weight is halved or "
        "doubled.",
        Table(
            (
                "Rank",
                "Item",
                "Id",
                "Score",
                "Days",
                "Per day",
                "With",
                "Can start",
                "Rank range",
                "Data and readiness",
            ),
            tuple(rows),
        ),
        note=note,
        chart=chart,
        curve=curve if chart else None,
    )


_BLOCKS = "▁▂▃▄▅▆▇█"


def load_sparkline(load: tuple[float, ...], capacity: tuple[int, ...]) -> str:
    """Busy units per week as one block character each, full height at the team's largest
    capacity: a text chart of the team's load."""
    top = max([*capacity, *load, 1])
    cells = [_BLOCKS[min(max(round(b / top * 8), 1), 8) - 1] if b > 0 else " " for b in load]
    return "".join(cells).rstrip() or "-"


def teams_section(data: ReportData) -> Section:
    """Each team's capacity, utilisation, peak queue and load per week (median run)."""
    fc = data.forecast
    rows = [
        (
            t.title,
            Code(t.id),
            capacity_text(t.capacity),
            fmt_pct(t.utilisation),
            str(t.peak_queue),
            load_sparkline(t.load, t.load_capacity),
        )
        for t in fc.teams.values()
    ]
    waits = sorted(
        ((f.wait_days, i) for i, f in fc.items.items() if f.wait_days),
        key=lambda w: (-w[0], w[1]),
    )
    note = "Longest waits for a free unit (mean working days): " + (
        ", ".join(f"{i} {w:.1f}" for w, i in waits[:5]) if waits else "none"
    )
    return Section(
        "Teams",
        "Capacity used up to the plan's P50 finish, the most items waiting at once and the "
        "busy units per week (a block per week, full at capacity) in the median run.",
        Table(
            ("Team", "Id", "Capacity", "Utilisation", "Peak queue", "Load per week"),
            tuple(rows),
        ),
        note + ".",
    )


def items_section(data: ReportData) -> Section:
    fc = data.forecast
    teams = bool(fc.teams)
    rows = []
    for item_id, f in fc.items.items():
        item = data.plan.item(item_id)
        wait: tuple[Cell, ...] = ()
        if teams:
            wait = ("-" if f.wait_days is None else f"{f.wait_days:.1f}",)
        rows.append(
            (
                *_item_label(data, item_id),
                item.kind,
                item.status,
                *fmt_finish(f),
                fmt_pct(f.p_success),
                fmt_pct(f.p_on_time),
                f"{f.criticality:.2f}",
                *wait,
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
                *(("Wait (days)",) if teams else ()),
            ),
            tuple(rows),
        ),
        collapsed=True,
    )


def sections(data: ReportData) -> list[Section]:
    calibrated = calibration_section(data)
    optional = [scenarios_section(data), metrics_section(data)]
    return [
        finish_section(data),
        *([calibrated] if calibrated is not None else []),
        *([teams_section(data)] if data.forecast.teams else []),
        *[s for s in optional[:1] if s is not None],
        risks_section(data),
        sensitivity_section(data),
        *[s for s in optional[1:] if s is not None],
        priority_section(data),
        items_section(data),
    ]
