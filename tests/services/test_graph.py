"""kg.services.graph: what `kg find`, `kg validate` and `kg query` compose."""

import pytest
from conftest import GOOD

from kg.errors import UnknownName
from kg.rdf.graph import open_graph
from kg.rdf.values import Lexical
from kg.services.graph import find_entities, user_query, validate_paths
from kg.vocab.namespaces import Iri


@pytest.fixture(scope="module")
def bundled():
    return open_graph()


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "good.ttl"
    path.write_text(GOOD, encoding="utf-8")
    return open_graph([path])


def test_find_entities_pairs_each_match_with_its_cluster_label(bundled):
    found = find_entities(bundled, "Innovation", limit=2)
    assert [(m.iri, cluster) for m, cluster in found] == [
        ("https://w3id.org/cluster-kg/id/innovation-group", "Binzhou high-end aluminium industry cluster"),
        ("https://w3id.org/cluster-kg/id/innovation-metal", "Binzhou high-end aluminium industry cluster"),
    ]


def test_find_entities_refuses_a_name_nothing_matches(good):
    with pytest.raises(UnknownName):
        find_entities(good, "Zeta Rolling Mill")


def test_user_query_binds_a_name_to_its_entity_and_gives_plain_values(good):
    text = "SELECT ?f ?label WHERE { ?f skos:prefLabel ?label }"
    result = user_query(good, text, params={"f": "Beta Smelter"})
    assert result.rows == [("https://w3id.org/cluster-kg/id/b", "Beta Smelter")]
    iri, label = result.rows[0]
    assert type(iri) is Iri and type(label) is Lexical and label.json == "Beta Smelter"


def test_user_query_binds_an_unknown_name_as_text(good):
    # no entity is called so: the value binds as a literal, which no firm is
    assert user_query(good, "SELECT ?label WHERE { ?f skos:prefLabel ?label }", params={"f": "Nobody"}).rows == []


def test_validate_paths_defaults_to_the_bundled_data():
    paths, violations = validate_paths()
    assert sorted(p.name for p in paths) == ["binzhou.ttl", "guangyuan.ttl", "sources.ttl", "suixi.ttl", "yingkou.ttl"]
    assert [(v.severity, v.focus) for v in violations] == [("Warning", "https://w3id.org/cluster-kg/id/guangyuan")]
