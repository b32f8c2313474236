"""Benchmarks of negsim against the baselines and targets named in the performance issue.

Run ``python -m benchmarks [--json FILE] [--quick] [--only PARTS]`` from the repository
root (``--help`` describes each part and how long it takes). Three parts, each row timing
one operation of ours and a baseline (or a target) in the same run and reporting their ratio:

- ``enumeration`` (:mod:`benchmarks.equilibria`): all equilibria of random 3x3 games against
  nashpy, QuantEcon and pygambit; the optional baselines come from the ``bench`` extra and
  are reported as not installed when absent;
- ``run`` (:mod:`benchmarks.paths`): GSOMIA paths a second against 2,000 a core and against
  SimPy on its own (:mod:`benchmarks.skeleton`), up to the whole ``negsim run`` command;
- ``sweep`` (:mod:`benchmarks.sweeps`): a 50x50 sweep, 200 runs a point, against 2 minutes.

``python -m benchmarks.profiling`` prints the pyinstrument profiles quoted in
``docs/performance.md``.
"""
