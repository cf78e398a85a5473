"""Golden outputs of the `kg` command line: every README example (as written, on the bundled data),
`kg report -o` in .md, .html and .json, three `kg view -o` views, a few analyses and every
`--help`, compared byte for byte with what tests/golden/record.py recorded.

The cases are in tests/golden/commands.toml (with the README commands left out and why); the
outputs in tests/golden/outputs/. Each case runs the `kg` executable next to sys.executable as a
subprocess in a fresh temporary folder holding a symlink `data` to the bundled data, with
NO_COLOR=1, COLUMNS=100, TZ=UTC, LC_ALL=C.UTF-8, PYTHONHASHSEED=0 and SOURCE_DATE_EPOCH (the date
line of `kg report`). This module imports nothing
from `kg`, so it survives a restructure of the package.

Normalisation, the same in recording and here (tests/golden/record.py, `normalise`): the
temporary folder becomes `<TMP>`, the checkout's root `<ROOT>` and the commit `kg report` names
`<COMMIT>`; nothing else. Recorded twice,
from two checkouts and under several hash seeds, the raw outputs were identical, so nothing else
is normalised.

After an intended change of output: `python tests/golden/record.py [ID ...]` and review the diff.
"""

import importlib.util
import shlex
from pathlib import Path

import pytest

_RECORD = Path(__file__).resolve().parent / "golden" / "record.py"
_spec = importlib.util.spec_from_file_location("golden_record", _RECORD)
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

CASES = golden.load_cases()

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case):
    kg = golden.kg_executable()
    assert kg.exists(), f"no kg executable at {kg}: install the project in this environment"
    actual = golden.run_case(case)
    expected = golden.stored_outputs(case["id"])
    assert expected, f"no golden output: run python tests/golden/record.py {case['id']}"
    problems = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            problems.append(f"{name}: recorded, but the run produced no such output")
        elif name not in expected:
            problems.append(f"{name}: produced, but not recorded")
        elif actual[name] != expected[name]:
            problems.append(golden.unified_diff(expected[name], actual[name], name))
    if problems:
        pytest.fail(
            f"kg output changed for case {case['id']} ({shlex.join(case['argv'])}):\n"
            + "\n".join(problems)
            + f"\n(if intended: python tests/golden/record.py {case['id']})",
            pytrace=False,
        )
