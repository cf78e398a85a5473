"""The quotes a report cites: numbered in the order first cited, each printed once, with the
titles of the articles they come from; quotes inside a text replaced by their numbers.

>>> from kg.rdf.graph import open_graph
>>> book = QuoteBook.from_graph(open_graph())
>>> n = book.cite("For the more than 60 aluminum related enterprises derived later, the raw material supply at the front end of the industrial chain is basically from Weiqiao venture group")
>>> n, book.quotes()[0]["sources"]
(1, ['The hottest aluminum metropolis seeks to change. T'])
"""

from __future__ import annotations

import re
from collections import defaultdict

from kg.network.model import QUOTE_SEPARATOR
from kg.rdf.graph import select
from kg.vocab.namespaces import last_segment


class QuoteBook:
    """Quotes numbered in the order first cited (1, 2, …), each with its articles' titles.

    >>> book = QuoteBook({"q": ["http://e/a"]}, {"http://e/a": "A title"}, {})
    >>> book.cite("q"), book.cite("q"), book.cite("unsourced")
    (1, 1, 2)
    >>> book.quotes()
    [{'n': 1, 'quote': 'q', 'sources': ['A title']}, {'n': 2, 'quote': 'unsourced', 'sources': []}]
    """

    def __init__(self, articles_of: dict[str, list[str]], titles: dict[str, str], evidence: dict[str, str]):
        self.articles_of = articles_of  # quote -> article IRIs
        self.titles = titles  # article IRI -> title
        self.evidence = evidence  # evidence IRI -> quote
        self.numbers: dict[str, int] = {}
        self.cited: list[str] = []  # quotes in the order of their numbers

    @classmethod
    def from_graph(cls, graph) -> QuoteBook:
        articles_of: dict[str, set[str]] = defaultdict(set)
        evidence: dict[str, str] = {}
        for ev, quote, article in select(graph, _EVIDENCE):
            evidence[ev] = quote
            if article:
                articles_of[quote].add(article)
        return cls({q: sorted(a) for q, a in articles_of.items()}, article_titles(graph), evidence)

    def cite(self, quote: str) -> int:
        if quote not in self.numbers:
            self.numbers[quote] = len(self.numbers) + 1
            self.cited.append(quote)
        return self.numbers[quote]

    def articles_of_number(self, n: int) -> list[str]:
        """The article IRIs of the quote numbered ``n``."""
        return self.articles_of.get(self.cited[n - 1], [])

    def cite_joined(self, quotes) -> list[int]:
        """Numbers of ``quotes``, each possibly several quotes joined by the network's separator."""
        out = []
        for text in quotes:
            parts = [text] if text in self.articles_of else text.split(QUOTE_SEPARATOR)
            out += [self.cite(p) for p in parts if p]
        return list(dict.fromkeys(out))

    def cite_evidence(self, evidence) -> list[int]:
        return list(dict.fromkeys(self.cite(self.evidence[e]) for e in sorted(evidence) if e in self.evidence))

    def title(self, article: str) -> str:
        return self.titles.get(article) or last_segment(article)

    def quotes(self) -> list[dict]:
        return [
            {"n": n, "quote": q, "sources": [self.title(a) for a in self.articles_of.get(q, ())]}
            for q, n in sorted(self.numbers.items(), key=lambda kv: kv[1])
        ]


_EVIDENCE = """
SELECT ?ev ?quote ?article WHERE { ?ev prov:value ?quote . OPTIONAL { ?ev prov:hadPrimarySource ?article } }
"""


_TITLES = "SELECT ?a ?title WHERE { ?a a ckg:Article . OPTIONAL { ?a dcterms:title ?title } }"


def article_titles(graph) -> dict[str, str]:
    """Article IRI -> its title (the smallest, if several); the IRI's last segment if it has none."""
    titles: dict[str, set[str]] = defaultdict(set)
    for a, title in select(graph, _TITLES):
        titles[a].update([title] if title else [])
    return {a: min(t) if t else last_segment(a) for a, t in titles.items()}


_QUOTED = re.compile(r"“([^”]*)”")


def cite_in_text(text: str, book) -> str:
    """``text`` with each known quote in it (“…”, with the "Title: " before it, if any) replaced
    by its number in ``book``, so the quote is printed once, in the list of quotes.

    >>> book = QuoteBook({"It is short.": ["a"]}, {"a": "T: x"}, {})
    >>> cite_in_text("A weakness, “short” (not a stage). T: x: “It is short.” Other: “unknown”.", book)
    'A weakness, “short” (not a stage). [1] Other: “unknown”.'
    """
    pieces, last = [], 0
    for m in _QUOTED.finditer(text):
        quote = m.group(1)
        if quote not in book.articles_of:
            continue
        start = m.start()
        for article in book.articles_of[quote]:
            prefix = book.title(article) + ": "
            if text[last:start].endswith(prefix):
                start -= len(prefix)
                break
        pieces += [text[last:start], f"[{book.cite(quote)}]"]
        last = m.end()
    return "".join(pieces) + text[last:]


def bare_quote(text: str, book) -> str:
    """A quote without the "Title: “…”" wrapper a gaps row may give it (when the bare quote is known)."""
    _, sep, rest = text.partition(": “")
    if sep and rest.endswith("”") and rest[:-1] in book.articles_of:
        return rest[:-1]
    return text
