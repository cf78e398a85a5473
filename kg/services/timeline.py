"""``--as-of YEAR`` for every face: what an answer as of a year rests on, said once.

The network as of a year is :func:`kg.network.project.supply_network` with ``as_of``
(:mod:`kg.network.time`); these helpers turn what it left out and kept into the remarks an
answer prints, and refuse a question about an agent that was not there yet.
"""

from __future__ import annotations

from kg.errors import NotPresent
from kg.network.time import AsOf, scoped  # noqa: F401 -- AsOf: the doctests use it


def as_of_remarks(network, members: set[str] | None = None) -> tuple[str, ...]:
    """The remark of a network made as of a year (nothing for a network of every date); with
    ``members``, about them only (what of them was left out, and their dated and undated agents).

    >>> import networkx as nx
    >>> as_of_remarks(nx.DiGraph()), as_of_remarks(nx.DiGraph(as_of=AsOf(2019, [], 2, 0, 1)))
    ((), ('As of 2019: left out nothing; kept 0 dated and 2 undated agents and 1 link (no date stated: assumed to hold in 2019).',))
    """
    note = network.graph.get("as_of")
    if note is not None and members is not None:
        note = scoped(note, network.subgraph(m for m in members if m in network), members)
    return (note.note(),) if note is not None else ()


def check_present(network, iri: str, label: str) -> None:
    """Raise :class:`~kg.errors.NotPresent` when ``iri`` was left out of a network as of a year.

    >>> import networkx as nx
    >>> check_present(nx.DiGraph(as_of=AsOf(2010, [("x", "X", "landed in 2011")])), "x", "X")
    Traceback (most recent call last):
    ...
    kg.errors.NotPresent: X is not in the supply network as of 2010 (landed in 2011)
    """
    note = network.graph.get("as_of")
    if note is None or iri in network:
        return
    why = next((w for n, _, w in note.left_out if n == iri), None)
    if why is not None:
        raise NotPresent(f"{label} is not in the supply network as of {note.year} ({why})")

