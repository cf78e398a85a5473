"""User queries run where they can be stopped: a child process with a deadline, caps, and no network.

pyoxigraph cannot cancel a query, gives Python no chance to see Ctrl-C while it evaluates an
aggregate, a property path or an ORDER BY, and would send the HTTP request of a ``SERVICE``
clause itself. So a user query runs in a child process forked from this one (it shares the
loaded store without copying it), and this process only waits for its rows:

- **the deadline** (``Limits.timeout``): at the deadline the child is killed (``SIGKILL``)
  and :class:`~kg.errors.QueryStopped` says so; Ctrl-C kills it the same way, at once;
- **the caps**: the child sends at most ``limit`` rows (CONSTRUCT/DESCRIBE triples included:
  they stream, nothing is built first), or ``max_rows + 1`` to tell that there are more; its
  address space is capped (``RLIMIT_AS``) at ``max_memory_mb`` above what it starts with;
- **no network** (the second wall, behind the refusal of SERVICE on the parsed query in
  :mod:`kg.rdf.query`): before the query runs, the child moves into a network namespace of its
  own (Linux; as root, or through a user namespace), where no interface but a loopback that is
  down exists: any connection fails with "Network is unreachable". Where namespaces are not
  available and the store is in memory, the child instead takes every file descriptor number up
  to a limit (``RLIMIT_NOFILE``), so it cannot open a socket. :data:`WALLS` names them.

Rows come back as JSON frames over a pipe (never pickle), terms encoded by :func:`encode`.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
>>> answer = run_isolated(store, "SELECT ?s ?o WHERE { ?s ?p ?o }", kind="SELECT")
>>> answer.columns, answer.rows
(['s', 'o'], [[['u', 'http://e/a'], ['l', 'x', 'http://www.w3.org/2001/XMLSchema#string']]])
>>> run_isolated(store, "SELECT * WHERE { ?a ?b ?c }", kind="SELECT", limits=Limits(max_rows=0))
Traceback (most recent call last):
...
kg.errors.QueryStopped: the answer has more than 0 rows, the cap: give --limit N for the first N rows, or raise the cap with --max-rows
"""

from __future__ import annotations

import json
import os
import select
import signal
import struct
import sys
import time
from dataclasses import dataclass, field

from kg.errors import QueryError, QueryStopped

DEFAULT_TIMEOUT = 60.0
"""Seconds a user query may run (``kg query --timeout``)."""

DEFAULT_MAX_ROWS = 100_000
"""Rows (or triples) a user query may give without ``--limit`` (``kg query --max-rows``)."""

DEFAULT_MAX_MEMORY_MB = 2048
"""Megabytes of memory a user query may take above the loaded graph (``kg query --max-memory``)."""

WALLS = ("network namespace", "no free file descriptors")
"""The ways the child is kept off the network, best first; ``Answer.wall`` names the one used."""

_BATCH = 1000
_FRAME = struct.Struct(">I")
_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Limits:
    """The bounds of one query: seconds, rows without ``--limit``, megabytes of memory."""

    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB

    def stop_at(self, limit: int | None) -> int:
        """How many rows to take: ``limit``, else one more than the cap (to tell there are more)."""
        return limit if limit is not None else self.max_rows + 1

    def check_rows(self, count: int, limit: int | None) -> None:
        """:class:`QueryStopped` if ``count`` rows taken without ``limit`` pass the cap."""
        if limit is None and count > self.max_rows:
            raise QueryStopped(f"the answer has more than {self.max_rows:,} rows, the cap: give --limit N for the "
                               "first N rows, or raise the cap with --max-rows")


@dataclass
class Answer:
    """What the child sent: the column names, the rows of encoded terms, the wall it ran behind."""

    columns: list[str]
    rows: list[list] = field(default_factory=list)
    wall: str | None = None


def encode(term) -> list | None:
    """A pyoxigraph term as JSON: ``["u", iri]``, ``["b", id]``, ``["l", value, datatype]``,
    ``["t", value, language]``, ``["q", n-triples]`` for a quoted triple; None if unbound.

    >>> import pyoxigraph as ox
    >>> encode(ox.Literal("chat", language="fr")), encode(ox.BlankNode("b1")), encode(None)
    (['t', 'chat', 'fr'], ['b', 'b1'], None)
    """
    if term is None:
        return None
    name = type(term).__name__
    if name == "NamedNode":
        return ["u", term.value]
    if name == "BlankNode":
        return ["b", term.value]
    if name == "Literal":
        return ["t", term.value, term.language] if term.language else ["l", term.value, term.datatype.value]
    return ["q", str(term)]


def run_isolated(store, text: str, *, kind: str, prefixes: dict[str, str] | None = None,
                 limit: int | None = None, limits: Limits = Limits(), walls: tuple[str, ...] = WALLS) -> Answer:
    """Run ``text`` (a query already checked, of ``kind`` SELECT, ASK, CONSTRUCT or DESCRIBE)
    on the pyoxigraph ``store`` in a child process, within ``limits``.

    ``limit`` stops after that many rows with no error; without it an answer of more than
    ``limits.max_rows`` rows raises :class:`QueryStopped`, as does the deadline and the memory
    cap. A query the engine rejects raises :class:`QueryError` with its message. ``walls``
    restricts the ways the child may be kept off the network (tests).
    """
    stop_at = limits.stop_at(limit)
    if not hasattr(os, "fork"):  # not POSIX: no child to kill; the parsed-query check still holds
        answer = _run(store, text, kind, prefixes, stop_at, emit=None)
        limits.check_rows(len(answer.rows), limit)
        return answer
    deadline = time.monotonic() + limits.timeout
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's stack
        try:
            os.close(read_end)
            _child(write_end, store, text, kind, prefixes, stop_at, limits, walls)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        answer, error = _collect(read_end, deadline, limits)
    finally:
        os.close(read_end)
        status = _reap(pid)
    if error is not None:
        raise error
    if answer is None:
        raise QueryStopped(_ended(status, limits))
    limits.check_rows(len(answer.rows), limit)
    return answer


# ---------------------------------------------------------------- the child


def _child(fd: int, store, text, kind, prefixes, stop_at, limits: Limits, walls) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills this process
    _die_with_parent()
    import faulthandler

    faulthandler.disable()  # an abort at the memory cap is expected: no dump of this process's stack
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)  # the engine's own messages ("memory allocation failed") stay off the terminal
    os.close(null)
    out = os.fdopen(fd, "wb", buffering=0)  # whole frames: the parent never waits for the end of one

    def emit(frame) -> None:
        data = json.dumps(frame, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        out.write(_FRAME.pack(len(data)) + data)

    try:
        wall = _close_network(walls, in_memory=_in_memory())
        _cap_memory(limits.max_memory_mb)
        emit(["wall", wall])
        _run(store, text, kind, prefixes, stop_at, emit=emit)
    except MemoryError:
        emit(["error", "memory", ""])
    except BaseException as e:  # noqa: BLE001 - every failure goes back as a message
        emit(["error", type(e).__name__, str(e)])
    out.close()


def _run(store, text, kind, prefixes, stop_at, *, emit):
    """Evaluate and stream: frames to ``emit`` in the child; an :class:`Answer` in process."""
    result = store.query(text, prefixes=prefixes)
    if kind == "ASK":
        columns, rows = ["answer"], iter([[bool(result)]])
    elif kind == "SELECT":
        columns = [v.value for v in result.variables]
        width = len(columns)
        rows = ([encode(s[i]) for i in range(width)] for s in result)
    else:
        columns = ["subject", "predicate", "object"]
        rows = ([encode(t.subject), encode(t.predicate), encode(t.object)] for t in result)
    taken = []
    if emit is not None:
        emit(["head", columns])
    for row in rows if stop_at > 0 else ():
        taken.append(row)
        if emit is not None and len(taken) == _BATCH:
            emit(["rows", taken])
            taken = []
        stop_at -= 1
        if stop_at == 0:
            break
    if emit is None:  # in this process (no fork): the same caps, no deadline
        return Answer(columns, taken)
    if taken:
        emit(["rows", taken])
    emit(["end"])
    return None


def _in_memory() -> bool:
    """Whether no store on disk is open in this process (no RocksDB file among its descriptors):
    then the query needs no new file, and the descriptor wall may be used."""
    if not os.path.isdir("/proc/self/fd"):
        return False
    targets = []
    for n in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{n}"))
        except OSError:  # the descriptor listdir itself used
            pass
    return not any(t.endswith((".sst", "/LOCK")) or "/MANIFEST-" in t for t in targets)


def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    """Linux: the child dies with the parent (a killed ``kg`` leaves no query running)."""
    if sys.platform.startswith("linux"):
        try:
            _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass


def _close_network(walls, *, in_memory: bool) -> str | None:
    """Keep this process off the network in the first way of ``walls`` that works; its name."""
    if "network namespace" in walls and sys.platform.startswith("linux"):
        libc = _libc()
        if libc.unshare(_CLONE_NEWNET) == 0 or libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
            return "network namespace"
    if "no free file descriptors" in walls and in_memory:
        return _take_all_descriptors()
    return None


def _take_all_descriptors() -> str:
    """Fill every free descriptor number below the highest open one and set the limit there: the
    next ``socket()`` (or ``open()``) fails with EMFILE. Only for a store in memory, which
    opens no file."""
    import resource

    open_fds = {int(n) for n in os.listdir("/proc/self/fd")} if os.path.isdir("/proc/self/fd") else set(range(3))
    top = max(open_fds | {2})
    null = os.open(os.devnull, os.O_RDONLY)
    for n in range(top + 1):
        if n not in open_fds and n != null:
            os.dup2(null, n)
    limit = max(top, null) + 1
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
    return "no free file descriptors"


def _cap_memory(megabytes: int) -> None:
    import resource

    try:
        with open("/proc/self/statm") as f:
            now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        now = 0
    cap = now + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


# ---------------------------------------------------------------- the parent

def _collect(fd: int, deadline: float, limits: Limits):
    """Read the child's frames until its end, the deadline or Ctrl-C (KeyboardInterrupt goes up)."""
    buffer, start = bytearray(), 0
    answer, wall = None, None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None, QueryStopped(
                f"the query ran longer than its deadline of {limits.timeout:g} s and was stopped: "
                "give --timeout SECONDS to allow more")
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return None, None  # the child ended without its last frame: see its status
        if start:
            del buffer[:start]
            start = 0
        buffer += chunk
        while len(buffer) - start >= _FRAME.size:
            (size,) = _FRAME.unpack_from(buffer, start)
            end = start + _FRAME.size + size
            if len(buffer) < end:
                break
            frame = json.loads(buffer[start + _FRAME.size:end])
            start = end
            tag = frame[0]
            if tag == "wall":
                wall = frame[1]
            elif tag == "head":
                answer = Answer(frame[1], [], wall)
            elif tag == "rows":
                answer.rows.extend(frame[1])
            elif tag == "end":
                return answer, None
            elif tag == "error":
                return None, _child_error(frame[1], frame[2], limits)


def _child_error(kind: str, message: str, limits: Limits) -> QueryError:
    if kind == "memory":
        return QueryStopped(_memory_message(limits))
    if kind == "SyntaxError":
        return QueryError(f"the query does not parse: {message}")
    return QueryError(f"the query failed: {message}")


def _memory_message(limits: Limits) -> str:
    return (f"the query needed more than its memory cap of {limits.max_memory_mb:,} MB and was stopped: "
            "give --max-memory MB to allow more")


def _reap(pid: int) -> int | None:
    """Kill the child if it still runs; its wait status (no zombie is left)."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            done, status = os.waitpid(pid, 0)
        return status
    except ChildProcessError:
        return None


def _ended(status: int | None, limits: Limits) -> str:
    """What an early end of the child means: killed by the memory cap (an abort), or else."""
    if status is not None and os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
            return _memory_message(limits) + f" (the engine stopped with {signal.Signals(sig).name})"
        return f"the query process was stopped by {signal.Signals(sig).name}"
    code = os.WEXITSTATUS(status) if status is not None else "unknown"
    return f"the query process ended without an answer (exit status {code})"
