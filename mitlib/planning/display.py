"""What organisers read about a marathon plan in JupyterLab (notebook 05).

* :func:`plan_timeline` — the sessions on a timeline, one lane per team,
  coach or premises, over the blocks of the programme and the hours the
  teams do not work (:func:`mitlib.render.timeline.timeline`);
* :func:`plan_inputs_view`, :func:`plan_summary`, :func:`premises_view`,
  :func:`jury_view`, :func:`unplaced_view` — French tables and sentences;
* :func:`check_report` — every constraint re-checked
  (:meth:`~mitlib.planning.plan.MarathonPlan.check`), said in French: « Toutes
  les contraintes sont respectées » or the list of what breaks;
* :func:`free_start` — the first start where a session can go without
  breaking anything, and :class:`SessionMover`, the widget that moves a
  session by hand and re-checks the plan.

Coaches' names appear only when ``public`` is false; project holders never
appear. Everything built from the fictional sample carries its notice.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import numpy as np

from mitlib.binomes.inputs import cell_text, natural_key
from mitlib.core.text import count_fr
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.data.schemas import get_schema
from mitlib.data.vocabularies import COACH_TYPES
from mitlib.planning.event import DAYS, Event
from mitlib.planning.plan import WELCOME, MarathonPlan
from mitlib.planning.plan_inputs import PlanInputs
from mitlib.render.summary import Summary
from mitlib.render.svg import OKABE_ITO
from mitlib.render.tables import Column, FrenchTable, checked_files_table, file_counts
from mitlib.render.timeline import BAR_COLORS, Band, Bar, Timeline, timeline

__all__ = [
    "VIEWS",
    "SessionMover",
    "check_report",
    "free_start",
    "jury_view",
    "plan_inputs_view",
    "plan_summary",
    "plan_timeline",
    "premises_view",
    "unplaced_view",
]

#: Lanes of :func:`plan_timeline`: ``by`` → (title, lane header).
VIEWS = {
    "equipe": ("Séances de coaching par équipe", "Équipe"),
    "coach": ("Séances de coaching par coach", "Coach"),
    "local": ("Séances de coaching par local", "Local"),
}
PITCH = "Pitch devant le jury"
BLOCK_KEY = "Temps fort du programme (aucune séance)"
REST_KEY = "Équipes hors de leurs heures de travail"
AVAILABLE = "Coach disponible"
#: One colour per coach type, the same in every view.
TYPE_COLORS = {t: BAR_COLORS[i] for i, t in enumerate(COACH_TYPES)}
_ALL_HOLD = (
    "Toutes les contraintes sont respectées : heures de travail des équipes, "
    "blocs du programme, disponibilités des coachs, aucun coach ni aucune équipe "
    "pris deux fois, temps de marche entre les locaux, places des locaux, jury "
    "avant la fin du marathon."
)
_SENTENCE_END = re.compile(r"(?<=[.)]) (?=[A-ZÉÈÀ0-9«])")


def _notes(plan: MarathonPlan) -> list[str]:
    return [FICTIONAL_NOTICE] if plan.fictional else []


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, end) slots of each run of True (end excluded)."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(
        zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)
    )


def _bands(event: Event) -> list[Band]:
    """Hours off (hatched), then the blocks of the programme (named)."""
    bands = [
        Band(event.slot_start(a), event.slot_start(b), key=REST_KEY, hatched=True)
        for a, b in _runs(~event.team_hours)
    ]
    for block in event.blocks:
        for a, b in _runs(block.mask):
            start, end = event.slot_start(a), event.slot_start(b)
            bands.append(Band(start, end, block.name, key=BLOCK_KEY))
    return bands


def _pitch(event: Event, day: str, start: str, end: str) -> tuple[datetime, datetime]:
    """« sam », « 18:10 », « 18:20 » → the pitch's datetimes inside the event."""
    days = [event.start.date() + timedelta(days=k) for k in range(4)]
    date = next(d for d in days if DAYS[d.weekday()] == day)
    a, b = (datetime.combine(date, time.fromisoformat(c)) for c in (start, end))
    return a, b if b > a else b + timedelta(days=1)  # a pitch across midnight


def plan_timeline(
    plan: MarathonPlan,
    by: str = "equipe",
    *,
    public: bool = False,
    panel_hours: int = 12,
) -> Timeline:
    """The sessions of *plan* on a timeline, one lane per team, coach or premises.

    Parameters
    ----------
    by : {"equipe", "coach", "local"}
        Lanes: teams (bars: the coach, coloured by coach type; the pitch in
        black), coaches (bars: the team, coloured by premises: a change of
        colour is a walk), or premises (bars: the team, by coach type).
    public : bool
        Coaches by id and organisation, without their names.
    panel_hours : int
        Hours per panel (a 36-hour marathon: three panels of 12 h).
    """
    if by not in VIEWS:
        raise ValueError(f"by={by!r} : attendu {', '.join(map(repr, VIEWS))}.")
    title, lane_title = VIEWS[by]
    ev = plan.event
    coaches = plan.inputs.coaches
    sessions = plan.visits.sessions

    def coach_text(cid: str) -> str:
        org = cell_text(coaches.at[cid, "organisation"])
        name = "" if public else cell_text(coaches.at[cid, "nom"])
        return ", ".join(x for x in (name, org) if x)

    def coach_short(cid: str) -> str:
        name = "" if public else cell_text(coaches.at[cid, "nom"])
        return f"{cid} · {name or cell_text(coaches.at[cid, 'organisation'])}"

    def coach_type(cid: str) -> str:
        return cell_text(coaches.at[cid, "type_coach"]) or "type non précisé"

    bars, windows, colors = [], [], dict(TYPE_COLORS)
    for s in sessions.itertuples():
        start, end = ev.slot_start(s.debut), ev.slot_start(s.fin)
        place = plan.team_premises[s.equipe]
        what = f"{s.equipe} avec {s.coach} ({coach_text(s.coach)}), {place}"
        if by == "equipe":
            bars.append(Bar(s.equipe, start, end, s.coach, coach_type(s.coach), what))
        elif by == "coach":
            key = _place_text(plan, place)
            bars.append(Bar(s.coach, start, end, s.equipe, key, what))
        else:
            bars.append(Bar(place, start, end, s.equipe, coach_type(s.coach), what))
    if by == "equipe":
        lanes = [(t, f"{t} · {plan.title(t)}") for t in plan.teams]
        colors[PITCH] = OKABE_ITO["noir"]
        for row in plan.jury[plan.jury["ordre"] > 0].itertuples():
            a, b = _pitch(ev, row.jour, row.debut, row.fin)
            what = f"pitch n° {row.ordre} de {row.equipe}"
            bars.append(Bar(row.equipe, a, b, "", PITCH, what))
    elif by == "coach":
        ids = sorted({c for _, c in plan.visits.pairs}, key=natural_key)
        lanes = [(c, coach_short(c)) for c in ids]
        windows = [
            Bar(c, ev.slot_start(a), ev.slot_start(b), key=AVAILABLE, detail=what)
            for c in ids
            for a, b in _runs(plan.visits.coach_masks[c])
            for what in [f"{c} disponible"]
        ]
        places = list(dict.fromkeys(plan.team_premises[t] for t in plan.teams))
        colors = {
            _place_text(plan, p): BAR_COLORS[i % len(BAR_COLORS)]
            for i, p in enumerate(sorted(places, key=natural_key))
        }
        colors[AVAILABLE] = OKABE_ITO["bleu_ciel"]
    else:
        places = sorted(set(plan.team_premises.values()), key=natural_key)
        lanes = [(p, _place_text(plan, p)) for p in places]
    placed = count_fr(len(sessions), "séance placée", "séances placées")
    summary = (
        f"Marathon {plan.marathon} à {plan.host_name} : {placed} de "
        f"{ev.session_minutes} min, une ligne par {lane_title.lower()}."
    )
    return timeline(
        lanes,
        bars,
        start=ev.start,
        end=ev.end,
        title=f"{title} — marathon {plan.marathon}",
        bands=_bands(ev),
        windows=windows,
        colors=colors,
        lane_title=lane_title,
        panel_hours=panel_hours,
        summary=summary,
        note=" ".join(_notes(plan)) or None,
        empty="Aucune séance ni aucun pitch" if by == "equipe" else "Aucune séance",
    )


def _place_text(plan: MarathonPlan, place: str) -> str:
    if place == WELCOME:
        return "point d'accueil"
    return plan.premises_label(place)


# ---------------------------------------------------------------- tables


def plan_inputs_view(inputs: PlanInputs) -> FrenchTable:
    """The files read and checked (rows read, kept, rejected), the event file
    and the pairs in notes, with the warnings and unreadable cells."""
    files = [
        file_counts(get_schema(name).title, getattr(inputs, name))
        for name in ("locaux", "coachs", "projets")
    ]
    ev = inputs.event
    pairs = (
        f"fichier {inputs.pairs_path.name}"
        if inputs.pairs_path is not None
        else "calculés comme mit binomes (réglages par défaut)"
    )
    notes = [
        f"Événement : {inputs.event_path.name}, marathon {ev.marathon}, "
        f"{ev.span_label()}, séances de {ev.session_minutes} min.",
        f"Binômes : {count_fr(len(inputs.pairs), 'binôme')}, {pairs}.",
    ]
    notes += [f"Attention : {w}" for w in (*ev.warnings, *inputs.warnings)]
    if len(inputs.problems):
        cells = count_fr(len(inputs.problems), "cellule", "cellules")
        notes.append(
            f"Attention : {cells} de disponibilités illisibles (voir le plan)."
        )
    return checked_files_table(
        files,
        caption=f"Fichiers lus et vérifiés — plan du marathon {ev.marathon}",
        notes=notes,
        fictional=inputs.fictional,
    )


def plan_summary(plan: MarathonPlan) -> Summary:
    """The plan in sentences, then its warnings and the sessions moved by hand.

    The solver's seconds are left out (they change from run to run): the
    sentence on the solution says whether it is proven optimal, or its gap.
    """
    sentences = _SENTENCE_END.split(plan.summary())
    notes = [f"Attention : {w}" for w in plan.warnings]
    notes += [f"Déplacé à la main : {m}." for m in plan.moved]
    return Summary(f"Plan du marathon {plan.marathon}", sentences, notes + _notes(plan))


def premises_view(plan: MarathonPlan) -> FrenchTable:
    """The premises used: address, surface, state, places, teams, walk."""
    used = plan.premises.premises
    teams = {
        p: ", ".join(t for t in plan.teams if plan.team_premises[t] == p)
        for p in used["local"]
    }
    frame = used.assign(equipes_noms=used["local"].map(teams))
    columns = [
        Column("local", "Local"),
        Column("adresse", "Adresse"),
        Column("surface_m2", "Surface (m²)", "number"),
        Column("bati_etat", "État du bâti"),
        Column("capacite", "Places (équipes)", "number"),
        Column("equipes_noms", "Équipes"),
        Column("distance_accueil_m", "Distance à l'accueil (m)", "number"),
        Column("minutes_accueil", "Marche depuis l'accueil (min)", "number"),
    ]
    notes = [
        f"{plan.event.surface_per_team:g} m² par équipe ; distance à pied : ligne "
        "droite × 1,3.",
        *plan.premises.diagnosis,
    ]
    missing = [t for t in plan.teams if plan.team_premises[t] == WELCOME]
    if missing:
        notes.append(
            f"Sans local, au point d'accueil en attendant : {', '.join(missing)}."
        )
    return FrenchTable(
        frame,
        columns,
        caption=f"Locaux des équipes à {plan.host_name} — marathon {plan.marathon}",
        notes=notes + _notes(plan),
    )


def jury_view(plan: MarathonPlan) -> FrenchTable:
    """The order of the pitches and the breaks."""
    frame = plan.jury.assign(
        rang=plan.jury["ordre"].map(lambda k: str(k) if k else "pause")
    )
    rule = plan.event.jury
    notes = ["Ordre tiré au sort, reproductible (graine : l'identifiant du marathon)."]
    if rule is not None and rule.break_every:
        notes.append(
            f"Pitchs de {rule.pitch_minutes} min, questions comprises ; pause de "
            f"{rule.break_minutes} min toutes les {rule.break_every} équipes."
        )
    return FrenchTable(
        frame,
        [
            Column("rang", "Ordre", align="right"),
            Column("equipe", "Équipe"),
            Column("projet", "Projet"),
            Column("jour", "Jour"),
            Column("debut", "Début", align="right"),
            Column("fin", "Fin", align="right"),
        ],
        caption=f"Passage devant le jury — marathon {plan.marathon}",
        notes=notes + _notes(plan),
        long=False,
    )


def unplaced_view(plan: MarathonPlan) -> FrenchTable | Summary:
    """The pairs missing sessions and why; a sentence when none is missing."""
    unplaced = plan.visits.unplaced
    if not len(unplaced):
        wanted = len(plan.visits.pairs) * plan.visits.sessions_per_pair
        return Summary(
            "Séances non placées",
            [f"Aucune : les {count_fr(wanted, 'séance')} demandées sont placées."],
            _notes(plan),
        )
    return FrenchTable(
        unplaced,
        [
            Column("equipe", "Équipe"),
            Column("coach", "Coach"),
            Column("manquantes", "Séances manquantes", "number"),
            Column("motif", "Motif"),
        ],
        caption=f"Séances non placées — marathon {plan.marathon}",
        notes=_notes(plan),
    )


# ---------------------------------------------------------------- checks


def check_report(plan: MarathonPlan) -> Summary:
    """Every constraint of *plan* re-checked, in French.

    « Toutes les contraintes sont respectées » (and what was checked), or
    the number of constraints broken and each one; the sessions moved by
    hand are listed under it.
    """
    errors = plan.check()
    notes = [f"Déplacé à la main : {m}." for m in plan.moved] + _notes(plan)
    if not errors:
        return Summary("Vérification du plan", [_ALL_HOLD], notes)
    broken = count_fr(
        len(errors), "contrainte non respectée", "contraintes non respectées"
    )
    return Summary(
        f"Vérification du plan : {broken}",
        [e if e.endswith(".") else f"{e}." for e in errors],
        notes,
    )


def free_start(
    plan: MarathonPlan, team: str, coach: str, *, seance: int = 1
) -> str | None:
    """The first start (« ven 14:00 ») where session *seance* of (*team*,
    *coach*) can go with every constraint holding; ``None`` when none.

    The current start is skipped. Candidates are the slots inside the
    team's work hours, out of the blocks and inside the coach's hours; each
    is tried with :meth:`~MarathonPlan.move` and :meth:`~MarathonPlan.check`.
    """
    ev, length = plan.event, plan.event.session_slots
    ok = ev.work_slots & plan.visits.coach_masks[coach]
    sessions = plan.visits.sessions
    mine = sessions[
        (sessions["equipe"] == team)
        & (sessions["coach"] == coach)
        & (sessions["seance"] == seance)
    ]
    current = int(mine["debut"].iloc[0]) if len(mine) else -1
    for slot in range(ev.n_slots - length + 1):
        if slot == current or not ok[slot : slot + length].all():
            continue
        if not plan.move(team, coach, slot, seance=seance).check():
            return ev.slot_label(slot)
    return None


# ---------------------------------------------------------------- widget


class SessionMover:
    """Move one session by hand and re-check every constraint (ipywidgets).

    Choose the session (team – coach) and its new start, then « Déplacer et
    vérifier »: the report of :func:`check_report` and the team timeline of
    the new plan show under the buttons. Moves add up; « Revenir au plan
    calculé » starts again. :attr:`plan` is the current plan, to keep
    working on it in code. Nothing is written to the files.
    """

    def __init__(self, plan: MarathonPlan, *, public: bool = False):
        import ipywidgets as widgets

        self.original = self.plan = plan
        self.public = public
        ev = plan.event
        options = []
        for s in plan.visits.sessions.sort_values(["equipe", "coach"]).itertuples():
            label = f"{s.equipe} – {s.coach}, séance {s.seance} ({s.heure_debut})"
            options.append((label, (s.equipe, s.coach, int(s.seance))))
        for r in plan.visits.unplaced.itertuples():
            label = f"{r.equipe} – {r.coach}, séance non placée"
            options.append((label, (r.equipe, r.coach, 1)))
        self.session = widgets.Dropdown(
            options=options, description="Séance", layout={"width": "32em"}
        )
        starts = range(ev.n_slots - ev.session_slots + 1)
        self.start = widgets.Dropdown(
            options=[(ev.slot_label(i), i) for i in starts], description="Début"
        )
        self.move_button = widgets.Button(
            description="Déplacer et vérifier", button_style="primary"
        )
        self.reset_button = widgets.Button(description="Revenir au plan calculé")
        self.output = widgets.Output()
        self.move_button.on_click(lambda _: self.move())
        self.reset_button.on_click(lambda _: self.reset())
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.session, self.start]),
                widgets.HBox([self.move_button, self.reset_button]),
                self.output,
            ]
        )

    def move(self) -> MarathonPlan:
        """Move the chosen session to the chosen start, then show the checks."""
        team, coach, seance = self.session.value
        self.plan = self.plan.move(team, coach, self.start.value, seance=seance)
        self._show()
        return self.plan

    def reset(self) -> None:
        self.plan = self.original
        self._show()

    def _show(self) -> None:
        from IPython.display import display

        self.output.clear_output()
        with self.output:
            display(check_report(self.plan))
            display(plan_timeline(self.plan, "equipe", public=self.public))

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
