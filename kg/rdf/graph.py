"""The one door to any backend: open a graph (memory, store folder, endpoint), select, count.

Every graph the code uses is an rdflib :class:`~rdflib.Graph` on the Oxigraph
store (through the ``oxrdflib`` plugin): rdflib's API, Oxigraph's speed. All
triples live in the default graph, so SPARQL sees everything without ``GRAPH``.

>>> from kg.rdf.graph import count_triples, open_graph
>>> g = open_graph()                      # bundled ontology and data
>>> count_triples(g) > 1000
True
>>> g2 = open_graph([], ontology=True)    # the ontology alone
>>> count_triples(g2) < count_triples(g)
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from kg.rdf.bulk import load_file
from kg.rdf.derive import derive_in_store
from kg.rdf.formats import default_data_paths, expand_paths
from kg.rdf.generations import open_store, store_failure
from kg.rdf.local import oxigraph_store, wrap
from kg.rdf.remote import is_remote, open_remote
from kg.vocab.files import ontology_paths
from kg.vocab.namespaces import sparql_prologue


def open_graph(
    data: Sequence[str | os.PathLike] | None = None,
    *,
    ontology: bool = True,
    store: str | os.PathLike | None = None,
    endpoint: str | None = None,
) -> rdflib.Graph:  # noqa: F821
    """Open the graph the commands work on.

    - ``endpoint``: a remote SPARQL 1.1 server (see :mod:`kg.rdf.remote`).
    - ``store``: a persistent store on disk (read-only; ``kg load`` writes it).
    - otherwise ``data`` (files or folders; default: the bundled ``kg/data``) in memory,
      always with the ontology unless ``ontology=False``. Files are parsed by Oxigraph
      straight into the store (no Python object per triple); a file that does not
      parse raises :class:`~kg.errors.ParseError` with its line.
    """
    if endpoint is not None:
        return open_remote(endpoint)
    if store is not None:
        return wrap(open_store(store, read_only=True))

    paths = default_data_paths() if data is None else expand_paths(data)
    if ontology:
        paths = expand_paths([*ontology_paths(), *paths])
    memory = ox.Store()
    for path in paths:
        load_file(memory, path)
    derive_in_store(memory)
    return wrap(memory)


def store_has_ontology(ox_store) -> bool:
    """Whether a store already holds the ontology header."""
    return bool(
        ox_store.query("ASK { <https://w3id.org/cluster-kg/ontology> a <http://www.w3.org/2002/07/owl#Ontology> }")
    )


def select(graph, text: str) -> Iterator[list[str | None]]:
    """Run a SELECT (with the :data:`~kg.vocab.namespaces.PREFIXES` prologue) and stream its rows as
    plain strings: the IRI, the literal's lexical form or the blank node id; None if unbound.

    On the Oxigraph store that :func:`open_graph` makes the query goes straight to
    pyoxigraph, and on a remote endpoint (:mod:`kg.rdf.remote`) its answer is parsed by
    pyoxigraph as it streams in: no term is converted to rdflib, which is most of the
    cost of a large answer (5x). A ``pyoxigraph.Store`` itself is queried the same way (no
    rdflib needed). Any other rdflib graph goes through ``graph.query``.
    Ask for ``lang(?x)`` in the query where the language of a literal matters.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='<http://e.org/a> <http://e.org/p> "x"@en .')
    >>> list(select(g, "SELECT ?s ?o (lang(?o) AS ?l) ?none WHERE { ?s ?p ?o }"))
    [['http://e.org/a', 'x', 'en', None]]
    """
    query = sparql_prologue() + text
    inner = graph if type(graph).__module__ == "pyoxigraph" else oxigraph_store(graph)  # a pyoxigraph.Store itself
    if inner is not None or is_remote(graph):
        try:
            rows = inner.query(query) if inner is not None else graph.store.select_ox(query)
            for row in rows:
                yield [None if t is None else t.value for t in row]
        except (OSError, RuntimeError) as e:  # a damaged block of a store shows when it is read
            failure = store_failure(e)
            if failure is None:
                raise
            raise failure from None
    else:
        for row in graph.query(query):
            yield [None if t is None else str(t) for t in row]


def count_triples(graph) -> int:
    """Number of triples, counted by SPARQL (``len()`` on oxrdflib walks every triple)."""
    rows = list(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))  # read to the end: no cycle keeps the
    return int(rows[0][0])  # answer for the collector to free on another thread (pyoxigraph refuses that)
