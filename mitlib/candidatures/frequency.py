"""How often each commune–theme pair wins when the weights are drawn at random.

:func:`pair_frequency` solves the attribution exactly once per weight draw of
the robustness analysis (:func:`mitlib.candidatures.sensitivity.smaa`) and
counts the pairs chosen: a pair chosen in nearly every draw does not hang on
the exact weights of the grid.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mitlib.candidatures.attribution_model import (
    SCORE_TOLERANCE,
    build_model,
    check_score_range,
)
from mitlib.candidatures.rules import AttributionRules
from mitlib.core.errors import InputError, OptionError

__all__ = ["pair_frequency"]


def pair_frequency(
    score_draws: pd.DataFrame,
    epci: pd.Series,
    preferences: pd.DataFrame,
    themes: Sequence[str],
    rules: AttributionRules,
    *,
    n_draws: int | None = None,
) -> pd.DataFrame:
    """How often each commune–theme pair is chosen across weight draws.

    The optimal attribution is solved exactly for every row of
    ``score_draws``, e.g. :attr:`mitlib.candidatures.sensitivity.SmaaResult.scores`.
    The model is built once; per draw only the best candidacy of each (EPCI, theme,
    required labels) group is left free, which cannot change the optimum
    value since such candidacies are interchangeable in every constraint.

    Parameters
    ----------
    score_draws : DataFrame
        One row per draw, one column per candidacy (``code_insee``), scores
        in [0, 1].
    n_draws : int, optional
        Use only the first ``n_draws`` rows (the draws are independent, so
        they are a random subset), for speed.
    epci, preferences, themes, rules
        As for :func:`mitlib.candidatures.attribution.attribute`;
        ``rules.min_score`` applies to each draw's scores.

    Returns
    -------
    DataFrame
        Candidacies × themes, share of the draws choosing the pair (each
        theme column sums to 1 when every theme is attributed).

    Raises
    ------
    ValueError
        If a draw admits no attribution (its number is given).

    Examples
    --------
    >>> draws = pd.DataFrame({"47001": [0.9, 0.2], "47002": [0.5, 0.6]})
    >>> epci = pd.Series({"47001": "E1", "47002": "E1"})
    >>> prefs = pd.DataFrame({"a": [1, 1]}, index=["47001", "47002"])
    >>> rules = AttributionRules(preference_weight=0, bonus_by_rank={1: 1.0})
    >>> pair_frequency(draws, epci, prefs, ["a"], rules)["a"].tolist()
    [0.5, 0.5]
    """
    draws = score_draws if n_draws is None else score_draws.iloc[:n_draws]
    if len(draws) == 0:
        raise OptionError("Aucun tirage de scores.")
    if not draws.columns.is_unique:
        raise InputError("Les tirages contiennent des candidatures en double.")
    model = build_model(
        draws.iloc[0], epci, preferences, themes, rules, filter_scores=False
    )
    s_all = draws.reindex(columns=model.candidates).to_numpy(dtype=float)
    if not np.isfinite(s_all).all():
        raise InputError("Les tirages de scores contiennent des valeurs manquantes.")
    check_score_range(s_all)
    counts = np.zeros((len(model.candidates), len(model.themes)))
    for d in range(s_all.shape[0]):
        values = model.values(s_all[d])
        upper = None
        if rules.min_score is not None:
            low = rules.min_score - SCORE_TOLERANCE
            upper = (s_all[d][model.ci] >= low).astype(float)
        chosen = model.solve(values, upper=model.dominant(values, upper))
        if chosen is None:
            raise InputError(
                f"Tirage n° {d} : aucune attribution possible (note minimale "
                "« note_minimale », min_score, trop élevée ou contraintes trop "
                "strictes)."
            )
        counts[model.ci[chosen], model.tj[chosen]] += 1
    out = pd.DataFrame(
        counts / s_all.shape[0], index=model.candidates, columns=model.themes
    )
    out.index.name = "code_insee"
    return out
