"""Issue 13, first part: `kg query` never reaches the network, whatever the spelling.

A listener on a free port of 127.0.0.1 stands in for a remote endpoint; each hostile query is
run through the CLI and must be refused with `Error:` while the listener sees no connection.
Both bypasses of the issue are here: a `\\#` inside a prefixed name (the old text check took
it for a comment) and a SPARQL fragment given as a `--param` name.
"""

from __future__ import annotations

import socket

import pytest
from conftest import run


@pytest.fixture
def listener():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sock.settimeout(0.2)  # the check below waits this long for a connection, then stops
        yield sock


def connections(sock) -> int:
    try:
        conn, _ = sock.accept()
    except TimeoutError:
        return 0
    conn.close()
    return 1


def hostile(port: int) -> list[list[str]]:
    service = f"SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }}"
    return [
        ["query", "SELECT ?s ?o WHERE { OPTIONAL { ?x ckr:p\\#q ?y } " + service + " }"],
        ["query", "select * where { " + service.replace("SERVICE", "service") + " }"],
        ["query", "SELECT * WHERE { SERV\\u0049CE " + service[len("SERVICE "):] + " }"],
        ["query", f"SELECT * FROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}"],
        ["query", f"LOAD <http://127.0.0.1:{port}/data.ttl>"],
        ["query", "--name", "suppliers-of-firm", "--param",
         "x { 1 } " + service + " VALUES ?y=Innovation Metal"],
    ]


@pytest.mark.parametrize("case", range(6))
def test_hostile_queries_are_refused_and_reach_nobody(runner, listener, case):
    args = hostile(listener.getsockname()[1])[case]
    result = run(runner, *args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert connections(listener) == 0


def test_an_unknown_param_name_is_an_error_not_an_unfiltered_query(runner):
    result = run(runner, "query", "--name", "suppliers-of-firm", "--param", "nosuch=1")
    assert result.exit_code == 1
    assert result.output.startswith("Error: --param nosuch: the query has no variable ?nosuch (its variables: ")
