"""The analysis index of a store: the same answers as the whole network, read from arrays."""

import pytest

from kg.errors import AmbiguousName, UnknownName
from kg.ingest.load import load_into_store
from kg.network.model import network_from_edges
from kg.rdf.generations import current_generation
from kg.services.index import build_index, load_index, open_index, save_index
from kg.services.index_reader import FORMAT

PREFIXES = """@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
@prefix ckr: <https://w3id.org/cluster-kg/id/> .
@prefix ckp: <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def diamond():
    #   s → a → m ← b ← s ;  m → c ;  x → c
    return network_from_edges([("s", "a"), ("s", "b"), ("a", "m"), ("b", "m"), ("m", "c"), ("x", "c")],
                              weight={"c": 5}, share={("s", "a"): 1.0, ("s", "b"): 1.0})


def test_dominator_parts_match_a_hand_worked_tree():
    idx = build_index(diamond())
    # s dominates a, b and m (every path to m starts at s); c has two entry points (s, x)
    assert idx.dominated("s") == ["a", "b", "m"]
    assert idx.dominated_weight("s") == 3
    assert idx.dominators("m") == ["s"]
    assert idx.dominators("c") == []
    assert idx.dominated("m") == []
    assert idx.dominated_weight("x") == 0
    with pytest.raises(UnknownName):
        idx.dominators("nobody")


def test_sole_supplier_links_come_from_the_whole_network():
    idx = build_index(diamond())
    # a and b get everything from s (share 1 stated); m (from a and b) and c (from m and x) have two suppliers
    assert [row["customer"] for row in idx.sole_supplier_of("s")] == ["a", "b"]
    assert idx.sole_supplier_of("a") == []


ENTITIES = {
    "http://e.org/weiqiao": {"labels": {("Weiqiao Group", "en", True), ("魏桥集团", "zh", False)},
                             "kind": "group", "cluster": "http://e.org/binzhou", "label": "Weiqiao Group"},
    "http://e.org/weiqiao-al": {"labels": {("Weiqiao Aluminium Co., Ltd.", "en", True)},
                                "kind": "firm", "cluster": None, "label": "Weiqiao Aluminium Co., Ltd."},
    "http://e.org/weiqiao-park": {"labels": {("Weiqiao Group", "en", True)},
                                  "kind": "park", "cluster": None, "label": "Weiqiao Group"},
    "http://e.org/twin-1": {"labels": {("Twin Metal", "en", True)}, "kind": "firm", "cluster": None,
                            "label": "Twin Metal"},
    "http://e.org/twin-2": {"labels": {("Twin Metal Co.", "en", True)}, "kind": "firm", "cluster": None,
                            "label": "Twin Metal Co."},
}


def test_exact_names_resolve_like_kg_names():
    idx = build_index(network_from_edges([("a", "b")]), entities=ENTITIES)
    firms = {"firm", "group", "cohort"}
    m = idx.resolve("WEIQIAO group", firms)  # the park of the same name is not a firm
    assert (m.iri, m.kind, m.matched, m.score, m.cluster) == (
        "http://e.org/weiqiao", "group", "Weiqiao Group", 1.0, "http://e.org/binzhou")
    assert idx.resolve("魏桥集团", firms).iri == "http://e.org/weiqiao"
    assert idx.resolve("Weiqiao Aluminium", firms).iri == "http://e.org/weiqiao-al"  # "Co., Ltd." dropped
    with pytest.raises(AmbiguousName) as e:
        idx.resolve("twin metal", firms)  # "Twin Metal" and "Twin Metal Co." normalise alike
    assert [c.iri for c in e.value.candidates] == ["http://e.org/twin-1", "http://e.org/twin-2"]
    with pytest.raises(AmbiguousName):
        idx.resolve("Weiqiao Group")  # any kind: the group and the park
    assert idx.resolve("Weiqiao", firms) is None  # not exact: the caller runs the similarity search
    assert idx.resolve("<http://e.org/twin-1>").label == "Twin Metal"
    with pytest.raises(UnknownName):
        idx.resolve("http://e.org/weiqiao-park", firms)


def test_save_and_load_round_trip_and_format_check(tmp_path):
    idx = build_index(diamond(), entities=ENTITIES)
    path = save_index(idx, tmp_path / "i" / "x.npz")
    back = load_index(path)
    assert list(back.nodes) == list(idx.nodes) == ["a", "b", "c", "m", "s", "x"]
    assert back.dominated("s") == ["a", "b", "m"]
    assert back.resolve("Weiqiao Aluminium", {"firm"}).iri == "http://e.org/weiqiao-al"
    idx.arrays["format"][0] = FORMAT + 1
    save_index(idx, path)
    assert load_index(path) is None  # another format: rebuilt by open_index
    assert load_index(tmp_path / "missing.npz") is None


def test_an_index_written_with_the_sources_cited_still_loads(tmp_path):
    from kg.utils.arrays import pack_strings

    idx = build_index(diamond(), entities=ENTITIES)
    assert "cited" not in idx.arrays  # no longer written: kg view cites the links it draws
    idx.arrays["cited"] = pack_strings(["a.txt", "a.txt; b.txt"])  # as indexes of the same format held
    back = load_index(save_index(idx, tmp_path / "old.npz"))
    assert back is not None and back.dominated("s") == ["a", "b", "m"]
    assert back.resolve("Weiqiao Aluminium", {"firm"}).iri == "http://e.org/weiqiao-al"


def test_a_store_builds_its_index_once_per_generation(tmp_path):
    data = tmp_path / "d.ttl"
    data.write_text(PREFIXES + """
ckr:a a ckg:Firm ; skos:prefLabel "Alpha Smelter"@en .
ckr:b a ckg:Firm ; skos:prefLabel "Beta Mill"@en .
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:a ; ckg:customer ckr:b ; ckg:product ckp:alumina .
""", encoding="utf-8")
    store = tmp_path / "store"
    load_into_store(store, [data], validate=False)
    said = []
    assert open_index(store, progress=said.append, build=False) is None and said == []  # not built
    idx = open_index(store, progress=said.append)
    first = current_generation(store).index_file
    assert first.is_file() and said and "building the analysis index" in said[0]
    assert idx.resolve("alpha smelter", {"firm"}).iri == "https://w3id.org/cluster-kg/id/a"
    assert idx.dominated("https://w3id.org/cluster-kg/id/a") == ["https://w3id.org/cluster-kg/id/b"]

    said.clear()
    assert open_index(store, progress=said.append).generation.index_file == first
    assert open_index(store, build=False).dominated("https://w3id.org/cluster-kg/id/a") == [
        "https://w3id.org/cluster-kg/id/b"]
    assert said == []  # read, not built

    more = tmp_path / "e.ttl"
    more.write_text(PREFIXES + """
ckr:c a ckg:Firm ; skos:prefLabel "Gamma Foil"@en .
ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:b ; ckg:customer ckr:c ; ckg:product ckp:aluminium-strip .
""", encoding="utf-8")
    load_into_store(store, [more], validate=False)
    idx = open_index(store, progress=said.append)
    assert said  # a new generation: built again
    assert idx.dominated("https://w3id.org/cluster-kg/id/a") == [
        "https://w3id.org/cluster-kg/id/b", "https://w3id.org/cluster-kg/id/c"]
    second = current_generation(store).index_file
    assert second != first
    # the previous generation is kept (readers may still use it), so is its index
    assert sorted(p.name for p in second.parent.iterdir()) == sorted([first.name, second.name])

    # later loads remove old generations; their indexes go with them
    for i in range(2):  # other bytes each time: the same file again makes no generation
        other = tmp_path / f"f{i}.ttl"
        other.write_text(PREFIXES + f'ckr:c skos:altLabel "Gamma {i}"@en .\n', encoding="utf-8")
        load_into_store(store, [other], validate=False)
        open_index(store)
    generations = {p.name for p in store.glob("gen-*")}
    indexes = {p.stem for p in second.parent.iterdir()}
    assert first.stem not in generations and first.stem not in indexes
    assert current_generation(store).folder.name in indexes and indexes <= generations


def card_parts(card):
    return {k: card[k] for k in ("dominators", "dominated", "dominated_weight", "sole_supplier_of", "esri")}


def test_cards_from_the_index_equal_cards_from_the_whole_network():
    from kg.network.project import supply_network
    from kg.network.scheme import essential_map
    from kg.rdf.graph import open_graph
    from kg.services.card import dependency_card

    graph = open_graph()  # the bundled clusters
    G, scheme = supply_network(graph), essential_map(graph)
    idx = build_index(G, essential=scheme)
    assert idx.essential == scheme
    firms = sorted(G)
    assert len(firms) > 10
    for firm in firms:
        assert dependency_card(G, firm, essential=scheme, index=idx) == dependency_card(G, firm, essential=scheme)


def test_cards_on_a_generated_network_equal_the_whole_network_ones(tmp_path):
    from kg.network.project import supply_network
    from kg.network.scheme import essential_map
    from kg.rdf.graph import open_graph
    from kg.services.card import dependency_card
    from kg.synth.generate import generate

    path = tmp_path / "g.nt"
    path.write_text("".join(generate(120, seed=3)), encoding="utf-8")
    graph = open_graph([path])
    G, scheme = supply_network(graph), essential_map(graph)
    idx = build_index(G, essential=scheme)
    linked = [n for n in sorted(G) if G.degree(n) > 0]
    for firm in linked[::7]:
        assert card_parts(dependency_card(G, firm, essential=scheme, index=idx)) == card_parts(
            dependency_card(G, firm, essential=scheme))


def test_a_large_network_ranks_among_the_candidates(monkeypatch):
    import kg.services.index
    import kg.services.index_reader

    # a → b → c, a → d, no share stated: under the default "stated" bound no link counts, so
    # every firm takes down only itself (1/4); under "named" (firm count, 4 nodes, inputs
    # non-essential): a: all fail → 1.0; c: c fails, b loses all its sales, a half of them
    # (b and d each buy 1 from a) → (1 + 1 + 0.5) / 4 = 0.625; d: d and half of a → 0.375
    G = network_from_edges([("a", "b"), ("b", "c"), ("a", "d")])
    monkeypatch.setattr(kg.services.index, "EXACT_RISK_LIMIT", 2)
    monkeypatch.setattr(kg.services.index, "RISK_TOP", 2)
    monkeypatch.setattr(kg.services.index_reader, "EXACT_RISK_LIMIT", 2)
    idx = build_index(G)
    assert [idx.nodes[i] for i in idx.arrays["ranked"]] == ["a", "b"]  # the 2 candidates: a dominates 3, b 1
    card = idx.esri_card("d")
    assert (card["value"], card["rank"], card["of"]) == (0.25, 1, 3)  # ties share rank 1
    assert (card["low"], card["high"]) == (0.25, 0.375)
    assert card["assumptions"][-1] == ("ranked among the 2 candidates with the largest dominated weight and "
                                       "weighted out-degree and this firm, not among all 4 linked firms")
    card = idx.esri_card("c", bound="named")  # as much as b: they share rank 2
    assert (card["value"], card["rank"], card["of"]) == (0.625, 2, 3)
    assert [(a["firm"], a["loss"]) for a in card["affected"]] == [("b", 1.0), ("a", 0.5)]
    card = idx.esri_card("a", bound="named")  # a candidate itself: ranked among the 2
    assert (card["value"], card["rank"], card["of"]) == (1.0, 1, 2)


def test_a_firm_links_network_gives_the_same_card_as_the_whole_network(tmp_path):
    from kg.network.project import supply_network
    from kg.network.scheme import essential_map
    from kg.rdf.formats import default_data_paths
    from kg.rdf.generations import open_store
    from kg.rdf.local import wrap as _wrap
    from kg.services.card import dependency_card, firm_links_network

    store = tmp_path / "store"
    load_into_store(store, default_data_paths(), validate=False)  # the bundled clusters
    idx = open_index(store)
    ox_store = open_store(store)
    graph = _wrap(ox_store)
    G, scheme = supply_network(graph), essential_map(graph)
    for firm in sorted(G):
        small = firm_links_network(ox_store, firm)
        assert set(small.predecessors(firm)) == set(G.predecessors(firm))
        assert set(small.successors(firm)) == set(G.successors(firm))
        assert dependency_card(small, firm, essential=idx.essential, index=idx) == \
            dependency_card(G, firm, essential=scheme)
