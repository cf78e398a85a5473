"""Issue 13: faults of stores, indexes and output files, through the command line.

Each fault is one `Error:` line and exit 1 (never a traceback), and nothing is lost: the store,
its analysis index and any earlier output file are left as they were. Damage that RocksDB finds
only when a query reads the block runs in a subprocess with a timeout and a memory cap.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, PREFIXES, ROOT, FullDisk, damage, generation, run

from kg.ingest.load import load_into_store

GOOD = DATA / "good.ttl"
NO_EARLIER = "no intact earlier generation is left: load every file again into a new store"
OUTPUTS = {  # every command with -o, and a file name it accepts
    "view": ["view", "-o"],
    "report": ["report", "-o"],
    "generate": ["generate", "--firms", "20", "-o"],
}
NAMES = {"view": "v.html", "report": "r.md", "generate": "g.nt"}


def one_error(result) -> str:
    """The single `Error:` line of a failed command (exit 1, nothing else printed)."""
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    return result.output[len("Error: "):-1]


# ------------------------------------------------ -o: a full disk, /dev/null, a folder that cannot be written


@pytest.mark.parametrize("command", list(OUTPUTS))
def test_a_full_disk_during_o_keeps_the_earlier_file(runner, tmp_path, monkeypatch, command):
    target = tmp_path / NAMES[command]
    target.write_text("earlier", encoding="utf-8")
    fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: FullDisk(fdopen(*a, **k)))
    result = run(runner, *OUTPUTS[command], str(target))
    assert one_error(result) == f"{target}: cannot write the file (No space left on device); the earlier file is unchanged"
    assert target.read_text(encoding="utf-8") == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


@pytest.fixture
def null(tmp_path) -> Path:
    """/dev/null for a normal user; as root a character device of our own (c 1 3) in tmp_path: a
    regression would replace it, not the machine's /dev/null (the old code, run as root, did)."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    path = tmp_path / "null"
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return path


@pytest.mark.parametrize("command,message", [
    ("view", "{null}: not a regular file (a character device); kg writes only regular files"),
    ("report", "{null}: unknown report format ''; use .html, .json, .md"),
    ("generate", "{null}: cannot write 'a file without extension'; use .nt (N-Triples) or .ttl (Turtle)"),
])
def test_o_dev_null_is_refused_by_every_command(runner, null, command, message):
    assert one_error(run(runner, *OUTPUTS[command], str(null))) == message.format(null=null)
    assert stat.S_ISCHR(os.lstat(null).st_mode)


@pytest.mark.parametrize("command", list(OUTPUTS))
def test_o_into_a_folder_without_write_permission(runner, tmp_path, command):
    folder = tmp_path / "out"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run(runner, *OUTPUTS[command], str(folder / NAMES[command]))
    finally:
        folder.chmod(0o755)
    assert one_error(result) == (f"{folder}: the folder is not writable (no write permission); make it writable or "
                                 "write elsewhere")
    assert list(folder.iterdir()) == []


AS_NOBODY = r"""
import importlib, os, sys, traceback
from kg.cli.main import COMMANDS, cli
for path, _ in COMMANDS.values():
    importlib.import_module(path.rsplit(".", 1)[0])
import csv, json, zipfile, zlib, numpy, networkx, rdflib, oxrdflib, pyoxigraph
import kg.validation.shacl, kg.services.index, kg.rdf.bulk
pid = os.fork()  # the interpreter's files are not readable by nobody: everything is imported first
if pid == 0:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
    try:
        cli.main(sys.argv[1:], prog_name="kg")
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
    except BaseException:
        traceback.print_exc()
        code = 3
    sys.stdout.flush(); sys.stderr.flush()
    os._exit(code)
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"""
"""``kg ARGS`` as the unprivileged user nobody (uid 65534), from a root test process."""


@pytest.fixture
def roots_folder():
    """A folder of root's that everyone may read and no one else may write (mode 755)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run kg as another user; as a normal user the chmod 555 tests cover this")
    folder = Path(tempfile.mkdtemp(prefix="kg-faults-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def as_nobody(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", AS_NOBODY, *args], capture_output=True, text=True, timeout=120,
                          check=False, cwd="/", env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"})


def test_as_a_normal_user_o_into_a_folder_of_another_user(roots_folder):
    result = as_nobody("view", "-o", str(roots_folder / "v.html"))
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", (f"Error: {roots_folder}: the folder is not writable (Permission denied); make it writable or "
                "write elsewhere\n"))
    result = as_nobody("view", "-o", "/dev/null")
    assert (result.returncode, result.stderr) == (
        1, "Error: /dev/null: not a regular file (a character device); kg writes only regular files\n")
    assert list(roots_folder.iterdir()) == []


def test_as_a_normal_user_load_into_a_folder_of_another_user(roots_folder):
    result = as_nobody("load", str(GOOD), "--store", str(roots_folder))
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", (f"Error: {roots_folder}: the store folder is not writable (Permission denied); make it writable "
                "or load into another folder; nothing was changed\n"))
    new = roots_folder / "new"
    result = as_nobody("load", str(GOOD), "--store", str(new))
    assert (result.returncode, result.stderr) == (
        1, (f"Error: {new}: cannot create the store folder ({roots_folder} is not writable: Permission denied); "
            "nothing was changed\n"))
    assert list(roots_folder.iterdir()) == []


def test_as_a_normal_user_a_store_of_another_user_is_read_and_its_index_built_in_memory(roots_folder):
    load_into_store(roots_folder / "S", [GOOD])
    result = as_nobody("--store", str(roots_folder / "S"), "depends", "Alpha Alumina", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert '"label": "Alpha Alumina"' in result.stdout
    assert re.search(r"could not save the analysis index \(.*Permission denied.*\); it will be built again next time",
                     result.stderr)


# ------------------------------------------------ a store folder that cannot be written, a failed first load


def test_load_into_a_store_folder_without_write_permission(runner, store):
    store.chmod(0o555)
    try:
        result = run(runner, "load", str(GOOD), "--store", str(store))
    finally:
        store.chmod(0o755)
    assert one_error(result) == (f"{store}: the store folder is not writable (no write permission); make it "
                                 "writable or load into another folder; nothing was changed")


def test_a_failed_first_load_leaves_no_folder(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + 'ckr:a ckg:note "unterminated .\n', encoding="utf-8")
    result = run(runner, "load", str(bad), "--store", str(tmp_path / "NEW"))
    assert one_error(result).startswith(f"{bad}:7: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl"]


# ------------------------------------------------ a damaged store: readers and load


READERS = [["info"], ["risk"], ["query", "ASK {}"], ["depends", "Alpha Alumina"], ["find", "Alpha"]]


@pytest.mark.parametrize("kind", ["truncated-sst", "zeroed-sst", "truncated-manifest", "emptied-current"])
def test_a_damaged_store_is_one_error_for_readers_and_load(runner, store, kind):
    damage(store, kind)
    damaged = rf"{re.escape(str(store))}: the store is damaged and cannot be read \(Corruption: [^\n]+\); {NO_EARLIER}"
    for command in [*READERS, ["load", str(GOOD), "--store", str(store)]]:
        args = command if command[0] == "load" else ["--store", str(store), *command]
        assert re.fullmatch(damaged, one_error(run(runner, *args))), command
    if kind == "emptied-current":
        assert one_error(run(runner, "--store", str(store), "info")) == (
            f"{store}: the store is damaged and cannot be read (Corruption: CURRENT file does not end with newline); "
            f"{NO_EARLIER}")
    assert sorted(p.name for p in store.glob("gen-*")) == [generation(store).name]  # the load left nothing


def test_a_missing_current_generation_readers_error_and_load_recovers(runner, store):
    gen = generation(store)
    shutil.rmtree(gen)
    for command in READERS:
        assert one_error(run(runner, "--store", str(store), *command)) == (
            f"{store}: the store's current generation {gen.name} is missing (kg-current points at a folder that "
            f"does not exist); the next `kg load FILES… --store {store}` starts as a new store (no earlier "
            "generation is left)"), command
    result = run(runner, "load", str(GOOD), "--store", str(store))
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        f"Note: the current generation {gen.name} was missing and no earlier generation is left; this load\n"
        "      started a new store\n")
    assert "Alpha Alumina" in run(runner, "--store", str(store), "find", "Alpha").output


LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from kg.cli import cli
cli(sys.argv[1:], prog_name="kg")
"""
"""``kg ARGS`` with at most 4 GB of address space (pyoxigraph 0.5 can run away in memory on a
damaged block: a COUNT over an OPTIONAL), killed by the caller's timeout if it hangs."""


def kg_limited(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", LIMITED, *args], capture_output=True, text=True, timeout=120,
                          check=False, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"})


RUNAWAY = ("memory allocation of ", "std::bad_alloc")
"""What pyoxigraph 0.5 (Rust) or RocksDB (C++) print when they abort at the memory cap (see :data:`LIMITED`)."""


@pytest.mark.parametrize("command", [["risk"], ["load", str(GOOD)], ["depends", "Alpha Alumina"]])
def test_damage_found_while_reading_a_block_is_one_error(template, tmp_path, command):
    """A block overwritten in place keeps every file's size: RocksDB finds it only when a query
    reads it. Each .sst file in turn is damaged so; a command succeeds (it read no damaged
    block), or fails with one `Error:` line, or (pyoxigraph 0.5.13: a query whose storage
    iterator keeps returning the error) runs away in memory inside the engine and is stopped
    by the cap. Never a traceback, and at least one file's damage is found and named."""
    found = 0
    for i, sst in enumerate(sorted(p.name for p in generation(template).glob("*.sst"))):
        store = tmp_path / f"S{i}"
        shutil.copytree(template, store, symlinks=True)
        f = generation(store) / sst
        with open(f, "r+b") as out:
            out.write(os.urandom(f.stat().st_size // 3))  # the first data blocks, not the footer
        args = [*command, "--store", str(store)] if command[0] == "load" else ["--store", str(store), *command]
        result = kg_limited(*args)
        assert "Traceback" not in result.stderr, (sst, result.stderr)
        if result.returncode == 0 or (result.returncode < 0 and any(w in result.stderr for w in RUNAWAY)):
            continue
        *progress, error = result.stderr.splitlines()  # kg depends says first that it builds the index
        assert result.returncode == 1 and all(p.startswith("building the analysis index") for p in progress), \
            (sst, result.stderr)
        assert re.fullmatch(rf"Error: {re.escape(str(store))}: the store is damaged and cannot be read "
                            rf"\(Corruption: [^\n]+\); {NO_EARLIER}", error), (sst, result.stderr)
        found += 1
    assert found >= 1


# ------------------------------------------------ a damaged analysis index


def depends(runner, store: Path):
    return run(runner, "--store", str(store), "depends", "Alpha Alumina", "--format", "json")


@pytest.mark.parametrize("kind", ["truncated", "zeroed"])
def test_a_damaged_analysis_index_is_built_again(runner, store, kind):
    first = depends(runner, store)  # builds the index
    assert first.exit_code == 0, first.output
    index = store / "kg-index" / f"{generation(store).name}.npz"
    size = index.stat().st_size
    if kind == "truncated":
        os.truncate(index, size // 2)
        reason = "BadZipFile: File is not a zip file"
    else:
        index.write_bytes(bytes(size))
        reason = ("ValueError: This file contains pickled (object) data. If you trust the file you can load it "
                  "unsafely using the `allow_pickle=` keyword argument or `pickle.load()`.")
    again = depends(runner, store)
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout
    assert again.stderr.startswith(f"the analysis index {index} is damaged ({reason}); building it again\n"
                                   f"building the analysis index of {store} (once per load): network\n")
    assert index.stat().st_size == size  # written again, whole
    third = depends(runner, store)
    assert (third.stdout, third.stderr) == (first.stdout, "")  # read, not built


def damage_member(index: Path, member: str) -> None:
    """Flip the last byte of ``member``'s data in the .npz file (its CRC no longer matches)."""
    info = zipfile.ZipFile(index).getinfo(member)
    data = bytearray(index.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    last = info.header_offset + 30 + name_length + extra_length + info.compress_size - 1
    data[last] ^= 0xFF
    index.write_bytes(bytes(data))


def test_an_index_member_read_at_once_damaged_in_place_is_built_again(runner, store):
    first = depends(runner, store)
    index = store / "kg-index" / f"{generation(store).name}.npz"
    damage_member(index, "node_weight.npy")
    again = depends(runner, store)
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert again.stderr.startswith(f"the analysis index {index} is damaged (BadZipFile: Bad CRC-32 for file "
                                   "'node_weight.npy'); building it again\n")


def test_an_index_member_read_later_damaged_in_place_is_one_error_then_built_again(runner, store):
    first = depends(runner, store)
    index = store / "kg-index" / f"{generation(store).name}.npz"
    damage_member(index, "node_iri.npy")
    assert one_error(depends(runner, store)) == (
        f"{index}: the analysis index is damaged (BadZipFile: Bad CRC-32 for file 'node_iri.npy'); it was removed "
        "and the next command builds it again")
    assert not index.exists()
    again = depends(runner, store)
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert index.exists()
