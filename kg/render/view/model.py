"""The view model: its options, node kinds and edge styles, colours, limits and :class:`View`.

A :class:`View` is plain data; :mod:`kg.render.view` describes how one is built and shown.
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


NO_LINK = "none stated in the loaded data (the sources name none; this does not mean it has none)"
"""The tooltip row of an agent with no stated supply link (drawn apart, below the others)."""


APART_NOTE = "below, apart: no stated supply link (the sources name none; this does not mean there is none)"
"""The legend line of the agents drawn apart."""


RISK_STOPS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")


NO_VALUE_COLOUR = "#c7c7c7"


MAX_QUOTES = 3


@dataclass
class View:
    """What a view shows: plain data, ready for :func:`~kg.render.view.page.render_html`.

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
    faster to show at 10k nodes and 50k edges; see kg/render/view/templates/view.js). Taken only when
    the view has no physics and no edge labels."""
    note: str | None = None
    """One line for whoever asked for the view when it has nothing to draw (None otherwise)."""


# ====================================================================== small helpers


def view_note(data_note: str, sources: Iterable[str]) -> str:
    """The heading's data note: where the data comes from, then the articles its supply links cite.

    ``sources`` are the links' ``source`` values (a relation's articles joined by "; ", as
    :func:`kg.network.project.supply_network` writes them); each article is counted once.

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
