"""The supply network: the RDF graph projected into a :class:`networkx.DiGraph`.

Nodes are agents (firms, enterprise groups, cohorts stated by count, and any other
agent that appears in a supply relation); edges run supplier → customer and carry
every ``ckg:SupplyRelation`` between the two with its product, share, volume and
evidence. Group–subsidiary links are not supply: :func:`group_links` returns them.

A few streamed SPARQL SELECTs do the work (the agents' types, the supply relations,
the evidence, the relations' other attributes, the nodes' attributes): every
multi-valued property comes back as its own row, so the cost is linear in the triples
read. Their joins are written for the engine that runs them (hash joins on Oxigraph,
basic graph patterns on rdflib's engine and remote endpoints; see :func:`_join`). At
100k firms most of the time is Oxigraph reading strings; ``evidence=False`` skips the
quotes for callers that do not show them.

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

from .engine import gc_paused
from .errors import AmbiguousName, UnknownCluster, UnknownName
from .ontology import CKG_NS, sparql_prologue
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
    CKG_NS + "FirmCohort": "cohort",
    CKG_NS + "EnterpriseGroup": "group",
    CKG_NS + "Firm": "firm",
    CKG_NS + "ResearchInstitution": "institution",
    CKG_NS + "Association": "association",
    CKG_NS + "Organization": "agent",
    CKG_NS + "Agent": "agent",
}
_KIND_ORDER = ["cohort", "group", "firm", "institution", "association", "agent"]
_AGENT_TYPES = {CKG_NS + "Firm", CKG_NS + "EnterpriseGroup", CKG_NS + "FirmCohort"}

# How the projection reads the graph (figures: Oxigraph on disk, 100k firms, 439k relations).
# - Handing Python a term stored as a string (an IRI, a label) costs about 3 µs on Oxigraph, a
#   read of the store's string table; numbers and short strings cost nothing. That is most of
#   the time, so each query returns every term once per row it is needed in, and nothing else.
# - Oxigraph joins two triple patterns by looking each row up in the index (12 µs a row), but
#   two sub-SELECTs by a hash table (about 2 µs): on Oxigraph, _join writes every operand as a
#   sub-SELECT. rdflib's engine is the other way round (a chain of sub-SELECTs takes quadratic
#   time), so there, and on a remote endpoint, the operands form one basic graph pattern.
# - One row per value: multi-valued properties give several rows, which Python gathers into sets.
# - Joining the attributes with the set of agents would cost more than reading the rows of
#   every subject and dropping the others in Python.


def _join(patterns: Iterable[str], hash_joins: bool) -> str:
    """The join of triple patterns, as sub-SELECTs (``hash_joins``) or one basic graph pattern.

    >>> _join(["?r ckg:supplier ?s", "?r ckg:customer ?c"], hash_joins=False)
    '?r ckg:supplier ?s . ?r ckg:customer ?c'
    >>> _join(["?r ckg:supplier ?s", "?r ckg:customer ?c"], hash_joins=True)
    '{ SELECT * WHERE { ?r ckg:supplier ?s } } { SELECT * WHERE { ?r ckg:customer ?c } }'
    """
    if hash_joins:
        return " ".join(f"{{ SELECT * WHERE {{ {p} }} }}" for p in patterns)
    return " . ".join(patterns)


def _optional(patterns: Iterable[str], hash_joins: bool) -> str:
    """OPTIONAL of the join of triple patterns (see :func:`_join`)."""
    patterns = list(patterns)
    inner = patterns[0] if len(patterns) == 1 else _join(patterns, hash_joins)
    if hash_joins:
        return f"OPTIONAL {{ SELECT * WHERE {{ {inner} }} }}"
    return f"OPTIONAL {{ {inner} }}"


# The classes that make a subject an agent (and its kind), with their subclasses.
_CLASSES_QUERY = """
SELECT ?c ?v WHERE {
  VALUES ?v { ckg:Firm ckg:EnterpriseGroup ckg:FirmCohort ckg:ResearchInstitution ckg:Association
              ckg:Organization ckg:Agent }
  ?c rdfs:subClassOf* ?v .
}
"""

# The members of those classes: one row per rdf:type statement.
_TYPED_QUERY = """
SELECT ?n ?c WHERE {
  { SELECT DISTINCT ?c WHERE {
      VALUES ?v { ckg:Firm ckg:EnterpriseGroup ckg:FirmCohort ckg:ResearchInstitution
                  ckg:Association ckg:Organization ckg:Agent }
      ?c rdfs:subClassOf* ?v . } }
  ?n a ?c .
}
"""


def _relations_query(hash_joins: bool, evidence: bool) -> str:
    """One row per supply relation with its supplier, customer, product and evidence node
    (several rows if one of them has several values)."""
    return f"""
SELECT ?r ?s ?c ?x ?e WHERE {{
  {_join(["?r a ckg:SupplyRelation", "?r ckg:supplier ?s", "?r ckg:customer ?c"], hash_joins)}
  {_optional(["?r ckg:product ?x"], hash_joins)}
  {_optional(["?r prov:wasDerivedFrom ?e"], hash_joins) if evidence else ""}
}}"""


def _evidence_query(hash_joins: bool) -> str:
    """Evidence quotes and the identifier of their source (an evidence node may state several)."""
    return f"""
SELECT ?e ?q ?src WHERE {{
  {_join(["?e prov:value ?q"], hash_joins)}
  {_optional(["?e prov:hadPrimarySource ?a", "?a dcterms:identifier ?src"], hash_joins)}
}}"""


def _relation_extras_query(hash_joins: bool) -> str:
    """The attributes that many relations lack: one row per value (a volume's value, unit and
    wording in one row). Rows of subjects that are not supply relations are dropped in Python."""
    return f"""
SELECT ?r ?k ?v ?w ?x WHERE {{
  {{ ?r ckg:share ?v . BIND("share" AS ?k) }}
  UNION {{ ?r ckg:shareWording ?v . BIND("shareWording" AS ?k) }}
  UNION {{ ?r ckg:inferred ?v . BIND("inferred" AS ?k) }}
  UNION {{ {_join(["?r ckg:volume ?q"], hash_joins)}
          {_optional(["?q qudt:numericValue ?v"], hash_joins)}
          {_optional(["?q qudt:unit ?w"], hash_joins)}
          {_optional(["?q ckg:originalWording ?x"], hash_joins)}
          BIND("volume" AS ?k) }}
  UNION {{ {_join(["?r ckg:inferenceRule ?u", "?u rdfs:comment ?v"], hash_joins)}
          BIND("rule" AS ?k) }}
}}"""


def _nodes_query(hash_joins: bool) -> str:
    """One row per (subject, attribute, value), for every subject: Python keeps the rows of
    agents, and the English labels of clusters and products."""
    def quantity(prop: str, unit: str) -> str:
        patterns = [f"?n {prop} ?w", f"?w qudt:unit {unit}", "?w qudt:numericValue ?v"]
        return _join(patterns, hash_joins)

    return f"""
SELECT ?n ?k ?v ?w WHERE {{
  {{ ?n skos:prefLabel ?v . BIND("pref" AS ?k) BIND(LCASE(lang(?v)) AS ?w) }}
  UNION {{ ?n skos:altLabel ?v . BIND("alt" AS ?k) }}
  UNION {{ ?n ckg:inCluster ?v . BIND("cluster" AS ?k) }}
  UNION {{ ?n ckg:locatedIn ?v . BIND("located" AS ?k) }}
  UNION {{ ?n ckg:headquarteredIn ?v . BIND("hq" AS ?k) }}
  UNION {{ ?n ckg:produces ?v . BIND("product" AS ?k) }}
  UNION {{ ?n ckg:memberCount ?v . BIND("members" AS ?k) }}
  UNION {{ {quantity("ckg:capacity", "unit:TONNE-PER-YR")} BIND("capacity" AS ?k) }}
  UNION {{ {quantity("ckg:outputValue", "unit:CCY_CNY")} BIND("outputValue" AS ?k) }}
}}"""


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
    """(English label, Chinese label) from (label, language) pairs: the smallest "en…" label,
    else the smallest untagged one, else the IRI's last segment; the smallest "zh…" label or None.

    >>> _pick_label([("b", "en"), ("a", "en-gb"), ("c", ""), ("乙", "zh"), ("甲", "zh")], "http://e.org/x")
    ('a', '乙')
    >>> _pick_label([("c", "")], "http://e.org/x"), _pick_label([], "http://e.org/x")
    (('c', None), ('x', None))
    """
    en = plain = zh = None
    for lab, lang in labels:
        if lang.startswith("en"):
            if en is None or lab < en:
                en = lab
        elif not lang:
            if plain is None or lab < plain:
                plain = lab
        elif lang.startswith("zh") and (zh is None or lab < zh):
            zh = lab
    label = en if en is not None else plain if plain is not None else last_segment(iri)
    return label, zh


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


def supply_network(graph, *, cluster: str | None = None, evidence: bool = True):
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
        return _project(graph, evidence, keep, cluster_iri)


def _project(graph, evidence: bool, keep: set[str] | None, cluster_iri: str | None):
    """The body of :func:`supply_network`; what it reads is freed when it returns."""
    import networkx as nx

    hash_joins = type(getattr(graph, "store", None)).__name__ == "OxigraphStore"
    kinds, typed_agents = _read_types(graph)
    links, merged = _read_links(graph, hash_joins, evidence)
    quotes = _read_evidence(graph, hash_joins) if evidence else None
    extras = _read_relation_extras(graph, hash_joins, links)
    raw = _read_node_rows(graph, hash_joins)
    agents = typed_agents | {n for row in links.values() for n in row[1:3]}
    for suppliers, customers, *_ in merged.values():
        agents.update(suppliers, customers)
    if keep is not None:
        agents &= keep
    nodes = _nodes(raw, kinds, agents)
    edges = _edges(links, merged, extras, quotes, raw, nodes)

    G = nx.DiGraph(cluster=cluster_iri)
    G.add_nodes_from((iri, nodes[iri]) for iri in sorted(nodes))
    G.add_edges_from([(s, c, customers[c]) for s, customers in sorted(edges.items())
                      for c in sorted(customers)])
    return G


def _read_types(graph) -> tuple[dict[str, str], set[str]]:
    """The kind of every member of a class of :data:`_CLASSES_QUERY` (directly or through a
    subclass), and the set of those that are firms, groups or cohorts."""
    listed: dict[str, set[str]] = {}
    for c, v in select(graph, _CLASSES_QUERY):
        listed.setdefault(c, set()).add(v)
    # per class: the rank in _KIND_ORDER of its kind, and whether its members are agents
    rank = {c: min(_KIND_ORDER.index(_KIND_BY_TYPE[v]) for v in vs) for c, vs in listed.items()}
    agent_class = {c for c, vs in listed.items() if not vs.isdisjoint(_AGENT_TYPES)}
    ranks: dict[str, int] = {}
    agents: set[str] = set()
    for n, c in select(graph, _TYPED_QUERY):
        r = rank.get(c)
        if r is None:
            continue
        if r < ranks.get(n, len(_KIND_ORDER)):
            ranks[n] = r
        if c in agent_class:
            agents.add(n)
    return {n: _KIND_ORDER[r] for n, r in ranks.items()}, agents


def _read_links(graph, hash_joins: bool,
                evidence: bool) -> tuple[dict[str, list], dict[str, tuple]]:
    """The rows of :func:`_relations_query`: relation -> its first row ``[r, s, c, x, e]``,
    and, for the relations with several rows, relation -> (suppliers, customers, products,
    evidence nodes), each a tuple of distinct values."""
    links: dict[str, list] = {}
    more: dict[str, list[list]] = {}
    for row in select(graph, _relations_query(hash_joins, evidence)):
        r = row[0]
        first = links.get(r)
        if first is None:
            links[r] = row
        elif r in more:
            more[r].append(row)
        else:
            more[r] = [first, row]
    merged = {
        r: tuple(tuple(dict.fromkeys(v for v in col if v is not None))
                 for col in list(zip(*rows))[1:5])
        for r, rows in more.items()
    }
    return links, merged


def _read_evidence(graph, hash_joins: bool) -> dict[str, set[tuple[str, str]]]:
    """Evidence node -> its (source identifier or "", quote) pairs."""
    quotes: dict[str, set[tuple[str, str]]] = {}
    for e, q, src in select(graph, _evidence_query(hash_joins)):
        pairs = quotes.get(e)
        if pairs is None:
            quotes[e] = {(src or "", q)}
        else:
            pairs.add((src or "", q))
    return quotes


def _read_relation_extras(graph, hash_joins: bool, links: dict) -> dict[str, dict[str, set]]:
    """Supply relation -> attribute -> values, for the attributes of :func:`_relation_extras_query`:
    "share", "shareWording", "inferred", "rule" (the rule's comment), "volume" ((value, unit)
    pairs) and "volumeWording"."""
    extras: dict[str, dict[str, set]] = {}
    for r, key, v, w, x in select(graph, _relation_extras_query(hash_joins)):
        if r not in links:
            continue
        attrs = extras.get(r)
        if attrs is None:
            attrs = extras[r] = {}
        if key == "volume":
            value = _float(v)
            if value is not None:
                attrs.setdefault("volume", set()).add((value, w))
            if x is not None:
                attrs.setdefault("volumeWording", set()).add(x)
        else:
            attrs.setdefault(key, set()).add(v)
    return extras


def _read_node_rows(graph, hash_joins: bool) -> dict[str, dict]:
    """Subject -> attribute -> values, from :func:`_nodes_query`."""
    raw: dict[str, dict] = {}
    for n, key, v, w in select(graph, _nodes_query(hash_joins)):
        d = raw.get(n)
        if d is None:
            d = raw[n] = {}
        if key == "pref":
            v = (v, w or "")
        elif key in ("capacity", "outputValue"):
            value = _float(v)
            if value is not None:
                d.setdefault(key, {})[w] = value  # one value per quantity node
            continue
        values = d.get(key)
        if values is None:
            d[key] = {v}
        else:
            values.add(v)
    return raw


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
        label, label_zh = _pick_label(d.get("pref", ()), iri)
        clusters = sorted(d["cluster"]) if "cluster" in d else []
        for c in clusters:
            if c not in cluster_label:
                cluster_label[c] = _en_label(raw, c)
        located, hq = d.get("located"), d.get("hq")
        member_count = None
        if kind == "cohort" and "members" in d:
            counts = [int(c) for c in (_float(m) for m in d["members"]) if c is not None]
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
                   "share": None, "share_wording": None, "volume": None, "volume_unit": None,
                   "volume_wording": None, "quote": cite[0], "source": cite[1], "inferred": False,
                   "rule": None}
        else:
            volume = (min(d["volume"], key=lambda t: (t[0], t[1] or "")) if "volume" in d
                      else (None, None))
            shares = [v for v in map(_float, d["share"]) if v is not None] if "share" in d else None
            rel = {
                "iri": iri,
                "product": product,
                "product_label": label,
                "products": products,
                "share": max(shares) if shares else None,
                "share_wording": _joined(d.get("shareWording")),
                "volume": volume[0],
                "volume_unit": volume[1],
                "volume_wording": _joined(d.get("volumeWording")),
                "quote": cite[0],
                "source": cite[1],
                "inferred": any(map(_bool, d["inferred"])) if "inferred" in d else False,
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
