"""`roadmap textconv` and git: `git diff` shows how the forecast dates moved with an edit."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from helpers import PLAN_V1, PLAN_V2, commit_versions, git, invoke
from roadmap_tui import store
from roadmap_tui.forecast import simulate
from roadmap_tui.report.common import fmt_date
from roadmap_tui.report.textconv import RULE, cached_textconv, textconv


def summary(text: str) -> list[str]:
    return text.split(RULE + "\n", 1)[1].splitlines()


def test_textconv_is_canonical_text_plus_forecast_comments() -> None:
    out = textconv(PLAN_V1, "a.toml")
    canonical = store.format_canonical(PLAN_V1)
    assert out.startswith(canonical)
    plan = store.load_plan_text(PLAN_V1, "a.toml").plan
    fc = simulate(plan, runs=2000, seed=42)
    lines = summary(out)
    assert lines[0] == "# 2000 runs, seed 42"
    p = fc.plan
    assert lines[1] == (
        f"# plan finish: P50 {p.finish.p50}, P80 {p.finish.p80}, P95 never, "
        f"P(success) {100 * p.p_success:.1f}%"
    )
    beta = fc.items["beta"]
    assert lines[2] == (
        f"# beta: P50 {beta.finish.p50}, P80 {beta.finish.p80}, P95 {fmt_date(beta.finish.p95)}, "
        f"P(success) {100 * beta.p_success:.1f}%, P(on time) {100 * beta.p_on_time:.1f}% "
        "(target 2027-03-15)"
    )
    assert lines[3].startswith("# ga: ")
    assert len(lines) == 4
    # the whole output is still a valid plan: the summary is only comments
    assert store.load_plan_text(out, "a.toml").plan == plan
    assert textconv(PLAN_V1, "other-name.toml") == out  # git passes temporary file names


def test_textconv_agrees_with_simulate_at_the_plans_runs() -> None:
    """git diff must show the dates `roadmap simulate` and `roadmap diff` show: all the runs."""
    big = PLAN_V1.replace("runs = 2000", "runs = 6000")
    lines = summary(textconv(big, "a.toml"))
    assert lines[0] == "# 6000 runs, seed 42"
    fc = simulate(store.load_plan_text(big, "a.toml").plan)
    assert lines[1].startswith(
        f"# plan finish: P50 {fc.plan.finish.p50}, P80 {fc.plan.finish.p80},"
    )
    assert summary(textconv(big, "a.toml", runs=300))[0] == "# 300 runs, seed 42"


def test_the_cache_is_keyed_by_the_blob_and_never_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / ".roadmap-cache" / "textconv"
    first = cached_textconv(PLAN_V1, "a.toml", cache=cache)
    assert first == textconv(PLAN_V1, "a.toml")
    (entry,) = cache.glob("*.txt")
    (tmp_path / "plan.toml").write_text(PLAN_V1, encoding="utf-8")
    assert entry.name.startswith(git(tmp_path, "hash-object", "plan.toml").strip() + "-")
    assert (tmp_path / ".roadmap-cache" / ".gitignore").read_text().splitlines()[-1] == "*"

    def no_forecast(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached text must not be forecast again")

    monkeypatch.setattr("roadmap_tui.report.textconv.textconv", no_forecast)
    assert cached_textconv(PLAN_V1, "other.toml", cache=cache) == first  # git's temp names
    with pytest.raises(AssertionError):
        cached_textconv(PLAN_V2, "a.toml", cache=cache)  # another text: another key
    with pytest.raises(AssertionError):
        cached_textconv(PLAN_V1, "a.toml", runs=300, cache=cache)  # other runs: another key


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert cached_textconv(PLAN_V1, "a.toml", cache=blocked / "textconv") == textconv(
        PLAN_V1, "a.toml"
    )


def test_textconv_of_invalid_plan_shows_it_as_written() -> None:
    broken = PLAN_V1.replace("estimate = [10, 15, 30]", "estimate = [30, 15, 10]")
    out = textconv(broken, "a.toml")
    assert out.startswith(broken)
    assert "# roadmap: invalid plan, no forecast: line 13:" in out
    assert textconv("", "a.toml") == ""


def test_textconv_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the cache goes to the working folder
    plan = tmp_path / "a.toml"
    plan.write_text(PLAN_V1)
    result = invoke("textconv", str(plan))
    assert result.exit_code == 0
    assert result.stdout == textconv(PLAN_V1, str(plan))
    assert list((tmp_path / ".roadmap-cache" / "textconv").glob("*.txt"))
    assert invoke("textconv", str(plan), "--no-cache").stdout == result.stdout
    result = invoke("textconv", str(tmp_path / "missing.toml"))
    assert result.exit_code == 2 and "no such file" in result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two commits of a plan, with the README's .gitattributes line and textconv config."""
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitattributes").write_text("plans/*.toml diff=roadmap\n")
    roadmap = f"{shlex.quote(sys.executable)} -m roadmap_tui textconv"
    git(tmp_path, "config", "diff.roadmap.textconv", roadmap)
    commit_versions(tmp_path, PLAN_V1, PLAN_V2)
    return tmp_path


def test_git_diff_shows_the_p80_dates_move(repo: Path) -> None:
    out = git(repo, "diff", "HEAD~1", "HEAD", "--", "plans/assistant.toml")
    before = simulate(store.load_plan_text(PLAN_V1, "a").plan, runs=2000, seed=42)
    after = simulate(store.load_plan_text(PLAN_V2, "b").plan, runs=2000, seed=42)
    for key in ("beta", "ga"):
        old, new = before.items[key].finish.p80, after.items[key].finish.p80
        assert old != new
        assert any(
            line.startswith(f"-# {key}: ") and f"P80 {old}," in line for line in out.splitlines()
        )
        assert any(
            line.startswith(f"+# {key}: ") and f"P80 {new}," in line for line in out.splitlines()
        )
    assert any(line.startswith("+[items.audit]") for line in out.splitlines())
    log = git(repo, "log", "-p", "--format=%s", "--", "plans/assistant.toml")
    assert f"+# plan finish: P50 {after.plan.finish.p50}" in log
