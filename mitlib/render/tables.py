"""Tables people read: French figures, captions, human labels, footnotes.

A :class:`FrenchTable` turns a data frame and a list of :class:`Column`
specifications into an HTML ``<table>`` the way public statistical
publications print them: a caption, column labels with their unit, numbers
right-aligned in tabular figures and written by the one French formatter
(:func:`mitlib.core.text.format_fr`), zebra rows, a header that stays visible
while a long table scrolls, and a footnote under the table saying what the
dash « — » means wherever a value does not exist (never ``NaN``).

The same object shows the same table everywhere: in JupyterLab
(:meth:`FrenchTable._repr_html_` carries its style sheet, so the table does not
depend on the notebook's theme), in the exported pages (whose style sheet
``assets/page.css`` holds the same block) and as plain text
(:meth:`FrenchTable.to_text`). Every text from the data is HTML-escaped; the
output is a pure function of the frame (byte-identical from run to run).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"nom": ["Agen", "Nérac"], "pop": [32485, None]})
>>> table = FrenchTable(
...     frame,
...     [Column("nom", "Commune"), Column("pop", "Population", "number")],
...     caption="Deux communes",
... )
>>> table.cells
[['Agen', '32\\u202f485'], ['Nérac', '—']]
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mitlib.core.text import NO_VALUE, NO_VALUE_NOTE, format_fr, format_percent
from mitlib.data.fictional import FICTIONAL_NOTICE

if TYPE_CHECKING:
    from mitlib.data.io import LoadResult

__all__ = [
    "KINDS",
    "LONG_TABLE_ROWS",
    "REJECTS_NOTE",
    "Column",
    "FrenchTable",
    "checked_files_table",
    "file_counts",
    "table_css",
]

#: How a column's values are written: ``text`` as they are, ``number`` by
#: :func:`~mitlib.core.text.format_fr`, ``percent`` (a share, 0.12 for 12 %)
#: by :func:`~mitlib.core.text.format_percent`, ``flag`` as « oui » / « non ».
KINDS = ("text", "number", "percent", "flag")

#: Tables longer than this scroll inside a box under a header that stays visible.
LONG_TABLE_ROWS = 25

#: Note under :func:`checked_files_table` when a file had rejected rows.
REJECTS_NOTE = (
    "Chaque ligne rejetée est listée avec son motif dans le rapport de "
    "vérification (dossier des rejets de l'export)."
)

_ALIGN_CLASS = {"left": "", "right": "nombre", "center": "centre"}
_CSS_BLOCK = re.compile(
    r"/\* --- mitlib : tableaux \(début\) --- \*/\n(.*?)"
    r"/\* --- mitlib : tableaux \(fin\) --- \*/",
    re.S,
)


@dataclass(frozen=True)
class Column:
    """How one column is shown.

    Parameters
    ----------
    key : str
        Column of the frame (or, in :class:`FrenchTable`, ``index`` for the
        frame's index when given as ``index=``).
    label : str
        Header people read, with the unit: « Superficie (km²) ».
    kind : str
        One of :data:`KINDS`.
    decimals : int
        Digits after the comma (``number`` and ``percent``).
    align : str, optional
        ``left``, ``right`` or ``center``; default right for numbers and
        percentages (and for ``text`` columns holding figures already
        written), left otherwise.

    Examples
    --------
    >>> Column("d", "Distance (km)", "number", 1).format(0.217101)
    '0,2'
    >>> Column("p", "Part", "percent", 1).format(0.0456)
    '4,6\\u202f%'
    >>> Column("z", "Zone blanche", "flag").format(True), Column("t", "T").format(None)
    ('oui', '—')
    """

    key: str
    label: str
    kind: str = "text"
    decimals: int = 0
    align: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"Type de colonne inconnu : {self.kind!r} ({', '.join(KINDS)})."
            )
        if self.align is not None and self.align not in _ALIGN_CLASS:
            raise ValueError(f"Alignement inconnu : {self.align!r}.")

    @property
    def alignment(self) -> str:
        """The alignment used: the one given, or right for figures."""
        if self.align is not None:
            return self.align
        return "right" if self.kind in {"number", "percent"} else "left"

    def format(self, value: object) -> str:
        """The French text of one value (:data:`~mitlib.core.text.NO_VALUE` when
        it does not exist)."""
        if _missing(value):
            return NO_VALUE
        if self.kind == "number":
            return format_fr(value, self.decimals)
        if self.kind == "percent":
            return format_percent(value, self.decimals)
        if self.kind == "flag":
            return "oui" if bool(value) else "non"
        if isinstance(value, list | tuple | np.ndarray):
            return ", ".join(str(v) for v in value) or NO_VALUE
        if isinstance(value, float | np.floating):  # a figure left in a text column
            return format_fr(value, 0 if float(value).is_integer() else 1)
        text = str(value).strip()
        return text or NO_VALUE


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, list | tuple | np.ndarray):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _guess(frame: pd.DataFrame, key: str) -> Column:
    values = frame[key]
    if pd.api.types.is_bool_dtype(values):
        return Column(key, str(key), "flag")
    if pd.api.types.is_numeric_dtype(values):
        finite = pd.to_numeric(values, errors="coerce").dropna()
        whole = bool((np.mod(finite, 1) == 0).all())
        return Column(key, str(key), "number", 0 if whole else 1)
    return Column(key, str(key))


@cache
def table_css() -> str:
    """The table block of ``assets/page.css`` (the one style of every table)."""
    css = resources.files("mitlib").joinpath("assets/page.css").read_text("utf-8")
    match = _CSS_BLOCK.search(css)
    if match is None:  # pragma: no cover - the asset ships with the package
        raise RuntimeError("Bloc des tableaux absent de assets/page.css.")
    return match.group(1).strip()


class FrenchTable:
    """A table to read, built from a frame and column specifications.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data (left unchanged). Rows are shown in its order.
    columns : sequence of Column or str, optional
        Columns shown, in order; a plain name is guessed from its dtype
        (whole numbers without decimals, other numbers with one, booleans as
        « oui » / « non »). Default: every column of the frame.
    caption : str
        Title of the table (``<caption>``), saying what it shows and where.
    index : Column, optional
        Show the frame's index first, with this specification.
    row_header : bool
        The first column names the row (``<th scope="row">``).
    source : str, optional
        « Source : … » line under the table.
    notes : sequence of str
        Further footnotes, in order, under the table.
    missing_note : str
        Footnote shown when a cell holds the dash: what it means here.
    long : bool, optional
        Scroll inside a box under a sticky header; default when there are more
        than :data:`LONG_TABLE_ROWS` rows.
    total : bool
        The last row is a total (set apart by a rule, in bold).

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [1.5]}, index=["<b>"])
    >>> t = FrenchTable(frame, ["x"], caption="Essai", index=Column("i", "Nom"))
    >>> "&lt;b&gt;" in t.to_html(), "1,5" in t.to_html(), "<b>" in t.to_html()
    (True, True, False)
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        columns: Sequence[Column | str] | None = None,
        *,
        caption: str,
        index: Column | None = None,
        row_header: bool = True,
        source: str | None = None,
        notes: Sequence[str] = (),
        missing_note: str = NO_VALUE_NOTE,
        long: bool | None = None,
        total: bool = False,
    ) -> None:
        specs = [
            c if isinstance(c, Column) else _guess(frame, c)
            for c in (frame.columns if columns is None else columns)
        ]
        rows = [[c.format(v) for v in frame[c.key].tolist()] for c in specs]
        if index is not None:
            specs.insert(0, index)
            rows.insert(0, [index.format(v) for v in frame.index.tolist()])
        self.columns: list[Column] = specs
        self.cells: list[list[str]] = [list(r) for r in zip(*rows, strict=True)]
        self.caption = caption
        self.row_header = row_header
        self.source = source
        self.notes = list(notes)
        self.missing_note = missing_note
        self.long = len(self.cells) > LONG_TABLE_ROWS if long is None else long
        self.total = total and bool(self.cells)

    @property
    def footnotes(self) -> list[str]:
        """Lines under the table: the dash (when used), notes, then the source."""
        lines = []
        if any(NO_VALUE in row for row in self.cells):
            lines.append(self.missing_note)
        lines.extend(self.notes)
        if self.source:
            lines.append(f"Source : {self.source}")
        return lines

    def to_html(self) -> str:
        """The table as HTML (classes of the page style sheet, no ``<style>``)."""

        def esc(text: str) -> str:  # text nodes only: no attribute holds data
            return html.escape(text, quote=False)

        classes = [_ALIGN_CLASS[c.alignment] for c in self.columns]

        def attr(i: int) -> str:
            return f' class="{classes[i]}"' if classes[i] else ""

        head = "".join(
            f'<th scope="col"{attr(i)}>{esc(c.label)}</th>'
            for i, c in enumerate(self.columns)
        )
        body = []
        last = len(self.cells) - 1
        for n, row in enumerate(self.cells):
            cells = []
            for i, text in enumerate(row):
                tag = "th" if i == 0 and self.row_header else "td"
                scope = ' scope="row"' if tag == "th" else ""
                cells.append(f"<{tag}{scope}{attr(i)}>{esc(text)}</{tag}>")
            tr = '<tr class="total">' if self.total and n == last else "<tr>"
            body.append(f"{tr}{''.join(cells)}</tr>")
        foot = ""
        if self.footnotes:
            lines = "<br>".join(esc(line) for line in self.footnotes)
            span = max(len(self.columns), 1)
            foot = f'<tfoot><tr><td colspan="{span}">{lines}</td></tr></tfoot>\n'
        block = "mit-tableau-bloc mit-tableau-long" if self.long else "mit-tableau-bloc"
        return (
            f'<div class="{block}">\n<table class="mit-tableau">\n'
            f"<caption>{esc(self.caption)}</caption>\n"
            f"<thead><tr>{head}</tr></thead>\n"
            f"<tbody>\n{chr(10).join(body)}\n</tbody>\n{foot}</table>\n</div>"
        )

    def _repr_html_(self) -> str:
        """What JupyterLab and the exported pages show: the table and its style."""
        return f"<style>\n{table_css()}\n</style>\n{self.to_html()}"

    def to_text(self) -> str:
        """The table as aligned plain text (consoles, text exports)."""
        labels = [c.label for c in self.columns]
        widths = [
            max([len(label), *(len(r[i]) for r in self.cells)])
            for i, label in enumerate(labels)
        ]

        def line(texts: list[str]) -> str:
            return "  ".join(
                t.rjust(w) if c.alignment == "right" else t.ljust(w)
                for t, w, c in zip(texts, widths, self.columns, strict=True)
            ).rstrip()

        out = [self.caption, line(labels), *(line(r) for r in self.cells)]
        return "\n".join([*out, *self.footnotes])

    def __repr__(self) -> str:
        return self.to_text()

    def to_frame(self) -> pd.DataFrame:
        """The cells as written (French text), under the human labels."""
        return pd.DataFrame(self.cells, columns=[c.label for c in self.columns])


def file_counts(title: str, result: LoadResult) -> tuple[str, str, int, int, int]:
    """One row of :func:`checked_files_table` from what
    :func:`~mitlib.data.io.load_table` read."""
    return (
        title,
        result.path.name,
        result.n_rows,
        len(result.data),
        len(result.rejects),
    )


def checked_files_table(
    files: Sequence[tuple[str, str, int, int, int]],
    *,
    caption: str,
    notes: Sequence[str] = (),
    fictional: bool = False,
) -> FrenchTable:
    """The input files a notebook read and checked, one row per file.

    Parameters
    ----------
    files : sequence of tuple
        ``(table title, file name, rows read, rows kept, rows rejected)``.
    caption : str
    notes : sequence of str
        Further footnotes (warnings, what else was read), after
        :data:`REJECTS_NOTE` (shown when a row was rejected).
    fictional : bool
        Add :data:`~mitlib.data.fictional.FICTIONAL_NOTICE` last.

    Examples
    --------
    >>> t = checked_files_table([("Coachs", "c.csv", 1200, 1199, 1)], caption="Lu")
    >>> t.cells, t.footnotes == [REJECTS_NOTE]
    ([['Coachs', 'c.csv', '1\u202f200', '1\u202f199', '1']], True)
    """
    keys = ("table", "fichier", "lues", "valides", "rejetees")
    frame = pd.DataFrame([dict(zip(keys, f, strict=True)) for f in files], columns=keys)
    columns = [
        Column("table", "Table"),
        Column("fichier", "Fichier"),
        Column("lues", "Lignes lues", "number"),
        Column("valides", "Lignes retenues", "number"),
        Column("rejetees", "Lignes rejetées", "number"),
    ]
    lines = [REJECTS_NOTE] if any(f[4] for f in files) else []
    lines += list(notes)
    if fictional:
        lines.append(FICTIONAL_NOTICE)
    return FrenchTable(frame, columns, caption=caption, notes=lines)
