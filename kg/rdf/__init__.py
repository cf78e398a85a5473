"""DATA layer: triples in files, Oxigraph stores and SPARQL servers; user SPARQL and canned queries."""
