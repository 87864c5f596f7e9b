"""The 0–1 programme behind every attribution, and its solution.

:func:`build_model` checks the inputs of an attribution (scores, EPCI,
preferences, themes) against its :class:`~mitlib.candidatures.rules.AttributionRules`,
explains in French the obvious infeasibilities (an EPCI left without any
candidacy, a label that cannot be met) and builds an :class:`AttributionModel`:
one 0–1 variable per allowed (candidacy, theme) pair, one equality per EPCI,
one ``<= 1`` per theme, one ``>= count`` per required label, solved exactly
by the shared HiGHS layer (:func:`mitlib.solve.milp.solve_milp`). Without
label rows the constraint matrix is totally unimodular (EPCI–theme
incidence), so the LP relaxation is tried first and its optimum kept when
integral; otherwise the MILP is solved.
A solution is an :class:`Attribution`.

The callers are :mod:`mitlib.candidatures.attribution` (the optimum and the
next best) and :mod:`mitlib.candidatures.frequency` (one solve per weight
draw).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from mitlib.candidatures.rules import AttributionRules
from mitlib.core.errors import InputError, OptionError
from mitlib.solve.milp import INFEASIBLE, OPTIMAL, is_integral, solve_milp

__all__ = [
    "SCORE_TOLERANCE",
    "Attribution",
    "AttributionModel",
    "build_model",
    "check_score_range",
    "infeasible_error",
]

# HiGHS stops at an absolute optimality gap of 1e-6 (an option scipy does not
# expose); scaling the objective makes that gap 1e-10 in value units, far
# below any meaningful difference between two attributions.
_OBJECTIVE_SCALE = 1e4
#: Slack on the score bounds (0, 1 and the minimum score).
SCORE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Attribution:
    """One attribution: a host commune and a theme for each EPCI.

    Attributes
    ----------
    table : DataFrame
        One row per EPCI (index ``epci_siren``): ``code_insee``, ``theme``,
        ``score``, ``rang_theme`` (the rank the commune gave the theme, NaN if
        unranked), ``bonus`` and ``valeur``.
    value : float
        Sum of ``valeur``: the objective.
    gap : float
        Optimum value minus this value (0 for the optimum).
    rank : int
        1 for the optimum, 2 for the next best, etc.
    """

    table: pd.DataFrame
    value: float
    gap: float = 0.0
    rank: int = 1

    @property
    def pairs(self) -> dict[str, str]:
        """Mapping ``code_insee -> theme`` of the chosen pairs."""
        return dict(zip(self.table["code_insee"], self.table["theme"], strict=True))


class AttributionModel:
    """The 0–1 programme of an attribution, built once, solved many times.

    Variables are the allowed (candidacy, theme) pairs. Rows: one equality
    per EPCI (exactly one pair), one ``<= 1`` per theme, one ``>= count`` per
    required label. Only the objective (scores) and the upper bounds
    (score thresholds) change between solves; no-good cuts are appended.
    """

    def __init__(
        self,
        candidates: pd.Index,
        epci: pd.Series,
        epcis: list[Hashable],
        ranks: np.ndarray,
        themes: list[str],
        allowed: np.ndarray,
        bonus: np.ndarray,
        rules: AttributionRules,
    ) -> None:
        self.candidates = candidates
        self.themes = themes
        self.epcis = epcis
        self.ci, self.tj = np.nonzero(allowed)
        self.ranks = ranks[self.ci, self.tj]
        self.bonus = bonus[self.ci, self.tj]
        self.epci_of_var = epci.loc[candidates].to_numpy()[self.ci]
        nv = self.ci.size
        rows = [np.asarray(self.epci_of_var == e, dtype=float) for e in epcis]
        lb = [1.0] * len(epcis)
        ub = [1.0] * len(epcis)
        for j in range(len(themes)):
            rows.append(np.asarray(self.tj == j, dtype=float))
            lb.append(-np.inf)
            ub.append(1.0)
        profile = np.zeros(nv, dtype=np.int64)
        self.preference_weight = rules.preference_weight
        for r, (label, count) in enumerate(rules.required_labels.items()):
            has = rules.labels.reindex(candidates).to_numpy()[self.ci] == label
            rows.append(has.astype(float))
            lb.append(float(count))
            ub.append(np.inf)
            profile |= has.astype(np.int64) << r
        # Variables of one group (same EPCI, theme and required labels) are
        # interchangeable in every constraint: only the best can be optimal.
        epci_idx = np.array([epcis.index(e) for e in self.epci_of_var], dtype=np.int64)
        self.group = (profile * len(epcis) + epci_idx) * len(themes) + self.tj
        self.matrix = sparse.csr_array(np.vstack(rows)) if rows else None
        self.lb = np.array(lb)
        self.ub = np.array(ub)
        self.n_vars = nv

    def values(self, scores: np.ndarray) -> np.ndarray:
        """Objective coefficient of every variable for candidacy scores."""
        pw = self.preference_weight
        return (1 - pw) * scores[self.ci] + pw * self.bonus

    def dominant(self, values: np.ndarray, upper: np.ndarray | None) -> np.ndarray:
        """Upper bounds keeping only the best variable of each group.

        Swapping a chosen variable for the best of its group keeps every
        constraint (same EPCI row, theme row and label rows) and does not
        lower the objective, so the optimum value is unchanged (valid
        without no-good cuts).
        """
        v = values if upper is None else np.where(upper > 0, values, -np.inf)
        order = np.lexsort((-v, self.group))
        first = np.ones(order.size, dtype=bool)
        first[1:] = self.group[order][1:] != self.group[order][:-1]
        keep = np.zeros(self.n_vars)
        keep[order[first]] = 1.0
        return keep if upper is None else np.minimum(keep, upper)

    def solve(
        self,
        values: np.ndarray,
        upper: np.ndarray | None = None,
        cuts: Sequence[np.ndarray] = (),
    ) -> np.ndarray | None:
        """Indices of the chosen variables, or None if infeasible."""
        matrix, lb, ub = self.matrix, self.lb, self.ub
        if cuts:
            cut_rows = np.zeros((len(cuts), self.n_vars))
            for r, chosen in enumerate(cuts):
                cut_rows[r, chosen] = 1.0
            matrix = sparse.vstack([matrix, sparse.csr_array(cut_rows)], format="csr")
            lb = np.concatenate([lb, np.full(len(cuts), -np.inf)])
            ub = np.concatenate([ub, [len(c) - 1.0 for c in cuts]])
        values_scaled = values * _OBJECTIVE_SCALE
        ub_vars = 1.0 if upper is None else upper
        if not cuts:
            # Without the label rows the constraint matrix is the incidence
            # matrix of a bipartite graph (EPCI - theme), totally unimodular:
            # the LP relaxation has integral vertices. An integral LP optimum
            # is a MILP optimum, and costs a tenth of the time; otherwise
            # (label rows can make vertices fractional) fall through to the MILP.
            relaxed = np.zeros(self.n_vars, dtype=bool)
            out = solve_milp(values_scaled, matrix, lb, ub, 0.0, ub_vars, relaxed)
            if out.status == INFEASIBLE:
                return None
            if out.status == OPTIMAL and is_integral(out.x):
                return np.flatnonzero(out.x > 0.5)
        integer = np.ones(self.n_vars, dtype=bool)
        out = solve_milp(values_scaled, matrix, lb, ub, 0.0, ub_vars, integer)
        if out.status == INFEASIBLE:
            return None
        if out.status != OPTIMAL:
            raise RuntimeError(f"Le solveur n'a pas abouti : {out.message}")
        return np.flatnonzero(out.x > 0.5)

    def attribution(
        self,
        chosen: np.ndarray,
        scores: np.ndarray,
        values: np.ndarray,
        *,
        optimum: float | None = None,
        rank: int = 1,
    ) -> Attribution:
        """Build the :class:`Attribution` of a solution."""
        ci = self.ci[chosen]
        table = pd.DataFrame(
            {
                "epci_siren": self.epci_of_var[chosen],
                "code_insee": self.candidates[ci].to_numpy(),
                "theme": [self.themes[j] for j in self.tj[chosen]],
                "score": scores[ci],
                "rang_theme": self.ranks[chosen],
                "bonus": self.bonus[chosen],
                "valeur": values[chosen],
            }
        )
        order = sorted(
            range(len(table)), key=lambda i: str(table["epci_siren"].iloc[i])
        )
        table = table.iloc[order].set_index("epci_siren")
        value = float(table["valeur"].sum())
        gap = 0.0 if optimum is None else optimum - value
        if -1e-9 < gap < 0:
            gap = 0.0
        return Attribution(table=table, value=value, gap=gap, rank=rank)


def check_score_range(values: np.ndarray) -> None:
    """Refuse scores outside [0, 1] (a note out of 20 passed by mistake)."""
    if ((values < -SCORE_TOLERANCE) | (values > 1 + SCORE_TOLERANCE)).any():
        raise InputError("Les scores doivent être compris entre 0 et 1 (note / 20).")


def build_model(
    scores: pd.Series,
    epci: pd.Series,
    preferences: pd.DataFrame,
    themes: Sequence[str],
    rules: AttributionRules,
    *,
    filter_scores: bool,
) -> AttributionModel:
    """Validate the inputs, diagnose the obvious infeasibilities, build the model.

    With ``filter_scores`` the candidacies below ``rules.min_score`` are
    dropped here (a single solve); otherwise the threshold is applied per
    solve through the variables' upper bounds (many score vectors).
    """
    themes = list(themes)
    if len(set(themes)) != len(themes):
        raise OptionError("La liste des thèmes contient des doublons.")
    bonus_by_rank = rules.bonus_by_rank
    values = scores.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise InputError("Les scores doivent être des nombres finis.")
    check_score_range(values)
    if not scores.index.is_unique:
        raise InputError("Les scores contiennent des candidatures en double.")
    if not epci.index.is_unique:
        raise InputError("La série epci contient des communes en double.")
    unknown = [str(c) for c in scores.index if c not in epci.index or pd.isna(epci[c])]
    if unknown:
        raise InputError(f"EPCI inconnu pour les candidatures : {', '.join(unknown)}.")
    epcis = sorted(set(epci.dropna().to_numpy()), key=str)
    if len(epcis) > len(themes):
        raise InputError(
            f"{len(epcis)} EPCI pour {len(themes)} thèmes : chaque thème ne peut être "
            "attribué qu'une fois. Ajoutez des thèmes ou retirez des EPCI."
        )
    missing = [t for t in themes if t not in preferences.columns]
    if missing:
        raise InputError(f"Thème(s) absent(s) des préférences : {', '.join(missing)}.")

    # candidacy filters, tracked per EPCI for the diagnosis
    stages: dict[Hashable, list[str]] = {e: [] for e in epcis}
    keep = pd.Series(True, index=scores.index)
    if rules.min_score is not None and filter_scores:
        low = scores < rules.min_score - SCORE_TOLERANCE
        for c in scores.index[low]:
            stages[epci[c]].append(f"{c} sous la note minimale")
        keep &= ~low
    excluded_communes = {e for e in rules.exclude if not isinstance(e, tuple)}
    excluded_pairs = {e for e in rules.exclude if isinstance(e, tuple)}
    for c in scores.index:
        if c in excluded_communes and keep[c]:
            stages[epci[c]].append(f"{c} exclue")
            keep[c] = False
    candidates = scores.index[keep.to_numpy()]

    prefs = preferences.reindex(index=candidates, columns=themes)
    ranks = prefs.to_numpy(dtype=float)
    bonus = np.zeros_like(ranks)
    ranked = ~np.isnan(ranks)
    for r in np.unique(ranks[ranked]):
        if r not in bonus_by_rank:
            raise InputError(
                f"Rang de préférence {r:g} absent de « bonus_par_rang » "
                "(bonus_by_rank) "
                f"(rangs connus : {', '.join(map(str, sorted(bonus_by_rank)))})."
            )
        bonus[ranks == r] = bonus_by_rank[int(r)]
    allowed = np.ones_like(ranks, dtype=bool)
    if rules.only_ranked_themes:
        allowed &= ranked
        for i in np.flatnonzero(~allowed.any(axis=1)):
            stages[epci[candidates[i]]].append(f"{candidates[i]} sans thème classé")
    for c, t in excluded_pairs:
        if c in candidates and t in themes:
            allowed[candidates.get_loc(c), themes.index(t)] = False
            stages[epci[c]].append(f"{c} – {t} exclue")

    # an EPCI left without any pair
    epci_c = epci.loc[candidates].to_numpy()
    for e in epcis:
        if not allowed[epci_c == e].any():
            detail = ", ".join(stages[e]) or "aucune candidature éligible"
            raise InputError(
                f"EPCI {e} : aucune candidature ne peut accueillir de marathon "
                f"({detail}). Assouplissez la note minimale (« note_minimale » de la "
                "grille, min_score), les exclusions (exclude) ou "
                "« themes_classes_seulement » (only_ranked_themes), "
                "ou retirez cet EPCI."
            )
    # a label that cannot be met
    for label, count in rules.required_labels.items():
        has = rules.labels.reindex(candidates).to_numpy() == label
        n_epci = len(set(epci_c[has & allowed.any(axis=1)]))
        if n_epci < count:
            raise InputError(
                f"Contrainte « labels_requis » (required_labels) « {label} » ≥ {count} "
                f"impossible : {n_epci} EPCI seulement ont une candidature retenue "
                f"labellisée {label}. Assouplissez « labels_requis »."
            )
    return AttributionModel(
        candidates, epci, epcis, ranks, themes, allowed, bonus, rules
    )


def infeasible_error() -> InputError:
    """The French error when the solver finds no attribution at all."""
    return InputError(
        "Aucune attribution ne respecte toutes les contraintes (un thème par EPCI, "
        "chaque thème une fois, thèmes classés, labels). Assouplissez "
        "« themes_classes_seulement » (only_ranked_themes), « labels_requis » "
        "(required_labels) ou les exclusions (exclude)."
    )
