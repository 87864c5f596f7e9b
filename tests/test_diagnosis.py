import geopandas as gpd
import pandas as pd
import pytest

from mitlib.core.provenance import file_sha256
from mitlib.data.io import example_path
from mitlib.diagnostic.diagnosis import run_diagnosis, to_text_lists, write_diagnosis


@pytest.fixture(scope="module")
def diag(territory):
    return run_diagnosis(territory)


def test_diagnosis_on_sample(diag):
    assert diag.fictional
    assert len(diag.communes) == 133
    assert diag.total.loc["territoire", "locaux_nb"] == 320
    assert diag.total.loc["territoire", "acteurs_nb"] == 150
    assert diag.epci["nb_communes"].sum() == 133
    assert diag.epci["population"].sum() == 115_014
    assert diag.coverage.shape == (5, 6)
    assert diag.threshold_km == 10


def test_written_outputs_are_complete_private_free_and_traced(diag, tmp_path):
    files = {p.name for p in write_diagnosis(diag, tmp_path)}
    assert files == {
        "indicateurs_communes.csv",
        "indicateurs_epci.csv",
        "indicateurs_territoire.csv",
        "couverture_epci_themes.csv",
        "provenance.csv",
        "diagnostic.xlsx",
        "diagnostic.gpkg",
    }
    communes = pd.read_csv(
        tmp_path / "indicateurs_communes.csv",
        sep=";",
        decimal=",",
        dtype={"code_insee": str, "epci_siren": str},
        encoding="utf-8-sig",
    )
    assert (
        len(communes) == 133 and (communes["avertissement"] == "DONNÉES FICTIVES").all()
    )
    vsl = communes.set_index("code_insee").loc["47323"]
    assert (
        vsl["locaux_nb"]
        == diag.communes.set_index("code_insee").loc["47323", "locaux_nb"]
    )
    prov = pd.read_csv(tmp_path / "provenance.csv", sep=";", encoding="utf-8-sig")
    facts = dict(zip(prov["element"], prov["valeur"], strict=False))
    assert facts["locaux : sha256"] == file_sha256(example_path("locaux"))
    assert facts["population : millésime"].startswith("2017")
    assert "FICTIVES" in facts["avertissement"]
    layers = set(gpd.list_layers(tmp_path / "diagnostic.gpkg")["name"])
    assert layers == {
        "communes_indicateurs",
        "epci_indicateurs",
        "locaux",
        "acteurs",
        "evenements",
    }
    locaux = gpd.read_file(tmp_path / "diagnostic.gpkg", layer="locaux")
    assert "proprio_contact" not in locaux.columns and len(locaux) == 320
    acteurs = gpd.read_file(tmp_path / "diagnostic.gpkg", layer="acteurs")
    assert "contact" not in acteurs.columns
    assert acteurs["themes"].str.contains(" | ", regex=False).any()
    everything = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"example.org" not in everything and b"05 36 49" not in everything
    sheets = pd.read_excel(tmp_path / "diagnostic.xlsx", sheet_name=None)
    assert list(sheets) == [
        "communes",
        "epci",
        "territoire",
        "couverture_themes",
        "libelles",
        "provenance",
    ]


def test_to_text_lists():
    df = pd.DataFrame({"t": [["a", "b"], []], "n": [1, 2]})
    assert to_text_lists(df)["t"].tolist() == ["a | b", ""]


def test_commune_profile_compares_commune_epci_and_territory(diag):
    from mitlib.diagnostic.diagnosis import commune_profile

    fiche = commune_profile(diag, "monflanquin")
    assert fiche.columns.tolist() == [
        "Monflanquin",
        "Communauté de communes des Bastides en Haut Agenais Périgord",
        "Pays de la Vallée du Lot",
    ]
    pop = fiche.loc["Population municipale"]
    assert pop.tolist() == [2313, 17062, 115014]
    ratio = fiche.loc["Locaux vacants pour 1 000 habitants"]
    com = diag.communes.set_index("code_insee").loc["47175"]
    assert ratio.iloc[0] == pytest.approx(com["locaux_nb"] / 2313 * 1000)
    assert ratio.iloc[2] == pytest.approx(320 / 115014 * 1000)
    assert fiche.loc["Zone blanche (> 10 km)"].iloc[0] in {"oui", "non"}
