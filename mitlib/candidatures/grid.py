"""The scoring grid: criteria, eliminatory rules, preferences, attribution rules.

A :class:`Grid` is what the comité d'attribution agrees on *before* reading
the candidacies, usually as a YAML file an official can read and edit
(:meth:`Grid.from_yaml`): for each criterion a French label, the column its
raw value comes from, a direction, a weight, a normalisation and an optional
eliminatory rule with its French motive; then how ties are broken, how much
a commune's ranking of the themes counts in the attribution
(:class:`Preference`), the constraints of the attribution and the calendar
(:class:`AttributionRules`) and the settings of the robustness analysis
(:class:`RobustnessSettings`).

Every error is French and names the criterion and the field at fault.
:meth:`Grid.sha256` identifies the grid applied, whatever the layout of the
file.

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
import operator
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from mitlib.candidatures.grid_options import (
    AttributionRules,
    Preference,
    RobustnessSettings,
    _int_fr,
)
from mitlib.candidatures.mcda import (
    AGGREGATIONS,
    NORMALIZATIONS,
    Direction,
    _check_method,
    _is_number,
    normalize_weights,
)
from mitlib.core.errors import InputError, OptionError

__all__ = [
    "ELIMINATION_OPERATORS",
    "AttributionRules",
    "Criterion",
    "EliminationRule",
    "Grid",
    "Preference",
    "RobustnessSettings",
]  # the options are re-exported: a grid is read and used as one document

ELIMINATION_OPERATORS: tuple[str, ...] = (">=", ">", "<=", "<", "==", "in", "non_vide")

_COMPARATORS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}

_KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Largest grid file read (bytes): a grid is a short hand-written file.
MAX_GRID_BYTES = 1_000_000
#: Deepest nesting of a grid's tables and lists (the sample needs 4).
MAX_GRID_DEPTH = 20
#: Largest criterion weight (only the ratios count).
MAX_WEIGHT = 1_000_000


class GridNotFoundError(InputError, FileNotFoundError):
    """The grid file does not exist (a ``FileNotFoundError`` too)."""


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
        if self.op in _COMPARATORS and not _is_number(self.value):
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
            _is_number(self.value) or isinstance(self.value, str)
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
        if not _is_number(self.weight) or not 0 <= self.weight <= MAX_WEIGHT:
            raise InputError(
                f"{where} : champ « poids » : nombre positif ou nul attendu, "
                f"au plus {_int_fr(MAX_WEIGHT)} (reçu {self.weight!r})."
            )
        object.__setattr__(self, "weight", float(self.weight))
        try:
            object.__setattr__(self, "direction", Direction.from_alias(self.direction))
        except ValueError as exc:
            raise InputError(f"{where} : champ « sens » : {exc}") from None
        try:
            _check_method(self.normalisation, NORMALIZATIONS, "Normalisation")
        except ValueError as exc:
            raise InputError(f"{where} : champ « normalisation » : {exc}") from None


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
    attribution : AttributionRules
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
    attribution: AttributionRules = field(default_factory=AttributionRules)
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
            _check_method(self.method, AGGREGATIONS, "Méthode d'agrégation")
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
        rules = fields.get("attribution")
        attribution = (
            AttributionRules()
            if rules is None
            else AttributionRules(
                **_rename_fields(rules, _ATTRIBUTION_FIELDS, "Attribution")
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

        A grid is a short hand-written file: files over
        :data:`MAX_GRID_BYTES`, and YAML anchors and aliases (``&nom``,
        ``*nom``, which can expand a few lines into gigabytes), are refused.
        A file saved in Windows-1252 (Excel, Notepad) is decoded as such,
        with a warning. Errors are French, prefixed with the file name; YAML
        syntax errors give the line and column (1-based, as in an editor).

        Parameters
        ----------
        path : path-like
        notes : list of str, optional
            Warnings (French) are appended here; without it they are issued
            with :func:`warnings.warn`.

        Raises
        ------
        FileNotFoundError
            If the file does not exist.
        mitlib.core.errors.InputError
            If the file cannot be read as YAML or the grid is invalid.

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
        path = Path(path)
        if not path.is_file():
            raise GridNotFoundError(
                f"Fichier de grille introuvable : {path}. Vérifiez le chemin "
                "(--grille) ; le modèle commenté est data/exemple/grille.yaml."
            )
        size = path.stat().st_size
        if size > MAX_GRID_BYTES:
            raise InputError(
                f"Fichier de grille {path.name} : {_int_fr(size)} octets, trop gros "
                f"pour une grille (au plus {_int_fr(MAX_GRID_BYTES)} octets). "
                "Vérifiez que c'est bien le fichier de la grille."
            )
        text = _decode_grid(path.read_bytes(), path, notes)
        try:
            _check_tokens(text, path)
            data = yaml.load(text, Loader=_GridLoader)  # a SafeLoader
        except yaml.YAMLError as exc:
            raise InputError(_yaml_error_message(exc, path)) from None
        except RecursionError:
            raise InputError(
                f"Fichier de grille {path.name} : structure trop profondément "
                "imbriquée pour une grille."
            ) from None
        if not isinstance(data, Mapping):
            raise InputError(
                f"Fichier de grille {path.name} : une table de champs est attendue "
                "(« nom: … », « criteres: … »…)."
            )
        try:
            return cls.from_dict(data)
        except InputError as exc:
            raise InputError(f"{path.name} : {exc}") from None

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


# -- reading the YAML file ---------------------------------------------------

#: French wording of PyYAML's most frequent problems.
_YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": (
        "tabulation interdite : indentez avec des espaces"
    ),
    "mapping values are not allowed here": (
        "« : » inattendu (indentation incorrecte, ou texte contenant « : » à "
        "mettre entre guillemets)"
    ),
    "expected <block end>, but found": "indentation incorrecte",
    "could not find expected ':'": "« : » attendu après le nom du champ",
    "found unexpected end of stream": "guillemet ou crochet non refermé",
    "found undefined alias": "alias non défini",
    "did not find expected key": "indentation incorrecte (champ attendu)",
    "did not find expected '-' indicator": "indentation incorrecte (« - » attendu)",
    "found duplicate anchor": "ancre en double",
    "could not determine a constructor for the tag": (
        "étiquette YAML non autorisée (« !! ») : une grille ne contient que du "
        "texte, des nombres, des listes et des sections"
    ),
}


class _GridLoader(yaml.SafeLoader):
    """The safe YAML loader, refusing a key written twice in one section
    (YAML would silently keep the last value)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class says so
                break
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"clé « {key} » en double (déjà ligne {first}) : gardez-en une",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _decode_grid(raw: bytes, path: Path, notes: list[str] | None) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 with a warning."""
    if b"\x00" in raw:
        raise InputError(
            f"Fichier de grille {path.name} : ce n'est pas un fichier texte "
            "(enregistrez la grille en texte UTF-8, extension .yaml)."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            f"Fichier de grille {path.name} : encodage inconnu (ni UTF-8 ni "
            "Windows-1252). Enregistrez-le en UTF-8 depuis votre éditeur."
        ) from None
    message = (
        f"Fichier de grille {path.name} : encodage Windows-1252 et non UTF-8 ; "
        "lu comme Windows-1252. Vérifiez les accents et enregistrez-le en UTF-8."
    )
    if notes is None:
        warnings.warn(message, UserWarning, stacklevel=3)
    else:
        notes.append(message)
    return text


def _check_tokens(text: str, path: Path) -> None:
    """Refuse YAML anchors and aliases (``&nom``, ``*nom``) and deep nesting.

    Read token by token, so a hostile file is refused before PyYAML builds
    anything (nested brackets cost it minutes, then a RecursionError).
    """
    depth = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        mark = token.start_mark
        where = (
            f"Fichier de grille {path.name}, ligne {mark.line + 1}, colonne "
            f"{mark.column + 1}"
        )
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            raise InputError(
                f"{where} : les ancres et alias YAML (« &{token.value} », "
                f"« *{token.value} ») ne sont pas acceptés dans une grille : "
                "recopiez la valeur à chaque endroit où elle sert."
            )
        if isinstance(token, _OPENING_TOKENS):
            depth += 1
            if depth > MAX_GRID_DEPTH:
                raise InputError(
                    f"{where} : structure imbriquée sur plus de {MAX_GRID_DEPTH} "
                    "niveaux, trop profonde pour une grille."
                )
        elif isinstance(token, _CLOSING_TOKENS):
            depth -= 1


_OPENING_TOKENS = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSING_TOKENS = (
    yaml.BlockEndToken,
    yaml.FlowMappingEndToken,
    yaml.FlowSequenceEndToken,
)


def _yaml_error_message(exc: yaml.YAMLError, path: Path) -> str:
    """French message of a YAML error: file, line and column (1-based)."""
    mark = getattr(exc, "problem_mark", None)
    where = f"Fichier de grille illisible ({path.name})"
    if mark is not None:
        where += f", ligne {mark.line + 1}, colonne {mark.column + 1}"
    problem = str(getattr(exc, "problem", None) or exc).strip()
    french = next(
        (fr for en, fr in _YAML_PROBLEMS.items() if problem.startswith(en)), None
    )
    if problem.startswith("clé «"):  # mitlib's own, already in French
        french, problem = problem, ""
    detail = french or "syntaxe YAML invalide"
    # the parser's English words only when there is no French for them
    technical = "" if french else f" (détail technique : {problem})"
    return (
        f"{where} : {detail}{technical}. Corrigez le fichier avec un "
        "éditeur de texte ; le modèle commenté data/exemple/grille.yaml montre "
        "la syntaxe attendue."
    )
