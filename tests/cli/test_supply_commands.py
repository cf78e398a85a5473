"""kg suppliers / customers / centrality / whatif / gaps through click's CliRunner, exact output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import run_on

from kg.cli.main import cli

DATA = """
@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
@prefix ckr: <https://w3id.org/cluster-kg/id/> .
@prefix ckp: <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .

ckr:art a ckg:Article ; dcterms:identifier "t.txt" .
ckr:ev1 a ckg:Evidence ; prov:value "S sells all its ingot to M." ; prov:hadPrimarySource ckr:art .
ckr:ev2 a ckg:Evidence ; prov:value "M basically supplies the sixty firms." ; prov:hadPrimarySource ckr:art .
ckr:cl a ckg:IndustrialCluster ; skos:prefLabel "Test cluster"@en .
ckr:s a ckg:Firm ; skos:prefLabel "Smelter S"@en ; ckg:inCluster ckr:cl ; ckg:produces ckp:aluminium-ingot ;
    ckg:capacity [ qudt:numericValue 1000 ; qudt:unit unit:TONNE-PER-YR ] .
ckr:m a ckg:Firm ; skos:prefLabel "Mill M"@en ; ckg:inCluster ckr:cl ; ckg:produces ckp:aluminium-plate .
ckr:c a ckg:FirmCohort ; skos:prefLabel "Sixty firms"@en ; ckg:memberCount 60 ; ckg:inCluster ckr:cl .
ckr:x a ckg:Firm ; skos:prefLabel "Extruder X"@en ; ckg:produces ckp:aluminium-profiles .
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:s ; ckg:customer ckr:m ; ckg:product ckp:aluminium-ingot ;
    ckg:share 1.0 ; prov:wasDerivedFrom ckr:ev1 .
ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:m ; ckg:customer ckr:c ; ckg:product ckp:aluminium-plate ;
    ckg:shareWording "basically" ; prov:wasDerivedFrom ckr:ev2 .
ckr:r3 a ckg:SupplyRelation ; ckg:supplier ckr:x ; ckg:customer ckr:c ; ckg:product ckp:aluminium-profiles ;
    ckg:volume [ qudt:numericValue 500 ; qudt:unit unit:TONNE ] .
"""


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(DATA, encoding="utf-8")
    return str(path)


def run(data, *args):
    """The output of `kg --data DATA ARGS`, which must succeed."""
    result = run_on(data, *args)
    assert result.exit_code == 0, result.output
    return result.output


SUPPLIERS = {
    "table": (
        "tier  name        kind  product             share                volume          inferred  path                              quote                                  source  iri\n"
        "----  ----------  ----  ------------------  -------------------  --------------  --------  --------------------------------  -------------------------------------  ------  -----\n"
        "1     Extruder X  firm  aluminium profiles  unknown              500 unit:TONNE  no        Extruder X → Sixty firms                                                         ckr:x\n"
        "1     Mill M      firm  aluminium plate     unknown (basically)  unknown         no        Mill M → Sixty firms              M basically supplies the sixty firms.  t.txt   ckr:m\n"
        "2     Smelter S   firm  aluminium ingot     1                    unknown         no        Smelter S → Mill M → Sixty firms  S sells all its ingot to M.            t.txt   ckr:s\n"
    ),
    "csv": (
        "tier,name,kind,product,share,volume,inferred,path,quote,source,iri\n"
        "1,Extruder X,firm,aluminium profiles,unknown,500 unit:TONNE,no,Extruder X → Sixty firms,,,ckr:x\n"
        "1,Mill M,firm,aluminium plate,unknown (basically),unknown,no,Mill M → Sixty firms,"
        "M basically supplies the sixty firms.,t.txt,ckr:m\n"
        "2,Smelter S,firm,aluminium ingot,1,unknown,no,Smelter S → Mill M → Sixty firms,"
        "S sells all its ingot to M.,t.txt,ckr:s\n"
    ),
}


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_suppliers_all_tiers(data, fmt):
    out = run(data, "suppliers", "sixty firms", "--format", fmt)
    if fmt != "json":
        assert out == SUPPLIERS[fmt]
        return
    rows = json.loads(out)
    assert [(r["tier"], r["name"], r["share"], r["volume"], r["iri"]) for r in rows] == [
        (1, "Extruder X", "unknown", "500 unit:TONNE", "https://w3id.org/cluster-kg/id/x"),
        (1, "Mill M", "unknown (basically)", "unknown", "https://w3id.org/cluster-kg/id/m"),
        (2, "Smelter S", "1", "unknown", "https://w3id.org/cluster-kg/id/s"),
    ]
    assert rows[2]["path"] == "Smelter S → Mill M → Sixty firms"
    assert rows[2]["quote"] == "S sells all its ingot to M." and rows[2]["source"] == "t.txt"


def test_suppliers_depth_and_customers(data):
    assert run(data, "suppliers", "ckr:c", "--depth", "1", "--format", "csv").splitlines()[1:] == [
        SUPPLIERS["csv"].splitlines()[1], SUPPLIERS["csv"].splitlines()[2]]
    assert run(data, "customers", "Smelter", "--depth", "1") == (
        "tier  name    kind  product          share  volume   inferred  path                quote                        source  iri\n"
        "----  ------  ----  ---------------  -----  -------  --------  ------------------  ---------------------------  ------  -----\n"
        "1     Mill M  firm  aluminium ingot  1      unknown  no        Smelter S → Mill M  S sells all its ingot to M.  t.txt   ckr:m\n"
    )
    assert run(data, "customers", "Sixty firms", "--format", "csv") == (
        "tier,name,kind,product,share,volume,inferred,path,quote,source,iri\n")


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_whatif(data, fmt):
    expected = {
        "table": (
            "round  name         kind    effect   supply lost             capacity          firms  iri\n"
            "-----  -----------  ------  -------  ----------------------  ----------------  -----  -----\n"
            "0      Smelter S    firm    removed                          1000              1      ckr:s\n"
            "1      Mill M       firm    cut off  all                     unknown           1      ckr:m\n"
            "       Sixty firms  cohort  partial  50% (1 of 2 suppliers)  unknown           60     ckr:c\n"
            "       total lost                                            1000 + 1 unknown  2\n"
        ),
        "csv": (
            "round,name,kind,effect,supply lost,capacity,firms,iri\n"
            "0,Smelter S,firm,removed,,1000,1,ckr:s\n"
            "1,Mill M,firm,cut off,all,unknown,1,ckr:m\n"
            ",Sixty firms,cohort,partial,50% (1 of 2 suppliers),unknown,60,ckr:c\n"
            ",total lost,,,,1000 + 1 unknown,2,\n"
        ),
    }
    assert run(data, "whatif", "Smelter S", "--format", fmt) == expected[fmt]


def test_whatif_several_firms_cut_off_the_cohort(data):
    rows = json.loads(run(data, "whatif", "Mill M", "Extruder X", "--format", "json"))
    assert [(r["round"], r["name"], r["effect"], r["firms"]) for r in rows] == [
        (0, "Extruder X", "removed", "1"), (0, "Mill M", "removed", "1"),
        (1, "Sixty firms", "cut off", "60"), ("", "total lost", "", "62")]


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_centrality(data, fmt):
    expected = {
        "table": (
            "rank  name         kind    degree  suppliers  customers  method  iri\n"
            "----  -----------  ------  ------  ---------  ---------  ------  -----\n"
            "1     Mill M       firm    2       1          1          exact   ckr:m\n"
            "2     Sixty firms  cohort  2       2          0          exact   ckr:c\n"
            "3     Extruder X   firm    1       0          1          exact   ckr:x\n"
        ),
        "csv": (
            "rank,name,kind,degree,suppliers,customers,method,iri\n"
            "1,Mill M,firm,2,1,1,exact,ckr:m\n"
            "2,Sixty firms,cohort,2,2,0,exact,ckr:c\n"
            "3,Extruder X,firm,1,0,1,exact,ckr:x\n"
        ),
    }
    assert run(data, "centrality", "--measure", "degree", "--top", "3", "--format", fmt) == expected[fmt]


def test_centrality_per_cluster_and_betweenness(data):
    assert run(data, "centrality", "--measure", "degree", "--cluster", "test cluster", "--format", "csv") == (
        "rank,name,kind,degree,suppliers,customers,method,iri\n"
        "1,Mill M,firm,2,1,1,exact,ckr:m\n"
        "2,Sixty firms,cohort,1,1,0,exact,ckr:c\n"
        "3,Smelter S,firm,1,0,1,exact,ckr:s\n"
    )
    # S → M → C and X → C: only M lies inside a shortest path (S to C); normalised by (n-1)(n-2) = 6
    rows = json.loads(run(data, "centrality", "--measure", "betweenness", "--top", "1", "--format", "json"))
    assert [(r["name"], r["betweenness"], r["method"]) for r in rows] == [("Mill M", 1 / 6, "exact")]


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_gaps(data, fmt):
    expected = {
        "table": (
            "order  stage                  status   firms      products         candidates elsewhere\n"
            "-----  ---------------------  -------  ---------  ---------------  --------------------\n"
            "1      energy                 missing\n"
            "1      mining                 missing\n"
            "2      alumina refining       missing\n"
            "3      primary smelting       missing\n"
            "4      casting and alloying   covered  Smelter S  aluminium ingot\n"
            "5      castings and forgings  missing\n"
            "5      extrusion              missing                              Extruder X\n"
            "5      new materials          missing\n"
            "5      rolling                covered  Mill M     aluminium plate\n"
            "6      end products           missing\n"
        ),
        "csv": (
            "order,stage,status,firms,products,candidates elsewhere\n"
            "1,energy,missing,,,\n"
            "1,mining,missing,,,\n"
            "2,alumina refining,missing,,,\n"
            "3,primary smelting,missing,,,\n"
            "4,casting and alloying,covered,Smelter S,aluminium ingot,\n"
            "5,castings and forgings,missing,,,\n"
            "5,extrusion,missing,,,Extruder X\n"
            "5,new materials,missing,,,\n"
            "5,rolling,covered,Mill M,aluminium plate,\n"
            "6,end products,missing,,,\n"
        ),
    }
    assert run(data, "gaps", "Test cluster", "--format", fmt) == expected[fmt]


@pytest.mark.parametrize("args, message", [
    (["gaps", "Atlantis"], "Error: no cluster, region or park is called 'Atlantis'. Known clusters: Test cluster.\n"),
    (["centrality", "--cluster", "Atlantis"],
     "Error: no cluster, region or park is called 'Atlantis'. Known clusters: Test cluster.\n"),
    (["whatif", "zzqqxx"], "Error: no entity is called 'zzqqxx'.\n"),
    (["suppliers", "alpha"], (
        "Error: 'alpha' is ambiguous: Alpha One (firm, https://w3id.org/cluster-kg/id/a1); "
        "Alpha Two (firm, https://w3id.org/cluster-kg/id/a2). Use a fuller name or the IRI.\n")),
    (["customers", "Test cluster"], "Error: no entity is called 'Test cluster'.\n"),
])
def test_errors_are_clear(tmp_path, args, message):
    path = tmp_path / "g.ttl"
    path.write_text(DATA + """
        ckr:a1 a ckg:Firm ; skos:prefLabel "Alpha One"@en .
        ckr:a2 a ckg:Firm ; skos:prefLabel "Alpha Two"@en .
    """, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--data", str(path), *args])
    assert result.exit_code == 1
    assert result.output == message
