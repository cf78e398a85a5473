"""Tiers: a firm's suppliers (upstream) or customers (downstream), tier by tier.

Tier 1 are the direct suppliers (or customers), tier 2 theirs, and so on. A
breadth-first search reports every firm once, at its smallest tier, with the
path that reaches it and the evidence of every step. Cycles end the search
where they close; a firm is its own tier-1 supplier only through a self-loop,
which is reported with a flag.

>>> from kg.network.model import network_from_edges
>>> G = network_from_edges([("mine", "smelter"), ("smelter", "mill")])
>>> [(e.tier, e.iri, e.path) for e in suppliers(G, "mill").entries]
[(1, 'smelter', ['mill', 'smelter']), (2, 'mine', ['mill', 'smelter', 'mine'])]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from kg.errors import UnknownName
from kg.network.model import node_label


@dataclass(frozen=True)
class Step:
    """One supply link on a path: ``supplier`` supplies ``customer``; ``relations`` are the
    edge's supply relations (product, share, quote, source, … as in
    :func:`kg.network.project.supply_network`)."""

    supplier: str
    customer: str
    relations: list[dict]

    @property
    def quotes(self) -> list[str]:
        """The evidence quotes of this step, one per supply relation that has one."""
        return [r["quote"] for r in self.relations if r.get("quote")]


class _Trail:
    """The BFS tree of one search: each found firm's parent (one hop nearer the firm asked
    about)."""

    def __init__(self, G, firm: str, upstream: bool):
        self.G, self.firm, self.upstream = G, firm, upstream
        self.parent: dict[str, str] = {}

    def step(self, near: str, far: str) -> Step:
        s, c = (far, near) if self.upstream else (near, far)
        return Step(s, c, list(self.G.edges[s, c].get("relations", [])))

    def path(self, node: str) -> list[str]:
        if node == self.firm:  # the self-loop entry
            return [self.firm, self.firm]
        out = [node]
        while out[-1] != self.firm:
            out.append(self.parent[out[-1]])
        return out[::-1]


@dataclass(frozen=True)
class TierEntry:
    """A firm found at ``tier`` (1 = direct).

    ``path`` runs from the firm asked about to this one (``path[0]`` is the firm asked
    about, ``path[-1]`` this one), ``steps`` holds the supply link and evidence for each
    hop of it, ``self_loop`` says whether this firm supplies itself. Paths are built when
    read, so a search stays linear however deep it goes.
    """

    tier: int
    iri: str
    label: str
    kind: str
    self_loop: bool
    _trail: _Trail = field(repr=False, compare=False)

    @property
    def path(self) -> list[str]:
        """IRIs from the firm asked about to this one."""
        return self._trail.path(self.iri)

    @property
    def path_labels(self) -> list[str]:
        """Labels of :attr:`path`."""
        return [node_label(self._trail.G, n) for n in self.path]

    @property
    def steps(self) -> list[Step]:
        """The supply link (with its evidence) of each hop of :attr:`path`."""
        p = self.path
        return [self._trail.step(a, b) for a, b in pairwise(p)]

    @property
    def last_step(self) -> Step:
        """The link that reaches this firm from the tier before."""
        trail = self._trail
        near = trail.firm if self.iri == trail.firm else trail.parent[self.iri]
        return trail.step(near, self.iri)


@dataclass(frozen=True)
class Tiers:
    """The result of :func:`suppliers` or :func:`customers`.

    ``direction`` is "upstream" or "downstream"; ``self_loop`` whether the firm supplies
    itself; ``cycle_tier`` the smallest tier at which the firm reaches itself again
    (1 for a self-loop, 2 for a two-firm cycle, None when it is on no cycle); ``entries``
    are sorted by tier, then label.
    """

    firm: str
    label: str
    direction: str
    depth: int | None
    self_loop: bool
    cycle_tier: int | None
    entries: list[TierEntry] = field(default_factory=list)
    remarks: tuple[str, ...] = ()
    """What the composer of the answer adds (e.g. the network is as of a year)."""

    def at(self, tier: int) -> list[TierEntry]:
        """The entries of one tier."""
        return [e for e in self.entries if e.tier == tier]

    @property
    def note(self) -> str | None:
        """One line instead of an empty answer (None when there are entries): no partner is
        stated, which does not mean there is none.

        >>> from kg.network.model import network_from_edges
        >>> customers(network_from_edges([("a", "b")]), "b").note
        'b: no stated customers in the loaded data (the sources name none; this does not mean it has none)'
        """
        if self.entries:
            return None
        which = "suppliers" if self.direction == "upstream" else "customers"
        return (f"{self.label}: no stated {which} in the loaded data "
                "(the sources name none; this does not mean it has none)")


def suppliers(G, firm: str, *, depth: int | None = None) -> Tiers:
    """Upstream tiers of ``firm`` (an IRI) in the supply network ``G``.

    ``depth`` stops after that many tiers (None: all). A self-loop makes the firm its
    own tier-1 supplier (flagged ``self_loop``); other cycles stop where they close.

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("b", "a"), ("b", "b")])
    >>> t = suppliers(G, "a")
    >>> [(e.tier, e.iri, e.self_loop) for e in t.entries], t.self_loop, t.cycle_tier
    ([(1, 'b', True)], False, 2)
    """
    return tiers(G, firm, direction="upstream", depth=depth)


def customers(G, firm: str, *, depth: int | None = None) -> Tiers:
    """Downstream tiers of ``firm``; see :func:`suppliers`.

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("a", "c"), ("c", "d")])
    >>> [(e.tier, e.iri) for e in customers(G, "a", depth=1).entries]
    [(1, 'b'), (1, 'c')]
    """
    return tiers(G, firm, direction="downstream", depth=depth)


def tiers(G, firm: str, *, direction: str = "upstream", depth: int | None = None) -> Tiers:
    """Breadth-first tiers of ``firm`` upstream or downstream, O(V + E).

    Raises :class:`~kg.errors.UnknownName` if ``firm`` is not in the network and
    ``ValueError`` for a depth below 1 or an unknown direction.
    """
    if direction not in ("upstream", "downstream"):
        raise ValueError(f"direction must be 'upstream' or 'downstream', not {direction!r}")
    if depth is not None and depth < 1:
        raise ValueError(f"depth must be at least 1, not {depth}")
    if firm not in G:
        raise UnknownName(firm, [])
    upstream = direction == "upstream"
    neighbours = G.predecessors if upstream else G.successors
    trail = _Trail(G, firm, upstream)

    def entry(tier: int, node: str) -> TierEntry:
        return TierEntry(tier, node, node_label(G, node), G.nodes[node].get("kind", "firm"),
                         G.has_edge(node, node), trail)

    self_loop = G.has_edge(firm, firm)
    cycle_tier = 1 if self_loop else None
    entries: list[TierEntry] = [entry(1, firm)] if self_loop else []

    seen = {firm}
    frontier = [firm]
    tier = 0
    while frontier and (depth is None or tier < depth):
        tier += 1
        found = []
        for node in frontier:
            for nxt in neighbours(node):
                if nxt == firm:
                    if cycle_tier is None:
                        cycle_tier = tier
                    continue
                if nxt in seen:
                    continue
                seen.add(nxt)
                trail.parent[nxt] = node
                found.append(nxt)
        found.sort(key=lambda n: (node_label(G, n).casefold(), n))
        entries.extend(entry(tier, n) for n in found)
        frontier = found
    if cycle_tier is None and frontier and depth is not None:
        # the search stopped at ``depth``; look on for the firm only to report the cycle
        cycle_tier = _cycle_tier(G, firm, neighbours)
    return Tiers(firm, node_label(G, firm), direction, depth, self_loop, cycle_tier, entries)


def _cycle_tier(G, firm: str, neighbours) -> int | None:
    """Length of the shortest cycle through ``firm`` following ``neighbours`` (BFS, O(V + E))."""
    seen = {firm}
    frontier = [firm]
    tier = 0
    while frontier:
        tier += 1
        nxt_frontier = []
        for node in frontier:
            for nxt in neighbours(node):
                if nxt == firm:
                    return tier
                if nxt not in seen:
                    seen.add(nxt)
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    return None
