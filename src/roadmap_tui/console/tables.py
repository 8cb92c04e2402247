"""The table style and percent cells every console rendering shares."""

from __future__ import annotations

from rich import box
from rich.table import Table


def pct(p: float | None) -> str:
    """`42%`, or `-` where there is no figure."""
    return "-" if p is None else f"{100 * p:.0f}%"


def new_table(title: str) -> Table:
    """A borderless table with a rule under the head, as every table of the forecast uses."""
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
