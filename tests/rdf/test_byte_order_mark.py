"""Issue 13: a UTF-8 file that starts with a byte-order mark is read like the same file without
one, on every path a file takes (kg --data, kg validate, kg load, and the bulk pipe)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import GOOD, run, run_on

import kg.rdf.bulk
from kg.rdf.bulk import load_file
from kg.rdf.formats import UTF8_BOM


@pytest.fixture
def files(tmp_path):
    plain, marked = tmp_path / "plain.ttl", tmp_path / "marked.ttl"
    plain.write_bytes(GOOD.encode("utf-8"))
    marked.write_bytes(UTF8_BOM + GOOD.encode("utf-8"))
    return plain, marked


def test_data_and_validate_read_a_marked_file(files):
    plain, marked = files
    assert run_on(str(marked), "info").output == run_on(str(plain), "info").output
    result = run_on(str(marked), "validate", str(marked))
    assert result.exit_code == 0, result.output


def test_load_reads_a_marked_file(files, tmp_path, runner):
    plain, marked = files
    a = run(runner, "load", str(plain), "--store", str(tmp_path / "a"), "--format", "csv")
    b = run(runner, "load", str(marked), "--store", str(tmp_path / "b"), "--format", "csv")
    assert a.exit_code == b.exit_code == 0, b.output
    assert a.stdout.splitlines()[1].split(",")[1:4] == b.stdout.splitlines()[1].split(",")[1:4]


@pytest.mark.parametrize("bulk_min", [0, 1 << 30])  # the bulk pipe, and the Python parse
def test_both_load_paths_skip_the_mark(files, monkeypatch, bulk_min):
    plain, marked = files
    monkeypatch.setattr(kg.rdf.bulk, "BULK_MIN_BYTES", bulk_min)
    counts = []
    for path in (plain, marked):
        store = ox.Store()
        load_file(store, path, bulk=True)
        counts.append(len(store))
    assert counts[0] == counts[1] > 0
