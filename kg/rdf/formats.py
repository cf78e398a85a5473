"""RDF files: their formats by suffix, the files a path names, and parsing them completely.

A file is parsed by Oxigraph into a :class:`Source` before anything is added anywhere;
a syntax error, an unknown format or a file that cannot be read raises
:class:`~kg.errors.ParseError` with the file and line. :data:`FORMATS` maps each suffix to
its pyoxigraph format.

Hostile files meet these walls, on every path a file takes (``--data``, ``kg validate``,
``kg load``, bulk loads included):

- a folder's symbolic links that lead out of it, or nowhere, are not read
  (:func:`expand_paths`, with a :class:`~kg.errors.KGWarning`);
- RDF/XML may declare only plain entities (:class:`~kg.rdf.parsing.EntityCheck`, on every
  block :class:`RdfInput` hands the parser): nested ones ("billion laughs"), external ones
  (XXE) and parameter entities are refused before the parser sees them;
- a token longer than the parser's buffer (:data:`~kg.rdf.parsing.TOKEN_MAX`) is an error
  with its line, and what an error message copies from the file is cut short with its
  control characters escaped (:func:`~kg.rdf.parsing.parse_error`).
"""

from __future__ import annotations

import errno
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import pyoxigraph as ox

from kg.errors import KGWarning, ParseError
from kg.rdf.parsing import EntityCheck, parse_error
from kg.vocab.files import DATA_DIR

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


@dataclass(frozen=True)
class Source:
    """A parsed file: its path and its triples (as pyoxigraph triples)."""

    path: Path
    triples: list


def default_data_paths() -> list[Path]:
    """The bundled curated data: every RDF file in ``kg/data``."""
    return expand_paths([DATA_DIR])


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, and the RDF files inside folders (sorted), without duplicates.

    A file named in ``paths`` is read even if it is a symbolic link: naming it is the
    user's choice. Inside a folder, a symbolic link is read only if it leads to a file
    inside that folder; one that leads out of the folder, to nothing, or round in a loop
    is not read, and a :class:`~kg.errors.KGWarning` says so (as does one for a FIFO or a
    device with an RDF suffix). Links to folders are not followed: those inside are read
    where they are.

    Raises :class:`ParseError` for a path that does not exist, is neither a regular file
    nor a folder, or is a file of unknown format.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(_folder_files(p))
        elif p.is_file():
            if p.suffix.lower() not in FORMATS:
                raise ParseError(str(p), None, f"unknown RDF format {p.suffix!r}; use one of {', '.join(sorted(FORMATS))}")
            out.append(p)
        elif p.is_symlink():
            raise ParseError(str(p), None, f"cannot read: {_broken_link(p)}")
        elif p.exists():
            raise ParseError(str(p), None, "not a regular file or folder")
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


def _folder_files(folder: Path) -> list[Path]:
    """The RDF files in ``folder`` and below, sorted, as :func:`expand_paths` reads them."""
    root = folder.resolve()
    found = []
    for f in sorted(folder.rglob("*")):  # rglob does not descend into linked folders
        rdf = f.suffix.lower() in FORMATS
        if f.is_symlink():
            try:
                target = f.resolve(strict=True)
            except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
                if rdf:
                    _skip(f, _broken_link(f))
                continue
            inside = target == root or target.is_relative_to(root)
            if target.is_dir():
                if not inside:
                    _skip(f, f"a symbolic link to a folder outside {folder}")
                continue
            if rdf and not inside:
                _skip(f, f"a symbolic link to a file outside {folder}")
                continue
        if not rdf:
            continue
        if f.is_file():
            found.append(f)
        elif not f.is_dir():
            _skip(f, "not a regular file")
    return found


def _broken_link(link: Path) -> str:
    """Why the symbolic link ``link`` leads to no file: a loop, or nothing at its end."""
    try:
        os.stat(link)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "a symbolic link loop"
    return "a symbolic link to nothing"


def _skip(path: Path, why: str) -> None:
    # stacklevel 1: one place for every caller, so the "default" filter says each file once
    warnings.warn(f"skipped {path}: {why}", KGWarning, stacklevel=1)


UTF8_BOM = b"\xef\xbb\xbf"


def open_rdf(path: str | os.PathLike, *, buffering: int = -1):
    """``path`` opened for reading bytes, past a UTF-8 byte-order mark if it starts with one
    (editors on Windows write one; RDF parsers take it for a character of the first term).

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".ttl") as f:
    ...     _ = f.write(UTF8_BOM + b"<a:s> <a:p> <a:o> .")
    ...     f.flush()
    ...     with open_rdf(f.name) as g:
    ...         g.read(5)
    b'<a:s>'
    """
    file = open(path, "rb", buffering=buffering)  # noqa: SIM115 - the caller closes it
    try:
        if file.read(len(UTF8_BOM)) != UTF8_BOM:
            file.seek(0)
    except BaseException:
        file.close()
        raise
    return file


class RdfInput:
    """A file opened for Oxigraph's parser: past a UTF-8 byte-order mark (:func:`open_rdf`),
    counting the bytes handed out (``offset``, also after it is closed), and for RDF/XML
    (``fmt`` ``"RDF_XML"``) showing every block to an :class:`EntityCheck` before the
    parser gets it. Raises :class:`ParseError` where the check refuses.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".rdf") as f:
    ...     _ = f.write(b'<!DOCTYPE x [<!ENTITY a "&b;&b;">]><x/>')
    ...     f.flush()
    ...     with RdfInput(f.name, "RDF_XML") as file:
    ...         file.read(100)
    Traceback (most recent call last):
    ...
    kg.errors.ParseError: ...:1: entity 'a' refers to another entity (&b;)...
    """

    def __init__(self, path: str | os.PathLike, fmt: str | None = None, *, buffering: int = -1):
        self._file = open_rdf(path, buffering=buffering)
        self.offset = self._file.tell()
        self._check = EntityCheck(path) if fmt == "RDF_XML" else None

    def read(self, size: int = -1) -> bytes:
        block = self._file.read(size)
        self.offset += len(block)
        if self._check is not None:
            if block:
                self._check.feed(block)
            else:
                self._check.close()
        return block

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def parse_file(path: str | os.PathLike) -> Source:
    """Parse one RDF file completely, or raise :class:`ParseError` with its line.

    Quads of TriG/N-Quads files are put in the default graph.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParseError(str(path), None, f"unknown RDF format {path.suffix!r}")
    file = None
    try:
        with RdfInput(path, fmt) as file:
            parsed = ox.parse(
                file,
                format=getattr(ox.RdfFormat, fmt),
                base_iri=path.resolve().as_uri(),
                rename_blank_nodes=True,  # _:b1 in two files (or two loads) are two nodes
            )
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]
    except (SyntaxError, OSError, ValueError, MemoryError) as e:
        raise parse_error(path, e, read=file.offset if file is not None else None, fmt=fmt) from None
    return Source(path, triples)


def parse_files(paths: Sequence[str | os.PathLike]) -> list[Source]:
    """Parse every file before anything is added anywhere (all-or-nothing)."""
    return [parse_file(p) for p in paths]
