"""SHACL terms and the SPARQL text of SHACL paths and constants, for :mod:`kg.validation.compile`."""

from __future__ import annotations

import re

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from kg.errors import UnsupportedShape
from kg.validation.violations import SH, node_text


def sh(name: str) -> URIRef:
    """The SHACL term ``sh:name``."""
    return URIRef(SH + name)


TYPE_PATH = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
)


RDF_LANG_STRING = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")


RDFS_LITERAL = URIRef("http://www.w3.org/2000/01/rdf-schema#Literal")


RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")


# Datatypes Oxigraph can cast to: a literal of one of them that does not cast is ill-typed.
CASTABLE = {
    URIRef("http://www.w3.org/2001/XMLSchema#" + name)
    for name in ("string", "boolean", "integer", "decimal", "float", "double")
    + ("dateTime", "date", "time", "duration")
}


TARGETS = tuple(map(sh, ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")))


# Properties of a shape that are not constraint components of their own.
NOT_COMPONENTS = {
    *TARGETS,
    *map(sh, ("message", "severity", "name", "description", "order", "group", "defaultValue")),
    *map(sh, ("deactivated", "flags", "qualifiedMinCount", "qualifiedMaxCount")),
    sh("qualifiedValueShapesDisjoint"),
}


NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "!isLiteral({v})",
    "BlankNodeOrLiteral": "!isIRI({v})",
    "IRIOrLiteral": "!isBlank({v})",
}


COMPARISONS = {
    "minExclusive": ">",
    "minInclusive": ">=",
    "maxExclusive": "<",
    "maxInclusive": "<=",
}


ONE_STEP = re.compile(r"<[^<>]*>|\(\^<[^<>]*>\)")
"""A SPARQL path of one predicate, or its inverse (as :func:`sparql_path` writes them)."""


PROLOGUE = re.compile(r"(?is)\s*(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)")


def sparql_path(g: Graph, path) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return path.n3()
    if g.value(path, RDF.first) is not None:
        return "(" + "/".join(sparql_path(g, p) for p in Collection(g, path)) + ")"
    alternatives = g.value(path, sh("alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(sparql_path(g, p) for p in Collection(g, alternatives)) + ")"
    for name, operator in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        inner = g.value(path, sh(name))
        if inner is not None:
            return f"({sparql_path(g, inner)}{operator})"
    inner = g.value(path, sh("inversePath"))
    if inner is not None:
        return f"(^{sparql_path(g, inner)})"
    raise UnsupportedShape(f"not a SHACL path: {node_text(path)}")


def constant(term) -> str:
    """A term as a SPARQL constant; a blank node cannot be one."""
    if isinstance(term, BNode):
        raise UnsupportedShape(f"a blank node as a constraint parameter: {node_text(term)}")
    return term.n3()


def is_true(term) -> bool:
    """Whether ``term`` is the literal true."""
    return isinstance(term, Literal) and term.value is True
