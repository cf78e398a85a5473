"""The product scheme read from RDF: essential inputs and value-chain stages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg.rdf.graph import select
from kg.vocab.namespaces import last_segment, sparql_prologue

ESSENTIAL = 2
"""Role of an essential input (``ckg:essentialFeedstockFor``): its loss caps the output."""

NON_ESSENTIAL = 1
"""Role of a non-essential input (``ckg:feedstockFor``, and any input the scheme is silent on)."""

IRRELEVANT = 0
"""Role of an irrelevant input (``ckg:irrelevantInputFor``): it counts in the buyer's inputs, without effect."""


ESSENTIAL_QUERY = """
SELECT DISTINCT ?in ?out ?a ?role ?label WHERE {
  { ?a ckg:essentialFeedstockFor ?b . BIND(2 AS ?role) }
  UNION
  { ?a ckg:feedstockFor ?b . FILTER NOT EXISTS { ?a ckg:essentialFeedstockFor ?b } BIND(1 AS ?role) }
  UNION
  { ?a ckg:irrelevantInputFor ?b . BIND(0 AS ?role) }
  ?in skos:broader* ?a .
  ?out skos:broader* ?b .
  OPTIONAL { ?a skos:prefLabel ?label FILTER(lang(?label) = "en") }
}
"""
"""Every product pair (input, output) with a statement of the input's role that covers it."""


def role_of(flag) -> int:
    """The role (2, 1 or 0) of a scheme entry: a bool (essential or not) or the role itself.

    >>> role_of(True), role_of(False), role_of(0)
    (2, 1, 0)
    """
    if isinstance(flag, bool):
        return ESSENTIAL if flag else NON_ESSENTIAL
    return int(flag)


@dataclass(frozen=True)
class EssentialMap:
    """Which inputs a product needs, from the value-chain scheme (the product scheme of Diem et al.).

    ``feeds[(input, output)] = (concept, role)``: making ``output`` uses
    ``input`` as (a narrower concept of) the feedstock ``concept``; ``role`` is
    2 (essential), 1 (non-essential) or 0 (irrelevant), or a bool (True: 2,
    False: 1). ``labels`` names the concepts.

    >>> m = EssentialMap({("molten", "strip"): ("metal", True), ("power", "strip"): ("power", False),
    ...                   ("paint", "strip"): ("paint", 0)})
    >>> m.classify("molten", ["strip", "foil"])
    ('metal', True)
    >>> m.classify("power", ["strip"])
    ('power', False)
    >>> m.classify("scrap", ["strip"])
    ('scrap', False)
    >>> m.role("paint", ["strip"]), m.role("paint", ["strip", "foil"]), m.role("molten", ["strip"])
    (('paint', 0), ('paint', 1), ('metal', 2))
    """

    feeds: Mapping[tuple[str, str], tuple[str, bool | int]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def role(self, product: str, outputs: Iterable[str]) -> tuple[str, int]:
        """The input group of ``product`` for a customer making ``outputs`` and its role (2, 1, 0).

        Of several outputs the largest role wins (essential for any of them makes it essential);
        an input is irrelevant only if the scheme says so for every output (an output the scheme
        is silent on takes it as non-essential). No statement: its own group, non-essential.
        """
        outputs = list(dict.fromkeys(outputs))
        found = [(c, role_of(e)) for c, e in (self.feeds[(product, o)] for o in outputs if (product, o) in self.feeds)]
        if not found:
            return product, NON_ESSENTIAL
        top = max(r for _, r in found)
        if top == IRRELEVANT and len(found) < len(outputs):
            return product, NON_ESSENTIAL
        return min(c for c, r in found if r == top), top

    def classify(self, product: str, outputs: Iterable[str]) -> tuple[str, bool]:
        """The input group of ``product`` for a customer making ``outputs``, and whether it is essential."""
        concept, role = self.role(product, outputs)
        return concept, role == ESSENTIAL


def essential_map(graph) -> EssentialMap:
    """Read the feedstock statements of the product scheme (one SPARQL query).

    A statement on a broader concept holds for its narrower concepts, on both
    sides; of several statements the largest role wins (essential, then
    non-essential, then irrelevant: ``ckg:irrelevantInputFor``), and among
    those the narrowest input concept. Entries are ``(concept, True)``,
    ``(concept, False)`` or ``(concept, 0)`` (irrelevant).

    >>> from kg.rdf.graph import open_graph
    >>> from kg.vocab.terms import CKP
    >>> m = essential_map(open_graph([], ontology=True))
    >>> concept, essential = m.classify(str(CKP["molten-aluminium"]), [str(CKP["aluminium-strip"])])
    >>> last_segment(concept), essential
    ('aluminium-metal', True)
    >>> m.labels[concept]
    'aluminium metal (molten aluminium, ingot, alloy)'
    """
    candidates: dict[tuple[str, str], set[tuple[str, int]]] = {}
    within: set[tuple[str, str]] = set()
    labels: dict[str, str] = {}
    for row in graph.query(sparql_prologue() + ESSENTIAL_QUERY):
        product, output, concept = str(row[0]), str(row[1]), str(row[2])
        role = int(row[3].toPython())
        candidates.setdefault((product, output), set()).add((concept, role))
        within.add((product, concept))
        if row[4] is not None:
            labels[concept] = str(row[4])
    feeds = {}
    for key, found in candidates.items():
        top = max(r for _, r in found)
        pool = {c for c, r in found if r == top}
        narrowest = [c for c in pool if not any(o != c and (o, c) in within for o in pool)]
        concept = min(narrowest or pool)  # `or pool`: a cycle in skos:broader
        feeds[key] = (concept, top == ESSENTIAL) if top else (concept, IRRELEVANT)
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
