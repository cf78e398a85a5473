"""Issue 13: faults while kg writes a file atomically (kg.utils.files).

A writer killed by SIGKILL leaves its temporary file beside the target; the next write to the
same target removes it, and never a running writer's. A full disk or a folder that cannot be
written is an OutputError naming the file or the folder, and the earlier file stays as it was.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FullDisk

import kg.utils.files
from kg.errors import OutputError
from kg.utils.files import LEFTOVER_AGE, atomic_file, remove_leftovers, write_atomic

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys, time
from kg.utils.files import atomic_file
with atomic_file(sys.argv[1]) as f:
    f.write("half a page")
    f.flush()
    print("writing", flush=True)
    time.sleep(60)
"""
"""A writer that stops in the middle of writing ``argv[1]`` (until it is killed)."""


def start_writer(target: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline() == "writing\n"  # its temporary file is there and locked
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait(timeout=30)
    proc.stdout.close()


def temporary_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_writer_killed_by_sigkill_leaves_a_file_the_next_write_removes(tmp_path):
    target = tmp_path / "out.html"
    target.write_text("old page", encoding="utf-8")
    proc = start_writer(target)
    try:
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        stop(proc)
    left = temporary_files(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".out.html.{proc.pid}.")  # what a kill -9 leaves
    assert target.read_text(encoding="utf-8") == "old page"

    write_atomic(target, "new page")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]
    assert target.read_text(encoding="utf-8") == "new page"


def test_a_running_writers_file_is_kept(tmp_path):
    target = tmp_path / "out.html"
    proc = start_writer(target)
    try:
        theirs = temporary_files(tmp_path)
        write_atomic(target, "mine")
        assert temporary_files(tmp_path) == theirs  # locked by a live writer: left alone
        assert target.read_text(encoding="utf-8") == "mine"
    finally:
        stop(proc)
    assert remove_leftovers(target) == [tmp_path / theirs[0]]  # once it is gone, it is a leftover
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    return proc.pid


def test_leftovers_by_hand_dead_pid_and_old_format(tmp_path):
    target = tmp_path / "report.md"
    stale = LEFTOVER_AGE + 60
    files = {
        f".report.md.{dead_pid()}.0123456789ab.tmp": 0,  # its writer is gone: removed
        f".report.md.{os.getpid()}.0123456789ac.tmp": 0,  # this process runs, unlocked, new: kept
        f".report.md.{os.getpid()}.0123456789ad.tmp": stale,  # unlocked and old: the pid was reused
        ".report.md.0123456789ae.tmp": stale,  # the format before pids, old: removed
        ".report.md.0123456789af.tmp": 0,  # the format before pids, recent: kept (may be writing)
        ".other.md.1.0123456789ab.tmp": stale,  # another target's: never touched
        ".report.md.tmp": stale,  # not kg's pattern
        "notes.txt": stale,
    }
    for name, age in files.items():
        (tmp_path / name).write_text("x", encoding="utf-8")
        os.utime(tmp_path / name, (time.time() - age, time.time() - age))
    removed = sorted(p.name for p in remove_leftovers(target))
    assert removed == sorted([n for n in files if n.endswith(("ab.tmp", "ad.tmp", "ae.tmp"))
                              and n.startswith(".report.md.")])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(set(files) - set(removed))


def test_a_leftover_that_is_not_a_regular_file_is_left_alone(tmp_path):
    fifo = tmp_path / f".out.html.{dead_pid()}.0123456789ab.tmp"
    os.mkfifo(fifo)  # opening it for reading would block: kg opens it non-blocking and skips it
    assert remove_leftovers(tmp_path / "out.html") == []
    assert fifo.exists()


@pytest.mark.parametrize("existed", [True, False], ids=["replacing", "new"])
def test_a_full_disk_while_writing_keeps_the_earlier_file(tmp_path, monkeypatch, existed):
    target = tmp_path / "view.html"
    if existed:
        target.write_text("earlier", encoding="utf-8")
    fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: FullDisk(fdopen(*a, **k)))
    with pytest.raises(OutputError) as e:
        write_atomic(target, "new")
    kept = "the earlier file is unchanged" if existed else "no file was written"
    assert str(e.value) == f"{target}: cannot write the file (No space left on device); {kept}"
    assert sorted(p.name for p in tmp_path.iterdir()) == (["view.html"] if existed else [])
    if existed:
        assert target.read_text(encoding="utf-8") == "earlier"


def test_a_full_disk_at_fsync_keeps_the_earlier_file(tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_text("earlier", encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match=r"cannot write the file \(No space left on device\); the earlier"):
        write_atomic(target, "x" * 100_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]
    assert target.read_text(encoding="utf-8") == "earlier"


def test_other_errors_of_the_caller_pass_through_and_leave_nothing(tmp_path):
    target = tmp_path / "g.nt"
    with pytest.raises(FileNotFoundError), atomic_file(target) as f:
        f.write("half")
        (tmp_path / "no-such-input").read_text()  # the caller's own error: not a write error
    assert list(tmp_path.iterdir()) == []


def test_a_folder_without_write_permission_is_named(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    folder.chmod(0o555)  # refused by its bits, also for root
    try:
        with pytest.raises(OutputError) as e:
            write_atomic(folder / "view.html", "x")
        assert str(e.value) == (f"{folder}: the folder is not writable (no write permission); make it writable "
                                "or write elsewhere")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_folder_the_system_refuses_is_named(tmp_path, monkeypatch):
    real_open = os.open

    def refuse(path, *args, **kwargs):  # what a folder of another user gives a normal user
        if str(path).endswith(".tmp"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(kg.utils.files.os, "open", refuse)
    with pytest.raises(OutputError) as e:
        write_atomic(tmp_path / "view.html", "x")
    assert str(e.value) == (f"{tmp_path}: the folder is not writable (Permission denied); make it writable "
                            "or write elsewhere")


def test_a_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as e:
        write_atomic(tmp_path / "file" / "sub" / "view.html", "x")
    assert str(e.value) == f"{tmp_path / 'file' / 'sub'}: cannot create the folder (Not a directory)"
