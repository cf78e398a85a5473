"""Supply-network analyses composed for every face (``kg suppliers``, ``customers``,
``centrality``, ``whatif``): resolve the names, project the graph once, analyse the network.
``kg gaps`` is :func:`kg.services.gaps.gaps`."""

from __future__ import annotations

from collections.abc import Iterable

from kg.analysis import centrality as _centrality
from kg.analysis import tiers as _tiers
from kg.analysis import whatif as _whatif
from kg.lookup.clusters import cluster_label
from kg.network.project import group_links, supply_network
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
    them). ``options`` go to :func:`kg.analysis.centrality.centrality`. The result's
    ``scope`` is "the whole loaded network" or "<the cluster's label> only"; its ``note`` says
    when every score is equal."""
    network = supply_network(graph, cluster=cluster)
    iri = network.graph.get("cluster")
    scope = _centrality.ALL_CLUSTERS if iri is None else f"{cluster_label(graph, iri)} only"
    return _centrality.centrality(network, measure=measure, top=top, scope=scope, **options)


def whatif(graph, firms: Iterable[str], *, with_subsidiaries: bool = False) -> tuple:
    """(network, :class:`kg.analysis.whatif.WhatIf`) when the firms that ``firms`` (names
    or IRIs) mean fail; ``with_subsidiaries``: a group fails with its stated subsidiaries
    (:func:`kg.network.project.group_links`, transitively)."""
    iris = [resolve_name(f, FIRM_KINDS, graph=graph).iri for f in firms]
    network = supply_network(graph)
    subsidiaries = _whatif.with_subsidiaries(group_links(graph), iris) if with_subsidiaries else {}
    return network, _whatif.whatif(network, iris, subsidiaries=subsidiaries)
