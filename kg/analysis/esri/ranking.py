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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
import numpy as np

from kg.analysis.dominance import dominator_tree
from kg.analysis.esri.cascade import affected, assumptions, propagate
from kg.analysis.esri.compile import check_engine, prepare
from kg.analysis.esri.model import EPS, MAX_ROUNDS, Model, THRESHOLD, esri_label
from kg.analysis.esri.reference import cascade_python
from kg.errors import UnknownName
from kg.network.arrays import SupplyTable
from kg.network.scheme import EssentialMap
from kg.utils.memory import gc_paused


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
    check_engine(engine)
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
            c = cascade_python(network, f, threshold=threshold, max_rounds=max_rounds, model=model)
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
                label=esri_label(network, f),
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


def candidates(network, *, tree=None, model: Model | None = None) -> list[str]:
    """Nodes ordered for ESRI pruning: dominated weight, then weighted out-degree, then IRI.

    The dominated weight of a node is the weight of the nodes it dominates in
    the supply network (every supply path to them runs through it), from
    :func:`kg.risk.dominator_tree`; the weighted out-degree adds its customers'
    weights. ``model``: a :func:`prepare` model of ``network``, whose supply
    matrix then serves.

    >>> from kg.network.model import network_from_edges
    >>> candidates(network_from_edges([("a", "b"), ("b", "c"), ("d", "c")], weight={"c": 5}))
    ['a', 'b', 'd', 'c']
    """

    dominated = (tree or dominator_tree(network)).weight
    with gc_paused():
        return _candidates(network, dominated, model)


def _candidates(network, dominated: Mapping, model: Model | None) -> list[str]:
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
