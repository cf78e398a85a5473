"""Issue 13: `-o` writes only regular files. A FIFO, a symbolic link (such as /proc/self/fd/1)
or a read-only file is refused with one `Error:` line and left as it was."""

from __future__ import annotations

import os
import stat

import pytest
from conftest import run


@pytest.mark.parametrize("command", [["report"], ["view"]])
def test_a_fifo_is_refused_and_stays_a_fifo(runner, tmp_path, command):
    target = tmp_path / "out.html"
    os.mkfifo(target)
    result = run(runner, *command, "-o", str(target))
    assert result.exit_code == 1
    assert result.output == f"Error: {target}: not a regular file (a FIFO); kg writes only regular files\n"
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.html"]  # no temporary file left


def test_a_symbolic_link_is_refused(runner, tmp_path):
    real = tmp_path / "real.html"
    real.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    result = run(runner, "report", "-o", str(link))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {link}: a symbolic link; kg writes only regular files")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "keep"


def test_a_read_only_file_is_refused_and_kept(runner, tmp_path):
    target = tmp_path / "report.md"
    target.write_text("my notes", encoding="utf-8")
    target.chmod(0o444)
    result = run(runner, "report", "-o", str(target))
    assert result.exit_code == 1
    assert result.output == (f"Error: {target}: the file is read-only; make it writable or remove it to "
                             "replace it\n")
    assert target.read_text(encoding="utf-8") == "my notes"


def test_a_writable_regular_file_is_replaced(runner, tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    result = run(runner, "report", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("# Who depends on whom")
