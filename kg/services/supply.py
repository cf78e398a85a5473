"""Supply-network analyses composed for every face (``kg suppliers``, ``customers``,
``centrality``, ``whatif``): resolve the names, project the graph once, analyse the network.
``kg gaps`` is :func:`kg.services.gaps.gaps`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from kg.analysis import centrality as _centrality
from kg.analysis import tiers as _tiers
from kg.analysis import whatif as _whatif
from kg.lookup.clusters import cluster_label
from kg.network.project import group_links, supply_network
from kg.services.resolve import FIRM_KINDS, resolve_name
from kg.services.timeline import as_of_remarks, check_present


def suppliers(graph, firm: str, *, depth: int | None = None, as_of: int | None = None) -> _tiers.Tiers:
    """Upstream tiers of the firm that ``firm`` (a name or IRI) means."""
    return tiers(graph, firm, direction="upstream", depth=depth, as_of=as_of)


def customers(graph, firm: str, *, depth: int | None = None, as_of: int | None = None) -> _tiers.Tiers:
    """Downstream tiers of the firm that ``firm`` (a name or IRI) means."""
    return tiers(graph, firm, direction="downstream", depth=depth, as_of=as_of)


def tiers(graph, firm: str, *, direction: str, depth: int | None = None, as_of: int | None = None) -> _tiers.Tiers:
    """Tiers of ``firm`` (a name or IRI) ``direction`` "upstream" or "downstream", in the network
    as of a year with ``as_of`` (:mod:`kg.network.time`; the result's ``remarks`` say what it left out)."""
    match = resolve_name(firm, FIRM_KINDS, graph=graph)
    network = supply_network(graph, as_of=as_of)
    check_present(network, match.iri, match.label)
    result = _tiers.tiers(network, match.iri, direction=direction, depth=depth)
    return replace(result, remarks=as_of_remarks(network))


def centrality(graph, *, measure: str = "pagerank", top: int | None = None,
               cluster: str | None = None, as_of: int | None = None, **options) -> _centrality.Centrality:
    """Nodes ranked by ``measure`` in the supply network, or in the own network of
    ``cluster`` (a cluster, region or park: name or IRI; its members and the links among
    them). ``options`` go to :func:`kg.analysis.centrality.centrality`. The result's
    ``scope`` is "the whole loaded network" or "<the cluster's label> only"; its ``note`` says
    when every score is equal."""
    network = supply_network(graph, cluster=cluster, as_of=as_of)
    iri = network.graph.get("cluster")
    scope = _centrality.ALL_CLUSTERS if iri is None else f"{cluster_label(graph, iri)} only"
    result = _centrality.centrality(network, measure=measure, top=top, scope=scope, **options)
    return replace(result, remarks=as_of_remarks(network))


def whatif(graph, firms: Iterable[str], *, with_subsidiaries: bool = False, as_of: int | None = None) -> tuple:
    """(network, :class:`kg.analysis.whatif.WhatIf`) when the firms that ``firms`` (names
    or IRIs) mean fail; ``with_subsidiaries``: a group fails with its stated subsidiaries
    (:func:`kg.network.project.group_links`, transitively)."""
    matches = [resolve_name(f, FIRM_KINDS, graph=graph) for f in firms]
    network = supply_network(graph, as_of=as_of)
    for m in matches:
        check_present(network, m.iri, m.label)
    iris = [m.iri for m in matches]
    subsidiaries = _whatif.with_subsidiaries(group_links(graph), iris) if with_subsidiaries else {}
    subsidiaries = {sub: group for sub, group in subsidiaries.items() if sub in network}
    result = _whatif.whatif(network, iris, subsidiaries=subsidiaries)
    result.notes[:0] = as_of_remarks(network)
    return network, result
