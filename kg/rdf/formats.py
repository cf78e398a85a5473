"""RDF files: their formats by suffix, the files a path names, and parsing them completely.

A file is parsed by Oxigraph into a :class:`Source` before anything is added anywhere;
a syntax error or an unknown format raises :class:`~kg.errors.ParseError` with the file
and line. :data:`FORMATS` maps each suffix to its pyoxigraph format.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ParseError
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


def parse_file(path: str | os.PathLike) -> Source:
    """Parse one RDF file completely, or raise :class:`ParseError` with its line.

    Quads of TriG/N-Quads files are put in the default graph.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParseError(str(path), None, f"unknown RDF format {path.suffix!r}")
    try:
        with open_rdf(path) as file:
            parsed = ox.parse(
                file,
                format=getattr(ox.RdfFormat, fmt),
                base_iri=path.resolve().as_uri(),
                rename_blank_nodes=True,  # _:b1 in two files (or two loads) are two nodes
            )
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]
    except SyntaxError as e:
        raise ParseError(str(path), e.lineno, clean_syntax_message(str(e.msg if hasattr(e, "msg") else e))) from None
    except (OSError, ValueError) as e:
        raise ParseError(str(path), None, str(e)) from None
    return Source(path, triples)


def clean_syntax_message(msg: str) -> str:
    # "Parser error between line 3 column 9 and line 4 column 1: Unexpected end of file"
    head, sep, tail = msg.partition(": ")
    if sep and head.startswith("Parser error"):
        col = head.split("column", 1)[1].split()[0] if "column" in head else ""
        return f"column {col}: {tail}" if col else tail
    return msg


def parse_files(paths: Sequence[str | os.PathLike]) -> list[Source]:
    """Parse every file before anything is added anywhere (all-or-nothing)."""
    return [parse_file(p) for p in paths]
