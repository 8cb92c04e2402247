"""`roadmap simulate`: human output, --json, --compare, errors, and import hygiene."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from roadmap_tui.cli import main
from roadmap_tui.forecast import COMPARE_SCHEMA, SCHEMA

PLAN = Path(__file__).parent / "fixtures" / "forecast" / "assistant.toml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["simulate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_json_is_only_json_with_the_documented_keys() -> None:
    code, out, err = run(str(PLAN), "--json", "--runs", "2000")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["schema"] == SCHEMA
    assert (data["runs"], data["seed"], data["scenario"], data["start"]) == (
        2000,
        42,
        None,
        "2027-01-04",
    )
    assert [i["id"] for i in data["items"]] == [
        "collect",
        "baseline",
        "intent-model",
        "audit",
        "beta",
    ]
    item = data["items"][2]
    for key in (
        "id",
        "p_success",
        "finish_days",
        "finish",
        "p_on_time",
        "criticality",
        "sensitivity",
    ):
        assert key in item
    assert set(item["finish_days"]) == set(item["finish"]) == {"mean", "p10", "p50", "p80", "p95"}
    assert item["finish_days"]["p95"] is None and item["finish"]["p95"] is None  # 1-.4^3 < .95
    plan = data["plan"]
    assert set(plan) >= {"p_success", "finish_days", "finish", "p80_interval", "deterministic_days"}
    assert plan["p80_interval"]["low"] <= plan["finish_days"]["p80"] <= plan["p80_interval"]["high"]


def test_json_is_byte_identical_for_the_same_plan_and_seed() -> None:
    first = run(str(PLAN), "--json", "--runs", "1500")[1]
    assert first == run(str(PLAN), "--json", "--runs", "1500")[1]
    other = run(str(PLAN), "--json", "--runs", "1500", "--seed", "43")[1]
    assert other != first and json.loads(other)["seed"] == 43


def test_json_in_a_fresh_process_is_byte_identical() -> None:
    """No dependence on process state such as Python's randomised hash()."""
    cmd = [sys.executable, "-m", "roadmap_tui", "simulate", str(PLAN), "--json", "--runs", "800"]
    outs = {
        subprocess.run(
            cmd, capture_output=True, check=True, env={**os.environ, "PYTHONHASHSEED": s}
        ).stdout
        for s in ("1", "2")
    }
    assert len(outs) == 1


def test_scenario_and_as_of_options_reach_the_engine() -> None:
    base = json.loads(run(str(PLAN), "--json", "--runs", "1000")[1])
    scen = json.loads(run(str(PLAN), "--json", "--runs", "1000", "--scenario", "second-vendor")[1])
    assert scen["scenario"] == "second-vendor"
    assert scen["plan"]["finish_days"]["p50"] < base["plan"]["finish_days"]["p50"]
    later = json.loads(run(str(PLAN), "--json", "--runs", "1000", "--as-of", "2027-03-01")[1])
    assert later["as_of"] == "2027-03-01"
    baseline = next(i for i in later["items"] if i["id"] == "baseline")
    assert baseline["finish_days"]["p10"] >= 40  # nothing starts before day 40 (2027-03-01)


def test_human_output_shows_table_finish_interval_single_number_drivers_and_histogram() -> None:
    code, out, _ = run(str(PLAN), "--runs", "2000")
    assert code == 0
    data = json.loads(run(str(PLAN), "--runs", "2000", "--json")[1])
    for item in data["items"]:
        assert item["id"] in out
    plan = data["plan"]
    assert f"P50 {plan['finish']['p50']}" in out and f"P80 {plan['finish']['p80']}" in out
    assert "P95 never" in out  # P(success) < 95 %
    assert f"{plan['p80_interval']['low_date']} .. {plan['p80_interval']['high_date']}" in out
    assert f"Single-number plan  {plan['deterministic_date']}" in out
    assert "Drivers of the plan finish" in out and "intent-model +0." in out
    assert "█" in out and "(5 = P50, 8 = P80)" in out


def test_item_curves_are_opt_in_but_the_plans_and_milestones_stay() -> None:
    data = json.loads(run(str(PLAN), "--json", "--runs", "500")[1])
    assert set(data["plan"]["curve"]) == {"days", "dates", "prob"}
    kinds = {i["id"]: i["kind"] for i in data["items"]}
    assert "milestone" in kinds.values() and set(kinds.values()) != {"milestone"}
    for item in data["items"]:
        assert ("curve" in item) == (item["kind"] == "milestone"), item["id"]
    full = json.loads(run(str(PLAN), "--json", "--curves", "--runs", "500")[1])
    grid = full["plan"]["curve"]["days"]
    for item, short in zip(full["items"], data["items"], strict=True):
        assert item["curve"]["days"] == grid and len(item["curve"]["prob"]) == len(grid)
        assert {k: v for k, v in item.items() if k != "curve"} == {
            k: v for k, v in short.items() if k != "curve"
        }
    compare = json.loads(run(str(PLAN), "--compare", "--json", "--curves", "--runs", "500")[1])
    # the same figures; risk effects are simulate's alone, not --compare's (docs/forecast.md)
    assert compare["results"][0] == {k: v for k, v in full.items() if k != "risks"}


def test_curves_needs_json() -> None:
    code, _, err = run(str(PLAN), "--curves", "--runs", "100")
    assert code == 2 and "give --json too" in err


@pytest.mark.parametrize(
    "argv", [["validate"], ["simulate", "--json", "--runs", "100"]], ids=lambda a: a[0]
)
def test_headless_commands_import_neither_networkx_nor_rich(argv: list[str]) -> None:
    """A valid plan is checked and forecast without networkx, rich or tomlkit (issue 9:
    startup is most of a small plan's time); stderr is not a terminal, so no bar shows."""
    args = [argv[0], str(PLAN), *argv[1:]]
    code = (
        "import sys; from roadmap_tui.cli import main\n"
        f"try:\n    main({args!r})\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "bad = [m for m in ('networkx', 'rich', 'tomlkit') if m in sys.modules]\n"
        "print(bad, file=sys.stderr); sys.exit(1 if bad else 0)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr


def test_compare_shows_baseline_and_every_scenario() -> None:
    code, out, _ = run(str(PLAN), "--compare", "--runs", "1000")
    assert code == 0
    assert "baseline" in out and "second-vendor" in out and "◆\u00a0beta" in out
    text = out
    code, out, _ = run(str(PLAN), "--compare", "--runs", "1000", "--json")
    data = json.loads(out)
    assert data["schema"] == COMPARE_SCHEMA
    assert [r["scenario"] for r in data["results"]] == [None, "second-vendor"]
    base, scen = (r["plan"] for r in data["results"])
    shift = f"P80 {scen['finish_days']['p80'] - base['finish_days']['p80']:+.1f} d"
    assert re.search(rf"second-vendor +\S+ +{scen['finish']['p80']} +{re.escape(shift)} ", text)
    alone = json.loads(run(str(PLAN), "--json", "--runs", "1000", "--scenario", "second-vendor")[1])
    assert alone.pop("risks") is not None  # the risks' effects: only without --compare
    assert data["results"][1] == alone


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--scenario", "nope"], 2, "unknown scenario 'nope'; the plan's scenarios: second-vendor"),
        (["--compare", "--scenario", "second-vendor"], 2, "leave out --scenario"),
        (["--runs", "0"], 2, "Invalid value for '--runs'"),
        (["--as-of", "2027-02-30"], 2, "Invalid value for '--as-of'"),
        (["--runs", "200000000"], 2, "200000000 is not in the range 1<=x<=1000000"),
    ],
)
def test_bad_options_are_clear_errors(args: list[str], code: int, message: str) -> None:
    exit_code, out, err = run(str(PLAN), *args)
    assert exit_code == code
    assert message in err and out == ""


def test_missing_and_invalid_plans_exit_without_traceback(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "missing.toml"))
    assert code == 2 and "Traceback" not in err
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[plan]\nname = "x"\nstart = 2027-01-04\n[items.a]\ntitle = "A"\nestimate = [5, 1, 2]\n'
    )
    code, _, err = run(str(bad))
    assert code == 1 and f"{bad}:" in err and "Traceback" not in err


def test_importing_the_engine_does_not_import_textual_or_matplotlib() -> None:
    code = (
        "import sys, roadmap_tui.forecast, roadmap_tui.forecast.engine;"
        "bad = [m for m in ('textual', 'matplotlib', 'rich') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_simulate_json_does_not_import_textual_or_matplotlib() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from roadmap_tui.cli import main;"
        f"r = CliRunner().invoke(main, ['simulate', {str(PLAN)!r}, '--json', '--runs', '100']);"
        "assert r.exit_code == 0, r.output;"
        "bad = [m for m in ('textual', 'matplotlib') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_plan_that_never_finishes_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "never.toml"
    path.write_text(
        '[plan]\nname = "Never"\nstart = 2027-01-04\n'
        '[items.exp]\ntitle = "E"\nkind = "experiment"\nestimate = [1, 2, 3]\n'
        "p_success = 0.0\nmax_attempts = 2\n"
    )
    code, out, _ = run(str(path), "--runs", "50")
    assert code == 0
    assert "P50 never  P80 never  P95 never" in out
    assert "P(success) 0%" in out
    assert "never finished in any of the 50 runs" in out
    assert "none: no item's duration moves the finish" in out


def test_progress_goes_to_the_shared_bar_after_about_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contextlib import contextmanager

    import roadmap_tui.report.progress as progress_module

    seen: dict[str, object] = {"calls": []}

    @contextmanager
    def fake_bar(label: str, *, delay: float = 0.5, **_: object):  # type: ignore[no-untyped-def]
        seen["label"], seen["delay"] = label, delay
        yield lambda done, total: seen["calls"].append((done, total))  # type: ignore[union-attr]

    monkeypatch.setattr(progress_module, "progress_bar", fake_bar)
    code, out, _ = run(str(PLAN), "--runs", "9000", "--json")  # one pass, ticks within it
    assert code == 0 and json.loads(out)["runs"] == 9000
    assert seen["label"] == "Forecasting Support assistant" and seen["delay"] == 1.0
    assert seen["calls"][-1] == (9000, 9000) and len(seen["calls"]) >= 2


def test_the_command_turns_numpy_huge_pages_off_unless_the_user_chose() -> None:
    """First-touched huge pages cost ten times ordinary ones on virtual machines (cli.py)."""
    import os
    import subprocess
    import sys

    code = "import os, roadmap_tui.cli; print(os.environ['NUMPY_MADVISE_HUGEPAGE'])"
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "0"
    env["NUMPY_MADVISE_HUGEPAGE"] = "1"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "1"
