"""The compiled ESRI model and cascade state (saved in the analysis index)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from kg.utils.arrays import RowProduct, narrow, pack_strings, unpack_strings

THRESHOLD = 0.01
"""The paper's convergence threshold: stop once the largest change of health in a round is at most this."""

BOUNDS = ("stated", "named")
"""``stated``: a link counts only for the share of the customer's input (or of the supplier's
sales) a source states, the rest being outside the network and unaffected (the cautious
bound, the default); ``named``: the named partners are all of a firm's trade."""


MAX_ROUNDS = 100


EPS = 1e-12
"""Losses below this are rounding, not losses."""


@dataclass(frozen=True)
class Cascade:
    """The end state of one failure's propagation.

    ``health``, ``downstream`` and ``upstream`` hold ``h_i``, ``h_i^d`` and
    ``h_i^u`` of the nodes the shock reached (every other node: 1.0).
    ``changes[t]`` is the largest change in round ``t + 1``.
    """

    firm: str
    esri: float
    health: dict[str, float]
    downstream: dict[str, float]
    upstream: dict[str, float]
    rounds: int
    converged: bool
    changes: tuple[float, ...]
    lost_weight: float
    total_weight: float
    assumptions: tuple[str, ...]


_ARRAYS = (
    "weight",
    "essential_ptr",
    "group_indptr",
    "group_indices",
    "group_data",
    "group_low",
    "other_indptr",
    "other_indices",
    "other_data",
    "other_low",
    "sales_indptr",
    "sales_indices",
    "sales_data",
    "sales_low",
    "supply_indptr",
    "supply_indices",
    "notes",
)


@dataclass(eq=False)
class CompiledModel:
    """The impact coefficients of a network as sparse matrices over its nodes, numbered in IRI order.

    ``nodes[i]`` is node ``i`` (the IRIs, sorted); ``weight[i]`` its output weight
    ``s_i``, ``total`` their sum. Three CSR matrices, each given by its
    ``*_indptr``, ``*_indices`` (column: the supplier or customer) and
    ``*_data`` (the "named" bound; ``*_low``, same places: the "stated" bound):

    - ``group``: one row per essential input group ``k``, ``W[j,i,k] / Pi(i,k)`` of each
      supplier ``j``; customer ``i``'s groups are rows
      ``essential_ptr[i]:essential_ptr[i + 1]``;
    - ``other``: row ``i``, ``W[j,i,p] / s_in(i)`` of the non-essential inputs of
      customer ``i`` (irrelevant inputs have no entry);
    - ``sales``: row ``i``, supplier ``i``'s share of sales ``c_ij = W[i,j] / s_out(i)`` per
      customer ``j``.

    ``supply_indptr`` / ``supply_indices``: the supply network itself (row:
    supplier, columns: its customers), for reachability. ``notes[i]``: bit 1
    if node ``i`` has notes on its inputs, 2 on its sales, 4 on its weight
    (the texts stay with the :func:`~kg.analysis.esri.compile.prepare` model).

    >>> from kg.analysis.esri.compile import prepare
    >>> from kg.analysis.esri.cascade import propagate
    >>> import io
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("smelter", "mill", relations=[{"product": "metal"}])
    >>> g.add_edge("smelter", "shop", relations=[{"product": "metal"}])
    >>> buffer = io.BytesIO()
    >>> np.savez(buffer, **prepare(g).compiled.to_arrays())
    >>> _ = buffer.seek(0)
    >>> cm = CompiledModel.from_arrays(np.load(buffer, allow_pickle=False))
    >>> state = propagate(cm, cm.number("smelter"), bound="named")
    >>> state.esri, {cm.nodes[i]: float(state.health[i]) for i in state.reached}
    (1.0, {'mill': 0.0, 'shop': 0.0, 'smelter': 0.0})
    """

    nodes: list
    weight: np.ndarray
    total: float
    essential_ptr: np.ndarray
    group_indptr: np.ndarray
    group_indices: np.ndarray
    group_data: np.ndarray
    group_low: np.ndarray
    other_indptr: np.ndarray
    other_indices: np.ndarray
    other_data: np.ndarray
    other_low: np.ndarray
    sales_indptr: np.ndarray
    sales_indices: np.ndarray
    sales_data: np.ndarray
    sales_low: np.ndarray
    supply_indptr: np.ndarray
    supply_indices: np.ndarray
    notes: np.ndarray

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Every field as a numpy array, for ``numpy.savez``: ``nodes`` UTF-8 encoded and
        NUL-separated (uint8), ``total`` 0-d, node and entry numbers as int32."""
        out = {name: narrow(getattr(self, name)) for name in _ARRAYS}
        out["nodes"] = pack_strings(self.nodes)
        out["total"] = np.array(self.total, dtype=np.float64)
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], *, strings=None) -> CompiledModel:
        """The model back from :meth:`to_arrays` (or a ``numpy.load`` of what it saved).

        ``strings=PackedStrings`` decodes the node IRIs only when read (a fresh process
        that runs one cascade)."""
        return cls(
            nodes=(strings or unpack_strings)(arrays["nodes"]),
            total=float(arrays["total"]),
            **{name: np.asarray(arrays[name]) for name in _ARRAYS},
        )

    @cached_property
    def index(self) -> dict[str, int]:
        """Node → its number (a dict of every node: for many look-ups)."""
        return {n: i for i, n in enumerate(self.nodes)}

    def number(self, node: str) -> int:
        """The number of one node, by bisection of the sorted ``nodes`` (no dict to build).

        Raises ``KeyError`` for a node not in the model.
        """
        i = bisect_left(self.nodes, node)
        if i == len(self.nodes) or self.nodes[i] != node:
            raise KeyError(node)
        return i

    def rows(self, prefix: str, rows: np.ndarray, bound: str = "named") -> RowProduct:
        """Rows ``rows`` of the ``group``, ``other`` or ``sales`` matrix of a bound, for products with vectors."""
        data = getattr(self, f"{prefix}_{'low' if bound == 'stated' else 'data'}")
        indices, indptr = (getattr(self, f"{prefix}_{part}") for part in ("indices", "indptr"))
        return RowProduct(data, indices, indptr, rows)

    @cached_property
    def demand_lists(self) -> tuple[np.ndarray, np.ndarray]:
        """Customer → supplier: the transpose of ``supply_indptr``/``supply_indices``
        (``indptr``, ``indices``), each customer's suppliers in node order."""
        n = len(self.nodes)
        indptr, indices = self.supply_indptr, self.supply_indices
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        order = np.argsort(indices, kind="stable")
        counts = np.bincount(indices, minlength=n) if len(indices) else np.zeros(n, dtype=np.int64)
        return np.r_[0, np.cumsum(counts)], rows[order]

    @cached_property
    def has_sales(self) -> np.ndarray:
        return np.diff(self.sales_indptr) > 0


@dataclass(frozen=True, eq=False)
class CascadeState:
    """One cascade on a :class:`CompiledModel`, as arrays over every node.

    ``downstream``, ``upstream`` and ``health`` hold ``h^d``, ``h^u`` and
    ``h`` of every node (1.0 where the shock did not reach). ``down`` and
    ``up`` are the failing firm's descendants and ancestors (itself
    excluded), ``reached`` the firm and both (the keys of
    :attr:`Cascade.health`), each sorted. ``changes[t]``: the largest change
    in round ``t + 1``.
    """

    firm: int
    downstream: np.ndarray
    upstream: np.ndarray
    health: np.ndarray
    down: np.ndarray
    up: np.ndarray
    reached: np.ndarray
    changes: tuple[float, ...]
    converged: bool
    lost_weight: float
    total_weight: float
    esri: float

    @property
    def rounds(self) -> int:
        return len(self.changes)


@dataclass
class Model:
    weight: dict[str, float]
    total: float
    basis: str
    #: customer -> one [(supplier, named, stated)] list per essential input group (the reference only)
    essential_inputs: dict[str, list[list[tuple[str, float, float]]]]
    #: customer -> [(supplier, named, stated)] over its non-essential inputs (the reference only)
    other_inputs: dict[str, list[tuple[str, float, float]]]
    #: supplier -> [(customer, named, stated)] shares of its sales (the reference only)
    sales: dict[str, list[tuple[str, float, float]]]
    down_notes: Mapping[str, list[str]]  # customer -> what its input coefficients assume
    up_notes: Mapping[str, list[str]]  # supplier -> what its sales coefficients assume
    own_notes: Mapping[str, list[str]]  # node -> what its weight assumes
    general: list[str]
    compiled: CompiledModel | None = None  # compiled
    note_table: object = None  # compiled: () -> NoteTable
