"""kg centrality: a note instead of a meaningless ranking, and the network every figure is relative to.

Every expected value is worked out by hand in the comment above it.
"""

from __future__ import annotations

from kg.analysis.centrality import ALL_CLUSTERS, centrality
from kg.analysis.tiers import customers, suppliers
from kg.network.model import network_from_edges
from kg.rdf.graph import open_graph
from kg.services import supply


def test_no_link_at_all_gives_equal_pagerank_and_says_so():
    # 4 nodes, no edge: PageRank is 1/4 each; nothing ranks
    G = network_from_edges([], nodes=["a", "b", "c", "d"])
    r = centrality(G, measure="pagerank")
    assert [round(x.value, 9) for x in r.rows] == [0.25] * 4
    assert [x.iri for x in r.rows] == ["a", "b", "c", "d"]  # by name
    assert r.note == ("the whole loaded network: no stated supply link among its 4 entities, so every pagerank is 0.25 "
                      "and none ranks above another (listed by name)")
    assert r.notes == [r.note]


def test_betweenness_all_zero_with_links_says_no_path_runs_through_any():
    # a star a->b, a->c: no shortest path has an inner node, so every betweenness is 0
    G = network_from_edges([("a", "b"), ("a", "c")])
    r = centrality(G, measure="betweenness", scope="Star only")
    assert [x.value for x in r.rows] == [0.0, 0.0, 0.0]
    assert r.note == ("Star only: all 3 entities have betweenness 0: no stated supply path runs through any of "
                      "them, so none ranks above another (listed by name)")


def test_equal_nonzero_scores_say_so_and_the_top_does_not_hide_it():
    # a 3-cycle: each node lies on the path between the other two: (1 pair) / ((3-1)(3-2)) = 0.5 each
    G = network_from_edges([("a", "b"), ("b", "c"), ("c", "a")])
    r = centrality(G, measure="betweenness", top=1)
    assert [(x.iri, x.value) for x in r.rows] == [("a", 0.5)]
    assert r.note == ("the whole loaded network: all 3 entities have the same betweenness, 0.5, so none ranks above "
                      "another (listed by name)")


def test_different_scores_rank_without_a_note():
    # a chain a->b->c: degree 1, 2, 1
    r = centrality(network_from_edges([("a", "b"), ("b", "c")]), measure="degree")
    assert (r.rows[0].iri, r.note, r.scope) == ("b", None, ALL_CLUSTERS)


def test_an_empty_network_says_there_is_nothing():
    r = centrality(network_from_edges([]), measure="degree", scope="Nowhere only")
    assert (r.rows, r.note) == ([], "Nowhere only: no firm, group or cohort in the loaded data")


def test_the_service_names_the_network_of_every_figure():
    graph = open_graph()
    whole = supply.centrality(graph, measure="degree", top=3)
    assert whole.scope == "the whole loaded network"
    # Yingkou's own network: 11 firms, groups and cohorts and no stated supply link among them;
    # PageRank 1/11 = 0.0909091 each
    r = supply.centrality(graph, cluster="ckr:cluster-yingkou")
    assert r.scope == "Yingkou Aluminum Processing Industry Cluster only"
    assert r.nodes == 11 and {round(x.value, 7) for x in r.rows} == {0.0909091}
    assert r.note == ("Yingkou Aluminum Processing Industry Cluster only: no stated supply link among its 11 "
                      "entities, so every pagerank is 0.0909091 and none ranks above another (listed by name)")


def test_no_stated_partner_is_one_line_not_an_empty_table():
    # b has a supplier (a) and no customer; a has a customer (b) and no supplier
    G = network_from_edges([("a", "b")])
    assert customers(G, "b").note == (
        "b: no stated customers in the loaded data (the sources name none; this does not mean it has none)")
    assert suppliers(G, "a").note == (
        "a: no stated suppliers in the loaded data (the sources name none; this does not mean it has none)")
    assert customers(G, "a").note is None and suppliers(G, "b").note is None
