"""Multicriteria building blocks: directions, normalisations, aggregations.

Pure NumPy functions on a decision matrix (one row per candidacy, one column
per criterion), used by :func:`mitlib.candidatures.scoring.score` and
:func:`mitlib.candidatures.sensitivity.smaa`:

* :class:`Direction`: whether higher or lower raw values are better, read
  once from French or English aliases;
* normalisations ``f(matrix, maximize) -> matrix`` registered in
  :data:`NORMALIZATIONS`; all of them return values in [0, 1] oriented so
  that *higher is better*, whatever the criterion's direction;
* aggregations registered in :data:`AGGREGATIONS`: the weighted sum
  (``"somme"``) and TOPSIS (``"topsis"``).

Examples
--------
>>> aggregate([[2, 10], [6, 30], [4, 20]], [2, 1], ["max", "min"]).round(4)
array([0.3333, 0.6667, 0.5   ])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

import numpy as np

from mitlib.core.errors import InputError, OptionError

__all__ = [
    "AGGREGATIONS",
    "NORMALIZATIONS",
    "Direction",
    "aggregate",
    "check_method",
    "is_number",
    "normalize",
    "normalize_max",
    "normalize_minmax",
    "normalize_vector",
    "normalize_weights",
    "topsis",
    "topsis_closeness",
    "weighted_sum",
]


def is_number(value: object) -> bool:
    """True for a finite int or float (booleans excluded)."""
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


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
        mitlib.core.errors.OptionError
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
        raise OptionError(
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
    candidacy can change everybody's note (see
    :func:`mitlib.candidatures.scoring.score`).

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


def _non_negative(matrix: np.ndarray, name: str) -> np.ndarray:
    """The matrix as floats; negative values are refused (ratio scales)."""
    x = np.asarray(matrix, dtype=float)
    if (x < 0).any():
        raise InputError(
            f"la normalisation « {name} » exige des valeurs positives ou nulles."
        )
    return x


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
    mitlib.core.errors.InputError
        On negative values, or a zero in a criterion to minimise.

    Examples
    --------
    >>> normalize_max(np.array([[2.0, 10.0], [4.0, 20.0]]), np.array([True, False]))
    array([[0.5, 1. ],
           [1. , 0.5]])
    """
    x = _non_negative(matrix, "max")
    if x.shape[0] == 0:
        return x.copy()
    hi = x.max(axis=0)
    lo = x.min(axis=0)
    all_zero = hi == 0
    bad = ~maximize & (lo == 0) & ~all_zero
    if bad.any():
        raise InputError(
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
    x = _non_negative(matrix, "vector")
    if x.shape[0] == 0:
        return x.copy()
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


def check_method(name: object, registry: Mapping[str, Any], what: str) -> str:
    """``name`` if it is a key of ``registry``, else an :class:`OptionError`
    naming ``what`` and listing the valid names."""
    if not isinstance(name, str) or name not in registry:
        valid = ", ".join(f"« {k} »" for k in registry)
        raise OptionError(f"{what} inconnue : {name!r}. Valeurs possibles : {valid}.")
    return str(name)


def _as_matrix(matrix: Any) -> np.ndarray:
    try:
        x = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError("La matrice des critères doit être numérique.") from exc
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise OptionError("La matrice des critères doit avoir deux dimensions.")
    if not np.isfinite(x).all():
        raise InputError(
            "La matrice des critères contient des valeurs manquantes ou infinies."
        )
    return x


def _maximize_mask(directions: Iterable[str | Direction], m: int) -> np.ndarray:
    dirs = [Direction.from_alias(d) for d in directions]
    if len(dirs) != m:
        raise OptionError(
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
    mitlib.core.errors.OptionError
        ``Normalisation inconnue : ... Valeurs possibles : ...`` for an unknown
        method.
    mitlib.core.errors.InputError
        On invalid values.

    Examples
    --------
    >>> normalize([[1, 10], [3, 30]], ["max", "min"])
    array([[0., 1.],
           [1., 0.]])
    >>> normalize([[1]], ["max"], method="z")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mitlib.core.errors.OptionError: Normalisation inconnue : 'z'. Valeurs possibles ...
    """
    fn = NORMALIZATIONS[check_method(method, NORMALIZATIONS, "Normalisation")]
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
    mitlib.core.errors.OptionError: Les poids ne peuvent pas être tous nuls.
    """
    try:
        w = np.asarray(weights, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise OptionError("Les poids doivent être des nombres.") from exc
    if w.size == 0:
        raise OptionError("Aucun poids fourni.")
    if not np.isfinite(w).all():
        raise OptionError("Les poids doivent être des nombres finis.")
    if (w < 0).any():
        raise OptionError("Les poids doivent être positifs ou nuls.")
    total = w.sum()
    if total == 0:
        raise OptionError("Les poids ne peuvent pas être tous nuls.")
    return w / total


def _weights_for(weights: Any, m: int) -> np.ndarray:
    """:func:`normalize_weights`, refused unless there is one per criterion."""
    w = normalize_weights(weights)
    if w.size != m:
        raise OptionError(
            f"Le nombre de poids ({w.size}) ne correspond pas au nombre de "
            f"critères ({m})."
        )
    return w


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
    w = _weights_for(weights, x.shape[1])
    return x @ w


def topsis_closeness(r: np.ndarray, w: np.ndarray) -> np.ndarray:
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
    return _aggregate_topsis(x, _weights_for(weights, x.shape[1]), maximize, None)


def _normalize_columns(
    x: np.ndarray, maximize: np.ndarray, methods: Sequence[str]
) -> np.ndarray:
    out = np.empty_like(x, dtype=float)
    for j, method in enumerate(methods):
        fn = NORMALIZATIONS[check_method(method, NORMALIZATIONS, "Normalisation")]
        out[:, j] = fn(x[:, [j]], maximize[[j]])[:, 0]
    return out


def _aggregate_sum(x, w, maximize, methods):
    return _normalize_columns(x, maximize, methods) @ w


def _aggregate_topsis(x, w, maximize, methods):  # noqa: ARG001 - uniform signature
    return topsis_closeness(normalize_vector(x, maximize), w[None, :])[0]


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
    mitlib.core.errors.OptionError: Méthode d'agrégation inconnue : 'moyenne'. ...
    """
    fn = AGGREGATIONS[check_method(method, AGGREGATIONS, "Méthode d'agrégation")]
    x = _as_matrix(matrix)
    maximize = _maximize_mask(directions, x.shape[1])
    w = _weights_for(weights, x.shape[1])
    methods = (
        [normalisation] * x.shape[1]
        if isinstance(normalisation, str)
        else list(normalisation)
    )
    if len(methods) != x.shape[1]:
        raise OptionError("Il faut une normalisation par critère.")
    return fn(x, w, maximize, methods)
