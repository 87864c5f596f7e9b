"""Reading the users' own tables, with row-level French diagnostics.

:func:`load_table` reads CSV (``,`` or ``;``, decimal comma, UTF-8 with or
without BOM, cp1252), XLSX, GeoJSON and GeoPackage, parses every cell according
to the table's schema (:mod:`mitlib.schemas`), checks the constraints with
pandera, resolves communes by INSEE code or name, places points without
coordinates at the town hall and flags points outside their commune or the
territory. Valid rows are kept even when others are rejected; rejected rows are
listed (file, line, column, reason) and can be written to a rejects file. The
input file is only ever read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from io import StringIO
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.errors
import shapely

from mitlib.config import EXAMPLE_DIR
from mitlib.schemas import FICTIONAL_MARK, Field, TableSchema, get_schema
from mitlib.territory import LAMBERT93, WGS84, Territory, load_territory
from mitlib.text import fold

__all__ = [
    "POSITION_OK",
    "LoadResult",
    "TableError",
    "example_path",
    "load_example",
    "load_table",
    "read_raw",
    "write_csv",
]

#: Tolerance (metres) between a point and its commune's simplified contour.
COMMUNE_TOLERANCE_M = 500.0
POSITION_OK = "ok"
OUTSIDE_COMMUNE = "hors de la commune indiquée"
OUTSIDE_TERRITORY = "hors du territoire"
PRECISION_GIVEN = "coordonnées fournies"
PRECISION_TOWN_HALL = "mairie (coordonnées absentes)"

# Header aliases (folded, underscores) → schema column.
_HEADER_ALIASES = {
    "code_insee": "commune",
    "insee": "commune",
    "code_commune": "commune",
    "comm_insee": "commune",
    "nom_commune": "commune",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "theme": "themes",
    "identifiant": "id",
}
_TRUE = {"oui", "o", "vrai", "true", "1", "x", "yes", "y"}
_FALSE = {"non", "n", "faux", "false", "0", "no"}
_LIST_SPLIT = re.compile(r"\s*[|;,]\s*")
_NUMBER_SUFFIX = re.compile(r"\s*(€|eur|euros|m2|m²|km)$", re.IGNORECASE)


class TableError(ValueError):
    """A file that cannot be read as a table at all (no row can be saved)."""


@dataclass
class LoadResult:
    """What :func:`load_table` read.

    Attributes
    ----------
    data : geopandas.GeoDataFrame
        Valid rows, typed, with ``code_insee``, ``epci_siren``, ``latitude``,
        ``longitude``, ``precision``, ``controle_position``, ``ligne`` and a
        point geometry (WGS84) for geolocated tables.
    rejects : pandas.DataFrame
        Rejected rows as read (text), with ``ligne`` and ``motifs``.
    problems : pandas.DataFrame
        One row per problem: ``ligne``, ``colonne``, ``valeur``, ``motif``,
        ``gravite`` (``rejet`` or ``avertissement``).
    """

    path: Path
    table: str
    n_rows: int
    data: gpd.GeoDataFrame
    rejects: pd.DataFrame
    problems: pd.DataFrame
    file_warnings: list[str] = field(default_factory=list)

    @property
    def fictional(self) -> bool:
        """True when the rows are the bundled fictional sample."""
        return bool(self.data.attrs.get("fictif", False))

    def report(self) -> str:
        """French report: counts, each rejected row, each warning."""
        unit = (
            "entité"
            if self.path.suffix.lower() in {".geojson", ".json", ".gpkg"}
            else "ligne"
        )
        lines = [
            f"Vérification de {self.path.name} (table {self.table})",
            f"  {self.n_rows} {unit}s lues, {len(self.data)} valides, "
            f"{len(self.rejects)} rejetées.",
        ]
        lines += [f"  Attention : {w}" for w in self.file_warnings]
        for gravity, title in (
            ("rejet", "Rejets"),
            ("avertissement", "Avertissements"),
        ):
            rows = self.problems[self.problems["gravite"] == gravity]
            if len(rows):
                lines.append(f"  {title} :")
                lines += [
                    f"    {self.path.name}, {unit} {p.ligne}, "
                    f"colonne {p.colonne} : {p.motif}"
                    for p in rows.itertuples()
                ]
        if self.fictional:
            lines.append("  Ces données sont FICTIVES (jeu d'exemple mitlib).")
        return "\n".join(lines)

    def write_rejects(self, path: Path | str | None = None) -> Path | None:
        """Write rejected rows (CSV ``;``, UTF-8 with BOM, opens in Excel).

        Default path: ``<input stem>_rejets.csv`` beside the input. Returns the
        path written, or None when nothing was rejected.
        """
        if self.rejects.empty:
            return None
        out = (
            Path(path) if path else self.path.with_name(f"{self.path.stem}_rejets.csv")
        )
        if out.resolve() == self.path.resolve():
            raise ValueError("Le fichier des rejets ne peut pas remplacer l'entrée.")
        self.rejects.to_csv(out, sep=";", index=False, encoding="utf-8-sig")
        return out


# ---------------------------------------------------------------------------
# Raw reading
# ---------------------------------------------------------------------------


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise TableError(
                f"{path.name} : encodage illisible (ni UTF-8 ni Windows-1252)."
            ) from exc


def _sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ";"))


def read_raw(path: Path | str) -> tuple[pd.DataFrame, pd.Series | None]:
    """Read a file as text cells, whatever its format.

    Returns the table (all cells ``str``, blanks as ``""``) and, for GeoJSON
    and GeoPackage, the geometries (WGS84) on the same index.
    """
    path = Path(path)
    if not path.exists():
        raise TableError(f"Fichier introuvable : {path}")
    suffix = path.suffix.lower()
    geoms = None
    if suffix in {".csv", ".txt", ".tsv"}:
        text = _decode(path.read_bytes(), path)
        if not text.strip():
            raise TableError(f"{path.name} : fichier vide.")
        sep = _sniff_separator(text.splitlines()[0])
        try:
            df = pd.read_csv(
                StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=True,
            )
        except pd.errors.ParserError as exc:
            raise TableError(f"{path.name} : CSV mal formé ({exc}).") from exc
    elif suffix in {".xlsx", ".xlsm"}:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
        names = [n for n in sheets if fold(n) not in {"explications", "lisez moi"}]
        if not names:
            raise TableError(f"{path.name} : aucune feuille de données.")
        df = sheets[names[0]].map(_excel_cell)
    elif suffix in {".geojson", ".json", ".gpkg"}:
        gdf = gpd.read_file(path)
        if gdf.crs is not None and not gdf.empty:
            gdf = gdf.to_crs(WGS84)
        geoms = gdf.geometry
        df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).map(_excel_cell)
    else:
        raise TableError(
            f"{path.name} : format non pris en charge ({suffix or 'sans extension'}). "
            "Formats acceptés : CSV, XLSX, GeoJSON, GeoPackage."
        )
    df = df.fillna("").astype(str)
    df.columns = [str(c).strip() for c in df.columns]
    return df.reset_index(drop=True), geoms


def _excel_cell(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, datetime | pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ---------------------------------------------------------------------------
# Cell parsing
# ---------------------------------------------------------------------------


def _parse_number(text: str) -> float:
    t = _NUMBER_SUFFIX.sub("", text.replace("\u202f", "").replace("\xa0", ""))
    t = t.replace(" ", "")
    if t.count(",") == 1 and "." in t and t.index(".") < t.index(","):
        t = t.replace(".", "")  # 1.234,5
    t = t.replace(",", ".")
    return float(t)


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")


def _parse_date(text: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    m = re.fullmatch(r"(\d{1,2})[/-](\d{4})", text)  # 01/2024 → first of month
    if m:
        return date(int(m.group(2)), int(m.group(1)), 1)
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1)
    raise ValueError(text)


def _choice_index(f: Field) -> dict[str, str]:
    index = {}
    for canon, aliases in f.choices.items():
        for a in (canon, *aliases):
            index[fold(a)] = canon
    return index


def _parse_column(values: pd.Series, f: Field) -> tuple[pd.Series, dict[int, str]]:
    """Parse one column; return typed values and {row: French reason}."""
    errors: dict[int, str] = {}
    out: list[object] = []
    choices = _choice_index(f) if f.choices else {}
    for i, raw in values.items():
        text = raw.strip()
        if not text:
            out.append([] if f.kind == "liste" else None)
            continue
        try:
            if f.kind in {"decimal", "latitude", "longitude"}:
                out.append(_parse_number(text))
            elif f.kind == "entier":
                x = _parse_number(text)
                if not x.is_integer():
                    raise ValueError
                out.append(int(x))
            elif f.kind == "date":
                out.append(_parse_date(text))
            elif f.kind == "booleen":
                key = fold(text)
                if key not in _TRUE | _FALSE:
                    raise ValueError
                out.append(key in _TRUE)
            elif f.kind == "choix":
                out.append(choices[fold(text)])
            elif f.kind == "liste":
                items = [s for s in _LIST_SPLIT.split(text) if s]
                out.append([choices[fold(s)] for s in items] if choices else items)
            elif f.kind == "siret":
                out.append(re.sub(r"\s", "", text))
            else:
                out.append(text)
        except (ValueError, KeyError):
            out.append(None)
            errors[i] = _reason(f, text)
    return pd.Series(out, index=values.index, dtype=object), errors


def _reason(f: Field, text: str) -> str:
    if f.kind in {"decimal", "entier", "latitude", "longitude"}:
        what = "un nombre entier" if f.kind == "entier" else "un nombre"
        return f"« {text} » n'est pas {what}"
    if f.kind == "date":
        return f"« {text} » n'est pas une date (JJ/MM/AAAA)"
    if f.kind == "booleen":
        return f"« {text} » : répondez oui ou non"
    values = " | ".join(f.choices)
    return f"« {text} » n'est pas une valeur reconnue (valeurs possibles : {values})"


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def _map_headers(
    df: pd.DataFrame, schema: TableSchema, path: Path
) -> tuple[pd.DataFrame, list[str]]:
    known = set(schema.columns)
    rename: dict[str, str] = {}
    for col in df.columns:
        key = re.sub(r"[^a-z0-9]+", "_", fold(col)).strip("_")
        target = key if key in known else _HEADER_ALIASES.get(key)
        if target in known and target not in rename.values():
            rename[col] = target
    df = df.rename(columns=rename)
    missing = [c for c in schema.required_columns if c not in df.columns]
    if missing:
        raise TableError(
            f"{path.name} : colonne(s) obligatoire(s) absente(s) : "
            f"{', '.join(missing)}. "
            f"Colonnes trouvées : {', '.join(map(str, df.columns)) or 'aucune'}. "
            f"Modèle : mit modeles --sortie DOSSIER."
        )
    extra = [c for c in df.columns if c not in known]
    warnings = (
        [
            "colonne(s) non reconnue(s), conservée(s) telles quelles : "
            + ", ".join(extra)
        ]
        if extra
        else []
    )
    for col in schema.columns:
        if col not in df.columns:
            df[col] = ""
    return df, warnings


def load_table(
    path: Path | str, table: str, territory: Territory | None = None
) -> LoadResult:
    """Read, validate and geolocate one of the users' tables.

    Parameters
    ----------
    path : path-like
        CSV, XLSX, GeoJSON or GeoPackage file. It is never modified.
    table : str
        A table of :data:`mitlib.schemas.TABLES` (``locaux``, ``acteurs``,
        ``evenements``, ``candidatures``, ``coachs``, ``projets``).
    territory : Territory, optional
        Communes to resolve against (default: the bundled reference).

    Raises
    ------
    TableError
        When no row can be read (missing file, unknown format, required column
        absent). Bad rows do not raise: they are in ``rejects``.

    Examples
    --------
    >>> res = load_table(example_path("locaux"), "locaux")
    >>> len(res.rejects), res.fictional
    (0, True)
    """
    path = Path(path)
    schema = get_schema(table)
    territory = territory or load_territory()
    original, geoms = read_raw(path)
    raw, file_warnings = _map_headers(original.copy(), schema, path)
    offset = 2  # header is line 1
    first = raw.iloc[0] if len(raw) else None
    if first is not None and first[schema.columns[0]].strip().startswith(
        "(obligatoire)"
    ):
        raw = raw.iloc[1:]  # the template's explanation row
    problems: list[dict] = []

    def problem(i: int, col: str, reason: str, gravity: str = "rejet") -> None:
        value = raw.at[i, col] if col in raw.columns else ""
        problems.append(
            {
                "ligne": i + offset,
                "colonne": col,
                "valeur": value,
                "motif": reason,
                "gravite": gravity,
            }
        )

    typed = pd.DataFrame(index=raw.index)
    for f in schema.fields:
        typed[f.name], errors = _parse_column(raw[f.name], f)
        for i, reason in errors.items():
            problem(i, f.name, reason)
        if f.required:
            for i in raw.index[raw[f.name].str.strip() == ""]:
                problem(i, f.name, "valeur obligatoire manquante")

    if schema.has_commune:
        communes = raw["commune"].str.strip().replace("", None)
        codes, commune_errors = territory.resolve_communes(communes)
        for i, v in communes.dropna().items():
            if v in commune_errors:
                problem(i, "commune", commune_errors[v])
        typed["code_insee"] = codes

    first_use = typed["id"].dropna().drop_duplicates(keep="first")
    line_of = pd.Series(first_use.index + offset, index=first_use.to_numpy())
    for i, ident in typed["id"].dropna().items():
        if line_of[ident] != i + offset:
            problem(
                i, "id", f"identifiant « {ident} » déjà utilisé ligne {line_of[ident]}"
            )
    _check_constraints(typed, raw, schema, problem)
    if geoms is not None:
        _fill_from_geometry(typed, geoms)

    rejected = sorted({p["ligne"] - offset for p in problems})
    valid = typed.drop(index=rejected)
    data = _locate(valid, territory, schema, problem)
    data.insert(0, "ligne", data.index + offset)
    data = data.reset_index(drop=True)
    data.attrs["fictif"] = bool(
        "source" in data
        and data["source"].fillna("").str.contains(FICTIONAL_MARK, regex=False).any()
    )
    data.attrs["source"] = str(path)

    problems_df = pd.DataFrame(
        problems, columns=["ligne", "colonne", "valeur", "motif", "gravite"]
    )
    problems_df = problems_df.sort_values(
        ["ligne", "colonne"], kind="stable"
    ).reset_index(drop=True)
    rejects = original.loc[rejected].copy()
    reasons: dict[int, list[str]] = {}
    for p in problems_df[problems_df["gravite"] == "rejet"].itertuples():
        reasons.setdefault(p.ligne, []).append(f"{p.colonne} : {p.motif}")
    rejects.insert(0, "ligne", rejects.index + offset)
    rejects["motifs"] = [" ; ".join(reasons[n]) for n in rejects["ligne"]]
    return LoadResult(
        path=path,
        table=table,
        n_rows=len(raw),
        data=data,
        rejects=rejects.reset_index(drop=True),
        problems=problems_df,
        file_warnings=file_warnings,
    )


def _check_constraints(
    typed: pd.DataFrame, raw: pd.DataFrame, schema: TableSchema, problem
) -> None:
    """Bounds, formats and cross-field rules, through pandera (lazy)."""
    checked = typed[[f.name for f in schema.fields if f.kind != "liste"]].copy()
    for f in schema.fields:
        if f.kind in {"decimal", "entier", "latitude", "longitude"}:
            checked[f.name] = pd.to_numeric(checked[f.name])
        elif f.kind == "date":
            checked[f.name] = pd.to_datetime(checked[f.name])
    try:
        schema.pandera_schema().validate(checked, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for case in cases.itertuples():
            if pd.isna(case.index):
                continue
            col = (
                case.column
                if isinstance(case.column, str) and case.column in checked
                else "id"
            )
            value = raw.at[int(case.index), col]
            reason = _pandera_reason(str(case.check), value)
            if reason is not None:
                problem(int(case.index), col, reason)


def _pandera_reason(check: str, value: object) -> str | None:
    if check == "not_nullable":
        return None  # already reported as "valeur obligatoire manquante"
    if check.startswith(("doit être", "un SIRET")):
        return f"« {value} » : {check}"
    return check


def _fill_from_geometry(typed: pd.DataFrame, geoms: gpd.GeoSeries) -> None:
    pts = geoms.reindex(typed.index)
    ok = pts.notna() & ~pts.is_empty
    reps = pts[ok].representative_point()
    blank = typed["latitude"].isna() & typed["longitude"].isna()
    fill = blank & ok
    typed.loc[fill, "longitude"] = reps.x.reindex(typed.index)[fill]
    typed.loc[fill, "latitude"] = reps.y.reindex(typed.index)[fill]


def _locate(
    valid: pd.DataFrame, territory: Territory, schema: TableSchema, problem
) -> gpd.GeoDataFrame:
    out = valid.copy()
    if not schema.has_commune:
        return gpd.GeoDataFrame(out)
    communes = territory.communes.set_index("code_insee")
    out["commune"] = out["code_insee"].map(communes["nom"])
    out["epci_siren"] = out["code_insee"].map(communes["epci_siren"])
    if not schema.geolocated:
        return gpd.GeoDataFrame(out)
    lat = pd.to_numeric(out["latitude"])
    lon = pd.to_numeric(out["longitude"])
    given = lat.notna() & lon.notna()
    for i in out.index[lat.notna() ^ lon.notna()]:
        problem(
            i,
            "latitude",
            "latitude et longitude vont ensemble : l'une manque ; "
            "point placé à la mairie",
            "avertissement",
        )
    out["precision"] = np.where(given, PRECISION_GIVEN, PRECISION_TOWN_HALL)
    out["longitude"] = lon.where(given, out["code_insee"].map(communes["mairie_lon"]))
    out["latitude"] = lat.where(given, out["code_insee"].map(communes["mairie_lat"]))
    gdf = gpd.GeoDataFrame(
        out, geometry=gpd.points_from_xy(out["longitude"], out["latitude"]), crs=WGS84
    )
    status = pd.Series(POSITION_OK, index=gdf.index)
    if given.any():
        pts = gdf.loc[given].to_crs(LAMBERT93).geometry
        polys = territory.communes_l93.set_index("code_insee").geometry
        own = gpd.GeoSeries(
            polys.reindex(out.loc[given, "code_insee"]).values,
            index=pts.index,
            crs=LAMBERT93,
        )
        far = pts.distance(own) > COMMUNE_TOLERANCE_M
        outline = shapely.union_all(polys.values)
        outside = ~pts.within(outline.buffer(COMMUNE_TOLERANCE_M))
        status[far[far].index] = OUTSIDE_COMMUNE
        status[outside[outside].index] = OUTSIDE_TERRITORY
        for i in status.index[status != POSITION_OK]:
            hint = ""
            if 40 < lon[i] < 52 and -6 < lat[i] < 10:
                hint = " (latitude et longitude inversées ?)"
            problem(
                i,
                "latitude",
                f"position ({lat[i]:.5f}, {lon[i]:.5f}) {status[i]}{hint} : "
                "ligne conservée, "
                "signalée dans la colonne controle_position",
                "avertissement",
            )
    gdf["controle_position"] = status
    return gdf


def example_path(table: str) -> Path:
    """Path of a bundled sample table (fictional data).

    Examples
    --------
    >>> example_path("acteurs").name
    'acteurs.csv'
    """
    path = EXAMPLE_DIR / f"{table}.csv"
    if not path.exists():
        available = sorted(p.stem for p in EXAMPLE_DIR.glob("*.csv"))
        raise FileNotFoundError(
            f"Pas de table d'exemple « {table} ». Disponibles : {', '.join(available)}"
        )
    return path


def load_example(table: str, territory: Territory | None = None) -> gpd.GeoDataFrame:
    """Load a bundled sample table (valid rows only)."""
    return load_table(example_path(table), table, territory).data


def write_csv(
    df: pd.DataFrame,
    path: Path | str,
    *,
    index: bool = False,
    float_format: str | None = None,
) -> Path:
    """Write a table the way French Excel opens it, and return its path.

    ``;`` separator, decimal comma, UTF-8 with BOM, ``\\n`` line ends (the
    same bytes on every system). ``float_format`` (e.g. ``"%.6g"``) rounds
    for display; without it floats keep their full precision.

    Examples
    --------
    >>> import tempfile
    >>> path = write_csv(pd.DataFrame({"x": [0.5]}), Path(tempfile.mkdtemp()) / "t.csv")
    >>> path.read_bytes()
    b'\\xef\\xbb\\xbfx\\n0,5\\n'
    """
    df.to_csv(
        path,
        sep=";",
        decimal=",",
        index=index,
        encoding="utf-8-sig",
        lineterminator="\n",
        float_format=float_format,
    )
    return Path(path)
