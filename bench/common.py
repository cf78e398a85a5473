"""Shared by the benchmark modules: the tasks, fresh-process helpers and result rows."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER = [sys.executable, "-m", "bench.run", "--worker"]
"""A worker in a fresh process (run from :data:`ROOT`, the default folder of :func:`run_proc`)."""
SEED = 1
"""Seed of the generated graphs."""
ESRI_TOP = 100
"""ESRI is computed for this many candidates, as the target says."""
SPOF_FULL_LIMIT = 2000
"""Up to this many nodes the removal baseline removes every node; above, a sample."""
SPOF_SAMPLE = 200
"""Nodes removed by the removal baseline above :data:`SPOF_FULL_LIMIT` (then extrapolated)."""
WHOLE_VIEW_LIMIT = 10_000
"""The view of the whole network is measured up to this many firms (at 10k: the 10k-node view)."""
ONCE_FROM = 100_000
"""From this size on, baselines that take minutes (rdflib load, removal, query per step,
``kg depends`` from the file) run once."""
SMOKE_FIRMS = 200
LONG_TIMEOUT = 3600
"""Seconds before a load, analysis or baseline process is stopped."""
RISK_TIMEOUT = 900
"""Seconds before ``kg risk`` is stopped (its target is 60 s at 100k firms)."""
NO_REPEAT_AFTER = 150
"""A figure whose run took longer than this many seconds is not repeated (the table shows
the runs): it keeps ``make bench`` within about an hour on two cores."""

TASKS = [
    # key, task, baseline (None: no baseline)
    ("generate", "kg generate (not a target; for reference)", None),
    ("load", "kg load --no-validate (fresh process, persistent store)", "rdflib memory store: Graph().parse(format=\"nt\") (fresh process)"),
    ("load_ceiling", ("for reference, pyoxigraph alone: Store(DIR).bulk_load(path=FILE) then optimize() (fresh process; "
                      "no progress, derived triples, ontology or generations: the library's own rate bounds `kg load`)"),
     None),
    ("load_lenient", "kg load --no-validate --lenient: trusted data, IRIs unchecked (fresh process)",
     "rdflib memory store (same runs as above)"),
    ("load_validated", "kg load with SHACL validation (fresh process)", "rdflib memory store, no validation (same runs as above)"),
    ("open", "open the persistent store (read-only)", None),
    ("projection", "projection to networkx without quotes (supply_network(evidence=False), as kg risk does)", None),
    ("essential", "product scheme for ESRI (essential_map)", None),
    ("dominators", "dominator tree (dominator_tree)", None),
    ("pagerank", "PageRank (centrality.pagerank)", None),
    ("betweenness", "betweenness (centrality.betweenness)", None),
    ("concentration", "concentration, every customer and input (HHI)", None),
    ("esri", f"ESRI for the top {ESRI_TOP} candidates", None),
    ("risk_total", "risk analyses in one process: open + projection + scheme + dominators + PageRank + betweenness + concentration + ESRI", None),
    ("tiers_up", "tiers of FIRM upstream (its suppliers), all tiers: BFS on the projection", "one SPARQL query per frontier node through rdflib graph.query (Oxigraph store)"),
    ("tiers_down", "tiers of HUB downstream (its customers), all tiers: BFS on the projection", "one SPARQL query per frontier node through rdflib graph.query (Oxigraph store)"),
    ("tiers_total", "tiers of HUB downstream including open + projection", "the same query-per-step baseline"),
    ("spof", "single points of failure, every firm (single_points_of_failure)", "remove each firm and search again from the entry points"),
    ("whatif", "what-if: the largest single point of failure fails", None),
    ("risk_cli", f"kg risk --top {ESRI_TOP} (fresh process, persistent store)", None),
    ("depends_first", "kg depends FIRM, first analysis after the load: builds the store's analysis index (fresh process)", None),
    ("depends", "kg depends FIRM (fresh process, persistent store, analysis index built)", "kg --data FILE.nt depends FIRM (fresh process, parses the file)"),
    ("view_around_write", "kg view --around FIRM: write the page (fresh process)", None),
    ("view_around_tti", "kg view --around FIRM: interactive in headless Chromium", None),
    ("view_all_write", "kg view of the whole network: write the page (fresh process)", None),
    ("view_all_tti", "kg view of the whole network: interactive in headless Chromium", None),
    ("report_write", "kg report -o PAGE.html (--top 10): write the report (fresh process, persistent store)", None),
    ("report_open", "kg report: the HTML page opened in headless Chromium (navigation to the end of its load event)", None),
]
TASK_LABEL = {k: t for k, t, _ in TASKS}
BASELINE_LABEL = {k: b for k, _, b in TASKS}
ANALYSIS_STEPS = ["open", "projection", "essential", "dominators", "pagerank", "betweenness", "concentration",
                  "esri", "tiers_up", "tiers_down", "spof", "whatif"]
RISK_PARTS = ["open", "projection", "essential", "dominators", "pagerank", "betweenness", "concentration", "esri"]
START_TASKS = [
    ("help", "kg --help (fresh process)",
     "a CLI importing its libraries at start-up: python -c 'import click, rdflib, oxrdflib, pyoxigraph, pyshacl, networkx, scipy, pyvis'"),
]


def expected_keys(n: int) -> list[str]:
    """The row keys a run at ``n`` firms produces."""
    keys = [k for k, _, _ in TASKS]
    if n > WHOLE_VIEW_LIMIT:
        keys = [k for k in keys if not k.startswith("view_all")]
    return keys


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def kg_command() -> list[str]:
    exe = Path(sys.executable).with_name("kg")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("kg")
    if found:
        return [found]
    raise SystemExit("the kg command is not installed: pip install -e . (or make install)")


# ---------------------------------------------------------------- processes


def run_proc(cmd: list, *, timeout: float = LONG_TIMEOUT, cwd: Path | None = None) -> dict:
    """Run ``cmd`` in a fresh process: wall seconds, peak RSS (MB, from ``os.wait4``), exit code, output."""
    cmd = [str(c) for c in cmd]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd or ROOT)
        killed = threading.Event()

        def kill():
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted: do not leave the child running
            proc.kill()
            os.waitpid(proc.pid, 0)
            proc.returncode = -9
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "peak_mb": usage.ru_maxrss / 1024,  # KB on Linux
            "rc": proc.returncode,
            "out": out.read().decode("utf-8", "replace"),
            "err": err.read().decode("utf-8", "replace"),
            "timed_out": killed.is_set(),
            "cmd": " ".join(cmd),
        }


def proc_error(p: dict) -> str | None:
    if p["timed_out"]:
        return f"timed out after {p['wall']:.0f} s"
    if p["rc"] != 0:
        tail = (p["err"].strip() or p["out"].strip()).splitlines()[-3:]
        return f"exit {p['rc']}: {' | '.join(tail)[:300]}"
    return None


def last_json(text: str) -> dict:
    """The JSON object printed last by a worker or a `--format json` command."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(text.splitlines()[-1])


# ---------------------------------------------------------------- rows


def new_row(n: int, key: str, **kw) -> dict:
    row = {"n": n, "key": key, "task": TASK_LABEL.get(key, key), "ours": [], "ours_peak_mb": None,
           "baseline": BASELINE_LABEL.get(key), "base": [], "base_peak_mb": None, "base_note": "",
           "figures": "", "error": None, "base_error": None}
    row.update(kw)
    return row


def median(xs):
    return statistics.median(xs) if xs else None


def repeat_proc(cmd, times: int, *, timeout: float, what: str,
                fresh: Path | None = None) -> tuple[list[dict], str | None]:
    """Run ``cmd`` up to ``times`` times; stop at the first failure (a timeout is not repeated)
    and after a run longer than :data:`NO_REPEAT_AFTER` seconds. ``fresh``: a folder removed
    before each run (a store each run loads from empty)."""
    runs = []
    for i in range(times):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        p = run_proc(cmd, timeout=timeout)
        err = proc_error(p)
        log(f"{what} run {i + 1}/{times}: {p['wall']:.3f} s, peak {p['peak_mb']:.0f} MB" + (f"  ERROR {err}" if err else ""))
        if err:
            return runs, err
        runs.append(p)
        if p["wall"] > NO_REPEAT_AFTER:
            break
    return runs, None

