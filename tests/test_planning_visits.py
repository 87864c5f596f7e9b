"""Coach visits (mitlib.planning.visits): brute force on tiny instances."""

from __future__ import annotations

import itertools
import time
from datetime import datetime

import numpy as np
import pytest

from mitlib.core.config import EXAMPLE_DIR
from mitlib.core.errors import OptionError
from mitlib.planning.event import Block, Event, load_event
from mitlib.planning.visit_model import walk_slots
from mitlib.planning.visits import OPTIMAL, schedule_visits


def tiny_event(n_slots=12, session=30, blocked=()):
    """Event of *n_slots* 15-min slots from Friday 10:00, blocks at given slots."""
    start = datetime(2027, 3, 12, 10)
    end = datetime(2027, 3, 12, 10 + n_slots // 4, 15 * (n_slots % 4))
    ev = Event.build("T", start, end, session_minutes=session)
    mask = np.zeros(ev.n_slots, dtype=bool)
    mask[list(blocked)] = True
    blocks = (Block("Repas", mask),) if len(blocked) else ()
    return Event.build("T", start, end, session_minutes=session, blocks=blocks)


def brute(ev, pairs, masks, where, walk, k=1, cap=16):
    """(max sessions, max Σ capped team gaps) over every placement."""
    size, n = ev.session_slots, ev.n_slots
    work = ev.work_slots
    options = []
    for _team, coach in pairs:
        ok = [
            s for s in range(n - size + 1) if (work & masks[coach])[s : s + size].all()
        ]
        options += [[None, *ok]] * k
    jobs = [p for p in pairs for _ in range(k)]
    teams = sorted({t for t, _ in pairs})
    best = (-1, -1)
    for choice in itertools.product(*options):
        placed = [(j, s) for j, s in zip(jobs, choice, strict=True) if s is not None]
        if not feasible(placed, size, where, walk):
            continue
        spread = 0
        for t in teams:
            st = sorted(s for (tt, _), s in placed if tt == t)
            gaps = [b - a - size for a, b in itertools.pairwise(st)]
            spread += min([cap, *gaps])
        best = max(best, (len(placed), spread))
    return best


def feasible(placed, size, where, walk):
    for ((t1, c1), s1), ((t2, c2), s2) in itertools.combinations(placed, 2):
        if (t1 == t2 or c1 == c2) and s1 < s2 + size and s2 < s1 + size:
            return False
        if c1 == c2 and where[t1] != where[t2]:
            a, b = ((t1, s1), (t2, s2)) if s1 <= s2 else ((t2, s2), (t1, s1))
            if b[1] < a[1] + size + walk.get((where[a[0]], where[b[0]]), 0):
                return False
    return True


def random_instance(rng, n_slots=16):
    ev = tiny_event(n_slots, 30, blocked=rng.choice(n_slots, 2, replace=False))
    teams = [f"E{i}" for i in range(rng.integers(1, 4))]
    coaches = [f"K{i}" for i in range(rng.integers(1, 4))]
    pairs = sorted(
        {(str(rng.choice(teams)), str(rng.choice(coaches))) for _ in range(3)}
    )
    masks = {}
    for c in coaches:
        m = np.zeros(n_slots, dtype=bool)
        a = int(rng.integers(0, n_slots - 3))
        m[a : a + int(rng.integers(3, n_slots - a + 1))] = True
        masks[c] = m
    where = {t: f"L{rng.integers(0, 2)}" for t in teams}
    minutes = {("L0", "L1"): int(rng.integers(0, 40))}
    return ev, pairs, masks, where, minutes


@pytest.mark.parametrize("seed", range(12))
def test_random_tiny_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    ev, pairs, masks, where, minutes = random_instance(rng)
    k = 1 if len(pairs) > 2 else 2
    plan = schedule_visits(
        ev,
        pairs,
        coach_windows=masks,
        team_premises=where,
        walk_minutes=minutes,
        sessions_per_pair=k,
        seconds=5,
    )
    assert plan.check() == []
    assert plan.status == OPTIMAL
    walk = walk_slots(["L0", "L1"], minutes, 15)
    placed, spread = brute(ev, pairs, masks, where, walk, k)
    assert plan.stages[0].value == placed == len(plan.sessions)
    assert plan.stages[1].value == spread
    assert plan.unplaced["manquantes"].sum() == len(pairs) * k - placed


def test_walking_time_is_kept():
    ev = tiny_event(12, 30)
    pairs = [("E1", "K1"), ("E2", "K1")]
    masks = {"K1": np.r_[np.ones(6, bool), np.zeros(6, bool)]}  # 10:00-11:30
    # 2 sessions of 2 slots + 2 slots of walking (20 min) fit in 6 slots
    plan = schedule_visits(
        ev,
        pairs,
        coach_windows=masks,
        team_premises={"E1": "A", "E2": "B"},
        walk_minutes={("A", "B"): 20},
    )
    assert plan.check() == [] and len(plan.sessions) == 2
    s = plan.sessions.sort_values("debut")
    assert list(s["debut"]) == [0, 4]
    # 35 min → 3 slots: only one session fits; the other one is diagnosed
    plan = schedule_visits(
        ev,
        pairs,
        coach_windows=masks,
        team_premises={"E1": "A", "E2": "B"},
        walk_minutes={("A", "B"): 35},
    )
    assert len(plan.sessions) == 1 and plan.check() == []
    assert "temps de marche de K1" in plan.unplaced["motif"].iloc[0]


def test_walking_closed_by_shortest_paths():
    walk = walk_slots(
        ["A", "B", "C"], {("A", "B"): 10, ("B", "C"): 10, ("A", "C"): 60}, 15
    )
    assert walk["A", "C"] == 2 and walk["C", "A"] == 2 and walk["A", "B"] == 1
    with pytest.raises(OptionError, match="entre les locaux A et C"):
        walk_slots(["A", "B", "C"], {("A", "B"): 10}, 15)


def test_no_common_window_sentence():
    ev = tiny_event(16, 45, blocked=[4])  # team works 10:00-11:00, 11:15-14:00
    plan = schedule_visits(
        ev, [("M1-P03", "K-004")], coach_windows={"K-004": "ven 10:30-11:30"}
    )
    assert plan.sessions.empty
    assert plan.unplaced["motif"].tolist() == [
        "K-004 et M1-P03 : aucune plage commune de 45 min — K-004 disponible "
        "ven 10:30-11:30, l'équipe travaille ven 10:00-11:00, ven 11:15-14:00 "
        "(hors blocs)."
    ]


def test_short_window_and_taken_sentences():
    ev = tiny_event(12, 45)
    plan = schedule_visits(
        ev,
        [("E1", "K1"), ("E1", "K2"), ("E2", "K3")],
        coach_windows={
            "K1": "ven 10:00-10:45",
            "K2": "ven 10:00-10:45",
            "K3": "ven 10:00-10:30",
        },
    )
    assert len(plan.sessions) == 1 and plan.check() == []
    motifs = dict(zip(plan.unplaced["coach"], plan.unplaced["motif"], strict=True))
    assert motifs["K3"] == (
        "K3 et E2 : les plages de K3 (ven 10:00-10:30) sont toutes plus courtes "
        "qu'une séance de 45 min."
    )
    late = "K2" if "K2" in motifs else "K1"
    assert motifs[late].endswith("sont prises — l'équipe E1 est prise.")


def test_two_sessions_spread():
    ev = tiny_event(12, 30)
    plan = schedule_visits(ev, [("E1", "K1")], sessions_per_pair=2)
    # 12 slots, two sessions of 2: best gap 8 slots
    assert list(plan.sessions["debut"]) == [0, 10]
    assert plan.stages[1].value == 8


def test_bad_options():
    ev = tiny_event()
    with pytest.raises(OptionError, match="deux fois"):
        schedule_visits(ev, [("E1", "K1"), ("E1", "K1")])
    with pytest.raises(OptionError, match="aucun local pour E2"):
        schedule_visits(ev, [("E1", "K1"), ("E2", "K1")], team_premises={"E1": "A"})
    with pytest.raises(OptionError, match="entier"):
        schedule_visits(ev, [("E1", "K1")], sessions_per_pair=0)


def test_sample_marathon(capsys):
    ev = load_event(EXAMPLE_DIR / "marathon.yaml")
    teams = [f"M1-P{i:02d}" for i in range(1, 9)]
    pairs = [(teams[c % 8], f"K-{c:03d}") for c in range(24)]
    where = {t: f"L{i % 3}" for i, t in enumerate(teams)}
    walk = {("L0", "L1"): 7, ("L0", "L2"): 12, ("L1", "L2"): 20}
    began = time.perf_counter()
    plan = schedule_visits(ev, pairs, team_premises=where, walk_minutes=walk)
    with capsys.disabled():
        print(f"\nvisites, exemple 8×3 : {time.perf_counter() - began:.2f} s")
    assert plan.check() == []
    assert len(plan.sessions) == 24 and plan.unplaced.empty
    assert plan.status == OPTIMAL
    assert plan.summary().startswith("24 séances placées sur 24 demandées")
    grid = plan.team_timetable()
    assert grid.shape == (ev.n_slots, 8)
    assert (grid != "").sum().sum() == 24 * ev.session_slots
    assert plan.coach_timetable().shape == (ev.n_slots, 24)
