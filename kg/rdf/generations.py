"""A store folder's generations: ``kg-current``, the writer lock, opening a generation.

A store folder written by ``kg load`` holds generations of an Oxigraph store (``gen-<time>``),
a symlink ``kg-current`` to the one readers open and ``.kg-previous`` to the one before it.
The files of a generation never change once a load has committed it, so a damaged generation
(a truncated or zeroed ``.sst`` file, a truncated ``MANIFEST-*``, an emptied ``CURRENT``) was
damaged outside kg: opening it raises :class:`~kg.errors.StoreError` that says so and how to
recover (:func:`damaged`), and so does a ``kg-current`` that points at a folder that is gone
(:func:`missing`).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError

INDEX_DIR = "kg-index"
"""In a store folder, the folder of the analysis indexes (one file per generation)."""


CURRENT_LINK = "kg-current"
"""In a store folder, the symlink to the generation that readers open."""


PREVIOUS_LINK = ".kg-previous"
"""In a store folder, the symlink to the generation before the current one."""


LOCK_FILE = ".kg-lock"
"""In a store folder, the file a writer locks so a second writer gets a clear error."""


LEDGER_DIR = "kg-files"
"""In a store folder, the records of the files each generation holds (:mod:`kg.ingest.ledger`):
one folder per generation, named as it is."""


@dataclass(frozen=True)
class Generation:
    """A store folder's current generation: its folder and the index file that goes with it."""

    store: Path
    folder: Path

    @property
    def index_file(self) -> Path:
        return self.store / INDEX_DIR / f"{self.folder.name}.npz"


def current_generation(store_dir: str | os.PathLike) -> Generation:
    """The generation readers of ``store_dir`` open now (:class:`StoreError` if there is no store,
    or if ``kg-current`` points at a folder that is gone)."""
    store = Path(store_dir)
    folder = current_folder(store) if store.is_dir() else None
    if folder is None:
        raise StoreError(f"{store}: no store here; create one with `kg load FILES… --store {store}`")
    if not folder.is_dir():
        raise missing(store, folder)
    return Generation(store, folder)


def current_folder(path: Path) -> Path | None:
    """The folder of the store's current generation, or None if there is no store."""
    link = path / CURRENT_LINK
    if link.is_symlink():
        return path / os.readlink(link)
    if (path / "CURRENT").is_file():  # a plain Oxigraph store folder
        return path
    return None


def open_store(path: str | os.PathLike, *, read_only: bool = True):
    """Open the current generation of a persistent store (read-only unless asked).

    A store folder written by ``kg load`` holds generations of an Oxigraph store and
    a symlink ``kg-current`` to the one in use; a plain Oxigraph store folder is
    opened as it is, and so is a generation folder (errors then name its store folder).
    Whatever stops it opening is a :class:`StoreError` naming the store: none there,
    another writer, a missing or damaged generation.
    """
    path = Path(path)
    target = current_folder(path) if path.is_dir() else None
    if target is None:
        raise StoreError(f"{path}: no store here; create one with `kg load FILES… --store {path}`")
    if not target.is_dir():
        raise missing(path, target)
    if target == path and path.name.startswith("gen-") and (path.parent / CURRENT_LINK).is_symlink():
        return open_generation(path.parent, path, read_only=read_only)  # a generation: errors name its store
    return open_generation(path, target, read_only=read_only)


def open_generation(store: Path, folder: Path, *, read_only: bool = True):
    """Open the generation ``folder`` of ``store``; what goes wrong is a :class:`StoreError`."""
    try:
        return ox.Store.read_only(str(folder)) if read_only else ox.Store(str(folder))
    except (OSError, RuntimeError) as e:
        msg = one_line(e)
        if isinstance(e, OSError) and "lock" in msg.lower() and not msg.startswith("Corruption"):
            raise StoreError(f"{store}: cannot open the store: another process is writing to this store; "
                             "try again when it has finished") from None
        if isinstance(e, RuntimeError) or store_damage(e) is not None:
            raise damaged(store, folder, msg) from None
        raise StoreError(f"{store}: cannot open the store: {msg}") from None


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def damaged(store: Path, folder: Path | None, reason: str) -> StoreError:
    """The error for a store whose generation ``folder`` is damaged, with how to recover."""
    return StoreError(f"{store}: the store is damaged and cannot be read ({reason}); {recovery(store, folder)}")


def missing(store: Path, folder: Path) -> StoreError:
    """The error for readers of a store whose ``kg-current`` points at a folder that is gone."""
    try:
        base, _ = base_generation(store)
    except StoreError as e:
        return e
    then = (f"from the previous generation {base.name} (without the data of the last load)" if base is not None
            else "as a new store (no earlier generation is left)")
    return StoreError(f"{store}: the store's current generation {folder.name} is missing (kg-current points at a "
                      f"folder that does not exist); the next `kg load FILES… --store {store}` starts {then}")


def recovery(store: Path, folder: Path | None) -> str:
    """How to recover a store whose current generation is damaged."""
    previous = intact_previous(store) if folder is not None and folder != store else None
    if previous is not None and previous != folder:
        return (f"the previous generation {previous.name} opens: to go back to it (without the data of the last "
                f"load) run `ln -sfn {previous.name} {store / CURRENT_LINK}`, or load every file again into a "
                "new store")
    return "no intact earlier generation is left: load every file again into a new store"


def intact_previous(store: Path) -> Path | None:
    """The previous generation of ``store`` if it is there and opens, else None."""
    previous = previous_generation(store)
    if previous is None or not previous.is_dir():
        return None
    try:
        ox.Store.read_only(str(previous))
    except (OSError, RuntimeError):
        return None
    return previous


_ROCKSDB = re.compile(r"^(Corruption|IO error): ")
_GENERATION_FILE = re.compile(r"(\S*?)/(gen-\d+)/[^/\s]+\b")


def store_damage(error: BaseException, store: str | os.PathLike | None = None) -> StoreError | None:
    """``error`` as a :class:`StoreError` if a pyoxigraph call raised it because a store's files
    are damaged (RocksDB's ``Corruption: …``, or a file of the store that is gone); else None.

    Damage inside a block of a ``.sst`` file shows only when a query reads that block, so this
    is for the one place that catches what any command raises (see :func:`store_failure`).
    ``store`` is the store folder, else it is taken from the file named in the message.

    >>> store_damage(RuntimeError("Corruption: block checksum mismatch in S/gen-1/000016.sst offset 0"))
    StoreError('S: the store is damaged and cannot be read (Corruption: block checksum mismatch in S/gen-1/000016.sst offset 0); no intact earlier generation is left: load every file again into a new store')
    >>> store_damage(OSError("IO error: No space left on device: While appending to file: S/gen-1/000004.log")) is None
    True
    """
    msg = _rocksdb_message(error)
    if msg is None or not (msg.startswith("Corruption: ") or "No such file or directory" in msg):
        return None
    store, folder = _where(msg, store)
    if store is None:
        return StoreError(f"the store is damaged and cannot be read ({msg}); load every file again into a new store")
    return damaged(store, folder, msg)


def store_failure(error: BaseException, store: str | os.PathLike | None = None) -> StoreError | None:
    """``error`` as a :class:`StoreError` if a pyoxigraph call raised it because a store's files are
    damaged (:func:`store_damage`) or cannot be read or written (a full disk, an I/O error); else
    None. The CLI turns what a command raises into ``Error: …`` through this.

    >>> store_failure(OSError("IO error: No space left on device: While appending to file: S/gen-1/000004.log"))
    StoreError("S: cannot read or write the store's files (IO error: No space left on device: While appending to file: S/gen-1/000004.log)")
    """
    damage = store_damage(error, store)
    if damage is not None:
        return damage
    msg = _rocksdb_message(error)
    if msg is None:
        return None
    store, _ = _where(msg, store)
    return StoreError(f"{store or 'the store'}: cannot read or write the store's files ({msg})")


def _rocksdb_message(error: BaseException) -> str | None:
    if not isinstance(error, (OSError, RuntimeError)):
        return None
    msg = one_line(error)
    return msg if _ROCKSDB.match(msg) else None


def _where(msg: str, store) -> tuple[Path | None, Path | None]:
    """The store folder and the generation folder a RocksDB message names."""
    m = _GENERATION_FILE.search(msg)
    folder = Path(m.group(1)) / m.group(2) if m else None
    return (Path(store) if store is not None else Path(m.group(1)) if m else None), folder


@contextmanager
def writer_lock(folder: Path):
    """Hold the store folder's writer lock, or raise :class:`StoreError` at once (another writer,
    or a folder that cannot be written)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        why = (f"{Path(e.filename).parent} is not writable: {e.strerror}" if isinstance(e, PermissionError)
               and e.filename else e.strerror or str(e))
        raise StoreError(f"{folder}: cannot create the store folder ({why}); nothing was changed") from None
    check_writable(folder)
    try:
        fd = os.open(folder / LOCK_FILE, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise StoreError(not_writable(folder, e.strerror or str(e))) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{folder}: another `kg load` is writing to this store; try again when it has finished") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def check_writable(folder: Path) -> None:
    """Refuse a store folder nobody may write in (no write permission bit: ``chmod 555``); the
    bits decide also for root, as for the files kg writes (:func:`kg.utils.files.check_folder`)."""
    if not os.stat(folder).st_mode & 0o222:
        raise StoreError(not_writable(folder, "no write permission"))


def not_writable(folder: Path, reason: str) -> str:
    return (f"{folder}: the store folder is not writable ({reason}); make it writable or load into another "
            "folder; nothing was changed")


def point_current_at(folder: Path, generation: Path) -> None:
    tmp = folder / f".{CURRENT_LINK}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(generation.name)
    os.replace(tmp, folder / CURRENT_LINK)  # atomic: readers see the old or the new generation


def previous_generation(folder: Path) -> Path | None:
    link = folder / PREVIOUS_LINK
    return folder / os.readlink(link) if link.is_symlink() else None


def base_generation(folder: Path) -> tuple[Path | None, str | None]:
    """The generation a load into ``folder`` starts from, and a note when it is not the current one.

    The current one if it is there. If ``kg-current`` points at a folder that is gone: the
    previous generation if it opens (the data of the last load went with the folder), else
    none (the load starts a new store). If other generation folders are there, kg cannot
    tell the one ``kg-current`` should point at from what a killed load left: a
    :class:`StoreError` lists them and nothing is changed.
    """
    current = current_folder(folder)
    if current is None or current.is_dir():
        return current, None
    previous = previous_generation(folder)
    others = sorted(g.name for g in folder.glob("gen-*") if g.is_dir() and g != previous)
    if others:
        raise StoreError(
            f"{folder}: the store's current generation {current.name} is missing (kg-current points at a folder "
            f"that does not exist) and other generations are there: {', '.join(others)}; point kg-current at the "
            f"one to keep (`ln -sfn {others[-1]} {folder / CURRENT_LINK}`) or remove them, then load again; "
            "nothing was changed")
    previous = intact_previous(folder)
    if previous is not None:
        return previous, (f"the current generation {current.name} was missing; this load started from the previous "
                          f"generation {previous.name} (the data of the load that made {current.name} is not in "
                          "the store)")
    return None, (f"the current generation {current.name} was missing and no earlier generation is left; "
                  "this load started a new store")


def remove_stale_generations(folder: Path, keep: set) -> None:
    """Remove generations left by a killed load, and their records of files (:data:`LEDGER_DIR`),
    keeping the current and the previous one (``keep``)."""
    for gen in folder.glob("gen-*"):
        if gen not in keep:
            shutil.rmtree(gen, ignore_errors=True)
    kept = {g.name for g in keep if g is not None}
    for records in (folder / LEDGER_DIR).glob("*"):
        if records.name not in kept:
            shutil.rmtree(records, ignore_errors=True)


def discard_first_load(folder: Path, created: list[Path]) -> None:
    """After a first load into ``folder`` failed: remove the lock file, and the folders the load
    created (``created``, innermost first) if they are empty. A folder the user made is left as
    it was, and nothing that kg did not write is removed."""
    for name in (LOCK_FILE, f".{CURRENT_LINK}.tmp"):
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError:
            pass
    try:
        (folder / LEDGER_DIR).rmdir()  # emptied by the failed load
    except OSError:
        pass
    for path in created:
        try:
            path.rmdir()
        except OSError:
            return  # not empty (someone put a file there) or not ours to remove: left as it is
