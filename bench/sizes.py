"""One size of the benchmark (:func:`bench_size`) and the start-up row (:func:`bench_start`)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from bench.common import (
    ANALYSIS_STEPS,
    ESRI_TOP,
    LONG_TIMEOUT,
    ONCE_FROM,
    RISK_PARTS,
    RISK_TIMEOUT,
    SEED,
    START_TASKS,
    WHOLE_VIEW_LIMIT,
    WORKER,
    expected_keys,
    kg_command,
    last_json,
    log,
    median,
    new_row,
    proc_error,
    repeat_proc,
    run_proc,
)


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
    base_runs, base_err = repeat_proc([*WORKER, "rdflib-load", nt], base_repeat,
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
    throwaway_load("load_ceiling", [*WORKER, "oxigraph-load", "--store", ceiling, nt],
                   ceiling, "pyoxigraph bulk_load", baseline=False)
    lenient = work / f"store-{n}-lenient"
    throwaway_load("load_lenient", [*kg, "load", nt, "--store", lenient, "--no-validate", "--lenient", "--format", "json"],
                   lenient, "kg load --no-validate --lenient")
    validated = work / f"store-{n}-validated"
    # stop a validated load once it is 10x slower than the target (100k triples/s)
    throwaway_load("load_validated", [*kg, "load", nt, "--store", validated, "--format", "json"], validated,
                   "kg load (validated)", timeout=max(120.0, triples / 10_000))

    # analyses in one process per run
    a_runs, a_err = repeat_proc([*WORKER, "analyses", "--store", store], repeat,
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
            [*WORKER, "baselines", "--store", store, "--firm", firm, "--hub", hub,
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
    rows.extend(bench_report(n, repeat, work, store, args, browser))
    return rows, info


def bench_report(n: int, repeat: int, work: Path, store: Path, args, browser) -> list[dict]:
    """The report rows: writing ``kg report`` as a user runs it, and opening its HTML page."""
    page = work / f"report-{n}.html"
    runs, err = repeat_proc([*kg_command(), "--store", store, "report", "-o", page, "--format", "json"], repeat,
                            timeout=max(args.timeout, RISK_TIMEOUT), what=f"[{n}] kg report")
    row = new_row(n, "report_write", ours=[r["wall"] for r in runs], error=err,
                  ours_peak_mb=max((r["peak_mb"] for r in runs), default=None))
    opened = new_row(n, "report_open")
    if runs:
        size = page.stat().st_size
        row["size_mb"] = size / 1e6
        row["figures"] = f"{size / 1e6:.2f} MB of HTML"
        measured, berr = browser.measure_static(page, repeat)
        opened["ours"] = [m["load_s"] for m in measured]
        opened["error"] = berr
        if measured:
            opened["figures"] = (f"{size / 1e6:.2f} MB; navigation command to a laid-out page "
                                 f"{median([m['wall_s'] for m in measured]):.2f} s wall")
        log(f"[{n}] report in Chromium: {[round(x, 2) for x in opened['ours']]} s" + (f" ERROR {berr}" if berr else ""))
    else:
        opened["error"] = "not run: the report was not written"
    return [row, opened]


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

