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
    GovernmentBody: URIRef
    IndustrialCluster: URIRef
    IndustrialPark: URIRef
    InferenceRule: URIRef
    LifecycleEvent: URIRef
    LifecycleStage: URIRef
    LifecycleStageScheme: URIRef
    Organization: URIRef
    Person: URIRef
    Place: URIRef
    Product: URIRef
    Project: URIRef
    Province: URIRef
    Quantity: URIRef
    Recognition: URIRef
    Region: URIRef
    ResearchInstitution: URIRef
    Stage: URIRef
    SupplyRelation: URIRef
    Target: URIRef
    # lifecycle stages
    announced: URIRef
    signed: URIRef
    landed: URIRef
    underConstruction: URIRef
    trialProduction: URIRef
    inOperation: URIRef
    closed: URIRef
    founded: URIRef
    enteredIndustry: URIRef
    startedProducing: URIRef
    # object properties
    addedValuePerTonne: URIRef
    affiliation: URIRef
    attractedTo: URIRef
    capacity: URIRef
    clusterRegion: URIRef
    costSavingPerTonne: URIRef
    customer: URIRef
    digitalisationRate: URIRef
    enterpriseCount: URIRef
    essentialFeedstockFor: URIRef
    feedstockFor: URIRef
    irrelevantInputFor: URIRef
    floorArea: URIRef
    grantedBy: URIRef
    headquarteredIn: URIRef
    inCluster: URIRef
    inferenceRule: URIRef
    investment: URIRef
    investor: URIRef
    lifecycle: URIRef
    lifecycleStage: URIRef
    locatedIn: URIRef
    marketShare: URIRef
    memberOf: URIRef
    nextStage: URIRef
    organizer: URIRef
    output: URIRef
    outputValue: URIRef
    outputValueIncrease: URIRef
    parentOrganization: URIRef
    partOf: URIRef
    participant: URIRef
    partner: URIRef
    produces: URIRef
    product: URIRef
    rdIntensity: URIRef
    recognitionOf: URIRef
    setBy: URIRef
    stage: URIRef
    subsidiary: URIRef
    supplier: URIRef
    suppliesTo: URIRef
    targetFor: URIRef
    volume: URIRef
    # data properties
    asOf: URIRef
    bound: URIRef
    cooperationKind: URIRef
    date: URIRef
    dateWording: URIRef
    inferred: URIRef
    lifecycleOrder: URIRef
    memberCount: URIRef
    note: URIRef
    originalWording: URIRef
    period: URIRef
    rank: URIRef
    recognitionKind: URIRef
    role: URIRef
    share: URIRef
    shareWording: URIRef
    stageOrder: URIRef
    targetYear: URIRef


CKP = Namespace(CKP_NS)
CKR = Namespace(CKR_NS)
CKGU = Namespace(CKGU_NS)
QUDT = Namespace(QUDT_NS)
UNIT = Namespace(UNIT_NS)
