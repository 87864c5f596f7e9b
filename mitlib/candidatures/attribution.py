"""Attribution of the marathons: one host commune and one theme per EPCI.

The comité d'attribution gives each EPCI one host commune among its eligible
candidacies and one theme, each theme at most once (exactly once when there
are as many EPCI as themes, the usual 5 × 5 case). :func:`attribute` finds
the attribution maximising the sum over the chosen pairs of

    value(commune, theme) = (1 - preference_weight) * score(commune)
                            + preference_weight * bonus(rank the commune gave the theme)

exactly, under the grid's :class:`~mitlib.candidatures.rules.AttributionRules`
(the 0–1 programme is :class:`~mitlib.candidatures.attribution_model.AttributionModel`);
:func:`next_best` lists the following attributions with their gap to the
optimum. How often each pair wins under random weights is
:func:`mitlib.candidatures.frequency.pair_frequency`; the calendar of the
hosts is :func:`mitlib.candidatures.calendar.schedule`.

Examples
--------
>>> import pandas as pd
>>> scores = pd.Series({"47001": 0.9, "47002": 0.5, "47003": 0.7})
>>> epci = pd.Series({"47001": "E1", "47002": "E1", "47003": "E2"})
>>> prefs = pd.DataFrame({"commerce": [1, 2, 2], "tourisme": [2, 1, 1]},
...                      index=["47001", "47002", "47003"])
>>> rules = AttributionRules(preference_weight=0.5, bonus_by_rank={1: 1.0, 2: 0.0})
>>> a = attribute(scores, epci, prefs, ["commerce", "tourisme"], rules)
>>> a.pairs
{'47001': 'commerce', '47003': 'tourisme'}
>>> round(a.value, 6)
1.8
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mitlib.candidatures.attribution_model import (
    Attribution,
    build_model,
    infeasible_error,
)
from mitlib.candidatures.rules import AttributionRules
from mitlib.core.errors import OptionError

__all__ = ["attribute", "next_best"]


def _optimum(scores, epci, preferences, themes, rules):
    """The model, the candidacy scores, the variable values and the optimum's
    chosen variables; :func:`~mitlib.candidatures.attribution_model.infeasible_error`
    when there is none."""
    model = build_model(scores, epci, preferences, themes, rules, filter_scores=True)
    s = scores.reindex(model.candidates).to_numpy(dtype=float)
    values = model.values(s)
    chosen = model.solve(values)
    if chosen is None:
        raise infeasible_error()
    return model, s, values, chosen


def attribute(
    scores: pd.Series,
    epci: pd.Series,
    preferences: pd.DataFrame,
    themes: Sequence[str],
    rules: AttributionRules,
) -> Attribution:
    """Best attribution of a host commune and a theme to every EPCI.

    Maximises ``Σ value(commune, theme)`` over the chosen pairs, with
    ``value = (1 - preference_weight) * score + preference_weight * bonus``,
    subject to: exactly one (commune, theme) per EPCI, each theme at most
    once (so exactly once when there are as many EPCI as themes), and, for
    each ``label: count`` of ``rules.required_labels``, at least ``count``
    hosts carrying that label. Solved exactly by :func:`scipy.optimize.milp`.

    Parameters
    ----------
    scores : Series
        Score in [0, 1] of each eligible candidacy (index ``code_insee``),
        e.g. :attr:`mitlib.candidatures.scoring.ScoreResult.scores`.
    epci : Series
        ``code_insee -> epci_siren``. Every EPCI among its values must host a
        marathon, so pass the candidacies of the EPCI concerned (or all
        communes of the territory).
    preferences : DataFrame
        Index ``code_insee``, one column per theme, the rank (1 = favourite)
        the commune gave the theme, NaN if it did not rank it. Missing
        candidacies count as having ranked nothing.
    themes : sequence of str
    rules : AttributionRules
        Preference weight and bonus by rank, minimum score, only ranked
        themes, required labels (with the labels), exclusions; usually
        :meth:`mitlib.candidatures.grid.Grid.attribution_rules`.

    Returns
    -------
    Attribution

    Raises
    ------
    ValueError
        In French, naming the EPCI or the constraint to relax when no
        attribution exists.

    Notes
    -----
    Attributions of equal value are equally optimal; which one the solver
    returns is deterministic for given inputs, and :func:`next_best` lists the
    others (gap 0).

    Examples
    --------
    >>> scores = pd.Series({"47001": 0.9, "47002": 0.5})
    >>> epci = pd.Series({"47001": "E1", "47002": "E2"})
    >>> prefs = pd.DataFrame({"a": [1, 1], "b": [2, 2]}, index=scores.index)
    >>> rules = AttributionRules(
    ...     preference_weight=0.5, bonus_by_rank={1: 1.0, 2: 0.0},
    ...     required_labels={"ACV": 1},
    ...     labels=pd.Series({"47001": "PVD", "47002": "PVD"}))
    >>> attribute(scores, epci, prefs, ["a", "b"], rules)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mitlib.core.errors.InputError: Contrainte « labels_requis » (required_labels) « ...
    """
    model, s, values, chosen = _optimum(scores, epci, preferences, themes, rules)
    return model.attribution(chosen, s, values)


def next_best(
    scores: pd.Series,
    epci: pd.Series,
    preferences: pd.DataFrame,
    themes: Sequence[str],
    rules: AttributionRules,
    *,
    k: int = 3,
) -> list[Attribution]:
    """The ``k`` best attributions after the optimum, exactly.

    Each solve adds a no-good cut ``Σ_{(c, t) ∈ S} x[c, t] <= |S| - 1`` for
    every attribution ``S`` already found; since every attribution chooses
    exactly one pair per EPCI, the cut removes ``S`` and nothing else, so
    the solutions come in order of decreasing value. Arguments as for
    :func:`attribute`.

    Returns
    -------
    list of Attribution
        Ranks 2, 3, …, ``k + 1`` with their ``gap`` to the optimum; shorter
        if fewer attributions exist.

    Examples
    --------
    >>> scores = pd.Series({"47001": 0.9, "47002": 0.5})
    >>> epci = pd.Series({"47001": "E1", "47002": "E2"})
    >>> prefs = pd.DataFrame({"a": [1, 2], "b": [2, 1]}, index=scores.index)
    >>> rules = AttributionRules(preference_weight=0.5, bonus_by_rank={1: 1.0, 2: 0.0})
    >>> [(a.rank, a.pairs, round(a.gap, 6))
    ...  for a in next_best(scores, epci, prefs, ["a", "b"], rules)]
    [(2, {'47001': 'b', '47002': 'a'}, 1.0)]
    """
    if not isinstance(k, int | np.integer) or k < 1:
        raise OptionError(
            f"Nombre d'attributions (k, « alternatives » de la grille) : entier ≥ 1 "
            f"attendu (reçu {k!r})."
        )
    model, s, values, best = _optimum(scores, epci, preferences, themes, rules)
    optimum = float(values[best].sum())
    cuts = [best]
    out: list[Attribution] = []
    for rank in range(2, k + 2):
        chosen = model.solve(values, cuts=cuts)
        if chosen is None:
            break
        out.append(model.attribution(chosen, s, values, optimum=optimum, rank=rank))
        cuts.append(chosen)
    return out
