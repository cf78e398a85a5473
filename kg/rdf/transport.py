"""One HTTP POST to a SPARQL server, with limits that hold whatever the server does.

:func:`post` sends a query or an update and gives an :class:`Answer`, a file-like that
pyoxigraph's parsers read as the bytes arrive. Three things are ours:

- **A deadline for the whole exchange** (connect, send, wait, every byte of the answer;
  :data:`QUERY_DEADLINE` by default, ``KG_REMOTE_DEADLINE`` in the environment). A timeout on
  each socket read is not one: a server that sends a byte every few seconds never trips it.
  One watchdog thread, for all requests, shuts a socket down when its deadline passes, which
  wakes a blocked read or write at once; the reader then raises the deadline error.
- **A cap on the bytes of an answer** (:data:`MAX_BYTES`, ``KG_REMOTE_MAX_MB``), counted on
  every read (an answer that announces more in ``Content-Length`` is refused unread).
- **Redirects.** urllib would follow 301/302/303 silently, as a ``GET`` without the body: a
  POSTed update becomes a harmless request whose 2xx looks like success, and a query goes to
  whichever host the server names. Here an update follows no redirect; a query follows one
  only to the same scheme, host and port (the same form is POSTed again: a query by POST is
  safe to repeat), at most :data:`MAX_REDIRECTS`, and to another host only with
  ``redirects="any"`` (``kg --allow-redirects``).

Every failure is a :class:`~kg.errors.StoreError` naming the URL that was given (or a
:class:`~kg.errors.QueryError` when the server answers 400: it rejects the query or update).

>>> answer = post("http://127.0.0.1:9/query", b"query=ASK%7B%7D", "application/x-www-form-urlencoded",
...               "*/*", timeout=5, deadline=5, max_bytes=1000)   # nothing listens there
Traceback (most recent call last):
...
kg.errors.StoreError: http://127.0.0.1:9/query: cannot reach the SPARQL server: ...
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import os
import socket
import threading
import time
from urllib.parse import urljoin, urlsplit

from kg.errors import QueryError, StoreError

QUERY_DEADLINE = 120.0
"""Seconds the whole answer to a query may take (``store.deadline``; ``KG_REMOTE_DEADLINE``)."""

MAX_BYTES = 256_000_000
"""Bytes an answer may have (``store.max_bytes``; ``KG_REMOTE_MAX_MB`` in megabytes)."""

MAX_REDIRECTS = 5
"""Redirects a query may follow (to the same scheme, host and port, or anywhere if allowed)."""

REDIRECTS = (301, 302, 303, 307, 308)

_CHUNK = 1 << 16


def answer_limits(environ=None) -> tuple[float, int]:
    """The deadline (seconds) and the cap (bytes) of a remote answer: :data:`QUERY_DEADLINE` and
    :data:`MAX_BYTES`, or ``KG_REMOTE_DEADLINE`` and ``KG_REMOTE_MAX_MB`` of ``environ``
    (default: the environment).

    >>> answer_limits({}), answer_limits({"KG_REMOTE_DEADLINE": "5", "KG_REMOTE_MAX_MB": "0.5"})
    ((120.0, 256000000), (5.0, 500000))
    """
    environ = os.environ if environ is None else environ
    deadline = _positive(environ, "KG_REMOTE_DEADLINE", QUERY_DEADLINE)
    return deadline, int(_positive(environ, "KG_REMOTE_MAX_MB", MAX_BYTES / 1e6) * 1e6)


def _positive(environ, name: str, default: float) -> float:
    text = (environ.get(name) or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise StoreError(f"{name}={text!r} in the environment: expected a number greater than 0")
    return value


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url``, the port made explicit: what "the same host" means here.

    >>> origin("http://Example.org/sparql"), origin("https://example.org:8443/q")
    ('http://example.org:80', 'https://example.org:8443')
    """
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


class _Watchdog:
    """Shuts the socket of one request down when ``seconds`` have passed (fired by :data:`_CLOCK`)."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + max(seconds, 0.0)
        self.fired = self.done = False
        self._sock = None
        self._lock = threading.Lock()
        _CLOCK.add(self)

    def watch(self, sock) -> None:
        with self._lock:
            self._sock = sock
            if self.fired:
                self._shut()

    def cancel(self) -> None:
        with self._lock:
            self.done, self._sock = True, None

    def fire(self) -> None:
        with self._lock:
            if not self.done:
                self.fired = True
                self._shut()

    def _shut(self) -> None:
        if self._sock is None:
            return
        try:  # the plain socket's shutdown, also under TLS: a reader in another thread keeps its TLS state
            socket.socket.shutdown(self._sock, socket.SHUT_RDWR)
        except OSError:  # closed already
            pass


class _Clock:
    """The one thread that fires the watchdogs. It sleeps until the earliest deadline and is not
    woken when a request starts or ends in time, so a run whose answers come in time runs no
    Python code in it after the first request: the garbage collector, which runs in whichever
    thread allocates, then never frees pyoxigraph objects there (they may only be freed in the
    thread that made them)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._heap: list = []
        self._count = itertools.count()
        self._thread = None
        self._wake_at = math.inf

    def add(self, dog: _Watchdog) -> None:
        with self._cond:
            if len(self._heap) > 1000:  # many requests that ended in time
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
            heapq.heappush(self._heap, (dog.at, next(self._count), dog))
            if self._thread is None or not self._thread.is_alive():  # the first request, or after a fork
                self._thread = threading.Thread(target=self._run, name="kg-remote-deadlines", daemon=True)
                self._thread.start()
            elif dog.at < self._wake_at:
                self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._heap and (self._heap[0][0] <= now or self._heap[0][2].done):
                    heapq.heappop(self._heap)[2].fire()
                self._wake_at = self._heap[0][0] if self._heap else math.inf
                self._cond.wait(None if not self._heap else self._wake_at - now)


_CLOCK = _Clock()


class _Watched:
    """A connection whose socket the watchdog shuts at the deadline, from ``connect()`` on."""

    def __init__(self, *args, watchdog: _Watchdog, **kwargs):
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def connect(self):
        super().connect()
        self._watchdog.watch(self.sock)


@functools.cache
def _opener_parts():
    """urllib's handlers with the watchdog on every connection, and no redirect followed; built
    on first use, so that importing this module (every ``kg`` command does) loads no HTTP code."""
    import http.client
    import urllib.request

    class HTTPConnection(_Watched, http.client.HTTPConnection):
        pass

    class HTTPSConnection(_Watched, http.client.HTTPSConnection):
        pass

    class HTTPHandler(urllib.request.HTTPHandler):
        def __init__(self, watchdog: _Watchdog):
            super().__init__()
            self.watchdog = watchdog

        def http_open(self, req):
            return self.do_open(functools.partial(HTTPConnection, watchdog=self.watchdog), req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def __init__(self, watchdog: _Watchdog):
            super().__init__()
            self.watchdog = watchdog

        def https_open(self, req):
            return self.do_open(functools.partial(HTTPSConnection, watchdog=self.watchdog), req)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        """Every redirect comes back as an :class:`~urllib.error.HTTPError`: :func:`post` decides."""

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            return None

    return HTTPHandler, HTTPSHandler, NoRedirect


class Answer:
    """The open answer to :func:`post`: ``read(n)`` gives its bytes as they arrive, within the
    deadline and the cap, or raises :class:`~kg.errors.StoreError` (kept in ``failure``, so
    that a parser that turned it into an error of its own cannot hide it)."""

    def __init__(self, response, url: str, watchdog: _Watchdog, *, timeout: float, deadline: float,
                 max_bytes: int):
        self.url = url
        self.status = response.status
        self.headers = response.headers
        self.content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        self.bytes_read = 0
        self.failure: StoreError | None = None
        self._response, self._watchdog = response, watchdog
        self._timeout, self._deadline, self._max_bytes = timeout, deadline, max_bytes
        length = response.headers.get("Content-Length")
        if length and length.strip().isdigit() and int(length) > max_bytes:
            self._fail(self._too_large(f"it announces {int(length) / 1e6:,.1f} MB"))

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self.read_all()
        if self.failure is not None:
            raise self.failure
        if size == 0:
            return b""
        try:
            data = self._response.read1(min(size, _CHUNK))
        except TimeoutError:
            self._fail(_late(self.url, self._deadline) if self._watchdog.fired else StoreError(
                f"{self.url}: no answer from the SPARQL server within {self._timeout:g} s"))
        except (OSError, ValueError, _http_exception()) as e:  # ValueError: closed meanwhile
            self._fail(_late(self.url, self._deadline) if self._watchdog.fired else StoreError(
                f"{self.url}: the connection broke while reading the answer: {e or type(e).__name__}"))
        if self._watchdog.fired:
            self._fail(_late(self.url, self._deadline))
        self.bytes_read += len(data)
        if self.bytes_read > self._max_bytes:
            self._fail(self._too_large(f"more than {self._max_bytes / 1e6:,.1f} MB came"))
        if not data:
            self._watchdog.cancel()
        return data

    def read_all(self) -> bytes:
        """The whole answer (within the cap), then the answer is closed."""
        parts = []
        with self:
            while data := self.read(_CHUNK):
                parts.append(data)
        return b"".join(parts)

    def close(self) -> None:
        self._watchdog.cancel()
        self._response.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _fail(self, error: StoreError):
        self.failure = error
        self.close()
        raise error

    def _too_large(self, how: str) -> StoreError:
        return StoreError(f"{self.url}: the answer is larger than the cap of {self._max_bytes / 1e6:,.0f} MB "
                          f"({how}): ask for less (LIMIT, fewer variables) or raise the cap with "
                          "KG_REMOTE_MAX_MB=MEGABYTES")


def post(url: str, body: bytes, content_type: str, accept: str, *, timeout: float, deadline: float,
         max_bytes: int, what: str = "query", redirects: str = "same") -> Answer:
    """POST ``body`` to ``url``; the open :class:`Answer` of a 2xx, or an error naming ``url``.

    ``timeout`` bounds each wait for the server (to connect, for the next bytes), ``deadline``
    the whole exchange, ``max_bytes`` the answer. ``redirects``: ``"none"`` (updates),
    ``"same"`` (to the same scheme, host and port) or ``"any"``. An HTTP 400 raises
    :class:`~kg.errors.QueryError` with the server's message (it rejects the ``what``).
    """
    watchdog = _Watchdog(deadline)
    try:
        return _post(url, body, content_type, accept, watchdog, timeout=timeout, deadline=deadline,
                     max_bytes=max_bytes, what=what, redirects=redirects)
    except BaseException:
        watchdog.cancel()
        raise


def _post(url, body, content_type, accept, watchdog, *, timeout, deadline, max_bytes, what, redirects):
    import urllib.request
    from urllib.error import HTTPError, URLError

    late = _late(url, deadline)
    http_handler, https_handler, no_redirect = _opener_parts()
    opener = urllib.request.build_opener(http_handler(watchdog), https_handler(watchdog), no_redirect())
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(current, data=body, headers={"Content-Type": content_type, "Accept": accept})
        try:
            response = opener.open(request, timeout=min(timeout, deadline))
        except HTTPError as e:
            if watchdog.fired:
                raise late from None
            if e.code not in REDIRECTS:
                detail = _server_message(e)
                if e.code == 400:
                    raise QueryError(f"{url} rejected the {what}: {detail}") from None
                raise StoreError(f"{url}: the SPARQL server answered HTTP {e.code} {_phrase(e)}: {detail}") from None
            current = _follow(url, current, e, what, redirects)
            continue
        except (OSError, ValueError, _http_exception()) as e:
            if watchdog.fired:
                raise late from None
            reason = e.reason if isinstance(e, URLError) else e
            if isinstance(reason, TimeoutError):
                raise StoreError(f"{url}: no answer from the SPARQL server within {timeout:g} s") from None
            raise StoreError(f"{url}: cannot reach the SPARQL server: {reason or type(reason).__name__}") from None
        return Answer(response, url, watchdog, timeout=timeout, deadline=deadline, max_bytes=max_bytes)
    raise StoreError(f"{url}: more than {MAX_REDIRECTS} redirects (the last to {current})")


def _late(url: str, deadline: float) -> StoreError:
    return StoreError(f"{url}: the answer took longer than the deadline of {deadline:g} s (to allow more: "
                      "kg query --timeout SECONDS, or KG_REMOTE_DEADLINE=SECONDS in the environment)")


def _http_exception() -> type:
    import http.client

    return http.client.HTTPException


def _follow(url: str, current: str, e, what: str, redirects: str) -> str:
    """Where a redirect from ``current`` leads, if kg follows it; else the error that says why not."""
    location = e.headers.get("Location")
    e.close()
    said = f"{url}: the SPARQL server answered HTTP {e.code} {_phrase(e)}"
    if not location:
        raise StoreError(f"{said}, a redirect without a Location")
    target = urljoin(current, location.strip())
    said += f", a redirect to {target}"
    if urlsplit(target).scheme not in ("http", "https"):
        raise StoreError(f"{said}: not an http:// or https:// URL")
    if redirects == "none":
        option = "--update-endpoint" if what == "update" else "the URL"
        raise StoreError(f"{said}; kg does not follow redirects for {what}s: give the final URL as {option}")
    if redirects != "any" and origin(target) != origin(current):
        raise StoreError(f"{said}, another host ({origin(current)} -> {origin(target)}); kg follows a redirect "
                         "to another host only with the global option --allow-redirects (or give the final "
                         "URL as --endpoint)")
    return target


def _phrase(e) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(e.code).phrase
    except ValueError:
        return str(e.reason or "")


def _server_message(e) -> str:
    try:
        text = e.read(2000).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the status line is enough
        text = ""
    text = " ".join(text.split())
    return (text[:300] + "…" if len(text) > 300 else text) or "(no message)"
