"""Attribution of the marathons: one host commune and one theme per EPCI.

The comité d'attribution gives each EPCI one host commune among its eligible
candidacies and one theme, each theme at most once (exactly once when there
are as many EPCI as themes, the usual 5 × 5 case). :func:`attribute` finds
the attribution maximising the sum over the chosen pairs of

    value(commune, theme) = (1 - preference_weight) * score(commune)
                            + preference_weight * bonus(rank the commune gave the theme)

exactly, as a 0–1 linear programme solved by :func:`scipy.optimize.milp`
(HiGHS). Without label rows the constraint matrix is totally unimodular
(EPCI–theme incidence), so the LP relaxation is tried first and its optimum
kept when integral; otherwise the MILP is solved. :func:`next_best` lists
the following attributions with their gap to the optimum,
:func:`pair_frequency` measures how often each commune–theme pair wins
when the weights of the grid are drawn at random
(:func:`mitlib.candidatures.sensitivity.smaa`), and :func:`schedule` then matches the
host
communes to the calendar.

Examples
--------
>>> import pandas as pd
>>> scores = pd.Series({"47001": 0.9, "47002": 0.5, "47003": 0.7})
>>> epci = pd.Series({"47001": "E1", "47002": "E1", "47003": "E2"})
>>> prefs = pd.DataFrame({"commerce": [1, 2, 2], "tourisme": [2, 1, 1]},
...                      index=["47001", "47002", "47003"])
>>> a = attribute(scores, epci, prefs, ["commerce", "tourisme"],
...               preference_weight=0.5, bonus_by_rank={1: 1.0, 2: 0.0})
>>> a.pairs
{'47001': 'commerce', '47003': 'tourisme'}
>>> round(a.value, 6)
1.8
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from mitlib.core.errors import InputError, OptionError

__all__ = [
    "Attribution",
    "attribute",
    "next_best",
    "pair_frequency",
    "schedule",
]

# HiGHS stops at an absolute optimality gap of 1e-6 (an option scipy does not
# expose); scaling the objective makes that gap 1e-10 in value units, far
# below any meaningful difference between two attributions.
_OBJECTIVE_SCALE = 1e4
_SCORE_TOLERANCE = 1e-9


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


class _Model:
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
        labels: pd.Series | None,
        require_label: Mapping[str, int],
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
        for r, (label, count) in enumerate(require_label.items()):
            has = labels.reindex(candidates).to_numpy()[self.ci] == label
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

    def values(self, scores: np.ndarray, preference_weight: float) -> np.ndarray:
        """Objective coefficient of every variable for candidacy scores."""
        return (1 - preference_weight) * scores[
            self.ci
        ] + preference_weight * self.bonus

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
        bounds = Bounds(0.0, 1.0 if upper is None else upper)
        constraints = LinearConstraint(matrix, lb, ub)
        cost = -values * _OBJECTIVE_SCALE
        if not cuts:
            # Without the label rows the constraint matrix is the incidence
            # matrix of a bipartite graph (EPCI - theme), totally unimodular:
            # the LP relaxation has integral vertices. An integral LP optimum
            # is a MILP optimum, and costs a tenth of the time; otherwise
            # (label rows can make vertices fractional) fall through to milp.
            res = milp(c=cost, bounds=bounds, constraints=constraints)
            if res.status == 2:
                return None
            if res.status == 0 and np.all(np.abs(res.x - np.round(res.x)) < 1e-9):
                return np.flatnonzero(res.x > 0.5)
        res = milp(
            c=cost,
            integrality=np.ones(self.n_vars),
            bounds=bounds,
            constraints=constraints,
            options={"mip_rel_gap": 0.0},
        )
        if res.status == 2:
            return None
        if res.status != 0 or res.x is None:
            raise RuntimeError(f"Le solveur n'a pas abouti : {res.message}")
        return np.flatnonzero(res.x > 0.5)

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


def _prepare(
    scores: pd.Series,
    epci: pd.Series,
    preferences: pd.DataFrame,
    themes: Sequence[str],
    *,
    preference_weight: float,
    bonus_by_rank: Mapping[int, float],
    min_score: float | None,
    only_ranked_themes: bool,
    require_label: Mapping[str, int] | None,
    labels: pd.Series | None,
    exclude: Iterable[str | tuple[str, str]],
    filter_scores: bool,
) -> _Model:
    """Validate the inputs, diagnose the obvious infeasibilities, build the model.

    With ``filter_scores`` the candidacies below ``min_score`` are dropped
    here (a single solve); otherwise the threshold is applied per solve
    through the variables' upper bounds (many score vectors).
    """
    themes = list(themes)
    if len(set(themes)) != len(themes):
        raise OptionError("La liste des thèmes contient des doublons.")
    if not 0 <= preference_weight <= 1:
        raise OptionError(
            "Le poids des préférences (« poids » de la section « preference » de la "
            "grille, preference_weight) doit être compris entre 0 et 1 "
            f"(reçu {preference_weight!r})."
        )
    bonus_by_rank = {int(k): float(v) for k, v in bonus_by_rank.items()}
    values = scores.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise InputError("Les scores doivent être des nombres finis.")
    if ((values < -_SCORE_TOLERANCE) | (values > 1 + _SCORE_TOLERANCE)).any():
        raise InputError("Les scores doivent être compris entre 0 et 1 (note / 20).")
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
    require_label = dict(require_label or {})
    if require_label and labels is None:
        raise OptionError(
            "Des labels sont exigés (« labels_requis », require_label) : fournissez "
            "la série labels (code_insee → label)."
        )
    for label, count in require_label.items():
        if not isinstance(count, int | np.integer) or count < 0:
            raise OptionError(
                f"« labels_requis » (require_label) : le nombre demandé pour "
                f"« {label} » doit être un entier ≥ 0 (reçu {count!r})."
            )

    # candidacy filters, tracked per EPCI for the diagnosis
    stages: dict[Hashable, list[str]] = {e: [] for e in epcis}
    keep = pd.Series(True, index=scores.index)
    if min_score is not None and filter_scores:
        low = scores < min_score - _SCORE_TOLERANCE
        for c in scores.index[low]:
            stages[epci[c]].append(f"{c} sous la note minimale")
        keep &= ~low
    excluded_communes = {e for e in exclude if not isinstance(e, tuple)}
    excluded_pairs = {e for e in exclude if isinstance(e, tuple)}
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
    if only_ranked_themes:
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
    for label, count in require_label.items():
        has = labels.reindex(candidates).to_numpy() == label
        n_epci = len(set(epci_c[has & allowed.any(axis=1)]))
        if n_epci < count:
            raise InputError(
                f"Contrainte « labels_requis » (require_label) « {label} » ≥ {count} "
                f"impossible : {n_epci} EPCI seulement ont une candidature retenue "
                f"labellisée {label}. Assouplissez « labels_requis »."
            )
    return _Model(
        candidates, epci, epcis, ranks, themes, allowed, bonus, labels, require_label
    )


def _infeasible() -> InputError:
    return InputError(
        "Aucune attribution ne respecte toutes les contraintes (un thème par EPCI, "
        "chaque thème une fois, thèmes classés, labels). Assouplissez "
        "« themes_classes_seulement » (only_ranked_themes), « labels_requis » "
        "(require_label) ou les exclusions (exclude)."
    )


def attribute(
    scores: pd.Series,
    epci: pd.Series,
    preferences: pd.DataFrame,
    themes: Sequence[str],
    *,
    preference_weight: float,
    bonus_by_rank: Mapping[int, float],
    min_score: float | None = None,
    only_ranked_themes: bool = False,
    require_label: Mapping[str, int] | None = None,
    labels: pd.Series | None = None,
    exclude: Iterable[str | tuple[str, str]] = (),
) -> Attribution:
    """Best attribution of a host commune and a theme to every EPCI.

    Maximises ``Σ value(commune, theme)`` over the chosen pairs, with
    ``value = (1 - preference_weight) * score + preference_weight * bonus``,
    subject to: exactly one (commune, theme) per EPCI, each theme at most
    once (so exactly once when there are as many EPCI as themes), and, for
    each ``label: count`` of ``require_label``, at least ``count`` hosts
    carrying that label. Solved exactly by :func:`scipy.optimize.milp`.

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
    preference_weight : float in [0, 1]
    bonus_by_rank : mapping rank -> bonus in [0, 1]
        Unranked themes get bonus 0; a rank absent from the mapping is an
        error.
    min_score : float, optional
        Candidacies with a lower score cannot host.
    only_ranked_themes : bool, default False
        Only give a commune a theme it ranked.
    require_label : mapping label -> int, optional
        For instance ``{"ACV": 1}``; needs ``labels``.
    labels : Series, optional
        ``code_insee -> label`` (``"ACV"``, ``"PVD"``...).
    exclude : iterable
        Communes (``"47001"``) or commune–theme pairs (``("47001", "tourisme")``)
        that cannot be chosen.

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
    >>> attribute(scores, epci, prefs, ["a", "b"], preference_weight=0.5,
    ...           bonus_by_rank={1: 1.0, 2: 0.0}, require_label={"ACV": 1},
    ...           labels=pd.Series({"47001": "PVD", "47002": "PVD"}))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mitlib.core.errors.InputError: Contrainte « labels_requis » (require_label) « ...
    """
    model = _prepare(
        scores,
        epci,
        preferences,
        themes,
        preference_weight=preference_weight,
        bonus_by_rank=bonus_by_rank,
        min_score=min_score,
        only_ranked_themes=only_ranked_themes,
        require_label=require_label,
        labels=labels,
        exclude=exclude,
        filter_scores=True,
    )
    s = scores.reindex(model.candidates).to_numpy(dtype=float)
    values = model.values(s, preference_weight)
    chosen = model.solve(values)
    if chosen is None:
        raise _infeasible()
    return model.attribution(chosen, s, values)


def next_best(
    scores: pd.Series,
    epci: pd.Series,
    preferences: pd.DataFrame,
    themes: Sequence[str],
    *,
    k: int = 3,
    preference_weight: float,
    bonus_by_rank: Mapping[int, float],
    min_score: float | None = None,
    only_ranked_themes: bool = False,
    require_label: Mapping[str, int] | None = None,
    labels: pd.Series | None = None,
    exclude: Iterable[str | tuple[str, str]] = (),
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
    >>> [(a.rank, a.pairs, round(a.gap, 6)) for a in next_best(
    ...     scores, epci, prefs, ["a", "b"], preference_weight=0.5,
    ...     bonus_by_rank={1: 1.0, 2: 0.0})]
    [(2, {'47001': 'b', '47002': 'a'}, 1.0)]
    """
    if not isinstance(k, int | np.integer) or k < 1:
        raise OptionError(
            f"Nombre d'attributions (k, « alternatives » de la grille) : entier ≥ 1 "
            f"attendu (reçu {k!r})."
        )
    model = _prepare(
        scores,
        epci,
        preferences,
        themes,
        preference_weight=preference_weight,
        bonus_by_rank=bonus_by_rank,
        min_score=min_score,
        only_ranked_themes=only_ranked_themes,
        require_label=require_label,
        labels=labels,
        exclude=exclude,
        filter_scores=True,
    )
    s = scores.reindex(model.candidates).to_numpy(dtype=float)
    values = model.values(s, preference_weight)
    best = model.solve(values)
    if best is None:
        raise _infeasible()
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


def pair_frequency(
    score_draws: pd.DataFrame,
    epci: pd.Series,
    preferences: pd.DataFrame,
    themes: Sequence[str],
    *,
    preference_weight: float,
    bonus_by_rank: Mapping[int, float],
    n_draws: int | None = None,
    min_score: float | None = None,
    only_ranked_themes: bool = False,
    require_label: Mapping[str, int] | None = None,
    labels: pd.Series | None = None,
    exclude: Iterable[str | tuple[str, str]] = (),
) -> pd.DataFrame:
    """How often each commune–theme pair is chosen across weight draws.

    The optimal attribution is solved exactly for every row of
    ``score_draws``, e.g. :attr:`mitlib.candidatures.sensitivity.SmaaResult.scores`.
    The model
    is built once; per draw only the best candidacy of each (EPCI, theme,
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
    epci, preferences, themes, preference_weight, bonus_by_rank, min_score,
    only_ranked_themes, require_label, labels, exclude
        As for :func:`attribute`; ``min_score`` applies to each draw's scores.

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
    >>> pair_frequency(draws, epci, prefs, ["a"], preference_weight=0,
    ...                bonus_by_rank={1: 1.0})["a"].tolist()
    [0.5, 0.5]
    """
    draws = score_draws if n_draws is None else score_draws.iloc[:n_draws]
    if len(draws) == 0:
        raise OptionError("Aucun tirage de scores.")
    if not draws.columns.is_unique:
        raise InputError("Les tirages contiennent des candidatures en double.")
    model = _prepare(
        draws.iloc[0],
        epci,
        preferences,
        themes,
        preference_weight=preference_weight,
        bonus_by_rank=bonus_by_rank,
        min_score=None,
        only_ranked_themes=only_ranked_themes,
        require_label=require_label,
        labels=labels,
        exclude=exclude,
        filter_scores=False,
    )
    s_all = draws.reindex(columns=model.candidates).to_numpy(dtype=float)
    if not np.isfinite(s_all).all():
        raise InputError("Les tirages de scores contiennent des valeurs manquantes.")
    if ((s_all < -_SCORE_TOLERANCE) | (s_all > 1 + _SCORE_TOLERANCE)).any():
        raise InputError("Les scores doivent être compris entre 0 et 1 (note / 20).")
    counts = np.zeros((len(model.candidates), len(model.themes)))
    for d in range(s_all.shape[0]):
        values = model.values(s_all[d], preference_weight)
        upper = None
        if min_score is not None:
            upper = (s_all[d][model.ci] >= min_score - _SCORE_TOLERANCE).astype(float)
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


def _hall_violation(
    communes: list[str], allowed: np.ndarray, periods: list[Hashable]
) -> tuple[list[str], list[Hashable]]:
    """Communes that together have fewer available periods than marathons.

    From a maximum matching, the communes reachable by alternating paths from
    an unmatched commune form a set ``S`` whose neighbourhood ``N(S)`` is
    smaller than ``S`` (König / Hall): the communes to talk to.
    """
    graph = nx.Graph()
    left = [("c", i) for i in range(len(communes))]
    graph.add_nodes_from(left)
    graph.add_nodes_from(("p", j) for j in range(len(periods)))
    graph.add_edges_from(
        (("c", i), ("p", j)) for i, j in zip(*np.nonzero(allowed), strict=True)
    )
    matching = nx.bipartite.hopcroft_karp_matching(graph, top_nodes=left)
    frontier = [u for u in left if u not in matching]
    seen_c, seen_p = set(frontier), set()
    while frontier:
        u = frontier.pop()
        for p in graph[u]:
            if p not in seen_p:
                seen_p.add(p)
                mate = matching.get(p)
                if mate is not None and mate not in seen_c:
                    seen_c.add(mate)
                    frontier.append(mate)
    return (
        sorted(communes[i] for _, i in seen_c),
        [periods[j] for _, j in sorted(seen_p)],
    )


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
        culprits, shared = _hall_violation(communes, allowed, periods)
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
