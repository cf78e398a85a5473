"""The facts of a graph for `kg export`: all of them, those around some nodes, or a firm's
neighbourhood, as pyoxigraph quads; written as Turtle, N-Triples or JSON-LD.

>>> import pyoxigraph as ox, tempfile
>>> from pathlib import Path
>>> s = ox.Store()
>>> s.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"), ox.DefaultGraph()))
>>> path = Path(tempfile.mkdtemp()) / "f.nt"
>>> write_facts(store_facts(s, ontology=True), path, "nt")
1
>>> path.read_text(encoding="utf-8")
'<http://e/a> <http://e/p> "x" .\\n'
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.subgraph import FOLLOW, copy_neighbourhood, neighbourhood_store
from kg.utils.files import atomic_file
from kg.vocab.files import ontology_paths
from kg.vocab.namespaces import CKG_NS, PREFIXES

FACT_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
"""File extension (without the dot) -> the RDF format the facts are written in."""


def store_facts(ox_store, *, seeds: Iterable[str] | None = None, around: str | None = None, depth: int = 1,
                ontology: bool = False) -> list:
    """The default graph's quads of ``ox_store``, sorted: all of them; or, for ``seeds`` (IRIs), the
    facts about them and the supply relations they take part in, with what those link to
    (:data:`~kg.rdf.subgraph.FOLLOW`, two steps: places, products, quantities, evidence, articles);
    or ``depth`` steps around the firm ``around`` (what `kg view --around` reads). The ontology's
    triples are left out unless ``ontology``."""
    default = ox.DefaultGraph()
    if seeds is not None:
        nodes = {ox.NamedNode(s) for s in seeds}
        relations = {q.subject for p in ("supplier", "customer") for n in nodes
                     for q in ox_store.quads_for_pattern(None, ox.NamedNode(CKG_NS + p), n, default)}
        quads = list(copy_neighbourhood(ox_store, nodes | relations, FOLLOW, depth=2).quads_for_pattern(
            None, None, None, default))
    elif around is not None:
        quads = list(neighbourhood_store(ox_store, around, depth=depth).quads_for_pattern(None, None, None, default))
    else:
        quads = list(ox_store.quads_for_pattern(None, None, None, default))
    if not ontology:
        known = {(t.subject, t.predicate, t.object) for p in ontology_paths() for t in ox.parse(path=str(p))}
        quads = [q for q in quads if (q.subject, q.predicate, q.object) not in known]
    return sorted(quads, key=str)


def write_facts(quads, path: str | os.PathLike, fmt: str) -> int:
    """Write ``quads`` (of the default graph) to ``path`` atomically as ``fmt`` (a key of
    :data:`FACT_FORMATS`); the number of triples written."""
    rdf_format = FACT_FORMATS[fmt]
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    prefixes = None if rdf_format == ox.RdfFormat.N_TRIPLES else dict(PREFIXES)
    data = ox.serialize(triples, format=rdf_format, prefixes=prefixes) if triples else b""
    with atomic_file(Path(path), "wb") as f:
        f.write(data)
    return len(triples)
