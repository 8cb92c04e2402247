"""Terminal rendering of a forecast for `roadmap simulate` (rich, no Textual, no matplotlib).

A face: it only formats a ForecastResult; every figure comes from the engine.
"""

from __future__ import annotations

import numpy as np
from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from roadmap_tui.forecast import ForecastResult
from roadmap_tui.model.text import clean
from roadmap_tui.model.types import Plan
from roadmap_tui.report.common import fmt_date, fmt_finish

_BLOCKS = " ▁▂▃▄▅▆▇█"


def _pct(p: float | None) -> str:
    return "-" if p is None else f"{100 * p:.0f}%"


def _table(title: str) -> Table:
    """A borderless table with a rule under the head, as every table of the forecast uses."""
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )


def _header(result: ForecastResult, plan: Plan) -> str:
    parts = [f"{result.runs:,} runs", f"seed {result.seed}"]
    if result.scenario is not None:
        parts.append(f"scenario {result.scenario}")
    if result.as_of is not None:
        parts.append(f"as of {result.as_of.isoformat()}")
    return f"Forecast of {clean(plan.name)}: " + ", ".join(parts)


def items_table(result: ForecastResult) -> Table:
    table = _table("Items in dependency order: finish dates (◆ milestone, ✓ done, ▸ in progress)")
    # the figures never wrap; on a narrow terminal the id column folds instead
    table.add_column("Item", overflow="fold", min_width=8)
    for key in ("P50", "P80", "P95"):
        table.add_column(key, justify="right", no_wrap=True)
    table.add_column("P(done)", justify="right", no_wrap=True)
    table.add_column("On time", justify="right", no_wrap=True)
    table.add_column("Critical", justify="right", no_wrap=True)
    for f in result.items.values():
        # a no-break space keeps the mark with the id when a narrow terminal folds it
        mark = {"done": "✓\u00a0", "doing": "▸\u00a0"}.get(
            f.status, "◆\u00a0" if f.kind == "milestone" else ""
        )
        label = mark + f.id
        table.add_row(
            label,
            *fmt_finish(f),
            _pct(f.p_success),
            _pct(f.p_on_time),
            _pct(f.criticality),
        )
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
        f"  P(all done) {_pct(p.p_success)}; {100 * p.confidence:.0f}% interval of the P80: "
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
    text = Text("Top drivers of the finish (Spearman of duration vs plan finish)\n", style="bold")
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


def render_forecast(result: ForecastResult, plan: Plan, console: Console) -> None:
    console.print(Text(_header(result, plan), style="bold"))
    console.print(items_table(result))
    console.print(Group(plan_summary(result), sensitivity_text(result), histogram_text(result)))


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
    table = _table("Plan, milestones (◆) and targets: baseline and every scenario")
    table.add_column("", overflow="fold", min_width=10)
    table.add_column("P50", justify="right", no_wrap=True)
    table.add_column("P80", justify="right", no_wrap=True)
    table.add_column("P80 shift", justify="right", no_wrap=True)
    table.add_column("P(done)", justify="right", no_wrap=True)
    table.add_column("On time", justify="right", no_wrap=True)
    targeted = [f.id for f in base.items.values() if f.kind == "milestone" or f.target is not None]
    for what in [None, *targeted]:
        if what is None:
            label = "plan (all items done)"
        else:
            label = f"◆\u00a0{what}" if base.items[what].kind == "milestone" else what
        table.add_row(Text(label, style="bold"))
        base_p80 = base.plan.finish_days.p80 if what is None else base.items[what].finish_days.p80
        for k, (key, result) in enumerate(results.items()):
            f = result.plan if what is None else result.items.get(what)
            name = "  " + ("baseline" if key is None else key)
            last = k == len(results) - 1
            if f is None:
                table.add_row(name, "dropped", "", "", "", "", end_section=last)
                continue
            p80 = f.finish_days.p80
            shift = (
                ""
                if key is None
                else "n/a"
                if p80 is None or base_p80 is None
                else f"{p80 - base_p80:+.1f} d"
            )
            table.add_row(
                name,
                fmt_date(f.finish.p50),
                fmt_date(f.finish.p80),
                shift,
                _pct(f.p_success),
                _pct(getattr(f, "p_on_time", None)),
                end_section=last,
            )
    console.print(table)
