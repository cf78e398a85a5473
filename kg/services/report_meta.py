"""When a report was made and from which data: its date and data version (``kg report``).

:func:`data_version` names where the graph came from as :func:`kg.rdf.graph.open_graph`
was called (the bundled data, files, a store or a SPARQL endpoint), with the SHA-256 of
each file, the store's current generation, the triple count, and the package version and
commit (read from the checkout's ``.git`` without running git; None when not in a
checkout). Nothing is fetched.

>>> from kg.rdf.graph import open_graph
>>> v = data_version(open_graph())
>>> v["kind"], [f["name"] for f in v["files"]][:2], len(v["files"][0]["sha256"])
('bundled data', ['binzhou.ttl', 'guangyuan.ttl'], 64)
>>> generated_at(datetime(2025, 3, 1, 9, 30, 5, 123, tzinfo=UTC))
'2025-03-01T09:30:05Z'
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kg import __version__
from kg.rdf.formats import default_data_paths, expand_paths
from kg.rdf.generations import current_generation
from kg.rdf.graph import count_triples


def generated_at(now: datetime | None = None) -> str:
    """The report's date: ``now`` in UTC, ISO 8601 to the second. Without ``now``: the time in
    ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) if set, else
    the current time.

    >>> generated_at(datetime.fromtimestamp(0, UTC))
    '1970-01-01T00:00:00Z'
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if now is None and epoch.isdigit():
        now = datetime.fromtimestamp(int(epoch), UTC)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return now.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def data_version(
    graph,
    *,
    data: Sequence[str | os.PathLike] | None = None,
    store: str | os.PathLike | None = None,
    endpoint: str | None = None,
) -> dict:
    """Where ``graph`` came from, as ``open_graph(data, store=store, endpoint=endpoint)`` was called.

    ``kind`` is "endpoint", "store", "files" or "bundled data"; ``files`` lists each data file
    (``name``, ``path``, ``sha256``); ``store``/``generation`` and ``endpoint`` say the rest;
    ``triples`` counts the graph; ``package`` and ``commit`` name the code.
    """
    out: dict = {"kind": "bundled data", "files": [], "store": None, "generation": None, "endpoint": None}
    if endpoint is not None:
        out.update(kind="endpoint", endpoint=endpoint)
    elif store is not None:
        out.update(kind="store", store=str(store), generation=current_generation(store).folder.name)
    else:
        paths = default_data_paths() if data is None else expand_paths(data)
        out["kind"] = "bundled data" if data is None else "files"
        # the bundled files are named only: their folder is wherever the package is installed
        out["files"] = [{"name": p.name, "sha256": _sha256(p)} | ({} if data is None else {"path": str(p)})
                        for p in paths]
    out["triples"] = count_triples(graph)
    out["package"] = f"cluster-kg {_package_version()}"
    out["commit"] = checkout_commit()
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _package_version() -> str:
    try:
        return version("cluster-kg")
    except PackageNotFoundError:
        return __version__


def checkout_commit(root: Path | None = None) -> str | None:
    """The commit checked out where the package runs from (read from ``.git``), else None."""
    git = (root or Path(__file__).resolve().parents[2]) / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(None, 1)[1]
        if (git / ref).is_file():
            return (git / ref).read_text().strip()
        packed = git / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0]
    except OSError:
        return None
    return None
