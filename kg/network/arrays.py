"""The supply network as numpy columns (SupplyTable, InputGroups)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kg.network.model import stated_share
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
    ``fact_volume`` is the volume the fact's relations state (a relation
    naming several products counts its volume evenly for each; NaN: none
    stated), ``fact_unit`` its unit (-1 none, -2 several); ``units`` are the
    unit IRIs by code (of ``edge_unit`` and ``fact_unit``).
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
    fact_volume: object = None
    fact_unit: object = None
    units: list = None


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
    unit_codes: dict = {}
    r_volume = np.full(len(rels), math.nan)
    r_unit = np.full(len(rels), -1, dtype=np.int64)
    for r in [r for r, x in enumerate(volumes) if x is not None]:
        u = rels[r].get("volume_unit")
        stated.setdefault(int(r_edge[r]), []).append((volumes[r], u))
        r_volume[r] = volumes[r]
        r_unit[r] = unit_codes.setdefault(u, len(unit_codes))
    for e, pairs in stated.items():
        volume[e] = left_sum(x for x, _ in pairs)
        units = {u for _, u in pairs}
        unit[e] = unit_codes[units.pop()] if len(units) == 1 else -2
    # one row per relation and product
    named = [rel.get("products") or [rel.get("product") or ""] for rel in rels]
    codes: dict[str, int] = {}
    r_product = [codes.setdefault(p, len(codes)) for ps in named for p in ps]
    repeat = np.array([len(ps) for ps in named], dtype=np.int64)
    r_edge = np.repeat(r_edge, repeat)
    r_relation = np.repeat(np.arange(len(rels)), repeat)
    r_share = np.repeat(np.array([stated_share(rel) for rel in rels], dtype=np.float64), repeat)
    r_inferred = np.repeat(
        np.array([rel.get("inferred") for rel in rels], dtype=object).astype(bool), repeat
    )
    r_volume = np.repeat(r_volume / np.maximum(repeat, 1), repeat)
    r_unit = np.repeat(r_unit, repeat)
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
    f_volume, f_unit = r_volume[order], r_unit[order]
    row_relation = relation = r_relation[order]
    fact_rows = np.zeros(1, dtype=np.int64)
    if len(c):
        first = np.flatnonzero(
            np.r_[True, (c[1:] != c[:-1]) | (p[1:] != p[:-1]) | (s[1:] != s[:-1])]
        )
        share = np.fmax.reduceat(share, first)  # the largest stated share (NaN if none)
        inferred = np.logical_and.reduceat(inferred, first)
        has = ~np.isnan(f_volume)
        some = np.logical_or.reduceat(has, first)
        f_volume = np.where(some, np.add.reduceat(np.where(has, f_volume, 0.0), first), math.nan)
        lo = np.minimum.reduceat(np.where(has, f_unit, np.iinfo(np.int64).max), first)
        hi = np.maximum.reduceat(np.where(has, f_unit, -1), first)
        f_unit = np.where(~some, -1, np.where(lo == hi, hi, -2))
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
        f_volume,
        f_unit,
        list(unit_codes),
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

    For ESRI (:mod:`kg.analysis.esri`): ``named`` is the supplier's share
    of the product with the rest the stated shares leave split by stated
    volumes where every supplier without a stated share states one in one
    unit (``pair_by_volume``), else evenly (as ``share``); ``low`` the stated
    share only (0 where none is stated); ``pi`` the size of the product in
    the customer's inputs (the summed volumes of its suppliers when every
    input fact of the customer states a volume in one unit: ``by_volume[i]``;
    else 1); ``s_in[i]`` the sum of ``pi`` over customer ``i``'s products.
    ``group_role``: 2 essential, 1 non-essential, 0 irrelevant.
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
    named: object = None
    low: object = None
    pair_by_volume: object = None
    pi: object = None
    s_in: object = None
    by_volume: object = None
    group_role: object = None


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
    # ESRI: the rest split by stated volumes where every unstated supplier states one in one unit
    volume, unit = table.fact_volume, table.fact_unit
    if volume is None:
        volume, unit = np.full(m, np.nan), np.full(m, -1, dtype=np.int64)
    has = unit >= 0
    if m:
        open_unit_lo = np.minimum.reduceat(np.where(stated, np.iinfo(np.int64).max, unit), pair_starts)
        open_unit_hi = np.maximum.reduceat(np.where(stated, -1, unit), pair_starts)
        open_volume = segment_sums(np.where(stated | ~has, 0.0, volume), pair_starts)
    else:
        open_unit_lo = open_unit_hi = np.zeros(0, dtype=np.int64)
        open_volume = np.zeros(0)
    by_vol_pair = (n_guessed > 0) & (open_unit_lo >= 0) & (open_unit_lo == open_unit_hi) & (open_volume > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        named = np.where(
            stated | ~by_vol_pair[pair_id], share,
            rest[pair_id] * np.where(has, volume, 0.0) / open_volume[pair_id],
        )
        low = np.where(stated, raw / scale[pair_id], 0.0)
    # the size of each input product (pi) and of all inputs (s_in)
    n = len(table.nodes)
    per_customer = np.r_[0, np.cumsum(np.bincount(c, minlength=n))] if m else np.zeros(n + 1, dtype=np.int64)
    starts_c = per_customer[:-1][np.diff(per_customer) > 0]
    by_volume = np.zeros(n, dtype=bool)
    if m:
        lo = np.minimum.reduceat(unit, starts_c)
        hi = np.maximum.reduceat(unit, starts_c)
        tot = segment_sums(np.where(has, volume, 0.0), starts_c)
        by_volume[c[starts_c]] = (lo >= 0) & (lo == hi) & (tot > 0)
    pair_pi = np.where(by_volume[c[pair_starts]], segment_sums(np.where(has, volume, 0.0), pair_starts), 1.0)
    pi = pair_pi[pair_id]
    s_in = np.bincount(c[pair_starts], weights=pair_pi, minlength=n).astype(np.float64)
    # the input group of each (customer, product)
    pc, pp = c[pair_starts], p[pair_starts]
    if essential is None:
        keys = list(table.products)
        pair_key = pp
        pair_role = np.ones(len(pp), dtype=np.int64)
    else:
        width = max(len(table.output_sets), 1)
        unique, inverse = np.unique(pp * width + table.outputs[pc], return_inverse=True)
        role = getattr(essential, "role", None)
        found = [
            role(table.products[u // width], table.output_sets[u % width]) if role is not None
            else _as_role(essential.classify(table.products[u // width], table.output_sets[u % width]))
            for u in unique.tolist()
        ]
        keys = sorted({k for k, _ in found})
        rank = {k: i for i, k in enumerate(keys)}
        pair_key = np.array([rank[k] for k, _ in found], dtype=np.int64)[inverse.reshape(-1)]
        pair_role = np.array([r for _, r in found], dtype=np.int64)[inverse.reshape(-1)]
    key = pair_key[pair_id]
    order = np.lexsort((s, p, key, c))
    c, key, p, s = c[order], key[order], p[order], s[order]
    share, stated, inferred = share[order], stated[order], table.fact_inferred[order]
    named, low, pi = named[order], low[order], pi[order]
    relation = table.fact_relation[order]
    pair_first = pair_first[order]
    pair_suppliers, pair_guessed = n_suppliers[pair_id][order], n_guessed[pair_id][order]
    by_volume_fact = by_vol_pair[pair_id][order]
    roles = pair_role[pair_id][order]
    group_first = (
        np.r_[True, (c[1:] != c[:-1]) | (key[1:] != key[:-1])] if m else np.zeros(0, dtype=bool)
    )
    group_starts = np.flatnonzero(group_first)
    group_id = np.cumsum(group_first) - 1
    if m:
        group_products = np.add.reduceat(pair_first.astype(np.int64), group_starts)
        group_role = np.maximum.reduceat(roles, group_starts)
    else:
        group_products = np.zeros(0, dtype=np.int64)
        group_role = np.zeros(0, dtype=np.int64)
    group_essential = group_role == 2
    customer_groups = np.bincount(c[group_starts], minlength=n)
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
        named,
        low,
        by_volume_fact,
        pi,
        s_in,
        by_volume,
        group_role,
    )


def _as_role(found: tuple) -> tuple:
    """(concept, role) from a scheme that only classifies (concept, essential)."""
    concept, flag = found
    return concept, 2 if flag else 1
