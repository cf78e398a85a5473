"""Loading files into a store or a SPARQL server, replacing or removing what a loaded file said:
parse, derive, validate, then commit all or nothing.

A store keeps a record of each loaded file (:mod:`kg.ingest.ledger`), a server a named graph per
file (:mod:`kg.ingest.remote`, whose :func:`load_remote` and :func:`remove_remote` are here too).
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError, ValidationFailed
from kg.ingest.ledger import (
    FileRecord,
    LedgerWriter,
    check_names,
    now,
    plan,
    read_ledger,
    removal,
    remove_quads,
)
from kg.ingest.remote import load_remote, remove_remote
from kg.rdf.bulk import BULK_MIN_BYTES, LoadProgress, load_file
from kg.rdf.derive import derive_in_store, rederive_in_store
from kg.rdf.formats import FORMATS, expand_paths, parse_files
from kg.rdf.generations import (
    CURRENT_LINK,
    LEDGER_DIR,
    PREVIOUS_LINK,
    base_generation,
    discard_first_load,
    one_line,
    open_generation,
    point_current_at,
    previous_generation,
    remove_stale_generations,
    store_damage,
    writer_lock,
)
from kg.rdf.graph import store_has_ontology
from kg.rdf.local import wrap
from kg.rdf.shortcuts import Shortcuts
from kg.rdf.skolem import file_digest, write_entry
from kg.validation.shacl import validate as run_validation
from kg.vocab.files import ontology_paths

__all__ = ["load_into_store", "load_remote", "remove_from_store", "remove_remote"]

BULK_FRESH = 100_000
"""Triples a replaced file adds from which they go to the bulk loader (the generation is thrown
away on error), not into one transaction."""


def load_into_store(
    store_dir: str | os.PathLike,
    files: Sequence[str | os.PathLike],
    *,
    validate: bool = True,
    progress: Callable[[LoadProgress], None] | None = None,
    lenient: bool = False,
    replace: bool = False,
) -> dict:
    """Parse, validate and add ``files`` to the persistent store at ``store_dir``, all or nothing.

    The new data goes into a new generation of the store: a copy of the current one
    (hard links, so cheap) that the files are bulk-loaded into, then the derived
    triples, then (with ``validate``) the SHACL shapes are checked on the whole of
    it. Only then does the ``kg-current`` symlink move to it, in one atomic rename.
    A parse error, a violation, an exception or a ``kill -9`` at any point leaves the
    store as it was. A second writer gets :class:`StoreError` at once; readers keep
    reading the generation they opened. The ontology is added with the first load.

    The store records each file by its name (:mod:`kg.ingest.ledger`): its sha256 and its
    triples, blank nodes made IRIs (:mod:`kg.rdf.skolem`), so loading the same bytes again adds
    nothing. A file of a recorded name and the same bytes is left out ("already loaded" in
    ``notes``; when every file is, no generation is made); with other bytes it is refused
    (:class:`StoreError`, nothing written) unless ``replace``: then what the old file said
    goes, the new file comes, and the derived triples follow, in the same generation and under
    the same validation. A triple that another loaded file (or the ontology) also says stays.

    Each file is loaded by :func:`load_file` with ``bulk``, from the N-Triples its record keeps
    (a byte copy of an N-Triples file without blank nodes; any other file is parsed in Python
    first), which gives ``progress`` a :class:`LoadProgress` as it goes. Into a new store, the
    derived triples are computed from the triples the files give as they load
    (:class:`~kg.rdf.shortcuts.Shortcuts`); otherwise by a SPARQL update of the whole generation
    (:func:`derive_in_store`). After a bulk load the store is compacted (``Store.optimize``)
    before any SPARQL runs on it: the bulk loader writes the files of its batches straight into
    the store, overlapping, and until they are merged every lookup searches them all.
    ``triples_added`` and ``triples_removed`` count the triples the new generation holds that
    the one before did not, and the other way round. ``lenient`` is passed to :func:`load_file`
    (trusted files: IRIs and language tags unchecked).

    A first load that fails leaves no trace: the folders it created are removed again (a
    folder the user made is left as it was, empty). If ``kg-current`` points at a generation
    that is gone, the load starts from the previous generation when it opens, else as a new
    store; ``notes`` in the result says so. A store folder that cannot be written, a damaged
    generation and a disk that fills up raise :class:`StoreError` and change nothing.
    """
    return _change(store_dir, files, (), validate=validate, progress=progress, lenient=lenient, replace=replace)


def remove_from_store(
    store_dir: str | os.PathLike,
    names: Sequence[str],
    *,
    validate: bool = True,
    progress: Callable[[LoadProgress], None] | None = None,
) -> dict:
    """Remove what the loaded files ``names`` (``binzhou.ttl``; a path is taken by its name) said
    from the store at ``store_dir``, all or nothing, as :func:`load_into_store` replaces a file:
    one new generation, the derived triples brought in line, the whole validated
    (:class:`ValidationFailed`: the store is unchanged). A name that is not recorded is a
    :class:`StoreError` listing the loaded files."""
    if not (Path(store_dir) / CURRENT_LINK).is_symlink():
        raise StoreError(f"{store_dir}: no store here; create one with `kg load FILES… --store {store_dir}`")
    return _change(store_dir, (), names, validate=validate, progress=progress, lenient=False, replace=False)


def _change(store_dir, files, remove, *, validate, progress, lenient, replace) -> dict:
    folder = Path(store_dir)
    paths = expand_paths(files)
    check_names(paths)
    if folder.is_dir() and (folder / "CURRENT").is_file() and not (folder / CURRENT_LINK).is_symlink():
        raise StoreError(f"{folder}: a plain Oxigraph store; `kg load` writes only stores it created (use a new folder)")
    scanned = [(p, *file_digest(p)) for p in paths]  # read only: a refusal below writes nothing
    created = []  # the folders this load creates, innermost first: removed again if the first load fails
    for path in (folder, *folder.parents):
        if path.exists() or path.is_symlink():
            break
        created.append(path)
    try:
        with writer_lock(folder):
            old, note = base_generation(folder)
            first = old is None and not (folder / CURRENT_LINK).is_symlink()
            try:
                ledger = read_ledger(folder, old)
                todo = plan(ledger, str(store_dir), scanned, remove, replace=replace,
                            command=f"kg load --store {store_dir}")
            except BaseException:
                if first:
                    discard_first_load(folder, created)
                raise
            report = {"store": str(store_dir), "files": len(paths), "triples_added": 0, "triples_removed": 0,
                      "ontology_added": False, "notes": [n for n in [note, *todo.notes] if n], "validated": validate,
                      "loaded": [p.name for p, _, _ in todo.add], "replaced": todo.replaced,
                      "removed": [n for n in todo.drop if n not in todo.replaced], "unchanged": todo.unchanged}
            if todo.nothing:
                if old is not None:
                    open_generation(folder, old)  # a damaged store says so, as any load into it would
                return report
            remove_stale_generations(folder, keep={old, previous_generation(folder)})
            new = folder / f"gen-{time.time_ns()}"
            writer = None
            try:
                if old is not None:
                    open_generation(folder, old).backup(str(new))
                store = ox.Store(str(new))
                writer = LedgerWriter(folder, new, ledger)
                report.update(_fill(store, writer, ledger, todo, old is None, validate, progress, lenient))
                writer.commit()
                del store
                gc.collect()  # close it: validation's rdflib graph holds it in a reference cycle, and an
                point_current_at(folder, new)  # open writer may compact away files a reader opens
            except BaseException as e:
                store = None  # noqa: F841 -- close the store before removing its files: drop every reference,
                error = e  # including those in the frames of the error and of the errors behind it
                while error is not None:  # (a parse error comes from the bulk loader's thread)
                    traceback.clear_frames(error.__traceback__)
                    error = error.__cause__ or error.__context__
                gc.collect()  # (and from the rdflib graph of the validation)
                shutil.rmtree(new, ignore_errors=True)
                if writer is not None:
                    writer.discard()
                _remove_if_empty(folder / LEDGER_DIR)
                if first:
                    discard_first_load(folder, created)  # under the lock: no other writer meanwhile
                raise
            if old is not None and old != folder:
                (folder / PREVIOUS_LINK).unlink(missing_ok=True)
                (folder / PREVIOUS_LINK).symlink_to(old.name)
    except (OSError, RuntimeError) as e:  # the store's files: damaged, not writable, disk full
        damage = store_damage(e, folder)
        if damage is not None:
            raise damage from None
        if isinstance(e, OSError):
            why = e.strerror and (f"{e.strerror}: {e.filename}" if e.filename else e.strerror) or one_line(e)
            raise StoreError(f"{folder}: the load failed ({why}); the store is as it was") from None
        raise
    return report


def _fill(store, writer: LedgerWriter, ledger, todo, new_store: bool, validate: bool, progress, lenient) -> dict:
    """Make the new generation ``store`` (a copy of the old one) and its records ``writer`` what
    ``todo`` asks; what the report says of it."""
    before = len(store) if not new_store else 0
    add_ontology = not store_has_ontology(store)
    writer.carry(todo.drop)
    if not ledger.recorded and before:
        writer.snapshot_unrecorded(store)  # what a store made before records held: kept, unnamed
    sources = []
    if add_ontology:
        sources = list(ontology_paths())
        _record_ontology(writer)
    entries = []
    for path, digest, blank in todo.add:
        entry = writer.entry(digest)
        if not entry.exists():  # the same bytes under another name: the same entry
            write_entry(path, entry, digest=digest, copy=FORMATS[path.suffix.lower()] == "N_TRIPLES" and not blank,
                        lenient=lenient, progress=_entry_progress(path, progress))
        entries.append((path, digest, entry))
    removed, stated, diffed = 0, set(), {}
    if todo.drop:
        old = [ledger.folder / ledger.files[n].entry for n in todo.drop]
        kept = {*writer.kept_entries(), *(e for _, _, e in entries)}
        replacing = [e for p, _, e in entries if p.name in todo.replaced]
        found = removal(old, sorted(kept), replacing)
        removed, stated = remove_quads(store, found.gone), found.stated
    middle = len(store)  # what is added from here on is the added
    bulk = False  # the bulk loader wrote into the store: compact it before querying
    if todo.drop:
        for entry, fresh in found.fresh.items():  # a new version: only what the old one lacked
            bulk |= len(fresh) >= BULK_FRESH
            (store.bulk_extend if len(fresh) >= BULK_FRESH else store.extend)(fresh)
            diffed[entry] = found.counted[entry]
    shortcuts = Shortcuts() if new_store else None  # a new store: only the files count
    todo_files = [*((p, None, None) for p in sources), *((e, p, d) for p, d, e in entries if e not in diffed)]
    for i, (path, shown, digest) in enumerate(todo_files, 1):
        then = shortcuts.take if shortcuts is not None and i == len(todo_files) else None
        count = load_file(store, path, bulk=True, progress=progress, shortcuts=shortcuts, then=then, lenient=lenient,
                          name=shown)
        if shown is not None:
            writer.record(FileRecord(shown.name, digest, count or 0, now(), str(shown.resolve()), path.name))
    for path, digest, entry in entries:
        if entry in diffed:
            writer.record(FileRecord(path.name, digest, diffed[entry], now(), str(path.resolve()), entry.name))
    bulk |= any(_bulk_sized(path) for path, _, _ in todo_files)
    derived_removed = 0
    if shortcuts is not None and shortcuts.exact:
        derived = shortcuts.take()  # b"" if they went in with the last file
        load = store.bulk_load if len(derived) >= BULK_MIN_BYTES else store.load
        load(input=derived, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(), lenient=lenient)
        if bulk:
            store.optimize()  # merge what the bulk loader wrote (see the docstring)
    else:
        if bulk:
            store.optimize()  # first: the update looks up every relation
        if todo.drop:
            _, derived_removed = rederive_in_store(store, stated)
        else:
            derive_in_store(store)
    store.flush()
    after = len(store)  # every triple is in the default graph
    if validate:
        violations = [v for v in run_validation(wrap(store)) if v.severity == "Violation"]
        if violations:
            raise ValidationFailed(violations)
    if todo.drop:
        added = after - middle + derived_removed  # the derived ones are the only change after `middle`
    else:
        added = after - before
    return {"triples_added": added, "triples_removed": removed + derived_removed, "ontology_added": add_ontology}


def _record_ontology(writer: LedgerWriter) -> None:
    """Keep the ontology's triples in the records: removing a file never takes one of them away."""
    sources = parse_files(ontology_paths())
    digest = hashlib.sha256(b"".join(file_digest(s.path)[0].encode() for s in sources)).hexdigest()
    entry = writer.entry(f"ontology-{digest}")
    with open(entry, "wb") as out:
        ox.serialize([t for s in sources for t in s.triples], out, ox.RdfFormat.N_TRIPLES)
    writer.record(FileRecord("(ontology)", digest, sum(len(s.triples) for s in sources), now(),
                             ", ".join(s.path.name for s in sources), entry.name), ontology=True)


def _entry_progress(path: Path, progress):
    """``progress`` for :func:`write_entry` (triples, bytes read) while a file is parsed and skolemised."""
    if progress is None:
        return None
    start, size = time.monotonic(), path.stat().st_size
    return lambda triples, read: progress(LoadProgress(str(path), triples, read, size, time.monotonic() - start, False))


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _bulk_sized(path: Path) -> bool:
    """Whether :func:`load_file` gave ``path`` to the bulk loader (:data:`BULK_MIN_BYTES` or more).
    A file gone since it was loaded counts as given: the store is then compacted, never wrong."""
    try:
        return path.stat().st_size >= BULK_MIN_BYTES
    except OSError:
        return True
