"""BASE layer: the ontology as code (namespaces, prefixes, rdflib terms) and its files (package data)."""
