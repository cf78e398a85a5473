"""kg.analysis.gaps through kg.services.supply.gaps: value-chain coverage of a cluster, on a tiny inline value chain."""

from __future__ import annotations

import pytest

from kg.errors import UnknownCluster
from kg.network.scheme import product_stages
from kg.rdf.graph import open_graph
from kg.services.supply import gaps

DATA = """
@prefix ckg:  <https://w3id.org/cluster-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex:   <http://example.org/> .

ex:mining a ckg:Stage ; ckg:stageOrder 1 ; skos:prefLabel "mining"@en .
ex:refining a ckg:Stage ; ckg:stageOrder 2 ; skos:prefLabel "refining"@en .
ex:smelting a ckg:Stage ; ckg:stageOrder 3 ; skos:prefLabel "smelting"@en .
ex:rolling a ckg:Stage ; ckg:stageOrder 4 ; skos:prefLabel "rolling"@en .
ex:supporting a ckg:Stage ; ckg:stageOrder 0 ; skos:prefLabel "supporting"@en .

ex:bauxite ckg:stage ex:mining ; skos:prefLabel "bauxite"@en .
ex:alumina ckg:stage ex:refining ; skos:prefLabel "alumina"@en .
ex:metal ckg:stage ex:smelting ; skos:prefLabel "metal"@en .
ex:molten skos:broader ex:metal ; skos:prefLabel "molten"@en .
ex:plate ckg:stage ex:rolling ; skos:prefLabel "plate"@en .
ex:mould ckg:stage ex:supporting ; skos:prefLabel "mould"@en .
ex:widget skos:prefLabel "widget"@en .
ex:loop1 skos:broader ex:loop2 . ex:loop2 skos:broader ex:loop1 .

ex:city a ckg:City ; skos:prefLabel "Metal City"@en .
ex:county a ckg:County ; skos:prefLabel "Metal County"@en ; ckg:partOf ex:city .
ex:park a ckg:IndustrialPark ; skos:prefLabel "Rolling Park"@en ; ckg:locatedIn ex:county .
ex:home a ckg:IndustrialCluster ; skos:prefLabel "Home cluster"@en ; ckg:clusterRegion ex:city .
ex:other a ckg:IndustrialCluster ; skos:prefLabel "Other cluster"@en .

ex:a a ckg:Firm ; skos:prefLabel "Smelter A"@en ; ckg:inCluster ex:home ; ckg:produces ex:molten , ex:mould .
ex:w a ckg:Firm ; skos:prefLabel "Widget W"@en ; ckg:inCluster ex:home ; ckg:produces ex:widget .
ex:b a ckg:Firm ; skos:prefLabel "Roller B"@en ; ckg:locatedIn ex:park ; ckg:produces ex:plate .
ex:x a ckg:Firm ; skos:prefLabel "Miner X"@en ; ckg:inCluster ex:other ; ckg:produces ex:bauxite .
ex:y a ckg:Firm ; skos:prefLabel "Miner Y"@en ; ckg:produces ex:bauxite , ex:alumina .
ex:z a ckg:FirmCohort ; skos:prefLabel "Refiners Z"@en ; ckg:produces ex:alumina .
"""

EX = "http://example.org/"


@pytest.fixture
def graph(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(DATA, encoding="utf-8")
    return open_graph([path], ontology=False)


def table(result):
    return [(s.label, s.order, s.covered, s.firm_labels, s.product_labels,
             [(c.label, c.product_labels) for c in s.candidates]) for s in result.stages]


def test_cluster_gaps_with_candidates_elsewhere(graph):
    r = gaps(graph, "home cluster")
    assert (r.cluster, r.label, r.agents) == (EX + "home", "Home cluster", 2)
    assert table(r) == [
        ("mining", 1, False, [], [], [("Miner X", ["bauxite"]), ("Miner Y", ["bauxite"])]),
        ("refining", 2, False, [], [], [("Miner Y", ["alumina"]), ("Refiners Z", ["alumina"])]),
        ("smelting", 3, True, ["Smelter A"], ["molten"], []),  # molten inherits smelting from metal
        ("rolling", 4, False, [], [], [("Roller B", ["plate"])]),
        ("supporting", 0, True, ["Smelter A"], ["mould"], []),
    ]
    assert r.missing == [EX + "mining", EX + "refining", EX + "rolling"]
    assert r.covered == [EX + "smelting", EX + "supporting"]
    assert r.unstaged_products == [EX + "widget"]
    x = r.stages[0].candidates[0]
    assert (x.iri, x.kind, x.cluster_labels, x.products) == (EX + "x", "firm", ["Other cluster"], [EX + "bauxite"])
    assert r.stages[1].candidates[1].kind == "cohort"


def test_region_includes_firms_located_in_it(graph):
    r = gaps(graph, "Metal City")
    assert (r.cluster, r.agents) == (EX + "city", 3)
    assert [(s.label, s.covered, s.firm_labels) for s in r.stages] == [
        ("mining", False, []), ("refining", False, []), ("smelting", True, ["Smelter A"]),
        ("rolling", True, ["Roller B"]), ("supporting", True, ["Smelter A"])]


def test_park(graph):
    r = gaps(graph, EX + "park")
    assert (r.label, r.agents, r.covered) == ("Rolling Park", 1, [EX + "rolling"])
    assert [c.label for c in r.stages[2].candidates] == ["Smelter A"]


def test_supporting_stage_is_never_missing(graph):
    r = gaps(graph, "Other cluster")
    assert [(s.label, s.covered) for s in r.stages] == [
        ("mining", True), ("refining", False), ("smelting", False), ("rolling", False)]


def test_unknown_cluster_lists_the_known_ones(graph):
    with pytest.raises(UnknownCluster) as e:
        gaps(graph, "Atlantis")
    assert str(e.value) == ("no cluster, region or park is called 'Atlantis'. "
                            "Known clusters: Home cluster, Other cluster.")


def test_product_stages_follow_broader_and_survive_cycles(graph):
    stages, labels = product_stages(graph)
    assert stages[EX + "molten"] == {EX + "smelting"}
    assert EX + "loop1" not in stages and EX + "widget" not in stages
    assert labels[EX + "molten"] == "molten"


def test_nearest_broader_stage_wins(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text("""
        @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix ex: <http://example.org/> .
        ex:top ckg:stage ex:s1 . ex:mid ckg:stage ex:s2 ; skos:broader ex:top .
        ex:leaf skos:broader ex:mid . ex:leaf2 skos:broader ex:leaf .
    """, encoding="utf-8")
    stages, _ = product_stages(open_graph([path], ontology=False))
    assert stages == {EX + "leaf": {EX + "s2"}, EX + "leaf2": {EX + "s2"},
                      EX + "mid": {EX + "s2"}, EX + "top": {EX + "s1"}}


def test_empty_cluster_misses_every_main_stage(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(DATA + "ex:empty a ckg:IndustrialCluster ; skos:prefLabel \"Empty\"@en .", encoding="utf-8")
    r = gaps(open_graph([path], ontology=False), "empty")
    assert r.agents == 0
    assert r.missing == [EX + "mining", EX + "refining", EX + "smelting", EX + "rolling"]
