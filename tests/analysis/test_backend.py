"""kg.engine: igraph gives networkx's answers on small graphs (networkx is the reference)."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from kg.analysis import backend as E
from kg.analysis.centrality import betweenness as ranked_betweenness
from kg.analysis.centrality import centrality
from kg.analysis.dominance import dominator_tree
from kg.analysis.whatif import whatif
from kg.network.model import network_from_edges


def _random_graph() -> nx.DiGraph:
    """200 nodes with string keys, a few self-loops, cycles and nodes without links."""
    rng = random.Random(7)
    G = nx.DiGraph()
    G.add_nodes_from(f"n{i:03d}" for i in rng.sample(range(200), 200))  # not in sorted order
    nodes = list(G)
    for _ in range(420):
        u, v = rng.choice(nodes), rng.choice(nodes)
        G.add_edge(u, v)
    return G


def _self_loop() -> nx.DiGraph:
    return nx.DiGraph([("a", "a"), ("a", "b"), ("b", "c"), ("c", "c")])


def _disconnected() -> nx.DiGraph:
    G = nx.DiGraph([("a", "b"), ("c", "d"), ("d", "e")])
    G.add_node("z")
    return G


GRAPHS = {
    "chain": lambda: nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d")]),
    "diamond": lambda: nx.DiGraph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]),
    "cycle": lambda: nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")]),
    "self-loop": _self_loop,
    "disconnected": _disconnected,
    "single": lambda: nx.DiGraph([("a", "a")]),
    "empty": nx.DiGraph,
    "random-200": _random_graph,
}
graphs = pytest.mark.parametrize("make", GRAPHS.values(), ids=GRAPHS.keys())


def close(a: dict, b: dict, tol: float) -> bool:
    return list(a) == list(b) and all(
        (math.isnan(a[n]) and math.isnan(b[n])) or abs(a[n] - b[n]) <= tol for n in a)


@graphs
@pytest.mark.parametrize("reverse", [False, True])
def test_pagerank_agrees(make, reverse):
    # networkx stops when a step changes the L1 norm by less than n * tol: at tol 1e-10 its
    # answer on 200 nodes is off by up to 4e-9, so the reference here iterates to 1e-12.
    G = make()
    ours = E.pagerank(G, reverse=reverse, engine="igraph")
    reference = E.pagerank(G, reverse=reverse, tol=1e-12, engine="networkx")
    H = G.reverse() if reverse else G
    expected = nx.pagerank(H, alpha=0.85, tol=1e-12, max_iter=1000, weight=None) if G else {}
    assert reference == expected
    assert close(ours, reference, 1e-9)
    assert close(ours, E.pagerank(G, reverse=reverse, engine="networkx"), 1e-8)


@pytest.mark.parametrize("reverse", [False, True])
def test_pagerank_solves_the_linear_system(reverse):
    # x = (1 - alpha)/n + alpha P^T x, a dangling row of P spread evenly
    import numpy as np

    G = _random_graph()
    H = G.reverse() if reverse else G
    n = len(G)
    A = nx.to_numpy_array(H, nodelist=list(G), weight=None)
    out = A.sum(axis=1, keepdims=True)
    P = np.where(out > 0, A / np.where(out > 0, out, 1), 1 / n)
    x = np.linalg.solve(np.eye(n) - 0.85 * P.T, np.full(n, 0.15 / n))
    assert close(E.pagerank(G, reverse=reverse, engine="igraph"), dict(zip(G, x / x.sum())), 1e-12)


def test_pagerank_by_hand():
    # s supplies a and b; upstream: a → s, b → s, s dangling: z = 27/47, y = 10/47
    G = nx.DiGraph([("s", "a"), ("s", "b")])
    assert close(E.pagerank(G, reverse=True, engine="igraph"),
                 {"s": 27 / 47, "a": 10 / 47, "b": 10 / 47}, 1e-12)


@graphs
def test_exact_betweenness_agrees(make):
    G = make()
    ours = E.betweenness(G, engine="igraph")
    assert ours.keys() == set(G)
    assert close(ours, nx.betweenness_centrality(G, normalized=True), 1e-9)


def test_betweenness_by_hand():
    G = nx.DiGraph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])
    assert E.betweenness(G, engine="igraph") == {"a": 0.0, "b": 1 / 12, "c": 1 / 12, "d": 0.0}


@graphs
def test_sampled_betweenness_with_every_source_is_exact(make):
    G = make()
    n = len(G)
    exact = nx.betweenness_centrality(G, normalized=True)
    assert close(E.betweenness(G, k=n, seed=42, engine="igraph"), exact, 1e-9)
    assert close(E.betweenness(G, k=n, seed=42, engine="networkx"), exact, 1e-15)


@pytest.mark.parametrize("k", [1, 2, 17, 199])
def test_sampled_betweenness_draws_the_sources_networkx_draws(k):
    # The same seed gives the same sources, so the estimates agree as well (networkx 3.6
    # rescaling); k = 1 leaves the sampled node undefined (nan) in both.
    G = _random_graph()
    ours = E.betweenness(G, k=k, seed=42, engine="igraph")
    assert close(ours, nx.betweenness_centrality(G, k=k, normalized=True, seed=42), 1e-12)
    assert ours != E.betweenness(G, engine="igraph")


def test_undirected_betweenness_agrees():
    G = nx.gnp_random_graph(60, 0.08, seed=3)
    assert close(E.betweenness(G, engine="igraph"), nx.betweenness_centrality(G), 1e-12)
    assert close(E.betweenness(G, k=10, seed=4, engine="igraph"),
                 nx.betweenness_centrality(G, k=10, seed=4), 1e-12)


@graphs
def test_immediate_dominators_agree(make):
    G = make()
    for start in list(G)[:5]:
        H = nx.DiGraph(G)
        H.remove_edges_from(list(nx.selfloop_edges(H)))
        reference = {v: d for v, d in nx.immediate_dominators(H, start).items() if v != start}
        assert E.immediate_dominators(G, start, engine="igraph") == reference
        assert E.immediate_dominators(G, start, engine="networkx") == reference


def test_immediate_dominators_from_a_virtual_root():
    G = nx.DiGraph([("a", "c"), ("b", "c"), ("c", "d"), ("d", "d")])
    expected = {"a": "root", "b": "root", "c": "root", "d": "c"}
    for engine in ("igraph", "networkx"):
        assert E.immediate_dominators(G, "root", roots=["a", "b"], engine=engine) == expected


def test_immediate_dominators_of_an_unknown_start():
    with pytest.raises(nx.NetworkXError):
        E.immediate_dominators(nx.DiGraph([("a", "b")]), "x", engine="igraph")


@graphs
def test_source_components_agree(make):
    G = make()
    assert (E.source_components(G, engine="igraph")
            == E.source_components(G, engine="networkx"))


@graphs
def test_dominator_tree_agrees(make):
    G = make()
    nx.set_node_attributes(G, {n: i % 3 + 1 for i, n in enumerate(G)}, "weight")
    ours, reference = dominator_tree(G, engine="igraph"), dominator_tree(G, engine="networkx")
    assert ours.entry_points == reference.entry_points
    assert ours.idom == reference.idom
    assert list(ours.idom) == list(G)
    assert (ours.count, ours.weight, ours.unsized) == (reference.count, reference.weight,
                                                      reference.unsized)
    assert {v: sorted(c) for v, c in ours.children.items()} == {
        v: sorted(c) for v, c in reference.children.items()}


def test_dominator_tree_by_hand():
    G = network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "d")])
    T = dominator_tree(G, engine="igraph")
    assert T.idom == {"a": None, "b": "a", "c": "a", "d": "a"}
    assert (T.entry_points, T.dominated("a"), T.count["a"]) == (["a"], ["b", "c", "d"], 3)


def test_whatif_closed_loop_uses_the_entry_points():
    # b and c supply one another: cut off from a, they are a closed loop
    w = whatif(network_from_edges([("a", "b"), ("b", "c"), ("c", "b")]), ["a"])
    assert (w.rounds, w.closed_loops) == ([], ["b", "c"])


@pytest.mark.parametrize("measure", ["pagerank", "betweenness"])
def test_centrality_ranks_alike(measure):
    # networkx's PageRank at tol 1e-10 is within 1e-8 of the exact one (see above)
    R = _random_graph()
    G = network_from_edges(list(R.edges()), nodes=list(R))
    ours = centrality(G, measure=measure, engine="igraph").rows
    reference = centrality(G, measure=measure, engine="networkx").rows
    assert [r.iri for r in ours] == [r.iri for r in reference]
    assert all(abs(a.value - b.value) < 1e-8 for a, b in zip(ours, reference))


def test_ranked_betweenness_sampled_alike():
    R = _random_graph()
    G = network_from_edges(list(R.edges()), nodes=list(R))
    ours = ranked_betweenness(G, limit=50, k=20, engine="igraph", work=0)  # work=0: never exact above the limit
    reference = ranked_betweenness(G, limit=50, k=20, engine="networkx")
    assert ours[1] == reference[1] == "sampled: 20 of 200 source nodes, seed 42"
    assert close(ours[0], reference[0], 1e-12)


def test_method_names_the_engine():
    G = network_from_edges([("a", "b")])
    ours = centrality(G, measure="pagerank", engine="igraph")
    assert ours.method == "PRPACK (igraph), supplier view"
    assert centrality(G, measure="pagerank").method == "power iteration, tol 1e-10, supplier view"


def test_auto_uses_igraph_from_the_threshold_on():
    small = nx.DiGraph()
    small.add_nodes_from(range(E.IGRAPH_THRESHOLD - 1))
    assert not E.use_igraph(small)
    small.add_node(-1)
    assert E.use_igraph(small)
    assert not E.use_igraph(small, "networkx")


def test_unknown_engine():
    with pytest.raises(ValueError, match="engine must be one of auto, networkx, igraph"):
        E.pagerank(nx.DiGraph([("a", "b")]), engine="rustworkx")


def test_brandes_work_counts_the_steps_of_every_search():
    # a path 0 -> 1 -> ... -> 9: the search from i reaches i..9 and follows 9 - i edges,
    # plus one for the source: 10 - i steps; all ten sources: 10 + 9 + ... + 1 = 55
    G = nx.DiGraph([(i, i + 1) for i in range(9)])
    assert E.brandes_work(G, k=10, seed=1) == 55.0
    # a star a -> b, c, d: 4 steps from a, 1 from each leaf; 7 in all
    assert E.brandes_work(nx.DiGraph([("a", "b"), ("a", "c"), ("a", "d")]), k=4, seed=1) == 7.0
    # from two sampled sources, scaled to ten
    sources = E.sample_sources(G, 2, 42)
    assert E.brandes_work(G, k=2, seed=42) == 10 * sum(10 - i for i in sources) / 2


def test_betweenness_above_the_limit_is_exact_on_igraph_when_it_is_cheap():
    G = network_from_edges([(str(i), str(i + 1)) for i in range(9)])
    exact, method = ranked_betweenness(G, limit=5, k=4, engine="igraph")  # at most 100 steps
    assert method == "exact"
    # node i lies on the paths from the i nodes before it to the 9 - i after it; 9 * 8 ordered pairs
    assert exact == {str(i): pytest.approx(i * (9 - i) / 72, abs=1e-15) for i in range(10)}
    estimate = 10 * sum(10 - int(i) for i in E.sample_sources(G, 4, 42)) / 4
    _, method = ranked_betweenness(G, limit=5, k=4, engine="igraph", work=estimate)
    assert method == "exact"
    _, method = ranked_betweenness(G, limit=5, k=4, engine="igraph", work=estimate - 1)
    assert method == "sampled: 4 of 10 source nodes, seed 42"
    _, method = ranked_betweenness(G, limit=5, k=4, engine="networkx")  # networkx: sampled whatever the cost
    assert method == "sampled: 4 of 10 source nodes, seed 42"
