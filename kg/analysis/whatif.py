"""What-if: the failure cascade when firms fail.

:func:`whatif` removes firms and propagates the failure round by round: a firm fails
when every one of its suppliers has failed; a firm that loses some suppliers is hit in
part.

>>> from kg.analysis.whatif import whatif
>>> from kg.network.model import network_from_edges
>>> G = network_from_edges([("smelter", "mill"), ("mill", "cohort"), ("other", "cohort")],
...                        weight={"cohort": 60})
>>> w = whatif(G, ["smelter"])
>>> w.rounds, [(h.iri, h.lost_fraction) for h in w.partial]
([['mill']], [('cohort', 0.5)])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.analysis.dominance import entry_points, is_unsized_cohort
from kg.errors import UnknownName
from kg.network.model import node_label


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
    (:func:`~kg.analysis.dominance.single_points_of_failure`). ``partial`` are the firms
    that lose part of their supply and keep some. ``lost_capacity`` adds the capacity (t/yr) of every failed
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


def whatif(G, firms) -> WhatIf:
    """Remove ``firms`` (IRIs) from the supply network ``G`` and propagate the failure round by round, O(V + E).

    A firm with suppliers fails when all of them have failed; a firm without suppliers
    (or supplied only by itself) never fails by cascade. When the rounds end, one
    search from the surviving entry points (see :class:`~kg.analysis.dominance.DominatorTree`) finds the firms
    that no supply path reaches any more although each still has a live supplier (a
    cycle that has lost its outside supply): they are ``closed_loops``. Raises
    :class:`~kg.errors.UnknownName` for a firm not in the network.

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("b", "c"), ("c", "d"), ("x", "d")],
    ...                        capacity={"a": 5.0, "b": 2.0})
    >>> w = whatif(G, ["a"])
    >>> w.rounds, w.lost_capacity, w.capacity_unknown, [h.iri for h in w.partial]
    ([['b'], ['c']], 7.0, ['c'], ['d'])
    """
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
    stack = [v for v in entry_points(G) if v not in failed]
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
        unsized_cohorts=[v for v in everything if is_unsized_cohort(G, v)],
        labels={v: node_label(G, v) for v in (*everything, *hit)},
    )
