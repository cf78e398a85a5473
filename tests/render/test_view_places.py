"""kg view on every bundled cluster and place: every member drawn, the unlinked ones apart, no traceback."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from conftest import PREFIXES, run

from kg.lookup.clusters import cluster_members
from kg.network.project import supply_network
from kg.rdf.graph import open_graph, select
from kg.render.view.build import view_from_network
from kg.render.view.layout import apart_layout, grouped_layout
from kg.services.view import build_view
from kg.vocab.namespaces import compact

CKR = "https://w3id.org/cluster-kg/id/"

PLACES = [
    "anhui", "binzhou", "china", "cluster-binzhou", "cluster-guangyuan", "cluster-suixi", "cluster-yingkou",
    "dashiqiao", "guangyuan", "haian", "huaibei", "shandong", "suixi", "suixi-aluminium-based-metal-materials-base",
    "suixi-economic-development-zone", "suixi-sino-german-park", "yingkou", "yingkou-coastal-industrial-base",
    "zouping", "zouping-deep-processing-park",
]
"""Every cluster and place of the bundled data (test_the_places_are_those_of_the_data checks the list)."""

_PLACES_QUERY = """
SELECT DISTINCT ?x WHERE { ?y ckg:inCluster|ckg:clusterRegion|ckg:locatedIn|ckg:headquarteredIn|ckg:partOf ?x }
"""


@pytest.fixture(scope="module")
def bundled():
    return open_graph()


@pytest.fixture(scope="module")
def network(bundled):
    return supply_network(bundled)


def page_json(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.DOTALL).group(1)
    return json.loads(block)


def test_the_places_are_those_of_the_data(bundled):
    assert sorted(compact(x).removeprefix("ckr:") for (x,) in select(bundled, _PLACES_QUERY)) == PLACES


@pytest.mark.parametrize("place", PLACES)
def test_kg_view_draws_every_member_of_every_place(place, bundled, network, runner, tmp_path):
    members = sorted(n for n in cluster_members(bundled, CKR + place) if n in network)
    out = tmp_path / "v.html"
    result = run(runner, "view", "--cluster", f"ckr:{place}", "-o", str(out), "--format", "json")
    assert result.exit_code == 0
    html = out.read_text(encoding="utf-8")
    nodes = {n["iri"]: n for n in page_json(html)["nodes"]}
    for m in members:
        node = nodes[compact(m)]
        label = network.nodes[m]["label"]
        assert label in [node["label"], *node["names"]]
        # a member with no stated supply link is drawn apart, and only then
        assert node.get("apart", False) == (network.degree(m) == 0)
    if not members:
        assert "nothing to draw" in result.output


@pytest.mark.parametrize("place, shown, apart", [
    # Binzhou: 11 members (CITIC Dicastal, BAIC and AVIC were attracted to it, not placed in it),
    # 6 with a supply link (plus the firms outside they trade with), 5 without
    ("cluster-binzhou", 11, 5),
    ("cluster-yingkou", 11, 11),
    ("cluster-suixi", 9, 9),  # 3 firms and 6 cohorts (the county's aluminium enterprises, issue 14)
    ("cluster-guangyuan", 5, 5),
])
def test_the_four_clusters_show_all_members(place, shown, apart, bundled, network):
    v = build_view(bundled, cluster=f"ckr:{place}")
    inside = [n for n in v.nodes if not n["outside"] and n["kind"] in ("firm", "group", "cohort")]
    assert (len(inside), sum(n["apart"] for n in inside)) == (shown, apart)
    if apart:
        assert any(x["label"].startswith("below, apart: no stated supply link") for x in v.legend)


def test_aggregated_view_shows_all_four_clusters(bundled):
    v = build_view(bundled, aggregate="cluster")
    labels = sorted(n["label"] for n in v.nodes)
    assert labels == ["Binzhou high-end aluminium industry cluster", "Guangyuan Aluminum Industry Cluster",
                      "Suixi Aluminum Industry Cluster", "Yingkou Aluminum Processing Industry Cluster",
                      "outside any cluster"]
    ids = {n["label"]: n["id"] for n in v.nodes}
    linked = {e["from"] for e in v.edges} | {e["to"] for e in v.edges}
    # Suixi, Guangyuan and Yingkou state no supply link: nodes without edges
    assert [lab for lab, i in sorted(ids.items()) if i not in linked] == [
        "Guangyuan Aluminum Industry Cluster", "Suixi Aluminum Industry Cluster",
        "Yingkou Aluminum Processing Industry Cluster"]
    suixi = next(n for n in v.nodes if n["label"] == "Suixi Aluminum Industry Cluster")
    assert dict(suixi["tip"]["rows"])["no stated supply link"] == "9 of 9"


LONE = PREFIXES + """
ckr:cl a ckg:IndustrialCluster ; skos:prefLabel "Lone cluster"@en .
ckr:a a ckg:Firm ; skos:prefLabel "Alone A"@en ; ckg:inCluster ckr:cl .
ckr:b a ckg:FirmCohort ; skos:prefLabel "Cohort B"@en ; ckg:memberCount 5 ; ckg:inCluster ckr:cl .
ckr:p a ckg:IndustrialPark ; skos:prefLabel "Park P"@en .
ckr:a ckg:locatedIn ckr:p .
"""


def test_a_cluster_without_links_is_drawn_as_rows_without_physics(tmp_path):
    path = tmp_path / "lone.ttl"
    path.write_text(LONE, encoding="utf-8")
    v = build_view(open_graph([path]), cluster="Lone cluster")
    by = {n["label"]: n for n in v.nodes}
    assert sorted(by) == ["Alone A", "Cohort B", "Park P"]
    assert (by["Alone A"]["apart"], by["Cohort B"]["apart"], by["Park P"]["apart"]) == (True, True, False)
    # the park is linked to apart nodes only: it stays above them, and nothing needs physics
    assert by["Park P"]["still"] and v.physics is False
    assert by["Park P"]["y"] < by["Alone A"]["y"] == by["Cohort B"]["y"]
    assert dict(by["Alone A"]["tip"]["rows"])["supply links"].startswith("none stated in the loaded data")
    assert v.subtitle.startswith("2 firms, groups and cohorts, 0 supply links (2 with no stated supply link")


def test_apart_nodes_sit_below_the_linked_ones():
    # a -> b linked; c has no link: c is in a row under a and b, 3 * spacing below the lowest
    pos = grouped_layout(["a", "b"], {}, {"a": 1, "b": 1}, spacing=10)
    low = max(y for _, y in pos.values())
    assert apart_layout(["c"], pos, spacing=10)["c"][1] == round(low + 30, 1)
    assert grouped_layout([], {}, {}) == {}


def test_an_empty_place_is_a_note_not_a_traceback():
    v = view_from_network(nx.DiGraph(), cluster="ex:nowhere", members=set())
    assert (v.nodes, v.edges, v.physics) == ([], [], False)
    assert v.note == ("nowhere: nothing to draw: no firm, group or cohort is stated to be in it "
                      "(the sources name none; this does not mean there is none)")
