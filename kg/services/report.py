"""The "who depends on whom" report of every cluster, as one JSON-able dict (``kg report``).

:func:`build_report` gathers, for every industrial cluster, the key supply
dependencies with their quotes, the firms with the highest systemic risk
(:mod:`kg.analysis.esri`), the single points of failure (:mod:`kg.analysis.dominance`),
the value-chain gaps (:mod:`kg.analysis.gaps`) and the source articles, as one JSON-able
dict. :func:`~kg.render.report_md.render_markdown` and
:func:`~kg.render.report_html.render_html` turn it into text; the HTML is one
self-contained file (inline style, no script, no external link, so it reads offline).
:func:`~kg.render.report.write_report` picks the format from the file name.

A cluster's network is its members and the firms they trade with directly
(:func:`~kg.network.model.neighbourhood`), so a member's named customers elsewhere count.
Shares and volumes the sources do not state are shown as unknown; where the
risk model needs a number it splits evenly, and each risk lists what it assumed.

>>> from kg.rdf.graph import open_graph
>>> from kg.render.report_html import render_html
>>> report = build_report(open_graph())
>>> sorted(report["clusters"][0])  # doctest: +NORMALIZE_WHITESPACE
['gaps', 'iri', 'key_dependencies', 'label', 'members', 'single_points_of_failure', 'sources', 'top_risks']
>>> render_html(report).startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

from kg.analysis.concentration import concentration
from kg.analysis.dominance import dominator_tree, single_points_of_failure
from kg.analysis.esri.ranking import esri
from kg.lookup.clusters import cluster_members, known_clusters
from kg.network.facts import article_of, read_articles, read_cluster_articles
from kg.network.model import neighbourhood, node_label
from kg.network.project import supply_network
from kg.network.scheme import essential_map
from kg.render.text import MODEL_NOTE, SINGLE_POINT_NOTE, TITLE
from kg.services.supply import gaps
from kg.vocab.namespaces import last_segment


def build_report(graph, *, top: int = 10) -> dict:
    """The report for every cluster of ``graph`` (an rdflib Graph in the ontology).

    ``top`` limits the ranked systemic risks per cluster.
    """
    full = supply_network(graph)
    scheme = essential_map(graph)
    articles = read_articles(graph)
    by_cluster = read_cluster_articles(graph)
    clusters = []
    for iri, label in known_clusters(graph):
        members = cluster_members(graph, iri) & set(full)
        section = _cluster_section(graph, full, iri, label, members, scheme, top)
        used = set(by_cluster.get(iri, ()))
        used.update(
            article_of(articles, s) for d in section["key_dependencies"] for s in d["sources"]
        )
        section["sources"] = [articles[a] for a in sorted(used) if a in articles]
        clusters.append(section)
    return {
        "title": TITLE,
        "model": MODEL_NOTE,
        "single_points_of_failure": SINGLE_POINT_NOTE,
        "clusters": clusters,
        "sources": [articles[a] for a in sorted(articles)],
    }


def _cluster_section(graph, full, iri, label, members, scheme, top) -> dict:
    net = neighbourhood(full, members)
    linked = sorted(n for n in members if net.degree(n) > 0)
    risks = esri(net, firms=linked, essential=scheme) if linked else []
    tree = dominator_tree(net)
    rows = concentration(net, essential=scheme)
    dependencies = _dependencies(net, rows, members)
    sole_by_supplier: dict[str, list[str]] = {}
    for row in rows:
        if row.sole_supplier:
            sole_by_supplier.setdefault(row.suppliers[0].supplier, []).append(
                f"{row.customer_label} ({row.product_label})"
            )
    return {
        "iri": iri,
        "label": label,
        "members": len(members),
        "key_dependencies": dependencies,
        "top_risks": [
            {
                "rank": r.rank,
                "firm": r.firm,
                "label": r.label,
                "kind": r.kind,
                "esri": round(r.esri, 6),
                "own": round(r.own, 6),
                "others": round(r.esri - r.own, 6),
                "dominated_count": tree.count.get(r.firm, 0),
                "dominated_weight": tree.weight.get(r.firm, 0),
                "sole_supplier_of": sole_by_supplier.get(r.firm, []),
                "affected": [
                    {"firm": i, "label": node_label(net, i), "loss": round(loss, 6)}
                    for i, loss in r.affected
                ],
                "assumptions": list(r.assumptions),
            }
            for r in risks[:top]
        ],
        "single_points_of_failure": [
            {
                "firm": p.iri,
                "label": p.label,
                "kind": p.kind,
                "in_cluster": p.iri in members,
                "dominated": [{"firm": d, "label": node_label(net, d)} for d in p.dominated],
                "dominated_count": p.dominated_count,
                "dominated_weight": p.dominated_weight,
            }
            for p in single_points_of_failure(net)
        ],
        "gaps": _gaps(graph, iri),
    }


def _dependencies(net, rows, members) -> list[dict]:
    out = []
    for row in rows:
        for s in row.suppliers:
            if s.supplier not in members and row.customer not in members:
                continue
            facts = _relation_facts(net, s.supplier, row.customer, set(s.relations))
            out.append(
                {
                    "supplier": s.supplier,
                    "supplier_label": s.label,
                    "customer": row.customer,
                    "customer_label": row.customer_label,
                    "input": row.product,
                    "input_label": row.product_label,
                    "products": facts["products"],
                    "essential": bool(row.essential),
                    "sole_supplier": row.sole_supplier,
                    "suppliers_of_input": len(row.suppliers),
                    "hhi": round(row.hhi, 6),
                    "share": facts["share"],
                    "share_wording": s.share_wording,
                    "assumed_share": None if s.stated else round(s.share, 6),
                    "volume": facts["volume"],
                    "inferred": s.inferred,
                    "rule": facts["rule"],
                    "quotes": list(s.quotes),
                    "sources": list(s.sources),
                    "customer_weight": net.nodes[row.customer].get("weight") or 1,
                }
            )
    out.sort(
        key=lambda d: (
            not (d["sole_supplier"] and d["essential"]),
            not d["sole_supplier"],
            -d["customer_weight"],
            d["supplier_label"].casefold(),
            d["customer_label"].casefold(),
            d["input"],
        )
    )
    return out


def _relation_facts(net, supplier, customer, relations: set[str]) -> dict:
    rels = [
        r for r in net.edges[supplier, customer].get("relations", ()) if r.get("iri") in relations
    ]
    shares = [r["share"] for r in rels if r.get("share") is not None]
    volumes = [
        f"{r['volume']:g} {_unit(r.get('volume_unit'))}".strip()
        + (f" ({r['volume_wording']})" if r.get("volume_wording") else "")
        for r in rels
        if r.get("volume") is not None
    ]
    return {
        "products": sorted({r.get("product_label") or "" for r in rels} - {""}),
        "share": max(shares) if shares else None,
        "volume": "; ".join(volumes) or None,
        "rule": "; ".join(sorted({r["rule"] for r in rels if r.get("rule")})) or None,
    }


def _unit(iri: str | None) -> str:
    return {"TONNE-PER-YR": "t/yr", "TONNE": "t", "CCY_CNY": "yuan"}.get(
        last_segment(iri or ""), last_segment(iri or "")
    )


def _gaps(graph, cluster: str) -> dict:
    g = gaps(graph, cluster)
    return {
        "covered": [
            {"stage": s.label, "firms": list(s.firm_labels)} for s in g.stages if s.covered
        ],
        "missing": [
            {
                "stage": s.label,
                "candidates": [
                    f"{c.label} ({', '.join(c.cluster_labels) or 'no cluster'})"
                    for c in s.candidates
                ],
            }
            for s in g.stages
            if not s.covered
        ],
    }
