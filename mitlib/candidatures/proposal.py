"""The comité's proposal: scores, attribution, calendar, alternatives, robustness.

:func:`analyse` runs every step on the inputs of
:func:`mitlib.candidatures.inputs.load_candidacies`, with the grid read from the file
or with other weights (the notebook's sliders):

1. :func:`mitlib.candidatures.scoring.score`: eliminations, notes out of 20,
   contributions, ranking with the written tie-break rule;
2. :func:`mitlib.candidatures.attribution.attribute` and
   :func:`mitlib.candidatures.attribution.next_best`: the best attribution (one host and
   one theme per EPCI, each theme once, the grid's
   :meth:`~mitlib.candidatures.grid.Grid.attribution_rules`) and the
   following ones, exactly, with their gap;
3. :func:`mitlib.candidatures.calendar.schedule`: the calendar. When the best
   attribution cannot be scheduled, the proposal is the best one that can
   (attributions come in decreasing value, so it is the optimum among the
   schedulable ones, provided it is listed);
4. robustness: exact weight intervals
(:func:`mitlib.candidatures.sensitivity.weight_stability`,
   :func:`mitlib.candidatures.sensitivity.leader_stability`), rank probabilities under
   random weights (:func:`mitlib.candidatures.sensitivity.smaa`, seeded) and how often
   each commune–theme pair is chosen
   (:func:`mitlib.candidatures.frequency.pair_frequency`);
5. the comparison with the real 2023–2024 attribution
   (:func:`mitlib.candidatures.history.compare_with_history`) when its five hosts
   applied.

Examples
--------
>>> from mitlib.candidatures.inputs import load_candidacies
>>> a = analyse(load_candidacies(), robustness=False)
>>> len(a.proposal.table), a.attribution_error is None
(5, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from mitlib.candidatures.attribution import attribute, next_best
from mitlib.candidatures.attribution_model import Attribution
from mitlib.candidatures.calendar import schedule
from mitlib.candidatures.frequency import pair_frequency
from mitlib.candidatures.grid import Grid
from mitlib.candidatures.history import (
    HistoryComparison,
    compare_with_history,
    history_applies,
)
from mitlib.candidatures.inputs import CandidacyInputs
from mitlib.candidatures.rules import AttributionRules
from mitlib.candidatures.scoring import ScoreResult, score
from mitlib.candidatures.sensitivity import (
    SmaaResult,
    explain_gap,
    leader_stability,
    smaa,
    swap_weight,
    weight_stability,
)
from mitlib.data.vocabularies import THEMES

__all__ = ["HISTORY_DEPTH", "CandidacyAnalysis", "analyse", "ranking_gaps"]

#: How many attributions are listed when looking for a schedulable one or for
#: the rank of the real 2023–2024 attribution.
HISTORY_DEPTH = 10


@dataclass
class CandidacyAnalysis:
    """Everything the comité reads, for one grid.

    Attributes
    ----------
    inputs : CandidacyInputs
    grid : Grid
        The grid applied (``inputs.grid`` or a copy with other weights).
    result : ScoreResult
        Notes, contributions and ranking.
    listed : list of Attribution
        The best attributions in decreasing value (optimum first).
    periods : list of dict or None
        For each listed attribution, its calendar (``code_insee -> period``),
        None when it cannot be scheduled.
    proposal : Attribution or None
        The first listed attribution that can be scheduled.
    attribution_error : str or None
        French explanation when no attribution can be proposed.
    stability, leaders : DataFrame or None
        Exact weight intervals (weighted sum only).
    smaa : SmaaResult or None
    pairs : DataFrame or None
        Share of the weight draws choosing each commune–theme pair.
    history : HistoryComparison or None
    warnings : list of str
    """

    inputs: CandidacyInputs
    grid: Grid
    result: ScoreResult
    listed: list[Attribution] = field(default_factory=list)
    periods: list[dict[str, str] | None] = field(default_factory=list)
    proposal: Attribution | None = None
    attribution_error: str | None = None
    stability: pd.DataFrame | None = None
    leaders: pd.DataFrame | None = None
    smaa: SmaaResult | None = None
    pairs: pd.DataFrame | None = None
    history: HistoryComparison | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def proposal_periods(self) -> dict[str, str]:
        """Calendar of the proposal (``code_insee -> period``)."""
        if self.proposal is None:
            return {}
        return self.periods[self._proposal_position()] or {}

    @property
    def alternatives(self) -> list[Attribution]:
        """The optimum and the next ones the grid asks for (at least up to
        the proposal)."""
        if not self.listed:
            return []
        n = self.grid.attribution.n_alternatives + 1
        if self.proposal is not None:
            n = max(n, self._proposal_position() + 1)
        return self.listed[:n]

    def _proposal_position(self) -> int:
        # by identity: Attribution holds a DataFrame, so == is ambiguous
        return next(i for i, a in enumerate(self.listed) if a is self.proposal)

    @cached_property
    def gaps(self) -> pd.DataFrame | None:
        """:func:`ranking_gaps` of the result (computed once)."""
        return ranking_gaps(self.result)

    @cached_property
    def rules(self) -> AttributionRules:
        """The grid's attribution rules, with the candidacies' labels."""
        return self.grid.attribution_rules(labels=self.inputs.table["label"])


def _calendar(
    attribution: Attribution, inputs: CandidacyInputs
) -> tuple[dict[str, str] | None, str | None]:
    try:
        periods = schedule(attribution, inputs.availability, inputs.calendar)
    except ValueError as exc:
        return None, str(exc)
    return {str(k): str(v) for k, v in periods.items()}, None


def _attribution(analysis: CandidacyAnalysis) -> None:
    """Fill ``listed``, ``periods``, ``proposal`` (or ``attribution_error``)."""
    inputs, grid = analysis.inputs, analysis.grid
    args = (
        analysis.result.scores,
        inputs.table["epci_siren"],
        inputs.preferences,
        list(THEMES),
        analysis.rules,
    )
    try:
        optimum = attribute(*args)
    except ValueError as exc:
        analysis.attribution_error = str(exc)
        return
    depth = grid.attribution.n_alternatives
    if history_applies(inputs.table.index):
        depth = max(depth, HISTORY_DEPTH)
    listed = [optimum]
    periods, error = _calendar(optimum, inputs)
    all_periods = [periods]
    if periods is None:
        depth = max(depth, HISTORY_DEPTH)
    listed += next_best(*args, k=depth)
    all_periods += [_calendar(a, inputs)[0] for a in listed[1:]]
    analysis.listed = listed
    analysis.periods = all_periods
    first = next((i for i, p in enumerate(all_periods) if p is not None), None)
    if first is None:
        analysis.attribution_error = (
            f"Aucune des {len(listed)} meilleures attributions ne peut être "
            f"programmée dans le calendrier. Pour la meilleure : {error}"
        )
        return
    analysis.proposal = listed[first]
    if first > 0:
        analysis.warnings.append(
            f"La meilleure attribution ne peut pas être programmée ({error}) ; "
            f"la proposition est l'attribution n° {first + 1}, la meilleure de "
            "celles qui peuvent l'être."
        )


def _robustness(analysis: CandidacyAnalysis) -> None:
    """Fill ``stability``, ``leaders``, ``smaa`` and ``pairs``."""
    inputs, grid, result = analysis.inputs, analysis.grid, analysis.result
    if result.scores.empty:
        return
    if grid.method == "somme":
        analysis.stability = weight_stability(result)
        analysis.leaders = leader_stability(result, inputs.table["epci_siren"])
    settings = grid.robustness
    analysis.smaa = smaa(
        inputs.table,
        grid,
        n_draws=settings.n_draws,
        concentration=settings.concentration,
        seed=settings.seed,
    )
    if analysis.proposal is None or settings.n_draws_attribution == 0:
        return
    try:
        analysis.pairs = pair_frequency(
            analysis.smaa.scores,
            inputs.table["epci_siren"],
            inputs.preferences,
            list(THEMES),
            analysis.rules,
            n_draws=settings.n_draws_attribution,
        )
    except ValueError as exc:
        analysis.warnings.append(f"Fréquence des couples non calculée : {exc}")


def analyse(
    inputs: CandidacyInputs, grid: Grid | None = None, *, robustness: bool = True
) -> CandidacyAnalysis:
    """Score, attribute, schedule and test the robustness of the proposal.

    Parameters
    ----------
    inputs : CandidacyInputs
        From :func:`mitlib.candidatures.inputs.load_candidacies`.
    grid : Grid, optional
        Default: ``inputs.grid``. Pass ``inputs.grid.with_weights(...)`` to
        see the effect of other weights (the sources must be the same).
    robustness : bool, default True
        Also run the exact weight intervals, SMAA and the pair frequencies
        (seeded by the grid; the slowest step).

    Returns
    -------
    CandidacyAnalysis
        When no attribution exists, ``attribution_error`` says why in French
        and the notes are still there.
    """
    grid = grid or inputs.grid
    analysis = CandidacyAnalysis(
        inputs=inputs,
        grid=grid,
        result=score(inputs.table, grid),
        warnings=list(inputs.warnings),
    )
    _attribution(analysis)
    if robustness:
        _robustness(analysis)
    if analysis.proposal is not None and history_applies(inputs.table.index):
        analysis.history = compare_with_history(
            analysis.proposal,
            analysis.proposal_periods,
            analysis.result.table,
            inputs.preferences,
            analysis.rules,
            listed=analysis.listed,
        )
    return analysis


def ranking_gaps(result: ScoreResult) -> pd.DataFrame | None:
    """Why each candidacy ranks below the one just above it.

    For every eligible candidacy but the first: the gap to the candidacy
    ranked just above, by criterion
    (:func:`mitlib.candidatures.sensitivity.explain_gap`,
    points out of 20, positive when the one above does better), and the
    smallest change of one weight that makes them tie
    (:func:`mitlib.candidatures.sensitivity.swap_weight`). Weighted sum only (None for
    TOPSIS).

    Returns
    -------
    DataFrame or None
        Index ``code_insee`` (ranking order from the second): ``rang``,
        ``devant`` (the candidacy above), ``ecart_total``, ``ecart_<key>``
        per scored criterion, ``critere_bascule``, ``poids_actuel``,
        ``poids_bascule`` (weights summing to 1; NaN when no single weight
        can swap them).
    """
    if result.grid.method != "somme":
        return None
    ranking = list(result.ranking)
    keys = list(result.weights.index)
    rows = []
    for above, code in zip(ranking[:-1], ranking[1:], strict=True):
        gap = explain_gap(result, above, code)
        swap = swap_weight(result, above, code)
        row = {
            "code_insee": code,
            "rang": int(result.table.at[code, "rang"]),
            "devant": above,
            "ecart_total": float(gap["ecart"].sum()),
            **{f"ecart_{k}": float(gap.at[k, "ecart"]) for k in keys},
            "critere_bascule": swap.criterion or "",
            "poids_actuel": np.nan if swap.weight is None else swap.weight,
            "poids_bascule": np.nan if swap.new_weight is None else swap.new_weight,
        }
        rows.append(row)
    columns = [
        "code_insee",
        "rang",
        "devant",
        "ecart_total",
        *(f"ecart_{k}" for k in keys),
        "critere_bascule",
        "poids_actuel",
        "poids_bascule",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("code_insee")
