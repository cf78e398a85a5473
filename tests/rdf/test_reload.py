"""Loading the same files again changes nothing: the bundled data has no blank node (its quantities
are named ckr:qty-SUBJECT-PROPERTY), and the blank nodes of any other file become IRIs made from its
bytes (kg.rdf.skolem), so a second load adds 0 triples (issue 14: a second load took a store from
2,588 to 2,870 triples; tests/rdf/test_remote.py checks the same on an Oxigraph server,
tests/ingest/ the rest of the issue: replacing and removing what a file said)."""

import os

import pyoxigraph as ox
import pytest

from kg.errors import ValidationFailed
from kg.ingest.load import load_into_store, remove_from_store
from kg.rdf.formats import default_data_paths, parse_files
from kg.rdf.graph import count_triples, open_graph


def test_the_bundled_data_has_no_blank_node():
    triples = [t for s in parse_files(default_data_paths()) for t in s.triples]
    assert [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)] == []
    quantities = {t.subject.value for t in triples
                  if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
                  and t.object.value == "https://w3id.org/cluster-kg/ontology#Quantity"}
    assert quantities and all(q.startswith("https://w3id.org/cluster-kg/id/qty-") for q in quantities)


def test_loading_the_bundled_data_twice_into_a_store_adds_nothing(tmp_path):
    store = tmp_path / "S"
    first = load_into_store(store, default_data_paths(), validate=False)
    second = load_into_store(store, default_data_paths(), validate=False)
    assert first["triples_added"] == count_triples(open_graph(store=store))
    assert second["triples_added"] == 0
    assert count_triples(open_graph(store=store)) == first["triples_added"]


def test_the_second_load_of_the_bundled_data_makes_no_generation(tmp_path):
    store = tmp_path / "S"
    load_into_store(store, default_data_paths(), validate=False)
    gen = os.readlink(store / "kg-current")
    report = load_into_store(store, default_data_paths(), validate=False)
    assert report["unchanged"] == [p.name for p in default_data_paths()]
    assert os.readlink(store / "kg-current") == gen


def test_removing_the_bundled_sources_fails_validation_and_changes_nothing(tmp_path):
    """The evidence of every fact cites an article of sources.ttl: without them the graph does not
    validate, and the store keeps its generation and its triples."""
    store = tmp_path / "S"
    load_into_store(store, default_data_paths(), validate=False)
    gen, before = os.readlink(store / "kg-current"), count_triples(open_graph(store=store))
    with pytest.raises(ValidationFailed):
        remove_from_store(store, ["sources.ttl"])
    assert (os.readlink(store / "kg-current"), count_triples(open_graph(store=store))) == (gen, before)
    assert sorted(p.name for p in store.glob("gen-*")) == [gen]
