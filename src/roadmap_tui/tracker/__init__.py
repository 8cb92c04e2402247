"""Tracker import and sync: GitHub, Jira and CSV exports to plan items (docs/import.md).

Pure, like `model`: export text in, plans and changes out; store reads the files and saves
the plan, cli prints. No network call: the trackers' own CLIs and exports make the files.
"""

from __future__ import annotations

from roadmap_tui.tracker.mapping import DEFAULT_SIZE, STORY_POINT_SIZES, assign_ids, slug
from roadmap_tui.tracker.sources import SOURCES, Export, ExportError, Issue, parse_export
from roadmap_tui.tracker.sync import (
    SYNCED_FIELDS,
    Change,
    ImportResult,
    SyncResult,
    import_export,
    sync_export,
)

__all__ = [
    "DEFAULT_SIZE",
    "SOURCES",
    "STORY_POINT_SIZES",
    "SYNCED_FIELDS",
    "Change",
    "Export",
    "ExportError",
    "ImportResult",
    "Issue",
    "SyncResult",
    "assign_ids",
    "import_export",
    "parse_export",
    "slug",
    "sync_export",
]
