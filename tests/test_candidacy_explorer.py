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
    note = explorer.view(static=True).data  # no slider on a static page
    assert "grille publiée" in note and "Robustesse aux poids" in note
    assert "curseur" in note and "JupyterLab" in note
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


def _html_text(view) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", view._repr_html_()))


def test_comite_tables_read_like_a_publication():
    from mitlib.candidatures.display import (
        gaps_view,
        grid_view,
        history_view,
        leaders_summary,
        ranking_view,
        robustness_view,
        stability_view,
        theme_pairs_view,
    )

    analysis = sample_analysis()
    ranking = ranking_view(analysis)
    assert [c.label for c in ranking.columns][:5] == [
        "Rang",
        "Commune",
        "EPCI",
        "Programme",
        "Note (sur 20)",
    ]
    assert ranking.cells[0][:5] == [
        "1",
        "Villeneuve-sur-Lot",
        "CA du Grand Villeneuvois",
        "ACV",
        "16,98",
    ]
    pujols = next(row for row in ranking.cells if row[1] == "Pujols")
    assert pujols[0] == "—" and pujols[4] == "—" and "ni Action" in pujols[5]
    assert ranking.caption.endswith("(13 classées, 4 éliminées)")
    gaps = gaps_view(analysis)
    assert gaps.cells[0][:4] == ["2", "Casseneuil", "Villeneuve-sur-Lot", "5,09"]
    assert gaps.cells[0][4].endswith("» : 17,6\u202f% → 54,4\u202f%")
    assert "Partenaires engagés" in gaps.cells[0][4]
    grid = grid_view(analysis)
    assert grid.cells[1][0] == "Locaux vacants mobilisables pour le marathon"
    assert grid.cells[1][2] == "23,5\u202f%"
    stability = stability_view(analysis)
    assert stability.cells[1][2:] == [
        "de 16,5\u202f% à 20,4\u202f%",
        "jusqu'à 50,8\u202f%",
    ]
    summary = leaders_summary(analysis)
    assert len(summary.sentences) == 5  # one per EPCI, not 35 rows
    bastides = next(s for s in summary.sentences if s.startswith("CC des Bastides"))
    assert "Cancon reste en tête" in bastides
    assert "ne dépasse pas 8,8\u202f%" in bastides
    assert any("quel que soit le poids" in s for s in summary.sentences)
    robust = robustness_view(analysis)
    assert robust.cells[2] == ["Penne-d'Agenais", "3", "3,4", "79\u202f%", "42\u202f%"]
    assert "10\u202f000 tirages" in robust.caption
    pairs = theme_pairs_view(analysis)
    assert len(pairs.cells) == 7 and pairs.cells[-1][-1] == "66\u202f%"
    history = history_view(analysis)
    assert history.cells[0][0] == "CC Fumel Vallée du Lot"
    assert history.cells[0][-1] == "novembre 2023"
    for view in (ranking, gaps, grid, stability, summary, robust, pairs, history):
        text = _html_text(view)
        for word in ("NaN", "nan", "None", "inf", "epci_siren", "poids_min"):
            assert word not in text.split(), word
        assert "0." not in text  # no English decimal point


def _with_bad_cell(tmp_path, name: str, row: int, column: str):
    """A copy of a sample table with one cell that cannot be read."""
    import csv
    import io

    from mitlib.core.config import EXAMPLE_DIR

    text = (EXAMPLE_DIR / name).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    rows[row][rows[0].index(column)] = "beaucoup"
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    return path


def test_inputs_view_counts_the_files_read(tmp_path):
    from mitlib.candidatures.display import candidacy_inputs_view
    from mitlib.candidatures.inputs import load_candidacies
    from mitlib.candidatures.proposal import analyse
    from mitlib.data.fictional import FICTIONAL_NOTICE
    from mitlib.render.tables import REJECTS_NOTE

    view = candidacy_inputs_view(sample_analysis())
    assert view.caption == "Fichiers lus et vérifiés — Pays de la Vallée du Lot"
    assert [c.label for c in view.columns][2:] == [
        "Lignes lues",
        "Lignes retenues",
        "Lignes rejetées",
    ]
    assert view.cells[0] == [
        "Candidatures des communes",
        "candidatures.csv",
        "17",
        "17",
        "0",
    ]
    assert [row[0] for row in view.cells[1:]] == [
        "Locaux vacants",
        "Acteurs de l'accompagnement",
        "Événements locaux",
    ]
    assert view.cells[1][2:] == ["320", "320", "0"]
    assert view.footnotes == [
        "Grille de notation appliquée : grille.yaml (8 critères).",
        FICTIONAL_NOTICE,
    ]
    assert "<pre>" not in view.to_html()

    bad = _with_bad_cell(tmp_path, "candidatures.csv", 2, "locaux_nb")
    rejected = candidacy_inputs_view(analyse(load_candidacies(bad), robustness=False))
    assert rejected.cells[0][2:] == ["17", "16", "1"]
    assert rejected.footnotes[0] == REJECTS_NOTE
