"""Loading files into a store or a SPARQL server: parse, derive, validate, then commit all or nothing."""

from __future__ import annotations

import gc
import os
import shutil
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError, StoreError, ValidationFailed
from kg.rdf.bulk import BULK_MIN_BYTES, LoadProgress, load_file
from kg.rdf.derive import derive_in_store, derived_triples
from kg.rdf.formats import expand_paths, parse_files
from kg.rdf.generations import (
    CURRENT_LINK,
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
from kg.rdf.local import graph_from_sources, wrap
from kg.rdf.remote import DEFAULT_TIMEOUT, LOAD_TIMEOUT, check_url, open_remote, send_update
from kg.rdf.remote_load import (
    count_held,
    insert_data,
    insert_unless_ontology,
    ontology_header,
    remote_has_ontology,
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
    allow_redirects: bool = False,
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

    No redirect is followed for the update (a 301/302/303 would turn it into a ``GET``
    without the data, answered 2xx): :class:`~kg.errors.StoreError` names it.

    ``endpoint`` (the query URL; a redirect is followed only to the same host unless
    ``allow_redirects``) is read to report whether the ontology was added and, after the
    server has answered 2xx, to check that it holds every triple sent: :func:`count_held`
    (about 500 triples a query). A triple with a blank node cannot be matched by identity:
    those are counted in ``blank_node_triples`` and not checked. If any other triple is
    missing (a proxy that answers 2xx, a query URL of another dataset), :class:`~kg.errors.StoreError`.
    Without ``endpoint``, ``ontology_added`` and ``verified`` are None: nothing was read back.
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

    add_ontology = reader = None
    if endpoint is not None:
        reader = open_remote(endpoint, timeout=DEFAULT_TIMEOUT, allow_redirects=allow_redirects)
        add_ontology = not remote_has_ontology(reader)
    status = send_update(update_endpoint, insert_unless_ontology(ontology_triples) + " ;\n" + insert_data(triples),
                         timeout=timeout)
    sent = dict.fromkeys([*triples, *(ontology_triples if add_ontology else [])])  # each once
    added = len(sent)
    sent.setdefault(ontology_header())  # there now, whoever added it
    checkable = [t for t in sent if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)]
    if reader is not None:
        try:
            held = count_held(reader, checkable)
        except KGError as e:
            raise StoreError(f"{update_endpoint}: the server answered HTTP {status} to the load, but what it holds "
                             f"could not be read back: {e}") from None
        if held != len(checkable):
            raise StoreError(
                f"{update_endpoint}: the server answered HTTP {status} but holds only {held:,} of the "
                f"{len(checkable):,} triples sent (read back from {endpoint}): nothing may have been written "
                "(a redirect or a proxy?)")
    return {
        "store": update_endpoint,
        "files": len(paths),
        "triples_added": added,
        "ontology_added": add_ontology,
        "validated": validate,
        "verified": None if reader is None else True,
        "blank_node_triples": len(sent) - len(checkable),
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

    A first load that fails leaves no trace: the folders it created are removed again (a
    folder the user made is left as it was, empty). If ``kg-current`` points at a generation
    that is gone, the load starts from the previous generation when it opens, else as a new
    store; ``notes`` in the result says so. A store folder that cannot be written, a damaged
    generation and a disk that fills up raise :class:`StoreError` and change nothing.
    """
    folder = Path(store_dir)
    paths = expand_paths(files)
    if folder.is_dir() and (folder / "CURRENT").is_file() and not (folder / CURRENT_LINK).is_symlink():
        raise StoreError(f"{folder}: a plain Oxigraph store; `kg load` writes only stores it created (use a new folder)")
    created = []  # the folders this load creates, innermost first: removed again if the first load fails
    for path in (folder, *folder.parents):
        if path.exists() or path.is_symlink():
            break
        created.append(path)
    try:
        with writer_lock(folder):
            old, note = base_generation(folder)
            first = old is None and not (folder / CURRENT_LINK).is_symlink()
            remove_stale_generations(folder, keep={old, previous_generation(folder)})
            new = folder / f"gen-{time.time_ns()}"
            try:
                if old is not None:
                    open_generation(folder, old).backup(str(new))
                store = ox.Store(str(new))
                before = len(store) if old is not None else 0
                add_ontology = not store_has_ontology(store)
                shortcuts = Shortcuts() if old is None else None  # a new store: only the files count
                todo = [*(ontology_paths() if add_ontology else []), *paths]
                for i, path in enumerate(todo, 1):
                    then = shortcuts.take if shortcuts is not None and i == len(todo) else None
                    load_file(store, path, bulk=True, progress=progress, shortcuts=shortcuts, then=then,
                              lenient=lenient)
                bulk = any(_bulk_sized(path) for path in todo)
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
    return {
        "store": str(store_dir),
        "files": len(paths),
        "triples_added": added,
        "ontology_added": add_ontology,
        "notes": [note] if note else [],
        "validated": validate,
    }


def _bulk_sized(path: Path) -> bool:
    """Whether :func:`load_file` gave ``path`` to the bulk loader (:data:`BULK_MIN_BYTES` or more).
    A file gone since it was loaded counts as given: the store is then compacted, never wrong."""
    try:
        return path.stat().st_size >= BULK_MIN_BYTES
    except OSError:
        return True
