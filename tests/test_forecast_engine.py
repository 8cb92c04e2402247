"""The forecast engine against mathematics: fixed seeds, tolerances of 4 standard errors."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap_tui.forecast import ForecastError, compare, simulate
from roadmap_tui.model.types import Estimate, Item, Override, Plan, Risk, Scenario

START = date(2027, 1, 4)  # a Monday
RUNS = 20_000


def make_plan(*items: Item, risks: tuple[Risk, ...] = (), **kw: object) -> Plan:
    return Plan(name="t", start=START, items=items, risks=risks, **kw)  # type: ignore[arg-type]


def task(item_id: str, est: Estimate | float | None = None, *deps: str, **kw: object) -> Item:
    estimate = Estimate.fixed(est) if isinstance(est, int | float) else est
    return Item(id=item_id, title=item_id.upper(), estimate=estimate, depends_on=deps, **kw)  # type: ignore[arg-type]


def pert_moments(lo: float, ml: float, hi: float) -> tuple[float, float]:
    a = 1 + 4 * (ml - lo) / (hi - lo)
    b = 1 + 4 * (hi - ml) / (hi - lo)
    var = a * b / ((a + b) ** 2 * (a + b + 1)) * (hi - lo) ** 2
    return (lo + 4 * ml + hi) / 6, var


def four_se_binomial(p: float, n: int) -> float:
    return 4 * math.sqrt(max(p * (1 - p), 1e-12) / n)


# --- fixed durations and the date convention -----------------------------------------------------


def test_fixed_chain_finishes_exactly_on_the_sum_with_the_date_convention() -> None:
    plan = make_plan(task("a", 5), task("b", 3, "a"), task("c", 4, "b"))
    result = simulate(plan, runs=500, seed=3)
    a, b, c = (result.items[k] for k in "abc")
    for f, days in ((a, 5.0), (b, 8.0), (c, 12.0)):
        assert f.p_success == 1.0
        assert f.finish_days.to_json_dict() == dict.fromkeys(
            ("mean", "p10", "p50", "p80", "p95"), days
        )
        assert f.deterministic_days == days
    # 5 days from Monday 2027-01-04 end on Friday 01-08; the next item starts Monday 01-11
    assert a.finish.p50 == date(2027, 1, 8)
    assert b.finish.p50 == date(2027, 1, 13)  # Mon-Wed
    assert c.finish.p95 == date(2027, 1, 19)  # Thu, Fri, Mon, Tue across the weekend
    assert result.plan.finish_days.p80 == 12.0
    assert result.plan.finish.p50 == date(2027, 1, 19)
    assert result.plan.p80_interval == (12.0, 12.0)
    assert result.plan.deterministic_date == date(2027, 1, 19)


def test_holidays_and_custom_workdays_move_the_dates_not_the_offsets() -> None:
    plan = make_plan(task("a", 5), task("b", 3, "a"), holidays=(date(2027, 1, 12),))
    result = simulate(plan, runs=100, seed=1)
    assert result.items["b"].finish_days.p50 == 8.0
    assert result.items["b"].finish.p50 == date(2027, 1, 14)  # Tue 01-12 is a holiday
    four_day = simulate(replace(plan, workdays=("mon", "tue", "wed", "thu")), runs=100, seed=1)
    # Mon-Thu, then Mon: the 5th working day is Monday 01-11
    assert four_day.items["a"].finish.p50 == date(2027, 1, 11)


def test_a_milestone_is_ready_when_its_last_dependency_is() -> None:
    plan = make_plan(
        task("a", 5), task("b", 7), Item("m", "M", kind="milestone", depends_on=("a", "b"))
    )
    result = simulate(plan, runs=100, seed=1)
    assert result.items["m"].finish_days.p50 == 7.0
    assert result.items["m"].finish.p50 == result.items["b"].finish.p50 == date(2027, 1, 12)


# --- distributions -------------------------------------------------------------------------------


def test_pert_chain_mean_is_the_sum_of_pert_means_within_4_se() -> None:
    estimates = [(2, 5, 12), (1, 3, 4), (5, 10, 30), (3, 3.5, 9)]
    items = [
        task(f"i{k}", Estimate(*e), *([f"i{k - 1}"] if k else [])) for k, e in enumerate(estimates)
    ]
    result = simulate(make_plan(*items), runs=RUNS, seed=11)
    moments = [pert_moments(*e) for e in estimates]
    mean = sum(m for m, _ in moments)
    se = math.sqrt(sum(v for _, v in moments) / RUNS)
    assert abs(result.plan.finish_days.mean - mean) < 4 * se + 1e-3  # +rounding to 3 decimals
    assert result.plan.deterministic_days == sum(e[1] for e in estimates)
    # the merge-free chain's mean still exceeds the single-number plan (right-skewed PERTs)
    assert result.plan.finish_days.mean > result.plan.deterministic_days


@pytest.mark.parametrize(
    ("estimate", "mean", "var"),
    [
        (Estimate(2, 5, 14, "triangular"), 7.0, (4 + 25 + 196 - 10 - 28 - 70) / 18),
        (Estimate(2, 5, 14, "uniform"), 8.0, 144 / 12),
    ],
)
def test_triangular_and_uniform_means_within_4_se(
    estimate: Estimate, mean: float, var: float
) -> None:
    result = simulate(make_plan(task("a", estimate)), runs=RUNS, seed=5)
    f = result.items["a"]
    assert abs(f.finish_days.mean - mean) < 4 * math.sqrt(var / RUNS) + 1e-3
    assert estimate.low <= f.finish_days.p10 <= f.finish_days.p95 <= estimate.high


def test_lognormal_has_p10_low_and_p90_high() -> None:
    lo, hi = 4.0, 16.0
    result = simulate(make_plan(task("a", Estimate(lo, 8, hi, "lognormal"))), runs=RUNS, seed=9)
    curve = result.items["a"].curve
    for q, x in ((0.1, lo), (0.9, hi)):
        assert x in curve.days  # on the whole-day grid the curve is the empirical CDF
        share = float(curve.prob[list(curve.days).index(x)])
        assert abs(share - q) < four_se_binomial(q, RUNS)
    # the P10 itself: SE = sqrt(q(1-q)/n) / density at the quantile
    sigma = (math.log(hi) - math.log(lo)) / (2 * 1.2815515655446004)
    density = math.exp(-(1.2815515655446004**2) / 2) / math.sqrt(2 * math.pi) / (lo * sigma)
    se = math.sqrt(0.1 * 0.9 / RUNS) / density
    assert abs(result.items["a"].finish_days.p10 - lo) < 4 * se


def test_low_equal_high_is_fixed_whatever_the_distribution() -> None:
    result = simulate(make_plan(task("a", Estimate(6, 6, 6, "pert"))), runs=200, seed=2)
    assert result.items["a"].finish_days.p10 == result.items["a"].finish_days.p95 == 6.0
    assert result.items["a"].sensitivity == 0.0


# --- merge bias ----------------------------------------------------------------------------------


def test_two_parallel_branches_finish_cdf_is_the_product_of_the_branch_cdfs() -> None:
    plan = make_plan(
        task("a", Estimate(0, 5, 10, "uniform")),
        task("b", Estimate(2, 6, 12, "uniform")),
        Item("m", "M", kind="milestone", depends_on=("a", "b")),
    )
    result = simulate(plan, runs=RUNS, seed=21)
    curve = result.items["m"].curve
    for d, p in zip(curve.days, curve.prob, strict=True):
        expected = min(max(d / 10, 0), 1) * min(max((d - 2) / 10, 0), 1)
        assert abs(p - expected) < four_se_binomial(expected, RUNS) + 1e-9, d
    # the single-number plan ignores the merge: max of likely values, below the P50
    assert result.plan.deterministic_days == 6.0
    assert result.plan.finish_days.p50 > 7.0  # true median of max: 2 + 10*sqrt(.5)-ish > 7


# --- experiments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "k"), [(0.4, 3), (0.7, 1), (0.2, 5)])
def test_experiment_success_is_one_minus_failure_to_the_attempts(p: float, k: int) -> None:
    plan = make_plan(
        task("exp", 2, kind="experiment", p_success=p, max_attempts=k),
        task("ship", 3, "exp"),
        task("other", 1),
    )
    result = simulate(plan, runs=RUNS, seed=31)
    expected = 1 - (1 - p) ** k
    exp, ship = result.items["exp"], result.items["ship"]
    assert abs(exp.p_success - expected) < four_se_binomial(expected, RUNS)
    assert ship.p_success == exp.p_success == result.plan.p_success
    assert result.items["other"].p_success == 1.0
    # every attempt is a fresh 2-day draw: the expected number of attempts, failures included
    attempts = [min(j, k) for j in range(1, k + 1)]
    probs = [(1 - p) ** (j - 1) * p for j in range(1, k)] + [(1 - p) ** (k - 1)]
    mean_attempts = sum(a * q for a, q in zip(attempts, probs, strict=True))
    sd = math.sqrt(sum(a * a * q for a, q in zip(attempts, probs, strict=True)) - mean_attempts**2)
    assert abs(exp.mean_duration - 2 * mean_attempts) < 4 * 2 * sd / math.sqrt(RUNS) + 1e-3
    # a percentile among futures where it never completes is None, never a number
    for key, q in (("p10", 0.1), ("p50", 0.5), ("p80", 0.8), ("p95", 0.95)):
        if exp.p_success < q:
            assert exp.finish_days.get(key) is None and exp.finish.get(key) is None
            assert ship.finish_days.get(key) is None
        else:
            assert exp.finish_days.get(key) is not None
    # the S-curve plateaus at P(success)
    assert exp.curve.prob[-1] == pytest.approx(exp.p_success)
    # the single-number plan assumes success at the first attempt
    assert exp.deterministic_days == 2.0 and ship.deterministic_days == 5.0


def test_attempt_durations_add_up_until_the_first_success() -> None:
    plan = make_plan(task("exp", 3, kind="experiment", p_success=0.5, max_attempts=4))
    f = simulate(plan, runs=RUNS, seed=8).items["exp"]
    # finish takes values 3, 6, 9, 12 with probabilities .5, .25, .125, .0625
    assert f.finish_days.p10 == 3.0
    # P(<= 3) is exactly .5, so the P50 is 3 or 6 by sampling noise: the runs' own CDF decides
    share_by_3 = f.curve.prob[list(f.curve.days).index(3)]
    assert f.finish_days.p50 == (3.0 if share_by_3 >= 0.5 else 6.0)
    assert f.finish_days.p80 == 9.0  # P(<= 6) = .75 < .8 <= P(<= 9) = .875
    assert f.finish_days.p95 is None  # 1 - .5**4 = 0.9375 < 0.95
    days = list(f.curve.days)
    for d, cdf in ((2, 0.0), (3, 0.5), (5, 0.5), (6, 0.75), (9, 0.875), (12, 0.9375)):
        share = f.curve.prob[days.index(d)]
        assert abs(share - cdf) < four_se_binomial(cdf, RUNS) + 1e-12, d
    mean_done = (3 * 0.5 + 6 * 0.25 + 9 * 0.125 + 12 * 0.0625) / 0.9375
    assert f.finish_days.mean == pytest.approx(mean_done, abs=0.1)


# --- risks ---------------------------------------------------------------------------------------


def test_a_risk_shifts_the_mean_by_probability_times_mean_delay() -> None:
    prob, delay = 0.3, Estimate(2, 4, 6, "uniform")  # mean 4, var 4/3
    plan = make_plan(task("a", 10), risks=(Risk("r", "R", prob, delay, ("a",)),))
    f = simulate(plan, runs=RUNS, seed=41).items["a"]
    second_moment = prob * (4 / 3 + 16)
    sd = math.sqrt(second_moment - (prob * 4) ** 2)
    assert abs(f.finish_days.mean - (10 + prob * 4)) < 4 * sd / math.sqrt(RUNS) + 1e-3
    assert abs(f.mean_duration - (10 + prob * 4)) < 4 * sd / math.sqrt(RUNS) + 1e-3
    assert f.deterministic_days == 10.0  # no risks in the single-number plan
    assert abs(f.curve.prob[list(f.curve.days).index(10.0)] - (1 - prob)) < four_se_binomial(
        0.7, RUNS
    )


def test_one_risk_on_two_items_correlates_them() -> None:
    """Independent branches have P(max <= d) = Pa·Pb; a shared risk makes it larger."""
    risk = Risk("r", "R", 0.5, Estimate(5, 8, 12, "uniform"), ("a", "b"))
    items = (
        task("a", Estimate(5, 8, 11, "uniform")),
        task("b", Estimate(5, 8, 11, "uniform")),
        Item("m", "M", kind="milestone", depends_on=("a", "b")),
    )
    shared = simulate(make_plan(*items, risks=(risk,)), runs=RUNS, seed=51).items
    days = list(shared["m"].curve.days)
    j = days.index(16.0)
    pa, pb, pm = (shared[k].curve.prob[j] for k in "abm")
    assert pm - pa * pb > 4 * four_se_binomial(pm, RUNS)  # 16 standard errors
    separate = (replace(risk, affects=("a",)), Risk("r2", "R2", 0.5, risk.delay, ("b",)))
    indep = simulate(make_plan(*items, risks=separate), runs=RUNS, seed=51).items
    pa, pb, pm = (indep[k].curve.prob[j] for k in "abm")
    assert abs(pm - pa * pb) < four_se_binomial(pm, RUNS)


# --- criticality and sensitivity -----------------------------------------------------------------


def test_criticality_is_one_on_the_dominant_path_and_zero_off_it() -> None:
    plan = make_plan(
        task("kick", 1),
        task("long1", Estimate(15, 20, 30), "kick"),
        task("long2", Estimate(10, 12, 20), "long1"),
        task("short", Estimate(1, 2, 4), "kick"),
        Item("launch", "L", kind="milestone", depends_on=("long2", "short")),
    )
    result = simulate(plan, runs=5000, seed=61)
    crit = {k: f.criticality for k, f in result.items.items()}
    assert crit == {"kick": 1.0, "long1": 1.0, "long2": 1.0, "short": 0.0, "launch": 1.0}
    sens = {k: f.sensitivity for k, f in result.items.items()}
    assert sens["long1"] > 0.5 and sens["long2"] > 0.3
    assert abs(sens["short"]) < 4 / math.sqrt(result.sensitivity_runs)
    assert sens["kick"] == 0.0  # fixed: no rank order
    assert [f.id for f in result.top_sensitivities(2)] == ["long1", "long2"]


def test_an_item_followed_by_negative_work_can_still_end_the_critical_path() -> None:
    """The engine looks for the plan's finish only among items no waiting successor with a
    duration >= 0 follows; a successor that may take negative time (a Plan built in code)
    must not hide its predecessor."""
    plan = make_plan(task("a", 10), task("b", Estimate(-8, -7, -6, "uniform"), "a"))
    result = simulate(plan, runs=200, seed=1)
    assert result.plan.finish_days.p50 == 10.0
    assert result.items["a"].criticality == 1.0 and result.items["b"].criticality == 0.0


def test_criticality_splits_between_balanced_branches() -> None:
    plan = make_plan(
        task("a", Estimate(5, 10, 15, "uniform")),
        task("b", Estimate(5, 10, 15, "uniform")),
        Item("m", "M", kind="milestone", depends_on=("a", "b")),
    )
    result = simulate(plan, runs=RUNS, seed=62)
    ca, cb = result.items["a"].criticality, result.items["b"].criticality
    assert ca + cb == pytest.approx(1.0)
    assert abs(ca - 0.5) < four_se_binomial(0.5, RUNS)


# --- status, as_of and dropped -------------------------------------------------------------------


def test_as_of_moves_unstarted_work_to_the_as_of_day() -> None:
    plan = make_plan(task("a", 5), task("b", 2, "a"))
    base = simulate(plan, runs=100, seed=1)
    later = simulate(plan, runs=100, seed=1, as_of=date(2027, 1, 18))  # offset 10
    assert base.items["a"].finish_days.p50 == 5.0
    assert later.items["a"].finish_days.p50 == 15.0
    assert later.items["b"].finish.p50 == date(2027, 1, 26)
    assert later.as_of == date(2027, 1, 18)
    # the plan's own as_of is the default; the argument wins
    dated = replace(plan, as_of=date(2027, 1, 11))
    assert simulate(dated, runs=100, seed=1).items["a"].finish_days.p50 == 10.0


def test_done_items_finish_on_their_date_and_dependents_wait_for_as_of() -> None:
    plan = make_plan(
        task("a", 5, status="done", started=date(2027, 1, 4), finished=date(2027, 1, 6)),
        task("b", 2, "a"),
        as_of=date(2027, 1, 11),
    )
    result = simulate(plan, runs=100, seed=1)
    a, b = result.items["a"], result.items["b"]
    assert a.finish_days.p50 == 3.0 and a.finish.p50 == date(2027, 1, 6)
    assert a.mean_duration == 3.0 and a.criticality == 0.0
    assert b.finish_days.p50 == 7.0  # starts at as_of (offset 5), not right after a
    no_as_of = simulate(replace(plan, as_of=None), runs=100, seed=1)
    assert no_as_of.items["b"].finish_days.p50 == 5.0  # right after the actual finish
    # b waited for a, but finished work is never what the plan waits for
    assert no_as_of.items["a"].criticality == 0.0 and no_as_of.items["b"].criticality == 1.0


def test_work_in_progress_with_a_start_does_not_wait_for_its_dependencies() -> None:
    plan = make_plan(
        task("a", Estimate(5, 8, 12)),
        task("b", 20, "a", status="doing", started=date(2027, 1, 5)),
        task("c", 1, "b"),
    )
    result = simulate(plan, runs=2000, seed=4, chunk_size=512)
    assert result.items["b"].finish_days.p95 == 21.0  # from started (offset 1), for 20 days
    crit = {k: f.criticality for k, f in result.items.items()}
    assert crit == {"a": 0.0, "b": 1.0, "c": 1.0}  # b did not wait for a


def test_doing_items_run_their_remaining_work_from_as_of_or_started() -> None:
    doing = task(
        "a",
        Estimate(10, 20, 30),
        status="doing",
        started=date(2027, 1, 5),
        remaining=Estimate.fixed(3),
    )
    plan = make_plan(doing, task("b", 1, "a"), as_of=date(2027, 1, 11))
    result = simulate(plan, runs=100, seed=1)
    assert result.items["a"].finish_days.p50 == 8.0  # as_of offset 5 + 3 remaining
    assert result.items["a"].finish.p50 == date(2027, 1, 13)
    assert result.items["b"].finish_days.p50 == 9.0
    no_as_of = simulate(replace(plan, as_of=None), runs=100, seed=1)
    assert no_as_of.items["a"].finish_days.p50 == 4.0  # from started (offset 1) + 3
    # without `remaining`, the whole estimate from `started`, but not done before as_of
    full = replace(doing, remaining=None, estimate=Estimate.fixed(2))
    late = simulate(make_plan(full, as_of=date(2027, 1, 11)), runs=100, seed=1)
    assert late.items["a"].finish_days.p50 == 5.0


def test_dropped_items_are_left_out_and_nobody_waits_for_them() -> None:
    plan = make_plan(task("a", 30, status="dropped"), task("b", 4, "a"), task("c", 2, "b"))
    result = simulate(plan, runs=100, seed=1)
    assert list(result.items) == ["b", "c"]
    assert result.items["b"].finish_days.p50 == 4.0
    assert result.plan.finish_days.p50 == 6.0


def test_risks_do_not_touch_done_work() -> None:
    plan = make_plan(
        task("a", 5, status="done", finished=date(2027, 1, 8)),
        risks=(Risk("r", "R", 1.0, Estimate.fixed(10), ("a",)),),
    )
    assert simulate(plan, runs=50, seed=1).items["a"].finish_days.p95 == 5.0


def test_p_on_time_counts_runs_finished_by_the_end_of_the_target_day() -> None:
    plan = make_plan(
        task("a", 5, target=date(2027, 1, 8)),
        task("b", 5, target=date(2027, 1, 7)),
        task("c", Estimate(0, 5, 10, "uniform"), target=date(2027, 1, 8)),
        task("d", 1),
    )
    result = simulate(plan, runs=RUNS, seed=71)
    assert result.items["a"].p_on_time == 1.0
    assert result.items["b"].p_on_time == 0.0
    assert abs(result.items["c"].p_on_time - 0.5) < four_se_binomial(0.5, RUNS)
    assert result.items["d"].p_on_time is None


# --- precision, determinism, chunks and common random numbers ------------------------------------


def test_p80_interval_brackets_p80_and_covers_the_true_quantile() -> None:
    plan = make_plan(task("a", Estimate(0, 5, 10, "uniform")))
    result = simulate(plan, runs=4000, seed=81)
    low, high = result.plan.p80_interval
    assert low <= result.plan.finish_days.p80 <= high
    assert low <= 8.0 <= high  # the true P80 of U(0, 10)
    assert 0 < high - low < 0.6  # ~ 2 x 1.96 x sqrt(.16/4000)/0.1
    wider = simulate(plan, runs=400, seed=81).plan.p80_interval
    assert wider[1] - wider[0] > high - low
    assert (
        result.plan.p80_interval_dates[0]
        <= result.plan.finish.p80
        <= result.plan.p80_interval_dates[1]
    )


def _mixed_plan() -> Plan:
    return make_plan(
        task("data", Estimate(5, 10, 20)),
        task("exp", Estimate(3, 5, 9), "data", kind="experiment", p_success=0.6, max_attempts=3),
        task("ui", Estimate(4, 6, 12, "triangular")),
        task("eval", Estimate(2, 3, 6, "lognormal"), "exp", "ui", target=date(2027, 2, 26)),
        Item("launch", "Launch", kind="milestone", depends_on=("eval",)),
        risks=(Risk("vendor", "Vendor", 0.3, Estimate(2, 5, 10), ("data", "ui")),),
        scenarios=(
            Scenario(
                "fast-ui",
                "Faster UI",
                (Override("items", "ui", "estimate", Estimate(2, 3, 5)),),
            ),
        ),
        seed=7,
    )


def _json(result: object) -> str:
    return json.dumps(result.to_json_dict(curves=True), indent=2)  # type: ignore[attr-defined]


def test_same_seed_gives_byte_identical_json_and_another_seed_does_not() -> None:
    plan = _mixed_plan()
    first = _json(simulate(plan, runs=3000))
    assert first == _json(simulate(plan, runs=3000))
    assert first != _json(simulate(plan, runs=3000, seed=8))
    assert json.loads(first)["seed"] == 7


@pytest.mark.parametrize("chunk", [1, 997, 3000, 50_000])
def test_chunk_size_does_not_change_the_result(chunk: int) -> None:
    plan = _mixed_plan()
    runs = 3000 if chunk > 1 else 300
    assert _json(simulate(plan, runs=runs, chunk_size=chunk)) == _json(simulate(plan, runs=runs))


def test_progress_is_reported_within_and_after_each_chunk() -> None:
    """Within a pass after each eighth of the items (a long pass still moves the bar and
    can be cancelled), and at its end; never backwards."""
    plan = _mixed_plan()
    calls: list[tuple[int, int]] = []
    simulate(plan, runs=2500, chunk_size=1000, progress=lambda d, t: calls.append((d, t)))
    assert {t for _, t in calls} == {2500}
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == 2500
    assert {1000, 2000, 2500} <= set(done)
    assert len(done) == 3 * min(len(plan.items), 8) + 3  # ticks, then the end of each pass
    assert any(0 < d < 1000 for d in done)


def test_progress_can_cancel_a_forecast_in_the_middle_of_a_pass() -> None:
    class Stop(Exception):
        pass

    def stop(done: int, _total: int) -> None:
        if done > 0:
            raise Stop

    with pytest.raises(Stop):
        simulate(_mixed_plan(), runs=5000, chunk_size=5000, progress=stop)


def test_compare_reports_progress_over_all_forecasts() -> None:
    calls: list[tuple[int, int]] = []
    compare(_mixed_plan(), runs=1000, progress=lambda d, t: calls.append((d, t)))
    done = [d for d, _ in calls]
    assert {t for _, t in calls} == {2000} and done == sorted(done)
    assert {1000, 2000} <= set(done) and done[-1] == 2000


def test_compare_reuses_a_known_result_and_simulates_the_rest() -> None:
    plan = _mixed_plan()
    base = simulate(plan, runs=1000)
    calls: list[tuple[int, int]] = []
    results = compare(
        plan, runs=1000, known={None: base}, progress=lambda d, t: calls.append((d, t))
    )
    assert results[None] is base
    assert _json(results["fast-ui"]) == _json(simulate(plan, runs=1000, scenario="fast-ui"))
    # only the scenario was simulated: its progress is the second half of the bar
    assert calls and all(d > 1000 for d, _ in calls) and calls[-1] == (2000, 2000)


def test_scenarios_use_common_random_numbers() -> None:
    plan = _mixed_plan()
    results = compare(plan, runs=4000)
    assert list(results) == [None, "fast-ui"]
    base, fast = results[None], results["fast-ui"]
    assert fast.scenario == "fast-ui" and base.scenario is None
    # items the scenario does not touch have exactly the same draws
    for field in ("finish_days", "finish", "p_success", "mean_duration", "deterministic_days"):
        assert getattr(base.items["data"], field) == getattr(fast.items["data"], field)
    assert base.items["exp"].finish_days == fast.items["exp"].finish_days
    assert fast.items["ui"].finish_days.p50 < base.items["ui"].finish_days.p50
    assert fast.plan.finish_days.p80 <= base.plan.finish_days.p80
    assert (
        fast.to_json_dict()["items"]
        == simulate(plan, runs=4000, scenario="fast-ui").to_json_dict()["items"]
    )


def test_editing_one_item_does_not_reshuffle_the_others() -> None:
    plan = _mixed_plan()
    edited = plan.with_item(replace(plan.item("ui"), estimate=Estimate(5, 9, 20)))
    extra = edited.with_item(task("docs", Estimate(1, 2, 3)))
    a, b = simulate(plan, runs=2000), simulate(extra, runs=2000)
    for key in ("data", "exp"):
        assert a.items[key].finish_days == b.items[key].finish_days


def test_deterministic_plan_is_likely_values_without_failures_or_risks() -> None:
    result = simulate(_mixed_plan(), runs=500)
    # data 10, exp 5 -> 15; ui 6; eval waits for 15 then 3 -> 18
    assert result.plan.deterministic_days == 18.0
    assert result.items["exp"].deterministic_days == 15.0
    assert result.plan.deterministic_date == date(2027, 1, 27)
    assert result.plan.finish_days.p50 > result.plan.deterministic_days


# --- bad requests --------------------------------------------------------------------------------


def test_unknown_scenario_cycle_and_no_runs_are_clear_errors() -> None:
    plan = _mixed_plan()
    with pytest.raises(ForecastError, match="unknown scenario 'nope' \\(known: fast-ui\\)"):
        simulate(plan, runs=10, scenario="nope")
    cyclic = make_plan(task("a", 1, "b"), task("b", 1, "a"))
    with pytest.raises(ForecastError, match=r"dependency cycle: (a -> b -> a|b -> a -> b)"):
        simulate(cyclic, runs=10)
    with pytest.raises(ForecastError, match="runs must be at least 1"):
        simulate(plan, runs=0)
    with pytest.raises(ForecastError, match=r"200,000,000 runs of 5 items would keep 3\.7 GB"):
        simulate(plan, runs=200_000_000)  # refused before anything is allocated


def test_an_empty_plan_is_finished_at_the_start() -> None:
    result = simulate(make_plan(), runs=10, seed=1)
    assert result.items == {}
    assert result.plan.p_success == 1.0 and result.plan.finish_days.p50 == 0.0
    json.dumps(result.to_json_dict())


def test_curves_are_monotone_and_share_one_grid() -> None:
    result = simulate(_mixed_plan(), runs=2000)
    grid = result.plan.curve.days
    for f in result.items.values():
        assert f.curve.days is grid
        assert np.all(np.diff(f.curve.prob) >= 0)
        assert f.curve.prob[-1] == pytest.approx(f.p_success)
        assert f.curve.shares().sum() == pytest.approx(f.p_success)
        assert np.all(f.curve.shares() >= 0)
    assert len(result.plan.curve.dates) == grid.size
    assert not result.plan.curve.prob.flags.writeable
    hist = result.plan.histogram
    assert hist.counts.sum() + hist.never == result.runs


def test_progress_can_cancel_a_forecast() -> None:
    class Stale(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise Stale

    with pytest.raises(Stale):
        simulate(_mixed_plan(), runs=5000, chunk_size=1000, progress=cancel)


# --- invariants on random plans -------------------------------------------------------------------


@st.composite
def random_plans(draw: st.DrawFn) -> Plan:
    n = draw(st.integers(1, 8))
    items = []
    for k in range(n):
        lo = draw(st.integers(0, 5))
        ml = lo + draw(st.integers(0, 5))
        hi = ml + draw(st.integers(0, 8))
        dist = draw(st.sampled_from(["pert", "triangular", "uniform", "fixed"]))
        deps = draw(st.lists(st.integers(0, k - 1), max_size=3, unique=True)) if k else []
        experiment = draw(st.booleans())
        items.append(
            Item(
                id=f"i{k}",
                title=f"I{k}",
                kind="experiment" if experiment else "task",
                estimate=Estimate(lo, ml, hi, dist),
                depends_on=tuple(f"i{d}" for d in deps),
                p_success=draw(st.sampled_from([0.3, 0.8])) if experiment else 1.0,
                max_attempts=draw(st.integers(1, 3)),
                status=draw(st.sampled_from(["todo", "todo", "todo", "dropped"])),
            )
        )
    risks = tuple(
        Risk(f"r{j}", "R", draw(st.sampled_from([0.0, 0.5, 1.0])), Estimate(1, 2, 4), (f"i{a}",))
        for j, a in enumerate(draw(st.lists(st.integers(0, n - 1), max_size=2)))
    )
    return make_plan(*items, risks=risks, seed=draw(st.integers(0, 2**40)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=random_plans(), chunk=st.integers(1, 300))
def test_invariants_hold_on_random_plans(plan: Plan, chunk: int) -> None:
    result = simulate(plan, runs=300)
    assert _json(result) == _json(simulate(plan, runs=300, chunk_size=chunk))
    kept = [i.id for i in plan.items if i.status != "dropped"]
    assert sorted(result.items) == sorted(kept)
    plan_p = result.plan
    # the plan completes in a run exactly when every item does
    assert plan_p.p_success <= min((f.p_success for f in result.items.values()), default=1.0)
    for f in result.items.values():
        assert 0 <= f.p_success <= 1 and 0 <= f.criticality <= 1 and -1 <= f.sensitivity <= 1
        values = [f.finish_days.get(k) for k in ("p10", "p50", "p80", "p95")]
        finite = [v for v in values if v is not None]
        assert finite == sorted(finite) and values[: len(finite)] == finite  # None only at the top
        for key in ("p10", "p50", "p80", "p95"):
            mine, whole = f.finish_days.get(key), plan_p.finish_days.get(key)
            if mine is not None and whole is not None:
                assert mine <= whole  # the plan waits for every item
            if whole is not None:
                assert mine is not None
        for dep in plan.item(f.id).depends_on:
            if dep in result.items:
                assert f.p_success <= result.items[dep].p_success
        assert np.all(np.diff(f.curve.prob) >= 0)
    # some item ends the critical path in every run
    if result.items:
        assert max(f.criticality for f in result.items.values()) > 0


@pytest.mark.parametrize(
    ("name", "runs", "scenario"),
    [
        ("support-assistant.toml", 5000, None),  # teams bind, targets, experiments, 2 chunks
        ("fraud-detection.toml", 700, "first"),
        ("recommendations.toml", 300, None),
    ],
)
def test_figures_equal_the_full_forecasts_figures(
    name: str, runs: int, scenario: str | None
) -> None:
    """forecast.figures (what prioritize ranks by) keeps no store, but every figure is the
    one simulate gives for the same arguments, to the last bit."""
    from roadmap_tui import store
    from roadmap_tui.forecast import figures

    plan = store.load_plan(Path(__file__).resolve().parents[1] / "plans" / name).plan
    if scenario == "first":
        scenario = plan.scenarios[0].id
    full = simulate(plan, runs=runs, seed=4, scenario=scenario)
    light = figures(plan, runs=runs, seed=4, scenario=scenario)
    assert (light.runs, light.seed, light.scenario) == (full.runs, full.seed, scenario)
    assert list(light.items) == list(full.items)
    for item_id, f in full.items.items():
        got = light.items[item_id]
        assert (got.p_success, got.criticality, got.p_on_time, got.mean_duration) == (
            f.p_success,
            f.criticality,
            f.p_on_time,
            f.mean_duration,
        ), item_id
