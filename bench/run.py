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
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.browser import Browser
from bench.common import ROOT, SMOKE_FIRMS, SPOF_FULL_LIMIT, SPOF_SAMPLE, expected_keys, log
from bench.results import commit, machine_info, render, source_mtimes, targets
from bench.sizes import bench_size, bench_start
from bench.workers import (
    worker_analyses,
    worker_baselines,
    worker_oxigraph_load,
    worker_rdflib_load,
)

__all__ = ["SMOKE_FIRMS", "expected_keys", "main"]


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
