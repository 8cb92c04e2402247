"""The bundled example plans: they are the demo and fixtures, so they must be valid, realistic
and, together, exercise every field of the format (so a new field cannot go undemonstrated)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from roadmap_tui import store
from roadmap_tui.examples import DEFAULT_EXAMPLE, bundled_plan_path, list_bundled
from roadmap_tui.model.parse import (
    FORECAST_FIELDS,
    ITEM_FIELDS,
    PLAN_FIELDS,
    PRIORITY_FIELDS,
    RISK_FIELDS,
    SCENARIO_FIELDS,
)
from roadmap_tui.model.types import DISTRIBUTIONS, KINDS, METHODS, STATUSES

PLANS_DIR = Path(__file__).resolve().parent.parent / "plans"
PLAN_FILES = sorted(PLANS_DIR.glob("*.toml"))
REQUIRED_EXAMPLES = {"support-assistant", "fraud-detection", "recommendations"}


def raw(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def docs() -> dict[str, dict[str, Any]]:
    return {path.stem: raw(path) for path in PLAN_FILES}


def test_the_three_examples_exist() -> None:
    assert {path.stem for path in PLAN_FILES} >= REQUIRED_EXAMPLES


@pytest.mark.parametrize("path", PLAN_FILES, ids=[p.stem for p in PLAN_FILES])
def test_plan_loads_validates_and_has_15_to_40_items(path: Path) -> None:
    loaded = store.load_plan(path)  # raises PlanError with every problem if invalid
    plan = loaded.plan
    assert 15 <= len(plan.items) <= 40
    assert plan.risks and plan.scenarios
    assert plan.start.year == 2027


@pytest.mark.parametrize("path", PLAN_FILES, ids=[p.stem for p in PLAN_FILES])
def test_plan_has_the_pieces_of_an_ai_roadmap(path: Path) -> None:
    """Each example shows the whole AI lifecycle, not just a few fields."""
    doc = raw(path)
    items: dict[str, dict[str, Any]] = doc["items"]
    titles = {item_id: item["title"] for item_id, item in items.items()}

    data_items = [i for i in items.values() if i.get("kind") == "data"]
    assert any(i.get("data", 1.0) < 1.0 for i in data_items), "data collection still to do"
    assert any(re.search(r"label", i["title"], re.I) for i in data_items), "labeling"

    experiments = [i for i in items.values() if i.get("kind") == "experiment"]
    assert any(
        {"p_success", "max_attempts", "metric"} <= e.keys() and e["max_attempts"] > 1
        for e in experiments
    ), "an experiment with a success chance, retries and a metric"

    for word in ("evaluation", "fairness", "monitoring", "rollout"):
        assert any(word in i.get("tags", []) for i in items.values()), word
    assert any(re.search(r"\b(bias|fairness)\b", t, re.I) for t in titles.values())
    for share in ("5%", "25%", "100%"):
        step = re.compile(rf"(?<!\d){share}")
        assert any(step.search(t) for t in titles.values()), f"staged rollout step {share}"

    assert any(i.get("kind") == "milestone" and "target" in i for i in items.values())
    assert any(risk.get("affects") for risk in doc["risks"].values())
    assert any("items" in scenario for scenario in doc["scenarios"].values())
    assert {"runs", "seed"} <= doc["forecast"].keys()
    assert doc["plan"].get("holidays")


def test_staged_rollout_runs_in_order(docs: dict[str, dict[str, Any]]) -> None:
    """5% -> 25% -> 100%: each step waits, directly or not, for the one before."""
    for name, doc in docs.items():
        items = doc["items"]

        def ancestors(item_id: str, items: dict[str, Any] = items) -> set[str]:
            seen: set[str] = set()
            todo = list(items[item_id].get("depends_on", []))
            while todo:
                dep = todo.pop()
                if dep not in seen:
                    seen.add(dep)
                    todo.extend(items[dep].get("depends_on", []))
            return seen

        steps = {
            share: next(
                k
                for k, i in items.items()
                if "rollout" in i.get("tags", []) and re.search(rf"(?<!\d){share}", i["title"])
            )
            for share in ("5%", "25%", "100%")
        }
        assert steps["5%"] in ancestors(steps["25%"]), name
        assert steps["25%"] in ancestors(steps["100%"]), name


def test_together_the_plans_use_every_field(docs: dict[str, dict[str, Any]]) -> None:
    item_keys: set[str] = set()
    risk_keys: set[str] = set()
    kinds: set[str] = set()
    statuses: set[str] = set()
    distributions: set[str] = set()
    for doc in docs.values():
        for item in doc["items"].values():
            item_keys |= item.keys()
            kinds.add(item.get("kind", "task"))
            statuses.add(item.get("status", "todo"))
            distributions.add(item.get("distribution", "pert"))
        for risk in doc["risks"].values():
            risk_keys |= risk.keys()

    assert item_keys == set(ITEM_FIELDS)
    assert risk_keys == set(RISK_FIELDS)
    assert set().union(*(d["plan"].keys() for d in docs.values())) == set(PLAN_FIELDS)
    assert set().union(*(d["forecast"].keys() for d in docs.values())) == set(FORECAST_FIELDS)
    priority_keys = set().union(*(d.get("priority", {}).keys() for d in docs.values()))
    assert priority_keys == set(PRIORITY_FIELDS)
    assert {d["priority"]["method"] for d in docs.values() if "priority" in d} == set(METHODS)
    scenario_keys = set().union(*(s.keys() for d in docs.values() for s in d["scenarios"].values()))
    assert scenario_keys == set(SCENARIO_FIELDS)
    assert kinds == set(KINDS)
    assert statuses == set(STATUSES)
    assert distributions == set(DISTRIBUTIONS)


def test_together_the_plans_use_both_estimate_forms(docs: dict[str, dict[str, Any]]) -> None:
    """A fixed one-number estimate and a three-point one, for items and for risk delays."""
    estimates = [
        i["estimate"] for d in docs.values() for i in d["items"].values() if "estimate" in i
    ]
    delays = [r["delay"] for d in docs.values() for r in d["risks"].values()]
    for values in (estimates, delays):
        assert any(isinstance(v, int) for v in values)
        assert any(isinstance(v, list) and len(v) == 3 for v in values)


def test_a_mid_flight_plan_has_done_and_doing_items_with_actuals(
    docs: dict[str, dict[str, Any]],
) -> None:
    mid_flight = [d for d in docs.values() if "as_of" in d["plan"]]
    assert mid_flight
    for doc in mid_flight:
        as_of: dt.date = doc["plan"]["as_of"]
        items = doc["items"].values()
        done = [i for i in items if i.get("status") == "done"]
        doing = [i for i in items if i.get("status") == "doing"]
        assert done and doing
        assert all(i["started"] <= i["finished"] <= as_of for i in done)
        assert all(i["started"] <= as_of and "remaining" in i for i in doing)


def test_scenarios_override_items_and_risks(docs: dict[str, dict[str, Any]]) -> None:
    """Dotted-key overrides such as `items.x.estimate = [7, 10, 18]` apply to both sections."""
    sections = {
        section
        for doc in docs.values()
        for scenario in doc["scenarios"].values()
        for section in ("items", "risks")
        if scenario.get(section)
    }
    assert sections == {"items", "risks"}
    for path in PLAN_FILES:
        plan = store.load_plan(path).plan
        for scenario in plan.scenarios:
            assert scenario.overrides, f"{path.name}: scenario {scenario.id} changes nothing"


def test_bundled_default_path_resolves_to_the_support_assistant() -> None:
    path = bundled_plan_path()
    assert path.is_file() and path.name == f"{DEFAULT_EXAMPLE}.toml"
    assert store.load_plan(path).plan.name == "Support assistant"


def test_list_bundled_names_every_plan_and_each_resolves() -> None:
    names = list_bundled()
    assert names == sorted(p.stem for p in PLAN_FILES)
    for name in names:
        assert bundled_plan_path(name).read_bytes() == (PLANS_DIR / f"{name}.toml").read_bytes()
    assert bundled_plan_path("fraud-detection.toml") == bundled_plan_path("fraud-detection")


def test_unknown_bundled_plan_names_the_available_ones() -> None:
    with pytest.raises(FileNotFoundError, match=r"'nope'.*available: fraud-detection"):
        bundled_plan_path("nope")


def test_the_wheel_ships_the_plans_where_examples_looks_for_them() -> None:
    """Building a wheel is too slow for the suite, so check the two ends of the contract:
    pyproject's force-include target and the folder examples.py reads in an installed package."""
    from roadmap_tui import examples

    pyproject = raw(PLANS_DIR.parent / "pyproject.toml")
    force_include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include["plans"] == f"roadmap_tui/{examples._PACKAGE_DIR}"
