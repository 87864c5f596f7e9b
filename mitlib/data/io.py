"""Reading the users' own tables, with row-level French diagnostics.

:func:`load_table` reads CSV (``,`` or ``;``, decimal comma, UTF-8 with or
without BOM, cp1252), XLSX, GeoJSON and GeoPackage
(:func:`mitlib.data.formats.read_table`), parses every cell according to the
table's schema (:mod:`mitlib.data.cells`, :mod:`mitlib.data.schemas`), checks
the constraints with pandera, resolves communes by INSEE code or name,
places points without coordinates at the town hall and flags points outside
their commune or the territory (:mod:`mitlib.data.positions`). Valid rows are
kept even when others are rejected; rejected rows are listed (file, line,
column, reason) and can be written to a rejects file. The input file is only
ever read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pandera.errors

from mitlib.core.config import EXAMPLE_DIR
from mitlib.core.errors import OutputError
from mitlib.core.text import count_fr, slug
from mitlib.core.writers import write_csv
from mitlib.data.cells import parse_column
from mitlib.data.decoding import TableError
from mitlib.data.fictional import FICTIONAL_NOTICE, carries_mark, is_fictional
from mitlib.data.formats import NO_ROWS, read_table
from mitlib.data.positions import fill_from_geometry, locate
from mitlib.data.privacy import looks_personal
from mitlib.data.schemas import get_schema
from mitlib.data.table_schema import TableSchema
from mitlib.data.territory import Territory, load_territory

__all__ = [
    "LoadResult",
    "example_path",
    "load_example",
    "load_table",
    "reuse_loaded_tables",
]

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
        return is_fictional(self.data)

    def report(self) -> str:
        """French report: counts, each rejected row, each warning."""
        unit = (
            "entité"
            if self.path.suffix.lower() in {".geojson", ".json", ".gpkg"}
            else "ligne"
        )
        lines = [
            f"Vérification de {self.path.name} (table {self.table})",
            f"  {count_fr(self.n_rows, unit + ' lue', unit + 's lues')}, "
            f"{count_fr(len(self.data), 'valide')}, "
            f"{count_fr(len(self.rejects), 'rejetée')}.",
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
                    f"    {self.path.name}, {unit} {p.ligne}"
                    + (f", colonne {p.colonne}" if p.colonne else "")
                    + f" : {p.motif}"
                    for p in rows.itertuples()
                ]
        if self.fictional:
            lines.append(f"  Attention : {FICTIONAL_NOTICE}")
        return "\n".join(lines)

    def write_rejects(
        self, path: Path | str | None = None, *, public: bool = False
    ) -> Path | None:
        """Write rejected rows (CSV ``;``, UTF-8 with BOM, opens in Excel).

        Default path: ``<input stem>_rejets.csv`` beside the input. Returns the
        path written, or None when nothing was rejected. With ``public``, only
        the line, the table's public columns and the reasons are written
        (:meth:`mitlib.data.table_schema.TableSchema.public_frame`): no personal or
        undeclared column.
        """
        if self.rejects.empty:
            return None
        out = (
            Path(path) if path else self.path.with_name(f"{self.path.stem}_rejets.csv")
        )
        if out.is_dir():
            raise OutputError(
                f"{out} est un dossier : le fichier des rejets doit être un fichier, "
                "par exemple --rejets rejets.csv."
            )
        if out.resolve() == self.path.resolve():
            raise OutputError(
                f"{out} : le fichier des rejets ne peut pas remplacer le fichier "
                "d'entrée ; choisissez un autre nom (--rejets)."
            )
        rejects = self.rejects
        if public:
            rejects = get_schema(self.table).public_frame(
                rejects, extra=("ligne", "motifs")
            )
        return write_csv(rejects, out)


def _map_headers(
    df: pd.DataFrame, schema: TableSchema, path: Path
) -> tuple[pd.DataFrame, list[str]]:
    known = set(schema.columns)
    rename: dict[str, str] = {}
    for col in df.columns:
        key = slug(col)
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


#: What :func:`load_table` read inside :func:`reuse_loaded_tables` (None outside).
_LOADED: dict | None = None


@contextlib.contextmanager
def reuse_loaded_tables() -> Iterator[None]:
    """Read each file once inside this block: a command that loads the same
    table several times (the export: rejects, diagnosis, pairing, plan) gets a
    copy of the first reading. A file changed on disk in between (size or
    modification time) is read again."""
    global _LOADED
    outer, _LOADED = _LOADED, {} if _LOADED is None else _LOADED
    try:
        yield
    finally:
        _LOADED = outer


def _copy(result: LoadResult) -> LoadResult:
    return replace(
        result,
        data=result.data.copy(),
        rejects=result.rejects.copy(),
        problems=result.problems.copy(),
        file_warnings=list(result.file_warnings),
    )


def load_table(
    path: Path | str, table: str, territory: Territory | None = None
) -> LoadResult:
    """Read, validate and geolocate one of the users' tables.

    Parameters
    ----------
    path : path-like
        CSV, XLSX, GeoJSON or GeoPackage file. It is never modified.
    table : str
        A table of :data:`mitlib.data.schemas.TABLES` (``locaux``, ``acteurs``,
        ``evenements``, ``candidatures``, ``coachs``, ``projets``).
    territory : Territory, optional
        Communes to resolve against (default: the bundled reference).

    Inside :func:`reuse_loaded_tables`, a file is read once and each call
    gets a copy of that reading.

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
    territory = territory or load_territory()
    if _LOADED is None:
        return _load_table(Path(path), table, territory)
    try:
        stat = Path(path).stat()
    except OSError:
        return _load_table(Path(path), table, territory)
    key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size, table)
    key += (id(territory),)
    if key not in _LOADED:
        _LOADED[key] = (territory, _load_table(Path(path), table, territory))
    return _copy(_LOADED[key][1])


def _load_table(path: Path, table: str, territory: Territory) -> LoadResult:
    """:func:`load_table` without reuse."""
    schema = get_schema(table)
    read = read_table(path)
    original = read.cells
    geoms = read.geoms
    raw, header_warnings = _map_headers(original.copy(), schema, path)
    file_warnings = read.warnings + header_warnings
    # Line of each row as the user sees it: CSV line where the record starts
    # (blank lines and multi-line cells counted), spreadsheet row, entity.
    line_of_row = pd.Series(read.lines, index=original.index)
    renamed = dict(zip(original.columns, raw.columns, strict=False))
    first = raw.iloc[0] if len(raw) else None
    if first is not None and first[schema.columns[0]].strip().startswith(
        "(obligatoire)"
    ):
        raw = raw.iloc[1:]  # the template's explanation row
        if raw.empty:
            file_warnings.append(NO_ROWS + " (modèle vierge)")
    problems: list[dict] = []

    def problem(i: int, col: str, reason: str, gravity: str = "rejet") -> None:
        value = raw.at[i, col] if col in raw.columns else ""
        problems.append(
            {
                "position": i,
                "ligne": int(line_of_row[i]),
                "colonne": col,
                "valeur": value,
                "motif": reason,
                "gravite": gravity,
            }
        )

    for position, col, reason, gravity in read.issues:
        if position in raw.index:
            problem(position, renamed.get(col, col), reason, gravity)

    typed = pd.DataFrame(index=raw.index)
    for f in schema.fields:
        typed[f.name], errors = parse_column(raw[f.name], f)
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
    first_row = pd.Series(first_use.index, index=first_use.to_numpy())
    for i, ident in typed["id"].dropna().items():
        if first_row[ident] != i:
            problem(
                i,
                "id",
                f"identifiant « {ident} » déjà utilisé ligne "
                f"{line_of_row[first_row[ident]]}",
            )
    _check_constraints(typed, raw, schema, problem)
    _withhold_contacts(typed, schema, problem)
    if geoms is not None:
        fill_from_geometry(typed, geoms)

    rejected = sorted({p["position"] for p in problems if p["gravite"] == "rejet"})
    valid = typed.drop(index=rejected)
    data = locate(valid, territory, schema, problem)
    data.insert(0, "ligne", line_of_row[data.index].astype(int).to_numpy())
    data = data.reset_index(drop=True)
    data.attrs["fictif"] = carries_mark(data)
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
        reasons.setdefault(p.ligne, []).append(
            f"{p.colonne} : {p.motif}" if p.colonne else p.motif
        )
    rejects.insert(0, "ligne", line_of_row[rejected].astype(int).to_numpy())
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


def _withhold_contacts(typed: pd.DataFrame, schema: TableSchema, problem) -> None:
    """Withhold e-mails and phone numbers typed in public text columns.

    A stray quote can shift the owner's contact into ``adresse``; someone may
    type a phone number in ``besoins``. Such a value never reaches an output:
    it is removed from the row (kept) with a warning saying where contacts go.
    """
    home = " ou ".join(schema.private_columns)
    where = (
        f"les coordonnées vont dans la colonne {home}"
        if home
        else "cette table n'a pas de colonne pour les coordonnées"
    )
    for name in schema.public:
        if schema.field(name).kind != "texte":
            continue
        for i, value in typed[name].dropna().items():
            what = looks_personal(value)
            if what:
                typed.at[i, name] = None
                problem(
                    i,
                    name,
                    f"ressemble à {what} (donnée personnelle) dans une colonne "
                    f"publique : valeur retirée ; {where}",
                    "avertissement",
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
        seen: set[tuple[int, str]] = set()
        for case in cases.itertuples():
            if pd.isna(case.index):
                continue
            i, check = int(case.index), str(case.check)
            if case.schema_context == "DataFrameSchema":
                # A cross-field rule fails once per column: report it once,
                # under the first column it names, and not when one of the
                # columns it names is empty (already reported if required).
                named = [c for c in checked.columns if c in check]
                if (i, check) in seen or checked.loc[i, named].isna().any():
                    continue
                seen.add((i, check))
                col = named[0] if named else "id"
            else:
                col = (
                    case.column
                    if isinstance(case.column, str) and case.column in checked
                    else "id"
                )
            value = raw.at[i, col]
            reason = _pandera_reason(check, value)
            if reason is not None:
                problem(i, col, reason)


def _pandera_reason(check: str, value: object) -> str | None:
    if check == "not_nullable":
        return None  # already reported as "valeur obligatoire manquante"
    if check.startswith(("doit être", "un SIRET")):
        return f"« {value} » : {check}"
    return check


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
