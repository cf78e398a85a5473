"""Clusters and places by name: known clusters, resolving a cluster, its members."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import AmbiguousName, UnknownCluster, UnknownName
from kg.lookup.names import expand_iri, resolve
from kg.rdf.graph import select
from kg.vocab.namespaces import last_segment, sparql_prologue

_MEMBERS_QUERY = """
SELECT DISTINCT ?n WHERE {
  { ?n ckg:inCluster <{iri}> . }
  UNION { ?n ckg:inCluster ?c . ?c ckg:clusterRegion ?reg . ?reg ckg:partOf* <{iri}> . }
  UNION { ?n ckg:locatedIn|ckg:headquarteredIn ?p . ?p (ckg:locatedIn|ckg:partOf)* <{iri}> . }
}
"""


_KNOWN_PLACE_QUERY = """
ASK {
  { <{iri}> a/rdfs:subClassOf* ?t .
    VALUES ?t { ckg:IndustrialCluster ckg:Place ckg:Region ckg:Country ckg:Province ckg:City
                ckg:County ckg:IndustrialPark ckg:DevelopmentZone } }
  UNION { ?x ckg:inCluster|ckg:clusterRegion|ckg:locatedIn|ckg:headquarteredIn|ckg:partOf
             <{iri}> . }
}
"""


_CLUSTERS_QUERY = """
SELECT ?c ?label WHERE {
  ?c a ckg:IndustrialCluster .
  OPTIONAL { ?c skos:prefLabel ?label . FILTER(langMatches(lang(?label), "en")) }
}
"""


# Characters that may not appear inside <…> in SPARQL (IRIREF).
_BAD_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')


PLACE_KINDS = frozenset({"cluster", "park", "country", "province", "city", "county", "region"})
"""The kinds (as :mod:`kg.lookup.names` names them) that a cluster argument may resolve to."""


def _query(graph, text: str):
    return graph.query(sparql_prologue() + text)


def _iri_for_query(iri: str) -> str:
    """``iri`` unchanged if it can be written as ``<iri>`` in SPARQL, else
    :class:`UnknownCluster`."""
    if not iri or _BAD_IRI.search(iri) or ":" not in iri:
        raise UnknownCluster(iri, [])
    return iri


# ------------------------------------------------------------------ clusters


@dataclass(frozen=True)
class ClusterMatch:
    """A cluster, region or park that a cluster argument may mean (for :class:`AmbiguousName`)."""

    iri: str
    label: str
    kind: str


def known_clusters(graph) -> list[tuple[str, str]]:
    """(IRI, English label) of every ``ckg:IndustrialCluster``, sorted by label.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... <http://example.org/c> a ckg:IndustrialCluster .''')
    >>> known_clusters(g)
    [('http://example.org/c', 'c')]
    """
    labels: dict[str, str] = {}
    for iri, label in select(graph, _CLUSTERS_QUERY):
        if label is not None:
            labels[iri] = min(labels.get(iri, label), label)
        else:
            labels.setdefault(iri, last_segment(iri))
    return sorted(labels.items(), key=lambda kv: (kv[1].casefold(), kv[0]))


def _unknown_cluster(graph, name: str) -> UnknownCluster:
    return UnknownCluster(name, [label for _, label in known_clusters(graph)])


def _is_known_place(graph, iri: str) -> bool:
    result = _query(graph, _KNOWN_PLACE_QUERY.replace("{iri}", _iri_for_query(iri)))
    return bool(result.askAnswer)


def resolve_cluster(graph, name: str) -> str:
    """The IRI of the cluster, region or park that ``name`` means.

    ``name`` may be an IRI, a prefixed name (``ckr:cluster-binzhou``) or a label or alias
    of a cluster, region or park, in any case (names are matched by :func:`kg.lookup.names.resolve`,
    which reads them with SPARQL). Raises :class:`UnknownCluster` (listing the known
    clusters) when nothing matches and :class:`AmbiguousName` when several places do.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... <http://example.org/zouping> a ckg:County ; skos:prefLabel "Zouping"@en .
    ... <http://example.org/c> a ckg:IndustrialCluster ; skos:prefLabel "Binzhou cluster"@en .''')
    >>> resolve_cluster(g, "ZOUPING")
    'http://example.org/zouping'
    >>> resolve_cluster(g, "Atlantis")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.UnknownCluster: no cluster, ... called 'Atlantis'. Known clusters: Binzhou cluster.
    """
    iri = expand_iri(name)
    if iri is not None:
        if _BAD_IRI.search(iri) or not _is_known_place(graph, iri):
            raise _unknown_cluster(graph, name)
        return iri
    try:
        return resolve(graph, name, kinds=set(PLACE_KINDS)).iri
    except UnknownName:
        raise _unknown_cluster(graph, name) from None
    except AmbiguousName as e:
        # A cluster beats the region or park of the same name.
        clusters = [c for c in e.candidates if c.kind == "cluster"]
        if len(clusters) == 1:
            return clusters[0].iri
        raise


def cluster_members(graph, cluster: str) -> set[str]:
    """IRIs of everything in ``cluster`` (a cluster, region or park IRI, or a name of one).

    Members are the entities ``ckg:inCluster`` the cluster; for a region or park, the
    entities in a cluster whose ``ckg:clusterRegion`` is (or is ``ckg:partOf``) it, and
    the entities located in it (directly, in a park located in it, or in a region part of it).

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... @prefix ex: <http://example.org/> .
    ... ex:county a ckg:County ; ckg:partOf ex:city .
    ... ex:park a ckg:IndustrialPark ; ckg:locatedIn ex:county .
    ... ex:a a ckg:Firm ; ckg:locatedIn ex:park .
    ... ex:b a ckg:Firm ; ckg:locatedIn ex:elsewhere .''')
    >>> sorted(cluster_members(g, "http://example.org/city"))
    ['http://example.org/a', 'http://example.org/park']
    """
    iri = resolve_cluster(graph, cluster)
    return {row[0] for row in select(graph, _MEMBERS_QUERY.replace("{iri}", iri))}


_LABEL_QUERY = """
SELECT ?v WHERE { <{iri}> skos:prefLabel ?v . FILTER(langMatches(lang(?v), "en")) }
"""


def cluster_label(graph, cluster: str) -> str:
    """The smallest English label of ``cluster`` (an IRI), else its last segment.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... <http://example.org/c> skos:prefLabel "Home"@en, "Another"@en-gb .''')
    >>> cluster_label(g, "http://example.org/c"), cluster_label(g, "http://example.org/d")
    ('Another', 'd')
    """
    labels = sorted(row[0] for row in select(graph, _LABEL_QUERY.replace("{iri}", _iri_for_query(cluster))))
    return labels[0] if labels else last_segment(cluster)
