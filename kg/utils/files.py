"""Files written atomically: a temporary file in the same folder, then one rename."""

from __future__ import annotations

import os
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path

from kg.errors import OutputError


def check_target(path: Path) -> None:
    """Refuse to replace anything but a writable regular file: a FIFO, a device, a socket, a
    folder or a symbolic link (``/dev/null``, ``/proc/self/fd/1``) would be replaced by a
    regular file, and a read-only file is one its owner meant to keep (the permission bits
    decide, also for root, who may write anything).

    >>> import tempfile
    >>> check_target(Path(tempfile.gettempdir()) / "kg-no-such-file.html")
    >>> check_target(Path("/dev/null"))
    Traceback (most recent call last):
    ...
    kg.errors.OutputError: /dev/null: not a regular file (a character device); kg writes only regular files
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise OutputError(f"{path}: a symbolic link; kg writes only regular files (give the path it points to)")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode)
                else "a character device" if stat.S_ISCHR(st.st_mode) else "a block device"
                if stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a file")
        raise OutputError(f"{path}: not a regular file ({kind}); kg writes only regular files")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError(f"{path}: the file is read-only; make it writable or remove it to replace it")


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "w"):
    """Open a temporary file beside ``path`` for writing; on success rename it to ``path``.

    A failed write (an exception in the ``with`` block) leaves any earlier file at
    ``path`` intact and removes the temporary file. The file gets the usual mode
    (``0o666`` less the umask). ``mode`` is ``"w"`` (UTF-8 text) or ``"wb"``. Only a
    regular, writable file is replaced (:func:`check_target`).
    """
    path = Path(path)
    check_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return Path(path)
