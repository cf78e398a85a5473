"""Supplier concentration: who gets an input from how many suppliers, and how evenly.

For each customer and input product, the Herfindahl–Hirschman index of its
suppliers' shares, ``HHI = sum(s_j ** 2)``, and the effective number of
suppliers ``1 / HHI`` (two equal suppliers: HHI 0.5, two effective suppliers).
A sole-supplier link is an input that one named supplier provides in full *by the
sources' own words*: the only named supplier, under a relation of kind "supplies" that
states exclusivity (a stated share of 1, or a share wording meaning all or only; see
:func:`kg.network.project.states_exclusive_supply`). An input with one named supplier
and no stated share still gets the whole share in the HHI (the even split of what
stated shares leave), but it is not a sole-supplier claim: the sources do not say
that nobody else supplies it. "has been applied to" is never one.

The shares come from the supply relations of a network built by
:func:`kg.network.project.supply_network` (edge attribute ``relations``, each with
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
the customers' inputs); :mod:`kg.analysis.esri` compiles its model from the same table
(pass one table to both to scan once). Shares are added left to right
(:func:`~kg.utils.arrays.left_sum`, :func:`~kg.utils.arrays.segment_sums`), so the arrays hold the same floats
as the row-by-row functions, which stay as the reference
(:func:`kg.analysis.shares.concentration_python`); the tests compare the two.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_edge("a", "c", relations=[{"product": "metal", "share": 0.7}])
>>> g.add_edge("b", "c", relations=[{"product": "metal", "share": 0.3}])
>>> [(row.customer, row.product, round(row.hhi, 4), round(row.effective_suppliers, 4)) for row in concentration(g)]
[('c', 'metal', 0.58, 1.7241)]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from kg.analysis.shares import (
    Concentration,
    SupplierShare,
    add,
    concentration_python,
    concentration_row,
    fact_label,
)
from kg.network.arrays import (
    EPS,
    SupplyTable,
    build_supply_table,
    input_groups,
    supply_table,
)
from kg.network.model import states_exclusive_supply
from kg.utils.arrays import concat_ranges, segment_sums
from kg.utils.memory import gc_paused
from kg.vocab.namespaces import last_segment


def concentration(
    network,
    *,
    customers: Iterable[str] | None = None,
    essential=None,
    table: SupplyTable | None = None,
) -> list[Concentration]:
    """HHI, effective number of suppliers and sole-supplier flag per customer and input.

    With ``essential`` (a :class:`kg.network.scheme.EssentialMap`) the inputs are grouped
    the way the systemic risk index groups them: molten aluminium and aluminium
    ingot both count as aluminium metal for a rolling mill, and a supplier's
    share of the group is the mean of its shares of the group's products.
    Without it, each input product stands alone. Rows are ordered by customer
    and input.

    Every customer's rows (``customers=None``) are computed from one scan of the
    network into arrays (:func:`supply_table`; pass ``table`` if you have it) and
    :func:`input_groups`; the rows of the ``customers`` given customer by customer, as
    the reference :func:`kg.analysis.shares.concentration_python` computes every row (both
    give equal rows, floats included).

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "c", relations=[{"product": "metal"}])
    >>> g.add_edge("b", "c", relations=[{"product": "metal"}])
    >>> row = concentration(g)[0]
    >>> row.hhi, row.effective_suppliers, row.shares_stated, row.sole_supplier
    (0.5, 2.0, False, False)
    >>> from kg.analysis.shares import concentration_python
    >>> concentration(g) == concentration_python(g)
    True
    """
    with gc_paused(keep_old=True):  # the rows are built to last
        if customers is None:
            rows = _table_rows(network, table or build_supply_table(network), essential)
        else:
            rows = concentration_python(network, customers=customers, essential=essential)
        return with_stated_exclusivity(network, rows, essential)


def with_stated_exclusivity(network, rows: list[Concentration], essential=None) -> list[Concentration]:
    """``rows`` with ``sole_supplier`` kept only where the sources state exclusive supply.

    A row with one named supplier covering all of the input keeps the flag only if every
    input product behind it has a relation of that supplier that states exclusive supply
    (:func:`stated_exclusive`); the shares and the HHI stay as they are.

    >>> import networkx as nx
    >>> from kg.analysis.shares import concentration_python
    >>> g = nx.DiGraph()
    >>> g.add_edge("taiyi", "vanke", relations=[{"iri": "r", "product": "formwork", "kind": "applied to"}])
    >>> [(r.sole_supplier, r.suppliers[0].share) for r in concentration_python(g)]
    [(True, 1.0)]
    >>> [(r.sole_supplier, r.suppliers[0].share) for r in with_stated_exclusivity(g, concentration_python(g))]
    [(False, 1.0)]
    """
    return [row if not row.sole_supplier or stated_exclusive(network, row, essential)
            else replace(row, sole_supplier=False) for row in rows]


def stated_exclusive(network, row: Concentration, essential=None) -> bool:
    """Whether the sources state that the row's only supplier provides all of the input.

    Every input product behind the row (the row's product; grouped by ``essential``, every
    product of the supplier's relations behind it, which errs towards no claim) needs a
    relation of that supplier of kind "supplies" with a stated share of 1 or an exclusive
    wording (:func:`kg.network.project.states_exclusive_supply`).

    >>> import networkx as nx
    >>> from kg.analysis.shares import concentration_python
    >>> g = nx.DiGraph()
    >>> g.add_edge("weiqiao", "cohort", relations=[{"iri": "r", "product": "metal", "share": 1.0}])
    >>> stated_exclusive(g, concentration_python(g)[0])
    True
    """
    if len(row.suppliers) != 1:
        return False
    supplier = row.suppliers[0]
    behind = set(supplier.relations)
    rels = [r for r in network.edges[supplier.supplier, row.customer].get("relations", ())
            if not behind or r.get("iri") in behind]
    covered: dict[str, bool] = {}
    for rel in rels:
        exclusive = states_exclusive_supply(rel)
        for product in rel.get("products") or [rel.get("product") or ""]:
            if essential is None and product != row.product:
                continue
            covered[product] = covered.get(product, False) or exclusive
    return bool(covered) and all(covered.values())


def _table_rows(network, table: SupplyTable, essential) -> list[Concentration]:
    """Every row of :func:`concentration` from ``table``: the numbers in numpy, then the objects.

    The same floats as :func:`~kg.analysis.shares.concentration_row`: every sum adds the
    same values in the same order, left to right (:func:`segment_sums`).
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
    # the mean of its shares of the group's products (a product it lacks adds 0.0 in concentration_row: no change)
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
        else:  # as shares.add collects them per fact and concentration_row joins the facts
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

    # per group: its label as concentration_row gives it (its first product's first supplier's, or the scheme's)
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
                tail = tails[key] = last_segment(key)
            label = (
                rel.get("product_label") if key == (rel.get("product") or "") else None
            ) or tail
            if not label:  # the first relation gives none: ask the others, as shares.add does
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
    """The inputs that one named supplier provides in full by the sources' own words
    (see :func:`concentration` and :func:`stated_exclusive`).

    Same rows as filtering :func:`concentration`, but only the customer inputs
    with a single supplier whose share can reach 1 are built row by row (one
    scan of the network finds them, :func:`supply_table`; pass ``table`` if
    you have it).

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("smelter", "mill", relations=[{"product": "metal", "share": 1.0, "share_wording": "basically"}])
    >>> g.add_edge("taiyi", "vanke", relations=[{"product": "formwork", "kind": "applied to"}])
    >>> g.add_edge("w", "zouping", relations=[{"product": "ingot", "share_wording": "supplier of all firms"}])
    >>> g.add_edge("a", "b", relations=[{"product": "metal", "share": 0.6}])
    >>> [(r.suppliers[0].supplier, r.customer, r.shares_stated) for r in sole_supplier_links(g)]
    [('smelter', 'mill', True)]
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
    # the exact test is concentration_row's; this one only keeps every group it could pass (rounding aside)
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
                    add(inputs, supplier, product, rel)
        flag = bool(groups.group_essential[g]) if essential is not None else None
        row = concentration_row(
            network, customer, groups.keys[groups.key[first]], products, inputs, flag, essential
        )
        if row.sole_supplier and stated_exclusive(network, row, essential):
            rows.append(row)
    return rows
