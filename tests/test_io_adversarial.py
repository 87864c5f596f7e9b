"""Adversarial corpus for :mod:`mitlib.data.io`, generated from the bundled samples.

Every case writes a modified copy of a sample table into ``tmp_path`` (the
``data/`` folder is never touched) and checks what the loader reports: exact
line numbers, rows kept, rejected value and column, French messages. Every
load also checks that the input file's bytes are unchanged.
"""

from __future__ import annotations

import io
import os
import zipfile

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from mitlib.cli.main import main
from mitlib.core.errors import InputError
from mitlib.data.cells import parse_number
from mitlib.data.decoding import TableError
from mitlib.data.formats import read_raw
from mitlib.data.io import example_path, load_table
from mitlib.data.templates import write_templates


def sample_lines(table: str, n: int | None = None) -> list[str]:
    """Header and the first ``n`` data lines of a sample table (no line ends)."""
    lines = example_path(table).read_text(encoding="utf-8-sig").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines if n is None else lines[: n + 1]


def cell(lines: list[str], line_no: int, column: str) -> str:
    """Cell of a ``;`` file without quoted cells (line numbers from 1)."""
    return lines[line_no - 1].split(";")[lines[0].split(";").index(column)]


def set_cell(lines: list[str], line_no: int, column: str, value: str) -> None:
    fields = lines[line_no - 1].split(";")
    fields[lines[0].split(";").index(column)] = value
    lines[line_no - 1] = ";".join(fields)


def write(tmp_path, name: str, content, encoding: str = "utf-8", end: str = "\n"):
    path = tmp_path / name
    if isinstance(content, list):
        content = end.join(content) + end
    if isinstance(content, str):
        content = content.encode(encoding)
    path.write_bytes(content)
    return path


def load(path, table: str, territory):
    """load_table, asserting that the input file is left byte for byte."""
    before = path.read_bytes() if path.is_file() else None
    try:
        return load_table(path, table, territory)
    finally:
        if before is not None:
            assert path.read_bytes() == before


def refused(path, table: str, territory) -> str:
    with pytest.raises(TableError) as info:
        load(path, table, territory)
    assert isinstance(info.value, InputError) and isinstance(info.value, ValueError)
    return str(info.value)


# ---------------------------------------------------------------------------
# Unbalanced quotes, ragged lines
# ---------------------------------------------------------------------------


def test_quote_swallowing_twenty_records_stops_naming_the_opening_line(
    tmp_path, territory
):
    lines = sample_lines("locaux")  # 320 data lines
    set_cell(lines, 50, "adresse", '"' + cell(lines, 50, "adresse"))
    set_cell(lines, 70, "adresse", cell(lines, 70, "adresse") + '"')
    message = refused(write(tmp_path, "locaux.csv", lines), "locaux", territory)
    assert message.startswith(
        'locaux.csv : le guillemet (") ouvert ligne 50 (colonne adresse) '
        "n'est pas refermé sur cette ligne : il avale les lignes 51 à 70, dont 19 "
        "ressemblent à des lignes du tableau"
    )
    assert "Aucune ligne n'a été chargée. Corrigez la ligne 50" in message


def test_quote_never_closed_until_end_of_file_is_refused(tmp_path, territory):
    lines = sample_lines("acteurs")  # 150 data lines
    set_cell(lines, 140, "nom", '"' + cell(lines, 140, "nom"))
    message = refused(write(tmp_path, "acteurs.csv", lines), "acteurs", territory)
    assert "ouvert ligne 140 (colonne nom)" in message
    assert "il avale les lignes 141 à 151, dont 11 ressemblent" in message


@pytest.mark.parametrize(
    ("table", "line_no", "column", "swallowed"),
    [
        ("coachs", 10, "expertise", "les lignes 11 à 13, dont 3 ressemblent"),
        ("projets", 20, "besoins", "la ligne 21, qui ressemble"),
    ],
)
def test_closing_quote_removed_in_quoted_samples_is_refused(
    tmp_path, territory, table, line_no, column, swallowed
):
    lines = sample_lines(table)
    assert lines[line_no - 1].count('.";') == 1
    lines[line_no - 1] = lines[line_no - 1].replace('.";', ".;")
    message = refused(write(tmp_path, f"{table}.csv", lines), table, territory)
    assert (
        f'{table}.csv : le guillemet (") ouvert ligne {line_no} (colonne {column}) '
        f"n'est pas refermé sur cette ligne : il avale {swallowed} à " in message
    )


def test_quoted_multiline_cells_and_blank_lines_keep_file_line_numbers(
    tmp_path, territory
):
    lines = sample_lines("projets")  # 64 data lines, line 5 is M1-P04
    fields = lines[4].split(";")
    fields[3] = f'"{fields[3]}\nDeuxième ligne ; avec un point-virgule."'
    lines[4] = ";".join(fields)
    lines[7:7] = ["", "   "]  # two blank lines before M1-P07
    bad = lines[12].rsplit(";", 7)  # line 11 in the sample, 11 + 1 + 2 here
    bad[1] = "zzz"  # theme, 7th of 13 columns
    lines[12] = ";".join(bad)
    res = load(write(tmp_path, "projets.csv", lines), "projets", territory)
    assert res.n_rows == 64 and len(res.data) == 63
    by_id = res.data.set_index("id")
    assert by_id.loc["M1-P04", "description"].endswith(
        "Thézac.\nDeuxième ligne ; avec un point-virgule."
    )
    assert by_id.loc["M1-P04", "ligne"] == 5
    assert by_id.loc["M1-P05", "ligne"] == 7  # after the two-line cell
    assert by_id.loc["M1-P06", "ligne"] == 8
    assert by_id.loc["M1-P07", "ligne"] == 11  # after the two blank lines
    assert res.data["ligne"].iloc[-1] == 65 + 3
    assert res.rejects["ligne"].tolist() == [14]
    assert res.rejects.loc[0, "id"] == "M2-P02"  # line 11 of the sample
    problem = res.problems.iloc[0]
    assert (problem.ligne, problem.colonne, problem.valeur) == (14, "theme", "zzz")
    assert "projets.csv, ligne 14, colonne theme : « zzz »" in res.report()


def test_windows_line_ends_and_multiline_cell_in_coachs(tmp_path, territory):
    lines = sample_lines("coachs", 12)
    lines[3] = lines[3].replace(" ; ", "\r\n", 1)  # K-003 expertise, two lines
    set_line = lines[10].rsplit(";", 6)  # K-010, file line 11 + 1 = 12
    set_line[1] = "inf"  # capacite_max, 9th of 14 columns
    lines[10] = ";".join(set_line)
    res = load(write(tmp_path, "coachs.csv", lines, end="\r\n"), "coachs", territory)
    assert res.n_rows == 12 and len(res.data) == 11
    assert "en ligne\r\nrecherche" in res.data.set_index("id").loc["K-003", "expertise"]
    assert res.data.set_index("id").loc["K-004", "ligne"] == 6
    assert res.rejects["ligne"].tolist() == [12]
    assert res.problems.iloc[0].motif == (
        "« inf » n'est pas un nombre entier (valeur infinie ou indéfinie refusée)"
    )


def test_ragged_line_rejects_that_line_not_the_file(tmp_path, territory):
    lines = sample_lines("acteurs", 20)
    lines[6] += ";en trop"  # file line 7, A-006
    lines[8] += ";;"  # empty extra fields: nothing lost, row kept
    lines[10] = ";".join(lines[10].split(";")[:15])  # two fields short: kept
    res = load(write(tmp_path, "acteurs.csv", lines), "acteurs", territory)
    assert res.n_rows == 20 and len(res.data) == 19
    assert res.rejects["ligne"].tolist() == [7]
    assert res.rejects.loc[0, "id"] == "A-006"
    assert res.rejects.loc[0, "motifs"].startswith(
        "18 champs au lieu de 17 : valeur(s) au-delà de la dernière colonne « en trop »"
    )
    assert "acteurs.csv, ligne 7 : 18 champs au lieu de 17" in res.report()
    warning = res.problems[res.problems["gravite"] == "avertissement"].iloc[0]
    assert (warning.ligne, warning.colonne) == (11, "")
    assert warning.motif.startswith("15 champs au lieu de 17")
    assert res.data.set_index("ligne").loc[11, "date_maj"] is None


def test_misplaced_quote_inside_one_line_rejects_that_line(tmp_path, territory):
    lines = sample_lines("evenements", 8)
    set_cell(lines, 4, "nom", '"Foire" de printemps')
    res = load(write(tmp_path, "evenements.csv", lines), "evenements", territory)
    assert len(res.data) == 7 and res.rejects["ligne"].tolist() == [4]
    problem = res.problems.iloc[0]
    assert (problem.ligne, problem.colonne) == (4, "nom")
    assert problem.motif.startswith('guillemet (") mal placé : une cellule qui')


# ---------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------


def test_windows_1252_lines_in_utf8_file_are_decoded_and_named(tmp_path, territory):
    lines = sample_lines("locaux", 12)
    assert "É" in lines[4] and "É" in lines[8]
    raw = b"\xef\xbb\xbf" + b"".join(
        (line + "\n").encode("cp1252" if k in (4, 8) else "utf-8")
        for k, line in enumerate(lines)
    )
    res = load(write(tmp_path, "locaux.csv", raw), "locaux", territory)
    assert res.file_warnings == [
        "encodage mixte : les lignes 5 et 9 ne sont pas en UTF-8 comme le reste du "
        "fichier : elles ont été lues en Windows-1252 ; vérifiez leurs accents, "
        "puis enregistrez le fichier en CSV UTF-8."
    ]
    assert len(res.data) == 12
    assert set(res.data["source"]) == {"DONNÉES FICTIVES (exemple mitlib)"}
    assert "Attention : encodage mixte : les lignes 5 et 9" in res.report()

    one = [(line + "\n").encode("utf-8") for line in sample_lines("acteurs", 8)]
    one[6] = one[6].decode("utf-8").encode("cp1252")
    res = load(write(tmp_path, "acteurs.csv", b"".join(one)), "acteurs", territory)
    assert res.file_warnings[0].startswith(
        "encodage mixte : la ligne 7 n'est pas en UTF-8 comme le reste du fichier"
    )
    assert res.data.set_index("ligne").loc[7, "source"].startswith("DONNÉES")


def test_pure_windows_1252_file_reads_without_warning(tmp_path, territory):
    lines = sample_lines("evenements", 6)
    res = load(
        write(tmp_path, "evenements.csv", lines, encoding="cp1252"),
        "evenements",
        territory,
    )
    assert res.file_warnings == [] and len(res.data) == 6
    assert res.data.loc[0, "nom"] == "Forum de la création d'entreprise de " + (
        "Villeneuve-sur-Lot"
    )


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be-bom", "utf-16-le"])
def test_utf16_files_read_like_utf8(tmp_path, territory, codec):
    lines = sample_lines("candidatures", 6)
    text = "\n".join(lines) + "\n"
    raw = {
        "utf-16": text.encode("utf-16"),  # BOM + little endian
        "utf-16-be-bom": b"\xfe\xff" + text.encode("utf-16-be"),
        "utf-16-le": text.encode("utf-16-le"),  # no BOM: found by its NUL bytes
    }[codec]
    res = load(write(tmp_path, "candidatures.csv", raw), "candidatures", territory)
    ref = load(write(tmp_path, "ref.csv", lines), "candidatures", territory)
    assert res.file_warnings == [] and res.rejects.empty
    assert res.data["motivation"].tolist() == ref.data["motivation"].tolist()
    assert res.data["ligne"].tolist() == [2, 3, 4, 5, 6, 7]


def test_nul_bytes_dropped_with_line_or_file_refused(tmp_path, territory):
    lines = [(line + "\n").encode() for line in sample_lines("evenements", 5)]
    lines[3] = lines[3].replace(b"E-003", b"E-0\x0003", 1)
    res = load(
        write(tmp_path, "evenements.csv", b"".join(lines)), "evenements", territory
    )
    assert res.file_warnings == ["octets nuls ignorés (ligne 4)."]
    assert res.data.set_index("ligne").loc[4, "id"] == "E-003"
    binary = write(tmp_path, "binaire.csv", bytes(range(256)) * 20)
    message = refused(binary, "evenements", territory)
    assert message.startswith("binaire.csv : ce n'est pas un fichier texte")


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

ODD_NUMBERS = [
    "inf",
    "Infinity",
    "-inf",
    "NaN",
    "nan",
    "1e309",
    "1e3",
    "1_000",
    "0x10",
    "١٢",
    "€",
    "m²",
    "1,234.5",
    "12 34",
    "--5",
    "1.2.3",
    ",",
    "1" * 400,
]


def test_odd_number_forms_are_rejected_with_line_and_column(tmp_path, territory):
    lines = sample_lines("locaux", len(ODD_NUMBERS) + 1)
    for k, value in enumerate(ODD_NUMBERS):
        set_cell(lines, k + 2, "surface_m2", value)
    res = load(write(tmp_path, "locaux.csv", lines), "locaux", territory)
    assert len(res.data) == 1 and res.data["ligne"].tolist() == [len(ODD_NUMBERS) + 2]
    assert res.rejects["ligne"].tolist() == list(range(2, len(ODD_NUMBERS) + 2))
    got = [(p.ligne, p.colonne, p.valeur) for p in res.problems.itertuples()]
    assert got == [(k + 2, "surface_m2", v) for k, v in enumerate(ODD_NUMBERS)]
    motif = res.problems.set_index("valeur")["motif"]
    assert (
        motif["inf"]
        == "« inf » n'est pas un nombre (valeur infinie ou indéfinie refusée)"
    )
    assert "notation scientifique" in motif["1e309"]
    assert "« _ » n'est pas un séparateur" in motif["1_000"]
    assert "chiffres non latins" in motif["١٢"]
    assert motif["1,234.5"] == "« 1,234.5 » n'est pas un nombre"
    assert "ligne 2, colonne surface_m2 : « inf » n'est pas un nombre" in res.report()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1\u202f234\u202f567", 1234567.0),
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567.0),
        ("1234.5", 1234.5),
        ("1.234", 1.234),
        ("-0,5", -0.5),
        ("+3", 3.0),
        ("\u22123", -3.0),
        (",5", 0.5),
        ("12 €", 12.0),
        ("1 200 euros", 1200.0),
        ("85,5 m²", 85.5),
        ("12km", 12.0),
    ],
)
def test_plain_decimal_forms_are_accepted(text, value):
    assert parse_number(text) == value


def test_integer_columns_accept_plain_forms_only(tmp_path, territory):
    lines = sample_lines("candidatures", 5)
    for line_no, value in (
        (2, "1 000"),
        (3, "3,0"),
        (4, "2,5"),
        (5, "1e3"),
        (6, "NaN"),
    ):
        set_cell(lines, line_no, "capacite_accueil", value)
    res = load(write(tmp_path, "candidatures.csv", lines), "candidatures", territory)
    assert res.data["capacite_accueil"].tolist() == [1000, 3]
    assert res.rejects["ligne"].tolist() == [4, 5, 6]
    assert res.problems["motif"].tolist() == [
        "« 2,5 » n'est pas un nombre entier",
        "« 1e3 » n'est pas un nombre entier (notation scientifique refusée : "
        "écrivez le nombre en entier)",
        "« NaN » n'est pas un nombre entier (valeur infinie ou indéfinie refusée)",
    ]


# ---------------------------------------------------------------------------
# Line numbers in spreadsheets and GIS files
# ---------------------------------------------------------------------------


def test_xlsx_problems_use_spreadsheet_row_numbers(tmp_path, territory):
    lines = sample_lines("evenements", 5)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "evenements"
    sheet.append([])  # row 1 blank: the header is on row 2
    for line in lines:  # rows 2 to 7
        sheet.append(line.split(";"))
    sheet.append([])  # row 8 blank
    bad = lines[1].split(";")
    bad[0], bad[4] = "E-099", "31/02/2027"
    sheet.append(bad)  # row 9
    sheet["B3"] = "'=SOMME(A1)"
    path = tmp_path / "evenements.xlsx"
    book.save(path)
    res = load(path, "evenements", territory)
    assert res.data["ligne"].tolist() == [3, 4, 5, 6, 7]
    assert res.data.loc[0, "nom"] == "=SOMME(A1)"
    assert res.rejects["ligne"].tolist() == [9]
    problem = res.problems.iloc[0]
    assert (problem.ligne, problem.colonne, problem.valeur) == (
        9,
        "date_debut",
        "31/02/2027",
    )


@pytest.mark.parametrize(
    ("suffix", "driver"), [("geojson", "GeoJSON"), ("gpkg", "GPKG")]
)
def test_geojson_and_geopackage_number_entities_from_1(
    tmp_path, territory, suffix, driver
):
    df = pd.read_csv(
        example_path("acteurs"), sep=";", dtype=str, keep_default_na=False, nrows=5
    )
    df.loc[2, "categorie"] = "zzz"
    gdf = gpd.GeoDataFrame(
        df.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy([0.9665] * 5, [44.4985] * 5),
        crs="EPSG:4326",
    )
    path = tmp_path / f"acteurs.{suffix}"
    gdf.to_file(path, driver=driver)
    res = load(path, "acteurs", territory)
    assert res.n_rows == 5 and res.data["ligne"].tolist() == [1, 2, 4, 5]
    assert res.rejects["ligne"].tolist() == [3]
    assert f"acteurs.{suffix}, entité 3, colonne categorie : « zzz »" in res.report()


# ---------------------------------------------------------------------------
# Files that cannot be read: clear French errors, never a traceback
# ---------------------------------------------------------------------------


def _xlsx_bytes(tmp_path, lines: list[str]) -> bytes:
    book = openpyxl.Workbook()
    for line in lines:
        book.active.append(line.split(";"))
    path = tmp_path / "source.xlsx"
    book.save(path)
    return path.read_bytes()


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    return buffer.getvalue()


def _gpkg_bytes(tmp_path) -> bytes:
    df = pd.read_csv(
        example_path("acteurs"), sep=";", dtype=str, keep_default_na=False, nrows=40
    )
    gdf = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy([0.9665] * 40, [44.4985] * 40), crs=4326
    )
    gdf.to_file(tmp_path / "source.gpkg", driver="GPKG")
    return (tmp_path / "source.gpkg").read_bytes()


def test_broken_files_raise_french_table_errors(tmp_path, territory):
    lines = sample_lines("acteurs", 10)
    xlsx = _xlsx_bytes(tmp_path, lines)
    gpkg = _gpkg_bytes(tmp_path)
    geojson = '{"type": "FeatureCollection", "features": [{"type": "Feature",\n'
    cases = {
        "tronque.xlsx": (
            xlsx[: len(xlsx) // 2],
            "classeur Excel endommagé ou incomplet",
        ),
        "tronque.gpkg": (gpkg[: len(gpkg) // 2], "GeoPackage incomplet"),
        "casse.geojson": (geojson, "GeoJSON mal formé ligne 2, colonne 1"),
        "liste.geojson": ('{"a": 1}', "ce JSON n'est pas une collection d'entités"),
        "pas_sqlite.gpkg": ("id;nom\n", "ce n'est pas un GeoPackage"),
        "vide.csv": (b"", "fichier vide (0 octet)"),
        "blanc.csv": ("\n \r\n\t\n", "fichier vide"),
        "ancien.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "97-2003"),
        "archive.csv": (_zip_bytes(), "fichier compressé"),
        "abime.csv": (b"PK\x03\x04" + bytes(100), "classeur Excel endommagé"),
        "page.csv": ("<html><body>x</body></html>", "contient du HTML"),
    }
    for name, (content, expected) in cases.items():
        message = refused(write(tmp_path, name, content), "acteurs", territory)
        assert message.startswith(f"{name} : "), message
        assert expected in message, message


def test_folder_blank_template_and_unreadable_file(tmp_path, territory):
    folder = tmp_path / "tables.csv"
    folder.mkdir()
    (folder / "acteurs.csv").write_text("x", encoding="utf-8")
    message = refused(folder, "acteurs", territory)
    assert "tables.csv est un dossier, pas un fichier (il contient : acteurs.csv)" in (
        message
    )
    write_templates(tmp_path / "modeles")
    blank = load_table(tmp_path / "modeles" / "locaux.csv", "locaux", territory)
    assert len(blank.data) == 0 and len(blank.rejects) == 0
    assert blank.file_warnings == [
        "aucune ligne de données sous l'en-tête : la table est vide (modèle vierge)"
    ]
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        locked = write(tmp_path, "acteurs.csv", sample_lines("acteurs", 3))
        locked.chmod(0)
        try:
            with pytest.raises(TableError, match="lecture refusée .droits d'accès."):
                load_table(locked, "acteurs", territory)
        finally:
            locked.chmod(0o600)


def test_extension_contradicted_by_content_is_read_with_a_warning(tmp_path, territory):
    lines = sample_lines("evenements", 4)
    res = load(write(tmp_path, "evenements.xlsx", lines), "evenements", territory)
    assert len(res.data) == 4 and res.data["ligne"].tolist() == [2, 3, 4, 5]
    assert res.file_warnings[0] == (
        "le fichier contient du texte CSV, pas un classeur Excel : lu comme CSV ; "
        "renommez-le avec la bonne extension."
    )
    xlsx = _xlsx_bytes(tmp_path, lines)
    res = load(write(tmp_path, "evenements.csv", xlsx), "evenements", territory)
    assert len(res.data) == 4
    assert res.file_warnings[0].startswith("le fichier est en fait un classeur Excel")


def test_cli_exits_2_with_french_message_and_no_traceback(tmp_path, capsys):
    xlsx = _xlsx_bytes(tmp_path, sample_lines("evenements", 4))
    broken = write(tmp_path, "evenements.xlsx", xlsx[:300])
    assert main(["verifier", str(broken), "--table", "evenements"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mit : erreur : evenements.xlsx : classeur Excel endommagé")
    assert "Traceback" not in err


def test_read_raw_gives_file_lines_and_refuses_ragged_rows(tmp_path):
    lines = sample_lines("evenements", 3)
    lines.insert(2, "")
    df, geoms = read_raw(write(tmp_path, "evenements.csv", lines))
    assert geoms is None and df.attrs["lignes"] == [2, 4, 5]
    lines[3] += ";de trop"
    with pytest.raises(TableError, match=r"evenements\.csv, ligne 4 : 11 champs"):
        read_raw(write(tmp_path, "evenements.csv", lines))


# ---------------------------------------------------------------------------
# Spreadsheet-safe text
# ---------------------------------------------------------------------------


def test_leading_apostrophe_before_a_formula_sign_is_removed(tmp_path, territory):
    lines = sample_lines("acteurs", 6)
    for line_no, value in (
        (2, "'=SOMME(A1)"),
        (3, "'+33 5 36 49"),
        (4, "'@Fumel"),
        (5, "'-Pôle"),
        (6, "'Lot' et Garonne"),
        (7, "''=x"),  # only one apostrophe, and only before = + - @
    ):
        set_cell(lines, line_no, "nom", value)
    res = load(write(tmp_path, "acteurs.csv", lines), "acteurs", territory)
    assert res.data["nom"].tolist() == [
        "=SOMME(A1)",
        "+33 5 36 49",
        "@Fumel",
        "-Pôle",
        "'Lot' et Garonne",
        "''=x",
    ]
    lines = sample_lines("locaux", 2)
    set_cell(lines, 2, "surface_m2", "'-5")
    res = load(write(tmp_path, "locaux.csv", lines), "locaux", territory)
    assert res.rejects["ligne"].tolist() == [2]
    assert res.problems.iloc[0].motif == "« -5 » : doit être ≥ 0"


def test_header_only_files_are_empty_tables_with_a_warning(tmp_path, territory):
    """No events yet is a legitimate state: 0 rows, said, not an error."""
    lines = sample_lines("acteurs", 1)
    for name, content in (
        ("entete.csv", lines[0] + "\n\n"),
        ("entete.xlsx", _xlsx_bytes(tmp_path, lines[:1])),
    ):
        res = load_table(write(tmp_path, name, content), "acteurs", territory)
        assert res.n_rows == 0 and len(res.data) == 0, name
        assert res.file_warnings == [
            "aucune ligne de données sous l'en-tête : la table est vide"
        ], name


# ---------------------------------------------------------------------------
# Found by the adversarial review of the whole command line
# ---------------------------------------------------------------------------


def test_a_very_long_cell_is_read_and_not_searched_quadratically(tmp_path, territory):
    """A 300 000-character cell (pasted text): kept, and the e-mail search on
    it is linear (an unbounded e-mail pattern took minutes on such a cell)."""
    lines = sample_lines("locaux", 3)
    set_cell(lines, 2, "adresse", "x" * 300_000)
    res = load(write(tmp_path, "locaux.csv", lines), "locaux", territory)
    assert len(res.data) == 3 and len(res.data.loc[0, "adresse"]) == 300_000


def test_an_absurdly_large_whole_number_is_rejected(tmp_path, territory):
    coachs = pd.read_csv(example_path("coachs"), sep=";", dtype=str).head(3)
    for value, reason in (
        ("999999999999999999999", "« 999999999999999999999 » n'est pas un nombre"),
        ("500", "« 500 » : doit être ≤ 100"),  # the schema's bound
    ):
        coachs.loc[1, "capacite_max"] = value
        path = tmp_path / "coachs.csv"
        coachs.to_csv(path, sep=";", index=False)
        res = load(path, "coachs", territory)
        assert res.rejects["ligne"].tolist() == [3]
        assert res.rejects["motifs"][0].startswith(f"capacite_max : {reason}")


def test_a_contact_typed_in_a_public_column_is_withheld_with_a_warning(
    tmp_path, territory
):
    lines = sample_lines("locaux", 3)
    set_cell(lines, 3, "adresse", "voir jean.proprio@exemple.org")
    res = load(write(tmp_path, "locaux.csv", lines), "locaux", territory)
    assert len(res.data) == 3 and res.data.loc[1, "adresse"] is None
    warning = res.problems.query("gravite == 'avertissement'").iloc[0]
    assert (warning.ligne, warning.colonne) == (3, "adresse")
    assert warning.motif == (
        "ressemble à un courriel (donnée personnelle) dans une colonne publique : "
        "valeur retirée ; les coordonnées vont dans la colonne proprio_contact"
    )


def test_rejects_file_cannot_be_a_folder(tmp_path, capsys):
    lines = sample_lines("locaux", 3)
    set_cell(lines, 2, "commune", "Inconnueville")
    path = write(tmp_path, "locaux.csv", lines)
    (tmp_path / "dossier").mkdir()
    code = main(
        [
            "verifier",
            str(path),
            "--table",
            "locaux",
            "--rejets",
            str(tmp_path / "dossier"),
        ]
    )
    assert code == 3
    assert "est un dossier : le fichier des rejets doit être un fichier" in (
        capsys.readouterr().err
    )
