"""The "who depends on whom" report of every cluster, as one JSON-able dict (``kg report``).

:func:`build_report` gathers, for every industrial cluster, its key figures as the sources
state them (output values, capacities, investments, outputs, counts, projects), the key
supply dependencies, the firms with the highest systemic risk (:mod:`kg.analysis.esri`),
the single points of failure (:mod:`kg.analysis.dominance`), the value-chain gaps
(:mod:`kg.analysis.gaps`) and the source articles by title. The report carries its date
(UTC) and data version (:mod:`kg.services.report_meta`). Every fact cites quotes by number;
each quote is printed once, in the report's numbered list of quotes with its articles'
titles (:class:`~kg.services.report_quotes.QuoteBook`).

Lists are cut to the ``top`` entries (``N_more`` says how many were left out), so the
report stays small on large graphs; ``kg depends``, ``kg risk`` and ``kg gaps`` give the
rest. :func:`~kg.render.report_md.render_markdown` and
:func:`~kg.render.report_html.render_html` turn it into text; the HTML is one
self-contained file (inline style, no script, no external link, so it reads offline).
:func:`~kg.render.report.write_report` picks the format from the file name.

A cluster's network is its members and the firms they trade with directly
(:func:`~kg.network.model.neighbourhood`), so a member's named customers elsewhere count;
ESRI is relative to that network, the same figure as ``kg risk --cluster NAME``. Shares and
volumes the sources do not state are shown as not stated; where the risk model needs a
number it assumes one, and each risk lists what it assumed.

>>> from kg.rdf.graph import open_graph
>>> from kg.render.report_html import render_html
>>> report = build_report(open_graph())
>>> sorted(report)  # doctest: +NORMALIZE_WHITESPACE
['as_of', 'clusters', 'data', 'generated', 'model', 'quotes', 'single_points_of_failure', 'sources', 'title']
>>> render_html(report).startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime

from kg.analysis.concentration import concentration
from kg.analysis.dominance import dominator_tree, single_points_of_failure
from kg.analysis.esri.ranking import esri
from kg.lookup.clusters import cluster_members, known_clusters
from kg.network.facts import read_cluster_articles
from kg.network.model import node_label
from kg.network.project import supply_network
from kg.network.scheme import essential_map
from kg.render.rows import gaps_rows
from kg.render.text import MODEL_NOTE, SINGLE_POINT_NOTE, TITLE, volume_text
from kg.services.gaps import gaps
from kg.services.index_reader import EXACT_RISK_LIMIT
from kg.services.ranking import EPS, scope_network
from kg.services.report_figures import (
    as_of_note,
    cut,
    graph_counts,
    key_figures,
    projects,
    read_quantities,
    stated_counts,
    targets,
    trim_gaps,
)
from kg.services.report_meta import data_version, generated_at
from kg.services.report_quotes import QuoteBook
from kg.services.timeline import as_of_remarks

ALL_DATES_NOTE = ("All dates: every fact as the sources state it, dated or not (figures say the year they hold at "
                  "where a source gives one; `kg report --as-of YEAR` shows the clusters as of a year).")
"""What a report without ``--as-of`` is as of."""


def build_report(
    graph,
    *,
    top: int = 10,
    data: Sequence[str | os.PathLike] | None = None,
    store: str | os.PathLike | None = None,
    endpoint: str | None = None,
    now: datetime | None = None,
    as_of: int | None = None,
) -> dict:
    """The report for every cluster of ``graph`` (an rdflib Graph in the ontology).

    ``top`` limits every list per cluster (firms, figures of a measure, dependencies,
    projects, …); ``data``, ``store`` and ``endpoint`` say where ``graph`` came from, as
    :func:`~kg.rdf.graph.open_graph` was called (for the data version); ``now`` the date
    to print (default: the current time); ``as_of`` a year: the network, figures, projects and
    gaps as of then (:mod:`kg.network.time`), and ``as_of`` in the result says what that left out
    and kept undated.
    """
    full = supply_network(graph, as_of=as_of)
    scheme = essential_map(graph)
    book = QuoteBook.from_graph(graph)
    read = read_quantities(graph, as_of=as_of)
    by_cluster = read_cluster_articles(graph)
    clusters = []
    for iri, label in known_clusters(graph):
        everything = cluster_members(graph, iri) | {iri}
        section = {"iri": iri, "label": label}
        section.update(_figures(graph, read, everything, book, top))
        section.update(_network_section(full, everything, scheme, book, label, top))
        section["gaps"] = trim_gaps(_gaps(graph, iri, as_of), book, top)
        articles = set(by_cluster.get(iri, ()))
        articles.update(a for n in _cited(section) for a in book.articles_of_number(n))
        section["sources"] = sorted(({"article": a, "title": book.title(a)} for a in articles),
                                    key=lambda s: (s["title"].casefold(), s["article"]))
        clusters.append(section)
    return {
        "title": TITLE,
        "generated": generated_at(now),
        "data": data_version(graph, data=data, store=store, endpoint=endpoint),
        "as_of": {"year": as_of, "notes": [n for n in (as_of_note(read), *as_of_remarks(full)) if n]
                  or [ALL_DATES_NOTE]},
        "model": MODEL_NOTE,
        "single_points_of_failure": SINGLE_POINT_NOTE,
        "clusters": clusters,
        "quotes": book.quotes(),
        "sources": sorted(({"article": a, "title": t} for a, t in book.titles.items()),
                          key=lambda s: (s["title"].casefold(), s["article"])),
    }


def _figures(graph, read, members, book, top) -> dict:
    figures = key_figures(read, members)
    kept, more = [], {}
    seen: dict[str, int] = {}
    for f in figures:
        if f["subject_kind"] == "IndustrialCluster":
            kept.append(f)
            continue
        seen[f["measure"]] = seen.get(f["measure"], 0) + 1
        if seen[f["measure"]] <= top:
            kept.append(f)
        else:
            more[f["measure"]] = more.get(f["measure"], 0) + 1
    counts, counts_more = cut(stated_counts(graph, read, members, book), top)
    for f in [*kept, *counts]:
        f["quotes"] = book.cite_evidence(f.pop("evidence"))
    listed, projects_more = cut(projects(graph, read, members), top)
    goals = targets(read, members)
    for t in goals:
        for f in t["figures"]:
            f["quotes"] = book.cite_evidence(f.pop("evidence"))
    return {
        "counts": graph_counts(read, members),
        "key_figures": kept,
        "key_figures_more": more,
        "stated_counts": counts,
        "stated_counts_more": counts_more,
        "projects": listed,
        "projects_more": projects_more,
        "targets": goals,
    }


def _network_section(full, everything, scheme, book, label, top) -> dict:
    """Dependencies, risks and single points of failure in the cluster's network, ranked as
    :func:`kg.services.ranking.rank_firms` ranks ``kg risk --cluster``: the same scope, bound,
    candidates (cohorts never) and the same omission of firms that take down only their own output."""
    net, members, scope = scope_network(full, everything & set(full), label)
    firms = sorted(n for n in members if net.degree(n) > 0 and net.nodes[n].get("kind") != "cohort")
    exact = len(firms) <= EXACT_RISK_LIMIT
    tree = dominator_tree(net)
    risks = esri(net, firms=firms, top=None if exact else top, essential=scheme, tree=tree, scope=scope) if firms else []
    own_only = [r for r in risks if getattr(r, "bound", "") == "stated" and r.esri <= r.own + EPS]
    risks = [r for r in risks if r not in own_only]
    rows = concentration(net, essential=scheme)
    dependencies, dependencies_more = cut(_dependencies(net, rows, members), top)
    for d in dependencies:
        d["quotes"] = book.cite_joined(d.pop("quote_texts"))
    sole_by_supplier: dict[str, list[str]] = {}
    for row in rows:
        if row.sole_supplier:
            sole_by_supplier.setdefault(row.suppliers[0].supplier, []).append(
                f"{row.customer_label} ({row.product_label})"
            )
    points, points_more = cut(list(single_points_of_failure(net)), top)
    top_risks = [_risk(r, net, tree, sole_by_supplier.get(r.firm, []), top) for r in risks[:top]]
    notes = list(dict.fromkeys(a for r in risks[:top] for a in r.assumptions))
    assumptions, assumptions_more = cut(notes, 5 * top)
    return {
        "members": len(members),
        "network_nodes": net.number_of_nodes(),
        "esri_scope": (risks[0].scope if risks and getattr(risks[0], "scope", "") else scope),
        "esri_bound": getattr(risks[0], "bound", None) if risks else None,
        "own_only": len(own_only),
        "exact": exact,
        "key_dependencies": dependencies,
        "key_dependencies_more": dependencies_more,
        "ranked": len(risks) if exact else len(firms),
        "top_risks": top_risks,
        "assumptions": assumptions,
        "assumptions_more": assumptions_more,
        "single_points_of_failure": [
            {
                "firm": p.iri,
                "label": p.label,
                "kind": p.kind,
                "in_cluster": p.iri in members,
                "dominated": [{"firm": d, "label": node_label(net, d)} for d in p.dominated[:top]],
                "dominated_count": p.dominated_count,
                "dominated_weight": p.dominated_weight,
            }
            for p in points
        ],
        "single_points_of_failure_more": points_more,
    }


def _risk(r, net, tree, sole: list[str], top: int) -> dict:
    affected = list(r.affected[:top])
    return {
        "rank": r.rank,
        "firm": r.firm,
        "label": r.label,
        "kind": r.kind,
        "esri": round(r.esri, 6),
        "esri_low": round(getattr(r, "esri_low", r.esri), 6),
        "esri_high": round(getattr(r, "esri_high", r.esri), 6),
        "bound": getattr(r, "bound", None),
        "own": round(r.own, 6),
        "others": round(r.esri - r.own, 6),
        "dominated_count": tree.count.get(r.firm, 0),
        "dominated_weight": tree.weight.get(r.firm, 0),
        "sole_supplier_of": sole[:top],
        "sole_supplier_more": max(0, len(sole) - top),
        "affected": [{"firm": i, "label": node_label(net, i), "loss": round(loss, 6)} for i, loss in affected],
        "affected_count": len(r.affected),
        "assumptions": list(r.assumptions[:top]),
        "assumptions_more": max(0, len(r.assumptions) - top),
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
                    "share_bound": facts["share_bound"],
                    "share_wording": s.share_wording,
                    "assumed_share": None if s.stated else round(s.share, 6),
                    "volume": facts["volume"],
                    "inferred": s.inferred,
                    "rule": facts["rule"],
                    "quote_texts": list(s.quotes),
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


def _cited(value) -> set[int]:
    """The quote numbers cited anywhere in ``value`` (lists under a "quotes" key)."""
    if isinstance(value, dict):
        found = set()
        for key, v in value.items():
            if key == "quotes" and isinstance(v, list) and all(isinstance(n, int) for n in v):
                found.update(v)
            else:
                found |= _cited(v)
        return found
    if isinstance(value, list):
        return set().union(*map(_cited, value)) if value else set()
    return set()


def _relation_facts(net, supplier, customer, relations: set[str]) -> dict:
    rels = [
        r for r in net.edges[supplier, customer].get("relations", ()) if r.get("iri") in relations
    ]
    shares = [(r["share"], r.get("share_bound")) for r in rels if r.get("share") is not None]
    volumes = [volume_text(r) for r in rels if r.get("volume") is not None]
    share, bound = max(shares) if shares else (None, None)
    return {
        "products": sorted({r.get("product_label") or "" for r in rels} - {""}),
        "share": share,
        "share_bound": bound,
        "volume": "; ".join(volumes) or None,
        "rule": "; ".join(sorted({r["rule"] for r in rels if r.get("rule")})) or None,
    }


def _gaps(graph, cluster: str, as_of: int | None = None) -> dict:
    """The gaps section: ``covered`` and ``missing`` as before (``missing`` now holds the
    main-chain stages the sources are silent on: "not stated", never absent), plus ``stated``
    and ``coming`` stages, ``notes`` (weaknesses stated for the whole chain) and ``stages``
    (every stage with its verdict, depth and quotes)."""
    g = gaps(graph, cluster, as_of=as_of)
    stages = gaps_rows(g)
    return {
        "covered": [
            {"stage": s.label, "firms": [p.label for p, _ in s.producers]} for s in g.stages if s.covered
        ],
        "missing": [
            {
                "stage": s.label,
                "candidates": [
                    f"{c.label} ({'; '.join(c.where)}" + (f"; {c.status}" if c.status else "") + ")"
                    for c in s.candidates[:GAP_CANDIDATES]
                ] + ([f"… and {len(s.candidates) - GAP_CANDIDATES:,} more (kg gaps lists them all)"]
                     if len(s.candidates) > GAP_CANDIDATES else []),
            }
            for s in g.stages
            if s.verdict == "not stated"
        ],
        "stated": [s.label for s in g.stages if s.verdict == "stated"],
        "coming": [s.label for s in g.stages if s.verdict == "coming"],
        "notes": list(g.notes),
        "stages": [{k: v for k, v in row.items() if k != "candidates elsewhere"} for row in stages],
    }


GAP_CANDIDATES = 10
"""Candidates the report lists for a stage the sources are silent on (``kg gaps`` lists all)."""
