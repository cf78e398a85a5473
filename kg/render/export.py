"""`kg export`'s network files: GraphML, GEXF (with time spells) and Neo4j's CSV files, each written
atomically (an earlier file survives a failed write; the facts' RDF: :mod:`kg.rdf.export`).

>>> import networkx as nx, tempfile
>>> from pathlib import Path
>>> G = nx.DiGraph(); G.add_node("http://e/a", label="A", kind="firm", start=2011); G.add_node("http://e/b", label="B")
>>> G.add_edge("http://e/a", "http://e/b", share=0.5, products="alumina")
>>> folder = Path(tempfile.mkdtemp())
>>> [p.name for p in write_network(G, folder / "n.csv", "neo4j")]
['n.nodes.csv', 'n.relationships.csv']
>>> print((folder / "n.relationships.csv").read_text(encoding="utf-8"), end="")
:START_ID,:END_ID,:TYPE,products,share:double
http://e/a,http://e/b,SUPPLIES,alumina,0.5
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from kg.utils.files import atomic_file

NEO4J_LABELS = {"firm": "Firm", "group": "EnterpriseGroup", "cohort": "FirmCohort", "institution": "Institution",
                "association": "Association"}
"""Node kind -> Neo4j label (any other kind: Agent)."""


def write_network(G, path: str | os.PathLike, fmt: str) -> list[Path]:
    """Write the network ``G`` (plain attributes: :func:`kg.services.export.export_network`) as
    ``fmt`` ("graphml", "gexf" or "neo4j") and return the files written. GEXF is dynamic when a
    node has a ``start`` or ``end`` year (its spell); Neo4j gets ``NAME.nodes.csv`` and
    ``NAME.relationships.csv`` beside ``path``."""
    import networkx as nx

    path = Path(path)
    if fmt == "graphml":
        with atomic_file(path, "wb") as f:
            nx.write_graphml(G, f)
        return [path]
    if fmt == "gexf":
        H = G.copy()
        if any("start" in d or "end" in d for _, d in H.nodes(data=True)):
            H.graph["mode"] = "dynamic"
            H.graph["timeformat"] = "integer"  # years
        with atomic_file(path, "wb") as f:
            nx.write_gexf(H, f)
        return [path]
    return _write_neo4j(G, path)


def _write_neo4j(G, path: Path) -> list[Path]:
    """Nodes and relationships files with the headers ``neo4j-admin database import`` reads."""
    stem = path.with_suffix("")
    nodes, rels = Path(f"{stem}.nodes.csv"), Path(f"{stem}.relationships.csv")
    node_keys = sorted({k for _, d in G.nodes(data=True) for k in d} - {"kind"})
    edge_keys = sorted({k for _, _, d in G.edges(data=True) for k in d})
    with atomic_file(nodes) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([":ID", ":LABEL", *(_header(G.nodes(data=True), k) for k in node_keys)])
        for n, d in G.nodes(data=True):
            w.writerow([n, NEO4J_LABELS.get(d.get("kind"), "Agent"), *(_cell(d.get(k)) for k in node_keys)])
    with atomic_file(rels) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([":START_ID", ":END_ID", ":TYPE", *(_header([(None, d) for *_, d in G.edges(data=True)], k)
                                                      for k in edge_keys)])
        for s, c, d in G.edges(data=True):
            w.writerow([s, c, "SUPPLIES", *(_cell(d.get(k)) for k in edge_keys)])
    return [nodes, rels]


def _header(rows, key: str) -> str:
    """A Neo4j column header: the key, typed ``:double``, ``:long`` or ``:boolean`` when every value is."""
    values = [d[key] for _, d in rows if key in d]
    if values and all(isinstance(v, bool) for v in values):
        return f"{key}:boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return f"{key}:long"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return f"{key}:double"
    return key


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
