"""Indicators on a tiny hand-made territory (see conftest.tiny), computed by hand."""

import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import assert_result, l93_points

from mitlib.data.vocabularies import THEMES
from mitlib.diagnostic.indicators import (
    aggregate,
    commune_indicators,
    count_by_commune,
    coverage_matrix,
    indicator_labels,
    nearest_distance_km,
    theme_flags,
)


@pytest.fixture
def tables():
    locaux = l93_points(
        [
            (701_000, 6_401_000),
            (702_000, 6_402_000),
            (703_000, 6_403_000),
            (725_000, 6_405_000),
        ],
        code_insee=["99001", "99001", "99001", "99003"],
        surface_m2=[100.0, 50.0, np.nan, 20.0],
        disponible_marathon=[False, None, False, True],
    )
    acteurs = l93_points(
        [(705_000, 6_405_000), (725_000, 6_405_000)],
        code_insee=["99001", "99003"],
        epci_siren=["E1", "E2"],
        categorie=["financeur", "association"],
        themes=[["tourisme"], ["tourisme", "culture et patrimoine"]],
        perimetre=["commune", "département"],
    )
    evenements = l93_points([(715_000, 6_405_000)], code_insee=["99002"])
    return locaux, acteurs, evenements


def test_commune_indicators_by_hand(tiny, tables):
    locaux, acteurs, evenements = tables
    ind = commune_indicators(tiny, locaux, acteurs, evenements, threshold_km=12)
    ind = ind.set_index("code_insee")
    assert ind["superficie_km2"].tolist() == pytest.approx([100, 100, 100], rel=1e-6)
    assert ind["densite_hab_km2"].tolist() == pytest.approx([20, 5, 1], rel=1e-6)
    assert ind["locaux_nb"].tolist() == [3, 0, 1]
    assert ind["locaux_surface_m2"].tolist() == [150, 0, 20]
    assert ind["locaux_pour_1000_hab"].tolist() == pytest.approx([1.5, 0, 10])
    assert ind["locaux_disponibles_marathon"].tolist() == [0, 0, 1]
    assert ind["acteurs_nb"].tolist() == [1, 0, 1]
    # only the financeur is a support actor (association is not)
    assert ind["acteurs_soutien_nb"].tolist() == [1, 0, 0]
    assert ind["acteurs_cat_financeur"].tolist() == [1, 0, 0]
    assert ind["acteurs_theme_tourisme"].tolist() == [1, 0, 1]
    assert ind["acteurs_theme_culture_et_patrimoine"].tolist() == [0, 0, 1]
    assert ind["evenements_nb"].tolist() == [0, 1, 0]
    # town halls at the square centres; the financeur sits on A's town hall
    assert ind["distance_acteur_km"].tolist() == pytest.approx([0, 10, 20], abs=1e-3)
    assert ind["zone_blanche"].tolist() == [False, False, True]
    assert ind.attrs["seuil_zone_blanche_km"] == 12


def test_inputs_are_not_modified(tiny, tables):
    locaux, acteurs, evenements = tables
    copies = [t.copy() for t in tables]
    commune_indicators(tiny, locaux, acteurs, evenements)
    for before, after in zip(copies, tables, strict=False):
        pd.testing.assert_frame_equal(before, after)


def test_aggregate_recomputes_ratios_from_sums(tiny, tables):
    ind = commune_indicators(tiny, *tables, threshold_km=12)
    epci = aggregate(ind, by="epci")
    assert epci.loc["E1", "population"] == 2500
    assert epci.loc["E1", "locaux_pour_1000_hab"] == pytest.approx(3 / 2500 * 1000)
    assert epci.loc["E1", "distance_acteur_km_moyenne_ponderee"] == pytest.approx(
        (2000 * 0 + 500 * 10) / 2500, abs=1e-3
    )
    assert epci.loc["E1", "distance_acteur_km_max"] == pytest.approx(10, abs=1e-3)
    assert epci.loc["E2", "zones_blanches_nb"] == 1
    total = aggregate(ind, by="territoire").iloc[0]
    assert total["nb_communes"] == 3 and total["locaux_nb"] == 4
    assert total["locaux_pour_1000_hab"] == pytest.approx(4 / 2600 * 1000)
    assert total["distance_acteur_km_moyenne_ponderee"] == pytest.approx(
        7000 / 2600, abs=1e-3
    )
    assert total["zones_blanches_part_population"] == pytest.approx(100 / 2600)
    with pytest.raises(ValueError, match="Valeurs possibles : epci, territoire"):
        aggregate(ind, by="canton")


def test_coverage_matrix_counts_wide_perimeters_everywhere(tiny, tables):
    m = coverage_matrix(tiny, tables[1])
    assert m.loc["E1", "tourisme"] == 2  # own financeur + departmental association
    assert m.loc["E1", "culture et patrimoine"] == 1
    assert m.loc["E2", "tourisme"] == 1
    assert m.loc["E2", "artisanat et commerce"] == 0


def test_nearest_distance_matches_shapely(territory):
    from mitlib.data.io import load_example

    acteurs = load_example("acteurs", territory)
    d = nearest_distance_km(territory.mairies, acteurs, name="d")
    assert_result(d, name="d", index=territory.mairies.index)
    halls = territory.mairies.to_crs(2154).geometry.values
    targets = shapely.multipoints(acteurs.to_crs(2154).geometry.values)
    expected = shapely.distance(halls, targets) / 1000
    np.testing.assert_allclose(d.to_numpy(), expected, rtol=1e-9)


def test_nearest_distance_without_targets_is_nan(tiny):
    d = nearest_distance_km(tiny.mairies, tiny.mairies.iloc[:0], name="d")
    assert d.isna().all()


def test_count_by_commune_promise(tiny, tables):
    s = count_by_commune(tiny.communes, tables[0], name="n")
    assert_result(s, name="n", index=tiny.communes.index)


def test_every_indicator_has_a_french_label(territory):
    from mitlib.data.io import load_example

    ind = commune_indicators(territory, load_example("locaux"), load_example("acteurs"))
    labels = indicator_labels()
    numeric = [
        c
        for c in ind.columns
        if c not in {"code_insee", "nom", "epci_siren", "epci_nom", "geometry"}
    ]
    assert set(numeric) <= set(labels)
    assert ind.attrs["fictif"] is True


def _coverage_by_hand(territory, acteurs) -> pd.DataFrame:
    """The EPCI × theme matrix counted actor by actor (the definition)."""
    wide = {"Pays", "département", "région"}
    rows = {}
    for siren in territory.epci["epci_siren"]:
        counts = dict.fromkeys(THEMES, 0)
        for _, actor in acteurs.iterrows():
            if actor["epci_siren"] != siren and actor.get("perimetre") not in wide:
                continue
            themes = actor["themes"] if isinstance(actor["themes"], list) else []
            for theme in set(themes) & set(THEMES):
                counts[theme] += 1
        rows[siren] = counts
    return pd.DataFrame.from_dict(rows, orient="index")[list(THEMES)]


def test_coverage_matrix_matches_a_count_actor_by_actor(tiny):
    acteurs = pd.DataFrame(
        {
            "epci_siren": ["E1", "E1", "E2", None, "E9", "E2", "E1", "E2"],
            "themes": [
                ["tourisme", "tourisme"],  # a theme listed twice counts once
                ["culture et patrimoine", "pas un thème"],
                "tourisme",  # not a list: no theme
                ["résilience alimentaire"],  # no EPCI, but a wide perimeter
                ["tourisme"],  # an EPCI outside the territory, local
                [],
                ["artisanat et commerce", "tourisme"],
                ["bien-vivre et bien-vieillir"],
            ],
            "perimetre": [
                "commune",
                "EPCI",
                "région",
                "département",
                "EPCI",
                "Pays",
                None,
                "commune",
            ],
        },
        index=[10, 3, 7, 7, 0, 1, 2, 5],  # unordered, repeated: positions count
    )
    m = coverage_matrix(tiny, acteurs)
    expected = _coverage_by_hand(tiny, acteurs.reset_index(drop=True))
    pd.testing.assert_frame_equal(
        m[list(THEMES)], expected, check_names=False, check_dtype=False
    )
    assert m["tourisme"].tolist() == [2, 0]  # E1: two local actors; E2: none
    assert m["résilience alimentaire"].tolist() == [1, 1]  # the departmental one
    assert m["epci_nom"].tolist() == ["CC Un", "CC Deux"]
    assert m.index.name == "epci_siren" and m["tourisme"].dtype == np.int64


def test_theme_flags_read_lists_only():
    flags = theme_flags(
        pd.Series(
            [["tourisme", "tourisme"], "tourisme", None, ("culture et patrimoine",)]
        )
    )
    assert list(flags.columns) == list(THEMES)
    assert flags["tourisme"].tolist() == [True, False, False, False]
    assert flags["culture et patrimoine"].tolist() == [False, False, False, True]
    assert int(flags.to_numpy().sum()) == 2
