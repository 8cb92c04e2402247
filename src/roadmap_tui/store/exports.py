"""Tracker exports in, new plans out: the file side of `roadmap import` and `roadmap sync`."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from roadmap_tui.model import parse as P
from roadmap_tui.model.types import Plan
from roadmap_tui.store.canonical import format_canonical
from roadmap_tui.store.edit import render_table
from roadmap_tui.store.errors import PlanFileError

#: A tracker export may be much larger than a plan (every field of every issue).
MAX_EXPORT_BYTES = 64 * 1024 * 1024


def read_export(path: str | os.PathLike[str]) -> str:
    """The text of an export file (UTF-8, a leading BOM dropped; Jira writes one)."""
    p = Path(path)
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise PlanFileError(path, "is a directory, expected an export file")
        if st.st_size > MAX_EXPORT_BYTES:
            raise PlanFileError(path, f"is larger than {MAX_EXPORT_BYTES // 2**20} MB")
        data = p.read_bytes()
    except FileNotFoundError:
        raise PlanFileError(path, "no such file") from None
    except OSError as err:
        raise PlanFileError(path, f"cannot read: {err.strerror or err}") from None
    if b"\x00" in data:
        raise PlanFileError(path, "is a binary file, expected JSON or CSV text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise PlanFileError(
            path, f"line {line}: not valid UTF-8 text; export the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def plan_text(
    plan: Plan,
    *,
    sizes: Mapping[str, tuple[float, float, float]] | None = None,
    header: str = "",
) -> str:
    """A whole new plan file in the canonical layout: `header` comment lines, [plan],
    `sizes` as a [sizes] table (only the entries given), then one table per item."""
    from roadmap_tui.model.schema import SCHEMA_URL

    blocks = [f"#:schema {SCHEMA_URL}\n"]
    if header:
        blocks[0] += "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    settings: dict[str, object] = {"name": plan.name, "start": plan.start}
    if plan.as_of is not None:
        settings["as_of"] = plan.as_of
    blocks.append(render_table("[plan]", settings))
    if sizes:
        blocks.append(render_table("[sizes]", {k: _points(v) for k, v in sizes.items()}))
    for item in plan.items:
        blocks.append(render_table(f"[items.{item.id}]", P.item_to_toml(item)))
    return format_canonical("\n".join(blocks))


def _points(points: tuple[float, float, float]) -> list[float]:
    return [P._num(x) for x in points]
