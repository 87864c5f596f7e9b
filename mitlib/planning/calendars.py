"""The plan as dated moments, and its iCalendar (``.ics``) files.

The first half holds what every output of a plan says the same way: French
dates and times without a locale (« vendredi 12 mars 2027 », « 9 h 05 »),
walking times, the labels of teams, coaches and premises, and the moments of
the plan (:class:`Span`: the blocks of the programme, the sessions, a team's
pitch), which the timetables (:mod:`mitlib.planning.timetables`), the map and
the calendars list.

Then one calendar per team and per coach: each session is one ``VEVENT`` in
local time (``TZID=Europe/Paris``, with the ``VTIMEZONE`` written in the
file), whose ``UID`` is a digest of the marathon, team, coach and session
number: importing a newer plan updates the same events instead of
duplicating them. A team's calendar also holds the blocks of the programme
(opening, meals…) and its pitch before the jury.

``DTSTAMP`` is the start of the marathon (in UTC), never the current time:
two runs give byte-identical files. The public version holds no names and no
contacts (ids, type and organisation of the coaches, titles of the projects,
addresses of the premises); the internal version adds the names and contacts
of the coach or of the project holder. Calendars of the fictional sample
say so in every event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as IcsEvent

from mitlib.binomes.inputs import cell_text
from mitlib.core.text import format_fr
from mitlib.core.text import french_date as text_date
from mitlib.data.fictional import FICTIONAL_COLUMN, FICTIONAL_NOTICE
from mitlib.planning.plan import WELCOME, MarathonPlan
from mitlib.planning.visit_model import runs

__all__ = [
    "TIMEZONE",
    "Span",
    "block_spans",
    "coach_calendar",
    "coach_details",
    "coach_name",
    "event_uid",
    "french_date",
    "french_time",
    "paired_coaches",
    "pitch_span",
    "premises_address",
    "session_spans",
    "team_calendar",
    "team_name",
    "time_range",
    "walk_minutes",
    "walk_text",
    "welcome_label",
]

_NBSP = "\u00a0"

# ---------------------------------------------------------------- French words


def french_date(day: date | datetime) -> str:
    """« vendredi 12 mars 2027 »: :func:`mitlib.core.text.french_date` with the
    weekday.

    >>> french_date(date(2027, 3, 12)), french_date(date(2027, 4, 1))
    ('vendredi 12 mars 2027', 'jeudi 1er avril 2027')
    """
    return text_date(day, weekday=True)


def french_time(moment: datetime) -> str:
    """« 9 h 05 » (non-breaking spaces).

    >>> french_time(datetime(2027, 3, 12, 9, 5)).replace("\\xa0", " ")
    '9 h 05'
    """
    return f"{moment.hour}{_NBSP}h{_NBSP}{moment.minute:02d}"


def time_range(start: datetime, end: datetime) -> str:
    """« 10 h 00 – 10 h 45 »."""
    return f"{french_time(start)} – {french_time(end)}"


def walk_text(minutes: float) -> str:
    """« 2 min à pied », « moins d'une minute à pied »."""
    if minutes < 0.5:
        return "moins d'une minute à pied"
    return f"{format_fr(minutes, 0)} min à pied"


def _of(name: str) -> str:
    """« d'Aiguillon », « de Nérac »."""
    return f"d'{name}" if name[:1].lower() in "aeiouyéèêâîôûàh" else f"de {name}"


def welcome_label(plan: MarathonPlan) -> str:
    """« la mairie d'Aiguillon » or « le point d'accueil »."""
    if plan.event.welcome is None:
        return f"la mairie {_of(plan.host_name)}"
    return "le point d'accueil"


# ---------------------------------------------------------------- moments


@dataclass(frozen=True)
class Span:
    """A moment of the programme or of one's timetable."""

    start: datetime
    end: datetime
    kind: str  # "bloc", "seance", "pitch"
    name: str = ""
    team: str = ""
    coach: str = ""
    premises: str = ""
    seance: int = 0


def block_spans(plan: MarathonPlan) -> list[Span]:
    """The blocks of the programme (opening, meals, jury…), in time order."""
    ev = plan.event
    spans = [
        Span(ev.slot_start(a), ev.slot_start(b), "bloc", block.name)
        for block in ev.blocks
        for a, b in runs(block.mask)
    ]
    return sorted(spans, key=lambda s: (s.start, s.end, s.name))


def session_spans(plan: MarathonPlan) -> list[Span]:
    """Every session placed, in time order."""
    ev = plan.event
    return [
        Span(
            ev.slot_start(s.debut),
            ev.slot_start(s.fin),
            "seance",
            "Coaching",
            s.equipe,
            s.coach,
            plan.team_premises.get(s.equipe, WELCOME),
            int(s.seance),
        )
        for s in plan.visits.sessions.sort_values(["debut", "equipe", "coach"])
        .reset_index(drop=True)
        .itertuples()
    ]


def pitch_span(plan: MarathonPlan, team: str) -> tuple[Span, int] | None:
    """The team's pitch and its order, when the event has a jury."""
    rows = plan.jury[plan.jury["equipe"] == team]
    if rows.empty:
        return None
    row = rows.iloc[0]
    ev = plan.event
    moments = []
    for text in (row["debut"], row["fin"]):
        hour, minute = (int(x) for x in str(text).split(":"))
        moment = ev.jury.start.replace(hour=hour, minute=minute)
        while moment < ev.jury.start or (moments and moment < moments[0]):
            moment += timedelta(days=1)  # a jury going past midnight
        moments.append(moment)
    span = Span(moments[0], moments[1], "pitch", "Pitch devant le jury", team)
    return span, int(row["ordre"])


def walk_minutes(plan: MarathonPlan) -> dict[tuple[str, str], float]:
    """Walking minutes between the premises used and the welcome point, both ways."""
    return plan.walk_minutes()


def team_name(plan: MarathonPlan, team: str) -> str:
    """The project's title, or « Équipe <id> » without a title."""
    return plan.title(team) or f"Équipe {team}"


def coach_name(plan: MarathonPlan, coach: str, public: bool) -> str:
    """The coach's name (internal) or « Coach <id> »."""
    name = "" if public else cell_text(plan.inputs.coaches.at[coach, "nom"])
    return name or f"Coach {coach}"


def coach_details(plan: MarathonPlan, coach: str) -> str:
    """« élu/technicien, Service … » (public fields)."""
    row = plan.inputs.coaches.loc[coach]
    parts = [cell_text(row.get(c, "")) for c in ("type_coach", "organisation")]
    return ", ".join(p for p in parts if p)


def premises_address(plan: MarathonPlan, premises: str) -> str:
    """« 55 rue Sainte-Catherine, Aiguillon » (the welcome point for none)."""
    if premises == WELCOME:
        return f"point d'accueil, {plan.host_name}"
    used = plan.premises.premises.set_index("local")
    address = cell_text(used.at[premises, "adresse"]) if premises in used.index else ""
    return (
        f"{address}, {plan.host_name}" if address else f"{premises}, {plan.host_name}"
    )


def paired_coaches(plan: MarathonPlan) -> list[str]:
    """The coaches of the marathon's pairs, in id order."""
    order = list(plan.inputs.coaches.index)
    mine = {c for _, c in plan.visits.pairs}
    return [c for c in order if c in mine]


# ---------------------------------------------------------------- calendars

#: Time zone of every event (the marathons are in France).
TIMEZONE = "Europe/Paris"
_PRODID = "-//mitlib//planning des marathons//FR"


def event_uid(plan: MarathonPlan, *parts: object) -> str:
    """A stable UID: a digest of the marathon and *parts* (ids, never names)."""
    key = "\x1f".join(str(p) for p in (plan.marathon, *parts))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return f"{digest}@marathon.mitlib"


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=ZoneInfo(TIMEZONE))


def _calendar(plan: MarathonPlan, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", _PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    suffix = f" ({FICTIONAL_COLUMN})" if plan.fictional else ""
    cal.add("x-wr-calname", f"Marathon {plan.marathon} — {name}{suffix}")
    cal.add("x-wr-timezone", TIMEZONE)
    return cal


def _event(
    plan: MarathonPlan,
    span: Span,
    uid: str,
    summary: str,
    location: str,
    description: list[str],
) -> IcsEvent:
    event = IcsEvent()
    event.add("uid", uid)
    stamp = _local(plan.event.start).astimezone(UTC)
    event.add("dtstamp", stamp)
    event.add("dtstart", _local(span.start))
    event.add("dtend", _local(span.end))
    if plan.fictional:
        summary = f"[{FICTIONAL_COLUMN}] {summary}"
        description = [FICTIONAL_NOTICE, *description]
    event.add("summary", summary)
    if location:
        event.add("location", location)
    text = "\n".join(line for line in description if line)
    event.add("description", text.replace("\u00a0", " "))
    event.add("transp", "OPAQUE")
    return event


def _finish(plan: MarathonPlan, cal: Calendar) -> bytes:
    ev = plan.event
    cal.add_missing_timezones(
        first_date=date(ev.start.year, 1, 1), last_date=date(ev.end.year + 1, 1, 1)
    )
    for zone in cal.timezones:
        zone.pop("COMMENT", None)  # an English note of icalendar
    return cal.to_ical()


def _coach_lines(plan: MarathonPlan, coach: str, public: bool) -> list[str]:
    row = plan.inputs.coaches.loc[coach]
    lines = [f"Coach {coach} — {coach_details(plan, coach)}".rstrip(" —")]
    if not public:
        lines.insert(0, coach_name(plan, coach, public))
        contact = cell_text(row.get("contact", ""))
        if contact:
            lines.append(f"Contact : {contact}")
    return lines


def _team_lines(plan: MarathonPlan, team: str, public: bool) -> list[str]:
    lines = [f"Équipe {team} — {team_name(plan, team)}"]
    if not public:
        row = plan.inputs.teams.loc[team]
        holder = " — ".join(
            x for x in (cell_text(row.get(c, "")) for c in ("porteur", "contact")) if x
        )
        if holder:
            lines.append(f"Porteur : {holder}")
    return lines


def _place_lines(plan: MarathonPlan, premises: str) -> list[str]:
    return [f"Lieu : {premises_address(plan, premises)} (local {premises})"]


def _session_event(plan: MarathonPlan, s, who: list[str]):
    """The event of one coaching session; *who*: the lines naming the people
    (the same UID in the team's and the coach's calendar)."""
    return _event(
        plan,
        s,
        event_uid(plan, "seance", s.team, s.coach, s.seance),
        f"Coaching : {team_name(plan, s.team)}",
        premises_address(plan, s.premises),
        [
            f"Séance de coaching de {french_time(s.start)} à {french_time(s.end)}.",
            *who,
            *_place_lines(plan, s.premises),
        ],
    )


def team_calendar(plan: MarathonPlan, team: str, *, public: bool = False) -> bytes:
    """The ``.ics`` file of one team: its sessions, the blocks, its pitch."""
    name = team_name(plan, team)
    cal = _calendar(plan, name)
    where = plan.marathon
    for block in block_spans(plan):
        cal.add_component(
            _event(
                plan,
                block,
                event_uid(plan, "bloc", block.name, f"{block.start:%Y%m%dT%H%M}"),
                f"{block.name} — marathon {where}",
                plan.host_name,
                [f"Temps fort du programme du marathon {where} : pas de coaching."],
            )
        )
    for s in session_spans(plan):
        if s.team == team:
            cal.add_component(
                _session_event(plan, s, _coach_lines(plan, s.coach, public))
            )
    pitch = pitch_span(plan, team)
    if pitch is not None:
        span, order = pitch
        cal.add_component(
            _event(
                plan,
                span,
                event_uid(plan, "jury", team),
                f"Pitch devant le jury : {name}",
                plan.host_name,
                [f"Passage n° {order} devant le jury.", *_team_lines(plan, team, True)],
            )
        )
    return _finish(plan, cal)


def coach_calendar(plan: MarathonPlan, coach: str, *, public: bool = False) -> bytes:
    """The ``.ics`` file of one coach: one event per session."""
    cal = _calendar(plan, coach_name(plan, coach, public))
    for s in session_spans(plan):
        if s.coach == coach:
            who = [
                *_team_lines(plan, s.team, public),
                *_coach_lines(plan, coach, public),
            ]
            cal.add_component(_session_event(plan, s, who))
    return _finish(plan, cal)
