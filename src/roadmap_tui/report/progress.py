"""A progress bar on stderr for long exports, shown only when it is worth it.

The bar appears once a job has run for `delay` seconds (short jobs print nothing) and only
on a terminal, so stdout stays clean for pipes and stderr clean for scripts and git.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import monotonic
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

Update = Callable[[int, int], None]


def _ignore(done: int, total: int) -> None:
    """The update of a bar that is never shown."""


def _may_be_terminal() -> bool:
    """False only when rich's Console(stderr=True) surely is not a terminal: stderr is not a
    tty and no environment variable rich honours says otherwise."""
    if os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


@contextmanager
def progress_bar(
    label: str, *, delay: float = 0.5, enabled: bool | None = None, console: Console | None = None
) -> Iterator[Update]:
    """Yield `update(done, total)`; the rich bar starts lazily and vanishes when done."""
    if console is None and enabled is None and not _may_be_terminal():
        # no bar can show: do not pay for importing rich (a tenth of a short command)
        yield _ignore
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = console or Console(stderr=True)
    show = console.is_terminal if enabled is None else enabled
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    started = monotonic()
    task: list[int] = []

    def update(done: int, total: int) -> None:
        if not show:
            return
        if not task:
            if monotonic() - started < delay or done >= total:
                return
            progress.start()
            task.append(progress.add_task(escape(label), total=total))  # plan names: no markup
        progress.update(task[0], completed=done, total=total)

    try:
        yield update
    finally:
        if task:
            progress.stop()
