"""`roadmap prioritize`: the face over priority.prioritize, its options and its errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import invoke
from roadmap_tui.forecast import simulate
from roadmap_tui.model.types import FACTORS
from roadmap_tui.priority import prioritize
from roadmap_tui.store import load_plan

PLAN = """\
[plan]
name = "Support assistant"
start = 2027-01-04
as_of = 2027-01-11

[forecast]
runs = 400
seed = 7

[items.kickoff]
title = "Kickoff"
estimate = 1
status = "done"
started = 2027-01-04
finished = 2027-01-04

[items.collect-tickets]
title = "Collect and label tickets"
kind = "data"
estimate = [10, 15, 30]
depends_on = ["kickoff"]
impact = 4
data = 0.4

[items.intent-model]
title = "Intent classifier reaches F1 0.85"
kind = "experiment"
estimate = [5, 10, 20]
p_success = 0.6
max_attempts = 3
depends_on = ["collect-tickets"]
impact = 5
readiness = 3
target = 2027-03-01

[items.faq-page]
title = "FAQ page"
estimate = [2, 3, 5]
impact = 2

[items.voice]
title = "Voice channel"
estimate = [20, 30, 60]
impact = 5
data = 0.0
readiness = 1

[scenarios.buy-voice-data]
title = "Buy a voice data set"
items.voice.data = 1.0
"""


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    # a wide terminal, so that no cell wraps; the 80-column layout has its own test
    result = invoke("prioritize", *args, env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def ranked_json(*args: str) -> dict:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_json_matches_the_library_ranking_of_the_same_forecast(plan_path: Path) -> None:
    data = ranked_json(str(plan_path))
    plan = load_plan(plan_path).plan
    expected = prioritize(plan, simulate(plan)).to_json_dict()
    assert [i["id"] for i in data["items"]] == [i["id"] for i in expected["items"]]
    assert data["items"] == expected["items"]
    assert data["method"] == "weighted"
    assert data["forecast"] == {"runs": 400, "seed": 7, "scenario": None}
    assert "kickoff" not in {i["id"] for i in data["items"]}  # done: not ranked
    for entry in data["items"]:
        assert set(FACTORS) <= set(entry["factors"])
        total = sum(f["contribution"] for f in entry["factors"].values())
        assert total == pytest.approx(entry["score"], abs=1e-5)
    # the sequence respects dependencies: the blocker of the experiment comes first
    ranks = {i["id"]: i["rank"] for i in data["items"]}
    assert ranks["collect-tickets"] < ranks["intent-model"]
    assert data["order"] == "sequence" and "inherit" not in data
    for entry in data["items"]:
        assert "inherited" not in entry["factors"]
        assert entry["id"] in entry["with"] and entry["days"] > 0
        assert entry["per_day"] > 0
    curve = data["value_curve"]
    assert [p["id"] for p in curve["sequence"]] == [i["id"] for i in data["items"]]
    assert curve["sequence"][-1]["share"] == pytest.approx(1.0)
    assert set(curve["day_80"]) == {"sequence", "score"}


def test_json_is_byte_identical_across_runs(plan_path: Path) -> None:
    first = run(str(plan_path), "--json")
    assert first == run(str(plan_path), "--json")


def test_table_shows_ranks_ranges_bars_readiness_and_a_legend(plan_path: Path) -> None:
    code, out, _ = run(str(plan_path))
    assert code == 0
    data = ranked_json(str(plan_path))
    for entry in data["items"]:
        assert entry["id"] in out
        best, worst = entry["rank_range"]
        assert f"{entry['rank']} ({best}-{worst})" in out
        assert f"{entry['score']:.1f}" in out
    assert "█" in out
    for name in FACTORS:
        assert name in out.split("bar:")[-1]  # the legend names every segment
    for header in ("ready", "score by factor", "days", "per day", "with"):
        assert header in out
    assert "inherited" not in out
    assert "80% of the value by day" in out and "in score order" in out


def test_table_fits_an_80_column_terminal_one_line_per_item(plan_path: Path) -> None:
    result = invoke("prioritize", str(plan_path), env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "per day" in result.stdout and "bar:" not in result.stdout  # the bar stepped aside
    for item_id in ("collect-tickets", "intent-model", "faq-page", "voice"):
        row = next(line for line in lines if item_id in line)
        assert "(" in row and ("yes" in row or "no" in row)  # rank range and readiness on it


def test_ready_shows_only_items_that_can_start_today(plan_path: Path) -> None:
    data = ranked_json(str(plan_path), "--ready")
    ids = {i["id"] for i in data["items"]}
    assert ids == {"collect-tickets", "faq-page", "voice"}  # intent-model waits on the tickets
    all_ranks = {i["id"]: i["rank"] for i in ranked_json(str(plan_path))["items"]}
    assert all(i["rank"] == all_ranks[i["id"]] for i in data["items"])  # overall ranks kept
    code, out, _ = run(str(plan_path), "--ready")
    # intent-model has no row of its own (the `with` column may name it: it is done together
    # with collect-tickets in the value-per-day sequence)
    rows = re.findall(r"^\s*\d+ \(\d+-\d+\)\s+(\S+)", out, re.M)
    assert code == 0 and rows == ["faq-page", "collect-tickets", "voice"]


def test_explain_lists_every_factor_with_its_source_and_named_readiness(plan_path: Path) -> None:
    code, out, _ = run(str(plan_path), "--explain", "intent-model")
    assert code == 0
    assert "3 system development" in out
    for name in FACTORS:
        assert name in out
    for source in ("field", "forecast", "graph"):
        assert source in out
    assert "P(success)" in out and "criticality" in out and "working days" in out
    code, out, _ = run(str(plan_path), "--explain", "collect-tickets")
    assert "inherited" not in out
    data = ranked_json(str(plan_path), "--explain", "voice")
    assert [i["id"] for i in data["items"]] == ["voice"]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("intent-modle", "did you mean 'intent-model'"),
        ("kickoff", "'kickoff' is done"),
    ],
)
def test_explain_errors_exit_2(plan_path: Path, item: str, message: str) -> None:
    code, _, err = run(str(plan_path), "--explain", item)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_weight_override_changes_the_ranking(plan_path: Path) -> None:
    base = ranked_json(str(plan_path), "--order", "score")
    easy = ranked_json(
        str(plan_path), "--order", "score", "--weight", "ease=50", "--weight", "impact=0"
    )
    assert easy["weights"]["ease"] == 50.0 and easy["weights"]["impact"] == 0.0
    assert easy["items"][0]["id"] == "faq-page"  # three days of work beats everything on ease
    assert base["items"][0]["id"] != "faq-page"


def test_order_score_ranks_by_score_and_may_put_work_before_its_blocker(
    plan_path: Path,
) -> None:
    data = ranked_json(str(plan_path), "--order", "score", "--weight", "readiness=0")
    assert data["order"] == "score"
    scores = [i["score"] for i in data["items"]]
    assert scores == sorted(scores, reverse=True)
    ranks = {i["id"]: i["rank"] for i in data["items"]}
    assert ranks["intent-model"] < ranks["collect-tickets"]  # it waits on tickets yet leads
    code, out, _ = run(str(plan_path), "--order", "score")
    assert code == 0 and "score order" in out


def test_explain_says_where_the_item_stands_in_one_sentence(plan_path: Path) -> None:
    code, out, _ = run(str(plan_path), "--explain", "faq-page")
    assert code == 0
    assert "1st: on its own it delivers" in out and "the best start" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weight", "impcat=2"], "unknown factor 'impcat'; did you mean 'impact'"),
        (["--weight", "data=-1"], "weights must be >= 0"),
        (["--weight", "data"], "expected NAME=VALUE"),
        (["--weight", "data=much"], "not a number"),
        ([a for name in FACTORS for a in ("--weight", f"{name}=0")], "all weights are zero"),
        (["--method", "gatd"], "gatd"),
        (["--scenario", "buy-voice-dta"], "did you mean 'buy-voice-data'"),
    ],
)
def test_bad_options_exit_2_with_a_clear_message(plan_path: Path, args, message) -> None:
    code, _, err = run(str(plan_path), *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_gated_vetoes_the_item_without_data(plan_path: Path) -> None:
    data = ranked_json(str(plan_path), "--method", "gated")
    assert data["method"] == "gated"
    voice = next(i for i in data["items"] if i["id"] == "voice")
    assert voice["score"] == 0 and voice["rank"] == len(data["items"])
    weighted = ranked_json(str(plan_path))
    assert next(i for i in weighted["items"] if i["id"] == "voice")["score"] > 0


def test_scenario_ranks_the_plan_as_the_scenario_sees_it(plan_path: Path) -> None:
    base = ranked_json(str(plan_path))
    data = ranked_json(str(plan_path), "--scenario", "buy-voice-data")
    assert data["forecast"]["scenario"] == "buy-voice-data"

    def voice(d: dict) -> dict:
        return next(i for i in d["items"] if i["id"] == "voice")

    assert voice(base)["factors"]["data"]["value"] == 0.0
    assert voice(data)["factors"]["data"]["value"] == 1.0
    assert voice(data)["score"] > voice(base)["score"]


def test_runs_and_seed_reach_the_forecast(plan_path: Path) -> None:
    data = ranked_json(str(plan_path), "--runs", "200", "--seed", "3")
    assert data["forecast"] == {"runs": 200, "seed": 3, "scenario": None}


def test_a_plan_with_nothing_open_says_so(tmp_path: Path) -> None:
    path = tmp_path / "done.toml"
    path.write_text(
        '[plan]\nname = "Done"\nstart = 2027-01-04\n\n[items.a]\ntitle = "A"\nestimate = 1\n'
        'status = "done"\nstarted = 2027-01-04\nfinished = 2027-01-04\n',
        encoding="utf-8",
    )
    code, out, err = run(str(path))
    assert code == 0, err
    assert "No open items" in out
    assert ranked_json(str(path))["items"] == []


def test_plan_errors_use_the_shared_exit_codes(tmp_path: Path, plan_path: Path) -> None:
    code, _, err = run(str(tmp_path / "missing.toml"))
    assert code == 2 and "Traceback" not in err
    bad = tmp_path / "bad.toml"
    bad.write_text(PLAN.replace("impact = 4", "impact = 9"), encoding="utf-8")
    code, _, err = run(str(bad))
    assert code == 1 and "impact" in err


def test_prioritize_does_not_import_textual_or_matplotlib(plan_path: Path) -> None:
    code = (
        "import sys\n"
        "from roadmap_tui.cli import main\n"
        "try:\n"
        f"    main(['prioritize', {str(plan_path)!r}, '--runs', '50'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        "bad = [m for m in ('textual', 'matplotlib') if m in sys.modules]\n"
        "sys.exit(f'imported {bad}' if bad else 0)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


@pytest.mark.parametrize("extra", [(), ("--explain", "nope")])
def test_the_cyclic_collector_is_paused_while_ranking_and_back_on_after(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...]
) -> None:
    import gc

    from roadmap_tui import priority

    seen: list[bool] = []
    real = priority.rank_plan

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(priority, "rank_plan", spy)
    assert gc.isenabled()
    code, _, _ = run(str(plan_path), *extra)
    assert code == (2 if extra else 0)
    assert seen == [False]  # paused while the forecast and the ranking run
    assert gc.isenabled()  # and on again, even after an error exit
