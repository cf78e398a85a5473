"""Check a graph against the SHACL shapes in ``ontology/shapes.ttl``.

:func:`validate` returns one :class:`Violation` per SHACL result;
:func:`validate_files` parses files, validates them together with the
ontology, and says in which file and on which line each focus node is.

Two engines give the same results. The default, ``"sparql"``, compiles each
constraint of the shapes graph into one SPARQL SELECT over the whole graph
(:func:`shape_queries`) and runs them in Oxigraph; pyshacl checks one focus
node at a time in Python, and is hundreds of times slower on a large graph.
``"pyshacl"`` is the reference implementation, and the only one for SHACL
features the compiler does not know (it raises :class:`UnsupportedShape`).
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

import re
from dataclasses import dataclass
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from kg.errors import UnsupportedShape
from kg.validation.violations import SH, node_text, path_text


# ------------------------------------------------------- shapes as SPARQL


def _sh(name: str) -> URIRef:
    return URIRef(SH + name)


_TYPE_PATH = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
)


_RDF_LANG_STRING = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")


_RDFS_LITERAL = URIRef("http://www.w3.org/2000/01/rdf-schema#Literal")


_RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")


# Datatypes Oxigraph can cast to: a literal of one of them that does not cast is ill-typed.
_CASTABLE = {
    URIRef("http://www.w3.org/2001/XMLSchema#" + name)
    for name in ("string", "boolean", "integer", "decimal", "float", "double")
    + ("dateTime", "date", "time", "duration")
}


_TARGETS = tuple(map(_sh, ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")))


# Properties of a shape that are not constraint components of their own.
_NOT_COMPONENTS = {
    *_TARGETS,
    *map(_sh, ("message", "severity", "name", "description", "order", "group", "defaultValue")),
    *map(_sh, ("deactivated", "flags", "qualifiedMinCount", "qualifiedMaxCount")),
    _sh("qualifiedValueShapesDisjoint"),
}


_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "!isLiteral({v})",
    "BlankNodeOrLiteral": "!isIRI({v})",
    "IRIOrLiteral": "!isBlank({v})",
}


_COMPARISONS = {
    "minExclusive": ">",
    "minInclusive": ">=",
    "maxExclusive": "<",
    "maxInclusive": "<=",
}


_ONE_STEP = re.compile(r"<[^<>]*>|\(\^<[^<>]*>\)")
"""A SPARQL path of one predicate, or its inverse (as :func:`_sparql_path` writes them)."""


_PROLOGUE = re.compile(r"(?is)\s*(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)")


@dataclass(frozen=True)
class ShapeQuery:
    """One constraint of a shapes graph as one SPARQL SELECT over the whole data graph.

    Each solution is one result: ``?this`` is the focus node, ``?value`` the
    value node if the result has one and, for SPARQL-based constraints, ``?path``
    the path if the query binds it. The other fields go to the :class:`Violation`;
    ``messages`` are all the ``sh:message`` literals, in any language.
    """

    query: str
    shape: str
    path: str | None
    messages: tuple[Literal, ...]
    severity: str
    sparql: bool = False  # SPARQL-based: an unbound ?value is the focus node


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
    targeted = {s for target in _TARGETS for s in shapes.subjects(target, None)}
    for shape in sorted(targeted, key=str):
        if _is_true(shapes.value(shape, _sh("deactivated"))):
            continue
        targets = _targets(shapes, shape)
        queries += _shape_queries(shapes, shape, targets)
        for prop in shapes.objects(shape, _sh("property")):
            if shapes.value(shape, _sh("path")) is not None:
                raise UnsupportedShape(f"{node_text(shape)}: sh:property in a property shape")
            queries += _shape_queries(shapes, prop, targets)
    return queries


def _shape_queries(g: Graph, shape, targets: str) -> list[ShapeQuery]:
    """The queries for the constraints of ``shape`` on the focus nodes that ``targets`` binds."""
    if _is_true(g.value(shape, _sh("deactivated"))):
        return []
    path_node = g.value(shape, _sh("path"))
    path = None if path_node is None else _sparql_path(g, path_node)
    severity = g.value(shape, _sh("severity"))
    common = {
        "shape": str(shape),
        "path": None if path_node is None else path_text(g, path_node),
        "severity": "Violation" if severity is None else str(severity).rpartition("#")[2],
    }
    messages = tuple(g.objects(shape, _sh("message")))
    queries = []
    for component, parameter in g.predicate_objects(shape):
        if not str(component).startswith(SH) or component in _NOT_COMPONENTS:
            continue
        if component in (_sh("path"), _sh("property"), _sh("sparql")):
            continue
        generic = (Literal(f"Not satisfied: {node_text(component)} {node_text(parameter)}"),)
        for text in _component_queries(g, shape, component, parameter, targets, path):
            queries.append(ShapeQuery(text, messages=messages or generic, **common))
    for constraint in g.objects(shape, _sh("sparql")):
        if path is not None:
            raise UnsupportedShape(f"{node_text(shape)}: sh:sparql in a property shape")
        if _is_true(g.value(constraint, _sh("deactivated"))):
            continue
        # The constraint's own messages. (pyshacl adds the shape's sh:message and shows
        # whichever sorts first; the shapes are written so that both give the same.)
        own = tuple(g.objects(constraint, _sh("message"))) or messages
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
        has = f"{values} FILTER(sameTerm(?v, {_constant(parameter)}))"
        return [f"SELECT ?this WHERE {{ {every} FILTER NOT EXISTS {{ {has} }} }}"]
    if name == "disjoint":
        other = _constant(parameter)
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
        if not _is_true(parameter):
            return []
        repeated = (
            f'SELECT DISTINCT ?this WHERE {{ ?this {path} ?v . FILTER(LANG(?v) != "") }} '
            "GROUP BY ?this (LCASE(LANG(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)"
        )
        return [f"SELECT ?this WHERE {{ {{ {repeated} }} FILTER EXISTS {{ {targets} }} }}"]
    if name == "qualifiedValueShape":
        if _is_true(g.value(shape, _sh("qualifiedValueShapesDisjoint"))):
            raise UnsupportedShape(f"{node_text(shape)}: sh:qualifiedValueShapesDisjoint")
        least, most = (g.value(shape, _sh(f"qualified{m}Count")) for m in ("Min", "Max"))
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
    if least == 1 and not where and _ONE_STEP.fullmatch(path):
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
        instances = f"{v} {_TYPE_PATH} {_constant(parameter)}"
        joins.append(f"OPTIONAL {{ SELECT DISTINCT {v} (true AS {ok}) WHERE {{ {instances} }} }}")
        return f"BOUND({ok})"
    if name == "datatype":
        if parameter == _RDF_LANG_STRING:
            return f'COALESCE(isLiteral({v}) && LANG({v}) != "", false)'
        if parameter == _RDFS_LITERAL:
            return f"isLiteral({v})"
        test = f"isLiteral({v}) && DATATYPE({v}) = {_constant(parameter)}"
        if parameter in _CASTABLE:  # and well-formed: "1.5"^^xsd:integer is no integer
            test += f" && isLiteral({_constant(parameter)}({v}))"
        return f"COALESCE({test}, false)"
    if name == "nodeKind":
        return _NODE_KINDS[str(parameter)[len(SH) :]].format(v=v)
    if name == "in":
        options = [f"sameTerm({v}, {_constant(o)})" for o in Collection(g, parameter)]
        return "(" + " || ".join(options) + ")" if options else "false"
    if name == "pattern":
        flags = g.value(shape, _sh("flags"))
        args = Literal(str(parameter)).n3()
        if flags is not None:
            args += ", " + Literal(str(flags)).n3()
        return f"COALESCE(!isBlank({v}) && REGEX(STR({v}), {args}), false)"
    if name in _COMPARISONS:
        return f"COALESCE({v} {_COMPARISONS[name]} {_constant(parameter)}, false)"
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
        if not str(component).startswith(SH) or component in _NOT_COMPONENTS:
            continue
        if component == _sh("hasValue"):
            test = f"sameTerm({v}, {_constant(parameter)})"
        else:
            test = _value_test(g, shape, component, parameter, v, joins)
        if test is None:
            where = f"{node_text(shape)}: {node_text(component)}"
            raise UnsupportedShape(f"{where} in a nested shape")
        tests.append(test)
    return "(" + " && ".join(tests) + ")" if tests else "true"


def _targets(g: Graph, shape) -> str:
    """A graph pattern that binds ``?this`` to the focus nodes of ``shape`` (some repeatedly)."""
    if (shape, RDF.type, _RDFS_CLASS) in g:
        raise UnsupportedShape(f"{node_text(shape)}: implicit class targets")
    forms = {
        "targetClass": f"?this {_TYPE_PATH} {{}} .",
        "targetNode": "VALUES ?this {{ {} }}",
        "targetSubjectsOf": "?this {} ?target .",
        "targetObjectsOf": "?target {} ?this .",
    }
    branches = [
        form.format(_constant(o))
        for name, form in forms.items()
        for o in g.objects(shape, _sh(name))
    ]
    return " UNION ".join(f"{{ {b} }}" for b in sorted(branches))


def _sparql_constraint_query(g: Graph, constraint, targets: str) -> str:
    """The constraint's SELECT with the focus nodes joined in first, as SHACL pre-binds ``$this``.

    The query runs as it is written: Oxigraph plans a FILTER NOT EXISTS around
    several patterns without the outer bindings, which makes it quadratic;
    OPTIONAL { … } FILTER(!BOUND(…)) says the same and runs in one pass.
    """
    select = g.value(constraint, _sh("select"))
    if select is None:
        raise UnsupportedShape(f"{node_text(constraint)}: no sh:select")
    text = str(select)
    for variable in ("$PATH", "$currentShape", "$shapesGraph"):
        if variable in text:
            raise UnsupportedShape(f"{node_text(constraint)}: {variable} in sh:select")
    prologue = ""
    for prefixes in g.objects(constraint, _sh("prefixes")):
        for declaration in g.objects(prefixes, _sh("declare")):
            prefix = g.value(declaration, _sh("prefix"))
            namespace = g.value(declaration, _sh("namespace"))
            prologue += f"PREFIX {prefix}: <{namespace}>\n"
    while match := _PROLOGUE.match(text):  # the query's own PREFIX and BASE lines
        prologue += match.group(0).strip() + "\n"
        text = text[match.end() :]
    where = re.search(r"(?i)\bWHERE\s*\{", text) or re.search(r"\{", text)
    if where is None:
        raise UnsupportedShape(f"{node_text(constraint)}: no WHERE clause in sh:select")
    every = f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}"
    text = f"{text[: where.end()]} {every} {text[where.end() :]}"
    return f"{prologue}SELECT ?this ?value ?path WHERE {{ {{ {text} }} }}"


def _sparql_path(g: Graph, path) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return path.n3()
    if g.value(path, RDF.first) is not None:
        return "(" + "/".join(_sparql_path(g, p) for p in Collection(g, path)) + ")"
    alternatives = g.value(path, _sh("alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(_sparql_path(g, p) for p in Collection(g, alternatives)) + ")"
    for name, operator in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        inner = g.value(path, _sh(name))
        if inner is not None:
            return f"({_sparql_path(g, inner)}{operator})"
    inner = g.value(path, _sh("inversePath"))
    if inner is not None:
        return f"(^{_sparql_path(g, inner)})"
    raise UnsupportedShape(f"not a SHACL path: {node_text(path)}")


def _constant(term) -> str:
    if isinstance(term, BNode):
        raise UnsupportedShape(f"a blank node as a constraint parameter: {node_text(term)}")
    return term.n3()


def _is_true(term) -> bool:
    return isinstance(term, Literal) and term.value is True
