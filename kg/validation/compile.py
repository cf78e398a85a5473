"""The SHACL shapes compiled into SPARQL: one SELECT per constraint, for the ``"sparql"`` engine.

:func:`shapes_graph` reads the shapes (default: ``kg/vocab/ontology/shapes.ttl``) and
:func:`shape_queries` compiles each constraint into a :class:`ShapeQuery` whose solutions
are its results; :mod:`kg.validation.run` runs them in Oxigraph. A SHACL feature the
compiler does not know raises :class:`~kg.errors.UnsupportedShape` (the ``"pyshacl"``
engine, :mod:`kg.validation.reference`, handles it). The SPARQL text of SHACL paths and
constants is in :mod:`kg.validation.sparql`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection

from kg.errors import UnsupportedShape
from kg.validation.sparql import (
    CASTABLE,
    COMPARISONS,
    NODE_KINDS,
    NOT_COMPONENTS,
    ONE_STEP,
    PROLOGUE,
    RDF_LANG_STRING,
    RDFS_CLASS,
    RDFS_LITERAL,
    TARGETS,
    TYPE_PATH,
    constant,
    is_true,
    sh,
    sparql_path,
)
from kg.validation.violations import SH, node_text, path_text
from kg.vocab.files import SHAPES_FILE


@dataclass(frozen=True)
class ShapeQuery:
    """One constraint of a shapes graph as one SPARQL SELECT over the whole data graph.

    Each solution is one result: ``?this`` is the focus node, ``?value`` the
    value node if the result has one and, for SPARQL-based constraints, ``?path``
    the path if the query binds it. The other fields go to the :class:`~kg.validation.violations.Violation`;
    ``messages`` are all the ``sh:message`` literals, in any language.
    """

    query: str
    shape: str
    path: str | None
    messages: tuple[Literal, ...]
    severity: str
    sparql: bool = False  # SPARQL-based: an unbound ?value is the focus node


def shapes_graph(shapes=None) -> Graph:
    """The shapes as an rdflib Graph: ``shapes`` itself, a parsed Turtle file, or the bundled ones."""
    if shapes is None:
        shapes = SHAPES_FILE
    if not isinstance(shapes, Graph):
        shapes = Graph().parse(os.fspath(shapes), format="turtle")
    return shapes


def shape_queries(shapes: Graph) -> list[ShapeQuery]:
    """Compile every constraint of a shapes graph into a :class:`ShapeQuery`.

    Targets become a pattern binding ``?this`` (``sh:targetClass`` follows
    ``rdfs:subClassOf*``), SHACL paths become SPARQL property paths, and the
    SELECT of a SPARQL-based constraint gets the focus nodes joined in first
    where SHACL pre-binds ``$this``. Raises :class:`UnsupportedShape` for a SHACL
    feature it does not compile, rather than skip a constraint.

    >>> shapes = Graph().parse(format="turtle", data='''
    ... @prefix sh: <http://www.w3.org/ns/shacl#> .
    ... <urn:s> sh:targetSubjectsOf <urn:n> ; sh:property [ sh:path <urn:n> ; sh:maxCount 1 ] .
    ... ''')
    >>> print(shape_queries(shapes)[0].query)  # doctest: +NORMALIZE_WHITESPACE
    SELECT ?this WHERE { { SELECT ?this WHERE { ?this <urn:n> ?v . }
    GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > 1) }
    FILTER EXISTS { { ?this <urn:n> ?target . } } }
    """
    queries: list[ShapeQuery] = []
    targeted = {s for target in TARGETS for s in shapes.subjects(target, None)}
    for shape in sorted(targeted, key=str):
        if is_true(shapes.value(shape, sh("deactivated"))):
            continue
        targets = _targets(shapes, shape)
        queries += _shape_queries(shapes, shape, targets)
        for prop in shapes.objects(shape, sh("property")):
            if shapes.value(shape, sh("path")) is not None:
                raise UnsupportedShape(f"{node_text(shape)}: sh:property in a property shape")
            queries += _shape_queries(shapes, prop, targets)
    return queries


def _shape_queries(g: Graph, shape, targets: str) -> list[ShapeQuery]:
    """The queries for the constraints of ``shape`` on the focus nodes that ``targets`` binds."""
    if is_true(g.value(shape, sh("deactivated"))):
        return []
    path_node = g.value(shape, sh("path"))
    path = None if path_node is None else sparql_path(g, path_node)
    severity = g.value(shape, sh("severity"))
    common = {
        "shape": str(shape),
        "path": None if path_node is None else path_text(g, path_node),
        "severity": "Violation" if severity is None else str(severity).rpartition("#")[2],
    }
    messages = tuple(g.objects(shape, sh("message")))
    queries = []
    for component, parameter in g.predicate_objects(shape):
        if not str(component).startswith(SH) or component in NOT_COMPONENTS:
            continue
        if component in (sh("path"), sh("property"), sh("sparql")):
            continue
        generic = (Literal(f"Not satisfied: {node_text(component)} {node_text(parameter)}"),)
        for text in _component_queries(g, shape, component, parameter, targets, path):
            queries.append(ShapeQuery(text, messages=messages or generic, **common))
    for constraint in g.objects(shape, sh("sparql")):
        if path is not None:
            raise UnsupportedShape(f"{node_text(shape)}: sh:sparql in a property shape")
        if is_true(g.value(constraint, sh("deactivated"))):
            continue
        # The constraint's own messages. (pyshacl adds the shape's sh:message and shows
        # whichever sorts first; the shapes are written so that both give the same.)
        own = tuple(g.objects(constraint, sh("message"))) or messages
        name = str(constraint) if isinstance(constraint, URIRef) else str(shape)
        text = _sparql_constraint_query(g, constraint, targets)
        queries.append(ShapeQuery(text, messages=own, sparql=True, **{**common, "shape": name}))
    return queries


def _component_queries(g: Graph, shape, component, parameter, targets, path) -> list[str]:
    """SELECTs of ``?this`` (and ``?value`` where results have one) for one constraint component.

    ``targets`` is a pattern that binds ``?this`` to the focus nodes; ``path`` is a
    SPARQL path, or None for a node shape. A property shape's values are matched
    first, and only those that fail are checked for a focus node (``EXISTS``): one
    pass over the values, not a join with every focus node. The check is written
    ``IF(fails, EXISTS {…}, false)``, not ``fails && EXISTS {…}``: Oxigraph evaluates
    both sides of ``&&``, so every value would pay for a focus-node lookup (2 s against
    32 s for the quotes of the evidence at 100k firms, on a persistent store). The two
    filter alike because a value test is never an error. Constraints about nodes
    without values go through all focus nodes.
    """
    name = str(component)[len(SH) :]
    every = f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}"
    joins: list[str] = []
    test = _value_test(g, shape, component, parameter, "?value", joins)
    if test is not None:
        if path is None:  # a node shape: its value node is the focus node
            where = [every, "BIND(?this AS ?value)", *joins, f"FILTER(!({test}))"]
        else:
            fails = f"FILTER(IF(!({test}), EXISTS {{ {targets} }}, false))"
            where = [f"?this {path} ?value .", *joins, fails]
        return [f"SELECT DISTINCT ?this ?value WHERE {{ {' '.join(where)} }}"]
    if name == "hasValue":
        values = "BIND(?this AS ?v)" if path is None else f"?this {path} ?v ."
        has = f"{values} FILTER(sameTerm(?v, {constant(parameter)}))"
        return [f"SELECT ?this WHERE {{ {every} FILTER NOT EXISTS {{ {has} }} }}"]
    if name == "disjoint":
        other = constant(parameter)
        if path is None:
            return [f"SELECT ?this (?this AS ?value) WHERE {{ {every} ?this {other} ?this . }}"]
        # Two sub-SELECTs, which Oxigraph joins by hashing; as one basic graph pattern it
        # looks the second triple up for each first one (42 s at 100k firms).
        shared = (
            f"{{ SELECT ?this ?value WHERE {{ ?this {path} ?value }} }} "
            f"{{ SELECT ?this ?value WHERE {{ ?this {other} ?value }} }}"
        )
        return [f"SELECT DISTINCT ?this ?value WHERE {{ {shared} FILTER EXISTS {{ {targets} }} }}"]
    if path is None:
        raise UnsupportedShape(f"{node_text(shape)}: sh:{name} in a node shape")
    if name == "minCount":
        return _count_queries(targets, path, "", least=int(parameter))
    if name == "maxCount":
        return _count_queries(targets, path, "", most=int(parameter))
    if name == "uniqueLang":
        if not is_true(parameter):
            return []
        repeated = (
            f'SELECT DISTINCT ?this WHERE {{ ?this {path} ?v . FILTER(LANG(?v) != "") }} '
            "GROUP BY ?this (LCASE(LANG(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)"
        )
        return [f"SELECT ?this WHERE {{ {{ {repeated} }} FILTER EXISTS {{ {targets} }} }}"]
    if name == "qualifiedValueShape":
        if is_true(g.value(shape, sh("qualifiedValueShapesDisjoint"))):
            raise UnsupportedShape(f"{node_text(shape)}: sh:qualifiedValueShapesDisjoint")
        least, most = (g.value(shape, sh(f"qualified{m}Count")) for m in ("Min", "Max"))
        test = _shape_test(g, parameter, "?v", joins)
        where = " ".join([*joins, f"FILTER({test})"])
        return _count_queries(
            targets, path, where,
            least=None if least is None else int(least), most=None if most is None else int(most),
        )  # fmt: skip
    raise UnsupportedShape(f"{node_text(shape)}: the sparql engine does not know sh:{name}")


def _count_queries(targets: str, path: str, where: str, *, least=None, most=None) -> list[str]:
    """Focus nodes with fewer than ``least`` or more than ``most`` values (that pass ``where``).

    Left joins and sub-selects rather than FILTER (NOT) EXISTS around several
    patterns: Oxigraph plans the inside of EXISTS without the outer bindings. At
    least one value along a predicate (or its inverse) is a MINUS, which Oxigraph runs
    as one pass over the predicate, not a lookup for each focus node (3 s against 54 s
    for "every node has an rdf:type" at 100k firms, on a persistent store). Along a
    path that may have length zero the two differ in SPARQL for a focus node that is
    not in the graph (its own value, for NOT EXISTS): other paths keep NOT EXISTS.
    """
    every = f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}"
    values = f"?this {path} ?v . {where}"
    out = []
    if least == 1 and not where and ONE_STEP.fullmatch(path):
        out.append(f"SELECT ?this WHERE {{ {every} MINUS {{ ?this {path} ?v }} }}")
    elif least == 1 and not where:
        out.append(f"SELECT ?this WHERE {{ {every} FILTER NOT EXISTS {{ ?this {path} ?v }} }}")
    elif least == 1:
        out.append(f"SELECT ?this WHERE {{ {every} OPTIONAL {{ {values} }} FILTER(!BOUND(?v)) }}")
    elif least is not None and least > 1:
        out.append(
            f"SELECT ?this WHERE {{ {every} OPTIONAL {{ {values} }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {least})"
        )
    if most == 0:
        out.append(f"SELECT DISTINCT ?this WHERE {{ {values} FILTER EXISTS {{ {targets} }} }}")
    elif most is not None:
        out.append(
            f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ {values} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {most}) }} "
            f"FILTER EXISTS {{ {targets} }} }}"
        )
    return out


def _value_test(g: Graph, shape, component, parameter, v: str, joins: list[str]) -> str | None:
    """A SPARQL expression true when the value node ``v`` passes; None if not a test of values.

    Never an error: SHACL counts a comparison that fails with an error as a
    failure. A test may add to ``joins`` the graph patterns it needs.
    """
    name = str(component)[len(SH) :]
    if name == "class":
        # A left join with the instances of the class, not FILTER EXISTS, which
        # Oxigraph plans without the outer bindings (ten times slower at 10k firms).
        ok = f"?ok{len(joins)}"
        instances = f"{v} {TYPE_PATH} {constant(parameter)}"
        joins.append(f"OPTIONAL {{ SELECT DISTINCT {v} (true AS {ok}) WHERE {{ {instances} }} }}")
        return f"BOUND({ok})"
    if name == "datatype":
        if parameter == RDF_LANG_STRING:
            return f'COALESCE(isLiteral({v}) && LANG({v}) != "", false)'
        if parameter == RDFS_LITERAL:
            return f"isLiteral({v})"
        test = f"isLiteral({v}) && DATATYPE({v}) = {constant(parameter)}"
        if parameter in CASTABLE:  # and well-formed: "1.5"^^xsd:integer is no integer
            test += f" && isLiteral({constant(parameter)}({v}))"
        return f"COALESCE({test}, false)"
    if name == "nodeKind":
        return NODE_KINDS[str(parameter)[len(SH) :]].format(v=v)
    if name == "in":
        options = [f"sameTerm({v}, {constant(o)})" for o in Collection(g, parameter)]
        return "(" + " || ".join(options) + ")" if options else "false"
    if name == "pattern":
        flags = g.value(shape, sh("flags"))
        args = Literal(str(parameter)).n3()
        if flags is not None:
            args += ", " + Literal(str(flags)).n3()
        return f"COALESCE(!isBlank({v}) && REGEX(STR({v}), {args}), false)"
    if name in COMPARISONS:
        return f"COALESCE({v} {COMPARISONS[name]} {constant(parameter)}, false)"
    if name in ("minLength", "maxLength"):
        op = ">=" if name == "minLength" else "<="
        return f"COALESCE(!isBlank({v}) && STRLEN(STR({v})) {op} {int(parameter)}, false)"
    if name in ("or", "and"):
        tests = [_shape_test(g, s, v, joins) for s in Collection(g, parameter)]
        if not tests:
            return "false" if name == "or" else "true"
        return "(" + (" || " if name == "or" else " && ").join(tests) + ")"
    if name == "not":
        return f"!{_shape_test(g, parameter, v, joins)}"
    if name == "node":
        return _shape_test(g, parameter, v, joins)
    return None


def _shape_test(g: Graph, shape, v: str, joins: list[str]) -> str:
    """A SPARQL expression true when the node ``v`` conforms to ``shape`` (value tests only)."""
    tests = []
    for component, parameter in g.predicate_objects(shape):
        if not str(component).startswith(SH) or component in NOT_COMPONENTS:
            continue
        if component == sh("hasValue"):
            test = f"sameTerm({v}, {constant(parameter)})"
        else:
            test = _value_test(g, shape, component, parameter, v, joins)
        if test is None:
            where = f"{node_text(shape)}: {node_text(component)}"
            raise UnsupportedShape(f"{where} in a nested shape")
        tests.append(test)
    return "(" + " && ".join(tests) + ")" if tests else "true"


def _targets(g: Graph, shape) -> str:
    """A graph pattern that binds ``?this`` to the focus nodes of ``shape`` (some repeatedly)."""
    if (shape, RDF.type, RDFS_CLASS) in g:
        raise UnsupportedShape(f"{node_text(shape)}: implicit class targets")
    forms = {
        "targetClass": f"?this {TYPE_PATH} {{}} .",
        "targetNode": "VALUES ?this {{ {} }}",
        "targetSubjectsOf": "?this {} ?target .",
        "targetObjectsOf": "?target {} ?this .",
    }
    branches = [
        form.format(constant(o))
        for name, form in forms.items()
        for o in g.objects(shape, sh(name))
    ]
    return " UNION ".join(f"{{ {b} }}" for b in sorted(branches))


def _sparql_constraint_query(g: Graph, constraint, targets: str) -> str:
    """The constraint's SELECT with the focus nodes joined in first, as SHACL pre-binds ``$this``.

    The query runs as it is written: Oxigraph plans a FILTER NOT EXISTS around
    several patterns without the outer bindings, which makes it quadratic;
    OPTIONAL { … } FILTER(!BOUND(…)) says the same and runs in one pass.
    """
    select = g.value(constraint, sh("select"))
    if select is None:
        raise UnsupportedShape(f"{node_text(constraint)}: no sh:select")
    text = str(select)
    for variable in ("$PATH", "$currentShape", "$shapesGraph"):
        if variable in text:
            raise UnsupportedShape(f"{node_text(constraint)}: {variable} in sh:select")
    prologue = ""
    for prefixes in g.objects(constraint, sh("prefixes")):
        for declaration in g.objects(prefixes, sh("declare")):
            prefix = g.value(declaration, sh("prefix"))
            namespace = g.value(declaration, sh("namespace"))
            prologue += f"PREFIX {prefix}: <{namespace}>\n"
    while match := PROLOGUE.match(text):  # the query's own PREFIX and BASE lines
        prologue += match.group(0).strip() + "\n"
        text = text[match.end() :]
    where = re.search(r"(?i)\bWHERE\s*\{", text) or re.search(r"\{", text)
    if where is None:
        raise UnsupportedShape(f"{node_text(constraint)}: no WHERE clause in sh:select")
    every = f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}"
    text = f"{text[: where.end()]} {every} {text[where.end() :]}"
    return f"{prologue}SELECT ?this ?value ?path WHERE {{ {{ {text} }} }}"
