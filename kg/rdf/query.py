"""SPARQL for users: safety checks, running, and the canned queries in ``kg/rdf/queries/*.rq``.

User queries never fetch anything: ``SERVICE``, ``LOAD``, ``FROM`` / ``FROM NAMED``
and every update form are refused on the parsed query (rdflib's SPARQL parser), before it
reaches an engine; ``--param`` names must be variables of the query, and the text that runs,
bindings included, is the text that was checked.

>>> check_query("SELECT * WHERE { ?s ?p ?o }")
>>> check_query("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
Traceback (most recent call last):
...
kg.errors.QueryRefused: FROM is not allowed: queries run on the loaded graph only and never read other files or URLs
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from itertools import islice
from pathlib import Path

from kg.errors import KGError, QueryError, QueryRefused
from kg.rdf.local import oxigraph_store
from kg.rdf.remote import is_remote
from kg.rdf.sandbox import Limits, run_isolated
from kg.rdf.values import decode_term, plain, plain_value
from kg.vocab.namespaces import PREFIXES

_REFUSED = {
    "SERVICE": "SERVICE is not allowed: queries never call remote endpoints",
    "LOAD": "LOAD is not allowed: queries never read other files or URLs",
    "FROM": "FROM is not allowed: queries run on the loaded graph only and never read other files or URLs",
}

_UPDATES = {"InsertData": "INSERT", "DeleteData": "DELETE", "DeleteWhere": "DELETE", "Modify": "INSERT/DELETE",
            "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Copy": "COPY", "Move": "MOVE", "Add": "ADD"}
"""rdflib's names of the update operations -> the keyword an error names."""

VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""What ``--param NAME=VALUE`` accepts as NAME (a SPARQL variable name without ``?``)."""


def _nodes(tree):
    """Every rdflib ``CompValue`` of a parse tree, depth first."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, CompValue):
            yield x
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)) or type(x).__name__ == "ParseResults":
            stack.extend(x)


def parse_query(text: str):
    """The parse tree of a read-only query that fetches nothing, else :class:`QueryRefused`
    (SERVICE, FROM / FROM NAMED, LOAD, any update) or :class:`QueryError` (not a query).

    The check runs on the query as rdflib's SPARQL parser reads it (escapes, comments,
    prefixed names and case resolved), never on its text; a query that parser does not
    accept is refused, whatever another engine would make of it.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseException as e:
        try:
            update = parseUpdate(text)
        except ParseException:
            raise QueryError(f"the query does not parse (SELECT, ASK, CONSTRUCT or DESCRIBE expected): "
                             f"{' '.join(str(e).split())}") from None
        names = [n.name for n in _nodes(update)]
        if "Load" in names:
            raise QueryRefused(_REFUSED["LOAD"]) from None
        word = next((_UPDATES[n] for n in names if n in _UPDATES), "update")
        raise QueryRefused(f"updates ({word}) are not allowed here: kg query only reads; use kg load to add data") \
            from None
    for node in _nodes(tree):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(_REFUSED["SERVICE"])
        if node.name == "DatasetClause" or "datasetClause" in node:
            raise QueryRefused(_REFUSED["FROM"])
    return tree


def check_query(text: str) -> None:
    """Raise :class:`QueryRefused` if ``text`` could fetch data or change the graph
    (:func:`parse_query`).

    >>> check_query('SELECT ?x WHERE { ?x rdfs:label "LOAD FROM SERVICE" }  # FROM in a comment')
    >>> check_query("INSERT DATA { <a:b> <a:c> <a:d> }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryRefused: updates (INSERT) are not allowed here: kg query only reads; use kg load to add data
    >>> check_query("SELECT * WHERE { SERV\\u0049CE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryRefused: SERVICE is not allowed: queries never call remote endpoints
    """
    parse_query(text)


def query_variables(tree) -> set[str]:
    """The names of the variables a parsed query mentions (without ``?``)."""
    from rdflib.term import Variable

    found: set[str] = set()
    stack = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, Variable):
            found.add(str(x))
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)) or type(x).__name__ == "ParseResults":
            stack.extend(x)
    return found


def check_bindings(text: str, bindings: dict) -> None:
    """Refuse a ``--param`` name that is not a variable name, or not a variable of the query.

    >>> check_bindings("SELECT ?x WHERE { ?x ?p ?o }", {"o": 1})
    >>> check_bindings("SELECT ?x WHERE { ?x ?p ?o }", {"nosuch": 1})
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: --param nosuch: the query has no variable ?nosuch (its variables: ?o, ?p, ?x)
    """
    names = query_variables(parse_query(text))
    for var in bindings:
        if not VARIABLE_NAME.fullmatch(var):
            raise QueryError(f"--param {var!r}: not a variable name (letters, digits and _, without ?)")
        if var not in names:
            raise QueryError(f"--param {var}: the query has no variable ?{var} "
                             f"(its variables: {', '.join('?' + n for n in sorted(names)) or 'none'})")


@dataclass
class QueryResult:
    """Rows of a query: ``columns`` names, ``rows`` tuples of rdflib terms (or None)."""

    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    kind: str = "SELECT"


QUERY_KINDS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
               "DescribeQuery": "DESCRIBE"}
"""rdflib's names of the query forms -> the form."""


def query_kind(tree) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a parsed query (:func:`parse_query`).

    >>> query_kind(parse_query("CONSTRUCT WHERE { ?s ?p ?o }"))
    'CONSTRUCT'
    """
    return QUERY_KINDS[tree[-1].name]


def run_query(graph, text: str, *, limit: int | None = None, bindings: dict | None = None,
              limits: Limits = Limits(), values: bool = False) -> QueryResult:
    """Check and run a SPARQL query; CONSTRUCT/DESCRIBE give rows (subject, predicate, object).

    On the Oxigraph store of :func:`kg.rdf.graph.open_graph` (memory or a store folder) the
    query runs in a child process within ``limits`` (:mod:`kg.rdf.sandbox`: a deadline that
    kills it, a cap on rows and memory, no network); on a remote endpoint the deadline bounds
    the answer (:mod:`kg.rdf.remote`). ``limit`` keeps the first rows without error; without it
    an answer longer than ``limits.max_rows`` raises :class:`~kg.errors.QueryStopped`. Rows
    hold rdflib terms, or with ``values`` the values to show (:func:`plain`), made straight
    from the engine's terms when it can (5x faster than through rdflib).

    >>> from kg.rdf.graph import open_graph
    >>> r = run_query(open_graph(), "SELECT (COUNT(*) AS ?n) WHERE { ?a a ckg:Article }")
    >>> r.columns, int(r.rows[0][0])
    (['n'], 5)
    """
    if bindings:  # names checked on the parsed query; the text that runs is checked again
        check_bindings(text, bindings)
        text = bind_values(text, bindings)
    kind = query_kind(parse_query(text))
    inner = oxigraph_store(graph)
    if inner is not None:
        prefixes = {name: str(iri) for name, iri in PREFIXES.items()}
        answer = run_isolated(inner, text, kind=kind, prefixes=prefixes, limit=limit, limits=limits)
        if kind == "ASK":
            return QueryResult(["answer"], [(bool(answer.rows[0][0]),)], "ASK")
        convert = plain_value if values else decode_term
        return QueryResult(answer.columns, [tuple(map(convert, row)) for row in answer.rows], kind)
    if is_remote(graph):
        graph.store.deadline = limits.timeout
    try:
        result = graph.query(text, initNs=PREFIXES)
        if result.type == "ASK":
            return QueryResult(["answer"], [(bool(result.askAnswer),)], "ASK")
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            columns, rows_in = ["subject", "predicate", "object"], iter(result.graph)
        else:
            columns, rows_in = [str(v) for v in result.vars], (tuple(row) for row in result)
        answer = QueryResult(columns, list(islice(rows_in, limits.stop_at(limit))), result.type)
    except KGError:
        raise
    except SyntaxError as e:
        raise QueryError(f"the query does not parse: {e}") from None
    except Exception as e:  # the engines raise many kinds of errors for bad queries
        raise QueryError(f"the query failed: {e}") from None
    limits.check_rows(len(answer.rows), limit)
    if values:
        answer.rows = [tuple(map(plain, row)) for row in answer.rows]
    return answer


def param_term(value: str, iri: str | None, var: str = "param"):
    """The term a ``--param`` value binds: the IRI it names, else the text as a literal. An
    IRI that is not valid is refused (:class:`QueryError`).

    >>> param_term("Weiqiao", "https://w3id.org/cluster-kg/id/weiqiao-group").n3()
    '<https://w3id.org/cluster-kg/id/weiqiao-group>'
    >>> param_term("2025", None).n3()
    '"2025"'
    >>> param_term("http://x>{}", "http://x>{}", "firm")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: --param firm: 'http://x>{}' is not a valid IRI (no spaces, <, >, {, }, | or quotes)
    """
    import pyoxigraph as ox
    from rdflib import Literal, URIRef  # only when a query binds a variable

    if iri is None:
        return Literal(value)
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise QueryError(f"--param {var}: {value!r} is not a valid IRI (no spaces, <, >, {{, }}, | or quotes)") \
            from None
    return URIRef(iri)


def bind_values(text: str, bindings: dict) -> str:
    """Fix variables by a ``VALUES`` block at the start of the outer ``WHERE``.

    This works the same on every engine (Oxigraph's own substitution only binds
    projected variables).

    >>> from rdflib import URIRef
    >>> bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"o": URIRef("http://e/a")})
    'SELECT ?x WHERE { VALUES ?o { <http://e/a> } ?x ?p ?o }'
    """
    m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE) or re.search(r"\{", text)
    if m is None:
        raise QueryError("cannot bind parameters: the query has no WHERE block")
    values = "".join(f"VALUES ?{var} {{ {term.n3()} }} " for var, term in bindings.items())
    return text[: m.end()] + " " + values + text[m.end() :].lstrip()


@dataclass(frozen=True)
class CannedQuery:
    """A query shipped in ``kg/rdf/queries``: its name, description, parameters and text."""

    name: str
    description: str
    params: tuple[str, ...]
    text: str


def canned_queries() -> list[CannedQuery]:
    """Every canned query, sorted by name.

    A file's leading ``#`` lines describe it: ``# description: …`` and, for each
    variable that may be bound from the command line, ``# param: NAME …``.

    >>> len(canned_queries()) >= 10
    True
    """
    out = []
    folder = resources.files("kg.rdf") / "queries"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        description, params = "", []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            body = line.lstrip("#").strip()
            if body.lower().startswith("description:"):
                description = body.split(":", 1)[1].strip()
            elif body.lower().startswith("param:"):
                params.append(body.split(":", 1)[1].split()[0])
        out.append(CannedQuery(Path(entry.name).stem, description, tuple(params), text))
    return out


def canned_query(name: str) -> CannedQuery:
    """The canned query called ``name``, or :class:`QueryError` listing the names."""
    queries = {q.name: q for q in canned_queries()}
    if name not in queries:
        raise QueryError(f"no canned query {name!r}; `kg queries` lists them: {', '.join(queries)}")
    return queries[name]
