"""The ontology's namespaces as strings, the SPARQL prefixes, and IRI helpers; no rdflib.

The rdflib namespaces (``CKG``, a closed namespace, and the others) are in :mod:`kg.vocab.terms`.

>>> compact("https://w3id.org/cluster-kg/ontology#Firm")
'ckg:Firm'
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=1 << 16)
def compact(iri: str) -> str:
    """``ckr:weiqiao-group`` for a full IRI in a known namespace; the IRI otherwise.

    >>> compact("https://w3id.org/cluster-kg/id/weiqiao-group")
    'ckr:weiqiao-group'
    """
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def last_segment(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> last_segment("https://w3id.org/cluster-kg/id/weiqiao-group")
    'weiqiao-group'
    >>> last_segment("https://w3id.org/cluster-kg/ontology#Firm")
    'Firm'
    """
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return tail or iri


CKG_NS = "https://w3id.org/cluster-kg/ontology#"


CKP_NS = "https://w3id.org/cluster-kg/product/"


CKR_NS = "https://w3id.org/cluster-kg/id/"


CKGU_NS = "https://w3id.org/cluster-kg/unit/"


QUDT_NS = "http://qudt.org/schema/qudt/"


UNIT_NS = "http://qudt.org/vocab/unit/"
"""The namespaces as strings: what needs no rdflib term (queries, IRIs compared as text)."""


PREFIXES: dict[str, str] = {
    "ckg": CKG_NS,
    "ckp": CKP_NS,
    "ckr": CKR_NS,
    "ckgu": CKGU_NS,
    "qudt": QUDT_NS,
    "unit": UNIT_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}
"""Prefixes bound on every graph and available to every SPARQL query."""


def sparql_prologue() -> str:
    """The PREFIX lines for :data:`PREFIXES`, to put before a query.

    >>> sparql_prologue().splitlines()[0]
    'PREFIX ckg: <https://w3id.org/cluster-kg/ontology#>'
    """
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def local_name(iri: str) -> str:
    return re.split(r"[/#:]", iri.rstrip("/#"))[-1] if iri else ""


class Iri(str):
    """An IRI as a value to show: compact (``ckr:…``) in text output, whole in JSON."""
