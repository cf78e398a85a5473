"""The supply network: the RDF graph projected into a :class:`networkx.DiGraph`.

Nodes are agents (firms, enterprise groups, cohorts stated by count, and any other
agent that appears in a supply relation); edges run supplier → customer and carry
every ``ckg:SupplyRelation`` between the two with its product, share, volume and
evidence. Group–subsidiary links are not supply: :func:`group_links` returns them.

The reads, a few streamed SPARQL SELECTs whose cost is linear in the triples read,
are in :mod:`kg.network.reads`; ``evidence=False`` skips the quotes for callers that
do not show them.

>>> from kg.network.project import supply_network
>>> from rdflib import Graph
>>> g = Graph().parse(format="turtle", data='''
... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
... @prefix ex: <http://example.org/> .
... ex:smelter a ckg:Firm ; skos:prefLabel "Smelter"@en .
... ex:mill a ckg:Firm ; skos:prefLabel "Mill"@en .
... ex:idle a ckg:Firm .
... ex:r1 a ckg:SupplyRelation ; ckg:supplier ex:smelter ; ckg:customer ex:mill ;
...     ckg:share 0.5 .
... ''')
>>> G = supply_network(g)
>>> sorted(G.nodes[n]["label"] for n in G)
['Mill', 'Smelter', 'idle']
>>> [(G.nodes[s]["label"], G.nodes[c]["label"]) for s, c in G.edges()]
[('Smelter', 'Mill')]
>>> G.edges["http://example.org/smelter", "http://example.org/mill"]["relations"][0]["share"]
0.5
"""

from __future__ import annotations

from kg.lookup.clusters import cluster_members, resolve_cluster
from kg.network.model import (
    QUOTE_SEPARATOR,
    SUPPLIES,
    as_bool,
    as_float,
    pick_label,
)
from kg.network.reads import (
    GROUPS_QUERY,
    read_evidence,
    read_links,
    read_node_rows,
    read_relation_extras,
    read_types,
)
from kg.network.time import (
    PRESENCE,
    network_as_of,
    read_counted,
    read_figure_dates,
    read_lifecycles,
    spell,
    up_to,
)
from kg.rdf.graph import select
from kg.utils.memory import gc_paused
from kg.vocab.namespaces import CKG_NS, last_segment

RELATION_KINDS = {
    CKG_NS + "statedSupply": SUPPLIES,
    CKG_NS + "appliedTo": "applied to",
    CKG_NS + "usedBy": "used by",
    CKG_NS + "cooperatesWith": "cooperates with",
}
"""``ckg:RelationKind`` concept -> ``relation["kind"]``; only ``"supplies"`` states a supply."""

def supply_network(graph, *, cluster: str | None = None, evidence: bool = True, as_of: int | None = None):
    """Project ``graph`` (any rdflib Graph in the ontology) into a supply ``networkx.DiGraph``.

    Node key: the agent's IRI. Node attributes: ``kind`` ("firm", "group", "cohort"; an
    agent of another class that appears in a supply relation is "institution",
    "association" or "agent"), ``label``, ``label_zh``, ``aliases``, ``clusters``,
    ``cluster_labels``, ``region``, ``products``, ``capacity`` (t/yr, summed), ``output_value``
    (yuan, the largest stated: periods differ, so values are not added), ``member_count``,
    ``weight`` (member count of a cohort, else 1), ``part_of`` (sorted IRIs of the cohorts the
    node is in: a firm's ``ckg:memberOf``, a cohort's ``ckg:subCohortOf``, and the cohorts those
    are nested in) and ``overlaps`` (sorted IRIs of the cohorts a cohort is stated to overlap
    with, ``ckg:overlapsWith`` or nesting either way: the symmetric closure; [] for firms).

    Edge supplier → customer attributes: ``relations`` (one dict per supply relation,
    sorted by IRI: ``iri``, ``product``, ``product_label``, ``products``, ``kind``
    (:data:`SUPPLIES` or a weaker wording of :data:`RELATION_KINDS`), ``share``,
    ``share_bound`` (``ckg:shareBound``; "exact" for a share stated without one), ``share_wording``,
    ``volume``, ``volume_unit`` (unit IRI), ``volume_wording``, ``quote``, ``source``,
    ``inferred``, ``rule``; what the source does not state is None) and ``products`` (sorted
    product IRIs of the edge). :func:`states_exclusive_supply` tells whether a relation states
    that the supplier provides all of the input.

    ``cluster`` keeps only the members of a cluster, region or park
    (see :func:`cluster_members`) and the edges among them. ``G.graph["cluster"]`` holds its IRI.

    Time (:mod:`kg.network.time`): ``start`` (the year of the agent's earliest dated presence stage:
    founded, entered the industry, landed, began producing, …), ``start_stage``, ``end`` (the
    year it closed) and ``counted_at`` (the date a cohort's count holds at), each None when no
    source dates it. ``as_of`` gives the network as of that year (:func:`~kg.network.time.network_as_of`:
    agents dated later left out, undated ones kept and counted; ``G.graph["as_of"]`` says which).

    ``evidence=False`` leaves the evidence unread (a fifth of the time at 100k firms):
    ``quote`` and ``source`` are then None, and everything else is the same.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... @prefix prov: <http://www.w3.org/ns/prov#> .
    ... @prefix ex: <http://example.org/> .
    ... ex:c a ckg:FirmCohort ; ckg:memberCount 60 .
    ... ex:r a ckg:SupplyRelation ; ckg:supplier ex:a ; ckg:customer ex:c ;
    ...     prov:wasDerivedFrom ex:e .
    ... ex:e prov:value "A supplies 60 firms." .''')
    >>> G = supply_network(g)
    >>> G.nodes["http://example.org/c"]["weight"], G.nodes["http://example.org/a"]["kind"]
    (60, 'agent')
    >>> G.edges["http://example.org/a", "http://example.org/c"]["relations"][0]["quote"]
    'A supplies 60 firms.'
    >>> lean = supply_network(g, evidence=False)
    >>> lean.edges["http://example.org/a", "http://example.org/c"]["relations"][0]["quote"] is None
    True
    """
    keep: set[str] | None = None
    cluster_iri = None
    if cluster is not None:
        cluster_iri = resolve_cluster(graph, cluster)
        keep = cluster_members(graph, cluster_iri)

    with gc_paused(keep_old=True):
        G = _project(graph, evidence, keep, cluster_iri, as_of)
    return G if as_of is None else network_as_of(G, as_of)


def _project(graph, evidence: bool, keep: set[str] | None, cluster_iri: str | None, as_of: int | None = None):
    """The body of :func:`supply_network`; what it reads is freed when it returns. With ``as_of``,
    capacities and output values dated later (``ckg:asOf``) do not count."""
    import networkx as nx

    hash_joins = type(getattr(graph, "store", None)).__name__ == "OxigraphStore"
    kinds, typed_agents = read_types(graph)
    links, merged = read_links(graph, hash_joins, evidence)
    quotes = read_evidence(graph, hash_joins) if evidence else None
    extras = read_relation_extras(graph, hash_joins, links)
    raw = read_node_rows(graph, hash_joins)
    if as_of is not None:
        _drop_later_figures(raw, read_figure_dates(graph), as_of)
    agents = typed_agents | {n for row in links.values() for n in row[1:3]}
    for suppliers, customers, *_ in merged.values():
        agents.update(suppliers, customers)
    if keep is not None:
        agents &= keep
    nodes = _nodes(raw, kinds, agents)
    _add_cohort_links(nodes, raw)
    _add_dates(nodes, read_lifecycles(graph), read_counted(graph))
    edges = _edges(links, merged, extras, quotes, raw, nodes)

    G = nx.DiGraph(cluster=cluster_iri)
    G.add_nodes_from((iri, nodes[iri]) for iri in sorted(nodes))
    G.add_edges_from([(s, c, customers[c]) for s, customers in sorted(edges.items())
                      for c in sorted(customers)])
    return G


def _en_label(raw: dict[str, dict], iri: str) -> str:
    """The smallest English (``langMatches "en"``) label of ``iri``, else its last segment."""
    labels = [lab for lab, lang in raw.get(iri, {}).get("pref", ())
              if lang == "en" or lang.startswith("en-")]
    return min(labels) if labels else last_segment(iri)


def _nodes(raw: dict[str, dict], kinds: dict[str, str], agents: set[str]) -> dict[str, dict]:
    """Agent IRI -> node attributes."""
    empty: dict = {}
    cluster_label: dict[str, str] = {}
    out = {}
    for iri in agents:
        d = raw.get(iri, empty)
        kind = kinds.get(iri, "agent")
        label, label_zh = pick_label(d.get("pref", ()), iri)
        clusters = sorted(d["cluster"]) if "cluster" in d else []
        for c in clusters:
            if c not in cluster_label:
                cluster_label[c] = _en_label(raw, c)
        located, hq = d.get("located"), d.get("hq")
        member_count = None
        if kind == "cohort" and "members" in d:
            counts = [int(c) for c in (as_float(m) for m in d["members"]) if c is not None]
            member_count = min(counts) if counts else None
        capacity, output_value = d.get("capacity"), d.get("outputValue")
        out[iri] = {
            "kind": kind,
            "label": label,
            "label_zh": label_zh,
            "aliases": sorted(d["alt"]) if "alt" in d else [],
            "clusters": clusters,
            "cluster_labels": [cluster_label[c] for c in clusters],
            "region": min(located) if located else (min(hq) if hq else None),
            "products": sorted(d["product"]) if "product" in d else [],
            "capacity": sum(capacity.values()) if capacity else None,
            "output_value": max(output_value.values()) if output_value else None,
            "member_count": member_count,
            "weight": member_count if member_count is not None else 1,
        }
    return out


def _drop_later_figures(raw: dict[str, dict], dates: dict[str, str], year: int) -> None:
    """Remove from ``raw`` the capacities and output values dated after ``year``."""
    for d in raw.values():
        for key in ("capacity", "outputValue"):
            figures = d.get(key)
            if figures:
                for q in [q for q in figures if not up_to(dates.get(q), year)]:
                    del figures[q]


def _add_dates(nodes: dict[str, dict], lifecycles: dict, counted: dict[str, str]) -> None:
    """Each node's ``start``, ``start_stage``, ``end`` and ``counted_at`` (None when undated)."""
    for iri, data in nodes.items():
        stages = lifecycles.get(iri, ())
        start, end = spell(stages)
        data["start"], data["end"] = start, end
        data["start_stage"] = min((s.stage for s in stages if s.year == start and s.stage in PRESENCE),
                                  default=None) if start is not None else None
        data["counted_at"] = counted.get(iri)


def _add_cohort_links(nodes: dict[str, dict], raw: dict[str, dict]) -> None:
    """Set ``part_of`` and ``overlaps`` of every node (see :func:`supply_network`).

    ``part_of``: the cohorts reached from the node by one ``ckg:memberOf`` or ``ckg:subCohortOf``
    and then any number of ``ckg:subCohortOf``. ``overlaps``: the cohorts joined to a cohort by
    one ``ckg:overlapsWith`` or ``ckg:subCohortOf``, in either direction."""
    wider: dict[str, set[str]] = {}
    overlaps: dict[str, set[str]] = {}
    for iri, d in raw.items():
        sub, ov = d.get("subCohortOf", ()), d.get("overlapsWith", ())
        if sub:
            wider[iri] = set(sub)
        for other in (*sub, *ov):
            if other != iri:
                overlaps.setdefault(iri, set()).add(other)
                overlaps.setdefault(other, set()).add(iri)
    for iri, attrs in nodes.items():
        d = raw.get(iri, {})
        part_of: set[str] = set()
        stack = [*d.get("memberOf", ()), *wider.get(iri, ())]
        while stack:
            c = stack.pop()
            if c not in part_of and c != iri:
                part_of.add(c)
                stack.extend(wider.get(c, ()))
        attrs["part_of"] = sorted(part_of)
        attrs["overlaps"] = sorted(overlaps.get(iri, ()))


def _edges(links: dict[str, list], merged: dict[str, tuple], extras: dict[str, dict[str, set]],
           quotes: dict[str, set[tuple[str, str]]] | None, raw: dict[str, dict],
           nodes: dict[str, dict]) -> dict[str, dict[str, dict]]:
    """supplier -> customer -> edge attributes, for the relations between two nodes.

    Values that many relations share (product labels, the quote and source of an evidence
    node) are worked out once and shared."""
    product_label: dict[str | None, str | None] = {None: None}
    # evidence node (or tuple of them) -> (quote, source)
    cited: dict = {None: ("", "") if quotes is not None else (None, None)}
    edges: dict[str, dict[str, dict]] = {}
    shared: list[dict] = []  # attributes of the edges with several relations
    for iri, row in links.items():
        if iri in merged:
            suppliers, customers, products, evidence = merged[iri]
            pairs = [(s, c) for s in suppliers for c in customers if s in nodes and c in nodes]
            if not pairs:
                continue
            products = sorted(products)
            product = products[0] if products else None
            evidence = evidence if len(evidence) > 1 else (evidence[0] if evidence else None)
        else:
            _, s, c, product, evidence = row
            if s not in nodes or c not in nodes:
                continue
            pairs = ((s, c),)
            products = [] if product is None else [product]
        label = product_label.get(product)
        if label is None and product is not None:
            label = product_label[product] = _en_label(raw, product)
        cite = cited.get(evidence)
        if cite is None:
            cite = cited[evidence] = _cite(
                quotes, evidence if isinstance(evidence, tuple) else (evidence,))
        d = extras.get(iri)
        if d is None:
            rel = {"iri": iri, "product": product, "product_label": label, "products": products,
                   "kind": SUPPLIES, "share": None, "share_bound": None, "share_wording": None,
                   "volume": None, "volume_unit": None, "volume_wording": None, "quote": cite[0],
                   "source": cite[1], "inferred": False, "rule": None}
        else:
            volume = (min(d["volume"], key=lambda t: (t[0], t[1] or "")) if "volume" in d
                      else (None, None))
            shares = [v for v in map(as_float, d["share"]) if v is not None] if "share" in d else None
            kinds = sorted(RELATION_KINDS.get(k, last_segment(k)) for k in d.get("kind", ()))
            rel = {
                "iri": iri,
                "product": product,
                "product_label": label,
                "products": products,
                # several kinds (invalid data): the weakest wording, never "supplies" by accident
                "kind": next((k for k in kinds if k != SUPPLIES), SUPPLIES),
                "share": max(shares) if shares else None,
                "share_bound": (_joined(d.get("shareBound")) or "exact") if shares else None,
                "share_wording": _joined(d.get("shareWording")),
                "volume": volume[0],
                "volume_unit": volume[1],
                "volume_wording": _joined(d.get("volumeWording")),
                "quote": cite[0],
                "source": cite[1],
                "inferred": any(map(as_bool, d["inferred"])) if "inferred" in d else False,
                "rule": _joined(d.get("rule")),
            }
        for s, c in pairs:
            customers = edges.get(s)
            if customers is None:
                customers = edges[s] = {}
            attrs = customers.get(c)
            if attrs is None:
                customers[c] = {"relations": [rel], "products": products[:]}
            else:
                if len(attrs["relations"]) == 1:
                    shared.append(attrs)
                attrs["relations"].append(rel)
    for attrs in shared:
        attrs["relations"].sort(key=lambda r: r["iri"])
        attrs["products"] = sorted({p for r in attrs["relations"] for p in r["products"]})
    return edges


def _cite(quotes: dict[str, set[tuple[str, str]]] | None, evidence: tuple[str, ...]) -> tuple:
    """(quote, source) of a relation derived from ``evidence``: the quotes joined by
    :data:`QUOTE_SEPARATOR` and the source identifiers by "; ", in the order of
    (source, quote), each once; (None, None) if the evidence was not read."""
    if quotes is None:
        return None, None
    pairs = sorted({pair for e in evidence for pair in quotes.get(e, ())})
    return (QUOTE_SEPARATOR.join(dict.fromkeys(q for _, q in pairs)),
            "; ".join(dict.fromkeys(src for src, _ in pairs if src)))


def _joined(values: set[str] | None) -> str | None:
    """Several stated values as one string ("; " between them, sorted); None for none."""
    if not values:
        return None
    return "; ".join(sorted(values)) if len(values) > 1 else next(iter(values))


def group_links(graph) -> list[tuple[str, str]]:
    """(subsidiary IRI, group IRI) for every group–subsidiary link, sorted.

    Read from ``ckg:parentOrganization`` (and its inverse ``ckg:subsidiary``, if a graph
    states it). These links are ownership, not supply: :func:`supply_network` leaves them out.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... <http://example.org/sub> ckg:parentOrganization <http://example.org/group> .''')
    >>> group_links(g)
    [('http://example.org/sub', 'http://example.org/group')]
    """
    return sorted({(s, g) for s, g in select(graph, GROUPS_QUERY)})

