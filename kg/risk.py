"""Dependency risk: single points of failure (dominators) and what-if cascades.

**Single points of failure.** A super-source feeds every firm that has no
supplier (and one firm of every group of firms that only supply one another);
then firm *d* dominates firm *v* when every supply path from the super-source
to *v* passes through *d*: if *d* fails, *v* loses every supply path. One call
to :func:`kg.engine.entry_dominators` (networkx, or igraph on large networks)
gives the dominator tree, and one traversal of it gives, for every firm at once,
how many firms it dominates and their weight (the member count of a cohort, else 1).

**What if.** :func:`whatif` removes firms and propagates the failure round by
round: a firm fails when every one of its suppliers has failed; a firm that
loses some suppliers is hit in part.

>>> from kg.network import network_from_edges
>>> G = network_from_edges([("smelter", "mill"), ("mill", "cohort"), ("other", "cohort")],
...                        weight={"cohort": 60})
>>> [(p.iri, p.dominated, p.dominated_weight) for p in single_points_of_failure(G)]
[('smelter', ['mill'], 1)]
>>> w = whatif(G, ["smelter"])
>>> w.rounds, [(h.iri, h.lost_fraction) for h in w.partial]
([['mill']], [('cohort', 0.5)])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import UnknownName
from .network import as_network, node_label

__all__ = [
    "DominatorTree",
    "FailurePoint",
    "PartialHit",
    "WhatIf",
    "dominator_tree",
    "dominators_of",
    "single_points_of_failure",
    "whatif",
]


class _SuperSource:
    """The node that feeds the network's entry points; never a firm, never reported."""

    def __repr__(self) -> str:
        return "<super-source>"


SUPER_SOURCE = _SuperSource()


class DominatorTree:
    """The dominator tree of a supply network, with subtree sizes and weights.

    ``idom[v]`` is the immediate dominator of ``v`` (None when only the super-source
    dominates it); ``entry_points`` the firms the super-source feeds: every firm
    without suppliers, and for each group of firms that only supply one another (a
    source strongly connected component) the one with the smallest IRI, which then
    dominates the others of its group. ``count[v]`` / ``weight[v]`` are the number and
    the summed weight of the firms ``v`` dominates (itself excluded); ``unsized[v]`` how
    many of them are cohorts whose size no source states (each weighs 1, so the weight is
    then a lower bound).
    """

    def __init__(self, G, idom: dict, children: dict, entry_points: list[str],
                 count: dict[str, int], weight: dict[str, int], unsized: dict[str, int]):
        self.G = G
        self.idom = idom
        self.children = children
        self.entry_points = entry_points
        self.count = count
        self.weight = weight
        self.unsized = unsized

    def dominated(self, node: str) -> list[str]:
        """The firms that lose every supply path if ``node`` fails, sorted (O(their number)).

        >>> from kg.network import network_from_edges
        >>> dominator_tree(network_from_edges([("a", "b"), ("b", "c")])).dominated("a")
        ['b', 'c']
        """
        out, stack = [], list(self.children.get(node, ()))
        while stack:
            v = stack.pop()
            out.append(v)
            stack.extend(self.children.get(v, ()))
        return sorted(out)

    def dominators(self, node: str) -> list[str]:
        """The firms whose failure cuts ``node`` off, nearest first (the chain up the tree).

        >>> from kg.network import network_from_edges
        >>> dominator_tree(network_from_edges([("a", "b"), ("b", "c")])).dominators("c")
        ['b', 'a']
        """
        if node not in self.G:
            raise UnknownName(node, [])
        out = []
        d = self.idom.get(node)
        while d is not None:
            out.append(d)
            d = self.idom.get(d)
        return out


def dominator_tree(source, *, engine: str = "auto") -> DominatorTree:
    """Build the :class:`DominatorTree` of ``source`` (an RDF graph or a supply network).

    O(V + E) for the super-source and the condensation, plus the immediate dominators
    (near-linear), plus one pass over the tree. Self-loops play no part: a firm cannot
    cut itself off. ``engine`` (see :mod:`kg.engine`): networkx's ``condensation`` and
    ``immediate_dominators`` below 5,000 nodes, igraph's from there on (same tree).

    >>> from kg.network import network_from_edges
    >>> T = dominator_tree(network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]))
    >>> T.idom
    {'a': None, 'b': 'a', 'c': 'a', 'd': 'a'}
    """
    from .engine import entry_dominators

    G = as_network(source)
    entry_points, raw = entry_dominators(G, SUPER_SOURCE, engine=engine)
    idom: dict[str, str | None] = {}
    children: dict[object, list[str]] = {}
    for v in G:
        d = raw.get(v, SUPER_SOURCE)
        idom[v] = None if d is SUPER_SOURCE else d
        children.setdefault(d, []).append(v)

    # one post-order pass over the tree: sizes and weights of every subtree
    count = dict.fromkeys(G, 0)
    weight = dict.fromkeys(G, 0)
    unsized = dict.fromkeys(G, 0)
    stack = [(SUPER_SOURCE, False)]
    while stack:
        v, done = stack.pop()
        if not done:
            stack.append((v, True))
            stack.extend((c, False) for c in children.get(v, ()))
        elif v is not SUPER_SOURCE:
            for c in children.get(v, ()):
                count[v] += count[c] + 1
                weight[v] += weight[c] + G.nodes[c].get("weight", 1)
                unsized[v] += unsized[c] + _unsized(G, c)
    return DominatorTree(G, idom, children, entry_points, count, weight, unsized)


def _entry_points(G, *, engine: str = "auto") -> list[str]:
    """One firm per source strongly connected component (the smallest IRI), O(V + E).

    A firm without suppliers is its own component; a group of firms that only supply
    one another is entered through one of them. Self-loops change no component.
    :func:`dominator_tree` gets the same list from :func:`kg.engine.entry_dominators`.
    """
    from .engine import source_components

    return sorted(min(members) for members in source_components(G, engine=engine))


def _unsized(G, v: str) -> int:
    """1 for a cohort whose member count no source states, else 0."""
    data = G.nodes[v]
    return int(data.get("kind") == "cohort" and data.get("member_count") is None)


@dataclass(frozen=True)
class FailurePoint:
    """A firm whose failure cuts ``dominated`` off from every supply path.

    ``dominated_weight`` counts a cohort by its member count; ``unsized_cohorts`` is the
    number of dominated cohorts whose size is unknown (counted as 1 each: the weight is
    then a lower bound).
    """

    iri: str
    label: str
    kind: str
    dominated: list[str]
    dominated_count: int
    dominated_weight: int
    unsized_cohorts: int = 0


def single_points_of_failure(source, *, cluster: str | None = None, top: int | None = None,
                             min_count: int = 1) -> list[FailurePoint]:
    """Firms that dominate at least ``min_count`` others, by dominated weight (then count, label).

    ``source`` is an RDF graph (``cluster`` limits it to a cluster's network) or a supply
    network. Counts and weights of all firms come from one dominator tree; the lists of
    dominated firms are built only for the rows returned (``top`` limits them).

    >>> from kg.network import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")], weight={"d": 10})
    >>> [(p.iri, p.dominated, p.dominated_count, p.dominated_weight)
    ...  for p in single_points_of_failure(G)]
    [('a', ['b', 'c', 'd'], 3, 12)]
    """
    G = as_network(source, cluster=cluster)
    T = dominator_tree(G)
    ranked = sorted((v for v in G if T.count[v] >= max(min_count, 0)),
                    key=lambda v: (-T.weight[v], -T.count[v], node_label(G, v).casefold(), v))
    if top is not None:
        ranked = ranked[:top]
    return [FailurePoint(v, node_label(G, v), G.nodes[v].get("kind", "firm"), T.dominated(v),
                         T.count[v], T.weight[v], T.unsized[v]) for v in ranked]


def dominators_of(source, firm: str) -> list[str]:
    """The firms whose failure alone cuts ``firm`` off from every supply path, nearest first.

    >>> from kg.network import network_from_edges
    >>> dominators_of(network_from_edges([("a", "b"), ("b", "c"), ("x", "c")]), "c")
    []
    """
    return dominator_tree(source).dominators(firm)


# ------------------------------------------------------------------ what if


@dataclass(frozen=True)
class PartialHit:
    """A firm that keeps some supply: ``lost`` are its failed suppliers, ``lost_fraction``
    the part of its supply they gave, measured by ``basis``: "share" when the sources
    state a share for every lost supplier (their shares are added, at most 1), else
    "count" (lost suppliers / all suppliers)."""

    iri: str
    label: str
    lost: list[str]
    suppliers: int
    lost_fraction: float
    basis: str


@dataclass(frozen=True)
class WhatIf:
    """The cascade after ``removed`` fail.

    ``rounds[i]`` are the firms that lose all supply in round i+1 (round 1: every supplier
    was removed; round 2: every supplier was removed or failed in round 1; …).
    ``closed_loops`` are the firms that the rounds miss because they still supply one
    another round a cycle, though no supply reaches the cycle any more (and the firms
    that depend on them): they lose every supply path as well. ``cut_off`` is both, sorted;
    for one removed firm it equals the firms that firm dominates
    (:func:`single_points_of_failure`). ``partial`` are the firms that lose part of their
    supply and keep some. ``lost_capacity`` adds the capacity (t/yr) of every failed
    firm (removed and cut off) where it is known, None when it is known for none of them;
    ``capacity_unknown`` lists the failed firms whose capacity no source states.
    ``lost_output_value`` and ``output_value_unknown`` likewise for output value (yuan).
    ``lost_weight`` is the weight of every failed firm (a cohort counts its members),
    ``cut_off_weight`` that of the cut-off firms alone; ``unsized_cohorts`` lists the failed
    cohorts whose size is unknown (each weighs 1: the weights are then lower bounds).
    """

    removed: list[str]
    rounds: list[list[str]]
    closed_loops: list[str]
    cut_off: list[str]
    partial: list[PartialHit]
    lost_capacity: float | None
    capacity_unknown: list[str]
    lost_output_value: float | None
    output_value_unknown: list[str]
    lost_weight: int
    cut_off_weight: int
    unsized_cohorts: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict, repr=False, compare=False)


def _edge_share(G, s: str, c: str) -> float | None:
    shares = [r["share"] for r in G.edges[s, c].get("relations", []) if r.get("share") is not None]
    return max(shares) if shares else None


def _known_sum(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def whatif(source, firms, *, cluster: str | None = None) -> WhatIf:
    """Remove ``firms`` (IRIs) and propagate the failure round by round, O(V + E).

    A firm with suppliers fails when all of them have failed; a firm without suppliers
    (or supplied only by itself) never fails by cascade. When the rounds end, one
    search from the surviving entry points (see :class:`DominatorTree`) finds the firms
    that no supply path reaches any more although each still has a live supplier (a
    cycle that has lost its outside supply): they are ``closed_loops``. Raises
    :class:`~kg.errors.UnknownName` for a firm not in the network.

    >>> from kg.network import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("b", "c"), ("c", "d"), ("x", "d")],
    ...                        capacity={"a": 5.0, "b": 2.0})
    >>> w = whatif(G, ["a"])
    >>> w.rounds, w.lost_capacity, w.capacity_unknown, [h.iri for h in w.partial]
    ([['b'], ['c']], 7.0, ['c'], ['d'])
    """
    G = as_network(source, cluster=cluster)
    removed = sorted(set(firms))
    for f in removed:
        if f not in G:
            raise UnknownName(f, [])
    alive_suppliers = {v: sum(1 for u in G.predecessors(v) if u != v) for v in G}
    failed = set(removed)
    rounds: list[list[str]] = []
    frontier = removed
    while frontier:
        nxt = []
        for u in frontier:
            for v in G.successors(u):
                if v == u or v in failed:
                    continue
                alive_suppliers[v] -= 1
                if alive_suppliers[v] == 0:
                    failed.add(v)
                    nxt.append(v)
        if nxt:
            rounds.append(sorted(nxt))
        frontier = nxt

    # Cycles that lost their outside supply: not reachable from any surviving entry point.
    reached = set()
    stack = [v for v in _entry_points(G) if v not in failed]
    reached.update(stack)
    while stack:
        u = stack.pop()
        for v in G.successors(u):
            if v not in failed and v not in reached:
                reached.add(v)
                stack.append(v)
    closed_loops = sorted(v for v in G if v not in failed and v not in reached)
    failed.update(closed_loops)
    cut_off = sorted(failed - set(removed))

    hit: dict[str, list[str]] = {}
    for u in failed:
        for v in G.successors(u):
            if v != u and v not in failed:
                hit.setdefault(v, []).append(u)
    partial = []
    for v in sorted(hit):
        lost = sorted(hit[v])
        total = sum(1 for u in G.predecessors(v) if u != v)
        shares = [_edge_share(G, u, v) for u in lost]
        if all(s is not None for s in shares):
            fraction, basis = min(1.0, sum(shares)), "share"
        else:
            fraction, basis = len(lost) / total, "count"
        partial.append(PartialHit(v, node_label(G, v), lost, total, fraction, basis))

    everything = removed + cut_off
    capacity = [G.nodes[v].get("capacity") for v in everything]
    output = [G.nodes[v].get("output_value") for v in everything]
    return WhatIf(
        removed=removed,
        rounds=rounds,
        closed_loops=closed_loops,
        cut_off=cut_off,
        partial=partial,
        lost_capacity=_known_sum(capacity),
        capacity_unknown=[v for v, c in zip(everything, capacity) if c is None],
        lost_output_value=_known_sum(output),
        output_value_unknown=[v for v, o in zip(everything, output) if o is None],
        lost_weight=sum(G.nodes[v].get("weight", 1) for v in everything),
        cut_off_weight=sum(G.nodes[v].get("weight", 1) for v in cut_off),
        unsized_cohorts=[v for v in everything if _unsized(G, v)],
        labels={v: node_label(G, v) for v in (*everything, *hit)},
    )
