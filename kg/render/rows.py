"""Analysis results as rows for the CLI's tables."""

from __future__ import annotations

from kg.network.model import node_label
from kg.render.table import Iri
from kg.vocab.namespaces import compact

# --- foundation (issue 2) ---


INFO_COLUMNS = ["section", "item", "value"]


def info_rows(summary: dict) -> list[dict]:
    """A graph summary (:func:`kg.services.info.graph_info`) as rows."""
    rows = [{"section": "class", "item": k, "value": v} for k, v in summary["classes"].items()]
    rows.append({"section": "links", "item": "supply relations", "value": summary["supply_relations"]})
    rows.append({"section": "links", "item": "suppliesTo shortcuts", "value": summary["supplies_to"]})
    rows.append({"section": "links", "item": "inferred supply relations", "value": summary["inferred_supply_relations"]})
    for s in summary["sources"]:
        rows.append({"section": "source", "item": s["identifier"], "value": s["title"]})
    rows.append({"section": "graph", "item": "triples", "value": summary["triples"]})
    v = summary["validation"]
    rows.append({"section": "graph", "item": "validates", "value": "yes" if v["conforms"] else f"no ({v['violations']} violations; run kg validate)"})
    return rows


def find_rows(found) -> list[dict]:
    """`kg find`'s rows from (match, cluster label) pairs, best first."""
    return [
        {"rank": i, "name": m.label, "kind": m.kind, "cluster": cluster, "matched": m.matched,
         "score": m.score, "iri": m.iri}
        for i, (m, cluster) in enumerate(found, 1)
    ]


VIOLATION_COLUMNS = ["file", "line", "severity", "focus", "label", "path", "value", "message", "shape"]


def violation_lines(paths, violations) -> str:
    """`kg validate`'s table: ``FILE:LINE: severity: node (label): message`` lines and a count.

    >>> print(violation_lines(["a.ttl"], []), end="")
    1 file(s), 0 violation(s), 0 warning(s)
    """
    lines = []
    for v in violations:
        where = f"{v.file}:{v.line}" if v.line else (v.file or "(graph)")
        label = f" ({v.label})" if v.label else ""
        lines.append(f"{where}: {v.severity.lower()}: {compact(v.focus)}{label}: {v.message}\n")
    errors = sum(v.severity == "Violation" for v in violations)
    lines.append(f"{len(paths)} file(s), {errors} violation(s), {len(violations) - errors} warning(s)\n")
    return "".join(lines)


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


def centrality_columns(measure: str) -> list[str]:
    return ["rank", "name", "kind", measure, "suppliers", "customers", "method", "iri"]


def centrality_rows(result) -> list[dict]:
    """A :class:`kg.analysis.centrality.Centrality` as rows; the score column is named by the measure."""
    return [
        {"rank": r.rank, "name": r.label, "kind": r.kind, result.measure: r.value, "suppliers": r.in_degree,
         "customers": r.out_degree, "method": result.method, "iri": Iri(r.iri)}
        for r in result.rows
    ]


WHATIF_COLUMNS = ["round", "name", "kind", "effect", "supply lost", "capacity", "firms", "iri"]


def whatif_rows(G, result) -> list[dict]:
    """A :class:`kg.analysis.whatif.WhatIf` on network ``G`` as rows, round by round, then the total."""
    rows = []

    def row(rnd, iri, effect, lost, capacity):
        rows.append({"round": rnd, "name": node_label(G, iri), "kind": G.nodes[iri]["kind"], "effect": effect,
                     "supply lost": lost, "capacity": capacity, "firms": firms_text(G, iri), "iri": Iri(iri)})

    def by_label(iris):
        return sorted(iris, key=lambda iri: (node_label(G, iri).casefold(), iri))

    for iri in by_label(result.removed):
        row(0, iri, "removed", "", capacity_text(G.nodes[iri]["capacity"]))
    for i, rnd in enumerate(result.rounds, start=1):
        for iri in by_label(rnd):
            row(i, iri, "cut off", "all", capacity_text(G.nodes[iri]["capacity"]))
    for iri in by_label(result.closed_loops):
        row("loop", iri, "cut off", "all", capacity_text(G.nodes[iri]["capacity"]))
    for hit in sorted(result.partial, key=lambda h: (h.label.casefold(), h.iri)):
        basis = "stated shares" if hit.basis == "share" else f"{len(hit.lost)} of {hit.suppliers} suppliers"
        row("", hit.iri, "partial", f"{hit.lost_fraction:.0%} ({basis})", capacity_text(G.nodes[hit.iri]["capacity"]))
    unknown = len(result.capacity_unknown)
    capacity = capacity_text(result.lost_capacity)
    if unknown and result.lost_capacity is not None:
        capacity += f" + {unknown} unknown"
    firms_total = str(result.lost_weight)
    if result.unsized_cohorts:
        n = len(result.unsized_cohorts)
        firms_total += f"+ ({n} cohort{'s' if n > 1 else ''} of unknown size counted as 1)"
    rows.append({"round": "", "name": "total lost", "kind": "", "effect": "", "supply lost": "",
                 "capacity": capacity, "firms": firms_total, "iri": ""})
    return rows


RISK_COLUMNS = ["rank", "name", "kind", "esri", "own", "dominates", "dominated weight", "sole supplier of",
                "hit", "method", "iri"]


def risk_rows(ranking) -> list[dict]:
    """A ranking by systemic risk (:class:`kg.services.ranking.Ranking`) as rows."""
    G, tree, sole, exact = ranking.network, ranking.tree, ranking.sole, ranking.exact
    return [
        {
            "rank": r.rank,
            "name": r.label,
            "kind": r.kind,
            "esri": round(r.esri, 6),
            "own": round(r.own, 6),
            "dominates": "; ".join(node_label(G, d) for d in tree.dominated(r.firm)),
            "dominated weight": tree.weight.get(r.firm, 0),
            "sole supplier of": "; ".join(sole.get(r.firm, [])),
            "hit": len(r.affected),
            "method": "exact" if exact else "pruned",
            "iri": Iri(r.firm),
        }
        for r in ranking.results
    ]


GAPS_COLUMNS = ["order", "stage", "status", "firms", "products", "candidates elsewhere"]


def gaps_rows(result) -> list[dict]:
    """A cluster's value-chain coverage (:class:`kg.analysis.gaps.Gaps`) as rows, one per stage."""
    rows = []
    for s in result.stages:
        status = "covered" if s.covered else "missing"
        if s.order is None or s.order < 1:
            status += " (supporting)"
        rows.append({
            "order": s.order if s.order is not None else "",
            "stage": s.label,
            "status": status,
            "firms": "; ".join(s.firm_labels),
            "products": "; ".join(s.product_labels),
            "candidates elsewhere": "; ".join(c.label for c in s.candidates),
        })
    return rows


CARD_COLUMNS = ["section", "name", "product", "value", "volume", "detail", "source", "iri"]


def card_rows(card: dict, *, all_notes: bool = True) -> list[dict]:
    """A dependency card (kg.services.card.dependency_card) as rows, one section after another."""
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
