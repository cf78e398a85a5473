"""The report as Markdown."""

from __future__ import annotations

from kg.render.text import dependency_flags, pct, share_text
from kg.vocab.namespaces import last_segment


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
                            share_text(d),
                            d["volume"] or "unknown",
                            dependency_flags(d),
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
                hit = ", ".join(f"{a['label']} ({pct(a['loss'])})" for a in r["affected"][:3])
                out.append(
                    _md_row(
                        [
                            str(r["rank"]),
                            r["label"],
                            pct(r["esri"]),
                            pct(r["others"]),
                            f"{r['dominated_count']} ({r['dominated_weight']})",
                            "; ".join(r["sole_supplier_of"]),
                            hit,
                        ]
                    )
                )
            out += ["", "Assumptions of these figures:", ""]
            out += [f"- {a}" for a in all_assumptions(c)]
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
            f"- {_md(s['title'] or '')} ({_md(s['identifier'] or last_segment(s['article']))})"
            for s in c["sources"]
        ]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def all_assumptions(cluster: dict) -> list[str]:
    seen = dict.fromkeys(a for r in cluster["top_risks"] for a in r["assumptions"])
    return list(seen)


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _md_row(cells) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"
