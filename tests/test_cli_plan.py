"""The plan-file commands: validate, new, set, fmt, and clean failures on any input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import Result

from helpers import FIXTURES, VALID, invoke, roadmap_argv
from roadmap_tui import store


def run(*args: str) -> Result:
    return invoke(*args)


# ---------------------------------------------------------------- validate


def test_validate_ok(plan_file: Path) -> None:
    result = run("validate", str(plan_file))
    assert result.exit_code == 0
    assert result.stdout == f"{plan_file}: ok (4 items, 1 risk)\n"


def test_validate_reports_every_problem_and_exits_1(plan_file: Path) -> None:
    broken = FIXTURES / "broken" / "many_problems.toml"
    result = run("validate", str(plan_file), str(broken))
    assert result.exit_code == 1
    assert result.stdout == f"{plan_file}: ok (4 items, 1 risk)\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 5
    assert lines[0] == f"{broken}:5: item 'a': title: missing; expected title = \"...\""
    assert all(line.startswith(f"{broken}:") for line in lines)


def test_validate_file_errors_exit_2(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "missing.toml"), str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'missing.toml'}: no such file",
        f"{tmp_path}: is a directory, expected a .toml plan file",
    ]


def test_validate_needs_a_path() -> None:
    assert run("validate").exit_code == 2


JUNK = {
    "binary.toml": bytes(range(256)) * 4,
    "latin1.toml": "name = 'caf\xe9'".encode("latin-1"),
    "empty.toml": b"",
    "syntax.toml": b"[plan\nname = 1\n",
    "just-a-string.toml": b'"hello"\n',
    "deep.toml": b"a = " + b"[" * 50_000,
}


@pytest.mark.parametrize("name", sorted(JUNK))
@pytest.mark.parametrize("command", ["validate", "fmt", "set"])
def test_no_traceback_for_any_input(tmp_path: Path, name: str, command: str) -> None:
    path = tmp_path / name
    path.write_bytes(JUNK[name])
    args = [command, str(path)] + (["a.title", "x"] if command == "set" else [])
    result = run(*args)
    assert result.exit_code in (1, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.startswith(str(path))
    assert path.read_bytes() == JUNK[name]


# ---------------------------------------------------------------- new


@pytest.mark.parametrize("template", ["ai-feature", "blank"])
def test_new_writes_a_valid_commented_plan(tmp_path: Path, template: str) -> None:
    path = tmp_path / "mine.toml"
    result = run("new", str(path), "--template", template)
    assert result.exit_code == 0, result.output
    # the template, starting next Monday: one line differs
    from roadmap_tui.store import next_monday

    assert path.read_text() == store.template_plan_text(template, start=next_monday())
    assert run("validate", str(path)).exit_code == 0
    assert run("fmt", "--check", str(path)).exit_code == 0


def test_new_refuses_to_overwrite(plan_file: Path) -> None:
    before = plan_file.read_text()
    result = run("new", str(plan_file))
    assert result.exit_code == 2
    assert result.stderr == f"{plan_file}: already exists; refusing to overwrite it\n"
    assert plan_file.read_text() == before


def test_new_rejects_an_unknown_template(tmp_path: Path) -> None:
    result = run("new", str(tmp_path / "x.toml"), "--template", "nope")
    assert result.exit_code == 2
    assert not (tmp_path / "x.toml").exists()


# ---------------------------------------------------------------- set


def diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def test_set_changes_one_line(plan_file: Path) -> None:
    before = plan_file.read_text()
    result = run("set", str(plan_file), "intent-model.estimate", "[6, 10, 20]")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{plan_file}: intent-model.estimate = [6, 10, 20]\n"
    assert diff_lines(before, plan_file.read_text()) == [
        (
            "estimate = [5, 10, 20]        # one attempt",
            "estimate = [6, 10, 20]        # one attempt",
        )
    ]


def test_set_bare_word_is_a_string(plan_file: Path) -> None:
    assert run("set", str(plan_file), "launch.notes", "later").exit_code == 0
    assert store.load_plan(plan_file).plan.item("launch").notes == "later"
    assert run("set", str(plan_file), "launch.owner", "ml team").exit_code == 0
    assert store.load_plan(plan_file).plan.item("launch").owner == "ml team"


def test_set_typed_values(plan_file: Path) -> None:
    assert run("set", str(plan_file), "launch.target", "2027-06-01").exit_code == 0
    assert run("set", str(plan_file), "launch.impact", "4.5").exit_code == 0
    assert run("set", str(plan_file), "risks.vendor-slip.probability", "0.5").exit_code == 0
    plan = store.load_plan(plan_file).plan
    assert str(plan.item("launch").target) == "2027-06-01"
    assert plan.item("launch").impact == 4.5
    assert plan.risk_by_id["vendor-slip"].probability == 0.5


def test_set_status_done_then_finished_order(plan_file: Path) -> None:
    before = plan_file.read_text()
    result = run("set", str(plan_file), "launch.status", "done")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{plan_file}:48: item 'launch': status: \"done\" without finished; "
        "expected finished = <date>, the actual finish\n"
    )
    assert plan_file.read_text() == before
    assert run("set", str(plan_file), "launch.finished", "2027-03-05").exit_code == 0
    assert run("set", str(plan_file), "launch.status", "done").exit_code == 0


def test_set_refuses_an_invalid_value_and_writes_nothing(plan_file: Path) -> None:
    before = plan_file.read_text()
    result = run("set", str(plan_file), "intent-model.readiness", "12")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{plan_file}:39: item 'intent-model': readiness: "
        "expected an integer level from 0 to 9, found 12\n"
    )
    assert plan_file.read_text() == before


def test_set_refuses_a_cycle(plan_file: Path) -> None:
    before = plan_file.read_text()
    result = run("set", str(plan_file), "kickoff.depends_on", '["launch"]')
    assert result.exit_code == 1
    assert "dependency cycle: kickoff -> collect-tickets -> intent-model -> launch -> kickoff" in (
        result.stderr
    )
    assert plan_file.read_text() == before


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("lunch.status", "no item 'lunch'; did you mean 'launch'?"),
        ("launch.stat", "unknown field 'stat'; did you mean 'status'?"),
        ("risks.vendor.probability", "no risk 'vendor'; did you mean 'vendor-slip'?"),
        ("risks.vendor-slip.prob", "unknown field 'prob'; did you mean 'probability'?"),
        ("launch", "expected ID.FIELD for an item, risks.ID.FIELD for a risk, teams.ID.FIELD"),
    ],
)
def test_set_usage_errors(plan_file: Path, target: str, message: str) -> None:
    before = plan_file.read_text()
    result = run("set", str(plan_file), target, "x")
    assert result.exit_code == 2
    assert message in result.stderr
    assert plan_file.read_text() == before


def test_set_on_an_invalid_plan_reports_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    shutil.copy(FIXTURES / "broken" / "cycle.toml", path)
    result = run("set", str(path), "a.title", "x")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:13: dependency cycle")


# ---------------------------------------------------------------- fmt


MESSY = '[plan]\nstart = 2027-01-04\nname = "X"\n\n[items.a]\nestimate = 1\ntitle = "A"\n'


def test_fmt_check_then_fmt(tmp_path: Path, plan_file: Path) -> None:
    messy = tmp_path / "messy.toml"
    messy.write_text(MESSY)
    result = run("fmt", "--check", str(messy), str(plan_file))
    assert result.exit_code == 1
    assert result.stderr == f"{messy}: not in the canonical layout (run: roadmap fmt {messy})\n"
    assert messy.read_text() == MESSY
    result = run("fmt", str(messy), str(plan_file))
    assert result.exit_code == 0
    assert result.stdout == f"{messy}: formatted\n"
    assert messy.read_text() == (
        '[plan]\nname = "X"\nstart = 2027-01-04\n\n[items.a]\ntitle = "A"\nestimate = 1\n'
    )
    assert run("fmt", "--check", str(messy)).exit_code == 0


def test_fmt_invalid_plan_exits_1(tmp_path: Path) -> None:
    result = run("fmt", str(FIXTURES / "broken" / "cycle.toml"))
    assert result.exit_code == 1
    assert "dependency cycle" in result.stderr


# ---------------------------------------------------------------- entry points


def test_python_dash_m_and_help() -> None:
    result = subprocess.run(
        roadmap_argv("validate", str(VALID)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout == f"{VALID}: ok (4 items, 1 risk)\n"
    for command in ("validate", "new", "set", "fmt"):
        help_text = run(command, "--help").stdout
        assert "Usage:" in help_text and len(help_text.splitlines()) > 4


BUNDLED = sorted((Path(__file__).parent.parent / "plans").glob("*.toml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_example_plans_are_valid(path: Path) -> None:
    result = run("validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{path}: ok (")


def test_set_plan_settings(plan_file: Path) -> None:
    before = plan_file.read_text()
    assert run("set", str(plan_file), "plan.as_of", "2027-02-01").exit_code == 0
    assert run("set", str(plan_file), "forecast.seed", "9").exit_code == 0
    assert run("set", str(plan_file), "priority.ease", "1").exit_code == 0  # default 0
    after = plan_file.read_text()
    plan = store.load_plan(plan_file).plan
    assert (str(plan.as_of), plan.seed, plan.priority.weights["ease"]) == ("2027-02-01", 9, 1)
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert removed == ["seed = 42"]
    assert added == ["as_of = 2027-02-01", "seed = 9", "ease = 1"]


def test_set_negative_value_is_a_value_not_an_option(plan_file: Path) -> None:
    before = plan_file.read_text()
    result = run("set", str(plan_file), "priority.impact", "-1")
    assert result.exit_code == 1
    assert (
        result.stderr == f"{plan_file}:14: [priority]: impact: expected a weight >= 0, found -1\n"
    )
    assert plan_file.read_text() == before


def test_set_unknown_setting(plan_file: Path) -> None:
    result = run("set", str(plan_file), "forecast.sed", "1")
    assert result.exit_code == 2
    assert "[forecast]: unknown key 'sed'; did you mean 'seed'?" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("validate",),
        ("set", "kb-index.owner", "Ana"),
        ("fmt", "--check"),
        ("simulate", "--runs", "50", "--json"),
        ("calibrate",),
        ("export", "--format", "md", "--runs", "50"),
    ],
)
def test_headless_commands_pause_the_cyclic_collector_and_restore_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Each collection would walk the parsed plan and the forecast again (cli.py); the
    collector is back on afterwards for callers in the same process."""
    import gc

    from roadmap_tui import cli

    plan = tmp_path / "plan.toml"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "plans" / "support-assistant.toml", plan)
    seen: list[bool] = []

    def spy(real):  # type: ignore[no-untyped-def]
        def wrapped(*a, **k):  # type: ignore[no-untyped-def]
            seen.append(gc.isenabled())
            return real(*a, **k)

        return wrapped

    monkeypatch.setattr(cli, "open_plan", spy(cli.open_plan))
    monkeypatch.setattr(cli, "load_or_report", spy(cli.load_or_report))
    monkeypatch.setattr(store, "format_file", spy(store.format_file))
    assert gc.isenabled()
    result = run(args[0], str(plan), *args[1:])
    assert result.exit_code in (0, 1), result.output
    assert seen and not any(seen)
    assert gc.isenabled()
