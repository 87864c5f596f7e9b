"""Benchmark of the quick commands: `mit --help`, `mit verifier`, each next to
its target and to a floor computed in the same run.

Run with ``make bench`` (or ``python benchmarks/bench_commandes.py [--runs 7]``).
Each command runs in a new process (as a user types it), ``--runs`` times; the
best time is kept (the machine is shared: the best run is the command's own
cost, the others add what the neighbours take).

References, measured the same way in the same run:

* ``python -c pass``: starting Python at all;
* ``import pandas, geopandas, pandera``: the floor of any command that reads a
  table (``mit verifier`` checks a file with them); what ``mit verifier``
  takes beyond it is mitlib's own cost (parsing, checking, the territory).

Targets (issue 13): ``mit --help`` and ``mit verifier`` (start, usage) under
0.5 s; checking the sample's ``locaux.csv`` (320 rows): mitlib's own cost,
beyond the floor, under 0.5 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIT = str(Path(sys.executable).parent / "mit")
TARGET_S = 0.5


def best_time(command: list[str], runs: int, cwd: Path = ROOT) -> float:
    """Best wall time of ``command`` over ``runs`` new processes."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def line(what: str, seconds: float, target: str, ok: bool | None, ref="") -> None:
    verdict = "" if ok is None else ("atteint" if ok else "NON ATTEINT")
    print(f"  {what:<46} {seconds:7.3f} s  {target:>14}  {ref:<34} {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    python = sys.executable

    print(f"Commandes rapides (meilleur de {runs} processus neufs)")
    bare = best_time([python, "-c", "pass"], runs)
    floor = best_time([python, "-c", "import pandas, geopandas, pandera"], runs)
    line("python -c pass (référence)", bare, "", None)
    line("import pandas, geopandas, pandera (plancher)", floor, "", None)
    cli = best_time([python, "-c", "import mitlib.cli.main"], runs)
    line("import mitlib.cli.main", cli, f"< {TARGET_S} s", cli < TARGET_S)
    for args in (["--help"], ["verifier", "--help"], ["verifier"]):
        seconds = best_time([MIT, *args], runs)
        line(
            "mit " + " ".join(args),
            seconds,
            f"< {TARGET_S} s",
            seconds < TARGET_S,
            f"{seconds / bare:.1f}× python -c pass",
        )
    with tempfile.TemporaryDirectory() as tmp:
        rejects = Path(tmp) / "rejets.csv"
        check = [
            MIT,
            "verifier",
            str(ROOT / "data" / "exemple" / "locaux.csv"),
            "--table",
            "locaux",
            "--rejets",
            str(rejects),
        ]
        seconds = best_time(check, runs)
    own = seconds - floor
    line("mit verifier locaux.csv (320 lignes)", seconds, "", None)
    line(
        "   dont le travail de mitlib (au-delà du plancher)",
        own,
        f"< {TARGET_S} s",
        own < TARGET_S,
        f"{seconds / floor:.2f}× le plancher",
    )


if __name__ == "__main__":
    main()
