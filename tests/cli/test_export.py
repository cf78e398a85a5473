"""`kg export`: every format read back with networkx or rdflib and compared with its source."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from conftest import run_on
from rdflib import Graph, Literal, URIRef

from kg.network.project import supply_network
from kg.rdf.graph import open_graph
from kg.vocab.files import DATA_DIR, ontology_paths

CKR = "https://w3id.org/cluster-kg/id/"
WEIQIAO, DERIVED, BOHAI = CKR + "weiqiao-group", CKR + "cohort-binzhou-weiqiao-derived", CKR + "bohai-piston"


@pytest.fixture(scope="module")
def network():
    return supply_network(open_graph())


def export(tmp_path, name, *args):
    path = tmp_path / name
    result = run_on(str(DATA_DIR), "export", "-o", str(path), *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return path, json.loads(result.stdout)


@pytest.mark.parametrize("name, read", [("n.graphml", nx.read_graphml), ("n.gexf", nx.read_gexf)])
def test_network_formats_read_back(tmp_path, network, name, read):
    path, rows = export(tmp_path, name)
    G = read(path)
    assert rows == [{"file": str(path), "format": path.suffix[1:], "nodes": len(network), "edges": network.number_of_edges()}]
    assert set(G.nodes) == set(network.nodes) and set(G.edges) == set(network.edges)
    w = G.nodes[WEIQIAO]
    assert (w["label"], w["kind"], w["clusters"], w["start"]) == (
        "Weiqiao Venture Group", "group", "Binzhou high-end aluminium industry cluster", 2001)
    assert w["esri"] == pytest.approx(0.14570230027066794, abs=1e-12)  # the figure of tests/cli/test_trust.py
    assert G.nodes[BOHAI]["start"] == 1963  # began producing pistons: its spell starts then
    e = G.edges[WEIQIAO, DERIVED]
    assert (e["share"], e["share_wording"], e["relations"], e["kinds"]) == (1.0, "basically", 1, "supplies")
    assert all(v is not None for _, d in G.nodes(data=True) for v in d.values())


def test_gexf_is_dynamic_with_spells(tmp_path):
    path, _ = export(tmp_path, "n.gexf")
    assert nx.read_gexf(path).graph["mode"] == "dynamic"
    text = path.read_text(encoding="utf-8")
    assert 'mode="dynamic"' in text and f'id="{BOHAI}"' in text and 'start="1963"' in text


def test_neo4j_csv(tmp_path, network):
    _, rows = export(tmp_path, "n.csv")
    assert [r["file"] for r in rows] == [str(tmp_path / "n.nodes.csv"), str(tmp_path / "n.relationships.csv")]
    with open(tmp_path / "n.nodes.csv", encoding="utf-8") as f:
        nodes = list(csv.DictReader(f))
    with open(tmp_path / "n.relationships.csv", encoding="utf-8") as f:
        rels = list(csv.DictReader(f))
    assert len(nodes) == len(network) and len(rels) == network.number_of_edges()
    assert {"esri:double", "start:long", "label"} <= set(nodes[0])
    weiqiao = next(n for n in nodes if n[":ID"] == WEIQIAO)
    assert (weiqiao[":LABEL"], weiqiao["start:long"]) == ("EnterpriseGroup", "2001")
    link = next(r for r in rels if (r[":START_ID"], r[":END_ID"]) == (WEIQIAO, DERIVED))
    assert (link[":TYPE"], link["share:double"], link["inferred:boolean"]) == ("SUPPLIES", "1.0", "false")


@pytest.mark.parametrize("name, fmt", [("f.ttl", "turtle"), ("f.nt", "nt"), ("f.jsonld", "json-ld")])
def test_rdf_formats_hold_the_data_without_the_ontology(tmp_path, name, fmt):
    path, rows = export(tmp_path, name)
    got = Graph().parse(path, format=fmt)
    data = Graph()
    for p in sorted(DATA_DIR.glob("*.ttl")):
        data.parse(p)
    ontology = Graph()
    for p in ontology_paths():
        ontology.parse(p)
    # the derived triples, as the store holds them: ckg:suppliesTo of each linked pair, ckg:subsidiary
    # the inverse of each ckg:parentOrganization
    supplies, subsidiary, parent = (URIRef("https://w3id.org/cluster-kg/ontology#" + p)
                                    for p in ("suppliesTo", "subsidiary", "parentOrganization"))
    shortcuts = {t for t in got if t[1] in (supplies, subsidiary)}
    assert len({t for t in shortcuts if t[1] == supplies}) == 8
    assert {(o, s) for s, p, o in shortcuts if p == subsidiary} == set(data.subject_objects(parent))
    # the store writes decimals in canonical form ("250000.0" is read back as "250000"): compare values
    assert {same(t) for t in got} - {same(t) for t in shortcuts} == {same(t) for t in data} - {same(t) for t in ontology}
    assert rows[0]["triples"] == len(got)


def same(triple):
    """A triple with its literal compared by value and datatype, not by lexical form."""
    s, p, o = triple
    return s, p, (o.toPython(), o.datatype, o.language) if isinstance(o, Literal) else o


def test_scopes(tmp_path, network):
    _, rows = export(tmp_path, "c.graphml", "--cluster", "Binzhou")
    G = nx.read_graphml(tmp_path / "c.graphml")
    assert WEIQIAO in G and CKR + "guangyuan-zhongfu" not in G and rows[0]["edges"] == G.number_of_edges()
    export(tmp_path, "a.graphml", "--around", "Weiqiao Venture Group")
    A = nx.read_graphml(tmp_path / "a.graphml")
    assert set(A) == {WEIQIAO, *network.predecessors(WEIQIAO), *network.successors(WEIQIAO)}
    export(tmp_path, "a.ttl", "--around", "Weiqiao Venture Group")
    facts = Graph().parse(tmp_path / "a.ttl")
    assert (URIRef(WEIQIAO), None, None) in facts and (URIRef(CKR + "guangyuan-zhongfu"), None, None) not in facts
    export(tmp_path, "y.gexf", "--as-of", "2000")
    assert WEIQIAO not in nx.read_gexf(tmp_path / "y.gexf")  # it entered the industry in 2001


def test_bad_requests_are_clear_errors(tmp_path):
    result = run_on(str(DATA_DIR), "export", "-o", str(tmp_path / "x.pdf"))
    assert (result.exit_code, result.output) == (
        1, f"Error: {tmp_path / 'x.pdf'}: unknown export format '.pdf'; use .csv, .gexf, .graphml, .jsonld, .nt, .ttl\n")
    assert run_on(str(DATA_DIR), "export", "-o", str(tmp_path / "x.ttl"), "--as-of", "2000").exit_code == 2
    assert run_on(str(DATA_DIR), "export", "-o", str(tmp_path / "x.ttl"), "--cluster", "a", "--around", "b").exit_code == 2
    folder = tmp_path / "taken.gexf"
    folder.mkdir()
    refused = run_on(str(DATA_DIR), "export", "-o", str(folder))
    assert refused.exit_code == 2 and f"File '{folder}' is a directory" in refused.output
    link = tmp_path / "link.graphml"
    link.symlink_to(tmp_path / "elsewhere.graphml")
    symlinked = run_on(str(DATA_DIR), "export", "-o", str(link))
    assert symlinked.exit_code == 1 and symlinked.output.startswith(f"Error: {link}")  # only regular files
    assert not (tmp_path / "elsewhere.graphml").exists()
    assert list(tmp_path.glob("x.*")) == []  # nothing written by the refused requests
