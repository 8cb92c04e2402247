"""Opening the editor from the shell: `roadmap PLAN`, `roadmap edit PLAN` and `roadmap` alone.

The editor itself is replaced by a recorder, so these tests check which plan would open.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from roadmap_tui import store
from roadmap_tui.cli import main
from roadmap_tui.tui import launch
from roadmap_tui.tui.app import RoadmapApp

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "plans" / "support-assistant.toml"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every plan the editor was started on, instead of starting it."""
    paths: list[Path] = []

    def run(self: RoadmapApp, *args: object, **kwargs: object) -> None:
        paths.append(Path(self.loaded.path))

    monkeypatch.setattr(RoadmapApp, "run", run)
    return paths


def test_roadmap_plan_opens_the_editor(opened: list[Path], tmp_path: Path) -> None:
    plan = tmp_path / "mine.toml"
    plan.write_text(EXAMPLE.read_text())
    result = CliRunner().invoke(main, [str(plan)])
    assert result.exit_code == 0, result.output
    assert opened == [plan]


def test_roadmap_edit_plan_opens_the_editor_and_subcommands_still_work(
    opened: list[Path], tmp_path: Path
) -> None:
    plan = tmp_path / "mine.toml"
    plan.write_text(EXAMPLE.read_text())
    assert CliRunner().invoke(main, ["edit", str(plan)]).exit_code == 0
    assert opened == [plan]
    validated = CliRunner().invoke(main, ["validate", str(plan)])
    assert validated.exit_code == 0 and "ok" in validated.output
    assert opened == [plan]  # validate did not open the editor


def test_a_mistyped_command_is_still_a_usage_error(opened: list[Path]) -> None:
    result = CliRunner().invoke(main, ["valdate", "x"])
    assert result.exit_code == 2 and "No such command" in result.output
    assert opened == []


def test_an_invalid_plan_prints_its_problems_instead_of_opening(
    opened: list[Path], tmp_path: Path
) -> None:
    plan = tmp_path / "bad.toml"
    plan.write_text('[plan]\nname = "x"\nstart = 2027-01-04\n\n[items.a]\nestimate = 3\n')
    result = CliRunner().invoke(main, [str(plan)])
    assert result.exit_code == 1
    assert f"{plan}:5:" in result.output and "title" in result.output
    assert opened == []


def test_a_missing_plan_is_created_from_the_template_when_asked(
    opened: list[Path], tmp_path: Path
) -> None:
    plan = tmp_path / "new.toml"
    refused = CliRunner().invoke(main, ["edit", str(plan)], input="n\n")
    assert refused.exit_code == 2 and not plan.exists() and opened == []
    accepted = CliRunner().invoke(main, [str(plan)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert store.load_plan(plan).plan.items  # a valid plan with items
    assert opened == [plan]


def test_no_argument_on_a_fresh_machine_opens_a_copy_of_the_bundled_example(
    opened: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    quit_ = CliRunner().invoke(main, [], input="q\n")  # it asks before writing anything
    assert quit_.exit_code == 0 and "[n] a new plan" in quit_.output
    assert list(tmp_path.iterdir()) == [] and opened == []
    result = CliRunner().invoke(main, [], input="e\n")
    assert result.exit_code == 0, result.output
    copy = tmp_path / launch.EXAMPLE_COPY
    assert opened == [copy]
    from roadmap_tui.examples import bundled_plan_path

    assert copy.read_text() == Path(bundled_plan_path()).read_text()
    again = CliRunner().invoke(main, [])
    assert again.exit_code == 0 and opened == [copy, copy]  # found, not copied twice


def test_no_argument_with_plans_offers_a_picker(
    opened: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plans").mkdir()
    for name in ("plans/b.toml", "plans/a.toml", "c.toml"):
        (tmp_path / name).write_text(EXAMPLE.read_text())
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    assert launch.find_plans(tmp_path) == [
        tmp_path / "plans/a.toml",
        tmp_path / "plans/b.toml",
        tmp_path / "c.toml",
    ]
    offered: list[list[Path]] = []

    def pick(self: launch.PlanPicker) -> Path:
        offered.append(self.plans)
        return self.plans[1]

    monkeypatch.setattr(launch.PlanPicker, "run", pick)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, []).exit_code == 0
    assert offered == [[*launch.find_plans(tmp_path), launch.NEW_PLAN]]
    assert opened == [tmp_path / "plans/b.toml"]


async def test_the_picker_returns_the_chosen_plan(tmp_path: Path) -> None:
    plans = [tmp_path / "a.toml", tmp_path / "b.toml"]
    app = launch.PlanPicker(plans)
    async with app.run_test() as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.return_value == plans[1]


def test_a_new_plan_from_the_first_run_or_the_picker(
    opened: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [], input="n\nbot.toml\nSupport bot\n")
    assert result.exit_code == 0, result.output
    assert opened == [tmp_path / "bot.toml"]
    assert store.load_plan(tmp_path / "bot.toml").plan.name == "Support bot"
    (tmp_path / "other.toml").write_text(EXAMPLE.read_text())
    monkeypatch.setattr(launch.PlanPicker, "run", lambda self: launch.NEW_PLAN)
    result = CliRunner().invoke(main, [], input="third.toml\nThird\n")
    assert result.exit_code == 0, result.output
    assert opened[-1] == tmp_path / "third.toml"


async def test_the_picker_offers_a_new_plan_last(tmp_path: Path) -> None:
    app = launch.PlanPicker([tmp_path / "a.toml", launch.NEW_PLAN])
    async with app.run_test() as pilot:
        labels = [str(o.prompt) for o in app.query_one("OptionList").options]
        assert labels[-1] == "+ a new plan from the template"
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.return_value == launch.NEW_PLAN
