"""Name resolution: aliases, Chinese names, suffixes, ambiguity, suggestions."""

import pytest

from kg.errors import AmbiguousName, UnknownName
from kg.lookup.names import find, normalise, resolve
from kg.rdf.graph import open_graph

TINY = """@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
@prefix ckr: <https://w3id.org/cluster-kg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ckr:a a ckg:Firm ; skos:prefLabel "Acme Aluminium Co., Ltd."@en , "艾克美铝业有限公司"@zh ; skos:altLabel "ACME alu"@en .
ckr:b a ckg:Firm ; skos:prefLabel "Acme Foil Company"@en .
ckr:c a ckg:EnterpriseGroup ; skos:prefLabel "Boreal Group"@en .
"""


@pytest.fixture
def graph(tmp_path):
    path = tmp_path / "tiny.ttl"
    path.write_text(TINY, encoding="utf-8")
    return open_graph([path], ontology=False)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Acme Aluminium Co., Ltd.", "acme aluminium"),
        ("ACME-ALUMINIUM CO LTD", "acme aluminium"),
        ("Acme Foil Company", "acme foil"),
        ("艾克美铝业有限公司", "艾克美铝业"),
        ("Ｗｅｉｑｉａｏ", "weiqiao"),
        ("Taco", "taco"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("name", ["acme aluminium", "Acme Aluminium Co. Ltd", "acme alu", "艾克美铝业", "ckr:a"])
def test_resolve_aliases_and_chinese(graph, name):
    assert resolve(graph, name).iri == "https://w3id.org/cluster-kg/id/a"


def test_all_words_contained_picks_the_one_firm(graph):
    assert resolve(graph, "foil").iri.endswith("/b")
    assert resolve(graph, "boreal").kind == "group"


def test_ambiguous_lists_candidates(graph):
    with pytest.raises(AmbiguousName) as e:
        resolve(graph, "acme")
    assert sorted(c.iri.rsplit("/", 1)[1] for c in e.value.candidates) == ["a", "b"]
    assert "Acme Aluminium Co., Ltd. (firm, https://w3id.org/cluster-kg/id/a)" in str(e.value)


def test_unknown_suggests_closest(graph):
    # "aluminim" is "aluminium" misspelt (ratio 16/17): a weak match, suggested, never taken;
    # "Acme Foil" and "ACME alu" cover only half of the name and are not listed
    with pytest.raises(UnknownName) as e:
        resolve(graph, "Acme Aluminim")
    assert e.value.suggestions == ["Acme Aluminium Co., Ltd."]


def test_aluminum_and_aluminium_are_one_word(graph):
    assert resolve(graph, "Acme Aluminum").iri.endswith("/a")


def test_kinds_filter(graph):
    assert [m.iri[-1] for m in find(graph, "acme", kinds={"group"})] == []


def test_bundled_chinese_name():
    assert resolve(open_graph(), "山东创新金属科技有限公司").iri.endswith("/innovation-metal")
