"""Supplier concentration (kg/concentration.py), with HHIs worked out by hand.

- two suppliers, no shares stated: 0.5 and 0.5 → HHI 0.25 + 0.25 = 0.5, effective number 2
- shares stated 0.7 and 0.3 → HHI 0.49 + 0.09 = 0.58, effective number 1 / 0.58 = 1.7241…
- one stated 0.6, two unstated → 0.6, 0.2, 0.2 → HHI 0.36 + 0.04 + 0.04 = 0.44
- one supplier, share only in words ("basically") → 1.0, HHI 1, a sole-supplier link
- one supplier stated at 0.6 → coverage 0.6, HHI 0.36 (a lower bound), not sole
- grouped by concept: molten aluminium from W only, ingot from W and X →
  W (1 + 0.5) / 2 = 0.75, X 0.25 → HHI 0.5625 + 0.0625 = 0.625
"""

import math

import networkx as nx
import pytest

from kg.concentration import (
    concentration,
    hhi,
    input_groups,
    product_shares,
    segment_sums,
    sole_supplier_links,
    supply_table,
)
from kg.esri import EssentialMap


def approx(x):
    return pytest.approx(x, abs=1e-12)


def net(*links):
    g = nx.DiGraph()
    for supplier, customer, product, share, *extra in links:
        for n in (supplier, customer):
            if n not in g:
                g.add_node(n, label=n.upper(), products=["strip"] if n.startswith("mill") else [])
        rel = {
            "iri": f"r-{supplier}-{customer}-{product}",
            "product": product,
            "product_label": product,
            "share": share,
            "quote": f"{supplier} supplies {customer}",
            "source": "002.txt",
            "inferred": False,
        }
        rel.update(extra[0] if extra else {})
        if g.has_edge(supplier, customer):
            g.edges[supplier, customer]["relations"].append(rel)
        else:
            g.add_edge(supplier, customer, relations=[rel])
    return g


def test_hhi_by_hand():
    assert hhi([0.5, 0.5]) == 0.5
    assert hhi([0.7, 0.3]) == approx(0.58)
    assert hhi([0.6, 0.2, 0.2]) == approx(0.44)


def test_even_split_when_no_share_is_stated():
    (row,) = concentration(net(("a", "c", "metal", None), ("b", "c", "metal", None)))
    assert [(s.supplier, s.share, s.stated) for s in row.suppliers] == [
        ("a", 0.5, False),
        ("b", 0.5, False),
    ]
    assert (
        row.hhi,
        row.effective_suppliers,
        row.shares_stated,
        row.coverage,
        row.sole_supplier,
    ) == (0.5, 2.0, False, 1.0, False)
    assert row.assumption == "C: share of metal not stated for 2 of 2 suppliers; split evenly"


def test_stated_shares():
    (row,) = concentration(net(("a", "c", "metal", 0.3), ("b", "c", "metal", 0.7)))
    assert [(s.supplier, s.share, s.stated) for s in row.suppliers] == [
        ("b", 0.7, True),
        ("a", 0.3, True),
    ]
    assert row.hhi == approx(0.58)
    assert row.effective_suppliers == approx(1 / 0.58)
    assert row.shares_stated and row.assumption is None


def test_unstated_suppliers_split_the_rest():
    (row,) = concentration(
        net(("a", "c", "metal", 0.6), ("b", "c", "metal", None), ("d", "c", "metal", None))
    )
    assert [(s.supplier, round(s.share, 12), s.stated) for s in row.suppliers] == [
        ("a", 0.6, True),
        ("b", 0.2, False),
        ("d", 0.2, False),
    ]
    assert row.hhi == approx(0.44)


def test_stated_shares_above_one_are_scaled():
    shares = product_shares({"a": 0.9, "b": 0.6})
    assert {k: (round(v, 12), stated) for k, (v, stated) in shares.items()} == {
        "a": (0.6, True),
        "b": (0.4, True),
    }


def test_sole_supplier_in_words_only():
    g = net(("w", "mill", "ingot", None, {"share_wording": "basically"}), ("a", "b", "metal", 0.6))
    sole = sole_supplier_links(g)
    assert [(r.customer, r.product, r.suppliers[0].supplier) for r in sole] == [
        ("mill", "ingot", "w")
    ]
    (s,) = sole[0].suppliers
    assert (s.share, s.stated, s.share_wording, s.relations, s.quotes, s.sources) == (
        1.0,
        False,
        "basically",
        ("r-w-mill-ingot",),
        ("w supplies mill",),
        ("002.txt",),
    )
    partial = next(r for r in concentration(g) if r.customer == "b")
    assert (partial.coverage, partial.hhi, partial.sole_supplier) == (0.6, approx(0.36), False)


def test_grouped_by_input_concept():
    scheme = EssentialMap(
        {("molten", "strip"): ("metal", True), ("ingot", "strip"): ("metal", True)},
        labels={"metal": "aluminium metal"},
    )
    g = net(
        ("w", "mill", "molten", None), ("w", "mill", "ingot", None), ("x", "mill", "ingot", None)
    )
    (row,) = concentration(g, essential=scheme)
    assert (row.product, row.product_label, row.essential) == ("metal", "aluminium metal", True)
    assert [(s.supplier, s.share) for s in row.suppliers] == [("w", 0.75), ("x", 0.25)]
    assert row.hhi == approx(0.625)
    assert row.suppliers[0].relations == ("r-w-mill-ingot", "r-w-mill-molten")
    # without the scheme each product stands alone
    assert [(r.product, r.hhi, r.sole_supplier) for r in concentration(g)] == [
        ("ingot", 0.5, False),
        ("molten", 1.0, True),
    ]


def test_duplicate_relations_count_once():
    g = net(
        ("a", "c", "metal", None),
        ("a", "c", "metal", 0.8, {"iri": "r2", "quote": "again"}),
        ("b", "c", "metal", None),
    )
    (row,) = concentration(g)
    assert [(s.supplier, round(s.share, 12), s.stated) for s in row.suppliers] == [
        ("a", 0.8, True),
        ("b", 0.2, False),
    ]
    assert row.suppliers[0].quotes == ("a supplies c", "again")


# ------------------------------------------------------------------ the scan into arrays (shared with kg.esri)


def test_segment_sums_add_left_to_right():
    # left to right: (1e16 + 1) rounds to 1e16, minus 1e16 is 0, plus 1 is 1 (an exact sum would be 2)
    values = [1e16, 1.0, -1e16, 1.0, 0.5, 0.25]
    assert segment_sums(values, [0, 4]).tolist() == [1.0, 0.75]
    assert segment_sums(values, [0, 4])[0] == sum(values[:4])
    assert segment_sums([], []).tolist() == []


def test_supply_table_by_hand():
    g = net(
        ("a", "c", "metal", 0.3, {"volume": 100.0, "volume_unit": "T", "inferred": True}),
        (
            "a",
            "c",
            "metal",
            0.5,
            {"iri": "r2", "volume": 50.0, "volume_unit": "T", "inferred": False},
        ),
        ("b", "c", "metal", None, {"volume": 10.0, "volume_unit": "kg"}),
        (
            "b",
            "c",
            "power",
            None,
            {"iri": "r3", "volume": 5.0, "volume_unit": "T", "inferred": True},
        ),
        ("b", "d", "slag", None, {"products": ["slag", "dross"]}),
    )
    t = supply_table(g)
    assert t.nodes == ["a", "b", "c", "d"] and t.products == ["dross", "metal", "power", "slag"]
    edges = sorted(
        zip(t.edge_src.tolist(), t.edge_dst.tolist(), t.edge_volume.tolist(), t.edge_unit.tolist())
    )
    assert [(s, c, v) for s, c, v, _ in edges[:2]] == [
        (0, 2, 150.0),
        (1, 2, 15.0),
    ]  # volumes add up per link
    assert (
        edges[0][3] >= 0 and edges[1][3] == -2 and edges[2][3] == -1
    )  # one unit; two units; none stated
    facts = list(
        zip(
            t.fact_customer.tolist(),
            t.fact_product.tolist(),
            t.fact_supplier.tolist(),
            t.fact_share.tolist(),
            t.fact_inferred.tolist(),
        )
    )
    assert facts[:1] == [
        (2, 1, 0, 0.5, False)
    ]  # the largest stated share; inferred only if every relation is
    assert facts[1][:3] == (2, 1, 1) and math.isnan(facts[1][3])  # no share stated
    assert facts[2:] == [
        (2, 2, 1, facts[2][3], True),
        (3, 0, 1, facts[3][3], False),
        (3, 3, 1, facts[4][3], False),
    ]
    groups = input_groups(t)
    assert groups.share.tolist() == [0.5, 0.5, 1.0, 1.0, 1.0]  # c's metal: a 0.5 stated, b the rest
    assert groups.group_products.tolist() == [1, 1, 1, 1] and groups.customer_groups.tolist() == [
        0,
        0,
        2,
        2,
    ]


def test_sole_supplier_links_equal_the_filtered_rows():
    scheme = EssentialMap(
        {("molten", "strip"): ("metal", True), ("ingot", "strip"): ("metal", True)},
        labels={"metal": "aluminium metal"},
    )
    g = net(
        ("w", "mill", "molten", None),
        ("w", "mill", "ingot", 1.0),  # with molten: w alone supplies the metal group
        ("x", "mill2", "molten", 0.6),
        ("w", "mill2", "ingot", None),  # two suppliers of the group, one of each product
        ("y", "mill3", "ingot", 1 - 1e-10),  # within rounding of all of it
        ("y", "shop", "ingot", 0.6),  # a stated share below 1: not sole
        (
            "z",
            "shop",
            "power",
            None,
            {"share_wording": "basically", "products": ["power", "steam"]},
        ),
        ("z", "shop2", "power", 2.0),  # scaled to 1
    )
    for essential in (None, scheme):
        expected = [r for r in concentration(g, essential=essential) if r.sole_supplier]
        assert sole_supplier_links(g, essential=essential) == expected
        assert sole_supplier_links(g, essential=essential, table=supply_table(g)) == expected
    grouped = sole_supplier_links(g, essential=scheme)
    assert [(r.customer, r.product) for r in grouped] == [
        ("mill", "metal"),
        ("mill3", "metal"),
        ("shop", "power"),
        ("shop", "steam"),
        ("shop2", "power"),
    ]
    assert [(r.customer, r.product) for r in sole_supplier_links(g)] == [
        ("mill", "ingot"),
        ("mill", "molten"),
        ("mill2", "ingot"),
        ("mill3", "ingot"),
        ("shop", "power"),
        ("shop", "steam"),
        ("shop2", "power"),
    ]
