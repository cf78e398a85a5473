"""kg whatif: each firm counted once, a group failing with its subsidiaries, capacity as stated.

Every expected value is worked out by hand in the comment above it.
"""

from __future__ import annotations

import json

from conftest import PREFIXES

from kg.analysis.whatif import count_once, whatif, with_subsidiaries
from kg.cli import cli
from kg.network.model import network_from_edges
from kg.rdf.graph import open_graph
from kg.render.rows import whatif_rows
from kg.services.supply import whatif as whatif_service


def _cohort(G, n, *, part_of=(), overlaps=()):
    G.nodes[n]["kind"] = "cohort"
    G.nodes[n]["part_of"] = list(part_of)
    G.nodes[n]["overlaps"] = list(overlaps)


def test_a_named_firm_inside_a_failed_cohort_counts_once():
    # s supplies firm f and a cohort c of 60; f is stated to be part of c.
    # s fails: s, f and c fail. Counted once: s (1) + c (60, f is one of them) = 61, not 62.
    G = network_from_edges([("s", "f"), ("s", "c")], weight={"c": 60})
    G.nodes["f"]["part_of"] = ["c"]
    w = whatif(G, ["s"])
    assert (w.cut_off, w.lost_weight, w.lower_bound, w.included) == (["c", "f"], 61, False, {"f": "c"})
    assert w.notes[0] == "f is counted once, inside c (stated to be part of it)"
    rows = {r["name"]: r for r in whatif_rows(G, w)}
    assert rows["c"]["note"] == "includes f"
    assert rows["f"]["note"] == "counted inside c"
    assert (rows["total lost"]["firms"], rows["total lost"]["note"]) == ("61", "each firm counted once")


def test_the_firm_counts_for_itself_when_its_cohort_survives():
    # s supplies f only; c (60) has another supplier and does not fail: f counts 1, s 1 -> 2
    G = network_from_edges([("s", "f"), ("t", "c")], weight={"c": 60})
    G.nodes["f"]["part_of"] = ["c"]
    w = whatif(G, ["s"])
    assert (w.lost_weight, w.included) == (2, {})


def test_an_unsized_cohort_counts_at_least_the_firms_named_in_it():
    # c's size is not stated; f and g are stated members: c counts max(1, 2) = 2; with s: 3, a lower bound
    G = network_from_edges([("s", "f"), ("s", "g"), ("s", "c")], kind={"c": "cohort"})
    G.nodes["f"]["part_of"] = ["c"]
    G.nodes["g"]["part_of"] = ["c"]
    w = whatif(G, ["s"])
    assert (w.lost_weight, w.lower_bound, w.unsized_cohorts) == (3, True, ["c"])
    rows = {r["name"]: r for r in whatif_rows(G, w)}
    assert (rows["c"]["firms"], rows["c"]["note"]) == ("not stated", "includes f; g")
    assert rows["total lost"]["firms"] == "3+"


def test_overlapping_cohorts_count_once_as_the_largest():
    # c1 (60) and c2 (12) are stated to overlap: together at least 60; with s: 61 (not 73), a lower bound
    G = network_from_edges([("s", "c1"), ("s", "c2")], weight={"c1": 60, "c2": 12})
    _cohort(G, "c1", overlaps=["c2"])
    _cohort(G, "c2", overlaps=["c1"])
    w = whatif(G, ["s"])
    assert (w.lost_weight, w.lower_bound, w.overlapping) == (61, True, [["c1", "c2"]])
    assert "overlapping cohorts are counted once, as the largest: c1; c2" in w.notes
    rows = {r["name"]: r for r in whatif_rows(G, w)}
    assert rows["c1"]["note"] == "overlaps c2: counted once"
    assert rows["total lost"]["firms"] == "61+"


def test_nested_cohorts_count_the_outer_one():
    # c2 (12) is part of c1 (size not stated): c1 counts max(1, 12) = 12; with s: 13
    G = network_from_edges([("s", "c1"), ("s", "c2")], weight={"c2": 12}, kind={"c1": "cohort"})
    G.nodes["c2"]["part_of"] = ["c1"]
    assert count_once(G, ["s", "c1", "c2"]) == (13, True, {"c2": "c1"}, [])


def test_with_subsidiaries_follows_group_links_down():
    # g owns s1 and s2; s1 owns s3; h owns x (another group): g's subsidiaries are s1, s2, s3
    links = [("s1", "g"), ("s2", "g"), ("s3", "s1"), ("x", "h")]
    assert with_subsidiaries(links, ["g"]) == {"s1": "g", "s2": "g", "s3": "g"}
    assert with_subsidiaries(links, ["g", "s1"]) == {"s2": "g", "s3": "s1"}
    assert with_subsidiaries(links, ["x"]) == {}


def test_a_group_fails_with_its_subsidiaries():
    # sub (a subsidiary of g) alone supplies m; m alone supplies n. g alone: nothing follows.
    # With its subsidiaries: g and sub fail (round 0), m in round 1, n in round 2: 4 firms.
    G = network_from_edges([("sub", "m"), ("m", "n")], nodes=["g"])
    alone = whatif(G, ["g"])
    assert (alone.removed, alone.cut_off, alone.lost_weight) == (["g"], [], 1)
    w = whatif(G, ["g"], subsidiaries=with_subsidiaries([("sub", "g")], ["g"]))
    assert (w.removed, w.rounds, w.lost_weight, w.subsidiaries) == (["g", "sub"], [["m"], ["n"]], 4, {"sub": "g"})
    assert w.notes[0] == "sub fails with its group g (a stated subsidiary)"
    rows = {r["name"]: r for r in whatif_rows(G, w)}
    assert (rows["sub"]["effect"], rows["sub"]["note"]) == ("removed", "fails with its group g")


def test_capacity_is_shown_as_stated_or_not_stated():
    # a (250,000 t/yr) fails; b, whose capacity no source states, is cut off: 250,000 t/yr + 1 not stated
    G = network_from_edges([("a", "b")], capacity={"a": 250000.0})
    w = whatif(G, ["a"])
    rows = {r["name"]: r for r in whatif_rows(G, w)}
    assert (rows["a"]["capacity"], rows["b"]["capacity"]) == ("250,000 t/yr", "not stated")
    assert rows["total lost"]["capacity"] == "250,000 t/yr + 1 not stated"
    assert ("capacity is stated for 1 of the 2 failed firms, groups and cohorts; the total adds those only "
            "(the rest is not stated: unknown, not zero)") in w.notes
    G = network_from_edges([("a", "b")])
    rows = whatif_rows(G, whatif(G, ["a"]))
    assert rows[-1]["capacity"] == "not stated"


def test_cut_off_without_stated_coverage_says_so():
    # b's only stated supplier is a, with no stated share: it may have suppliers the sources do not
    # name. c gets all its input from a (share 1): nothing to say about c.
    G = network_from_edges([("a", "b"), ("a", "c")], share={("a", "c"): 1.0})
    w = whatif(G, ["a"])
    assert ("cut off means every supplier the sources name has failed; for b the sources do not state that "
            "these are all its supply (coverage not stated)") in w.notes


GROUP = PREFIXES + """
ckr:g a ckg:EnterpriseGroup ; skos:prefLabel "Group G"@en .
ckr:sub a ckg:Firm ; skos:prefLabel "Sub S"@en ; ckg:parentOrganization ckr:g .
ckr:m a ckg:Firm ; skos:prefLabel "Mill M"@en .
ckr:r a ckg:SupplyRelation ; ckg:supplier ckr:sub ; ckg:customer ckr:m .
"""


def test_service_and_cli_fail_a_group_with_its_subsidiaries(tmp_path, runner):
    path = tmp_path / "g.ttl"
    path.write_text(GROUP, encoding="utf-8")
    graph = open_graph([path])
    ns = "https://w3id.org/cluster-kg/id/"
    _, w = whatif_service(graph, ["Group G"])
    assert (w.removed, w.cut_off) == ([ns + "g"], [])
    _, w = whatif_service(graph, ["Group G"], with_subsidiaries=True)
    assert (w.removed, w.cut_off, w.lost_weight) == ([ns + "g", ns + "sub"], [ns + "m"], 3)
    result = runner.invoke(cli, ["--data", str(path), "whatif", "Group G", "--with-subsidiaries",
                                    "--format", "json"], catch_exceptions=False)
    rows = json.loads(result.stdout)
    assert [(r["round"], r["name"], r["effect"], r["note"]) for r in rows] == [
        (0, "Group G", "removed", ""), (0, "Sub S", "removed", "fails with its group Group G"),
        (1, "Mill M", "cut off", ""), ("", "total lost", "", "")]
    assert rows[-1]["firms"] == "3"
