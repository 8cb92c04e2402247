"""Terminal rendering of calibration (`roadmap calibrate`, `roadmap simulate --calibrate`).

Layout only: every figure comes from forecast/calibration.py and the engine.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from roadmap_tui.console.tables import new_table, pct
from roadmap_tui.forecast import ForecastResult
from roadmap_tui.forecast.calibration import MIN_SAMPLES, Calibration, Sample, summaries
from roadmap_tui.report.common import fmt_date


def render_calibration(
    name: str, samples: Sequence[Sample], calibration: Calibration, console: Console
) -> None:
    """Per kind and overall: count, median and P80 of the ratios, and the two shares."""
    plans = len({s.plan for s in samples})
    origin = f" from {plans} plans" if plans > 1 else ""
    console.print(
        Text(
            f"Calibration of {name}: {len(samples)} done items with started, finished and an "
            f"estimate{origin} (ratio = actual working days / estimate mean)",
            style="bold",
        )
    )
    if not samples:
        console.print(f"  no done items to learn from; at least {MIN_SAMPLES} are needed")
        return
    table = new_table("")
    table.add_column("Kind", no_wrap=True)
    for head in ("Count", "Median", "P80", "Inside range", "Above est. P80"):
        table.add_column(head, justify="right", no_wrap=True)
    found = summaries(samples)
    for k, s in enumerate(found):
        table.add_row(
            s.kind,
            str(s.count),
            f"{s.median:.2f}x",
            f"{s.p80:.2f}x",
            f"{s.inside} of {s.count} ({pct(s.share_inside)})",
            f"{s.above_p80} of {s.count} ({pct(s.share_above_p80)})",
            end_section=k == len(found) - 2,
        )
    console.print(table)
    for s in found:
        console.print(f"  {s.sentence()}")
    console.print(Text(calibration.describe(), style="italic"))


def calibrated_table(
    base: ForecastResult, calibrated: ForecastResult, calibration: Calibration
) -> Table:
    """The plan finish and every milestone: uncalibrated and calibrated side by side."""
    table = new_table(
        "Calibrated against uncalibrated (same runs and seed: the difference is the calibration)"
    )
    table.add_column("", overflow="fold", min_width=8)
    for head in ("P50", "P80", "cal. P50", "cal. P80", "P(success)"):
        table.add_column(head, justify="right", no_wrap=True)
    rows = [(None, "plan finish")] + [(f.id, f"◆\u00a0{f.id}") for f in base.milestones()]
    for item_id, label in rows:
        a = base.plan if item_id is None else base.items[item_id]
        b = calibrated.plan if item_id is None else calibrated.items[item_id]
        table.add_row(
            label,
            fmt_date(a.finish.p50),
            fmt_date(a.finish.p80),
            fmt_date(b.finish.p50),
            fmt_date(b.finish.p80),
            pct(b.p_success),  # a ratio scales durations, never success: the same
        )
    table.caption = calibration.describe()
    table.caption_justify = "left"
    return table
