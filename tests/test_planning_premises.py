"""Teams in the vacant premises of the host commune (mitlib.planning.premises)."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from conftest import l93_points

from mitlib.core.errors import OptionError
from mitlib.planning.premises import DEFAULT_STATES, assign_premises

HALL = (705_000, 6_405_000)  # town hall of 99001 in the tiny territory


def _locaux(rows):
    """rows: (id, x, y, surface, state, flagged[, commune])."""
    rows = [r if len(r) == 7 else (*r, "99001") for r in rows]
    ids, xs, ys, surfaces, states, flags, codes = zip(*rows, strict=True)
    return l93_points(
        list(zip(xs, ys, strict=True)),
        id=list(ids),
        code_insee=list(codes),
        adresse=[f"{i} rue du Test" for i in range(len(ids))],
        surface_m2=list(surfaces),
        bati_etat=list(states),
        disponible_marathon=list(flags),
        proprio_contact=["secret@example.org"] * len(ids),
    )


def _walk(points, used, hub=HALL):
    """The objective, computed here: detour 1.3, whole metres."""

    def d(a, b):
        return round(math.hypot(a[0] - b[0], a[1] - b[1]) * 1.3)

    total = sum(d(points[p], hub) for p in used)
    return total + sum(
        d(points[p], points[q]) for p, q in itertools.combinations(used, 2)
    )


def _brute_force(points, caps, n_teams):
    """Lexicographic optimum (premises used, walk) over every assignment."""
    ids = sorted(points)
    best = None
    for choice in itertools.product(ids, repeat=n_teams):
        counts = {p: choice.count(p) for p in set(choice)}
        if any(counts[p] > caps[p] for p in counts):
            continue
        used = sorted(counts)
        key = (len(used), _walk(points, used))
        best = key if best is None or key < best else best
    return best


@pytest.mark.parametrize("seed", range(25))
def test_matches_brute_force(tiny, seed):
    rng = random.Random(seed)
    n_premises, n_teams = rng.randint(1, 5), rng.randint(1, 5)
    rows, points, caps = [], {}, {}
    for i in range(n_premises):
        pid = f"L-{i}"
        xy = (rng.randint(702_000, 708_000), rng.randint(6_402_000, 6_408_000))
        surface = rng.choice([20, 25, 30, 49.9, 50, 74, 80, 130])
        rows.append((pid, *xy, surface, "bon état", True))
        points[pid], caps[pid] = xy, int(surface // 25)
    if sum(caps.values()) < n_teams:  # keep feasible instances here
        rows.append(("L-big", *HALL, 25 * n_teams, "bon état", True))
        points["L-big"], caps["L-big"] = HALL, n_teams
    teams = [f"E{i}" for i in range(n_teams)]
    plan = assign_premises(_locaux(rows), "99001", teams, territory=tiny)
    assert plan.unplaced == [] and plan.diagnosis == []
    used = sorted(plan.premises["local"])
    assert (len(used), plan.walk_m) == _brute_force(points, caps, n_teams)
    assert plan.walk_m == _walk(points, used)  # the reported value is the objective
    assert sorted(plan.assignment["equipe"]) == sorted(teams)
    counts = plan.assignment["local"].value_counts()
    assert all(counts[p] <= caps[p] for p in counts.index)


def test_shared_premises_and_capacity(tiny):
    rows = [
        ("L-a", 705_100, 6_405_000, 30, "bon état", True),  # 1 team, very near
        ("L-b", 705_200, 6_405_000, 30, "bon état", True),  # 1 team
        ("L-c", 706_000, 6_405_000, 79.9, "à rafraîchir", True),  # 3 teams (floor)
    ]
    plan = assign_premises(_locaux(rows), "99001", ["E1", "E2", "E3"], territory=tiny)
    assert plan.premises["local"].tolist() == ["L-c"]  # one premises beats three
    assert plan.premises["capacite"].tolist() == [3]
    assert plan.assignment["local"].tolist() == ["L-c"] * 3
    assert plan.assignment["equipes_dans_local"].tolist() == [3, 3, 3]
    assert plan.walk_m == 1300  # 1 000 m × 1.3
    assert plan.assignment["minutes_accueil"].iloc[0] == pytest.approx(1300 / 75)
    # four teams: 79.9 m² holds only 3, so two premises: L-c and the nearest
    plan = assign_premises(_locaux(rows), "99001", list("ABCD"), territory=tiny)
    assert plan.premises["local"].tolist() == ["L-a", "L-c"]
    assert plan.assignment[["equipe", "local"]].values.tolist() == [
        ["A", "L-a"],
        ["B", "L-c"],
        ["C", "L-c"],
        ["D", "L-c"],
    ]
    assert plan.walk_m == 130 + 1300 + 1170


def test_surface_per_team_changes_capacity(tiny):
    rows = [("L-a", 705_100, 6_405_000, 60, "bon état", True)]
    plan = assign_premises(
        _locaux(rows), "99001", ["E1", "E2"], surface_per_team=30, territory=tiny
    )
    assert plan.premises["capacite"].tolist() == [2] and not plan.unplaced
    plan = assign_premises(
        _locaux(rows), "99001", ["E1", "E2"], surface_per_team=31, territory=tiny
    )
    assert plan.unplaced == ["E2"]


def test_states_filter_flag_and_commune(tiny):
    rows = [
        ("L-1", 705_010, 6_405_000, 50, "travaux lourds", True),
        ("L-2", 705_020, 6_405_000, 50, "inconnu", True),
        ("L-3", 705_030, 6_405_000, 50, "bon état", False),  # not lent
        ("L-4", 705_040, 6_405_000, 50, "bon état", True, "99002"),  # other commune
        ("L-5", 707_000, 6_405_000, 50, "à rafraîchir", True),
    ]
    plan = assign_premises(_locaux(rows), "99001", ["E1"], territory=tiny)
    assert DEFAULT_STATES == ("bon état", "à rafraîchir")
    assert plan.premises["local"].tolist() == ["L-5"]
    plan = assign_premises(
        _locaux(rows),
        "99001",
        ["E1"],
        states=["neuf", "Travaux lourds"],
        territory=tiny,
    )
    assert plan.premises["local"].tolist() == ["L-1"]
    assert plan.states == ("bon état", "travaux lourds")
    with pytest.raises(OptionError, match="« ruine » n'est pas reconnu"):
        assign_premises(
            _locaux(rows), "99001", ["E1"], states=["ruine"], territory=tiny
        )


def test_welcome_point_and_ties_by_id(tiny):
    rows = [
        ("L-9", 704_000, 6_405_000, 50, "bon état", True),
        ("L-2", 706_000, 6_405_000, 50, "bon état", True),  # same distance as L-9
        ("L-5", 709_000, 6_405_000, 50, "bon état", True),
    ]
    plan = assign_premises(_locaux(rows), "99001", ["E1"], territory=tiny)
    assert plan.premises["local"].tolist() == ["L-2"]
    east = l93_points([(709_500, 6_405_000)]).geometry.iloc[0]
    plan = assign_premises(
        _locaux(rows), "99001", ["E1"], welcome=(east.x, east.y), territory=tiny
    )
    assert plan.premises["local"].tolist() == ["L-5"]
    assert plan.welcome == pytest.approx((east.x, east.y))


def test_shortage_diagnosis_and_suggestions(tiny):
    rows = [
        ("L-ok", 705_000, 6_405_100, 30, "bon état", True),  # the only usable one
        ("L-tiny", 705_000, 6_405_050, 20, "bon état", True),  # too small
        ("L-far", 708_000, 6_405_000, 60, "bon état", False),  # host, not lent
        ("L-near", 705_300, 6_405_000, 40, "à rafraîchir", False),  # host, not lent
        ("L-works", 706_000, 6_405_000, 90, "travaux lourds", True),  # host, state
        ("L-small", 705_200, 6_405_000, 10, "bon état", False),  # cannot hold a team
        ("L-B", 711_000, 6_405_000, 50, "bon état", True, "99002"),  # touching
        ("L-C", 725_000, 6_405_000, 500, "bon état", True, "99003"),  # far away
    ]
    plan = assign_premises(_locaux(rows), "99001", ["E1", "E2", "E3"], territory=tiny)
    assert plan.assignment["equipe"].tolist() == ["E1"]
    assert plan.unplaced == ["E2", "E3"] and plan.missing == 2
    sug = plan.suggestions
    assert sug["local"].tolist() == ["L-near", "L-works", "L-far", "L-B"]
    assert sug["motif"].tolist() == [
        "non proposé pour un marathon",
        "état : travaux lourds",
        "non proposé pour un marathon",
        "commune voisine",
    ]
    assert sug["distance_accueil_m"].tolist() == [390, 1300, 3900, 7800]
    assert "proprio_contact" not in sug.columns
    text = " ".join(plan.diagnosis)
    assert plan.diagnosis[0].startswith("Il manque de la place pour 2 équipes")
    assert "accueillent 1 équipe à 25 m² par équipe" in text
    assert "Équipes sans local : E2, E3." in text
    assert "Trop petits pour une équipe : L-tiny (20,0 m²)." in text
    assert (
        "L-works, 4 rue du Test (99001) : 90,0 m², travaux lourds, "
        "à 17 min à pied (état : travaux lourds)." in plan.diagnosis
    )
    assert text.index("L-near") < text.index("L-works") < text.index("L-B")
    assert "Il manque de la place pour 2 équipes" in plan.summary()
    assert plan.summary().startswith(
        "1 équipe placée sur 3 à Alpha-sur-Lot, dans 1 local"
    )


def test_no_premises_at_all(tiny):
    rows = [("L-B", 711_000, 6_405_000, 50, "bon état", True, "99002")]
    plan = assign_premises(_locaux(rows), "99001", ["E1"], territory=tiny)
    assert plan.assignment.empty and plan.premises.empty
    assert plan.unplaced == ["E1"]
    assert plan.suggestions["local"].tolist() == ["L-B"]
    assert plan.summary().startswith("0 équipe placée sur 1")


def test_people_are_carried(tiny):
    rows = [("L-a", 705_100, 6_405_000, 60, "bon état", True)]
    plan = assign_premises(_locaux(rows), "99001", {"E1": 4, "E2": 3}, territory=tiny)
    assert plan.assignment["personnes"].tolist() == [4, 3]
    assert "proprio_contact" not in plan.assignment.columns
    assert "proprio_contact" not in plan.premises.columns


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"host": "12345"}, "n'est pas une commune du territoire"),
        ({"teams": []}, "aucune équipe"),
        ({"teams": ["E1", "E1"]}, "« E1 » est donnée deux fois"),
        ({"surface_per_team": 0}, "Surface par équipe"),
    ],
)
def test_option_errors(tiny, kwargs, message):
    rows = [("L-a", 705_100, 6_405_000, 60, "bon état", True)]
    args = {"host": "99001", "teams": ["E1"], **kwargs}
    with pytest.raises(OptionError, match=message):
        assign_premises(
            _locaux(rows), args.pop("host"), args.pop("teams"), territory=tiny, **args
        )


def test_bundled_sample(territory):
    from mitlib.data.io import load_table

    loaded = load_table("data/exemple/locaux.csv", "locaux")
    teams = [f"Équipe {i}" for i in range(1, 9)]
    plan = assign_premises(loaded, "47323", teams, territory=territory)
    assert plan.status == "optimal" and plan.unplaced == [] and plan.diagnosis == []
    assert sorted(plan.assignment["equipe"]) == sorted(teams)
    data = loaded.data.set_index("id")
    used = data.loc[plan.premises["local"]]
    assert (used["code_insee"] == "47323").all()
    assert used["disponible_marathon"].astype(bool).all()
    assert used["bati_etat"].isin(DEFAULT_STATES).all()
    counts = plan.assignment["local"].value_counts()
    surfaces = used["surface_m2"].astype(float)
    assert all(counts[p] <= np.floor(surfaces[p] / 25) for p in counts.index)
    # the fewest premises: two (no usable one holds 8 teams), then the closest
    assert len(plan.premises) == 2
    assert plan.premises["local"].tolist() == ["L-302", "L-314"]
    assert counts.to_dict() == {"L-302": 5, "L-314": 3}
    assert plan.summary().startswith("8 équipes placées sur 8 à Villeneuve-sur-Lot")
