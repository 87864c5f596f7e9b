"""The one writer of CSV and XLSX files: French Excel format, reproducible,
safe against formula injection.

A cell typed by a user can start with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return; a spreadsheet opening the file may take it for a formula
(``=HYPERLINK(...)``, ``=cmd|...``) and run it. Every text cell, column name
and index label written by mitlib goes through :func:`neutralize`:

* in CSV files the text gets a leading apostrophe, the way spreadsheet-safe
  exports do (OWASP "CSV injection"): ``'=HYPERLINK(...)`` opens as plain
  text; :mod:`mitlib.data.formats` strips that apostrophe when the file is read
  back;
* in XLSX files the cell is stored as a string (never as a formula) with
  Excel's "quote prefix" style, so it shows the text unchanged and stays text
  if someone edits it.

Plain numbers written as text (``-3,5``, ``+12``) are left as they are: they
are not formulas.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from mitlib.core.provenance import FIXED_DATE

__all__ = [
    "FORMULA_TRIGGERS",
    "neutralize",
    "neutralize_frame",
    "write_csv",
    "write_xlsx",
]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(
    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
)


def _is_risky(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not _PLAIN_NUMBER.fullmatch(value)
    )


def neutralize(value: object) -> object:
    """Make one CSV cell safe: a leading apostrophe before a formula trigger.

    Examples
    --------
    >>> neutralize('=HYPERLINK("http://x","clic")')
    '\\'=HYPERLINK("http://x","clic")'
    >>> neutralize("@SOMME(A1)"), neutralize("-3,5"), neutralize("Agen"), neutralize(2)
    ("'@SOMME(A1)", '-3,5', 'Agen', 2)
    """
    return "'" + value if _is_risky(value) else value


def neutralize_frame(df: pd.DataFrame, *, index: bool = False) -> pd.DataFrame:
    """A copy of ``df`` whose text cells, column names (and index labels when
    ``index``) are neutralised for a CSV file; numbers are untouched."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralize)
    out.columns = _neutral_index(out.columns)
    if index:
        out.index = _neutral_index(out.index)
    return out


def _neutral_index(labels: pd.Index) -> pd.Index:
    if isinstance(labels, pd.MultiIndex):
        return pd.MultiIndex.from_tuples(
            [tuple(neutralize(v) for v in t) for t in labels], names=labels.names
        )
    return pd.Index([neutralize(v) for v in labels], name=neutralize(labels.name))


def write_csv(
    df: pd.DataFrame,
    path: Path | str,
    *,
    index: bool = False,
    float_format: str | None = None,
) -> Path:
    """Write a table the way French Excel opens it, and return its path.

    ``;`` separator, decimal comma, UTF-8 with BOM, ``\\n`` line ends (the
    same bytes on every system), text cells neutralised against formulas
    (:func:`neutralize`). ``float_format`` (e.g. ``"%.6g"``) rounds for
    display; without it floats keep their full precision.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = write_csv(pd.DataFrame({"x": [0.5], "t": ["=1+1"]}), folder / "t.csv")
    >>> path.read_bytes()
    b"\\xef\\xbb\\xbfx;t\\n0,5;'=1+1\\n"
    """
    neutralize_frame(df, index=index).to_csv(
        path,
        sep=";",
        decimal=",",
        index=index,
        encoding="utf-8-sig",
        lineterminator="\n",
        float_format=float_format,
    )
    return Path(path)


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    path: Path | str,
    *,
    index: bool | Mapping[str, bool] = False,
    number_formats: Mapping[str, str] | None = None,
) -> Path:
    """Write an Excel workbook, one sheet per frame, byte-identical run to run.

    Sheet names are cut to Excel's 31 characters. Text cells are never stored
    as formulas: a cell starting with a formula trigger is a string with the
    "quote prefix" style (shown unchanged, kept as text). openpyxl's time
    stamps (document properties, zip entries) are replaced by a fixed date.

    Parameters
    ----------
    sheets : mapping of str to DataFrame
        Sheets in order.
    path : path-like
        The ``.xlsx`` file.
    index : bool or mapping of str to bool
        Write the frames' index (per sheet when a mapping).
    number_formats : mapping of str to str, optional
        Excel number format per column name, in every sheet (``"#,##0"``,
        ``"#,##0.0"``, ``"0.0%"``): Excel shows them with the reader's
        separators (« 1 234,5 » in French). Values stay full-precision numbers.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> folder = Path(tempfile.mkdtemp())
    >>> frame = pd.DataFrame({"t": ['=HYPERLINK("http://x")'], "n": [1.5]})
    >>> path = write_xlsx({"feuille": frame}, folder / "a.xlsx")
    >>> cell = openpyxl.load_workbook(path)["feuille"]["A2"]
    >>> cell.value, cell.data_type, cell.quotePrefix
    ('=HYPERLINK("http://x")', 's', True)
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, df in sheets.items():
            with_index = index.get(name, False) if isinstance(index, Mapping) else index
            df.to_excel(writer, sheet_name=name[:31], index=with_index)
        for sheet in writer.book.worksheets:
            _neutralize_sheet(sheet)
            _number_formats(sheet, number_formats or {})
    path = Path(path)
    path.write_bytes(_fixed_dates(buffer.getvalue()))
    return path


def _number_formats(sheet, formats: Mapping[str, str]) -> None:
    for header in next(sheet.iter_rows(max_row=1), ()):
        fmt = formats.get(header.value) if isinstance(header.value, str) else None
        if fmt:
            for (cell,) in sheet.iter_rows(
                min_row=2, min_col=header.column, max_col=header.column
            ):
                cell.number_format = fmt


def _neutralize_sheet(sheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if cell.data_type == "f" or _is_risky(value):
                cell.data_type = "s"  # a string, never a formula
                cell.quotePrefix = True


def _fixed_dates(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = _CORE_DATES.sub(
                    rf"\g<1>{FIXED_DATE}\g<3>", content.decode("utf-8")
                )
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
