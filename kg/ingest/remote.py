"""Loading files into a SPARQL server, replacing or removing what a loaded file said: one update
request each, all or nothing (what is sent is in :mod:`kg.rdf.remote_load`)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pyoxigraph as ox

from kg.errors import KGError, StoreError, ValidationFailed
from kg.ingest.ledger import FileRecord, Ledger, check_names, now, plan
from kg.rdf.derive import derive_in_store, derived_triples
from kg.rdf.formats import expand_paths, parse_files
from kg.rdf.local import wrap
from kg.rdf.remote import DEFAULT_TIMEOUT, LOAD_TIMEOUT, check_url, open_remote, send_update
from kg.rdf.remote_load import (
    count_held,
    count_query,
    derive_everything,
    drop_files,
    has_records_query,
    insert_data,
    insert_file,
    insert_unless_ontology,
    ontology_header,
    other_files_query,
    records_query,
    rederive,
    remote_has_ontology,
    snapshot_unrecorded,
    unrecorded_query,
)
from kg.rdf.skolem import skolemised_triples
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
    replace: bool = False,
) -> dict:
    """Parse, validate and add ``files`` to a SPARQL server, all or nothing.

    Every file is parsed first (:class:`~kg.errors.ParseError` otherwise), its blank nodes made
    IRIs (:mod:`kg.rdf.skolem`: the same bytes give the same triples, so loading them again adds
    nothing). With ``validate`` the files, together with the ontology, must pass the SHACL
    shapes (:class:`~kg.errors.ValidationFailed` otherwise); what the server already holds is
    not read, so a file that only refers to entities loaded before may need ``validate=False``.
    The ``ckg:suppliesTo`` shortcuts are derived from the files.

    Then everything goes to ``update_endpoint`` as ONE update request: the ontology (added only
    if the server lacks its header, decided in the server), each file into its own named graph
    and the default graph, with its record (:mod:`kg.rdf.remote_load`), and the shortcuts. One
    update request is one transaction on Oxigraph and Fuseki, so the server holds all of it or
    none. The price of atomicity is a single request as large as twice the data (about 100
    bytes a triple): very large loads need a server that accepts such bodies and ``timeout``
    long enough for it to commit. If the answer times out, the server may still commit: count
    the triples (``kg info``) before loading again.

    ``endpoint`` (the query URL; a redirect is followed only to the same host unless
    ``allow_redirects``) is read first for the server's records: a file recorded with the same
    sha256 is left out ("already loaded" in ``notes``), one with another is refused unless
    ``replace`` (see :func:`remove_remote` for what a replacement does; it needs ``endpoint``).
    After the server has answered 2xx, it is read again to check that it holds every triple
    sent (:func:`count_held`, about 500 triples a query): if any is missing (a proxy that
    answers 2xx, a query URL of another dataset), :class:`~kg.errors.StoreError`. Without
    ``endpoint`` the server decides alone: a file it records with other bytes is left as it
    was, the shortcuts are derived in the server, and ``ontology_added`` and ``verified`` are
    None. No redirect is followed for the update (a 301/302/303 would turn it into a ``GET``
    without the data, answered 2xx): :class:`~kg.errors.StoreError` names it.
    """
    if replace and endpoint is None:
        raise StoreError("--replace on a SPARQL server needs --endpoint URL (its query URL) to read what the "
                         "loaded files said")
    return _change(update_endpoint, files, (), validate=validate, endpoint=endpoint, timeout=timeout,
                   allow_redirects=allow_redirects, replace=replace)


def remove_remote(
    update_endpoint: str,
    names: Sequence[str],
    *,
    endpoint: str,
    validate: bool = True,
    timeout: float = LOAD_TIMEOUT,
    allow_redirects: bool = False,
) -> dict:
    """Remove what the loaded files ``names`` said from a SPARQL server, in ONE update request.

    The records are read from ``endpoint`` (a name not recorded: :class:`StoreError` listing
    the loaded files). With ``validate``, the triples of the other file graphs are downloaded
    (bounded by ``KG_REMOTE_MAX_MB``) and validated with the ontology, before anything is sent
    (:class:`ValidationFailed`: nothing sent). The update takes each file's triples out of the
    default graph, but those another file graph (the ontology's included) also says, drops the
    file graphs and the records, and derives the shortcuts again. ``triples_added`` and
    ``triples_removed`` are the net change of the default graph.
    """
    if endpoint is None:
        raise StoreError("kg remove on a SPARQL server needs --endpoint URL (its query URL) to read what the "
                         "loaded files said")
    return _change(update_endpoint, (), names, validate=validate, endpoint=endpoint, timeout=timeout,
                   allow_redirects=allow_redirects, replace=False)


def _change(update_endpoint, files, remove, *, validate, endpoint, timeout, allow_redirects, replace) -> dict:
    check_url(update_endpoint, "--update-endpoint")
    paths = expand_paths(files)
    check_names(paths)
    parsed = [(p, *skolemised_triples(p)) for p in paths]  # every file parses before anything is sent
    reader = None if endpoint is None else open_remote(endpoint, timeout=DEFAULT_TIMEOUT,
                                                       allow_redirects=allow_redirects)
    ledger = remote_records(reader) if reader is not None else Ledger(None)
    command = f"kg --update-endpoint {update_endpoint} --endpoint {endpoint} load"
    todo = plan(ledger, update_endpoint, [(p, d, False) for p, d, _ in parsed], remove, replace=replace,
                command=command)
    triples = {p: t for p, _, t in parsed}
    new = [t for p, _, _ in todo.add for t in triples[p]]
    ontology = [t for s in parse_files(ontology_paths()) for t in s.triples]
    if validate:
        _validate(reader, todo.drop, ontology, new)
    report = {"store": update_endpoint, "files": len(paths), "triples_added": 0, "triples_removed": 0,
              "ontology_added": None, "validated": validate, "verified": None, "notes": todo.notes,
              "loaded": [p.name for p, _, _ in todo.add], "replaced": todo.replaced,
              "removed": [n for n in todo.drop if n not in todo.replaced], "unchanged": todo.unchanged}
    if todo.nothing:
        report.update(ontology_added=False, verified=True)
        return report
    derived = derived_triples(new) if reader is not None and not todo.drop else []
    parts = [snapshot_unrecorded(), insert_unless_ontology(ontology)]
    if todo.drop:
        parts.append(drop_files(todo.drop))
    for path, digest, _ in todo.add:
        parts.append(insert_file(path.name, digest, triples[path], len(triples[path]), now(), str(path.resolve())))
    if todo.drop:
        parts.append(rederive())
    elif reader is None:
        parts.append(derive_everything())  # from what the server holds: a file it refused gives none
    elif derived:
        parts.append(insert_data(derived))
    before = add_ontology = held_before = None
    if reader is not None:
        add_ontology = not remote_has_ontology(reader)
        before = _count(reader)
        if todo.drop:  # what the replacing files add: those of their triples the server lacks now
            held_before = (count_held(reader, list(dict.fromkeys(new))), _count(reader, derived=True))
    status = send_update(update_endpoint, " ;\n".join(parts), timeout=timeout)
    if reader is None:
        report["triples_added"] = len(dict.fromkeys(new))  # sent: what the server added is not read
        return report
    sent = list(dict.fromkeys([*new, *derived, *(ontology if add_ontology else []), ontology_header()]))
    after, derived_after = _read_back(reader, update_endpoint, status, sent, todo, report["removed"])
    if held_before is None:
        added = after - before  # nothing was removed
    else:
        added = len(dict.fromkeys(new)) - held_before[0] + max(derived_after - held_before[1], 0)
    report.update(triples_added=added, triples_removed=max(before + added - after, 0), ontology_added=add_ontology,
                  verified=True)
    return report


def _read_back(reader, update_endpoint: str, status: int, sent: list, todo, removed: list) -> tuple[int, int]:
    """Check that the server behind ``reader`` holds every triple ``sent`` and, after a replacement
    or a removal, that its records show it (:class:`StoreError` otherwise); the triples it holds
    now, and the derived ones among them."""
    endpoint = reader.store.query_endpoint
    try:
        held = count_held(reader, sent)
        after, derived = _count(reader), _count(reader, derived=True)
        recorded = remote_records(reader).files if todo.drop else None
    except KGError as e:
        raise StoreError(f"{update_endpoint}: the server answered HTTP {status} to the load, but what it holds "
                         f"could not be read back: {e}") from None
    if held != len(sent):
        raise StoreError(
            f"{update_endpoint}: the server answered HTTP {status} but holds only {held:,} of the "
            f"{len(sent):,} triples sent (read back from {endpoint}): nothing may have been written "
            "(a redirect or a proxy?)")
    if recorded is not None:
        wrong = [n for n in removed if n in recorded] + [
            p.name for p, d, _ in todo.add if p.name not in recorded or recorded[p.name].sha256 != d]
        if wrong:
            raise StoreError(f"{update_endpoint}: the server answered HTTP {status} but its records of "
                             f"{', '.join(wrong)} do not show the change (read back from {endpoint})")
    return after, derived


def remote_records(reader) -> Ledger:
    """The records of the files loaded into the server behind ``reader`` (a graph of
    :func:`~kg.rdf.remote.open_remote`), as a :class:`~kg.ingest.ledger.Ledger` without a folder:
    ``recorded`` False for a server that holds data but no records, ``unrecorded`` 1 when it holds
    data loaded before kg kept records."""
    if not reader.query(has_records_query()).askAnswer:
        unrecorded = bool(reader.query(unrecorded_query()).askAnswer)
        return Ledger(None, recorded=not unrecorded)
    files = {}
    for g, name, sha, n, at, source in reader.store.select_ox(records_query(), ("g", "name", "sha", "n", "at",
                                                                                 "source")):
        files[name.value] = FileRecord(name.value, sha.value, int(n.value), at.value, source.value, g.value)
    unrecorded = bool(reader.query(unrecorded_query()).askAnswer)
    return Ledger(None, files, unrecorded=1 if unrecorded else None)


def _count(reader, *, derived: bool = False) -> int:
    """The triples of the server's default graph (``derived``: the derived shortcuts among them)."""
    rows = list(reader.store.select_ox(count_query(derived=derived), ("n",)))
    try:
        return int(rows[0][0].value)
    except (IndexError, AttributeError, ValueError):
        raise StoreError(f"{reader.store.query_endpoint}: the answer to a COUNT is not one number: "
                         f"{rows[:3]!r}") from None


def _validate(reader, drop: Sequence[str], ontology: list, new: list) -> None:
    """Validate the files ``new`` with the ontology; when files are replaced or removed (``drop``),
    with the triples of the other file graphs too, downloaded from ``reader``."""
    store = ox.Store()
    default = ox.DefaultGraph()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in [*ontology, *new])
    if drop:
        store.extend(ox.Quad(s, p, o, default)
                     for s, p, o in reader.store.select_ox(other_files_query(drop), ("s", "p", "o")))
    derive_in_store(store)
    violations = [v for v in run_validation(wrap(store)) if v.severity == "Violation"]
    if violations:
        raise ValidationFailed(violations)


__all__ = ["load_remote", "remote_records", "remove_remote"]
