"""The systemic risk index (kg/analysis/esri), exactly as Diem et al. (Sci. Rep. 12:7719, 2022),
on tiny inline networks whose values are worked out by hand in each test's comment.

Notation: f(j,i,p) j's share of i's input p; Pi(i,p) the size of input p (summed volumes when
every input of i states one in one unit, else 1); s_in(i) = sum_p Pi(i,p); W = f * Pi.
Downstream h_d(i) = max(0, min(psi, min_k essential [1 - sum_j W[j,i,k]/Pi(i,k) (1 - h_d(j))],
1 - sum_j non-essential W[j,i]/s_in(i) (1 - h_d(j)))); upstream h_u(i) = max(0, min(psi,
1 - sum_j c_ij (1 - h_u(j)))); stop when the largest change is <= threshold.
"""

import io
import random

import networkx as nx
import numpy as np
import pytest

from kg.analysis.esri.cascade import affected, assumptions, cascade, propagate
from kg.analysis.esri.compile import prepare
from kg.analysis.esri.model import CompiledModel
from kg.analysis.esri.notes import NoteTable
from kg.analysis.esri.ranking import esri
from kg.analysis.esri.reference import cascade_python, esri_python
from kg.analysis.esri.weights import cohort_counts, output_weights
from kg.errors import UnknownName
from kg.network.scheme import EssentialMap

T = "http://qudt.org/vocab/unit/TONNE"
Y = "http://qudt.org/vocab/unit/CCY_CNY"
SCHEME = EssentialMap({
    ("metal", "strip"): ("metal", True),   # 2: essential
    ("power", "strip"): ("power", False),  # 1: non-essential
    ("ore", "strip"): ("ore", False),
    ("paint", "strip"): ("paint", 0),      # 0: irrelevant
})


def node(g, n, *, kind="firm", products=("strip",), capacity=None, output_value=None, members=None, **extra):
    g.add_node(n, kind=kind, label=n, products=list(products), capacity=capacity, output_value=output_value,
               member_count=members, weight=members or 1, clusters=[], **extra)


def link(g, s, c, product="metal", *, share=None, volume=None, unit=T):
    rel = {"iri": f"{s}->{c}:{product}", "product": product, "product_label": product, "products": [product],
           "share": share, "share_wording": None, "volume": volume, "volume_unit": unit if volume else None,
           "volume_wording": None, "quote": "q", "source": "s", "inferred": False, "rule": None}
    if g.has_edge(s, c):
        g.edges[s, c]["relations"].append(rel)
    else:
        g.add_edge(s, c, relations=[rel], products=[product])


def both(g, firm, **kw):
    """(stated, named) ESRI of ``firm``, checked against the reference."""
    out = []
    for bound in ("stated", "named"):
        fast = cascade(g, firm, essential=SCHEME, bound=bound, **kw)
        slow = cascade_python(g, firm, essential=SCHEME, bound=bound, **kw)
        assert abs(fast.esri - slow.esri) <= 1e-12 and fast.rounds == slow.rounds
        out.append(fast.esri)
    return tuple(out)


def test_essential_input_caps_output_by_the_failed_share():
    # S1 (share 0.6 stated) and S2 (no share) supply metal, essential for M's strip; count weights, total 3.
    # S1 fails: h_d(M) = 1 - 0.6 = 0.4 in both bounds -> (1 + 0.6) / 3.
    # S2 fails: named f = 1 - 0.6 = 0.4 -> M = 0.6 -> (1 + 0.4) / 3; stated: no share, no effect -> 1/3.
    g = nx.DiGraph()
    for n in ("S1", "S2", "M"):
        node(g, n)
    link(g, "S1", "M", share=0.6)
    link(g, "S2", "M")
    assert both(g, "S1") == pytest.approx((1.6 / 3, 1.6 / 3), abs=1e-15)
    assert both(g, "S2") == pytest.approx((1 / 3, 1.4 / 3), abs=1e-15)
    c = cascade(g, "S1", essential=SCHEME)
    assert c.health == {"S1": 0.0, "M": pytest.approx(0.4)} and c.rounds == 2  # round 2 changes nothing


def test_non_essential_inputs_weigh_by_value_and_irrelevant_ones_count_only_in_s_in():
    # C buys power from P (30 t), ore from Q (10 t) and paint (irrelevant) from R (60 t): Pi = 30, 10, 60,
    # s_in = 100. Weights in tonnes: P, Q, R sell 30, 10, 60 (all sales in t); C states nothing:
    # median of (30, 10, 60) = 30. Total 130.
    # P fails (named, sole supplier, share 1): C = 1 - 30/100 = 0.7 -> (30 + 30 * 0.3) / 130 = 0.3
    # Q fails: C = 1 - 10/100 = 0.9 -> (10 + 3) / 130 = 0.1; R fails: C unaffected -> 60 / 130
    # stated bound: no share stated -> each only its own output.
    g = nx.DiGraph()
    for n in ("P", "Q", "R"):
        node(g, n, products=())
    node(g, "C")
    link(g, "P", "C", "power", volume=30.0)
    link(g, "Q", "C", "ore", volume=10.0)
    link(g, "R", "C", "paint", volume=60.0)
    assert output_weights(g, table=prepare(g).compiled and None).basis == "count"  # no table: no sales seen
    assert both(g, "P") == pytest.approx((30 / 130, 0.3), abs=1e-15)
    assert both(g, "Q") == pytest.approx((10 / 130, 0.1), abs=1e-15)
    assert both(g, "R") == pytest.approx((60 / 130, 60 / 130), abs=1e-15)


def test_shares_come_from_volumes_and_an_explicit_share_overrides():
    # A (30 t) and B (10 t) supply metal, essential for M. Weights: A 30, B 10, M median(30, 10) = 20; total 60.
    # From volumes: f(A) = 0.75, f(B) = 0.25. A fails (named): M = 0.25 -> (30 + 20 * 0.75) / 60 = 0.75;
    # stated: no share -> 30 / 60.
    g = nx.DiGraph()
    for n in ("A", "B", "M"):
        node(g, n)
    link(g, "A", "M", volume=30.0)
    link(g, "B", "M", volume=10.0)
    assert both(g, "A") == pytest.approx((0.5, 0.75), abs=1e-15)
    # A's share stated as 0.5: f(A) = 0.5 (the volume no longer decides), f(B) = what is left = 0.5.
    # A fails: M = 0.5 in both bounds -> (30 + 10) / 60; B fails: named (10 + 10) / 60, stated 10 / 60.
    g.edges["A", "M"]["relations"][0]["share"] = 0.5
    assert both(g, "A") == pytest.approx((40 / 60, 40 / 60), abs=1e-15)
    assert both(g, "B") == pytest.approx((10 / 60, 20 / 60), abs=1e-15)


def test_upstream_loses_the_sales_share_and_the_stated_bound_needs_a_stated_total():
    # S (capacity 100 t/yr) sells 20 t to C1 and 30 t to C2 (no shares, inputs non-essential: no scheme
    # entry for "scrap"). Weights: S sells 50 t in the network (sales before capacity); C1, C2 median(50).
    # Total 150. C1 fails: named c = 20/50 = 0.4 -> h_u(S) = 0.6 -> (50 + 20) / 150;
    # stated c = 20 / max(100, 50) = 0.2 -> h_u(S) = 0.8 -> (50 + 10) / 150.
    g = nx.DiGraph()
    node(g, "S", capacity=100.0)
    node(g, "C1")
    node(g, "C2")
    link(g, "S", "C1", "scrap", volume=20.0)
    link(g, "S", "C2", "scrap", volume=30.0)
    assert both(g, "C1") == pytest.approx((60 / 150, 70 / 150), abs=1e-15)
    # without volumes, count weights: named splits S's sales by what each customer buys from it
    # (share 1 of its only input, weight 1 each) -> c = 1/2 -> (1 + 0.5) / 3; stated: not counted -> 1/3
    h = nx.DiGraph()
    for n in ("S", "C1", "C2"):
        node(h, n)
    link(h, "S", "C1", "scrap", share=1.0)
    link(h, "S", "C2", "scrap", share=1.0)
    assert both(h, "C1") == pytest.approx((1 / 3, 0.5), abs=1e-15)
    notes = cascade(h, "C1", essential=SCHEME, bound="named").assumptions
    assert any("S: sales volumes not stated; stated bound: its sales not counted" in n for n in notes)


def test_threshold_is_at_most_not_below():
    # A -> B, stated share 0.25, B's only input (non-essential). A fails: round 1 B = 0.75, change 0.25.
    # With threshold 0.25 the paper's "<=" stops after round 1 (a "<" would need round 2).
    g = nx.DiGraph()
    node(g, "A")
    node(g, "B")
    link(g, "A", "B", "power", share=0.25)
    c = cascade(g, "A", essential=SCHEME, threshold=0.25)
    assert (c.rounds, c.changes, c.converged) == (1, (0.25,), True)
    assert cascade_python(g, "A", essential=SCHEME, threshold=0.25).rounds == 1


def test_per_firm_weights_one_firm_lacking_a_figure_does_not_switch_the_others():
    # Yuan: F states 3e8, the cohort K (10 members) 1e9 -> one per-firm figure 1e8; G none:
    # median(3e8, 1e8) = 2e8. K keeps its own figure 1e9; total 1.5e9.
    g = nx.DiGraph()
    node(g, "F", output_value=3e8)
    node(g, "G")
    node(g, "K", kind="cohort", members=10, output_value=1e9)
    w = output_weights(g)
    assert w.basis == "yuan" and w.weight == {"F": 3e8, "G": 2e8, "K": 1e9}
    assert w.notes["G"] == ["G: no output figure stated; weighted as the median stated per-firm figure (200,000,000 yuan)"]
    assert "F" not in w.notes and "K" not in w.notes
    assert output_weights(g, "count").weight == {"F": 1.0, "G": 1.0, "K": 10.0}


def test_overlapping_cohorts_count_once_and_named_members_are_not_counted_twice():
    # X 60, Y 60, Z 12 overlap (one component); F is named and part of Z: Z counts 11.
    # Each counts c * max / sum: 60 * 60 / 131, 60 * 60 / 131, 11 * 60 / 131 (together 60).
    g = nx.DiGraph()
    node(g, "X", kind="cohort", members=60, overlaps=["Y", "Z"])
    node(g, "Y", kind="cohort", members=60, overlaps=["X"])
    node(g, "Z", kind="cohort", members=12, overlaps=["X"])
    node(g, "F", part_of=["Z"])
    node(g, "U", kind="cohort")  # no stated count: 1, with a note
    counts, notes = cohort_counts(g)
    assert counts["X"] == counts["Y"] == pytest.approx(3600 / 131)
    assert counts["Z"] == pytest.approx(660 / 131)
    assert counts["X"] + counts["Y"] + counts["Z"] == pytest.approx(60)
    assert counts["U"] == 1.0 and "no source states" in notes["U"][0]


def test_cohorts_are_never_ranked_and_ties_share_a_rank():
    # W supplies metal (share 1 stated) to the cohort K of 4 and to M (no share); N is alone.
    # Count weights: W, M, N 1, K 4, total 7. stated: W -> (1 + 4) / 7; M, N only themselves 1/7;
    # named: M loses all its metal too -> (1 + 4 + 1) / 7. The cohort is not a candidate.
    g = nx.DiGraph()
    node(g, "W")
    node(g, "M")
    node(g, "N")
    node(g, "K", kind="cohort", members=4)
    link(g, "W", "K", share=1.0)
    link(g, "W", "M")
    ranked = esri(g, essential=SCHEME)
    assert [(r.rank, r.firm) for r in ranked] == [(1, "W"), (2, "M"), (2, "N")]
    assert ranked[0].esri == ranked[0].esri_low == pytest.approx(5 / 7)
    assert ranked[0].esri_high == pytest.approx(6 / 7)
    assert ranked[0].bound == "stated" and ranked[1].esri == ranked[1].own == pytest.approx(1 / 7)
    named = esri(g, essential=SCHEME, bound="named", scope="test")
    assert [r.firm for r in named] == ["W", "M", "N"] and named[0].scope == "test"
    assert esri(g, firms=["K", "W"], essential=SCHEME)[0].firm == "W" and len(esri(g, firms=["K"])) == 0
    with pytest.raises(ValueError):
        esri(g, bound="maybe")
    with pytest.raises(UnknownName):
        esri(g, firms=["nobody"])


def random_network(seed: int, n: int = 40, m: int = 110) -> nx.DiGraph:
    rng = random.Random(seed)
    g = nx.DiGraph()
    products = ["ore", "metal", "strip", "power", "paint"]
    for i in range(n):
        kind = rng.choice(["firm"] * 6 + ["cohort", "group"])
        node(g, f"n{i:02d}", kind=kind, products=rng.sample(products, rng.randint(0, 2)),
             capacity=rng.choice([None, None, 100.0, 250.0]), output_value=rng.choice([None, None, 5e6]),
             members=rng.choice([None, 3, 10]) if kind == "cohort" else None)
    names = list(g)
    for _ in range(m):
        a, b = rng.sample(names, 2)
        for _ in range(rng.choice([1, 1, 2])):
            volume = rng.choice([None, None, 5.0, 20.0])
            link(g, a, b, rng.choice(products), share=rng.choice([None, None, 0.3, 1.0, 0.6]), volume=volume,
                 unit=rng.choice([T, T, T, Y]))
    cohorts = [x for x in names if g.nodes[x]["kind"] == "cohort"]
    if len(cohorts) >= 2:
        g.nodes[cohorts[0]]["overlaps"] = [cohorts[1]]
        g.nodes[cohorts[1]]["overlaps"] = [cohorts[0]]
        g.nodes[names[0]]["part_of"] = [cohorts[0]]
    return g


@pytest.mark.parametrize("seed", range(4))
def test_reference_and_compiled_agree_on_random_networks(seed):
    g = random_network(seed)
    for bound in ("stated", "named"):
        fast = {r.firm: r for r in esri(g, essential=SCHEME, bound=bound)}
        slow = esri_python(g, essential=SCHEME, bound=bound)
        assert sorted(fast) == sorted(r.firm for r in slow)
        for r in slow:
            x = fast[r.firm]
            assert abs(x.esri - r.esri) <= 1e-12 and abs(x.esri_high - r.esri_high) <= 1e-12
            assert abs(x.esri_low - r.esri_low) <= 1e-12 and x.esri_low <= x.esri_high + 1e-12
            assert x.rounds == r.rounds and x.assumptions == r.assumptions and x.rank == r.rank
            assert all(a == b and abs(u - v) <= 1e-12 for (a, u), (b, v) in zip(x.affected, r.affected))


def test_compiled_model_round_trips_through_savez():
    g = random_network(1)
    model = prepare(g, essential=SCHEME)
    buffer = io.BytesIO()
    np.savez(buffer, **model.compiled.to_arrays(),
             **{f"note_{k}": v for k, v in model.note_table().to_arrays().items()})
    buffer.seek(0)
    saved = np.load(buffer, allow_pickle=False)
    loaded = CompiledModel.from_arrays(saved)
    notes = NoteTable.from_arrays({k[5:]: saved[k] for k in saved.files if k.startswith("note_")})
    for n in list(g)[:10]:
        for bound in ("stated", "named"):
            state = propagate(loaded, loaded.number(n), bound=bound)
            reference = cascade_python(g, n, essential=SCHEME, bound=bound)
            assert abs(state.esri - reference.esri) <= 1e-12
            assert assumptions(loaded, notes, state) == reference.assumptions
            assert len(affected(loaded, state)) == sum(
                1 for k, h in reference.health.items() if k != n and h < 1 - 1e-12)


def test_empty_network_and_a_lone_node():
    g = nx.DiGraph()
    assert esri(g) == [] and esri_python(g) == []
    g.add_node("x")
    (x,) = esri(g)
    assert (x.esri, x.esri_high, x.rounds, x.affected, x.converged) == (1.0, 1.0, 1, (), True)


def test_essential_map_roles_from_the_ontology():
    from kg.network.scheme import essential_map
    from kg.rdf.graph import open_graph
    from rdflib import Graph

    g = open_graph([], ontology=True)
    g += Graph().parse(format="turtle", data="""
        @prefix ckg: <https://w3id.org/cluster-kg/ontology#> . @prefix ex: <http://example.org/> .
        ex:paint ckg:irrelevantInputFor ex:strip . ex:metal ckg:essentialFeedstockFor ex:strip .""")
    m = essential_map(g)
    assert m.role("http://example.org/paint", ["http://example.org/strip"]) == ("http://example.org/paint", 0)
    assert m.classify("http://example.org/metal", ["http://example.org/strip"]) == ("http://example.org/metal", True)
