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
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter
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
  { { SELECT ?r { ?r a ckg:SupplyRelation } }
    { SELECT ?r ?s { ?r ckg:supplier ?s } }
    { SELECT ?r ?c { ?r ckg:customer ?c } } }
  UNION
  { ?f ckg:parentOrganization ?g . }
}
"""
"""The rules the loader applies: ``ckg:suppliesTo`` from supply relations, ``ckg:subsidiary``
as the inverse of ``ckg:parentOrganization``. Data files never write either.

The three patterns of a relation are sub-SELECTs so that Oxigraph joins them by hashing
three index scans: written as one basic graph pattern it looks each relation's supplier
and customer up one at a time, five times slower on a persistent store (4 s against
20 s at 100k firms)."""

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
"""Statements between two progress reports of a bulk load that counts them."""
PROGRESS_BYTES = 16 << 20
"""Bytes between two progress reports of a bulk load that counts bytes only (Turtle, RDF/XML)."""
BULK_MIN_BYTES = 4 << 20
"""Files smaller than this go into a bulk-loaded store in one transaction, as Python objects:
each run of the bulk loader writes RocksDB files of its own (a few per index), that every
later lookup has to search."""

_BULK_FORMATS = {"N_TRIPLES", "TURTLE", "RDF_XML"}
"""Formats without named graphs: the bulk loader reads them itself, into the default graph."""


@dataclass(frozen=True)
class LoadProgress:
    """How far the load of one file is (see :func:`load_file`).

    - ``triples``: statements read so far; None while a Turtle or RDF/XML file is
      bulk-loaded, as only Oxigraph's parser sees its statements (and when it is done).
    - ``bytes_read``: bytes handed to the parser so far; None when the file is parsed in Python.
    - ``size``: the file's size in bytes. ``seconds``: time since the file was opened.
    - ``done``: the file is loaded.
    """

    file: str
    triples: int | None
    bytes_read: int | None
    size: int
    seconds: float
    done: bool


def load_file(
    ox_store,
    path: str | os.PathLike,
    *,
    bulk: bool = False,
    progress: Callable[[LoadProgress], None] | None = None,
    shortcuts: _Shortcuts | None = None,
    then: Callable[[], bytes] | None = None,
    lenient: bool = False,
) -> int | None:
    """Parse one file straight into ``ox_store``'s default graph; return the statements read.

    Without ``bulk`` the file is parsed into Python objects and added in one transaction.
    ``bulk`` is for a store that is thrown away on error (the bulk loader is not
    transactional): a file of N-Triples, Turtle or RDF/XML of :data:`BULK_MIN_BYTES` or
    more goes to Oxigraph's bulk loader, which parses it in a thread of its own while
    this one counts the bytes, and in N-Triples (one statement a line) the statements
    too (:func:`_bulk_load_through_pipe`); no Python object is made per triple. Its
    return value is None for Turtle and RDF/XML, whose statements are not counted.
    N-Quads, TriG, JSON-LD and N3 stream their triples through Python into the bulk
    loader, named graphs merged into the default graph. Smaller files go in one
    transaction.

    ``progress`` gets a :class:`LoadProgress` about every :data:`PROGRESS_EVERY`
    statements (:data:`PROGRESS_BYTES` bytes when only bytes are counted) and once the
    file is done. ``shortcuts`` gathers the triples :data:`DERIVE_SHORTCUTS` reads, for
    :func:`load_into_store`; when an N-Triples file is bulk-loaded, ``then()`` is called
    once the whole file has been read, and the N-Triples it returns (the derived triples)
    go in with the file, in the same run of the bulk loader: a second run would write and
    then merge a second set of RocksDB files. Blank-node labels are local to the file.
    ``lenient`` (for trusted files) has Oxigraph's parser skip checking IRIs and language
    tags: faster, but a malformed IRI goes into the store as written. Raises
    :class:`ParseError` with the file's line.
    """
    import pyoxigraph as ox

    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParseError(str(path), None, f"unknown RDF format {path.suffix!r}")
    start = time.monotonic()

    def report(triples: int | None, bytes_read: int | None, done: bool = False) -> None:
        if progress is not None:
            progress(LoadProgress(str(path), triples, bytes_read, size, time.monotonic() - start, done))

    rdf_format, base_iri, default = getattr(ox.RdfFormat, fmt), path.resolve().as_uri(), ox.DefaultGraph()
    try:
        size = path.stat().st_size
        if bulk and fmt in _BULK_FORMATS and size >= BULK_MIN_BYTES:
            lines = _NTriplesLines(shortcuts) if fmt == "N_TRIPLES" else None
            if lines is None and shortcuts is not None:
                shortcuts.exact = False  # not gathered: the store derives them itself
            then = then if lines is not None else None
            _bulk_load_through_pipe(ox_store, path, rdf_format, base_iri, lines, report, then, lenient)
            count = None
            if lines is not None:
                lines.close()
                count = lines.statements
            report(count, size, True)
            return count
        quads = ox.parse(path=str(path), format=rdf_format, base_iri=base_iri, rename_blank_nodes=True,
                         lenient=lenient)
        if not bulk or size < BULK_MIN_BYTES:
            triples = [ox.Quad(q.subject, q.predicate, q.object, default) for q in quads]
            ox_store.extend(triples)
            if shortcuts is not None:
                for q in triples:
                    shortcuts.add_quad(q)
            report(len(triples), None, True)
            return len(triples)
        count = 0
        relevant = _Shortcuts.predicates() if shortcuts is not None else set()

        def counted():
            nonlocal count
            for q in quads:
                if q.graph_name != default:
                    q = ox.Quad(q.subject, q.predicate, q.object, default)
                if q.predicate in relevant:
                    shortcuts.add_quad(q)
                yield q
                count += 1
                if count % PROGRESS_EVERY == 0:
                    report(count, None)

        ox_store.bulk_extend(counted())
        report(count, None, True)
        return count
    except SyntaxError as e:
        raise ParseError(str(path), e.lineno, _clean_syntax_message(str(e.msg if hasattr(e, "msg") else e))) from None
    except (OSError, ValueError) as e:
        raise ParseError(str(path), None, str(e)) from None


BLOCK = 1 << 20
"""Bytes read from a bulk-loaded file at a time."""


def _bulk_load_through_pipe(ox_store, path: Path, rdf_format, base_iri: str, lines, report, then,
                            lenient: bool = False) -> None:
    """Bulk-load the file at ``path``, which Oxigraph reads from a pipe that this thread fills.

    Oxigraph parses in a second thread, without the GIL (it opens the pipe as
    ``/dev/fd/N`` where there is one), while this thread reads the file a block at a
    time, hands each block to ``lines`` (an :class:`_NTriplesLines`, or None) and
    writes it into the pipe: counting statements and gathering the triples of the
    rules costs no time on the parser's thread. ``report(statements or None,
    bytes)`` is called every :data:`PROGRESS_EVERY` statements (:data:`PROGRESS_BYTES`
    bytes without ``lines``) with what the parser has surely read: all but what the
    pipe can hold. After the file come the bytes ``then()`` returns, if ``then`` is
    given, on a line of their own. A parse error is raised here once the parser stops;
    an error here (or Ctrl-C) closes the pipe and is raised once the parser has stopped.
    """
    import threading
    from collections import deque

    import pyoxigraph as ox

    read_end, write_end = os.pipe()
    capacity = _grow_pipe(write_end)
    failed: list[BaseException] = []

    def parse() -> None:
        try:
            source = f"/dev/fd/{read_end}"
            if os.path.exists(source):
                ox_store.bulk_load(path=source, format=rdf_format, base_iri=base_iri, to_graph=ox.DefaultGraph(),
                                   lenient=lenient)
            else:
                with open(read_end, "rb", buffering=0, closefd=False) as pipe:
                    ox_store.bulk_load(input=pipe, format=rdf_format, base_iri=base_iri, to_graph=ox.DefaultGraph(),
                                       lenient=lenient)
        except Exception as e:
            failed.append(e)
        finally:
            os.close(read_end)  # a write into the pipe now fails: the feeding stops

    parser = threading.Thread(target=parse, name=f"bulk load of {path.name}", daemon=True)
    parser.start()
    try:
        with open(write_end, "wb", buffering=0) as pipe, open(path, "rb", buffering=0) as file:
            step = PROGRESS_EVERY if lines is not None else PROGRESS_BYTES
            due, sent, marks = step, 0, deque()  # marks: (bytes sent, statements in them)
            while block := file.read(BLOCK):
                if lines is not None:
                    lines.feed(block)
                _write_all(pipe, block)
                sent += len(block)
                marks.append((sent, lines.statements if lines is not None else sent))
                while marks and marks[0][0] <= sent - capacity:  # surely read by the parser
                    read, done = marks.popleft()
                    if done >= due:
                        due = (done // step + 1) * step
                        report(done if lines is not None else None, read)
            if then is not None:
                if lines is not None:
                    lines.close()  # the last line, if the file does not end with a line break
                _write_all(pipe, b"\n" + then())
    except BrokenPipeError:  # the parser stopped reading: its error follows
        parser.join()
        if not failed:
            raise
    finally:
        parser.join()
    if failed:
        raise failed[0].with_traceback(None)  # not the parser thread's frames: they hold the store


def _write_all(pipe, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[pipe.write(view) :]


def _grow_pipe(fd: int) -> int:
    """Make the pipe hold a block, where the system allows it; return what it holds."""
    try:
        import fcntl

        set_size, get_size = getattr(fcntl, "F_SETPIPE_SZ", 1031), getattr(fcntl, "F_GETPIPE_SZ", 1032)
        try:
            fcntl.fcntl(fd, set_size, BLOCK)
        except OSError:
            pass
        return fcntl.fcntl(fd, get_size)
    except (ImportError, OSError):
        return BLOCK  # unknown: assume the parser is a block behind


_NOT_A_STATEMENT = re.compile(rb"\n(?=[ \t]*[#\n])")
"""A line break before a blank or comment-only line."""


class _NTriplesLines:
    r"""Counts the statements of N-Triples text fed in blocks, and hands the lines of the
    triples :data:`DERIVE_SHORTCUTS` reads to ``shortcuts`` (a :class:`_Shortcuts`, or None).

    N-Triples has at most one statement a line, so the statements are the lines other
    than blank or comment-only ones: exact for a file that parses. A raw carriage
    return can only end a line, so each counts as a line feed (CRLF as a line and a
    blank line).

    >>> lines = _NTriplesLines(None)
    >>> for block in [b"# head\n<a:s> <a:p> <a:o> .", b"\n\n  <a:s> <a:p> <a:q> . # note\r\n", b"<a:s> <a:p> <a:r> ."]:
    ...     lines.feed(block)
    >>> lines.close()
    >>> lines.statements
    3
    """

    def __init__(self, shortcuts: _Shortcuts | None):
        self.statements = 0
        self._tail = b"\n"  # what is left of the last block, after the line break before it
        self._shortcuts = shortcuts

    def feed(self, block: bytes) -> None:
        if b"\r" in block:
            block = block.replace(b"\r", b"\n")
        text = self._tail + block
        end = text.rfind(b"\n") + 1
        if end > 1:
            self._whole_lines(text, end)
            self._tail = text[end - 1 :]
        else:
            self._tail = text

    def close(self) -> None:
        if len(self._tail) > 1:
            text, self._tail = self._tail + b"\n", b"\n"
            self._whole_lines(text, len(text))

    def _whole_lines(self, text: bytes, end: int) -> None:
        """Take the lines of ``text[1:end]``: ``text`` starts with a line break, ``end`` follows one."""
        shortcuts = self._shortcuts
        if shortcuts is not None and shortcuts.exact:
            blank = shortcuts.scan(text, end)
        else:
            blank = len(_NOT_A_STATEMENT.findall(text, 0, end))
        self.statements += text.count(b"\n", 1, end) - blank


_CKG = "https://w3id.org/cluster-kg/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_IRI_TEXT = rb"(<[^<>\"{}|^`\\\x00-\x20]*+>)"
_CKG_TEXT = re.escape(_CKG.encode())
_LINE = re.compile(
    rb"\n(?:[ \t]*+(?=[#\n])|[ \t]*+" + _IRI_TEXT + rb"[ \t]++(?:<" + _CKG_TEXT
    + rb"(?:(supplier)|(customer)|(parentOrganization))>[ \t]++" + _IRI_TEXT
    + rb"|<" + re.escape(_RDF_TYPE.encode()) + rb">[ \t]++(<" + _CKG_TEXT + rb"SupplyRelation>))"
    rb"[ \t]*+\.[ \t]*+(?:#[^\n]*+)?(?=\n))"
)
"""After a line break: a blank or comment-only line (all groups empty), or the line of a
triple the rules read, its IRIs written without escapes. Groups: subject, ``supplier``,
``customer``, ``parentOrganization``, object, and ``<…#SupplyRelation>`` for a type.
Possessive quantifiers: a line that is none of these fails without backtracking."""
_NOTHING = (b"",) * 6
_UCHAR = re.compile(rb"\\[uU]")
_ESCAPED_IRI = re.compile(rb"<[^<>\"{}|^`\x00-\x20]*\\[uU]")


class _Shortcuts:
    r"""The triples :data:`DERIVE_SHORTCUTS` reads, gathered while the files of a new store
    load, and the derived triples they give (:meth:`take`).

    Deriving them from the store itself turns each solution's terms back into strings,
    a RocksDB lookup each: at 100k firms that costs as much CPU time as half the bulk
    load. Here each block of an N-Triples file is searched for the lines of those
    triples (:data:`_LINE`); if the IRIs of the rules occur in the block more often
    than in the lines found, some triple is written otherwise (a blank node, a literal,
    an escape, an IRI in a literal or a comment) and ``exact`` turns False. Lines with
    an escape in an IRI are parsed by Oxigraph, as the rules' IRIs may hide there.
    Files read into Python give their triples (:meth:`add_quad`); a Turtle or RDF/XML
    file that only Oxigraph reads turns ``exact`` False. Once it is False the store
    must derive the triples itself (:func:`derive_in_store`). The work is done on whole
    blocks by the ``re`` module and C-level containers, not line by line in Python.

    >>> ckg, s = b"https://w3id.org/cluster-kg/ontology#", _Shortcuts()
    >>> s.scan(b"\n<e:r> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <%sSupplyRelation> .\n"
    ...        b"# a comment\n"
    ...        b"<e:r> <%ssupplier> <e:a> .\n"
    ...        b"<e:r>\t<%scustomer> <e:b> . # ok\n" % (ckg, ckg, ckg), 999)  # blank or comment lines
    1
    >>> s.exact, s.take()
    (True, b'<e:a> <https://w3id.org/cluster-kg/ontology#suppliesTo> <e:b> .\n')
    >>> s.scan(b"\n_:r <%ssupplier> <e:a> .\n" % ckg, 999)
    0
    >>> s.exact
    False
    """

    TYPE, SUPPLY_RELATION = f"<{_RDF_TYPE}>".encode(), f"<{_CKG}SupplyRelation>".encode()
    SUPPLIER, CUSTOMER = f"<{_CKG}supplier>".encode(), f"<{_CKG}customer>".encode()
    PARENT = f"<{_CKG}parentOrganization>".encode()
    SUPPLIES_TO, SUBSIDIARY = f"<{_CKG}suppliesTo>".encode(), f"<{_CKG}subsidiary>".encode()
    NEEDLES = (SUPPLIER, CUSTOMER, PARENT, SUPPLY_RELATION)

    def __init__(self):
        self.exact = True
        self.taken = False
        self.relations: set[bytes] = set()  # subjects typed ckg:SupplyRelation
        self.suppliers: dict[bytes, bytes] = {}  # relation -> its (first) supplier
        self.customers: dict[bytes, bytes] = {}  # relation -> its (first) customer
        self.more: dict[tuple[bytes, bytes], set[bytes]] = {}  # (SUPPLIER or CUSTOMER, relation) -> the others
        self.parents: list[tuple[bytes, bytes]] = []  # (firm, parent)

    @classmethod
    def predicates(cls) -> set:
        """The predicates of the triples the rules read, as pyoxigraph terms."""
        import pyoxigraph as ox

        return {ox.NamedNode(p[1:-1].decode()) for p in (cls.TYPE, cls.SUPPLIER, cls.CUSTOMER, cls.PARENT)}

    def add_quad(self, quad) -> None:
        """One parsed triple (a pyoxigraph quad)."""
        import pyoxigraph as ox

        if not self.exact or not isinstance(quad.predicate, ox.NamedNode):
            return
        p = f"<{quad.predicate.value}>".encode()
        if p not in (self.TYPE, self.SUPPLIER, self.CUSTOMER, self.PARENT):
            return
        if p == self.TYPE and str(quad.object).encode() != self.SUPPLY_RELATION:
            return
        if not (isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode)):
            self.exact = False  # a blank node or a literal: let the store derive
            return
        s, o = str(quad.subject).encode(), str(quad.object).encode()
        if p == self.TYPE:
            self.relations.add(s)
        elif p == self.PARENT:
            self.parents.append((s, o))
        else:
            self._values(p, [(s, o)])

    def _values(self, kind: bytes, pairs: list) -> None:
        """Add (relation, supplier or customer) pairs; most relations have one of each."""
        first = self.suppliers if kind == self.SUPPLIER else self.customers
        block = dict(pairs)
        if len(block) == len(pairs) and first.keys().isdisjoint(block):
            first.update(block)
            return
        for r, v in pairs:
            if first.setdefault(r, v) != v:
                self.more.setdefault((kind, r), set()).add(v)

    def scan(self, text: bytes, end: int) -> int:
        """Take the triples the rules read from the lines of ``text[1:end]`` (N-Triples,
        line feeds only, ``text`` starting with one and ``end`` following one); return
        the number of blank and comment-only lines."""
        found = _LINE.findall(text, 0, end)
        blank = found.count(_NOTHING)
        if sum(text.count(needle, 1, end) for needle in self.NEEDLES) != len(found) - blank:
            self.exact = False
            return blank
        if blank:
            found = [f for f in found if f != _NOTHING]
        self.relations.update(map(itemgetter(0), filter(itemgetter(5), found)))
        self._values(self.SUPPLIER, list(map(itemgetter(0, 4), filter(itemgetter(1), found))))
        self._values(self.CUSTOMER, list(map(itemgetter(0, 4), filter(itemgetter(2), found))))
        self.parents.extend(map(itemgetter(0, 4), filter(itemgetter(3), found)))
        if text.find(b"\\", 1, end) >= 0 and _UCHAR.search(text, 1, end):
            self._escaped(text, end)
        return blank

    def _escaped(self, text: bytes, end: int) -> None:
        """Lines with an escape in something that may be an IRI: parsed by Oxigraph."""
        import pyoxigraph as ox

        done = -1
        for m in _ESCAPED_IRI.finditer(text, 1, end):
            start = text.rfind(b"\n", 0, m.start()) + 1
            if start == done:
                continue
            done = start
            try:
                for quad in ox.parse(text[start : text.find(b"\n", start, end) + 1], format=ox.RdfFormat.N_TRIPLES):
                    self.add_quad(quad)
            except SyntaxError:
                self.exact = False  # the bulk loader reports the error, with its line
                return

    def take(self) -> bytes:
        """The derived triples as N-Triples, once (then b""); b"" too when not ``exact``."""
        if not self.exact or self.taken:
            return b""
        self.taken = True
        suppliers, customers = self.suppliers, self.customers
        both = list(self.relations & suppliers.keys() & customers.keys())
        out = [
            b"".join(chain.from_iterable(zip(
                map(suppliers.__getitem__, both), repeat(b" %s " % self.SUPPLIES_TO),
                map(customers.__getitem__, both), repeat(b" .\n"),
            ))),
            b"".join(chain.from_iterable(zip(
                map(itemgetter(1), self.parents), repeat(b" %s " % self.SUBSIDIARY),
                map(itemgetter(0), self.parents), repeat(b" .\n"),
            ))),
        ]  # fmt: skip
        for r in {r for _, r in self.more} & self.relations:  # relations with several suppliers or customers
            sources = {suppliers[r], *self.more.get((self.SUPPLIER, r), ())} if r in suppliers else set()
            targets = {customers[r], *self.more.get((self.CUSTOMER, r), ())} if r in customers else set()
            out.extend(b"%s %s %s .\n" % (s, self.SUPPLIES_TO, c) for s in sources for c in targets)
        return b"".join(out)


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
    cost of a large answer (5x). A ``pyoxigraph.Store`` itself is queried the same way (no
    rdflib needed). Any other rdflib graph goes through ``graph.query``.
    Ask for ``lang(?x)`` in the query where the language of a literal matters.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='<http://e.org/a> <http://e.org/p> "x"@en .')
    >>> list(select(g, "SELECT ?s ?o (lang(?o) AS ?l) ?none WHERE { ?s ?p ?o }"))
    [['http://e.org/a', 'x', 'en', None]]
    """
    from .ontology import sparql_prologue

    from .remote import is_remote

    query = sparql_prologue() + text
    inner = graph if type(graph).__module__ == "pyoxigraph" else oxigraph_store(graph)  # a pyoxigraph.Store itself
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
    computed from the triples the files give as they load (:class:`_Shortcuts`);
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
            before = len(store) if old is not None else 0
            add_ontology = not store_has_ontology(store)
            shortcuts = _Shortcuts() if old is None else None  # a new store: only the files count
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
