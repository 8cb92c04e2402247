"""Errors of plan files: every problem carries its path and line (`PATH:LINE: message`)."""

from __future__ import annotations

import os
from dataclasses import dataclass


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

    def __init__(
        self, path: str | os.PathLike[str], reason: str, *, line: int | None = None
    ) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {reason}")


class ExternalChangeError(Exception):
    """The file changed on disk since it was loaded; saving would lose those changes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        super().__init__(
            f"{self.path}: the file changed on disk since it was loaded (a git pull or another "
            "editor?); reload it, or save with force to overwrite those changes"
        )


class SaveError(PlanFileError):
    """The edited text would not read back as the plan being saved; nothing is written.

    A PlanFileError so every caller that handles file errors handles this too.
    """
