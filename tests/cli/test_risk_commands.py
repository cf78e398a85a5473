"""kg risk, kg depends and kg report through click's CliRunner, on a three-firm graph given with --data.

A smelter (molten aluminium) supplies a rolling mill (aluminium strip; metal is
essential for it; share stated only as "all") and a buyer outside the cluster
(aluminium ingot, stated share 0.4, products unknown). Weights 1 each, total 3.

- Smelter fails: mill → 0 (essential, sole supplier), buyer → 1 - 0.4 = 0.6;
  ESRI = (1 + 1 + 0.4) / 3 = 0.8 (own 1/3); it dominates both (weight 2) and is
  the mill's sole supplier (the buyer's 0.4 leaves room for others).
- Mill fails: the smelter sells half to it (sales split by customer weight),
  h_smelter = 0.5; ESRI = (1 + 0.5) / 3 = 0.5 after 2 rounds. The buyer likewise.
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
        "rank  name     kind  esri  own       dominates    dominated weight  sole supplier of  hit  method  iri\n"
        "----  -------  ----  ----  --------  -----------  ----------------  ----------------  ---  ------  -----------\n"
        "1     Smelter  firm  0.8   0.333333  Buyer; Mill  2                 Mill              2    exact   ckr:smelter\n"
        "2     Buyer    firm  0.5   0.333333               0                                   1    exact   ckr:buyer\n"
        "2     Mill     firm  0.5   0.333333               0                                   1    exact   ckr:mill\n"
    ),
    "csv": (
        "rank,name,kind,esri,own,dominates,dominated weight,sole supplier of,hit,method,iri\n"
        "1,Smelter,firm,0.8,0.333333,Buyer; Mill,2,Mill,2,exact,ckr:smelter\n"
        "2,Buyer,firm,0.5,0.333333,,0,,1,exact,ckr:buyer\n"
        "2,Mill,firm,0.5,0.333333,,0,,1,exact,ckr:mill\n"
    ),
}


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_risk_exact_output(data, fmt):
    result = run(data, "risk", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.output == RISK[fmt]


def test_risk_json(data):
    result = run(data, "risk", "--format", "json", "--top", "1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "rank": 1,
            "name": "Smelter",
            "kind": "firm",
            "esri": 0.8,
            "own": 0.333333,
            "dominates": "Buyer; Mill",
            "dominated weight": 2,
            "sole supplier of": "Mill",
            "hit": 2,
            "method": "exact",
            "iri": "https://w3id.org/cluster-kg/id/smelter",
        }
    ]


def test_risk_of_a_cluster_ranks_its_members_only(data):
    result = run(data, "risk", "--cluster", "Test cluster", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "rank,name,kind,esri,own,dominates,dominated weight,sole supplier of,hit,method,iri\n"
        "1,Smelter,firm,0.8,0.333333,Buyer; Mill,2,Mill,2,exact,ckr:smelter\n"
        "2,Mill,firm,0.5,0.333333,,0,,1,exact,ckr:mill\n"
    )


def test_risk_unknown_cluster(data):
    result = CliRunner().invoke(cli, ["--data", data, "risk", "--cluster", "Atlantis"])
    assert result.exit_code == 1
    assert (
        result.output
        == "Error: no cluster, region or park is called 'Atlantis'. Known clusters: Test cluster.\n"
    )


DEPENDS_CSV = (
    "section,name,product,value,volume,detail,source,iri\n"
    "firm,Mill,,,,firm; Test cluster,,ckr:mill\n"
    "esri,Mill,,0.5,,rank 2 of 3; its own output 0.333333; 2 rounds,,ckr:mill\n"
    "supplier,Smelter,molten aluminium,unknown (all),unknown,The mill gets molten aluminium straight from the smelter.,t.txt,ckr:smelter\n"
    "dominator,Smelter,,,,its failure alone cuts this firm off,,ckr:smelter\n"
    "hit,Smelter,,0.5,,share of its output lost if this firm fails,,ckr:smelter\n"
    'input,"aluminium metal (molten aluminium, ingot, alloy)",essential,1,,"HHI 1, 1 effective suppliers, sole supplier: Smelter 1 (not stated)",,\n'
    'assumption,,,,,"output weights: firm count (a firm counts 1, a cohort its member count); capacities are not known for every node",,\n'
    "assumption,,,,,Smelter: sales volumes not stated; sales split by customer weight,,\n"
    "assumption,,,,,Smelter: sales to customers the sources do not name are unknown and not counted,,\n"
)


def test_depends_csv(data):
    result = run(data, "depends", "Mill", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output == DEPENDS_CSV


def test_depends_table_has_the_same_rows(data):
    result = run(data, "depends", "mill")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "section",
        "name",
        "product",
        "value",
        "volume",
        "detail",
        "source",
        "iri",
    ]
    assert [line.split()[0] for line in lines[2:]] == [
        "firm",
        "esri",
        "supplier",
        "dominator",
        "hit",
        "input",
        "assumption",
        "assumption",
        "assumption",
    ]


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
    assert {k: card["esri"][k] for k in ("value", "own", "rank", "of", "rounds")} == {
        "value": 0.8,
        "own": 0.333333,
        "rank": 1,
        "of": 3,
        "rounds": 2,
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

    monkeypatch.setattr(kg.render.rows, "CARD_ASSUMPTIONS", 2)  # the mill's card has 3
    lines = run(data, "depends", "Mill").output.splitlines()
    notes = [" ".join(line.split()[1:]) for line in lines if line.startswith("assumption")]
    assert notes == [
        "output weights: firm count (a firm counts 1, a cohort its member coun…",  # a table cell is shortened
        "Smelter: sales volumes not stated; sales split by customer weight",
        "… and 1 more (--format csv or json lists them all)",
    ]
    assert run(data, "depends", "Mill", "--format", "csv").output == DEPENDS_CSV  # csv keeps them all
