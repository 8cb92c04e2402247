"""Answers at a glance, built once for every face: the headline sentence, a risk's effect in
words and the scenario comparison that always has a number.

The TUI, the console and the md/html reports call these functions, so the same forecast
reads the same everywhere. Pure text from forecast results: no rich, no Textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from roadmap_tui.model.types import Metric, Plan
from roadmap_tui.vocabulary import NEVER, P_SUCCESS, plural

if TYPE_CHECKING:
    from roadmap_tui.forecast.effects import RiskEffect
    from roadmap_tui.forecast.result import ForecastResult, ItemForecast

#: Longest name a headline gives its subject before an ellipsis.
NAME_WIDTH = 40


def human_date(day: date) -> str:
    """`13 Sep 2027`: the date as an executive reads it (ISO stays in tables and data)."""
    return f"{day.day} {day:%b %Y}"


def short_date(day: date) -> str:
    """`14 May`: a target's date inside a sentence that already names the year."""
    return f"{day.day} {day:%b}"


def pct(p: float) -> str:
    """A chance in a sentence: whole percents, but never `0%` or `100%` for what can happen."""
    if 0 < p < 0.005:
        return "under 1%"
    if 0.995 <= p < 1:
        return "over 99%"
    return f"{p:.0%}"


def subject(plan: Plan, forecast: ForecastResult) -> str | None:
    """The item a plan's headline is about: its last milestone with a target, else its last
    milestone (in dependency order); None: the plan as a whole."""
    milestones = [f for f in forecast.items.values() if f.kind == "milestone"]
    targeted = [f for f in milestones if f.target is not None]
    chosen = (targeted or milestones or [None])[-1]
    return None if chosen is None else chosen.id


def _name(title: str) -> str:
    """The first clause of a title (`Model ready for customers: launch bar met` -> `Model
    ready for customers`), ellipsised to NAME_WIDTH: a sentence, not a table cell."""
    name = " ".join(re.split(r"[:;,(]| - ", title)[0].split()) or title
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1].rstrip() + "…"


def failure_cause(plan: Plan, forecast: ForecastResult, item_id: str | None) -> str | None:
    """Why the work may never finish: the item upstream (or itself) most likely to fail all
    its attempts, as `3 attempts of rag-answers fail`; None when nothing can fail."""
    inside = forecast.items
    if item_id is None:
        upstream = set(inside)
    else:
        upstream, todo = set(), [item_id]
        while todo:  # the item and its ancestors among the simulated (non-dropped) items
            current = todo.pop()
            if current in upstream or current not in inside:
                continue
            upstream.add(current)
            todo += list(plan.item(current).depends_on)
    odds = []
    for i in upstream:
        item = plan.item(i)
        if item.status not in ("todo", "doing") or item.p_success >= 1:
            continue
        attempts = max(int(item.max_attempts), 1)
        odds.append(((1 - item.p_success) ** attempts, i, attempts))
    if not odds:
        return None
    odds.sort(key=lambda o: (-o[0], o[1]))
    _, worst, attempts = odds[0]
    cause = f"{attempts} attempts of {worst} fail" if attempts > 1 else f"{worst} fails"
    if len(odds) > 1:
        cause += f"; {plural(len(odds) - 1, 'other item')} can fail too"
    return cause


def headline(plan: Plan, forecast: ForecastResult, item_id: str | None = None) -> str:
    """One sentence: when the key milestone (or `item_id`, or the plan) is ready with 80%
    confidence, how likely it is never ready and why, and the chance of its target.

    `Model ready: 80% chance by 13 Sep 2027, 18% chance never (3 attempts of rag-answers
    fail); 25% chance of the 14 May target.`
    """
    item_id = item_id if item_id in forecast.items else subject(plan, forecast)
    f: Any = forecast.plan if item_id is None else forecast.items[item_id]
    name = "The plan" if item_id is None else _name(plan.item(item_id).title)
    finish, p = f.finish, f.p_success
    if finish.p80 is not None:
        when = f"80% chance by {human_date(finish.p80)}"
    elif finish.p50 is not None:
        when = f"50% chance by {human_date(finish.p50)}"
    elif p > 0:
        when = f"only {pct(p)} chance of ever being ready"
    else:
        when = "never ready in any simulated future"
    parts = [when]
    if 0 < p < 1:
        cause = failure_cause(plan, forecast, item_id)
        parts.append(f"{pct(1 - p)} chance {NEVER}" + (f" ({cause})" if cause else ""))
    sentence = f"{name}: " + ", ".join(parts)
    target = getattr(f, "target", None)
    if target is not None and f.p_on_time is not None:
        year = "" if finish.p80 is None or finish.p80.year == target.year else f" {target.year}"
        sentence += f"; {pct(f.p_on_time)} chance of the {short_date(target)}{year} target"
    return sentence + "."


# ---------------------------------------------------------------------------- metrics


def metric_progress(metric: Metric) -> float | None:
    """How far a metric has come toward its target, 0..1: current / target, or target /
    current when the target is below the current value (lower is better, as a latency).
    None without both values or with a non-positive one."""
    current, target = metric.current, metric.target
    if current is None or target is None:
        return None
    if current == target:
        return 1.0
    low, high = sorted((float(current), float(target)))
    if high <= 0 or low < 0:
        return None
    return low / high


def progress_bar(share: float, width: int = 10) -> str:
    """`▰▰▰▰▰▰▰▰▱▱`: a share drawn in `width` cells (a started metric shows at least one)."""
    filled = round(min(max(share, 0.0), 1.0) * width)
    if share > 0 and filled == 0:
        filled = 1
    return "▰" * filled + "▱" * (width - filled)


def metric_text(metric: Metric) -> str:
    """`F1 0.78 of 0.85 (92%)`: a metric and its progress in one phrase."""
    if metric.target is None:
        return metric.name if metric.current is None else f"{metric.name} {metric.current:g}"
    if metric.current is None:
        return f"{metric.name}: target {metric.target:g}"
    progress = metric_progress(metric)
    share = "" if progress is None else f" ({progress:.0%})"
    return f"{metric.name} {metric.current:g} of {metric.target:g}{share}"


# ---------------------------------------------------------------------------- risk effects


def fmt_shift(days: float | None, unit: str = "d") -> str:
    """`+3.5 d`, `-2.0 d`, `±0.0 d`; `-` when there is no number."""
    if days is None:
        return "-"
    text = f"{days:+.1f}"
    if float(text) == 0:
        text = "±" + text.lstrip("+-")
    return f"{text} {unit}"


def fmt_points(shift: float) -> str:
    """A change of a probability in percentage points: `-12 pts`, `±0 pts`."""
    text = f"{100 * shift:+.0f}"
    if float(text) == 0:
        text = "±0"
    return f"{text} pts"


def effect_cells(effect: RiskEffect) -> tuple[str, str, str]:
    """(P80 shift, P(success) shift, worst target) of a risk as table cells.

    The P80 shift carries its standard error; when the P80 is never on either side, the
    shift of the mean finish stands in, marked `mean`.
    """
    if effect.p80_shift_days is not None:
        p80 = fmt_shift(effect.p80_shift_days)
        if effect.p80_shift_se:
            p80 += f" ±{effect.p80_shift_se:.1f}"
    elif effect.mean_shift_days is not None:
        p80 = f"mean {fmt_shift(effect.mean_shift_days)}"
    else:
        p80 = "-"
    worst = effect.worst_target
    target = "-" if worst is None else f"{worst[0]} {fmt_points(worst[1])}"
    return p80, fmt_points(effect.p_success_shift), target


def effect_sentence(effect: RiskEffect) -> str:
    """`moves the plan's P80 by +10.4 ± 2.9 working days (without it: 2027-09-09); ...`."""
    _, success, target = effect_cells(effect)
    if effect.p80_shift_days is not None:
        error = f" ± {effect.p80_shift_se:.1f}" if effect.p80_shift_se else ""
        when = f"moves the plan's P80 by {effect.p80_shift_days:+.1f}{error} working days"
        if effect.p80_without is not None:
            when += f" (without it: {effect.p80_without.isoformat()})"
    elif effect.mean_shift_days is not None:
        when = f"moves the plan's mean finish by {effect.mean_shift_days:+.1f} working days"
    else:
        when = "does not move the plan's finish"
    text = f"{when}; {P_SUCCESS} {success}"
    if effect.worst_target is not None:
        text += f"; P(on time) of {target}"
    return text


# ----------------------------------------------------------------------- scenario comparison


@dataclass(frozen=True)
class Shift:
    """A scenario against the baseline for one figure set (the plan or an item): P50 and P80
    in working days (None where either side is never), P(success) in probability."""

    p50_days: float | None
    p80_days: float | None
    p_success: float
    p_on_time: float | None

    @property
    def headline(self) -> str:
        """The one number that always exists, best first: P80, else P50, else P(success)."""
        if self.p80_days is not None:
            return f"P80 {fmt_shift(self.p80_days)}"
        if self.p50_days is not None:
            return f"P50 {fmt_shift(self.p50_days)}"
        return f"{P_SUCCESS} {fmt_points(self.p_success)}"


def _days(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(b - a, 3) + 0.0


def shift(base: ItemForecast | Any, other: ItemForecast | Any) -> Shift:
    """`other` minus `base` (positive days: later; positive probability: likelier)."""
    b_on, o_on = getattr(base, "p_on_time", None), getattr(other, "p_on_time", None)
    return Shift(
        p50_days=_days(base.finish_days.p50, other.finish_days.p50),
        p80_days=_days(base.finish_days.p80, other.finish_days.p80),
        p_success=round(other.p_success - base.p_success, 6) + 0.0,
        p_on_time=None if b_on is None or o_on is None else round(o_on - b_on, 6) + 0.0,
    )


def shift_cells(s: Shift) -> tuple[str, str, str]:
    """(P50 shift, P80 shift, P(success) shift) as cells: `-` only where a side is never."""
    return fmt_shift(s.p50_days), fmt_shift(s.p80_days), fmt_points(s.p_success)
