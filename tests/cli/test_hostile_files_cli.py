"""Issue 13, hostile input files through the CLI: one ``Error: FILE:LINE: …`` line (exit 1) for
an RDF/XML file whose entities expand ("billion laughs"), for a token longer than the parser
holds and for a syntax error (the parser's own position); a warning for the links of a data
folder that lead out of it. The billion laughs run in a subprocess with a memory cap and a
timeout: before the fix, 10 levels tried to take 30 GB."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest
from conftest import GOOD, run, run_on

MEMORY_CAP = 3 << 30
"""Address space of a `kg` subprocess: the old code aborts under it instead of eating the machine."""


def kg(*args: str, cwd, timeout: float = 60) -> subprocess.CompletedProcess:
    """``kg ARGS`` in a subprocess with :data:`MEMORY_CAP`; TimeoutExpired fails the test."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    env = {k: v for k, v in os.environ.items() if k != "RUST_BACKTRACE"} | {"COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=cap, check=False)


def laughs(levels: int) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
            f'<rdf:Description rdf:about="http://example.org/a"><ex:p>&lol{levels};</ex:p></rdf:Description>\n'
            "</rdf:RDF>\n")


NESTED = ('entity \'lol1\' refers to another entity (&lol0;): nested entities can expand a small file to '
          'gigabytes ("billion laughs"); kg reads only plain entities, <!ENTITY name "text"> with at most '
          '256 bytes and no &name; in the text')


@pytest.mark.parametrize("command", [["--data", "{f}", "info"], ["validate", "{f}"],
                                     ["load", "{f}", "--store", "store"]])
@pytest.mark.parametrize("suffix", [".rdf", ".owl"])
def test_ten_levels_of_laughs_are_refused_at_once(tmp_path, command, suffix):
    # before: a Rust abort ("memory allocation of 4800000000 bytes failed", signal 6) under
    # the cap, 30 GB without it
    path = tmp_path / f"laughs{suffix}"
    path.write_text(laughs(10), encoding="utf-8")
    done = kg(*(arg.format(f=path) for arg in command), cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", f"Error: {path}:4: {NESTED}\n")
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").glob("gen-*"))


@pytest.fixture
def long_token(tmp_path):
    """An N-Triples file (18 MiB: a bulk load) whose third line holds an 18 MiB literal."""
    path = tmp_path / "long.nt"
    with path.open("w", encoding="utf-8") as f:
        f.write('<http://e/a> <http://e/p> "a" .\n<http://e/a> <http://e/p> "b" .\n')
        f.write('<http://e/a> <http://e/p> "' + "x" * (18 << 20) + '" .\n')
    return path


TOO_LONG = ("a single token (an IRI, a literal or a name) does not fit in the 16 MiB of a line that "
            "Oxigraph's parser holds (a limit of the parser, not of kg): shorten or leave out that value")


@pytest.mark.parametrize("command", [["--data", "{f}", "info"], ["validate", "{f}"],
                                     ["load", "{f}", "--store", "{store}"]])
def test_a_token_longer_than_the_parser_holds_is_one_error(runner, long_token, tmp_path, command):
    # before: a traceback, MemoryError: Reached the buffer maximal size of 16777216
    result = run(runner, *(arg.format(f=long_token, store=tmp_path / "store") for arg in command))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1:] == [f"Error: {long_token}:3: {TOO_LONG}"]
    assert result.stdout == ""


def test_a_syntax_error_keeps_the_parsers_position(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix e: <http://e/> .\ne:a e:p e:b .\ne:a e:p e:b e:c .\n", encoding="utf-8")
    result = run_on(str(path), "info")
    # before: "column s: A dot is expected…"
    assert (result.exit_code, result.output) == (
        1, f"Error: {path}:3: between columns 13 and 16: A dot is expected at the end of statements\n")


@pytest.fixture
def folder(tmp_path):
    data, outside = tmp_path / "data", tmp_path / "outside"
    data.mkdir()
    outside.mkdir()
    (data / "good.ttl").write_text(GOOD, encoding="utf-8")
    (outside / "secret.txt").write_text("root:$6$saltsalt$hash:19000:0:99999:7:::\n", encoding="utf-8")
    (data / "evil.ttl").symlink_to(outside / "secret.txt")
    (data / "loop.ttl").symlink_to("loop.ttl")
    return data


@pytest.mark.parametrize("command", [["--data", "data", "info"], ["validate", "data"],
                                     ["load", "data", "--store", "store"]])
def test_links_out_of_a_data_folder_are_skipped_and_said(tmp_path, folder, command):
    # before: evil.ttl was read: "Error: …/evil.ttl:1: column s: The prefix root: has not been
    # declared"; loop.ttl was skipped without a word
    done = kg(*command, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "skipped data/evil.ttl: a symbolic link to a file outside data" in done.stderr
    assert "skipped data/loop.ttl: a symbolic link loop" in done.stderr
    assert "saltsalt" not in done.stdout + done.stderr  # nothing of the secret
