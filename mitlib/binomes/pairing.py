"""Coach–project pairing of the marathons: from the two tables to the sheets.

This module puts :mod:`mitlib.binomes.affinity` and :mod:`mitlib.binomes.matching` to
work
on the users' ``coachs`` and ``projets`` tables:

1. :func:`load_pairing_inputs` reads both tables (and optionally a table of
   affinities typed in by the chargés de mission, ``id_projet, id_coach,
   affinite``) with the usual loader: bad rows are rejected with file, line
   and column, the valid ones are used;
2. :func:`prepare_marathon` gathers one marathon: its projects (column
   ``marathon``), the coaches available for it (column ``marathons``), their
   capacity (``capacite_max``; :data:`DEFAULT_CAPACITY` when blank), the
   forbidden pairs (declared conflicts, and a coach of the same
   ``organisation`` as the project) and the affinity matrix, fitted on the
   marathon's texts by :class:`~mitlib.binomes.affinity.AffinityModel` or read from
   the user's table;
3. :func:`solve_marathon` assigns the coaches exactly
   (:func:`mitlib.binomes.matching.assign`, mode ``total`` or ``equitable``, forced
   pairs, optional quotas; the coverage of the projects' needed domains is
   maximised first unless ``coverage=False``). An infeasible marathon keeps
   the French diagnosis of :class:`~mitlib.binomes.matching.InfeasibleError`;
4. :func:`run_pairing` does it for one marathon or for every marathon of the
   files, and :func:`write_pairing_outputs` writes ``affinites.csv``,
   ``binomes.csv``, ``charges.csv``, ``couverture.csv``, ``synthese.csv``,
   the organisers' workbook ``binomes.xlsx`` and one printable HTML sheet per
   project and per coach (``fiches/``).

CSV files are French-Excel (``;``, decimal comma, UTF-8 with BOM); floats
are written in full (no rounding). They never hold personal data (names,
contacts). The workbook and the sheets hold them only in the internal
version, which says so (« Document interne – données personnelles »); the
public version (``public=True``) strips them and says so too. Sheets built
from the bundled sample carry the « DONNÉES FICTIVES » banner. No output
holds a date: two runs on the same files give byte-identical files.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mitlib.binomes.affinity import AffinityModel, affinity_from_table
from mitlib.binomes.matching import MODES, Assignment, InfeasibleError, assign
from mitlib.core.errors import InputError, OptionError
from mitlib.core.text import fold, format_fr
from mitlib.core.writers import write_csv, write_xlsx
from mitlib.data.io import (
    LoadResult,
    example_path,
    load_table,
    read_raw,
)
from mitlib.data.outputs import inside, safe_name, safe_names
from mitlib.render.page import (
    FICTIONAL_BANNER,
    INTERNAL_NOTICE,
    PUBLIC_NOTICE,
    SHEET_CSS,
    esc,
)

__all__ = [
    "DEFAULT_CAPACITY",
    "FICTIONAL_BANNER",
    "INTERNAL_NOTICE",
    "PUBLIC_NOTICE",
    "MarathonData",
    "MarathonPairing",
    "PairingInputs",
    "PairingResult",
    "affinity_frame",
    "coach_sheet",
    "coverage_frame",
    "load_pairing_inputs",
    "loads_frame",
    "pair_marathon",
    "pairs_frame",
    "parse_pair",
    "parse_per_project",
    "prepare_marathon",
    "project_sheet",
    "run_pairing",
    "sheets_index",
    "solve_marathon",
    "summary",
    "summary_frame",
    "write_pairing_outputs",
]

#: Capacity of a coach whose ``capacite_max`` is blank (projects per marathon).
DEFAULT_CAPACITY = 2
#: Most coaches one project can receive (``per_project``, ``--par-projet``).
MAX_PER_PROJECT = 20
#: Value of the ``avertissement`` column of outputs built from the sample.
FICTIONAL_COLUMN = "DONNÉES FICTIVES"

_CONFLICT = "conflit d'intérêts déclaré"
_SAME_ORG = "même organisation"
_MODE_LABELS = {"total": "total", "equitable": "équitable"}


def _natural(value: object) -> tuple:
    """Sort key: « P2 » before « P10 »."""
    parts = re.split(r"(\d+)", str(value))
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in parts)


def _fr(x: float, decimals: int = 2) -> str:
    return format_fr(x, decimals)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _items(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = _text(value)
    return [text] if text else []


def _esc(value: object) -> str:
    return esc(_text(value))


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


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
        return self.coachs.fictional or self.projets.fictional

    @property
    def coaches(self) -> pd.DataFrame:
        return self.coachs.data

    @property
    def projects(self) -> pd.DataFrame:
        return self.projets.data

    def marathons(self) -> list[str]:
        """Marathon ids of the projects, in natural order."""
        ids = {_text(m) for m in self.projects["marathon"]} - {""}
        return sorted(ids, key=_natural)

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
    mitlib.data.io.TableError
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
    known_projects = set(project_res.data["id"].map(_text))
    for row in coach_res.data.itertuples():
        unknown = [p for p in _items(row.conflits) if p not in known_projects]
        if unknown:
            inputs.warnings.append(
                f"{coach_res.path.name}, ligne {row.ligne} : conflits déclarés avec "
                f"des projets absents de la table des projets "
                f"({', '.join(unknown)}) : ignorés."
            )
    if affinites is not None:
        path = Path(affinites)
        table = _read_affinities(path)
        known_coaches = set(coach_res.data["id"].map(_text))
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
                    f"« {_text(row.affinite)} » n'est pas un nombre entre 0 et 1."
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


def _examples(ids: Iterable[object], n: int = 5) -> str:
    """The first ``n`` ids, then « … »."""
    ids = [str(i) for i in ids]
    return ", ".join(ids[:n]) + (", …" if len(ids) > n else "") if ids else "aucun"


def _no_affinity_message(
    inputs: PairingInputs,
    marathon: str,
    projects: pd.DataFrame,
    coaches: pd.DataFrame,
) -> str:
    """French message: the affinity table holds no pair of this marathon."""
    name = inputs.affinity_path.name if inputs.affinity_path else "affinités"
    n = len(inputs.affinity_table)
    return (
        f"{name} : aucune des {n} lignes ne concerne un binôme du marathon "
        f"{marathon} (un de ses projets avec un de ses coachs disponibles) ; "
        "toutes ses affinités vaudraient 0. Identifiants attendus, par exemple "
        f"id_projet : {_examples(projects.index)} ; id_coach : "
        f"{_examples(coaches.index)}. Vérifiez le fichier, ou choisissez son "
        "marathon avec --marathon."
    )


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


# ---------------------------------------------------------------------------
# One marathon
# ---------------------------------------------------------------------------


@dataclass
class MarathonData:
    """Everything needed to pair one marathon, before solving.

    Attributes
    ----------
    marathon : str
    projects, coaches : pandas.DataFrame
        The marathon's projects and available coaches, indexed by id, in
        natural id order.
    affinity : pandas.DataFrame
        Project × coach affinities (floats in [0, 1]).
    model : AffinityModel
        Fitted on the marathon's texts (explanations).
    capacity : pandas.Series
        Capacity per coach (``capacite_max`` or :data:`DEFAULT_CAPACITY`).
    forbidden : dict
        (project, coach) → French motive (conflict, same organisation).
    source : str
        ``"modele"`` or ``"tableau"`` (user's affinity table).
    fictional : bool
    warnings : list of str
    """

    marathon: str
    projects: pd.DataFrame
    coaches: pd.DataFrame
    affinity: pd.DataFrame
    model: AffinityModel
    capacity: pd.Series
    forbidden: dict[tuple[str, str], str]
    source: str
    fictional: bool
    affinity_file: str = ""
    warnings: list[str] = field(default_factory=list)

    def reason(self, project_id: str, coach_id: str) -> str:
        """French explanation of a pair (shared domains and terms, theme)."""
        text = self.model.explain(project_id, coach_id)
        if self.source == "tableau":
            value = _fr(float(self.affinity.at[project_id, coach_id]), 2)
            return f"affinité saisie ({self.affinity_file}) : {value} ; {text}"
        return text


def prepare_marathon(inputs: PairingInputs, marathon: str) -> MarathonData:
    """Gather one marathon's projects, coaches, affinity and exclusions.

    Raises
    ------
    ValueError
        When no project belongs to ``marathon`` (French, lists the
        marathons of the file).
    """
    marathon = _text(marathon)
    projects = inputs.projects[inputs.projects["marathon"].map(_text) == marathon]
    if projects.empty:
        known = ", ".join(inputs.marathons()) or "aucun"
        raise OptionError(
            f"Aucun projet pour le marathon « {marathon} » dans "
            f"{inputs.projets.path.name} (colonne marathon) : marathon inconnu. "
            f"Marathons connus : {known}."
        )
    key = fold(marathon)
    available = inputs.coaches["marathons"].map(
        lambda ms: key in {fold(m) for m in _items(ms)}
    )
    coaches = inputs.coaches[available.astype(bool)]
    projects = projects.assign(id=projects["id"].map(_text))
    coaches = coaches.assign(id=coaches["id"].map(_text))
    projects = projects.set_index("id", drop=False).loc[
        sorted(projects["id"], key=_natural)
    ]
    coaches = coaches.set_index("id", drop=False).loc[
        sorted(coaches["id"], key=_natural)
    ]
    projects.index.name = coaches.index.name = None
    warnings: list[str] = []
    capacity = pd.Series(DEFAULT_CAPACITY, index=coaches.index, dtype=int)
    blank = []
    for cid, value in coaches["capacite_max"].items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            blank.append(cid)
        else:
            capacity[cid] = int(value)
    if blank:
        warnings.append(
            f"Marathon {marathon} : capacité non renseignée pour "
            f"{', '.join(blank)} : {DEFAULT_CAPACITY} projets retenus."
        )

    forbidden: dict[tuple[str, str], str] = {}
    for cid, coach in coaches.iterrows():
        for pid in _items(coach["conflits"]):
            if pid in projects.index:
                forbidden[(pid, cid)] = _CONFLICT
        org = fold(_text(coach["organisation"]))
        if org:
            for pid, project in projects.iterrows():
                if fold(_text(project["organisation"])) == org:
                    forbidden.setdefault(
                        (pid, cid), f"{_SAME_ORG} : {_text(coach['organisation'])}"
                    )

    model = AffinityModel(lexicon=inputs.lexicon_files or True).fit(
        projects.reset_index(drop=True), coaches.reset_index(drop=True)
    )
    source, affinity_file = "modele", ""
    if inputs.affinity_table is not None:
        table = inputs.affinity_table
        keep = table["id_projet"].str.strip().isin(projects.index) & table[
            "id_coach"
        ].str.strip().isin(coaches.index)
        if not keep.any() and not coaches.empty:
            raise InputError(_no_affinity_message(inputs, marathon, projects, coaches))
        affinity = affinity_from_table(table[keep], projects.index, coaches.index)
        source, affinity_file = "tableau", inputs.affinity_path.name
    else:
        affinity = model.affinity_matrix()
    affinity.index.name, affinity.columns.name = "id_projet", "id_coach"
    return MarathonData(
        marathon=marathon,
        projects=projects,
        coaches=coaches,
        affinity=affinity,
        model=model,
        capacity=capacity,
        forbidden=forbidden,
        source=source,
        fictional=inputs.fictional,
        affinity_file=affinity_file,
        warnings=warnings,
    )


@dataclass
class MarathonPairing:
    """The pairing of one marathon: the data, the settings, the result.

    ``assignment`` is None and ``diagnostics`` says why (French) when the
    constraints cannot all hold.
    """

    data: MarathonData
    per_project: tuple[int, int]
    mode: str
    capacity: pd.Series
    forced: list[tuple[str, str]]
    quotas: dict[str, int]
    coverage: bool
    assignment: Assignment | None = None
    diagnostics: list[str] = field(default_factory=list)
    _pairs: pd.DataFrame | None = field(default=None, repr=False)
    _coverage: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def marathon(self) -> str:
        return self.data.marathon

    @property
    def feasible(self) -> bool:
        return self.assignment is not None

    def pairs(self) -> pd.DataFrame:
        """Assigned pairs: ``id_projet, id_coach, affinite, referent, raisons``."""
        if self._pairs is None:
            columns = ["id_projet", "id_coach", "affinite", "referent", "raisons"]
            if self.assignment is None:
                self._pairs = pd.DataFrame(columns=columns)
            else:
                out = self.assignment.pairs.copy()
                out["raisons"] = [
                    self.data.reason(p, c)
                    for p, c in zip(out["id_projet"], out["id_coach"], strict=True)
                ]
                self._pairs = out[columns]
        return self._pairs.copy()

    def coverage_table(self) -> pd.DataFrame:
        """Per project and needed domain: ``couvert`` (oui/non) and by whom."""
        if self._coverage is None:
            self._coverage = _mp_coverage(self)
        return self._coverage.copy()


def solve_marathon(
    data: MarathonData,
    *,
    per_project: int | tuple[int, int] | str = (3, 3),
    mode: str = "total",
    capacities: Mapping[str, int] | None = None,
    forced: Iterable[tuple[str, str]] = (),
    quotas: Mapping[str, int] | None = None,
    coverage: bool = True,
    time_limit: float | None = None,
) -> MarathonPairing:
    """Assign the coaches of one prepared marathon, exactly.

    Parameters
    ----------
    data : MarathonData
        From :func:`prepare_marathon`.
    per_project : int, (int, int) or str
        Coaches per project, or (minimum, maximum), or ``"MIN:MAX"``.
    mode : {"total", "equitable"}
        Maximise the total affinity, or first the worst project's.
    capacities : mapping, optional
        Coach id → capacity, replacing the table's for those coaches.
    forced : iterable of (project, coach)
        Pairs kept in every mode.
    quotas : mapping, optional
        Coach type → minimum per project (e.g. ``{"banquier/financeur": 1}``).
    coverage : bool, default True
        Maximise first the number of needed domains covered.
    time_limit : float, optional
        Passed to :func:`mitlib.binomes.matching.assign`.

    Returns
    -------
    MarathonPairing
        With ``diagnostics`` (French) instead of an assignment when
        infeasible.
    """
    lo_hi = parse_per_project(per_project)
    key = fold(mode) if isinstance(mode, str) else None
    if key not in MODES:
        raise OptionError(f"Mode inconnu « {mode} » : total ou equitable.")
    capacity = data.capacity.copy()
    for cid, value in (capacities or {}).items():
        if cid not in capacity.index:
            raise OptionError(
                f"Coach « {cid} » non disponible pour le marathon {data.marathon}."
            )
        if (
            not isinstance(value, numbers.Integral)
            or isinstance(value, bool)
            or value < 0
        ):
            raise OptionError(
                f"Capacité du coach « {cid} » : entier positif ou nul attendu "
                f"(reçu {value!r})."
            )
        capacity[cid] = int(value)
    forced = [(str(p), str(c)) for p, c in forced]
    quotas = dict(quotas or {})
    result = MarathonPairing(
        data, lo_hi, MODES[key], capacity, forced, quotas, coverage
    )
    if data.coaches.empty:
        result.diagnostics = [
            f"Aucun coach n'est disponible pour le marathon {data.marathon} "
            "(colonne marathons de la table des coachs)."
        ]
        return result
    for p, c in forced:
        if p not in data.projects.index or c not in data.coaches.index:
            raise OptionError(
                f"Binôme imposé ({p}, {c}) : le projet ou le coach ne fait pas "
                f"partie du marathon {data.marathon} (coachs disponibles : "
                f"{_examples(data.coaches.index)})."
            )
    try:
        result.assignment = assign(
            data.affinity,
            per_project=lo_hi,
            capacity=capacity,
            forbidden=list(data.forbidden),
            forced=forced,
            mode=MODES[key],
            quotas=quotas or None,
            coach_types=data.coaches["type_coach"] if quotas else None,
            project_needs=data.projects["domaines"] if coverage else None,
            coach_domains=data.coaches["domaines"] if coverage else None,
            time_limit=time_limit,
        )
    except InfeasibleError as exc:
        result.diagnostics = list(exc.diagnostics)
    return result


def pair_marathon(inputs: PairingInputs, marathon: str, **settings) -> MarathonPairing:
    """:func:`prepare_marathon` then :func:`solve_marathon` (same settings)."""
    return solve_marathon(prepare_marathon(inputs, marathon), **settings)


@dataclass
class PairingResult:
    """Every marathon paired by :func:`run_pairing`.

    ``filtered`` is True when one marathon was asked for: outputs then have
    no ``marathon`` column.
    """

    inputs: PairingInputs
    pairings: list[MarathonPairing]
    filtered: bool

    @property
    def fictional(self) -> bool:
        return self.inputs.fictional

    @property
    def infeasible(self) -> list[MarathonPairing]:
        return [mp for mp in self.pairings if not mp.feasible]

    def __getitem__(self, marathon: str) -> MarathonPairing:
        for mp in self.pairings:
            if mp.marathon == marathon:
                return mp
        known = ", ".join(mp.marathon for mp in self.pairings) or "aucun"
        raise OptionError(f"Marathon inconnu : {marathon}. Marathons : {known}.")


def run_pairing(
    inputs: PairingInputs,
    marathon: str | None = None,
    *,
    forced: Iterable[tuple[str, str]] = (),
    **settings,
) -> PairingResult:
    """Pair one marathon, or each marathon of the files separately.

    Parameters
    ----------
    inputs : PairingInputs
        From :func:`load_pairing_inputs`.
    marathon : str, optional
        Only this marathon (outputs without ``marathon`` column).
    forced : iterable of (project, coach)
        Forced pairs, each sent to its project's marathon.
    **settings
        ``per_project``, ``mode``, ``capacities``, ``quotas``, ``coverage``,
        ``time_limit`` of :func:`solve_marathon`.

    Examples
    --------
    >>> res = run_pairing(load_pairing_inputs(), "M1")
    >>> mp = res["M1"]
    >>> mp.feasible, len(mp.pairs()), mp.pairs()["referent"].sum()
    (True, 24, np.int64(8))
    """
    wanted = [marathon] if marathon is not None else inputs.marathons()
    forced = list(forced)
    project_marathon = dict(
        zip(
            inputs.projects["id"].map(_text),
            inputs.projects["marathon"].map(_text),
            strict=True,
        )
    )
    for p, _ in forced:
        if p not in project_marathon:
            raise OptionError(
                f"Binôme imposé : projet inconnu « {p} » (projets de "
                f"{inputs.projets.path.name} : {_examples(project_marathon)})."
            )
    pairings = []
    for m in wanted:
        data = prepare_marathon(inputs, m)
        mine = [(p, c) for p, c in forced if project_marathon[p] == data.marathon]
        pairings.append(solve_marathon(data, forced=mine, **settings))
    return PairingResult(inputs, pairings, marathon is not None)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def _yes(flag: object) -> str:
    return "oui" if bool(flag) else "non"


def _mp_affinities(mp: MarathonPairing) -> pd.DataFrame:
    data = mp.data
    long = data.affinity.stack().rename("affinite").reset_index()
    chosen = set()
    if mp.assignment is not None:
        chosen = set(
            zip(
                mp.assignment.pairs["id_projet"],
                mp.assignment.pairs["id_coach"],
                strict=True,
            )
        )
    pairs = list(zip(long["id_projet"], long["id_coach"], strict=True))
    long["exclusion"] = [data.forbidden.get(pc, "") for pc in pairs]
    long["retenu"] = [_yes(pc in chosen) for pc in pairs]
    long["affinite"] = long["affinite"].astype(float)
    return long


def _mp_pairs(mp: MarathonPairing) -> pd.DataFrame:
    out = mp.pairs()
    data = mp.data
    out["referent"] = out["referent"].map(_yes)
    out["titre_projet"] = out["id_projet"].map(data.projects["titre"])
    out["organisation_coach"] = out["id_coach"].map(data.coaches["organisation"])
    out["type_coach"] = out["id_coach"].map(data.coaches["type_coach"])
    return out


def _mp_loads(mp: MarathonPairing) -> pd.DataFrame:
    data = mp.data
    columns = ["id_coach", "organisation", "type_coach", "charge", "capacite"]
    if mp.assignment is None:
        return pd.DataFrame(columns=[*columns, "projets"])
    pairs = mp.assignment.pairs
    out = pd.DataFrame(
        {
            "id_coach": data.coaches.index,
            "organisation": data.coaches["organisation"].to_numpy(),
            "type_coach": data.coaches["type_coach"].to_numpy(),
            "charge": mp.assignment.loads.reindex(data.coaches.index).to_numpy(),
            "capacite": mp.capacity.reindex(data.coaches.index).to_numpy(),
        }
    )
    out["projets"] = [
        " | ".join(pairs.loc[pairs["id_coach"] == c, "id_projet"]) for c in out.id_coach
    ]
    return out


def _mp_coverage(mp: MarathonPairing) -> pd.DataFrame:
    data = mp.data
    columns = ["id_projet", "titre", "domaine", "couvert", "coachs"]
    if mp.assignment is None:
        return pd.DataFrame(columns=columns)
    pairs = mp.assignment.pairs
    rows = []
    for pid, project in data.projects.iterrows():
        mine = pairs.loc[pairs["id_projet"] == pid, "id_coach"].tolist()
        for domain in _items(project["domaines"]):
            who = [
                c
                for c in mine
                if fold(domain)
                in {fold(d) for d in _items(data.coaches.at[c, "domaines"])}
            ]
            rows.append(
                {
                    "id_projet": pid,
                    "titre": project["titre"],
                    "domaine": domain,
                    "couvert": _yes(who),
                    "coachs": " | ".join(who),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _mp_summary(mp: MarathonPairing) -> dict:
    data = mp.data
    a = mp.assignment
    uncovered = int((mp.coverage_table()["couvert"] == "non").sum()) if a else np.nan
    lo, hi = mp.per_project
    return {
        "projets": len(data.projects),
        "coachs": len(data.coaches),
        "mode": mp.mode,
        "coachs_par_projet": f"{lo}" if lo == hi else f"{lo}:{hi}",
        "affinite_source": data.source,
        "statut": a.status if a else "impossible",
        "affinite_totale": a.total if a else np.nan,
        "pire_projet": a.worst_project if a else np.nan,
        "besoins_non_couverts": uncovered,
        "binomes_imposes": " | ".join(f"{p}:{c}" for p, c in mp.forced),
        "diagnostic": " ".join(mp.diagnostics),
    }


def _concat(result: PairingResult, build) -> pd.DataFrame:
    frames = []
    for mp in result.pairings:
        df = build(mp)
        if not result.filtered:
            df.insert(0, "marathon", mp.marathon)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if result.fictional:
        out.insert(0, "avertissement", FICTIONAL_COLUMN)
    return out


def affinity_frame(result: PairingResult) -> pd.DataFrame:
    """Every pair considered: ``id_projet, id_coach, affinite, exclusion, retenu``."""
    return _concat(result, _mp_affinities)


def pairs_frame(result: PairingResult) -> pd.DataFrame:
    """Pairs: ``id_projet, id_coach, affinite, referent, raisons`` and context."""
    return _concat(result, _mp_pairs)


def loads_frame(result: PairingResult) -> pd.DataFrame:
    """Per coach: ``charge`` (projects), ``capacite`` and the projects."""
    return _concat(result, _mp_loads)


def coverage_frame(result: PairingResult) -> pd.DataFrame:
    """Per project and needed domain: ``couvert`` (oui/non) and by whom."""
    return _concat(result, lambda mp: mp.coverage_table())


def summary_frame(result: PairingResult) -> pd.DataFrame:
    """Per marathon: sizes, mode, status, total, worst project, diagnosis."""
    return _concat(result, lambda mp: pd.DataFrame([_mp_summary(mp)]))


# ---------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------

_CSS = (
    SHEET_CSS
    + """
.avis { border: 1px solid #555; padding: 0.3em; font-weight: bold; }
.impossible { color: #b30000; }
"""
)


def _sheet_path(mp: MarathonPairing, kind: str, ident: str) -> str:
    return f"{safe_name(mp.marathon)}/{kind}_{safe_name(ident)}.html"


def _page(title: str, body: str, mp_or_result, public: bool, provenance) -> str:
    banner = (
        f'<div class="fictif">{_esc(FICTIONAL_BANNER)}</div>\n'
        if mp_or_result.fictional
        else ""
    )
    notice = PUBLIC_NOTICE if public else INTERNAL_NOTICE + " : ne pas diffuser."
    facts = "".join(f"<li>{_esc(k)} : {_esc(v)}</li>" for k, v in provenance)
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'{banner}<p class="avis">{_esc(notice)}</p>\n{body}\n'
        f"<footer><ul>{facts}</ul></footer>\n</body>\n</html>\n"
    )


def _settings_text(mp: MarathonPairing) -> str:
    lo, hi = mp.per_project
    per = f"{lo}" if lo == hi else f"entre {lo} et {hi}"
    source = (
        f"saisie ({mp.data.affinity_file})"
        if mp.data.source == "tableau"
        else "calculée (textes, domaines, thème)"
    )
    return (
        f"Marathon {mp.marathon} — mode {_MODE_LABELS[mp.mode]}, {per} coachs par "
        f"projet, affinité {source}."
    )


def _diagnosis_html(mp: MarathonPairing) -> str:
    items = "".join(f"<li>{_esc(d)}</li>" for d in mp.diagnostics)
    return (
        '<section><h2 class="impossible">Affectation impossible</h2>'
        f"<p>Ce qu'il faut assouplir :</p><ul>{items}</ul></section>"
    )


def project_sheet(
    mp: MarathonPairing, project_id: str, *, public: bool = False, provenance=()
) -> str:
    """Printable HTML sheet of one project: its needs, coaches and why.

    Every text from the files is HTML-escaped. ``public=True`` leaves out
    the holder's and coaches' names and contacts and says so.
    """
    data = mp.data
    if project_id not in data.projects.index:
        raise OptionError(
            f"Projet inconnu pour le marathon {mp.marathon} : {project_id}"
        )
    p = data.projects.loc[project_id]
    head = (
        f"<header><h1>Projet — {_esc(p['titre'])}</h1>"
        f'<p class="sous-titre">{_esc(project_id)} — marathon {_esc(mp.marathon)}'
        f" — {_esc(p['theme'])} — {_esc(p['maturite'])} — {_esc(p['commune'])}</p>"
        f'<p class="sous-titre">{_esc(_settings_text(mp))}</p></header>'
    )
    if not public:
        head += (
            f"<p>Porteur : {_esc(p['porteur'])} — {_esc(p['contact'])}</p>"
            if _text(p["porteur"]) or _text(p["contact"])
            else ""
        )
    needs = ", ".join(_esc(d) for d in _items(p["domaines"])) or "aucun"
    body = (
        head + "<section><h2>Le projet</h2><table>"
        f"<tr><th>Description</th><td>{_esc(p['description'])}</td></tr>"
        f"<tr><th>Besoins</th><td>{_esc(p['besoins'])}</td></tr>"
        f"<tr><th>Domaines demandés</th><td>{needs}</td></tr>"
        f"<tr><th>Organisation</th><td>{_esc(p['organisation'])}</td></tr>"
        "</table></section>"
    )
    if not mp.feasible:
        return _page(
            f"Projet {project_id}",
            body + _diagnosis_html(mp),
            mp.data,
            public,
            provenance,
        )
    pairs = mp.pairs()
    mine = pairs[pairs["id_projet"] == project_id]
    name_head = "" if public else "<th>Nom</th><th>Contact</th>"
    rows = []
    for row in mine.itertuples():
        coach = data.coaches.loc[row.id_coach]
        names = (
            ""
            if public
            else f"<td>{_esc(coach['nom'])}</td><td>{_esc(coach['contact'])}</td>"
        )
        rows.append(
            f"<tr><td>{_esc(row.id_coach)}{' (référent)' if row.referent else ''}</td>"
            f"{names}<td>{_esc(coach['organisation'])}</td>"
            f"<td>{_esc(coach['type_coach'])}</td>"
            f'<td class="nombre">{_esc(_fr(row.affinite, 3))}</td>'
            f"<td>{_esc(row.raisons)}</td></tr>"
        )
    coverage = mp.coverage_table()
    cov = coverage[coverage["id_projet"] == project_id]
    cov_rows = "".join(
        f"<tr><td>{_esc(r.domaine)}</td><td>{_esc(r.couvert)}</td>"
        f"<td>{_esc(r.coachs)}</td></tr>"
        for r in cov.itertuples()
    )
    body += (
        "<section><h2>Coachs proposés</h2><table><thead><tr><th>Coach</th>"
        f"{name_head}<th>Organisation</th><th>Type</th><th>Affinité</th>"
        "<th>Pourquoi</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
        "<section><h2>Couverture des domaines demandés</h2><table><thead><tr>"
        "<th>Domaine</th><th>Couvert</th><th>Par</th></tr></thead>"
        f"<tbody>{cov_rows}</tbody></table></section>"
    )
    return _page(f"Projet {project_id}", body, mp.data, public, provenance)


def coach_sheet(
    mp: MarathonPairing, coach_id: str, *, public: bool = False, provenance=()
) -> str:
    """Printable HTML sheet of one coach for one marathon: its projects and why."""
    data = mp.data
    if coach_id not in data.coaches.index:
        raise OptionError(f"Coach inconnu pour le marathon {mp.marathon} : {coach_id}")
    c = data.coaches.loc[coach_id]
    who = _esc(coach_id) if public else f"{_esc(c['nom'])} ({_esc(coach_id)})"
    body = (
        f"<header><h1>Coach — {who}</h1>"
        f'<p class="sous-titre">{_esc(c["organisation"])} — {_esc(c["type_coach"])}'
        f" — marathon {_esc(mp.marathon)}</p>"
        f'<p class="sous-titre">{_esc(_settings_text(mp))}</p></header>'
    )
    if not public and _text(c["contact"]):
        body += f"<p>Contact : {_esc(c['contact'])}</p>"
    domains = ", ".join(_esc(d) for d in _items(c["domaines"])) or "aucun"
    body += (
        "<section><h2>Expertise</h2><table>"
        f"<tr><th>Expertise</th><td>{_esc(c['expertise'])}</td></tr>"
        f"<tr><th>Domaines</th><td>{domains}</td></tr></table></section>"
    )
    if not mp.feasible:
        return _page(
            f"Coach {coach_id}", body + _diagnosis_html(mp), mp.data, public, provenance
        )
    pairs = mp.pairs()
    mine = pairs[pairs["id_coach"] == coach_id]
    body += (
        f"<p>Projets accompagnés : {len(mine)} sur une capacité de "
        f"{int(mp.capacity[coach_id])}.</p>"
    )
    holder_head = "" if public else "<th>Porteur</th>"
    rows = []
    for row in mine.itertuples():
        p = data.projects.loc[row.id_projet]
        holder = (
            "" if public else f"<td>{_esc(p['porteur'])} — {_esc(p['contact'])}</td>"
        )
        rows.append(
            f"<tr><td>{_esc(row.id_projet)}</td><td>{_esc(p['titre'])}</td>"
            f"{holder}<td>{'oui' if row.referent else 'non'}</td>"
            f'<td class="nombre">{_esc(_fr(row.affinite, 3))}</td>'
            f"<td>{_esc(row.raisons)}</td></tr>"
        )
    body += (
        "<section><h2>Projets</h2><table><thead><tr><th>Projet</th><th>Titre</th>"
        f"{holder_head}<th>Référent</th><th>Affinité</th><th>Pourquoi</th></tr>"
        "</thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )
    return _page(f"Coach {coach_id}", body, mp.data, public, provenance)


def sheets_index(result: PairingResult, *, public: bool = False, provenance=()) -> str:
    """HTML page linking every sheet, marathon by marathon."""
    parts = ["<header><h1>Binômes coachs–projets : fiches</h1></header>"]
    for mp in result.pairings:
        data = mp.data
        status = (
            "affectation optimale"
            if mp.feasible and mp.assignment.status == "optimal"
            else ("affectation avec écart" if mp.feasible else "affectation impossible")
        )
        projects = "".join(
            f'<li><a href="{_esc(_sheet_path(mp, "projet", pid))}">{_esc(pid)}</a>'
            f" — {_esc(p['titre'])}</li>"
            for pid, p in data.projects.iterrows()
        )
        coaches = "".join(
            f'<li><a href="{_esc(_sheet_path(mp, "coach", cid))}">{_esc(cid)}</a>'
            f" — {_esc(c['organisation'])}</li>"
            for cid, c in data.coaches.iterrows()
        )
        parts.append(
            f"<section><h2>Marathon {_esc(mp.marathon)} ({_esc(status)})</h2>"
            f"<p>{_esc(_settings_text(mp))}</p>"
            f"<h3>Projets</h3><ul>{projects}</ul><h3>Coachs</h3><ul>{coaches}</ul>"
            "</section>"
        )
    return _page("Binômes coachs–projets", "".join(parts), result, public, provenance)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _named_pairs(result: PairingResult, public: bool) -> pd.DataFrame:
    """The pairs for the organisers' workbook (names and contacts if internal)."""
    out = pairs_frame(result)
    if public or out.empty:
        return out
    names, contacts, holders, holder_contacts = [], [], [], []
    for row in out.itertuples():
        data = (result.pairings[0] if result.filtered else result[row.marathon]).data
        names.append(data.coaches.at[row.id_coach, "nom"])
        contacts.append(data.coaches.at[row.id_coach, "contact"])
        holders.append(data.projects.at[row.id_projet, "porteur"])
        holder_contacts.append(data.projects.at[row.id_projet, "contact"])
    out["nom_coach"] = names
    out["contact_coach"] = contacts
    out["porteur"] = holders
    out["contact_porteur"] = holder_contacts
    return out


def _messages(result: PairingResult, public: bool) -> pd.DataFrame:
    lines = list(result.inputs.warnings)
    for res in (result.inputs.coachs, result.inputs.projets):
        if len(res.rejects):
            lines += res.report().splitlines()
    for mp in result.pairings:
        lines += mp.data.warnings
        for d in mp.diagnostics:
            lines.append(f"Marathon {mp.marathon} : affectation impossible : {d}")
    lines.append(PUBLIC_NOTICE if public else INTERNAL_NOTICE)
    return pd.DataFrame({"message": lines})


def write_pairing_outputs(
    result: PairingResult, directory: Path | str, *, public: bool = False
) -> list[Path]:
    """Write the CSV tables, the organisers' workbook and the HTML sheets.

    Parameters
    ----------
    result : PairingResult
        From :func:`run_pairing`.
    directory : path-like
        Created if needed; files of a previous run are overwritten.
    public : bool
        Leave names and contacts out of the workbook and the sheets.

    Returns
    -------
    list of Path
        ``affinites.csv``, ``binomes.csv``, ``charges.csv``,
        ``couverture.csv``, ``synthese.csv``, ``provenance.csv``,
        ``binomes.xlsx``, then ``fiches/index.html`` and one sheet per
        project and per coach of each marathon
        (``fiches/<marathon>/projet_<id>.html``, ``coach_<id>.html``).
        A marathon that cannot be paired has its row in ``synthese.csv``
        (``statut`` « impossible » and the French ``diagnostic``), its pairs
        in ``affinites.csv`` and sheets that show the diagnosis; it has no
        rows in ``binomes.csv``, ``charges.csv`` and ``couverture.csv``.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    # two ids sharing a file name are refused before anything is written
    projets = result.inputs.projets.path.name
    coachs = result.inputs.coachs.path.name
    safe_names(
        (mp.marathon for mp in result.pairings), where=f"{projets}, colonne marathon"
    )
    for mp in result.pairings:
        safe_names(mp.data.projects.index, where=f"{projets}, colonne id")
        safe_names(mp.data.coaches.index, where=f"{coachs}, colonne id")
    provenance = result.inputs.provenance()
    if result.fictional:
        provenance.append(("avertissement", "DONNÉES FICTIVES : jeu d'exemple mitlib."))
    tables = {
        "affinites": affinity_frame(result),
        "binomes": pairs_frame(result),
        "charges": loads_frame(result),
        "couverture": coverage_frame(result),
        "synthese": summary_frame(result),
    }
    written = [write_csv(df, out / f"{name}.csv") for name, df in tables.items()]
    prov = pd.DataFrame(provenance, columns=["element", "valeur"])
    written.append(write_csv(prov, out / "provenance.csv"))

    sheets = {
        "synthese": tables["synthese"],
        "binomes": _named_pairs(result, public),
        "charges": tables["charges"],
        "couverture": tables["couverture"],
        "affinites": tables["affinites"],
        "messages": _messages(result, public),
        "provenance": prov,
    }
    written.append(write_xlsx(sheets, out / "binomes.xlsx"))

    folder = out / "fiches"
    folder.mkdir(exist_ok=True)
    index = folder / "index.html"
    index.write_text(
        sheets_index(result, public=public, provenance=provenance), encoding="utf-8"
    )
    written.append(index)
    for mp in result.pairings:
        for pid in mp.data.projects.index:
            path = inside(folder, _sheet_path(mp, "projet", pid))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                project_sheet(mp, pid, public=public, provenance=provenance),
                encoding="utf-8",
            )
            written.append(path)
        for cid in mp.data.coaches.index:
            path = inside(folder, _sheet_path(mp, "coach", cid))
            path.write_text(
                coach_sheet(mp, cid, public=public, provenance=provenance),
                encoding="utf-8",
            )
            written.append(path)
    return written


def summary(
    result: PairingResult,
    written: list[Path] | None = None,
    directory: Path | str | None = None,
) -> str:
    """French console summary: inputs, each marathon's result or diagnosis."""
    inputs = result.inputs
    lines = [
        f"Coachs : {inputs.coachs.path.name} ({len(inputs.coaches)} lignes "
        f"valides, {len(inputs.coachs.rejects)} rejetées) ; projets : "
        f"{inputs.projets.path.name} ({len(inputs.projects)} lignes valides, "
        f"{len(inputs.projets.rejects)} rejetées)"
    ]
    if inputs.affinity_path is not None:
        lines.append(f"Affinités saisies : {inputs.affinity_path.name}")
    lines += [f"Attention : {w}" for w in inputs.warnings]
    for mp in result.pairings:
        data = mp.data
        head = (
            f"Marathon {mp.marathon} : {len(data.projects)} projets, "
            f"{len(data.coaches)} coachs, mode {_MODE_LABELS[mp.mode]}"
        )
        lines += [f"Attention : {w}" for w in data.warnings]
        if mp.feasible:
            a = mp.assignment
            status = (
                "optimal prouvé"
                if a.status == "optimal"
                else f"écart à l'optimum {_fr(100 * (a.gap or 0), 2)} %"
            )
            n = len(a.uncovered)
            uncovered = (
                f", {n} besoin{'s' if n > 1 else ''} non couvert{'s' if n > 1 else ''}"
                if mp.coverage
                else ""
            )
            lines.append(
                f"{head} — affinité totale {_fr(a.total, 3)}, pire projet "
                f"{_fr(a.worst_project, 3)} ({status}{uncovered})."
            )
        else:
            lines.append(f"{head} — affectation impossible :")
            lines += [f"  - {d}" for d in mp.diagnostics]
    if written is not None and directory is not None:
        n_sheets = sum(1 for p in written if p.suffix == ".html") - 1
        lines.append(
            f"{len(written)} fichiers écrits dans {directory} "
            f"(dont {n_sheets} fiches dans {Path(directory) / 'fiches'})."
        )
    if result.fictional:
        lines.append("Attention : données d'exemple FICTIVES.")
    return "\n".join(lines)
