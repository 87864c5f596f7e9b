"""Timings of the scoring and attribution core on synthetic data.

Run with ``python benchmarks/bench_scoring.py``. Prints:

* scoring of 200 candidacies × 15 criteria, and SMAA with 10,000 weight draws;
* the attribution MILP on 5 EPCI × 40 candidacies × 5 themes;
* :func:`mitlib.candidatures.frequency.pair_frequency` on 1,000 draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from _timing import timed

from mitlib.candidatures.attribution import attribute, next_best
from mitlib.candidatures.frequency import pair_frequency
from mitlib.candidatures.grid import Grid
from mitlib.candidatures.rules import AttributionRules
from mitlib.candidatures.scoring import score
from mitlib.candidatures.sensitivity import smaa, weight_stability

THEMES = ["commerce", "tourisme", "terroir", "culture", "quotidien"]


def synthetic_table(rng: np.random.Generator, n: int, m: int) -> pd.DataFrame:
    """Random candidacy table: ``n`` communes × ``m`` numeric criteria."""
    codes = [f"47{i:03d}" for i in range(1, n + 1)]
    return pd.DataFrame(
        rng.gamma(2.0, 10.0, size=(n, m)).round(1),
        index=pd.Index(codes, name="code_insee"),
        columns=[f"c{j}" for j in range(m)],
    )


def synthetic_grid(rng: np.random.Generator, m: int) -> Grid:
    """Grid over columns ``c0..c{m-1}``, random weights and directions."""
    return Grid.from_dict(
        {
            "criteres": [
                {
                    "cle": f"c{j}",
                    "sens": "max" if j % 3 else "min",
                    "poids": float(rng.integers(1, 6)),
                }
                for j in range(m)
            ]
        }
    )


def main() -> None:
    rng = np.random.default_rng(2024)
    table = synthetic_table(rng, 200, 15)
    grid = synthetic_grid(rng, 15)
    result = timed(
        "score: 200 candidatures × 15 critères", lambda: score(table, grid), 5
    )
    timed("weight_stability: 200 × 15", lambda: weight_stability(result), 5)
    timed(
        "smaa: 200 × 15, 10 000 tirages",
        lambda: smaa(table, grid, n_draws=10_000, seed=1),
        3,
    )
    topsis_grid = Grid.from_dict({**grid.to_dict(), "methode": "topsis"})
    timed(
        "smaa (topsis): 200 × 15, 10 000 tirages",
        lambda: smaa(table, topsis_grid, n_draws=10_000, seed=1),
        3,
    )

    # attribution: 5 EPCI × 8 candidacies = 40 candidacies, 5 themes
    small = synthetic_table(rng, 40, 6)
    small_grid = synthetic_grid(rng, 6)
    res = score(small, small_grid)
    epci = pd.Series(
        [f"2000000{i % 5}" for i in range(40)], index=small.index, name="epci"
    )
    prefs = pd.DataFrame(
        [rng.permutation(5) + 1 for _ in range(40)], index=small.index, columns=THEMES
    )
    labels = pd.Series(
        rng.choice(["ACV", "PVD"], size=40, p=[0.2, 0.8]), index=small.index
    )
    rules = AttributionRules(
        preference_weight=0.3,
        bonus_by_rank={1: 1.0, 2: 0.75, 3: 0.5, 4: 0.25, 5: 0.0},
        required_labels={"ACV": 1},
        labels=labels,
    )
    timed(
        "attribute: 5 EPCI × 40 candidatures × 5 thèmes (ACV ≥ 1)",
        lambda: attribute(res.scores, epci, prefs, THEMES, rules),
        5,
    )
    timed(
        "next_best k=3: same instance",
        lambda: next_best(res.scores, epci, prefs, THEMES, rules, k=3),
        3,
    )
    draws = smaa(small, small_grid, n_draws=1_000, seed=2).scores
    timed(
        "pair_frequency: 1 000 tirages (1 résolution exacte par tirage)",
        lambda: pair_frequency(draws, epci, prefs, THEMES, rules),
    )


if __name__ == "__main__":
    main()
