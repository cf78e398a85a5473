"""Running the compiled SHACL queries in Oxigraph."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
from rdflib import Graph, Literal

from kg.rdf.local import oxigraph_store
from kg.validation.compile import ShapeQuery, shape_queries
from kg.validation.violations import (
    SKOS_PREF_LABEL,
    Violation,
    label_language,
    prefixed,
    sorted_violations,
    violation_message,
)


def validate_sparql(data_graph, shapes: Graph) -> list[Violation]:
    queries = shape_queries(shapes)
    store = oxigraph_of(data_graph)

    def run(q: ShapeQuery) -> list[tuple[ShapeQuery, dict]]:
        solutions = store.query(q.query)
        names = [v.value for v in solutions.variables]
        return [(q, dict(zip(names, solution))) for solution in solutions]

    # Oxigraph evaluates a query without holding the GIL: one query per core. The
    # likely longest go first, so that no core is left with a long one at the end.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        rows = [row for found in pool.map(run, sorted(queries, key=_likely_shorter)) for row in found]
    labels = _labels(store, {row["this"] for _, row in rows})
    return sorted_violations(_sparql_violation(q, row, labels) for q, row in rows)


def _likely_shorter(q: ShapeQuery) -> tuple[bool, bool]:
    """Sort key: SPARQL-based constraints first (at 100k firms the two of ``shapes.ttl``
    take 6 to 7.4 and 5.2 s), then the queries that go through every focus node
    (``MINUS``: 1 to 2.3 s), then the rest (mostly under 1 s). The order only changes
    how the queries share the cores (23 s against 25 s on two cores); results are sorted.
    """
    return (not q.sparql, "MINUS" not in q.query)


def _sparql_violation(q: ShapeQuery, row: dict, labels: dict) -> Violation:
    this, value, path = row["this"], row.get("value"), row.get("path")
    messages = q.messages
    if q.sparql:
        value = this if value is None else value
        # {$this}, {?value} and {?path} in a message stand for their values.
        bound = {"this": this, "value": value, "path": path}
        messages = tuple(Literal(_fill(m, bound), lang=m.language) for m in messages)
    return Violation(
        focus=this.value,
        label=labels.get(this),
        path=q.path if path is None else prefixed(path.value),
        value=None if value is None else value.value,
        message=violation_message(messages),
        severity=q.severity,
        shape=q.shape,
    )


def _fill(message: str, bound: dict) -> str:
    def value(match):
        term = bound.get(match.group(1))
        return match.group(0) if term is None else term.value

    return re.sub(r"\{[?$](\w+)\}", value, str(message))


def oxigraph_of(graph):
    """The pyoxigraph Store behind ``graph``, or a copy of ``graph`` in a new one."""
    store = oxigraph_store(graph)
    if store is None:
        store = ox.Store()
        text = graph.serialize(format="nt", encoding="utf-8")
        store.extend(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))  # keeps blank node ids
    return store


def _labels(store, nodes) -> dict:
    """Each node's English ``skos:prefLabel`` (the least, if it has several)."""
    pref_label = ox.NamedNode(str(SKOS_PREF_LABEL))
    labels = {}
    for node in nodes:
        if isinstance(node, ox.Literal):
            continue
        quads = store.quads_for_pattern(node, pref_label, None, ox.DefaultGraph())
        names = [q.object.value for q in quads if label_language(q.object) == "en"]
        if names:
            labels[node] = min(names)
    return labels
