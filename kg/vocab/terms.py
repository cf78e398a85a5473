"""The ontology's terms as rdflib namespaces; only code that uses rdflib imports this module.

``CKG`` is a closed namespace: a misspelt term fails at import or first use, not silently in
a query. The ``*_NS`` strings and ``PREFIXES`` in :mod:`kg.vocab.namespaces` need no rdflib.

>>> from kg.vocab.terms import CKG
>>> CKG.Firm
rdflib.term.URIRef('https://w3id.org/cluster-kg/ontology#Firm')
>>> CKG.Frim  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AttributeError: term 'Frim' not in namespace 'https://w3id.org/cluster-kg/ontology#'
"""

from __future__ import annotations

from rdflib import Namespace, URIRef  # URIRef: the annotations below name it
from rdflib.namespace import DefinedNamespace

from kg.vocab.namespaces import CKG_NS, CKGU_NS, CKP_NS, CKR_NS, QUDT_NS, UNIT_NS

__all__ = ["CKG", "CKGU", "CKP", "CKR", "QUDT", "UNIT", "URIRef"]


class CKG(DefinedNamespace):
    """The core ontology (kg/vocab/ontology/cluster-kg.ttl)."""

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
    irrelevantInputFor: URIRef
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


CKP = Namespace(CKP_NS)
CKR = Namespace(CKR_NS)
CKGU = Namespace(CKGU_NS)
QUDT = Namespace(QUDT_NS)
UNIT = Namespace(UNIT_NS)
