"""View 2: a Gantt chart on a date axis: bars to P50, whiskers to P80 and P95."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.widget import Widget
from textual.widgets import Static

from roadmap_tui.model.calendar import Calendar
from roadmap_tui.tui.actions import bindings_for
from roadmap_tui.tui.messages import ItemSelected
from roadmap_tui.tui.views import Shown, View
from roadmap_tui.tui.widgets.canvas import Canvas

CRITICAL = 0.5
LEGEND = (
    "█ to P50  ─ to P80  ┄ to P95  ◆ target (red: missed at P80)  ",
    "▼│ as of  red: critical  ░ never ready in half the futures",
)


#: Zoom levels: calendar days per column (None: the whole plan fits the width).
ZOOMS: dict[str, int | None] = {"fit": None, "weeks": 1, "months": 3, "quarters": 7}


def month_label(month: date, first_label: bool) -> str:
    """`Feb`, or `Jan 2027` at a year's start and on the first label: no `Feb 27` to read
    as the 27th of February."""
    if first_label or month.month == 1:
        return month.strftime("%b %Y")
    return month.strftime("%b")


def _month_starts(first: date, last: date) -> list[date]:
    day = date(first.year, first.month, 1)
    months = []
    while day <= last:
        if day >= first:
            months.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


class TimelineChart(Widget, can_focus=True):
    """Draws itself at its own width; up/down move the selection."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings_for("items"),
        *bindings_for("timeline"),
        Binding("down,j", "move(1)", "Next", show=False, id="roadmap.timeline-down"),
        Binding("up,k", "move(-1)", "Previous", show=False, id="roadmap.timeline-up"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown: Shown | None = None
        self.row_ids: list[str] = []
        self.zoom = "fit"

    def set_shown(self, shown: Shown) -> None:
        self.shown = shown
        self.row_ids = [i.id for i in shown.visible_items]
        self.styles.height = len(self.row_ids) + 2
        self.styles.width = self.zoomed_width() or "1fr"
        self.refresh(layout=True)

    def label_width(self) -> int:
        return min(max((len(i) for i in self.row_ids), default=4), 22) + 1

    def zoomed_width(self) -> int | None:
        """The chart's width at a fixed scale (it scrolls sideways), None to fit the view."""
        scale = ZOOMS[self.zoom]
        if scale is None or self.shown is None or self.shown.forecast is None:
            return None
        first, last = self.span(self.shown)
        return self.label_width() + 2 + (last - first).days // scale + 1

    def cycle_zoom(self) -> str:
        names = list(ZOOMS)
        self.zoom = names[(names.index(self.zoom) + 1) % len(names)]
        if self.shown is not None:
            self.set_shown(self.shown)
        return self.zoom

    def render(self) -> Text:
        shown = self.shown
        width = max(self.size.width, 40)
        if shown is None or shown.forecast is None:
            return Text("waiting for the first forecast...")
        return self.draw(shown, width)

    def span(self, shown: Shown) -> tuple[date, date]:
        """First and last day drawn: from the start (or as_of) to the last P95 or target."""
        plan, forecast = shown.plan, shown.forecast
        assert forecast is not None
        first = min(plan.as_of or plan.start, plan.start)
        ends = [first + timedelta(days=14)]
        for item in shown.visible_items:
            f = forecast.items.get(item.id)
            if f is not None:
                ends += [d for d in (f.finish.p95, f.finish.p80, f.finish.p50) if d is not None]
            if item.target is not None:
                ends.append(item.target)
        return first, max(ends)

    def draw(self, shown: Shown, width: int) -> Text:
        plan, forecast = shown.plan, shown.forecast
        assert forecast is not None
        label_w = self.label_width()
        chart_x = label_w + 1
        chart_w = max(width - chart_x - 1, 10)
        first, last = self.span(shown)
        span = max((last - first).days, 1)

        def col(day: date) -> int:
            return chart_x + round((day - first).days / span * (chart_w - 1))

        calendar = Calendar.of(plan)
        canvas = Canvas(width, len(self.row_ids) + 2)
        as_of_x = col(plan.as_of) if plan.as_of is not None else None
        free_from = 0  # month labels never overwrite each other: a crowded axis shows ticks
        months = _month_starts(first, last)
        if not months or months[0] != first:
            months.insert(0, first)  # the first month is labelled too, where the chart starts
        for n, month in enumerate(months):
            x = col(month)
            label = "╷" + month_label(month, n == 0)
            # nor run off the right edge or under the as-of marker (drawn last): a tick alone
            fits = x >= free_from and x + len(label) <= width
            fits = fits and (as_of_x is None or not x <= as_of_x <= x + len(label))
            canvas.put(x, 0, label if fits else "╷", "dim")
            free_from = x + len(label) + 1 if fits else free_from
        for row, item in enumerate(shown.visible_items, start=1):
            selected = item.id == shown.selected
            canvas.put(0, row, item.id[: label_w - 1], "reverse bold" if selected else "bold")
            if as_of_x is not None:
                canvas.put(as_of_x, row, "│", "magenta")
            f = forecast.items.get(item.id)
            if f is None:
                canvas.put(chart_x, row, "dropped" if item.status == "dropped" else "-", "dim")
                continue
            critical = f.criticality >= CRITICAL
            colour = ("red" if critical else "cyan") + (" dim" if shown.stale else "")
            deps = [forecast.items[d].finish.p50 for d in item.depends_on if d in forecast.items]
            starts = [d for d in deps if d is not None]
            earliest = max(plan.start, plan.as_of or plan.start)
            if item.started is not None:
                begin = item.started
            elif item.status == "done" and item.finished is not None:
                begin = item.finished
            else:  # not before its dependencies' P50, nor before `as_of`
                begin = max([earliest, *starts])
            x0 = col(begin)
            p50, p80, p95 = f.finish.p50, f.finish.p80, f.finish.p95
            right = chart_x + chart_w - 1
            if p50 is None:
                canvas.put(x0, row, "░" * max(right - x0, 1), colour)
                note = f" never ready in {1 - f.p_success:.0%} of futures"
                canvas.put(max(right - len(note), x0), row, note, "bold " + colour)
            else:
                x50 = col(p50)
                canvas.put(x0, row, "█" * max(x50 - x0 + 1, 1), colour)
                if f.wait_days and item.status == "todo":  # waits for its team, then works
                    waited = calendar.start_date(
                        calendar.start_offset(begin) + max(round(f.wait_days), 0)
                    )
                    xw = min(col(waited), x50)
                    if xw > x0:
                        canvas.put(
                            x0, row, "▒" * (xw - x0), "yellow" + (" dim" if shown.stale else "")
                        )
                x80 = col(p80) if p80 is not None else right
                canvas.put(x50 + 1, row, "─" * max(x80 - x50, 0), colour)
                if p95 is None:
                    canvas.put(x80 + 1, row, "┄" * max(right - x80 - 1, 0) + "→", colour)
                else:
                    x95 = col(p95)
                    canvas.put(x80 + 1, row, "┄" * max(x95 - x80 - 1, 0), colour)
                    if x95 > x50:
                        canvas.put(x95, row, "┤", colour)
            if item.target is not None:
                missed = p80 is None or p80 > item.target
                canvas.put(col(item.target), row, "◆", "bold red" if missed else "bold yellow")
        if as_of_x is not None:
            canvas.put(as_of_x, 0, "▼", "bold magenta")
        return canvas.to_text()

    def action_move(self, step: int) -> None:
        if not self.row_ids or self.shown is None:
            return
        current = self.shown.selected
        index = self.row_ids.index(current) if current in self.row_ids else 0
        index = max(0, min(len(self.row_ids) - 1, index + step))
        self.post_message(ItemSelected(self.row_ids[index]))
        self.scroll_visible_row(index + 1)

    def scroll_visible_row(self, row: int) -> None:
        parent = self.parent
        if isinstance(parent, ScrollableContainer):
            parent.scroll_to(y=max(row - parent.size.height // 2, 0), animate=False)

    def on_click(self, event: events.Click) -> None:
        row = event.y - 1
        if 0 <= row < len(self.row_ids):
            self.post_message(ItemSelected(self.row_ids[row]))


class TimelineView(View):
    def compose(self) -> ComposeResult:
        with ScrollableContainer(id="timeline-scroll"):
            yield TimelineChart(id="timeline-chart", classes="main")
        # under the scrolling chart, so it stays on screen however far it scrolls
        yield Static("", id="timeline-legend")

    def show(self, shown: Shown) -> None:
        self.query_one(TimelineChart).set_shown(shown)
        self.show_legend()

    def show_legend(self) -> None:
        chart = self.query_one(TimelineChart)
        zoom = f"zoom {chart.zoom} (z)"
        width = self.size.width or self.app.size.width
        legend = LEGEND
        shown = chart.shown
        if shown is not None and shown.forecast is not None and shown.forecast.teams:
            # plans with teams: the wait for a free unit is drawn apart from the work
            legend = (LEGEND[0] + "▒ waits for its team  ", LEGEND[1])
        one_line = "".join(legend) + "  " + zoom
        text = one_line if len(one_line) <= width else f"{legend[0]}{zoom}\n{legend[1]}"
        self.query_one("#timeline-legend", Static).update(Text(text, style="dim"))

    def zoom(self) -> str:
        zoom = self.query_one(TimelineChart).cycle_zoom()
        self.show_legend()
        return zoom
