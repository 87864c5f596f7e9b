"""Tests of mitlib.candidatures.scoring: known answers and properties of score()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_cases import hand_grid, hand_grid_dict, hand_table

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.mcda import topsis
from mitlib.candidatures.scoring import ScoreResult, score
from mitlib.candidatures.sensitivity import explain_gap, smaa


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
