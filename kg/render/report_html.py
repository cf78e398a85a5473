"""The report as one self-contained HTML page."""

from __future__ import annotations

import html

from kg.render.report_md import all_assumptions
from kg.render.text import dependency_flags, pct, share_text
from kg.vocab.namespaces import last_segment

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
                    f"<td>{e(d['input_label'])}</td><td>{e(share_text(d))}</td><td>{e(d['volume'] or 'unknown')}</td>"
                    f'<td>{e(dependency_flags(d))}</td><td class="quote">{e(" … ".join(d["quotes"]))}</td>'
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
                hit = ", ".join(f"{a['label']} ({pct(a['loss'])})" for a in r["affected"][:3])
                parts.append(
                    f'<tr><td class="num">{r["rank"]}</td><td>{e(r["label"])}</td><td class="num">{e(pct(r["esri"]))}</td>'
                    f'<td class="num">{e(pct(r["others"]))}</td>'
                    f'<td class="num">{r["dominated_count"]} ({r["dominated_weight"]})</td>'
                    f"<td>{e('; '.join(r['sole_supplier_of']))}</td><td>{e(hit)}</td></tr>"
                )
            parts.append("</table><details><summary>Assumptions of these figures</summary><ul>")
            parts += [f"<li>{e(a)}</li>" for a in all_assumptions(c)]
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
            f"<li>{e(s['title'] or '')} ({e(s['identifier'] or last_segment(s['article']))})</li>"
            for s in c["sources"]
        ]
        parts.append("</ul></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
