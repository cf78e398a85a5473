"""kg.analysis.gaps through kg.services.gaps.gaps on tiny inline graphs: one test per rule
(production place not headquarters, project status, statements about the whole chain,
candidates elsewhere, places, supporting stages)."""

from __future__ import annotations

import pytest

from kg.analysis.gaps import Amount, sum_amounts
from kg.errors import UnknownCluster
from kg.network.scheme import product_stages
from kg.rdf.graph import open_graph
from kg.services.gaps import gaps

PREFIXES = """
@prefix ckg:  <https://w3id.org/cluster-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:   <http://example.org/> .
"""

SCHEME = """
ex:mining a ckg:Stage ; ckg:stageOrder 1 ; skos:prefLabel "mining"@en .
ex:smelting a ckg:Stage ; ckg:stageOrder 2 ; skos:prefLabel "smelting"@en .
ex:rolling a ckg:Stage ; ckg:stageOrder 3 ; skos:prefLabel "rolling"@en .
ex:supporting a ckg:Stage ; ckg:stageOrder 0 ; skos:prefLabel "supporting"@en .
ex:bauxite ckg:stage ex:mining ; skos:prefLabel "bauxite"@en .
ex:metal ckg:stage ex:smelting ; skos:prefLabel "metal"@en .
ex:molten skos:broader ex:metal ; skos:prefLabel "molten"@en .
ex:plate ckg:stage ex:rolling ; skos:prefLabel "plate"@en .
ex:mould ckg:stage ex:supporting ; skos:prefLabel "mould"@en .
ex:widget skos:prefLabel "widget"@en .
ex:loop1 skos:broader ex:loop2 . ex:loop2 skos:broader ex:loop1 .
ex:article a ckg:Article ; dcterms:title "The article"@en .
ex:ev a ckg:Evidence ; prov:value "a quote" ; prov:hadPrimarySource ex:article .
ex:ev2 a ckg:Evidence ; prov:value "the chain is short" ; prov:hadPrimarySource ex:article .
ex:city a ckg:City ; skos:prefLabel "Metal City"@en .
ex:county a ckg:County ; skos:prefLabel "Metal County"@en ; ckg:partOf ex:city .
ex:park a ckg:IndustrialPark ; skos:prefLabel "Rolling Park"@en ; ckg:locatedIn ex:county .
ex:home a ckg:IndustrialCluster ; skos:prefLabel "Home cluster"@en ; ckg:clusterRegion ex:city .
ex:other a ckg:IndustrialCluster ; skos:prefLabel "Other cluster"@en .
ex:empty a ckg:IndustrialCluster ; skos:prefLabel "Empty"@en .
"""

EX = "http://example.org/"


def graph_of(tmp_path, data: str):
    path = tmp_path / "g.ttl"
    path.write_text(PREFIXES + SCHEME + data, encoding="utf-8")
    return open_graph([path], ontology=False)


def verdicts(result):
    return [(s.label, s.verdict) for s in result.stages]


# A group headquartered in the county but stated only as a member of the cluster (like
# Weiqiao: ckg:headquarteredIn Zouping, ckg:inCluster Binzhou) and a firm located in the park.
HQ = """
ex:g a ckg:EnterpriseGroup ; skos:prefLabel "Group G"@en ; ckg:headquarteredIn ex:county ;
    ckg:inCluster ex:home ; ckg:produces ex:bauxite , ex:molten ; prov:wasDerivedFrom ex:ev .
ex:f a ckg:Firm ; skos:prefLabel "Roller F"@en ; ckg:locatedIn ex:park ; ckg:produces ex:plate , ex:widget ;
    prov:wasDerivedFrom ex:ev .
"""


def test_headquarters_is_not_a_production_place(tmp_path):
    g = graph_of(tmp_path, HQ)
    county = gaps(g, "Metal County")
    # only F is located in the county (through the park); G's headquarters do not place its mine
    assert (county.agents, verdicts(county)) == (1, [("mining", "not stated"), ("smelting", "not stated"),
                                                     ("rolling", "covered")])
    mining = county.stages[0].candidates
    assert [(c.label, c.kind, c.where) for c in mining] == [
        ("Group G", "group", ["Home cluster", "headquarters: Metal County"])]
    assert county.notes[0] == ("Group G has its headquarters here (Metal County); where it produces is not "
                               "stated, so its products do not count here.")
    assert county.unstaged_products == [EX + "widget"]
    # the cluster counts its members (G produces for it); the city it is anchored in counts the
    # cluster's members and what is located in it (G and F)
    home, city = gaps(g, "Home cluster"), gaps(g, "Metal City")
    assert (home.agents, verdicts(home)) == (1, [("mining", "covered"), ("smelting", "covered"),
                                                 ("rolling", "not stated")])
    assert (city.agents, verdicts(city)) == (2, [("mining", "covered"), ("smelting", "covered"),
                                                 ("rolling", "covered")])


PROJECTS = """
ex:p1 a ckg:Project ; skos:prefLabel "Smelter project"@en ; ckg:inCluster ex:home ; ckg:product ex:metal ;
    ckg:lifecycle ex:p1-on ; prov:wasDerivedFrom ex:ev ;
    ckg:capacity [ a ckg:Quantity ; qudt:numericValue 250000.0 ; qudt:unit ex:TPY ; ckg:bound "exact" ] ,
                 [ a ckg:Quantity ; qudt:numericValue 100.0 ; qudt:unit ex:TPY ; ckg:bound "at least" ] .
ex:p2 a ckg:Project ; skos:prefLabel "Mill project"@en ; ckg:locatedIn ex:park ; ckg:product ex:plate ;
    ckg:lifecycle ex:p2-signed , ex:p2-building ; prov:wasDerivedFrom ex:ev .
ex:p1-on a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:inOperation ; ckg:date "2018"^^xsd:gYear .
ex:p2-signed a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:signed ; ckg:date "2023-05"^^xsd:gYearMonth .
ex:p2-building a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:underConstruction ; ckg:date "2025"^^xsd:gYear .
ex:p3 a ckg:Project ; skos:prefLabel "Mine project"@en ; ckg:inCluster ex:other ; ckg:product ex:bauxite ;
    prov:wasDerivedFrom ex:ev .
"""


def test_projects_count_by_status(tmp_path):
    r = gaps(graph_of(tmp_path, PROJECTS), "Home cluster")
    # p1 in operation covers smelting (capacity 250,000 + at least 100 = at least 250,100 t/yr);
    # p2 (in a park of the city, under construction, 2025) is coming; nothing for mining, where
    # the other cluster's project of unknown status is a candidate
    assert r.projects == 1  # p2 is located in the city's park, not in the cluster itself
    assert verdicts(r) == [("mining", "not stated"), ("smelting", "covered"), ("rolling", "not stated")]
    assert r.stages[1].capacity == [Amount(250100.0, EX + "TPY", "at least")]
    assert [c.label for c in r.stages[2].candidates] == ["Mill project"]
    c = r.stages[0].candidates[0]
    assert (c.label, c.kind, c.where, c.status) == ("Mine project", "project", ["Other cluster"], "status not stated")
    city = gaps(graph_of(tmp_path, PROJECTS), "Metal City")
    assert verdicts(city) == [("mining", "not stated"), ("smelting", "covered"), ("rolling", "coming")]
    coming = city.stages[2].coming[0][0]
    assert (coming.status, coming.year) == ("under construction", "2025")
    other = gaps(graph_of(tmp_path, PROJECTS), "Other cluster")  # a project whose status no source states
    assert verdicts(other)[0] == ("mining", "stated")


def test_projects_as_of_a_year(tmp_path):
    # as of 2024 the mill project has only signed (2023-05): still coming, at that stage and date;
    # as of 2017 the smelter (in operation from 2018) and the mill (signed 2023) are not there yet,
    # and the mine project (no date at all) is kept: the note says both
    city = gaps(graph_of(tmp_path, PROJECTS), "Metal City", as_of=2024)
    coming = city.stages[2].coming[0][0]
    assert (coming.status, coming.year) == ("signed", "2023-05")
    early = gaps(graph_of(tmp_path, PROJECTS), "Metal City", as_of=2017)
    assert verdicts(early) == [("mining", "not stated"), ("smelting", "not stated"), ("rolling", "not stated")]
    assert early.notes[0] == (
        "As of 2017: left out 2 dated later (Mill project: first stage dated 2023; Smelter project: first stage "
        "dated 2018); kept 1 producer, project or capacity with no date stated (assumed to hold in 2017).")


STATEMENTS = """
ex:s1 a ckg:StageCoverageStatement ; ckg:statementAbout ex:city ; ckg:coversStage ex:smelting , ex:rolling ;
    prov:wasDerivedFrom ex:ev .
ex:w1 a ckg:ChainWeaknessStatement ; ckg:statementAbout ex:home ; ckg:originalWording "short chain" ;
    prov:wasDerivedFrom ex:ev2 .
ex:f a ckg:Firm ; skos:prefLabel "Roller F"@en ; ckg:inCluster ex:home ; ckg:produces ex:plate ;
    prov:wasDerivedFrom ex:ev .
ex:home ckg:capacity [ a ckg:Quantity ; qudt:numericValue 5.0 ; qudt:unit ex:TPY ; ckg:product ex:bauxite ;
    prov:wasDerivedFrom ex:ev ] .
"""


def test_statements_about_the_whole_chain(tmp_path):
    r = gaps(graph_of(tmp_path, STATEMENTS), "Home cluster")
    # the statement about the cluster's region says smelting and rolling are there; rolling has a
    # firm (covered beats stated); mining has only a capacity stated for the whole cluster
    assert verdicts(r) == [("mining", "stated"), ("smelting", "stated"), ("rolling", "covered")]
    assert r.stages[0].totals == [Amount(5.0, EX + "TPY", "exact", None, EX + "bauxite")]
    assert r.stages[1].sources[0].title == "The article" and r.stages[1].sources[0].quote == "a quote"
    # the weakness is a note with its quote, never a missing stage
    assert [w.weakness for w in r.weaknesses] == ["short chain"]
    assert r.notes == ["Home cluster: a source states a weakness of the chain as a whole, “short chain” "
                       "(not a missing stage). The article: “the chain is short”"]
    # the county is inside the city: a statement about the city does not say it of the county
    assert verdicts(gaps(graph_of(tmp_path, STATEMENTS), "Metal County")) == [
        ("mining", "not stated"), ("smelting", "not stated"), ("rolling", "not stated")]


def test_supporting_stage_only_when_stated_and_empty_scope(tmp_path):
    g = graph_of(tmp_path, 'ex:m a ckg:Firm ; skos:prefLabel "M"@en ; ckg:inCluster ex:other ; '
                           'ckg:produces ex:mould ; prov:wasDerivedFrom ex:ev .')
    assert verdicts(gaps(g, "Other cluster"))[-1] == ("supporting", "covered")
    empty = gaps(g, "Empty")
    assert [s.label for s in empty.stages] == ["mining", "smelting", "rolling"]
    assert empty.notes == ["No firm, project or statement is placed in Empty: every stage is not stated."]


def test_unknown_cluster_lists_the_known_ones(tmp_path):
    with pytest.raises(UnknownCluster) as e:
        gaps(graph_of(tmp_path, ""), "Atlantis")
    assert str(e.value) == ("no cluster, region or park is called 'Atlantis'. "
                            "Known clusters: Empty, Home cluster, Other cluster.")


def test_product_stages_follow_broader_and_survive_cycles(tmp_path):
    stages, labels = product_stages(graph_of(tmp_path, ""))
    assert stages[EX + "molten"] == {EX + "smelting"}
    assert EX + "loop1" not in stages and EX + "widget" not in stages
    assert labels[EX + "molten"] == "molten"


def test_sum_amounts_bounds():
    # 1 exact + 2 about = about 3; 4 at least + 1 exact = at least 5
    assert sum_amounts([Amount(1, "t"), Amount(2, "t", "about"), Amount(4, "m", "at least"), Amount(1, "m")]) == [
        Amount(5, "m", "at least"), Amount(3, "t", "about")]
