"""A store folder's generations: ``kg-current``, the writer lock, opening a generation."""

from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError

INDEX_DIR = "kg-index"
"""In a store folder, the folder of the analysis indexes (one file per generation)."""


@dataclass(frozen=True)
class Generation:
    """A store folder's current generation: its folder and the index file that goes with it."""

    store: Path
    folder: Path

    @property
    def index_file(self) -> Path:
        return self.store / INDEX_DIR / f"{self.folder.name}.npz"


def current_generation(store_dir: str | os.PathLike) -> Generation:
    """The generation readers of ``store_dir`` open now (:class:`StoreError` if there is no store)."""
    store = Path(store_dir)
    folder = current_folder(store) if store.is_dir() else None
    if folder is None:
        raise StoreError(f"{store}: no store here; create one with `kg load FILES… --store {store}`")
    return Generation(store, folder)


CURRENT_LINK = "kg-current"
"""In a store folder, the symlink to the generation that readers open."""


LOCK_FILE = ".kg-lock"
"""In a store folder, the file a writer locks so a second writer gets a clear error."""


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
    opened as it is.
    """
    path = Path(path)
    target = current_folder(path) if path.is_dir() else None
    if target is None:
        raise StoreError(f"{path}: no store here; create one with `kg load FILES… --store {path}`")
    try:
        return ox.Store.read_only(str(target)) if read_only else ox.Store(str(target))
    except OSError as e:
        msg = str(e)
        if "lock" in msg.lower():
            msg = "another process is writing to this store; try again when it has finished"
        raise StoreError(f"{path}: cannot open the store: {msg}") from None


@contextmanager
def writer_lock(folder: Path):
    """Hold the store folder's writer lock, or raise :class:`StoreError` at once."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{folder}: another `kg load` is writing to this store; try again when it has finished") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def point_current_at(folder: Path, generation: Path) -> None:
    tmp = folder / f".{CURRENT_LINK}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(generation.name)
    os.replace(tmp, folder / CURRENT_LINK)  # atomic: readers see the old or the new generation


def previous_generation(folder: Path) -> Path | None:
    link = folder / ".kg-previous"
    return folder / os.readlink(link) if link.is_symlink() else None


def remove_stale_generations(folder: Path, keep: set) -> None:
    """Remove generations left by a killed load, keeping the current and the previous one."""
    for gen in folder.glob("gen-*"):
        if gen not in keep:
            shutil.rmtree(gen, ignore_errors=True)
