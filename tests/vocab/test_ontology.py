"""kg.vocab: the namespaces as strings need no rdflib; the rdflib ones are made on first use.

`kg depends` on a store needs neither rdflib nor scipy (0.1 s of imports each).
"""

import json
import subprocess
import sys

import pytest

import kg.lookup.names
import kg.network.reads
import kg.vocab.terms
from kg.vocab.namespaces import CKG_NS, PREFIXES
from kg.vocab.terms import CKG

ABOUT_ALPHA = """@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
@prefix ckr: <https://w3id.org/cluster-kg/id/> .
@prefix ckp: <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ckr:a a ckg:Firm ; skos:prefLabel "Alpha Smelter"@en .
ckr:b a ckg:Firm ; skos:prefLabel "Beta Mill"@en .
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:a ; ckg:customer ckr:b ; ckg:product ckp:alumina .
"""


def _local_names(iris):
    assert all(iri.startswith(CKG_NS) for iri in iris)
    return sorted({iri[len(CKG_NS):] for iri in iris})


def test_the_type_iris_written_as_strings_are_terms_of_the_closed_namespace():
    # CKG fails on a misspelt term; the string constants must not lose that check
    names = _local_names([*kg.network.reads.KIND_BY_TYPE, *kg.network.reads.AGENT_TYPES, *(iri for iri, _ in kg.lookup.names.KINDS)])
    assert len(names) == 22  # with the person and government-body kinds of kg find
    for name in names:
        assert str(getattr(CKG, name)) == CKG_NS + name
    with pytest.raises(AttributeError):
        CKG.Frim  # noqa: B018


def test_prefixes_are_the_rdflib_namespaces():
    assert PREFIXES["ckg"] == str(CKG._NS)
    for prefix, name in [("ckp", "CKP"), ("ckr", "CKR"), ("ckgu", "CKGU"), ("qudt", "QUDT"), ("unit", "UNIT")]:
        assert PREFIXES[prefix] == str(getattr(kg.vocab.terms, name))
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        kg.vocab.terms.Nope  # noqa: B018


def _imported(code: str) -> list[str]:
    """Which of rdflib and scipy a fresh interpreter has imported after running ``code``."""
    show = "\nimport json, sys; print(json.dumps([m for m in ('rdflib', 'scipy') if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code + show], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_analysis_modules_import_without_rdflib():
    assert _imported("import kg.cli, kg.network.project, kg.services.index, kg.analysis.esri.ranking, "
                     "kg.services.report, kg.lookup.names, kg.rdf.graph, kg.analysis.concentration, "
                     "kg.analysis.dominance") == []
    assert _imported("from kg.vocab.terms import CKG") == ["rdflib"]


def test_kg_depends_on_a_store_with_its_index_imports_neither_rdflib_nor_scipy(tmp_path):
    from kg.ingest.load import load_into_store
    from kg.services.index import open_index

    data = tmp_path / "d.ttl"
    data.write_text(ABOUT_ALPHA, encoding="utf-8")
    load_into_store(tmp_path / "store", [data], validate=False)
    open_index(tmp_path / "store")
    code = (f"from kg.cli import cli\ncli(['--store', {str(tmp_path / 'store')!r}, 'depends', 'Alpha Smelter'], "
            "standalone_mode=False)")
    assert _imported(code) == []
