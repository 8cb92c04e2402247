"""Read a plan as it was at a git revision (`git show REV:path`), for `roadmap diff --rev`.

Every failure (no git, not a repository, unknown revision, file not in that revision) becomes
a `GitRevError` with a message the CLI prints as is.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitRevError(Exception):
    """Why a file could not be read at a revision."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError as exc:
        raise GitRevError("git is not installed (needed for --rev)") from exc


def read_at_rev(path: str | Path, rev: str) -> str:
    """The text of `path` at revision `rev` of the repository that holds it."""
    path = Path(path)
    folder = path.resolve().parent
    if not folder.is_dir():
        raise GitRevError(f"{path}: folder does not exist")
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise GitRevError(f"{path}: not inside a git repository (needed for --rev {rev})")
    root = Path(top.stdout.decode("utf-8", "replace").strip()).resolve()
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except ValueError as exc:
        raise GitRevError(f"{path}: not inside the git repository {root}") from exc
    if rev.startswith("-"):
        raise GitRevError(f"{rev}: not a valid revision")
    check = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    if check.returncode != 0:
        raise GitRevError(f"{rev}: unknown revision in {root}")
    shown = _git(["show", f"{rev}:{rel}"], root)
    if shown.returncode != 0:
        raise GitRevError(f"{path}: does not exist at revision {rev} (as {rel})")
    try:
        return shown.stdout.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GitRevError(f"{path}@{rev}: not UTF-8 text") from exc
