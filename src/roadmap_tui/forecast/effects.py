"""What each risk costs the plan: the forecast with and without it, on the same runs.

A risk's effect is the plan's P80 (and P50, mean, P(success), every target's P(on time))
with the risk minus the same figure with the risk switched off. Every item and risk draws
from its own streams (engine.py), so switching one risk off leaves every other draw of
every run unchanged: the two forecasts differ by that risk alone (common random numbers),
and a few thousand runs rank risks whose effects two independent forecasts could not tell
apart. The first `RISK_EFFECT_RUNS` runs are used (the same runs as the forecast's first
ones: streams are consumed run by run), which keeps a re-forecast in the editor fast. Each
shift carries its standard error: for the mean, from the paired differences; for the P80,
from a fixed-seed bootstrap of the runs. The method is documented in docs/forecast.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from roadmap_tui.forecast.engine import (
    DEFAULT_CHUNK,
    _Model,
    build_model,
    prepare,
    simulate,
)
from roadmap_tui.forecast.result import ForecastResult
from roadmap_tui.forecast.stats import quantile_rank
from roadmap_tui.model.calendar import Calendar
from roadmap_tui.model.types import Plan

#: Runs per forecast of a risk's effect: the paired difference of the P80 has a standard
#: error of about a working day on the example plans at 2,000 runs (docs/forecast.md).
RISK_EFFECT_RUNS = 2_000
#: Bootstrap resamples for the standard error of a P80 shift (fixed seed: byte-stable).
BOOTSTRAP = 200

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RiskEffect:
    """How much one risk moves the plan: `with the risk` minus `without it`, same runs.

    Day shifts are working days (positive: the risk makes the plan later); probability
    shifts are fractions (negative: the risk makes success or a target less likely). A shift
    is None when a percentile is `never` on either side.
    """

    id: str
    title: str
    probability: float
    affects: tuple[str, ...]
    p80_shift_days: float | None
    p80_shift_se: float | None
    p50_shift_days: float | None
    mean_shift_days: float | None
    mean_shift_se: float | None
    p_success_shift: float
    p_on_time_shift: tuple[tuple[str, float], ...]  # (target item, shift), dependency order
    p80_without: date | None

    @property
    def days(self) -> float:
        """The figure risks are ranked by: the P80 shift, else the mean shift, else 0."""
        for value in (self.p80_shift_days, self.mean_shift_days):
            if value is not None:
                return value
        return 0.0

    @property
    def worst_target(self) -> tuple[str, float] | None:
        """The target whose P(on time) the risk lowers most, if it lowers any."""
        worst = min(self.p_on_time_shift, key=lambda t: (t[1], t[0]), default=None)
        return worst if worst is not None and worst[1] < 0 else None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "probability": self.probability,
            "affects": list(self.affects),
            "p80_shift_days": self.p80_shift_days,
            "p80_shift_se": self.p80_shift_se,
            "p50_shift_days": self.p50_shift_days,
            "mean_shift_days": self.mean_shift_days,
            "mean_shift_se": self.mean_shift_se,
            "p_success_shift": self.p_success_shift,
            "p_on_time_shift": {item: shift for item, shift in self.p_on_time_shift},
            "p80_without": None if self.p80_without is None else self.p80_without.isoformat(),
        }


@dataclass(frozen=True)
class RiskEffects:
    """Every risk's effect, largest first, and the runs they were measured on."""

    runs: int
    seed: int
    scenario: str | None
    effects: tuple[RiskEffect, ...]

    def get(self, risk_id: str) -> RiskEffect | None:
        return next((e for e in self.effects if e.id == risk_id), None)

    def to_json_list(self) -> list[dict[str, Any]]:
        """The `risks` list of `roadmap simulate --json`, largest effect first."""
        return [{**e.to_json_dict(), "runs": self.runs} for e in self.effects]


def _round(x: float) -> float | None:
    return round(float(x), 3) + 0.0 if math.isfinite(x) else None


class _Runs:
    """Per-run plan finish and target finishes of one version of the plan (float64)."""

    def __init__(self, n: int, targets: int) -> None:
        self.plan = np.empty(n)
        self.target = np.empty((targets, n))

    def record(self, model: _Model, rows: list[int], finish: np.ndarray, done: int) -> None:
        k = finish.shape[1]
        # the plan is finished when every item is (inf: some item never is)
        self.plan[done : done + k] = finish.max(axis=0) if len(finish) else model.as_of_offset
        self.target[:, done : done + k] = finish[rows]


class _Measure:
    """The plan's runs and the runs without each risk the engine simulates, from the
    chunks of a forecast (an `engine.ChunkObserver`) or of `_measure`'s own loop.

    The plan is drawn once; each risk's version re-places the same draws without that risk
    (`_Model.again`), so the two differ by the risk alone, and with teams both keep the
    baseline's queue (a risk's effect is not confounded with a reshuffled queue).
    """

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.targets: dict[str, float] = {}
        self.base: _Runs | None = None
        self.offs: dict[str, _Runs] = {}

    def __call__(
        self,
        model: _Model,
        done: int,
        finish: np.ndarray,
        keep: tuple[np.ndarray, np.ndarray],
        risk_delay: list[np.ndarray],
    ) -> None:
        targeted = [node for node in model.nodes if node.item.target is not None]
        rows = [node.index for node in targeted]
        if self.base is None:
            calendar = model.calendar
            self.targets = {n.item.id: calendar.end_offset(n.item.target) for n in targeted}
            self.base = _Runs(self.runs, len(rows))
            self.offs = {risk.id: _Runs(self.runs, len(rows)) for risk in model.risks}
        self.base.record(model, rows, finish, done)
        without = finish.copy()
        for r, risk in enumerate(model.risks):
            changed = model.again(without, keep, risk_delay, r)
            self.offs[risk.id].record(model, rows, without, done)
            without[changed] = finish[changed]  # back to the plan's runs for the next risk


def _measure(plan: Plan, calendar: Calendar, as_of: date | None, seed: int, n: int) -> _Measure:
    """The measure of the first n runs, drawn here (the editor's background effects)."""
    model = build_model(plan, calendar, as_of, seed, n)
    measure = _Measure(n)
    m = len(model.nodes)
    done = 0
    while done < n:
        k = min(DEFAULT_CHUNK, n - done)
        finish = np.empty((m, k), dtype=np.float32)
        keep = (np.empty((m, k), dtype=np.float32), np.empty((m, k), dtype=bool))
        delays = model.chunk(finish, keep=keep)
        measure(model, done, finish, keep, delays)
        done += k
    return measure


def _on_time(targets: dict[str, float], runs: _Runs) -> dict[str, float]:
    # as the engine counts it: finished by the end of the target day (float32 offsets)
    return {
        item: float(np.mean(row.astype(np.float32) <= np.float32(target)))
        for (item, target), row in zip(targets.items(), runs.target, strict=True)
    }


def _quantile(x: np.ndarray, q: float, axis: int = -1) -> np.ndarray:
    """The engine's percentile (order statistic `quantile_rank`) along `axis`; inf: never."""
    n = x.shape[axis]
    k = quantile_rank(q, n)
    return np.take(np.partition(x, k, axis=axis), k, axis=axis)


def _shift(a: float, b: float) -> float | None:
    return _round(a - b) if math.isfinite(a) and math.isfinite(b) else None


def risk_effects(
    plan: Plan,
    *,
    runs: int | None = None,
    seed: int | None = None,
    scenario: str | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> RiskEffects:
    """Each risk's effect on the plan, measured on the first min(runs, RISK_EFFECT_RUNS) runs.

    `runs`, `seed` and `as_of` default to the plan's; `progress(done, total)` is called after
    each risk (an exception raised in it cancels, as in `simulate`).
    """
    plan, runs, seed, as_of, calendar = prepare(plan, runs, seed, scenario, as_of)
    n = min(runs, RISK_EFFECT_RUNS)
    measure = _measure(plan, calendar, as_of, seed, n)
    return _effects(plan, calendar, measure, seed, scenario, progress)


def simulate_with_effects(
    plan: Plan,
    *,
    runs: int | None = None,
    seed: int | None = None,
    scenario: str | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> tuple[ForecastResult, RiskEffects]:
    """`simulate` and `risk_effects` of the same arguments, in one pass: the effects are
    measured on the forecast's own first runs as they are drawn (the same figures as
    `risk_effects`, without drawing and placing the plan a second time)."""
    n = min(plan.runs if runs is None else int(runs), RISK_EFFECT_RUNS)
    measure = _Measure(max(n, 0))
    result = simulate(
        plan,
        runs=runs,
        seed=seed,
        scenario=scenario,
        as_of=as_of,
        progress=progress,
        chunk_size=chunk_size,
        observer=measure,
    )
    if scenario is not None:
        plan = plan.apply_scenario(scenario)
    return result, _effects(plan, Calendar.of(plan), measure, result.seed, scenario, None)


def _effects(
    plan: Plan,
    calendar: Calendar,
    measure: _Measure,
    seed: int,
    scenario: str | None,
    progress: Progress | None,
) -> RiskEffects:
    """Each risk's effect from the measured runs (the plan's version: scenario applied)."""
    targets, base, offs, n = measure.targets, measure.base, measure.offs, measure.runs
    assert base is not None
    base_on_time = _on_time(targets, base)
    base_p80, base_p50 = float(_quantile(base.plan, 0.8)), float(_quantile(base.plan, 0.5))
    # one set of bootstrap resamples for every risk: their SEs are comparable
    picks = np.random.default_rng([seed, 0x5E]).integers(0, n, size=(BOOTSTRAP, n))
    base_boot = _quantile(base.plan[picks], 0.8)
    effects = []
    for k, risk in enumerate(plan.risks):
        # a risk that can strike nothing the engine simulates changes nothing
        off = offs.get(risk.id, base)
        p80_off = float(_quantile(off.plan, 0.8))
        both = np.isfinite(base.plan) & np.isfinite(off.plan)
        paired = base.plan[both] - off.plan[both]
        se80 = None
        if math.isfinite(base_p80) and math.isfinite(p80_off):
            with np.errstate(invalid="ignore"):  # inf - inf: a resample whose P80 is never
                boot = base_boot - _quantile(off.plan[picks], 0.8)
            boot = boot[np.isfinite(boot)]
            se80 = _round(float(boot.std(ddof=1))) if boot.size > BOOTSTRAP // 2 else None
        off_on_time = _on_time(targets, off)
        effects.append(
            RiskEffect(
                id=risk.id,
                title=risk.title,
                probability=float(risk.probability),
                affects=tuple(risk.affects),
                p80_shift_days=_shift(base_p80, p80_off),
                p80_shift_se=se80,
                p50_shift_days=_shift(base_p50, float(_quantile(off.plan, 0.5))),
                mean_shift_days=_round(float(paired.mean())) if paired.size else None,
                mean_shift_se=_round(float(paired.std(ddof=1) / math.sqrt(paired.size)))
                if paired.size > 1
                else None,
                p_success_shift=round(
                    float(np.isfinite(base.plan).mean() - np.isfinite(off.plan).mean()), 6
                )
                + 0.0,
                p_on_time_shift=tuple(
                    (item, round(base_on_time[item] - off_on_time[item], 6) + 0.0)
                    for item in base_on_time
                ),
                p80_without=calendar.finish_date(round(p80_off, 3))
                if math.isfinite(p80_off)
                else None,
            )
        )
        if progress is not None:
            progress(k + 1, len(plan.risks))
    ranked = sorted(effects, key=lambda e: (-e.days, e.p_success_shift, e.id))
    return RiskEffects(runs=n, seed=seed, scenario=scenario, effects=tuple(ranked))
