"""Skolemisation (kg.rdf.skolem): a file's blank nodes become IRIs made from its bytes and their order."""

import hashlib

import pyoxigraph as ox
import pytest

from kg.errors import ParseError
from kg.rdf.skolem import GENID, file_digest, skolem_iri, skolemised_triples, write_entry

BLANK = b'@prefix ex: <http://e/> .\nex:a ex:p [ ex:q "x" ] .\n_:z ex:p ex:a .\n'
"""Three triples, two blank nodes: the anonymous one is met first (the parser gives its
triple `[] ex:q "x"` before `ex:a ex:p []`), then _:z."""


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def test_skolem_iri_is_the_definition():
    digest = hashlib.sha256(b"file").hexdigest()
    expected = GENID + hashlib.sha256(f"{digest}:3".encode()).hexdigest()[:32]
    assert skolem_iri(digest, 3) == expected
    assert expected.startswith("https://w3id.org/cluster-kg/.well-known/genid/")
    assert len(expected) == len(GENID) + 32


def test_blank_nodes_are_numbered_in_the_order_the_parser_meets_them(tmp_path):
    path = tmp_path / "b.ttl"
    path.write_bytes(BLANK)
    digest, triples = skolemised_triples(path)
    assert digest == hashlib.sha256(BLANK).hexdigest()
    first, second = iri(skolem_iri(digest, 0)), iri(skolem_iri(digest, 1))
    assert set(triples) == {
        ox.Triple(first, iri("http://e/q"), ox.Literal("x")),
        ox.Triple(iri("http://e/a"), iri("http://e/p"), first),
        ox.Triple(second, iri("http://e/p"), iri("http://e/a")),
    }


def test_the_same_bytes_give_the_same_iris_and_other_bytes_other_ones(tmp_path):
    a, b, c = tmp_path / "a.ttl", tmp_path / "sub-b.ttl", tmp_path / "c.ttl"
    a.write_bytes(BLANK)
    b.write_bytes(BLANK)  # another name, the same bytes
    c.write_bytes(BLANK + b"# a comment\n")
    assert skolemised_triples(a)[1] == skolemised_triples(b)[1]

    def genids(path):
        return {t.value for tr in skolemised_triples(path)[1] for t in (tr.subject, tr.object)
                if t.value.startswith(GENID)}

    assert len(genids(a)) == len(genids(c)) == 2
    assert genids(a) == genids(b) and not genids(a) & genids(c)


def test_a_byte_order_mark_counts_in_the_digest(tmp_path):
    plain, marked = tmp_path / "p.ttl", tmp_path / "m.ttl"
    plain.write_bytes(BLANK)
    marked.write_bytes(b"\xef\xbb\xbf" + BLANK)
    assert skolemised_triples(marked)[0] == hashlib.sha256(b"\xef\xbb\xbf" + BLANK).hexdigest()
    assert skolemised_triples(marked)[1] != skolemised_triples(plain)[1]


@pytest.mark.parametrize("text,marked", [
    (b"<http://e/a> <http://e/p> <http://e/b> .\n", False),
    (b"<http://e/a> <http://e/p> _:b .\n", True),
    (b'<http://e/a> <http://e/p> "not a node: _:b" .\n', True),  # a literal: looked at, no blank node
])
def test_file_digest_finds_the_mark_of_a_blank_node(tmp_path, text, marked):
    path = tmp_path / "f.nt"
    path.write_bytes(text)
    assert file_digest(path) == (hashlib.sha256(text).hexdigest(), marked)


def test_the_mark_is_found_across_two_blocks(tmp_path, monkeypatch):
    import kg.rdf.skolem

    monkeypatch.setattr(kg.rdf.skolem, "BLOCK", 4)
    path = tmp_path / "f.nt"
    path.write_bytes(b"<a:>_:b")  # "_" ends the first block, ":" starts the second
    assert file_digest(path)[1] is True


def test_write_entry_copies_or_rewrites_to_the_same_triples(tmp_path):
    nt = tmp_path / "f.nt"
    nt.write_bytes(b'<http://e/a> <http://e/p> "_:b" .\n<http://e/a> <http://e/q> <http://e/b> .\n')
    digest, _ = file_digest(nt)
    copied, parsed = tmp_path / "copied.nt", tmp_path / "parsed.nt"
    assert write_entry(nt, copied, digest=digest, copy=True).copied is True
    entry = write_entry(nt, parsed, digest=digest, copy=False)
    assert (entry.triples, entry.blank_nodes, entry.copied) == (2, 0, False)
    assert copied.read_bytes() == nt.read_bytes()

    def read(p):
        return set(ox.parse(path=str(p), format=ox.RdfFormat.N_TRIPLES))

    assert read(copied) == read(parsed)


def test_write_entry_of_turtle_with_blank_nodes(tmp_path):
    path, out = tmp_path / "b.ttl", tmp_path / "out.nt"
    path.write_bytes(BLANK)
    entry = write_entry(path, out, digest=hashlib.sha256(BLANK).hexdigest(), copy=False)
    assert (entry.triples, entry.blank_nodes) == (3, 2)
    assert b"_:" not in out.read_bytes()
    assert {ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES)} == set(skolemised_triples(path)[1])


def test_a_file_that_changed_since_it_was_hashed_is_refused(tmp_path):
    path = tmp_path / "b.ttl"
    path.write_bytes(BLANK)
    with pytest.raises(ParseError, match="the file changed while it was being loaded"):
        write_entry(path, tmp_path / "out.nt", digest="0" * 64, copy=False)
    with pytest.raises(ParseError, match="the file changed while it was being loaded"):
        write_entry(path, tmp_path / "out.nt", digest="0" * 64, copy=True)


def test_a_parse_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_bytes(b"@prefix ex: <http://e/> .\n\nex:a ex:p .\n")
    with pytest.raises(ParseError) as e:
        write_entry(path, tmp_path / "out.nt", digest=file_digest(path)[0], copy=False)
    assert str(e.value).startswith(f"{path}:3: ")
