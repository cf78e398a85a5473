"""Typed errors. The library raises these; the CLI turns them into ``Error: …`` and exit 1."""

from __future__ import annotations


class KGError(Exception):
    """Base of every error a user can cause (bad file, bad query, unknown name)."""


class ParseError(KGError):
    """A data file does not parse. ``str()`` is ``FILE:LINE: what is wrong``."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class ValidationFailed(KGError):
    """Data violates the SHACL shapes; ``violations`` holds them."""

    def __init__(self, violations: list):
        self.violations = violations
        super().__init__(f"{len(violations)} SHACL violation(s)")


class QueryRefused(KGError):
    """A user query asks for something we never run (SERVICE, LOAD, FROM, updates)."""


class QueryError(KGError):
    """A SPARQL query is malformed or fails."""


class UnknownName(KGError):
    """No entity matches a name; ``suggestions`` holds the closest names."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, suggestions
        hint = f" Closest names: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(f"no entity is called {name!r}.{hint}")


class AmbiguousName(KGError):
    """Several entities match a name equally well; ``candidates`` holds them."""

    def __init__(self, name: str, candidates: list):
        self.name, self.candidates = name, candidates
        listing = "; ".join(f"{c.label} ({c.kind}, {c.iri})" for c in candidates)
        super().__init__(f"{name!r} is ambiguous: {listing}. Use a fuller name or the IRI.")


class StoreError(KGError):
    """A persistent store cannot be opened or written (missing, locked by another writer)."""
