"""Which dominator claims the sources state (kg.analysis.dominance), worked by hand.

- yuhang → boeing, "applied to": yuhang dominates boeing (its only named supplier), but no link
  states exclusive supply: the cut-off rests on unknown coverage (not stated).
- a → b (share 1) → c (share 1): c's dominators b, a; both chains exclusive → both stated.
- a → b (no share) → c (share 1): dominators of c are b, a; only b → c is exclusive → [b].
- d → x (1), d → y (1), x → v (0.5), y → v (0.5): d dominates v, yet no single chain of exclusive
  links leads to v → not stated (the test errs towards "not stated": v's inputs are stated in
  full, but by two half shares).
"""

from kg.analysis.dominance import (
    cut_off_is_stated,
    dominator_tree,
    dominators_of,
    exclusive_chain,
    exclusive_links,
    single_points_of_failure,
)
from kg.network.model import network_from_edges
from kg.network.project import supply_network
from kg.rdf.graph import open_graph


def applied_to(G, s, c):
    for r in G.edges[s, c]["relations"]:
        r["kind"] = "applied to"
    return G


def test_applied_to_dominator_is_not_stated():
    G = applied_to(network_from_edges([("yuhang", "boeing")], share={("yuhang", "boeing"): 1.0}), "yuhang", "boeing")
    assert dominators_of(G, "boeing") == ["yuhang"]
    assert cut_off_is_stated(G, "yuhang", "boeing") is False
    assert dominator_tree(G).stated_dominators("boeing") == []


def test_chain_of_exclusive_links():
    G = network_from_edges([("a", "b"), ("b", "c")], share={("a", "b"): 1.0, ("b", "c"): 1.0})
    T = dominator_tree(G)
    assert (T.dominators("c"), T.stated_dominators("c")) == (["b", "a"], ["b", "a"])
    assert exclusive_chain(G, "a", "c") == ["a", "b", "c"]


def test_one_unstated_link_breaks_the_chain():
    G = network_from_edges([("a", "b"), ("b", "c")], share={("b", "c"): 1.0})
    T = dominator_tree(G)
    assert (T.dominators("c"), T.stated_dominators("c")) == (["b", "a"], ["b"])
    assert exclusive_chain(G, "a", "c") is None
    (a, b) = single_points_of_failure(G)  # a dominates b and c (weight 2), b dominates c (1)
    assert (a.iri, a.dominated, a.stated_dominated) == ("a", ["b", "c"], [])
    assert (b.iri, b.dominated, b.stated_dominated) == ("b", ["c"], ["c"])


def test_split_shares_are_not_a_chain():
    G = network_from_edges([("d", "x"), ("d", "y"), ("x", "v"), ("y", "v")],
                           share={("d", "x"): 1.0, ("d", "y"): 1.0, ("x", "v"): 0.5, ("y", "v"): 0.5})
    assert dominators_of(G, "v") == ["d"]
    assert exclusive_links(G) == {"d": {"x", "y"}}
    assert cut_off_is_stated(G, "d", "v") is False


def test_bundled_data_boeing_and_the_derived_firms():
    G = supply_network(open_graph())
    ckr = "https://w3id.org/cluster-kg/id/"
    T = dominator_tree(G)
    assert T.dominators(ckr + "boeing") == [ckr + "yuhang"]
    assert T.stated_dominators(ckr + "boeing") == []  # "has been applied to": not stated
    assert T.stated_dominators(ckr + "cohort-binzhou-weiqiao-derived") == [ckr + "weiqiao-group"]
    assert T.stated_dominators(ckr + "innovation-metal") == []  # inferred, no share stated
    weiqiao = next(p for p in single_points_of_failure(G) if p.iri == ckr + "weiqiao-group")
    assert weiqiao.stated_dominated == [ckr + "cohort-binzhou-weiqiao-derived"]
