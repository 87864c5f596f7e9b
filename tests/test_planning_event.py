"""Tests of the event file and the availability windows (mitlib.planning.event)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import numpy as np
import pytest

from mitlib.core.config import EXAMPLE_DIR
from mitlib.core.errors import InputError
from mitlib.planning.event import Event, Jury, load_event, parse_windows

START = datetime(2027, 3, 12, 18)  # a Friday
END = datetime(2027, 3, 14, 6)  # Sunday: 36 h later
DAY_OFFSET = {"ven": -18 * 4, "sam": 6 * 4, "dim": 30 * 4}  # slot of midnight


@pytest.fixture(scope="module")
def event() -> Event:
    return Event.build("M1", START, END)


def slot(day: str, hhmm: str) -> int:
    """Index of the slot starting at *day* *hhmm* (15-minute grid from ven 18:00)."""
    hours, minutes = map(int, hhmm.split(":"))
    return DAY_OFFSET[day] + hours * 4 + minutes // 15


def mask_of(*ranges: tuple[int, int], n: int = 144) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for first, stop in ranges:
        mask[first:stop] = True
    return mask


# --------------------------------------------------------------------------
# Slots
# --------------------------------------------------------------------------


def test_slots_of_36_hours(event):
    assert event.n_slots == 144  # 36 h / 15 min
    assert event.session_slots == 3
    assert [event.slot_label(i) for i in (0, 1, 24, 60, 143)] == [
        "ven 18:00",
        "ven 18:15",
        "sam 00:00",
        "sam 09:00",
        "dim 05:45",
    ]
    assert event.slot_starts[60] == np.datetime64("2027-03-13T09:00")
    assert event.slot_start(144) == END
    assert event.team_hours.all() and not event.blocked.any()
    with pytest.raises(IndexError):
        event.slot_label(145)


# --------------------------------------------------------------------------
# Availability windows
# --------------------------------------------------------------------------


def test_two_windows(event):
    mask, notes = parse_windows("ven 18:00-22:00 | sam 09:00-12:30", event)
    assert notes == []
    np.testing.assert_array_equal(mask, mask_of((0, 16), (60, 74)))
    assert mask.sum() == 16 + 14


@pytest.mark.parametrize(
    "text",
    [
        "vendredi 18:00-22:00",
        "VEN. 18:00 - 22:00",
        "Vendredi 18:00–22:00",
        "  ven   18:00-22:00  |  ",
        "vèn 18:00-22:00",
        "ven 18:00-20:00, 20:00-22:00",
        "ven 18:00-21:00 | ven 19:00-22:00",
    ],
)
def test_formats_of_the_same_window(event, text):
    mask, notes = parse_windows(text, event)
    assert notes == []
    np.testing.assert_array_equal(mask, mask_of((0, 16)))


def test_several_ranges_in_one_day_and_full_names(event):
    mask, _ = parse_windows(
        "SAMEDI 9:00-12:30, 14:00-18:00 | dimanche 00:00-02:00", event
    )
    expected = mask_of((60, 74), (80, 96), (120, 128))
    np.testing.assert_array_equal(mask, expected)


def test_midnight_and_24_00(event):
    mask, notes = parse_windows("sam 22:00-24:00", event)
    np.testing.assert_array_equal(mask, mask_of((112, 120)))
    mask, notes = parse_windows("sam 22:00-01:00", event)
    assert notes == []
    np.testing.assert_array_equal(mask, mask_of((112, 124)))
    assert event.slot_label(123) == "dim 00:45"
    mask, _ = parse_windows("ven 23:30-02:00", event)
    np.testing.assert_array_equal(mask, mask_of((22, 32)))


@pytest.mark.parametrize("empty", ["", "   ", None, float("nan")])
def test_empty_cell_means_the_whole_event(event, empty):
    mask, notes = parse_windows(empty, event)
    assert mask.all() and mask.shape == (144,) and notes == []


def test_snapped_inward_with_a_warning(event):
    mask, notes = parse_windows("sam 09:10-10:00", event)
    np.testing.assert_array_equal(mask, mask_of((61, 64)))
    assert notes == [
        "« sam 09:10-10:00 » : ramenée à la grille de 15 min : sam 09:15-10:00."
    ]
    mask, notes = parse_windows("sam 09:00-09:50", event)
    np.testing.assert_array_equal(mask, mask_of((60, 63)))
    assert "sam 09:00-09:45" in notes[0]
    mask, notes = parse_windows("sam 09:05-09:20", event)
    assert not mask.any()
    assert notes == [
        "« sam 09:05-09:20 » : plus courte qu'un créneau de 15 min une fois "
        "ramenée à la grille, ignorée."
    ]


def test_windows_outside_the_event_are_warned(event):
    mask, notes = parse_windows("mar 09:00-12:00 | ven 14:00-20:00", event)
    np.testing.assert_array_equal(mask, mask_of((0, 8)))
    assert notes == [
        "« mar 09:00-12:00 » : en dehors du marathon (ven 18:00 → dim 06:00), ignorée.",
        "« ven 14:00-20:00 » : commence avant le début du marathon (ven 18:00) ; "
        "seule la partie pendant le marathon compte.",
    ]
    mask, notes = parse_windows("dim 04:00-08:00 | ven 09:00-12:00", event)
    np.testing.assert_array_equal(mask, mask_of((136, 144)))
    assert notes[0].startswith("« dim 04:00-08:00 » : finit après la fin du marathon")
    assert notes[1].startswith("« ven 09:00-12:00 » : en dehors du marathon")


def test_window_from_the_day_before():
    ev = Event.build("M1", datetime(2027, 3, 12), datetime(2027, 3, 13))  # ven 00:00
    mask, notes = parse_windows("jeu 22:00-02:00", ev)
    np.testing.assert_array_equal(mask, mask_of((0, 8), n=96))
    assert notes[0].startswith("« jeu 22:00-02:00 » : commence avant le début")


def test_windows_against_brute_force(event):
    """A slot is available iff every minute of it is inside a window."""
    rng = random.Random(12)
    for _ in range(300):
        day = rng.choice(["ven", "sam", "dim"])
        a = rng.randrange(0, 24 * 60 - 1)
        b = rng.randrange(a + 1, 24 * 60 + 1)
        text = f"{day} {a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
        mask, _ = parse_windows(text, event)
        midnight = datetime.combine(
            START.date() + timedelta(days=["ven", "sam", "dim"].index(day)),
            datetime.min.time(),
        )
        lo, hi = midnight + timedelta(minutes=a), midnight + timedelta(minutes=b)
        expected = [
            all(
                lo <= event.slot_start(i) + timedelta(minutes=m) < hi for m in range(15)
            )
            for i in range(144)
        ]
        assert mask.tolist() == expected, text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sam 9h-12h", "« sam 9h-12h » : heure attendue au format HH:MM, pas « 9h »"),
        ("samdi 09:00-12:00", "« samdi 09:00-12:00 » : jour « samdi » inconnu"),
        ("18:00-22:00", "« 18:00-22:00 » : jour « 18:00-22:00 » inconnu"),
        ("sam", "« sam » : plage horaire attendue après le jour"),
        ("sam 09:00", "« sam 09:00 » : plage attendue au format HH:MM-HH:MM"),
        ("sam 25:00-26:00", "« sam 25:00-26:00 » : heure « 25:00 » impossible"),
        ("sam 09:60-10:00", "« sam 09:60-10:00 » : heure « 09:60 » impossible"),
        ("sam 24:00-02:00", "« sam 24:00-02:00 » : 24:00 ne peut être que la fin"),
        ("sam 12:00-09:00", "« sam 12:00-09:00 » : fin avant le début"),
        ("sam 09:00-09:00", "« sam 09:00-09:00 » : plage vide"),
        ("ven 18:00-22:00 | sam 9:00-12h", "« sam 9:00-12h » : heure attendue"),
        ("ven 18:00-22:00 sam 09:00-12:00", "« ven 18:00-22:00 sam 09:00-12:00 »"),
    ],
)
def test_errors_name_the_piece(event, text, message):
    with pytest.raises(InputError) as err:
        parse_windows(text, event)
    assert str(err.value).startswith(message), str(err.value)


def test_error_prefix(event):
    with pytest.raises(InputError) as err:
        parse_windows("sam 9h-12h", event, where="coachs.csv, ligne 4")
    assert str(err.value) == (
        "coachs.csv, ligne 4 : « sam 9h-12h » : heure attendue au format HH:MM, "
        "pas « 9h » (par ex. 09:00)."
    )


# --------------------------------------------------------------------------
# The event file
# --------------------------------------------------------------------------


def test_sample_event_file():
    ev = load_event(EXAMPLE_DIR / "marathon.yaml")
    start = datetime(2027, 3, 12, 9)
    assert (ev.marathon, ev.start, ev.end) == ("M2", start, start + timedelta(hours=36))
    assert (ev.host, ev.surface_per_team, ev.sessions_per_pair) == ("Aiguillon", 25, 1)
    assert (ev.n_slots, ev.step_minutes, ev.session_slots) == (144, 15, 3)
    assert ev.welcome is None and ev.warnings == ()
    # ven 10:00-24:00 | sam 00:00-02:00, 07:00-17:30 on the 15-min grid from ven 09:00
    team = mask_of((4, 60), (60, 68), (88, 130))
    np.testing.assert_array_equal(ev.team_hours, team)
    assert ev.team_hours.sum() == 56 + 8 + 42
    blocks = {b.name: np.flatnonzero(b.mask).tolist() for b in ev.blocks}
    assert blocks == {
        "Ouverture": [0, 1, 2, 3],
        "Repas": [14, 15, 16, 17, 42, 43, 44, 45, 110, 111, 112, 113],
        "Répétition des pitchs": list(range(122, 128)),
        "Jury": list(range(132, 142)),
    }
    assert ev.slot_label(110) == "sam 12:30" and ev.slot_label(122) == "sam 15:30"
    assert ev.blocked.sum() == 32
    assert ev.work_slots.sum() == 106 - 12 - 6  # meals and rehearsal in work hours
    assert ev.jury == Jury(datetime(2027, 3, 13, 18), 10, 4, 15)
    assert ev.jury.duration_minutes(8) == 8 * 10 + 1 * 15
    # 12 teams: 150 minutes, the whole jury block (18:00-20:30)
    assert ev.jury.duration_minutes(12) == 12 * 10 + 2 * 15 == 10 * 15


BASE = """\
marathon: M2
debut: 2027-03-12 18:00
fin: 2027-03-14 06:00
duree_seance_minutes: 30
"""


def write(tmp_path, text: str):
    path = tmp_path / "marathon.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_other_forms(tmp_path):
    ev = load_event(write(tmp_path, BASE))
    assert (ev.step_minutes, ev.session_slots, ev.welcome, ev.blocks) == (
        15,
        2,
        None,
        (),
    )
    assert ev.team_hours.all() and ev.jury is None
    text = BASE.replace("2027-03-12 18:00", "12/03/2027 18:00") + (
        "pas_minutes: 30\n"
        "accueil: {nom: Halle, latitude: 44.4085, longitude: 0.704}\n"
        "heures_travail_equipes: [ven 19:00-24:00, sam 08:10-20:00]\n"
        "blocs: sam 12:10-12:20\n"
    )
    ev = load_event(write(tmp_path, text))
    assert ev.n_slots == 72 and ev.welcome == (44.4085, 0.704)
    # team hours snap inward (08:10 → 08:30), blocks outward (12:10-12:20 → 12:00-12:30)
    np.testing.assert_array_equal(ev.team_hours, mask_of((2, 12), (29, 52), n=72))
    assert ev.warnings == (
        "Fichier de l'événement marathon.yaml, ligne 7, colonne 25 "
        "(heures_travail_equipes) : « sam 08:10-20:00 » : ramenée à la grille de "
        "30 min : sam 08:30-20:00.",
    )
    assert [(b.name, np.flatnonzero(b.mask).tolist()) for b in ev.blocks] == [
        ("bloc 1", [36])
    ]
    text = BASE + "blocs:\n  - {nom: Atelier, debut: sam 12:10, fin: sam 12:20}\n"
    (block,) = load_event(write(tmp_path, text)).blocks
    assert np.flatnonzero(block.mask).tolist() == [72, 73]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("pas_minutes: 7\n", "ligne 5, colonne 14 (pas_minutes) : 7 ne divise pas 60"),
        ("pas_minutes: quinze\n", "ligne 5, colonne 14 (pas_minutes) : nombre entier"),
        ("blocks: []\n", "ligne 5, colonne 9 (blocks) : champ inconnu"),
        (
            "heures_travail_equipes: sam 9h-12h\n",
            "ligne 5, colonne 25 (heures_travail_equipes) : « sam 9h-12h » : heure "
            "attendue au format HH:MM",
        ),
        (
            "blocs:\n  - nom: Repas\n    debut: lun 12:00\n    fin: lun 13:00\n",
            "ligne 7, colonne 12 (blocs, n° 1, debut) : « lun 12:00 » : ce jour "
            "n'est pas dans le marathon (ven 18:00 → dim 06:00)",
        ),
        (
            "blocs:\n  - nom: Accueil\n    debut: ven 17:00\n    fin: ven 19:00\n",
            "ligne 8, colonne 10 (blocs, n° 1, fin) : ven 17:00-19:00 déborde du "
            "marathon",
        ),
        (
            "blocs:\n  - nom: Repas\n    creneaux: sam 12:30-13:30 | dim 12:00-13:00\n",
            "ligne 7, colonne 15 (blocs, n° 1, creneaux) : « dim 12:00-13:00 » déborde",
        ),
        (
            "jury: {debut: sam 18:00, duree_pitch_minutes: 0}\n",
            "ligne 5, colonne 47 (jury.duree_pitch_minutes) : 0 : nombre positif",
        ),
        (
            "jury: {debut: dim 07:00, duree_pitch_minutes: 10}\n",
            "ligne 5, colonne 15 (jury.debut) : hors du marathon",
        ),
        (
            "surface_par_equipe_m2: -3\n",
            "ligne 5, colonne 24 (surface_par_equipe_m2) : « -3 » : m² > 0 attendus",
        ),
        (
            "seances_par_binome: 0\n",
            "ligne 5, colonne 21 (seances_par_binome) : 0 : de 1 à 10 attendu",
        ),
        (
            "accueil: {latitude: 144.4, longitude: 0.7}\n",
            "ligne 5, colonne 21 (accueil.latitude) : 144.4 hors de -90 à 90",
        ),
    ],
)
def test_field_errors_give_line_and_column(tmp_path, extra, message):
    with pytest.raises(InputError) as err:
        load_event(write(tmp_path, BASE + extra))
    assert str(err.value).startswith(f"Fichier de l'événement marathon.yaml, {message}")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("2027-03-14 06:00", "2027-03-12 17:00", "ligne 3, colonne 6 (fin) : la fin"),
        ("2027-03-14 06:00", "2027-03-16 06:00", "ligne 3, colonne 6 (fin) : 84 h"),
        (
            "2027-03-12 18:00",
            "2027-03-12",
            "ligne 2, colonne 8 (debut) : heure manquante",
        ),
        ("2027-03-12 18:00", "2027-02-30 18:00", "ligne 2, colonne 8 (debut) : « "),
        (
            "2027-03-12 18:00",
            "2027-03-12 18:05",
            "ligne 2, colonne 8 (debut) : 18:05 n'est pas sur la",
        ),
        ("30\n", "40\n", "ligne 4, colonne 23 (duree_seance_minutes) : 40 min"),
        ("marathon: M2\n", "", "ligne 1 (marathon) : champ obligatoire manquant"),
    ],
)
def test_date_errors(tmp_path, old, new, message):
    with pytest.raises(InputError) as err:
        load_event(write(tmp_path, BASE.replace(old, new)))
    assert str(err.value).startswith(f"Fichier de l'événement marathon.yaml, {message}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("marathon: M1\n\tdebut: x\n", "ligne 2, colonne 1 : tabulation interdite"),
        (
            "marathon: M1\nmarathon: M2\n",
            "ligne 2, colonne 1 : clé « marathon » en double",
        ),
        (
            "marathon: M1\ndebut: [2027\n",
            "ligne 3, colonne 1 : crochet « [ » non refermé",
        ),
    ],
)
def test_yaml_errors_give_line_and_column(tmp_path, text, message):
    with pytest.raises(InputError) as err:
        load_event(write(tmp_path, text))
    assert str(err.value).startswith(
        f"Fichier de l'événement marathon.yaml illisible, {message}"
    )


def test_unsafe_or_missing_files(tmp_path):
    with pytest.raises(InputError, match="ligne 1, colonne 4 : les ancres et alias"):
        load_event(write(tmp_path, "a: &x 1\nb: *x\n"))
    with pytest.raises(InputError, match="structure trop profondément imbriquée"):
        load_event(write(tmp_path, "a: " + "[" * 12 + "]" * 12 + "\n"))
    with pytest.raises(InputError, match="une table de champs est attendue"):
        load_event(write(tmp_path, "- M1\n"))
    with pytest.raises(InputError, match="introuvable"):
        load_event(tmp_path / "absent.yaml")
    path = tmp_path / "cp1252.yaml"
    path.write_bytes(BASE.replace("M2", "Réunion").encode("cp1252"))
    with pytest.warns(UserWarning, match="Windows-1252"):
        ev = load_event(path)
    assert ev.marathon == "Réunion"
