"""Where the ontology files and the bundled data are: package data, found without a checkout.

>>> sorted(p.name for p in ontology_paths())
['alignment.ttl', 'cluster-kg.ttl', 'products.ttl']
>>> SHAPES_FILE.name, SHAPES_FILE.exists()
('shapes.ttl', True)
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PACKAGE_DIR / "vocab" / "ontology"
DATA_DIR = PACKAGE_DIR / "data"
"""The bundled curated data (``kg/data``; the checkout's ``data`` is a link to it)."""

ONTOLOGY_FILES = ("cluster-kg.ttl", "products.ttl", "alignment.ttl")
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
PRODUCTS_FILE = ONTOLOGY_DIR / "products.ttl"


def ontology_paths() -> list[Path]:
    """The ontology files that every graph includes (not the SHACL shapes)."""
    return [ONTOLOGY_DIR / name for name in ONTOLOGY_FILES]
