"""The SPARQL reads behind the supply network: agent types, supply relations, evidence, nodes.

A few streamed SPARQL SELECTs do the work (the agents' types, the supply relations,
the evidence, the relations' other attributes, the nodes' attributes): every
multi-valued property comes back as its own row, so the cost is linear in the triples
read. Their joins are written for the engine that runs them (hash joins on Oxigraph,
basic graph patterns on rdflib's engine and remote endpoints; see :func:`_join`). At
100k firms most of the time is Oxigraph reading strings; ``evidence=False`` skips the
quotes for callers that do not show them.

:func:`kg.network.project.supply_network` joins what these return into the network.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.network.model import as_float
from kg.rdf.graph import select
from kg.vocab.namespaces import CKG_NS

KIND_BY_TYPE = {
    CKG_NS + "FirmCohort": "cohort",
    CKG_NS + "EnterpriseGroup": "group",
    CKG_NS + "Firm": "firm",
    CKG_NS + "ResearchInstitution": "institution",
    CKG_NS + "Association": "association",
    CKG_NS + "Organization": "agent",
    CKG_NS + "Agent": "agent",
}


_KIND_ORDER = ["cohort", "group", "firm", "institution", "association", "agent"]


AGENT_TYPES = {CKG_NS + "Firm", CKG_NS + "EnterpriseGroup", CKG_NS + "FirmCohort"}


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
  UNION {{ ?r ckg:relationKind ?v . BIND("kind" AS ?k) }}
  UNION {{ ?r ckg:shareBound ?v . BIND("shareBound" AS ?k) }}
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
  UNION {{ ?n ckg:memberOf ?v . BIND("memberOf" AS ?k) }}
  UNION {{ ?n ckg:subCohortOf ?v . BIND("subCohortOf" AS ?k) }}
  UNION {{ ?n ckg:overlapsWith ?v . BIND("overlapsWith" AS ?k) }}
  UNION {{ {quantity("ckg:capacity", "unit:TONNE-PER-YR")} BIND("capacity" AS ?k) }}
  UNION {{ {quantity("ckg:outputValue", "unit:CCY_CNY")} BIND("outputValue" AS ?k) }}
}}"""


GROUPS_QUERY = """
SELECT DISTINCT ?s ?g WHERE {
  { ?s ckg:parentOrganization ?g . } UNION { ?g ckg:subsidiary ?s . }
}
"""


def read_types(graph) -> tuple[dict[str, str], set[str]]:
    """The kind of every member of a class of :data:`_CLASSES_QUERY` (directly or through a
    subclass), and the set of those that are firms, groups or cohorts."""
    listed: dict[str, set[str]] = {}
    for c, v in select(graph, _CLASSES_QUERY):
        listed.setdefault(c, set()).add(v)
    # per class: the rank in _KIND_ORDER of its kind, and whether its members are agents
    rank = {c: min(_KIND_ORDER.index(KIND_BY_TYPE[v]) for v in vs) for c, vs in listed.items()}
    agent_class = {c for c, vs in listed.items() if not vs.isdisjoint(AGENT_TYPES)}
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


def read_links(graph, hash_joins: bool,
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


def read_evidence(graph, hash_joins: bool) -> dict[str, set[tuple[str, str]]]:
    """Evidence node -> its (source identifier or "", quote) pairs."""
    quotes: dict[str, set[tuple[str, str]]] = {}
    for e, q, src in select(graph, _evidence_query(hash_joins)):
        pairs = quotes.get(e)
        if pairs is None:
            quotes[e] = {(src or "", q)}
        else:
            pairs.add((src or "", q))
    return quotes


def read_relation_extras(graph, hash_joins: bool, links: dict) -> dict[str, dict[str, set]]:
    """Supply relation -> attribute -> values, for the attributes of :func:`_relation_extras_query`:
    "share", "shareWording", "shareBound", "kind" (the ckg:RelationKind IRI), "inferred", "rule"
    (the rule's comment), "volume" ((value, unit) pairs) and "volumeWording"."""
    extras: dict[str, dict[str, set]] = {}
    for r, key, v, w, x in select(graph, _relation_extras_query(hash_joins)):
        if r not in links:
            continue
        attrs = extras.get(r)
        if attrs is None:
            attrs = extras[r] = {}
        if key == "volume":
            value = as_float(v)
            if value is not None:
                attrs.setdefault("volume", set()).add((value, w))
            if x is not None:
                attrs.setdefault("volumeWording", set()).add(x)
        else:
            attrs.setdefault(key, set()).add(v)
    return extras


def read_node_rows(graph, hash_joins: bool) -> dict[str, dict]:
    """Subject -> attribute -> values, from :func:`_nodes_query`."""
    raw: dict[str, dict] = {}
    for n, key, v, w in select(graph, _nodes_query(hash_joins)):
        d = raw.get(n)
        if d is None:
            d = raw[n] = {}
        if key == "pref":
            v = (v, w or "")
        elif key in ("capacity", "outputValue"):
            value = as_float(v)
            if value is not None:
                d.setdefault(key, {})[w] = value  # one value per quantity node
            continue
        values = d.get(key)
        if values is None:
            d[key] = {v}
        else:
            values.add(v)
    return raw
