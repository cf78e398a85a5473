"""The systemic risk index (kg/analysis/esri) on a seven-node network computed by hand.

The network (edges supplier → customer, product; shares where stated)::

    A (smelter, metal)  ──metal──▶ B (mill, strip)      P (power plant) ──power──▶ B
    A ──metal──▶ C (mill, strip) ◀──metal── D (smelter, metal)
    A ──metal──▶ F (cohort of 4 mills, strip; share "basically", no number)
    B ──strip, share 0.7──▶ E (parts maker) ◀──strip, share 0.3── C
    E ──scrap──▶ D ◀──power── P                    (cycle D → C → E → D)

Scheme: metal is essential for strip; strip and power are non-essential
feedstocks; scrap is declared for nothing (non-essential). Weights: F 4, every
other node 1; total 10.

Impact coefficients
-------------------
Downstream (a customer's input groups weigh the same; L = share in group, or
share / number of groups for a non-essential group):

- B: metal (essential) A 1.0; power (non-essential) P 1.0 / 2 groups = 0.5
- C: metal (essential) A 0.5, D 0.5 (shares not stated: split evenly)
- F: metal (essential) A 1.0
- E: strip (non-essential, its only group) B 0.7, C 0.3 (stated)
- D: scrap E 1.0 / 2 = 0.5; power P 1.0 / 2 = 0.5 (both non-essential)

Upstream (sales split by customer weight): A sells to B 1/6, C 1/6, F 4/6;
P to B 1/2, D 1/2; B, C and E each sell all to E, E, D; D all to C.

Failure of A (downstream only: A has no suppliers)
--------------------------------------------------
h^d(0): A 0, all others 1. Each round uses the previous round's values.

====== ===== ====== ========= ========= ========= ===========
round  B     F      C         E         D         largest Δ
====== ===== ====== ========= ========= ========= ===========
1      0     0      0.5       1         1         1 (B, F)
2      0     0      0.5       0.15      1         0.85 (E)
3      0     0      0.5       0.15      0.575     0.425 (D)
4      0     0      0.2875    0.15      0.575     0.2125 (C)
5      0     0      0.2875    0.08625   0.575     0.06375 (E)
6      0     0      0.2875    0.08625   0.543125  0.031875 (D)
7      0     0      0.2715625 0.08625   0.543125  0.0159375 (C)
8      0     0      0.2715625 0.08146875 0.543125 0.00478125 < 0.01: stop
====== ===== ====== ========= ========= ========= ===========

Round 1: B = min(1 - 1.0·(1-0), 1 - 0.5·(1-1)) = 0; C = 1 - 0.5·1 - 0.5·0 = 0.5.
Round 2: E = 1 - 0.7·(1-0) - 0.3·(1-0.5) = 0.15.
Round 3: D = 1 - 0.5·(1-0.15) - 0.5·0 = 0.575.
Round 4: C = 1 - 0.5·1 - 0.5·(1-0.575) = 0.2875.
Round 5: E = 1 - 0.7 - 0.3·(1-0.2875) = 0.08625.
Round 6: D = 1 - 0.5·(1-0.08625) = 0.543125.
Round 7: C = 0.5 - 0.5·(1-0.543125) = 0.2715625.
Round 8: E = 0.3 - 0.3·(1-0.2715625) = 0.08146875.
Lost: A 1 + B 1 + F 4 + C 0.7284375 + E 0.91853125 + D 0.456875 = 8.10384375;
ESRI(A) = 0.810384375.

Failure of E (upstream and downstream)
--------------------------------------
Downstream: round 1 D = 1 - 0.5·(1-0) = 0.5; round 2 C = 1 - 0.5·(1-0.5) = 0.75;
round 3 nothing changes (E stays 0).
Upstream: round 1 B = 1·h^u_E = 0, C = 0 (their only customer), D = h^u_C(0) = 1,
A = 1, P = 1; round 2 A = 1/6·0 + 1/6·0 + 4/6·1 = 2/3, P = 1/2·0 + 1/2·1 = 0.5,
D = h^u_C(1) = 0; round 3 P = 0; round 4 nothing changes.
Largest changes: 1 (B), 1 (D upstream), 0.5 (P), 0 → 4 rounds.
h = min(h^u, h^d): A 2/3, B 0, C 0, D 0, E 0, P 0, F 1.
Lost: 1/3 + 5 = 16/3; ESRI(E) = 16/30 = 0.5333…

Failure of P (non-essential input only)
---------------------------------------
====== ===== ========= ========= ========= =========
round  B     D         C         E         largest Δ
====== ===== ========= ========= ========= =========
1      0.5   0.5       1         1         0.5
2      0.5   0.5       0.75      0.65      0.35 (E)
3      0.5   0.325     0.75      0.575     0.175 (D)
4      0.5   0.2875    0.6625    0.575     0.0875 (C)
5      0.5   0.2875    0.64375   0.54875   0.02625 (E)
6      0.5   0.274375  0.64375   0.543125  0.013125 (D)
7      0.5   0.2715625 0.6371875 0.543125  0.0065625 < 0.01: stop
====== ===== ========= ========= ========= =========

B keeps half its output (power is not essential): min(1 - 0, 1 - 0.5·1) = 0.5.
Lost: 1 + 0.5 + 0.7284375 + 0.3628125 + 0.456875 = 3.048125; ESRI(P) = 0.3048125.

Failure of the cohort F (upstream only)
---------------------------------------
A sells 4/6 to F: round 1 h^u_A = 1/6 + 1/6 + 0 = 1/3; round 2 no change.
Lost: F 4 + A 2/3; ESRI(F) = 14/30 = 0.4666…
"""

import networkx as nx
import pytest

from kg.analysis.dominance import dominator_tree
from kg.analysis.esri.cascade import affected, assumptions, cascade, propagate
from kg.analysis.esri.compile import prepare
from kg.analysis.esri.model import CompiledModel
from kg.analysis.esri.notes import NoteTable
from kg.analysis.esri.ranking import candidates, esri
from kg.analysis.esri.reference import cascade_python, esri_python, prepare_python
from kg.errors import UnknownName
from kg.network.scheme import EssentialMap, essential_map

WEIGHTS = {"A": 1, "B": 1, "C": 1, "D": 1, "E": 1, "F": 4, "P": 1}
PRODUCTS = {
    "A": ["metal"],
    "D": ["metal"],
    "P": ["power"],
    "B": ["strip"],
    "C": ["strip"],
    "F": ["strip"],
    "E": ["parts"],
}
SCHEME = EssentialMap(
    {
        ("metal", "strip"): ("metal", True),
        ("strip", "parts"): ("strip", False),
        ("power", "strip"): ("power", False),
    }
)


def approx(x):
    return pytest.approx(x, abs=1e-12)


def link(g, supplier, customer, product, share=None, **extra):
    g.add_edge(
        supplier,
        customer,
        relations=[
            {"iri": f"rel-{supplier}-{customer}", "product": product, "share": share, **extra}
        ],
    )


@pytest.fixture
def net():
    g = nx.DiGraph()
    for n, w in WEIGHTS.items():
        g.add_node(
            n,
            label=f"Firm {n}",
            kind="cohort" if n == "F" else "firm",
            weight=w,
            products=PRODUCTS[n],
            capacity=None,
        )
    link(g, "A", "B", "metal")
    link(g, "P", "B", "power")
    link(g, "A", "C", "metal")
    link(g, "D", "C", "metal")
    link(g, "A", "F", "metal", share_wording="basically")
    link(g, "B", "E", "strip", 0.7)
    link(g, "C", "E", "strip", 0.3)
    link(g, "E", "D", "scrap")
    link(g, "P", "D", "power")
    return g


def test_failure_of_A_round_by_round(net):
    c = cascade(net, "A", essential=SCHEME)
    assert c.changes == approx((1.0, 0.85, 0.425, 0.2125, 0.06375, 0.031875, 0.0159375, 0.00478125))
    assert c.rounds == 8 and c.converged
    assert c.health == approx(
        {"A": 0.0, "B": 0.0, "C": 0.2715625, "D": 0.543125, "E": 0.08146875, "F": 0.0}
    )
    assert c.upstream == {"A": 0.0}
    assert c.lost_weight == approx(8.10384375)
    assert c.total_weight == 10
    assert c.esri == approx(0.810384375)


def test_failure_of_E_spreads_upstream_and_downstream(net):
    c = cascade(net, "E", essential=SCHEME)
    assert c.downstream == approx({"C": 0.75, "D": 0.5, "E": 0.0})
    assert c.upstream == approx({"A": 2 / 3, "B": 0.0, "C": 0.0, "D": 0.0, "E": 0.0, "P": 0.0})
    assert c.changes == approx((1.0, 1.0, 0.5, 0.0))
    assert c.health == approx({"A": 2 / 3, "B": 0.0, "C": 0.0, "D": 0.0, "E": 0.0, "P": 0.0})
    assert c.esri == approx(16 / 30)
    assert "Firm A: sales volumes not stated; sales split by customer weight" in c.assumptions
    assert (
        "Firm A: sales to customers the sources do not name are unknown and not counted"
        in c.assumptions
    )
    # F lost nothing, so nothing about F's inputs is listed
    assert not any(note.startswith("Firm F") for note in c.assumptions)


def test_non_essential_input_costs_only_its_part(net):
    c = cascade(net, "P", essential=SCHEME)
    assert c.changes == approx((0.5, 0.35, 0.175, 0.0875, 0.02625, 0.013125, 0.0065625))
    assert c.health == approx({"B": 0.5, "C": 0.6371875, "D": 0.2715625, "E": 0.543125, "P": 0.0})
    assert c.esri == approx(0.3048125)
    # the same mill loses everything when its essential metal fails (A above)
    assert cascade(net, "A", essential=SCHEME).health["B"] == 0.0


def test_cohort_weighs_by_member_count(net):
    c = cascade(net, "F", essential=SCHEME)
    assert c.health == approx({"A": 1 / 3, "F": 0.0})
    assert c.rounds == 2
    assert c.esri == approx(14 / 30)


def test_without_scheme_every_input_is_linear(net):
    c = cascade(net, "A")
    # B: two non-essential groups (metal, power), each half: 1 - 0.5·1 = 0.5
    assert c.downstream["B"] == approx(0.5)
    assert (
        c.assumptions[1] == "no product scheme given: every input counted as non-essential (linear)"
    )


def test_threshold_stops_earlier(net):
    c = cascade(net, "A", essential=SCHEME, threshold=0.1)
    assert c.rounds == 5
    assert c.health == approx({"A": 0.0, "B": 0.0, "C": 0.2875, "D": 0.575, "E": 0.08625, "F": 0.0})
    assert c.esri == approx(0.805125)


def test_round_limit_reports_no_convergence(net):
    c = cascade(net, "A", essential=SCHEME, max_rounds=3)
    assert (c.rounds, c.converged) == (3, False)
    assert c.assumptions[-1] == "did not converge within 3 rounds"


def test_ranking_shares_ranks_on_ties(net):
    results = esri(net, essential=SCHEME)
    assert [(r.rank, r.firm) for r in results] == [
        (1, "A"),
        (2, "C"),
        (2, "D"),
        (2, "E"),
        (5, "F"),
        (6, "P"),
        (7, "B"),
    ]
    first = results[0]
    assert (first.label, first.kind, first.rounds) == ("Firm A", "firm", 8)
    assert first.esri == approx(0.810384375)
    assert first.own == approx(0.1)  # A's own output; the other 0.710384375 is lost by others
    assert [i for i, _ in first.affected] == [
        "F",
        "B",
        "E",
        "C",
        "D",
    ]  # equal losses: heavier first
    assert dict(first.affected) == approx(
        {"B": 1.0, "F": 1.0, "E": 0.91853125, "C": 0.7284375, "D": 0.456875}
    )


def test_selected_firms(net):
    results = esri(net, firms=["P", "E", "A"], essential=SCHEME)
    assert [(r.rank, r.firm) for r in results] == [(1, "A"), (2, "E"), (3, "P")]
    assert [r.esri for r in results] == approx([0.810384375, 16 / 30, 0.3048125])


def test_top_prunes_by_dominated_weight_then_out_degree(net):
    # A dominates the cohort F (weight 4); nobody else dominates anything.
    assert dominator_tree(net).weight == {"A": 4, "B": 0, "C": 0, "D": 0, "E": 0, "F": 0, "P": 0}
    # weighted out-degree: A 6, P 2, B C D E 1, F 0
    assert candidates(net) == ["A", "P", "B", "C", "D", "E", "F"]
    results = esri(net, top=2, essential=SCHEME)
    # a heuristic: E (0.533) beats P but is not a candidate, and the results say so
    assert [r.firm for r in results] == ["A", "P"]
    assert results[0].assumptions[-1] == (
        "computed for the 2 candidates with the largest dominated weight and weighted out-degree, not for all 7 nodes"
    )


def test_assumptions_name_the_guesses(net):
    (a,) = esri(net, firms=["A"], essential=SCHEME)
    assert "Firm C: share of metal not stated for 2 of 2 suppliers; split evenly" in a.assumptions
    assert (
        "Firm F: share of metal not stated for its sole supplier Firm A; taken as all of it"
        in a.assumptions
    )
    assert not any("Firm E: share" in note for note in a.assumptions)  # E's shares are stated


def test_stated_volumes_split_sales():
    g = nx.DiGraph()
    for n in "SXY":
        g.add_node(n, label=n, weight=1, products=[])
    link(g, "S", "X", "metal", volume=300.0, volume_unit="TONNE-PER-YR")
    link(g, "S", "Y", "metal", volume=100.0, volume_unit="TONNE-PER-YR")
    c = cascade(g, "X")
    assert c.upstream == approx({"S": 0.25, "X": 0.0})
    assert c.esri == approx(1.75 / 3)


def test_capacities_weigh_when_every_node_has_one():
    g = nx.DiGraph()
    g.add_node("S", capacity=300.0, weight=1)
    g.add_node("M", capacity=100.0, weight=1)
    link(g, "S", "M", "metal")
    (m, s) = esri(g)  # equal indices: by IRI
    assert (s.firm, s.esri, s.total_weight) == ("S", 1.0, 400.0)
    assert (m.firm, m.esri, m.rank) == ("M", 1.0, 1)
    assert s.assumptions[0] == "output weights: capacity (t/yr)"


def test_inferred_links_are_flagged():
    g = nx.DiGraph()
    g.add_nodes_from("ab", weight=1)
    link(g, "a", "b", "metal", inferred=True)
    (c,) = [x for x in esri(g) if x.firm == "a"]
    assert "a → b (metal): inferred link, not stated" in c.assumptions


def test_unknown_firm_is_a_typed_error(net):
    with pytest.raises(UnknownName):
        esri(net, firms=["nobody"])
    with pytest.raises(UnknownName):
        cascade(net, "nobody")


def test_essential_map_from_the_product_scheme():
    from kg.rdf.graph import open_graph
    from kg.vocab.terms import CKP

    m = essential_map(open_graph([], ontology=True))
    p = {
        k: str(CKP[k])
        for k in (
            "molten-aluminium",
            "aluminium-strip",
            "aluminium-metal",
            "alumina",
            "electrolytic-aluminium",
            "thermal-power",
            "aluminium-rod",
            "cable",
            "aluminium-alloy",
            "phone-shells",
            "moulds",
            "aluminium-profiles",
            "extrusions",
            "wheels",
        )
    }
    assert m.classify(p["molten-aluminium"], [p["aluminium-strip"]]) == (p["aluminium-metal"], True)
    assert m.classify(p["molten-aluminium"], [p["wheels"]]) == (p["aluminium-metal"], True)
    assert m.classify(p["alumina"], [p["electrolytic-aluminium"]]) == (p["alumina"], True)
    assert m.classify(p["thermal-power"], [p["electrolytic-aluminium"]]) == (
        p["thermal-power"],
        True,
    )
    assert m.classify(p["thermal-power"], [p["alumina"]]) == (p["thermal-power"], False)
    # the narrower declared concept wins: rod is essential for cable as rod, not as aluminium metal
    assert m.classify(p["aluminium-rod"], [p["cable"]]) == (p["aluminium-rod"], True)
    assert m.classify(p["aluminium-rod"], [p["aluminium-strip"]]) == (p["aluminium-metal"], True)
    assert m.classify(p["aluminium-alloy"], [p["phone-shells"]]) == (p["aluminium-alloy"], True)
    ingot = str(CKP["aluminium-ingot"])
    assert m.classify(ingot, [p["aluminium-alloy"]]) == (ingot, True)  # alloy is made from ingot
    assert m.classify(p["moulds"], [p["aluminium-profiles"]]) == (p["moulds"], False)
    assert m.classify(p["aluminium-profiles"], [p["wheels"]]) == (p["aluminium-profiles"], False)


def test_cohort_of_unknown_size_is_flagged():
    from kg.network.model import network_from_edges

    g = network_from_edges([("w", "c")], kind={"c": "cohort"})
    (w,) = esri(g, firms=["w"])
    assert "c: a cohort whose size no source states; counted as 1 firm" in w.assumptions


def test_bundled_data_weiqiao_is_the_single_point_of_failure():
    """What the articles must show: Weiqiao carries Zouping's deep processors and Innovation Metal."""
    from kg.lookup.clusters import cluster_members
    from kg.network.model import neighbourhood
    from kg.network.project import supply_network
    from kg.rdf.graph import open_graph
    from kg.services.card import dependency_card
    from kg.vocab.terms import CKR

    graph = open_graph()
    scheme = essential_map(graph)
    full = supply_network(graph)
    members = cluster_members(graph, str(CKR["cluster-binzhou"])) & set(full)
    net = neighbourhood(full, members)
    weiqiao, zouping, derived, innovation = (
        str(CKR[n])
        for n in (
            "weiqiao-group",
            "cohort-zouping-deep-processing",
            "cohort-binzhou-weiqiao-derived",
            "innovation-metal",
        )
    )
    results = esri(net, firms=sorted(n for n in members if net.degree(n)), essential=scheme)
    top = results[0]
    assert top.firm == weiqiao
    lost = dict(top.affected)
    assert lost[zouping] == 1.0 and lost[innovation] == 1.0 and lost[derived] == 1.0
    # the cohort of 60+ firms weighs 60 of the firms lost
    assert top.lost_weight == 1 + 1 + 1 + 60
    assert set(dominator_tree(net).dominated(weiqiao)) >= {zouping, innovation, derived}
    card = dependency_card(full, innovation, essential=scheme)
    assert [d["firm"] for d in card["dominators"]] == [weiqiao]
    assert [(s["firm"], s["product_label"], s["inferred"]) for s in card["suppliers"]] == [
        (weiqiao, "aluminium ingot", True)
    ]


# ------------------------------------------------------------------ the compiled engine against the reference
#
# kg.analysis.esri.reference is the reference implementation (dictionaries, one node at a
# time); kg.analysis.esri.compile compiles the same coefficients into
# sparse matrices. They must give the same floats, not merely close ones: the
# sums are added in the same order.


def result_fields(r):
    return (
        r.firm,
        r.label,
        r.kind,
        r.esri,
        r.own,
        r.rank,
        r.rounds,
        r.converged,
        tuple(r.affected),
        r.lost_weight,
        r.total_weight,
        r.assumptions,
    )


def cascade_fields(c):
    return (
        c.firm,
        c.esri,
        c.health,
        c.downstream,
        c.upstream,
        c.rounds,
        c.converged,
        c.changes,
        c.lost_weight,
        c.total_weight,
        c.assumptions,
    )


def assert_engines_agree(g, **kw):
    """Every node's index, ranking and cascade, both engines, compared exactly."""
    fast = esri(g, **kw)
    slow = esri_python(g, **kw)
    assert [result_fields(r) for r in fast] == [result_fields(r) for r in slow]
    cascade_kw = {
        k: v for k, v in kw.items() if k in ("essential", "threshold", "weights", "max_rounds")
    }
    fast_model = prepare(g, essential=kw.get("essential"), weights=kw.get("weights", "auto"))
    slow_model = prepare_python(
        g, essential=kw.get("essential"), weights=kw.get("weights", "auto")
    )
    for n in g:
        a = cascade(g, n, model=fast_model, **cascade_kw)
        b = cascade_python(g, n, model=slow_model, **cascade_kw)
        assert cascade_fields(a) == cascade_fields(b), n
        assert cascade_fields(cascade(g, n, **cascade_kw)) == cascade_fields(b), n
    return fast


def test_engines_agree_on_the_hand_computed_network(net):
    results = assert_engines_agree(net, essential=SCHEME)
    assert [(r.rank, r.firm) for r in results] == [
        (1, "A"),
        (2, "C"),
        (2, "D"),
        (2, "E"),
        (5, "F"),
        (6, "P"),
        (7, "B"),
    ]
    assert_engines_agree(net)  # no scheme: every input linear
    assert_engines_agree(net, essential=SCHEME, threshold=0.1)
    assert_engines_agree(net, essential=SCHEME, weights="capacity")  # every weight 0
    assert_engines_agree(net, essential=SCHEME, firms=["P", "E"])
    assert_engines_agree(net, essential=SCHEME, top=3)


def test_engines_agree_when_the_cycle_does_not_converge(net):
    for rounds in (0, 1, 2, 3):
        results = assert_engines_agree(net, essential=SCHEME, max_rounds=rounds)
        a = next(r for r in results if r.firm == "A")
        assert (a.rounds, a.converged) == (rounds, False)
        assert a.assumptions[-1] == f"did not converge within {rounds} rounds"


def scheme_of_groups():
    """Two essential groups (metal from molten or ingot; power) and two others for a wire mill."""
    return EssentialMap(
        {
            ("molten", "wire"): ("metal", True),
            ("ingot", "wire"): ("metal", True),
            ("power", "wire"): ("power", True),
            ("dies", "wire"): ("dies", False),
        },
        labels={"metal": "aluminium metal"},
    )


@pytest.fixture
def groups_net():
    """A wire mill W with two essential groups and two non-essential inputs, and its surroundings.

    W gets molten metal from M1 (share 0.6) and M2 (unstated), ingot from M1
    (unstated) and I (share 0.5), power from P, dies from D and lubricant
    (declared for nothing) from L in one relation naming two products. W sells
    to cohorts K (40 firms) and J (size unknown, weight 1), K to S, and S back
    to M2 (a cycle through W). X is a firm with no links; Y gets an inferred
    supply from L with no product; Z buys power from P and D with shares adding
    up to 2.
    """
    g = nx.DiGraph()
    nodes = {
        "M1": ("firm", 1, ["molten", "ingot"]),
        "M2": ("firm", 1, ["molten"]),
        "I": ("firm", 1, ["ingot"]),
        "P": ("firm", 1, ["power"]),
        "D": ("firm", 1, ["dies"]),
        "L": ("firm", 1, []),
        "W": ("firm", 1, ["wire"]),
        "K": ("cohort", 40, ["cable"]),
        "J": ("cohort", None, []),
        "S": ("firm", 1, ["scrap"]),
        "X": ("firm", 1, ["wire"]),
        "Y": ("firm", 1, ["wire"]),
        "Z": ("firm", 1, ["wire"]),
    }
    for n, (kind, size, products) in nodes.items():
        g.add_node(
            n, label=f"Firm {n}", kind=kind, weight=size or 1, member_count=size, products=products
        )
    link(g, "M1", "W", "molten", 0.6)
    g.edges["M1", "W"]["relations"].append(
        {"iri": "rel-M1-W-ingot", "product": "ingot", "share": None}
    )
    link(g, "M2", "W", "molten")
    link(g, "I", "W", "ingot", 0.5)
    link(g, "P", "W", "power", inferred=True)
    link(g, "D", "W", "dies", volume=5.0, volume_unit="T")
    g.add_edge(
        "L", "W", relations=[{"iri": "rel-L-W", "product": "lube", "products": ["lube", "grease"]}]
    )
    link(g, "W", "K", "wire", volume=300.0, volume_unit="T")
    link(g, "W", "J", "wire", volume=100.0, volume_unit="T")
    link(g, "K", "S", "cable")
    link(g, "S", "M2", "scrap")
    g.add_edge("L", "Y", relations=[{"iri": "rel-L-Y", "product": None, "inferred": True}])
    link(g, "P", "Z", "power", 1.5)
    link(g, "D", "Z", "power", 0.5)
    return g


def test_engines_agree_on_groups_volumes_cohorts_and_cycles(groups_net):
    results = assert_engines_agree(groups_net, essential=scheme_of_groups())
    assert_engines_agree(groups_net)
    by_firm = {r.firm: r for r in results}
    # the firm without links loses only itself
    assert (by_firm["X"].esri, by_firm["X"].affected, by_firm["X"].rounds) == (
        1 / 52,
        (),
        1,
    )  # 11 firms, K 40, J 1
    # W sells by stated volume: 3/4 to K, 1/4 to J (round 1; then the cycle K → S → M2 → W turns)
    assert (
        cascade(groups_net, "J", essential=scheme_of_groups(), max_rounds=1).upstream["W"] == 0.75
    )
    # Z's stated power shares add up to 2: scaled to 0.75 (P) and 0.25 (D)
    assert cascade(groups_net, "P", essential=scheme_of_groups()).downstream["Z"] == 0.25


def test_engines_agree_on_ties():
    """Four symmetric chains k1 → k2 → k3, every k1 also selling to m (13 firms).

    k1 fails: k2 and k3 lose all, m a quarter (4 suppliers, shares split evenly): 3.25 / 13.
    m fails: every k1 loses half its sales: 3 / 13. k2 fails: k3 loses all, k1 half its
    sales: 2.5 / 13, as when k3 fails (k2 and k1 lose their sales to it).
    """
    g = nx.DiGraph()
    for k in "abcd":
        link(g, f"{k}1", f"{k}2", "metal")
        link(g, f"{k}2", f"{k}3", "strip")
        link(g, f"{k}1", "m", "metal")
    results = assert_engines_agree(g)
    assert [(r.rank, r.firm, r.esri) for r in results] == (
        [(1, f"{k}1", 3.25 / 13) for k in "abcd"]
        + [(5, "m", 3 / 13)]
        + [(6, f"{k}{i}", 2.5 / 13) for k in "abcd" for i in (2, 3)]
    )


def test_compiled_coefficients_equal_the_reference(groups_net):
    """The sparse matrices hold exactly the reference's impact coefficients, in its order."""
    scheme = scheme_of_groups()
    fast = prepare(groups_net, essential=scheme).compiled
    slow = prepare_python(groups_net, essential=scheme)
    nodes = fast.nodes
    assert nodes == sorted(groups_net)

    def row(indptr, indices, data, k):
        return [
            (nodes[j], x)
            for j, x in zip(indices[indptr[k] : indptr[k + 1]], data[indptr[k] : indptr[k + 1]])
        ]

    for i, n in enumerate(nodes):
        groups = [
            row(fast.group_indptr, fast.group_indices, fast.group_data, k)
            for k in range(fast.essential_ptr[i], fast.essential_ptr[i + 1])
        ]
        assert groups == slow.essential_inputs.get(n, []), n
        assert row(
            fast.other_indptr, fast.other_indices, fast.other_data, i
        ) == slow.other_inputs.get(n, []), n
        assert row(fast.sales_indptr, fast.sales_indices, fast.sales_data, i) == slow.sales.get(
            n, []
        ), n
    # W by hand: metal = molten (M1 0.6, M2 0.4) and ingot (I 0.5, M1 0.5), mean: M1 0.55, M2 0.2, I 0.25
    assert slow.essential_inputs["W"] == [[("I", 0.25), ("M1", 0.55), ("M2", 0.2)], [("P", 1.0)]]
    # dies, grease and lube (one relation, two products) are groups of their own: 5 groups, 1/5 each
    assert slow.other_inputs["W"] == [("D", 0.2), ("L", 0.2), ("L", 0.2)]


def test_notes_are_flagged_and_worded_as_the_reference(groups_net, net):
    for g, scheme in ((groups_net, scheme_of_groups()), (groups_net, None), (net, SCHEME)):
        fast = prepare(g, essential=scheme)
        slow = prepare_python(g, essential=scheme)
        for kind, bit in (("down_notes", 1), ("up_notes", 2), ("own_notes", 4)):
            expected = {n: v for n, v in getattr(slow, kind).items() if v}
            assert dict(getattr(fast, kind)) == expected
            flagged = {
                fast.compiled.nodes[i]
                for i in range(len(fast.compiled.nodes))
                if fast.compiled.notes[i] & bit
            }
            assert flagged == set(expected)


def test_compiled_model_round_trips_through_savez(groups_net):
    """Saved and loaded again, the arrays alone give every cascade, its hits and its assumptions."""
    import io

    import numpy as np

    scheme = scheme_of_groups()
    model = prepare(groups_net, essential=scheme)
    buffer = io.BytesIO()
    np.savez(
        buffer,
        **model.compiled.to_arrays(),
        **{f"note_{k}": v for k, v in model.note_table().to_arrays().items()},
    )
    buffer.seek(0)
    saved = np.load(buffer, allow_pickle=False)
    loaded = CompiledModel.from_arrays(saved)
    notes = NoteTable.from_arrays({k[5:]: saved[k] for k in saved.files if k.startswith("note_")})
    assert loaded.nodes == model.compiled.nodes and loaded.total == model.compiled.total
    for name, array in model.compiled.to_arrays().items():
        assert np.array_equal(loaded.to_arrays()[name], array), name
    assert notes.texts.tolist() == model.note_table().texts.tolist()
    ranked = {r.firm: r for r in esri_python(groups_net, essential=scheme)}
    for n in groups_net:
        state = propagate(loaded, loaded.number(n))
        reference = cascade_python(groups_net, n, essential=scheme)
        assert state.esri == reference.esri and state.changes == reference.changes
        assert {loaded.nodes[j]: float(state.health[j]) for j in state.reached} == reference.health
        assert {loaded.nodes[j] for j in state.down} == set(reference.downstream) - {n}
        assert {loaded.nodes[j] for j in state.up} == set(reference.upstream) - {n}
        assert assumptions(loaded, notes, state) == reference.assumptions
        assert affected(loaded, state) == ranked[n].affected


def test_affected_reads_like_a_tuple(net):
    (a,) = esri(net, firms=["A"], essential=SCHEME)
    (b,) = esri_python(net, firms=["A"], essential=SCHEME)
    assert isinstance(b.affected, tuple)
    assert a.affected == b.affected and b.affected == a.affected and a == b
    assert len(a.affected) == 5 and a.affected[0] == ("F", 1.0) and a.affected[-1] == b.affected[-1]
    assert a.affected[1:3] == b.affected[1:3] and isinstance(a.affected[1:3], tuple)
    assert list(a.affected) == list(b.affected) and hash(a.affected) == hash(b.affected)


def test_empty_network_and_a_lone_node():
    g = nx.DiGraph()
    assert esri(g) == [] and esri_python(g) == []
    g.add_node("x")
    assert_engines_agree(g)
    (x,) = esri(g)
    assert (x.esri, x.rounds, x.affected, x.converged) == (1.0, 1, (), True)


def test_compiled_model_finds_node_numbers(net):
    cm = prepare(net, essential=SCHEME).compiled
    assert (
        [cm.number(n) for n in cm.nodes]
        == list(range(len(cm.nodes)))
        == [cm.index[n] for n in cm.nodes]
    )
    with pytest.raises(KeyError):
        cm.number("Q")


def test_reachable_finds_what_scipy_breadth_first_order_finds():
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

    from kg.analysis.esri.cascade import reachable

    rng = np.random.default_rng(7)
    for n, m in [(1, 0), (5, 0), (30, 40), (200, 150), (200, 900)]:
        rows, cols = rng.integers(0, n, m), rng.integers(0, n, m)
        csr = sp.csr_matrix((np.ones(m), (rows, cols)), shape=(n, n))
        csr.sum_duplicates()
        for start in range(0, n, max(1, n // 10)):
            expected = np.sort(breadth_first_order(csr, start, return_predecessors=False))
            got = reachable(csr.indptr, csr.indices, start)
            assert got.tolist() == expected.tolist(), (n, m, start)


def test_demand_lists_are_the_supply_lists_transposed():
    # a -> b, a -> c, b -> c (nodes numbered in IRI order: a 0, b 1, c 2)
    import networkx as nx

    from kg.analysis.esri.compile import prepare

    g = nx.DiGraph()
    for s, c in [("a", "b"), ("a", "c"), ("b", "c")]:
        g.add_edge(s, c, relations=[{"product": "metal"}])
    cm = prepare(g).compiled
    indptr, indices = cm.demand_lists
    assert indptr.tolist() == [0, 0, 1, 3]  # a has no supplier, b has a, c has a and b
    assert indices.tolist() == [0, 0, 1]


def test_row_products_add_each_row_left_to_right():
    import numpy as np

    from kg.utils.arrays import RowProduct

    rng = np.random.default_rng(7)
    n_rows, n_cols = 40, 30
    counts = rng.integers(0, 6, n_rows)
    counts[[3, 17]] = 0  # empty rows
    indptr = np.r_[0, np.cumsum(counts)]
    indices = rng.integers(0, n_cols, indptr[-1])
    data = rng.choice([1e16, 1.0, -1e16, 0.1, 0.2, 0.3], indptr[-1])  # the order of the additions shows
    x = rng.choice([1.0, 0.5, 3.0, 1e-3], n_cols)
    rows = np.array([5, 3, 5, 0, 39, 17, 12])  # repeated and empty rows, any order
    got = (RowProduct(data, indices, indptr, rows) @ x).tolist()
    want = []
    for r in rows:
        total = 0.0
        for j in range(indptr[r], indptr[r + 1]):
            total += data[j] * x[indices[j]]
        want.append(total)
    assert got == want  # the same floats, not close ones
    assert got[1] == got[5] == 0.0
