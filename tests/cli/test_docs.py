"""Meta-tests: every command has help with an example and appears in README; every canned query too."""

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT

from kg.cli.main import COMMANDS as LAZY
from kg.cli.main import cli
from kg.rdf.query import canned_queries

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.list_commands(click.Context(cli)))


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
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").startswith("# Changelog")


@pytest.mark.parametrize("name", COMMANDS)
def test_the_command_table_summary_is_the_commands_help(name):
    """`kg --help` lists the commands from kg.cli.main.COMMANDS without importing them: each
    summary there must be the first paragraph of the command's own help."""
    command = cli.get_command(click.Context(cli), name)
    summary = click.Command(name, help=LAZY[name][1])
    for limit in (20, 45, 80, 200):
        assert summary.get_short_help_str(limit) == command.get_short_help_str(limit)


def test_kg_help_imports_no_command_module():
    code = ("import sys\nfrom kg.cli import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('kg.cli.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"
