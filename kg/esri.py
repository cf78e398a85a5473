r"""Economic Systemic Risk Index (ESRI): how much of a network's production a firm's failure takes down.

After Diem, Borsos, Reisch, Kertész and Thurner, "Quantifying firm-level
economic systemic risk from nation-wide supply networks", Scientific Reports
12:7719 (2022), arXiv:2104.07260. We could not read the published text
itself; the equations below are the paper's model as two later works restate
it (the mathematical-model page of ESRIcascade.jl, Devetak and Klimek, checked
against the reference cascade code of Diem et al.; and a multilayer bank–firm
model that restates its eqs. 5–13), with our departures marked **[ours]**.

The model
---------
Every node ``i`` of the supply network (firm, group or cohort) has a health
``h_i`` in [0, 1], the fraction of its normal production it still makes. The
failing firm ``f`` gets ``psi_f = 0``, every other node ``psi_i = 1``, and
``h_i(0) = psi_i``. Two shocks spread separately, each from ``h(0)``:

*Downstream* (missing inputs). Firm ``i``'s inputs are grouped; a group is
essential for ``i`` or not (generalised Leontief production function: the
scarcest essential input caps output, the other inputs act linearly):

    Pi_ip(t) = 1 - sum_{j supplies group p}  L_jip * (1 - h_j^d(t))       (essential group p)
    Pi_i(t)  = 1 - sum_{p not essential} sum_j  L_jip * (1 - h_j^d(t))   (all other inputs)
    h_i^d(t+1) = min( min_{p essential} Pi_ip(t),  Pi_i(t),  psi_i )

with ``L_jip = w_ji / S_pi`` (``j``'s part of ``i``'s input of ``p``) for an
essential group and ``L_jip = w_ji / S_i`` (``j``'s part of all of ``i``'s
inputs) otherwise.

*Upstream* (lost customers). A supplier loses the share of its sales that went
to failing customers:

    h_i^u(t+1) = min( sum_{j customer of i}  (w_ij / R_i) * h_j^u(t),  psi_i )

where ``R_i`` is ``i``'s sales inside the network (a node without customers
keeps ``h_i^u = psi_i``).

Both are iterated synchronously (every update uses the values of round ``t``)
until the largest change of any ``h^d`` or ``h^u`` in a round is below the
threshold (0.01 in the paper). Then ``h_i = min(h_i^d, h_i^u)`` and

    ESRI_f = sum_i  s_i * (1 - h_i)  /  sum_i s_i

the output-weighted share of the network's production lost, the failing firm's
own output included. The two shocks do not mix: a customer cut off from its
inputs does not, in turn, cut its own suppliers' sales. Here ``h`` never rises
(each map is monotone and starts at ``psi <= 1``), so taking the minimum with
``h_i(t)`` would change nothing.

Departures, because the articles give less than a VAT data set **[ours]**
----------------------------------------------------------------------------
1. *Input groups are product concepts, not NACE sectors.* An input belongs to
   the narrowest concept of the value-chain scheme (``ontology/products.ttl``)
   that is declared ``ckg:essentialFeedstockFor`` (or else
   ``ckg:feedstockFor``) one of the customer's products, closed under
   ``skos:broader`` on both sides: molten aluminium and aluminium ingot are one
   group, aluminium metal, essential for a rolling mill's strip. An input
   declared for none of its products is its own, non-essential group. A
   customer making several products treats an input as essential if it is
   essential for any of them (the pessimistic choice). A customer whose
   products are unknown has no essential inputs.
2. *No money flows.* ``w_ji`` is unknown, so a customer's inputs weigh the same
   per group (``S_i`` is the number of groups), and inside a group each
   supplier has its share of the group: the stated ``ckg:share``, or, where no
   share is stated, an even split of what the stated shares leave
   (:func:`kg.concentration.product_shares`). A group of several products
   averages the supplier's shares of them; a relation naming several products
   counts for each.
3. *Sales* (``w_ij / R_i``) are split by the stated supply volumes when every
   sale of the supplier states one in one unit, otherwise by the customers'
   weights (a cohort of 60 firms buys as much as 60 firms; a firm counts 1).
   As in the paper, sales outside the network do not count, so a supplier
   whose other customers the articles do not name loses more than it would.
4. *Output weights* ``s_i`` (the paper's sales): the node's capacity (t/yr)
   when every node states one, otherwise its ``weight`` (1 for a firm, the
   member count for a cohort) — the firm count of the production lost.
5. *No replacement of suppliers.* The paper lets customers replace a failed
   supplier in proportion to its market share in its sector; our graph holds
   only the firms the articles name, so market shares cannot be measured and
   a lost supplier is not replaced (the paper's upper bound).

Every result lists the assumptions its cascade relied on (``assumptions``):
even splits of unstated shares, sales split by customer weight, inferred
links, customers with unknown products.

Cost and pruning
----------------
:func:`prepare` scans the network once into numpy arrays
(:func:`kg.concentration.supply_table`) and compiles the impact coefficients
into sparse matrices over the nodes numbered in IRI order
(:class:`CompiledModel`): the essential input groups as the rows of one CSR
matrix (``essential_ptr`` maps a customer to its rows), the non-essential
inputs as one CSR matrix, the sales shares as another. One cascade
(:func:`propagate`) first finds the failing firm's descendants and ancestors
(:func:`reachable`, a level-at-a-time search in numpy), keeps the rows of those nodes
only, and then costs a few sparse matrix–vector products per round: the
minimum over a customer's essential groups is a ``np.minimum.reduceat``. Every
other node keeps ``h = 1`` exactly. The assumption notes are worded once per
node (when a cascade first needs them) and gathered by number; the ``affected``
pairs of a result are made when read (:class:`Affected`). Python's cyclic
garbage collector is paused while these objects are built
(:func:`kg.engine.gc_paused`). At 100k firms and 439k links,
``esri(top=100)`` takes about 4.5 s of CPU, of which 2 s are :func:`prepare`
and 1.3 s its scan of the network (the pure-Python version: 90 s of CPU); pass
``table=supply_table(network)`` to :func:`esri` and
:func:`kg.concentration.sole_supplier_links` to scan the network once for both.

Sums are added left to right in the order of the reference implementation
(:class:`RowProduct` adds a row's entries in stored order, the reference uses
:func:`kg.concentration.left_sum`, Python's ``sum()`` before 3.12), so both
give the same floats. The reference, the pure-Python
dictionaries and loops the model was first written in, is kept:
``engine="python"`` in :func:`prepare`, :func:`cascade` and :func:`esri`; the
tests compare the two.

``esri(network, top=K)`` computes the index only for the ``K`` candidates with
the largest dominated weight (the weight of the firms every supply path to
which runs through the candidate, from :func:`kg.risk.dominator_tree`) and then
weighted out-degree; the results say so. This is a heuristic: a firm outside
the candidates can have a larger index.

Saving the model
----------------
A :class:`CompiledModel` is plain numpy arrays plus the node list:
``to_arrays()`` gives a dict of arrays for ``numpy.savez`` (the node IRIs
UTF-8 encoded in one uint8 array, so ``numpy.load(..., allow_pickle=False)``
reads it back) and ``CompiledModel.from_arrays`` takes it back.
:func:`propagate` runs one cascade on it from a node number
(``CompiledModel.number(iri)``) and returns the health vectors (a
:class:`CascadeState`); :func:`affected` gives the nodes it hit. The assumption
notes are strings and stay out of the model's arrays: ``CompiledModel.notes``
only flags, per node, whether it has notes on its inputs (1), on its sales (2)
or on its own weight (4). Their texts, each once, are a :class:`NoteTable`
(``prepare(...).note_table()``, with its own ``to_arrays`` / ``from_arrays``),
and :func:`assumptions` words a cascade's assumptions from it. So a fresh
process can answer for one firm without the network::

    model = prepare(network, essential=scheme)            # once, when the store is loaded
    numpy.savez(path, **model.compiled.to_arrays(),
                **{f"note_{k}": v for k, v in model.note_table().to_arrays().items()})

    saved = numpy.load(path, allow_pickle=False)           # later, in another process
    cm = CompiledModel.from_arrays(saved)
    notes = NoteTable.from_arrays({k[5:]: saved[k] for k in saved.files if k.startswith("note_")})
    state = propagate(cm, cm.number(firm))
    state.esri, affected(cm, state)[:10], assumptions(cm, notes, state)

These give the same values as ``esri(network, firms=[firm], essential=scheme)``
(its rank among other firms needs their indices too). At 100k firms the model
and its 186k note texts save to 45 MB (``savez``, uncompressed); a fresh process
reads them in 0.3 s and runs the largest hub's cascade (67k nodes reached) with
its hits and 116k assumption notes in 0.15 s; the cascade finds the nodes it
reaches in numpy (:func:`reachable`), as importing ``scipy.sparse.csgraph``
alone cost it 0.45 s (machine shared, load 4–5).

Examples
--------
A smelter sells metal to a rolling mill (for which metal is essential) and to
a workshop whose products are unknown:

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("smelter", label="Smelter", kind="firm", weight=1, products=["metal"])
>>> g.add_node("mill", label="Mill", kind="firm", weight=1, products=["strip"])
>>> g.add_node("shop", label="Shop", kind="firm", weight=1, products=[])
>>> g.add_edge("smelter", "mill", relations=[{"product": "metal", "share": None}])
>>> g.add_edge("smelter", "shop", relations=[{"product": "metal", "share": None}])
>>> scheme = EssentialMap({("metal", "strip"): ("metal", True)})
>>> [(r.rank, r.firm, round(r.esri, 4)) for r in esri(g, essential=scheme)]
[(1, 'smelter', 1.0), (2, 'mill', 0.5), (2, 'shop', 0.5)]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .concentration import (
    SupplyTable,
    _tail,
    concat_ranges,
    fact_label,
    input_groups,
    input_suppliers,
    left_sum,
    product_shares,
    segment_sums,
    supply_table,
)
from .engine import gc_paused
from .errors import UnknownName

ENGINES = ("numpy", "python")
"""``numpy``: the compiled sparse model (default); ``python``: the reference implementation."""

THRESHOLD = 0.01
"""The paper's convergence threshold on the largest change of health in a round."""

MAX_ROUNDS = 100

EPS = 1e-12
"""Losses below this are rounding, not losses."""

ESSENTIAL_QUERY = """
SELECT DISTINCT ?in ?out ?a ?ess ?label WHERE {
  { ?a ckg:essentialFeedstockFor ?b . BIND(true AS ?ess) }
  UNION
  { ?a ckg:feedstockFor ?b . BIND(false AS ?ess) }
  ?in skos:broader* ?a .
  ?out skos:broader* ?b .
  OPTIONAL { ?a skos:prefLabel ?label FILTER(lang(?label) = "en") }
}
"""
"""Every product pair (input, output) with a feedstock statement that covers it."""


@dataclass(frozen=True)
class EssentialMap:
    """Which inputs a product needs, from the value-chain scheme.

    ``feeds[(input, output)] = (concept, essential)``: making ``output`` uses
    ``input`` as (a narrower concept of) the feedstock ``concept``, essential
    or not. ``labels`` names the concepts.

    >>> m = EssentialMap({("molten", "strip"): ("metal", True), ("power", "strip"): ("power", False)})
    >>> m.classify("molten", ["strip", "foil"])
    ('metal', True)
    >>> m.classify("power", ["strip"])
    ('power', False)
    >>> m.classify("scrap", ["strip"])
    ('scrap', False)
    """

    feeds: Mapping[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def classify(self, product: str, outputs: Iterable[str]) -> tuple[str, bool]:
        """The input group of ``product`` for a customer making ``outputs``, and whether it is essential."""
        found = [self.feeds[(product, o)] for o in outputs if (product, o) in self.feeds]
        if not found:
            return product, False
        essential = [c for c, e in found if e]
        if essential:
            return min(essential), True
        return min(c for c, _ in found), False


def essential_map(graph) -> EssentialMap:
    """Read the feedstock statements of the product scheme (one SPARQL query).

    A statement on a broader concept holds for its narrower concepts, on both
    sides; of several statements the narrowest input concept wins, essential
    ones first.

    >>> from kg.store import open_graph
    >>> from kg.ontology import CKP
    >>> m = essential_map(open_graph([], ontology=True))
    >>> concept, essential = m.classify(str(CKP["molten-aluminium"]), [str(CKP["aluminium-strip"])])
    >>> concept.rsplit("/", 1)[1], essential
    ('aluminium-metal', True)
    >>> m.labels[concept]
    'aluminium metal (molten aluminium, ingot, alloy)'
    """
    from .ontology import sparql_prologue

    candidates: dict[tuple[str, str], set[tuple[str, bool]]] = {}
    within: set[tuple[str, str]] = set()
    labels: dict[str, str] = {}
    for row in graph.query(sparql_prologue() + ESSENTIAL_QUERY):
        product, output, concept = str(row[0]), str(row[1]), str(row[2])
        essential = bool(row[3].toPython())
        candidates.setdefault((product, output), set()).add((concept, essential))
        within.add((product, concept))
        if row[4] is not None:
            labels[concept] = str(row[4])
    feeds = {}
    for key, found in candidates.items():
        essential = {c for c, e in found if e}
        pool = essential or {c for c, _ in found}
        narrowest = [c for c in pool if not any(o != c and (o, c) in within for o in pool)]
        feeds[key] = (min(narrowest or pool), bool(essential))  # `or pool`: a cycle in skos:broader
    return EssentialMap(feeds, labels)


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


@dataclass(frozen=True)
class EsriResult:
    """A firm's systemic risk: the share of the network's production its failure takes down."""

    firm: str
    label: str
    kind: str
    esri: float
    #: the firm's own share of the network's output (part of ``esri``; the rest is lost by others)
    own: float
    #: 1 = riskiest; equal indices share a rank
    rank: int
    rounds: int
    converged: bool
    #: (node, loss 1 - h) for every other node that loses, largest loss first (then heaviest, then IRI);
    #: a tuple, or with the numpy engine an :class:`Affected` that reads like one
    affected: Sequence[tuple[str, float]]
    lost_weight: float
    total_weight: float
    assumptions: tuple[str, ...]


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


_ARRAYS = (
    "weight",
    "essential_ptr",
    "group_indptr",
    "group_indices",
    "group_data",
    "other_indptr",
    "other_indices",
    "other_data",
    "sales_indptr",
    "sales_indices",
    "sales_data",
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
    ``*_data``:

    - ``group``: one row per essential input group, ``L_jip`` of each
      supplier ``j``; customer ``i``'s groups are rows
      ``essential_ptr[i]:essential_ptr[i + 1]``;
    - ``other``: row ``i``, the non-essential inputs of customer ``i``
      (``L_jip`` over all its groups);
    - ``sales``: row ``i``, supplier ``i``'s share of sales ``w_ij / R_i`` per
      customer ``j``.

    ``supply_indptr`` / ``supply_indices``: the supply network itself (row:
    supplier, columns: its customers), for reachability. ``notes[i]``: bit 1
    if node ``i`` has notes on its inputs, 2 on its sales, 4 on its weight
    (the texts stay with the :func:`prepare` model).

    >>> import io
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("smelter", "mill", relations=[{"product": "metal"}])
    >>> g.add_edge("smelter", "shop", relations=[{"product": "metal"}])
    >>> buffer = io.BytesIO()
    >>> np.savez(buffer, **prepare(g).compiled.to_arrays())
    >>> _ = buffer.seek(0)
    >>> cm = CompiledModel.from_arrays(np.load(buffer, allow_pickle=False))
    >>> state = propagate(cm, cm.number("smelter"))
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
    other_indptr: np.ndarray
    other_indices: np.ndarray
    other_data: np.ndarray
    sales_indptr: np.ndarray
    sales_indices: np.ndarray
    sales_data: np.ndarray
    supply_indptr: np.ndarray
    supply_indices: np.ndarray
    notes: np.ndarray

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Every field as a numpy array, for ``numpy.savez``: ``nodes`` UTF-8 encoded and
        NUL-separated (uint8), ``total`` 0-d, node and entry numbers as int32."""
        out = {name: _narrow(getattr(self, name)) for name in _ARRAYS}
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

    def rows(self, prefix: str, rows: np.ndarray) -> RowProduct:
        """Rows ``rows`` of the ``group``, ``other`` or ``sales`` matrix, for products with vectors."""
        data, indices, indptr = (getattr(self, f"{prefix}_{part}") for part in ("data", "indices", "indptr"))
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
) -> CascadeState:
    """Propagate the failure of node number ``firm`` on a compiled model (see the module docstring).

    Same rounds and the same floats as the reference :func:`cascade` with
    ``engine="python"``; only the firm's descendants (downstream shock) and
    ancestors (upstream shock) are updated.
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
    groups = model.rows("group", concat_ranges(model.essential_ptr, down)) if grouped.any() else None
    other = model.rows("other", down)
    sales = model.rows("sales", up)
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
            new_u = np.where(sells, np.maximum(0.0, np.minimum(1.0, sales @ hu)), 1.0)
            delta = max(delta, float(np.abs(new_u - hu[up]).max()))
            hu[up] = new_u
        if len(down):
            hd[down] = new_d
        changes.append(delta)
        if delta < threshold:
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


class RowProduct:
    """Some rows of a matrix in compressed sparse rows (``data``, ``indices``, ``indptr``), for
    products with vectors: ``block @ x`` adds each row's ``data * x[indices]`` left to right, as
    :func:`kg.concentration.segment_sums` does (``np.bincount`` adds its weights in order; the
    row of each entry is found once), so the floats are those of the reference's row-by-row
    sums. Numpy only: importing ``scipy.sparse`` took 0.12 s of a `kg depends`.

    >>> block = RowProduct(np.array([2.0, 3.0, 4.0]), np.array([0, 2, 1]), np.array([0, 2, 2, 3]),
    ...                    np.array([2, 0, 1]))
    >>> (block @ np.array([1.0, 10.0, 100.0])).tolist()  # rows 2, 0 and 1 (empty)
    [40.0, 302.0, 0.0]
    """

    __slots__ = ("columns", "n", "row", "values")

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, rows: np.ndarray):
        take = concat_ranges(indptr, rows)
        self.columns, self.values, self.n = indices[take], data[take], len(rows)
        self.row = np.repeat(np.arange(self.n), indptr[rows + 1] - indptr[rows])

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        return np.bincount(self.row, weights=self.values * x[self.columns], minlength=self.n)


class NoteTable:
    """Every assumption note of a compiled model, each text once (from ``prepare(...).note_table()``).

    Node ``i``'s notes of kind ``k`` (0: its inputs, 1: its sales, 2: its
    weight) are ``texts[ids[ptr[3 * i + k]:ptr[3 * i + k + 1]]]``; ``general``
    are the ids of the notes every cascade starts with. :func:`assumptions`
    words a cascade's assumptions from it; ``to_arrays`` / ``from_arrays`` save
    it next to a :class:`CompiledModel`.
    """

    def __init__(self, texts, ptr: np.ndarray, ids: np.ndarray, general: np.ndarray):
        self.texts = texts if isinstance(texts, PackedStrings) else np.array(texts, dtype=object)
        self.ptr = ptr
        self.ids = ids
        self.general = general

    def notes(self, i: int, kind: int) -> list[str]:
        row = 3 * i + kind
        return self.texts[self.ids[self.ptr[row] : self.ptr[row + 1]]].tolist()

    def gather(self, rows: np.ndarray) -> list[str]:
        """The general notes, then those of ``rows`` (3 * node + kind) in order, each text once."""
        ids = np.r_[self.general, self.ids[concat_ranges(self.ptr, rows)]]
        _, where = np.unique(ids, return_index=True)
        return self.texts[ids[np.sort(where)]].tolist()

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The table as numpy arrays (the texts UTF-8 encoded, NUL-separated), for ``numpy.savez``."""
        return {
            "texts": pack_strings(list(self.texts)),
            "ptr": _narrow(self.ptr),
            "ids": _narrow(self.ids),
            "general": _narrow(self.general),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], *, strings=None) -> NoteTable:
        """The table back from :meth:`to_arrays`; ``strings=PackedStrings`` decodes texts when read."""
        return cls(
            (strings or unpack_strings)(arrays["texts"]),
            np.asarray(arrays["ptr"]),
            np.asarray(arrays["ids"]),
            np.asarray(arrays["general"]),
        )


def pack_strings(strings: list[str]) -> np.ndarray:
    """Strings as one uint8 array: UTF-8, each followed by NUL (which no IRI, label or note holds).

    >>> unpack_strings(pack_strings(["a", "", "鋁"])), unpack_strings(pack_strings([]))
    (['a', '', '鋁'], [])
    """
    if any("\x00" in x for x in strings):
        raise ValueError("a string holds NUL")
    return np.frombuffer("".join(x + "\x00" for x in strings).encode(), dtype=np.uint8)


def _narrow(array: np.ndarray) -> np.ndarray:
    """An int64 array as int32 when its values fit (node and entry numbers do, below 2**31)."""
    if array.dtype == np.int64 and (not len(array) or (array.min() >= 0 and array.max() < 2**31)):
        return array.astype(np.int32)
    return array


def unpack_strings(array: np.ndarray) -> list[str]:
    """The strings of :func:`pack_strings` back."""
    return np.asarray(array, dtype=np.uint8).tobytes().decode().split("\x00")[:-1]


class PackedStrings(Sequence):
    """The strings of :func:`pack_strings`, decoded one at a time when read (a read-only list).

    For large saved columns read in a fresh process: finding the string ends is one
    vectorised scan; a sorted column can be searched with :mod:`bisect` without
    decoding the rest. Indexing with an integer array gives an object array.

    >>> col = PackedStrings(pack_strings(["a", "", "鋁"]))
    >>> len(col), col[1], col[-1], list(col), col[np.array([0, 2])].tolist()
    (3, '', '鋁', ['a', '', '鋁'], ['a', '鋁'])
    """

    def __init__(self, array: np.ndarray):
        self._bytes = np.asarray(array, dtype=np.uint8)
        self._ends = np.flatnonzero(self._bytes == 0)

    def __len__(self) -> int:
        return len(self._ends)

    def _one(self, i: int) -> str:
        start = int(self._ends[i - 1]) + 1 if i > 0 else 0
        return self._bytes[start : int(self._ends[i])].tobytes().decode()

    def __getitem__(self, k):
        if isinstance(k, np.ndarray):
            out = np.empty(len(k), dtype=object)
            out[:] = [self._one(int(i)) for i in k]
            return out
        if isinstance(k, slice):
            return [self._one(i) for i in range(*k.indices(len(self)))]
        n = len(self)
        if not -n <= k < n:
            raise IndexError(k)
        return self._one(k % n if k < 0 else k)


class _Notes(Mapping):
    """Node → its assumption notes of one kind, from the model's :class:`NoteTable` (made when first needed)."""

    def __init__(self, compiled: CompiledModel, kind: int, table):
        self._compiled = compiled
        self._kind = kind
        self._table = table  # () -> NoteTable

    def notes(self, i: int) -> list[str]:
        return self._table().notes(i, self._kind)

    def __getitem__(self, node) -> list[str]:
        i = self._compiled.index.get(node)
        if i is None or not self._compiled.notes[i] & (1 << self._kind):
            raise KeyError(node)
        return self.notes(i)

    def __iter__(self):
        nodes = self._compiled.nodes
        return (nodes[i] for i in np.flatnonzero(self._compiled.notes & (1 << self._kind)).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._compiled.notes & (1 << self._kind)))


@dataclass
class _Model:
    weight: dict[str, float]
    total: float
    basis: str
    #: customer -> one [(supplier, L)] list per essential input group (engine "python" only)
    essential_inputs: dict[str, list[list[tuple[str, float]]]]
    #: customer -> [(supplier, L / S_i)] over its non-essential groups (engine "python" only)
    other_inputs: dict[str, list[tuple[str, float]]]
    sales: dict[
        str, list[tuple[str, float]]
    ]  # supplier -> [(customer, w_ij / R_i)] (engine "python" only)
    down_notes: Mapping[str, list[str]]  # customer -> what its input coefficients assume
    up_notes: Mapping[str, list[str]]  # supplier -> what its sales coefficients assume
    own_notes: Mapping[str, list[str]]  # node -> what its weight assumes
    general: list[str]
    compiled: CompiledModel | None = None  # engine "numpy"
    note_table: object = None  # engine "numpy": () -> NoteTable


def prepare(
    network,
    *,
    essential: EssentialMap | None = None,
    weights: str = "auto",
    engine: str = "numpy",
    table: SupplyTable | None = None,
) -> _Model:
    """Precompute the impact coefficients of a network (done once for many cascades).

    ``engine="numpy"`` compiles them into a :class:`CompiledModel` (``.compiled``),
    from one scan of the network (``table``, :func:`kg.concentration.supply_table`,
    if the caller has it); ``"python"`` builds the reference dictionaries.
    """
    _check_engine(engine)
    if engine == "python":
        return _prepare_python(network, essential=essential, weights=weights)
    with gc_paused():
        return _prepare(network, essential, weights, table)


def _prepare(
    network, essential: EssentialMap | None, weights: str, table: SupplyTable | None
) -> _Model:
    weight, basis = _weights(network, weights)
    general = [f"output weights: {basis}"]
    if essential is None:
        general.append("no product scheme given: every input counted as non-essential (linear)")
    table = table or supply_table(network)
    groups = input_groups(table, essential)
    nodes = table.nodes
    n = len(nodes)
    w = np.array([weight[v] for v in nodes], dtype=np.float64)
    by_volume = _by_volume(table, n)
    compiled = CompiledModel(
        nodes, w, left_sum(weight.values()), *_coefficients(table, groups, w, by_volume)
    )

    own = np.zeros(n, dtype=bool)
    if basis.startswith("firm count"):
        for v, data in network.nodes(data=True):
            if data.get("kind") == "cohort" and data.get("member_count") is None:
                own[table.index[v]] = True
    has_inputs = np.bincount(groups.customer, minlength=n) > 0
    guessed = np.bincount(groups.customer, weights=~groups.stated, minlength=n) > 0
    inferred = np.bincount(groups.customer, weights=groups.inferred, minlength=n) > 0
    unknown = np.zeros(n, dtype=bool)
    if essential is not None:
        empty = table.output_sets.index(()) if () in table.output_sets else -1
        unknown = table.outputs == empty
    down = has_inputs & (unknown | guessed | inferred)
    sellers = np.diff(compiled.sales_indptr)
    compiled.notes = (
        down.astype(np.uint8)
        | ((sellers > 0) & ~by_volume).astype(np.uint8) << 1
        | own.astype(np.uint8) << 2
    )

    made: list[NoteTable] = []

    def notes() -> NoteTable:
        if not made:
            made.append(
                _note_table(network, table, groups, compiled, general, essential, unknown, sellers)
            )
        return made[0]

    return _Model(
        weight,
        compiled.total,
        basis,
        {},
        {},
        {},
        _Notes(compiled, 0, notes),
        _Notes(compiled, 1, notes),
        _Notes(compiled, 2, notes),
        general,
        compiled,
        notes,
    )


def _note_table(
    network,
    table: SupplyTable,
    groups,
    compiled: CompiledModel,
    general: list[str],
    essential,
    unknown,
    sellers,
) -> NoteTable:
    """The texts of every note :attr:`CompiledModel.notes` flags, as the reference words them.

    The model's general notes come first (``ids`` 0, 1, …; :attr:`NoteTable.general`). A node's
    notes on its inputs follow the reference's order: products unknown, then product by product
    (in group order) the share guessed, then supplier by supplier the inferred links.
    """
    nodes = table.nodes
    n = len(nodes)
    labels: list[str] = [""] * n
    for v, data in network.nodes(data=True):
        labels[table.index[v]] = data.get("label") or str(v)
    flags = compiled.notes
    tails = {p: _tail(p) for p in table.products}
    relations = table.relations

    def what(facts: np.ndarray) -> list[str]:
        """The label of each fact's product, as input_suppliers gives it (else the product)."""
        out = []
        for k, p, r in zip(
            facts.tolist(), groups.product[facts].tolist(), groups.relation[facts].tolist()
        ):
            product = table.products[p]
            rel = relations[r]
            label = (
                rel.get("product_label") if product == (rel.get("product") or "") else None
            ) or tails[product]
            if not label:  # the first relation gives none: ask the others, as input_suppliers does
                label = fact_label(
                    network, nodes[groups.supplier[k]], nodes[groups.customer[k]], product
                )
            out.append(label or product)
        return out

    rows, positions, texts = [], [], []
    # inputs (row 3 i): products unknown, then each guessed share (2 k), then each inferred link (2 k + 1)
    if essential is not None:
        i = np.flatnonzero((flags & 1 > 0) & unknown)
        rows.append(3 * i)
        positions.append(np.full(len(i), -1))
        texts += [
            f"{labels[c]}: products unknown, so no input counted as essential" for c in i.tolist()
        ]
    noted = (flags & 1 > 0)[groups.customer]
    k = np.flatnonzero(groups.pair_first & (groups.pair_guessed > 0) & noted)
    if len(k):
        pair_starts = np.flatnonzero(groups.pair_first)
        position = np.arange(len(groups.stated))
        first_guess = np.minimum.reduceat(
            np.where(groups.stated, len(position), position), pair_starts
        )
        j = first_guess[np.searchsorted(pair_starts, k)]
    else:
        j = k
    rows.append(3 * groups.customer[k])
    positions.append(2 * k)
    texts += [
        f"{labels[c]}: share of {w} not stated for "
        + (
            f"its sole supplier {labels[s]}; taken as all of it"
            if total == 1
            else f"{guessed} of {total} suppliers; split evenly"
        )
        for c, w, s, total, guessed in zip(
            groups.customer[k].tolist(),
            what(j),
            groups.supplier[j].tolist(),
            groups.pair_suppliers[k].tolist(),
            groups.pair_guessed[k].tolist(),
        )
    ]
    k = np.flatnonzero(groups.inferred & noted)
    rows.append(3 * groups.customer[k])
    positions.append(2 * k + 1)
    texts += [
        f"{labels[s]} → {labels[c]} ({w}): inferred link, not stated"
        for c, s, w in zip(groups.customer[k].tolist(), groups.supplier[k].tolist(), what(k))
    ]
    # sales (row 3 i + 1)
    i = np.flatnonzero(flags & 2)
    several = i[sellers[i] > 1]
    rows += [3 * several + 1, 3 * i + 1]
    positions += [np.zeros(len(several)), np.ones(len(i))]
    texts += [
        f"{labels[c]}: sales volumes not stated; sales split by customer weight"
        for c in several.tolist()
    ]
    texts += [
        f"{labels[c]}: sales to customers the sources do not name are unknown and not counted"
        for c in i.tolist()
    ]
    # own weight (row 3 i + 2)
    i = np.flatnonzero(flags & 4)
    rows.append(3 * i + 2)
    positions.append(np.zeros(len(i)))
    texts += [
        f"{labels[c]}: a cohort whose size no source states; counted as 1 firm" for c in i.tolist()
    ]

    rows = np.concatenate(rows).astype(np.int64)
    order = np.lexsort((np.concatenate(positions), rows))
    number: dict[str, int] = {}
    for text in general:
        number.setdefault(text, len(number))
    general_ids = np.array([number[text] for text in general], dtype=np.int64)
    ids = [number.setdefault(texts[o], len(number)) for o in order.tolist()]
    ptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=3 * n))]
    return NoteTable(list(number), ptr, np.array(ids, dtype=np.int64), general_ids)


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")


def _ptr(rows: np.ndarray, n: int) -> np.ndarray:
    """CSR row pointers for entries already sorted by row."""
    return np.r_[0, np.cumsum(np.bincount(rows, minlength=n))].astype(np.int64)


def _by_volume(table: SupplyTable, n: int) -> np.ndarray:
    """Suppliers whose every sale states a volume, all in one unit, adding up to more than 0."""
    src, unit, volume = table.edge_src, table.edge_unit, table.edge_volume
    order = np.lexsort((table.edge_dst, src))
    src, unit, volume = src[order], unit[order], volume[order]
    out = np.zeros(n, dtype=bool)
    if not len(src):
        return out
    starts = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
    ok = (np.minimum.reduceat(unit, starts) >= 0) & (
        np.minimum.reduceat(unit, starts) == np.maximum.reduceat(unit, starts)
    )
    total = segment_sums(np.where(unit >= 0, volume, 0.0), starts)
    out[src[starts]] = ok & (total > 0)
    return out


def _coefficients(table: SupplyTable, groups, w: np.ndarray, by_volume: np.ndarray) -> tuple:
    """The CSR arrays of a :class:`CompiledModel` (after ``nodes``, ``weight``, ``total``).

    Every sum runs left to right in the reference's order: a supplier's share
    of a group over the group's products (in product order), a supplier's
    sales over its customers (in customer order).
    """
    n = len(table.nodes)
    # a supplier's share of a group: the mean of its shares of the group's products
    c, key, p, s = groups.customer, groups.key, groups.product, groups.supplier
    order = np.lexsort((p, s, key, c))
    values = groups.share[order] / groups.group_products[groups.group_id[order]]
    c, key, s, gid = c[order], key[order], s[order], groups.group_id[order]
    first = (
        np.flatnonzero(np.r_[True, (c[1:] != c[:-1]) | (key[1:] != key[:-1]) | (s[1:] != s[:-1])])
        if len(c)
        else np.zeros(0, dtype=np.int64)
    )
    share = segment_sums(values, first)
    c, s, gid = c[first], s[first], gid[first]
    essential = groups.group_essential[gid]
    # essential groups: one row each, in (customer, group) order, suppliers in order
    group_customer = groups.customer[groups.group_starts][groups.group_essential]
    essential_ptr = _ptr(group_customer, n)
    rank = np.cumsum(groups.group_essential) - 1
    group_indptr = _ptr(rank[gid[essential]], int(groups.group_essential.sum()))
    # the other groups: one row per customer, groups in order, suppliers in order; each group weighs 1 / S_i
    rest = ~essential
    other_indptr = _ptr(c[rest], n)
    other_data = share[rest] / groups.customer_groups[c[rest]]
    # sales, customers in order: by stated volume, else by customer weight
    order = np.lexsort((table.edge_dst, table.edge_src))
    src, dst, volume = table.edge_src[order], table.edge_dst[order], table.edge_volume[order]
    sales_indptr = _ptr(src, n)
    sales_data = np.zeros(len(src))
    if len(src):
        starts = sales_indptr[:-1][np.diff(sales_indptr) > 0]
        row = np.repeat(np.arange(n), np.diff(sales_indptr))
        vol_total = segment_sums(np.where(np.isnan(volume), 0.0, volume), starts)
        weight_total = segment_sums(w[dst], starts)
        seller = np.cumsum(np.diff(sales_indptr) > 0) - 1  # supplier -> its segment
        v_total, w_total = vol_total[seller[row]], weight_total[seller[row]]
        count = np.diff(sales_indptr)[row]
        with np.errstate(invalid="ignore", divide="ignore"):
            sales_data = np.where(
                by_volume[row],
                volume / v_total,
                np.where(w_total <= 0, 1 / count, w[dst] / w_total),
            )
    # the network itself, each supplier's customers in the network's order
    order = np.argsort(table.edge_src, kind="stable")
    supply_indptr = _ptr(table.edge_src[order], n)
    supply_indices = table.edge_dst[order]
    return (
        essential_ptr,
        group_indptr,
        s[essential],
        share[essential],
        other_indptr,
        s[rest],
        other_data,
        sales_indptr,
        dst,
        sales_data,
        supply_indptr,
        supply_indices,
        np.zeros(n, dtype=np.uint8),
    )


def _prepare_python(
    network, *, essential: EssentialMap | None = None, weights: str = "auto"
) -> _Model:
    """The reference :func:`prepare`: coefficients and notes as dictionaries, node by node."""
    weight, basis = _weights(network, weights)
    model = _Model(weight, left_sum(weight.values()), basis, {}, {}, {}, {}, {}, {}, [])
    model.general.append(f"output weights: {basis}")
    if essential is None:
        model.general.append(
            "no product scheme given: every input counted as non-essential (linear)"
        )
    for node in network.nodes:
        _prepare_inputs(network, model, node, essential)
        _prepare_sales(network, model, node)
        data = network.nodes[node]
        if (
            data.get("kind") == "cohort"
            and data.get("member_count") is None
            and basis.startswith("firm count")
        ):
            model.own_notes[node] = [
                f"{_label(network, node)}: a cohort whose size no source states; counted as 1 firm"
            ]
    return model


def _weights(network, weights: str) -> tuple[dict[str, float], str]:
    nodes = list(network.nodes(data=True))
    capacity = [data.get("capacity") for _, data in nodes]
    if weights == "capacity" or (
        weights == "auto" and nodes and all(c is not None and c > 0 for c in capacity)
    ):
        return {n: float(c or 0.0) for (n, _), c in zip(nodes, capacity)}, "capacity (t/yr)"
    if weights not in ("auto", "weight"):
        values = {n: float(data.get(weights) or 0.0) for n, data in nodes}
        return values, f"node attribute {weights!r}"
    values = {n: float(data.get("weight") or 1) for n, data in nodes}
    return (
        values,
        "firm count (a firm counts 1, a cohort its member count); capacities are not known for every node",
    )


def _prepare_inputs(network, model: _Model, customer, essential: EssentialMap | None) -> None:
    inputs = input_suppliers(network, customer)
    if not inputs:
        return
    label = _label(network, customer)
    outputs = network.nodes[customer].get("products") or []
    notes = model.down_notes.setdefault(customer, [])
    if essential is not None and not outputs:
        notes.append(f"{label}: products unknown, so no input counted as essential")
    groups: dict[str, list[str]] = {}
    is_essential: dict[str, bool] = {}
    for product in sorted(inputs):
        key, flag = (
            essential.classify(product, outputs) if essential is not None else (product, False)
        )
        groups.setdefault(key, []).append(product)
        is_essential[key] = is_essential.get(key, False) or flag
    others = []
    for key, products in sorted(groups.items()):
        shares: dict[str, float] = {}
        for product in products:
            split = product_shares({s: f["share"] for s, f in inputs[product].items()})
            guessed = [s for s, (_, stated) in split.items() if not stated]
            if guessed:
                what = inputs[product][guessed[0]]["label"] or product
                notes.append(
                    f"{label}: share of {what} not stated for "
                    + (
                        f"its sole supplier {_label(network, guessed[0])}; taken as all of it"
                        if len(split) == 1
                        else f"{len(guessed)} of {len(split)} suppliers; split evenly"
                    )
                )
            for s, (share, _) in split.items():
                shares[s] = shares.get(s, 0.0) + share / len(products)
                if inputs[product][s]["inferred"]:
                    notes.append(
                        f"{_label(network, s)} → {label} ({inputs[product][s]['label'] or product}): inferred link, not stated"
                    )
        links = sorted(shares.items())
        if is_essential[key]:
            model.essential_inputs.setdefault(customer, []).append(links)
        else:
            others.extend((s, share / len(groups)) for s, share in links)
    if others:
        model.other_inputs[customer] = others


def _prepare_sales(network, model: _Model, supplier) -> None:
    customers = sorted(network.successors(supplier))
    if not customers:
        return
    volumes = {}
    units = set()
    for c in customers:
        rels = network.edges[supplier, c].get("relations", ())
        stated = [
            (r.get("volume"), r.get("volume_unit")) for r in rels if r.get("volume") is not None
        ]
        if stated:
            volumes[c] = left_sum(v for v, _ in stated)
            units.update(u for _, u in stated)
    if len(volumes) == len(customers) and len(units) <= 1 and left_sum(volumes.values()) > 0:
        total = left_sum(volumes.values())
        model.sales[supplier] = [(c, volumes[c] / total) for c in customers]
        return
    total = left_sum(model.weight.get(c, 0.0) for c in customers)
    if total <= 0:
        model.sales[supplier] = [(c, 1 / len(customers)) for c in customers]
    else:
        model.sales[supplier] = [(c, model.weight.get(c, 0.0) / total) for c in customers]
    notes = model.up_notes.setdefault(supplier, [])
    if len(customers) > 1:
        notes.append(
            f"{_label(network, supplier)}: sales volumes not stated; sales split by customer weight"
        )
    notes.append(
        f"{_label(network, supplier)}: sales to customers the sources do not name are unknown and not counted"
    )


def cascade(
    network,
    firm: str,
    *,
    essential: EssentialMap | None = None,
    threshold: float = THRESHOLD,
    weights: str = "auto",
    max_rounds: int = MAX_ROUNDS,
    model: _Model | None = None,
    engine: str = "numpy",
) -> Cascade:
    """Propagate the failure of ``firm`` (``psi_firm = 0``) and return the end state.

    ``model`` (from :func:`prepare`) saves recomputing coefficients across calls;
    its engine then decides, else ``engine``.

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b", relations=[{"product": "metal"}])
    >>> g.add_edge("b", "c", relations=[{"product": "strip"}])
    >>> c = cascade(g, "a")
    >>> c.health, c.rounds, c.changes, c.esri
    ({'a': 0.0, 'b': 0.0, 'c': 0.0}, 3, (1.0, 1.0, 0.0), 1.0)
    """
    if firm not in network:
        raise UnknownName(firm, [])
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    model = model or prepare(network, essential=essential, weights=weights, engine=engine)
    if model.compiled is None:
        return _cascade_python(
            network, firm, threshold=threshold, max_rounds=max_rounds, model=model
        )
    cm = model.compiled
    state = propagate(cm, cm.index[firm], threshold=threshold, max_rounds=max_rounds)
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
    :attr:`EsriResult.affected`."""
    reached = state.reached
    hit = reached[(reached != state.firm) & (state.health[reached] < 1.0 - EPS)]
    loss = 1.0 - state.health[hit]
    order = np.lexsort((hit, -compiled.weight[hit], -loss))
    return Affected(compiled.nodes, hit[order], loss[order])


def _cascade_python(
    network, firm: str, *, threshold: float, max_rounds: int, model: _Model
) -> Cascade:
    """The reference cascade: dictionaries, one node at a time."""
    import networkx as nx

    down = sorted(nx.descendants(network, firm) - {firm})
    up = sorted(nx.ancestors(network, firm) - {firm})
    hd: dict[str, float] = {firm: 0.0}
    hu: dict[str, float] = {firm: 0.0}
    changes: list[float] = []
    converged = False
    for _ in range(max_rounds):
        new_d = {i: _downstream(model, i, hd) for i in down}
        new_u = {i: _upstream(model, i, hu) for i in up}
        delta = max(
            [abs(v - hd.get(i, 1.0)) for i, v in new_d.items()]
            + [abs(v - hu.get(i, 1.0)) for i, v in new_u.items()],
            default=0.0,
        )
        hd.update(new_d)
        hu.update(new_u)
        changes.append(delta)
        if delta < threshold:
            converged = True
            break
    health = {i: min(hd.get(i, 1.0), hu.get(i, 1.0)) for i in sorted(set(hd) | set(hu))}
    lost = left_sum(model.weight.get(i, 0.0) * (1.0 - h) for i, h in health.items())
    notes = list(model.general) + model.own_notes.get(firm, [])
    for i in sorted(health):
        if i == firm:
            continue
        if hd.get(i, 1.0) < 1.0 - EPS:
            notes.extend(model.down_notes.get(i, ()))
        if hu.get(i, 1.0) < 1.0 - EPS:
            notes.extend(model.up_notes.get(i, ()))
        if health[i] < 1.0 - EPS:
            notes.extend(model.own_notes.get(i, ()))
    if not converged:
        notes.append(f"did not converge within {max_rounds} rounds")
    return Cascade(
        firm=firm,
        esri=lost / model.total if model.total > 0 else 0.0,
        health=health,
        downstream=dict(sorted(hd.items())),
        upstream=dict(sorted(hu.items())),
        rounds=len(changes),
        converged=converged,
        changes=tuple(changes),
        lost_weight=lost,
        total_weight=model.total,
        assumptions=tuple(dict.fromkeys(notes)),
    )


def _downstream(model: _Model, i: str, hd: Mapping[str, float]) -> float:
    health = 1.0
    for links in model.essential_inputs.get(i, ()):
        health = min(health, 1.0 - left_sum(lam * (1.0 - hd.get(j, 1.0)) for j, lam in links))
    other = 1.0 - left_sum(lam * (1.0 - hd.get(j, 1.0)) for j, lam in model.other_inputs.get(i, ()))
    return max(0.0, min(health, other))


def _upstream(model: _Model, i: str, hu: Mapping[str, float]) -> float:
    sales = model.sales.get(i)
    if not sales:
        return 1.0
    return max(0.0, min(1.0, left_sum(lam * hu.get(j, 1.0) for j, lam in sales)))


def esri(
    network,
    *,
    firms: Sequence[str] | None = None,
    top: int | None = None,
    threshold: float = THRESHOLD,
    essential: EssentialMap | None = None,
    weights: str = "auto",
    max_rounds: int = MAX_ROUNDS,
    tree=None,
    engine: str = "numpy",
    table: SupplyTable | None = None,
) -> list[EsriResult]:
    """The systemic risk index of every node (or of ``firms``), riskiest first.

    ``tree``: the network's :func:`kg.risk.dominator_tree`, if the caller has it, so
    ``top`` pruning does not compute it again.

    ``top=K`` computes it only for the ``K`` candidates ranked by
    :func:`candidates` and says so in each result's ``assumptions``.
    Ranks are shared by equal indices (1, 2, 2, 4). ``engine`` and ``table``: see :func:`prepare`.
    """
    with gc_paused():
        return _esri(
            network, firms, top, threshold, essential, weights, max_rounds, tree, engine, table
        )


def _esri(
    network, firms, top, threshold, essential, weights, max_rounds, tree, engine, table
) -> list[EsriResult]:
    _check_engine(engine)
    chosen = sorted(network.nodes) if firms is None else list(dict.fromkeys(firms))
    for f in chosen:
        if f not in network:
            raise UnknownName(f, [])
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    model = prepare(network, essential=essential, weights=weights, engine=engine, table=table)
    pruned = None
    if top is not None and top < len(chosen):
        ranked = candidates(network, tree=tree, model=model)
        allowed = set(chosen)
        chosen = [f for f in ranked if f in allowed][:top]
        pruned = (
            f"computed for the {top} candidates with the largest dominated weight and weighted out-degree, "
            f"not for all {len(allowed)} nodes"
        )
    results = []  # (firm, esri, rounds, converged, affected, lost weight, assumptions)
    for f in chosen:
        if model.compiled is None:
            c = _cascade_python(network, f, threshold=threshold, max_rounds=max_rounds, model=model)
            hit = sorted(
                ((i, 1.0 - h) for i, h in c.health.items() if i != f and h < 1.0 - EPS),
                key=lambda x: (-x[1], -model.weight.get(x[0], 0.0), x[0]),
            )
            results.append(
                (f, c.esri, c.rounds, c.converged, tuple(hit), c.lost_weight, c.assumptions)
            )
            continue
        cm = model.compiled
        state = propagate(cm, cm.index[f], threshold=threshold, max_rounds=max_rounds)
        results.append(
            (
                f,
                state.esri,
                state.rounds,
                state.converged,
                affected(cm, state),
                state.lost_weight,
                assumptions(cm, model.note_table(), state, max_rounds=max_rounds),
            )
        )
    results.sort(key=lambda x: (-x[1], x[0]))
    out = []
    rank, previous = 0, None
    for position, (f, value, rounds, converged, hit, lost, notes) in enumerate(results, 1):
        key = round(value, 12)
        if key != previous:
            rank, previous = position, key
        out.append(
            EsriResult(
                firm=f,
                label=_label(network, f),
                kind=network.nodes[f].get("kind", ""),
                esri=value,
                own=model.weight.get(f, 0.0) / model.total if model.total > 0 else 0.0,
                rank=rank,
                rounds=rounds,
                converged=converged,
                affected=hit,
                lost_weight=lost,
                total_weight=model.total,
                assumptions=notes + ((pruned,) if pruned else ()),
            )
        )
    return out


def candidates(network, *, tree=None, model: _Model | None = None) -> list[str]:
    """Nodes ordered for ESRI pruning: dominated weight, then weighted out-degree, then IRI.

    The dominated weight of a node is the weight of the nodes it dominates in
    the supply network (every supply path to them runs through it), from
    :func:`kg.risk.dominator_tree`; the weighted out-degree adds its customers'
    weights. ``model``: a :func:`prepare` model of ``network``, whose supply
    matrix then serves.

    >>> from kg.network import network_from_edges
    >>> candidates(network_from_edges([("a", "b"), ("b", "c"), ("d", "c")], weight={"c": 5}))
    ['a', 'b', 'd', 'c']
    """
    from .risk import dominator_tree

    dominated = (tree or dominator_tree(network)).weight
    with gc_paused():
        return _candidates(network, dominated, model)


def _candidates(network, dominated: Mapping, model: _Model | None) -> list[str]:
    if model is not None and model.compiled is not None:
        cm = model.compiled
        nodes, index = cm.nodes, cm.index
        src = np.repeat(np.arange(len(nodes)), np.diff(cm.supply_indptr))
        dst = cm.supply_indices
    else:
        nodes = sorted(network.nodes)
        index = {n: i for i, n in enumerate(nodes)}
        src, dst = [], []
        for u, customers in network.adjacency():
            src += [index[u]] * len(customers)
            dst += map(index.__getitem__, customers)
        src, dst = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)
    size = np.empty(len(nodes))
    for n, data in network.nodes(data=True):
        size[index[n]] = data.get("weight") or 1
    # added in each supplier's order of customers, as Python's sum() over network.successors
    out_degree = np.bincount(src, weights=size[dst], minlength=len(nodes))
    weight = np.array([dominated.get(n, 0) for n in nodes], dtype=np.float64)
    order = np.lexsort((-out_degree, -weight))  # stable: ties stay in IRI order
    return [nodes[i] for i in order.tolist()]


def _label(network, node) -> str:
    return network.nodes[node].get("label") or str(node)
