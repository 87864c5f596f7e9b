"""Benchmark of coach–project matching: each figure next to its target.

Run from the repository root::

    python benchmarks/bench_matching.py [--time-limit 60] [--sweep 30] [--quick]

Instances: random affinities in [0, 1], 3 coaches per project, capacity 7
(``uniforme``), and ``corrélée`` ones where every project prefers the same
coaches (affinity = 0.7 × coach quality + 0.3 × noise). References, computed
in the same run, on the same machine:

* ``flot direct``: the total-mode optimum by one min-cost flow on every pair
  (OR-Tools, integer costs scaled by 1e10), the model the total mode is
  compared to;
* ``FairFlow-like``: a drain-and-refill heuristic in the spirit of
  openreview-matcher's FairFlow (bisection on a target; projects below it
  release their coaches, the others their weakest one when they stay above
  it; a min-cost flow refills with the projects below the target favoured).

Targets (issue 13): total mode within 1.5× the direct flow at 2000 × 1000;
equitable mode proven optimal in < 2 s at 200 × 400 and 500 × 250, < 20 s at
2000 × 1000; on correlated instances (500 × 250, 200 × 400, 2000 × 1000)
never worse than FairFlow-like on the worst project nor on the total, the gap
to the bound (configuration LP, see :mod:`mitlib.binomes.configurations`,
or Lagrangian) reported, the time limit honoured. The total is maximised with
every project kept at the worst project's value, which FairFlow-like does not
reach: the bound of that total is printed, saying whether FairFlow-like's
total was reachable at all. Then a sweep of marathon-sized instances
(≤ 30 × 60) in equitable mode, all proven optimal.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from ortools.graph.python import min_cost_flow

from mitlib.binomes.matching import Assignment, assign

K = 3
CAPACITY = 7
SIZES = [(200, 400), (500, 250), (2000, 1000)]
#: Correlated instances (projects, coaches, seed); the first is issue 13's.
CORRELATED = [(500, 250, 7), (200, 400, 7), (2000, 1000, 7)]
MARATHON = (30, 60)


def uniform(n_p: int, n_c: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Random affinities in [0, 1], capacity 7."""
    rng = np.random.default_rng(seed)
    return _frame(rng.random((n_p, n_c)))


def correlated(n_p: int, n_c: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Every project prefers the same coaches: 0.7 × quality + 0.3 × noise."""
    rng = np.random.default_rng(seed)
    quality = rng.random(n_c)
    return _frame(0.7 * quality[None, :] + 0.3 * rng.random((n_p, n_c)))


def _frame(scores: np.ndarray) -> tuple[pd.DataFrame, pd.Series]:
    n_p, n_c = scores.shape
    aff = pd.DataFrame(
        scores,
        index=[f"P{i:04d}" for i in range(n_p)],
        columns=[f"C{j:04d}" for j in range(n_c)],
    )
    return aff, pd.Series(CAPACITY, index=aff.columns)


def marathon(n_p, n_c, seed, *, zeros=0.0, slack=0.1):
    """Marathon-sized instance: capacities = loads of a random assignment."""
    rng = np.random.default_rng(seed)
    scores = rng.random((n_p, n_c))
    if zeros:
        scores = np.where(rng.random((n_p, n_c)) < zeros, 0.0, np.round(scores, 2))
    aff = pd.DataFrame(
        scores,
        index=[f"P{i:03d}" for i in range(n_p)],
        columns=[f"C{j:03d}" for j in range(n_c)],
    )
    cap = np.zeros(n_c, dtype=int)
    for _ in range(n_p):
        cap[rng.choice(n_c, size=K, replace=False)] += 1
    np.add.at(cap, rng.integers(n_c, size=round(slack * K * n_p)), 1)
    return aff, pd.Series(cap, index=aff.columns)


# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------


def flow(scores: np.ndarray, cap: np.ndarray, weights=None, mask=None):
    """Max-weight assignment (exactly K per project) by one min-cost flow.

    ``weights`` per project multiply the scores; ``mask`` limits the pairs.
    Returns the P × C choice, or None if infeasible.
    """
    n_p, n_c = scores.shape
    ep, ec = np.nonzero(np.ones((n_p, n_c), bool) if mask is None else mask)
    w = scores[ep, ec] * (1.0 if weights is None else weights[ep])
    used = _max_weight_flow(scores.shape, ep, ec, w, cap, np.full(n_p, K))
    if used is None:
        return None
    chosen = np.zeros((n_p, n_c), bool)
    chosen[ep[used], ec[used]] = True
    return chosen


def _max_weight_flow(shape, ep, ec, w, room, need):
    """Arcs ``(ep, ec)`` used by the min-cost flow of weights ``w`` that gives
    project i ``need[i]`` coaches, coach j at most ``room[j]``; None if
    infeasible."""
    n_p, n_c = shape
    scale = 1e10 / max(float(np.abs(w).max(initial=0)), 1e-300)
    solver = min_cost_flow.SimpleMinCostFlow()
    sink = n_p + n_c
    solver.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([ep, n_p + np.arange(n_c)]).astype(np.int32),
        np.concatenate([n_p + ec, np.full(n_c, sink)]).astype(np.int32),
        np.concatenate([np.ones(len(ep)), room]).astype(np.int64),
        np.concatenate([-np.round(w * scale), np.zeros(n_c)]).astype(np.int64),
    )
    supply = np.zeros(n_p + n_c + 1, np.int64)
    supply[:n_p], supply[sink] = need, -need.sum()
    solver.set_nodes_supplies(np.arange(len(supply), dtype=np.int32), supply)
    if solver.solve() != solver.OPTIMAL:
        return None
    return solver.flows(np.arange(len(ep), dtype=np.int32)) > 0


def fairflow_like(scores: np.ndarray, cap: np.ndarray, rounds: int = 15):
    """Drain-and-refill heuristic after FairFlow; returns the best choice."""
    start = flow(scores, cap)
    best = start
    sums = (scores * start).sum(axis=1)
    low_t, high_t = sums.min(), np.sort(scores, axis=1)[:, -K:].sum(axis=1).min()
    for _ in range(12):  # bisection on the target
        target = (low_t + high_t) / 2
        chosen, found = start.copy(), None
        for it in range(rounds):
            sums = (scores * chosen).sum(axis=1)
            below = sums < target
            if not below.any():
                found = chosen
                break
            # Drain: projects below release everything; those above release
            # their weakest coach when they stay above the target.
            keep = chosen.copy()
            keep[below] = False
            weakest = np.where(chosen, scores, np.inf).argmin(axis=1)
            spare = ~below & (sums - scores[np.arange(len(sums)), weakest] >= target)
            keep[np.flatnonzero(spare), weakest[spare]] = False
            # Refill by one flow, projects below favoured.
            weights = np.where(below, 2.0 + it, 1.0)
            refill = _refill(scores, cap, keep, weights)
            if refill is None:
                break
            chosen = refill
        if found is None:
            high_t = target
        else:
            low_t = target
            if _key(scores, found) > _key(scores, best):
                best = found
    return best


def _refill(scores, cap, keep, weights):
    """Complete ``keep`` to K coaches per project by a weighted flow."""
    need = K - keep.sum(axis=1)
    room = cap - keep.sum(axis=0)
    ep, ec = np.nonzero(~keep & (need[:, None] > 0))
    used = _max_weight_flow(
        scores.shape, ep, ec, scores[ep, ec] * weights[ep], room, need
    )
    if used is None:
        return None
    out = keep.copy()
    out[ep[used], ec[used]] = True
    return out


def _key(scores, chosen):
    sums = (scores * chosen).sum(axis=1)
    return (sums.min(), sums.sum())


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - start


def best_of(n, func, *args, **kwargs):
    """Result and best time of ``n`` runs (less noise from a shared machine)."""
    runs = [timed(func, *args, **kwargs) for _ in range(n)]
    return runs[0][0], min(t for _, t in runs)


def equitable_vs_fairflow(aff, cap, time_limit):
    """``assign(mode="equitable")`` and the FairFlow-like baseline, each timed."""
    res, res_s = timed(
        assign,
        aff,
        per_project=K,
        capacity=cap,
        mode="equitable",
        time_limit=time_limit,
    )
    ff, ff_s = timed(fairflow_like, aff.to_numpy(), cap.to_numpy())
    return res, res_s, ff, ff_s


def status(result: Assignment) -> str:
    if result.status == "gap":
        return f"gap {result.gap:.2%}"
    return result.status


def line(what, figure, target, ok, reference="", ratio=""):
    verdict = "atteint" if ok else "NON ATTEINT"
    print(f"{what:<34} {figure:>22} {target:>14} {reference:>20} {ratio:>7}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--sweep", type=int, default=30)
    parser.add_argument(
        "--quick", action="store_true", help="skip the 2000 × 1000 instances"
    )
    args = parser.parse_args()
    sizes = [s for s in SIZES if not (args.quick and s[0] >= 2000)]

    print(
        f"{'mesure':<34} {'valeur':>22} {'objectif':>14} {'référence':>20} "
        f"{'ratio':>7}  verdict"
    )
    print("-" * 112)
    for seed, (n_p, n_c) in enumerate(sizes):
        aff, cap = uniform(n_p, n_c, seed)
        scores, caps = aff.to_numpy(), cap.to_numpy()
        ref, ref_s = best_of(3 if n_p < 2000 else 2, flow, scores, caps)
        res, res_s = best_of(
            3 if n_p < 2000 else 2, assign, aff, per_project=K, capacity=cap
        )
        exact = abs(res.total - (scores * ref).sum()) <= 1e-6
        ratio = res_s / ref_s
        big = n_p >= 2000  # the ratio target is set at 2000 × 1000
        line(
            f"{n_p}×{n_c} uniforme, total",
            f"{res_s:.3f} s {status(res)}",
            "≤ 1.5× flot" if big else "exact (ratio)",
            (ratio <= 1.5 or not big) and exact and res.status == "optimal",
            f"flot direct {ref_s:.3f} s",
            f"{ratio:.2f}×",
        )
        limit = 2.0 if n_p < 2000 else 20.0
        res, res_s, ff, ff_s = equitable_vs_fairflow(aff, cap, args.time_limit)
        ff_worst, _ = _key(scores, ff)
        line(
            f"{n_p}×{n_c} uniforme, équitable",
            f"{res_s:.2f} s {status(res)}",
            f"< {limit:.0f} s prouvé",
            res_s < limit and res.status == "optimal",
            f"FairFlow-like {ff_s:.2f} s",
            f"{res_s / ff_s:.2f}×",
        )
        line(
            "   pire projet (vs FairFlow-like)",
            f"{res.worst_project:.4f}",
            "≥ FairFlow",
            res.worst_project >= ff_worst - 1e-9,
            f"{ff_worst:.4f}",
        )

    for n_p, n_c, seed in CORRELATED:
        if args.quick and n_p >= 2000:
            continue
        aff, cap = correlated(n_p, n_c, seed)
        scores, caps = aff.to_numpy(), cap.to_numpy()
        res, res_s, ff, ff_s = equitable_vs_fairflow(aff, cap, args.time_limit)
        ff_worst, ff_total = _key(scores, ff)
        best_total = (scores * flow(scores, caps)).sum()
        fair, total_stage = res.stages[0], res.stages[1]
        line(
            f"{n_p}×{n_c} corrélée, équitable",
            f"{res_s:.1f} s {status(res)}",
            f"≤ {args.time_limit:.0f} s",
            res_s <= args.time_limit,
            f"FairFlow-like {ff_s:.2f} s",
            f"{res_s / ff_s:.1f}×",
        )
        line(
            "   pire projet",
            f"{res.worst_project:.4f}",
            "≥ FairFlow",
            res.worst_project >= ff_worst - 1e-9,
            f"{ff_worst:.4f}",
        )
        line(
            "   écart à la borne prouvée",
            f"{fair['gap']:.2%} (≤ {fair['bound']:.4f})",
            "rapporté",
            True,
        )
        line(
            "   total (écart au total optimal)",
            f"{res.total:.2f} ({1 - res.total / best_total:.2%})",
            "≥ FairFlow",
            res.total >= ff_total - 1e-9,
            f"{ff_total:.2f} ({1 - ff_total / best_total:.2%})",
        )
        # The total is maximised with every project kept at the worst
        # project's value: its bound says whether FairFlow's total (reached
        # with a lower worst project) was reachable at all.
        bound = total_stage["bound"]
        line(
            f"   borne du total (pire ≥ {res.worst_project:.4f})",
            f"≤ {bound:.2f} ({total_stage['gap']:.2%})",
            "rapporté",
            True,
            "FairFlow inatteignable" if bound < ff_total else "FairFlow non exclu",
        )

    print()
    print(
        f"Mode équitable, {args.sweep} instances ≤ 30×60 (sans limite de temps ; "
        "1 sur 3 creuse à 70 % de zéros, 1 sur 2 sans place de marge)"
    )
    times, worst_case = [], None
    for seed in range(args.sweep):
        rng = np.random.default_rng(1000 + seed)
        n_p = int(rng.integers(8, MARATHON[0] + 1))
        n_c = int(rng.integers(n_p, MARATHON[1] + 1))
        zeros = 0.7 if seed % 3 == 2 else 0.0
        slack = 0.0 if seed % 2 else 0.1
        aff, cap = marathon(n_p, n_c, 1000 + seed, zeros=zeros, slack=slack)
        result, seconds = timed(
            assign, aff, per_project=K, capacity=cap, mode="equitable"
        )
        assert result.status == "optimal"
        times.append(seconds)
        if worst_case is None or seconds > worst_case[0]:
            worst_case = (seconds, n_p, n_c, zeros, slack)
    times = np.array(times)
    print(
        f"  médiane {np.median(times):.2f} s, max {times.max():.2f} s "
        f"({worst_case[1]}×{worst_case[2]}, zéros {worst_case[3]:.0%}, "
        f"marge {worst_case[4]:.0%}), {(times < 5).sum()}/{len(times)} sous 5 s, "
        "toutes prouvées optimales"
    )


if __name__ == "__main__":
    main()
