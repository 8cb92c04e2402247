"""The whole pipeline on generated, mutated plans (issue 9, section 3): no uncaught exception.

A valid plan has values swapped for hostile ones (huge, negative, non-finite, extreme
dates, deep nesting, control characters, markup, formulas, wrong types) and keys removed or
added, then goes through TOML text -> load -> validate -> simulate -> exports -> prioritize ->
textconv -> diff. Only PlanError / PlanFileError may come out (with a line in the file), and
no output carries a control character. A few hundred examples run by default; the `slow`
marker runs 10,000 (`pytest -m slow tests/test_hostile_fuzz.py`). No example may take 10 s.
"""

from __future__ import annotations

import copy
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rich.console import Console

from roadmap_tui import forecast, report, store
from roadmap_tui.console.priority import render_ranking
from roadmap_tui.console.simulate import render_forecast
from roadmap_tui.priority import rank_plan
from roadmap_tui.report import diff as plan_diff
from roadmap_tui.report.textconv import textconv

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
RUNS = 40
DEADLINE = timedelta(seconds=10)

BASE: dict[str, Any] = {
    "plan": {"name": "S", "start": date(2027, 1, 4)},
    "forecast": {"runs": 100, "seed": 1},
    "items": {
        "a": {
            "title": "A",
            "estimate": [1, 2, 4],
            "owner": "ann",
            "tags": ["x"],
            "team": "ml",
            "link": "https://tracker.example/issues/1",
        },
        "b": {
            "title": "B",
            "kind": "experiment",
            "estimate": 3,
            "p_success": 0.5,
            "max_attempts": 3,
            "depends_on": ["a"],
            "metric": {"name": "F1", "current": 0.5, "target": 0.8},
        },
        "c": {
            "title": "C",
            "estimate": [2, 3, 9],
            "distribution": "lognormal",
            "notes": "n",
            "team": "ml",
        },
        "m": {
            "title": "M",
            "kind": "milestone",
            "depends_on": ["b", "c"],
            "target": date(2027, 3, 1),
        },
    },
    "risks": {"r": {"title": "R", "probability": 0.3, "delay": [1, 2, 3], "affects": ["a", "c"]}},
    "teams": {"ml": {"title": "ML", "capacity": 1}},
    "scenarios": {
        "s": {
            "title": "T",
            "items": {"a": {"estimate": [2, 3, 5]}},
            "teams": {"ml": {"capacity": 2}},
        }
    },
}

#: Where a mutation lands: existing keys, and keys a plan may or may not have.
PATHS: list[tuple[str, ...]] = [
    ("plan", "name"),
    ("plan", "start"),
    ("plan", "as_of"),
    ("plan", "holidays"),
    ("plan", "workdays"),
    ("forecast", "runs"),
    ("forecast", "seed"),
    ("priority", "impact"),
    ("priority", "method"),
    *[
        ("items", i, f)
        for i in ("a", "b", "c", "m")
        for f in (
            "title",
            "kind",
            "estimate",
            "distribution",
            "p_success",
            "max_attempts",
            "metric",
            "depends_on",
            "impact",
            "data",
            "readiness",
            "target",
            "status",
            "started",
            "finished",
            "remaining",
            "owner",
            "tags",
            "notes",
            "team",
            "link",
        )
    ],
    ("items", "new"),
    ("risks", "r", "probability"),
    ("risks", "r", "delay"),
    ("risks", "r", "affects"),
    ("risks", "r", "title"),
    ("scenarios", "s", "title"),
    ("scenarios", "s", "items", "a", "estimate"),
    ("scenarios", "s", "items", "b", "max_attempts"),
    ("scenarios", "s", "items", "a", "title"),
    ("scenarios", "s", "risks", "r", "delay"),
    ("teams", "ml", "capacity"),
    ("teams", "ml", "title"),
    ("teams", "vendor"),
    ("scenarios", "s", "teams", "ml", "capacity"),
    ("scenarios", "s", "items", "b", "team"),
    ("forecast", "queue"),
]

HOSTILE_TEXT = [
    "A [/bold] title",
    "[link=https://evil.example]x[/link]",
    '=HYPERLINK("https://evil.example")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-1+1",
    "\r=1+1",
    "\t=1",
    "\x1b[2J\x1b[H",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\u202egnp.exe",
    "\u2066iso\u2069",
    "\x9b31m",
    "line\nbreak",
    "",
    " ",
    "todo",
    "done",
    "milestone",
    "lognormal",
    "a",
    "b",
]
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from(
        [date(9999, 12, 31), date(1, 1, 1), date(1970, 1, 1), date(2200, 12, 31), date(2027, 1, 9)]
    ),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [0, 1, 3, 100, 101, 10_000, 10_001, 2_100_000, 1e300, 1e-300, -1, 0.5, 2**63 - 1]
    ),
)
TEXT = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(st.characters(codec="utf-8"), max_size=12),
)
SCALARS = st.one_of(NUMBERS, DATES, TEXT, st.booleans())


def _nested(depth: int) -> str:
    """A value nested `depth` arrays deep, as a token `toml_text` expands: hypothesis (which
    prints examples) and tomli_w would both recurse that deep themselves."""
    return f"__nested_{depth}__"


def toml_text(data: dict[str, Any]) -> str:
    text = tomli_w.dumps(data)
    return re.sub(r'"__nested_(\d+)__"', lambda m: "[" * int(m[1]) + "1" + "]" * int(m[1]), text)


VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.lists(NUMBERS, min_size=3, max_size=3),
    st.lists(st.sampled_from(["a", "b", "c", "m", "zz", "new"]), max_size=4),
    st.dictionaries(st.sampled_from(["name", "current", "target", "title", "x"]), SCALARS),
    st.integers(min_value=2, max_value=3000).map(_nested),
)
DELETE = object()
_DAYS = st.floats(min_value=0, max_value=10_000, allow_nan=False)
_IN_RANGE = st.dates(min_value=date(1970, 1, 1), max_value=date(2200, 12, 31))
#: Values a field may well hold, so that many mutated plans stay valid and reach the engine
#: and the exports with extreme but allowed values and hostile text.
PLAUSIBLE: dict[str, Any] = {
    "estimate": st.one_of(_DAYS, st.lists(_DAYS, min_size=3, max_size=3).map(sorted)),
    "remaining": st.lists(_DAYS, min_size=3, max_size=3).map(sorted),
    "delay": st.one_of(_DAYS, st.lists(_DAYS, min_size=3, max_size=3).map(sorted)),
    "p_success": st.floats(min_value=0, max_value=1),
    "probability": st.floats(min_value=0, max_value=1),
    "max_attempts": st.integers(min_value=1, max_value=100),
    "distribution": st.sampled_from(["pert", "triangular", "uniform", "lognormal", "fixed"]),
    "kind": st.sampled_from(["task", "data", "experiment", "milestone"]),
    "status": st.sampled_from(["todo", "doing", "done", "dropped"]),
    "readiness": st.integers(min_value=0, max_value=9),
    "impact": st.floats(min_value=0, max_value=5),
    "data": st.floats(min_value=0, max_value=1),
    "runs": st.integers(min_value=1, max_value=300),
    "seed": st.integers(min_value=0, max_value=2**63 - 1),
    "depends_on": st.lists(st.sampled_from(["a", "b", "c", "m"]), max_size=3, unique=True),
    "affects": st.lists(st.sampled_from(["a", "b", "c", "m"]), max_size=3, unique=True),
    "tags": st.lists(TEXT, max_size=3),
    "holidays": st.lists(_IN_RANGE, max_size=3),
    **{key: _IN_RANGE for key in ("start", "as_of", "target", "started", "finished")},
    **{key: TEXT.filter(str.strip) for key in ("name", "title", "owner", "notes")},
    "team": st.sampled_from(["ml", "vendor", "nobody"]),
    "capacity": st.one_of(
        st.integers(min_value=0, max_value=4),
        st.lists(
            st.tuples(_IN_RANGE, st.integers(min_value=0, max_value=3)).map(list),
            min_size=1,
            max_size=3,
        ),
    ),
    "link": st.one_of(st.just("https://tracker.example/issues/2"), TEXT),
    "queue": st.sampled_from(["priority", "file", "other"]),
}


def _mutation(path: tuple[str, ...]) -> st.SearchStrategy[tuple[tuple[str, ...], Any]]:
    plausible = PLAUSIBLE.get(path[-1], VALUES)
    value = st.one_of(plausible, plausible, plausible, st.just(DELETE), VALUES)
    return st.tuples(st.just(path), value)


MUTATION = st.sampled_from(PATHS).flatmap(_mutation)
#: Only plausible values: most such plans are valid and go all the way through.
PLAUSIBLE_MUTATION = st.sampled_from([p for p in PATHS if p[-1] in PLAUSIBLE]).flatmap(
    lambda path: st.tuples(st.just(path), PLAUSIBLE[path[-1]])
)


def mutated(mutations: list[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for path, value in mutations:
        table = data
        for key in path[:-1]:
            nxt = table.get(key)
            if not isinstance(nxt, dict):
                nxt = table[key] = {}
            table = nxt
        if value is DELETE:
            table.pop(path[-1], None)
        else:
            table[path[-1]] = value
    return data


def _safe(text: str, where: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"{where}: raw {found.group()!r}"


def pipeline(text: str) -> None:
    """Everything a plan text goes through; only PlanError / PlanFileError may escape."""
    lines = text.count("\n") + 1
    conv = textconv(text, "fuzz.toml", runs=RUNS)
    _safe(conv.replace("\n", " "), "textconv")
    try:
        loaded = store.load_plan_text(text, "fuzz.toml")
    except store.PlanError as err:
        event("invalid plan")
        assert err.problems
        for p in err.problems:
            assert 1 <= p.line <= lines, p
            _safe(str(p), "problem")
        return
    except store.PlanFileError:
        return
    event("valid plan")
    plan = loaded.plan
    base = store.load_plan_text(tomli_w.dumps(BASE), "base.toml").plan
    for scenario in (None, *plan.scenario_by_id):
        result = forecast.simulate(plan, runs=RUNS, scenario=scenario)
        assert 0 <= result.plan.p_success <= 1
        out = io.StringIO()
        render_forecast(result, plan, Console(file=out, width=90))
        data = report.build_report(plan, scenario=scenario, runs=RUNS)
        for name in ("md", "csv", "json", "ics", "toml"):
            written = report.FORMATS[name].write(data)[0].content.decode("utf-8")
            _safe(written.replace("\r\n", "\n"), name)
        _, _, ranking = rank_plan(plan, scenario=scenario, runs=RUNS)
        render_ranking(ranking, Console(file=out, width=90), heading=plan.name)
        for item in ranking.items[:3]:
            explained = ranking.explain(item.id)
            render_ranking(ranking, Console(file=out, width=90), heading="", explanation=explained)
        _safe(out.getvalue(), "console")
    changes = plan_diff.diff_plans(base, plan)
    shift = plan_diff.forecast_shift(base, plan, runs=RUNS)
    _safe(plan_diff.render_md(changes, shift, "old", "new"), "diff md")
    _safe(plan_diff.render_text(changes, shift, "old", "new"), "diff text")


PLANS = st.one_of(
    st.lists(MUTATION, min_size=1, max_size=4),
    st.lists(PLAUSIBLE_MUTATION, min_size=1, max_size=6),
).map(mutated)


def _check(data: dict[str, Any]) -> None:
    pipeline(toml_text(data))


@settings(
    max_examples=200,
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(PLANS)
def test_pipeline_on_mutated_plans(data: dict[str, Any]) -> None:
    _check(data)


@pytest.mark.slow
@settings(
    max_examples=10_000,
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(PLANS)
def test_pipeline_on_mutated_plans_slow(data: dict[str, Any]) -> None:
    _check(data)


def test_the_base_plan_is_valid() -> None:
    assert store.load_plan_text(tomli_w.dumps(BASE), "base.toml").plan.items
