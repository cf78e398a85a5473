"""Value-chain gaps of a cluster or place (``kg gaps``, the report's gaps section): resolve the
name, read who produces there, the projects and the statements about the chain, analyse
(:func:`kg.analysis.gaps.gaps`).

Where things count (the scope of a cluster or place Q):

- a firm, group, cohort or project counts for Q when it is ``ckg:inCluster`` Q, or in a
  cluster anchored in Q (``ckg:clusterRegion`` Q or a region ``ckg:partOf`` Q), or
  ``ckg:locatedIn`` Q (directly, in a park located in Q, or in a region part of Q);
- ``ckg:headquarteredIn`` never places production: a group with only a headquarters in Q
  (Weiqiao in Zouping) does not count for Q, and the answer says so in a note. A group's
  products count where it is stated to produce, i.e. its ``ckg:locatedIn``, or, as every
  member of a cluster, for the cluster it is ``ckg:inCluster`` (Weiqiao, whose chain article
  002 tells as Binzhou's, counts for the Binzhou cluster and the city it is anchored in, not
  for the county of its headquarters). Its subsidiaries count where they are located;
- a statement about the chain (``ckg:ChainStatement``) and a capacity stated for a cluster or
  place as a whole apply to Q when they are about Q, a cluster anchored in Q, a place within
  Q, or, when Q is a cluster, its region.

The reads are four SPARQL queries on the whole graph and one for the quotes of what counts.
"""

from __future__ import annotations

from kg.analysis import gaps as _gaps
from kg.analysis.gaps import Amount, ChainFacts, Producer, Project, Source, Statement
from kg.lookup.clusters import cluster_label, resolve_cluster
from kg.network.model import pick_label
from kg.network.scheme import product_stages, read_stages
from kg.network.time import furthest, not_yet, read_lifecycles, spell, up_to
from kg.rdf.graph import select
from kg.vocab.namespaces import local_name

_FACTS_QUERY = """
SELECT ?n ?k ?v ?w WHERE {
  { ?n a ?v . BIND("type" AS ?k)
    VALUES ?v { ckg:Firm ckg:EnterpriseGroup ckg:FirmCohort ckg:Project
                ckg:StageCoverageStatement ckg:ChainWeaknessStatement } }
  UNION { ?n ckg:produces ?v . BIND("product" AS ?k) }
  UNION { ?n a ckg:Project ; ckg:product ?v . BIND("product" AS ?k) }
  UNION { ?n ckg:locatedIn ?v . BIND("located" AS ?k) }
  UNION { ?n ckg:headquarteredIn ?v . BIND("hq" AS ?k) }
  UNION { ?n ckg:inCluster ?v . BIND("cluster" AS ?k) }
  UNION { ?n ckg:memberCount ?v . BIND("members" AS ?k) }
  UNION { ?n ckg:statementAbout ?v . BIND("about" AS ?k) }
  UNION { ?n ckg:coversStage ?v . BIND("stage" AS ?k) }
  UNION { ?n a ckg:ChainWeaknessStatement ; ckg:originalWording ?v . BIND("wording" AS ?k) }
  UNION { ?n ckg:statementAbout ?x ; ckg:note ?v . BIND("note" AS ?k) }
  UNION { ?n skos:prefLabel ?v . BIND("label" AS ?k) BIND(LCASE(lang(?v)) AS ?w) }
}
"""
"""One row per (entity, fact): types, products, places, statements, labels (the lifecycle stages are
read by :func:`kg.network.time.read_lifecycles`)."""

_CAPACITY_QUERY = """
SELECT ?n ?q ?value ?unit ?bound ?wording ?product ?asOf WHERE {
  ?n ckg:capacity ?q . ?q qudt:numericValue ?value .
  OPTIONAL { ?q qudt:unit ?unit } OPTIONAL { ?q ckg:bound ?bound }
  OPTIONAL { ?q ckg:originalWording ?wording } OPTIONAL { ?q ckg:product ?product }
  OPTIONAL { ?q ckg:asOf ?asOf }
}
"""

_SCOPE_QUERY = """
SELECT DISTINCT ?n WHERE {
  { ?n ckg:inCluster <{iri}> . }
  UNION { ?n ckg:inCluster ?c . ?c ckg:clusterRegion ?reg . ?reg ckg:partOf* <{iri}> . }
  UNION { ?n ckg:locatedIn ?p . ?p (ckg:locatedIn|ckg:partOf)* <{iri}> . }
}
"""
"""What produces in the cluster or place: never by ckg:headquarteredIn."""

_AREA_QUERY = """
SELECT DISTINCT ?x WHERE {
  { ?x ckg:clusterRegion ?reg . ?reg ckg:partOf* <{iri}> . }
  UNION { ?x (ckg:locatedIn|ckg:partOf)* <{iri}> . ?x a ?t .
          VALUES ?t { ckg:IndustrialCluster ckg:Region ckg:Country ckg:Province ckg:City ckg:County
                      ckg:IndustrialPark ckg:DevelopmentZone } }
  UNION { <{iri}> ckg:clusterRegion ?x . }
}
"""
"""The clusters and places whose chain statements and capacities apply to the cluster or place."""

_HEADQUARTERS_QUERY = """
SELECT DISTINCT ?n WHERE { ?n ckg:headquarteredIn ?p . ?p (ckg:locatedIn|ckg:partOf)* <{iri}> . }
"""

_EVIDENCE_QUERY = """
SELECT ?n ?quote ?title ?id WHERE {
  VALUES ?n { {values} }
  ?n {path} ?e . ?e prov:value ?quote .
  OPTIONAL { ?e prov:hadPrimarySource ?a . OPTIONAL { ?a dcterms:title ?title }
             OPTIONAL { ?a dcterms:identifier ?id } }
}
"""

_KINDS = {"Firm": "firm", "EnterpriseGroup": "group", "FirmCohort": "cohort"}


def gaps(graph, cluster: str, *, as_of: int | None = None) -> _gaps.Gaps:
    """Value-chain coverage and gaps of ``cluster`` (IRI, prefixed name, or label of a cluster,
    region or park; see :func:`kg.lookup.clusters.resolve_cluster`).

    A project's status is the furthest stage it reached (:func:`kg.network.time.furthest`). With
    ``as_of`` (a year): stages dated later do not count, a project with no stage up to then is left
    out, so are producers first dated later (or closed by then) and capacities dated later; what
    has no date is kept, and a note says what was left out and kept.

    Raises :class:`~kg.errors.UnknownCluster` listing the known clusters when nothing matches.
    """
    iri = resolve_cluster(graph, cluster)
    scope = {row[0] for row in select(graph, _SCOPE_QUERY.replace("{iri}", iri))}
    area = {row[0] for row in select(graph, _AREA_QUERY.replace("{iri}", iri))} | {iri}
    hq = {row[0] for row in select(graph, _HEADQUARTERS_QUERY.replace("{iri}", iri))} - scope
    facts = read_chain_facts(graph, scope, area, hq, as_of=as_of)
    prod_stage, prod_label = product_stages(graph)
    result = _gaps.gaps(facts, scope, read_stages(graph), prod_stage, prod_label,
                        cluster=iri, label=cluster_label(graph, iri))
    if as_of is not None:
        result.notes.insert(0, facts.as_of_note(as_of))
    return result


def read_chain_facts(graph, scope: set[str], area: set[str], hq: set[str], *,
                     as_of: int | None = None) -> ChainFacts:
    """Every producer and project of ``graph``, with quotes for those in ``scope``; the chain
    statements and capacities about the clusters and places of ``area``; the groups of ``hq``;
    as of a year with ``as_of`` (see :func:`gaps`)."""
    raw: dict[str, dict[str, set]] = {}
    labels: dict[str, list[tuple[str, str]]] = {}
    for n, k, v, w in select(graph, _FACTS_QUERY):
        if k == "label":
            labels.setdefault(n, []).append((v, w or ""))
        else:
            raw.setdefault(n, {}).setdefault(k, set()).add(v)
    capacities: dict[str, dict[str, Amount]] = {}
    undated_capacity: set[tuple[str, str]] = set()
    facts = ChainFacts()
    for n, q, value, unit, bound, wording, product, dated in select(graph, _CAPACITY_QUERY):
        if not up_to(dated, as_of):
            facts.left_out.append((q, f"a capacity of {pick_label(labels.get(n, ()), n)[0]} stated as of {dated}"))
            continue
        if dated is None:
            undated_capacity.add((n, q))
        try:
            amount = Amount(float(value), unit or "", bound or "exact", wording, product)
        except (TypeError, ValueError):
            continue
        capacities.setdefault(n, {}).setdefault(q, amount)

    def label(x: str) -> str:
        return pick_label(labels.get(x, ()), x)[0]

    lifecycles = read_lifecycles(graph)

    def names(d: dict, key: str) -> tuple[str, ...]:
        return tuple(sorted({label(x) for x in d.get(key, ())}, key=str.casefold))

    def amounts(n: str) -> tuple[Amount, ...]:
        found = capacities.get(n, {})
        return tuple(found[q] for q in sorted(found))

    types = {n: {local_name(t) for t in d.get("type", ())} for n, d in raw.items()}
    statements = sorted(n for n, d in raw.items() if types[n] & {"StageCoverageStatement", "ChainWeaknessStatement"}
                        and d.get("about", set()) & area)
    quoted = sources_of(graph, scope | set(statements))
    for n, d in raw.items():
        t = types[n]
        stages = lifecycles.get(n, ())
        if as_of is not None and (t & ({"Project"} | set(_KINDS))):
            why = _absent(stages, as_of, project="Project" in t)
            if why:
                facts.left_out.append((n, f"{label(n)}: {why}"))
                continue
            facts.undated += not any(s.date for s in stages)
        if "Project" in t:
            stage = furthest(stages, as_of)
            facts.projects[n] = Project(
                n, label(n), stage.label if stage else None, stage.date if stage else None,
                tuple(sorted(d.get("product", ()))), amounts(n),
                names(d, "located"), names(d, "cluster"), quoted.get(n, ()),
                status_inferred=bool(stage and stage.inferred))
        elif t & set(_KINDS):
            kind = "cohort" if "FirmCohort" in t else "group" if "EnterpriseGroup" in t else "firm"
            members = min(int(float(m)) for m in d["members"]) if d.get("members") else None
            facts.producers[n] = Producer(
                n, label(n), kind, tuple(sorted(d.get("product", ()))), members, names(d, "located"),
                names(d, "cluster"), names(d, "hq"), amounts(n), quoted.get(n, ()))
    for n in statements:
        d = raw[n]
        weakness = min(d["wording"]) if d.get("wording") else None
        if "ChainWeaknessStatement" in types[n] and weakness is None:
            weakness = "weakness of the chain"
        facts.statements.append(Statement(
            n, label(min(d["about"] & area)), tuple(sorted(d.get("stage", ()))), weakness,
            min(d["note"]) if d.get("note") else None, quoted.get(n, ())))
    holders = sorted(a for a in area if a in capacities and a not in facts.producers and a not in facts.projects)
    facts.totals = [a for h in holders for a in amounts(h)]
    stated = sources_of(graph, holders, path="ckg:capacity/prov:wasDerivedFrom")
    facts.total_sources = tuple(dict.fromkeys(s for h in holders for s in stated.get(h, ())))
    facts.headquartered = [facts.producers[n] for n in sorted(hq) if n in facts.producers]
    if as_of is not None:  # the capacities kept with their holder and no date
        facts.undated += sum(1 for n, _ in undated_capacity if n in facts.producers or n in facts.projects or n in area)
    return facts


def _absent(stages, year: int, *, project: bool) -> str | None:
    """Why a project or producer with these lifecycle ``stages`` is not there as of ``year``."""
    if project and not_yet(stages, year):
        first = min((s.year for s in stages if s.year is not None), default=None)
        return f"first stage dated {first}" if first is not None else None
    start, end = spell(stages)
    if end is not None and end <= year:
        return f"closed in {end}"
    if start is not None and start > year and not project:
        return f"first dated {start}"
    return None


def sources_of(graph, nodes, *, path: str = "prov:wasDerivedFrom") -> dict[str, tuple[Source, ...]]:
    """Node -> the quotes it is derived from (through ``path``) with their articles' titles (else
    the seed file name), in a stable order."""
    nodes = sorted(nodes)
    out: dict[str, set[Source]] = {}
    for start in range(0, len(nodes), 500):
        values = " ".join(f"<{n}>" for n in nodes[start:start + 500])
        for n, quote, title, ident in select(graph, _EVIDENCE_QUERY.replace("{values}", values).replace("{path}", path)):
            out.setdefault(n, set()).add(Source(title or ident or "source not named", quote))
    return {n: tuple(sorted(s, key=lambda x: (x.title, x.quote))) for n, s in out.items()}

