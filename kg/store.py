"""Open, parse, load and save graphs.

Every graph the code uses is an rdflib :class:`~rdflib.Graph` on the Oxigraph
store (through the ``oxrdflib`` plugin): rdflib's API, Oxigraph's speed. All
triples live in the default graph, so SPARQL sees everything without ``GRAPH``.

>>> g = open_graph()                      # bundled ontology and data
>>> count_triples(g) > 1000
True
>>> g2 = open_graph([], ontology=True)    # the ontology alone
>>> count_triples(g2) < count_triples(g)
True
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import ParseError, StoreError
from .ontology import DATA_DIR, ONTOLOGY_DIR, ONTOLOGY_FILES, PREFIXES

# file suffix -> pyoxigraph format name
FORMATS = {
    ".ttl": "TURTLE",
    ".turtle": "TURTLE",
    ".nt": "N_TRIPLES",
    ".ntriples": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".jsonld": "JSON_LD",
    ".json": "JSON_LD",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
    ".xml": "RDF_XML",
    ".n3": "N3",
}

DERIVE_SHORTCUTS = """
CONSTRUCT { ?s ckg:suppliesTo ?c . ?g ckg:subsidiary ?f . }
WHERE {
  { ?r a ckg:SupplyRelation ; ckg:supplier ?s ; ckg:customer ?c . }
  UNION
  { ?f ckg:parentOrganization ?g . }
}
"""
"""The rules the loader applies: ``ckg:suppliesTo`` from supply relations, ``ckg:subsidiary``
as the inverse of ``ckg:parentOrganization``. Data files never write either."""


@dataclass(frozen=True)
class Source:
    """A parsed file: its path and its triples (as pyoxigraph triples)."""

    path: Path
    triples: list


def ontology_paths() -> list[Path]:
    """The ontology files that every graph includes (not the SHACL shapes)."""
    return [ONTOLOGY_DIR / name for name in ONTOLOGY_FILES if (ONTOLOGY_DIR / name).exists()]


def default_data_paths() -> list[Path]:
    """The bundled curated data: every RDF file in ``data/``."""
    return expand_paths([DATA_DIR])


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, and the RDF files inside folders (sorted), without duplicates.

    Raises :class:`ParseError` for a path that does not exist or a file of unknown format.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in FORMATS and f.is_file()))
        elif p.is_file():
            if p.suffix.lower() not in FORMATS:
                raise ParseError(str(p), None, f"unknown RDF format {p.suffix!r}; use one of {', '.join(sorted(FORMATS))}")
            out.append(p)
        else:
            raise ParseError(str(p), None, "no such file or folder")
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def parse_file(path: str | os.PathLike) -> Source:
    """Parse one RDF file completely, or raise :class:`ParseError` with its line.

    Quads of TriG/N-Quads files are put in the default graph.
    """
    import pyoxigraph as ox

    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParseError(str(path), None, f"unknown RDF format {path.suffix!r}")
    try:
        parsed = ox.parse(
            path=str(path),
            format=getattr(ox.RdfFormat, fmt),
            base_iri=path.resolve().as_uri(),
            rename_blank_nodes=True,  # _:b1 in two files (or two loads) are two nodes
        )
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]
    except SyntaxError as e:
        raise ParseError(str(path), e.lineno, _clean_syntax_message(str(e.msg if hasattr(e, "msg") else e))) from None
    except (OSError, ValueError) as e:
        raise ParseError(str(path), None, str(e)) from None
    return Source(path, triples)


def _clean_syntax_message(msg: str) -> str:
    # "Parser error between line 3 column 9 and line 4 column 1: Unexpected end of file"
    head, sep, tail = msg.partition(": ")
    if sep and head.startswith("Parser error"):
        col = head.split("column", 1)[1].split()[0] if "column" in head else ""
        return f"column {col}: {tail}" if col else tail
    return msg


def parse_files(paths: Sequence[str | os.PathLike]) -> list[Source]:
    """Parse every file before anything is added anywhere (all-or-nothing)."""
    return [parse_file(p) for p in paths]


def derived_triples(triples: Iterable) -> list:
    """The derived triples (:data:`DERIVE_SHORTCUTS`) implied by ``triples`` (pyoxigraph triples)."""
    import pyoxigraph as ox

    tmp = ox.Store()
    tmp.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return list(tmp.query(DERIVE_SHORTCUTS, prefixes=PREFIXES))


def _wrap(ox_store) -> rdflib.Graph:  # noqa: F821
    from oxrdflib import OxigraphStore
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    graph = Graph(store=OxigraphStore(store=ox_store), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph


def graph_from_sources(sources: Sequence[Source]) -> rdflib.Graph:  # noqa: F821
    """An in-memory Oxigraph-backed rdflib Graph holding ``sources`` and their derived shortcuts."""
    import pyoxigraph as ox

    store = ox.Store()
    triples = [t for s in sources for t in s.triples]
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in derived_triples(triples))
    return _wrap(store)


def open_graph(
    data: Sequence[str | os.PathLike] | None = None,
    *,
    ontology: bool = True,
    store: str | os.PathLike | None = None,
    endpoint: str | None = None,
) -> "rdflib.Graph":  # noqa: F821
    """Open the graph the commands work on.

    - ``endpoint``: a remote SPARQL 1.1 server (see :mod:`kg.remote`).
    - ``store``: a persistent store on disk (read-only; ``kg load`` writes it).
    - otherwise ``data`` (files or folders; default: the bundled ``data/``) in memory,
      always with the ontology unless ``ontology=False``. Files are parsed by Oxigraph
      straight into the store (no Python object per triple); a file that does not
      parse raises :class:`ParseError` with its line.
    """
    if endpoint is not None:
        from .remote import open_remote

        return open_remote(endpoint)
    if store is not None:
        return _wrap(open_store(store, read_only=True))
    import pyoxigraph as ox

    paths = default_data_paths() if data is None else expand_paths(data)
    if ontology:
        paths = expand_paths([*ontology_paths(), *paths])
    memory = ox.Store()
    for path in paths:
        load_file(memory, path)
    derive_in_store(memory)
    return _wrap(memory)


PROGRESS_EVERY = 100_000
"""Triples between two progress reports of a bulk load."""


def load_file(
    ox_store,
    path: str | os.PathLike,
    *,
    bulk: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Parse one file straight into ``ox_store``'s default graph; return the triples read.

    ``bulk`` uses Oxigraph's bulk loader (fast, not transactional: for a store that
    is thrown away on error) and calls ``progress(triples_read)`` every
    :data:`PROGRESS_EVERY` triples. Named graphs of TriG, N-Quads or JSON-LD files
    are merged into the default graph; blank-node labels are local to the file.
    Raises :class:`ParseError` with the file's line.
    """
    import pyoxigraph as ox

    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParseError(str(path), None, f"unknown RDF format {path.suffix!r}")
    count = 0
    try:
        quads = ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt), base_iri=path.resolve().as_uri(),
                         rename_blank_nodes=True)
        if not bulk:
            triples = [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads]
            ox_store.extend(triples)
            return len(triples)

        def counted():
            nonlocal count
            default = ox.DefaultGraph()
            for q in quads:
                yield q if q.graph_name == default else ox.Quad(q.subject, q.predicate, q.object, default)
                count += 1
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(count)

        ox_store.bulk_extend(counted())
    except SyntaxError as e:
        raise ParseError(str(path), e.lineno, _clean_syntax_message(str(e.msg if hasattr(e, "msg") else e))) from None
    except (OSError, ValueError) as e:
        raise ParseError(str(path), None, str(e)) from None
    return count


def derive_in_store(ox_store) -> None:
    """Add the derived triples (:data:`DERIVE_SHORTCUTS`) of everything in ``ox_store``."""
    construct = DERIVE_SHORTCUTS.strip()
    insert = "INSERT" + construct[len("CONSTRUCT"):]
    ox_store.update(insert, prefixes=PREFIXES)


CURRENT_LINK = "kg-current"
"""In a store folder, the symlink to the generation that readers open."""
LOCK_FILE = ".kg-lock"
"""In a store folder, the file a writer locks so a second writer gets a clear error."""


def _current(path: Path) -> Path | None:
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
    import pyoxigraph as ox

    path = Path(path)
    target = _current(path) if path.is_dir() else None
    if target is None:
        raise StoreError(f"{path}: no store here; create one with `kg load FILES… --store {path}`")
    try:
        return ox.Store.read_only(str(target)) if read_only else ox.Store(str(target))
    except OSError as e:
        msg = str(e)
        if "lock" in msg.lower():
            msg = "another process is writing to this store; try again when it has finished"
        raise StoreError(f"{path}: cannot open the store: {msg}") from None


def store_has_ontology(ox_store) -> bool:
    """Whether a store already holds the ontology header."""
    return bool(
        ox_store.query("ASK { <https://w3id.org/cluster-kg/ontology> a <http://www.w3.org/2002/07/owl#Ontology> }")
    )


def select(graph, text: str) -> Iterator[list[str | None]]:
    """Run a SELECT (with the :data:`~kg.ontology.PREFIXES` prologue) and stream its rows as
    plain strings: the IRI, the literal's lexical form or the blank node id; None if unbound.

    On the Oxigraph store that :func:`open_graph` makes the query goes straight to
    pyoxigraph, and on a remote endpoint (:mod:`kg.remote`) its answer is parsed by
    pyoxigraph as it streams in: no term is converted to rdflib, which is most of the
    cost of a large answer (5x). Any other rdflib graph goes through ``graph.query``.
    Ask for ``lang(?x)`` in the query where the language of a literal matters.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='<http://e.org/a> <http://e.org/p> "x"@en .')
    >>> list(select(g, "SELECT ?s ?o (lang(?o) AS ?l) ?none WHERE { ?s ?p ?o }"))
    [['http://e.org/a', 'x', 'en', None]]
    """
    from .ontology import sparql_prologue

    from .remote import is_remote

    query = sparql_prologue() + text
    inner = oxigraph_store(graph)
    if inner is not None or is_remote(graph):
        rows = inner.query(query) if inner is not None else graph.store.select_ox(query)
        for row in rows:
            yield [None if t is None else t.value for t in row]
    else:
        for row in graph.query(query):
            yield [None if t is None else str(t) for t in row]


def oxigraph_store(graph):
    """The pyoxigraph Store behind ``graph`` when ``graph`` is its default graph, else None."""
    store = getattr(graph, "store", None)
    if type(store).__name__ != "OxigraphStore" or type(graph).__name__ != "Graph":
        return None
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    if graph.identifier != DATASET_DEFAULT_GRAPH_ID:
        return None  # a named graph: let oxrdflib pick the graph to query
    return getattr(store, "_inner", None)


def count_triples(graph) -> int:
    """Number of triples, counted by SPARQL (``len()`` on oxrdflib walks every triple)."""
    row = next(iter(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    return int(row[0])


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "w"):
    """Open a temporary file beside ``path`` for writing; on success rename it to ``path``.

    A failed write (an exception in the ``with`` block) leaves any earlier file at
    ``path`` intact and removes the temporary file. The file gets the usual mode
    (``0o666`` less the umask). ``mode`` is ``"w"`` (UTF-8 text) or ``"wb"``.
    """
    import secrets

    path = Path(path)
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


@contextmanager
def _writer_lock(folder: Path):
    """Hold the store folder's writer lock, or raise :class:`StoreError` at once."""
    import fcntl

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


def load_into_store(
    store_dir: str | os.PathLike,
    files: Sequence[str | os.PathLike],
    *,
    validate: bool = True,
    progress: Callable[[str, int, bool], None] | None = None,
) -> dict:
    """Parse, validate and add ``files`` to the persistent store at ``store_dir``, all or nothing.

    The new data goes into a new generation of the store: a copy of the current one
    (hard links, so cheap) that the files are bulk-loaded into, then the derived
    triples, then (with ``validate``) the SHACL shapes are checked on the whole of
    it. Only then does the ``kg-current`` symlink move to it, in one atomic rename.
    A parse error, a violation, an exception or a ``kill -9`` at any point leaves the
    store as it was. A second writer gets :class:`StoreError` at once; readers keep
    reading the generation they opened. The ontology is added with the first load.

    ``progress(file, triples_read_from_it, done)`` is called every
    :data:`PROGRESS_EVERY` triples and at the end of each file (``done`` true).
    """
    import shutil

    import pyoxigraph as ox

    folder = Path(store_dir)
    paths = expand_paths(files)
    if folder.is_dir() and (folder / "CURRENT").is_file() and not (folder / CURRENT_LINK).is_symlink():
        raise StoreError(f"{folder}: a plain Oxigraph store; `kg load` writes only stores it created (use a new folder)")
    with _writer_lock(folder):
        old = _current(folder)
        _remove_stale_generations(folder, keep={old, _previous(folder)})
        new = folder / f"gen-{time.time_ns()}"
        try:
            if old is not None:
                ox.Store.read_only(str(old)).backup(str(new))
            store = ox.Store(str(new))
            before = _count(store)
            add_ontology = not store_has_ontology(store)
            for path in [*(ontology_paths() if add_ontology else []), *paths]:
                report = (lambda n, p=str(path): progress(p, n, False)) if progress else None
                read = load_file(store, path, bulk=True, progress=report)
                if progress is not None:
                    progress(str(path), read, True)
            derive_in_store(store)
            store.flush()
            added = _count(store) - before
            if validate:
                from .errors import ValidationFailed
                from .validate import validate as run_validation

                violations = [v for v in run_validation(_wrap(store)) if v.severity == "Violation"]
                if violations:
                    raise ValidationFailed(violations)
            del store
            _point_current_at(folder, new)
        except BaseException as e:
            import traceback

            store = None  # close the store before removing its files: drop every reference,
            traceback.clear_frames(e.__traceback__)  # including those in the error's frames
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


def _count(ox_store) -> int:
    return int(next(iter(ox_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)


def _point_current_at(folder: Path, generation: Path) -> None:
    tmp = folder / f".{CURRENT_LINK}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(generation.name)
    os.replace(tmp, folder / CURRENT_LINK)  # atomic: readers see the old or the new generation


def _previous(folder: Path) -> Path | None:
    link = folder / ".kg-previous"
    return folder / os.readlink(link) if link.is_symlink() else None


def _remove_stale_generations(folder: Path, keep: set) -> None:
    """Remove generations left by a killed load, keeping the current and the previous one."""
    import shutil

    for gen in folder.glob("gen-*"):
        if gen not in keep:
            shutil.rmtree(gen, ignore_errors=True)
