"""The "sparql" validation engine (kg.validate.shape_queries) against pyshacl, the reference.

The sparql engine compiles each constraint of the shapes into one SPARQL SELECT
run in Oxigraph. It must give exactly the Violations pyshacl gives: on every bad
record of test_validate.py, on a generated graph before and after damaging it,
and on small shapes that use SHACL features ontology/shapes.ttl does not. The
two differ only on ill-formed literals (test_ill_formed_literals) and in how the
value of a result is written for a double or a date with a time zone
(test_values_that_rdflib_rewrites).
"""

from __future__ import annotations

import gc
import re
import sys
import threading

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from test_validate import BAD, GOOD, subjects, write

from kg.errors import UnsupportedShape
from kg.rdf.graph import open_graph
from kg.synth.generate import generate
from kg.validation.compile import shape_queries
from kg.validation.reference import validate_pyshacl
from kg.validation.shacl import ENGINES, validate, validate_files
from kg.validation.violations import Violation
from kg.vocab.files import SHAPES_FILE

SH = Namespace("http://www.w3.org/ns/shacl#")
EX = "http://example.org/"
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
SHAPES_HEADER = """\
@prefix sh:  <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex:  <http://example.org/> .
"""


def both(graph, shapes=None) -> list[Violation]:
    """Validate with both engines, assert they agree, return the results."""
    fast = validate(graph, shapes=shapes, engine="sparql")
    assert fast == validate_pyshacl(graph, shapes=shapes)
    return fast


def shapes_graph(turtle: str) -> Graph:
    return Graph().parse(data=SHAPES_HEADER + turtle, format="turtle")


def data_graph(folder, turtle: str) -> Graph:
    """An Oxigraph-backed graph of ``turtle``, parsed as kg parses files (literals as written)."""
    path = folder / "data.ttl"
    path.write_text(SHAPES_HEADER + turtle, encoding="utf-8")
    return open_graph([path], ontology=False)


# ------------------------------------------------------ the bad records


@pytest.fixture(scope="module")
def bad_results(tmp_path_factory):
    body = GOOD + "".join(f"\n# {case}\n{turtle}\n" for case, turtle, _ in BAD)
    path = write(tmp_path_factory.mktemp("bad"), "bad.ttl", body)
    return {engine: validate_files([path], engine=engine) for engine in ENGINES}


def test_engines_agree_on_all_bad_records(bad_results):
    assert bad_results["sparql"] == bad_results["pyshacl"]
    assert len(bad_results["sparql"]) >= len(BAD)


@pytest.mark.parametrize(("case", "turtle", "expected"), BAD, ids=[case for case, _, _ in BAD])
def test_engines_agree_on_each_bad_record(bad_results, case, turtle, expected):
    nodes = subjects(turtle)
    fast = [v for v in bad_results["sparql"] if v.focus in nodes]
    assert fast == [v for v in bad_results["pyshacl"] if v.focus in nodes]
    found = {(v.focus.rpartition("/")[2], v.severity, v.message) for v in fast}
    assert sorted(found) == sorted(set(expected))


def test_every_constraint_of_the_shapes_compiles_to_a_query():
    shapes = Graph().parse(SHAPES_FILE)
    with_messages = {str(s) for s in shapes.subjects(SH.message, None)}
    assert {q.shape for q in shape_queries(shapes)} == with_messages


# --------------------------------------------------- a generated graph

_TRIPLE = re.compile(r"^(\S+) (\S+) (.*) \.$")


def damaged(ntriples: str) -> str:
    """Drop every 29th triple, point every 31st IRI object elsewhere, pad every 37th literal."""
    triples = [m.groups() for m in map(_TRIPLE.match, ntriples.splitlines()) if m]
    out = []
    for i, (s, p, o) in enumerate(triples):
        if i % 29 == 0:
            continue
        if i % 31 == 0 and o.startswith("<"):
            o = triples[i * 7 % len(triples)][0]
        elif i % 37 == 0 and o.startswith('"'):
            o = '" padded "'
        out.append(f"{s} {p} {o} .\n")
    return "".join(out)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    text = "".join(generate(50))
    (folder / "clean.nt").write_text(text, encoding="utf-8")
    (folder / "damaged.nt").write_text(damaged(text), encoding="utf-8")
    return folder


def test_engines_agree_on_a_generated_graph(generated):
    assert both(open_graph([generated / "clean.nt"])) == []


def test_engines_agree_on_a_damaged_generated_graph(generated):
    violations = both(open_graph([generated / "damaged.nt"]))
    assert len(violations) > 50
    assert len({v.shape for v in violations}) > 15


# ------------------------------------ SHACL features beyond shapes.ttl

FEATURE_SHAPES = """
ex:names a sh:PropertyShape ; sh:targetClass ex:Person ; sh:path ex:name ;
    sh:minLength 2 ; sh:maxCount 1 ; sh:message "names" .
ex:human a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:not [ sh:class ex:Robot ] ; sh:message "human" ;
    sh:property ex:contact , ex:ancestors ;
    sh:sparql [ sh:message "Short name {?value} of {$this}" ; sh:select '''
        PREFIX ex: <http://example.org/>
        SELECT $this ?value WHERE { $this ex:name ?value FILTER(STRLEN(?value) < 3) }''' ] .
ex:contact sh:path [ sh:alternativePath ( ex:email ex:phone ) ] ; sh:minCount 1 ; sh:message "contact" .
ex:ancestors sh:path [ sh:oneOrMorePath ex:parent ] ;
    sh:qualifiedValueShape [ sh:class ex:Person ; sh:hasValue ex:ann ] ; sh:qualifiedMaxCount 0 ;
    sh:message "ancestors" .
ex:parents sh:targetObjectsOf ex:parent ; sh:class ex:Person ; sh:severity sh:Info ; sh:message "parents" .
ex:dan sh:targetNode ex:dan ; sh:in ( ex:ann ) ; sh:message "dan" .
ex:two sh:targetClass ex:Person ; sh:path ex:name ; sh:minCount 2 ; sh:message "two" .
ex:off sh:targetClass ex:Person ; sh:deactivated true ; sh:property [ sh:path ex:name ; sh:minCount 5 ] .
"""
FEATURE_DATA = """
ex:Robot rdfs:subClassOf ex:Machine .
ex:ann a ex:Person ; ex:name "Ann" ; ex:email "ann@example.org" ; ex:parent ex:eve .
ex:bob a ex:Person , ex:Robot ; ex:name "B" ; ex:parent ex:cal .
ex:cal a ex:Person ; ex:name "Cal" , "Carl" ; ex:parent ex:ann .
"""


def short(text: str | None) -> str | None:
    return None if text is None else text.replace(EX, "ex:")


def test_features_beyond_our_shapes(tmp_path):
    violations = both(data_graph(tmp_path, FEATURE_DATA), shapes_graph(FEATURE_SHAPES))
    assert [(short(v.focus), short(v.path), short(v.value), v.message, v.severity) for v in violations] == [
        ("ex:ann", "<ex:name>", None, "two", "Violation"),
        ("ex:bob", None, "B", "Short name B of http://example.org/bob", "Violation"),
        ("ex:bob", "<ex:parent>+", None, "ancestors", "Violation"),
        ("ex:bob", "(<ex:email>|<ex:phone>)", None, "contact", "Violation"),
        ("ex:bob", None, "ex:bob", "human", "Violation"),
        ("ex:bob", "<ex:name>", "B", "names", "Violation"),
        ("ex:bob", "<ex:name>", None, "two", "Violation"),
        ("ex:cal", "<ex:parent>+", None, "ancestors", "Violation"),
        ("ex:cal", "(<ex:email>|<ex:phone>)", None, "contact", "Violation"),
        ("ex:cal", "<ex:name>", None, "names", "Violation"),
        ("ex:dan", None, "ex:dan", "dan", "Violation"),
        ("ex:eve", None, "ex:eve", "parents", "Info"),
    ]


def test_at_least_one_value_and_disjoint_values_as_pyshacl_sees_them(tmp_path):
    """Focus nodes outside the graph, inverse paths, sh:disjoint."""
    shapes = shapes_graph("""
        ex:has sh:targetNode ex:ghost , ex:ann ; sh:path ex:name ; sh:minCount 1 ; sh:message "has" .
        ex:inv sh:targetNode ex:ghost , ex:ann , ex:eve ; sh:path [ sh:inversePath ex:parent ] ;
            sh:minCount 1 ; sh:message "inv" .
        ex:apart sh:targetSubjectsOf ex:likes ; sh:path ex:likes ; sh:disjoint ex:dislikes ; sh:message "apart" .
    """)
    graph = data_graph(tmp_path, """
        ex:ann ex:name "Ann" ; ex:parent ex:eve ; ex:likes ex:tea , ex:rain ; ex:dislikes ex:rain .
        ex:eve ex:likes ex:tea ; ex:dislikes ex:rain .
    """)
    assert [(short(v.focus), short(v.value), v.message) for v in both(graph, shapes)] == [
        ("ex:ann", "ex:rain", "apart"),
        ("ex:ann", None, "inv"),
        ("ex:ghost", None, "has"),
        ("ex:ghost", None, "inv"),
    ]


def test_the_constructs_of_the_time_shapes_as_pyshacl_sees_them(tmp_path):
    """sh:in of strings, sh:hasValue of a string, sh:or of datatypes, sh:minInclusive,
    sh:not with sh:class, an inverse path with sh:minCount: on the values where engines could part.

    In RDF 1.1 "award" and "award"^^xsd:string are one term: both engines take the
    second for a member of ( "ranking" "award" ) and for sh:hasValue "award"; "award"@en is neither.
    """
    shapes = shapes_graph("""
        ex:kind sh:targetSubjectsOf ex:kind ; sh:path ex:kind ; sh:in ( "ranking" "award" ) ; sh:message "kind" .
        ex:award sh:targetNode ex:k1 ; sh:path ex:kind ; sh:hasValue "award" ; sh:message "award" .
        ex:date sh:targetSubjectsOf ex:date ; sh:path ex:date ; sh:maxCount 1 ;
            sh:or ( [ sh:datatype xsd:gYear ] [ sh:datatype xsd:gYearMonth ] [ sh:datatype xsd:date ] ) ;
            sh:message "date" .
        ex:rank sh:targetSubjectsOf ex:rank ; sh:path ex:rank ; sh:datatype xsd:integer ; sh:minInclusive 1 ;
            sh:message "rank" .
        ex:goal sh:targetClass ex:Goal ; sh:not [ sh:class ex:Project ] ; sh:message "goal" .
        ex:event sh:targetClass ex:Event ; sh:path [ sh:inversePath ex:lifecycle ] ; sh:minCount 1 ;
            sh:message "event" .
    """)
    graph = data_graph(tmp_path, """
        ex:k1 ex:kind "ranking" , "award"^^xsd:string , "award"@en , "prize" , ex:ranking .
        ex:d1 ex:date "2018"^^xsd:gYear . ex:d2 ex:date "2018-09"^^xsd:gYearMonth . ex:d3 ex:date "2018-09-01"^^xsd:date .
        ex:d4 ex:date "2018"^^xsd:integer . ex:d5 ex:date "2018" . ex:d6 ex:date "2018-02-30"^^xsd:date .
        ex:d7 ex:date "2018"^^xsd:gYear , "2019-01"^^xsd:gYearMonth . ex:d8 ex:date ex:y2018 .
        ex:r1 ex:rank 1 . ex:r2 ex:rank 0 . ex:r3 ex:rank "1" . ex:r4 ex:rank 1.5 . ex:r5 ex:rank "x"^^xsd:integer .
        ex:Plant rdfs:subClassOf ex:Project .
        ex:g1 a ex:Goal . ex:g2 a ex:Goal , ex:Project . ex:g3 a ex:Goal , ex:Plant .
        ex:e1 a ex:Event . ex:firm ex:lifecycle ex:e1 . ex:e2 a ex:Event ; ex:lifecycle ex:e2 .
    """)
    assert [(short(v.focus), short(v.path), short(v.value), v.message) for v in both(graph, shapes)] == [
        ("ex:d4", "<ex:date>", "2018", "date"),
        ("ex:d5", "<ex:date>", "2018", "date"),
        ("ex:d6", "<ex:date>", "2018-02-30", "date"),  # no 30 February
        ("ex:d7", "<ex:date>", None, "date"),
        ("ex:d8", "<ex:date>", "ex:y2018", "date"),
        ("ex:g2", None, "ex:g2", "goal"),
        ("ex:g3", None, "ex:g3", "goal"),  # a Plant is a Project
        ("ex:k1", "<ex:kind>", "award", "kind"),  # "award"@en
        ("ex:k1", "<ex:kind>", "ex:ranking", "kind"),
        ("ex:k1", "<ex:kind>", "prize", "kind"),
        ("ex:r2", "<ex:rank>", "0", "rank"),
        ("ex:r3", "<ex:rank>", "1", "rank"),  # a string: not an integer, and not >= 1
        ("ex:r4", "<ex:rank>", "1.5", "rank"),
        ("ex:r5", "<ex:rank>", "x", "rank"),
    ]  # ex:e2 is its own lifecycle, so something has it as one


def test_strings_of_a_graph_outside_oxigraph():
    """A plain rdflib graph keeps "award" and "award"^^xsd:string apart; both engines read it as Oxigraph does."""
    graph = Graph()
    for name, value in (("a", Literal("award")), ("b", Literal("award", datatype=XSD_STRING)), ("c", Literal("prize"))):
        graph.add((URIRef(EX + name), URIRef(EX + "kind"), value))
    shapes = shapes_graph('ex:s sh:targetSubjectsOf ex:kind ; sh:path ex:kind ; sh:in ( "award" ) ; sh:message "m" .')
    assert [(short(v.focus), v.value) for v in both(graph, shapes)] == [("ex:c", "prize")]


def test_values_that_rdflib_rewrites(tmp_path):
    """The same results; but pyshacl writes a value as rdflib normalises it (a double in Python's
    notation, a date without its time zone), the sparql engine as Oxigraph keeps it."""
    shapes = shapes_graph(
        'ex:int sh:targetSubjectsOf ex:int ; sh:path ex:int ; sh:datatype xsd:integer ; sh:message "int" .'
    )
    graph = data_graph(tmp_path, 'ex:a ex:int 1.2e6 , "2018-09-01+08:00"^^xsd:date , 2.5 .')
    found = [v.value for v in validate(graph, shapes=shapes)]
    reference = [v.value for v in validate_pyshacl(graph, shapes=shapes)]
    assert found == ["1200000", "2.5", "2018-09-01+08:00"]
    assert reference == ["1200000.0", "2.5", "2018-09-01"]


def test_pyshacl_leaves_no_query_for_another_thread_to_drop(tmp_path):
    """pyshacl runs on the main thread, the sparql engine's queries on worker threads. A query
    answer that pyoxigraph made on one thread cannot be freed on another: none may be left
    in a reference cycle for the garbage collector to free later, wherever it then runs."""
    graph = data_graph(tmp_path, 'ex:a ex:name "A" .')
    shapes = shapes_graph('ex:s sh:targetSubjectsOf ex:name ; sh:path ex:name ; sh:minLength 2 ; sh:message "m" .')
    gc.collect()
    assert [v.value for v in validate_pyshacl(graph, shapes=shapes)] == ["A"]
    errors = []
    hook, sys.unraisablehook = sys.unraisablehook, errors.append
    try:
        collector = threading.Thread(target=gc.collect)
        collector.start()
        collector.join()
    finally:
        sys.unraisablehook = hook
    assert [str(e.exc_value) for e in errors] == []


def test_a_graph_outside_oxigraph_is_copied_and_keeps_its_blank_nodes():
    graph = Graph()
    node = BNode()
    graph.add((node, URIRef(EX + "name"), Literal("X")))
    shapes = shapes_graph(
        'ex:s sh:targetSubjectsOf ex:name ; sh:path ex:name ; sh:minLength 2 ; sh:message "m" .'
    )
    assert [(v.focus, v.value) for v in both(graph, shapes)] == [(str(node), "X")]


def test_ill_formed_literals(tmp_path):
    """The sparql engine follows XSD and XPath where rdflib and Python's re are lenient."""
    shapes = shapes_graph("""
        ex:dec sh:targetSubjectsOf ex:dec ; sh:path ex:dec ; sh:datatype xsd:decimal ; sh:message "dec" .
        ex:int sh:targetSubjectsOf ex:int ; sh:path ex:int ; sh:datatype xsd:integer ; sh:message "int" .
        ex:pat sh:targetSubjectsOf ex:pat ; sh:path ex:pat ; sh:pattern "^a.c$" ; sh:message "pat" .
    """)
    graph = data_graph(
        tmp_path,
        'ex:a ex:dec 1.5 , "abc"^^xsd:decimal , "1.2e6"^^xsd:decimal , 3 ;\n'
        '     ex:int 7 , "1.5"^^xsd:integer ;\n'
        '     ex:pat "abc" , "xabc" , "abc\\n" .\n'
    )
    found = [(v.message, v.value) for v in validate(graph, shapes=shapes)]
    assert found == [
        ("dec", "1.2e6"), ("dec", "3"), ("dec", "abc"), ("int", "1.5"), ("pat", "abc\n"), ("pat", "xabc"),
    ]  # fmt: skip
    reference = [(v.message, v.value) for v in validate_pyshacl(graph, shapes=shapes)]
    # pyshacl takes "1.2e6" for a decimal, as Python does (XSD decimals have no exponent),
    # and "abc\n" for a match of ^a.c$, as Python's $ also matches before a final newline.
    assert [r for r in found if r not in reference] == [("dec", "1.2e6"), ("pat", "abc\n")]
    assert [r for r in reference if r not in found] == []


def test_unsupported_features_raise_and_pyshacl_still_validates(tmp_path):
    shapes = shapes_graph('ex:s sh:targetClass ex:Person ; sh:closed true ; sh:message "closed" .')
    graph = data_graph(tmp_path, 'ex:ann a ex:Person ; ex:name "Ann" .')
    with pytest.raises(UnsupportedShape, match="sh:closed"):
        validate(graph, shapes=shapes)
    reference = validate_pyshacl(graph, shapes=shapes)
    # sh:closed allows only the properties of sh:property, and there are none.
    assert [(short(v.path), v.message) for v in reference] == [("<ex:name>", "closed"), ("rdf:type", "closed")]


def test_unknown_engine():
    with pytest.raises(ValueError, match="unknown validation engine"):
        validate(Graph(), engine="fast")
