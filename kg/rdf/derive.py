"""Derived triples: the ``ckg:suppliesTo`` shortcuts of supply relations."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.vocab.namespaces import PREFIXES

DERIVE_SHORTCUTS = """
CONSTRUCT { ?s ckg:suppliesTo ?c . ?g ckg:subsidiary ?f . }
WHERE {
  { { SELECT ?r { ?r a ckg:SupplyRelation } }
    { SELECT ?r ?s { ?r ckg:supplier ?s } }
    { SELECT ?r ?c { ?r ckg:customer ?c } } }
  UNION
  { ?f ckg:parentOrganization ?g . }
}
"""
"""The rules the loader applies: ``ckg:suppliesTo`` from supply relations, ``ckg:subsidiary``
as the inverse of ``ckg:parentOrganization``. Data files never write either.

The three patterns of a relation are sub-SELECTs so that Oxigraph joins them by hashing
three index scans: written as one basic graph pattern it looks each relation's supplier
and customer up one at a time, several times slower on a persistent store (see
bench/RESULTS.md)."""


DERIVED_PREDICATES = ("https://w3id.org/cluster-kg/ontology#suppliesTo",
                      "https://w3id.org/cluster-kg/ontology#subsidiary")
"""The predicates of the triples :data:`DERIVE_SHORTCUTS` makes."""


def derived_in_store(ox_store) -> set:
    """The triples of the :data:`DERIVED_PREDICATES` that ``ox_store``'s default graph holds (as quads)."""
    default = ox.DefaultGraph()
    return {q for p in DERIVED_PREDICATES for q in ox_store.quads_for_pattern(None, ox.NamedNode(p), None, default)}


def rederive_in_store(ox_store, stated: set) -> tuple[int, int]:
    """Bring the derived triples of ``ox_store`` in line with what it holds now, after triples were
    removed: add those :data:`DERIVE_SHORTCUTS` implies and remove those it no longer implies,
    unless a file states them (``stated``, quads of the default graph). Returns (added, removed).
    """
    default = ox.DefaultGraph()
    now = {ox.Quad(t.subject, t.predicate, t.object, default)
           for t in ox_store.query(DERIVE_SHORTCUTS, prefixes=PREFIXES)}
    held = derived_in_store(ox_store)
    gone = held - now - stated
    for q in gone:
        ox_store.remove(q)
    ox_store.extend(now - held)
    return len(now - held), len(gone)


def derived_triples(triples: Iterable) -> list:
    """The derived triples (:data:`DERIVE_SHORTCUTS`) implied by ``triples`` (pyoxigraph triples)."""
    tmp = ox.Store()
    tmp.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return list(tmp.query(DERIVE_SHORTCUTS, prefixes=PREFIXES))


def derive_in_store(ox_store) -> None:
    """Add the derived triples (:data:`DERIVE_SHORTCUTS`) of everything in ``ox_store``."""
    construct = DERIVE_SHORTCUTS.strip()
    insert = "INSERT" + construct[len("CONSTRUCT"):]
    ox_store.update(insert, prefixes=PREFIXES)
