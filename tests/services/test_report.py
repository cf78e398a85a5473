"""The "who depends on whom" report (kg/services/report.py, kg/render/report_*.py) on a tiny cluster.

A smelter (molten aluminium) supplies a rolling mill (aluminium strip) and a second mill,
both from the same sentence (evidence ev1), and, with a stated share of 0.4, a buyer outside
the cluster whose products are unknown. The cluster states an output value of 330 billion
yuan; its project "Plant" a capacity of "more than 250,000 tons" and an investment of
"nearly 1.5 billion yuan"; a second project a capacity of 100,000 tons; a cohort "more than
60 firms". Articles have titles and hash-like file names (007_3f2a.txt), which the report
must never print.
"""

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kg.analysis.esri.ranking import esri
from kg.errors import UnknownFormat, UnknownName
from kg.ingest.load import load_into_store
from kg.lookup.clusters import cluster_members
from kg.network.model import neighbourhood
from kg.network.project import supply_network
from kg.network.scheme import essential_map
from kg.rdf.graph import count_triples, open_graph
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
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex:   <http://example.org/> .

ex:art a ckg:Article ; dcterms:identifier "007_3f2a.txt" ; dcterms:title "Metal & <mills>"@en .
ex:art2 a ckg:Article ; dcterms:identifier "008_9b1c.txt" ; dcterms:title "Plants of the county"@en .
ex:c a ckg:IndustrialCluster ; skos:prefLabel "Test cluster"@en ;
    ckg:outputValue [ a ckg:Quantity ; qudt:numericValue 330000000000.0 ; qudt:unit unit:CCY_CNY ;
        ckg:originalWording "an output value of 330billion yuan" ; ckg:bound "exact" ; prov:wasDerivedFrom ex:ev3 ] .
ex:smelter a ckg:Firm ; skos:prefLabel "Smelter"@en ; ckg:inCluster ex:c ;
    ckg:produces ckp:molten-aluminium ; prov:wasDerivedFrom ex:ev1 .
ex:mill a ckg:Firm ; skos:prefLabel "Mill"@en ; ckg:inCluster ex:c ;
    ckg:produces ckp:aluminium-strip ; prov:wasDerivedFrom ex:ev1 .
ex:mill2 a ckg:Firm ; skos:prefLabel "Second mill"@en ; ckg:inCluster ex:c ;
    ckg:produces ckp:aluminium-strip ; prov:wasDerivedFrom ex:ev1 .
ex:buyer a ckg:Firm ; skos:prefLabel "Buyer"@en .
ex:plant a ckg:Project ; skos:prefLabel "Plant"@en ; ckg:inCluster ex:c ; ckg:lifecycle ex:plant-on ;
    ckg:capacity [ a ckg:Quantity ; qudt:numericValue 250000.0 ; qudt:unit unit:TONNE-PER-YR ;
        ckg:originalWording "more than 250,000 tons a year" ; ckg:bound "at least" ; prov:wasDerivedFrom ex:ev4 ] ;
    ckg:investment [ a ckg:Quantity ; qudt:numericValue 1500000000.0 ; qudt:unit unit:CCY_CNY ;
        ckg:originalWording "nearly 1.5 billion yuan" ; ckg:bound "about" ; prov:wasDerivedFrom ex:ev4 ] ;
    prov:wasDerivedFrom ex:ev4 .
ex:plant-on a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:inOperation ; ckg:date "2018"^^xsd:gYear .
ex:plant2-announced a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:announced .
ex:plant2 a ckg:Project ; skos:prefLabel "Small plant"@en ; ckg:inCluster ex:c ; ckg:lifecycle ex:plant2-announced ;
    ckg:capacity [ a ckg:Quantity ; qudt:numericValue 100000.0 ; qudt:unit unit:TONNE-PER-YR ;
        ckg:originalWording "100,000 tons" ; ckg:bound "exact" ; prov:wasDerivedFrom ex:ev5 ] ;
    prov:wasDerivedFrom ex:ev5 .
ex:cohort a ckg:FirmCohort ; skos:prefLabel "Cohort of the county"@en ; ckg:inCluster ex:c ;
    ckg:memberCount 60 ; ckg:originalWording "more than 60 firms" ; prov:wasDerivedFrom ex:ev5 .
ex:r1 a ckg:SupplyRelation ; ckg:supplier ex:smelter ; ckg:customer ex:mill ;
    ckg:product ckp:molten-aluminium ; prov:wasDerivedFrom ex:ev1 .
ex:r3 a ckg:SupplyRelation ; ckg:supplier ex:smelter ; ckg:customer ex:mill2 ;
    ckg:product ckp:molten-aluminium ; prov:wasDerivedFrom ex:ev1 .
ex:r2 a ckg:SupplyRelation ; ckg:supplier ex:smelter ; ckg:customer ex:buyer ;
    ckg:product ckp:aluminium-ingot ; ckg:share 0.4 ; prov:wasDerivedFrom ex:ev2 .
ex:ev1 a ckg:Evidence ; prov:value "The mills get <molten> aluminium | straight & hot." ; prov:hadPrimarySource ex:art .
ex:ev2 a ckg:Evidence ; prov:value "The buyer takes ingot." ; prov:hadPrimarySource ex:art .
ex:ev3 a ckg:Evidence ; prov:value "An output value of 330billion yuan." ; prov:hadPrimarySource ex:art .
ex:ev4 a ckg:Evidence ; prov:value "Plant: more than 250,000 tons a year, nearly 1.5 billion yuan." ; prov:hadPrimarySource ex:art2 .
ex:ev5 a ckg:Evidence ; prov:value "The county has more than 60 firms; a plant of 100,000 tons is planned." ; prov:hadPrimarySource ex:art2 .
"""

QUOTE = "The mills get <molten> aluminium | straight & hot."
NOW = datetime(2025, 3, 1, 9, 30, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("data") / "test.ttl"
    p.write_text(TTL, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def graph(path):
    return open_graph([path])


@pytest.fixture(scope="module")
def report(graph, path):
    return build_report(graph, data=[path], now=NOW)


@pytest.fixture(scope="module")
def md(report):
    return render_markdown(report)


@pytest.fixture(scope="module")
def page(report):
    return render_html(report)


def test_date_and_data_version(report, graph, path, md, page):
    assert report["generated"] == "2025-03-01T09:30:05Z"
    data = report["data"]
    assert (data["kind"], data["triples"]) == ("files", count_triples(graph))
    assert data["files"] == [{"name": "test.ttl", "path": str(path),
                              "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}]
    assert data["package"].startswith("cluster-kg ")
    for text in (md, page):
        (stamp,) = re.findall(r"Generated: (\S+) \(UTC\)", text)
        assert datetime.fromisoformat(stamp) == NOW
        assert f"test.ttl: sha256 {data['files'][0]['sha256']}" in text
        assert f"Data: files (1 file); {data['triples']:,} triples; cluster-kg" in text


def test_data_version_of_a_store_names_its_generation(path, tmp_path):
    store = tmp_path / "store"
    load_into_store(store, [path], validate=False)
    report = build_report(open_graph(store=store), store=store, now=NOW)
    generation = os.readlink(store / "kg-current")
    assert {k: report["data"][k] for k in ("kind", "store", "generation", "files")} == {
        "kind": "store", "store": str(store), "generation": Path(generation).name, "files": []}
    assert f"Data: store {store}, generation {Path(generation).name}; " in render_markdown(report)


def test_date_defaults_to_now_in_utc(graph, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    stamp = build_report(graph)["generated"]
    parsed = datetime.fromisoformat(stamp)
    assert stamp.endswith("Z") and parsed.utcoffset().total_seconds() == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740821405")  # 2025-03-01 09:30:05 UTC
    assert build_report(graph)["generated"] == "2025-03-01T09:30:05Z"


def test_key_figures_with_bounds_separators_and_units(report, md):
    (c,) = report["clusters"]
    # the cluster's own figure first; then by measure (output value, capacity, investment), largest first
    assert [(f["subject_label"], f["measure"], f["text"]) for f in c["key_figures"]] == [
        ("Test cluster", "output value", "330,000,000,000 yuan"),
        ("Plant", "capacity", "more than 250,000 t/yr"),
        ("Small plant", "capacity", "100,000 t/yr"),
        ("Plant", "investment", "about 1,500,000,000 yuan"),
    ]
    assert [(s["subject_label"], s["text"]) for s in c["stated_counts"]] == [
        ("Cohort of the county", "more than 60 enterprises")]
    assert c["counts"] == {"firms": 3, "groups": 0, "cohorts": 1, "projects": 2, "targets": 0,
                           "projects_by_status": {"in operation": 1, "announced": 1}}
    n3 = _number(report, "An output value of 330billion yuan.")
    n4 = _number(report, "Plant: more than 250,000 tons a year, nearly 1.5 billion yuan.")
    assert f"| Test cluster | output value | 330,000,000,000 yuan |  | “an output value of 330billion yuan” | [{n3}] |" in md
    assert (f"| Plant | capacity | more than 250,000 t/yr | in operation, 2018 | “more than 250,000 tons a year” | [{n4}] |"
            in md)
    assert f"| Plant | investment | about 1,500,000,000 yuan | in operation, 2018 | “nearly 1.5 billion yuan” | [{n4}] |" in md
    assert "- **Plant**: in operation, 2018" in md and "- **Small plant**: announced" in md
    assert "3 firms, 0 enterprise groups, 1 firm cohort, 2 projects (1 in operation, 1 announced)" in md


def _number(report, quote) -> int:
    (n,) = [q["n"] for q in report["quotes"] if q["quote"] == quote]
    return n


def test_each_quote_once_by_number_with_article_titles(report, md, page):
    n = _number(report, QUOTE)
    deps = report["clusters"][0]["key_dependencies"]
    # two supply links rest on the same sentence: both cite it, it is printed once
    assert [d["customer_label"] for d in deps if n in d["quotes"]] == ["Mill", "Second mill"]
    assert md.count("The mills get \\<molten\\> aluminium") == 1
    assert f"{n}. “The mills get \\<molten\\> aluminium \\| straight & hot.” — Metal & \\<mills\\>" in md
    assert page.count("The mills get &lt;molten&gt; aluminium") == 1
    assert (f'<li id="q{n}" value="{n}"><span class="quote">“The mills get &lt;molten&gt; aluminium | straight &amp; hot.”'
            "</span> — Metal &amp; &lt;mills&gt;</li>") in page
    c = report["clusters"][0]
    citing = [*c["key_figures"], *c["stated_counts"], *c["key_dependencies"], *c["gaps"].get("stages", [])]
    assert page.count(f'<a href="#q{n}">[{n}]</a>') == sum(f.get("quotes", []).count(n) for f in citing) >= 2
    assert [q["n"] for q in report["quotes"]] == list(range(1, len(report["quotes"]) + 1))
    assert len({q["quote"] for q in report["quotes"]}) == len(report["quotes"])


def test_sources_by_title_never_by_file_name(report, md, page):
    assert [s["title"] for s in report["sources"]] == ["Metal & <mills>", "Plants of the county"]
    assert [s["title"] for s in report["clusters"][0]["sources"]] == ["Metal & <mills>", "Plants of the county"]
    assert "- Metal & \\<mills\\>\n" in md and "<li>Metal &amp; &lt;mills&gt;</li>" in page
    for text in (md, page, json.dumps(report)):
        assert "007_3f2a" not in text and "008_9b1c" not in text


def test_esri_as_percent_with_both_bounds_and_scope(graph, report, md):
    # The network of the cluster: smelter, mill, second mill, the cohort (weight 60; in the cluster, no
    # link, never a candidate) and the buyer they trade with: weight 64, as `kg risk --cluster` takes it.
    # Smelter fails, "stated" bound: its own 1; the buyer loses its stated share 0.4; the mills' shares are
    # not stated, so they count 0: (1 + 0.4) / 64 = 0.021875. "named" bound: the mills lose their only
    # named (essential) input: (1 + 1 + 1 + 0.4) / 64 = 0.053125. Each mill takes down only its own 1/64,
    # so under the stated bound they are not listed (2 firms, said in the note).
    (c,) = report["clusters"]
    assert [(r["rank"], r["label"], r["esri"], r["esri_low"], r["esri_high"], r["own"], r["bound"])
            for r in c["top_risks"]] == [(1, "Smelter", 0.021875, 0.021875, 0.053125, 0.015625, "stated")]
    assert "| 1 | Smelter | 2.19 % | 2.19 % – 5.31 % | 0.62 % | 3 (weight 3) |  | Buyer (40.0 %) |" in md
    assert ("ESRI in % of the production of cluster Test cluster and its direct partners (5 nodes), the same "
            "figures as `kg risk --cluster`. ESRI is the stated bound; the range gives both (stated – named). "
            "2 other firms take down only their own output on stated coverage.") in md
    G = supply_network(graph)
    members = cluster_members(graph, "http://example.org/c") & set(G)
    assert sorted(members) == ["http://example.org/cohort", "http://example.org/mill", "http://example.org/mill2",
                               "http://example.org/smelter"]
    (smelter,) = [r for r in esri(neighbourhood(G, members), firms=sorted(members), essential=essential_map(graph))
                  if r.label == "Smelter"]
    assert round(smelter.esri, 6) == c["top_risks"][0]["esri"]


def test_top_n_cut_says_how_many_more(graph):
    report = build_report(graph, top=1, now=NOW)
    (c,) = report["clusters"]
    assert len(c["key_dependencies"]) == 1 and c["key_dependencies_more"] == 2
    assert [f["subject_label"] for f in c["key_figures"] if f["measure"] == "capacity"] == ["Plant"]
    assert c["key_figures_more"] == {"capacity": 1}
    assert (len(c["projects"]), c["projects_more"]) == (1, 1)
    assert len(c["top_risks"]) == 1 and c["ranked"] == 1
    md = render_markdown(report)
    assert "and 2 more dependencies (kg depends FIRM lists a firm's links)." in md
    assert "and 1 more capacities (the 1 largest are listed)." in md
    assert "and 1 more projects." in md
    page = render_html(report)
    assert "and 2 more dependencies" in page and "and 1 more projects." in page


def test_html_is_self_contained_and_escaped(page):
    assert page.startswith("<!DOCTYPE html>")
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


def test_bundled_report_titles_dates_and_quotes():
    report = build_report(open_graph(), now=NOW)
    md = render_markdown(report)
    assert "Generated: 2025-03-01T09:30:05Z (UTC)" in md
    assert "Data: bundled data (5 files);" in md
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", md)  # no seed file name
    assert "- Yingkou: Build an aluminum processing industry cluster to boost development" in md
    quotes = [q["quote"] for q in report["quotes"]]
    assert len(quotes) == len(set(quotes))
    goals = {t["goal"] for c in report["clusters"] for t in c["targets"]}  # a goal's own words, printed with it
    for q in quotes:  # printed once, in quotation marks (a quote may also end another, longer one)
        assert md.count("“" + " ".join(q.split()).replace("|", "\\|") + "”") == 1 + (q in goals)
    binzhou = next(c for c in report["clusters"] if c["label"].startswith("Binzhou"))
    assert binzhou["key_figures"][0]["text"] == "330,000,000,000 yuan"
    suixi = next(c for c in report["clusters"] if c["label"].startswith("Suixi"))
    assert [f["text"] for f in suixi["key_figures"] if f["measure"] == "investment"] == [
        "30,400,000,000 yuan", "about 2,000,000,000 yuan", "699,000,000 yuan"]


CARD_TTL = """
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
def card_graph(tmp_path_factory):
    """The graph of the dependency-card test (as before the report's own graph grew)."""
    p = tmp_path_factory.mktemp("card") / "card.ttl"
    p.write_text(CARD_TTL, encoding="utf-8")
    return open_graph([p])


def test_dependency_card(card_graph):
    graph = card_graph
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
    # the "stated" bound (default): when the mill fails, the smelter's sales to it count only as far as
    # the sources state the smelter's total sales (not at all), so only the mill's own third is lost
    assert {k: card["esri"][k] for k in ("value", "own")} == {"value": 0.333333, "own": 0.333333}
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
        True,  # "all" states the whole share
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
