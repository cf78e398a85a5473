"""Check a graph against the SHACL shapes in ``ontology/shapes.ttl``.

:func:`validate` runs pyshacl on a graph and returns one :class:`Violation`
per result; :func:`validate_files` parses files, validates them together with
the ontology, and says in which file and on which line each focus node is.

>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "firms.ttl"
...     _ = path.write_text('''
... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
... @prefix ckr: <https://w3id.org/cluster-kg/id/> .
... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
...
... ckr:acme a ckg:Firm ;
...     skos:prefLabel "Acme Aluminium"@en .
... ''', encoding="utf-8")
...     violations = validate_files([path])
>>> [(v.focus, v.line, v.label, v.path, v.severity) for v in violations]
[('https://w3id.org/cluster-kg/id/acme', 6, 'Acme Aluminium', 'prov:wasDerivedFrom', 'Violation')]
>>> print(violations[0].message)
Every fact needs prov:wasDerivedFrom at least one evidence node (a ckg:Evidence quoting a source article).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin

from rdflib import RDF, BNode, Graph, URIRef
from rdflib.collection import Collection

from .ontology import PREFIXES, SHAPES_FILE
from .store import (
    Source,
    count_triples,
    expand_paths,
    graph_from_sources,
    ontology_paths,
    parse_files,
)

SH = "http://www.w3.org/ns/shacl#"
SKOS_PREF_LABEL = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")

# Formats whose statements start at the beginning of a line with their subject.
_LINE_FORMATS = {".ttl", ".turtle", ".nt", ".ntriples", ".nq", ".trig", ".n3"}


@dataclass(frozen=True)
class Violation:
    """One SHACL result.

    - ``focus``: the node the result is about: its IRI, or its blank-node id.
    - ``label``: the focus node's English ``skos:prefLabel``, if it has one.
    - ``path``: the property, as a prefixed name (``"ckg:supplier"``; a sequence
      path as ``"ckg:capacity/qudt:unit"``, an inverse one as ``"^prov:wasDerivedFrom"``).
    - ``value``: the offending value: an IRI, a blank-node id or a literal's lexical form.
    - ``message``: what is wrong and what to write instead (the shape's ``sh:message``).
    - ``severity``: ``"Violation"`` or ``"Warning"``.
    - ``shape``: IRI of the shape (of the SPARQL constraint, for SPARQL-based ones).
    - ``file``, ``line``: where the focus node is written as a subject
      (filled by :func:`validate_files`; ``None`` when unknown).
    """

    focus: str
    label: str | None
    path: str | None
    value: str | None
    message: str
    severity: str
    shape: str
    file: str | None = None
    line: int | None = None


def validate(data_graph, *, shapes=None) -> list[Violation]:
    """Validate ``data_graph`` against the shapes; return the results, sorted.

    ``data_graph`` is an rdflib Graph that holds the ontology as well as the
    data (as :func:`kg.store.open_graph` returns it): class targets follow the
    ``rdfs:subClassOf`` triples found in the data graph itself, so no inference
    is run. ``shapes`` is a shapes file or an rdflib Graph (default:
    ``ontology/shapes.ttl``).

    >>> from kg.store import open_graph
    >>> validate(open_graph([]))  # the ontology alone
    []
    """
    import pyshacl

    if shapes is None:
        shapes = SHAPES_FILE
    if not isinstance(shapes, Graph):
        shapes = Graph().parse(os.fspath(shapes), format="turtle")
    # pyshacl 0.40 runs on the Oxigraph-backed Graph as it is: no copy, and its
    # SPARQL constraints run in Oxigraph. Copying into rdflib's memory store first
    # made it ten times slower (6.3 s against 0.6 s on the bundled graph).
    _, report, _ = pyshacl.validate(
        _CountedGraph.over(data_graph),
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
    )
    return _sorted(_violation(report, result, data_graph) for result in _results(report))


def validate_files(
    paths: Iterable[str | os.PathLike], *, with_ontology: bool = True, shapes=None
) -> list[Violation]:
    """Parse ``paths`` (files or folders), validate them as one graph, and locate each result.

    The graph holds the ontology (unless ``with_ontology=False``), the files and
    the ``ckg:suppliesTo`` shortcuts the loader derives. A file that does not
    parse raises :class:`kg.errors.ParseError`. Each violation gets the first
    file in which its focus node is a subject, and the line of that file where
    the node first starts a statement (``None`` for blank nodes and for formats
    other than Turtle, TriG, N-Triples and N-Quads).
    """
    paths = list(paths)
    if with_ontology:
        paths = [*ontology_paths(), *paths]
    sources = parse_files(expand_paths(paths))
    violations = validate(graph_from_sources(sources), shapes=shapes)
    locate = _Locator(sources)
    return _sorted(
        replace(v, file=file, line=line)
        for v in violations
        for file, line in [locate(v.focus)]
    )


class _CountedGraph(Graph):
    """The same graph (same store, same triples) with ``len()`` counted once.

    pyshacl tests the data graph's truth value, that is ``len()``, up to three
    times for every result it makes, and on the Oxigraph store each ``len()`` is a
    count of the whole graph: with 300 violations on the bundled data that took
    7.6 s against 2.1 s with the count cached. The graph does not change while
    it is validated.
    """

    _count: int

    @classmethod
    def over(cls, graph):
        if type(graph) is not Graph:  # a Dataset, or anything else: as it is
            return graph
        counted = cls(graph.store, graph.identifier, namespace_manager=graph.namespace_manager)
        counted._count = count_triples(graph)
        return counted

    def __len__(self) -> int:
        return self._count


# ------------------------------------------------------------------ report


def _results(report):
    return report.subjects(RDF.type, URIRef(SH + "ValidationResult"))


def _violation(report, result, data_graph) -> Violation:
    def one(name):
        return report.value(result, URIRef(SH + name))

    focus = one("focusNode")
    path = one("resultPath")
    value = one("value")
    constraint = one("sourceConstraint")
    shape = constraint if isinstance(constraint, URIRef) else one("sourceShape")
    return Violation(
        focus=str(focus),
        label=_english_label(data_graph, focus),
        path=None if path is None else _path_text(report, path),
        value=None if value is None else str(value),
        message=_message(report.objects(result, URIRef(SH + "resultMessage"))),
        severity=str(one("resultSeverity")).rpartition("#")[2],
        shape=str(shape),
    )


def _message(literals) -> str:
    # The English message first; shapes may add other languages.
    ranked = sorted(literals, key=lambda m: (_language(m) not in ("en", ""), str(m)))
    return str(ranked[0]) if ranked else ""


def _english_label(graph, node) -> str | None:
    names = [str(o) for o in graph.objects(node, SKOS_PREF_LABEL) if _language(o) == "en"]
    return min(names) if names else None


def _language(literal) -> str:
    """The primary language subtag of a literal ("en" for "en-GB"), or ""."""
    return (getattr(literal, "language", None) or "").lower().split("-")[0]


def _path_text(report, path) -> str:
    """A SHACL property path in SPARQL property-path syntax, with prefixed names."""
    if isinstance(path, URIRef):
        return _prefixed(str(path))
    if isinstance(path, BNode):
        if report.value(path, RDF.first) is not None:
            return "/".join(_path_text(report, p) for p in Collection(report, path))
        for name, fmt in (
            ("inversePath", "^{}"),
            ("zeroOrMorePath", "{}*"),
            ("oneOrMorePath", "{}+"),
            ("zeroOrOnePath", "{}?"),
        ):
            inner = report.value(path, URIRef(SH + name))
            if inner is not None:
                return fmt.format(_path_text(report, inner))
        alternatives = report.value(path, URIRef(SH + "alternativePath"))
        if alternatives is not None:
            options = (_path_text(report, p) for p in Collection(report, alternatives))
            return "(" + "|".join(options) + ")"
    return str(path)


def _prefixed(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _sorted(violations: Iterable[Violation]) -> list[Violation]:
    def key(v: Violation):
        return (
            v.file is None, v.file or "", v.line is None, v.line or 0,
            v.focus, v.message, v.path or "", v.value or "", v.shape,
        )  # fmt: skip

    return list(dict.fromkeys(sorted(violations, key=key)))


# ---------------------------------------------------------------- location


class _Locator:
    """Maps a focus node to (file, line): the first source with it as a subject."""

    def __init__(self, sources: Sequence[Source]):
        self._file_of: dict[str, Path] = {}
        for source in sources:
            for triple in source.triples:
                key = getattr(triple.subject, "value", None)  # NamedNode or BlankNode
                if key is not None:
                    self._file_of.setdefault(key, source.path)
        self._lines: dict[Path, dict[str, int]] = {}

    def __call__(self, focus: str) -> tuple[str | None, int | None]:
        path = self._file_of.get(focus)
        if path is None:
            return None, None
        if path not in self._lines:
            self._lines[path] = _subject_lines(path) if path.suffix.lower() in _LINE_FORMATS else {}
        return str(path), self._lines[path].get(focus)


_DIRECTIVE = re.compile(r"(?i)^\s*(@?prefix)\s+([\w.-]*):\s*<([^>]*)>|^\s*(@?base)\s+<([^>]*)>")
_SUBJECT = re.compile(
    r"""\s*(
        <[^<>"{}|^`\\\s]*>                          # <IRI>
      | (?:[A-Za-z][\w.-]*)?:(?:[^\s;,()\[\]{}"'\\]|\\.)*  # prefix:local, with \-escapes
    )""",
    re.VERBOSE,
)


def _subject_lines(path: Path) -> dict[str, int]:
    """IRI -> first line of ``path`` where a statement starts with that IRI as subject.

    A line starts a statement when the previous line of code ended one (with
    ``.``, or with ``{``/``}`` in TriG) or was a prefix/base directive. Strings
    and comments are skipped, long strings across lines included.
    """
    base = path.resolve().as_uri()
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    at_start, long_quote = True, None
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        starts_in_string = long_quote is not None
        code, long_quote = _code(line, long_quote)
        if not code.strip():
            continue
        directive = _DIRECTIVE.match(code)
        if directive:
            if directive.group(1):
                prefixes[directive.group(2)] = urljoin(base, directive.group(3))
            else:
                base = urljoin(base, directive.group(5))
            at_start = True
            continue
        if at_start and not starts_in_string:
            token = _SUBJECT.match(code)
            iri = _resolve(token.group(1), prefixes, base) if token else None
            if iri is not None:
                found.setdefault(iri, number)
        at_start = code.rstrip().endswith((".", "{", "}"))
    return found


def _code(line: str, long_quote: str | None) -> tuple[str, str | None]:
    """``line`` without comments and with string contents blanked; the open long quote after it."""
    out, i, quote = [], 0, None
    while i < len(line):
        if long_quote:
            end = line.find(long_quote, i)
            if end < 0:
                return "".join(out), long_quote
            out.append('""')
            i, long_quote = end + 3, None
            continue
        c = line[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                out.append(c + c)
                quote = None
            i += 1
            continue
        if line.startswith(('"""', "'''"), i):
            long_quote, i = line[i : i + 3], i + 3
            continue
        if c in "\"'":
            quote = c
        elif c == "<":
            end = line.find(">", i)
            if end > 0:
                out.append(line[i : end + 1])
                i = end + 1
                continue
        elif c == "#":
            break
        else:
            out.append(c)
        i += 1
    return "".join(out), long_quote


def _resolve(token: str, prefixes: dict[str, str], base: str) -> str | None:
    if token.startswith("<"):
        return urljoin(base, token[1:-1])
    prefix, _, local = token.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local).rstrip(".")
