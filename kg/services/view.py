"""Building a view: resolve, read the whole network or a neighbourhood, measures."""

from __future__ import annotations

from collections.abc import Iterable

from kg.analysis.centrality import betweenness, pagerank
from kg.analysis.dominance import dominator_tree
from kg.analysis.esri.ranking import esri
from kg.errors import ViewError
from kg.lookup.clusters import cluster_members, resolve_cluster
from kg.lookup.names import expand_iri
from kg.network.facts import rdf_facts
from kg.network.project import supply_network
from kg.network.scheme import essential_map
from kg.rdf.local import oxigraph_store, wrap
from kg.rdf.subgraph import NotLocal, neighbourhood_store
from kg.render.view.build import DATA_NOTE, check_options, view_from_network
from kg.render.view.model import PHYSICS_LIMIT, View
from kg.services.ranking import scope_network
from kg.services.resolve import resolve_name
from kg.services.timeline import as_of_remarks, check_present

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
    as_of: int | None = None,
) -> View:
    """A view of the supply network of ``graph``.

    - ``cluster``: a cluster, park, county, city or province (IRI, ``ckr:`` name or label);
      the view shows the firms and cohorts in it that have supply or group links, and the
      firms outside it that they trade with (drawn lighter, with a dashed border).
    - ``around``: a firm (IRI or name); the view shows its suppliers (``direction="up"``),
      its customers (``"down"``) or both, up to ``depth`` steps, and its group.
    - ``include``: add ``products``, ``projects``, ``parks`` (every park in scope and its
      firms; parks holding a shown firm are always drawn), ``institutions``.
    - ``color_by``: ``"kind"`` or ``"risk"`` (ESRI, from kg/analysis/esri);
      ``size_by``: pagerank, betweenness, dominated, esri or capacity.
    - ``aggregate="cluster"``: one node per cluster and the supply flows between them.
    - ``data_note``: where the data comes from, for the heading.
    - ``as_of``: the network as of that year (:mod:`kg.network.time`); the heading says what it
      left out and kept undated.

    A view ``around`` a firm on an Oxigraph-backed graph (a ``--store``, or the data in
    memory) reads only the firm's neighbourhood (:func:`neighbourhood_store`), not the
    whole network, and shows exactly what the whole network would: it is coloured by kind
    and sized by kind, so nothing in it depends on firms outside the neighbourhood. Sizes
    (``size_by``), risk colours and ``aggregate`` need values over the whole network
    (a PageRank, the largest capacity as the scale, the firms' degrees), so with those
    options, on other graphs (a remote endpoint), with ``whole_network=True``, or when the
    neighbourhood is a large part of the network (see :data:`~kg.rdf.subgraph.LOCAL_SHARE`), the whole
    network is projected as for every other view. The heading cites the source articles of
    the supply links the view draws (see :func:`view_from_network`), not those of the graph.

    Raises :class:`ViewError` for a bad option, :class:`kg.errors.UnknownName` (or
    ``UnknownCluster``) for a cluster or firm that is not in the graph.
    """
    include = tuple(include)
    check_options(include, color_by, size_by, aggregate, direction, depth, cluster, around)
    ox_store = oxigraph_store(graph)
    if (around is not None and not whole_network and ox_store is not None and as_of is None
            and _local(color_by, size_by, aggregate)):
        try:
            return _around_view(graph, ox_store, around, depth, direction, include, data_note)
        except NotLocal:
            pass  # a large part of the network, or blank nodes: read the whole of it
    net = supply_network(graph, as_of=as_of)
    facts = rdf_facts(graph, as_of=as_of)
    members = None
    if cluster is not None:
        cluster = resolve_cluster(graph, cluster)
        members = cluster_members(graph, cluster)
    remarks = as_of_remarks(net, members)
    if around is not None:
        match = resolve_name(around, AROUND_KINDS, graph=graph)
        check_present(net, match.iri, match.label)
        if match.iri not in net:
            raise ViewError(f"{match.label} is in no supply relation, so it has no neighbourhood to view")
        around = match.iri
    essential = essential_map(graph) if color_by == "risk" or size_by == "esri" else None
    metrics = view_metrics(net, color_by, size_by, essential)  # none in an aggregated view (check_options)
    return view_from_network(
        net, facts=facts, cluster=cluster, members=members, around=around, depth=depth,
        direction=direction, include=include, color_by=color_by, size_by=size_by,
        aggregate=aggregate, data_note=" ".join([data_note or DATA_NOTE, *remarks]), metrics=metrics,
    )


# ====================================================================== a neighbourhood, read alone


AROUND_KINDS = frozenset({"firm", "group", "cohort", "institution", "association"})
"""What ``around`` may name."""


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
    iri = expand_iri(around)
    match = None
    if iri is None:  # a name: the lookup reads every name (the CLI looks exact names up in the index)
        match = resolve_name(around, AROUND_KINDS, graph=graph)
        iri = match.iri
    small = wrap(neighbourhood_store(ox_store, iri, depth=depth, direction=direction, include=include))
    if match is None:  # an IRI: the neighbourhood holds every fact about it that names.resolve reads
        match = resolve_name(around, AROUND_KINDS, graph=small)
    net = supply_network(small)
    if match.iri not in net:
        raise ViewError(f"{match.label} is in no supply relation, so it has no neighbourhood to view")
    return view_from_network(
        net, facts=rdf_facts(small), around=match.iri, depth=depth, direction=direction, include=include,
        data_note=data_note or DATA_NOTE,
    )


# ====================================================================== measures


ESRI_TOP = 200
"""Above :data:`PHYSICS_LIMIT` nodes, ESRI is computed only for this many candidates (the
pruning of :func:`kg.analysis.esri.ranking.esri`)."""


def view_metrics(net, color_by: str, size_by: str | None, essential=None) -> dict[str, dict]:
    wanted = {size_by} if size_by else set()
    if color_by == "risk":
        wanted.add("esri")
    return {m: network_measure(net, m, essential) for m in sorted(wanted)}


def network_measure(net, name: str, essential=None) -> dict[str, float]:
    """Node -> value of a measure on the whole supply network (not only the part in view or
    exported): capacity, pagerank, betweenness, dominated (weight) or esri ("stated" bound)."""
    if name == "capacity":
        return {n: float(d["capacity"]) for n, d in net.nodes(data=True) if d.get("capacity") is not None}
    if name == "pagerank":
        return dict(pagerank(net))
    if name == "betweenness":
        return dict(betweenness(net)[0])
    if name == "dominated":
        return {n: float(w) for n, w in dominator_tree(net).weight.items()}
    # the network and the firms `kg risk` ranks (its default "stated" bound): the same figure
    scoped, members, scope = scope_network(net)
    firms = sorted(n for n in members if scoped.nodes[n].get("kind") != "cohort")
    top = ESRI_TOP if scoped.number_of_nodes() > PHYSICS_LIMIT else None
    return {r.firm: r.esri for r in esri(scoped, firms=firms, essential=essential, top=top, scope=scope)}
