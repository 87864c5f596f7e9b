"""One criterion of the scoring grid and its eliminatory rule.

A :class:`Criterion` says where a raw value comes from, which way is better,
how much it weighs and how it is normalised; its optional
:class:`EliminationRule` removes a candidacy with a French motive. Both check
their fields when built; the errors are French and name the criterion and
the field (« cle », « poids », « sens », « normalisation », « elimination »).
A grid (:class:`mitlib.candidatures.grid.Grid`) is a tuple of them plus its
options.

Examples
--------
>>> c = Criterion("locaux", "Locaux vacants", "locaux", "plus haut est mieux", 2)
>>> c.direction, c.weight
(<Direction.MAX: 'max'>, 2.0)
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mitlib.candidatures.mcda import (
    NORMALIZATIONS,
    Direction,
    check_method,
    is_number,
)
from mitlib.core.errors import InputError
from mitlib.core.text import format_fr

__all__ = ["ELIMINATION_OPERATORS", "MAX_WEIGHT", "Criterion", "EliminationRule"]

ELIMINATION_OPERATORS: tuple[str, ...] = (">=", ">", "<=", "<", "==", "in", "non_vide")

_COMPARATORS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}

_KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Largest criterion weight (only the ratios count).
MAX_WEIGHT = 1_000_000


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
            raise InputError(
                f"opérateur inconnu {self.op!r}. Valeurs possibles : {valid}."
            )
        if self.op in _COMPARATORS and not is_number(self.value):
            raise InputError(
                f"l'opérateur « {self.op} » attend un nombre (reçu {self.value!r})."
            )
        if self.op == "in":
            if isinstance(self.value, str) or not isinstance(self.value, Iterable):
                raise InputError("l'opérateur « in » attend une liste de valeurs.")
            values = tuple(self.value)
            if not values:
                raise InputError("l'opérateur « in » attend une liste non vide.")
            object.__setattr__(self, "value", values)
        if self.op == "==" and not (
            is_number(self.value) or isinstance(self.value, str)
        ):
            raise InputError(
                "l'opérateur « == » attend un nombre ou un texte "
                f"(reçu {self.value!r})."
            )
        if self.op == "non_vide" and self.value is not None:
            raise InputError("l'opérateur « non_vide » ne prend pas de valeur.")
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
            raise InputError(
                f"{where} : champ « cle » : identifiant attendu (lettres sans accent, "
                "chiffres, « _ »)."
            )
        if not is_number(self.weight) or not 0 <= self.weight <= MAX_WEIGHT:
            raise InputError(
                f"{where} : champ « poids » : nombre positif ou nul attendu, "
                f"au plus {format_fr(MAX_WEIGHT, 0)} (reçu {self.weight!r})."
            )
        object.__setattr__(self, "weight", float(self.weight))
        try:
            object.__setattr__(self, "direction", Direction.from_alias(self.direction))
        except ValueError as exc:
            raise InputError(f"{where} : champ « sens » : {exc}") from None
        try:
            check_method(self.normalisation, NORMALIZATIONS, "Normalisation")
        except ValueError as exc:
            raise InputError(f"{where} : champ « normalisation » : {exc}") from None
