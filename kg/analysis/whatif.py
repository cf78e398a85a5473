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
from kg.network.model import node_label, overlap_groups


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
    included: dict[str, str] = field(default_factory=dict)
    """A failed node -> the failed cohort it is stated to be part of (``part_of``), which counts
    it: it is not counted again."""
    overlapping: list[list[str]] = field(default_factory=list)
    """Failed cohorts stated to overlap (``overlaps``), each group counted once, as its largest."""
    subsidiaries: dict[str, str] = field(default_factory=dict)
    """A removed subsidiary -> the removed group it failed with (``with_subsidiaries``)."""
    lower_bound: bool = False
    """``lost_weight`` is a lower bound: a failed cohort's size is not stated, or overlapping
    cohorts count as their largest."""
    notes: list[str] = field(default_factory=list)
    """What the figures rest on, one sentence each (counted once, sizes, coverage, capacity)."""


def _edge_share(G, s: str, c: str) -> float | None:
    shares = [r["share"] for r in G.edges[s, c].get("relations", []) if r.get("share") is not None]
    return max(shares) if shares else None


def _known_sum(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def with_subsidiaries(links, firms) -> dict[str, str]:
    """The subsidiaries (and theirs, transitively) of ``firms`` from group links
    (subsidiary, group) as :func:`kg.network.project.group_links` returns them:
    subsidiary -> the group in ``firms`` it belongs to. Firms already named are left out.

    >>> with_subsidiaries([("s1", "g"), ("s2", "g"), ("s3", "s1"), ("x", "h")], ["g"])
    {'s1': 'g', 's2': 'g', 's3': 'g'}
    """
    named = set(firms)
    subs: dict[str, list[str]] = {}
    for sub, group in links:
        subs.setdefault(group, []).append(sub)
    out: dict[str, str] = {}
    for top in sorted(named):
        stack = [top]
        while stack:
            for sub in sorted(subs.get(stack.pop(), ())):
                if sub not in named and sub not in out:
                    out[sub] = top
                    stack.append(sub)
    return dict(sorted(out.items()))


def count_once(G, nodes) -> tuple[int, bool, dict[str, str], list[list[str]]]:
    """How many firms ``nodes`` are, each counted once: (count, lower bound?, included,
    overlapping groups).

    A node stated to be part of a cohort in ``nodes`` (node attribute ``part_of``) is
    counted inside it, not again (``included``: node -> the outermost such cohort). A
    cohort counts its stated member count, or, when none is stated, at least 1 and at least
    the members counted inside it. Cohorts stated to overlap (``overlaps``) count once
    together, as the largest of them (a lower bound: the overlap is not stated).

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([], nodes=["f", "c", "d", "e"], weight={"d": 60, "e": 12})
    >>> G.nodes["f"]["part_of"] = ["c"]; G.nodes["c"]["kind"] = "cohort"
    >>> G.nodes["c"]["overlaps"] = ["d"]; G.nodes["d"]["overlaps"] = ["c"]
    >>> count_once(G, ["f", "c", "d", "e"])  # f inside c; c and d overlap: 60; e: 12
    (72, True, {'f': 'c'}, [['c', 'd']])
    >>> count_once(G, ["f", "e"])  # c did not fail: f counts for itself
    (13, False, {}, [])
    """
    nodes = set(nodes)
    parent = {}
    for v in sorted(nodes):
        inside = sorted(c for c in G.nodes[v].get("part_of") or () if c in nodes and c != v)
        if inside:
            parent[v] = inside[0]

    def outermost(v):
        seen = {v}
        while v in parent and parent[v] not in seen:
            v = parent[v]
            seen.add(v)
        return v

    included = {v: outermost(v) for v in sorted(parent)}
    included = {v: c for v, c in included.items() if c != v}
    tops = sorted(v for v in nodes if v not in included)
    children: dict[str, list[str]] = {}
    for v in sorted(parent):
        if v in included:
            children.setdefault(parent[v], []).append(v)
    lower = False

    def size(v) -> int:
        nonlocal lower
        inner = sum(size(c) for c in children.get(v, ()))
        if is_unsized_cohort(G, v):
            lower = True
            return max(1, inner)
        return max(int(G.nodes[v].get("weight", 1) or 1), inner)

    sizes = {v: size(v) for v in tops}
    parts = overlap_groups(G, tops)
    overlapping = [p for p in parts if len(p) > 1]
    if overlapping:
        lower = True
    total = sum(max(sizes[v] for v in p) for p in parts)
    return total, lower, included, overlapping


def whatif(G, firms, *, subsidiaries: dict[str, str] | None = None) -> WhatIf:
    """Remove ``firms`` (IRIs) from the supply network ``G`` and propagate the failure round by round, O(V + E).

    A firm with suppliers fails when all of them have failed; a firm without suppliers
    (or supplied only by itself) never fails by cascade. When the rounds end, one
    search from the surviving entry points (see :class:`~kg.analysis.dominance.DominatorTree`) finds the firms
    that no supply path reaches any more although each still has a live supplier (a
    cycle that has lost its outside supply): they are ``closed_loops``. Raises
    :class:`~kg.errors.UnknownName` for a firm not in the network.

    ``subsidiaries`` (subsidiary -> group, see :func:`with_subsidiaries`) fail as well,
    with their group. Firms are counted once (:func:`count_once`): ``lost_weight`` does not
    count a firm again inside a failed cohort it is part of, nor overlapping cohorts twice.
    ``notes`` say what the figures rest on.

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("b", "c"), ("c", "d"), ("x", "d")],
    ...                        capacity={"a": 5.0, "b": 2.0})
    >>> w = whatif(G, ["a"])
    >>> w.rounds, w.lost_capacity, w.capacity_unknown, [h.iri for h in w.partial]
    ([['b'], ['c']], 7.0, ['c'], ['d'])
    """
    subsidiaries = {s: g for s, g in (subsidiaries or {}).items() if s in G}
    removed = sorted(set(firms) | set(subsidiaries))
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
    lost_weight, lower, included, overlapping = count_once(G, everything)
    labels = {v: node_label(G, v) for v in (*everything, *hit, *subsidiaries.values())}
    notes = _notes(G, labels, everything, cut_off, partial, capacity, included, overlapping, subsidiaries)
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
        lost_weight=lost_weight,
        cut_off_weight=count_once(G, cut_off)[0],
        unsized_cohorts=[v for v in everything if is_unsized_cohort(G, v)],
        labels=labels,
        included=included,
        overlapping=overlapping,
        subsidiaries=dict(sorted(subsidiaries.items())),
        lower_bound=lower,
        notes=notes,
    )


def _notes(G, labels, failed, cut_off, partial, capacity, included, overlapping, subsidiaries) -> list[str]:
    """The sentences a what-if rests on (see :attr:`WhatIf.notes`)."""
    notes = []
    for sub, group in sorted(subsidiaries.items(), key=lambda kv: (labels[kv[1]], labels[kv[0]])):
        notes.append(f"{labels[sub]} fails with its group {labels[group]} (a stated subsidiary)")
    for v, c in included.items():
        notes.append(f"{labels[v]} is counted once, inside {labels[c]} (stated to be part of it)")
    for group in overlapping:
        notes.append("overlapping cohorts are counted once, as the largest: " + "; ".join(labels[v] for v in group))
    for name in sorted(labels[v] for v in failed if v not in included and is_unsized_cohort(G, v)):
        notes.append(f"the size of {name} is not stated: it counts as at least 1, or as the members named in it")
    unstated = [v for v in cut_off if not _fully_stated(G, v)]
    if unstated:
        notes.append("cut off means every supplier the sources name has failed; for "
                     + "; ".join(labels[v] for v in unstated)
                     + " the sources do not state that these are all its supply (coverage not stated)")
    weaker = sorted({f"{labels[v]} (\u201c{kind}\u201d)" for v in (*cut_off, *(h.iri for h in partial))
                     for u in G.predecessors(v) for kind in _kinds(G, u, v) if kind != "supplies"})
    if weaker:
        notes.append("stated only in weaker words than supply: " + "; ".join(weaker))
    known = sum(c is not None for c in capacity)
    if capacity and not known:
        notes.append("no failed firm, group or cohort has a stated capacity: the capacity lost is not stated "
                     "(unknown, not zero)")
    elif known < len(capacity):
        notes.append(f"capacity is stated for {known} of the {len(capacity)} failed firms, groups and cohorts; "
                     "the total adds those only (the rest is not stated: unknown, not zero)")
    return notes


def _kinds(G, u: str, v: str) -> set[str]:
    return {r.get("kind") or "supplies" for r in G.edges[u, v].get("relations", ())}


def _fully_stated(G, v: str) -> bool:
    """Whether the sources state shares of ``v``'s input that add up to all of it."""
    shares = [_edge_share(G, u, v) for u in G.predecessors(v) if u != v]
    return bool(shares) and all(x is not None for x in shares) and sum(shares) >= 1 - 1e-9
