"""kg/view.py: what a view holds, the HTML it writes (offline, escaped), and `kg view`."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.errors import OutputError, UnknownName, ViewError
from kg.rdf.graph import open_graph
from kg.render.view import page as kv
from kg.render.view.build import view_from_network
from kg.render.view.encode import ESRI_ROW
from kg.render.view.layout import grouped_layout
from kg.render.view.model import PHYSICS_LIMIT
from kg.render.view.page import render_html, script_json, write_view
from kg.services.view import build_view

PREFIXES = """@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
@prefix ckr: <https://w3id.org/cluster-kg/id/> .
@prefix ckp: <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
"""

# A cluster in a city: smelter -> mill -> cohort, a group owning the smelter, a park holding
# the mill, an outside customer, a project, an institution cooperating with the mill.
TINY = PREFIXES + """
ckr:art a ckg:Article ; dcterms:title "T" ; dcterms:identifier "t.txt" .
ckr:ev a ckg:Evidence ; prov:value "Smelter supplies the mill with molten aluminium." ; prov:hadPrimarySource ckr:art .
ckr:ev2 a ckg:Evidence ; prov:value "The mill sells strip to Faraway." ; prov:hadPrimarySource ckr:art .
ckr:city a ckg:City ; skos:prefLabel "Tinytown"@en .
ckr:cl a ckg:IndustrialCluster ; skos:prefLabel "Tiny cluster"@en ; ckg:clusterRegion ckr:city .
ckr:park a ckg:IndustrialPark ; skos:prefLabel "Tiny Park"@en ; ckg:locatedIn ckr:city ; ckg:inCluster ckr:cl .
ckr:grp a ckg:EnterpriseGroup ; skos:prefLabel "Big Group"@en ; ckg:inCluster ckr:cl .
ckr:smelter a ckg:Firm ; skos:prefLabel "Smelter Co"@en , "冶炼厂"@zh ; skos:altLabel "Hot Metal Works"@en ;
    ckg:parentOrganization ckr:grp ; ckg:inCluster ckr:cl ; ckg:locatedIn ckr:city ;
    ckg:produces ckp:molten-aluminium ;
    ckg:capacity [ a ckg:Quantity ; qudt:numericValue 1000000.0 ; qudt:unit unit:TONNE-PER-YR ] ;
    prov:wasDerivedFrom ckr:ev .
ckr:mill a ckg:Firm ; skos:prefLabel "Mill Co"@en ; ckg:inCluster ckr:cl ; ckg:locatedIn ckr:park ;
    ckg:produces ckp:aluminium-strip ; prov:wasDerivedFrom ckr:ev .
ckr:cohort a ckg:FirmCohort ; skos:prefLabel "Sixty workshops"@en ; ckg:memberCount 60 ; ckg:inCluster ckr:cl .
ckr:far a ckg:Firm ; skos:prefLabel "Faraway Cans"@en .
ckr:idle a ckg:Firm ; skos:prefLabel "Idle Co"@en ; ckg:inCluster ckr:cl ; ckg:locatedIn ckr:park .
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:smelter ; ckg:customer ckr:mill ;
    ckg:product ckp:molten-aluminium ; ckg:share 1.0 ; prov:wasDerivedFrom ckr:ev .
ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:mill ; ckg:customer ckr:cohort ;
    ckg:product ckp:aluminium-strip ; prov:wasDerivedFrom ckr:ev .
ckr:r3 a ckg:SupplyRelation ; ckg:supplier ckr:mill ; ckg:customer ckr:far ;
    ckg:product ckp:aluminium-strip ; prov:wasDerivedFrom ckr:ev2 .
ckr:proj a ckg:Project ; skos:prefLabel "Mill expansion"@en ; ckg:investor ckr:mill ; ckg:inCluster ckr:cl ;
    ckg:product ckp:aluminium-strip ; ckg:lifecycle ckr:proj-announced ; ckg:locatedIn ckr:park .
ckr:proj-announced a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:announced .
ckr:uni a ckg:ResearchInstitution ; skos:prefLabel "Tiny University"@en .
ckr:coop a ckg:Cooperation ; ckg:partner ckr:mill , ckr:uni ; ckg:cooperationKind "joint lab" .
"""

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    '<a href="javascript:alert(3)">click</a>',
    "<!-- x",
    "&amp; & \u2028",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.ttl"
    path.write_text(TINY, encoding="utf-8")
    return open_graph([path])


@pytest.fixture(scope="module")
def bundled():
    return open_graph()


def labels(view):
    return sorted(n["label"] for n in view.nodes)


def links(view, style=None):
    by_id = {n["id"]: n["label"] for n in view.nodes}
    return sorted(
        (by_id[e["from"]], by_id[e["to"]], e["style"]) for e in view.edges if style in (None, e["style"])
    )


def page_json(html: str, block: str = "kg-data") -> dict:
    m = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html, re.DOTALL)
    return json.loads(m.group(1))


def page_edges(data: dict) -> list[dict]:
    """The page's edges (sent as columns) as one dict each, as the page's script rebuilds them."""
    c = data["edges"]
    return [{"from": f, "to": t, "style": c["styles"][s], "width": w or 1.5, "label": c["labels"][x] if x >= 0 else ""}
            for f, t, s, w, x in zip(c["from"], c["to"], c["style"], c["width"], c["label"], strict=True)]


# ---------------------------------------------------------------- what a view shows


def test_whole_graph_shows_every_firm_group_cohort_and_their_parks(tiny):
    v = build_view(tiny)
    # Idle Co has no stated supply link: drawn too, apart, as Big Group (an ownership link only)
    assert labels(v) == ["Big Group", "Faraway Cans", "Idle Co", "Mill Co", "Sixty workshops", "Smelter Co",
                         "Tiny Park"]
    assert links(v) == [
        ("Big Group", "Smelter Co", "ownership"),
        ("Idle Co", "Tiny Park", "located"),
        ("Mill Co", "Faraway Cans", "supply"),
        ("Mill Co", "Sixty workshops", "supply"),
        ("Mill Co", "Tiny Park", "located"),
        ("Smelter Co", "Mill Co", "supply"),
    ]
    assert sorted(n["label"] for n in v.nodes if n["apart"]) == ["Big Group", "Idle Co"]
    assert v.physics is True and v.options["physics"]["enabled"] is True
    assert v.options["edges"]["smooth"] is False


def test_ids_are_small_integers_and_iris_are_in_the_data(tiny):
    v = build_view(tiny)
    assert [n["id"] for n in v.nodes] == list(range(len(v.nodes)))
    mill = next(n for n in v.nodes if n["label"] == "Mill Co")
    assert mill["iri"] == "https://w3id.org/cluster-kg/id/mill"
    data = page_json(render_html(v))
    assert {n["iri"] for n in data["nodes"]} >= {"ckr:mill", "ckr:smelter"}


def test_edge_label_is_the_product_and_tooltip_has_quote_and_source(tiny):
    v = build_view(tiny)
    by_label = {n["label"]: n["id"] for n in v.nodes}
    e = next(e for e in v.edges if e["from"] == by_label["Smelter Co"] and e["to"] == by_label["Mill Co"])
    assert e["label"] == "molten aluminium"
    assert e["width"] == 4.0  # share 1.0
    assert ["share", "100%"] in e["tip"]["rows"]
    assert e["tip"]["quotes"] == [["t.txt", "Smelter supplies the mill with molten aluminium."]]


def test_node_tooltip_has_names_cluster_numbers_and_quote(tiny):
    v = build_view(tiny)
    smelter = next(n for n in v.nodes if n["label"] == "Smelter Co")
    rows = dict(smelter["tip"]["rows"])
    assert smelter["tip"]["head"] == "Smelter Co" and smelter["tip"]["sub"] == "firm"
    assert rows["Chinese name"] == "冶炼厂"
    assert rows["also called"] == "Hot Metal Works"
    assert rows["cluster"] == "Tiny cluster"
    assert rows["capacity"] == "1,000,000 t/yr"
    assert smelter["tip"]["quotes"] == [["t.txt", "Smelter supplies the mill with molten aluminium."]]
    cohort = next(n for n in v.nodes if n["kind"] == "cohort")
    assert dict(cohort["tip"]["rows"])["members"] == "60 firms"


def test_cluster_view_marks_firms_outside_the_cluster(tiny):
    v = build_view(tiny, cluster="Tiny cluster")
    outside = sorted(n["label"] for n in v.nodes if n["outside"])
    assert outside == ["Faraway Cans"]
    far = next(n for n in v.nodes if n["outside"])
    assert far["tip"]["sub"] == "firm \u00b7 outside the view's scope"
    assert v.title == "Supply network of Tiny cluster"
    assert [c["label"] for c in v.filters["clusters"]] == ["Tiny cluster", "outside any cluster"]


@pytest.mark.parametrize("place", ["ckr:city", "Tinytown", "ckr:park"])
def test_cluster_may_be_a_region_or_park(tiny, place):
    v = build_view(tiny, cluster=place)
    assert "Mill Co" in labels(v)


def test_around_follows_direction_and_depth(tiny):
    up = build_view(tiny, around="ckr:cohort", depth=1, direction="up")
    assert labels(up) == ["Mill Co", "Sixty workshops", "Tiny Park"]
    up2 = build_view(tiny, around="Sixty workshops", depth=2, direction="up")
    assert labels(up2) == ["Mill Co", "Sixty workshops", "Smelter Co", "Tiny Park"]
    down = build_view(tiny, around="Smelter Co", depth=1, direction="down")
    assert [n["label"] for n in down.nodes if n["focus"]] == ["Smelter Co"]
    assert labels(down) == ["Big Group", "Mill Co", "Smelter Co", "Tiny Park"]
    assert down.title == "Supply network around Smelter Co: customers, 1 step"


def test_include_adds_node_kinds(tiny):
    v = build_view(tiny, include=["products", "projects", "parks", "institutions"])
    kinds = {n["label"]: n["kind"] for n in v.nodes}
    assert kinds["Idle Co"] == "firm"  # brought in by its park
    assert kinds["Mill expansion"] == "project"
    assert kinds["Tiny University"] == "institution"
    assert kinds["aluminium strip"] == "product"
    assert ("Mill Co", "Tiny University", "cooperation") in links(v)
    assert ("Mill Co", "Mill expansion", "invests") in links(v)
    assert ("Mill expansion", "Tiny Park", "located") in links(v)
    assert ("Smelter Co", "molten aluminium", "produces") in links(v)
    legend = [x["label"] for x in v.legend if x["type"] == "node"]
    assert legend[:3] == ["firm", "enterprise group", "firm cohort (stated by count)"]


def test_aggregate_draws_one_node_per_cluster_and_the_flows(tiny):
    v = build_view(tiny, aggregate="cluster")
    assert labels(v) == ["Tiny cluster", "outside any cluster"]
    assert links(v) == [("Tiny cluster", "outside any cluster", "flow")]
    assert v.edges[0]["label"] == "1 link"
    assert v.title == "Supply flows between clusters"


# Three supply links from three articles: inside cluster A, from A to B, and from B to a firm
# in no cluster, that last one stated by an evidence node quoting two articles.
CITED = PREFIXES + """
ckr:one a ckg:Article ; dcterms:identifier "one.txt" .
ckr:two a ckg:Article ; dcterms:identifier "two.txt" .
ckr:three a ckg:Article ; dcterms:identifier "three.txt" .
ckr:e1 a ckg:Evidence ; prov:value "A1 supplies A2." ; prov:hadPrimarySource ckr:one .
ckr:e2 a ckg:Evidence ; prov:value "A2 supplies B1." ; prov:hadPrimarySource ckr:two .
ckr:e3 a ckg:Evidence ; prov:value "B1 supplies Out." ; prov:hadPrimarySource ckr:two , ckr:three .
ckr:cla a ckg:IndustrialCluster ; skos:prefLabel "Cluster A"@en .
ckr:clb a ckg:IndustrialCluster ; skos:prefLabel "Cluster B"@en .
ckr:a1 a ckg:Firm ; skos:prefLabel "A1"@en ; ckg:inCluster ckr:cla .
ckr:a2 a ckg:Firm ; skos:prefLabel "A2"@en ; ckg:inCluster ckr:cla .
ckr:b1 a ckg:Firm ; skos:prefLabel "B1"@en ; ckg:inCluster ckr:clb .
ckr:out a ckg:Firm ; skos:prefLabel "Out"@en .
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:a1 ; ckg:customer ckr:a2 ; prov:wasDerivedFrom ckr:e1 .
ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:a2 ; ckg:customer ckr:b1 ; prov:wasDerivedFrom ckr:e2 .
ckr:r3 a ckg:SupplyRelation ; ckg:supplier ckr:b1 ; ckg:customer ckr:out ; prov:wasDerivedFrom ckr:e3 .
"""


@pytest.fixture(scope="module")
def cited(tmp_path_factory):
    path = tmp_path_factory.mktemp("cited") / "cited.ttl"
    path.write_text(CITED, encoding="utf-8")
    return open_graph([path])


@pytest.mark.parametrize("options, note", [
    ({}, "supply links from 3 source article(s): one.txt; three.txt; two.txt"),  # two.txt counted once
    ({"around": "A1"}, "supply links from 1 source article(s): one.txt"),  # r1 only
    ({"around": "A1", "depth": 2}, "supply links from 2 source article(s): one.txt; two.txt"),
    ({"around": "Out"}, "supply links from 2 source article(s): three.txt; two.txt"),  # r3's two articles
    ({"around": "B1", "direction": "up"}, "supply links from 1 source article(s): two.txt"),
    ({"cluster": "Cluster A"}, "supply links from 2 source article(s): one.txt; two.txt"),  # r1, r2 (to B1)
    ({"cluster": "Cluster B"}, "supply links from 2 source article(s): three.txt; two.txt"),  # r2, r3
    # aggregated: the flows drawn, A -> B (r2) and B -> no cluster (r3); r1 is inside A, not drawn
    ({"aggregate": "cluster"}, "supply links from 2 source article(s): three.txt; two.txt"),
    ({"aggregate": "cluster", "cluster": "Cluster A"}, "supply links from 1 source article(s): two.txt"),
])
def test_the_heading_cites_the_articles_of_the_supply_links_drawn(cited, options, note):
    v = build_view(cited, data_note="Data: three links", **options)
    assert v.data_note == "Data: three links \u00b7 " + note


def test_a_view_whose_links_cite_no_article_has_no_sources_in_its_heading(tmp_path):
    path = tmp_path / "bare.ttl"
    path.write_text(CITED.replace(" ; prov:wasDerivedFrom ckr:e1 .", " ."), encoding="utf-8")
    graph = open_graph([path])
    assert build_view(graph, around="A1").data_note == "Data: the graph given"  # r1 has no evidence
    assert build_view(graph, around="A2", direction="up").data_note == "Data: the graph given"
    assert build_view(graph, around="A2", direction="down").data_note == (
        "Data: the graph given \u00b7 supply links from 1 source article(s): two.txt")


def test_size_by_capacity(tiny):
    v = build_view(tiny, size_by="capacity")
    sizes = {n["label"]: n["size"] for n in v.nodes}
    assert sizes["Smelter Co"] == 38.0 and sizes["Mill Co"] == 8


@pytest.mark.parametrize("measure", ["pagerank", "betweenness", "dominated"])
def test_size_by_network_measures(tiny, measure):
    v = build_view(tiny, size_by=measure)
    assert measure in dict(next(n for n in v.nodes if n["label"] == "Mill Co")["tip"]["rows"])
    assert v.subtitle.endswith(f"size: {measure}")


def test_color_by_risk_uses_esri(tiny):
    # The figure `kg risk` gives (stated bound, all loaded clusters and their partners: 6 nodes).
    # Weights in t/yr: the smelter states 1,000,000; the 4 other firms and groups weigh that median,
    # the cohort 60 times it: total 65 units. The smelter fails: the mill (share 1 stated, molten
    # metal essential for strip) loses all; the cohort and Faraway state no share: 0. 2/65 = 3.08 %.
    # The mill fails: no share of its buyers' input, nor of the smelter's sales, is stated: 1/65.
    v = build_view(tiny, color_by="risk")
    tips = {n["label"]: dict(n["tip"]["rows"]) for n in v.nodes}
    assert tips["Smelter Co"][ESRI_ROW] == "3.08 %" and tips["Mill Co"][ESRI_ROW] == "1.54 %"
    assert tips["Sixty workshops"][ESRI_ROW] == "not ranked (a cohort, or outside every cluster)"
    (gradient,) = [x for x in v.legend if x["type"] == "gradient"]
    assert (gradient["min"], gradient["max"]) == ("0 %", "3.08 %")


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"include": ["firms"]}, ViewError),
        ({"size_by": "colour"}, ViewError),
        ({"direction": "sideways", "around": "Mill Co"}, ViewError),
        ({"depth": 0, "around": "Mill Co"}, ViewError),
        ({"cluster": "Tiny cluster", "around": "Mill Co"}, ViewError),
        ({"aggregate": "cluster", "include": ["parks"]}, ViewError),
        ({"aggregate": "cluster", "size_by": "pagerank"}, ViewError),
        ({"aggregate": "state"}, ViewError),
        ({"color_by": "rainbow"}, ViewError),
        ({"cluster": "Atlantis"}, UnknownName),
        ({"around": "Nobody Ltd"}, UnknownName),
    ],
)
def test_bad_options_raise_typed_errors(tiny, kwargs, error):
    with pytest.raises(error):
        build_view(tiny, **kwargs)


# ---------------------------------------------------------------- large graphs


def synthetic(n, clusters=4):
    import networkx as nx

    g = nx.DiGraph()
    for i in range(n):
        c = f"https://w3id.org/cluster-kg/id/c{i % clusters}"
        g.add_node(f"n{i}", kind="firm", label=f"F{i}", clusters=[c], cluster_labels=[f"C{i % clusters}"])
    for i in range(1, n):
        g.add_edge(f"n{i // 2}", f"n{i}", relations=[], products=[])
    return g


def test_large_view_has_no_physics_and_positions_grouped_by_cluster():
    v = view_from_network(synthetic(PHYSICS_LIMIT + 1))
    assert v.physics is False and v.options["physics"] == {"enabled": False}
    assert v.edge_labels is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in v.nodes)
    # nodes of one cluster are nearer their own cluster's centre than another's
    centres = {}
    for n in v.nodes:
        centres.setdefault(n["clusters"][0], []).append((n["x"], n["y"]))
    mean = {c: (sum(x for x, _ in p) / len(p), sum(y for _, y in p) / len(p)) for c, p in centres.items()}
    for n in v.nodes[:50]:
        own = mean[n["clusters"][0]]
        d = {c: (n["x"] - m[0]) ** 2 + (n["y"] - m[1]) ** 2 for c, m in mean.items()}
        assert min(d, key=d.get) == n["clusters"][0], own


def test_small_view_keeps_physics_with_bounded_stabilisation():
    v = view_from_network(synthetic(PHYSICS_LIMIT))
    assert v.physics is True
    assert v.options["physics"]["stabilization"]["iterations"] <= 300
    assert v.options["physics"]["solver"] == "barnesHut"


def test_large_view_draws_its_own_edges_and_keeps_tooltips_apart():
    v = view_from_network(synthetic(PHYSICS_LIMIT + 1))
    small = view_from_network(synthetic(PHYSICS_LIMIT))
    # without physics the page draws the edges (view.js: "edge layer"); with physics
    # vis-network needs its own edges (they are its springs)
    assert v.edge_layer is True and small.edge_layer is False
    html = render_html(v)
    data, tips = page_json(html), page_json(html, "kg-tips")
    assert data["edge_layer"] is True and page_json(render_html(small))["edge_layer"] is False
    assert [(e["from"], e["to"], e["style"], e["width"], e["label"]) for e in page_edges(data)] == [
        (e["from"], e["to"], e["style"], e["width"], e["label"]) for e in v.edges
    ]
    # ids are positions; the tooltips (most of the bytes) are a block of their own, in order
    assert "id" not in data["nodes"][0] and "tip" not in data["nodes"][0]
    assert len(tips["nodes"]) == len(v.nodes) and len(tips["edges"]) == len(v.edges)
    assert tips["nodes"][7]["head"] == v.nodes[7]["tip"]["head"]


def test_page_data_wants_ids_that_are_positions():
    v = view_from_network(synthetic(5))
    v.nodes[1]["id"], v.nodes[2]["id"] = 2, 1
    with pytest.raises(ViewError, match="node ids must be their positions"):
        render_html(v)


def test_grouped_layout_is_deterministic_and_separates_groups():
    keys = [f"k{i}" for i in range(20)]
    group = {k: ("a" if i < 10 else "b") for i, k in enumerate(keys)}
    assert grouped_layout(keys, group, {}) == grouped_layout(keys, group, {})
    pos = grouped_layout(keys, group, {})
    assert len(set(pos.values())) == 20


# ---------------------------------------------------------------- HTML


def test_page_has_no_external_url(bundled):
    html = render_html(build_view(bundled, include=["products", "projects", "parks", "institutions"]))
    # the only scheme-qualified string is the SVG namespace, an identifier vis-network never fetches
    assert set(re.findall(r"[a-z][a-z0-9+.-]*://[^\s\"'<>)]*", html, re.IGNORECASE)) == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"<(script|img|iframe|link)\b[^>]+(src|href)\s*=\s*(?![\"']?data:)", html, re.IGNORECASE)
    css = "".join(re.findall(r"<style>(.*?)</style>", html, re.DOTALL))
    assert css.count("url(") > 0 and not re.search(r"\burl\(\s*(?![\"']?data:)", css)
    assert "@import" not in html and "sourceMappingURL" not in html
    assert "bootstrap" not in html.lower()


def test_page_inlines_vis_network_and_keeps_a_global_network(tiny):
    html = render_html(build_view(tiny))
    assert "vis-network" in html and "new vis.Network(" in html
    assert "var network = null;" in html
    # the data, vis-network, our script and the tooltips (read on first use), none with a src
    assert re.findall(r"^<script\b[^>]*>", html, re.MULTILINE) == [
        '<script type="application/json" id="kg-data">', "<script>", "<script>",
        '<script type="application/json" id="kg-tips">',
    ]
    data = page_json(html)
    assert len(data["nodes"]) == 7 and len(page_edges(data)) == 6  # Idle Co, apart, and its park link
    assert {e["style"] for e in page_edges(data)} == {"supply", "ownership", "located"}
    tips = page_json(html, "kg-tips")
    assert len(tips["nodes"]) == 7 and len(tips["edges"]) == 6
    assert tips["quotes"] and all(len(q) == 2 for q in tips["quotes"])


def payload_graph(tmp_path):
    bad = PAYLOADS
    ttl = PREFIXES + f"""
ckr:art a ckg:Article ; dcterms:identifier {json.dumps(bad[4])} .
ckr:ev a ckg:Evidence ; prov:value {json.dumps(bad[1])} ; prov:hadPrimarySource ckr:art .
ckr:cl a ckg:IndustrialCluster ; skos:prefLabel {json.dumps(bad[2])}@en .
ckr:a a ckg:Firm ; skos:prefLabel {json.dumps(bad[0])}@en ; skos:altLabel {json.dumps(bad[1])}@en ;
    ckg:inCluster ckr:cl ; prov:wasDerivedFrom ckr:ev .
ckr:b a ckg:Firm ; skos:prefLabel {json.dumps(bad[3])}@en , {json.dumps(bad[2])}@zh .
ckr:r a ckg:SupplyRelation ; ckg:supplier ckr:a ; ckg:customer ckr:b ; ckg:shareWording {json.dumps(bad[0])} ;
    prov:wasDerivedFrom ckr:ev .
"""
    path = tmp_path / "payload.ttl"
    path.write_text(ttl, encoding="utf-8")
    return open_graph([path])


def test_text_from_the_data_cannot_break_out_of_the_page(tmp_path):
    g = payload_graph(tmp_path)
    v = build_view(g, data_note=PAYLOADS[2])
    v.title = PAYLOADS[1] + " " + PAYLOADS[2]
    html = render_html(v)
    for p in PAYLOADS[:4]:
        assert p not in html
    assert "<img src=x" not in html
    assert html.count("</script>") == 4  # only the page's own script blocks end
    data = page_json(html)  # ... and the data comes back unchanged
    assert {n["label"] for n in data["nodes"]} == {PAYLOADS[0], PAYLOADS[3]}
    assert data["title"] == v.title and data["data_note"].startswith(PAYLOADS[2] + " \u00b7 supply links from")
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; &lt;a href=&quot;" in html


def test_script_json_escapes_markup_characters():
    text = script_json({"a": "</script><!--&\u2028"})
    assert not set(text) & {"<", ">", "&", "\u2028"}
    assert json.loads(text) == {"a": "</script><!--&\u2028"}


def test_page_script_never_parses_data_as_html():
    js = (Path(kv.__file__).parent / "templates" / "view.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
    assert "eval(" not in js and "new Function" not in js


def test_write_view_is_atomic(tiny, tmp_path, monkeypatch):
    out = tmp_path / "v.html"
    out.write_text("earlier", encoding="utf-8")
    import kg.utils.files

    def broken(fd):
        raise OSError("disk full")

    monkeypatch.setattr(kg.utils.files.os, "fsync", broken)
    with pytest.raises(OutputError, match=r"v\.html: cannot write the file \(disk full\); the earlier file is unchanged$"):
        write_view(build_view(tiny), out)
    assert out.read_text(encoding="utf-8") == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["v.html"]
    monkeypatch.undo()
    write_view(build_view(tiny), out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# ---------------------------------------------------------------- kg view


@pytest.fixture
def runner():
    return CliRunner()


def test_cli_view_writes_a_page(runner, tmp_path):
    out = tmp_path / "binzhou.html"
    result = runner.invoke(
        kv_cli(), ["view", "--cluster", "ckr:cluster-binzhou", "-o", str(out), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)[0]
    assert row["file"] == str(out) and row["nodes"] > 5 and row["physics"] is True
    data = page_json(out.read_text(encoding="utf-8"))
    assert data["title"] == "Supply network of Binzhou high-end aluminium industry cluster"
    assert data["data_note"].startswith("Data: bundled data")


def test_cli_view_around_and_include(runner, tmp_path):
    out = tmp_path / "w.html"
    result = runner.invoke(
        kv_cli(),
        ["view", "--around", "Weiqiao Venture Group", "--depth", "2", "--direction", "down",
         "--include", "products,parks", "-o", str(out), "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "file,title,nodes,edges,physics"
    data = page_json(out.read_text(encoding="utf-8"))
    assert data["title"].startswith("Supply network around Weiqiao Venture Group: customers, 2 steps")
    assert "product" in {n["kind"] for n in data["nodes"]}


def test_cli_view_open_uses_the_browser(runner, tmp_path, monkeypatch):
    opened = []
    import webbrowser

    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    out = tmp_path / "o.html"
    result = runner.invoke(kv_cli(), ["view", "--aggregate", "cluster", "-o", str(out), "--open"])
    assert result.exit_code == 0, result.output
    assert opened == [out.resolve().as_uri()]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--include", "firms"], "Error: Invalid value for '--include': firms is not one of products, projects, parks, institutions"),
        (["--cluster", "Atlantis"], "Error: no cluster, region or park is called 'Atlantis'."),
        (["--around", "zzqqxx"], "Error: no entity is called 'zzqqxx'."),
    ],
)
def test_cli_view_errors_are_clear(runner, tmp_path, args, message):
    result = runner.invoke(kv_cli(), ["view", "-o", str(tmp_path / "x.html"), *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()


def kv_cli():
    from kg.cli.main import cli

    return cli
