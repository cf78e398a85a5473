"""Benchmarks of cluster-kg, each side by side with a naive baseline in the same run.

Run from the repository root::

    python -m bench.run --sizes 1000,10000,100000 --repeat 3 --out bench/RESULTS.md
    python -m bench.run --sizes 1000,10000,100000 --repeat 3,3,1   # one repeat count per size
    python -m bench.run --smoke          # ~200 firms, one run, writes a temporary file

For every size N a synthetic graph is generated (``kg generate --firms N --seed 1``) and
loaded into a persistent store; every figure that needs isolation (peak memory, start-up,
a command as a user runs it) is measured in a fresh process, its peak RSS read from
``os.wait4``. bench/README.md says what each row measures and what its baseline is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve()
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


# ---------------------------------------------------------------- one size


def bench_size(n: int, repeat: int, work: Path, args, browser) -> tuple[list[dict], dict]:
    kg = kg_command()
    base_repeat = repeat if n < ONCE_FROM else 1
    rows: list[dict] = []
    info: dict = {"n": n, "repeat": repeat, "base_repeat": base_repeat}
    nt = work / f"syn-{n}.nt"

    # generate
    log(f"[{n}] generate")
    p = run_proc([*kg, "generate", "--firms", n, "--seed", SEED, "-o", nt, "--format", "json"])
    row = new_row(n, "generate")
    row["error"] = proc_error(p)
    if row["error"]:
        rows.append(row)
        return rows, info
    gen = last_json(p["out"])[0]
    triples = gen["triples"]
    info.update(firms=gen["firms"], links=gen["links"], triples=triples, file_mb=nt.stat().st_size / 1e6)
    row.update(ours=[p["wall"]], ours_peak_mb=p["peak_mb"], triples=triples,
               figures=f"{gen['firms']:,} firms, {gen['links']:,} links, {triples:,} triples, {info['file_mb']:.0f} MB")
    rows.append(row)

    # load: ours (no validation, then validated) and rdflib's memory store
    store = work / f"store-{n}"
    load_runs, err = repeat_proc([*kg, "load", nt, "--store", store, "--no-validate", "--format", "json"], repeat,
                                 timeout=LONG_TIMEOUT, what=f"[{n}] kg load --no-validate", fresh=store)
    base_runs, base_err = repeat_proc([sys.executable, HERE, "--worker", "rdflib-load", nt], base_repeat,
                                      timeout=LONG_TIMEOUT, what=f"[{n}] rdflib memory-store load")
    base_s = [r["wall"] for r in base_runs]
    base_peak = max((r["peak_mb"] for r in base_runs), default=None)
    base_rate = triples / median(base_s) if base_s else None
    row = new_row(n, "load", ours=[r["wall"] for r in load_runs], error=err,
                  ours_peak_mb=max((r["peak_mb"] for r in load_runs), default=None),
                  base=base_s, base_peak_mb=base_peak, base_error=base_err)
    if load_runs:
        added = last_json(load_runs[-1]["out"])[0]["triples_added"]
        row["figures"] = (f"{triples / median(row['ours']):,.0f} triples/s"
                          + (f" vs {base_rate:,.0f}" if base_rate else "")
                          + f" (file triples; {added:,} in the store with ontology and derived)")
    rows.append(row)
    if err:
        return rows, info

    def throwaway_load(key, command, store_dir, what, timeout=LONG_TIMEOUT, baseline=True):
        """A load row into a store folder removed before each run and after the last."""
        runs, error = repeat_proc(command, repeat, timeout=timeout, what=f"[{n}] {what}", fresh=store_dir)
        shutil.rmtree(store_dir, ignore_errors=True)
        row = new_row(n, key, ours=[r["wall"] for r in runs], error=error,
                      ours_peak_mb=max((r["peak_mb"] for r in runs), default=None),
                      **({"base": base_s, "base_peak_mb": base_peak, "base_error": base_err} if baseline else {}))
        if runs:
            row["figures"] = (f"{triples / median(row['ours']):,.0f} triples/s"
                              + (f" vs {base_rate:,.0f}" if base_rate and baseline else ""))
        elif error and error.startswith("timed out"):
            row["figures"] = f"< {triples / timeout:,.0f} triples/s (stopped after {timeout:.0f} s)"
        rows.append(row)

    ceiling = work / f"store-{n}-pyoxigraph"
    throwaway_load("load_ceiling", [sys.executable, HERE, "--worker", "oxigraph-load", "--store", ceiling, nt],
                   ceiling, "pyoxigraph bulk_load", baseline=False)
    lenient = work / f"store-{n}-lenient"
    throwaway_load("load_lenient", [*kg, "load", nt, "--store", lenient, "--no-validate", "--lenient", "--format", "json"],
                   lenient, "kg load --no-validate --lenient")
    validated = work / f"store-{n}-validated"
    # stop a validated load once it is 10x slower than the target (100k triples/s)
    throwaway_load("load_validated", [*kg, "load", nt, "--store", validated, "--format", "json"], validated,
                   "kg load (validated)", timeout=max(120.0, triples / 10_000))

    # analyses in one process per run
    a_runs, a_err = repeat_proc([sys.executable, HERE, "--worker", "analyses", "--store", store], repeat,
                                timeout=LONG_TIMEOUT, what=f"[{n}] analyses")
    results = [last_json(r["out"]) for r in a_runs]
    firm = label = hub = None
    if results:
        firm, label, hub = results[0]["firm"], results[0]["firm_label"], results[0]["hub"]
        info.update(nodes=results[0]["nodes"], edges=results[0]["edges"], firm=firm, firm_label=label,
                    firm_note=results[0]["firm_note"], hub=hub, hub_label=results[0]["hub_label"],
                    hub_note=results[0]["hub_note"])
    step_rows = {}
    for key in ANALYSIS_STEPS:
        row = new_row(n, key, error=a_err if not results else None)
        for res in results:
            step = res["steps"].get(key)
            if step is None:
                continue
            if step.get("error"):
                row["error"] = step["error"]
                continue
            row["ours"].append(step["s"])
            row["ours_peak_mb"] = max(row["ours_peak_mb"] or 0, step["peak_mb"])
            row["figures"] = step.get("info", "")
        row["peak_cumulative"] = True
        step_rows[key] = row
    total = new_row(n, "risk_total", error=a_err if not results else None, peak_cumulative=True)
    for res in results:
        steps = res["steps"]
        if all(k in steps and not steps[k].get("error") for k in RISK_PARTS):
            total["ours"].append(sum(steps[k]["s"] for k in RISK_PARTS))
            total["ours_peak_mb"] = max(total["ours_peak_mb"] or 0, steps["esri"]["peak_mb"])
        else:
            total["error"] = "a part failed (see the rows above)"
    tiers_total = new_row(n, "tiers_total", error=a_err if not results else None)
    for res in results:
        steps = res["steps"]
        if all(k in steps and not steps[k].get("error") for k in ("open", "projection", "tiers_down")):
            tiers_total["ours"].append(steps["open"]["s"] + steps["projection"]["s"] + steps["tiers_down"]["s"])
    tiers_total["figures"] = step_rows["tiers_down"]["figures"]

    # baselines of tiers and single points of failure
    if firm is not None:
        b_runs, b_err = repeat_proc(
            [sys.executable, HERE, "--worker", "baselines", "--store", store, "--firm", firm, "--hub", hub,
             "--sample", args.spof_sample], base_repeat, timeout=LONG_TIMEOUT, what=f"[{n}] baselines")
        bres = [last_json(r["out"]) for r in b_runs]
        for key, which in (("tiers_up", "up"), ("tiers_down", "down"), ("tiers_total", "down")):
            r = step_rows.get(key) or tiers_total
            r["base"] = [b["tiers"][which]["s"] for b in bres]
            r["base_error"] = b_err
            if bres:
                t = bres[0]["tiers"][which]
                r["base_note"] = (f"{t['queries']:,} queries; same firms as ours: {'yes' if t['agrees'] else 'NO'}")
        r = step_rows["spof"]
        r["base_error"] = b_err
        if bres:
            s = bres[0]["spof"]
            r["base"] = [b["spof"]["extrapolated"] for b in bres]
            if s["removed"] < s["of"]:
                r["base_note"] = (f"baseline: {s['removed']:,} of {s['of']:,} nodes removed "
                                  f"({median([b['spof']['s'] for b in bres]):.1f} s), extrapolated to all; ")
            else:
                r["base_note"] = f"baseline: all {s['of']:,} nodes removed; "
            r["base_note"] += (f"dominated counts agree with the dominator tree for "
                               f"{s['agree']:,} of {s['removed']:,}")
    rows.extend(step_rows[k] for k in ["open", "projection", "essential", "dominators", "pagerank",
                                       "betweenness", "concentration", "esri"])
    rows.append(total)
    rows.extend([step_rows["tiers_up"], step_rows["tiers_down"], tiers_total, step_rows["spof"], step_rows["whatif"]])

    # commands as a user runs them, on the persistent store
    runs, err = repeat_proc([*kg, "--store", store, "risk", "--top", ESRI_TOP, "--format", "csv"], repeat,
                            timeout=max(args.timeout, RISK_TIMEOUT), what=f"[{n}] kg risk")
    rows.append(new_row(n, "risk_cli", ours=[r["wall"] for r in runs], error=err,
                        ours_peak_mb=max((r["peak_mb"] for r in runs), default=None)))

    if label is None:
        for key in ("depends_first", "depends", "view_around_write", "view_around_tti", "view_all_write", "view_all_tti"):
            if key in expected_keys(n):
                rows.append(new_row(n, key, error="no firm picked: the analyses failed"))
        return rows, info

    first, err = repeat_proc([*kg, "--store", store, "depends", label, "--format", "json"], 1,
                             timeout=max(args.timeout, RISK_TIMEOUT), what=f"[{n}] kg depends, building the index")
    rows.append(new_row(n, "depends_first", ours=[r["wall"] for r in first], error=err,
                        ours_peak_mb=max((r["peak_mb"] for r in first), default=None)))
    runs, err = repeat_proc([*kg, "--store", store, "depends", label, "--format", "json"], repeat,
                            timeout=args.timeout, what=f"[{n}] kg depends")
    row = new_row(n, "depends", ours=[r["wall"] for r in runs], error=err,
                  ours_peak_mb=max((r["peak_mb"] for r in runs), default=None),
                  figures=f"FIRM = {label!r}")
    if err is None:
        bruns, berr = repeat_proc([*kg, "--data", nt, "depends", label, "--format", "json"], base_repeat,
                                  timeout=args.timeout, what=f"[{n}] kg --data depends")
        row.update(base=[r["wall"] for r in bruns], base_error=berr,
                   base_peak_mb=max((r["peak_mb"] for r in bruns), default=None))
    else:
        row["base_error"] = "not run: ours failed"
    rows.append(row)

    views = [("view_around", ["--around", label], f"around {label!r}")]
    if n <= WHOLE_VIEW_LIMIT:
        views.append(("view_all", [], "the whole network"))
    for key, opts, what in views:
        page = work / f"{key}-{n}.html"
        runs, err = repeat_proc([*kg, "--store", store, "view", *opts, "-o", page, "--format", "json"], repeat,
                                timeout=args.timeout, what=f"[{n}] kg view {what}")
        row = new_row(n, f"{key}_write", ours=[r["wall"] for r in runs], error=err,
                      ours_peak_mb=max((r["peak_mb"] for r in runs), default=None))
        tti = new_row(n, f"{key}_tti")
        if runs:
            out = last_json(runs[-1]["out"])[0]
            row["nodes"] = out["nodes"]
            size = page.stat().st_size
            row["figures"] = (f"{out['nodes']:,} nodes, {out['edges']:,} edges, {size / 1e6:.2f} MB, "
                              f"physics {'on' if out['physics'] else 'off'}")
            measured, berr = browser.measure(page, repeat)
            tti["ours"] = [m["interactive_s"] for m in measured]
            tti["error"] = berr
            if measured:
                tti["figures"] = (f"{out['nodes']:,} nodes; first drawing {median([m['first_draw_s'] for m in measured]):.2f} s, "
                                  f"navigation to interactive {median([m['wall_s'] for m in measured]):.2f} s wall")
            log(f"[{n}] {key} in Chromium: {[round(x, 2) for x in tti['ours']]} s" + (f" ERROR {berr}" if berr else ""))
        else:
            tti["error"] = "not run: the page was not written"
        rows.extend([row, tti])
        info[f"{key}_nodes"] = last_json(runs[-1]["out"])[0]["nodes"] if runs else None
    return rows, info


def bench_start(times: int) -> list[dict]:
    kg = kg_command()
    runs, err = repeat_proc([*kg, "--help"], times, timeout=120, what="kg --help")
    bruns, berr = repeat_proc([sys.executable, "-c", "import click, rdflib, oxrdflib, pyoxigraph, pyshacl, networkx, scipy, pyvis"],
                              times, timeout=120, what="eager imports")
    row = new_row(0, "help", task=START_TASKS[0][1], baseline=START_TASKS[0][2],
                  ours=[r["wall"] for r in runs], error=err, ours_peak_mb=max((r["peak_mb"] for r in runs), default=None),
                  base=[r["wall"] for r in bruns], base_error=berr,
                  base_peak_mb=max((r["peak_mb"] for r in bruns), default=None))
    return [row]


# ---------------------------------------------------------------- the browser


class Browser:
    """Headless Chromium (Debian's chromium + chromedriver) with the network off, as in
    tests/test_view_browser.py; started on first use."""

    def __init__(self):
        self.driver = None
        self.error = None
        self.profile = None

    def start(self):
        if self.driver is not None or self.error is not None:
            return
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service

            browser = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
            chromedriver = shutil.which("chromedriver")
            if not browser or not chromedriver:
                raise RuntimeError("headless Chromium is missing: run `make browser`")
            options = webdriver.ChromeOptions()
            options.binary_location = browser
            self.profile = tempfile.mkdtemp(prefix="kg-bench-chromium-")
            for arg in [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,900", f"--user-data-dir={self.profile}",
                "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            ]:
                options.add_argument(arg)
            self.driver = webdriver.Chrome(service=Service(chromedriver), options=options)
            self.driver.set_page_load_timeout(300)
            self.driver.execute_cdp_cmd("Network.enable", {})
            self.driver.execute_cdp_cmd(
                "Network.emulateNetworkConditions",
                {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )
        except Exception as e:  # noqa: BLE001 - reported in the rows, the run goes on
            self.error = f"{type(e).__name__}: {e}".splitlines()[0][:300]

    def measure(self, page: Path, times: int, timeout: float = 120) -> tuple[list[dict], str | None]:
        """Open ``page`` ``times`` times; for each, the page's own time from navigation start to
        first drawing and to interactive (drawn, and physics stopped when it has physics)."""
        self.start()
        if self.error:
            return [], self.error
        d = self.driver
        out = []
        try:
            for _ in range(times):
                d.get("about:blank")
                start = time.perf_counter()
                d.get(page.resolve().as_uri())
                end = start + timeout
                state = None
                while time.perf_counter() < end:
                    state = d.execute_script(
                        "return window.kgView ? {drawn: kgView.firstDrawAt, still: kgView.physicsStoppedAt,"
                        " physics: kgView.data.physics} : null")
                    if state and state["drawn"] and (state["still"] or not state["physics"]):
                        break
                    time.sleep(0.02)
                else:
                    return out, f"not interactive within {timeout} s: {state}"
                wall = time.perf_counter() - start
                ready = max(state["drawn"], state["still"] or 0)
                out.append({"first_draw_s": state["drawn"] / 1000, "interactive_s": ready / 1000, "wall_s": wall})
        except Exception as e:  # noqa: BLE001 - reported in the row, the run goes on
            return out, f"{type(e).__name__}: {e}".splitlines()[0][:300]
        return out, None

    def close(self):
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception as e:  # noqa: BLE001 - a browser that will not quit must not lose the results
                log(f"chromium did not quit: {e}")
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)


# ---------------------------------------------------------------- workers (run in a fresh process)


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_rdflib_load(path: str) -> dict:
    from rdflib import Graph

    start = time.perf_counter()
    g = Graph()
    g.parse(path, format="nt")
    return {"s": time.perf_counter() - start, "triples": len(g), "peak_mb": _peak_mb()}


def worker_oxigraph_load(store: str, path: str) -> dict:
    """The library's own bulk load of ``path`` into a new on-disk store, then the merge
    ``kg load`` also does (``optimize``): what ``kg load --no-validate`` cannot beat."""
    import pyoxigraph as ox

    start = time.perf_counter()
    st = ox.Store(store)
    st.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
    st.optimize()
    st.flush()
    return {"s": time.perf_counter() - start, "peak_mb": _peak_mb()}


def worker_analyses(store: str) -> dict:
    """Every analysis in one process, in order, each timed; peak RSS after each step."""
    steps: dict[str, dict] = {}
    env: dict = {}

    def step(key, fn):
        start = time.perf_counter()
        try:
            info = fn()
        except Exception as e:  # noqa: BLE001 - reported in the table; the other steps go on
            steps[key] = {"error": f"{type(e).__name__}: {e}"[:300]}
            return
        steps[key] = {"s": time.perf_counter() - start, "peak_mb": _peak_mb(), "info": info or ""}

    def open_():
        from kg.rdf.graph import open_graph

        env["graph"] = open_graph(store=store)

    def projection():
        from kg.network.project import supply_network

        G = env["G"] = supply_network(env["graph"], evidence=False)  # as `kg risk` projects
        return f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"

    def essential():
        from kg.network.scheme import essential_map

        env["scheme"] = essential_map(env["graph"])

    def dominators():
        from kg.analysis.dominance import dominator_tree

        T = env["tree"] = dominator_tree(env["G"])
        return f"{sum(1 for v in T.count if T.count[v] > 0):,} nodes dominate others"

    def pagerank():
        from kg.analysis.centrality import pagerank as pr

        pr(env["G"])

    def betweenness():
        from kg.analysis.centrality import betweenness as bc

        return bc(env["G"])[1]

    def concentration():
        from kg.analysis.concentration import concentration as conc

        rows = conc(env["G"], essential=env.get("scheme"))
        return f"{len(rows):,} customer-input rows, {sum(r.sole_supplier for r in rows):,} sole-supplier"

    def esri():
        from kg.analysis.esri.ranking import esri as run

        G = env["G"]
        firms = sorted(n for n in G if G.degree(n) > 0)
        res = run(G, firms=firms, top=ESRI_TOP, essential=env.get("scheme"))
        return f"{len(res)} of {len(firms):,} linked nodes computed"

    def tiers_up():
        from kg.analysis.tiers import suppliers

        t = suppliers(env["G"], env["firm"])
        return f"{len(t.entries):,} firms in {max((e.tier for e in t.entries), default=0)} tiers"

    def tiers_down():
        from kg.analysis.tiers import customers

        t = customers(env["G"], env["hub"])
        return f"{len(t.entries):,} firms in {max((e.tier for e in t.entries), default=0)} tiers"

    def spof():
        from kg.analysis.dominance import single_points_of_failure

        rows = single_points_of_failure(env["G"])
        env["spof_top"] = rows[0].iri if rows else None
        return f"{len(rows):,} single points of failure"

    def whatif():
        from kg.analysis.whatif import whatif as run

        target = env.get("spof_top") or env["firm"]
        w = run(env["G"], [target])
        return f"{len(w.cut_off):,} cut off, {len(w.partial):,} hit in part, {len(w.rounds)} rounds"

    step("open", open_)
    step("projection", projection)
    G = env.get("G")
    firm = label = note = hub = hub_label = hub_note = None
    if G is not None and len(G):
        # FIRM: the firm with the most suppliers; HUB: the one with the most customers (ties:
        # smallest IRI). FIRM's upstream and HUB's downstream reach far.
        firms = [v for v in G if G.nodes[v].get("kind") in ("firm", "group")] or list(G)
        firm = env["firm"] = min(firms, key=lambda v: (-G.in_degree(v), v))
        hub = env["hub"] = min(firms, key=lambda v: (-G.out_degree(v), v))
        label = G.nodes[firm].get("label") or firm
        hub_label = G.nodes[hub].get("label") or hub
        note = f"the firm with the most suppliers ({G.in_degree(firm)})"
        hub_note = f"the firm with the most customers ({G.out_degree(hub)})"
    for key, fn in [("essential", essential), ("dominators", dominators), ("pagerank", pagerank),
                    ("betweenness", betweenness), ("concentration", concentration), ("esri", esri),
                    ("tiers_up", tiers_up), ("tiers_down", tiers_down), ("spof", spof), ("whatif", whatif)]:
        if firm is None:
            steps[key] = {"error": "no network"}
        else:
            step(key, fn)
    return {"steps": steps, "firm": firm, "firm_label": label, "firm_note": note,
            "hub": hub, "hub_label": hub_label, "hub_note": hub_note,
            "nodes": G.number_of_nodes() if G is not None else 0, "edges": G.number_of_edges() if G is not None else 0}


def worker_baselines(store: str, firm: str, hub: str, sample: int) -> dict:
    """The naive ways: tiers by one query per frontier node, single points of failure by removal."""
    import networkx as nx

    from kg.network.project import supply_network
    from kg.vocab.namespaces import sparql_prologue
    from kg.analysis.dominance import dominator_tree
    from kg.rdf.graph import open_graph
    from kg.analysis.tiers import customers, suppliers

    graph = open_graph(store=store)
    G = supply_network(graph)

    def by_query(start_node: str, text: str) -> dict:
        """Tiers by one SPARQL query per frontier node, through rdflib's graph.query."""
        query = sparql_prologue() + text
        start = time.perf_counter()
        seen = {start_node}
        frontier = [start_node]
        queries = 0
        while frontier:
            found = []
            for node in frontier:
                queries += 1
                for row in graph.query(query.replace("NODE", f"<{node}>")):
                    x = str(row[0])
                    if x not in seen:
                        seen.add(x)
                        found.append(x)
            frontier = found
        return {"s": time.perf_counter() - start, "queries": queries, "found": len(seen) - 1, "seen": seen}

    tiers = {}
    for which, node, text, ours_fn in [
        ("up", firm, "SELECT ?x WHERE { ?x ckg:suppliesTo NODE }", suppliers),
        ("down", hub, "SELECT ?x WHERE { NODE ckg:suppliesTo ?x }", customers),
    ]:
        t = by_query(node, text)
        ours = {e.iri for e in ours_fn(G, node).entries if e.iri != node}
        t["agrees"] = ours == t.pop("seen") - {node}
        tiers[which] = t

    # single points of failure: remove each node and search again from the entry points
    H = nx.DiGraph()
    H.add_nodes_from(G)
    H.add_edges_from((s, c) for s, c in G.edges() if s != c)
    C = nx.condensation(H)
    entry = sorted(min(C.nodes[scc]["members"]) for scc in C if C.in_degree(scc) == 0)
    succ = {v: list(H.successors(v)) for v in H}
    nodes = sorted(G)
    chosen = nodes if len(nodes) <= SPOF_FULL_LIMIT else random.Random(42).sample(nodes, min(sample, len(nodes)))

    def reached_without(removed) -> int:
        seen = {e for e in entry if e != removed}
        stack = list(seen)
        while stack:
            u = stack.pop()
            for w in succ[u]:
                if w != removed and w not in seen:
                    seen.add(w)
                    stack.append(w)
        return len(seen)

    everything = reached_without(None)
    start = time.perf_counter()
    counts = {d: everything - reached_without(d) - 1 for d in chosen}
    spof_s = time.perf_counter() - start
    tree = dominator_tree(G)
    agree = sum(1 for d in chosen if counts[d] == tree.count[d])
    spof = {"s": spof_s, "removed": len(chosen), "of": len(nodes), "extrapolated": spof_s * len(nodes) / len(chosen),
            "agree": agree}
    return {"tiers": tiers, "spof": spof, "peak_mb": _peak_mb()}


# ---------------------------------------------------------------- the report


def fmt_s(x: float | None) -> str:
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    if x >= 0.01:
        return f"{x:.3f}"
    return f"{x:.4f}"


def fmt_ratio(r: float) -> str:
    return f"{r:,.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 1 else f"{r:.2f}x" if r >= 0.01 else f"{r:.4f}x"


def fmt_mb(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x / 1024:.2f} GB" if x >= 1024 else f"{x:.0f} MB"


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def machine_info() -> dict:
    mem = None
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1024 / 1024
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ["rdflib", "pyoxigraph", "oxrdflib", "pyshacl", "networkx", "scipy", "pyvis", "selenium"]:
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = "not installed"
    chromium = None
    exe = next(filter(None, map(shutil.which, ["chromium", "chromium-browser"])), None)
    if exe:
        try:
            chromium = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return {"cores": os.cpu_count(), "memory_gb": mem, "cpu": cpu, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "versions": versions, "chromium": chromium}


def commit() -> str:
    """The commit checked out, read from .git without running git."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(None, 1)[1]
        if (git / ref).is_file():
            return (git / ref).read_text().strip() + f" ({ref.rsplit('/', 1)[-1]})"
        packed = git / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0] + f" ({ref.rsplit('/', 1)[-1]})"
        return f"unknown ({ref} has no commit yet)"
    except OSError:
        return "unknown (no .git)"


def source_mtimes() -> dict[str, str]:
    files = sorted([*(ROOT / "kg").glob("*.py"), *(ROOT / "kg" / "templates").glob("*")])
    return {str(f.relative_to(ROOT)): datetime.fromtimestamp(f.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
            for f in files}


def targets(rows: list[dict], sizes: list[int]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of the issue.

    The load, risk, single-point-of-failure and ``kg depends`` targets are judged at the
    largest N and only when it is at least 100,000 firms; the view target on the largest
    whole-network view, only when it has at least 10,000 firms. Otherwise ``met`` is None
    and the measured figure is shown for information.
    """
    by = {(r["n"], r["key"]): r for r in rows}
    out = []
    big = max(sizes)
    judged = big >= 100_000
    at = f" (N = {big:,})" if judged else f" (not judged: largest N here is {big:,})"

    def ours(n, key):
        r = by.get((n, key))
        return median(r["ours"]) if r and r["ours"] and not r["error"] else None

    def base(n, key):
        r = by.get((n, key))
        return median(r["base"]) if r and r["base"] and not r["base_error"] else None

    def peak(n, key):
        r = by.get((n, key))
        return r["ours_peak_mb"] if r else None

    def failed(n, key):
        r = by.get((n, key))
        return f"failed: {r['error']}" if r and r["error"] else "not measured"

    def verdict(ok):
        return ok if judged else None

    triples = {r["n"]: r["triples"] for r in rows if r["key"] == "generate" and r.get("triples")}
    s, b = ours(big, "load"), base(big, "load")
    if s and big in triples:
        rate = triples[big] / s
        c = ours(big, "load_ceiling")
        ceiling = f" (pyoxigraph's own bulk load of the file, same run: {triples[big] / c:,.0f} triples/s)" if c else ""
        out.append((f"load --no-validate >= 300,000 triples/s{at}", f"{rate:,.0f} triples/s{ceiling}", verdict(rate >= 300_000)))
        out.append((f"load --no-validate >= 10x the rdflib memory store, same run{at}",
                    f"{b / s:.1f}x" if b else "baseline failed", verdict(b / s >= 10) if b else None))
        s = ours(big, "load_lenient")
        if s:
            rate = triples[big] / s
            out.append((f"load --no-validate --lenient (not a target; trusted data){at}",
                         f"{rate:,.0f} triples/s" + (f", {b / s:.1f}x the rdflib memory store" if b else ""), None))
    else:
        out.append((f"load --no-validate >= 300,000 triples/s{at}", failed(big, "load"), verdict(False)))
    s = ours(big, "load_validated")
    if s and big in triples:
        rate = triples[big] / s
        out.append((f"load with validation >= 100,000 triples/s{at}", f"{rate:,.0f} triples/s", verdict(rate >= 100_000)))
    else:
        out.append((f"load with validation >= 100,000 triples/s{at}", failed(big, "load_validated"), verdict(False)))
    s, p = ours(big, "risk_total"), peak(big, "risk_total")
    c, cp = ours(big, "risk_cli"), peak(big, "risk_cli")
    cli = (f"; `kg risk --top 100` as a fresh process: {c:.1f} s, {fmt_mb(cp)}" if c
           else f"; `kg risk --top 100`: {failed(big, 'risk_cli')}")
    if s:
        out.append((("risk analyses (projection, dominators, PageRank, betweenness, concentration, "
                     f"ESRI top 100) <= 60 s{at}"), f"{s:.1f} s in one process" + cli,
                    verdict(s <= 60 and (c is None or c <= 60))))
        out.append((f"peak memory of the risk analyses <= 4 GB{at}", fmt_mb(p) + cli,
                    verdict(p <= 4096 and (cp is None or cp <= 4096))))
    else:
        out.append((f"risk analyses <= 60 s and <= 4 GB{at}", failed(big, "risk_total") + cli, verdict(False)))
    s, b = ours(big, "spof"), base(big, "spof")
    if s and b:
        out.append((f"single points of failure >= 20x faster than the removal baseline{at}", f"{b / s:,.0f}x",
                    verdict(b / s >= 20)))
    else:
        out.append((f"single points of failure >= 20x faster than the removal baseline{at}", failed(big, "spof"), verdict(False)))
    s, first = ours(big, "depends"), ours(big, "depends_first")
    first_text = (f"; the first run after the load, which builds the store's analysis index: {first:.1f} s"
                  if first else "")
    out.append((f"kg depends FIRM on a persistent store <= 1 s as a fresh process{at}",
                (f"{s:.2f} s" if s else failed(big, "depends")) + first_text, verdict(bool(s) and s <= 1)))
    s = ours(0, "help")
    out.append(("kg --help <= 0.3 s", f"{s:.3f} s" if s else failed(0, "help"), (s <= 0.3) if s else False))
    whole = [n for n in sizes if n <= WHOLE_VIEW_LIMIT]
    n10 = max(whole) if whole else None
    if n10 is None:
        out.append(("a 10k-node view interactive in <= 5 s in headless Chromium",
                    f"not measured (whole-network views only up to {WHOLE_VIEW_LIMIT:,} firms)", None))
    else:
        s = ours(n10, "view_all_tti")
        nodes = by[(n10, "view_all_write")].get("nodes") if (n10, "view_all_write") in by else None
        ok = n10 >= 10_000
        label = "a 10k-node view interactive in <= 5 s in headless Chromium" + (
            f" (N = {n10:,})" if ok else f" (not judged: the largest whole view here has {nodes or '?'} nodes)")
        out.append((label, f"{s:.2f} s for {nodes:,} nodes" if s and nodes else failed(n10, "view_all_tti"),
                    ((s is not None and s <= 5) if ok else None)))
    return out


def render(rows: list[dict], infos: list[dict], meta: dict) -> str:
    m = meta["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m bench.run` (`make bench`); bench/README.md says what each row measures.",
        "Re-run it to bring this file up to date; do not edit the numbers by hand.",
        "",
        f"- Date: {meta['date']}; total run time {meta['elapsed'] / 60:.1f} min; command `{meta['command']}`",
        f"- Commit: {meta['commit']} (the working tree may differ: see the modification times below)",
        f"- Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']:.1f} GB memory, {m['system']}, Python {m['python']}",
        f"- Load average (1, 5, 15 min) at start {', '.join(map(str, meta['load_start']))}, "
        f"at end {', '.join(map(str, meta['load_end']))}"
        + (" — the machine was shared with other work: expect noise" if max(meta['load_start'][0], meta['load_end'][0]) > 0.5 else ""),
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + (f", {m['chromium']}" if m["chromium"] else ""),
        f"- Each figure is the median of the runs shown (ours / baseline); from N = {ONCE_FROM:,} on the slow baselines run once,",
        f"  and a figure whose run took over {NO_REPEAT_AFTER} s is not repeated.",
        "  Peak memory is the maximum resident set size of the process (fresh process per run).",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for target, measured, met in meta["targets"]:
        lines.append(f"| {cell(target)} | {cell(measured)} | {'yes' if met else 'no' if met is False else '—'} |")
    by = {(r["n"], r["key"]): r for r in rows}
    lines.append("")
    for info in infos:
        n = info["n"]
        parts = [(k, median(by[(n, k)]["ours"])) for k in RISK_PARTS if (n, k) in by and by[(n, k)]["ours"]]
        row = by.get((n, "risk_total"))
        total = median(row["ours"]) if row and row["ours"] else None
        if total and parts:
            big = sorted(parts, key=lambda kv: -kv[1])[:3]
            lines.append(f"- Risk analyses at N = {n:,}: {fmt_s(total)} s, of which "
                         + ", ".join(f"{TASK_LABEL[k].split(' (')[0]} {fmt_s(x)} s" for k, x in big) + ".")
    lines += ["", "## Start-up", "", "| task | ours, s | runs | peak RSS | baseline | baseline, s | runs | ratio |",
              "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["key"] == "help":
            o, b = median(r["ours"]), median(r["base"])
            lines.append(f"| {cell(r['task'])} | {fmt_s(o) if not r['error'] else 'error'} | {len(r['ours'])} | {fmt_mb(r['ours_peak_mb'])} "
                         f"| {cell(r['baseline'])} | {fmt_s(b)} | {len(r['base'])} | {fmt_ratio(b / o) if o and b else '—'} |")
    for info in infos:
        n = info["n"]
        lines += ["", f"## N = {n:,} firms", ""]
        if info.get("measured"):
            lines.append(f"Measured {info['measured']} (local time, {meta['date'][:10]}).")
        if "triples" in info:
            lines.append(f"{info['firms']:,} firms, {info['links']:,} supply links, {info['triples']:,} triples "
                         f"({info['file_mb']:.0f} MB of N-Triples); network of {info.get('nodes', 0):,} nodes and "
                         f"{info.get('edges', 0):,} edges. Runs: {info['repeat']} (baselines: {info['base_repeat']}).")
        if info.get("firm"):
            lines.append(f"FIRM = {info['firm_label']!r} (`{info['firm']}`), {info['firm_note']}; "
                         f"HUB = {info['hub_label']!r} (`{info['hub']}`), {info['hub_note']}.")
        lines += ["", "| task | ours, median s | runs | peak RSS | baseline, median s | runs | baseline peak RSS | ratio | figures and notes |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            if r["n"] != n:
                continue
            o, b = median(r["ours"]), median(r["base"])
            ours_cell = f"error: {r['error']}" if r["error"] and not r["ours"] else fmt_s(o)
            if r["baseline"] is None:
                base_cell, base_runs, base_peak, ratio = "—", "", "", ""
            elif r["base_error"] and not r["base"]:
                base_cell, base_runs, base_peak, ratio = f"error: {r['base_error']}", "", "", ""
            else:
                base_cell, base_runs, base_peak = fmt_s(b), str(len(r["base"])), fmt_mb(r["base_peak_mb"])
                ratio = fmt_ratio(b / o) if o and b else ""
            peak = fmt_mb(r["ours_peak_mb"]) + (" ¹" if r.get("peak_cumulative") and r["ours_peak_mb"] else "")
            notes = "; ".join(x for x in [r["figures"], r["base_note"]] if x)
            lines.append(f"| {cell(r['task'])} | {cell(ours_cell)} | {len(r['ours'])} | {peak} | {cell(base_cell)} | {base_runs} "
                         f"| {base_peak} | {ratio} | {cell(notes)} |")
        lines.append("")
        lines.append("¹ peak RSS of the analysis process up to the end of this step (the steps run in the order listed).")
    lines += ["", "## Baselines", ""]
    for key, label, base in [*TASKS, *START_TASKS]:
        if base:
            lines.append(f"- {label}: {base}")
    lines += ["", "## Source files measured (modification times)", ""]
    changed = meta["changed_during_run"]
    end = meta.get("mtimes_end", {})
    lines.append("Files changed while the benchmark ran (other work on the same tree; each size's table gives "
                 "the times it was measured, so a change applies to what was measured after it): "
                 + (", ".join(f"`{f}` {meta['mtimes_start'].get(f, 'new')} → {end.get(f, 'removed')}" for f in changed)
                    if changed else "none") + ".")
    lines.append("")
    lines.append("At the start of the run:")
    lines.append("")
    lines.append(", ".join(f"`{f}` {t}" for f, t in meta["mtimes_start"].items()))
    lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="Numbers of firms, comma-separated.")
    ap.add_argument("--repeat", default="3", help="Runs per figure: one number, or one per size (3,3,1).")
    ap.add_argument("--out", help="Markdown file to write (default bench/RESULTS.md; with --smoke a temporary file).")
    ap.add_argument("--json", dest="json_out", help="Also write the raw results as JSON here.")
    ap.add_argument("--smoke", action="store_true", help=f"A tiny run: {SMOKE_FIRMS} firms, one run of each.")
    ap.add_argument("--spof-sample", type=int, default=SPOF_SAMPLE,
                    help=f"Nodes the removal baseline removes above {SPOF_FULL_LIMIT:,} nodes (then extrapolated).")
    ap.add_argument("--timeout", type=float, default=300, help="Seconds before `kg depends` or `kg view` is stopped (`kg risk`: at least 900).")
    ap.add_argument("--work", help="Folder for the generated files and stores (default: a temporary folder, removed at the end).")
    ap.add_argument("--render", metavar="JSON", help="Only write the Markdown again from a --json file of an earlier run.")
    ap.add_argument("--worker", choices=["rdflib-load", "oxigraph-load", "analyses", "baselines"], help=argparse.SUPPRESS)
    ap.add_argument("--store", help=argparse.SUPPRESS)
    ap.add_argument("--firm", help=argparse.SUPPRESS)
    ap.add_argument("--hub", help=argparse.SUPPRESS)
    ap.add_argument("--sample", type=int, default=SPOF_SAMPLE, help=argparse.SUPPRESS)
    ap.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        if args.worker == "rdflib-load":
            result = worker_rdflib_load(args.path)
        elif args.worker == "oxigraph-load":
            result = worker_oxigraph_load(args.store, args.path)
        elif args.worker == "analyses":
            result = worker_analyses(args.store)
        else:
            result = worker_baselines(args.store, args.firm, args.hub, args.sample)
        print(json.dumps(result))
        return 0

    if args.render:
        saved = json.loads(Path(args.render).read_text(encoding="utf-8"))
        out = Path(args.out) if args.out else ROOT / "bench" / "RESULTS.md"
        out.write_text(render(saved["rows"], saved["infos"], saved["meta"]), encoding="utf-8")
        print(out)
        return 0
    if args.smoke:
        sizes, repeats = [SMOKE_FIRMS], [1]
    else:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        reps = [int(r) for r in str(args.repeat).split(",") if r.strip()]
        if len(reps) == 1:
            reps = reps * len(sizes)
        if len(reps) != len(sizes):
            raise SystemExit("--repeat takes one number or one per size")
        repeats = reps
    if args.out:
        out = Path(args.out)
    elif args.smoke:
        fd, name = tempfile.mkstemp(prefix="kg-bench-smoke-", suffix=".md")
        os.close(fd)
        out = Path(name)
    else:
        out = ROOT / "bench" / "RESULTS.md"

    import signal

    def stop(signum, frame):  # SIGTERM: run the clean-up (browser, temporary folder) and exit
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    started = time.time()
    load_start = tuple(round(x, 2) for x in os.getloadavg())
    mtimes = source_mtimes()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    log(f"sizes {sizes}, runs {repeats}, work folder {work}, load average {load_start}")
    browser = Browser()
    rows: list[dict] = []
    infos: list[dict] = []
    try:
        rows += bench_start(2 if args.smoke else max(5, *repeats))
        for n, rep in zip(sizes, repeats):
            began = datetime.now().strftime("%H:%M")
            size_rows, info = bench_size(n, rep, work, args, browser)
            info["measured"] = f"{began}–{datetime.now().strftime('%H:%M')}"
            rows += size_rows
            infos.append(info)
            for f in work.glob(f"*-{n}*"):  # free the disk before the next size
                if f.is_dir():
                    shutil.rmtree(f, ignore_errors=True)
                elif not args.work:
                    f.unlink(missing_ok=True)
    finally:
        browser.close()
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    mtimes_end = source_mtimes()
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "elapsed": time.time() - started,
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "commit": commit(),
        "machine": machine_info(),
        "load_start": load_start,
        "load_end": tuple(round(x, 2) for x in os.getloadavg()),
        "mtimes_start": mtimes,
        "mtimes_end": mtimes_end,
        "changed_during_run": sorted(f for f in set(mtimes) | set(mtimes_end) if mtimes.get(f) != mtimes_end.get(f)),
        "targets": targets(rows, sizes),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(rows, infos, meta), encoding="utf-8")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"rows": rows, "infos": infos, "meta": meta}, indent=1, default=str),
                                       encoding="utf-8")
    log(f"wrote {out} in {meta['elapsed'] / 60:.1f} min")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
