"""Issue 13, "Output that runs code": labels with terminal escape sequences never reach the
terminal raw. A firm whose label carries an OSC 52 clipboard write, a window retitle, a
carriage return and a right-to-left override is printed by `kg query` in every format: the
control characters show as ``\\uXXXX``; json stays valid and decodes back to the label.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import PREFIXES, run_on

LABEL = "Evil\x1b]52;c;ZXZpbA==\x07 Metal\x1b]0;owned\x07\r\u202eCo"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "evil.ttl"
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in LABEL)  # Turtle's escapes
    path.write_text(PREFIXES + f'ckr:evil a ckg:Firm ; skos:prefLabel "{escaped}"@en .\n', encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_query_shows_control_characters_as_escapes(data, fmt):
    result = run_on(data, "query", "SELECT ?name WHERE { ckr:evil skos:prefLabel ?name }", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.output)
    assert "Evil\\u001b]52;c;ZXZpbA==\\u0007 Metal" in result.output
    if fmt == "json":
        assert json.loads(result.stdout)[0]["name"] == LABEL


def test_an_error_naming_the_data_shows_escapes(data):
    result = run_on(data, "depends", "Evil\x1b]0;x\x07")
    assert result.exit_code == 1
    assert not RAW.search(result.output)
    assert result.output.startswith("Error: ")
