"""Rows as a table, CSV, TSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence

from kg.rdf.query import Lexical
from kg.vocab.namespaces import Iri, compact

__all__ = ["FORMATS", "Iri", "Lexical", "render"]


FORMATS = ("table", "csv", "tsv", "json")


TABLE_CELL_WIDTH = 70


# ------------------------------------------------------------------ output


def _cell(value, fmt: str):
    """A value as it should appear: compact IRIs in text formats, JSON-native values in json.

    >>> _cell(Iri("https://w3id.org/cluster-kg/id/weiqiao-group"), "table")
    'ckr:weiqiao-group'
    >>> _cell(Lexical("0.50", 0.5), "table"), _cell(Lexical("0.50", 0.5), "json")
    ('0.50', 0.5)
    """
    if value is None:
        return None if fmt == "json" else ""
    if type(value) is str:  # the common case (a card can have 100k+ cells)
        return value
    if isinstance(value, Iri):
        return str(value) if fmt == "json" else compact(str(value))
    if isinstance(value, Lexical):  # a literal of a query result: its text, or its JSON value
        return value.json if fmt == "json" else str(value)
    if fmt != "json" and isinstance(value, float):
        return f"{value:.6g}"
    if fmt != "json" and isinstance(value, (list, tuple)):
        return "; ".join(str(_cell(v, fmt)) for v in value)
    return value


def render(rows: list[dict], fmt: str, columns: Sequence[str]) -> str:
    """Rows as text in ``fmt`` (table, csv, tsv or json).

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
    text = [[_shorten(str(c)) for c in row] for row in cells]
    widths = [max([_width(col)] + [_width(row[i]) for row in text]) for i, col in enumerate(columns)]
    lines = [_pad_row(columns, widths), _pad_row(["-" * w for w in widths], widths)]
    lines += [_pad_row(row, widths) for row in text]
    return "".join(line.rstrip() + "\n" for line in lines) if columns else "(no rows)\n"


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths))
