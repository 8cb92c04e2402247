"""`roadmap export`: every format's content against the engine, determinism and errors."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from helpers import PLAN_V1, invoke, roadmap_argv
from roadmap_tui import store
from roadmap_tui.forecast import simulate
from roadmap_tui.priority import prioritize
from roadmap_tui.report.common import fmt_date

TITLE = "Support assistant <script>alert(1)</script>"


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "assistant.toml"
    path.write_text(PLAN_V1)
    return path


@pytest.fixture(scope="module")
def truth(plan_file: Path):
    """The forecast and ranking the exports must show (plan's runs and seed)."""
    plan = store.load_plan(plan_file).plan
    forecast = simulate(plan)
    return plan, forecast, prioritize(plan, forecast)


def export(*args: str) -> tuple[int, bytes, str]:
    result = invoke("export", *args)
    return result.exit_code, result.stdout_bytes, result.stderr


# ---------------------------------------------------------------- md


def test_md_is_byte_identical_for_same_plan_and_seed(plan_file: Path) -> None:
    code1, first, _ = export(str(plan_file), "--format", "md")
    code2, second, _ = export(str(plan_file), "--format", "md")
    assert code1 == code2 == 0
    assert first == second
    _, other_seed, _ = export(str(plan_file), "--format", "md", "--seed", "43")
    assert other_seed != first


def test_md_shows_finish_milestones_risks_sensitivities_priorities(plan_file: Path, truth) -> None:
    plan, fc, ranking = truth
    md = export(str(plan_file), "--format", "md")[1].decode()
    p = fc.plan
    assert p.finish.p95 is None  # 3 attempts at 60%: not ready in ~6% of futures
    assert f"| **Plan finish** |  | {p.finish.p50} | {p.finish.p80} | never |" in md
    for mid in ("beta", "ga"):
        f = fc.items[mid]
        row = next(
            line for line in md.splitlines() if f"(`{mid}`)" in line or f"| `{mid}` |" in line
        )
        assert f"| {f.finish.p50} | {f.finish.p80} | {fmt_date(f.finish.p95)} |" in row
        assert f"{100 * f.p_success:.1f}%" in row
        assert f"{100 * f.p_on_time:.1f}%" in row
        assert str(plan.item(mid).target) in row
    assert "## Top risks" in md and "Labeling vendor slips" in md
    top = fc.top_sensitivities(1)[0]
    assert f"`{top.id}` | {top.sensitivity:+.2f}" in md
    first = ranking.items[0]
    assert "| 1 | " in md and f"`{first.id}` | {first.score:.1f}" in md
    # plan text is escaped: no raw HTML reaches the Markdown
    assert "<script>" not in md and "<b>" not in md
    assert "Support assistant \\<script\\>alert(1)\\</script\\>" in md


def test_md_mermaid_gantt_of_p50_timeline(plan_file: Path, truth) -> None:
    _, fc, _ = truth
    md = export(str(plan_file), "--format", "md")[1].decode()
    block = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    assert lines[0] == "gantt"
    assert "dateFormat YYYY-MM-DD" in block
    tasks = [
        ln for ln in lines if re.match(r"^    \S.* :", ln) and not ln.startswith("    section ")
    ]
    assert len(tasks) == sum(1 for f in fc.items.values() if f.finish.p50 is not None)
    for line in tasks:
        assert line.count(":") == 1, line  # a title colon would split the task
        assert "<" not in line and "#" not in line.split(":")[0]
    beta = next(line for line in tasks if ", beta, " in line)
    assert beta.startswith("    Beta - section 1 & ‹launch› :milestone")
    assert beta.endswith(f"{fc.items['beta'].finish.p50}, 0d")
    collect = next(line for line in tasks if ", collect, " in line)
    assert collect.endswith(
        f"2027-01-04, {date.fromordinal(fc.items['collect'].finish.p50.toordinal() + 1)}"
    )


# ---------------------------------------------------------------- csv / json / toml


def test_csv_one_row_per_item_with_every_figure(plan_file: Path, truth) -> None:
    plan, fc, ranking = truth
    text = export(str(plan_file), "--format", "csv")[1].decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == [i.id for i in plan.items]
    ranks = {r.id: r for r in ranking.items}
    for row in rows:
        f = fc.items[row["id"]]
        assert row["finish_p80"] == str(f.finish.p80 or "")
        assert float(row["finish_days_p50"]) == pytest.approx(f.finish_days.p50, abs=0.005)
        assert float(row["p_success"]) == pytest.approx(f.p_success, abs=5e-5)
        assert float(row["criticality"]) == pytest.approx(f.criticality, abs=5e-5)
        assert float(row["sensitivity"]) == pytest.approx(f.sensitivity, abs=5e-5)
        assert int(row["rank"]) == ranks[row["id"]].rank
        assert float(row["score"]) == pytest.approx(ranks[row["id"]].score, abs=0.005)
        total = sum(float(row[f"{k}_contribution"]) for k in ranks[row["id"]].factors)
        assert float(row["days"]) == pytest.approx(ranks[row["id"]].days, abs=0.005)
        assert row["with"].split() == list(ranks[row["id"]].with_ids)
        if ranking.method == "weighted":
            assert total == pytest.approx(ranks[row["id"]].score, abs=0.05)
    beta = next(r for r in rows if r["id"] == "beta")
    assert beta["p_on_time"] != "" and beta["title"] == "Beta: section 1 & <launch>"
    # one value per cell: urgency's raw pair sits in two columns, no "[1.0000, null]"
    assert not any(c.startswith("[") for r in rows for c in r.values())
    assert len({len(r) for r in rows}) == 1 and None not in rows[0]
    assert float(beta["urgency_raw_criticality"]) == pytest.approx(
        fc.items["beta"].criticality, abs=5e-5
    )
    assert float(beta["urgency_raw_p_on_time"]) == pytest.approx(
        fc.items["beta"].p_on_time, abs=5e-5
    )
    untargeted = next(r for r in rows if r["rank"] and not r["target"])
    assert untargeted["urgency_raw_p_on_time"] == "" and untargeted["urgency_raw_criticality"]


def test_json_is_the_full_simulate_and_prioritise_result(plan_file: Path, truth) -> None:
    _, fc, ranking = truth
    doc = json.loads(export(str(plan_file), "--format", "json")[1])
    assert doc["plan"] == TITLE
    assert doc["forecast"] == json.loads(json.dumps(fc.to_json_dict()))
    assert doc["priority"] == json.loads(json.dumps(ranking.to_json_dict()))
    simulated = json.loads(invoke("simulate", str(plan_file), "--json").stdout)
    assert doc["risks"] == simulated["risks"] and doc["risks"]  # the same effects, same runs


def test_toml_snapshot(plan_file: Path, truth, tmp_path: Path) -> None:
    _, fc, ranking = truth
    out = tmp_path / "assistant.forecast.toml"
    code, _, err = export(str(plan_file), "--format", "toml", "-o", str(out))
    assert code == 0 and f"wrote {out}" in err
    snap = tomllib.loads(out.read_text())
    assert snap["snapshot"]["runs"] == 2000 and snap["snapshot"]["seed"] == 42
    assert snap["plan"]["finish"]["p80"] == fc.plan.finish.p80
    ranks = {r.id: r for r in ranking.items}
    assert set(snap["items"]) == set(fc.items)
    for item_id, table in snap["items"].items():
        f = fc.items[item_id]
        assert table["finish"]["p50"] == f.finish.p50
        assert table["finish_days"]["p80"] == pytest.approx(f.finish_days.p80, abs=0.05)
        assert table["p_success"] == pytest.approx(f.p_success, abs=5e-4)
        assert table["criticality"] == pytest.approx(f.criticality, abs=5e-4)
        assert table["score"] == pytest.approx(ranks[item_id].score, abs=0.05)
        assert ("p_on_time" in table) == (f.p_on_time is not None)


# ---------------------------------------------------------------- ics


def test_ics_milestones_at_p80(plan_file: Path, truth) -> None:
    _, fc, _ = truth
    data = export(str(plan_file), "--format", "ics")[1]
    assert data == export(str(plan_file), "--format", "ics")[1]
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and len(line) <= 75 for line in lines)
    text = data.decode().replace("\r\n ", "")  # unfold
    events = text.split("BEGIN:VEVENT")[1:]
    assert len(events) == 2
    for mid, event in zip(("beta", "ga"), events, strict=True):
        p80 = fc.items[mid].finish.p80
        assert f"DTSTART;VALUE=DATE:{p80:%Y%m%d}" in event
        assert f"UID:support-assistant-script-alert-1-script-{mid}@roadmap-tui" in event
        assert "DTSTAMP:20270104T000000Z" in event
    assert "SUMMARY:Beta: section 1 & <launch> (P80)" in text


# ---------------------------------------------------------------- html


def test_html_is_self_contained_and_escaped(plan_file: Path) -> None:
    html = export(str(plan_file), "--format", "html")[1].decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Intent model &lt;b&gt;F1&lt;/b&gt; 0.85" in html
    assert html.count("<svg") == 4  # three charts and the value-over-time curve
    urls = re.findall(r"(?:src|href)\s*=\s*[\"']?(?:https?:|//)", html)
    assert urls == []
    # the only URLs are XML namespace names, which are never fetched
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
        "http://creativecommons.org/ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://purl.org/dc/dcmitype/StillImage",
        "https://matplotlib.org/",
    }


# ---------------------------------------------------------------- charts


def test_chart_all_writes_the_one_file_asked_for_with_every_chart_deterministically(
    plan_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "forecast.svg"
    code, _, err = export(str(plan_file), "--format", "svg", "--chart", "all", "-o", str(out))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forecast.svg"]
    assert err.strip().endswith(f"wrote {out}")
    first = out.read_bytes()
    assert first.count(b'id="axes_') >= 3  # the timeline, the S-curves and the tornado
    export(str(plan_file), "--format", "svg", "--chart", "all", "-o", str(out))
    assert out.read_bytes() == first
    assert b"<dc:date>" not in first
    png = tmp_path / "x.png"
    code, _, err = export(str(plan_file), "--format", "png", "--chart", "all", "-o", str(png))
    assert code == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["forecast.svg", "x.png"]


def test_png_chart(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "tornado.png"
    code, _, err = export(str(plan_file), "--format", "png", "--chart", "tornado", "-o", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# ---------------------------------------------------------------- scenario and errors


def test_scenario_export(plan_file: Path) -> None:
    base = export(str(plan_file), "--format", "md")[1].decode()
    code, md, _ = export(str(plan_file), "--format", "md", "--scenario", "second-vendor")
    assert code == 0
    assert "under scenario second-vendor" in md.decode() and md.decode() != base


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "docx"],
            "unknown format 'docx'; expected one of: md, csv, json, html, svg, png, ics, toml",
        ),
        (["--format", "md", "--chart", "all"], "--chart applies to --format svg or png, not md"),
        (["--format", "svg", "--chart", "pie"], "unknown chart 'pie'"),
        (
            ["--format", "md", "-o", "/nonexistent-dir/x.md"],
            "folder /nonexistent-dir does not exist",
        ),
        (
            ["--format", "md", "--scenario", "nope"],
            "unknown scenario 'nope'; the plan's scenarios: second-vendor",
        ),
    ],
)
def test_usage_errors_are_clear_and_exit_2(plan_file: Path, args: list[str], message: str) -> None:
    code, out, err = export(str(plan_file), *args)
    assert code == 2
    assert message in err
    assert out == b""


def test_output_is_a_directory(plan_file: Path, tmp_path: Path) -> None:
    code, _, err = export(str(plan_file), "--format", "md", "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_unwritable_output(plan_file: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _, err = export(str(plan_file), "--format", "md", "-o", str(locked / "r.md"))
    finally:
        locked.chmod(0o700)
    if code == 0:  # running as root: permissions are not enforced
        pytest.skip("permissions not enforced for this user")
    assert code == 2 and "not writable" in err


def test_invalid_and_missing_plan(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[plan]\nname = "x"\nstart = 2027-01-04\n\n[items.a]\ntitle = "A"\nestimate = [5, 3, 1]\n'
    )
    code, out, err = export(str(bad), "--format", "md")
    assert code == 1 and out == b""
    assert f"{bad}:7:" in err
    code, _, err = export(str(tmp_path / "missing.toml"), "--format", "md")
    assert code == 2 and "no such file" in err


# ---------------------------------------------------------------- headless


HEADLESS = [
    *(
        ["export", "{plan}", "--format", fmt, "--runs", "200"]
        for fmt in ("md", "csv", "json", "ics", "toml")
    ),
    ["diff", "{plan}", "{plan}"],
    ["diff", "{plan}", "{other}", "--runs", "200"],
    ["textconv", "{plan}", "--runs", "200"],
]


@pytest.mark.parametrize("args", HEADLESS, ids=lambda a: " ".join(a[:4:3]))
def test_headless_commands_do_not_import_matplotlib_or_textual(
    plan_file: Path, tmp_path: Path, args: list[str]
) -> None:
    other = tmp_path / "other.toml"
    other.write_text(PLAN_V1.replace("probability = 0.3", "probability = 0.4"))
    argv = [a.format(plan=plan_file, other=other) for a in args]
    code = (
        "import sys\n"
        "from roadmap_tui.cli import main\n"
        "try:\n"
        f"    main({argv!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'textual'))\n"
        "sys.stderr.write('IMPORTED:' + ','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stderr.strip().endswith("IMPORTED:"), proc.stderr
    assert proc.stdout


def test_write_failure_is_a_clear_error(
    plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(self: Path, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    out = tmp_path / "r.md"
    code, _, err = export(str(plan_file), "--format", "md", "-o", str(out))
    assert code == 2
    assert err.strip() == f"{out}: cannot write: No space left on device"


EDGE_PLAN = """\
[plan]
name = "Edge cases"
start = 2027-01-04
as_of = 2027-01-18

[forecast]
runs = 300
seed = 1

[items.done]
title = "Already done"
estimate = 5
status = "done"
started = 2027-01-04
finished = 2027-01-08

[items.doing]
title = "In progress"
estimate = [5, 10, 15]
remaining = [2, 3, 5]
status = "doing"
started = 2027-01-11
depends_on = ["done"]

[items.dropped]
title = "Dropped idea"
estimate = 3
status = "dropped"

[items.never]
title = "Experiment that always fails"
kind = "experiment"
estimate = 4
p_success = 0.0
depends_on = ["doing"]
"""


@pytest.mark.parametrize("fmt", ["md", "csv", "json", "html", "svg", "ics", "toml"])
@pytest.mark.parametrize(
    "text",
    [
        EDGE_PLAN,
        '[plan]\nname = "One"\nstart = 2027-01-04\n\n[items.a]\ntitle = "A"\nestimate = 1\n',
    ],
    ids=["edge", "minimal"],
)
def test_every_format_handles_edge_plans(tmp_path: Path, fmt: str, text: str) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(text)
    code, out, err = export(str(path), "--format", fmt)
    assert code == 0, err
    assert out
    if text is EDGE_PLAN and fmt == "csv":
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.decode()))}
        assert rows["dropped"]["finish_p50"] == "" and rows["dropped"]["rank"] == ""
        assert rows["done"]["finish_p50"] == "2027-01-08" and rows["done"]["rank"] == ""
        assert rows["never"]["p_success"] == "0.0000" and rows["never"]["finish_p50"] == ""
    if text is EDGE_PLAN and fmt == "md":
        md = out.decode()
        assert "| **Plan finish** |  | never | never | never | 0.0% |" in md
        assert "Already done :done, done, 2027-01-04, 2027-01-09" in md
        assert "In progress :active, " in md
        assert "Experiment that always fails" not in md.split("```mermaid")[1]


SVG_ARGS = ("--format", "svg", "--chart", "scurve", "--runs", "300")


def test_svg_is_byte_identical_across_processes(plan_file: Path, tmp_path: Path) -> None:
    """Committed charts diff cleanly: a fresh interpreter draws the same bytes."""
    outputs = []
    for name in ("a.svg", "b.svg"):
        out = tmp_path / name
        subprocess.run(
            roadmap_argv("export", str(plan_file), *SVG_ARGS, "-o", str(out)),
            check=True,
            capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_dash_output_means_stdout(
    plan_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = export(str(plan_file), "--format", "csv", "-o", "-")
    assert code == 0 and out.startswith(b"id,title,")
    assert not (tmp_path / "-").exists()


def test_closed_pipe_is_not_an_error(plan_file: Path) -> None:
    """`roadmap export ... | head` must not print a traceback when head stops reading."""
    proc = subprocess.Popen(
        roadmap_argv("export", str(plan_file), "--format", "html", "--runs", "200"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(15) == b"<!DOCTYPE html>"
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_top_risks_weigh_the_critical_path(tmp_path: Path) -> None:
    """A likelier, longer risk on an item off the critical path ranks below one on it."""
    from roadmap_tui.report import build_report
    from roadmap_tui.report.content import risk_rank

    text = PLAN_V1 + (
        '\n[risks.ui-churn]\ntitle = "Design churn"\nprobability = 0.9\ndelay = [1, 2, 3]\n'
        'affects = ["ui"]\n'
    )
    plan = store.load_plan_text(text, "p.toml").plan
    data = build_report(plan, runs=500)
    ranked = risk_rank(data)
    assert [r[0] for r in ranked] == ["vendor", "ui-churn"]
    vendor, churn = ranked
    assert churn[1] > 0 and churn[2] < 0.5 < vendor[2]  # expected delay, max criticality
    assert vendor[1] == pytest.approx(0.3 * (5 + 4 * 10 + 20) / 6)


def test_sensitivities_sorted_by_magnitude(plan_file: Path, truth) -> None:
    _, fc, _ = truth
    md = export(str(plan_file), "--format", "md")[1].decode()
    table = md.split("## Top drivers", 1)[1].split("## ", 1)[0]
    values = [float(v) for v in re.findall(r"\| ([+-]\d\.\d\d) \|", table)]
    assert values == sorted(values, key=abs, reverse=True)
    assert len(values) == sum(1 for f in fc.items.values() if f.sensitivity)
