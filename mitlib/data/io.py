"""Reading the users' own tables, with row-level French diagnostics.

:func:`load_table` reads CSV (``,`` or ``;``, decimal comma, UTF-8 with or
without BOM, cp1252), XLSX, GeoJSON and GeoPackage, parses every cell according
to the table's schema (:mod:`mitlib.data.schemas`), checks the constraints with
pandera, resolves communes by INSEE code or name, places points without
coordinates at the town hall and flags points outside their commune or the
territory. Valid rows are kept even when others are rejected; rejected rows are
listed (file, line, column, reason) and can be written to a rejects file. The
input file is only ever read.
"""

from __future__ import annotations

import csv
import json
import math
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.errors
import pyogrio
import pyproj
import shapely
import shapely.geometry

from mitlib.core.config import EXAMPLE_DIR
from mitlib.core.errors import InputError, OutputError
from mitlib.core.text import fold
from mitlib.core.writers import write_csv
from mitlib.data.schemas import FICTIONAL_MARK, Field, TableSchema, get_schema
from mitlib.data.territory import LAMBERT93, WGS84, Territory, load_territory

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


class TableError(InputError):
    """A file that cannot be read as a table at all (no row can be saved).

    An :class:`~mitlib.core.errors.InputError` (``mit`` exits with code 2), hence
    also a ``ValueError``; the French message names the file and says what to
    do.
    """


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
                    f"    {self.path.name}, {unit} {p.ligne}"
                    + (f", colonne {p.colonne}" if p.colonne else "")
                    + f" : {p.motif}"
                    for p in rows.itertuples()
                ]
        if self.fictional:
            lines.append("  Ces données sont FICTIVES (jeu d'exemple mitlib).")
        return "\n".join(lines)

    def write_rejects(
        self, path: Path | str | None = None, *, public: bool = False
    ) -> Path | None:
        """Write rejected rows (CSV ``;``, UTF-8 with BOM, opens in Excel).

        Default path: ``<input stem>_rejets.csv`` beside the input. Returns the
        path written, or None when nothing was rejected. With ``public``, only
        the line, the table's public columns and the reasons are written
        (:meth:`mitlib.data.schemas.TableSchema.public_frame`): no personal or
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


# ---------------------------------------------------------------------------
# Raw reading
# ---------------------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_ZIP_MAGIC = b"PK\x03\x04"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: Control bytes that text files do not hold (tab, line ends, form feed aside).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
#: Characters a spreadsheet would take as the start of a formula.
_FORMULA_START = frozenset("=+-@\t\r")
_SAVE_AS = (
    "ouvrez-le dans votre tableur et enregistrez-le à nouveau (CSV UTF-8 ou XLSX)"
)


@dataclass
class _RawTable:
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


def _split_lines(data, pattern):
    """Physical lines, each with its own line end (``\\r\\n``, ``\\r``, ``\\n``)."""
    out, start = [], 0
    for m in pattern.finditer(data):
        out.append(data[start : m.end()])
        start = m.end()
    if start < len(data):
        out.append(data[start:])
    return out


def _line_list(numbers: list[int], limit: int = 10) -> str:
    """French enumeration of line numbers.

    Examples
    --------
    >>> _line_list([5]), _line_list([5, 9]), _line_list([2, 3, 4])
    ('ligne 5', 'lignes 5 et 9', 'lignes 2, 3 et 4')
    >>> _line_list(list(range(1, 15)), limit=3)
    'lignes 1, 2, 3… (14 lignes en tout)'
    """
    if len(numbers) == 1:
        return f"ligne {numbers[0]}"
    if len(numbers) > limit:
        shown = ", ".join(map(str, numbers[:limit]))
        return f"lignes {shown}… ({len(numbers)} lignes en tout)"
    return f"lignes {', '.join(map(str, numbers[:-1]))} et {numbers[-1]}"


def _utf16_codec(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes sit on one parity only (no BOM)."""
    sample = raw[:4096]
    even, odd = sample[0::2], sample[1::2]
    if not even or not odd:
        return None
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.3 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.3 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def _decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    """Decode a text file; return the text and the file warnings.

    Strategy, so that no character is silently mangled:

    1. a UTF-16 byte-order mark (LE or BE), or NUL bytes on every other byte
       (UTF-16 without mark): the whole file is UTF-16;
    2. otherwise (UTF-8 mark removed) the whole file is tried as UTF-8;
    3. failing that, each physical line is decoded on its own: UTF-8 first,
       Windows-1252 for the lines that are not UTF-8. A file whose other lines
       hold UTF-8 accents (or that starts with the UTF-8 mark) is then *mixed*:
       a warning names the lines read as Windows-1252. A file with no UTF-8
       accent at all is simply a Windows-1252 file (French Excel): no warning.

    Bytes Windows-1252 does not define are replaced by « � » and stray NUL
    bytes are dropped, each with a warning naming the lines; a file made of
    NUL bytes is not text and is refused.
    """
    for bom, codec in _UTF16_BOMS:
        if raw.startswith(bom):
            return _decode_utf16(raw[len(bom) :], codec, name), []
    if b"\x00" in raw and (codec := _utf16_codec(raw)):
        return _decode_utf16(raw, codec, name), []
    had_bom = raw.startswith(_UTF8_BOM)
    if had_bom:
        raw = raw[len(_UTF8_BOM) :]
    if len(_BINARY_BYTES.findall(raw)) > max(8, len(raw) // 100):
        raise TableError(
            f"{name} : ce n'est pas un fichier texte (octets binaires) : c'est "
            f"peut-être un classeur ou un fichier endommagé ; {_SAVE_AS}."
        )
    if b"\x00" not in raw:
        try:
            return raw.decode("utf-8"), []
        except UnicodeDecodeError:
            pass
    parts: list[str] = []
    cp1252_lines, unreadable_lines, nul_lines = [], [], []
    utf8_accents = had_bom
    for number, chunk in enumerate(_split_lines(raw, _LINE_BREAK_BYTES), start=1):
        if b"\x00" in chunk:
            chunk = chunk.replace(b"\x00", b"")
            nul_lines.append(number)
        try:
            parts.append(chunk.decode("utf-8"))
            utf8_accents = utf8_accents or not chunk.isascii()
        except UnicodeDecodeError:
            try:
                parts.append(chunk.decode("cp1252"))
            except UnicodeDecodeError:
                parts.append(chunk.decode("cp1252", errors="replace"))
                unreadable_lines.append(number)
            cp1252_lines.append(number)
    messages = []
    if cp1252_lines and utf8_accents:
        one = len(cp1252_lines) == 1
        messages.append(
            f"encodage mixte : {'la' if one else 'les'} {_line_list(cp1252_lines)} "
            + (
                "n'est pas en UTF-8 comme le reste du fichier : elle a été lue "
                "en Windows-1252 ; vérifiez ses accents"
                if one
                else "ne sont pas en UTF-8 comme le reste du fichier : elles ont "
                "été lues en Windows-1252 ; vérifiez leurs accents"
            )
            + ", puis enregistrez le fichier en CSV UTF-8."
        )
    if unreadable_lines:
        messages.append(
            "caractères illisibles remplacés par « \ufffd » "
            f"({_line_list(unreadable_lines)})."
        )
    if nul_lines:
        messages.append(f"octets nuls ignorés ({_line_list(nul_lines)}).")
    return "".join(parts), messages


def _decode_utf16(raw: bytes, codec: str, name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise TableError(
            f"{name} : fichier UTF-16 illisible (octet {exc.start}) ; {_SAVE_AS}."
        ) from exc


def _sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ";"))


def _lenient_fields(text: str, sep: str) -> list[str]:
    """Fields of one line, quotes tolerated wherever they are."""
    return next(csv.reader([text], delimiter=sep), [])


def _open_quote_field(line: str, sep: str, *, misplaced: bool = False) -> int | None:
    """Index of the field whose opening quote is still open at the line end.

    With ``misplaced``, failing that, the first field whose closing quote is
    followed by something else than the separator (``"Le Lot" café``).
    """
    index, state, opened, bad = 0, "start", None, None
    for c in line.rstrip("\r\n"):
        if state == "start":
            if c == '"':
                state, opened = "quoted", index
            elif c == sep:
                index += 1
            else:
                state = "plain"
        elif state == "plain":
            if c == sep:
                index, state = index + 1, "start"
        elif state == "quoted":
            if c == '"':
                state = "quote"
        elif c == '"':  # state "quote": doubled quote
            state = "quoted"
        elif c == sep:
            index, state = index + 1, "start"
        else:
            state = "plain"
            bad = index if bad is None else bad
    if state == "quoted":
        return opened
    return bad if misplaced else None


def _parse_csv(
    text: str, name: str
) -> tuple[list[str], list[list[str]], list[int], list]:
    """Split CSV text into records, each mapped to the line it starts on.

    Records are read with :mod:`csv` in a strict dialect: a cell that starts
    with a quote must end with a quote followed by the separator or the end
    of line, a quote inside it is doubled (``""``), and the file must not end
    inside a quoted cell. A quoted cell may hold line breaks (a multi-line
    address or description); the record is then numbered by its first line.

    Unbalanced quotes. A quote opened and never closed on its line makes the
    parser read the following lines as the same cell. That is legitimate for
    a multi-line text, not when the lines it swallows are records. So every
    record spanning several physical lines is checked: each swallowed line
    (each line of the multi-line cell after the first) is parsed on its own,
    and if it has as many fields as a record (the header's count less one,
    at least 2 fields), the counts disagree: what the parser sees as one cell
    are that many records. The file is then refused, naming the line and
    column where the quote opens and the lines swallowed, rather than
    loading a table with rows missing. A quote error confined to one record
    (a quote closed in the middle of a cell, a record with a multi-line cell
    but the wrong number of fields) rejects that record only.

    Ragged lines. A record with more fields than the header is rejected
    (empty trailing fields, as some exports add, are ignored); a record with
    fewer fields is completed with empty cells and a warning.

    Blank lines and records whose cells are all blank are skipped, but still
    counted in the line numbers.

    Returns the header, the records (as long as the header), their line
    numbers, and the issues ``(record position, field index or None,
    reason, gravity)``.
    """
    lines = _split_lines(text, _LINE_BREAK)
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise TableError(f"{name} : fichier vide : aucune ligne d'en-tête ni donnée.")
    sep = _sniff_separator(lines[first])
    # the csv module refuses cells over 128 KiB by default: a long pasted
    # text is the user's to keep, not a reason to stop
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    width_ref = len(_lenient_fields(lines[first], sep))
    sep_name = {"\t": "tabulation"}.get(sep, f"« {sep} »")
    reader = csv.reader(
        iter(lines[first:]), delimiter=sep, quotechar='"', doublequote=True, strict=True
    )
    header: list[str] | None = None
    records: list[list[str]] = []
    numbers: list[int] = []
    issues: list = []
    consumed = 0

    def column(index: int | None) -> str:
        if header is not None and index is not None and index < len(header):
            return f"colonne {header[index] or index + 1}"
        return f"champ n° {(index or 0) + 1}"

    def swallowed(candidates: list[str]) -> list[str]:
        need = max(width_ref - 1 if width_ref >= 4 else width_ref, 2)
        return [c for c in candidates if len(_lenient_fields(c, sep)) >= need]

    def refuse(start: int, end: int, n_records: int) -> TableError:
        where = _open_quote_field(lines[start - 1], sep)
        if end == start + 1:
            swallowed_text = f"la ligne {end}, qui ressemble à une ligne du tableau,"
        else:
            verb = "ressemble" if n_records == 1 else "ressemblent"
            swallowed_text = (
                f"les lignes {start + 1} à {end}, dont {n_records} {verb} à des "
                "lignes du tableau,"
            )
        return TableError(
            f'{name} : le guillemet (") ouvert ligne {start} ({column(where)}) '
            f"n'est pas refermé sur cette ligne : il avale {swallowed_text} dans "
            f"une seule cellule. Aucune ligne n'a été chargée. Corrigez la ligne "
            f'{start} : refermez le guillemet, ou doublez-le ("") s\'il fait partie '
            f"du texte."
        )

    while True:
        try:
            fields, error = next(reader), None
        except StopIteration:
            break
        except csv.Error as exc:
            fields, error = None, exc
        start, end = first + consumed + 1, first + reader.line_num
        consumed = reader.line_num
        reason = None
        if error is not None:
            span = lines[start - 1 : end]
            if end > start and (found := swallowed(span[1:])):
                raise refuse(start, end, len(found))
            fields = _lenient_fields("".join(span), sep)
            where = _open_quote_field(span[0], sep, misplaced=True)
            reason = (
                'guillemet (") mal placé'
                + (f" (cellule sur les lignes {start} à {end})" if end > start else "")
                + " : une cellule qui commence par un guillemet doit finir par un "
                "guillemet suivi du séparateur ; un guillemet dans le texte s'écrit "
                '""'
            )
        elif end > start:
            segments = [
                seg
                for value in fields
                for seg in _split_lines(value, _LINE_BREAK)[1:]
                if _LINE_BREAK.search(value)
            ]
            if found := swallowed(segments):
                raise refuse(start, end, len(found))
        if header is None:
            if error is not None:
                raise TableError(
                    f"{name} : ligne d'en-tête {start} illisible (guillemets mal "
                    f"placés) ; {_SAVE_AS}."
                )
            if not any(f.strip() for f in fields):
                continue
            header = [f.strip().lstrip("\ufeff") for f in fields]
            while header and not header[-1]:
                header.pop()
            continue
        if not any(f.strip() for f in fields):
            continue
        position, width = len(records), len(header)
        if reason is not None:
            issues.append((position, where, reason, "rejet"))
        elif len(fields) > width and any(f.strip() for f in fields[width:]):
            extra = " ; ".join(f"« {f} »" for f in fields[width:] if f.strip())
            multi = f" (cellule sur les lignes {start} à {end})" if end > start else ""
            issues.append(
                (
                    position,
                    None,
                    f"{len(fields)} champs au lieu de {width}{multi} : valeur(s) "
                    f"au-delà de la dernière colonne {extra} ; un séparateur "
                    f"{sep_name} de trop ? Entourez de guillemets une cellule qui "
                    "en contient",
                    "rejet",
                )
            )
        elif len(fields) < width:
            issues.append(
                (
                    position,
                    None,
                    f"{len(fields)} champs au lieu de {width} : les dernières "
                    "colonnes sont laissées vides (séparateur manquant ?)",
                    "avertissement" if end == start else "rejet",
                )
            )
        records.append((fields + [""] * width)[:width])
        numbers.append(start)
    if header is None:
        raise TableError(f"{name} : fichier vide : aucune ligne d'en-tête ni donnée.")
    return header, records, numbers, issues


#: Said of a file that has its header and no row: legitimate (no events yet),
#: but worth a word.
_NO_ROWS = "aucune ligne de données sous l'en-tête : la table est vide"


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


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        inside = sorted(
            p.name
            for p in path.iterdir()
            if p.suffix.lower() in {".csv", ".xlsx", ".geojson", ".gpkg"}
        )
        hint = f" (il contient : {', '.join(inside[:6])})" if inside else ""
        raise TableError(
            f"{path} est un dossier, pas un fichier{hint} : indiquez le fichier du "
            "tableau lui-même (par exemple …/locaux.csv)."
        )
    if not path.exists():
        raise TableError(f"Fichier introuvable : {path}")
    try:
        return path.read_bytes()
    except PermissionError as exc:
        raise TableError(
            f"{path.name} : lecture refusée (droits d'accès) : vérifiez les "
            "permissions du fichier, ou copiez-le dans un dossier à vous."
        ) from exc
    except OSError as exc:
        raise TableError(
            f"{path.name} : lecture impossible ({exc.strerror or exc}) : vérifiez "
            "que le fichier est accessible (disque, réseau) et réessayez."
        ) from exc


def _read_text_table(raw: bytes, name: str) -> _RawTable:
    text, file_warnings = _decode(raw, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise TableError(
            f"{name} : fichier vide : ajoutez une ligne d'en-tête et vos lignes "
            "(modèles : mit modeles --sortie DOSSIER)."
        )
    if text.lstrip().startswith("<"):
        raise TableError(
            f"{name} : contient du HTML ou du XML, pas un tableau ; {_SAVE_AS}."
        )
    header, records, numbers, issues = _parse_csv(text, name)
    if not records:
        file_warnings.append(_NO_ROWS)
    cells, names = _frame(header, records)
    return _RawTable(
        cells,
        numbers,
        warnings=file_warnings,
        issues=[
            (pos, names.get(k, "") if k is not None else "", why, gravity)
            for pos, k, why, gravity in issues
        ],
    )


def _read_xlsx(raw: bytes, name: str) -> _RawTable:
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
            f"{_SAVE_AS}, ou copiez-le à nouveau depuis sa source."
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
    file_warnings = [] if records else [_NO_ROWS]
    if len(names) > 1:
        file_warnings.append(
            f"le classeur a plusieurs feuilles : seule la première, « {names[0]} », "
            f"est lue (ignorées : {', '.join(names[1:])})."
        )
    return _RawTable(cells, numbers, warnings=file_warnings)


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


def _read_geojson(raw: bytes, name: str) -> _RawTable:
    text, _ = _decode(raw, name)
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
    return _RawTable(cells, list(range(1, len(cells) + 1)), series, issues=issues)


def _read_gpkg(path: Path, raw: bytes, name: str) -> _RawTable:
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
    result = _RawTable(cells, list(range(1, len(cells) + 1)), series)
    if len(layers) > 1:
        result.warnings.append(
            f"le GeoPackage a plusieurs couches : seule la première, « {layers[0]} », "
            f"est lue (ignorées : {', '.join(layers[1:])})."
        )
    return result


def _looks_like_text(raw: bytes) -> bool:
    head = raw[:4096]
    return b"\x00" not in head or _utf16_codec(head) is not None


def _read_table(path: Path | str) -> _RawTable:
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
            _read_bytes(path)
        raise TableError(
            f"{path.name} : format non pris en charge ({suffix or 'sans extension'}). "
            "Formats acceptés : CSV, XLSX, GeoJSON, GeoPackage."
        )
    raw = _read_bytes(path)
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
                f".ods), pas un CSV ; {_SAVE_AS}."
            )
        kind, note = "xlsx", "est en fait un classeur Excel (XLSX) : lu comme tel"
    elif kind == "csv" and raw.startswith(_OLE_MAGIC):
        kind = "xlsx"  # refused with the .xls message
    elif kind == "xlsx" and not raw.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        if not _looks_like_text(raw):
            raise TableError(
                f"{name} : classeur Excel endommagé ou incomplet (fichier tronqué ?) : "
                f"{_SAVE_AS}, ou copiez-le à nouveau depuis sa source."
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
    table = _read_table(path)
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


# ---------------------------------------------------------------------------
# Cell parsing
# ---------------------------------------------------------------------------

#: Plain decimal numbers only (ASCII digits): sign, thousands separated by a
#: space (normal, no-break, narrow no-break) or by dots in the ``1.234,5``
#: form, decimal comma or point. No exponent, no ``inf``/``nan``, no ``_``.
_NUMBER = re.compile(
    r"""
    (?P<sign>[+\-\u2212]?)
    (?:
        (?P<spaced>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+)(?:[.,](?P<f1>[0-9]+))?
      | (?P<dotted>[0-9]{1,3}(?:\.[0-9]{3})+),(?P<f2>[0-9]+)
      | (?P<dotted2>[0-9]{1,3}(?:\.[0-9]{3}){2,})
      | (?P<plain>[0-9]*)[.,](?P<f3>[0-9]+)
      | (?P<int>[0-9]+)[.,]?
    )
    """,
    re.VERBOSE | re.ASCII,
)


def _number_text(text: str) -> str:
    """Canonical ``[-]digits[.digits]`` of a French number, or ValueError.

    Examples
    --------
    >>> [_number_text(t) for t in ("1 234,5", "1.234,5", "-0,5", "12 €", "1.5")]
    ['1234.5', '1234.5', '-0.5', '12', '1.5']
    >>> for t in ("inf", "NaN", "1e309", "1_000", "0x10", "١٢", "€", "1,234.5"):
    ...     try:
    ...         _number_text(t)
    ...     except ValueError:
    ...         pass
    ...     else:
    ...         print("accepté :", t)
    """
    t = _NUMBER_SUFFIX.sub("", text.strip()).strip()
    m = _NUMBER.fullmatch(t)
    if not m:
        raise ValueError(text)
    g = m.groupdict()
    sign = "-" if g["sign"] in {"-", "\u2212"} else ""
    if g["spaced"] is not None:
        whole, frac = re.sub(r"\D", "", g["spaced"]), g["f1"]
    elif g["dotted"] is not None:
        whole, frac = g["dotted"].replace(".", ""), g["f2"]
    elif g["dotted2"] is not None:
        whole, frac = g["dotted2"].replace(".", ""), None
    elif g["f3"] is not None:
        whole, frac = g["plain"] or "0", g["f3"]
    else:
        whole, frac = g["int"], None
    return sign + whole + (f".{frac}" if frac else "")


def _parse_number(text: str) -> float:
    """A plain decimal number (French or English decimal mark), finite.

    Examples
    --------
    >>> _parse_number("1 200,5 €"), _parse_number("85,5 m²")
    (1200.5, 85.5)
    """
    x = float(_number_text(text))
    if not math.isfinite(x):
        raise ValueError(text)
    return x


def _parse_integer(text: str) -> int:
    """An integer written as a plain decimal number (``12``, ``1 000``, ``3,0``)."""
    value = Decimal(_number_text(text))
    if value != value.to_integral_value() or not math.isfinite(float(value)):
        raise ValueError(text)
    if abs(value) > _LARGEST_INTEGER:  # no count in these tables is that large
        raise ValueError(text)
    return int(value)


#: Largest whole number read in a table (beyond, it is a typing error).
_LARGEST_INTEGER = 10**12


def _number_hint(text: str) -> str:
    """Why an odd number form is refused, in French (or ``""``)."""
    t = text.strip().lower().lstrip("+-\u2212")
    if t in {"inf", "infinity", "infini", "nan"}:
        return " (valeur infinie ou indéfinie refusée)"
    if re.fullmatch(r"[0-9.,]+e[+-]?[0-9]+", t):
        return " (notation scientifique refusée : écrivez le nombre en entier)"
    if "_" in t:
        return " (« _ » n'est pas un séparateur de milliers : écrivez 1000 ou 1 000)"
    if re.match(r"0[xob]", t):
        return " (seule la notation décimale est acceptée)"
    if any(c.isdigit() and not c.isascii() for c in t):
        return " (chiffres non latins : utilisez 0 à 9)"
    return ""


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
                out.append(_parse_integer(text))
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
        return f"« {text} » n'est pas {what}{_number_hint(text)}"
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
        A table of :data:`mitlib.data.schemas.TABLES` (``locaux``, ``acteurs``,
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
    read = _read_table(path)
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
            file_warnings.append(_NO_ROWS + " (modèle vierge)")
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
        _fill_from_geometry(typed, geoms)

    rejected = sorted({p["position"] for p in problems if p["gravite"] == "rejet"})
    valid = typed.drop(index=rejected)
    data = _locate(valid, territory, schema, problem)
    data.insert(0, "ligne", line_of_row[data.index].astype(int).to_numpy())
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
    from mitlib.data.privacy import looks_personal

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
        # a point that does not project (absurd coordinates) has no distance:
        # it is « far », not a warning printed in English
        with np.errstate(invalid="ignore"):
            far = ~(pts.distance(own) <= COMMUNE_TOLERANCE_M)
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
