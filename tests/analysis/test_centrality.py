"""kg.centrality: degree, PageRank and betweenness with answers worked out by hand."""

from __future__ import annotations

import pytest

from kg.analysis.centrality import betweenness, centrality, degree, pagerank
from kg.network.model import network_from_edges
from kg.rdf.graph import open_graph
from kg.services import supply


def scores(result):
    return [(r.rank, r.iri, round(r.value, 9)) for r in result.rows]


def test_chain_betweenness_is_exact_and_says_so():
    G = network_from_edges([("a", "b"), ("b", "c")])
    r = centrality(G, measure="betweenness")
    # a→c is the only path with an inner node; normalised by (n-1)(n-2) = 2
    assert (r.measure, r.method, r.nodes) == ("betweenness", "exact", 3)
    assert scores(r) == [(1, "b", 0.5), (2, "a", 0.0), (3, "c", 0.0)]


def test_cycle_betweenness_and_pagerank_are_even():
    G = network_from_edges([("a", "b"), ("b", "c"), ("c", "a")])
    assert scores(centrality(G, measure="betweenness")) == [(1, "a", 0.5), (2, "b", 0.5), (3, "c", 0.5)]
    assert [round(r.value, 9) for r in centrality(G, measure="pagerank").rows] == [round(1 / 3, 9)] * 3


def test_diamond_degree_ties_rank_by_label():
    G = network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])
    r = centrality(G, measure="degree")
    assert [(x.rank, x.iri, x.value, x.in_degree, x.out_degree) for x in r.rows] == [
        (1, "a", 2, 0, 2), (2, "b", 2, 1, 1), (3, "c", 2, 1, 1), (4, "d", 2, 2, 0)]
    assert scores(centrality(G, measure="betweenness")) == [
        (1, "b", round(1 / 12, 9)), (2, "c", round(1 / 12, 9)), (3, "a", 0.0), (4, "d", 0.0)]


def test_pagerank_supplier_view_on_a_star():
    # s supplies a and b. Walking customer → supplier: a → s, b → s, s dangling.
    # z = 0.05 + 0.85 (2y + z/3), y = 0.05 + 0.85 z/3, 2y + z = 1  →  z = 27/47, y = 10/47
    G = network_from_edges([("s", "a"), ("s", "b")])
    r = centrality(G, measure="pagerank")
    assert scores(r) == [(1, "s", round(27 / 47, 9)), (2, "a", round(10 / 47, 9)), (3, "b", round(10 / 47, 9))]
    assert r.method == "power iteration, tol 1e-10, supplier view"
    down = pagerank(G, upstream=False)  # along the flow of goods the customers rank high
    assert down["a"] > down["s"]


def test_self_loop_counts_in_degree_both_ways():
    G = network_from_edges([("a", "a"), ("a", "b")])
    assert degree(G) == {"a": 3, "b": 1}


def test_disconnected_graph():
    G = network_from_edges([("a", "b"), ("c", "d")], nodes=["e"])
    assert scores(centrality(G, measure="betweenness")) == [
        (1, "a", 0.0), (2, "b", 0.0), (3, "c", 0.0), (4, "d", 0.0), (5, "e", 0.0)]
    r = centrality(G, measure="degree", top=2)
    assert [(x.iri, x.value) for x in r.rows] == [("a", 1), ("b", 1)]


@pytest.mark.parametrize("measure", ["degree", "pagerank", "betweenness"])
def test_empty_graph(measure):
    r = centrality(network_from_edges([]), measure=measure)
    assert (r.rows, r.nodes) == ([], 0)


def test_sampled_betweenness_above_the_limit_is_repeatable():
    G = network_from_edges([(str(i), str(i + 1)) for i in range(9)])
    first, method = betweenness(G, limit=5, k=4)
    again, _ = betweenness(G, limit=5, k=4)
    assert method == "sampled: 4 of 10 source nodes, seed 42"
    assert first == again
    exact, _ = betweenness(G)
    assert first != exact  # four of ten sources cannot give the exact values on a path
    r = centrality(G, measure="betweenness", limit=5, k=4)
    assert r.method == method


def test_unknown_measure():
    with pytest.raises(ValueError):
        centrality(network_from_edges([]), measure="closeness")


def test_per_cluster_uses_the_cluster_network(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text("""
        @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
        @prefix ex: <http://example.org/> .
        ex:cl a ckg:IndustrialCluster .
        ex:a a ckg:Firm ; ckg:inCluster ex:cl .
        ex:b a ckg:Firm ; ckg:inCluster ex:cl .
        ex:out a ckg:Firm .
        ex:r1 a ckg:SupplyRelation ; ckg:supplier ex:a ; ckg:customer ex:b .
        ex:r2 a ckg:SupplyRelation ; ckg:supplier ex:out ; ckg:customer ex:b .
        ex:r3 a ckg:SupplyRelation ; ckg:supplier ex:out ; ckg:customer ex:a .
    """, encoding="utf-8")
    g = open_graph([path], ontology=False)
    whole = supply.centrality(g, measure="degree")
    assert [(x.label, x.value) for x in whole.rows] == [("a", 2), ("b", 2), ("out", 2)]
    local = supply.centrality(g, measure="degree", cluster="http://example.org/cl")
    assert [(x.label, x.value) for x in local.rows] == [("a", 1), ("b", 1)]
    assert (local.cluster, local.nodes) == ("http://example.org/cl", 2)
