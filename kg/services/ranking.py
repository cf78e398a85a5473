"""Firms ranked by systemic risk (``kg risk``): the network, the ESRI ranking, the dominator
tree and the sole-supplier links, composed once for every face."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from kg.analysis.concentration import sole_supplier_links
from kg.analysis.dominance import DominatorTree, dominator_tree
from kg.analysis.esri.ranking import EsriResult, esri
from kg.lookup.clusters import cluster_members, resolve_cluster
from kg.network.arrays import supply_table
from kg.network.model import neighbourhood
from kg.network.project import supply_network
from kg.network.scheme import essential_map
from kg.services.index_reader import EXACT_RISK_LIMIT


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


def risk_network(graph, cluster: str | None):
    """(network, members to rank, essential map): a cluster's members and their direct partners, or all."""
    G = supply_network(graph, evidence=False)  # the ranking shows no quotes
    if cluster is None:
        return G, set(G), essential_map(graph)
    members = cluster_members(graph, resolve_cluster(graph, cluster)) & set(G)
    return neighbourhood(G, members), members, essential_map(graph)


def rank_firms(graph, *, top: int, cluster: str | None = None, include_all: bool = False) -> Ranking:
    """The ``top`` firms of ``graph`` (or of a cluster and its partners) by ESRI.

    Firms without a stated supply link are ranked only with ``include_all``. Above
    :data:`EXACT_RISK_LIMIT` firms only the candidates are computed (``exact`` is False).
    """
    G, members, scheme = risk_network(graph, cluster)
    firms = sorted(n for n in members if include_all or G.degree(n) > 0)
    exact = len(firms) <= EXACT_RISK_LIMIT
    tree = dominator_tree(G)
    table = supply_table(G)  # one scan of the network for both
    results = esri(G, firms=firms, top=None if exact else top, essential=scheme, tree=tree,
                   table=table)[:top] if firms else []
    sole: dict[str, list[str]] = {}
    for row in sole_supplier_links(G, essential=scheme, table=table):
        sole.setdefault(row.suppliers[0].supplier, []).append(row.customer_label)
    return Ranking(G, results, tree, sole, exact)
