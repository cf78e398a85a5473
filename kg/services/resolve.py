"""Names to IRIs for the commands: an exact name from the analysis index, else the similarity
search of :mod:`kg.lookup.names` over every name in the graph."""

from __future__ import annotations

from kg.lookup.names import Match, expand_iri
from kg.lookup.names import resolve as resolve_name
from kg.rdf.generations import open_store
from kg.rdf.local import wrap
from kg.services.index import open_index
from kg.services.index_reader import AnalysisIndex

FIRM_KINDS = frozenset({"firm", "group", "cohort"})
"""What a FIRM argument may name."""


def resolve(graph, name: str, kinds=None) -> Match:
    """The entity a user's name means (a :class:`kg.lookup.names.Match`); errors list candidates."""
    return resolve_name(graph, name, kinds=set(kinds) if kinds is not None else None)


def store_index(store_dir) -> tuple[AnalysisIndex, object] | None:
    """The analysis index of the store's current generation, if it has one (`kg depends`
    builds it), with an rdflib graph opened at the generation the index belongs to; else None."""
    index = open_index(store_dir, build=False)
    if index is None:
        return None
    return index, wrap(open_store(index.generation.folder))


def exact_iri(index: AnalysisIndex, name: str, kinds) -> str:
    """The IRI of the entity ``name`` means exactly, from the analysis index; else ``name``
    itself, for :mod:`kg.lookup.names` to look up (which reads every name in the store)."""
    if expand_iri(name) is not None:
        return name
    match = index.resolve(name, set(kinds))
    return match.iri if match is not None else name
