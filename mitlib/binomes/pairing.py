"""Coach–project pairing of one marathon, or of each marathon of the files.

This module puts :mod:`mitlib.binomes.affinity` and :mod:`mitlib.binomes.matching`
to work on the tables read by :mod:`mitlib.binomes.inputs`:

1. :func:`prepare_marathon` gathers one marathon: its projects (column
   ``marathon``), the coaches available for it (column ``marathons``), their
   capacity (``capacite_max``; :data:`DEFAULT_CAPACITY` when blank), the
   forbidden pairs (declared conflicts, and a coach of the same
   ``organisation`` as the project) and the affinity matrix, fitted on the
   marathon's texts by :class:`~mitlib.binomes.affinity.AffinityModel` or read
   from the user's table (:class:`MarathonData`);
2. :func:`solve_marathon` assigns the coaches exactly
   (:func:`mitlib.binomes.matching.assign`, mode ``total`` or ``equitable``,
   forced pairs, optional quotas; the coverage of the projects' needed domains
   is maximised first unless ``coverage=False``). An infeasible marathon keeps
   the French diagnosis of :class:`~mitlib.binomes.instance.InfeasibleError`
   (:class:`MarathonPairing`);
3. :func:`run_pairing` does it for one marathon or for every marathon of the
   files (:class:`PairingResult`).

The result tables are in :mod:`mitlib.binomes.tables`, the printable sheets in
:mod:`mitlib.binomes.sheets`, the output folder in :mod:`mitlib.binomes.writing`
and the console summary in :mod:`mitlib.binomes.summary`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from mitlib.binomes.affinity import AffinityModel, affinity_from_table
from mitlib.binomes.inputs import (
    PairingInputs,
    cell_items,
    cell_text,
    id_examples,
    natural_key,
    parse_per_project,
)
from mitlib.binomes.matching import MODES, Assignment, InfeasibleError, assign
from mitlib.core.errors import InputError, OptionError
from mitlib.core.text import fold, format_fr
from mitlib.data.fictional import is_fictional

__all__ = [
    "DEFAULT_CAPACITY",
    "MODE_LABELS",
    "MarathonData",
    "MarathonPairing",
    "PairingResult",
    "pair_marathon",
    "prepare_marathon",
    "run_pairing",
    "solve_marathon",
    "yes_no",
]

#: Capacity of a coach whose ``capacite_max`` is blank (projects per marathon).
DEFAULT_CAPACITY = 2
#: How each mode is named in French (sheets, console).
MODE_LABELS = {"total": "total", "equitable": "équitable"}

_CONFLICT = "conflit d'intérêts déclaré"
_SAME_ORG = "même organisation"


def yes_no(flag: object) -> str:
    """« oui » or « non », as the tables write a flag."""
    return "oui" if bool(flag) else "non"


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
        f"id_projet : {id_examples(projects.index)} ; id_coach : "
        f"{id_examples(coaches.index)}. Vérifiez le fichier, ou choisissez son "
        "marathon avec --marathon."
    )


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
            value = format_fr(float(self.affinity.at[project_id, coach_id]), 2)
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
    marathon = cell_text(marathon)
    projects = inputs.projects[inputs.projects["marathon"].map(cell_text) == marathon]
    if projects.empty:
        known = ", ".join(inputs.marathons()) or "aucun"
        raise OptionError(
            f"Aucun projet pour le marathon « {marathon} » dans "
            f"{inputs.projets.path.name} (colonne marathon) : marathon inconnu. "
            f"Marathons connus : {known}."
        )
    key = fold(marathon)
    available = inputs.coaches["marathons"].map(
        lambda ms: key in {fold(m) for m in cell_items(ms)}
    )
    coaches = inputs.coaches[available.astype(bool)]
    projects = projects.assign(id=projects["id"].map(cell_text))
    coaches = coaches.assign(id=coaches["id"].map(cell_text))
    projects = projects.set_index("id", drop=False).loc[
        sorted(projects["id"], key=natural_key)
    ]
    coaches = coaches.set_index("id", drop=False).loc[
        sorted(coaches["id"], key=natural_key)
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
        for pid in cell_items(coach["conflits"]):
            if pid in projects.index:
                forbidden[(pid, cid)] = _CONFLICT
        org = fold(cell_text(coach["organisation"]))
        if org:
            for pid, project in projects.iterrows():
                if fold(cell_text(project["organisation"])) == org:
                    forbidden.setdefault(
                        (pid, cid), f"{_SAME_ORG} : {cell_text(coach['organisation'])}"
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
                f"{id_examples(data.coaches.index)})."
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
        """True when the coaches or the projects are the fictional sample."""
        return is_fictional(self.inputs)

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
    >>> from mitlib.binomes.inputs import load_pairing_inputs
    >>> res = run_pairing(load_pairing_inputs(), "M1")
    >>> mp = res["M1"]
    >>> mp.feasible, len(mp.pairs()), mp.pairs()["referent"].sum()
    (True, 24, np.int64(8))
    """
    wanted = [marathon] if marathon is not None else inputs.marathons()
    forced = list(forced)
    project_marathon = dict(
        zip(
            inputs.projects["id"].map(cell_text),
            inputs.projects["marathon"].map(cell_text),
            strict=True,
        )
    )
    for p, _ in forced:
        if p not in project_marathon:
            raise OptionError(
                f"Binôme imposé : projet inconnu « {p} » (projets de "
                f"{inputs.projets.path.name} : {id_examples(project_marathon)})."
            )
    pairings = []
    for m in wanted:
        data = prepare_marathon(inputs, m)
        mine = [(p, c) for p, c in forced if project_marathon[p] == data.marathon]
        pairings.append(solve_marathon(data, forced=mine, **settings))
    return PairingResult(inputs, pairings, marathon is not None)


def _mp_coverage(mp: MarathonPairing) -> pd.DataFrame:
    data = mp.data
    columns = ["id_projet", "titre", "domaine", "couvert", "coachs"]
    if mp.assignment is None:
        return pd.DataFrame(columns=columns)
    pairs = mp.assignment.pairs
    rows = []
    for pid, project in data.projects.iterrows():
        mine = pairs.loc[pairs["id_projet"] == pid, "id_coach"].tolist()
        for domain in cell_items(project["domaines"]):
            who = [
                c
                for c in mine
                if fold(domain)
                in {fold(d) for d in cell_items(data.coaches.at[c, "domaines"])}
            ]
            rows.append(
                {
                    "id_projet": pid,
                    "titre": project["titre"],
                    "domaine": domain,
                    "couvert": yes_no(who),
                    "coachs": " | ".join(who),
                }
            )
    return pd.DataFrame(rows, columns=columns)
