"""Frozen result types of a forecast, and their JSON form (schema in docs/forecast.md).

Every number here is derived from the stored runs; nothing is smoothed or invented. A
percentile that falls among runs in which the item never completes is None ("never" in
that share of futures). Days are working-day offsets from the plan start, rounded to
3 decimals; dates follow the calendar convention of model/calendar.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

#: Version tag of the JSON schema; bump it on any incompatible change. Version 2: an item's
#: `curve` is there only for milestones, or for every item when asked (`--curves`).
SCHEMA = "roadmap-tui/forecast/2"
#: Schema tag of `roadmap simulate --compare --json`: {"schema", "results": [baseline, ...]}.
COMPARE_SCHEMA = "roadmap-tui/forecast-compare/1"

#: The percentile keys, in the order they are shown and serialised.
PERCENTILE_KEYS: tuple[str, ...] = ("mean", "p10", "p50", "p80", "p95")


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


@dataclass(frozen=True)
class Percentiles:
    """Finish as working-day offsets. `mean` is over the runs that complete."""

    mean: float | None
    p10: float | None
    p50: float | None
    p80: float | None
    p95: float | None

    def get(self, key: str) -> float | None:
        return getattr(self, key)

    def to_json_dict(self) -> dict[str, float | None]:
        return {key: self.get(key) for key in PERCENTILE_KEYS}


@dataclass(frozen=True)
class DatePercentiles:
    """The same figures as Percentiles, as the calendar dates on which the work is finished."""

    mean: date | None
    p10: date | None
    p50: date | None
    p80: date | None
    p95: date | None

    def get(self, key: str) -> date | None:
        return getattr(self, key)

    def to_json_dict(self) -> dict[str, str | None]:
        return {key: _iso(self.get(key)) for key in PERCENTILE_KEYS}


@dataclass(frozen=True, eq=False)
class ReadinessCurve:
    """P(complete by the end of working-day offset `days[j]`), on a grid shared by all items.

    `dates[j]` is the calendar day on which work ending at offset `days[j]` is finished. The
    curve plateaus at p_success for work that may never complete. Arrays are read-only.
    """

    days: np.ndarray
    dates: tuple[date, ...]
    prob: np.ndarray

    def shares(self) -> np.ndarray:
        """Share of runs finishing in each grid bin, (days[j-1], days[j]] (by days[0] for
        j = 0): the histogram of an item's finish on the curve's grid. Sums to p_success."""
        return np.diff(self.prob, prepend=0.0)

    def to_json_dict(self) -> dict[str, list[Any]]:
        return {
            "days": np.asarray(self.days, dtype=np.float64).tolist(),
            "dates": [d.isoformat() for d in self.dates],
            "prob": np.asarray(self.prob, dtype=np.float64).tolist(),
        }


@dataclass(frozen=True, eq=False)
class Histogram:
    """Counts of the plan's finish (working days) in bins `edges[k] < x <= edges[k+1]`.

    `never` counts the runs in which the plan never completes; they are in no bin.
    """

    edges: np.ndarray
    counts: np.ndarray
    never: int

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "edges": [float(e) for e in self.edges],
            "counts": [int(c) for c in self.counts],
            "never": int(self.never),
        }


@dataclass(frozen=True)
class ItemForecast:
    """What the runs say about one item (dropped items have none)."""

    id: str
    title: str
    kind: str
    status: str
    target: date | None
    p_success: float
    finish_days: Percentiles
    finish: DatePercentiles
    p_on_time: float | None
    criticality: float
    sensitivity: float
    mean_duration: float
    deterministic_days: float
    deterministic_date: date
    curve: ReadinessCurve
    #: mean working days it waited for a unit of its team; None: no team (or no teams)
    wait_days: float | None = None
    #: whether the plan has teams: only then is `wait_days` part of the JSON
    with_teams: bool = False

    def to_json_dict(self, *, curve: bool = True) -> dict[str, Any]:
        """`curve=False` leaves the readiness curve out (most of the bytes of an item)."""
        data = {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "status": self.status,
            "target": _iso(self.target),
            "p_success": self.p_success,
            "finish_days": self.finish_days.to_json_dict(),
            "finish": self.finish.to_json_dict(),
            "p_on_time": self.p_on_time,
            "criticality": self.criticality,
            "sensitivity": self.sensitivity,
            "mean_duration": self.mean_duration,
            "deterministic_days": self.deterministic_days,
            "deterministic_date": self.deterministic_date.isoformat(),
        }
        if curve:
            data["curve"] = self.curve.to_json_dict()
        if self.with_teams:
            data["wait_days"] = self.wait_days
        return data


@dataclass(frozen=True)
class PlanForecast:
    """The plan as a whole: finished when every (non-dropped) item is.

    `p80_interval` is a `confidence` (95 %) interval of the P80 from order statistics: if it
    is wide, more runs are needed. `deterministic_*` is what a spreadsheet would say: every
    estimate at its most likely value, no failures, no risks.
    """

    p_success: float
    finish_days: Percentiles
    finish: DatePercentiles
    p80_interval: tuple[float | None, float | None]
    p80_interval_dates: tuple[date | None, date | None]
    confidence: float
    deterministic_days: float
    deterministic_date: date
    curve: ReadinessCurve
    histogram: Histogram

    def to_json_dict(self) -> dict[str, Any]:
        low, high = self.p80_interval
        low_date, high_date = self.p80_interval_dates
        return {
            "p_success": self.p_success,
            "finish_days": self.finish_days.to_json_dict(),
            "finish": self.finish.to_json_dict(),
            "p80_interval": {
                "confidence": self.confidence,
                "low": low,
                "high": high,
                "low_date": _iso(low_date),
                "high_date": _iso(high_date),
            },
            "deterministic_days": self.deterministic_days,
            "deterministic_date": self.deterministic_date.isoformat(),
            "histogram": self.histogram.to_json_dict(),
            "curve": self.curve.to_json_dict(),
        }


@dataclass(frozen=True, eq=False)
class TeamForecast:
    """One team's load. `utilisation` is the capacity-days its items used up to the plan's
    P50 finish over the capacity-days it had then, averaged over the runs; the weekly load
    and the peak queue are those of the median run (the run whose finish is the P50)."""

    id: str
    title: str
    capacity: int | tuple[tuple[date, int], ...]
    utilisation: float
    peak_queue: int
    #: busy units (mean over the week's working days) of each week of the median run
    load: tuple[float, ...] = ()
    #: the capacity at the start of each of those weeks
    load_capacity: tuple[int, ...] = ()
    #: working days in a week: week w covers offsets [w * week_days, (w + 1) * week_days)
    week_days: int = 5

    def to_json_dict(self) -> dict[str, Any]:
        cap: Any = self.capacity
        if not isinstance(cap, int):
            cap = [[day.isoformat(), units] for day, units in cap]
        return {
            "title": self.title,
            "capacity": cap,
            "utilisation": self.utilisation,
            "peak_queue": self.peak_queue,
        }


@dataclass(frozen=True)
class ForecastResult:
    """One forecast: a plan (optionally under a scenario) simulated `runs` times from `seed`.

    `items` maps id -> ItemForecast in topological order; dropped items are absent. Treat the
    mapping as read-only.
    """

    runs: int
    seed: int
    scenario: str | None
    start: date
    as_of: date | None
    items: Mapping[str, ItemForecast]
    plan: PlanForecast
    sensitivity_runs: int
    #: id -> load of each team, in file order; empty when the plan has no teams
    teams: Mapping[str, TeamForecast] = field(default_factory=dict)

    def top_sensitivities(self, n: int = 5) -> list[ItemForecast]:
        """The items whose drawn duration moves the plan's finish most (tornado order)."""
        ranked = sorted(self.items.values(), key=lambda f: (-abs(f.sensitivity), f.id))
        return [f for f in ranked[:n] if f.sensitivity != 0.0]

    def milestones(self) -> list[ItemForecast]:
        return [f for f in self.items.values() if f.kind == "milestone"]

    def to_json_dict(self, *, curves: bool = False) -> dict[str, Any]:
        """Plain JSON types only; `json.dumps(..., indent=2)` of it is byte-stable for a seed.

        The plan's curve and every milestone's are always there; the other items' only with
        `curves` (`--curves`): at 1,000 items they would be 90% of the document.
        """
        return {
            "schema": SCHEMA,
            "runs": self.runs,
            "seed": self.seed,
            "scenario": self.scenario,
            "start": self.start.isoformat(),
            "as_of": _iso(self.as_of),
            "sensitivity_runs": self.sensitivity_runs,
            "plan": self.plan.to_json_dict(),
            "items": [
                f.to_json_dict(curve=curves or f.kind == "milestone") for f in self.items.values()
            ],
            **(
                {"teams": {k: t.to_json_dict() for k, t in self.teams.items()}}
                if self.teams
                else {}
            ),
        }


def compare_to_json_dict(
    results: Mapping[str | None, ForecastResult], *, curves: bool = False
) -> dict[str, Any]:
    """The `simulate --compare --json` document: the baseline first, then each scenario."""
    return {
        "schema": COMPARE_SCHEMA,
        "results": [r.to_json_dict(curves=curves) for r in results.values()],
    }
