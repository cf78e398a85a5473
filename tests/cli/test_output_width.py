"""Every command's default (table) output on the bundled data fits 120 columns: cells wrap,
nothing is cut; and an empty answer is one note, not a bare header."""

from __future__ import annotations

import json
import unicodedata

import pytest
from click.testing import CliRunner
from conftest import run

COMMANDS = [  # not kg validate: its FILE:LINE: message lines are never wrapped (editors read them)
    ["info"], ["find", "weiqiao"], ["queries"],
    ["query", "--name", "projects-by-capacity"],
    ["query", "--name", "suppliers-of-firm", "--param", "firm=Innovation Metal"],
    ["risk"], ["risk", "--all"], ["risk", "--cluster", "Binzhou"], ["risk", "--cluster", "Yingkou"],
    ["depends", "Weiqiao Venture Group"], ["depends", "Boeing"], ["depends", "Innovation Metal"],
    ["suppliers", "Innovation Metal"], ["customers", "Weiqiao Venture Group"], ["customers", "Boeing"],
    ["centrality"], ["centrality", "--measure", "betweenness", "--cluster", "Binzhou"],
    ["centrality", "--cluster", "Yingkou"],
    ["whatif", "Weiqiao Venture Group"],
    ["gaps", "Binzhou"], ["gaps", "Yingkou"], ["gaps", "Suixi"], ["gaps", "Guangyuan"], ["gaps", "Zouping"],
]


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_default_output_fits_120_columns(args):
    result = run(CliRunner(env={"COLUMNS": "120"}), *args)
    assert result.exit_code == 0, result.output
    too_wide = [line for line in result.output.splitlines() if _width(line) > 120]
    assert too_wide == []


def test_the_width_follows_columns():
    narrow = run(CliRunner(env={"COLUMNS": "60"}), "depends", "Boeing").output
    assert max(map(_width, narrow.splitlines())) <= 60
    assert "has been applied to the large aircraft body of Boeing" in " ".join(narrow.split())  # quoted in full


def test_an_empty_answer_is_one_note():
    result = run(CliRunner(env={"COLUMNS": "120"}), "customers", "Boeing")
    (line,) = result.output.splitlines()
    assert line.startswith("Note: ") and "Boeing" in line


def test_json_stays_a_list_of_rows_and_the_note_goes_to_stderr():
    result = run(CliRunner(), "customers", "Boeing", "--format", "json")
    assert json.loads(result.stdout) == []
    (line,) = result.stderr.splitlines()
    assert line.startswith("Note: ") and "Boeing" in line


def test_query_json_gives_decimals_as_numbers():
    rows = json.loads(run(CliRunner(), "query", "--name", "projects-by-capacity", "--format", "json").stdout)
    assert all(isinstance(r["tonnesPerYear"], (int, float)) for r in rows if r["tonnesPerYear"] is not None)
