"""Supplier concentration (kg/concentration.py), with HHIs worked out by hand.

- two suppliers, no shares stated: 0.5 and 0.5 → HHI 0.25 + 0.25 = 0.5, effective number 2
- shares stated 0.7 and 0.3 → HHI 0.49 + 0.09 = 0.58, effective number 1 / 0.58 = 1.7241…
- one stated 0.6, two unstated → 0.6, 0.2, 0.2 → HHI 0.36 + 0.04 + 0.04 = 0.44
- one supplier, share only in words ("basically") → 1.0 (assumed), HHI 1, but no sole-supplier
  claim: only a stated share of 1 (or a wording meaning all/only) on a "supplies" relation makes one
- one supplier stated at 0.6 → coverage 0.6, HHI 0.36 (a lower bound), not sole
- grouped by concept: molten aluminium from W only, ingot from W and X →
  W (1 + 0.5) / 2 = 0.75, X 0.25 → HHI 0.5625 + 0.0625 = 0.625
- shares 0.75 and 0.25 → HHI 0.5625 + 0.0625 = 0.625 (exact in binary), effective number 1.6
- shares 0.1, 0.2, 0.7 stated: the row adds them largest first, (0.7 + 0.2) + 0.1 =
  0.9999999999999999 (0.1 + 0.2 + 0.7 would be 1.0), and the HHI 0.49 + 0.04 + 0.01 →
  0.5399999999999999

The whole-network rows come from arrays, the rows of chosen
customers customer by customer (kg.analysis.shares.concentration_python, the reference); the two must
give equal rows, floats included, on every graph below.
"""

import math

import networkx as nx
import pytest

from kg.analysis.concentration import concentration, sole_supplier_links, with_stated_exclusivity
from kg.analysis.shares import (
    Concentration,
    SupplierShare,
    concentration_python,
    hhi,
    product_shares,
)
from kg.network.arrays import input_groups, supply_table
from kg.network.scheme import EssentialMap
from kg.utils.arrays import left_sum, segment_sums


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


def test_share_in_words_only_is_no_sole_supplier_claim():
    # "basically" without a stated share: the one supplier gets 1.0 in the HHI (assumed), no claim
    g = net(("w", "mill", "ingot", None, {"share_wording": "basically"}), ("a", "b", "metal", 0.6))
    assert sole_supplier_links(g) == []
    row = next(r for r in concentration(g) if r.customer == "mill")
    (s,) = row.suppliers
    assert (s.share, s.stated, s.share_wording, row.hhi, row.sole_supplier) == (1.0, False, "basically", 1.0, False)
    partial = next(r for r in concentration(g) if r.customer == "b")
    assert (partial.coverage, partial.hhi, partial.sole_supplier) == (0.6, approx(0.36), False)


def test_stated_share_of_one_is_a_sole_supplier_claim():
    g = net(("w", "mill", "ingot", 1.0, {"share_wording": "basically", "share_bound": "about"}))
    sole = sole_supplier_links(g)
    assert [(r.customer, r.product, r.suppliers[0].supplier) for r in sole] == [("mill", "ingot", "w")]
    (s,) = sole[0].suppliers
    assert (s.share, s.stated, s.share_wording, s.relations, s.quotes, s.sources) == (
        1.0,
        True,
        "basically",
        ("r-w-mill-ingot",),
        ("w supplies mill",),
        ("002.txt",),
    )
    assert [r.sole_supplier for r in concentration(g)] == [True]


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
        ("molten", 1.0, False),  # w alone, but no share stated: no claim
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


def test_hhi_of_three_quarters_and_a_quarter():
    (row,) = concentration(net(("a", "c", "metal", 0.25), ("b", "c", "metal", None)))
    assert [(s.supplier, s.share, s.stated) for s in row.suppliers] == [
        ("b", 0.75, False),
        ("a", 0.25, True),
    ]
    assert (row.coverage, row.hhi, row.effective_suppliers) == (1.0, 0.625, 1.6)
    assert (row.shares_stated, row.sole_supplier, row.essential) == (False, False, None)
    assert row.assumption == "C: share of metal not stated for 1 of 2 suppliers; split evenly"


def test_sums_run_largest_share_first():
    g = net(("a", "c", "metal", 0.1), ("b", "c", "metal", 0.2), ("d", "c", "metal", 0.7))
    for rows_of in (concentration, concentration_python):
        (row,) = rows_of(g)
        assert [s.supplier for s in row.suppliers] == ["d", "b", "a"]
        assert (row.coverage, row.hhi) == (0.9999999999999999, 0.5399999999999999)
        assert row.effective_suppliers == 1 / 0.5399999999999999


def test_parallel_relations_between_one_pair():
    # a supplies c's metal under three relations: the largest stated share counts, the
    # relation IRIs and sources come sorted, the quotes in relation order, once each
    g = net(
        ("a", "c", "metal", 0.25, {"iri": "r9", "source": "009.txt", "inferred": True}),
        ("a", "c", "metal", None, {"iri": "r1", "quote": "again", "share_wording": "most"}),
        ("a", "c", "metal", 0.5, {"iri": "r5", "quote": "again", "share_wording": "all"}),
        ("b", "c", "metal", None, {"inferred": True}),
    )
    for rows_of in (concentration, concentration_python):
        (row,) = rows_of(g)
        a, b = row.suppliers
        assert (a.supplier, a.share, a.stated, a.inferred) == ("a", 0.5, True, False)
        assert (a.relations, a.quotes, a.sources, a.share_wording) == (
            ("r1", "r5", "r9"),
            ("a supplies c", "again"),
            ("002.txt", "009.txt"),
            "most",
        )
        assert (b.supplier, b.share, b.stated, b.inferred) == ("b", 0.5, False, True)
        assert (row.hhi, row.effective_suppliers, row.shares_stated) == (0.5, 2.0, False)


def test_group_mean_with_a_product_one_supplier_lacks():
    # the metal group of mill: molten from w alone (1.0), ingot w 0.5 stated, x the rest (0.5);
    # w (1.0 + 0.5) / 2 = 0.75, x (0.0 + 0.5) / 2 = 0.25 → HHI 0.625; power stands alone
    scheme = EssentialMap(
        {("molten", "strip"): ("metal", True), ("ingot", "strip"): ("metal", True)},
        labels={"metal": "aluminium metal"},
    )
    g = net(
        ("w", "mill", "molten", None),
        ("w", "mill", "ingot", 0.5),
        ("x", "mill", "ingot", None),
        ("x", "mill", "power", None, {"product_label": "electric power"}),
    )
    for rows_of in (concentration, concentration_python):
        metal, power = rows_of(g, essential=scheme)
        assert (metal.product, metal.product_label, metal.essential) == (
            "metal",
            "aluminium metal",
            True,
        )
        assert [(s.supplier, s.share, s.stated) for s in metal.suppliers] == [
            ("w", 0.75, False),
            ("x", 0.25, False),
        ]
        assert (metal.coverage, metal.hhi, metal.effective_suppliers) == (1.0, 0.625, 1.6)
        assert (power.product, power.product_label, power.essential) == (
            "power",
            "electric power",
            False,
        )
        # x alone supplies power, share not stated: the reference flags one named supplier,
        # concentration() makes no sole-supplier claim of it
        assert (power.hhi, power.sole_supplier) == (1.0, rows_of is concentration_python)
        assert metal.suppliers[0].relations == ("r-w-mill-ingot", "r-w-mill-molten")


def small_graphs():
    """Graphs on which the two engines must agree (name, graph)."""
    yield "sole supplier", net(("w", "mill", "ingot", None, {"share_wording": "basically"}))
    yield (
        "stated and unstated",
        net(("a", "c", "metal", 0.6), ("b", "c", "metal", None), ("d", "c", "metal", None)),
    )
    yield "scaled down", net(("a", "c", "metal", 0.9), ("b", "c", "metal", 0.6))
    yield "partial coverage", net(("a", "c", "metal", 0.3), ("b", "c", "metal", 0.2))
    yield (
        "equal shares tie",
        net(("d", "c", "metal", 0.3), ("a", "c", "metal", 0.3), ("b", "c", "metal", 0.4)),
    )
    yield (
        "several products",
        net(
            ("w", "mill", "molten", None),
            ("w", "mill", "ingot", 1.0),
            ("x", "mill2", "molten", 0.6),
            ("w", "mill2", "ingot", None),
            ("y", "mill3", "ingot", 1 - 1e-10),
            ("y", "shop", "ingot", 0.6),
            ("z", "shop", "power", None, {"products": ["power", "steam", "power"]}),
            ("z", "shop2", "power", 2.0),
            ("mill", "shop", "strip", 0.1, {"inferred": True}),
        ),
    )
    parallel = net(
        ("a", "mill", "molten", 0.2, {"products": ["molten", "ingot"]}),
        ("a", "mill", "ingot", 0.7, {"iri": "r2", "quote": "q2", "source": "001.txt"}),
        ("a", "mill", "ingot", None, {"iri": "", "quote": "", "source": "", "share_wording": "x"}),
        ("b", "mill", "ingot", None, {"inferred": True, "product_label": None}),
        ("b", "mill", "molten", 0.1),
        ("c", "mill", "", None, {"product": None}),
        ("c", "mill", "", None, {"product": None, "product_label": "unnamed", "iri": "r-c2"}),
        ("mill", "mill", "molten", None),  # a firm that supplies itself
    )
    yield "parallel relations", parallel
    unlabelled = net(("a", "c", "metal", None), ("b", "c", "https://x.org/p/ingot", None))
    del unlabelled.nodes["a"]["label"]
    unlabelled.add_edge("e", "c", relations=[])  # a link without relations adds no supplier
    unlabelled.add_edge("a", "f", relations=[{"product": "https://x.org/p/ingot"}])
    yield "no labels", unlabelled
    yield "empty", nx.DiGraph()


SCHEME = EssentialMap(
    {
        ("molten", "strip"): ("metal", True),
        ("ingot", "strip"): ("metal", True),
        ("power", "strip"): ("energy", False),
        ("steam", ""): ("energy", False),
    },
    labels={"metal": "aluminium metal"},
)


@pytest.mark.parametrize("name, g", list(small_graphs()), ids=[n for n, _ in small_graphs()])
@pytest.mark.parametrize("essential", [None, SCHEME], ids=["by product", "by concept"])
def test_engines_agree(name, g, essential):
    rows = concentration(g, essential=essential)
    reference = with_stated_exclusivity(g, concentration_python(g, essential=essential), essential)
    assert rows == reference
    assert rows == concentration(g, customers=sorted(g.nodes), essential=essential)
    assert rows == concentration(g, essential=essential, table=supply_table(g))
    # equal floats, not only equal values (0.0 == -0.0): the same reprs
    assert repr(rows) == repr(reference)
    assert all(type(r) is Concentration for r in rows)
    assert all(type(s) is SupplierShare for r in rows for s in r.suppliers)
    assert [r for r in rows if r.sole_supplier] == sole_supplier_links(g, essential=essential)


def test_engines_agree_on_the_parallel_relations_by_hand():
    g = dict(small_graphs())["parallel relations"]
    by_product = {(r.customer, r.product): r for r in concentration(g)}
    assert sorted(by_product) == [("mill", ""), ("mill", "ingot"), ("mill", "molten")]
    ingot = by_product["mill", "ingot"]
    # a: max(0.2, 0.7) stated; b: the 0.1 left over; a's second relation adds an IRI and a quote
    assert [(s.supplier, round(s.share, 12), s.stated) for s in ingot.suppliers] == [
        ("a", 0.7, True),
        ("b", 0.3, False),
    ]
    a = ingot.suppliers[0]
    assert (a.relations, a.quotes, a.sources, a.share_wording) == (
        ("r-a-mill-molten", "r2"),
        ("a supplies mill", "q2"),
        ("001.txt", "002.txt"),
        "x",
    )
    assert ingot.product_label == "ingot"
    # no product: grouped under "", labelled by the first relation that gives a label
    assert (by_product["mill", ""].product_label, by_product["mill", ""].sole_supplier) == (
        "unnamed",
        False,  # c alone, no share stated: no claim
    )
    molten = by_product["mill", "molten"]
    assert [(s.supplier, s.share) for s in molten.suppliers] == [
        ("mill", 0.7),
        ("a", 0.2),
        ("b", 0.1),
    ]




# ------------------------------------------------------------------ the scan into arrays (shared with kg.esri)


def test_segment_sums_add_left_to_right():
    # left to right: (1e16 + 1) rounds to 1e16, minus 1e16 is 0, plus 1 is 1 (an exact sum would be 2)
    values = [1e16, 1.0, -1e16, 1.0, 0.5, 0.25]
    assert segment_sums(values, [0, 4]).tolist() == [1.0, 0.75]
    assert segment_sums(values, [0, 4])[0] == left_sum(values[:4])  # sum() compensates from 3.12
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
    # every relation behind a fact, in scan order: a's metal has two, b's slag and dross one each
    behind = [
        t.row_relation[t.fact_rows[i] : t.fact_rows[i + 1]].tolist()
        for i in range(len(t.fact_customer))
    ]
    assert [[t.relations[r]["iri"] for r in rs] for rs in behind] == [
        ["r-a-c-metal", "r2"],
        ["r-b-c-metal"],
        ["r3"],
        ["r-b-d-slag"],
        ["r-b-d-slag"],
    ]
    assert t.fact_relation.tolist() == [rs[0] for rs in behind]
    groups = input_groups(t)
    assert groups.share.tolist() == [0.5, 0.5, 1.0, 1.0, 1.0]  # c's metal: a 0.5 stated, b the rest
    assert groups.fact.tolist() == [0, 1, 2, 3, 4]  # each grouped fact's row in the table
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
    # only stated exclusivity: w's ingot (1.0), y's ingot (1 - 1e-10, within rounding of 1) and
    # z's power to shop2 (2.0, scaled); not w's molten (no share), not z's "basically" (words only).
    # By concept the mill's metal is molten and ingot: molten is not stated exclusive, so no claim.
    grouped = sole_supplier_links(g, essential=scheme)
    assert [(r.customer, r.product) for r in grouped] == [
        ("mill3", "metal"),
        ("shop2", "power"),
    ]
    assert [(r.customer, r.product) for r in sole_supplier_links(g)] == [
        ("mill", "ingot"),
        ("mill3", "ingot"),
        ("shop2", "power"),
    ]
