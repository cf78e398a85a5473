"""Find entities by name or alias, in English or Chinese.

Names are compared after normalising: Unicode NFKC, case folded, punctuation
dropped and company suffixes such as "Co., Ltd." or "有限公司" removed.

>>> normalise("Shandong innovation Metal Technology Co., Ltd.")
'shandong innovation metal technology'
>>> normalise("山东创新金属科技有限公司")
'山东创新金属科技'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from kg.errors import AmbiguousName, UnknownName
from kg.rdf.graph import select
from kg.vocab.namespaces import CKG_NS, PREFIXES


def entity_labels(graph, iris: Iterable[str]) -> dict[str, str]:
    """English preferred labels of some IRIs (one query)."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    q = f'SELECT ?e ?l WHERE {{ VALUES ?e {{ {values} }} ?e skos:prefLabel ?l FILTER(lang(?l) = "en") }}'
    return {str(e): str(label) for e, label in graph.query(q)}


# Longest first, so "company limited" goes before "limited".
_SUFFIXES = [
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "公司",
    "company limited",
    "co ltd",
    "corporation",
    "company",
    "limited",
    "corp",
    "ltd",
    "inc",
    "co",
]


# Most specific first: the first class an entity has in this list names its kind.
KINDS = [
    (CKG_NS + "EnterpriseGroup", "group"),
    (CKG_NS + "Firm", "firm"),
    (CKG_NS + "FirmCohort", "cohort"),
    (CKG_NS + "ResearchInstitution", "institution"),
    (CKG_NS + "Association", "association"),
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
}
"""


_TYPES_QUERY = "SELECT ?e ?type WHERE { VALUES ?type { " + " ".join(f"<{iri}>" for iri, _ in KINDS) + " } ?e a ?type }"


_CLUSTERS_QUERY = "SELECT ?e ?cluster WHERE { ?e ckg:inCluster ?cluster }"


class _PunctuationTable(dict):
    """str.translate table: punctuation, symbols and separators (Unicode P, S, Z) become
    spaces; filled one character at a time as texts need them."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = self[code] = " " if unicodedata.category(ch)[0] in "PSZ" else ch
        return value


_SPACE_FOR_PUNCTUATION = _PunctuationTable()


@dataclass(frozen=True)
class Match:
    """An entity that a name matched."""

    iri: str
    label: str  # English preferred label (or the first label found)
    kind: str  # firm, group, cohort, park, project, ...
    cluster: str | None  # IRI of its cluster, if any
    matched: str  # the label or alias that matched
    score: float  # 1.0 exact, 0.9 all words contained, lower: similarity


def normalise(name: str) -> str:
    """Fold case, drop punctuation and company suffixes, collapse spaces."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.translate(_SPACE_FOR_PUNCTUATION)
    text = re.sub(r"\s+", " ", text).strip()
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and text != suffix:
                before = text[: -len(suffix)]
                if suffix.isascii() and before and not before.endswith(" "):
                    continue  # "taco" is not "ta" + "co"
                text = before.strip()
                changed = True
    return text


def entity_rows(graph) -> dict[str, dict]:
    """IRI -> {"labels": [(label, lang, pref)], "kind": str, "cluster": str|None}."""
    out: dict[str, dict] = {}
    for iri, typ in select(graph, _TYPES_QUERY):
        ent = out.get(iri)
        if ent is None:
            ent = out[iri] = {"labels": set(), "types": set(), "cluster": None}
        ent["types"].add(typ)
    for iri, label, lang, pref in select(graph, _LABELS_QUERY):
        ent = out.get(iri)
        if ent is not None:
            ent["labels"].add((label, lang or None, pref == "1"))
    for iri, cluster in select(graph, _CLUSTERS_QUERY):
        ent = out.get(iri)
        if ent is not None and (ent["cluster"] is None or cluster < ent["cluster"]):
            ent["cluster"] = cluster
    out = {iri: ent for iri, ent in out.items() if ent["labels"]}
    for ent in out.values():
        ent["kind"] = _KIND_NAME[min(ent["types"], key=_KIND_RANK.__getitem__)]
        prefs = sorted(ent["labels"], key=lambda t: (not t[2], t[1] != "en", t[0]))
        ent["label"] = prefs[0][0]
    return out


def find(graph, name: str, *, kinds: set[str] | None = None, limit: int = 10) -> list[Match]:
    """Entities whose name or alias matches ``name``, best first.

    Exact matches (after :func:`normalise`) score 1.0; labels containing every
    word of the name score 0.9; otherwise similar labels (difflib ratio >= 0.6).

    >>> from kg.rdf.graph import open_graph
    >>> [(m.label, m.kind, m.score) for m in find(open_graph(), "ALUMINA")][:2]
    [('alumina', 'product', 1.0), ('alumina refining', 'stage', 0.844)]
    """
    query = normalise(name)
    if not query:
        return []
    words = query.split()
    best: dict[str, Match] = {}
    for iri, ent in entity_rows(graph).items():
        if kinds and ent["kind"] not in kinds:
            continue
        for label, _lang, _pref in sorted(ent["labels"], key=lambda t: (not t[2], t[1] != "en", t[0])):
            norm = normalise(label)
            if not norm:
                continue
            if norm == query:
                score = 1.0
            elif all(_contains(norm, w) for w in words):
                score = 0.9 - 0.1 * (1 - len(query) / max(len(norm), 1))
            else:
                matcher = difflib.SequenceMatcher(None, query, norm)
                # the quick ratios are upper bounds of ratio(): skip what cannot reach 0.6
                if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
                    continue
                score = matcher.ratio() * 0.8
                if score < 0.48:
                    continue
            old = best.get(iri)
            if old is None or score > old.score:  # labels come preferred first: ties keep the preferred
                best[iri] = Match(iri, ent["label"], ent["kind"], ent["cluster"], label, round(score, 3))
    ranked = sorted(best.values(), key=lambda m: (-m.score, KIND_RANK_BY_NAME.get(m.kind, 99), m.label))
    return ranked[:limit]


KIND_RANK_BY_NAME = {name: i for i, (_, name) in enumerate(KINDS)}


def _contains(label: str, word: str) -> bool:
    if word.isascii():
        return word in label.split()
    return word in label  # Chinese has no spaces between words


def resolve(graph, name: str, *, kinds: set[str] | None = None) -> Match:
    """The one entity ``name`` means, or :class:`AmbiguousName` / :class:`UnknownName`.

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
    contained = [m for m in matches if _all_words(name, m.matched)]
    for group in (exact, contained):
        if len(group) == 1:
            return group[0]
        if len(group) > 1:
            raise AmbiguousName(name, group)
    raise UnknownName(name, [m.label for m in matches[:5]])


def _all_words(name: str, label: str) -> bool:
    norm = normalise(label)
    return all(_contains(norm, w) for w in normalise(name).split())


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
