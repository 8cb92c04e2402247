"""The canonical layout (`roadmap fmt`): fixed key order, comments kept, one table per item."""

from __future__ import annotations

import os
from typing import Any

from roadmap_tui.store.atomic import atomic_write
from roadmap_tui.store.errors import ExternalChangeError, PlanFileError, SaveError
from roadmap_tui.store.keys import split_lines, table_regions
from roadmap_tui.store.lock import locked
from roadmap_tui.store.read import (
    BOM,
    decode,
    digest_of,
    file_bytes,
    load_plan_text,
    read_bytes,
)
from roadmap_tui.store.save import line_endings_like


def format_canonical(text: str, path: str | os.PathLike[str] = "<plan>") -> str:
    """The plan text in the canonical layout, comments kept.

    Keys of [plan], [forecast], [priority], items and risks in fixed order (a comment line
    above a key moves with it), arrays on one line, every item and risk its own table.
    Raises PlanError for an invalid plan; the result reads as exactly the same plan.
    """
    import tomlkit
    from tomlkit.container import Container
    from tomlkit.items import InlineTable, Table

    from roadmap_tui.model import parse as P

    before = load_plan_text(text, path)
    doc = tomlkit.parse(text)
    orders = {"plan": P.PLAN_FIELDS, "forecast": P.FORECAST_FIELDS, "priority": P.PRIORITY_FIELDS}
    children = {"items": P.ITEM_FIELDS, "risks": P.RISK_FIELDS}
    # Walk the document body rather than doc[name]: a section split over several headers
    # ([items.a], later [items]) comes back from tomlkit as a proxy, not a table.
    for key, section in list(doc.body):
        if key is None or not isinstance(section, Table):
            continue
        if key.key in orders:
            _reorder(section, orders[key.key])
        elif key.key in children:
            if any(isinstance(v, InlineTable) for _, v in section.value.body):
                rebuilt = Container(True)
                for child_key, table in section.value.body:
                    if isinstance(table, InlineTable):
                        fresh = tomlkit.table()
                        if table.trivia.comment:
                            fresh.add(tomlkit.comment(table.trivia.comment.lstrip("# ")))
                        for k, v in table.value.body:
                            if k is not None:
                                fresh.add(k.key, v)
                        table = fresh
                        child_key = tomlkit.key(child_key.key)
                    rebuilt.append(child_key, table, validate=False)
                section._value = rebuilt
            for child_key, table in section.value.body:
                if child_key is not None and isinstance(table, Table):
                    _reorder(table, children[key.key])
            if all(k is None or isinstance(v, Table) for k, v in section.value.body):
                section._is_super_table = True  # no keys of its own: drop the bare [items] line
    out = _one_blank_line_before_headers(doc.as_string())
    after = load_plan_text(out, path)
    if after.plan != before.plan:
        raise SaveError(path, "formatting would change the meaning of the plan")
    return out


def _one_blank_line_before_headers(text: str) -> str:
    """Exactly one blank line above each table header (and its comment lines)."""
    lines = split_lines(text)
    for _, start, _ in reversed(table_regions(text)):
        top = start
        while top > 0 and lines[top - 1].lstrip().startswith("#"):
            top -= 1
        blank = top
        while blank > 0 and not lines[blank - 1].strip():
            blank -= 1
        if blank == 0:
            del lines[:top]
        elif top - blank > 1:
            del lines[blank + 1 : top]
        elif top == blank:
            lines.insert(top, "\n")
    out = "".join(lines)
    return out if out.endswith("\n") or not out else out + "\n"


def _reorder(table: Any, order: tuple[str, ...]) -> None:
    """Sort a table's keys into `order`; comment lines travel with the key below them."""
    import tomlkit
    from tomlkit.container import Container
    from tomlkit.items import Array, InlineTable, Table

    body = table.value.body
    last_key = max((n for n, (key, _) in enumerate(body) if key is not None), default=-1)
    groups: list[tuple[int, int, list[tuple[Any, Any]]]] = []
    pending: list[tuple[Any, Any]] = []
    for n, (key, item) in enumerate(body[: last_key + 1]):
        if key is None:
            pending.append((key, item))
            continue
        if isinstance(item, Array) and "#" not in item.as_string() and "\n" in item.as_string():
            flat = tomlkit.item(item.unwrap())
            flat.trivia.comment_ws = item.trivia.comment_ws
            flat.trivia.comment = item.trivia.comment
            flat.trivia.indent = item.trivia.indent
            item = flat
        name = key.key
        rank = order.index(name) if name in order else len(order)
        if isinstance(item, Table) and not isinstance(item, InlineTable):
            rank = len(order) + 1  # a sub-table header must stay after the plain keys
        groups.append((rank, n, [*pending, (key, item)]))
        pending = []
    fresh = Container(True)
    for _, _, entries in sorted(groups, key=lambda g: (g[0], g[1])):
        for key, item in entries:
            fresh.append(key, item, validate=False)
    for key, item in body[last_key + 1 :]:
        fresh.append(key, item, validate=False)
    table._value = fresh


def format_file(path: str | os.PathLike[str], *, check: bool = False) -> bool:
    """Put a plan file in the canonical layout; True if it was not (`check`: write nothing).

    The byte order mark and CRLF line endings of the file are kept: they are not layout.
    """
    data = read_bytes(path)
    text = decode(data, path)
    out = line_endings_like(format_canonical(text, path), text)
    if out == text:
        return False
    if not check:
        with locked(path):
            if digest_of(read_bytes(path)) != digest_of(data):
                raise ExternalChangeError(path)
            try:
                atomic_write(path, file_bytes(out, data.startswith(BOM.encode("utf-8"))))
            except OSError as err:
                raise PlanFileError(path, f"cannot write: {err.strerror or err}") from None
    return True
