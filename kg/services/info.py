"""What a graph holds: counts by class, supply links, sources, validity (``kg info``)."""

from __future__ import annotations

from kg.ingest.ledger import loaded_files, read_ledger
from kg.ingest.remote import remote_records
from kg.rdf.generations import current_generation
from kg.rdf.graph import count_triples
from kg.rdf.remote import local_copy
from kg.validation.shacl import validate as run_validation
from kg.vocab.namespaces import PREFIXES, last_segment


def remote_graph_info(graph) -> dict:
    """:func:`kg.services.info.graph_info` for a remote graph: counts by SPARQL on the server,
    SHACL validation on a :func:`local_copy` (pyshacl cannot run on a SPARQL store)."""
    info = graph_info(graph, validate=False)
    violations = [v for v in run_validation(local_copy(graph)) if v.severity == "Violation"]
    info["validation"] = {"conforms": not violations, "violations": len(violations)}
    return info


def files_info(*, store: str | None = None, graph=None) -> dict:
    """The files loaded into the store folder ``store``, or into the SPARQL server behind ``graph``
    (a graph of :func:`~kg.rdf.remote.open_remote`): ``{"files": [{name, triples, sha256,
    loaded_at, source}, …], "unrecorded": bool}``, ``unrecorded`` True when the store or server
    also holds data loaded before kg kept records of files (it cannot be removed by name).
    """
    if store is not None:
        generation = current_generation(store)
        ledger = read_ledger(generation.store, generation.folder)
    else:
        ledger = remote_records(graph)
    return {"files": loaded_files(ledger), "unrecorded": not ledger.recorded or bool(ledger.unrecorded)}


INSTANCE_CLASSES = [
    "Firm", "EnterpriseGroup", "FirmCohort", "ResearchInstitution", "Association", "GovernmentBody",
    "Organization", "Person", "Country", "Province", "City", "County", "Region", "IndustrialPark",
    "DevelopmentZone", "IndustrialCluster", "Project", "LifecycleEvent", "Target", "Recognition",
    "Cooperation", "Event", "SupplyRelation", "Quantity", "Evidence", "Article", "InferenceRule",
    "Product", "Stage",
]  # fmt: skip
"""The classes ``kg info`` counts, in this order (direct members, not subclasses)."""


_COUNTS = """
SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?type . VALUES ?type { %s } } GROUP BY ?type
"""


_SOURCES = """
SELECT ?id ?title WHERE { ?a a ckg:Article ; dcterms:identifier ?id ; dcterms:title ?title } ORDER BY ?id
"""


_LINKS = """
SELECT
  (COUNT(DISTINCT ?r) AS ?relations)
  (COUNT(DISTINCT ?inf) AS ?inferred)
WHERE {
  ?r a ckg:SupplyRelation .
  OPTIONAL { ?r ckg:inferred true . BIND(?r AS ?inf) }
}
"""


def graph_info(graph, *, validate: bool = True) -> dict:
    """A summary of ``graph`` as plain data.

    >>> from kg.rdf.graph import open_graph
    >>> info = graph_info(open_graph([]), validate=False)   # ontology only
    >>> info["classes"]["Stage"], info["supply_relations"], info["sources"]
    (11, 0, [])
    """
    values = " ".join(f"ckg:{c}" for c in INSTANCE_CLASSES)
    counts = {last_segment(str(t)): int(n) for t, n in graph.query(_COUNTS % values, initNs=PREFIXES)}
    rel, inferred = next(iter(graph.query(_LINKS, initNs=PREFIXES)))
    supplies = next(iter(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ckg:suppliesTo ?c }", initNs=PREFIXES)))[0]
    summary = {
        "classes": {c: counts.get(c, 0) for c in INSTANCE_CLASSES},
        "supply_relations": int(rel),
        "inferred_supply_relations": int(inferred),
        "supplies_to": int(supplies),
        "sources": [{"identifier": str(i), "title": str(t)} for i, t in graph.query(_SOURCES, initNs=PREFIXES)],
        "triples": count_triples(graph),
    }
    if validate:
        violations = [v for v in run_validation(graph) if v.severity == "Violation"]
        summary["validation"] = {"conforms": not violations, "violations": len(violations)}
    return summary
