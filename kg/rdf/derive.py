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
