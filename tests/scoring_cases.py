"""Shared cases of the scoring tests: a hand-computed example and random ones.

Imported by ``test_scoring``, ``test_sensitivity``, ``test_grid`` and
``test_candidacies`` (pytest puts ``tests/`` on the import path).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.scoring import score

#
# criterion   direction  weight   47001  47002  47003  47004
# locaux      max        5/10         2      4      6      4
# population  max        3/10      1000   3000   2000   5000
# distance    min        2/10        10     30     20     10
#
# min-max notes (0-1):
# locaux      (x-2)/4            0     0.5    1      0.5
# population  (x-1000)/4000      0     0.5    0.25   1
# distance    (30-x)/20          1     0      0.5    1
#
# score = 0.5 locaux + 0.3 population + 0.2 distance
# 47001: 0     + 0     + 0.2  = 0.2    -> 4.0 / 20, rank 4
# 47002: 0.25  + 0.15  + 0    = 0.4    -> 8.0 / 20, rank 3
# 47003: 0.5   + 0.075 + 0.1  = 0.675  -> 13.5 / 20, rank 2
# 47004: 0.25  + 0.3   + 0.2  = 0.75   -> 15.0 / 20, rank 1
# --------------------------------------------------------------------------

CODES = ["47001", "47002", "47003", "47004"]


def hand_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nb_locaux": [2, 4, 6, 4],
            "population": [1000, 3000, 2000, 5000],
            "distance_km": [10, 30, 20, 10],
        },
        index=pd.Index(CODES, name="code_insee"),
    )


def hand_grid_dict() -> dict:
    return {
        "nom": "Grille d'essai",
        "methode": "somme",
        "criteres": [
            {
                "cle": "locaux",
                "libelle": "Locaux vacants",
                "source": "nb_locaux",
                "sens": "plus haut est mieux",
                "poids": 5,
            },
            {"cle": "population", "sens": "max", "poids": 3},
            {
                "cle": "distance",
                "libelle": "Distance à l'accompagnement",
                "source": "distance_km",
                "sens": "plus bas est mieux",
                "poids": 2,
            },
        ],
    }


def hand_grid() -> Grid:
    return Grid.from_dict(hand_grid_dict())


def random_instance(seed: int, n: int = 6, m: int = 4) -> tuple[pd.DataFrame, Grid]:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        rng.uniform(0, 100, size=(n, m)),
        index=[f"47{i:03d}" for i in range(n)],
        columns=[f"c{j}" for j in range(m)],
    )
    grid = Grid.from_dict(
        {
            "criteres": [
                {"cle": f"c{j}", "sens": "max" if j % 2 else "min", "poids": w}
                for j, w in enumerate(rng.uniform(0.5, 3, size=m))
            ]
        }
    )
    return table, grid


def rescored(table: pd.DataFrame, grid: Grid, weights: pd.Series) -> pd.Series:
    return score(table, grid.with_weights(weights.to_dict())).scores
