"""The built wheel works outside the checkout and answers exactly as the checkout does.

A wheel is built from a copy of the sources (so no ``build/`` folder is left in the checkout),
installed with ``--no-deps`` into a fresh venv that sees this venv's site-packages for the
dependencies (nothing is downloaded), and the same commands are run with both from empty folders.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CHECKOUT_KG = Path(sys.executable).with_name("kg")

COMMANDS = [
    ["info"],
    ["risk", "--top", "5"],
    ["query", "--name", "firms-by-cluster"],
    ["depends", "Innovation Metal"],
    ["report", "-o", "x.json"],
]

IN_WHEEL = [
    "kg/vocab/ontology/shapes.ttl",
    "kg/data/binzhou.ttl",
    "kg/render/view/templates/view.js",
]


def run(cmd: list, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["SOURCE_DATE_EPOCH"] = "1767225600"  # kg report's date line: the same in both runs
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout, check=False)
    if result.returncode:
        pytest.fail(f"{' '.join(map(str, cmd))} in {cwd}: exit {result.returncode}\n{result.stderr[-3000:]}",
                    pytrace=False)
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "kg", src / "kg", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", tmp / "dist", src], cwd=tmp, timeout=300)
    (found,) = (tmp / "dist").glob("cluster_kg-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    """A fresh venv with the wheel installed; the dependencies come from this venv's site-packages."""
    home = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", home], cwd=home.parent)
    python = home / "bin" / "python"
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       cwd=home.parent).stdout.strip())
    # only a path: the .pth files in it (the editable install of kg among them) are not processed
    (purelib / "_checkout_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        cwd=home.parent, timeout=300)
    where = Path(run([python, "-c", "import kg; print(kg.__file__)"], cwd=home.parent).stdout.strip())
    assert where.is_relative_to(purelib), f"the fresh venv imports kg from {where}, not from {purelib}"
    return home


def test_wheel_holds_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [n for n in IN_WHEEL if n not in names]
    assert not missing, f"missing from {wheel.name}: {missing}"
    queries = sorted(n for n in names if n.startswith("kg/rdf/queries/") and n.endswith(".rq"))
    expected = sorted(f"kg/rdf/queries/{p.name}" for p in (ROOT / "kg" / "rdf" / "queries").glob("*.rq"))
    assert queries and queries == expected


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_installed_wheel_answers_as_the_checkout(venv, tmp_path, args):
    ours, theirs = tmp_path / "wheel", tmp_path / "checkout"
    ours.mkdir()
    theirs.mkdir()
    got = run([venv / "bin" / "kg", *args], cwd=ours).stdout
    want = run([CHECKOUT_KG, *args], cwd=theirs).stdout
    assert got == want
    if "-o" in args:
        out = args[args.index("-o") + 1]
        # the only difference allowed: a checkout names its git commit, an installed wheel has none
        assert _no_commit((ours / out).read_text(encoding="utf-8")) == _no_commit(
            (theirs / out).read_text(encoding="utf-8"))


def _no_commit(text: str) -> str:
    text = re.sub(r'"commit": (null|"[0-9a-f]{40}")', '"commit": <COMMIT>', text)
    return re.sub(r", commit [0-9a-f]{40}", "", text)


def test_python_dash_m_kg(venv, tmp_path):
    got = run([venv / "bin" / "python", "-m", "kg", "info"], cwd=tmp_path).stdout
    assert got == run([CHECKOUT_KG, "info"], cwd=tmp_path).stdout
