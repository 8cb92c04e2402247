"""Exit codes and the one way a command-line face opens a plan or gives up.

Shared by cli.py and tui/launch.py, which sit above it (neither imports the other for this).
Exit codes everywhere: 0 ok, 1 the plan is invalid (or, for `diff`, something changed),
2 usage or file errors, 3 an internal error (a bug: one line, the traceback with --debug).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from roadmap_tui.store import LoadedPlan

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print `message` on stderr and exit with `code`: the one way a command gives up."""
    from roadmap_tui.model.text import clean

    click.echo(clean(message, multiline=True), err=True)
    sys.exit(code)


def open_plan(path: str | Path) -> LoadedPlan:
    """Load a plan for a command, or print every problem (`PATH:LINE: message`) and exit.

    Exit 1 when the plan is invalid, 2 when the file cannot be read as a plan at all.
    """
    loaded = load_or_report(path)
    if isinstance(loaded, int):
        sys.exit(loaded)
    return loaded


def load_or_report(path: str | Path) -> LoadedPlan | int:
    """The loaded plan, or its problems printed on stderr and the exit code they mean (1, 2)."""
    from roadmap_tui import store

    try:
        return store.load_plan(path)
    except store.PlanFileError as err:
        click.echo(str(err), err=True)
        return EXIT_USAGE
    except store.PlanError as err:
        print_problems(err)
        return EXIT_INVALID


def print_problems(err: Exception) -> None:
    """Every problem on stderr; plan text in a message (a quoted key, a value) has its
    control characters replaced (model.text.clean)."""
    from roadmap_tui.model.text import clean

    for problem in getattr(err, "problems", ()):
        click.echo(clean(str(problem)), err=True)
