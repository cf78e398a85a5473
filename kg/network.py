"""The supply network: the RDF graph projected into a :class:`networkx.DiGraph`.

Nodes are agents (firms, enterprise groups, cohorts stated by count, and any other
agent that appears in a supply relation); edges run supplier → customer and carry
every ``ckg:SupplyRelation`` between the two with its product, share, volume and
evidence. Group–subsidiary links are not supply: :func:`group_links` returns them.

Two streamed SPARQL SELECTs do the work (one for nodes, one for edges), written
so that both Oxigraph and rdflib's own engine run them; every multi-valued
property comes back as its own row, so the cost is linear in the triples read.

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

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import AmbiguousName, UnknownCluster, UnknownName
from .ontology import CKG, sparql_prologue

__all__ = [
    "supply_network",
    "group_links",
    "cluster_members",
    "resolve_cluster",
    "known_clusters",
    "as_network",
    "network_from_edges",
    "node_label",
    "last_segment",
    "QUOTE_SEPARATOR",
]

QUOTE_SEPARATOR = " … "
"""How several evidence quotes of one supply relation are joined."""

_KIND_BY_TYPE = {
    str(CKG.FirmCohort): "cohort",
    str(CKG.EnterpriseGroup): "group",
    str(CKG.Firm): "firm",
    str(CKG.ResearchInstitution): "institution",
    str(CKG.Association): "association",
    str(CKG.Organization): "agent",
    str(CKG.Agent): "agent",
}
_KIND_ORDER = ["cohort", "group", "firm", "institution", "association", "agent"]

_NODES_QUERY = """
SELECT ?n ?k ?v ?w WHERE {
  {
    SELECT DISTINCT ?n WHERE {
      { ?n a/rdfs:subClassOf* ?t . VALUES ?t { ckg:Firm ckg:FirmCohort } }
      UNION { ?r a ckg:SupplyRelation ; ckg:supplier ?n . }
      UNION { ?r a ckg:SupplyRelation ; ckg:customer ?n . }
    }
  }
  {
    { BIND("node" AS ?k) }
    UNION { ?n a/rdfs:subClassOf* ?v .
      VALUES ?v { ckg:Firm ckg:EnterpriseGroup ckg:FirmCohort ckg:ResearchInstitution
                  ckg:Association ckg:Organization ckg:Agent }
      BIND("type" AS ?k) }
    UNION { ?n skos:prefLabel ?v . BIND("pref" AS ?k) }
    UNION { ?n skos:altLabel ?v . BIND("alt" AS ?k) }
    UNION { ?n ckg:inCluster ?v .
            OPTIONAL { ?v skos:prefLabel ?w . FILTER(langMatches(lang(?w), "en")) }
            BIND("cluster" AS ?k) }
    UNION { ?n ckg:locatedIn ?v . BIND("located" AS ?k) }
    UNION { ?n ckg:headquarteredIn ?v . BIND("hq" AS ?k) }
    UNION { ?n ckg:produces ?v . BIND("product" AS ?k) }
    UNION { ?n ckg:capacity ?w . ?w qudt:numericValue ?v ; qudt:unit unit:TONNE-PER-YR .
            BIND("capacity" AS ?k) }
    UNION { ?n ckg:outputValue ?w . ?w qudt:numericValue ?v ; qudt:unit unit:CCY_CNY .
            BIND("outputValue" AS ?k) }
    UNION { ?n ckg:memberCount ?v . BIND("members" AS ?k) }
  }
}
"""

_EDGES_QUERY = """
SELECT ?r ?k ?v ?w WHERE {
  ?r a ckg:SupplyRelation .
  { ?r ckg:supplier ?v . BIND("supplier" AS ?k) }
  UNION { ?r ckg:customer ?v . BIND("customer" AS ?k) }
  UNION { ?r ckg:product ?v .
          OPTIONAL { ?v skos:prefLabel ?w . FILTER(langMatches(lang(?w), "en")) }
          BIND("product" AS ?k) }
  UNION { ?r ckg:share ?v . BIND("share" AS ?k) }
  UNION { ?r ckg:shareWording ?v . BIND("shareWording" AS ?k) }
  UNION { ?r ckg:volume ?q . ?q qudt:numericValue ?v . OPTIONAL { ?q qudt:unit ?w }
          BIND("volume" AS ?k) }
  UNION { ?r ckg:volume ?q . ?q ckg:originalWording ?v . BIND("volumeWording" AS ?k) }
  UNION { ?r prov:wasDerivedFrom ?e . ?e prov:value ?v .
          OPTIONAL { ?e prov:hadPrimarySource ?a . ?a dcterms:identifier ?w }
          BIND("evidence" AS ?k) }
  UNION { ?r ckg:inferred ?v . BIND("inferred" AS ?k) }
  UNION { ?r ckg:inferenceRule ?u . ?u rdfs:comment ?v . BIND("rule" AS ?k) }
}
"""

_GROUPS_QUERY = """
SELECT DISTINCT ?s ?g WHERE {
  { ?s ckg:parentOrganization ?g . } UNION { ?g ckg:subsidiary ?s . }
}
"""

_MEMBERS_QUERY = """
SELECT DISTINCT ?n WHERE {
  { ?n ckg:inCluster <{iri}> . }
  UNION { ?n ckg:inCluster ?c . ?c ckg:clusterRegion ?reg . ?reg ckg:partOf* <{iri}> . }
  UNION { ?n ckg:locatedIn|ckg:headquarteredIn ?p . ?p (ckg:locatedIn|ckg:partOf)* <{iri}> . }
}
"""

_KNOWN_PLACE_QUERY = """
ASK {
  { <{iri}> a/rdfs:subClassOf* ?t .
    VALUES ?t { ckg:IndustrialCluster ckg:Place ckg:Region ckg:Country ckg:Province ckg:City
                ckg:County ckg:IndustrialPark ckg:DevelopmentZone } }
  UNION { ?x ckg:inCluster|ckg:clusterRegion|ckg:locatedIn|ckg:headquarteredIn|ckg:partOf <{iri}> . }
}
"""

_CLUSTERS_QUERY = """
SELECT ?c ?label WHERE {
  ?c a ckg:IndustrialCluster .
  OPTIONAL { ?c skos:prefLabel ?label . FILTER(langMatches(lang(?label), "en")) }
}
"""

# Characters that may not appear inside <…> in SPARQL (IRIREF).
_BAD_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')

PLACE_KINDS = frozenset({"cluster", "park", "country", "province", "city", "county", "region"})
"""The kinds (as :mod:`kg.names` names them) that a cluster argument may resolve to."""


def _query(graph, text: str):
    return graph.query(sparql_prologue() + text)


def _iri_for_query(iri: str) -> str:
    """``iri`` unchanged if it can be written as ``<iri>`` in SPARQL; else :class:`UnknownCluster`."""
    if not iri or _BAD_IRI.search(iri) or ":" not in iri:
        raise UnknownCluster(iri, [])
    return iri


def last_segment(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> last_segment("https://w3id.org/cluster-kg/id/weiqiao-group")
    'weiqiao-group'
    >>> last_segment("https://w3id.org/cluster-kg/ontology#Firm")
    'Firm'
    """
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return tail or iri


def _lang(term) -> str | None:
    return getattr(term, "language", None)


def _float(term) -> float | None:
    try:
        return float(term.toPython() if hasattr(term, "toPython") else term)
    except (TypeError, ValueError):
        try:
            return float(str(term))
        except ValueError:
            return None


def _bool(term) -> bool:
    value = term.toPython() if hasattr(term, "toPython") else term
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1")


def _pick_label(labels: Iterable, iri: str) -> tuple[str, str | None]:
    """(English label, Chinese label) from prefLabels: en, else untagged, else the IRI's tail."""
    en = sorted(str(lab) for lab in labels if (_lang(lab) or "").lower().startswith("en"))
    plain = sorted(str(lab) for lab in labels if not _lang(lab))
    zh = sorted(str(lab) for lab in labels if (_lang(lab) or "").lower().startswith("zh"))
    label = (en or plain or [last_segment(iri)])[0]
    return label, (zh[0] if zh else None)


def node_label(G, node: str) -> str:
    """A node's label, or the IRI's last segment when the node has none.

    >>> import networkx as nx
    >>> node_label(nx.DiGraph(), "http://example.org/a")
    'a'
    """
    data = G.nodes[node] if node in G else {}
    return data.get("label") or last_segment(node)


# ------------------------------------------------------------------ clusters


@dataclass(frozen=True)
class ClusterMatch:
    """A cluster, region or park that a cluster argument may mean (for :class:`AmbiguousName`)."""

    iri: str
    label: str
    kind: str


def known_clusters(graph) -> list[tuple[str, str]]:
    """(IRI, English label) of every ``ckg:IndustrialCluster``, sorted by label.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... <http://example.org/c> a ckg:IndustrialCluster .''')
    >>> known_clusters(g)
    [('http://example.org/c', 'c')]
    """
    labels: dict[str, str] = {}
    for c, label in _query(graph, _CLUSTERS_QUERY):
        iri = str(c)
        if label is not None:
            labels[iri] = min(labels.get(iri, str(label)), str(label))
        else:
            labels.setdefault(iri, last_segment(iri))
    return sorted(labels.items(), key=lambda kv: (kv[1].casefold(), kv[0]))


def _unknown_cluster(graph, name: str) -> UnknownCluster:
    return UnknownCluster(name, [label for _, label in known_clusters(graph)])


def _is_known_place(graph, iri: str) -> bool:
    result = _query(graph, _KNOWN_PLACE_QUERY.replace("{iri}", _iri_for_query(iri)))
    return bool(result.askAnswer)


def resolve_cluster(graph, name: str) -> str:
    """The IRI of the cluster, region or park that ``name`` means.

    ``name`` may be an IRI, a prefixed name (``ckr:cluster-binzhou``) or a label or alias
    of a cluster, region or park, in any case (names are matched by :func:`kg.names.resolve`,
    which reads them with SPARQL). Raises :class:`UnknownCluster` (listing the known
    clusters) when nothing matches and :class:`AmbiguousName` when several places do.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... <http://example.org/zouping> a ckg:County ; skos:prefLabel "Zouping"@en .
    ... <http://example.org/c> a ckg:IndustrialCluster ; skos:prefLabel "Binzhou cluster"@en .''')
    >>> resolve_cluster(g, "ZOUPING")
    'http://example.org/zouping'
    >>> resolve_cluster(g, "Atlantis")
    Traceback (most recent call last):
    ...
    kg.errors.UnknownCluster: no cluster, region or park is called 'Atlantis'. Known clusters: Binzhou cluster.
    """
    from .names import expand_iri, resolve

    iri = expand_iri(name)
    if iri is not None:
        if _BAD_IRI.search(iri) or not _is_known_place(graph, iri):
            raise _unknown_cluster(graph, name)
        return iri
    try:
        return resolve(graph, name, kinds=set(PLACE_KINDS)).iri
    except UnknownName:
        raise _unknown_cluster(graph, name) from None
    except AmbiguousName as e:
        # A cluster beats the region or park of the same name.
        clusters = [c for c in e.candidates if c.kind == "cluster"]
        if len(clusters) == 1:
            return clusters[0].iri
        raise


def cluster_members(graph, cluster: str) -> set[str]:
    """IRIs of everything in ``cluster`` (a cluster, region or park IRI, or a name of one).

    Members are the entities ``ckg:inCluster`` the cluster; for a region or park, the
    entities in a cluster whose ``ckg:clusterRegion`` is (or is ``ckg:partOf``) it, and
    the entities located in it (directly, in a park located in it, or in a region part of it).

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... @prefix ex: <http://example.org/> .
    ... ex:county a ckg:County ; ckg:partOf ex:city .
    ... ex:park a ckg:IndustrialPark ; ckg:locatedIn ex:county .
    ... ex:a a ckg:Firm ; ckg:locatedIn ex:park .
    ... ex:b a ckg:Firm ; ckg:locatedIn ex:elsewhere .''')
    >>> sorted(cluster_members(g, "http://example.org/city"))
    ['http://example.org/a', 'http://example.org/park']
    """
    iri = resolve_cluster(graph, cluster)
    return {str(row[0]) for row in _query(graph, _MEMBERS_QUERY.replace("{iri}", iri))}


# ------------------------------------------------------------------ network


def supply_network(graph, *, cluster: str | None = None):
    """Project ``graph`` (any rdflib Graph in the ontology) into a supply ``networkx.DiGraph``.

    Node key: the agent's IRI. Node attributes: ``kind`` ("firm", "group", "cohort"; an
    agent of another class that appears in a supply relation is "institution",
    "association" or "agent"), ``label``, ``label_zh``, ``aliases``, ``clusters``,
    ``cluster_labels``, ``region``, ``products``, ``capacity`` (t/yr, summed), ``output_value``
    (yuan, the largest stated: periods differ, so values are not added), ``member_count``,
    ``weight`` (member count of a cohort, else 1).

    Edge supplier → customer attributes: ``relations`` (one dict per supply relation,
    sorted by IRI: ``iri``, ``product``, ``product_label``, ``products``, ``share``,
    ``share_wording``, ``volume``, ``volume_unit`` (unit IRI), ``volume_wording``,
    ``quote``, ``source``, ``inferred``, ``rule``; what the source does not state is None)
    and ``products`` (sorted product IRIs of the edge).

    ``cluster`` keeps only the members of a cluster, region or park
    (see :func:`cluster_members`) and the edges among them. ``G.graph["cluster"]`` holds its IRI.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... @prefix ex: <http://example.org/> .
    ... ex:c a ckg:FirmCohort ; ckg:memberCount 60 .
    ... ex:r a ckg:SupplyRelation ; ckg:supplier ex:a ; ckg:customer ex:c .''')
    >>> G = supply_network(g)
    >>> G.nodes["http://example.org/c"]["weight"], G.nodes["http://example.org/a"]["kind"]
    (60, 'agent')
    """
    import networkx as nx

    keep: set[str] | None = None
    cluster_iri = None
    if cluster is not None:
        cluster_iri = resolve_cluster(graph, cluster)
        keep = cluster_members(graph, cluster_iri)

    nodes = _read_nodes(graph, keep)
    relations = _read_relations(graph)

    G = nx.DiGraph(cluster=cluster_iri)
    for iri in sorted(nodes):
        G.add_node(iri, **nodes[iri])
    edges: dict[tuple[str, str], list[dict]] = {}
    for rel in relations:
        suppliers, customers = rel.pop("_suppliers"), rel.pop("_customers")
        for s in suppliers:
            for c in customers:
                if s in nodes and c in nodes:
                    edges.setdefault((s, c), []).append(rel)
    for (s, c) in sorted(edges):
        rels = sorted(edges[(s, c)], key=lambda r: r["iri"])
        products = sorted({p for r in rels for p in r["products"]})
        G.add_edge(s, c, relations=rels, products=products)
    return G


def _read_nodes(graph, keep: set[str] | None) -> dict[str, dict]:
    raw: dict[str, dict] = {}
    for n, k, v, w in _query(graph, _NODES_QUERY):
        iri = str(n)
        if keep is not None and iri not in keep:
            continue
        d = raw.setdefault(iri, {"types": set(), "pref": set(), "alt": set(), "clusters": {},
                                 "located": set(), "hq": set(), "products": set(),
                                 "capacity": {}, "outputValue": {}, "members": set()})
        key = str(k)
        if key == "type":
            d["types"].add(str(v))
        elif key in ("pref", "alt"):
            d[key].add(v)
        elif key == "cluster":
            labels = d["clusters"].setdefault(str(v), set())
            if w is not None:
                labels.add(str(w))
        elif key in ("located", "hq"):
            d[key].add(str(v))
        elif key == "product":
            d["products"].add(str(v))
        elif key in ("capacity", "outputValue"):
            value = _float(v)
            if value is not None:
                d[key][str(w)] = value  # one value per quantity node
        elif key == "members":
            d["members"].add(v)

    out = {}
    for iri, d in raw.items():
        kinds = [_KIND_BY_TYPE[t] for t in d["types"] if t in _KIND_BY_TYPE] or ["agent"]
        kind = min(kinds, key=_KIND_ORDER.index)
        label, label_zh = _pick_label(d["pref"], iri)
        clusters = sorted(d["clusters"])
        region = min(d["located"]) if d["located"] else (min(d["hq"]) if d["hq"] else None)
        member_count = None
        if kind == "cohort" and d["members"]:
            counts = [int(c) for c in (_float(m) for m in d["members"]) if c is not None]
            member_count = min(counts) if counts else None
        out[iri] = {
            "kind": kind,
            "label": label,
            "label_zh": label_zh,
            "aliases": sorted({str(a) for a in d["alt"]}),
            "clusters": clusters,
            "cluster_labels": [min(d["clusters"][c]) if d["clusters"][c] else last_segment(c)
                               for c in clusters],
            "region": region,
            "products": sorted(d["products"]),
            "capacity": sum(d["capacity"].values()) if d["capacity"] else None,
            "output_value": max(d["outputValue"].values()) if d["outputValue"] else None,
            "member_count": member_count,
            "weight": member_count if member_count is not None else 1,
        }
    return out


def _read_relations(graph) -> list[dict]:
    raw: dict[str, dict] = {}
    for r, k, v, w in _query(graph, _EDGES_QUERY):
        d = raw.setdefault(str(r), {"supplier": set(), "customer": set(), "product": {},
                                    "share": set(), "shareWording": set(), "volume": set(),
                                    "volumeWording": set(), "evidence": set(),
                                    "inferred": set(), "rule": set()})
        key = str(k)
        if key in ("supplier", "customer"):
            d[key].add(str(v))
        elif key == "product":
            labels = d["product"].setdefault(str(v), set())
            if w is not None:
                labels.add(str(w))
        elif key == "share":
            value = _float(v)
            if value is not None:
                d["share"].add(value)
        elif key == "volume":
            value = _float(v)
            if value is not None:
                d["volume"].add((value, str(w) if w is not None else None))
        elif key == "evidence":
            d["evidence"].add((str(w) if w is not None else "", str(v)))
        elif key == "inferred":
            d["inferred"].add(_bool(v))
        else:
            d[key].add(str(v))

    out = []
    for iri in sorted(raw):
        d = raw[iri]
        if not d["supplier"] or not d["customer"]:
            continue
        products = sorted(d["product"])
        product = products[0] if products else None
        labels = d["product"].get(product) if product else None
        evidence = sorted(d["evidence"])
        sources = list(dict.fromkeys(src for src, _ in evidence if src))
        volume = min(d["volume"], key=lambda t: (t[0], t[1] or "")) if d["volume"] else None
        out.append({
            "iri": iri,
            "product": product,
            "product_label": (min(labels) if labels else last_segment(product)) if product else None,
            "products": products,
            "share": max(d["share"]) if d["share"] else None,
            "share_wording": "; ".join(sorted(d["shareWording"])) or None,
            "volume": volume[0] if volume else None,
            "volume_unit": volume[1] if volume else None,
            "volume_wording": "; ".join(sorted(d["volumeWording"])) or None,
            "quote": QUOTE_SEPARATOR.join(dict.fromkeys(q for _, q in evidence)),
            "source": "; ".join(sources),
            "inferred": any(d["inferred"]),
            "rule": "; ".join(sorted(d["rule"])) or None,
            "_suppliers": sorted(d["supplier"]),
            "_customers": sorted(d["customer"]),
        })
    return out


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
    return sorted({(str(s), str(g)) for s, g in _query(graph, _GROUPS_QUERY)})


# ------------------------------------------------------------------ helpers


def as_network(source, *, cluster: str | None = None):
    """``source`` itself if it is already a networkx DiGraph, else :func:`supply_network` of it.

    ``cluster`` needs the RDF graph (regions and parks are not in the network).
    """
    import networkx as nx

    if isinstance(source, nx.DiGraph):
        if cluster is not None:
            raise TypeError("cluster= needs the RDF graph, not a network: use supply_network(graph, cluster=…)")
        return source
    return supply_network(source, cluster=cluster)


def network_from_edges(
    edges: Iterable[tuple[str, str]],
    *,
    nodes: Iterable[str] = (),
    weight: dict[str, int] | None = None,
    capacity: dict[str, float] | None = None,
    share: dict[tuple[str, str], float] | None = None,
    kind: dict[str, str] | None = None,
):
    """A supply network with the attributes :func:`supply_network` gives, from plain edges.

    For tests and examples: labels are the node names, ``weight`` sets a cohort's member
    count (and makes it a cohort), ``share`` the stated share of an edge.

    >>> G = network_from_edges([("a", "b")], weight={"b": 60}, share={("a", "b"): 1.0})
    >>> G.nodes["b"]["kind"], G.nodes["b"]["weight"], G.edges["a", "b"]["relations"][0]["share"]
    ('cohort', 60, 1.0)
    """
    import networkx as nx

    weight, capacity, share, kind = weight or {}, capacity or {}, share or {}, kind or {}
    edges = list(edges)
    G = nx.DiGraph(cluster=None)
    for n in dict.fromkeys([*nodes, *(x for e in edges for x in e)]):
        members = weight.get(n)
        G.add_node(n, kind=kind.get(n, "cohort" if members is not None else "firm"), label=n,
                   label_zh=None, aliases=[], clusters=[], cluster_labels=[], region=None,
                   products=[], capacity=capacity.get(n), output_value=None,
                   member_count=members, weight=members if members is not None else 1)
    for s, c in edges:
        rel = {"iri": f"{s}->{c}", "product": None, "product_label": None, "products": [],
               "share": share.get((s, c)), "share_wording": None, "volume": None,
               "volume_unit": None, "volume_wording": None, "quote": f"{s} supplies {c}",
               "source": "example", "inferred": False, "rule": None}
        G.add_edge(s, c, relations=[rel], products=[])
    return G
