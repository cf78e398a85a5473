"""Sole-supplier claims only where the sources state exclusive supply (kg.analysis.concentration).

Worked by hand (one input product each, so each row has one supplier and coverage 1.0, HHI 1):
- taiyi → vanke, "applied to", no share: HHI 1 (the one named supplier gets the whole input in the
  index), but no claim: "has been applied to" says nothing of Vanke's other formwork suppliers.
- taiyi → evergrande, "applied to" even with share 1.0 written: still no claim (not a supply).
- w → derived, "supplies", share 1.0 bound "about" ("basically"): a claim.
- w → zouping, "supplies", wording "raw material supplier of all ..." and no share: no claim
  (the wording says whom W supplies, not that it is their only source).
- w → shop, "supplies", wording "only": a claim.
- w → inno, "supplies", no share (inferred): no claim.
"""

import networkx as nx

from kg.analysis.concentration import concentration, sole_supplier_links, stated_exclusive
from kg.network.project import supply_network
from kg.rdf.graph import open_graph


def rel(s, c, **extra):
    return {"iri": f"r-{s}-{c}", "product": "p", "product_label": "p", "products": ["p"],
            "kind": "supplies", "share": None, "share_wording": None, "quote": "q", "source": "s.txt",
            "inferred": False, **extra}


def network():
    g = nx.DiGraph()
    for s, c, extra in [
        ("taiyi", "vanke", {"kind": "applied to"}),
        ("taiyi", "evergrande", {"kind": "applied to", "share": 1.0}),
        ("w", "derived", {"share": 1.0, "share_bound": "about", "share_wording": "basically"}),
        ("w", "zouping", {"share_wording": "raw material supplier of all aluminum deep-processing enterprises"}),
        ("w", "shop", {"share_wording": "only"}),
        ("w", "inno", {"inferred": True}),
    ]:
        g.add_edge(s, c, relations=[rel(s, c, **extra)])
    for n in g:
        g.nodes[n]["label"] = n
    return g


def test_only_stated_exclusive_supply_is_sole():
    g = network()
    rows = {r.customer: r for r in concentration(g)}
    assert {c: (r.hhi, r.coverage) for c, r in rows.items()} == dict.fromkeys(
        ["derived", "evergrande", "inno", "shop", "vanke", "zouping"], (1.0, 1.0))
    assert sorted(c for c, r in rows.items() if r.sole_supplier) == ["derived", "shop"]
    assert [(r.suppliers[0].supplier, r.customer) for r in sole_supplier_links(g)] == [
        ("w", "derived"), ("w", "shop")]


def test_applied_to_is_never_sole_even_beside_a_stated_supply():
    # vanke gets formwork from taiyi under two relations: "applied to" (share 1.0) and a stated
    # supply with no share. Neither states exclusive supply → no claim.
    g = network()
    g.edges["taiyi", "vanke"]["relations"].append(rel("taiyi", "vanke", iri="r2"))
    (row,) = concentration(g, customers=["vanke"])
    assert (row.sole_supplier, stated_exclusive(g, row)) == (False, False)
    # a third relation that states share 1 as a supply makes it one
    g.edges["taiyi", "vanke"]["relations"].append(rel("taiyi", "vanke", iri="r3", share=1.0))
    (row,) = concentration(g, customers=["vanke"])
    assert row.sole_supplier


def test_two_suppliers_never_make_a_claim():
    g = network()
    g.add_edge("x", "derived", relations=[rel("x", "derived", share=1.0)])
    g.nodes["x"]["label"] = "x"
    # both stated at 1.0: scaled to 0.5 each (HHI 0.25 + 0.25 = 0.5), two suppliers, no claim
    (row,) = concentration(g, customers=["derived"])
    assert ([s.share for s in row.suppliers], row.hhi, row.sole_supplier) == ([0.5, 0.5], 0.5, False)


def test_bundled_data_has_one_sole_supplier_claim():
    # Weiqiao → the 60+ derived enterprises ("basically": share 1.0, about); not Taiyi's customers,
    # not Boeing, not the Zouping cohort or Innovation Metal (no share stated)
    G = supply_network(open_graph())
    ckr = "https://w3id.org/cluster-kg/id/"
    assert [(r.suppliers[0].supplier.removeprefix(ckr), r.customer.removeprefix(ckr))
            for r in sole_supplier_links(G)] == [("weiqiao-group", "cohort-binzhou-weiqiao-derived")]
    assert [r.customer.removeprefix(ckr) for r in concentration(G) if r.sole_supplier] == [
        "cohort-binzhou-weiqiao-derived"]
