"""The pyoxigraph backend behind an rdflib ``Graph``."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from kg.rdf.derive import derived_triples
from kg.rdf.formats import Source
from kg.vocab.namespaces import PREFIXES


def wrap(ox_store) -> rdflib.Graph:  # noqa: F821
    from oxrdflib import OxigraphStore
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    graph = Graph(store=OxigraphStore(store=ox_store), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph


def graph_from_sources(sources: Sequence[Source]) -> rdflib.Graph:  # noqa: F821
    """An in-memory Oxigraph-backed rdflib Graph holding ``sources`` and their derived shortcuts."""
    store = ox.Store()
    triples = [t for s in sources for t in s.triples]
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in derived_triples(triples))
    return wrap(store)


def oxigraph_store(graph):
    """The pyoxigraph Store behind ``graph`` when ``graph`` is its default graph, else None."""
    store = getattr(graph, "store", None)
    if type(store).__name__ != "OxigraphStore" or type(graph).__name__ != "Graph":
        return None
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    if graph.identifier != DATASET_DEFAULT_GRAPH_ID:
        return None  # a named graph: let oxrdflib pick the graph to query
    return getattr(store, "_inner", None)
