"""Issue 13, hostile input files: RDF/XML entities that expand ("billion laughs", XXE), a token
longer than the parser holds, symbolic links in a data folder, the parser's own error
positions, and files that go away. Every path a file takes is tried: ``parse_file`` (kg
validate, remote loads), ``load_file`` in Python (--data, small files of kg load) and the
bulk pipe (large files of kg load). Files that could expand for real are only read by the CLI
tests, in a subprocess with a memory cap (tests/cli/test_hostile_files_cli.py)."""

from __future__ import annotations

import os
import warnings

import pyoxigraph as ox
import pytest
from conftest import GOOD

import kg.rdf.bulk
import kg.validation.shacl
from kg.errors import KGWarning, ParseError
from kg.rdf.bulk import load_file
from kg.rdf.formats import expand_paths, parse_file
from kg.rdf.parsing import ENTITY_VALUE_MAX, TOKEN_MAX, EntityCheck, parse_error
from kg.validation.shacl import validate_files

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NESTED = ('entity \'lol1\' refers to another entity (&lol0;): nested entities can expand a small file to '
          'gigabytes ("billion laughs"); kg reads only plain entities, <!ENTITY name "text"> with at most '
          '256 bytes and no &name; in the text')
RULE = '; kg reads only plain entities, <!ENTITY name "text"> with at most 256 bytes and no &name; in the text'


def laughs(levels: int) -> str:
    """The "billion laughs": entity lolN is ten lol(N-1); lol0 is "lol". 10 levels: 30 GB."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
            + rdf_xml(f"<ex:p>&lol{levels};</ex:p>"))


def rdf_xml(body: str, about: str = "http://example.org/a") -> str:
    return (f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">\n'
            f'<rdf:Description rdf:about="{about}">{body}</rdf:Description>\n</rdf:RDF>\n')


def write(path, text: str | bytes):
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


@pytest.fixture(params=["parse_file", "load_file", "bulk load"])
def read(request, monkeypatch):
    """Each way a file is read. "bulk load": the bulk loader for every size (BULK_MIN_BYTES 0),
    through the pipe for N-Triples, Turtle and RDF/XML, streamed from Python for the others."""
    if request.param == "parse_file":
        return lambda path: len(parse_file(path).triples)
    if request.param == "bulk load":
        monkeypatch.setattr(kg.rdf.bulk, "BULK_MIN_BYTES", 0)
    bulk = request.param == "bulk load"

    def load(path):
        store = ox.Store()
        load_file(store, path, bulk=bulk)
        return len(store)

    return load


def refused(read, path) -> ParseError:
    with pytest.raises(ParseError) as e:
        read(path)
    return e.value


# ---------------------------------------------------------------- RDF/XML entities


def test_nested_entities_are_refused_on_every_path(tmp_path, read):
    path = write(tmp_path / "laughs.rdf", laughs(3))
    error = refused(read, path)
    assert str(error) == f"{path}:4: {NESTED}"
    assert (error.path, error.line) == (str(path), 4)


@pytest.mark.parametrize(
    "name,doctype,line,message",
    [
        ("xxe.rdf", '<!ENTITY xxe SYSTEM "file:///etc/passwd">', 3,
         "entity 'xxe' is external (SYSTEM): kg reads no file or URL named in an RDF/XML file (XXE)" + RULE),
        ("public.rdf", '\n<!ENTITY pub PUBLIC "-//x//y" "http://127.0.0.1:9/y.dtd">', 4,
         "entity 'pub' is external (PUBLIC): kg reads no file or URL named in an RDF/XML file (XXE)" + RULE),
        ("parameter.owl", "<!ENTITY % pe \"<!ENTITY x 'y'>\"> %pe;", 3,
         "a parameter entity (<!ENTITY % …>)" + RULE),
        ("long.xml", f'<!ENTITY long "{"a" * (ENTITY_VALUE_MAX + 1)}">', 3,
         "entity 'long' has a value of 257 bytes: longer entities can expand a small file to gigabytes" + RULE),
        ("quotes.rdf", "<!ENTITY a 'A'>", 3,
         ("entity 'a' has its value in single quotes, which Oxigraph's RDF/XML parser does not read: "
          "use double quotes")),
        # oxigraph reads declarations in comments inside a DOCTYPE too
        ("comment.rdf", '<!-- <!ENTITY b "&a;&a;"> -->', 3,
         "entity 'b' refers to another entity (&a;): nested entities can expand a small file to gigabytes "
         '("billion laughs")' + RULE),
    ],
)
def test_other_entities_that_could_expand_or_reach_out_are_refused(tmp_path, read, name, doctype, line, message):
    path = write(tmp_path / name, f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{doctype}\n]>\n'
                                  + rdf_xml("<ex:p>v</ex:p>"))
    assert str(refused(read, path)) == f"{path}:{line}: {message}"


def test_a_doctype_after_the_root_element_is_checked_too(tmp_path, read):
    # oxigraph's parser reads a DOCTYPE anywhere: checking the prolog alone would let this through
    text = rdf_xml('<!DOCTYPE x [\n<!ENTITY lol0 "lol">\n<!ENTITY lol1 "&lol0;&lol0;">\n]>\n<ex:p>&lol1;</ex:p>')
    path = write(tmp_path / "middle.rdf", text)
    assert str(refused(read, path)) == f"{path}:4: {NESTED}"


def test_a_declaration_after_a_megabyte_is_found_before_the_parser_gets_it(tmp_path, read):
    # more than a bulk block (1 MiB) of statements first: the check runs on every block
    statements = "".join(f'<rdf:Description rdf:about="http://e/s{i}"><ex:p>v{i}</ex:p></rdf:Description>\n'
                         for i in range(20_000))
    text = (f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">\n' + statements
            + '<!DOCTYPE x [<!ENTITY lol0 "lol"><!ENTITY lol1 "&lol0;&lol0;">]>\n</rdf:RDF>\n')
    path = write(tmp_path / "late.rdf", text)
    assert len(text) > 1 << 20
    assert str(refused(read, path)) == f"{path}:20002: {NESTED}"


def test_plain_entities_and_doctypes_without_entities_are_read(tmp_path, read):
    # as the OWL API (Protégé) writes them: namespace abbreviations, character references
    owl = write(tmp_path / "owlapi.owl", (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        '    <!ENTITY owl "http://www.w3.org/2002/07/owl#" >\n'
        '    <!ENTITY ex "http://example.org/" >\n'
        '    <!ENTITY txt "a&amp;b&#x41;&#66; &amp;lol0;" >\n]>\n'
        + rdf_xml('<rdf:type rdf:resource="&owl;Class"/><ex:p>&txt;</ex:p>', about="&ex;a")))
    assert read(owl) == 2
    assert set(map(str, parse_file(owl).triples)) == {
        f"<http://example.org/a> <{RDF}type> <http://www.w3.org/2002/07/owl#Class>",
        '<http://example.org/a> <http://example.org/p> "a&bAB &lol0;"',  # &amp;lol0; stays text
    }
    for name, prolog in [("none.rdf", "<!DOCTYPE rdf:RDF>\n"),
                         ("dtd.rdf", '<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/never-fetched.dtd">\n'),
                         ("empty.rdf", "<!DOCTYPE rdf:RDF [ ]>\n")]:
        assert read(write(tmp_path / name, prolog + rdf_xml("<ex:p>v</ex:p>"))) == 1


def test_a_literal_that_mentions_an_entity_declaration_is_read(tmp_path, read):
    path = write(tmp_path / "mention.rdf", rdf_xml('<ex:p>a &lt;!ENTITY x "&amp;y;"&gt; b</ex:p>'))
    assert read(path) == 1
    assert str(parse_file(path).triples[0].object) == '"a <!ENTITY x \\"&y;\\"> b"'


def test_the_check_does_not_depend_on_where_blocks_end():
    text = b'<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY ok "http://e/">\n<!ENTITY bad "&ok;">\n]>'
    for size in (1, 2, 3, 7, 8, 9, 50):
        check = EntityCheck("f.rdf")
        with pytest.raises(ParseError) as e:
            for i in range(0, len(text), size):
                check.feed(text[i : i + size])
        assert e.value.line == 4, size
    check = EntityCheck("f.rdf")
    check.feed(b'<!DOCTYPE r [<!ENTITY ok "unfinished')
    with pytest.raises(ParseError, match=r'^f\.rdf:1: an entity declaration that does not end'):
        check.close()


# ---------------------------------------------------------------- a token longer than the parser holds


TOKEN = "x" * (TOKEN_MAX + (2 << 20))  # 18 MiB: more than a bulk block and a pipe beyond the limit
TOO_LONG = ("a single token (an IRI, a literal or a name) does not fit in the 16 MiB of a line that "
            "Oxigraph's parser holds (a limit of the parser, not of kg): shorten or leave out that value")


@pytest.mark.parametrize(
    "name,text,line",
    [
        ("literal.nt", ('<http://e/a> <http://e/p> "a" .\n<http://e/a> <http://e/p> "b" .\n'
                        f'<http://e/a> <http://e/p> "{TOKEN}" .\n<http://e/a> <http://e/p> "c" .\n'), 3),
        ("iri.ttl", f"@prefix e: <http://e/> .\n\ne:a e:p e:b .\ne:a e:p <http://e/{TOKEN}> .\n", 4),
        ("long.trig", f'<http://e/g> {{\n<http://e/a> <http://e/p> """{TOKEN}""" .\n}}\n', 2),
        ("quads.nq", f'<http://e/a> <http://e/p> "a" <http://e/g> .\n<http://e/a> <http://e/p> "{TOKEN}" .\n', 2),
    ],
)
def test_a_token_longer_than_the_parser_holds_names_file_and_line(tmp_path, read, name, text, line):
    path = write(tmp_path / name, text)
    assert str(refused(read, path)) == f"{path}:{line}: {TOO_LONG}"


def test_a_json_string_longer_than_the_parser_holds(tmp_path, read):
    path = write(tmp_path / "long.jsonld", '{"@id": "http://e/a", "http://e/p": "' + "x" * (9 << 20) + '"}')
    assert str(refused(read, path)) == (
        f"{path}: a single JSON string is longer than 8 MiB, the most Oxigraph's JSON-LD parser holds "
        "(a limit of the parser, not of kg): shorten or leave out that value")


def test_a_long_line_of_short_tokens_is_read(tmp_path):
    line = " ".join(f'<http://e/s{i}> <http://e/p> "value {i}" .' for i in range(400_000))  # 17 MB, one line
    path = write(tmp_path / "oneline.ttl", line + "\n")
    assert len(line) > TOKEN_MAX
    assert len(parse_file(path).triples) == 400_000


def test_other_memory_errors_are_not_taken_for_a_long_token():
    error = MemoryError()
    assert parse_error("a.ttl", error) is error


# ---------------------------------------------------------------- symbolic links in a data folder


@pytest.fixture
def folder(tmp_path):
    """data/ with a file, links inside it, and links out of it, to nothing and in a loop."""
    data, outside = tmp_path / "data", tmp_path / "outside"
    (data / "sub").mkdir(parents=True)
    (outside / "dir").mkdir(parents=True)
    write(data / "good.ttl", GOOD)
    write(data / "sub" / "inner.ttl", "<http://e/a> <http://e/p> <http://e/b> .\n")
    write(outside / "secret.txt", "root:$6$saltsalt$hash:19000:0:99999:7:::\n")
    write(outside / "dir" / "other.ttl", "<http://e/x> <http://e/p> <http://e/y> .\n")
    (data / "evil.ttl").symlink_to(outside / "secret.txt")
    (data / "outdir").symlink_to(outside / "dir", target_is_directory=True)
    (data / "loop.ttl").symlink_to("loop.ttl")
    (data / "a.nt").symlink_to("b.nt")
    (data / "b.nt").symlink_to("a.nt")
    (data / "dangling.ttl").symlink_to("nowhere.ttl")
    (data / "alias.ttl").symlink_to("sub/inner.ttl")  # inside: read (once)
    (data / "subalias").symlink_to("sub", target_is_directory=True)  # inside: read where it is
    (data / "sub" / "up").symlink_to("..", target_is_directory=True)  # a cycle of folders
    (data / "notes.txt").symlink_to(outside / "secret.txt")  # not RDF: never read, not mentioned
    os.mkfifo(data / "pipe.ttl")  # reading it would wait forever
    return data


def test_links_out_of_a_folder_are_skipped_and_said(folder):
    with pytest.warns(KGWarning) as caught:
        files = expand_paths([folder])
    assert [f.relative_to(folder).as_posix() for f in files] == ["alias.ttl", "good.ttl"]
    assert [str(w.message) for w in caught] == [
        f"skipped {folder}/a.nt: a symbolic link loop",
        f"skipped {folder}/b.nt: a symbolic link loop",
        f"skipped {folder}/dangling.ttl: a symbolic link to nothing",
        f"skipped {folder}/evil.ttl: a symbolic link to a file outside {folder}",
        f"skipped {folder}/loop.ttl: a symbolic link loop",
        f"skipped {folder}/outdir: a symbolic link to a folder outside {folder}",
        f"skipped {folder}/pipe.ttl: not a regular file",
    ]


def test_a_folder_without_links_gives_no_warning(tmp_path):
    write(tmp_path / "a.ttl", GOOD)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert expand_paths([tmp_path]) == [tmp_path / "a.ttl"]


def test_a_file_named_explicitly_is_read_even_as_a_link(folder):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert expand_paths([folder / "evil.ttl"]) == [folder / "evil.ttl"]
    for name, message in [("loop.ttl", "cannot read: a symbolic link loop"),
                          ("dangling.ttl", "cannot read: a symbolic link to nothing"),
                          ("pipe.ttl", "not a regular file or folder")]:
        with pytest.raises(ParseError) as e:
            expand_paths([folder / name])
        assert str(e.value) == f"{folder / name}: {message}"


def test_an_error_quotes_little_of_a_file(tmp_path, read):
    # before: the whole text, newlines and all ("Unexpected text event: 'root:…\ndaemon:…'")
    text = "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n\x1b]0;x\x07\n"
    path = write(tmp_path / "shadow.rdf", text)
    assert str(refused(read, path)) == (
        f"{path}: Unexpected text event: 'root:$6$saltsalt$hashhashhash:19000:0:99…'")


# ---------------------------------------------------------------- the parser's positions


@pytest.mark.parametrize(
    "name,text,message",
    [
        ("range.ttl", "@prefix e: <http://e/> .\ne:a e:p e:b .\ne:a e:p e:b e:c .\n",
         "3: between columns 13 and 16: A dot is expected at the end of statements"),
        ("column.nt", "<http://e/a> <http://e/p> <http://e/b> .\n<http://e/x> <http://e/p> .\n",
         "2: column 27: The object of a triple must be an IRI, a blank node or a literal"),
        ("lines.ttl", '@prefix e: <http://e/> .\ne:a e:p "unterminated .\n',
         "2: between line 2 column 9 and line 3 column 1: Unexpected end of file"),
    ],
)
def test_errors_keep_the_parsers_position_and_words(tmp_path, read, name, text, message):
    path = write(tmp_path / name, text)
    assert str(refused(read, path)) == f"{path}:{message}"


# ---------------------------------------------------------------- files that go away


def test_a_file_gone_before_it_is_read(tmp_path, read):
    assert str(refused(read, tmp_path / "gone.ttl")) == f"{tmp_path / 'gone.ttl'}: cannot read: No such file or directory"


def test_a_folder_where_a_file_was_listed(tmp_path, read):
    (tmp_path / "folder.ttl").mkdir()
    assert str(refused(read, tmp_path / "folder.ttl")) == f"{tmp_path / 'folder.ttl'}: cannot read: Is a directory"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file of mode 000")
def test_an_unreadable_file(tmp_path, read):
    path = write(tmp_path / "locked.ttl", GOOD)
    path.chmod(0)
    assert str(refused(read, path)) == f"{path}: cannot read: Permission denied"


def test_validate_a_file_deleted_once_parsed(tmp_path, monkeypatch):
    # the violations are located by reading the file again: gone, they have no line
    path = write(tmp_path / "bad.ttl", GOOD + "\n<https://w3id.org/cluster-kg/id/zz> a "
                                              "<https://w3id.org/cluster-kg/ontology#Firm> .\n")
    parse_files = kg.validation.shacl.parse_files

    def parse_then_delete(paths):
        sources = parse_files(paths)
        path.unlink()
        return sources

    monkeypatch.setattr(kg.validation.shacl, "parse_files", parse_then_delete)
    violations = validate_files([path])
    assert violations and {(v.file, v.line) for v in violations} == {(str(path), None)}


def test_load_a_file_deleted_once_read(tmp_path, monkeypatch):
    import kg.ingest.load

    path = write(tmp_path / "a.ttl", GOOD)
    real = kg.ingest.load.load_file

    def load_then_delete(store, p, **kwargs):
        count = real(store, p, **kwargs)
        if p == path:
            path.unlink()
        return count

    monkeypatch.setattr(kg.ingest.load, "load_file", load_then_delete)
    report = kg.ingest.load.load_into_store(tmp_path / "store", [path])
    assert report["files"] == 1  # what was read is loaded: the file is not needed any more
