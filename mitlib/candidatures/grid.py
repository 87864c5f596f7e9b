"""The scoring grid: criteria, preferences, attribution rules, robustness.

A :class:`Grid` is what the comité d'attribution agrees on *before* reading
the candidacies, usually as a YAML file an official can read and edit
(:meth:`Grid.from_yaml`): for each criterion
(:class:`~mitlib.candidatures.criteria.Criterion`) a French label, the column its
raw value comes from, a direction, a weight, a normalisation and an optional
eliminatory rule with its French motive; then how ties are broken, how much
a commune's ranking of the themes counts in the attribution
(:class:`~mitlib.candidatures.grid_options.Preference`), the constraints of
the attribution and the calendar
(:class:`~mitlib.candidatures.grid_options.AttributionSettings`) and the
settings of the robustness analysis
(:class:`~mitlib.candidatures.grid_options.RobustnessSettings`).

This module is the grid's model: its fields and their checks, the French and
English field names it reads (:meth:`Grid.from_dict`), the document it writes
back (:meth:`Grid.to_dict`) and the rules it gives the attribution
(:meth:`Grid.attribution_rules`). The file itself is read and checked by
:mod:`mitlib.candidatures.grid_reader`. Every error is French and names the
criterion and the field at fault. :meth:`Grid.sha256` identifies the grid
applied, whatever the layout of the file.

Examples
--------
>>> g = Grid.from_dict({"criteres": [
...     {"cle": "locaux", "libelle": "Locaux vacants", "sens": "max", "poids": 2},
...     {"cle": "distance", "sens": "plus bas est mieux", "poids": 1}]})
>>> g.weights.round(3).tolist()
[0.667, 0.333]
>>> g.criterion("distance").direction
<Direction.MIN: 'min'>
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from mitlib.candidatures.criteria import Criterion, EliminationRule
from mitlib.candidatures.grid_options import (
    AttributionSettings,
    Preference,
    RobustnessSettings,
)
from mitlib.candidatures.grid_reader import read_grid_file
from mitlib.candidatures.mcda import (
    AGGREGATIONS,
    Direction,
    check_method,
    normalize_weights,
)
from mitlib.candidatures.rules import AttributionRules
from mitlib.core.errors import InputError, OptionError

__all__ = ["Grid"]


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
    "attribution": "attribution",
    "robustesse": "robustness",
    "robustness": "robustness",
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
_ATTRIBUTION_FIELDS = {
    "note_minimale": "min_note",
    "min_note": "min_note",
    "themes_classes_seulement": "only_ranked_themes",
    "thèmes_classés_seulement": "only_ranked_themes",
    "only_ranked_themes": "only_ranked_themes",
    "labels_requis": "required_labels",
    "required_labels": "required_labels",
    "calendrier": "calendar",
    "calendar": "calendar",
    "alternatives": "n_alternatives",
    "n_alternatives": "n_alternatives",
}
_ROBUSTNESS_FIELDS = {
    "tirages": "n_draws",
    "n_draws": "n_draws",
    "concentration": "concentration",
    "graine": "seed",
    "seed": "seed",
    "tirages_attribution": "n_draws_attribution",
    "n_draws_attribution": "n_draws_attribution",
}


def _rename_fields(d: object, aliases: Mapping[str, str], where: str) -> dict[str, Any]:
    if not isinstance(d, Mapping):
        raise InputError(f"{where} : une table de champs est attendue (reçu {d!r}).")
    out: dict[str, Any] = {}
    for raw_key, value in d.items():
        name = aliases.get(str(raw_key).strip().lower())
        if name is None:
            valid = ", ".join(f"« {k} »" for k in dict.fromkeys(aliases))
            raise InputError(
                f"{where} : champ inconnu « {raw_key} ». Champs possibles : {valid}."
            )
        if name in out:
            raise InputError(f"{where} : champ « {raw_key} » donné deux fois.")
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
            raise InputError(f"{where} : champ « {name} » manquant.")
    key = fields["key"]
    if "direction" not in fields:
        if fields["weight"] != 0:
            raise InputError(f"{where} : champ « sens » manquant (« max » ou « min »).")
        fields["direction"] = Direction.MAX
    rule = fields.pop("elimination", None)
    if rule is not None:
        rule_fields = _rename_fields(rule, _RULE_FIELDS, f"{where}, règle éliminatoire")
        if "op" not in rule_fields:
            raise InputError(f"{where} : champ « elimination » : « op » manquant.")
        try:
            rule = EliminationRule(**rule_fields)
        except ValueError as exc:
            raise InputError(f"{where} : champ « elimination » : {exc}") from None
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
        :data:`mitlib.candidatures.scoring.TIE_TOLERANCE`; ``"code_insee"`` (ascending)
        always closes it.
    preference : Preference
        How the communes' ranking of the themes counts in the attribution.
    attribution : AttributionSettings
        Constraints of the attribution and the calendar.
    robustness : RobustnessSettings
        Settings of the Monte Carlo analysis over the weights.
    name : str
        Optional name of the grid.
    description : str
        Optional description.

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
    attribution: AttributionSettings = field(default_factory=AttributionSettings)
    robustness: RobustnessSettings = field(default_factory=RobustnessSettings)

    def __post_init__(self) -> None:
        criteria = tuple(self.criteria)
        if not criteria:
            raise InputError("Grille : champ « criteres » : aucun critère.")
        keys = [c.key for c in criteria]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise InputError(
                "Grille : champ « cle » : clés de critère en double : "
                f"{', '.join(duplicates)}."
            )
        if sum(c.weight for c in criteria) == 0:
            raise InputError(
                "Grille : champ « poids » : les poids des critères ne peuvent pas "
                "être tous nuls (au moins un critère doit compter dans la note)."
            )
        try:
            check_method(self.method, AGGREGATIONS, "Méthode d'agrégation")
        except ValueError as exc:
            raise InputError(f"Grille : champ « methode » : {exc}") from None
        tie = [str(k) for k in self.tie_break]
        unknown = [k for k in tie if k not in keys and k != "code_insee"]
        if unknown:
            raise InputError(
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
        mitlib.core.errors.InputError: Critère « a » : champ « poids » : nombre ...
        """
        fields = _rename_fields(d, _GRID_FIELDS, "Grille")
        raw_criteria = fields.get("criteria")
        if not isinstance(raw_criteria, list) or not raw_criteria:
            raise InputError(
                "Grille : champ « criteres » : liste non vide de critères attendue."
            )
        criteria = tuple(
            _criterion_from_dict(c, i) for i, c in enumerate(raw_criteria, 1)
        )
        tie = fields.get("tie_break") or ()
        if isinstance(tie, str):
            tie = (tie,)
        if not isinstance(tie, list | tuple):
            raise InputError(
                "Grille : champ « departage » : liste de clés de critère attendue "
                f"(reçu {tie!r})."
            )
        pref = fields.get("preference")
        preference = (
            Preference()
            if pref is None
            else Preference(**_rename_fields(pref, _PREFERENCE_FIELDS, "Préférence"))
        )
        section = fields.get("attribution")
        attribution = (
            AttributionSettings()
            if section is None
            else AttributionSettings(
                **_rename_fields(section, _ATTRIBUTION_FIELDS, "Attribution")
            )
        )
        settings = fields.get("robustness")
        robustness = (
            RobustnessSettings()
            if settings is None
            else RobustnessSettings(
                **_rename_fields(settings, _ROBUSTNESS_FIELDS, "Robustesse")
            )
        )
        return cls(
            criteria=criteria,
            method=str(fields.get("method", "somme")).strip().lower(),
            tie_break=tuple(tie),
            preference=preference,
            name=str(fields.get("name") or ""),
            description=str(fields.get("description") or ""),
            attribution=attribution,
            robustness=robustness,
        )

    @classmethod
    def from_yaml(cls, path: str | Path, *, notes: list[str] | None = None) -> Grid:
        """Read a grid from a YAML file (``yaml.safe_load``, UTF-8).

        The file is read and checked by
        :func:`mitlib.candidatures.grid_reader.read_grid_file` (same
        arguments, same errors: size, YAML anchors, Windows-1252, line and
        column of syntax errors), then its fields by :meth:`from_dict`; every
        error is French and prefixed with the file name.

        Examples
        --------
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     bad = Path(tmp, "grille.yaml")
        ...     _ = bad.write_text("criteres:\\n  - cle: a\\n   poids: 1\\n")
        ...     Grid.from_yaml(bad)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        mitlib.core.errors.InputError: Fichier de grille illisible (grille.yaml), ...
        """
        data = read_grid_file(path, notes=notes)
        try:
            return cls.from_dict(data)
        except InputError as exc:
            raise InputError(f"{Path(path).name} : {exc}") from None

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
            "attribution": {
                "note_minimale": self.attribution.min_note,
                "themes_classes_seulement": self.attribution.only_ranked_themes,
                "labels_requis": dict(self.attribution.required_labels),
                "calendrier": list(self.attribution.calendar),
                "alternatives": self.attribution.n_alternatives,
            },
            "robustesse": {
                "tirages": self.robustness.n_draws,
                "concentration": self.robustness.concentration,
                "graine": self.robustness.seed,
                "tirages_attribution": self.robustness.n_draws_attribution,
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
        raise OptionError(
            f"Critère inconnu : « {key} ». Critères de la grille : "
            f"{', '.join(self.keys)}."
        )

    def attribution_rules(self, labels: pd.Series | None = None) -> AttributionRules:
        """The rules the attribution applies: preference, minimum score, labels.

        Parameters
        ----------
        labels : Series, optional
            ``code_insee -> label`` of the candidacies; needed when the grid
            requires labels (« labels_requis »).

        Examples
        --------
        >>> g = Grid.from_dict({"criteres": [{"cle": "a", "sens": "max", "poids": 1}],
        ...                     "attribution": {"note_minimale": 8}})
        >>> rules = g.attribution_rules()
        >>> rules.preference_weight, rules.min_score, rules.only_ranked_themes
        (0.3, 0.4, False)
        """
        settings = self.attribution
        return AttributionRules(
            preference_weight=self.preference.weight,
            bonus_by_rank=self.preference.bonus_by_rank,
            min_score=settings.min_score,
            only_ranked_themes=settings.only_ranked_themes,
            required_labels=settings.required_labels,
            labels=labels,
        )

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
            raise OptionError(
                f"Critère(s) inconnu(s) : {', '.join(map(str, unknown))}. "
                f"Critères de la grille : {', '.join(self.keys)}."
            )
        criteria = tuple(
            replace(c, weight=weights[c.key]) if c.key in weights else c
            for c in self.criteria
        )
        return replace(self, criteria=criteria)
