"""Tests of mitlib.candidatures.inputs: the criteria table, preferences, calendar,
errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from candidacy_cases import (
    SAMPLE_CANDIDACIES,
    grid_dict,
    inputs_from,
    sample_diagnosis,
    sample_inputs,
    write_grid,
)
from pyproj import Transformer

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.inputs import (
    availability,
    criteria_table,
    describe_source,
    load_candidacies,
    radius_source,
    theme_preferences,
)
from mitlib.data.io import load_table
from mitlib.data.vocabularies import THEMES


def test_criteria_table_hand_checked_values():
    """Two communes checked by hand against the sample files.

    Villeneuve-sur-Lot (47323): the candidacy says 18 premises, 8 partners,
    a room of 290; INSEE population 22 064; 82 rows of locaux.csv are in the
    commune, so 82 / 22 064 × 1 000 = 3.71646 premises per 1,000 inhabitants.
    Le Temple-sur-Lot (47306): 4 premises in locaux.csv for 1 027
    inhabitants (3.89484), a room of 50, 4 partners, never hosted.
    """
    table = sample_inputs().table
    v = table.loc["47323"]
    assert (v["commune"], v["epci_siren"], v["label"]) == (
        "Villeneuve-sur-Lot",
        "200023307",
        "ACV",
    )
    assert v["locaux_nb"] == 18
    assert v["partenaires_engages"] == 8
    assert v["capacite_accueil"] == 290
    assert v["diagnostic.population"] == 22064
    assert v["diagnostic.locaux_pour_1000_hab"] == pytest.approx(82 / 22064 * 1000)
    assert v["deja_accueilli"] == 0.0
    t = table.loc["47306"]
    assert t["diagnostic.locaux_pour_1000_hab"] == pytest.approx(4 / 1027 * 1000)
    assert (t["capacite_accueil"], t["partenaires_engages"]) == (50, 4)
    # Cancon and Sainte-Livrade-sur-Lot hosted the earlier marathons
    assert table.loc[["47048", "47252"], "deja_accueilli"].tolist() == [1.0, 1.0]
    assert table["epci_nom"].notna().all()


@pytest.mark.parametrize(
    ("code", "theme", "expected"),
    [
        ("47323", "résilience alimentaire", 42),
        ("47306", "bien-vivre et bien-vieillir", 29),
    ],
)
def test_actors_of_the_theme_within_15_km_independent_reference(code, theme, expected):
    """Count by a plain loop over the actors, with pyproj and math.hypot."""
    territory = sample_diagnosis().territory
    acteurs = load_table(
        SAMPLE_CANDIDACIES.with_name("acteurs.csv"), "acteurs", territory
    ).data
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    hall = territory.communes.set_index("code_insee").loc[code]
    hx, hy = to_l93.transform(hall["mairie_lon"], hall["mairie_lat"])
    count = 0
    for row in acteurs.itertuples():
        x, y = to_l93.transform(row.longitude, row.latitude)
        if math.hypot(x - hx, y - hy) <= 15_000 and theme in row.themes:
            count += 1
    assert count == expected
    table = sample_inputs().table
    assert table.loc[code, "diagnostic.acteurs_theme_15km"] == expected
    assert sample_inputs().preferences.loc[code, theme] == 1.0  # its first theme


def test_other_sources_counted_from_the_candidacy():
    data = grid_dict()
    data["criteres"] = [
        {"cle": "themes", "source": "nb_themes_classes", "sens": "max", "poids": 1},
        {"cle": "periodes", "source": "nb_periodes", "sens": "max", "poids": 1},
        {"cle": "ids", "source": "nb_locaux_identifies", "sens": "max", "poids": 1},
        {
            "cle": "soutien",
            "source": "diagnostic.acteurs_soutien_5km",
            "sens": "max",
            "poids": 1,
        },
    ]
    data["departage"] = []
    grid = Grid.from_dict(data)
    cand = load_table(SAMPLE_CANDIDACIES, "candidatures", sample_diagnosis().territory)
    table = criteria_table(cand.data, grid, sample_diagnosis())
    raw = pd.read_csv(SAMPLE_CANDIDACIES, sep=";", dtype=str, encoding="utf-8-sig")
    raw = raw.fillna("")
    first = raw.iloc[0]  # C-01, Villeneuve-sur-Lot
    ranked = sum(bool(first[f"theme_{r}"]) for r in range(1, 6))
    assert table.loc["47323", "nb_themes_classes"] == ranked == 4
    assert table.loc["47323", "nb_periodes"] == len(first["periodes"].split("|")) == 4
    assert table.loc["47323", "nb_locaux_identifies"] == 18
    support = table["diagnostic.acteurs_soutien_5km"]
    assert (support >= 0).all() and support["47323"] > support["47306"]


def test_unknown_source_names_criterion_and_field(tmp_path):
    data = grid_dict()
    data["criteres"][3]["source"] = "diagnostic.vacance_commerciale"
    path = write_grid(tmp_path / "grille.yaml", data)
    with pytest.raises(
        ValueError,
        match=r"Critère « vacance » : champ « source » : source inconnue "
        r"« diagnostic\.vacance_commerciale ».*diagnostic\.acteurs_theme_<N>km",
    ):
        inputs_from(SAMPLE_CANDIDACIES, path)


def test_bad_grid_yaml_error_is_french_and_names_the_file(tmp_path):
    data = grid_dict()
    data["criteres"][1]["poids"] = "beaucoup"
    path = write_grid(tmp_path / "ma_grille.yaml", data)
    with pytest.raises(
        ValueError,
        match=r"^ma_grille\.yaml : Critère « locaux » : champ « poids » : "
        r"nombre positif ou nul attendu",
    ):
        inputs_from(SAMPLE_CANDIDACIES, path)


def test_a_commune_applying_twice_is_refused(tmp_path):
    raw = pd.read_csv(SAMPLE_CANDIDACIES, sep=";", dtype=str, encoding="utf-8-sig")
    twice = pd.concat([raw, raw.iloc[[0]].assign(id="C-99")], ignore_index=True)
    path = tmp_path / "candidatures.csv"
    twice.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    with pytest.raises(
        ValueError, match=r"qu'une candidature : 47323 \(lignes 2, 19\)"
    ):
        inputs_from(path)


def test_theme_preferences_and_duplicates():
    prefs = sample_inputs().preferences
    assert list(prefs.columns) == list(THEMES)
    # Monsempron-Libos ranked commerce, tourisme, résilience alimentaire
    row = prefs.loc["47179"]
    assert row["artisanat et commerce"] == 1 and row["tourisme"] == 2
    assert np.isnan(row["culture et patrimoine"])
    c = pd.DataFrame(
        {
            "code_insee": ["47001"],
            "id": ["C-1"],
            "theme_1": ["tourisme"],
            "theme_2": ["tourisme"],
            "theme_3": [None],
            "theme_4": [None],
            "theme_5": [None],
        }
    )
    prefs, warnings = theme_preferences(c)
    assert prefs.loc["47001", "tourisme"] == 1.0
    assert warnings == [
        "Candidature C-1 (47001) : thème « tourisme » classé deux fois ; "
        "le meilleur rang compte."
    ]


def test_availability_keeps_calendar_order():
    c = pd.DataFrame(
        {"code_insee": ["47001"], "id": ["C-1"], "periodes": [["2024-06", "2023-06"]]}
    )
    avail, warnings = availability(c, ["2023-06", "2023-11", "2024-06"])
    assert avail == {"47001": ["2023-06", "2024-06"]} and warnings == []
    inputs = sample_inputs()
    assert inputs.calendar == ["2023-06", "2023-11", "2024-03", "2024-06", "2024-11"]
    assert inputs.availability["47179"] == ["2023-06", "2023-11", "2024-06", "2024-11"]


def test_sources_are_described_in_french():
    assert radius_source("diagnostic.acteurs_theme_15km") == ("theme", 15.0)
    assert describe_source("partenaires_engages") == "Partenaires engagés (candidature)"
    assert describe_source("diagnostic.population") == (
        "Population municipale (diagnostic)"
    )
    assert describe_source("diagnostic.acteurs_soutien_7.5km") == (
        "Acteurs de soutien à moins de 7,5 km de la mairie (diagnostic)"
    )


def test_inputs_carry_hashes_and_fiction_flag():
    inputs = sample_inputs()
    facts = dict(inputs.provenance)
    assert facts["grille : sha256"] == inputs.grid_sha256
    assert facts["candidatures : sha256"] == inputs.candidacies_sha256
    assert len(inputs.grid_sha256) == len(inputs.candidacies_sha256) == 64
    assert inputs.fictional
    assert inputs.warnings == []


def test_no_valid_candidacy_is_an_error(tmp_path):
    path = tmp_path / "candidatures.csv"
    path.write_text(
        "id;commune;label;theme_1\nC-1;Paris;ACV;tourisme\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="aucune candidature valide"):
        load_candidacies(path, diagnosis=sample_diagnosis())
