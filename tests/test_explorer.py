import folium
import pytest

from mitlib.diagnostic.diagnosis import run_diagnosis
from mitlib.diagnostic.explorer import ALL, DiagnosisExplorer, filter_actors


@pytest.fixture(scope="module")
def explorer(territory):
    return DiagnosisExplorer(run_diagnosis(territory))


def test_initial_state(explorer):
    assert isinstance(explorer.map_, folium.Map)
    assert len(explorer.indicators_) == 133
    assert explorer.indicator.value == "locaux_pour_1000_hab"
    assert explorer.fiche_.columns[0] == explorer.commune.label


def test_choosing_an_epci_restricts_the_map(explorer):
    explorer.epci.value = "244701405"
    assert len(explorer.indicators_) == 15
    assert set(explorer.indicators_["epci_siren"]) == {"244701405"}
    explorer.epci.value = ALL
    assert len(explorer.indicators_) == 133


def test_threshold_and_theme_recompute_indicators(explorer):
    explorer.threshold.value = 3
    many = int(explorer.indicators_["zone_blanche"].sum())
    explorer.threshold.value = 30
    assert int(explorer.indicators_["zone_blanche"].sum()) == 0 < many
    explorer.theme.value = "tourisme"
    acteurs = explorer.diag.table("acteurs")
    expected = acteurs["themes"].map(lambda t: "tourisme" in t).sum()
    assert explorer.indicators_["acteurs_nb"].sum() == expected
    explorer.theme.value = ALL


def test_commune_choice_updates_fiche(explorer):
    explorer.commune.value = "47175"
    assert explorer.fiche_.columns[0] == "Monflanquin"


def test_filter_actors(territory):
    acteurs = run_diagnosis(territory).table("acteurs")
    only = filter_actors(acteurs, categories=["financeur"], theme="tourisme")
    assert (only["categorie"] == "financeur").all()
    assert only["themes"].map(lambda t: "tourisme" in t).all()
    assert len(filter_actors(acteurs)) == len(acteurs)


def test_commune_sheet_shows_french_figures(explorer):
    explorer.commune.value = "47175"
    table = explorer.fiche_table_
    rows = {r[0]: r[1:] for r in table.cells}
    assert rows["Population municipale"][0] == "2\u202f313"
    superficie = explorer.fiche_.loc["Superficie (km²)"].iloc[0]
    assert rows["Superficie (km²)"][0] == f"{superficie:.1f}".replace(".", ",")
    page = table._repr_html_()
    assert "<caption>Fiche commune — Monflanquin" in page
    assert str(superficie) not in page  # no raw float such as 62.324379
