"""Fast exact routes for bipartite models (no quota, no coverage), by flows.

Without side rows the assignment is a bipartite b-matching and flows answer
most of it (see :mod:`mitlib.solve.flows`): :func:`flow_total` gives the
total-mode optimum by min-cost flow, certified; :func:`fair_start` an
incumbent and an upper bound for the max-min value (bounds from each
project's best pairs, a max-flow threshold check; incumbents from weighted
flows), completed, with exactly ``k`` coaches per project and no forced
pair, by :func:`configuration_search` (the configuration LP of
:mod:`mitlib.binomes.configurations` for the bound and LP-guided dives,
the reassignments of :mod:`mitlib.binomes.reassign` for the incumbent),
otherwise by a local search and a Lagrangian bound; :func:`fair_total` the
best total keeping every project at a floor (reassignments and the
configuration bound, or the LP relaxation on the pairs able to reach it and
a local search; then MILP). :func:`skip_milp` says when a MILP is not worth
starting within the time left.
"""

from __future__ import annotations

import math
import time

import numpy as np

from mitlib.binomes import reassign
from mitlib.binomes.configurations import Configurations
from mitlib.binomes.model import Model, on_pairs, worst
from mitlib.solve import flows
from mitlib.solve.milp import (
    GAP,
    MILP_OVERRUN,
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
    "configuration_search",
    "fair_start",
    "fair_total",
    "flow_total",
    "proven",
    "skip_milp",
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
#: Share of the time left for the weighted flows of the max-min level.
_FLOWS_SHARE = 0.25
#: Share of the time left, and most steps, of the Lagrangian bound before a
#: configuration search (it converges in about five steps on correlated
#: instances of 500 × 250).
_DUAL_SHARE = 0.1
_DUAL_ITERATIONS = 8
#: Least HiGHS time (after its overrun reserve, see
#: :func:`mitlib.solve.milp.milp_seconds`) worth starting a MILP for, once an
#: incumbent exists: below it HiGHS would stop before its first solution
#: (or, on large models, overrun the limit in its presolve).
_MIN_MILP_SECONDS = 0.1
#: Largest MILP (columns) started after a configuration search when time is
#: limited. Measured on correlated instances of 120 × 60, 200 × 400 and
#: 500 × 250 (7 000 to 125 000 pairs able to reach the worst project):
#: HiGHS improved neither the worst project nor the total in 5 to 25 s; the
#: configuration search and the reassignments did, so the time goes to them.
#: Marathon sizes (≤ 1 800 pairs) keep their MILP, which proves the total.
_SEARCHED_MILP_COLUMNS = 5_000
#: Share of the max-min level's time that the configuration search may use
#: (the MILP has the rest; all of it when no MILP follows).
_CONFIG_SHARE = 0.8
#: Relative precision (times ``max(1, |bound|)``) of the bisections on the
#: max-min threshold.
_BOUND_PRECISION = 1e-4
#: Where the configuration search's phases end, as fractions of its time:
#: the first lift, the bound's bisection, the dives (the polish and the proof
#: have the rest).
_PHASES = (0.1, 0.5, 0.9)
#: Share of the search's time within which the first configuration LP must
#: be solved (else the LP is too large for the time left: not used).
_FIRST_PROBE_SHARE = 0.3
#: Most configuration LP probes of the bound's bisection.
_MAX_PROBES = 40
#: Most dives of the incumbent's bisection.
_MAX_DIVES = 6
#: Share of the time left for the LP relaxation of the total under a floor.
_LP_SHARE = 0.5
#: Share of the time left for the configuration bound on the total.
_TOTAL_SHARE = 0.3


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
    optimum ``warm``, weighted flows (:func:`mitlib.solve.flows.fair_flows`,
    within :data:`_FLOWS_SHARE` of the time left).
    When they leave a gap, with exactly ``k`` pairs per project and no forced
    pair: a few steps of the Lagrangian bound
    :func:`mitlib.solve.flows.maximin_dual`, then the configuration search
    (:func:`configuration_search`), or, should its LP be too large for the
    time left, the local search :func:`mitlib.binomes.reassign.lift`.
    Otherwise the local search :func:`mitlib.solve.flows.lift_worst` and,
    without forced pair, the Lagrangian bound. Returns
    ``(z, bound, simple, configs)``, ``configs`` the
    :class:`~mitlib.binomes.configurations.Configurations` pool (or None).
    """
    inst = model.inst
    n_p, n_c = inst.scores.shape
    ep, ec, a = model.ep, model.ec, model.a

    def worst_of(z):
        return worst(model.project_sums(z))

    bound = model.maximin_bound()
    simple = inst.lo == inst.hi and not inst.forced.any()
    best = warm
    configs = None
    if simple:
        k = inst.hi
        bound = flows.threshold_bound(
            n_p, n_c, ep, ec, a, k, inst.cap, min(worst_of(warm), bound), bound
        )
        usable = flows.usable_pairs(ep, a, n_p, k, bound)
        left = deadline.left()
        weighted = Deadline(None if left is None else _FLOWS_SHARE * left)
        for x in flows.fair_flows(n_p, n_c, ep, ec, a, k, inst.cap, bound, usable):
            if weighted.expired():
                break
            z = x.astype(float)
            if (worst_of(z), model.a @ z) > (worst_of(best), model.a @ best):
                best = z
        if k > 0 and not proven(worst_of(best), bound):
            # A few Lagrangian steps: the configuration bisection starts
            # closer to the bound.
            left = deadline.left()
            bound = _dual_bound(
                model,
                worst_of(best),
                bound,
                None if left is None else time.perf_counter() + _DUAL_SHARE * left,
                _DUAL_ITERATIONS,
            )
        if k > 0 and not proven(worst_of(best), bound):
            best, bound, configs = configuration_search(model, best, bound, deadline)
    if simple and configs is None and inst.hi > 0 and not proven(worst_of(best), bound):
        left = deadline.left()
        lifted = reassign.lift(
            inst.scores,
            inst.allowed,
            inst.cap,
            _chosen(model, best),
            inst.hi,
            Deadline(None if left is None else 0.5 * left),
        )
        z = lifted[ep, ec].astype(float)
        if worst_of(z) > worst_of(best):
            best = z
    elif configs is None and not proven(worst_of(best), bound):
        left = deadline.left()
        budget = _LOCAL_SEARCH_SECONDS if left is None else 0.25 * left
        lifted = flows.lift_worst(
            inst.scores,
            inst.allowed,
            inst.forced,
            _chosen(model, best),
            inst.cap,
            deadline=time.perf_counter() + budget,
            floor=bound,
        )
        z = lifted[ep, ec].astype(float)
        if worst_of(z) > worst_of(best):
            best = z
    if not simple and not proven(worst_of(best), bound) and not inst.forced.any():
        left = deadline.left()
        budget = _LOCAL_SEARCH_SECONDS if left is None else 0.15 * left
        bound = _dual_bound(
            model, worst_of(best), bound, time.perf_counter() + budget, 40
        )
    return best, bound, simple, configs


def _dual_bound(model, value, bound, end, iters):
    """``bound`` lowered by :func:`mitlib.solve.flows.maximin_dual` (at most
    ``iters`` steps, until ``end`` if given); never below ``value``, the
    incumbent's."""
    inst = model.inst
    n_p, n_c = inst.scores.shape
    dual = flows.maximin_dual(
        n_p,
        n_c,
        model.ep,
        model.ec,
        model.a,
        np.full(n_p, inst.lo),
        np.full(n_p, inst.hi),
        inst.cap,
        iters=iters,
        deadline=end,
    )
    return min(bound, max(dual, value))


def configuration_search(model: Model, z: np.ndarray, bound: float, deadline):
    """Max-min incumbent and bound by the configuration LP (``k`` per project).

    In turn, within :data:`_CONFIG_SHARE` of the time left (all of it when
    the MILP after it will be skipped, see :func:`skip_milp`), each phase
    ending at its fraction :data:`_PHASES` of that time (round and step caps
    without a time limit, so the result is deterministic):

    1. :func:`mitlib.binomes.reassign.lift` raises the incumbent;
    2. the bound: bisection on the threshold between the incumbent and
       ``bound``, each step proven infeasible (the bound drops to it) or
       feasible for the configuration LP
       (:meth:`~mitlib.binomes.configurations.Configurations.probe`), to a
       relative precision of :data:`_BOUND_PRECISION`;
    3. incumbents: dives (:meth:`~mitlib.binomes.configurations.Configurations.dive`),
       the first at three quarters of the way from the incumbent to the
       largest threshold found feasible, then by bisection;
    4. :func:`~mitlib.binomes.reassign.lift` again, and a proof: the
       configuration LP just above the incumbent (a relative 5e-10), when
       proven infeasible, makes the incumbent optimal.

    Returns ``(z, bound, configs)``; ``configs`` is None when the LP could
    not be used (pricing too large, or the first LP not solved within
    :data:`_FIRST_PROBE_SHARE` of the search's time), the bound then
    unchanged.
    """
    inst = model.inst
    k = inst.hi
    left = deadline.left()
    share = 1.0 if skip_milp(left, model.nx, searched=True) else _CONFIG_SHARE
    total = None if left is None else share * left
    began = time.perf_counter()

    def until(fraction):
        """The deadline at ``fraction`` of the search's time."""
        if total is None:
            return Deadline(None)
        return Deadline(max(began + fraction * total - time.perf_counter(), 0.0))

    def worst_of(x):
        return worst(model.project_sums(x))

    def polish(x, end):
        lifted = reassign.lift(
            inst.scores, inst.allowed, inst.cap, _chosen(model, x), k, end
        )
        y = lifted[model.ep, model.ec].astype(float)
        return y if worst_of(y) > worst_of(x) else x

    start = z
    z = polish(z, until(_PHASES[0]))
    configs = Configurations(inst.scores, inst.allowed, inst.cap, k)
    configs.add_choice(_chosen(model, start))
    configs.add_choice(_chosen(model, z))
    low = worst_of(z)
    reached, high, used = low, bound, False
    for _ in range(_MAX_PROBES):
        if proven(reached, high) or high - reached <= _BOUND_PRECISION * max(
            1.0, abs(high)
        ):
            break
        # The first LP must be quick enough for a bisection to follow.
        end = until(_PHASES[1] if used else _PHASES[0] + _FIRST_PROBE_SHARE)
        answer = configs.probe((reached + high) / 2, end).status
        if answer == "unknown":
            break
        used = True
        if answer == "infeasible":
            high = (reached + high) / 2
        else:
            reached = (reached + high) / 2
    if not used:
        return z, bound, None
    dives = until(_PHASES[2])
    target_low, target_high = low, reached
    target = low + 0.75 * (reached - low)  # dives reach close to the bound
    for _ in range(_MAX_DIVES):
        if dives.expired() or proven(low, high):
            break
        if target_high - target_low <= _BOUND_PRECISION * max(1.0, abs(high)):
            break
        dived = configs.dive(target, dives)
        if dived is None:
            target_high = target
        else:
            y = dived[model.ep, model.ec].astype(float)
            target_low = max(target, worst_of(y))
            if worst_of(y) > low:
                z, low = y, worst_of(y)
        target = (target_low + target_high) / 2
    z = polish(z, until(1.0))
    low = worst_of(z)
    if not proven(low, high):
        above = low + 0.5 * LEXICOGRAPHIC_TOLERANCE * max(1.0, abs(low))
        if configs.probe(above, until(1.0)).status == "infeasible":
            high = above
    return z, min(bound, max(high, low)), configs


def _chosen(model: Model, z: np.ndarray) -> np.ndarray:
    """The P × C choice of a 0/1 vector over the model's pairs."""
    chosen = np.zeros(model.inst.scores.shape, dtype=bool)
    picked = z[: model.nx] > 0.5
    chosen[model.ep[picked], model.ec[picked]] = True
    return chosen


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


def fair_total(model, incumbent, floor, simple, deadline, configs=None):
    """Maximum total with every project at ``floor`` or more (bipartite).

    Solved on the pairs that can reach ``floor`` (all pairs unless exactly
    ``k`` per project and none forced). With the configuration pool of the
    max-min stage (``configs``): :func:`mitlib.binomes.reassign.raise_total`
    improves the incumbent and
    :meth:`~mitlib.binomes.configurations.Configurations.max_total` bounds
    the total (within :data:`_TOTAL_SHARE` of the time left), then the MILP.
    Otherwise: the LP relaxation first (an integral vertex is optimal;
    within :data:`_LP_SHARE` of the time left, skipped like the MILP), else
    a local search improves the incumbent before the MILP
    (:func:`mitlib.binomes.reassign.raise_total` with exactly ``k`` pairs per
    project and none forced, :func:`mitlib.solve.flows.raise_total` else).
    The MILP has the time left, minus a reserve for what follows, and is
    skipped when that is too short for its size (:func:`skip_milp`). Returns
    the outcome (on the model's pairs) and the possibly improved incumbent.
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
    if configs is not None:
        incumbent = _raised_by_flows(model, incumbent, floor, deadline)
        left = deadline.left()
        lp_bound = configs.max_total(
            floor, Deadline(None if left is None else _TOTAL_SHARE * left)
        )
        if proven(float(model.a @ incumbent), lp_bound):
            out = Outcome(incumbent.copy(), OPTIMAL, lp_bound, "configurations")
            return out, incumbent
    else:
        left = deadline.left()
        seconds = None if left is None else _LP_SHARE * left
        lp = Outcome(None, GAP, math.nan, "lp")
        if not skip_milp(seconds, sub.nx):
            a, lb, ub = rows.stacked(sub.n_vars)
            lp = solve_lp(
                sub.a,
                a,
                lb,
                ub,
                sub.var_lb,
                sub.var_ub,
                seed=sub.seed,
                seconds=seconds,
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
        if simple and inst.hi > 0:
            incumbent = _raised_by_flows(model, incumbent, floor, deadline)
        else:
            incumbent = _raised(model, incumbent, floor, deadline)
        if proven(float(model.a @ incumbent), lp_bound):
            return Outcome(incumbent.copy(), OPTIMAL, lp_bound, "lp"), incumbent
    left = deadline.left()
    seconds = None if left is None else left * _LAST_STAGE_SHARE
    if skip_milp(seconds, sub.nx, searched=configs is not None):
        return Outcome(incumbent.copy(), GAP, lp_bound, "flow"), incumbent
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


def skip_milp(seconds: float | None, n_cols: int, searched: bool = False) -> bool:
    """Whether a MILP on ``n_cols`` columns is not worth starting with
    ``seconds`` left (an incumbent being kept instead): too short a time for
    its size or, after a configuration search (``searched``), more than
    :data:`_SEARCHED_MILP_COLUMNS` columns. Never without a time limit."""
    if seconds is None:
        return False
    too_large = searched and n_cols > _SEARCHED_MILP_COLUMNS
    return too_large or seconds - MILP_OVERRUN * n_cols < _MIN_MILP_SECONDS


def _raised_by_flows(model, z, floor, deadline):
    """``z`` after :func:`mitlib.binomes.reassign.raise_total` (a share of
    the time left), if every project stays at ``floor`` and the total rises."""
    inst = model.inst
    left = deadline.left()
    raised = reassign.raise_total(
        inst.scores,
        inst.allowed,
        inst.cap,
        _chosen(model, z),
        inst.hi,
        floor,
        Deadline(None if left is None else _TOTAL_SHARE * left),
    )
    out = raised[model.ep, model.ec].astype(float)
    if worst(model.project_sums(out)) >= floor and model.a @ out > model.a @ z:
        return out
    return z
