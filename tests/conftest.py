"""What the tests share: the small Turtle fixtures (tests/data/), and the CLI runner.

Tests import the constants with ``from conftest import …`` (``tests`` is on pytest's
``pythonpath``); fixtures need no import.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
"""The seed articles, beside the checkout (as CI lays it out)."""

PREFIXES = (DATA / "prefixes.ttl").read_text(encoding="utf-8")
"""The six prefixes the small Turtle graphs of the CLI tests use (ckg, ckr, ckp, skos, prov, dcterms)."""

GOOD = (DATA / "good.ttl").read_text(encoding="utf-8")
"""A two-firm graph that validates: Alpha Alumina supplies Beta Smelter with alumina, with evidence."""


SOURCE = PREFIXES + """
ckr:art a ckg:Article ; dcterms:title "T" ; dcterms:identifier "t.txt" .
ckr:ev a ckg:Evidence ; prov:value "A supplies 70% of B's alumina." ; prov:hadPrimarySource ckr:art .
"""
"""An article and its evidence: 6 triples. With :data:`FIRMS`, two files that validate only together
(the files of the replace and remove tests, on a store and on a server)."""

FIRMS = PREFIXES + """
ckr:a a ckg:Firm ; skos:prefLabel "Alpha Alumina"@en ; prov:wasDerivedFrom ckr:ev .
ckr:b a ckg:Firm ; skos:prefLabel "Beta Smelter"@en ; prov:wasDerivedFrom ckr:ev .
ckr:r a ckg:SupplyRelation ; ckg:supplier ckr:a ; ckg:customer ckr:b ; ckg:product ckp:alumina ;
    ckg:share 0.7 ; prov:wasDerivedFrom ckr:ev .
"""
"""Two firms and a supply relation (share 0.7) citing :data:`SOURCE`'s evidence: 12 triples (3 + 3 + 6),
and 1 derived: ckr:a ckg:suppliesTo ckr:b."""


def run(runner: CliRunner, *args: str):
    """``kg ARGS`` in-process; exceptions propagate (a traceback is a test failure, not an output)."""
    return runner.invoke(cli, list(args), catch_exceptions=False)


WIDTH = {"COLUMNS": "120"}
"""Tables wrap to $COLUMNS: the tests fix it, whatever the terminal that runs them."""


def run_on(data: str, *args: str):
    """``kg --data DATA ARGS`` in-process, 120 columns wide."""
    return CliRunner(env=WIDTH).invoke(cli, ["--data", data, *args], catch_exceptions=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=WIDTH)


# ---------------------------------------------------------------- stores and faults


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A store of good.ttl (with the ontology), made once per module: copy it, never change it."""
    from kg.ingest.load import load_into_store

    store = tmp_path_factory.mktemp("template") / "store"
    load_into_store(store, [DATA / "good.ttl"])
    return store


@pytest.fixture
def store(template, tmp_path) -> Path:
    """A copy of :func:`template` the test may damage."""
    import shutil

    copy = tmp_path / "S"
    shutil.copytree(template, copy, symlinks=True)
    return copy


def generation(store: Path) -> Path:
    """The folder of a store's current generation."""
    import os

    return store / os.readlink(store / "kg-current")


DAMAGE = ["truncated-sst", "zeroed-sst", "truncated-manifest", "emptied-current"]
"""The ways :func:`damage` breaks a store."""


def damage(store: Path, kind: str) -> None:
    """Break the current generation of ``store`` in one of the ways of :data:`DAMAGE`."""
    import os

    gen = generation(store)
    if kind == "truncated-sst":
        for f in gen.glob("*.sst"):
            os.truncate(f, f.stat().st_size // 2)
    elif kind == "zeroed-sst":
        for f in gen.glob("*.sst"):
            f.write_bytes(bytes(f.stat().st_size))
    elif kind == "truncated-manifest":
        for f in gen.glob("MANIFEST-*"):
            os.truncate(f, 100)
    elif kind == "emptied-current":
        (gen / "CURRENT").write_bytes(b"")


class FullDisk:
    """A file whose every write fails as on a full disk."""

    def __init__(self, f):
        self._f = f

    def __getattr__(self, name):
        return getattr(self._f, name)

    def write(self, data):
        import errno
        import os

        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
