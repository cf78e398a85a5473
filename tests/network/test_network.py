"""kg.network: the RDF graph projected into a supply DiGraph, on rdflib and on Oxigraph."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.errors import AmbiguousName, UnknownCluster
from kg.lookup.clusters import cluster_members, known_clusters, resolve_cluster
from kg.network.model import network_from_edges
from kg.network.project import group_links, supply_network
from kg.rdf.graph import open_graph

PREFIX = """
@prefix ckg:  <https://w3id.org/cluster-kg/ontology#> .
@prefix ckp:  <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:   <http://example.org/> .
"""

EX = "http://example.org/"
CKP = "https://w3id.org/cluster-kg/product/"

DATA = PREFIX + """
ex:art1 a ckg:Article ; dcterms:identifier "001.txt" .
ex:art2 a ckg:Article ; dcterms:identifier "002.txt" .
ex:rule a ckg:InferenceRule ; rdfs:comment "the county supplier supplies every firm of the county" .

ex:city a ckg:City ; skos:prefLabel "Metal City"@en .
ex:county a ckg:County ; skos:prefLabel "Zouping"@en ; ckg:partOf ex:city .
ex:park a ckg:IndustrialPark ; skos:prefLabel "North Park"@en ; ckg:locatedIn ex:county .
ex:cl a ckg:IndustrialCluster ; skos:prefLabel "Metal cluster"@en ; ckg:clusterRegion ex:city .

ex:group a ckg:EnterpriseGroup ;
    skos:prefLabel "Big Group"@en , "大集团"@zh ; skos:altLabel "Big group co"@en , "BG"@en ;
    ckg:headquarteredIn ex:county ; ckg:inCluster ex:cl ;
    ckg:produces ckp:molten-aluminium , ckp:alumina ;
    ckg:capacity [ qudt:numericValue 100.0 ; qudt:unit unit:TONNE-PER-YR ] ,
                 [ qudt:numericValue 50.0 ; qudt:unit unit:TONNE-PER-YR ] ,
                 [ qudt:numericValue 7.0 ; qudt:unit <https://w3id.org/cluster-kg/unit/PIECE-PER-YR> ] ;
    ckg:outputValue [ qudt:numericValue 3.0e9 ; qudt:unit unit:CCY_CNY ] ,
                    [ qudt:numericValue 2.0e9 ; qudt:unit unit:CCY_CNY ] .
ex:mill a ckg:Firm ; skos:prefLabel "Mill"@en ; ckg:locatedIn ex:park ; ckg:inCluster ex:cl ;
    ckg:parentOrganization ex:group ; ckg:produces ckp:aluminium-strip .
ex:cohort a ckg:FirmCohort ; skos:prefLabel "60 firms"@en ; ckg:memberCount 60 ;
    ckg:locatedIn ex:city ; ckg:inCluster ex:cl .
ex:idle a ckg:Firm .
ex:lab a ckg:ResearchInstitution ; skos:prefLabel "Lab"@en .
ex:buyer a ckg:Firm ; skos:prefLabel "Buyer"@en .

ex:ev1 a ckg:Evidence ; prov:value "quote one" ; prov:hadPrimarySource ex:art1 .
ex:ev2 a ckg:Evidence ; prov:value "quote two" ; prov:hadPrimarySource ex:art2 .

ex:r1 a ckg:SupplyRelation ; ckg:supplier ex:group ; ckg:customer ex:cohort ;
    ckg:product ckp:molten-aluminium ; ckg:shareWording "basically" ;
    prov:wasDerivedFrom ex:ev1 , ex:ev2 .
ex:r2 a ckg:SupplyRelation ; ckg:supplier ex:group ; ckg:customer ex:mill ;
    ckg:product ckp:aluminium-ingot ; ckg:inferred true ; ckg:inferenceRule ex:rule ;
    prov:wasDerivedFrom ex:ev1 .
ex:r3 a ckg:SupplyRelation ; ckg:supplier ex:mill ; ckg:customer ex:buyer ;
    ckg:product ckp:aluminium-strip ; ckg:share 0.25 ;
    ckg:volume [ qudt:numericValue 2000 ; qudt:unit unit:TONNE ; ckg:originalWording "2,000 tons" ] ;
    prov:wasDerivedFrom ex:ev2 .
ex:r4 a ckg:SupplyRelation ; ckg:supplier ex:mill ; ckg:customer ex:buyer ;
    ckg:product ckp:aluminium-foil ; prov:wasDerivedFrom ex:ev2 .
ex:r5 a ckg:SupplyRelation ; ckg:supplier ex:mill ; ckg:customer ex:lab ; ckg:product ckp:aluminium-foil .
"""


def load(tmp_path, text: str, engine: str):
    path = tmp_path / "g.ttl"
    path.write_text(text, encoding="utf-8")
    if engine == "rdflib":
        return Graph().parse(path, format="turtle")
    return open_graph([path], ontology=(engine == "oxigraph+ontology"))


ENGINES = ["rdflib", "oxigraph", "oxigraph+ontology"]


@pytest.fixture(params=ENGINES)
def graph(request, tmp_path):
    return load(tmp_path, DATA, request.param)


def test_nodes_are_every_firm_group_cohort_and_supply_endpoint(graph):
    G = supply_network(graph)
    assert sorted(G) == [EX + n for n in ("buyer", "cohort", "group", "idle", "lab", "mill")]
    assert {n: G.nodes[n]["kind"] for n in G} == {
        EX + "buyer": "firm", EX + "cohort": "cohort", EX + "group": "group",
        EX + "idle": "firm", EX + "lab": "institution", EX + "mill": "firm",
    }


def test_node_attributes(graph):
    G = supply_network(graph)
    group = G.nodes[EX + "group"]
    assert group == {
        "kind": "group",
        "label": "Big Group",
        "label_zh": "大集团",
        "aliases": ["BG", "Big group co"],
        "clusters": [EX + "cl"],
        "cluster_labels": ["Metal cluster"],
        "region": EX + "county",
        "products": [CKP + "alumina", CKP + "molten-aluminium"],
        "capacity": 150.0,  # only the tonnes-per-year quantities, summed
        "output_value": 3.0e9,  # the largest stated
        "member_count": None,
        "weight": 1,
        "part_of": [],
        "overlaps": [],
        "start": None,  # no lifecycle stage dated
        "start_stage": None,
        "end": None,
        "counted_at": None,
    }
    cohort = G.nodes[EX + "cohort"]
    assert (cohort["member_count"], cohort["weight"], cohort["region"]) == (60, 60, EX + "city")
    idle = G.nodes[EX + "idle"]
    assert (idle["label"], idle["label_zh"], idle["capacity"], idle["clusters"]) == ("idle", None, None, [])
    assert G.nodes[EX + "mill"]["region"] == EX + "park"


def test_edges_and_relations(graph):
    G = supply_network(graph)
    assert sorted(G.edges()) == [
        (EX + "group", EX + "cohort"), (EX + "group", EX + "mill"),
        (EX + "mill", EX + "buyer"), (EX + "mill", EX + "lab"),
    ]
    (r1,) = G.edges[EX + "group", EX + "cohort"]["relations"]
    # without the ontology the product has no label: the IRI's tail stands in
    assert r1["product_label"] in ("molten-aluminium", "molten aluminium")
    assert (r1["share"], r1["share_wording"], r1["quote"], r1["source"], r1["inferred"]) == (
        None, "basically", "quote one … quote two", "001.txt; 002.txt", False)
    (r2,) = G.edges[EX + "group", EX + "mill"]["relations"]
    assert (r2["inferred"], r2["rule"], r2["quote"], r2["source"]) == (
        True, "the county supplier supplies every firm of the county", "quote one", "001.txt")
    edge = G.edges[EX + "mill", EX + "buyer"]
    assert edge["products"] == [CKP + "aluminium-foil", CKP + "aluminium-strip"]
    r3, r4 = edge["relations"]
    assert (r3["iri"], r3["share"], r3["volume"], r3["volume_unit"], r3["volume_wording"]) == (
        EX + "r3", 0.25, 2000.0, "http://qudt.org/vocab/unit/TONNE", "2,000 tons")
    assert (r4["iri"], r4["share"], r4["volume"]) == (EX + "r4", None, None)
    (r5,) = G.edges[EX + "mill", EX + "lab"]["relations"]
    assert (r5["quote"], r5["source"]) == ("", "")


def test_relation_dict_exactly(tmp_path):
    G = supply_network(load(tmp_path, DATA, "oxigraph+ontology"))
    (r1,) = G.edges[EX + "group", EX + "cohort"]["relations"]
    assert r1 == {
        "iri": EX + "r1",
        "product": CKP + "molten-aluminium",
        "product_label": "molten aluminium",
        "products": [CKP + "molten-aluminium"],
        "kind": "supplies",
        "share": None,
        "share_bound": None,
        "share_wording": "basically",
        "volume": None,
        "volume_unit": None,
        "volume_wording": None,
        "quote": "quote one … quote two",
        "source": "001.txt; 002.txt",
        "inferred": False,
        "rule": None,
    }


def test_group_links_are_not_supply(graph):
    assert group_links(graph) == [(EX + "mill", EX + "group")]
    G = supply_network(graph)
    assert not G.has_edge(EX + "mill", EX + "group")


def test_cluster_by_iri_keeps_members_and_edges_among_them(graph):
    G = supply_network(graph, cluster=EX + "cl")
    assert sorted(G) == [EX + "cohort", EX + "group", EX + "mill"]
    assert sorted(G.edges()) == [(EX + "group", EX + "cohort"), (EX + "group", EX + "mill")]
    assert G.graph["cluster"] == EX + "cl"


def test_cluster_by_region_or_park(graph):
    # the city: everything in a cluster anchored there, plus what is located in it
    assert cluster_members(graph, EX + "city") == {
        EX + "group", EX + "mill", EX + "cohort", EX + "park"}
    # the county: located in it directly or through the park
    assert sorted(supply_network(graph, cluster="Zouping")) == [EX + "group", EX + "mill"]
    assert sorted(supply_network(graph, cluster="north park")) == [EX + "mill"]


def test_resolve_cluster(graph):
    assert resolve_cluster(graph, "metal cluster") == EX + "cl"
    assert resolve_cluster(graph, "<http://example.org/county>") == EX + "county"
    assert known_clusters(graph) == [(EX + "cl", "Metal cluster")]
    with pytest.raises(UnknownCluster) as e:
        resolve_cluster(graph, "Atlantis")
    assert str(e.value) == "no cluster, region or park is called 'Atlantis'. Known clusters: Metal cluster."
    assert e.value.known == ["Metal cluster"]
    with pytest.raises(UnknownCluster):
        resolve_cluster(graph, "http://example.org/nowhere")
    with pytest.raises(UnknownCluster):
        supply_network(graph, cluster="http://example.org/bad iri")


def test_ambiguous_cluster_name(tmp_path):
    g = load(tmp_path, PREFIX + """
        ex:a a ckg:County ; skos:prefLabel "Twin"@en .
        ex:b a ckg:City ; skos:prefLabel "Twin"@en .""", "oxigraph")
    with pytest.raises(AmbiguousName):
        resolve_cluster(g, "twin")


def test_cluster_beats_region_of_the_same_name(tmp_path):
    g = load(tmp_path, PREFIX + """
        ex:a a ckg:City ; skos:prefLabel "Binzhou"@en .
        ex:b a ckg:IndustrialCluster ; skos:prefLabel "Binzhou"@en .""", "oxigraph")
    assert resolve_cluster(g, "Binzhou") == EX + "b"


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_graph(tmp_path, engine):
    G = supply_network(load(tmp_path, PREFIX, engine))
    assert (G.number_of_nodes(), G.number_of_edges()) == (0, 0)
    assert group_links(load(tmp_path, PREFIX, engine)) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_subclass_of_firm_counts_when_the_ontology_says_so(tmp_path, engine):
    text = PREFIX + "ex:Smelter rdfs:subClassOf ckg:Firm . ex:s a ex:Smelter ."
    G = supply_network(load(tmp_path, text, engine))
    assert list(G) == [EX + "s"] and G.nodes[EX + "s"]["kind"] == "firm"


def test_self_loop_relation(tmp_path):
    text = PREFIX + "ex:a a ckg:Firm . ex:r a ckg:SupplyRelation ; ckg:supplier ex:a ; ckg:customer ex:a ."
    G = supply_network(load(tmp_path, text, "oxigraph"))
    assert list(G.edges()) == [(EX + "a", EX + "a")]


def test_network_from_edges_attributes():
    G = network_from_edges([("a", "b")], nodes=["z"], weight={"b": 5}, capacity={"a": 9.0})
    assert list(G) == ["z", "a", "b"]
    assert (G.nodes["a"]["kind"], G.nodes["a"]["capacity"], G.nodes["b"]["kind"], G.nodes["b"]["weight"]) == (
        "firm", 9.0, "cohort", 5)


def test_named_graph_on_oxigraph_goes_through_rdflib(tmp_path):
    # rdflib's Graph(store="Oxigraph") keeps its triples in a named graph: the fast path must not
    # query the (empty) default graph instead.
    path = tmp_path / "g.ttl"
    path.write_text(DATA, encoding="utf-8")
    g = Graph(store="Oxigraph")
    g.parse(path, format="turtle")
    assert sorted(supply_network(g).edges()) == sorted(supply_network(load(tmp_path, DATA, "rdflib")).edges())
    assert len(supply_network(g)) == 6


def test_select_gives_the_same_rows_on_both_paths(tmp_path):
    query = "SELECT ?r ?share WHERE { ?r ckg:share ?share }"
    from kg.rdf.graph import select

    ox = list(select(load(tmp_path, DATA, "oxigraph"), query))
    rd = list(select(load(tmp_path, DATA, "rdflib"), query))
    assert ox == rd == [[EX + "r3", "0.25"]]


def test_lean_projection_leaves_out_quote_and_source_only(graph):
    full, lean = supply_network(graph), supply_network(graph, evidence=False)
    assert list(lean.nodes(data=True)) == list(full.nodes(data=True))
    assert list(lean.edges()) == list(full.edges())
    for s, c, data in full.edges(data=True):
        assert lean.edges[s, c]["products"] == data["products"]
        assert lean.edges[s, c]["relations"] == [
            {**rel, "quote": None, "source": None} for rel in data["relations"]]
    (r1,) = lean.edges[EX + "group", EX + "cohort"]["relations"]
    assert (r1["quote"], r1["source"], r1["share_wording"]) == (None, None, "basically")


SEVERAL = PREFIX + """
ex:art1 dcterms:identifier "001.txt" .
ex:ev1 prov:value "one" ; prov:hadPrimarySource ex:art1 .
ex:ev2 prov:value "two" .
ex:a a ckg:Firm . ex:b a ckg:Firm . ex:c a ckg:Firm .
ex:r a ckg:SupplyRelation ; ckg:supplier ex:a , ex:b ; ckg:customer ex:c ;
    ckg:product ckp:p2 , ckp:p1 ; ckg:share 0.2 , 0.4 ; prov:wasDerivedFrom ex:ev2 , ex:ev1 .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_relation_with_several_values(tmp_path, engine):
    # two suppliers: one relation on two edges; two products: the first sorted is "the"
    # product; two shares: the largest; two evidence nodes: quotes in (source, quote) order
    G = supply_network(load(tmp_path, SEVERAL, engine))
    assert sorted(G.edges()) == [(EX + "a", EX + "c"), (EX + "b", EX + "c")]
    (rel,) = G.edges[EX + "a", EX + "c"]["relations"]
    assert G.edges[EX + "b", EX + "c"]["relations"] == [rel]
    assert G.edges[EX + "a", EX + "c"]["products"] == [CKP + "p1", CKP + "p2"]
    assert (rel["product"], rel["product_label"], rel["products"], rel["share"]) == (
        CKP + "p1", "p1", [CKP + "p1", CKP + "p2"], 0.4)
    assert (rel["quote"], rel["source"]) == ("two … one", "001.txt")


BLANK = PREFIX + """
ex:a a ckg:Firm .
[] a ckg:SupplyRelation ; ckg:supplier ex:a ;
    ckg:customer [ a ckg:FirmCohort ; ckg:memberCount 7 ] ;
    prov:wasDerivedFrom [ prov:value "a supplies seven firms" ] ;
    ckg:volume [ qudt:numericValue 5 ; ckg:originalWording "five tons" ] .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_blank_nodes(tmp_path, engine):
    G = supply_network(load(tmp_path, BLANK, engine))
    ((s, c, data),) = G.edges(data=True)
    assert s == EX + "a" and ":" not in c  # the cohort is a blank node
    assert (G.nodes[c]["kind"], G.nodes[c]["weight"]) == ("cohort", 7)
    (rel,) = data["relations"]
    assert rel["iri"] and ":" not in rel["iri"]
    assert (rel["quote"], rel["source"], rel["product"], rel["products"]) == (
        "a supplies seven firms", "", None, [])
    assert (rel["volume"], rel["volume_unit"], rel["volume_wording"]) == (5.0, None, "five tons")


def test_garbage_collector_left_as_it_was(tmp_path):
    import gc

    g = load(tmp_path, DATA, "oxigraph")
    assert gc.isenabled()
    supply_network(g)
    assert gc.isenabled()
    gc.disable()
    try:
        supply_network(g)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_frozen_by_the_caller_stay_frozen(tmp_path):
    import gc

    g = load(tmp_path, DATA, "oxigraph")
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        supply_network(g)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
