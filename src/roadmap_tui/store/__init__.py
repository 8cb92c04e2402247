"""The only package that reads and writes plan files; this face is what the rest imports.

One module per concern: `read` (bytes to a validated plan), `keys` (the line of every key),
`edit` (tomlkit edits rendered into text), `save` (saving over a file), `atomic` (never half a
file), `canonical` (`roadmap fmt`), `templates` (`roadmap new`) and `exports` (tracker exports
in and imported plans out, for `roadmap import` and `sync`).
"""

from __future__ import annotations

import importlib
import os  # noqa: F401  (tests patch store.os to simulate crashes mid-write)
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roadmap_tui.store.atomic import atomic_write
    from roadmap_tui.store.canonical import format_canonical, format_file
    from roadmap_tui.store.edit import render_plan_changes, render_table
    from roadmap_tui.store.errors import (
        ExternalChangeError,
        PlanError,
        PlanFileError,
        Problem,
        SaveError,
    )
    from roadmap_tui.store.exports import plan_text, read_export
    from roadmap_tui.store.keys import locate_keys, split_lines
    from roadmap_tui.store.lock import locked
    from roadmap_tui.store.read import (
        MAX_BYTES,
        LoadedPlan,
        decode,
        digest_of,
        line_for,
        load_plan,
        load_plan_text,
        parse_toml,
        problems_at,
        read_text,
        value_from_text,
    )
    from roadmap_tui.store.save import file_changed, save_plan, write_new_plan
    from roadmap_tui.store.templates import (
        TEMPLATES,
        next_monday,
        template_plan_text,
        template_text,
    )

#: The module of each name of the face, imported when the name is first used: a command
#: loads only what it needs (`validate` and `simulate` read, they neither save nor format).
_HOME: dict[str, str] = {
    "atomic_write": "atomic",
    "format_canonical": "canonical",
    "format_file": "canonical",
    "render_plan_changes": "edit",
    "render_table": "edit",
    "ExternalChangeError": "errors",
    "PlanError": "errors",
    "PlanFileError": "errors",
    "Problem": "errors",
    "SaveError": "errors",
    "plan_text": "exports",
    "read_export": "exports",
    "locate_keys": "keys",
    "split_lines": "keys",
    "locked": "lock",
    "MAX_BYTES": "read",
    "LoadedPlan": "read",
    "decode": "read",
    "digest_of": "read",
    "line_for": "read",
    "load_plan": "read",
    "load_plan_text": "read",
    "parse_toml": "read",
    "problems_at": "read",
    "read_text": "read",
    "value_from_text": "read",
    "file_changed": "save",
    "save_plan": "save",
    "write_new_plan": "save",
    "TEMPLATES": "templates",
    "next_monday": "templates",
    "template_plan_text": "templates",
    "template_text": "templates",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "MAX_BYTES",
    "TEMPLATES",
    "ExternalChangeError",
    "LoadedPlan",
    "PlanError",
    "PlanFileError",
    "Problem",
    "SaveError",
    "atomic_write",
    "decode",
    "digest_of",
    "file_changed",
    "format_canonical",
    "format_file",
    "line_for",
    "load_plan",
    "load_plan_text",
    "locate_keys",
    "locked",
    "next_monday",
    "parse_toml",
    "plan_text",
    "problems_at",
    "read_export",
    "read_text",
    "render_plan_changes",
    "render_table",
    "save_plan",
    "split_lines",
    "template_plan_text",
    "template_text",
    "value_from_text",
    "write_new_plan",
]
