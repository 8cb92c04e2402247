"""The `roadmap` command line: a thin face over store, model, forecast, priority and report.

Exit codes everywhere: 0 ok, 1 the plan is invalid (or, for `diff`, something changed),
2 usage or file errors. No command prints a Python traceback for bad input.
"""

from __future__ import annotations

import sys

import click

from roadmap_tui import __version__

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
