"""kg gaps on the bundled data: the verdict of every main-chain stage for each cluster and
some places, worked out by reading the seed articles (reasoning in the comments)."""

from __future__ import annotations

import pytest

from kg.rdf.graph import open_graph
from kg.render.rows import gaps_rows
from kg.services.gaps import gaps

STAGES = ["energy", "mining", "alumina refining", "primary smelting", "casting and alloying",
          "castings and forgings", "extrusion", "new materials", "rolling", "end products"]
N, C, S, K = "not stated", "covered", "stated", "coming"

EXPECTED = {
    # Article 004. Two 250,000 t/yr electrolytic-aluminium projects landed in 2018 and are in
    # operation by inference ("the cluster effect of gradual production", rule-gradual-production):
    # smelting covered (and the city's electrolytic aluminium output is stated). The projects of
    # Hubei Xinrong (die castings) and of Hubei Shimei and Guizhou Zhenghe (profiles) have only
    # landed "this year": coming (the issue-14 audit took the firms' own production away: the
    # "annual output" is the landed project's). Guangyuan Zhongfu's "aluminum products" belong to
    # no single stage. Nothing else is named: not stated.
    "Guangyuan": [N, N, N, C, N, K, K, N, N, N],
    # Article 000. Five named firms make profiles (extrusion) and Zhongwang's formwork firm
    # (end products). "covers ... electrolytic aluminum-aluminum processing-downstream fine and
    # deep processing ... aluminum casting, aluminum extrusion, aluminum rolling to auto parts,
    # aluminum doors and windows" names no producer of smelting, castings or rolling: stated
    # (castings also by the city's "castings are 43,000 pieces"); the 1.2 Mt plate/strip/foil
    # project "currently under construction" is listed as coming under rolling.
    "Yingkou": [N, N, N, S, N, S, C, N, S, C],
    # Articles 001 and 002. Weiqiao (a member of the cluster) builds "thermoelectricity mining
    # alumina raw aluminum high-precision aluminum strip and new materials"; Innovation makes
    # alloy, Bohai pistons, Yuhang conductor rail and plate, Taiyi formwork, the Zouping
    # deep processors plate, strip, foil, wheels and auto parts: every stage covered. The
    # "short industrial chain" is a note, not a missing stage.
    "Binzhou high-end aluminium industry cluster": [C] * 10,
    # Zouping is only Weiqiao's headquarters: no source says where Weiqiao mines, refines or
    # smelts, so the county has no upstream stage. Innovation Metal (alloy; placed in Zouping
    # by rule) and the Zouping deep processors (plate, strip, foil, wheels, auto parts)
    # cover casting, forming, rolling and end products; extrusion and new materials not stated.
    "Zouping": [N, N, N, N, C, C, N, N, C, C],
    # Article 003. The county's aluminium enterprises carry what Suixi makes: "secondary
    # aluminum, aluminum extrusion, rolling, and die-casting" (casting, castings, extrusion,
    # rolling covered). The "relatively complete industrial chain" of profiles, composites and
    # accessories follows "Strive to …": a goal, so no end products are stated; new materials
    # only by the Hardongsheng Aluminum-based New Materials project, signed and landed: coming.
    # No primary aluminium, alumina, mining or energy is named.
    "Suixi": [N, N, N, N, C, C, C, K, C, N],
    # Dashiqiao: the four profile makers of article 000 are there; nothing else is located there
    # (the city's statements are about Yingkou, not about the county).
    "Dashiqiao": [N, N, N, N, N, N, C, N, N, N],
}


@pytest.fixture(scope="module")
def graph():
    return open_graph()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bundled_verdicts(graph, name):
    r = gaps(graph, name)
    main = [(s.label, s.verdict) for s in r.stages if s.order and s.order >= 1]
    assert main == list(zip(STAGES, EXPECTED[name]))


def test_guangyuan_smelting_depth(graph):
    s = next(s for s in gaps(graph, "Guangyuan").stages if s.label == "primary smelting")
    # 2 projects in operation (undated: they landed in 2018; operating is inferred), 250,000 t/yr each
    assert [(p.status, p.year) for p, _ in s.operating] == [("in operation", None)] * 2
    assert [p.status_inferred for p, _ in s.operating] == [True, True]  # rule-gradual-production
    (row,) = [r for r in gaps_rows(gaps(graph, "Guangyuan")) if r["stage"] == "primary smelting"]
    assert "2 project(s) in operation (2 of them by inference: a rule, not a source, says so)" in row["depth"]
    assert [(a.value, a.bound) for a in s.capacity] == [(500000.0, "exact")]
    assert {src.title for src in s.sources} == {'Guangyuan: Aluminum Industry "Industrial Challenge"'}


def test_yingkou_rolling_is_coming_and_stated(graph):
    s = next(s for s in gaps(graph, "Yingkou").stages if s.label == "rolling")
    assert [(p.status, p.year) for p, _ in s.coming] == [("under construction", None)]
    assert any("aluminum rolling" in src.quote for src in s.sources)


def test_zouping_names_the_headquarters_and_candidates(graph):
    r = gaps(graph, "Zouping")
    assert any(n.startswith("Weiqiao Venture Group has its headquarters here (Zouping)") for n in r.notes)
    smelting = next(s for s in r.stages if s.label == "primary smelting")
    # Weiqiao elsewhere (production place not stated) and the two Guangyuan projects
    assert [(c.kind, c.where) for c in smelting.candidates] == [
        ("group", ["Binzhou high-end aluminium industry cluster", "headquarters: Zouping"]),
        ("project", ["Guangyuan"]), ("project", ["Guangyuan"])]


def test_binzhou_weaknesses_are_notes(graph):
    r = gaps(graph, "Binzhou")
    assert sorted(w.weakness for w in r.weaknesses) == [
        "low proportion of high value-added products", "short industrial chain",
        'the "top heavy" development model']
    assert r.not_stated == []


@pytest.mark.parametrize("place", ["China", "Shandong", "Anhui", "Huaibei", "Haian", "coastal industrial base",
                                   "Suixi Economic Development Zone", "Zouping aluminum deep processing industrial park",
                                   "Suixi Aluminum-based Metal Materials Base", "Yingkou Aluminum Processing Industry Cluster",
                                   "Suixi Aluminum Industry Cluster", "Guangyuan Aluminum Industry Cluster"])
def test_every_place_answers(graph, place):
    r = gaps(graph, place)
    assert len([s for s in r.stages if s.order and s.order >= 1]) == 10
    assert all(s.verdict in ("covered", "stated", "coming", "not stated") for s in r.stages)
