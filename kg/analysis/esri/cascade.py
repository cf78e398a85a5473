"""ESRI cascades: propagation of a shock, reached nodes, the firms affected."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kg.analysis.esri.compile import prepare
from kg.analysis.esri.model import (
    BOUNDS,
    EPS,
    MAX_ROUNDS,
    THRESHOLD,
    Cascade,
    CascadeState,
    CompiledModel,
    Model,
)
from kg.analysis.esri.notes import NoteTable
from kg.errors import UnknownName
from kg.network.scheme import EssentialMap
from kg.utils.arrays import concat_ranges


class Affected(Sequence):
    """The ``(node, loss)`` pairs of a cascade, made from its arrays only when read.

    Reads like the tuple it stands for (``len``, indexing, slicing to a tuple,
    iteration, ``==`` with a tuple, ``hash``); at 100k firms the top 100
    cascades hit over a million nodes, and building every pair costs more than
    the cascades.
    """

    __slots__ = ("_index", "_loss", "_nodes", "_pairs")

    def __init__(self, nodes: list, index: np.ndarray, loss: np.ndarray):
        self._nodes = nodes
        self._index = index
        self._loss = loss
        self._pairs: tuple | None = None

    def _make(self, index: np.ndarray, loss: np.ndarray) -> tuple[tuple[str, float], ...]:
        return tuple(zip(map(self._nodes.__getitem__, index.tolist()), loss.tolist()))

    def pairs(self) -> tuple[tuple[str, float], ...]:
        if self._pairs is None:
            self._pairs = self._make(self._index, self._loss)
        return self._pairs

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return (
                self._pairs[k]
                if self._pairs is not None
                else self._make(self._index[k], self._loss[k])
            )
        return (self._nodes[self._index[k]], float(self._loss[k]))

    def __iter__(self):
        return iter(self.pairs())

    def __eq__(self, other) -> bool:
        if isinstance(other, (Affected, tuple)):
            return self.pairs() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pairs())

    def __repr__(self) -> str:
        return repr(self.pairs())


def reachable(indptr: np.ndarray, indices: np.ndarray, start: int) -> np.ndarray:
    """The nodes reachable from ``start`` (itself included), sorted, in a graph given as
    compressed rows (node ``i``'s successors are ``indices[indptr[i]:indptr[i + 1]]``).

    A breadth-first search a whole level at a time, in numpy (what
    ``scipy.sparse.csgraph.breadth_first_order`` finds, without importing
    ``scipy.sparse.csgraph``, which brings ``scipy.linalg`` with it: 0.14 s of a
    fresh ``kg depends``).

    >>> # 0 -> 1 -> 2, 0 -> 3, 4 -> 0
    >>> reachable(np.array([0, 2, 3, 3, 3, 4]), np.array([1, 3, 2, 0]), 0).tolist()
    [0, 1, 2, 3]
    """
    seen = np.zeros(len(indptr) - 1, dtype=bool)
    seen[start] = True
    frontier = np.array([start], dtype=np.int64)
    while len(frontier):
        successors = indices[concat_ranges(indptr, frontier)]
        frontier = np.unique(successors[~seen[successors]])
        seen[frontier] = True
    return np.flatnonzero(seen)


def propagate(
    model: CompiledModel,
    firm: int,
    *,
    threshold: float = THRESHOLD,
    max_rounds: int = MAX_ROUNDS,
    bound: str = "stated",
) -> CascadeState:
    """Propagate the failure of node number ``firm`` on a compiled model under ``bound``
    ("stated" or "named", see :data:`kg.analysis.esri.model.BOUNDS`).

    Same rounds as the reference :func:`kg.analysis.esri.reference.cascade_python` (values to
    rounding); only the firm's descendants (downstream shock) and ancestors (upstream shock)
    are updated; it stops after the first round whose largest change is at most ``threshold``.
    """
    n = len(model.nodes)
    if not 0 <= firm < n:
        raise IndexError(f"no node number {firm} in a model of {n} nodes")
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    down = reachable(model.supply_indptr, model.supply_indices, firm)
    down = down[down != firm]
    up = reachable(*model.demand_lists, firm)
    up = up[up != firm]
    hd = np.ones(n)
    hu = np.ones(n)
    hd[firm] = hu[firm] = 0.0
    # the rows of the reached nodes only, taken once: every round updates all of them, as the
    # reference does (updating only the rows whose inputs changed gives the same floats but,
    # with a row selection per round, took 1.5 times as long at 100k firms)
    count = model.essential_ptr[down + 1] - model.essential_ptr[down]
    grouped = count > 0
    starts = (np.cumsum(count) - count)[grouped]
    if bound not in BOUNDS:
        raise ValueError(f"bound must be one of {', '.join(BOUNDS)}, not {bound!r}")
    groups = model.rows("group", concat_ranges(model.essential_ptr, down), bound) if grouped.any() else None
    other = model.rows("other", down, bound)
    sales = model.rows("sales", up, bound)
    sells = model.has_sales[up]
    changes: list[float] = []
    converged = False
    for _ in range(max_rounds):
        delta = 0.0
        if len(down):
            missing = 1.0 - hd
            cap = np.ones(len(down))
            if groups is not None:
                cap[grouped] = np.minimum(1.0, np.minimum.reduceat(1.0 - groups @ missing, starts))
            new_d = np.maximum(0.0, np.minimum(cap, 1.0 - other @ missing))
            delta = float(np.abs(new_d - hd[down]).max())
        if len(up):
            new_u = np.where(sells, np.maximum(0.0, np.minimum(1.0, 1.0 - sales @ (1.0 - hu))), 1.0)
            delta = max(delta, float(np.abs(new_u - hu[up]).max()))
            hu[up] = new_u
        if len(down):
            hd[down] = new_d
        changes.append(delta)
        if delta <= threshold:
            converged = True
            break
    health = np.minimum(hd, hu)
    mark = np.zeros(n, dtype=bool)
    if changes:
        mark[down] = mark[up] = True
    mark[firm] = True
    reached = np.flatnonzero(mark)
    lost = float(np.cumsum(model.weight[reached] * (1.0 - health[reached]))[-1])  # left to right
    return CascadeState(
        firm=firm,
        downstream=hd,
        upstream=hu,
        health=health,
        down=down,
        up=up,
        reached=reached,
        changes=tuple(changes),
        converged=converged,
        lost_weight=lost,
        total_weight=model.total,
        esri=lost / model.total if model.total > 0 else 0.0,
    )


def cascade(
    network,
    firm: str,
    *,
    essential: EssentialMap | None = None,
    threshold: float = THRESHOLD,
    weights: str = "auto",
    max_rounds: int = MAX_ROUNDS,
    model: Model | None = None,
    bound: str = "stated",
) -> Cascade:
    """Propagate the failure of ``firm`` (``psi_firm = 0``) under ``bound`` and return the end state.

    ``model`` (from :func:`prepare`) saves recomputing coefficients across calls.
    The reference is :func:`kg.analysis.esri.reference.cascade_python`.

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b", relations=[{"product": "metal"}])
    >>> g.add_edge("b", "c", relations=[{"product": "strip"}])
    >>> c = cascade(g, "a", bound="named")  # no shares stated: the named suppliers are all
    >>> c.health, c.rounds, c.changes, c.esri
    ({'a': 0.0, 'b': 0.0, 'c': 0.0}, 3, (1.0, 1.0, 0.0), 1.0)
    >>> cascade(g, "a").health  # the stated bound: no share stated, so no link counts
    {'a': 0.0, 'b': 1.0, 'c': 1.0}
    """
    if firm not in network:
        raise UnknownName(firm, [])
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    model = model or prepare(network, essential=essential, weights=weights)
    if model.compiled is None:
        raise ValueError("a reference model: use kg.analysis.esri.reference.cascade_python")
    cm = model.compiled
    state = propagate(cm, cm.index[firm], threshold=threshold, max_rounds=max_rounds, bound=bound)
    nodes = cm.nodes

    def values(h, which):
        keys = np.sort(np.r_[which, state.firm]) if state.changes else np.array([state.firm])
        return {nodes[i]: v for i, v in zip(keys.tolist(), h[keys].tolist())}

    return Cascade(
        firm=firm,
        esri=state.esri,
        health=values(state.health, state.reached),
        downstream=values(state.downstream, state.down),
        upstream=values(state.upstream, state.up),
        rounds=state.rounds,
        converged=state.converged,
        changes=state.changes,
        lost_weight=state.lost_weight,
        total_weight=state.total_weight,
        assumptions=assumptions(cm, model.note_table(), state, max_rounds=max_rounds),
    )


def assumptions(
    compiled: CompiledModel, notes: NoteTable, state: CascadeState, *, max_rounds: int = MAX_ROUNDS
) -> tuple[str, ...]:
    """What a compiled cascade relied on: :attr:`Cascade.assumptions`, from arrays alone.

    The general notes, the failing firm's own weight, then node by node in IRI
    order the notes of every node the cascade hit (its inputs if ``h^d`` fell,
    its sales if ``h^u`` fell, its weight if ``h`` fell), each text once, as the
    reference words them; ``max_rounds``: the limit the cascade ran with.
    """
    firm = state.firm
    reached = state.reached[state.reached != firm]
    flags = compiled.notes[reached]
    kinds = np.stack(
        [
            (state.downstream[reached] < 1.0 - EPS) & (flags & 1 > 0),
            (state.upstream[reached] < 1.0 - EPS) & (flags & 2 > 0),
            (state.health[reached] < 1.0 - EPS) & (flags & 4 > 0),
        ],
        axis=1,
    )
    rows = (3 * reached[:, None] + np.arange(3))[kinds]  # node by node: inputs, sales, weight
    if compiled.notes[firm] & 4:
        rows = np.r_[3 * firm + 2, rows]  # the failing firm's own weight first
    out = notes.gather(rows)
    if not state.converged:
        text = f"did not converge within {max_rounds} rounds"
        if text not in out:
            out.append(text)
    return tuple(out)


def affected(compiled: CompiledModel, state: CascadeState) -> Affected:
    """The nodes a compiled cascade hit, largest loss first (then heaviest, then IRI):
    :attr:`~kg.analysis.esri.ranking.EsriResult.affected`."""
    reached = state.reached
    hit = reached[(reached != state.firm) & (state.health[reached] < 1.0 - EPS)]
    loss = 1.0 - state.health[hit]
    order = np.lexsort((hit, -compiled.weight[hit], -loss))
    return Affected(compiled.nodes, hit[order], loss[order])
