"""The only package that reads and writes plan files; this face is what the rest imports.

One module per concern: `read` (bytes to a validated plan), `keys` (the line of every key),
`edit` (tomlkit edits rendered into text), `save` (saving over a file), `atomic` (never half a
file), `canonical` (`roadmap fmt`), `templates` (`roadmap new`) and `exports` (tracker exports
in and imported plans out, for `roadmap import` and `sync`).
"""

from __future__ import annotations

import os  # noqa: F401  (tests patch store.os to simulate crashes mid-write)

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
