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

import functools
import importlib
import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

from .engine import gc_paused
from .errors import KGError, UnknownCluster, UnknownName

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


class ViewError(KGError):
    """A view cannot be built as asked (unknown option, conflicting scope)."""


class AnalyticsUnavailable(ViewError):
    """A size or colour option needs an analytics module that is not installed yet."""


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


# ====================================================================== facts from RDF


@dataclass
class Facts:
    """What the view needs from the RDF graph beyond the supply network."""

    labels: dict = field(default_factory=dict)  # iri -> {"en": str, "zh": str, "alt": [str]}
    types: dict = field(default_factory=lambda: defaultdict(set))  # iri -> {kind words}
    evidence: dict = field(default_factory=lambda: defaultdict(list))  # iri -> [(file, quote)]
    located: dict = field(default_factory=lambda: defaultdict(set))  # iri -> {place iri}
    in_cluster: dict = field(default_factory=lambda: defaultdict(set))  # iri -> {cluster}
    projects: dict = field(default_factory=dict)  # iri -> {investors, products, status, year}
    quantities: dict = field(default_factory=lambda: defaultdict(list))  # iri -> [(prop, text)]
    cooperations: list = field(default_factory=list)  # [{iri, partners, kind}]
    group_links: list = field(default_factory=list)  # [(subsidiary, group)]
    essential: object = None  # kg.esri.EssentialMap, when risk is asked for

    def label(self, iri: str) -> str:
        entry = self.labels.get(iri)
        if entry and (entry.get("en") or entry.get("zh")):
            return entry.get("en") or entry.get("zh")
        return _local_name(iri)

    def kind(self, iri: str) -> str | None:
        t = self.types.get(iri, ())
        for k in ("park", "project", "institution", "cluster", "region", "product"):
            if k in t:
                return k
        return None


_TYPE_KINDS = {
    "IndustrialPark": "park",
    "DevelopmentZone": "park",
    "Project": "project",
    "ResearchInstitution": "institution",
    "Association": "institution",
    "IndustrialCluster": "cluster",
    "Country": "region",
    "Province": "region",
    "City": "region",
    "County": "region",
    "Region": "region",
    "Product": "product",
}

_Q_LABELS = "SELECT ?e ?p ?l WHERE { VALUES ?p { skos:prefLabel skos:altLabel } ?e ?p ?l }"
_Q_TYPES = "SELECT ?e ?t WHERE { VALUES ?t { " + " ".join(f"ckg:{t}" for t in _TYPE_KINDS) + " } ?e a ?t }"
_Q_EVIDENCE = """SELECT ?e ?quote ?file WHERE {
  VALUES ?t { ckg:Firm ckg:EnterpriseGroup ckg:FirmCohort ckg:IndustrialPark ckg:DevelopmentZone
              ckg:Project ckg:ResearchInstitution ckg:Association ckg:Cooperation ckg:Agent }
  ?e a ?t ; prov:wasDerivedFrom ?ev . ?ev prov:value ?quote .
  OPTIONAL { ?ev prov:hadPrimarySource ?a . ?a dcterms:identifier ?file }
}"""
_Q_PLACES = """SELECT ?e ?p ?o WHERE {
  VALUES ?p { ckg:locatedIn ckg:headquarteredIn ckg:inCluster }
  ?e ?p ?o }"""
_Q_PROJECTS = """SELECT ?e ?p ?o WHERE {
  ?e a ckg:Project . VALUES ?p { ckg:investor ckg:product ckg:status ckg:year } ?e ?p ?o }"""
_Q_QUANTITIES = """SELECT ?e ?p ?value ?unit ?wording ?period WHERE {
  VALUES ?p { ckg:capacity ckg:output ckg:outputValue ckg:investment }
  ?e ?p ?q .
  OPTIONAL { ?q qudt:numericValue ?value } OPTIONAL { ?q qudt:unit ?unit }
  OPTIONAL { ?q ckg:originalWording ?wording } OPTIONAL { ?q ckg:period ?period }
}"""
_Q_COOPERATIONS = """SELECT ?c ?partner ?kind WHERE {
  ?c a ckg:Cooperation ; ckg:partner ?partner . OPTIONAL { ?c ckg:cooperationKind ?kind } }"""


def rdf_facts(graph) -> Facts:
    """Collect labels, places, evidence, projects and cooperations from ``graph`` (a few queries).

    Nothing depends on the order the store returns rows in (an in-memory store and one on
    disk differ, and so do the whole graph and a neighbourhood of it): where an entity has
    several values and one is taken, it is the smallest; quotes and quantities are sorted.
    """
    from .network import group_links
    from .ontology import sparql_prologue

    def rows(q):
        return graph.query(sparql_prologue() + q)

    f = Facts()
    for e, p, lit in rows(_Q_LABELS):
        entry = f.labels.setdefault(str(e), {"en": None, "zh": None, "alt": []})
        lang = (getattr(lit, "language", None) or "").lower()
        text = str(lit)
        if str(p).endswith("prefLabel"):
            if lang.startswith("zh"):
                entry["zh"] = min(entry["zh"], text) if entry["zh"] else text
            elif lang in ("", "en") or lang.startswith("en"):
                entry["en"] = min(entry["en"], text) if entry["en"] else text
            else:
                entry["alt"].append(text)
        else:
            entry["alt"].append(text)
    for entry in f.labels.values():
        entry["alt"] = sorted(set(entry["alt"]))
    for e, t in rows(_Q_TYPES):
        f.types[str(e)].add(_TYPE_KINDS[_local_name(str(t))])
    for e, quote, file in rows(_Q_EVIDENCE):
        f.evidence[str(e)].append((str(file) if file is not None else "", str(quote)))
    for quotes in f.evidence.values():  # as a supply link's: by source, then quote
        quotes.sort()
    for e, p, o in rows(_Q_PLACES):
        prop = _local_name(str(p))
        (f.in_cluster if prop == "inCluster" else f.located)[str(e)].add(str(o))
    for e, p, o in rows(_Q_PROJECTS):
        proj = f.projects.setdefault(str(e), {"investors": set(), "products": set(), "status": None, "year": None})
        prop = _local_name(str(p))
        if prop == "investor":
            proj["investors"].add(str(o))
        elif prop == "product":
            proj["products"].add(str(o))
        else:
            proj[prop] = min(proj[prop], str(o)) if proj[prop] is not None else str(o)
    for e, p, value, unit, wording, period in rows(_Q_QUANTITIES):
        f.quantities[str(e)].append(
            (_local_name(str(p)), _quantity_text(value, unit, wording, period))
        )
    for quantities in f.quantities.values():
        quantities.sort()
    coops: dict[str, dict] = {}
    for c, partner, kind in rows(_Q_COOPERATIONS):
        co = coops.setdefault(str(c), {"iri": str(c), "partners": set(), "kind": None})
        co["partners"].add(str(partner))
        if kind is not None:
            co["kind"] = min(co["kind"], str(kind)) if co["kind"] is not None else str(kind)
    f.cooperations = [coops[k] for k in sorted(coops)]
    f.group_links = [(str(s), str(g)) for s, g in group_links(graph)]
    return f


def _quantity_text(value, unit, wording, period) -> str:
    if wording is not None:
        text = str(wording)
    elif value is not None:
        text = f"{_number(float(value.toPython()))} {_local_name(str(unit)) if unit is not None else ''}".strip()
    else:
        text = "(no value)"
    return f"{text} ({period})" if period is not None else text


# ====================================================================== building a view


def build_view(
    graph,
    *,
    cluster: str | None = None,
    around: str | None = None,
    depth: int = 1,
    direction: str = "both",
    include: Iterable[str] = (),
    color_by: str = "kind",
    size_by: str | None = None,
    aggregate: str | None = None,
    data_note: str | None = None,
    whole_network: bool = False,
) -> View:
    """A view of the supply network of ``graph``.

    - ``cluster``: a cluster, park, county, city or province (IRI, ``ckr:`` name or label);
      the view shows the firms and cohorts in it that have supply or group links, and the
      firms outside it that they trade with (drawn lighter, with a dashed border).
    - ``around``: a firm (IRI or name); the view shows its suppliers (``direction="up"``),
      its customers (``"down"``) or both, up to ``depth`` steps, and its group.
    - ``include``: add ``products``, ``projects``, ``parks`` (every park in scope and its
      firms; parks holding a shown firm are always drawn), ``institutions``.
    - ``color_by``: ``"kind"`` or ``"risk"`` (ESRI, from kg/esri.py);
      ``size_by``: pagerank, betweenness, dominated, esri or capacity.
    - ``aggregate="cluster"``: one node per cluster and the supply flows between them.
    - ``data_note``: where the data comes from, for the heading.

    A view ``around`` a firm on an Oxigraph-backed graph (a ``--store``, or the data in
    memory) reads only the firm's neighbourhood (:func:`neighbourhood_store`), not the
    whole network, and shows exactly what the whole network would: it is coloured by kind
    and sized by kind, so nothing in it depends on firms outside the neighbourhood. Sizes
    (``size_by``), risk colours and ``aggregate`` need values over the whole network
    (a PageRank, the largest capacity as the scale, the firms' degrees), so with those
    options, on other graphs (a remote endpoint), with ``whole_network=True``, or when the
    neighbourhood is a large part of the network (see :data:`LOCAL_SHARE`), the whole
    network is projected as for every other view. The heading cites the source articles of
    the supply links the view draws (see :func:`view_from_network`), not those of the graph.

    Raises :class:`ViewError` for a bad option, :class:`kg.errors.UnknownName` (or
    ``UnknownCluster``) for a cluster or firm that is not in the graph,
    :class:`AnalyticsUnavailable` when a measure's module is missing.
    """
    from .network import cluster_members, resolve_cluster, supply_network
    from .store import oxigraph_store

    include = tuple(include)
    _check_options(include, color_by, size_by, aggregate, direction, depth, cluster, around)
    ox_store = oxigraph_store(graph)
    if (around is not None and not whole_network and ox_store is not None
            and _local(color_by, size_by, aggregate)):
        try:
            return _around_view(graph, ox_store, around, depth, direction, include, data_note)
        except NotLocal:
            pass  # a large part of the network, or blank nodes: read the whole of it
    net = supply_network(graph)
    facts = rdf_facts(graph)
    members = None
    if cluster is not None:
        cluster = resolve_cluster(graph, cluster)
        members = cluster_members(graph, cluster)
    if around is not None:
        from .names import resolve

        match = resolve(graph, around, kinds=set(AROUND_KINDS))
        if match.iri not in net:
            raise ViewError(f"{match.label} is in no supply relation, so it has no neighbourhood to view")
        around = match.iri
    if color_by == "risk" or size_by == "esri":
        esri_module = _optional_module("kg.esri")
        if esri_module is not None and hasattr(esri_module, "essential_map"):
            facts.essential = esri_module.essential_map(graph)
    return view_from_network(
        net, facts=facts, cluster=cluster, members=members, around=around, depth=depth,
        direction=direction, include=include, color_by=color_by, size_by=size_by,
        aggregate=aggregate, data_note=data_note or DATA_NOTE,
    )


DATA_NOTE = "Data: the graph given"
"""The heading's data note when :func:`build_view` is not told where the data comes from."""


def _note(data_note: str, sources: Iterable[str]) -> str:
    """The heading's data note: where the data comes from, then the articles its supply links cite.

    ``sources`` are the links' ``source`` values (a relation's articles joined by "; ", as
    :func:`kg.network.supply_network` writes them); each article is counted once.

    >>> _note("Data: x", ["b.txt; a.txt", "a.txt", ""])
    'Data: x \u00b7 supply links from 2 source article(s): a.txt; b.txt'
    >>> _note("Data: x", [])
    'Data: x'
    """
    articles = sorted({a for s in set(sources) if s for a in s.split("; ") if a})
    if not articles:
        return data_note
    cited = f"supply links from {len(articles)} source article(s): " + "; ".join(articles)
    return f"{data_note} \u00b7 {cited}" if data_note else cited


def _check_options(include, color_by, size_by, aggregate, direction, depth, cluster, around) -> None:
    bad = sorted(set(include) - set(INCLUDE_KINDS))
    if bad:
        raise ViewError(f"cannot include {', '.join(bad)}; choose from {', '.join(INCLUDE_KINDS)}")
    if color_by not in COLOR_MODES:
        raise ViewError(f"cannot colour by {color_by!r}; choose from {', '.join(COLOR_MODES)}")
    if size_by is not None and size_by not in SIZE_MEASURES:
        raise ViewError(f"cannot size by {size_by!r}; choose from {', '.join(SIZE_MEASURES)}")
    if aggregate is not None and aggregate not in AGGREGATIONS:
        raise ViewError(f"cannot aggregate by {aggregate!r}; choose from {', '.join(AGGREGATIONS)}")
    if direction not in DIRECTIONS:
        raise ViewError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if depth < 1:
        raise ViewError("depth must be at least 1")
    if cluster is not None and around is not None:
        raise ViewError("give a cluster or a firm to view around, not both")
    if aggregate is not None and (include or size_by or color_by != "kind"):
        raise ViewError("an aggregated view draws clusters only: it takes no include, size or risk colour")


def view_from_network(
    net,
    *,
    facts: Facts | None = None,
    cluster: str | None = None,
    around: str | None = None,
    depth: int = 1,
    direction: str = "both",
    include: Iterable[str] = (),
    color_by: str = "kind",
    size_by: str | None = None,
    aggregate: str | None = None,
    data_note: str = "",
    members: set[str] | None = None,
) -> View:
    """A view of a supply network (a ``networkx.DiGraph`` as ``kg.network.supply_network`` returns).

    ``facts`` (from :func:`rdf_facts`) adds labels, places, projects, institutions and
    quotes; without it the view shows the network's own attributes. ``members`` are the
    IRIs in ``cluster`` (``kg.network.cluster_members``); without it a cluster's members
    are the nodes whose ``clusters`` hold it.

    The heading (``View.data_note``) is ``data_note`` followed by the source articles of the
    supply links the view draws: the relations of its supply edges or, in an aggregated
    view, of the flows it draws between clusters (not the links inside a cluster, which its
    node only counts). Nothing outside the view is read for them, so a view around a firm
    cites the same articles whether it was drawn from the firm's neighbourhood or from the
    whole network.

    >>> import networkx as nx
    >>> net = nx.DiGraph()
    >>> for a, b, src in [("ex:a", "ex:b", "one.txt"), ("ex:b", "ex:c", "two.txt; one.txt"),
    ...                   ("ex:c", "ex:d", "three.txt")]:
    ...     net.add_edge(a, b, relations=[{"product": None, "source": src}])
    >>> view_from_network(net, around="ex:a", data_note="Data: example").data_note
    'Data: example \u00b7 supply links from 1 source article(s): one.txt'
    >>> view_from_network(net, around="ex:b").data_note
    'supply links from 2 source article(s): one.txt; two.txt'
    """
    include = tuple(include)
    _check_options(include, color_by, size_by, aggregate, direction, depth, cluster, around)
    facts = facts or Facts()
    with gc_paused():
        b, what = _collect(net, facts, cluster, around, depth, direction, include, aggregate, members)
    metrics = _metrics(net, color_by, size_by, facts.essential) if aggregate is None else {}
    with gc_paused():
        return b.finish(what, data_note, color_by, size_by, metrics)


def _collect(net, facts, cluster, around, depth, direction, include, aggregate, members):
    """The builder holding what the view shows, and the view's title."""
    b = _Builder(net, facts)
    if around is not None:
        if around not in net:
            raise UnknownName(around, [])
        b.select_around(around, depth, direction)
        what = _around_title(b, around, depth, direction)
    elif cluster is not None:
        b.select_scope(cluster, members)
        what = f"Supply network of {b.label(cluster)}"
    else:
        b.select_all()
        what = "Supply network of all clusters"
    if aggregate == "cluster":
        b.aggregate_clusters()
        if around is not None:
            what = what.replace("Supply network", "Supply flows between clusters", 1)
        elif cluster is not None:
            what = f"Supply flows between {b.label(cluster)} and other clusters"
        else:
            what = "Supply flows between clusters"
    else:
        b.add_ownership()
        b.add_parks(all_in_scope="parks" in include)
        if "institutions" in include:
            b.add_institutions()
        b.add_cooperations()
        if "projects" in include:
            b.add_projects()
        if "products" in include:
            b.add_products()
    return b, what


def _around_title(b, around, depth, direction) -> str:
    steps = f"{depth} step{'s' if depth > 1 else ''}"
    which = {"up": "suppliers", "down": "customers", "both": "suppliers and customers"}[direction]
    return f"Supply network around {b.label(around)}: {which}, {steps}"


class _Builder:
    """Collects the nodes and edges of one view (keys are IRIs until :meth:`finish`)."""

    def __init__(self, net, facts: Facts):
        self.net, self.facts = net, facts
        self.nodes: dict[str, dict] = {}
        self.edges: list[dict] = []
        self.scope: set[str] | None = None  # agents in scope (None: everything)
        self.members: set[str] | None = None  # everything in the cluster (parks, projects too)
        self.focus: str | None = None
        self.aggregated = False

    # ---------------------------------------------------------------- names
    def label(self, iri: str) -> str:
        if iri in self.net and self.net.nodes[iri].get("label"):
            return str(self.net.nodes[iri]["label"])
        return self.facts.label(iri)

    def in_scope(self, iri: str) -> bool:
        return self.scope is None or iri in self.scope

    def place_in_scope(self, iri: str) -> bool:
        """Whether a park, project or institution belongs to the scope of a cluster view."""
        if self.members is None:
            return self.scope is None
        return iri in self.members

    # ---------------------------------------------------------------- selection
    def _has_links(self, n: str) -> bool:
        return self.net.degree(n) > 0 or n in self._owned

    @property
    def _owned(self) -> set[str]:
        if not hasattr(self, "_owned_cache"):
            self._owned_cache = {x for link in self.facts.group_links for x in link if x in self.net}
        return self._owned_cache

    def select_all(self) -> None:
        for n in self.net:
            if self._has_links(n):
                self.add_agent(n)
        for u, v in self.net.edges:
            if u in self.nodes and v in self.nodes:
                self.add_supply(u, v)

    def select_scope(self, target: str, members: set[str] | None) -> None:
        if members is None:
            members = {n for n, d in self.net.nodes(data=True) if target in (d.get("clusters") or ())}
            if not members:
                raise UnknownCluster(target, sorted({c for _, d in self.net.nodes(data=True)
                                                     for c in d.get("cluster_labels") or ()}))
        self.members = set(members)
        self.scope = {n for n in self.members if n in self.net}
        core = [n for n in sorted(self.scope) if self._has_links(n)]
        for n in core:
            self.add_agent(n)
        for n in core:
            for m in list(self.net.predecessors(n)) + list(self.net.successors(n)):
                self.add_agent(m)
        for u, v in self.net.edges:
            if (u in self.scope or v in self.scope) and u in self.nodes and v in self.nodes:
                self.add_supply(u, v)

    def select_around(self, firm: str, depth: int, direction: str) -> None:
        self.focus = firm
        keep = {firm}
        for step in ("up", "down"):
            if direction not in (step, "both"):
                continue
            frontier = {firm}
            for _ in range(depth):
                nxt = set()
                for n in frontier:
                    nxt.update(self.net.predecessors(n) if step == "up" else self.net.successors(n))
                nxt -= keep
                keep |= nxt
                frontier = nxt
        self.scope = keep
        for n in sorted(keep):
            self.add_agent(n)
        # sorted: a subgraph view walks its nodes in the order of the set it was given (which
        # depends on the process's string hashing) when they are under half the graph
        for u, v in sorted(self.net.subgraph(keep).edges):
            self.add_supply(u, v)
        for sub, group in self.facts.group_links:  # the firm's own group and subsidiaries
            if firm in (sub, group) and sub in self.net and group in self.net:
                self.add_agent(sub)
                self.add_agent(group)

    # ---------------------------------------------------------------- nodes
    def add_agent(self, n: str) -> None:
        if n in self.nodes:
            return
        d = self.net.nodes[n]
        kind = {"association": "institution", "agent": "firm"}.get(d.get("kind"), d.get("kind") or "firm")
        if kind not in KINDS:
            kind = "firm"
        rows = []
        if d.get("label_zh"):
            rows.append(("Chinese name", d["label_zh"]))
        if d.get("aliases"):
            rows.append(("also called", "; ".join(map(str, d["aliases"]))))
        cl_labels = list(d.get("cluster_labels") or [self.facts.label(c) for c in d.get("clusters") or ()])
        if cl_labels:
            rows.append(("cluster", "; ".join(map(str, cl_labels))))
        if d.get("region"):
            rows.append(("region", self._name(d["region"])))
        parks = [p for p in sorted(self.facts.located.get(n, ())) if self.facts.kind(p) == "park"]
        if parks:
            rows.append(("park", "; ".join(self.facts.label(p) for p in parks)))
        if d.get("capacity") is not None:
            rows.append(("capacity", f"{_number(d['capacity'])} t/yr"))
        if d.get("output_value") is not None:
            rows.append(("output value", _money(d["output_value"])))
        if d.get("member_count") is not None:
            rows.append(("members", f"{d['member_count']} firms"))
        products = d.get("products") or []
        if products:
            rows.append(("products", "; ".join(self.facts.label(p) for p in products)))
        names = [str(d.get("label") or ""), str(d.get("label_zh") or ""), *map(str, d.get("aliases") or ())]
        self.nodes[n] = {
            "iri": n, "kind": kind, "label": str(d.get("label") or self.facts.label(n)),
            "names": [x for x in names if x], "clusters": list(d.get("clusters") or ()),
            "cluster_labels": cl_labels, "rows": rows, "quotes": self._quotes(n),
            "outside": not self.in_scope(n), "weight": d.get("weight") or 1,
        }

    def _name(self, value) -> str:
        text = str(value)
        return self.facts.label(text) if text in self.facts.labels else text

    def _quotes(self, iri: str) -> list[tuple[str, str]]:
        return list(dict.fromkeys(self.facts.evidence.get(iri, ())))

    def add_entity(self, iri: str, kind: str, rows: list | None = None) -> None:
        """A park, project, institution or product node from the RDF facts."""
        if iri in self.nodes:
            return
        lab = self.facts.labels.get(iri, {})
        clusters = sorted(self.facts.in_cluster.get(iri, ()))
        rows = list(rows or [])
        if lab.get("zh"):
            rows.insert(0, ("Chinese name", lab["zh"]))
        if lab.get("alt"):
            rows.insert(1 if lab.get("zh") else 0, ("also called", "; ".join(lab["alt"])))
        if clusters:
            rows.append(("cluster", "; ".join(self.facts.label(c) for c in clusters)))
        places = [p for p in sorted(self.facts.located.get(iri, ()))]
        if places:
            rows.append(("located in", "; ".join(self.facts.label(p) for p in places)))
        for prop, text in self.facts.quantities.get(iri, ()):
            rows.append(({"outputValue": "output value"}.get(prop, prop), text))
        names = [self.facts.label(iri), lab.get("zh") or "", *lab.get("alt", ())]
        self.nodes[iri] = {
            "iri": iri, "kind": kind, "label": self.facts.label(iri), "names": [x for x in names if x],
            "clusters": clusters, "cluster_labels": [self.facts.label(c) for c in clusters], "rows": rows,
            "quotes": self._quotes(iri), "outside": False, "weight": 1,
        }

    # ---------------------------------------------------------------- edges
    def add_supply(self, u: str, v: str) -> None:
        d = self.net.edges[u, v]
        rels = list(d.get("relations") or ())
        products = [r.get("product_label") or self.facts.label(r.get("product") or "") for r in rels if r.get("product")]
        if not products:
            products = [self.facts.label(p) for p in d.get("products") or ()]
        products = list(dict.fromkeys(products))
        rows, quotes = [], []
        for r in rels:
            if r.get("product"):
                rows.append(("product", r.get("product_label") or self.facts.label(r["product"])))
            if r.get("share") is not None:
                share = f"{float(r['share']) * 100:.0f}%"
                rows.append(("share", share + (f" (\u201c{r['share_wording']}\u201d)" if r.get("share_wording") else "")))
            elif r.get("share_wording"):
                rows.append(("share", f"\u201c{r['share_wording']}\u201d"))
            if r.get("volume") is not None:
                rows.append(("volume", f"{_number(r['volume'])} {_unit(r.get('volume_unit'))}".strip()))
            if r.get("inferred"):
                rule = r.get("rule")
                rows.append(("inferred", self.facts.label(str(rule)) if rule else "yes"))
            if r.get("quote"):
                quotes.append((str(r.get("source") or ""), str(r["quote"])))
        inferred = bool(rels) and all(r.get("inferred") for r in rels)
        shares = [float(r["share"]) for r in rels if r.get("share") is not None]
        width = 1.5 + 2.5 * max(shares) if shares else 1.5
        self.edges.append({
            "from": u, "to": v, "style": "inferred" if inferred else "supply",
            "label": _shorten(", ".join(products), 40), "width": width,
            "head": f"{self.label(u)} \u2192 {self.label(v)}", "sub": "supply link" + (" (inferred)" if inferred else ""),
            "rows": rows, "quotes": list(dict.fromkeys(quotes)), "products": products,
            "iris": [r.get("iri") for r in rels if r.get("iri")],
            "sources": {r["source"] for r in rels if r.get("source")},
        })

    def add_link(self, u: str, v: str, style: str, head: str, sub: str, rows=(), quotes=(), label: str = "") -> None:
        self.edges.append({"from": u, "to": v, "style": style, "label": label, "width": 1.2, "head": head,
                           "sub": sub, "rows": list(rows), "quotes": list(quotes), "products": [], "iris": [],
                           "sources": set()})

    def add_ownership(self) -> None:
        agents = {n for n, x in self.nodes.items() if x["kind"] in ("firm", "group", "cohort")}
        for sub, group in self.facts.group_links:
            if sub not in self.net or group not in self.net:
                continue
            # a group link into the scope brings its other end along (drawn as outside if it is)
            if self.focus is None and (sub in agents or group in agents) and (
                self.in_scope(sub) or self.in_scope(group)
            ):
                self.add_agent(sub)
                self.add_agent(group)
            if sub in self.nodes and group in self.nodes:
                self.add_link(group, sub, "ownership", f"{self.label(sub)} is a subsidiary of {self.label(group)}",
                              "group \u2013 subsidiary")

    def add_parks(self, *, all_in_scope: bool) -> None:
        shown = [n for n, x in self.nodes.items() if x["kind"] in ("firm", "group", "cohort")]
        if all_in_scope:
            parks = [p for p, kinds in self.facts.types.items() if "park" in kinds and self.place_in_scope(p)]
            for p in sorted(parks):
                self.add_entity(p, "park")
            for n in sorted(self.net):  # every firm of those parks, even without links
                if self.facts.located.get(n, set()) & set(parks):
                    self.add_agent(n)
            shown = [n for n, x in self.nodes.items() if x["kind"] in ("firm", "group", "cohort")]
        for n in shown:
            for p in sorted(self.facts.located.get(n, ())):
                if self.facts.kind(p) == "park":
                    self.add_entity(p, "park")
                    self.add_link(n, p, "located", f"{self.label(n)} is in {self.facts.label(p)}", "located in park")

    def add_institutions(self) -> None:
        partners = {p for co in self.facts.cooperations if co["partners"] & set(self.nodes) for p in co["partners"]}
        for i, kinds in sorted(self.facts.types.items()):
            if "institution" in kinds and (i in partners or (self.focus is None and self.place_in_scope(i))):
                self.add_entity(i, "institution")

    def add_cooperations(self) -> None:
        for co in self.facts.cooperations:
            members = sorted(p for p in co["partners"] if p in self.nodes)
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    rows = [("kind", co["kind"])] if co["kind"] else []
                    self.add_link(a, b, "cooperation", f"{self.label(a)} \u2013 {self.label(b)}", "cooperation",
                                  rows, self._quotes(co["iri"]))

    def add_projects(self) -> None:
        for p, info in sorted(self.facts.projects.items()):
            investors = sorted(i for i in info["investors"] if i in self.nodes)
            if not investors and not (self.focus is None and self.place_in_scope(p)):
                continue
            rows = []
            if info.get("status"):
                rows.append(("status", self.facts.label(info["status"])))
            if info.get("year"):
                rows.append(("year", info["year"]))
            if info["investors"]:
                rows.append(("investors", "; ".join(self.label(i) for i in sorted(info["investors"]))))
            if info["products"]:
                rows.append(("products", "; ".join(self.facts.label(x) for x in sorted(info["products"]))))
            self.add_entity(p, "project", rows)
            for i in investors:
                self.add_link(i, p, "invests", f"{self.label(i)} invests in {self.facts.label(p)}", "investor")
            for place in sorted(self.facts.located.get(p, ())):
                if place in self.nodes and self.nodes[place]["kind"] == "park":
                    self.add_link(p, place, "located", f"{self.facts.label(p)} is in {self.facts.label(place)}",
                                  "located in park")

    def add_products(self) -> None:
        pairs = []
        for n, x in list(self.nodes.items()):
            if x["kind"] in ("firm", "group", "cohort"):
                pairs += [(n, p) for p in self.net.nodes[n].get("products") or ()]
            elif x["kind"] == "project":
                pairs += [(n, p) for p in sorted(self.facts.projects.get(n, {}).get("products", ()))]
        for n, p in pairs:
            self.add_entity(p, "product")
            self.add_link(n, p, "produces", f"{self.label(n)} \u2192 {self.facts.label(p)}",
                          "produces" if self.nodes[n]["kind"] != "project" else "project product")

    # ---------------------------------------------------------------- aggregation
    def aggregate_clusters(self) -> None:
        """Replace the firms by one node per cluster and the supply flows between clusters."""
        agents, supply = self.nodes, self.edges
        self.nodes, self.edges, self.aggregated = {}, [], True

        def key(n):
            cl = agents[n]["clusters"]
            return cl[0] if cl else ""

        members: dict[str, list[str]] = defaultdict(list)
        for n in agents:
            members[key(n)].append(n)
        flows: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for e in supply:
            flows[key(e["from"]), key(e["to"])].append(e)
        for c in sorted(members, key=lambda c: (c == "", c)):
            ns = members[c]
            label = (agents[ns[0]]["cluster_labels"] or [self.facts.label(c)])[0] if c else "outside any cluster"
            inner = flows.get((c, c), [])
            firms = sum(1 for n in ns if agents[n]["kind"] != "cohort")
            cohort_members = sum(int(self.net.nodes[n].get("member_count") or 0) for n in ns
                                 if agents[n]["kind"] == "cohort")
            top = sorted(ns, key=lambda n: (-self.net.degree(n), agents[n]["label"]))[:5]
            rows = [("firms and groups", firms), ("cohorts", f"{len(ns) - firms} ({cohort_members} firms)"),
                    ("supply links inside", len(inner)),
                    ("most linked", "; ".join(agents[n]["label"] for n in top))]
            self.nodes[c or "(none)"] = {
                "iri": c, "kind": "cluster", "label": label, "names": [label, *(n for n in [c] if n)],
                "clusters": [c] if c else [], "cluster_labels": [label] if c else [], "rows": rows,
                "quotes": [], "outside": not c, "weight": len(ns),
            }
        for (a, b), es in sorted(flows.items()):
            if a == b:
                continue
            products = sorted({p for e in es for p in e["products"]})
            ka, kb = a or "(none)", b or "(none)"
            self.edges.append({
                "from": ka, "to": kb, "style": "flow", "label": f"{len(es)} link{'s' if len(es) > 1 else ''}",
                "width": 1 + 2 * math.log2(1 + len(es)),
                "head": f"{self.nodes[ka]['label']} \u2192 {self.nodes[kb]['label']}", "sub": "supply flow",
                "rows": [("supply links", len(es)), ("products", "; ".join(products) or "(not stated)"),
                         ("firms", "; ".join(_shorten(f"{agents[e['from']]['label']} \u2192 {agents[e['to']]['label']}", 80)
                                             for e in es[:8]) + ("; \u2026" if len(es) > 8 else ""))],
                "quotes": [], "products": products, "iris": [],
                "sources": set().union(*(e["sources"] for e in es)),
            })

    # ---------------------------------------------------------------- finishing
    def finish(self, what: str, data_note: str, color_by: str, size_by: str | None, metrics: dict) -> View:
        """The view, with ids for keys; the heading cites the sources of the supply edges drawn."""
        keys = list(self.nodes)
        ids = {k: i for i, k in enumerate(keys)}
        big = len(keys) > PHYSICS_LIMIT
        size_values = metrics.get(size_by, {}) if size_by else {}
        vmax = max((v for v in size_values.values() if v is not None and v > 0), default=0)
        risk = metrics.get("esri", {}) if color_by == "risk" else {}
        rmax = max((v for v in risk.values() if v is not None), default=0)
        cluster_keys = {k: (x["clusters"][0] if x["clusters"] else "") for k, x in self.nodes.items()}
        degree = defaultdict(int)
        for e in self.edges:
            degree[e["from"]] += 1
            degree[e["to"]] += 1
        positions = grouped_layout(keys, cluster_keys, degree, spacing=26 if big else 60)
        nodes = []
        for k in keys:
            x = self.nodes[k]
            label_, colour, shape, base = KINDS[x["kind"]]
            rows = list(x["rows"])
            size = base
            if x["kind"] == "cluster":
                size = 14 + 6 * math.sqrt(x["weight"])
            if size_by:
                v = size_values.get(k)
                if v is not None:
                    rows.append((size_by, _number(v)))
                    size = 8 + 30 * math.sqrt(v / vmax) if vmax > 0 and v > 0 else 8
                elif x["kind"] in ("firm", "group", "cohort"):
                    rows.append((size_by, "not known"))
                    size = 8
            if color_by == "risk" and x["kind"] in ("firm", "group", "cohort"):
                v = risk.get(k)
                rows.append(("systemic risk (ESRI)", _number(v) if v is not None else "not known"))
                colour = _gradient(v / rmax if rmax > 0 else 0.0) if v is not None else NO_VALUE_COLOUR
            if x["outside"]:
                colour = _mix(colour, "#ffffff", 0.45)
            focus = k == self.focus
            if focus:
                rows.insert(0, ("view", "the firm this view is around"))
            pos = positions[k]
            nodes.append({
                "id": ids[k], "iri": x["iri"], "kind": x["kind"], "label": _shorten(x["label"], 60),
                "names": list(dict.fromkeys([x["label"], *x["names"]])),
                "clusters": list(x["clusters"]), "color": colour, "border": _mix(colour, "#000000", 0.35),
                "shape": shape, "size": round(size, 2), "outside": x["outside"], "focus": focus,
                "x": pos[0], "y": pos[1],
                "tip": {"head": x["label"], "sub": label_ + (" \u00b7 outside the view's scope" if x["outside"] else ""),
                        "rows": [[a, str(b)] for a, b in rows],
                        "quotes": [list(q) for q in x["quotes"][:MAX_QUOTES]],
                        "more": (f"\u2026 and {len(x['quotes']) - MAX_QUOTES} more quotes"
                                 if len(x["quotes"]) > MAX_QUOTES else "")},
            })
        edges = []
        for i, e in enumerate(self.edges):
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
                           "color": _mix(KINDS["firm"][1], "#ffffff", 0.45), "shape": "dot", "outside": True})
        styles = [s for s in EDGE_STYLES if any(e["style"] == s for e in edges)]
        legend += [{"type": "edge", "style": s, "label": EDGE_STYLES[s][0], "color": EDGE_STYLES[s][1],
                    "line": _line_style(EDGE_STYLES[s][2]), "arrow": EDGE_STYLES[s][3]} for s in styles]
        if color_by == "risk":
            legend.append({"type": "gradient", "label": "colour: systemic risk (ESRI)", "stops": list(RISK_STOPS),
                           "min": "0", "max": _number(rmax)})
            legend.append({"type": "note", "label": "grey: risk not known"})
        if size_by:
            legend.append({"type": "note", "label": f"size: {size_by}"})
        elif self.aggregated:
            legend.append({"type": "note", "label": "size: number of firms and cohorts"})
        if "supply" in styles:
            legend.append({"type": "note", "label": "thicker supply links: larger stated share"})
        cluster_counts: dict[str, int] = defaultdict(int)
        cluster_names: dict[str, str] = {}
        for k in keys:
            x = self.nodes[k]
            for c, cl in zip_longest(x["clusters"] or [""], x["cluster_labels"][: len(x["clusters"])]):
                cluster_counts[c] += 1
                cluster_names.setdefault(c, cl or self.facts.label(c) if c else "outside any cluster")
        filters = {
            "kinds": [{"key": k, "label": KINDS[k][0], "count": sum(n["kind"] == k for n in nodes)} for k in kinds_present],
            "clusters": [{"key": c, "label": cluster_names[c], "count": cluster_counts[c]}
                         for c in sorted(cluster_counts, key=lambda c: (c == "", cluster_names[c]))],
        }
        n_agents = sum(n["kind"] in ("firm", "group", "cohort") for n in nodes)
        n_supply = sum(e["style"] in ("supply", "inferred") for e in edges)
        if self.aggregated:
            n_flows = sum(e["style"] == "flow" for e in edges)
            subtitle = f"{len(nodes)} cluster nodes, {n_flows} flows between them"
        else:
            subtitle = f"{n_agents} firms, groups and cohorts, {n_supply} supply links"
            extra = len(nodes) - n_agents
            if extra:
                subtitle += f", {extra} other nodes"
        subtitle += f" \u00b7 colour: {'systemic risk' if color_by == 'risk' else 'kind'}"
        if size_by:
            subtitle += f" \u00b7 size: {size_by}"
        physics = len(nodes) <= PHYSICS_LIMIT
        sources = set().union(*(e["sources"] for e in self.edges))  # supply links' and flows' only
        return View(
            title=what, subtitle=subtitle, data_note=_note(data_note, sources), nodes=nodes, edges=edges, legend=legend,
            filters=filters, physics=physics, edge_labels=not big, options=_vis_options(len(nodes), physics),
            edge_layer=not physics,
        )


# ====================================================================== a neighbourhood, read alone


AROUND_KINDS = frozenset({"firm", "group", "cohort", "institution", "association"})
"""What ``around`` may name."""


class NotLocal(ViewError):
    """A neighbourhood is not worth reading alone (it holds a large part of the network) or
    cannot be (a blank node where a query must name a node)."""


LOCAL_SHARE = 0.25
"""A neighbourhood with more than this share of the supply relations (and more than
:data:`LOCAL_MIN` of them) is not read alone: copying it costs more than projecting the whole
network. Two steps around a hub: at 100k firms 190,000 of the 439,000 relations, 64 s to copy
against 92 s for the whole view; at 10k firms half the relations, 6 s to copy and 4 s to draw
against 9 s for the whole view."""

LOCAL_MIN = 10_000
"""Below this many relations a neighbourhood is always read alone (no count of the whole needed)."""


def _local(color_by: str, size_by: str | None, aggregate: str | None) -> bool:
    """Whether a view around a firm with these options depends on its neighbourhood alone.

    Not with ``size_by``: PageRank, betweenness, dominated weight and ESRI are measures of
    the whole network, and every size, capacity too, is scaled by the largest value in the
    whole network. Not with risk colours (ESRI, scaled the same way; the analysis index
    ranks other candidates than a view does). Not aggregated: a cluster node lists its most
    linked firms by their degree in the whole network. Those views read the whole network.
    """
    return color_by == "kind" and size_by is None and aggregate is None


def _around_view(graph, ox_store, around: str, depth: int, direction: str, include: tuple,
                 data_note: str | None) -> View:
    """:func:`build_view` around a firm, from the firm's neighbourhood only (see there)."""
    from .names import expand_iri, resolve
    from .network import supply_network
    from .store import _wrap

    iri = expand_iri(around)
    match = None
    if iri is None:  # a name: the lookup reads every name (the CLI looks exact names up in the index)
        match = resolve(graph, around, kinds=set(AROUND_KINDS))
        iri = match.iri
    small = _wrap(neighbourhood_store(ox_store, iri, depth=depth, direction=direction, include=include))
    if match is None:  # an IRI: the neighbourhood holds every fact about it that names.resolve reads
        match = resolve(small, around, kinds=set(AROUND_KINDS))
    net = supply_network(small)
    if match.iri not in net:
        raise ViewError(f"{match.label} is in no supply relation, so it has no neighbourhood to view")
    return view_from_network(
        net, facts=rdf_facts(small), around=match.iri, depth=depth, direction=direction, include=include,
        data_note=data_note or DATA_NOTE,
    )


_SKIP = "ckg:suppliesTo"
"""Not copied: shortcuts the loader derives from the relations (thousands on a hub), read by no view."""

_FOLLOW = ("ckg:inCluster", "ckg:locatedIn", "ckg:headquarteredIn", "ckg:produces", "ckg:product", "ckg:status",
           "ckg:volume", "ckg:capacity", "ckg:output", "ckg:outputValue", "ckg:investment", "ckg:inferenceRule",
           "prov:wasDerivedFrom", "prov:hadPrimarySource")
"""From what is copied, the links followed to copy more: clusters, places, products, project
statuses, quantities, rules, evidence and its article (what labels, tooltips and quotes show)."""

_LOOKUP_LIMIT = 4000
"""Up to this many firms a step of the walk looks up their relations; beyond, it joins them with
every relation by hashing. At 100k firms, for 3 / 1,000 / 6,000 / 12,000 firms: lookups 0.00 /
0.64 / 1.9 / 2.7 s, hashing 0.7 / 0.8 / 1.8 / 1.8 s. (The plain join of the three patterns is
as fast as the lookups up to 1,000 firms, then Oxigraph picks another plan: 67 s for 3,000.)"""

_MAX_FOLLOW = 8
"""At most this many steps along :data:`_FOLLOW` (the ontology needs four: firm, park, quantity,
evidence, article)."""


def neighbourhood_store(ox_store, firm: str, *, depth: int = 1, direction: str = "both", include=()):
    """A small in-memory ``pyoxigraph.Store`` with what a view around ``firm`` reads from ``ox_store``.

    The view drawn from it (:func:`build_view` with the same ``depth``, ``direction`` and
    ``include``, colour and size by kind) is the one the whole graph gives. It holds:

    - the supply relations among the firms within ``depth`` steps (found step by step, as
      :meth:`_Builder.select_around` walks the network), every fact about those firms, about
      the firm's group and subsidiaries, the cooperations they (or their parks) are partners
      in, and, as ``include`` asks, the institutions of those cooperations and the projects
      they invest in;
    - what those facts lead to along :data:`_FOLLOW`: clusters, places and parks, products,
      quantities, rules, evidence and articles, with every fact about them;
    - for every other agent the view names (a project's investors, a group outside the
      neighbourhood) one of its supply relations, so that it is a node of the network
      there as it is in the whole one;
    - the class hierarchy (the projection reads kinds through ``rdfs:subClassOf*``).

    Queries on ``ox_store``: one per step and direction, then a bounded number (about a
    dozen), each for a batch of nodes (``VALUES``); the facts go from store to store as
    N-Triples, with the blank nodes they point to (a quantity) and the facts about those.

    Raises :class:`NotLocal` when the relations among the firms are more than
    :data:`LOCAL_SHARE` of all (the whole network is then cheaper to read), or when a blank
    node stands where a firm or relation should, or inside a blank node.

    >>> from kg.network import supply_network
    >>> from kg.store import _wrap, open_graph, oxigraph_store
    >>> graph = open_graph()  # the bundled clusters
    >>> small = neighbourhood_store(oxigraph_store(graph), "https://w3id.org/cluster-kg/id/weiqiao-group")
    >>> len(small) < len(graph) / 5
    True
    >>> sorted(supply_network(_wrap(small)).successors("https://w3id.org/cluster-kg/id/weiqiao-group")) == sorted(
    ...     supply_network(graph).successors("https://w3id.org/cluster-kg/id/weiqiao-group"))
    True
    """
    import pyoxigraph as ox

    from .ontology import PREFIXES, sparql_prologue

    prologue = sparql_prologue()
    nt = ox.RdfFormat.N_TRIPLES

    def values(var: str, nodes) -> str:
        if any(isinstance(n, ox.BlankNode) for n in nodes):  # SPARQL has no way to name one
            raise NotLocal(var)
        return f"VALUES {var} {{ {' '.join(sorted(map(str, nodes)))} }}"

    def column(text: str, store=ox_store) -> set:
        return {row[0] for row in store.query(prologue + text)}

    focus = ox.NamedNode(firm)
    keep = {focus}
    for step in ("up", "down"):  # as _Builder.select_around: suppliers first, then customers
        if direction not in (step, "both"):
            continue
        near, far = ("customer", "supplier") if step == "up" else ("supplier", "customer")
        frontier = {focus}
        for _ in range(depth):
            if not frontier:
                break
            if len(frontier) <= _LOOKUP_LIMIT:  # lookups from the frontier's relations
                found = column(f"SELECT DISTINCT ?n WHERE {{ {{ SELECT ?r ?n WHERE {{ {values('?f', frontier)} "
                               f"?r ckg:{near} ?f . ?r ckg:{far} ?n }} }} FILTER EXISTS {{ ?r a ckg:SupplyRelation }} }}")
            else:  # a hash join with every relation's other end (two seconds at 100k firms)
                found = column(f"SELECT DISTINCT ?n WHERE {{ {{ SELECT ?r WHERE {{ {values('?f', frontier)} "
                               f"?r ckg:{near} ?f }} }} {{ SELECT ?r ?n WHERE {{ ?r ckg:{far} ?n }} }} "
                               "?r a ckg:SupplyRelation }")
            frontier = found - keep
            keep |= frontier
    # the relations among them (the edges the view draws; the projection checks their type)
    relations = column(f"SELECT DISTINCT ?r WHERE {{ {{ SELECT ?r WHERE {{ {values('?s', keep)} ?r ckg:supplier ?s }} }} "
                       f"{{ SELECT ?r WHERE {{ {values('?c', keep)} ?r ckg:customer ?c }} }} }}")
    if len(relations) > LOCAL_MIN:
        total = next(iter(ox_store.query(prologue + "SELECT (COUNT(*) AS ?n) WHERE { ?r a ckg:SupplyRelation }")))[0]
        if len(relations) > LOCAL_SHARE * int(total.value):
            raise NotLocal(f"{len(relations):,} of the {int(total.value):,} supply relations are in the neighbourhood")
    group = column(f"SELECT DISTINCT ?x WHERE {{ {{ {focus} ckg:parentOrganization ?x }} UNION {{ ?x ckg:subsidiary {focus} }} "
                   f"UNION {{ ?x ckg:parentOrganization {focus} }} UNION {{ {focus} ckg:subsidiary ?x }} }}")

    small = ox.Store()
    small.extend(ox_store.quads_for_pattern(None, ox.NamedNode(PREFIXES["rdfs"] + "subClassOf"), None, ox.DefaultGraph()))
    copied: set = set()

    def copy(nodes) -> None:
        """Copy every fact about ``nodes`` (but :data:`_SKIP`) not copied yet, with the blank
        nodes they point to and every fact about those."""
        new = {n for n in nodes if isinstance(n, ox.NamedNode) and n not in copied}
        if not new:
            return
        copied.update(new)
        small.load(ox_store.query(
            prologue + f"CONSTRUCT {{ ?s ?p ?o . ?b ?bp ?bo }} WHERE {{ {values('?s', new)} "
            f"{{ ?s ?p ?o FILTER(?p != {_SKIP}) }} UNION {{ ?s ?q ?b FILTER(isBlank(?b)) ?b ?bp ?bo }} }}"
        ).serialize(format=nt), format=nt, lenient=True)

    def objects(predicates: str, subjects=None) -> set:
        """The IRIs the copy so far links to by ``predicates`` (from ``subjects``, if given)."""
        pattern = values("?s", subjects) if subjects is not None else ""
        return column(f"SELECT DISTINCT ?o WHERE {{ {pattern} ?s ?p ?o FILTER(?p IN ({predicates}) && isIRI(?o)) }}",
                      small)  # FILTER, not VALUES ?p: Oxigraph would join two VALUES first

    def cooperations(of) -> set:
        return column(f"SELECT DISTINCT ?c WHERE {{ {values('?x', of)} ?c ckg:partner ?x . ?c a ckg:Cooperation }}")

    copy(keep | group)
    copy(relations)
    shown = keep | group | objects("ckg:locatedIn, ckg:headquarteredIn", keep | group)  # agents, their parks
    coops = cooperations(shown)
    copy(coops)
    named = set(group)
    if "institutions" in include:  # the institutions among the partners are drawn, and their cooperations
        others = objects("ckg:partner", coops) - shown if coops else set()
        if others:
            copy(others)
            copy(cooperations(others))
            shown |= others
            named |= others
    if "projects" in include:
        projects = column(f"SELECT DISTINCT ?p WHERE {{ {values('?x', shown)} ?p ckg:investor ?x . ?p a ckg:Project }}")
        if projects:
            copy(projects)
            investors = objects("ckg:investor", projects)
            copy(investors)
            named |= projects | investors
    # agents the view names that are in no relation copied (the firm itself, if no step found a
    # partner): nodes of the network if they are in a supply relation, so one of those is copied
    named = ((named - keep) | {focus}) - column(
        f"SELECT DISTINCT ?x WHERE {{ {values('?x', (named - keep) | {focus})} "
        "{ ?r ckg:supplier ?x } UNION { ?r ckg:customer ?x } ?r a ckg:SupplyRelation ; ckg:supplier ?s ; ckg:customer ?c }",
        small)
    if named:
        sample = column(f"SELECT (SAMPLE(?r) AS ?one) WHERE {{ {values('?x', named)} {{ ?r ckg:supplier ?x }} UNION "
                        "{ ?r ckg:customer ?x } ?r a ckg:SupplyRelation ; ckg:supplier ?s ; ckg:customer ?c } GROUP BY ?x")
        if sample:
            small.load(ox_store.query(prologue + f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {values('?s', sample)} "
                                      "?s ?p ?o FILTER(?p IN (rdf:type, ckg:supplier, ckg:customer)) }")
                       .serialize(format=nt), format=nt, lenient=True)
    for _ in range(_MAX_FOLLOW):
        leads = objects(", ".join(_FOLLOW)) - copied
        if not leads:
            break
        copy(leads)
    # a blank node inside a blank node was copied without what is said about it
    if small.query("ASK { ?b ?p ?c FILTER(isBlank(?b) && isBlank(?c)) }"):
        raise NotLocal("a blank node inside a blank node")
    return small


# ====================================================================== measures


ESRI_TOP = 200
"""Above :data:`PHYSICS_LIMIT` nodes, ESRI is computed only for this many candidates (kg.esri's pruning)."""


def _metrics(net, color_by: str, size_by: str | None, essential=None) -> dict[str, dict]:
    wanted = {size_by} if size_by else set()
    if color_by == "risk":
        wanted.add("esri")
    return {m: _measure(net, m, essential) for m in sorted(wanted)}


def _measure(net, name: str, essential=None) -> dict[str, float]:
    """Node -> value of a measure on the whole supply network (not only the part in view)."""
    if name == "capacity":
        return {n: float(d["capacity"]) for n, d in net.nodes(data=True) if d.get("capacity") is not None}
    module, function = {
        "pagerank": ("kg.centrality", "pagerank"),
        "betweenness": ("kg.centrality", "betweenness"),
        "dominated": ("kg.risk", "dominator_tree"),
        "esri": ("kg.esri", "esri"),
    }[name]
    mod = _optional_module(module)
    if mod is None or not hasattr(mod, function):
        what = "colouring by risk" if name == "esri" else f"sizing by {name}"
        raise AnalyticsUnavailable(f"{what} needs {module}.{function}, which is not available")
    if name == "pagerank":
        return dict(mod.pagerank(net))
    if name == "betweenness":
        return dict(mod.betweenness(net)[0])
    if name == "dominated":
        return {n: float(w) for n, w in mod.dominator_tree(net).weight.items()}
    top = ESRI_TOP if net.number_of_nodes() > PHYSICS_LIMIT else None
    return {r.firm: r.esri for r in mod.esri(net, essential=essential, top=top)}


def _optional_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name != name:
            raise
        return None


# ====================================================================== layout


def grouped_layout(keys: Sequence[str], group_of: dict, degree: dict, *, spacing: float = 30.0) -> dict:
    """Positions that keep each cluster together: groups on a circle, nodes on a sunflower spiral.

    Linear in the number of nodes (after sorting each group by degree, hubs in the middle).

    >>> pos = grouped_layout(["a", "b", "c"], {"a": "x", "b": "x", "c": "y"}, {"a": 2})
    >>> sorted(pos) == ["a", "b", "c"] and pos["a"] != pos["c"]
    True
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        groups[group_of.get(k, "")].append(k)
    order = sorted(groups, key=lambda g: (-len(groups[g]), g))
    radius = {g: spacing * math.sqrt(len(groups[g]) + 1) for g in order}
    gap = spacing * 3
    centres: dict[str, tuple[float, float]] = {}
    if len(order) == 1:
        centres[order[0]] = (0.0, 0.0)
    else:
        total = sum(2 * radius[g] + gap for g in order)
        ring = max(total / (2 * math.pi), max(radius.values()) + gap)
        angle = 0.0
        for g in order:
            share = (2 * radius[g] + gap) / total * 2 * math.pi
            angle += share / 2
            centres[g] = (ring * math.cos(angle), ring * math.sin(angle))
            angle += share / 2
    golden = math.pi * (3 - math.sqrt(5))
    pos = {}
    for g in order:
        cx, cy = centres[g]
        members = sorted(groups[g], key=lambda k: (-degree.get(k, 0), k))
        for i, k in enumerate(members):
            r = spacing * math.sqrt(i + 0.5)
            pos[k] = (round(cx + r * math.cos(i * golden), 1), round(cy + r * math.sin(i * golden), 1))
    return pos


def _vis_options(n: int, physics: bool) -> dict:
    options = {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "multiselect": False,
                        "hideEdgesOnDrag": n > 2000, "hideEdgesOnZoom": n > 2000},
        "nodes": {"font": {"size": 15, "face": "DejaVu Sans, Noto Sans, Arial, Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif",
                           "color": "#222222", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"smooth": False, "font": {"size": 12, "color": "#555555", "strokeWidth": 3,
                                            "strokeColor": "#ffffff", "align": "middle"},
                  "selectionWidth": 1.5},
    }
    if n <= 400:
        options["nodes"]["widthConstraint"] = {"maximum": 170}
    if physics:
        # bounded: MEASURED.md has 500 nodes needing 6 s for vis-network's default 1000 iterations
        iterations = 300 if n <= 200 else 150 if n <= 600 else 80 if n <= 1000 else 50
        options["physics"] = {
            "enabled": True, "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -5000, "centralGravity": 0.5, "springLength": 135,
                          "springConstant": 0.05, "damping": 0.4, "avoidOverlap": 0.5,
                          "theta": 0.5 if n <= 600 else 0.8},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 50, "fit": True},
            "minVelocity": 1.0, "maxVelocity": 40,
        }
    else:
        options["physics"] = {"enabled": False}
    return options


# ====================================================================== HTML


def _templates() -> Path:
    return Path(__file__).resolve().parent / "templates"


def vis_assets() -> tuple[str, str, str]:
    """vis-network's JavaScript and CSS from the pyvis package, and its version.

    URLs in license comments and message strings lose their ``http(s)://`` so the page holds
    no external URL; the SVG namespace (an identifier, never fetched) stays.
    """
    import importlib.util

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
        base = _mix(KINDS[n["kind"]][1], "#ffffff", 0.45) if n["outside"] else KINDS[n["kind"]][1]
        groups.setdefault(g, {"shape": n["shape"], "color": base, "border": _mix(base, "#000000", 0.35),
                              "dashes": n["outside"]})
        item = {"iri": _compact(n["iri"]) if n["iri"] else "", "kind": n["kind"],
                "label": n["label"], "names": [x for x in n["names"] if x != n["label"]],
                "clusters": [_compact(c) for c in n["clusters"]], "group": g, "size": n["size"],
                "x": n["x"], "y": n["y"]}
        if n["color"] != groups[g]["color"]:
            item["color"], item["border"] = n["color"], n["border"]
        if n["focus"]:
            item["focus"] = True
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
               "clusters": [{**c, "key": _compact(c["key"])} for c in view.filters["clusters"]]}
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
    import html

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
    from .store import write_atomic

    return write_atomic(path, render_html(view))


# ====================================================================== small helpers


@functools.lru_cache(maxsize=1 << 16)
def _compact(iri: str) -> str:
    for prefix, ns in _namespaces():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@functools.lru_cache(maxsize=1)
def _namespaces() -> tuple[tuple[str, str], ...]:
    """(prefix, namespace), longest namespace first, so the first match is the best."""
    from .ontology import PREFIXES

    return tuple(sorted(PREFIXES.items(), key=lambda x: -len(x[1])))


def _local_name(iri: str) -> str:
    return re.split(r"[/#:]", iri.rstrip("/#"))[-1] if iri else ""


def _shorten(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _number(v) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(x):
        return "not known"
    if x == int(x) and abs(x) >= 1:
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def _money(v) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if abs(x) >= 1e9:
        return f"{x / 1e9:,.4g} billion yuan"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.4g} million yuan"
    return f"{_number(x)} yuan"


def _unit(unit) -> str:
    if not unit:
        return ""
    name = _local_name(str(unit))
    return {"TONNE-PER-YR": "t/yr", "TONNE": "t", "CCY_CNY": "yuan", "PERCENT": "%"}.get(name, name)


def _line_style(dashes) -> str:
    """The CSS border style that looks like a vis-network dash pattern."""
    if not dashes:
        return "solid"
    return "dotted" if dashes[0] <= 3 else "dashed"


@functools.lru_cache(maxsize=4096)
def _mix(a: str, b: str, t: float) -> str:
    """Colour ``a`` moved a fraction ``t`` towards ``b`` (both ``#rrggbb``)."""
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb))


def _gradient(v: float) -> str:
    v = min(max(float(v), 0.0), 1.0) * (len(RISK_STOPS) - 1)
    i = min(int(v), len(RISK_STOPS) - 2)
    return _mix(RISK_STOPS[i], RISK_STOPS[i + 1], v - i)
