"""A DataTable that fits the terminal: the id stays first, an elastic column (a title) takes
what room is left and is cut with an ellipsis, and on a narrow terminal the least useful
columns step aside (the views show them for the selected row underneath)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from roadmap_tui.model.text import clean


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    #: columns with the highest `drop` step aside first when the table is too wide; 0 never
    drop: int = 0
    #: shares the width left over, cut with an ellipsis, never narrower than `min_width`
    elastic: bool = False
    min_width: int = 12


def _width(cell: Any) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


def fit_columns(
    columns: Sequence[Column], natural: Mapping[str, int], available: int, padding: int
) -> dict[str, int]:
    """Width of each column shown, in table order; dropped columns are absent.

    `natural` is the width each column's widest cell (or header) wants; `padding` the cells a
    column costs beyond its content. Elastic columns get at most their natural width.
    """
    shown = list(columns)

    def needed(cols: list[Column]) -> int:
        return sum(
            (min(c.min_width, natural[c.key]) if c.elastic else natural[c.key]) + padding
            for c in cols
        )

    droppable = sorted((c for c in columns if c.drop), key=lambda c: -c.drop)
    while needed(shown) > available and droppable:
        shown.remove(droppable.pop(0))
    widths = {c.key: natural[c.key] for c in shown if not c.elastic}
    room = available - sum(widths.values()) - padding * len(shown)
    elastic = sorted((c for c in shown if c.elastic), key=lambda c: natural[c.key])
    for n, column in enumerate(elastic):  # the narrowest first: what it leaves, the next gets
        share = room // (len(elastic) - n)
        width = max(min(natural[column.key], share), min(column.min_width, natural[column.key]))
        widths[column.key] = width
        room -= width
    return {c.key: widths[c.key] for c in shown}


def clip(cell: Any, width: int) -> Text:
    """A cell as Text (a string is never read as markup; its control characters are made
    visible, model.text.clean), cut to `width` with an ellipsis."""
    text = cell.copy() if isinstance(cell, Text) else Text(clean(str(cell)))
    text.no_wrap = True
    text.truncate(width, overflow="ellipsis")
    return text


class FitTable(DataTable[Any]):
    """`set_rows` replaces the content; the column layout follows the widget's width."""

    def __init__(self, columns: Sequence[Column], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fit_spec = tuple(columns)
        self.headers: dict[str, str] = {c.key: c.header for c in columns}
        self._rows: list[tuple[str, Mapping[str, Any]]] = []
        self._layout: dict[str, int] | None = None

    @property
    def shown_columns(self) -> list[str]:
        return list(self._layout or ())

    def available_width(self) -> int:
        width = self.size.width or self.app.size.width
        return max(width - self.styles.scrollbar_size_vertical, 1)

    def set_rows(self, rows: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Rows as (key, cells by column key); the cursor is left for the caller to place."""
        self._rows = list(rows)
        natural = {
            c.key: max([cell_len(self.headers[c.key]), *(_width(r[c.key]) for _, r in rows)])
            for c in self.fit_spec
        }
        layout = fit_columns(self.fit_spec, natural, self.available_width(), 2 * self.cell_padding)
        if layout != self._layout:
            self.clear(columns=True)
            for key, width in layout.items():
                self.add_column(self.headers[key], key=key, width=width)
            self._layout = layout
        else:
            self.clear()
            for key in layout:
                self.columns[ColumnKey(key)].label = Text(self.headers[key])
        for row_key, cells in self._rows:
            self.add_row(*(clip(cells[k], w) for k, w in layout.items()), key=row_key)

    def on_resize(self, event: events.Resize) -> None:
        if not self._rows:
            return
        cursor = self.cursor_row
        with self.prevent(DataTable.RowHighlighted):
            self.set_rows(self._rows)
            if 0 <= cursor < self.row_count:
                self.move_cursor(row=cursor, animate=False)
