"""The transport to a SPARQL server under a hostile or broken server (kg.rdf.transport, kg.rdf.remote):
redirects, answers that drip or never end, answers of the wrong shape, loads a server drops.

Every server is a loopback fake from ``tests/fake_sparql.py`` that stops by itself.
"""

import gc
import io
import time

import pyoxigraph as ox
import pytest
from conftest import GOOD
from fake_sparql import (
    RESULTS_JSON,
    ROW,
    answer,
    drip,
    endless,
    faithful,
    forgetful,
    redirect,
    results,
    serve,
)

from kg.errors import StoreError
from kg.ingest.load import load_remote
from kg.rdf.graph import count_triples, select
from kg.rdf.remote import local_copy, open_remote, send_update
from kg.rdf.remote_load import count_held
from kg.rdf.transport import MAX_REDIRECTS, answer_limits


@pytest.fixture(autouse=True)
def _collect_here():
    """Collect what a test left in reference cycles (an error's frames) in this thread: pyoxigraph
    objects may only be freed in the thread that made them, not in a fake server's thread."""
    yield
    gc.collect()


REDIRECTS = [301, 302, 303, 307, 308]
PHRASES = {301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect",
           308: "Permanent Redirect"}
N42 = results(["n"], [{"n": 42}])
SELECT_S = "SELECT ?s WHERE { ?s ?p ?o }"


# ---------------------------------------------------------------- redirects


@pytest.mark.parametrize("code", REDIRECTS)
@pytest.mark.parametrize("where", ["same host", "other host"])
def test_an_update_follows_no_redirect(code, where):
    """urllib followed 301/302/303 as a GET without the update, and took its 2xx for success."""
    with serve(answer(204)) as other:
        location = "/moved" if where == "same host" else f"{other.url}/update"
        with serve(redirect(code, location)) as server:
            target = f"{server.url}/moved" if where == "same host" else location
            with pytest.raises(StoreError) as e:
                send_update(f"{server.url}/update", "INSERT DATA { <http://e/a> <http://e/p> 1 }", timeout=10)
            assert str(e.value) == (
                f"{server.url}/update: the SPARQL server answered HTTP {code} {PHRASES[code]}, a redirect to "
                f"{target}; kg does not follow redirects for updates: give the final URL as --update-endpoint")
            assert [s.method for s in server.seen] == ["POST"]
        assert other.seen == []


@pytest.mark.parametrize("code", REDIRECTS)
def test_a_query_follows_a_redirect_on_the_same_host_with_the_same_form(code):
    def respond(h, seen, fake):
        if seen.path == "/query":
            redirect(code, "/real/query")(h, seen, fake)
        else:
            answer(200, N42, RESULTS_JSON)(h, seen, fake)

    with serve(respond) as server:
        graph = open_remote(f"{server.url}/query")
        assert [int(n) for (n,) in graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")] == [42]
        first, second = server.seen
        assert (second.method, second.path, second.body) == ("POST", "/real/query", first.body)
        assert second.query.endswith("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("code", [302, 303, 307])
def test_a_query_redirect_to_another_host_is_refused_unless_allowed(code):
    with serve(answer(200, N42, RESULTS_JSON)) as other, serve(redirect(code, f"{other.url}/sparql")) as server:
        with pytest.raises(StoreError) as e:
            count_triples(open_remote(f"{server.url}/query"))
        assert str(e.value) == (
            f"{server.url}/query: the SPARQL server answered HTTP {code} {PHRASES[code]}, a redirect to "
            f"{other.url}/sparql, another host ({server.url} -> {other.url}); kg follows a redirect to another "
            "host only with the global option --allow-redirects (or give the final URL as --endpoint)")
        assert other.seen == []
        assert count_triples(open_remote(f"{server.url}/query", allow_redirects=True)) == 42
        assert [s.method for s in other.seen] == ["POST"]
        assert other.seen[0].body == server.seen[-1].body


def test_another_scheme_is_another_host():
    with serve(redirect(302, "https://127.0.0.1:1/query")) as server, pytest.raises(StoreError, match=r"another host \(http://127.0.0.1:\d+ -> https://127.0.0.1:1\)"):
        count_triples(open_remote(f"{server.url}/query"))


def test_redirects_are_capped():
    with serve(redirect(307, "/query")) as server:
        with pytest.raises(StoreError, match=rf"^{server.url}/query: more than {MAX_REDIRECTS} redirects "
                                             rf"\(the last to {server.url}/query\)$"):
            count_triples(open_remote(f"{server.url}/query"))
        assert len(server.seen) == MAX_REDIRECTS + 1


def test_a_redirect_without_location_or_to_another_scheme():
    with serve(answer(302, b"")) as server, pytest.raises(StoreError, match="HTTP 302 Found, a redirect without a Location$"):
        count_triples(open_remote(f"{server.url}/query"))
    with serve(redirect(302, "file:///etc/passwd")) as server, pytest.raises(StoreError, match="a redirect to file:///etc/passwd: not an http:// or https:// URL$"):
        count_triples(open_remote(f"{server.url}/query", allow_redirects=True))


# ---------------------------------------------------------------- the deadline and the cap


DRIPPED = b'{"head":{"vars":["s"]},"results":{"bindings":[' + ROW * 10 + b'{"s":{"type":"literal","value":"x"}}]}}'


@pytest.mark.parametrize("how", ["select", "graph.query", "local_copy"])
def test_a_dripping_answer_stops_at_the_deadline(how):
    """One byte every 0.5 s: a per-read timeout never trips; the deadline of 2 s does."""
    body, content_type = (DRIPPED, RESULTS_JSON) if how != "local_copy" else (
        b'<http://e/a> <http://e/p> "x" .\n' * 10, "application/n-triples")
    with serve(drip(body, 0.5, content_type)) as server:
        graph = open_remote(f"{server.url}/query", deadline=2)
        start = time.monotonic()
        with pytest.raises(StoreError) as e:
            if how == "select":
                list(select(graph, SELECT_S))
            elif how == "graph.query":
                list(graph.query(SELECT_S))
            else:
                local_copy(graph)
        assert time.monotonic() - start < 2 + 1
        assert str(e.value) == (
            f"{server.url}/query: the answer took longer than the deadline of 2 s (to allow more: "
            "kg query --timeout SECONDS, or KG_REMOTE_DEADLINE=SECONDS in the environment)")


def test_the_deadline_covers_a_server_that_never_sends_its_headers():
    def silent(h, seen, fake):
        fake.stopping.wait(30)

    with serve(silent) as server:
        start = time.monotonic()
        with pytest.raises(StoreError, match="took longer than the deadline of 1 s"):
            count_triples(open_remote(f"{server.url}/query", timeout=60, deadline=1))
        assert time.monotonic() - start < 1 + 1


def test_the_deadline_can_be_set_per_query():
    with serve(drip(DRIPPED, 0.2)) as server:
        graph = open_remote(f"{server.url}/query")
        graph.store.deadline = 1
        with pytest.raises(StoreError, match="deadline of 1 s"):
            list(select(graph, SELECT_S))


@pytest.mark.parametrize("how", ["select", "graph.query"])
def test_an_endless_answer_stops_at_the_cap(how):
    with serve(endless()) as server:
        graph = open_remote(f"{server.url}/query", max_bytes=1_000_000)
        with pytest.raises(StoreError) as e:
            if how == "select":
                for _ in select(graph, SELECT_S):
                    pass
            else:
                for _ in graph.query(SELECT_S):
                    pass
        assert str(e.value) == (
            f"{server.url}/query: the answer is larger than the cap of 1 MB (more than 1.0 MB came): ask for "
            "less (LIMIT, fewer variables) or raise the cap with KG_REMOTE_MAX_MB=MEGABYTES")


def test_an_endless_construct_stops_at_the_cap():
    triple = b'<http://e/a> <http://e/p> "' + b"x" * 100 + b'" .\n'
    with serve(endless(b"", triple * 1000, "application/n-triples")) as server:
        graph = open_remote(f"{server.url}/query", max_bytes=1_000_000)
        with pytest.raises(StoreError, match="larger than the cap of 1 MB"):
            local_copy(graph)
        with pytest.raises(StoreError, match="larger than the cap of 1 MB"):
            graph.query("CONSTRUCT WHERE { ?s ?p ?o }")


def test_an_answer_that_announces_more_than_the_cap_is_not_read():
    with serve(answer(200, b" " * 2_000_001, RESULTS_JSON)) as server, pytest.raises(StoreError, match=r"larger than the cap of 1 MB \(it announces 2.0 MB\)"):
        list(select(open_remote(f"{server.url}/query", max_bytes=1_000_000), SELECT_S))


def test_an_error_raised_while_pyoxigraph_reads_comes_out_unchanged():
    """What the transport relies on: an exception of read() goes through pyoxigraph's parsers."""

    class Failing(io.RawIOBase):
        def __init__(self, after: int, data: bytes = b'{"head":{"vars":["s"]},"results":{"bindings":[' + ROW * 100):
            self.data, self.after = io.BytesIO(data), after

        def read(self, size=-1):
            if self.data.tell() >= self.after:
                raise StoreError("stopped")
            return self.data.read(min(size, 100))

    with pytest.raises(StoreError, match="^stopped$"):
        ox.parse_query_results(Failing(0), ox.QueryResultsFormat.JSON)
    with pytest.raises(StoreError, match="^stopped$"):
        list(ox.parse_query_results(Failing(500), ox.QueryResultsFormat.JSON))
    with pytest.raises(StoreError, match="^stopped$"):
        ox.Store().load(Failing(500, b'<http://e/a> <http://e/p> "1" .\n' * 100), ox.RdfFormat.N_TRIPLES)


@pytest.mark.parametrize("environ,message", [
    ({"KG_REMOTE_DEADLINE": "soon"}, "KG_REMOTE_DEADLINE='soon' in the environment: expected a number greater than 0"),
    ({"KG_REMOTE_MAX_MB": "0"}, "KG_REMOTE_MAX_MB='0' in the environment: expected a number greater than 0"),
    ({"KG_REMOTE_MAX_MB": "inf"}, "KG_REMOTE_MAX_MB='inf' in the environment: expected a number greater than 0"),
])
def test_limits_from_the_environment_are_checked(environ, message):
    with pytest.raises(StoreError) as e:
        answer_limits(environ)
    assert str(e.value) == message


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("KG_REMOTE_DEADLINE", "7.5")
    monkeypatch.setenv("KG_REMOTE_MAX_MB", "3")
    store = open_remote("http://127.0.0.1:1/query").store
    assert (store.deadline, store.max_bytes) == (7.5, 3_000_000)


# ---------------------------------------------------------------- answers of the wrong shape


WRONG = {
    "head is a number": (b'{"head": 1}', RESULTS_JSON, "the answer is not SPARQL results"),
    "a list": (b"[1,2]", RESULTS_JSON, "the answer is not SPARQL results"),
    "a term that is a number": (b'{"head":{"vars":["s"]},"results":{"bindings":[{"s": 5}]}}', RESULTS_JSON,
                                "the answer broke off or is not valid SPARQL results"),
    "other variables": (results(["x"], [{"x": 5}]), RESULTS_JSON,
                        "the answer's variables (?x) are not those of the query (?s)"),
    "fewer variables": (results([], []), RESULTS_JSON, "the answer's variables (none) are not those of the query (?s)"),
    "a boolean": (b'{"head":{},"boolean":true}', RESULTS_JSON, "the answer is a boolean, not the answer to a SELECT"),
    "an HTML page": (b"<html><body>Sign in</body></html>", "text/html", "the answer is not SPARQL results"),
    "no content type": (N42, None, "the answer is not SPARQL results (Content-Type missing)"),
    "broken off": (b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","val', RESULTS_JSON,
                   "the answer broke off or is not valid SPARQL results"),
    "RDF": (b"<http://e/a> <http://e/p> 1 .\n", "application/n-triples",
            "the answer is RDF (application/n-triples), not the answer to a SELECT"),
}


@pytest.mark.parametrize("how", ["select", "graph.query"])
@pytest.mark.parametrize("name", list(WRONG))
def test_an_answer_of_the_wrong_shape_names_the_url(name, how):
    body, content_type, message = WRONG[name]
    if how == "select" and name == "RDF":
        message = "the answer is not SPARQL results (Content-Type application/n-triples)"
    with serve(answer(200, body, content_type)) as server:
        graph = open_remote(f"{server.url}/query")
        with pytest.raises(StoreError) as e:
            if how == "select":
                list(select(graph, SELECT_S))
            else:
                [tuple(row) for row in graph.query(SELECT_S)]
        assert str(e.value).startswith(f"{server.url}/query: {message}")


def test_rows_come_in_the_order_of_the_query():
    with serve(answer(200, results(["b", "a"], [{"a": 1, "b": 2}]), RESULTS_JSON)) as server:
        graph = open_remote(f"{server.url}/query")
        assert list(select(graph, "SELECT ?a ?b WHERE { ?a ?p ?b }")) == [["1", "2"]]
        assert [(str(a), str(b)) for a, b in graph.query("SELECT ?a ?b WHERE { ?a ?p ?b }")] == [("1", "2")]


def test_an_ask_answered_with_rows_is_an_error():
    with serve(answer(200, N42, RESULTS_JSON)) as server, pytest.raises(StoreError, match="the answer is rows, not the answer to an ASK"):
        open_remote(f"{server.url}/query").query("ASK { ?s ?p ?o }")


# ---------------------------------------------------------------- loads are read back


def test_a_load_that_the_server_drops_is_an_error(tmp_path):
    good = tmp_path / "g.ttl"
    good.write_text(GOOD, encoding="utf-8")
    with serve(forgetful()) as server:
        with pytest.raises(StoreError) as e:
            load_remote(f"{server.url}/update", [good], endpoint=f"{server.url}/query")
        sent = [s for s in server.seen if s.content_type.startswith("application/sparql-update")]
        assert len(sent) == 1
        message = str(e.value)
        assert message.startswith(f"{server.url}/update: the server answered HTTP 204 but holds only 0 of the ")
        assert message.endswith(f"triples sent (read back from {server.url}/query): nothing may have been written "
                                "(a redirect or a proxy?)")


def test_a_load_is_read_back_in_batches(tmp_path):
    good = tmp_path / "g.ttl"
    good.write_text(GOOD + '<http://e/a> <http://e/p> [ <http://e/q> "x" ] .\n', encoding="utf-8")
    with serve(faithful()) as server:
        report = load_remote(f"{server.url}/update", [good], endpoint=f"{server.url}/query", validate=False)
        assert (report["verified"], report["ontology_added"]) == (True, True)
        checked = report["triples_added"]  # all of them: the blank node is an IRI (kg.rdf.skolem)
        batches = [s for s in server.seen if "VALUES (?s ?p ?o)" in s.query]
        assert len(batches) == -(-checked // 500) > 1  # 500 triples a query
        assert count_triples(open_remote(f"{server.url}/query")) == report["triples_added"]
        again = load_remote(f"{server.url}/update", [good], endpoint=f"{server.url}/query", validate=False)
        assert (again["verified"], again["ontology_added"], again["triples_added"]) == (True, False, 0)
        without = load_remote(f"{server.url}/update", [good], validate=False)
        assert (without["verified"], without["ontology_added"]) == (None, None)


def test_count_held_counts_what_the_server_holds():
    a, p = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p")
    store = ox.Store()
    store.add(ox.Quad(a, p, ox.Literal("x", language="en")))
    wanted = [ox.Triple(a, p, ox.Literal("x", language="en")), ox.Triple(a, p, ox.Literal('x"\n')),
              ox.Triple(a, p, ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))]
    with serve(faithful(store)) as server:
        graph = open_remote(f"{server.url}/query")
        assert count_held(graph, wanted, batch=2) == 1
        assert count_held(graph, []) == 0
    with serve(answer(200, results(["n"], [{"n": "many"}]), RESULTS_JSON)) as server, pytest.raises(StoreError, match="the answer to a COUNT is not one number"):
        count_held(open_remote(f"{server.url}/query"), wanted)


def test_a_load_whose_read_back_fails_says_the_update_was_answered(tmp_path):
    good = tmp_path / "g.ttl"
    good.write_text(GOOD, encoding="utf-8")

    def respond(h, seen, fake):
        if "VALUES (?s ?p ?o)" in seen.query:
            answer(200, b"<html>Gateway</html>", "text/html")(h, seen, fake)
        else:
            forgetful()(h, seen, fake)

    with serve(respond) as server, pytest.raises(StoreError) as e:
        load_remote(f"{server.url}/update", [good], endpoint=f"{server.url}/query")
    assert str(e.value) == (
        f"{server.url}/update: the server answered HTTP 204 to the load, but what it holds could not be read back: "
        f"{server.url}/query: the answer is not SPARQL results (Content-Type text/html): not a SPARQL results "
        "format; is this the server's query endpoint?")
