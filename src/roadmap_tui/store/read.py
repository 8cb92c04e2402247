"""Reading plans: bytes -> text -> TOML -> `model.parse`, each problem at the line of its key."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from roadmap_tui.model.parse import ParseProblem, parse_plan
from roadmap_tui.model.types import Plan
from roadmap_tui.store import toml
from roadmap_tui.store.errors import PlanError, PlanFileError, Problem
from roadmap_tui.store.keys import deepest_line, locate_keys, split_lines

#: A plan larger than this is not a plan (and would make every command slow).
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class LoadedPlan:
    """A plan together with the exact text it came from, for diff-quiet saves."""

    plan: Plan
    path: Path
    text: str
    digest: str = ""
    #: The file began with a UTF-8 byte order mark (kept on save; `text` is without it).
    bom: bool = False

    @cached_property
    def lines(self) -> Mapping[tuple[str, ...], int]:
        """The line of every key, found when first asked: a valid plan seldom needs them,
        and the scan costs as much as parsing (0.3 s at 5,000 items)."""
        return locate_keys(self.text)

    def line_of(self, *keys: str) -> int:
        """The line of a key (or of its nearest enclosing table), 1-based."""
        return line_for(self.lines, tuple(keys))


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


BOM = "\ufeff"


def file_bytes(text: str, bom: bool) -> bytes:
    """The bytes a plan's text is saved as: UTF-8, with the byte order mark it was read with."""
    return ((BOM if bom else "") + text).encode("utf-8")


def read_text(path: str | os.PathLike[str]) -> tuple[str, str]:
    """The text of a plan file and the digest of its bytes; PlanFileError for anything odd."""
    data = read_bytes(path)
    return decode(data, path), digest_of(data)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a plan file; PlanFileError for a missing, special or oversized file."""
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
    return data


def decode(data: bytes, path: str | os.PathLike[str]) -> str:
    """UTF-8 text, or PlanFileError for a binary file."""
    if b"\x00" in data:
        raise PlanFileError(path, "is a binary file (it contains NUL bytes), expected TOML text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise PlanFileError(
            path, f"not valid UTF-8 text (byte {err.start}); expected a TOML file", line=line
        ) from None
    return text.removeprefix(BOM)


def load_plan(path: str | os.PathLike[str]) -> LoadedPlan:
    """Read and validate a plan file; PlanError lists every problem with its line."""
    data = read_bytes(path)
    loaded = load_plan_text(decode(data, path), path, digest=digest_of(data))
    return replace(loaded, bom=data.startswith(BOM.encode("utf-8")))


def load_plan_text(
    text: str, path: str | os.PathLike[str], *, digest: str | None = None
) -> LoadedPlan:
    """Validate plan text from anywhere (e.g. `git show`); `path` names it in messages."""
    name = str(path)
    if len(text) > MAX_BYTES:
        raise PlanFileError(path, f"is larger than {MAX_BYTES // 2**20} MB")
    data = parse_toml(text, name)
    plan, found = parse_plan(data)
    if plan is None:
        raise PlanError(problems_at(found, locate_keys(text), name))
    return LoadedPlan(
        plan=plan,
        path=Path(path),
        text=text,
        digest=digest if digest is not None else digest_of(text.encode("utf-8")),
    )


def value_from_text(text: str) -> Any:
    """Typed text (`5`, `[3, 5, 8]`, `2027-02-01`, `"a b"`) as a raw TOML value.

    Text that is not one TOML value (a bare word, a malformed date) stays a string, so the
    field's parser answers with its own 'expected ..., found ...' message.
    """
    try:
        parsed = toml.loads(f"v = {text}")
    except (ValueError, RecursionError):  # TOMLDecodeError, or an integer of 4,300+ digits
        return text
    return parsed["v"] if list(parsed) == ["v"] else text


_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """TOML (tomli or tomllib), with a syntax error turned into a Problem at its line."""
    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as err:
        message = str(err)
        m = _POS.search(message)
        line = int(m.group(1)) if m else max(1, len(split_lines(text)))
        detail = _POS.sub("", message).replace("(at end of document)", "").strip().rstrip(".")
        where = f" (column {m.group(2)})" if m else " (at the end of the file)"
        raise PlanError([Problem(name, line, f"TOML syntax error: {detail}{where}")]) from None
    except ValueError:  # an integer longer than Python converts (4,300 digits)
        digits = re.search(r"\d{4301}", text)
        line = text.count("\n", 0, digits.start()) + 1 if digits else 1
        raise PlanError(
            [Problem(name, line, "TOML syntax error: a number of more than 4,300 digits")]
        ) from None
    except RecursionError:
        line = deepest_line(text)
        raise PlanError(
            [Problem(name, line, "TOML syntax error: arrays or tables nested too deeply")]
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
