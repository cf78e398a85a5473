"""FILE:LINE of a focus node in Turtle or N-Triples files."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urljoin

from kg.rdf.formats import Source

# Formats whose statements start at the beginning of a line with their subject.
_LINE_FORMATS = {".ttl", ".turtle", ".nt", ".ntriples", ".nq", ".trig", ".n3"}


# ---------------------------------------------------------------- location


class Locator:
    """Maps a focus node to (file, line): the first source with it as a subject."""

    def __init__(self, sources: Sequence[Source]):
        self._file_of: dict[str, Path] = {}
        for source in sources:
            for triple in source.triples:
                key = getattr(triple.subject, "value", None)  # NamedNode or BlankNode
                if key is not None:
                    self._file_of.setdefault(key, source.path)
        self._lines: dict[Path, dict[str, int]] = {}

    def __call__(self, focus: str) -> tuple[str | None, int | None]:
        path = self._file_of.get(focus)
        if path is None:
            return None, None
        if path not in self._lines:
            self._lines[path] = _subject_lines(path) if path.suffix.lower() in _LINE_FORMATS else {}
        return str(path), self._lines[path].get(focus)


_DIRECTIVE = re.compile(r"(?i)^\s*(@?prefix)\s+([\w.-]*):\s*<([^>]*)>|^\s*(@?base)\s+<([^>]*)>")


_SUBJECT = re.compile(
    r"""\s*(
        <[^<>"{}|^`\\\s]*>                          # <IRI>
      | (?:[A-Za-z][\w.-]*)?:(?:[^\s;,()\[\]{}"'\\]|\\.)*  # prefix:local, with \-escapes
    )""",
    re.VERBOSE,
)


def _subject_lines(path: Path) -> dict[str, int]:
    """IRI -> first line of ``path`` where a statement starts with that IRI as subject.

    A line starts a statement when the previous line of code ended one (with
    ``.``, or with ``{``/``}`` in TriG) or was a prefix/base directive. Strings
    and comments are skipped, long strings across lines included. A file that can no
    longer be read (deleted or made unreadable since it was parsed) has no lines.
    """
    base = path.resolve().as_uri()
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    at_start, long_quote = True, None
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return found
    for number, line in enumerate(text.splitlines(), 1):
        starts_in_string = long_quote is not None
        code, long_quote = _code(line, long_quote)
        if not code.strip():
            continue
        directive = _DIRECTIVE.match(code)
        if directive:
            if directive.group(1):
                prefixes[directive.group(2)] = urljoin(base, directive.group(3))
            else:
                base = urljoin(base, directive.group(5))
            at_start = True
            continue
        if at_start and not starts_in_string:
            token = _SUBJECT.match(code)
            iri = _resolve(token.group(1), prefixes, base) if token else None
            if iri is not None:
                found.setdefault(iri, number)
        at_start = code.rstrip().endswith((".", "{", "}"))
    return found


def _code(line: str, long_quote: str | None) -> tuple[str, str | None]:
    """``line`` without comments and with string contents blanked; the open long quote after it."""
    out, i, quote = [], 0, None
    while i < len(line):
        if long_quote:
            end = line.find(long_quote, i)
            if end < 0:
                return "".join(out), long_quote
            out.append('""')
            i, long_quote = end + 3, None
            continue
        c = line[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                out.append(c + c)
                quote = None
            i += 1
            continue
        if line.startswith(('"""', "'''"), i):
            long_quote, i = line[i : i + 3], i + 3
            continue
        if c in "\"'":
            quote = c
        elif c == "<":
            end = line.find(">", i)
            if end > 0:
                out.append(line[i : end + 1])
                i = end + 1
                continue
        elif c == "#":
            break
        else:
            out.append(c)
        i += 1
    return "".join(out), long_quote


def _resolve(token: str, prefixes: dict[str, str], base: str) -> str | None:
    if token.startswith("<"):
        return urljoin(base, token[1:-1])
    prefix, _, local = token.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local).rstrip(".")
