"""Issues -> plan items: ids from titles, estimates, dependencies, warnings (docs/import.md).

Every item is built as a raw TOML table and read by `model.parse.parse_item`, the loader's
own parser, so an imported plan obeys exactly the rules a hand-written one does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from roadmap_tui.model import graph as graph_mod
from roadmap_tui.model import parse as P
from roadmap_tui.model.types import Item, Plan
from roadmap_tui.tracker.sources import Export, ExportError, Issue

#: The size an item without any estimate gets (the PM sees `estimate = "M"` and revises it).
DEFAULT_SIZE = "M"
#: Story points -> days written into `[sizes]` of a new plan when the export has points:
#: one point is about one likely working day; calibrate it to the team's own history.
STORY_POINT_SIZES: Mapping[str, tuple[float, float, float]] = {
    "1": (0.5, 1.0, 2.0),
    "2": (1.0, 2.0, 4.0),
    "3": (2.0, 3.0, 6.0),
    "5": (3.0, 5.0, 10.0),
    "8": (5.0, 8.0, 16.0),
    "13": (8.0, 13.0, 25.0),
    "21": (13.0, 21.0, 40.0),
}
MAX_ID = 32
_DANGLING = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "for",
        "with",
        "to",
        "and",
        "or",
        "in",
        "into",
        "by",
        "from",
        "when",
        "at",
        "as",
        "vs",
        "per",
        "is",
    ]
)


def slug(title: str) -> str:
    """An id from a title: ascii, lowercase, words joined by '-', at most MAX_ID characters
    cut at a word boundary ("Label 10k support tickets!" -> "label-10k-support-tickets")."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > MAX_ID:
            break
        out = candidate
    parts = out.split("-")
    while len(parts) > 1 and parts[-1] in _DANGLING:
        parts.pop()  # "fine-tune-a-small-model-on" reads better as "fine-tune-a-small-model"
    return "-".join(parts) if out else (words[0][:MAX_ID] if words else "")


def key_suffix(key: str) -> str:
    """The tracker key as an id part: "#12" -> "12", "AI-7" -> "ai-7"."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def assign_ids(issues: Iterable[Issue], taken: Iterable[str] = ()) -> dict[str, str]:
    """Issue key -> item id: the title's slug; titles that collide (with each other or with
    `taken`) all get their key appended, so an id never depends on the export's row order."""
    issues = list(issues)
    taken = set(taken)
    slugs = {i.key: i.item_id or slug(i.title) for i in issues}
    counts: dict[str, int] = {}
    for s in slugs.values():
        counts[s] = counts.get(s, 0) + 1
    out: dict[str, str] = {}
    for issue in issues:
        s = slugs[issue.key]
        if issue.item_id:
            out[issue.key] = s
            continue
        if not s:
            s = f"issue-{key_suffix(issue.key)}"
        elif counts[s] > 1 or s in taken:
            s = f"{s}-{key_suffix(issue.key)}"
        n = 2
        base = s
        while s in taken or s in out.values():
            s, n = f"{base}-{n}", n + 1
        out[issue.key] = s
    return out


@dataclass
class Mapped:
    """Items made from an export, and what the PM should hear about."""

    items: list[Item]
    warnings: list[str] = field(default_factory=list)
    uses_points: bool = False


def _estimate(
    issue: Issue, sizes: Mapping[str, tuple[float, float, float]], warnings: list[str]
) -> tuple[Any, bool]:
    """The raw estimate of an issue and whether story points gave it (None: none found)."""
    if isinstance(issue.estimate, str):
        if issue.estimate in sizes:
            return issue.estimate, False
        warnings.append(
            f"{issue.key}: {issue.estimate_from}: unknown size {issue.estimate!r}"
            + P.did_you_mean(issue.estimate, list(sizes))
        )
    elif issue.estimate is not None:
        return [P._num(x) for x in issue.estimate], False
    if issue.story_points is not None:
        name = P.size_for_points(issue.story_points, sizes)
        if name is not None:
            return name, True
        warnings.append(
            f"{issue.key}: {P._fmt(issue.story_points)} story points: no such key in [sizes]"
        )
    return None, False


def map_issues(
    export: Export,
    sizes: Mapping[str, tuple[float, float, float]],
    *,
    taken: Iterable[str] = (),
    known: Mapping[str, str] | None = None,
    closed: Iterable[str] = (),
    default_size: str = DEFAULT_SIZE,
) -> Mapped:
    """Items for the issues of `export`; `taken` ids are the plan's already, `known` maps
    issue keys already in the plan to their item ids (for dependencies, on sync), and a
    dependency on a `closed` issue (finished, not in the plan) is met and left out."""
    issues = list(export.issues)
    known = dict(known or {})
    ids = assign_ids(issues, taken)
    key_to_id = {**known, **ids}
    warnings: list[str] = []
    children: dict[str, list[str]] = {}
    for issue in issues:
        if issue.parent is not None:
            children.setdefault(issue.parent, []).append(issue.key)
    deps: dict[str, list[str]] = {issue.key: [] for issue in issues}
    everything = {i.key for i in issues} | set(known)
    closed = set(closed)

    def link(waiting: str, first: str, how: str) -> None:
        if first in closed:
            return
        if first not in everything:
            warnings.append(f"{waiting}: {how} {first}, which is not in the export; dropped")
        elif first != waiting and waiting in deps and key_to_id[first] not in deps[waiting]:
            deps[waiting].append(key_to_id[first])

    for issue in issues:
        warnings.extend(f"{issue.key}: {problem}" for problem in issue.problems)
        for other in issue.blocked_by:
            link(issue.key, other, "blocked by")
        for other in issue.blocks:
            if other in deps:
                link(other, issue.key, "blocked by")
            elif other not in everything and other not in closed:
                warnings.append(f"{issue.key}: blocks {other}, which is not in the export; dropped")
        for child in children.get(issue.key, []):
            link(issue.key, child, "has the sub-issue")
        if issue.parent is not None and issue.parent not in everything:
            warnings.append(
                f"{issue.key}: sub-issue of {issue.parent}, which is not in the export; dropped"
            )

    defaulted: list[str] = []
    uses_points = False
    items: list[Item] = []
    for issue in issues:
        item_id = ids[issue.key]
        table: dict[str, Any] = {"title": issue.title}
        kind = issue.kind
        estimate, from_points = _estimate(issue, sizes, warnings)
        uses_points = uses_points or from_points
        is_parent = bool(children.get(issue.key))
        if kind is None and is_parent and estimate is None:
            kind = "milestone"  # an epic: done when its sub-issues are
        if kind is not None and kind != "task":
            table["kind"] = kind
        if kind == "milestone":
            estimate = None
        elif estimate is None and issue.status in ("todo", "doing"):
            estimate = default_size
            defaulted.append(item_id)
        if estimate is not None:
            table["estimate"] = estimate
        if deps[issue.key]:
            table["depends_on"] = deps[issue.key]
        if issue.target is not None:
            table["target"] = issue.target
        _status_fields(issue, table)
        if issue.status == "done" and "finished" not in table:
            raise ExportError(
                export.name,
                issue.line,
                f"{issue.key}: done, but the export has no date it was finished "
                "(closedAt, Resolved or finished)",
            )
        if issue.owner:
            table["owner"] = issue.owner
        if issue.team and "team" in P.ITEM_SPECS:
            table["team"] = issue.team
        if issue.tags:
            table["tags"] = sorted(set(issue.tags), key=issue.tags.index)
        if issue.link:
            table["link"] = issue.link
        item, problems = P.parse_item(item_id, table, sizes)
        if item is None:
            where = f"{export.name}:{issue.line}" if issue.line else export.name
            raise ValueError(f"{where}: {issue.key}: " + "; ".join(p.message for p in problems))
        items.append(item)
    if defaulted:
        warnings.append(
            f"{len(defaulted)} item(s) had no estimate and got the default size "
            f"{default_size!r}: {', '.join(defaulted)}"
        )
    return Mapped(_break_cycles(items, warnings), warnings, uses_points)


def _status_fields(issue: Issue, table: dict[str, Any]) -> None:
    """status, started and finished as the tracker has them, kept consistent."""
    if issue.status != "todo":
        table["status"] = issue.status
    if issue.status in ("doing", "done", "dropped"):
        started = issue.started or issue.created
        finished = issue.finished if issue.status != "doing" else None
        if started is not None and finished is not None and finished < started:
            started = finished
        if started is not None and issue.status != "dropped":
            table["started"] = started
        if finished is not None:
            table["finished"] = finished


def _break_cycles(items: list[Item], warnings: list[str]) -> list[Item]:
    """Drop the dependency that closes each cycle the tracker's links make."""
    from dataclasses import replace

    while True:
        plan = Plan(name="import", start=date(2000, 1, 1), items=tuple(items))
        cycle = graph_mod.find_cycle(graph_mod.build_graph(plan))
        if cycle is None:
            return items
        waiting, first = cycle[1], cycle[0]
        warnings.append(
            f"dependency cycle {graph_mod.format_cycle(cycle)}: "
            f"{waiting} no longer depends on {first}"
        )
        items = [
            replace(i, depends_on=tuple(d for d in i.depends_on if d != first))
            if i.id == waiting
            else i
            for i in items
        ]
