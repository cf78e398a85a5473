"""kg.network.time and ``as_of`` on the supply network: a small graph worked out by hand.

The graph: a smelter that began producing in 1963 supplies a mill that landed in 2011, and a
cohort of 40 firms counted in 2020; a trader that closed in 2015 supplies the mill; a caster
with no date supplies the cohort.

    smelter(1963) --> mill(2011) <-- trader(closed 2015)
    smelter(1963) --> cohort(counted 2020) <-- caster(undated)
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.errors import NotPresent
from kg.network.project import supply_network
from kg.network.time import Stage, furthest, read_lifecycles, spell
from kg.rdf.graph import open_graph
from kg.services.card import graph_card
from kg.services.ranking import rank_firms
from kg.services.supply import customers, suppliers, whatif

EX = "http://example.org/"

DATA = """
@prefix ckg:  <https://w3id.org/cluster-kg/ontology#> .
@prefix ckp:  <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix ex:   <http://example.org/> .

ex:smelter a ckg:Firm ; skos:prefLabel "Smelter"@en ; ckg:lifecycle ex:lc1 .
ex:lc1 a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:startedProducing ; ckg:date "1963"^^xsd:gYear ;
    ckg:product ckp:primary-aluminium .
ex:mill a ckg:Firm ; skos:prefLabel "Mill"@en ; ckg:lifecycle ex:lc2 , ex:lc3 .
ex:lc2 a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:landed ; ckg:date "2011-05"^^xsd:gYearMonth .
ex:lc3 a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:inOperation ; ckg:dateWording "this year" ; ckg:inferred true .
ex:trader a ckg:Firm ; skos:prefLabel "Trader"@en ; ckg:lifecycle ex:lc4 .
ex:lc4 a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:closed ; ckg:date "2015"^^xsd:gYear .
ex:caster a ckg:Firm ; skos:prefLabel "Caster"@en ; ckg:outputValue ex:ov1 , ex:ov2 .
ex:ov1 a ckg:Quantity ; qudt:numericValue 5.0e8 ; qudt:unit unit:CCY_CNY ; ckg:asOf "2012"^^xsd:gYear .
ex:ov2 a ckg:Quantity ; qudt:numericValue 9.0e8 ; qudt:unit unit:CCY_CNY ; ckg:asOf "2020"^^xsd:gYear .
ex:cohort a ckg:FirmCohort ; skos:prefLabel "Forty firms"@en ; ckg:memberCount 40 ; ckg:asOf "2020"^^xsd:gYear .
ex:r1 a ckg:SupplyRelation ; ckg:supplier ex:smelter ; ckg:customer ex:mill .
ex:r2 a ckg:SupplyRelation ; ckg:supplier ex:smelter ; ckg:customer ex:cohort .
ex:r3 a ckg:SupplyRelation ; ckg:supplier ex:trader ; ckg:customer ex:mill .
ex:r4 a ckg:SupplyRelation ; ckg:supplier ex:caster ; ckg:customer ex:cohort .
"""


@pytest.fixture(scope="module")
def graph():
    return Graph().parse(data=DATA, format="turtle")


def names(G):
    return sorted(G.nodes[n]["label"] for n in G)


def test_node_dates(graph):
    G = supply_network(graph)
    got = {G.nodes[n]["label"]: (G.nodes[n]["start"], G.nodes[n]["start_stage"], G.nodes[n]["end"],
                                 G.nodes[n]["counted_at"]) for n in G}
    assert got == {
        "Smelter": (1963, "startedProducing", None, None),
        "Mill": (2011, "landed", None, None),  # "this year" gives no year
        "Trader": (None, None, 2015, None),
        "Caster": (None, None, None, None),
        "Forty firms": (None, None, None, "2020"),
    }


@pytest.mark.parametrize("year, present, left", [
    # 2010: the mill has not landed, the trader is still open, the cohort is counted in 2020
    (2010, ["Caster", "Smelter", "Trader"], ["Forty firms", "Mill"]),
    # 2015: the trader closed in 2015 (a date counts as up to the end of its year)
    (2015, ["Caster", "Mill", "Smelter"], ["Forty firms", "Trader"]),
    (2020, ["Caster", "Forty firms", "Mill", "Smelter"], ["Trader"]),
    (1960, ["Caster", "Trader"], ["Forty firms", "Mill", "Smelter"]),
])
def test_network_as_of(graph, year, present, left):
    G = supply_network(graph, as_of=year)
    assert names(G) == present
    note = G.graph["as_of"]
    assert sorted(label for _, label, _ in note.left_out) == left
    assert note.links == G.number_of_edges()


def test_figures_dated_later_do_not_count(graph):
    # the caster's output value: 0.5 billion as of 2012, 0.9 billion as of 2020 (the largest counts)
    assert supply_network(graph).nodes[EX + "caster"]["output_value"] == 9.0e8
    assert supply_network(graph, as_of=2019).nodes[EX + "caster"]["output_value"] == 5.0e8
    assert supply_network(graph, as_of=2011).nodes[EX + "caster"]["output_value"] is None


def test_what_the_network_as_of_2012_keeps_and_says(graph):
    G = supply_network(graph, as_of=2012)
    # present: smelter (dated), mill (dated), trader (dated: closes 2015), caster (undated)
    assert sorted((G.nodes[s]["label"], G.nodes[c]["label"]) for s, c in G.edges()) == [
        ("Smelter", "Mill"), ("Trader", "Mill")]
    assert G.graph["as_of"].note() == (
        "As of 2012: left out 1 agent dated later or closed (Forty firms: counted in 2020); kept 3 dated and 1 "
        "undated agent and 2 links (no date stated: assumed to hold in 2012).")


def test_services_as_of(graph):
    assert [e.label for e in customers(graph, "Smelter", as_of=2012).entries] == ["Mill"]
    assert sorted(e.label for e in customers(graph, "Smelter").entries) == ["Forty firms", "Mill"]
    ups = suppliers(graph, "Mill", as_of=2016)
    assert [e.label for e in ups.entries] == ["Smelter"]  # the trader closed in 2015
    assert ups.remarks[0].startswith(
        "As of 2016: left out 2 agents dated later or closed (Forty firms: counted in 2020, Trader: closed in 2015)")
    with pytest.raises(NotPresent, match=r"^Mill is not in the supply network as of 2010 \(landed in 2011\)$"):
        suppliers(graph, "Mill", as_of=2010)
    with pytest.raises(NotPresent):
        graph_card(graph, "Mill", as_of=2010)
    assert graph_card(graph, "Mill", as_of=2012)["remarks"][0].startswith("As of 2012:")
    _, hit = whatif(graph, ["Smelter"], as_of=2012)
    assert hit.notes[0].startswith("As of 2012:")
    ranking = rank_firms(graph, top=5, as_of=2012, include_all=True)
    assert ranking.notes[0].startswith("As of 2012:")


def test_status_and_spell():
    stages = [Stage("announced", "2016"), Stage("signed", "2017-03"), Stage("underConstruction", "2019"),
              Stage("inOperation", None, "now")]
    assert furthest(stages, 2015) is None  # not announced yet
    assert furthest(stages, 2016).stage == "announced"
    assert furthest(stages, 2018).stage == "signed"  # not the undated stage: building began in 2019
    assert furthest(stages, 2019).stage == "inOperation"  # the undated stage counts (kept, undated)
    assert furthest([Stage("inOperation", None, "now")], 1900).stage == "inOperation"
    assert furthest([Stage("founded", "1990")]) is None  # not a project stage
    assert spell(stages) == (2019, None)  # announced and signed are not presence
    assert spell([Stage("closed", "2015"), Stage("closed", "2018")]) == (None, 2015)


def test_lifecycles_read_from_oxigraph_and_rdflib_alike(graph, tmp_path):
    path = tmp_path / "t.ttl"
    path.write_text(DATA, encoding="utf-8")
    assert read_lifecycles(open_graph([path], ontology=False)) == read_lifecycles(graph)
    assert read_lifecycles(graph)[EX + "mill"] == [Stage("inOperation", None, "this year", inferred=True),
                                                  Stage("landed", "2011-05")]
