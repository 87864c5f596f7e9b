"""How much a ranking owes to the weights: gaps, swaps, stability, SMAA.

For the weighted sum every question has an exact answer, since a score is
linear in the weights:

* :func:`explain_gap` splits the note gap between two candidacies by
  criterion ("why X ranks above Y");
* :func:`swap_weight` finds the smallest change of one weight (the others
  rescaled proportionally, :func:`rescale_weights`) that makes them tie;
* :func:`weight_stability` and :func:`leader_stability` give, for each
  weight, the exact interval within which the first place, the whole ranking
  or the first place of each group (EPCI) holds.

:func:`smaa` then draws weight vectors around the grid's (Dirichlet, seeded)
and reports the probability of each rank, for TOPSIS too.

Examples
--------
>>> import pandas as pd
>>> from mitlib.candidatures.grid import Grid
>>> from mitlib.candidatures.scoring import score
>>> grid = Grid.from_dict({"criteres": [{"cle": "x", "sens": "max", "poids": 3},
...                                     {"cle": "y", "sens": "max", "poids": 1}]})
>>> r = score(pd.DataFrame({"x": [0, 1], "y": [1, 0]}, index=["A", "B"]), grid)
>>> float(explain_gap(r, "B", "A")["ecart"].sum())
10.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.grid_options import MAX_DRAWS
from mitlib.candidatures.mcda import (
    Direction,
    is_number,
    normalize_vector,
    normalize_weights,
    topsis_closeness,
)
from mitlib.candidatures.scoring import TIE_TOLERANCE, ScoreResult, score
from mitlib.core.errors import OptionError
from mitlib.core.text import format_fr

__all__ = [
    "SmaaResult",
    "WeightSwap",
    "explain_gap",
    "leader_stability",
    "rescale_weights",
    "smaa",
    "swap_weight",
    "weight_stability",
]

_SLOPE_EPS = 1e-12


def _require_linear(result: ScoreResult) -> None:
    if result.grid.method != "somme":
        raise OptionError(
            "Cette analyse exacte n'est définie que pour la somme pondérée "
            f"(méthode de la grille : « {result.grid.method} ») ; utilisez smaa()."
        )


def _require_eligible(result: ScoreResult, *codes: str) -> None:
    unknown = [str(c) for c in codes if c not in result.scores.index]
    if unknown:
        raise OptionError(f"Candidature inconnue ou éliminée : {', '.join(unknown)}.")


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
        raise OptionError(
            f"Critère inconnu : « {key} ». Critères : {', '.join(map(str, w.index))}."
        )
    if not is_number(new_weight) or not 0 <= new_weight <= 1:
        raise OptionError(
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


def leader_stability(result: ScoreResult, groups: pd.Series) -> pd.DataFrame:
    """Exact range of each weight within which each group's leader stays first.

    The attribution gives each EPCI one host: what matters is who comes
    first *within* each EPCI. For every group (``groups`` maps ``code_insee``
    to a group, e.g. its ``epci_siren``) the leader is its best-ranked
    eligible candidacy; moving criterion ``k`` to weight ``t`` (others
    rescaled, :func:`rescale_weights`) keeps it first while its gap to every
    other eligible member stays >= 0, an intersection of half-lines in ``t``
    as in :func:`weight_stability`. A group with a single eligible candidacy
    keeps its leader on all of [0, 1]. Weighted sum only.

    Parameters
    ----------
    result : ScoreResult
    groups : Series
        ``code_insee -> group``; candidacies missing from it are ignored.

    Returns
    -------
    DataFrame
        One row per group and criterion: ``groupe``, ``premier`` (the
        leader's ``code_insee``), ``critere``, ``poids``, ``poids_min``,
        ``poids_max``.

    Examples
    --------
    >>> grid = Grid.from_dict({"criteres": [{"cle": "x", "sens": "max", "poids": 3},
    ...                                     {"cle": "y", "sens": "max", "poids": 1}]})
    >>> t = pd.DataFrame({"x": [0, 1, 0.5], "y": [1, 0, 0]}, index=["A", "B", "C"])
    >>> out = leader_stability(score(t, grid), pd.Series({"A": 1, "B": 1, "C": 2}))
    >>> out[["groupe", "premier", "critere", "poids_min", "poids_max"]]
    ... # doctest: +NORMALIZE_WHITESPACE
       groupe premier critere  poids_min  poids_max
    0       1       B       x        0.5        1.0
    1       1       B       y        0.0        0.5
    2       2       C       x        0.0        1.0
    3       2       C       y        0.0        1.0
    """
    _require_linear(result)
    w = result.weights.to_numpy()
    keys = list(result.weights.index)
    ranking = [c for c in result.ranking if c in groups.index]
    members: dict[object, list[str]] = {}
    for code in ranking:  # best first, so members[g][0] is the leader
        members.setdefault(groups[code], []).append(code)
    rows = []
    for group in sorted(members, key=str):
        codes = members[group]
        n = result.normalized.loc[codes].to_numpy()
        gaps = n[:1] - n[1:]
        for k, key in enumerate(keys):
            if len(codes) == 1:
                lo, hi = 0.0, 1.0
            else:
                lo, hi = _interval(gaps, w, k)
            rows.append((group, codes[0], key, w[k], lo, hi))
    return pd.DataFrame(
        rows,
        columns=["groupe", "premier", "critere", "poids", "poids_min", "poids_max"],
    )


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
        ready for :func:`mitlib.candidatures.frequency.pair_frequency`.
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
    if (
        not isinstance(n_draws, int | np.integer)
        or isinstance(n_draws, bool)
        or not 1 <= n_draws <= MAX_DRAWS
    ):
        raise OptionError(
            "Nombre de tirages (« tirages » de la grille, n_draws) : entier de 1 à "
            f"{format_fr(MAX_DRAWS, 0)} attendu (reçu {n_draws!r})."
        )
    if not is_number(concentration) or concentration <= 0:
        raise OptionError(
            "La concentration (« concentration » de la grille) doit être un nombre "
            f"> 0 (reçu {concentration!r})."
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
        s = topsis_closeness(r, draws)

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
