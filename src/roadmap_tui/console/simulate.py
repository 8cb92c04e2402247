"""Terminal rendering of a forecast for `roadmap simulate` (rich, no Textual, no matplotlib).

A face: it only formats a ForecastResult; every figure comes from the engine.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from roadmap_tui.console.tables import new_table, pct
from roadmap_tui.forecast import ForecastResult, RiskEffects
from roadmap_tui.model.text import clean, display_plan
from roadmap_tui.model.types import Plan
from roadmap_tui.report.answers import effect_cells, fmt_points, fmt_shift, headline, shift
from roadmap_tui.report.common import capacity_text, fmt_date, fmt_finish
from roadmap_tui.vocabulary import P_SUCCESS, plural

_BLOCKS = " ▁▂▃▄▅▆▇█"


def _header(result: ForecastResult, plan: Plan) -> str:
    parts = [f"{result.runs:,} runs", f"seed {result.seed}"]
    if result.scenario is not None:
        parts.append(f"scenario {result.scenario}")
    if result.as_of is not None:
        parts.append(f"as of {result.as_of.isoformat()}")
    return f"Forecast of {clean(plan.name)}: " + ", ".join(parts)


#: Columns of the items table that step aside, in this order, when the terminal is too
#: narrow for ids and dates in full (ids and dates are never wrapped nor cut).
OPTIONAL_COLUMNS = ("P95", "Critical", "On time")


def items_table(result: ForecastResult, width: int | None = None) -> Table:
    """Finish figures per item. Ids never wrap: on a terminal narrower than the table,
    P95, then Critical, then On time step aside (`roadmap simulate --json` has them all)."""
    rows = []
    teams = bool(result.teams)
    for f in result.items.values():
        mark = {"done": "✓ ", "doing": "▸ "}.get(f.status, "◆ " if f.kind == "milestone" else "")
        p50, p80, p95 = fmt_finish(f)
        cells = {
            "Item": mark + f.id,
            "P50": p50,
            "P80": p80,
            "P95": p95,
            P_SUCCESS: pct(f.p_success),
            "On time": pct(f.p_on_time),
            "Critical": pct(f.criticality),
        }
        if teams:  # mean working days waited for a unit of the item's team
            cells["Wait (days)"] = "-" if f.wait_days is None else f"{f.wait_days:.1f}"
        rows.append(cells)
    keys = ["Item", "P50", "P80", "P95", P_SUCCESS, "On time", "Critical"]
    if teams:
        keys.append("Wait (days)")

    def needed(shown: list[str]) -> int:  # one space between columns
        return sum(max([len(k), *(len(r[k]) for r in rows)]) for k in shown) + len(shown) - 1

    for optional in OPTIONAL_COLUMNS:
        if width is None or needed(keys) <= width:
            break
        keys.remove(optional)
    table = new_table(
        "Items in dependency order: finish dates (◆ milestone, ✓ done, ▸ in progress)"
    )
    table.padding = (0, 0)  # the box's own separator keeps one space between columns
    for key in keys:
        table.add_column(key, justify="left" if key == "Item" else "right", no_wrap=True)
    for cells in rows:
        table.add_row(*(cells[k] for k in keys))
    return table


def teams_table(result: ForecastResult) -> Table:
    """Each team's capacity, utilisation up to the plan's P50 finish and peak queue."""
    table = new_table("Teams: capacity used up to the P50 finish; the longest queue (median run)")
    table.add_column("Team", overflow="fold", min_width=8)
    table.add_column("Capacity", no_wrap=True)
    table.add_column("Utilisation", justify="right", no_wrap=True)
    table.add_column("Peak queue", justify="right", no_wrap=True)
    for t in result.teams.values():
        table.add_row(t.id, capacity_text(t.capacity), pct(t.utilisation), str(t.peak_queue))
    return table


def plan_summary(result: ForecastResult) -> Text:
    p = result.plan
    text = Text()
    text.append("Plan finish (all items done) ", style="bold")
    text.append(
        f" P50 {fmt_date(p.finish.p50)}  P80 {fmt_date(p.finish.p80)}"
        f"  P95 {fmt_date(p.finish.p95)}\n"
    )
    low, high = p.p80_interval_dates
    text.append(
        f"  P(success) {pct(p.p_success)}; {100 * p.confidence:.0f}% interval of the P80: "
        f"{fmt_date(low)} .. {fmt_date(high)}\n"
    )
    text.append("Single-number plan ", style="bold")
    text.append(
        f" {p.deterministic_date.isoformat()}: most likely estimates, no failures, no risks\n"
    )
    later = [
        f"{key.upper()} {value - p.deterministic_days:+.1f}"
        for key in ("p50", "p80")
        if (value := p.finish_days.get(key)) is not None
    ]
    if later:
        text.append(f"  {' and '.join(later)} working days against it\n")
    return text


def sensitivity_text(result: ForecastResult, n: int = 5, width: int = 30) -> Text:
    text = Text(
        "Drivers of the plan finish (how closely each duration tracks it, -1 to +1)\n",
        style="bold",
    )
    top = result.top_sensitivities(n)
    if not top:
        text.append("  none: no item's duration moves the finish\n")
    name_width = max(len(f.id) for f in top) if top else 0
    for f in top:
        bar = "█" * max(1, round(abs(f.sensitivity) * width))
        text.append(f"  {f.id:<{name_width}} {f.sensitivity:+.2f} ")
        text.append(bar + "\n", style="green" if f.sensitivity > 0 else "red")
    return text


def histogram_text(result: ForecastResult, height: int = 6, width: int = 60) -> Text:
    """The plan finish as a block-character histogram with P50/P80 marked under it."""
    hist = result.plan.histogram
    counts = hist.counts.astype(float)
    edges = hist.edges
    if counts.size > width:  # merge neighbouring bins to fit
        group = int(np.ceil(counts.size / width))
        pad = (-counts.size) % group
        counts = np.pad(counts, (0, pad)).reshape(-1, group).sum(axis=1)
        edges = np.append(edges[::group], edges[-1])[: counts.size + 1]
    text = Text("Plan finish: distribution over the runs\n", style="bold")
    if hist.never == result.runs:
        text.append(f"  the plan is never finished in any of the {result.runs:,} runs\n")
        return text
    top = counts.max() if counts.size and counts.max() > 0 else 1.0
    levels = counts / top * height * (len(_BLOCKS) - 1)
    for row in range(height - 1, -1, -1):
        line = ""
        for level in levels:
            fill = level - row * (len(_BLOCKS) - 1)
            line += _BLOCKS[int(np.clip(np.ceil(fill), 0, len(_BLOCKS) - 1))]
        text.append("  " + line + "\n", style="cyan")
    marks = [" "] * counts.size
    for key, mark in (("p50", "5"), ("p80", "8")):
        value = result.plan.finish_days.get(key)
        if value is not None and counts.size:
            k = int(np.clip(np.searchsorted(edges, value) - 1, 0, counts.size - 1))
            marks[k] = mark
    text.append("  " + "".join(marks) + "   (5 = P50, 8 = P80)\n", style="bold")
    text.append(
        f"  working days {edges[0]:g} .. {edges[-1]:g} after the plan start"
        + (f"; never finished in {hist.never:,} runs" if hist.never else "")
        + "\n"
    )
    return text


def risks_table(effects: RiskEffects) -> Table:
    """Risks ranked by what they cost the plan: its P80 with the risk minus without it."""
    table = new_table(
        f"Risks ranked by effect: the plan with and without each, on the same "
        f"{plural(effects.runs, 'run')} (± one standard error)"
    )
    table.add_column("Risk", no_wrap=True)
    table.add_column("Chance", justify="right", no_wrap=True)
    table.add_column("P80 shift", justify="right", no_wrap=True)
    table.add_column(P_SUCCESS, justify="right", no_wrap=True)
    table.add_column("Target most hit", no_wrap=True)
    for e in effects.effects:
        p80, success, target = effect_cells(e)
        table.add_row(e.id, f"{e.probability:.0%}", p80, success, target)
    return table


def render_forecast(
    result: ForecastResult, plan: Plan, console: Console, effects: RiskEffects | None = None
) -> None:
    seen = display_plan(plan.apply_scenario(result.scenario) if result.scenario else plan)
    console.print(Text(_header(result, plan), style="bold"))
    console.print(Text(headline(seen, result), style="bold"))
    console.print(items_table(result, console.width))
    if result.teams:
        console.print(teams_table(result))
    console.print(Group(plan_summary(result), sensitivity_text(result), histogram_text(result)))
    if effects is not None and effects.effects:
        console.print(risks_table(effects))


def render_compare(results: dict[str | None, ForecastResult], plan: Plan, console: Console) -> None:
    """Baseline and scenarios in adjacent rows per milestone (scales to any number of them)."""
    base = results[None]
    console.print(
        Text(
            f"Scenarios of {clean(plan.name)}: {base.runs:,} runs, seed {base.seed}"
            " (common random numbers: differences are the scenarios, not noise)",
            style="bold",
        )
    )
    table = new_table("Plan, milestones (◆) and targets: baseline and every scenario")
    table.padding = (0, 0)  # the box's separator keeps one space: fits 80 columns
    table.add_column("", no_wrap=True)  # ids never wrap
    table.add_column("P50", justify="right", no_wrap=True)
    table.add_column("P80", justify="right", no_wrap=True)
    teams = any(r.teams for r in results.values())
    if teams:  # hiring moves P50 and P80 alike: the P50's shift gets a column of its own
        table.add_column("P50 shift", justify="right", no_wrap=True)
    table.add_column("Shift", justify="right", no_wrap=True)
    table.add_column(P_SUCCESS, justify="right", no_wrap=True)
    table.add_column("On time", justify="right", no_wrap=True)
    targeted = [f.id for f in base.items.values() if f.kind == "milestone" or f.target is not None]
    for what in [None, *targeted]:
        if what is None:
            label = "plan finish"
        else:
            label = f"◆\u00a0{what}" if base.items[what].kind == "milestone" else what
        table.add_row(Text(label, style="bold"))
        base_f = base.plan if what is None else base.items[what]
        for k, (key, result) in enumerate(results.items()):
            f = result.plan if what is None else result.items.get(what)
            name = "  " + ("baseline" if key is None else key)
            last = k == len(results) - 1
            if f is None:
                table.add_row(name, "dropped", "", *([""] * teams), "", "", "", end_section=last)
                continue
            # P80 where both sides have one, else P50, else P(success): always a number
            s = None if key is None else shift(base_f, f)
            success = pct(f.p_success) + ("" if s is None else f" ({fmt_points(s.p_success)})")
            p50_shift = [""] if s is None else [fmt_shift(s.p50_days)]
            table.add_row(
                name,
                fmt_date(f.finish.p50),
                fmt_date(f.finish.p80),
                *(p50_shift if teams else []),
                "" if s is None else s.headline,
                success,
                pct(getattr(f, "p_on_time", None)),
                end_section=last,
            )
    console.print(table)
