"""Options of a scoring grid besides its criteria.

* :class:`Preference`: how much a commune's ranking of the themes counts in
  the attribution;
* :class:`AttributionSettings`: the constraints of the attribution (minimum
  note, only ranked themes, required labels) and the calendar;
* :class:`RobustnessSettings`: the seeded Monte Carlo analysis over the
  weights.

They are read from the ``preference``, ``attribution`` and ``robustesse``
sections of the grid's YAML file (:meth:`mitlib.candidatures.grid.Grid.from_yaml`);
errors are French and name the section and the field. The attribution
receives the first two as one object,
:meth:`mitlib.candidatures.grid.Grid.attribution_rules`.

Examples
--------
>>> Preference(weight=0.25).bonus_by_rank[2]
0.75
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from mitlib.candidatures.mcda import is_number
from mitlib.core.errors import InputError
from mitlib.core.text import format_fr

__all__ = ["AttributionSettings", "Preference", "RobustnessSettings"]

_DEFAULT_BONUS = {1: 1.0, 2: 0.75, 3: 0.5, 4: 0.25, 5: 0.0}

#: Accepted ranges of the grid's numeric settings (a grid is hand-written:
#: a misplaced zero must not make the analysis run for days or allocate
#: gigabytes). Each message gives the range.
MAX_RANK = 100
MAX_REQUIRED_LABEL = 1_000
MAX_ALTERNATIVES = 50
MIN_DRAWS, MAX_DRAWS = 100, 100_000
MAX_DRAWS_ATTRIBUTION = 10_000
MIN_CONCENTRATION, MAX_CONCENTRATION = 0.01, 100_000.0
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Preference:
    """How a commune's ranking of the themes enters the attribution.

    ``value = (1 - weight) * score + weight * bonus_by_rank[rank]`` (see
    :func:`mitlib.candidatures.attribution.attribute`); an unranked theme has bonus 0.
    The attribution receives them in
    :meth:`mitlib.candidatures.grid.Grid.attribution_rules`.

    Examples
    --------
    >>> Preference().weight
    0.3
    """

    bonus_by_rank: Mapping[int, float] = field(
        default_factory=lambda: dict(_DEFAULT_BONUS)
    )
    weight: float = 0.3

    def __post_init__(self) -> None:
        if not is_number(self.weight) or not 0 <= self.weight <= 1:
            raise InputError(
                "Préférence : champ « poids » : nombre entre 0 et 1 attendu "
                f"(reçu {self.weight!r})."
            )
        if not isinstance(self.bonus_by_rank, Mapping):
            raise InputError(
                "Préférence : champ « bonus_par_rang » : table « rang: bonus » "
                f"attendue, par exemple « 1: 1.0 » (reçu {self.bonus_by_rank!r})."
            )
        bonus: dict[int, float] = {}
        for rank, value in dict(self.bonus_by_rank).items():
            try:
                r = int(rank)
            except (TypeError, ValueError):
                r = None
            if r is None or not 1 <= r <= MAX_RANK or str(rank).strip() != str(r):
                raise InputError(
                    "Préférence : champ « bonus_par_rang » : rang entier de 1 à "
                    f"{MAX_RANK} attendu (reçu {rank!r})."
                )
            if not is_number(value) or not 0 <= value <= 1:
                raise InputError(
                    "Préférence : champ « bonus_par_rang » : bonus entre 0 et 1 "
                    f"attendu pour le rang {r} (reçu {value!r})."
                )
            bonus[r] = float(value)
        object.__setattr__(self, "bonus_by_rank", dict(sorted(bonus.items())))
        object.__setattr__(self, "weight", float(self.weight))


def _flag(value: object, where: str) -> bool:
    """A yes/no field: YAML booleans, or « oui »/« non »."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"oui", "non"}:
        return value.strip().lower() == "oui"
    raise InputError(f"{where} : « oui » ou « non » attendu (reçu {value!r}).")


def _count(value: object, where: str, *, minimum: int, maximum: int) -> int:
    """A whole number from ``minimum`` to ``maximum`` (``5`` or ``5.0``, not ``True``).

    Examples
    --------
    >>> _count(5.0, "x", minimum=1, maximum=10)
    5
    >>> _count(10**9, "« tirages »", minimum=100, maximum=100_000)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mitlib.core.errors.InputError: « tirages » : entier de 100 à 100\u202f000 ...
    """
    if (
        not is_number(value)
        or float(value) != int(value)
        or not minimum <= value <= maximum
    ):
        raise InputError(
            f"{where} : entier de {format_fr(minimum, 0)} à "
            f"{format_fr(maximum, 0)} attendu (reçu {value!r})."
        )
    return int(value)


@dataclass(frozen=True)
class AttributionSettings:
    """Constraints of the attribution and the calendar of the marathons.

    Parameters
    ----------
    min_note : float, optional
        Lowest note out of 20 a host may have (None: no minimum), as written
        in the grid (« note_minimale »); the attribution applies
        :attr:`min_score`, the same threshold on the 0–1 scale of the scores.
    only_ranked_themes : bool, default False
        Only give a commune a theme it ranked.
    required_labels : mapping label -> int
        For instance ``{"ACV": 1}``: at least one host labelled ACV.
    calendar : tuple of str
        The periods of the cycle, in chronological order (empty: the periods
        the candidacies name, in sorted order).
    n_alternatives : int, default 3
        How many next-best attributions are listed after the proposal.

    Examples
    --------
    >>> settings = AttributionSettings(min_note=8, required_labels={"ACV": 1})
    >>> settings.min_score, settings.required_labels
    (0.4, {'ACV': 1})
    """

    min_note: float | None = None
    only_ranked_themes: bool = False
    required_labels: Mapping[str, int] = field(default_factory=dict)
    calendar: tuple[str, ...] = ()
    n_alternatives: int = 3

    def __post_init__(self) -> None:
        where = "Attribution : champ"
        if self.min_note is not None:
            if not is_number(self.min_note) or not 0 <= self.min_note <= 20:
                raise InputError(
                    f"{where} « note_minimale » : nombre entre 0 et 20 attendu "
                    f"(reçu {self.min_note!r})."
                )
            object.__setattr__(self, "min_note", float(self.min_note))
        object.__setattr__(
            self,
            "only_ranked_themes",
            _flag(self.only_ranked_themes, f"{where} « themes_classes_seulement »"),
        )
        if not isinstance(self.required_labels, Mapping):
            raise InputError(
                f"{where} « labels_requis » : table « label: nombre » attendue "
                f"(reçu {self.required_labels!r})."
            )
        labels = {
            str(k): _count(
                v,
                f"{where} « labels_requis » ({k})",
                minimum=0,
                maximum=MAX_REQUIRED_LABEL,
            )
            for k, v in self.required_labels.items()
        }
        object.__setattr__(self, "required_labels", dict(sorted(labels.items())))
        calendar = self.calendar
        if isinstance(calendar, str) or not isinstance(calendar, Iterable):
            raise InputError(
                f"{where} « calendrier » : liste de périodes attendue "
                f"(reçu {calendar!r})."
            )
        calendar = tuple(str(p).strip() for p in calendar)
        duplicates = sorted({p for p in calendar if calendar.count(p) > 1})
        if duplicates:
            raise InputError(
                f"{where} « calendrier » : période(s) en double : "
                f"{', '.join(duplicates)}."
            )
        object.__setattr__(self, "calendar", calendar)
        object.__setattr__(
            self,
            "n_alternatives",
            _count(
                self.n_alternatives,
                f"{where} « alternatives »",
                minimum=1,
                maximum=MAX_ALTERNATIVES,
            ),
        )

    @property
    def min_score(self) -> float | None:
        """The minimum note on the 0–1 scale of the scores (note / 20)."""
        return None if self.min_note is None else self.min_note / 20.0


@dataclass(frozen=True)
class RobustnessSettings:
    """Settings of the Monte Carlo analysis over the weights (seeded).

    Parameters
    ----------
    n_draws : int, default 10 000
        Weight draws for the rank probabilities
        (:func:`mitlib.candidatures.sensitivity.smaa`).
    concentration : float, default 50
        Spread of the Dirichlet draws around the grid's weights (higher:
        closer).
    seed : int, default 47
        Seed of the random generator: the same grid gives the same figures.
    n_draws_attribution : int, default 500
        The first draws for which the whole attribution is solved again
        (:func:`mitlib.candidatures.frequency.pair_frequency`), one exact solve
        each.

    Examples
    --------
    >>> RobustnessSettings(n_draws=1000).n_draws_attribution
    500
    """

    n_draws: int = 10_000
    concentration: float = 50.0
    seed: int = 47
    n_draws_attribution: int = 500

    def __post_init__(self) -> None:
        where = "Robustesse : champ"
        n = _count(
            self.n_draws, f"{where} « tirages »", minimum=MIN_DRAWS, maximum=MAX_DRAWS
        )
        object.__setattr__(self, "n_draws", n)
        if (
            not is_number(self.concentration)
            or not MIN_CONCENTRATION <= self.concentration <= MAX_CONCENTRATION
        ):
            raise InputError(
                f"{where} « concentration » : nombre de "
                f"{str(MIN_CONCENTRATION).replace('.', ',')} à "
                f"{format_fr(int(MAX_CONCENTRATION), 0)} attendu "
                f"(reçu {self.concentration!r})."
            )
        object.__setattr__(self, "concentration", float(self.concentration))
        object.__setattr__(
            self,
            "seed",
            _count(self.seed, f"{where} « graine »", minimum=0, maximum=MAX_SEED),
        )
        k = _count(
            self.n_draws_attribution,
            f"{where} « tirages_attribution »",
            minimum=0,
            maximum=MAX_DRAWS_ATTRIBUTION,
        )
        object.__setattr__(self, "n_draws_attribution", min(k, n))
