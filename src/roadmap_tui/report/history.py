"""The forecast's track record: every committed version of a plan, forecast as it was.

`roadmap history PLAN` reads every commit that changed PLAN (`git log --follow`, so renames
are followed), forecasts the plan as committed (the commit's date as `as_of` when the plan
has none) with one seed and one number of runs for all, and gives the plan's and every
milestone's P50 and P80: a milestone trend (slip) chart. Figures are cached per blob hash
under `.roadmap-cache/` at the repository's top, so only new versions are simulated.

Accuracy: for every item finished by now, each earlier forecast that had it open and gave
it a P80 date either held (it finished on or before that date) or not; the share that held
stands beside the nominal 80%. A well-calibrated forecast holds about 80% of the time.

Never a traceback: a file not in git is a HistoryError (one message); a shallow clone, a
commit whose plan does not parse or cannot be simulated are skipped with a note.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from roadmap_tui import __version__
from roadmap_tui.report.gitrev import locate_in_repo, run_git

#: Runs per commit unless asked: the textconv budget, ample for P50/P80 of a trend.
HISTORY_RUNS = 2000
#: Folder of the cache, at the top of the repository (git-ignore it).
CACHE_DIR = ".roadmap-cache"
#: Bump when a cached entry's content or meaning changes.
CACHE_VERSION = 1
SCHEMA = "roadmap-tui/history/1"

Progress = Callable[[int, int], None]


class HistoryError(Exception):
    """The plan's history cannot be read at all (no git, not in a repository)."""


@dataclass(frozen=True)
class Milestone:
    """One milestone's figures at one commit (None: never, at that percentile)."""

    id: str
    title: str
    p50: date | None
    p80: date | None
    p50_days: float | None
    p80_days: float | None


@dataclass(frozen=True)
class ItemRecord:
    """What accuracy needs of an item at one commit: its status, actual finish, P80 date."""

    status: str
    finished: date | None
    p80: date | None


@dataclass(frozen=True)
class Point:
    """The forecast of the plan as committed at one commit."""

    commit: str
    date: date
    subject: str
    path: str
    as_of: date | None
    p50: date | None
    p80: date | None
    p50_days: float | None
    p80_days: float | None
    p_success: float
    milestones: tuple[Milestone, ...]
    items: dict[str, ItemRecord] = field(default_factory=dict)
    cached: bool = False

    @property
    def short(self) -> str:
        return self.commit[:7]


@dataclass(frozen=True)
class Accuracy:
    """Of `total` earlier P80 forecasts of items finished by now, `held` came true."""

    held: int
    total: int
    items: int
    nominal: float = 0.8

    @property
    def share(self) -> float | None:
        return None if self.total == 0 else self.held / self.total

    def sentence(self) -> str:
        if self.total == 0:
            return "accuracy: no item finished after a forecast gave it a P80 date yet"
        return (
            f"accuracy: the P80 held in {self.held} of {self.total} past forecasts of "
            f"{self.items} finished item(s) ({100 * self.held / self.total:.0f}%), "
            f"nominal {100 * self.nominal:.0f}%"
        )


@dataclass(frozen=True)
class History:
    path: str
    runs: int
    seed: int
    points: tuple[Point, ...]
    notes: tuple[str, ...]
    accuracy: Accuracy

    def milestone_ids(self) -> list[str]:
        """Every milestone that appears at any commit, in order of first appearance."""
        return list(dict.fromkeys(m.id for p in self.points for m in p.milestones))

    def to_json_dict(self) -> dict[str, Any]:
        def iso(d: date | None) -> str | None:
            return None if d is None else d.isoformat()

        return {
            "schema": SCHEMA,
            "path": self.path,
            "runs": self.runs,
            "seed": self.seed,
            "accuracy": {
                "held": self.accuracy.held,
                "total": self.accuracy.total,
                "items": self.accuracy.items,
                "share": self.accuracy.share,
                "nominal": self.accuracy.nominal,
            },
            "notes": list(self.notes),
            "commits": [
                {
                    "commit": p.commit,
                    "date": p.date.isoformat(),
                    "subject": p.subject,
                    "path": p.path,
                    "as_of": iso(p.as_of),
                    "plan": {
                        "p50": iso(p.p50),
                        "p80": iso(p.p80),
                        "p50_days": p.p50_days,
                        "p80_days": p.p80_days,
                        "p_success": p.p_success,
                    },
                    "milestones": [
                        {
                            "id": m.id,
                            "title": m.title,
                            "p50": iso(m.p50),
                            "p80": iso(m.p80),
                            "p50_days": m.p50_days,
                            "p80_days": m.p80_days,
                        }
                        for m in p.milestones
                    ],
                }
                for p in self.points
            ],
        }


# ----------------------------------------------------------------------------- git


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return run_git(args, cwd, HistoryError, "history", stdin)


@dataclass(frozen=True)
class _Version:
    commit: str
    day: date
    subject: str
    path: str
    blob: str


def _repo(path: Path) -> tuple[Path, str]:
    return locate_in_repo(path, HistoryError, ": no history to show", "history")


def _versions(root: Path, rel: str, notes: list[str]) -> list[_Version]:
    """Every commit that changed the file (following renames), oldest first."""
    if _git(["rev-parse", "--verify", "--quiet", "HEAD"], root).returncode != 0:
        notes.append("the repository has no commits yet")
        return []
    log = _git(
        [
            "log",
            "--follow",
            "--raw",
            "--no-abbrev",
            "--no-color",
            "-z",
            "--format=%x01%H%x09%cI%x09%s",
            "HEAD",
            "--",
            rel,
        ],
        root,
    )
    if log.returncode != 0:
        message = log.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(f"{rel}: git log failed: {message[-1] if message else 'no output'}")
    out: list[_Version] = []
    for block in log.stdout.decode("utf-8", "replace").split("\x01")[1:]:
        head, _, raw = block.partition("\x00")  # -z ends the formatted header with a NUL
        commit, iso, subject = [*head.strip().split("\t", 2), "", ""][:3]
        fields = [f for f in raw.strip("\n\x00").split("\x00") if f != ""]
        # -z --raw: ":old new oldblob newblob STATUS" then one path (two for a rename)
        blob = path = ""
        k = 0
        while k < len(fields):
            meta = fields[k].lstrip("\n").split()
            if not meta or not meta[0].startswith(":"):
                k += 1
                continue
            status = meta[4] if len(meta) > 4 else ""
            paths = fields[k + 1 : k + (3 if status[:1] in ("R", "C") else 2)]
            k += 1 + len(paths)
            if paths:
                blob, path = meta[3], paths[-1]
            if status.startswith("D"):
                blob = ""
        if not blob or set(blob) == {"0"}:
            continue  # the commit deleted the file
        try:
            day = datetime.fromisoformat(iso).date()
        except ValueError:
            notes.append(f"{commit[:7]}: unreadable commit date {iso!r}; skipped")
            continue
        out.append(_Version(commit, day, subject, path, blob))
    out.reverse()
    return out


def _since(root: Path, since: str, versions: list[_Version]) -> list[_Version]:
    """The versions committed after `since`, with the version in effect at `since` first."""
    if since.startswith("-"):
        raise HistoryError(f"{since}: not a valid revision")
    check = _git(["rev-parse", "--verify", "--quiet", f"{since}^{{commit}}"], root)
    if check.returncode != 0:
        raise HistoryError(f"{since}: unknown revision in {root}")
    after = _git(["rev-list", f"{since}..HEAD"], root)
    newer = set(after.stdout.decode().split())
    keep = [v for v in versions if v.commit in newer]
    older = [v for v in versions if v.commit not in newer]
    return older[-1:] + keep


def _blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """The content of many blobs in one `git cat-file --batch`."""
    if not blobs:
        return {}
    out = _git(["cat-file", "--batch"], root, stdin="".join(b + "\n" for b in blobs).encode())
    data, pos, found = out.stdout, 0, {}
    for blob in blobs:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        found[blob] = data[pos : pos + size]
        pos += size + 1
    return found


# ----------------------------------------------------------------------------- cache


def _cache_file(root: Path, key: str) -> Path:
    return root / CACHE_DIR / "history" / f"{key}.json"


def _key(blob: str, runs: int, seed: int, day: date) -> str:
    params = f"{CACHE_VERSION}:{__version__}:{runs}:{seed}:{day.isoformat()}"
    return f"{blob}-{hashlib.blake2b(params.encode(), digest_size=8).hexdigest()}"


def _read_cache(root: Path, key: str) -> dict[str, Any] | None:
    try:
        return json.loads(_cache_file(root, key).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _write_cache(root: Path, key: str, entry: dict[str, Any]) -> bool:
    target = _cache_file(root, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(entry, fh)
        os.replace(tmp, target)
    except OSError:
        return False
    return True


# ----------------------------------------------------------------------------- forecast


def _forecast(text: str, label: str, runs: int, seed: int, day: date) -> dict[str, Any]:
    """The cache entry of one version: its figures, or why it has none ({"skip": reason})."""
    from roadmap_tui import store
    from roadmap_tui.forecast import simulate

    try:
        plan = store.load_plan_text(text, label).plan
    except store.PlanError as exc:
        first = exc.problems[0] if exc.problems else "invalid plan"
        return {"skip": f"the plan does not parse ({first})"}
    except store.PlanFileError as exc:
        return {"skip": f"the plan cannot be read ({exc.reason})"}
    as_of = plan.as_of or day
    try:
        fc = simulate(plan, runs=runs, seed=seed, as_of=as_of)
    except (ValueError, MemoryError) as exc:
        return {"skip": f"the plan cannot be forecast ({exc})"}

    def iso(d: date | None) -> str | None:
        return None if d is None else d.isoformat()

    return {
        "as_of": iso(as_of),
        "p50": iso(fc.plan.finish.p50),
        "p80": iso(fc.plan.finish.p80),
        "p50_days": fc.plan.finish_days.p50,
        "p80_days": fc.plan.finish_days.p80,
        "p_success": fc.plan.p_success,
        "milestones": [
            [
                f.id,
                f.title,
                iso(f.finish.p50),
                iso(f.finish.p80),
                f.finish_days.p50,
                f.finish_days.p80,
            ]
            for f in fc.milestones()
        ],
        "items": {
            item.id: [
                item.status,
                iso(item.finished),
                iso(fc.items[item.id].finish.p80) if item.id in fc.items else None,
            ]
            for item in plan.items
        },
    }


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _point(v: _Version, entry: dict[str, Any], cached: bool) -> Point:
    return Point(
        commit=v.commit,
        date=v.day,
        subject=v.subject,
        path=v.path,
        as_of=_day(entry["as_of"]),
        p50=_day(entry["p50"]),
        p80=_day(entry["p80"]),
        p50_days=entry["p50_days"],
        p80_days=entry["p80_days"],
        p_success=entry["p_success"],
        milestones=tuple(
            Milestone(i, t, _day(a), _day(b), c, d) for i, t, a, b, c, d in entry["milestones"]
        ),
        items={
            k: ItemRecord(status, _day(finished), _day(p80))
            for k, (status, finished, p80) in entry["items"].items()
        },
        cached=cached,
    )


def accuracy(points: tuple[Point, ...] | list[Point]) -> Accuracy:
    """How often the P80 held: for every item done at the newest point, every earlier point
    that had it open (and was committed by its finish) with a P80 date counts once; it held
    when the actual finish is on or before that P80. "Not ready" P80s promise no date and
    are left out."""
    if not points:
        return Accuracy(0, 0, 0)
    held = total = 0
    finished_items = 0
    for item_id, now in points[-1].items.items():
        if now.status != "done" or now.finished is None:
            continue
        counted = False
        for p in points[:-1]:
            then = p.items.get(item_id)
            if then is None or then.status in ("done", "dropped") or then.p80 is None:
                continue
            if p.date > now.finished:
                continue
            total += 1
            held += now.finished <= then.p80
            counted = True
        finished_items += counted
    return Accuracy(held, total, finished_items)


def plan_history(
    path: str | Path,
    *,
    runs: int | None = None,
    seed: int | None = None,
    since: str | None = None,
    cache: bool = True,
    progress: Progress | None = None,
) -> History:
    """Forecast every committed version of the plan at `path` (see the module docstring).

    `seed` defaults to the seed of the plan on disk (0 if it does not parse), `runs` to
    HISTORY_RUNS. Raises HistoryError only when there is no history to read at all.
    """
    path = Path(path)
    root, rel = _repo(path)
    notes: list[str] = []
    shallow = _git(["rev-parse", "--is-shallow-repository"], root)
    if shallow.stdout.decode().strip() == "true":
        notes.append(
            "shallow clone: only the fetched commits are shown (git fetch --unshallow for all)"
        )
    versions = _versions(root, rel, notes)
    if since is not None:
        versions = _since(root, since, versions)
    if not versions:
        notes.append(f"{rel}: no commit changed this file yet")
    runs = HISTORY_RUNS if runs is None else int(runs)
    if seed is None:
        seed = _current_seed(path)
    points: list[Point] = []
    todo: list[tuple[_Version, str]] = []
    entries: dict[str, tuple[dict[str, Any], bool]] = {}
    for v in versions:
        key = _key(v.blob, runs, seed, v.day)
        found = _read_cache(root, key) if cache else None
        if found is not None:
            entries[v.commit] = (found, True)
        else:
            todo.append((v, key))
    texts = _blobs(root, sorted({v.blob for v, _ in todo}))
    cache_ok = True
    for k, (v, key) in enumerate(todo):
        data = texts.get(v.blob)
        try:
            text = None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None:
            entry: dict[str, Any] = {"skip": "the file is not UTF-8 text"}
        else:
            entry = _forecast(text, f"{rel}@{v.commit[:7]}", runs, seed, v.day)
        entries[v.commit] = (entry, False)
        if cache and cache_ok:
            cache_ok = _write_cache(root, key, entry)
            if not cache_ok:
                notes.append(f"cache folder {root / CACHE_DIR} is not writable: nothing cached")
        if progress is not None:
            progress(k + 1, len(todo))
    for v in versions:
        entry, cached = entries[v.commit]
        if "skip" in entry:
            notes.append(
                f"{v.commit[:7]} {v.day.isoformat()} {v.subject!r}: {entry['skip']}; skipped"
            )
            continue
        points.append(_point(v, entry, cached))
    return History(str(path), runs, seed, tuple(points), tuple(notes), accuracy(points))


def _current_seed(path: Path) -> int:
    from roadmap_tui import store

    try:
        return store.load_plan(path).plan.seed
    except (store.PlanError, store.PlanFileError):
        return 0
