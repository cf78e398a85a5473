"""Loading files into a store or a SPARQL server: parse, derive, validate, then commit all or nothing."""

from __future__ import annotations

import os
import shutil
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError, ValidationFailed
from kg.rdf.bulk import BULK_MIN_BYTES, LoadProgress, load_file
from kg.rdf.derive import derive_in_store, derived_triples
from kg.rdf.formats import expand_paths, parse_files
from kg.rdf.generations import (
    CURRENT_LINK,
    current_folder,
    point_current_at,
    previous_generation,
    remove_stale_generations,
    writer_lock,
)
from kg.rdf.graph import store_has_ontology
from kg.rdf.local import graph_from_sources, wrap
from kg.rdf.remote import (
    DEFAULT_TIMEOUT,
    LOAD_TIMEOUT,
    check_url,
    insert_data,
    insert_unless_ontology,
    open_remote,
    remote_has_ontology,
    send_update,
)
from kg.rdf.shortcuts import Shortcuts
from kg.validation.shacl import validate as run_validation
from kg.vocab.files import ontology_paths


def load_remote(
    update_endpoint: str,
    files: Sequence[str | os.PathLike],
    *,
    validate: bool = True,
    endpoint: str | None = None,
    timeout: float = LOAD_TIMEOUT,
) -> dict:
    """Parse, validate and add ``files`` to a SPARQL server, all or nothing.

    Every file is parsed first (:class:`~kg.errors.ParseError` otherwise). With
    ``validate`` the files, together with the ontology, must pass the SHACL shapes
    (:class:`~kg.errors.ValidationFailed` otherwise); what the server already holds
    is not read, so a file that only refers to entities loaded before may need
    ``validate=False``. The ``ckg:suppliesTo`` shortcuts are derived from the files.

    Then everything goes to ``update_endpoint`` as ONE update request: the ontology
    (added only if the server lacks its header, decided in the server) and an
    ``INSERT DATA`` of the files and their shortcuts. One update request is one
    transaction on Oxigraph and Fuseki, so the server holds all of it or none.
    The price of atomicity is a single request as large as the data (about 100
    bytes a triple): very large loads need a server that accepts such bodies and
    ``timeout`` long enough for it to commit. If the answer times out, the server
    may still commit: count the triples (``kg info``) before loading again.

    ``endpoint`` (the query URL) is used only to report whether the ontology was
    added (``ontology_added`` is None without it).
    """
    check_url(update_endpoint, "--update-endpoint")
    paths = expand_paths(files)
    sources = parse_files(paths)
    ontology = parse_files(ontology_paths())
    if validate:
        violations = [v for v in run_validation(graph_from_sources([*ontology, *sources]))
                      if v.severity == "Violation"]
        if violations:
            raise ValidationFailed(violations)
    triples = [t for s in sources for t in s.triples]
    triples += derived_triples(triples)
    ontology_triples = [t for s in ontology for t in s.triples]

    add_ontology = None
    if endpoint is not None:
        add_ontology = not remote_has_ontology(open_remote(endpoint, timeout=DEFAULT_TIMEOUT))
    send_update(update_endpoint, insert_unless_ontology(ontology_triples) + " ;\n" + insert_data(triples),
                timeout=timeout)
    return {
        "store": update_endpoint,
        "files": len(paths),
        "triples_added": len(triples) + (len(ontology_triples) if add_ontology else 0),
        "ontology_added": add_ontology,
        "validated": validate,
    }


def load_into_store(
    store_dir: str | os.PathLike,
    files: Sequence[str | os.PathLike],
    *,
    validate: bool = True,
    progress: Callable[[LoadProgress], None] | None = None,
    lenient: bool = False,
) -> dict:
    """Parse, validate and add ``files`` to the persistent store at ``store_dir``, all or nothing.

    The new data goes into a new generation of the store: a copy of the current one
    (hard links, so cheap) that the files are bulk-loaded into, then the derived
    triples, then (with ``validate``) the SHACL shapes are checked on the whole of
    it. Only then does the ``kg-current`` symlink move to it, in one atomic rename.
    A parse error, a violation, an exception or a ``kill -9`` at any point leaves the
    store as it was. A second writer gets :class:`StoreError` at once; readers keep
    reading the generation they opened. The ontology is added with the first load.

    Each file is loaded by :func:`load_file` with ``bulk``, which gives ``progress``
    a :class:`LoadProgress` as it goes. Into a new store, the derived triples are
    computed from the triples the files give as they load (:class:`~kg.rdf.shortcuts.Shortcuts`);
    otherwise, or when that cannot be done exactly, by a SPARQL update of the whole
    generation (:func:`derive_in_store`). After a bulk load the store is compacted
    (``Store.optimize``), before any SPARQL runs on it: the bulk loader writes the
    files of its batches straight into the store, overlapping and compressed, and
    until they are merged every lookup searches them all (on a loaded machine,
    validating 100k firms took 102 to 115 s before, 42 s after; the merge took 6 to
    7.5 s). ``triples_added`` is the number of triples the generation has more than
    the one before it. ``lenient`` is passed to :func:`load_file` (trusted files: IRIs
    and language tags unchecked).
    """
    folder = Path(store_dir)
    paths = expand_paths(files)
    if folder.is_dir() and (folder / "CURRENT").is_file() and not (folder / CURRENT_LINK).is_symlink():
        raise StoreError(f"{folder}: a plain Oxigraph store; `kg load` writes only stores it created (use a new folder)")
    with writer_lock(folder):
        old = current_folder(folder)
        remove_stale_generations(folder, keep={old, previous_generation(folder)})
        new = folder / f"gen-{time.time_ns()}"
        try:
            if old is not None:
                ox.Store.read_only(str(old)).backup(str(new))
            store = ox.Store(str(new))
            before = len(store) if old is not None else 0
            add_ontology = not store_has_ontology(store)
            shortcuts = Shortcuts() if old is None else None  # a new store: only the files count
            todo = [*(ontology_paths() if add_ontology else []), *paths]
            for i, path in enumerate(todo, 1):
                then = shortcuts.take if shortcuts is not None and i == len(todo) else None
                load_file(store, path, bulk=True, progress=progress, shortcuts=shortcuts, then=then, lenient=lenient)
            bulk = any(path.stat().st_size >= BULK_MIN_BYTES for path in todo)
            if shortcuts is not None and shortcuts.exact:
                derived = shortcuts.take()  # b"" if they went in with the last file
                load = store.bulk_load if len(derived) >= BULK_MIN_BYTES else store.load
                load(input=derived, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(), lenient=lenient)
                if bulk:
                    store.optimize()  # merge what the bulk loader wrote (see the docstring)
            else:
                if bulk:
                    store.optimize()  # first: the update looks up every relation
                derive_in_store(store)
            store.flush()
            added = len(store) - before  # every triple is in the default graph
            if validate:
                violations = [v for v in run_validation(wrap(store)) if v.severity == "Violation"]
                if violations:
                    raise ValidationFailed(violations)
            del store
            point_current_at(folder, new)
        except BaseException as e:
            store = None  # close the store before removing its files: drop every reference,
            error = e  # including those in the frames of the error and of the errors behind it
            while error is not None:  # (a parse error comes from the bulk loader's thread)
                traceback.clear_frames(error.__traceback__)
                error = error.__cause__ or error.__context__
            shutil.rmtree(new, ignore_errors=True)
            raise
        if old is not None and old != folder:
            (folder / ".kg-previous").unlink(missing_ok=True)
            (folder / ".kg-previous").symlink_to(old.name)
    return {
        "store": str(store_dir),
        "files": len(paths),
        "triples_added": added,
        "ontology_added": add_ontology,
        "validated": validate,
    }
