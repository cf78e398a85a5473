"""Supplier concentration (kg/concentration.py), with HHIs worked out by hand.

- two suppliers, no shares stated: 0.5 and 0.5 → HHI 0.25 + 0.25 = 0.5, effective number 2
- shares stated 0.7 and 0.3 → HHI 0.49 + 0.09 = 0.58, effective number 1 / 0.58 = 1.7241…
- one stated 0.6, two unstated → 0.6, 0.2, 0.2 → HHI 0.36 + 0.04 + 0.04 = 0.44
- one supplier, share only in words ("basically") → 1.0, HHI 1, a sole-supplier link
- one supplier stated at 0.6 → coverage 0.6, HHI 0.36 (a lower bound), not sole
- grouped by concept: molten aluminium from W only, ingot from W and X →
  W (1 + 0.5) / 2 = 0.75, X 0.25 → HHI 0.5625 + 0.0625 = 0.625
"""

import networkx as nx
import pytest

from kg.concentration import concentration, hhi, product_shares, sole_supplier_links
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
