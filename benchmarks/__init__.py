"""Benchmarks of negsim against the baselines named in the performance issue.

Run ``python -m benchmarks [--json FILE] [--quick]`` from the repository root. Each row times
one operation of ours and a baseline on the same inputs in the same run and reports their
ratio; the optional baselines (QuantEcon, pygambit) come from the ``bench`` extra and are
reported as not installed when absent. ``python -m benchmarks.profiling`` prints the
pyinstrument profiles quoted in ``docs/performance.md``.
"""
