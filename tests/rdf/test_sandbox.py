"""User queries run in a child process that is killed at its deadline, capped in rows and memory,
and kept off the network even when a query gets past the parsed-query check (kg.rdf.sandbox)."""

import os
import socket
import threading
import time

import pyoxigraph as ox
import pytest

from kg.errors import QueryError, QueryStopped
from kg.rdf.local import wrap
from kg.rdf.values import _XSD, plain, plain_value
from kg.rdf.sandbox import Limits, encode, run_isolated

EX = "http://example.org/"
CUBE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
"""Counts triples⁴: 200⁴ = 1.6e9 solutions on the store below, minutes of work (200³ took under 1 s)."""


def _store(n: int = 200) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)), ox.DefaultGraph())
                 for i in range(n))
    return store


@pytest.fixture
def listener():
    """A loopback TCP listener that counts the connections it receives; closed after the test."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], hits
    finally:
        stop.set()
        thread.join(2)
        server.close()


def _service(port: int) -> str:
    return f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"


def test_a_service_query_sent_unchecked_connects_without_the_walls(listener):
    """The control: with no wall, Oxigraph itself does connect (so the tests below can fail)."""
    port, hits = listener
    with pytest.raises(QueryError):
        run_isolated(_store(3), _service(port), kind="SELECT", walls=())
    time.sleep(0.3)
    assert len(hits) == 1


def test_the_network_namespace_wall_makes_service_unreachable(listener):
    port, hits = listener
    probe = run_isolated(_store(3), "ASK {}", kind="ASK", walls=("network namespace",))
    if probe.wall != "network namespace":
        pytest.skip("no network namespace on this machine (neither root nor user namespaces)")
    with pytest.raises(QueryError, match=r"^the query failed: Network is unreachable \(os error 101\)$"):
        run_isolated(_store(3), _service(port), kind="SELECT", walls=("network namespace",))
    time.sleep(0.3)
    assert hits == []


def test_the_descriptor_wall_makes_service_fail_for_a_store_in_memory(listener):
    port, hits = listener
    probe = run_isolated(_store(3), "ASK {}", kind="ASK", walls=("no free file descriptors",))
    assert probe.wall == "no free file descriptors"
    with pytest.raises(QueryError, match=r"^the query failed: Too many open files \(os error 24\)$"):
        run_isolated(_store(3), _service(port), kind="SELECT", walls=("no free file descriptors",))
    time.sleep(0.3)
    assert hits == []


def test_the_deadline_kills_a_runaway_aggregate():
    started = time.monotonic()
    with pytest.raises(QueryStopped) as caught:
        run_isolated(_store(), CUBE, kind="SELECT", limits=Limits(timeout=1))
    assert str(caught.value) == ("the query ran longer than its deadline of 1 s and was stopped: "
                                 "give --timeout SECONDS to allow more")
    assert time.monotonic() - started < 10  # 1 s expected; a bound, not a speed test
    with pytest.raises(ChildProcessError):  # the child was reaped: no zombie, no process left
        os.waitpid(-1, os.WNOHANG)


def test_the_memory_cap_stops_a_query_that_grows():
    sort_all = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i ?f ?c"  # 8M rows, sorted
    with pytest.raises(QueryStopped, match=r"^the query needed more than its memory cap of 100 MB and was "
                                           r"stopped: give --max-memory MB to allow more"):
        run_isolated(_store(), sort_all, kind="SELECT", limits=Limits(max_memory_mb=100, timeout=60))


def test_rows_are_capped_and_limit_takes_the_first():
    store = _store(4)
    text = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    assert len(run_isolated(store, text, kind="SELECT", limits=Limits(max_rows=4)).rows) == 4
    with pytest.raises(QueryStopped, match=r"^the answer has more than 3 rows, the cap: give --limit N"):
        run_isolated(store, text, kind="SELECT", limits=Limits(max_rows=3))
    answer = run_isolated(store, text, kind="SELECT", limit=2, limits=Limits(max_rows=1))
    assert answer.rows == [[["l", "0", _XSD + "string"]], [["l", "1", _XSD + "string"]]]
    assert run_isolated(store, text, kind="SELECT", limit=0).rows == []


def test_construct_with_a_limit_streams_instead_of_building_the_graph():
    """200² = 40,000 triples would be built first; 5 come back, within a 64 MB cap."""
    text = "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"
    answer = run_isolated(_store(), text, kind="CONSTRUCT", limit=5, limits=Limits(max_memory_mb=64))
    assert answer.columns == ["subject", "predicate", "object"]
    assert len(answer.rows) == 5
    with pytest.raises(QueryStopped, match="more than 100 rows"):
        run_isolated(_store(), text, kind="CONSTRUCT", limits=Limits(max_rows=100))


def test_an_engine_error_comes_back_as_a_query_error():
    with pytest.raises(QueryError, match=r"^the query does not parse: error at 1:"):
        run_isolated(_store(3), "SELECT * WHERE { ?a ?b }", kind="SELECT")


def test_plain_value_agrees_with_plain_on_rdflib_terms():
    """Values made straight from the engine's terms equal those made through rdflib's terms."""
    from rdflib import BNode, Literal, URIRef

    terms = [URIRef(EX + "a"), BNode("b7"), Literal("x"), Literal("chat", lang="fr"),
             Literal("42", datatype=URIRef(_XSD + "integer")), Literal("2.50", datatype=URIRef(_XSD + "decimal")),
             Literal("7.0", datatype=URIRef(_XSD + "decimal")), Literal("1E3", datatype=URIRef(_XSD + "double")),
             Literal("true", datatype=URIRef(_XSD + "boolean")), Literal("2025", datatype=URIRef(_XSD + "gYear")),
             Literal("abc", datatype=URIRef(_XSD + "integer"))]
    store = ox.Store()
    for i, term in enumerate(terms):
        obj = (ox.NamedNode(str(term)) if isinstance(term, URIRef) else ox.BlankNode(str(term))
               if isinstance(term, BNode) else ox.Literal(str(term), language=term.language) if term.language
               else ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _XSD + "string"))))
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i:02}"), ox.NamedNode(EX + "p"), obj))
    text = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    got = [plain_value(encode(r["o"])) for r in store.query(text)]
    want = [plain(row[0]) for row in wrap(store).query(text)]  # the way through rdflib (oxrdflib)
    assert [getattr(v, "json", v) for v in got] == [getattr(v, "json", v) for v in want]
    assert [type(v) for v in got] == [type(v) for v in want]
    # the text is the store's; rdflib alone rewrites a double in Python's form
    assert [str(v) for v in got] == [str(v) for v in want[:7]] + ["1000"] + [str(v) for v in want[8:]]
    assert str(want[7]) == "1000.0"
    assert [getattr(v, "json", None) for v in got][4:10] == [42, 2.5, 7, 1000.0, True, "2025"]
    assert str(got[5]) == "2.5"  # Oxigraph keeps a decimal in its canonical form
