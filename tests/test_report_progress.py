"""The export progress bar: only on terminals, only for jobs that take a while."""

from __future__ import annotations

import io
import time

from rich.console import Console

from roadmap_tui.report.progress import progress_bar


def terminal() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=80), buf


def test_bar_appears_for_a_long_job_on_a_terminal() -> None:
    console, buf = terminal()
    with progress_bar("Forecasting demo", delay=0.0, console=console) as update:
        time.sleep(0.01)
        update(500, 2000)
        update(2000, 2000)
    assert "Forecasting demo" in buf.getvalue()


def test_no_bar_for_a_short_job() -> None:
    console, buf = terminal()
    with progress_bar("Forecasting demo", delay=60.0, console=console) as update:
        update(500, 2000)
        update(2000, 2000)
    assert buf.getvalue() == ""


def test_no_bar_off_a_terminal() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=False)
    with progress_bar("Forecasting demo", delay=0.0, console=console) as update:
        time.sleep(0.01)
        update(500, 2000)
    assert buf.getvalue() == ""


def test_label_is_not_read_as_markup() -> None:
    console, buf = terminal()
    with progress_bar("Forecasting [bold]x[/oops]", delay=0.0, console=console) as update:
        time.sleep(0.01)
        update(1, 2)
    assert "[bold]x[/oops]" in buf.getvalue()
