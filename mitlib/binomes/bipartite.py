"""Fast exact routes for bipartite models (no quota, no coverage), by flows.

Without side rows the assignment is a bipartite b-matching and flows answer
most of it (see :mod:`mitlib.solve.flows`): :func:`flow_total` gives the
total-mode optimum by min-cost flow, certified; :func:`fair_start` an
incumbent and an upper bound for the max-min value (bounds from each
project's best pairs, a max-flow threshold check and a Lagrangian dual;
incumbents from weighted flows and a local search raising the worst
project); :func:`fair_total` the best total keeping every project at a floor
(LP relaxation on the pairs able to reach it, local search, then MILP).
"""

from __future__ import annotations

import time

import numpy as np

from mitlib.binomes.model import Model, on_pairs, worst
from mitlib.solve import flows
from mitlib.solve.milp import (
    OPTIMAL,
    Deadline,
    Outcome,
    is_integral,
    maximize,
    milp_seconds,
    solve_lp,
)

__all__ = [
    "LEXICOGRAPHIC_TOLERANCE",
    "fair_start",
    "fair_total",
    "flow_total",
    "proven",
]

#: Relative tolerance used when the worst project's optimum is kept as a
#: constraint (times ``max(1, |value|)``).
LEXICOGRAPHIC_TOLERANCE = 1e-9
#: Time for the max-min local search when no time limit is given.
_LOCAL_SEARCH_SECONDS = 5.0
#: Largest projects × coaches for the total-raising local search.
_LOCAL_SEARCH_CELLS = 250_000
#: Share of the time left given to the last MILP (the rest: building, checks).
_LAST_STAGE_SHARE = 0.75


def flow_total(model: Model) -> Outcome | None:
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
    return Outcome(z, OPTIMAL, res.bound + fixed, "flow")


def fair_start(model: Model, warm: np.ndarray, deadline: Deadline):
    """Max-min incumbent and upper bound of a bipartite model, by flows.

    Bounds: each project's best pairs (:meth:`Model.maximin_bound`) and,
    with exactly ``k`` pairs per project and no forced pair, the flow check
    of :func:`mitlib.solve.flows.threshold_bound`. Incumbents: the total-mode
    optimum ``warm``, weighted flows (:func:`mitlib.solve.flows.fair_flows`), then
    the local search :func:`mitlib.solve.flows.lift_worst`. Returns
    ``(z, bound, simple)``.
    """
    inst = model.inst
    n_p, n_c = inst.scores.shape
    ep, ec, a = model.ep, model.ec, model.a

    def worst_of(z):
        return worst(model.project_sums(z))

    bound = model.maximin_bound()
    simple = inst.lo == inst.hi and not inst.forced.any()
    best = warm
    if simple:
        k = inst.hi
        bound = flows.threshold_bound(
            n_p, n_c, ep, ec, a, k, inst.cap, min(worst_of(warm), bound), bound
        )
        usable = flows.usable_pairs(ep, a, n_p, k, bound)
        for x in flows.fair_flows(n_p, n_c, ep, ec, a, k, inst.cap, bound, usable):
            z = x.astype(float)
            if (worst_of(z), model.a @ z) > (worst_of(best), model.a @ best):
                best = z
    if not proven(worst_of(best), bound):
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
        if worst_of(z) > worst_of(best):
            best = z
    if not proven(worst_of(best), bound) and not inst.forced.any():
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
        bound = min(bound, max(dual, worst_of(best)))
    return best, bound, simple


def proven(value: float, bound: float) -> bool:
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
    if worst(model.project_sums(out)) >= floor and model.a @ out > model.a @ z:
        return out
    return z


def fair_total(model, incumbent, floor, simple, deadline):
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
    lp = solve_lp(
        sub.a, a, lb, ub, sub.var_lb, sub.var_ub, seed=sub.seed, seconds=deadline.left()
    )
    lp_bound = lp.bound
    if lp.x is not None:
        z = lp.x
        if is_integral(z[integer]):
            z[integer] = np.round(z[integer])
            out = Outcome(z, OPTIMAL, lp_bound, "lp")
            return on_pairs(model, sub, idx, out), incumbent
        if proven(float(model.a @ incumbent), lp_bound):
            return Outcome(incumbent.copy(), OPTIMAL, lp_bound, "lp"), incumbent
    incumbent = _raised(model, incumbent, floor, deadline)
    if proven(float(model.a @ incumbent), lp_bound):
        return Outcome(incumbent.copy(), OPTIMAL, lp_bound, "lp"), incumbent
    left = deadline.left()
    out = maximize(
        sub.a,
        rows,
        sub.var_lb,
        sub.var_ub,
        integer,
        milp_seconds(None if left is None else left * _LAST_STAGE_SHARE, sub.nx),
        False,
    )
    out.bound = float(np.fmin(out.bound, lp_bound))
    return on_pairs(model, sub, idx, out), incumbent
