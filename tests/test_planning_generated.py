"""Planning on generated instances, checked by code written here (issue 12).

Coach visits (:func:`schedule_visits`): seeded instances with availability
windows written as text (off the grid, across midnight, several ranges a
day, full day names), numpy masks, blocks, several sessions per pair and
walking across three or more premises. Each plan is checked by
:func:`violations` below, which works in *minutes* from the intervals the
instance was generated from (not from the library's masks, nor
``VisitPlan.check``); on the small ones the number of sessions placed is
compared with a time-indexed MILP solved here by :func:`scipy.optimize.milp`.
Pairs that cannot meet get a French ``motif`` predicted here.

Premises (:func:`assign_premises`): the optimum is compared with an
enumeration of every set of premises.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pytest
from conftest import l93_points
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from mitlib.planning.event import Block, Event, parse_windows
from mitlib.planning.premises import assign_premises
from mitlib.planning.visits import OPTIMAL, schedule_visits

FRIDAY = datetime(2027, 3, 12)  # midnight; minutes below count from here
DAY_NAMES = {
    0: ["ven", "Vendredi", "VEN."],
    1: ["sam", "samedi", "Sam"],
    2: ["dim", "dimanche"],
}
LABELS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
STEP = 15


# ---------------------------------------------------------------- instances


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def text_of(spans: list[tuple[int, int]], rng) -> str:
    """Absolute (start, end) minutes from Friday 00:00 → « ven 18:00-22:00 | … ».

    A span ending at midnight ends « 24:00 »; one crossing it ends the next
    day (« ven 22:00-01:00 »); two spans of a day go in one piece, « , ».
    """
    by_day: dict[int, list[str]] = {}
    for start, end in spans:
        day, first = divmod(start, 1440)
        last = end - day * 1440
        stop = "24:00" if last == 1440 else hhmm(last % 1440)
        by_day.setdefault(day, []).append(f"{hhmm(first)}-{stop}")
    return " | ".join(
        f"{rng.choice(DAY_NAMES[day])} {', '.join(ranges)}"
        for day, ranges in by_day.items()
    )


def minute_mask(spans, origin: int, total: int) -> np.ndarray:
    """Minutes of the event inside the union of *spans* (absolute minutes)."""
    mask = np.zeros(total, dtype=bool)
    for start, end in spans:
        mask[max(start - origin, 0) : max(min(end - origin, total), 0)] = True
    return mask


@dataclass
class Instance:
    event: Event
    origin: int  # event start, minutes from Friday 00:00
    work: np.ndarray  # per minute: team work hours
    blocked: np.ndarray  # per minute: a block
    pairs: list[tuple[str, str]]
    windows: dict  # coach → what schedule_visits is given (text or slot mask)
    available: dict  # coach → per minute availability (the truth)
    where: dict  # team → premises
    walk: dict  # (premises, premises) → minutes, one direction given
    expected: dict = field(default_factory=dict)  # (team, coach) → motif kind

    @property
    def session(self) -> int:
        return self.event.session_minutes

    def ok_starts(self, coach: str) -> list[int]:
        """Slots where a session fits, from the minute masks."""
        free = self.work & ~self.blocked & self.available[coach]
        n = self.event.n_slots - self.session // STEP + 1
        return [s for s in range(n) if free[s * STEP : s * STEP + self.session].all()]


def make_event(origin, hours, session, team_spans, blocks, rng):
    start = FRIDAY + timedelta(minutes=origin)
    end = start + timedelta(hours=hours)
    total = hours * 60
    base = Event.build("G", start, end, session_minutes=session)
    team = parse_windows(text_of(team_spans, rng), base).mask
    made = tuple(
        Block(f"bloc {i}", parse_windows(text_of([span], rng), base).mask)
        for i, span in enumerate(blocks)
    )
    event = Event.build(
        "G", start, end, session_minutes=session, team_hours=team, blocks=made
    )
    work = minute_mask(team_spans, origin, total)
    blocked = minute_mask(blocks, origin, total)
    return event, work, blocked


def random_spans(rng, lo: int, hi: int, n: int, longest: int = 60):
    """*n* windows starting between *lo* and *hi*, any 5 minutes, 20 min and
    more (*longest* times 5 minutes at most)."""
    spans = []
    for _ in range(n):
        start = int(rng.integers(lo // 5, hi // 5)) * 5
        spans.append((start, start + int(rng.integers(4, longest + 1)) * 5))
    return spans


def small_instance(seed: int) -> Instance:
    """Friday 17:00 → Saturday 01:00 (32 slots), 3 premises, one block."""
    rng = np.random.default_rng(seed)
    origin, hours = 17 * 60, 8
    a = int(rng.integers(70, 90)) * 15  # block from 17:30 to 22:15
    event, work, blocked = make_event(
        origin,
        hours,
        int(rng.choice([30, 45])),
        [(17 * 60 + 30, 24 * 60), (24 * 60, 25 * 60)],
        [(a, a + int(rng.integers(2, 5)) * 15)],
        rng,
    )
    teams = [f"E{i}" for i in range(1, int(rng.integers(3, 5)) + 1)]
    coaches = [f"K{i}" for i in range(1, int(rng.integers(1, 3)) + 1)]
    pairs = sorted(
        {(str(rng.choice(teams)), str(rng.choice(coaches))) for _ in range(6)}
    )
    premises = list(rng.permutation(["A", "B", "C"]))
    where = {t: str(premises[i % 3]) for i, t in enumerate(teams)}
    walk = {("A", "B"): int(rng.integers(5, 40)), ("B", "C"): int(rng.integers(5, 40))}
    walk["C", "A"] = int(rng.integers(10, 90))  # may break the triangle inequality
    windows, available = {}, {}
    for c in sorted({c for _, c in pairs}):
        spans = random_spans(
            rng, origin - 30, origin + hours * 60 - 30, rng.integers(1, 4), 48
        )
        available[c] = minute_mask(spans, origin, hours * 60)
        if rng.random() < 0.2:  # given as a mask of slots
            windows[c] = available[c].reshape(-1, STEP).all(axis=1)
            available[c] = np.repeat(windows[c], STEP)
        else:
            windows[c] = text_of(spans, rng)
    return Instance(
        event, origin, work, blocked, pairs, windows, available, where, walk
    )


MARATHON_TEAM = [(10 * 60, 24 * 60), (24 * 60, 26 * 60), (31 * 60, 41 * 60 + 30)]
MARATHON_BLOCKS = [
    (9 * 60, 10 * 60),  # opening
    (12 * 60 + 30, 13 * 60 + 30),  # meals
    (19 * 60 + 30, 20 * 60 + 30),
    (36 * 60 + 30, 37 * 60 + 30),
    (39 * 60 + 30, 41 * 60),  # pitch rehearsal
    (42 * 60, 45 * 60),  # jury
]
#: Coaches who cannot meet their team, and the motif expected.
IMPOSSIBLE = {
    "K-repas": ([(36 * 60 + 30, 37 * 60 + 30)], "commune"),  # only during lunch
    "K-court": ([(14 * 60 + 10, 14 * 60 + 50)], "courtes"),  # 14:15-14:45 on the grid
    "K-nuit": ([(27 * 60, 30 * 60)], "commune"),  # sam 03:00-06:00: teams asleep
    "K-absent": ([(50 * 60, 52 * 60)], "aucune"),  # after the event
}


def marathon_instance(seed: int) -> Instance:
    """36 hours like data/exemple/marathon.yaml, 5–7 teams, 4 premises."""
    rng = np.random.default_rng(seed)
    origin, hours = 9 * 60, 36
    event, work, blocked = make_event(
        origin, hours, 45, MARATHON_TEAM, MARATHON_BLOCKS, rng
    )
    teams = [f"M-P{i:02d}" for i in range(1, int(rng.integers(5, 8)) + 1)]
    pool = [f"K-{j:03d}" for j in range(1, 2 * len(teams) + 1)]
    pairs = set()
    for t in teams:
        for c in rng.choice(pool, size=2, replace=False):
            pairs.add((t, str(c)))
    names = list(IMPOSSIBLE)
    for c in (names[seed % 4], names[(seed + 1) % 4]):
        pairs.add((str(rng.choice(teams)), c))
    pairs = sorted(pairs)
    premises = ["A", "B", "C", "D"]
    where = {t: premises[i % 4] for i, t in enumerate(teams)}
    walk = {
        (p, q): int(rng.integers(2, 11)) for p, q in itertools.combinations(premises, 2)
    }
    windows, available = {}, {}
    for c in sorted({c for _, c in pairs}):
        if c in IMPOSSIBLE:
            spans = IMPOSSIBLE[c][0]
        elif rng.random() < 0.15:  # empty cell: the whole event
            windows[c] = ""
            available[c] = np.ones(hours * 60, dtype=bool)
            continue
        else:
            spans = random_spans(rng, 10 * 60, 40 * 60, int(rng.integers(1, 4)))
        available[c] = minute_mask(spans, origin, hours * 60)
        windows[c] = text_of(spans, rng)
    inst = Instance(
        event, origin, work, blocked, pairs, windows, available, where, walk
    )
    inst.expected = {p: IMPOSSIBLE[p[1]][1] for p in pairs if p[1] in IMPOSSIBLE}
    return inst


# ---------------------------------------------------------------- the checker


def shortest_walks(walk: dict, places) -> dict:
    """(a, b) → minutes by the shortest path among *places* (Floyd–Warshall)."""
    walk = {key: m for key, m in walk.items() if set(key) <= set(places)}
    dist = {(a, b): 0 if a == b else math.inf for a in places for b in places}
    for (a, b), m in walk.items():
        dist[a, b] = dist[b, a] = min(dist[a, b], m)
    for k, a, b in itertools.product(places, places, places):
        dist[a, b] = min(dist[a, b], dist[a, k] + dist[k, b])
    return dist


def label(inst: Instance, minute: int) -> str:
    moment = inst.event.start + timedelta(minutes=minute)
    return f"{LABELS[moment.weekday()]} {moment:%H:%M}"


def slot_mask(minutes: np.ndarray) -> np.ndarray:
    """Slots whose every minute is in *minutes*."""
    return minutes.reshape(-1, STEP).all(axis=1)


def runs_text(inst: Instance, slots: np.ndarray) -> str:
    """« ven 10:00-12:30, sam 07:00-12:30 »: the runs of *slots*."""
    found, start = [], None
    for i, on in enumerate([*slots.tolist(), False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            end = inst.event.start + timedelta(minutes=i * STEP)
            found.append(f"{label(inst, start * STEP)}-{end:%H:%M}")
            start = None
    return ", ".join(found)


#: The teams' work hours out of the blocks, as a motif writes them.
WORK_TEXT = (
    "ven 10:00-12:30, ven 13:30-19:30, ven 20:30-02:00, sam 07:00-12:30, "
    "sam 13:30-15:30, sam 17:00-17:30"
)


def violations(inst: Instance, sessions, k: int) -> list[str]:
    """Every rule checked in minutes, from the generated intervals."""
    bad = []
    total = len(inst.work)
    rows = []
    for r in sessions.itertuples():
        a, b = r.debut * STEP, r.fin * STEP
        who = f"{r.equipe}/{r.coach} {a}"
        rows.append((r.equipe, r.coach, r.seance, a, b))
        if (r.equipe, r.coach) not in inst.pairs:
            bad.append(f"{who}: unknown pair")
        if b - a != inst.session or a < 0 or b > total:
            bad.append(f"{who}: length or bounds")
            continue
        if not inst.work[a:b].all():
            bad.append(f"{who}: outside the team's work hours")
        if inst.blocked[a:b].any():
            bad.append(f"{who}: during a block")
        if not inst.available[r.coach][a:b].all():
            bad.append(f"{who}: coach not available")
        if (r.heure_debut, r.heure_fin) != (label(inst, a), label(inst, b)):
            bad.append(f"{who}: labels {r.heure_debut}-{r.heure_fin}")
        if r.local != inst.where[r.equipe]:
            bad.append(f"{who}: premises {r.local}")
    for pair in inst.pairs:
        mine = sorted((a, n) for t, c, n, a, _ in rows if (t, c) == pair)
        if [n for _, n in mine] != list(range(1, len(mine) + 1)) or len(mine) > k:
            bad.append(f"{pair}: sessions numbered {mine}")
    walks = shortest_walks(inst.walk, sorted({p for key in inst.walk for p in key}))
    for by in (0, 1):
        for who in {r[by] for r in rows}:
            mine = sorted((r[3], r[4], inst.where[r[0]]) for r in rows if r[by] == who)
            for (a1, b1, p1), (a2, _, p2) in itertools.pairwise(mine):
                need = walks[p1, p2] if by == 1 else 0
                if a2 < b1 + need:
                    bad.append(f"{who}: {a1} then {a2} (need {need} min between)")
    return bad


# ---------------------------------------------------------------- the MILP


def ceil_walk_slots(inst: Instance) -> dict:
    """Walking slots as documented: minutes rounded up per leg, then shortest paths."""
    places = sorted({inst.where[t] for t, _ in inst.pairs})  # as the library
    legs = {key: math.ceil(m / STEP) for key, m in inst.walk.items()}
    return shortest_walks(legs, places)


def milp_max_sessions(inst: Instance, k: int) -> int:
    """Most sessions placeable: x[p, s] = a session of pair p starts at slot s."""
    length = inst.session // STEP
    n = inst.event.n_slots
    walk = ceil_walk_slots(inst)
    columns = [(p, s) for p, (_, c) in enumerate(inst.pairs) for s in inst.ok_starts(c)]
    if not columns:
        return 0
    index = {col: j for j, col in enumerate(columns)}
    rows = []  # lists of column indices, each row Σ ≤ 1 (or ≤ k for a pair)
    caps = []
    for p in range(len(inst.pairs)):
        rows.append([j for (q, _), j in index.items() if q == p])
        caps.append(k)
    for by in (0, 1):  # a team or a coach: one session at a time
        for who in {pair[by] for pair in inst.pairs}:
            mine = [p for p, pair in enumerate(inst.pairs) if pair[by] == who]
            for t in range(n):
                rows.append(
                    [
                        index[p, s]
                        for p in mine
                        for s in range(t - length + 1, t + 1)
                        if (p, s) in index
                    ]
                )
                caps.append(1)
    for p, q in itertools.combinations(range(len(inst.pairs)), 2):
        (tp, cp), (tq, cq) = inst.pairs[p], inst.pairs[q]
        a, b = inst.where[tp], inst.where[tq]
        if cp != cq or a == b:
            continue
        for s, u in itertools.product(range(n), range(n)):
            if (
                (p, s) in index
                and (q, u) in index
                and s < u + length + walk[b, a]
                and u < s + length + walk[a, b]
            ):
                rows.append([index[p, s], index[q, u]])
                caps.append(1)
    data = [(r, j) for r, row in enumerate(rows) for j in row]
    a = sparse.csr_matrix(
        (np.ones(len(data)), ([r for r, _ in data], [j for _, j in data])),
        shape=(len(rows), len(columns)),
    )
    out = milp(
        -np.ones(len(columns)),
        constraints=LinearConstraint(a, -np.inf, np.array(caps, dtype=float)),
        integrality=np.ones(len(columns)),
        bounds=Bounds(0, 1),
    )
    assert out.status == 0, out.message
    return round(-out.fun)


# ---------------------------------------------------------------- tests


def solve(inst: Instance, k: int, seconds: float = 5):
    return schedule_visits(
        inst.event,
        inst.pairs,
        coach_windows=inst.windows,
        team_premises=inst.where,
        walk_minutes=inst.walk,
        sessions_per_pair=k,
        seconds=seconds,
    )


def missing_of(inst: Instance, plan, k: int) -> dict:
    counts = plan.sessions.groupby(["equipe", "coach"]).size()
    return {p: k - int(counts.get(p, 0)) for p in inst.pairs if counts.get(p, 0) < k}


@pytest.mark.parametrize(("seed", "k"), [(s, 1 + s % 2) for s in range(16)])
def test_small_generated_plans_are_valid_and_maximal(seed, k):
    inst = small_instance(seed)
    plan = solve(inst, k)
    assert violations(inst, plan.sessions, k) == []
    assert plan.stages[0].status == OPTIMAL
    best = milp_max_sessions(inst, k)
    assert plan.stages[0].value == len(plan.sessions) == best
    missing = missing_of(inst, plan, k)
    unplaced = plan.unplaced.set_index(["equipe", "coach"])
    assert {p: int(unplaced.loc[p, "manquantes"]) for p in missing} == missing
    assert len(unplaced) == len(missing)


@pytest.mark.parametrize(("seed", "k"), [(s, 1 + s % 2) for s in range(6)])
def test_marathon_generated_plans_and_motifs(seed, k):
    inst = marathon_instance(seed)
    plan = solve(inst, k, seconds=2)
    assert violations(inst, plan.sessions, k) == []
    missing = missing_of(inst, plan, k)
    motifs = dict(
        zip(
            zip(plan.unplaced["equipe"], plan.unplaced["coach"], strict=True),
            plan.unplaced["motif"],
            strict=True,
        )
    )
    assert set(motifs) == set(missing)
    assert inst.expected and set(inst.expected) <= set(missing)
    for (team, coach), motif in motifs.items():
        head = f"{coach} et {team} : "
        if missing[team, coach] < k:
            done = k - missing[team, coach]
            head += f"{done} séance(s) sur {k} placée(s) : "
        assert motif.startswith(head)
        kind = motif_kind(inst, coach)
        assert kind == inst.expected.get((team, coach), kind)
        coach_slots = slot_mask(inst.available[coach])
        work_slots = slot_mask(inst.work & ~inst.blocked)
        if kind == "aucune":
            assert (
                motif == f"{head}{coach} n'a aucune disponibilité pendant le marathon."
            )
        elif kind == "courtes":
            assert motif == (
                f"{head}les plages de {coach} ({runs_text(inst, coach_slots)}) sont "
                "toutes plus courtes qu'une séance de 45 min."
            )
        elif kind == "commune":
            assert runs_text(inst, work_slots) == WORK_TEXT
            assert motif == (
                f"{head}aucune plage commune de 45 min — {coach} disponible "
                f"{runs_text(inst, coach_slots)}, l'équipe travaille {WORK_TEXT} "
                "(hors blocs)."
            )
        else:
            assert "sont prises — " in motif
    assert plan.stages[0].value == len(plan.sessions)


def motif_kind(inst: Instance, coach: str) -> str:
    """Why a pair may miss sessions, from the minute masks."""
    slots = slot_mask(inst.available[coach])
    if not slots.any():
        return "aucune"
    longest = max(len(list(run)) for on, run in itertools.groupby(slots) if on)
    if longest * STEP < inst.session:
        return "courtes"
    return "commune" if not inst.ok_starts(coach) else "prises"


def test_checker_catches_broken_plans():
    inst = small_instance(3)
    plan = solve(inst, 2)
    good = plan.sessions
    assert len(good) >= 2 and violations(inst, good, 2) == []
    moved = good.copy()
    moved.loc[0, ["debut", "fin"]] = moved.loc[1, ["debut", "fin"]].to_numpy()
    moved.loc[0, ["equipe", "coach"]] = moved.loc[1, ["equipe", "coach"]].to_numpy()
    assert violations(inst, moved, 2)  # the same session twice
    shifted = good.copy()
    shifted["debut"] += 1
    assert violations(inst, shifted, 2)  # labels at least
    longer = good.copy()
    longer.loc[0, "fin"] += 1
    assert any("length" in v for v in violations(inst, longer, 2))


def test_walking_is_checked_across_premises():
    inst = small_instance(0)
    inst.pairs = [("E1", "K1"), ("E2", "K1"), ("E3", "K1")]
    inst.where = {"E1": "A", "E2": "B", "E3": "C"}
    inst.walk = {("A", "B"): 10, ("B", "C"): 10, ("C", "A"): 50}
    inst.windows = {"K1": ""}
    inst.available = {"K1": np.ones(len(inst.work), dtype=bool)}
    plan = solve(inst, 1)
    assert violations(inst, plan.sessions, 1) == []
    assert milp_max_sessions(inst, 1) == len(plan.sessions) == 3
    # C → A by B is 20 min (2 slots of 15 min): between C and A at least that
    by_place = plan.sessions.set_index("local")
    assert ceil_walk_slots(inst)["A", "C"] == 2
    s = by_place["debut"]
    length = inst.session // STEP
    assert abs(s["A"] - s["C"]) >= length + 2
    assert min(abs(s["A"] - s["B"]), abs(s["B"] - s["C"])) >= length + 1


def test_walking_through_premises_of_no_pair():
    """A → C is 50 min straight, 20 min through B: B hosting no pair changes it."""
    ev = Event.build(
        "T", FRIDAY.replace(hour=10), FRIDAY.replace(hour=13), session_minutes=30
    )
    walk = {("A", "B"): 10, ("B", "C"): 10, ("C", "A"): 50}
    where = {"E1": "A", "E2": "B", "E3": "C"}
    window = {"K1": "ven 10:00-11:30"}  # 2 sessions of 2 slots + 2 slots of walk
    with_b = schedule_visits(
        ev,
        [("E1", "K1"), ("E3", "K1"), ("E2", "K2")],
        coach_windows=window,
        team_premises=where,
        walk_minutes=walk,
    )
    assert with_b.sessions["coach"].tolist().count("K1") == 2
    without_b = schedule_visits(
        ev,
        [("E1", "K1"), ("E3", "K1")],
        coach_windows=window,
        team_premises=where,
        walk_minutes=walk,
    )
    assert len(without_b.sessions) == 2  # A → C through B: 20 min, not 50


# ---------------------------------------------------------------- premises

STATES = ["bon état", "à rafraîchir", "travaux lourds", "inconnu", None]
HALL = (705_000, 6_405_000)  # town hall of 99001 in the tiny territory


def detour(a, b) -> int:
    return round(math.hypot(a[0] - b[0], a[1] - b[1]) * 1.3)


def premises_instance(seed: int):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 13))
    ids = [f"L-{int(v):03d}" for v in rng.choice(1000, n, replace=False)]
    xy = [
        (int(rng.integers(703_000, 707_000)), int(rng.integers(6_403_000, 6_407_000)))
        for _ in range(n)
    ]
    surfaces = rng.choice(
        [10, 24.9, 25, 30, 49.9, 50, 60, 74.9, 75, 90, 100, 125.5, 150, 200], n
    )
    states = [STATES[int(i)] for i in rng.choice(5, n, p=[0.35, 0.3, 0.15, 0.1, 0.1])]
    flags = [bool(f) for f in rng.random(n) < 0.8]
    codes = [str(c) for c in rng.choice(["99001", "99001", "99001", "99002"], n)]
    frame = l93_points(
        xy,
        id=ids,
        code_insee=codes,
        adresse=[f"{i} rue du Tirage" for i in range(n)],
        surface_m2=surfaces,
        bati_etat=states,
        disponible_marathon=flags,
    )
    per_team = float(rng.choice([25, 30]))
    teams = [f"E{i}" for i in range(1, int(rng.integers(1, 13)) + 1)]
    usable = {
        ids[i]: (xy[i], int(surfaces[i] // per_team))
        for i in range(n)
        if codes[i] == "99001"
        and flags[i]
        and states[i] in ("bon état", "à rafraîchir")
        and surfaces[i] // per_team > 0
    }
    return frame, teams, per_team, usable


def enumerate_sets(usable: dict, n_teams: int):
    """(fewest premises, least walk, Σ rank by id) and the best sets."""
    ids = sorted(usable)
    rank = {pid: r for r, pid in enumerate(ids, 1)}
    if sum(cap for _, cap in usable.values()) <= n_teams:
        return ids
    for size in range(1, len(ids) + 1):
        keys = []
        for chosen in itertools.combinations(ids, size):
            if sum(usable[p][1] for p in chosen) < n_teams:
                continue
            walk = sum(detour(usable[p][0], HALL) for p in chosen)
            walk += sum(
                detour(usable[p][0], usable[q][0])
                for p, q in itertools.combinations(chosen, 2)
            )
            keys.append((walk, sum(rank[p] for p in chosen), list(chosen)))
        if keys:
            return min(keys)[2]
    raise AssertionError("unreachable")


@pytest.mark.parametrize("seed", range(30))
def test_premises_match_enumeration(tiny, seed):
    frame, teams, per_team, usable = premises_instance(seed)
    plan = assign_premises(
        frame, "99001", teams, surface_per_team=per_team, territory=tiny
    )
    best = enumerate_sets(usable, len(teams))
    assert sorted(plan.premises["local"]) == best
    capacity = sum(usable[p][1] for p in best)
    assert plan.missing == max(0, len(teams) - capacity)
    assert bool(plan.diagnosis) == (plan.missing > 0)
    assert plan.premises["capacite"].tolist() == [
        usable[p][1] for p in plan.premises["local"]
    ]
    # teams fill the premises nearest to the welcome point first, in the order given
    order = sorted(best, key=lambda p: (detour(usable[p][0], HALL), p))
    seats = [p for p in order for _ in range(usable[p][1])]
    expected = list(zip(teams, seats, strict=False))
    assert (
        list(zip(plan.assignment["equipe"], plan.assignment["local"], strict=True))
        == expected
    )
    assert plan.unplaced == teams[len(seats) :]
    walk = sum(detour(usable[p][0], HALL) for p in best)
    walk += sum(
        detour(usable[p][0], usable[q][0]) for p, q in itertools.combinations(best, 2)
    )
    assert plan.walk_m == walk
