"""The calendar of the marathons: a period for each host commune.

:func:`schedule` matches the host communes of an attribution to the periods
of the cycle they are available for, as early as possible and
deterministically; when no complete schedule exists, the French error names
the communes that together have fewer available periods than marathons
(Hall's condition: :func:`mitlib.solve.hall.hall_violation`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from mitlib.candidatures.attribution_model import Attribution
from mitlib.core.errors import InputError
from mitlib.solve.hall import hall_violation

__all__ = ["schedule"]


def schedule(
    attribution: Attribution | Iterable[str],
    availability: Mapping[str, Iterable[Hashable]],
    periods: Sequence[Hashable],
) -> dict[str, Hashable]:
    """Give each host commune a period of the calendar, each period at most once.

    A bipartite matching between the host communes and the periods they are
    available for. Among all complete schedules, the rule is:

    1. the sum of the positions of the periods used is minimal (the calendar
       is as early as possible, :func:`scipy.optimize.linear_sum_assignment`);
    2. among those, communes taken in ascending ``code_insee`` order each get
       the earliest period still compatible with rule 1.

    Parameters
    ----------
    attribution : Attribution or iterable of str
        The host communes.
    availability : mapping code_insee -> iterable of periods
    periods : sequence
        The calendar, in chronological order.

    Returns
    -------
    dict
        ``code_insee -> period``, in chronological order.

    Raises
    ------
    ValueError
        In French, naming the communes that cannot all be scheduled and the
        only periods they share.

    Examples
    --------
    >>> schedule(["47001", "47002"],
    ...          {"47001": {"juin", "novembre"}, "47002": {"juin"}},
    ...          ["mars", "juin", "novembre"])
    {'47002': 'juin', '47001': 'novembre'}
    """
    communes = (
        [str(c) for c in attribution.table["code_insee"]]
        if isinstance(attribution, Attribution)
        else [str(c) for c in attribution]
    )
    communes = sorted(communes)
    periods = list(periods)
    if len(set(communes)) != len(communes):
        raise InputError("Une commune apparaît deux fois dans l'attribution.")
    if len(set(periods)) != len(periods):
        raise InputError(
            "Le calendrier (« calendrier » de la grille) contient des périodes en "
            "double."
        )
    missing = [c for c in communes if c not in availability]
    if missing:
        raise InputError(f"Disponibilités manquantes pour : {', '.join(missing)}.")
    position = {p: j for j, p in enumerate(periods)}
    allowed = np.zeros((len(communes), len(periods)), dtype=bool)
    for i, c in enumerate(communes):
        unknown = [p for p in availability[c] if p not in position]
        if unknown:
            raise InputError(
                f"Périodes inconnues dans les disponibilités de {c} : "
                f"{', '.join(map(str, unknown))}. Calendrier : "
                f"{', '.join(map(str, periods))}."
            )
        for p in availability[c]:
            allowed[i, position[p]] = True
    n, n_periods = allowed.shape
    if n == 0:
        return {}

    forbidden = float(n * n_periods + 1)  # above any feasible total

    def best_total(mask: np.ndarray) -> float | None:
        cost = np.where(mask, np.arange(n_periods, dtype=float)[None, :], forbidden)
        rows, cols = linear_sum_assignment(cost)
        if not mask[rows, cols].all():
            return None
        return float(cost[rows, cols].sum())

    if n > n_periods or best_total(allowed) is None:
        violation = hall_violation(allowed)
        culprits = [communes[i] for i in violation.left]
        shared = [periods[j] for j in violation.right]
        if shared:
            detail = (
                f"n'ont ensemble que {len(shared)} période(s) disponible(s) "
                f"({', '.join(map(str, shared))})"
            )
        else:
            detail = "n'ont aucune période disponible"
        raise InputError(
            f"Impossible de programmer toutes les communes : {', '.join(culprits)} "
            f"{detail} pour {len(culprits)} marathons. Élargissez leurs "
            "disponibilités ou ajoutez des périodes."
        )
    target = best_total(allowed)
    mask = allowed.copy()
    result: dict[str, Hashable] = {}
    for i, c in enumerate(communes):
        for j in np.flatnonzero(mask[i]):
            trial = mask.copy()
            trial[i, :] = False
            trial[i, j] = True
            trial[i + 1 :, j] = False
            if best_total(trial) == target:
                mask = trial
                result[c] = periods[j]
                break
    return dict(sorted(result.items(), key=lambda item: position[item[1]]))
