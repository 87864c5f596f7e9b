import geopandas as gpd
import pandas as pd
import pytest

from mitlib.core.provenance import file_sha256
from mitlib.data.decoding import TableError
from mitlib.data.io import example_path, load_table
from mitlib.data.positions import (
    OUTSIDE_COMMUNE,
    OUTSIDE_TERRITORY,
    POSITION_OK,
    PRECISION_GIVEN,
    PRECISION_TOWN_HALL,
)

HEADER = (
    "id;commune;adresse;latitude;longitude;surface_m2;disponible_marathon;"
    "proprio_contact"
)


def write(tmp_path, text, name="locaux.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_french_excel_csv_semicolon_decimal_comma_cp1252(tmp_path, territory):
    path = write(
        tmp_path,
        HEADER + "\nL1;Villeneuve-sur-Lot;3 rue Pélissier;44,4087;0,7045;85,5;oui;\n",
        encoding="cp1252",
    )
    res = load_table(path, "locaux", territory)
    row = res.data.iloc[0]
    assert (row["code_insee"], row["commune"], row["adresse"]) == (
        "47323",
        "Villeneuve-sur-Lot",
        "3 rue Pélissier",
    )
    assert row["surface_m2"] == 85.5 and row["disponible_marathon"] is True
    assert row["latitude"] == pytest.approx(44.4087)
    assert row["precision"] == PRECISION_GIVEN
    assert row["controle_position"] == POSITION_OK


def test_comma_csv_with_bom_and_point_decimals(tmp_path, territory):
    text = (
        "\ufeffid,commune,surface_m2,loyer_mensuel\n"
        'L1,47004,"1 200,5",650\nL2,Aiguillon,42.5,\n'
    )
    res = load_table(write(tmp_path, text), "locaux", territory)
    assert res.data["surface_m2"].tolist() == [1200.5, 42.5]
    assert res.data["code_insee"].tolist() == ["47004", "47004"]
    assert res.data["ligne"].tolist() == [2, 3]


def test_missing_coordinates_go_to_town_hall(tmp_path, territory):
    res = load_table(
        write(tmp_path, HEADER + "\nL1;Monflanquin;;;;;;\n"), "locaux", territory
    )
    row = res.data.iloc[0]
    hall = territory.communes.set_index("code_insee").loc["47175"]
    assert row["precision"] == PRECISION_TOWN_HALL
    assert (row["longitude"], row["latitude"]) == (
        hall["mairie_lon"],
        hall["mairie_lat"],
    )
    assert row.geometry.x == hall["mairie_lon"]


def test_points_outside_commune_or_territory_are_flagged_and_kept(tmp_path, territory):
    text = (
        HEADER
        + "\nL1;Villeneuve-sur-Lot;;48,8566;2,3522;;;"  # Paris
        + "\nL2;Aiguillon;;44,4087;0,7045;;;"  # Villeneuve-sur-Lot, not Aiguillon
        + "\nL3;Villeneuve-sur-Lot;;0,7045;44,4087;;;\n"  # swapped
    )
    res = load_table(write(tmp_path, text), "locaux", territory)
    assert len(res.data) == 3 and res.rejects.empty
    assert res.data["controle_position"].tolist() == [
        OUTSIDE_TERRITORY,
        OUTSIDE_COMMUNE,
        OUTSIDE_TERRITORY,
    ]
    warnings = res.problems[res.problems["gravite"] == "avertissement"]
    assert warnings["ligne"].tolist() == [2, 3, 4]
    assert "inversées" in warnings["motif"].iloc[2]


def test_bad_rows_are_rejected_with_line_column_reason_and_valid_rows_kept(
    tmp_path, territory
):
    text = (
        HEADER
        + "\nL1;Pujols;;;;12,5;oui;a@example.org"
        + "\nL1;Pujols;;;;10;non;"  # duplicate id
        + "\nL3;Villeneuve-sur-Lott;;;;abc;peut-être;"
        + "\nL4;;;;;-3;;"
        + "\n;Fumel;;;;;;"
        + "\nL6;Fumel;;;;<script>alert(1)</script>;;\n"
    )
    path = write(tmp_path, text)
    before = file_sha256(path)
    res = load_table(path, "locaux", territory)
    assert file_sha256(path) == before  # input untouched
    assert res.n_rows == 6
    assert res.data["id"].tolist() == ["L1"]
    assert res.rejects["ligne"].tolist() == [3, 4, 5, 6, 7]
    got = {(p.ligne, p.colonne) for p in res.problems.itertuples()}
    assert got == {
        (3, "id"),
        (4, "commune"),
        (4, "surface_m2"),
        (4, "disponible_marathon"),
        (5, "commune"),
        (5, "surface_m2"),
        (6, "id"),
        (7, "surface_m2"),
    }
    motif = res.problems.set_index(["ligne", "colonne"])["motif"]
    assert motif[3, "id"] == "identifiant « L1 » déjà utilisé ligne 2"
    assert "Villeneuve-sur-Lot (47323)" in motif[4, "commune"]
    assert motif[4, "surface_m2"] == "« abc » n'est pas un nombre"
    assert motif[5, "surface_m2"] == "« -3 » : doit être ≥ 0"
    assert motif[5, "commune"] == "valeur obligatoire manquante"
    report = res.report()
    assert "6 lignes lues, 1 valide, 5 rejetées" in report
    assert (
        "locaux.csv, ligne 4, colonne surface_m2 : « abc » n'est pas un nombre"
        in report
    )

    out = res.write_rejects()
    assert out == tmp_path / "locaux_rejets.csv"
    rejects = pd.read_csv(
        out, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False
    )
    assert rejects.columns.tolist() == ["ligne", *HEADER.split(";"), "motifs"]
    assert rejects.loc[4, "surface_m2"] == "<script>alert(1)</script>"
    assert rejects.loc[0, "motifs"] == "id : identifiant « L1 » déjà utilisé ligne 2"


def test_missing_required_column_names_file_and_column(tmp_path, territory):
    path = write(tmp_path, "identifiant_local;adresse\nL1;x\n")
    with pytest.raises(
        TableError,
        match=r"locaux\.csv : colonne\(s\) obligatoire\(s\) absente\(s\) : id, commune",
    ):
        load_table(path, "locaux", territory)


def test_unknown_format_and_missing_file(tmp_path, territory):
    with pytest.raises(TableError, match="format non pris en charge"):
        load_table(write(tmp_path, "x", name="locaux.ods"), "locaux", territory)
    with pytest.raises(TableError, match="introuvable"):
        load_table(tmp_path / "absent.csv", "locaux", territory)


def test_header_aliases_and_unknown_columns(tmp_path, territory):
    text = "ID;Code INSEE;Lat;Lon;Remarque\nL1;47323;44,4087;0,7045;vue sur le Lot\n"
    res = load_table(write(tmp_path, text), "locaux", territory)
    assert res.data.iloc[0]["code_insee"] == "47323"
    assert res.data.iloc[0]["precision"] == PRECISION_GIVEN
    assert "Remarque" in res.file_warnings[0]


def test_xlsx_with_explanation_sheet_and_dates(tmp_path, territory):
    path = tmp_path / "evenements.xlsx"
    data = pd.DataFrame(
        {
            "id": ["E1", "E2"],
            "nom": ["Foire", "Salon"],
            "type": ["Foire", "salons"],
            "commune": ["Fumel", "Monflanquin"],
            "date_debut": [pd.Timestamp("2026-05-02"), "03/06/2026"],
            "date_fin": ["01/05/2026", ""],
            "themes": ["Tourisme | patrimoine", "commerce"],
        }
    )
    with pd.ExcelWriter(path) as w:
        data.to_excel(w, sheet_name="evenements", index=False)
        pd.DataFrame({"colonne": ["id"]}).to_excel(
            w, sheet_name="Explications", index=False
        )
    res = load_table(path, "evenements", territory)
    assert res.data["id"].tolist() == ["E2"]
    assert res.data.iloc[0]["themes"] == ["artisanat et commerce"]
    assert res.data.iloc[0]["type"] == "salon"
    assert res.problems.iloc[0]["motif"] == "date_fin antérieure à date_debut"
    assert res.problems.iloc[0]["ligne"] == 2


def test_geojson_and_geopackage_take_coordinates_from_geometry(tmp_path, territory):
    gdf = gpd.GeoDataFrame(
        {
            "id": ["A1"],
            "nom": ["Pôle"],
            "categorie": ["accompagnement"],
            "commune": ["Fumel"],
            "themes": ["tourisme"],
        },
        geometry=gpd.points_from_xy([0.9665], [44.4985]),
        crs="EPSG:4326",
    )
    for name, driver in (("acteurs.geojson", "GeoJSON"), ("acteurs.gpkg", "GPKG")):
        gdf.to_crs(2154).to_file(tmp_path / name, driver=driver)
        res = load_table(tmp_path / name, "acteurs", territory)
        row = res.data.iloc[0]
        assert row["categorie"] == "structure d'accompagnement"
        assert row["longitude"] == pytest.approx(0.9665) and row[
            "latitude"
        ] == pytest.approx(44.4985)
        assert row["precision"] == PRECISION_GIVEN
        assert "entité" in res.report()


def test_template_explanation_row_is_skipped(tmp_path, territory):
    from mitlib.data.templates import write_templates

    write_templates(tmp_path)
    csv = tmp_path / "acteurs.csv"
    text = csv.read_text(encoding="utf-8-sig") + "A1;CCI;;cci;;;;;;;Fumel;;;;;;\n"
    csv.write_text(text, encoding="utf-8-sig")
    res = load_table(csv, "acteurs", territory)
    assert res.n_rows == 1 and res.data.iloc[0]["ligne"] == 3
    assert res.data.iloc[0]["categorie"] == "structure d'accompagnement"


def test_sample_tables_load_cleanly_and_say_they_are_fictional(territory):
    for table, n in (("locaux", 320), ("acteurs", 150), ("evenements", 50)):
        res = load_table(example_path(table), table, territory)
        assert len(res.data) == n and res.rejects.empty and res.fictional
        assert (res.data["controle_position"] == POSITION_OK).all()
        assert "FICTIVES" in res.report()


def test_example_path_lists_available():
    with pytest.raises(FileNotFoundError, match="acteurs, (.+, )?evenements, locaux"):
        example_path("coachs_inconnus")


def test_reuse_loaded_tables_reads_a_file_once_and_hands_out_copies(
    tmp_path, territory, monkeypatch
):
    import mitlib.data.io as io

    path = write(
        tmp_path,
        HEADER + "\nL1;Cancon;1 rue A;;;40;oui;\nL2;Cancon;2 rue B;;;x;oui;\n",
    )
    reads = []
    real = io._load_table
    monkeypatch.setattr(io, "_load_table", lambda *a: reads.append(a[0]) or real(*a))
    with io.reuse_loaded_tables():
        first = load_table(path, "locaux", territory)
        first.data.loc[first.data.index[0], "adresse"] = "modifiée"
        first.rejects.loc[:, "ligne"] = 0
        second = load_table(path, "locaux", territory)
        assert len(reads) == 1
        assert second.data["adresse"].tolist() == ["1 rue A"]
        assert second.rejects["ligne"].tolist() == [3]
        path.write_text(HEADER + "\nL9;Cancon;9 rue C;;;50;oui;\n", encoding="utf-8")
        third = load_table(path, "locaux", territory)  # changed on disk: read again
        assert len(reads) == 2 and third.data["id"].tolist() == ["L9"]
    load_table(path, "locaux", territory)
    assert len(reads) == 3  # outside the block, every call reads
