"""The `roadmap` command line: a thin face over store, model, forecast, priority and report.

Exit codes everywhere: 0 ok, 1 the plan is invalid (or, for `diff`, something changed),
2 usage or file errors. No command prints a Python traceback for bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadmap_tui import __version__

if TYPE_CHECKING:
    from roadmap_tui.store import LoadedPlan

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="roadmap")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Plan, forecast and prioritise AI-product roadmaps kept as TOML files."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print `message` on stderr and exit with `code`: the one way a command gives up."""
    click.echo(message, err=True)
    sys.exit(code)

def open_plan(path: str | Path) -> LoadedPlan:
    """Load a plan for a command, or print every problem (`PATH:LINE: message`) and exit.

    Exit 1 when the plan is invalid, 2 when the file cannot be read as a plan at all.
    """
    from roadmap_tui import store

    try:
        return store.load_plan(path)
    except store.PlanFileError as err:
        fail(f"{err}", EXIT_USAGE)
    except store.PlanError as err:
        for problem in err.problems:
            click.echo(str(problem), err=True)
        sys.exit(EXIT_INVALID)
    raise AssertionError("unreachable")  # pragma: no cover


@main.command("validate")
@click.argument("plans", nargs=-1, required=True, type=click.Path(dir_okay=True))
def validate_command(plans: tuple[str, ...]) -> None:
    """Check plan files and report every problem as PATH:LINE: message.

    Prints `PATH: ok (N items, M risks)` for each valid plan. Exits 0 when all are valid,
    1 when any plan is invalid, 2 when a file cannot be read.
    """
    from roadmap_tui import store

    worst = EXIT_OK
    for path in plans:
        try:
            loaded = store.load_plan(path)
        except store.PlanFileError as err:
            click.echo(str(err), err=True)
            worst = max(worst, EXIT_USAGE)
            continue
        except store.PlanError as err:
            for problem in err.problems:
                click.echo(str(problem), err=True)
            worst = max(worst, EXIT_INVALID)
            continue
        plan = loaded.plan
        click.echo(f"{path}: ok ({len(plan.items)} items, {len(plan.risks)} risks)")
    sys.exit(worst)

