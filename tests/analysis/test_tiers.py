"""kg.tiers: upstream and downstream tiers, worked out by hand on tiny graphs."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.analysis.tiers import customers, suppliers
from kg.errors import UnknownName
from kg.network.model import network_from_edges
from kg.network.project import supply_network


def rows(t):
    return [(e.tier, e.iri, e.path, e.self_loop) for e in t.entries]


def test_chain_upstream_and_downstream():
    G = network_from_edges([("mine", "smelter"), ("smelter", "mill"), ("mill", "maker")])
    t = suppliers(G, "maker")
    assert rows(t) == [
        (1, "mill", ["maker", "mill"], False),
        (2, "smelter", ["maker", "mill", "smelter"], False),
        (3, "mine", ["maker", "mill", "smelter", "mine"], False),
    ]
    assert (t.direction, t.self_loop, t.cycle_tier) == ("upstream", False, None)
    assert [(e.tier, e.iri) for e in customers(G, "mine").entries] == [(1, "smelter"), (2, "mill"), (3, "maker")]


def test_depth_stops_the_search():
    G = network_from_edges([("mine", "smelter"), ("smelter", "mill"), ("mill", "maker")])
    assert [e.iri for e in suppliers(G, "maker", depth=2).entries] == ["mill", "smelter"]
    assert [e.iri for e in suppliers(G, "maker", depth=1).entries] == ["mill"]


def test_diamond_reports_the_top_once_at_its_smallest_tier():
    G = network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("a", "d")])
    assert rows(suppliers(G, "d")) == [
        (1, "a", ["d", "a"], False), (1, "b", ["d", "b"], False), (1, "c", ["d", "c"], False)]
    G = network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])
    assert rows(suppliers(G, "d")) == [
        (1, "b", ["d", "b"], False), (1, "c", ["d", "c"], False), (2, "a", ["d", "b", "a"], False)]
    assert rows(customers(G, "a")) == [
        (1, "b", ["a", "b"], False), (1, "c", ["a", "c"], False), (2, "d", ["a", "b", "d"], False)]


def test_cycle_ends_where_it_closes():
    G = network_from_edges([("x", "a"), ("a", "b"), ("b", "c"), ("c", "a")])
    t = suppliers(G, "a")
    assert rows(t) == [
        (1, "c", ["a", "c"], False), (1, "x", ["a", "x"], False), (2, "b", ["a", "c", "b"], False)]
    assert (t.self_loop, t.cycle_tier) == (False, 3)
    assert suppliers(G, "a", depth=1).cycle_tier == 3  # found by looking on past the depth
    assert suppliers(G, "x").entries == [] and suppliers(G, "x").cycle_tier is None
    assert [(e.tier, e.iri) for e in customers(G, "x").entries] == [(1, "a"), (2, "b"), (3, "c")]


def test_self_loop_is_a_flagged_tier_one_supplier():
    G = network_from_edges([("a", "a"), ("b", "a"), ("c", "b"), ("c", "c")])
    t = suppliers(G, "a")
    assert rows(t) == [(1, "a", ["a", "a"], True), (1, "b", ["a", "b"], False), (2, "c", ["a", "b", "c"], True)]
    assert (t.self_loop, t.cycle_tier) == (True, 1)
    step = t.entries[0].last_step
    assert (step.supplier, step.customer, step.quotes) == ("a", "a", ["a supplies a"])
    assert [e.iri for e in customers(G, "c").entries] == ["c", "b", "a"]


def test_firm_without_self_loop_is_never_its_own_supplier():
    G = network_from_edges([("a", "b"), ("b", "a")])
    t = suppliers(G, "a")
    assert rows(t) == [(1, "b", ["a", "b"], False)]
    assert (t.self_loop, t.cycle_tier) == (False, 2)


def test_disconnected_graph():
    G = network_from_edges([("a", "b"), ("c", "d")], nodes=["lonely"])
    assert [e.iri for e in suppliers(G, "b").entries] == ["a"]
    assert [e.iri for e in customers(G, "c").entries] == ["d"]
    assert suppliers(G, "lonely").entries == [] and customers(G, "lonely").entries == []


def test_empty_graph_and_unknown_firm():
    with pytest.raises(UnknownName):
        suppliers(network_from_edges([]), "a")
    with pytest.raises(ValueError):
        suppliers(network_from_edges([("a", "b")]), "b", depth=0)


def test_steps_carry_the_evidence_of_every_hop():
    g = Graph().parse(format="turtle", data="""
        @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
        @prefix ckp: <https://w3id.org/cluster-kg/product/> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix ex: <http://example.org/> .
        ex:w a ckg:EnterpriseGroup ; skos:prefLabel "Weiqiao"@en .
        ex:c a ckg:FirmCohort ; skos:prefLabel "Zouping firms"@en .
        ex:d a ckg:Firm ; skos:prefLabel "Developer"@en .
        ex:art a ckg:Article ; dcterms:identifier "002.txt" .
        ex:r1 a ckg:SupplyRelation ; ckg:supplier ex:w ; ckg:customer ex:c ; ckg:product ckp:aluminium-ingot ;
            prov:wasDerivedFrom [ a ckg:Evidence ; prov:value "Q1" ; prov:hadPrimarySource ex:art ] .
        ex:r2 a ckg:SupplyRelation ; ckg:supplier ex:c ; ckg:customer ex:d ; ckg:product ckp:aluminium-formwork ;
            prov:wasDerivedFrom [ a ckg:Evidence ; prov:value "Q2" ; prov:hadPrimarySource ex:art ] .
    """)
    t = customers(supply_network(g), "http://example.org/w")
    assert t.label == "Weiqiao"
    first, second = t.entries
    assert (first.tier, first.label, first.kind, second.tier, second.label) == (
        1, "Zouping firms", "cohort", 2, "Developer")
    assert [(s.supplier, s.customer, s.quotes) for s in second.steps] == [
        ("http://example.org/w", "http://example.org/c", ["Q1"]),
        ("http://example.org/c", "http://example.org/d", ["Q2"]),
    ]
    rel = second.last_step.relations[0]
    assert (rel["product"], rel["source"], rel["share"]) == (
        "https://w3id.org/cluster-kg/product/aluminium-formwork", "002.txt", None)
    up = suppliers(supply_network(g), "http://example.org/d")
    assert [(e.tier, e.label, e.last_step.quotes) for e in up.entries] == [
        (1, "Zouping firms", ["Q2"]), (2, "Weiqiao", ["Q1"])]
