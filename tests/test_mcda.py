"""Tests of mitlib.candidatures.mcda: known answers and an independent MCDA library
(pymcdm)."""

from __future__ import annotations

import numpy as np
import pytest
from pymcdm import methods as pm
from pymcdm import normalizations as pn

from mitlib.candidatures.mcda import (
    Direction,
    aggregate,
    normalize,
    normalize_weights,
    topsis,
    weighted_sum,
)

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
