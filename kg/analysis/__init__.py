"""ANALYSIS layer: networkx graphs and numpy arrays in, dataclasses out; never RDF.

Tiers, centrality, dominators and single points of failure, what-if cascades, supplier
concentration, value-chain gaps, and the ESRI systemic-risk model (:mod:`kg.analysis.esri`)."""
