"""The HTML page of a view: inline vis-network, page data, atomic write."""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
from collections import defaultdict
from pathlib import Path

from kg.errors import ViewError
from kg.render.view.encode import mix_colours
from kg.render.view.model import EDGE_STYLES, KINDS, View
from kg.utils.files import write_atomic
from kg.utils.memory import gc_paused
from kg.vocab.namespaces import compact


def _templates() -> Path:
    return Path(__file__).resolve().parent / "templates"


def vis_assets() -> tuple[str, str, str]:
    """vis-network's JavaScript and CSS from the pyvis package, and its version.

    URLs in license comments and message strings lose their ``http(s)://`` so the page holds
    no external URL; the SVG namespace (an identifier, never fetched) stays.
    """
    # the package's folder, without importing pyvis (which imports jinja2, IPython's traitlets...)
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ViewError("the pyvis package (which bundles vis-network) is not installed")
    package = Path(next(iter(spec.submodule_search_locations))).resolve()
    lib = package / "templates" / "lib"
    if not lib.is_dir():
        lib = package / "lib"
    versions = sorted((p for p in lib.glob("vis-*") if (p / "vis-network.min.js").exists()),
                      key=lambda p: tuple(int(x) for x in re.findall(r"\d+", p.name)))
    if not versions:
        raise ViewError(f"vis-network is not in the pyvis package at {lib}")
    folder = versions[-1]
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S*", "", js)
    js, css = _defang(js), _defang(css)
    for text, end in ((js, "</script"), (css, "</style")):
        if end in text.lower() or "<!--" in text:
            raise ViewError(f"the bundled vis-network asset contains {end!r}; it cannot be inlined")
    return js, css, folder.name.removeprefix("vis-")


def _defang(text: str) -> str:
    return re.sub(r"https?://(?!www\.w3\.org/2000/svg\b)", "", text)


def script_json(data) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` can end it.

    >>> script_json({"a": "</script><!--&"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def page_data(view: View) -> tuple[dict, dict]:
    """What the page's script receives, compact: shared things once, per item only what differs.

    Returns the data the page needs to draw (``#kg-data``) and the tooltips (``#kg-tips``:
    ``nodes`` and ``edges``, one tip each in the same order, and ``quotes``), which are most
    of the bytes and which the page reads only when a tooltip or the info panel needs them.
    A node's or edge's id is its position in its list, so the data leaves ids out.

    Nodes of one kind (and scope) share a vis-network group (shape, colour, border);
    edges come as columns (``from``, ``to``, ``style`` and ``label`` as indexes into
    ``styles`` and ``labels``, -1 for none, ``width`` 0 for the usual 1.5), a few bytes
    each, and take their colour, dashes and arrow from their style; quotes are listed once
    in ``quotes`` and tooltips point to them by index; an edge tooltip's heading
    ("supplier → customer") and subheading (the style's usual one) are left out when the
    page can rebuild them. IRIs are shortened to ``ckr:…`` where a prefix is known.
    """
    quotes: dict[tuple[str, str], int] = {}

    def tip(t: dict) -> dict:
        out = {k: v for k, v in t.items() if k != "quotes" and v not in ("", None)}
        if t.get("quotes"):
            out["quotes"] = [quotes.setdefault((q[0], q[1]), len(quotes)) for q in t["quotes"]]
        return out

    groups: dict[str, dict] = {}
    nodes, node_tips = [], []
    for i, n in enumerate(view.nodes):
        if n["id"] != i:
            raise ViewError(f"node ids must be their positions: node {i} has id {n['id']!r}")
        g = n["kind"] + ("-outside" if n["outside"] else "")
        base = mix_colours(KINDS[n["kind"]][1], "#ffffff", 0.45) if n["outside"] else KINDS[n["kind"]][1]
        groups.setdefault(g, {"shape": n["shape"], "color": base, "border": mix_colours(base, "#000000", 0.35),
                              "dashes": n["outside"]})
        item = {"iri": compact(n["iri"]) if n["iri"] else "", "kind": n["kind"],
                "label": n["label"], "names": [x for x in n["names"] if x != n["label"]],
                "clusters": [compact(c) for c in n["clusters"]], "group": g, "size": n["size"],
                "x": n["x"], "y": n["y"]}
        if n["color"] != groups[g]["color"]:
            item["color"], item["border"] = n["color"], n["border"]
        if n["focus"]:
            item["focus"] = True
        if n.get("apart"):
            item["apart"] = True
        if n.get("still"):
            item["still"] = True
        nodes.append(item)
        node_tips.append(tip(n["tip"]))
    heads = {n["id"]: n["tip"]["head"] for n in view.nodes}
    subs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in view.edges:
        subs[e["style"]][e["tip"].get("sub", "")] += 1
    usual_sub = {style: max(counts, key=counts.get) for style, counts in subs.items()}
    style_names = list(EDGE_STYLES)
    style_index = {s: i for i, s in enumerate(style_names)}
    label_index: dict[str, int] = {}
    edges: dict[str, list] = {"styles": style_names, "labels": [], "from": [], "to": [], "style": [],
                              "width": [], "label": []}
    edge_tips = []
    for i, e in enumerate(view.edges):
        if e["id"] != i:
            raise ViewError(f"edge ids must be their positions: edge {i} has id {e['id']!r}")
        t = tip(e["tip"])
        if t.get("head") == f"{heads[e['from']]} \u2192 {heads[e['to']]}":
            del t["head"]
        if t.get("sub") == usual_sub[e["style"]]:
            del t["sub"]
        edges["from"].append(e["from"])
        edges["to"].append(e["to"])
        edges["style"].append(style_index[e["style"]])
        edges["width"].append(0 if e["width"] == 1.5 else e["width"])
        edges["label"].append(label_index.setdefault(e["label"], len(label_index)) if e["label"] else -1)
        edge_tips.append(t)
    edges["labels"] = list(label_index)
    styles = {s: {"color": c, "dashes": d, "arrow": a, "sub": usual_sub.get(s, "")}
              for s, (_, c, d, a) in EDGE_STYLES.items()}
    filters = {"kinds": view.filters["kinds"],
               "clusters": [{**c, "key": compact(c["key"])} for c in view.filters["clusters"]]}
    data = {
        "title": view.title, "subtitle": view.subtitle, "data_note": view.data_note,
        "nodes": nodes, "edges": edges, "groups": groups,
        "edge_styles": styles, "legend": view.legend, "filters": filters, "physics": view.physics,
        "physics_timeout_ms": 20000, "edge_labels": view.edge_labels,
        # the page's own edges are neither springs nor labelled: only for views without either
        "edge_layer": view.edge_layer and not view.physics and not view.edge_labels,
        "options": view.options,
    }
    return data, {"nodes": node_tips, "edges": edge_tips, "quotes": [list(q) for q in quotes]}


def render_html(view: View) -> str:
    """The view as one self-contained HTML page (vis-network inline, no external URL)."""
    js, css, version = vis_assets()
    template = (_templates() / "view.html").read_text(encoding="utf-8")
    view_js = (_templates() / "view.js").read_text(encoding="utf-8")
    with gc_paused():
        data, tips = page_data(view)
        parts = {
            "TITLE": html.escape(view.title, quote=True),
            "VIS_VERSION": html.escape(version),
            "VIS_CSS": css,
            "VIS_JS": js,
            "VIEW_JS": view_js,
            "DATA": script_json(data),
            "TIPS": script_json(tips),
        }
    # one pass, so text put in is never scanned for placeholders again
    return re.sub(r"@@KG_([A-Z_]+)@@", lambda m: parts[m.group(1)], template)


def write_view(view: View, path: str | os.PathLike) -> Path:
    """Write the view's page to ``path`` atomically (an earlier file survives a failed write)."""
    return write_atomic(path, render_html(view))
