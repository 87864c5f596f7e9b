"""Timings of ``mit candidatures noter`` on the bundled sample, step by step.

Run with ``make bench`` (or ``python benchmarks/bench_candidatures.py``).
Prints figures; asserts nothing. The comité's notebook re-runs the analysis
without the Monte Carlo part at each slider move: that line is the one that
must stay well under a second.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _timing import timed

from mitlib.candidatures.inputs import load_candidacies
from mitlib.candidatures.map import candidacy_map
from mitlib.candidatures.outputs import write_candidacy_outputs
from mitlib.candidatures.proposal import analyse
from mitlib.data.territory import load_territory
from mitlib.diagnostic.diagnosis import run_diagnosis
from mitlib.render.offline import render_html


def main() -> None:
    territory = load_territory()
    diag = timed(
        "diagnostic de l'exemple (locaux, acteurs, événements)",
        lambda: run_diagnosis(territory),
    )
    inputs = timed(
        "lecture des candidatures, de la grille, table des critères",
        lambda: load_candidacies(diagnosis=diag),
        3,
    )
    n = len(inputs.table)
    timed(
        f"analyse sans Monte Carlo ({n} candidatures, curseurs du notebook)",
        lambda: analyse(inputs, robustness=False),
        3,
    )
    settings = inputs.grid.robustness
    analysis = timed(
        f"analyse complète ({settings.n_draws} tirages, "
        f"{settings.n_draws_attribution} attributions)",
        lambda: analyse(inputs),
        3,
    )
    with tempfile.TemporaryDirectory() as tmp:
        written = timed(
            "écriture des CSV, du classeur et des fiches",
            lambda: write_candidacy_outputs(analysis, Path(tmp)),
            3,
        )
        size = sum(p.stat().st_size for p in written) / 1e6
        label = f"  {len(written)} fichiers, taille totale (Mo)"
        print(f"{label:<60s} {size:10.2f}")
    page = timed(
        "carte des candidatures (HTML hors ligne)",
        lambda: render_html(candidacy_map(analysis)),
    )
    print(f"{'  taille de la carte (Mo)':<60s} {len(page.encode()) / 1e6:10.2f}")


if __name__ == "__main__":
    main()
