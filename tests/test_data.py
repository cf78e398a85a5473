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
        ("lc-project-guangyuan-electrolytic-aluminium-1-in-operation", "rule-gradual-production"),
        ("lc-project-guangyuan-electrolytic-aluminium-2-in-operation", "rule-gradual-production"),
        ("qty-suixi-aluminium-based-metal-materials-base-enterprise-count-aluminium-related-2016", "rule-count-minus-increase"),
        ("qty-suixi-aluminium-based-metal-materials-base-enterprise-count-high-tech-2016", "rule-count-minus-increase"),
        ("qty-suixi-aluminium-based-metal-materials-base-enterprise-count-regulated-2016", "rule-count-minus-increase"),
        ("stmt-anhui-in-china", "rule-place-name-order"),
        ("stmt-coastal-industrial-base-in-yingkou", "rule-place-in-city-account"),
        ("stmt-dashiqiao-in-yingkou", "rule-place-in-city-account"),
        ("stmt-derived-overlaps-binzhou-deep-processing", "rule-same-industry-cohorts"),
        ("stmt-derived-overlaps-zouping-deep-processing", "rule-same-industry-cohorts"),
        ("stmt-guangyuan-zhongfu-in-guangyuan", "rule-city-named-firm"),
        ("stmt-huaibei-in-anhui", "rule-place-name-order"),
        ("stmt-innovation-group-in-binzhou", "rule-city-article-example"),
        ("stmt-innovation-metal-in-zouping", "rule-speaker-county"),
        ("stmt-innovation-metal-zouping-deep-processing", "rule-county-deep-processor"),
        ("stmt-liaoning-zhongwang-aluminum-formwork-manufacturing-formwork", "rule-product-in-firm-name"),
        ("stmt-liaoning-zhongwang-aluminum-formwork-manufacturing-in-yingkou", "rule-established-to-build"),
        ("stmt-liaoning-zhongwang-automobile-manufacturing-in-yingkou", "rule-established-to-build"),
        ("stmt-park-firms-in-zouping-deep-processing", "rule-park-cohort"),
        ("stmt-project-guangyuan-guizhou-zhenghe-investor", "rule-project-named-by-firm"),
        ("stmt-project-guangyuan-hubei-shimei-investor", "rule-project-named-by-firm"),
        ("stmt-project-guangyuan-hubei-xinrong-investor", "rule-project-named-by-firm"),
        ("stmt-project-guangyuan-zhengzhou-yingkai-investor", "rule-project-named-by-firm"),
        ("stmt-suixi-base-among-county-aluminium", "rule-park-cohort"),
        ("stmt-suixi-high-tech-among-aluminium-related", "rule-base-enterprise-counts"),
        ("stmt-suixi-in-huaibei", "rule-place-name-order"),
        ("stmt-suixi-regulated-among-aluminium-related", "rule-base-enterprise-counts"),
        ("stmt-suixi-supported-overlaps-county-aluminium", "rule-supported-enterprises"),
        ("stmt-taiyi-metal-in-binzhou", "rule-city-article-example"),
        ("stmt-weiqiao-ae-group", "rule-shared-trade-name"),
        ("stmt-yingkou-zhongwang-aluminum-in-yingkou", "rule-established-to-build"),
        ("stmt-yuhang-in-binzhou", "rule-city-article-example"),
        ("stmt-zhongwang-yingkou-high-precision-aluminum-in-yingkou", "rule-established-to-build"),
        ("stmt-zouping-overlaps-binzhou-deep-processing", "rule-same-industry-cohorts"),
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


# ------------------------------------------------------------------ issue 12: kinds, shares, cohorts


def _local(term) -> str:
    return str(term).rsplit("/", 1)[1].rsplit("#", 1)[-1]


def _quotes(graph, node) -> list[str]:
    rows = run_query(graph, f"SELECT ?q WHERE {{ <{node}> prov:wasDerivedFrom ?e . ?e prov:value ?q }}").rows
    return [str(r[0]) for r in rows]


def test_validate_passes_on_the_bundled_data():
    from kg.validation.shacl import validate_files

    assert [v for v in validate_files(DATA_FILES) if v.severity == "Violation"] == []


def test_applied_to_links_with_their_wording(graph):
    rows = run_query(graph, "SELECT ?r ?k WHERE { ?r a ckg:SupplyRelation ; ckg:relationKind ?k } ORDER BY ?r").rows
    assert [(_local(r), _local(k)) for r, k in rows] == [
        ("supply-taiyi-country-garden", "appliedTo"),
        ("supply-taiyi-evergrande", "appliedTo"),
        ("supply-taiyi-rongchuang", "appliedTo"),
        ("supply-taiyi-vanke", "appliedTo"),
        ("supply-yuhang-boeing", "appliedTo"),
    ]
    for r, _ in rows:
        assert any("has been applied to" in q for q in _quotes(graph, r)), r


def test_basically_is_a_share_of_one_about(graph):
    r = "https://w3id.org/cluster-kg/id/supply-weiqiao-derived-firms"
    rows = run_query(graph, f"SELECT ?s ?b ?w WHERE {{ <{r}> ckg:share ?s ; ckg:shareBound ?b ; ckg:shareWording ?w }}").rows
    assert [(float(s.toPython()), str(b), str(w)) for s, b, w in rows] == [(1.0, "about", "basically")]
    assert any("basically from Weiqiao venture group" in q for q in _quotes(graph, r))


def test_no_share_where_the_quote_states_none(graph):
    # "raw material supplier of all ... enterprises in our county": Weiqiao supplies every firm,
    # not that it is their only source
    rows = run_query(graph, """SELECT ?r ?p WHERE { ?r ckg:supplier ckr:weiqiao-group ;
        ckg:customer ?c . FILTER(?c IN (ckr:cohort-zouping-deep-processing, ckr:innovation-metal))
        ?r ?p ?v . FILTER(?p IN (ckg:share, ckg:shareWording, ckg:shareBound)) }""").rows
    assert rows == []
    assert any("raw material supplier of all aluminum deep-processing enterprises in our county" in q
               for q in _quotes(graph, "https://w3id.org/cluster-kg/id/supply-weiqiao-zouping-ingot"))


# (subject, property, object) -> words the quotes of its rdf:Statement must contain
COHORT_LINKS = {
    ("innovation-metal", "memberOf", "cohort-zouping-deep-processing"):
        ["all aluminum deep-processing enterprises in our county", "Cuilixin, chairman of Shandong innovation metal company"],
    ("cohort-binzhou-weiqiao-derived", "overlapsWith", "cohort-binzhou-deep-processing"):
        ["more than 60 aluminum related enterprises derived later", "more than 60 key aluminum deep-processing enterprises"],
    ("cohort-binzhou-weiqiao-derived", "overlapsWith", "cohort-zouping-deep-processing"):
        ["more than 60 aluminum related enterprises derived later", "all aluminum deep-processing enterprises in our county"],
    ("cohort-zouping-deep-processing", "overlapsWith", "cohort-binzhou-deep-processing"):
        ["all aluminum deep-processing enterprises in our county", "more than 60 key aluminum deep-processing enterprises"],
    ("cohort-zouping-park-firms", "subCohortOf", "cohort-zouping-deep-processing"):
        ["Zouping aluminum deep processing industrial park has gathered more than a dozen",
         "more than 20 aluminum deep processing enterprises"],
    ("suixi-regulated-aluminium-enterprises", "subCohortOf", "suixi-aluminium-related-enterprises"):
        ["more than 90 aluminum-related enterprises, 60 regulated enterprises"],
    ("suixi-high-tech-aluminium-enterprises", "subCohortOf", "suixi-aluminium-related-enterprises"):
        ["60 regulated enterprises, and 23 high-tech enterprises in the Suixi Aluminum-based Metal Materials Base"],
    ("suixi-aluminium-related-enterprises", "subCohortOf", "suixi-aluminium-enterprises"):
        ["more than 90 aluminum-related enterprises", "Suixi has a complete range of secondary aluminum"],
    ("suixi-supported-enterprises", "overlapsWith", "suixi-aluminium-enterprises"):
        ["a total of 25 enterprises were supported", "For the aluminum industry chain"],
}


def test_cohort_links_are_stated_with_rule_and_quotes(graph):
    rows = run_query(graph, """SELECT ?s ?p ?o WHERE {
        VALUES ?p { ckg:memberOf ckg:overlapsWith ckg:subCohortOf } ?s ?p ?o }""").rows
    assert sorted((_local(s), _local(p), _local(o)) for s, p, o in rows) == sorted(COHORT_LINKS)
    for (s, p, o), words in COHORT_LINKS.items():
        (stmt,) = run_query(graph, f"""SELECT ?st WHERE {{ ?st rdf:subject ckr:{s} ; rdf:predicate ckg:{p} ;
            rdf:object ckr:{o} ; ckg:inferred true ; ckg:inferenceRule ?rule . ?rule rdfs:comment ?c }}""").rows
        quotes = " … ".join(_quotes(graph, stmt[0]))
        for w in words:
            assert w in quotes, (s, p, o, w)
