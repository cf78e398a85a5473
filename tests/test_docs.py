"""Meta-tests: every command has help with an example and appears in README; every canned query too."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import cli
from kg.rdf.query import canned_queries

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_with_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name):
    assert f"`kg {name}" in README, f"kg {name} is not documented in README.md"


@pytest.mark.parametrize("name", [q.name for q in canned_queries()])
def test_canned_query_is_in_readme(name):
    assert f"`{name}`" in README, f"canned query {name} is not listed in README.md"


def test_changelog_exists():
    assert (Path(__file__).resolve().parent.parent / "CHANGELOG.md").read_text(encoding="utf-8").startswith("# Changelog")
