"""Numbers as people write them, read into a normalised value, a unit IRI and a bound.

A spreadsheet cell or a phrase (``1.2 million tons``, ``12万吨``, ``30.4亿元``, ``more than 60``)
becomes an :class:`Amount`: the value with every multiplier applied (billion = 10^9, 亿 = 10^8,
万 = 10^4, "10 thousand" = 10^4), a unit from data/README.md rule 4 as a full IRI, the bound
(``"exact"``, ``"at least"``, ``"at most"``, ``"about"``) and the words as given.

>>> parse_amount("1.2 million tons a year")  # doctest: +NORMALIZE_WHITESPACE
Amount(value=1200000.0, unit='http://qudt.org/vocab/unit/TONNE-PER-YR', bound='exact',
       wording='1.2 million tons a year')
>>> parse_amount("12万吨", kind="capacity").value, parse_amount("12万吨", kind="capacity").unit
(120000.0, 'http://qudt.org/vocab/unit/TONNE-PER-YR')
>>> a = parse_amount("约30.4亿元")
>>> a.value, a.unit, a.bound
(3040000000.0, 'http://qudt.org/vocab/unit/CCY_CNY', 'about')
>>> parse_amount("60多家")  # doctest: +NORMALIZE_WHITESPACE
Amount(value=60.0, unit='https://w3id.org/cluster-kg/unit/COUNT', bound='at least',
       wording='60多家')
>>> parse_amount("30.4", unit="亿元").value
3040000000.0
>>> parse_amount("several 10 billion yuan").value, parse_amount("several 10 billion yuan").bound
(20000000000.0, 'at least')
>>> parse_amount("12 bananas")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.ingest.numbers.AmountError: '12 bananas': unknown unit 'bananas' (known: t, tons, t/yr, ...)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from kg.errors import KGError
from kg.vocab.namespaces import CKGU_NS, UNIT_NS

__all__ = ["Amount", "AmountError", "parse_amount"]

TONNE, TONNE_PER_YR = UNIT_NS + "TONNE", UNIT_NS + "TONNE-PER-YR"
CNY, M2, PERCENT = UNIT_NS + "CCY_CNY", UNIT_NS + "M2", UNIT_NS + "PERCENT"
M2_PER_YR, COUNT = CKGU_NS + "M2-PER-YR", CKGU_NS + "COUNT"
PIECE_PER_YR, SET_PER_YR = CKGU_NS + "PIECE-PER-YR", CKGU_NS + "SET-PER-YR"
PAIR_PER_YR = CKGU_NS + "PAIR-PER-YR"
CNY_PER_TONNE = CKGU_NS + "CNY-PER-TONNE"


class AmountError(KGError, ValueError):
    """A text that is not an amount; ``str()`` is ``'TEXT': what is wrong`` (the importer adds the
    file, sheet, row and column)."""


@dataclass(frozen=True)
class Amount:
    """A normalised number: ``value`` with every multiplier applied, ``unit`` a unit IRI (or None
    when neither the text nor the caller names one), ``bound`` one of ``"exact"``, ``"at least"``,
    ``"at most"``, ``"about"``, and ``wording`` the text as given, stripped."""

    value: float
    unit: str | None
    bound: str
    wording: str


# Bound words, longest first where one contains another (不超过 before 超过 before 超).
_BOUNDS = {
    "at most": ("no more than", "not more than", "up to", "at most", "less than", "fewer than",
                "under", "不超过", "及以下", "不到", "不足", "以下", "以内", "最多"),
    "at least": ("more than", "over", "exceeding", "at least", "in excess of", "upwards of",
                 "不少于", "不低于", "及以上", "以上", "超过", "超", "逾", "多", "余", "至少", "+"),
    "about": ("about", "nearly", "around", "approximately", "approx.", "almost", "roughly",
              "close to", "some", "大约", "约", "将近", "接近", "近", "左右"),
}
_BOUND_OF = {w: b for b, words in _BOUNDS.items() for w in words}


def _alternation(words) -> str:
    parts = [re.escape(w) + (r"\b" if w[-1].isalpha() and w.isascii() else "") for w in words]
    starts = (w[0].isalpha() and w.isascii() for w in words)
    return "|".join(rf"\b{p}" if start else p for p, start in zip(parts, starts))


_BOUND_RE = re.compile(_alternation(sorted(_BOUND_OF, key=len, reverse=True)))
_SEVERAL_RE = re.compile(r"\bseveral\b|\ba few\b|几(?=[十百千万亿])|数(?=[十百千万亿])")
_NUMBER_RE = re.compile(r"(?<![\d.a-z])(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)"
                        r"(?:\.\d+)?(?!\d)|\.\d+")
_WORD_NUMBER_RE = re.compile(r"\b(?:(?:a|an|one)\s+)?dozen\b"
                             r"|\b(?:a|an|one)\b(?=\s+(?:hundred|thousand|million|billion|trillion)\b)"
                             r"|[一二两三四五六七八九](?=[十百千万亿])")
_WORD_VALUES = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                "九": 9}

_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "mn": 10**6, "mln": 10**6,
           "billion": 10**9, "bn": 10**9, "trillion": 10**12,
           "十": 10, "百": 100, "千": 10**3, "万": 10**4, "亿": 10**8}
_SCALE_RE = re.compile(r"\s*(?:(hundred|thousand|million|billion|trillion|mn|mln|bn)\b"
                       r"|([十百千万亿]))")

# Prefixes allowed before the number: currency signs and "annual output" words.
_PREFIXES = {"¥": CNY, "rmb": CNY, "cny": CNY, "人民币": CNY, "百分之": PERCENT,
             "年产": "per-year", "年产能": "per-year", "annual": "per-year", "annually": "per-year"}

_YEAR_RE = re.compile(r"\s*(?:/\s*(?:yr|year|a|annum|年)|(?:per|a|an|each)\s+(?:year|annum)"
                      r"|p\.?\s?a\.?|annually|每年)$")

# Unit words (lowercase, NFKC) -> (stock unit, per-year unit); None where the vocabulary has none.
_UNITS: dict[str, tuple[str | None, str | None]] = {}
for _words, _pair in (
    ("t|ton|tons|tonne|tonnes|metric ton|metric tons|metric tonnes|吨", (TONNE, TONNE_PER_YR)),
    ("m2|sqm|sq m|sq. m|square meter|square meters|square metre|square metres|平方米|平米",
     (M2, M2_PER_YR)),
    ("piece|pieces|pcs|pc|件|只|条", (None, PIECE_PER_YR)),
    ("set|sets|unit|units|套|台|台套", (None, SET_PER_YR)),
    ("pair|pairs|双|对", (None, PAIR_PER_YR)),
    ("yuan|rmb|cny|rmb yuan|yuan rmb|元|人民币|人民币元", (CNY, None)),
    ("%|percent|per cent|pct", (PERCENT, None)),
    ("家|户|个|家企业|户企业|个企业|enterprise|enterprises|firm|firms|company|companies",
     (COUNT, None)),
):
    for _w in _words.split("|"):
        _UNITS[_w] = _pair
for _w in ("元/吨", "yuan/t", "yuan/ton", "yuan/tonne", "yuan per ton", "yuan per tonne"):
    _UNITS[_w] = (CNY_PER_TONNE, None)
_UNITS["tpa"] = (TONNE_PER_YR, TONNE_PER_YR)
_KNOWN = ("t, tons, t/yr, 吨, 吨/年, yuan, RMB, 元, m2, square meters, 平方米, %, pieces, sets, "
          "pairs, 件, 套, 双, 家, enterprises, firms, 元/吨")

# kind (the ontology property the amount is for) -> default unit when none is named.
_KINDS: dict[str, str | None] = {
    "capacity": None, "output": None, "volume": None, "floorArea": M2, "outputValue": CNY,
    "investment": CNY, "outputValueIncrease": CNY, "enterpriseCount": COUNT,
    "marketShare": PERCENT, "rdIntensity": PERCENT, "digitalisationRate": PERCENT,
    "addedValuePerTonne": CNY_PER_TONNE, "costSavingPerTonne": CNY_PER_TONNE,
}


def parse_amount(text: str, *, unit: str | None = None, kind: str | None = None) -> Amount:
    """Read ``text`` (a cell or phrase such as ``"about 3 million square meters"``) as an Amount.

    ``unit`` is the unit of a separate column (``"t/yr"``, ``"亿元"``). When the text names no
    unit of its own the column's unit and multiplier apply (``"30.4"`` with ``"亿元"`` is
    3.04e9 yuan); when it does, the text's own multiplier stands and the column's unit must agree
    (a column ``"t/yr"`` turns the text's tonnes into tonnes per year). ``kind`` is the ontology
    property the amount is for (``"capacity"``, ``"enterpriseCount"``, …): ``"capacity"`` makes
    tonnes, square metres, pieces, sets and pairs per year; other kinds give a default unit.

    Raises :class:`AmountError` for a text with no number, two numbers (ranges), an unknown unit,
    a bound that contradicts another, or a unit that the kind cannot take.

    >>> a = parse_amount("about 3 million square meters")
    >>> a.value, a.unit, a.bound
    (3000000.0, 'http://qudt.org/vocab/unit/M2', 'about')
    >>> parse_amount("１,２００,０００ t/yr").value
    1200000.0
    >>> parse_amount("more than 60", kind="enterpriseCount").unit
    'https://w3id.org/cluster-kg/unit/COUNT'
    >>> parse_amount("lots")
    Traceback (most recent call last):
    ...
    kg.ingest.numbers.AmountError: 'lots': no number
    """
    wording = text.strip()
    if kind is not None and kind not in _KINDS:
        raise AmountError(f"{wording!r}: unknown kind {kind!r} (known: {', '.join(_KINDS)})")
    s = " ".join(unicodedata.normalize("NFKC", wording).lower().split())
    bounds, several = set(), False

    def take_bound(m: re.Match) -> str:
        bounds.add(_BOUND_OF[m.group(0)])
        return " "

    def take_several(m: re.Match) -> str:
        nonlocal several
        several = True
        return " "

    s = _SEVERAL_RE.sub(take_several, s)
    s = _BOUND_RE.sub(take_bound, s)
    if several:
        bounds.add("at least")
    if len(bounds) > 1:
        raise AmountError(f"{wording!r}: contradicting bounds ({' and '.join(sorted(bounds))})")
    numbers = list(_NUMBER_RE.finditer(s)) or list(_WORD_NUMBER_RE.finditer(s))
    if len(numbers) > 1:
        raise AmountError(f"{wording!r}: more than one number (give one figure, not a range)")
    if numbers:
        m = numbers[0]
        number = _word_value(m.group(0))
        before, after = s[: m.start()].strip(), s[m.end():]
    elif several:
        number, before, after = Decimal(1), "", s
    else:
        raise AmountError(f"{wording!r}: no number")
    if several:
        number *= 2
    prefix_unit = _PREFIXES.get(before.rstrip(" :")) if before else None
    if before and prefix_unit is None:
        raise AmountError(f"{wording!r}: unexpected {before!r} before the number")
    scale, rest = _scale(after)
    value = number * scale
    stock, per_year, per_year_said = _unit(wording, rest)
    if prefix_unit == "per-year":
        per_year_said = True
    elif prefix_unit is not None:
        if stock is not None and stock != prefix_unit:
            raise AmountError(f"{wording!r}: {before!r} and {rest.strip()!r} disagree")
        stock = prefix_unit
    if unit is not None:
        col = " ".join(unicodedata.normalize("NFKC", unit).lower().split())
        col_scale, col_rest = _scale(col)
        col_stock, col_per_year, col_said = _unit(unit, col_rest)
        if stock is None and per_year is None:
            value *= col_scale
            stock, per_year = col_stock, col_per_year
        elif (stock, per_year) != (col_stock, col_per_year) and col_rest.strip():
            raise AmountError(f"{wording!r}: unit {rest.strip()!r} disagrees with "
                              f"column unit {unit!r}")
        per_year_said = per_year_said or col_said
    iri = _choose(wording, stock, per_year, per_year_said or kind == "capacity", kind)
    if value <= 0:
        raise AmountError(f"{wording!r}: not a positive amount")
    return Amount(float(value), iri, bounds.pop() if bounds else "exact", wording)


def _word_value(token: str) -> Decimal:
    if token[0].isdigit() or token[0] == ".":
        return Decimal(token.replace(",", "").replace(" ", ""))
    if "dozen" in token:
        return Decimal(12)
    return Decimal(_WORD_VALUES.get(token, 1))


def _scale(rest: str) -> tuple[Decimal, str]:
    """Take the multipliers off the front of ``rest``: ``" million tons"`` -> (10^6, " tons")."""
    scale = Decimal(1)
    while m := _SCALE_RE.match(rest):
        scale *= _SCALES[m.group(1) or m.group(2)]
        rest = rest[m.end():]
    return scale, re.sub(r"^\s*of\b", "", rest)


def _unit(wording: str, rest: str) -> tuple[str | None, str | None, bool]:
    """The unit words after the number -> (stock unit, per-year unit, whether a rate was said)."""
    words = rest.strip()
    said = False
    if (m := _YEAR_RE.search(words)) and words[: m.start()].strip():
        said, words = True, words[: m.start()].strip()
    if not words:
        return None, None, said
    words = re.sub(r"\s*/\s*", "/", words)
    if words not in _UNITS:
        raise AmountError(f"{wording!r}: unknown unit {words!r} (known: {_KNOWN})")
    stock, per_year = _UNITS[words]
    return stock, per_year, said


def _choose(wording, stock, per_year, yearly: bool, kind) -> str | None:
    if stock is None and per_year is None:
        return _KINDS.get(kind) if kind else None
    if yearly:
        if per_year is None:
            name = stock.rsplit("/", 1)[-1]
            raise AmountError(f"{wording!r}: the vocabulary has no per-year unit for {name}")
        return per_year
    if stock is None:  # pieces, sets, pairs: counted only per year
        raise AmountError(f"{wording!r}: pieces, sets and pairs are counted per year "
                          "(say '/年' or 'a year', or pass kind='capacity')")
    return stock
