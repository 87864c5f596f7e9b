"""Scoring of candidacies: scoring grid, notes, ranking and weight sensitivity.

A scoring grid (:class:`Grid`) lists the criteria the comité d'attribution
agreed on, each with a source column, a direction, a weight, a normalisation
and an optional eliminatory rule. :func:`score` turns a table of candidacies
(one row per commune, index ``code_insee``) into notes out of 20 and a
ranking; :func:`explain_gap`, :func:`swap_weight`, :func:`weight_stability`
and :func:`smaa` tell the comité how much the ranking owes to the weights.

Notes are aggregated, ranks never are. Adding up the ranks obtained on each
criterion (or rating a criterion by rank) ignores the size of the gaps and
can neutralise the announced weighting. The French administrative judge has
held that a rating method must not deprive the criteria of their scope nor
neutralise their weighting (CE, 3 novembre 2014, n° 373362, *Commune de
Belleville-sur-Loire*); rating by rank is the case of CE, 7 juin 2024,
n° 489404. So every criterion is first normalised to a note in [0, 1] and
only the notes are weighted and summed (or fed to TOPSIS).

Normalisations are pure NumPy functions ``f(matrix, maximize) -> matrix``
registered in :data:`NORMALIZATIONS`; all of them return values oriented so
that *higher is better*, whatever the criterion's direction. Aggregations are
registered in :data:`AGGREGATIONS` (``"somme"``, ``"topsis"``).

Examples
--------
>>> import pandas as pd
>>> grid = Grid.from_dict({
...     "criteres": [
...         {"cle": "locaux", "sens": "max", "poids": 2},
...         {"cle": "distance", "sens": "min", "poids": 1},
...     ]
... })
>>> table = pd.DataFrame(
...     {"locaux": [2, 6, 4], "distance": [10, 30, 20]},
...     index=pd.Index(["47001", "47002", "47003"], name="code_insee"),
... )
>>> result = score(table, grid)
>>> result.table[["note_sur_20", "rang"]]  # doctest: +NORMALIZE_WHITESPACE
            note_sur_20  rang
code_insee
47001          6.666667     3
47002         13.333333     1
47003         10.000000     2
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

__all__ = [
    "AGGREGATIONS",
    "ELIMINATION_OPERATORS",
    "NORMALIZATIONS",
    "TIE_TOLERANCE",
    "Criterion",
    "Direction",
    "EliminationRule",
    "Grid",
    "Preference",
    "ScoreResult",
    "SmaaResult",
    "WeightSwap",
    "aggregate",
    "explain_gap",
    "file_sha256",
    "normalize",
    "normalize_max",
    "normalize_minmax",
    "normalize_vector",
    "normalize_weights",
    "rescale_weights",
    "score",
    "smaa",
    "swap_weight",
    "topsis",
    "weight_stability",
    "weighted_sum",
]

#: Two aggregated scores (on the 0–1 scale) closer than this are a tie and
#: go to the grid's tie-break rule (2e-8 points out of 20).
TIE_TOLERANCE = 1e-9

_SLOPE_EPS = 1e-12


# --------------------------------------------------------------------------
# Direction
# --------------------------------------------------------------------------


class Direction(Enum):
    """Direction of a criterion: higher (``MAX``) or lower (``MIN``) is better.

    Examples
    --------
    >>> Direction.from_alias("plus bas est mieux")
    <Direction.MIN: 'min'>
    >>> Direction.from_alias("+")
    <Direction.MAX: 'max'>
    """

    MAX = "max"
    MIN = "min"

    @classmethod
    def from_alias(cls, alias: str | Direction) -> Direction:
        """Return the direction named by a French or English alias.

        Parameters
        ----------
        alias : str or Direction
            For instance ``"max"``, ``"plus haut est mieux"``, ``"higher"``,
            ``"+"``, ``"min"``, ``"plus bas est mieux"``, ``"lower"``, ``"-"``
            (case and surrounding spaces ignored).

        Returns
        -------
        Direction

        Raises
        ------
        ValueError
            If the alias is unknown; the message lists the valid aliases.

        Examples
        --------
        >>> Direction.from_alias(" Higher ")
        <Direction.MAX: 'max'>
        """
        if isinstance(alias, cls):
            return alias
        if isinstance(alias, str):
            key = " ".join(alias.strip().lower().split())
            if key in _DIRECTION_ALIASES:
                return _DIRECTION_ALIASES[key]
        valid = ", ".join(f"« {a} »" for a in _DIRECTION_ALIASES)
        raise ValueError(
            f"Sens de critère inconnu : {alias!r}. Valeurs possibles : {valid}."
        )


_DIRECTION_ALIASES: dict[str, Direction] = {
    "max": Direction.MAX,
    "maximiser": Direction.MAX,
    "plus haut est mieux": Direction.MAX,
    "plus grand est mieux": Direction.MAX,
    "higher": Direction.MAX,
    "higher is better": Direction.MAX,
    "benefit": Direction.MAX,
    "+": Direction.MAX,
    "min": Direction.MIN,
    "minimiser": Direction.MIN,
    "plus bas est mieux": Direction.MIN,
    "plus petit est mieux": Direction.MIN,
    "lower": Direction.MIN,
    "lower is better": Direction.MIN,
    "cost": Direction.MIN,
    "-": Direction.MIN,
}


# --------------------------------------------------------------------------
# Normalisations (pure NumPy, oriented so that higher is better)
# --------------------------------------------------------------------------


def normalize_minmax(matrix: np.ndarray, maximize: np.ndarray) -> np.ndarray:
    """Min–max normalisation, column by column, flipped for ``MIN`` criteria.

    ``(x - min) / (max - min)`` for a criterion to maximise and
    ``(max - x) / (max - min)`` for one to minimise, so the best candidacy of
    the set gets 1 and the worst 0. A constant column does not discriminate:
    every candidacy gets 1.0 on it (full marks, so the criterion adds the
    same constant to every score and leaves the ranking unchanged).

    The bounds are those of the candidacies given, so adding or removing a
    candidacy can change everybody's note (see :func:`score`).

    Parameters
    ----------
    matrix : ndarray of shape (n, m)
        Raw values, one row per candidacy, one column per criterion.
    maximize : ndarray of bool, shape (m,)
        True where higher raw values are better.

    Returns
    -------
    ndarray of shape (n, m)
        Values in [0, 1].

    Examples
    --------
    >>> normalize_minmax(np.array([[1.0, 5.0], [3.0, 5.0], [2.0, 5.0]]),
    ...                  np.array([False, True]))
    array([[1. , 1. ],
           [0. , 1. ],
           [0.5, 1. ]])
    """
    x = np.asarray(matrix, dtype=float)
    if x.shape[0] == 0:
        return x.copy()
    lo = x.min(axis=0)
    hi = x.max(axis=0)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    out = np.where(maximize, (x - lo) / safe, (hi - x) / safe)
    out[:, span == 0] = 1.0
    return out


def normalize_max(matrix: np.ndarray, maximize: np.ndarray) -> np.ndarray:
    """Ratio-to-best normalisation: ``x / max`` (``MAX``) or ``min / x`` (``MIN``).

    The best value of the set gets 1 and the others their ratio to it, so the
    notes keep proportions (a commune with half the vacant premises of the
    best one gets half the note). Values must be on a ratio scale: negative
    values are refused, and so is a zero in a criterion to minimise (``min/x``
    is undefined there) unless the whole column is zero. A column of zeros
    gets 1.0 everywhere, like any constant column in :func:`normalize_minmax`.

    Parameters
    ----------
    matrix : ndarray of shape (n, m)
    maximize : ndarray of bool, shape (m,)

    Returns
    -------
    ndarray of shape (n, m)
        Values in [0, 1].

    Raises
    ------
    ValueError
        On negative values, or a zero in a criterion to minimise.

    Examples
    --------
    >>> normalize_max(np.array([[2.0, 10.0], [4.0, 20.0]]), np.array([True, False]))
    array([[0.5, 1. ],
           [1. , 0.5]])
    """
    x = np.asarray(matrix, dtype=float)
    if x.shape[0] == 0:
        return x.copy()
    if (x < 0).any():
        raise ValueError(
            "la normalisation « max » exige des valeurs positives ou nulles."
        )
    hi = x.max(axis=0)
    lo = x.min(axis=0)
    all_zero = hi == 0
    bad = ~maximize & (lo == 0) & ~all_zero
    if bad.any():
        raise ValueError(
            "la normalisation « max » d'un critère à minimiser (min / x) exige des "
            "valeurs strictement positives ; utilisez « minmax »."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(maximize, x / np.where(all_zero, 1.0, hi), lo / x)
    out[:, all_zero] = 1.0
    return out


def normalize_vector(matrix: np.ndarray, maximize: np.ndarray) -> np.ndarray:
    """Vector normalisation ``x / ‖x‖`` (Euclidean norm of the column).

    This is the normalisation of TOPSIS. For a criterion to minimise the
    value is flipped to ``1 - x / ‖x‖``, which keeps the "higher is better"
    orientation of every normalisation here; TOPSIS distances are unchanged
    by this affine flip (the ideal becomes the column's maximum). Values must
    be non-negative; a column of zeros gets 1.0 everywhere.

    Parameters
    ----------
    matrix : ndarray of shape (n, m)
    maximize : ndarray of bool, shape (m,)

    Returns
    -------
    ndarray of shape (n, m)
        Values in [0, 1].

    Examples
    --------
    >>> normalize_vector(np.array([[3.0, 3.0], [4.0, 4.0]]), np.array([True, False]))
    array([[0.6, 0.4],
           [0.8, 0.2]])
    """
    x = np.asarray(matrix, dtype=float)
    if x.shape[0] == 0:
        return x.copy()
    if (x < 0).any():
        raise ValueError(
            "la normalisation « vector » exige des valeurs positives ou nulles."
        )
    norm = np.sqrt((x**2).sum(axis=0))
    r = x / np.where(norm > 0, norm, 1.0)
    out = np.where(maximize, r, 1.0 - r)
    out[:, norm == 0] = 1.0
    return out


#: Normalisations by name: ``f(matrix, maximize) -> matrix`` in [0, 1].
NORMALIZATIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "minmax": normalize_minmax,
    "max": normalize_max,
    "vector": normalize_vector,
}


def _check_method(name: object, registry: Mapping[str, Any], what: str) -> str:
    if name not in registry:
        valid = ", ".join(f"« {k} »" for k in registry)
        raise ValueError(f"{what} inconnue : {name!r}. Valeurs possibles : {valid}.")
    return str(name)


def _as_matrix(matrix: Any) -> np.ndarray:
    try:
        x = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("La matrice des critères doit être numérique.") from exc
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError("La matrice des critères doit avoir deux dimensions.")
    if not np.isfinite(x).all():
        raise ValueError(
            "La matrice des critères contient des valeurs manquantes ou infinies."
        )
    return x


def _maximize_mask(directions: Iterable[str | Direction], m: int) -> np.ndarray:
    dirs = [Direction.from_alias(d) for d in directions]
    if len(dirs) != m:
        raise ValueError(
            f"Le nombre de sens ({len(dirs)}) ne correspond pas "
            f"au nombre de critères ({m})."
        )
    return np.array([d is Direction.MAX for d in dirs], dtype=bool)


def normalize(
    matrix: Any,
    directions: Iterable[str | Direction],
    method: str = "minmax",
) -> np.ndarray:
    """Normalise a decision matrix with the normalisation named ``method``.

    Parameters
    ----------
    matrix : array-like of shape (n, m)
        Raw values, finite.
    directions : iterable of str or Direction, length m
        Direction of each criterion (aliases accepted).
    method : str, default "minmax"
        A key of :data:`NORMALIZATIONS`.

    Returns
    -------
    ndarray of shape (n, m)
        Values in [0, 1], higher is better.

    Raises
    ------
    ValueError
        ``Normalisation inconnue : ... Valeurs possibles : ...`` for an unknown
        method, or on invalid values.

    Examples
    --------
    >>> normalize([[1, 10], [3, 30]], ["max", "min"])
    array([[0., 1.],
           [1., 0.]])
    >>> normalize([[1]], ["max"], method="z")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Normalisation inconnue : 'z'. Valeurs possibles : « minmax », ...
    """
    fn = NORMALIZATIONS[_check_method(method, NORMALIZATIONS, "Normalisation")]
    x = _as_matrix(matrix)
    return fn(x, _maximize_mask(directions, x.shape[1]))


def normalize_weights(weights: Any) -> np.ndarray:
    """Check weights (finite, non-negative, not all zero) and scale them to sum 1.

    Examples
    --------
    >>> normalize_weights([3, 1])
    array([0.75, 0.25])
    >>> normalize_weights([0, 0])
    Traceback (most recent call last):
    ...
    ValueError: Les poids ne peuvent pas être tous nuls.
    """
    try:
        w = np.asarray(weights, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError("Les poids doivent être des nombres.") from exc
    if w.size == 0:
        raise ValueError("Aucun poids fourni.")
    if not np.isfinite(w).all():
        raise ValueError("Les poids doivent être des nombres finis.")
    if (w < 0).any():
        raise ValueError("Les poids doivent être positifs ou nuls.")
    total = w.sum()
    if total == 0:
        raise ValueError("Les poids ne peuvent pas être tous nuls.")
    return w / total


# --------------------------------------------------------------------------
# Aggregations
# --------------------------------------------------------------------------


def weighted_sum(norm_matrix: Any, weights: Any) -> np.ndarray:
    """Weighted sum of normalised notes (weights rescaled to sum 1).

    Parameters
    ----------
    norm_matrix : array-like of shape (n, m)
        Normalised notes, higher is better.
    weights : array-like of shape (m,)

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> weighted_sum([[1.0, 0.0], [0.5, 1.0]], [3, 1])
    array([0.75 , 0.625])
    """
    x = _as_matrix(norm_matrix)
    w = normalize_weights(weights)
    if w.size != x.shape[1]:
        raise ValueError(
            f"Le nombre de poids ({w.size}) ne correspond pas au nombre de "
            f"critères ({x.shape[1]})."
        )
    return x @ w


def _topsis_closeness(r: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Closeness for oriented vector-normalised ``r`` (n, m) and weights (d, m).

    With non-negative weights the weighted ideal is ``w_j * max_i r_ij``, so
    squared distances are ``(w**2) @ ((r - best)**2).T``: one matrix product
    for any number of weight vectors. Returns an array of shape (d, n); where
    a candidacy is both ideal and anti-ideal (all candidacies equal) the
    closeness is 1.0.
    """
    if r.shape[0] == 0:
        return np.zeros((w.shape[0], 0))
    w2 = w**2
    d_plus = np.sqrt(np.maximum(w2 @ ((r - r.max(axis=0)) ** 2).T, 0.0))
    d_minus = np.sqrt(np.maximum(w2 @ ((r - r.min(axis=0)) ** 2).T, 0.0))
    denom = d_plus + d_minus
    return np.where(denom > 0, d_minus / np.where(denom > 0, denom, 1.0), 1.0)


def topsis(
    matrix: Any, weights: Any, directions: Iterable[str | Direction]
) -> np.ndarray:
    """TOPSIS closeness coefficient (Hwang & Yoon 1981).

    Columns are vector-normalised and weighted; the ideal takes the best
    value of each column (highest for ``MAX``, lowest for ``MIN``), the
    anti-ideal the worst; the closeness is ``D- / (D+ + D-)`` with ``D+``
    and ``D-`` the Euclidean distances to the ideal and anti-ideal. If every
    candidacy is identical the closeness is 1.0.

    Parameters
    ----------
    matrix : array-like of shape (n, m)
        Raw values, non-negative.
    weights : array-like of shape (m,)
    directions : iterable of str or Direction

    Returns
    -------
    ndarray of shape (n,)
        Closeness in [0, 1].

    Examples
    --------
    >>> topsis([[3, 0], [4, 3], [0, 4]], [1, 1], ["max", "min"]).round(4)
    array([0.8333, 0.5788, 0.    ])
    """
    x = _as_matrix(matrix)
    maximize = _maximize_mask(directions, x.shape[1])
    w = normalize_weights(weights)
    if w.size != x.shape[1]:
        raise ValueError(
            f"Le nombre de poids ({w.size}) ne correspond pas au nombre de "
            f"critères ({x.shape[1]})."
        )
    return _topsis_closeness(normalize_vector(x, maximize), w[None, :])[0]


def _normalize_columns(
    x: np.ndarray, maximize: np.ndarray, methods: Sequence[str]
) -> np.ndarray:
    out = np.empty_like(x, dtype=float)
    for j, method in enumerate(methods):
        fn = NORMALIZATIONS[_check_method(method, NORMALIZATIONS, "Normalisation")]
        out[:, j] = fn(x[:, [j]], maximize[[j]])[:, 0]
    return out


def _aggregate_sum(x, w, maximize, methods):
    return _normalize_columns(x, maximize, methods) @ w


def _aggregate_topsis(x, w, maximize, methods):  # noqa: ARG001 - uniform signature
    return _topsis_closeness(normalize_vector(x, maximize), w[None, :])[0]


#: Aggregations by name: ``f(matrix, weights, maximize, normalisations)``.
AGGREGATIONS: dict[str, Callable[..., np.ndarray]] = {
    "somme": _aggregate_sum,
    "topsis": _aggregate_topsis,
}


def aggregate(
    matrix: Any,
    weights: Any,
    directions: Iterable[str | Direction],
    *,
    method: str = "somme",
    normalisation: str | Sequence[str] = "minmax",
) -> np.ndarray:
    """Aggregate raw criterion values into one score per candidacy.

    Parameters
    ----------
    matrix : array-like of shape (n, m)
        Raw values.
    weights : array-like of shape (m,)
        Non-negative, finite, not all zero; rescaled to sum 1.
    directions : iterable of str or Direction
    method : {"somme", "topsis"}
        ``"somme"``: weighted sum of the normalised notes;
        ``"topsis"``: :func:`topsis` (always vector-normalised).
    normalisation : str or sequence of str, default "minmax"
        Normalisation of every column, or one per column (``"somme"`` only).

    Returns
    -------
    ndarray of shape (n,)
        Scores in [0, 1].

    Examples
    --------
    >>> aggregate([[2, 10], [6, 30], [4, 20]], [2, 1], ["max", "min"]).round(4)
    array([0.3333, 0.6667, 0.5   ])
    >>> aggregate([[1]], [1], ["max"], method="moyenne")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Méthode d'agrégation inconnue : 'moyenne'. Valeurs possibles : ...
    """
    fn = AGGREGATIONS[_check_method(method, AGGREGATIONS, "Méthode d'agrégation")]
    x = _as_matrix(matrix)
    maximize = _maximize_mask(directions, x.shape[1])
    w = normalize_weights(weights)
    if w.size != x.shape[1]:
        raise ValueError(
            f"Le nombre de poids ({w.size}) ne correspond pas au nombre de "
            f"critères ({x.shape[1]})."
        )
    methods = (
        [normalisation] * x.shape[1]
        if isinstance(normalisation, str)
        else list(normalisation)
    )
    if len(methods) != x.shape[1]:
        raise ValueError("Il faut une normalisation par critère.")
    return fn(x, w, maximize, methods)


# --------------------------------------------------------------------------
# The scoring grid
# --------------------------------------------------------------------------

ELIMINATION_OPERATORS: tuple[str, ...] = (">=", ">", "<=", "<", "==", "in", "non_vide")

_COMPARATORS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}

_KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


@dataclass(frozen=True)
class EliminationRule:
    """An eliminatory rule: a candidacy passes when ``value <op> self.value``.

    ``op`` is one of :data:`ELIMINATION_OPERATORS`; ``"in"`` takes a list of
    accepted values and ``"non_vide"`` takes none (the value must be present).
    A missing value fails every rule. ``reason`` is the French motive written
    in ``motif_exclusion``.

    Examples
    --------
    >>> rule = EliminationRule(">=", 2, "Moins de deux locaux vacants")
    >>> rule.passes(pd.Series([1, 2, None])).tolist()
    [False, True, False]
    """

    op: str
    value: Any = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.op not in ELIMINATION_OPERATORS:
            valid = ", ".join(f"« {o} »" for o in ELIMINATION_OPERATORS)
            raise ValueError(
                f"opérateur inconnu {self.op!r}. Valeurs possibles : {valid}."
            )
        if self.op in _COMPARATORS and not _is_number(self.value):
            raise ValueError(
                f"l'opérateur « {self.op} » attend un nombre (reçu {self.value!r})."
            )
        if self.op == "in":
            if isinstance(self.value, str) or not isinstance(self.value, Iterable):
                raise ValueError("l'opérateur « in » attend une liste de valeurs.")
            values = tuple(self.value)
            if not values:
                raise ValueError("l'opérateur « in » attend une liste non vide.")
            object.__setattr__(self, "value", values)
        if self.op == "==" and not (
            _is_number(self.value) or isinstance(self.value, str)
        ):
            raise ValueError(
                "l'opérateur « == » attend un nombre ou un texte "
                f"(reçu {self.value!r})."
            )
        if self.op == "non_vide" and self.value is not None:
            raise ValueError("l'opérateur « non_vide » ne prend pas de valeur.")
        if not self.reason:
            shown = "" if self.value is None else f" {self.value!r}"
            object.__setattr__(
                self, "reason", f"condition « {self.op}{shown} » non remplie"
            )

    def passes(self, values: pd.Series) -> np.ndarray:
        """Return a boolean array, True where the candidacy passes the rule."""
        present = values.notna().to_numpy()
        if self.op == "non_vide":
            return present
        if self.op == "in":
            ok = values.isin(list(self.value)).to_numpy()
        elif self.op == "==":
            ok = (values == self.value).to_numpy()
        else:
            with np.errstate(invalid="ignore"):
                ok = _COMPARATORS[self.op](values, self.value).to_numpy()
        return present & ok.astype(bool)


@dataclass(frozen=True)
class Criterion:
    """One criterion of the grid.

    Parameters
    ----------
    key : str
        Identifier (letters, digits, ``_``), used in column names
        (``note_<key>``, ``contribution_<key>``).
    label : str
        French label shown to the comité.
    source : str
        Column of the candidacy table holding the raw value.
    direction : Direction
    weight : float
        Non-negative. A criterion of weight 0 whose source column is not
        numeric is a pure filter: it only applies its eliminatory rule.
    normalisation : str, default "minmax"
        A key of :data:`NORMALIZATIONS`.
    elimination : EliminationRule or None
    """

    key: str
    label: str
    source: str
    direction: Direction
    weight: float
    normalisation: str = "minmax"
    elimination: EliminationRule | None = None

    def __post_init__(self) -> None:
        where = f"Critère « {self.key} »"
        if not isinstance(self.key, str) or not _KEY_PATTERN.match(self.key):
            raise ValueError(
                f"{where} : champ « cle » : identifiant attendu (lettres sans accent, "
                "chiffres, « _ »)."
            )
        if not _is_number(self.weight) or self.weight < 0:
            raise ValueError(
                f"{where} : champ « poids » : nombre positif ou nul attendu "
                f"(reçu {self.weight!r})."
            )
        object.__setattr__(self, "weight", float(self.weight))
        try:
            object.__setattr__(self, "direction", Direction.from_alias(self.direction))
        except ValueError as exc:
            raise ValueError(f"{where} : champ « sens » : {exc}") from None
        try:
            _check_method(self.normalisation, NORMALIZATIONS, "Normalisation")
        except ValueError as exc:
            raise ValueError(f"{where} : champ « normalisation » : {exc}") from None


_DEFAULT_BONUS = {1: 1.0, 2: 0.75, 3: 0.5, 4: 0.25, 5: 0.0}


@dataclass(frozen=True)
class Preference:
    """How a commune's ranking of the themes enters the attribution.

    ``value = (1 - weight) * score + weight * bonus_by_rank[rank]`` (see
    :func:`mitlib.attribution.attribute`); an unranked theme has bonus 0.
    Pass them on with ``attribute(..., **grid.preference.as_kwargs())``.

    Examples
    --------
    >>> Preference().as_kwargs()["preference_weight"]
    0.3
    """

    bonus_by_rank: Mapping[int, float] = field(
        default_factory=lambda: dict(_DEFAULT_BONUS)
    )
    weight: float = 0.3

    def __post_init__(self) -> None:
        if not _is_number(self.weight) or not 0 <= self.weight <= 1:
            raise ValueError(
                "Préférence : champ « poids » : nombre entre 0 et 1 attendu "
                f"(reçu {self.weight!r})."
            )
        bonus: dict[int, float] = {}
        for rank, value in dict(self.bonus_by_rank).items():
            try:
                r = int(rank)
            except (TypeError, ValueError):
                r = None
            if r is None or r < 1 or str(rank).strip() != str(r):
                raise ValueError(
                    "Préférence : champ « bonus_par_rang » : rang entier ≥ 1 "
                    f"attendu (reçu {rank!r})."
                )
            if not _is_number(value) or not 0 <= value <= 1:
                raise ValueError(
                    "Préférence : champ « bonus_par_rang » : bonus entre 0 et 1 "
                    f"attendu pour le rang {r} (reçu {value!r})."
                )
            bonus[r] = float(value)
        object.__setattr__(self, "bonus_by_rank", dict(sorted(bonus.items())))
        object.__setattr__(self, "weight", float(self.weight))

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`mitlib.attribution.attribute`."""
        return {
            "preference_weight": self.weight,
            "bonus_by_rank": dict(self.bonus_by_rank),
        }


_GRID_FIELDS = {
    "nom": "name",
    "name": "name",
    "description": "description",
    "methode": "method",
    "méthode": "method",
    "method": "method",
    "criteres": "criteria",
    "critères": "criteria",
    "criteria": "criteria",
    "departage": "tie_break",
    "départage": "tie_break",
    "tie_break": "tie_break",
    "preference": "preference",
    "préférence": "preference",
}
_CRITERION_FIELDS = {
    "cle": "key",
    "clé": "key",
    "key": "key",
    "libelle": "label",
    "libellé": "label",
    "label": "label",
    "source": "source",
    "colonne": "source",
    "sens": "direction",
    "direction": "direction",
    "poids": "weight",
    "weight": "weight",
    "normalisation": "normalisation",
    "normalization": "normalisation",
    "elimination": "elimination",
    "élimination": "elimination",
    "eliminatoire": "elimination",
    "éliminatoire": "elimination",
}
_RULE_FIELDS = {
    "op": "op",
    "operateur": "op",
    "opérateur": "op",
    "valeur": "value",
    "value": "value",
    "motif": "reason",
    "reason": "reason",
}
_PREFERENCE_FIELDS = {
    "bonus_par_rang": "bonus_by_rank",
    "bonus_by_rank": "bonus_by_rank",
    "poids": "weight",
    "weight": "weight",
}


def _rename_fields(d: object, aliases: Mapping[str, str], where: str) -> dict[str, Any]:
    if not isinstance(d, Mapping):
        raise ValueError(f"{where} : une table de champs est attendue (reçu {d!r}).")
    out: dict[str, Any] = {}
    for raw_key, value in d.items():
        name = aliases.get(str(raw_key).strip().lower())
        if name is None:
            valid = ", ".join(f"« {k} »" for k in dict.fromkeys(aliases))
            raise ValueError(
                f"{where} : champ inconnu « {raw_key} ». Champs possibles : {valid}."
            )
        if name in out:
            raise ValueError(f"{where} : champ « {raw_key} » donné deux fois.")
        out[name] = value
    return out


def _criterion_from_dict(d: object, position: int) -> Criterion:
    where = f"Critère n° {position}"
    if isinstance(d, Mapping):
        for k in ("cle", "clé", "key"):
            if isinstance(d.get(k), str):
                where = f"Critère « {d[k]} »"
    fields = _rename_fields(d, _CRITERION_FIELDS, where)
    for required in ("key", "weight"):
        if required not in fields:
            name = {"key": "cle", "weight": "poids"}[required]
            raise ValueError(f"{where} : champ « {name} » manquant.")
    key = fields["key"]
    if "direction" not in fields:
        if fields["weight"] != 0:
            raise ValueError(f"{where} : champ « sens » manquant (« max » ou « min »).")
        fields["direction"] = Direction.MAX
    rule = fields.pop("elimination", None)
    if rule is not None:
        rule_fields = _rename_fields(rule, _RULE_FIELDS, f"{where}, règle éliminatoire")
        if "op" not in rule_fields:
            raise ValueError(f"{where} : champ « elimination » : « op » manquant.")
        try:
            rule = EliminationRule(**rule_fields)
        except ValueError as exc:
            raise ValueError(f"{where} : champ « elimination » : {exc}") from None
    return Criterion(
        key=key,
        label=str(fields.get("label") or key),
        source=str(fields.get("source") or key),
        direction=fields["direction"],
        weight=fields["weight"],
        normalisation=fields.get("normalisation", "minmax"),
        elimination=rule,
    )


@dataclass(frozen=True)
class Grid:
    """The scoring grid agreed by the comité.

    Parameters
    ----------
    criteria : tuple of Criterion
    method : {"somme", "topsis"}, default "somme"
    tie_break : tuple of str
        Criterion keys compared in order (raw values, in each criterion's
        direction) between candidacies whose scores tie within
        :data:`TIE_TOLERANCE`; ``"code_insee"`` (ascending) always closes it.
    preference : Preference
        Settings of the attribution.
    name : str
        Optional name of the grid.

    Examples
    --------
    >>> g = Grid.from_dict({"nom": "essai", "criteres": [
    ...     {"cle": "a", "sens": "max", "poids": 1}]})
    >>> g.keys, g.tie_break
    (('a',), ('code_insee',))
    >>> g.sha256() == Grid.from_dict(g.to_dict()).sha256()
    True
    """

    criteria: tuple[Criterion, ...]
    method: str = "somme"
    tie_break: tuple[str, ...] = ()
    preference: Preference = field(default_factory=Preference)
    name: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        criteria = tuple(self.criteria)
        if not criteria:
            raise ValueError("La grille ne contient aucun critère.")
        keys = [c.key for c in criteria]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"Clés de critère en double : {', '.join(duplicates)}.")
        if sum(c.weight for c in criteria) == 0:
            raise ValueError("Les poids des critères ne peuvent pas être tous nuls.")
        try:
            _check_method(self.method, AGGREGATIONS, "Méthode d'agrégation")
        except ValueError as exc:
            raise ValueError(f"Grille : champ « methode » : {exc}") from None
        tie = [str(k) for k in self.tie_break]
        unknown = [k for k in tie if k not in keys and k != "code_insee"]
        if unknown:
            raise ValueError(
                "Grille : champ « departage » : critère(s) inconnu(s) : "
                f"{', '.join(unknown)}."
            )
        if "code_insee" in tie:
            tie = tie[: tie.index("code_insee")]
        object.__setattr__(self, "criteria", criteria)
        object.__setattr__(self, "tie_break", (*dict.fromkeys(tie), "code_insee"))

    # -- construction -----------------------------------------------------

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Grid:
        """Build and validate a grid from a dict (French or English field names).

        Errors are French and name the criterion and the field at fault.

        Examples
        --------
        >>> Grid.from_dict({"criteres": [{"cle": "a", "sens": "max", "poids": -1}]})
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: Critère « a » : champ « poids » : nombre positif ou nul attendu ...
        """
        fields = _rename_fields(d, _GRID_FIELDS, "Grille")
        raw_criteria = fields.get("criteria")
        if not isinstance(raw_criteria, list) or not raw_criteria:
            raise ValueError(
                "Grille : champ « criteres » : liste non vide de critères attendue."
            )
        criteria = tuple(
            _criterion_from_dict(c, i) for i, c in enumerate(raw_criteria, 1)
        )
        tie = fields.get("tie_break") or ()
        if isinstance(tie, str):
            tie = (tie,)
        pref = fields.get("preference")
        preference = (
            Preference()
            if pref is None
            else Preference(**_rename_fields(pref, _PREFERENCE_FIELDS, "Préférence"))
        )
        return cls(
            criteria=criteria,
            method=str(fields.get("method", "somme")).strip().lower(),
            tie_break=tuple(tie),
            preference=preference,
            name=str(fields.get("name") or ""),
            description=str(fields.get("description") or ""),
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> Grid:
        """Read a grid from a YAML file (``yaml.safe_load``, UTF-8)."""
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except yaml.YAMLError as exc:
            raise ValueError(
                f"Fichier de grille illisible ({path.name}) : {exc}"
            ) from None
        if not isinstance(data, Mapping):
            raise ValueError(
                f"Fichier de grille {path.name} : une table de champs est attendue."
            )
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (French field names) that :meth:`from_dict` reads back."""
        return {
            "nom": self.name,
            "description": self.description,
            "methode": self.method,
            "departage": list(self.tie_break),
            "preference": {
                "bonus_par_rang": {
                    str(r): v for r, v in self.preference.bonus_by_rank.items()
                },
                "poids": self.preference.weight,
            },
            "criteres": [
                {
                    "cle": c.key,
                    "libelle": c.label,
                    "source": c.source,
                    "sens": c.direction.value,
                    "poids": c.weight,
                    "normalisation": c.normalisation,
                    "elimination": None
                    if c.elimination is None
                    else {
                        "op": c.elimination.op,
                        "valeur": list(c.elimination.value)
                        if c.elimination.op == "in"
                        else c.elimination.value,
                        "motif": c.elimination.reason,
                    },
                }
                for c in self.criteria
            ],
        }

    def sha256(self) -> str:
        """SHA-256 of a canonical JSON of the grid.

        Stable across dict key order, criterion order, the order of an
        ``in`` list and the spelling of numbers (``5`` or ``5.0``). Every
        field counts, name and description included, so the hash identifies
        the grid document that was applied.
        """
        d = self.to_dict()
        d["criteres"] = sorted(d["criteres"], key=lambda c: c["cle"])
        for c in d["criteres"]:
            rule = c["elimination"]
            if rule is not None and rule["op"] == "in":
                rule["valeur"] = sorted(
                    rule["valeur"], key=lambda v: (type(v).__name__, repr(v))
                )
        text = json.dumps(d, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    # -- accessors --------------------------------------------------------

    @property
    def keys(self) -> tuple[str, ...]:
        """Criterion keys, in grid order."""
        return tuple(c.key for c in self.criteria)

    @property
    def weights(self) -> pd.Series:
        """Weights rescaled to sum 1, indexed by criterion key."""
        return pd.Series(
            normalize_weights([c.weight for c in self.criteria]),
            index=list(self.keys),
            name="poids",
        )

    def criterion(self, key: str) -> Criterion:
        """Return the criterion named ``key``."""
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(f"Critère inconnu : {key!r}. Critères : {', '.join(self.keys)}.")

    def with_weights(self, weights: Mapping[str, float]) -> Grid:
        """Copy of the grid with some criteria's weights replaced.

        Examples
        --------
        >>> g = Grid.from_dict({"criteres": [{"cle": "a", "sens": "max", "poids": 1},
        ...                                  {"cle": "b", "sens": "min", "poids": 1}]})
        >>> g.with_weights({"a": 3}).weights.tolist()
        [0.75, 0.25]
        """
        weights = dict(weights)
        unknown = [k for k in weights if k not in self.keys]
        if unknown:
            raise ValueError(f"Critère(s) inconnu(s) : {', '.join(map(str, unknown))}.")
        criteria = tuple(
            replace(c, weight=float(weights[c.key])) if c.key in weights else c
            for c in self.criteria
        )
        return replace(self, criteria=criteria)


def file_sha256(path: str | Path) -> str:
    """SHA-256 (hex) of a file's bytes, read by blocks.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> file_sha256(f.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.remove(f.name)
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreResult:
    """Result of :func:`score`.

    Attributes
    ----------
    table : DataFrame
        One row per candidacy, input index and order: ``eligible``,
        ``motif_exclusion``, ``note_sur_20``, ``rang``, ``departage``, then
        ``note_<key>`` and ``contribution_<key>`` for each scored criterion
        (NaN for eliminated candidacies). ``departage`` is set only for
        candidacies tied on score: the tie-break element (a criterion key or
        ``"code_insee"``) that separated it from its neighbour in the tie.
    grid : Grid
    raw : DataFrame
        Eligible candidacies × scored criteria, raw values.
    normalized : DataFrame
        Eligible candidacies × scored criteria, notes in [0, 1].
    weights : Series
        Weights of the scored criteria, summing to 1.
    scores : Series
        Aggregated score in [0, 1] of the eligible candidacies.
    """

    table: pd.DataFrame
    grid: Grid
    raw: pd.DataFrame
    normalized: pd.DataFrame
    weights: pd.Series
    scores: pd.Series

    @property
    def ranking(self) -> pd.Index:
        """Eligible candidacies, best first."""
        ranks = self.table.loc[self.table["eligible"], "rang"]
        return ranks.sort_values(kind="stable").index

    def ranked(self) -> pd.DataFrame:
        """The eligible rows of :attr:`table`, best first."""
        return self.table.loc[self.ranking]


def _order(
    scores: np.ndarray,
    tie_values: np.ndarray,
    codes: Sequence[str],
    tie_keys: Sequence[str],
) -> tuple[np.ndarray, list[str | None]]:
    """Order candidacies by score, breaking ties with ``tie_values`` then codes.

    ``tie_values`` (n, t) is oriented so that higher is better. Returns the
    order (indices, best first) and, per position, the rule that decided it
    within a tie (None outside ties).
    """
    n = scores.size
    idx = np.argsort(-scores, kind="stable")
    if n == 0:
        return idx, []
    gaps = np.diff(scores[idx]) < -TIE_TOLERANCE
    cluster = np.concatenate([[0], np.cumsum(gaps)])
    order: list[int] = []
    decided: list[str | None] = []
    for c in range(cluster[-1] + 1):
        members = idx[cluster == c].tolist()
        if len(members) == 1:
            order += members
            decided.append(None)
            continue
        members.sort(key=lambda i: (*(-tie_values[i]), codes[i]))
        rules = []
        for p, q in zip(members[:-1], members[1:], strict=True):
            differ = np.flatnonzero(tie_values[p] != tie_values[q])
            rules.append(tie_keys[differ[0]] if differ.size else "code_insee")
        order += members
        decided += [rules[0], *rules]
    return np.asarray(order, dtype=int), decided


def score(table: pd.DataFrame, grid: Grid) -> ScoreResult:
    """Score and rank candidacies with a grid.

    1. Eliminatory rules: a failing candidacy stays in the table with
       ``eligible=False`` and ``motif_exclusion`` listing the French motives
       (joined by ``" ; "``).
    2. Each criterion is normalised over the **eligible** candidacies only
       (so removing a candidacy can change the others' notes and even their
       order: min–max bounds move).
    3. Notes are aggregated by the grid's method: ``note_sur_20`` is the
       score × 20; ``note_<key>`` is the normalised value × 20 and
       ``contribution_<key>`` the weight × normalised value × 20. With
       ``"somme"`` the contributions add up to ``note_sur_20``; with
       ``"topsis"`` the score is the closeness (vector normalisation) and
       notes/contributions are shown with each criterion's own normalisation,
       for reading only.
    4. ``rang`` (1 = best) covers eligible candidacies; scores within
       :data:`TIE_TOLERANCE` are tied and ordered by the grid's tie-break
       rule, whose deciding element is written in ``departage``.

    Ranks are never aggregated (CE, 7 juin 2024, n° 489404).

    Parameters
    ----------
    table : DataFrame
        One row per candidacy, index ``code_insee`` (unique), one column per
        criterion source. Sources of weighted criteria must be numeric and
        complete for eligible candidacies.
    grid : Grid

    Returns
    -------
    ScoreResult

    Examples
    --------
    >>> grid = Grid.from_dict({"criteres": [
    ...     {"cle": "locaux", "sens": "max", "poids": 1,
    ...      "elimination": {"op": ">=", "valeur": 2, "motif": "Moins de 2 locaux"}},
    ...     {"cle": "population", "sens": "max", "poids": 1}]})
    >>> t = pd.DataFrame({"locaux": [1, 2, 4], "population": [900, 3000, 1000]},
    ...                  index=["47001", "47002", "47003"])
    >>> cols = ["eligible", "motif_exclusion", "note_sur_20", "rang", "departage"]
    >>> score(t, grid).table[cols]  # doctest: +NORMALIZE_WHITESPACE
                eligible    motif_exclusion  note_sur_20  rang   departage
    code_insee
    47001          False  Moins de 2 locaux          NaN  <NA>         NaN
    47002           True                            10.0     1  code_insee
    47003           True                            10.0     2  code_insee
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError("La table des candidatures doit être un DataFrame.")
    if not table.index.is_unique:
        dup = sorted({str(c) for c in table.index[table.index.duplicated()]})
        raise ValueError(f"Candidatures en double (code_insee) : {', '.join(dup)}.")
    missing = sorted({c.source for c in grid.criteria} - set(table.columns))
    if missing:
        raise ValueError(
            "Colonne(s) absente(s) de la table des candidatures : "
            f"{', '.join(missing)}."
        )
    codes_all = [str(c) for c in table.index]

    # 1. eliminatory rules
    eligible = np.ones(len(table), dtype=bool)
    reasons: list[list[str]] = [[] for _ in range(len(table))]
    for c in grid.criteria:
        if c.elimination is None:
            continue
        passes = c.elimination.passes(table[c.source])
        eligible &= passes
        for i in np.flatnonzero(~passes):
            reasons[i].append(c.elimination.reason)

    # 2. scored criteria: numeric sources (a non-numeric one must weigh 0)
    scored = []
    for c in grid.criteria:
        column = table[c.source]
        if pd.api.types.is_numeric_dtype(column) or column.dropna().empty:
            scored.append(c)
        elif c.weight > 0:
            raise ValueError(
                f"Critère « {c.key} » : la colonne « {c.source} » doit être numérique "
                "(seul un critère de poids nul peut servir de simple filtre)."
            )
    keys = [c.key for c in scored]
    for k in grid.tie_break[:-1]:
        if k not in keys:
            raise ValueError(
                f"Grille : champ « departage » : le critère « {k} » "
                "n'est pas numérique."
            )
    weights = normalize_weights([c.weight for c in scored])
    maximize = np.array([c.direction is Direction.MAX for c in scored], dtype=bool)
    sub = table.loc[eligible]
    raw = pd.DataFrame(
        {c.key: pd.to_numeric(sub[c.source]).astype(float) for c in scored},
        index=sub.index,
    )
    nan = ~np.isfinite(raw)
    if nan.to_numpy().any():
        details = "; ".join(
            f"« {k} » : {', '.join(map(str, raw.index[nan[k]]))}"
            for k in keys
            if nan[k].any()
        )
        raise ValueError(
            "Valeurs manquantes ou infinies pour des candidatures éligibles "
            f"({details}). "
            "Complétez-les ou ajoutez une règle éliminatoire « non_vide »."
        )
    x = raw.to_numpy()
    norm = np.empty_like(x)
    for j, c in enumerate(scored):
        try:
            norm[:, j] = NORMALIZATIONS[c.normalisation](x[:, [j]], maximize[[j]])[:, 0]
        except ValueError as exc:
            raise ValueError(f"Critère « {c.key} » : {exc}") from None

    # 3. aggregation
    if grid.method == "somme":
        s = norm @ weights
    else:
        s = AGGREGATIONS[grid.method](
            x, weights, maximize, [c.normalisation for c in scored]
        )

    # 4. ranking
    tie_keys = list(grid.tie_break[:-1])
    cols = [keys.index(k) for k in tie_keys]
    tie_values = x[:, cols] * np.where(maximize[cols], 1.0, -1.0)
    eligible_codes = [c for c, e in zip(codes_all, eligible, strict=True) if e]
    order, decided = _order(s, tie_values, eligible_codes, [*tie_keys, "code_insee"])
    rank = np.empty(s.size, dtype=int)
    rank[order] = np.arange(1, s.size + 1)
    decided_by = np.empty(s.size, dtype=object)
    decided_by[order] = decided

    def spread(values: np.ndarray) -> np.ndarray:
        full = np.full(len(table), np.nan)
        full[eligible] = values
        return full

    rang = np.zeros(len(table), dtype=np.int64)
    rang[eligible] = rank
    departage = np.full(len(table), None, dtype=object)
    departage[eligible] = decided_by
    columns: dict[str, Any] = {
        "eligible": eligible,
        "motif_exclusion": [" ; ".join(r) for r in reasons],
        "note_sur_20": spread(s * 20.0),
        "rang": pd.arrays.IntegerArray(rang, ~eligible),
        "departage": departage,
    }
    for j, k in enumerate(keys):
        columns[f"note_{k}"] = spread(norm[:, j] * 20.0)
    for j, k in enumerate(keys):
        columns[f"contribution_{k}"] = spread(weights[j] * norm[:, j] * 20.0)
    index = table.index.copy()
    if index.name is None:
        index.name = "code_insee"
    out = pd.DataFrame(columns, index=index)
    return ScoreResult(
        table=out,
        grid=grid,
        raw=raw,
        normalized=pd.DataFrame(norm, index=sub.index, columns=keys),
        weights=pd.Series(weights, index=keys, name="poids"),
        scores=pd.Series(s, index=sub.index, name="score"),
    )


# --------------------------------------------------------------------------
# Sensitivity to the weights (weighted sum: exact, linear)
# --------------------------------------------------------------------------


def _require_linear(result: ScoreResult) -> None:
    if result.grid.method != "somme":
        raise ValueError(
            "Cette analyse exacte n'est définie que pour la somme pondérée "
            f"(méthode de la grille : « {result.grid.method} ») ; utilisez smaa()."
        )


def _require_eligible(result: ScoreResult, *codes: str) -> None:
    unknown = [str(c) for c in codes if c not in result.scores.index]
    if unknown:
        raise ValueError(f"Candidature inconnue ou éliminée : {', '.join(unknown)}.")


def explain_gap(result: ScoreResult, a: str, b: str) -> pd.DataFrame:
    """Decompose the note gap between candidacies ``a`` and ``b`` by criterion.

    Returns one row per criterion (index ``critere``) with ``poids``,
    ``note_a``, ``note_b`` (out of 20), ``contribution_a``,
    ``contribution_b`` and ``ecart = contribution_a - contribution_b``; the
    ``ecart`` column sums to ``note_sur_20[a] - note_sur_20[b]``. Weighted
    sum only.

    Examples
    --------
    >>> grid = Grid.from_dict({"criteres": [{"cle": "x", "sens": "max", "poids": 3},
    ...                                     {"cle": "y", "sens": "max", "poids": 1}]})
    >>> t = pd.DataFrame({"x": [0, 1], "y": [1, 0]}, index=["A", "B"])
    >>> explain_gap(score(t, grid), "B", "A")["ecart"].tolist()
    [15.0, -5.0]
    """
    _require_linear(result)
    _require_eligible(result, a, b)
    w = result.weights
    na = result.normalized.loc[a]
    nb = result.normalized.loc[b]
    out = pd.DataFrame(
        {
            "libelle": [result.grid.criterion(k).label for k in w.index],
            "poids": w,
            "note_a": na * 20.0,
            "note_b": nb * 20.0,
            "contribution_a": w * na * 20.0,
            "contribution_b": w * nb * 20.0,
        },
        index=w.index,
    )
    out["ecart"] = out["contribution_a"] - out["contribution_b"]
    out.index.name = "critere"
    return out


def rescale_weights(weights: pd.Series, key: str, new_weight: float) -> pd.Series:
    """Set one weight and rescale the others proportionally to keep the sum at 1.

    ``w_key -> t`` and ``w_j -> w_j (1 - t) / (1 - w_key)`` for ``j != key``.
    If ``w_key`` is 1 (the others are all zero, so there is nothing to scale)
    the remaining ``1 - t`` is shared equally among the other criteria.

    Examples
    --------
    >>> w = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})
    >>> rescale_weights(w, "a", 0.8).round(6).tolist()
    [0.8, 0.12, 0.08]
    """
    w = pd.Series(normalize_weights(weights.to_numpy()), index=weights.index)
    if key not in w.index:
        raise KeyError(f"Critère inconnu : {key!r}.")
    if not _is_number(new_weight) or not 0 <= new_weight <= 1:
        raise ValueError(
            f"Le nouveau poids doit être compris entre 0 et 1 (reçu {new_weight!r})."
        )
    others = w.index != key
    out = w.copy()
    if w[key] < 1:
        out[others] = w[others] * (1 - new_weight) / (1 - w[key])
    elif others.any():
        out[others] = (1 - new_weight) / others.sum()
    out[key] = new_weight
    return out


def _pair_lines(
    delta: np.ndarray, w: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Intercept and slope of the gap as a function of weight ``k``.

    For a pair with normalised differences ``delta`` (rows) the gap at
    weights rescaled by :func:`rescale_weights` is ``G(t) = R + t (Δ_k - R)``
    with ``R = (G - w_k Δ_k) / (1 - w_k)`` the gap carried by the other
    criteria once they hold the whole weight.
    """
    if w[k] < 1:
        intercept = (delta @ w - w[k] * delta[:, k]) / (1 - w[k])
    else:
        intercept = np.delete(delta, k, axis=1).mean(axis=1)
    return intercept, delta[:, k] - intercept


@dataclass(frozen=True)
class WeightSwap:
    """Result of :func:`swap_weight`.

    ``table`` has, per criterion, ``poids`` (current weight), ``poids_bascule``
    (weight at which the two candidacies tie, NaN if impossible within
    [0, 1]) and ``variation`` (``poids_bascule - poids``). ``criterion``,
    ``weight``, ``new_weight`` and ``change`` describe the smallest change in
    absolute value (None if no criterion can do it) and ``weights`` the full
    rescaled weight vector at that point.
    """

    table: pd.DataFrame
    criterion: str | None
    weight: float | None
    new_weight: float | None
    change: float | None
    weights: pd.Series | None


def swap_weight(result: ScoreResult, a: str, b: str) -> WeightSwap:
    """Smallest change of one criterion's weight that makes ``b`` tie ``a``.

    The other weights are rescaled proportionally (:func:`rescale_weights`),
    so with ``Δ = n_a - n_b`` (normalised notes) the gap
    ``G(t) = R_k + t (Δ_k - R_k)``, with ``R_k = (G - w_k Δ_k) / (1 - w_k)``,
    is linear in the new weight ``t`` of criterion ``k``, and the tie is at
    ``t* = R_k / (R_k - Δ_k)``, kept if ``0 <= t* <= 1``. Between the current
    weight and ``t*`` the order of ``a`` and ``b`` does not change. Weighted
    sum only.

    Examples
    --------
    >>> grid = Grid.from_dict({"criteres": [{"cle": "x", "sens": "max", "poids": 3},
    ...                                     {"cle": "y", "sens": "max", "poids": 1}]})
    >>> t = pd.DataFrame({"x": [0, 1], "y": [1, 0]}, index=["A", "B"])
    >>> s = swap_weight(score(t, grid), "B", "A")
    >>> s.criterion, s.new_weight, s.change
    ('x', 0.5, -0.25)
    """
    _require_linear(result)
    _require_eligible(result, a, b)
    w = result.weights.to_numpy()
    keys = list(result.weights.index)
    delta = (result.normalized.loc[a] - result.normalized.loc[b]).to_numpy()[None, :]
    gap = float(delta[0] @ w)
    tie_at = np.full(w.size, np.nan)
    for k in range(w.size) if w.size > 1 else ():
        intercept, slope = _pair_lines(delta, w, k)
        if abs(slope[0]) <= _SLOPE_EPS:
            if abs(gap) <= TIE_TOLERANCE:
                tie_at[k] = w[k]
            continue
        t = intercept[0] / -slope[0]
        if -_SLOPE_EPS <= t <= 1 + _SLOPE_EPS:
            tie_at[k] = min(max(t, 0.0), 1.0)
    table = pd.DataFrame(
        {"poids": w, "poids_bascule": tie_at, "variation": tie_at - w}, index=keys
    )
    table.index.name = "critere"
    if np.isnan(tie_at).all():
        return WeightSwap(table, None, None, None, None, None)
    best = int(np.nanargmin(np.abs(tie_at - w)))
    key = keys[best]
    return WeightSwap(
        table=table,
        criterion=key,
        weight=float(w[best]),
        new_weight=float(tie_at[best]),
        change=float(tie_at[best] - w[best]),
        weights=rescale_weights(result.weights, key, float(tie_at[best])),
    )


def _interval(delta: np.ndarray, w: np.ndarray, k: int) -> tuple[float, float]:
    """Weights ``t`` of criterion ``k`` keeping every gap row of ``delta`` >= 0."""
    if w.size == 1:
        return 1.0, 1.0
    if delta.shape[0] == 0:
        return 0.0, 1.0
    intercept, slope = _pair_lines(delta, w, k)
    lo, hi = 0.0, 1.0
    up = slope > _SLOPE_EPS
    down = slope < -_SLOPE_EPS
    if up.any():
        lo = max(lo, float(np.max(-intercept[up] / slope[up])))
    if down.any():
        hi = min(hi, float(np.min(-intercept[down] / slope[down])))
    # the current weight satisfies every condition; guard against rounding
    return min(lo, w[k]), max(hi, w[k])


def weight_stability(result: ScoreResult) -> pd.DataFrame:
    """Exact range of each weight within which the first place / ranking holds.

    For criterion ``k`` moved to weight ``t`` (others rescaled
    proportionally, :func:`rescale_weights`), each pairwise gap is linear in
    ``t`` (see :func:`swap_weight`), so "``p`` stays ahead of ``q``" is a
    half-line in ``t``. The first place holds while the leader's gap to
    every other eligible candidacy stays >= 0; the whole ranking holds while
    each consecutive pair's gap does. Intersecting these half-lines with
    [0, 1] gives ``premier_min``/``premier_max`` and
    ``classement_min``/``classement_max``. At an endpoint two candidacies
    tie on score and the tie-break rule decides; strictly inside, the order
    is the current one. Weighted sum only.

    Examples
    --------
    >>> grid = Grid.from_dict({"criteres": [{"cle": "x", "sens": "max", "poids": 3},
    ...                                     {"cle": "y", "sens": "max", "poids": 1}]})
    >>> t = pd.DataFrame({"x": [0, 1], "y": [1, 0]}, index=["A", "B"])
    >>> cols = ["premier_min", "premier_max"]
    >>> weight_stability(score(t, grid))[cols]  # doctest: +NORMALIZE_WHITESPACE
             premier_min  premier_max
    critere
    x                0.5          1.0
    y                0.0          0.5
    """
    _require_linear(result)
    w = result.weights.to_numpy()
    n = result.normalized.loc[result.ranking].to_numpy()
    first = n[:1] - n[1:]
    consecutive = n[:-1] - n[1:]
    rows = []
    for k in range(w.size):
        rows.append((w[k], *_interval(first, w, k), *_interval(consecutive, w, k)))
    out = pd.DataFrame(
        rows,
        index=result.weights.index,
        columns=[
            "poids",
            "premier_min",
            "premier_max",
            "classement_min",
            "classement_max",
        ],
    )
    out.index.name = "critere"
    return out


# --------------------------------------------------------------------------
# SMAA: Monte Carlo over the weights
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SmaaResult:
    """Result of :func:`smaa`.

    Attributes
    ----------
    table : DataFrame
        One row per eligible candidacy (best first by the grid's weights):
        ``rang`` (with the grid's weights), ``rang_moyen``, ``p_rang_1`` …
        ``p_rang_n`` (rank acceptability: share of draws giving that rank;
        rows and columns sum to 1) and ``poids_central_<key>`` (mean weight
        vector of the draws where the candidacy comes first, NaN if never).
    weights : DataFrame
        The weight draws, ``n_draws`` × criteria, rows summing to 1.
    scores : DataFrame
        Scores for each draw, ``n_draws`` × candidacies (columns ``code_insee``),
        ready for :func:`mitlib.attribution.pair_frequency`.
    concentration : float
    seed : int or None
    """

    table: pd.DataFrame
    weights: pd.DataFrame
    scores: pd.DataFrame
    concentration: float
    seed: int | None


def smaa(
    table: pd.DataFrame,
    grid: Grid,
    *,
    n_draws: int = 10_000,
    concentration: float = 50.0,
    seed: int | None = None,
) -> SmaaResult:
    """Stochastic multicriteria acceptability analysis over the weights.

    Weight vectors are drawn from a Dirichlet distribution centred on the
    grid's weights ``w`` (``alpha = concentration * w``: mean ``w``, standard
    deviation ``sqrt(w (1 - w) / (concentration + 1))``, about ±0.06 for a
    weight of 0.3 with the default 50). Criteria of weight 0 stay at 0.
    Normalised notes do not depend on the weights, so all draws are scored
    at once (one ``draws × candidacies`` matrix product; TOPSIS distances
    likewise). Exact score ties within a draw go to the grid's order.

    Parameters
    ----------
    table, grid
        As for :func:`score`.
    n_draws : int, default 10 000
    concentration : float, default 50
        Higher means draws closer to the grid's weights.
    seed : int, optional
        Seed of ``np.random.default_rng``.

    Returns
    -------
    SmaaResult

    Examples
    --------
    >>> grid = Grid.from_dict({"criteres": [{"cle": "x", "sens": "max", "poids": 1},
    ...                                     {"cle": "y", "sens": "max", "poids": 1}]})
    >>> t = pd.DataFrame({"x": [0, 1, 0.9], "y": [1, 0, 0.2]}, index=["A", "B", "C"])
    >>> r = smaa(t, grid, n_draws=1000, seed=1)
    >>> r.table.filter(like="p_rang").sum(axis=1).round(12).tolist()
    [1.0, 1.0, 1.0]
    """
    if not isinstance(n_draws, int | np.integer) or n_draws < 1:
        raise ValueError(f"n_draws doit être un entier ≥ 1 (reçu {n_draws!r}).")
    if not _is_number(concentration) or concentration <= 0:
        raise ValueError(
            f"La concentration doit être un nombre > 0 (reçu {concentration!r})."
        )
    base = score(table, grid)
    ranking = base.ranking
    keys = list(base.weights.index)
    w = base.weights.to_numpy()
    rng = np.random.default_rng(seed)
    draws = np.zeros((n_draws, w.size))
    positive = w > 0
    draws[:, positive] = rng.dirichlet(concentration * w[positive], size=n_draws)

    if grid.method == "somme":
        s = draws @ base.normalized.loc[ranking].to_numpy().T
    else:
        c = [grid.criterion(k) for k in keys]
        maximize = np.array([x.direction is Direction.MAX for x in c], dtype=bool)
        r = normalize_vector(base.raw.loc[ranking].to_numpy(), maximize)
        s = _topsis_closeness(r, draws)

    n = len(ranking)
    order = np.argsort(-s, axis=1, kind="stable")  # ties: grid order
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(n), order.shape), axis=1)
    counts = np.bincount(
        (np.arange(n)[None, :] * n + ranks).ravel(), minlength=n * n
    ).reshape(n, n)
    columns: dict[str, np.ndarray] = {
        "rang": np.arange(1, n + 1),
        "rang_moyen": ranks.mean(axis=0) + 1.0,
    }
    for r_ in range(n):
        columns[f"p_rang_{r_ + 1}"] = counts[:, r_] / n_draws
    if n:
        firsts = order[:, 0]
        sums = np.zeros((n, w.size))
        np.add.at(sums, firsts, draws)
        wins = np.bincount(firsts, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            central = sums / wins[:, None]
        for j, k in enumerate(keys):
            columns[f"poids_central_{k}"] = central[:, j]
    out = pd.DataFrame(columns, index=ranking)
    return SmaaResult(
        table=out,
        weights=pd.DataFrame(draws, columns=keys),
        scores=pd.DataFrame(s, columns=ranking),
        concentration=float(concentration),
        seed=seed,
    )
