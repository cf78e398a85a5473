"""Analysis results as rows for the CLI's tables."""

from __future__ import annotations

from kg.network.model import node_label
from kg.render.table import Iri, Percent
from kg.render.text import PATH_DOMINATOR, SOLE_DOMINATOR, pct, quantity, share_text, volume_text
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
    loaded = summary.get("files")
    if loaded is not None:
        for f in loaded["files"]:
            rows.append({"section": "file", "item": f["name"],
                         "value": f"{f['triples']:,} triples, sha256 {f['sha256'][:12]}, loaded {f['loaded_at']}"})
        if loaded["unrecorded"]:
            rows.append({"section": "file", "item": "(unrecorded)",
                         "value": "data loaded before kg kept records of files (not removable by name)"})
    rows.append({"section": "graph", "item": "triples", "value": summary["triples"]})
    v = summary["validation"]
    rows.append({"section": "graph", "item": "validates", "value": "yes" if v["conforms"] else f"no ({v['violations']} violations; run kg validate)"})
    return rows


def find_rows(found) -> list[dict]:
    """`kg find`'s rows from (match, cluster label) pairs, best first; ``via`` names the label's
    property (prefLabel, altLabel, or hiddenLabel: a name the articles do not print)."""
    return [
        {"rank": i, "name": m.label, "kind": m.kind, "cluster": cluster, "matched": m.matched, "via": m.via,
         "score": m.score, "iri": m.iri}
        for i, (m, cluster) in enumerate(found, 1)
    ]


VIOLATION_COLUMNS = ["file", "line", "severity", "focus", "label", "path", "value", "message", "shape"]


def violation_lines(paths, violations) -> str:
    """`kg validate`'s table: ``FILE:LINE: severity: node (label): message`` lines and a count.
    One line per violation, never wrapped, so that editors and grep read them as compilers' lines.

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


_share_text = share_text  # the one wording of a share (kg.render.text); tier rows call it by this name
_volume_text = volume_text  # the one wording of a volume (kg.render.text)


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
    """A capacity in tonnes a year, or "not stated".

    >>> capacity_text(250000.0), capacity_text(None)
    ('250,000 t/yr', 'not stated')
    """
    return "not stated" if value is None else quantity(value, "t/yr")


def centrality_columns(measure: str) -> list[str]:
    return ["rank", "name", "kind", measure, "suppliers", "customers", "scope", "method", "iri"]


def centrality_rows(result) -> list[dict]:
    """A :class:`kg.analysis.centrality.Centrality` as rows; the score column is named by the
    measure, ``scope`` names the network the score is relative to (the whole loaded network, or one cluster)."""
    return [
        {"rank": r.rank, "name": r.label, "kind": r.kind, result.measure: r.value, "suppliers": r.in_degree,
         "customers": r.out_degree, "scope": result.scope, "method": result.method, "iri": Iri(r.iri)}
        for r in result.rows
    ]


WHATIF_COLUMNS = ["round", "name", "kind", "effect", "supply lost", "capacity", "firms", "note", "iri"]
"""`kg whatif` rows: ``capacity`` as stated (t/yr) or "not stated"; ``firms`` a cohort's members;
``note`` how the firm is counted (inside a failed cohort, overlapping cohorts once, failed with
its group)."""


def whatif_rows(G, result) -> list[dict]:
    """A :class:`kg.analysis.whatif.WhatIf` on network ``G`` as rows, round by round, then the
    total, each firm counted once (``result.included``, ``result.overlapping``)."""
    rows = []
    def label(iri) -> str:
        return result.labels.get(iri) or node_label(G, iri)

    includes: dict[str, list[str]] = {}
    for v, c in result.included.items():
        includes.setdefault(c, []).append(v)
    overlaps = {v: [o for o in group if o != v] for group in result.overlapping for v in group}
    unsized = {n for n, d in G.nodes(data=True) if d.get("kind") == "cohort" and d.get("member_count") is None}

    def note(iri) -> str:
        parts = []
        if iri in result.subsidiaries:
            parts.append(f"fails with its group {label(result.subsidiaries[iri])}")
        if iri in result.included:
            parts.append(f"counted inside {label(result.included[iri])}")
        if iri in includes:
            parts.append("includes " + "; ".join(sorted(label(v) for v in includes[iri])))
        if iri in overlaps:
            parts.append("overlaps " + "; ".join(label(o) for o in overlaps[iri]) + ": counted once")
        return "; ".join(parts)

    def row(rnd, iri, effect, lost):
        rows.append({"round": rnd, "name": node_label(G, iri), "kind": G.nodes[iri]["kind"], "effect": effect,
                     "supply lost": lost, "capacity": capacity_text(G.nodes[iri].get("capacity")),
                     "firms": "not stated" if iri in unsized else firms_text(G, iri),
                     "note": note(iri), "iri": Iri(iri)})

    def by_label(iris):
        return sorted(iris, key=lambda iri: (node_label(G, iri).casefold(), iri))

    for iri in by_label(result.removed):
        row(0, iri, "removed", "")
    for i, rnd in enumerate(result.rounds, start=1):
        for iri in by_label(rnd):
            row(i, iri, "cut off", "all")
    for iri in by_label(result.closed_loops):
        row("loop", iri, "cut off", "all")
    for hit in sorted(result.partial, key=lambda h: (h.label.casefold(), h.iri)):
        basis = "stated shares" if hit.basis == "share" else f"{len(hit.lost)} of {hit.suppliers} suppliers"
        row("", hit.iri, "partial", f"{pct(hit.lost_fraction)} ({basis})")
    unknown = len(result.capacity_unknown)
    capacity = capacity_text(result.lost_capacity)
    if unknown and result.lost_capacity is not None:
        capacity += f" + {unknown} not stated"
    firms_total = f"{result.lost_weight}{'+' if result.lower_bound else ''}"
    total_note = []
    if result.included or result.overlapping:
        total_note.append("each firm counted once")
    if result.unsized_cohorts:
        n = sum(1 for v in result.unsized_cohorts if v not in result.included)
        if n:
            total_note.append(f"{n} cohort{'s' if n > 1 else ''} of unstated size counted as at least 1")
    if result.overlapping:
        total_note.append("overlapping cohorts as their largest")
    rows.append({"round": "", "name": "total lost", "kind": "", "effect": "", "supply lost": "",
                 "capacity": capacity, "firms": firms_total, "note": "; ".join(total_note), "iri": ""})
    return rows


RISK_COLUMNS = ["rank", "name", "kind", "esri", "other bound", "own", "affected", "dominates",
                "sole supplier of", "iri"]


def risk_rows(ranking) -> list[dict]:
    """A ranking by systemic risk (:class:`kg.services.ranking.Ranking`) as rows.

    ``esri``: the index under the selected bound (a percentage in a table, the fraction in
    CSV/JSON); ``other bound``: under the other bound ("named" beside "stated" and back);
    ``own``: the firm's own share of the network's output (part of ``esri``); ``affected``:
    how many other nodes lose output (a count); ``dominates``: the nodes every stated supply
    path to which runs through the firm."""
    G, tree, sole = ranking.network, ranking.tree, ranking.sole
    return [
        {
            "rank": r.rank,
            "name": r.label,
            "kind": r.kind,
            "esri": Percent(r.esri, 2),
            "other bound": Percent(r.esri_high if r.bound == "stated" else r.esri_low, 2),
            "own": Percent(r.own, 2),
            "affected": len(r.affected),
            "dominates": "; ".join(node_label(G, d) for d in tree.dominated(r.firm)),
            "sole supplier of": "; ".join(sole.get(r.firm, [])),
            "iri": Iri(r.firm),
        }
        for r in ranking.results
    ]


GAPS_COLUMNS = ["order", "stage", "verdict", "depth", "sources", "candidates elsewhere"]
"""`kg gaps` as a table; csv, tsv and json add :data:`GAPS_DETAIL` (every candidate, the quotes in full)."""

GAPS_DETAIL = ["all candidates", "firms", "projects", "statements", "quotes"]

GAPS_CANDIDATES = 3
"""Candidates a `kg gaps` row names; "all candidates" (csv, tsv, json) has every one."""


def gaps_rows(result) -> list[dict]:
    """A cluster's value-chain coverage (:class:`kg.analysis.gaps.Gaps`) as rows, one per stage:
    the verdict (covered, stated, coming, not stated), its depth, sources and candidates."""
    def amounts(found, prefix=""):
        return [prefix + ("" if a.bound == "exact" else a.bound + " ") + quantity(a.value, a.unit) for a in found]

    def where(x):
        return ", ".join(getattr(x, "places", ()) or getattr(x, "clusters", ()) or ["place not stated"])

    rows = []
    for s in result.stages:
        makers = [p for p, _ in s.producers]
        firms = [p.label + ("" if p.places or not p.headquarters else
                            f" (headquarters {', '.join(p.headquarters)}; production place not stated)")
                 for p in makers if p.kind != "cohort"]
        cohorts = [f"{p.label} ({p.members}+ firms)" if p.members else p.label for p in makers if p.kind == "cohort"]
        projects = [(p, "in operation") for p, _ in s.operating] + [(p, p.status) for p, _ in s.coming]
        projects += [(p, "status not stated") for p, _ in s.unknown_status]
        depth = ([f"{len(firms)} firm(s): " + "; ".join(firms)] if firms else []) + (
            [f"{len(cohorts)} cohort(s): " + "; ".join(cohorts)] if cohorts else [])
        depth += amounts(s.capacity, "capacity ")
        for status in dict.fromkeys(st for _, st in projects):
            group = [p for p, st in projects if st == status]
            years = sorted({p.year for p in group if p.year})
            caps = [a for p in group for a in p.capacities]
            inferred = sum(p.status_inferred for p in group)
            depth.append(f"{len(group)} project(s) {status if status == 'in operation' else 'coming, ' + status}"
                         + (f" ({', '.join(years)})" if years else "")
                         + (f" ({inferred} of them by inference: a rule, not a source, says so)" if inferred else "")
                         + (": " + "; ".join(amounts(caps)) if caps and status != "in operation" else ""))
        depth += [f"{len(s.statements)} statement(s) on the whole chain"] if s.statements else []
        depth += amounts(s.totals, "stated for the whole cluster: ")
        candidates = [f"{c.label} ({'; '.join(c.where)}" + (f"; {c.status}" if c.status else "")
                      + (f", {c.year}" if c.year else "") + ")" for c in s.candidates]
        rows.append({
            "order": s.order if s.order is not None else "",
            "stage": s.label,
            "verdict": s.verdict,
            "depth": "; ".join(depth) or "nothing stated",
            "sources": list(dict.fromkeys(src.title for src in s.sources)),
            "candidates elsewhere": candidates[:GAPS_CANDIDATES] + (
                [f"… and {len(candidates) - GAPS_CANDIDATES:,} more"] if len(candidates) > GAPS_CANDIDATES else []),
            "all candidates": candidates,
            "firms": [p.label for p in makers],
            "projects": [f"{p.label} ({st}{', ' + p.year if p.year else ''}; {where(p)})" for p, st in projects],
            "statements": [st.note or st.about for st in s.statements],
            "quotes": [f"{src.title}: “{src.quote}”" for src in s.sources],
        })
    return rows


CARD_COLUMNS = ["section", "name", "product", "share", "volume", "esri", "loss", "detail", "quote", "source", "iri"]
"""A dependency card's rows: ``share`` and ``volume`` of a supplier or customer link as the
sources state them; ``esri`` the firm's ESRI and ``loss`` the share of an affected firm's
output lost (fractions in csv/json, percentages in text)."""


def card_rows(card: dict, *, all_notes: bool = True) -> list[dict]:
    """A dependency card (kg.services.card.dependency_card) as rows, one section after another.

    A dominator is called the firm's single point of failure only when every link on the
    way states exclusive supply (``card["exclusive_dominators"]``).
    """
    rows = []

    def add(section, name="", product="", share="", volume="", esri=None, loss=None, detail="", quote="",
            source="", iri=None):
        rows.append({"section": section, "name": name, "product": product, "share": share, "volume": volume,
                     "esri": esri, "loss": loss, "detail": detail, "quote": quote, "source": source,
                     "iri": Iri(iri) if iri else ""})

    e = card["esri"]
    add("firm", card["label"], detail=f"{card['kind']}; {', '.join(card['clusters']) or 'no cluster'}", iri=card["firm"])
    for remark in card.get("remarks", ()):
        add("as of", detail=remark)
    if "note" in e:  # a cohort, or a node outside the ranked network
        add("esri", card["label"], detail=f"not ranked: {e['note']} ({e['scope']})", iri=card["firm"])
    else:
        add("esri", card["label"], esri=Percent(e["value"], 2), detail=esri_detail(e), iri=card["firm"])
    for side in ("suppliers", "customers"):
        for link in card[side]:
            kind = link.get("kind") or "supplies"
            detail = "; ".join(x for x in ("inferred" if link["inferred"] else "",
                                           "" if kind == "supplies" else f"stated as “{kind}”, not as supply") if x)
            add(side[:-1], link["label"], link["product_label"] or "not stated", share_text(link), volume_text(link),
                detail=detail, quote=link["quote"] or "", source=link["source"] or "", iri=link["firm"])
    exclusive = set(card.get("exclusive_dominators", ()))
    for d in card["dominators"]:
        add("dominator", d["label"], detail=SOLE_DOMINATOR if d["firm"] in exclusive else PATH_DOMINATOR,
            iri=d["firm"])
    for d in card["dominated"]:
        add("dominates", d["label"], detail="every stated supply path to it runs through this firm", iri=d["firm"])
    for s in card["sole_supplier_of"]:
        add("sole supplier of", s["label"], s["input"], iri=s["customer"])
    for a in e.get("affected", ()):
        add("affected", a["label"], loss=Percent(a["loss"]), detail="share of its output lost if this firm fails",
            iri=a["firm"])
    for c in card["concentration"]:
        shares = "; ".join(f"{s['label']} {pct(s['share'])}" + ("" if s["stated"] else " (assumed; not stated)")
                           for s in c["suppliers"])
        flags = ", sole supplier" if c["sole_supplier"] else ""
        add("input", c["input_label"], "essential" if c["essential"] else "non-essential",
            detail=f"HHI {c['hhi']:g}, {c['effective_suppliers']:g} effective suppliers{flags}: {shares}")
    notes = list(dict.fromkeys(e.get("assumptions", ())))  # each once
    for note in notes if all_notes else notes[:CARD_ASSUMPTIONS]:
        add("assumption", detail=note)
    if not all_notes and len(notes) > CARD_ASSUMPTIONS:
        add("assumption", detail=f"… and {len(notes) - CARD_ASSUMPTIONS:,} more (--format csv or json lists them all)")
    return rows


def esri_detail(e: dict) -> str:
    """What a card says about its firm's ESRI: rank, network, bound, own output, rounds.

    >>> esri_detail({"rank": 4, "of": 11, "own": 0.002469, "rounds": 2})
    'rank 4 of 11 in the whole loaded network; its own output 0.25 %; 2 rounds'
    >>> esri_detail({"rank": 1, "of": 3, "own": 0.5, "rounds": 1, "scope": "cluster Binzhou", "bound": "stated",
    ...              "low": 0.1, "high": 0.25})
    'rank 1 of 3 in cluster Binzhou; stated bound (stated 10.00 %, named 25.00 %); its own output 50.00 %; 1 rounds'
    """
    text = f"rank {e['rank']} of {e['of']} in {e.get('scope') or 'the whole loaded network'}"
    if e.get("bound"):
        text += f"; {e['bound']} bound"
        if e.get("low") is not None and e.get("high") is not None:
            text += f" (stated {pct(e['low'], 2)}, named {pct(e['high'], 2)})"
    return text + f"; its own output {pct(e['own'], 2)}; {e['rounds']} rounds"


CARD_ASSUMPTIONS = 20
"""Assumption notes a dependency card shows as a table; csv, tsv and json have them all.
The cascade of a hub can rely on one note per firm it hits (123k at 100k firms)."""
