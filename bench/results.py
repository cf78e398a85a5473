"""The report: machine and source provenance, the targets, and the Markdown tables."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from bench.common import (
    NO_REPEAT_AFTER,
    ONCE_FROM,
    RISK_PARTS,
    ROOT,
    START_TASKS,
    TASK_LABEL,
    TASKS,
    WHOLE_VIEW_LIMIT,
    median,
)
from kg.services.report_meta import checkout_commit


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
    """The commit checked out, read from .git without running git (the report's own reader)."""
    return checkout_commit(ROOT) or "unknown (no .git, or no commit yet)"


def source_mtimes() -> dict[str, str]:
    files = sorted([*(ROOT / "kg").rglob("*.py"), *(ROOT / "kg" / "render" / "view" / "templates").glob("*")])
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
    report_n = max((n for n in sizes if n <= 10_000), default=None)
    if report_n is not None:
        s, r = ours(report_n, "report_open"), by.get((report_n, "report_write"))
        size = r.get("size_mb") if r else None
        ok = report_n >= 10_000
        label = "the HTML report of 10k firms <= 5 MB and open in <= 3 s in headless Chromium" + (
            f" (N = {report_n:,})" if ok else f" (not judged: largest N here is {report_n:,})")
        out.append((label, f"{size:.2f} MB, {s:.2f} s" if s is not None and size else failed(report_n, "report_open"),
                    (s is not None and size is not None and s <= 3 and size <= 5) if ok else None))
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

