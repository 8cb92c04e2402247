"""Teams and capacity (issue 10, "Speed"): the bookkeeping that keeps the schedule cheap
(waits summed as items are placed, the first runs' starts and ends kept across chunks, the
deterministic run in Python floats) gives the same figures as the plain rule."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from roadmap_tui import store
from roadmap_tui.forecast import capacity as cap_mod
from roadmap_tui.forecast import simulate
from roadmap_tui.forecast.engine import build_model
from roadmap_tui.model.calendar import Calendar
from roadmap_tui.model.types import Plan


def _plan(body: str, runs: int = 1300) -> Plan:
    text = f'[plan]\nname = "T"\nstart = 2027-01-04\n\n[forecast]\nruns = {runs}\nseed = 3\n\n'
    return store.load_plan_text(text + body, "t.toml").plan


#: a constant team with gaps (items wait for work of another team), an experiment upstream
#: (runs in which items are never ready), work in progress, and a team whose capacity steps
MIXED = """
[teams.ml]
title = "ML"
capacity = 2

[teams.vendor]
title = "Vendor"
capacity = [[2027-01-04, 1], [2027-02-01, 2], [2027-04-05, 0], [2027-05-03, 1]]

[items.exp]
title = "Exp"
kind = "experiment"
estimate = [2, 4, 9]
p_success = 0.6
max_attempts = 2
team = "ml"

[items.label]
title = "Label"
estimate = [3, 6, 12]
team = "vendor"

[items.wip]
title = "WIP"
estimate = [4, 8, 15]
status = "doing"
started = 2027-01-04
team = "ml"
"""
for _k in range(8):
    _dep = ["exp", "label", f"t{_k - 1}" if _k else "label"][_k % 3]
    _team = "vendor" if _k % 4 == 3 else "ml"
    MIXED += (
        f'\n[items.t{_k}]\ntitle = "T{_k}"\nestimate = [1, {2 + _k}, {6 + 2 * _k}]\n'
        f'team = "{_team}"\ndepends_on = ["{_dep}"]\n'
    )


def _everything(result: object) -> str:
    """Every figure, with each team's weekly load of the median run."""
    out = result.to_json_dict()  # type: ignore[attr-defined]
    out["load"] = {k: [t.load, t.load_capacity] for k, t in result.teams.items()}  # type: ignore[attr-defined]
    return json.dumps(out, sort_keys=True, default=str)


@pytest.mark.parametrize("chunk", [97, 1000, 4096])
def test_waits_and_load_do_not_depend_on_the_chunk_size(chunk: int) -> None:
    # 1,300 runs: the 1,000 runs whose starts and ends are kept end inside a chunk
    plan = replace(_plan(MIXED), as_of=date(2027, 1, 6))
    assert cap_mod.LOAD_RUNS < 1300
    assert _everything(simulate(plan, chunk_size=chunk)) == _everything(
        simulate(plan, chunk_size=1300)
    )


def test_a_wait_is_a_mean_over_the_runs_in_which_the_item_is_ready() -> None:
    # `after` is ready on day 2 in the runs in which `exp` succeeds (about half), never in
    # the others; the lane is held by `first` until day 5, so it waits 3 days whenever it
    # is ready: counting the never-ready runs as 0 would make it about 1.5
    body = '[teams.ml]\ntitle = "ML"\ncapacity = 1\n'
    body += '\n[items.first]\ntitle = "First"\nestimate = 5\nteam = "ml"\n'
    body += '\n[items.exp]\ntitle = "Exp"\nkind = "experiment"\nestimate = 2\np_success = 0.5\n'
    body += '\n[items.after]\ntitle = "After"\nestimate = 1\nteam = "ml"\ndepends_on = ["exp"]\n'
    result = simulate(replace(_plan(body, runs=400), queue="file"))
    assert 0.35 < result.items["after"].p_success < 0.65
    assert result.items["after"].wait_days == 3.0
    assert result.items["first"].wait_days == 0.0


#: one lane: `a` waits for `x` (no team), leaving the lane idle on days 0-10; `b` fits in
#: that gap, `c` does not fit in what is left of it
GAP = """
[teams.ml]
title = "ML"
capacity = 1

[items.x]
title = "X"
estimate = [8, 10, 12]

[items.a]
title = "A"
estimate = [3, 4, 6]
team = "ml"
depends_on = ["x"]

[items.b]
title = "B"
estimate = [2, 3, 5]
team = "ml"

[items.c]
title = "C"
estimate = [6, 8, 9]
team = "ml"
"""


@pytest.mark.parametrize("body", [MIXED, GAP], ids=["mixed", "gap"])
def test_the_deterministic_run_in_python_floats_equals_the_vectorised_rule(
    body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = replace(_plan(body), as_of=date(2027, 1, 6), queue="file")
    calendar = Calendar.of(plan)

    def deterministic() -> dict[str, float]:
        model = build_model(plan, calendar, plan.as_of, 3, 200)
        det = np.empty((len(model.nodes), 1))
        model.chunk(det, deterministic=True)
        return {node.item.id: float(det[node.index, 0]) for node in model.nodes}

    fast = deterministic()
    if body is GAP:  # as_of is working day 2: b in the gap, c after a
        assert fast == {"x": 12.0, "a": 16.0, "b": 5.0, "c": 24.0}
    monkeypatch.setattr(cap_mod.Capacity, "_place_one", cap_mod.Capacity._place_sorted)
    assert fast == deterministic()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_branch_free_select_takes_exactly_the_masked_values(dtype: type) -> None:
    # any bit pattern a schedule holds: days, +-inf (never, no gap), -0.0 and nan
    special = np.array([np.inf, -np.inf, -0.0, 0.0, np.nan, 1e30, -3e38, 5.5], dtype=dtype)
    rng = np.random.default_rng(0)
    dst = np.concatenate([special, rng.uniform(-1e3, 1e3, 1000).astype(dtype)])
    src = np.concatenate([special[::-1], rng.uniform(-1e3, 1e3, 1000).astype(dtype)])
    take = rng.random(dst.size) < 0.5
    take[:8] = [True, False, True, True, False, True, False, True]
    idt = np.dtype(f"i{np.dtype(dtype).itemsize}")
    mask = np.empty(dst.size, dtype=idt)
    np.negative(take.view(np.int8), out=mask)
    want = np.where(take, src, dst)
    got = dst.copy()
    cap_mod._select(got, src, mask, np.empty_like(mask))
    assert got.view(idt).tolist() == want.view(idt).tolist()  # bit for bit, nan and -0.0 too


def test_a_queue_ranked_apart_gives_the_runs_of_one_ranked_from_the_first_chunk() -> None:
    # the queue (queue = "priority") is ranked from the first chunk's own draws; when the
    # deterministic run comes first it is ranked from draws of its own, then rewound: the
    # forecast's runs must not tell the two apart
    plan = _plan(MIXED)
    assert plan.queue == "priority"
    calendar = Calendar.of(plan)

    def runs(deterministic_first: bool) -> np.ndarray:
        model = build_model(plan, calendar, plan.as_of, 3, 1300)
        assert model.queue_runs == 1000
        if deterministic_first:
            model.chunk(np.empty((len(model.nodes), 1)), deterministic=True)
            assert model.queue_runs == 0  # ranked apart
        finish = np.empty((len(model.nodes), 1300), dtype=np.float32)
        model.chunk(finish)
        assert model.queue_runs == 0
        return finish

    first, apart = runs(False), runs(True)
    assert np.array_equal(first, apart)
    assert np.isinf(first).any() and np.isfinite(first).any()  # both kinds of runs compared


def test_a_first_pass_that_ranks_the_queue_still_reports_progress_while_it_draws() -> None:
    # the pass draws every item before placing any: its first half moves the bar too, and a
    # raise there (how the editor cancels a stale forecast) stops the forecast
    plan = _plan(MIXED)
    calls: list[int] = []
    simulate(plan, runs=2000, progress=lambda done, _total: calls.append(done))
    assert calls == sorted(calls) and calls[-1] == 2000
    assert any(0 < d < 1000 for d in calls)  # within the drawing half of the only pass

    class Stop(Exception):
        pass

    def stop(done: int, _total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        simulate(plan, runs=2000, progress=stop)
