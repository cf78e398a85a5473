"""What a load to a SPARQL server sends (one update) and reads back (what the server holds).

Used by :mod:`kg.ingest.remote`, through a graph of :func:`kg.rdf.remote.open_remote`.

The server's default graph holds everything, as queries read it. Beside it, each loaded file
has a named graph, :func:`file_graph` (``https://w3id.org/cluster-kg/file/binzhou.ttl``), that
holds a copy of what the file said, so that what it said can be replaced or removed as a unit
(:func:`drop_files`); the ontology has one too (:data:`ONTOLOGY_GRAPH`), and so has what a server
loaded before kg kept records held (:data:`UNRECORDED_GRAPH`, :func:`snapshot_unrecorded`). The
graph :data:`RECORDS_GRAPH` records each file: its name, sha256, triples, when and from where
(:data:`LEDGER` terms). A triple leaves the default graph only when no file graph says it.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from kg.errors import StoreError
from kg.rdf.derive import DERIVE_SHORTCUTS, DERIVED_PREDICATES
from kg.vocab.namespaces import PREFIXES

ONTOLOGY_IRI = "https://w3id.org/cluster-kg/ontology"

FILE_GRAPH = "https://w3id.org/cluster-kg/file/"
"""Where the names of the file graphs start."""

ONTOLOGY_GRAPH = FILE_GRAPH + "ontology"
"""The ontology's file graph (a loaded file's name always has a suffix: never this one)."""

UNRECORDED_GRAPH = FILE_GRAPH + "unrecorded"
"""What the server held before kg kept records of files (copied once, by :func:`snapshot_unrecorded`)."""

RECORDS_GRAPH = "https://w3id.org/cluster-kg/files"
"""The graph of the records: one subject per file graph."""

LEDGER = "https://w3id.org/cluster-kg/ledger#"
"""The terms of the records: ``name``, ``sha256``, ``triples``, ``loadedAt``, ``source``, and the
class ``Records`` of :data:`RECORDS_GRAPH` itself (there once a load wrote records)."""

_XSD = "http://www.w3.org/2001/XMLSchema#"

VERIFY_BATCH = 500
"""Triples :func:`count_held` looks up in one query."""

_OWL_ONTOLOGY = "<http://www.w3.org/2002/07/owl#Ontology>"


def ontology_header():
    """The triple that says the ontology is there (``<ONTOLOGY_IRI> a owl:Ontology``).

    >>> print(ontology_header())
    <https://w3id.org/cluster-kg/ontology> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Ontology>
    """
    import pyoxigraph as ox

    return ox.Triple(ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode(_OWL_ONTOLOGY[1:-1]))


def remote_has_ontology(graph) -> bool:
    """Whether the server behind ``graph`` already holds the ontology header."""
    return bool(graph.query(f"ASK {{ <{ONTOLOGY_IRI}> a {_OWL_ONTOLOGY} }}").askAnswer)


def count_held(graph, triples, *, batch: int = VERIFY_BATCH) -> int:
    """How many of ``triples`` (pyoxigraph triples without blank nodes, all different) the
    server behind ``graph`` holds: one ``COUNT`` over ``VALUES`` per ``batch`` triples."""
    held = 0
    for i in range(0, len(triples), batch):
        rows = "\n".join(f"({t.subject} {t.predicate} {t.object})" for t in triples[i:i + batch])
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?s ?p ?o) {{\n{rows}\n}} ?s ?p ?o }}"
        answer = [row[0] for row in graph.store.select_ox(query, ("n",))]
        try:
            held += int(answer[0].value)
        except (IndexError, AttributeError, ValueError):
            raise StoreError(f"{graph.store.query_endpoint}: the answer to a COUNT is not one number: "
                             f"{answer[:3]!r}") from None
    return held


def insert_data(triples) -> str:
    """One ``INSERT DATA`` update of pyoxigraph triples, written as N-Triples terms.

    >>> import pyoxigraph as ox
    >>> t = ox.Triple(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x\\"y", language="en"))
    >>> print(insert_data([t]))
    INSERT DATA {
    <http://e/a> <http://e/p> "x\\"y"@en .
    }
    """
    return "INSERT DATA {\n" + "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples) + "}"


def insert_unless_ontology(triples) -> str:
    """An update that adds ``triples`` (the ontology) to the default graph and to
    :data:`ONTOLOGY_GRAPH` only if the server lacks the ontology header.

    The check and the insert run in the server, in the same request as the data,
    so two loads at once cannot both add it.
    """
    body = _body(triples)
    return (
        f"INSERT {{\n{body}GRAPH <{ONTOLOGY_GRAPH}> {{\n{body}}} }}\nWHERE {{ FILTER NOT EXISTS "
        f"{{ <{ONTOLOGY_IRI}> a {_OWL_ONTOLOGY} }} }}"
    )


def file_graph(name: str) -> str:
    """The named graph of the loaded file ``name``.

    >>> file_graph("binzhou.ttl"), file_graph("a b.ttl")
    ('https://w3id.org/cluster-kg/file/binzhou.ttl', 'https://w3id.org/cluster-kg/file/a%20b.ttl')
    """
    return FILE_GRAPH + quote(name, safe="")


def _literal(text: str) -> str:
    """``text`` as a SPARQL string literal (N-Triples escapes)."""
    import pyoxigraph as ox

    return str(ox.Literal(text))


def _body(triples) -> str:
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)


def records_query() -> str:
    """The SELECT of the records: ``?g ?name ?sha ?n ?at ?source``, one row per loaded file."""
    return (f"SELECT ?g ?name ?sha ?n ?at ?source WHERE {{ GRAPH <{RECORDS_GRAPH}> {{ ?g <{LEDGER}name> ?name ; "
            f"<{LEDGER}sha256> ?sha ; <{LEDGER}triples> ?n ; <{LEDGER}loadedAt> ?at ; <{LEDGER}source> ?source }} }}")


def has_records_query() -> str:
    return f"ASK {{ GRAPH <{RECORDS_GRAPH}> {{ ?s ?p ?o }} }}"


def unrecorded_query() -> str:
    """An ASK: does the server hold data loaded before kg kept records (copied, or to be copied)?"""
    return (f"ASK {{ {{ GRAPH <{UNRECORDED_GRAPH}> {{ ?s ?p ?o }} }} UNION "
            f"{{ FILTER NOT EXISTS {{ GRAPH <{RECORDS_GRAPH}> {{ <{RECORDS_GRAPH}> a <{LEDGER}Records> }} }} "
            f"?s ?p ?o }} }}")


def snapshot_unrecorded() -> str:
    """The update that copies what the default graph holds (but the derived shortcuts) into
    :data:`UNRECORDED_GRAPH` if the server has no records yet, then marks that it has: a server
    loaded before kg kept records keeps what those loads said, and it never leaves. Where the
    mark is there, the server decides that first (a sub-SELECT), without reading the data."""
    skip = ", ".join(f"<{p}>" for p in DERIVED_PREDICATES)
    return (f"INSERT {{ GRAPH <{UNRECORDED_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ "
            f"{{ SELECT * WHERE {{ FILTER NOT EXISTS {{ GRAPH <{RECORDS_GRAPH}> "
            f"{{ <{RECORDS_GRAPH}> a <{LEDGER}Records> }} }} }} }} ?s ?p ?o FILTER(?p NOT IN ({skip})) }} ;\n"
            f"INSERT DATA {{ GRAPH <{RECORDS_GRAPH}> {{ <{RECORDS_GRAPH}> a <{LEDGER}Records> }} }}")


def insert_file(name: str, digest: str, triples, count: int, loaded_at: str, source: str) -> str:
    """The update that adds a file's ``triples`` to its file graph and the default graph, and its record.

    Decided in the server: a file recorded with another sha256 is left as it was (a load that
    did not read the records first cannot replace one), and one recorded with the same keeps
    its record.
    """
    g = file_graph(name)
    other = (f"FILTER NOT EXISTS {{ GRAPH <{RECORDS_GRAPH}> {{ <{g}> <{LEDGER}sha256> ?h "
             f"FILTER(?h != {_literal(digest)}) }} }}")
    record = (f"<{g}> <{LEDGER}name> {_literal(name)} ; <{LEDGER}sha256> {_literal(digest)} ; "
              f"<{LEDGER}triples> {count} ; <{LEDGER}loadedAt> \"{loaded_at}\"^^<{_XSD}dateTime> ; "
              f"<{LEDGER}source> {_literal(source)} .")
    return (f"INSERT {{ GRAPH <{g}> {{\n{_body(triples)}}} }} WHERE {{ {other} }} ;\n"
            f"ADD <{g}> TO DEFAULT ;\n"
            f"INSERT {{ GRAPH <{RECORDS_GRAPH}> {{ {record} }} }} WHERE {{ FILTER NOT EXISTS "
            f"{{ GRAPH <{RECORDS_GRAPH}> {{ <{g}> <{LEDGER}sha256> ?h }} }} }}")


def drop_files(names) -> str:
    """The update that takes what the files ``names`` said out of the default graph (but what
    another file graph says too), then their file graphs and records."""
    graphs = [f"<{file_graph(n)}>" for n in names]
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?old {{ {' '.join(graphs)} }} GRAPH ?old {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {_literal(FILE_GRAPH)}) "
            f"&& ?g NOT IN ({', '.join(graphs)})) }} }} ;\n"
            + "".join(f"DROP SILENT GRAPH {g} ;\nDELETE WHERE {{ GRAPH <{RECORDS_GRAPH}> {{ {g} ?p ?o }} }} ;\n"
                      for g in graphs).rstrip(" ;\n"))


def rederive() -> str:
    """The update that brings the derived shortcuts in line with the default graph: those no file
    graph states go, then every one :data:`~kg.rdf.derive.DERIVE_SHORTCUTS` implies is added."""
    values = " ".join(f"<{p}>" for p in DERIVED_PREDICATES)
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o "
            f"FILTER NOT EXISTS {{ GRAPH ?any {{ ?s ?p ?o }} }} }} ;\n"
            + derive_everything())


def derive_everything() -> str:
    """The update that adds every derived shortcut the default graph implies (prefixes written out:
    Oxigraph reads a prologue only at the start of a request)."""
    construct = re.sub(r"\bckg:(\w+)", lambda m: f"<{PREFIXES['ckg']}{m[1]}>", DERIVE_SHORTCUTS.strip())
    return "INSERT" + construct[len("CONSTRUCT"):]


def count_query(*, derived: bool = False) -> str:
    """The COUNT of the default graph's triples (``derived``: of the derived shortcuts)."""
    if derived:
        values = " ".join(f"<{p}>" for p in DERIVED_PREDICATES)
        return f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"
    return "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def other_files_query(names) -> str:
    """The SELECT of the triples (``?s ?p ?o``) of every file graph but those of ``names`` and the
    ontology's: what stays when those files are replaced or removed."""
    skip = ", ".join(f"<{g}>" for g in [*(file_graph(n) for n in names), ONTOLOGY_GRAPH])
    return (f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {_literal(FILE_GRAPH)}) "
            f"&& ?g NOT IN ({skip})) }}")
