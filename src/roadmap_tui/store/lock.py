"""An advisory lock per plan file, so two saves (two `roadmap set`s, the editor and a script)
never interleave their read-modify-write and lose an update.

The lock is `flock` on the plan file itself: no lock file is left behind for git to see. A
save replaces the file by rename, so whoever waited on the old inode checks, once it holds
the lock, that the path still names that inode, and otherwise locks the new one. So the
rename must be the last thing a holder does: after it, a newcomer may lock the new file. The lock is
re-entrant within a thread (save_plan inside a locked `roadmap set`). Where `fcntl` does not
exist (Windows) saves stay atomic but are not serialised.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator

from roadmap_tui.store.errors import PlanFileError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

#: How long a save waits for another one to finish before giving up.
LOCK_TIMEOUT = 10.0

_local = threading.local()  # re-entrant per thread: another thread waits like another process


def _held() -> dict[str, int]:
    if not hasattr(_local, "held"):
        _local.held = {}
    return _local.held


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the plan's lock for the block; PlanFileError if it stays locked past `timeout`.

    A missing file has nothing to lock: the block runs, and reading or writing it reports.
    """
    key = os.path.realpath(path)
    held = _held()
    if key in held:
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    fd = _acquire(key, path, timeout)
    held[key] = 1
    try:
        yield
    finally:
        del held[key]
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the flock


def _acquire(key: str, path: str | os.PathLike[str], timeout: float) -> int | None:
    if fcntl is None:
        return None
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(key, os.O_RDONLY)
        except OSError:
            return None  # missing or unreadable: the read or write that follows says so
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise PlanFileError(
                        path, f"another process has been saving it for over {timeout:.0f} s"
                    ) from None
                time.sleep(0.01)
        try:
            same = os.stat(key).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # replaced while we waited: lock the file that is there now
