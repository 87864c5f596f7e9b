"""Benchmark of the marathon planning (issue 12): coach visits and premises.

Run from the repository root::

    python benchmarks/bench_planning.py [--quick]

Instances (fixed seeds, generated here):

* ``visites``: a 36-hour marathon built by :meth:`Event.build` like
  ``data/exemple/marathon.yaml`` (Friday 09:00 → Saturday 21:00, 15-min
  slots, 45-min sessions, team work hours ``ven 10:00-24:00 | sam
  00:00-02:00, 07:00-17:30``, blocks: opening, three meals, pitch rehearsal,
  jury) with 6, 12 and 20 teams. A pool of 2.5 × teams coaches (30 at 12
  teams); each team draws 2 or 3 of them (2.5 on average), the popular ones
  more often, each coach 3 teams at most. Coach availability: 15 % the whole
  event, 15 % a numpy mask, the others a text cell of 1 to 3 windows
  (``ven 18:00-22:00 | sam 09:00-12:30``). Teams drawn at random among
  teams / 2.5 premises 0 to 600 m apart, walking 2 to 10 min. Each instance
  with 1 and with 2 sessions per pair, with a budget of 10 deterministic
  units (2 with ``--quick``); the largest one again with 30.
* ``locaux``: the bundled sample (``data/exemple/locaux.csv``), host 47004
  Aiguillon, 11 teams; and a generated host (40 premises within 1 km of the
  town hall of Aiguillon, random surfaces, states and flags) with 20 teams.

Figures: for :func:`schedule_visits`, each stage's status, value, best bound
and relative gap, the wall time, the deterministic time used (OR-Tools work
units, read from the solver as it runs) against the budget, and
``plan.check()`` (must be empty). For :func:`assign_premises`, the wall time
(best of 3) and the premises chosen.

References, computed in the same run, on the same machine:

* visits: a greedy earliest-start placement under the same constraints
  (most constrained pairs first, first sessions then second ones, each at
  its earliest start free for the team and the coach, walking included);
  placed sessions and spread (objective 2) given as greedy / CP-SAT ratios,
  idle time (objective 3) too;
* premises: the enumeration of every set of the fewest premises holding the
  teams (the exact optimum, by brute force); the walk must be equal.

Targets: every stage ``optimal`` or its gap reported, ``check()`` empty,
CP-SAT placing at least as many sessions as the greedy with a spread at
least as large; premises: the enumeration's optimum. The wall time per
deterministic unit is printed (about 1 to 3 s per unit here), not judged.
"""

from __future__ import annotations

import argparse
import itertools
import math
import time
from datetime import datetime

import geopandas as gpd
import numpy as np
from ortools.sat.python import cp_model

from mitlib.core.config import EXAMPLE_DIR
from mitlib.data.io import load_table
from mitlib.data.territory import LAMBERT93, WGS84, load_territory
from mitlib.planning.event import Block, Event, Jury, parse_windows
from mitlib.planning.premises import DEFAULT_STATES, DETOUR, assign_premises
from mitlib.planning.visit_model import coach_mask, feasible_starts, walk_slots
from mitlib.planning.visits import SPREAD_MINUTES, schedule_visits

SIZES = (6, 12, 20)
START, END = datetime(2027, 3, 12, 9), datetime(2027, 3, 13, 21)
TEAM_HOURS = "ven 10:00-24:00 | sam 00:00-02:00, 07:00-17:30"
BLOCKS = (
    ("Ouverture", "ven 09:00-10:00"),
    ("Repas", "ven 12:30-13:30, 19:30-20:30 | sam 12:30-13:30"),
    ("Répétition des pitchs", "sam 15:30-17:00"),
)
JURY = Jury(datetime(2027, 3, 13, 18), 10, 4, 15)
HOST = "47004"  # Aiguillon


# ---------------------------------------------------------------- instances


def marathon(n_teams: int) -> Event:
    """The event of ``marathon.yaml``, the jury block as long as its pitches."""
    base = Event.build("BENCH", START, END)
    jury_end = min(
        base.minutes(JURY.start) + JURY.duration_minutes(n_teams),
        base.minutes(END),
    )
    jury = np.zeros(base.n_slots, dtype=bool)
    first = int(base.minutes(JURY.start) // base.step_minutes)
    jury[first : math.ceil(jury_end / base.step_minutes)] = True
    blocks = [Block(name, parse_windows(text, base).mask) for name, text in BLOCKS]
    return Event.build(
        "BENCH",
        START,
        END,
        team_hours=parse_windows(TEAM_HOURS, base).mask,
        blocks=(*blocks, Block("Jury", jury)),
        jury=JURY,
    )


def _clock(half_hours: int) -> str:
    if half_hours == 48:
        return "24:00"
    return f"{half_hours // 2 % 24:02d}:{30 * (half_hours % 2):02d}"


def availability(rng: np.random.Generator, event: Event):
    """A coach's cell: empty (whole event), a mask, or 1 to 3 text windows."""
    kind = rng.random()
    if kind < 0.15:
        return ""
    pieces = []
    for _ in range(int(rng.integers(1, 4))):
        if rng.random() < 0.5:  # Friday, from 10:00 to 21:00, may cross midnight
            day, start = "ven", int(rng.integers(20, 43))
        else:  # Saturday, from 07:00 to 15:00
            day, start = "sam", int(rng.integers(14, 31))
        end = start + int(rng.integers(3, 11))  # 1 h 30 to 5 h
        pieces.append(f"{day} {_clock(start)}-{_clock(end)}")  # 24:00, or past midnight
    text = " | ".join(pieces)
    return parse_windows(text, event).mask if kind < 0.3 else text


def visit_instance(n_teams: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    event = marathon(n_teams)
    teams = [f"E{i:02d}" for i in range(1, n_teams + 1)]
    pool = [f"K{j:02d}" for j in range(1, round(2.5 * n_teams) + 1)]
    weight = 1 / np.arange(1, len(pool) + 1) ** 0.3  # popular coaches
    load = dict.fromkeys(pool, 0)
    pairs = []
    for team in teams:
        free = [j for j, c in enumerate(pool) if load[c] < 3]
        p = weight[free] / weight[free].sum()
        for j in rng.choice(free, size=2 + int(rng.random() < 0.5), replace=False, p=p):
            pairs.append((team, pool[j]))
            load[pool[j]] += 1
    coaches = sorted({c for _, c in pairs})
    windows = {c: availability(rng, event) for c in coaches}
    n_premises = max(2, round(n_teams / 2.5))
    xy = rng.uniform(0, 600, (n_premises, 2))
    premises = [f"L{i}" for i in range(1, n_premises + 1)]
    walk = {
        (premises[i], premises[j]): int(
            np.clip(math.ceil(np.hypot(*(xy[i] - xy[j])) * DETOUR / 75), 2, 10)
        )
        for i, j in itertools.combinations(range(n_premises), 2)
    }
    where = {t: premises[int(rng.integers(n_premises))] for t in teams}
    return {
        "event": event,
        "pairs": pairs,
        "coach_windows": windows,
        "team_premises": where,
        "walk_minutes": walk,
        "pool": len(pool),
    }


# ---------------------------------------------------------------- references


def greedy(event, pairs, windows, where, walk_minutes, k):
    """Earliest-start placement: [(team, coach, start)], same constraints."""
    length, work = event.session_slots, event.work_slots
    walk = walk_slots(sorted(set(where.values())), walk_minutes, event.step_minutes)
    starts = [
        feasible_starts(work & coach_mask(windows.get(c), event, c), length)
        for _, c in pairs
    ]
    order = sorted(range(len(pairs)), key=lambda p: (len(starts[p]), p))
    busy_team = {t: [] for t, _ in pairs}
    busy_coach = {c: [] for _, c in pairs}
    last_end = {}
    placed = []
    for rank in range(k):
        for p in order:
            team, coach = pairs[p]
            if rank and p not in last_end:  # its previous session is missing
                continue
            here = where[team]
            for s in starts[p]:
                if s < last_end.get(p, 0):
                    continue
                if any(s < b + length and b < s + length for b in busy_team[team]):
                    continue
                if any(
                    s < b + length + walk.get((there, here), 0)
                    and b < s + length + walk.get((here, there), 0)
                    for b, there in busy_coach[coach]
                ):
                    continue
                busy_team[team].append(s)
                busy_coach[coach].append((s, here))
                last_end[p] = s + length
                placed.append((team, coach, int(s)))
                break
            else:
                last_end.pop(p, None)
    return placed


def spread_and_idle(event, pairs, sessions):
    """Objectives 2 and 3 of a placement [(team, coach, start)]."""
    length = event.session_slots
    cap = SPREAD_MINUTES // event.step_minutes
    spread = 0
    for team in sorted({t for t, _ in pairs}):
        starts = sorted(s for t, _, s in sessions if t == team)
        spread += min([cap, *(b - a - length for a, b in itertools.pairwise(starts))])
    idle = 0
    for coach in sorted({c for _, c in pairs}):
        starts = [s for _, c, s in sessions if c == coach]
        if starts:
            idle += max(starts) + length - min(starts) - length * len(starts)
    return spread, idle


class WorkUnits:
    """Deterministic time of every CP-SAT solve made inside the block."""

    def __enter__(self):
        self.units, self._solve = [], cp_model.CpSolver.solve
        units, solve = self.units, self._solve

        def recorded(solver, *args, **kwargs):
            out = solve(solver, *args, **kwargs)
            units.append(solver.deterministic_time)
            return out

        cp_model.CpSolver.solve = recorded
        return self

    def __exit__(self, *exc):
        cp_model.CpSolver.solve = self._solve


# ---------------------------------------------------------------- premises


def premises_instance(territory, n_premises: int, seed: int) -> gpd.GeoDataFrame:
    """*n_premises* lent or not, in any state, within 1 km of the town hall."""
    rng = np.random.default_rng(seed)
    hall = territory.communes.set_index("code_insee").loc[HOST]
    centre = gpd.GeoSeries(
        gpd.points_from_xy([hall["mairie_lon"]], [hall["mairie_lat"]]), crs=WGS84
    ).to_crs(LAMBERT93)
    angle = rng.uniform(0, 2 * np.pi, n_premises)
    radius = 1000 * np.sqrt(rng.random(n_premises))
    xs = centre.x.iloc[0] + radius * np.cos(angle)
    ys = centre.y.iloc[0] + radius * np.sin(angle)
    states = rng.choice(
        ["bon état", "à rafraîchir", "travaux lourds", "inconnu"],
        n_premises,
        p=[0.4, 0.35, 0.15, 0.1],
    )
    frame = gpd.GeoDataFrame(
        {
            "id": [f"G-{i:03d}" for i in range(1, n_premises + 1)],
            "code_insee": HOST,
            "adresse": [f"{i} rue du Banc" for i in range(1, n_premises + 1)],
            "surface_m2": np.round(rng.uniform(30, 180, n_premises), 1),
            "bati_etat": states,
            "disponible_marathon": rng.random(n_premises) < 0.75,
        },
        geometry=gpd.points_from_xy(xs, ys),
        crs=LAMBERT93,
    )
    return frame.to_crs(WGS84)


def enumerate_premises(frame, territory, n_teams: int, per_team: float = 25):
    """(fewest premises, least walk) over every set of premises, by brute force."""
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    ok = (
        (frame["code_insee"].astype(str) == HOST)
        & frame["disponible_marathon"].astype(bool)
        & frame["bati_etat"].isin(DEFAULT_STATES)
    )
    frame = frame[ok]
    caps = np.floor(frame["surface_m2"].astype(float).to_numpy() / per_team + 1e-9)
    keep = caps > 0
    frame, caps = frame[keep], caps[keep]
    hall = territory.communes.set_index("code_insee").loc[HOST]
    hub = gpd.GeoSeries(
        gpd.points_from_xy([hall["mairie_lon"]], [hall["mairie_lat"]]), crs=WGS84
    ).to_crs(LAMBERT93)
    geo = frame.geometry.to_crs(LAMBERT93)
    xy = np.column_stack([geo.x, geo.y])
    to_hub = np.round(np.hypot(*(xy - [hub.x.iloc[0], hub.y.iloc[0]]).T) * DETOUR)
    between = np.round(
        np.hypot(*(xy[:, None] - xy[None, :]).transpose(2, 0, 1)) * DETOUR
    )
    for k in range(1, len(caps) + 1):
        best = min(
            (
                to_hub[list(c)].sum() + between[np.ix_(c, c)].sum() / 2
                for c in itertools.combinations(range(len(caps)), k)
                if caps[list(c)].sum() >= n_teams
            ),
            default=None,
        )
        if best is not None:
            return k, float(best), len(caps)
    return None, math.nan, len(caps)


# ---------------------------------------------------------------- report


def best_of(n, func, *args, **kwargs):
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        out = func(*args, **kwargs)
        runs.append(time.perf_counter() - start)
    return out, min(runs)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else ("1.00×" if a == b else "∞")


def bench_visits(n_teams: int, k: int, budget: float) -> bool:
    inst = visit_instance(n_teams, seed=100 + n_teams)
    ev, pairs = inst["event"], inst["pairs"]
    keys = ("coach_windows", "team_premises", "walk_minutes")
    options = {key: inst[key] for key in keys}
    with WorkUnits() as work:
        start = time.perf_counter()
        plan = schedule_visits(
            ev, pairs, sessions_per_pair=k, seconds=budget, **options
        )
        wall = time.perf_counter() - start
    errors = plan.check()
    n_coaches = len({c for _, c in pairs})
    n_premises = len(set(inst["team_premises"].values()))
    print(
        f"{n_teams} équipes, {n_coaches} coachs (vivier {inst['pool']}), "
        f"{len(pairs)} binômes, {n_premises} locaux, {k} séance(s)/binôme : "
        f"{len(plan.sessions)}/{len(pairs) * k} placées, {wall:.2f} s, "
        f"{sum(work.units):.2f}/{budget:g} u.d., check {errors or '[] ok'}"
    )
    for stage, units in zip(plan.stages, work.units, strict=True):
        print(
            f"   {stage.name:<20} {stage.status:<8} valeur {stage.value:>5g} "
            f"borne {stage.bound:>5g} écart {stage.gap:>7.1%} "
            f"{stage.seconds:>6.2f} s {units:>6.2f} u.d."
        )
    motifs = plan.unplaced["motif"]
    kinds = {
        "sans plage commune": motifs.str.contains("aucune plage commune").sum(),
        "plages trop courtes": motifs.str.contains("plus courtes").sum(),
        "plages prises": motifs.str.contains("sont prises").sum(),
    }
    print(
        f"   non placées : {int(plan.unplaced['manquantes'].sum())} séances, "
        f"{len(motifs)} binômes ("
        + ", ".join(f"{name} {n}" for name, n in kinds.items())
        + ")"
    )
    table = plan.sessions
    mine = list(zip(table["equipe"], table["coach"], table["debut"], strict=True))
    spread, idle = spread_and_idle(ev, pairs, mine)
    same = (spread, idle) == (plan.stages[1].value, plan.stages[2].value)
    ref, ref_s = best_of(1, greedy, ev, pairs, *options.values(), k)
    g_spread, g_idle = spread_and_idle(ev, pairs, ref)
    print(
        f"   glouton (au plus tôt) {ref_s * 1000:.0f} ms : placées {len(ref)} "
        f"({ratio(len(ref), len(mine))} de CP-SAT), étalement {g_spread} "
        f"({ratio(g_spread, spread)}), attente {g_idle} ({ratio(g_idle, idle)}) ; "
        f"objectifs recalculés {'= étapes' if same else '≠ ÉTAPES'}"
    )
    ok = (
        not errors
        and same
        and len(mine) >= len(ref)
        and (len(mine) > len(ref) or spread >= g_spread)
    )
    print(f"   verdict : {'atteint' if ok else 'NON ATTEINT'}")
    return ok


def bench_premises(territory, label, frame, teams) -> bool:
    plan, seconds = best_of(3, assign_premises, frame, HOST, teams, territory=territory)
    data = getattr(frame, "data", frame)
    (k, walk, usable), ref_s = best_of(
        1, enumerate_premises, data, territory, len(teams)
    )
    same = len(plan.premises) == k and plan.walk_m == walk and not plan.unplaced
    print(
        f"{label:<44} {len(teams):>3} équipes {usable:>3} locaux utilisables : "
        f"{seconds * 1000:7.1f} ms, {plan.status:<8} {len(plan.premises)} locaux "
        f"{plan.walk_m:>6.0f} m ; énumération {ref_s * 1000:8.1f} ms "
        f"({ratio(seconds, ref_s)}) {k} locaux {walk:>6.0f} m : "
        f"{'atteint' if same else 'NON ATTEINT'}"
    )
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="budget 2 u.d.")
    args = parser.parse_args()
    budget = 2.0 if args.quick else 10.0
    began = time.perf_counter()
    print(
        f"Visites des coachs (schedule_visits, budget {budget:g} u.d. : unités "
        "de temps déterministe d'OR-Tools)"
    )
    print("-" * 100)
    runs = [(n, k, budget) for n in SIZES for k in (1, 2)]
    if not args.quick:  # the largest instance again, with thrice the budget
        runs.append((SIZES[-1], 2, 3 * budget))
    results = [bench_visits(n, k, units) for n, k, units in runs]
    print()
    print("Locaux (assign_premises, meilleur de 3)")
    print("-" * 100)
    territory = load_territory()
    sample = load_table(EXAMPLE_DIR / "locaux.csv", "locaux")
    results.append(
        bench_premises(
            territory,
            "exemple data/exemple/locaux.csv, Aiguillon",
            sample,
            [f"E{i:02d}" for i in range(1, 12)],
        )
    )
    results.append(
        bench_premises(
            territory,
            "généré : 40 locaux autour de la mairie",
            premises_instance(territory, 40, seed=7),
            [f"E{i:02d}" for i in range(1, 21)],
        )
    )
    print()
    print(
        f"{sum(results)}/{len(results)} objectifs atteints ; "
        f"durée totale {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()
