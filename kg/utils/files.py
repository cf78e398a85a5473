"""Files written atomically: a temporary file in the same folder, then one rename.

A writer's temporary file is ``.NAME.<pid>.<hex>.tmp`` beside the target, locked (``flock``)
while it is written. One that a killed writer left (``kill -9``, a power cut) is removed by the
next write to the same target (:func:`remove_leftovers`); a running writer's is kept.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import stat
import time
from contextlib import contextmanager
from pathlib import Path

from kg.errors import OutputError

LEFTOVER_AGE = 600
"""Seconds after which an unlocked temporary file of a target is a leftover even if a process
of its pid runs (the pid was reused), and after which one in the format kg wrote before it
locked them (``.NAME.<hex>.tmp``, no pid) is removed."""

WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})
"""Errors of a write that mean the file could not be written (disk full, quota, too large)."""


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
    except OSError:  # no such file; or its folder cannot be made or reached: said when it is made
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


def check_folder(folder: Path) -> None:
    """Refuse a folder nobody may write in: no write permission bit at all (``chmod 555``).

    The permission bits decide, also for root, who may write anything (as :func:`check_target`
    does for files); any other reason a folder is not writable shows when a file is created.

    >>> import tempfile
    >>> check_folder(Path(tempfile.gettempdir()))
    """
    try:
        st = os.stat(folder)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode) and not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError(not_writable(folder, "no write permission"))


def not_writable(folder: Path, reason: str) -> str:
    """The wording of a folder kg cannot write in."""
    return f"{folder}: the folder is not writable ({reason}); make it writable or write elsewhere"


def _leftover_pattern(name: str) -> re.Pattern:
    return re.compile(r"\." + re.escape(name) + r"\.(?:(\d+)\.)?[0-9a-f]{12}\.tmp")


def remove_leftovers(path: str | os.PathLike) -> list[Path]:
    """Remove the temporary files that killed writers of ``path`` left beside it; return them.

    A writer holds a lock on its temporary file until it has renamed it; the kernel drops the
    lock when the process ends, however it ends. A temporary file no one holds is a leftover
    when its writer (the pid in its name) no longer runs, or when it is older than
    :data:`LEFTOVER_AGE`. Anything else beside ``path`` is never touched.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> left = folder / ".out.html.999999999.0123456789ab.tmp"
    >>> _ = left.write_text("half a page")
    >>> [p.name for p in remove_leftovers(folder / "out.html")]
    ['.out.html.999999999.0123456789ab.tmp']
    """
    path = Path(path)
    folder, pattern = path.parent, _leftover_pattern(path.name)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    removed = []
    for name in names:
        m = pattern.fullmatch(name)
        if m is None:
            continue
        tmp = folder / name
        try:
            fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held by a running writer: BlockingIOError
            old = time.time() - st.st_mtime > LEFTOVER_AGE
            if (m.group(1) is None and old) or (m.group(1) is not None and (old or not _alive(int(m.group(1))))):
                tmp.unlink()
                removed.append(tmp)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or not a pid: keep the file until it is old
    return True


def _write_error(path: Path, error: OSError, existed: bool) -> OutputError:
    reason = error.strerror or str(error)
    kept = "the earlier file is unchanged" if existed else "no file was written"
    return OutputError(f"{path}: cannot write the file ({reason}); {kept}")


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "w"):
    """Open a temporary file beside ``path`` for writing; on success rename it to ``path``.

    A failed write (an exception in the ``with`` block) leaves any earlier file at
    ``path`` intact and removes the temporary file. The file gets the usual mode
    (``0o666`` less the umask). ``mode`` is ``"w"`` (UTF-8 text) or ``"wb"``. Only a
    regular, writable file is replaced (:func:`check_target`), in a folder that may be
    written (:func:`check_folder`). A full disk, a quota or a folder that cannot be
    written raise :class:`~kg.errors.OutputError` naming the file or the folder.
    Temporary files that killed writers left beside ``path`` are removed first
    (:func:`remove_leftovers`).

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with atomic_file(target) as f:
    ...     _ = f.write("all or nothing")
    >>> target.read_text(encoding="utf-8"), [p.name for p in target.parent.iterdir()]
    ('all or nothing', ['notes.txt'])
    """
    path = Path(path)
    check_target(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        where = Path(e.filename).parent if isinstance(e, PermissionError) and e.filename else folder
        raise OutputError(not_writable(where, e.strerror or str(e)) if isinstance(e, PermissionError)
                          else f"{folder}: cannot create the folder ({e.strerror or e})") from None
    check_folder(folder)
    remove_leftovers(path)
    existed = path.exists()
    tmp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)  # the umask applies
    except OSError as e:
        raise OutputError(not_writable(folder, e.strerror or str(e))) from None
    f = None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # until closed, after the rename: cleaners leave this file alone
        f = os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"}))
        try:
            yield f
        except OSError as e:
            if e.errno in WRITE_ERRNOS:
                raise _write_error(path, e, existed) from None
            raise
        try:
            f.flush()
            os.fsync(f.fileno())
            os.replace(tmp, path)
        except OSError as e:
            raise _write_error(path, e, existed) from None
    except BaseException:
        _close(f, fd)
        tmp.unlink(missing_ok=True)
        raise
    _close(f, fd)


def _close(f, fd: int) -> None:
    """Close the temporary file (and drop its lock), whatever state its buffer is in."""
    try:
        if f is not None:
            f.close()
        else:
            os.close(fd)
    except OSError:
        pass  # a buffer that cannot be flushed (disk full): the file is removed or already renamed


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return Path(path)
