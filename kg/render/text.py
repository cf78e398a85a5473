"""Wording of numbers, money, units and shares, one wording per fact."""

from __future__ import annotations

from kg.utils.text import format_number
from kg.vocab.namespaces import local_name

TITLE = "Who depends on whom"


MODEL_NOTE = (
    "Systemic risk is the Economic Systemic Risk Index (ESRI) of Diem, Borsos, Reisch, Kertész and Thurner "
    "(Scientific Reports 12:7719, 2022): the share of the network's production lost when a firm fails, its own "
    "included, after the shock spreads downstream (a customer loses output in proportion to the lost share of an "
    "input, and an essential input caps output) and upstream (a supplier loses the sales to failed customers). "
    "Inputs are grouped by product concept; essential inputs come from the value-chain scheme. Production is "
    "counted in firms (a cohort by its member count)."
)


SINGLE_POINT_NOTE = (
    "A firm dominates another when every supply path to it runs through the firm: if the firm fails, the other "
    "loses all its named supply."
)


# ------------------------------------------------------------------ rendering


def pct(x: float) -> str:
    """A fraction as a percentage.

    >>> pct(0.155556), pct(0.0)
    ('15.6 %', '0.0 %')
    """
    return f"{100 * x:.1f} %"


def share_text(d: dict) -> str:
    if d.get("share") is not None:
        return f"{d['share']:g} (stated)"
    text = "unknown"
    if d.get("share_wording"):
        text += f" (“{d['share_wording']}”)"
    if d.get("assumed_share") is not None:
        text += f"; {d['assumed_share']:g} assumed"
    return text


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


def format_money(v) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if abs(x) >= 1e9:
        return f"{x / 1e9:,.4g} billion yuan"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.4g} million yuan"
    return f"{format_number(x)} yuan"


def format_unit(unit) -> str:
    if not unit:
        return ""
    name = local_name(str(unit))
    return {"TONNE-PER-YR": "t/yr", "TONNE": "t", "CCY_CNY": "yuan", "PERCENT": "%"}.get(name, name)
