"""The pyshacl engine: the reference the compiled validation is tested against."""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, URIRef

from kg.rdf.local import oxigraph_store, wrap
from kg.validation.compile import shapes_graph
from kg.validation.run import oxigraph_of
from kg.validation.sparql import sh
from kg.validation.violations import (
    SH,
    Violation,
    english_label,
    path_text,
    sorted_violations,
    violation_message,
)


def validate_pyshacl(data_graph, *, shapes=None) -> list[Violation]:
    """:func:`kg.validation.shacl.validate` by pyshacl, one focus node at a time: the reference.

    It also validates SHACL features the compiled queries do not know. A graph on
    another store is copied into Oxigraph first, as the sparql engine does, so that
    both see the same terms (literals as Oxigraph keeps them).
    """
    import pyshacl

    # pyshacl 0.40 runs on the Oxigraph-backed Graph as it is: no copy, and its
    # SPARQL constraints run in Oxigraph. Copying into rdflib's memory store first
    # made it ten times slower (6.3 s against 0.6 s on the bundled graph). Only a
    # graph on another store is copied, the other way: into Oxigraph.
    if oxigraph_store(data_graph) is None:
        data_graph = wrap(oxigraph_of(data_graph))
    _, report, _ = pyshacl.validate(
        _CountedGraph.over(data_graph),
        shacl_graph=typed_strings(shapes_graph(shapes)),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
    )
    return sorted_violations(pyshacl_violation(report, result, data_graph) for result in pyshacl_results(report))


XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


def typed_strings(shapes: Graph) -> Graph:
    """``shapes``, or a copy whose simple literals in ``sh:in`` and ``sh:hasValue`` are typed xsd:string.

    In RDF 1.1 ``"award"`` and ``"award"^^xsd:string`` are one term, and the
    data graph, read from Oxigraph, holds every simple literal as the second. rdflib
    keeps the two apart, so pyshacl would find no string of the data in
    ``sh:in ( "ranking" "award" )``. (The sparql engine compares with ``sameTerm``,
    which takes them for one.)

    >>> shapes = Graph().parse(format="turtle", data='''
    ... @prefix sh: <http://www.w3.org/ns/shacl#> .
    ... <urn:s> sh:in ( "award" "prize"@en 1 ) ; sh:hasValue "x" ; sh:message "award" .
    ... ''')
    >>> from rdflib.collection import Collection
    >>> typed, s = typed_strings(shapes), URIRef("urn:s")
    >>> [m.n3(typed.namespace_manager) for m in Collection(typed, typed.value(s, sh("in")))]
    ['"award"^^xsd:string', '"prize"@en', '"1"^^xsd:integer']
    >>> typed.value(s, sh("hasValue")).n3(typed.namespace_manager), typed.value(s, sh("message")).n3()
    ('"x"^^xsd:string', '"award"')
    >>> typed_strings(typed) is typed  # nothing left to type
    True
    """

    def simple(term) -> bool:
        return isinstance(term, Literal) and term.datatype is None and term.language is None

    cells = set()  # the cells of the sh:in lists that hold a simple literal
    for cell in shapes.objects(None, sh("in")):
        while cell is not None and cell != RDF.nil:
            if simple(shapes.value(cell, RDF.first)):
                cells.add(cell)
            cell = shapes.value(cell, RDF.rest)
    values = {(s, o) for s, o in shapes.subject_objects(sh("hasValue")) if simple(o)}
    if not cells and not values:
        return shapes
    typed = Graph(namespace_manager=shapes.namespace_manager)
    for s, p, o in shapes:
        if (p == RDF.first and s in cells) or (p == sh("hasValue") and (s, o) in values):
            o = Literal(str(o), datatype=XSD_STRING)
        typed.add((s, p, o))
    return typed


# ------------------------------------------------------------------ report


def pyshacl_results(report):
    return report.subjects(RDF.type, URIRef(SH + "ValidationResult"))


def pyshacl_violation(report, result, data_graph) -> Violation:
    def one(name):
        return report.value(result, URIRef(SH + name))

    focus = one("focusNode")
    path = one("resultPath")
    value = one("value")
    constraint = one("sourceConstraint")
    shape = constraint if isinstance(constraint, URIRef) else one("sourceShape")
    return Violation(
        focus=str(focus),
        label=english_label(data_graph, focus),
        path=None if path is None else path_text(report, path),
        value=None if value is None else str(value),
        message=violation_message(report.objects(result, URIRef(SH + "resultMessage"))),
        severity=str(one("resultSeverity")).rpartition("#")[2],
        shape=str(shape),
    )


class _CountedGraph(Graph):
    """The same graph (same store, same triples) with ``len()`` counted once.

    pyshacl tests the data graph's truth value, that is ``len()``, up to three
    times for every result it makes, and on the Oxigraph store each ``len()`` is a
    count of the whole graph: with 300 violations on the bundled data that took
    7.6 s against 2.1 s with the count cached. The graph does not change while
    it is validated.

    The count goes to pyoxigraph itself. Through rdflib (``count_triples``) a
    SELECT read only in part stays in a reference cycle (oxrdflib's Result and the
    generator of its rows) until the garbage collector frees it, which may happen on
    a worker thread of the sparql engine; pyoxigraph refuses to drop its solutions
    there ("PyQuerySolutions is unsendable, but is being dropped on another thread").
    """

    _count: int

    @classmethod
    def over(cls, graph):
        store = oxigraph_store(graph)
        if store is None:  # a Dataset, a named graph, or anything else: as it is
            return graph
        counted = cls(graph.store, graph.identifier, namespace_manager=graph.namespace_manager)
        solutions = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        counted._count = int(next(solutions)["n"].value)
        return counted

    def __len__(self) -> int:
        return self._count
