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
from dataclasses import dataclass, field
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


_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """tomllib, with its syntax error turned into a Problem at tomllib's line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        m = _POS.search(message)
        line = int(m.group(1)) if m else max(1, text.count("\n") + 1)
        detail = _POS.sub("", message).strip().rstrip(".")
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
                self.skip_comment()
            else:
                self.keyval(table)
                self.skip_comment()
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
