"""Find entities by name or alias, in English or Chinese.

Every label counts: ``skos:prefLabel``, ``skos:altLabel`` (other spellings the articles print)
and ``skos:hiddenLabel`` (names users type that the articles do not print: "Sunac", "USTB").
Names are compared after normalising (:func:`kg.lookup.words.normalise`: Unicode NFKC, case
folded, punctuation dropped, company suffixes such as "Co., Ltd." or "有限公司" removed) and
scored word by word (:class:`kg.lookup.words.Comparer`): an exact name 1.0, a label holding
every word of the name 0.8–0.95 (strong), a label holding part of it below 0.8 (weak). Place
names (the graph's own) and form words ("group", "集团") qualify a name but never make a match
by themselves. Ties go to the more specific kind (:data:`KINDS`): a group before its firms.

>>> normalise("Shandong innovation Metal Technology Co., Ltd.")
'shandong innovation metal technology'
>>> normalise("山东创新金属科技有限公司")
'山东创新金属科技'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.errors import AmbiguousName, UnknownName
from kg.lookup.words import STRONG_SCORE, Comparer, Places, normalise
from kg.rdf.graph import select
from kg.vocab.namespaces import CKG_NS, PREFIXES

# normalise is re-exported: kg.services.index and its reader compare names with it.
__all__ = ["KINDS", "KIND_RANK_BY_NAME", "PLACE_KINDS", "Match", "entity_labels", "entity_rows", "expand_iri",
           "find", "normalise", "place_names", "resolve"]


def entity_labels(graph, iris: Iterable[str]) -> dict[str, str]:
    """English preferred labels of some IRIs (one query)."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    q = f'SELECT ?e ?l WHERE {{ VALUES ?e {{ {values} }} ?e skos:prefLabel ?l FILTER(lang(?l) = "en") }}'
    return {str(e): str(label) for e, label in graph.query(q)}


# Most specific first: the first class an entity has in this list names its kind.
KINDS = [
    (CKG_NS + "EnterpriseGroup", "group"),
    (CKG_NS + "Firm", "firm"),
    (CKG_NS + "FirmCohort", "cohort"),
    (CKG_NS + "ResearchInstitution", "institution"),
    (CKG_NS + "Association", "association"),
    (CKG_NS + "GovernmentBody", "government body"),
    (CKG_NS + "Person", "person"),
    (CKG_NS + "DevelopmentZone", "park"),
    (CKG_NS + "IndustrialPark", "park"),
    (CKG_NS + "Country", "country"),
    (CKG_NS + "Province", "province"),
    (CKG_NS + "City", "city"),
    (CKG_NS + "County", "county"),
    (CKG_NS + "Region", "region"),
    (CKG_NS + "IndustrialCluster", "cluster"),
    (CKG_NS + "Project", "project"),
    (CKG_NS + "Cooperation", "cooperation"),
    (CKG_NS + "Event", "event"),
    (CKG_NS + "Product", "product"),
    (CKG_NS + "Stage", "stage"),
]


_KIND_RANK = {iri: i for i, (iri, _) in enumerate(KINDS)}


_KIND_NAME = dict(KINDS)


# Three simple queries joined in Python: one query joining labels, types and clusters
# ran 8x slower on Oxigraph. Lexical forms come back as plain strings (kg.rdf.graph.select),
# so the language is asked for.
_LABELS_QUERY = """
SELECT ?e ?label (lang(?label) AS ?lang) ?pref WHERE {
  { ?e skos:prefLabel ?label . BIND("1" AS ?pref) } UNION { ?e skos:altLabel ?label . BIND("0" AS ?pref) }
  UNION { ?e skos:hiddenLabel ?label . BIND("2" AS ?pref) }
}
"""


_VIA = {"1": "prefLabel", "0": "altLabel", "2": "hiddenLabel"}


_VIA_RANK = {"prefLabel": 0, "altLabel": 1, "hiddenLabel": 2}


PLACE_KINDS = frozenset({"country", "province", "city", "county", "region"})
"""The kinds whose preferred labels are the place names of :class:`kg.lookup.words.Places`."""


_TYPES_QUERY = "SELECT ?e ?type WHERE { VALUES ?type { " + " ".join(f"<{iri}>" for iri, _ in KINDS) + " } ?e a ?type }"


_CLUSTERS_QUERY = "SELECT ?e ?cluster WHERE { ?e ckg:inCluster ?cluster }"


@dataclass(frozen=True)
class Match:
    """An entity that a name matched."""

    iri: str
    label: str  # English preferred label (or the first label found)
    kind: str  # firm, group, cohort, park, project, ...
    cluster: str | None  # IRI of its cluster, if any
    matched: str  # the label or alias that matched
    score: float  # 1.0 exact, 0.8–0.95 strong, lower: weak (kg.lookup.words)
    via: str = ""  # the property of the label that matched: prefLabel, altLabel or hiddenLabel


def entity_rows(graph) -> dict[str, dict]:
    """IRI -> {"labels": {(label, lang, pref)}, "via": {(label, lang): property}, "kind": str,
    "cluster": str|None, "label": str}. ``labels`` holds every label (``pref`` True for a
    preferred one); ``via`` names the property of each label: prefLabel, else altLabel, else
    hiddenLabel."""
    out: dict[str, dict] = {}
    for iri, typ in select(graph, _TYPES_QUERY):
        ent = out.get(iri)
        if ent is None:
            ent = out[iri] = {"labels": set(), "via": {}, "types": set(), "cluster": None}
        ent["types"].add(typ)
    for iri, label, lang, pref in select(graph, _LABELS_QUERY):
        ent = out.get(iri)
        if ent is not None:
            ent["labels"].add((label, lang or None, pref == "1"))
            key, via = (label, lang or None), _VIA[pref]
            if key not in ent["via"] or _VIA_RANK[via] < _VIA_RANK[ent["via"][key]]:
                ent["via"][key] = via
    for iri, cluster in select(graph, _CLUSTERS_QUERY):
        ent = out.get(iri)
        if ent is not None and (ent["cluster"] is None or cluster < ent["cluster"]):
            ent["cluster"] = cluster
    out = {iri: ent for iri, ent in out.items() if ent["labels"]}
    for ent in out.values():
        ent["kind"] = _KIND_NAME[min(ent["types"], key=_KIND_RANK.__getitem__)]
        ent["label"] = _labels_in_order(ent)[0][0]
    return out


def _labels_in_order(ent: dict) -> list[tuple[str, str | None, str]]:
    """(label, lang, property) of an entity: preferred, alternative, hidden; English first."""
    via = ent.get("via", {})
    rows = {(label, lang, via.get((label, lang), "prefLabel" if pref else "altLabel"))
            for label, lang, pref in ent["labels"]}
    return sorted(rows, key=lambda t: (_VIA_RANK[t[2]], t[1] != "en", t[0]))


def place_names(rows: dict[str, dict]) -> Places:
    """The place names of :func:`entity_rows`: the preferred labels of its places
    (:data:`PLACE_KINDS`), not their nicknames ("Aluminum City" is Binzhou's alternative label)."""
    return Places(label for ent in rows.values() if ent["kind"] in PLACE_KINDS
                  for label, _lang, pref in ent["labels"] if pref)


def find(graph, name: str, *, kinds: set[str] | None = None, limit: int = 10) -> list[Match]:
    """Entities whose name or alias matches ``name``, best first: by score
    (:mod:`kg.lookup.words`), then kind (:data:`KINDS`: a group before a firm), then label.
    An entity's score is that of its best label; among equal ones the preferred label is named.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
    ... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... <http://example.org/china> a ckg:Country ; skos:prefLabel "China"@en , "中国"@zh .
    ... <http://example.org/yingkou> a ckg:City ; skos:prefLabel "Yingkou"@en .
    ... <http://example.org/zw> a ckg:EnterpriseGroup ; skos:prefLabel "Zhongwang Group"@en ;
    ...     skos:hiddenLabel "忠旺集团"@zh .
    ... <http://example.org/yk> a ckg:Firm ; skos:prefLabel "Yingkou Zhongwang"@en .''')
    >>> [(m.label, m.score) for m in find(g, "China Zhongwang")]  # a tie: the group first
    [('Zhongwang Group', 0.533), ('Yingkou Zhongwang', 0.533)]
    >>> [(m.label, m.matched, m.via, m.score) for m in find(g, "忠旺集团")]
    [('Zhongwang Group', '忠旺集团', 'hiddenLabel', 1.0)]
    >>> find(g, "中国宏桥"), find(g, "CNFA")  # a place name alone makes no match
    ([], [])
    >>> from kg.rdf.graph import open_graph
    >>> [(m.label, m.kind, m.score) for m in find(open_graph(), "ALUMINA")][:2]
    [('alumina', 'product', 1.0), ('alumina refining', 'stage', 0.9)]
    """
    rows = entity_rows(graph)
    comparer = Comparer(name, place_names(rows))
    if not comparer.norm:
        return []
    best: dict[str, Match] = {}
    for iri, ent in rows.items():
        if kinds and ent["kind"] not in kinds:
            continue
        place = ent["kind"] in PLACE_KINDS
        for label, _lang, via in _labels_in_order(ent):
            score = comparer.score(label, place=place)
            old = best.get(iri)
            if score and (old is None or score > old.score):  # labels come preferred first: ties keep it
                best[iri] = Match(iri, ent["label"], ent["kind"], ent["cluster"], label, score, via)
    ranked = sorted(best.values(), key=lambda m: (-m.score, KIND_RANK_BY_NAME.get(m.kind, 99), m.label))
    return ranked[:limit]


KIND_RANK_BY_NAME = {name: i for i, (_, name) in enumerate(KINDS)}


def resolve(graph, name: str, *, kinds: set[str] | None = None) -> Match:
    """The one entity ``name`` means, or :class:`AmbiguousName` / :class:`UnknownName`.

    The one exact match, else the one strong match (score at least
    :data:`kg.lookup.words.STRONG_SCORE`: every word of the name in a label); several raise
    :class:`AmbiguousName` (best first); weak matches are only suggested (:class:`UnknownName`).
    ``name`` may also be a full IRI or a prefixed name such as ``ckr:weiqiao-group``.

    >>> from kg.rdf.graph import open_graph
    >>> resolve(open_graph(), "Alumina").iri
    'https://w3id.org/cluster-kg/product/alumina'
    """
    iri = expand_iri(name)
    if iri is not None:
        ents = entity_rows(graph)
        if iri in ents and (not kinds or ents[iri]["kind"] in kinds):
            e = ents[iri]
            return Match(iri, e["label"], e["kind"], e["cluster"], e["label"], 1.0)
        raise UnknownName(name, [])
    matches = find(graph, name, kinds=kinds, limit=50)
    exact = [m for m in matches if m.score == 1.0]
    strong = [m for m in matches if m.score >= STRONG_SCORE]
    for group in (exact, strong):
        if len(group) == 1:
            return group[0]
        if len(group) > 1:
            raise AmbiguousName(name, group)
    raise UnknownName(name, [m.label for m in matches[:5]])


def expand_iri(text: str) -> str | None:
    """A full IRI for ``<iri>``, ``http(s)://…`` or ``prefix:local`` with a known prefix; else None.

    >>> expand_iri("ckr:weiqiao-group")
    'https://w3id.org/cluster-kg/id/weiqiao-group'
    >>> expand_iri("Weiqiao") is None
    True
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^https?://\S+$", text):
        return text
    m = re.match(r"^([A-Za-z][\w-]*):([\w.-]+)$", text)
    if m and m.group(1) in PREFIXES:
        return PREFIXES[m.group(1)] + m.group(2)
    return None
