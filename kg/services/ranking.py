"""Firms ranked by systemic risk (``kg risk``): the network, the ESRI ranking, the dominator
tree and the sole-supplier links, composed once for every face.

The network an ESRI is relative to (its scope) is named in every answer:

- all clusters: the members of every loaded cluster and their direct partners (suppliers
  and customers). Nodes in no cluster and trading with no member are left out.
- one cluster: its members and their direct partners.

Only members are ranked (firms and groups; never cohorts, which are aggregates, nor
outside partners such as a foreign customer): partners stay in the network, so what they
lose counts, and their output is in the denominator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from kg.analysis.concentration import sole_supplier_links
from kg.analysis.dominance import DominatorTree, dominator_tree
from kg.analysis.esri.ranking import EsriResult, esri
from kg.lookup.clusters import cluster_members, resolve_cluster
from kg.network.arrays import supply_table
from kg.network.model import neighbourhood
from kg.network.project import supply_network
from kg.network.scheme import essential_map
from kg.network.time import scoped
from kg.services.index_reader import EXACT_RISK_LIMIT
from kg.services.timeline import as_of_remarks

EPS = 1e-12


@dataclass
class Ranking:
    """The firms ranked by ESRI, with what the ranking table shows beside each."""

    network: nx.DiGraph
    results: list[EsriResult]
    tree: DominatorTree
    sole: dict[str, list[str]]
    """supplier IRI -> labels of the customers it is the sole supplier of"""
    exact: bool
    """every firm computed (else only the candidates: method "pruned")"""
    scope: str = ""
    """the network the indices are relative to"""
    bound: str = "stated"
    notes: list[str] = field(default_factory=list)
    """one-line remarks on the ranking (scope, firms left out)"""
    empty: str = ""
    """what to say instead of an empty table"""


def scope_network(network, members=None, label: str | None = None):
    """(network, members to rank, scope) of a supply network: ``members`` (default: the members
    of every cluster, from the node attribute ``clusters``) and their direct partners.

    >>> from kg.network.model import network_from_edges
    >>> g = network_from_edges([("a", "b"), ("b", "c"), ("x", "y")])
    >>> g.nodes["b"]["clusters"] = ["k"]
    >>> net, members, scope = scope_network(g)
    >>> sorted(net), members, scope
    (['a', 'b', 'c'], {'b'}, 'all loaded clusters (3 nodes: members of every cluster and their direct partners)')
    """
    if members is None:
        members = {n for n, clusters in network.nodes(data="clusters") if clusters}
        if not members:  # no node states a cluster: the whole network
            return network, set(network), f"the whole network ({len(network):,} nodes; no cluster stated)"
        net = neighbourhood(network, members)
        scope = f"all loaded clusters ({len(net):,} nodes: members of every cluster and their direct partners)"
    else:
        net = neighbourhood(network, members)
        scope = f"cluster {label} and its direct partners ({len(net):,} nodes)"
    return net, {m for m in members if m in net}, scope


def risk_network(graph, cluster: str | None, as_of: int | None = None):
    """(network, members to rank, essential map, scope): a cluster's members and their direct
    partners, or those of every cluster (as of a year with ``as_of``: ``G.graph["as_of"]``)."""
    G = supply_network(graph, evidence=False, as_of=as_of)  # the ranking shows no quotes
    in_cluster = None
    if cluster is None:
        net, members, scope = scope_network(G)
    else:
        iri = resolve_cluster(graph, cluster)
        in_cluster = cluster_members(graph, iri)
        members = in_cluster & set(G)
        label = next((lab for n in members for c, lab in zip(G.nodes[n].get("clusters") or [],
                                                              G.nodes[n].get("cluster_labels") or [])
                      if c == iri), None) or cluster
        net, members, scope = scope_network(G, members, label)
    if G.graph.get("as_of") is not None:  # what the ranked network as of the year left out and kept
        net.graph["as_of"] = scoped(G.graph["as_of"], net, in_cluster)
    return net, members, essential_map(graph), scope


def rank_firms(graph, *, top: int, cluster: str | None = None, include_all: bool = False,
               bound: str = "stated", weights: str = "auto", as_of: int | None = None) -> Ranking:
    """The ``top`` firms of ``graph`` (or of a cluster and its partners) by ESRI under ``bound``.

    Members without a stated supply link are ranked only with ``include_all``; cohorts never.
    Under the "stated" bound only firms whose index exceeds their own output share are listed
    (a note counts the others). Above :data:`EXACT_RISK_LIMIT` firms only the candidates are
    computed (``exact`` is False).
    """
    G, members, scheme, scope = risk_network(graph, cluster, as_of)
    cohorts = sum(1 for n in members if G.nodes[n].get("kind") == "cohort")
    firms = sorted(n for n in members if G.nodes[n].get("kind") != "cohort" and (include_all or G.degree(n) > 0))
    exact = len(firms) <= EXACT_RISK_LIMIT
    tree = dominator_tree(G)
    table = supply_table(G)  # one scan of the network for both
    results = esri(G, firms=firms, top=None if exact else top, essential=scheme, tree=tree, table=table,
                   bound=bound, scope=scope, weights=weights) if firms else []
    notes = [*as_of_remarks(G), f"ESRI relative to {scope}; bound {bound!r} (esri; the other bound beside it)"]
    if bound == "stated":
        own_only = [r for r in results if r.esri <= r.own + EPS]
        results = [r for r in results if r.esri > r.own + EPS]
        if own_only:
            notes.append(
                ("1 other firm takes down only its own output" if len(own_only) == 1 else
                 f"{len(own_only)} other firms take down only their own output")
                + " on stated coverage (no stated share links them); `--bound named` ranks them as if the "
                "named partners were all their trade")
    if not exact:
        notes.append(f"computed for the {top} candidates with the largest dominated weight and weighted "
                     f"out-degree, not for all {len(firms):,} firms (above {EXACT_RISK_LIMIT:,} firms)")
    if cohorts:
        notes.append(f"{cohorts} cohort{'s' if cohorts != 1 else ''} (aggregates of firms, not firms) not ranked")
    if results and results[0].assumptions:
        notes.append(results[0].assumptions[0])  # the output weights
    results = results[:top]
    sole: dict[str, list[str]] = {}
    for row in sole_supplier_links(G, essential=scheme, table=table):
        sole.setdefault(row.suppliers[0].supplier, []).append(row.customer_label)
    empty = ("no member of this network has a stated supply link (--all ranks them: each takes down only "
             "its own output)" if not firms else
             "no firm of this network takes down more than its own output on stated coverage")
    return Ranking(G, results, tree, sole, exact, scope, bound, notes, empty)
