"""Tests for the shared optimisation layer: mitlib.solve.milp and mitlib.solve.hall."""

import itertools

import networkx as nx
import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import OptimizeResult, milp

import mitlib.solve.milp as milp_layer
from mitlib.solve.hall import HallViolation, hall_violation
from mitlib.solve.milp import (
    ERROR,
    INFEASIBLE,
    OPTIMAL,
    Deadline,
    Rows,
    is_integral,
    maximize,
    milp_seconds,
    relative_gap,
    solve_lp,
    solve_milp,
)

# max 5x + 4y  s.t.  6x + 4y ≤ 24,  x + 2y ≤ 6,  0 ≤ x, y ≤ 10.
# LP optimum (3, 1.5) = 21; integer optimum (4, 0) = 20.
OBJ = np.array([5.0, 4.0])
A = sparse.csr_matrix([[6.0, 4.0], [1.0, 2.0]])
LB = np.array([-np.inf, -np.inf])
UB = np.array([24.0, 6.0])
VAR_LB, VAR_UB = np.zeros(2), np.full(2, 10.0)


def test_solve_milp_known_optimum():
    out = solve_milp(OBJ, A, LB, UB, VAR_LB, VAR_UB, np.array([True, True]))
    assert out.status == OPTIMAL
    assert out.solver == "milp"
    assert out.x.tolist() == [4.0, 0.0]
    assert out.value == pytest.approx(20.0)
    assert 20.0 - 1e-6 <= out.bound <= 21.0 + 1e-9


def test_solve_milp_without_integers_is_the_lp():
    out = solve_milp(OBJ, A, LB, UB, VAR_LB, VAR_UB, np.array([False, False]))
    assert out.status == OPTIMAL
    assert out.x == pytest.approx([3.0, 1.5])
    assert out.value == pytest.approx(21.0)


@pytest.mark.parametrize("seed", [None, np.array([True, False])])
def test_solve_lp_known_optimum_and_column_generation(seed):
    out = solve_lp(OBJ, A, LB, UB, VAR_LB, VAR_UB, seed=seed)
    assert out.status == OPTIMAL
    assert out.solver == "lp"
    assert out.x == pytest.approx([3.0, 1.5])
    assert out.bound == pytest.approx(21.0)


def test_infeasible_status_everywhere():
    a = sparse.csr_matrix([[1.0, 1.0]])
    lb, ub = np.array([3.0]), np.array([np.inf])
    ones = np.ones(2)
    integer = np.array([True, True])
    assert solve_milp(OBJ, a, lb, ub, np.zeros(2), ones, integer).status == INFEASIBLE
    lp = solve_lp(OBJ, a, lb, ub, np.zeros(2), ones, seed=np.array([True, False]))
    assert lp.status == INFEASIBLE and lp.x is None
    rows = Rows()
    rows.add(a, lb, ub)
    for try_lp in (True, False):
        out = maximize(OBJ, rows, np.zeros(2), ones, integer, None, try_lp)
        assert out.status == INFEASIBLE and out.x is None


def test_maximize_integral_lp_vertex_skips_the_milp(monkeypatch):
    """A totally unimodular system: the LP vertex is integral, no MILP runs."""

    def no_milp(*_args, **_kwargs):
        raise AssertionError("milp should not be called")

    monkeypatch.setattr(milp_layer, "milp", no_milp)
    rows = Rows()
    rows.add(sparse.csr_matrix([[1.0, 1.0, 1.0]]), [-np.inf], [2.0])
    out = maximize(
        np.array([3.0, 1.0, 2.0]), rows, np.zeros(3), np.ones(3), np.ones(3, bool),
        None, True,
    )  # fmt: skip
    assert (out.status, out.solver, out.x.tolist()) == (OPTIMAL, "lp", [1, 0, 1])
    assert out.bound == pytest.approx(5.0)


def test_maximize_fractional_lp_falls_back_to_milp_bounded_by_lp():
    rows = Rows()
    rows.add(A, LB, UB)
    out = maximize(OBJ, rows, VAR_LB, VAR_UB, np.array([True, True]), None, True)
    assert (out.status, out.solver, out.x.tolist()) == (OPTIMAL, "milp", [4.0, 0.0])
    assert 20.0 - 1e-6 <= out.bound <= 21.0 + 1e-9


def test_solve_error_retried_then_time_limit_without_solution(monkeypatch):
    tried = []

    def flaky(*args, **kw):
        tried.append(dict(kw["options"]))
        if len(tried) == 1:
            return OptimizeResult(status=4, x=None, mip_dual_bound=None, fun=None)
        return milp(*args, **kw)

    monkeypatch.setattr(milp_layer, "milp", flaky)
    out = solve_milp(OBJ, A, LB, UB, VAR_LB, VAR_UB, np.array([True, True]))
    assert out.status == OPTIMAL and out.x.tolist() == [4.0, 0.0]
    assert [t.get("presolve") for t in tried] == [True, False]
    assert all(t["mip_rel_gap"] == 0.0 for t in tried)

    def timeout(*_args, **kw):
        assert kw["options"]["time_limit"] >= milp_layer.MIN_SECONDS
        return OptimizeResult(status=1, x=None, mip_dual_bound=None, fun=None)

    monkeypatch.setattr(milp_layer, "milp", timeout)
    out = solve_milp(OBJ, A, LB, UB, VAR_LB, VAR_UB, np.ones(2, bool), seconds=1)
    assert out.status == ERROR and out.x is None and np.isnan(out.bound)


def test_rows_widen_narrower_blocks():
    rows = Rows()
    rows.add(sparse.csr_matrix([[1.0]]), [0.0], [1.0])
    more = rows.plus(sparse.csr_matrix([[1.0, 1.0]]), [1.0], [2.0])
    assert len(rows.blocks) == 1  # plus() copies
    a, lb, ub = more.stacked(3)
    assert a.toarray().tolist() == [[1, 0, 0], [1, 1, 0]]
    assert lb.tolist() == [0.0, 1.0] and ub.tolist() == [1.0, 2.0]
    a, lb, ub = Rows().stacked(2)
    assert a.shape == (0, 2) and len(lb) == len(ub) == 0


def test_small_helpers():
    assert is_integral(np.array([0.0, 1.0 - 1e-7, 2.0]))
    assert not is_integral(np.array([0.5]))
    assert relative_gap(10.0, 9.0) == pytest.approx(0.1)
    assert relative_gap(10.0, 11.0) == 0.0
    assert np.isnan(relative_gap(np.inf, 1.0))
    assert Deadline(None).left() is None
    assert Deadline(0.0).left() == milp_layer.MIN_SECONDS
    assert 0.05 < Deadline(100.0).left() <= 100.0
    assert milp_seconds(None, 5) is None
    assert milp_seconds(10.0, 1000) == pytest.approx(10.0 - 0.016)


# ---------------------------------------------------------------------------
# Hall's condition
# ---------------------------------------------------------------------------


def test_hall_known_violating_set():
    # Communes 0, 1, 2 share periods 0 and 1; commune 3 has period 2.
    allowed = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], dtype=bool)
    assert hall_violation(allowed) == HallViolation([0, 1, 2], [0, 1], 3, 2)
    assert hall_violation(allowed[1:]) is None


def test_hall_with_demands_and_capacities():
    # Two projects wanting 2 coaches each, both limited to coaches 0 and 1
    # (capacity 1 each); project 2 has its own coaches.
    allowed = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]], dtype=bool)
    demand, capacity = np.array([2, 2, 2]), np.array([1, 1, 1, 1])
    v = hall_violation(allowed, demand, capacity)
    assert (v.left, v.demand, v.supply) == ([0, 1], 4, 2)
    assert hall_violation(allowed, demand, np.array([2, 2, 1, 1])) is None
    # A project without any possible coach, and no coach at all.
    assert hall_violation(np.zeros((2, 0), bool)) == HallViolation([0, 1], [], 2, 0)
    assert hall_violation(np.zeros((2, 3), bool), np.array([0, 0])) is None


def _alternating_set(allowed):
    """König's set from a maximum matching (attribution's former algorithm)."""
    n_l, n_r = allowed.shape
    graph = nx.Graph()
    left = [("c", i) for i in range(n_l)]
    graph.add_nodes_from(left)
    graph.add_nodes_from(("p", j) for j in range(n_r))
    graph.add_edges_from(
        (("c", i), ("p", j)) for i, j in zip(*np.nonzero(allowed), strict=True)
    )
    matching = nx.bipartite.hopcroft_karp_matching(graph, top_nodes=left)
    frontier = [u for u in left if u not in matching]
    seen_c, seen_p = set(frontier), set()
    while frontier:
        u = frontier.pop()
        for p in graph[u]:
            if p not in seen_p:
                seen_p.add(p)
                mate = matching.get(p)
                if mate is not None and mate not in seen_c:
                    seen_c.add(mate)
                    frontier.append(mate)
    return sorted(i for _, i in seen_c), sorted(j for _, j in seen_p)


@pytest.mark.parametrize("seed", range(40))
def test_hall_unit_case_matches_koenig_and_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_l, n_r = int(rng.integers(1, 7)), int(rng.integers(0, 6))
    allowed = rng.random((n_l, n_r)) < 0.35
    # Hall's condition by brute force over every group of left vertices.
    fails = any(
        allowed[list(group)].any(axis=0).sum() < len(group)
        for size in range(1, n_l + 1)
        for group in itertools.combinations(range(n_l), size)
    )
    v = hall_violation(allowed)
    assert (v is not None) == fails
    if v is not None:
        neighbours = np.flatnonzero(allowed[v.left].any(axis=0)).tolist()
        assert v.right == neighbours
        assert len(neighbours) == v.supply < v.demand == len(v.left)
        assert (v.left, v.right) == _alternating_set(allowed)


def test_solve_lp_keeps_columns_with_a_positive_lower_bound():
    """A column left out of the seed is fixed at 0: never one that must be ≥ 1."""
    a = sparse.csr_matrix([[1.0, 1.0]])
    out = solve_lp(
        np.array([1.0, 0.0]), a, np.array([-np.inf]), np.array([1.0]),
        np.array([0.0, 1.0]), np.ones(2), seed=np.array([True, False]),
    )  # fmt: skip
    assert out.status == OPTIMAL and out.x.tolist() == [0.0, 1.0]
