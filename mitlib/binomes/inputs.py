"""The user's inputs of a pairing: the two tables, the affinities, the settings.

* :func:`load_pairing_inputs` reads the ``coachs`` and ``projets`` tables (and
  optionally a table of affinities typed in by the chargés de mission,
  ``id_projet, id_coach, affinite``) with the usual loader: bad rows are
  rejected with file, line and column, the valid ones are used
  (:class:`PairingInputs`);
* :func:`parse_per_project` and :func:`parse_pair` read the settings typed by
  the user (coaches per project, forced pairs) with French errors;
* :func:`cell_text`, :func:`cell_items`, :func:`natural_key` and
  :func:`id_examples` read the cells of the tables and show their ids the same
  way in every module of the pairing.

Files are only read.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mitlib.core.errors import InputError, OptionError
from mitlib.core.text import fold
from mitlib.data.fictional import is_fictional
from mitlib.data.formats import read_raw
from mitlib.data.io import LoadResult, example_path, load_table

__all__ = [
    "MAX_PER_PROJECT",
    "PairingInputs",
    "cell_items",
    "cell_text",
    "id_examples",
    "load_pairing_inputs",
    "natural_key",
    "parse_pair",
    "parse_per_project",
]

#: Most coaches one project can receive (``per_project``, ``--par-projet``).
MAX_PER_PROJECT = 20


def natural_key(value: object) -> tuple:
    """Sort key: « P2 » before « P10 ».

    Examples
    --------
    >>> sorted(["P10", "P2"], key=natural_key)
    ['P2', 'P10']
    """
    parts = re.split(r"(\d+)", str(value))
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in parts)


def cell_text(value: object) -> str:
    """A cell as stripped text (``""`` when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def cell_items(value: object) -> list[str]:
    """A list cell (already split by the loader) as non-empty strings."""
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = cell_text(value)
    return [text] if text else []


def id_examples(ids: Iterable[object], n: int = 5) -> str:
    """The first ``n`` ids, then « … »."""
    ids = [str(i) for i in ids]
    return ", ".join(ids[:n]) + (", …" if len(ids) > n else "") if ids else "aucun"


@dataclass
class PairingInputs:
    """The two tables (and the optional affinity table) as loaded.

    Attributes
    ----------
    coachs, projets : LoadResult
        What :func:`mitlib.data.io.load_table` read (valid rows in ``data``).
    affinity_table : pandas.DataFrame or None
        The user's affinities (text cells, columns ``id_projet``,
        ``id_coach``, ``affinite`` and ``ligne``), when given.
    affinity_path : Path or None
        Its file.
    warnings : list of str
        French warnings (unknown ids in declared conflicts…).
    """

    coachs: LoadResult
    projets: LoadResult
    affinity_table: pd.DataFrame | None = None
    affinity_path: Path | None = None
    warnings: list[str] = field(default_factory=list)
    #: Extra lexicon files of the chargé de mission (see mitlib.binomes.lexicon).
    lexicon_files: list[Path] = field(default_factory=list)

    @property
    def fictional(self) -> bool:
        """True when either table is the bundled fictional sample."""
        return is_fictional(self.coachs, self.projets)

    @property
    def coaches(self) -> pd.DataFrame:
        return self.coachs.data

    @property
    def projects(self) -> pd.DataFrame:
        return self.projets.data

    def marathons(self) -> list[str]:
        """Marathon ids of the projects, in natural order."""
        ids = {cell_text(m) for m in self.projects["marathon"]} - {""}
        return sorted(ids, key=natural_key)

    def provenance(self) -> list[tuple[str, str]]:
        """(label, value) rows: input files and their SHA-256."""
        from mitlib.core.provenance import file_sha256, mitlib_version

        rows = [("mitlib", mitlib_version())]
        for what, path in (
            ("coachs", self.coachs.path),
            ("projets", self.projets.path),
            ("affinites", self.affinity_path),
            *(("lexique", Path(p)) for p in self.lexicon_files),
        ):
            if path is not None:
                rows.append((f"{what} ({path.name}) : sha256", file_sha256(path)))
        return rows


def _read_affinities(path: Path) -> pd.DataFrame:
    raw, _ = read_raw(path)
    rename = {}
    for col in raw.columns:
        key = re.sub(r"[^a-z0-9]+", "_", fold(col)).strip("_")
        if key in {"id_projet", "id_coach", "affinite"}:
            rename[col] = key
    raw = raw.rename(columns=rename)
    missing = [c for c in ("id_projet", "id_coach", "affinite") if c not in raw]
    if missing:
        raise InputError(
            f"{path.name} : colonne(s) obligatoire(s) absente(s) : "
            f"{', '.join(missing)} (attendu : id_projet, id_coach, affinite)."
        )
    out = raw[["id_projet", "id_coach", "affinite"]].copy()
    # the line a text editor (or the spreadsheet) shows for each row
    out.insert(0, "ligne", raw.attrs.get("lignes", list(out.index + 2)))
    first: dict[tuple[str, str], int] = {}
    for row in out.itertuples():
        pair = (str(row.id_projet).strip(), str(row.id_coach).strip())
        if pair in first:
            raise InputError(
                f"{path.name}, ligne {row.ligne} : le binôme {pair[0]} – {pair[1]} "
                f"figure déjà ligne {first[pair]} ; gardez une seule affinité par "
                "binôme."
            )
        first[pair] = row.ligne
    return out


def load_pairing_inputs(
    coachs: Path | str | None = None,
    projets: Path | str | None = None,
    affinites: Path | str | None = None,
    territory=None,
) -> PairingInputs:
    """Load the coaches, the projects and, optionally, the user's affinities.

    Parameters
    ----------
    coachs, projets : path-like, optional
        The tables (CSV, XLSX…); default: the bundled fictional sample.
        Files are only read.
    affinites : path-like, optional
        A table ``id_projet, id_coach, affinite`` (affinity in [0, 1],
        decimal comma accepted) replacing the computed affinity. Pairs absent
        from it get 0.
    territory : Territory, optional
        Passed to the loader.

    Raises
    ------
    mitlib.data.decoding.TableError
        When a file cannot be read at all.
    mitlib.core.errors.InputError
        When the affinity table lacks a column, names an unknown project or
        coach, or holds a value that is not a number in [0, 1] (French
        message with the file, the line and the column).
    """
    if territory is None:
        from mitlib.data.territory import load_territory

        territory = load_territory()
    coach_res = load_table(coachs or example_path("coachs"), "coachs", territory)
    project_res = load_table(projets or example_path("projets"), "projets", territory)
    inputs = PairingInputs(coach_res, project_res)
    known_projects = set(project_res.data["id"].map(cell_text))
    for row in coach_res.data.itertuples():
        unknown = [p for p in cell_items(row.conflits) if p not in known_projects]
        if unknown:
            inputs.warnings.append(
                f"{coach_res.path.name}, ligne {row.ligne} : conflits déclarés avec "
                f"des projets absents de la table des projets "
                f"({', '.join(unknown)}) : ignorés."
            )
    if affinites is not None:
        path = Path(affinites)
        table = _read_affinities(path)
        known_coaches = set(coach_res.data["id"].map(cell_text))
        for row in table.itertuples():
            if row.id_projet.strip() not in known_projects:
                raise InputError(
                    f"{path.name}, ligne {row.ligne}, colonne id_projet : projet "
                    f"« {row.id_projet} » absent de la table des projets."
                )
            if row.id_coach.strip() not in known_coaches:
                raise InputError(
                    f"{path.name}, ligne {row.ligne}, colonne id_coach : coach "
                    f"« {row.id_coach} » absent de la table des coachs."
                )
            try:
                value = float(str(row.affinite).strip().replace(",", "."))
            except ValueError:
                value = math.nan
            if not 0.0 <= value <= 1.0:  # also empty cells and NaN
                raise InputError(
                    f"{path.name}, ligne {row.ligne}, colonne affinite : "
                    f"« {cell_text(row.affinite)} » n'est pas un nombre entre 0 et 1."
                )
        inputs.affinity_table = table
        inputs.affinity_path = path
    return inputs


def parse_per_project(text: str | int | tuple[int, int]) -> tuple[int, int]:
    """``"3"`` → (3, 3), ``"2:4"`` → (2, 4) (French error otherwise).

    The minimum is at least 1, the maximum at least the minimum and at most
    :data:`MAX_PER_PROJECT`.

    Raises
    ------
    mitlib.core.errors.OptionError
        French message with the accepted range.

    Examples
    --------
    >>> parse_per_project("2:4"), parse_per_project(3)
    ((2, 4), (3, 3))
    >>> parse_per_project("0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mitlib.core.errors.OptionError: Nombre de coachs par projet « 0 » : le minimum ...
    """
    accepted = (
        f"attendu MIN ou MIN:MAX, entiers avec 1 ≤ MIN ≤ MAX ≤ {MAX_PER_PROJECT}, "
        "par exemple 3 ou 2:4"
    )
    if isinstance(text, tuple | list) and len(text) == 2:
        lo, hi = text
    elif isinstance(text, numbers.Integral) and not isinstance(text, bool):
        lo = hi = text
    else:
        match = re.fullmatch(r"\s*(\d+)\s*(?:[:\-]\s*(\d+)\s*)?", str(text))
        if not match:
            raise OptionError(
                f"Nombre de coachs par projet illisible : « {text} » ({accepted})."
            )
        lo = int(match.group(1))
        hi = int(match.group(2)) if match.group(2) else lo
    shown = text if isinstance(text, str) else f"{lo}:{hi}"
    if not all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in (lo, hi)
    ):
        raise OptionError(
            f"Nombre de coachs par projet illisible : « {text} » ({accepted})."
        )
    if lo < 1:
        raise OptionError(
            f"Nombre de coachs par projet « {shown} » : le minimum doit valoir au "
            f"moins 1 ({accepted})."
        )
    if hi < lo:
        raise OptionError(
            f"Nombre de coachs par projet « {shown} » : le maximum ({hi}) est "
            f"inférieur au minimum ({lo}) ({accepted})."
        )
    if hi > MAX_PER_PROJECT:
        raise OptionError(
            f"Nombre de coachs par projet « {shown} » : au plus {MAX_PER_PROJECT} "
            f"coachs par projet ({accepted})."
        )
    return int(lo), int(hi)


def parse_pair(text: str) -> tuple[str, str]:
    """``"P-01:K-003"`` → ("P-01", "K-003").

    Examples
    --------
    >>> parse_pair("M1-P01:K-004")
    ('M1-P01', 'K-004')
    """
    project, sep, coach = str(text).rpartition(":")
    if not sep or not project.strip() or not coach.strip():
        raise OptionError(
            f"Binôme imposé illisible : « {text} » (attendu PROJET:COACH, par "
            "exemple M1-P01:K-004)."
        )
    return project.strip(), coach.strip()
