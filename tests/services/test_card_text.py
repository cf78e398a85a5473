"""The dependency card: who is called a single point of failure (kg.services.card), and the
card `kg depends` prints (kg.render.rows.card_rows + kg.render.card.depends_text)."""

from __future__ import annotations

from kg.network.model import network_from_edges
from kg.render.card import depends_text, whatif_text
from kg.render.rows import card_rows
from kg.analysis.dominance import cut_off_is_stated
from kg.services.card import dependency_card


def _chain(shares, kinds=None):
    """a -> b -> c with the given stated shares (None: not stated) and relation kinds."""
    G = network_from_edges([("a", "b"), ("b", "c")],
                           share={e: s for e, s in zip([("a", "b"), ("b", "c")], shares) if s is not None})
    for edge, kind in zip([("a", "b"), ("b", "c")], kinds or ()):
        if kind:
            G.edges[edge]["relations"][0]["kind"] = kind
    return G


def test_a_dominator_is_a_single_point_of_failure_only_when_every_link_states_exclusive_supply():
    assert cut_off_is_stated(_chain([1.0, 1.0]), "a", "c")
    assert not cut_off_is_stated(_chain([1.0, None]), "a", "c")  # b -> c: share not stated
    assert not cut_off_is_stated(_chain([1.0, 0.4]), "a", "c")
    assert not cut_off_is_stated(_chain([1.0, 1.0], [None, "applied to"]), "a", "c")  # not stated as supply
    assert cut_off_is_stated(_chain([None, 1.0]), "b", "c")  # only the links between b and c count
    assert not cut_off_is_stated(_chain([1.0, 1.0]), "c", "a")  # no path


def test_a_stated_wording_of_exclusivity_counts():
    G = _chain([None, None])
    G.edges["a", "b"]["relations"][0]["share_wording"] = "all"
    assert cut_off_is_stated(G, "a", "b") and not cut_off_is_stated(G, "a", "c")


def test_the_card_names_exclusive_dominators_from_the_same_rule():
    # a -> b -> c, both links share 1 (stated supply): a and b each cut c off.
    card = dependency_card(_chain([1.0, 1.0]), "c")
    assert [d["firm"] for d in card["dominators"]] == ["b", "a"]
    assert card["exclusive_dominators"] == ["b", "a"]
    # b -> c "applied to": b still dominates c in the stated network, but no claim is made.
    card = dependency_card(_chain([1.0, 1.0], [None, "applied to"]), "c")
    assert card["exclusive_dominators"] == []


CARD = {
    "firm": "https://w3id.org/cluster-kg/id/boeing", "label": "Boeing", "kind": "firm", "clusters": [],
    "weight": 1,
    "suppliers": [{"firm": "https://w3id.org/cluster-kg/id/yuhang", "label": "Yuhang", "product": None,
                   "product_label": "aluminium plate", "share": None, "share_wording": None, "volume": None,
                   "volume_unit": None, "volume_wording": None, "kind": "applied to", "inferred": False,
                   "quote": "This plate has been applied to the large aircraft body of Boeing company.",
                   "source": "002.txt", "relation": None}],
    "customers": [],
    "dominators": [{"firm": "https://w3id.org/cluster-kg/id/yuhang", "label": "Yuhang"}],
    "exclusive_dominators": [],
    "dominated": [], "dominated_weight": 0, "sole_supplier_of": [],
    "esri": {"value": 0.004938, "own": 0.002469, "rank": 4, "of": 11, "rounds": 2,
             "affected": [{"firm": "https://w3id.org/cluster-kg/id/yuhang", "label": "Yuhang", "loss": 1.0}],
             "assumptions": ["output weights: firm count", "output weights: firm count",
                             "Yuhang: sales to customers the sources do not name are not counted"]},
    "concentration": [],
}


def test_the_depends_card_has_sections_quotes_in_full_and_each_assumption_once():
    # width 60: records indent 4 -> 56 columns of text; the ESRI paragraph indents 2 and 4
    assert depends_text(card_rows(CARD, all_notes=False), 60) == (
        "Firm\n"
        "  Boeing (ckr:boeing)\n"
        "    firm; no cluster\n"
        "\n"
        "Systemic risk (ESRI)\n"
        "  esri: 0.49 %; rank 4 of 11 in the whole loaded network;\n"
        "    its own output 0.25 %; 2 rounds\n"
        "\n"
        "Suppliers (1)\n"
        "  Yuhang (ckr:yuhang)\n"
        "    product: aluminium plate; share: not stated; volume: not\n"
        "    stated\n"
        "    stated as “applied to”, not as supply\n"
        "    “This plate has been applied to the large aircraft body\n"
        "    of Boeing company.”\n"
        "    source: 002.txt\n"
        "\n"
        "Customers: none stated\n"
        "\n"
        "Dominators (1)\n"
        "  Yuhang (ckr:yuhang)\n"
        "    every stated supply path runs through it; whether it has\n"
        "    other suppliers is not stated\n"
        "\n"
        "Hit hardest if it fails (1)\n"
        "  Yuhang (ckr:yuhang)\n"
        "    loss: 100.0 %\n"
        "    share of its output lost if this firm fails\n"
        "\n"
        "Assumptions (2)\n"
        "  - output weights: firm count\n"
        "  - Yuhang: sales to customers the sources do not name are\n"
        "    not counted\n"
    )


def test_the_single_point_claim_needs_exclusive_links():
    card = {**CARD, "exclusive_dominators": ["https://w3id.org/cluster-kg/id/yuhang"]}
    (row,) = [r for r in card_rows(card) if r["section"] == "dominator"]
    assert row["detail"] == "its failure alone cuts this firm off (every link on the way states exclusive supply)"


def test_card_rows_keep_fractions_for_csv_and_json():
    rows = card_rows(CARD)
    (esri,) = [r for r in rows if r["section"] == "esri"]
    (hit,) = [r for r in rows if r["section"] == "affected"]
    assert (float(esri["esri"]), float(hit["loss"])) == (0.004938, 1.0)
    assert [r["detail"] for r in rows if r["section"] == "assumption"] == [
        "output weights: firm count", "Yuhang: sales to customers the sources do not name are not counted"]


def test_the_whatif_card_has_one_section_per_round():
    rows = [
        {"round": 0, "name": "W", "kind": "group", "effect": "removed", "supply lost": "", "capacity": "not stated",
         "firms": "1", "iri": ""},
        {"round": 1, "name": "M", "kind": "firm", "effect": "cut off", "supply lost": "all",
         "capacity": "1,000 t/yr", "firms": "1", "iri": ""},
        {"round": "", "name": "P", "kind": "firm", "effect": "partial", "supply lost": "50 % (stated shares)",
         "capacity": "not stated", "firms": "1", "iri": ""},
        {"round": "", "name": "total lost", "kind": "", "effect": "", "supply lost": "", "capacity": "1,000 t/yr",
         "firms": "2", "iri": ""},
    ]
    # at 81 columns the records have 77 columns: the longest field line of P is exactly 77
    assert whatif_text(rows, 81) == (
        "Failed (1)\n"
        "  W\n"
        "    kind: group; capacity: not stated; firms: 1\n"
        "\n"
        "Cut off in round 1 (1)\n"
        "  M\n"
        "    kind: firm; supply lost: all; capacity: 1,000 t/yr; firms: 1\n"
        "\n"
        "Loses part of its supply (1)\n"
        "  P\n"
        "    kind: firm; supply lost: 50 % (stated shares); capacity: not stated; firms: 1\n"
        "\n"
        "Total lost\n"
        "  capacity: 1,000 t/yr; firms: 2\n"
    )
