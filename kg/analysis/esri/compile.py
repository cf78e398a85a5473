"""Compiling a supply network into the ESRI model's arrays (both bounds)."""

from __future__ import annotations

import numpy as np

from kg.analysis.esri.model import CompiledModel, Model
from kg.analysis.esri.notes import Notes, NoteTable, note_table
from kg.analysis.esri.weights import BASES, output_weights
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
    """Precompute the impact coefficients of a network, both bounds (done once for many cascades).

    They are compiled into a :class:`CompiledModel` (``.compiled``) from one scan of the
    network (``table``, :func:`kg.network.arrays.supply_table`, if the caller has it); the
    pure-Python reference dictionaries are :func:`kg.analysis.esri.reference.prepare_python`.
    """
    with gc_paused():
        return _prepare(network, essential, weights, table)


def general_notes(description: str, essential) -> list[str]:
    """The notes every cascade of a model starts with."""
    out = [f"output weights: {description}"]
    if essential is None:
        out.append("no product scheme given: every input counted as non-essential (linear)")
    return out


def _prepare(
    network, essential: EssentialMap | None, weights: str, table: SupplyTable | None
) -> Model:
    table = table or supply_table(network)
    w = output_weights(network, weights, table=table)
    general = general_notes(w.description, essential)
    groups = input_groups(table, essential)
    nodes = table.nodes
    n = len(nodes)
    wv = np.array([w.weight[v] for v in nodes], dtype=np.float64)
    arrays, sales = _coefficients(network, table, groups, wv)
    compiled = CompiledModel(nodes, wv, left_sum(w.weight.values()), *arrays)

    own = np.zeros(n, dtype=bool)
    for v in w.notes:
        if v in table.index:
            own[table.index[v]] = True
    c = groups.customer
    has_inputs = np.bincount(c, minlength=n) > 0
    guessed = np.bincount(c, weights=~groups.stated, minlength=n) > 0
    inferred = np.bincount(c, weights=groups.inferred, minlength=n) > 0
    pairs = np.bincount(c, weights=groups.pair_first, minlength=n)
    sizes = (pairs > 1) & ~groups.by_volume
    unknown = np.zeros(n, dtype=bool)
    if essential is not None:
        empty = table.output_sets.index(()) if () in table.output_sets else -1
        unknown = table.outputs == empty
    down = has_inputs & (unknown | guessed | inferred | sizes)
    sellers, by_volume, with_total = sales
    compiled.notes = (
        down.astype(np.uint8)
        | ((sellers > 0) & ~with_total).astype(np.uint8) << 1
        | own.astype(np.uint8) << 2
    )

    made: list[NoteTable] = []

    def notes() -> NoteTable:
        if not made:
            made.append(
                note_table(network, table, groups, compiled, general, essential, unknown, sizes,
                           sellers, by_volume, w.notes)
            )
        return made[0]

    return Model(
        w.weight,
        compiled.total,
        w.basis,
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


def stated_totals(network, table: SupplyTable) -> tuple[np.ndarray, np.ndarray]:
    """Per node: its stated total in the unit of each volume unit code (NaN: none), as
    ``(unit code -> node attribute column)``: capacity for tonnes, output value for yuan."""
    n = len(table.nodes)
    columns = {}
    for basis in BASES.values():
        attribute = basis[2]
        column = np.full(n, np.nan)
        for v, x in network.nodes(data=attribute):
            if x is not None and x > 0:
                column[table.index[v]] = x
        columns[basis[3]] = column
    units = table.units or []
    out = np.full((len(units) + 1, n), np.nan)  # last row: no unit
    for code, unit in enumerate(units):
        for family, column in columns.items():
            if unit in family:
                out[code] = column
    return out


def _coefficients(network, table: SupplyTable, groups, w: np.ndarray) -> tuple:
    """The CSR arrays of a :class:`CompiledModel` (after ``nodes``, ``weight``, ``total``), and
    per supplier (number of customers, sales split by stated volumes, total sales stated)."""
    n = len(table.nodes)
    c, key, p, s, gid = groups.customer, groups.key, groups.product, groups.supplier, groups.group_id
    role = groups.group_role[gid] if len(gid) else np.zeros(0, dtype=np.int64)
    group_pi = segment_sums(np.where(groups.pair_first, groups.pi, 0.0), groups.group_starts)
    denominator = np.where(role == 2, group_pi[gid] if len(gid) else 0.0, groups.s_in[c])
    with np.errstate(invalid="ignore", divide="ignore"):
        positive = denominator > 0
        named_w, low_w = groups.named * groups.pi, groups.low * groups.pi
        value_named = np.where(positive, named_w / denominator, 0.0)
        value_low = np.where(positive, low_w / denominator, 0.0)
        bought = np.where(groups.s_in[c] > 0, named_w / groups.s_in[c], 0.0) * w[c]
    # one entry per (customer, group, supplier)
    order = np.lexsort((p, s, key, c))
    c2, key2, s2, gid2 = c[order], key[order], s[order], gid[order]
    first = (
        np.flatnonzero(np.r_[True, (c2[1:] != c2[:-1]) | (key2[1:] != key2[:-1]) | (s2[1:] != s2[:-1])])
        if len(c2)
        else np.zeros(0, dtype=np.int64)
    )
    named = segment_sums(value_named[order], first)
    low = segment_sums(value_low[order], first)
    c2, s2, gid2 = c2[first], s2[first], gid2[first]
    entry_role = groups.group_role[gid2] if len(gid2) else np.zeros(0, dtype=np.int64)
    essential, rest = entry_role == 2, entry_role == 1
    group_customer = groups.customer[groups.group_starts][groups.group_essential]
    essential_ptr = _ptr(group_customer, n)
    rank = np.cumsum(groups.group_essential) - 1
    group_indptr = _ptr(rank[gid2[essential]], int(groups.group_essential.sum()))
    other_indptr = _ptr(c2[rest], n)
    # sales, customers in order
    order = np.lexsort((table.edge_dst, table.edge_src))
    src, dst = table.edge_src[order], table.edge_dst[order]
    volume, unit = table.edge_volume[order], table.edge_unit[order]
    sales_indptr = _ptr(src, n)
    counts = np.diff(sales_indptr)
    sellers = counts
    by_volume = np.zeros(n, dtype=bool)
    with_total = np.zeros(n, dtype=bool)
    sales_data = np.zeros(len(src))
    sales_low = np.zeros(len(src))
    if len(src):
        starts = sales_indptr[:-1][counts > 0]
        row = np.repeat(np.arange(n), counts)
        seller = np.cumsum(counts > 0) - 1  # supplier -> its segment
        # what each customer buys from the supplier, in its output's units (named shares)
        edge_key = src * n + dst
        fact_key = s * n + c
        bought_edge = np.zeros(len(src))
        if len(fact_key):
            np.add.at(bought_edge, np.searchsorted(edge_key, fact_key), bought)
        lo = np.minimum.reduceat(unit, starts)
        hi = np.maximum.reduceat(unit, starts)
        vol_total = segment_sums(np.where(np.isnan(volume), 0.0, volume), starts)
        seg_volume = (lo >= 0) & (lo == hi) & (vol_total > 0)
        by_volume[src[starts]] = seg_volume
        totals = stated_totals(network, table)
        stated = totals[np.where(lo >= 0, lo, -1), src[starts]]
        seg_total = seg_volume & ~np.isnan(stated)
        with_total[src[starts]] = seg_total
        bought_total = segment_sums(bought_edge, starts)
        v_total, b_total = vol_total[seller[row]], bought_total[seller[row]]
        cap = np.where(seg_total, np.fmax(stated, vol_total), np.inf)[seller[row]]
        with np.errstate(invalid="ignore", divide="ignore"):
            sales_data = np.where(
                by_volume[row], volume / v_total, np.where(b_total > 0, bought_edge / b_total, 0.0)
            )
            sales_low = np.where(with_total[row], volume / cap, 0.0)
    # the network itself, each supplier's customers in the network's order
    order = np.argsort(table.edge_src, kind="stable")
    supply_indptr = _ptr(table.edge_src[order], n)
    supply_indices = table.edge_dst[order]
    arrays = (
        essential_ptr,
        group_indptr,
        s2[essential],
        named[essential],
        low[essential],
        other_indptr,
        s2[rest],
        named[rest],
        low[rest],
        sales_indptr,
        dst,
        sales_data,
        sales_low,
        supply_indptr,
        supply_indices,
        np.zeros(n, dtype=np.uint8),
    )
    return arrays, (sellers, by_volume, with_total)
