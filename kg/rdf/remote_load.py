"""What a load to a SPARQL server sends (one update) and reads back (what the server holds).

Used by :func:`kg.ingest.load.load_remote`, through a graph of :func:`kg.rdf.remote.open_remote`.
"""

from __future__ import annotations

from kg.errors import StoreError

ONTOLOGY_IRI = "https://w3id.org/cluster-kg/ontology"

VERIFY_BATCH = 500
"""Triples :func:`count_held` looks up in one query."""

_OWL_ONTOLOGY = "<http://www.w3.org/2002/07/owl#Ontology>"


def ontology_header():
    """The triple that says the ontology is there (``<ONTOLOGY_IRI> a owl:Ontology``).

    >>> print(ontology_header())
    <https://w3id.org/cluster-kg/ontology> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Ontology>
    """
    import pyoxigraph as ox

    return ox.Triple(ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode(_OWL_ONTOLOGY[1:-1]))


def remote_has_ontology(graph) -> bool:
    """Whether the server behind ``graph`` already holds the ontology header."""
    return bool(graph.query(f"ASK {{ <{ONTOLOGY_IRI}> a {_OWL_ONTOLOGY} }}").askAnswer)


def count_held(graph, triples, *, batch: int = VERIFY_BATCH) -> int:
    """How many of ``triples`` (pyoxigraph triples without blank nodes, all different) the
    server behind ``graph`` holds: one ``COUNT`` over ``VALUES`` per ``batch`` triples."""
    held = 0
    for i in range(0, len(triples), batch):
        rows = "\n".join(f"({t.subject} {t.predicate} {t.object})" for t in triples[i:i + batch])
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?s ?p ?o) {{\n{rows}\n}} ?s ?p ?o }}"
        answer = [row[0] for row in graph.store.select_ox(query, ("n",))]
        try:
            held += int(answer[0].value)
        except (IndexError, AttributeError, ValueError):
            raise StoreError(f"{graph.store.query_endpoint}: the answer to a COUNT is not one number: "
                             f"{answer[:3]!r}") from None
    return held


def insert_data(triples) -> str:
    """One ``INSERT DATA`` update of pyoxigraph triples, written as N-Triples terms.

    >>> import pyoxigraph as ox
    >>> t = ox.Triple(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x\\"y", language="en"))
    >>> print(insert_data([t]))
    INSERT DATA {
    <http://e/a> <http://e/p> "x\\"y"@en .
    }
    """
    return "INSERT DATA {\n" + "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples) + "}"


def insert_unless_ontology(triples) -> str:
    """An update that adds ``triples`` (the ontology) only if the server lacks the ontology header.

    The check and the insert run in the server, in the same request as the data,
    so two loads at once cannot both add it.
    """
    body = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    return (
        f"INSERT {{\n{body}}}\nWHERE {{ FILTER NOT EXISTS "
        f"{{ <{ONTOLOGY_IRI}> a {_OWL_ONTOLOGY} }} }}"
    )
