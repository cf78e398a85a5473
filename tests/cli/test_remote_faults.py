"""`kg` on --endpoint / --update-endpoint against hostile or broken servers: one `Error:` line
naming the URL and the limit, never a traceback, a hang or a load reported that did not happen.

The servers are loopback fakes from ``tests/fake_sparql.py``. Where the old code could hang (a
dripping or endless answer) the CLI runs in a subprocess with a timeout; elsewhere in-process.
"""

import gc
import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import GOOD, ROOT, WIDTH
from fake_sparql import (
    RESULTS_JSON,
    answer,
    drip,
    endless,
    faithful,
    forgetful,
    redirect,
    results,
    serve,
)

from kg.cli.main import cli

SUBPROCESS_TIMEOUT = 60
SELECT_S = "SELECT ?s WHERE { ?s ?p ?o }"


@pytest.fixture(autouse=True)
def _collect_here():
    """Collect what a test left in reference cycles in this thread (pyoxigraph objects may only be
    freed in the thread that made them, not in a fake server's)."""
    yield
    gc.collect()


def kg(*args: str, env: dict | None = None) -> CliRunner:
    """``kg ARGS`` in-process; an exception other than the exit is a test failure."""
    result = CliRunner(env={**WIDTH, **(env or {})}).invoke(cli, list(args))
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception
    return result


def kg_process(*args: str, env: dict | None = None):
    """``python -m kg ARGS`` in a subprocess that may not outlive SUBPROCESS_TIMEOUT; (exit code,
    stdout, stderr, seconds)."""
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "kg", *args], check=False, cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, **WIDTH, **(env or {})}, timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kg {' '.join(args)} did not stop within {SUBPROCESS_TIMEOUT} s")
    return done.returncode, done.stdout, done.stderr, time.monotonic() - start


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.ttl"
    path.write_text(GOOD, encoding="utf-8")
    return str(path)


# ---------------------------------------------------------------- redirects


@pytest.mark.parametrize("code", [301, 302, 303, 307])
@pytest.mark.parametrize("where", ["same host", "other host"])
def test_a_load_through_a_redirect_is_an_error_and_nothing_is_reported_added(code, where, tiny):
    """Before: a 301/302/303 to another host printed triples_added 1187 while nothing was written."""
    with serve(faithful()) as reader, serve(answer(204)) as other:
        location = "/moved" if where == "same host" else f"{other.url}/update"
        with serve(redirect(code, location)) as server:
            result = kg("--endpoint", f"{reader.url}/query", "--update-endpoint", f"{server.url}/update",
                        "load", tiny, "--format", "json")
            target = f"{server.url}/moved" if where == "same host" else location
            assert result.exit_code == 1
            assert result.output.startswith(f"Error: {server.url}/update: the SPARQL server answered HTTP {code} ")
            assert f"a redirect to {target}; kg does not follow redirects for updates: give the final URL as " \
                   "--update-endpoint" in result.output
            assert "triples_added" not in result.output
            assert [s.method for s in server.seen] == ["POST"]
        assert other.seen == []
        assert not any(s.content_type.startswith("application/sparql-update") for s in reader.seen)


def test_a_query_redirect_to_another_host_needs_allow_redirects():
    """Before: the other host answered, silently."""
    with serve(faithful()) as other:
        kg("--endpoint", f"{other.url}/query", "--update-endpoint", f"{other.url}/update", "load", "--no-validate",
           str(ROOT / "tests" / "data" / "good.ttl"))
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ckg:Firm }"
        with serve(redirect(302, f"{other.url}/query")) as server:
            refused = kg("--endpoint", f"{server.url}/query", "query", query, "--format", "csv")
            assert refused.exit_code == 1
            assert refused.output == (
                f"Error: {server.url}/query: the SPARQL server answered HTTP 302 Found, a redirect to "
                f"{other.url}/query, another host ({server.url} -> {other.url}); kg follows a redirect to another "
                "host only with the global option --allow-redirects (or give the final URL as --endpoint)\n")
            allowed = kg("--allow-redirects", "--endpoint", f"{server.url}/query", "query", query, "--format", "csv")
            assert allowed.exit_code == 0, allowed.output
            assert allowed.output == "n\n2\n"


# ---------------------------------------------------------------- the deadline and the cap


DRIPPED = b'{"head":{"vars":["s"]},"results":{"bindings":[' + b'{"s":{"type":"literal","value":"x"}},' * 20


def test_a_dripping_server_stops_at_the_query_timeout():
    """One byte every 0.5 s: before, kg waited for ever (the 60 s timeout was per read)."""
    with serve(drip(DRIPPED, 0.5)) as server:
        code, out, err, seconds = kg_process("--endpoint", f"{server.url}/query", "query", SELECT_S, "--timeout", "2")
    assert (code, out) == (1, "")
    assert err == (f"Error: {server.url}/query: the answer took longer than the deadline of 2 s (to allow more: "
                   "kg query --timeout SECONDS, or KG_REMOTE_DEADLINE=SECONDS in the environment)\n")
    assert seconds < 2 + 10  # interpreter start included; the drip would take 400 s


def test_a_dripping_server_stops_at_the_deadline_of_an_analysis():
    with serve(drip(DRIPPED, 0.5)) as server:
        code, out, err, seconds = kg_process("--endpoint", f"{server.url}/query", "risk",
                                             env={"KG_REMOTE_DEADLINE": "2"})
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: {server.url}/query: the answer took longer than the deadline of 2 s ")
    assert seconds < 2 + 10


ROW_CV = b'{"c":{"type":"uri","value":"http://e/c"},"v":{"type":"literal","value":"' + b"x" * 200 + b'"}},'


@pytest.mark.parametrize("args,head,chunk", [
    (["query", SELECT_S], b'{"head":{"vars":["s"]},"results":{"bindings":[',
     b'{"s":{"type":"literal","value":"' + b"x" * 200 + b'"}},'),
    (["risk"], b'{"head":{"vars":["c","v"]},"results":{"bindings":[', ROW_CV),
])
def test_an_endless_answer_stops_at_the_cap(args, head, chunk):
    """Before: kg read on, growing, until killed."""
    with serve(endless(head, chunk * 1000)) as server:
        code, out, err, _ = kg_process("--endpoint", f"{server.url}/query", *args, env={"KG_REMOTE_MAX_MB": "1"})
    assert (code, out) == (1, "")
    assert err == (f"Error: {server.url}/query: the answer is larger than the cap of 1 MB (more than 1.0 MB came): "
                   "ask for less (LIMIT, fewer variables) or raise the cap with KG_REMOTE_MAX_MB=MEGABYTES\n")


# ---------------------------------------------------------------- answers of the wrong shape


WRONG = {
    "head is a number": (b'{"head": 1}', RESULTS_JSON),
    "a list": (b"[1,2]", RESULTS_JSON),
    "a term that is a number": (b'{"head":{"vars":["x"]},"results":{"bindings":[{"x": 5}]}}', RESULTS_JSON),
    "other variables": (results(["x"], [{"x": 5}]), RESULTS_JSON),
    "one variable short": (results(["c"], [{"c": 5}]), RESULTS_JSON),
    "a boolean": (b'{"head":{},"boolean":true}', RESULTS_JSON),
    "an HTML page": (b"<html><body>Sign in</body></html>", "text/html"),
    "broken off": (b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","val', RESULTS_JSON),
}


@pytest.mark.parametrize("command", [["query", SELECT_S], ["info"], ["risk"], ["find", "weiqiao"]])
@pytest.mark.parametrize("name", list(WRONG))
def test_an_answer_of_the_wrong_shape_is_one_error_line(name, command):
    """Before: `other variables` on info and risk was a traceback (ValueError: not enough values to unpack)."""
    body, content_type = WRONG[name]
    with serve(answer(200, body, content_type)) as server:
        result = kg("--endpoint", f"{server.url}/query", *command)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {server.url}/query: ")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


# ---------------------------------------------------------------- loads are read back


def test_a_load_the_server_drops_is_an_error(tiny):
    """A server that answers 204 to the update and stores nothing: before, `triples_added 1187`."""
    with serve(forgetful()) as server:
        result = kg("--endpoint", f"{server.url}/query", "--update-endpoint", f"{server.url}/update", "load", tiny)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {server.url}/update: the server answered HTTP 204 but holds only 0 of the 1,419 triples sent "
        f"(read back from {server.url}/query): nothing may have been written (a redirect or a proxy?)\n")


def test_a_load_says_whether_it_was_verified(tiny, tmp_path):
    blank = tmp_path / "blank.ttl"
    blank.write_text('<http://e/a> <http://e/p> [ <http://e/q> "x" ] .\n', encoding="utf-8")
    with serve(faithful()) as server:
        opts = ["--endpoint", f"{server.url}/query", "--update-endpoint", f"{server.url}/update"]
        first = kg(*opts, "load", tiny, "--format", "json")
        assert first.exit_code == 0, first.output
        assert json.loads(first.stdout) == [{"store": f"{server.url}/update", "files": 1, "triples_added": 1419,
                                             "ontology_added": True, "validated": True, "verified": True}]
        second = kg(*opts, "load", str(blank), "--no-validate")
        assert second.exit_code == 0, second.output
        assert "Note:" not in second.output  # its blank node is an IRI (kg.rdf.skolem): every triple verified
        unverified = kg("--update-endpoint", f"{server.url}/update", "load", tiny, "--format", "json")
        assert unverified.exit_code == 0, unverified.output
        assert json.loads(unverified.stdout)[0]["verified"] is None
        assert unverified.stderr == (
            "Note: not verified: give --endpoint URL (the server's query URL) to read back what it holds\n")
