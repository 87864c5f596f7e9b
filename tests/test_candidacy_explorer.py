"""Tests of mitlib.candidatures.explorer: the weight sliders re-rank live."""

from __future__ import annotations

from candidacy_cases import sample_analysis, sample_inputs

from mitlib.candidatures.explorer import (
    CandidacyExplorer,
    alternatives_frame,
    attribution_frame,
    ranking_frame,
)
from mitlib.candidatures.scoring import score


def test_sliders_rerank_like_score_and_reset_restores():
    inputs = sample_inputs()
    explorer = CandidacyExplorer(inputs)
    assert set(explorer.sliders) == {k for k in inputs.grid.keys if k != "label"}
    assert list(explorer.analysis_.result.ranking) == list(
        sample_analysis().result.ranking
    )
    assert explorer.status.value == "Poids de la grille publiée."

    explorer.sliders["vacance"].value = 10.0
    expected = score(inputs.table, inputs.grid.with_weights({"vacance": 10.0}))
    assert list(explorer.analysis_.result.ranking) == list(expected.ranking)
    assert explorer.analysis_.proposal.pairs["47203"] == "culture et patrimoine"
    assert explorer.status.value.startswith("<b>Poids modifiés</b>")
    assert inputs.grid.criterion("vacance").weight == 3  # the grid is untouched

    explorer.reset.click()
    assert explorer.weights()["vacance"] == 3.0
    assert explorer.status.value == "Poids de la grille publiée."

    explorer._hold = True  # set every slider, then one update
    for slider in explorer.sliders.values():
        slider.value = 0.0
    explorer._hold = False
    explorer.update()
    assert "ne peuvent pas être tous nuls" in explorer.status.value
    assert type(explorer.view(static=True)).__name__ == "StaticMap"
    assert explorer.view() is explorer.widget


def test_french_frames_of_the_sample():
    analysis = sample_analysis()
    ranking = ranking_frame(analysis)
    assert list(ranking.columns) == [
        "Rang",
        "Commune",
        "EPCI",
        "Label",
        "Note /20",
        "Motif d'exclusion",
    ]
    assert ranking.loc["47323", "Note /20"] == 16.98
    attribution = attribution_frame(analysis)
    assert list(attribution.index) == [
        "2023-06",
        "2023-11",
        "2024-03",
        "2024-06",
        "2024-11",
    ]
    assert attribution.loc["2024-06", "Commune"] == "Villeneuve-sur-Lot"
    alternatives = alternatives_frame(analysis)
    assert list(alternatives.columns) == ["n° 1 (proposée)", "n° 2", "n° 3", "n° 4"]
    assert alternatives.loc["écart", "n° 2"] == "0,0150"
    assert alternatives.loc["200036523", "n° 2"] == "Cancon — artisanat et commerce"
