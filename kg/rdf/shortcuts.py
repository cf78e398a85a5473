"""A streaming N-Triples scanner that derives the shortcuts while a bulk load runs."""

from __future__ import annotations

import re
from itertools import chain, repeat
from operator import itemgetter

import pyoxigraph as ox

_NOT_A_STATEMENT = re.compile(rb"\n(?=[ \t]*[#\n])")
"""A line break before a blank or comment-only line."""


class NTriplesLines:
    r"""Counts the statements of N-Triples text fed in blocks, and hands the lines of the
    triples :data:`~kg.rdf.derive.DERIVE_SHORTCUTS` reads to ``shortcuts`` (a :class:`Shortcuts`, or None).

    N-Triples has at most one statement a line, so the statements are the lines other
    than blank or comment-only ones: exact for a file that parses. A raw carriage
    return can only end a line, so each counts as a line feed (CRLF as a line and a
    blank line).

    >>> lines = NTriplesLines(None)
    >>> for block in [b"# head\n<a:s> <a:p> <a:o> .", b"\n\n  <a:s> <a:p> <a:q> . # note\r\n", b"<a:s> <a:p> <a:r> ."]:
    ...     lines.feed(block)
    >>> lines.close()
    >>> lines.statements
    3
    """

    def __init__(self, shortcuts: Shortcuts | None):
        self.statements = 0
        self._tail = b"\n"  # what is left of the last block, after the line break before it
        self._shortcuts = shortcuts

    def feed(self, block: bytes) -> None:
        if b"\r" in block:
            block = block.replace(b"\r", b"\n")
        text = self._tail + block
        end = text.rfind(b"\n") + 1
        if end > 1:
            self._whole_lines(text, end)
            self._tail = text[end - 1 :]
        else:
            self._tail = text

    def close(self) -> None:
        if len(self._tail) > 1:
            text, self._tail = self._tail + b"\n", b"\n"
            self._whole_lines(text, len(text))

    def _whole_lines(self, text: bytes, end: int) -> None:
        """Take the lines of ``text[1:end]``: ``text`` starts with a line break, ``end`` follows one."""
        shortcuts = self._shortcuts
        if shortcuts is not None and shortcuts.exact:
            blank = shortcuts.scan(text, end)
        else:
            blank = len(_NOT_A_STATEMENT.findall(text, 0, end))
        self.statements += text.count(b"\n", 1, end) - blank


_CKG = "https://w3id.org/cluster-kg/ontology#"


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


_IRI_TEXT = rb"(<[^<>\"{}|^`\\\x00-\x20]*+>)"


_CKG_TEXT = re.escape(_CKG.encode())


_LINE = re.compile(
    rb"\n(?:[ \t]*+(?=[#\n])|[ \t]*+" + _IRI_TEXT + rb"[ \t]++(?:<" + _CKG_TEXT
    + rb"(?:(supplier)|(customer)|(parentOrganization))>[ \t]++" + _IRI_TEXT
    + rb"|<" + re.escape(_RDF_TYPE.encode()) + rb">[ \t]++(<" + _CKG_TEXT + rb"SupplyRelation>))"
    rb"[ \t]*+\.[ \t]*+(?:#[^\n]*+)?(?=\n))"
)
"""After a line break: a blank or comment-only line (all groups empty), or the line of a
triple the rules read, its IRIs written without escapes. Groups: subject, ``supplier``,
``customer``, ``parentOrganization``, object, and ``<…#SupplyRelation>`` for a type.
Possessive quantifiers: a line that is none of these fails without backtracking."""


_NOTHING = (b"",) * 6


_UCHAR = re.compile(rb"\\[uU]")


_ESCAPED_IRI = re.compile(rb"<[^<>\"{}|^`\x00-\x20]*\\[uU]")


class Shortcuts:
    r"""The triples :data:`~kg.rdf.derive.DERIVE_SHORTCUTS` reads, gathered while the files of a new store
    load, and the derived triples they give (:meth:`take`).

    Deriving them from the store itself turns each solution's terms back into strings,
    a RocksDB lookup each: at 100k firms that costs as much CPU time as half the bulk
    load. Here each block of an N-Triples file is searched for the lines of those
    triples (:data:`_LINE`); if the IRIs of the rules occur in the block more often
    than in the lines found, some triple is written otherwise (a blank node, a literal,
    an escape, an IRI in a literal or a comment) and ``exact`` turns False. Lines with
    an escape in an IRI are parsed by Oxigraph, as the rules' IRIs may hide there.
    Files read into Python give their triples (:meth:`add_quad`); a Turtle or RDF/XML
    file that only Oxigraph reads turns ``exact`` False. Once it is False the store
    must derive the triples itself (:func:`~kg.rdf.derive.derive_in_store`). The work is done on whole
    blocks by the ``re`` module and C-level containers, not line by line in Python.

    >>> ckg, s = b"https://w3id.org/cluster-kg/ontology#", Shortcuts()
    >>> s.scan(b"\n<e:r> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <%sSupplyRelation> .\n"
    ...        b"# a comment\n"
    ...        b"<e:r> <%ssupplier> <e:a> .\n"
    ...        b"<e:r>\t<%scustomer> <e:b> . # ok\n" % (ckg, ckg, ckg), 999)  # blank or comment lines
    1
    >>> s.exact, s.take()
    (True, b'<e:a> <https://w3id.org/cluster-kg/ontology#suppliesTo> <e:b> .\n')
    >>> s.scan(b"\n_:r <%ssupplier> <e:a> .\n" % ckg, 999)
    0
    >>> s.exact
    False
    """

    TYPE, SUPPLY_RELATION = f"<{_RDF_TYPE}>".encode(), f"<{_CKG}SupplyRelation>".encode()
    SUPPLIER, CUSTOMER = f"<{_CKG}supplier>".encode(), f"<{_CKG}customer>".encode()
    PARENT = f"<{_CKG}parentOrganization>".encode()
    SUPPLIES_TO, SUBSIDIARY = f"<{_CKG}suppliesTo>".encode(), f"<{_CKG}subsidiary>".encode()
    NEEDLES = (SUPPLIER, CUSTOMER, PARENT, SUPPLY_RELATION)

    def __init__(self):
        self.exact = True
        self.taken = False
        self.relations: set[bytes] = set()  # subjects typed ckg:SupplyRelation
        self.suppliers: dict[bytes, bytes] = {}  # relation -> its (first) supplier
        self.customers: dict[bytes, bytes] = {}  # relation -> its (first) customer
        self.more: dict[tuple[bytes, bytes], set[bytes]] = {}  # (SUPPLIER or CUSTOMER, relation) -> the others
        self.parents: list[tuple[bytes, bytes]] = []  # (firm, parent)

    @classmethod
    def predicates(cls) -> set:
        """The predicates of the triples the rules read, as pyoxigraph terms."""
        return {ox.NamedNode(p[1:-1].decode()) for p in (cls.TYPE, cls.SUPPLIER, cls.CUSTOMER, cls.PARENT)}

    def add_quad(self, quad) -> None:
        """One parsed triple (a pyoxigraph quad)."""
        if not self.exact or not isinstance(quad.predicate, ox.NamedNode):
            return
        p = f"<{quad.predicate.value}>".encode()
        if p not in (self.TYPE, self.SUPPLIER, self.CUSTOMER, self.PARENT):
            return
        if p == self.TYPE and str(quad.object).encode() != self.SUPPLY_RELATION:
            return
        if not (isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode)):
            self.exact = False  # a blank node or a literal: let the store derive
            return
        s, o = str(quad.subject).encode(), str(quad.object).encode()
        if p == self.TYPE:
            self.relations.add(s)
        elif p == self.PARENT:
            self.parents.append((s, o))
        else:
            self._values(p, [(s, o)])

    def _values(self, kind: bytes, pairs: list) -> None:
        """Add (relation, supplier or customer) pairs; most relations have one of each."""
        first = self.suppliers if kind == self.SUPPLIER else self.customers
        block = dict(pairs)
        if len(block) == len(pairs) and first.keys().isdisjoint(block):
            first.update(block)
            return
        for r, v in pairs:
            if first.setdefault(r, v) != v:
                self.more.setdefault((kind, r), set()).add(v)

    def scan(self, text: bytes, end: int) -> int:
        """Take the triples the rules read from the lines of ``text[1:end]`` (N-Triples,
        line feeds only, ``text`` starting with one and ``end`` following one); return
        the number of blank and comment-only lines."""
        found = _LINE.findall(text, 0, end)
        blank = found.count(_NOTHING)
        if sum(text.count(needle, 1, end) for needle in self.NEEDLES) != len(found) - blank:
            self.exact = False
            return blank
        if blank:
            found = [f for f in found if f != _NOTHING]
        self.relations.update(map(itemgetter(0), filter(itemgetter(5), found)))
        self._values(self.SUPPLIER, list(map(itemgetter(0, 4), filter(itemgetter(1), found))))
        self._values(self.CUSTOMER, list(map(itemgetter(0, 4), filter(itemgetter(2), found))))
        self.parents.extend(map(itemgetter(0, 4), filter(itemgetter(3), found)))
        if text.find(b"\\", 1, end) >= 0 and _UCHAR.search(text, 1, end):
            self._escaped(text, end)
        return blank

    def _escaped(self, text: bytes, end: int) -> None:
        """Lines with an escape in something that may be an IRI: parsed by Oxigraph."""
        done = -1
        for m in _ESCAPED_IRI.finditer(text, 1, end):
            start = text.rfind(b"\n", 0, m.start()) + 1
            if start == done:
                continue
            done = start
            try:
                for quad in ox.parse(text[start : text.find(b"\n", start, end) + 1], format=ox.RdfFormat.N_TRIPLES):
                    self.add_quad(quad)
            except SyntaxError:
                self.exact = False  # the bulk loader reports the error, with its line
                return

    def take(self) -> bytes:
        """The derived triples as N-Triples, once (then b""); b"" too when not ``exact``."""
        if not self.exact or self.taken:
            return b""
        self.taken = True
        suppliers, customers = self.suppliers, self.customers
        both = list(self.relations & suppliers.keys() & customers.keys())
        out = [
            b"".join(chain.from_iterable(zip(
                map(suppliers.__getitem__, both), repeat(b" %s " % self.SUPPLIES_TO),
                map(customers.__getitem__, both), repeat(b" .\n"),
            ))),
            b"".join(chain.from_iterable(zip(
                map(itemgetter(1), self.parents), repeat(b" %s " % self.SUBSIDIARY),
                map(itemgetter(0), self.parents), repeat(b" .\n"),
            ))),
        ]  # fmt: skip
        for r in {r for _, r in self.more} & self.relations:  # relations with several suppliers or customers
            sources = {suppliers[r], *self.more.get((self.SUPPLIER, r), ())} if r in suppliers else set()
            targets = {customers[r], *self.more.get((self.CUSTOMER, r), ())} if r in customers else set()
            out.extend(b"%s %s %s .\n" % (s, self.SUPPLIES_TO, c) for s in sources for c in targets)
        return b"".join(out)
