"""Rows as a table, CSV, TSV or JSON.

A table fits a width (the CLI passes the terminal's, else ``$COLUMNS``, else 120): columns
keep their natural width while the table fits; otherwise the widest columns (the free text)
share what the others leave, and their cells wrap at word boundaries onto more lines. Nothing
is cut. East-asian wide characters count two columns. CSV, TSV and JSON keep every text in
full and every number at full precision.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Sequence

from kg.rdf.values import Lexical
from kg.render.text import pct, quantity
from kg.vocab.namespaces import Iri, compact

__all__ = ["DEFAULT_WIDTH", "FORMATS", "cell_text", "Iri", "Lexical", "Percent", "Quantity", "hanging", "render", "wrap"]


FORMATS = ("table", "csv", "tsv", "json")


DEFAULT_WIDTH = 120
"""The width a table fits when no terminal says otherwise."""

GAP = "  "
"""Between two columns of a table."""

WORD_LIMIT = 30
"""A column is not made narrower than its longest word, up to this many characters, unless the
table cannot fit otherwise (then long words are broken)."""


class Percent(float):
    """A fraction shown as a percentage in a table (``Percent(0.155556, 2)`` -> ``15.56 %``),
    and as the fraction at full precision in CSV, TSV and JSON."""

    digits: int

    def __new__(cls, value: float, digits: int = 1):
        self = super().__new__(cls, value)
        self.digits = digits
        return self


class Quantity(float):
    """An amount with a unit: ``250,000 t/yr`` in a table, the bare number at full precision in
    CSV, TSV and JSON (the column's documentation names the unit)."""

    unit: str | None

    def __new__(cls, value: float, unit: str | None = None):
        self = super().__new__(cls, value)
        self.unit = unit
        return self


# ------------------------------------------------------------------ output


def _cell(value, fmt: str):
    """A value as it should appear: compact IRIs in text formats, JSON-native values in json.

    >>> _cell(Iri("https://w3id.org/cluster-kg/id/weiqiao-group"), "table")
    'ckr:weiqiao-group'
    >>> _cell(Lexical("0.50", 0.5), "csv"), _cell(Lexical("0.50", 0.5), "json"), _cell(Lexical("2000000", 2000000), "table")
    ('0.50', 0.5, '2,000,000')
    >>> _cell(Percent(0.155556, 2), "table"), _cell(Percent(0.155556, 2), "csv"), _cell(Percent(0.155556, 2), "json")
    ('15.56 %', '0.155556', 0.155556)
    >>> _cell(Quantity(250000, "t/yr"), "table"), _cell(Quantity(250000, "t/yr"), "csv"), _cell(1234.5, "table")
    ('250,000 t/yr', '250000', '1,234.5')
    """
    if value is None:
        return None if fmt == "json" else ""
    if type(value) is str:  # the common case (a card can have 100k+ cells)
        return value
    if isinstance(value, Iri):
        return str(value) if fmt == "json" else compact(str(value))
    if isinstance(value, Lexical):  # a literal of a query result: its text, or its JSON value
        if fmt == "json":
            return value.json
        number = value.json if fmt == "table" and type(value.json) in (int, float) else None
        return quantity(number) if number is not None else str(value)
    if isinstance(value, (Percent, Quantity)):
        if fmt == "json":
            return float(value)
        if fmt != "table":
            return _plain_number(float(value))
        return pct(value, value.digits) if isinstance(value, Percent) else quantity(float(value), value.unit)
    if isinstance(value, float):
        if fmt == "json":
            return value
        return quantity(value) if fmt == "table" else _plain_number(value)
    if fmt != "json" and isinstance(value, (list, tuple)):
        return "; ".join(str(_cell(v, fmt)) for v in value)
    return value


def cell_text(value) -> str:
    """A value as a table shows it (compact IRI, number with separators, percentage).

    >>> cell_text(None), cell_text(Percent(0.5)), cell_text(3)
    ('', '50.0 %', '3')
    """
    return " ".join(str(_cell(value, "table")).split())


def _plain_number(x: float) -> str:
    """A float at full precision, a whole one without ``.0``.

    >>> _plain_number(2000000.0), _plain_number(0.1 + 0.2)
    ('2000000', '0.30000000000000004')
    """
    return str(int(x)) if x.is_integer() and abs(x) < 1e16 else repr(x)


def render(rows: list[dict], fmt: str, columns: Sequence[str], *, width: int = DEFAULT_WIDTH) -> str:
    """Rows as text in ``fmt`` (table, csv, tsv or json); a table fits ``width`` columns.

    >>> print(render([{"a": 1, "b": "x"}], "table", ["a", "b"]), end="")
    a  b
    -  -
    1  x
    """
    cells = [[_cell(r.get(c), fmt) for c in columns] for r in rows]
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in cells], ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return buf.getvalue()
    if not columns:
        return "(no rows)\n"
    return table_text(list(columns), [[" ".join(str(c).split()) for c in row] for row in cells], width)


def table_text(header: list[str], rows: list[list[str]], width: int) -> str:
    """A table of text cells that fits ``width``: cells wrap within their column, and rows that
    take more than one line are set apart by a blank line.

    >>> print(table_text(["n", "quote"], [["1", "one two three four"], ["2", "five"]], 12), end="")
    n  quote
    -  ---------
    1  one two
       three
       four
    <BLANKLINE>
    2  five
    """
    widths = column_widths(header, rows, width)
    head = [wrap(h, w) for h, w in zip(header, widths)]
    body = [[wrap(c, w) for c, w in zip(row, widths)] for row in rows]
    tall = any(len(cell) > 1 for row in body for cell in row)
    lines = _lines(head, widths) + [_pad_row(["-" * w for w in widths], widths)]
    for i, row in enumerate(body):
        if tall and i:
            lines.append("")
        lines += _lines(row, widths)
    return "".join(line.rstrip() + "\n" for line in lines)


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Column widths for a table that fits ``width`` (with two spaces between columns).

    Each column wants its widest cell (or header). If that is too wide, the widest columns
    are cut down to one common width, as large as fits, but no column below its longest word
    (up to :data:`WORD_LIMIT`); if even that does not fit, words are broken (columns down to
    4); a table of too many columns for even that stays wider than ``width``.

    >>> column_widths(["a", "b"], [["xx", "yyyy"]], 80)
    [2, 4]
    >>> column_widths(["n", "text"], [["1", "aaaa bbbb cccc dddd"]], 12)
    [1, 9]
    """
    n = len(header)
    cells = [max([_longest_word(header[i])] + [_width(row[i]) for row in rows]) for i in range(n)]
    natural = [max(_width(h), c) for h, c in zip(header, cells)]
    room = width - len(GAP) * (n - 1)
    if sum(natural) <= room:
        return natural
    natural = cells  # a header may wrap too
    words = [min(nat, max([_longest_word(header[i])] + [_longest_word(row[i]) for row in rows]), WORD_LIMIT)
             for i, nat in enumerate(natural)]
    for floor in (words, [min(nat, 4) for nat in natural]):
        cap = _common_cap(natural, floor, room)
        if cap is not None:
            widths = [min(nat, max(cap, f)) for nat, f in zip(natural, floor)]
            spare = room - sum(widths)  # less than one more column each: to the widest first
            for i in sorted(range(n), key=lambda i: -natural[i]):
                if spare > 0 and widths[i] < natural[i]:
                    widths[i] += 1
                    spare -= 1
            return widths
    return [min(nat, 4) for nat in natural]


def _common_cap(natural: list[int], floor: list[int], room: int) -> int | None:
    """The largest cap c with sum(min(natural, max(c, floor))) <= room, or None."""
    def total(c: int) -> int:
        return sum(min(nat, max(c, f)) for nat, f in zip(natural, floor))

    lo, hi = 1, max(natural)
    if total(lo) > room:
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if total(mid) <= room:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _longest_word(text: str) -> int:
    return max((_width(p) for w in text.split() for p in _pieces(w)), default=0)


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` columns, broken at spaces, else after a hyphen,
    slash or underscore within a word; a piece longer than a line is broken where the line is
    full. East-asian wide characters count two columns.

    >>> wrap("the quick brown fox", 10)
    ['the quick', 'brown fox']
    >>> wrap("deep-processing enterprises", 12), wrap("ckr:cohort-binzhou", 12)
    (['deep-', 'processing', 'enterprises'], ['ckr:cohort-', 'binzhou'])
    >>> wrap("run `--bound named`", 10)
    ['run', '`--bound', 'named`']
    >>> wrap("abcdefghij", 4), wrap("", 5)
    (['abcd', 'efgh', 'ij'], [''])
    >>> wrap("魏桥创业集团 Weiqiao", 8)
    ['魏桥创业', '集团', 'Weiqiao']
    """
    if _width(text) <= width:
        return [text]
    width = max(width, 2)
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        for k, piece in enumerate(_pieces(word)):
            w = _width(piece)
            gap = 1 if line and k == 0 else 0
            if used + gap + w <= width:
                line, used = line + " " * gap + piece, used + gap + w
                continue
            if line:
                lines.append(line)
            while w > width:  # a piece longer than a line
                head, piece = _split_at(piece, width)
                lines.append(head)
                w = _width(piece)
            line, used = piece, w
    lines.append(line)
    return lines


_BREAK_AFTER = re.compile(r"(?<=\w[-/_])(?=\w)")  # inside a word: not "--bound"


def _pieces(word: str) -> list[str]:
    """A word cut after its hyphens, slashes and underscores (where a line may break)."""
    return _BREAK_AFTER.split(word) if ("-" in word or "/" in word or "_" in word) else [word]


def hanging(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """``text`` wrapped to ``width`` with ``first`` before its first line and ``rest`` (spaces
    as wide as ``first`` by default) before the others; spaces in ``text`` are normalised.

    >>> hanging("Note: one two three", 12, "- ")
    ['- Note: one', '  two three']
    """
    rest = " " * _width(first) if rest is None else rest
    lines = wrap(" ".join(text.split()), width - max(_width(first), _width(rest)))
    return [(first if i == 0 else rest) + line for i, line in enumerate(lines)]


def _split_at(word: str, width: int) -> tuple[str, str]:
    used = 0
    for i, ch in enumerate(word):
        used += _width(ch)
        if used > width:
            return word[: max(i, 1)], word[max(i, 1):]
    return word, ""


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(cells: list[list[str]], widths: Sequence[int]) -> list[str]:
    """The text lines of one row whose cells are already wrapped."""
    height = max((len(c) for c in cells), default=1)
    return [_pad_row([c[k] if k < len(c) else "" for c in cells], widths) for k in range(height)]


def _pad_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return GAP.join(c + " " * (w - _width(c)) for c, w in zip(cells, widths))
