"""The report as Markdown, and the wording both the Markdown and the HTML report share."""

from __future__ import annotations

import re

from kg.render.text import dependency_flags, pct, quantity, share_text
from kg.utils.text import visible

MEASURE_PLURAL = {"output value": "output values", "output": "outputs", "capacity": "capacities",
                  "investment": "investments", "market share": "market shares", "floor area": "floor areas"}


def data_lines(report: dict) -> list[str]:
    """The date and data-version lines (plain text, one fact a line).

    >>> data_lines({"generated": "2025-03-01T09:30:05Z", "data": {"kind": "store", "store": "st",
    ...     "generation": "gen-2", "files": [], "endpoint": None, "triples": 12345,
    ...     "package": "cluster-kg 0.1.0", "commit": None}})
    ['Generated: 2025-03-01T09:30:05Z (UTC)', 'Data: store st, generation gen-2; 12,345 triples; cluster-kg 0.1.0']
    """
    d = report["data"]
    where = {"endpoint": f"SPARQL endpoint {d.get('endpoint')}",
             "store": f"store {d.get('store')}, generation {d.get('generation')}"}.get(
        d["kind"], f"{d['kind']} ({len(d['files'])} file{'' if len(d['files']) == 1 else 's'})")
    code = d["package"] + (f", commit {d['commit']}" if d.get("commit") else "")
    lines = [f"Generated: {report['generated']} (UTC)", f"Data: {where}; {quantity(d['triples'])} triples; {code}"]
    lines += [f"{f['name']}: sha256 {f['sha256']}" for f in d["files"]]
    lines += [note for note in (report.get("as_of") or {}).get("notes", ())]
    return lines


def counts_line(c: dict) -> str:
    n = c["counts"]
    parts = [_count(n["firms"], "firm"), _count(n["groups"], "enterprise group"),
             _count(n["cohorts"], "firm cohort"), _count(n["projects"], "project")]
    if n.get("targets"):
        parts.append(_count(n["targets"], "target"))
    status = ", ".join(f"{quantity(k)} {s}" for s, k in n["projects_by_status"].items())
    return ("Named in the graph (counted by kg, not a figure of the sources): " + ", ".join(parts)
            + (f" ({status})" if status else "") + f"; {quantity(c['members'])} of them in the supply network.")


def _count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless one.

    >>> _count(1, "project"), _count(1200, "firm")
    ('1 project', '1,200 firms')
    """
    return f"{quantity(n)} {noun}" + ("" if n == 1 else "s")


def figure_context(f: dict) -> str:
    """Period, the date it holds at, product, and for a project its status and year.

    >>> figure_context({"period": "2020", "as_of": "2020", "product": "foil"})
    'of foil; 2020; as of 2020'
    """
    parts = [f.get("product") and f"of {f['product']}", f.get("period"), f.get("as_of") and f"as of {f['as_of']}",
             f.get("inferred") and "inferred by a rule"]
    if f.get("subject_kind") == "Project":
        parts.append(", ".join(x for x in [f.get("status") or "status not stated", f.get("year")] if x))
    return "; ".join(p for p in parts if p)


def more_figures(c: dict) -> list[str]:
    return [f"and {quantity(k)} more {MEASURE_PLURAL.get(m, m)} (the {quantity(len([f for f in c['key_figures'] if f['measure'] == m]))} "
            "largest are listed)" for m, k in c["key_figures_more"].items()]


def target_text(t: dict) -> str:
    """A goal in one line: by when, the goal as worded, its figures.

    >>> target_text({"year": "2025", "when": None, "goal": "new output value of 30 billion",
    ...              "figures": [{"measure": "output value", "text": "about 55 billion yuan"}]})
    'by 2025; “new output value of 30 billion”; output value about 55 billion yuan'
    >>> target_text({"year": None, "when": None, "goal": None, "figures": []})
    'no year stated'
    """
    when = f"by {t['year']}" if t["year"] else (t["when"] or "no year stated")
    parts = [when, t["goal"] and f"“{t['goal']}”", *(f"{f['measure']} {f['text']}" for f in t["figures"])]
    return "; ".join(p for p in parts if p)


def target_quotes(t: dict) -> list[int]:
    """The quote numbers of a goal's figures, each once, in order."""
    return list(dict.fromkeys(n for f in t["figures"] for n in f.get("quotes", ())))


def project_text(p: dict) -> str:
    """A project's stage, its date and investors.

    >>> project_text({"status": "in operation", "status_inferred": True, "year": None, "investors": []})
    'in operation (inferred by a rule)'
    """
    status = p["status"] + (" (inferred by a rule)" if p.get("status_inferred") else "")
    text = ", ".join(x for x in [status, p.get("year")] if x)
    if p["investors"]:
        text += "; investors: " + ", ".join(p["investors"])
    return text


def risk_cells(r: dict) -> list[str]:
    """rank, firm, ESRI, both bounds, lost by others, dominates, sole supplier of, hit hardest."""
    hit = ", ".join(f"{a['label']} ({pct(a['loss'])})" for a in r["affected"][:3])
    if r["affected_count"] > 3:
        hit += f", and {quantity(r['affected_count'] - 3)} more"
    sole = "; ".join(r["sole_supplier_of"]) + (f"; and {quantity(r['sole_supplier_more'])} more" if r["sole_supplier_more"] else "")
    return [str(r["rank"]), r["label"], pct(r["esri"], 2), f"{pct(r['esri_low'], 2)} – {pct(r['esri_high'], 2)}",
            pct(r["others"], 2), f"{quantity(r['dominated_count'])} (weight {quantity(r['dominated_weight'])})", sole, hit]


RISK_HEADER = ["rank", "firm", "ESRI", "both bounds (stated – named)", "lost by others", "dominates",
               "sole supplier of", "hit hardest"]


def dominated_names(p: dict) -> str:
    """The firms a single point of failure dominates, as listed, and how many more.

    >>> dominated_names({"dominated": [{"label": "A"}, {"label": "B"}], "dominated_count": 5})
    'A, B, and 3 more'
    """
    names = ", ".join(d["label"] for d in p["dominated"])
    left = p["dominated_count"] - len(p["dominated"])
    return names + (f", and {quantity(left)} more" if left > 0 else "")


def risk_scope(c: dict, escape=str) -> str:
    """What the ESRI figures are relative to, in which unit and bound, and who is left out
    (``escape`` is applied to the scope, which names the cluster, and to nothing else)."""
    bound = c.get("esri_bound")
    text = f"ESRI in % of the production of {escape(c['esri_scope'])}, the same figures as `kg risk --cluster`."
    if bound:
        text += f" ESRI is the {bound} bound; the range gives both (stated – named)."
    if c.get("own_only"):
        n = c["own_only"]
        text += (f" {quantity(n)} other firm" + (" takes down only its" if n == 1 else "s take down only their")
                 + " own output on stated coverage.")
    return text


def more_text(k: int, what: str, hint: str = "") -> str:
    return f"and {quantity(k)} more {what}" + (f" ({hint})" if hint else "") + "."


GAP_HEADER = ["stage", "verdict", "depth", "candidates elsewhere", "quotes"]


def _listed(s: dict, key: str) -> str:
    items = [str(v) for v in s.get(key) or []]
    more = s.get(f"{key}_more") or 0
    return "; ".join(items) + (f"; and {quantity(more)} more" if more else "")


def gap_rows(gaps: dict, long: int = 400) -> list[tuple[list[str], list[int], int]]:
    """(cells of :data:`GAP_HEADER` but the quotes, quote numbers, quotes left out) per value-chain stage.

    A depth longer than ``long`` characters (every firm named, on large graphs) is written
    from the cut lists of firms and projects instead, with how many more there are.
    """
    candidates = {m.get("stage"): _listed(m, "candidates") or "no firm or project in the graph"
                  for m in gaps.get("missing", []) if isinstance(m, dict)}
    rows = []
    for s in gaps.get("stages", []):
        depth = str(s.get("depth", ""))
        if len(depth) > long:
            parts = []
            for key in ("firms", "projects"):
                total = len(s.get(key) or []) + (s.get(f"{key}_more") or 0)
                if total:
                    parts.append(f"{quantity(total)} {key}: {_listed(s, key)}")
            depth = "; ".join(parts) + " (kg gaps CLUSTER gives the full depth)"
        rows.append(([s.get("stage", ""), s.get("verdict", ""), depth, candidates.get(s.get("stage"), "")],
                     s.get("quotes") or [], s.get("quotes_more") or 0))
    if not rows:  # an older gaps section: covered and missing stages only
        rows += [([c["stage"], "covered", _listed(c, "firms"), ""], [], 0) for c in gaps.get("covered", [])]
        rows += [([m["stage"], "not stated", "", v], [], 0) for m in gaps.get("missing", []) for v in [candidates[m["stage"]]]]
    return rows


def more_quotes(k: int) -> str:
    return f" and {quantity(k)} more" if k else ""


def gap_notes(gaps: dict) -> list[str]:
    return [str(n) for n in gaps.get("notes", [])]


def article_title(s: dict) -> str:
    return s["title"]


def render_markdown(report: dict) -> str:
    """The report as Markdown (GitHub tables; every cell on one line).

    Every text from the data goes through :func:`md_text`, so a renderer shows it as written
    and never as HTML, a link or Markdown structure.
    """
    out = [f"# {md_text(report['title'])}", ""]
    out += [f"{md_text(line)}  " for line in data_lines(report)]
    out += ["", report["model"], ""]
    for c in report["clusters"]:
        out += _cluster(c, report)
    out += ["## Quotes", "", "Each quote once; facts above cite them by number.", ""]
    out += [f"{q['n']}. “{md_text(q['quote'])}” — {md_text('; '.join(q['sources']) or 'source not stated')}"
            for q in report["quotes"]]
    out += ["", "## Sources", ""]
    out += [f"- {md_text(s['title'])}" for s in report["sources"]]
    return "\n".join(out).rstrip() + "\n"


class _Markdown(str):
    """A table cell that is Markdown already (quote numbers): :func:`_md_row` keeps it as it is."""


def _refs(numbers) -> _Markdown:
    return _Markdown(" ".join(f"[{n}]" for n in numbers))


def _cluster(c: dict, report: dict) -> list[str]:
    out = [f"## {md_text(c['label'])}", "", md_text(counts_line(c)), "", "### Key figures", ""]
    if c["key_figures"]:
        out += ["| of | measure | figure | context | as stated | quotes |", "|---|---|---|---|---|---|"]
        out += [_md_row([f["subject_label"], f["measure"], f["text"], figure_context(f), f"“{f['wording']}”" if f["wording"] else "",
                         _refs(f["quotes"])]) for f in c["key_figures"]]
        out += ["", *[md_text(t) + "." for t in more_figures(c)]] if c["key_figures_more"] else []
    else:
        out.append("No output value, capacity, investment or output is stated for this cluster or its members.")
    if c["stated_counts"]:
        out += ["", "Counts stated by the sources:", ""]
        out += [f"- {md_text(s['subject_label'])}: {md_text(s['text'])} (“{md_text(s['wording'] or '')}”) {_refs(s['quotes'])}"
                for s in c["stated_counts"]]
        if c["stated_counts_more"]:
            out += ["", more_text(c["stated_counts_more"], "counts")]
    out += ["", "### Projects", ""]
    out += [f"- **{md_text(p['label'])}**: {md_text(project_text(p))}" for p in c["projects"]] or ["No project is stated."]
    if c["projects_more"]:
        out += ["", more_text(c["projects_more"], "projects")]
    if c.get("targets"):
        out += ["", "### Targets", "", "Goals set for the cluster: never actuals.", ""]
        out += [f"- **{md_text(t['label'])}**: {md_text(target_text(t))} {_refs(target_quotes(t))}".rstrip()
                for t in c["targets"]]
    out += ["", "### Key dependencies", ""]
    if c["key_dependencies"]:
        out += ["| supplier | customer | input | share | volume | flags | quotes |", "|---|---|---|---|---|---|---|"]
        out += [_md_row([d["supplier_label"], d["customer_label"], d["input_label"], share_text(d), d["volume"] or "not stated",
                         dependency_flags(d), _refs(d["quotes"])]) for d in c["key_dependencies"]]
        if c["key_dependencies_more"]:
            out += ["", more_text(c["key_dependencies_more"], "dependencies", "kg depends FIRM lists a firm's links")]
    else:
        out.append("No supply relation is stated for this cluster.")
    out += ["", "### Top systemic risks", ""]
    if c["top_risks"]:
        out += [risk_scope(c, md_text), "", "| " + " | ".join(RISK_HEADER) + " |", "|" + "---|" * len(RISK_HEADER)]
        out += [_md_row(risk_cells(r)) for r in c["top_risks"]]
        if c["ranked"] > len(c["top_risks"]):
            out += ["", more_text(c["ranked"] - len(c["top_risks"]), "firms ranked", "kg risk --cluster lists them")]
        out += ["", "Assumptions of these figures:", ""] + [f"- {md_text(a)}" for a in c["assumptions"]]
        if c["assumptions_more"]:
            out.append(f"- {more_text(c['assumptions_more'], 'assumptions', 'kg depends FIRM lists every one')}")
    else:
        out.append("No member has a stated supply link.")
    out += ["", "### Single points of failure", "", report["single_points_of_failure"], ""]
    for p in c["single_points_of_failure"]:
        out.append(f"- **{md_text(p['label'])}** dominates {quantity(p['dominated_count'])} "
                   f"(weight {quantity(p['dominated_weight'])}): {md_text(dominated_names(p))}")
    if not c["single_points_of_failure"]:
        out.append("None.")
    if c["single_points_of_failure_more"]:
        out += ["", more_text(c["single_points_of_failure_more"], "single points of failure")]
    out += ["", "### Value-chain gaps", "", "| " + " | ".join(GAP_HEADER) + " |", "|" + "---|" * len(GAP_HEADER)]
    out += [_md_row([*cells, _Markdown(_refs(q) + more_quotes(k))]) for cells, q, k in gap_rows(c["gaps"])]
    out += [""] + [f"- {_cited(n)}" for n in gap_notes(c["gaps"])]
    out += ["", "### Sources", ""] + [f"- {md_text(article_title(s))}" for s in c["sources"]] + [""]
    return out


_MD_SPECIAL = re.compile(r"[`*\[\]<>#|~]|\\(?![^\W_]|\s)|(?<![^\W_])_|_(?![^\W_])|&(?=#?[0-9A-Za-z]+;)")
"""Characters that make Markdown structure anywhere in a line: code, emphasis, links and images,
raw HTML and autolinks (``<``), table cells, strikethrough, ``#`` (a heading's closing
sequence); a backslash before punctuation (``C:\\data`` stays), ``_`` but inside a word
(``my_store`` stays: it cannot open or close emphasis there), and ``&`` where it starts a
character reference (``&lt;``, ``&#60;``; the ``&`` of ``R&D`` stays)."""

_MD_LINE_START = re.compile(r"^(?:[-+=](?=[-+=\s]|$)|\d{1,9}(?=[.)](?:\s|$)))")
"""What makes structure only at the start of a line: a list item (``- x``, ``+ x``, ``1. x``),
a thematic break or a setext underline (``---``, ``===``)."""


def md_text(text) -> str:
    r"""Text from the data as Markdown that a CommonMark or GitHub renderer shows exactly as
    written: on one line (a newline would end a table row or a list item), every character that
    could make HTML, a link, emphasis, code, a heading or a table cell backslash-escaped, and
    control characters shown as ``\uXXXX`` (:func:`kg.utils.text.visible`).

    >>> md_text("<script>alert(1)</script>")
    '\\<script\\>alert(1)\\</script\\>'
    >>> md_text("[x](javascript:alert(1)) | *a*\nb")
    '\\[x\\](javascript:alert(1)) \\| \\*a\\* b'
    >>> md_text("- R&D &lt;b&gt;"), md_text("2. Gamma"), md_text("2.5 t"), md_text("Weiqiao Pioneering")
    ('\\- R&D \\&lt;b\\&gt;', '2\\. Gamma', '2.5 t', 'Weiqiao Pioneering')
    >>> md_text(r"C:\data\my_store _x_ \*"), md_text("\x1b]0;title\x07")
    ('C:\\data\\my_store \\_x\\_ \\\\\\*', '\\u001b\\]0;title\\u0007')
    """
    text = _MD_SPECIAL.sub(lambda m: "\\" + m.group(), " ".join(str(text).split()))
    return visible(_MD_LINE_START.sub(lambda m: m.group() + "\\" if m.group()[0].isdigit() else "\\" + m.group(), text))


_CITED = re.compile(r"\\\[(\d+)\\\](?!\()")


def _cited(text: str) -> str:
    r""":func:`md_text` of a note that cites quotes by number (``[3]``): the numbers stay as they
    are where no ``(`` follows (a ``[3]`` alone is never a link: no text from the data can start
    a line, so none can define a link reference).

    >>> _cited("A weakness [3]. [4](javascript:alert(1)) <b>")
    'A weakness [3]. \\[4\\](javascript:alert(1)) \\<b\\>'
    """
    return _CITED.sub(r"[\1]", md_text(text))


def _md_row(cells) -> str:
    return "| " + " | ".join(c if isinstance(c, _Markdown) else md_text(c) for c in cells) + " |"
