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


# Shares and volumes as the sources state them (kg.render.text.share_text, volume_text):
# X states a volume (500 t) and no share; M's share is only worded ("basically"); S states share 1.
SUPPLIERS = {
    "table": (
        'tier  name        kind  product        share          volume      inferred  path           quote           source  iri\n'
        '----  ----------  ----  -------------  -------------  ----------  --------  -------------  --------------  ------  -----\n'
        '1     Extruder X  firm  aluminium      not stated     500 t       no        Extruder X →                           ckr:x\n'
        '                        profiles                                            Sixty firms\n'
        '\n'
        '1     Mill M      firm  aluminium      not stated     not stated  no        Mill M →       M basically     t.txt   ckr:m\n'
        '                        plate          (“basically”)                        Sixty firms    supplies the\n'
        '                                                                                           sixty firms.\n'
        '\n'
        '2     Smelter S   firm  aluminium      100.0 %        not stated  no        Smelter S →    S sells all     t.txt   ckr:s\n'
        '                        ingot          (stated)                             Mill M →       its ingot to\n'
        '                                                                            Sixty firms    M.\n'
    ),
    "csv": (
        'tier,name,kind,product,share,volume,inferred,path,quote,source,iri\n'
        '1,Extruder X,firm,aluminium profiles,not stated,500 t,no,Extruder X → Sixty firms,,,ckr:x\n'
        '1,Mill M,firm,aluminium plate,not stated (“basically”),not stated,no,Mill M → Sixty firms,M basically supplies the sixty firms.,t.txt,ckr:m\n'
        '2,Smelter S,firm,aluminium ingot,100.0 % (stated),not stated,no,Smelter S → Mill M → Sixty firms,S sells all its ingot to M.,t.txt,ckr:s\n'
    ),
}


def run_stdout(data, *args):
    """The rows `kg --data DATA ARGS` prints on stdout (notes go to stderr with csv and json)."""
    result = run_on(data, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_suppliers_all_tiers(data, fmt):
    out = run_stdout(data, "suppliers", "sixty firms", "--format", fmt)
    if fmt != "json":
        assert out == SUPPLIERS[fmt]
        return
    rows = json.loads(out)
    assert [(r["tier"], r["name"], r["share"], r["volume"], r["iri"]) for r in rows] == [
        (1, "Extruder X", "not stated", "500 t", "https://w3id.org/cluster-kg/id/x"),
        (1, "Mill M", "not stated (“basically”)", "not stated", "https://w3id.org/cluster-kg/id/m"),
        (2, "Smelter S", "100.0 % (stated)", "not stated", "https://w3id.org/cluster-kg/id/s"),
    ]
    assert rows[2]["path"] == "Smelter S → Mill M → Sixty firms"
    assert rows[2]["quote"] == "S sells all its ingot to M." and rows[2]["source"] == "t.txt"


def test_suppliers_depth_and_customers(data):
    assert run_stdout(data, "suppliers", "ckr:c", "--depth", "1", "--format", "csv").splitlines()[1:] == [
        SUPPLIERS["csv"].splitlines()[1], SUPPLIERS["csv"].splitlines()[2]]
    assert run(data, "customers", "Smelter", "--depth", "1") == (
        'tier  name    kind  product         share           volume      inferred  path            quote            source  iri\n'
        '----  ------  ----  --------------  --------------  ----------  --------  --------------  ---------------  ------  -----\n'
        '1     Mill M  firm  aluminium       100.0 %         not stated  no        Smelter S →     S sells all its  t.txt   ckr:m\n'
        '                    ingot           (stated)                              Mill M          ingot to M.\n'
    )
    # nobody buys from the cohort: the header only on stdout, one note on stderr
    result = run_on(data, "customers", "Sixty firms", "--format", "csv")
    assert result.stdout == "tier,name,kind,product,share,volume,inferred,path,quote,source,iri\n"
    assert result.stderr == ("Note: Sixty firms: no stated customers in the loaded data (the sources name none; "
                             "this does not mean it has none)\n")


# S fails: M loses its only input (S's stated share is 1) and is cut off in round 1; the cohort
# loses M's plate, one of its 2 named suppliers (50 %), and keeps X's profiles. Capacity: only S
# states one (1,000 t/yr). Firms lost: S and M (a cohort that only loses part is not counted).
WHATIF = {
    "table": (
        'Failed (1)\n'
        '  Smelter S (ckr:s)\n'
        '    kind: firm; capacity: 1,000 t/yr; firms: 1\n'
        '\n'
        'Cut off in round 1 (1)\n'
        '  Mill M (ckr:m)\n'
        '    kind: firm; supply lost: all; capacity: not stated; firms: 1\n'
        '\n'
        'Loses part of its supply (1)\n'
        '  Sixty firms (ckr:c)\n'
        '    kind: cohort; supply lost: 50.0 % (1 of 2 suppliers); capacity: not stated; firms: 60\n'
        '\n'
        'Total lost\n'
        '  capacity: 1,000 t/yr + 1 not stated; firms: 2\n'
        'Note: capacity is stated for 1 of the 2 failed firms, groups and cohorts; the total adds those only (the rest is\n'
        '      not stated: unknown, not zero)\n'
    ),
    "csv": (
        'round,name,kind,effect,supply lost,capacity,firms,note,iri\n'
        '0,Smelter S,firm,removed,,"1,000 t/yr",1,,ckr:s\n'
        '1,Mill M,firm,cut off,all,not stated,1,,ckr:m\n'
        ',Sixty firms,cohort,partial,50.0 % (1 of 2 suppliers),not stated,60,,ckr:c\n'
        ',total lost,,,,"1,000 t/yr + 1 not stated",2,,\n'
    ),
}


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_whatif(data, fmt):
    result = run_on(data, "whatif", "Smelter S", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout == WHATIF[fmt]
    # the table prints its note after the card (above); csv keeps it off the rows, on stderr
    assert result.stderr == ("" if fmt == "table" else (
        "Note: capacity is stated for 1 of the 2 failed firms, groups and cohorts; the total adds those only "
        "(the rest is not stated: unknown, not zero)\n"))


def test_whatif_several_firms_cut_off_the_cohort(data):
    # M and X are both of the cohort's named suppliers: it is cut off; 1 + 1 + 60 firms
    rows = json.loads(run_stdout(data, "whatif", "Mill M", "Extruder X", "--format", "json"))
    assert [(r["round"], r["name"], r["effect"], r["firms"]) for r in rows] == [
        (0, "Extruder X", "removed", "1"), (0, "Mill M", "removed", "1"),
        (1, "Sixty firms", "cut off", "60"), ("", "total lost", "", "62")]
    # both named suppliers fail, but no share says they are all of the cohort's supply; no capacity is stated
    assert run_on(data, "whatif", "Mill M", "Extruder X", "--format", "json").stderr == (
        "Note: cut off means every supplier the sources name has failed; for Sixty firms the sources do not "
        "state that these are all its supply (coverage not stated)\n"
        "Note: no failed firm, group or cohort has a stated capacity: the capacity lost is not stated "
        "(unknown, not zero)\n")


# Degree over the whole network: M 2 (S in, C out), C 2 (M, X in), X 1, S 1 (ties by name).
CENTRALITY = {
    "table": (
        'rank  name         kind    degree  suppliers  customers  scope                     method  iri\n'
        '----  -----------  ------  ------  ---------  ---------  ------------------------  ------  -----\n'
        '1     Mill M       firm    2       1          1          the whole loaded network  exact   ckr:m\n'
        '2     Sixty firms  cohort  2       2          0          the whole loaded network  exact   ckr:c\n'
        '3     Extruder X   firm    1       0          1          the whole loaded network  exact   ckr:x\n'
    ),
    "csv": (
        'rank,name,kind,degree,suppliers,customers,scope,method,iri\n'
        '1,Mill M,firm,2,1,1,the whole loaded network,exact,ckr:m\n'
        '2,Sixty firms,cohort,2,2,0,the whole loaded network,exact,ckr:c\n'
        '3,Extruder X,firm,1,0,1,the whole loaded network,exact,ckr:x\n'
    ),
}


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_centrality(data, fmt):
    assert run_stdout(data, "centrality", "--measure", "degree", "--top", "3", "--format", fmt) == CENTRALITY[fmt]


def test_centrality_per_cluster_and_betweenness(data):
    # the cluster's members are S, M and C (X is not a member): C has one supplier inside it
    assert run_stdout(data, "centrality", "--measure", "degree", "--cluster", "test cluster", "--format", "csv") == (
        "rank,name,kind,degree,suppliers,customers,scope,method,iri\n"
        "1,Mill M,firm,2,1,1,Test cluster only,exact,ckr:m\n"
        "2,Sixty firms,cohort,1,1,0,Test cluster only,exact,ckr:c\n"
        "3,Smelter S,firm,1,0,1,Test cluster only,exact,ckr:s\n"
    )
    # S → M → C and X → C: only M lies inside a shortest path (S to C); normalised by (n-1)(n-2) = 6
    rows = json.loads(run_stdout(data, "centrality", "--measure", "betweenness", "--top", "1", "--format", "json"))
    assert [(r["name"], r["betweenness"], r["scope"], r["method"]) for r in rows] == [
        ("Mill M", 1 / 6, "the whole loaded network", "exact")]


# S makes ingot (casting and alloying, 1,000 t/yr stated), M plate (rolling): covered. X makes
# profiles (extrusion) but is in no cluster: a candidate for a stage the cluster's sources are silent
# on. Every other stage: nothing stated (never "missing").
GAPS = {
    "table": (
        'order  stage                  verdict     depth                                   sources  candidates elsewhere\n'
        '-----  ---------------------  ----------  --------------------------------------  -------  -----------------------------\n'
        '1      energy                 not stated  nothing stated\n'
        '\n'
        '1      mining                 not stated  nothing stated\n'
        '\n'
        '2      alumina refining       not stated  nothing stated\n'
        '\n'
        '3      primary smelting       not stated  nothing stated\n'
        '\n'
        '4      casting and alloying   covered     1 firm(s): Smelter S; capacity 1,000\n'
        '                                          t/yr\n'
        '\n'
        '5      castings and forgings  not stated  nothing stated\n'
        '\n'
        '5      extrusion              not stated  nothing stated                                   Extruder X (place not stated)\n'
        '\n'
        '5      new materials          not stated  nothing stated\n'
        '\n'
        '5      rolling                covered     1 firm(s): Mill M\n'
        '\n'
        '6      end products           not stated  nothing stated\n'
    ),
    "csv": (
        'order,stage,verdict,depth,sources,candidates elsewhere,all candidates,firms,projects,statements,quotes\n'
        '1,energy,not stated,nothing stated,,,,,,,\n'
        '1,mining,not stated,nothing stated,,,,,,,\n'
        '2,alumina refining,not stated,nothing stated,,,,,,,\n'
        '3,primary smelting,not stated,nothing stated,,,,,,,\n'
        '4,casting and alloying,covered,"1 firm(s): Smelter S; capacity 1,000 t/yr",,,,Smelter S,,,\n'
        '5,castings and forgings,not stated,nothing stated,,,,,,,\n'
        '5,extrusion,not stated,nothing stated,,Extruder X (place not stated),Extruder X (place not stated),,,,\n'
        '5,new materials,not stated,nothing stated,,,,,,,\n'
        '5,rolling,covered,1 firm(s): Mill M,,,,Mill M,,,\n'
        '6,end products,not stated,nothing stated,,,,,,,\n'
    ),
}


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_gaps(data, fmt):
    assert run_stdout(data, "gaps", "Test cluster", "--format", fmt) == GAPS[fmt]


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
