"""Coach visits on the timetable of a marathon (issue 12, second block).

:func:`schedule_visits` gives each (team, coach) pair of the pairing
``sessions_per_pair`` sessions of ``event.session_slots`` consecutive slots:

* inside the team's work slots (:attr:`Event.work_slots`: work hours out of
  the blocks) and inside the coach's availability (whole event by default);
* no coach and no team in two sessions at once;
* a coach going from one team's premises to another's has the walking time
  between them (minutes rounded up to whole slots) free between the two
  sessions. The walking times are first closed by shortest paths (a coach
  may walk A → C through B when that is shorter), so that requiring them
  between *every* two sessions of a coach is the same as requiring them
  between consecutive ones.

Objectives, lexicographic, each stage solved with the value of the previous
one fixed:

1. place as many sessions as possible;
2. spread each team's sessions: maximise the sum over the teams of the
   team's smallest gap (free slots between two consecutive sessions),
   capped at ``spread_minutes`` (4 h by default: sessions 4 h apart are
   spread enough; a team with fewer than two sessions counts the cap);
3. minimise the coaches' idle time: the sum over the coaches of the slots
   between the start of their first session and the end of their last that
   are not in a session (walking included).

The model is a CP-SAT model (OR-Tools): one optional interval per session,
``AddNoOverlap`` per coach and per team, one ordering literal per two
sessions of a team (the gaps) and per two sessions of a coach at premises
apart (the walking). It is deterministic: one worker, a fixed seed, and a
*deterministic* time budget (OR-Tools' work units) shared by the stages,
so that a given input always gives the same plan. When a limit stops
a stage the plan says ``gap`` with the relative gap of that stage.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mitlib.core.errors import OptionError
from mitlib.core.text import count_fr, format_fr
from mitlib.planning.event import Event
from mitlib.planning.visit_model import (
    checked_pairs,
    coach_mask,
    feasible_starts,
    runs,
    runs_text,
    walk_slots,
)

__all__ = ["OPTIMAL", "GAP", "VisitPlan", "schedule_visits"]

OPTIMAL, GAP = "optimal", "gap"
#: Seed of the solver (results are reproducible).
SEED = 12
#: Default cap of a team's smallest gap (minutes).
SPREAD_MINUTES = 240
_SESSION_COLUMNS = ["equipe", "coach", "local", "seance", "debut", "fin"]
_SESSION_COLUMNS += ["heure_debut", "heure_fin"]


@dataclass
class Stage:
    """One objective solved: value found, best bound, status, seconds."""

    name: str
    value: float
    bound: float
    status: str
    seconds: float

    @property
    def gap(self) -> float:
        """Relative gap |bound − value| / max(1, |value|) (0 when optimal)."""
        return abs(self.bound - self.value) / max(1.0, abs(self.value))


@dataclass
class VisitPlan:
    """The coaches' sessions with the teams.

    Attributes
    ----------
    sessions : pandas.DataFrame
        One row per session, by start: ``equipe``, ``coach``, ``local``,
        ``seance`` (1, 2… within the pair), ``debut`` and ``fin`` (slots,
        the end excluded), ``heure_debut`` and ``heure_fin`` (« sam 09:00 »).
    unplaced : pandas.DataFrame
        Pairs missing sessions: ``equipe``, ``coach``, ``manquantes``,
        ``motif`` (a French sentence naming the constraint).
    stages : list of Stage
        The three objectives, in order.
    """

    event: Event
    pairs: list[tuple[str, str]]
    sessions_per_pair: int
    sessions: pd.DataFrame
    unplaced: pd.DataFrame
    stages: list[Stage]
    seconds: float
    coach_masks: dict[str, np.ndarray] = field(repr=False)
    team_premises: dict[str, str] = field(repr=False)
    walk_slots: dict[tuple[str, str], int] = field(repr=False)

    @property
    def status(self) -> str:
        """:data:`OPTIMAL` when every stage was proven optimal, else :data:`GAP`."""
        return OPTIMAL if all(s.status == OPTIMAL for s in self.stages) else GAP

    @property
    def gap(self) -> float:
        """Gap of the first stage not proven optimal (0 when optimal)."""
        return next((s.gap for s in self.stages if s.status != OPTIMAL), 0.0)

    @property
    def diagnosis(self) -> list[str]:
        return list(self.unplaced["motif"])

    def timetable(self, by: str = "equipe") -> pd.DataFrame:
        """Slots (rows, « sam 09:00 ») × teams or coaches (*by* = ``"coach"``).

        A cell holds the coach (or team) met during that slot, else "".
        """
        other = {"equipe": "coach", "coach": "equipe"}[by]
        names = sorted({p[0 if by == "equipe" else 1] for p in self.pairs})
        labels = [self.event.slot_label(i) for i in range(self.event.n_slots)]
        grid = pd.DataFrame("", index=labels, columns=names)
        for row in self.sessions.itertuples():
            col = grid.columns.get_loc(getattr(row, by))
            grid.iloc[row.debut : row.fin, col] = getattr(row, other)
        grid.index.name = "créneau"
        return grid

    def team_timetable(self) -> pd.DataFrame:
        return self.timetable("equipe")

    def coach_timetable(self) -> pd.DataFrame:
        return self.timetable("coach")

    def summary(self, *, timing: bool = True) -> str:
        """The plan in French sentences; *timing*: with the solver's seconds
        (they change from run to run: leave them out of files)."""
        wanted = len(self.pairs) * self.sessions_per_pair
        placed, spread, idle = (s.value for s in self.stages)
        step = self.event.step_minutes
        parts = [
            f"{count_fr(int(placed), 'séance placée', 'séances placées')} sur "
            f"{format_fr(wanted, 0)} demandées "
            f"({count_fr(len(self.pairs), 'binôme', 'binômes')}, "
            f"{format_fr(self.event.session_minutes, 0)} min chacune).",
            f"Écart minimal entre deux séances d'une équipe : "
            f"{format_fr(self._min_gap_minutes(), 0)} min ; temps d'attente "
            f"total des coachs entre leur première et leur dernière séance : "
            f"{format_fr(idle * step / 60, 1)} h.",
        ]
        if not timing:
            parts.append(
                "Plan optimal : meilleur possible pour les séances placées, leur "
                "étalement et l'attente des coachs."
                if self.status == OPTIMAL
                else "Plan arrêté par la limite de calcul, écart à l'optimum "
                f"{format_fr(100 * self.gap, 1)} %."
            )
        elif self.status == OPTIMAL:
            parts.append(f"Plan optimal, calculé en {format_fr(self.seconds, 1)} s.")
        else:
            parts.append(
                f"Plan arrêté par la limite de temps après "
                f"{format_fr(self.seconds, 1)} s, écart à l'optimum "
                f"{format_fr(100 * self.gap, 1)} %."
            )
        return " ".join(parts + self.diagnosis)

    def _min_gap_minutes(self) -> float:
        gaps = [
            int(g.debut.iloc[k + 1] - g.fin.iloc[k])
            for _, g in self.sessions.sort_values("debut").groupby("equipe")
            for k in range(len(g) - 1)
        ]
        return min(gaps) * self.event.step_minutes if gaps else float("nan")

    def check(self) -> list[str]:
        """Every constraint re-verified on :attr:`sessions`; French violations."""
        ev, length = self.event, self.event.session_slots
        work, blocked = ev.work_slots, ev.blocked
        errors: list[str] = []
        known = set(self.pairs)
        for row in self.sessions.itertuples():
            who = f"{row.equipe} et {row.coach}, {row.heure_debut}"
            if (row.equipe, row.coach) not in known:
                errors.append(f"{who} : binôme inconnu")
            if row.fin - row.debut != length or row.debut < 0 or row.fin > ev.n_slots:
                errors.append(f"{who} : durée ou bornes fausses")
                continue
            span = slice(row.debut, row.fin)
            if not work[span].all():
                errors.append(f"{who} : hors des heures de travail de l'équipe")
            if blocked[span].any():
                errors.append(f"{who} : pendant un bloc du programme")
            if not self.coach_masks[row.coach][span].all():
                errors.append(f"{who} : hors des disponibilités du coach")
        counts = self.sessions.groupby(["equipe", "coach"]).size()
        for (team, coach), n in counts.items():
            if n > self.sessions_per_pair:
                errors.append(f"{team} et {coach} : {n} séances")
        for by in ("equipe", "coach"):
            for name, g in self.sessions.sort_values("debut").groupby(by):
                for a, b in zip(g.itertuples(), g.iloc[1:].itertuples(), strict=False):
                    need = 0
                    if by == "coach":
                        pa = self.team_premises.get(a.equipe, a.equipe)
                        pb = self.team_premises.get(b.equipe, b.equipe)
                        need = self.walk_slots.get((pa, pb), 0) if pa != pb else 0
                    if b.debut < a.fin + need:
                        who = "L'équipe" if by == "equipe" else "Le coach"
                        errors.append(
                            f"{who} {name} : {a.heure_debut} et {b.heure_debut} se "
                            + (
                                "chevauchent"
                                if b.debut < a.fin
                                else "suivent sans le temps de marche"
                            )
                        )
        return errors


# ---------------------------------------------------------------- solver


def schedule_visits(
    event: Event,
    pairs,
    *,
    coach_windows: Mapping | None = None,
    team_premises: Mapping | None = None,
    walk_minutes: Mapping | None = None,
    sessions_per_pair: int = 1,
    seconds: float = 10,
    spread_minutes: int = SPREAD_MINUTES,
) -> VisitPlan:
    """Place the coaches' sessions (module docstring).

    Parameters
    ----------
    event : Event
        The marathon (:func:`mitlib.planning.event.load_event`).
    pairs : list of (team, coach), or DataFrame
        The pairing (``projet``/``equipe`` and ``coach`` columns).
    coach_windows : mapping coach → text, mask or Windows, optional
        Availability (``ven 18:00-22:00 | sam 09:00-12:30``); a coach absent
        or with an empty cell is available during the whole event.
    team_premises : mapping team → premises, optional
        Where each team works (each team its own premises by default).
    walk_minutes : mapping (premises, premises) → minutes, optional
        Walking times (either direction is enough); none: 0.
    sessions_per_pair : int
        Sessions of each pair.
    seconds : float
        Deterministic time budget (OR-Tools work units) shared by the three
        stages: stage 1 takes what it needs, stage 2 half of the rest, stage 3
        the remainder. Stage 3 keeps each team's session order of stage 2, so
        its bound is that of this restricted problem.
    spread_minutes : int
        Cap of a team's smallest gap in objective 2.

    Raises
    ------
    OptionError
        A pair twice, a team without premises, a walking time missing,
        a mask of the wrong length, ``sessions_per_pair`` below 1.
    """
    from ortools.sat.python import cp_model

    began = time.perf_counter()
    pairs = checked_pairs(pairs)
    if isinstance(sessions_per_pair, bool) or not (
        isinstance(sessions_per_pair, int) and sessions_per_pair >= 1
    ):
        raise OptionError(
            f"Séances par binôme : {sessions_per_pair!r} n'est pas un entier ≥ 1."
        )
    teams = sorted({t for t, _ in pairs})
    coaches = sorted({c for _, c in pairs})
    windows = dict(coach_windows or {})
    masks = {c: coach_mask(windows.get(c), event, c) for c in coaches}
    where = {t: t for t in teams}
    if team_premises is not None:
        missing = [t for t in teams if t not in team_premises]
        if missing:
            raise OptionError(
                f"Locaux des équipes : aucun local pour {', '.join(missing)}."
            )
        where = {t: str(team_premises[t]) for t in teams}
    walk = walk_slots(sorted(set(where.values())), walk_minutes, event.step_minutes)
    length, horizon = event.session_slots, event.n_slots
    cap = max(0, spread_minutes // event.step_minutes)
    work = event.work_slots

    model = cp_model.CpModel()
    sessions = []  # (pair index, k, present, start)
    window = {}  # (pair index, k) → first and last possible start
    by_team: dict[str, list] = {t: [] for t in teams}
    by_coach: dict[str, list] = {c: [] for c in coaches}
    for p, (team, coach) in enumerate(pairs):
        starts = feasible_starts(work & masks[coach], length)
        if not len(starts):
            continue
        previous = None
        for k in range(sessions_per_pair):
            x = model.NewBoolVar(f"x{p}_{k}")
            s = model.NewIntVarFromDomain(
                cp_model.Domain.FromValues(starts.tolist()), f"s{p}_{k}"
            )
            iv = model.NewOptionalFixedSizeIntervalVar(s, length, x, f"i{p}_{k}")
            if previous is not None:  # sessions of a pair in order
                model.AddImplication(x, previous[2])
                model.Add(s >= previous[3] + length).OnlyEnforceIf(x)
            window[p, k] = (int(starts[0]), int(starts[-1]))
            previous = (p, k, x, s, iv)
            sessions.append(previous)
            by_team[team].append(previous)
            by_coach[coach].append(previous)
    for group in by_coach.values():
        model.AddNoOverlap([v[4] for v in group])
    # a team's sessions stretched by its gap g: consecutive ones g slots apart
    spread = []  # (team's sessions, g, upper bound of g when all are placed)
    for group in by_team.values():
        if len(group) < 2 or not cap:
            model.AddNoOverlap([v[4] for v in group])
            continue
        # window of the team's sessions: gaps fit in its span minus the sessions
        lo = min(window[v[:2]][0] for v in group)
        width = max(window[v[:2]][1] for v in group) + length - lo
        m = len(group)
        g = model.NewIntVar(0, cap, "")  # a team with one session placed: cap
        spread.append((group, g, max(0, min(cap, (width - m * length) // (m - 1)))))
        stretched = []
        for v in group:
            end = model.NewIntVar(0, horizon + cap, "")
            stretched.append(
                model.NewOptionalIntervalVar(v[3], g + length, end, v[2], "")
            )
        model.AddNoOverlap(stretched)

    # walking: a coach's sessions at premises apart, in either order
    for group in by_coach.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                pa, pb = where[pairs[a[0]][0]], where[pairs[b[0]][0]]
                if pa == pb or not (walk[pa, pb] or walk[pb, pa]):
                    continue
                both = [a[2], b[2]]
                if a[0] == b[0]:  # same pair: same premises, never here
                    continue
                o = model.NewBoolVar("")
                model.Add(b[3] >= a[3] + length + walk[pa, pb]).OnlyEnforceIf(
                    [o, *both]
                )
                model.Add(a[3] >= b[3] + length + walk[pb, pa]).OnlyEnforceIf(
                    [o.Not(), *both]
                )
    spans = []  # (coach's sessions, last − first)
    for group in by_coach.values():
        if not group:
            continue
        first, last = model.NewIntVar(0, horizon, ""), model.NewIntVar(0, horizon, "")
        model.Add(last - first >= length * sum(v[2] for v in group))
        for v in group:
            model.Add(first <= v[3]).OnlyEnforceIf(v[2])
            model.Add(last >= v[3] + length).OnlyEnforceIf(v[2])
        spans.append((group, last - first))

    placed = sum(v[2] for v in sessions)
    n_free = (len(teams) - len(spread)) * cap  # teams with < 2 sessions
    solver = cp_model.CpSolver()
    solver.parameters.num_search_workers = 1
    solver.parameters.random_seed = SEED
    budget, stages, used = float(seconds), [], 0.0
    for stage in range(3):
        if stage == 0:
            name, expr, maximise, limit = "séances placées", placed, True, budget
        elif stage == 1:
            name, expr, maximise = "étalement", sum(g for _, g, _ in spread), True
            limit = (budget - used) / 2
            _fix_presence(
                model, solver, sessions, spread, spans, where, pairs, walk, length
            )
        else:
            name, expr, maximise = "attente des coachs", sum(e for _, e in spans), False
            limit = budget - used
            _fix_team_order(model, solver, spread, length)
        t0 = time.perf_counter()
        (model.Maximize if maximise else model.Minimize)(expr)
        solver.parameters.max_deterministic_time = max(limit, 0.05)
        code = solver.Solve(model)
        used += solver.deterministic_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError(
                f"CP-SAT : {solver.StatusName(code)}"
            )  # pragma: no cover
        value, bound = (
            round(solver.ObjectiveValue()),
            round(solver.BestObjectiveBound()),
        )
        status = OPTIMAL if code == cp_model.OPTIMAL else GAP
        stages.append(Stage(name, value, bound, status, time.perf_counter() - t0))
        model.ClearHints()
        for v in sessions:
            model.AddHint(v[2], solver.Value(v[2]))
            model.AddHint(v[3], solver.Value(v[3]))
        for group, g, _ in spread:
            model.AddHint(g, _gap(solver, group, length, cap))
        model.Add(expr >= value) if maximise else model.Add(expr <= value)
    stages[1].value += n_free
    stages[1].bound += n_free
    # idle: span minus the session slots
    stages[2].value -= stages[0].value * length
    stages[2].bound -= stages[0].value * length

    rows = []
    for p, k, x, s, _ in sessions:
        if solver.Value(x):
            start = solver.Value(s)
            team, coach = pairs[p]
            rows.append(
                (
                    team,
                    coach,
                    where[team],
                    k + 1,
                    start,
                    start + length,
                    event.slot_label(start),
                    event.slot_label(start + length),
                )
            )
    table = pd.DataFrame(rows, columns=_SESSION_COLUMNS)
    table = table.sort_values(["debut", "equipe", "coach"], ignore_index=True)
    plan = VisitPlan(
        event,
        pairs,
        sessions_per_pair,
        table,
        pd.DataFrame(),
        stages,
        0.0,
        masks,
        where,
        walk,
    )
    plan.unplaced = _unplaced(plan)
    plan.seconds = time.perf_counter() - began
    return plan


def _gap(solver, group, length: int, cap: int) -> int:
    """Smallest gap between two placed sessions of *group*, capped."""
    starts = sorted(solver.Value(v[3]) for v in group if solver.Value(v[2]))
    gaps = [b - a - length for a, b in zip(starts, starts[1:], strict=False)]
    return min([cap, *gaps])


def _fix_presence(model, solver, sessions, spread, spans, where, pairs, walk, length):
    """After stage 1: when every session is placed, fix them and bound g tight.

    A team's *m* sessions in a window of *w* slots leave at most
    (w − m·length) / (m − 1) slots between two; a coach meeting teams at *k*
    premises walks at least (k − 1) times the shortest walk between them.
    """
    if not all(solver.Value(v[2]) for v in sessions):
        return
    for v in sessions:
        model.Add(v[2] == 1)
    for _, g, top in spread:
        model.Add(g <= top)
    for group, span in spans:
        places = sorted({where[pairs[v[0]][0]] for v in group})
        steps = [walk[a, b] for a in places for b in places if a != b]
        if steps and min(steps):
            model.Add(span >= len(group) * length + (len(places) - 1) * min(steps))


def _fix_team_order(model, solver, spread, length: int) -> None:
    """Stage 3 keeps each team's session order of stage 2 (tractable)."""
    for group, _, _ in spread:
        placed = sorted(
            (solver.Value(v[3]), i) for i, v in enumerate(group) if solver.Value(v[2])
        )
        for (_, i), (_, j) in zip(placed, placed[1:], strict=False):
            a, b = group[i], group[j]
            model.Add(b[3] >= a[3] + length).OnlyEnforceIf([a[2], b[2]])


# ---------------------------------------------------------------- diagnosis


def _unplaced(plan: VisitPlan) -> pd.DataFrame:
    _ev, _length = plan.event, plan.event.session_slots
    counts = plan.sessions.groupby(["equipe", "coach"]).size()
    rows = []
    for team, coach in plan.pairs:
        missing = plan.sessions_per_pair - int(counts.get((team, coach), 0))
        if missing > 0:
            rows.append((team, coach, missing, _reason(plan, team, coach, missing)))
    return pd.DataFrame(rows, columns=["equipe", "coach", "manquantes", "motif"])


def _reason(plan: VisitPlan, team: str, coach: str, missing: int) -> str:
    ev, length = plan.event, plan.event.session_slots
    minutes = f"{format_fr(ev.session_minutes, 0)} min"
    head = f"{coach} et {team}"
    if missing < plan.sessions_per_pair:
        head += (
            f" : {format_fr(plan.sessions_per_pair - missing, 0)} séance(s) sur "
            f"{format_fr(plan.sessions_per_pair, 0)} placée(s)"
        )
    mask, work = plan.coach_masks[coach], ev.work_slots
    if not mask.any():
        return f"{head} : {coach} n'a aucune disponibilité pendant le marathon."
    longest = max(b - a for a, b in runs(mask))
    if longest < length:
        return (
            f"{head} : les plages de {coach} ({runs_text(ev, mask)}) sont toutes "
            f"plus courtes qu'une séance de {minutes}."
        )
    starts = feasible_starts(work & mask, length)
    if not len(starts):
        return (
            f"{head} : aucune plage commune de {minutes} — {coach} disponible "
            f"{runs_text(ev, mask)}, l'équipe travaille {runs_text(ev, work)} "
            "(hors blocs)."
        )
    causes = set()
    table = plan.sessions
    for s in starts:
        lo, hi = s, s + length
        mine = table[(table["equipe"] == team) & (table["coach"] == coach)]
        if ((mine["debut"] < hi) & (mine["fin"] > lo)).any():
            continue
        t = table[table["equipe"] == team]
        if ((t["debut"] < hi) & (t["fin"] > lo)).any():
            causes.add(f"l'équipe {team} est prise")
        c = table[table["coach"] == coach]
        if ((c["debut"] < hi) & (c["fin"] > lo)).any():
            causes.add(f"{coach} est pris(e) ailleurs")
        elif not ((t["debut"] < hi) & (t["fin"] > lo)).any():
            causes.add(f"le temps de marche de {coach} entre deux locaux manque")
    where = runs_text(ev, work & mask)
    text = (
        f"{head} : toutes les plages communes ({where}) sont prises — "
        + " ; ".join(sorted(causes))
        + "."
    )
    if plan.status != OPTIMAL:
        text += (
            " (Calcul arrêté par la limite de temps : un plan meilleur peut exister.)"
        )
    return text
