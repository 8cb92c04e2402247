"""Tracker import and sync (issue 14): GitHub JSON, Jira CSV and the generic CSV."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from roadmap_tui import forecast, store, tracker
from roadmap_tui.cli import main
from roadmap_tui.tracker.mapping import slug

FIX = Path(__file__).parent / "fixtures" / "tracker"
GH = FIX / "github-issues.json"
GH_NEWER = FIX / "github-issues-newer.json"
JIRA = FIX / "jira-issues.csv"
GENERIC = FIX / "generic.csv"


def _export(path: Path, source: str, **kw: object) -> tracker.Export:
    return tracker.parse_export(store.read_export(path), source, str(path), **kw)  # type: ignore[arg-type]


def _imported(path: Path, source: str, **kw: object) -> tuple[store.LoadedPlan, tuple[str, ...]]:
    result = tracker.import_export(_export(path, source, **kw), name="imported")
    text = store.plan_text(result.plan, sizes=result.sizes, header="test")
    return store.load_plan_text(text, "imported.toml"), result.warnings


def _run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ---------------------------------------------------------------- ids


def test_slug_is_short_ascii_and_does_not_end_on_a_small_word() -> None:
    assert slug("Label 10k tickets with intent!") == "label-10k-tickets-with-intent"
    assert slug("Fine-tune a small model on labeled replies") == "fine-tune-a-small-model"
    assert slug("Évaluer la qualité") == "evaluer-la-qualite"
    assert len(slug("word " * 40)) <= 32


def test_ids_are_unique_and_do_not_depend_on_row_order() -> None:
    issues = [
        tracker.Issue("#1", "Eval harness", "todo"),
        tracker.Issue("#2", "Eval harness", "todo"),
        tracker.Issue("#3", "Drift monitor", "todo"),
        tracker.Issue("#4", "日本語", "todo"),
    ]
    ids = tracker.assign_ids(issues)
    assert ids == {
        "#1": "eval-harness-1",
        "#2": "eval-harness-2",
        "#3": "drift-monitor",
        "#4": "issue-4",
    }
    assert tracker.assign_ids(list(reversed(issues))) == ids
    assert tracker.assign_ids(issues[2:3], taken={"drift-monitor"}) == {"#3": "drift-monitor-3"}


# ---------------------------------------------------------------- GitHub


def test_github_import_validates_forecasts_and_maps_every_field() -> None:
    loaded, warnings = _imported(GH, "github")
    plan = loaded.plan
    assert len(plan.items) == 30
    by_link = {i.link.rsplit("/", 1)[1]: i for i in plan.items if i.link}
    assert len(by_link) == 30
    epic = by_link["101"]  # sub-issues 102-105, no estimate: a milestone waiting for them
    assert epic.kind == "milestone"
    assert epic.depends_on == tuple(by_link[n].id for n in ("102", "103", "104", "105"))
    done = by_link["102"]
    assert (done.status, str(done.started), str(done.finished)) == (
        "done",
        "2026-10-05",
        "2026-10-14",
    )
    assert done.estimate is not None and (done.estimate.low, done.estimate.high) == (3, 8)
    assert by_link["103"].estimate.size == "M"  # type: ignore[union-attr]
    assert by_link["103"].depends_on == (done.id,)  # blocked by #102
    doing = by_link["104"]
    assert (doing.status, doing.kind, str(doing.started)) == ("doing", "data", "2026-10-07")
    assert "in progress" not in doing.tags
    assert by_link["123"].status == "dropped"  # closed as not planned
    assert by_link["116"].kind == "milestone" and by_link["116"].estimate is None
    assert str(by_link["112"].target) == "2027-01-29"  # the milestone's due date
    assert by_link["112"].owner == "lea"
    assert by_link["119"].depends_on == ()  # #99 is not in the export
    assert "#119: blocked by #99, which is not in the export; dropped" in warnings
    defaulted = [w for w in warnings if "default size" in w]
    assert defaulted == [
        "3 item(s) had no estimate and got the default size 'M': drift-monitor-for-intent-mix, "
        "hire-two-bilingual-labelers, retention-policy-for-stored"
    ]
    assert str(plan.start) == "2026-10-05" and str(plan.as_of) == "2026-11-04"
    result = forecast.simulate(plan, runs=300, seed=1)
    assert result.runs == 300


def test_github_accepts_json_lines_and_the_rest_api_shape() -> None:
    lines = "\n".join(
        [
            json.dumps(
                {
                    "number": 5,
                    "title": "Collect data",
                    "state": "closed",
                    "state_reason": "completed",
                    "created_at": "2027-01-04T10:00:00Z",
                    "closed_at": "2027-01-08T10:00:00Z",
                    "html_url": "https://github.com/o/r/issues/5",
                    "labels": [{"name": "size:S"}],
                    "sub_issues": [],
                }
            ),
            json.dumps(
                {
                    "number": 6,
                    "title": "Train",
                    "state": "open",
                    "created_at": "2027-01-05T10:00:00Z",
                    "labels": ["estimate:2-3-5"],
                    "blocked_by": {"nodes": [{"number": 5}]},
                    "parent": {"number": 7},
                }
            ),
        ]
    )
    export = tracker.parse_export(lines, "github", "x.jsonl")
    result = tracker.import_export(export, name="x")
    first, second = result.plan.items
    assert (first.status, first.link) == ("done", "https://github.com/o/r/issues/5")
    assert second.depends_on == (first.id,)
    assert "#6: sub-issue of #7, which is not in the export; dropped" in result.warnings


# ---------------------------------------------------------------- Jira


def test_jira_import_matches_columns_by_name_and_maps_points_and_links() -> None:
    export = _export(JIRA, "jira", base_url="https://acme.atlassian.net/")
    assert export.columns["points"] == "Custom field (Story Points)"
    assert export.columns["blocked_by"] == "Inward issue link (Blocks)"
    loaded, warnings = _imported(JIRA, "jira", base_url="https://acme.atlassian.net/")
    plan = loaded.plan
    assert len(plan.items) == 30
    by_key = {i.link.rsplit("/", 1)[1]: i for i in plan.items if i.link}
    assert by_key["FRD-2"].link == "https://acme.atlassian.net/browse/FRD-2"
    assert by_key["FRD-2"].estimate.size == "5"  # type: ignore[union-attr]
    assert plan.sizes["5"] == (3, 5, 10) and plan.sizes["M"] == (3, 5, 10)
    assert by_key["FRD-10"].estimate.likely == 5  # type: ignore[union-attr]  # 144000 s / 8 h
    assert by_key["FRD-9"].estimate.as_toml() == [10, 10, 15]  # type: ignore[union-attr]
    assert by_key["FRD-16"].status == "dropped"  # Won't Do
    # "Blocks" on FRD-2 (outward) and "is blocked by" on FRD-5 (inward) both make dependencies
    assert by_key["FRD-2"].id in by_key["FRD-3"].depends_on
    assert by_key["FRD-3"].id in by_key["FRD-5"].depends_on
    assert by_key["FRD-13"].id in by_key["FRD-14"].depends_on
    assert by_key["FRD-1"].kind == "milestone"  # the epic, through the Parent id column
    assert by_key["FRD-2"].id in by_key["FRD-1"].depends_on
    assert str(by_key["FRD-2"].finished) == "2026-10-17"  # 17/Oct/26 2:05 PM
    assert str(by_key["FRD-5"].started) == "2026-10-31"  # moved to In Progress
    assert str(by_key["FRD-13"].target) == "2027-04-30"
    assert "FRD-27: blocked by OPS-88, which is not in the export; dropped" in warnings
    assert any("calibrate" in w for w in warnings)
    forecast.simulate(plan, runs=300, seed=1)


def test_jira_columns_are_case_insensitive_and_blocks_are_reported_when_missing() -> None:
    text = (
        "issue key,SUMMARY,status,story points,Blocks,RESOLVED\n"
        "AI-1,Collect,Done,3,AI-2,04/Jan/27 9:00 AM\n"
        "AI-2,Train,In Progress,5,AI-9,\n"
    )
    export = tracker.parse_export(text, "jira", "j.csv")
    assert export.columns == {
        "key": "issue key",
        "title": "SUMMARY",
        "status": "status",
        "points": "story points",
        "resolved": "RESOLVED",
        "blocks": "Blocks",
    }
    result = tracker.import_export(export, name="j")
    a, b = result.plan.items
    assert b.depends_on == (a.id,)
    assert "AI-2: blocks AI-9, which is not in the export; dropped" in result.warnings


# ---------------------------------------------------------------- generic CSV


def test_generic_csv_import_keeps_ids_and_reads_every_column() -> None:
    loaded, _ = _imported(GENERIC, "csv")
    plan = loaded.plan
    assert [i.id for i in plan.items][:3] == ["kickoff", "catalog-embeddings", "session-logs"]
    two = plan.item("two-tower")
    assert two.kind == "experiment"
    assert two.depends_on == ("catalog-embeddings", "session-logs")
    assert two.estimate.as_toml() == [8, 12, 25]  # type: ignore[union-attr]
    assert plan.item("cold-start").estimate.as_toml() == 3  # type: ignore[union-attr]
    assert plan.item("catalog-embeddings").link == "https://tracker.example.com/REC-2"
    assert str(plan.item("session-logs").finished) == "2027-01-13"
    forecast.simulate(plan, runs=300, seed=1)


# ---------------------------------------------------------------- malformed exports


@pytest.mark.parametrize(
    ("source", "text", "message"),
    [
        (
            "jira",
            "Issue key,Summary,Status,Created\nAI-1,Collect,Done,04/Jan/27 9:00 AM\n"
            "AI-2,Train,To Do,yesterday\n",
            "bad.csv:3: column 'Created': expected a date like 04/Jan/27 9:00 AM, "
            "found 'yesterday'",
        ),
        (
            "jira",
            "Issue key,Summary,Status,Story Points\nAI-1,Collect,Done,three\n",
            "bad.csv:2: column 'Story Points': expected a number, found 'three'",
        ),
        ("jira", "Key,Title\nAI-1,x\n", "bad.csv:1: missing column 'summary', 'status'"),
        (
            "csv",
            "id,title,low,likely,high\na,A,5,3,8\n",
            "bad.csv:2: column 'likely': expected low <= likely <= high, found 5, 3, 8",
        ),
        (
            "csv",
            "id,title,status\na b,A,todo\n",
            "bad.csv:2: column 'id': expected letters, digits, '-' and '_', found 'a b'",
        ),
        (
            "csv",
            "id,title,status\na,A,later\n",
            "bad.csv:2: column 'status': expected todo | doing | done | dropped, found 'later'",
        ),
        (
            "github",
            (
                '[\n  {"number": 1, "title": "a", "state": "OPEN"},\n'
                '  {"number": 2, "state": "OPEN"}\n]'
            ),
            "bad.csv:3: issue #2: title: missing or empty",
        ),
        ("github", '[{"number": 1,\n "title": ]', "bad.csv:2: not valid JSON"),
    ],
)
def test_a_malformed_export_names_the_row_and_column(source: str, text: str, message: str) -> None:
    with pytest.raises(tracker.ExportError) as info:
        tracker.parse_export(text, source, "bad.csv")
    assert str(info.value).startswith(message)


def test_a_done_issue_without_a_finish_date_is_refused_with_its_row() -> None:
    export = tracker.parse_export("Issue key,Summary,Status\nAI-1,A,Done\n", "jira", "j.csv")
    with pytest.raises(tracker.ExportError, match=r"^j.csv:2: AI-1: done, but the export has no"):
        tracker.import_export(export, name="j")


def test_the_cli_reports_a_malformed_export_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Issue key,Summary,Status,Created\nAI-1,Collect,Done,someday\n")
    result = _run("import", str(bad), "--from", "jira", "-o", str(tmp_path / "p.toml"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert f"{bad}:2: column 'Created'" in result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "p.toml").exists()
    (tmp_path / "empty.json").write_text("[]")
    empty = _run("import", str(tmp_path / "empty.json"), "--from", "github")
    assert empty.exit_code == 1 and "has no issues" in empty.output  # type: ignore[attr-defined]
    missing = _run("import", str(tmp_path / "nope.json"), "--from", "github")
    assert missing.exit_code == 2  # type: ignore[attr-defined]


# ---------------------------------------------------------------- CLI import


def test_cli_import_writes_a_valid_plan_and_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "copilot.toml"
    result = _run("import", str(GH), "--from", "github", "-o", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "imported 30 items (20 todo, 2 doing, 7 done)" in result.output  # type: ignore[attr-defined]
    text = out.read_text()
    assert text.splitlines()[0].startswith("#:schema https://")
    assert store.format_canonical(text, out) == text
    assert store.load_plan(out).plan.name == "copilot"
    again = _run("import", str(GH), "--from", "github", "-o", str(out))
    assert again.exit_code == 2 and "already exists" in again.output  # type: ignore[attr-defined]
    assert out.read_text() == text


def test_cli_import_is_deterministic_on_stdout() -> None:
    one = _run("import", str(JIRA), "--from", "jira", "--name", "fraud")
    two = _run("import", str(JIRA), "--from", "jira", "--name", "fraud")
    assert one.exit_code == 0  # type: ignore[attr-defined]
    assert one.stdout == two.stdout  # type: ignore[attr-defined]
    assert "[sizes]" in one.stdout  # type: ignore[attr-defined]


# ---------------------------------------------------------------- sync

EXPECTED_SYNC = [
    'label-10k-tickets-with-intent: status "doing" -> "done"',
    "label-10k-tickets-with-intent: finished (none) -> 2026-11-12",
    'fine-tune-a-small-model: status "todo" -> "doing"',
    "fine-tune-a-small-model: started (none) -> 2026-10-09",
    'offline-eval-harness-bleu-rubric: status "doing" -> "done"',
    "offline-eval-harness-bleu-rubric: finished (none) -> 2026-11-09",
    'agent-ui-show-the-draft: title "Agent UI: show the draft with an edit-and-send '
    'button" -> "Agent UI: draft panel with edit-and-send"',
    'escalation-path-when-the-draft: added ("Escalation path when the draft confidence is low")',
]


EXPECTED_DIFF = [
    '-status = "doing"',
    '+status = "done"',
    "+finished = 2026-11-12",
    '+status = "doing"',
    "+started = 2026-10-09",
    '-status = "doing"',
    '+status = "done"',
    "+finished = 2026-11-09",
    '-title = "Agent UI: show the draft with an edit-and-send button"',
    '+title = "Agent UI: draft panel with edit-and-send"',
    "+[items.escalation-path-when-the-draft]",
    '+title = "Escalation path when the draft confidence is low"',
    '+estimate = "S"',
    '+depends_on = ["agent-ui-show-the-draft"]',
    "+target = 2027-04-30",
    '+owner = "lea"',
    '+tags = ["area:product"]',
    '+link = "https://github.com/acme-ai/support-copilot/issues/131"',
    "+",
]


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """The GitHub import, then edited by the PM: estimates, impact, notes and a scenario."""
    path = tmp_path / "plan.toml"
    assert _run("import", str(GH), "--from", "github", "-o", str(path)).exit_code == 0  # type: ignore[attr-defined]
    for target, value in (
        ("label-10k-tickets-with-intent.estimate", "[12, 20, 40]"),
        ("label-10k-tickets-with-intent.impact", "5"),
        ("fine-tune-a-small-model.readiness", "4"),
        ("fine-tune-a-small-model.data", "0.6"),
        ("offline-eval-harness-bleu-rubric.notes", '"rubric by two graders"'),
        ("agent-ui-show-the-draft.estimate", "L"),
    ):
        assert _run("set", str(path), target, value).exit_code == 0  # type: ignore[attr-defined]
    with path.open("a") as f:
        f.write(
            '\n[scenarios.more-labelers]\ntitle = "More labelers"\n'
            "items.label-10k-tickets-with-intent.estimate = [8, 12, 20]\n"
        )
    store.load_plan(path)
    return path


def test_sync_dry_run_prints_the_exact_changes_and_writes_nothing(imported: Path) -> None:
    before = imported.read_text()
    result = _run("sync", str(imported), str(GH_NEWER), "--from", "github", "--dry-run")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert result.stdout.splitlines() == EXPECTED_SYNC  # type: ignore[attr-defined]
    assert "#132: done in the tracker but not in the plan; not added" in result.stderr  # type: ignore[attr-defined]
    assert imported.read_text() == before


def test_sync_saves_the_minimal_diff_and_keeps_the_pm_fields(imported: Path) -> None:
    before = store.load_plan(imported)
    old_lines = before.text.splitlines()
    result = _run("sync", str(imported), str(GH_NEWER), "--from", "github")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert result.stdout.splitlines() == EXPECTED_SYNC  # type: ignore[attr-defined]
    after = store.load_plan(imported)
    new_lines = after.text.splitlines()
    changed = [
        line
        for line in difflib.unified_diff(old_lines, new_lines, n=0, lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == EXPECTED_DIFF
    for item in before.plan.items:
        new = after.plan.item(item.id)
        for field in ("estimate", "impact", "data", "readiness", "notes", "depends_on", "kind"):
            assert getattr(new, field) == getattr(item, field), (item.id, field)
    assert after.plan.scenarios == before.plan.scenarios
    assert after.plan.item("agent-ui-show-the-draft").estimate.size == "L"  # type: ignore[union-attr]
    added = after.plan.item("escalation-path-when-the-draft")
    assert added.depends_on == ("agent-ui-show-the-draft",)
    assert added.estimate.size == "S"  # type: ignore[union-attr]
    again = _run("sync", str(imported), str(GH_NEWER), "--from", "github")
    assert "up to date" in again.stdout  # type: ignore[attr-defined]
    assert store.load_plan(imported).text == after.text


def test_sync_keeps_a_start_the_pm_wrote_when_the_tracker_only_knows_the_creation() -> None:
    plan = tracker.import_export(_export(GH, "github"), name="p").plan
    item = next(i for i in plan.items if i.link and i.link.endswith("/104"))
    from dataclasses import replace
    from datetime import date

    plan = plan.with_item(replace(item, started=date(2026, 10, 20)))
    result = tracker.sync_export(plan, _export(GH_NEWER, "github"))
    assert result.plan.item(item.id).started == date(2026, 10, 20)
    assert not any(c.item_id == item.id and c.field == "started" for c in result.changes)


def test_sync_reopening_a_done_item_without_estimate_gives_it_the_default_size() -> None:
    text = "id,title,status,finished,started\nx,X,done,2027-01-08,2027-01-04\n"
    plan = tracker.import_export(tracker.parse_export(text, "csv", "a.csv"), name="p").plan
    assert plan.item("x").estimate is None
    reopened = tracker.parse_export("id,title,status\nx,X,doing\n", "csv", "b.csv")
    result = tracker.sync_export(plan, reopened)
    assert [str(c) for c in result.changes] == [
        'x: status "done" -> "doing"',
        "x: finished 2027-01-08 -> (none)",
        'x: estimate (none) -> "M"',
    ]
    assert result.plan.item("x").estimate.size == "M"  # type: ignore[union-attr]


# ---------------------------------------------------------------- architecture


def _modules_after(code: str) -> set[str]:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_tracker_is_core_and_the_new_commands_are_headless() -> None:
    loaded = _modules_after("import roadmap_tui.tracker")
    for banned in ("textual", "click", "matplotlib", "roadmap_tui.cli", "roadmap_tui.tui"):
        assert banned not in loaded, banned
    code = (
        "from roadmap_tui.cli import main\n"
        f"for argv in (['import', {str(JIRA)!r}, '--from', 'jira'], ['schema']):\n"
        "    try:\n        main(argv, standalone_mode=False)\n"
        "    except SystemExit as e:\n        assert not e.code, e.code\n"
    )
    loaded = _modules_after(code)
    assert "roadmap_tui.tracker" in loaded
    assert "textual" not in loaded and "matplotlib" not in loaded


def test_a_cycle_in_the_trackers_links_is_reported_and_broken() -> None:
    text = (
        "Issue key,Summary,Status,Is Blocked By,Story Points\n"
        "AI-1,Collect,To Do,AI-2,3\nAI-2,Train,To Do,AI-1,5\n"
    )
    result = tracker.import_export(tracker.parse_export(text, "jira", "c.csv"), name="c")
    first, second = result.plan.items
    assert (first.depends_on, second.depends_on) == ((second.id,), ())
    assert result.warnings[0] == (
        "dependency cycle collect -> train -> collect: train no longer depends on collect"
    )


def test_jira_sync_without_links_matches_by_title_and_mirrors_the_status() -> None:
    before = "Issue key,Summary,Status,Created\nAI-1,Collect,To Do,04/Jan/27 9:00 AM\n"
    plan = tracker.import_export(tracker.parse_export(before, "jira", "a.csv"), name="j").plan
    assert plan.item("collect").link is None
    same = tracker.sync_export(plan, tracker.parse_export(before, "jira", "a.csv"))
    assert same.lines == []
    after = (
        "Issue key,Summary,Status,Status Category Changed,Created\n"
        "AI-1,Collect,In Progress,06/Jan/27 2:00 PM,04/Jan/27 9:00 AM\n"
    )
    moved = tracker.sync_export(plan, tracker.parse_export(after, "jira", "b.csv"))
    assert moved.lines == [
        'collect: status "todo" -> "doing"',
        "collect: started (none) -> 2027-01-06",
    ]


def test_a_malformed_estimate_label_is_a_warning_and_the_item_gets_the_default() -> None:
    text = '[{"number": 3, "title": "Train", "state": "OPEN", "labels": ["estimate:10-5-3"]}]'
    result = tracker.import_export(tracker.parse_export(text, "github", "g.json"), name="g")
    (item,) = result.plan.items
    assert item.estimate.size == "M" and item.tags == ("estimate:10-5-3",)  # type: ignore[union-attr]
    assert result.warnings[0] == (
        "#3: label estimate:10-5-3: expected low <= likely <= high; kept as a tag"
    )


def test_sync_a_new_issue_blocked_by_a_closed_one_outside_the_plan_waits_for_nothing() -> None:
    def issue(n: int, state: str, **extra: object) -> dict[str, object]:
        closed = "2027-01-08T10:00:00Z" if state == "CLOSED" else None
        return {
            "number": n,
            "title": f"Issue {n}",
            "state": state,
            "createdAt": "2027-01-04T10:00:00Z",
            "closedAt": closed,
            "url": f"https://github.com/o/r/issues/{n}",
            "labels": [{"name": "size:S"}],
            **extra,
        }

    first = json.dumps([issue(1, "OPEN")])
    plan = tracker.import_export(tracker.parse_export(first, "github", "a.json"), name="p").plan
    newer = json.dumps([issue(1, "OPEN"), issue(2, "CLOSED"), issue(3, "OPEN", blockedBy=[2, 1])])
    result = tracker.sync_export(plan, tracker.parse_export(newer, "github", "b.json"))
    assert result.lines == ['issue-3: added ("Issue 3")']
    assert result.plan.item("issue-3").depends_on == ("issue-1",)
    assert result.warnings == ("#2: done in the tracker but not in the plan; not added",)
