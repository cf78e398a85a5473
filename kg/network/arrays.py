"""The supply network as numpy columns (SupplyTable, InputGroups)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kg.utils.arrays import left_sum, segment_sums
from kg.utils.memory import gc_paused

EPS = 1e-9


# ------------------------------------------------------------------ the supply relations as arrays


@dataclass(eq=False)
class SupplyTable:
    """Every edge and input fact of a network as numpy arrays, from one scan (:func:`supply_table`).

    Nodes are numbered in sorted order (``nodes``; ``index`` maps back), so a
    smaller number is a smaller IRI. ``edge_*``: every edge in
    ``network.edges`` order; ``edge_volume`` is the sum of the volumes its
    relations state (NaN: none), ``edge_unit`` their unit (a code; -1 none
    stated, -2 several). ``fact_*``: one row per (customer, input product,
    supplier) as :func:`~kg.analysis.shares.input_suppliers` gives them, sorted by customer,
    product (``products``, sorted) and supplier; ``fact_share`` is the largest
    stated share (NaN: none stated), ``fact_inferred`` whether every relation
    behind it is inferred, ``fact_relation`` the first relation naming it (an
    index into ``relations``, the relation dicts in scan order); all of them,
    in scan order, are ``row_relation[fact_rows[i] : fact_rows[i + 1]]``
    (one entry per relation and product it names).
    ``outputs[i]`` is a code into ``output_sets``, the products node ``i``
    makes.
    """

    nodes: list
    index: dict
    edge_src: object
    edge_dst: object
    edge_volume: object
    edge_unit: object
    fact_customer: object
    fact_product: object
    fact_supplier: object
    fact_share: object
    fact_inferred: object
    fact_relation: object
    relations: list
    products: list
    outputs: object
    output_sets: list
    fact_rows: object
    row_relation: object


def supply_table(network) -> SupplyTable:
    """Scan ``network`` once into a :class:`SupplyTable` (O(nodes log nodes + relations))."""
    with gc_paused():
        return build_supply_table(network)


def build_supply_table(network) -> SupplyTable:
    import numpy as np

    nodes = sorted(network.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    src, dst, counts, rels = [], [], [], []
    for u, customers in network.adjacency():  # the order of network.edges
        src += [index[u]] * len(customers)
        dst += customers
        for data in customers.values():
            edge_relations = data.get("relations", ())
            counts.append(len(edge_relations))
            rels += edge_relations
    dst = list(map(index.__getitem__, dst))
    k = len(counts)
    r_edge = np.repeat(np.arange(k), np.array(counts, dtype=np.int64))  # the edge of each relation
    # the volumes an edge's relations state, added in relation order (rare: a loop will do)
    volume = np.full(k, math.nan)
    unit = np.full(k, -1, dtype=np.int64)
    stated: dict[int, list] = {}
    volumes = [rel.get("volume") for rel in rels]
    for r in [r for r, x in enumerate(volumes) if x is not None]:
        stated.setdefault(int(r_edge[r]), []).append((volumes[r], rels[r].get("volume_unit")))
    unit_codes: dict = {}
    for e, pairs in stated.items():
        volume[e] = left_sum(x for x, _ in pairs)
        units = {u for _, u in pairs}
        unit[e] = unit_codes.setdefault(units.pop(), len(unit_codes)) if len(units) == 1 else -2
    # one row per relation and product
    named = [rel.get("products") or [rel.get("product") or ""] for rel in rels]
    codes: dict[str, int] = {}
    r_product = [codes.setdefault(p, len(codes)) for ps in named for p in ps]
    repeat = np.array([len(ps) for ps in named], dtype=np.int64)
    r_edge = np.repeat(r_edge, repeat)
    r_relation = np.repeat(np.arange(len(rels)), repeat)
    r_share = np.repeat(np.array([rel.get("share") for rel in rels], dtype=np.float64), repeat)
    r_inferred = np.repeat(
        np.array([rel.get("inferred") for rel in rels], dtype=object).astype(bool), repeat
    )
    edge_src = np.array(src, dtype=np.int64)
    edge_dst = np.array(dst, dtype=np.int64)
    products = sorted(codes)
    rank = np.empty(len(codes), dtype=np.int64)
    rank[[codes[p] for p in products]] = np.arange(len(products))
    c = edge_dst[r_edge]
    s = edge_src[r_edge]
    p = rank[np.array(r_product, dtype=np.int64)]
    share = r_share
    inferred = r_inferred
    order = np.lexsort((s, p, c))  # stable: a fact's relations stay in scan order
    c, s, p, share, inferred = c[order], s[order], p[order], share[order], inferred[order]
    row_relation = relation = r_relation[order]
    fact_rows = np.zeros(1, dtype=np.int64)
    if len(c):
        first = np.flatnonzero(
            np.r_[True, (c[1:] != c[:-1]) | (p[1:] != p[:-1]) | (s[1:] != s[:-1])]
        )
        share = np.fmax.reduceat(share, first)  # the largest stated share (NaN if none)
        inferred = np.logical_and.reduceat(inferred, first)
        c, s, p, relation = c[first], s[first], p[first], relation[first]
        fact_rows = np.r_[first, len(row_relation)]
    sets: dict[tuple, int] = {}
    outputs = np.zeros(len(nodes), dtype=np.int64)
    outputs[list(map(index.__getitem__, network.nodes))] = [
        sets.setdefault(tuple(made or ()), len(sets)) for _, made in network.nodes(data="products")
    ]
    return SupplyTable(
        nodes,
        index,
        edge_src,
        edge_dst,
        volume,
        unit,
        c,
        p,
        s,
        share,
        inferred,
        relation,
        rels,
        products,
        outputs,
        list(sets),
        fact_rows,
        row_relation,
    )


@dataclass(eq=False)
class InputGroups:
    """The facts of a :class:`SupplyTable` grouped as :mod:`kg.analysis.concentration` and
    :mod:`kg.analysis.esri` group them.

    Facts sorted by customer, input group (``key``, a code into ``keys``),
    product and supplier. ``share`` is the supplier's share of the product
    (:func:`~kg.analysis.shares.product_shares`: ``stated`` or split evenly); ``relation`` the
    first relation behind the fact (see :class:`SupplyTable`); ``pair_suppliers``
    and ``pair_guessed`` count the suppliers of the fact's (customer, product)
    and those without a stated share; ``pair_first`` marks a product's first
    fact. Per group (``group_starts`` index its first fact; ``group_id`` maps a
    fact to it): ``group_products`` (how many products), ``group_essential``.
    ``customer_groups[i]``: how many input groups customer ``i`` has.
    ``fact``: the index of each fact in the table's ``fact_*`` arrays.
    """

    customer: object
    key: object
    product: object
    supplier: object
    share: object
    stated: object
    inferred: object
    relation: object
    pair_first: object
    pair_suppliers: object
    pair_guessed: object
    group_starts: object
    group_id: object
    group_products: object
    group_essential: object
    customer_groups: object
    keys: list
    fact: object


def input_groups(table: SupplyTable, essential=None) -> InputGroups:
    """Group the input facts of ``table`` by customer and input concept (``essential``: a
    kg.network.scheme.EssentialMap)."""
    import numpy as np

    c, p, s = table.fact_customer, table.fact_product, table.fact_supplier
    raw = table.fact_share
    m = len(c)
    stated = ~np.isnan(raw)
    pair_first = (
        np.r_[True, (c[1:] != c[:-1]) | (p[1:] != p[:-1])] if m else np.zeros(0, dtype=bool)
    )
    pair_starts = np.flatnonzero(pair_first)
    pair_id = np.cumsum(pair_first) - 1
    # product_shares, one (customer, product) at a time: sums left to right, as left_sum()
    total = segment_sums(np.where(stated, raw, 0.0), pair_starts)
    n_suppliers = np.diff(np.r_[pair_starts, m])
    n_guessed = (
        np.add.reduceat((~stated).astype(np.int64), pair_starts)
        if m
        else np.zeros(0, dtype=np.int64)
    )
    scale = np.where(total > 1 + EPS, total, 1.0)
    rest = np.maximum(0.0, 1.0 - total / scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(
            stated, raw / scale[pair_id], rest[pair_id] / np.maximum(n_guessed, 1)[pair_id]
        )
    # the input group of each (customer, product)
    pc, pp = c[pair_starts], p[pair_starts]
    if essential is None:
        keys = list(table.products)
        pair_key = pp
        pair_flag = np.zeros(len(pp), dtype=bool)
    else:
        width = max(len(table.output_sets), 1)
        unique, inverse = np.unique(pp * width + table.outputs[pc], return_inverse=True)
        found = [
            essential.classify(table.products[u // width], table.output_sets[u % width])
            for u in unique.tolist()
        ]
        keys = sorted({k for k, _ in found})
        rank = {k: i for i, k in enumerate(keys)}
        pair_key = np.array([rank[k] for k, _ in found], dtype=np.int64)[inverse.reshape(-1)]
        pair_flag = np.array([f for _, f in found], dtype=bool)[inverse.reshape(-1)]
    key = pair_key[pair_id]
    order = np.lexsort((s, p, key, c))
    c, key, p, s = c[order], key[order], p[order], s[order]
    share, stated, inferred = share[order], stated[order], table.fact_inferred[order]
    relation = table.fact_relation[order]
    pair_first = pair_first[order]
    pair_suppliers, pair_guessed = n_suppliers[pair_id][order], n_guessed[pair_id][order]
    flag = pair_flag[pair_id][order]
    group_first = (
        np.r_[True, (c[1:] != c[:-1]) | (key[1:] != key[:-1])] if m else np.zeros(0, dtype=bool)
    )
    group_starts = np.flatnonzero(group_first)
    group_id = np.cumsum(group_first) - 1
    if m:
        group_products = np.add.reduceat(pair_first.astype(np.int64), group_starts)
        group_essential = np.logical_or.reduceat(flag, group_starts)
    else:
        group_products = np.zeros(0, dtype=np.int64)
        group_essential = np.zeros(0, dtype=bool)
    customer_groups = np.bincount(c[group_starts], minlength=len(table.nodes))
    return InputGroups(
        c,
        key,
        p,
        s,
        share,
        stated,
        inferred,
        relation,
        pair_first,
        pair_suppliers,
        pair_guessed,
        group_starts,
        group_id,
        group_products,
        group_essential,
        customer_groups,
        keys,
        order,
    )
