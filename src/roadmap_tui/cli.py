"""The `roadmap` command line: a thin face over store, model, forecast, priority and report.

Exit codes everywhere: 0 ok, 1 the plan is invalid (or, for `diff`, something changed),
2 usage or file errors, 3 an internal error (a bug: one line, the traceback with --debug).
No command prints a Python traceback for bad input.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
import traceback

# Before anything imports numpy; a value the user set wins for both.
# numpy asks Linux for transparent huge pages for every large array. On virtual machines
# (Firecracker, as CI's and many cloud workstations are) the first touch of such memory
# costs about 9 ms per MB, ten times that of ordinary pages: 1.5 s of a 5,000-item
# forecast's 2 s store (README, "Forecast: performance").
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
# One BLAS thread: the engine's few matrix-vector products are small, and OpenBLAS starting
# a thread per core costs every command that imports numpy about 0.04 s of CPU.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from roadmap_tui import __version__
from roadmap_tui.exits import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    fail,
    load_or_report,
    open_plan,
    print_problems,
)
from roadmap_tui.vocabulary import plural

if TYPE_CHECKING:
    from roadmap_tui.store import LoadedPlan
    from roadmap_tui.tracker import Export

#: Most runs a command accepts: `[forecast] runs`' cap, model.parse.MAX_RUNS (a test checks;
#: parse is not imported here to keep `roadmap --help` fast).
MAX_RUNS = 1_000_000
_RUNS = click.IntRange(min=1, max=MAX_RUNS)

_debug = False


def _set_debug(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    global _debug
    _debug = _debug or value


class _PlanOrCommand(click.Group):
    """`roadmap PLAN` means `roadmap edit PLAN`: a first argument that names no command but a
    .toml file (or an existing path) is a plan; a mistyped command still gets click's error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        lead = 1 if args[:1] == ["--debug"] else 0
        first = args[lead] if len(args) > lead else ""
        is_plan = first.endswith(".toml") or (bool(first) and Path(first).exists())
        if is_plan and not first.startswith("-") and first not in self.commands:
            args = [*args[:lead], "edit", *args[lead:]]
        return super().parse_args(ctx, args)

    def main(self, args: Sequence[str] | None = None, *rest: object, **kwargs: object) -> object:
        """click's main, with an unexpected exception (a bug) turned into one line on stderr
        and exit 3, so CI can tell a crash from an invalid plan (1); `--debug` shows the
        traceback."""
        global _debug
        _debug = False
        try:
            return super().main(args, *rest, **kwargs)  # type: ignore[arg-type]
        except Exception as exc:
            if _debug:
                traceback.print_exc()
            from roadmap_tui.model.text import clean

            what = clean(" ".join(f"{type(exc).__name__}: {exc}".split()))
            click.echo(
                f"roadmap: internal error: {what} (run with --debug for the traceback)",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)


@click.group(
    cls=_PlanOrCommand,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="roadmap")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    help="Show the Python traceback of an internal error (exit 3).",
)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Plan, forecast and prioritise AI-product roadmaps kept as TOML files.

    `roadmap PLAN` opens PLAN in the editor; `roadmap` alone picks a plan in ./plans or .
    (or opens a copy of the bundled example when there is none).
    """
    if ctx.invoked_subcommand is None:
        from roadmap_tui.tui.launch import pick_and_edit

        sys.exit(pick_and_edit())


def _without_cyclic_gc(command: Callable[..., None]) -> Callable[..., None]:
    """Run a headless command with the cyclic garbage collector paused (reference counting
    still frees memory). A command that keeps almost all it makes until it exits gains
    nothing from it: each collection walks the parsed TOML, the plan, the forecast and the
    ranking again (0.3 s of CPU on a 5,000-item prioritize). Restored afterwards, for
    callers in the same process; never for the editor, which runs for hours."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        paused = gc.isenabled()
        gc.disable()
        try:
            command(*args, **kwargs)
        finally:
            if paused:
                gc.enable()

    return run


@main.command("edit")
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--runs", type=_RUNS, help="Runs per forecast (default: the plan's).")
def edit_command(plan: Path, runs: int | None) -> None:
    """Open PLAN in the editor (same as `roadmap PLAN`); offers to create a missing PLAN."""
    from roadmap_tui.tui.launch import edit

    sys.exit(edit(plan, runs=runs))


@main.command("validate")
@click.argument("plans", nargs=-1, required=True, type=click.Path(dir_okay=True))
@_without_cyclic_gc
def validate_command(plans: tuple[str, ...]) -> None:
    """Check plan files and report every problem as PATH:LINE: message.

    Prints `PATH: ok (N items, M risks)` for each valid plan, and below it each warning
    (`PATH:LINE: warning: ...`, on stderr; e.g. a team no item uses), which does not fail
    it. Exits 0 when all are valid, 1 when any plan is invalid, 2 when a file cannot be read.
    """
    from roadmap_tui.model.parse import plan_warnings

    worst = EXIT_OK
    for path in plans:
        loaded = load_or_report(path)
        if isinstance(loaded, int):
            worst = max(worst, loaded)
            continue
        plan = loaded.plan
        counts = f"{plural(len(plan.items), 'item')}, {plural(len(plan.risks), 'risk')}"
        click.echo(f"{path}: ok ({counts})")
        for w in plan_warnings(plan):
            click.echo(f"{path}:{loaded.line_of(*w.keys)}: warning: {w.message}", err=True)
    sys.exit(worst)


@main.command("new", short_help="Create a plan from a template (never overwrites).")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--template",
    "-t",
    type=click.Choice(["ai-feature", "blank"]),
    default="ai-feature",
    show_default=True,
    help="ai-feature: a small worked AI-feature roadmap; blank: the minimum, every field "
    "explained in comments.",
)
@click.option("--name", help="The plan's name (default: the template's).")
@click.option(
    "--start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The plan's first day, YYYY-MM-DD (default: next Monday).",
)
def new_command(path: Path, template: str, name: str | None, start: Any) -> None:
    """Create a new plan file at PATH from a template; never overwrites an existing file."""
    from roadmap_tui import store

    first = start.date() if start is not None else store.next_monday()
    try:
        text = store.template_plan_text(template, plan_name=name, start=first)
        loaded = store.write_new_plan(path, text)
    except store.PlanFileError as err:
        fail(str(err), EXIT_USAGE)
    plan = loaded.plan
    click.echo(f"{path}: created from template {template} ({plural(len(plan.items), 'item')})")


@main.command(
    "set",
    short_help="Change one field of an item or risk (one-line diff).",
    context_settings={"ignore_unknown_options": True},  # VALUE may be negative: -1
)
@click.argument("plan", type=click.Path(path_type=Path))
@click.argument("target", metavar="ID.FIELD")
@click.argument("value")
@_without_cyclic_gc
def set_command(plan: Path, target: str, value: str) -> None:
    """Change one field of an item or a risk from the shell, for scripts and CI.

    ID.FIELD names an item's field, risks.ID.FIELD a risk's, teams.ID.FIELD a team's
    (teams.ml.capacity), and plan.KEY, forecast.KEY
    and priority.KEY the plan's settings (e.g. plan.as_of). VALUE is read as a TOML value
    (5, [3, 5, 8], 0.4, 2027-02-01, true, "two words"); a bare word is a string. The whole
    plan is validated before anything is written, and the save changes only that line.
    Exits 1 when the value would make the plan invalid, 2 for an unknown id or field.

    \b
    Examples:
      roadmap set plan.toml train-v2.status done
      roadmap set plan.toml intent-model.estimate "[5, 10, 20]"
      roadmap set plan.toml risks.vendor-slip.probability 0.1
      roadmap set plan.toml teams.ml.capacity 3
      roadmap set plan.toml plan.as_of 2027-02-01
    """
    from roadmap_tui import store
    from roadmap_tui.model import parse

    parts = target.split(".")
    section = "items"
    if len(parts) == 3 and parts[0] in ("items", "risks", "teams"):
        section = parts.pop(0)
    if len(parts) != 2 or not all(parts):
        fail(
            f"{target}: expected ID.FIELD for an item, risks.ID.FIELD for a risk, "
            "teams.ID.FIELD for a team or "
            "plan.KEY / forecast.KEY / priority.KEY, e.g. train-v2.status",
            EXIT_USAGE,
        )
    target_id, field = parts
    raw = store.value_from_text(value)
    # Read, change and write under the plan's lock: two `roadmap set`s at once both land.
    try:
        with store.locked(plan):
            _set_field(plan, section, target_id, field, raw)
    except store.PlanFileError as err:  # unreadable, unwritable, or locked for too long
        fail(str(err), EXIT_USAGE)
    click.echo(f"{plan}: {target} = {parse.show(raw)}")


def _set_field(plan: Path, section: str, target_id: str, field: str, raw: object) -> None:
    """`roadmap set` once the lock is held: load, change one field, validate, save."""
    from roadmap_tui import store
    from roadmap_tui.model import parse

    loaded = open_plan(plan)
    try:
        keys = parse.resolve_target(loaded.plan, section, target_id, field)
    except parse.UnknownTargetError as err:
        fail(f"{plan}: {err}", EXIT_USAGE)
    try:
        new = parse.set_value(loaded.plan, keys, raw)
    except parse.FieldError as err:
        fail(f"{plan}:{loaded.line_of(*keys)}: {err}", EXIT_INVALID)
    problems = parse.validate_plan(new)
    if problems:
        from roadmap_tui.model.text import clean

        for p in problems:
            click.echo(clean(f"{plan}:{loaded.line_of(*p.keys)}: {p.message}"), err=True)
        sys.exit(EXIT_INVALID)
    try:
        store.save_plan(loaded, new, checked=True)
    except store.PlanError as err:
        print_problems(err)
        sys.exit(EXIT_INVALID)
    except store.ExternalChangeError as err:
        fail(str(err), EXIT_USAGE)


@main.command("rename", short_help="Rename an item id and every reference to it.")
@click.argument("plan", type=click.Path(path_type=Path))
@click.argument("old")
@click.argument("new")
def rename_command(plan: Path, old: str, new: str) -> None:
    """Rename the item OLD to NEW in PLAN: its table, and every depends_on, affects and
    scenario override that names it. The save changes only those lines. Exits 2 for an
    unknown OLD or a NEW that is taken or not a valid id."""
    from roadmap_tui import store
    from roadmap_tui.model import parse

    loaded = open_plan(plan)
    if old not in loaded.plan.item_by_id:
        fail(f"{plan}: no item '{old}'" + parse.did_you_mean(old, loaded.plan.item_by_id))
    if not parse.ID_RE.match(new):
        fail(f"{plan}: '{new}' is not an id; expected letters, digits, '-' and '_' only")
    if new in loaded.plan.item_by_id:
        fail(f"{plan}: item '{new}' already exists")
    renamed = loaded.plan.with_item_renamed(old, new)
    try:
        saved = store.save_plan(loaded, renamed)
    except store.PlanError as err:
        print_problems(err)
        sys.exit(EXIT_INVALID)
    except (store.PlanFileError, store.ExternalChangeError) as err:
        fail(str(err), EXIT_USAGE)
    before, after = loaded.text.splitlines(), saved.text.splitlines()
    changed = sum(a != b for a, b in zip(before, after, strict=False))
    click.echo(f"{plan}: renamed {old} to {new} ({changed} lines changed)")


@main.command("fmt", short_help="Rewrite plans in the canonical layout (--check for CI).")
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if a file is not in the canonical layout (for pre-commit).",
)
@_without_cyclic_gc
def fmt_command(plans: tuple[Path, ...], check: bool) -> None:
    """Rewrite plans in the canonical layout: one table per item, fixed key order, one-line
    arrays, comments kept. Exits 1 if a plan is invalid (or, with --check, not canonical)."""
    from roadmap_tui import store

    worst = EXIT_OK
    for path in plans:
        try:
            changed = store.format_file(path, check=check)
        except (store.PlanFileError, store.ExternalChangeError) as err:
            click.echo(str(err), err=True)
            worst = max(worst, EXIT_USAGE)
            continue
        except store.PlanError as err:
            print_problems(err)
            worst = max(worst, EXIT_INVALID)
            continue
        if changed and check:
            click.echo(f"{path}: not in the canonical layout (run: roadmap fmt {path})", err=True)
            worst = max(worst, EXIT_INVALID)
        elif changed:
            click.echo(f"{path}: formatted")
    sys.exit(worst)


# ---------------------------------------------------------------- forecast (issue 3)


def _check_scenario(path: Path, loaded: LoadedPlan, scenario: str | None) -> None:
    """Exit 2 naming the plan's scenarios when `scenario` is not one of them."""
    if scenario is not None and scenario not in loaded.plan.scenario_by_id:
        known = ", ".join(loaded.plan.scenario_by_id) or "none"
        fail(f"{path}: unknown scenario {scenario!r}; the plan's scenarios: {known}")


@main.command("simulate")
@click.argument("plan", type=click.Path(path_type=Path))
@click.option("--runs", type=_RUNS, help="Runs (default: the plan's [forecast] runs).")
@click.option("--seed", type=int, help="Seed (default: the plan's [forecast] seed).")
@click.option("--scenario", metavar="NAME", help="Forecast the plan under this scenario.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Forecast from this day, YYYY-MM-DD (default: the plan's as_of).",
)
@click.option("--json", "as_json", is_flag=True, help="Print only JSON (docs/forecast.md).")
@click.option(
    "--curves",
    is_flag=True,
    help="With --json: every item's readiness curve too (the plan's and milestones' always).",
)
@click.option("--compare", is_flag=True, help="Baseline and every scenario side by side.")
@click.option(
    "--calibrate/--no-calibrate",
    default=None,
    help="Also forecast with durations scaled by the done items' actuals "
    "(default: the plan's [forecast] calibrate).",
)
@_without_cyclic_gc
def simulate_command(
    plan: Path,
    runs: int | None,
    seed: int | None,
    scenario: str | None,
    as_of: object,
    as_json: bool,
    curves: bool,
    compare: bool,
    calibrate: bool | None,
) -> None:
    """Monte Carlo forecast of PLAN: when each item is likely ready, and what drives it."""
    import json

    from roadmap_tui import forecast
    from roadmap_tui.report.progress import progress_bar

    if compare and scenario is not None:
        fail("--compare shows every scenario; leave out --scenario")
    if curves and not as_json:
        fail("--curves adds the items' curves to --json; give --json too")
    if compare and calibrate:
        fail("--calibrate sets one forecast beside its calibrated twin; leave out --compare")
    loaded = open_plan(plan)
    day = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    _check_scenario(plan, loaded, scenario)
    try:
        with progress_bar(f"Forecasting {loaded.plan.name}", delay=1.0) as update:
            effects = None  # not for --compare
            if compare:
                results = forecast.compare(
                    loaded.plan, runs=runs, seed=seed, as_of=day, progress=update
                )
            else:
                # what each risk costs the plan, measured on the forecast's first runs
                result, effects = forecast.simulate_with_effects(
                    loaded.plan, runs=runs, seed=seed, scenario=scenario, as_of=day, progress=update
                )
                results = {scenario: result}
            calibration = calibrated = None
            if (loaded.plan.calibrate if calibrate is None else calibrate) and not compare:
                from roadmap_tui.forecast import calibration as cal

                calibration = cal.calibrate(loaded.plan)
                calibrated = cal.calibrated_forecast(
                    loaded.plan, calibration, runs=runs, seed=seed, scenario=scenario, as_of=day
                )
    except ValueError as exc:  # ForecastError: a plan the engine cannot simulate
        fail(f"{plan}: {exc}")
    except MemoryError:
        fail(f"{plan}: not enough memory for this many runs; try fewer with --runs")
    if as_json:
        if compare:
            data = forecast.compare_to_json_dict(results, curves=curves)
        else:
            data = results[scenario].to_json_dict(curves=curves)
            data["risks"] = effects.to_json_list() if effects is not None else []
        if calibration is not None:
            data["calibration"] = {
                "summary": calibration.describe(),
                "notice": calibration.notice,
                "forecast": None if calibrated is None else calibrated.to_json_dict(curves=curves),
            }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from rich.console import Console

    from roadmap_tui.console import simulate as simulate_view

    console = Console(highlight=False)
    if compare:
        simulate_view.render_compare(results, loaded.plan, console)
    else:
        simulate_view.render_forecast(results[scenario], loaded.plan, console, effects)
    if calibration is not None:
        from roadmap_tui.console.calibration import calibrated_table

        if calibrated is None:
            console.print(f"Calibration: {calibration.notice}")
        else:
            console.print(calibrated_table(results[scenario], calibrated, calibration))


@main.command("calibrate")
@click.argument("plan", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "others",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Also learn from the done items of this plan (repeatable), e.g. earlier projects.",
)
@click.option("--json", "as_json", is_flag=True, help="Print only JSON (docs/forecast.md).")
@_without_cyclic_gc
def calibrate_command(plan: Path, others: tuple[Path, ...], as_json: bool) -> None:
    """How long PLAN's done items took against their estimates, per kind and overall.

    The ratio of a done item is its actual working days over its estimate's mean; a
    forecast with `[forecast] calibrate = true` (or `simulate --calibrate`) draws from them.
    """
    import json

    from roadmap_tui.forecast import calibration as cal

    loaded = open_plan(plan)
    extra = [s for other in others for s in cal.samples_of(open_plan(other).plan, str(other))]
    calibration = cal.calibrate(loaded.plan, extra)
    samples = calibration.samples
    if as_json:
        click.echo(json.dumps(cal.to_json_dict(samples, calibration), indent=2))
        return
    from rich.console import Console

    from roadmap_tui.console.calibration import render_calibration

    render_calibration(loaded.plan.name, samples, calibration, Console(highlight=False))


# ---------------------------------------------------------------- prioritisation (issue 4)


@main.command("prioritize")
@click.argument("plan", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the ranking as JSON.")
@click.option("--explain", "explain_id", metavar="ID", help="Explain one item's score.")
@click.option("--ready", "ready_only", is_flag=True, help="Only items that can start today.")
@click.option(
    "--all", "show_all", is_flag=True, help="Print every item (the table stops at the top 50)."
)
@click.option(
    "--weight",
    "weight_args",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a factor weight for this run (repeatable).",
)
@click.option("--method", type=click.Choice(["weighted", "gated"]), help="Scoring method.")
@click.option(
    "--order",
    type=click.Choice(["sequence", "score"]),
    help="sequence: most value per working day first, respecting dependencies; score: by score.",
)
@click.option("--runs", type=_RUNS, help="Forecast runs (default: the plan's).")
@click.option("--seed", type=click.IntRange(min=0), help="Forecast seed (default: the plan's).")
@click.option("--scenario", metavar="NAME", help="Rank the plan as this scenario sees it.")
@_without_cyclic_gc
def prioritize_command(
    plan: Path,
    as_json: bool,
    explain_id: str | None,
    ready_only: bool,
    show_all: bool,
    weight_args: tuple[str, ...],
    method: str | None,
    order: str | None,
    runs: int | None,
    seed: int | None,
    scenario: str | None,
) -> None:
    """Order open items by value per working day, respecting dependencies (or by score).

    See docs/prioritisation.md for the factors, methods and the JSON schema.
    """
    import json

    from roadmap_tui import priority

    loaded = open_plan(plan)
    try:
        overrides = priority.parse_weight_args(weight_args)
        scenarios = loaded.plan.scenario_by_id
        if scenario is not None and scenario not in scenarios:
            raise priority.PriorityError(priority.unknown_name("scenario", scenario, scenarios))
        _, result, ranking = priority.rank_plan(
            loaded.plan,
            scenario=scenario,
            runs=runs,
            seed=seed,
            weights=overrides,
            method=method,
            order=order,
            figures_only=True,  # the table and JSON show no dates: no store of every run
        )
        explanation = ranking.explain(explain_id) if explain_id is not None else None
    except ValueError as exc:  # PriorityError, or a plan the engine cannot simulate
        fail(f"{plan}: {exc}")
        return
    if as_json:
        data = ranking.to_json_dict()
        data["forecast"] = {"runs": result.runs, "seed": result.seed, "scenario": scenario}
        shown = ranking.ready_items() if ready_only else ranking.items
        keep = {r.id for r in ([explanation.item] if explanation else shown)}
        data["items"] = [entry for entry in data["items"] if entry["id"] in keep]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from rich.console import Console

    from roadmap_tui.console.priority import DEFAULT_ROWS, ranking_heading, render_ranking

    render_ranking(
        ranking,
        Console(highlight=False),
        heading=ranking_heading(loaded.plan.name, ranking, result, scenario),
        ready_only=ready_only,
        explanation=explanation,
        limit=None if show_all else DEFAULT_ROWS,
    )


# ---------------------------------------------------------------- exports and plan review (issue 6)


@main.command()
@click.argument("plan", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    required=True,
    metavar="FMT",
    help="md, csv, json, html, svg, png, ics or toml.",
)
@click.option("-o", "--output", type=click.Path(), help="File to write (default: stdout).")
@click.option("--scenario", metavar="NAME", help="Forecast and rank the plan under this scenario.")
@click.option(
    "--chart",
    metavar="CHART",
    help="svg/png: timeline (default), scurve, tornado, all, or history (every commit).",
)
@click.option("--runs", type=_RUNS, help="Runs (default: the plan's [forecast] runs).")
@click.option("--seed", type=int, help="Seed (default: the plan's [forecast] seed).")
@_without_cyclic_gc
def export(
    plan: Path,
    fmt: str,
    output: str | None,
    scenario: str | None,
    chart: str | None,
    runs: int | None,
    seed: int | None,
) -> None:
    """Export the forecast of PLAN: report, table, chart, calendar or snapshot (docs/exports.md)."""
    from roadmap_tui import report
    from roadmap_tui.report.progress import progress_bar

    spec = report.FORMATS.get(fmt.lower())
    if spec is None:
        fail(f"unknown format {fmt!r}; expected one of: {', '.join(report.FORMATS)}")
    if chart is not None and not spec.charts:
        fail(f"--chart applies to --format svg or png, not {spec.name}")
    chart = chart or "timeline"
    if chart not in report.CHART_CHOICES:
        fail(f"unknown chart {chart!r}; expected one of: {', '.join(report.CHART_CHOICES)}")
    try:
        report.check_not_the_plan(output, plan)
        paths = report.output_paths(spec, chart, None if output is None else Path(output))
        report.check_not_the_plan(paths, plan)
    except report.ExportError as exc:
        fail(str(exc))
    if paths == [None] and spec.binary and sys.stdout.isatty():
        fail(f"{spec.name} is binary: give -o FILE.{spec.name} or redirect stdout to a file")
    if chart == "history":
        _export_history(plan, spec.name, paths[0], runs, seed)
        return
    loaded = open_plan(plan)
    _check_scenario(plan, loaded, scenario)
    try:
        with progress_bar(f"Forecasting {loaded.plan.name}") as update:
            data = report.build_report(
                loaded.plan, scenario=scenario, runs=runs, seed=seed, progress=update
            )
        outputs = spec.write(data, chart)
        if paths == [None]:
            report.write_stdout(outputs[0].content)
            return
        for path in report.write_outputs(outputs, paths):
            click.echo(f"wrote {path}", err=True)
    except report.ExportError as exc:
        fail(str(exc))
    except ValueError as exc:  # the engine or the score refused the plan (ForecastError...)
        fail(f"{plan}: {exc}")


def _export_history(
    plan: Path, fmt: str, path: Path | None, runs: int | None, seed: int | None
) -> None:
    """`export --chart history`: the milestone trend of every commit, as svg or png."""
    from roadmap_tui import report
    from roadmap_tui.report.charts import render_history_chart
    from roadmap_tui.report.history import HistoryError, plan_history
    from roadmap_tui.report.progress import progress_bar

    try:
        with progress_bar("Forecasting past commits", delay=1.0) as update:
            found = plan_history(plan, runs=runs, seed=seed, progress=update)
    except HistoryError as exc:
        fail(str(exc))
    for note in found.notes:
        click.echo(f"note: {note}", err=True)
    content = render_history_chart(found, fmt)
    if path is None:
        report.write_stdout(content)
        return
    try:
        report.write_outputs([report.Output(content, "history")], [path])
    except report.ExportError as exc:
        fail(str(exc))
    click.echo(f"wrote {path}", err=True)


def _open_for_diff(path: Path) -> LoadedPlan:
    """open_plan, but an invalid plan is an error (2) for diff: 1 means `changed`."""
    loaded = load_or_report(path)
    if isinstance(loaded, int):
        sys.exit(EXIT_USAGE)
    return loaded


@main.command("diff")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--rev", metavar="REV", help="Compare PLAN with its version at git revision REV.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "md"]), default="text", show_default=True
)
@click.option("--runs", type=_RUNS, help="Runs on both sides (default: the new plan's).")
@click.option("--seed", type=int, help="Seed on both sides (default: the new plan's).")
@click.option("--scenario", metavar="NAME", help="Compare the forecasts under this scenario.")
@click.option(
    "--no-forecast", is_flag=True, help="List the changes only, without the forecast shift."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON: changes, shift and its attribution."
)
def diff_command(
    paths: tuple[Path, ...],
    rev: str | None,
    fmt: str,
    runs: int | None,
    seed: int | None,
    scenario: str | None,
    no_forecast: bool,
    as_json: bool,
) -> None:
    """Compare OLD and NEW plans (or PLAN --rev REV): changes and forecast shift, and how
    much of the shift each change makes on its own (attribution).

    Exit status as diff(1): 0 nothing changed, 1 something changed, 2 an error.
    """
    from roadmap_tui import store
    from roadmap_tui.report import diff as plan_diff
    from roadmap_tui.report import write_stdout
    from roadmap_tui.report.gitrev import GitRevError, read_at_rev
    from roadmap_tui.report.progress import progress_bar

    if rev is not None:
        if len(paths) != 1:
            fail("with --rev give exactly one plan: roadmap diff PLAN --rev REV")
        path = paths[0]
        new = _open_for_diff(path)
        old_label, new_label = f"{path}@{rev}", str(path)
        try:
            old = store.load_plan_text(read_at_rev(path, rev), old_label)
        except GitRevError as exc:
            fail(str(exc))
        except store.PlanError as exc:
            print_problems(exc)
            fail(f"{old_label}: not a valid plan at that revision")
        except store.PlanFileError as exc:
            fail(str(exc))
    else:
        if len(paths) != 2:
            fail("give two plans (roadmap diff OLD NEW) or one with --rev REV")
        old, new = _open_for_diff(paths[0]), _open_for_diff(paths[1])
        old_label, new_label = str(paths[0]), str(paths[1])
    if scenario is not None and scenario not in new.plan.scenario_by_id:
        fail(f"{new_label}: unknown scenario {scenario!r}")
    changes = plan_diff.diff_plans(old.plan, new.plan)
    shift = None
    if changes.changed and not no_forecast:
        try:
            with progress_bar("Forecasting both sides") as update:
                shift = plan_diff.forecast_shift(
                    old.plan, new.plan, runs=runs, seed=seed, scenario=scenario, progress=update
                )
        except ValueError as exc:
            fail(f"forecast failed: {exc}")
    if as_json:
        import json

        data = plan_diff.to_json_dict(changes, shift, old_label, new_label)
        write_stdout((json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        sys.exit(1 if changes.changed else EXIT_OK)
    render = plan_diff.render_md if fmt == "md" else plan_diff.render_text
    write_stdout(render(changes, shift, old_label, new_label).encode("utf-8"))
    sys.exit(1 if changes.changed else EXIT_OK)


@main.command("history")
@click.argument("plan", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print only JSON (docs/forecast.md).")
@click.option("--since", metavar="REV", help="Only commits after git revision REV.")
@click.option(
    "--runs", type=click.IntRange(min=1), help="Runs per commit (default: 2000, the same for all)."
)
@click.option("--no-cache", is_flag=True, help="Simulate every commit again (.roadmap-cache/).")
def history_command(
    plan: Path, as_json: bool, since: str | None, runs: int | None, no_cache: bool
) -> None:
    """The forecast of PLAN at every commit that changed it: slip chart and accuracy.

    Each committed version is forecast as it was (the commit date as as_of when it has
    none), all with the same seed and runs; results are cached per blob hash under
    .roadmap-cache/ at the top of the repository (git-ignore it).
    """
    import json

    from roadmap_tui.report.history import HistoryError, plan_history
    from roadmap_tui.report.progress import progress_bar

    try:
        with progress_bar("Forecasting past commits", delay=1.0) as update:
            found = plan_history(plan, runs=runs, since=since, cache=not no_cache, progress=update)
    except HistoryError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(found.to_json_dict(), indent=2, ensure_ascii=False))
        return
    from rich.console import Console

    from roadmap_tui.console.history import render_history

    render_history(found, Console(highlight=False))


@main.command()
@click.argument("plan", type=click.Path(path_type=Path))
@click.option("--runs", type=_RUNS, help="Runs (default: the plan's).")
@click.option("--no-cache", is_flag=True, help="Do not read or write .roadmap-cache/.")
def textconv(plan: Path, runs: int | None, no_cache: bool) -> None:
    """Print PLAN canonically with a forecast summary, for git's diff.roadmap.textconv.

    The forecast uses the plan's runs and seed (the dates `roadmap simulate` shows); outputs
    are cached in .roadmap-cache/ by the file's git blob hash, so `git log -p` stays fast.
    """
    from roadmap_tui import store
    from roadmap_tui.report.textconv import CACHE_DIR, cached_textconv

    try:
        text, _ = store.read_text(plan)
    except store.PlanFileError as exc:
        fail(str(exc))
    try:
        out = cached_textconv(text, str(plan), runs=runs, cache=None if no_cache else CACHE_DIR)
        click.echo(out, nl=False)
    except ValueError as exc:  # a plan the engine cannot simulate: show it as written
        click.echo(text, nl=not text.endswith("\n"))
        click.echo(f"# roadmap: no forecast: {exc}")


# ---------------------------------------------------------------- end of exports and plan review


# ---------------------------------------------------------------- trackers and editors (issue 14)

_SOURCE = click.Choice(["github", "jira", "csv"])


def _read_export(export_file: Path, source: str, base_url: str | None) -> Export:
    """The parsed export, its columns reported on stderr; exits 2 (file) or 1 (content)."""
    from roadmap_tui import store, tracker

    try:
        text = store.read_export(export_file)
    except store.PlanFileError as err:
        fail(str(err), EXIT_USAGE)
    try:
        export = tracker.parse_export(text, source, str(export_file), base_url=base_url)
    except tracker.ExportError as err:
        fail(str(err), EXIT_INVALID)
    if export.columns:
        used = ", ".join(f"{k}={v!r}" for k, v in export.columns.items())
        click.echo(f"{export_file}: columns used: {used}", err=True)
    return export


def _warn(label: object, warnings: tuple[str, ...] | list[str]) -> None:
    for warning in warnings:
        click.echo(f"{label}: warning: {warning}", err=True)


@main.command("import", short_help="Make a plan from a GitHub, Jira or CSV export.")
@click.argument("export_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "source", type=_SOURCE, required=True, help="What made FILE.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Plan file to create."
)
@click.option("--name", help="The plan's name (default: the output or export file name).")
@click.option("--base-url", metavar="URL", help="Jira: link items to URL/browse/KEY.")
@click.option(
    "--default-size", default="M", show_default=True, help="Size of items without an estimate."
)
def import_command(
    export_file: Path,
    source: str,
    output: Path | None,
    name: str | None,
    base_url: str | None,
    default_size: str,
) -> None:
    """Make a new plan with one item per issue of FILE (docs/import.md); never overwrites.

    \b
    FILE is what the tracker itself exports, no network call:
      github  gh issue list --state all --limit 1000 \\
                --json number,title,state,createdAt,closedAt,labels,milestone,assignees,url
      jira    Jira's CSV export (all fields)
      csv     id,title,kind,low,likely,high,depends_on,owner,team,status,started,finished,link
    Without -o the plan is printed on stdout.
    """
    from roadmap_tui import store, tracker
    from roadmap_tui.model.types import DEFAULT_SIZES

    if default_size not in DEFAULT_SIZES:
        fail(f"--default-size: expected one of {', '.join(DEFAULT_SIZES)}, found {default_size!r}")
    export = _read_export(export_file, source, base_url)
    if not export.issues:
        fail(f"{export_file}: the export has no issues; nothing to import", EXIT_INVALID)
    plan_name = name or (output or export_file).stem.replace("-", " ").replace("_", " ")
    try:
        result = tracker.import_export(
            export,
            name=plan_name,
            default_size=default_size,
        )
    except ValueError as err:
        fail(str(err), EXIT_INVALID)
    _warn(export_file, result.warnings)
    text = store.plan_text(
        result.plan,
        sizes=result.sizes,
        header=f"Imported by `roadmap import --from {source}` from {export_file.name}.\n"
        f"Keep it current with `roadmap sync PLAN FILE --from {source}` (docs/import.md).",
    )
    counts = {s: sum(i.status == s for i in result.plan.items) for s in ("todo", "doing", "done")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    if output is None:
        click.echo(text, nl=False)
        click.echo(f"{len(result.plan.items)} items ({summary})", err=True)
        return
    try:
        store.write_new_plan(output, text)
    except store.PlanFileError as err:
        fail(str(err), EXIT_USAGE)
    except store.PlanError as err:  # a bug: the import made a plan that does not validate
        print_problems(err)
        sys.exit(EXIT_INVALID)
    click.echo(f"{output}: imported {len(result.plan.items)} items ({summary}) from {export_file}")


@main.command("sync", short_help="Update a plan from a newer tracker export.")
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("export_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "source", type=_SOURCE, required=True, help="What made FILE.")
@click.option("--dry-run", is_flag=True, help="Print the changes; write nothing.")
@click.option("--base-url", metavar="URL", help="Jira: link items to URL/browse/KEY.")
@click.option(
    "--default-size", default="M", show_default=True, help="Size of new items without an estimate."
)
def sync_command(
    plan: Path,
    export_file: Path,
    source: str,
    dry_run: bool,
    base_url: str | None,
    default_size: str,
) -> None:
    """Bring PLAN up to date with FILE: status, started, finished and titles of the items
    it has, and new open issues as new items. Estimates, impact, data, readiness, notes,
    dependencies and scenarios are never touched. Each change prints as `id: field old -> new`.
    """
    from roadmap_tui import store, tracker

    loaded = open_plan(plan)
    export = _read_export(export_file, source, base_url)
    try:
        result = tracker.sync_export(
            loaded.plan,
            export,
            default_size=default_size,
        )
    except ValueError as err:
        fail(str(err), EXIT_INVALID)
    _warn(export_file, result.warnings)
    for line in result.lines:
        click.echo(line)
    if not result.lines:
        click.echo(f"{plan}: up to date with {export_file}")
        return
    if dry_run:
        click.echo(f"{plan}: {len(result.lines)} change(s); --dry-run: nothing written", err=True)
        return
    try:
        store.save_plan(loaded, result.plan)
    except store.PlanError as err:
        print_problems(err)
        sys.exit(EXIT_INVALID)
    except (store.PlanFileError, store.ExternalChangeError) as err:
        fail(str(err), EXIT_USAGE)
    click.echo(f"{plan}: {len(result.lines)} change(s) saved", err=True)


@main.command("schema", short_help="Print the JSON Schema of plan files (for editors).")
def schema_command() -> None:
    """Print the JSON Schema (draft 2020-12) of plan format v1, made from the loader's own
    field registry. Even Better TOML and taplo use it through a `#:schema` first line."""
    from roadmap_tui.model.schema import schema_text

    click.echo(schema_text(), nl=False)
