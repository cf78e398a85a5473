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
from .store import select

__all__ = [
    "QUOTE_SEPARATOR",
    "as_network",
    "cluster_members",
    "group_links",
    "known_clusters",
    "last_segment",
    "network_from_edges",
    "node_label",
    "resolve_cluster",
    "supply_network",
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
_AGENT_TYPES = {str(CKG.Firm), str(CKG.EnterpriseGroup), str(CKG.FirmCohort)}

# One row per (subject, attribute, value). The attribute branches are not joined with
# the set of agents (a join made Oxigraph 40x slower): rows of other subjects are
# dropped in Python. Agents are the subjects of a "type" row and the endpoints of
# supply relations (read by the edge query).
_NODES_QUERY = """
SELECT ?n ?k ?v ?w WHERE {
  { ?n a/rdfs:subClassOf* ?v .
    VALUES ?v { ckg:Firm ckg:EnterpriseGroup ckg:FirmCohort ckg:ResearchInstitution
                ckg:Association ckg:Organization ckg:Agent }
    BIND("type" AS ?k) }
  UNION { ?n skos:prefLabel ?v . BIND("pref" AS ?k) BIND(LCASE(lang(?v)) AS ?w) }
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
"""

# One "link" row per supply relation (supplier, customer, product and its English label),
# then one row for each optional attribute a relation has.
_EDGES_QUERY = """
SELECT ?r ?k ?v ?w ?x ?y WHERE {
  { ?r a ckg:SupplyRelation ; ckg:supplier ?v ; ckg:customer ?w .
    OPTIONAL { ?r ckg:product ?x .
               OPTIONAL { ?x skos:prefLabel ?y . FILTER(langMatches(lang(?y), "en")) } }
    BIND("link" AS ?k) }
  UNION { ?r a ckg:SupplyRelation ; ckg:share ?v . BIND("share" AS ?k) }
  UNION { ?r a ckg:SupplyRelation ; ckg:shareWording ?v . BIND("shareWording" AS ?k) }
  UNION { ?r a ckg:SupplyRelation ; ckg:volume ?q . ?q qudt:numericValue ?v .
          OPTIONAL { ?q qudt:unit ?w } BIND("volume" AS ?k) }
  UNION { ?r a ckg:SupplyRelation ; ckg:volume ?q . ?q ckg:originalWording ?v .
          BIND("volumeWording" AS ?k) }
  UNION { ?r a ckg:SupplyRelation ; prov:wasDerivedFrom ?e . ?e prov:value ?v .
          OPTIONAL { ?e prov:hadPrimarySource ?a . ?a dcterms:identifier ?w }
          BIND("evidence" AS ?k) }
  UNION { ?r a ckg:SupplyRelation ; ckg:inferred ?v . BIND("inferred" AS ?k) }
  UNION { ?r a ckg:SupplyRelation ; ckg:inferenceRule ?u . ?u rdfs:comment ?v .
          BIND("rule" AS ?k) }
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
  UNION { ?x ckg:inCluster|ckg:clusterRegion|ckg:locatedIn|ckg:headquarteredIn|ckg:partOf
             <{iri}> . }
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
    """``iri`` unchanged if it can be written as ``<iri>`` in SPARQL, else
    :class:`UnknownCluster`."""
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


def _float(text: str | None) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _bool(text: str) -> bool:
    return text.strip().lower() in ("true", "1")


def _pick_label(labels: Iterable[tuple[str, str]], iri: str) -> tuple[str, str | None]:
    """(English label, Chinese label) from (label, language) pairs: en, else untagged,
    else the IRI's last segment."""
    en = sorted(lab for lab, lang in labels if lang.startswith("en"))
    plain = sorted(lab for lab, lang in labels if not lang)
    zh = sorted(lab for lab, lang in labels if lang.startswith("zh"))
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
    for iri, label in select(graph, _CLUSTERS_QUERY):
        if label is not None:
            labels[iri] = min(labels.get(iri, label), label)
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
    >>> resolve_cluster(g, "Atlantis")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.UnknownCluster: no cluster, ... called 'Atlantis'. Known clusters: Binzhou cluster.
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
    return {row[0] for row in select(graph, _MEMBERS_QUERY.replace("{iri}", iri))}


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

    relations = _read_relations(graph)
    endpoints = {n for rel in relations for n in (*rel["_suppliers"], *rel["_customers"])}
    nodes = _read_nodes(graph, endpoints, keep)

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


def _new_node() -> dict:
    return {"types": set(), "pref": set(), "alt": set(), "clusters": {}, "located": set(),
            "hq": set(), "products": set(), "capacity": {}, "outputValue": {}, "members": set()}


def _read_nodes(graph, endpoints: set[str], keep: set[str] | None) -> dict[str, dict]:
    raw: dict[str, dict] = {}
    agents: set[str] = set(endpoints)
    for iri, key, v, w in select(graph, _NODES_QUERY):
        if keep is not None and iri not in keep:
            continue
        d = raw.get(iri)
        if d is None:
            d = raw[iri] = _new_node()
        if key == "type":
            d["types"].add(v)
            if v in _AGENT_TYPES:
                agents.add(iri)
        elif key == "pref":
            d["pref"].add((v, w or ""))
        elif key == "alt":
            d["alt"].add(v)
        elif key == "cluster":
            labels = d["clusters"].setdefault(v, set())
            if w is not None:
                labels.add(w)
        elif key in ("located", "hq", "members"):
            d[key].add(v)
        elif key == "product":
            d["products"].add(v)
        elif key in ("capacity", "outputValue"):
            value = _float(v)
            if value is not None:
                d[key][w] = value  # one value per quantity node

    out = {}
    for iri in agents:
        if keep is not None and iri not in keep:
            continue
        d = raw.get(iri) or _new_node()
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
            "aliases": sorted(d["alt"]),
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
    links: dict[str, tuple[set, set, dict]] = {}  # relation -> suppliers, customers, product labels
    extra: dict[str, dict[str, set]] = {}  # relation -> attribute -> values
    for r, key, v, w, x, y in select(graph, _EDGES_QUERY):
        if key == "link":
            link = links.get(r)
            if link is None:
                link = links[r] = (set(), set(), {})
            link[0].add(v)
            link[1].add(w)
            if x is not None:
                labels = link[2].setdefault(x, set())
                if y is not None:
                    labels.add(y)
            continue
        attrs = extra.setdefault(r, {})
        if key in ("share", "volume"):
            value = _float(v)
            if value is not None:
                attrs.setdefault(key, set()).add(value if key == "share" else (value, w))
        elif key == "evidence":
            attrs.setdefault(key, set()).add((w or "", v))
        elif key == "inferred":
            attrs.setdefault(key, set()).add(_bool(v))
        else:
            attrs.setdefault(key, set()).add(v)

    out = []
    empty: dict[str, set] = {}
    label_of: dict[str, str] = {}  # product -> label, worked out once per product
    for iri in sorted(links):
        suppliers, customers, product_labels = links[iri]
        d = extra.get(iri, empty)
        products = sorted(product_labels) if len(product_labels) > 1 else list(product_labels)
        product = products[0] if products else None
        product_label = None
        if product is not None:
            product_label = label_of.get(product)
            if product_label is None:
                labels = product_labels[product]
                product_label = label_of[product] = min(labels) if labels else last_segment(product)
        quote = source = ""
        if "evidence" in d:
            evidence = sorted(d["evidence"])
            quote = QUOTE_SEPARATOR.join(dict.fromkeys(q for _, q in evidence))
            source = "; ".join(dict.fromkeys(src for src, _ in evidence if src))
        volume = min(d["volume"], key=lambda t: (t[0], t[1] or "")) if "volume" in d else None
        out.append({
            "iri": iri,
            "product": product,
            "product_label": product_label,
            "products": products,
            "share": max(d["share"]) if "share" in d else None,
            "share_wording": _joined(d.get("shareWording")),
            "volume": volume[0] if volume else None,
            "volume_unit": volume[1] if volume else None,
            "volume_wording": _joined(d.get("volumeWording")),
            "quote": quote,
            "source": source,
            "inferred": any(d["inferred"]) if "inferred" in d else False,
            "rule": _joined(d.get("rule")),
            "_suppliers": sorted(suppliers) if len(suppliers) > 1 else list(suppliers),
            "_customers": sorted(customers) if len(customers) > 1 else list(customers),
        })
    return out


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
    return sorted({(s, g) for s, g in select(graph, _GROUPS_QUERY)})


# ------------------------------------------------------------------ helpers


def as_network(source, *, cluster: str | None = None):
    """``source`` itself if it is already a networkx DiGraph, else :func:`supply_network` of it.

    ``cluster`` needs the RDF graph (regions and parks are not in the network).
    """
    import networkx as nx

    if isinstance(source, nx.DiGraph):
        if cluster is not None:
            raise TypeError("cluster= needs the RDF graph, not a network: "
                            "use supply_network(graph, cluster=…)")
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
