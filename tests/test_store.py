"""Parsing, loading and writing: errors with file and line, all-or-nothing, round trips."""

import os

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.errors import ParseError, StoreError
from kg.ontology import CKG
from kg.store import (
    count_triples,
    expand_paths,
    load_into_store,
    open_graph,
    parse_file,
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
    load_into_store(store_dir, [write(tmp_path, "l.ttl", LINK)], validate=False)
    before = count_triples(open_graph(store=store_dir))
    good = write(tmp_path, "good.ttl", PREFIXES + "ckr:x ckg:note \"x\" .\n")
    bad = write(tmp_path, "bad.ttl", PREFIXES + "ckr:y ckg:note .\n")
    with pytest.raises(ParseError, match=r"bad\.ttl:4: column 16: "):
        load_into_store(store_dir, [good, bad], validate=False)
    assert count_triples(open_graph(store=store_dir)) == before
    assert sorted(p.name for p in store_dir.iterdir() if p.name.startswith("gen-")) == [
        os.readlink(store_dir / "kg-current")
    ]  # the failed generation is gone


def test_second_writer_gets_a_clear_error(tmp_path):
    from kg.store import _writer_lock

    store_dir = tmp_path / "store"
    with _writer_lock(store_dir):
        with pytest.raises(StoreError, match="another `kg load` is writing to this store"):
            load_into_store(store_dir, [write(tmp_path, "l.ttl", LINK)], validate=False)
    load_into_store(store_dir, [write(tmp_path, "l.ttl", LINK)], validate=False)  # lock released


def test_readers_keep_their_generation_while_a_load_swaps(tmp_path):
    store_dir = tmp_path / "store"
    load_into_store(store_dir, [write(tmp_path, "l.ttl", LINK)], validate=False)
    reader = open_graph(store=store_dir)
    n = count_triples(reader)
    load_into_store(store_dir, [write(tmp_path, "m.ttl", PREFIXES + "ckr:z ckg:note \"z\" .\n")], validate=False)
    assert count_triples(reader) == n
    assert count_triples(open_graph(store=store_dir)) == n + 1


def test_plain_oxigraph_folder_is_read_but_not_written(tmp_path):
    import pyoxigraph as ox

    plain = ox.Store(str(tmp_path / "plain"))
    plain.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/b")))
    plain.flush()
    del plain
    assert count_triples(open_graph(store=tmp_path / "plain")) == 1
    with pytest.raises(StoreError, match="a plain Oxigraph store"):
        load_into_store(tmp_path / "plain", [write(tmp_path, "l.ttl", LINK)], validate=False)


def test_kill_9_during_a_load_leaves_the_store_as_it_was(tmp_path):
    """A load killed with SIGKILL in the middle of a bulk load changes nothing."""
    import signal
    import subprocess
    import sys
    import time

    store_dir = tmp_path / "store"
    load_into_store(store_dir, [write(tmp_path, "l.ttl", LINK)], validate=False)
    before = count_triples(open_graph(store=store_dir))
    big = tmp_path / "big.nt"
    with open(big, "w", encoding="utf-8") as f:  # about 60 MB: the load takes seconds
        for i in range(600_000):
            f.write(f"<http://e/s{i}> <http://e/p> \"a longer literal value number {i} to make the file big\" .\n")
    script = f"from kg.store import load_into_store; load_into_store({str(store_dir)!r}, [{str(big)!r}], validate=False)"
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not list(store_dir.glob("gen-*/CURRENT")) or len(list(store_dir.glob("gen-*"))) < 2:
        assert proc.poll() is None, "the load finished before it could be killed; make the file bigger"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)  # well inside the bulk load
    assert proc.poll() is None, "the load finished before it could be killed; make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert count_triples(open_graph(store=store_dir)) == before
    load_into_store(store_dir, [write(tmp_path, "m.ttl", PREFIXES + "ckr:z ckg:note \"z\" .\n")], validate=False)
    assert count_triples(open_graph(store=store_dir)) == before + 1
    assert len(list(store_dir.glob("gen-*"))) == 2  # the killed load's generation was cleaned up


def test_round_trip_through_a_persistent_store_is_isomorphic(tmp_path):
    from kg.store import default_data_paths

    memory = open_graph()
    load_into_store(tmp_path / "s", default_data_paths(), validate=False)
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
