"""Names to IRIs for the commands: an exact name from the analysis index, else the word-by-word
search of :mod:`kg.lookup.names` over every name in the graph (preferred, alternative and hidden
labels)."""

from __future__ import annotations

from kg.lookup.names import Match, expand_iri
from kg.lookup.names import resolve as similar_name
from kg.rdf.generations import open_store
from kg.rdf.local import wrap
from kg.services.index import open_index
from kg.services.index_reader import AnalysisIndex

FIRM_KINDS = frozenset({"firm", "group", "cohort"})
"""What a FIRM argument may name."""


def resolve_name(name: str, kinds=None, *, graph=None, index: AnalysisIndex | None = None) -> Match | None:
    """The entity a command's ``name`` means (a :class:`kg.lookup.names.Match`) among ``kinds``.

    With ``index`` (the analysis index of a store generation), an exact name (after
    :func:`kg.lookup.names.normalise`) or an IRI is looked up there first, in milliseconds;
    several exact matches raise :class:`kg.errors.AmbiguousName`, an IRI it does not hold
    :class:`kg.errors.UnknownName`. Otherwise the search of :func:`kg.lookup.names.resolve`
    reads every name in ``graph`` (the one exact match, else the one strong match; errors list
    candidates, best first; a place named with its administrative suffix, 邹平市, is exact
    only there);
    ``graph`` may be a function returning the graph, called only then (an exact name then
    opens no rdflib graph). Give the graph of the generation the index belongs to.

    Without ``graph``, only exact names are looked up in the index: an IRI, or a name the
    index does not hold exactly, gives None, for the caller to hand ``name`` on unchanged to
    a service that resolves it while reading its graph (``kg view --around``).
    """
    kinds = set(kinds) if kinds is not None else None
    if index is not None:
        if graph is None and expand_iri(name) is not None:
            return None
        match = index.resolve(name, kinds)
        if match is not None or graph is None:
            return match
    elif graph is None:
        raise TypeError("resolve_name needs a graph or an analysis index")
    return similar_name(graph() if callable(graph) else graph, name, kinds=kinds)


def store_index(store_dir) -> tuple[AnalysisIndex, object] | None:
    """The analysis index of the store's current generation, if it has one (`kg depends`
    builds it), with an rdflib graph opened at the generation the index belongs to; else None."""
    index = open_index(store_dir, build=False)
    if index is None:
        return None
    return index, wrap(open_store(index.generation.folder))
