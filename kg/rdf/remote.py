"""A remote SPARQL 1.1 Protocol server as the graph: Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever.

:func:`open_remote` gives an rdflib :class:`~rdflib.Graph` on rdflib's
:class:`~rdflib.plugins.stores.sparqlstore.SPARQLUpdateStore`, so every function
that reads a graph through ``graph.query`` works unchanged; each query is one
HTTP request (a POSTed form, which every server accepts and which has no URL
length limit). Two parts are ours. The transport: rdflib's connector sends no
timeout and hides HTTP errors, so requests go through :func:`_post`, which has a
timeout and turns connection errors, HTTP errors and timeouts into
:class:`~kg.errors.StoreError` (or :class:`~kg.errors.QueryError` when the
server rejects a query) naming the endpoint. The answers: pyoxigraph parses
them as they arrive, and terms become rdflib terms exactly as on the embedded
store; :func:`kg.rdf.graph.select` skips that conversion for large answers.

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
import socket
from io import BytesIO

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.rdf.local import wrap
from kg.vocab.namespaces import PREFIXES

DEFAULT_TIMEOUT = 60.0
"""Seconds to wait for a server to accept a connection or send the next bytes of an answer."""


LOAD_TIMEOUT = 600.0
"""Seconds to wait for the answer to a load: the server answers only when it has committed."""


ONTOLOGY_IRI = "https://w3id.org/cluster-kg/ontology"


_PROLOGUE_MARK = "# prefixes predeclared by cluster-kg\n"


# SELECT/ASK results as JSON (every server writes it; pyoxigraph reads it as it streams),
# CONSTRUCT/DESCRIBE as N-Triples.
_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
    "application/sparql-results+xml;q=0.5, application/rdf+xml;q=0.4"
)


def check_url(url: str, option: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(f"{option} {url!r}: expected an http:// or https:// URL of a SPARQL endpoint")
    return url


def _post(url: str, body: bytes, content_type: str, accept: str, timeout: float, what: str = "query"):
    """POST ``body`` to ``url``; the open response, or :class:`StoreError` naming ``url``.

    An HTTP 400 answer raises :class:`QueryError` with the server's message (a query
    or update, ``what``, that the server does not accept).
    """
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    request = Request(url, data=body, headers={"Content-Type": content_type, "Accept": accept})
    try:
        return urlopen(request, timeout=timeout)
    except HTTPError as e:
        detail = _server_message(e)
        if e.code == 400:
            raise QueryError(f"{url} rejected the {what}: {detail}") from None
        raise StoreError(f"{url}: the SPARQL server answered HTTP {e.code} {e.reason}: {detail}") from None
    except TimeoutError:
        raise StoreError(f"{url}: no answer from the SPARQL server within {timeout:g} s") from None
    except URLError as e:
        reason = e.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise StoreError(f"{url}: no answer from the SPARQL server within {timeout:g} s") from None
        raise StoreError(f"{url}: cannot reach the SPARQL server: {reason}") from None
    except (OSError, ValueError) as e:  # connection reset, bad URL
        raise StoreError(f"{url}: cannot reach the SPARQL server: {e}") from None


def _server_message(e) -> str:
    try:
        text = e.read(2000).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the status line is enough
        text = ""
    text = " ".join(text.split())
    return (text[:300] + "…" if len(text) > 300 else text) or "(no message)"


def _read(response, url: str, timeout: float) -> bytes:

    try:
        with response:
            return response.read()
    except TimeoutError:
        raise StoreError(f"{url}: no answer from the SPARQL server within {timeout:g} s") from None
    except OSError as e:
        raise StoreError(f"{url}: the connection broke while reading the answer: {e}") from None


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


def _not_results(url: str, content_type: str, error) -> StoreError:
    return StoreError(
        f"{url}: the answer is not SPARQL results (Content-Type {content_type or 'missing'}): {error}; "
        "is this the server's query endpoint?"
    )


def _result(response, url: str, timeout: float):
    """An rdflib Result for an HTTP answer; SELECT rows are parsed by pyoxigraph as they arrive."""
    from rdflib import Graph, Variable
    from rdflib.query import Result

    content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
    results_format = ox.QueryResultsFormat.from_media_type(content_type) if content_type else None
    if results_format is not None:
        try:
            parsed = ox.parse_query_results(response, results_format)
        except (SyntaxError, ValueError, OSError) as e:
            response.close()
            raise _not_results(url, content_type, e) from None
        if isinstance(parsed, ox.QueryBoolean):
            response.close()
            out = Result("ASK")
            out.askAnswer = bool(parsed)
            return out
        out = Result("SELECT")
        out.vars = [Variable(v.value) for v in parsed.variables]
        out.bindings = ({v: _term(t) for v, t in zip(out.vars, row) if t is not None}
                        for row in _stream(parsed, response, url, timeout))
        return out
    body = _read(response, url, timeout)
    rdf_format = ox.RdfFormat.from_media_type(content_type) if content_type else None
    try:
        if rdf_format is not None:  # CONSTRUCT, DESCRIBE
            out = Result("CONSTRUCT")
            out.graph = Graph()
            for t in ox.parse(body, rdf_format):
                out.graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
            return out
        return Result.parse(BytesIO(body), content_type=content_type)  # what rdflib reads, pyoxigraph not
    except Exception as e:  # noqa: BLE001 - an HTML page, a proxy's error, a format nobody reads
        raise _not_results(url, content_type, e) from None


def _stream(solutions, response, url: str, timeout: float):
    """pyoxigraph solutions, read from the connection while the caller iterates."""

    try:
        with response:
            yield from solutions
    except TimeoutError:
        raise StoreError(f"{url}: no answer from the SPARQL server within {timeout:g} s") from None
    except (SyntaxError, OSError) as e:
        raise StoreError(f"{url}: the answer broke off or is not valid SPARQL results: {e}") from None


@functools.cache
def _store_class():
    """The store class, built on first use so that importing this module stays light."""
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    class RemoteStore(SPARQLUpdateStore):
        """rdflib's SPARQL store with our transport: a timeout and errors that name the endpoint."""

        def __init__(self, query_endpoint: str, update_endpoint: str | None, timeout: float):
            # context_aware=False: a Graph's identifier is never sent as default-graph-uri,
            # so queries read the server's default graph, where the data is.
            super().__init__(query_endpoint, update_endpoint, context_aware=False)
            self.timeout = timeout

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
                return _post(self.query_endpoint, urlencode({"query": query}).encode("utf-8"),
                             "application/x-www-form-urlencoded", accept, self.timeout)
            except QueryError as e:
                if query.split("\n", 1)[0].endswith(_PROLOGUE_MARK.strip()):
                    raise QueryError(f"{e} (line 1 of what was sent holds the predeclared prefixes)") from None
                raise

        def _query(self, query: str, default_graph=None, named_graph=None):
            return _result(self._send(query), self.query_endpoint, self.timeout)

        def select_ox(self, query: str):
            """The rows of a SELECT as pyoxigraph terms, streamed (used by :func:`kg.rdf.graph.select`)."""
            url = self.query_endpoint
            response = self._send(query, "application/sparql-results+json, application/sparql-results+xml;q=0.5")
            content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
            results_format = ox.QueryResultsFormat.from_media_type(content_type) if content_type else None
            try:
                if results_format is None:
                    raise ValueError("not a SPARQL results format")
                parsed = ox.parse_query_results(response, results_format)
                if not isinstance(parsed, ox.QuerySolutions):
                    raise ValueError("not the answer to a SELECT")
            except (SyntaxError, ValueError, OSError) as e:
                response.close()
                raise _not_results(url, content_type, e) from None
            return _stream(parsed, response, url, self.timeout)

        def _update(self, update: str) -> None:
            if not self.update_endpoint:
                raise StoreError("no update endpoint: give --update-endpoint URL to write to a SPARQL server")
            self._updates += 1
            send_update(self.update_endpoint, update, timeout=self.timeout)

    return RemoteStore


def send_update(update_endpoint: str, update: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """POST one SPARQL Update request; :class:`StoreError` (or :class:`QueryError` if rejected) naming the URL."""
    response = _post(update_endpoint, update.encode("utf-8"),
                     "application/sparql-update; charset=UTF-8", "*/*", timeout, "update")
    _read(response, update_endpoint, timeout)


def open_remote(endpoint: str, update_endpoint: str | None = None, *,
                timeout: float = DEFAULT_TIMEOUT) -> rdflib.Graph:  # noqa: F821
    """An rdflib Graph whose queries go to the SPARQL query URL ``endpoint``.

    Nothing is sent until the first query. ``update_endpoint`` (the SPARQL Update
    URL) is only needed to write through ``graph.update`` or ``graph.add``;
    :func:`~kg.ingest.load.load_remote` is the way to load files.

    >>> g = open_remote("http://127.0.0.1:7878/query")
    >>> g.store.query_endpoint
    'http://127.0.0.1:7878/query'
    >>> open_remote("localhost:7878")
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: --endpoint 'localhost:7878': expected an http:// or https:// URL of a SPARQL endpoint
    """
    from rdflib import Graph

    check_url(endpoint, "--endpoint")
    if update_endpoint is not None:
        check_url(update_endpoint, "--update-endpoint")
    graph = Graph(store=_store_class()(endpoint, update_endpoint, timeout), bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph


def remote_has_ontology(graph) -> bool:
    """Whether the server behind ``graph`` already holds the ontology header."""
    return bool(graph.query(f"ASK {{ <{ONTOLOGY_IRI}> a <http://www.w3.org/2002/07/owl#Ontology> }}").askAnswer)


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
    """An update that adds ``triples`` (the ontology) only if the server lacks the ontology header.

    The check and the insert run in the server, in the same request as the data,
    so two loads at once cannot both add it.
    """
    body = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    return (
        f"INSERT {{\n{body}}}\nWHERE {{ FILTER NOT EXISTS "
        f"{{ <{ONTOLOGY_IRI}> a <http://www.w3.org/2002/07/owl#Ontology> }} }}"
    )


def is_remote(graph) -> bool:
    """Whether ``graph`` is one that :func:`open_remote` made."""
    return callable(getattr(getattr(graph, "store", None), "select_ox", None))


def local_copy(graph) -> rdflib.Graph:  # noqa: F821
    """The whole graph of a remote server, read with ONE ``CONSTRUCT`` into an in-memory Oxigraph graph.

    For what needs to walk the graph triple by triple, which a SPARQL store cannot
    do well (one request per pattern, no blank nodes): SHACL validation. Blank
    nodes keep their identity because they come in one answer.
    """
    store = graph.store
    url, timeout = store.query_endpoint, store.timeout
    from urllib.parse import urlencode

    response = _post(url, urlencode({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}).encode("utf-8"),
                     "application/x-www-form-urlencoded", "application/n-triples, text/turtle;q=0.8", timeout)
    media = (response.headers.get("Content-Type") or "application/n-triples").split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise StoreError(f"{url}: the answer to CONSTRUCT is not RDF (Content-Type {media})")
    copy = ox.Store()
    try:
        copy.load(_read(response, url, timeout), format=fmt)
    except (SyntaxError, ValueError) as e:
        raise StoreError(f"{url}: cannot read the answer to CONSTRUCT: {e}") from None
    return wrap(copy)
