"""The fictional sample: how it is marked, how it is said, how it is recognised.

Every row of the bundled sample carries :data:`FICTIONAL_MARK` in its
``source`` column. Everything built from it says so in one of two forms,
and nowhere else in mitlib is the wording written:

* :data:`FICTIONAL_NOTICE`, the sentence: page banners, notes of the
  CSV/XLSX provenance tables, console warnings (after « Attention : »);
* :data:`FICTIONAL_COLUMN`, the short flag: the ``avertissement`` column of
  the tables, and the banner over a map (a sentence would hide the map).

:func:`is_fictional` is the one detector, for tables, results and files
alike; the loader (:mod:`mitlib.data.io`) flags its tables with
:func:`carries_mark`, the same rule.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from mitlib.core.text import slug
from mitlib.data.decoding import TableError
from mitlib.data.formats import read_table

__all__ = [
    "FICTIONAL_COLUMN",
    "FICTIONAL_MARK",
    "FICTIONAL_NOTICE",
    "carries_mark",
    "is_fictional",
]

#: Text of the ``source`` column of every sample row (the committed sample
#: files carry it: do not change it).
FICTIONAL_MARK = "DONNÉES FICTIVES (exemple mitlib)"
#: The sentence said wherever there is room for it.
FICTIONAL_NOTICE = "DONNÉES FICTIVES — jeu d'exemple mitlib, aucune donnée réelle."
#: The short flag: a table column or cell, the banner over a map.
FICTIONAL_COLUMN = "DONNÉES FICTIVES"


def carries_mark(frame: pd.DataFrame) -> bool:
    """Whether a cell of a ``source`` column is :data:`FICTIONAL_MARK`.

    The header is matched like the loader matches it (``Source``,
    ``SOURCE`` …) and the cells without surrounding spaces.

    Examples
    --------
    >>> carries_mark(pd.DataFrame({"Source": ["relevé", f" {FICTIONAL_MARK} "]}))
    True
    >>> carries_mark(pd.DataFrame({"source": [f"{FICTIONAL_MARK} modifié", None]}))
    False
    """
    for col in frame.columns:
        if slug(col) == "source":
            cells = frame[col].dropna().astype(str).str.strip()
            if (cells == FICTIONAL_MARK).any():
                return True
    return False


def is_fictional(*items: object) -> bool:
    """Whether any item is, or is built from, the bundled fictional sample.

    Parameters
    ----------
    *items
        Any of:

        * a table (``DataFrame``, ``GeoDataFrame``): its ``attrs["fictif"]``,
          set by the loader and passed on by the computations; a table
          without that flag is read with :func:`carries_mark`;
        * an object with a ``fictional`` attribute (``LoadResult``,
          ``Diagnosis``, the inputs of the candidacies and of the pairing…);
        * the path of an input file (CSV, XLSX, GeoJSON, GeoPackage): read
          as text cells (:func:`mitlib.data.formats.read_table`) and
          checked with :func:`carries_mark`. A file that cannot be read as a
          table (a grid, a damaged file) is not fictional: loading it reports
          the problem;
        * ``None`` (a table not given): not fictional.

    Examples
    --------
    >>> marked = pd.DataFrame({"source": [FICTIONAL_MARK]})
    >>> is_fictional(), is_fictional(pd.DataFrame({"x": [1]})), is_fictional(marked)
    (False, False, True)
    >>> flagged = pd.DataFrame({"x": [1]})
    >>> flagged.attrs["fictif"] = True
    >>> is_fictional(None, pd.DataFrame(), flagged)
    True
    """
    return any(_is_fictional(item) for item in items)


def _is_fictional(item: object) -> bool:
    if item is None:
        return False
    if isinstance(item, str | os.PathLike):
        try:
            cells = read_table(Path(item)).cells
        except TableError:
            return False
        return carries_mark(cells)
    if isinstance(item, pd.DataFrame):
        if "fictif" in item.attrs:
            return bool(item.attrs["fictif"])
        return carries_mark(item)
    if hasattr(item, "fictional"):
        return bool(item.fictional)
    raise TypeError(
        "is_fictional attend une table, un chemin de fichier ou un objet qui a "
        f"un attribut fictional, pas un objet {type(item).__name__}."
    )
