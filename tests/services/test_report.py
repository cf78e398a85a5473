"""The "who depends on whom" report (kg/report.py) on a tiny cluster.

A smelter (molten aluminium) supplies a rolling mill (aluminium strip) and, with
a stated share of 0.4, a buyer outside the cluster whose products are unknown.
Weights 1 each, total 3 (the cluster's members and the firms they trade with).

- Smelter fails: the mill loses its essential metal (sole supplier, share not
  stated: all of it) → 0; the buyer loses 0.4 of its only input → 0.6.
  ESRI = (1 + 1 + 0.4) / 3 = 0.8: its own 1/3 and 1.4/3 lost by the others.
- Mill fails: the smelter sells half to the mill (by customer weight) → 0.5.
  ESRI = (1 + 0.5) / 3 = 0.5 (the buyer, failing, does the same: both rank 2).
- The smelter dominates the mill and the buyer (weight 2).
"""

import json

import pytest

from kg.errors import UnknownFormat, UnknownName
from kg.network.project import supply_network
from kg.rdf.graph import open_graph
from kg.render.report import write_report
from kg.render.report_html import render_html
from kg.render.report_md import render_markdown
from kg.services.card import dependency_card
from kg.services.report import build_report

TTL = """
@prefix ckg:  <https://w3id.org/cluster-kg/ontology#> .
@prefix ckp:  <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex:   <http://example.org/> .

ex:art a ckg:Article ; dcterms:identifier "007_test.txt" ; dcterms:title "Metal & <mills>"@en .
ex:c a ckg:IndustrialCluster ; skos:prefLabel "Test cluster"@en .
ex:smelter a ckg:Firm ; skos:prefLabel "Smelter"@en ; ckg:inCluster ex:c ;
    ckg:produces ckp:molten-aluminium ; prov:wasDerivedFrom ex:ev1 .
ex:mill a ckg:Firm ; skos:prefLabel "Mill"@en ; ckg:inCluster ex:c ;
    ckg:produces ckp:aluminium-strip ; prov:wasDerivedFrom ex:ev1 .
ex:buyer a ckg:Firm ; skos:prefLabel "Buyer"@en .
ex:r1 a ckg:SupplyRelation ; ckg:supplier ex:smelter ; ckg:customer ex:mill ;
    ckg:product ckp:molten-aluminium ; ckg:shareWording "all" ; prov:wasDerivedFrom ex:ev1 .
ex:r2 a ckg:SupplyRelation ; ckg:supplier ex:smelter ; ckg:customer ex:buyer ;
    ckg:product ckp:aluminium-ingot ; ckg:share 0.4 ; prov:wasDerivedFrom ex:ev2 .
ex:ev1 a ckg:Evidence ; prov:value "The mill gets <molten> aluminium | straight & hot." ; prov:hadPrimarySource ex:art .
ex:ev2 a ckg:Evidence ; prov:value "The buyer takes ingot." ; prov:hadPrimarySource ex:art .
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "test.ttl"
    path.write_text(TTL, encoding="utf-8")
    return open_graph([path])


@pytest.fixture(scope="module")
def report(graph):
    return build_report(graph)


def test_report_structure(report):
    (c,) = report["clusters"]
    assert (c["iri"], c["label"], c["members"]) == ("http://example.org/c", "Test cluster", 2)
    assert [(r["rank"], r["label"], r["esri"], r["own"], r["others"]) for r in c["top_risks"]] == [
        (1, "Smelter", 0.8, 0.333333, 0.466667),
        (2, "Mill", 0.5, 0.333333, 0.166667),
    ]
    smelter = c["top_risks"][0]
    assert (smelter["dominated_count"], smelter["dominated_weight"]) == (2, 2)
    assert smelter["affected"] == [
        {"firm": "http://example.org/mill", "label": "Mill", "loss": 1.0},
        {"firm": "http://example.org/buyer", "label": "Buyer", "loss": 0.4},
    ]
    assert smelter["sole_supplier_of"] == [
        "Mill (aluminium metal (molten aluminium, ingot, alloy))"
    ]
    assert [
        (p["label"], p["dominated_weight"], [d["label"] for d in p["dominated"]])
        for p in c["single_points_of_failure"]
    ] == [("Smelter", 2, ["Buyer", "Mill"])]
    assert c["sources"] == [
        {
            "article": "http://example.org/art",
            "identifier": "007_test.txt",
            "title": "Metal & <mills>",
        }
    ]
    assert [s["stage"] for s in c["gaps"]["covered"]] == ["casting and alloying", "rolling"]


def test_key_dependencies_keep_quotes_and_unknowns(report):
    deps = report["clusters"][0]["key_dependencies"]
    assert [(d["supplier_label"], d["customer_label"], d["input_label"]) for d in deps] == [
        ("Smelter", "Mill", "aluminium metal (molten aluminium, ingot, alloy)"),
        ("Smelter", "Buyer", "aluminium ingot"),
    ]
    mill, buyer = deps
    assert (
        mill["essential"],
        mill["sole_supplier"],
        mill["share"],
        mill["share_wording"],
        mill["assumed_share"],
    ) == (
        True,
        True,
        None,
        "all",
        1.0,
    )
    assert mill["quotes"] == ["The mill gets <molten> aluminium | straight & hot."]
    assert mill["sources"] == ["007_test.txt"]
    assert (
        buyer["essential"],
        buyer["sole_supplier"],
        buyer["share"],
        buyer["assumed_share"],
        buyer["volume"],
    ) == (
        False,
        False,
        0.4,
        None,
        None,
    )


def test_markdown(report):
    md = render_markdown(report)
    assert md.startswith("# Who depends on whom\n")
    assert "## Test cluster\n" in md
    assert (
        "| Smelter | Mill | aluminium metal (molten aluminium, ingot, alloy) | unknown (“all”); 1 assumed | unknown "
        "| sole supplier, essential input | The mill gets <molten> aluminium \\| straight & hot. | 007_test.txt |"
    ) in md
    assert (
        "| Smelter | Buyer | aluminium ingot | 0.4 (stated) | unknown | non-essential input | The buyer takes ingot. | 007_test.txt |"
        in md
    )
    assert (
        "| 1 | Smelter | 80.0 % | 46.7 % | 2 (2) | Mill (aluminium metal (molten aluminium, ingot, alloy)) | Mill (100.0 %), Buyer (40.0 %) |"
        in md
    )
    assert "- **Smelter** dominates 2 (weight 2): Buyer, Mill" in md
    assert "- Metal & <mills> (007_test.txt)" in md
    assert "- Smelter: sales volumes not stated; sales split by customer weight" in md


def test_html_is_self_contained_and_escaped(report):
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>")
    assert (
        '<td class="quote">The mill gets &lt;molten&gt; aluminium | straight &amp; hot.</td>'
        in page
    )
    assert "<li>Metal &amp; &lt;mills&gt; (007_test.txt)</li>" in page
    assert '<a href="#cluster-1">Test cluster</a>' in page
    for forbidden in ("<script", "src=", "http://", "https://", "<link", "@import", "url("):
        assert forbidden not in page
    assert page.count("href=") == page.count('href="#')


def test_json_round_trip(report, tmp_path):
    path = write_report(report, tmp_path / "out" / "report.json")
    assert json.loads(path.read_text(encoding="utf-8")) == report


@pytest.mark.parametrize(
    "suffix, start",
    [(".md", "# Who depends on whom"), (".html", "<!DOCTYPE html>"), (".HTML", "<!DOCTYPE html>")],
)
def test_write_by_extension(report, tmp_path, suffix, start):
    path = write_report(report, tmp_path / f"report{suffix}")
    assert path.read_text(encoding="utf-8").startswith(start)
    assert [p.name for p in tmp_path.iterdir()] == [f"report{suffix}"]  # no temporary file left


def test_unknown_extension_is_a_typed_error(report, tmp_path):
    with pytest.raises(
        UnknownFormat, match=r"report\.pdf: unknown report format '\.pdf'; use \.html, \.json, \.md"
    ):
        write_report(report, tmp_path / "report.pdf")
    assert list(tmp_path.iterdir()) == []


def test_dependency_card(graph):
    from kg.network.scheme import essential_map

    net = supply_network(graph)
    card = dependency_card(net, "http://example.org/mill", essential=essential_map(graph))
    assert (card["label"], card["kind"], card["clusters"]) == ("Mill", "firm", ["Test cluster"])
    assert [
        (s["label"], s["product_label"], s["share"], s["share_wording"], s["quote"], s["source"])
        for s in card["suppliers"]
    ] == [
        (
            "Smelter",
            "molten aluminium",
            None,
            "all",
            "The mill gets <molten> aluminium | straight & hot.",
            "007_test.txt",
        )
    ]
    assert card["customers"] == []
    assert card["dominators"] == [{"firm": "http://example.org/smelter", "label": "Smelter"}]
    assert card["dominated"] == []
    assert {k: card["esri"][k] for k in ("value", "own", "rank", "of", "rounds")} == {
        "value": 0.5,
        "own": 0.333333,
        "rank": 2,
        "of": 3,
        "rounds": 2,
    }
    (conc,) = card["concentration"]
    assert (
        conc["input_label"],
        conc["essential"],
        conc["hhi"],
        conc["sole_supplier"],
        conc["shares_stated"],
    ) == (
        "aluminium metal (molten aluminium, ingot, alloy)",
        True,
        1.0,
        True,
        False,
    )
    smelter = dependency_card(net, "http://example.org/smelter", essential=essential_map(graph))
    assert [d["label"] for d in smelter["dominated"]] == ["Buyer", "Mill"]
    assert smelter["sole_supplier_of"] == [
        {
            "customer": "http://example.org/mill",
            "label": "Mill",
            "input": "aluminium metal (molten aluminium, ingot, alloy)",
        }
    ]
    with pytest.raises(UnknownName):
        dependency_card(net, "http://example.org/nobody")
