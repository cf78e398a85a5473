"""Parsing, loading and writing: errors with file and line, all-or-nothing, round trips."""

import os

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.errors import ParseError, StoreError
from kg.ontology import CKG
from kg.store import (
    add_to_store,
    count_triples,
    expand_paths,
    open_graph,
    open_store,
    parse_file,
    parse_files,
    write_atomic,
)

PREFIXES = """@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
@prefix ckr: <https://w3id.org/cluster-kg/id/> .
@prefix ckp: <https://w3id.org/cluster-kg/product/> .
"""

LINK = PREFIXES + """
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:a ; ckg:customer ckr:b ; ckg:product ckp:alumina .
ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:b ; ckg:customer ckr:c ; ckg:product ckp:alumina .
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_error_names_file_and_line(tmp_path):
    bad = write(tmp_path, "bad.ttl", PREFIXES + "ckr:a ckg:note \"fine\" .\nckr:b ckg:note \"unterminated .\n")
    with pytest.raises(ParseError) as e:
        parse_file(bad)
    assert e.value.line == 5
    assert str(e.value).startswith(f"{bad}:5: ")


def test_unknown_format_and_missing_file(tmp_path):
    other = write(tmp_path, "notes.txt", "hello")
    with pytest.raises(ParseError, match="unknown RDF format '.txt'"):
        expand_paths([other])
    with pytest.raises(ParseError, match="no such file or folder"):
        expand_paths([tmp_path / "missing.ttl"])


def test_folders_expand_to_rdf_files_once(tmp_path):
    a = write(tmp_path, "a.ttl", LINK)
    write(tmp_path, "README.md", "not rdf")
    assert expand_paths([tmp_path, a]) == [a]


@pytest.mark.parametrize(
    "name,text",
    [
        ("x.nt", "<http://e/a> <http://e/p> <http://e/b> .\n"),
        ("x.trig", "<http://e/g> { <http://e/a> <http://e/p> <http://e/b> . }\n"),
        ("x.jsonld", '{"@id": "http://e/a", "http://e/p": {"@id": "http://e/b"}}'),
    ],
)
def test_formats_by_extension_all_land_in_the_default_graph(tmp_path, name, text):
    g = open_graph([write(tmp_path, name, text)], ontology=False)
    assert count_triples(g) == 1
    assert bool(g.query("ASK { <http://e/a> <http://e/p> <http://e/b> }").askAnswer)


def test_blank_node_labels_are_local_to_their_file(tmp_path):
    a = write(tmp_path, "a.ttl", PREFIXES + '_:b1 ckg:note "from a" .\n')
    b = write(tmp_path, "b.ttl", PREFIXES + '_:b1 ckg:note "from b" .\n')
    g = open_graph([a, b], ontology=False)
    rows = list(g.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ckg:note ?o }"))
    assert int(rows[0][0]) == 2


def test_supplies_to_is_derived_from_relations(tmp_path):
    g = open_graph([write(tmp_path, "l.ttl", LINK)], ontology=False)
    pairs = sorted((str(s)[-1], str(o)[-1]) for s, o in g.subject_objects(CKG.suppliesTo))
    assert pairs == [("a", "b"), ("b", "c")]
    assert count_triples(g) == 2 * 4 + 2


def test_ontology_is_always_there_even_with_data_only(tmp_path):
    g = open_graph([write(tmp_path, "l.ttl", LINK)])
    assert bool(g.query("ASK { ckg:Firm a owl:Class }").askAnswer)


def test_store_load_is_all_or_nothing(tmp_path):
    store_dir = tmp_path / "store"
    store = open_store(store_dir)
    add_to_store(store, parse_files([write(tmp_path, "l.ttl", LINK)]))
    before = len(list(store))
    good = write(tmp_path, "good.ttl", PREFIXES + "ckr:x ckg:note \"x\" .\n")
    bad = write(tmp_path, "bad.ttl", PREFIXES + "ckr:y ckg:note .\n")
    with pytest.raises(ParseError):
        add_to_store(store, parse_files([good, bad]))
    assert len(list(store)) == before == 10


def test_round_trip_through_a_persistent_store_is_isomorphic(tmp_path):
    memory = open_graph()
    store = open_store(tmp_path / "s")
    from kg.store import default_data_paths, ontology_paths

    add_to_store(store, parse_files([*ontology_paths(), *default_data_paths()]))
    del store
    on_disk = open_graph(store=tmp_path / "s")
    assert isomorphic(_plain(memory), _plain(on_disk))


@pytest.mark.parametrize("fmt,suffix", [("ox-turtle", ".ttl"), ("ox-nt", ".nt"), ("ox-trig", ".trig")])
def test_round_trip_through_a_file_is_isomorphic(tmp_path, fmt, suffix):
    memory = open_graph()
    path = tmp_path / f"dump{suffix}"
    memory.serialize(destination=str(path), format=fmt)
    again = open_graph([path], ontology=False)
    assert isomorphic(_plain(memory), _plain(again))


def _plain(graph):
    g = Graph()
    for t in graph.triples((None, None, None)):
        g.add(t)
    return g


def test_read_only_store_must_exist(tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        open_graph(store=tmp_path / "nothing")


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.txt"
    write_atomic(target, "old")

    class Boom:
        def __str__(self):
            raise RuntimeError("boom")

    with pytest.raises(TypeError):
        write_atomic(target, Boom())  # not str or bytes: the write fails
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomic_gives_the_usual_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "report.html", "x")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_atomic_replaces(tmp_path):
    target = tmp_path / "sub" / "out.html"
    write_atomic(target, "one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(target.parent) == ["out.html"]
