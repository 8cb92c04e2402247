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


def run_git(
    args: list[str],
    cwd: Path,
    error: type[Exception],
    needed_for: str,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """git, quiet and in the C locale; `error` if git is not installed."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat"},
        )
    except FileNotFoundError as exc:
        raise error(f"git is not installed (needed for {needed_for})") from exc


def locate_in_repo(
    path: Path, error: type[Exception], why: str, needed_for: str
) -> tuple[Path, str]:
    """The repository's top folder and `path` relative to it; `error` naming `why` if the
    path is in no repository."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise error(f"{path}: folder does not exist")
    top = run_git(["rev-parse", "--show-toplevel"], folder, error, needed_for)
    if top.returncode != 0:
        raise error(f"{path}: not inside a git repository{why}")
    root = Path(top.stdout.decode("utf-8", "replace").strip()).resolve()
    try:
        rel = path.resolve().relative_to(root).as_posix()
    except ValueError as exc:
        raise error(f"{path}: not inside the git repository {root}") from exc
    return root, rel


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return run_git(args, cwd, GitRevError, "--rev")


def read_at_rev(path: str | Path, rev: str) -> str:
    """The text of `path` at revision `rev` of the repository that holds it."""
    path = Path(path)
    root, rel = locate_in_repo(path, GitRevError, f" (needed for --rev {rev})", "--rev")
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
