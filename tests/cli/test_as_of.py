"""``--as-of YEAR`` on every analysis and view: what each command leaves out, keeps and says.

The graph (worked out by hand): a smelter that began producing in 1963 supplies a mill that
landed in 2011 and a cohort of 40 firms counted in 2020; a caster with no date supplies the
cohort; the mill's rolling project signed in 2012 and went into operation in 2014.

    smelter(1963) --> mill(2011)
    smelter(1963) --> cohort(counted 2020) <-- caster(undated)
"""

from __future__ import annotations

import json

import pytest
from conftest import PREFIXES, run_on

DATA = PREFIXES + """
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
ckr:cl a ckg:IndustrialCluster ; skos:prefLabel "Metal cluster"@en .
ckr:smelter a ckg:Firm ; skos:prefLabel "Smelter"@en ; ckg:inCluster ckr:cl ; ckg:produces ckp:electrolytic-aluminium ;
    ckg:lifecycle ckr:lc1 .
ckr:lc1 a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:startedProducing ; ckg:date "1963"^^xsd:gYear ;
    ckg:product ckp:electrolytic-aluminium .
ckr:mill a ckg:Firm ; skos:prefLabel "Mill"@en ; ckg:inCluster ckr:cl ; ckg:lifecycle ckr:lc2 .
ckr:lc2 a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:landed ; ckg:date "2011"^^xsd:gYear .
ckr:caster a ckg:Firm ; skos:prefLabel "Caster"@en ; ckg:inCluster ckr:cl .
ckr:cohort a ckg:FirmCohort ; skos:prefLabel "Forty firms"@en ; ckg:inCluster ckr:cl ; ckg:memberCount 40 ;
    ckg:asOf "2020"^^xsd:gYear .
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:smelter ; ckg:customer ckr:mill ; ckg:product ckp:electrolytic-aluminium .
ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:smelter ; ckg:customer ckr:cohort ; ckg:product ckp:electrolytic-aluminium .
ckr:r3 a ckg:SupplyRelation ; ckg:supplier ckr:caster ; ckg:customer ckr:cohort ; ckg:product ckp:aluminium-alloy .
ckr:pj a ckg:Project ; skos:prefLabel "Rolling project"@en ; ckg:inCluster ckr:cl ; ckg:investor ckr:mill ;
    ckg:product ckp:aluminium-strip ; ckg:lifecycle ckr:lc3 , ckr:lc4 ;
    ckg:capacity ckr:qty ; prov:wasDerivedFrom ckr:ev .
ckr:qty a ckg:Quantity ; qudt:numericValue 100000.0 ; qudt:unit unit:TONNE-PER-YR ; ckg:bound "exact" ;
    ckg:originalWording "100,000 tons" ; prov:wasDerivedFrom ckr:ev .
ckr:lc3 a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:signed ; ckg:date "2012"^^xsd:gYear .
ckr:lc4 a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:inOperation ; ckg:date "2014-06"^^xsd:gYearMonth .
ckr:goal a ckg:Target ; skos:prefLabel "Cluster goal for 2025"@en ; ckg:targetFor ckr:cl ; ckg:inCluster ckr:cl ;
    ckg:targetYear "2025"^^xsd:gYear ; ckg:originalWording "double the output" ; ckg:capacity ckr:qty2 ;
    prov:wasDerivedFrom ckr:ev .
ckr:qty2 a ckg:Quantity ; qudt:numericValue 2000000.0 ; qudt:unit unit:TONNE-PER-YR ; ckg:bound "at least" ;
    ckg:originalWording "more than 2 million tons" ; prov:wasDerivedFrom ckr:ev .
ckr:ev a ckg:Evidence ; prov:value "a quote" .
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("asof") / "t.ttl"
    path.write_text(DATA, encoding="utf-8")
    return str(path)


def test_customers_as_of(data):
    now = run_on(data, "customers", "Smelter", "--format", "json")
    assert sorted(r["name"] for r in json.loads(now.stdout)) == ["Forty firms", "Mill"]
    early = run_on(data, "customers", "Smelter", "--as-of", "2010", "--format", "json")
    assert early.exit_code == 0
    assert json.loads(early.stdout) == []
    assert early.stderr.splitlines() == [
        "Note: Smelter: no stated customers in the loaded data (the sources name none; this does not mean it has none)",
        ("Note: As of 2010: left out 2 agents dated later or closed (Forty firms: counted in 2020, Mill: landed in "
         "2011); kept 1 dated and 1 undated agent and 0 links (no date stated: assumed to hold in 2010).")]  # unwrapped


def test_a_firm_not_there_yet_is_a_clear_error(data):
    for command in (["suppliers", "Mill"], ["depends", "Mill"], ["whatif", "Mill"], ["view", "--around", "Mill"]):
        result = run_on(data, *command, "--as-of", "2010")
        assert result.exit_code == 1, command
        assert result.output == "Error: Mill is not in the supply network as of 2010 (landed in 2011)\n", command


def test_risk_centrality_depends_as_of(data):
    risk = run_on(data, "risk", "--all", "--bound", "named", "--as-of", "2012", "--format", "json")
    assert sorted(r["name"] for r in json.loads(risk.stdout)) == ["Caster", "Mill", "Smelter"]
    assert "As of 2012: left out 1 agent dated later or closed (Forty firms: counted in 2020)" in risk.stderr
    central = run_on(data, "centrality", "--as-of", "2012", "--format", "json")
    assert sorted(r["name"] for r in json.loads(central.stdout)) == ["Caster", "Mill", "Smelter"]
    card = run_on(data, "depends", "Smelter", "--as-of", "2012", "--format", "json")
    got = json.loads(card.stdout)
    assert [c["label"] for c in got["customers"]] == ["Mill"]
    assert got["remarks"][0].startswith("As of 2012: left out 1 agent")


def test_gaps_as_of(data):
    def rolling(year):
        args = ["gaps", "Metal cluster", "--format", "json"] + (["--as-of", year] if year else [])
        rows = json.loads(run_on(data, *args).stdout)
        return next(r for r in rows if r["stage"] == "rolling")

    assert rolling(None)["verdict"] == "covered"  # in operation since 2014-06
    assert rolling("2013")["verdict"] == "coming"  # signed in 2012
    assert rolling("2011")["verdict"] == "not stated"  # not signed yet: left out


def test_report_says_what_it_is_as_of(data, tmp_path):
    out = tmp_path / "r.json"
    run_on(data, "report", "-o", str(out), "--as-of", "2013")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["as_of"]["year"] == 2013
    assert report["as_of"]["notes"][0] == (
        "As of 2013: left out nothing; kept 1 figure or project with no date stated (assumed to hold in 2013).")
    c = report["clusters"][0]
    assert [(p["label"], p["status"], p["year"]) for p in c["projects"]] == [("Rolling project", "signed", "2012")]
    # the goal is a target, never a figure or a project
    assert [t["label"] for t in c["targets"]] == ["Cluster goal for 2025"]
    assert c["targets"][0]["figures"][0]["text"] == "more than 2,000,000 t/yr"
    assert all(f["subject_kind"] != "Target" for f in c["key_figures"])
    out_all = tmp_path / "all.md"
    run_on(data, "report", "-o", str(out_all))
    text = out_all.read_text(encoding="utf-8")
    assert "All dates: every fact as the sources state it, dated or not" in text
    assert "- **Rolling project**: in operation, 2014-06; investors: Mill" in text
    assert "### Targets" in text and "by 2025; “double the output”; capacity more than 2,000,000 t/yr" in text


def test_view_heading_says_as_of(data, tmp_path):
    out = tmp_path / "v.html"
    result = run_on(data, "view", "-o", str(out), "--as-of", "2010")
    assert result.exit_code == 0
    assert "As of 2010: left out 2 agents dated later or closed" in out.read_text(encoding="utf-8")


def test_as_of_is_a_year(data):
    result = run_on(data, "risk", "--as-of", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a valid integer" in result.output


def test_planned_vs_in_operation_query(data):
    def rows(*param):
        out = run_on(data, "query", "--name", "planned-vs-in-operation", *param, "--format", "json")
        assert out.exit_code == 0, out.output
        return [(r["state"], r["project"], r["stage"], r["date"]) for r in json.loads(out.stdout)]

    assert rows() == [("in operation", "Rolling project", "in operation", "2014-06")]
    assert rows("--param", "asOf=2013") == [("coming", "Rolling project", "signed", "2012")]
    assert rows("--param", "asOf=2011") == []  # not signed yet


def test_targets_query_lists_goals_not_projects(data):
    out = run_on(data, "query", "--name", "targets", "--format", "json")
    assert [(r["target"], r["year"], r["goal"], r["measure"], r["value"]) for r in json.loads(out.stdout)] == [
        ("Cluster goal for 2025", "2025", "double the output", "capacity", 2000000.0)]
    capacity = run_on(data, "query", "--name", "projects-by-capacity", "--format", "json")
    assert [r["project"] for r in json.loads(capacity.stdout)] == ["Rolling project"]
