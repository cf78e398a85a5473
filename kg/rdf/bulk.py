"""Bulk loading of large files into an Oxigraph store, with progress."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ParseError
from kg.rdf.formats import FORMATS, RdfInput
from kg.rdf.parsing import parse_error
from kg.rdf.shortcuts import NTriplesLines, Shortcuts

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
    shortcuts: Shortcuts | None = None,
    then: Callable[[], bytes] | None = None,
    lenient: bool = False,
    name: str | os.PathLike | None = None,
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
    file is done. ``shortcuts`` gathers the triples :data:`~kg.rdf.derive.DERIVE_SHORTCUTS` reads, for
    :func:`~kg.ingest.load.load_into_store`; when an N-Triples file is bulk-loaded, ``then()`` is called
    once the whole file has been read, and the N-Triples it returns (the derived triples)
    go in with the file, in the same run of the bulk loader: a second run would write and
    then merge a second set of RocksDB files. Blank-node labels are local to the file.
    ``lenient`` (for trusted files) has Oxigraph's parser skip checking IRIs and language
    tags: faster, but a malformed IRI goes into the store as written. Raises
    :class:`ParseError` with the file's line, also for a file that cannot be read, a token
    longer than :data:`~kg.rdf.formats.TOKEN_MAX` and an RDF/XML entity that could expand
    (:class:`~kg.rdf.formats.EntityCheck`), on both paths. ``name`` is the file that progress
    and errors name (default ``path``): the user's file when ``path`` is the copy of it that the
    store's record keeps (:func:`kg.rdf.skolem.write_entry`).
    """
    path = Path(path)
    shown = Path(name) if name is not None else path
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParseError(str(path), None, f"unknown RDF format {path.suffix!r}")
    start = time.monotonic()

    def report(triples: int | None, bytes_read: int | None, done: bool = False) -> None:
        if progress is not None:
            progress(LoadProgress(str(shown), triples, bytes_read, size, time.monotonic() - start, done))

    rdf_format, base_iri = getattr(ox.RdfFormat, fmt), path.resolve().as_uri()
    file = None
    try:
        size = path.stat().st_size
        if bulk and fmt in _BULK_FORMATS and size >= BULK_MIN_BYTES:
            lines = NTriplesLines(shortcuts) if fmt == "N_TRIPLES" else None
            if lines is None and shortcuts is not None:
                shortcuts.exact = False  # not gathered: the store derives them itself
            then = then if lines is not None else None
            with RdfInput(path, fmt, buffering=0) as file:
                _bulk_load_through_pipe(ox_store, file, path, rdf_format, base_iri, lines, report, then, lenient)
            count = None
            if lines is not None:
                lines.close()
                count = lines.statements
            report(count, size, True)
            return count
        with RdfInput(path, fmt) as file:
            return _parse_and_add(ox_store, file, rdf_format, base_iri, bulk, size, shortcuts, report, lenient)
    except (SyntaxError, OSError, ValueError, MemoryError) as e:
        # read: what the parser had been given; through the pipe, up to a block and a pipe's
        # worth less (2 MiB, well inside a token too long for its 16 MiB buffer)
        raise parse_error(shown, e, read=file.offset if file is not None else None, fmt=fmt) from None


def _parse_and_add(ox_store, file, rdf_format, base_iri: str, bulk: bool, size: int, shortcuts, report,
                   lenient: bool) -> int:
    """The part of :func:`load_file` that parses ``file`` (open, past any byte-order mark) in Python."""
    default = ox.DefaultGraph()
    quads = ox.parse(file, format=rdf_format, base_iri=base_iri, rename_blank_nodes=True, lenient=lenient)
    if not bulk or size < BULK_MIN_BYTES:
        triples = [ox.Quad(q.subject, q.predicate, q.object, default) for q in quads]
        ox_store.extend(triples)
        if shortcuts is not None:
            for q in triples:
                shortcuts.add_quad(q)
        report(len(triples), None, True)
        return len(triples)
    count = 0
    relevant = Shortcuts.predicates() if shortcuts is not None else set()

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


BLOCK = 1 << 20
"""Bytes read from a bulk-loaded file at a time."""


def _bulk_load_through_pipe(ox_store, file: RdfInput, path: Path, rdf_format, base_iri: str, lines, report,
                            then, lenient: bool = False) -> None:
    """Bulk-load ``file`` (open, at ``path``), which Oxigraph reads from a pipe that this thread fills.

    Oxigraph parses in a second thread, without the GIL (it opens the pipe as
    ``/dev/fd/N`` where there is one), while this thread reads the file a block at a
    time, hands each block to ``lines`` (an :class:`~kg.rdf.shortcuts.NTriplesLines`, or None) and
    writes it into the pipe: counting statements and gathering the triples of the
    rules costs no time on the parser's thread. ``report(statements or None,
    bytes)`` is called every :data:`PROGRESS_EVERY` statements (:data:`PROGRESS_BYTES`
    bytes without ``lines``) with what the parser has surely read: all but what the
    pipe can hold. After the file come the bytes ``then()`` returns, if ``then`` is
    given, on a line of their own. A parse error is raised here once the parser stops (the
    parser's exception: see :func:`~kg.rdf.formats.parse_error`); an error here (or Ctrl-C,
    or ``file`` refusing a block: :class:`~kg.rdf.formats.RdfInput`) closes the pipe and is
    raised once the parser has stopped. The parser never gets a block ``file`` refused.
    """
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
        with open(write_end, "wb", buffering=0) as pipe:
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
        set_size, get_size = getattr(fcntl, "F_SETPIPE_SZ", 1031), getattr(fcntl, "F_GETPIPE_SZ", 1032)
        try:
            fcntl.fcntl(fd, set_size, BLOCK)
        except OSError:
            pass
        return fcntl.fcntl(fd, get_size)
    except (ImportError, OSError):
        return BLOCK  # unknown: assume the parser is a block behind
