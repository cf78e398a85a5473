"""The curated data: every quote verbatim in its article, every fact sourced, nothing hand-derived."""

from pathlib import Path

import pytest
from conftest import SEEDS_DIR
from rdflib import Graph
from rdflib.namespace import DCTERMS, PROV

from kg.rdf.formats import default_data_paths
from kg.rdf.graph import open_graph
from kg.rdf.query import run_query
from kg.vocab.terms import CKG

DATA_FILES = default_data_paths()


@pytest.fixture(scope="module")
def graph():
    return open_graph()


def test_every_cluster_has_its_file():
    assert sorted(p.name for p in DATA_FILES) == [
        "binzhou.ttl",
        "guangyuan.ttl",
        "sources.ttl",
        "suixi.ttl",
        "yingkou.ttl",
    ]


def test_seed_articles_are_beside_the_repo():
    assert sorted(p.name for p in SEEDS_DIR.glob("*.txt")) == [
        "000_b913c0559ea5575b.txt",
        "001_9a88c2410cca9245.txt",
        "002_e380d923ee963a02.txt",
        "003_1834340446344a4b.txt",
        "004_ab0d5d21d8628090.txt",
    ]


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_quote_is_verbatim_in_its_article(path):
    g = Graph().parse(path)
    g.parse(Path(path).parent / "sources.ttl")
    quotes = list(g.subject_objects(PROV.value))
    if path.name != "sources.ttl":
        assert quotes, "a cluster file without evidence"
    for evidence, quote in quotes:
        article = g.value(evidence, PROV.hadPrimarySource)
        identifier = g.value(article, DCTERMS.identifier)
        assert identifier is not None, f"{evidence}: its article has no dcterms:identifier"
        text = (SEEDS_DIR / str(identifier)).read_text(encoding="utf-8")
        assert str(quote) in text, f"{evidence}: quote not found verbatim in {identifier}"
        assert len(str(quote)) >= 30, f"{evidence}: quote too short to carry a fact"


def test_no_fact_without_source(graph):
    assert run_query(graph, _canned("facts-without-source")).rows == []


def _canned(name):
    from kg.rdf.query import canned_query

    return canned_query(name).text


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_shortcuts_and_inverses_are_never_typed(path):
    g = Graph().parse(path)
    assert list(g.triples((None, CKG.suppliesTo, None))) == []
    assert list(g.triples((None, CKG.subsidiary, None))) == []


def test_each_article_is_identified_by_its_seed_file(graph):
    rows = run_query(graph, "SELECT ?id WHERE { ?a a ckg:Article ; dcterms:identifier ?id } ORDER BY ?id").rows
    assert [str(r[0]) for r in rows] == sorted(p.name for p in SEEDS_DIR.glob("*.txt"))


def test_weiqiao_supplies_the_zouping_firms(graph):
    rows = run_query(
        graph,
        """SELECT ?customer ?product ?inferred WHERE {
             ?r ckg:supplier ckr:weiqiao-group ; ckg:customer ?customer ; ckg:product ?product .
             OPTIONAL { ?r ckg:inferred ?i } BIND(COALESCE(?i, false) AS ?inferred)
           } ORDER BY ?customer ?product""",
    ).rows
    assert [(str(c).rsplit("/", 1)[1], str(p).rsplit("/", 1)[1], bool(i.toPython())) for c, p, i in rows] == [
        ("cohort-binzhou-weiqiao-derived", "aluminium-metal", False),
        ("cohort-zouping-deep-processing", "aluminium-ingot", False),
        ("cohort-zouping-deep-processing", "molten-aluminium", False),
        ("innovation-metal", "aluminium-ingot", True),
    ]


def test_inferred_facts_name_their_rule(graph):
    rows = run_query(graph, _canned("inferred-facts")).rows
    assert sorted((str(r[0]).rsplit("/", 1)[1], str(r[2]).rsplit("/", 1)[1]) for r in rows) == [
        ("stmt-innovation-metal-group", "rule-shared-trade-name"),
        ("stmt-innovation-metal-in-zouping", "rule-speaker-county"),
        ("stmt-weiqiao-ae-group", "rule-shared-trade-name"),
        ("supply-weiqiao-innovation-metal", "rule-county-supplier"),
    ]
    assert all(r[3] is not None for r in rows)


def test_numbers_are_normalised_and_keep_their_wording(graph):
    rows = run_query(
        graph,
        """SELECT ?v ?w WHERE { ckr:cluster-binzhou ckg:outputValue ?q .
             ?q qudt:numericValue ?v ; qudt:unit unit:CCY_CNY ; ckg:originalWording ?w }""",
    ).rows
    assert [(int(v.toPython()), str(w)) for v, w in rows] == [(330_000_000_000, "an output value of 330billion yuan")]


def test_aliases_resolve_to_one_firm(graph):
    from kg.lookup.names import resolve

    for alias in ["Weiqiao venture group", "Weiqiao entrepreneurial group", "魏桥创业集团", "WEIQIAO VENTURE GROUP"]:
        assert resolve(graph, alias).iri.endswith("/weiqiao-group"), alias
    assert resolve(graph, "Shandong innovative Metal Co., Ltd.").iri.endswith("/innovation-metal")
