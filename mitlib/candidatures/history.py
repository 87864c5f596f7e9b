"""The real 2023–2024 cycle, and how the tool's proposal compares with it.

The five marathons of the first cycle of « Mon Incroyable Territoire » were
held, one per EPCI, in Monsempron-Libos (artisanat et commerce, June 2023),
Aiguillon (tourisme, November 2023), Villeneuve-sur-Lot (résilience
alimentaire, March 2024), Monflanquin (culture et patrimoine, June 2024) and
Le Temple-sur-Lot (bien-vivre et bien-vieillir, November 2024), as reported
in the programme's documents (see ``DOMAIN.md``). These public facts are
read from the territory's data file (:mod:`mitlib.data.cycle`);
:func:`compare_with_history` sets the tool's proposal next to them and values
the real attribution with the same grid.

The bundled sample candidacies are fictional, built around these hosts: the
comparison says what the grid would have proposed, not what should have been
decided.

Examples
--------
>>> [h.code_insee for h in HISTORICAL_HOSTS]
['47179', '47004', '47323', '47175', '47306']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mitlib.candidatures.attribution_model import Attribution
from mitlib.candidatures.rules import AttributionRules
from mitlib.core.text import format_fr
from mitlib.data.cycle import HISTORICAL_HOSTS, HistoricalHost

__all__ = [
    "HISTORICAL_HOSTS",
    "HistoricalHost",
    "HistoryComparison",
    "compare_with_history",
    "history_applies",
]


def history_applies(codes: object) -> bool:
    """True when every historical host commune is among ``codes``.

    Examples
    --------
    >>> history_applies(["47179", "47004", "47323", "47175", "47306", "47001"])
    True
    >>> history_applies(["47179"])
    False
    """
    present = {str(c) for c in codes}
    return all(h.code_insee in present for h in HISTORICAL_HOSTS)


@dataclass(frozen=True)
class HistoryComparison:
    """Result of :func:`compare_with_history`.

    Attributes
    ----------
    table : DataFrame
        One row per EPCI (chronological order of the real cycle):
        ``epci_siren``, ``commune_reelle``, ``theme_reel``, ``periode_reelle``,
        ``dates_reelles``,
        ``note_reelle`` (out of 20, NaN if eliminated), ``commune_proposee``,
        ``theme_propose``, ``periode_proposee``, ``note_proposee``,
        ``meme_commune``, ``meme_theme`` (``"oui"``/``"non"``) and
        ``remarque`` (why the real host could not be chosen, if so).
    real_value : float or None
        Value of the real attribution under the grid (the objective of
        :func:`mitlib.candidatures.attribution.attribute`), None if a real host was
        eliminated.
    proposed_value : float
        Value of the proposal.
    feasible : bool
        Whether the real attribution meets every rule of the grid.
    rank : int or None
        Rank of the real attribution among those listed (1 = optimum), None
        if it is not among them.
    """

    table: pd.DataFrame
    real_value: float | None
    proposed_value: float
    feasible: bool
    rank: int | None

    @property
    def gap(self) -> float | None:
        """Value of the proposal minus that of the real attribution."""
        if self.real_value is None:
            return None
        return self.proposed_value - self.real_value

    def summary(self) -> str:
        """French sentences for the minutes.

        Examples
        --------
        >>> t = pd.DataFrame({"meme_commune": ["oui", "non"],
        ...                   "meme_theme": ["oui", "oui"]})
        >>> print(HistoryComparison(t, 1.5, 1.6, True, 3).summary())
        Même commune hôte que l'attribution réelle dans 1 EPCI sur 2, même thème dans 2.
        Valeur de l'attribution réelle selon la grille : 1,5000 ; proposition : 1,6000 (écart 0,1000).
        L'attribution réelle respecte toutes les règles de la grille ; elle arrive au rang 3 des attributions listées.
        """  # noqa: E501 - doctest output lines
        n = len(self.table)
        same_host = int((self.table["meme_commune"] == "oui").sum())
        same_theme = int((self.table["meme_theme"] == "oui").sum())
        lines = [
            f"Même commune hôte que l'attribution réelle dans {same_host} EPCI sur "
            f"{n}, même thème dans {same_theme}."
        ]
        if self.real_value is None:
            lines.append(
                "L'attribution réelle ne peut pas être évaluée : une commune hôte "
                "réelle est éliminée par la grille."
            )
        else:
            lines.append(
                "Valeur de l'attribution réelle selon la grille : "
                f"{format_fr(self.real_value, 4)} ; proposition : "
                f"{format_fr(self.proposed_value, 4)} "
                f"(écart {format_fr(self.gap, 4)})."
            )
        if not self.feasible:
            lines.append("L'attribution réelle ne respecte pas toutes les règles.")
        elif self.rank is not None:
            lines.append(
                "L'attribution réelle respecte toutes les règles de la grille ; "
                f"elle arrive au rang {self.rank} des attributions listées."
            )
        else:
            lines.append(
                "L'attribution réelle respecte toutes les règles de la grille, "
                "au-delà des attributions listées."
            )
        return "\n".join(lines)


def compare_with_history(
    proposal: Attribution,
    periods: Mapping[str, str],
    notes: pd.DataFrame,
    preferences: pd.DataFrame,
    rules: AttributionRules,
    *,
    listed: list[Attribution] | tuple[Attribution, ...] = (),
) -> HistoryComparison:
    """Set the proposal next to the real 2023–2024 attribution.

    The real attribution is valued like any other:
    ``Σ (1 - preference_weight) × score + preference_weight × bonus(rank)``
    over its five pairs, with the scores of the grid. It is *feasible* when
    every real host is eligible, reaches ``rules.min_score``, received a
    theme it ranked (if ``rules.only_ranked_themes``) and the label rules
    hold.

    Parameters
    ----------
    proposal : Attribution
        The tool's proposal.
    periods : mapping code_insee -> period
        The proposal's calendar.
    notes : DataFrame
        :attr:`mitlib.candidatures.scoring.ScoreResult.table` (``eligible``,
        ``motif_exclusion``, ``note_sur_20``), index ``code_insee``.
    preferences : DataFrame
        Rank each commune gave each theme (index ``code_insee``).
    rules : AttributionRules
        As for :func:`mitlib.candidatures.attribution.attribute`.
    listed : sequence of Attribution
        Attributions in decreasing value (optimum first) in which to look
        for the real one, to give its rank.

    Returns
    -------
    HistoryComparison
    """
    proposed = proposal.table
    pw, min_score = rules.preference_weight, rules.min_score
    rows = []
    real_value = 0.0
    feasible = True
    for host in HISTORICAL_HOSTS:
        code = host.code_insee
        known = code in notes.index
        eligible = known and bool(notes.at[code, "eligible"])
        note = float(notes.at[code, "note_sur_20"]) if eligible else np.nan
        rank = (
            preferences.at[code, host.theme]
            if code in preferences.index and host.theme in preferences.columns
            else np.nan
        )
        remark = ""
        if not known:
            remark = "pas de candidature"
        elif not eligible:
            remark = f"éliminée : {notes.at[code, 'motif_exclusion']}"
        elif min_score is not None and note / 20.0 < min_score - 1e-9:
            remark = "note inférieure à la note minimale"
        elif rules.only_ranked_themes and np.isnan(rank):
            remark = "thème non classé par la commune"
        if remark:
            feasible = False
        if eligible and real_value is not None:
            bonus = 0.0 if np.isnan(rank) else float(rules.bonus_by_rank[int(rank)])
            real_value += (1 - pw) * note / 20.0
            real_value += pw * bonus
        else:
            real_value = None
        in_proposal = host.epci_siren in proposed.index
        chosen = proposed.loc[host.epci_siren] if in_proposal else None
        code_p = chosen["code_insee"] if chosen is not None else ""
        rows.append(
            {
                "epci_siren": host.epci_siren,
                "commune_reelle": code,
                "theme_reel": host.theme,
                "periode_reelle": host.period,
                "dates_reelles": host.dates,
                "note_reelle": note,
                "commune_proposee": code_p,
                "theme_propose": chosen["theme"] if chosen is not None else "",
                "periode_proposee": periods.get(code_p, ""),
                "note_proposee": chosen["score"] * 20.0
                if chosen is not None
                else np.nan,
                "meme_commune": "oui" if code_p == code else "non",
                "meme_theme": "oui"
                if chosen is not None and chosen["theme"] == host.theme
                else "non",
                "remarque": remark,
            }
        )
    for label, count in rules.required_labels.items():
        hosts = [h.code_insee for h in HISTORICAL_HOSTS]
        have = int((rules.labels.reindex(hosts) == label).sum())
        if have < count:
            feasible = False
    real = {h.code_insee: h.theme for h in HISTORICAL_HOSTS}
    rank_found = next((i + 1 for i, a in enumerate(listed) if a.pairs == real), None)
    return HistoryComparison(
        table=pd.DataFrame(rows),
        real_value=real_value,
        proposed_value=float(proposal.value),
        feasible=feasible,
        rank=rank_found,
    )
