"""Rows as a card: sections with headings, each row a short record, wrapped to a width.

`kg depends` and `kg whatif` print their rows this way in the table format (csv, tsv and json
keep the rows). A record is its name (and IRI), then the short fields as ``column: value``,
then the long text (detail, the quote in full, the source) on lines of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kg.render.table import cell_text, hanging

NAME = "name"
"""The column a record starts with."""

LONG = ("detail", "quote", "source")
"""Columns written on lines of their own, in this order (the quote in quotation marks)."""

HIDDEN = ("section", "iri")
"""Columns not written as fields (the section is the heading, the IRI follows the name)."""

DEPENDS_HEADINGS = {
    "firm": "Firm",
    "as of": "As of",
    "esri": "Systemic risk (ESRI)",
    "supplier": "Suppliers",
    "customer": "Customers",
    "dominator": "Dominators",
    "dominates": "Firms it dominates",
    "sole supplier of": "Sole supplier of",
    "affected": "Hit hardest if it fails",
    "input": "Its inputs: concentration of suppliers",
    "assumption": "Assumptions",
}
"""The sections of a dependency card (kg.render.rows.card_rows), in order, with their headings."""

DEPENDS_INLINE = ("esri", "as of")
"""Sections of a dependency card written as one paragraph (the firm's own figures)."""

DEPENDS_SINGLE = ("firm", "esri", "as of")
"""Sections of a dependency card that hold one row (no count in the heading)."""

DEPENDS_ABSENT = {"supplier": "none stated", "customer": "none stated", "dominator": "none"}
"""What a dependency card says for these sections when they have no row."""


def card_text(rows: Sequence[dict], width: int, *, key: Callable[[dict], str] | None = None,
              headings: dict[str, str] | None = None, absent: dict[str, str] | None = None,
              hidden: Sequence[str] = HIDDEN, inline: Sequence[str] = (), single: Sequence[str] = ()) -> str:
    """Rows as sections: the rows with the same ``key`` (default: their ``section``) under one
    heading (``headings`` names them, in that order first; others follow as they come), each
    row a record; a section of ``absent`` without rows says so in one line. The rows of an
    ``inline`` section are one paragraph each, without their name; a ``single`` section (one
    row) has no count.

    >>> rows = [{"section": "supplier", "name": "Alpha", "share": "40.0 % (stated)", "detail": "",
    ...          "quote": "Alpha supplies Beta with all its alumina.", "source": "001.txt"},
    ...         {"section": "assumption", "name": "", "detail": "output weights: firm count"}]
    >>> print(card_text(rows, 32, headings={"supplier": "Suppliers", "customer": "Customers"},
    ...                 absent={"customer": "none stated"}), end="")
    Suppliers (1)
      Alpha
        share: 40.0 % (stated)
        “Alpha supplies Beta with
        all its alumina.”
        source: 001.txt
    <BLANKLINE>
    Customers: none stated
    <BLANKLINE>
    assumption (1)
      - output weights: firm count
    """
    key = key or (lambda row: row.get("section", ""))
    headings = headings or {}
    groups: dict[str, list[dict]] = {k: [] for k in headings}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    blocks = []
    for section, members in groups.items():
        title = headings.get(section, section)
        if not members:
            if absent and section in absent:
                blocks.append(hanging(f"{title}: {absent[section]}", width, "", "  "))
            continue
        lines = hanging(title if section in single else f"{title} ({len(members)})", width, "", "  ")
        for row in members:
            lines += record_lines({**row, NAME: ""}, width, hidden, "  ") if section in inline else \
                record_lines(row, width, hidden)
        blocks.append(lines)
    return "\n\n".join("\n".join(line.rstrip() for line in block) for block in blocks) + "\n"


def record_lines(row: dict, width: int, hidden: Sequence[str] = HIDDEN, bullet: str = "  - ") -> list[str]:
    """One row of a card: ``  name (iri)``, then ``    column: value; …``, then the long texts;
    a row with no name is one paragraph ``  - field: value; …; text`` (``bullet`` first).

    >>> record_lines({"name": "", "detail": "a long note about the weights"}, 20)
    ['  - a long note', '    about the', '    weights']
    """
    text = {c: cell_text(v) for c, v in row.items()}
    name = text.get(NAME, "")
    fields = [f"{c}: {v}" for c, v in text.items() if v and c not in (NAME, *LONG, *hidden)]
    if not name:
        body = "; ".join([*fields, *(text[c] for c in LONG if text.get(c))])
        return hanging(body, width, bullet, "    ")
    iri = text.get("iri", "")
    lines = hanging(name + (f" ({iri})" if iri and "iri" in hidden else ""), width, "  ")
    if fields:
        lines += hanging("; ".join(fields), width, "    ")
    for c in LONG:
        if text.get(c):
            value = f"“{text[c]}”" if c == "quote" else (f"source: {text[c]}" if c == "source" else text[c])
            lines += hanging(value, width, "    ")
    return lines


WHATIF_HIDDEN = (*HIDDEN, "round", "effect")
"""Columns of `kg whatif` rows its card does not repeat (the heading says them)."""

WHATIF_SECTIONS = {"removed": "Failed", "cut off": "Cut off", "loop": "Cut off inside a closed loop",
                   "partial": "Loses part of its supply", "total": "Total lost"}


def whatif_key(row: dict) -> str:
    """The section of a `kg whatif` row (kg.render.rows.whatif_rows): its effect and round.

    >>> whatif_key({"round": 0, "effect": "removed"}), whatif_key({"round": 2, "effect": "cut off"})
    ('Failed', 'Cut off in round 2')
    >>> whatif_key({"round": "", "effect": "", "name": "total lost"})
    'Total lost'
    """
    effect, rnd = str(row.get("effect") or ""), row.get("round")
    if row.get("name") == "total lost" or not effect:
        return WHATIF_SECTIONS["total"]
    if rnd == "loop":
        return WHATIF_SECTIONS["loop"]
    if effect == "cut off" and rnd not in ("", None):
        return f"Cut off in round {rnd}"
    return WHATIF_SECTIONS.get(effect, effect)


def depends_text(rows: Sequence[dict], width: int) -> str:
    """A dependency card's rows (kg.render.rows.card_rows) as `kg depends` prints them."""
    return card_text(rows, width, headings=DEPENDS_HEADINGS, absent=DEPENDS_ABSENT, inline=DEPENDS_INLINE,
                     single=DEPENDS_SINGLE)


def whatif_text(rows: Sequence[dict], width: int) -> str:
    """`kg whatif`'s rows (kg.render.rows.whatif_rows) as a card: who fails, who is cut off
    round by round, who loses part, and the total."""
    total = WHATIF_SECTIONS["total"]
    return card_text(rows, width, key=whatif_key, hidden=WHATIF_HIDDEN, inline=[total], single=[total])
