"""Loopback HTTP servers that misbehave as a SPARQL endpoint can: redirects, answers that drip
or never end, answers of the wrong shape, updates answered 2xx and never stored.

Used by ``tests/rdf/test_remote_limits.py`` and ``tests/cli/test_remote_faults.py`` (import
with ``from fake_sparql import …``; ``tests`` is on pytest's ``pythonpath``). Every server binds
127.0.0.1 on a free port, serves from a daemon thread and stops when its ``with`` block ends;
a handler that streams stops when the client hangs up, when the server stops, or after
:data:`MAX_SECONDS`, whichever comes first.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

MAX_SECONDS = 30.0
"""No handler streams longer than this, whatever the client does."""

RESULTS_JSON = "application/sparql-results+json"


@dataclass
class Seen:
    """One request a fake server received."""

    method: str
    path: str
    content_type: str
    body: bytes

    @property
    def query(self) -> str:
        """The ``query`` of a form-encoded POST ("" if none)."""
        return parse_qs(self.body.decode("utf-8")).get("query", [""])[0]


@dataclass
class Fake:
    """A running fake server: its base URL and the requests it received, in order."""

    url: str
    seen: list[Seen] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def hostport(self) -> str:
        return self.url.split("//", 1)[1]


Respond = Callable[[BaseHTTPRequestHandler, Seen, Fake], None]


@contextmanager
def serve(respond: Respond) -> Iterator[Fake]:
    """A server on 127.0.0.1 that answers every GET and POST with ``respond(handler, seen, fake)``."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            seen = Seen(self.command, self.path, self.headers.get("Content-Type") or "",
                        self.rfile.read(length) if length else b"")
            fake.seen.append(seen)
            try:
                respond(self, seen, fake)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                pass  # the client hung up: what the limits are for

        do_GET = do_POST = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake = Fake(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ---------------------------------------------------------------- answers


def answer(status: int, body: bytes = b"", content_type: str | None = None, **headers: str) -> Respond:
    """Always the same answer."""

    def respond(h, seen, fake):
        h.send_response(status)
        if content_type:
            h.send_header("Content-Type", content_type)
        for name, value in headers.items():
            h.send_header(name.replace("_", "-"), value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return respond


def redirect(status: int, location: str) -> Respond:
    """A redirect to ``location`` (a URL, or a path on the same server)."""
    return answer(status, b"moved\n", "text/plain", Location=location)


def results(variables: list[str], rows: list[dict]) -> bytes:
    """SPARQL JSON results; ``rows`` map a variable to a literal's lexical form."""
    bindings = [{v: {"type": "literal", "value": str(x)} for v, x in row.items()} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode()


def drip(body: bytes, every: float, content_type: str = RESULTS_JSON) -> Respond:
    """Headers at once, then ``body`` one byte every ``every`` seconds (no Content-Length)."""

    def respond(h, seen, fake):
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.end_headers()
        h.wfile.flush()
        start = time.monotonic()
        for byte in body:
            if fake.stopping.wait(every) or time.monotonic() - start > MAX_SECONDS:
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()

    return respond


ROW = b'{"s":{"type":"literal","value":"' + b"x" * 64 + b'"}},'


def endless(head: bytes = b'{"head":{"vars":["s"]},"results":{"bindings":[', chunk: bytes = ROW * 1000,
            content_type: str = RESULTS_JSON) -> Respond:
    """``head`` then ``chunk`` again and again, as fast as the client reads (no Content-Length)."""

    def respond(h, seen, fake):
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.end_headers()
        h.wfile.write(head)
        start = time.monotonic()
        while not fake.stopping.is_set() and time.monotonic() - start < MAX_SECONDS:
            h.wfile.write(chunk)

    return respond


def forgetful() -> Respond:
    """A server that answers every update 204 and stores nothing: every COUNT is 0, every ASK
    false, every SELECT empty."""

    def respond(h, seen, fake):
        if seen.content_type.startswith("application/sparql-update"):
            h.send_response(204)
            h.end_headers()
            return
        query = seen.query
        if re.search(r"\bASK\s*\{", query):
            body = b'{"head":{},"boolean":false}'
        elif "COUNT" in query:
            body = (b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal",'
                    b'"datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"0"}}]}}')
        else:
            body = results(["s"], [])
        answer(200, body, RESULTS_JSON)(h, seen, fake)

    return respond


def faithful(store=None) -> Respond:
    """A real (small) SPARQL server: queries and updates run on ``store``, an in-memory
    pyoxigraph store (a new one by default)."""
    import pyoxigraph as ox

    store = ox.Store() if store is None else store

    def respond(h, seen, fake):
        if seen.content_type.startswith("application/sparql-update"):
            store.update(seen.body.decode("utf-8"))
            answer(204)(h, seen, fake)
            return
        result = store.query(seen.query)
        if isinstance(result, ox.QueryTriples):
            answer(200, result.serialize(format=ox.RdfFormat.N_TRIPLES), "application/n-triples")(h, seen, fake)
        else:
            answer(200, result.serialize(format=ox.QueryResultsFormat.JSON), RESULTS_JSON)(h, seen, fake)

    return respond
