"""Publication-quality forecast charts with matplotlib (Agg canvas, no pyplot global state).

Only `svg`, `png` and `html` exports import this module, so text exports stay free of
matplotlib. The figure functions take plain values (dates, arrays, labels) so they are tested
without running a forecast; `render_chart` adapts a `ReportData`. SVG output is byte-stable
(fixed `svg.hashsalt`, no date in the metadata) so committed charts diff cleanly.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from roadmap_tui.report.common import CHARTS, ReportData, p50_schedule

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from roadmap_tui.report.history import History

# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, GREY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#555555",
)
SERIES = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILION, "#F0E442", GREY)

_RC = {
    "svg.hashsalt": "roadmap-tui",
    "svg.fonttype": "path",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Bar:
    """One row of the timeline: the P50 bar, P80/P95 bands and an optional target."""

    label: str
    start: date
    p50: date
    p80: date | None
    p95: date | None
    target: date | None = None
    milestone: bool = False
    done: bool = False


@dataclass(frozen=True)
class Curve:
    """P(ready by date): `dates` (anything numpy reads as datetime64[D]) and probabilities."""

    label: str
    dates: Sequence[date] | np.ndarray
    prob: Sequence[float] | np.ndarray


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _date_axis(ax, axis: str = "x") -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    target = ax.xaxis if axis == "x" else ax.yaxis
    # the margins around dates clamped at 9999-01-01 (model.calendar) must stay within the
    # years matplotlib can show (1-9999)
    lo, hi = target.get_view_interval()
    last = mdates.date2num(date(9999, 12, 31))
    if hi > last:
        (ax.set_xlim if axis == "x" else ax.set_ylim)(min(lo, last - 1), last)
    target.set_major_locator(locator)
    target.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _short(text: str, width: int = 42) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color=GREY)


def _end(day: date) -> date:
    """A finish date is the end of that day: bars reach the next midnight (date.max, the
    last day a date can be, ends where it starts)."""
    return day + timedelta(days=1) if day < date.max else day


def timeline_figure(bars: Sequence[Bar], title: str, plan_p80: date | None = None) -> Figure:
    """Gantt of P50 bars with P80 and P95 uncertainty bands, targets and milestones."""
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    n = max(len(bars), 1)
    fig = _figure(10, 1.6 + 0.32 * n)
    ax = fig.add_subplot()
    num = mdates.date2num
    for row, bar in enumerate(bars):
        y = row
        if bar.milestone:
            ax.plot(num(bar.p50), y, marker="D", color=PURPLE, markersize=7, zorder=3)
            if bar.p80 is not None:
                ax.hlines(y, num(bar.p50), num(bar.p80), color=PURPLE, lw=2.5, alpha=0.6)
            if bar.p95 is not None:
                ax.hlines(y, num(bar.p80 or bar.p50), num(bar.p95), color=PURPLE, lw=1, alpha=0.5)
        else:
            start, p50 = num(bar.start), num(_end(bar.p50))
            colour = "#9a9a9a" if bar.done else BLUE
            ax.barh(y, p50 - start, left=start, height=0.6, color=colour, zorder=2)
            if bar.p80 is not None:
                p80 = num(_end(bar.p80))
                ax.barh(y, p80 - p50, left=p50, height=0.6, color=SKY, alpha=0.75, zorder=2)
                if bar.p95 is not None:
                    p95 = num(_end(bar.p95))
                    ax.barh(y, p95 - p80, left=p80, height=0.6, color=SKY, alpha=0.3, zorder=2)
        missing = "P80" if bar.p80 is None else "P95" if bar.p95 is None else None
        if bar.done:
            missing = None
        if missing is not None:  # that percentile falls among futures where it never completes
            reach = bar.p50 if bar.p80 is None else bar.p80
            ax.annotate(
                f"{missing} not ready",
                (num(_end(reach)), y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color=GREY,
            )
        if bar.target is not None:
            ax.plot(
                num(_end(bar.target)),
                y,
                marker="|",
                color=VERMILION,
                markersize=14,
                mew=2.5,
                zorder=4,
            )
    if plan_p80 is not None:
        ax.axvline(num(_end(plan_p80)), color=GREY, ls="--", lw=1)
        ax.annotate(
            f"plan P80 {plan_p80.isoformat()}",
            (num(_end(plan_p80)), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-3, -2),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=8,
            color=GREY,
        )
    ax.set_yticks(range(len(bars)), [_short(b.label) for b in bars])
    ax.set_ylim(n - 0.5, -0.5)
    if not bars:
        _empty(ax, "No item is ready in half of the futures: nothing to draw at P50.")
    _date_axis(ax)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel("Date (working-day calendar of the plan)")
    ax.set_title(title)
    ax.legend(
        handles=[
            Patch(color=BLUE, label="P50 (median) duration"),
            Patch(color="#9a9a9a", label="done"),
            Patch(color=SKY, alpha=0.75, label="P50 to P80"),
            Patch(color=SKY, alpha=0.3, label="P80 to P95"),
            Line2D([], [], marker="D", color=PURPLE, ls="", label="milestone (P50, to P80/P95)"),
            Line2D([], [], marker="|", color=VERMILION, ls="", mew=2.5, ms=10, label="target"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08 - 0.6 / n),
        ncols=3,
        frameon=False,
        fontsize=8,
    )
    return fig


def plateau_note(prob: Sequence[float] | np.ndarray) -> str | None:
    """`plateaus at 72%: not ready in 28% of futures` when a curve never reaches 1."""
    values = np.asarray(prob, dtype=float)
    if values.size == 0:
        return "never ready"
    top = float(values[-1])
    if top >= 0.995:  # shown as 100%
        return None
    return f"plateaus at {100 * top:.0f}%: not ready in {100 * (1 - top):.0f}% of futures"


def scurve_figure(curves: Sequence[Curve], title: str) -> Figure:
    """S-curves of P(ready by date), with a note on every curve that plateaus below 1."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import PercentFormatter

    fig = _figure(9, 5.2)
    ax = fig.add_subplot()
    notes: list[str] = []
    for k, curve in enumerate(curves):
        days = np.asarray(curve.dates, dtype="datetime64[D]")
        prob = np.asarray(curve.prob, dtype=float)
        colour = SERIES[k % len(SERIES)]
        width = 2.4 if k == 0 else 1.5
        style = ("-", "--", "-.", ":")[k % 4]  # curves that coincide stay visible
        label = _short(curve.label, 48)
        note = plateau_note(prob)
        if note is not None:
            label += f" ({note.split(':')[0]})"
            notes.append(f"{_short(curve.label, 40)}: {note}")
        if days.size:
            x = mdates.date2num(days)
            ax.step(x, prob, where="post", color=colour, lw=width, ls=style, label=label)
            ax.plot(x[-1], prob[-1], marker="o", color=colour, ms=3)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    levels = [0.5, 0.8, 0.95]
    for level in levels:
        ax.axhline(level, color="#bbbbbb", ls=":", lw=0.8)
    right = ax.twinx()  # the percentile a horizontal line stands for, on the right edge
    right.set_ylim(ax.get_ylim())
    right.set_yticks(levels, ["P50", "P80", "P95"], fontsize=7, color=GREY)
    right.spines[["top", "right"]].set_visible(False)
    _date_axis(ax)
    ax.grid(color="#eeeeee", lw=0.6)
    ax.set_xlabel("Ready by (date)")
    ax.set_ylabel("P(ready by date)")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, fontsize=8, frameon=False)
    if notes:
        ax.text(
            0.01,
            0.98,
            "\n".join(notes),
            transform=ax.transAxes,
            va="top",
            fontsize=7.5,
            color=VERMILION,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )
    return fig


def tornado_figure(
    labels: Sequence[str], values: Sequence[float], title: str, top: int = 15
) -> Figure:
    """Sensitivities sorted by magnitude, the largest on top (a tornado)."""
    pairs = sorted(zip(labels, values, strict=True), key=lambda p: (-abs(p[1]), p[0]))[:top]
    n = max(len(pairs), 1)
    fig = _figure(9, 1.4 + 0.34 * n)
    ax = fig.add_subplot()
    ys = range(len(pairs))
    vals = [v for _, v in pairs]
    ax.barh(ys, vals, color=[VERMILION if v >= 0 else BLUE for v in vals], height=0.65)
    for y, v in zip(ys, vals, strict=True):
        ax.annotate(
            f"{v:+.2f}",
            (v, y),
            xytext=(3 if v >= 0 else -3, 0),
            textcoords="offset points",
            ha="left" if v >= 0 else "right",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(list(ys), [_short(label) for label, _ in pairs])
    ax.set_ylim(n - 0.5, -0.5)
    if not pairs:
        _empty(ax, "No item's duration varies: the finish date has no uncertainty to explain.")
    span = max([abs(v) for v in vals] + [0.1]) * 1.2
    ax.set_xlim(-span, span)
    ax.axvline(0, color="black", lw=0.8)
    ax.grid(axis="x", color="#eeeeee", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel("Spearman rank correlation of the item's duration with the plan finish")
    ax.set_title(title)
    return fig


def render(fig: Figure, fmt: str) -> bytes:
    """SVG or PNG bytes; the same figure always gives the same bytes."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": _RC["svg.hashsalt"]}):
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None})
        elif fmt == "png":
            fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
        else:
            raise ValueError(f"unknown image format {fmt!r}")
    return buf.getvalue()


# ----------------------------------------------------------------------------- adapters


def timeline_bars(data: ReportData) -> list[Bar]:
    fc = data.forecast
    bars = []
    for s in p50_schedule(data):
        item, f = data.plan.item(s.id), fc.items[s.id]
        bars.append(
            Bar(
                label=item.title,
                start=s.start,
                p50=s.finish,
                p80=f.finish.p80,
                p95=f.finish.p95,
                target=item.target,
                milestone=s.milestone,
                done=item.status == "done",
            )
        )
    return bars


def scurves(data: ReportData) -> list[Curve]:
    fc = data.forecast
    out = [Curve("Plan finish", fc.plan.curve.dates, fc.plan.curve.prob)]
    for item_id in data.milestones:
        curve = fc.items[item_id].curve
        out.append(Curve(data.plan.item(item_id).title, curve.dates, curve.prob))
    return out


def make_figure(data: ReportData, chart: str) -> Figure:
    fc = data.forecast
    runs = f"{fc.runs} runs, seed {fc.seed}"
    with _rc():
        if chart == "timeline":
            return timeline_figure(
                timeline_bars(data),
                f"{_short(data.title, 60)}: forecast timeline ({runs})",
                fc.plan.finish.p80,
            )
        if chart == "scurve":
            return scurve_figure(
                scurves(data), f"{_short(data.title, 60)}: P(ready by date) ({runs})"
            )
        if chart == "tornado":
            ids = [i for i, f in fc.items.items() if f.sensitivity]  # 0: takes no time
            return tornado_figure(
                [data.plan.item(i).title for i in ids],
                [float(fc.items[i].sensitivity) for i in ids],
                f"{_short(data.title, 60)}: what drives the finish date ({runs})",
            )
    raise ValueError(f"unknown chart {chart!r}; expected one of {', '.join(CHARTS)}")


def _rc():
    import matplotlib

    return matplotlib.rc_context(_RC)


def render_chart(data: ReportData, chart: str, fmt: str) -> bytes:
    with _rc():
        return render(make_figure(data, chart), fmt)


# ----------------------------------------------------------------------------- history


@dataclass(frozen=True)
class Trend:
    """One line pair of the milestone trend chart: P50 and P80 forecast at each commit date."""

    label: str
    commits: Sequence[date]
    p50: Sequence[date | None]
    p80: Sequence[date | None]


def trend_figure(trends: Sequence[Trend], title: str) -> Figure:
    """Milestone trend analysis (a slip chart): commit date across, forecast date up; a
    rising line is a slip. The diagonal is the commit date itself: a forecast on it is due
    that day."""
    import matplotlib.dates as mdates

    fig = _figure(9, 5.2)
    ax = fig.add_subplot()
    lows: list[date] = []  # first and last commit of each line
    highs: list[date] = []
    for k, trend in enumerate(trends):
        colour = SERIES[k % len(SERIES)]
        for values, style, name in ((trend.p50, "-", "P50"), (trend.p80, "--", "P80")):
            pairs = [(c, v) for c, v in zip(trend.commits, values, strict=True) if v is not None]
            if not pairs:
                continue
            xs = mdates.date2num(np.array([c for c, _ in pairs], dtype="datetime64[D]"))
            ys = mdates.date2num(np.array([v for _, v in pairs], dtype="datetime64[D]"))
            ax.plot(
                xs,
                ys,
                ls=style,
                marker="o",
                ms=3,
                color=colour,
                label=f"{_short(trend.label, 40)} {name}",
            )
            lows.append(pairs[0][0])
            highs.append(pairs[-1][0])
    if not lows:
        _empty(ax, "No commit of the plan gave a forecast date.")
    else:  # over the commits only: the diagonal over the forecasts would squash them
        line = mdates.date2num(np.array([min(lows), max(highs)], dtype="datetime64[D]"))
        ax.plot(line, line, color=GREY, lw=0.8, ls=":", label="due on the commit date")
    _date_axis(ax, "x")
    _date_axis(ax, "y")
    ax.grid(color="#eeeeee", lw=0.6)
    ax.set_xlabel("Commit date (when the forecast was made)")
    ax.set_ylabel("Forecast finish date")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize=8, frameon=False)
    return fig


def history_trends(history: History) -> list[Trend]:
    """The plan finish, then every milestone, from a report.history.History."""
    commits = [p.date for p in history.points]
    out = [
        Trend(
            "Plan finish", commits, [p.p50 for p in history.points], [p.p80 for p in history.points]
        )
    ]
    for mid in history.milestone_ids():
        found = [next((m for m in p.milestones if m.id == mid), None) for p in history.points]
        title = next(m.title for m in found if m is not None)
        out.append(
            Trend(
                title,
                commits,
                [None if m is None else m.p50 for m in found],
                [None if m is None else m.p80 for m in found],
            )
        )
    return out


def render_history_chart(history: History, fmt: str) -> bytes:
    """`export --chart history`: the trend chart of a History as svg or png bytes."""
    title = (
        f"{_short(Path(history.path).name, 50)}: forecast at every commit "
        f"({history.runs} runs, seed {history.seed})"
    )
    with _rc():
        return render(trend_figure(history_trends(history), title), fmt)
