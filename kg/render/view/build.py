"""A view from a network and its side facts."""

from __future__ import annotations

from collections.abc import Iterable

from kg.errors import UnknownName, ViewError
from kg.network.facts import Facts
from kg.render.view.builder import Builder
from kg.render.view.encode import encode
from kg.render.view.model import (
    AGGREGATIONS,
    COLOR_MODES,
    DIRECTIONS,
    INCLUDE_KINDS,
    SIZE_MEASURES,
    View,
)
from kg.utils.memory import gc_paused

DATA_NOTE = "Data: the graph given"
"""The heading's data note when :func:`~kg.services.view.build_view` is not told where the data comes from."""


def check_options(include, color_by, size_by, aggregate, direction, depth, cluster, around) -> None:
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
    metrics: dict[str, dict] | None = None,
) -> View:
    """A view of a supply network (a ``networkx.DiGraph`` as ``kg.network.project.supply_network`` returns).

    ``facts`` (from :func:`~kg.network.facts.rdf_facts`) adds labels, places, projects, institutions and
    quotes; without it the view shows the network's own attributes. ``members`` are the
    IRIs in ``cluster`` (``kg.lookup.clusters.cluster_members``); without it a cluster's members
    are the nodes whose ``clusters`` hold it. ``metrics`` are the whole-network measures that
    ``size_by`` and ``color_by="risk"`` show (measure name -> node -> value), computed by the
    caller (:func:`kg.services.view.view_metrics`): rendering runs no analysis.

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
    check_options(include, color_by, size_by, aggregate, direction, depth, cluster, around)
    facts = facts or Facts()
    with gc_paused():
        b, what = _collect(net, facts, cluster, around, depth, direction, include, aggregate, members)
    metrics = metrics or {}
    with gc_paused():
        view = encode(b, what, data_note, color_by, size_by, metrics)
    if not view.nodes:
        where = b.label(cluster) if cluster is not None else "the loaded data"
        view.note = (f"{where}: nothing to draw: no firm, group or cohort is stated to be in it "
                     "(the sources name none; this does not mean there is none)")
        view.subtitle = view.note
    return view


def _collect(net, facts, cluster, around, depth, direction, include, aggregate, members):
    """The builder holding what the view shows, and the view's title."""
    b = Builder(net, facts)
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
