"""The plan of one marathon: premises, coach visits, jury (issue 12).

:func:`build_plan` closes the loop from the diagnosis to the event: the
teams (the marathon's projects) go to vacant premises of the host commune
(:func:`~mitlib.planning.premises.assign_premises`), the pairs of the
matchmaking get their sessions on the timetable
(:func:`~mitlib.planning.visits.schedule_visits`, walking times between the
premises used) and the teams pitch in an order drawn by lot, with the
break rule of the event file.

A team left without premises (not enough room in the host commune) is
planned at the welcome point, said in the diagnosis, until a premises is
found among :attr:`PremisesPlan.suggestions`.

:meth:`MarathonPlan.move` moves one session by hand and gives a new plan
whose :meth:`~MarathonPlan.check` re-verifies every constraint: what the
organisers do in the notebook ``05_planning``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd

from mitlib.binomes.inputs import cell_text
from mitlib.core.errors import OptionError
from mitlib.core.text import count_fr, fold, format_fr
from mitlib.data.territory import LAMBERT93, WGS84
from mitlib.planning.event import DAYS, Event
from mitlib.planning.plan_inputs import PlanInputs, coach_windows, resolve_host
from mitlib.planning.premises import (
    DETOUR,
    PremisesPlan,
    assign_premises,
    walking_minutes,
)
from mitlib.planning.visits import VisitPlan, schedule_visits

__all__ = [
    "SESSION_COLUMNS",
    "PUBLIC_SESSION_COLUMNS",
    "WELCOME",
    "MarathonPlan",
    "build_plan",
    "jury_schedule",
]

#: Where a team without premises waits for one.
WELCOME = "accueil"
#: Columns of :meth:`MarathonPlan.sessions_table`, then the public ones.
SESSION_COLUMNS = [
    "jour", "date", "debut", "fin", "equipe", "projet", "porteur", "coach",
    "nom_coach", "organisation", "type_coach", "local", "adresse", "seance",
]  # fmt: skip
PUBLIC_SESSION_COLUMNS = [
    c for c in SESSION_COLUMNS if c not in {"porteur", "nom_coach"}
]
_JURY_COLUMNS = ["ordre", "equipe", "projet", "jour", "debut", "fin"]


@dataclass
class MarathonPlan:
    """The plan of a marathon (module docstring).

    Attributes
    ----------
    inputs : PlanInputs
    host, host_name : str
        The host commune (INSEE code, name).
    premises : PremisesPlan
    visits : VisitPlan
    jury : pandas.DataFrame
        Pitches and breaks in order: ``ordre`` (0 for a break), ``equipe``,
        ``projet``, ``jour``, ``debut``, ``fin`` (« 18:10 »).
    team_premises : dict
        Team → premises id (:data:`WELCOME` when none was found).
    problems : pandas.DataFrame
        Input cells that could not be used (file, line, column, value, reason).
    moved : list of str
        Sessions moved by hand (:meth:`move`), in French.
    """

    inputs: PlanInputs
    host: str
    host_name: str
    premises: PremisesPlan
    visits: VisitPlan
    jury: pd.DataFrame
    team_premises: dict[str, str]
    problems: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    #: Walking minutes between the premises used and :data:`WELCOME`, as
    #: the solver used them (one direction each; see :meth:`walk_minutes`).
    walks: dict[tuple[str, str], float] = field(default_factory=dict)

    def walk_minutes(self) -> dict[tuple[str, str], float]:
        """Walking minutes between the premises used and the welcome point,
        both ways."""
        out = dict(self.walks)
        out.update({(b, a): m for (a, b), m in self.walks.items()})
        return out

    @property
    def event(self) -> Event:
        return self.inputs.event

    @property
    def marathon(self) -> str:
        return self.inputs.marathon

    @property
    def fictional(self) -> bool:
        return self.inputs.fictional

    @property
    def teams(self) -> list[str]:
        return list(self.inputs.teams.index)

    def title(self, team: str) -> str:
        """The project's title of *team* (public)."""
        return cell_text(self.inputs.teams.at[team, "titre"])

    def premises_label(self, premises: str) -> str:
        """« L-004, 12 rue … » or « point d'accueil »."""
        if premises == WELCOME:
            return "point d'accueil (en attente d'un local)"
        row = self.premises.premises.set_index("local").loc[premises]
        address = cell_text(row["adresse"])
        return f"{premises}, {address}" if address else premises

    # ------------------------------------------------------------ tables

    def sessions_table(self, *, public: bool = False) -> pd.DataFrame:
        """One row per session, by time (:data:`SESSION_COLUMNS`).

        *public*: :data:`PUBLIC_SESSION_COLUMNS` only (no names).
        """
        teams, coaches = self.inputs.teams, self.inputs.coaches
        used = self.premises.premises.set_index("local")
        rows = []
        for s in self.visits.sessions.itertuples():
            start = self.event.slot_start(s.debut)
            place = self.team_premises[s.equipe]
            coach = coaches.loc[s.coach]
            rows.append(
                {
                    "jour": s.heure_debut.split()[0],
                    "date": f"{start:%d/%m/%Y}",
                    "debut": f"{start:%H:%M}",
                    "fin": f"{self.event.slot_start(s.fin):%H:%M}",
                    "equipe": s.equipe,
                    "projet": cell_text(teams.at[s.equipe, "titre"]),
                    "porteur": cell_text(teams.at[s.equipe, "porteur"]),
                    "coach": s.coach,
                    "nom_coach": cell_text(coach.get("nom", "")),
                    "organisation": cell_text(coach.get("organisation", "")),
                    "type_coach": cell_text(coach.get("type_coach", "")),
                    "local": place,
                    "adresse": (
                        cell_text(used.at[place, "adresse"])
                        if place in used.index
                        else "point d'accueil"
                    ),
                    "seance": int(s.seance),
                }
            )
        frame = pd.DataFrame(rows, columns=SESSION_COLUMNS)
        return frame[PUBLIC_SESSION_COLUMNS] if public else frame

    # ------------------------------------------------------------ checks

    def check(self) -> list[str]:
        """Every constraint re-verified; French violations (empty: all hold).

        Sessions (:meth:`VisitPlan.check`: work hours, blocks, coach's hours,
        no double booking, walking time), premises (no more teams than the
        surface allows), jury (inside the event).
        """
        errors = self.visits.check()
        placed = self.premises.assignment.groupby("local").size()
        capacity = self.premises.premises.set_index("local")["capacite"]
        for premises, n in placed.items():
            if n > capacity.get(premises, 0):
                errors.append(
                    f"{premises} : {format_fr(n, 0)} équipes pour une place de "
                    f"{format_fr(capacity.get(premises, 0), 0)}"
                )
        if len(self.jury) and self.event.jury is not None:
            end = self.event.jury.start + timedelta(
                minutes=self.event.jury.duration_minutes(len(self.teams))
            )
            if end > self.event.end:
                errors.append(
                    f"Jury : le dernier pitch finit à {end:%H:%M}, après la fin "
                    "du marathon"
                )
        return errors

    def move(self, team: str, coach: str, start, *, seance: int = 1) -> MarathonPlan:
        """A new plan where session *seance* of (*team*, *coach*) starts at
        *start* (« sam 09:00 », a ``datetime`` or a slot number).

        Nothing is checked here: call :meth:`check` on the result. An
        unplaced session can be placed this way.
        """
        pair = (str(team), str(coach))
        if pair not in set(self.visits.pairs):
            raise OptionError(f"Binôme inconnu : {team} – {coach}.")
        slot = self._slot(start)
        length = self.event.session_slots
        sessions = self.visits.sessions.copy()
        hit = (
            (sessions["equipe"] == pair[0])
            & (sessions["coach"] == pair[1])
            & (sessions["seance"] == seance)
        )
        row = {
            "equipe": pair[0],
            "coach": pair[1],
            "local": self.team_premises[pair[0]],
            "seance": seance,
            "debut": slot,
            "fin": slot + length,
            "heure_debut": self.event.slot_label(slot),
            "heure_fin": self.event.slot_label(min(slot + length, self.event.n_slots))
            if slot + length < self.event.n_slots
            else f"{self.event.end:%H:%M}",
        }
        if hit.any():
            before = sessions.loc[hit, "heure_debut"].iloc[0]
            sessions = sessions[~hit]
            what = (
                f"{team} – {coach} : séance déplacée de {before} à {row['heure_debut']}"
            )
        else:
            what = f"{team} – {coach} : séance ajoutée à {row['heure_debut']}"
        sessions = pd.concat([sessions, pd.DataFrame([row])], ignore_index=True)
        sessions = sessions.sort_values(["debut", "equipe", "coach"]).reset_index(
            drop=True
        )
        counts = sessions.groupby(["equipe", "coach"]).size()
        unplaced = self.visits.unplaced
        still = [
            counts.get((r.equipe, r.coach), 0) < self.visits.sessions_per_pair
            for r in unplaced.itertuples()
        ]
        visits = replace(
            self.visits,
            sessions=sessions[self.visits.sessions.columns],
            unplaced=unplaced[still].reset_index(drop=True),
        )
        return replace(self, visits=visits, moved=[*self.moved, what])

    def _slot(self, start) -> int:
        ev = self.event
        if isinstance(start, int | np.integer) and not isinstance(start, bool):
            slot = int(start)
        elif isinstance(start, datetime):
            minutes = ev.minutes(start)
            if minutes % ev.step_minutes:
                raise OptionError(
                    f"{start:%H:%M} n'est pas sur la grille de {ev.step_minutes} min."
                )
            slot = int(minutes // ev.step_minutes)
        else:
            words = fold(str(start)).split()
            labels = {ev.slot_label(i): i for i in range(ev.n_slots)}
            key = f"{words[0][:3]} {words[-1]}" if len(words) == 2 else ""
            if key not in labels:
                raise OptionError(
                    f"« {start} » : début attendu comme « sam 09:00 », sur la "
                    f"grille de {ev.step_minutes} min, pendant le marathon "
                    f"({ev.span_label()})."
                )
            slot = labels[key]
        if not 0 <= slot <= ev.n_slots - ev.session_slots:
            raise OptionError(f"Créneau {slot} : la séance sortirait du marathon.")
        return slot

    # ------------------------------------------------------------ text

    def summary(self, *, timing: bool = False) -> str:
        """The plan in French sentences (*timing*: with the solver's seconds,
        which change from run to run)."""
        parts = [
            f"Marathon {self.marathon} à {self.host_name}, "
            f"{self.event.span_label()} : "
            f"{count_fr(len(self.teams), 'équipe', 'équipes')}, "
            f"{count_fr(len(self.visits.pairs), 'binôme', 'binômes')}.",
            self.premises.summary(),
            self.visits.summary(timing=timing),
        ]
        if len(self.jury):
            pitches = self.jury[self.jury["ordre"] > 0]
            parts.append(
                f"Jury : {count_fr(len(pitches), 'pitch', 'pitchs')} de "
                f"{pitches['jour'].iloc[0]} {pitches['debut'].iloc[0]} à "
                f"{pitches['fin'].iloc[-1]}, ordre tiré au sort."
            )
        if len(self.problems):
            bad = count_fr(
                len(self.problems), "cellule illisible", "cellules illisibles"
            )
            parts.append(f"{bad} dans les fichiers (voir problemes.csv).")
        return " ".join(parts)


def build_plan(
    inputs: PlanInputs,
    *,
    host: str | None = None,
    seconds: float = 10,
    territory=None,
) -> MarathonPlan:
    """Plan one marathon from its inputs (module docstring).

    Parameters
    ----------
    inputs : PlanInputs
        From :func:`~mitlib.planning.plan_inputs.load_plan_inputs`.
    host : str, optional
        Host commune (name or INSEE code); default: the event file's.
    seconds : float
        Deterministic budget of the session solver (OR-Tools work units).
    """
    if territory is None:
        from mitlib.data.territory import load_territory

        territory = load_territory()
    event = inputs.event
    code = resolve_host(host if host is not None else event.host, territory)
    teams = list(inputs.teams.index)
    welcome = None if event.welcome is None else event.welcome[::-1]
    premises = assign_premises(
        inputs.locaux,
        code,
        teams,
        surface_per_team=event.surface_per_team,
        welcome=welcome,
        territory=territory,
    )
    where = dict(
        zip(premises.assignment["equipe"], premises.assignment["local"], strict=True)
    )
    team_premises = {t: where.get(t, WELCOME) for t in teams}
    walks = _walks(inputs, premises)
    masks, problems = coach_windows(inputs)
    pairs = list(inputs.pairs[["equipe", "coach"]].itertuples(index=False, name=None))
    visits = schedule_visits(
        event,
        pairs,
        coach_windows=masks,
        team_premises=team_premises,
        walk_minutes=walks,
        sessions_per_pair=event.sessions_per_pair,
        seconds=seconds,
    )
    titles = {t: cell_text(inputs.teams.at[t, "titre"]) for t in teams}
    plan = MarathonPlan(
        inputs=inputs,
        host=code,
        host_name=premises.host_name,
        premises=premises,
        visits=visits,
        jury=jury_schedule(event, teams, titles),
        team_premises=team_premises,
        problems=problems,
        warnings=list(event.warnings) + list(inputs.warnings),
        walks=walks,
    )
    for team in premises.unplaced:
        plan.warnings.append(
            f"L'équipe {team} n'a pas de local : ses séances sont prévues au "
            "point d'accueil en attendant (voir les locaux à solliciter)."
        )
    return plan


def _walks(inputs: PlanInputs, premises: PremisesPlan) -> dict:
    """Walking minutes between the premises used and the welcome point."""
    used = list(premises.premises["local"])
    walks = {
        (WELCOME, p): float(m)
        for p, m in zip(used, premises.premises["minutes_accueil"], strict=True)
    }
    frame = inputs.locaux.data
    sub = frame[frame["id"].map(cell_text).isin(used)]
    geo = gpd.GeoSeries(sub.geometry, crs=sub.crs or WGS84).to_crs(LAMBERT93)
    xy = dict(
        zip(sub["id"].map(cell_text), zip(geo.x, geo.y, strict=True), strict=True)
    )
    for i, a in enumerate(used):
        for b in used[i + 1 :]:
            metres = round(float(np.hypot(*np.subtract(xy[a], xy[b]))) * DETOUR)
            walks[a, b] = walking_minutes(metres)
    return walks


def jury_schedule(
    event: Event, teams: list[str], titles: dict[str, str]
) -> pd.DataFrame:
    """Pitches in an order drawn by lot, with the break rule of the event.

    The draw is reproducible: its seed is the marathon id, so that the same
    teams always pitch in the same order. No jury in the event: empty.
    """
    jury = event.jury
    if jury is None or not teams:
        return pd.DataFrame(columns=_JURY_COLUMNS)
    seed = int.from_bytes(hashlib.sha256(event.marathon.encode()).digest()[:8], "big")
    order = list(np.random.default_rng(seed).permutation(sorted(teams)))
    rows, moment = [], jury.start
    for k, team in enumerate(order):
        if k and jury.break_every and k % jury.break_every == 0 and jury.break_minutes:
            end = moment + timedelta(minutes=jury.break_minutes)
            rows.append(
                (0, "", "Pause", _day(moment), f"{moment:%H:%M}", f"{end:%H:%M}")
            )
            moment = end
        end = moment + timedelta(minutes=jury.pitch_minutes)
        rows.append(
            (
                k + 1,
                team,
                titles.get(team, team),
                _day(moment),
                f"{moment:%H:%M}",
                f"{end:%H:%M}",
            )
        )
        moment = end
    return pd.DataFrame(rows, columns=_JURY_COLUMNS)


def _day(moment: datetime) -> str:
    return DAYS[moment.weekday()]
