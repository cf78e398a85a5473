"""Compiling a supply network into the ESRI model's arrays."""

from __future__ import annotations

import numpy as np

from kg.analysis.esri.model import CompiledModel, Model, output_weights
from kg.analysis.esri.notes import Notes, NoteTable, note_table
from kg.network.arrays import SupplyTable, input_groups, supply_table
from kg.network.scheme import EssentialMap
from kg.utils.arrays import left_sum, segment_sums
from kg.utils.memory import gc_paused


def prepare(
    network,
    *,
    essential: EssentialMap | None = None,
    weights: str = "auto",
    table: SupplyTable | None = None,
) -> Model:
    """Precompute the impact coefficients of a network (done once for many cascades).

    They are compiled into a :class:`CompiledModel` (``.compiled``) from one scan of the
    network (``table``, :func:`kg.network.arrays.supply_table`, if the caller has it); the
    pure-Python reference dictionaries are :func:`kg.analysis.esri.reference.prepare_python`.
    """
    with gc_paused():
        return _prepare(network, essential, weights, table)


def _prepare(
    network, essential: EssentialMap | None, weights: str, table: SupplyTable | None
) -> Model:
    weight, basis = output_weights(network, weights)
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
                note_table(network, table, groups, compiled, general, essential, unknown, sellers)
            )
        return made[0]

    return Model(
        weight,
        compiled.total,
        basis,
        {},
        {},
        {},
        Notes(compiled, 0, notes),
        Notes(compiled, 1, notes),
        Notes(compiled, 2, notes),
        general,
        compiled,
        notes,
    )




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
