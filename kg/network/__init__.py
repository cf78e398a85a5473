"""READ layer: the RDF graph read into networkx supply networks, numpy columns and side facts."""
