"""Hostile and broken plans (issue 9, section 3): the regression corpus, bounds, injection.

Every plan in tests/corpus/hostile is named for one failure a fuzzer found. Each goes through
load -> validate -> simulate -> every export -> prioritize (and `roadmap validate` /
`simulate`): only PlanError / PlanFileError may come out, with the line, and nothing that
reaches a terminal, a spreadsheet or a file carries a control character of the plan.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from roadmap_tui import cli, forecast, report, store
from roadmap_tui.console.priority import render_ranking
from roadmap_tui.console.simulate import render_forecast
from roadmap_tui.forecast.engine import ForecastError
from roadmap_tui.model import parse
from roadmap_tui.model.calendar import FAR_FUTURE, Calendar
from roadmap_tui.model.text import PLACEHOLDER, clean, display_plan
from roadmap_tui.model.types import Estimate, Item, Plan, Risk
from roadmap_tui.priority import rank_plan
from roadmap_tui.report.common import fmt_date
from roadmap_tui.report.csv_export import text_cell

CORPUS = Path(__file__).parent / "corpus" / "hostile"
CORPUS_FILES = sorted(CORPUS.glob("*.toml"))

#: The plans validation refuses: (line, part of the message). The others must be valid.
INVALID: dict[str, tuple[int, str]] = {
    "as_of_9999_12_31": (4, "as_of: expected a date from 1970-01-01 to 2200-12-31"),
    "estimate_1e300_float32_overflow": (7, "high 1e+300 is more than 10,000 working days"),
    "estimate_2100000_past_year_9999": (7, "expected at most 10,000 working days"),
    "estimate_nested_400_arrays": (7, "estimate: expected [low, likely, high]"),
    "estimate_nested_5000_arrays": (7, "nested too deeply"),
    "forecast_runs_10000000": (6, "runs: expected an integer from 1 to 1000000"),
    "holidays_nested_400_arrays": (4, "holidays: expected a date"),
    "max_attempts_1000000": (10, "max_attempts: expected an integer from 1 to 100"),
    "max_attempts_2_pow_63": (10, "max_attempts: expected an integer from 1 to 100"),
    "milestone_target_9999_12_31": (8, "target: expected a date from 1970-01-01 to 2200-12-31"),
    "risk_delay_1e300": (12, "delay: high 1e+300 is more than 10,000 working days"),
}
#: What must never reach an output: ESC, CSI, BEL, CR and the bidi controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TEXT_FORMATS = ("md", "csv", "json", "html", "ics", "toml", "svg")


def test_the_corpus_has_a_plan_for_every_failure() -> None:
    names = {p.stem for p in CORPUS_FILES}
    assert set(INVALID) <= names
    for must in (
        "title_rich_markup_and_link",
        "csv_formula_injection",
        "terminal_escapes_and_bidi",
        "bounds_reached_dates_past_9999",
        "max_attempts_100_tiny_p_wide_lognormal",
    ):
        assert must in names


def _assert_safe(text: str, where: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"{where}: raw {found.group()!r} in the output"


def run_pipeline(path: Path, runs: int = 200) -> None:
    """load -> simulate -> every export -> prioritize; raises only PlanError/PlanFileError."""
    loaded = store.load_plan(path)
    plan = loaded.plan
    for scenario in (None, *plan.scenario_by_id):
        result = forecast.simulate(plan, runs=runs, scenario=scenario)
        json.dumps(result.to_json_dict())
        out = io.StringIO()
        render_forecast(result, plan, Console(file=out, width=100))
        _assert_safe(out.getvalue(), "simulate")
        data = report.build_report(plan, scenario=scenario, runs=runs)
        for name, spec in report.FORMATS.items():
            if scenario is not None and name not in TEXT_FORMATS:
                continue  # the charts of a scenario are drawn as the baseline's
            chart = "all" if spec.charts and name == "svg" else "timeline"
            for output in spec.write(data, chart):
                assert output.content
                if name in TEXT_FORMATS:
                    text = output.content.decode("utf-8")
                    if name == "ics":
                        text = text.replace("\r\n", "\n")
                    _assert_safe(text, f"export {name}")
        _, _, ranking = rank_plan(plan, scenario=scenario, runs=runs)
        out = io.StringIO()
        render_ranking(ranking, Console(file=out, width=100), heading=clean(plan.name))
        for item in ranking.items:
            render_ranking(
                ranking,
                Console(file=out, width=100),
                heading=plan.name,
                explanation=ranking.explain(item.id),
            )
        _assert_safe(out.getvalue(), "prioritize")


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_corpus_plan_goes_through_the_pipeline(path: Path) -> None:
    start = time.perf_counter()
    if path.stem in INVALID:
        line, message = INVALID[path.stem]
        with pytest.raises(store.PlanError) as err:
            run_pipeline(path)
        assert [(p.line, message in p.message) for p in err.value.problems] == [(line, True)]
    else:
        run_pipeline(path)
    assert time.perf_counter() - start < 30


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_corpus_plan_on_the_command_line(path: Path) -> None:
    invalid = path.stem in INVALID
    for args in (["validate"], ["simulate", "--runs", "200"], ["prioritize", "--runs", "200"]):
        code, out, err = _cli(*args, str(path))
        assert "Traceback" not in out + err
        assert code == (1 if invalid else 0), (args, err)
        _assert_safe(out + err, " ".join(args))
        if invalid:
            line, message = INVALID[path.stem]
            assert f"{path}:{line}: " in err and message in err


# ---------------------------------------------------------------- bounds in validation


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("estimate", "10000", None),
        ("estimate", "10000.5", "expected at most 10,000 working days, found 10000.5"),
        ("estimate", "[1, 2, 10001]", "high 10001 is more than 10,000 working days"),
        ("remaining", "[1, 2, 1e20]", "high 1e+20 is more than 10,000 working days"),
        ("max_attempts", "100", None),
        ("max_attempts", "101", "expected an integer from 1 to 100, found 101"),
        ("target", "2200-12-31", None),
        ("target", "2201-01-01", "expected a date from 1970-01-01 to 2200-12-31"),
        ("started", "1969-12-31", "expected a date from 1970-01-01 to 2200-12-31"),
        ("finished", "0001-01-01", "expected a date from 1970-01-01 to 2200-12-31"),
    ],
)
def test_item_bounds(field: str, value: str, message: str | None) -> None:
    raw = store.value_from_text(value)
    if message is None:
        parse.parse_item_field(field, raw)
    else:
        with pytest.raises(parse.FieldError, match=re.escape(message)):
            parse.parse_item_field(field, raw)


@pytest.mark.parametrize("key", ["start", "as_of"])
def test_plan_dates_are_bounded(key: str) -> None:
    plan = Plan("S", date(2027, 1, 4))
    with pytest.raises(parse.FieldError, match="from 1970-01-01 to 2200-12-31"):
        parse.update_setting(plan, "plan", key, date(2201, 1, 1))
    with pytest.raises(parse.FieldError, match="from 1970-01-01 to 2200-12-31"):
        parse.update_setting(plan, "plan", "holidays", [date(1900, 1, 1)])


def test_deep_nesting_is_a_message_not_a_recursion_error() -> None:
    deep: object = 1
    for _ in range(5000):
        deep = [deep]
    assert parse.show(deep) == "[[[[[[...]]]]]]"
    with pytest.raises(parse.FieldError, match=re.escape("found 1 values [[[[[[...]]]]]]")):
        parse.parse_item_field("estimate", deep)


def test_too_deep_toml_is_reported_at_its_line(tmp_path: Path) -> None:
    text = '[plan]\nname = "S"\nstart = 2027-01-04\n\n[items.a]\ntitle = "A"\n'
    text += "notes = 'x'\nestimate = " + "[" * 5000 + "1" + "]" * 5000 + "\n"
    with pytest.raises(store.PlanError) as err:
        store.load_plan_text(text, "p.toml")
    assert [p.line for p in err.value.problems] == [8]


def test_messages_show_control_characters_escaped() -> None:
    with pytest.raises(parse.FieldError) as err:
        parse.parse_item_field("status", "\x1b[2J\u202e")
    assert '"\\u001b[2J\\u202e"' in str(err.value)


# ---------------------------------------------------------------- the engine, safe anyway


def _plan(*items: Item, risks: tuple[Risk, ...] = (), **kwargs: object) -> Plan:
    return Plan("S", date(2027, 1, 4), items=items, risks=risks, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1e300, float("inf"), float("nan"), 10_001])
def test_engine_refuses_durations_a_plan_file_cannot_hold(bad: float) -> None:
    with pytest.raises(ForecastError, match="item 'a': a duration must be finite"):
        forecast.simulate(_plan(Item("a", "A", estimate=Estimate(1, 2, bad))), runs=10)
    risk = Risk("r", "R", 0.5, Estimate(0, 0, bad), ("a",))
    with pytest.raises(ForecastError, match="risk 'r': a delay must be finite"):
        forecast.simulate(_plan(Item("a", "A", estimate=Estimate.fixed(1)), risks=(risk,)))


def test_the_cost_of_attempts_does_not_grow_with_max_attempts() -> None:
    def timed(attempts: int, p: float) -> float:
        item = Item("a", "A", "experiment", Estimate(1, 2, 4), p_success=p, max_attempts=attempts)
        start = time.perf_counter()
        forecast.simulate(_plan(item), runs=2000)
        return time.perf_counter() - start

    timed(100, 0.5)  # warm up
    # 2^63 - 1 attempts, or a p_success of 0 (every attempt is made): a few ms, not minutes
    for attempts, p in ((2**63 - 1, 0.5), (10**9, 0.0), (10**6, 1e-300)):
        assert timed(attempts, p) < 2.0


@pytest.mark.parametrize(("p", "attempts"), [(0.05, 60), (0.02, 100), (0.3, 40)])
def test_attempts_past_the_exact_ones_keep_the_right_distribution(p: float, attempts: int) -> None:
    """P(success) is 1 - (1 - p)^attempts and the mean duration E[min(G, attempts)] x the
    mean of one draw, G geometric: within 4 standard errors at 20,000 runs."""
    runs = 20_000
    est = Estimate(1, 2, 6)  # PERT mean 2.5
    item = Item("a", "A", "experiment", est, p_success=p, max_attempts=attempts)
    f = forecast.simulate(_plan(item), runs=runs, seed=7).items["a"]
    q = 1 - p
    p_done = 1 - q**attempts
    assert abs(f.p_success - p_done) <= 4 * (p_done * (1 - p_done) / runs) ** 0.5 + 1e-9
    mean_count = (1 - q**attempts) / p
    # E[K^2] of K = min(G, n): the sum of (2k - 1) P(K >= k)
    second = sum((2 * k - 1) * q ** (k - 1) for k in range(1, attempts + 1))
    sd_count = (second - mean_count**2) ** 0.5
    sd_total = (sd_count**2 * 2.5**2 + mean_count * (5 / 6) ** 2 * 4 / 7) ** 0.5 + 1
    assert abs(f.mean_duration - mean_count * 2.5) <= 4 * sd_total / runs**0.5


def test_a_wide_lognormal_never_overflows_to_never_finished() -> None:
    item = Item("a", "A", estimate=Estimate(1e-6, 1, 10_000, "lognormal"))
    f = forecast.simulate(_plan(item), runs=5000).items["a"]
    assert f.p_success == 1.0
    assert f.finish_days.p95 is not None


def test_far_future_dates_clamp_instead_of_overflowing() -> None:
    cal = Calendar(date(2027, 1, 4), ("mon", "tue", "wed", "thu", "fri"))
    assert cal.end_offset(date(9999, 12, 31)) > 0
    far = cal.finish_dates([1e9, 1e30, float("inf")]).astype("datetime64[D]").tolist()
    assert far == [FAR_FUTURE] * 3
    assert cal.start_date(10**15) == FAR_FUTURE
    assert fmt_date(FAR_FUTURE) == "9999 or later"
    assert fmt_date(date(9998, 12, 31)) == "9998-12-31"


@pytest.mark.parametrize(
    "extreme",
    [
        {"items": (Item("m", "M", "milestone", target=date(9999, 12, 31)),)},
        {"as_of": date(9999, 12, 31)},
        {"start": date(9999, 12, 31)},
    ],
    ids=["target", "as_of", "start"],
)
def test_plans_built_in_code_with_extreme_dates_still_export(extreme: dict) -> None:
    base = _plan(Item("a", "A", estimate=Estimate(1, 2, 4)))
    plan = replace(base, **{**extreme, "items": base.items + extreme.get("items", ())})
    result = forecast.simulate(plan, runs=100)
    json.dumps(result.to_json_dict(), default=str)
    data = report.build_report(plan, runs=100)
    for spec in report.FORMATS.values():
        assert spec.write(data)[0].content


# ---------------------------------------------------------------- the command line


def test_runs_on_the_command_line_are_capped_like_the_plan() -> None:
    assert cli.MAX_RUNS == parse.MAX_RUNS
    plan = str(CORPUS / "title_rich_markup_and_link.toml")
    for command in ("simulate", "prioritize", "export", "textconv"):
        args = [command, plan, "--runs", str(parse.MAX_RUNS + 1)]
        if command == "export":
            args += ["-f", "md"]
        code, _, err = _cli(*args)
        assert code == cli.EXIT_USAGE
        assert "Invalid value for '--runs': 1000001 is not in the range 1<=x<=1000000" in err


def test_an_internal_error_exits_3_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(forecast, "simulate_with_effects", boom)
    plan = str(CORPUS / "title_rich_markup_and_link.toml")
    code, _, err = _cli("simulate", plan)
    assert code == cli.EXIT_INTERNAL == 3
    assert err == (
        "roadmap: internal error: RuntimeError: boom second line "
        "(run with --debug for the traceback)\n"
    )
    code, _, err = _cli("--debug", "simulate", plan)
    assert code == 3
    assert "Traceback (most recent call last)" in err
    assert err.endswith("(run with --debug for the traceback)\n")


def test_debug_before_a_plan_still_opens_the_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    from roadmap_tui.tui import launch

    opened: list[Path] = []
    monkeypatch.setattr(launch, "edit", lambda path, runs=None: opened.append(path) or 0)
    plan = CORPUS / "title_rich_markup_and_link.toml"
    assert _cli("--debug", str(plan))[0] == 0
    assert opened == [plan]


# ---------------------------------------------------------------- injection


def test_clean_replaces_controls_escapes_and_bidi() -> None:
    assert clean("plain ok") == "plain ok"
    assert clean("a\x1b[2Jb") == f"a{PLACEHOLDER}[2Jb"
    assert clean("\x1b]52;c;aGk=\x07") == f"{PLACEHOLDER}]52;c;aGk={PLACEHOLDER}"
    assert clean("\x9b31m \x7f") == f"{PLACEHOLDER}31m {PLACEHOLDER}"
    assert clean("x\u202ey\u2066z\u2069") == f"x{PLACEHOLDER}y{PLACEHOLDER}z{PLACEHOLDER}"
    assert clean("one\r\ntwo\rthree\nfour\tfive") == "one two three four five"
    assert clean("one\r\ntwo\nthree", multiline=True) == "one\ntwo\nthree"
    assert clean("emoji \U0001f600 zwj \u200d é") == "emoji \U0001f600 zwj \u200d é"


def test_display_plan_cleans_every_text_and_keeps_a_clean_plan() -> None:
    plan = store.load_plan(CORPUS / "terminal_escapes_and_bidi.toml").plan
    shown = display_plan(plan)
    texts = [shown.name]
    for item in shown.items:
        texts += [item.title, item.owner or "", *item.tags, item.notes or ""]
        texts += [item.metric.name] if item.metric else []
    texts += [r.title for r in shown.risks]
    texts += [t.title for t in shown.teams]
    assert shown.teams and "team" in shown.teams[0].title
    for s in shown.scenarios:
        texts += [s.title, *(str(o.value) for o in s.overrides)]
    for text in texts:
        _assert_safe(text.replace("\n", " "), "display_plan")
    assert "line one\nline two" in shown.items[0].notes
    clean_plan = store.load_plan(CORPUS / "title_rich_markup_and_link.toml").plan
    assert display_plan(clean_plan) is clean_plan


def test_rich_markup_in_plan_text_is_shown_as_written() -> None:
    path = CORPUS / "title_rich_markup_and_link.toml"
    plan = store.load_plan(path).plan
    _, _, ranking = rank_plan(plan, runs=50)
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system="truecolor")
    render_ranking(ranking, console, heading=plan.name)
    render_ranking(ranking, console, heading="[b]", explanation=ranking.explain("b"))
    text = out.getvalue()
    assert "A [/bold] title" in text
    assert "[link=https://example.com/x]click[/link]" in text
    assert "\x1b]8;" not in text  # no live hyperlink


def test_csv_cells_of_plan_text_are_never_formulas() -> None:
    data = report.build_report(store.load_plan(CORPUS / "csv_formula_injection.toml").plan)
    text = report.FORMATS["csv"].write(data)[0].content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 == text.count("\n") - 1  # no cell split a row
    by_id = {r["id"]: r for r in rows}
    assert by_id["a"]["title"].startswith("'=HYPERLINK(")
    assert by_id["a"]["owner"] == "'+cmd|' /C calc'!A0"
    assert by_id["b"]["title"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert by_id["b"]["owner"] == "'-1+1"
    assert by_id["'-1-1"]["title"] == "' =1+1"
    assert by_id["'-1-1"]["owner"] == "' =1+1"
    # figures we write are never touched, negative ones included
    assert all(not r["sensitivity"].startswith("'") for r in rows)
    assert text_cell("-0.5 days") == "'-0.5 days"
    assert text_cell("plain") == "plain"
    assert text_cell("  @x") == "'  @x"


def test_diff_md_and_textconv_show_no_control_characters(tmp_path: Path) -> None:
    path = CORPUS / "terminal_escapes_and_bidi.toml"
    old = tmp_path / "old.toml"
    old.write_text(path.read_text().replace("clear ", "was "), encoding="utf-8")
    for fmt in ("md", "text"):
        code, out, err = _cli("diff", str(old), str(path), "--format", fmt, "--runs", "100")
        assert code == 1, err
        _assert_safe(out, f"diff {fmt}")
    code, out, _ = _cli("textconv", str(path), "--runs", "100")
    assert code == 0
    _assert_safe(out.replace("\n", " "), "textconv")


def test_tui_table_cells_are_plain_clean_text() -> None:
    from roadmap_tui.tui.widgets.fit_table import clip

    cell = clip("[link=https://x]a[/link] \x1b[2J\u202e", 80)
    assert cell.plain == f"[link=https://x]a[/link] {PLACEHOLDER}[2J{PLACEHOLDER}"
    assert not cell.spans


async def test_the_editor_shows_plan_text_without_control_characters(tmp_path: Path) -> None:
    from roadmap_tui.tui.actions import VIEWS
    from tui_helpers import running, select

    path = tmp_path / "plan.toml"
    path.write_text((CORPUS / "terminal_escapes_and_bidi.toml").read_text(), encoding="utf-8")
    async with running(path, runs=200) as (app, pilot):
        assert app.plan.items[0].title.startswith("clear \x1b[2J")  # the plan is untouched
        await select(app, pilot, "a")
        shown = []
        for name, _ in VIEWS:
            app.action_show_view(name)
            await pilot.pause()
            shown.append(app.export_screenshot())
        screens = "".join(shown)
        _assert_safe(screens.replace("\n", " "), "the editor")
        assert PLACEHOLDER in screens
