"""The organisers' pairing workshop of one marathon, without widgets.

:class:`PairingWorkshop` holds what the organisers decide during ``mit seance
binomes`` (:mod:`mitlib.seances.binomes_app` shows it): the marathon, the
pairs they force or forbid, the number of coaches per project (minimum,
maximum), the capacities they change, the mode, and a change log (time,
what, old → new). :meth:`~PairingWorkshop.recompute` solves the marathon
exactly with :func:`mitlib.binomes.pairing.solve_marathon`: a forbidden pair
is one more exclusion of the marathon (motive :data:`FORBIDDEN_MOTIVE`, next
to the declared conflicts), so nothing changes when none is forbidden; an
infeasible marathon keeps the solver's French diagnosis.

:meth:`~PairingWorkshop.freeze` writes the final pairs as the marathon's
sheets (:func:`mitlib.binomes.writing.write_pairing_outputs`: CSV, workbook,
printable sheets per project and per coach) plus ``journal.csv`` (the
changes) and ``reglages.json`` (what :meth:`~PairingWorkshop.reopen` reads
back) in a dated sub-folder ``binomes_<marathon>_AAAA-MM-JJ_HHhMM``, through
:class:`~mitlib.data.outputs.OutputFolder` (all or nothing; a public freeze
is searched for the inputs' personal values). The log and settings hold ids.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pandas as pd

from mitlib.binomes.inputs import PairingInputs, load_pairing_inputs, parse_per_project
from mitlib.binomes.matching import MODES
from mitlib.binomes.pairing import (
    MODE_LABELS,
    MarathonData,
    MarathonPairing,
    PairingResult,
    prepare_marathon,
    solve_marathon,
)
from mitlib.core.errors import InputError, MitError, OptionError
from mitlib.core.provenance import file_sha256
from mitlib.core.text import count_fr, fold, format_fr, format_percent
from mitlib.core.writers import write_csv
from mitlib.data.outputs import OutputFolder, safe_name

__all__ = [
    "COMMAND",
    "FORBIDDEN_MOTIVE",
    "JOURNAL_FILE",
    "SETTINGS_FILE",
    "Change",
    "PairingWorkshop",
    "reopen",
    "span",
]

#: The command named in the manifest of a frozen folder.
COMMAND = "mit seance binomes"
#: Motive of a pair the organisers forbid (sheets, affinites.csv).
FORBIDDEN_MOTIVE = "interdit par les organisateurs"
#: The change log of a frozen folder.
JOURNAL_FILE = "journal.csv"
#: The settings of a frozen folder, to reopen it.
SETTINGS_FILE = "reglages.json"
_FORMAT = "mitlib-atelier-binomes/1"
_FREE, _FORCED, _FORBIDDEN = "libre", "imposé", "interdit"


@dataclass(frozen=True)
class Change:
    """One line of the change log: when, what, its value before and after."""

    time: datetime
    what: str
    old: str
    new: str

    def record(self) -> dict:
        heure = self.time.strftime("%Y-%m-%d %H:%M:%S")
        return {
            "heure": heure,
            "changement": self.what,
            "avant": self.old,
            "apres": self.new,
        }


def span(lo_hi: tuple[int, int]) -> str:
    """« 3 » or « de 2 à 4 » (coaches per project)."""
    lo, hi = lo_hi
    return f"{lo}" if lo == hi else f"de {lo} à {hi}"


def _seconds(value: float) -> str:
    return format_fr(value, 2 if value < 10 else 1) + " s"


class PairingWorkshop:
    """The state of the pairing workshop of one marathon.

    Parameters
    ----------
    inputs : PairingInputs
        From :func:`mitlib.binomes.inputs.load_pairing_inputs`.
    marathon : str, optional
        Default: the first marathon of the projects' table.
    public : bool
        Labels without names (ids and organisations), public freeze.
    per_project : int, (int, int) or str
        Coaches per project (minimum, maximum), as for ``mit binomes``.
    mode : {"total", "equitable"}
    clock : callable, optional
        Returns the current :class:`~datetime.datetime` (log, folder names);
        default :meth:`datetime.datetime.now`.

    Attributes
    ----------
    forced, forbidden : list of (project, coach)
        Pairs the organisers force or forbid, in the order given.
    capacities : dict
        Coach → capacity, for the coaches whose capacity was changed.
    log : list of Change
    pairing : MarathonPairing or None
        The last result (None before the first :meth:`recompute`).
    seconds : float or None
        How long the last computation took.
    stale : bool
        The settings changed since the last computation.
    warnings : list of str
        French notes (a reopened decision whose input files changed…).
    """

    def __init__(
        self,
        inputs: PairingInputs,
        marathon: str | None = None,
        *,
        public: bool = False,
        per_project: int | tuple[int, int] | str = (3, 3),
        mode: str = "total",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.inputs = inputs
        self.public = bool(public)
        self.clock = clock or datetime.now
        marathons = inputs.marathons()
        if not marathons:
            raise InputError(
                f"{inputs.projets.path.name} : aucun projet n'indique son marathon "
                "(colonne marathon) : il n'y a rien à apparier."
            )
        self.per_project = parse_per_project(per_project)
        self.mode = self._mode(mode)
        self.log: list[Change] = []
        self.warnings: list[str] = []
        self._load(marathon or marathons[0])

    # -- marathon --------------------------------------------------------
    def _load(self, marathon: str) -> None:
        self.data: MarathonData = prepare_marathon(self.inputs, marathon)
        self.forced: list[tuple[str, str]] = []
        self.forbidden: list[tuple[str, str]] = []
        self.capacities: dict[str, int] = {}
        self.pairing: MarathonPairing | None = None
        self.seconds: float | None = None
        self.stale = True

    @property
    def marathon(self) -> str:
        return self.data.marathon

    def set_marathon(self, marathon: str) -> str:
        """Work on another marathon: its forced and forbidden pairs and its
        capacities start afresh (coaches per project and mode are kept)."""
        old = self.marathon
        if marathon == old:
            return f"Marathon {old} déjà choisi."
        self._load(marathon)
        self._note("marathon", old, self.marathon)
        return (
            f"Marathon {self.marathon} : ses binômes imposés ou interdits et ses "
            "capacités changées repartent de zéro."
        )

    # -- labels ------------------------------------------------------------
    def project_label(self, pid: str) -> str:
        return f"{pid} — {self.data.projects.at[pid, 'titre']}"

    def coach_label(self, cid: str) -> str:
        """« K-004 — Nom (organisation) », without the name in public mode."""
        org = str(self.data.coaches.at[cid, "organisation"] or "").strip()
        org = f" ({org})" if org else ""
        if self.public:
            return f"{cid}{org}"
        return f"{cid} — {self.data.coaches.at[cid, 'nom']}{org}"

    def capacity_of(self, cid: str) -> int:
        """The coach's capacity in force (changed here, or the table's)."""
        return int(self.capacities.get(cid, self.data.capacity[cid]))

    def state_of(self, pid: str, cid: str) -> str:
        """« imposé », « interdit », « exclu d'office : motif » or « libre »."""
        if (pid, cid) in self.forced:
            return _FORCED
        if (pid, cid) in self.forbidden:
            return _FORBIDDEN
        if (pid, cid) in self.data.forbidden:
            return f"exclu d'office : {self.data.forbidden[(pid, cid)]}"
        return _FREE

    # -- changes -----------------------------------------------------------
    def _note(self, what: str, old: object, new: object) -> None:
        self.log.append(Change(self.clock(), what, str(old), str(new)))
        self.stale = True

    def _check_pair(self, pid: str, cid: str) -> tuple[str, str]:
        if pid not in self.data.projects.index:
            raise OptionError(
                f"Projet « {pid} » absent du marathon {self.marathon} : choisissez "
                "un projet de la liste."
            )
        if cid not in self.data.coaches.index:
            raise OptionError(
                f"Coach « {cid} » non disponible pour le marathon {self.marathon} : "
                "choisissez un coach de la liste."
            )
        return pid, cid

    def _set_pair(self, pid: str, cid: str, state: str) -> str:
        pair = self._check_pair(pid, cid)
        old = self.state_of(*pair)
        name = f"binôme {pid} ↔ {cid}"
        if old.startswith("exclu"):
            raise OptionError(
                f"Le {name} est {old} : il ne peut être ni imposé ni interdit ici "
                "(corrigez la table des coachs si ce motif est faux)."
            )
        if old == state:
            return f"Le {name} est déjà {state}."
        for pairs in (self.forced, self.forbidden):
            if pair in pairs:
                pairs.remove(pair)
        if state == _FORCED:
            self.forced.append(pair)
        elif state == _FORBIDDEN:
            self.forbidden.append(pair)
        self._note(name, old, state)
        return f"Binôme {pid} ↔ {cid} {'libéré' if state == _FREE else state}."

    def force(self, pid: str, cid: str) -> str:
        """Keep this pair in every solution (French sentence of what was done)."""
        return self._set_pair(pid, cid, _FORCED)

    def forbid(self, pid: str, cid: str) -> str:
        """Never form this pair."""
        return self._set_pair(pid, cid, _FORBIDDEN)

    def release(self, pid: str, cid: str) -> str:
        """Neither forced nor forbidden any more."""
        return self._set_pair(pid, cid, _FREE)

    def set_per_project(self, lo: int, hi: int) -> str:
        """Coaches per project: at least *lo*, at most *hi*."""
        new = parse_per_project((lo, hi))
        if new == self.per_project:
            return f"Coachs par projet : {span(new)} (inchangé)."
        old, self.per_project = self.per_project, new
        self._note("coachs par projet", span(old), span(new))
        return f"Coachs par projet : {span(new)}."

    def set_capacity(self, cid: str, value: int) -> str:
        """At most *value* projects for this coach (the table's value clears
        the change)."""
        if cid not in self.data.coaches.index:
            raise OptionError(
                f"Coach « {cid} » non disponible pour le marathon {self.marathon}."
            )
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise OptionError(
                f"Capacité du coach {cid} : un nombre entier de projets, 0 ou plus "
                f"(reçu « {value} »)."
            )
        if value == (old := self.capacity_of(cid)):
            return f"Capacité de {cid} : {value} (inchangée)."
        if value == int(self.data.capacity[cid]):
            del self.capacities[cid]
        else:
            self.capacities[cid] = value
        self._note(f"capacité de {cid}", old, value)
        new = count_fr(value, "projet")
        return f"Capacité de {cid} : {new} au plus (au lieu de {old})."

    @staticmethod
    def _mode(mode: str) -> str:
        key = fold(mode) if isinstance(mode, str) else None
        if key not in MODES:
            raise OptionError(f"Mode inconnu « {mode} » : total ou équitable.")
        return MODES[key]

    def set_mode(self, mode: str) -> str:
        new = self._mode(mode)
        if new == self.mode:
            return f"Mode {MODE_LABELS[new]} (inchangé)."
        old, self.mode = self.mode, new
        self._note("mode", MODE_LABELS[old], MODE_LABELS[new])
        return f"Mode {MODE_LABELS[new]}."

    # -- solving -----------------------------------------------------------
    def settings(self) -> dict:
        """The keyword arguments of :func:`~mitlib.binomes.pairing.solve_marathon`."""
        return {
            "per_project": self.per_project,
            "mode": self.mode,
            "capacities": dict(self.capacities),
            "forced": list(self.forced),
        }

    def effective_data(self) -> MarathonData:
        """The marathon with the organisers' forbidden pairs among its
        exclusions (the prepared data itself when none is forbidden)."""
        if not self.forbidden:
            return self.data
        forbidden = dict(self.data.forbidden)
        forbidden.update(dict.fromkeys(self.forbidden, FORBIDDEN_MOTIVE))
        return replace(self.data, forbidden=forbidden)

    def recompute(self) -> MarathonPairing:
        """Solve the marathon exactly with the current settings."""
        before = self.pairing
        start = time.perf_counter()
        self.pairing = solve_marathon(self.effective_data(), **self.settings())
        self.seconds = time.perf_counter() - start
        self._note("recalcul", self._outcome(before), self._outcome(self.pairing))
        self.stale = False
        return self.pairing

    @staticmethod
    def _outcome(mp: MarathonPairing | None) -> str:
        if mp is None:
            return "—"
        if not mp.feasible:
            return "impossible"
        return f"affinité totale {format_fr(mp.assignment.total, 2)}"

    def status(self) -> str:
        """French account of the last computation (or what to do)."""
        mp = self.pairing
        if mp is None:
            return "Aucun calcul encore : cliquez sur « Recalculer »."
        if not mp.feasible:
            return "Aucune affectation ne respecte ces réglages : " + " ".join(
                mp.diagnostics
            )
        a = mp.assignment
        if a.status == "optimal":
            how = f"Calcul exact en {_seconds(self.seconds)} : optimum prouvé."
        else:
            how = (
                f"Calcul arrêté en {_seconds(self.seconds)} : écart à l'optimum "
                f"d'au plus {format_percent(a.gap, 1)}."
            )
        text = (
            f"{how} {count_fr(len(a.pairs), 'binôme')} pour "
            f"{count_fr(a.pairs['id_projet'].nunique(), 'projet')} ; affinité "
            f"totale {format_fr(a.total, 2)} ; projet le moins bien servi "
            f"{format_fr(a.worst_project, 2)}."
        )
        if a.uncovered:
            n = len(a.uncovered)
            text += f" Domaines demandés non couverts : {format_fr(n, 0)}."
        return text

    # -- what the app shows --------------------------------------------------
    def proposal_frame(self) -> pd.DataFrame:
        """The last proposal, one row per pair: ``id_projet, projet, id_coach,
        coach, affinite, role, reglage, raisons`` (labels without names in
        public mode; ``reglage`` « imposé » for a forced pair)."""
        columns = "id_projet projet id_coach coach affinite role reglage raisons"
        columns = columns.split()
        if self.pairing is None or not self.pairing.feasible:
            return pd.DataFrame(columns=columns)
        pairs = self.pairing.pairs()
        forced = set(self.pairing.forced)
        return pd.DataFrame(
            {
                "id_projet": pairs["id_projet"],
                "projet": [self.project_label(p) for p in pairs["id_projet"]],
                "id_coach": pairs["id_coach"],
                "coach": [self.coach_label(c) for c in pairs["id_coach"]],
                "affinite": pairs["affinite"].astype(float),
                "role": pairs["referent"].map({True: "référent", False: "coach"}),
                "reglage": [
                    _FORCED if pc in forced else ""
                    for pc in zip(pairs["id_projet"], pairs["id_coach"], strict=True)
                ],
                "raisons": pairs["raisons"],
            },
            columns=columns,
        ).reset_index(drop=True)

    def log_frame(self) -> pd.DataFrame:
        """The change log (``heure, changement, avant, apres``)."""
        return pd.DataFrame(
            [c.record() for c in self.log],
            columns=["heure", "changement", "avant", "apres"],
        )

    # -- freeze and reopen ---------------------------------------------------
    def _input_files(self) -> dict:
        return {
            what: {"fichier": res.path.name, "sha256": file_sha256(res.path)}
            for what, res in (
                ("coachs", self.inputs.coachs),
                ("projets", self.inputs.projets),
            )
        }

    def frozen_pairs(self) -> list[tuple[str, str]]:
        """The pairs of the last proposal (project, coach), in its order."""
        if self.pairing is None or not self.pairing.feasible:
            return []
        frame = self.pairing.assignment.pairs
        return list(zip(frame["id_projet"], frame["id_coach"], strict=True))

    def to_settings(self) -> dict:
        """What ``reglages.json`` holds (ids only, never a name)."""
        return {
            "format": _FORMAT,
            "marathon": self.marathon,
            "coachs_par_projet": list(self.per_project),
            "mode": self.mode,
            "binomes_imposes": [list(pc) for pc in self.forced],
            "binomes_interdits": [list(pc) for pc in self.forbidden],
            "capacites": dict(self.capacities),
            "version": "publique" if self.public else "interne",
            "fichiers_entree": self._input_files(),
            "binomes_figes": [list(pc) for pc in self.frozen_pairs()],
            "journal": [c.record() for c in self.log],
        }

    def freeze(self, folder: Path | str) -> Path:
        """Write the final pairs in a new dated sub-folder of *folder*.

        The settings are computed again first if they changed. Returns the
        sub-folder ``binomes_<marathon>_AAAA-MM-JJ_HHhMM`` (``_2``, ``_3``…
        when one of that minute exists).

        Raises
        ------
        OptionError
            No pairing respects the settings (the diagnosis is in the message).
        OutputError, PrivacyError
            Folder not writable; a public freeze would hold a personal value.
        """
        from mitlib.binomes.writing import write_pairing_outputs
        from mitlib.data.privacy import personal_values

        if self.stale or self.pairing is None:
            self.recompute()
        if not self.pairing.feasible:
            raise OptionError(
                "Rien n'est figé : aucune affectation ne respecte ces réglages. "
                + " ".join(self.pairing.diagnostics)
            )
        stamp = self.clock()
        base = (
            Path(folder) / f"binomes_{safe_name(self.marathon)}_{stamp:%Y-%m-%d_%Hh%M}"
        )
        target, n = base, 1
        while target.exists():
            n += 1
            target = base.with_name(f"{base.name}_{n}")
        self.log.append(Change(stamp, "binômes figés", "—", target.name))
        tables = {
            "coachs": self.inputs.coachs.path,
            "projets": self.inputs.projets.path,
        }
        result = PairingResult(self.inputs, [self.pairing], filtered=True)
        try:
            with OutputFolder(
                target,
                public=self.public,
                personal=personal_values(tables) if self.public else (),
                command=COMMAND,
            ) as out:
                write_pairing_outputs(result, out.staging, public=self.public)
                write_csv(self.log_frame(), out.staging / JOURNAL_FILE)
                settings = json.dumps(self.to_settings(), ensure_ascii=False, indent=1)
                (out.staging / SETTINGS_FILE).write_text(settings + "\n", "utf-8")
        except BaseException:
            self.log.pop()
            raise
        return target

    @classmethod
    def reopen(
        cls,
        folder: Path | str,
        inputs: PairingInputs | None = None,
        *,
        public: bool | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> PairingWorkshop:
        """The workshop of a frozen folder, computed again, its log
        continued; *inputs* default to the bundled sample. A note in
        :attr:`warnings` says when the input files changed since."""
        folder = Path(folder)
        path = folder / SETTINGS_FILE
        try:
            saved = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise InputError(
                f"{folder} n'est pas un dossier de binômes figés : {SETTINGS_FILE} "
                "y manque (choisissez le dossier binomes_… daté)."
            ) from None
        except (OSError, ValueError) as exc:
            raise InputError(f"{path} est illisible : {exc}.") from None
        if not isinstance(saved, dict) or saved.get("format") != _FORMAT:
            raise InputError(
                f"{path} n'a pas été écrit par l'atelier des binômes ({_FORMAT})."
            )
        inputs = inputs or load_pairing_inputs()
        if public is None:
            public = saved.get("version") == "publique"
        try:
            ws = cls(
                inputs,
                saved["marathon"],
                public=public,
                per_project=tuple(saved["coachs_par_projet"]),
                mode=saved["mode"],
                clock=clock,
            )
            for pid, cid in saved["binomes_imposes"]:
                ws.forced.append(ws._check_pair(pid, cid))
            for pid, cid in saved["binomes_interdits"]:
                ws.forbidden.append(ws._check_pair(pid, cid))
            for cid, value in saved["capacites"].items():
                ws.set_capacity(cid, value)
            log = [
                Change(
                    datetime.fromisoformat(r["heure"]),
                    r["changement"],
                    r["avant"],
                    r["apres"],
                )
                for r in saved["journal"]
            ]
        except MitError as exc:
            raise type(exc)(f"{path} : {exc}") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"{path} est incomplet ou abîmé ({type(exc).__name__} : {exc})."
            ) from None
        ws.log = log
        now = ws._input_files()
        changed = [
            info["fichier"]
            for what, info in saved.get("fichiers_entree", {}).items()
            if now.get(what, {}).get("sha256") != info.get("sha256")
        ]
        if changed:
            ws.warnings.append(
                "Attention : les fichiers d'entrée ont changé depuis que ces "
                f"binômes ont été figés ({', '.join(changed)}) : la proposition "
                "recalculée peut différer."
            )
        ws._note("reprise", "—", folder.name)
        ws.recompute()
        frozen = [tuple(pc) for pc in saved.get("binomes_figes", [])]
        if frozen and frozen != ws.frozen_pairs():
            ws.warnings.append(
                "Attention : recalculée, la proposition diffère des binômes figés "
                f"dans {folder.name} ; ceux-ci restent dans ce dossier."
            )
        return ws


def reopen(
    folder: Path | str, inputs: PairingInputs | None = None, **kwargs
) -> PairingWorkshop:
    """:meth:`PairingWorkshop.reopen`."""
    return PairingWorkshop.reopen(folder, inputs, **kwargs)
