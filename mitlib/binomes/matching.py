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
    :func:`mitlib.solve.milp.solve_lp`).
``"equitable"``
    Lexicographic: first maximise ``t``, the affinity of the worst-served
    project (sum over its coaches); then the total subject to every project
    keeping at least ``t* - 1e-9·max(1, |t*|)``. This max-min problem is
    NP-hard in general. Without quota nor coverage it is first attacked with
    flows (see :func:`mitlib.binomes.bipartite.fair_start`): upper bounds
    (each project's best ``k`` pairs; a max-flow check on the pairs able to
    reach a threshold) and incumbents (weighted flows). When they leave a
    gap, with exactly ``k`` coaches per project and no forced pair, the
    *configuration LP* takes over (:mod:`mitlib.binomes.configurations`):
    each project picks a set of ``k`` coaches reaching the threshold, the LP
    relaxes that choice, and coach prices with exact pricing *prove* a
    threshold out of reach; a bisection gives the bound, far tighter than
    the pair LP's when every project prefers the same coaches. Incumbents
    come from dives guided by that LP and from large-neighbourhood
    reassignments solved exactly by flows (:mod:`mitlib.binomes.reassign`);
    the LP just above the incumbent, proven infeasible, proves it optimal.
    Otherwise (a range of coaches per project, forced pairs) a local search
    and a Lagrangian bound from weighted flows (which tends to the LP
    relaxation's) are used. When an incumbent reaches a bound, the value is
    proven without branching; otherwise a MILP starts with ``t`` between
    the incumbent and the bound, on the pairs that can reach the incumbent.
    The total stage is bounded by the total optimum (and, after a
    configuration search, by the configuration LP of the total at the floor,
    its incumbent raised by reassignments) and solved on the pairs that keep
    ``t*``. Other instances use the MILPs directly. With a ``time_limit``,
    the first stage gets half of what is left, so the second is not starved;
    on bipartite models, a MILP that cannot finish its presolve in its
    share, or larger than 5 000 pairs after a configuration search
    (measured: HiGHS improved nothing there), is skipped; the best
    assignment found is returned with its proven gap.

MILPs run with no relative gap tolerance (HiGHS keeps its absolute one,
1e-6). A level's optimum is kept as a constraint of the next levels: the
coverage count, an integer, as ``≥ count - 1e-4``, exact and clear of
HiGHS's feasibility tolerance (see
:data:`mitlib.binomes.lexicographic.COVERAGE_SLACK`); the worst project as
``≥ t* - 1e-9·max(1, |t*|)``, a margin that only absorbs summation order.
A solution replaces the incumbent only if it keeps these values, checked on
its rounded pairs. Should HiGHS still end a MILP on a "solve error" (its
final check finding its own solution off by more than its tolerance), the
solve is retried with presolve off, then with other fixed random seeds (see
:data:`mitlib.solve.milp.RETRY_OPTIONS`), so results stay deterministic.

Pairs of zero affinity are declared continuous in the coverage and total
MILPs, then made integral by a simplex on the bipartite rows alone,
which is exact (see :meth:`mitlib.binomes.model.Model.integral`).

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
added: the scores are used as given. The reassignments draw which coach each
project frees from a generator with a fixed seed; without a time limit,
they and the configuration search stop on counts (rounds, probes, dives),
not on the clock. With
a ``time_limit`` the result may depend on the machine's speed (see
:attr:`Assignment.status`).

Before solving, simple counts are checked (total capacity, possible coaches
per project, quota capacity, forced pairs). If the solver still finds no
solution, a max-flow argument names a group of projects whose possible coaches
lack places. Either way :class:`InfeasibleError` carries the French
diagnostics.

:func:`greedy_assign` is a heuristic baseline, kept for benchmarks only.

This module is the public door (modes, result, the two functions); the work
is done by :mod:`mitlib.binomes.instance` (inputs and diagnostics),
:mod:`mitlib.binomes.model` (the linear model),
:mod:`mitlib.binomes.lexicographic` (the objective levels),
:mod:`mitlib.binomes.bipartite` (flow routes),
:mod:`mitlib.binomes.configurations` (configuration LP),
:mod:`mitlib.binomes.reassign` (exact reassignments) and
:mod:`mitlib.solve.milp` (HiGHS).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mitlib.binomes.instance import (
    InfeasibleError,
    Instance,
    build_instance,
    diagnose,
    join_names,
    sort_key,
)
from mitlib.binomes.lexicographic import solve_levels
from mitlib.binomes.model import Model, worst
from mitlib.core.errors import OptionError
from mitlib.core.text import fold
from mitlib.solve.milp import Deadline

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
# Results
# ---------------------------------------------------------------------------


def _result(inst, chosen, mode, status, gap, stages) -> Assignment:
    """Build an :class:`Assignment` from a boolean P × C choice matrix."""
    _check(inst, chosen)
    rows = []
    for i, p in enumerate(inst.projects):
        js = sorted(
            np.flatnonzero(chosen[i]),
            key=lambda j, i=i: (-inst.scores[i, j], sort_key(inst.coaches[j])),
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
        worst_project=worst(sums),
        status=status,
        gap=gap,
        loads=loads,
        project_totals=totals,
        mode=mode,
        uncovered=uncovered,
        stages=stages,
    )


def _check(inst: Instance, chosen: np.ndarray) -> None:
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
    inst = build_instance(
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
    diagnostics = diagnose(inst)
    if diagnostics:
        raise InfeasibleError(diagnostics)
    model = Model(inst)
    chosen = np.zeros(inst.scores.shape, dtype=bool)
    stages: list[dict] = []
    if model.nx:
        x, stages = solve_levels(model, MODES[key], Deadline(time_limit))
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
    inst = build_instance(affinity, per_project, capacity, forbidden, forced)
    diagnostics = diagnose(inst)
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
                f"{join_names(stuck)} ; la méthode exacte assign() peut y parvenir."
            ]
        )
    return _result(inst, chosen, "glouton", "heuristique", None, [])
