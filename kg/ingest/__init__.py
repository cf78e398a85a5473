"""DATA layer: getting facts into a store or a SPARQL server, all or nothing."""
