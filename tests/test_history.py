"""Tests of mitlib.candidatures.history: the real 2023–2024 attribution next to the
proposal."""

from __future__ import annotations

import numpy as np
import pytest
from candidacy_cases import sample_analysis

from mitlib.candidatures.history import (
    HISTORICAL_HOSTS,
    compare_with_history,
    history_applies,
)
from mitlib.candidatures.rules import AttributionRules


def test_historical_facts_from_the_domain():
    assert [(h.code_insee, h.theme, h.period) for h in HISTORICAL_HOSTS] == [
        ("47179", "artisanat et commerce", "2023-06"),
        ("47004", "tourisme", "2023-11"),
        ("47323", "résilience alimentaire", "2024-03"),
        ("47175", "culture et patrimoine", "2024-06"),
        ("47306", "bien-vivre et bien-vieillir", "2024-11"),
    ]
    assert len({h.epci_siren for h in HISTORICAL_HOSTS}) == 5


def test_historical_scenario_of_the_sample():
    """Under the sample grid the proposal gives every EPCI its real host and
    theme; the real attribution is valued like any other: 0.7 × note / 20 +
    0.3 × bonus (each host ranked its real theme first: bonus 1)."""
    analysis = sample_analysis()
    history = analysis.history
    table = history.table
    assert table["commune_reelle"].tolist() == [h.code_insee for h in HISTORICAL_HOSTS]
    assert (table["meme_commune"] == "oui").all() and (
        table["meme_theme"] == "oui"
    ).all()
    assert (table["remarque"] == "").all()
    notes = analysis.result.table["note_sur_20"]
    expected = sum(0.7 * notes[h.code_insee] / 20 + 0.3 for h in HISTORICAL_HOSTS)
    assert history.real_value == pytest.approx(expected)
    assert history.real_value == pytest.approx(analysis.proposal.value)
    assert history.gap == pytest.approx(0.0, abs=1e-12)
    assert history.feasible and history.rank == 1
    assert table["note_reelle"].tolist() == pytest.approx(
        [notes[h.code_insee] for h in HISTORICAL_HOSTS]
    )
    # the calendar rule gives other dates than the real ones in four EPCI
    assert table["periode_proposee"].tolist() == [
        "2023-11",
        "2023-06",
        "2024-06",
        "2024-03",
        "2024-11",
    ]
    assert history.summary().splitlines()[0] == (
        "Même commune hôte que l'attribution réelle dans 5 EPCI sur 5, "
        "même thème dans 5."
    )


def test_an_eliminated_real_host_cannot_be_valued():
    analysis = sample_analysis()
    notes = analysis.result.table.copy()
    notes.loc["47175", "eligible"] = False
    notes.loc["47175", "motif_exclusion"] = "Moins de 3 locaux"
    prefs = analysis.inputs.preferences.copy()
    prefs.loc["47306", "bien-vivre et bien-vieillir"] = np.nan
    out = compare_with_history(
        analysis.proposal,
        analysis.proposal_periods,
        notes,
        prefs,
        AttributionRules(
            preference_weight=0.3,
            bonus_by_rank={1: 1.0, 2: 0.75, 3: 0.5, 4: 0.25, 5: 0.0},
            only_ranked_themes=True,
        ),
    )
    remarks = out.table.set_index("commune_reelle")["remarque"]
    assert remarks["47175"] == "éliminée : Moins de 3 locaux"
    assert remarks["47306"] == "thème non classé par la commune"
    assert out.real_value is None and out.gap is None and not out.feasible
    assert out.rank is None
    assert "une commune hôte réelle est éliminée" in out.summary()


def test_history_applies_only_with_the_five_hosts():
    codes = [h.code_insee for h in HISTORICAL_HOSTS]
    assert history_applies(codes)
    assert not history_applies(codes[:-1])
