"""The `roadmap` command line: a thin face over store, model, forecast, priority and report.

Exit codes everywhere: 0 ok, 1 the plan is invalid (or, for `diff`, something changed),
2 usage or file errors. No command prints a Python traceback for bad input.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from roadmap_tui import __version__

if TYPE_CHECKING:
    from roadmap_tui.store import LoadedPlan

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class _PlanOrCommand(click.Group):
    """`roadmap PLAN` means `roadmap edit PLAN`: a first argument that names no command but a
    .toml file (or an existing path) is a plan; a mistyped command still gets click's error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else ""
        is_plan = first.endswith(".toml") or (bool(first) and Path(first).exists())
        if is_plan and not first.startswith("-") and first not in self.commands:
            args = ["edit", *args]
        return super().parse_args(ctx, args)


@click.group(
    cls=_PlanOrCommand,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="roadmap")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Plan, forecast and prioritise AI-product roadmaps kept as TOML files.

    `roadmap PLAN` opens PLAN in the editor; `roadmap` alone picks a plan in ./plans or .
    (or opens a copy of the bundled example when there is none).
    """
    if ctx.invoked_subcommand is None:
        from roadmap_tui.tui.launch import pick_and_edit

        sys.exit(pick_and_edit())


@main.command("edit")
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--runs", type=click.IntRange(min=1), help="Runs per forecast (default: the plan's).")
def edit_command(plan: Path, runs: int | None) -> None:
    """Open PLAN in the editor (same as `roadmap PLAN`); offers to create a missing PLAN."""
    from roadmap_tui.tui.launch import edit

    sys.exit(edit(plan, runs=runs))


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print `message` on stderr and exit with `code`: the one way a command gives up."""
    click.echo(message, err=True)
    sys.exit(code)


def open_plan(path: str | Path) -> LoadedPlan:
    """Load a plan for a command, or print every problem (`PATH:LINE: message`) and exit.

    Exit 1 when the plan is invalid, 2 when the file cannot be read as a plan at all.
    """
    loaded = _load_or_report(path)
    if isinstance(loaded, int):
        sys.exit(loaded)
    return loaded


def _load_or_report(path: str | Path) -> LoadedPlan | int:
    """The loaded plan, or its problems printed on stderr and the exit code they mean (1, 2)."""
    from roadmap_tui import store

    try:
        return store.load_plan(path)
    except store.PlanFileError as err:
        click.echo(str(err), err=True)
        return EXIT_USAGE
    except store.PlanError as err:
        _print_problems(err)
        return EXIT_INVALID


def _print_problems(err: Exception) -> None:
    for problem in getattr(err, "problems", ()):
        click.echo(str(problem), err=True)


@main.command("validate")
@click.argument("plans", nargs=-1, required=True, type=click.Path(dir_okay=True))
def validate_command(plans: tuple[str, ...]) -> None:
    """Check plan files and report every problem as PATH:LINE: message.

    Prints `PATH: ok (N items, M risks)` for each valid plan. Exits 0 when all are valid,
    1 when any plan is invalid, 2 when a file cannot be read.
    """
    worst = EXIT_OK
    for path in plans:
        loaded = _load_or_report(path)
        if isinstance(loaded, int):
            worst = max(worst, loaded)
            continue
        plan = loaded.plan
        from roadmap_tui.model.parse import plan_warnings

        for warning in plan_warnings(plan):
            click.echo(f"{path}:{loaded.line_of(*warning.keys)}: warning: {warning.message}")
        click.echo(f"{path}: ok ({len(plan.items)} items, {len(plan.risks)} risks)")
    sys.exit(worst)


def next_monday(today: date | None = None) -> date:
    """The Monday after today: a new plan starts at the beginning of a week."""
    today = date.today() if today is None else today
    return today + timedelta(days=7 - today.weekday())


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

    first = start.date() if start is not None else next_monday()
    try:
        text = store.template_plan_text(template, plan_name=name, start=first)
        loaded = store.write_new_plan(path, text)
    except store.PlanFileError as err:
        fail(str(err), EXIT_USAGE)
    plan = loaded.plan
    click.echo(f"{path}: created from template {template} ({len(plan.items)} items)")


@main.command(
    "set",
    short_help="Change one field of an item or risk (one-line diff).",
    context_settings={"ignore_unknown_options": True},  # VALUE may be negative: -1
)
@click.argument("plan", type=click.Path(path_type=Path))
@click.argument("target", metavar="ID.FIELD")
@click.argument("value")
def set_command(plan: Path, target: str, value: str) -> None:
    """Change one field of an item or a risk from the shell, for scripts and CI.

    ID.FIELD names an item's field, risks.ID.FIELD a risk's, and plan.KEY, forecast.KEY
    and priority.KEY the plan's settings (e.g. plan.as_of). VALUE is read as a TOML value
    (5, [3, 5, 8], 0.4, 2027-02-01, true, "two words"); a bare word is a string. The whole
    plan is validated before anything is written, and the save changes only that line.
    Exits 1 when the value would make the plan invalid, 2 for an unknown id or field.

    \b
    Examples:
      roadmap set plan.toml train-v2.status done
      roadmap set plan.toml intent-model.estimate "[5, 10, 20]"
      roadmap set plan.toml risks.vendor-slip.probability 0.1
      roadmap set plan.toml plan.as_of 2027-02-01
    """
    from roadmap_tui import store
    from roadmap_tui.model import parse

    parts = target.split(".")
    section = "items"
    if len(parts) == 3 and parts[0] in ("items", "risks"):
        section = parts.pop(0)
    if len(parts) != 2 or not all(parts):
        fail(
            f"{target}: expected ID.FIELD for an item, risks.ID.FIELD for a risk or "
            "plan.KEY / forecast.KEY / priority.KEY, e.g. train-v2.status",
            EXIT_USAGE,
        )
    target_id, field = parts
    loaded = open_plan(plan)
    raw = store.value_from_text(value)
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
        for p in problems:
            click.echo(f"{plan}:{loaded.line_of(*p.keys)}: {p.message}", err=True)
        sys.exit(EXIT_INVALID)
    try:
        store.save_plan(loaded, new)
    except store.PlanError as err:
        _print_problems(err)
        sys.exit(EXIT_INVALID)
    except (store.PlanFileError, store.ExternalChangeError) as err:
        fail(str(err), EXIT_USAGE)
    click.echo(f"{plan}: {target} = {parse.show(raw)}")


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
        _print_problems(err)
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
            _print_problems(err)
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
@click.option(
    "--runs", type=click.IntRange(min=1), help="Runs (default: the plan's [forecast] runs)."
)
@click.option("--seed", type=int, help="Seed (default: the plan's [forecast] seed).")
@click.option("--scenario", metavar="NAME", help="Forecast the plan under this scenario.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Forecast from this day, YYYY-MM-DD (default: the plan's as_of).",
)
@click.option("--json", "as_json", is_flag=True, help="Print only JSON (docs/forecast.md).")
@click.option("--compare", is_flag=True, help="Baseline and every scenario side by side.")
def simulate_command(
    plan: Path,
    runs: int | None,
    seed: int | None,
    scenario: str | None,
    as_of: object,
    as_json: bool,
    compare: bool,
) -> None:
    """Monte Carlo forecast of PLAN: when each item is likely ready, and what drives it."""
    import json

    from roadmap_tui import forecast
    from roadmap_tui.report.progress import progress_bar

    if compare and scenario is not None:
        fail("--compare shows every scenario; leave out --scenario")
    loaded = open_plan(plan)
    day = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    _check_scenario(plan, loaded, scenario)
    try:
        with progress_bar(f"Forecasting {loaded.plan.name}", delay=1.0) as update:
            if compare:
                results = forecast.compare(
                    loaded.plan, runs=runs, seed=seed, as_of=day, progress=update
                )
            else:
                results = {
                    scenario: forecast.simulate(
                        loaded.plan,
                        runs=runs,
                        seed=seed,
                        scenario=scenario,
                        as_of=day,
                        progress=update,
                    )
                }
    except ValueError as exc:  # ForecastError: a plan the engine cannot simulate
        fail(f"{plan}: {exc}")
    except MemoryError:
        fail(f"{plan}: not enough memory for this many runs; try fewer with --runs")
    if as_json:
        data = (
            forecast.compare_to_json_dict(results) if compare else results[scenario].to_json_dict()
        )
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from rich.console import Console

    from roadmap_tui.console import simulate as simulate_view

    console = Console(highlight=False)
    if compare:
        simulate_view.render_compare(results, loaded.plan, console)
    else:
        simulate_view.render_forecast(results[scenario], loaded.plan, console)


# ---------------------------------------------------------------- prioritisation (issue 4)


@main.command("prioritize")
@click.argument("plan", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the ranking as JSON.")
@click.option("--explain", "explain_id", metavar="ID", help="Explain one item's score.")
@click.option("--ready", "ready_only", is_flag=True, help="Only items that can start today.")
@click.option(
    "--weight",
    "weight_args",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a factor weight for this run (repeatable).",
)
@click.option("--method", type=click.Choice(["weighted", "gated"]), help="Scoring method.")
@click.option("--runs", type=click.IntRange(min=1), help="Forecast runs (default: the plan's).")
@click.option("--seed", type=click.IntRange(min=0), help="Forecast seed (default: the plan's).")
@click.option("--scenario", metavar="NAME", help="Rank the plan as this scenario sees it.")
def prioritize_command(
    plan: Path,
    as_json: bool,
    explain_id: str | None,
    ready_only: bool,
    weight_args: tuple[str, ...],
    method: str | None,
    runs: int | None,
    seed: int | None,
    scenario: str | None,
) -> None:
    """Rank open items by impact, data, readiness, the forecast and what they unblock.

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
            loaded.plan, scenario=scenario, runs=runs, seed=seed, weights=overrides, method=method
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

    from roadmap_tui.console.priority import ranking_heading, render_ranking

    render_ranking(
        ranking,
        Console(highlight=False),
        heading=ranking_heading(loaded.plan.name, ranking, result, scenario),
        ready_only=ready_only,
        explanation=explanation,
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
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@click.option("--scenario", metavar="NAME", help="Forecast and rank the plan under this scenario.")
@click.option(
    "--chart", metavar="CHART", help="svg/png: timeline (default), scurve, tornado or all."
)
@click.option(
    "--runs", type=click.IntRange(min=1), help="Runs (default: the plan's [forecast] runs)."
)
@click.option("--seed", type=int, help="Seed (default: the plan's [forecast] seed).")
def export(
    plan: Path,
    fmt: str,
    output: Path | None,
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
        paths = report.output_paths(spec, chart, output)
    except report.ExportError as exc:
        fail(str(exc))
    if paths == [None] and spec.binary and sys.stdout.isatty():
        fail(f"{spec.name} is binary: give -o FILE.{spec.name} or redirect stdout to a file")
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


def _open_for_diff(path: Path) -> LoadedPlan:
    """open_plan, but an invalid plan is an error (2) for diff: 1 means `changed`."""
    loaded = _load_or_report(path)
    if isinstance(loaded, int):
        sys.exit(EXIT_USAGE)
    return loaded


@main.command("diff")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--rev", metavar="REV", help="Compare PLAN with its version at git revision REV.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "md"]), default="text", show_default=True
)
@click.option(
    "--runs", type=click.IntRange(min=1), help="Runs on both sides (default: the new plan's)."
)
@click.option("--seed", type=int, help="Seed on both sides (default: the new plan's).")
@click.option("--scenario", metavar="NAME", help="Compare the forecasts under this scenario.")
@click.option(
    "--no-forecast", is_flag=True, help="List the changes only, without the forecast shift."
)
def diff_command(
    paths: tuple[Path, ...],
    rev: str | None,
    fmt: str,
    runs: int | None,
    seed: int | None,
    scenario: str | None,
    no_forecast: bool,
) -> None:
    """Compare OLD and NEW plans (or PLAN --rev REV): changes and forecast shift.

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
            click.echo("\n".join(str(p) for p in exc.problems), err=True)
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
    render = plan_diff.render_md if fmt == "md" else plan_diff.render_text
    write_stdout(render(changes, shift, old_label, new_label).encode("utf-8"))
    sys.exit(1 if changes.changed else EXIT_OK)


@main.command()
@click.argument("plan", type=click.Path(path_type=Path))
@click.option(
    "--runs", type=click.IntRange(min=1), help="Runs (default: the plan's, at most 2000)."
)
def textconv(plan: Path, runs: int | None) -> None:
    """Print PLAN canonically with a forecast summary, for git's diff.roadmap.textconv."""
    from roadmap_tui import store
    from roadmap_tui.report.textconv import textconv as convert

    try:
        text, _ = store.read_text(plan)
    except store.PlanFileError as exc:
        fail(str(exc))
    try:
        click.echo(convert(text, str(plan), runs=runs), nl=False)
    except ValueError as exc:  # a plan the engine cannot simulate: show it as written
        click.echo(text, nl=not text.endswith("\n"))
        click.echo(f"# roadmap: no forecast: {exc}")


# ---------------------------------------------------------------- end of exports and plan review
