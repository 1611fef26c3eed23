"""`python -m devtools bench`: the product measured against raw Temporal on the same server and worker.

Every scenario runs the product path and a minimal workflow with the same number of activities,
timers, children and Updates (`devtools.bench.raw`) on the same server, with the same worker
settings, in the same run; the figures that matter are the ratios (machines are noisy).
"""
