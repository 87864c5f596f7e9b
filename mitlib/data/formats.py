"""Any supported file → text cells, with the line each row has for the user.

:func:`read_table` chooses the reader by the extension, checked against the
content (a ``.csv`` that is a workbook, an ``.xlsx`` that holds text), and
returns a :class:`RawTable`: text cells under unique column names, the
line of each row as the user sees it (CSV line, spreadsheet row, entity
number), the file warnings and the row-level reading problems. Readers:
CSV (:mod:`mitlib.data.csv_reader`), XLSX (first data sheet), GeoJSON and
GeoPackage (first layer, geometries in WGS84). :func:`read_raw` is the same
reading for callers that want a plain table and no row lost.
"""

from __future__ import annotations

import json
import math
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
import shapely.geometry

from mitlib.core.text import fold
from mitlib.data.csv_reader import parse_csv
from mitlib.data.decoding import (
    SAVE_AS,
    TableError,
    decode,
    looks_like_text,
    read_bytes,
)
from mitlib.data.territory import WGS84

__all__ = ["NO_ROWS", "RawTable", "read_raw", "read_table"]

_ZIP_MAGIC = b"PK\x03\x04"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
#: Characters a spreadsheet would take as the start of a formula.
_FORMULA_START = frozenset("=+-@\t\r")


@dataclass
class RawTable:
    """A file read as text cells, before any schema is applied.

    ``lines`` gives, for each row of ``cells``, its number as the user sees
    it: the physical line of a CSV where the record starts, the spreadsheet
    row of an XLSX, the entity number (from 1) of a GeoJSON or GeoPackage.
    ``issues`` are row-level problems found while reading: (row position,
    column or ``""`` for the whole line, French reason, gravity).
    """

    cells: pd.DataFrame
    lines: list[int]
    geoms: gpd.GeoSeries | None = None
    warnings: list[str] = field(default_factory=list)
    issues: list[tuple[int, str, str, str]] = field(default_factory=list)


#: Said of a file that has its header and no row: legitimate (no events yet),
#: but worth a word.
NO_ROWS = "aucune ligne de données sous l'en-tête : la table est vide"


def _frame(
    header: list[str], records: list[list[str]]
) -> tuple[pd.DataFrame, dict[int, str]]:
    """Text cells under unique column names, and {header position: column}.

    A column without a name is dropped when it is empty, named
    ``(sans nom, colonne N)`` otherwise; a repeated name gets ``.1``, ``.2``…
    """
    columns: list[str] = []
    keep: list[int] = []
    for k, name in enumerate(header):
        if not name:
            if not any(r[k].strip() for r in records):
                continue
            name = f"(sans nom, colonne {k + 1})"
        base, n = name, 0
        while name in columns:
            n += 1
            name = f"{base}.{n}"
        columns.append(name)
        keep.append(k)
    rows = [[_unescape_cell(r[k]) for k in keep] for r in records]
    return pd.DataFrame(rows, columns=columns, dtype=object), dict(
        zip(keep, columns, strict=True)
    )


def _unescape_cell(text: str) -> str:
    """Remove the apostrophe spreadsheet-safe exports put before a formula sign.

    Examples
    --------
    >>> _unescape_cell("'=SOMME(A1)"), _unescape_cell("'-5"), _unescape_cell("'Lot'")
    ('=SOMME(A1)', '-5', "'Lot'")
    """
    if len(text) >= 2 and text[0] == "'" and text[1] in _FORMULA_START:
        return text[1:]
    return text


def _read_text_table(raw: bytes, name: str) -> RawTable:
    text, file_warnings = decode(raw, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise TableError(
            f"{name} : fichier vide : ajoutez une ligne d'en-tête et vos lignes "
            "(modèles : mit modeles --sortie DOSSIER)."
        )
    if text.lstrip().startswith("<"):
        raise TableError(
            f"{name} : contient du HTML ou du XML, pas un tableau ; {SAVE_AS}."
        )
    header, records, numbers, issues = parse_csv(text, name)
    if not records:
        file_warnings.append(NO_ROWS)
    cells, names = _frame(header, records)
    return RawTable(
        cells,
        numbers,
        warnings=file_warnings,
        issues=[
            (pos, names.get(k, "") if k is not None else "", why, gravity)
            for pos, k, why, gravity in issues
        ],
    )


def _read_xlsx(raw: bytes, name: str) -> RawTable:
    import openpyxl

    if raw.startswith(_OLE_MAGIC):
        raise TableError(
            f"{name} : classeur Excel 97-2003 (.xls), format non lu : ouvrez-le dans "
            "votre tableur et enregistrez-le en .xlsx ou en CSV UTF-8."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(BytesIO(raw), data_only=True)
            names = [
                n
                for n in book.sheetnames
                if fold(n) not in {"explications", "lisez moi"}
            ]
            if not names:
                raise TableError(f"{name} : aucune feuille de données.")
            sheet = book[names[0]]
            rows = list(sheet.iter_rows(min_row=1, values_only=True))
    except TableError:
        raise
    except Exception as exc:  # zip, XML, missing part: all mean a broken file
        raise TableError(
            f"{name} : classeur Excel endommagé ou incomplet (fichier tronqué ?) : "
            f"{SAVE_AS}, ou copiez-le à nouveau depuis sa source."
        ) from exc
    header: list[str] | None = None
    records, numbers = [], []
    for number, values in enumerate(rows, start=1):
        cells = [_excel_cell(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
        else:
            records.append(cells)
            numbers.append(number)
    if header is None:
        raise TableError(f"{name} : la feuille « {names[0]} » est vide.")
    width = len(header)
    records = [(r + [""] * width)[:width] for r in records]
    cells, _ = _frame(header, records)
    file_warnings = [] if records else [NO_ROWS]
    if len(names) > 1:
        file_warnings.append(
            f"le classeur a plusieurs feuilles : seule la première, « {names[0]} », "
            f"est lue (ignorées : {', '.join(names[1:])})."
        )
    return RawTable(cells, numbers, warnings=file_warnings)


def _geo_cells(
    rows: list[dict], geoms: list, crs: object
) -> tuple[pd.DataFrame, gpd.GeoSeries]:
    """Properties as text cells (entity order) and geometries in WGS84."""
    columns: list[str] = []
    for props in rows:
        columns += [str(k) for k in props if str(k) not in columns]
    cells = pd.DataFrame(
        [[_unescape_cell(_excel_cell(p.get(c))) for c in columns] for p in rows],
        columns=columns,
        dtype=object,
    )
    series = gpd.GeoSeries(geoms, index=cells.index, crs=crs or WGS84)
    if series.crs is not None and not series.crs.equals(WGS84):
        series = series.to_crs(WGS84)
    return cells, series


def _read_geojson(raw: bytes, name: str) -> RawTable:
    text, _ = decode(raw, name)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise TableError(f"{name} : fichier vide : aucune entité.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TableError(
            f"{name} : GeoJSON mal formé ligne {exc.lineno}, colonne {exc.colno} "
            "(texte JSON invalide : fichier tronqué ou modifié à la main ?) : "
            "exportez-le à nouveau depuis votre SIG."
        ) from exc
    if isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    elif (
        isinstance(data, dict)
        and data.get("type") == "FeatureCollection"
        and isinstance(data.get("features"), list)
    ):
        features = data["features"]
    else:
        raise TableError(
            f"{name} : ce JSON n'est pas une collection d'entités GeoJSON "
            "(« type »: « FeatureCollection » et une liste « features » attendus)."
        )
    if not features:
        raise TableError(f"{name} : aucune entité : la collection est vide.")
    crs = None
    if isinstance(data.get("crs"), dict):
        crs_name = (data["crs"].get("properties") or {}).get("name")
        try:
            crs = pyproj.CRS.from_user_input(crs_name)
        except (pyproj.exceptions.CRSError, TypeError) as exc:
            raise TableError(
                f"{name} : système de coordonnées « {crs_name} » inconnu : "
                "exportez le fichier en WGS84 (EPSG:4326)."
            ) from exc
    rows, geoms, issues = [], [], []
    for k, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise TableError(
                f"{name} : l'entité {k + 1} n'est pas une entité GeoJSON "
                "(« type »: « Feature » attendu)."
            )
        props = feature.get("properties") or {}
        rows.append(props if isinstance(props, dict) else {})
        geometry = feature.get("geometry")
        try:
            geoms.append(shapely.geometry.shape(geometry) if geometry else None)
        except Exception:  # shapely raises several types for bad coordinates
            geoms.append(None)
            issues.append((k, "", "géométrie illisible", "rejet"))
    cells, series = _geo_cells(rows, geoms, crs)
    return RawTable(cells, list(range(1, len(cells) + 1)), series, issues=issues)


def _read_gpkg(path: Path, raw: bytes, name: str) -> RawTable:
    if not raw.startswith(_SQLITE_MAGIC):
        raise TableError(
            f"{name} : ce n'est pas un GeoPackage (base SQLite) : exportez la "
            "couche au format GeoPackage depuis votre SIG."
        )
    page_size = int.from_bytes(raw[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(raw[28:32], "big")
    if len(raw) < 100 or len(raw) < page_size * pages:
        raise TableError(
            f"{name} : GeoPackage incomplet ({len(raw)} octets sur "
            f"{page_size * pages} attendus : copie interrompue ?) : copiez-le à "
            "nouveau depuis sa source."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layers = [str(n) for n, *_ in pyogrio.list_layers(path)]
            gdf = gpd.read_file(path, layer=layers[0]) if layers else None
    except Exception as exc:  # GDAL/SQLite: any failure means a damaged file
        raise TableError(
            f"{name} : GeoPackage illisible (fichier endommagé ?) : exportez-le "
            "à nouveau depuis votre SIG."
        ) from exc
    if gdf is None or gdf.empty:
        raise TableError(f"{name} : aucune entité dans la couche du GeoPackage.")
    rows = [
        {k: v for k, v in rec.items() if k != gdf.geometry.name}
        for rec in gdf.to_dict("records")
    ]
    cells, series = _geo_cells(rows, list(gdf.geometry), gdf.crs)
    result = RawTable(cells, list(range(1, len(cells) + 1)), series)
    if len(layers) > 1:
        result.warnings.append(
            f"le GeoPackage a plusieurs couches : seule la première, « {layers[0]} », "
            f"est lue (ignorées : {', '.join(layers[1:])})."
        )
    return result


def read_table(path: Path | str) -> RawTable:
    """Read any supported file as text cells, with line numbers and warnings.

    The format is chosen by the extension, then checked against the content:
    an ``.xlsx`` that holds text is read as CSV, a ``.csv`` that is really a
    workbook is read as XLSX, each with a warning; damaged, empty and
    header-only files raise :class:`TableError`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    kinds = {
        ".csv": "csv",
        ".txt": "csv",
        ".tsv": "csv",
        ".xlsx": "xlsx",
        ".xlsm": "xlsx",
        ".geojson": "geojson",
        ".json": "geojson",
        ".gpkg": "gpkg",
    }
    if suffix not in kinds:
        if path.is_dir():
            read_bytes(path)
        raise TableError(
            f"{path.name} : format non pris en charge ({suffix or 'sans extension'}). "
            "Formats acceptés : CSV, XLSX, GeoJSON, GeoPackage."
        )
    raw = read_bytes(path)
    name = path.name
    if not raw.strip():
        raise TableError(
            f"{name} : fichier vide ({len(raw)} octet{'s' if len(raw) > 1 else ''}) : "
            "ajoutez une ligne d'en-tête et vos lignes (modèles : mit modeles "
            "--sortie DOSSIER)."
        )
    kind = kinds[suffix]
    note = None
    if kind == "csv" and raw.startswith(_ZIP_MAGIC):
        if not _is_xlsx_zip(raw):
            raise TableError(
                f"{name} : c'est un fichier compressé (ZIP, ou classeur OpenDocument "
                f".ods), pas un CSV ; {SAVE_AS}."
            )
        kind, note = "xlsx", "est en fait un classeur Excel (XLSX) : lu comme tel"
    elif kind == "csv" and raw.startswith(_OLE_MAGIC):
        kind = "xlsx"  # refused with the .xls message
    elif kind == "xlsx" and not raw.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        if not looks_like_text(raw):
            raise TableError(
                f"{name} : classeur Excel endommagé ou incomplet (fichier tronqué ?) : "
                f"{SAVE_AS}, ou copiez-le à nouveau depuis sa source."
            )
        kind = "csv"
        note = "contient du texte CSV, pas un classeur Excel : lu comme CSV"
    if kind == "csv":
        table = _read_text_table(raw, name)
    elif kind == "xlsx":
        table = _read_xlsx(raw, name)
    elif kind == "geojson":
        table = _read_geojson(raw, name)
    else:
        table = _read_gpkg(path, raw, name)
    if note:
        table.warnings.insert(
            0, f"le fichier {note} ; renommez-le avec la bonne extension."
        )
    table.cells = table.cells.fillna("").astype(str)
    table.cells.columns = [str(c).strip() for c in table.cells.columns]
    return table


def _is_xlsx_zip(raw: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(raw)) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return True  # damaged: refused as a broken workbook


def read_raw(path: Path | str) -> tuple[pd.DataFrame, pd.Series | None]:
    """Read a file as text cells, whatever its format.

    Returns the table (all cells ``str``, blanks as ``""``) and, for GeoJSON
    and GeoPackage, the geometries (WGS84) on the same index. The line of
    each row as the user sees it (CSV line, spreadsheet row, entity number)
    is in ``df.attrs["lignes"]``, the file warnings in
    ``df.attrs["avertissements"]``.

    Raises
    ------
    TableError
        When the file cannot be read as a table, or a row cannot be read
        without losing a value (quotes, extra fields): the message names
        the line.
    """
    table = read_table(path)
    for position, col, reason, gravity in table.issues:
        if gravity == "rejet":
            where = f", colonne {col}" if col else ""
            raise TableError(
                f"{Path(path).name}, ligne {table.lines[position]}{where} : {reason}."
            )
    df = table.cells.reset_index(drop=True)
    df.attrs["lignes"] = list(table.lines)
    df.attrs["avertissements"] = list(table.warnings)
    return df, table.geoms


def _excel_cell(v: object) -> str:
    """Text of a spreadsheet or GIS value, numbers without exponent.

    Examples
    --------
    >>> _excel_cell(12.0), _excel_cell(1e-05), _excel_cell(float("nan"))
    ('12', '0.00001', '')
    """
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if v is pd.NaT:
        return ""
    if isinstance(v, datetime | pd.Timestamp | date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, time):
        return v.isoformat()
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        if math.isfinite(v):
            return np.format_float_positional(v, trim="-")
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    return str(v)
