"""`roadmap history`: the forecast at every commit of a plan, its cache and its accuracy."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers import invoke
from roadmap_tui.report import history as history_mod
from roadmap_tui.report.history import Accuracy, ItemRecord, Point, accuracy, plan_history

HEAD = """\
[plan]
name = "History demo"
start = 2027-01-04

[forecast]
runs = 200
seed = 9
"""


def plan_text(a: str = "", c: str = "") -> str:
    """Items a (5 fixed days), b (20) and c (2), and a milestone after them."""
    return (
        HEAD
        + f'\n[items.a]\ntitle = "A"\nestimate = 5\n{a}'
        + '\n[items.b]\ntitle = "B"\nestimate = 20\n'
        + f'\n[items.c]\ntitle = "C"\nestimate = 2\n{c}'
        + '\n[items.ship]\ntitle = "Ship"\nkind = "milestone"\ndepends_on = ["a", "b", "c"]\n'
    )


DONE_A = 'status = "done"\nstarted = 2027-01-04\nfinished = 2027-01-12\n'
DONE_C = 'status = "done"\nstarted = 2027-01-04\nfinished = 2027-01-05\n'


def git(repo: Path, *args: str, day: str = "2027-01-04") -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_DATE": f"{day}T12:00:00+00:00",
        "GIT_COMMITTER_DATE": f"{day}T12:00:00+00:00",
    }
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout


def commit(repo: Path, rel: str, text: str, day: str, message: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    git(repo, "add", "-A", day=day)
    git(repo, "commit", "-qm", message, day=day)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Five commits: two forecasts, a and c done, a broken plan, then fixed and renamed."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, "plan.toml", plan_text(), "2027-01-04", "first plan")
    commit(root, "plan.toml", plan_text() + "# review\n", "2027-01-11", "weekly review")
    commit(root, "plan.toml", plan_text(DONE_A, DONE_C), "2027-01-18", "a and c done")
    commit(root, "plan.toml", plan_text(DONE_A, DONE_C) + "[items.x\n", "2027-01-19", "oops")
    (root / "plans").mkdir()
    git(root, "mv", "plan.toml", "plans/demo.toml", day="2027-01-20")
    (root / "plans/demo.toml").write_text(plan_text(DONE_A, DONE_C))
    git(root, "add", "-A", day="2027-01-20")
    git(root, "commit", "-qm", "fix and move", day="2027-01-20")
    return root


def test_history_follows_renames_skips_a_broken_commit_and_uses_commit_dates(repo: Path) -> None:
    found = plan_history(repo / "plans/demo.toml")
    assert [p.subject for p in found.points] == [
        "first plan",
        "weekly review",
        "a and c done",
        "fix and move",
    ]
    assert [p.path for p in found.points] == ["plan.toml"] * 3 + ["plans/demo.toml"]
    [note] = [n for n in found.notes if "oops" in n]
    assert "does not parse" in note and "skipped" in note
    first, second = found.points[:2]
    # no as_of in the plan: the commit date is the as_of; b (20 days) ends the plan
    assert first.as_of.isoformat() == "2027-01-04" and second.as_of.isoformat() == "2027-01-11"
    assert first.items["a"].p80.isoformat() == "2027-01-08"
    assert second.items["a"].p80.isoformat() == "2027-01-15"
    assert first.p80.isoformat() == "2027-01-29" and second.p80.isoformat() == "2027-02-05"
    assert [m.id for m in first.milestones] == ["ship"]
    assert first.milestones[0].p80 == first.p80
    assert found.seed == 9 and found.runs == history_mod.HISTORY_RUNS


def test_accuracy_on_a_hand_computed_example(repo: Path) -> None:
    """a finished 2027-01-12: the P80 of 01-04 (01-08) failed, that of 01-11 (01-15) held.
    c finished 01-05: the P80 of 01-04 (01-05) held; the 01-11 forecast came after it."""
    found = plan_history(repo / "plans/demo.toml")
    assert found.accuracy == Accuracy(held=2, total=3, items=2)
    assert "2 of 3" in found.accuracy.sentence() and "nominal 80%" in found.accuracy.sentence()


def test_accuracy_leaves_out_not_ready_forecasts_and_stale_ones() -> None:
    def point(day: int, **items: ItemRecord) -> Point:
        from datetime import date

        return Point(
            "c" * 40,
            date(2027, 1, day),
            "",
            "p",
            None,
            None,
            None,
            None,
            None,
            1.0,
            (),
            dict(items),
        )

    from datetime import date

    done = ItemRecord("done", date(2027, 1, 10), None)
    pts = [
        point(1, x=ItemRecord("todo", None, None)),  # "not ready" at P80: no promise
        point(2, x=ItemRecord("doing", None, date(2027, 1, 9))),  # failed
        point(3, x=ItemRecord("todo", None, date(2027, 1, 10))),  # held (on the day)
        point(11, x=ItemRecord("todo", None, date(2027, 1, 20))),  # after it finished
        point(12, x=done),
    ]
    assert accuracy(pts) == Accuracy(1, 2, 1)
    assert accuracy([]) == Accuracy(0, 0, 0)
    assert accuracy(pts[-1:]).share is None


def test_second_run_comes_from_the_cache(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = plan_history(repo / "plans/demo.toml")
    assert not any(p.cached for p in cold.points)
    assert any((repo / ".roadmap-cache" / "history").iterdir())

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although cached")

    monkeypatch.setattr("roadmap_tui.forecast.simulate", boom)
    warm = plan_history(repo / "plans/demo.toml")
    assert all(p.cached for p in warm.points)
    assert warm.to_json_dict() == cold.to_json_dict()
    assert warm.notes == cold.notes  # the broken commit's reason is cached too
    # other runs are another cache entry
    monkeypatch.undo()
    assert not any(p.cached for p in plan_history(repo / "plans/demo.toml", runs=50).points)


def test_since_keeps_the_version_in_effect_and_later_ones(repo: Path) -> None:
    found = plan_history(repo / "plans/demo.toml", since="HEAD~1")
    assert [p.subject for p in found.points] == ["fix and move"]
    assert any("oops" in n for n in found.notes)
    found = plan_history(repo / "plans/demo.toml", since="HEAD~2")
    assert [p.subject for p in found.points] == ["a and c done", "fix and move"]


def test_shallow_clone_is_a_note(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo}", str(clone))
    found = plan_history(clone / "plans/demo.toml")
    assert any("shallow clone" in n for n in found.notes)
    assert [p.subject for p in found.points] == ["fix and move"]


def test_cli_table_json_and_errors(repo: Path, tmp_path: Path) -> None:
    plan = repo / "plans/demo.toml"
    text = invoke("history", str(plan), "--runs", "100")
    assert text.exit_code == 0, text.output
    assert "Milestone trend" in text.output and "accuracy: the P80 held in 2 of 3" in text.output
    assert "does not parse" in text.output
    data = json.loads(invoke("history", str(plan), "--json", "--runs", "100").output)
    assert data["schema"] == "roadmap-tui/history/1"
    assert len(data["commits"]) == 4 and data["accuracy"]["held"] == 2
    assert data["commits"][0]["milestones"][0]["id"] == "ship"
    outside = tmp_path / "loose.toml"
    outside.write_text(plan_text())
    result = invoke("history", str(outside))
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr
    bad = invoke("history", str(plan), "--since", "nope")
    assert bad.exit_code == 2 and "unknown revision" in bad.stderr
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    git(fresh, "init", "-q")
    (fresh / "p.toml").write_text(plan_text())
    result = invoke("history", str(fresh / "p.toml"))
    assert result.exit_code == 0 and "no commits yet" in result.output
    untracked = repo / "new.toml"
    untracked.write_text(plan_text())
    empty = invoke("history", str(untracked))
    assert empty.exit_code == 0 and "no commit changed this file" in empty.output


def test_export_history_chart(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "trend.svg"
    result = invoke(
        "export", str(repo / "plans/demo.toml"), "-f", "svg", "--chart", "history", "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    svg = out.read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
    again = tmp_path / "again.svg"
    invoke(
        "export", str(repo / "plans/demo.toml"), "-f", "svg", "--chart", "history", "-o", str(again)
    )
    assert again.read_bytes() == out.read_bytes()  # byte-stable
