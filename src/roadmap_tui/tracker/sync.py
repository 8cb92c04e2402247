"""A new plan from an export (`roadmap import`), and a plan brought up to date (`roadmap sync`).

Sync mirrors only what the tracker owns (status, started, finished, title) and adds new
open issues; estimates, impact, data, readiness, notes, dependencies and scenarios are the
PM's and stay as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from roadmap_tui.model import parse as P
from roadmap_tui.model.types import DEFAULT_SIZES, Item, Plan
from roadmap_tui.tracker.mapping import (
    DEFAULT_SIZE,
    STORY_POINT_SIZES,
    map_issues,
    slug,
)
from roadmap_tui.tracker.sources import Export, ExportError, Issue

#: The fields sync may change on an item that is already in the plan.
SYNCED_FIELDS: tuple[str, ...] = ("title", "status", "started", "finished")


@dataclass(frozen=True)
class ImportResult:
    plan: Plan
    #: `[sizes]` entries the new plan must write (story points seen in the export).
    sizes: Mapping[str, tuple[float, float, float]]
    warnings: tuple[str, ...]


def _with_points(export: Export, sizes: Mapping[str, tuple[float, float, float]]) -> dict[str, Any]:
    if any(i.story_points is not None and i.estimate is None for i in export.issues):
        return {**sizes, **{k: v for k, v in STORY_POINT_SIZES.items() if k not in sizes}}
    return dict(sizes)


def import_export(export: Export, *, name: str, default_size: str = DEFAULT_SIZE) -> ImportResult:
    """A new plan with one item per issue. `start` is the first day of the export (the
    earliest creation or start) and `as_of` its last event, so statuses and actuals apply."""
    sizes = _with_points(export, DEFAULT_SIZES)
    mapped = map_issues(export, sizes, default_size=default_size)
    days = _days(export.issues)
    start = min(days) if days else date(2027, 1, 4)
    as_of = max(days) if days else None
    plan = Plan(name=name, start=start, as_of=as_of, items=tuple(mapped.items), sizes=sizes)
    extra = {k: v for k, v in sizes.items() if k not in DEFAULT_SIZES}
    warnings = list(mapped.warnings)
    if extra:
        warnings.append(
            "story points map to working days through [sizes] (one point ~ one likely day); "
            "calibrate the table to your team"
        )
    return ImportResult(plan, extra, tuple(warnings))


def _days(issues: tuple[Issue, ...]) -> list[date]:
    return [d for i in issues for d in (i.created, i.started, i.finished) if d is not None]


@dataclass(frozen=True)
class Change:
    """One synced change, printed as `id: field old -> new`."""

    item_id: str
    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.item_id}: {self.field} {_show(self.old)} -> {_show(self.new)}"


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, date):
        return value.isoformat()
    return P.show(value) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class SyncResult:
    plan: Plan
    changes: tuple[Change, ...]
    added: tuple[Item, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def lines(self) -> list[str]:
        """Every change, then every added item, as the CLI prints them."""
        out = [str(c) for c in self.changes]
        out += [f"{i.id}: added ({_show(i.title)})" for i in self.added]
        return out


def match_issues(plan: Plan, export: Export) -> dict[str, str]:
    """Issue key -> id of the plan item it is: same link, else (without links) the same id
    from the generic CSV or the same title slug."""
    by_link = {i.link: i.id for i in plan.items if i.link}
    by_slug: dict[str, str] = {}
    for i in plan.items:
        by_slug.setdefault(slug(i.title), i.id)
    out: dict[str, str] = {}
    used: set[str] = set()
    for issue in export.issues:
        found = by_link.get(issue.link) if issue.link else None
        if found is None and issue.item_id and issue.item_id in plan.item_by_id:
            found = issue.item_id
        if found is None and not issue.link:
            candidate = by_slug.get(slug(issue.title))
            if candidate is not None and not plan.item(candidate).link:
                found = candidate
        if found is not None and found not in used:
            out[issue.key] = found
            used.add(found)
    return out


def sync_export(plan: Plan, export: Export, *, default_size: str = DEFAULT_SIZE) -> SyncResult:
    """The plan updated from a newer export, and every change made."""
    matched = match_issues(plan, export)
    warnings: list[str] = []
    changes: list[Change] = []
    new_plan = plan
    for issue in export.issues:
        item_id = matched.get(issue.key)
        if item_id is None:
            continue
        item = new_plan.item(item_id)
        want = _tracker_fields(issue)
        if want["status"] == "done" and want["finished"] is None:
            raise ExportError(
                export.name,
                issue.line,
                f"{issue.key}: done, but the export has no date it was finished "
                "(closedAt, Resolved or finished)",
            )
        # Without a start in the export (only the creation), the PM's date is the better one.
        keep = issue.started is None and item.started is not None
        keep = keep and want["status"] in ("doing", "done")
        if keep and (want["finished"] is None or want["finished"] >= item.started):
            want["started"] = item.started
        updated = item
        for name in SYNCED_FIELDS:
            if getattr(item, name) != want[name]:
                changes.append(Change(item_id, name, getattr(item, name), want[name]))
                updated = replace(updated, **{name: want[name]})
        if updated is not item:
            if updated.is_open and updated.kind != "milestone" and updated.estimate is None:
                size = default_size if default_size in plan.sizes else None
                if size is not None:
                    est = P._estimate(plan.sizes[size], None, size)
                    updated = replace(updated, estimate=est)
                    changes.append(Change(item_id, "estimate", None, size))
                    warnings.append(f"{item_id}: reopened without an estimate; got size {size!r}")
            new_plan = new_plan.with_item(updated)

    fresh = [i for i in export.issues if i.key not in matched]
    closed = [i for i in fresh if i.status in ("done", "dropped")]
    for issue in closed:
        warnings.append(
            f"{issue.key}: {issue.status} in the tracker but not in the plan; not added"
        )
    open_new = [i for i in fresh if i.status not in ("done", "dropped")]
    added: list[Item] = []
    if open_new:
        sub = Export(export.source, export.name, tuple(open_new), export.columns)
        mapped = map_issues(
            sub,
            plan.sizes,
            taken=plan.item_by_id,
            known=matched,
            closed={i.key for i in closed},
            default_size=default_size,
        )
        warnings.extend(mapped.warnings)
        for item in mapped.items:
            new_plan = new_plan.with_item(item)
            added.append(item)
    in_export = set(matched.values())
    for item in plan.items:
        if item.link and item.id not in in_export and export.source != "csv":
            warnings.append(f"{item.id}: its issue {item.link} is not in the export; left as is")
    return SyncResult(new_plan, tuple(changes), tuple(added), tuple(warnings))


def _tracker_fields(issue: Issue) -> dict[str, Any]:
    """title, status, started and finished as a new import would write them."""
    table: dict[str, Any] = {}
    from roadmap_tui.tracker.mapping import _status_fields

    _status_fields(issue, table)
    return {
        "title": issue.title,
        "status": table.get("status", "todo"),
        "started": table.get("started"),
        "finished": table.get("finished"),
    }
