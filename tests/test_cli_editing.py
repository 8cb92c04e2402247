"""The shell side of issue 13's editing work: warnings in validate, rename, new --name/--start."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result

from helpers import invoke
from tui_helpers import PLAN


def run(*args: str) -> Result:
    return invoke(*args)


def write(tmp_path: Path, text: str = PLAN) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_started_on_a_todo_item_is_a_warning_with_its_line(tmp_path: Path) -> None:
    ui = '[items.ui]\ntitle = "Chat UI"\n'
    text = PLAN.replace(ui, ui + "started = 2027-01-05\n")
    path = write(tmp_path, text)
    line = text.splitlines().index("started = 2027-01-05") + 1
    result = run("validate", str(path))
    assert result.exit_code == 0  # a warning, not a problem
    (first,) = result.stderr.splitlines()  # diagnostics on stderr, the verdict on stdout
    assert first.startswith(f"{path}:{line}: warning: item 'ui': started 2027-01-05")
    assert 'status = "doing"' in first
    assert result.stdout == f"{path}: ok (5 items, 1 risk)\n"


def test_a_valid_plan_without_surprises_has_no_warning(tmp_path: Path) -> None:
    result = run("validate", str(write(tmp_path)))
    assert result.stdout == f"{tmp_path / 'plan.toml'}: ok (5 items, 1 risk)\n"
    assert result.stderr == ""


def test_rename_changes_the_table_and_every_reference_as_a_minimal_diff(tmp_path: Path) -> None:
    path = write(tmp_path)
    before = path.read_text(encoding="utf-8").splitlines()
    result = run("rename", str(path), "collect", "collect-tickets")
    assert result.exit_code == 0, result.stderr
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("[items.collect]", "[items.collect-tickets]"),
        ('depends_on = ["collect"]', 'depends_on = ["collect-tickets"]'),
        ('affects = ["collect"]', 'affects = ["collect-tickets"]'),
        ("items.collect.estimate = [7, 10, 18]", "items.collect-tickets.estimate = [7, 10, 18]"),
    ]
    assert "estimate = [10, 15, 30]   # labeling vendor quote" in after  # comments stay
    assert result.stdout.strip().endswith("renamed collect to collect-tickets (4 lines changed)")


def test_rename_refuses_an_unknown_a_taken_or_a_malformed_id(tmp_path: Path) -> None:
    path = write(tmp_path)
    text = path.read_text(encoding="utf-8")
    for old, new, message in [
        ("colect", "x", "no item 'colect'"),
        ("collect", "ui", "item 'ui' already exists"),
        ("collect", "two words", "is not an id"),
    ]:
        result = run("rename", str(path), old, new)
        assert result.exit_code == 2 and message in result.stderr
    assert path.read_text(encoding="utf-8") == text


def test_new_takes_a_name_and_a_start(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    result = run("new", str(path), "--name", "Support bot", "--start", "2027-03-01")
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert 'name = "Support bot"' in text and "start = 2027-03-01" in text
    assert "# required: day 0 of the plan" in text  # the template's comments stay


def test_new_starts_next_monday_by_default(tmp_path: Path) -> None:
    from datetime import date

    from roadmap_tui.store import next_monday

    assert next_monday(date(2026, 12, 3)) == date(2026, 12, 7)  # a Thursday
    assert next_monday(date(2026, 12, 7)) == date(2026, 12, 14)  # a Monday: the next one
    path = tmp_path / "p.toml"
    assert run("new", str(path)).exit_code == 0
    assert f"start = {next_monday().isoformat()}" in path.read_text(encoding="utf-8")
