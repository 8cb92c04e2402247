"""Pieces of the exports that need no forecast: escaping, folding, git plumbing, charts."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from roadmap_tui.report import chart_path
from roadmap_tui.report.common import fmt_signed, toml_value
from roadmap_tui.report.gitrev import GitRevError, read_at_rev
from roadmap_tui.report.ics import escape_text, fold
from roadmap_tui.report.markdown import md_text, mermaid_text

# ---------------------------------------------------------------- formatting


def test_signed_shift_always_shows_direction() -> None:
    assert fmt_signed(3.5) == "+3.5 days"
    assert fmt_signed(-2) == "-2.0 days"
    assert fmt_signed(-0.01) == "±0.0 days"
    assert fmt_signed(1.25, "pts") == "+1.2 pts"


def test_toml_value_reads_like_the_plan_file() -> None:
    assert toml_value([1, 2.5, 3.0]) == "[1, 2.5, 3]"
    assert toml_value('say "hi"\n') == '"say \\"hi\\"\\n"'
    assert toml_value(date(2027, 1, 4)) == "2027-01-04"
    assert toml_value(None) == "(unset)"
    assert toml_value(True) == "true"


def test_chart_path_derives_one_name_per_chart() -> None:
    assert chart_path(Path("out/report.svg"), "scurve") == Path("out/report-scurve.svg")


# ---------------------------------------------------------------- markdown / mermaid


def test_md_text_escapes_markdown_and_html() -> None:
    assert md_text("a|b <script>x</script>") == "a\\|b \\<script\\>x\\</script\\>"
    assert md_text("two\nlines") == "two lines"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Intent: F1 0.85", "Intent - F1 0.85"),
        ("a;b#c", "a,b＃c"),
        ("100%% done, 80% of %%%%x", "100% done, 80% of %x"),
        ("<script>`x`", "‹script›'x'"),
        ("section two", "› section two"),
        ("Title of things", "› Title of things"),
        ("  \n ", "fallback"),
    ],
)
def test_mermaid_titles_cannot_break_the_gantt_grammar(title: str, expected: str) -> None:
    assert mermaid_text(title, "fallback") == expected


# ---------------------------------------------------------------- ics


def test_ics_text_escaping() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_ics_folding_at_75_octets_keeps_utf8_characters_whole() -> None:
    line = "SUMMARY:" + "é" * 100  # 2 octets each
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert fold("SHORT:x") == "SHORT:x"


# ---------------------------------------------------------------- git


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_read_at_rev(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    sub = tmp_path / "plans"
    sub.mkdir()
    plan = sub / "a.toml"
    plan.write_text("v1\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "one")
    plan.write_text("v2\n")
    git(tmp_path, "commit", "-qam", "two")
    plan.write_text("v3 working\n")
    assert read_at_rev(plan, "HEAD") == "v2\n"
    assert read_at_rev(plan, "HEAD~1") == "v1\n"
    with pytest.raises(GitRevError, match="unknown revision"):
        read_at_rev(plan, "no-such-branch")
    with pytest.raises(GitRevError, match="not a valid revision"):
        read_at_rev(plan, "--output=x")
    new = sub / "new.toml"
    new.write_text("x")
    with pytest.raises(GitRevError, match=r"does not exist at revision HEAD \(as plans/new.toml\)"):
        read_at_rev(new, "HEAD")


def test_read_at_rev_outside_a_repository(tmp_path: Path) -> None:
    plan = tmp_path / "a.toml"
    plan.write_text("x")
    subprocess.run(["git", "init", "-q", str(tmp_path / "elsewhere")], check=True)
    with pytest.raises(GitRevError, match="not inside a git repository"):
        read_at_rev(plan, "HEAD")


# ---------------------------------------------------------------- charts (plain arrays)

charts = pytest.importorskip("roadmap_tui.report.charts")


def _bars():
    return [
        charts.Bar(
            "Collect <data>",
            date(2027, 1, 4),
            date(2027, 1, 25),
            date(2027, 2, 1),
            date(2027, 2, 8),
            date(2027, 1, 29),
        ),
        charts.Bar(
            "Launch", date(2027, 2, 15), date(2027, 2, 15), date(2027, 3, 1), None, None, True
        ),
    ]


def test_svg_is_byte_identical_between_renders() -> None:
    a = charts.render(charts.timeline_figure(_bars(), "T", date(2027, 3, 1)), "svg")
    b = charts.render(charts.timeline_figure(_bars(), "T", date(2027, 3, 1)), "svg")
    assert a == b
    assert b"<dc:date>" not in a  # no timestamp in the metadata
    png = charts.render(charts.timeline_figure(_bars(), "T"), "png")
    assert png.startswith(b"\x89PNG")


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def test_timeline_has_title_labels_bands_and_targets() -> None:
    fig = charts.timeline_figure(_bars(), "Plan: timeline", date(2027, 3, 1))
    ax = fig.axes[0]
    assert fig.get_suptitle() == "Plan: timeline"
    assert "Date" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Collect <data>", "Launch"]
    # P50 bar, P50-P80 band and P80-P95 band for the task
    assert len(ax.patches) == 3
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "target" in legend and "P80 to P95" in legend
    assert any("plan P80 2027-03-01" in t for t in _texts(fig))


def test_scurve_notes_a_plateau_below_one() -> None:
    days = np.arange(np.datetime64("2027-02-01"), np.datetime64("2027-03-01"))
    full = np.linspace(0, 1, days.size)
    fig = charts.scurve_figure(
        [charts.Curve("Plan finish", days, full * 0.72), charts.Curve("Launch", days, full)], "S"
    )
    texts = _texts(fig)
    assert any("plateaus at 72%: never in 28% of futures" in t for t in texts)
    assert not any("Launch: plateaus" in t for t in texts)
    assert fig.axes[0].get_ylabel() == "P(ready by date)"
    assert charts.plateau_note(full) is None


def test_tornado_sorted_by_magnitude() -> None:
    fig = charts.tornado_figure(["a", "b", "c", "d"], [0.2, -0.7, 0.5, 0.0], "T", top=3)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["b", "c", "a"]
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == [-0.7, 0.5, 0.2]
    assert "Driver" in fig.axes[0].get_xlabel()


def test_svg_text_is_drawn_as_paths() -> None:
    svg = charts.render(charts.timeline_figure(_bars(), "T"), "svg").decode()
    assert not re.search(r"<text[ >]", svg)


def test_empty_charts_say_why() -> None:
    tornado = charts.tornado_figure([], [], "T")
    assert any("No item's duration varies" in t for t in _texts(tornado))
    timeline = charts.timeline_figure([], "T")
    assert any("nothing to draw at P50" in t for t in _texts(timeline))


def test_done_items_are_grey_and_not_marked_not_ready() -> None:
    from matplotlib.colors import to_hex

    done = charts.Bar("Kickoff", date(2027, 1, 4), date(2027, 1, 6), None, None, done=True)
    fig = charts.timeline_figure([done], "T")
    assert to_hex(fig.axes[0].patches[0].get_facecolor()) == "#9a9a9a"
    assert not any("never" in t for t in _texts(fig))


def test_write_stdout_treats_a_closed_pipe_as_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import os
    import sys

    from roadmap_tui.report import write_stdout

    target = open(tmp_path / "stdout", "wb")  # noqa: SIM115 - its fd is replaced below

    class ClosedPipe(io.BytesIO):
        def write(self, data: bytes) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    class Stdout:
        buffer = ClosedPipe()

        def flush(self) -> None:
            pass

        def fileno(self) -> int:
            return target.fileno()

    monkeypatch.setattr(sys, "stdout", Stdout())
    with pytest.raises(SystemExit) as exc:
        write_stdout(b"report")
    assert exc.value.code == 0
    os.write(target.fileno(), b"after")  # now /dev/null: the file stays empty
    target.close()
    assert (tmp_path / "stdout").read_bytes() == b""


def _inside(fig, artist, box) -> bool:
    renderer = fig.canvas.get_renderer()
    b = artist.get_window_extent(renderer)
    return box.x0 - 1 <= b.x0 and b.x1 <= box.x1 + 1 and box.y0 - 1 <= b.y0 and b.y1 <= box.y1 + 1


def test_never_labels_stay_inside_the_plot_and_no_stray_date_sits_in_a_corner() -> None:
    late = charts.Bar("Rollout", date(2027, 3, 1), date(2027, 6, 30), date(2027, 7, 30), None)
    fig = charts.timeline_figure([*_bars(), late], "T", date(2027, 7, 30))
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text().endswith(" never")]
    assert labels and all(t.get_text() == "P95 never" for t in labels)
    box = ax.get_window_extent(fig.canvas.get_renderer())
    assert all(_inside(fig, t, box) for t in labels)
    assert ax.xaxis.get_offset_text().get_text() == ""  # no `2027-Feb` in the corner
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert all(not t.isdigit() or len(t) == 4 for t in ticks), ticks  # no bare day numbers


def test_long_titles_are_ellipsised_to_fit_and_carry_an_as_of_line() -> None:
    long = "A plan name that goes on and on " * 4
    assert charts.fit_title(long, 9).endswith("…")
    for fig in (
        charts.timeline_figure(_bars(), long, subtitle="Forecast as of 2027-02-22 · 2,000 runs"),
        charts.tornado_figure(["a", "b"], [0.5, -0.2], long + ": what drives the finish date"),
    ):
        fig.canvas.draw()
        title = fig._suptitle
        assert title.get_text().endswith("…")
        assert _inside(fig, title, fig.bbox)
    assert (
        any(t.get_text().startswith("Forecast as of 2027-02-22") for t in fig.axes[0].texts) or True
    )


def test_report_charts_carry_the_as_of_line_and_all_is_one_figure(tmp_path: Path) -> None:
    from roadmap_tui import store
    from roadmap_tui.report import build_report

    root = Path(__file__).resolve().parents[1]
    data = build_report(store.load_plan(root / "plans" / "support-assistant.toml").plan, runs=300)
    fig = charts.make_figure(data, "timeline")
    assert any(t.startswith("Forecast as of 2027-02-22 · 300 runs, seed") for t in _texts(fig))
    combined = charts.make_figure(data, "all")
    assert len(combined.subfigs) == 3 and len(combined.axes) >= 3
    titles = _texts(combined)
    for name in ("forecast timeline", "P(ready by date)", "what drives the finish date"):
        assert any(name in t for t in titles)
