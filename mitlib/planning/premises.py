"""Teams in the vacant premises of the host commune (issue 12, first block).

:func:`assign_premises` places each team of a marathon in one premises of
the host commune that its owner lends (``disponible_marathon``) and whose
building state needs no works, several teams sharing a premises when its
surface allows it (at most ``floor(surface / surface_per_team)`` teams).

Objective, lexicographic:

1. place as many teams as possible (all of them when the premises suffice);
2. use as few premises as possible;
3. keep the premises used close together: minimise the walking distance from
   each used premises to the welcome point **plus** the walking distance
   between every pair of used premises.

Distances are Lambert-93 straight lines × :data:`DETOUR` (1.3), rounded to
the metre; minutes at :data:`WALK_KMH` (4.5 km/h). Step 1 and 2 have a
closed form (the largest capacities first); step 3 is a MILP solved exactly
by :func:`mitlib.solve.milp.solve_milp` on the premises alone (the teams
are interchangeable, so only the set of premises matters):

* ``y_p ∈ {0, 1}``: premises ``p`` is used;
* ``z_pq ∈ [0, 1]`` (continuous) for ``p < q``, ``z_pq ≥ y_p + y_q − 1``:
  equals ``y_p · y_q`` at the optimum since its cost is positive;
* ``Σ y_p = k`` (the fewest premises, step 2) and ``Σ cap_p y_p ≥ n`` (the
  teams to place);
* maximise ``−(Σ d_p y_p + Σ d_pq z_pq) − ε Σ rank_p y_p`` where the ranks
  follow the premises ids and ``ε Σ rank < 1``: the distances being whole
  metres, ε only breaks ties, toward the smaller ids.

The teams then fill the chosen premises nearest to the welcome point first
(ties by id), in the order given. When premises are missing, no exception:
the plan says how many teams lack a place and which premises could be asked
(:attr:`PremisesPlan.suggestions`, :attr:`PremisesPlan.diagnosis`).

The default accepted states (:data:`DEFAULT_STATES`) are « bon état » and
« à rafraîchir » of :data:`mitlib.data.vocabularies.BUILDING_STATE`: a
premises to be refreshed can host a 36-hour marathon, one needing heavy
works cannot, and an unknown state must be checked first.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from mitlib.core.errors import InputError, OptionError
from mitlib.core.text import count_fr, fold, format_fr
from mitlib.data.territory import LAMBERT93, WGS84, Territory
from mitlib.data.vocabularies import BUILDING_STATE
from mitlib.solve.milp import OPTIMAL, solve_milp

__all__ = [
    "DEFAULT_STATES",
    "DETOUR",
    "NEARBY_KM",
    "WALK_KMH",
    "PremisesPlan",
    "assign_premises",
    "walking_minutes",
]

#: Building states usable without works (see the module docstring).
DEFAULT_STATES: tuple[str, ...] = ("bon état", "à rafraîchir")
#: Walking distance over straight-line distance.
DETOUR = 1.3
#: Walking speed (km/h).
WALK_KMH = 4.5
#: Premises of other communes within this distance of the welcome point are
#: suggested, besides those of the communes touching the host commune.
NEARBY_KM = 3.0
#: Suggestions kept when premises are missing.
MAX_SUGGESTIONS = 10

# Columns of the assignment and premises tables (all public).
_ASSIGNMENT_COLUMNS = [
    "equipe",
    "personnes",
    "local",
    "adresse",
    "surface_m2",
    "equipes_dans_local",
    "minutes_accueil",
]
_PREMISES_COLUMNS = [
    "local",
    "adresse",
    "surface_m2",
    "bati_etat",
    "capacite",
    "equipes",
    "distance_accueil_m",
    "minutes_accueil",
]
_SUGGESTION_COLUMNS = [
    "local",
    "code_insee",
    "adresse",
    "surface_m2",
    "bati_etat",
    "disponible_marathon",
    "distance_accueil_m",
    "minutes_accueil",
    "motif",
]


def walking_minutes(metres: float) -> float:
    """Minutes to walk ``metres`` (already detoured) at :data:`WALK_KMH`.

    >>> walking_minutes(750)
    10.0
    """
    return metres / (WALK_KMH * 1000 / 60)


@dataclass
class PremisesPlan:
    """Where the teams of a marathon work.

    Attributes
    ----------
    host, host_name : str
        The host commune (INSEE code, name).
    welcome : tuple of float
        Welcome point (longitude, latitude).
    assignment : pandas.DataFrame
        One row per placed team: ``equipe``, ``personnes``, ``local``,
        ``adresse``, ``surface_m2``, ``equipes_dans_local``,
        ``minutes_accueil`` (public columns only).
    premises : pandas.DataFrame
        The premises used, nearest to the welcome point first.
    unplaced : list of str
        Teams without a place (in the order given).
    suggestions : pandas.DataFrame
        When teams lack a place: premises that could be asked, host commune
        first, then neighbouring communes, nearest first within each.
    diagnosis : list of str
        French sentences on what is missing (empty when all is well).
    walk_m : float
        The optimised total: walking metres from each used premises to the
        welcome point plus between each pair of used premises.
    status : str
        The solver's status (``"optimal"``), or ``"trivial"`` with at most
        one candidate set.
    """

    host: str
    host_name: str
    welcome: tuple[float, float]
    surface_per_team: float
    states: tuple[str, ...]
    assignment: pd.DataFrame
    premises: pd.DataFrame
    unplaced: list[str] = field(default_factory=list)
    suggestions: pd.DataFrame = field(default_factory=pd.DataFrame)
    diagnosis: list[str] = field(default_factory=list)
    walk_m: float = 0.0
    status: str = OPTIMAL

    @property
    def missing(self) -> int:
        """Number of teams without a place."""
        return len(self.unplaced)

    def summary(self) -> str:
        """The plan in French sentences."""
        n_teams = len(self.assignment) + self.missing
        parts = [
            f"{count_fr(len(self.assignment), 'équipe placée', 'équipes placées')} "
            f"sur {format_fr(n_teams, 0)} à {self.host_name}, dans "
            f"{count_fr(len(self.premises), 'local', 'locaux')} "
            f"({format_fr(self.surface_per_team, 0)} m² par équipe)."
        ]
        if len(self.premises):
            far = self.premises["minutes_accueil"].max()
            parts.append(
                f"Le local le plus éloigné est {_minutes_text(far)} du point "
                f"d'accueil ; marche totale entre les locaux et vers "
                f"l'accueil : {format_fr(self.walk_m / 1000, 1)} km."
            )
        return " ".join(parts + self.diagnosis)


def assign_premises(
    locaux,
    host: str,
    teams,
    *,
    surface_per_team: float = 25,
    states: Iterable[str] = DEFAULT_STATES,
    welcome: tuple[float, float] | None = None,
    territory: Territory | None = None,
    nearby_km: float = NEARBY_KM,
) -> PremisesPlan:
    """Place each team in one premises of the host commune (module docstring).

    Parameters
    ----------
    locaux : geopandas.GeoDataFrame or LoadResult
        The ``locaux`` table as :func:`mitlib.data.io.load_table` returns it
        (``id``, ``code_insee``, ``adresse``, ``surface_m2``, ``bati_etat``,
        ``disponible_marathon``, WGS84 point geometry).
    host : str
        INSEE code of the host commune.
    teams : sequence of str, or mapping team → number of people
        The teams, in the order they are placed.
    surface_per_team : float
        m² needed by one team.
    states : iterable of str
        Accepted ``bati_etat`` values (names or aliases of
        :data:`~mitlib.data.vocabularies.BUILDING_STATE`).
    welcome : (lon, lat), optional
        Welcome point; the host's town hall by default.
    territory : Territory, optional
        Where the host commune and its neighbours are read (the bundled one
        by default).
    nearby_km : float
        Premises of other communes within this straight distance of the
        welcome point are suggested too.

    Raises
    ------
    OptionError
        Unknown host commune or state, no team, a team twice, a surface not
        positive.
    InputError
        A column missing from ``locaux``.
    """
    frame = getattr(locaux, "data", locaux)
    people = _teams(teams)
    accepted = _states(states)
    if isinstance(surface_per_team, bool) or not (
        isinstance(surface_per_team, numbers.Real) and surface_per_team > 0
    ):
        raise OptionError(
            f"Surface par équipe : {surface_per_team!r} n'est pas accepté "
            "(un nombre de m² supérieur à 0)."
        )
    if territory is None:
        from mitlib.data.territory import load_territory

        territory = load_territory()
    host = str(host).strip()
    communes = territory.communes
    match = communes[communes["code_insee"] == host]
    if match.empty:
        raise OptionError(
            f"Commune hôte : {host!r} n'est pas une commune du territoire "
            f"« {territory.name} » (code INSEE attendu, par exemple "
            f"{communes['code_insee'].iloc[0]})."
        )
    hall = match.iloc[0]
    if welcome is None:
        welcome = (float(hall["mairie_lon"]), float(hall["mairie_lat"]))
    welcome = (float(welcome[0]), float(welcome[1]))
    table = _prepare(frame, surface_per_team, welcome)

    in_host = table["code_insee"] == host
    eligible = in_host & table["disponible_marathon"] & table["etat"].isin(accepted)
    usable = table[eligible & (table["capacite"] > 0)].sort_values("local")
    chosen, walk, status = _choose(usable, len(people))
    used = usable.loc[chosen].sort_values(["distance_accueil_m", "local"])
    assignment, unplaced = _fill(used, people)
    counts = assignment.groupby("local").size()
    used = used.assign(equipes=used["local"].map(counts).fillna(0).astype(int))
    assignment["equipes_dans_local"] = assignment["local"].map(counts).astype(int)
    plan = PremisesPlan(
        host=host,
        host_name=str(hall["nom"]),
        welcome=welcome,
        surface_per_team=float(surface_per_team),
        states=accepted,
        assignment=assignment[_ASSIGNMENT_COLUMNS].reset_index(drop=True),
        premises=used[_PREMISES_COLUMNS].reset_index(drop=True),
        unplaced=unplaced,
        walk_m=walk,
        status=status,
    )
    if unplaced:
        neighbours = _neighbours(communes, host, table, nearby_km)
        plan.suggestions = _suggestions(table, in_host, eligible, neighbours)
        plan.diagnosis = _diagnosis(plan, table, in_host & eligible)
    return plan


# ---------------------------------------------------------------- inputs


def _teams(teams) -> dict[str, float]:
    """Team id → number of people (NaN when not given), in the order given."""
    if isinstance(teams, str):
        teams = [teams]
    items = teams.items() if isinstance(teams, Mapping) else ((t, None) for t in teams)
    people: dict[str, float] = {}
    for team, n in items:
        name = str(team).strip()
        if not name:
            raise OptionError("Équipes : un identifiant d'équipe est vide.")
        if name in people:
            raise OptionError(f"Équipes : l'équipe « {name} » est donnée deux fois.")
        people[name] = math.nan if n is None else float(n)
    if not people:
        raise OptionError("Équipes : aucune équipe à placer.")
    return people


def _states(states: Iterable[str]) -> tuple[str, ...]:
    """Canonical names of the accepted building states."""
    if isinstance(states, str):
        states = [states]
    lookup = {}
    for name, aliases in BUILDING_STATE.items():
        for word in (name, *aliases):
            lookup[fold(word)] = name
    accepted = []
    for state in states:
        name = lookup.get(fold(state))
        if name is None:
            raise OptionError(
                f"État du bâti : « {state} » n'est pas reconnu ; valeurs "
                f"acceptées : {', '.join(BUILDING_STATE)}."
            )
        if name not in accepted:
            accepted.append(name)
    return tuple(accepted)


def _prepare(frame, surface_per_team: float, welcome) -> pd.DataFrame:
    """The premises with their capacity and walking distance to the welcome point."""
    needed = ["id", "surface_m2", "bati_etat", "disponible_marathon", "geometry"]
    if "code_insee" not in frame.columns and "commune" not in frame.columns:
        needed.append("code_insee")
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise InputError(
            f"Table des locaux : colonne(s) absente(s) : {', '.join(absent)} "
            "(chargez-la par load_table(chemin, 'locaux'))."
        )
    geo = gpd.GeoSeries(frame.geometry, crs=frame.crs or WGS84).to_crs(LAMBERT93)
    hub = gpd.GeoSeries(gpd.points_from_xy([welcome[0]], [welcome[1]]), crs=WGS84)
    hub = hub.to_crs(LAMBERT93).iloc[0]
    surface = pd.to_numeric(frame["surface_m2"], errors="coerce").astype(float)
    code = frame["code_insee"] if "code_insee" in frame.columns else frame["commune"]
    table = pd.DataFrame(
        {
            "local": frame["id"].astype(str).to_numpy(),
            "code_insee": code.astype(str).to_numpy(),
            "adresse": (
                frame["adresse"].to_numpy() if "adresse" in frame.columns else None
            ),
            "surface_m2": surface.to_numpy(),
            "bati_etat": frame["bati_etat"].to_numpy(),
            "disponible_marathon": frame["disponible_marathon"]
            .map(lambda v: v is True or v == 1 or fold(v) == "oui")
            .to_numpy(dtype=bool),
            "x": geo.x.to_numpy(),
            "y": geo.y.to_numpy(),
        }
    )
    table["etat"] = table["bati_etat"].map(lambda v: v if v in BUILDING_STATE else "")
    capacity = np.floor(table["surface_m2"].fillna(0) / surface_per_team + 1e-9)
    table["capacite"] = capacity.astype(int)
    straight = np.hypot(table["x"] - hub.x, table["y"] - hub.y)
    table["droit_m"] = straight
    table["distance_accueil_m"] = np.round(straight * DETOUR)
    table["minutes_accueil"] = table["distance_accueil_m"].map(walking_minutes)
    twice = table["local"][table["local"].duplicated()]
    if len(twice):
        raise InputError(
            f"Table des locaux : l'identifiant « {twice.iloc[0]} » est donné "
            "plusieurs fois."
        )
    table = table[table["x"].notna() & table["y"].notna()]
    table.index = pd.Index(table["local"].to_numpy())
    return table


# ---------------------------------------------------------------- solve


def _choose(usable: pd.DataFrame, n_teams: int) -> tuple[list[str], float, str]:
    """The premises to use: fewest, then closest together (exact MILP)."""
    caps = usable["capacite"].to_numpy()
    if caps.sum() <= n_teams:  # shortage or exact fit: every premises
        ids = usable["local"].tolist()
        return ids, _walk(usable, ids), "trivial"
    k = int(np.searchsorted(np.cumsum(np.sort(caps)[::-1]), n_teams) + 1)
    n = len(usable)
    xy = usable[["x", "y"]].to_numpy()
    d_hub = usable["distance_accueil_m"].to_numpy()
    pairs = [(p, q) for p in range(n) for q in range(p + 1, n)]
    d_pair = np.array([np.round(np.hypot(*(xy[p] - xy[q])) * DETOUR) for p, q in pairs])
    m = len(pairs)
    eps = 1.0 / (n * (n + 1))  # Σ eps·(rank+1) over all premises < 1
    objective = np.concatenate([-d_hub - eps * np.arange(1, n + 1), -d_pair])
    rows, cols, vals = [], [], []
    for r, (p, q) in enumerate(pairs):  # z_pq - y_p - y_q ≥ -1
        rows += [r, r, r]
        cols += [n + r, p, q]
        vals += [1.0, -1.0, -1.0]
    rows += [m] * n + [m + 1] * n
    cols += list(range(n)) * 2
    vals += [1.0] * n + caps.astype(float).tolist()
    a = sparse.csr_matrix((vals, (rows, cols)), shape=(m + 2, n + m))
    lb = np.concatenate([-np.ones(m), [k, n_teams]])
    ub = np.concatenate([np.full(m, np.inf), [k, np.inf]])
    integer = np.concatenate([np.ones(n, bool), np.zeros(m, bool)])
    out = solve_milp(objective, a, lb, ub, np.zeros(n + m), np.ones(n + m), integer)
    if out.x is None:  # pragma: no cover - the model is always feasible
        raise RuntimeError(f"choix des locaux : {out.status} ({out.message})")
    ids = usable["local"].to_numpy()[out.x[:n] > 0.5].tolist()
    return ids, _walk(usable, ids), out.status


def _walk(table: pd.DataFrame, ids: list[str]) -> float:
    """Walking metres of a set of premises: to the welcome point and pairwise."""
    sub = table.loc[ids]
    xy = sub[["x", "y"]].to_numpy()
    total = float(sub["distance_accueil_m"].sum())
    for p in range(len(ids)):
        for q in range(p + 1, len(ids)):
            total += float(np.round(np.hypot(*(xy[p] - xy[q])) * DETOUR))
    return total


def _fill(used: pd.DataFrame, people: dict[str, float]):
    """Teams in the given order into the premises, nearest first."""
    slots = [
        pid
        for pid, cap in zip(used["local"], used["capacite"], strict=True)
        for _ in range(cap)
    ]
    teams = list(people)
    placed = teams[: len(slots)]
    rows = used.loc[slots[: len(placed)]]
    assignment = pd.DataFrame(
        {
            "equipe": placed,
            "personnes": [people[t] for t in placed],
            "local": rows["local"].to_numpy(),
            "adresse": rows["adresse"].to_numpy(),
            "surface_m2": rows["surface_m2"].to_numpy(),
            "minutes_accueil": rows["minutes_accueil"].to_numpy(),
        }
    )
    return assignment, teams[len(placed) :]


# ---------------------------------------------------------------- shortage


def _neighbours(communes, host, table, nearby_km) -> set[str]:
    """Communes touching the host, or with premises near the welcome point."""
    l93 = communes.to_crs(LAMBERT93)
    shape = l93.loc[l93["code_insee"] == host].geometry.iloc[0].buffer(10)
    touching = set(l93.loc[l93.intersects(shape), "code_insee"].astype(str))
    near = set(table.loc[table["droit_m"] <= nearby_km * 1000, "code_insee"])
    return (touching | near) - {host}


def _suggestions(table, in_host, eligible, neighbours) -> pd.DataFrame:
    """Premises to ask: host commune first, then neighbours, nearest first."""
    big = table["capacite"] > 0
    own = table[in_host & ~eligible & big].assign(groupe=0)
    own["motif"] = np.where(
        ~own["disponible_marathon"],
        "non proposé pour un marathon",
        "état : " + own["bati_etat"].fillna("non renseigné").astype(str),
    )
    other = table[table["code_insee"].isin(neighbours) & big].assign(groupe=1)
    other["motif"] = "commune voisine"
    both = pd.concat([own, other]).sort_values(
        ["groupe", "distance_accueil_m", "local"]
    )
    return both[_SUGGESTION_COLUMNS].head(MAX_SUGGESTIONS).reset_index(drop=True)


def _diagnosis(plan: PremisesPlan, table, eligible) -> list[str]:
    """French sentences: how many teams lack a place, which premises to ask."""
    cap = int(table.loc[eligible, "capacite"].sum())
    sentences = [
        f"Il manque de la place pour {count_fr(plan.missing, 'équipe')} : les "
        f"locaux prêtés de {plan.host_name} dans un état accepté "
        f"({', '.join(plan.states)}) accueillent "
        f"{count_fr(cap, 'équipe')} à {format_fr(plan.surface_per_team, 0)} m² "
        f"par équipe. Équipes sans local : {', '.join(plan.unplaced)}."
    ]
    small = table[eligible & (table["capacite"] == 0)]
    if len(small):
        sentences.append(
            "Trop petits pour une équipe : "
            + ", ".join(
                f"{r.local} ({format_fr(r.surface_m2, 1)} m²)"
                for r in small.sort_values("local").itertuples()
            )
            + "."
        )
    if plan.suggestions.empty:
        sentences.append(
            "Aucun autre local de la commune ni des communes voisines n'est "
            "assez grand."
        )
        return sentences
    sentences.append("Locaux à solliciter, du plus proche au plus éloigné :")
    for r in plan.suggestions.itertuples():
        sentences.append(
            f"{r.local}, {r.adresse or 'adresse non renseignée'} ({r.code_insee}) : "
            f"{format_fr(r.surface_m2, 1)} m², "
            f"{r.bati_etat if isinstance(r.bati_etat, str) else 'état non renseigné'}, "
            f"{_minutes_text(r.minutes_accueil)} ({r.motif})."
        )
    return sentences


def _minutes_text(minutes: float) -> str:
    """« à 4 min à pied », or « à moins d'une minute à pied »."""
    if minutes < 0.5:
        return "à moins d'une minute à pied"
    return f"à {format_fr(minutes, 0)} min à pied"
