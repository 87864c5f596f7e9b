"""Tests of mitlib.scoring: known answers, an independent MCDA library, properties."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymcdm import methods as pm
from pymcdm import normalizations as pn

from mitlib.scoring import (
    Direction,
    Grid,
    ScoreResult,
    aggregate,
    explain_gap,
    file_sha256,
    normalize,
    normalize_weights,
    rescale_weights,
    score,
    smaa,
    swap_weight,
    topsis,
    weight_stability,
    weighted_sum,
)

# --------------------------------------------------------------------------
# The hand-computed example
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


def assert_result(result: ScoreResult, table: pd.DataFrame) -> None:
    """The promise of score(): one row per input row, same index and order."""
    assert isinstance(result, ScoreResult)
    assert list(result.table.index) == list(table.index)
    assert result.table.index.name == "code_insee"
    for col in ("eligible", "motif_exclusion", "note_sur_20", "rang", "departage"):
        assert col in result.table.columns
    eligible = result.table["eligible"]
    ranks = result.table.loc[eligible, "rang"].to_numpy(dtype=int)
    assert sorted(ranks) == list(range(1, int(eligible.sum()) + 1))
    assert result.table.loc[~eligible, "rang"].isna().all()
    assert list(result.scores.index) == list(table.index[eligible.to_numpy()])


def test_score_hand_computed():
    table = hand_table()
    result = score(table, hand_grid())
    assert_result(result, table)
    t = result.table
    assert t["note_sur_20"].tolist() == pytest.approx([4.0, 8.0, 13.5, 15.0])
    assert t["rang"].tolist() == [4, 3, 2, 1]
    assert t["note_locaux"].tolist() == pytest.approx([0.0, 10.0, 20.0, 10.0])
    assert t["note_population"].tolist() == pytest.approx([0.0, 10.0, 5.0, 20.0])
    assert t["note_distance"].tolist() == pytest.approx([20.0, 0.0, 10.0, 20.0])
    # 47003: 0.5 * 1 * 20 = 10, 0.3 * 0.25 * 20 = 1.5, 0.2 * 0.5 * 20 = 2
    assert t.loc[
        "47003", ["contribution_locaux", "contribution_population"]
    ].tolist() == (pytest.approx([10.0, 1.5]))
    contributions = t.filter(like="contribution_").sum(axis=1)
    assert contributions.tolist() == pytest.approx(t["note_sur_20"].tolist())
    assert t["departage"].isna().all()
    assert list(result.ranking) == ["47004", "47003", "47002", "47001"]
    assert result.weights.tolist() == pytest.approx([0.5, 0.3, 0.2])


def test_elimination_and_renormalisation_over_eligible():
    """47001 fails population >= 1500; notes are recomputed on 47002-47004.

    locaux 4, 6, 4 -> 0, 1, 0; population 3000, 2000, 5000 -> 1/3, 0, 1;
    distance 30, 20, 10 -> 0, 0.5, 1.
    47002: 0 + 0.3/3 + 0 = 0.1 -> 2; 47003: 0.5 + 0 + 0.1 = 0.6 -> 12;
    47004: 0 + 0.3 + 0.2 = 0.5 -> 10. Removing 47001 swaps 47003 and 47004:
    min-max notes depend on the set of candidacies.
    """
    d = hand_grid_dict()
    d["criteres"][1]["elimination"] = {
        "op": ">=",
        "valeur": 1500,
        "motif": "Moins de 1 500 habitants",
    }
    d["criteres"][0]["elimination"] = {
        "op": ">",
        "valeur": 2,
        "motif": "Trop peu de locaux",
    }
    table = hand_table()
    result = score(table, Grid.from_dict(d))
    assert_result(result, table)
    t = result.table
    assert not t.loc["47001", "eligible"]
    assert (
        t.loc["47001", "motif_exclusion"]
        == "Trop peu de locaux ; Moins de 1 500 habitants"
    )
    assert np.isnan(t.loc["47001", "note_sur_20"])
    assert t.loc[["47002", "47003", "47004"], "note_sur_20"].tolist() == pytest.approx(
        [2.0, 12.0, 10.0]
    )
    assert t.loc[["47002", "47003", "47004"], "rang"].tolist() == [3, 1, 2]
    assert (t.loc[t["eligible"], "motif_exclusion"] == "").all()


def test_rank_reversal_between_others_minmax():
    """Raising R's value reverses P and Q: what min-max over the set allows.

    x: P 10, Q 2, R 0 -> 1, 0.2, 0; y: P 0, Q 10, R 5 -> 0, 1, 0.5.
    Scores (weights 1/2): P 0.5, Q 0.6, R 0.25.
    With R's y raised to 30: y -> 0, 1/3, 1; P 0.5, Q 0.1 + 1/6, R 0.5.
    """
    grid = Grid.from_dict(
        {
            "criteres": [
                {"cle": "x", "sens": "max", "poids": 1},
                {"cle": "y", "sens": "max", "poids": 1},
            ]
        }
    )
    t = pd.DataFrame({"x": [10, 2, 0], "y": [0, 10, 5]}, index=["P", "Q", "R"])
    before = score(t, grid).scores
    assert before.tolist() == pytest.approx([0.5, 0.6, 0.25])
    t.loc["R", "y"] = 30
    after = score(t, grid).scores
    assert after.tolist() == pytest.approx([0.5, 0.1 + 1 / 6, 0.5])
    assert before["Q"] > before["P"] and after["Q"] < after["P"]


def test_tie_break_by_criterion_then_code():
    grid_d = {
        "criteres": [
            {"cle": "x", "sens": "max", "poids": 1},
            {"cle": "y", "sens": "min", "poids": 1},
            {"cle": "z", "sens": "max", "poids": 0},
        ],
        "departage": ["z"],
    }
    # x: 1, 0, 0.5 -> 1, 0, 0.5 ; y (min): 1, 0, 1 -> 0, 1, 0
    # scores: A 0.5, B 0.5, C 0.25 ; z: A 3, B 7 -> B before A by z
    t = pd.DataFrame(
        {"x": [1, 0, 0.5], "y": [1, 0, 1], "z": [3, 7, 1]},
        index=["47010", "47020", "47030"],
    )
    r = score(t, Grid.from_dict(grid_d)).table
    assert r["note_sur_20"].tolist() == pytest.approx([10.0, 10.0, 5.0])
    assert r["rang"].tolist() == [2, 1, 3]
    assert r["departage"].tolist()[:2] == ["z", "z"]
    assert pd.isna(r.loc["47030", "departage"])
    # equal z: the INSEE code decides
    t["z"] = [3, 3, 1]
    r = score(t, Grid.from_dict(grid_d)).table
    assert r["rang"].tolist() == [1, 2, 3]
    assert r["departage"].tolist()[:2] == ["code_insee", "code_insee"]
    # no tie-break list: code directly
    grid_d.pop("departage")
    r = score(t, Grid.from_dict(grid_d)).table
    assert r["rang"].tolist() == [1, 2, 3]


def test_topsis_hand_computed():
    """Vector norms: x (3, 4, 0) / 5, y (0, 3, 4) / 5; weights 0.5.

    Weighted: x 0.3, 0.4, 0 ; y 0, 0.3, 0.4 ; ideal (0.4, 0), anti (0, 0.4).
    A: D+ 0.1, D- 0.5 -> 5/6 ; B: D+ 0.3, D- sqrt(0.17) ; C: D- 0 -> 0.
    """
    c = topsis([[3, 0], [4, 3], [0, 4]], [1, 1], ["max", "min"])
    expected_b = np.sqrt(0.17) / (0.3 + np.sqrt(0.17))
    assert c.tolist() == pytest.approx([5 / 6, expected_b, 0.0])
    grid = Grid.from_dict(
        {
            "methode": "topsis",
            "criteres": [
                {"cle": "x", "sens": "max", "poids": 1},
                {"cle": "y", "sens": "min", "poids": 1},
            ],
        }
    )
    t = pd.DataFrame({"x": [3, 4, 0], "y": [0, 3, 4]}, index=["A", "B", "C"])
    r = score(t, grid)
    assert r.table["note_sur_20"].tolist() == pytest.approx(
        [20 * 5 / 6, 20 * expected_b, 0.0]
    )
    with pytest.raises(ValueError, match="somme pondérée"):
        explain_gap(r, "A", "B")


# --------------------------------------------------------------------------
# Independent reference: pymcdm
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("minmax", pn.minmax_normalization),
        ("max", pn.linear_normalization),
        ("vector", pn.vector_normalization),
    ],
)
def test_weighted_sum_matches_pymcdm(seed, ours, theirs):
    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 100, size=(7, 4))
    w = normalize_weights(rng.uniform(0.1, 1, size=4))
    types = np.array([1, -1, 1, -1])
    dirs = ["max" if t == 1 else "min" for t in types]
    expected = pm.WSM(normalization_function=theirs)(x, w, types)
    got = aggregate(x, w, dirs, method="somme", normalisation=ours)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_topsis_matches_pymcdm(seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 100, size=(8, 5))
    w = normalize_weights(rng.uniform(0.1, 1, size=5))
    types = np.array([1, -1, 1, 1, -1])
    dirs = ["max" if t == 1 else "min" for t in types]
    expected = pm.TOPSIS(normalization_function=pn.vector_normalization)(x, w, types)
    np.testing.assert_allclose(topsis(x, w, dirs), expected, rtol=1e-12)
    np.testing.assert_allclose(
        aggregate(x, w, dirs, method="topsis"), expected, rtol=1e-12
    )


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("plus haut est mieux", Direction.MAX),
        ("MAX", Direction.MAX),
        ("higher", Direction.MAX),
        ("+", Direction.MAX),
        ("Plus bas est mieux", Direction.MIN),
        ("min", Direction.MIN),
        ("lower", Direction.MIN),
        ("-", Direction.MIN),
        (Direction.MIN, Direction.MIN),
    ],
)
def test_direction_aliases(alias, expected):
    assert Direction.from_alias(alias) is expected


def test_direction_unknown_lists_aliases():
    with pytest.raises(
        ValueError, match="Sens de critère inconnu.*plus haut est mieux"
    ):
        Direction.from_alias("meilleur")


def test_normalisations():
    x = np.array([[0.0, 2.0, 5.0], [0.0, 4.0, 5.0], [0.0, 8.0, 5.0]])
    mm = normalize(x, ["max", "min", "max"], method="minmax")
    assert mm[:, 0].tolist() == [1.0, 1.0, 1.0]  # constant column
    assert mm[:, 1].tolist() == pytest.approx([1.0, 4 / 6, 0.0])
    mx = normalize(x, ["max", "min", "max"], method="max")
    assert mx[:, 0].tolist() == [1.0, 1.0, 1.0]  # all zero
    assert mx[:, 1].tolist() == pytest.approx([1.0, 0.5, 0.25])  # min / x
    vec = normalize(x[:, 1:], ["max", "max"], method="vector")
    assert np.linalg.norm(vec, axis=0).tolist() == pytest.approx([1.0, 1.0])
    with pytest.raises(ValueError, match="Normalisation inconnue : 'zscore'.*minmax"):
        normalize(x, ["max"] * 3, method="zscore")
    with pytest.raises(ValueError, match="strictement positives"):
        normalize([[0.0], [1.0]], ["min"], method="max")
    with pytest.raises(ValueError, match="positives ou nulles"):
        normalize([[-1.0], [1.0]], ["max"], method="vector")


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1, -1], "positifs ou nuls"),
        ([0, 0], "tous nuls"),
        ([1, np.inf], "finis"),
        (["a", 1], "nombres"),
    ],
)
def test_weights_are_validated(weights, message):
    with pytest.raises(ValueError, match=message):
        normalize_weights(weights)


def test_weighted_sum_and_aggregate_errors():
    assert weighted_sum([[1, 0], [0, 1]], [1, 3]).tolist() == pytest.approx(
        [0.25, 0.75]
    )
    with pytest.raises(ValueError, match="nombre de poids"):
        weighted_sum([[1, 0]], [1, 2, 3])
    with pytest.raises(ValueError, match="Méthode d'agrégation inconnue.*somme"):
        aggregate([[1]], [1], ["max"], method="borda")


# --------------------------------------------------------------------------
# The grid
# --------------------------------------------------------------------------


GRID_YAML = """\
nom: Grille 2025
methode: somme
departage: [locaux]
criteres:
  - cle: locaux
    libelle: Locaux vacants proposés
    source: nb_locaux
    sens: plus haut est mieux
    poids: 5
    elimination:
      op: ">="
      valeur: 2
      motif: Moins de deux locaux vacants proposés
  - cle: population
    sens: max
    poids: 3
    normalisation: max
  - cle: distance
    source: distance_km
    sens: plus bas est mieux
    poids: 2
  - cle: label
    poids: 0
    elimination: {op: in, valeur: [ACV, PVD], motif: Ni ACV ni PVD}
preference:
  bonus_par_rang: {1: 1.0, 2: 0.6, 3: 0.3}
  poids: 0.25
"""


def test_grid_from_yaml(tmp_path):
    path = tmp_path / "grille.yaml"
    path.write_text(GRID_YAML, encoding="utf-8")
    grid = Grid.from_yaml(path)
    assert grid.keys == ("locaux", "population", "distance", "label")
    assert grid.tie_break == ("locaux", "code_insee")
    assert grid.criterion("locaux").elimination.value == 2
    assert grid.criterion("label").elimination.value == ("ACV", "PVD")
    assert grid.preference.bonus_by_rank == {1: 1.0, 2: 0.6, 3: 0.3}
    assert grid.preference.as_kwargs()["preference_weight"] == 0.25
    assert grid.weights.tolist() == pytest.approx([0.5, 0.3, 0.2, 0.0])
    assert len(file_sha256(path)) == 64
    # the label criterion is a pure filter (text column, weight 0)
    table = hand_table().assign(label=["ACV", "PVD", "aucun", "PVD"])
    r = score(table, grid)
    assert r.table["eligible"].tolist() == [True, True, False, True]
    assert r.table.loc["47003", "motif_exclusion"] == "Ni ACV ni PVD"
    assert "note_label" not in r.table.columns
    # 47001: locaux 2 passes >= 2
    assert r.table.loc["47001", "eligible"]


def test_grid_round_trip_and_hash_stability():
    grid = hand_grid()
    again = Grid.from_dict(grid.to_dict())
    assert again == grid
    assert again.sha256() == grid.sha256()
    # dict order and criterion order do not change the hash
    d = hand_grid_dict()
    shuffled = {k: d[k] for k in reversed(list(d))}
    shuffled["criteres"] = [
        dict(reversed(list(c.items()))) for c in d["criteres"][::-1]
    ]
    assert Grid.from_dict(shuffled).sha256() == grid.sha256()
    # weights given as 5 or 5.0 are the same grid
    d["criteres"][0]["poids"] = 5.0
    assert Grid.from_dict(d).sha256() == grid.sha256()
    # a weight change does change it
    assert grid.with_weights({"locaux": 4}).sha256() != grid.sha256()


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"poids": "beaucoup"}, "Critère « population » : champ « poids »"),
        ({"sens": "haut"}, "Critère « population » : champ « sens »"),
        (
            {"normalisation": "zscore"},
            "Critère « population » : champ « normalisation »",
        ),
        ({"ponderation": 3}, "Critère « population » : champ inconnu « ponderation »"),
        (
            {"elimination": {"op": "~", "valeur": 1}},
            "Critère « population » : champ « elimination » : opérateur inconnu",
        ),
        (
            {"elimination": {"op": ">=", "valeur": "mille"}},
            "Critère « population » : champ « elimination » : .*attend un nombre",
        ),
        ({"cle": "pop ulation"}, "champ « cle »"),
    ],
)
def test_grid_errors_name_criterion_and_field(patch, message):
    d = hand_grid_dict()
    d["criteres"][1].update(patch)
    with pytest.raises(ValueError, match=message):
        Grid.from_dict(d)


def test_grid_level_errors():
    d = hand_grid_dict()
    with pytest.raises(ValueError, match="champ « sens » manquant"):
        Grid.from_dict({"criteres": [{"cle": "a", "poids": 1}]})
    with pytest.raises(ValueError, match="tous nuls"):
        Grid.from_dict({"criteres": [{"cle": "a", "sens": "max", "poids": 0}]})
    with pytest.raises(ValueError, match="en double"):
        Grid.from_dict({"criteres": [d["criteres"][1], d["criteres"][1]]})
    with pytest.raises(ValueError, match="departage.*inconnu"):
        Grid.from_dict({**d, "departage": ["surface"]})
    with pytest.raises(ValueError, match="methode.*inconnue"):
        Grid.from_dict({**d, "methode": "electre"})
    with pytest.raises(ValueError, match="bonus_par_rang"):
        Grid.from_dict({**d, "preference": {"bonus_par_rang": {1: 2.0}}})


def test_grid_yaml_errors(tmp_path):
    bad = tmp_path / "mauvaise.yaml"
    bad.write_text("criteres: [\n", encoding="utf-8")
    with pytest.raises(ValueError, match="illisible"):
        Grid.from_yaml(bad)
    bad.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="table de champs"):
        Grid.from_yaml(bad)


def test_score_input_errors():
    grid = hand_grid()
    with pytest.raises(ValueError, match="absente.*distance_km"):
        score(hand_table().drop(columns="distance_km"), grid)
    t = hand_table()
    t.loc["47002", "population"] = np.nan
    with pytest.raises(
        ValueError, match="Valeurs manquantes.*population.*47002.*non_vide"
    ):
        score(t, grid)
    d = hand_grid_dict()
    d["criteres"][1]["elimination"] = {"op": "non_vide", "motif": "Population inconnue"}
    r = score(t, Grid.from_dict(d))
    assert r.table.loc["47002", "motif_exclusion"] == "Population inconnue"
    dup = pd.concat([hand_table(), hand_table().iloc[:1]])
    with pytest.raises(ValueError, match="double.*47001"):
        score(dup, grid)


def test_score_does_not_mutate_input():
    t = hand_table()
    before = t.copy()
    score(t, hand_grid())
    pd.testing.assert_frame_equal(t, before)


# --------------------------------------------------------------------------
# Sensitivity
# --------------------------------------------------------------------------


def test_explain_gap_hand_computed():
    """47004 vs 47003: contributions (5, 6, 4) vs (10, 1.5, 2)."""
    r = score(hand_table(), hand_grid())
    gap = explain_gap(r, "47004", "47003")
    assert gap["ecart"].tolist() == pytest.approx([-5.0, 4.5, 2.0])
    assert gap["ecart"].sum() == pytest.approx(1.5)
    assert gap.loc["distance", "libelle"] == "Distance à l'accompagnement"
    with pytest.raises(ValueError, match="inconnue ou éliminée : 49999"):
        explain_gap(r, "47004", "49999")


def test_swap_weight_hand_computed():
    """Δ = n(47004) - n(47003) = (-0.5, 0.75, 0.5), G = 0.075.

    locaux: R = (0.075 + 0.25) / 0.5 = 0.65, t* = 0.65 / 1.15 = 13/23;
    population: R = -0.15 / 0.7, t* = 2/9; distance: R = -0.025 / 0.8, t* = 1/17.
    Smallest change: locaux, 0.5 -> 13/23 (+0.0652).
    """
    r = score(hand_table(), hand_grid())
    s = swap_weight(r, "47004", "47003")
    assert s.table["poids_bascule"].tolist() == pytest.approx([13 / 23, 2 / 9, 1 / 17])
    assert s.criterion == "locaux"
    assert s.new_weight == pytest.approx(13 / 23)
    assert s.change == pytest.approx(13 / 23 - 0.5)
    assert s.weights.sum() == pytest.approx(1.0)
    rescored = score(hand_table(), r.grid.with_weights(s.weights.to_dict())).scores
    assert rescored["47004"] == pytest.approx(rescored["47003"], abs=1e-12)


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


@pytest.mark.parametrize("seed", range(6))
def test_swap_weight_ties_at_returned_weights(seed):
    table, grid = random_instance(seed)
    r = score(table, grid)
    order = list(r.ranking)
    for a, b in [(order[0], order[1]), (order[1], order[3]), (order[0], order[-1])]:
        s = swap_weight(r, a, b)
        finite = s.table["variation"].dropna()
        if s.criterion is None:
            assert finite.empty
        else:
            assert abs(s.change) == pytest.approx(finite.abs().min())
            at = rescored(table, grid, s.weights)
            assert at[a] - at[b] == pytest.approx(0.0, abs=1e-9)
            almost = rescale_weights(
                r.weights, s.criterion, s.weight + s.change * (1 - 1e-6)
            )
            near = rescored(table, grid, almost)
            assert near[a] > near[b]
        # criteria reported impossible: the gap keeps its sign on all of [0, 1]
        for key in s.table.index[s.table["poids_bascule"].isna()]:
            for t in np.linspace(0, 1, 21):
                w = rescale_weights(r.weights, key, t)
                gap = (r.normalized.loc[a] - r.normalized.loc[b]) @ w
                assert gap > -1e-12


def order_at(table, grid, key, t) -> list[str]:
    r = score(table, grid.with_weights(rescale_weights(grid.weights, key, t).to_dict()))
    return list(r.ranking)


@pytest.mark.parametrize("seed", range(5))
def test_weight_stability_endpoints(seed):
    table, grid = random_instance(seed, n=5, m=3)
    r = score(table, grid)
    base = list(r.ranking)
    stab = weight_stability(r)
    eps = 1e-7
    for key, row in stab.iterrows():
        assert row["premier_min"] <= row["poids"] <= row["premier_max"]
        assert row["premier_min"] <= row["classement_min"]
        assert row["classement_max"] <= row["premier_max"]
        for lo, hi, whole in [
            (row["premier_min"], row["premier_max"], False),
            (row["classement_min"], row["classement_max"], True),
        ]:

            def holds(t, whole=whole, key=key):
                o = order_at(table, grid, key, t)
                return o == base if whole else o[0] == base[0]

            if hi - lo > 2 * eps:
                assert holds(lo + eps)
                assert holds(hi - eps)
                assert holds((lo + hi) / 2)
            if lo > eps:
                assert not holds(lo - eps)
            if hi < 1 - eps:
                assert not holds(hi + eps)


def test_weight_stability_single_criterion_and_topsis():
    grid = Grid.from_dict({"criteres": [{"cle": "x", "sens": "max", "poids": 1}]})
    t = pd.DataFrame({"x": [1, 2]}, index=["A", "B"])
    stab = weight_stability(score(t, grid))
    assert stab.loc["x", ["premier_min", "premier_max"]].tolist() == [1.0, 1.0]
    topsis_grid = Grid.from_dict({**hand_grid().to_dict(), "methode": "topsis"})
    with pytest.raises(ValueError, match="smaa"):
        weight_stability(score(hand_table(), topsis_grid))


# --------------------------------------------------------------------------
# SMAA
# --------------------------------------------------------------------------


def test_smaa_probabilities_and_determinism():
    table, grid = random_instance(3, n=8, m=4)
    a = smaa(table, grid, n_draws=4000, seed=42)
    b = smaa(table, grid, n_draws=4000, seed=42)
    c = smaa(table, grid, n_draws=4000, seed=43)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not a.table.equals(c.table)
    p = a.table.filter(regex=r"^p_rang_")
    assert p.shape == (8, 8)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p.sum(axis=0), 1.0)
    np.testing.assert_allclose(a.weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(a.weights.mean(), grid.weights, atol=0.005)
    assert list(a.table.index) == list(score(table, grid).ranking)
    expected_mean_rank = (p.to_numpy() * np.arange(1, 9)).sum(axis=1)
    np.testing.assert_allclose(a.table["rang_moyen"], expected_mean_rank)
    # central weights: mean of the draws where the candidacy wins
    first = a.scores.idxmax(axis=1)
    leader = a.table.index[0]
    np.testing.assert_allclose(
        a.table.loc[leader, a.table.columns.str.startswith("poids_central_")],
        a.weights[first == leader].mean(),
    )


@pytest.mark.parametrize("method", ["somme", "topsis"])
def test_smaa_scores_match_rescoring(method):
    table, grid = random_instance(5, n=6, m=3)
    grid = Grid.from_dict({**grid.to_dict(), "methode": method})
    res = smaa(table, grid, n_draws=50, seed=0)
    for d in (0, 17, 49):
        w = res.weights.iloc[d]
        expected = rescored(table, grid, w)
        np.testing.assert_allclose(
            res.scores.iloc[d][expected.index], expected, rtol=1e-12
        )


def test_smaa_dominant_candidacy_always_first():
    grid = hand_grid()
    t = hand_table()
    t.loc["47009"] = [10, 9000, 1]  # best on every criterion
    res = smaa(t, grid, n_draws=2000, seed=0)
    assert res.table.loc["47009", "p_rang_1"] == 1.0
    assert res.table.loc["47009", "rang_moyen"] == 1.0


def test_smaa_zero_weight_stays_zero_and_errors():
    d = hand_grid_dict()
    d["criteres"][2]["poids"] = 0
    res = smaa(hand_table(), Grid.from_dict(d), n_draws=100, seed=0)
    assert (res.weights["distance"] == 0).all()
    with pytest.raises(ValueError, match="n_draws"):
        smaa(hand_table(), hand_grid(), n_draws=0)
    with pytest.raises(ValueError, match="concentration"):
        smaa(hand_table(), hand_grid(), concentration=-1)


# --------------------------------------------------------------------------
# Property: raising a value never hurts its own candidacy
# --------------------------------------------------------------------------


@st.composite
def monotonicity_case(draw):
    n = draw(st.integers(2, 6))
    m = draw(st.integers(1, 4))
    values = draw(
        st.lists(
            st.lists(st.integers(1, 50), min_size=m, max_size=m), min_size=n, max_size=n
        )
    )
    weights = draw(st.lists(st.integers(1, 5), min_size=m, max_size=m))
    directions = draw(st.lists(st.sampled_from(["max", "min"]), min_size=m, max_size=m))
    k = draw(st.integers(0, m - 1))
    directions[k] = "max"
    i = draw(st.integers(0, n - 1))
    increment = draw(st.integers(1, 60))
    normalisation = draw(st.sampled_from(["minmax", "max", "vector"]))
    return values, weights, directions, k, i, increment, normalisation


@settings(max_examples=150, deadline=None)
@given(monotonicity_case())
def test_raising_a_max_value_never_lowers_own_score_or_rank(case):
    """With set-dependent bounds (min-max over the candidacies) the note of
    the raised candidacy can only go up (its own position within the bounds
    rises or it becomes the new bound at 1), and every other candidacy's note
    on that criterion can only go down (a bound moved away from it). So its
    score and rank never get worse, and no other candidacy's score rises. The
    relative order of two *other* candidacies, however, can change
    (test_rank_reversal_between_others_minmax).
    """
    values, weights, directions, k, i, increment, normalisation = case
    m = len(weights)
    grid = Grid.from_dict(
        {
            "criteres": [
                {"cle": f"c{j}", "sens": directions[j], "poids": weights[j]}
                | {"normalisation": normalisation}
                for j in range(m)
            ]
        }
    )
    codes = [f"47{r:03d}" for r in range(len(values))]
    table = pd.DataFrame(values, index=codes, columns=[f"c{j}" for j in range(m)])
    before = score(table, grid)
    raised = table.copy()
    raised.iloc[i, k] += increment
    after = score(raised, grid)
    code = codes[i]
    assert after.scores[code] >= before.scores[code] - 1e-12
    others = [c for c in codes if c != code]
    assert (after.scores[others] <= before.scores[others] + 1e-12).all()
    assert after.table.loc[code, "rang"] <= before.table.loc[code, "rang"]


def test_all_eliminated_gives_empty_ranking():
    d = hand_grid_dict()
    d["criteres"][0]["elimination"] = {"op": ">", "valeur": 100}
    r = score(hand_table(), Grid.from_dict(d))
    assert not r.table["eligible"].any()
    assert r.scores.empty
    assert "condition « > 100 » non remplie" in r.table["motif_exclusion"].iloc[0]
    assert smaa(hand_table(), Grid.from_dict(d), n_draws=10, seed=0).table.empty


def test_itertools_sanity_of_rescale():
    """rescale_weights keeps proportions between the other criteria."""
    w = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})
    for key, t in itertools.product(w.index, [0.0, 0.25, 1.0]):
        out = rescale_weights(w, key, t)
        assert out.sum() == pytest.approx(1.0)
        assert out[key] == t
        others = [k for k in w.index if k != key]
        if t < 1:
            assert (out[others] / out[others].sum()).tolist() == pytest.approx(
                (w[others] / w[others].sum()).tolist()
            )
    assert rescale_weights(
        pd.Series({"a": 1.0, "b": 0.0, "c": 0.0}), "a", 0.5
    ).tolist() == [
        0.5,
        0.25,
        0.25,
    ]
