"""Atomic writes: a temporary file in the same folder, fsync, rename; never half a file.

The file written is the one the path names after following symlinks, so a symlinked plan
stays a symlink; its mode and (where the process may) its owner are kept. A file with
several hard links is rewritten in place instead, since a rename would cut it off from its
other names (that write is not atomic; docs/format.md says so).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

#: Temporary files are `.NAME.PID.RANDOM.tmp`; the PID tells a live writer from a dead one.
TMP_SUFFIX = ".tmp"


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write `data` (text is written as UTF-8, line endings as they are) over `path`."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    target = Path(os.path.realpath(path))
    try:
        st = target.stat()
    except FileNotFoundError:
        st = None
    if st is not None and st.st_nlink > 1:
        _write_in_place(target, content)
        return
    folder = target.parent
    remove_stale_temporaries(target)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=TMP_SUFFIX, dir=folder
    )
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        if st is not None:
            os.chmod(tmp, st.st_mode & 0o7777)
            if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _write_in_place(target: Path, content: bytes) -> None:
    with open(target, "r+b") as f:
        f.write(content)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Delete `.NAME.PID.*.tmp` files left by writers that were killed (their PID is gone)."""
    removed = []
    for tmp in target.parent.glob(f".{target.name}.*{TMP_SUFFIX}"):
        pid_text = tmp.name[len(target.name) + 2 :].split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
