"""The wait of each item in the exports: the CSV's `wait_days` column is the figure and the name
of `simulate --json`, empty when the item has no team; md and html call it Wait."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from helpers import invoke
from roadmap_tui.report.csv_export import columns

# the TUI tests' plan with two teams: collect on the vendor, model and ui on one ML engineer
from test_tui_teams import TEAM_PLAN
from tui_helpers import PLAN

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"


@pytest.fixture(scope="module")
def team_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wait") / "teams.toml"
    path.write_text(TEAM_PLAN, encoding="utf-8")
    return path


def rows_of(path: Path) -> dict[str, dict[str, str]]:
    result = invoke("export", str(path), "--format", "csv", "-o", "-")
    assert result.exit_code == 0, result.stderr
    return {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}


def test_csv_wait_days_is_the_json_figure_and_empty_without_a_team(team_plan: Path) -> None:
    result = invoke("simulate", str(team_plan), "--json")
    assert result.exit_code == 0, result.stderr
    waits = {i["id"]: i["wait_days"] for i in json.loads(result.stdout)["items"]}
    rows = rows_of(team_plan)
    assert set(rows) == set(waits)
    for item_id, wait in waits.items():
        if wait is None:  # the milestones: no team
            assert rows[item_id]["wait_days"] == "", item_id
        else:
            assert float(rows[item_id]["wait_days"]) == pytest.approx(wait, abs=0.005)
    assert {k for k, w in waits.items() if w is None} == {"kickoff", "launch"}
    assert float(rows["model"]["wait_days"]) + float(rows["ui"]["wait_days"]) > 0  # one waits


def test_csv_keeps_the_wait_column_empty_for_a_plan_without_teams(tmp_path: Path) -> None:
    path = tmp_path / "plain.toml"
    path.write_text(PLAN, encoding="utf-8")
    rows = rows_of(path)
    assert all(r["wait_days"] == "" for r in rows.values())  # same columns for every plan
    assert columns().index("wait_days") == columns().index("mean_duration") + 1


def test_md_html_json_and_csv_use_the_glossarys_name_for_wait(team_plan: Path) -> None:
    row = next(line for line in GLOSSARY.read_text().splitlines() if line.startswith("| **wait**"))
    json_name = re.findall(r"`([^`]+)`", row.split("|")[3])
    assert json_name == ["wait_days"]
    assert "wait_days" in columns()
    simulated = json.loads(invoke("simulate", str(team_plan), "--json").stdout)
    assert all("wait_days" in item for item in simulated["items"])
    for fmt in ("md", "html"):
        out = invoke("export", str(team_plan), "--format", fmt, "-o", "-").stdout
        assert "Wait (days)" in out, fmt
        assert "Queue (days)" not in out and "Delay (days)" not in out
