"""A view's page data: what a :class:`~kg.render.view.builder.Builder` collected, with ids,
colours, sizes, positions, legend and filters."""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from itertools import zip_longest

from kg.render.text import pct, shorten
from kg.render.view.builder import Builder
from kg.render.view.layout import apart_layout, grouped_layout, vis_options
from kg.render.view.model import (
    APART_NOTE,
    EDGE_STYLES,
    KINDS,
    MAX_QUOTES,
    NO_VALUE_COLOUR,
    PHYSICS_LIMIT,
    RISK_STOPS,
    View,
    view_note,
)
from kg.utils.text import format_number

ESRI_ROW = "systemic risk (ESRI, stated bound, relative to all loaded clusters and their direct partners: as kg risk)"


def encode(builder: Builder, what: str, data_note: str, color_by: str, size_by: str | None, metrics: dict) -> View:
    """The view of what ``builder`` collected, with ids for keys; the heading cites the sources of the
    supply edges drawn. ``metrics`` (measure name -> node -> value) give sizes and risk colours."""
    keys = list(builder.nodes)
    ids = {k: i for i, k in enumerate(keys)}
    big = len(keys) > PHYSICS_LIMIT
    size_values = metrics.get(size_by, {}) if size_by else {}
    vmax = max((v for v in size_values.values() if v is not None and v > 0), default=0)
    risk = metrics.get("esri", {}) if color_by == "risk" else {}
    rmax = max((v for v in risk.values() if v is not None), default=0)
    cluster_keys = {k: (x["clusters"][0] if x["clusters"] else "") for k, x in builder.nodes.items()}
    degree = defaultdict(int)
    neighbours: dict[str, set] = defaultdict(set)
    for e in builder.edges:
        degree[e["from"]] += 1
        degree[e["to"]] += 1
        neighbours[e["from"]].add(e["to"])
        neighbours[e["to"]].add(e["from"])
    spacing = 26 if big else 60
    apart = [k for k in keys if builder.nodes[k].get("apart")]
    apart_set = set(apart)
    positions = grouped_layout([k for k in keys if k not in apart_set], cluster_keys, degree, spacing=spacing)
    apart.sort(key=lambda k: (cluster_keys[k] == "", builder.nodes[k]["cluster_labels"][:1],
                              builder.nodes[k]["outside"], builder.nodes[k]["label"].casefold(), k))
    positions.update(apart_layout(apart, positions, spacing=spacing))
    # a park (or other node) linked only to nodes drawn apart stays where it is put, above
    # them: physics would pull it down into their rows
    still = {k for k in keys if k not in apart_set and neighbours[k] and neighbours[k] <= apart_set}
    nodes = []
    for k in keys:
        x = builder.nodes[k]
        label_, colour, shape, base = KINDS[x["kind"]]
        rows = list(x["rows"])
        size = base
        if x["kind"] == "cluster":
            size = 14 + 6 * math.sqrt(x["weight"])
        if size_by:
            v = size_values.get(k)
            if v is not None:
                rows.append((size_by, pct(v, 2) if size_by == "esri" else format_number(v)))
                size = 8 + 30 * math.sqrt(v / vmax) if vmax > 0 and v > 0 else 8
            elif x["kind"] in ("firm", "group", "cohort"):
                rows.append((size_by, "not known"))
                size = 8
        if color_by == "risk" and x["kind"] in ("firm", "group", "cohort"):
            v = risk.get(k)
            rows.append((ESRI_ROW, pct(v, 2) if v is not None else "not ranked (a cohort, or outside every cluster)"))
            colour = _gradient(v / rmax if rmax > 0 else 0.0) if v is not None else NO_VALUE_COLOUR
        if x["outside"]:
            colour = mix_colours(colour, "#ffffff", 0.45)
        focus = k == builder.focus
        if focus:
            rows.insert(0, ("view", "the firm this view is around"))
        pos = positions[k]
        nodes.append({
            "id": ids[k], "iri": x["iri"], "kind": x["kind"], "label": shorten(x["label"], 60),
            "names": list(dict.fromkeys([x["label"], *x["names"]])),
            "clusters": list(x["clusters"]), "color": colour, "border": mix_colours(colour, "#000000", 0.35),
            "shape": shape, "size": round(size, 2), "outside": x["outside"], "focus": focus,
            "apart": k in apart_set, "still": k in apart_set or k in still, "x": pos[0], "y": pos[1],
            "tip": {"head": x["label"], "sub": label_ + (" \u00b7 outside the view's scope" if x["outside"] else ""),
                    "rows": [[a, str(b)] for a, b in rows],
                    "quotes": [list(q) for q in x["quotes"][:MAX_QUOTES]],
                    "more": (f"\u2026 and {len(x['quotes']) - MAX_QUOTES} more quotes"
                             if len(x["quotes"]) > MAX_QUOTES else "")},
        })
    edges = []
    for i, e in enumerate(builder.edges):
        _, colour, dashes, arrow = EDGE_STYLES[e["style"]]
        edges.append({
            "id": i, "from": ids[e["from"]], "to": ids[e["to"]], "style": e["style"], "label": e["label"],
            "width": round(e["width"], 2), "color": colour, "dashes": dashes, "arrow": arrow,
            "products": e["products"], "iris": e["iris"],
            "tip": {"head": e["head"], "sub": e["sub"], "rows": [[a, str(b)] for a, b in e["rows"]],
                    "quotes": [list(q) for q in e["quotes"]]},
        })
    kinds_present = [k for k in KINDS if any(n["kind"] == k for n in nodes)]
    risk_kinds = ("firm", "group", "cohort") if color_by == "risk" else ()
    legend = [{"type": "node", "kind": k, "label": KINDS[k][0],
               "color": NO_VALUE_COLOUR if k in risk_kinds else KINDS[k][1], "shape": KINDS[k][2]}
              for k in kinds_present]
    if any(n["outside"] for n in nodes):
        legend.append({"type": "node", "kind": "", "label": "outside the scope (lighter, dashed)",
                       "color": mix_colours(KINDS["firm"][1], "#ffffff", 0.45), "shape": "dot", "outside": True})
    if apart:
        legend.append({"type": "note", "label": APART_NOTE})
    styles = [s for s in EDGE_STYLES if any(e["style"] == s for e in edges)]
    legend += [{"type": "edge", "style": s, "label": EDGE_STYLES[s][0], "color": EDGE_STYLES[s][1],
                "line": _line_style(EDGE_STYLES[s][2]), "arrow": EDGE_STYLES[s][3]} for s in styles]
    if color_by == "risk":
        legend.append({"type": "gradient", "label": "colour: systemic risk (ESRI)", "stops": list(RISK_STOPS),
                       "min": "0 %", "max": pct(rmax, 2)})
        legend.append({"type": "note", "label": "grey: risk not known"})
    if size_by:
        legend.append({"type": "note", "label": f"size: {size_by}"})
    elif builder.aggregated:
        legend.append({"type": "note", "label": "size: number of firms and cohorts"})
    if "supply" in styles:
        legend.append({"type": "note", "label": "thicker supply links: larger stated share"})
    cluster_counts: dict[str, int] = defaultdict(int)
    cluster_names: dict[str, str] = {}
    for k in keys:
        x = builder.nodes[k]
        for c, cl in zip_longest(x["clusters"] or [""], x["cluster_labels"][: len(x["clusters"])]):
            cluster_counts[c] += 1
            cluster_names.setdefault(c, cl or builder.facts.label(c) if c else "outside any cluster")
    filters = {
        "kinds": [{"key": k, "label": KINDS[k][0], "count": sum(n["kind"] == k for n in nodes)} for k in kinds_present],
        "clusters": [{"key": c, "label": cluster_names[c], "count": cluster_counts[c]}
                     for c in sorted(cluster_counts, key=lambda c: (c == "", cluster_names[c]))],
    }
    n_agents = sum(n["kind"] in ("firm", "group", "cohort") for n in nodes)
    n_supply = sum(e["style"] in ("supply", "inferred") for e in edges)
    if builder.aggregated:
        n_flows = sum(e["style"] == "flow" for e in edges)
        subtitle = f"{len(nodes)} cluster nodes, {n_flows} flows between them"
    else:
        subtitle = f"{n_agents} firms, groups and cohorts, {n_supply} supply links"
        if apart:
            subtitle += f" ({len(apart)} with no stated supply link, drawn apart below)"
        extra = len(nodes) - n_agents
        if extra:
            subtitle += f", {extra} other nodes"
    subtitle += f" \u00b7 colour: {'systemic risk' if color_by == 'risk' else 'kind'}"
    if size_by:
        subtitle += f" \u00b7 size: {size_by}"
    # no physics when every node stays where it is put (a view without a stated supply link)
    physics = len(nodes) <= PHYSICS_LIMIT and not all(n["still"] for n in nodes)
    sources = set().union(*(e["sources"] for e in builder.edges))  # supply links' and flows' only
    return View(
        title=what, subtitle=subtitle, data_note=view_note(data_note, sources), nodes=nodes, edges=edges, legend=legend,
        filters=filters, physics=physics, edge_labels=not big, options=vis_options(len(nodes), physics),
        edge_layer=not physics,
    )


def _line_style(dashes) -> str:
    """The CSS border style that looks like a vis-network dash pattern."""
    if not dashes:
        return "solid"
    return "dotted" if dashes[0] <= 3 else "dashed"


@functools.lru_cache(maxsize=4096)
def mix_colours(a: str, b: str, t: float) -> str:
    """Colour ``a`` moved a fraction ``t`` towards ``b`` (both ``#rrggbb``)."""
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb))


def _gradient(v: float) -> str:
    v = min(max(float(v), 0.0), 1.0) * (len(RISK_STOPS) - 1)
    i = min(int(v), len(RISK_STOPS) - 2)
    return mix_colours(RISK_STOPS[i], RISK_STOPS[i + 1], v - i)
