"""Issue 12 on the bundled data: the ranking, the cohorts, the sole-supplier claims and the scope.

The figures are worked out by hand from data/*.ttl (as audited in issue 14):

- Output weights are in yuan (two nodes state an output value): Guangyuan Zhongfu 4e9 and
  the Yingkou cohort of 36 firms 22.99e9, i.e. 22.99e9 / 36 per firm. Every other firm weighs
  the median of the two per-firm figures, m = (4e9 + 22.99e9 / 36) / 2; a cohort its count × m.
- The network: the members of the four clusters and their direct partners, 41 nodes: 30 that
  are not cohorts (29 of weight m, Zhongfu 4e9; CITIC Dicastal, BAIC and AVIC were "attracted to"
  Binzhou, not placed in it, so they are no longer members) and 11 cohorts. Overlapping cohorts
  count once, as their largest: Binzhou 60 + 60 + 12 + 1 (the Zouping cohort, size not stated)
  counts 60; Suixi 1 (the county's aluminium enterprises, size not stated) + 90 + 60 + 23 + 25
  counts 90; the 2 financing-guarantee firms count 2; the Yingkou cohort its stated 22.99e9.
  Total = (29 + 60 + 90 + 2) m + 4e9 + 22.99e9.
- Weiqiao fails, "stated" bound: the 60+ derived enterprises get their raw material
  "basically" from it (share 1, about) and lose everything; they count 60 × 60 / 133 (their
  share of the Binzhou overlap). The Zouping cohort and Innovation Metal state no share: they
  count 0 under this bound. ESRI = (m + 60 × 60 / 133 × m) / total.
- "named" bound adds the Zouping cohort (1 × 60 / 133) and Innovation Metal (1).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import ROOT, run

M = (4e9 + 22.99e9 / 36) / 2
TOTAL = (29 + 60 + 90 + 2) * M + 4e9 + 22.99e9
WEIQIAO_STATED = (1 + 60 * 60 / 133) * M / TOTAL
WEIQIAO_NAMED = (1 + 60 * 60 / 133 + 60 / 133 + 1) * M / TOTAL
SCOPE = "all loaded clusters (41 nodes: members of every cluster and their direct partners)"


def rows(runner, *args) -> list[dict]:
    result = run(runner, *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_weiqiao_first_and_alone_under_the_stated_bound(runner):
    ranked = rows(runner, "risk", "--top", "5")
    assert [(r["rank"], r["name"]) for r in ranked] == [("1", "Weiqiao Venture Group")]
    assert float(ranked[0]["esri"]) == pytest.approx(WEIQIAO_STATED, abs=1e-12)
    assert float(ranked[0]["other bound"]) == pytest.approx(WEIQIAO_NAMED, abs=1e-12)
    assert float(ranked[0]["own"]) == pytest.approx(M / TOTAL, abs=1e-12)


def test_boeing_and_yuhang_are_ranked_only_under_the_named_bound(runner):
    names = [r["name"] for r in rows(runner, "risk", "--top", "5")]
    assert "Boeing" not in names and "Shandong Yuhang Special Alloy Equipment Co." not in names
    named = rows(runner, "risk", "--bound", "named")
    # Boeing is outside every cluster: a partner in the network, never a ranked member
    assert "Boeing" not in [r["name"] for r in named]
    assert [r["name"] for r in named][0] == "Weiqiao Venture Group"


def test_no_cohort_is_ranked_even_with_all(runner):
    ranked = rows(runner, "risk", "--all", "--bound", "named", "--top", "100")
    assert ranked and {r["kind"] for r in ranked} <= {"firm", "group"}
    result = run(runner, "risk", "--all")
    assert "Note: 11 cohorts (aggregates of firms, not firms) not ranked" in result.output


def test_a_cohort_card_says_it_is_not_ranked(runner):
    result = run(runner, "depends", "ckr:cohort-binzhou-weiqiao-derived", "--format", "json")
    card = json.loads(result.stdout)
    assert card["esri"] == {"note": "a cohort is an aggregate of firms, not a firm: it is not ranked",
                            "scope": SCOPE}


def test_yuhang_is_not_called_boeings_single_point_of_failure(runner):
    result = run(runner, "depends", "Boeing", "--format", "csv")
    (dominator,) = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["section"] == "dominator"]
    assert dominator["name"] == "Shandong Yuhang Special Alloy Equipment Co."
    assert dominator["detail"] == (
        "every stated supply path runs through it; whether it has other suppliers is not stated")
    (supplier,) = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["section"] == "supplier"]
    assert supplier["detail"] == "stated as “applied to”, not as supply"


def test_taiyi_is_no_sole_supplier(runner):
    named = {r["name"]: r for r in rows(runner, "risk", "--bound", "named")}
    assert named["Shandong Taiyi Metal Technology Co., Ltd."]["sole supplier of"] == ""
    # the one exclusive supply the data states: "basically from Weiqiao"
    assert named["Weiqiao Venture Group"]["sole supplier of"] == (
        "Aluminium-related enterprises derived from Weiqiao's chain (60+)")
    exclusive = {(r["customer"], r["exclusive"]) for r in rows(runner, "query", "--name", "sole-suppliers")}
    assert ("Vanke", "false") in exclusive
    assert ("Aluminium-related enterprises derived from Weiqiao's chain (60+)", "true") in exclusive


def test_one_figure_and_one_scope_in_risk_depends_and_report(runner, tmp_path):
    card = json.loads(run(runner, "depends", "Weiqiao", "--format", "json").stdout)["esri"]
    assert (card["scope"], card["bound"], card["rank"]) == (SCOPE, "stated", 1)
    assert card["value"] == round(WEIQIAO_STATED, 6)
    assert (card["low"], card["high"]) == (round(WEIQIAO_STATED, 6), round(WEIQIAO_NAMED, 6))
    result = run(runner, "risk")
    assert f"ESRI relative to {SCOPE}" in " ".join(result.output.split())
    binzhou = run(runner, "risk", "--cluster", "Binzhou")
    assert "ESRI relative to cluster" in binzhou.output  # another network, and it says so


def test_the_bundled_data_is_what_the_figures_assume():
    # the two output values and the cohort counts the hand computation uses
    bundled = ROOT / "kg" / "data"
    yingkou = (bundled / "yingkou.ttl").read_text(encoding="utf-8")
    assert "qudt:numericValue 22990000000.0" in yingkou and "ckg:memberCount 36" in yingkou
    assert "qudt:numericValue 4000000000.0" in (bundled / "guangyuan.ttl").read_text(encoding="utf-8")
