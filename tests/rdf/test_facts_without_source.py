"""The canned `facts-without-source` (issue 13: it was quadratic, FILTER NOT EXISTS per node; now
MINUS): the same answer, worked out by hand on a small graph with every way a fact can lack a
source."""

from __future__ import annotations

from conftest import PREFIXES

from kg.rdf.graph import open_graph
from kg.rdf.query import canned_query, run_query

GRAPH = PREFIXES + """
ckr:art a ckg:Article ; dcterms:title "T"@en ; dcterms:identifier "t.txt" .
ckr:ev-ok a ckg:Evidence ; prov:value "Q." ; prov:hadPrimarySource ckr:art .
ckr:ev-no-article a ckg:Evidence ; prov:value "Q." .
ckr:ev-no-quote a ckg:Evidence ; prov:hadPrimarySource ckr:art .
ckr:sourced a ckg:Firm ; prov:wasDerivedFrom ckr:ev-ok .
ckr:bare a ckg:Firm .
ckr:half a ckg:Project ; prov:wasDerivedFrom ckr:ev-no-article .
ckr:quoteless a ckg:SupplyRelation ; prov:wasDerivedFrom ckr:ev-no-quote .
ckr:mixed a ckg:City ; prov:wasDerivedFrom ckr:ev-no-article , ckr:ev-ok .
"""


def test_facts_without_source(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(GRAPH, encoding="utf-8")
    rows = run_query(open_graph([path]), canned_query("facts-without-source").text).rows
    # bare: no evidence; half: its evidence names no article; quoteless: its evidence has no quote.
    # sourced and mixed (one good evidence is enough) are fine. Ordered by type IRI, then node.
    assert [(str(n).rsplit("/", 1)[1], str(t).rsplit("#", 1)[1]) for n, t in rows] == [
        ("bare", "Firm"), ("half", "Project"), ("quoteless", "SupplyRelation")]
