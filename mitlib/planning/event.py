"""The event file (``marathon.yaml``) and the coaches' availability windows.

A marathon is cut into slots of ``pas_minutes`` (15 by default) from its start
to its end; every mask of this module is a numpy bool array over those slots.
:func:`load_event` reads the event file (dates, session length, welcome
point, the teams' work hours, the blocks during which nobody is coached, the
jury); :func:`parse_windows` reads an availability cell written the readable
way, ``ven 18:00-22:00 | sam 09:00-12:30``.

The YAML file is read as strictly as a grid (by
:mod:`mitlib.planning.yaml_reader`), and every error gives the file, line and
column.

Examples
--------
>>> ev = Event.build("M1", datetime(2027, 3, 12, 18), datetime(2027, 3, 14, 6))
>>> ev.n_slots, ev.slot_label(1)
(144, 'ven 18:15')
>>> windows = parse_windows("sam 09:10-10:00", ev)
>>> [ev.slot_label(i) for i in np.flatnonzero(windows.mask)]
['sam 09:15', 'sam 09:30', 'sam 09:45']
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from mitlib.core.errors import InputError
from mitlib.core.text import WEEKDAYS_FR, fold, format_fr
from mitlib.planning.yaml_reader import Fields, read_yaml_fields

__all__ = [
    "MAX_EVENT_HOURS",
    "Block",
    "Event",
    "Jury",
    "Windows",
    "load_event",
    "parse_windows",
]

#: Largest event file read (bytes): a short hand-written file.
#: Longest event (hours).
MAX_EVENT_HOURS = 72
#: Longest window written across midnight (``sam 22:00-01:00``), in hours.
MAX_OVERNIGHT_HOURS = 12

DAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
_DAY_INDEX = {name: i for names in (DAYS, WEEKDAYS_FR) for i, name in enumerate(names)}
_EXAMPLE = "« ven 18:00-22:00 | sam 09:00-12:30 »"


@dataclass(frozen=True)
class Block:
    """A block of the schedule (opening, meal, rehearsal, jury): no coaching."""

    name: str
    mask: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class Jury:
    """The jury: first pitch, pitch length, a break every *break_every* pitches."""

    start: datetime
    pitch_minutes: int
    break_every: int | None = None
    break_minutes: int = 0

    def duration_minutes(self, n_teams: int) -> int:
        """Length of the jury for *n_teams* pitches (no break after the last).

        >>> Jury(datetime(2027, 3, 14, 4), 10, 4, 15).duration_minutes(8)
        95
        """
        breaks = (n_teams - 1) // self.break_every if self.break_every else 0
        return n_teams * self.pitch_minutes + breaks * self.break_minutes


@dataclass(frozen=True, eq=False)
class Event:
    """A marathon cut into slots; masks are numpy bool arrays over the slots.

    Build one with :func:`load_event` (from ``marathon.yaml``) or
    :meth:`Event.build`.
    """

    marathon: str
    start: datetime
    end: datetime
    step_minutes: int = 15
    session_minutes: int = 45
    #: ``None``: the town hall of the host commune; else (latitude, longitude).
    welcome: tuple[float, float] | None = None
    #: Slots in the teams' work hours (before the blocks are taken out).
    team_hours: np.ndarray | None = field(default=None, repr=False)
    blocks: tuple[Block, ...] = ()
    jury: Jury | None = None
    #: French warnings met while reading the file.
    warnings: tuple[str, ...] = ()
    #: Host commune as written (name or INSEE code); ``None``: not given.
    host: str | None = None
    #: m² per team in the premises, and sessions per (team, coach) pair.
    surface_per_team: float = 25.0
    sessions_per_pair: int = 1

    @classmethod
    def build(cls, marathon: str, start: datetime, end: datetime, **kw) -> Event:
        """An event with the defaults (team work hours: the whole event)."""
        event = cls(marathon, start, end, **kw)
        if event.team_hours is None:
            event = replace(event, team_hours=np.ones(event.n_slots, dtype=bool))
        return event

    @property
    def n_slots(self) -> int:
        return int((self.end - self.start) / timedelta(minutes=self.step_minutes))

    @property
    def session_slots(self) -> int:
        """Slots taken by one coaching session."""
        return self.session_minutes // self.step_minutes

    @property
    def slot_starts(self) -> np.ndarray:
        """Start of every slot (``datetime64[m]``)."""
        step = np.timedelta64(self.step_minutes, "m")
        return np.datetime64(self.start, "m") + step * np.arange(self.n_slots)

    def slot_start(self, i: int) -> datetime:
        """Start of slot *i* (``i == n_slots``: the end of the event)."""
        i = int(i)
        if not 0 <= i <= self.n_slots:
            raise IndexError(f"créneau {i} hors de l'événement (0 à {self.n_slots})")
        return self.start + timedelta(minutes=self.step_minutes * i)

    def slot_label(self, i: int) -> str:
        """French label of slot *i*: « ven 18:15 »."""
        return _label(self.slot_start(i))

    @property
    def blocked(self) -> np.ndarray:
        """Slots inside a block: nobody is coached then."""
        mask = np.zeros(self.n_slots, dtype=bool)
        for block in self.blocks:
            mask |= block.mask
        return mask

    @property
    def work_slots(self) -> np.ndarray:
        """Slots where a team can be coached: work hours out of the blocks."""
        return self.team_hours & ~self.blocked

    def minutes(self, moment: datetime) -> float:
        """Minutes from the start of the event to *moment*."""
        return (moment - self.start) / timedelta(minutes=1)

    def span_label(self) -> str:
        return f"{_label(self.start)} → {_label(self.end)}"


class Windows(NamedTuple):
    """An availability cell read: its mask over the slots, French warnings."""

    mask: np.ndarray
    warnings: list[str]


def _label(moment: datetime) -> str:
    return f"{DAYS[moment.weekday()]} {moment:%H:%M}"


# --------------------------------------------------------------------------
# Availability windows
# --------------------------------------------------------------------------

_RANGE = re.compile(r"^\s*(\S+)\s*[-–—]\s*(\S+)\s*$")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_windows(text: object, event: Event, *, where: str = "") -> Windows:
    """Slots of *event* inside the windows of *text*, and French warnings.

    *text* is written ``ven 18:00-22:00 | sam 09:00-12:30``: pieces separated
    by ``|``, each a day (``lun`` … ``dim`` or the full name, accents and
    case ignored) and one or more ranges ``HH:MM-HH:MM`` separated by commas
    (``sam 09:00-12:30, 14:00-18:00``). ``24:00`` ends a day; a range whose
    end comes before its start crosses midnight (``sam 22:00-01:00``, at
    most :data:`MAX_OVERNIGHT_HOURS` hours). An empty cell means available
    during the whole event. A window is snapped inward to the slot grid (a
    coach available 09:10-10:00 is available from 09:15 on a 15-minute
    grid); a window outside the event is ignored, a window partly outside is
    cut; each of these is said in a warning.

    Parameters
    ----------
    where : str
        Prefix of the messages (file, line, column of the cell).

    Raises
    ------
    mitlib.core.errors.InputError
        A piece cannot be read (unknown day, hour not ``HH:MM``, reversed
        range…); the message names the piece.
    """
    mask = np.zeros(event.n_slots, dtype=bool)
    notes: list[str] = []
    if _is_empty(text):
        return Windows(~mask, notes)
    step = event.step_minutes
    for piece, start, end in _windows(str(text), event, where):
        prefix = f"{where} : " if where else ""
        lo, hi = max(start, 0.0), min(end, event.minutes(event.end))
        if hi <= lo:
            notes.append(
                f"{prefix}« {piece} » : en dehors du marathon "
                f"({event.span_label()}), ignorée."
            )
            continue
        if start < 0:
            notes.append(
                f"{prefix}« {piece} » : commence avant le début du marathon "
                f"({_label(event.start)}) ; seule la partie pendant le marathon compte."
            )
        if hi < end:
            notes.append(
                f"{prefix}« {piece} » : finit après la fin du marathon "
                f"({_label(event.end)}) ; seule la partie pendant le marathon compte."
            )
        first, last = math.ceil(lo / step), math.floor(hi / step)
        if last <= first:
            notes.append(
                f"{prefix}« {piece} » : plus courte qu'un créneau de {step} min une "
                "fois ramenée à la grille, ignorée."
            )
            continue
        if first * step != lo or last * step != hi:
            notes.append(
                f"{prefix}« {piece} » : ramenée à la grille de {step} min : "
                f"{event.slot_label(first)}-{event.slot_start(last):%H:%M}."
            )
        mask[first:last] = True
    return Windows(mask, notes)


def _is_empty(text: object) -> bool:
    if text is None:
        return True
    if isinstance(text, float) and math.isnan(text):
        return True
    return not str(text).strip()


def _windows(text: str, event: Event, where: str):
    """(piece, start, end) in minutes from the start of *event*, unclipped."""
    for raw in text.split("|"):
        piece = " ".join(raw.split())
        if not piece:
            continue

        def fail(problem: str, piece: str = piece) -> InputError:
            prefix = f"{where} : " if where else ""
            return InputError(f"{prefix}« {piece} » : {problem}.")

        day_word, _, ranges = piece.partition(" ")
        day = _day(day_word)
        if day is None:
            raise fail(
                f"jour « {day_word} » inconnu (attendu : {', '.join(DAYS)}, ou le nom "
                f"complet), par ex. {_EXAMPLE}"
            )
        if not ranges.strip():
            raise fail(f"plage horaire attendue après le jour, par ex. {_EXAMPLE}")
        midnight = _midnight(event, day)
        for part in ranges.split(","):
            match = _RANGE.match(part)
            if match is None:
                raise fail(
                    "plage attendue au format HH:MM-HH:MM (par ex. « sam 09:00-12:30 »)"
                )
            start, end = (_hhmm(t, fail) for t in match.groups())
            if start == 24 * 60:
                raise fail("24:00 ne peut être que la fin d'une plage")
            if end == start:
                raise fail("plage vide (le début et la fin sont à la même heure)")
            if end < start:
                if end + 24 * 60 - start > MAX_OVERNIGHT_HOURS * 60:
                    raise fail(
                        "fin avant le début ; une plage qui passe minuit s'écrit "
                        f"« sam 22:00-01:00 » ({MAX_OVERNIGHT_HOURS} h au plus)"
                    )
                end += 24 * 60
            base = event.minutes(midnight) if midnight else -1e9
            yield piece, base + start, base + end


def _day(word: str) -> int | None:
    return _DAY_INDEX.get(fold(word).rstrip(".").strip())


def _midnight(event: Event, weekday: int) -> datetime | None:
    """Midnight of the day of the event falling on *weekday*, if any."""
    day = event.start.date() - timedelta(days=1)  # a window may start the day before
    while day <= event.end.date():
        if day.weekday() == weekday:
            return datetime.combine(day, datetime.min.time())
        day += timedelta(days=1)
    return None


def _hhmm(text: str, fail) -> int:
    match = _HHMM.match(text)
    if match is None:
        raise fail(f"heure attendue au format HH:MM, pas « {text} » (par ex. 09:00)")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise fail(f"heure « {text} » impossible (de 00:00 à 24:00)")
    return hours * 60 + minutes


# --------------------------------------------------------------------------
# The event file
# --------------------------------------------------------------------------


def load_event(path: str | Path) -> Event:
    """The event of a ``marathon.yaml`` file (see ``data/exemple/marathon.yaml``).

    Raises
    ------
    mitlib.core.errors.InputError
        The file is missing, is not YAML, or a field is wrong; the message
        names the file, and the line and column where it applies.
    """
    path = Path(path)
    notes: list[str] = []
    data = read_yaml_fields(path, notes=notes)
    fields = _FieldReader(path.name, data)
    fields.check_known()
    marathon = fields.text("marathon")
    start = fields.moment("debut")
    end = fields.moment("fin")
    step = fields.integer("pas_minutes", default=15)
    if step <= 0 or 60 % step:
        raise fields.error(
            "pas_minutes", f"{step} ne divise pas 60 (5, 10, 15, 20, 30…)"
        )
    if start.minute % step:
        raise fields.error(
            "debut", f"{start:%H:%M} n'est pas sur la grille de {step} min"
        )
    hours = (end - start) / timedelta(hours=1)
    if hours <= 0:
        raise fields.error("fin", f"la fin ({end:%Y-%m-%d %H:%M}) précède le début")
    if hours > MAX_EVENT_HOURS:
        raise fields.error(
            "fin",
            f"{format_fr(hours, 0)} h après le début, plus que {MAX_EVENT_HOURS} h",
        )
    if (end - start) % timedelta(minutes=step):
        raise fields.error("fin", f"la durée n'est pas un multiple de {step} min")
    session = fields.integer("duree_seance_minutes")
    if session <= 0 or session % step or session > hours * 60:
        raise fields.error(
            "duree_seance_minutes",
            f"{session} min n'est pas un multiple positif du pas ({step} min) "
            "tenant dans l'événement",
        )
    event = Event(marathon, start, end, step, session, fields.welcome())
    team = data.get("heures_travail_equipes")
    team_hours = np.ones(event.n_slots, dtype=bool)
    if not _is_empty(team):
        if isinstance(team, list) and all(isinstance(t, str) for t in team):
            team = " | ".join(team)
        if not isinstance(team, str):
            raise fields.error(
                "heures_travail_equipes", f"plages attendues, {_EXAMPLE}"
            )
        where = fields.where("heures_travail_equipes")
        team_hours, found = parse_windows(team, event, where=where)
        notes += found
    blocks = fields.blocks(event)
    jury = fields.jury(event)
    host = fields.text("commune") if data.get("commune") is not None else None
    surface = data.get("surface_par_equipe_m2", 25)
    if type(surface) not in (int, float) or surface <= 0:  # bool is not a surface
        raise fields.error("surface_par_equipe_m2", f"« {surface} » : m² > 0 attendus")
    per_pair = fields.integer("seances_par_binome", default=1)
    if not 1 <= per_pair <= 10:
        raise fields.error("seances_par_binome", f"{per_pair} : de 1 à 10 attendu")
    return replace(
        event,
        team_hours=team_hours,
        blocks=blocks,
        jury=jury,
        warnings=tuple(notes),
        host=host,
        surface_per_team=float(surface),
        sessions_per_pair=per_pair,
    )


_KNOWN = [
    "marathon",
    "debut",
    "fin",
    "pas_minutes",
    "duree_seance_minutes",
    "accueil",
    "heures_travail_equipes",
    "blocs",
    "jury",
    "commune",
    "surface_par_equipe_m2",
    "seances_par_binome",
]
_DATETIME = re.compile(
    r"^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})/(\d{4}))[ T]+(\d{1,2}:\d{2})$"
)


class _FieldReader:
    """Typed access to the fields of a table, errors naming line and column."""

    def __init__(self, name: str, data: Mapping, context: str = ""):
        self.name, self.data, self.context = name, data, context

    def where(self, key: str) -> str:
        line, column = getattr(self.data, "marks", {}).get(key, (None, None))
        if line is None:
            line = getattr(self.data, "line", None)
            place = f", ligne {line}" if line else ""
        else:
            place = f", ligne {line}, colonne {column}"
        return f"Fichier de l'événement {self.name}{place} ({self.context}{key})"

    def error(self, key: str, problem: str) -> InputError:
        return InputError(f"{self.where(key)} : {problem}.")

    def check_known(self, known=_KNOWN) -> None:
        for key in self.data:
            if key not in known:
                raise self.error(
                    str(key), f"champ inconnu (champs : {', '.join(known)})"
                )

    def required(self, key: str) -> Any:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise self.error(key, "champ obligatoire manquant")
        return value

    def text(self, key: str) -> str:
        value = self.required(key)
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.error(key, "texte attendu")
        return str(value).strip()

    def integer(self, key: str, default: int | None = None) -> int:
        value = self.required(key) if default is None else self.data.get(key)
        if value is None:
            value = default
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(key, f"nombre entier attendu, pas « {value} »")
        return value

    def moment(self, key: str, event: Event | None = None) -> datetime:
        """A date and time (``2027-03-12 18:00``), or ``ven 18:00`` in *event*."""
        value = self.required(key)
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                raise self.error(key, "heure locale attendue, sans fuseau")
            return value
        if isinstance(value, date):
            raise self.error(key, f"heure manquante : écrivez « {value} 18:00 »")
        text = " ".join(str(value).split())
        match = _DATETIME.match(text)
        fail = lambda problem: self.error(key, f"« {text} » : {problem}")  # noqa: E731
        if match:
            y, m, d = match.group(1, 2, 3) if match[1] else match.group(6, 5, 4)
            minutes = _hhmm(match[7], fail)
            try:
                day = datetime(int(y), int(m), int(d))
            except ValueError:
                raise fail("date impossible") from None
            return day + timedelta(minutes=minutes)
        day_word, _, clock = text.partition(" ")
        weekday = _day(day_word)
        if event is None or weekday is None:
            raise fail("date et heure attendues au format « 2027-03-12 18:00 »")
        midnight = _midnight(event, weekday)
        if midnight is None:
            raise fail(f"ce jour n'est pas dans le marathon ({event.span_label()})")
        return midnight + timedelta(minutes=_hhmm(clock, fail))

    def welcome(self) -> tuple[float, float] | None:
        value = self.data.get("accueil", "mairie")
        if isinstance(value, str) and fold(value) == "mairie":
            return None
        if not isinstance(value, Mapping):
            raise self.error("accueil", "« mairie » ou latitude et longitude attendues")
        sub = _FieldReader(self.name, value, "accueil.")
        sub.check_known(("latitude", "longitude", "nom"))
        point = []
        for key, limit in (("latitude", 90), ("longitude", 180)):
            number = sub.required(key)
            if not isinstance(number, int | float) or isinstance(number, bool):
                raise sub.error(key, f"nombre attendu, pas « {number} »")
            if not -limit <= number <= limit:
                raise sub.error(key, f"{number} hors de -{limit} à {limit}")
            point.append(float(number))
        return point[0], point[1]

    def blocks(self, event: Event) -> tuple[Block, ...]:
        value = self.data.get("blocs")
        if _is_empty(value):
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.error("blocs", "liste de blocs attendue (nom, debut, fin)")
        blocks = []
        for i, item in enumerate(value, 1):
            blocks.append(self._block(event, item, i))
        return tuple(blocks)

    def _block(self, event: Event, item: object, i: int) -> Block:
        if isinstance(item, str):
            item = Fields(nom=f"bloc {i}", creneaux=item)
            item.marks = {"creneaux": self.data.marks.get("blocs", (None, None))}
            item.line = None
        if not isinstance(item, Mapping):
            raise self.error(
                "blocs", f"bloc n° {i} : « nom », « debut » et « fin » attendus"
            )
        sub = _FieldReader(self.name, item, f"blocs, n° {i}, ")
        sub.check_known(("nom", "debut", "fin", "creneaux"))
        name = sub.text("nom") if "nom" in item else f"bloc {i}"
        total = event.minutes(event.end)
        if "creneaux" in item:
            spans = [
                (f"« {piece} »", a, b, "creneaux")
                for piece, a, b in _windows(
                    str(sub.required("creneaux")), event, sub.where("creneaux")
                )
            ]
        else:
            a, b = sub.moment("debut", event), sub.moment("fin", event)
            if b <= a:
                raise sub.error("fin", "la fin du bloc précède son début")
            spans = [
                (f"{_label(a)}-{b:%H:%M}", event.minutes(a), event.minutes(b), "fin")
            ]
        mask = np.zeros(event.n_slots, dtype=bool)
        step = event.step_minutes
        for text, a, b, key in spans:
            if a < 0 or b > total:
                raise sub.error(
                    key, f"{text} déborde du marathon ({event.span_label()})"
                )
            # outward: a slot touching the block is blocked
            mask[math.floor(a / step) : math.ceil(b / step)] = True
        return Block(name, mask)

    def jury(self, event: Event) -> Jury | None:
        value = self.data.get("jury")
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.error("jury", "table attendue (debut, duree_pitch_minutes…)")
        sub = _FieldReader(self.name, value, "jury.")
        sub.check_known(
            ("debut", "duree_pitch_minutes", "pause_toutes_les", "pause_minutes")
        )
        start = sub.moment("debut", event)
        if not event.start <= start < event.end:
            raise sub.error("debut", f"hors du marathon ({event.span_label()})")
        pitch = sub.integer("duree_pitch_minutes")
        every = value.get("pause_toutes_les")
        if every is not None:
            every = sub.integer("pause_toutes_les")
        pause = sub.integer("pause_minutes", default=0)
        for key, number in (
            ("duree_pitch_minutes", pitch),
            ("pause_toutes_les", every),
        ):
            if number is not None and number <= 0:
                raise sub.error(key, f"{number} : nombre positif attendu")
        if pause < 0:
            raise sub.error("pause_minutes", f"{pause} : nombre positif ou nul attendu")
        return Jury(start, pitch, every, pause)
