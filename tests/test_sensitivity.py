"""Tests of mitlib.candidatures.sensitivity: exact gaps, swaps and intervals, SMAA."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scoring_cases import (
    hand_grid,
    hand_grid_dict,
    hand_table,
    random_instance,
    rescored,
)

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.scoring import score
from mitlib.candidatures.sensitivity import (
    explain_gap,
    leader_stability,
    rescale_weights,
    smaa,
    swap_weight,
    weight_stability,
)

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


@pytest.mark.parametrize("seed", range(4))
def test_leader_stability_endpoints_by_rescoring(seed):
    """Inside each interval the group's leader stays first; just outside
    (when the bound is inside [0, 1]) it does not."""
    table, grid = random_instance(seed, n=8, m=3)
    groups = pd.Series(["E1", "E2"] * 4, index=table.index)
    r = score(table, grid)
    out = leader_stability(r, groups)
    assert len(out) == 2 * 3
    eps = 1e-7

    def leader(group, key, t):
        w = rescale_weights(r.weights, key, t)
        s = rescored(table, grid, w)
        members = groups.index[groups == group]
        return s[members].idxmax()

    for row in out.itertuples():
        assert row.poids_min <= row.poids <= row.poids_max
        assert leader(row.groupe, row.critere, row.poids) == row.premier
        if row.poids_max - row.poids_min > 2 * eps:
            assert leader(row.groupe, row.critere, row.poids_min + eps) == row.premier
            assert leader(row.groupe, row.critere, row.poids_max - eps) == row.premier
        if row.poids_min > eps:
            assert leader(row.groupe, row.critere, row.poids_min - eps) != row.premier
        if row.poids_max < 1 - eps:
            assert leader(row.groupe, row.critere, row.poids_max + eps) != row.premier


def test_leader_stability_single_member_group_is_free():
    table, grid = random_instance(0, n=3, m=2)
    groups = pd.Series(["A", "B", "B"], index=table.index)
    out = leader_stability(score(table, grid), groups).set_index("groupe")
    assert out.loc["A", ["poids_min", "poids_max"]].to_numpy().tolist() == [
        [0.0, 1.0],
        [0.0, 1.0],
    ]
