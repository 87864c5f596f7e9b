"""The inputs of a marathon plan: event, tables, pairs, coaches' hours.

:func:`load_plan_inputs` reads the event file (``marathon.yaml``), the
``locaux``, ``coachs`` and ``projets`` tables with the usual loader (bad rows
rejected with file, line and column; the valid ones used) and the pairs of
the marathon: a ``binomes.csv`` written by ``mit binomes`` (its
``id_projet`` and ``id_coach`` columns, and ``marathon`` when it has one), or
the pairing computed on the fly with the default settings of ``mit binomes``.

:func:`coach_windows` reads the ``disponibilites`` cell of each coach: a
cell that cannot be read is not guessed — the coach counts as unavailable,
and the cell goes to :attr:`PlanInputs.problems` (file, line, column,
value, reason) so that the chargé de mission corrects it. Files are only
read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from mitlib.binomes.inputs import cell_text, id_examples, natural_key
from mitlib.core.errors import InputError, OptionError
from mitlib.core.text import fold
from mitlib.data.fictional import is_fictional
from mitlib.data.formats import read_raw
from mitlib.data.io import LoadResult, example_path, load_table
from mitlib.planning.event import Event, load_event

__all__ = [
    "PROBLEM_COLUMNS",
    "PlanInputs",
    "coach_windows",
    "example_event_path",
    "load_plan_inputs",
    "resolve_host",
]

#: Columns of :attr:`PlanInputs.problems`.
PROBLEM_COLUMNS = ["fichier", "ligne", "colonne", "valeur", "motif"]


def example_event_path() -> Path:
    """The commented event file of the fictional sample."""
    return example_path("coachs").parent / "marathon.yaml"


@dataclass
class PlanInputs:
    """Everything a plan is built from, as read.

    Attributes
    ----------
    event : Event
    event_path : Path
    locaux, coachs, projets : LoadResult
        The tables (valid rows in ``data``).
    pairs : pandas.DataFrame
        The marathon's pairs: ``equipe`` (project id), ``coach``.
    pairs_path : Path or None
        The ``binomes.csv`` read, or None when the pairs were computed.
    problems : pandas.DataFrame
        Cells of the inputs that could not be used (:data:`PROBLEM_COLUMNS`).
    warnings : list of str
    """

    event: Event
    event_path: Path
    locaux: LoadResult
    coachs: LoadResult
    projets: LoadResult
    pairs: pd.DataFrame
    pairs_path: Path | None = None
    problems: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS)
    )
    warnings: list[str] = field(default_factory=list)

    @property
    def marathon(self) -> str:
        return self.event.marathon

    @property
    def fictional(self) -> bool:
        """True when a table is the bundled fictional sample."""
        return is_fictional(self.locaux, self.coachs, self.projets)

    @property
    def teams(self) -> pd.DataFrame:
        """The marathon's projects, in natural id order, indexed by id (a copy)."""
        return self._teams.copy()

    @property
    def coaches(self) -> pd.DataFrame:
        """The coaches, indexed by id (a copy)."""
        return self._coaches.copy()

    @cached_property
    def _teams(self) -> pd.DataFrame:
        data = self.projets.data
        mine = data[data["marathon"].map(cell_text) == self.marathon].copy()
        mine.index = pd.Index(mine["id"].map(cell_text), name="equipe")
        return mine.loc[sorted(mine.index, key=natural_key)]

    @cached_property
    def _coaches(self) -> pd.DataFrame:
        data = self.coachs.data.copy()
        data.index = pd.Index(data["id"].map(cell_text), name="coach")
        return data

    def provenance(self) -> list[tuple[str, str]]:
        """(label, value) rows: input files and their SHA-256."""
        from mitlib.core.provenance import file_sha256, mitlib_version

        rows = [("mitlib", mitlib_version())]
        for what, path in (
            ("événement", self.event_path),
            ("locaux", self.locaux.path),
            ("coachs", self.coachs.path),
            ("projets", self.projets.path),
            ("binomes", self.pairs_path),
        ):
            if path is not None:
                rows.append((f"{what} ({Path(path).name}) : sha256", file_sha256(path)))
        if self.pairs_path is None:
            rows.append(("binômes", "calculés par mit binomes (réglages par défaut)"))
        return rows


def load_plan_inputs(
    evenement: Path | str | None = None,
    locaux: Path | str | None = None,
    coachs: Path | str | None = None,
    projets: Path | str | None = None,
    binomes: Path | str | None = None,
    *,
    marathon: str | None = None,
    territory=None,
) -> PlanInputs:
    """Read the inputs of one marathon's plan (module docstring).

    Parameters
    ----------
    evenement : path-like, optional
        The event file; default: the sample's ``marathon.yaml``.
    locaux, coachs, projets : path-like, optional
        The tables; default: the bundled fictional sample.
    binomes : path-like, optional
        A ``binomes.csv`` of ``mit binomes``; default: pairs computed here.
    marathon : str, optional
        Checked against the event file's ``marathon``.

    Raises
    ------
    InputError
        A file or a column is missing, a pair names an unknown project or
        coach (file, line, column).
    OptionError
        *marathon* is not the event file's, or unknown in the projects.
    """
    if territory is None:
        from mitlib.data.territory import load_territory

        territory = load_territory()
    event_path = Path(evenement) if evenement is not None else example_event_path()
    event = load_event(event_path)
    if marathon is not None and marathon.strip() != event.marathon:
        raise OptionError(
            f"--marathon {marathon} : le fichier de l'événement {event_path.name} "
            f"décrit le marathon {event.marathon} (champ marathon). Donnez le "
            "fichier de ce marathon avec --evenement."
        )
    tables = {}
    for name, path in (("locaux", locaux), ("coachs", coachs), ("projets", projets)):
        tables[name] = load_table(path or example_path(name), name, territory)
    inputs = PlanInputs(event, event_path, pairs=pd.DataFrame(), **tables)
    known = set(inputs.projets.data["marathon"].map(cell_text)) - {""}
    if event.marathon not in known:
        raise OptionError(
            f"Marathon {event.marathon} ({event_path.name}) : aucun projet de "
            f"{inputs.projets.path.name} n'y participe (colonne marathon). "
            f"Marathons connus : {', '.join(sorted(known, key=natural_key))}."
        )
    if binomes is not None:
        inputs.pairs_path = Path(binomes)
        inputs.pairs = _read_pairs(inputs, inputs.pairs_path)
    else:
        inputs.pairs = _computed_pairs(inputs)
    return inputs


def _read_pairs(inputs: PlanInputs, path: Path) -> pd.DataFrame:
    """The marathon's pairs of a ``binomes.csv``; unknown ids are errors."""
    raw, _ = read_raw(path)
    rename = {}
    for col in raw.columns:
        key = re.sub(r"[^a-z0-9]+", "_", fold(col)).strip("_")
        if key in {"id_projet", "id_coach", "marathon"}:
            rename[col] = key
    raw = raw.rename(columns=rename)
    missing = [c for c in ("id_projet", "id_coach") if c not in raw]
    if missing:
        raise InputError(
            f"{path.name} : colonne(s) obligatoire(s) absente(s) : "
            f"{', '.join(missing)} (le fichier binomes.csv de mit binomes les a)."
        )
    lines = raw.attrs.get("lignes", list(raw.index + 2))
    teams = inputs.teams.index
    coaches = set(inputs.coaches.index)
    all_projects = set(inputs.projets.data["id"].map(cell_text))
    rows, seen = [], {}
    for line, rec in zip(lines, raw.to_dict("records"), strict=True):
        team, coach = cell_text(rec["id_projet"]), cell_text(rec["id_coach"])
        if "marathon" in rec and cell_text(rec["marathon"]) not in {
            "",
            inputs.marathon,
        }:
            continue
        if team not in teams:
            if "marathon" not in rec and team in all_projects:
                continue  # a project of another marathon
            raise InputError(
                f"{path.name}, ligne {line}, colonne id_projet : projet « {team} » "
                f"absent des projets du marathon {inputs.marathon} "
                f"({id_examples(teams)})."
            )
        if coach not in coaches:
            raise InputError(
                f"{path.name}, ligne {line}, colonne id_coach : coach « {coach} » "
                f"absent de {inputs.coachs.path.name}."
            )
        if (team, coach) in seen:
            raise InputError(
                f"{path.name}, ligne {line} : le binôme {team} – {coach} figure "
                f"déjà ligne {seen[team, coach]}."
            )
        seen[team, coach] = line
        rows.append((team, coach))
    if not rows:
        raise InputError(f"{path.name} : aucun binôme du marathon {inputs.marathon}.")
    return pd.DataFrame(rows, columns=["equipe", "coach"])


def _computed_pairs(inputs: PlanInputs) -> pd.DataFrame:
    """The pairs of ``mit binomes`` with its default settings."""
    from mitlib.binomes.inputs import PairingInputs
    from mitlib.binomes.pairing import run_pairing

    pairing = PairingInputs(inputs.coachs, inputs.projets)
    result = run_pairing(pairing, inputs.marathon)
    (mp,) = result.pairings
    if not mp.feasible:
        raise InputError(
            f"Binômes du marathon {inputs.marathon} impossibles à calculer : "
            + " ".join(mp.diagnostics)
            + " Donnez un fichier binomes.csv avec --binomes."
        )
    pairs = mp.pairs()
    return pd.DataFrame(
        {"equipe": pairs["id_projet"].map(cell_text), "coach": pairs["id_coach"]}
    ).reset_index(drop=True)


def coach_windows(inputs: PlanInputs) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Availability mask of every paired coach, and the cells not understood.

    A blank cell (or no ``disponibilites`` column): the whole event. A cell
    that cannot be read: no availability, and a row of the problems.
    """
    from mitlib.planning.event import parse_windows

    event = inputs.event
    coaches = inputs.coaches
    name = inputs.coachs.path.name
    masks, problems = {}, []
    for coach in sorted(set(inputs.pairs["coach"]), key=natural_key):
        row = coaches.loc[coach]
        text = row.get("disponibilites", "")
        line = row.get("ligne", "")
        try:
            windows = parse_windows(
                text, event, where=f"{name}, ligne {line}, colonne disponibilites"
            )
        except InputError as exc:
            masks[coach] = np.zeros(event.n_slots, dtype=bool)
            reason = str(exc).split(" : ", 1)[-1]
            problems.append((name, line, "disponibilites", cell_text(text), reason))
            continue
        masks[coach] = windows.mask
        for note in windows.warnings:
            inputs.warnings.append(note)
    return masks, pd.DataFrame(problems, columns=PROBLEM_COLUMNS)


def resolve_host(text: str | None, territory) -> str:
    """INSEE code of the host commune written *text* (name or code).

    Raises
    ------
    OptionError
        No host given, or a name or code that is not a commune of the
        territory.
    """
    if text is None or not str(text).strip():
        raise OptionError(
            "Commune hôte absente : écrivez-la dans le fichier de l'événement "
            "(champ « commune : Aiguillon ») ou donnez --commune."
        )
    communes = territory.communes
    text = str(text).strip()
    match = communes[communes["code_insee"] == text]
    if match.empty:
        match = communes[communes["nom"].map(fold) == fold(text)]
    if len(match) != 1:
        raise OptionError(
            f"Commune hôte « {text} » : pas une commune (nom ou code INSEE) du "
            f"territoire « {territory.name} »."
        )
    return str(match["code_insee"].iloc[0])
