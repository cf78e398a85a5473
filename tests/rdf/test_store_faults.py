"""Issue 13: faults of a store folder (kg.rdf.generations, kg.ingest.load.load_into_store).

A damaged generation (truncated or zeroed .sst files, a truncated MANIFEST, an emptied
CURRENT), a kg-current that points at a folder that is gone, a folder that cannot be written
and a disk that fills up are each one StoreError naming the store, and the store is left as it
was. A first load that fails leaves no folder behind. Damage that shows only when a block is
read is in tests/cli/test_faults.py (it runs in a subprocess with a memory cap).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import DATA, PREFIXES, damage, generation

import kg.ingest.load
from kg.errors import ParseError, StoreError
from kg.ingest.load import load_into_store
from kg.rdf.generations import current_generation, open_store, store_damage, store_failure
from kg.rdf.graph import count_triples, open_graph

GOOD = DATA / "good.ttl"

EXTRA = PREFIXES + 'ckr:a skos:altLabel "Alpha"@en .\n'
"""One more triple about a firm of good.ttl: a second load adds exactly 1 triple."""

NO_EARLIER = "no intact earlier generation is left: load every file again into a new store"


def snapshot(folder: Path) -> dict:
    """Every file and link under ``folder``: its content hash, or where the link points."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


KINDS = ["truncated-sst", "zeroed-sst", "truncated-manifest", "emptied-current"]


def damaged_message(store: Path, reason: str = r"Corruption: [^\n]+", hint: str = re.escape(NO_EARLIER)) -> str:
    return rf"{re.escape(str(store))}: the store is damaged and cannot be read \({reason}\); {hint}"


@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_generation_is_one_store_error_for_readers_and_for_load(store, kind, tmp_path):
    damage(store, kind)
    before = snapshot(store)
    with pytest.raises(StoreError) as read:
        open_store(store)
    assert re.fullmatch(damaged_message(store), str(read.value))
    (tmp_path / "more.ttl").write_text(EXTRA, encoding="utf-8")
    with pytest.raises(StoreError) as load:
        load_into_store(store, [tmp_path / "more.ttl"])
    assert str(load.value) == str(read.value)
    assert snapshot(store) == before  # nothing written, nothing removed


def test_an_emptied_current_file_in_full(store):
    damage(store, "emptied-current")
    with pytest.raises(StoreError) as e:
        open_store(store)
    assert str(e.value) == (f"{store}: the store is damaged and cannot be read (Corruption: CURRENT file does not "
                            f"end with newline); {NO_EARLIER}")


def test_the_error_says_how_to_go_back_to_an_intact_previous_generation(store, tmp_path):
    previous = generation(store)
    (tmp_path / "more.ttl").write_text(EXTRA, encoding="utf-8")
    load_into_store(store, [tmp_path / "more.ttl"])
    damage(store, "emptied-current")
    with pytest.raises(StoreError) as e:
        open_graph(store=store)
    assert str(e.value) == (
        f"{store}: the store is damaged and cannot be read (Corruption: CURRENT file does not end with newline); "
        f"the previous generation {previous.name} opens: to go back to it (without the data of the last load) "
        f"run `ln -sfn {previous.name} {store}/kg-current`, or load every file again into a new store")
    (store / "kg-current").unlink()  # what the message says, by hand
    (store / "kg-current").symlink_to(previous.name)
    assert count_triples(open_graph(store=store)) == 1419


# ------------------------------------------------ kg-current points at a folder that is gone


def test_readers_of_a_store_whose_current_generation_is_gone(store):
    gen = generation(store)
    shutil.rmtree(gen)
    expected = (f"{store}: the store's current generation {gen.name} is missing (kg-current points at a folder "
                f"that does not exist); the next `kg load FILES… --store {store}` starts as a new store (no "
                "earlier generation is left)")
    for read in (open_store, current_generation, lambda s: open_graph(store=s)):
        with pytest.raises(StoreError) as e:
            read(store)
        assert str(e.value) == expected


def test_load_starts_a_new_store_when_the_only_generation_is_gone(store):
    gen = generation(store)
    shutil.rmtree(gen)
    report = load_into_store(store, [GOOD])
    assert report["notes"] == [(f"the current generation {gen.name} was missing and no earlier generation is "
                                "left; this load started a new store")]
    assert report["triples_added"] == 1419 and report["ontology_added"] is True
    assert count_triples(open_graph(store=store)) == 1419


def test_load_starts_from_the_previous_generation_when_the_current_is_gone(store, tmp_path):
    previous = generation(store)
    (tmp_path / "more.ttl").write_text(EXTRA, encoding="utf-8")
    load_into_store(store, [tmp_path / "more.ttl"])
    gone = generation(store)
    shutil.rmtree(gone)
    with pytest.raises(StoreError, match=f"from the previous generation {previous.name} \\(without the data"):
        open_store(store)
    (tmp_path / "third.ttl").write_text(PREFIXES + 'ckr:b skos:altLabel "Beta"@en .\n', encoding="utf-8")
    report = load_into_store(store, [tmp_path / "third.ttl"])
    assert report["notes"] == [(f"the current generation {gone.name} was missing; this load started from the "
                                f"previous generation {previous.name} (the data of the load that made {gone.name} "
                                "is not in the store)")]
    assert report["triples_added"] == 1
    assert count_triples(open_graph(store=store)) == 1420  # the previous generation + third.ttl
    assert os.readlink(store / ".kg-previous") == previous.name
    assert sorted(p.name for p in store.glob("gen-*")) == sorted([previous.name, generation(store).name])


def test_a_dangling_link_beside_other_generations_is_refused_and_nothing_changes(store):
    real = generation(store)
    (store / "kg-current").unlink()
    (store / "kg-current").symlink_to("gen-1")  # a repair by hand gone wrong
    before = snapshot(store)
    expected = (f"{store}: the store's current generation gen-1 is missing (kg-current points at a folder that "
                f"does not exist) and other generations are there: {real.name}; point kg-current at the one to "
                f"keep (`ln -sfn {real.name} {store}/kg-current`) or remove them, then load again; nothing was "
                "changed")
    for act in (lambda: load_into_store(store, [GOOD]), lambda: open_store(store)):
        with pytest.raises(StoreError) as e:
            act()
        assert str(e.value) == expected
    assert snapshot(store) == before  # the real generation is still there


# ------------------------------------------------ a first load that fails leaves nothing


@pytest.fixture
def bad(tmp_path) -> Path:
    path = tmp_path / "bad.ttl"
    path.write_text(PREFIXES + 'ckr:a ckg:note "unterminated .\n', encoding="utf-8")
    return path


def test_a_failed_first_load_removes_the_folders_it_created(tmp_path, bad):
    with pytest.raises(ParseError):
        load_into_store(tmp_path / "a" / "b" / "NEW", [bad])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl"]  # no a/, no a/b/, no lock file


def test_a_failed_first_load_leaves_the_users_folder_as_it_was(tmp_path, bad):
    empty, mine = tmp_path / "empty", tmp_path / "mine"
    empty.mkdir()
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    for folder in (empty, mine):
        with pytest.raises(ParseError):
            load_into_store(folder, [bad])
    assert list(empty.iterdir()) == []
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_what_a_killed_first_load_left_is_cleared_by_the_next_load(tmp_path, bad):
    folder = tmp_path / "S"
    (folder / "gen-1").mkdir(parents=True)  # a generation a kill -9 interrupted, and its lock file
    (folder / "gen-1" / "000004.log").write_bytes(b"half")
    (folder / ".kg-lock").write_bytes(b"")
    with pytest.raises(ParseError):
        load_into_store(folder, [bad])
    assert list(folder.iterdir()) == []  # the folder existed before this run: kept, emptied of kg's files
    load_into_store(folder, [GOOD])
    assert count_triples(open_graph(store=folder)) == 1419


def test_a_failed_later_load_keeps_the_store_and_its_lock_file(store, bad):
    before = snapshot(store)
    with pytest.raises(ParseError):
        load_into_store(store, [bad])
    assert snapshot(store) == before


# ------------------------------------------------ a folder that cannot be written, a full disk


def test_a_store_folder_without_write_permission(store, tmp_path):
    (tmp_path / "more.ttl").write_text(EXTRA, encoding="utf-8")
    before = snapshot(store)
    store.chmod(0o555)  # the bits decide, also for root (as for -o files)
    try:
        with pytest.raises(StoreError) as e:
            load_into_store(store, [tmp_path / "more.ttl"])
    finally:
        store.chmod(0o755)
    assert str(e.value) == (f"{store}: the store folder is not writable (no write permission); make it writable "
                            "or load into another folder; nothing was changed")
    assert snapshot(store) == before
    assert count_triples(open_graph(store=store)) == 1419


def test_a_full_disk_at_the_commit_leaves_the_store_as_it_was(store, tmp_path, monkeypatch):
    (tmp_path / "more.ttl").write_text(EXTRA, encoding="utf-8")
    before = snapshot(store)

    def full(folder, generation):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(kg.ingest.load, "point_current_at", full)
    with pytest.raises(StoreError) as e:
        load_into_store(store, [tmp_path / "more.ttl"])
    assert str(e.value) == f"{store}: the load failed (No space left on device); the store is as it was"
    assert snapshot(store) == before


def test_a_full_disk_in_the_store_engine_leaves_no_folder(tmp_path, monkeypatch):
    message = ("IO error: No space left on device: While appending to file: "
               f"{tmp_path}/NEW/gen-1/OPTIONS-000006.dbtmp: No space left on device")

    def full(path):
        raise OSError(message)  # as pyoxigraph raises it: no errno, RocksDB's words

    monkeypatch.setattr(ox, "Store", full)
    with pytest.raises(StoreError) as e:
        load_into_store(tmp_path / "NEW", [GOOD])
    assert str(e.value) == f"{tmp_path / 'NEW'}: the load failed ({message}); the store is as it was"
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------ RocksDB's errors, as they come


def test_store_damage_and_failure_read_rocksdb_messages(tmp_path):
    block = RuntimeError("Corruption: block checksum mismatch: stored = 1, computed = 2, type = 4  in "
                         f"{tmp_path}/S/gen-17/000016.sst offset 0 size 4086, block_type = Data")
    expected = (f"{tmp_path}/S: the store is damaged and cannot be read (Corruption: block checksum mismatch: "
                f"stored = 1, computed = 2, type = 4 in {tmp_path}/S/gen-17/000016.sst offset 0 size 4086, "
                f"block_type = Data); {NO_EARLIER}")
    assert str(store_damage(block)) == expected
    assert str(store_failure(block)) == expected
    full = OSError(f"IO error: No space left on device: While appending to file: {tmp_path}/S/gen-17/000009.log")
    assert store_damage(full) is None
    assert str(store_failure(full)) == (f"{tmp_path}/S: cannot read or write the store's files (IO error: No space "
                                        f"left on device: While appending to file: {tmp_path}/S/gen-17/000009.log)")
    for other in (RuntimeError("pyoxigraph::sparql::PyQuerySolutions is unsendable"), ValueError("Corruption: x"),
                  OSError(errno.ENOENT, "No such file or directory")):
        assert store_damage(other) is None and store_failure(other) is None
