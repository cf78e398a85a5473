"""`kg load --replace` and `kg remove` (issue 14): what a loaded file said, replaced or removed as a
unit, all or nothing; `Error:` lines for what is refused. The same graphs as tests/ingest/."""

import copy
import json
import os

import pytest
from click.testing import CliRunner
from conftest import FIRMS, SOURCE, WIDTH

from kg.cli.main import COMMANDS, cli
from kg.rdf.graph import count_triples, open_graph


def kg_group():
    """`kg` with `remove`, registered as kg/cli/main.py will register it (a copy: the real group is untouched)."""
    if "remove" in COMMANDS:
        return cli
    group = copy.copy(cli)
    group.lazy_subcommands = {**cli.lazy_subcommands, "remove": (
        "kg.cli.commands.load.remove", "Remove what loaded files said from a store, all or nothing.")}
    return group


def kg(*args: str):
    return CliRunner(env=WIDTH).invoke(kg_group(), list(args), catch_exceptions=False)


@pytest.fixture
def store(tmp_path):
    """A store of src.ttl and firms.ttl; yields (store, folder of the files)."""
    for name, text in (("src.ttl", SOURCE), ("firms.ttl", FIRMS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "firms.ttl").write_text(FIRMS.replace("ckg:share 0.7", "ckg:share 0.5"), encoding="utf-8")
    store = tmp_path / "S"
    result = kg("load", str(tmp_path / "src.ttl"), str(tmp_path / "firms.ttl"), "--store", str(store))
    assert result.exit_code == 0, result.output
    return store, tmp_path


def shares(store) -> list[str]:
    return sorted(str(r[0]) for r in open_graph(store=store).query("SELECT ?s WHERE { ?r ckg:share ?s }"))


def test_load_again_says_already_loaded(store):
    s, files = store
    result = kg("load", str(files / "firms.ttl"), "--store", str(s), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"store": str(s), "files": 1, "triples_added": 0, "ontology_added": False,
                                          "validated": True}]
    assert result.stderr == "Note: already loaded, the same bytes (nothing added from them): firms.ttl\n"


def test_a_changed_file_without_replace_is_one_error(store):
    s, files = store
    gen = os.readlink(s / "kg-current")
    result = kg("load", str(files / "v2" / "firms.ttl"), "--store", str(s))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {files / 'v2' / 'firms.ttl'}: a file named firms.ttl was loaded into {s} "
                                    "before, with other content (sha256 ")
    assert result.output.endswith(f"load it with --replace (`kg load --store {s} --replace "
                                  f"{files / 'v2' / 'firms.ttl'}`); nothing was changed\n")
    assert os.readlink(s / "kg-current") == gen and shares(s) == ["0.7"]


def test_load_replace_prints_what_changed(store):
    s, files = store
    result = kg("load", "--replace", str(files / "v2" / "firms.ttl"), "--store", str(s), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("store,files,triples_added,triples_removed,ontology_added,validated\n"
                             f"{s},1,1,1,False,True\n")
    assert result.stderr == "Note: replaced what firms.ttl said before\n"
    assert shares(s) == ["0.5"]


def test_remove_prints_what_went(store):
    s, _ = store
    before = count_triples(open_graph(store=s))
    result = kg("remove", "firms.ttl", "--store", str(s), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"store": str(s), "removed": "firms.ttl", "triples_removed": 13,
                                          "validated": True}]
    assert count_triples(open_graph(store=s)) == before - 13
    assert shares(s) == []


def test_remove_that_fails_validation_changes_nothing(store):
    s, _ = store
    gen = os.readlink(s / "kg-current")
    result = kg("--store", str(s), "remove", "src.ttl")
    assert result.exit_code == 1
    assert result.output.startswith("Error: 3 SHACL violation(s); nothing was changed:\n")
    assert os.readlink(s / "kg-current") == gen


def test_remove_of_an_unknown_name(store):
    s, _ = store
    result = kg("remove", "nowhere.ttl", "--store", str(s))
    assert result.output == (f"Error: {s}: no file named 'nowhere.ttl' is recorded as loaded; the loaded files: "
                             "firms.ttl, src.ttl\n")
    assert result.exit_code == 1


@pytest.mark.parametrize("args,message", [
    (["remove", "a.ttl"], "kg remove needs a store: --store DIR"),
    (["--update-endpoint", "http://127.0.0.1:9/update", "remove", "a.ttl"],
     "kg remove on a SPARQL server needs --endpoint URL"),
    (["--endpoint", "http://127.0.0.1:9/query", "remove", "a.ttl"], "--update-endpoint"),
])
def test_remove_usage_errors(args, message):
    result = kg(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_replace_on_a_server_needs_the_query_url(store):
    _, files = store
    result = kg("--update-endpoint", "http://127.0.0.1:9/update", "load", "--replace", str(files / "firms.ttl"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: --replace on a SPARQL server needs --endpoint URL")
