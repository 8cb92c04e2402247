"""`roadmap simulate`: the headline, risks ranked by effect (--json and console), scenario
shifts that always have a number, and ids that never wrap at 80 columns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from roadmap_tui import store
from roadmap_tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
PLANS = sorted((ROOT / "plans").glob("*.toml"))


def run(*args: str, width: int = 80) -> str:
    result = CliRunner().invoke(main, ["simulate", *args], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_lists_every_risk_ranked_by_its_effect() -> None:
    plan = ROOT / "plans" / "support-assistant.toml"
    data = json.loads(run(str(plan), "--json", "--runs", "2000"))
    risks = data["risks"]
    assert {r["id"] for r in risks} == set(store.load_plan(plan).plan.risk_by_id)
    shifts = [r["p80_shift_days"] for r in risks]
    assert shifts == sorted(shifts, reverse=True) and shifts[0] > 0
    first = risks[0]
    assert first["runs"] == 2000 and first["p80_shift_se"] > 0 and first["p_success_shift"] == 0
    assert set(first["p_on_time_shift"]) == {"model-ready", "deflection-goal"}


def test_console_shows_the_headline_first_and_the_risks_ranked() -> None:
    out = run(str(ROOT / "plans" / "support-assistant.toml"), "--runs", "2000", width=120)
    lines = out.splitlines()
    assert lines[1].startswith("30% of tier-1 tickets deflected: 80% chance by ")
    assert "Risks ranked by effect" in out
    table = out.split("Risks ranked by effect", 1)[1]
    assert table.index("vendor-slip") < table.index("legal-review")


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_ids_never_wrap_at_80_columns(plan: Path) -> None:
    out = run(str(plan), "--runs", "500", width=80)
    ids = store.load_plan(plan).plan.item_by_id
    table = out.split("─" * 10, 1)[1].split("\n", 1)[1].split("Plan finish", 1)[0]
    table = table.split("Teams:", 1)[0]  # the items table ends where the teams table begins
    for line in table.splitlines():
        first = line.split()[0] if line.split() else ""
        first = line.split()[1] if first in ("◆", "✓", "▸") else first
        assert first in ids, f"a row starts with {first!r}: an id was split"
    assert max(len(line) for line in out.splitlines()) <= 80


def test_compare_has_a_number_where_the_baseline_p80_is_never() -> None:
    plan = ROOT / "plans" / "fraud-detection.toml"  # its plan P80 is never
    out = run(str(plan), "--compare", "--runs", "1000", width=120)
    lines = out.split("plan finish", 1)[1].splitlines()[1:]
    block = lines[: next(i for i, line in enumerate(lines) if not line.strip())]
    rows = [line for line in block if "baseline" not in line]
    assert rows
    for line in rows:
        assert re.search(r"P(50|80) [+-±]\d+\.\d d", line), line  # a P50 or P80 shift
        assert re.search(r"\([+-±]\d+ pts\)", line), line  # and the P(success) shift
