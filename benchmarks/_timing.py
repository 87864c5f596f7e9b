"""Shared by the benchmarks (run as scripts: ``python benchmarks/bench_x.py``)."""

import time


def timed(label: str, fn, repeat: int = 1):
    """Run ``fn`` ``repeat`` times, print the best wall time, return the result."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<60s} {best * 1000:10.1f} ms")
    return out
