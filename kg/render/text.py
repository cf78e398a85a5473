"""Wording of numbers, money, units and shares, one wording per fact.

Every table, card, report and view words a number through :func:`quantity` (thousands
separators and a unit: ``30,400,000,000 yuan``, ``500 t``, ``250,000 t/yr``), a fraction
through :func:`pct` (``15.6 %``; ESRI with two decimals, ``15.56 %``) and a share of a supply
relation through :func:`share_text`. CSV and JSON carry the plain numbers instead.
"""

from __future__ import annotations

from kg.network.model import stated_share
from kg.utils.text import format_number
from kg.vocab.namespaces import local_name

TITLE = "Who depends on whom"


MODEL_NOTE = (
    "Systemic risk is the Economic Systemic Risk Index (ESRI) of Diem, Borsos, Reisch, Kertész and Thurner "
    "(Scientific Reports 12:7719, 2022): the share of the network's output lost when a firm fails, its own "
    "included, after the shock spreads downstream (a customer loses output in proportion to the lost share of an "
    "input by value, and an essential input caps output) and upstream (a supplier loses the sales to failed "
    "customers). Inputs are grouped by product concept; essential, non-essential and irrelevant inputs come from "
    "the value-chain scheme. Two bounds: \"stated\" counts a link only for the share a source states; \"named\" "
    "takes the named partners as all of a firm's trade. Output is weighed in one unit per network (tonnes, else "
    "yuan, else a count), a figure per firm, the median where a firm states none; overlapping cohorts count once; "
    "cohorts are not ranked."
)


SINGLE_POINT_NOTE = (
    "A firm dominates another when every stated supply path to it runs through the firm. Only where every link on "
    "the way states exclusive supply does the other lose all its supply if the firm fails; otherwise whether it "
    "has other suppliers is not stated."
)


SOLE_DOMINATOR = "its failure alone cuts this firm off (every link on the way states exclusive supply)"
"""How a card words a dominator whose every link to the firm states exclusive supply."""

PATH_DOMINATOR = "every stated supply path runs through it; whether it has other suppliers is not stated"
"""How a card words a dominator whose links do not all state exclusive supply."""


# ------------------------------------------------------------------ numbers


UNITS = {"TONNE-PER-YR": "t/yr", "TONNE": "t", "CCY_CNY": "yuan", "PERCENT": "%", "TONNE-PER-YEAR": "t/yr",
         "M2": "m²", "M2-PER-YR": "m²/yr", "PIECE-PER-YR": "pieces/yr", "SET-PER-YR": "sets/yr",
         "PAIR-PER-YR": "pairs/yr", "COUNT": "", "CNY-PER-TONNE": "yuan/t"}
"""Short names of the QUDT units the data uses (local name -> unit shown)."""


def format_unit(unit) -> str:
    """A unit (IRI, ``unit:NAME`` or a name) as people write it.

    >>> format_unit("http://qudt.org/vocab/unit/TONNE"), format_unit("unit:CCY_CNY"), format_unit(None)
    ('t', 'yuan', '')
    >>> format_unit("yuan"), format_unit("t/yr"), format_unit("https://w3id.org/cluster-kg/unit/M2-PER-YR")
    ('yuan', 't/yr', 'm²/yr')
    """
    if not unit:
        return ""
    text = str(unit)
    name = local_name(text) if "://" in text else text.rsplit(":", 1)[-1]
    return UNITS.get(name, name)


def quantity(value, unit=None) -> str:
    """A number with thousands separators and its unit: THE wording of an amount.

    Whole numbers are written in full (``30,400,000,000``), others to six significant
    digits; a value that is not a number is returned as text.

    >>> quantity(30400000000, "CCY_CNY"), quantity(500, "http://qudt.org/vocab/unit/TONNE")
    ('30,400,000,000 yuan', '500 t')
    >>> quantity(250000.0, "unit:TONNE-PER-YR"), quantity(1234.5), quantity(0.004938)
    ('250,000 t/yr', '1,234.5', '0.004938')
    >>> quantity("about 60"), quantity(None)
    ('about 60', '')
    """
    if value is None:
        return ""
    return f"{format_number(value)} {format_unit(unit)}".strip()


def format_money(v) -> str:
    """An amount of yuan (:func:`quantity` with the unit yuan).

    >>> format_money(30400000000)
    '30,400,000,000 yuan'
    """
    return quantity(v, "yuan")


def pct(x: float, digits: int = 1) -> str:
    """A fraction as a percentage: one decimal (two for ESRI), a space, ``%``.

    >>> pct(0.155556), pct(0.0), pct(0.155556, 2), pct(1)
    ('15.6 %', '0.0 %', '15.56 %', '100.0 %')
    """
    return f"{100 * x:,.{digits}f} %"


# ------------------------------------------------------------------ shares


def share_text(d: dict) -> str:
    """A supply relation's share of the customer's input, as the sources state it: THE wording
    of a share (tables, cards and the report).

    ``d`` has ``share`` (a stated share, or None), and may have ``share_wording`` (the
    source's own words) and ``assumed_share`` (what an analysis assumed instead).

    >>> share_text({"share": 0.4})
    '40.0 % (stated)'
    >>> share_text({"share": 1.0, "share_wording": "all"})
    '100.0 % (stated: “all”)'
    >>> share_text({"share": None, "share_wording": "all"})  # a wording that states all of it
    '100.0 % (stated: “all”)'
    >>> share_text({"share": 1.0, "share_bound": "about", "share_wording": "basically"})
    'about 100.0 % (stated: “basically”)'
    >>> share_text({"share": None, "share_wording": "mostly"})
    'not stated (“mostly”)'
    >>> share_text({"share": None, "assumed_share": 0.5}), share_text({})
    ('not stated; 50.0 % assumed', 'not stated')
    """
    share = stated_share(d)
    if share is not None:
        wording, bound = d.get("share_wording"), d.get("share_bound")
        prefix = f"{bound} " if bound and bound != "exact" else ""
        return f"{prefix}{pct(share)} (stated" + (f": “{wording}”)" if wording else ")")
    text = "not stated"
    if d.get("share_wording"):
        text += f" (“{d['share_wording']}”)"
    if d.get("assumed_share") is not None:
        text += f"; {pct(d['assumed_share'])} assumed"
    return text


def volume_text(d: dict) -> str:
    """A supply relation's volume: the source's words, else the stated amount, else "not stated".

    >>> volume_text({"volume": 500, "volume_unit": "http://qudt.org/vocab/unit/TONNE"})
    '500 t'
    >>> volume_text({"volume_wording": "more than 2 million tons"}), volume_text({})
    ('more than 2 million tons', 'not stated')
    """
    if d.get("volume_wording"):
        return d["volume_wording"]
    if d.get("volume") is not None:
        return quantity(d["volume"], d.get("volume_unit"))
    return "not stated"


def dependency_flags(d: dict) -> str:
    flags = []
    if d["sole_supplier"]:
        flags.append("sole supplier")
    flags.append("essential input" if d["essential"] else "non-essential input")
    if d["inferred"]:
        flags.append("inferred" + (f": {d['rule']}" if d.get("rule") else ""))
    return ", ".join(flags)


def shorten(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"
