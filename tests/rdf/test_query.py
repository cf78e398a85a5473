"""SPARQL safety and the canned queries."""

import pytest

from kg.errors import QueryError, QueryRefused
from kg.rdf.graph import open_graph
from kg.rdf.query import bind_values, canned_queries, check_query, run_query


@pytest.mark.parametrize(
    "text,word",
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("select * where { service silent <http://x/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <http://x/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
        ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ],
)
def test_fetching_is_refused(text, word):
    with pytest.raises(QueryRefused, match=f"^{word} is not allowed"):
        check_query(text)


@pytest.mark.parametrize("word", ["INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD"])
def test_updates_are_refused(word):
    with pytest.raises(QueryRefused, match=f"updates \\({word}\\)"):
        check_query(f"{word} DATA {{ <a:b> <a:c> <a:d> }}")


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?x WHERE { ?x rdfs:label "SERVICE FROM LOAD" }',
        "SELECT ?x WHERE { ?x rdfs:label '''insert\ndelete''' }",
        "SELECT ?from ?load WHERE { ?from <http://e/service> ?load }",
        "SELECT ?x WHERE { ?x ckg:note ?n } # FROM <file:///etc/passwd>",
        "SELECT ?x WHERE { ?x <http://e/FROM> ?y }",
    ],
)
def test_keywords_inside_strings_iris_variables_and_comments_are_fine(text):
    check_query(text)


def test_not_a_query():
    with pytest.raises(QueryError, match="not a SPARQL query"):
        check_query("hello world")


def test_bad_syntax_is_a_query_error():
    with pytest.raises(QueryError, match="the query (does not parse|failed)"):
        run_query(open_graph([]), "SELECT ?x WHERE { ?x ?p }")


def test_limit_stops_early():
    r = run_query(open_graph(), "SELECT ?p WHERE { ?p a ckg:Product } ORDER BY ?p", limit=3)
    assert [str(row[0]).rsplit("/", 1)[1] for row in r.rows] == ["alumina", "aluminium", "aluminium-alloy"]


def test_ask_and_construct():
    g = open_graph()
    assert run_query(g, "ASK { ckr:weiqiao-group a ckg:EnterpriseGroup }").rows == [(True,)]
    r = run_query(g, "CONSTRUCT { ?s ckg:suppliesTo ?o } WHERE { ?s ckg:suppliesTo ?o . FILTER(?o = ckr:boeing) }")
    assert r.columns == ["subject", "predicate", "object"]
    assert [str(t[0]).rsplit("/", 1)[1] for t in r.rows] == ["yuhang"]


def test_bind_values_goes_into_the_outer_where():
    from rdflib import URIRef

    text = "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?b ?c } } }"
    assert bind_values(text, {"c": URIRef("http://e/x")}) == (
        "SELECT ?a WHERE { VALUES ?c { <http://e/x> } { SELECT ?a WHERE { ?a ?b ?c } } }"
    )


def test_every_canned_query_is_described_and_runs():
    g = open_graph()
    queries = canned_queries()
    assert len(queries) >= 10
    for q in queries:
        assert q.description, q.name
        run_query(g, q.text)  # raises on error


def test_canned_suppliers_of_one_firm():
    from rdflib import URIRef

    from kg.rdf.query import canned_query

    g = open_graph()
    firm = URIRef("https://w3id.org/cluster-kg/id/boeing")
    r = run_query(g, canned_query("suppliers-of-firm").text, bindings={"firm": firm})
    assert [(str(row[1]), str(row[2]), str(row[3])) for row in r.rows] == [
        ("Shandong Yuhang Special Alloy Equipment Co.", "aluminium plate", "unknown")
    ]
