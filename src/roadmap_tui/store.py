"""The only module that reads and writes plan files.

Reading: bytes -> text -> tomllib -> `model.parse`, with every problem mapped to the line of
its key. Writing: tomlkit edits of the loaded document, so a one-field change is a one-line
diff; atomic replace; refusal when the file changed on disk since it was loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from roadmap_tui.model.parse import ParseProblem, parse_plan
from roadmap_tui.model.types import Plan

#: A plan larger than this is not a plan (and would make every command slow).
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One problem in a plan file, printed compiler-style as `PATH:LINE: message`."""

    path: str
    line: int
    message: str
    keys: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class PlanError(Exception):
    """The file is readable but not a valid plan (exit 1). `.problems` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PlanFileError(Exception):
    """The file cannot be read as text: missing, a directory, binary, too large (exit 2)."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ExternalChangeError(Exception):
    """The file changed on disk since it was loaded; saving would lose those changes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        super().__init__(
            f"{self.path}: the file changed on disk since it was loaded (a git pull or another "
            "editor?); reload it, or save with force to overwrite those changes"
        )


@dataclass(frozen=True)
class LoadedPlan:
    """A plan together with the exact text it came from, for diff-quiet saves."""

    plan: Plan
    path: Path
    text: str
    digest: str = ""
    lines: Mapping[tuple[str, ...], int] = field(default_factory=dict, repr=False, compare=False)

    def line_of(self, *keys: str) -> int:
        """The line of a key (or of its nearest enclosing table), 1-based."""
        return line_for(self.lines, tuple(keys))


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- reading


def read_text(path: str | os.PathLike[str]) -> tuple[str, str]:
    """The text of a plan file and the digest of its bytes; PlanFileError for anything odd."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise PlanFileError(path, "no such file") from None
    except OSError as err:
        raise PlanFileError(path, f"cannot read: {err.strerror or err}") from None
    if stat.S_ISDIR(st.st_mode):
        raise PlanFileError(path, "is a directory, expected a .toml plan file")
    if not stat.S_ISREG(st.st_mode):
        raise PlanFileError(path, "is not a regular file")
    if st.st_size > MAX_BYTES:
        raise PlanFileError(
            path, f"is {st.st_size / 1e6:.1f} MB; a plan file is at most {MAX_BYTES // 2**20} MB"
        )
    try:
        with p.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as err:
        raise PlanFileError(path, f"cannot read: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        raise PlanFileError(path, f"is larger than {MAX_BYTES // 2**20} MB")
    return decode(data, path), digest_of(data)


def decode(data: bytes, path: str | os.PathLike[str]) -> str:
    """UTF-8 text, or PlanFileError for a binary file."""
    if b"\x00" in data:
        raise PlanFileError(path, "is a binary file (it contains NUL bytes), expected TOML text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise PlanFileError(
            path, f"line {line}: not valid UTF-8 text (byte {err.start}); expected a TOML file"
        ) from None
    return text.removeprefix("\ufeff")


def load_plan(path: str | os.PathLike[str]) -> LoadedPlan:
    """Read and validate a plan file; PlanError lists every problem with its line."""
    text, digest = read_text(path)
    return load_plan_text(text, path, digest=digest)


def load_plan_text(
    text: str, path: str | os.PathLike[str], *, digest: str | None = None
) -> LoadedPlan:
    """Validate plan text from anywhere (e.g. `git show`); `path` names it in messages."""
    name = str(path)
    if len(text) > MAX_BYTES:
        raise PlanFileError(path, f"is larger than {MAX_BYTES // 2**20} MB")
    data = parse_toml(text, name)
    lines = locate_keys(text)
    plan, found = parse_plan(data)
    if plan is None:
        raise PlanError(problems_at(found, lines, name))
    return LoadedPlan(
        plan=plan,
        path=Path(path),
        text=text,
        digest=digest if digest is not None else digest_of(text.encode("utf-8")),
        lines=lines,
    )


def value_from_text(text: str) -> Any:
    """Typed text (`5`, `[3, 5, 8]`, `2027-02-01`, `"a b"`) as a raw TOML value.

    Text that is not one TOML value (a bare word, a malformed date) stays a string, so the
    field's parser answers with its own 'expected ..., found ...' message.
    """
    try:
        parsed = tomllib.loads(f"v = {text}")
    except tomllib.TOMLDecodeError:
        return text
    return parsed["v"] if list(parsed) == ["v"] else text


_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """tomllib, with its syntax error turned into a Problem at tomllib's line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        m = _POS.search(message)
        line = int(m.group(1)) if m else max(1, len(_split_lines(text)))
        detail = _POS.sub("", message).replace("(at end of document)", "").strip().rstrip(".")
        where = f" (column {m.group(2)})" if m else " (at the end of the file)"
        raise PlanError([Problem(name, line, f"TOML syntax error: {detail}{where}")]) from None
    except RecursionError:
        raise PlanError(
            [Problem(name, 1, "TOML syntax error: arrays or tables nested too deeply")]
        ) from None


def problems_at(
    found: list[ParseProblem], lines: Mapping[tuple[str, ...], int], name: str
) -> list[Problem]:
    problems = [Problem(name, line_for(lines, p.keys), p.message, p.keys) for p in found]
    return sorted(problems, key=lambda p: p.line)


def line_for(lines: Mapping[tuple[str, ...], int], keys: tuple[str, ...]) -> int:
    """The line of `keys`, else of the nearest enclosing key or table that is in the file."""
    for n in range(len(keys), 0, -1):
        line = lines.get(tuple(keys[:n]))
        if line is not None:
            return line
    return 1


# ---------------------------------------------------------------- key locator

_BARE = re.compile(r"[A-Za-z0-9_-]+")


class _Scanner:
    """Finds the line of every key and table header in TOML text that tomllib accepted.

    Not a TOML parser: it only follows headers, dotted keys, inline tables and where values
    end (strings, arrays, comments), which is all a line number needs.
    """

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[tuple[str, ...], int] = {}
        self.headers: list[tuple[tuple[str, ...], int]] = []

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i < len(self.s):
                if self.s[self.i] == "\n":
                    self.line += 1
                self.i += 1

    def record(self, keys: tuple[str, ...], line: int) -> None:
        for n in range(1, len(keys) + 1):
            self.lines.setdefault(keys[:n], line)

    def skip_ws(self, newlines: bool = False) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.advance()
            elif c == "#" and newlines:
                self.skip_comment()
            else:
                break

    def skip_comment(self) -> None:
        while self.i < len(self.s) and self.s[self.i] != "\n":
            self.i += 1

    def run(self) -> dict[tuple[str, ...], int]:
        table: tuple[str, ...] = ()
        while self.i < len(self.s):
            self.skip_ws(newlines=True)
            if self.i >= len(self.s):
                break
            c = self.peek()
            if c == "[":
                line = self.line
                double = self.peek(1) == "["
                self.advance(2 if double else 1)
                self.skip_ws()
                table = tuple(self.key())
                self.record(table, line)
                self.headers.append((table, line))
                self.skip_comment()
            else:
                start = self.i
                self.keyval(table)
                self.skip_comment()
                if self.i == start:  # not TOML we understand: never loop forever
                    self.advance()
        return self.lines

    def key(self) -> list[str]:
        parts: list[str] = []
        while self.i < len(self.s):
            self.skip_ws()
            c = self.peek()
            if c in "\"'":
                parts.append(self.string_key())
            else:
                m = _BARE.match(self.s, self.i)
                if not m:
                    break
                parts.append(m.group())
                self.advance(len(m.group()))
            self.skip_ws()
            if self.peek() == ".":
                self.advance()
                continue
            break
        return parts

    def string_key(self) -> str:
        start = self.i
        self.skip_string()
        raw = self.s[start : self.i]
        try:
            return str(tomllib.loads(f"k = {raw}")["k"])
        except (tomllib.TOMLDecodeError, KeyError):
            return raw.strip("\"'")

    def keyval(self, table: tuple[str, ...]) -> None:
        line = self.line
        path = (*table, *self.key())
        self.record(path, line)
        self.skip_ws()
        if self.peek() == "=":
            self.advance()
        self.skip_ws()
        self.value(path)

    def value(self, path: tuple[str, ...]) -> None:
        c = self.peek()
        if c in "\"'":
            self.skip_string()
        elif c == "[":
            self.advance()
            depth = 1
            while self.i < len(self.s) and depth:
                c = self.peek()
                if c in "\"'":
                    self.skip_string()
                elif c == "#":
                    self.skip_comment()
                elif c == "{":
                    self.advance()
                    self.inline_table(None)
                else:
                    depth += {"[": 1, "]": -1}.get(c, 0)
                    self.advance()
        elif c == "{":
            self.advance()
            self.inline_table(path)
        else:
            while self.i < len(self.s) and self.peek() not in ",]}#\n":
                self.advance()

    def inline_table(self, path: tuple[str, ...] | None) -> None:
        while self.i < len(self.s):
            self.skip_ws(newlines=True)
            c = self.peek()
            if c == "}":
                self.advance()
                return
            if c == ",":
                self.advance()
                continue
            if not c:
                return
            line = self.line
            start = self.i
            sub = (*(path or ("",)), *self.key())
            if path is not None:
                self.record(sub, line)
            self.skip_ws()
            if self.peek() == "=":
                self.advance()
            self.skip_ws()
            self.value(sub)
            if self.i == start:  # not TOML we understand: never loop forever
                self.advance()

    def skip_string(self) -> None:
        q = self.peek()
        if self.s.startswith(q * 3, self.i):
            end = self.s.find(q * 3, self.i + 3)
            end = len(self.s) if end < 0 else end + 3
            while self.i < len(self.s) and self.s[end : end + 1] == q:  # """a"""" ends late
                end += 1
            self.advance(end - self.i)
            return
        self.advance()
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\" and q == '"':
                self.advance(2)
            elif c == q:
                self.advance()
                return
            elif c == "\n":
                return
            else:
                self.advance()


def _split_lines(text: str) -> list[str]:
    """Lines with their endings, split on "\n" only, as TOML and git count them
    (str.splitlines would also split on \x85, \u2028 and friends inside strings)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def locate_keys(text: str) -> dict[tuple[str, ...], int]:
    """Map every key path and table header in `text` to its first line (1-based)."""
    return _Scanner(text).run()


# ---------------------------------------------------------------- writing


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Write via a temporary file in the same folder, fsync and rename: never half a file."""
    p = Path(path)
    mode = None
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(p.stat().st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(p.parent or ".", os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# ---------------------------------------------------------------- style-preserving saves


class SaveError(PlanFileError):
    """The edited text would not read back as the plan being saved; nothing is written.

    A PlanFileError so every caller that handles file errors handles this too.
    """


def file_changed(loaded: LoadedPlan) -> bool:
    """True when the file on disk is not the one `loaded` was read from (or is gone)."""
    try:
        data = Path(loaded.path).read_bytes()
    except OSError:
        return True
    return digest_of(data) != loaded.digest


def save_plan(loaded: LoadedPlan, new_plan: Plan, *, force: bool = False) -> LoadedPlan:
    """Write `new_plan` over the file `loaded` came from, changing only what changed.

    Raises ExternalChangeError when the file changed on disk since it was loaded (unless
    `force`), PlanError when `new_plan` is not valid (nothing is written then), and
    PlanFileError when the folder cannot be written. Returns the plan as now on disk.
    """
    if not force and file_changed(loaded):
        raise ExternalChangeError(loaded.path)
    text = render_plan_changes(loaded.text, loaded.plan, new_plan)
    saved = load_plan_text(text, loaded.path)
    _check_round_trip(saved.plan, new_plan, loaded.path)
    try:
        atomic_write(loaded.path, text)
    except OSError as err:
        raise PlanFileError(loaded.path, f"cannot write: {err.strerror or err}") from None
    return saved


def write_new_plan(path: str | os.PathLike[str], text: str) -> LoadedPlan:
    """Create a plan file from text after validating it; refuses to overwrite anything."""
    loaded = load_plan_text(text, path)
    p = Path(path)
    if p.exists() or p.is_symlink():
        raise PlanFileError(path, "already exists; refusing to overwrite it")
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise PlanFileError(path, "already exists; refusing to overwrite it") from None
    except OSError as err:
        raise PlanFileError(path, f"cannot create: {err.strerror or err}") from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    return loaded


def _check_round_trip(saved: Plan, wanted: Plan, path: str | os.PathLike[str]) -> None:
    """Nothing is written unless the new text reads back as the plan that was asked for."""
    from roadmap_tui.model.parse import override_toml

    def fixed(est: Any) -> Any:
        if est is not None and est.low == est.likely == est.high:
            return replace(est, distribution="fixed")
        return est

    def items(plan: Plan) -> dict[str, Any]:
        return {
            i.id: replace(i, estimate=fixed(i.estimate), remaining=fixed(i.remaining))
            for i in plan.items
        }

    def risks(plan: Plan) -> dict[str, Any]:
        return {r.id: replace(r, delay=fixed(r.delay)) for r in plan.risks}

    def overrides(scenario: Any) -> list[tuple[Any, ...]]:
        # As written: an estimate override takes its distribution from the item when read.
        return sorted(
            (o.section, o.id, o.field, repr(override_toml(o))) for o in scenario.overrides
        )

    def norm(plan: Plan) -> tuple[Any, ...]:
        return (
            plan.name,
            plan.start,
            plan.workdays,
            plan.holidays,
            plan.as_of,
            plan.runs,
            plan.seed,
            plan.calibrate,
            plan.priority,
            items(plan),
            risks(plan),
            {s.id: (s.title, overrides(s)) for s in plan.scenarios},
        )

    if norm(saved) != norm(wanted):
        raise SaveError(path, "the edited file would not read back as the plan being saved")


def render_plan_changes(text: str, old: Plan, new: Plan) -> str:
    """`text` (which reads as `old`) edited to read as `new`, touching only what differs."""
    import tomlkit

    from roadmap_tui.model import parse as P

    # Whole tables go in and out as text, so neighbouring comments and spacing stay put.
    for section, old_ids, new_ids in (
        ("items", old.item_by_id, new.item_by_id),
        ("risks", old.risk_by_id, new.risk_by_id),
        ("scenarios", old.scenario_by_id, new.scenario_by_id),
    ):
        for table_id in old_ids:
            if table_id not in new_ids:
                text = _remove_table(text, (section, table_id))
    added = [
        ("items", f"[items.{i.id}]", P.item_to_toml(i))
        for i in new.items
        if i.id not in old.item_by_id
    ]
    added += [
        ("risks", f"[risks.{r.id}]", P.risk_to_toml(r))
        for r in new.risks
        if r.id not in old.risk_by_id
    ]
    added += [
        ("scenarios", f"[scenarios.{s.id}]", _scenario_toml(s))
        for s in new.scenarios
        if s.id not in old.scenario_by_id
    ]
    for section, header, table in added:
        text = _append_table(text, section, header, table)

    doc = tomlkit.parse(text)
    moves = _edit_settings(doc, old, new)
    for item in new.items:
        before = old.item_by_id.get(item.id)
        if before is not None and before != item:
            table = doc["items"][item.id]
            for field in P.ITEM_FIELDS:
                if field == "distribution":
                    # Compared with the file: a `distribution` beside a one-number estimate
                    # means nothing and stays; otherwise the file must say what the item uses.
                    want = P.three_point_distribution(item)
                    have = table.get("distribution")
                    if want is not None and have != want and (have is not None or want != "pert"):
                        after = _set_key(table, field, want, P.ITEM_FIELDS)
                        moves.append((("items", item.id), field, after))
                    continue
                a, b = P.item_field_toml(before, field), P.item_field_toml(item, field)
                if a != b:
                    default = P.ITEM_SPECS[field].default
                    if b is None and field in table and default not in (None, ()):
                        b = P._num(default) if isinstance(default, float) else default
                    after = _set_key(table, field, b, P.ITEM_FIELDS)
                    moves.append((("items", item.id), field, after))
    for risk in new.risks:
        before = old.risk_by_id.get(risk.id)
        if before is not None and before != risk:
            table = doc["risks"][risk.id]
            for field in P.RISK_FIELDS:
                a, b = P.risk_field_toml(before, field), P.risk_field_toml(risk, field)
                if a != b:
                    after = _set_key(table, field, b, P.RISK_FIELDS)
                    moves.append((("risks", risk.id), field, after))
    for scenario in new.scenarios:
        before = old.scenario_by_id.get(scenario.id)
        if before is not None and before != scenario:
            _edit_scenario(doc["scenarios"][scenario.id], before, scenario)
    text = doc.as_string()
    for table_path, key, after in moves:
        if after is not None:
            text = _move_after(text, (*table_path, key), (*table_path, after))
    return text


def _move_after(text: str, key: tuple[str, ...], after: tuple[str, ...]) -> str:
    """Move the one-line `key = value` at `key` to just below the value of `after`."""
    lines = _split_lines(text)
    located = locate_keys(text)
    if key not in located or after not in located:
        return text
    line = lines.pop(located[key] - 1)
    if not line.endswith("\n"):
        line += "\n"
    start = located[after] - 1
    if start > located[key] - 1:
        start -= 1
    # The predecessor's value may span lines (a multi-line array): its end is the last line
    # before the next key, header, comment or blank line at the table's level.
    end = start
    starts = {n - 1 for n in located.values()}
    depth = _bracket_depth(lines[start])
    while depth > 0 and end + 1 < len(lines) and end + 1 not in starts:
        end += 1
        depth += _bracket_depth(lines[end])
    lines.insert(end + 1, line)
    return "".join(lines)


def _bracket_depth(line: str) -> int:
    """Net open brackets on a line, ignoring strings and comments (a rough but safe count)."""
    depth = 0
    quote = ""
    for ch in line:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth


def _edit_settings(doc: Any, old: Plan, new: Plan) -> list[tuple[tuple[str, ...], str, str | None]]:
    from roadmap_tui.model import parse as P

    def val(x: Any) -> Any:
        if isinstance(x, tuple):
            return list(x)
        return P._num(x) if isinstance(x, float) else x

    changes: list[tuple[str, str, Any, tuple[str, ...]]] = []
    for name in P.PLAN_FIELDS:
        if getattr(old, name) != getattr(new, name):
            changes.append(("plan", name, val(getattr(new, name)), P.PLAN_FIELDS))
    for name in P.FORECAST_FIELDS:
        if getattr(old, name) != getattr(new, name):
            changes.append(("forecast", name, getattr(new, name), P.FORECAST_FIELDS))
    a, b = old.priority, new.priority
    if a.method != b.method:
        changes.append(("priority", "method", b.method, P.PRIORITY_FIELDS))
    if a.inherit != b.inherit:
        changes.append(("priority", "inherit", b.inherit, P.PRIORITY_FIELDS))
    for name in P.FACTORS:
        if a.weights.get(name) != b.weights.get(name):
            changes.append(("priority", name, val(float(b.weights[name])), P.PRIORITY_FIELDS))
    moves = []
    for section, name, value, order in changes:
        if section not in doc:
            import tomlkit

            doc.add(section, tomlkit.table())
        moves.append(((section,), name, _set_key(doc[section], name, value, order)))
    return moves


def _set_key(table: Any, key: str, value: Any, order: tuple[str, ...]) -> str | None:
    """Set, append or delete one key, keeping its comment.

    A new key is appended (tomlkit's public API); the key it should follow in canonical
    order is returned, and `_move_after` puts its line there in the text, because tomlkit has
    no public insert-after and its private one changed between releases.
    """
    import tomlkit

    if value is None:
        if key in table:
            del table[key]
        return None
    new = _toml_item(value)
    if key in table:
        old = table.value.item(key) if hasattr(table, "value") else table.item(key)
        trivia = getattr(old, "trivia", None)
        if trivia is not None:
            new.trivia.indent = trivia.indent
            new.trivia.comment_ws = trivia.comment_ws
            new.trivia.comment = trivia.comment
        table[key] = new
        return None
    table.add(tomlkit.key(key), new)
    position = order.index(key) if key in order else len(order)
    return next((b for b in reversed(order[:position]) if b in table), None)


def _toml_item(value: Any) -> Any:
    import tomlkit

    if isinstance(value, Mapping):
        inline = tomlkit.inline_table()
        for k, v in value.items():
            inline[k] = v
        return inline
    return tomlkit.item(value)


def _scenario_toml(scenario: Any) -> dict[str, Any]:
    from roadmap_tui.model.parse import override_toml

    out: dict[str, Any] = {"title": scenario.title}
    for o in scenario.overrides:
        out[f"{o.section}.{o.id}.{o.field}"] = override_toml(o)
    return out


def _edit_scenario(table: Any, old: Any, new: Any) -> None:
    import tomlkit

    from roadmap_tui.model.parse import override_toml

    if old.title != new.title:
        _set_key(table, "title", new.title, ("title",))
    old_map = {(o.section, o.id, o.field): o for o in old.overrides}
    new_map = {(o.section, o.id, o.field): o for o in new.overrides}
    for key in old_map:
        if key not in new_map:
            section, target, field = key
            del table[section][target][field]
            if not table[section][target]:
                del table[section][target]
            if not table[section]:
                del table[section]
    for key, o in new_map.items():
        if old_map.get(key) == o:
            continue
        section, target, field = key
        value = override_toml(o)
        if section in table and target in table[section] and field in table[section][target]:
            _set_key(table[section][target], field, value, ())
        elif section in table and target in table[section]:
            table[section][target].add(tomlkit.key(field), _toml_item(value))
        elif section in table:
            table[section].add(tomlkit.key([target, field]), _toml_item(value))
        else:
            table.add(tomlkit.key([section, target, field]), _toml_item(value))


def render_table(header: str, table: Mapping[str, Any]) -> str:
    """A table in the canonical layout: header, then one `key = value` line per key."""
    lines = [header]
    for key, value in table.items():
        lines.append(f"{key} = {_toml_item(value).as_string()}")
    return "\n".join(lines) + "\n"


def _regions(text: str) -> list[tuple[tuple[str, ...], int, int]]:
    """Every table header with the 0-based line range [start, end) of its table."""
    scanner = _Scanner(text)
    scanner.run()
    headers = scanner.headers
    total = len(_split_lines(text))
    return [
        (keys, line - 1, headers[n + 1][1] - 1 if n + 1 < len(headers) else total)
        for n, (keys, line) in enumerate(headers)
    ]


def _content_end(lines: list[str], start: int, end: int) -> int:
    """One past the last line of [start, end) that is neither blank nor a comment."""
    last = start
    for n in range(start, end):
        stripped = lines[n].strip()
        if stripped and not stripped.startswith("#"):
            last = n
    return last + 1


def _remove_table(text: str, keys: tuple[str, ...]) -> str:
    """Delete the table `keys` (and its sub-tables) with the blank lines after it.

    Comment lines after its last key are kept: they usually introduce the next table.
    """
    regions = _regions(text)
    spans = [(a, b) for k, a, b in regions if k[: len(keys)] == keys]
    if not spans:
        import tomlkit

        doc = tomlkit.parse(text)
        container = doc
        for key in keys[:-1]:
            container = container[key]
        del container[keys[-1]]
        return doc.as_string()
    lines = _split_lines(text)
    start = min(a for a, _ in spans)
    stop = max(b for _, b in spans)
    end = _content_end(lines, start, stop)
    while end < stop and not lines[end].strip():
        end += 1
    return "".join(lines[:start] + lines[end:])


def _append_table(text: str, section: str, header: str, table: Mapping[str, Any]) -> str:
    """Insert a new table after the last table of its section (or where that section goes)."""
    rendered = render_table(header, table)
    regions = _regions(text)
    lines = _split_lines(text)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    mine = [b for k, _, b in regions if k[:1] == (section,)]
    later = {"items": ("risks", "scenarios"), "risks": ("scenarios",), "scenarios": ()}[section]
    if mine:
        last = max(a for k, a, _ in regions if k[:1] == (section,))
        at = _content_end(lines, last, max(mine))
    else:
        follow = [a for k, a, _ in regions if k[:1] and k[0] in later]
        at = min(follow) if follow else len(lines)
        while at > 0 and lines[at - 1].lstrip().startswith("#"):
            at -= 1  # comments right above the next section's header belong to it
        while at > 0 and not lines[at - 1].strip():
            at -= 1
    block = _split_lines(rendered)
    if at > 0:
        block.insert(0, "\n")
    if at < len(lines) and lines[at].strip():
        block.append("\n")
    return "".join(lines[:at] + block + lines[at:])


# ---------------------------------------------------------------- canonical layout (`fmt`)


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
    lines = _split_lines(text)
    for _, start, _ in reversed(_regions(text)):
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
    """Put a plan file in the canonical layout; True if it was not (`check`: write nothing)."""
    text, digest = read_text(path)
    out = format_canonical(text, path)
    if out == text:
        return False
    if not check:
        loaded = load_plan_text(text, path, digest=digest)
        if file_changed(loaded):
            raise ExternalChangeError(path)
        try:
            atomic_write(path, out)
        except OSError as err:
            raise PlanFileError(path, f"cannot write: {err.strerror or err}") from None
    return True


def template_text(name: str) -> str:
    """A bundled plan template (`ai-feature`, `blank`)."""
    from importlib import resources

    if name not in TEMPLATES:
        raise KeyError(name)
    return (resources.files("roadmap_tui") / "templates" / f"{name}.toml").read_text("utf-8")


TEMPLATES: tuple[str, ...] = ("ai-feature", "blank")
