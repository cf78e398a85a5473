r"""ESRI ranking: firms by how much of a network's production their failure takes down.

After Diem, Borsos, Reisch, Kertész and Thurner, "Quantifying firm-level
economic systemic risk from nation-wide supply networks", Scientific Reports
12:7719 (2022), arXiv:2104.07260.

Every node of the supply network has a health in [0, 1], the fraction of its
normal production it still makes. The failing firm's health is set to 0 and two
shocks spread from it: downstream, customers lose the inputs it supplied (an
essential input caps output, the others act linearly); upstream, suppliers
lose the sales that went to it. ESRI is the output-weighted share of the
network's production lost once the cascade settles.

:func:`esri` ranks firms by it; :func:`candidates` orders them for the
``top=K`` pruning. The model is compiled into arrays once
(:func:`kg.analysis.esri.compile.prepare`) and each cascade runs on them
(:func:`kg.analysis.esri.cascade.propagate`); :mod:`kg.analysis.esri.reference`
is the pure-Python reference the tests compare against.

See ``docs/esri.md`` for the model, every departure from the paper, and the
assumptions.

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
>>> [(r.rank, r.firm, round(r.esri, 4)) for r in esri(g, essential=scheme, bound="named")]
[(1, 'smelter', 1.0), (2, 'mill', 0.5), (2, 'shop', 0.5)]

No share is stated, so under the cautious "stated" bound (the default) no link counts and
each firm takes down only its own output (a third):

>>> [(r.rank, r.firm, round(r.esri_low, 4), round(r.esri_high, 4)) for r in esri(g, essential=scheme)]
[(1, 'mill', 0.3333, 0.5), (1, 'shop', 0.3333, 0.5), (1, 'smelter', 0.3333, 1.0)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kg.analysis.dominance import dominator_tree
from kg.analysis.esri.cascade import affected, assumptions, propagate
from kg.analysis.esri.compile import prepare
from kg.analysis.esri.model import BOUNDS, MAX_ROUNDS, THRESHOLD, Model
from kg.errors import UnknownName
from kg.network.arrays import SupplyTable
from kg.network.model import node_label
from kg.network.scheme import EssentialMap
from kg.utils.memory import gc_paused


@dataclass(frozen=True)
class EsriResult:
    """A firm's systemic risk: the share of the network's production its failure takes down."""

    firm: str
    label: str
    kind: str
    #: the index under the selected ``bound`` (``esri_low`` or ``esri_high``)
    esri: float
    #: the firm's own share of the network's output (part of ``esri``; the rest is lost by others)
    own: float
    #: 1 = riskiest; equal indices share a rank
    rank: int
    rounds: int
    converged: bool
    #: (node, loss 1 - h) for every other node that loses, largest loss first (then heaviest, then IRI);
    #: a tuple (the reference), or an :class:`~kg.analysis.esri.cascade.Affected` that reads like one
    affected: Sequence[tuple[str, float]]
    lost_weight: float
    total_weight: float
    assumptions: tuple[str, ...]
    #: the index under the "stated" bound (links count only for stated shares)
    esri_low: float = 0.0
    #: the index under the "named" bound (named partners are all of a firm's trade)
    esri_high: float = 0.0
    #: the bound ``esri`` is (and the ranking is by): "stated" or "named"
    bound: str = "stated"
    #: the network the index is relative to (its denominator)
    scope: str = ""


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
    table: SupplyTable | None = None,
    bound: str = "stated",
    scope: str = "",
) -> list[EsriResult]:
    """The systemic risk index of every node but cohorts (or of ``firms``, cohorts dropped), riskiest first.

    Both bounds are computed for every firm (``esri_low``: "stated", ``esri_high``: "named");
    ``esri``, the rank, ``affected``, ``rounds`` and ``assumptions`` are those of ``bound``.
    ``scope`` names the network (kept in each result).

    ``tree``: the network's :func:`kg.analysis.dominance.dominator_tree`, if the caller has it, so
    ``top`` pruning does not compute it again.

    ``top=K`` computes it only for the ``K`` candidates ranked by
    :func:`candidates` and says so in each result's ``assumptions``.
    Ranks are shared by equal indices (1, 2, 2, 4). ``table``: see :func:`prepare`
    (the pure-Python reference is :func:`kg.analysis.esri.reference.esri_python`).
    """
    with gc_paused():
        chosen = chosen_firms(network, firms, top, threshold, bound)
        model = prepare(network, essential=essential, weights=weights, table=table)
        chosen, pruned = pruned_firms(network, chosen, top, tree, model)
        cm = model.compiled
        other = "named" if bound == "stated" else "stated"
        results = []  # (firm, esri, rounds, converged, affected, lost weight, assumptions, other bound)
        for f in chosen:
            state = propagate(cm, cm.index[f], threshold=threshold, max_rounds=max_rounds, bound=bound)
            second = propagate(cm, cm.index[f], threshold=threshold, max_rounds=max_rounds, bound=other)
            results.append(
                (
                    f,
                    state.esri,
                    state.rounds,
                    state.converged,
                    affected(cm, state),
                    state.lost_weight,
                    assumptions(cm, model.note_table(), state, max_rounds=max_rounds),
                    second.esri,
                )
            )
        return ranked_results(network, model, results, pruned, bound=bound, scope=scope)


def chosen_firms(network, firms, top, threshold, bound: str = "stated") -> list[str]:
    """The firms :func:`esri` is asked for, in order, cohorts left out (aggregates, never failure
    candidates); refuses unknown firms, bad limits and an unknown bound."""
    chosen = sorted(network.nodes) if firms is None else list(dict.fromkeys(firms))
    for f in chosen:
        if f not in network:
            raise UnknownName(f, [])
    chosen = [f for f in chosen if network.nodes[f].get("kind") != "cohort"]
    if bound not in BOUNDS:
        raise ValueError(f"bound must be one of {', '.join(BOUNDS)}, not {bound!r}")
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    return chosen


def pruned_firms(network, chosen, top, tree, model: Model) -> tuple[list[str], str | None]:
    """The ``top`` :func:`candidates` among ``chosen``, and the note that says so (None: all of them)."""
    if top is None or top >= len(chosen):
        return chosen, None
    ranked = candidates(network, tree=tree, model=model)
    allowed = set(chosen)
    pruned = (
        f"computed for the {top} candidates with the largest dominated weight and weighted out-degree, "
        f"not for all {len(allowed)} firms"
    )
    return [f for f in ranked if f in allowed][:top], pruned


def ranked_results(network, model: Model, results: list, pruned: str | None, *, bound: str = "stated",
                   scope: str = "") -> list[EsriResult]:
    """:class:`EsriResult` rows, riskiest first, from (firm, esri, rounds, converged, affected,
    lost weight, assumptions, esri under the other bound) tuples; equal indices share a rank."""
    results.sort(key=lambda x: (-round(x[1], 12), x[0]))
    out = []
    rank, previous = 0, None
    for position, (f, value, rounds, converged, hit, lost, notes, second) in enumerate(results, 1):
        key = round(value, 12)
        if key != previous:
            rank, previous = position, key
        out.append(
            EsriResult(
                firm=f,
                label=node_label(network, f, fallback="iri"),
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
                esri_low=value if bound == "stated" else second,
                esri_high=second if bound == "stated" else value,
                bound=bound,
                scope=scope,
            )
        )
    return out


def candidates(network, *, tree=None, model: Model | None = None) -> list[str]:
    """Nodes ordered for ESRI pruning: dominated weight, then weighted out-degree, then IRI.

    The dominated weight of a node is the weight of the nodes it dominates in
    the supply network (every supply path to them runs through it), from
    :func:`kg.analysis.dominance.dominator_tree`; the weighted out-degree adds its customers'
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
