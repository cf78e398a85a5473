"""SHACL validation of a graph or of files against ``kg/vocab/ontology/shapes.ttl``.

:func:`validate` returns one :class:`~kg.validation.violations.Violation` per SHACL result;
:func:`validate_files` parses files, validates them together with the
ontology, and says in which file and on which line each focus node is.

Two engines give the same results. The default, ``"sparql"``, compiles each
constraint of the shapes graph into one SPARQL SELECT over the whole graph
(:func:`kg.validation.compile.shape_queries`) and runs them in Oxigraph; pyshacl checks one focus
node at a time in Python, and is hundreds of times slower on a large graph.
``"pyshacl"`` is the reference implementation, and the only one for SHACL
features the compiler does not know (it raises :class:`~kg.errors.UnsupportedShape`).
Where they differ is on ill-formed literals: the sparql engine follows XSD and
XPath, so ``"1.2e6"^^xsd:decimal`` is no decimal and ``"abc\\n"`` does not
match ``^a.c$``, while pyshacl reads literals and patterns as Python does.

>>> from kg.validation.shacl import validate_files
>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "firms.ttl"
...     _ = path.write_text('''
... @prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
... @prefix ckr: <https://w3id.org/cluster-kg/id/> .
... @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
...
... ckr:acme a ckg:Firm ;
...     skos:prefLabel "Acme Aluminium"@en .
... ''', encoding="utf-8")
...     violations = validate_files([path])
>>> [(v.focus, v.line, v.label, v.path, v.severity) for v in violations]
[('https://w3id.org/cluster-kg/id/acme', 6, 'Acme Aluminium', 'prov:wasDerivedFrom', 'Violation')]
>>> print(violations[0].message)
Every fact needs prov:wasDerivedFrom at least one evidence node (a ckg:Evidence quoting a source article).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

from kg.rdf.formats import expand_paths, parse_files
from kg.rdf.local import graph_from_sources
from kg.validation.compile import shapes_graph
from kg.validation.locate import Locator
from kg.validation.reference import validate_pyshacl
from kg.validation.run import validate_sparql
from kg.validation.violations import Violation, sorted_violations
from kg.vocab.files import ontology_paths

ENGINES = ("sparql", "pyshacl")


def validate(data_graph, *, shapes=None, engine: str = "sparql") -> list[Violation]:
    """Validate ``data_graph`` against the shapes; return the results, sorted.

    ``data_graph`` is an rdflib Graph that holds the ontology as well as the
    data (as :func:`kg.rdf.graph.open_graph` returns it): class targets follow the
    ``rdfs:subClassOf`` triples found in the data graph itself, so no inference
    is run. ``shapes`` is a shapes file or an rdflib Graph (default:
    ``kg/vocab/ontology/shapes.ttl``). ``engine`` is ``"sparql"`` (the shapes compiled to
    SPARQL and run in Oxigraph; a graph on another store is copied into one) or
    ``"pyshacl"`` (the reference, :func:`kg.validation.reference.validate_pyshacl`;
    slow on large graphs).

    >>> from kg.rdf.graph import open_graph
    >>> validate(open_graph([]))  # the ontology alone
    []
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    shapes = shapes_graph(shapes)
    if engine == "sparql":
        return validate_sparql(data_graph, shapes)
    return validate_pyshacl(data_graph, shapes=shapes)


def validate_files(
    paths: Iterable[str | os.PathLike],
    *,
    with_ontology: bool = True,
    shapes=None,
    engine: str = "sparql",
) -> list[Violation]:
    """Parse ``paths`` (files or folders), validate them as one graph, and locate each result.

    The graph holds the ontology (unless ``with_ontology=False``), the files and
    the ``ckg:suppliesTo`` shortcuts the loader derives. A file that does not
    parse raises :class:`kg.errors.ParseError`. Each violation gets the first
    file in which its focus node is a subject, and the line of that file where
    the node first starts a statement (``None`` for blank nodes and for formats
    other than Turtle, TriG, N-Triples and N-Quads). ``engine`` is as for :func:`validate`.
    """
    paths = list(paths)
    if with_ontology:
        paths = [*ontology_paths(), *paths]
    sources = parse_files(expand_paths(paths))
    violations = validate(graph_from_sources(sources), shapes=shapes, engine=engine)
    locate = Locator(sources)
    return sorted_violations(
        replace(v, file=file, line=line)
        for v in violations
        for file, line in [locate(v.focus)]
    )
