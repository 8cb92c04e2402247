"""View 4: when the plan (or the selected item) is ready: S-curve, histogram, tornado,
the single-number plan beside the percentiles, a scenario switcher and the comparison."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Select, Static

from roadmap_tui.model.calendar import Calendar
from roadmap_tui.report.answers import effect_cells, fmt_points, headline, shift
from roadmap_tui.tui.actions import bindings_for
from roadmap_tui.tui.messages import ScenarioChosen
from roadmap_tui.tui.views import Shown, View, fmt_date, fmt_pct
from roadmap_tui.vocabulary import P_SUCCESS

BLOCKS = " ▁▂▃▄▅▆▇█"
#: Risks shown under the items among the drivers, largest effect first.
RISK_DRIVERS = 3
BASELINE = "__baseline__"
CHART_H = 8
Y_LABEL = 5


def columns(values: np.ndarray, height: int) -> list[str]:
    """Rows (top first) of a column chart of values in 0..1, in eighth-block resolution."""
    eighths = np.rint(np.clip(values, 0, 1) * height * 8).astype(int)
    rows = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        rows.append("".join(BLOCKS[int(min(max(e - floor, 0), 8))] for e in eighths))
    return rows


def _focus(shown: Shown) -> tuple[str, Any, Any]:
    """(what is shown, its ItemForecast or PlanForecast, the forecast)."""
    forecast = shown.forecast
    assert forecast is not None
    if shown.focus_item and shown.selected in forecast.items:
        return f"item {shown.selected}", forecast.items[shown.selected], forecast
    return "the whole plan", forecast.plan, forecast


class Chart(Widget):
    """A chart that draws itself at its own width from a callable."""

    def __init__(self, draw: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draw = draw
        self.shown: Shown | None = None

    def set_shown(self, shown: Shown) -> None:
        self.shown = shown
        self.refresh()

    def render(self) -> Text:
        if self.shown is None or self.shown.forecast is None:
            return Text("")
        return self.draw(self.shown, max(self.size.width, 30))


def draw_curve(shown: Shown, width: int) -> Text:
    """The S-curve: P(ready by day); it plateaus at P(success) when futures never finish."""
    title, target, _ = _focus(shown)
    curve = target.curve
    plot_w = width - Y_LABEL - 1
    days = np.asarray(curve.days, dtype=float)
    prob = np.asarray(curve.prob, dtype=float)
    text = Text(no_wrap=True, overflow="crop")
    if days.size == 0:
        return Text("no readiness curve")
    xs = np.linspace(days[0], days[-1], plot_w)
    ys = np.interp(xs, days, prob)
    rows = columns(ys, CHART_H)
    plateau = None
    if target.p_success < 0.9995:  # a dashed line at the level the curve never rises above
        plateau = CHART_H - 1 - min(int(target.p_success * CHART_H), CHART_H - 1)
    text.append(f"P(ready) for {title}\n", style="bold")
    for i, row in enumerate(rows):
        label = {0: "100%", CHART_H // 2: " 50%", CHART_H - 1: "  0%"}.get(i, "")
        if i == plateau:  # the level the curve never rises above, dashed up to the curve
            curve_part = row.lstrip(" ")
            text.append(f"{target.p_success:>4.0%} ┤", style="bold yellow")
            text.append("┄" * (len(row) - len(curve_part)), style="yellow")
            text.append(curve_part + "\n", style="cyan")
            continue
        text.append(f"{label:>4} ┤", style="dim")
        text.append(row + "\n", style="cyan")
    axis = [" "] * plot_w
    labels = []
    for key in ("p50", "p80", "p95"):
        day = target.finish_days.get(key)
        if day is None:
            continue
        col = round((day - days[0]) / max(days[-1] - days[0], 1e-9) * (plot_w - 1))
        axis[min(max(col, 0), plot_w - 1)] = "▲"
        labels.append(f"{key.upper()} {fmt_date(target.finish.get(key))}")
    text.append(" " * Y_LABEL + "".join(axis) + "\n", style="yellow")
    first, last = curve.dates[0], curve.dates[-1]
    span = f"{first} … {last}"
    text.append(" " * Y_LABEL + span + "   " + "  ".join(labels), style="dim")
    if target.p_success < 0.9995:
        text.append(
            f"\n      plateaus at {target.p_success:.0%}: never ready in "
            f"{1 - target.p_success:.0%} of futures",
            style="bold yellow",
        )
    return text


def draw_histogram(shown: Shown, width: int) -> Text:
    """When it finishes, run counts per bin (the plan's histogram or the item's curve steps)."""
    title, target, _ = _focus(shown)
    plot_w = width - Y_LABEL - 1
    histogram = getattr(target, "histogram", None)
    if histogram is not None:
        edges = np.asarray(histogram.edges, dtype=float)
        counts = np.asarray(histogram.counts, dtype=float)
    else:
        edges = np.asarray(target.curve.days, dtype=float)
        counts = np.diff(np.asarray(target.curve.prob, dtype=float), prepend=0.0)[1:]
        edges = edges if counts.size + 1 == edges.size else np.append(edges, edges[-1] + 1)
    if counts.size == 0 or counts.sum() <= 0:
        return Text("no finish in any future", style="yellow")
    centres = (edges[:-1] + edges[1:]) / 2
    xs = np.linspace(edges[0], edges[-1], plot_w + 1)
    binned, _ = np.histogram(centres, bins=xs, weights=counts)
    rows = columns(binned / binned.max(), 5)
    text = Text(no_wrap=True, overflow="crop")
    text.append(f"Finish of {title}: share of futures by date\n", style="bold")
    for row in rows:
        text.append(" " * Y_LABEL + "│", style="dim")
        text.append(row + "\n", style="magenta")
    cal = Calendar(shown.plan.start, shown.plan.workdays, shown.plan.holidays)
    text.append(
        " " * Y_LABEL + f"{cal.finish_date(edges[0])} … {cal.finish_date(edges[-1])}", style="dim"
    )
    return text


def draw_tornado(shown: Shown, width: int) -> Text:
    """Items whose drawn duration moves the plan's finish most (its drivers)."""
    forecast = shown.forecast
    assert forecast is not None
    top = forecast.top_sensitivities(6)
    effects = [e for e in shown.risk_effects.effects if e.days] if shown.risk_effects else []
    effects = effects[:RISK_DRIVERS]
    text = Text(no_wrap=True, overflow="crop")
    text.append("Drivers of the plan's finish: items (rank correlation)", style="bold")
    text.append(" and risks (P80 shift)\n" if effects else "\n", style="bold")
    if not top and not effects:
        text.append("  no item's duration varies", style="dim")
        return text
    label_w = min(max(len(x.id) for x in [*top, *effects]), 22)
    half = max((width - label_w - 10) // 2, 5)
    for f in top:
        cells = round(abs(f.sensitivity) * half)
        left = " " * half if f.sensitivity >= 0 else " " * (half - cells) + "█" * cells
        right = "█" * cells if f.sensitivity >= 0 else ""
        text.append(f"{f.id[:label_w]:>{label_w}} ")
        text.append(left, style="blue")
        text.append("│", style="dim")
        text.append(f"{right:<{half}}", style="red")
        text.append(f" {f.sensitivity:+.2f}\n")
    # risks on the same scale as the items' bars: the largest shift spans half the width
    widest = max((abs(e.days) for e in effects), default=0.0) or 1.0
    for e in effects:
        cells = max(round(abs(e.days) / widest * half), 1)
        text.append(f"{e.id[:label_w]:>{label_w}} ")
        text.append(" " * half, style="blue")
        text.append("│", style="dim")
        text.append(f"{'▒' * cells:<{half}}", style="yellow")
        text.append(f" {effect_cells(e)[0].split(' ±')[0]}\n")
    return text


class ForecastView(View):
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings_for("forecast"),
        # the figures scroll wherever the focus is in the view (the scenario switcher too)
        Binding("pagedown", "scroll_body('page_down')", "Page down", show=False),
        Binding("pageup", "scroll_body('page_up')", "Page up", show=False),
    ]

    def action_scroll_body(self, how: str) -> None:
        getattr(self.query_one("#forecast-body", VerticalScroll), f"scroll_{how}")()

    def compose(self) -> ComposeResult:
        with Horizontal(id="forecast-bar"):
            yield Label("Scenario (c) ", classes="bar-label")
            yield Select(
                [("baseline", BASELINE)],
                value=BASELINE,
                allow_blank=False,
                id="scenario-select",
                compact=True,
            )
            yield Label("", id="forecast-focus", classes="bar-label")
        with VerticalScroll(id="forecast-body"):
            yield Static("", id="forecast-stats")
            yield Chart(draw_curve, id="forecast-curve", classes="chart")
            yield Chart(draw_histogram, id="forecast-histogram", classes="chart")
            yield Chart(draw_tornado, id="forecast-tornado", classes="chart")
            yield Static("", id="forecast-compare")

    def show(self, shown: Shown) -> None:
        select = self.query_one("#scenario-select", Select)
        options = [("baseline", BASELINE)] + [
            (f"{s.id}: {s.title}", s.id) for s in shown.plan.scenarios
        ]
        wanted = shown.scenario or BASELINE
        if [v for _, v in options] != getattr(self, "_option_ids", None):
            self._option_ids = [v for _, v in options]
            with self.prevent(Select.Changed):
                select.set_options(options)
        if select.value != wanted:
            with self.prevent(Select.Changed):
                select.value = wanted
        focus = "item " + shown.selected if shown.focus_item and shown.selected else "plan"
        self.query_one("#forecast-focus", Label).update(f"  showing: {focus}  (f: plan/item)")
        stats = self.query_one("#forecast-stats", Static)
        if shown.forecast is None:
            stats.update("waiting for the first forecast...")
            return
        stats.update(self.stats(shown))
        for chart in self.query(Chart):
            chart.set_shown(shown)
        self.query_one("#forecast-compare", Static).update(self.comparison(shown))

    def stats(self, shown: Shown) -> Text:
        title, target, forecast = _focus(shown)
        f = target.finish
        text = Text()
        if shown.stale:
            text.append("(stale: the plan changed; forecasting...)\n", style="bold yellow")
        seen = shown.plan
        if forecast.scenario in seen.scenario_by_id:
            seen = seen.apply_scenario(forecast.scenario)
        item = shown.selected if target is not forecast.plan else None
        text.append(headline(seen, forecast, item) + "\n", style="bold cyan")
        text.append(f"{title}", style="bold")
        text.append(f"  scenario {forecast.scenario or 'baseline'} · {forecast.runs} runs\n")
        text.append(f"P50 {fmt_date(f.p50)}   P80 {fmt_date(f.p80)}   P95 {fmt_date(f.p95)}")
        text.append(f"   P(success) {fmt_pct(target.p_success)}")
        p_on_time = getattr(target, "p_on_time", None)
        if p_on_time is not None:
            text.append(f"   P(on time) {fmt_pct(p_on_time)} (target {target.target})")
        text.append("\n")
        if shown.calibration is not None:
            text.append_text(self.calibrated_line(shown, target is forecast.plan))
        if target is forecast.plan:  # the plan has no target of its own: its deadlines do
            targeted = [f for f in forecast.items.values() if f.p_on_time is not None]
            if targeted:
                text.append("P(on time): ")
                text.append(
                    "   ".join(f"{f.id} {fmt_pct(f.p_on_time)} by {f.target}" for f in targeted[:4])
                )
                text.append("\n")
        low, high = getattr(target, "p80_interval_dates", (None, None))
        if low is not None or high is not None:
            conf = getattr(target, "confidence", 0.95)
            text.append(f"P80 {conf:.0%} interval {fmt_date(low)} … {fmt_date(high)}   ")
        det = target.deterministic_date
        text.append("a single-number plan says ")
        text.append(f"{det}", style="bold")
        p50 = target.finish_days.p50
        if p50 is not None:
            text.append(f" ({p50 - target.deterministic_days:+.0f} working days to P50)")
        return text

    def calibrated_line(self, shown: Shown, plan: bool) -> Text:
        """The same figures with calibration (`[forecast] calibrate = true`), beside them."""
        text = Text("calibrated  ", style="bold")
        cal = shown.calibrated
        target = None
        if cal is not None:
            target = cal.plan if plan else cal.items.get(shown.selected or "")
        if target is None:
            text.append(f"{shown.calibration}\n", style="dim")
            return text
        f = target.finish
        text.append(f"P50 {fmt_date(f.p50)}   P80 {fmt_date(f.p80)}   P95 {fmt_date(f.p95)}")
        text.append("   (durations scaled by the done items' actual/estimate)\n", style="dim")
        return text

    def comparison(self, shown: Shown) -> Table | Text:
        comparison = shown.comparison
        if not shown.plan.scenarios:
            return Text("No scenarios in this plan.", style="dim")
        if not comparison:
            return Text("comparing scenarios...", style="dim")
        table = Table(title="Baseline vs scenarios (plan finish)", title_justify="left", box=None)
        for column in ("scenario", "P50", "P80", "P95", P_SUCCESS, "shift"):
            table.add_column(column)
        base = comparison.get(None)
        for key, result in comparison.items():
            p = result.plan
            delta = "-"
            success = fmt_pct(p.p_success)
            if base is not None and key is not None:  # P80, else P50, else P(success)
                s = shift(base.plan, p)
                delta, success = s.headline, f"{success} ({fmt_points(s.p_success)})"
            style = "bold reverse" if key == shown.scenario else ""
            table.add_row(
                key or "baseline",
                fmt_date(p.finish.p50),
                fmt_date(p.finish.p80),
                fmt_date(p.finish.p95),
                success,
                delta,
                style=style,
            )
        return table

    @on(Select.Changed, "#scenario-select")
    def _scenario(self, event: Select.Changed) -> None:
        value = event.value
        self.post_message(ScenarioChosen(None if value in (BASELINE, Select.NULL) else str(value)))
