"""The benchmark's smoke run: ~200 firms, one run of each figure (bench/run.py --smoke).

It checks that every row was measured and holds numbers, never how fast: timings on a
shared machine are not something a test can assert. `make bench` runs the real thing.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bench/ is not installed: import it from the checkout
    sys.path.insert(0, str(ROOT))

from bench.run import SMOKE_FIRMS, expected_keys

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    out, raw = tmp / "RESULTS.md", tmp / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--out", str(out), "--json", str(raw)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out.read_text(encoding="utf-8"), json.loads(raw.read_text(encoding="utf-8"))


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and x >= 0


def test_every_row_has_numbers(smoke):
    _, raw = smoke
    rows = {(r["n"], r["key"]): r for r in raw["rows"]}
    keys = [(SMOKE_FIRMS, k) for k in expected_keys(SMOKE_FIRMS)] + [(0, "help")]
    assert sorted(rows) == sorted(keys)
    for key in keys:
        row = rows[key]
        assert row["error"] is None, (key, row["error"])
        assert row["ours"] and all(map(_is_number, row["ours"])), key
        if row["baseline"] is not None:
            assert row["base_error"] is None, (key, row["base_error"])
            assert row["base"] and all(map(_is_number, row["base"])), key


def test_fresh_processes_report_peak_memory(smoke):
    _, raw = smoke
    for row in raw["rows"]:
        if row["key"] in ("load", "load_validated", "risk_cli", "depends", "help", "projection", "risk_total"):
            assert _is_number(row["ours_peak_mb"]) and row["ours_peak_mb"] > 0, row["key"]


def test_baselines_agree_with_ours(smoke):
    _, raw = smoke
    rows = {r["key"]: r for r in raw["rows"]}
    for key in ("tiers_up", "tiers_down", "tiers_total"):
        assert "same firms as ours: yes" in rows[key]["base_note"], key
    removed = rows["spof"]["base_note"]
    assert "all " in removed and "agree with the dominator tree" in removed
    count = removed.split("for ")[-1].split(" of ")
    assert count[0] == count[1]  # every removed node: same dominated count as the tree


def test_markdown_has_machine_targets_and_every_task(smoke):
    text, raw = smoke
    assert "## Targets" in text and "cores" in text and "Load average (1, 5, 15 min) at start" in text
    for row in raw["rows"]:
        assert row["task"].replace("|", "\\|") in text
    assert len(raw["meta"]["targets"]) >= 8
