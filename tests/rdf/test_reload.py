"""Loading the same files again changes nothing: the bundled data has no blank node (its quantities
are named ckr:qty-SUBJECT-PROPERTY), so a second load adds 0 triples (issue 14: a second load took a
store from 2,588 to 2,870 triples; tests/rdf/test_remote.py checks the same on an Oxigraph server)."""

import pyoxigraph as ox

from kg.ingest.load import load_into_store
from kg.rdf.formats import default_data_paths, parse_files
from kg.rdf.graph import count_triples, open_graph


def test_the_bundled_data_has_no_blank_node():
    triples = [t for s in parse_files(default_data_paths()) for t in s.triples]
    assert [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)] == []
    quantities = {t.subject.value for t in triples
                  if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
                  and t.object.value == "https://w3id.org/cluster-kg/ontology#Quantity"}
    assert len(quantities) == 34
    assert all(q.startswith("https://w3id.org/cluster-kg/id/qty-") for q in quantities)


def test_loading_the_bundled_data_twice_into_a_store_adds_nothing(tmp_path):
    store = tmp_path / "S"
    first = load_into_store(store, default_data_paths(), validate=False)
    second = load_into_store(store, default_data_paths(), validate=False)
    assert first["triples_added"] == count_triples(open_graph(store=store))
    assert second["triples_added"] == 0
    assert count_triples(open_graph(store=store)) == first["triples_added"]
