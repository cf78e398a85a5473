"""kg risk, kg depends and kg report through click's CliRunner, on a three-firm graph given with --data.

A smelter (molten aluminium) supplies a rolling mill (aluminium strip; metal is
essential for it; share stated only as "all", which states all of it: share 1) and a
buyer outside the cluster (aluminium ingot, stated share 0.4, products unknown). The
network is the cluster's members (smelter, mill) and their partner (buyer); no output
figure is stated, so weights are a count: 1 each, total 3. Only members are ranked.

- Smelter fails (both bounds: every share is stated): mill → 0 (essential, share 1),
  buyer → 1 - 0.4 = 0.6; ESRI = (1 + 1 + 0.4) / 3 = 0.8 (own 1/3). It dominates both
  and is the mill's sole supplier ("all": a stated exclusive supply); the buyer's 0.4
  leaves room for others.
- Mill fails. "stated" bound: the smelter states no total sales, so the share of its
  sales the mill takes is not stated: the smelter is unaffected, ESRI = own = 1/3, and
  the stated ranking leaves the mill out (a note counts it). "named" bound: the smelter's
  sales split by what each customer takes (mill 1 × weight 1, buyer 0.4 × weight 1):
  the mill takes 1/1.4, so h_smelter = 1 - 1/1.4 = 2/7 and ESRI = (1 + 5/7) / 3 = 4/7
  = 0.571429, after 2 rounds (the second changes nothing).
"""

import json

import pytest
from click.testing import CliRunner
from conftest import run_on as run

from kg.cli.main import cli

TTL = """@prefix ckg:  <https://w3id.org/cluster-kg/ontology#> .
@prefix ckp:  <https://w3id.org/cluster-kg/product/> .
@prefix ckr:  <https://w3id.org/cluster-kg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

ckr:art a ckg:Article ; dcterms:identifier "t.txt" ; dcterms:title "Test article"@en .
ckr:c a ckg:IndustrialCluster ; skos:prefLabel "Test cluster"@en .
ckr:smelter a ckg:Firm ; skos:prefLabel "Smelter"@en ; ckg:inCluster ckr:c ;
    ckg:produces ckp:molten-aluminium ; prov:wasDerivedFrom ckr:ev1 .
ckr:mill a ckg:Firm ; skos:prefLabel "Mill"@en ; ckg:inCluster ckr:c ;
    ckg:produces ckp:aluminium-strip ; prov:wasDerivedFrom ckr:ev1 .
ckr:buyer a ckg:Firm ; skos:prefLabel "Buyer"@en .
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:smelter ; ckg:customer ckr:mill ;
    ckg:product ckp:molten-aluminium ; ckg:shareWording "all" ; prov:wasDerivedFrom ckr:ev1 .
ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:smelter ; ckg:customer ckr:buyer ;
    ckg:product ckp:aluminium-ingot ; ckg:share 0.4 ; prov:wasDerivedFrom ckr:ev2 .
ckr:ev1 a ckg:Evidence ; prov:value "The mill gets molten aluminium straight from the smelter." ; prov:hadPrimarySource ckr:art .
ckr:ev2 a ckg:Evidence ; prov:value "The buyer takes ingot." ; prov:hadPrimarySource ckr:art .
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "test.ttl"
    path.write_text(TTL, encoding="utf-8")
    return str(path)


RISK = {
    "table": (
        "rank  name     kind  esri     other bound  own      affected  dominates    sole supplier of  iri\n"
        "----  -------  ----  -------  -----------  -------  --------  -----------  ----------------  -----------\n"
        "1     Smelter  firm  80.00 %  80.00 %      33.33 %  2         Buyer; Mill  Mill              ckr:smelter\n"
        "Note: ESRI relative to all loaded clusters (3 nodes: members of every cluster and their direct\n"
        "      partners); bound 'stated' (esri; the other bound beside it)\n"
        "Note: 1 other firm takes down only its own output on stated coverage (no stated share links them);\n"
        "      `--bound named` ranks them as if the named partners were all their trade\n"
        "Note: output weights: count of firms (a firm counts 1, a cohort its member count); no node states an\n"
        "      output figure\n"
    ),
    "csv": (
        "rank,name,kind,esri,other bound,own,affected,dominates,sole supplier of,iri\n"
        "1,Smelter,firm,0.7999999999999999,0.7999999999999999,0.3333333333333333,2,Buyer; Mill,Mill,ckr:smelter\n"
    ),
}


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_risk_exact_output(data, fmt):
    result = CliRunner(env={"COLUMNS": "110"}).invoke(cli, ["--data", data, "risk", "--format", fmt])
    assert result.exit_code == 0, result.output
    assert result.stdout == RISK[fmt]


def test_risk_json(data):
    result = run(data, "risk", "--format", "json", "--top", "1", "--bound", "named")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [  # notes go to stderr: stdout is the list of rows
        {
            "rank": 1,
            "name": "Smelter",
            "kind": "firm",
            "esri": 0.7999999999999999,  # 2.4 / 3 in floating point
            "other bound": 0.7999999999999999,
            "own": 0.3333333333333333,
            "affected": 2,
            "dominates": "Buyer; Mill",
            "sole supplier of": "Mill",
            "iri": "https://w3id.org/cluster-kg/id/smelter",
        }
    ]


def test_risk_named_bound_ranks_the_mill_too(data):
    result = run(data, "risk", "--bound", "named", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "1,Smelter,firm,0.7999999999999999,0.7999999999999999,0.3333333333333333,2,Buyer; Mill,Mill,ckr:smelter",
        "2,Mill,firm,0.5714285714285715,0.3333333333333333,0.3333333333333333,1,,,ckr:mill",  # 4/7 named, 1/3 stated
    ]


def test_risk_of_a_cluster_ranks_its_members_only(data):
    result = run(data, "risk", "--cluster", "Test cluster", "--bound", "named", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert [line.split(",")[1] for line in result.stdout.splitlines()[1:]] == ["Smelter", "Mill"]  # not the buyer
    assert "ESRI relative to cluster Test cluster and its direct partners (3 nodes)" in result.stderr


def test_risk_unknown_cluster(data):
    result = CliRunner().invoke(cli, ["--data", data, "risk", "--cluster", "Atlantis"])
    assert result.exit_code == 1
    assert (
        result.output
        == "Error: no cluster, region or park is called 'Atlantis'. Known clusters: Test cluster.\n"
    )


DEPENDS_CSV_HEAD = (
    "section,name,product,share,volume,esri,loss,detail,quote,source,iri\n"
    "firm,Mill,,,,,,firm; Test cluster,,,ckr:mill\n"
)
DEPENDS_CSV_LINKS = [
    # the share is worded, not numbered: "all" states exclusive supply, so the dominator is the sole one
    "supplier,Smelter,molten aluminium,100.0 % (stated: “all”),not stated,,,,"
    "The mill gets molten aluminium straight from the smelter.,t.txt,ckr:smelter",
    "dominator,Smelter,,,,,,its failure alone cuts this firm off (every link on the way states exclusive supply),"
    ",,ckr:smelter",
]


def test_depends_csv(data):
    result = run(data, "depends", "Mill", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(DEPENDS_CSV_HEAD)
    lines = result.output.splitlines()
    assert [line for line in lines if line.startswith(("supplier,", "dominator,"))] == DEPENDS_CSV_LINKS
    assert [line.split(",")[0] for line in lines[1:]][:2] == ["firm", "esri"]


def test_depends_table_is_a_card(data):
    result = CliRunner(env={"COLUMNS": "100"}).invoke(cli, ["--data", data, "depends", "mill"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings[:6] == ["Firm", "Systemic risk (ESRI)", "Suppliers (1)", "Customers: none stated",
                            "Dominators (1)", "Its inputs: concentration of suppliers (1)"]
    assert headings[-1].startswith("Assumptions (")
    assert "    “The mill gets molten aluminium straight from the smelter.”" in lines  # the quote in full
    assert max(len(line) for line in lines) <= 100


def test_depends_json_is_the_card(data):
    result = run(data, "depends", "Smelter", "--format", "json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)
    assert [
        (c["label"], c["product_label"], c["share"], c["share_wording"]) for c in card["customers"]
    ] == [
        ("Buyer", "aluminium ingot", 0.4, None),
        ("Mill", "molten aluminium", None, "all"),
    ]
    assert [d["label"] for d in card["dominated"]] == ["Buyer", "Mill"]
    assert card["sole_supplier_of"] == [
        {
            "customer": "https://w3id.org/cluster-kg/id/mill",
            "label": "Mill",
            "input": "aluminium metal (molten aluminium, ingot, alloy)",
        }
    ]
    assert {k: card["esri"][k] for k in ("value", "own", "rank", "of", "rounds", "low", "high", "bound")} == {
        "value": 0.8,
        "own": 0.333333,
        "rank": 1,
        "of": 2,  # the ranked members: smelter and mill (the buyer is outside the cluster)
        "rounds": 2,  # round 1 moves mill and buyer; round 2 changes nothing (<= 0.01): stop
        "low": 0.8,
        "high": 0.8,
        "bound": "stated",
    }
    assert card["esri"]["affected"] == [
        {"firm": "https://w3id.org/cluster-kg/id/mill", "label": "Mill", "loss": 1.0},
        {"firm": "https://w3id.org/cluster-kg/id/buyer", "label": "Buyer", "loss": 0.4},
    ]


def test_depends_unknown_firm(data):
    result = CliRunner().invoke(cli, ["--data", data, "depends", "Nobody at all"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no entity is called 'Nobody at all'.")


@pytest.mark.parametrize(
    "name, start",
    [("r.md", "# Who depends on whom"), ("r.html", "<!DOCTYPE html>"), ("r.json", "{")],
)
def test_report_writes_and_says_where(data, tmp_path, name, start):
    path = tmp_path / "out" / name
    result = run(data, "report", "-o", str(path), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output == f"file,format,clusters\n{path},{name.split('.')[1]},1\n"
    assert path.read_text(encoding="utf-8").startswith(start)


def test_report_refuses_an_unknown_extension(data, tmp_path):
    result = CliRunner().invoke(cli, ["--data", data, "report", "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {tmp_path / 'r.pdf'}: unknown report format '.pdf'; use .html, .json, .md\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_depends_table_shortens_a_long_list_of_assumptions(data, monkeypatch):
    import kg.render.rows

    monkeypatch.setattr(kg.render.rows, "CARD_ASSUMPTIONS", 0)  # the mill's card has at least 1
    lines = run(data, "depends", "Mill").output.splitlines()
    notes = lines[lines.index(next(x for x in lines if x.startswith("Assumptions"))) + 1:]
    assert len(notes) == 1 and notes[0].startswith("  - … and ")
    assert notes[0].endswith(" more (--format csv or json lists them all)")
    csv = run(data, "depends", "Mill", "--format", "csv").output  # csv keeps them all
    assert sum(line.startswith("assumption,") for line in csv.splitlines()) >= 1
