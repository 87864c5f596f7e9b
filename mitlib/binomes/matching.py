"""Exact assignment of coaches to marathon projects.

Each project receives between ``lo`` and ``hi`` coaches, each coach follows at
most ``capacity`` projects, some pairs are forbidden (conflict of interest,
same organisation), some are forced. Among the assignments that respect these
rules, :func:`assign` returns a best one for the chosen mode:

``"total"``
    Maximise the sum of the affinities. Without quota nor coverage, the
    problem is a bipartite b-matching, solved as a min-cost flow (OR-Tools)
    on each project's best pairs, chosen by a per-row partition; the answer
    is certified on the float scores over all pairs by node potentials
    (pairs left out are added until none could improve it), see
    :mod:`mitlib.solve.flows`. With quota rows (each coach of at most one quota
    type) the constraint matrix stays totally unimodular: the linear
    programme solved by the HiGHS dual simplex (:func:`scipy.optimize.linprog`)
    has an integral optimal vertex. Its integrality is checked; if it fails
    (coaches of several quota types, domain coverage),
    :func:`scipy.optimize.milp` solves the integer programme. Scores are not
    rounded in the models solved by HiGHS; the flow scales them to integers
    and its certificate bounds what scaling may cost (≈ 1e-9 per unit).
    Large LPs are solved by column generation, exactly (see
    :func:`_solve_lp`).
``"equitable"``
    Lexicographic: first maximise ``t``, the affinity of the worst-served
    project (sum over its coaches); then the total subject to every project
    keeping at least ``t* - 1e-9·max(1, |t*|)``. This max-min problem is
    NP-hard in general. Without quota nor coverage it is first attacked with
    flows (see :func:`_fair_start`): upper bounds (each project's best
    ``k`` pairs; a max-flow check on the pairs able to reach a threshold;
    a Lagrangian bound from weighted flows, which tends to the LP
    relaxation's) and incumbents (weighted flows, a local search raising
    the worst project). When an incumbent reaches a bound, the value is
    proven without branching; otherwise a MILP starts with ``t`` between
    the incumbent and the bound, on the pairs that can reach the incumbent.
    The total stage is bounded by the total optimum and solved on the pairs
    that keep ``t*``. Other instances use the MILPs directly. With a
    ``time_limit``, the first stage gets half of what is left, so the second
    is not starved, and the best assignment found is returned with its
    proven gap.

MILPs run with no relative gap tolerance (HiGHS keeps its absolute one,
1e-6). A level's optimum is kept as a constraint of the next levels: the
coverage count, an integer, as ``≥ count - 1e-4``, exact and clear of
HiGHS's feasibility tolerance (see :data:`_COVERAGE_SLACK`); the worst
project as ``≥ t* - 1e-9·max(1, |t*|)``, a margin that only absorbs
summation order.
A solution replaces the incumbent only if it keeps these values, checked on
its rounded pairs. Should HiGHS still end a MILP on a "solve error" (its
final check finding its own solution off by more than its tolerance), the
solve is retried with presolve off, then with other fixed random seeds (see
:data:`_RETRY_OPTIONS`), so results stay deterministic.

Pairs of zero affinity are declared continuous in the coverage and total
MILPs, then made integral by a simplex on the bipartite rows alone,
which is exact (see :meth:`_Model.integral`).

Optional rules:

* **quotas** (hard): at least ``q`` coaches of a given type per project, e.g.
  ``{"banquier/financeur": 1}``;
* **domain coverage** (soft, exact): when ``project_needs`` and
  ``coach_domains`` are given, the number of (project, needed domain) pairs
  covered by at least one assigned coach is maximised *first*, then the
  mode's objectives apply with that coverage kept. So every need is covered
  whenever the other constraints allow it, and never at the price of
  infeasibility; :attr:`Assignment.uncovered` lists what is left uncovered.

Each project's **referent** is its assigned coach with the highest affinity
(ties: smallest coach id).

Determinism: projects and coaches are sorted by id before the model is
built, and HiGHS is deterministic, so the same inputs give the same pairs,
whatever the order of the rows. No random tie-breaking perturbation is
added: the scores are used as given. With a ``time_limit`` the result may
depend on the machine's speed (see :attr:`Assignment.status`).

Before solving, simple counts are checked (total capacity, possible coaches
per project, quota capacity, forced pairs). If the solver still finds no
solution, a max-flow argument names a group of projects whose possible coaches
lack places. Either way :class:`InfeasibleError` carries the French
diagnostics.

:func:`greedy_assign` is a heuristic baseline, kept for benchmarks only.
"""

from __future__ import annotations

import math
import numbers
import re
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import NoReturn

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from mitlib.core.errors import InputError, MitError, OptionError
from mitlib.core.text import fold
from mitlib.solve import flows

__all__ = ["MODES", "Assignment", "InfeasibleError", "assign", "greedy_assign"]

#: Accepted spellings of the modes (compared after :func:`mitlib.core.text.fold`).
MODES = {
    "total": "total",
    "somme": "total",
    "equitable": "equitable",
    "equite": "equitable",
    "fair": "equitable",
    "maximin": "equitable",
}

#: Relative tolerance used when the worst project's optimum is kept as a
#: constraint (times ``max(1, |value|)``).
LEXICOGRAPHIC_TOLERANCE = 1e-9
#: Margin below the optimal coverage count when it is kept as a constraint.
#: The count is an integer and each coverage variable ``y ≤ min(1, Σ x)`` is at
#: most the 0/1 "covered" indicator, so any margin below 1 keeps exactly the
#: assignments covering ``count`` needs. It must stay well above HiGHS's
#: feasibility tolerance (1e-6): with a margin of 1e-6, a vertex set a
#: continuous ``y`` to ``1 - 1e-6``, indistinguishable from 1 for HiGHS, a
#: second one drifted likewise, and HiGHS's final check found the row off by
#: just over 1e-6 and rejected its own solution ("Solve error", scipy status
#: 4). Larger margins weaken the LP relaxation (0.5: about 5 times slower).
_COVERAGE_SLACK = 1e-4
#: HiGHS options tried in turn when a MILP ends in a "Solve error" (scipy
#: status 4); fixed, so the results stay deterministic.
_RETRY_OPTIONS: tuple[dict, ...] = (
    {},
    {"presolve": False},
    {"random_seed": 1},
    {"random_seed": 2},
)
_SOLVE_ERROR = 4
_INTEGRALITY_TOLERANCE = 1e-6
_MIN_STAGE_SECONDS = 0.05
#: Relative tolerance under which a value equal to its bound is proven.
_PROOF_TOLERANCE = 1e-6
#: Time for the max-min local search when no time limit is given.
_LOCAL_SEARCH_SECONDS = 5.0
#: Largest projects × coaches for the total-raising local search.
_LOCAL_SEARCH_CELLS = 250_000
#: Share of the time left given to the max-min MILP when a total stage follows.
_FIRST_STAGE_SHARE = 0.5
#: Share of the time left given to the last MILP (the rest: building, checks).
_LAST_STAGE_SHARE = 0.75
#: Seconds per MILP column kept aside for HiGHS's overrun (see _milp_seconds).
_MILP_OVERRUN = 1.6e-5


class InfeasibleError(MitError, ValueError):
    """No assignment satisfies the constraints; ``diagnostics`` says why (French).

    The ``mit`` command exits with code 1 (done, but something could not be
    placed), as it does when :func:`mitlib.binomes.pairing.run_pairing` reports an
    infeasible marathon.

    Examples
    --------
    >>> err = InfeasibleError(["Le projet P1 n'a aucun coach possible."])
    >>> err.diagnostics, err.exit_code
    (["Le projet P1 n'a aucun coach possible."], 1)
    """

    exit_code = 1

    def __init__(self, diagnostics: list[str]) -> None:
        self.diagnostics = list(diagnostics)
        lines = "\n".join(f"- {d}" for d in self.diagnostics)
        super().__init__(f"Affectation impossible :\n{lines}")


@dataclass
class Assignment:
    """Result of :func:`assign` or :func:`greedy_assign`.

    Attributes
    ----------
    pairs : pandas.DataFrame
        Columns ``id_projet``, ``id_coach``, ``affinite``, ``referent``
        (bool), one row per assigned pair, by project then decreasing
        affinity; the referent is the first row of its project.
    total : float
        Sum of the affinities of the pairs.
    worst_project : float
        Smallest per-project sum of affinities.
    status : str
        ``"optimal"`` (proven), ``"gap"`` (a time limit stopped a solve;
        see ``gap``) or ``"heuristique"`` (greedy baseline).
    gap : float or None
        For ``"gap"``: relative gap ``(bound - value) / |bound|`` of the
        first objective level not proven optimal (NaN if unknown).
    loads : pandas.Series
        Number of projects per coach (all coaches, 0 included).
    project_totals : pandas.Series
        Sum of affinities per project.
    mode : str
        ``"total"``, ``"equitable"`` or ``"glouton"``.
    uncovered : list of tuple
        (project, domain) needs that no assigned coach covers (only when
        domain coverage was requested).
    stages : list of dict
        One entry per solve: ``stage``, ``solver``, ``status``, ``value``,
        ``bound``, ``gap``, ``seconds``.

    Examples
    --------
    >>> a = assign(pd.DataFrame([[0.9, 0.1]], index=["P1"], columns=["C1", "C2"]),
    ...            per_project=1, capacity=1)
    >>> a.pairs.to_dict("records")
    [{'id_projet': 'P1', 'id_coach': 'C1', 'affinite': 0.9, 'referent': True}]
    """

    pairs: pd.DataFrame
    total: float
    worst_project: float
    status: str
    gap: float | None
    loads: pd.Series
    project_totals: pd.Series
    mode: str
    uncovered: list[tuple] = field(default_factory=list)
    stages: list[dict] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Validation: inputs → a sorted, dense instance
# ---------------------------------------------------------------------------


def _sort_key(value: object) -> tuple:
    """Natural order of ids: numbers first, then text with embedded numbers
    compared as numbers (« P2 » before « P10 »)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return (0, float(value), ())
    parts = re.split(r"(\d+)", str(value))
    return (1, 0.0, tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in parts))


def _single_typed(inst: _Instance) -> bool:
    """Whether each coach has at most one of the types that carry a quota."""
    return all(len(t & inst.quotas.keys()) <= 1 for t in inst.types)


def _names(ids: Iterable[object]) -> str:
    ids = [str(v) for v in ids]
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " et " + ids[-1]


def _per_project(value: int | tuple[int, int]) -> tuple[int, int]:
    try:
        pair = (value, value) if isinstance(value, numbers.Integral) else tuple(value)
    except TypeError:
        pair = ()
    ok = (
        len(pair) == 2
        and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in pair
        )
        and 0 <= pair[0] <= pair[1]
    )
    if not ok:
        raise OptionError(
            "per_project doit être un entier ou un couple (minimum, maximum) "
            f"d'entiers avec 0 ≤ minimum ≤ maximum : {value!r}."
        )
    return int(pair[0]), int(pair[1])


def _as_int(value: object, what: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (math.isfinite(number) and number.is_integer() and number >= 0):
        raise OptionError(f"{what} doit être un entier positif ou nul : {value!r}.")
    return int(number)


def _mapping(values: object, what: str) -> dict:
    if isinstance(values, pd.Series):
        if values.index.has_duplicates:
            dup = _names(values.index[values.index.duplicated()].unique())
            raise InputError(f"Identifiants en double dans {what} : {dup}.")
        return dict(values.items())
    if isinstance(values, Mapping):
        return dict(values)
    raise TypeError(f"{what} doit être une pandas.Series ou un dictionnaire.")


def _labels(value: object) -> list[str]:
    """A tag or list of tags → list of non-empty strings."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


@dataclass
class _Instance:
    projects: list
    coaches: list
    scores: np.ndarray  # P × C
    lo: int
    hi: int
    cap: np.ndarray  # C
    allowed: np.ndarray  # P × C bool (not forbidden)
    forced: np.ndarray  # P × C bool
    conflicts: list[tuple]  # forced pairs that are also forbidden
    types: list[frozenset]  # folded types per coach
    quotas: dict  # folded type → (label, q)
    needs: list[list[tuple[str, str]]] | None  # per project: (folded, label)
    offers: list[frozenset] | None  # per coach: folded domains


def _pairs(values: Iterable, what: str, p_index: dict, c_index: dict) -> set:
    out = set()
    for item in values:
        try:
            p, c = item
        except (TypeError, ValueError):
            raise OptionError(
                f"{what} : chaque binôme doit être un couple (projet, coach) : "
                f"{item!r}."
            ) from None
        if p not in p_index:
            raise OptionError(
                f"{what} : projet inconnu « {p} » dans le binôme ({p}, {c})."
            )
        if c not in c_index:
            raise OptionError(
                f"{what} : coach inconnu « {c} » dans le binôme ({p}, {c})."
            )
        out.add((p_index[p], c_index[c]))
    return out


def _instance(
    affinity,
    per_project,
    capacity,
    forbidden,
    forced,
    quotas=None,
    coach_types=None,
    project_needs=None,
    coach_domains=None,
) -> _Instance:
    if not isinstance(affinity, pd.DataFrame):
        raise TypeError("affinity doit être un DataFrame projets × coachs.")
    for axis, what in ((affinity.index, "projets"), (affinity.columns, "coachs")):
        if axis.has_duplicates:
            dup = _names(axis[axis.duplicated()].unique())
            raise InputError(f"Identifiants de {what} en double : {dup}.")
    projects = sorted(affinity.index, key=_sort_key)
    coaches = sorted(affinity.columns, key=_sort_key)
    try:
        scores = affinity.loc[projects, coaches].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise InputError("Les affinités doivent être des nombres.") from None
    if not np.isfinite(scores).all():
        raise InputError("Affinités manquantes ou infinies : complétez le tableau.")
    lo, hi = _per_project(per_project)
    p_index = {p: i for i, p in enumerate(projects)}
    c_index = {c: j for j, c in enumerate(coaches)}

    if isinstance(capacity, numbers.Integral):
        cap = np.full(len(coaches), _as_int(capacity, "La capacité"))
    else:
        caps = _mapping(capacity, "capacity")
        missing = [c for c in coaches if c not in caps]
        if missing:
            raise InputError(f"Capacité manquante pour les coachs : {_names(missing)}.")
        cap = np.array([_as_int(caps[c], f"La capacité de {c}") for c in coaches])

    banned = _pairs(forbidden, "Binômes interdits", p_index, c_index)
    imposed = _pairs(forced, "Binômes imposés", p_index, c_index)
    allowed = np.ones(scores.shape, dtype=bool)
    for i, j in banned:
        allowed[i, j] = False
    forced_m = np.zeros(scores.shape, dtype=bool)
    for i, j in imposed:
        forced_m[i, j] = True
    conflicts = sorted(
        ((projects[i], coaches[j]) for i, j in imposed & banned),
        key=lambda pc: (_sort_key(pc[0]), _sort_key(pc[1])),
    )

    types: list[frozenset] = [frozenset()] * len(coaches)
    quota_map: dict = {}
    if quotas:
        if coach_types is None:
            raise OptionError("Des quotas sont demandés : fournissez coach_types.")
        for label, q in dict(quotas).items():
            key = fold(label)
            if not key:
                raise OptionError(f"Type de coach vide dans les quotas : {label!r}.")
            q = _as_int(q, f"Le quota « {label} »")
            if q > 0:
                quota_map[key] = (str(label), q)
    if coach_types is not None:
        kinds = _mapping(coach_types, "coach_types")
        types = [frozenset(fold(t) for t in _labels(kinds.get(c))) for c in coaches]

    needs = offers = None
    if (project_needs is None) != (coach_domains is None):
        raise OptionError(
            "Pour couvrir les domaines, fournissez à la fois project_needs "
            "et coach_domains."
        )
    if project_needs is not None:
        need_map = _mapping(project_needs, "project_needs")
        offer_map = _mapping(coach_domains, "coach_domains")
        needs = []
        for p in projects:
            seen: dict[str, str] = {}
            for label in _labels(need_map.get(p)):
                seen.setdefault(fold(label), label)
            needs.append(list(seen.items()))
        offers = [
            frozenset(fold(d) for d in _labels(offer_map.get(c))) for c in coaches
        ]

    return _Instance(
        projects,
        coaches,
        scores,
        lo,
        hi,
        cap,
        allowed,
        forced_m,
        conflicts,
        types,
        quota_map,
        needs,
        offers,
    )


# ---------------------------------------------------------------------------
# Diagnostics (French)
# ---------------------------------------------------------------------------


def _diagnose(inst: _Instance) -> list[str]:
    """Cheap necessary conditions; each failure gives a French sentence."""
    msgs = []
    n_p = len(inst.projects)
    for p, c in inst.conflicts:
        msgs.append(
            f"Le binôme ({p}, {c}) est à la fois imposé et interdit "
            "(conflit ou même organisation)."
        )
    forced_p = inst.forced.sum(axis=1)
    forced_c = inst.forced.sum(axis=0)
    for i in np.flatnonzero(forced_p > inst.hi):
        msgs.append(
            f"Le projet {inst.projects[i]} a {forced_p[i]} coachs imposés pour un "
            f"maximum de {inst.hi} : retirez des binômes imposés ou relevez le maximum."
        )
    for j in np.flatnonzero(forced_c > inst.cap):
        msgs.append(
            f"Le coach {inst.coaches[j]} est imposé sur {forced_c[j]} projets pour "
            f"une capacité de {inst.cap[j]}."
        )
    need = n_p * inst.lo
    supply = int(inst.cap.sum())
    all_zero = need > 0 and supply == 0
    if all_zero:
        msgs.append(
            f"Tous les coachs ({len(inst.coaches)}) ont une capacité de 0 (colonne "
            f"capacite_max) : aucun projet ne peut recevoir de coach, alors que "
            f"{n_p} projets × {inst.lo} = {need} places sont nécessaires. "
            "Indiquez pour chaque coach le nombre de projets qu'il peut suivre."
        )
    elif supply < need:
        msgs.append(
            f"Capacité totale des coachs ({supply}) inférieure au besoin minimal "
            f"({n_p} projets × {inst.lo} = {need}) : ajoutez {need - supply} "
            f"place{'s' if need - supply > 1 else ''} "
            "ou réduisez le minimum par projet."
        )
    usable = inst.allowed & (inst.cap > 0)[None, :]
    possible = usable.sum(axis=1)
    not_excluded = inst.allowed.sum(axis=1)
    for i in [] if all_zero else np.flatnonzero(possible < inst.lo):
        n, free = int(possible[i]), int(not_excluded[i])
        what = (
            "aucun coach possible"
            if n == 0
            else ("qu'un coach possible" if n == 1 else f"que {n} coachs possibles")
        )
        causes = []
        if free < len(inst.coaches):
            causes.append("conflits/organisation")
        if free > n:
            causes.append(
                f"{free - n} coach{'s' if free - n > 1 else ''} non exclu"
                f"{'s' if free - n > 1 else ''} mais de capacité 0"
            )
        msgs.append(
            f"Le projet {inst.projects[i]} n'a {what} ({' ; '.join(causes)}) "
            f"pour un minimum de {inst.lo}."
        )
    for key, (label, q) in inst.quotas.items():
        of_type = np.array([key in t for t in inst.types], dtype=bool)
        if q > inst.hi:
            msgs.append(
                f"Quota « {label} » ({q} par projet) supérieur au maximum de coachs "
                f"par projet ({inst.hi})."
            )
        n_type, cap_type = int(of_type.sum()), int(inst.cap[of_type].sum())
        if cap_type < q * n_p:
            who = (
                "aucun coach"
                if n_type == 0
                else ("1 seul coach" if n_type == 1 else f"{n_type} coachs")
            )
            demand = f"{n_p} projets" + (f" × {q}" if q > 1 else "")
            msgs.append(
                f"Quota « {label} » impossible : {who} de ce type pour {demand} "
                f"(capacité {cap_type})."
            )
        else:
            short = (usable & of_type[None, :]).sum(axis=1) < q
            for i in np.flatnonzero(short):
                msgs.append(
                    f"Le projet {inst.projects[i]} n'a pas assez de coachs possibles "
                    f"de type « {label} » (quota {q})."
                )
    if inst.quotas and _single_typed(inst):
        demanded = sum(q for _, q in inst.quotas.values())
        if demanded > inst.hi:
            msgs.append(
                f"Les quotas demandent {demanded} coachs par projet, plus que le "
                f"maximum ({inst.hi})."
            )
    return msgs


def _hall_diagnosis(inst: _Instance) -> list[str]:
    """Explain a capacity shortage with a max-flow / min-cut argument.

    Forced pairs are placed first; the remaining minimum demands flow from
    the projects to the coaches through allowed pairs. The source side of a
    minimum cut is a group of projects whose possible coaches lack places
    (Hall's condition fails for it).
    """
    forced_p = inst.forced.sum(axis=1)
    left_cap = inst.cap - inst.forced.sum(axis=0)
    demand = np.maximum(inst.lo - forced_p, 0)
    graph = nx.DiGraph()
    for i, d in enumerate(demand):
        if d > 0:
            graph.add_edge("s", ("p", i), capacity=int(d))
    for i, j in zip(*np.nonzero(inst.allowed & ~inst.forced), strict=True):
        if demand[i] > 0 and left_cap[j] > 0:
            graph.add_edge(("p", i), ("c", j), capacity=1)
    for j, c in enumerate(left_cap):
        if c > 0:
            graph.add_edge(("c", j), "t", capacity=int(c))
    if "s" not in graph or "t" not in graph:
        flow, side = 0, {"s"} | {("p", i) for i in np.flatnonzero(demand)}
    else:
        # Nodes reachable from s in the residual graph: the smallest source
        # side of a minimum cut, i.e. the smallest group of projects short of
        # places (networkx's minimum_cut returns the largest one).
        flow, flows = nx.maximum_flow(graph, "s", "t")
        side, todo = {"s"}, ["s"]
        while todo:
            u = todo.pop()
            nexts = [
                v
                for v in graph.successors(u)
                if flows[u][v] < graph.edges[u, v]["capacity"]
            ]
            nexts += [v for v in graph.predecessors(u) if flows[v][u] > 0]
            for v in nexts:
                if v not in side:
                    side.add(v)
                    todo.append(v)
    if flow >= demand.sum():
        return []
    group = sorted(n[1] for n in side if isinstance(n, tuple) and n[0] == "p")
    wanted = int(demand[group].sum())
    missing = int(demand.sum() - flow)
    names = _names(inst.projects[i] for i in group)
    return [
        f"Les projets {names} demandent ensemble au moins {wanted} coachs "
        f"(hors binômes imposés) mais ne peuvent en recevoir que {wanted - missing} "
        "avec les coachs qui leur sont possibles : augmentez les capacités de ces "
        "coachs ou levez des conflits."
    ]


# ---------------------------------------------------------------------------
# Solving
# ---------------------------------------------------------------------------


@dataclass
class _Rows:
    """Linear rows ``lb ≤ A z ≤ ub`` over the model's variables."""

    blocks: list = field(default_factory=list)

    def add(self, matrix, lb, ub) -> None:
        self.blocks.append(
            (sparse.csr_matrix(matrix), np.asarray(lb, float), np.asarray(ub, float))
        )

    def plus(self, matrix, lb, ub) -> _Rows:
        """A copy with one more block of rows."""
        out = _Rows(list(self.blocks))
        out.add(matrix, lb, ub)
        return out

    def stacked(self, n_vars: int):
        if not self.blocks:
            return sparse.csr_matrix((0, n_vars)), np.zeros(0), np.zeros(0)
        mats = [_widen(m, n_vars) for m, _, _ in self.blocks]
        return (
            sparse.vstack(mats, format="csr"),
            np.concatenate([lb for _, lb, _ in self.blocks]),
            np.concatenate([ub for _, _, ub in self.blocks]),
        )


def _widen(matrix, n_vars: int):
    if matrix.shape[1] == n_vars:
        return matrix
    return sparse.hstack(
        [matrix, sparse.csr_matrix((matrix.shape[0], n_vars - matrix.shape[1]))],
        format="csr",
    )


@dataclass
class _Outcome:
    z: np.ndarray | None
    status: str  # "optimal", "gap", "none", "infeasible"
    bound: float
    solver: str


def _solve_lp(obj, a, lb, ub, var_lb, var_ub, seed, seconds):
    """Maximise ``obj @ z`` over ``lb ≤ a z ≤ ub`` by the HiGHS dual simplex.

    Column generation keeps large instances fast and the answer exact: the
    LP is first solved on the columns in ``seed`` (the others fixed at 0),
    then every column whose reduced cost shows it could improve the
    objective is added, until none does; the last basic solution is then an
    optimal vertex of the full LP. If the restricted LP is infeasible, all
    columns are taken. Returns the scipy result and the full solution.
    """
    eq = np.flatnonzero(np.isfinite(lb) & (lb == ub))
    up = np.flatnonzero(np.isfinite(ub) & (lb != ub))
    low = np.flatnonzero(np.isfinite(lb) & (lb != ub))
    a_ub = sparse.vstack([a[up], -a[low]], format="csc")
    b_ub = np.concatenate([ub[up], -lb[low]])
    a_eq = a[eq].tocsc()
    cols = np.asarray(seed, dtype=bool).copy()
    while True:
        idx = np.flatnonzero(cols)
        res = linprog(
            -obj[idx],
            A_ub=a_ub[:, idx] if len(b_ub) else None,
            b_ub=b_ub if len(b_ub) else None,
            A_eq=a_eq[:, idx] if len(eq) else None,
            b_eq=lb[eq] if len(eq) else None,
            bounds=np.column_stack([var_lb[idx], var_ub[idx]]),
            method="highs-ds",
            options={} if seconds is None else {"time_limit": seconds},
        )
        if res.status == 2 and not cols.all():
            cols[:] = True
            continue
        if res.status != 0:
            return res, None
        y_ub = res.ineqlin.marginals if len(b_ub) else np.zeros(0)
        y_eq = res.eqlin.marginals if len(eq) else np.zeros(0)
        reduced = -obj - a_ub.T @ y_ub - a_eq.T @ y_eq
        entering = ~cols & (reduced < -1e-9)
        if not entering.any():
            z = np.zeros(len(obj))
            z[idx] = res.x
            return res, z
        cols |= entering


def _solve(
    obj, rows: _Rows, var_lb, var_ub, integer, seconds, try_lp, seed=None
) -> _Outcome:
    """Maximise ``obj @ z``; variables where ``integer`` is true are binary.

    With ``try_lp``, the LP relaxation is solved first (see
    :func:`_solve_lp`, ``seed`` = initial columns, all by default); if its
    optimal vertex is integral, it is optimal for the integer problem too.
    Otherwise :func:`scipy.optimize.milp` solves the integer problem, with
    no relative gap tolerance (HiGHS's absolute gap, 1e-6, remains); on a
    HiGHS "solve error" it is solved again with each option set of
    :data:`_RETRY_OPTIONS` in turn.
    """
    n = len(obj)
    a, lb, ub = rows.stacked(n)
    lp_bound = math.nan
    if try_lp:
        seed = np.ones(n, dtype=bool) if seed is None else seed | (var_lb > 0)
        res, z = _solve_lp(obj, a, lb, ub, var_lb, var_ub, seed, seconds)
        if res.status == 2:
            return _Outcome(None, "infeasible", math.nan, "lp")
        if z is not None:
            lp_bound = -res.fun
            x = z[integer]
            if np.all(np.abs(x - np.round(x)) <= _INTEGRALITY_TOLERANCE):
                z[integer] = np.round(x)
                return _Outcome(z, "optimal", -res.fun, "lp")
    start = time.perf_counter()
    for extra in _RETRY_OPTIONS:
        options = {"mip_rel_gap": 0.0, "presolve": True, **extra}
        if seconds is not None:
            used = time.perf_counter() - start
            options["time_limit"] = max(seconds - used, _MIN_STAGE_SECONDS)
        with warnings.catch_warnings():
            # scipy warns that it passes `random_seed` to HiGHS unchecked.
            warnings.filterwarnings(
                "ignore", "Unrecognized options", category=RuntimeWarning
            )
            res = milp(
                -obj,
                integrality=integer.astype(int),
                bounds=Bounds(var_lb, var_ub),
                constraints=[LinearConstraint(a, lb, ub)] if a.shape[0] else None,
                options=options,
            )
        if res.status != _SOLVE_ERROR:
            break
    dual = getattr(res, "mip_dual_bound", None)
    bound = -dual if dual is not None and np.isfinite(dual) else math.nan
    bound = float(np.fmin(bound, lp_bound))  # the LP relaxation bounds too
    if res.status == 2:
        return _Outcome(None, "infeasible", bound, "milp")
    if res.x is None:
        return _Outcome(None, "none", bound, "milp")
    z = res.x.copy()
    z[integer] = np.round(z[integer])
    return _Outcome(z, "optimal" if res.status == 0 else "gap", bound, "milp")


class _Model:
    """Variables ``[x (one per allowed pair) | y (coverable needs) | t]``."""

    def __init__(self, inst: _Instance) -> None:
        self.inst = inst
        n_p, n_c = inst.scores.shape
        self.ep, self.ec = np.nonzero(inst.allowed)
        self.nx = len(self.ep)
        self.a = inst.scores[self.ep, self.ec]
        cols = np.arange(self.nx)
        ones = np.ones(self.nx)
        # Built directly in compressed form (pairs are sorted by project).
        indptr = np.concatenate([[0], np.cumsum(np.bincount(self.ep, minlength=n_p))])
        self.by_project = sparse.csr_matrix((ones, cols, indptr), shape=(n_p, self.nx))
        self.by_coach = sparse.csc_matrix(
            (ones, self.ec, np.arange(self.nx + 1)), shape=(n_c, self.nx)
        ).tocsr()
        self.rows = _Rows()
        self.rows.add(self.by_project, np.full(n_p, inst.lo), np.full(n_p, inst.hi))
        self.rows.add(self.by_coach, np.full(n_c, -np.inf), inst.cap)
        # A pair of zero affinity, not forced and whose coach carries no quota
        # type, only enters the bipartite rows. Once the other pairs are fixed
        # to 0/1, those rows form a totally unimodular system with integral
        # bounds, so these pairs can be continuous in the coverage and total
        # MILPs (less symmetry to explore) and made integral afterwards (see
        # `integral`). The maximin MILP keeps them binary: measured faster.
        typed = np.array([bool(t & inst.quotas.keys()) for t in inst.types], bool)
        self.integer = (self.a != 0) | inst.forced[self.ep, self.ec] | typed[self.ec]
        for key, (_, q) in inst.quotas.items():
            of_type = np.array([key in inst.types[j] for j in self.ec], dtype=bool)
            mat = sparse.csr_matrix(
                (ones[of_type], (self.ep[of_type], cols[of_type])), shape=(n_p, self.nx)
            )
            self.rows.add(mat, np.full(n_p, q), np.full(n_p, np.inf))
        # Initial LP columns: each project's best coaches (see _solve_lp).
        self.seed = flows.top_columns(self.ep, self.a, n_p, 4 * inst.hi + 8)
        self.var_lb = inst.forced[self.ep, self.ec].astype(float)
        self.var_ub = np.ones(self.nx)
        self.needs: list[tuple[int, str]] = []
        if inst.needs is not None:
            self._add_coverage()

    def _add_coverage(self) -> None:
        inst = self.inst
        entries_r, entries_c, vals = [], [], []
        for i, needs in enumerate(inst.needs):
            edges = np.flatnonzero(self.ep == i)
            for key, _ in needs:
                covering = [e for e in edges if key in inst.offers[self.ec[e]]]
                if not covering or inst.hi == 0:
                    continue
                self.integer[covering] = True
                r = len(self.needs)
                self.needs.append((i, key))
                entries_r += [r] * (len(covering) + 1)
                entries_c += [*covering, self.nx + r]
                vals += [-1.0] * len(covering) + [1.0]
        m = len(self.needs)
        if m:
            mat = sparse.csr_matrix(
                (vals, (entries_r, entries_c)), shape=(m, self.nx + m)
            )
            self.rows.add(mat, np.full(m, -np.inf), np.zeros(m))
        self.seed = np.concatenate([self.seed, np.ones(m, dtype=bool)])
        self.var_lb = np.concatenate([self.var_lb, np.zeros(m)])
        self.var_ub = np.concatenate([self.var_ub, np.ones(m)])

    @property
    def n_vars(self) -> int:
        return len(self.var_lb)

    def integer_mask(self, n_vars: int) -> np.ndarray:
        """Which of ``n_vars`` model variables must be declared integer."""
        return np.concatenate([self.integer, np.zeros(n_vars - self.nx, dtype=bool)])

    def integral(self, z: np.ndarray) -> np.ndarray:
        """Round the integer pairs; make the continuous ones integral.

        The continuous pairs are re-solved alone by the dual simplex, with
        the other pairs fixed: the system is totally unimodular, so the basic
        solution found is integral and keeps every count, while the scores
        are unchanged (those pairs have zero affinity).
        """
        z = z.copy()
        x = z[: self.nx]
        x[self.integer] = np.round(x[self.integer])
        free = np.flatnonzero(~self.integer)
        if np.all(np.abs(x[free] - np.round(x[free])) <= _INTEGRALITY_TOLERANCE):
            x[free] = np.round(x[free])
            return z
        fixed = np.where(self.integer, x, 0.0)
        per_p, per_c = self.by_project @ fixed, self.by_coach @ fixed
        n_p = len(per_p)
        a = sparse.vstack([self.by_project[:, free], self.by_coach[:, free]], "csr")
        lb = np.concatenate([self.inst.lo - per_p, np.full(len(per_c), -np.inf)])
        ub = np.concatenate([np.full(n_p, self.inst.hi) - per_p, self.inst.cap - per_c])
        n = len(free)
        _, sub = _solve_lp(
            np.zeros(n), a, lb, ub, np.zeros(n), np.ones(n), np.ones(n, bool), None
        )
        if sub is None or np.any(np.abs(sub - np.round(sub)) > _INTEGRALITY_TOLERANCE):
            raise RuntimeError(
                "Le solveur n'a pas pu rendre l'affectation entière ; "
                "signalez ce cas avec les données utilisées."
            )
        x[free] = np.round(sub)
        return z

    def coverage(self, x: np.ndarray) -> int:
        chosen = x[: self.nx] > 0.5
        return sum(
            any(
                key in self.inst.offers[self.ec[e]]
                for e in np.flatnonzero(chosen & (self.ep == i))
            )
            for i, key in self.needs
        )

    def maximin_bound(self) -> float:
        """Upper bound on the worst project's affinity, capacities ignored.

        Each project gets its forced pairs plus its best other pairs, as
        many as its maximum allows (only positive ones beyond its minimum).
        Pairs are sorted by project (row-major): one sort of the free pairs
        by (project, decreasing score), then ranks within each project.
        """
        inst = self.inst
        n_p = len(inst.projects)
        forced = self.var_lb[: self.nx] > 0
        n_forced = np.bincount(self.ep[forced], minlength=n_p)
        fixed = np.bincount(self.ep[forced], weights=self.a[forced], minlength=n_p)
        free = np.flatnonzero(~forced)
        # Only each project's best `hi` free pairs matter: partition, then
        # sort that small set.
        free = free[flows.top_columns(self.ep[free], self.a[free], n_p, inst.hi)]
        order = free[np.lexsort((-self.a[free], self.ep[free]))]
        ep, a = self.ep[order], self.a[order]
        rank = np.arange(len(order)) - np.searchsorted(ep, ep, side="left")
        room = inst.hi - n_forced[ep]
        must = np.maximum(inst.lo - n_forced[ep], 0)
        gain = np.where(rank < must, a, np.where(rank < room, np.clip(a, 0, None), 0))
        return _worst(fixed + np.bincount(ep, weights=gain, minlength=n_p))

    @property
    def bipartite(self) -> bool:
        """Whether the rows are the bipartite ones only (no quota, no coverage)."""
        return not self.inst.quotas and not self.needs

    def restricted(self, keep: np.ndarray) -> tuple[_Model, np.ndarray]:
        """The model on the pairs where ``keep`` is true, and their indices."""
        allowed = np.zeros_like(self.inst.allowed)
        allowed[self.ep[keep], self.ec[keep]] = True
        return _Model(replace(self.inst, allowed=allowed)), np.flatnonzero(keep)

    def project_sums(self, x: np.ndarray) -> np.ndarray:
        return self.by_project @ (self.a * x[: self.nx])


class _Deadline:
    def __init__(self, seconds: float | None) -> None:
        self.end = None if seconds is None else time.perf_counter() + seconds

    def left(self) -> float | None:
        if self.end is None:
            return None
        return max(self.end - time.perf_counter(), _MIN_STAGE_SECONDS)


def _gap(bound: float, value: float) -> float:
    if not math.isfinite(bound):
        return math.nan
    return max(bound - value, 0.0) / max(abs(bound), 1e-12)


def _worst(sums: np.ndarray) -> float:
    return float(sums.min()) if len(sums) else 0.0


def _flow_total(model: _Model) -> _Outcome | None:
    """Total-mode optimum of a bipartite model by min-cost flow, or None.

    Forced pairs are fixed first (their project's and coach's counts
    lowered). The answer is certified on the float scores (see
    :func:`mitlib.solve.flows.best_bmatching`); None when the flow finds no
    solution or cannot certify one (the LP then decides).
    """
    inst = model.inst
    n_p, n_c = inst.scores.shape
    forced = model.var_lb[: model.nx] > 0
    f_p = np.bincount(model.ep[forced], minlength=n_p)
    f_c = np.bincount(model.ec[forced], minlength=n_c)
    hi, cap = inst.hi - f_p, inst.cap - f_c
    if (hi < 0).any() or (cap < 0).any():
        return None
    free = np.flatnonzero(~forced)
    res = flows.best_bmatching(
        n_p,
        n_c,
        model.ep[free],
        model.ec[free],
        model.a[free],
        np.maximum(inst.lo - f_p, 0),
        hi,
        cap,
    )
    if res is None:
        return None
    z = np.zeros(model.n_vars)
    z[free[res.x]] = 1.0
    z[: model.nx][forced] = 1.0
    fixed = float(model.a[forced].sum())
    return _Outcome(z, "optimal", res.bound + fixed, "flow")


def _fair_start(model: _Model, warm: np.ndarray, deadline: _Deadline):
    """Max-min incumbent and upper bound of a bipartite model, by flows.

    Bounds: each project's best pairs (:meth:`_Model.maximin_bound`) and,
    with exactly ``k`` pairs per project and no forced pair, the flow check
    of :func:`mitlib.solve.flows.threshold_bound`. Incumbents: the total-mode
    optimum ``warm``, weighted flows (:func:`mitlib.solve.flows.fair_flows`), then
    the local search :func:`mitlib.solve.flows.lift_worst`. Returns
    ``(z, bound, simple)``.
    """
    inst = model.inst
    n_p, n_c = inst.scores.shape
    ep, ec, a = model.ep, model.ec, model.a

    def worst(z):
        return _worst(model.project_sums(z))

    bound = model.maximin_bound()
    simple = inst.lo == inst.hi and not inst.forced.any()
    best = warm
    if simple:
        k = inst.hi
        bound = flows.threshold_bound(
            n_p, n_c, ep, ec, a, k, inst.cap, min(worst(warm), bound), bound
        )
        usable = flows.usable_pairs(ep, a, n_p, k, bound)
        for x in flows.fair_flows(n_p, n_c, ep, ec, a, k, inst.cap, bound, usable):
            z = x.astype(float)
            if (worst(z), model.a @ z) > (worst(best), model.a @ best):
                best = z
    if not _proven(worst(best), bound):
        left = deadline.left()
        budget = _LOCAL_SEARCH_SECONDS if left is None else 0.25 * left
        chosen = np.zeros(inst.scores.shape, dtype=bool)
        chosen[ep[best > 0.5], ec[best > 0.5]] = True
        lifted = flows.lift_worst(
            inst.scores,
            inst.allowed,
            inst.forced,
            chosen,
            inst.cap,
            deadline=time.perf_counter() + budget,
            floor=bound,
        )
        z = lifted[ep, ec].astype(float)
        if worst(z) > worst(best):
            best = z
    if not _proven(worst(best), bound) and not inst.forced.any():
        left = deadline.left()
        budget = _LOCAL_SEARCH_SECONDS if left is None else 0.15 * left
        dual = flows.maximin_dual(
            n_p,
            n_c,
            ep,
            ec,
            a,
            np.full(n_p, inst.lo),
            np.full(n_p, inst.hi),
            inst.cap,
            deadline=time.perf_counter() + budget,
        )
        bound = min(bound, max(dual, worst(best)))
    return best, bound, simple


def _proven(value: float, bound: float) -> bool:
    """Whether ``value`` reaches ``bound`` (relative 1e-9: summation order)."""
    return value >= bound - LEXICOGRAPHIC_TOLERANCE * max(1.0, abs(bound))


def _raised(model, z, floor, deadline):
    """``z`` after :func:`mitlib.solve.flows.raise_total` (every project ≥ floor).

    Dense moves: skipped on large instances, where the MILP does better.
    """
    inst = model.inst
    if inst.scores.size > _LOCAL_SEARCH_CELLS:
        return z
    left = deadline.left()
    budget = _LOCAL_SEARCH_SECONDS if left is None else 0.3 * left
    chosen = np.zeros(inst.scores.shape, dtype=bool)
    chosen[model.ep[z > 0.5], model.ec[z > 0.5]] = True
    x = flows.raise_total(
        inst.scores,
        inst.allowed,
        inst.forced,
        chosen,
        inst.cap,
        floor,
        deadline=time.perf_counter() + budget,
    )
    out = x[model.ep, model.ec].astype(float)
    if _worst(model.project_sums(out)) >= floor and model.a @ out > model.a @ z:
        return out
    return z


def _fair_total(model, incumbent, floor, simple, deadline):
    """Maximum total with every project at ``floor`` or more (bipartite).

    Solved on the pairs that can reach ``floor`` (all pairs unless exactly
    ``k`` per project and none forced): the LP relaxation first (an
    integral vertex is optimal), else the local search of
    :func:`mitlib.solve.flows.raise_total` improves the incumbent before the MILP
    (with the time left, minus a reserve for what follows). Returns the
    outcome (on the model's pairs) and the possibly improved incumbent.
    """
    inst = model.inst
    n_p = len(inst.projects)
    keep = np.ones(model.nx, dtype=bool)
    if simple:
        keep = flows.usable_pairs(model.ep, model.a, n_p, inst.hi, floor)
    sub, idx = model.restricted(keep)
    weighted = sub.by_project.multiply(sub.a[None, :]).tocsr()
    rows = sub.rows.plus(weighted, np.full(n_p, floor), np.full(n_p, np.inf))
    integer = sub.integer_mask(sub.n_vars)
    a, lb, ub = rows.stacked(sub.n_vars)
    res, z = _solve_lp(
        sub.a, a, lb, ub, sub.var_lb, sub.var_ub, sub.seed, deadline.left()
    )
    lp_bound = -res.fun if z is not None else math.nan
    if z is not None:
        x = z[integer]
        if np.all(np.abs(x - np.round(x)) <= _INTEGRALITY_TOLERANCE):
            z[integer] = np.round(x)
            out = _Outcome(z, "optimal", lp_bound, "lp")
            return _on_pairs(model, sub, idx, out), incumbent
        if _proven(float(model.a @ incumbent), lp_bound):
            return _Outcome(incumbent.copy(), "optimal", lp_bound, "lp"), incumbent
    incumbent = _raised(model, incumbent, floor, deadline)
    if _proven(float(model.a @ incumbent), lp_bound):
        return _Outcome(incumbent.copy(), "optimal", lp_bound, "lp"), incumbent
    left = deadline.left()
    out = _solve(
        sub.a,
        rows,
        sub.var_lb,
        sub.var_ub,
        integer,
        _milp_seconds(None if left is None else left * _LAST_STAGE_SHARE, sub.nx),
        False,
    )
    out.bound = float(np.fmin(out.bound, lp_bound))
    return _on_pairs(model, sub, idx, out), incumbent


def _milp_seconds(seconds: float | None, n_cols: int) -> float | None:
    """Time limit for HiGHS, less what it spends past it on large models.

    Measured: HiGHS overruns its limit by about 2 s on 125 000 binaries
    (presolve and root work are not interrupted); :data:`_MILP_OVERRUN`
    seconds per column are kept aside.
    """
    if seconds is None:
        return None
    return max(seconds - _MILP_OVERRUN * n_cols, _MIN_STAGE_SECONDS)


def _maximin(model: _Model, rows: _Rows, low: float, high: float, seconds):
    """MILP maximising the worst project's sum, ``t ∈ [low, high]``.

    ``low`` is the incumbent's value (a cut-off), ``high`` a proven bound.
    Returns the outcome with ``t`` dropped from ``z``.
    """
    n_p, n_z, n_x = len(model.inst.projects), model.n_vars, model.nx
    weighted = _widen(model.by_project.multiply(model.a[None, :]).tocsr(), n_z)
    maximin = sparse.hstack(
        [weighted, sparse.csr_matrix(-np.ones((n_p, 1)))], format="csr"
    )
    out = _solve(
        np.append(np.zeros(n_z), 1.0),
        rows.plus(maximin, np.zeros(n_p), np.full(n_p, np.inf)),
        np.append(model.var_lb, low),
        np.append(model.var_ub, max(high, low)),
        np.append(np.arange(n_z) < n_x, False),
        seconds,
        False,
    )
    if out.z is not None:
        out.z = out.z[:-1]
    return out


def _on_pairs(model: _Model, sub: _Model, idx: np.ndarray, out: _Outcome):
    """Map an outcome on ``sub`` (pairs ``idx`` of ``model``) back to it."""
    if out.z is not None:
        z = np.zeros(model.n_vars)
        z[idx] = sub.integral(out.z)[: sub.nx]
        out.z = z
    return out


def _lexicographic(model: _Model, mode: str, deadline: _Deadline):
    """Solve the objective levels in turn; return (x, stages).

    Each level is maximised with the values reached by the previous levels
    kept as constraints. The incumbent (best solution so far) is replaced
    only by a solution that keeps those values and does at least as well on
    the current level, so a solve stopped by the time limit never makes the
    result worse.

    Bipartite models (no quota, no coverage) take faster exact routes: the
    total optimum by min-cost flow (:func:`_flow_total`); the max-min value
    proven by its bounds when the flow heuristics reach them
    (:func:`_fair_start`), otherwise a MILP started from that incumbent and
    bound, on the pairs that can reach it; the total under the max-min
    value bounded by the total optimum and solved on the pairs that keep it.
    """
    inst = model.inst
    n_p, n_z, n_x = len(inst.projects), model.n_vars, model.nx
    lb, ub = model.var_lb, model.var_ub
    integer = model.integer_mask(n_z)
    weighted = _widen(model.by_project.multiply(model.a[None, :]).tocsr(), n_z)
    total_obj = np.concatenate([model.a, np.zeros(n_z - n_x)])
    cover_obj = np.concatenate([np.zeros(n_x), np.ones(n_z - n_x)])

    def total_of(z: np.ndarray) -> float:
        return float(model.a @ z[:n_x])

    def worst_of(z: np.ndarray) -> float:
        return _worst(model.project_sums(z))

    levels = (["couverture"] if model.needs else []) + (
        ["equite", "total"] if mode == "equitable" else ["total"]
    )
    rows = model.rows
    kept: list[tuple] = []  # (value function, value, tolerance) of done levels
    incumbent: np.ndarray | None = None
    stages: list[dict] = []
    best_total: _Outcome | None = None  # total optimum by flow, a bound
    simple = False
    for level in levels:
        start = time.perf_counter()
        extra_bound = math.inf
        if level == "couverture":
            out = _solve(cover_obj, rows, lb, ub, integer, deadline.left(), False)
            value_of, tol = model.coverage, 0.0
        elif level == "equite":
            if incumbent is None:
                # The total-mode optimum under the same rows is a first
                # incumbent; its worst project is a lower bound for t.
                warm = _flow_total(model) if model.bipartite else None
                best_total = warm
                if warm is None:
                    warm = _solve(
                        total_obj,
                        rows,
                        lb,
                        ub,
                        integer,
                        deadline.left(),
                        True,
                        model.seed,
                    )
                if warm.z is None:
                    _no_solution(warm, inst, model)
                incumbent = model.integral(warm.z)
            high = model.maximin_bound()
            if model.bipartite:
                incumbent, high, simple = _fair_start(model, incumbent, deadline)
            low = worst_of(incumbent)
            extra_bound = high
            if model.bipartite and _proven(low, high):
                out = _Outcome(incumbent.copy(), "optimal", high, "flow")
            else:
                left = deadline.left()
                seconds = None if left is None else left * _FIRST_STAGE_SHARE
                seconds = _milp_seconds(seconds, model.nx)
                if simple:
                    keep = flows.usable_pairs(model.ep, model.a, n_p, inst.hi, low)
                    sub, idx = model.restricted(keep)
                    out = _on_pairs(
                        model, sub, idx, _maximin(sub, sub.rows, low, high, seconds)
                    )
                else:
                    out = _maximin(model, rows, low, high, seconds)
            value_of, tol = worst_of, LEXICOGRAPHIC_TOLERANCE  # relative
        elif model.bipartite and not kept:
            out = _flow_total(model) or _solve(
                total_obj, rows, lb, ub, integer, deadline.left(), True, model.seed
            )
            value_of, tol = total_of, 0.0
        elif model.bipartite:
            # Total under the max-min value (kept as rows): bounded by the
            # unconstrained total optimum, solved on the pairs that can
            # belong to a project reaching that value.
            floor = kept[-1][1] - kept[-1][2]
            extra_bound = math.inf if best_total is None else best_total.bound
            if _proven(total_of(incumbent), extra_bound):
                out = _Outcome(incumbent.copy(), "optimal", extra_bound, "flow")
            else:
                out, incumbent = _fair_total(model, incumbent, floor, simple, deadline)
            value_of, tol = total_of, 0.0
        else:
            out = _solve(
                total_obj, rows, lb, ub, integer, deadline.left(), True, model.seed
            )
            value_of, tol = total_of, 0.0
        if out.z is not None:
            out.z = model.integral(out.z)
        if out.z is None and incumbent is None:
            _no_solution(out, inst, model)
        if (
            out.z is not None
            and all(f(out.z) >= v - t for f, v, t in kept)
            and (incumbent is None or value_of(out.z) >= value_of(incumbent))
        ):
            incumbent = out.z
        value = value_of(incumbent)
        bound = float(np.fmin(out.bound, extra_bound))
        if level == "equite" and not math.isfinite(bound):
            bound = model.maximin_bound()
        # A solver's "optimal" is trusted within its tolerance; otherwise
        # the value must reach the bound (absolute gap of HiGHS, 1e-6).
        slack = _PROOF_TOLERANCE * (
            max(1.0, abs(bound)) if out.status == "optimal" else 1.0
        )
        proven = (out.status == "optimal" or math.isfinite(bound)) and (
            not math.isfinite(bound) or value >= bound - slack
        )
        stages.append(
            {
                "stage": level,
                "solver": out.solver,
                "status": "optimal" if proven else "gap",
                "value": value,
                "bound": bound,
                "gap": 0.0 if proven else _gap(bound, value),
                "seconds": time.perf_counter() - start,
            }
        )
        if level == "equite":
            tol *= max(1.0, abs(value))
        kept.append((value_of, value, tol))
        if level == "couverture":
            rows = rows.plus(cover_obj[None, :], [value - _COVERAGE_SLACK], [np.inf])
        elif level == "equite":
            rows = rows.plus(weighted, np.full(n_p, value - tol), np.full(n_p, np.inf))
    return incumbent, stages


def _no_solution(out: _Outcome, inst: _Instance, model: _Model) -> NoReturn:
    if out.status == "infeasible":
        diagnostics = _hall_diagnosis(inst) or [
            "Aucune affectation ne respecte toutes les contraintes (quotas, "
            "capacités, conflits, binômes imposés) : assouplissez les quotas, "
            "augmentez les capacités ou réduisez le minimum par projet."
        ]
        raise InfeasibleError(diagnostics)
    raise InfeasibleError(
        [
            "Aucune affectation trouvée dans le temps imparti "
            f"({model.nx} binômes possibles) : augmentez time_limit."
        ]
    )


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


def _result(inst, chosen, mode, status, gap, stages) -> Assignment:
    """Build an :class:`Assignment` from a boolean P × C choice matrix."""
    _check(inst, chosen)
    rows = []
    for i, p in enumerate(inst.projects):
        js = sorted(
            np.flatnonzero(chosen[i]),
            key=lambda j, i=i: (-inst.scores[i, j], _sort_key(inst.coaches[j])),
        )
        for rank, j in enumerate(js):
            rows.append((p, inst.coaches[j], float(inst.scores[i, j]), rank == 0))
    pairs = pd.DataFrame(
        rows, columns=["id_projet", "id_coach", "affinite", "referent"]
    )
    pairs = pairs.astype({"affinite": float, "referent": bool})
    sums = (inst.scores * chosen).sum(axis=1)
    totals = pd.Series(
        sums, index=pd.Index(inst.projects, name="id_projet"), name="affinite_totale"
    )
    loads = pd.Series(
        chosen.sum(axis=0).astype(int),
        index=pd.Index(inst.coaches, name="id_coach"),
        name="charge",
    )
    uncovered = []
    if inst.needs is not None:
        for i, needs in enumerate(inst.needs):
            got = set().union(*(inst.offers[j] for j in np.flatnonzero(chosen[i])))
            uncovered += [
                (inst.projects[i], label) for key, label in needs if key not in got
            ]
    return Assignment(
        pairs=pairs,
        total=float(sums.sum()),
        worst_project=_worst(sums),
        status=status,
        gap=gap,
        loads=loads,
        project_totals=totals,
        mode=mode,
        uncovered=uncovered,
        stages=stages,
    )


def _check(inst: _Instance, chosen: np.ndarray) -> None:
    """Guard against solver tolerance surprises: every hard rule must hold."""
    per_p = chosen.sum(axis=1)
    ok = (
        not (chosen & ~inst.allowed).any()
        and not (inst.forced & ~chosen).any()
        and (chosen.sum(axis=0) <= inst.cap).all()
        and ((per_p >= inst.lo) & (per_p <= inst.hi)).all()
    )
    for key, (_, q) in inst.quotas.items():
        of_type = np.array([key in t for t in inst.types], dtype=bool)
        ok = ok and bool((chosen[:, of_type].sum(axis=1) >= q).all())
    if not ok:
        raise RuntimeError(
            "Le solveur a renvoyé une affectation qui viole une contrainte ; "
            "signalez ce cas avec les données utilisées."
        )


# ---------------------------------------------------------------------------
# Front doors
# ---------------------------------------------------------------------------


def assign(
    affinity: pd.DataFrame,
    *,
    per_project: int | tuple[int, int] = (3, 3),
    capacity: pd.Series | Mapping | int,
    forbidden: Iterable[tuple] = frozenset(),
    forced: Iterable[tuple] = frozenset(),
    mode: str = "total",
    quotas: Mapping[str, int] | None = None,
    coach_types: pd.Series | Mapping | None = None,
    project_needs: pd.Series | Mapping | None = None,
    coach_domains: pd.Series | Mapping | None = None,
    time_limit: float | None = None,
) -> Assignment:
    """Assign coaches to projects, exactly, under hard constraints.

    Parameters
    ----------
    affinity : pandas.DataFrame
        Affinity scores, index project ids, columns coach ids (finite floats,
        usually in [0, 1], see :mod:`mitlib.binomes.affinity`).
    per_project : int or (int, int), default (3, 3)
        Number of coaches per project, or its (minimum, maximum).
    capacity : pandas.Series, dict or int
        Maximum number of projects per coach (by coach id), or one number
        for all.
    forbidden : iterable of (project, coach)
        Pairs that must not be formed (conflicts, same organisation).
    forced : iterable of (project, coach)
        Pairs that must be formed, in every mode.
    mode : {"total", "equitable"}
        Objective (aliases in :data:`MODES`).
    quotas : dict, optional
        Coach type → minimum number of coaches of that type per project.
    coach_types : pandas.Series or dict, optional
        Coach id → type (a string, or a list of strings). Needed with
        ``quotas``; types compare after :func:`mitlib.core.text.fold`.
    project_needs, coach_domains : pandas.Series or dict, optional
        Project id → needed domains, coach id → domains. When given, the
        coverage of the needs is maximised first (see the module docstring).
    time_limit : float, optional
        Budget in seconds for all MILP solves (each solve gets what is left,
        at least 0.05 s). When a solve stops on it, ``status`` is ``"gap"``.

    Returns
    -------
    Assignment
        The pairs, their total, the worst project's affinity, the status.

    Raises
    ------
    InfeasibleError
        With French ``diagnostics`` saying what to relax.

    Examples
    --------
    >>> aff = pd.DataFrame([[0.9, 0.8, 0.1], [0.9, 0.1, 0.2]],
    ...                    index=["P1", "P2"], columns=["C1", "C2", "C3"])
    >>> a = assign(aff, per_project=1, capacity=1)
    >>> a.pairs[["id_projet", "id_coach"]].to_numpy().tolist(), round(a.total, 2)
    ([['P1', 'C2'], ['P2', 'C1']], 1.7)
    >>> b = assign(aff, per_project=1, capacity=1, mode="equitable")
    >>> b.pairs[["id_projet", "id_coach"]].to_numpy().tolist(), round(b.total, 2)
    ([['P1', 'C2'], ['P2', 'C1']], 1.7)
    >>> try:
    ...     assign(aff, per_project=2, capacity=1)
    ... except InfeasibleError as err:
    ...     print(err.diagnostics[0])  # doctest: +NORMALIZE_WHITESPACE
    Capacité totale des coachs (3) inférieure au besoin minimal
    (2 projets × 2 = 4) : ajoutez 1 place ou réduisez le minimum par projet.
    """
    key = fold(mode) if isinstance(mode, str) else None
    if key not in MODES:
        raise OptionError(
            f"Mode inconnu « {mode} » : modes possibles : "
            + ", ".join(sorted(MODES))
            + "."
        )
    if time_limit is not None and not (
        isinstance(time_limit, numbers.Real) and time_limit > 0
    ):
        raise OptionError(
            f"time_limit doit être un nombre de secondes > 0 : {time_limit!r}."
        )
    inst = _instance(
        affinity,
        per_project,
        capacity,
        forbidden,
        forced,
        quotas,
        coach_types,
        project_needs,
        coach_domains,
    )
    diagnostics = _diagnose(inst)
    if diagnostics:
        raise InfeasibleError(diagnostics)
    model = _Model(inst)
    chosen = np.zeros(inst.scores.shape, dtype=bool)
    stages: list[dict] = []
    if model.nx:
        x, stages = _lexicographic(model, MODES[key], _Deadline(time_limit))
        picked = x[: model.nx] > 0.5
        chosen[model.ep[picked], model.ec[picked]] = True
    first_gap = next((s for s in stages if s["status"] != "optimal"), None)
    return _result(
        inst,
        chosen,
        MODES[key],
        "optimal" if first_gap is None else "gap",
        None if first_gap is None else first_gap["gap"],
        stages,
    )


def greedy_assign(
    affinity: pd.DataFrame,
    *,
    per_project: int | tuple[int, int] = (3, 3),
    capacity: pd.Series | Mapping | int,
    forbidden: Iterable[tuple] = frozenset(),
    forced: Iterable[tuple] = frozenset(),
) -> Assignment:
    """Greedy heuristic baseline: best pairs first. For benchmarks only.

    Forced pairs are placed, then pairs are taken by decreasing affinity
    (ties: project id, coach id) while the project is below its minimum and
    the coach has room; a second pass fills projects up to their maximum the
    same way. It ignores quotas and domain coverage, is not optimal and can
    fail where :func:`assign` succeeds.

    Parameters
    ----------
    affinity, per_project, capacity, forbidden, forced
        As for :func:`assign`.

    Returns
    -------
    Assignment
        With ``status == "heuristique"`` and ``mode == "glouton"``.

    Raises
    ------
    InfeasibleError
        When the instance is infeasible or the heuristic gets stuck.

    Examples
    --------
    >>> aff = pd.DataFrame([[0.9, 0.8], [0.9, 0.1]], index=["P1", "P2"],
    ...                    columns=["C1", "C2"])
    >>> round(greedy_assign(aff, per_project=1, capacity=1).total, 2)
    1.0
    """
    inst = _instance(affinity, per_project, capacity, forbidden, forced)
    diagnostics = _diagnose(inst)
    if diagnostics:
        raise InfeasibleError(diagnostics)
    chosen = inst.forced.copy()
    load = chosen.sum(axis=0)
    count = chosen.sum(axis=1)
    # Projects and coaches are already sorted by id: positions break ties.
    ii, jj = np.nonzero(inst.allowed & ~inst.forced)
    order = np.lexsort((jj, ii, -inst.scores[ii, jj]))
    for limit in (inst.lo, inst.hi):
        for i, j in zip(ii[order], jj[order], strict=True):
            if not chosen[i, j] and count[i] < limit and load[j] < inst.cap[j]:
                chosen[i, j] = True
                count[i] += 1
                load[j] += 1
    stuck = [inst.projects[i] for i in np.flatnonzero(count < inst.lo)]
    if stuck:
        raise InfeasibleError(
            [
                f"L'heuristique gloutonne n'a pas pu compléter les projets "
                f"{_names(stuck)} ; la méthode exacte assign() peut y parvenir."
            ]
        )
    return _result(inst, chosen, "glouton", "heuristique", None, [])
