"""The objective levels of an assignment, solved in turn (lexicographic).

Levels: the coverage of the needed domains (when asked), then the mode's
objectives, ``"total"`` alone or ``"equitable"`` (the worst project, then the
total). Each level is maximised with the values reached by the previous ones
kept as rows, and a solution replaces the incumbent only if it keeps them;
see :func:`solve_levels`. Bipartite models take the flow and configuration
routes of :mod:`mitlib.binomes.bipartite`; the others are solved by
:func:`mitlib.solve.milp.maximize` (:func:`maximin` for the worst project).
"""

from __future__ import annotations

import math
import time
from typing import NoReturn

import numpy as np
from scipy import sparse

from mitlib.binomes.bipartite import (
    LEXICOGRAPHIC_TOLERANCE,
    fair_start,
    fair_total,
    flow_total,
    proven,
    skip_milp,
)
from mitlib.binomes.instance import InfeasibleError, Instance, hall_diagnosis
from mitlib.binomes.model import Model, on_pairs, worst
from mitlib.solve import flows
from mitlib.solve.milp import (
    GAP,
    INFEASIBLE,
    OPTIMAL,
    Deadline,
    Outcome,
    Rows,
    maximize,
    milp_seconds,
    relative_gap,
    widen,
)

__all__ = ["COVERAGE_SLACK", "maximin", "solve_levels"]

#: Margin below the optimal coverage count when it is kept as a constraint.
#: The count is an integer and each coverage variable ``y ≤ min(1, Σ x)`` is at
#: most the 0/1 "covered" indicator, so any margin below 1 keeps exactly the
#: assignments covering ``count`` needs. It must stay well above HiGHS's
#: feasibility tolerance (1e-6): with a margin of 1e-6, a vertex set a
#: continuous ``y`` to ``1 - 1e-6``, indistinguishable from 1 for HiGHS, a
#: second one drifted likewise, and HiGHS's final check found the row off by
#: just over 1e-6 and rejected its own solution ("Solve error", scipy status
#: 4). Larger margins weaken the LP relaxation (0.5: about 5 times slower).
COVERAGE_SLACK = 1e-4
#: Relative tolerance under which a value equal to its bound is proven.
_PROOF_TOLERANCE = 1e-6
#: Share of the time left given to the max-min level when a total level
#: follows (flows, searches and MILP together).
_FIRST_STAGE_SHARE = 0.5


def maximin(model: Model, rows: Rows, low: float, high: float, seconds):
    """MILP maximising the worst project's sum, ``t ∈ [low, high]``.

    ``low`` is the incumbent's value (a cut-off), ``high`` a proven bound.
    Returns the outcome with ``t`` dropped from ``x``.
    """
    n_p, n_z, n_x = len(model.inst.projects), model.n_vars, model.nx
    weighted = widen(model.by_project.multiply(model.a[None, :]).tocsr(), n_z)
    below_t = sparse.hstack(
        [weighted, sparse.csr_matrix(-np.ones((n_p, 1)))], format="csr"
    )
    out = maximize(
        np.append(np.zeros(n_z), 1.0),
        rows.plus(below_t, np.zeros(n_p), np.full(n_p, np.inf)),
        np.append(model.var_lb, low),
        np.append(model.var_ub, max(high, low)),
        np.append(np.arange(n_z) < n_x, False),
        seconds,
        False,
    )
    if out.x is not None:
        out.x = out.x[:-1]
    return out


def solve_levels(model: Model, mode: str, deadline: Deadline):
    """Solve the objective levels in turn; return (x, stages).

    Each level is maximised with the values reached by the previous levels
    kept as constraints. The incumbent (best solution so far) is replaced
    only by a solution that keeps those values and does at least as well on
    the current level, so a solve stopped by the time limit never makes the
    result worse.

    Bipartite models (no quota, no coverage) take faster exact routes: the
    total optimum by min-cost flow (:func:`flow_total`); the max-min value
    proven by its bounds when the flow heuristics or the configuration
    search reach them (:func:`fair_start`), otherwise a MILP started from
    that incumbent and bound, on the pairs that can reach it; the total
    under the max-min value bounded by the total optimum (and the
    configuration LP) and solved on the pairs that keep it
    (:func:`fair_total`). With a time limit, the max-min level has
    :data:`_FIRST_STAGE_SHARE` of the time left, the total level the rest;
    a MILP too large for its share is skipped (the incumbent is kept).
    """
    inst = model.inst
    n_p, n_z, n_x = len(inst.projects), model.n_vars, model.nx
    lb, ub = model.var_lb, model.var_ub
    integer = model.integer_mask(n_z)
    weighted = widen(model.by_project.multiply(model.a[None, :]).tocsr(), n_z)
    total_obj = np.concatenate([model.a, np.zeros(n_z - n_x)])
    cover_obj = np.concatenate([np.zeros(n_x), np.ones(n_z - n_x)])

    def total_of(z: np.ndarray) -> float:
        return float(model.a @ z[:n_x])

    def worst_of(z: np.ndarray) -> float:
        return worst(model.project_sums(z))

    levels = (["couverture"] if model.needs else []) + (
        ["equite", "total"] if mode == "equitable" else ["total"]
    )
    rows = model.rows
    kept: list[tuple] = []  # (value function, value, tolerance) of done levels
    incumbent: np.ndarray | None = None
    stages: list[dict] = []
    best_total: Outcome | None = None  # total optimum by flow, a bound
    simple = False
    configs = None  # configuration pool of the max-min stage
    for level in levels:
        start = time.perf_counter()
        extra_bound = math.inf
        if level == "couverture":
            out = maximize(cover_obj, rows, lb, ub, integer, deadline.left(), False)
            value_of, tol = model.coverage, 0.0
        elif level == "equite":
            if incumbent is None:
                # The total-mode optimum under the same rows is a first
                # incumbent; its worst project is a lower bound for t.
                warm = flow_total(model) if model.bipartite else None
                best_total = warm
                if warm is None:
                    warm = maximize(
                        total_obj,
                        rows,
                        lb,
                        ub,
                        integer,
                        deadline.left(),
                        True,
                        model.seed,
                    )
                if warm.x is None:
                    _no_solution(warm, inst, model)
                incumbent = model.integral(warm.x)
            high = model.maximin_bound()
            # This level's share of the time left (flows, searches, MILP).
            left = deadline.left()
            stage = Deadline(None if left is None else left * _FIRST_STAGE_SHARE)
            if model.bipartite:
                incumbent, high, simple, configs = fair_start(model, incumbent, stage)
            low = worst_of(incumbent)
            extra_bound = high
            if model.bipartite and proven(low, high):
                how = "flow" if configs is None else "configurations"
                out = Outcome(incumbent.copy(), OPTIMAL, high, how)
            else:
                seconds = milp_seconds(stage.left(), model.nx)
                keep = np.ones(n_x, dtype=bool)
                if simple:
                    keep = flows.usable_pairs(model.ep, model.a, n_p, inst.hi, low)
                if model.bipartite and skip_milp(
                    stage.left(), int(keep.sum()), searched=configs is not None
                ):
                    out = Outcome(incumbent.copy(), GAP, high, "flow")
                elif simple:
                    sub, idx = model.restricted(keep)
                    out = on_pairs(
                        model, sub, idx, maximin(sub, sub.rows, low, high, seconds)
                    )
                else:
                    out = maximin(model, rows, low, high, seconds)
            value_of, tol = worst_of, LEXICOGRAPHIC_TOLERANCE  # relative
        elif model.bipartite and not kept:
            out = flow_total(model) or maximize(
                total_obj, rows, lb, ub, integer, deadline.left(), True, model.seed
            )
            value_of, tol = total_of, 0.0
        elif model.bipartite:
            # Total under the max-min value (kept as rows): bounded by the
            # unconstrained total optimum, solved on the pairs that can
            # belong to a project reaching that value.
            floor = kept[-1][1] - kept[-1][2]
            extra_bound = math.inf if best_total is None else best_total.bound
            if proven(total_of(incumbent), extra_bound):
                out = Outcome(incumbent.copy(), OPTIMAL, extra_bound, "flow")
            else:
                out, incumbent = fair_total(
                    model, incumbent, floor, simple, deadline, configs
                )
            value_of, tol = total_of, 0.0
        else:
            out = maximize(
                total_obj, rows, lb, ub, integer, deadline.left(), True, model.seed
            )
            value_of, tol = total_of, 0.0
        if out.x is not None:
            out.x = model.integral(out.x)
        if out.x is None and incumbent is None:
            _no_solution(out, inst, model)
        if (
            out.x is not None
            and all(f(out.x) >= v - t for f, v, t in kept)
            and (incumbent is None or value_of(out.x) >= value_of(incumbent))
        ):
            incumbent = out.x
        value = value_of(incumbent)
        bound = float(np.fmin(out.bound, extra_bound))
        if level == "equite" and not math.isfinite(bound):
            bound = model.maximin_bound()
        # A solver's "optimal" is trusted within its tolerance; otherwise
        # the value must reach the bound (absolute gap of HiGHS, 1e-6).
        slack = _PROOF_TOLERANCE * (
            max(1.0, abs(bound)) if out.status == OPTIMAL else 1.0
        )
        is_proven = (out.status == OPTIMAL or math.isfinite(bound)) and (
            not math.isfinite(bound) or value >= bound - slack
        )
        stages.append(
            {
                "stage": level,
                "solver": out.solver,
                "status": "optimal" if is_proven else "gap",
                "value": value,
                "bound": bound,
                "gap": 0.0 if is_proven else relative_gap(bound, value),
                "seconds": time.perf_counter() - start,
            }
        )
        if level == "equite":
            tol *= max(1.0, abs(value))
        kept.append((value_of, value, tol))
        if level == "couverture":
            rows = rows.plus(cover_obj[None, :], [value - COVERAGE_SLACK], [np.inf])
        elif level == "equite":
            rows = rows.plus(weighted, np.full(n_p, value - tol), np.full(n_p, np.inf))
    return incumbent, stages


def _no_solution(out: Outcome, inst: Instance, model: Model) -> NoReturn:
    """Raise the French diagnosis of a level that found no solution."""
    if out.status == INFEASIBLE:
        diagnostics = hall_diagnosis(inst) or [
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
