"""Record (or check) the golden outputs of the ``kg`` command line.

    python tests/golden/record.py            # rewrite tests/golden/outputs/ for every case
    python tests/golden/record.py ID ...     # only these cases
    python tests/golden/record.py --twice    # run each case twice, show what differs, write nothing

The cases are in ``commands.toml`` beside this file. Each one runs the ``kg`` executable next to
``sys.executable`` as a subprocess, in a fresh empty temporary folder that holds a symlink ``data``
to the checkout's data folder, and records the exit code, stdout, stderr and the files it asks for.
``tests/test_golden.py`` runs the cases with :func:`run_case` too and compares byte for byte.

Nothing here imports ``kg``: the outputs must survive a restructure of the package.

Normalisation (:func:`normalise`, applied to every recorded text: stdout, stderr and files alike)
replaces only what differs from run to run or between checkouts; everything else is compared as
it is:

1. the temporary folder the case runs in -> ``<TMP>`` (a new name every run);
2. the checkout's root folder -> ``<ROOT>`` (differs between clones and machines).

Both are literal replacements (the path as given and resolved), the longer first. At f714070 they
match nothing: every case was run twice in different folders, from two checkouts at different
paths and with PYTHONHASHSEED 0, 1, 12345 and random, and the raw outputs were identical byte for
byte (no timestamps, durations, rates, generation ids or random HTML ids appear; the `kg load`
progress lines with rates are printed only for files of a million triples or more, and no case
loads one). If an output ever starts to vary, add a regex to :data:`NORMALISATIONS` and say why.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent
ROOT = next(p for p in GOLDEN.parents if (p / "pyproject.toml").is_file())  # the checkout
OUTPUTS = GOLDEN / "outputs"
COMMANDS = GOLDEN / "commands.toml"


def _find_data() -> Path:
    """The bundled data folder, linked as `data` into every case's folder so README commands
    (`data/…`) run as written: ROOT/data, else the one folder named `data` holding sources.ttl
    and binzhou.ttl at most three levels below ROOT (so the test survives the folder moving)."""
    def is_data(p: Path) -> bool:
        return (p / "sources.ttl").is_file() and (p / "binzhou.ttl").is_file()

    if is_data(ROOT / "data"):
        return ROOT / "data"
    found = sorted({p.resolve() for pattern in ("*/data", "*/*/data", "*/*/*/data")
                    for p in ROOT.glob(pattern)
                    if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
                    and is_data(p)})
    if len(found) != 1:
        raise RuntimeError(f"bundled data folder not found (or not unique) under {ROOT}: {found}")
    return found[0]


DATA = _find_data()

ENV = {"NO_COLOR": "1", "COLUMNS": "100", "TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0",
       "SOURCE_DATE_EPOCH": "1767225600"}  # kg report: its date line, fixed (2026-01-01T00:00:00Z)
TIMEOUT = 600  # seconds per command
ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")

# Regex substitutions (pattern, replacement) made after the two literal ones; none is needed at
# f714070 (see the module docstring).
NORMALISATIONS: list[tuple[re.Pattern[str], str]] = [
    # kg report names the commit of the checkout it runs from (a new one at every commit)
    (re.compile(r"commit [0-9a-f]{40}"), "commit <COMMIT>"),
    (re.compile(r'"commit": "[0-9a-f]{40}"'), '"commit": "<COMMIT>"'),
    # kg info on a store lists when each file was loaded (UTC, to the second: a new time every run)
    (re.compile(r"loaded \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "loaded <TIME>"),
]


def kg_executable() -> Path:
    """The ``kg`` script of the running interpreter's environment."""
    return Path(sys.executable).parent / "kg"


def load_cases() -> list[dict]:
    cases = tomllib.loads(COMMANDS.read_text(encoding="utf-8"))["case"]
    seen = set()
    for case in cases:
        cid = case["id"]
        assert ID.match(cid) and not cid.startswith("test"), f"bad case id {cid!r}"
        assert cid not in seen, f"duplicate case id {cid!r}"
        seen.add(cid)
        for argv in [*case.get("before", []), case["argv"]]:
            assert argv[0] == "kg", f"{cid}: argv[0] must be 'kg'"
    return cases


def normalise(text: str, tmp: Path) -> str:
    """The documented normalisation of one recorded text (see the module docstring)."""
    literal = {str(tmp): "<TMP>", str(tmp.resolve()): "<TMP>",
               str(ROOT): "<ROOT>", str(ROOT.resolve()): "<ROOT>"}
    for old in sorted(literal, key=len, reverse=True):  # the longer first: one may hold the other
        text = text.replace(old, literal[old])
    for pattern, replacement in NORMALISATIONS:
        text = pattern.sub(replacement, text)
    return text


def _section(title: str, text: str) -> str:
    if not text:
        return f"[{title}: empty]\n"
    if not text.endswith("\n"):
        text += "\n[no newline at end]\n"
    return f"[{title}]\n{text}"


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="backslashreplace")


def run_case(case: dict, *, normalised: bool = True) -> dict[str, str]:
    """Run one case in a fresh temporary folder; return {output file name: text}.

    ``<id>.txt`` holds the commands, exit codes, stdout, stderr, the folder's top-level entries
    and the captured text files; a captured ``.html`` file is returned as ``<id>.<file name>``.
    With ``normalised=False`` the raw texts (for finding what varies between runs).
    """
    cid = case["id"]
    kg = str(kg_executable())
    env = {**os.environ, **ENV}
    tmp = Path(tempfile.mkdtemp(prefix=f"kg-golden-{cid}-"))
    try:
        (tmp / "data").symlink_to(DATA, target_is_directory=True)
        for name, content in case.get("fixtures", {}).items():
            (tmp / name).write_bytes(content.encode("utf-8"))
        parts = [f"# case {cid}\n"]
        for argv in [*case.get("before", []), case["argv"]]:
            proc = subprocess.run([kg, *argv[1:]], cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=TIMEOUT)
            parts.append(f"\n$ {shlex.join(argv)}\n[exit {proc.returncode}]\n")
            parts.append(_section("stdout", _decode(proc.stdout)))
            parts.append(_section("stderr", _decode(proc.stderr)))
        entries = sorted(p.name for p in tmp.iterdir() if p.name != "data")
        parts.append(f"\n[folder: {' '.join(entries) or 'empty'}]\n")
        outputs: dict[str, str] = {}
        for name in case.get("files", []):
            path = tmp / name
            if not path.is_file():
                parts.append(f"\n[file {name}: missing]\n")
            elif path.suffix.lower() == ".html":
                stored = f"{cid}.{path.name}"
                assert stored not in outputs, f"{cid}: two captured files named {path.name}"
                outputs[stored] = _decode(path.read_bytes())
                parts.append(f"\n[file {name}: stored as {stored}]\n")
            else:
                parts.append("\n" + _section(f"file {name}", _decode(path.read_bytes())))
        for name in case.get("sha256", []):
            path = tmp / name
            if not path.is_file():
                parts.append(f"\n[sha256 {name}: missing]\n")
            else:
                data = path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                parts.append(f"\n[sha256 {name}: {len(data)} bytes, {digest}]\n")
        outputs[f"{cid}.txt"] = "".join(parts)
        if normalised:
            outputs = {name: normalise(text, tmp) for name, text in outputs.items()}
        return outputs
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def stored_outputs(cid: str) -> dict[str, str]:
    """The recorded outputs of one case: {file name: text}."""
    return {p.name: p.read_bytes().decode("utf-8") for p in sorted(OUTPUTS.glob(f"{cid}.*"))}


def unified_diff(expected: str, actual: str, name: str, *,
                 max_lines: int = 120, max_width: int = 300) -> str:
    """A unified diff of two texts, truncated (lines and width) to stay readable."""
    lines = list(difflib.unified_diff(expected.splitlines(keepends=True),
                                      actual.splitlines(keepends=True),
                                      f"golden/{name}", f"actual/{name}", n=2))
    out = []
    for line in lines[:max_lines]:
        line = line.rstrip("\n")
        if len(line) > max_width:
            line = line[:max_width] + f"… ({len(line)} chars)"
        out.append(line)
    if len(lines) > max_lines:
        out.append(f"… {len(lines) - max_lines} more diff lines")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    twice = "--twice" in argv
    ids = [a for a in argv if a != "--twice"]
    cases = load_cases()
    unknown = set(ids) - {c["id"] for c in cases}
    if unknown:
        print(f"unknown case ids: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    selected = [c for c in cases if not ids or c["id"] in ids]
    print(f"kg: {kg_executable()}", file=sys.stderr)
    if twice:
        bad = 0
        for case in selected:
            a, b = run_case(case, normalised=False), run_case(case, normalised=False)
            na, nb = run_case(case), run_case(case)
            raw = sorted(n for n in a.keys() | b.keys() if a.get(n) != b.get(n))
            left = sorted(n for n in na.keys() | nb.keys() if na.get(n) != nb.get(n))
            print(f"{case['id']}: raw differs in {raw or 'nothing'}; "
                  f"normalised differs in {left or 'nothing'}")
            for n in left:
                bad += 1
                print(unified_diff(na.get(n, ""), nb.get(n, ""), n))
        return 1 if bad else 0
    OUTPUTS.mkdir(parents=True, exist_ok=True)
    if not ids:
        for p in OUTPUTS.iterdir():
            p.unlink()
    total = time.perf_counter()
    for case in selected:
        start = time.perf_counter()
        outputs = run_case(case)
        for p in OUTPUTS.glob(f"{case['id']}.*"):
            p.unlink()
        for name, text in outputs.items():
            (OUTPUTS / name).write_bytes(text.encode("utf-8"))
        seconds = time.perf_counter() - start
        print(f"{case['id']}: {', '.join(outputs)} ({seconds:.1f} s)", file=sys.stderr)
    print(f"{len(selected)} case(s) in {time.perf_counter() - total:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
