"""cluster-kg: a knowledge graph of industrial clusters and who depends on whom in them."""

__version__ = "0.1.0"
