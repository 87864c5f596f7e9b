"""Tests of mitlib.candidatures.sheets: the printable score sheets and contribution
bars."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from candidacy_cases import sample_analysis

from mitlib.candidatures.criteria import EliminationRule
from mitlib.candidatures.sheets import (
    contribution_bars,
    rule_text,
    score_sheet,
    sheet_filename,
    sheets_index,
)
from mitlib.core.errors import OptionError
from mitlib.core.text import format_fr


def rows_of(page: str) -> list[list[str]]:
    """Cells of the first table (criteria) as text."""
    table = page.split("<table>", 1)[1].split("</table>", 1)[0]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c))
            for c in re.findall(r"<td[^>]*>(.*?)</td>", r)
        ]
        for r in re.findall(r"<tr>(.*?)</tr>", table)
    ]


def test_sheet_shows_each_criterion_weight_note_and_contribution():
    analysis = sample_analysis()
    page = score_sheet(analysis, "47323")
    t = analysis.result.table.loc["47323"]
    weights = analysis.grid.weights
    rows = {r[0]: r for r in rows_of(page) if r}
    for c in analysis.grid.criteria:
        row = rows[c.label]
        assert row[4] == format_fr(100 * weights[c.key], 1) + " %"
        if c.weight > 0:
            assert row[5] == format_fr(t[f"note_{c.key}"], 2)
            assert row[6] == format_fr(t[f"contribution_{c.key}"], 2)
    assert rows["Locaux vacants mobilisables pour le marathon"][2] == "18"
    assert rows["Label de revitalisation (ACV ou PVD)"][3] == "filtre"
    assert rows["Note globale"][-2] == "16,98"
    assert "rang 1 sur 13 candidatures classées ; 1e de son EPCI" in page
    assert "Écart entre Villeneuve-sur-Lot (rang 1) et Casseneuil (rang 2)" in page
    assert "porter le poids de « Partenaires engagés" in page
    assert "(parmi : ACV, PVD) : remplie" in page


def test_sheet_of_an_eliminated_candidacy():
    page = score_sheet(sample_analysis(), "47210")
    assert "Candidature non classée (éliminée) : Moins de 3 locaux" in page
    assert "(≥ 3) : NON remplie : Moins de 3 locaux" in page
    assert "Comparaison" not in page and "Robustesse" not in page


def test_sheet_of_a_candidacy_not_chosen_names_the_host():
    page = score_sheet(sample_analysis(), "47203")
    assert "Non retenue : la proposition confie le marathon de l'EPCI à " in page
    assert "Monsempron-Libos (« artisanat et commerce »)" in page
    assert "Commune retenue comme hôte dans 42,0 % des 300 premiers tirages" in page


def test_sheet_errors_and_names():
    with pytest.raises(OptionError, match="Pas de candidature pour la commune 47001"):
        score_sheet(sample_analysis(), "47001")
    assert sheet_filename("47203", "Penne-d'Agenais") == "47203_penne-d-agenais.html"
    assert sheet_filename("47057", "Castillonnès") == "47057_castillonnes.html"


def test_index_lists_every_sheet_in_ranking_order():
    analysis = sample_analysis()
    page = sheets_index(analysis)
    links = re.findall(r'<a href="([^"]+)">', page)
    names = analysis.inputs.table["commune"]
    expected = [*analysis.result.ranking, "47215", "47210", "47078", "47173"]
    assert links == [sheet_filename(c, names[c]) for c in expected]


def test_rule_text_in_french():
    assert rule_text(EliminationRule("<", 2.5)) == "< 2,50"
    assert rule_text(EliminationRule("non_vide")) == "valeur renseignée"
    assert rule_text(EliminationRule("==", "oui")) == "= oui"


def test_contribution_bars_widths_are_points_out_of_20():
    notes = pd.DataFrame(
        {
            "commune": ["A <b>", "B"],
            "note_sur_20": [15.0, 4.0],
            "contribution_x": [10.0, 4.0],
            "contribution_y": [5.0, 0.0],
        }
    )
    page = contribution_bars(notes, {"x": "Critère X", "y": "Critère Y"})
    widths = [float(w) for w in re.findall(r"width:([\d.]+)%;background", page)]
    assert widths == [50.0, 25.0, 20.0, 0.0]
    assert "A &lt;b&gt;" in page and "<b>" not in page
    assert page.count('class="pile"') == 2
