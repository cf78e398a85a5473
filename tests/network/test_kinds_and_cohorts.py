"""Relation kinds, share bounds and cohort links in the projection (kg.network.project), by hand.

The graph below, worked out by hand:
- r-applied: Taiyi → Vanke, ckg:relationKind ckg:appliedTo → kind "applied to", no share, no bound.
- r-basically: W → derived cohort, share 1.0 with ckg:shareBound "about" → kind "supplies" (no
  ckg:relationKind: the default), share 1.0, share_bound "about", wording "basically".
- r-exact: W → mill, share 0.4 and no bound → share_bound "exact" (a stated share without a bound).
- r-stated: W → park cohort, ckg:relationKind ckg:statedSupply → "supplies", no share → bound None.
- cohorts: park ⊂ county (subCohortOf), county ⊂ city (subCohortOf), derived ~ city (overlapsWith,
  written once, on derived). Firm inno memberOf park.
  part_of: inno → park, then park ⊂ county ⊂ city = [city, county, park]; park → [city, county];
  county → [city]; city → []; derived → [].
  overlaps (one step, either direction, nesting counts): city ~ county (nesting), city ~ derived;
  county ~ city, county ~ park; park ~ county; derived ~ city. Firms: [].
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.network.model import states_exclusive_supply
from kg.network.project import supply_network
from kg.rdf.graph import open_graph

EX = "http://example.org/"

DATA = """
@prefix ckg:  <https://w3id.org/cluster-kg/ontology#> .
@prefix ckp:  <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex:   <http://example.org/> .

ex:taiyi a ckg:Firm . ex:vanke a ckg:Firm . ex:w a ckg:EnterpriseGroup . ex:mill a ckg:Firm .
ex:inno a ckg:Firm ; ckg:memberOf ex:park .
ex:derived a ckg:FirmCohort ; ckg:memberCount 60 ; ckg:overlapsWith ex:city .
ex:city a ckg:FirmCohort ; ckg:memberCount 60 .
ex:county a ckg:FirmCohort ; ckg:subCohortOf ex:city .
ex:park a ckg:FirmCohort ; ckg:memberCount 12 ; ckg:subCohortOf ex:county .

ex:r-applied a ckg:SupplyRelation ; ckg:supplier ex:taiyi ; ckg:customer ex:vanke ;
    ckg:product ckp:aluminium-formwork ; ckg:relationKind ckg:appliedTo .
ex:r-basically a ckg:SupplyRelation ; ckg:supplier ex:w ; ckg:customer ex:derived ;
    ckg:product ckp:aluminium-metal ; ckg:share 1.0 ; ckg:shareBound "about" ;
    ckg:shareWording "basically" .
ex:r-exact a ckg:SupplyRelation ; ckg:supplier ex:w ; ckg:customer ex:mill ;
    ckg:product ckp:aluminium-ingot ; ckg:share 0.4 .
ex:r-stated a ckg:SupplyRelation ; ckg:supplier ex:w ; ckg:customer ex:park ;
    ckg:product ckp:molten-aluminium ; ckg:relationKind ckg:statedSupply .
"""


@pytest.fixture(params=["rdflib", "oxigraph", "oxigraph+ontology"])
def network(request, tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(DATA, encoding="utf-8")
    if request.param == "rdflib":
        return supply_network(Graph().parse(path, format="turtle"))
    return supply_network(open_graph([path], ontology=request.param == "oxigraph+ontology"))


def relation(G, s, c):
    (rel,) = G.edges[EX + s, EX + c]["relations"]
    return rel


def test_relation_kind(network):
    assert relation(network, "taiyi", "vanke")["kind"] == "applied to"
    assert relation(network, "w", "derived")["kind"] == "supplies"  # no ckg:relationKind: the default
    assert relation(network, "w", "park")["kind"] == "supplies"  # ckg:statedSupply


def test_share_and_its_bound(network):
    basically = relation(network, "w", "derived")
    assert (basically["share"], basically["share_bound"], basically["share_wording"]) == (1.0, "about", "basically")
    exact = relation(network, "w", "mill")
    assert (exact["share"], exact["share_bound"]) == (0.4, "exact")
    none = relation(network, "taiyi", "vanke")
    assert (none["share"], none["share_bound"]) == (None, None)


def test_exclusive_supply_by_relation(network):
    # share 1 (bound "about") on a stated supply: exclusive; 0.4: no; "applied to": no; no share: no
    assert [states_exclusive_supply(relation(network, s, c))
            for s, c in [("w", "derived"), ("w", "mill"), ("taiyi", "vanke"), ("w", "park")]] == [
        True, False, False, False]


def test_part_of_is_membership_then_nesting(network):
    def part_of(n):
        return [x.removeprefix(EX) for x in network.nodes[EX + n]["part_of"]]

    assert part_of("inno") == ["city", "county", "park"]
    assert part_of("park") == ["city", "county"]
    assert part_of("county") == ["city"]
    assert (part_of("city"), part_of("derived"), part_of("mill")) == ([], [], [])


def test_overlaps_are_symmetric_and_include_nesting(network):
    def overlaps(n):
        return [x.removeprefix(EX) for x in network.nodes[EX + n]["overlaps"]]

    assert overlaps("city") == ["county", "derived"]
    assert overlaps("county") == ["city", "park"]
    assert overlaps("park") == ["county"]
    assert overlaps("derived") == ["city"]
    assert (overlaps("inno"), overlaps("w")) == ([], [])


def test_wordings_that_only_contain_all_are_not_exclusive():
    assert states_exclusive_supply({"share_wording": "all"})
    assert states_exclusive_supply({"share_wording": " Only "})
    assert not states_exclusive_supply({"share_wording": "raw material supplier of all enterprises"})
    assert not states_exclusive_supply({"share_wording": "basically"})  # a share of 1.0 must be stated
    assert not states_exclusive_supply({"share_wording": "all", "kind": "used by"})
    assert not states_exclusive_supply({"share": 0.999})
    assert states_exclusive_supply({"share": 1.0})


def test_bundled_data_kinds_and_cohorts():
    G = supply_network(open_graph())
    ckr = "https://w3id.org/cluster-kg/id/"
    kinds = {(s.removeprefix(ckr), c.removeprefix(ckr)): [r["kind"] for r in d["relations"]]
             for s, c, d in G.edges(data=True)}
    assert {k for k, v in kinds.items() if v == ["applied to"]} == {
        ("taiyi-metal", "vanke"), ("taiyi-metal", "rongchuang"), ("taiyi-metal", "evergrande"),
        ("taiyi-metal", "country-garden"), ("yuhang", "boeing")}
    (derived,) = G.edges[ckr + "weiqiao-group", ckr + "cohort-binzhou-weiqiao-derived"]["relations"]
    assert (derived["kind"], derived["share"], derived["share_bound"], derived["share_wording"]) == (
        "supplies", 1.0, "about", "basically")
    zouping = G.edges[ckr + "weiqiao-group", ckr + "cohort-zouping-deep-processing"]["relations"]
    assert [(r["share"], r["share_wording"]) for r in zouping] == [(None, None), (None, None)]
    assert G.nodes[ckr + "innovation-metal"]["part_of"] == [ckr + "cohort-zouping-deep-processing"]
    # regulated ⊂ the base's aluminium-related ⊂ the county's aluminium enterprises (nesting is transitive)
    assert G.nodes[ckr + "suixi-regulated-aluminium-enterprises"]["part_of"] == [
        ckr + "suixi-aluminium-enterprises", ckr + "suixi-aluminium-related-enterprises"]
    assert G.nodes[ckr + "cohort-zouping-deep-processing"]["overlaps"] == [
        ckr + "cohort-binzhou-deep-processing", ckr + "cohort-binzhou-weiqiao-derived",
        ckr + "cohort-zouping-park-firms"]
    # the supported firms overlap the county's aluminium enterprises, not the base's (issue 14 audit)
    assert G.nodes[ckr + "suixi-aluminium-related-enterprises"]["overlaps"] == [
        ckr + "suixi-aluminium-enterprises", ckr + "suixi-high-tech-aluminium-enterprises",
        ckr + "suixi-regulated-aluminium-enterprises"]
    assert G.nodes[ckr + "suixi-supported-enterprises"]["overlaps"] == [ckr + "suixi-aluminium-enterprises"]
