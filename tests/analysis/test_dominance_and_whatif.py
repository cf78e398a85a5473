"""kg.risk: dominators (single points of failure) and what-if cascades, worked out by hand."""

from __future__ import annotations

import pytest

from kg.analysis.dominance import dominator_tree, dominators_of, single_points_of_failure
from kg.analysis.whatif import whatif
from kg.errors import UnknownName
from kg.network.model import network_from_edges
from kg.network.project import supply_network
from kg.rdf.graph import open_graph


def spof(G, **kw):
    return [(p.iri, p.dominated, p.dominated_count, p.dominated_weight) for p in single_points_of_failure(G, **kw)]


# ------------------------------------------------------------------ dominators


def test_chain():
    G = network_from_edges([("a", "b"), ("b", "c")])
    assert spof(G) == [("a", ["b", "c"], 2, 2), ("b", ["c"], 1, 1)]
    assert dominators_of(G, "c") == ["b", "a"]
    assert dominators_of(G, "a") == []


def test_diamond_only_the_top_dominates():
    G = network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])
    assert spof(G) == [("a", ["b", "c", "d"], 3, 3)]
    assert dominators_of(G, "d") == ["a"]


def test_cycle_fed_from_outside():
    G = network_from_edges([("x", "a"), ("a", "b"), ("b", "c"), ("c", "a")])
    assert spof(G) == [("x", ["a", "b", "c"], 3, 3), ("a", ["b", "c"], 2, 2), ("b", ["c"], 1, 1)]
    assert dominator_tree(G).entry_points == ["x"]


def test_closed_cycle_is_entered_through_its_smallest_firm():
    G = network_from_edges([("b", "c"), ("c", "a"), ("a", "b"), ("c", "d")])
    T = dominator_tree(G)
    assert T.entry_points == ["a"]
    assert T.idom == {"b": "a", "c": "b", "a": None, "d": "c"}
    assert spof(G) == [("a", ["b", "c", "d"], 3, 3), ("b", ["c", "d"], 2, 2), ("c", ["d"], 1, 1)]


def test_self_loop_plays_no_part():
    G = network_from_edges([("a", "a"), ("a", "b"), ("x", "y"), ("y", "y")])
    assert spof(G) == [("a", ["b"], 1, 1), ("x", ["y"], 1, 1)]
    assert dominator_tree(G).entry_points == ["a", "x"]


def test_disconnected_graph():
    G = network_from_edges([("a", "b"), ("c", "d")], nodes=["e"])
    assert spof(G) == [("a", ["b"], 1, 1), ("c", ["d"], 1, 1)]
    assert spof(G, min_count=0)[-1] == ("e", [], 0, 0)


def test_empty_graph():
    G = network_from_edges([])
    assert spof(G) == []
    assert dominator_tree(G).idom == {}
    with pytest.raises(UnknownName):
        dominators_of(G, "a")


def test_cohort_weights_rank_the_failure_points():
    # s1 alone feeds a cohort of 60; s2 alone feeds three firms; m has two suppliers
    G = network_from_edges(
        [("s1", "cohort"), ("s2", "f1"), ("s2", "f2"), ("s2", "f3"), ("s1", "m"), ("s2", "m")],
        weight={"cohort": 60})
    assert spof(G) == [("s1", ["cohort"], 1, 60), ("s2", ["f1", "f2", "f3"], 3, 3)]
    assert [p.iri for p in single_points_of_failure(G, top=1)] == ["s1"]


def test_unsized_cohort_counts_one_and_is_flagged():
    G = network_from_edges([("s", "c1"), ("s", "c2")], weight={"c1": 60},
                           kind={"c2": "cohort"})
    (p,) = single_points_of_failure(G)
    assert (p.dominated_weight, p.unsized_cohorts) == (61, 1)


# ------------------------------------------------------------------ what if


def test_whatif_chain_rounds():
    G = network_from_edges([("a", "b"), ("b", "c")], capacity={"b": 10.0})
    w = whatif(G, ["a"])
    assert (w.removed, w.rounds, w.closed_loops, w.cut_off, w.partial) == (["a"], [["b"], ["c"]], [], ["b", "c"], [])
    assert (w.lost_capacity, w.capacity_unknown) == (10.0, ["a", "c"])
    assert (w.lost_output_value, w.lost_weight, w.cut_off_weight) == (None, 3, 2)


def test_whatif_diamond_partial_then_full():
    G = network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])
    w = whatif(G, ["b"])
    assert (w.rounds, w.cut_off) == ([], [])
    ((hit),) = w.partial
    assert (hit.iri, hit.lost, hit.suppliers, hit.lost_fraction, hit.basis) == ("d", ["b"], 2, 0.5, "count")
    w = whatif(G, ["b", "c"])
    assert (w.removed, w.rounds, w.partial) == (["b", "c"], [["d"]], [])
    assert whatif(G, ["a"]).rounds == [["b", "c"], ["d"]]


def test_whatif_uses_stated_shares_when_every_lost_supplier_has_one():
    G = network_from_edges([("x", "z"), ("y", "z")], share={("x", "z"): 0.7})
    (hit,) = whatif(G, ["x"]).partial
    assert (hit.lost_fraction, hit.basis) == (0.7, "share")
    (hit,) = whatif(G, ["y"]).partial
    assert (hit.lost_fraction, hit.basis) == (0.5, "count")


def test_whatif_cycle_that_loses_its_outside_supply():
    # a and b supply each other; only x feeds the loop; c depends on b
    G = network_from_edges([("x", "a"), ("a", "b"), ("b", "a"), ("b", "c")], weight={"c": 5})
    w = whatif(G, ["x"])
    assert (w.rounds, w.closed_loops, w.cut_off, w.partial) == ([], ["a", "b", "c"], ["a", "b", "c"], [])
    assert (w.lost_weight, w.cut_off_weight) == (8, 7)
    # the same firms the dominator tree gives
    assert single_points_of_failure(G)[0].dominated == w.cut_off


def test_whatif_cycle_with_a_second_supplier_survives_in_part():
    G = network_from_edges([("x", "a"), ("y", "a"), ("a", "b"), ("b", "a")])
    w = whatif(G, ["x"])
    assert (w.rounds, w.closed_loops, w.cut_off) == ([], [], [])
    (hit,) = w.partial
    assert (hit.iri, hit.lost, hit.suppliers, hit.lost_fraction) == ("a", ["x"], 3, pytest.approx(1 / 3))


def test_whatif_self_loop_is_not_a_supplier():
    G = network_from_edges([("a", "b"), ("b", "b")])
    w = whatif(G, ["a"])
    assert (w.rounds, w.partial) == ([["b"]], [])
    assert whatif(G, ["b"]).cut_off == []


def test_whatif_disconnected_and_errors():
    G = network_from_edges([("a", "b"), ("c", "d")])
    w = whatif(G, ["a", "a"])
    assert (w.removed, w.cut_off, w.partial) == (["a"], ["b"], [])
    with pytest.raises(UnknownName):
        whatif(G, ["zz"])
    w = whatif(network_from_edges([]), [])
    assert (w.rounds, w.cut_off, w.lost_capacity, w.lost_weight) == ([], [], None, 0)


def test_cohorts_from_rdf(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text("""
        @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
        @prefix qudt: <http://qudt.org/schema/qudt/> .
        @prefix unit: <http://qudt.org/vocab/unit/> .
        @prefix ex: <http://example.org/> .
        ex:w a ckg:EnterpriseGroup ;
            ckg:capacity [ qudt:numericValue 6.0e6 ; qudt:unit unit:TONNE-PER-YR ] .
        ex:zouping a ckg:FirmCohort .
        ex:derived a ckg:FirmCohort ; ckg:memberCount 60 .
        ex:innovation a ckg:Firm .
        ex:r1 a ckg:SupplyRelation ; ckg:supplier ex:w ; ckg:customer ex:zouping .
        ex:r2 a ckg:SupplyRelation ; ckg:supplier ex:w ; ckg:customer ex:derived .
        ex:r3 a ckg:SupplyRelation ; ckg:supplier ex:w ; ckg:customer ex:innovation ; ckg:inferred true .
        ex:sub ckg:parentOrganization ex:w .
    """, encoding="utf-8")
    g = open_graph([path], ontology=False)
    (p,) = single_points_of_failure(supply_network(g))
    ex = "http://example.org/"
    assert (p.iri, p.dominated, p.dominated_weight, p.unsized_cohorts) == (
        ex + "w", [ex + "derived", ex + "innovation", ex + "zouping"], 62, 1)
    w = whatif(supply_network(g), [ex + "w"])
    assert (w.lost_capacity, w.lost_weight, w.unsized_cohorts) == (6.0e6, 63, [ex + "zouping"])
