"""READ layer: words to IRIs (entity names and aliases, clusters and places)."""
