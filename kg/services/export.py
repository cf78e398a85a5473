"""What `kg export` writes: the supply network with its measures, or the RDF facts, of the whole
graph, one cluster or a firm's neighbourhood.

The network (:func:`export_network`) is :func:`kg.network.project.supply_network` with every
attribute made a plain value for GraphML, GEXF and Neo4j (lists joined with "; ", no None) and the
analysis measures of the whole network (PageRank, betweenness, dominated weight, ESRI under the
"stated" bound, the figures of `kg view --size-by` and `kg risk`). The facts (:func:`export_facts`)
are the triples of the graph (without the ontology unless asked), of a cluster's members with what
they link to, or of a firm's neighbourhood as `kg view --around` reads it.

>>> from kg.rdf.graph import open_graph
>>> G = export_network(open_graph(), cluster="Binzhou")
>>> d = G.nodes["https://w3id.org/cluster-kg/id/weiqiao-group"]
>>> d["label"], d["kind"], d["clusters"], round(d["pagerank"], 4) > 0
('Weiqiao Venture Group', 'group', 'Binzhou high-end aluminium industry cluster', True)
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import KGError, UnknownFormat
from kg.lookup.clusters import cluster_members, resolve_cluster
from kg.network.model import QUOTE_SEPARATOR, neighbourhood
from kg.network.project import supply_network
from kg.network.scheme import essential_map
from kg.rdf.export import FACT_FORMATS, store_facts, write_facts
from kg.rdf.local import oxigraph_store
from kg.services.resolve import FIRM_KINDS, resolve_name
from kg.services.timeline import check_present
from kg.services.view import network_measure

NETWORK_FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".csv": "neo4j"}
"""File extension -> network format (``.csv``: Neo4j's nodes and relationships files)."""

RDF_FORMATS = tuple(f".{ext}" for ext in FACT_FORMATS)
"""File extensions of the facts' formats (Turtle, N-Triples, JSON-LD)."""

MEASURES = ("pagerank", "betweenness", "dominated", "esri")
"""The analysis measures every exported node carries (where defined)."""


def export_format(path: str | Path) -> str:
    """``graphml``, ``gexf``, ``neo4j`` or ``rdf`` for a file name, by its extension.

    >>> export_format("out/net.GEXF"), export_format("x.ttl")
    ('gexf', 'rdf')
    """
    suffix = Path(path).suffix.lower()
    if suffix in NETWORK_FORMATS:
        return NETWORK_FORMATS[suffix]
    if suffix in RDF_FORMATS:
        return "rdf"
    known = ", ".join(sorted([*NETWORK_FORMATS, *RDF_FORMATS]))
    raise UnknownFormat(f"{path}: unknown export format {suffix or '(none)'!r}; use {known}")


def export_network(graph, *, cluster: str | None = None, around: str | None = None, depth: int = 1,
                   as_of: int | None = None):
    """The supply network of ``graph`` (or of ``cluster``: its members and their direct partners;
    or ``depth`` steps around the firm ``around``) with plain attributes and the measures of the
    whole network. Node keys are IRIs; ``G.graph`` says the scope."""
    import networkx as nx

    whole = supply_network(graph, as_of=as_of)
    essential = essential_map(graph)
    measures = {m: network_measure(whole, m, essential) for m in MEASURES}
    net, scope = whole, "the whole graph"
    if cluster is not None:
        iri = resolve_cluster(graph, cluster)
        net, scope = neighbourhood(whole, cluster_members(graph, iri)), f"cluster {iri} and its direct partners"
    elif around is not None:
        match = resolve_name(around, FIRM_KINDS, graph=graph)
        check_present(whole, match.iri, match.label)
        if match.iri not in whole:
            raise KGError(f"{match.label} is in no supply relation: there is no neighbourhood to export")
        keep = {match.iri} | set(nx.single_source_shortest_path_length(whole.to_undirected(as_view=True), match.iri,
                                                                      cutoff=depth))
        net, scope = whole.subgraph(sorted(keep)).copy(), f"{depth} step(s) around {match.iri}"
    out = nx.DiGraph(scope=scope, **({"as_of": as_of} if as_of is not None else {}))
    for n, d in net.nodes(data=True):
        attrs = {"label": d.get("label"), "label_zh": d.get("label_zh"), "kind": d.get("kind"),
                 "clusters": d.get("cluster_labels") or [], "cluster_iris": d.get("clusters") or [],
                 "aliases": d.get("aliases") or [], "region": d.get("region"), "products": d.get("products") or [],
                 "capacity": d.get("capacity"), "output_value": d.get("output_value"),
                 "member_count": d.get("member_count"), "weight": d.get("weight"),
                 "start": d.get("start"), "end": d.get("end"),
                 **{m: measures[m].get(n) for m in MEASURES}}
        out.add_node(n, **plain(attrs))
    for s, c, d in net.edges(data=True):
        out.add_edge(s, c, **plain(edge_attributes(d.get("relations") or [])))
    return out


def edge_attributes(relations: list[dict]) -> dict:
    """One edge's supply relations as plain attributes: how many, products, kinds, the largest
    stated share, the wordings, the volume in tonnes (summed, where every volume is in tonnes),
    inferred (any), sources and quotes.

    >>> edge_attributes([{"product_label": "alumina", "kind": "supplies", "share": 0.5, "volume": 10.0,
    ...                   "volume_unit": "http://qudt.org/vocab/unit/TONNE", "inferred": False, "source": "a.txt",
    ...                   "quote": "q"}])["share"]
    0.5
    """
    volumes = [r.get("volume") for r in relations]
    tonnes = all(v is not None and str(r.get("volume_unit") or "").endswith("/TONNE")
                 for v, r in zip(volumes, relations)) and relations
    shares = [r["share"] for r in relations if r.get("share") is not None]
    return {"relations": len(relations),
            "products": sorted({r.get("product_label") or "" for r in relations} - {""}),
            "kinds": sorted({r.get("kind") or "supplies" for r in relations}),
            "share": max(shares) if shares else None,
            "share_wording": sorted({r["share_wording"] for r in relations if r.get("share_wording")}),
            "volume_t": sum(volumes) if tonnes else None,
            "inferred": any(bool(r.get("inferred")) for r in relations),
            "sources": sorted({r["source"] for r in relations if r.get("source")}),
            "quotes": QUOTE_SEPARATOR.join(r["quote"] for r in relations if r.get("quote")) or None}


def plain(attrs: dict) -> dict:
    """Attributes GraphML, GEXF and CSV can hold: lists joined with "; " (empty ones and None left out).

    >>> plain({"a": ["x", "y"], "b": None, "c": [], "d": 1.5, "e": True})
    {'a': 'x; y', 'd': 1.5, 'e': True}
    """
    out = {}
    for k, v in attrs.items():
        if isinstance(v, (list, tuple, set)):
            v = "; ".join(str(x) for x in v) or None
        if v is not None:
            out[k] = v
    return out


def export_facts(graph, path: str | Path, *, cluster: str | None = None, around: str | None = None,
                 depth: int = 1, ontology: bool = False) -> int:
    """Write the facts of ``graph`` to ``path`` (Turtle, N-Triples or JSON-LD by extension): all of
    them (without the ontology's unless ``ontology``), a cluster's members with their supply relations
    and what they link to (places, products, quantities, evidence, articles), or a firm's
    neighbourhood. Returns the number of triples written."""
    ox_store = oxigraph_store(graph)
    if ox_store is None:
        raise KGError("kg export writes RDF from the bundled data, --data files or a --store; from a SPARQL "
                      "server, ask it with `kg query 'CONSTRUCT …'` or the server's own export")
    seeds = firm = None
    if cluster is not None:
        iri = resolve_cluster(graph, cluster)
        seeds = cluster_members(graph, iri) | {iri}
    elif around is not None:
        firm = resolve_name(around, FIRM_KINDS, graph=graph).iri
    quads = store_facts(ox_store, seeds=seeds, around=firm, depth=depth, ontology=ontology)
    return write_facts(quads, path, Path(path).suffix.lower().lstrip("."))
