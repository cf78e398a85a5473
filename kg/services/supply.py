"""Supply-network analyses composed for every face (``kg suppliers``, ``customers``,
``centrality``, ``whatif``, ``gaps``): resolve the names, project the graph once, analyse
the network."""

from __future__ import annotations

from collections.abc import Iterable

from kg.analysis import centrality as _centrality
from kg.analysis import gaps as _gaps
from kg.analysis import tiers as _tiers
from kg.analysis import whatif as _whatif
from kg.lookup.clusters import cluster_label, cluster_members, resolve_cluster
from kg.network.project import supply_network
from kg.network.scheme import product_stages, read_stages
from kg.services.resolve import FIRM_KINDS, resolve_name


def suppliers(graph, firm: str, *, depth: int | None = None) -> _tiers.Tiers:
    """Upstream tiers of the firm that ``firm`` (a name or IRI) means."""
    return tiers(graph, firm, direction="upstream", depth=depth)


def customers(graph, firm: str, *, depth: int | None = None) -> _tiers.Tiers:
    """Downstream tiers of the firm that ``firm`` (a name or IRI) means."""
    return tiers(graph, firm, direction="downstream", depth=depth)


def tiers(graph, firm: str, *, direction: str, depth: int | None = None) -> _tiers.Tiers:
    """Tiers of ``firm`` (a name or IRI) ``direction`` "upstream" or "downstream"."""
    iri = resolve_name(firm, FIRM_KINDS, graph=graph).iri
    return _tiers.tiers(supply_network(graph), iri, direction=direction, depth=depth)


def centrality(graph, *, measure: str = "pagerank", top: int | None = None,
               cluster: str | None = None, **options) -> _centrality.Centrality:
    """Nodes ranked by ``measure`` in the supply network, or in the own network of
    ``cluster`` (a cluster, region or park: name or IRI; its members and the links among
    them). ``options`` go to :func:`kg.analysis.centrality.centrality`."""
    network = supply_network(graph, cluster=cluster)
    return _centrality.centrality(network, measure=measure, top=top, **options)


def whatif(graph, firms: Iterable[str]) -> tuple:
    """(network, :class:`kg.analysis.whatif.WhatIf`) when the firms that ``firms`` (names
    or IRIs) mean fail."""
    iris = [resolve_name(f, FIRM_KINDS, graph=graph).iri for f in firms]
    network = supply_network(graph)
    return network, _whatif.whatif(network, iris)


def gaps(graph, cluster: str) -> _gaps.Gaps:
    """Value-chain coverage and gaps of ``cluster`` (IRI, prefixed name, or label of a
    cluster, region or park; see :func:`kg.lookup.clusters.resolve_cluster`).

    Raises :class:`~kg.errors.UnknownCluster` listing the known clusters when nothing matches.
    """
    iri = resolve_cluster(graph, cluster)
    members = cluster_members(graph, iri)
    network = supply_network(graph)
    prod_stage, prod_label = product_stages(graph)
    return _gaps.gaps(network, members, read_stages(graph), prod_stage, prod_label,
                      cluster=iri, label=cluster_label(graph, iri))
