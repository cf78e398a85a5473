"""The "who depends on whom" report, and a firm's dependency card.

:func:`build_report` gathers, for every industrial cluster, the key supply
dependencies with their quotes, the firms with the highest systemic risk
(:mod:`kg.esri`), the single points of failure (:mod:`kg.risk`), the
value-chain gaps (:mod:`kg.gaps`) and the source articles, as one JSON-able
dict. :func:`render_markdown` and :func:`render_html` turn it into text; the
HTML is one self-contained file (inline style, no script, no external link, so
it reads offline). :func:`write_report` picks the format from the file name.

A cluster's network is its members and the firms they trade with directly
(:func:`neighbourhood`), so a member's named customers elsewhere count.
Shares and volumes the sources do not state are shown as unknown; where the
risk model needs a number it splits evenly, and each risk lists what it assumed.

>>> from kg.store import open_graph
>>> report = build_report(open_graph())
>>> sorted(report["clusters"][0])  # doctest: +NORMALIZE_WHITESPACE
['gaps', 'iri', 'key_dependencies', 'label', 'members', 'single_points_of_failure', 'sources', 'top_risks']
>>> render_html(report).startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from .errors import KGError

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


class UnknownFormat(KGError):
    """A report file name whose extension is not .md, .html or .json."""


# ------------------------------------------------------------------ building


def neighbourhood(network, members):
    """The sub-network of ``members`` and the nodes they supply or are supplied by.

    >>> from kg.network import network_from_edges
    >>> g = network_from_edges([("a", "b"), ("b", "c"), ("x", "y")])
    >>> sorted(neighbourhood(g, {"a"}))
    ['a', 'b']
    """
    keep = {m for m in members if m in network}
    for m in list(keep):
        keep.update(network.predecessors(m))
        keep.update(network.successors(m))
    return network.subgraph(sorted(keep)).copy()


def build_report(graph, *, top: int = 10) -> dict:
    """The report for every cluster of ``graph`` (an rdflib Graph in the ontology).

    ``top`` limits the ranked systemic risks per cluster.
    """
    from .esri import essential_map
    from .network import cluster_members, known_clusters, supply_network

    full = supply_network(graph)
    scheme = essential_map(graph)
    articles = _articles(graph)
    by_cluster = _cluster_articles(graph)
    clusters = []
    for iri, label in known_clusters(graph):
        members = cluster_members(graph, iri) & set(full)
        section = _cluster_section(graph, full, iri, label, members, scheme, top)
        used = set(by_cluster.get(iri, ()))
        used.update(
            _article_of(articles, s) for d in section["key_dependencies"] for s in d["sources"]
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
    from .concentration import concentration
    from .esri import esri
    from .risk import dominator_tree, single_points_of_failure

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
                    {"firm": i, "label": _label(net, i), "loss": round(loss, 6)}
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
                "dominated": [{"firm": d, "label": _label(net, d)} for d in p.dominated],
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
        _tail(iri or ""), _tail(iri or "")
    )


def _gaps(graph, cluster: str) -> dict:
    from .gaps import gaps

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


_ARTICLES_QUERY = """
SELECT ?a ?id ?title WHERE {
  ?a a ckg:Article .
  OPTIONAL { ?a dcterms:identifier ?id }
  OPTIONAL { ?a dcterms:title ?title }
}
"""

_CLUSTER_ARTICLES_QUERY = """
SELECT DISTINCT ?c ?a WHERE {
  ?x ckg:inCluster ?c ; prov:wasDerivedFrom ?e .
  ?e prov:hadPrimarySource ?a .
}
"""


def _articles(graph) -> dict[str, dict]:
    from .ontology import sparql_prologue

    out: dict[str, dict] = {}
    for a, ident, title in graph.query(sparql_prologue() + _ARTICLES_QUERY):
        d = out.setdefault(str(a), {"article": str(a), "identifier": None, "title": None})
        if ident is not None and d["identifier"] is None:
            d["identifier"] = str(ident)
        if title is not None and d["title"] is None:
            d["title"] = str(title)
    return out


def _cluster_articles(graph) -> dict[str, set[str]]:
    from .ontology import sparql_prologue

    out: dict[str, set[str]] = {}
    for c, a in graph.query(sparql_prologue() + _CLUSTER_ARTICLES_QUERY):
        out.setdefault(str(c), set()).add(str(a))
    return out


def _article_of(articles: dict[str, dict], identifier: str) -> str | None:
    for iri, d in articles.items():
        if d["identifier"] == identifier:
            return iri
    return None


# ------------------------------------------------------------------ dependency card


def dependency_card(network, firm: str, *, essential=None, top_affected: int = 10, index=None) -> dict:
    """What ``firm`` depends on and what depends on it, as a JSON-able dict.

    Direct suppliers and customers (one row per supply relation, with product,
    stated share or wording, volume, quote and source), its dominators (whose
    failure alone cuts it off, nearest first), the firms it dominates, its
    systemic risk and rank among the linked nodes of ``network``, and the
    concentration of each of its inputs.

    ``index`` (a :class:`kg.index.AnalysisIndex` of the whole network) supplies the
    whole-network parts (dominators, dominated firms, sole-supplier links, systemic
    risk and rank); ``network`` then needs only the firm and its direct partners.

    >>> from kg.network import network_from_edges
    >>> card = dependency_card(network_from_edges([("a", "b"), ("b", "c")]), "b")
    >>> card["dominators"], card["dominated"], card["esri"]["rank"], card["esri"]["of"]
    ([{'firm': 'a', 'label': 'a'}], [{'firm': 'c', 'label': 'c'}], 1, 3)
    """
    from .concentration import concentration
    from .errors import UnknownName

    if firm not in network:
        raise UnknownName(firm, [])
    data = network.nodes[firm]
    if index is not None:
        whole = {
            "dominators": [{"firm": d, "label": index.label(d)} for d in index.dominators(firm)],
            "dominated": [{"firm": d, "label": index.label(d)} for d in index.dominated(firm)],
            "dominated_weight": index.dominated_weight(firm),
            "sole_supplier_of": index.sole_supplier_of(firm),
            "esri": index.esri_card(firm, top_affected=top_affected),
        }
    else:
        whole = _whole_network_parts(network, firm, essential, top_affected)
    return {
        "firm": firm,
        "label": _label(network, firm),
        "kind": data.get("kind", ""),
        "clusters": list(data.get("cluster_labels") or []),
        "weight": data.get("weight") or 1,
        "suppliers": _links(
            network, [(s, firm) for s in sorted(network.predecessors(firm))], "supplier"
        ),
        "customers": _links(
            network, [(firm, c) for c in sorted(network.successors(firm))], "customer"
        ),
        "dominators": whole["dominators"],
        "dominated": whole["dominated"],
        "dominated_weight": whole["dominated_weight"],
        "sole_supplier_of": whole["sole_supplier_of"],
        "esri": whole["esri"],
        "concentration": [
            {
                "input": row.product,
                "input_label": row.product_label,
                "essential": row.essential,
                "suppliers": [
                    {
                        "firm": s.supplier,
                        "label": s.label,
                        "share": round(s.share, 6),
                        "stated": s.stated,
                    }
                    for s in row.suppliers
                ],
                "shares_stated": row.shares_stated,
                "hhi": round(row.hhi, 6),
                "effective_suppliers": round(row.effective_suppliers, 6),
                "sole_supplier": row.sole_supplier,
            }
            for row in concentration(network, customers=[firm], essential=essential)
        ],
    }


def _whole_network_parts(network, firm: str, essential, top_affected: int) -> dict:
    """The parts of a dependency card that need the whole network, computed from it."""
    from .concentration import concentration
    from .esri import esri
    from .risk import dominator_tree

    tree = dominator_tree(network)
    linked = sorted(n for n in network if network.degree(n) > 0) or [firm]
    ranked = esri(network, firms=linked if firm in linked else [*linked, firm], essential=essential)
    mine = next(r for r in ranked if r.firm == firm)
    return {
        "dominators": [{"firm": d, "label": _label(network, d)} for d in tree.dominators(firm)],
        "dominated": [{"firm": d, "label": _label(network, d)} for d in tree.dominated(firm)],
        "dominated_weight": tree.weight.get(firm, 0),
        "sole_supplier_of": [
            {"customer": row.customer, "label": row.customer_label, "input": row.product_label}
            for row in concentration(network, customers=sorted(network.successors(firm)), essential=essential)
            if row.sole_supplier and row.suppliers[0].supplier == firm
        ],
        "esri": {
            "value": round(mine.esri, 6),
            "own": round(mine.own, 6),
            "rank": mine.rank,
            "of": len(ranked),
            "rounds": mine.rounds,
            "affected": [
                {"firm": i, "label": _label(network, i), "loss": round(loss, 6)}
                for i, loss in mine.affected[:top_affected]
            ],
            "assumptions": list(mine.assumptions),
        },
    }


def _links(network, edges, side: str) -> list[dict]:
    out = []
    for s, c in edges:
        other = s if side == "supplier" else c
        for r in network.edges[s, c].get("relations", ()):
            out.append(
                {
                    "firm": other,
                    "label": _label(network, other),
                    "product": r.get("product"),
                    "product_label": r.get("product_label"),
                    "share": r.get("share"),
                    "share_wording": r.get("share_wording"),
                    "volume": r.get("volume"),
                    "volume_unit": r.get("volume_unit"),
                    "volume_wording": r.get("volume_wording"),
                    "inferred": bool(r.get("inferred")),
                    "quote": r.get("quote"),
                    "source": r.get("source"),
                    "relation": r.get("iri"),
                }
            )
    return out


# ------------------------------------------------------------------ rendering


def _pct(x: float) -> str:
    """A fraction as a percentage.

    >>> _pct(0.155556), _pct(0.0)
    ('15.6 %', '0.0 %')
    """
    return f"{100 * x:.1f} %"


def _share_text(d: dict) -> str:
    if d.get("share") is not None:
        return f"{d['share']:g} (stated)"
    text = "unknown"
    if d.get("share_wording"):
        text += f" (“{d['share_wording']}”)"
    if d.get("assumed_share") is not None:
        text += f"; {d['assumed_share']:g} assumed"
    return text


def _dependency_flags(d: dict) -> str:
    flags = []
    if d["sole_supplier"]:
        flags.append("sole supplier")
    flags.append("essential input" if d["essential"] else "non-essential input")
    if d["inferred"]:
        flags.append("inferred" + (f": {d['rule']}" if d.get("rule") else ""))
    return ", ".join(flags)


def render_markdown(report: dict) -> str:
    """The report as Markdown (GitHub tables; every cell on one line, pipes escaped)."""
    out = [f"# {report['title']}", "", report["model"], ""]
    for c in report["clusters"]:
        out += [f"## {c['label']}", "", f"{c['members']} members in the graph.", ""]
        out += ["### Key dependencies", ""]
        if c["key_dependencies"]:
            out += [
                "| supplier | customer | input | share | volume | flags | quote | source |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for d in c["key_dependencies"]:
                out.append(
                    _md_row(
                        [
                            d["supplier_label"],
                            d["customer_label"],
                            d["input_label"],
                            _share_text(d),
                            d["volume"] or "unknown",
                            _dependency_flags(d),
                            " … ".join(d["quotes"]),
                            ", ".join(d["sources"]),
                        ]
                    )
                )
        else:
            out.append("No supply relation is stated for this cluster.")
        out += ["", "### Top systemic risks", ""]
        if c["top_risks"]:
            out += [
                "| rank | firm | ESRI | lost by others | dominates (weight) | sole supplier of | hit hardest |",
                "|---|---|---|---|---|---|---|",
            ]
            for r in c["top_risks"]:
                hit = ", ".join(f"{a['label']} ({_pct(a['loss'])})" for a in r["affected"][:3])
                out.append(
                    _md_row(
                        [
                            str(r["rank"]),
                            r["label"],
                            _pct(r["esri"]),
                            _pct(r["others"]),
                            f"{r['dominated_count']} ({r['dominated_weight']})",
                            "; ".join(r["sole_supplier_of"]),
                            hit,
                        ]
                    )
                )
            out += ["", "Assumptions of these figures:", ""]
            out += [f"- {a}" for a in _all_assumptions(c)]
        else:
            out.append("No member has a stated supply link.")
        out += ["", "### Single points of failure", "", report["single_points_of_failure"], ""]
        if c["single_points_of_failure"]:
            for p in c["single_points_of_failure"]:
                names = ", ".join(d["label"] for d in p["dominated"])
                out.append(
                    f"- **{_md(p['label'])}** dominates {p['dominated_count']} (weight {p['dominated_weight']}): {_md(names)}"
                )
        else:
            out.append("None.")
        out += ["", "### Value-chain gaps", ""]
        gaps = c["gaps"]
        out.append("Covered: " + (", ".join(s["stage"] for s in gaps["covered"]) or "none") + ".")
        for s in gaps["missing"]:
            found = "; ".join(s["candidates"]) or "no firm in the graph makes it"
            out.append(f"- missing **{_md(s['stage'])}**: {_md(found)}")
        out += ["", "### Sources", ""]
        out += [
            f"- {_md(s['title'] or '')} ({_md(s['identifier'] or _tail(s['article']))})"
            for s in c["sources"]
        ]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _all_assumptions(cluster: dict) -> list[str]:
    seen = dict.fromkeys(a for r in cluster["top_risks"] for a in r["assumptions"])
    return list(seen)


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _md_row(cells) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.8rem}h2{border-bottom:2px solid #c33;padding-bottom:.2rem;margin-top:2.5rem}h3{margin-top:1.6rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}tr.sole td{background:#fff4f0}
.num{text-align:right;white-space:nowrap}.quote{font-style:italic;color:#444}.note{color:#555;font-size:.9rem}
nav ul{columns:2}details{margin:.4rem 0}summary{cursor:pointer;color:#555}
"""


def render_html(report: dict) -> str:
    """The report as one self-contained HTML page: inline style, no script, no external resource.

    Every text from the data is escaped.

    >>> page = render_html({"title": "T", "model": "<m>", "single_points_of_failure": "", "clusters": [], "sources": []})
    >>> "&lt;m&gt;" in page and "<script" not in page
    True
    """
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(report['title'])}</h1>",
        f'<p class="note">{e(report["model"])}</p>',
    ]
    if report["clusters"]:
        parts.append("<nav><ul>")
        for i, c in enumerate(report["clusters"], 1):
            parts.append(f'<li><a href="#cluster-{i}">{e(c["label"])}</a></li>')
        parts.append("</ul></nav>")
    for i, c in enumerate(report["clusters"], 1):
        parts.append(f'<section id="cluster-{i}"><h2>{e(c["label"])}</h2>')
        parts.append(f"<p>{c['members']} members in the graph.</p>")
        parts.append("<h3>Key dependencies</h3>")
        if c["key_dependencies"]:
            parts.append(
                "<table><tr><th>supplier</th><th>customer</th><th>input</th><th>share</th><th>volume</th>"
                "<th>flags</th><th>quote</th><th>source</th></tr>"
            )
            for d in c["key_dependencies"]:
                cls = ' class="sole"' if d["sole_supplier"] else ""
                parts.append(
                    f"<tr{cls}><td>{e(d['supplier_label'])}</td><td>{e(d['customer_label'])}</td>"
                    f"<td>{e(d['input_label'])}</td><td>{e(_share_text(d))}</td><td>{e(d['volume'] or 'unknown')}</td>"
                    f'<td>{e(_dependency_flags(d))}</td><td class="quote">{e(" … ".join(d["quotes"]))}</td>'
                    f"<td>{e(', '.join(d['sources']))}</td></tr>"
                )
            parts.append("</table>")
        else:
            parts.append("<p>No supply relation is stated for this cluster.</p>")
        parts.append("<h3>Top systemic risks</h3>")
        if c["top_risks"]:
            parts.append(
                "<table><tr><th>rank</th><th>firm</th><th>ESRI</th><th>lost by others</th>"
                "<th>dominates (weight)</th><th>sole supplier of</th><th>hit hardest</th></tr>"
            )
            for r in c["top_risks"]:
                hit = ", ".join(f"{a['label']} ({_pct(a['loss'])})" for a in r["affected"][:3])
                parts.append(
                    f'<tr><td class="num">{r["rank"]}</td><td>{e(r["label"])}</td><td class="num">{e(_pct(r["esri"]))}</td>'
                    f'<td class="num">{e(_pct(r["others"]))}</td>'
                    f'<td class="num">{r["dominated_count"]} ({r["dominated_weight"]})</td>'
                    f"<td>{e('; '.join(r['sole_supplier_of']))}</td><td>{e(hit)}</td></tr>"
                )
            parts.append("</table><details><summary>Assumptions of these figures</summary><ul>")
            parts += [f"<li>{e(a)}</li>" for a in _all_assumptions(c)]
            parts.append("</ul></details>")
        else:
            parts.append("<p>No member has a stated supply link.</p>")
        parts.append(
            f'<h3>Single points of failure</h3><p class="note">{e(report["single_points_of_failure"])}</p>'
        )
        if c["single_points_of_failure"]:
            parts.append("<ul>")
            for p in c["single_points_of_failure"]:
                names = ", ".join(d["label"] for d in p["dominated"])
                parts.append(
                    f"<li><strong>{e(p['label'])}</strong> dominates {p['dominated_count']} "
                    f"(weight {p['dominated_weight']}): {e(names)}</li>"
                )
            parts.append("</ul>")
        else:
            parts.append("<p>None.</p>")
        gaps = c["gaps"]
        parts.append("<h3>Value-chain gaps</h3>")
        parts.append(
            f"<p>Covered: {e(', '.join(s['stage'] for s in gaps['covered']) or 'none')}.</p>"
        )
        if gaps["missing"]:
            parts.append("<ul>")
            for s in gaps["missing"]:
                found = "; ".join(s["candidates"]) or "no firm in the graph makes it"
                parts.append(f"<li>missing <strong>{e(s['stage'])}</strong>: {e(found)}</li>")
            parts.append("</ul>")
        parts.append("<h3>Sources</h3><ul>")
        parts += [
            f"<li>{e(s['title'] or '')} ({e(s['identifier'] or _tail(s['article']))})</li>"
            for s in c["sources"]
        ]
        parts.append("</ul></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render_json(report: dict) -> str:
    """The report as indented JSON (UTF-8 text, not escaped)."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {".md": render_markdown, ".html": render_html, ".json": render_json}


def write_report(report: dict, path: str | os.PathLike) -> Path:
    """Write ``report`` to ``path`` in the format its extension names, atomically.

    >>> write_report({}, "report.pdf")
    Traceback (most recent call last):
    ...
    kg.report.UnknownFormat: report.pdf: unknown report format '.pdf'; use .html, .json, .md
    """
    from .store import write_atomic

    path = Path(path)
    return write_atomic(path, RENDERERS[report_format(path)](report))


def report_format(path: str | os.PathLike) -> str:
    """The report format a file name asks for (its lower-case extension), or :class:`UnknownFormat`.

    >>> report_format("out/Report.HTML")
    '.html'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in RENDERERS:
        raise UnknownFormat(
            f"{path}: unknown report format {Path(path).suffix!r}; use {', '.join(sorted(RENDERERS))}"
        )
    return suffix


def _label(network, node) -> str:
    return network.nodes[node].get("label") or _tail(node)


def _tail(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else ""
