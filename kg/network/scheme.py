"""The product scheme read from RDF: essential inputs and value-chain stages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg.rdf.graph import select
from kg.vocab.namespaces import last_segment, sparql_prologue

ESSENTIAL_QUERY = """
SELECT DISTINCT ?in ?out ?a ?ess ?label WHERE {
  { ?a ckg:essentialFeedstockFor ?b . BIND(true AS ?ess) }
  UNION
  { ?a ckg:feedstockFor ?b . BIND(false AS ?ess) }
  ?in skos:broader* ?a .
  ?out skos:broader* ?b .
  OPTIONAL { ?a skos:prefLabel ?label FILTER(lang(?label) = "en") }
}
"""
"""Every product pair (input, output) with a feedstock statement that covers it."""


@dataclass(frozen=True)
class EssentialMap:
    """Which inputs a product needs, from the value-chain scheme.

    ``feeds[(input, output)] = (concept, essential)``: making ``output`` uses
    ``input`` as (a narrower concept of) the feedstock ``concept``, essential
    or not. ``labels`` names the concepts.

    >>> m = EssentialMap({("molten", "strip"): ("metal", True), ("power", "strip"): ("power", False)})
    >>> m.classify("molten", ["strip", "foil"])
    ('metal', True)
    >>> m.classify("power", ["strip"])
    ('power', False)
    >>> m.classify("scrap", ["strip"])
    ('scrap', False)
    """

    feeds: Mapping[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def classify(self, product: str, outputs: Iterable[str]) -> tuple[str, bool]:
        """The input group of ``product`` for a customer making ``outputs``, and whether it is essential."""
        found = [self.feeds[(product, o)] for o in outputs if (product, o) in self.feeds]
        if not found:
            return product, False
        essential = [c for c, e in found if e]
        if essential:
            return min(essential), True
        return min(c for c, _ in found), False


def essential_map(graph) -> EssentialMap:
    """Read the feedstock statements of the product scheme (one SPARQL query).

    A statement on a broader concept holds for its narrower concepts, on both
    sides; of several statements the narrowest input concept wins, essential
    ones first.

    >>> from kg.rdf.graph import open_graph
    >>> from kg.vocab.terms import CKP
    >>> m = essential_map(open_graph([], ontology=True))
    >>> concept, essential = m.classify(str(CKP["molten-aluminium"]), [str(CKP["aluminium-strip"])])
    >>> last_segment(concept), essential
    ('aluminium-metal', True)
    >>> m.labels[concept]
    'aluminium metal (molten aluminium, ingot, alloy)'
    """
    candidates: dict[tuple[str, str], set[tuple[str, bool]]] = {}
    within: set[tuple[str, str]] = set()
    labels: dict[str, str] = {}
    for row in graph.query(sparql_prologue() + ESSENTIAL_QUERY):
        product, output, concept = str(row[0]), str(row[1]), str(row[2])
        essential = bool(row[3].toPython())
        candidates.setdefault((product, output), set()).add((concept, essential))
        within.add((product, concept))
        if row[4] is not None:
            labels[concept] = str(row[4])
    feeds = {}
    for key, found in candidates.items():
        essential = {c for c, e in found if e}
        pool = essential or {c for c, _ in found}
        narrowest = [c for c in pool if not any(o != c and (o, c) in within for o in pool)]
        feeds[key] = (min(narrowest or pool), bool(essential))  # `or pool`: a cycle in skos:broader
    return EssentialMap(feeds, labels)


_STAGES_QUERY = """
SELECT ?s ?k ?v ?w WHERE {
  { SELECT DISTINCT ?s WHERE { { ?s a ckg:Stage . } UNION { ?p ckg:stage ?s . } } }
  { BIND("stage" AS ?k) }
  UNION { ?s ckg:stageOrder ?v . BIND("order" AS ?k) }
  UNION { ?s skos:prefLabel ?v . BIND("label" AS ?k) BIND(LCASE(lang(?v)) AS ?w) }
}
"""


_PRODUCTS_QUERY = """
SELECT ?p ?k ?v WHERE {
  { ?p ckg:stage ?v . BIND("stage" AS ?k) }
  UNION { ?p skos:broader ?v . BIND("broader" AS ?k) }
  UNION { ?p skos:prefLabel ?v . FILTER(langMatches(lang(?v), "en")) BIND("label" AS ?k) }
}
"""


def read_stages(graph) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for s, k, v, lang in select(graph, _STAGES_QUERY):
        d = out.setdefault(s, {"order": None, "labels": set()})
        if k == "order":
            try:
                d["order"] = int(float(v))
            except (TypeError, ValueError):
                pass
        elif k == "label":
            d["labels"].add((v, lang or ""))
    for iri, d in out.items():
        en = sorted(x for x, lang in d["labels"] if lang.startswith("en"))
        plain = sorted(x for x, lang in d["labels"] if not lang)
        d["label"] = (en or plain or [last_segment(iri)])[0]
    return out


def product_stages(graph) -> tuple[dict[str, set[str]], dict[str, str]]:
    """(product IRI → its stages, product IRI → English label) for every product with a stage.

    A product without ``ckg:stage`` takes the stages of its nearest ``skos:broader``
    ancestors that have one (breadth-first, so the closest ancestor wins; cycles in
    ``skos:broader`` are harmless).

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... @prefix ex: <http://example.org/> .
    ... ex:metal ckg:stage ex:casting . ex:ingot skos:broader ex:metal .''')
    >>> product_stages(g)[0]["http://example.org/ingot"]
    {'http://example.org/casting'}
    """
    direct: dict[str, set[str]] = {}
    broader: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for p, key, v in select(graph, _PRODUCTS_QUERY):
        if key == "stage":
            direct.setdefault(p, set()).add(v)
        elif key == "broader":
            broader.setdefault(p, set()).add(v)
        else:
            labels[p] = min(labels.get(p, v), v)

    resolved: dict[str, set[str]] = {}
    for p in sorted(set(direct) | set(broader)):
        if p in direct:
            resolved[p] = set(direct[p])
            continue
        seen, level = {p}, sorted(broader.get(p, ()))
        while level:
            found = set().union(*(direct.get(a, set()) for a in level))
            if found:
                resolved[p] = found
                break
            seen.update(level)
            level = sorted({b for a in level for b in broader.get(a, ()) if b not in seen})
    return dict(sorted(resolved.items())), labels
