"""Benchmark of stalls: 20 notebook executions in a row, the slowest against the median.

Run with ``make bench`` (or ``python benchmarks/bench_stalls.py [--runs N]
[--workers N]``). Executes notebooks 01, 02 and 03 (once per marathon) in turn
on the bundled sample, with the parameters ``mit exporter`` gives them (static
mode), in worker processes started like the export's (``spawn``, two at a
time), through :func:`mitlib.export.execution.execute_notebook`. Prints the time of
each execution and its slowest cell, the median, the slowest and the ratio
slowest / median.

Issue 8: a lost kernel message made one execution wait for the whole cell
timeout (600 s then) with no error. Target, marked OK or DÉPASSÉ: slowest
execution ≤ 3 × the median of its notebook (a stall makes the ratio tens).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

RUNS = 20
WORKERS = 2
RATIO_TARGET = 3.0


def plan(runs: int) -> list[tuple[str, str, dict]]:
    """(label, notebook, parameters) of each execution, 01 → 02 → 03 in turn."""
    from mitlib.data.territory import load_territory
    from mitlib.export.exporter import export_jobs, job_parameters
    from mitlib.export.inputs import find_inputs

    inputs = find_inputs(None)
    jobs = export_jobs(load_territory(), inputs)
    chosen = [j for j in jobs if not j.notebook.startswith("04")]
    cycle = [
        (f"{j.notebook[:2]} {j.parameters.get('marathon', '')}".strip(), j)
        for j in chosen
    ]
    return [
        (label, job.notebook, job_parameters(job, inputs, public=False))
        for label, job in (cycle[n % len(cycle)] for n in range(runs))
    ]


def execute(notebook: str, parameters: dict) -> tuple[float, float, int]:
    """In a worker: seconds of the execution, of its slowest cell, and that
    cell's number."""
    from mitlib.core.config import PROJECT_ROOT
    from mitlib.export.execution import execute_notebook

    start = time.perf_counter()
    nb = execute_notebook(PROJECT_ROOT / "notebooks" / notebook, parameters)
    seconds = time.perf_counter() - start
    cells = [
        (c.metadata.get("papermill", {}).get("duration") or 0.0, n)
        for n, c in enumerate(nb.cells, 1)
        if c.cell_type == "code"
    ]
    slowest, number = max(cells)
    return seconds, slowest, number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args()
    runs = plan(args.runs)
    print(
        f"Blocages : {len(runs)} exécutions de notebooks à la suite, "
        f"{args.workers} processus à la fois (comme mit exporter)"
    )
    print(
        f"  machine : {os.cpu_count()} cœurs, charge moyenne sur 1 min "
        f"au départ : {os.getloadavg()[0]:.2f}"
    )
    context = multiprocessing.get_context("spawn")
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=context) as pool:
        futures = [pool.submit(execute, nb, params) for _, nb, params in runs]
        results = []
        for n, ((label, _, _), future) in enumerate(zip(runs, futures, strict=True)):
            seconds, cell, number = future.result()
            results.append((label, seconds))
            print(
                f"  {n + 1:2d}. notebook {label:<6} {seconds:7.2f} s"
                f"   (cellule la plus lente : n° {number}, {cell:.2f} s)"
            )
    total = time.perf_counter() - start
    times = [s for _, s in results]
    median, slowest = statistics.median(times), max(times)
    print(f"  {'durée totale':<36} {total:7.2f} s")
    print(f"  {'médiane':<36} {median:7.2f} s")
    print(f"  {'plus lente':<36} {slowest:7.2f} s")
    print(f"  {'rapport plus lente / médiane':<36} {slowest / median:7.2f}")
    worst = 0.0
    for label in sorted({label for label, _ in results}):
        own = [s for name, s in results if name == label]
        ratio = max(own) / statistics.median(own)
        worst = max(worst, ratio)
        print(
            f"  notebook {label:<6} médiane {statistics.median(own):6.2f} s, "
            f"plus lente {max(own):6.2f} s, rapport {ratio:5.2f}"
        )
    verdict = "OK" if worst <= RATIO_TARGET else "DÉPASSÉ"
    print(
        f"  objectif : plus lente ≤ {RATIO_TARGET:.0f} × la médiane de son "
        f"notebook (pire rapport : {worst:.2f}) : {verdict}"
    )


if __name__ == "__main__":
    main()
