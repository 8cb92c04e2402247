"""Tracker exports (text) -> `Issue` records: `gh issue list` JSON, Jira CSV, the generic CSV.

Pure: the text comes in (store reads files), records go out. Every refusal is an ExportError
naming the row (the line in the file) and the column, so a PM can fix the export by hand.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

SOURCES: tuple[str, ...] = ("github", "jira", "csv")


class ExportError(ValueError):
    """The export cannot be read: `NAME:LINE: column 'X': message`."""

    def __init__(self, name: str, line: int | None, message: str) -> None:
        self.name, self.line, self.message = name, line, message
        where = f"{name}:{line}" if line is not None else name
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Issue:
    """One tracker issue, as the mapping needs it; keys are the tracker's ("#12", "AI-7")."""

    key: str
    title: str
    status: str  # todo | doing | done | dropped
    created: date | None = None
    started: date | None = None
    finished: date | None = None
    link: str | None = None
    #: [low, likely, high] days, a size name ("M") or None; `estimate_from` says where from.
    estimate: tuple[float, float, float] | str | None = None
    estimate_from: str = ""
    story_points: float | None = None
    blocked_by: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()
    parent: str | None = None
    kind: str | None = None
    owner: str | None = None
    team: str | None = None
    tags: tuple[str, ...] = ()
    target: date | None = None
    item_id: str | None = None  # the generic CSV names its ids
    #: What could not be read (a malformed estimate label): warnings, not errors.
    problems: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Export:
    """Every issue of one export, and which column fed which field (Jira, CSV)."""

    source: str
    name: str
    issues: tuple[Issue, ...]
    columns: Mapping[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- shared rules

DONE_WORDS = ("done", "closed", "resolved", "released", "shipped", "complete", "completed")
DOING_WORDS = (
    "in progress",
    "in-progress",
    "doing",
    "in review",
    "review",
    "in development",
    "testing",
    "in testing",
    "qa",
    "wip",
)
DROPPED_WORDS = (
    "won't do",
    "won't fix",
    "wont do",
    "wontfix",
    "duplicate",
    "cannot reproduce",
    "declined",
    "obsolete",
    "not planned",
    "not_planned",
    "dropped",
    "cancelled",
    "canceled",
)

_ESTIMATE_LABEL = re.compile(
    r"^estimate\s*:\s*([0-9.]+)(?:\s*-\s*([0-9.]+)\s*-\s*([0-9.]+))?$", re.I
)
_SIZE_LABEL = re.compile(r"^size\s*:\s*(\S+)$", re.I)
_KIND_LABEL = re.compile(r"^kind\s*:\s*(task|data|experiment|milestone)$", re.I)
_POINTS_LABEL = re.compile(r"^(?:sp|points|story[ -]?points)\s*:\s*([0-9.]+)$", re.I)


def status_of(name: str) -> str | None:
    """A tracker status word -> todo/doing/done/dropped (None: not a known word)."""
    word = name.strip().lower()
    if word in DROPPED_WORDS:
        return "dropped"
    if word in DONE_WORDS:
        return "done"
    if word in DOING_WORDS or word.replace("status:", "").strip() in DOING_WORDS:
        return "doing"
    if word in ("to do", "todo", "open", "backlog", "selected for development", "new"):
        return "todo"
    return None


@dataclass
class _Labels:
    """What the labels say, and the labels left over as tags."""

    estimate: tuple[float, float, float] | str | None = None
    estimate_from: str = ""
    points: float | None = None
    kind: str | None = None
    doing: bool = False
    tags: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_labels(labels: Iterable[str]) -> _Labels:
    """`estimate:3-5-10`, `estimate:4`, `size:M`, `kind:data`, `sp:5`, an in-progress label;
    the rest become tags."""
    out = _Labels()
    for label in labels:
        label = label.strip()
        if not label:
            continue
        if m := _ESTIMATE_LABEL.match(label):
            nums = [float(g) for g in m.groups() if g is not None]
            if len(nums) == 1:
                out.estimate = (nums[0], nums[0], nums[0])
            elif nums[0] <= nums[1] <= nums[2]:
                out.estimate = (nums[0], nums[1], nums[2])
            else:
                out.tags.append(label)
                out.problems.append(f"label {label}: expected low <= likely <= high; kept as a tag")
                continue
            out.estimate_from = f"label {label}"
        elif m := _SIZE_LABEL.match(label):
            if out.estimate is None:
                out.estimate, out.estimate_from = m.group(1), f"label {label}"
        elif m := _KIND_LABEL.match(label):
            out.kind = m.group(1).lower()
        elif m := _POINTS_LABEL.match(label):
            out.points = float(m.group(1))
        elif status_of(label) == "doing":
            out.doing = True
        else:
            out.tags.append(label)
    return out


# ---------------------------------------------------------------- GitHub


def _gh_date(value: Any, name: str, line: int | None, column: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ExportError(name, line, f"{column}: expected a date-time text, found {value!r}")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        raise ExportError(
            name, line, f"{column}: expected a date like 2027-01-04T09:00:00Z, found {value!r}"
        ) from None


def _numbers(value: Any) -> list[int]:
    """Issue numbers from a relation in any of GitHub's shapes: [12, {"number": 13}],
    {"nodes": [...]} (GraphQL) or a single object."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        if "nodes" in value:
            return _numbers(value["nodes"])
        value = [value]
    out: list[int] = []
    for v in value if isinstance(value, list) else []:
        n = v.get("number") if isinstance(v, Mapping) else v
        if isinstance(n, int) and not isinstance(n, bool):
            out.append(n)
    return out


def _first(obj: Mapping[str, Any], *names: str) -> Any:
    for n in names:
        if n in obj:
            return obj[n]
    return None


def parse_github(text: str, name: str) -> Export:
    """`gh issue list --json ...` output: a JSON array, or one object per line (`--jq .[]`).

    Also the REST shape of `gh api` (snake_case, `html_url`, `state_reason`) and the extra
    relations `subIssues`/`sub_issues`, `parent`, `blockedBy`/`blocked_by` where present.
    """
    records: list[tuple[int | None, Any]] = []
    stripped = text.strip()
    if not stripped:
        raise ExportError(name, 1, "the export is empty; expected the JSON of `gh issue list`")
    try:
        data = json.loads(stripped)
        records = [(None, d) for d in data] if isinstance(data, list) else [(1, data)]
    except json.JSONDecodeError as err:
        if stripped.startswith("["):
            raise ExportError(name, err.lineno, f"not valid JSON: {err.msg}") from None
        for n, line in enumerate(text.splitlines(), start=1):  # JSON lines
            if not line.strip():
                continue
            try:
                records.append((n, json.loads(line)))
            except json.JSONDecodeError as err2:
                raise ExportError(name, n, f"not valid JSON: {err2.msg}") from None
    line_of = _json_lines(text) if records and records[0][0] is None else {}
    issues: list[Issue] = []
    links: list[_ChildLink] = []
    for index, (line, obj) in enumerate(records):
        line = line if line is not None else line_of.get(index)
        if not isinstance(obj, Mapping):
            raise ExportError(name, line, f"issue {index + 1}: expected a JSON object")
        number = obj.get("number")
        if not isinstance(number, int) or isinstance(number, bool):
            raise ExportError(name, line, f"issue {index + 1}: number: missing or not a number")
        title = obj.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ExportError(name, line, f"issue #{number}: title: missing or empty")
        state = str(obj.get("state", "")).lower()
        if state not in ("open", "closed"):
            raise ExportError(
                name, line, f"issue #{number}: state: expected OPEN or CLOSED, found {state!r}"
            )
        labels = [
            (lab.get("name", "") if isinstance(lab, Mapping) else str(lab))
            for lab in obj.get("labels") or []
        ]
        lab = read_labels(labels)
        reason = str(_first(obj, "stateReason", "state_reason") or "").lower()
        if state == "closed":
            status = "dropped" if reason in ("not_planned", "duplicate") else "done"
        else:
            status = "doing" if lab.doing else "todo"
        created = _gh_date(_first(obj, "createdAt", "created_at"), name, line, "createdAt")
        closed = _gh_date(_first(obj, "closedAt", "closed_at"), name, line, "closedAt")
        started = _gh_date(_first(obj, "startedAt", "started_at"), name, line, "startedAt")
        milestone = obj.get("milestone")
        target = None
        if isinstance(milestone, Mapping):
            target = _gh_date(_first(milestone, "dueOn", "due_on"), name, line, "milestone.dueOn")
        assignees = obj.get("assignees") or []
        owner = None
        if assignees and isinstance(assignees[0], Mapping):
            owner = assignees[0].get("login") or assignees[0].get("name")
        parent = _numbers(obj.get("parent"))
        blocks = _numbers(_first(obj, "blocking", "blocks"))
        issues.append(
            Issue(
                key=f"#{number}",
                title=title.strip(),
                status=status,
                created=created,
                started=started,
                finished=closed,
                link=_first(obj, "url", "html_url"),
                estimate=lab.estimate,
                estimate_from=lab.estimate_from,
                story_points=lab.points,
                blocked_by=tuple(f"#{n}" for n in _numbers(_first(obj, "blockedBy", "blocked_by"))),
                blocks=tuple(f"#{n}" for n in blocks),
                parent=f"#{parent[0]}" if parent else None,
                kind=lab.kind,
                owner=owner,
                tags=tuple(lab.tags),
                problems=tuple(lab.problems),
                target=target,
                line=line,
            )
        )
        for child in _numbers(_first(obj, "subIssues", "sub_issues")):
            links.append(_ChildLink(f"#{child}", f"#{number}"))
    return Export("github", name, _attach_children(issues, links))


@dataclass(frozen=True)
class _ChildLink:
    """A sub-issue relation seen on the parent; folded into the child's `parent`."""

    child: str
    parent: str


def _attach_children(issues: Sequence[Issue], links: Sequence[_ChildLink]) -> tuple[Issue, ...]:
    """Each child issue with its `parent`, from the parents' sub-issue lists."""
    parents = {link.child: link.parent for link in links}
    return tuple(
        replace(i, parent=parents[i.key]) if i.parent is None and i.key in parents else i
        for i in issues
    )


def _json_lines(text: str) -> dict[int, int]:
    """The line where each top-level object of a JSON array starts (for messages)."""
    lines: dict[int, int] = {}
    depth, index, line, quote, escape = 0, 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        if quote:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                quote = False
            continue
        if ch == '"':
            quote = True
        elif ch in "[{":
            if depth == 1 and ch == "{":
                lines[index] = line
                index += 1
            depth += 1
        elif ch in "]}":
            depth -= 1
    return lines


# ---------------------------------------------------------------- CSV (Jira and generic)

#: Logical column -> the header names it goes by (lowercase), first match wins.
JIRA_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "key": ("issue key", "key"),
    "id": ("issue id",),
    "title": ("summary",),
    "type": ("issue type",),
    "status": ("status",),
    "category": ("status category",),
    "category_changed": ("status category changed",),
    "resolution": ("resolution",),
    "created": ("created",),
    "resolved": ("resolved", "resolution date"),
    "updated": ("updated",),
    "original": ("original estimate", "original estimate (seconds)", "timeoriginalestimate"),
    "points": (
        "story points",
        "custom field (story points)",
        "story point estimate",
        "custom field (story point estimate)",
    ),
    "labels": ("labels",),
    "assignee": ("assignee",),
    "blocks": ("outward issue link (blocks)", "blocks"),
    "blocked_by": ("inward issue link (blocks)", "is blocked by"),
    "parent": ("parent", "parent id", "parent key"),
    "due": ("due date", "due"),
    "team": ("team", "custom field (team)"),
    "url": ("url", "link", "issue url"),
}
GENERIC_COLUMNS: Mapping[str, tuple[str, ...]] = {
    name: (name,)
    for name in (
        "id",
        "title",
        "kind",
        "low",
        "likely",
        "high",
        "depends_on",
        "owner",
        "team",
        "status",
        "started",
        "finished",
        "link",
    )
}
JIRA_REQUIRED = ("key", "title", "status")
GENERIC_REQUIRED = ("id", "title")

JIRA_DATE_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d",
)


class _Rows:
    """A CSV with repeated headers: every column index a logical name matched."""

    def __init__(self, text: str, name: str, wanted: Mapping[str, tuple[str, ...]]) -> None:
        self.name = name
        reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
        try:
            header = next(reader)
        except StopIteration:
            raise ExportError(name, 1, "the export is empty; expected a header row") from None
        except csv.Error as err:
            raise ExportError(name, 1, f"not valid CSV: {err}") from None
        lower = [h.strip().lower() for h in header]
        self.index: dict[str, list[int]] = {}
        self.used: dict[str, str] = {}
        for logical, names in wanted.items():
            for candidate in names:
                hits = [i for i, h in enumerate(lower) if h == candidate]
                if hits:
                    self.index[logical] = hits
                    self.used[logical] = header[hits[0]].strip()
                    break
        self.rows: list[tuple[int, list[str]]] = []
        line = reader.line_num
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    self.rows.append((line + 1, row))
                line = reader.line_num
        except csv.Error as err:
            raise ExportError(name, reader.line_num, f"not valid CSV: {err}") from None

    def require(self, names: Iterable[str], wanted: Mapping[str, tuple[str, ...]]) -> None:
        missing = [n for n in names if n not in self.index]
        if missing:
            want = ", ".join(repr(wanted[n][0]) for n in missing)
            raise ExportError(self.name, 1, f"missing column {want} in the header row")

    def one(self, row: list[str], logical: str) -> str:
        for i in self.index.get(logical, []):
            if i < len(row) and row[i].strip():
                return row[i].strip()
        return ""

    def all(self, row: list[str], logical: str, split: str | None = None) -> list[str]:
        out: list[str] = []
        for i in self.index.get(logical, []):
            if i < len(row) and row[i].strip():
                cell = row[i].strip()
                parts = cell.split(split) if split else [cell]
                out.extend(p.strip() for p in parts if p.strip())
        return out

    def column(self, logical: str) -> str:
        return self.used.get(logical, logical)


def _cell_error(rows: _Rows, line: int, logical: str, message: str) -> ExportError:
    return ExportError(rows.name, line, f"column '{rows.column(logical)}': {message}")


def _jira_date(rows: _Rows, row: list[str], line: int, logical: str) -> date | None:
    text = rows.one(row, logical)
    if not text:
        return None
    for fmt in JIRA_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _cell_error(
        rows, line, logical, f"expected a date like 04/Jan/27 9:00 AM, found {text!r}"
    )


def _number_cell(rows: _Rows, row: list[str], line: int, logical: str) -> float | None:
    text = rows.one(row, logical)
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise _cell_error(rows, line, logical, f"expected a number, found {text!r}") from None
    if value < 0 or value != value:
        raise _cell_error(rows, line, logical, f"expected a number >= 0, found {text!r}")
    return value


#: Jira's original estimate counts seconds; a working day is 8 hours.
SECONDS_PER_DAY = 8 * 3600


def parse_jira(text: str, name: str, base_url: str | None = None) -> Export:
    """Jira's CSV export ("Export Excel CSV (all fields)"), headers matched by name.

    Jira's CSV has no issue URL; with `base_url` (https://acme.atlassian.net) each issue
    links to BASE/browse/KEY.
    """
    rows = _Rows(text, name, JIRA_COLUMNS)
    rows.require(JIRA_REQUIRED, JIRA_COLUMNS)
    ids: dict[str, str] = {}
    for _, row in rows.rows:
        if rows.one(row, "id"):
            ids[rows.one(row, "id")] = rows.one(row, "key")
    issues: list[Issue] = []
    for line, row in rows.rows:
        key = rows.one(row, "key")
        if not key:
            raise _cell_error(rows, line, "key", "empty; every issue needs its key")
        title = rows.one(row, "title")
        if not title:
            raise _cell_error(rows, line, "title", f"empty for {key}")
        status = _jira_status(rows, row, line)
        created = _jira_date(rows, row, line, "created")
        resolved = _jira_date(rows, row, line, "resolved")
        changed = _jira_date(rows, row, line, "category_changed")
        updated = _jira_date(rows, row, line, "updated")
        started = None
        finished = None
        if status == "doing":
            started = changed or created
        elif status in ("done", "dropped"):
            started = created
            finished = resolved or changed or updated
        lab = read_labels(rows.all(row, "labels", split=" "))
        estimate, estimate_from = lab.estimate, lab.estimate_from
        seconds = _number_cell(rows, row, line, "original")
        if estimate is None and seconds:
            days = round(seconds / SECONDS_PER_DAY, 2)
            estimate = (days, days, days)
            estimate_from = f"original estimate {seconds:g} s"
        points = _number_cell(rows, row, line, "points")
        parent = rows.one(row, "parent") or None
        issue_type = rows.one(row, "type").lower()
        kind = lab.kind or ("milestone" if issue_type == "milestone" else None)
        issues.append(
            Issue(
                key=key,
                title=title,
                status=status,
                created=created,
                started=started,
                finished=finished,
                link=rows.one(row, "url") or _browse(base_url, key),
                estimate=estimate,
                estimate_from=estimate_from,
                story_points=points if points is not None else lab.points,
                blocked_by=tuple(rows.all(row, "blocked_by")),
                blocks=tuple(rows.all(row, "blocks")),
                parent=ids.get(parent, parent) if parent else None,
                kind=kind,
                owner=rows.one(row, "assignee") or None,
                team=rows.one(row, "team") or None,
                tags=tuple(lab.tags),
                problems=tuple(lab.problems),
                target=_jira_date(rows, row, line, "due"),
                line=line,
            )
        )
    return Export("jira", name, tuple(issues), dict(rows.used))


def _browse(base_url: str | None, key: str) -> str | None:
    return f"{base_url.rstrip('/')}/browse/{key}" if base_url else None


def _jira_status(rows: _Rows, row: list[str], line: int) -> str:
    resolution = rows.one(row, "resolution")
    category = rows.one(row, "category")
    status = rows.one(row, "status")
    if resolution and status_of(resolution) == "dropped":
        return "dropped"
    by_category = {"to do": "todo", "in progress": "doing", "done": "done"}
    if category:
        if category.lower() not in by_category:
            raise _cell_error(
                rows, line, "category", f"expected To Do, In Progress or Done, found {category!r}"
            )
        return by_category[category.lower()]
    if not status:
        raise _cell_error(rows, line, "status", "empty")
    return status_of(status) or "todo"


def parse_generic(text: str, name: str) -> Export:
    """The documented generic CSV (docs/import.md): one row per item, our own vocabulary."""
    from roadmap_tui.model.types import KINDS, STATUSES

    rows = _Rows(text, name, GENERIC_COLUMNS)
    rows.require(GENERIC_REQUIRED, GENERIC_COLUMNS)
    issues: list[Issue] = []
    for line, row in rows.rows:
        item_id = rows.one(row, "id")
        if not item_id:
            raise _cell_error(rows, line, "id", "empty; every row needs an id")
        if not re.match(r"^[A-Za-z0-9_-]+$", item_id):
            raise _cell_error(
                rows, line, "id", f"expected letters, digits, '-' and '_', found {item_id!r}"
            )
        title = rows.one(row, "title")
        if not title:
            raise _cell_error(rows, line, "title", f"empty for {item_id}")
        kind = rows.one(row, "kind").lower() or None
        if kind is not None and kind not in KINDS:
            raise _cell_error(rows, line, "kind", f"expected {' | '.join(KINDS)}, found {kind!r}")
        raw_status = rows.one(row, "status")
        status = raw_status.lower() if raw_status.lower() in STATUSES else status_of(raw_status)
        if raw_status and status is None:
            raise _cell_error(
                rows, line, "status", f"expected {' | '.join(STATUSES)}, found {raw_status!r}"
            )
        points = [_number_cell(rows, row, line, c) for c in ("low", "likely", "high")]
        estimate: tuple[float, float, float] | None = None
        given = [p for p in points if p is not None]
        if len(given) == 3:
            lo, ml, hi = given
            if not lo <= ml <= hi:
                raise _cell_error(
                    rows,
                    line,
                    "likely",
                    f"expected low <= likely <= high, found {lo:g}, {ml:g}, {hi:g}",
                )
            estimate = (lo, ml, hi)
        elif len(given) == 1 and points[1] is not None:
            estimate = (points[1], points[1], points[1])
        elif given:
            raise _cell_error(
                rows, line, "low", "give low, likely and high, or likely alone (a fixed duration)"
            )
        issues.append(
            Issue(
                key=item_id,
                title=title,
                status=status or "todo",
                started=_iso_date(rows, row, line, "started"),
                finished=_iso_date(rows, row, line, "finished"),
                link=rows.one(row, "link") or None,
                estimate=estimate,
                estimate_from="low/likely/high" if estimate else "",
                blocked_by=tuple(rows.all(row, "depends_on", split=";")),
                kind=kind,
                owner=rows.one(row, "owner") or None,
                team=rows.one(row, "team") or None,
                item_id=item_id,
                line=line,
            )
        )
    return Export("csv", name, tuple(issues), dict(rows.used))


def _iso_date(rows: _Rows, row: list[str], line: int, logical: str) -> date | None:
    text = rows.one(row, logical)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _cell_error(
            rows, line, logical, f"expected a date like 2027-01-04, found {text!r}"
        ) from None


def parse_export(text: str, source: str, name: str, *, base_url: str | None = None) -> Export:
    """The records of one export; `name` (the file) labels every message."""
    if source == "github":
        return parse_github(text, name)
    if source == "jira":
        return parse_jira(text, name, base_url)
    if source == "csv":
        return parse_generic(text, name)
    raise ExportError(name, None, f"unknown source {source!r}; expected {', '.join(SOURCES)}")
