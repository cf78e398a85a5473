"""DATA layer: SHACL validation, compiled to SPARQL for Oxigraph, with pyshacl as the reference."""
