"""Blank nodes of a loaded file made IRIs (skolemisation, RDF 1.1 §3.5): the same bytes, the same IRIs.

A blank node has no name outside its file, so a file with blank nodes loaded twice into a store
was added twice. ``kg load`` gives each one an IRI instead: the file's blank node number ``n``
(0, 1, 2… in the order the parser first gives it, the subject of a triple before its object)
becomes ``<GENID><hex>``, ``hex`` the first 32 hex digits of the sha256 of
``"<the sha256 of the file's bytes, hex>:<n>"``. Loading the same bytes again gives the same
IRIs and adds nothing; a file that changes gets new ones (its old ones go with ``--replace``).

:func:`write_entry` turns a file into the N-Triples the store's record keeps of it
(:mod:`kg.ingest.ledger`) and that the loader loads: a byte copy when the file is N-Triples
without ``_:`` (no blank node can be in it: :func:`file_digest` looks), else parsed, skolemised
and written again. :func:`skolemised_triples` gives the same triples as Python objects (for a
SPARQL server).

>>> skolem_iri("0" * 64, 0)
'https://w3id.org/cluster-kg/.well-known/genid/6a2ea17ca8998eeb90196b94c7fbf983'
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ParseError
from kg.rdf.formats import FORMATS, UTF8_BOM, RdfInput
from kg.rdf.parsing import parse_error

GENID = "https://w3id.org/cluster-kg/.well-known/genid/"
"""Where the IRIs of skolemised blank nodes start (RDF 1.1 Concepts §3.5: ``/.well-known/genid/``)."""

BLOCK = 1 << 20
"""Bytes read at a time."""

PROGRESS_EVERY = 100_000
"""Triples between two progress reports while a file is skolemised."""


def skolem_iri(digest: str, n: int) -> str:
    """The IRI of blank node number ``n`` of the file whose bytes have the sha256 ``digest`` (hex)."""
    return GENID + hashlib.sha256(f"{digest}:{n}".encode("ascii")).hexdigest()[:32]


def file_digest(path: str | os.PathLike) -> tuple[str, bool]:
    """The sha256 (hex) of the bytes of the file at ``path``, and whether ``_:`` occurs in them.

    In N-Triples a blank node is always written ``_:label``: a file without those two bytes
    has none (one with them may still have none: ``_:`` in a literal). A file that cannot
    be read is a :class:`ParseError`.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".nt") as f:
    ...     _ = f.write(b"<a:s> <a:p> _:b .\\n")
    ...     f.flush()
    ...     file_digest(f.name)[1]
    True
    """
    sha, marked, last = hashlib.sha256(), False, b""
    try:
        with open(path, "rb") as file:
            while block := file.read(BLOCK):
                sha.update(block)
                if not marked:
                    marked = b"_:" in block or (last == b"_" and block[:1] == b":")
                    last = block[-1:]
    except OSError as e:
        raise parse_error(path, e) from None
    return sha.hexdigest(), marked


class Skolemiser:
    """Turns the blank nodes of one file into IRIs (:func:`skolem_iri`), numbered in the order met."""

    def __init__(self, digest: str):
        self.digest = digest
        self.names: dict[str, ox.NamedNode] = {}

    def term(self, term):
        if isinstance(term, ox.BlankNode):
            iri = self.names.get(term.value)
            if iri is None:
                iri = self.names[term.value] = ox.NamedNode(skolem_iri(self.digest, len(self.names)))
            return iri
        if isinstance(term, ox.Triple):  # an RDF 1.2 triple term
            return ox.Triple(self.term(term.subject), term.predicate, self.term(term.object))
        return term

    def triples(self, quads: Iterable) -> Iterator:
        """``quads`` as triples (quads of the default graph: named graphs are merged) without blank nodes."""
        default, blank = ox.DefaultGraph(), (ox.BlankNode, ox.Triple)
        for q in quads:
            s, o = q.subject, q.object
            if isinstance(s, blank) or isinstance(o, blank):
                yield ox.Quad(self.term(s), q.predicate, self.term(o), default)
            elif q.graph_name != default:
                yield ox.Quad(s, q.predicate, o, default)
            else:
                yield q


@dataclass(frozen=True)
class Entry:
    """What :func:`write_entry` wrote: the source's sha256, its triples, how many blank nodes
    became IRIs (None for a byte copy: none), and whether the bytes were copied."""

    digest: str
    triples: int | None
    blank_nodes: int | None
    copied: bool


class _HashingInput:
    """An :class:`RdfInput` whose bytes (a byte-order mark included) also go into a sha256; a
    read that fails is a :class:`ParseError` naming the file (what the parser raises passes through)."""

    def __init__(self, path: Path, fmt: str):
        self.path = path
        try:
            self.input = RdfInput(path, fmt)
        except OSError as e:
            raise parse_error(path, e) from None
        self.sha = hashlib.sha256(UTF8_BOM if self.input.offset else b"")

    @property
    def offset(self) -> int:
        return self.input.offset

    def read(self, size: int = -1) -> bytes:
        try:
            block = self.input.read(size)
        except OSError as e:
            raise parse_error(self.path, e) from None
        self.sha.update(block)
        return block

    def close(self) -> None:
        self.input.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _parse(path: Path, fmt: str, file: _HashingInput, lenient: bool = False):
    return ox.parse(file, format=getattr(ox.RdfFormat, fmt), base_iri=path.resolve().as_uri(),
                    rename_blank_nodes=True, lenient=lenient)


def _format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParseError(str(path), None, f"unknown RDF format {path.suffix!r}")
    return fmt


def write_entry(path: str | os.PathLike, out: str | os.PathLike, *, digest: str, copy: bool,
                lenient: bool = False, progress: Callable[[int, int], None] | None = None) -> Entry:
    """Write the triples of the file at ``path`` to ``out`` as N-Triples, blank nodes made IRIs.

    ``digest`` is the file's sha256 as :func:`file_digest` found it: the IRIs are made from it,
    and a file whose bytes are no longer those is a :class:`ParseError` (it changed during the
    load). With ``copy`` (an N-Triples file without ``_:``) the bytes are copied as they are
    (a byte-order mark too): the loader's parser checks them when it loads ``out``. Otherwise the file is parsed
    (:class:`ParseError` with its line; ``lenient`` as for the loader) and written again;
    ``progress(triples, bytes read)`` is called every :data:`PROGRESS_EVERY` triples. What
    cannot be written to ``out`` is an :class:`OSError`.
    """
    path = Path(path)
    fmt = _format(path)
    if copy:
        shutil.copyfile(path, out)  # in the kernel where it can (sendfile)
        _same(path, digest, file_digest(out)[0])  # what was copied is what was hashed
        return Entry(digest, None, None, True)
    count = 0
    skolem = Skolemiser(digest)

    def counted(triples):
        nonlocal count
        for t in triples:
            yield t
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, file.offset)

    with _HashingInput(path, fmt) as file, open(out, "wb") as target:
        try:
            ox.serialize(counted(skolem.triples(_parse(path, fmt, file, lenient))), target, ox.RdfFormat.N_TRIPLES)
        except (SyntaxError, ValueError, MemoryError) as e:
            raise parse_error(path, e, read=file.offset, fmt=fmt) from None
    _same(path, digest, file.sha.hexdigest())
    return Entry(digest, count, len(skolem.names), False)


def _same(path: Path, digest: str, now: str) -> None:
    if now != digest:
        raise ParseError(str(path), None, "the file changed while it was being loaded; load it again")


def skolemised_triples(path: str | os.PathLike) -> tuple[str, list]:
    """The sha256 of the file at ``path`` and its triples (pyoxigraph triples), blank nodes made
    IRIs as :func:`write_entry` makes them; :class:`ParseError` with the line if it does not parse."""
    path = Path(path)
    fmt = _format(path)
    digest, _ = file_digest(path)
    with _HashingInput(path, fmt) as file:
        try:
            triples = [ox.Triple(q.subject, q.predicate, q.object)
                       for q in Skolemiser(digest).triples(_parse(path, fmt, file))]
        except (SyntaxError, ValueError, MemoryError) as e:
            raise parse_error(path, e, read=file.offset, fmt=fmt) from None
    _same(path, digest, file.sha.hexdigest())
    return digest, triples
