"""The canonical layout (`roadmap fmt`): fixed key order, comments kept, one table per item."""

from __future__ import annotations

import os
import re
from typing import Any

from roadmap_tui.store.atomic import atomic_write
from roadmap_tui.store.errors import ExternalChangeError, PlanFileError, SaveError
from roadmap_tui.store.keys import bracket_depth, split_lines, table_regions
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
    Removed keys are rewritten first (`inherit` becomes `order`). Raises PlanError for an
    invalid plan; the result reads as exactly the same plan.
    """
    text = _rewrite_removed_keys(text)
    before = load_plan_text(text, path)
    if already_canonical(text):
        return text  # without importing tomlkit (a tenth of `fmt --check` at 5,000 items)
    import tomlkit
    from tomlkit.container import Container
    from tomlkit.items import InlineTable, Table

    from roadmap_tui.model import parse as P

    doc = tomlkit.parse(text)
    orders = {"plan": P.PLAN_FIELDS, "forecast": P.FORECAST_FIELDS, "priority": P.PRIORITY_FIELDS}
    children = {"items": P.ITEM_FIELDS, "risks": P.RISK_FIELDS, "teams": P.TEAM_FIELDS}
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


def _rewrite_removed_keys(text: str) -> str:
    """[priority] `inherit = true` becomes `order = "sequence"` and `inherit = false`
    `order = "score"` (what ranked the same way: plain scores, nothing lifted), unless the
    table already has an `order`. Text that is not TOML is left for the loader to report."""
    if "inherit" not in text:
        return text  # nothing to rewrite: no tomlkit parse (slow, and deep nesting recurses)
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        doc = tomlkit.parse(text)
    except (TOMLKitError, RecursionError):
        return text  # the loader reports what is wrong, with its line
    priority = doc.get("priority")
    if not isinstance(priority, dict) or "inherit" not in priority:
        return text
    inherit = priority["inherit"]
    del priority["inherit"]
    if "order" not in priority and isinstance(inherit, bool):
        priority["order"] = "sequence" if inherit else "score"
    return doc.as_string()


_BLANK_OR_COMMENT = re.compile(r"[ \t]*(#.*)?\n?")
_SIMPLE_HEADER = re.compile(r"\[([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?)\][ \t]*(#.*)?\n?")
_SIMPLE_KEY = re.compile(r"([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)[ \t]*=[ \t]*\S")


def already_canonical(text: str) -> bool:
    """True only when `format_canonical` would surely return `text` unchanged; False when
    unsure. Read line by line, without tomlkit (seconds at 5,000 items, for `fmt --check`
    on a file that is almost always canonical already).

    Sure means a plain layout: every line blank, a comment, a `[table]` or `[section.id]`
    header, or a one-line `key = value`; keys in canonical order in [plan], [forecast],
    [priority] and every item and risk table; one blank line above each header and its
    comments; a final newline. Anything else (sub-tables, multi-line values, quoted keys,
    a bare [items]) is left to tomlkit.
    """
    from roadmap_tui.model import parse as P

    def ranks(*pairs: tuple[str, tuple[str, ...]]) -> dict[str, dict[str, int]]:
        return {name: {key: n for n, key in enumerate(order)} for name, order in pairs}

    orders = ranks(
        ("plan", P.PLAN_FIELDS), ("forecast", P.FORECAST_FIELDS), ("priority", P.PRIORITY_FIELDS)
    )
    tables = ranks(("items", P.ITEM_FIELDS), ("risks", P.RISK_FIELDS), ("teams", P.TEAM_FIELDS))
    lines = split_lines(text)
    if not lines or not text.endswith("\n"):
        return False
    order: dict[str, int] | None = None  # the rank of each key of the current table, None: any
    rank = -1
    in_table = False
    for n, line in enumerate(lines):
        # most lines are keys: that check first (a key, a header and a blank or comment line
        # are told apart by their first character)
        key = _SIMPLE_KEY.match(line)
        if key is not None:
            if not in_table or '"""' in line or "'''" in line:
                return False
            if bracket_depth(line) != 0:
                return False  # a value over several lines
            if order is not None:
                name = key.group(1)
                if "." in name:
                    return False
                mine = order.get(name, len(order))
                if mine < rank:
                    return False
                rank = mine
            continue
        if _BLANK_OR_COMMENT.fullmatch(line):
            continue
        header = _SIMPLE_HEADER.fullmatch(line)
        if header is None:
            return False
        parts = header.group(1).split(".")
        if len(parts) == 1 and parts[0] in orders:
            order = orders[parts[0]]
        elif len(parts) == 2 and parts[0] in tables:
            order = tables[parts[0]]
        elif parts == ["sizes"] or (len(parts) == 2 and parts[0] == "scenarios"):
            order = None
        else:
            return False
        top = n
        while top > 0 and lines[top - 1].lstrip().startswith("#"):
            top -= 1
        blank = top
        while blank > 0 and not lines[blank - 1].strip():
            blank -= 1
        if (top if blank == 0 else top - blank) != (0 if blank == 0 else 1):
            return False
        rank, in_table = -1, True
    return True


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
