import re

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


# ---------------------------------------------------------------------------
# Indicator metadata and the tables people read
# ---------------------------------------------------------------------------


def test_every_figure_of_the_diagnosis_has_metadata(diag):
    from mitlib.diagnostic.metadata import INDICATORS, KINDS, excel_format

    columns = [*diag.communes.columns, *diag.epci.columns, *diag.total.columns]
    names = {"code_insee", "nom", "epci_siren", "epci_nom", "geometry"}
    figures = {c for c in columns if c not in names}
    assert figures <= set(INDICATORS), figures - set(INDICATORS)
    for meta in INDICATORS.values():
        assert meta.kind in KINDS and meta.label and meta.definition and meta.source
        if meta.kind == "count":
            assert meta.decimals == 0
        if meta.kind == "distance":
            assert meta.decimals == 1 and "km" in meta.header
    assert INDICATORS["population"].format(47784.0) == "47\u202f784"
    assert INDICATORS["superficie_km2"].format(28.292369) == "28,3"
    assert INDICATORS["distance_acteur_km"].format(0.217101) == "0,2"
    assert INDICATORS["zones_blanches_part_population"].format(0.02) == "2,0\u202f%"
    assert excel_format("nb_communes") == "#,##0"
    assert excel_format("distance_acteur_km") == "#,##0.0"


def test_key_figures_table_is_french_with_dash_and_footnote(diag):
    from mitlib.data.territory import load_territory
    from mitlib.diagnostic.display import key_figures_table

    departement = load_territory("lot-et-garonne")
    table = key_figures_table(diag, epci="200023307", departement=departement)
    rows = {r[0]: r[1:] for r in table.cells}
    epci = diag.epci.loc["200023307"]
    assert rows["Communes"] == ["19", "133", "319"]
    assert rows["Population municipale"][:2] == ["47\u202f784", "115\u202f014"]
    assert rows["Population municipale"][2] == "332\u202f842"
    area = round(float(epci["superficie_km2"]), 1)
    assert rows["Superficie (km²)"][0] == f"{area:.1f}".replace(".", ",")
    share = rows["Part de la population en zone blanche"]
    assert share[0].endswith("\u202f%") and share[2] == "\u2014"
    assert rows["Locaux vacants"] == ["139", "320", "\u2014"]
    assert [c.label for c in table.columns][1:] == [
        epci["epci_nom"],
        diag.territory.name,
        "Lot-et-Garonne",
    ]
    page = table.to_html()
    assert "sans objet pour le département (Lot-et-Garonne)" in page
    assert "Chiffres clés — Communauté d'agglomération" in page
    for bad in ("None", "47784", "0.0", "indicateur</th>"):
        assert bad not in page, bad
    assert not re.search(r"\b(nan|inf)\b", page, re.I)


def test_display_tables_show_names_not_codes(diag):
    from mitlib.diagnostic.display import (
        commune_profile_table,
        communes_table,
        epci_table,
        theme_coverage_table,
        white_zones_table,
    )

    epci = epci_table(diag)
    assert len(epci.cells) == 6 and epci.cells[-1][0].startswith("Ensemble")
    assert epci.cells[-1][2] == "115\u202f014" and '<tr class="total">' in (
        epci.to_html()
    )
    coverage = theme_coverage_table(diag, "244701405")
    assert coverage.cells == [
        ["Communauté de communes Lot et Tolzac", "25", "24", "29", "26", "18"]
    ]
    communes = communes_table(diag, "244701405")
    names = [r[0] for r in communes.cells]
    assert len(names) == 15 and names[0] == "Brugnac" and "Tombebœuf" in names
    zones = white_zones_table(diag)
    assert [r[0] for r in zones.cells][:2] == ["Labretonie", "Hautesvignes"]
    assert zones.cells[0][3] == "14,2"
    profile = commune_profile_table(diag, "Monflanquin")
    rows = {r[0]: r[1:] for r in profile.cells}
    assert rows["Population municipale"] == [
        "2\u202f313",
        "17\u202f062",
        "115\u202f014",
    ]
    assert rows["Zone blanche"][0] in {"oui", "non"}
    for table in (epci, coverage, communes, zones, profile):
        html = table.to_html()
        assert not any(code in html for code in ("244701405", "47175", "200023307"))
        assert not re.search(r"\b(nan|none|inf)\b", html, re.I)


def test_key_figures_chart_compares_ratios(diag):
    from mitlib.data.territory import load_territory
    from mitlib.diagnostic.display import key_figures_chart

    chart = key_figures_chart(
        diag, epci="244701405", departement=load_territory("lot-et-garonne")
    )
    page = chart._repr_html_()
    assert "Densité (hab./km²)" in page and "61,8" in page  # département density
    assert "Communauté de communes Lot et Tolzac" in page
    assert not re.search(r"\bnan\b", page, re.I)


def test_xlsx_columns_carry_their_number_format(diag, tmp_path):
    import openpyxl

    write_diagnosis(diag, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "diagnostic.xlsx")

    def formats(sheet):
        ws = book[sheet]
        return {c.value: ws.cell(2, c.column).number_format for c in ws[1]}

    epci = formats("epci")
    assert epci["population"] == "#,##0"
    assert epci["superficie_km2"] == "#,##0.0"
    assert epci["zones_blanches_part_population"] == "0.0%"
    assert epci["epci_nom"] == "General"
    communes = formats("communes")
    assert communes["distance_acteur_km"] == "#,##0.0"
    assert communes["locaux_nb"] == "#,##0"
    assert book["epci"].cell(2, 4).value == diag.epci.iloc[0, 2]  # full precision
