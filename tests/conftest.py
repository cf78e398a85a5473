"""What the tests share: the small Turtle fixtures (tests/data/), and the CLI runner.

Tests import the constants with ``from conftest import …`` (``tests`` is on pytest's
``pythonpath``); fixtures need no import.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
"""The seed articles, beside the checkout (as CI lays it out)."""

PREFIXES = (DATA / "prefixes.ttl").read_text(encoding="utf-8")
"""The six prefixes the small Turtle graphs of the CLI tests use (ckg, ckr, ckp, skos, prov, dcterms)."""

GOOD = (DATA / "good.ttl").read_text(encoding="utf-8")
"""A two-firm graph that validates: Alpha Alumina supplies Beta Smelter with alumina, with evidence."""


def run(runner: CliRunner, *args: str):
    """``kg ARGS`` in-process; exceptions propagate (a traceback is a test failure, not an output)."""
    return runner.invoke(cli, list(args), catch_exceptions=False)


WIDTH = {"COLUMNS": "120"}
"""Tables wrap to $COLUMNS: the tests fix it, whatever the terminal that runs them."""


def run_on(data: str, *args: str):
    """``kg --data DATA ARGS`` in-process, 120 columns wide."""
    return CliRunner(env=WIDTH).invoke(cli, ["--data", data, *args], catch_exceptions=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=WIDTH)
