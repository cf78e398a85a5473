"""The `kg` command line: a thin face over kg.services."""

from kg.cli.main import cli

__all__ = ["cli"]
