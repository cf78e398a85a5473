"""Parsing, loading and writing: errors with file and line, all-or-nothing, round trips."""

import os

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.errors import ParseError, StoreError
from kg.ingest.load import load_into_store
from kg.rdf.formats import expand_paths, parse_file
from kg.rdf.graph import count_triples, open_graph
from kg.utils.files import write_atomic
from kg.vocab.terms import CKG

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
    from kg.rdf.generations import writer_lock as _writer_lock

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
    script = f"from kg.ingest.load import load_into_store; load_into_store({str(store_dir)!r}, [{str(big)!r}], validate=False)"
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
    from kg.rdf.formats import default_data_paths

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


# ------------------------------------------------ bulk loading (kg load)

CKG_NS = "https://w3id.org/cluster-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def nt_line(s, p, o):
    return f"<{s}> <{p}> <{o}> .\n"


@pytest.fixture
def bulk_everything(monkeypatch):
    """Send files of every size through the bulk loader, as big files go."""
    import kg.ingest.load
    import kg.rdf.bulk
    import kg.rdf.shortcuts

    monkeypatch.setattr(kg.rdf.bulk, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(kg.ingest.load, "BULK_MIN_BYTES", 0)


def filler(n, start=0):
    return "".join(f'<http://e/s{i}> <http://e/p> "value number {i}" .\n' for i in range(start, start + n))


@pytest.mark.parametrize("big", [False, True], ids=["one-block", "beyond-the-pipe"])
def test_bulk_load_parse_error_in_the_middle_of_n_triples_names_the_line(tmp_path, bulk_everything, big):
    # beyond-the-pipe: the parser stops while the file is still being fed to it (25 MB)
    before = 400_000 if big else 1000
    bad = write(tmp_path, "bad.nt", filler(before) + "<http://e/x> <http://e/p> .\n" + filler(before, before))
    with pytest.raises(ParseError) as e:
        load_into_store(tmp_path / "store", [bad], validate=False)
    assert (e.value.path, e.value.line) == (str(bad), before + 1)
    assert str(e.value).startswith(f"{bad}:{before + 1}: column 27: ")
    assert not (tmp_path / "store").exists()  # a failed first load removes the folder it made


def test_bulk_load_parse_error_in_the_middle_of_turtle_names_the_line(tmp_path, bulk_everything):
    body = "".join(f'ckr:f{i} ckg:note "note {i}" ;\n    ckg:note "again {i}" .\n' for i in range(500))
    bad = write(tmp_path, "bad.ttl", PREFIXES + body + "ckr:x ckg:note .\n" + body)
    with pytest.raises(ParseError) as e:
        load_into_store(tmp_path / "store", [bad], validate=False)
    assert e.value.line == 3 + 2 * 500 + 1
    assert str(e.value).startswith(f"{bad}:1004: column 16: ")


def test_statements_are_counted_exactly_across_blocks():
    from kg.rdf.shortcuts import NTriplesLines as _NTriplesLines

    text = (
        b"# comment\n\n   \n<a:s> <a:p> <a:o> .\r\n  <a:s> <a:p> <a:q> . # end\n\t# indented comment\n"
        b"<a:s> <a:p> \"x\" .\r<a:s> <a:p> \"y\" .\r\r\n<a:s> <a:p> <a:r> ."  # lone CRs end lines too
    )
    for size in (1, 2, 3, 7, len(text)):
        lines = _NTriplesLines(None)
        for i in range(0, len(text), size):
            lines.feed(text[i : i + size])
        lines.close()
        assert lines.statements == 5, size


def test_progress_of_a_bulk_load(tmp_path, bulk_everything, monkeypatch):
    import kg.ingest.load
    import kg.rdf.bulk
    import kg.rdf.shortcuts
    from kg.rdf.bulk import load_file

    monkeypatch.setattr(kg.rdf.bulk, "PROGRESS_EVERY", 1000)
    monkeypatch.setattr(kg.rdf.bulk, "BLOCK", 16 * 1024)
    monkeypatch.setattr(kg.rdf.bulk, "PROGRESS_BYTES", 100_000)
    nt = write(tmp_path, "big.nt", "# header\n" + filler(10_000))
    ttl = write(tmp_path, "big.ttl", filler(10_000))
    import pyoxigraph as ox

    seen = []
    assert load_file(ox.Store(), nt, bulk=True, progress=seen.append) == 10_000
    assert all(p.file == str(nt) and p.size == nt.stat().st_size for p in seen)
    counts = [p.triples for p in seen]
    assert counts == sorted(counts) and counts[-1] == 10_000 and seen[-1].done
    assert len(counts) > 5 and not any(p.done for p in seen[:-1])
    text = nt.read_text()  # each report counts the lines in the bytes the parser has surely read
    assert all(p.triples == text[: p.bytes_read].count("\n") - 1 for p in seen)
    seen = []
    assert load_file(ox.Store(), ttl, bulk=True, progress=seen.append) is None
    assert [p.triples for p in seen] == [None] * len(seen) and len(seen) > 2
    assert seen[-1].done and seen[-1].bytes_read == ttl.stat().st_size


def test_store_load_derives_shortcuts_from_the_file_text_as_sparql_does(tmp_path, bulk_everything):
    """The derived triples of a new store come from the lines of its N-Triples files."""
    from kg.rdf.shortcuts import Shortcuts as _Shortcuts

    e = "http://e/"
    lines = [
        nt_line(e + "r1", RDF_TYPE, CKG_NS + "SupplyRelation"),
        nt_line(e + "r1", CKG_NS + "supplier", e + "a"),
        nt_line(e + "r1", CKG_NS + "supplier", e + "b"),  # two suppliers
        nt_line(e + "r1", CKG_NS + "customer", e + "c"),
        nt_line(e + "r2", CKG_NS + "supplier", e + "a"),  # not a SupplyRelation: no shortcut
        nt_line(e + "r2", CKG_NS + "customer", e + "d"),
        f"<{e}r3>\t<{RDF_TYPE}>  <{CKG_NS}SupplyRelation> . # spaced\n",
        f"<{e}r3> <{CKG_NS}supplie\\u0072> <{e}d> .\n",  # an escaped predicate
        nt_line(e + "r3", CKG_NS + "customer", e + "c"),
        nt_line(e + "f", CKG_NS + "parentOrganization", e + "g"),
    ]
    data = write(tmp_path, "d.nt", "".join(lines))
    load_into_store(tmp_path / "store", [data], validate=False)
    got = open_graph(store=tmp_path / "store")
    pairs = sorted(
        (str(s).rpartition("/")[2], str(p).rpartition("#")[2], str(o).rpartition("/")[2])
        for p in (CKG.suppliesTo, CKG.subsidiary)
        for s, o in got.subject_objects(p)
    )
    assert pairs == [
        ("a", "suppliesTo", "c"), ("b", "suppliesTo", "c"), ("d", "suppliesTo", "c"), ("g", "subsidiary", "f"),
    ]  # fmt: skip
    assert count_triples(got) == count_triples(open_graph([data]))  # the same as the SPARQL rule in memory
    shortcuts = _Shortcuts()
    shortcuts.scan(b"\n" + "".join(lines).encode(), len("".join(lines).encode()) + 1)
    assert shortcuts.exact


@pytest.mark.parametrize(
    "line",
    [
        "_:r <https://w3id.org/cluster-kg/ontology#supplier> <http://e/a> .\n",  # a blank node
        '<http://e/r> <http://e/note> "see <https://w3id.org/cluster-kg/ontology#customer>" .\n',  # in a literal
        '<http://e/r> <https://w3id.org/cluster-kg/ontology#supplier> "a literal" .\n',
    ],
)
def test_store_load_lets_sparql_derive_what_the_text_cannot_say(tmp_path, bulk_everything, line):
    from kg.rdf.shortcuts import Shortcuts as _Shortcuts

    text = LINK_NT + line
    shortcuts = _Shortcuts()
    shortcuts.scan(b"\n" + text.encode(), len(text.encode()) + 1)
    assert not shortcuts.exact
    data = write(tmp_path, "d.nt", text)
    load_into_store(tmp_path / "store", [data], validate=False)
    got = open_graph(store=tmp_path / "store")
    pairs = sorted((str(s)[-1], str(o)[-1]) for s, o in got.subject_objects(CKG.suppliesTo))
    assert pairs == [("a", "b"), ("b", "c")]
    assert count_triples(got) == count_triples(open_graph([data]))


LINK_NT = "".join(
    nt_line(f"https://w3id.org/cluster-kg/id/{r}", p, o)
    for r, s, c in (("r1", "a", "b"), ("r2", "b", "c"))
    for p, o in (
        (RDF_TYPE, CKG_NS + "SupplyRelation"),
        (CKG_NS + "supplier", f"https://w3id.org/cluster-kg/id/{s}"),
        (CKG_NS + "customer", f"https://w3id.org/cluster-kg/id/{c}"),
        (CKG_NS + "product", "https://w3id.org/cluster-kg/product/alumina"),
    )
)
"""LINK in N-Triples."""


def test_store_load_of_the_same_triples_in_each_format_gives_the_same_store(tmp_path, bulk_everything):
    nt = write(tmp_path, "l.nt", LINK_NT)
    ttl = write(tmp_path, "l.ttl", LINK)
    nq = write(tmp_path, "l.nq", LINK_NT.replace(" .\n", " <http://e/graph> .\n"))  # named graph merged
    sizes = {}
    for path in (nt, ttl, nq):
        report = load_into_store(tmp_path / path.suffix, [path], validate=False)
        sizes[path.suffix] = report["triples_added"], count_triples(open_graph(store=tmp_path / path.suffix))
    ontology = count_triples(open_graph([]))
    assert set(sizes.values()) == {(ontology + 2 * 4 + 2, ontology + 2 * 4 + 2)}


def test_blank_node_labels_are_local_to_each_file_of_a_store_load(tmp_path, bulk_everything):
    a = write(tmp_path, "a.nt", '_:b1 <http://e/note> "from a" .\n')
    b = write(tmp_path, "b.nt", '_:b1 <http://e/note> "from b" .\n')
    load_into_store(tmp_path / "store", [a, b], validate=False)
    load_into_store(tmp_path / "store", [a], validate=False)  # a second load: the same IRIs (kg.rdf.skolem)
    g = open_graph(store=tmp_path / "store")
    rows = list(g.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <http://e/note> ?o }"))
    assert int(rows[0][0]) == 2


def test_a_failure_while_feeding_the_bulk_loader_adds_nothing(tmp_path, bulk_everything, monkeypatch):
    """Not a file cut short: an error in the thread that reads the file stops the load."""
    import kg.ingest.load
    import kg.rdf.bulk
    import kg.rdf.shortcuts

    load_into_store(tmp_path / "store", [write(tmp_path, "l.ttl", LINK)], validate=False)
    before = count_triples(open_graph(store=tmp_path / "store"))
    monkeypatch.setattr(kg.rdf.bulk, "BLOCK", 4096)
    fed = []

    def feed(self, block):
        fed.append(block)
        if len(fed) == 3:
            raise OSError("disk on fire")

    monkeypatch.setattr(kg.rdf.shortcuts.NTriplesLines, "feed", feed)
    with pytest.raises(ParseError, match="disk on fire"):
        load_into_store(tmp_path / "store", [write(tmp_path, "big.nt", filler(2000))], validate=False)
    assert count_triples(open_graph(store=tmp_path / "store")) == before


def test_load_progress_lines_on_stderr(capsys):
    from kg.cli.commands.load import _load_progress
    from kg.rdf.bulk import LoadProgress

    report = _load_progress()  # not a terminal: a line a million triples, one when a large file is done
    report(LoadProgress("big.nt", 999_999, 50_000_000, 200_000_000, 2.0, False))
    report(LoadProgress("big.nt", 1_000_500, 60_000_000, 200_000_000, 4.0, False))
    report(LoadProgress("big.nt", 1_900_000, 90_000_000, 200_000_000, 5.0, False))
    report(LoadProgress("big.nt", 3_000_000, 200_000_000, 200_000_000, 10.0, True))
    report(LoadProgress("small.ttl", 20, None, 900, 0.01, True))
    report(LoadProgress("big.ttl", None, 100_000_000, 300_000_000, 4.0, False))
    assert capsys.readouterr().err.splitlines() == [
        "loading big.nt: 1,000,500 triples, 250,125 triples/s (30% of 200 MB)",
        "loading big.nt: 3,000,000 triples, 300,000 triples/s",
        "loading big.ttl: 100 MB, 25.0 MB/s (33% of 300 MB)",
    ]


def test_a_later_load_derives_with_what_the_store_holds(tmp_path, bulk_everything):
    ns = "https://w3id.org/cluster-kg/id/"
    first = write(tmp_path, "first.nt", nt_line(ns + "r", RDF_TYPE, CKG_NS + "SupplyRelation")
                  + nt_line(ns + "r", CKG_NS + "supplier", ns + "a"))
    second = write(tmp_path, "second.nt", nt_line(ns + "r", CKG_NS + "customer", ns + "b"))
    load_into_store(tmp_path / "store", [first], validate=False)
    assert list(open_graph(store=tmp_path / "store").subject_objects(CKG.suppliesTo)) == []
    report = load_into_store(tmp_path / "store", [second], validate=False)
    got = open_graph(store=tmp_path / "store")
    assert [(str(s), str(o)) for s, o in got.subject_objects(CKG.suppliesTo)] == [(ns + "a", ns + "b")]
    assert report["triples_added"] == 2


# ------------------------------------------------ --lenient: trusted files, IRIs unchecked

def _subjects(store_dir, predicate):
    import pyoxigraph as ox

    from kg.rdf.generations import open_store

    return sorted(q.subject.value for q in open_store(store_dir).quads_for_pattern(None, ox.NamedNode(predicate), None))


@pytest.mark.parametrize("bulk", [False, True], ids=["one-transaction", "bulk-loader"])
def test_lenient_load_takes_the_iris_a_strict_load_refuses(tmp_path, monkeypatch, bulk):
    import kg.ingest.load
    import kg.rdf.bulk
    import kg.rdf.shortcuts

    if bulk:
        monkeypatch.setattr(kg.rdf.bulk, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(kg.ingest.load, "BULK_MIN_BYTES", 0)
    trusted = write(tmp_path, "trusted.nt", nt_line("http://e/ok", "http://e/p", "http://e/o")
                    + nt_line("http://e/a b", "http://e/p", "http://e/o"))  # a space: not an IRI
    with pytest.raises(ParseError) as e:
        load_into_store(tmp_path / "store", [trusted], validate=False)
    assert (e.value.path, e.value.line) == (str(trusted), 2)
    assert not (tmp_path / "store").exists()  # a failed first load removes the folder it made
    report = load_into_store(tmp_path / "store", [trusted], validate=False, lenient=True)
    assert _subjects(tmp_path / "store", "http://e/p") == ["http://e/a b", "http://e/ok"]
    assert report["files"] == 1 and report["ontology_added"] is True


@pytest.mark.parametrize("bulk", [False, True], ids=["one-transaction", "bulk-loader"])
def test_lenient_load_derives_shortcuts_of_unchecked_iris_too(tmp_path, monkeypatch, bulk):
    # the derived triple <a> suppliesTo <…b> carries the relative IRI on: its load is lenient too
    import kg.ingest.load
    import kg.rdf.bulk
    import kg.rdf.shortcuts

    if bulk:
        monkeypatch.setattr(kg.rdf.bulk, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(kg.ingest.load, "BULK_MIN_BYTES", 0)
    ns = "https://w3id.org/cluster-kg/id/"
    trusted = write(tmp_path, "trusted.nt", nt_line(ns + "r", RDF_TYPE, CKG_NS + "SupplyRelation")
                    + nt_line(ns + "r", CKG_NS + "supplier", "a") + nt_line(ns + "r", CKG_NS + "customer", ns + "b"))
    load_into_store(tmp_path / "store", [trusted], validate=False, lenient=True)
    assert _subjects(tmp_path / "store", CKG_NS + "suppliesTo") == ["a"]


def test_cli_lenient_load_and_its_limits(tmp_path):
    import json

    from click.testing import CliRunner

    from kg.cli.main import cli

    trusted = write(tmp_path, "trusted.nt", nt_line("http://e/a b", "http://e/p", "http://e/o"))
    runner = CliRunner()
    strict = runner.invoke(cli, ["load", str(trusted), "--store", str(tmp_path / "s"), "--no-validate"])
    assert strict.exit_code == 1
    assert f"{trusted}:1: " in strict.output and "Traceback" not in strict.output
    ok = runner.invoke(cli, ["load", str(trusted), "--store", str(tmp_path / "s"), "--no-validate", "--lenient",
                             "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)[0]["validated"] is False
    assert _subjects(tmp_path / "s", "http://e/p") == ["http://e/a b"]
    remote = runner.invoke(cli, ["--update-endpoint", "http://127.0.0.1:9/update", "load", str(trusted), "--lenient"])
    assert remote.exit_code == 2
    assert "--lenient is for a --store load" in remote.output
