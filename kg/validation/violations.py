"""SHACL violations and their wording."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, BNode, Literal, URIRef
from rdflib.collection import Collection

from kg.vocab.namespaces import compact

SH = "http://www.w3.org/ns/shacl#"


SKOS_PREF_LABEL = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")


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
      (filled by :func:`~kg.validation.shacl.validate_files`; ``None`` when unknown).
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


def node_text(term) -> str:
    if isinstance(term, URIRef):
        return prefixed(str(term))
    return term.n3() if isinstance(term, Literal) else f"_:{term}"


def violation_message(literals) -> str:
    # The English message first; shapes may add other languages.
    ranked = sorted(literals, key=lambda m: (label_language(m) not in ("en", ""), str(m)))
    return str(ranked[0]) if ranked else ""


def english_label(graph, node) -> str | None:
    names = [str(o) for o in graph.objects(node, SKOS_PREF_LABEL) if label_language(o) == "en"]
    return min(names) if names else None


def label_language(literal) -> str:
    """The primary language subtag of a literal ("en" for "en-GB"), or ""."""
    return (getattr(literal, "language", None) or "").lower().split("-")[0]


def path_text(report, path) -> str:
    """A SHACL property path in SPARQL property-path syntax, with prefixed names."""
    if isinstance(path, URIRef):
        return prefixed(str(path))
    if isinstance(path, BNode):
        if report.value(path, RDF.first) is not None:
            return "/".join(path_text(report, p) for p in Collection(report, path))
        for name, fmt in (
            ("inversePath", "^{}"),
            ("zeroOrMorePath", "{}*"),
            ("oneOrMorePath", "{}+"),
            ("zeroOrOnePath", "{}?"),
        ):
            inner = report.value(path, URIRef(SH + name))
            if inner is not None:
                return fmt.format(path_text(report, inner))
        alternatives = report.value(path, URIRef(SH + "alternativePath"))
        if alternatives is not None:
            options = (path_text(report, p) for p in Collection(report, alternatives))
            return "(" + "|".join(options) + ")"
    return str(path)


def prefixed(iri: str) -> str:
    short = compact(iri)  # "<iri>" for no prefix, nor for a namespace itself
    return f"<{iri}>" if short == iri or not short.partition(":")[2] else short


def sorted_violations(violations: Iterable[Violation]) -> list[Violation]:
    def key(v: Violation):
        return (
            v.file is None, v.file or "", v.line is None, v.line or 0,
            v.focus, v.message, v.path or "", v.value or "", v.shape,
        )  # fmt: skip

    return list(dict.fromkeys(sorted(violations, key=key)))
