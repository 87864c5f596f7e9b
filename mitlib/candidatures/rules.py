"""The rules of an attribution, as one typed, checked object.

:class:`AttributionRules` gathers what the attribution functions
(:func:`mitlib.candidatures.attribution.attribute`,
:func:`mitlib.candidatures.attribution.next_best`,
:func:`mitlib.candidatures.frequency.pair_frequency`,
:func:`mitlib.candidatures.history.compare_with_history`) need besides the
scores and the preferences: how much the communes' ranking of the themes
counts, the minimum score, the themes allowed, the required labels and the
exclusions. It is built once from the grid
(:meth:`mitlib.candidatures.grid.Grid.attribution_rules`) and checked when
built; errors are French and name the grid field and the rule.

Examples
--------
>>> rules = AttributionRules(preference_weight=0.5, bonus_by_rank={"1": 1})
>>> rules.bonus_by_rank, rules.required_labels, rules.exclude
({1: 1.0}, {}, ())
>>> AttributionRules(preference_weight=0.5, bonus_by_rank={1: 1.0},
...                  required_labels={"ACV": 1})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
mitlib.core.errors.OptionError: Des labels sont exigés (« labels_requis », ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mitlib.core.errors import OptionError

__all__ = ["AttributionRules"]


@dataclass(frozen=True, eq=False)
class AttributionRules:
    """What an attribution must respect and how it values a pair.

    ``value(commune, theme) = (1 - preference_weight) * score(commune)
    + preference_weight * bonus_by_rank[rank the commune gave the theme]``
    (bonus 0 for an unranked theme).

    Parameters
    ----------
    preference_weight : float in [0, 1]
    bonus_by_rank : mapping rank -> bonus in [0, 1]
        A rank absent from the mapping is an error when a commune gave it.
    min_score : float, optional
        Candidacies with a lower score (0 to 1, note / 20) cannot host.
    only_ranked_themes : bool, default False
        Only give a commune a theme it ranked.
    required_labels : mapping label -> int
        For instance ``{"ACV": 1}``: at least one host labelled ACV; needs
        ``labels``.
    labels : Series, optional
        ``code_insee -> label`` (``"ACV"``, ``"PVD"``...).
    exclude : iterable
        Communes (``"47001"``) or commune–theme pairs (``("47001", "tourisme")``)
        that cannot be chosen.
    """

    preference_weight: float
    bonus_by_rank: Mapping[int, float]
    min_score: float | None = None
    only_ranked_themes: bool = False
    required_labels: Mapping[str, int] = field(default_factory=dict)
    labels: pd.Series | None = None
    exclude: tuple[str | tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.preference_weight <= 1:
            raise OptionError(
                "Le poids des préférences (« poids » de la section « preference » "
                "de la grille, preference_weight) doit être compris entre 0 et 1 "
                f"(reçu {self.preference_weight!r})."
            )
        bonus = {int(k): float(v) for k, v in self.bonus_by_rank.items()}
        object.__setattr__(self, "bonus_by_rank", bonus)
        required = dict(self.required_labels or {})
        if required and self.labels is None:
            raise OptionError(
                "Des labels sont exigés (« labels_requis », required_labels) : "
                "fournissez la série labels (code_insee → label)."
            )
        for label, count in required.items():
            if not isinstance(count, int | np.integer) or count < 0:
                raise OptionError(
                    f"« labels_requis » (required_labels) : le nombre demandé pour "
                    f"« {label} » doit être un entier ≥ 0 (reçu {count!r})."
                )
        object.__setattr__(self, "required_labels", required)
        exclude: Iterable[str | tuple[str, str]] = self.exclude
        object.__setattr__(self, "exclude", tuple(exclude))
