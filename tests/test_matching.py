"""Tests for mitlib.binomes.matching: exactness, constraints, diagnostics,
determinism."""

import itertools
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

import mitlib.binomes.bipartite as bipartite
import mitlib.binomes.lexicographic as lexicographic
import mitlib.solve.milp as milp_layer
from mitlib.binomes import reassign
from mitlib.binomes.configurations import Configurations, cheapest_sets
from mitlib.binomes.matching import Assignment, InfeasibleError, assign, greedy_assign
from mitlib.core.text import fold
from mitlib.solve import flows
from mitlib.solve.milp import Deadline

TOL = 1e-6
DATA = Path(__file__).parent / "data"


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def frame(values, projects=None, coaches=None):
    values = np.asarray(values, dtype=float)
    projects = projects or [f"P{i + 1}" for i in range(values.shape[0])]
    coaches = coaches or [f"C{j + 1}" for j in range(values.shape[1])]
    return pd.DataFrame(values, index=projects, columns=coaches)


def random_instance(rng, n_p, n_c, k, *, slack=0, zeros=0.0):
    """Random scores; capacities = loads of a random assignment, plus slack.

    So the instance is always feasible (``k <= n_c``).
    """
    aff = rng.random((n_p, n_c))
    if zeros:
        aff = np.where(rng.random((n_p, n_c)) < zeros, 0.0, np.round(aff, 2))
    aff = frame(aff)
    cap = np.zeros(n_c, dtype=int)
    for _ in range(n_p):
        cap[rng.choice(n_c, size=k, replace=False)] += 1
    np.add.at(cap, rng.integers(n_c, size=slack), 1)
    return aff, pd.Series(cap, index=aff.columns)


def assert_valid(
    result,
    affinity,
    *,
    per_project=(3, 3),
    capacity,
    forbidden=(),
    forced=(),
    quotas=None,
    coach_types=None,
):
    """Every promise of an Assignment, and every hard constraint, on one output."""
    assert isinstance(result, Assignment)
    pairs = result.pairs
    assert list(pairs.columns) == ["id_projet", "id_coach", "affinite", "referent"]
    assert not pairs.duplicated(["id_projet", "id_coach"]).any()
    lo, hi = (per_project, per_project) if isinstance(per_project, int) else per_project
    counts = pairs.groupby("id_projet").size().reindex(affinity.index, fill_value=0)
    assert ((counts >= lo) & (counts <= hi)).all()
    cap = (
        pd.Series(capacity, index=affinity.columns)
        if isinstance(capacity, int)
        else capacity
    )
    loads = pairs.groupby("id_coach").size().reindex(affinity.columns, fill_value=0)
    assert (loads <= cap.reindex(affinity.columns)).all()
    assert result.loads.reindex(affinity.columns).tolist() == loads.tolist()
    chosen = set(zip(pairs["id_projet"], pairs["id_coach"], strict=True))
    assert not chosen & set(forbidden)
    assert set(forced) <= chosen
    for p, c, a in zip(
        pairs["id_projet"], pairs["id_coach"], pairs["affinite"], strict=True
    ):
        assert a == affinity.loc[p, c]
    for key, q in (quotas or {}).items():
        typed = {
            c
            for c, t in coach_types.items()
            if fold(key) in {fold(x) for x in ([t] if isinstance(t, str) else t)}
        }
        per = pairs[pairs["id_coach"].isin(typed)].groupby("id_projet").size()
        assert per.reindex(affinity.index, fill_value=0).min() >= q
    # Exactly one referent per served project: its best coach (ties: smallest id).
    for _, group in pairs.groupby("id_projet"):
        assert group["referent"].sum() == 1
        best = group.sort_values(["affinite", "id_coach"], ascending=[False, True])
        assert best.iloc[0]["referent"]
    sums = (
        pairs.groupby("id_projet")["affinite"]
        .sum()
        .reindex(affinity.index, fill_value=0)
    )
    assert result.total == pytest.approx(sums.sum(), abs=1e-9)
    assert result.worst_project == pytest.approx(sums.min(), abs=1e-9)
    totals = result.project_totals.reindex(affinity.index)
    assert totals.to_numpy() == pytest.approx(sums.to_numpy())


def brute_force(
    affinity, per_project, capacity, forbidden=(), forced=(), types=None, quotas=None
):
    """All feasible assignments: best total, and best (worst project, total)."""
    lo, hi = (per_project, per_project) if isinstance(per_project, int) else per_project
    projects, coaches = list(affinity.index), list(affinity.columns)
    scores = affinity.to_numpy()
    cap = np.array([capacity[c] for c in coaches])
    options = []  # per project: list of (coach-count vector, score sum)
    for i, p in enumerate(projects):
        allowed = [j for j, c in enumerate(coaches) if (p, c) not in forbidden]
        must = {coaches.index(c) for q, c in forced if q == p}
        subsets = []
        for size in range(lo, hi + 1):
            for combo in itertools.combinations(allowed, size):
                if not must <= set(combo):
                    continue
                if quotas and any(
                    sum(key in types.get(coaches[j], ()) for j in combo) < q
                    for key, q in quotas.items()
                ):
                    continue
                used = np.zeros(len(coaches), dtype=int)
                used[list(combo)] = 1
                subsets.append((used, scores[i, list(combo)].sum()))
        options.append(subsets)
    best_total, best_fair = None, None
    for choice in itertools.product(*options):
        if (sum(used for used, _ in choice) > cap).any():
            continue
        sums = [value for _, value in choice]
        total, worst = sum(sums), min(sums)
        if best_total is None or total > best_total:
            best_total = total
        if best_fair is None or (worst, total) > best_fair:
            best_fair = (worst, total)
    return best_total, best_fair


def reference_milp(affinity, k, capacity, mode):
    """Direct dense formulation with scipy.optimize.milp (independent of mitlib)."""
    a = affinity.to_numpy()
    n_p, n_c = a.shape
    n = n_p * n_c
    rows_p = sparse.kron(sparse.eye(n_p), np.ones((1, n_c)))
    rows_c = sparse.kron(np.ones((1, n_p)), sparse.eye(n_c))
    weighted = rows_p.multiply(a.ravel()[None, :])
    opts = {"mip_rel_gap": 0}
    base = [
        LinearConstraint(sparse.hstack([rows_p, np.zeros((n_p, 1))]), k, k),
        LinearConstraint(sparse.hstack([rows_c, np.zeros((n_c, 1))]), 0, capacity),
    ]
    integrality = np.r_[np.ones(n), 0]
    bounds = Bounds(np.r_[np.zeros(n), -np.inf], np.r_[np.ones(n), np.inf])
    cons = list(base)
    if mode == "equitable":
        fair = LinearConstraint(
            sparse.hstack([weighted, -np.ones((n_p, 1))]), 0, np.inf
        )
        res = milp(
            np.r_[np.zeros(n), -1],
            integrality=integrality,
            bounds=bounds,
            constraints=[*base, fair],
            options=opts,
        )
        worst = (weighted @ np.round(res.x[:n])).min()
        cons.append(
            LinearConstraint(
                sparse.hstack([weighted, np.zeros((n_p, 1))]), worst - 1e-9, np.inf
            )
        )
    res = milp(
        np.r_[-a.ravel(), 0],
        integrality=integrality,
        bounds=bounds,
        constraints=cons,
        options=opts,
    )
    x = np.round(res.x[:n])
    return float(a.ravel() @ x), float((weighted @ x).min())


# ---------------------------------------------------------------------------
# Known answers
# ---------------------------------------------------------------------------


def test_known_answer_total_vs_equitable():
    """Hand-computed: greedy-looking choice is not optimal, fair differs from total.

    P1 likes C1 (0.9) and C2 (0.8); P2 likes C1 (0.85) only. One coach each,
    capacity 1. Total: P1–C2 + P2–C1 = 1.65 (better than 0.9 + 0.1 = 1.0).
    """
    aff = frame([[0.9, 0.8, 0.2], [0.85, 0.1, 0.05]])
    total = assign(aff, per_project=1, capacity=1)
    assert set(zip(total.pairs.id_projet, total.pairs.id_coach, strict=True)) == {
        ("P1", "C2"),
        ("P2", "C1"),
    }
    assert total.total == pytest.approx(1.65)
    assert total.status == "optimal" and total.gap is None

    # With two coaches each and capacity 2 for C1 only.
    aff = frame([[1.0, 0.6, 0.0], [1.0, 0.0, 0.5]])
    cap = pd.Series({"C1": 1, "C2": 1, "C3": 1})
    eq = assign(aff, per_project=(1, 1), capacity=cap, mode="equitable")
    # total: P1–C1 (1.0) + P2–C3 (0.5) = 1.5 ; or P1–C2 + P2–C1 = 1.6 (worst 0.6)
    assert eq.worst_project == pytest.approx(0.6)
    assert eq.total == pytest.approx(1.6)


def test_equitable_trades_total_for_the_worst_project():
    # Total mode gives P2 only 0.1; equitable gives everyone at least 0.4.
    aff = frame([[0.9, 0.5], [0.4, 0.1]])
    tot = assign(aff, per_project=1, capacity=1)
    fair = assign(aff, per_project=1, capacity=1, mode="equitable")
    assert tot.total == pytest.approx(1.0) and tot.worst_project == pytest.approx(0.1)
    assert fair.total == pytest.approx(0.9) and fair.worst_project == pytest.approx(0.4)


def test_referent_is_best_coach_with_id_tie_break():
    aff = frame([[0.7, 0.7, 0.2]], coaches=["C9", "C3", "C5"])
    result = assign(aff, per_project=3, capacity=1)
    ref = result.pairs[result.pairs.referent]
    assert ref.id_coach.tolist() == ["C3"]
    assert result.pairs.id_coach.tolist() == ["C3", "C9", "C5"]


def test_mode_aliases_and_unknown_mode():
    aff = frame([[0.9, 0.5], [0.4, 0.1]])
    for alias in ("Équitable", "fair", "maximin"):
        assert assign(aff, per_project=1, capacity=1, mode=alias).mode == "equitable"
    assert assign(aff, per_project=1, capacity=1, mode="somme").mode == "total"
    with pytest.raises(ValueError, match="Mode inconnu « bof ».*equitable.*total"):
        assign(aff, per_project=1, capacity=1, mode="bof")


# ---------------------------------------------------------------------------
# Optimality: brute force on tiny instances, direct MILP on medium ones
# ---------------------------------------------------------------------------


def check_both_modes_against_brute_force(
    aff, per, cap, forbidden, forced, *, optimal=False
):
    """Both modes equal brute force (or both are infeasible, then None);
    returns the equitable assignment and brute force's (worst project, total)
    for it. ``optimal``: the status must say so."""
    kwargs = {
        "per_project": per,
        "capacity": cap,
        "forbidden": forbidden,
        "forced": forced,
    }
    best_total, best_fair = brute_force(aff, per, cap, forbidden, forced)
    if best_total is None:
        with pytest.raises(InfeasibleError):
            assign(aff, **kwargs)
        return None
    tot = assign(aff, **kwargs)
    fair = assign(aff, mode="equitable", **kwargs)
    for result in (tot, fair):
        assert_valid(result, aff, **kwargs)
        if optimal:
            assert result.status == "optimal"
    assert tot.total == pytest.approx(best_total, abs=TOL)
    assert fair.worst_project == pytest.approx(best_fair[0], abs=TOL)
    assert fair.total == pytest.approx(best_fair[1], abs=TOL)
    return fair, best_fair


@pytest.mark.parametrize("seed", range(6))
def test_brute_force_3x5_k2_both_modes(seed):
    rng = np.random.default_rng(seed)
    aff = frame(np.round(rng.random((3, 5)), 2) if seed % 2 else rng.random((3, 5)))
    cap = pd.Series(rng.integers(1, 3, size=5), index=aff.columns)
    cap.iloc[0] = 2
    forbidden = {("P1", "C2")} if seed % 3 == 0 else set()
    forced = {("P3", "C5")} if seed % 3 == 1 else set()
    per = 2 if seed < 3 else (1, 3)
    check_both_modes_against_brute_force(aff, per, cap, forbidden, forced)


def correlated_frame(rng, n_p, n_c):
    """Every project prefers the same coaches (quality + a little noise)."""
    quality = rng.random(n_c)
    return frame(0.7 * quality[None, :] + 0.3 * rng.random((n_p, n_c)))


@pytest.mark.parametrize("seed", range(8))
def test_brute_force_correlated_both_modes(seed):
    """Flow routes (total by min-cost flow, max-min by bounds, local search,
    restricted MILPs) against brute force, on correlated preferences."""
    rng = np.random.default_rng(100 + seed)
    per = 2 if seed < 4 else (1, 3)
    aff = correlated_frame(rng, 4 if per == 2 else 3, 6)  # brute force: < 0.1 M
    cap = pd.Series(rng.integers(1, 3, size=6), index=aff.columns)
    cap.iloc[:2] = 2
    forced = {("P2", "C6")} if seed % 4 == 3 else set()
    forbidden = {("P1", "C1")} if seed % 4 == 2 else set()
    found = check_both_modes_against_brute_force(
        aff, per, cap, forbidden, forced, optimal=True
    )
    if found is None:
        return
    fair, best_fair = found
    for stage in fair.stages:  # every reported bound is valid
        best = best_fair[0] if stage["stage"] == "equite" else best_fair[1]
        assert stage["bound"] >= best - TOL


def test_equitable_proven_by_flow_bounds_without_any_milp(monkeypatch):
    """Uniform scores: the weighted flows reach the per-project best-k bound,
    which proves the max-min value; no MILP is needed (nor called)."""
    rng = np.random.default_rng(3)
    aff = frame(rng.random((60, 40)))
    cap = pd.Series(7, index=aff.columns)
    exact = assign(aff, per_project=3, capacity=cap, mode="equitable")
    best_k = np.sort(aff.to_numpy(), axis=1)[:, -3:].sum(axis=1).min()
    assert exact.worst_project == pytest.approx(best_k, rel=1e-12)
    monkeypatch.setattr(milp_layer, "milp", fake_timeout)
    result = assign(aff, per_project=3, capacity=cap, mode="equitable")
    assert result.status == "optimal"
    assert result.stages[0]["solver"] == "flow"
    assert result.worst_project == pytest.approx(best_k, rel=1e-12)


def test_correlated_time_limit_is_honoured_and_gap_reported():
    rng = np.random.default_rng(6)
    aff = correlated_frame(rng, 120, 60)
    cap = pd.Series(7, index=aff.columns)
    start = time.perf_counter()
    result = assign(aff, per_project=3, capacity=cap, mode="equitable", time_limit=3)
    elapsed = time.perf_counter() - start
    assert_valid(result, aff, capacity=cap)
    assert elapsed < 3 * 1.15 + 0.5
    assert result.status in {"optimal", "gap"}
    for stage in result.stages:  # both levels: a finite bound, above the value
        assert np.isfinite(stage["bound"])
        assert stage["bound"] >= stage["value"] - TOL
    fair = result.stages[0]
    if result.status == "gap":
        assert np.isfinite(result.gap) and 0 <= result.gap < 1
        assert result.gap == pytest.approx(_gap(fair), abs=1e-12)
    # Far better than the total-mode optimum's worst project.
    assert result.worst_project > assign(aff, per_project=3, capacity=cap).worst_project


def _gap(stage):
    return max(stage["bound"] - stage["value"], 0) / abs(stage["bound"])


# ---------------------------------------------------------------------------
# Configuration LP and exact reassignments (exactly k per project)
# ---------------------------------------------------------------------------


def brute_force_exact(scores, k, cap):
    """All assignments of exactly ``k`` coaches per project, vectorised:
    (best total, best (worst project, total))."""
    n_p, n_c = scores.shape
    subsets = np.array(list(itertools.combinations(range(n_c), k)))
    onehot = np.zeros((len(subsets), n_c), dtype=np.int8)
    onehot[np.arange(len(subsets))[:, None], subsets] = 1
    values = scores[:, subsets].sum(axis=2)  # project × subset
    grid = np.array(list(itertools.product(range(len(subsets)), repeat=n_p)))
    ok = (onehot[grid].sum(axis=1) <= cap).all(axis=1)
    sums = values[np.arange(n_p), grid[ok]]
    worst, total = sums.min(axis=1), sums.sum(axis=1)
    best = np.lexsort((total, worst))[-1]
    return total.max(), (worst[best], total[best])


def tight_correlated(seed, n_p, n_c, k):
    """Correlated scores; capacities 1 or 2, a place or two of slack."""
    rng = np.random.default_rng(500 + seed)
    aff = correlated_frame(rng, n_p, n_c)
    cap = np.ones(n_c, dtype=int)
    extra = n_p * k - n_c + 1 + seed % 2
    cap[rng.choice(n_c, size=min(extra, n_c), replace=False)] += 1
    return aff, pd.Series(cap, index=aff.columns)


@pytest.mark.parametrize(
    ("seed", "n_p", "n_c", "k"),
    [
        (0, 4, 6, 2),
        (1, 4, 6, 2),
        (2, 4, 7, 2),
        (3, 4, 7, 2),
        (4, 3, 7, 3),
        (5, 3, 6, 3),
    ],
)
def test_equitable_and_total_against_brute_force_with_tight_capacities(
    seed, n_p, n_c, k
):
    """Correlated preferences, scarce good coaches: the flow, configuration
    and MILP routes give the brute-force optimum of both modes, every bound
    reported is valid and the status is proven."""
    aff, cap = tight_correlated(seed, n_p, n_c, k)
    best_total, (best_worst, total_at_worst) = brute_force_exact(
        aff.to_numpy(), k, cap.to_numpy()
    )
    tot = assign(aff, per_project=k, capacity=cap)
    fair = assign(aff, per_project=k, capacity=cap, mode="equitable")
    for result in (tot, fair):
        assert_valid(result, aff, per_project=k, capacity=cap)
        assert result.status == "optimal"
    assert tot.total == pytest.approx(best_total, abs=TOL)
    assert fair.worst_project == pytest.approx(best_worst, abs=TOL)
    assert fair.total == pytest.approx(total_at_worst, abs=TOL)
    assert fair.stages[0]["bound"] >= best_worst - TOL
    assert fair.stages[1]["bound"] >= total_at_worst - TOL


def test_configuration_lp_proves_the_max_min_without_any_milp(monkeypatch):
    """The flows leave a gap on this instance; the configuration LP just
    above the incumbent is proven infeasible, which proves it optimal."""
    rng = np.random.default_rng(4)
    aff, cap = random_instance(rng, 6, 10, 2, slack=3)
    monkeypatch.setattr(bipartite, "_MAX_PROBES", 0)
    flows_only = assign(aff, per_project=2, capacity=cap, mode="equitable")
    assert flows_only.stages[0]["solver"] == "milp"  # needed the MILP
    monkeypatch.undo()
    monkeypatch.setattr(milp_layer, "milp", fake_timeout)
    result = assign(aff, per_project=2, capacity=cap, mode="equitable")
    assert result.stages[0]["solver"] == "configurations"
    assert result.stages[0]["status"] == "optimal"
    assert result.worst_project == pytest.approx(flows_only.worst_project, abs=TOL)


def test_cheapest_sets_against_enumeration():
    rng = np.random.default_rng(11)
    for trial in range(60):
        n_c, k = int(rng.integers(3, 9)), int(rng.integers(1, 5))
        k = min(k, n_c)
        a = np.round(rng.random((3, n_c)), 1)  # ties on purpose
        a[rng.random((3, n_c)) < 0.15] = -np.inf  # forbidden pairs
        w = np.round(rng.random((3, n_c)), 1) * (rng.random((3, n_c)) < 0.6)
        if trial % 2:
            w = w - np.where(np.isfinite(a), a, 0)  # negative costs (total LP)
        t = float(rng.random() * k)
        cost, sets = cheapest_sets(a, w, k, t)
        for p in range(3):
            valid = [
                list(s)
                for s in itertools.combinations(range(n_c), k)
                if a[p, list(s)].sum() >= t
            ]
            if not valid:
                assert cost[p] == np.inf and (sets[p] == -1).all()
                continue
            assert cost[p] == pytest.approx(min(w[p, s].sum() for s in valid))
            assert len(set(sets[p])) == k and a[p, sets[p]].sum() >= t
            assert w[p, sets[p]].sum() == pytest.approx(cost[p])


@pytest.mark.parametrize("seed", range(3))
def test_configuration_probes_dives_and_total_bound_are_sound(seed):
    """A threshold proven infeasible lies above the brute-force max-min
    value; a dive reaches its target within the capacities; the total bound
    at a floor is above the brute-force total at that floor."""
    aff, cap = tight_correlated(10 + seed, 4, 7, 2)
    scores, caps = aff.to_numpy(), cap.to_numpy()
    _, (best_worst, total_at_worst) = brute_force_exact(scores, 2, caps)
    allowed = np.ones(scores.shape, dtype=bool)
    configs = Configurations(scores, allowed, caps, 2)
    proven_above = []
    for t in best_worst + np.array([-0.2, -0.05, -1e-9, 0.0, 1e-9, 0.02, 0.1, 0.3]):
        answer = configs.probe(t, Deadline(None)).status
        assert answer in {"feasible", "infeasible", "unknown"}
        if answer == "infeasible":
            assert t > best_worst
            proven_above.append(t)
        chosen = configs.dive(t, Deadline(None))
        if chosen is not None:
            assert (chosen.sum(axis=1) == 2).all() and (
                chosen.sum(axis=0) <= caps
            ).all()
            assert (scores * chosen).sum(axis=1).min() >= t - 1e-12
    assert configs.probe(best_worst, Deadline(None)).status != "infeasible"
    assert proven_above and min(proven_above) <= best_worst + 0.3
    bound = configs.max_total(best_worst - 1e-9, Deadline(None))
    assert total_at_worst - TOL <= bound < np.inf


def test_reassign_keeps_counts_capacities_and_floors():
    rng = np.random.default_rng(21)
    aff = correlated_frame(rng, 12, 9).to_numpy()
    caps = np.full(9, 5)
    allowed = rng.random(aff.shape) > 0.1
    start = np.zeros(aff.shape, dtype=bool)
    load = np.zeros(9, dtype=int)
    for p in range(12):  # a feasible start: allowed coaches with room
        for j in np.argsort(-aff[p]):
            if allowed[p, j] and load[j] < caps[j] and start[p].sum() < 3:
                start[p, j] = True
                load[j] += 1
    assert (start.sum(axis=1) == 3).all()
    lifted = reassign.lift(aff, allowed, caps, start, 3, Deadline(None))
    floor = (aff * lifted).sum(axis=1).min()
    raised = reassign.raise_total(aff, allowed, caps, lifted, 3, floor, Deadline(None))
    for x in (lifted, raised):
        assert (x.sum(axis=1) == 3).all() and (x.sum(axis=0) <= caps).all()
        assert not (x & ~allowed).any()
    assert floor >= (aff * start).sum(axis=1).min()
    assert (aff * raised).sum(axis=1).min() >= floor
    assert (aff * raised).sum() >= (aff * lifted).sum()


@pytest.mark.parametrize("mode", ["total", "equitable"])
def test_brute_force_with_quota_and_multi_type_coaches(mode):
    """Coaches with two quota types break total unimodularity: milp fallback."""
    rng = np.random.default_rng(7)
    aff = frame(rng.random((3, 5)))
    cap = pd.Series([1, 2, 2, 1, 2], index=aff.columns)
    types = {
        "C1": ["banquier/financeur", "élu"],
        "C2": "banquier/financeur",
        "C3": [],
        "C4": "Élu",
        "C5": ["élu"],
    }
    quotas = {"Banquier/Financeur": 1, "elu": 1}
    folded = {
        c: {fold(t) for t in ([v] if isinstance(v, str) else v)}
        for c, v in types.items()
    }
    best_total, best_fair = brute_force(
        aff, 2, cap, types=folded, quotas={fold(k): q for k, q in quotas.items()}
    )
    result = assign(
        aff,
        per_project=2,
        capacity=cap,
        quotas=quotas,
        coach_types=pd.Series(types),
        mode=mode,
    )
    assert_valid(
        result, aff, per_project=2, capacity=cap, quotas=quotas, coach_types=types
    )
    if mode == "total":
        assert result.total == pytest.approx(best_total, abs=TOL)
    else:
        assert (result.worst_project, result.total) == pytest.approx(best_fair, abs=TOL)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_total_mode_against_direct_milp(seed):
    rng = np.random.default_rng(seed)
    aff, cap = random_instance(rng, 12, 20, 3, slack=4)
    result = assign(aff, per_project=3, capacity=cap)
    assert_valid(result, aff, capacity=cap)
    total, _ = reference_milp(aff, 3, cap.to_numpy(), "total")
    assert result.total == pytest.approx(total, abs=TOL)
    assert result.stages[-1]["solver"] == "flow"  # no side rows: min-cost flow


@pytest.mark.parametrize("seed", [21, 22])
def test_equitable_mode_against_direct_milp(seed):
    rng = np.random.default_rng(seed)
    aff, cap = random_instance(rng, 8, 14, 3, slack=2)
    result = assign(aff, per_project=3, capacity=cap, mode="equitable")
    assert_valid(result, aff, capacity=cap)
    total, worst = reference_milp(aff, 3, cap.to_numpy(), "equitable")
    assert result.worst_project == pytest.approx(worst, abs=TOL)
    assert result.total == pytest.approx(total, abs=TOL)


def test_large_total_mode_column_generation_matches_full_lp():
    """Column generation (seeded with each project's best coaches) is exact."""
    rng = np.random.default_rng(5)
    aff, cap = random_instance(rng, 60, 80, 3, slack=10)
    cap[:] = np.maximum(cap.to_numpy() // 2, 1)  # tight: best coaches saturate
    while cap.sum() < 180:
        cap.iloc[int(rng.integers(80))] += 1
    result = assign(aff, per_project=3, capacity=cap)
    assert_valid(result, aff, capacity=cap)
    total, _ = reference_milp(aff, 3, cap.to_numpy(), "total")
    assert result.total == pytest.approx(total, abs=TOL)


def test_sparse_scores_with_many_zeros_equitable():
    """Zero-affinity pairs are continuous in the MILP, then made integral."""
    rng = np.random.default_rng(3)
    aff, cap = random_instance(rng, 8, 14, 3, zeros=0.7)
    for mode in ("total", "equitable"):
        result = assign(aff, per_project=3, capacity=cap, mode=mode)
        assert_valid(result, aff, capacity=cap)
    total, worst = reference_milp(aff, 3, cap.to_numpy(), "equitable")
    assert result.worst_project == pytest.approx(worst, abs=TOL)
    assert result.total == pytest.approx(total, abs=TOL)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_p=st.integers(1, 6),
    n_c=st.integers(3, 9),
    k=st.integers(1, 3),
)
def test_property_total_beats_greedy_and_fair_beats_total_on_worst(seed, n_p, n_c, k):
    rng = np.random.default_rng(seed)
    k = min(k, n_c)
    aff, cap = random_instance(rng, n_p, n_c, k, slack=int(rng.integers(0, 3)))
    tot = assign(aff, per_project=k, capacity=cap)
    fair = assign(aff, per_project=k, capacity=cap, mode="equitable")
    for result in (tot, fair):
        assert_valid(result, aff, per_project=k, capacity=cap)
    assert fair.worst_project >= tot.worst_project - TOL
    assert fair.total <= tot.total + TOL
    try:
        greedy = greedy_assign(aff, per_project=k, capacity=cap)
    except InfeasibleError:
        return  # the heuristic may get stuck; the exact method did not
    assert_valid(greedy, aff, per_project=k, capacity=cap)
    assert tot.total >= greedy.total - TOL


# ---------------------------------------------------------------------------
# Hard and soft constraints
# ---------------------------------------------------------------------------


def test_forbidden_and_forced_in_every_mode():
    rng = np.random.default_rng(1)
    aff, cap = random_instance(rng, 6, 10, 3, slack=6)
    best = aff.stack().idxmax()
    worst = aff.stack().idxmin()
    forbidden = {best, ("P2", "C1"), ("P2", "C2")}
    forced = {worst, ("P6", "C10")}
    kwargs = {
        "per_project": 3,
        "capacity": cap,
        "forbidden": forbidden,
        "forced": forced,
    }
    for mode in ("total", "equitable"):
        assert_valid(assign(aff, mode=mode, **kwargs), aff, **kwargs)
    assert_valid(greedy_assign(aff, **kwargs), aff, **kwargs)


def test_forced_pair_outside_the_first_lp_columns_is_kept():
    """Equitable, bipartite, forced pairs: the total stage's LP starts on each
    project's best columns; a forced pair left out of them used to be fixed
    at 0 (a RuntimeError on the result). It now always enters the LP."""
    rng = np.random.default_rng(102)
    aff = frame(rng.random((25, 35)))
    cap = pd.Series(rng.integers(2, 5, 35), index=aff.columns)
    kwargs = {
        "per_project": 3,
        "capacity": cap,
        "forced": {("P2", "C2"), ("P3", "C2")},
        "forbidden": {("P4", "C5")},
    }
    result = assign(aff, mode="equitable", **kwargs)
    assert_valid(result, aff, **kwargs)
    assert result.status == "optimal"


def test_quota_is_met_and_costs_affinity():
    aff = frame([[0.9, 0.8, 0.1], [0.9, 0.7, 0.2]])
    types = pd.Series({"C1": "expert", "C2": "expert", "C3": "banquier/financeur"})
    cap = pd.Series({"C1": 2, "C2": 2, "C3": 2})
    free = assign(aff, per_project=2, capacity=cap)
    quota = assign(
        aff,
        per_project=2,
        capacity=cap,
        quotas={"banquier/financeur": 1},
        coach_types=types,
    )
    assert "C3" not in set(free.pairs.id_coach)
    assert (quota.pairs.id_coach == "C3").sum() == 2
    assert quota.total == pytest.approx(0.9 + 0.1 + 0.9 + 0.2)


def test_domain_coverage_is_maximised_first():
    """Hand-computed. Four coaches, capacity 1, two per project.

    Without coverage: P1 {C1, C2} = 1.7, P2 {C3, C4} = 1.0. P1 needs a lawyer
    (C3 only): P1 {C1, C3} = 1.0, P2 {C2, C4} = 0.5 is then the best, for
    both modes (worst 0.5; P1 {C2, C3} + P2 {C1, C4} ties on it, total 1.4).
    """
    aff = frame([[0.9, 0.8, 0.1, 0.0], [0.0, 0.0, 0.5, 0.5]])
    needs = {"P1": ["Juridique", "financement"], "P2": ["marketing"]}
    domains = {"C1": ["financement"], "C2": [], "C3": ["juridique"], "C4": []}
    plain = assign(aff, per_project=2, capacity=1)
    assert plain.total == pytest.approx(2.7)
    for mode in ("total", "equitable"):
        covered = assign(
            aff,
            per_project=2,
            capacity=1,
            project_needs=needs,
            coach_domains=pd.Series(domains),
            mode=mode,
        )
        chosen = set(zip(covered.pairs.id_projet, covered.pairs.id_coach, strict=True))
        assert chosen == {("P1", "C1"), ("P1", "C3"), ("P2", "C2"), ("P2", "C4")}
        assert covered.uncovered == [("P2", "marketing")]  # nobody offers it
        assert covered.stages[0]["stage"] == "couverture"
        assert covered.stages[0]["value"] == 2
        assert_valid(covered, aff, per_project=2, capacity=1)


def test_domain_coverage_is_soft():
    # Only one lawyer with capacity 1 for two projects needing one: no error.
    aff = frame([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]])
    result = assign(
        aff,
        per_project=1,
        capacity=pd.Series({"C1": 1, "C2": 1, "C3": 1}),
        project_needs={"P1": ["juridique"], "P2": ["juridique"]},
        coach_domains={"C1": ["juridique"]},
    )
    assert len(result.uncovered) == 1
    with pytest.raises(ValueError, match="à la fois project_needs et coach_domains"):
        assign(aff, per_project=1, capacity=1, project_needs={"P1": ["x"]})


def solve_error_instance():
    """The instance on which HiGHS ended the maximin MILP on a "Solve error"."""
    folder = DATA / "highs_solve_error"
    aff = pd.read_csv(folder / "affinity.csv", index_col=0)
    cap = pd.read_csv(folder / "capacity.csv", index_col=0).iloc[:, 0]
    rest = json.loads((folder / "rest.json").read_text(encoding="utf-8"))
    kwargs = {
        "per_project": 3,
        "capacity": cap,
        "forbidden": [tuple(pair) for pair in rest["forbidden"]],
        "mode": "equitable",
        "project_needs": rest["project_needs"],
        "coach_domains": rest["coach_domains"],
    }
    return aff, kwargs


def assert_proven_optimal(result):
    assert result.status == "optimal" and result.gap is None
    assert [s["stage"] for s in result.stages] == ["couverture", "equite", "total"]
    for stage in result.stages:
        assert stage["status"] == "optimal", stage
        assert stage["gap"] == 0.0
    fair = result.stages[1]
    assert result.worst_project == pytest.approx(fair["bound"], rel=1e-9, abs=0)
    assert result.worst_project == pytest.approx(fair["value"], rel=1e-9, abs=0)
    assert result.stages[0]["value"] == result.stages[0]["bound"] == 21


def test_highs_solve_error_instance_is_proven_optimal():
    """Regression: the coverage count kept as ``Σ y ≥ 21 - 1e-6`` let HiGHS
    shave 1e-6 off two continuous coverage variables and reject its own
    maximin solution (scipy status 4); ``assign`` reported a 13 % gap.
    Maximin bound with capacities ignored: 0.9110604681616…, reached."""
    aff, kwargs = solve_error_instance()
    result = assign(aff, **kwargs)
    assert_proven_optimal(result)
    assert_valid(
        result,
        aff,
        capacity=kwargs["capacity"],
        forbidden=set(kwargs["forbidden"]),
    )
    assert len(result.uncovered) == 24 - 21
    # Without coverage the maximin is higher or equal, never lower.
    free = {
        k: v for k, v in kwargs.items() if k not in {"project_needs", "coach_domains"}
    }
    assert assign(aff, **free).worst_project >= result.worst_project - TOL
    # Deterministic.
    again = assign(aff, **kwargs)
    pd.testing.assert_frame_equal(result.pairs, again.pairs)


def test_solve_error_is_retried_with_other_highs_options(monkeypatch):
    """With the old 1e-6 coverage margin HiGHS fails; the retry proves it."""
    aff, kwargs = solve_error_instance()
    expected = assign(aff, **kwargs)
    seen = []

    def recording_milp(*args, **kw):
        res = milp(*args, **kw)
        seen.append((dict(kw["options"]), res.status))
        return res

    monkeypatch.setattr(lexicographic, "COVERAGE_SLACK", 1e-6)
    monkeypatch.setattr(milp_layer, "milp", recording_milp)
    result = assign(aff, **kwargs)
    assert_proven_optimal(result)
    assert result.worst_project == pytest.approx(expected.worst_project, rel=1e-9)
    # A failing solve is followed by one with the next option set.
    for (options, status), (after, _) in itertools.pairwise(seen):
        if status == 4:
            assert after != options


def test_solve_error_retry_order_and_give_up(monkeypatch):
    """Every option set is tried in turn; if all fail, the stage is a gap."""
    # Without the configuration LP, which proves this max-min value alone.
    monkeypatch.setattr(bipartite, "_MAX_PROBES", 0)
    rng = np.random.default_rng(4)
    aff, cap = random_instance(rng, 6, 10, 2, slack=3)
    exact = assign(aff, per_project=2, capacity=cap, mode="equitable")
    tried = []

    def failing_milp(*_args, **kw):
        tried.append({k: v for k, v in kw["options"].items() if k != "mip_rel_gap"})
        return OptimizeResult(status=4, x=None, mip_dual_bound=None, fun=None)

    monkeypatch.setattr(milp_layer, "milp", failing_milp)
    result = assign(aff, per_project=2, capacity=cap, mode="equitable")
    assert tried[: len(milp_layer.RETRY_OPTIONS)] == [
        {"presolve": True},
        {"presolve": False},
        {"presolve": True, "random_seed": 1},
        {"presolve": True, "random_seed": 2},
    ]
    assert_valid(result, aff, per_project=2, capacity=cap)
    assert result.stages[0]["stage"] == "equite"
    assert result.stages[0]["status"] == "gap"
    assert exact.worst_project <= result.stages[0]["bound"] + TOL

    def flaky_milp(*args, **kw):
        if kw["options"]["presolve"] and "random_seed" not in kw["options"]:
            return OptimizeResult(status=4, x=None, mip_dual_bound=None, fun=None)
        return milp(*args, **kw)

    monkeypatch.setattr(milp_layer, "milp", flaky_milp)
    retried = assign(aff, per_project=2, capacity=cap, mode="equitable")
    assert retried.status == "optimal"
    assert retried.worst_project == pytest.approx(exact.worst_project, rel=1e-9)
    assert retried.total == pytest.approx(exact.total, rel=1e-9)


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["total", "equitable"])
def test_deterministic_and_independent_of_row_order(mode):
    rng = np.random.default_rng(9)
    aff, cap = random_instance(rng, 8, 12, 3, zeros=0.5)  # many ties
    first = assign(aff, per_project=3, capacity=cap, mode=mode)
    again = assign(aff, per_project=3, capacity=cap, mode=mode)
    pd.testing.assert_frame_equal(first.pairs, again.pairs)
    shuffled = aff.sample(frac=1, random_state=np.random.default_rng(1)).sample(
        frac=1, axis=1, random_state=np.random.default_rng(2)
    )
    other = assign(shuffled, per_project=3, capacity=cap.iloc[::-1], mode=mode)
    pd.testing.assert_frame_equal(first.pairs, other.pairs)


# ---------------------------------------------------------------------------
# Infeasibility diagnoses
# ---------------------------------------------------------------------------


def diagnostics_of(*args, **kwargs):
    with pytest.raises(InfeasibleError) as info:
        assign(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith("Affectation impossible :")
    return info.value.diagnostics


def test_diagnosis_total_capacity():
    aff = frame(np.ones((15, 13)))
    cap = pd.Series([4] * 13, index=aff.columns)
    msgs = diagnostics_of(aff, per_project=4, capacity=cap)
    assert msgs == [
        "Capacité totale des coachs (52) inférieure au besoin minimal "
        "(15 projets × 4 = 60) : ajoutez 8 places ou réduisez le minimum par projet."
    ]


def test_diagnosis_project_with_too_few_possible_coaches():
    aff = frame(np.ones((7, 6)), projects=[f"P{i:02d}" for i in range(1, 8)])
    forbidden = {("P07", c) for c in ["C1", "C2", "C3", "C4"]}
    msgs = diagnostics_of(aff, per_project=3, capacity=5, forbidden=forbidden)
    assert msgs == [
        "Le projet P07 n'a que 2 coachs possibles (conflits/organisation) "
        "pour un minimum de 3."
    ]
    forbidden |= {("P07", "C5")}
    msgs = diagnostics_of(aff, per_project=3, capacity=5, forbidden=forbidden)
    assert "Le projet P07 n'a qu'un coach possible" in msgs[0]


def test_diagnosis_quota_capacity():
    aff = frame(np.ones((15, 30)))
    types = pd.Series("expert", index=aff.columns)
    types["C7"] = "Banquier/financeur"
    msgs = diagnostics_of(
        aff,
        per_project=3,
        capacity=2,
        quotas={"banquier/financeur": 1},
        coach_types=types,
    )
    assert msgs == [
        "Quota « banquier/financeur » impossible : 1 seul coach de ce type "
        "pour 15 projets (capacité 2)."
    ]
    msgs = diagnostics_of(
        aff,
        per_project=3,
        capacity=2,
        quotas={"élu": 2, "expert": 2},
        coach_types=types,
    )
    assert any("Quota « élu » impossible : aucun coach" in m for m in msgs)
    assert any("Les quotas demandent 4 coachs par projet" in m for m in msgs)


def test_diagnosis_forced_pairs():
    aff = frame(np.ones((3, 5)))
    msgs = diagnostics_of(
        aff,
        per_project=1,
        capacity=1,
        forced={("P1", "C1"), ("P1", "C2"), ("P2", "C1")},
        forbidden={("P2", "C1")},
    )
    assert any("(P2, C1) est à la fois imposé et interdit" in m for m in msgs)
    assert any(
        "Le projet P1 a 2 coachs imposés pour un maximum de 1" in m for m in msgs
    )
    assert any(
        "Le coach C1 est imposé sur 2 projets pour une capacité de 1" in m for m in msgs
    )


def test_diagnosis_after_solver_names_the_short_group():
    # Counts look fine, but P1 and P2 can only use C1 and C2 (capacity 1 each).
    aff = frame(np.ones((3, 4)))
    msgs = diagnostics_of(
        aff,
        per_project=2,
        capacity=pd.Series({"C1": 1, "C2": 1, "C3": 2, "C4": 2}),
        forbidden={(p, c) for p in ("P1", "P2") for c in ("C3", "C4")},
    )
    assert msgs == [
        "Les projets P1 et P2 demandent ensemble au moins 4 coachs (hors binômes "
        "imposés) mais ne peuvent en recevoir que 2 avec les coachs qui leur sont "
        "possibles : augmentez les capacités de ces coachs ou levez des conflits."
    ]


def test_diagnosis_when_only_the_solver_can_tell():
    # Each quota alone is fine, together they exhaust the only flexible coach.
    aff = frame(np.ones((2, 3)))
    types = pd.Series({"C1": ["a", "b"], "C2": "a", "C3": "b"})
    msgs = diagnostics_of(
        aff,
        per_project=1,
        capacity=pd.Series({"C1": 1, "C2": 1, "C3": 1}),
        quotas={"a": 1, "b": 1},
        coach_types=types,
    )
    assert msgs[0].startswith("Aucune affectation ne respecte toutes les contraintes")


def test_invalid_arguments_in_french():
    aff = frame(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Capacité manquante pour les coachs : C3"):
        assign(aff, per_project=1, capacity=pd.Series({"C1": 1, "C2": 1}))
    with pytest.raises(ValueError, match="entier positif ou nul"):
        assign(aff, per_project=1, capacity=-1)
    with pytest.raises(ValueError, match="per_project doit être"):
        assign(aff, per_project=(3, 1), capacity=1)
    with pytest.raises(ValueError, match="projet inconnu « P9 »"):
        assign(aff, per_project=1, capacity=1, forbidden={("P9", "C1")})
    with pytest.raises(ValueError, match="fournissez coach_types"):
        assign(aff, per_project=1, capacity=1, quotas={"a": 1})
    with pytest.raises(ValueError, match="Affinités manquantes"):
        assign(frame([[np.nan, 1, 1]]), per_project=1, capacity=1)
    with pytest.raises(ValueError, match="time_limit"):
        assign(aff, per_project=1, capacity=1, time_limit=0)


# ---------------------------------------------------------------------------
# Time limits and the greedy baseline
# ---------------------------------------------------------------------------


def fake_timeout(*_args, **_kwargs):
    """A milp() that hits its time limit before finding any solution."""
    return OptimizeResult(status=1, x=None, mip_dual_bound=None, fun=None)


def test_time_limit_keeps_incumbent_and_reports_gap(monkeypatch):
    # Without the configuration LP, which proves this max-min value alone.
    monkeypatch.setattr(bipartite, "_MAX_PROBES", 0)
    rng = np.random.default_rng(4)
    aff, cap = random_instance(rng, 6, 10, 2, slack=3)
    exact = assign(aff, per_project=2, capacity=cap, mode="equitable")
    monkeypatch.setattr(milp_layer, "milp", fake_timeout)
    result = assign(aff, per_project=2, capacity=cap, mode="equitable", time_limit=1)
    assert_valid(result, aff, per_project=2, capacity=cap)
    assert result.status == "gap"
    assert result.stages[0]["stage"] == "equite"
    assert result.gap == result.stages[0]["gap"]
    assert 0 <= result.gap < 1
    # The bound is valid: the true optimum lies below it.
    assert exact.worst_project <= result.stages[0]["bound"] + TOL


def test_time_limit_without_any_solution(monkeypatch):
    aff = frame([[0.5, 0.4], [0.3, 0.2]])
    monkeypatch.setattr(milp_layer, "milp", fake_timeout)
    with pytest.raises(InfeasibleError, match="temps imparti"):
        assign(
            aff,
            per_project=1,
            capacity=1,
            project_needs={"P1": ["x"]},
            coach_domains={"C1": ["x"]},
            time_limit=1,
        )


def test_real_time_limit_returns_a_valid_assignment():
    rng = np.random.default_rng(8)
    aff, cap = random_instance(rng, 40, 60, 3, slack=5)
    result = assign(aff, per_project=3, capacity=cap, mode="equitable", time_limit=0.2)
    assert_valid(result, aff, capacity=cap)
    assert result.status in {"optimal", "gap"}
    if result.status == "gap":
        assert result.gap is not None and not result.gap < 0


def test_greedy_is_a_documented_heuristic():
    aff = frame([[0.9, 0.8, 0.2], [0.85, 0.1, 0.05]])
    greedy = greedy_assign(aff, per_project=1, capacity=1)
    assert greedy.status == "heuristique" and greedy.mode == "glouton"
    assert greedy.total == pytest.approx(0.9 + 0.1)  # exact: 1.65
    # Greedy can get stuck where the exact method succeeds.
    aff = frame([[0.9, 0.8], [0.7, 0.0]])
    forbidden = {("P2", "C2")}
    with pytest.raises(InfeasibleError, match="heuristique gloutonne"):
        greedy_assign(aff, per_project=1, capacity=1, forbidden=forbidden)
    exact = assign(aff, per_project=1, capacity=1, forbidden=forbidden)
    assert exact.total == pytest.approx(1.5)


# ---------------------------------------------------------------------------
# mitlib.solve.flows: the flow helpers behind the fast routes
# ---------------------------------------------------------------------------


def _pairs_of(scores):
    ep, ec = np.nonzero(np.ones(scores.shape, dtype=bool))
    return ep, ec, scores[ep, ec]


@pytest.mark.parametrize("seed", range(4))
def test_flows_best_bmatching_certified_against_milp(seed):
    """Min-cost flow on partitioned candidates + pricing = the LP optimum."""
    rng = np.random.default_rng(200 + seed)
    aff, cap = random_instance(rng, 30, 40, 3, slack=5)
    scores = aff.to_numpy()
    ep, ec, w = _pairs_of(scores)
    n_p, n_c = scores.shape
    res = flows.best_bmatching(
        n_p, n_c, ep, ec, w, np.full(n_p, 3), np.full(n_p, 3), cap.to_numpy(), width=4
    )
    total, _ = reference_milp(aff, 3, cap.to_numpy(), "total")
    assert res.value == pytest.approx(total, abs=TOL)
    assert res.value <= res.bound <= res.value + 1e-6
    assert np.bincount(ep[res.x], minlength=n_p).tolist() == [3] * n_p
    assert (np.bincount(ec[res.x], minlength=n_c) <= cap.to_numpy()).all()


def test_flows_top_columns_is_a_per_row_partition():
    rng = np.random.default_rng(1)
    scores = rng.random((5, 9))
    ep, _, w = _pairs_of(scores)
    mask = flows.top_columns(ep, w, 5, 3).reshape(5, 9)
    expected = scores >= np.sort(scores, axis=1)[:, [-3]]
    assert (mask == expected).all()
    # Ragged rows (forbidden pairs) take the per-row path.
    keep = rng.random(45) < 0.7
    mask = flows.top_columns(ep[keep], w[keep], 5, 2)
    for i in range(5):
        row = w[keep][ep[keep] == i]
        assert mask[ep[keep] == i].sum() == min(2, len(row))


@pytest.mark.parametrize("seed", range(4))
def test_flows_bounds_and_heuristics_on_brute_force(seed):
    """threshold_bound and maximin_dual bound the brute-force max-min value
    from above; lift_worst and raise_total keep every count and floor."""
    rng = np.random.default_rng(300 + seed)
    aff = correlated_frame(rng, 4, 6) if seed % 2 else frame(rng.random((4, 6)))
    cap = pd.Series([2, 2, 1, 2, 1, 2], index=aff.columns)
    _, (best_worst, _) = brute_force(aff, 2, cap)
    scores, caps = aff.to_numpy(), cap.to_numpy()
    ep, ec, w = _pairs_of(scores)
    res = flows.best_bmatching(4, 6, ep, ec, w, np.full(4, 2), np.full(4, 2), caps)
    start = (scores * res.x.reshape(4, 6)).sum(axis=1).min()
    best_k = np.sort(scores, axis=1)[:, -2:].sum(axis=1).min()
    tight = flows.threshold_bound(4, 6, ep, ec, w, 2, caps, start, best_k)
    assert best_worst - TOL <= tight <= best_k
    dual = flows.maximin_dual(4, 6, ep, ec, w, np.full(4, 2), np.full(4, 2), caps)
    assert dual >= best_worst - TOL
    allowed, fixed = np.ones((4, 6), bool), np.zeros((4, 6), bool)
    lifted = flows.lift_worst(scores, allowed, fixed, res.x.reshape(4, 6), caps)
    raised = flows.raise_total(
        scores, allowed, fixed, lifted, caps, (scores * lifted).sum(axis=1).min()
    )
    for x in (lifted, raised):
        assert (x.sum(axis=1) == 2).all() and (x.sum(axis=0) <= caps).all()
    worst = (scores * lifted).sum(axis=1).min()
    assert start - 1e-12 <= worst <= best_worst + TOL
    assert (scores * raised).sum(axis=1).min() >= worst - 1e-12
    assert (scores * raised).sum() >= (scores * lifted).sum() - 1e-12
