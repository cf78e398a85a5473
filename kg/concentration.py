"""Supplier concentration: who gets an input from how many suppliers, and how evenly.

For each customer and input product, the Herfindahl–Hirschman index of its
suppliers' shares, ``HHI = sum(s_j ** 2)``, and the effective number of
suppliers ``1 / HHI`` (two equal suppliers: HHI 0.5, two effective suppliers).
A sole-supplier link is an input that one named supplier provides in full.

The shares come from the supply relations of a network built by
:func:`kg.network.supply_network` (edge attribute ``relations``, each with
``product`` and ``share``):

- a share the source states (``ckg:share``) is used as stated;
- the suppliers whose share is not stated split what the stated shares leave,
  evenly: two suppliers with no share each get 0.5. Such shares are marked
  ``stated=False`` and every row says whether all of its shares were stated
  (``shares_stated``), so a guess is never shown as a fact;
- if the stated shares add up to more than 1 they are scaled to add up to 1;
- if every share is stated and they add up to less than 1, the rest comes from
  suppliers the sources do not name: ``coverage`` is then below 1, the HHI is a
  lower bound and the link is not a sole-supplier link.

:func:`supply_table` scans a network once into numpy arrays (every edge, and
every customer–input–supplier fact with its largest stated share), and
:func:`input_groups` works out every share and input group from them at once.
:func:`concentration` computes every share, HHI and flag of a whole network
from them and only builds the row objects in Python (at 100k firms and 439k
links 3.6–3.8 s, of which about 1 s is the scan and most of the rest making 440k
supplier shares and 126k rows; customer by customer it took 8–12 s);
:func:`sole_supplier_links` uses them to find the inputs with one supplier
whose share can reach 1, and builds rows only for those (at 100k firms, 21k of
the customers' inputs); :mod:`kg.esri` compiles its model from the same table
(pass one table to both to scan once). Shares are added left to right
(:func:`left_sum`, :func:`segment_sums`), so the arrays hold the same floats
as the row-by-row functions, which stay as the reference
(``concentration(..., engine="python")``); the tests compare the two.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_edge("a", "c", relations=[{"product": "metal", "share": 0.7}])
>>> g.add_edge("b", "c", relations=[{"product": "metal", "share": 0.3}])
>>> [(row.customer, row.product, round(row.hhi, 4), round(row.effective_suppliers, 4)) for row in concentration(g)]
[('c', 'metal', 0.58, 1.7241)]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .engine import gc_paused

EPS = 1e-9
ENGINES = ("numpy", "python")


@dataclass(frozen=True)
class SupplierShare:
    """One supplier's share of a customer's input."""

    supplier: str
    label: str
    share: float  # fraction of the input, stated or split evenly
    stated: bool  # True when the source states the share
    share_wording: str | None  # the source's words for a share it gives no number for
    relations: tuple[str, ...]  # supply relation IRIs behind this share
    quotes: tuple[str, ...]  # their evidence quotes
    sources: tuple[str, ...]  # their article file names
    inferred: bool  # True when every relation behind it is inferred, not stated


@dataclass(frozen=True)
class Concentration:
    """How concentrated one customer's supply of one input is."""

    customer: str
    customer_label: str
    product: str  # the input product, or the input concept when grouped by an EssentialMap
    product_label: str
    suppliers: tuple[SupplierShare, ...]  # largest share first
    shares_stated: bool  # every share stated by a source (none split evenly)
    coverage: float  # sum of the named suppliers' shares (1.0 unless stated shares leave a rest)
    hhi: float
    effective_suppliers: float  # 1 / hhi
    sole_supplier: bool  # one named supplier provides all of it
    essential: bool | None  # essential input of the customer (None: no EssentialMap given)

    @property
    def assumption(self) -> str | None:
        """What the shares assume where the sources are silent, or None."""
        guessed = [s for s in self.suppliers if not s.stated]
        if not guessed:
            return None
        who = (
            "the supplier"
            if len(self.suppliers) == 1
            else f"{len(guessed)} of {len(self.suppliers)} suppliers"
        )
        return (
            f"{self.customer_label}: share of {self.product_label} not stated for {who}; "
            f"{'assumed to be all of it' if len(self.suppliers) == 1 else 'split evenly'}"
        )


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of shares given as fractions (0–1).

    >>> hhi([0.5, 0.5])
    0.5
    >>> round(hhi([0.7, 0.3]), 12)
    0.58
    >>> hhi([1.0])
    1.0
    """
    return left_sum(s * s for s in shares)


def left_sum(values):
    """Add ``values`` left to right, as ``sum()`` did before Python 3.12 (which compensates rounding).

    The compiled systemic risk model (:mod:`kg.esri`) adds in this order too,
    so both give the same floats on every Python version.

    >>> left_sum([1e16, 1.0, -1e16, 1.0])
    1.0
    """
    total = 0
    for value in values:
        total += value
    return total


def product_shares(stated: Mapping[str, float | None]) -> dict[str, tuple[float, bool]]:
    """Shares of one input among its suppliers: ``{supplier: (share, stated)}``.

    ``stated`` maps each supplier to the share a source states, or None.

    >>> product_shares({"a": None, "b": None})
    {'a': (0.5, False), 'b': (0.5, False)}
    >>> product_shares({"a": 0.6, "b": None, "c": None})
    {'a': (0.6, True), 'b': (0.2, False), 'c': (0.2, False)}
    >>> product_shares({"a": 1.5, "b": 0.5, "c": None})
    {'a': (0.75, True), 'b': (0.25, True), 'c': (0.0, False)}
    """
    known = {s: v for s, v in stated.items() if v is not None}
    unknown = [s for s, v in stated.items() if v is None]
    total = left_sum(known.values())
    scale = total if total > 1 + EPS else 1.0
    rest = max(0.0, 1.0 - total / scale)
    out = {}
    for s, v in stated.items():
        if v is None:
            out[s] = (rest / len(unknown), False)
        else:
            out[s] = (v / scale, True)
    return out


def input_suppliers(network, customer: str) -> dict[str, dict[str, dict]]:
    """The inputs of ``customer``: ``{product: {supplier: facts}}``.

    ``facts`` holds ``share`` (the largest share stated by any relation of that
    supplier and product, or None), ``share_wording``, ``relations``, ``quotes``,
    ``sources`` and ``inferred`` (every relation inferred). Relations without a
    product are grouped under the empty string.
    """
    out: dict[str, dict[str, dict]] = {}
    for supplier in sorted(network.predecessors(customer)):
        for rel in network.edges[supplier, customer].get("relations", ()):
            for product in rel.get("products") or [rel.get("product") or ""]:
                _add(out, supplier, product, rel)
    return out


def _add(out: dict, supplier: str, product: str, rel: dict) -> None:
    by_supplier = out.get(product)
    if by_supplier is None:
        by_supplier = out[product] = {}
    facts = by_supplier.get(supplier)
    if facts is None:
        facts = by_supplier[supplier] = {
            "share": None,
            "share_wording": None,
            "relations": [],
            "quotes": [],
            "sources": [],
            "inferred": True,
            "label": "",
        }
    share = rel.get("share")
    if share is not None:
        facts["share"] = share if facts["share"] is None else max(facts["share"], share)
    if not facts["share_wording"] and rel.get("share_wording"):
        facts["share_wording"] = rel["share_wording"]
    for key, value in (
        ("relations", rel.get("iri")),
        ("quotes", rel.get("quote")),
        ("sources", rel.get("source")),
    ):
        if value and value not in facts[key]:
            facts[key].append(value)
    facts["inferred"] = facts["inferred"] and bool(rel.get("inferred"))
    if not facts["label"]:
        facts["label"] = _product_label(rel, product)


def _product_label(rel: dict, product: str) -> str:
    """The label of ``product`` as ``rel`` gives it (its own label when it is the relation's main product)."""
    main = rel.get("product") or ""
    return (rel.get("product_label") if product == main else None) or _tail(product)


def fact_label(network, supplier: str, customer: str, product: str) -> str:
    """``input_suppliers(network, customer)[product][supplier]["label"]`` without the other inputs."""
    for rel in network.edges[supplier, customer].get("relations", ()):
        for p in rel.get("products") or [rel.get("product") or ""]:
            if p == product:
                label = _product_label(rel, product)
                if label:
                    return label
    return ""


def _tail(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else ""


def concentration(
    network,
    *,
    customers: Iterable[str] | None = None,
    essential=None,
    engine: str = "numpy",
    table: SupplyTable | None = None,
) -> list[Concentration]:
    """HHI, effective number of suppliers and sole-supplier flag per customer and input.

    With ``essential`` (a :class:`kg.esri.EssentialMap`) the inputs are grouped
    the way the systemic risk index groups them: molten aluminium and aluminium
    ingot both count as aluminium metal for a rolling mill, and a supplier's
    share of the group is the mean of its shares of the group's products.
    Without it, each input product stands alone. Rows are ordered by customer
    and input.

    Every customer's rows (``customers=None``) are computed from one scan of the
    network into arrays (:func:`supply_table`; pass ``table`` if you have it) and
    :func:`input_groups`; the rows of the ``customers`` given, and every row with
    ``engine="python"``, customer by customer (the reference; both give equal
    rows, floats included).

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "c", relations=[{"product": "metal"}])
    >>> g.add_edge("b", "c", relations=[{"product": "metal"}])
    >>> row = concentration(g)[0]
    >>> row.hhi, row.effective_suppliers, row.shares_stated, row.sole_supplier
    (0.5, 2.0, False, False)
    >>> concentration(g) == concentration(g, engine="python")
    True
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    with gc_paused(keep_old=True):  # the rows are built to last
        if customers is None and engine == "numpy":
            return _table_rows(network, table or _supply_table(network), essential)
        rows = []
        for customer in sorted(network.nodes) if customers is None else customers:
            rows.extend(_customer_rows(network, customer, essential))
        return rows


def _customer_rows(network, customer, essential, keys=None) -> list[Concentration]:
    """The rows of one customer, in input order; only the input groups in ``keys`` if given."""
    inputs = input_suppliers(network, customer)
    if not inputs:
        return []
    outputs = network.nodes[customer].get("products") or []
    groups: dict[str, list[str]] = {}
    flags: dict[str, bool | None] = {}
    for product in sorted(inputs):
        if essential is None:
            key, flag = product, None
        else:
            key, flag = essential.classify(product, outputs)
        groups.setdefault(key, []).append(product)
        flags[key] = flag if flags.get(key) is None else (flags[key] or flag)
    return [
        _row(network, customer, key, products, inputs, flags[key], essential)
        for key, products in sorted(groups.items())
        if keys is None or key in keys
    ]


def _row(network, customer, key, products, inputs, essential_flag, essential) -> Concentration:
    per_product = {
        p: product_shares({s: f["share"] for s, f in inputs[p].items()}) for p in products
    }
    suppliers = sorted({s for p in products for s in inputs[p]})
    shares = []
    for s in suppliers:
        share = left_sum(per_product[p].get(s, (0.0, True))[0] for p in products) / len(products)
        stated = all(per_product[p][s][1] for p in products if s in per_product[p])
        facts = [inputs[p][s] for p in products if s in inputs[p]]
        shares.append(
            SupplierShare(
                supplier=s,
                label=_label(network, s),
                share=share,
                stated=stated,
                share_wording=next((f["share_wording"] for f in facts if f["share_wording"]), None),
                relations=tuple(sorted({r for f in facts for r in f["relations"]})),
                quotes=tuple(dict.fromkeys(q for f in facts for q in f["quotes"])),
                sources=tuple(sorted({x for f in facts for x in f["sources"]})),
                inferred=all(f["inferred"] for f in facts),
            )
        )
    shares.sort(key=lambda x: (-x.share, x.supplier))
    coverage = left_sum(x.share for x in shares)
    index = hhi(x.share for x in shares)
    if products == [key]:
        label = next(iter(inputs[key].values()))["label"] or key
    else:
        label = (getattr(essential, "labels", None) or {}).get(key, key)
    return Concentration(
        customer=customer,
        customer_label=_label(network, customer),
        product=key,
        product_label=label,
        suppliers=tuple(shares),
        shares_stated=all(x.stated for x in shares),
        coverage=coverage,
        hhi=index,
        effective_suppliers=1.0 / index if index > 0 else 0.0,
        sole_supplier=len(shares) == 1 and coverage >= 1 - EPS,
        essential=essential_flag,
    )


def _table_rows(network, table: SupplyTable, essential) -> list[Concentration]:
    """Every row of :func:`concentration` from ``table``: the numbers in numpy, then the objects.

    The same floats as :func:`_row`: every sum adds the same values in the same
    order, left to right (:func:`segment_sums`).
    """
    import numpy as np

    groups = input_groups(table, essential)
    if not len(groups.customer):
        return []
    # one unit per customer, input group and supplier: its facts, product by product
    order = np.lexsort((groups.supplier, groups.group_id))  # stable: products stay in order
    group, supplier = groups.group_id[order], groups.supplier[order]
    starts = np.flatnonzero(
        np.r_[True, (group[1:] != group[:-1]) | (supplier[1:] != supplier[:-1])]
    )
    group, supplier = group[starts], supplier[starts]
    # the mean of its shares of the group's products (a product it lacks adds 0.0 in _row: no change)
    share = segment_sums(groups.share[order], starts) / groups.group_products[group]
    stated = np.logical_and.reduceat(groups.stated[order], starts)
    inferred = np.logical_and.reduceat(groups.inferred[order], starts)
    # the relations behind each unit (relation[unit_rows[u] : unit_rows[u + 1]]), fact by fact
    facts = groups.fact[order]
    relation = table.row_relation[concat_ranges(table.fact_rows, facts)]
    ends = np.cumsum(table.fact_rows[facts + 1] - table.fact_rows[facts])
    unit_rows = np.r_[0, ends][np.r_[starts, len(order)]]
    # each group's units, largest share first, then by supplier (node numbers are in IRI order)
    rank = np.lexsort((supplier, -share, group))
    share, stated, inferred, supplier = share[rank], stated[rank], inferred[rank], supplier[rank]
    first_unit = np.r_[0, np.cumsum(np.bincount(group, minlength=len(groups.group_starts)))]
    coverage = segment_sums(share, first_unit[:-1])
    index = segment_sums(share * share, first_unit[:-1])
    sole = (np.diff(first_unit) == 1) & (coverage >= 1 - EPS)
    all_stated = np.logical_and.reduceat(stated, first_unit[:-1])

    nodes, relations = table.nodes, table.relations
    labels = [""] * len(nodes)
    for v, label in network.nodes(data="label"):
        labels[table.index[v]] = label or str(v)
    rel_of = relation.tolist()
    lo, hi = unit_rows[:-1][rank], unit_rows[1:][rank]
    # made in the order of their first relation, the order the relation dicts lie in memory
    # (at 100k firms 0.9 s instead of 1.3 s)
    made = np.argsort(relation[lo], kind="stable")
    shares: list = [None] * len(made)
    for u, s, x, st, inf, a, b in zip(
        made.tolist(),
        supplier[made].tolist(),
        share[made].tolist(),
        stated[made].tolist(),
        inferred[made].tolist(),
        lo[made].tolist(),
        hi[made].tolist(),
    ):
        if b - a == 1:  # one relation: most units
            rel = relations[rel_of[a]]
            iri, quote, source = rel.get("iri"), rel.get("quote"), rel.get("source")
            wording = rel.get("share_wording") or None
            iris = (iri,) if iri else ()
            quotes = (quote,) if quote else ()
            sources = (source,) if source else ()
        else:  # as _add collects them per fact and _row joins the facts
            rels = [relations[r] for r in rel_of[a:b]]
            wording = next((w for w in (r.get("share_wording") for r in rels) if w), None)
            iris = tuple(sorted({v for v in (r.get("iri") for r in rels) if v}))
            quotes = tuple(dict.fromkeys(v for v in (r.get("quote") for r in rels) if v))
            sources = tuple(sorted({v for v in (r.get("source") for r in rels) if v}))
        shares[u] = SupplierShare(
            supplier=nodes[s],
            label=labels[s],
            share=x,
            stated=st,
            share_wording=wording,
            relations=iris,
            quotes=quotes,
            sources=sources,
            inferred=inf,
        )

    # per group: its label as _row gives it (its first product's first supplier's, or the scheme's)
    keys, products, tails = groups.keys, table.products, {}
    known = getattr(essential, "labels", None) or {}
    first = groups.group_starts
    rows = []
    for c, s, k, p, n_products, r, u0, u1, all_st, cov, hh, one, flag in zip(
        groups.customer[first].tolist(),
        groups.supplier[first].tolist(),
        groups.key[first].tolist(),
        groups.product[first].tolist(),
        groups.group_products.tolist(),
        groups.relation[first].tolist(),
        first_unit[:-1].tolist(),
        first_unit[1:].tolist(),
        all_stated.tolist(),
        coverage.tolist(),
        index.tolist(),
        sole.tolist(),
        groups.group_essential.tolist(),
    ):
        key = keys[k]
        if n_products == 1 and key == products[p]:
            rel = relations[r]
            tail = tails.get(key)
            if tail is None:
                tail = tails[key] = _tail(key)
            label = (
                rel.get("product_label") if key == (rel.get("product") or "") else None
            ) or tail
            if not label:  # the first relation gives none: ask the others, as _add does
                label = fact_label(network, nodes[s], nodes[c], key)
            label = label or key
        else:
            label = known.get(key, key)
        rows.append(Concentration(
            customer=nodes[c],
            customer_label=labels[c],
            product=key,
            product_label=label,
            suppliers=tuple(shares[u0:u1]),
            shares_stated=all_st,
            coverage=cov,
            hhi=hh,
            effective_suppliers=1.0 / hh if hh > 0 else 0.0,
            sole_supplier=one,
            essential=flag if essential is not None else None,
        ))
    return rows


def sole_supplier_links(
    network, *, essential=None, table: SupplyTable | None = None
) -> list[Concentration]:
    """The inputs that one named supplier provides in full (see :func:`concentration`).

    Same rows as filtering :func:`concentration`, but only the customer inputs
    with a single supplier whose share can reach 1 are built row by row (one
    scan of the network finds them, :func:`supply_table`; pass ``table`` if
    you have it).

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("smelter", "mill", relations=[{"product": "metal", "share_wording": "basically"}])
    >>> g.add_edge("a", "b", relations=[{"product": "metal", "share": 0.6}])
    >>> [(r.suppliers[0].supplier, r.customer, r.shares_stated) for r in sole_supplier_links(g)]
    [('smelter', 'mill', False)]
    """
    with gc_paused():
        return _sole_supplier_links(network, essential, table)


def _sole_supplier_links(network, essential, table: SupplyTable | None) -> list[Concentration]:
    import numpy as np

    table = table or supply_table(network)
    groups = input_groups(table, essential)
    if not len(groups.customer):
        return []
    # one segment per (customer, group): at most one supplier, mean share of its products close to 1
    starts = groups.group_starts
    one_supplier = np.logical_and.reduceat(
        groups.supplier == groups.supplier[starts][groups.group_id], starts
    )
    coverage = np.add.reduceat(groups.share, starts) / groups.group_products
    # the exact test is _row's; this one only keeps every group it could pass (rounding aside)
    wanted = np.flatnonzero(one_supplier & (coverage >= 1 - 1e-6))
    ends = np.r_[starts[1:], len(groups.customer)]
    rows = []
    for g in wanted.tolist():  # in customer, then input order, as concentration() gives them
        first = starts[g]
        customer, supplier = (
            table.nodes[groups.customer[first]],
            table.nodes[groups.supplier[first]],
        )
        products = [table.products[p] for p in groups.product[first : ends[g]].tolist()]
        # the group's inputs as input_suppliers gives them: its one supplier's relations
        inputs: dict[str, dict[str, dict]] = {}
        wanted_products = set(products)
        for rel in network.edges[supplier, customer].get("relations", ()):
            for product in rel.get("products") or [rel.get("product") or ""]:
                if product in wanted_products:
                    _add(inputs, supplier, product, rel)
        flag = bool(groups.group_essential[g]) if essential is not None else None
        row = _row(
            network, customer, groups.keys[groups.key[first]], products, inputs, flag, essential
        )
        if row.sole_supplier:
            rows.append(row)
    return rows


# ------------------------------------------------------------------ the supply relations as arrays


@dataclass(eq=False)
class SupplyTable:
    """Every edge and input fact of a network as numpy arrays, from one scan (:func:`supply_table`).

    Nodes are numbered in sorted order (``nodes``; ``index`` maps back), so a
    smaller number is a smaller IRI. ``edge_*``: every edge in
    ``network.edges`` order; ``edge_volume`` is the sum of the volumes its
    relations state (NaN: none), ``edge_unit`` their unit (a code; -1 none
    stated, -2 several). ``fact_*``: one row per (customer, input product,
    supplier) as :func:`input_suppliers` gives them, sorted by customer,
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
        return _supply_table(network)


def _supply_table(network) -> SupplyTable:
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
    """The facts of a :class:`SupplyTable` grouped as :func:`concentration` and :mod:`kg.esri` group them.

    Facts sorted by customer, input group (``key``, a code into ``keys``),
    product and supplier. ``share`` is the supplier's share of the product
    (:func:`product_shares`: ``stated`` or split evenly); ``relation`` the
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
    """Group the input facts of ``table`` by customer and input concept (``essential``: a kg.esri.EssentialMap)."""
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


def segment_sums(values, starts):
    """Sums of ``values[starts[k]:starts[k + 1]]`` (the last to the end), each added left to right.

    :func:`left_sum` (Python's ``sum()`` before 3.12) adds left to right;
    numpy's reductions add pairwise and can differ in the last bit.
    ``np.bincount`` adds its weights in order, so it gives :func:`left_sum`'s
    results, vectorised (empty segments sum to 0.0).

    >>> segment_sums([0.1, 0.2, 0.3, 1.0], [0, 3]).tolist() == [left_sum([0.1, 0.2, 0.3]), 1.0]
    True
    >>> segment_sums([1.0, 2.0], [0, 0, 1]).tolist()
    [0.0, 1.0, 2.0]
    """
    import numpy as np

    values = np.asarray(values, dtype=np.float64)
    starts = np.asarray(starts, dtype=np.int64)
    counts = np.diff(np.r_[starts, len(values)])
    return np.bincount(np.repeat(np.arange(len(starts)), counts), weights=values, minlength=len(starts))


def concat_ranges(indptr, rows):
    """The positions ``indptr[r]:indptr[r + 1]`` of every row ``r`` in ``rows``, concatenated.

    >>> import numpy as np
    >>> concat_ranges(np.array([0, 2, 2, 5]), np.array([2, 0, 1])).tolist()
    [2, 3, 4, 0, 1]
    """
    import numpy as np

    first = indptr[rows]
    count = indptr[rows + 1] - first
    ends = np.cumsum(count)
    return np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - count - first, count)


def _label(network, node) -> str:
    return network.nodes[node].get("label") or str(node)
