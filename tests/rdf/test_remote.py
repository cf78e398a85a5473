"""The remote engine against a real SPARQL server: the Oxigraph server (`pip install oxigraph`).

A fixture starts ``oxigraph serve`` on 127.0.0.1 with a temporary store, the bundled
data is loaded through ``kg load``, and every answer is compared with the embedded store.
"""

import json
import shutil
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from click.testing import CliRunner
from conftest import FIRMS, GOOD, PREFIXES, SOURCE, run
from rdflib import Literal
from rdflib.compare import isomorphic

from kg.cli.main import cli
from kg.errors import QueryRefused, StoreError, ValidationFailed
from kg.rdf.graph import count_triples, open_graph
from kg.rdf.query import canned_queries, run_query
from kg.rdf.remote import local_copy, open_remote

OTHER = PREFIXES + """
ckr:art2 a ckg:Article ; dcterms:title "U" ; dcterms:identifier "u.txt" .
ckr:ev2 a ckg:Evidence ; prov:value "Gamma exists." ; prov:hadPrimarySource ckr:art2 .
ckr:c a ckg:Firm ; skos:prefLabel "Gamma"@en ; prov:wasDerivedFrom ckr:ev2 .
"""

START_ATTEMPTS = 100  # x 0.1 s


def _oxigraph() -> str:
    found = Path(sys.executable).with_name("oxigraph")
    if found.exists():
        return str(found)
    found = shutil.which("oxigraph")
    if found is None:
        pytest.skip("the Oxigraph server is not installed: pip install -e '.[test]'")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    request = Request(f"{url}/query", data=b"query=ASK%20%7B%7D",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urlopen(request, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _serve(folder: Path):
    """Start ``oxigraph serve`` on a free port of 127.0.0.1; yield its base URL; stop it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(folder / "server.log", "wb")
    proc = subprocess.Popen(
        [_oxigraph(), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(START_ATTEMPTS):
            if proc.poll() is not None or _answers(url):
                break
            time.sleep(0.1)
        if not _answers(url):
            pytest.fail(f"oxigraph serve did not answer on {url}: {(folder / 'server.log').read_text()}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A server holding the bundled data, loaded through `kg load`; yields (base URL, load report).

    Without validation: whether the bundled data conforms is test_data's business, and
    validation on load is tested below.
    """
    for url in _serve(tmp_path_factory.mktemp("oxigraph")):
        result = CliRunner().invoke(
            cli, ["--update-endpoint", f"{url}/update", "--endpoint", f"{url}/query", "load", "data/",
                  "--no-validate", "--format", "json"],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        yield url, json.loads(result.stdout)[0]  # stderr: a note on the triples with blank nodes


@pytest.fixture
def empty(tmp_path):
    """A fresh, empty server; yields its base URL."""
    yield from _serve(tmp_path)


@pytest.fixture(scope="module")
def embedded():
    return open_graph()


def _closed_port_url() -> str:
    return f"http://127.0.0.1:{_free_port()}/query"


def _norm(term) -> str | None:
    """A term as text, the same whatever engine answered: numbers by value, and the
    parts of a GROUP_CONCAT (" | ") sorted, since its order is unspecified."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype).endswith(
        ("#decimal", "#integer", "#double", "#float")
    ):
        return str(Decimal(str(term)).normalize())
    text = str(term)
    return " | ".join(sorted(text.split(" | "))) if " | " in text else text


def _rows(graph, text):
    result = run_query(graph, text)
    return result.columns, {tuple(_norm(t) for t in row) for row in result.rows}


# ---------------------------------------------------------------- loading


def test_load_reports_and_copies_the_graph_exactly(loaded, embedded):
    url, report = loaded
    assert report == {"store": f"{url}/update", "files": 5, "triples_added": report["triples_added"],
                      "ontology_added": True, "validated": False, "verified": True}
    remote = open_remote(f"{url}/query")
    assert count_triples(remote) == count_triples(embedded)
    assert isomorphic(local_copy(remote), embedded)  # blank nodes included


@pytest.mark.parametrize("name", [q.name for q in canned_queries()])
def test_canned_queries_give_the_same_rows(loaded, embedded, name):
    url, _ = loaded
    text = next(q.text for q in canned_queries() if q.name == name)
    assert _rows(open_remote(f"{url}/query"), text) == _rows(embedded, text)


def test_query_command_with_params_is_the_same(loaded, runner):
    url, _ = loaded
    args = ["query", "--name", "suppliers-of-firm", "--param", "firm=Boeing company", "--format", "csv"]
    local = run(runner, *args)
    remote = run(runner, "--endpoint", f"{url}/query", *args)
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output


def test_info_is_the_same(loaded, runner):
    url, _ = loaded
    local = run(runner, "info", "--format", "json")
    remote = run(runner, "--endpoint", f"{url}/query", "info", "--format", "json")
    assert remote.exit_code == 0, remote.output
    remote_info = json.loads(remote.output)
    remote_info.pop("files", None)  # what was loaded into the server: the bundled data has no records
    assert remote_info == json.loads(local.output)  # validation included


@pytest.mark.parametrize("name", ["weiqiao", "魏桥创业集团有限公司", "Innovation Metal", "alumina"])
def test_find_is_the_same(loaded, runner, name):
    url, _ = loaded
    local = run(runner, "find", name, "--format", "json")
    remote = run(runner, "--endpoint", f"{url}/query", "find", name, "--format", "json")
    assert remote.exit_code == 0, remote.output
    # Not "matched": when two labels of an entity score the same, kg.names keeps the one
    # it meets first, and the order of rows is the engine's.
    assert [{k: v for k, v in m.items() if k != "matched"} for m in json.loads(remote.output)] == [
        {k: v for k, v in m.items() if k != "matched"} for m in json.loads(local.output)
    ]


def test_load_is_all_or_nothing(empty, runner, tmp_path):
    opts = ["--update-endpoint", f"{empty}/update", "--endpoint", f"{empty}/query"]
    remote = open_remote(f"{empty}/query")
    assert count_triples(remote) == 0
    good = tmp_path / "g.ttl"
    good.write_text(GOOD, encoding="utf-8")
    result = run(runner, *opts, "load", str(good), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["ontology_added"] is True
    before = count_triples(remote)
    assert before == count_triples(open_graph([good]))  # ontology + file + 1 shortcut

    other = tmp_path / "h.ttl"
    other.write_text(PREFIXES + 'ckr:c a ckg:Firm ; skos:prefLabel "Gamma"@en ; prov:wasDerivedFrom ckr:ev .\n')
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "ckr:x ckg:note .\n", encoding="utf-8")
    result = runner.invoke(cli, [*opts, "load", str(other), str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}:7: ")
    assert count_triples(remote) == before

    invalid = tmp_path / "i.ttl"
    invalid.write_text(PREFIXES + "ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:a .\n", encoding="utf-8")
    result = runner.invoke(cli, [*opts, "load", str(invalid)])
    assert result.exit_code == 1
    assert "SHACL violation(s); nothing was changed" in result.output
    assert count_triples(remote) == before

    more = tmp_path / "more.ttl"
    more.write_text(OTHER, encoding="utf-8")
    result = run(runner, *opts, "load", str(more), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["ontology_added"] is False  # not twice
    assert count_triples(remote) == before + 9


def test_load_without_query_endpoint(empty, runner, tmp_path):
    good = tmp_path / "g.ttl"
    good.write_text(GOOD, encoding="utf-8")
    for _ in range(2):  # the ontology goes in once, decided by the server
        result = run(runner, "--update-endpoint", f"{empty}/update", "load", str(good), "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)[0]["ontology_added"] is None  # stderr: "Note: not verified: …"
    assert count_triples(open_remote(f"{empty}/query")) == count_triples(open_graph([good]))


# ---------------------------------------------------------------- errors


def test_refused_query_never_reaches_the_server(loaded, runner):
    url, _ = loaded
    remote = open_remote(f"{url}/query")
    with pytest.raises(QueryRefused):
        run_query(remote, "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    assert remote.store._queries == 0
    # Sent to a port where nothing listens, it would fail to connect instead.
    result = runner.invoke(cli, ["--endpoint", _closed_port_url(), "query", "LOAD <http://x/y.ttl>"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: LOAD is not allowed")


def test_unreachable_endpoint_is_a_clear_error(runner, tmp_path):
    url = _closed_port_url()
    result = runner.invoke(cli, ["--endpoint", url, "info"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {url}: cannot reach the SPARQL server: ")
    assert "Traceback" not in result.output
    good = tmp_path / "g.ttl"
    good.write_text(GOOD, encoding="utf-8")
    update = url.replace("/query", "/update")
    result = runner.invoke(cli, ["--update-endpoint", update, "load", str(good)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {update}: cannot reach the SPARQL server: ")


def test_http_errors_and_bad_queries_name_the_endpoint(loaded, runner):
    url, _ = loaded
    result = runner.invoke(cli, ["--endpoint", f"{url}/nowhere", "find", "weiqiao"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {url}/nowhere: the SPARQL server answered HTTP 404")
    # a query kg's check parses but the server refuses (?x is not grouped): the server's answer, named
    result = runner.invoke(cli, ["--endpoint", f"{url}/query", "query", "SELECT ?x WHERE { ?x ?p ?o } GROUP BY ?p"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {url}/query rejected the query: ")
    # one that does not parse never reaches the server
    result = runner.invoke(cli, ["--endpoint", f"{url}/query", "query", "SELECT * WHERE { ?s ?p }"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the query does not parse")


def test_a_silent_server_times_out():
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        with pytest.raises(StoreError, match=r"no answer from the SPARQL server within 0.5 s"):
            count_triples(open_remote(url, timeout=0.5))


@pytest.mark.parametrize(
    "args,message",
    [
        (["--endpoint", "http://127.0.0.1:1/query", "--data", "data/", "info"], "cannot be combined"),
        (["--update-endpoint", "http://127.0.0.1:1/update", "--store", "x", "info"], "cannot be combined"),
        (["--update-endpoint", "http://127.0.0.1:1/update", "info"], "give --endpoint URL"),
        (["--endpoint", "http://127.0.0.1:1/query", "load", "data/"], "--update-endpoint"),
    ],
)
def test_usage_errors(runner, args, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output


def test_endpoint_must_be_a_url(runner):
    result = runner.invoke(cli, ["--endpoint", "localhost:7878", "info"])
    assert result.exit_code == 1
    assert "expected an http:// or https:// URL" in result.output


# ---------------------------------------------------------------- network and risk


def test_supply_network_and_dominators_are_the_same(loaded, embedded):
    from kg.analysis.dominance import dominator_tree, single_points_of_failure
    from kg.network.project import supply_network

    url, _ = loaded
    remote = open_remote(f"{url}/query")
    G = supply_network(remote)
    # a fixed number of streamed reads (classes, agent types, relations, evidence, relation
    # attributes, node attributes, lifecycle stages, cohort dates), whatever the number of firms:
    # never one per firm
    assert remote.store._queries == 8
    H = supply_network(embedded)
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    assert {(s, c): d for s, c, d in G.edges(data=True)} == {(s, c): d for s, c, d in H.edges(data=True)}
    assert dominator_tree(G).idom == dominator_tree(H).idom
    assert single_points_of_failure(G) == single_points_of_failure(H)
    # a cluster resolved and read over the protocol, as in the embedded graph
    remote_cluster = supply_network(remote, cluster="Binzhou")
    assert single_points_of_failure(remote_cluster) == single_points_of_failure(supply_network(embedded, cluster="Binzhou"))
    assert len(remote_cluster) < len(G)


def test_ask_and_construct(loaded, embedded):
    url, _ = loaded
    remote = open_remote(f"{url}/query")
    ask = "ASK { ?s a ckg:Firm }"
    assert run_query(remote, ask).rows == run_query(embedded, ask).rows == [(True,)]
    construct = "CONSTRUCT { ?s ckg:suppliesTo ?o } WHERE { ?s ckg:suppliesTo ?o }"
    assert set(run_query(remote, construct).rows) == set(run_query(embedded, construct).rows)


def test_select_streams_rows_from_the_server(loaded, embedded):
    from kg.rdf.graph import select
    from kg.rdf.remote import is_remote

    url, _ = loaded
    remote = open_remote(f"{url}/query")
    assert is_remote(remote) and not is_remote(embedded)
    query = "SELECT ?s ?label WHERE { ?s a ckg:Firm OPTIONAL { ?s skos:prefLabel ?label } }"
    rows = {tuple(row) for row in select(remote, query)}
    assert rows == {tuple(row) for row in select(embedded, query)}
    assert len(rows) > 10


def test_loading_the_bundled_data_twice_adds_nothing(empty):
    """Issue 14: a second load of data/ added 282 triples (its quantities were blank nodes)."""
    args = ["--update-endpoint", f"{empty}/update", "--endpoint", f"{empty}/query", "load", "data/",
            "--no-validate", "--format", "json"]
    first = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    held = count_triples(open_graph(endpoint=f"{empty}/query"))
    second = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert count_triples(open_graph(endpoint=f"{empty}/query")) == held


# ---------------------------------------------------------------- replacing and removing (issue 14)

LABELS = PREFIXES + 'ckr:a skos:prefLabel "Alpha Alumina"@en ; skos:altLabel "Alpha"@en .\n'
"""2 triples; the first is also in FIRMS."""

BLANK = PREFIXES + 'ckr:a ckg:note [ ckg:note "x" ] .\n_:z ckg:note "y" .\n'
"""3 triples, 2 blank nodes."""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _ask(url: str, query: str) -> bool:
    return bool(open_remote(f"{url}/query").query(query).askAnswer)


@pytest.fixture
def two_files(empty, tmp_path):
    """An empty server loaded with SOURCE and FIRMS (validated): O + 19 triples; yields (URL, O)."""
    from kg.ingest.load import load_remote

    ontology = count_triples(open_graph([]))
    report = load_remote(f"{empty}/update", [_write(tmp_path, "src.ttl", SOURCE), _write(tmp_path, "firms.ttl", FIRMS)],
                         endpoint=f"{empty}/query")
    assert report["triples_added"] == ontology + 19
    assert count_triples(open_remote(f"{empty}/query")) == ontology + 19
    return empty, ontology


def test_a_server_replaces_a_share_from_0_7_to_0_5(two_files, tmp_path):
    from kg.ingest.load import load_remote

    url, ontology = two_files
    remote = open_remote(f"{url}/query")
    again = load_remote(f"{url}/update", [tmp_path / "src.ttl", tmp_path / "firms.ttl"], endpoint=f"{url}/query")
    assert (again["triples_added"], again["unchanged"]) == (0, ["src.ttl", "firms.ttl"])
    changed = _write(tmp_path / "v2", "firms.ttl", FIRMS.replace("ckg:share 0.7", "ckg:share 0.5"))
    with pytest.raises(StoreError, match=r"a file named firms.ttl was loaded into .* before, with other content"):
        load_remote(f"{url}/update", [changed], endpoint=f"{url}/query")
    assert _ask(url, "ASK { ckr:r ckg:share 0.7 }")
    report = load_remote(f"{url}/update", [changed], endpoint=f"{url}/query", replace=True)
    assert (report["triples_added"], report["triples_removed"], report["replaced"]) == (1, 1, ["firms.ttl"])
    assert report["verified"] is True and report["validated"] is True
    assert _ask(url, "ASK { ckr:r ckg:share 0.5 }") and not _ask(url, "ASK { ckr:r ckg:share 0.7 }")
    assert count_triples(remote) == ontology + 19
    assert _ask(url, "ASK { GRAPH <https://w3id.org/cluster-kg/file/firms.ttl> { ckr:r ckg:share 0.5 } }")
    assert not _ask(url, "ASK { GRAPH ?g { ckr:r ckg:share 0.7 } }")


def test_a_server_keeps_a_triple_another_file_says(two_files, tmp_path):
    from kg.ingest.load import load_remote, remove_remote

    url, ontology = two_files
    remote = open_remote(f"{url}/query")
    # validate=False: a load validates its files with the ontology only, and LABELS names no type
    load_remote(f"{url}/update", [_write(tmp_path, "labels.ttl", LABELS)], endpoint=f"{url}/query", validate=False)
    assert count_triples(remote) == ontology + 20
    report = remove_remote(f"{url}/update", ["labels.ttl"], endpoint=f"{url}/query")
    assert (report["triples_removed"], report["removed"]) == (1, ["labels.ttl"])
    assert _ask(url, 'ASK { ckr:a skos:prefLabel "Alpha Alumina"@en }')
    assert count_triples(remote) == ontology + 19
    load_remote(f"{url}/update", [tmp_path / "labels.ttl"], endpoint=f"{url}/query", validate=False)
    report = remove_remote(f"{url}/update", ["firms.ttl"], endpoint=f"{url}/query", validate=False)
    assert report["triples_removed"] == 12  # 11 of its 12 triples and the shortcut
    assert _ask(url, 'ASK { ckr:a skos:prefLabel "Alpha Alumina"@en }')
    assert not _ask(url, "ASK { ?s ckg:suppliesTo ?o }")
    assert count_triples(remote) == ontology + 6 + 2
    # no ontology triple ever left: the ontology has a file graph of its own
    assert count_triples(open_graph([])) == ontology


def test_a_server_removal_that_fails_validation_sends_nothing(two_files):
    from kg.ingest.load import remove_remote
    from kg.ingest.remote import remote_records

    url, ontology = two_files
    records = remote_records(open_remote(f"{url}/query")).files
    with pytest.raises(ValidationFailed) as e:
        remove_remote(f"{url}/update", ["src.ttl"], endpoint=f"{url}/query")
    assert str(e.value).startswith("3 SHACL violation(s); nothing was changed:")
    assert count_triples(open_remote(f"{url}/query")) == ontology + 19
    assert remote_records(open_remote(f"{url}/query")).files == records


def test_a_server_refuses_an_unknown_name_and_replace_without_query_url(two_files, tmp_path):
    from kg.ingest.load import load_remote, remove_remote

    url, _ = two_files
    with pytest.raises(StoreError) as e:
        remove_remote(f"{url}/update", ["nowhere.ttl"], endpoint=f"{url}/query")
    assert str(e.value) == (f"{url}/update: no file named 'nowhere.ttl' is recorded as loaded; the loaded files: "
                            "firms.ttl, src.ttl")
    with pytest.raises(StoreError, match="--replace on a SPARQL server needs --endpoint URL"):
        load_remote(f"{url}/update", [tmp_path / "firms.ttl"], replace=True)


def test_a_server_adds_a_file_with_blank_nodes_once(empty, tmp_path):
    from kg.ingest.load import load_remote

    path = _write(tmp_path, "blank.ttl", BLANK)
    for _ in range(2):
        load_remote(f"{empty}/update", [path], endpoint=f"{empty}/query", validate=False)
    load_remote(f"{empty}/update", [path], validate=False)  # unverified: the server decides alone
    assert count_triples(open_remote(f"{empty}/query")) == count_triples(open_graph([])) + 3
    assert not _ask(empty, "ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }")


def test_an_unverified_load_of_a_changed_file_leaves_the_server_as_it_was(two_files, tmp_path):
    from kg.ingest.load import load_remote

    url, ontology = two_files
    changed = _write(tmp_path / "v2", "firms.ttl", FIRMS.replace("ckg:share 0.7", "ckg:share 0.5"))
    load_remote(f"{url}/update", [changed], validate=False)  # no query URL: the records cannot be read first
    assert _ask(url, "ASK { ckr:r ckg:share 0.7 }") and not _ask(url, "ASK { ?r ckg:share 0.5 }")
    assert count_triples(open_remote(f"{url}/query")) == ontology + 19


def test_a_server_loaded_before_records_keeps_what_it_held(empty, tmp_path):
    """A server an older kg loaded: everything in the default graph, no file graph, no records."""
    from kg.ingest.load import load_remote, remove_remote
    from kg.ingest.remote import remote_records
    from kg.rdf.formats import parse_files
    from kg.rdf.remote import send_update
    from kg.rdf.remote_load import insert_data

    firms = _write(tmp_path, "firms.ttl", FIRMS)
    send_update(f"{empty}/update", insert_data(parse_files([firms])[0].triples))  # 12 triples, as kg 0.x did
    assert remote_records(open_remote(f"{empty}/query")).recorded is False
    load_remote(f"{empty}/update", [_write(tmp_path, "labels.ttl", LABELS)], endpoint=f"{empty}/query", validate=False)
    ledger = remote_records(open_remote(f"{empty}/query"))
    assert (sorted(ledger.files), ledger.unrecorded) == (["labels.ttl"], 1)
    with pytest.raises(StoreError, match="also holds data loaded before kg kept records of files"):
        remove_remote(f"{empty}/update", ["firms.ttl"], endpoint=f"{empty}/query")
    remove_remote(f"{empty}/update", ["labels.ttl"], endpoint=f"{empty}/query", validate=False)
    assert _ask(empty, 'ASK { ckr:a skos:prefLabel "Alpha Alumina"@en }')  # the old load said it
    assert not _ask(empty, 'ASK { ckr:a skos:altLabel "Alpha"@en }')
    ontology = count_triples(open_graph([]))
    # the old load's 12, and its shortcut: the removal derived the shortcuts from all the server holds
    assert count_triples(open_remote(f"{empty}/query")) == ontology + 12 + 1


def test_removing_the_bundled_sources_fails_validation_and_changes_nothing(loaded, runner):
    from kg.ingest.load import remove_remote
    from kg.ingest.remote import remote_records

    url, _ = loaded
    remote = open_remote(f"{url}/query")
    before, records = count_triples(remote), remote_records(remote).files
    with pytest.raises(ValidationFailed):
        remove_remote(f"{url}/update", ["sources.ttl"], endpoint=f"{url}/query")
    assert count_triples(remote) == before
    assert remote_records(remote).files == records
