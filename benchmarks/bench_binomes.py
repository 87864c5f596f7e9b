"""Benchmark of the pairing job (``mit binomes``) on the bundled fictional sample.

Run from the repository root::

    python benchmarks/bench_binomes.py

For each marathon of the sample (M1–M5, 8 to 15 projects × 24 to 30 coaches,
3 coaches per project, domain coverage first), it prints the time of the
affinity fit (TF-IDF) and of the exact assignment in both modes, with the
total affinity, the worst project's affinity, the uncovered needs and the
status. Then the time of the whole job: loading the two tables, pairing every
marathon and writing every output (CSV, XLSX, HTML sheets).
"""

from __future__ import annotations

import tempfile
import time

from mitlib.binomes.inputs import load_pairing_inputs
from mitlib.binomes.pairing import prepare_marathon, run_pairing, solve_marathon
from mitlib.binomes.writing import write_pairing_outputs


def main() -> None:
    start = time.perf_counter()
    inputs = load_pairing_inputs()
    loading = time.perf_counter() - start
    header = (
        f"{'marathon':>8} {'taille':>7} {'affinité s':>10} {'mode':>10} "
        f"{'total':>8} {'pire':>6} {'non couv.':>9} {'secondes':>9}  statut"
    )
    print(header)
    print("-" * len(header))
    for marathon in inputs.marathons():
        t0 = time.perf_counter()
        data = prepare_marathon(inputs, marathon)
        fit = time.perf_counter() - t0
        size = f"{len(data.projects)}×{len(data.coaches)}"
        for mode in ("total", "equitable"):
            t0 = time.perf_counter()
            mp = solve_marathon(data, mode=mode)
            seconds = time.perf_counter() - t0
            a = mp.assignment
            print(
                f"{marathon:>8} {size:>7} {fit:>10.3f} {mode:>10} {a.total:>8.3f} "
                f"{a.worst_project:>6.3f} {len(a.uncovered):>9} {seconds:>9.3f}  "
                f"{a.status}"
            )
    t0 = time.perf_counter()
    result = run_pairing(inputs)
    pairing = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        written = write_pairing_outputs(result, folder)
        writing = time.perf_counter() - t0
    print()
    print(
        f"Tâche complète (mode total) : lecture {loading:.2f} s, 5 marathons "
        f"{pairing:.2f} s, écriture de {len(written)} fichiers {writing:.2f} s."
    )


if __name__ == "__main__":
    main()
