"""Benchmarks of cluster-kg against naive baselines (``python -m bench.run``; see bench/README.md).

Not part of the installed ``kg`` package: run from the repository root.
"""
