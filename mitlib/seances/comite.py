"""``mit seance comite``: the state of the comité's session, without widgets.

A :class:`CommitteeSession` holds what the comité changes during its
meeting, on top of the inputs of
:func:`mitlib.candidatures.inputs.load_candidacies`:

* the weights of the scored criteria (only their ratios count);
* each eliminatory rule applied or lifted, never without a written reason;
* manual overrides of the proposed host of an EPCI, each with its
  justification (the commune must be an eligible candidacy of that EPCI);
* the log of every change: time, what, old → new value, reason.

Every change runs :func:`mitlib.candidatures.proposal.analyse` again
without the Monte Carlo part, and is refused (French, nothing changed) when
the new state cannot be analysed; its duration is
:attr:`~CommitteeSession.seconds` (about 0,2 s on the sample). The
robustness is computed on demand (:meth:`~CommitteeSession.robustness`) and
when the decision is frozen. :meth:`~CommitteeSession.freeze` writes the
dated folder ``decision_AAAA-MM-JJ_HHhMM``
(:func:`mitlib.seances.comite_decision.write_decision`: procès-verbal XLSX
and PDF, ``grille_finale.yaml``, ``journal.csv``, ``derogations.csv``,
``empreintes.csv``, ``decision.json``…); :meth:`~CommitteeSession.reopen`
rebuilds exactly that state from the folder, after checking that no input
file changed since.

Examples
--------
>>> from datetime import datetime
>>> from mitlib.candidatures.inputs import load_candidacies
>>> s = CommitteeSession(load_candidacies(), clock=lambda: datetime(2025, 3, 12))
>>> s.set_weight("vacance", 5, "priorité à la vacance")
True
>>> s.log[0].ancienne_valeur, s.log[0].nouvelle_valeur, s.log[0].heure
('3', '5', '2025-03-12T00:00:00')
>>> s.set_rule("capacite", False, "")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
mitlib.core.errors.OptionError: Écrivez le motif avant de lever la règle ...
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pandas as pd

from mitlib.candidatures.calendar import schedule
from mitlib.candidatures.grid import Grid
from mitlib.candidatures.inputs import CandidacyInputs
from mitlib.candidatures.proposal import CandidacyAnalysis, analyse
from mitlib.core.errors import InputError, OptionError
from mitlib.core.provenance import file_sha256
from mitlib.seances.comite_decision import (
    check_reopened,
    decision_warnings,
    find_files,
    load_inputs,
    read_decision,
    weight_text,
    write_decision,
)

__all__ = [
    "Change",
    "CommitteeSession",
    "Override",
    "weight_text",
]

APPLIED, LIFTED = "appliquée", "levée"


@dataclass(frozen=True)
class Change:
    """One line of the session's log (every field is text)."""

    heure: str  # ISO date and time, to the second
    type: str  # « poids », « règle », « dérogation »
    objet: str  # what changed, in French (criterion label, EPCI name)
    cle: str  # criterion key or EPCI SIREN
    ancienne_valeur: str
    nouvelle_valeur: str
    motif: str


@dataclass(frozen=True)
class Override:
    """The comité's own choice of host for an EPCI, and why."""

    epci: str
    commune: str
    justification: str
    heure: str


class CommitteeSession:
    """What the comité changes during its meeting, and the analysis it gives.

    Parameters
    ----------
    inputs : CandidacyInputs
        The candidacies, the grid as published and the diagnosis.
    donnees : Path, optional
        The data folder (None: the bundled sample), recorded in the decision.
    public : bool
        A public session: the decision folder is searched for personal values.
    clock : callable, optional
        Returns the current local time (tests pass a fixed one).
    """

    def __init__(
        self,
        inputs: CandidacyInputs,
        *,
        donnees: Path | None = None,
        public: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.inputs = inputs
        self.base = inputs.grid
        self.donnees = None if donnees is None else Path(donnees).absolute()
        self.public = public
        self.clock = clock or (lambda: datetime.now().replace(microsecond=0))
        self.labels = {c.key: c.label for c in self.base.criteria}
        self.weights = {c.key: c.weight for c in self.base.criteria if c.weight > 0}
        self.rules = {
            c.key: (True, "") for c in self.base.criteria if c.elimination is not None
        }
        self.overrides: dict[str, Override] = {}
        self.log: list[Change] = []
        self.files = self._input_files()
        self.frozen: dict | None = None  # the manifest of a frozen decision
        self._robust: tuple[str, CandidacyAnalysis] | None = None
        self.recompute()
        self.reference = self.analysis  # with the published grid

    # -- opening ----------------------------------------------------------

    @classmethod
    def open(
        cls,
        donnees: Path | str | None = None,
        grille: Path | str | None = None,
        **kwargs,
    ) -> CommitteeSession:
        """A new session on the tables of *donnees* (None: the sample).

        The folder must hold ``candidatures``, ``locaux``, ``acteurs`` and
        ``evenements`` (like ``mit exporter --donnees``) and, without
        *grille*, ``grille.yaml``.
        """
        inputs = load_inputs(find_files(donnees, grille))
        return cls(inputs, donnees=None if donnees is None else Path(donnees), **kwargs)

    def _input_files(self) -> dict[str, tuple[Path, str]]:
        """Role → (absolute path, SHA-256) of every input file."""
        inputs = self.inputs
        files = {
            "grille": (Path(inputs.grid_path).absolute(), inputs.grid_sha256),
            "candidatures": (
                Path(inputs.candidacies_path).absolute(),
                inputs.candidacies_sha256,
            ),
        }
        for table, res in inputs.diagnosis.inputs.items():
            files[table] = (Path(res.path).absolute(), file_sha256(res.path))
        return files

    # -- the current state ------------------------------------------------

    @property
    def grid(self) -> Grid:
        """The grid with the current weights and only the applied rules."""
        return _grid(self.base, self.weights, self.rules)

    @property
    def weights_changed(self) -> bool:
        return any(self.base.criterion(k).weight != w for k, w in self.weights.items())

    @property
    def read_only(self) -> bool:
        """A frozen (or reopened) decision is not changed any more."""
        return self.frozen is not None

    def epci_name(self, siren: str) -> str:
        table = self.inputs.table
        names = table.loc[table["epci_siren"] == siren, "epci_nom"]
        return str(names.iloc[0]) if len(names) else str(siren)

    def commune_name(self, code: str) -> str:
        return str(self.inputs.table.at[code, "commune"])

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def _record(self, kind: str, key: str, old: str, new: str, reason: str) -> None:
        subject = self.epci_name(key) if kind == "dérogation" else self.labels[key]
        change = Change(self._now(), kind, subject, key, old, new, reason.strip())
        self.log.append(change)

    def _writable(self) -> None:
        if self.read_only:
            raise OptionError(
                "La décision est arrêtée : elle ne peut plus être modifiée. Ouvrez "
                "une nouvelle séance pour délibérer à nouveau."
            )

    # -- changes ----------------------------------------------------------

    def set_weight(self, key: str, value: float, reason: str = "") -> bool:
        """Give criterion *key* the weight *value*; False when unchanged.

        Raises
        ------
        OptionError
            Unknown criterion, a weight that is not a number ≥ 0, or every
            weight at 0 (French; the weight is left unchanged).
        """
        self._writable()
        if key not in self.weights:
            raise OptionError(
                f"Critère sans poids réglable : « {key} ». Critères pondérés : "
                f"{', '.join(self.labels[k] for k in self.weights)}."
            )
        value = float(value)
        if not math.isfinite(value) or value < 0:
            raise OptionError(f"Poids de « {self.labels[key]} » : nombre ≥ 0 attendu.")
        old = self.weights[key]
        if value == old:
            return False
        self._commit({**self.weights, key: value}, self.rules)
        self._record("poids", key, weight_text(old), weight_text(value), reason)
        return True

    def reset_weights(self, reason: str = "retour aux poids de la grille") -> int:
        """Every weight back to the grid's (one log line each); how many changed."""
        self._writable()
        old = dict(self.weights)
        self._commit({k: self.base.criterion(k).weight for k in old}, self.rules)
        changed = [k for k, w in old.items() if w != self.weights[k]]
        for k in changed:
            self._record(
                "poids", k, weight_text(old[k]), weight_text(self.weights[k]), reason
            )
        return len(changed)

    def set_rule(self, key: str, applied: bool, reason: str) -> None:
        """Apply or lift the eliminatory rule of *key*, with a written reason.

        Raises
        ------
        OptionError
            No reason written, or no such rule (French; nothing changes).
        """
        self._writable()
        if key not in self.rules:
            raise OptionError(f"Aucune règle éliminatoire pour « {key} ».")
        verb = "rétablir" if applied else "lever"
        if not reason or not reason.strip():
            raise OptionError(
                f"Écrivez le motif avant de {verb} la règle « {self.labels[key]} » : "
                "il figurera au procès-verbal."
            )
        was = self.rules[key][0]
        if was == bool(applied):
            state = APPLIED if was else LIFTED
            raise OptionError(f"La règle « {self.labels[key]} » est déjà {state}.")
        self._commit(self.weights, {**self.rules, key: (bool(applied), reason.strip())})
        states = (LIFTED, APPLIED)
        self._record("règle", key, states[was], states[bool(applied)], reason)

    def eligible_hosts(self, epci: str) -> list[str]:
        """Eligible candidacies of *epci* (current rules), best note first."""
        t = self.analysis.result.table
        table = self.inputs.table
        codes = [
            c for c in self.analysis.result.ranking if table.at[c, "epci_siren"] == epci
        ]
        return [c for c in codes if bool(t.at[c, "eligible"])]

    def override(self, epci: str, commune: str, justification: str) -> None:
        """Host *commune* for *epci* instead of the proposed one.

        Raises
        ------
        OptionError
            No justification, an EPCI without proposal, a commune that is not
            an eligible candidacy of the EPCI, or the proposed host itself.
        """
        self._writable()
        epci, commune = str(epci), str(commune)
        proposal = self.analysis.proposal
        if proposal is None or epci not in proposal.table.index:
            raise OptionError(
                f"Pas de proposition pour l'EPCI {self.epci_name(epci)} : aucune "
                "commune à remplacer."
            )
        name = self.epci_name(epci)
        if commune not in self.eligible_hosts(epci):
            who = (
                f"{self.commune_name(commune)} ({commune})"
                if commune in self.inputs.table.index
                else f"« {commune} »"
            )
            motive = ""
            if commune in self.inputs.table.index:
                motive = str(self.analysis.result.table.at[commune, "motif_exclusion"])
            raise OptionError(
                f"{who} n'est pas une candidature éligible de {name}"
                + (f" ({motive})" if motive else "")
                + ". Candidatures éligibles : "
                + ", ".join(self.commune_name(c) for c in self.eligible_hosts(epci))
                + "."
            )
        if not justification or not justification.strip():
            raise OptionError(
                "Écrivez la justification avant de retenir "
                f"{self.commune_name(commune)} pour {name} : elle figurera au "
                "procès-verbal."
            )
        proposed = str(proposal.table.at[epci, "code_insee"])
        if commune == proposed:
            raise OptionError(
                f"{self.commune_name(commune)} est déjà la commune proposée pour "
                f"{name} : aucune dérogation n'est nécessaire."
            )
        previous = self.overrides.get(epci)
        old = (
            self.commune_name(previous.commune)
            if previous
            else f"{self.commune_name(proposed)} (proposée)"
        )
        self.overrides[epci] = Override(
            epci, commune, justification.strip(), self._now()
        )
        self._record("dérogation", epci, old, self.commune_name(commune), justification)

    def remove_override(self, epci: str, reason: str = "dérogation retirée") -> None:
        """Come back to the proposed host of *epci*."""
        self._writable()
        previous = self.overrides.pop(str(epci), None)
        if previous is None:
            raise OptionError(f"Aucune dérogation pour {self.epci_name(epci)}.")
        old = self.commune_name(previous.commune)
        self._record("dérogation", str(epci), old, "commune proposée", reason)

    # -- computing ----------------------------------------------------------

    def _commit(self, weights: dict, rules: dict) -> None:
        """Take *weights* and *rules* if they can be analysed (else a French
        :class:`OptionError`, and nothing changes)."""
        start = time.perf_counter()
        try:
            analysis = analyse(
                self.inputs, _grid(self.base, weights, rules), robustness=False
            )
        except InputError as exc:
            message = str(exc).removeprefix("Grille : ")
            raise OptionError(f"Changement refusé : {message}") from None
        self.weights, self.rules = dict(weights), dict(rules)
        self.analysis, self.seconds = analysis, time.perf_counter() - start

    def recompute(self) -> CandidacyAnalysis:
        """The analysis of the current state, without the Monte Carlo part;
        its duration in :attr:`seconds`."""
        start = time.perf_counter()
        self.analysis = analyse(self.inputs, self.grid, robustness=False)
        self.seconds = time.perf_counter() - start
        return self.analysis

    def robustness(self) -> CandidacyAnalysis:
        """The analysis with its robustness (computed once per grid)."""
        grid = self.grid
        key = grid.sha256()
        if self._robust is None or self._robust[0] != key:
            self._robust = (key, analyse(self.inputs, grid, robustness=True))
        return self._robust[1]

    @property
    def robustness_ready(self) -> bool:
        return self._robust is not None and self._robust[0] == self.grid.sha256()

    def override_problems(self) -> list[str]:
        """Overrides that the current weights and rules make impossible."""
        problems = []
        proposal = self.analysis.proposal
        for epci, o in self.overrides.items():
            name = self.epci_name(epci)
            if proposal is None or epci not in proposal.table.index:
                problems.append(f"{name} : plus de proposition à remplacer.")
            elif o.commune not in self.eligible_hosts(epci):
                problems.append(
                    f"{name} : {self.commune_name(o.commune)} n'est plus une "
                    "candidature éligible (règles ou poids changés) ; retirez la "
                    "dérogation."
                )
        return problems

    def decision(self) -> tuple[pd.DataFrame, list[str]]:
        """The attribution decided (the proposal with the overrides) and
        French warnings about it (a host under the minimum note, a required
        label missing, an unranked theme, a calendar impossible).

        Columns: ``epci_siren``, ``epci_nom``, ``code_insee``, ``commune``,
        ``theme``, ``periode``, ``note_sur_20``, ``rang_theme``,
        ``derogation`` (oui/non), ``commune_proposee``,
        ``nom_commune_proposee``; in calendar order.
        """
        a = self.analysis
        if a.proposal is None:
            return pd.DataFrame(columns=_DECISION_COLUMNS), []
        notes = a.result.table["note_sur_20"]
        rows = []
        for epci, row in a.proposal.table.iterrows():
            proposed = str(row["code_insee"])
            o = self.overrides.get(str(epci))
            host = o.commune if o is not None else proposed
            theme = row["theme"]
            rows.append(
                {
                    "epci_siren": str(epci),
                    "epci_nom": self.epci_name(epci),
                    "code_insee": host,
                    "commune": self.commune_name(host),
                    "theme": theme,
                    "note_sur_20": float(notes.get(host, float("nan"))),
                    "rang_theme": self.inputs.preferences.at[host, theme],
                    "derogation": "oui" if host != proposed else "non",
                    "commune_proposee": proposed,
                    "nom_commune_proposee": self.commune_name(proposed),
                }
            )
        out = pd.DataFrame(rows)
        warnings = decision_warnings(self, out)
        if (out["derogation"] == "non").all():
            periods = a.proposal_periods
        else:
            try:
                periods = schedule(
                    list(out["code_insee"]),
                    self.inputs.availability,
                    self.inputs.calendar,
                )
            except ValueError as exc:
                periods = {}
                warnings.append(f"Calendrier de l'attribution retenue : {exc}")
        out.insert(5, "periode", out["code_insee"].map(periods).fillna(""))
        order = {p: i for i, p in enumerate(self.inputs.calendar)}
        out = out.sort_values(
            "periode", key=lambda s: s.map(order).fillna(len(order)), kind="stable"
        )
        return out.reset_index(drop=True)[_DECISION_COLUMNS], warnings

    def problems(self) -> list[str]:
        """Why the decision cannot be frozen now (empty: it can)."""
        out = list(self.override_problems())
        if self.analysis.proposal is None:
            out.insert(
                0,
                f"Aucune attribution possible : {self.analysis.attribution_error}",
            )
        return out

    # -- freezing -----------------------------------------------------------

    def freeze(self, folder: Path | str) -> Path:
        """Write the decision in a new dated sub-folder of *folder*
        (``decision_AAAA-MM-JJ_HHhMM``); its path.

        Raises
        ------
        OptionError
            Nothing can be decided (:meth:`problems`), or an input file changed
            during the session.
        """
        self._writable()
        problems = self.problems()
        if problems:
            raise OptionError(
                "La décision ne peut pas être arrêtée :\n- " + "\n- ".join(problems)
            )
        self.folder, self.frozen = write_decision(self, Path(folder))
        return self.folder

    @classmethod
    def reopen(
        cls,
        folder: Path | str,
        *,
        donnees: Path | str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> CommitteeSession:
        """The session of a frozen decision, exactly as it was frozen.

        Input files are found where they were (or in *donnees*, by name) and
        must have the SHA-256 recorded in ``decision.json``.

        Raises
        ------
        InputError
            Not a decision folder, a file of the decision changed, an input
            file missing or changed since the decision (French).
        """
        folder, data, inputs = read_decision(Path(folder), donnees)
        given = data["donnees"]
        session = cls(
            inputs,
            donnees=None if given is None else Path(given),
            public=bool(data["public"]),
            clock=clock,
        )
        session.weights.update({k: float(v) for k, v in data["poids"].items()})
        for key, rule in data["regles"].items():
            session.rules[key] = (bool(rule["appliquee"]), str(rule["motif"]))
        session.overrides = {o["epci"]: Override(**o) for o in data["derogations"]}
        session.log = [Change(**c) for c in data["journal"]]
        session.recompute()
        check_reopened(session, data, folder)
        session.folder, session.frozen = folder, data
        return session


_DECISION_COLUMNS = [
    "epci_siren",
    "epci_nom",
    "code_insee",
    "commune",
    "theme",
    "periode",
    "note_sur_20",
    "rang_theme",
    "derogation",
    "commune_proposee",
    "nom_commune_proposee",
]


def _grid(base: Grid, weights: dict, rules: dict) -> Grid:
    """*base* with *weights* and without the lifted rules."""
    grid = base.with_weights(weights)
    lifted = {k for k, (applied, _) in rules.items() if not applied}
    criteria = tuple(
        replace(c, elimination=None) if c.key in lifted else c for c in grid.criteria
    )
    return replace(grid, criteria=criteria) if lifted else grid
