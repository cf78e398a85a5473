"""The report as one self-contained HTML page (the same content and wording as the Markdown)."""

from __future__ import annotations

import html

from kg.render.report_md import (
    GAP_HEADER,
    RISK_HEADER,
    counts_line,
    data_lines,
    dominated_names,
    figure_context,
    gap_notes,
    gap_rows,
    more_figures,
    more_quotes,
    more_text,
    project_text,
    risk_cells,
    risk_scope,
    target_quotes,
    target_text,
)
from kg.render.text import dependency_flags, quantity, share_text

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.8rem}h2{border-bottom:2px solid #c33;padding-bottom:.2rem;margin-top:2.5rem}h3{margin-top:1.6rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}tr.sole td{background:#fff4f0}
.num{text-align:right;white-space:nowrap}.quote{font-style:italic;color:#444}.note{color:#555;font-size:.9rem}
nav ul{columns:2}details{margin:.4rem 0}summary{cursor:pointer;color:#555}ol.quotes li{margin:.3rem 0}
"""

e = html.escape


def render_html(report: dict) -> str:
    """The report as one self-contained HTML page: inline style, no script, no external resource.

    Every text from the data is escaped.

    >>> page = render_html({"title": "T", "model": "<m>", "single_points_of_failure": "", "clusters": [],
    ...     "generated": "2025-03-01T09:30:05Z", "quotes": [], "sources": [], "data": {"kind": "files",
    ...     "files": [], "triples": 1, "package": "cluster-kg 0.1.0", "commit": None}})
    >>> "&lt;m&gt;" in page and "<script" not in page and "Generated: 2025-03-01T09:30:05Z (UTC)" in page
    True
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(report['title'])}</h1>",
        '<p class="note">' + "<br>".join(e(line) for line in data_lines(report)) + "</p>",
        f'<p class="note">{e(report["model"])}</p>',
    ]
    if report["clusters"]:
        parts.append("<nav><ul>")
        for i, c in enumerate(report["clusters"], 1):
            parts.append(f'<li><a href="#cluster-{i}">{e(c["label"])}</a></li>')
        parts.append('<li><a href="#quotes">Quotes</a></li><li><a href="#sources">Sources</a></li></ul></nav>')
    for i, c in enumerate(report["clusters"], 1):
        parts += _cluster(i, c, report)
    parts.append('<section id="quotes"><h2>Quotes</h2><p class="note">Each quote once; facts above cite them by number.</p>'
                 '<ol class="quotes">')
    parts += [f'<li id="q{q["n"]}" value="{q["n"]}"><span class="quote">“{e(q["quote"])}”</span> — '
              f"{e('; '.join(q['sources']) or 'source not stated')}</li>" for q in report["quotes"]]
    parts.append('</ol></section><section id="sources"><h2>Sources</h2><ul>')
    parts += [f"<li>{e(s['title'])}</li>" for s in report["sources"]]
    parts.append("</ul></section></body></html>")
    return "\n".join(parts) + "\n"


def _refs(numbers) -> str:
    return " ".join(f'<a href="#q{n}">[{n}]</a>' for n in numbers)


def _row(cells, cls: str = "") -> str:
    """A table row; each cell is (text, raw HTML to append) or text."""
    out = []
    for cell in cells:
        text, extra = cell if isinstance(cell, tuple) else (cell, "")
        out.append(f"<td>{e(str(text))}{extra}</td>")
    return f"<tr{cls}>" + "".join(out) + "</tr>"


def _table(header) -> str:
    return "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>"


def _cluster(i: int, c: dict, report: dict) -> list[str]:
    parts = [f'<section id="cluster-{i}"><h2>{e(c["label"])}</h2>', f"<p>{e(counts_line(c))}</p>", "<h3>Key figures</h3>"]
    if c["key_figures"]:
        parts.append(_table(["of", "measure", "figure", "context", "as stated", "quotes"]))
        parts += [_row([f["subject_label"], f["measure"], f["text"], figure_context(f),
                        f"“{f['wording']}”" if f["wording"] else "", ("", _refs(f["quotes"]))]) for f in c["key_figures"]]
        parts.append("</table>")
        parts += [f"<p>{e(t)}.</p>" for t in more_figures(c)]
    else:
        parts.append("<p>No output value, capacity, investment or output is stated for this cluster or its members.</p>")
    if c["stated_counts"]:
        parts.append("<p>Counts stated by the sources:</p><ul>")
        parts += [f"<li>{e(s['subject_label'])}: {e(s['text'])} (“{e(s['wording'] or '')}”) {_refs(s['quotes'])}</li>"
                  for s in c["stated_counts"]]
        parts.append("</ul>")
        if c["stated_counts_more"]:
            parts.append(f"<p>{e(more_text(c['stated_counts_more'], 'counts'))}</p>")
    parts.append("<h3>Projects</h3>")
    if c["projects"]:
        parts.append("<ul>" + "".join(f"<li><strong>{e(p['label'])}</strong>: {e(project_text(p))}</li>" for p in c["projects"]) + "</ul>")
    else:
        parts.append("<p>No project is stated.</p>")
    if c["projects_more"]:
        parts.append(f"<p>{e(more_text(c['projects_more'], 'projects'))}</p>")
    if c.get("targets"):
        parts.append("<h3>Targets</h3><p>Goals set for the cluster: never actuals.</p><ul>")
        parts += [f"<li><strong>{e(t['label'])}</strong>: {e(target_text(t))} {_refs(target_quotes(t))}</li>"
                  for t in c["targets"]]
        parts.append("</ul>")
    parts.append("<h3>Key dependencies</h3>")
    if c["key_dependencies"]:
        parts.append(_table(["supplier", "customer", "input", "share", "volume", "flags", "quotes"]))
        parts += [_row([d["supplier_label"], d["customer_label"], d["input_label"], share_text(d), d["volume"] or "not stated",
                        dependency_flags(d), ("", _refs(d["quotes"]))], ' class="sole"' if d["sole_supplier"] else "")
                  for d in c["key_dependencies"]]
        parts.append("</table>")
        if c["key_dependencies_more"]:
            parts.append(f"<p>{e(more_text(c['key_dependencies_more'], 'dependencies', 'kg depends FIRM lists a firm’s links'))}</p>")
    else:
        parts.append("<p>No supply relation is stated for this cluster.</p>")
    parts.append("<h3>Top systemic risks</h3>")
    if c["top_risks"]:
        parts.append(f'<p class="note">{e(risk_scope(c))}</p>' + _table(RISK_HEADER))
        parts += [_row(risk_cells(r)) for r in c["top_risks"]]
        parts.append("</table>")
        if c["ranked"] > len(c["top_risks"]):
            parts.append(f"<p>{e(more_text(c['ranked'] - len(c['top_risks']), 'firms ranked', 'kg risk --cluster lists them'))}</p>")
        parts.append("<details><summary>Assumptions of these figures</summary><ul>")
        parts += [f"<li>{e(a)}</li>" for a in c["assumptions"]]
        if c["assumptions_more"]:
            parts.append(f"<li>{e(more_text(c['assumptions_more'], 'assumptions', 'kg depends FIRM lists every one'))}</li>")
        parts.append("</ul></details>")
    else:
        parts.append("<p>No member has a stated supply link.</p>")
    parts.append(f'<h3>Single points of failure</h3><p class="note">{e(report["single_points_of_failure"])}</p>')
    if c["single_points_of_failure"]:
        parts.append("<ul>")
        for p in c["single_points_of_failure"]:
            parts.append(f"<li><strong>{e(p['label'])}</strong> dominates {quantity(p['dominated_count'])} "
                         f"(weight {quantity(p['dominated_weight'])}): {e(dominated_names(p))}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>None.</p>")
    if c["single_points_of_failure_more"]:
        parts.append(f"<p>{e(more_text(c['single_points_of_failure_more'], 'single points of failure'))}</p>")
    parts.append("<h3>Value-chain gaps</h3>" + _table(GAP_HEADER))
    parts += [_row([*cells, ("", _refs(q) + e(more_quotes(k)))]) for cells, q, k in gap_rows(c["gaps"])]
    parts.append("</table>")
    notes = gap_notes(c["gaps"])
    if notes:
        parts.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    parts.append("<h3>Sources</h3><ul>" + "".join(f"<li>{e(s['title'])}</li>" for s in c["sources"]) + "</ul></section>")
    return parts
