"""Side facts for views and reports: places, projects, evidence, articles."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kg.network.project import group_links
from kg.network.time import furthest, not_yet, read_lifecycles
from kg.utils.text import format_number
from kg.vocab.namespaces import local_name, sparql_prologue

_ARTICLES_QUERY = """
SELECT ?a ?id ?title WHERE {
  ?a a ckg:Article .
  OPTIONAL { ?a dcterms:identifier ?id }
  OPTIONAL { ?a dcterms:title ?title }
}
"""


_CLUSTER_ARTICLES_QUERY = """
SELECT DISTINCT ?c ?a WHERE {
  ?x ckg:inCluster ?c ; prov:wasDerivedFrom ?e .
  ?e prov:hadPrimarySource ?a .
}
"""


def read_articles(graph) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for a, ident, title in graph.query(sparql_prologue() + _ARTICLES_QUERY):
        d = out.setdefault(str(a), {"article": str(a), "identifier": None, "title": None})
        if ident is not None and d["identifier"] is None:
            d["identifier"] = str(ident)
        if title is not None and d["title"] is None:
            d["title"] = str(title)
    return out


def read_cluster_articles(graph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c, a in graph.query(sparql_prologue() + _CLUSTER_ARTICLES_QUERY):
        out.setdefault(str(c), set()).add(str(a))
    return out


def article_of(articles: dict[str, dict], identifier: str) -> str | None:
    for iri, d in articles.items():
        if d["identifier"] == identifier:
            return iri
    return None


# ====================================================================== facts from RDF


@dataclass
class Facts:
    """What the view needs from the RDF graph beyond the supply network."""

    labels: dict = field(default_factory=dict)  # iri -> {"en": str, "zh": str, "alt": [str]}
    types: dict = field(default_factory=lambda: defaultdict(set))  # iri -> {kind words}
    evidence: dict = field(default_factory=lambda: defaultdict(list))  # iri -> [(file, quote)]
    located: dict = field(default_factory=lambda: defaultdict(set))  # iri -> {place iri}
    in_cluster: dict = field(default_factory=lambda: defaultdict(set))  # iri -> {cluster}
    projects: dict = field(default_factory=dict)  # iri -> {investors, products, status, year}
    quantities: dict = field(default_factory=lambda: defaultdict(list))  # iri -> [(prop, text)]
    cooperations: list = field(default_factory=list)  # [{iri, partners, kind}]
    group_links: list = field(default_factory=list)  # [(subsidiary, group)]

    def label(self, iri: str) -> str:
        entry = self.labels.get(iri)
        if entry and (entry.get("en") or entry.get("zh")):
            return entry.get("en") or entry.get("zh")
        return local_name(iri)

    def kind(self, iri: str) -> str | None:
        t = self.types.get(iri, ())
        for k in ("park", "project", "institution", "cluster", "region", "product"):
            if k in t:
                return k
        return None


_TYPE_KINDS = {
    "IndustrialPark": "park",
    "DevelopmentZone": "park",
    "Project": "project",
    "ResearchInstitution": "institution",
    "Association": "institution",
    "IndustrialCluster": "cluster",
    "Country": "region",
    "Province": "region",
    "City": "region",
    "County": "region",
    "Region": "region",
    "Product": "product",
}


_Q_LABELS = "SELECT ?e ?p ?l WHERE { VALUES ?p { skos:prefLabel skos:altLabel } ?e ?p ?l }"


_Q_TYPES = "SELECT ?e ?t WHERE { VALUES ?t { " + " ".join(f"ckg:{t}" for t in _TYPE_KINDS) + " } ?e a ?t }"


_Q_EVIDENCE = """SELECT ?e ?quote ?file WHERE {
  VALUES ?t { ckg:Firm ckg:EnterpriseGroup ckg:FirmCohort ckg:IndustrialPark ckg:DevelopmentZone
              ckg:Project ckg:ResearchInstitution ckg:Association ckg:Cooperation ckg:Agent }
  ?e a ?t ; prov:wasDerivedFrom ?ev . ?ev prov:value ?quote .
  OPTIONAL { ?ev prov:hadPrimarySource ?a . ?a dcterms:identifier ?file }
}"""


_Q_PLACES = """SELECT ?e ?p ?o WHERE {
  VALUES ?p { ckg:locatedIn ckg:headquarteredIn ckg:inCluster }
  ?e ?p ?o }"""


_Q_PROJECTS = """SELECT ?e ?p ?o WHERE {
  ?e a ckg:Project . VALUES ?p { ckg:investor ckg:product } ?e ?p ?o }"""


_Q_QUANTITIES = """SELECT ?e ?p ?value ?unit ?wording ?period WHERE {
  VALUES ?p { ckg:capacity ckg:output ckg:outputValue ckg:investment }
  ?e ?p ?q .
  OPTIONAL { ?q qudt:numericValue ?value } OPTIONAL { ?q qudt:unit ?unit }
  OPTIONAL { ?q ckg:originalWording ?wording } OPTIONAL { ?q ckg:period ?period }
}"""


_Q_COOPERATIONS = """SELECT ?c ?partner ?kind WHERE {
  ?c a ckg:Cooperation ; ckg:partner ?partner . OPTIONAL { ?c ckg:cooperationKind ?kind } }"""


def rdf_facts(graph, *, as_of: int | None = None) -> Facts:
    """Collect labels, places, evidence, projects and cooperations from ``graph`` (a few queries).

    A project's ``status`` is the label of the furthest stage it reached (as of a year with
    ``as_of``; :func:`kg.network.time.furthest`) and ``year`` that stage's date; a project with no
    stage up to ``as_of`` is left out.

    Nothing depends on the order the store returns rows in (an in-memory store and one on
    disk differ, and so do the whole graph and a neighbourhood of it): where an entity has
    several values and one is taken, it is the smallest; quotes and quantities are sorted.
    """
    def rows(q):
        return graph.query(sparql_prologue() + q)

    f = Facts()
    for e, p, lit in rows(_Q_LABELS):
        entry = f.labels.setdefault(str(e), {"en": None, "zh": None, "alt": []})
        lang = (getattr(lit, "language", None) or "").lower()
        text = str(lit)
        if str(p).endswith("prefLabel"):
            if lang.startswith("zh"):
                entry["zh"] = min(entry["zh"], text) if entry["zh"] else text
            elif lang in ("", "en") or lang.startswith("en"):
                entry["en"] = min(entry["en"], text) if entry["en"] else text
            else:
                entry["alt"].append(text)
        else:
            entry["alt"].append(text)
    for entry in f.labels.values():
        entry["alt"] = sorted(set(entry["alt"]))
    for e, t in rows(_Q_TYPES):
        f.types[str(e)].add(_TYPE_KINDS[local_name(str(t))])
    for e, quote, file in rows(_Q_EVIDENCE):
        f.evidence[str(e)].append((str(file) if file is not None else "", str(quote)))
    for quotes in f.evidence.values():  # as a supply link's: by source, then quote
        quotes.sort()
    for e, p, o in rows(_Q_PLACES):
        prop = local_name(str(p))
        (f.in_cluster if prop == "inCluster" else f.located)[str(e)].add(str(o))
    lifecycles = read_lifecycles(graph)
    for e, p, o in rows(_Q_PROJECTS):
        stages = lifecycles.get(str(e), ())
        if not_yet(stages, as_of):
            continue  # not announced yet as of that year
        stage = furthest(stages, as_of)
        proj = f.projects.setdefault(str(e), {"investors": set(), "products": set(),
                                              "status": stage.label if stage else None,
                                              "year": stage.date if stage else None})
        (proj["investors"] if local_name(str(p)) == "investor" else proj["products"]).add(str(o))
    for e, p, value, unit, wording, period in rows(_Q_QUANTITIES):
        f.quantities[str(e)].append(
            (local_name(str(p)), _quantity_text(value, unit, wording, period))
        )
    for quantities in f.quantities.values():
        quantities.sort()
    coops: dict[str, dict] = {}
    for c, partner, kind in rows(_Q_COOPERATIONS):
        co = coops.setdefault(str(c), {"iri": str(c), "partners": set(), "kind": None})
        co["partners"].add(str(partner))
        if kind is not None:
            co["kind"] = min(co["kind"], str(kind)) if co["kind"] is not None else str(kind)
    f.cooperations = [coops[k] for k in sorted(coops)]
    f.group_links = [(str(s), str(g)) for s, g in group_links(graph)]
    return f


def _quantity_text(value, unit, wording, period) -> str:
    if wording is not None:
        text = str(wording)
    elif value is not None:
        text = f"{format_number(float(value.toPython()))} {local_name(str(unit)) if unit is not None else ''}".strip()
    else:
        text = "(no value)"
    return f"{text} ({period})" if period is not None else text
