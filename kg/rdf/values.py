"""Terms of query answers as values to show: an IRI, ``_:id`` for a blank node, a literal's text
with the value JSON output gives it (:class:`Lexical`).

Answers of the query child (:mod:`kg.rdf.sandbox`) arrive as encoded terms and become values
at once (:func:`plain_value`); rdflib terms (remote answers, tests) go through :func:`plain`.
"""

from __future__ import annotations

from decimal import Decimal

from kg.vocab.namespaces import Iri

class Lexical(str):
    """A literal of a query result: its lexical form, and the value JSON output gives it
    (a number or boolean as such, a decimal as a float, anything else as the text)."""

    json: object

    def __new__(cls, text: str, json_value: object):
        self = super().__new__(cls, text)
        self.json = json_value
        return self


def plain(term):
    """A term of a query result as a value to show: :class:`~kg.vocab.namespaces.Iri` for an
    IRI, ``_:id`` for a blank node, :class:`Lexical` for a literal; None stays None.

    >>> from rdflib import BNode, Literal, URIRef
    >>> [plain(t) for t in (URIRef("http://e/a"), BNode("b1"), None)]
    ['http://e/a', '_:b1', None]
    >>> x = plain(Literal("0.5", datatype="http://www.w3.org/2001/XMLSchema#double"))
    >>> str(x), x.json
    ('0.5', 0.5)
    >>> [plain(Literal(v, datatype="http://www.w3.org/2001/XMLSchema#decimal")).json for v in ("2000000", "0.25")]
    [2000000, 0.25]
    """
    from rdflib import (  # rdflib is loaded already: the term is one
        BNode,
        Literal,
        URIRef,
    )

    if isinstance(term, URIRef):
        return Iri(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        py = term.toPython()
        if isinstance(py, (bool, int, float)):
            value = py
        elif isinstance(py, Decimal):  # xsd:decimal: a JSON number (Decimal has no is_integer before 3.13)
            value = int(py) if py == py.to_integral_value() else float(py)
        else:
            value = str(term)
        return Lexical(str(term), value)
    return term


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + n for n in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
                                "unsignedShort", "unsignedByte")}
_FLOATS = {_XSD + "double", _XSD + "float"}


def plain_value(value):
    """:func:`plain` of a term encoded by :func:`kg.rdf.sandbox.encode`, without rdflib.

    >>> [plain_value(v) for v in (["u", "http://e/a"], ["b", "b1"], None)]
    ['http://e/a', '_:b1', None]
    >>> [plain_value(["l", t, _XSD + d]).json for t, d in (("2", "integer"), ("0.5", "decimal"), ("1E3", "double"))]
    [2, 0.5, 1000.0]
    """
    if value is None:
        return None
    tag, text = value[0], value[1]
    if tag == "u":
        return Iri(text)
    if tag == "b":
        return f"_:{text}"
    if tag == "l":
        datatype = value[2]
        try:
            if datatype in _INTEGERS:
                return Lexical(text, int(text))
            if datatype == _XSD + "decimal":
                number = Decimal(text)
                return Lexical(text, int(number) if number == number.to_integral_value() else float(number))
            if datatype in _FLOATS:
                return Lexical(text, float(text))
            if datatype == _XSD + "boolean" and text in ("true", "false", "1", "0"):
                return Lexical(text, text in ("true", "1"))
        except (ValueError, ArithmeticError):  # an ill-typed literal shows as written
            pass
    return Lexical(text, text)


def decode_term(value):
    """The rdflib term of a term encoded by :func:`kg.rdf.sandbox.encode` (None stays None).

    >>> decode_term(["l", "2", "http://www.w3.org/2001/XMLSchema#integer"]).toPython()
    2
    >>> decode_term(["t", "chat", "fr"]).n3(), decode_term(["u", "http://e/a"]).n3()
    ('"chat"@fr', '<http://e/a>')
    """
    from rdflib import BNode, Literal, URIRef

    if value is None:
        return None
    tag = value[0]
    if tag == "u":
        return URIRef(value[1])
    if tag == "b":
        return BNode(value[1])
    if tag == "t":
        return Literal(value[1], lang=value[2])
    if tag == "l":
        return Literal(value[1], datatype=URIRef(value[2]))
    return Literal(value[1])  # a quoted triple, as its N-Triples text
