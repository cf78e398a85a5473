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

    def __init__(self, violations: list, shown: int = 20):
        self.violations = violations
        lines = [f"{len(violations)} SHACL violation(s); nothing was changed:"]
        for v in violations[:shown]:
            where = f"{v.file}:{v.line}" if getattr(v, "line", None) else (getattr(v, "file", None) or "(graph)")
            label = f" ({v.label})" if getattr(v, "label", None) else ""
            lines.append(f"  {where}: {v.focus}{label}: {v.message}")
        if len(violations) > shown:
            lines.append(f"  … and {len(violations) - shown} more (run kg validate)")
        super().__init__("\n".join(lines))


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


class NotPresent(KGError):
    """An entity asked about is not in the network as of the year asked (``--as-of``)."""


class StoreError(KGError):
    """A persistent store cannot be opened or written (missing, locked by another writer)."""


class UnknownCluster(UnknownName):
    """No cluster, region or park matches a name; ``known`` holds the labels of the known clusters."""

    def __init__(self, name: str, known: list[str]):
        super().__init__(name, known)
        self.known = known
        hint = f" Known clusters: {', '.join(known)}." if known else ""
        self.args = (f"no cluster, region or park is called {name!r}.{hint}",)


class GenerateError(KGError, ValueError):
    """The generator cannot do what was asked (too few firms, unknown file format)."""


class UnknownFormat(KGError):
    """A report file name whose extension is not .md, .html or .json."""


class UnsupportedShape(KGError):
    """The shapes use a SHACL feature that the ``"sparql"`` engine does not compile."""


class OutputError(KGError):
    """An output path that kg will not write: not a regular file, or read-only."""


class ViewError(KGError):
    """A view cannot be built as asked (unknown option, conflicting scope)."""


class QueryStopped(QueryError):
    """A query was stopped at one of its limits: the deadline, the row cap or the memory cap."""


class KGWarning(UserWarning):
    """Something a user should know that does not stop the command, such as a file of a data
    folder that was not read (:func:`kg.rdf.formats.expand_paths`). The library issues it with
    :func:`warnings.warn`; the CLI prints it as ``Warning: …`` on stderr."""

