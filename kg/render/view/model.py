"""Interactive HTML views of the supply network: offline, safe with any text, usable at 10k nodes.

:func:`build_view` selects what to show from the graph (a cluster, a place, one firm's
neighbourhood, optional extra node kinds), colours and sizes it, and lays it out;
:func:`render_html` turns the :class:`View` into one self-contained HTML page;
:func:`write_view` writes that page atomically.

The page uses vis-network 9.1.2 as bundled in the pyvis package. We take only pyvis's
bundled assets: its ``Network.add_node``/``add_edge`` scan lists (slow at 10k nodes) and
its templates load Bootstrap from a CDN, so the node and edge lists are built here and the
page comes from ``kg/templates/view.html``. Every text from the data reaches the page as
JSON inside a ``<script type="application/json">`` block (with ``<``, ``>`` and ``&``
escaped) and is shown through ``textContent`` or canvas labels, never parsed as HTML.

Large views (no physics, above :data:`PHYSICS_LIMIT` nodes) are made to open fast: the page
draws the edges itself (vis-network's per-edge objects cost seconds at 50k edges, see
``View.edge_layer`` and kg/templates/view.js), the tooltips sit in a block of their own
that is read on first use, and edges travel as columns of numbers.

>>> from kg.render.view.build import view_from_network
>>> from kg.render.view.page import render_html
>>> import networkx as nx
>>> net = nx.DiGraph()
>>> net.add_node("ex:a", kind="firm", label="Alpha <b>", clusters=[], cluster_labels=[])
>>> net.add_node("ex:b", kind="firm", label="Beta", clusters=[], cluster_labels=[])
>>> net.add_edge("ex:a", "ex:b", products=["ex:ingot"],
...              relations=[{"product": "ex:ingot", "product_label": "ingot"}])
>>> view = view_from_network(net)
>>> [(n["id"], n["label"]) for n in view.nodes]
[(0, 'Alpha <b>'), (1, 'Beta')]
>>> [(e["from"], e["to"], e["label"]) for e in view.edges]
[(0, 1, 'ingot')]
>>> html = render_html(view)
>>> "Alpha <b>" in html, "Alpha \\\\u003cb\\\\u003e" in html
(False, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


PHYSICS_LIMIT = 1500
"""Views with more nodes than this get no physics: positions are computed in Python."""


INCLUDE_KINDS = ("products", "projects", "parks", "institutions")


SIZE_MEASURES = ("pagerank", "betweenness", "dominated", "esri", "capacity")


COLOR_MODES = ("kind", "risk")


AGGREGATIONS = ("cluster",)


DIRECTIONS = ("up", "down", "both")


# kind -> (legend label, fill colour, vis-network shape, base size)
KINDS: dict[str, tuple[str, str, str, float]] = {
    "firm": ("firm", "#4e79a7", "dot", 14),
    "group": ("enterprise group", "#f28e2b", "diamond", 19),
    "cohort": ("firm cohort (stated by count)", "#76b7b2", "hexagon", 15),
    "park": ("industrial park", "#59a14f", "square", 14),
    "project": ("investment project", "#edc948", "triangle", 12),
    "product": ("product", "#b07aa1", "star", 13),
    "institution": ("institution or association", "#e15759", "triangleDown", 13),
    "cluster": ("cluster (aggregated)", "#9c755f", "dot", 20),
}


# edge style -> (legend label, colour, dashes, arrow)
EDGE_STYLES: dict[str, tuple[str, str, object, bool]] = {
    "supply": ("supplies (supplier \u2192 customer)", "#4a5a6a", False, True),
    "inferred": ("supplies, inferred by a rule", "#4a5a6a", [6, 4], True),
    "flow": ("supply flow between clusters", "#4a5a6a", False, True),
    "ownership": ("subsidiary of a group", "#f28e2b", [8, 5], False),
    "cooperation": ("cooperation", "#e15759", [2, 4], False),
    "located": ("located in park", "#8fbf88", [3, 3], False),
    "invests": ("invests in project", "#c9a81f", False, True),
    "produces": ("produces", "#b07aa1", [1, 3], True),
}


RISK_STOPS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")


NO_VALUE_COLOUR = "#c7c7c7"


MAX_QUOTES = 3


@dataclass
class View:
    """What a view shows: plain data, ready for :func:`render_html`.

    ``nodes`` and ``edges`` hold small integer ids (``id``, ``from``, ``to``); a node's
    ``iri`` is the entity it shows. ``tip`` is the plain-text tooltip: ``head``, ``sub``,
    ``rows`` (label, value) and ``quotes`` (source file, quote).
    """

    title: str
    subtitle: str
    data_note: str
    nodes: list[dict]
    edges: list[dict]
    legend: list[dict]
    filters: dict
    physics: bool
    edge_labels: bool = True
    options: dict = field(default_factory=dict)
    edge_layer: bool = False
    """The page draws the edges itself instead of vis-network (views without physics: much
    faster to show at 10k nodes and 50k edges; see kg/templates/view.js). Taken only when
    the view has no physics and no edge labels."""


# ====================================================================== small helpers


def view_note(data_note: str, sources: Iterable[str]) -> str:
    """The heading's data note: where the data comes from, then the articles its supply links cite.

    ``sources`` are the links' ``source`` values (a relation's articles joined by "; ", as
    :func:`kg.network.supply_network` writes them); each article is counted once.

    >>> view_note("Data: x", ["b.txt; a.txt", "a.txt", ""])
    'Data: x \u00b7 supply links from 2 source article(s): a.txt; b.txt'
    >>> view_note("Data: x", [])
    'Data: x'
    """
    articles = sorted({a for s in set(sources) if s for a in s.split("; ") if a})
    if not articles:
        return data_note
    cited = f"supply links from {len(articles)} source article(s): " + "; ".join(articles)
    return f"{data_note} \u00b7 {cited}" if data_note else cited
