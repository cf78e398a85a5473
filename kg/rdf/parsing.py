"""Between a file and Oxigraph's parser: what is refused before the parser sees it, and what
its errors become.

- :class:`EntityCheck`: the entity declarations of an RDF/XML file that could make it expand
  ("billion laughs", :data:`ENTITY_VALUE_MAX`) or reach out (XXE), refused with their line;
  :class:`~kg.rdf.formats.RdfInput` shows it every block before the parser gets it.
- :func:`parse_error`: a parser's error (or a failed read) as a :class:`~kg.errors.ParseError`
  ``FILE:LINE: …`` with the parser's own position and words, little of the file quoted, and
  the line of a token longer than the parser holds (:data:`TOKEN_MAX`).
"""

from __future__ import annotations

import os
import re

from kg.errors import ParseError
from kg.utils.text import visible


ENTITY_VALUE_MAX = 256
"""The most bytes the value of an entity declared in an RDF/XML file may have (as written).

RDF/XML files written by the OWL API (Protégé) declare entities as abbreviations of
namespace IRIs: ``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``. Those are read. Oxigraph's
parser expands entities without a limit, so anything else is refused before the parser sees
it (:class:`EntityCheck`): an entity that refers to another (``&name;`` in its value: ten
levels of ten make a 1 KB file expand to 30 GB, the "billion laughs"), an external one
(``SYSTEM``/``PUBLIC``: XXE; Oxigraph would not fetch it, but refused it with a message about
quoting), a parameter entity (``%``), and a value longer than this. A plain entity of at most
this length makes each reference at most 256 / 3 = 85 times longer than the ``&a;`` it
replaces: the same kind of growth as a long Turtle prefix."""


class EntityCheck:
    r"""Refuses the entity declarations of an RDF/XML file that can make it expand, fed the
    file's bytes block by block (:meth:`feed`, then :meth:`close` at the end) before the parser
    gets them: a :class:`ParseError` with the line of the ``<!ENTITY``.

    The whole file is checked, not only its prolog: Oxigraph's parser reads a DOCTYPE found
    after the root element too, and entity declarations inside comments within a DOCTYPE. So
    every ``<!ENTITY`` in the file's bytes is read as Oxigraph would read it (the text up to
    the next ``<``: a name, then a value in double quotes, then ``>``). Only a plain entity
    passes (:data:`ENTITY_VALUE_MAX`); a ``<!ENTITY`` in a CDATA section or a comment outside
    a DOCTYPE is checked the same way. Text written as ``&lt;!ENTITY`` is not a declaration.

    >>> check = EntityCheck("owl.rdf")
    >>> check.feed(b'<!DOCTYPE rdf:RDF [<!ENTITY owl "http://www.w3.org/2002/07/owl#" >]>')
    >>> check.feed(b'<!DOCTYPE x [\n<!ENTITY lol1 "&lol0;&lol0;">]>')
    Traceback (most recent call last):
    ...
    kg.errors.ParseError: owl.rdf:2: entity 'lol1' refers to another entity (&lol0;): nested entities can expand a small file to gigabytes ("billion laughs"); kg reads only plain entities, <!ENTITY name "text"> with at most 256 bytes and no &name; in the text
    """

    MARK = b"<!ENTITY"
    DECLARATION_MAX = 4096
    """Bytes after ``<!ENTITY`` held back to read a declaration cut by the end of a block."""

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        self._held = b""  # an unfinished declaration, or the end of the last block
        self._line = 1  # the line of the first byte held

    def feed(self, block: bytes) -> None:
        data = self._held + block
        start = 0
        while (i := data.find(self.MARK, start)) >= 0:
            if not self._declaration(data, i, more=True):
                self._hold(data, i)
                return
            start = i + len(self.MARK)
        self._hold(data, max(start, len(data) - len(self.MARK) + 1))

    def close(self) -> None:
        """The end of the file: a declaration still unfinished is refused."""
        if self._held.startswith(self.MARK):
            self._declaration(self._held, 0, more=False)
        self._held = b""

    def _hold(self, data: bytes, i: int) -> None:
        self._line += data.count(b"\n", 0, i)
        self._held = data[i:]

    def _declaration(self, data: bytes, i: int, *, more: bool) -> bool:
        """Check the declaration at ``data[i]``: True if it is a plain entity, False if more
        bytes are needed to tell (``more``: the file goes on); else raise."""
        start = i + len(self.MARK)
        segment = data[start : start + self.DECLARATION_MAX + 1]  # bounded: a block may hold many
        end = segment.find(b"<")  # Oxigraph reads a declaration up to the next "<"
        if end >= 0:
            segment, more = segment[:end], False
        elif len(segment) > self.DECLARATION_MAX:
            segment, more = segment[: self.DECLARATION_MAX], False
        text = segment.decode("utf-8", "replace")

        def refuse(why: str, plain: bool = True) -> bool:
            rule = (f'; kg reads only plain entities, <!ENTITY name "text"> with at most {ENTITY_VALUE_MAX} bytes '
                    f'and no &name; in the text')
            raise ParseError(self.path, self._line + data.count(b"\n", 0, i), why + (rule if plain else ""))

        def unfinished() -> bool:
            return False if more else refuse("an entity declaration that does not end (<!ENTITY name \"text\">)")

        rest = text.lstrip(_WHITESPACE)
        if rest.startswith("%"):
            return refuse("a parameter entity (<!ENTITY % …>)")
        name_end = next((k for k, c in enumerate(rest) if c in _ASCII_WHITESPACE), None)
        if not rest or name_end is None:
            return unfinished()
        name, rest = _shown(rest[:name_end]), rest[name_end:].lstrip(_WHITESPACE)
        if not rest:
            return unfinished()
        for keyword in ("SYSTEM", "PUBLIC"):
            if rest.startswith(keyword):
                return refuse(f"entity {name} is external ({keyword}): kg reads no file or URL named in an "
                              f"RDF/XML file (XXE)")
            if keyword.startswith(rest) and more:
                return False
        if rest[0] == "'":
            return refuse(f"entity {name} has its value in single quotes, which Oxigraph's RDF/XML parser does "
                          f"not read: use double quotes", plain=False)
        if rest[0] != '"':
            return refuse(f"entity {name} is not declared as <!ENTITY name \"text\">")
        close = rest.find('"', 1)
        value = rest[1:] if close < 0 else rest[1:close]
        size = len(value.encode("utf-8"))
        if size > ENTITY_VALUE_MAX:
            length = f"more than {ENTITY_VALUE_MAX}" if close < 0 else f"{size:,}"
            return refuse(f"entity {name} has a value of {length} bytes: longer entities can expand a small file "
                          f"to gigabytes")
        if close < 0:
            return unfinished()
        after = rest[close + 1 :].lstrip(_WHITESPACE)
        if not after:
            return unfinished()
        if after[0] != ">":
            return refuse(f"entity {name} is not declared as <!ENTITY name \"text\">")
        reference = _REFERENCE.search(_PLAIN_REFERENCE.sub("", value))
        if reference is not None:
            return refuse(f"entity {name} refers to another entity ({_shown(reference.group(), quote=False)}): "
                          f'nested entities can expand a small file to gigabytes ("billion laughs")')
        return True


_ASCII_WHITESPACE = " \t\n\x0c\r"
"""What Oxigraph's RDF/XML parser splits an entity's name from its value at (Rust's
``is_ascii_whitespace``)."""

_WHITESPACE = (_ASCII_WHITESPACE + "\x0b\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
               + "\u2028\u2029\u202f\u205f\u3000")
"""What it trims before a name and a value (Rust's ``char::is_whitespace``)."""

_PLAIN_REFERENCE = re.compile(r"&(?:#[0-9]+|#x[0-9A-Fa-f]+|lt|gt|amp|apos|quot);")
"""The references an entity's value may hold: characters and XML's five predefined entities."""

_REFERENCE = re.compile(r"&[^;\s]{0,40};?")
"""An entity reference (or what starts like one) as an error shows it."""


TOKEN_MAX = 16 << 20
"""The most of a line Oxigraph's parsers of Turtle, N-Triples, N-Quads, TriG and N3 hold: a
single token (an IRI, a literal, a prefixed name) must fit in it with what precedes it on its
line (up to 8 MiB of that). Their buffer, fixed in pyoxigraph. A longer token is a
:class:`ParseError` with its line (:func:`parse_error`)."""

JSON_TOKEN_MAX = 8 << 20
"""The longest JSON string Oxigraph's JSON-LD parser holds (half its buffer, as measured with
pyoxigraph 0.5). A longer one is a :class:`ParseError`, without a line."""

QUOTE_MAX = 40
"""The most characters of a file that an error message shows in quotes ('…' or `…`)."""

MESSAGE_MAX = 200
"""The most characters of a parser's message an error shows."""


def parse_error(path: str | os.PathLike, error: BaseException, *, read: int | None = None,
                fmt: str | None = None) -> BaseException:
    """The :class:`ParseError` for what parsing (or reading) the file at ``path`` raised.

    A syntax error keeps the parser's position and words after ``FILE:LINE:`` ("between
    columns 13 and 16: …"); what it quotes from the file is cut to :data:`QUOTE_MAX`
    characters and control characters are escaped. An :class:`OSError` is "cannot read: …".
    The parser's "buffer maximal size" (a :class:`MemoryError`) names the line of the token
    that does not fit in :data:`TOKEN_MAX`: the parser's buffer holds the last
    :data:`TOKEN_MAX` bytes of the ``read`` it had been given, from that token's line on
    (``fmt`` ``"JSON_LD"``: :data:`JSON_TOKEN_MAX`, no line). Any other :class:`MemoryError`
    is returned as it is.

    >>> e = SyntaxError("Parser error at line 3 between columns 13 and 16: A dot is expected")
    >>> e.lineno = 3
    >>> str(parse_error("bad.ttl", e))
    'bad.ttl:3: between columns 13 and 16: A dot is expected'
    >>> str(parse_error("gone.ttl", FileNotFoundError(2, "No such file or directory")))
    'gone.ttl: cannot read: No such file or directory'
    """
    path = str(path)
    if isinstance(error, SyntaxError):
        message = str(error.msg if getattr(error, "msg", None) else error)
        line, message = _position(message, error.lineno)
        return ParseError(path, line, _quoted_short(message))
    if isinstance(error, MemoryError):
        if "buffer maximal size" not in str(error):
            return error
        fix = "(a limit of the parser, not of kg): shorten or leave out that value"
        if fmt == "JSON_LD":
            return ParseError(path, None, f"a single JSON string is longer than {JSON_TOKEN_MAX >> 20} MiB, the "
                                          f"most Oxigraph's JSON-LD parser holds {fix}")
        line = _line_at(path, max(0, read - TOKEN_MAX)) if read is not None else None
        return ParseError(path, line, f"a single token (an IRI, a literal or a name) does not fit in the "
                                      f"{TOKEN_MAX >> 20} MiB of a line that Oxigraph's parser holds {fix}")
    if isinstance(error, OSError):
        return ParseError(path, None, f"cannot read: {error.strerror or error}")
    return ParseError(path, None, _quoted_short(str(error)))


def _position(message: str, line: int | None) -> tuple[int | None, str]:
    """``FILE:LINE`` and the rest from Oxigraph's "Parser error at line 3 between columns 5
    and 9: what": ``(3, "between columns 5 and 9: what")``, the parser's words kept."""
    head, sep, tail = message.partition(": ")
    if not (sep and head.startswith("Parser error")):
        return line, message
    where = head.removeprefix("Parser error").strip()
    at = re.match(r"at line (\d+)\s*", where)
    if at:
        line = line or int(at.group(1))
        where = where[at.end() :]
    return line, f"{where}: {tail}" if where else tail


_QUOTED = re.compile(r"'[^']*'|`[^`]*`", re.DOTALL)


def _quoted_short(message: str) -> str:
    r"""``message`` with what it quotes cut to :data:`QUOTE_MAX` characters, cut itself to
    :data:`MESSAGE_MAX`, on one line with control characters escaped.

    >>> _quoted_short("Unexpected text event: 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin'")
    "Unexpected text event: 'root:x:0:0:root:/root:/bin/bash\\ndaemon:x…'"
    """
    def cut(m: re.Match) -> str:
        text = m.group()
        return text if len(text) <= QUOTE_MAX + 2 else text[: QUOTE_MAX + 1] + "…" + text[-1]

    message = _QUOTED.sub(cut, message)
    if len(message) > MESSAGE_MAX:
        message = message[:MESSAGE_MAX] + "…"
    return _shown(message, quote=False)


def _shown(text: str, *, quote: bool = True) -> str:
    """``text`` from a file as an error shows it: on one line, control characters escaped;
    with ``quote``, also cut to :data:`QUOTE_MAX` characters and in quotes."""
    if quote:
        text = repr(text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX] + "…")
    return visible(text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t"))


def _line_at(path: str, offset: int) -> int | None:
    """The line of the byte at ``offset`` in the file at ``path`` (None if it cannot be read)."""
    try:
        with open(path, "rb") as file:
            newlines, left = 0, offset
            while left > 0 and (block := file.read(min(left, 1 << 20))):
                newlines += block.count(b"\n")
                left -= len(block)
    except OSError:
        return None
    return newlines + 1
