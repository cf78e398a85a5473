"""Namespaces and terms of the cluster-kg ontology, declared once.

``CKG`` is a closed namespace: a misspelt term fails at import or first use,
not silently in a query. It and the other rdflib namespaces are made on first use
(see ``__getattr__``); the ``*_NS`` strings and :data:`PREFIXES` need no rdflib.

>>> from kg.ontology import CKG
>>> CKG.Firm
rdflib.term.URIRef('https://w3id.org/cluster-kg/ontology#Firm')
>>> CKG.Frim  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AttributeError: term 'Frim' not in namespace 'https://w3id.org/cluster-kg/ontology#'
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"

ONTOLOGY_FILES = ("cluster-kg.ttl", "products.ttl", "alignment.ttl")
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


CKG_NS = "https://w3id.org/cluster-kg/ontology#"
CKP_NS = "https://w3id.org/cluster-kg/product/"
CKR_NS = "https://w3id.org/cluster-kg/id/"
CKGU_NS = "https://w3id.org/cluster-kg/unit/"
QUDT_NS = "http://qudt.org/schema/qudt/"
UNIT_NS = "http://qudt.org/vocab/unit/"
"""The namespaces as strings: what needs no rdflib term (queries, IRIs compared as text)."""

_RDFLIB_NAMES = ("CKG", "CKP", "CKR", "CKGU", "QUDT", "UNIT")


def __getattr__(name: str):
    """``CKG``, ``CKP``, ``CKR``, ``CKGU``, ``QUDT`` and ``UNIT`` as rdflib namespaces, made on
    first use: importing rdflib takes 0.1 s that `kg depends` on a store does not need."""
    if name in _RDFLIB_NAMES:
        globals().update(_rdflib_namespaces())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _rdflib_namespaces() -> dict:
    from rdflib import Namespace, URIRef  # URIRef: the annotations below name it
    from rdflib.namespace import DefinedNamespace

    class CKG(DefinedNamespace):
        """The core ontology (ontology/cluster-kg.ttl)."""

        _NS = Namespace(CKG_NS)
        _fail = True

        # classes
        Agent: URIRef
        Article: URIRef
        Association: URIRef
        City: URIRef
        Cooperation: URIRef
        Country: URIRef
        County: URIRef
        DevelopmentZone: URIRef
        EnterpriseGroup: URIRef
        Event: URIRef
        Evidence: URIRef
        Firm: URIRef
        FirmCohort: URIRef
        IndustrialCluster: URIRef
        IndustrialPark: URIRef
        InferenceRule: URIRef
        Organization: URIRef
        Place: URIRef
        Product: URIRef
        Project: URIRef
        ProjectStatus: URIRef
        ProjectStatusScheme: URIRef
        Province: URIRef
        Quantity: URIRef
        Region: URIRef
        ResearchInstitution: URIRef
        Stage: URIRef
        SupplyRelation: URIRef
        # project statuses
        planned: URIRef
        underConstruction: URIRef
        inOperation: URIRef
        target: URIRef
        # object properties
        capacity: URIRef
        clusterRegion: URIRef
        customer: URIRef
        essentialFeedstockFor: URIRef
        feedstockFor: URIRef
        floorArea: URIRef
        headquarteredIn: URIRef
        inCluster: URIRef
        inferenceRule: URIRef
        investment: URIRef
        investor: URIRef
        locatedIn: URIRef
        marketShare: URIRef
        memberOf: URIRef
        nextStage: URIRef
        organizer: URIRef
        output: URIRef
        outputValue: URIRef
        parentOrganization: URIRef
        partOf: URIRef
        partner: URIRef
        produces: URIRef
        product: URIRef
        stage: URIRef
        status: URIRef
        subsidiary: URIRef
        supplier: URIRef
        suppliesTo: URIRef
        volume: URIRef
        # data properties
        bound: URIRef
        cooperationKind: URIRef
        inferred: URIRef
        memberCount: URIRef
        note: URIRef
        originalWording: URIRef
        period: URIRef
        share: URIRef
        shareWording: URIRef
        stageOrder: URIRef
        year: URIRef
    return {"CKG": CKG, "CKP": Namespace(CKP_NS), "CKR": Namespace(CKR_NS), "CKGU": Namespace(CKGU_NS),
            "QUDT": Namespace(QUDT_NS), "UNIT": Namespace(UNIT_NS)}


PREFIXES: dict[str, str] = {
    "ckg": CKG_NS,
    "ckp": CKP_NS,
    "ckr": CKR_NS,
    "ckgu": CKGU_NS,
    "qudt": QUDT_NS,
    "unit": UNIT_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}
"""Prefixes bound on every graph and available to every SPARQL query."""


def sparql_prologue() -> str:
    """The PREFIX lines for :data:`PREFIXES`, to put before a query.

    >>> sparql_prologue().splitlines()[0]
    'PREFIX ckg: <https://w3id.org/cluster-kg/ontology#>'
    """
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
