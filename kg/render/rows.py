"""Analysis results as rows for the CLI's tables."""

from __future__ import annotations


from kg.render.table import Iri
from kg.vocab.namespaces import compact


# --- supply-network analytics (issue 3) ---


def _share_text(rel: dict) -> str:
    """A relation's share as stated: a number, or "unknown" with the source's own words."""
    if rel.get("share") is not None:
        return f"{rel['share']:g}"
    return f"unknown ({rel['share_wording']})" if rel.get("share_wording") else "unknown"


def _volume_text(rel: dict) -> str:
    if rel.get("volume_wording"):
        return rel["volume_wording"]
    if rel.get("volume") is not None:
        unit = compact(rel["volume_unit"]) if rel.get("volume_unit") else ""
        return f"{rel['volume']:g} {unit}".strip()
    return "unknown"


def tier_rows(result) -> list[dict]:
    rows = []
    for e in result.entries:
        path = e.path_labels
        if result.direction == "upstream":
            path.reverse()
        for rel in e.last_step.relations or [{}]:
            rows.append({
                "tier": e.tier,
                "name": e.label,
                "kind": e.kind,
                "product": rel.get("product_label") or "unknown",
                "share": _share_text(rel),
                "volume": _volume_text(rel),
                "inferred": "yes" if rel.get("inferred") else "no",
                "path": " → ".join(path) + (" (self-loop)" if e.iri == result.firm else ""),
                "quote": rel.get("quote") or "",
                "source": rel.get("source") or "",
                "iri": Iri(e.iri),
            })
    return rows


TIER_COLUMNS = ["tier", "name", "kind", "product", "share", "volume", "inferred", "path", "quote", "source", "iri"]


def firms_text(G, iri: str) -> str:
    data = G.nodes[iri]
    if data.get("kind") == "cohort" and data.get("member_count") is None:
        return "unknown"
    return str(data.get("weight", 1))


def capacity_text(value) -> str:
    return "unknown" if value is None else f"{value:g}"


CARD_COLUMNS = ["section", "name", "product", "value", "volume", "detail", "source", "iri"]


def card_rows(card: dict, *, all_notes: bool = True) -> list[dict]:
    """A dependency card (kg.report.dependency_card) as rows, one section after another."""
    rows = []

    def add(section, name="", product="", value="", volume="", detail="", source="", iri=None):
        rows.append({"section": section, "name": name, "product": product, "value": value, "volume": volume,
                     "detail": detail, "source": source, "iri": Iri(iri) if iri else ""})

    e = card["esri"]
    add("firm", card["label"], detail=f"{card['kind']}; {', '.join(card['clusters']) or 'no cluster'}", iri=card["firm"])
    add("esri", card["label"], value=e["value"],
        detail=f"rank {e['rank']} of {e['of']}; its own output {e['own']:g}; {e['rounds']} rounds", iri=card["firm"])
    for side in ("suppliers", "customers"):
        for link in card[side]:
            add(side[:-1], link["label"], link["product_label"] or "unknown", _share_text(link), _volume_text(link),
                ("(inferred) " if link["inferred"] else "") + (link["quote"] or ""), link["source"] or "", link["firm"])
    for d in card["dominators"]:
        add("dominator", d["label"], detail="its failure alone cuts this firm off", iri=d["firm"])
    for d in card["dominated"]:
        add("dominates", d["label"], detail="cut off if this firm fails", iri=d["firm"])
    for s in card["sole_supplier_of"]:
        add("sole supplier of", s["label"], s["input"], iri=s["customer"])
    for a in e["affected"]:
        add("hit", a["label"], value=a["loss"], detail="share of its output lost if this firm fails", iri=a["firm"])
    for c in card["concentration"]:
        shares = "; ".join(f"{s['label']} {s['share']:g}" + ("" if s["stated"] else " (not stated)") for s in c["suppliers"])
        flags = ", sole supplier" if c["sole_supplier"] else ""
        add("input", c["input_label"], "essential" if c["essential"] else "non-essential", value=c["hhi"],
            detail=f"HHI {c['hhi']:g}, {c['effective_suppliers']:g} effective suppliers{flags}: {shares}")
    notes = e["assumptions"]
    for note in notes if all_notes else notes[:CARD_ASSUMPTIONS]:
        add("assumption", detail=note)
    if not all_notes and len(notes) > CARD_ASSUMPTIONS:
        add("assumption", detail=f"… and {len(notes) - CARD_ASSUMPTIONS:,} more (--format csv or json lists them all)")
    return rows


CARD_ASSUMPTIONS = 20
"""Assumption notes a dependency card shows as a table; csv, tsv and json have them all.
The cascade of a hub can rely on one note per firm it hits (123k at 100k firms)."""
