"""Scoring of candidacies with a grid: eliminations, notes, contributions, ranks.

:func:`score` turns a table of candidacies (one row per commune, index
``code_insee``) and a :class:`~mitlib.candidatures.grid.Grid` into notes out of 20, the
contribution of every criterion and a ranking; ties go to the grid's written
tie-break rule. How much that ranking owes to the weights is the business of
:mod:`mitlib.candidatures.sensitivity`.

Notes are aggregated, ranks never are. Adding up the ranks obtained on each
criterion (or rating a criterion by its rank) ignores the size of the gaps
and can neutralise the announced weighting. By analogy with the case law on
rating methods in public procurement, where a method must not deprive the
criteria of their scope nor neutralise their weighting (CE, 3 novembre 2014,
n° 373362, *Commune de Belleville-sur-Loire*), every criterion is first
normalised to a note in [0, 1] and only the notes are weighted and summed (or
fed to TOPSIS). A decision of 7 June 2024 (CE, n° 489404) is sometimes cited
on rating by rank; the reference was not checked here, so cite it only after
reading it on Légifrance.

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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.mcda import (
    AGGREGATIONS,
    NORMALIZATIONS,
    Direction,
    normalize_weights,
)
from mitlib.core.errors import InputError

__all__ = ["TIE_TOLERANCE", "ScoreResult", "score"]

#: Two aggregated scores (on the 0–1 scale) closer than this are a tie and
#: go to the grid's tie-break rule (2e-8 points out of 20).
TIE_TOLERANCE = 1e-9


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

    Ranks are never aggregated (see the module docstring).

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
        raise InputError(f"Candidatures en double (code_insee) : {', '.join(dup)}.")
    missing = sorted({c.source for c in grid.criteria} - set(table.columns))
    if missing:
        raise InputError(
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
            raise InputError(
                f"Critère « {c.key} » : la colonne « {c.source} » doit être numérique "
                "(seul un critère de poids nul peut servir de simple filtre)."
            )
    keys = [c.key for c in scored]
    for k in grid.tie_break[:-1]:
        if k not in keys:
            raise InputError(
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
        raise InputError(
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
            raise InputError(f"Critère « {c.key} » : {exc}") from None

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
