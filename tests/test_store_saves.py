"""Saves that survive real life: concurrent writers, symlinks, hard links, owners, BOMs, CRLF,
killed writers' temporaries, and an export pointed at the plan it reads."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import invoke, roadmap_argv
from roadmap_tui import store
from roadmap_tui.model import parse


def _edit(path: Path, seed: int) -> store.LoadedPlan:
    loaded = store.load_plan(path)
    return store.save_plan(loaded, replace(loaded.plan, seed=seed))


# ---------------------------------------------------------------- concurrent writers


def test_two_concurrent_sets_on_different_fields_both_land(plan_file: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    for trial in range(8):
        a = subprocess.Popen(
            roadmap_argv("set", str(plan_file), "kickoff.owner", f'"ann{trial}"'),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        b = subprocess.Popen(
            roadmap_argv("set", str(plan_file), "collect-tickets.impact", str(1 + trial % 5)),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert a.wait(60) == 0, a.stderr.read() if a.stderr else ""
        assert b.wait(60) == 0, b.stderr.read() if b.stderr else ""
        plan = store.load_plan(plan_file).plan
        assert plan.item("kickoff").owner == f"ann{trial}", f"trial {trial} lost the owner"
        assert plan.item("collect-tickets").impact == 1 + trial % 5, f"trial {trial} lost impact"


def test_a_save_waits_for_the_lock_and_then_refuses_a_stale_plan(plan_file: Path) -> None:
    stale = store.load_plan(plan_file)
    released = threading.Event()

    def hold() -> None:
        with store.locked(plan_file):
            time.sleep(0.3)
            _edit(plan_file, 1)  # re-entrant: save_plan takes the same lock again
            released.set()

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(0.1)
    with pytest.raises(store.ExternalChangeError):
        store.save_plan(stale, replace(stale.plan, seed=2))
    assert released.is_set(), "the save did not wait for the lock"
    thread.join()
    assert store.load_plan(plan_file).plan.seed == 1


def test_a_lock_held_too_long_is_a_clear_error(plan_file: Path) -> None:
    import fcntl

    fd = os.open(plan_file, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process, as far as the lock can tell
    try:
        child = subprocess.run(
            [
                *roadmap_argv()[:1],
                "-c",
                "import sys; from roadmap_tui import store\n"
                "try:\n"
                f"    with store.locked({str(plan_file)!r}, timeout=0.2): pass\n"
                "except store.PlanFileError as e: print(e); sys.exit(3)",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(fd)
    assert child.returncode == 3
    assert child.stdout.strip() == f"{plan_file}: another process has been saving it for over 0 s"


# ---------------------------------------------------------------- links and owners


def test_a_symlinked_plan_stays_a_symlink(tmp_path: Path, plan_file: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(plan_file.name)
    saved = _edit(link, 7)
    assert link.is_symlink()
    assert store.load_plan(plan_file).plan.seed == 7
    assert saved.plan.seed == 7
    _edit(link, 8)  # the digest of the saved plan is the file's: a second save works
    assert store.load_plan(plan_file).plan.seed == 8


def test_a_hard_linked_plan_keeps_its_links(tmp_path: Path, plan_file: Path) -> None:
    other = tmp_path / "other.toml"
    os.link(plan_file, other)
    _edit(plan_file, 9)
    assert os.stat(plan_file).st_ino == os.stat(other).st_ino
    assert store.load_plan(other).plan.seed == 9


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_a_save_keeps_the_owner_and_mode(plan_file: Path) -> None:
    os.chown(plan_file, 4321, 4322)
    os.chmod(plan_file, 0o640)
    _edit(plan_file, 3)
    st = os.stat(plan_file)
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (4321, 4322, 0o640)


# ---------------------------------------------------------------- encodings and line endings


def test_a_byte_order_mark_is_kept(plan_file: Path) -> None:
    original = plan_file.read_bytes()
    plan_file.write_bytes(b"\xef\xbb\xbf" + original)
    loaded = store.load_plan(plan_file)
    assert loaded.bom
    item = parse.update_item(loaded.plan.item("collect-tickets"), "impact", 2)
    saved = store.save_plan(loaded, loaded.plan.with_item(item))
    after = plan_file.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    diff = [
        (a, b) for a, b in zip(original.split(b"\n"), after[3:].split(b"\n"), strict=True) if a != b
    ]
    assert diff == [(b"impact = 4", b"impact = 2")]
    assert saved.digest == store.digest_of(after)
    assert not store.file_changed(saved)


def test_crlf_files_stay_crlf_with_inserted_lines(plan_file: Path) -> None:
    plan_file.write_bytes(plan_file.read_bytes().replace(b"\n", b"\r\n"))
    loaded = store.load_plan(plan_file)
    item = parse.update_item(loaded.plan.item("kickoff"), "owner", "ann")
    store.save_plan(loaded, loaded.plan.with_item(item))
    data = plan_file.read_bytes()
    assert b'owner = "ann"\r\n' in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert data.count(b"\n") == len(loaded.text.split("\r\n"))  # one line more


def test_fmt_keeps_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    text = (
        '[plan]\r\nstart = 2027-01-04\r\nname = "X"\r\n[items.a]\r\nestimate = 3\r\ntitle = "A"\r\n'
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert store.format_file(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert not store.format_file(path, check=True)


def test_non_utf8_is_reported_at_path_colon_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[plan]\nname = "X"\n# caf\xe9\n'.encode("latin-1"))
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:3: not valid UTF-8")


# ---------------------------------------------------------------- temporaries of killed writers


def test_temporaries_of_dead_writers_are_removed_and_live_ones_kept(plan_file: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = plan_file.parent / f".{plan_file.name}.{dead.pid}.abc123.tmp"
    live = plan_file.parent / f".{plan_file.name}.1.def456.tmp"  # pid 1 always exists
    other = plan_file.parent / ".other.toml.999999.x.tmp"
    for path in (stale, live, other):
        path.write_text("half a plan")
    _edit(plan_file, 5)
    assert not stale.exists()
    assert live.exists() and other.exists()


def test_a_killed_save_leaves_a_temporary_named_for_its_writer(
    plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def crash(src: str, dst: str) -> None:
        seen.append(os.path.basename(src))
        raise KeyboardInterrupt

    monkeypatch.setattr(store.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        _edit(plan_file, 4)
    assert seen and seen[0].startswith(f".{plan_file.name}.{os.getpid()}.")
    assert seen[0].endswith(".tmp")


# ---------------------------------------------------------------- export onto its own input


@pytest.mark.parametrize("spelling", ["{p}", "{p}/", "./{name}", "{link}"])
def test_export_never_overwrites_the_plan_it_reads(
    plan_file: Path, tmp_path: Path, spelling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    link = tmp_path / "alias.toml"
    link.symlink_to(plan_file)
    before = plan_file.read_bytes()
    target = spelling.format(p=plan_file, name=plan_file.name, link=link)
    result = invoke("export", str(plan_file), "--format", "md", "-o", target, "--runs", "50")
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.stderr or "not a folder" in result.stderr
    assert plan_file.read_bytes() == before


def test_export_with_the_toml_format_to_another_file_still_works(
    plan_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "snapshot.toml"
    result = invoke("export", str(plan_file), "--format", "toml", "-o", str(out), "--runs", "50")
    assert result.exit_code == 0, result.stderr
    assert out.read_text().strip()
