"""kg view --around reads only the firm's neighbourhood and draws what the whole network would."""

import dataclasses
import json
import re
from unittest import mock

import pytest

from kg.network.project import supply_network
from kg.rdf.local import oxigraph_store
from kg.rdf.subgraph import neighbourhood_store
from kg.services.view import build_view

DIRECTIONS = ("up", "down", "both")
EVERYTHING = ("products", "projects", "parks", "institutions")

PREFIXES = """@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
@prefix ckr: <https://w3id.org/cluster-kg/id/> .
@prefix ckp: <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
"""

# What a neighbourhood may miss: a group with no type that is in the network only through a
# supply relation far away; a project investor outside the view known only by a Chinese name
# (the network names it by its IRI, the RDF facts by that name); a cooperation between two
# institutions that are drawn only because each cooperates with the firm; an association in a
# supply relation elsewhere; a relation with two suppliers; links between the outermost firms;
# several quotes, Chinese names, kinds and quantities, some on blank nodes.
EDGES = PREFIXES + """
ckr:art a ckg:Article ; dcterms:identifier "a.txt" .
ckr:art2 a ckg:Article ; dcterms:identifier "b.txt" .
ckr:ev1 a ckg:Evidence ; prov:value "Zeta says so." ; prov:hadPrimarySource ckr:art .
ckr:ev2 a ckg:Evidence ; prov:value "Alpha says so." ; prov:hadPrimarySource ckr:art2 .
ckr:ev3 a ckg:Evidence ; prov:value "Both say so." ; prov:hadPrimarySource ckr:art , ckr:art2 .
ckr:ev4 a ckg:Evidence ; prov:value "Far away." ; prov:hadPrimarySource ckr:art3 .
ckr:art3 a ckg:Article ; dcterms:identifier "c.txt" .
ckr:city a ckg:City ; skos:prefLabel "Town"@en .
ckr:cl a ckg:IndustrialCluster ; skos:prefLabel "Cluster"@en .
ckr:park a ckg:IndustrialPark ; skos:prefLabel "Park"@en , "园区乙"@zh , "园区甲"@zh ; ckg:locatedIn ckr:city ;
    ckg:inCluster ckr:cl ; prov:wasDerivedFrom ckr:ev1 , ckr:ev2 ;
    ckg:capacity [ a ckg:Quantity ; qudt:numericValue 5.0 ; qudt:unit unit:TONNE-PER-YR ; prov:wasDerivedFrom ckr:ev1 ] ;
    ckg:outputValue [ a ckg:Quantity ; qudt:numericValue 7.0e8 ; qudt:unit unit:CCY_CNY ; ckg:originalWording "700 million" ] .
ckr:f a ckg:Firm ; skos:prefLabel "Focus"@en , "焦点"@zh ; skos:altLabel "F" ; ckg:parentOrganization ckr:g ;
    ckg:locatedIn ckr:park ; ckg:inCluster ckr:cl ; ckg:produces ckp:aluminium-strip ;
    ckg:capacity [ a ckg:Quantity ; qudt:numericValue 100.0 ; qudt:unit unit:TONNE-PER-YR ] ;
    prov:wasDerivedFrom ckr:ev1 , ckr:ev2 , ckr:ev3 .
ckr:g skos:prefLabel "Untyped group"@en .
ckr:sub a ckg:Firm ; skos:prefLabel "Sub"@en ; ckg:parentOrganization ckr:f .
ckr:far a ckg:Firm ; skos:prefLabel "Far"@en ; prov:wasDerivedFrom ckr:ev4 .
ckr:rg a ckg:SupplyRelation ; ckg:supplier ckr:g ; ckg:customer ckr:far ; prov:wasDerivedFrom ckr:ev4 .
ckr:s1 a ckg:Firm ; skos:prefLabel "Supplier one"@en ; ckg:locatedIn ckr:city .
ckr:s2 a ckg:Firm ; skos:prefLabel "Supplier two"@en ; ckg:produces ckp:molten-aluminium .
ckr:c1 a ckg:FirmCohort ; skos:prefLabel "Cohort"@en ; ckg:memberCount 12 ; ckg:inCluster ckr:cl .
ckr:c2 a ckg:Firm ; skos:prefLabel "Customer two"@en .
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:s1 , ckr:s2 ; ckg:customer ckr:f ; ckg:product ckp:molten-aluminium ;
    ckg:share 0.4 ; prov:wasDerivedFrom ckr:ev2 , ckr:ev3 .
ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:f ; ckg:customer ckr:c1 ; ckg:product ckp:aluminium-strip ;
    ckg:volume [ a ckg:Quantity ; qudt:numericValue 3.0 ; qudt:unit unit:TONNE ; ckg:originalWording "3 t" ] .
ckr:rule rdfs:comment "Cohorts buy from the mill next door." .
ckr:r3 a ckg:SupplyRelation ; ckg:supplier ckr:c1 ; ckg:customer ckr:c2 ; ckg:inferred true ; ckg:inferenceRule ckr:rule .
ckr:r4 a ckg:SupplyRelation ; ckg:supplier ckr:s2 ; ckg:customer ckr:c2 ; prov:wasDerivedFrom ckr:ev1 .
ckr:r5 a ckg:SupplyRelation ; ckg:supplier ckr:c2 ; ckg:customer ckr:s1 ; ckg:shareWording "most" .
ckr:r6 a ckg:SupplyRelation ; ckg:supplier ckr:far ; ckg:customer ckr:s2 .
ckr:uni1 a ckg:ResearchInstitution ; skos:prefLabel "Uni one"@en ; prov:wasDerivedFrom ckr:ev2 .
ckr:uni2 a ckg:ResearchInstitution ; skos:prefLabel "Uni two"@en ; ckg:locatedIn ckr:city ; ckg:inCluster ckr:cl .
ckr:lab a ckg:Association ; skos:prefLabel "Lab association"@en .
ckr:rl a ckg:SupplyRelation ; ckg:supplier ckr:lab ; ckg:customer ckr:far .
ckr:co1 a ckg:Cooperation ; ckg:partner ckr:f , ckr:uni1 ; ckg:cooperationKind "training" , "joint lab" ;
    prov:wasDerivedFrom ckr:ev2 , ckr:ev1 .
ckr:co2 a ckg:Cooperation ; ckg:partner ckr:f , ckr:uni2 , ckr:lab .
ckr:co3 a ckg:Cooperation ; ckg:partner ckr:uni1 , ckr:uni2 .
ckr:co4 a ckg:Cooperation ; ckg:partner ckr:c2 , ckr:s1 .
ckr:zh a ckg:Firm ; skos:prefLabel "只有中文"@zh .
ckr:rz a ckg:SupplyRelation ; ckg:supplier ckr:zh ; ckg:customer ckr:far .
ckr:proj a ckg:Project ; skos:prefLabel "Project"@en ; ckg:investor ckr:f , ckr:zh ; ckg:product ckp:aluminium-strip ;
    ckg:lifecycle ckr:proj-announced ; ckg:locatedIn ckr:park ; ckg:inCluster ckr:cl ;
    ckg:investment [ a ckg:Quantity ; qudt:numericValue 1.0e9 ; qudt:unit unit:CCY_CNY ] ; prov:wasDerivedFrom ckr:ev3 .
ckr:proj-announced a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:announced ; ckg:date "2024"^^<http://www.w3.org/2001/XMLSchema#gYear> .
ckr:proj2 a ckg:Project ; skos:prefLabel "Uni project"@en ; ckg:investor ckr:uni2 .
"""


def same(graph, firm, *, local=True, **options):
    """The view around ``firm`` from its neighbourhood (``local``: only it is projected),
    checked equal to the whole network's (or the same error)."""
    from kg.errors import KGError

    try:
        whole = build_view(graph, around=firm, whole_network=True, **options)
    except KGError as e:
        with pytest.raises(type(e), match=re.escape(str(e))):
            build_view(graph, around=firm, **options)
        return None
    import kg.services.view

    project = kg.services.view.supply_network
    with mock.patch("kg.services.view.supply_network", side_effect=project) as spy:
        fast = build_view(graph, around=firm, **options)
    assert dataclasses.asdict(fast) == dataclasses.asdict(whole), (firm, options)
    projected = [len(call.args[0]) for call in spy.call_args_list]
    if local:
        assert len(projected) == 1 and projected[0] < len(graph), "the neighbourhood alone is projected"
    else:
        assert projected == [len(graph)]
    return fast


@pytest.fixture(autouse=True)
def read_alone_whatever_the_share(monkeypatch):
    """Every neighbourhood is read alone here, even one holding most of a small network
    (which a view reads whole: see test_a_large_neighbourhood_reads_the_whole_network)."""
    import kg.rdf.subgraph

    monkeypatch.setattr(kg.rdf.subgraph, "LOCAL_MIN", 0)
    monkeypatch.setattr(kg.rdf.subgraph, "LOCAL_SHARE", 1.0)


@pytest.fixture(scope="module")
def bundled():
    from kg.rdf.graph import open_graph

    return open_graph()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from kg.rdf.graph import open_graph
    from kg.synth.generate import generate

    path = tmp_path_factory.mktemp("generated") / "g.nt"
    path.write_text("".join(generate(150, seed=5)), encoding="utf-8")
    return open_graph([path])


@pytest.fixture(scope="module")
def edges(tmp_path_factory):
    from kg.rdf.graph import open_graph

    path = tmp_path_factory.mktemp("edges") / "edges.ttl"
    path.write_text(EDGES, encoding="utf-8")
    return open_graph([path])


def linked(graph):
    net = supply_network(graph)
    return net, sorted(n for n in net if net.degree(n) > 0)


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_bundled_views_around_every_firm_equal_the_whole_network_ones(bundled, depth, direction):
    _, firms = linked(bundled)
    assert len(firms) > 10
    for i, firm in enumerate(firms):
        same(bundled, firm, depth=depth, direction=direction, include=EVERYTHING if i % 2 else ())


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_generated_views_equal_the_whole_network_ones(generated, depth, direction):
    net, firms = linked(generated)
    hubs = sorted(firms, key=lambda n: (-net.degree(n), n))[:2]
    groups = [n for n in firms if net.nodes[n]["kind"] == "group"][:2]
    cohorts = [n for n in firms if net.nodes[n]["kind"] == "cohort"][:1]
    picked = list(dict.fromkeys(hubs + groups + cohorts + firms[::25]))
    assert len(picked) >= 8
    for i, firm in enumerate(picked):
        same(generated, firm, depth=depth, direction=direction, include=EVERYTHING if i % 2 else ())


@pytest.mark.parametrize("include", [(), ("institutions",), ("projects",), ("products", "parks"), EVERYTHING])
@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_what_a_neighbourhood_may_miss_is_still_drawn(edges, include, depth, direction):
    _, firms = linked(edges)
    for firm in firms:
        same(edges, firm, depth=depth, direction=direction, include=include)


def test_the_edge_cases_are_in_the_view(edges):
    v = same(edges, "ckr:f", depth=1, direction="both", include=EVERYTHING)
    by_id = {n["id"]: n for n in v.nodes}
    labels = {n["label"] for n in v.nodes}
    assert {"Focus", "Untyped group", "Sub", "Uni one", "Uni two", "Lab association", "Project"} <= labels
    links = {(by_id[e["from"]]["label"], by_id[e["to"]]["label"], e["style"]) for e in v.edges}
    assert ("Untyped group", "Focus", "ownership") in links  # the group is in the network far away
    assert ("Uni one", "Uni two", "cooperation") in links  # between two institutions
    project = next(n for n in v.nodes if n["label"] == "Project")
    assert ["investors", "Focus; zh"] in project["tip"]["rows"]  # the network's name of ckr:zh
    focus = next(n for n in v.nodes if n["focus"])
    assert focus["tip"]["quotes"] == [["a.txt", "Both say so."], ["a.txt", "Zeta says so."],
                                      ["b.txt", "Alpha says so."]]  # by source, then quote


def test_the_neighbourhood_is_small_and_read_by_a_bounded_number_of_queries(generated):
    class Counting:
        def __init__(self, store):
            self.store, self.queries = store, 0

        def query(self, text):
            self.queries += 1
            return self.store.query(text)

        def quads_for_pattern(self, *pattern):
            return self.store.quads_for_pattern(*pattern)

    net, firms = linked(generated)
    hub = max(firms, key=lambda n: (net.degree(n), n))
    assert net.degree(hub) > 60  # one query per firm would be more than the bound below
    whole = len(oxigraph_store(generated))
    for depth in (1, 2, 3):
        counting = Counting(oxigraph_store(generated))
        small = neighbourhood_store(counting, hub, depth=depth, direction="both", include=EVERYTHING)
        assert len(small) < whole
        # two per step; then the relations among the firms, the group, three per batch of
        # nodes copied (about ten batches), a few to find cooperations and projects
        assert counting.queries <= 2 * depth + 50, counting.queries
    ordinary = firms[len(firms) // 2]
    assert len(neighbourhood_store(oxigraph_store(generated), ordinary)) < whole / 10


def test_only_the_neighbourhood_is_projected(generated, monkeypatch):
    import kg.services.view

    sizes = []
    project = kg.services.view.supply_network

    def counting(graph, **kwargs):
        sizes.append(len(graph))
        return project(graph, **kwargs)

    monkeypatch.setattr(kg.services.view, "supply_network", counting)
    whole = len(generated)
    _, firms = linked(generated)
    build_view(generated, around=firms[0])
    assert sizes and max(sizes) < whole
    sizes.clear()
    build_view(generated, around=firms[0], size_by="capacity")  # scaled by the largest capacity anywhere
    assert sizes == [whole]


@pytest.mark.parametrize("options", [{"size_by": "capacity"}, {"size_by": "pagerank"}, {"color_by": "risk"},
                                     {"aggregate": "cluster"}])
def test_whole_network_options_give_the_whole_network_view(bundled, options):
    same(bundled, "Weiqiao Venture Group", depth=2, local=False, **options)


NOTE = "Data: the graph given \u00b7 supply links from {} source article(s): {}"


@pytest.mark.parametrize("firm, depth, direction, cited", [
    # r1 (ev2, ev3: b.txt and a.txt) s1, s2 -> f; r2 (no evidence) f -> c1
    ("ckr:f", 1, "both", ["a.txt", "b.txt"]),
    ("ckr:f", 1, "down", []),  # r2 alone: no source, no clause
    # two steps up from f: also r4 s2 -> c2 (a.txt), r5 c2 -> s1 (none), r6 far -> s2 (none)
    ("ckr:f", 2, "up", ["a.txt", "b.txt"]),
    # rg g -> far (ev4: c.txt), rz zh -> far, rl lab -> far, r6 far -> s2
    ("ckr:far", 1, "both", ["c.txt"]),
    ("ckr:far", 1, "down", []),
    ("ckr:s2", 1, "down", ["a.txt", "b.txt"]),  # r1 and r4
])
def test_the_heading_cites_the_sources_of_the_links_drawn(edges, firm, depth, direction, cited):
    v = same(edges, firm, depth=depth, direction=direction)
    note = NOTE.format(len(cited), "; ".join(cited)) if cited else "Data: the graph given"
    assert v.data_note == note


def test_a_blank_node_in_the_neighbourhood_reads_the_whole_network(tmp_path):
    from kg.rdf.graph import open_graph
    from kg.rdf.subgraph import NotLocal

    path = tmp_path / "blank.ttl"
    path.write_text(PREFIXES + """
ckr:a a ckg:Firm ; skos:prefLabel "A"@en .
_:b a ckg:Firm ; skos:prefLabel "Anonymous"@en .
ckr:r a ckg:SupplyRelation ; ckg:supplier _:b ; ckg:customer ckr:a .
""", encoding="utf-8")
    graph = open_graph([path])
    with pytest.raises(NotLocal):
        neighbourhood_store(oxigraph_store(graph), "https://w3id.org/cluster-kg/id/a", depth=2)
    v = same(graph, "ckr:a", depth=2, local=False)
    assert sorted(n["label"] for n in v.nodes) == ["A", "Anonymous"]


def test_a_large_neighbourhood_reads_the_whole_network(generated, monkeypatch):
    import kg.rdf.subgraph
    from kg.rdf.subgraph import NotLocal

    net, firms = linked(generated)
    hub = max(firms, key=lambda n: (net.degree(n), n))
    relations = sum(len(d["relations"]) for _, _, d in net.edges(data=True))
    monkeypatch.setattr(kg.rdf.subgraph, "LOCAL_SHARE", 0.25)
    with pytest.raises(NotLocal, match=f"of the {relations:,} supply relations are in the neighbourhood"):
        neighbourhood_store(oxigraph_store(generated), hub, depth=3)
    same(generated, hub, depth=3, local=False)
    same(generated, hub, depth=1)  # a smaller share


def test_a_blank_node_inside_a_blank_node_reads_the_whole_network(tmp_path):
    from kg.rdf.graph import open_graph
    from kg.rdf.subgraph import NotLocal

    path = tmp_path / "nested.ttl"
    path.write_text(PREFIXES + """
ckr:a a ckg:Firm ; skos:prefLabel "A"@en ; ckg:capacity [ qudt:numericValue 5.0 ; qudt:unit unit:TONNE-PER-YR ;
    ckg:note [ rdfs:comment "inside" ] ] .
ckr:b a ckg:Firm ; skos:prefLabel "B"@en .
ckr:r a ckg:SupplyRelation ; ckg:supplier ckr:b ; ckg:customer ckr:a .
""", encoding="utf-8")
    graph = open_graph([path])
    with pytest.raises(NotLocal, match="a blank node inside a blank node"):
        neighbourhood_store(oxigraph_store(graph), "https://w3id.org/cluster-kg/id/a")
    same(graph, "ckr:a", local=False)


@pytest.mark.parametrize("name, message", [
    ("ckr:uni1", "Uni one is in no supply relation, so it has no neighbourhood to view"),
    ("ckr:park", "no entity is called 'ckr:park'"),
    ("Nobody at all", "no entity is called 'Nobody at all'"),
])
def test_errors_are_those_of_the_whole_network(edges, name, message):
    from kg.errors import KGError

    for whole in (False, True):
        with pytest.raises(KGError, match=re.escape(message)):
            build_view(edges, around=name, whole_network=whole)


@pytest.mark.parametrize("indexed", [False, True])
def test_cli_on_a_store_draws_the_whole_network_view(tmp_path, indexed):
    from click.testing import CliRunner

    from kg.cli.main import cli
    from kg.ingest.load import load_into_store
    from kg.rdf.formats import default_data_paths
    from kg.rdf.graph import open_graph
    from kg.render.view.page import page_data
    from kg.services.index import open_index

    store = tmp_path / "store"
    load_into_store(store, default_data_paths(), validate=False)  # the bundled clusters
    if indexed:  # exact names are then looked up in the index
        open_index(store)
    out = tmp_path / "w.html"
    args = ["--store", str(store), "view", "--around", "Weiqiao Venture Group", "--depth", "2", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    whole = build_view(open_graph(store=store), around="Weiqiao Venture Group", depth=2, whole_network=True,
                       data_note=f"Data: store {store}")
    data, tips = page_data(whole)
    for block, expected in (("kg-data", data), ("kg-tips", tips)):
        m = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html, re.DOTALL)
        assert json.loads(m.group(1)) == expected
