"""A remote SPARQL 1.1 Protocol server as the graph: Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever.

:func:`open_remote` gives an rdflib :class:`~rdflib.Graph` on rdflib's
:class:`~rdflib.plugins.stores.sparqlstore.SPARQLUpdateStore`, so every function
that reads a graph through ``graph.query`` works unchanged; each query is one
HTTP request (a POSTed form, which every server accepts and which has no URL
length limit). Three parts are ours:

- The transport (:mod:`kg.rdf.transport`): rdflib's connector sends no timeout, hides HTTP
  errors and follows redirects anywhere. Here each answer has a deadline (``store.deadline``)
  and a size cap (``store.max_bytes``), enforced as it streams (defaults: 120 s, 256 MB;
  ``KG_REMOTE_DEADLINE`` and ``KG_REMOTE_MAX_MB`` change them); a query follows a redirect only
  to the same scheme, host and port unless ``allow_redirects``, an update follows none. Failures
  are :class:`~kg.errors.StoreError` (:class:`~kg.errors.QueryError` when the server rejects a
  query) naming the endpoint.
- The answers: pyoxigraph parses them as they arrive, and terms become rdflib terms exactly as
  on the embedded store (:func:`kg.rdf.graph.select` skips that for large answers). An answer
  must have the shape the query asks for (a boolean for ASK, the query's variables for a
  SELECT): a proxy's page or a broken server is an error naming the URL, never rows that the
  code reading them cannot unpack.
- Loads (:func:`~kg.ingest.load.load_remote`, :mod:`kg.rdf.remote_load`): one update request,
  then what the server holds is read back.

All data is in the server's default graph, as in the embedded store.

Blank nodes come back from a query with labels that mean nothing to the next
query: rdflib refuses ``graph.triples((bnode, …))`` on a SPARQL store, so code
that must follow blank nodes reads them in the same query.

>>> g = open_remote("http://127.0.0.1:9/query", timeout=5)   # nothing listens there
>>> from kg.rdf.graph import count_triples
>>> count_triples(g)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.StoreError: http://127.0.0.1:9/query: cannot reach the SPARQL server: ...
"""

from __future__ import annotations

import functools
import re

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.rdf.local import wrap
from kg.rdf.transport import MAX_BYTES, answer_limits, post
from kg.vocab.namespaces import PREFIXES

DEFAULT_TIMEOUT = 60.0
"""Seconds to wait for a server to accept a connection or send the next bytes of an answer."""

LOAD_TIMEOUT = 600.0
"""Seconds to wait for the answer to a load: the server answers only when it has committed."""

_PROLOGUE_MARK = "# prefixes predeclared by cluster-kg\n"


# SELECT/ASK results as JSON (every server writes it; pyoxigraph reads it as it streams),
# CONSTRUCT/DESCRIBE as N-Triples.
_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
    "application/sparql-results+xml;q=0.5, application/rdf+xml;q=0.4"
)
_ACCEPT_RESULTS = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
_FORM = "application/x-www-form-urlencoded"


def check_url(url: str, option: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(f"{option} {url!r}: expected an http:// or https:// URL of a SPARQL endpoint")
    return url


def _term(term):
    """An rdflib term for a pyoxigraph one, exactly as oxrdflib makes it for the embedded store."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _not_results(answer, error) -> StoreError:
    if answer.failure is not None:  # the deadline or the cap, whatever the parser made of it
        return answer.failure
    return StoreError(
        f"{answer.url}: the answer is not SPARQL results (Content-Type {answer.content_type or 'missing'}): "
        f"{error}; is this the server's query endpoint?"
    )


_TOKENS = re.compile(
    r'\s+|#[^\n]*|<[^<>"{}|^`\\\s]*>'  # space, comment, IRI
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''  # long strings
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''  # strings
    r'|[?$]\w+|[A-Za-z_][\w.-]*:?[\w.:-]*|.', re.DOTALL)


def _shape(query: str) -> tuple[str, tuple[str, ...] | None] | None:
    """What the answer to ``query`` must be: its form ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    and, for a SELECT that names them, its variables in order; None where unsure (the server
    judges the query). A tokenizer, not rdflib's parser: that one leaves reference cycles
    holding the caller's frames, and with them the pyoxigraph objects of the answer.

    >>> _shape('PREFIX x: <http://e/> SELECT DISTINCT ?a (CONCAT("?b)", ?c) AS ?n) WHERE { ?a ?b ?c }')
    ('SELECT', ('a', 'n'))
    >>> _shape("ASK {}"), _shape("SELECT * {}"), _shape("SELECT (1 + 2) {}")
    (('ASK', None), ('SELECT', None), None)
    """
    if "\\u" in query or "\\U" in query:  # escapes are read before the grammar: leave it to the server
        return None
    tokens = [t for t in _TOKENS.findall(query) if not t.isspace() and not t.startswith("#")]
    i = 0
    while i < len(tokens) and tokens[i].upper() in ("PREFIX", "BASE"):
        i += 3 if tokens[i].upper() == "PREFIX" else 2
    form = tokens[i].upper() if i < len(tokens) else ""
    if form != "SELECT":
        return (form, None) if form in ("ASK", "CONSTRUCT", "DESCRIBE") else None
    i += 2 if i + 1 < len(tokens) and tokens[i + 1].upper() in ("DISTINCT", "REDUCED") else 1
    names, depth = [], 0
    for j in range(i, len(tokens) - 1):
        token = tokens[j]
        if token in "()":
            depth += 1 if token == "(" else -1
        elif depth == 0 and token[0] in "?$":
            names.append(token[1:])
        elif depth == 1 and token.upper() == "AS" and tokens[j + 1][0] in "?$":
            names.append(tokens[j + 1][1:])
        elif depth == 0 and token == "*" and not names:
            return "SELECT", None
        elif depth == 0:
            return ("SELECT", tuple(names)) if names and token.upper() in ("WHERE", "FROM", "{") else None
    return None


def _solutions(answer, expected: tuple[str, ...] | None, form: str | None = "SELECT"):
    """The parsed SELECT or ASK answer; an error naming the URL if it is neither or not the
    shape of the query (its ``form`` and ``expected`` variables)."""
    fmt = ox.QueryResultsFormat.from_media_type(answer.content_type) if answer.content_type else None
    try:
        if fmt is None:
            raise ValueError("not a SPARQL results format")
        parsed = ox.parse_query_results(answer, fmt)
    except (SyntaxError, ValueError, OSError) as e:
        answer.close()
        raise _not_results(answer, e) from None
    got = "ASK" if isinstance(parsed, ox.QueryBoolean) else "SELECT"
    variables = [v.value for v in parsed.variables] if got == "SELECT" else []
    error = None
    if form is not None and got != form:
        error = _wrong(answer, "a boolean" if got == "ASK" else "rows", form)
    elif got == "SELECT" and expected is not None and sorted(variables) != sorted(expected):
        error = StoreError(f"{answer.url}: the answer's variables ({_vars(variables)}) are not those of the "
                           f"query ({_vars(expected)}); is this the server's query endpoint?")
    if error is not None:
        parsed = None  # pyoxigraph objects must not outlive the error in its frames (see _stream)
        answer.close()
        raise error
    return parsed


def _wrong(answer, what: str, form: str) -> StoreError:
    return StoreError(f"{answer.url}: the answer is {what}, not the answer to {'an' if form == 'ASK' else 'a'} "
                      f"{form}; is this the server's query endpoint?")


def _vars(names) -> str:
    return " ".join(f"?{n}" for n in names) or "none"


def _result(answer, query: str):
    """An rdflib Result for an HTTP answer; SELECT rows are parsed by pyoxigraph as they arrive."""
    from rdflib import Graph, Variable
    from rdflib.query import Result

    form, expected = _shape(query) or (None, None)
    if ox.QueryResultsFormat.from_media_type(answer.content_type or "x/none") is not None:
        if form in ("CONSTRUCT", "DESCRIBE"):
            answer.close()
            raise _wrong(answer, "SPARQL results", form)
        parsed = _solutions(answer, expected, form)
        if isinstance(parsed, ox.QueryBoolean):
            answer.close()
            out = Result("ASK")
            out.askAnswer = bool(parsed)
            return out
        out = Result("SELECT")
        out.vars = [Variable(v) for v in (expected or [v.value for v in parsed.variables])]
        out.bindings = ({Variable(v.value): _term(t) for v, t in zip(parsed.variables, row) if t is not None}
                        for row in _stream(parsed, answer))
        return out
    rdf_format = ox.RdfFormat.from_media_type(answer.content_type) if answer.content_type else None
    if rdf_format is not None and form in ("SELECT", "ASK"):
        answer.close()
        raise _wrong(answer, f"RDF ({answer.content_type})", form)
    try:
        if rdf_format is not None:  # CONSTRUCT, DESCRIBE
            out = Result("CONSTRUCT")
            out.graph = Graph()
            with answer:
                for t in ox.parse(answer, rdf_format):
                    out.graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
            return out
        from io import BytesIO

        return Result.parse(BytesIO(answer.read_all()), content_type=answer.content_type)  # rdflib reads it
    except StoreError:
        raise
    except Exception as e:  # noqa: BLE001 - an HTML page, a proxy's error, a format nobody reads
        raise _not_results(answer, e) from None


def _stream(solutions, answer):
    """pyoxigraph solutions, read from the connection while the caller iterates.

    On an error the solutions are dropped before it is raised: pyoxigraph's objects may only
    be freed in the thread that made them, and a frame kept by a traceback could otherwise
    be collected later in another thread (the transport's watchdog)."""
    try:
        with answer:
            yield from solutions
    except (SyntaxError, OSError, ValueError) as e:
        solutions = None
        raise answer.failure or StoreError(
            f"{answer.url}: the answer broke off or is not valid SPARQL results: {e}") from None
    except BaseException:
        solutions = None
        raise


@functools.cache
def _store_class():
    """The store class, built on first use so that importing this module stays light."""
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    class RemoteStore(SPARQLUpdateStore):
        """rdflib's SPARQL store with our transport: limits, and errors that name the endpoint.

        ``timeout`` bounds each wait for the server, ``deadline`` (seconds) and ``max_bytes``
        each whole answer; a caller may change them between queries. ``allow_redirects``
        lets a query follow a redirect to another host.
        """

        def __init__(self, query_endpoint: str, update_endpoint: str | None, timeout: float,
                     deadline: float, max_bytes: int, allow_redirects: bool = False):
            # context_aware=False: a Graph's identifier is never sent as default-graph-uri,
            # so queries read the server's default graph, where the data is.
            super().__init__(query_endpoint, update_endpoint, context_aware=False)
            self.timeout, self.deadline, self.max_bytes = timeout, deadline, max_bytes
            self.allow_redirects = allow_redirects

        def _inject_prefixes(self, query: str, extra_bindings) -> str:
            # rdflib puts the store's and the caller's bindings in one set, so a prefix bound
            # to a URIRef and to a str is declared twice; declare each prefix once, all on
            # one line that says where it comes from.
            bindings = {**{k: str(v) for k, v in self.nsBindings.items()},
                        **{k: str(v) for k, v in (extra_bindings or {}).items()}}
            if not bindings:
                return query
            return "".join(f"PREFIX {k}: <{v}> " for k, v in sorted(bindings.items())) + _PROLOGUE_MARK + query

        def _send(self, query: str, accept: str = _ACCEPT):
            from urllib.parse import urlencode

            self._queries += 1
            try:
                return post(self.query_endpoint, urlencode({"query": query}).encode("utf-8"), _FORM, accept,
                            timeout=self.timeout, deadline=self.deadline, max_bytes=self.max_bytes,
                            redirects="any" if self.allow_redirects else "same")
            except QueryError as e:
                if query.split("\n", 1)[0].endswith(_PROLOGUE_MARK.strip()):
                    raise QueryError(f"{e} (line 1 of what was sent holds the predeclared prefixes)") from None
                raise

        def _query(self, query: str, default_graph=None, named_graph=None):
            return _result(self._send(query), query)

        def select_ox(self, query: str, variables: tuple[str, ...] | None = None):
            """The rows of a SELECT as lists of pyoxigraph terms in the query's order of
            variables (``variables``, or read from the query), streamed; used by
            :func:`kg.rdf.graph.select`."""
            if variables is None:
                shape = _shape(query)
                variables = shape[1] if shape is not None and shape[0] == "SELECT" else None
            answer = self._send(query, _ACCEPT_RESULTS)
            parsed = _solutions(answer, variables)
            rows = _stream(parsed, answer)
            if variables is None or [v.value for v in parsed.variables] == list(variables):
                return rows
            return ([row[v] for v in variables] for row in rows)  # the server's order was another

        def _update(self, update: str) -> None:
            if not self.update_endpoint:
                raise StoreError("no update endpoint: give --update-endpoint URL to write to a SPARQL server")
            self._updates += 1
            send_update(self.update_endpoint, update, timeout=self.timeout, deadline=self.deadline)

    return RemoteStore


def send_update(update_endpoint: str, update: str, *, timeout: float = DEFAULT_TIMEOUT,
                deadline: float | None = None) -> int:
    """POST one SPARQL Update request; the HTTP status of the server's 2xx answer.

    No redirect is followed (:mod:`kg.rdf.transport`); ``deadline`` (default ``timeout``)
    bounds the whole exchange. :class:`StoreError` (or :class:`QueryError` if the server
    rejects the update) naming the URL.
    """
    answer = post(update_endpoint, update.encode("utf-8"), "application/sparql-update; charset=UTF-8", "*/*",
                  timeout=timeout, deadline=timeout if deadline is None else deadline, max_bytes=MAX_BYTES,
                  what="update", redirects="none")
    answer.read_all()
    return answer.status


def open_remote(endpoint: str, update_endpoint: str | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                deadline: float | None = None, max_bytes: int | None = None,
                allow_redirects: bool = False) -> rdflib.Graph:  # noqa: F821
    """An rdflib Graph whose queries go to the SPARQL query URL ``endpoint``.

    Nothing is sent until the first query. ``update_endpoint`` (the SPARQL Update
    URL) is only needed to write through ``graph.update`` or ``graph.add``;
    :func:`~kg.ingest.load.load_remote` is the way to load files. ``deadline`` and
    ``max_bytes`` default to :func:`answer_limits`; they are ``graph.store.deadline`` and
    ``graph.store.max_bytes`` from then on.

    >>> g = open_remote("http://127.0.0.1:7878/query", deadline=30)
    >>> g.store.query_endpoint, g.store.deadline
    ('http://127.0.0.1:7878/query', 30)
    >>> open_remote("localhost:7878")
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: --endpoint 'localhost:7878': expected an http:// or https:// URL of a SPARQL endpoint
    """
    from rdflib import Graph

    check_url(endpoint, "--endpoint")
    if update_endpoint is not None:
        check_url(update_endpoint, "--update-endpoint")
    default_deadline, default_max = answer_limits()
    store = _store_class()(endpoint, update_endpoint, timeout, default_deadline if deadline is None else deadline,
                           default_max if max_bytes is None else max_bytes, allow_redirects)
    graph = Graph(store=store, bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph


def is_remote(graph) -> bool:
    """Whether ``graph`` is one that :func:`open_remote` made."""
    return callable(getattr(getattr(graph, "store", None), "select_ox", None))


def local_copy(graph) -> rdflib.Graph:  # noqa: F821
    """The whole graph of a remote server, read with ONE ``CONSTRUCT`` into an in-memory Oxigraph graph.

    For what needs to walk the graph triple by triple, which a SPARQL store cannot
    do well (one request per pattern, no blank nodes): SHACL validation. Blank
    nodes keep their identity because they come in one answer.
    """
    answer = graph.store._send("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples, text/turtle;q=0.8")
    fmt = ox.RdfFormat.from_media_type(answer.content_type or "application/n-triples")
    if fmt is None:
        answer.close()
        raise StoreError(f"{answer.url}: the answer to CONSTRUCT is not RDF (Content-Type {answer.content_type})")
    copy = ox.Store()
    try:
        with answer:
            copy.load(answer, format=fmt)
    except (SyntaxError, ValueError, OSError) as e:
        raise answer.failure or StoreError(f"{answer.url}: cannot read the answer to CONSTRUCT: {e}") from None
    return wrap(copy)
