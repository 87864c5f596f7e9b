"""The assignment's instance: checked inputs, and why it may be infeasible.

:func:`build_instance` turns the arguments of
:func:`mitlib.binomes.matching.assign` into an :class:`Instance`: projects and
coaches sorted by id (natural order, :func:`sort_key`), dense score, allowed
and forced matrices, capacities, quota types and domain needs, every input
error raised in French. :func:`diagnose` checks the cheap necessary
conditions of feasibility and :func:`hall_diagnosis` explains a shortage the
solver found (Hall's condition); both give the French sentences that
:class:`InfeasibleError` carries.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mitlib.core.errors import InputError, MitError, OptionError
from mitlib.core.text import fold
from mitlib.solve.hall import hall_violation

__all__ = [
    "InfeasibleError",
    "Instance",
    "build_instance",
    "diagnose",
    "hall_diagnosis",
    "join_names",
    "single_typed",
    "sort_key",
]


class InfeasibleError(MitError, ValueError):
    """No assignment satisfies the constraints; ``diagnostics`` says why (French).

    The ``mit`` command exits with code 1 (done, but something could not be
    placed), as it does when :func:`mitlib.binomes.pairing.run_pairing` reports an
    infeasible marathon.

    Examples
    --------
    >>> err = InfeasibleError(["Le projet P1 n'a aucun coach possible."])
    >>> err.diagnostics, err.exit_code
    (["Le projet P1 n'a aucun coach possible."], 1)
    """

    exit_code = 1

    def __init__(self, diagnostics: list[str]) -> None:
        self.diagnostics = list(diagnostics)
        lines = "\n".join(f"- {d}" for d in self.diagnostics)
        super().__init__(f"Affectation impossible :\n{lines}")


# ---------------------------------------------------------------------------
# Validation: inputs → a sorted, dense instance
# ---------------------------------------------------------------------------


def sort_key(value: object) -> tuple:
    """Natural order of ids: numbers first, then text with embedded numbers
    compared as numbers (« P2 » before « P10 »)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return (0, float(value), ())
    parts = re.split(r"(\d+)", str(value))
    return (1, 0.0, tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in parts))


def single_typed(inst: Instance) -> bool:
    """Whether each coach has at most one of the types that carry a quota."""
    return all(len(t & inst.quotas.keys()) <= 1 for t in inst.types)


def join_names(ids: Iterable[object]) -> str:
    """« A », « A et B », « A, B et C »."""
    ids = [str(v) for v in ids]
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " et " + ids[-1]


def _per_project(value: int | tuple[int, int]) -> tuple[int, int]:
    try:
        pair = (value, value) if isinstance(value, numbers.Integral) else tuple(value)
    except TypeError:
        pair = ()
    ok = (
        len(pair) == 2
        and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in pair
        )
        and 0 <= pair[0] <= pair[1]
    )
    if not ok:
        raise OptionError(
            "per_project doit être un entier ou un couple (minimum, maximum) "
            f"d'entiers avec 0 ≤ minimum ≤ maximum : {value!r}."
        )
    return int(pair[0]), int(pair[1])


def _as_int(value: object, what: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number.is_integer() and number >= 0):
        raise OptionError(f"{what} doit être un entier positif ou nul : {value!r}.")
    return int(number)


def _mapping(values: object, what: str) -> dict:
    if isinstance(values, pd.Series):
        if values.index.has_duplicates:
            dup = join_names(values.index[values.index.duplicated()].unique())
            raise InputError(f"Identifiants en double dans {what} : {dup}.")
        return dict(values.items())
    if isinstance(values, Mapping):
        return dict(values)
    raise TypeError(f"{what} doit être une pandas.Series ou un dictionnaire.")


def _labels(value: object) -> list[str]:
    """A tag or list of tags → list of non-empty strings."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


@dataclass
class Instance:
    """An assignment problem, projects and coaches sorted by id."""

    projects: list
    coaches: list
    scores: np.ndarray  # P × C
    lo: int
    hi: int
    cap: np.ndarray  # C
    allowed: np.ndarray  # P × C bool (not forbidden)
    forced: np.ndarray  # P × C bool
    conflicts: list[tuple]  # forced pairs that are also forbidden
    types: list[frozenset]  # folded types per coach
    quotas: dict  # folded type → (label, q)
    needs: list[list[tuple[str, str]]] | None  # per project: (folded, label)
    offers: list[frozenset] | None  # per coach: folded domains


def _pairs(values: Iterable, what: str, p_index: dict, c_index: dict) -> set:
    out = set()
    for item in values:
        try:
            p, c = item
        except (TypeError, ValueError):
            raise OptionError(
                f"{what} : chaque binôme doit être un couple (projet, coach) : "
                f"{item!r}."
            ) from None
        if p not in p_index:
            raise OptionError(
                f"{what} : projet inconnu « {p} » dans le binôme ({p}, {c})."
            )
        if c not in c_index:
            raise OptionError(
                f"{what} : coach inconnu « {c} » dans le binôme ({p}, {c})."
            )
        out.add((p_index[p], c_index[c]))
    return out


def build_instance(
    affinity,
    per_project,
    capacity,
    forbidden,
    forced,
    quotas=None,
    coach_types=None,
    project_needs=None,
    coach_domains=None,
) -> Instance:
    """Check the arguments of :func:`~mitlib.binomes.matching.assign` (French
    errors) and build the :class:`Instance`."""
    if not isinstance(affinity, pd.DataFrame):
        raise TypeError("affinity doit être un DataFrame projets × coachs.")
    for axis, what in ((affinity.index, "projets"), (affinity.columns, "coachs")):
        if axis.has_duplicates:
            dup = join_names(axis[axis.duplicated()].unique())
            raise InputError(f"Identifiants de {what} en double : {dup}.")
    projects = sorted(affinity.index, key=sort_key)
    coaches = sorted(affinity.columns, key=sort_key)
    try:
        scores = affinity.loc[projects, coaches].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise InputError("Les affinités doivent être des nombres.") from None
    if not np.isfinite(scores).all():
        raise InputError("Affinités manquantes ou infinies : complétez le tableau.")
    lo, hi = _per_project(per_project)
    p_index = {p: i for i, p in enumerate(projects)}
    c_index = {c: j for j, c in enumerate(coaches)}

    if isinstance(capacity, numbers.Integral):
        cap = np.full(len(coaches), _as_int(capacity, "La capacité"))
    else:
        caps = _mapping(capacity, "capacity")
        missing = [c for c in coaches if c not in caps]
        if missing:
            raise InputError(
                f"Capacité manquante pour les coachs : {join_names(missing)}."
            )
        cap = np.array([_as_int(caps[c], f"La capacité de {c}") for c in coaches])

    banned = _pairs(forbidden, "Binômes interdits", p_index, c_index)
    imposed = _pairs(forced, "Binômes imposés", p_index, c_index)
    allowed = np.ones(scores.shape, dtype=bool)
    for i, j in banned:
        allowed[i, j] = False
    forced_m = np.zeros(scores.shape, dtype=bool)
    for i, j in imposed:
        forced_m[i, j] = True
    conflicts = sorted(
        ((projects[i], coaches[j]) for i, j in imposed & banned),
        key=lambda pc: (sort_key(pc[0]), sort_key(pc[1])),
    )

    types: list[frozenset] = [frozenset()] * len(coaches)
    quota_map: dict = {}
    if quotas:
        if coach_types is None:
            raise OptionError("Des quotas sont demandés : fournissez coach_types.")
        for label, q in dict(quotas).items():
            key = fold(label)
            if not key:
                raise OptionError(f"Type de coach vide dans les quotas : {label!r}.")
            q = _as_int(q, f"Le quota « {label} »")
            if q > 0:
                quota_map[key] = (str(label), q)
    if coach_types is not None:
        kinds = _mapping(coach_types, "coach_types")
        types = [frozenset(fold(t) for t in _labels(kinds.get(c))) for c in coaches]

    needs = offers = None
    if (project_needs is None) != (coach_domains is None):
        raise OptionError(
            "Pour couvrir les domaines, fournissez à la fois project_needs "
            "et coach_domains."
        )
    if project_needs is not None:
        need_map = _mapping(project_needs, "project_needs")
        offer_map = _mapping(coach_domains, "coach_domains")
        needs = []
        for p in projects:
            seen: dict[str, str] = {}
            for label in _labels(need_map.get(p)):
                seen.setdefault(fold(label), label)
            needs.append(list(seen.items()))
        offers = [
            frozenset(fold(d) for d in _labels(offer_map.get(c))) for c in coaches
        ]

    return Instance(
        projects,
        coaches,
        scores,
        lo,
        hi,
        cap,
        allowed,
        forced_m,
        conflicts,
        types,
        quota_map,
        needs,
        offers,
    )


# ---------------------------------------------------------------------------
# Diagnostics (French)
# ---------------------------------------------------------------------------


def diagnose(inst: Instance) -> list[str]:
    """Cheap necessary conditions; each failure gives a French sentence."""
    msgs = []
    n_p = len(inst.projects)
    for p, c in inst.conflicts:
        msgs.append(
            f"Le binôme ({p}, {c}) est à la fois imposé et interdit "
            "(conflit ou même organisation)."
        )
    forced_p = inst.forced.sum(axis=1)
    forced_c = inst.forced.sum(axis=0)
    for i in np.flatnonzero(forced_p > inst.hi):
        msgs.append(
            f"Le projet {inst.projects[i]} a {forced_p[i]} coachs imposés pour un "
            f"maximum de {inst.hi} : retirez des binômes imposés ou relevez le maximum."
        )
    for j in np.flatnonzero(forced_c > inst.cap):
        msgs.append(
            f"Le coach {inst.coaches[j]} est imposé sur {forced_c[j]} projets pour "
            f"une capacité de {inst.cap[j]}."
        )
    need = n_p * inst.lo
    supply = int(inst.cap.sum())
    all_zero = need > 0 and supply == 0
    if all_zero:
        msgs.append(
            f"Tous les coachs ({len(inst.coaches)}) ont une capacité de 0 (colonne "
            f"capacite_max) : aucun projet ne peut recevoir de coach, alors que "
            f"{n_p} projets × {inst.lo} = {need} places sont nécessaires. "
            "Indiquez pour chaque coach le nombre de projets qu'il peut suivre."
        )
    elif supply < need:
        msgs.append(
            f"Capacité totale des coachs ({supply}) inférieure au besoin minimal "
            f"({n_p} projets × {inst.lo} = {need}) : ajoutez {need - supply} "
            f"place{'s' if need - supply > 1 else ''} "
            "ou réduisez le minimum par projet."
        )
    usable = inst.allowed & (inst.cap > 0)[None, :]
    possible = usable.sum(axis=1)
    not_excluded = inst.allowed.sum(axis=1)
    for i in [] if all_zero else np.flatnonzero(possible < inst.lo):
        n, free = int(possible[i]), int(not_excluded[i])
        what = (
            "aucun coach possible"
            if n == 0
            else ("qu'un coach possible" if n == 1 else f"que {n} coachs possibles")
        )
        causes = []
        if free < len(inst.coaches):
            causes.append("conflits/organisation")
        if free > n:
            causes.append(
                f"{free - n} coach{'s' if free - n > 1 else ''} non exclu"
                f"{'s' if free - n > 1 else ''} mais de capacité 0"
            )
        msgs.append(
            f"Le projet {inst.projects[i]} n'a {what} ({' ; '.join(causes)}) "
            f"pour un minimum de {inst.lo}."
        )
    for key, (label, q) in inst.quotas.items():
        of_type = np.array([key in t for t in inst.types], dtype=bool)
        if q > inst.hi:
            msgs.append(
                f"Quota « {label} » ({q} par projet) supérieur au maximum de coachs "
                f"par projet ({inst.hi})."
            )
        n_type, cap_type = int(of_type.sum()), int(inst.cap[of_type].sum())
        if cap_type < q * n_p:
            who = (
                "aucun coach"
                if n_type == 0
                else ("1 seul coach" if n_type == 1 else f"{n_type} coachs")
            )
            demand = f"{n_p} projets" + (f" × {q}" if q > 1 else "")
            msgs.append(
                f"Quota « {label} » impossible : {who} de ce type pour {demand} "
                f"(capacité {cap_type})."
            )
        else:
            short = (usable & of_type[None, :]).sum(axis=1) < q
            for i in np.flatnonzero(short):
                msgs.append(
                    f"Le projet {inst.projects[i]} n'a pas assez de coachs possibles "
                    f"de type « {label} » (quota {q})."
                )
    if inst.quotas and single_typed(inst):
        demanded = sum(q for _, q in inst.quotas.values())
        if demanded > inst.hi:
            msgs.append(
                f"Les quotas demandent {demanded} coachs par projet, plus que le "
                f"maximum ({inst.hi})."
            )
    return msgs


def hall_diagnosis(inst: Instance) -> list[str]:
    """Explain a capacity shortage by Hall's condition (max-flow / min-cut).

    Forced pairs are placed first; the remaining minimum demands go from the
    projects to the coaches through allowed pairs. The smallest group of
    projects whose possible coaches lack places
    (:func:`mitlib.solve.hall.hall_violation`) is named; no sentence when
    every minimum can be met.
    """
    forced_p = inst.forced.sum(axis=1)
    violation = hall_violation(
        inst.allowed & ~inst.forced,
        np.maximum(inst.lo - forced_p, 0),
        inst.cap - inst.forced.sum(axis=0),
    )
    if violation is None:
        return []
    names = join_names(inst.projects[i] for i in violation.left)
    return [
        f"Les projets {names} demandent ensemble au moins {violation.demand} coachs "
        f"(hors binômes imposés) mais ne peuvent en recevoir que {violation.supply} "
        "avec les coachs qui leur sont possibles : augmentez les capacités de ces "
        "coachs ou levez des conflits."
    ]
