"""Calibration: how long done items really took against their estimates (reference classes).

People give estimates that are too tight (Halkjelsvik & Jørgensen 2018); the cure is the
outside view of past actuals (Flyvbjerg 2006). For every done item with `started`,
`finished` and an estimate, the **ratio** is its actual working days divided by the
estimate's mean, both on its plan's calendar. A forecast with calibration multiplies each
open item's drawn duration by a ratio drawn, per run, from the ratios of its kind, when
that kind has at least `MIN_SAMPLES` of them (Hubbard's rule of five), else from all kinds
pooled; with fewer than `MIN_SAMPLES` in all there is no calibration, and `notice` says so.

Pure: plans in, figures out (numpy only).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from roadmap_tui.forecast.stats import quantile_rank
from roadmap_tui.model.calendar import Calendar
from roadmap_tui.model.types import Estimate, Plan

if TYPE_CHECKING:
    from roadmap_tui.forecast.result import ForecastResult

#: Fewest ratios a reference class needs (Hubbard's rule of five).
MIN_SAMPLES = 5
#: The label of all kinds pooled, in tables and JSON.
ALL = "all"
SCHEMA = "roadmap-tui/calibration/1"

_Z80 = 0.8416212335729143  # 80th percentile of the standard normal
_Z90 = 1.2815515655446004


@dataclass(frozen=True)
class Sample:
    """One done item: its estimate against what it took."""

    plan: str
    item_id: str
    kind: str
    actual_days: float
    estimate_mean: float
    low: float
    high: float
    estimate_p80: float

    @property
    def ratio(self) -> float:
        return self.actual_days / self.estimate_mean

    @property
    def inside(self) -> bool:
        """The actual fell inside the estimate's [low, high]."""
        return self.low <= self.actual_days <= self.high

    @property
    def above_p80(self) -> bool:
        return self.actual_days > self.estimate_p80 + 1e-9


@dataclass(frozen=True)
class KindSummary:
    """The ratios of one kind (or of all kinds, `kind == ALL`)."""

    kind: str
    count: int
    median: float
    p80: float
    inside: int
    above_p80: int

    @property
    def share_inside(self) -> float:
        return self.inside / self.count

    @property
    def share_above_p80(self) -> float:
        return self.above_p80 / self.count

    def sentence(self) -> str:
        """`data items took 1.6x their estimate (median of 7); 2 of 7 finished inside their
        range`."""
        who = "all items" if self.kind == ALL else f"{self.kind} items"
        return (
            f"{who} took {self.median:.1f}x their estimate (median of {self.count}); "
            f"{self.inside} of {self.count} finished inside their range"
        )

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "median": round(self.median, 4),
            "p80": round(self.p80, 4),
            "share_inside": round(self.share_inside, 4),
            "share_above_p80": round(self.share_above_p80, 4),
            "sentence": self.sentence(),
        }


@dataclass(frozen=True)
class Calibration:
    """The ratios a calibrated forecast of one plan draws from, and why.

    `ratios` maps each open item's id to the ratios it draws from; `source` maps each kind
    of open item to the reference class used ("data", ..., or ALL when pooled); `notice`
    explains a missing calibration (too few done items). Empty `ratios`: no calibration.
    """

    samples: tuple[Sample, ...]
    ratios: Mapping[str, np.ndarray] = field(default_factory=dict)
    source: Mapping[str, str] = field(default_factory=dict)
    notice: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.ratios)

    def describe(self) -> str:
        """One line for a forecast's heading: what the calibration drew from."""
        if self.notice is not None:
            return self.notice
        parts = [
            f"{kind} items by their kind's {_count(self.samples, src)} ratios"
            if src != ALL
            else f"{kind} items by all {len(self.samples)} ratios pooled"
            for kind, src in self.source.items()
        ]
        return f"calibrated from {len(self.samples)} done items: " + "; ".join(parts)


def _count(samples: Sequence[Sample], kind: str) -> int:
    return sum(1 for s in samples if s.kind == kind)


def estimate_p80(estimate: Estimate) -> float:
    """The 80th percentile of one draw of the estimate (the engine's distributions)."""
    lo, ml, hi = float(estimate.low), float(estimate.likely), float(estimate.high)
    if estimate.is_fixed:
        return ml
    kind = estimate.distribution
    if kind == "uniform":
        return lo + 0.8 * (hi - lo)
    if kind == "triangular":
        c = (ml - lo) / (hi - lo)
        if c >= 0.8:
            return lo + math.sqrt(0.8 * (hi - lo) * (ml - lo))
        return hi - math.sqrt(0.2 * (hi - lo) * (hi - ml))
    if kind == "lognormal":
        if lo > 0:
            mu = (math.log(lo) + math.log(hi)) / 2
            sigma = (math.log(hi) - math.log(lo)) / (2 * _Z90)
            return math.exp(mu + _Z80 * sigma)
        return max((lo + hi) / 2 + _Z80 * (hi - lo) / (2 * _Z90), 0.0)
    # PERT: Beta(a, b) on [low, high]; its CDF by the trapezoid rule on a fine grid (no scipy)
    span = hi - lo
    a, b = 1 + 4 * (ml - lo) / span, 1 + 4 * (hi - ml) / span
    x = np.linspace(0.0, 1.0, 20_001)
    with np.errstate(divide="ignore"):
        log_pdf = (a - 1) * np.log(x) + (b - 1) * np.log1p(-x)
    pdf = np.exp(log_pdf)
    cdf = np.concatenate([[0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2)])
    cdf /= cdf[-1]
    return lo + span * float(np.interp(0.8, cdf, x))


def samples_of(plan: Plan, source: str | None = None) -> list[Sample]:
    """Every done item of `plan` with started, finished and an estimate whose mean is > 0."""
    calendar = Calendar.of(plan)
    out: list[Sample] = []
    for item in plan.items:
        est = item.estimate
        if item.status != "done" or item.started is None or item.finished is None or est is None:
            continue
        mean = est.mean
        if not mean > 0:
            continue
        actual = max(calendar.end_offset(item.finished) - calendar.start_offset(item.started), 0)
        out.append(
            Sample(
                plan=source or plan.name,
                item_id=item.id,
                kind=item.kind,
                actual_days=float(actual),
                estimate_mean=float(mean),
                low=float(est.low),
                high=float(est.high),
                estimate_p80=estimate_p80(est),
            )
        )
    return out


def summarise(samples: Sequence[Sample], kind: str) -> KindSummary | None:
    """Count, median and P80 of the ratios of `kind` (ALL: every sample); None if none."""
    chosen = [s for s in samples if kind == ALL or s.kind == kind]
    if not chosen:
        return None
    ratios = np.sort(np.array([s.ratio for s in chosen]))
    return KindSummary(
        kind=kind,
        count=len(chosen),
        median=float(np.median(ratios)),
        p80=float(ratios[quantile_rank(0.8, ratios.size)]),
        inside=sum(s.inside for s in chosen),
        above_p80=sum(s.above_p80 for s in chosen),
    )


def summaries(samples: Sequence[Sample]) -> list[KindSummary]:
    """One summary per kind that has samples (in order of first appearance), then ALL."""
    kinds = list(dict.fromkeys(s.kind for s in samples))
    found = [summarise(samples, k) for k in [*kinds, ALL]]
    return [s for s in found if s is not None]


def calibrate(plan: Plan, extra: Iterable[Sample] = ()) -> Calibration:
    """The ratios every open item of `plan` draws from: its kind's, else pooled, else none."""
    samples = (*samples_of(plan), *extra)
    if len(samples) < MIN_SAMPLES:
        return Calibration(
            samples,
            notice=(
                f"no calibration: {len(samples)} done item(s) with started, finished and an "
                f"estimate; at least {MIN_SAMPLES} are needed"
            ),
        )
    pooled = np.array([s.ratio for s in samples], dtype=np.float64)
    by_kind = {
        kind: np.array([s.ratio for s in samples if s.kind == kind], dtype=np.float64)
        for kind in dict.fromkeys(s.kind for s in samples)
    }
    ratios: dict[str, np.ndarray] = {}
    source: dict[str, str] = {}
    for item in plan.items:
        if not item.is_open or item.duration.high <= 0:
            continue  # nothing to scale: done, dropped, or takes no time (a milestone)
        own = by_kind.get(item.kind)
        if own is not None and own.size >= MIN_SAMPLES:
            ratios[item.id], source[item.kind] = own, item.kind
        else:
            ratios[item.id], source[item.kind] = pooled, ALL
    return Calibration(samples, ratios, source)


def to_json_dict(samples: Sequence[Sample], calibration: Calibration | None = None) -> dict:
    """The `roadmap calibrate --json` document."""
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "min_samples": MIN_SAMPLES,
        "kinds": [s.to_json_dict() for s in summaries(samples)],
        "samples": [
            {
                "plan": s.plan,
                "id": s.item_id,
                "kind": s.kind,
                "actual_days": s.actual_days,
                "estimate_mean": round(s.estimate_mean, 4),
                "ratio": round(s.ratio, 4),
                "inside": s.inside,
                "above_p80": s.above_p80,
            }
            for s in samples
        ],
    }
    if calibration is not None:
        out["source"] = dict(calibration.source)
        out["notice"] = calibration.notice
    return out


def calibrated_forecast(
    plan: Plan,
    calibration: Calibration,
    **kwargs: Any,
) -> ForecastResult | None:
    """The plan's forecast with calibration (None when there is none), with the same
    runs, seed, scenario and as_of as the baseline: `kwargs` go to `simulate` as they are.

    The ratio has a stream of its own, so this and the baseline share every other draw
    (common random numbers): the difference is the calibration, not noise.
    """
    from roadmap_tui.forecast.engine import simulate

    if not calibration.active:
        return None
    return simulate(plan, calibration=calibration.ratios, **kwargs)
