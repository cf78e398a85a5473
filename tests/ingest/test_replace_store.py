"""Issue 14 on a store: what a loaded file said can be replaced or removed as a unit, all or nothing,
validated; loading the same bytes again changes nothing (kg.ingest.load, kg.ingest.ledger).

Counts are worked out by hand: O is the ontology's triple count (count_triples(open_graph([]))).
"""

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIRMS, PREFIXES, SOURCE

from kg.errors import StoreError, ValidationFailed
from kg.ingest.load import load_into_store, remove_from_store
from kg.rdf.generations import LEDGER_DIR
from kg.rdf.graph import count_triples, open_graph
from kg.rdf.skolem import file_digest, skolem_iri
from kg.services.info import files_info

LABELS = PREFIXES + """
ckr:a skos:prefLabel "Alpha Alumina"@en ; skos:altLabel "Alpha"@en .
"""
"""2 triples; the first is also in FIRMS."""

BLANK = PREFIXES + """
ckr:a ckg:note [ ckg:note "x" ] .
_:z ckg:note "y" .
"""
"""3 triples, 2 blank nodes."""

SHARE = 'ASK { ckr:r ckg:share %s }'


@pytest.fixture(scope="module")
def ontology() -> int:
    return count_triples(open_graph([]))


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def count(store) -> int:
    return count_triples(open_graph(store=store))


def ask(store, query: str) -> bool:
    return bool(open_graph(store=store).query(query).askAnswer)


def generation(store: Path) -> str:
    return os.readlink(store / "kg-current")


@pytest.fixture
def loaded(tmp_path, ontology):
    """A store of SOURCE and FIRMS: O + 6 + 12 + 1 triples."""
    store = tmp_path / "S"
    report = load_into_store(store, [write(tmp_path, "src.ttl", SOURCE), write(tmp_path, "firms.ttl", FIRMS)])
    assert report["triples_added"] == count(store) == ontology + 19
    return store


def test_loading_the_same_files_again_changes_nothing(loaded, tmp_path, ontology):
    gen = generation(loaded)
    report = load_into_store(loaded, [tmp_path / "src.ttl", tmp_path / "firms.ttl"])
    assert (report["triples_added"], report["triples_removed"], report["unchanged"]) == (0, 0, ["src.ttl", "firms.ttl"])
    assert report["notes"] == ["already loaded, the same bytes (nothing added from them): src.ttl, firms.ttl"]
    assert generation(loaded) == gen  # no new generation
    assert count(loaded) == ontology + 19


def test_a_file_with_blank_nodes_loaded_twice_adds_nothing(loaded, tmp_path, ontology):
    path = write(tmp_path, "blank.ttl", BLANK)
    first = load_into_store(loaded, [path])
    assert first["triples_added"] == 3
    again = load_into_store(loaded, [path])
    assert again["triples_added"] == 0
    other = load_into_store(loaded, [write(tmp_path / "copy", "blank-copy.ttl", BLANK)])  # the same bytes
    assert other["triples_added"] == 0 and other["loaded"] == ["blank-copy.ttl"]
    assert count(loaded) == ontology + 19 + 3
    digest = file_digest(path)[0]
    assert ask(loaded, f'ASK {{ ckr:a ckg:note <{skolem_iri(digest, 0)}> . <{skolem_iri(digest, 1)}> ckg:note "y" }}')
    assert not ask(loaded, "ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }")


def test_a_changed_file_is_refused_without_replace_and_nothing_changes(loaded, tmp_path):
    gen, before = generation(loaded), count(loaded)
    changed = write(tmp_path / "v2", "firms.ttl", FIRMS.replace("ckg:share 0.7", "ckg:share 0.5"))
    with pytest.raises(StoreError) as e:
        load_into_store(loaded, [changed])
    assert str(e.value).startswith(f"{changed}: a file named firms.ttl was loaded into {loaded} before, with other "
                                   "content (sha256 ")
    assert str(e.value).endswith(f"to replace what it said, load it with --replace (`kg load --store {loaded} "
                                 f"--replace {changed}`); nothing was changed")
    assert (generation(loaded), count(loaded)) == (gen, before)
    assert not (loaded / LEDGER_DIR / "leftover").exists()
    assert sorted(p.name for p in (loaded / LEDGER_DIR).iterdir()) == [gen]


def test_replace_changes_a_share_from_0_7_to_0_5(loaded, tmp_path, ontology):
    changed = write(tmp_path / "v2", "firms.ttl", FIRMS.replace("ckg:share 0.7", "ckg:share 0.5"))
    report = load_into_store(loaded, [changed], replace=True)
    assert (report["triples_added"], report["triples_removed"], report["replaced"]) == (1, 1, ["firms.ttl"])
    assert report["validated"] is True
    assert ask(loaded, SHARE % "0.5") and not ask(loaded, SHARE % "0.7")
    assert count(loaded) == ontology + 19
    info = {f["name"]: f for f in files_info(store=loaded)["files"]}
    assert info["firms.ttl"]["sha256"] == file_digest(changed)[0]
    assert info["firms.ttl"]["source"] == str(changed.resolve()) and info["firms.ttl"]["triples"] == 12


def test_replace_of_a_name_never_loaded_loads_it_with_a_note(loaded, tmp_path, ontology):
    report = load_into_store(loaded, [write(tmp_path, "labels.ttl", LABELS)], replace=True)
    assert report["notes"] == ["labels.ttl was not loaded before: loaded as a new file"]
    assert report["triples_added"] == 1  # the prefLabel is there already
    assert count(loaded) == ontology + 20


def test_a_triple_said_by_two_files_survives_removing_one(loaded, tmp_path, ontology):
    load_into_store(loaded, [write(tmp_path, "labels.ttl", LABELS)])
    assert count(loaded) == ontology + 20
    report = remove_from_store(loaded, ["labels.ttl"])
    assert (report["triples_removed"], report["removed"]) == (1, ["labels.ttl"])  # the altLabel only
    assert ask(loaded, 'ASK { ckr:a skos:prefLabel "Alpha Alumina"@en }')
    assert not ask(loaded, 'ASK { ckr:a skos:altLabel "Alpha"@en }')
    load_into_store(loaded, [tmp_path / "labels.ttl"])
    report = remove_from_store(loaded, ["firms.ttl"], validate=False)
    assert report["triples_removed"] == 12  # 11 of its 12 triples (LABELS says the prefLabel) and the shortcut
    assert ask(loaded, 'ASK { ckr:a skos:prefLabel "Alpha Alumina"@en }')
    assert not ask(loaded, "ASK { ?s ckg:suppliesTo ?o }")
    assert count(loaded) == ontology + 6 + 2


def test_a_removal_that_fails_validation_changes_nothing(loaded):
    gen, before = generation(loaded), count(loaded)
    manifest = (loaded / LEDGER_DIR / gen / "manifest.json").read_text()
    with pytest.raises(ValidationFailed) as e:
        remove_from_store(loaded, ["src.ttl"])  # the firms' evidence would be gone
    assert str(e.value).startswith("3 SHACL violation(s); nothing was changed:")
    assert (generation(loaded), count(loaded)) == (gen, before)
    assert (loaded / LEDGER_DIR / gen / "manifest.json").read_text() == manifest
    assert sorted(p.name for p in loaded.iterdir() if p.name.startswith("gen-")) == [gen]


def test_remove_of_an_unknown_name_lists_the_loaded_files(loaded):
    with pytest.raises(StoreError) as e:
        remove_from_store(loaded, ["nowhere.ttl"])
    assert str(e.value) == f"{loaded}: no file named 'nowhere.ttl' is recorded as loaded; the loaded files: firms.ttl, src.ttl"


def test_remove_takes_a_path_by_its_name(loaded, tmp_path, ontology):
    remove_from_store(loaded, [str(tmp_path / "elsewhere" / "firms.ttl")], validate=False)
    assert count(loaded) == ontology + 6


def test_remove_needs_a_store(tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        remove_from_store(tmp_path / "none", ["a.ttl"])
    assert not (tmp_path / "none").exists()


def test_two_files_of_one_name_are_refused(tmp_path):
    a, b = write(tmp_path / "x", "f.ttl", FIRMS), write(tmp_path / "y", "f.ttl", SOURCE)
    with pytest.raises(StoreError, match=r"two files are named f.ttl .*: kg records each loaded file by its name"):
        load_into_store(tmp_path / "S", [a, b])
    assert not (tmp_path / "S").exists()


def test_the_records_follow_the_generations(loaded, tmp_path):
    first = generation(loaded)
    load_into_store(loaded, [write(tmp_path, "labels.ttl", LABELS)])
    second = generation(loaded)
    remove_from_store(loaded, ["labels.ttl"])
    third = generation(loaded)
    assert generation(loaded) == third
    # each generation has its records; those of the first go with it, at the next load
    assert sorted(p.name for p in (loaded / LEDGER_DIR).iterdir()) == sorted([first, second, third])
    load_into_store(loaded, [tmp_path / "labels.ttl"])
    fourth = generation(loaded)
    assert sorted(p.name for p in (loaded / LEDGER_DIR).iterdir()) == sorted([second, third, fourth])
    assert sorted(p.name for p in loaded.glob("gen-*")) == sorted([second, third, fourth])
    records = loaded / LEDGER_DIR
    manifest = json.loads((records / third / "manifest.json").read_text())
    assert sorted(manifest["files"]) == ["firms.ttl", "src.ttl"]
    entry = manifest["files"]["firms.ttl"]["entry"]
    assert os.path.samefile(records / second / entry, records / third / entry)  # hard-linked, not copied


def test_a_store_made_before_records_keeps_what_it_held(loaded, tmp_path, ontology):
    """A store of an older kg: no kg-files. What it held is kept, unnamed; a file loaded then
    cannot be removed by name, and a triple it said survives removing a recorded file."""
    shutil.rmtree(loaded / LEDGER_DIR)
    assert files_info(store=loaded) == {"files": [], "unrecorded": True}
    with pytest.raises(StoreError) as e:
        remove_from_store(loaded, ["firms.ttl"])
    assert "also holds data loaded before kg kept records of files: a file loaded then cannot be removed by name" \
           in str(e.value)
    report = load_into_store(loaded, [write(tmp_path, "labels.ttl", LABELS)])
    assert report["triples_added"] == 1
    assert files_info(store=loaded)["unrecorded"] is True
    manifest = json.loads((loaded / LEDGER_DIR / generation(loaded) / "manifest.json").read_text())
    assert manifest["unrecorded"] == ontology + 18  # everything but the shortcut
    remove_from_store(loaded, ["labels.ttl"])
    assert ask(loaded, 'ASK { ckr:a skos:prefLabel "Alpha Alumina"@en }')  # FIRMS, loaded before, said it
    assert count(loaded) == ontology + 19


def test_a_failed_replacement_leaves_no_records_behind(loaded, tmp_path):
    gen = generation(loaded)
    bad = write(tmp_path / "v2", "firms.ttl", FIRMS.replace("ckg:supplier ckr:a ;", ""))  # a relation without supplier
    with pytest.raises(ValidationFailed):
        load_into_store(loaded, [bad], replace=True)
    assert generation(loaded) == gen
    assert sorted(p.name for p in (loaded / LEDGER_DIR).iterdir()) == [gen]
    assert ask(loaded, SHARE % "0.7")


def test_an_n_triples_file_with_a_byte_order_mark_is_copied_and_removed(loaded, tmp_path, ontology):
    path = tmp_path / "bom.nt"
    path.write_bytes(b'\xef\xbb\xbf<https://w3id.org/cluster-kg/id/a> <http://www.w3.org/2004/02/skos/core#altLabel> '
                     b'"Alpha"@en .\n')
    assert load_into_store(loaded, [path])["triples_added"] == 1
    records = json.loads((loaded / LEDGER_DIR / generation(loaded) / "manifest.json").read_text())["files"]
    entry = loaded / LEDGER_DIR / generation(loaded) / records["bom.nt"]["entry"]
    assert entry.read_bytes() == path.read_bytes()  # the bytes as they are
    assert load_into_store(loaded, [path])["triples_added"] == 0
    assert remove_from_store(loaded, ["bom.nt"])["triples_removed"] == 1
    assert count(loaded) == ontology + 19


def test_replacing_a_file_with_blank_nodes_replaces_their_iris(loaded, tmp_path, ontology):
    path = write(tmp_path, "blank.ttl", BLANK)
    load_into_store(loaded, [path])
    changed = write(tmp_path / "v2", "blank.ttl", BLANK + "# one more line: other bytes, other IRIs\n")
    report = load_into_store(loaded, [changed], replace=True)
    assert (report["triples_added"], report["triples_removed"]) == (3, 3)  # every triple has a blank node
    assert count(loaded) == ontology + 19 + 3
    new = file_digest(changed)[0]
    assert ask(loaded, f'ASK {{ ckr:a ckg:note <{skolem_iri(new, 0)}> . <{skolem_iri(new, 1)}> ckg:note "y" }}')
    assert not ask(loaded, f"ASK {{ ckr:a ckg:note <{skolem_iri(file_digest(path)[0], 0)}> }}")
