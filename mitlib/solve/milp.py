"""The one LP/MILP layer: HiGHS through :mod:`scipy.optimize`, one way for all.

Every linear or integer programme of mitlib (the theme attribution of
:mod:`mitlib.candidatures.attribution`, the coach assignment of
:mod:`mitlib.binomes.matching`) is solved here, with the same options,
tolerances and status vocabulary:

* :func:`solve_milp` maximises ``objective @ x`` over ``lb ≤ A x ≤ ub`` and
  ``var_lb ≤ x ≤ var_ub``, the variables flagged ``integer`` being integral,
  by :func:`scipy.optimize.milp` with no relative gap tolerance (HiGHS keeps
  its absolute one, 1e-6). Should HiGHS end on a "solve error" (its final
  check finding its own solution off by more than its tolerance), the solve
  is retried with each option set of :data:`RETRY_OPTIONS` in turn, fixed so
  the results stay deterministic. With no integer variable it solves the LP
  by HiGHS's default LP route.
* :func:`solve_lp` maximises the same kind of LP by the HiGHS dual simplex
  (:func:`scipy.optimize.linprog`; or its interior point method), by column
  generation (exact), and gives the row duals.
* :func:`maximize` tries the LP relaxation first (an integral optimal vertex
  is optimal for the integer programme), then the MILP.

Each returns an :class:`Outcome` whose ``status`` is one of :data:`OPTIMAL`,
:data:`GAP` (stopped, by a time limit, with a solution not proven optimal),
:data:`INFEASIBLE` or :data:`ERROR` (no solution: time limit before any,
unbounded, numerical failure; ``message`` says which).

Time budgets: :class:`Deadline` hands each solve what is left (at least
:data:`MIN_SECONDS`), :func:`milp_seconds` keeps aside what HiGHS overruns
on large models. :class:`Rows` stacks blocks of linear rows.

Examples
--------
>>> import numpy as np
>>> from scipy import sparse
>>> rows = sparse.csr_matrix([[1.0, 1.0]])
>>> out = solve_milp(np.array([2.0, 3.0]), rows, np.array([-np.inf]),
...                  np.array([1.0]), np.zeros(2), np.ones(2),
...                  np.array([True, True]))
>>> out.status, out.x.tolist(), out.value
('optimal', [0.0, 1.0], 3.0)
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

__all__ = [
    "ERROR",
    "GAP",
    "INFEASIBLE",
    "INTEGRALITY_TOLERANCE",
    "MILP_OPTIONS",
    "MILP_OVERRUN",
    "MIN_SECONDS",
    "OPTIMAL",
    "REDUCED_COST_TOLERANCE",
    "RETRY_OPTIONS",
    "Deadline",
    "Outcome",
    "Rows",
    "is_integral",
    "maximize",
    "milp_seconds",
    "relative_gap",
    "solve_lp",
    "solve_milp",
    "widen",
]

#: Statuses of an :class:`Outcome`.
OPTIMAL, GAP, INFEASIBLE, ERROR = "optimal", "gap", "infeasible", "error"

#: HiGHS options of every MILP: no relative gap tolerance, presolve on.
MILP_OPTIONS = {"mip_rel_gap": 0.0, "presolve": True}
#: HiGHS options tried in turn when a MILP ends in a "Solve error" (scipy
#: status 4); fixed, so the results stay deterministic.
RETRY_OPTIONS: tuple[dict, ...] = (
    {},
    {"presolve": False},
    {"random_seed": 1},
    {"random_seed": 2},
)
#: Largest distance to an integer of a value taken as integral.
INTEGRALITY_TOLERANCE = 1e-6
#: Reduced cost below which a column enters the LP (column generation).
REDUCED_COST_TOLERANCE = 1e-9
#: Shortest time limit given to a solve (seconds).
MIN_SECONDS = 0.05
#: Seconds per MILP column kept aside for HiGHS's overrun (see milp_seconds).
MILP_OVERRUN = 1.6e-5

# scipy statuses (milp and linprog).
_SCIPY_OPTIMAL, _SCIPY_INFEASIBLE, _SCIPY_SOLVE_ERROR = 0, 2, 4


@dataclass
class Outcome:
    """Result of a solve.

    Attributes
    ----------
    x : numpy.ndarray or None
        The solution (integer variables rounded by :func:`solve_milp`), None
        when ``status`` is ``"infeasible"`` or ``"error"``.
    status : str
        ``"optimal"``, ``"gap"``, ``"infeasible"`` or ``"error"``.
    bound : float
        Upper bound on the optimum (NaN if unknown).
    solver : str
        ``"lp"``, ``"milp"`` or the caller's own (``"flow"``).
    message : str
        The solver's message (why it stopped).
    value : float
        ``objective @ x`` as the solver reported it (NaN without ``x``).
    duals : numpy.ndarray or None
        For an optimal :func:`solve_lp`: one shadow price per row of ``a``
        (the rate at which the optimum grows with the row's bound: ``≥ 0``
        for a row binding at ``ub``, ``≤ 0`` at ``lb``); None otherwise.
    """

    x: np.ndarray | None
    status: str
    bound: float
    solver: str
    message: str = ""
    value: float = math.nan
    duals: np.ndarray | None = None


def is_integral(values: np.ndarray) -> bool:
    """Whether every value lies within :data:`INTEGRALITY_TOLERANCE` of an integer.

    >>> is_integral(np.array([1.0, 1e-9])), is_integral(np.array([0.5]))
    (True, False)
    """
    return bool(np.all(np.abs(values - np.round(values)) <= INTEGRALITY_TOLERANCE))


def solve_milp(
    objective, a, lb, ub, var_lb, var_ub, integer, *, seconds=None
) -> Outcome:
    """Maximise ``objective @ x``; variables where ``integer`` is true are integral.

    Parameters
    ----------
    objective : numpy.ndarray
        One coefficient per variable.
    a : sparse matrix
        Rows ``lb ≤ a x ≤ ub`` (may have no row).
    lb, ub : numpy.ndarray
        Row bounds (``-inf`` / ``inf`` for none).
    var_lb, var_ub : numpy.ndarray or float
        Variable bounds.
    integer : numpy.ndarray of bool
        Which variables are integral (all False: an LP).
    seconds : float, optional
        Time limit for all attempts together (at least :data:`MIN_SECONDS`
        each).

    Returns
    -------
    Outcome
        ``solver == "milp"``; ``bound`` is HiGHS's dual bound (NaN if none).
        ``"gap"`` when HiGHS stopped with a solution it did not prove.
    """
    integer = np.asarray(integer, dtype=bool)
    start = time.perf_counter()
    for extra in RETRY_OPTIONS:
        options = {**MILP_OPTIONS, **extra}
        if seconds is not None:
            used = time.perf_counter() - start
            options["time_limit"] = max(seconds - used, MIN_SECONDS)
        with warnings.catch_warnings():
            # scipy warns that it passes `random_seed` to HiGHS unchecked.
            warnings.filterwarnings(
                "ignore", "Unrecognized options", category=RuntimeWarning
            )
            res = milp(
                -objective,
                integrality=integer.astype(int) if integer.any() else None,
                bounds=Bounds(var_lb, var_ub),
                constraints=[LinearConstraint(a, lb, ub)] if a.shape[0] else None,
                options=options,
            )
        if res.status != _SCIPY_SOLVE_ERROR:
            break
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(-dual if dual is not None and np.isfinite(dual) else math.nan)
    message = str(getattr(res, "message", ""))
    if res.status == _SCIPY_INFEASIBLE:
        return Outcome(None, INFEASIBLE, bound, "milp", message)
    if res.x is None:
        return Outcome(None, ERROR, bound, "milp", message)
    x = res.x.copy()
    x[integer] = np.round(x[integer])
    status = OPTIMAL if res.status == _SCIPY_OPTIMAL else GAP
    value = -res.fun if res.fun is not None else math.nan
    return Outcome(x, status, bound, "milp", message, value)


def solve_lp(
    objective,
    a,
    lb,
    ub,
    var_lb,
    var_ub,
    *,
    seed=None,
    seconds=None,
    method="highs-ds",
):
    """Maximise ``objective @ x`` over ``lb ≤ a x ≤ ub`` by the HiGHS dual simplex.

    Column generation keeps large instances fast and the answer exact: the
    LP is first solved on the columns in ``seed`` (all by default) and those
    with a positive lower bound, the others fixed at 0; then every column
    whose reduced cost shows it could improve the objective is added, until
    none does; the last basic solution is then an optimal vertex of the full
    LP. If the restricted LP is infeasible, all columns are taken.
    ``method="highs-ipm"`` uses HiGHS's interior point method instead
    (followed by its crossover to a basic solution): much faster on large
    degenerate LPs. ``seconds`` bounds all the LPs of the loop together.

    Returns
    -------
    Outcome
        ``solver == "lp"``; for ``"optimal"``, ``x`` is the full solution,
        ``bound`` its value and ``duals`` the row shadow prices. Otherwise
        ``x`` is None (``"infeasible"``, or ``"error"`` for a time limit or a
        failure).

    Examples
    --------
    >>> from scipy import sparse
    >>> out = solve_lp(np.array([1.0, 2.0]), sparse.csr_matrix([[1.0, 1.0]]),
    ...                np.array([-np.inf]), np.array([1.5]), np.zeros(2),
    ...                np.ones(2))
    >>> out.status, out.x.tolist(), out.bound, out.duals.tolist()
    ('optimal', [0.5, 1.0], 2.5, [1.0])
    """
    eq = np.flatnonzero(np.isfinite(lb) & (lb == ub))
    up = np.flatnonzero(np.isfinite(ub) & (lb != ub))
    low = np.flatnonzero(np.isfinite(lb) & (lb != ub))
    a_ub = sparse.vstack([a[up], -a[low]], format="csc")
    b_ub = np.concatenate([ub[up], -lb[low]])
    a_eq = a[eq].tocsc()
    n = len(objective)
    cols = np.ones(n, dtype=bool) if seed is None else np.asarray(seed, bool).copy()
    cols |= var_lb > 0  # a column left out is fixed at 0, below such a bound
    end = None if seconds is None else time.perf_counter() + seconds
    while True:
        idx = np.flatnonzero(cols)
        options = {}
        if end is not None:  # one budget for all the LPs of the loop
            left = end - time.perf_counter()
            if left <= 0:
                return Outcome(None, ERROR, math.nan, "lp", "time limit reached")
            options["time_limit"] = left
        res = linprog(
            -objective[idx],
            A_ub=a_ub[:, idx] if len(b_ub) else None,
            b_ub=b_ub if len(b_ub) else None,
            A_eq=a_eq[:, idx] if len(eq) else None,
            b_eq=lb[eq] if len(eq) else None,
            bounds=np.column_stack([var_lb[idx], var_ub[idx]]),
            method=method,
            options=options,
        )
        if res.status == _SCIPY_INFEASIBLE and not cols.all():
            cols[:] = True
            continue
        if res.status == _SCIPY_INFEASIBLE:
            return Outcome(None, INFEASIBLE, math.nan, "lp", res.message)
        if res.status != _SCIPY_OPTIMAL:
            return Outcome(None, ERROR, math.nan, "lp", res.message)
        y_ub = res.ineqlin.marginals if len(b_ub) else np.zeros(0)
        y_eq = res.eqlin.marginals if len(eq) else np.zeros(0)
        reduced = -objective - a_ub.T @ y_ub - a_eq.T @ y_eq
        entering = ~cols & (reduced < -REDUCED_COST_TOLERANCE)
        if not entering.any():
            x = np.zeros(n)
            x[idx] = res.x
            duals = np.zeros(a.shape[0])
            duals[eq] -= y_eq
            duals[up] -= y_ub[: len(up)]
            duals[low] += y_ub[len(up) :]
            return Outcome(x, OPTIMAL, -res.fun, "lp", res.message, -res.fun, duals)
        cols |= entering


def maximize(
    objective, rows: Rows, var_lb, var_ub, integer, seconds, try_lp, seed=None
) -> Outcome:
    """Maximise ``objective @ x`` over ``rows``; ``integer`` variables integral.

    With ``try_lp``, the LP relaxation is solved first by :func:`solve_lp`
    (``seed`` = initial columns, all by default); if its optimal vertex is
    integral on the ``integer`` variables (:func:`is_integral`), it is
    optimal for the integer problem too. Otherwise :func:`solve_milp` solves
    the integer problem, and the LP optimum, when known, bounds it too.
    """
    n = len(objective)
    a, lb, ub = rows.stacked(n)
    lp_bound = math.nan
    if try_lp:
        lp = solve_lp(objective, a, lb, ub, var_lb, var_ub, seed=seed, seconds=seconds)
        if lp.status == INFEASIBLE:
            return Outcome(None, INFEASIBLE, math.nan, "lp", lp.message)
        if lp.x is not None:
            lp_bound = lp.bound
            if is_integral(lp.x[integer]):
                lp.x[integer] = np.round(lp.x[integer])
                return lp
    out = solve_milp(objective, a, lb, ub, var_lb, var_ub, integer, seconds=seconds)
    out.bound = float(np.fmin(out.bound, lp_bound))  # the LP relaxation bounds too
    return out


def relative_gap(bound: float, value: float) -> float:
    """``(bound - value) / |bound|``, at least 0; NaN for an unknown bound.

    >>> relative_gap(2.0, 1.5), relative_gap(float("nan"), 1.0)
    (0.25, nan)
    """
    if not math.isfinite(bound):
        return math.nan
    return max(bound - value, 0.0) / max(abs(bound), 1e-12)


class Deadline:
    """A time budget shared by several solves (None: unlimited).

    >>> Deadline(None).left() is None, Deadline(None).expired()
    (True, False)
    """

    def __init__(self, seconds: float | None) -> None:
        self.end = None if seconds is None else time.perf_counter() + seconds

    def left(self) -> float | None:
        """Seconds left, at least :data:`MIN_SECONDS`; None when unlimited."""
        if self.end is None:
            return None
        return max(self.end - time.perf_counter(), MIN_SECONDS)

    def expired(self) -> bool:
        """Whether the budget is spent (never when unlimited)."""
        return self.end is not None and time.perf_counter() >= self.end


def milp_seconds(seconds: float | None, n_cols: int) -> float | None:
    """Time limit for HiGHS, less what it spends past it on large models.

    Measured: HiGHS overruns its limit by about 2 s on 125 000 binaries
    (presolve and root work are not interrupted); :data:`MILP_OVERRUN`
    seconds per column are kept aside.

    >>> milp_seconds(None, 10), milp_seconds(1.0, 125_000)
    (None, 0.05)
    """
    if seconds is None:
        return None
    return max(seconds - MILP_OVERRUN * n_cols, MIN_SECONDS)


@dataclass
class Rows:
    """Linear rows ``lb ≤ A x ≤ ub``, kept as blocks (later blocks may be wider)."""

    blocks: list = field(default_factory=list)

    def add(self, matrix, lb, ub) -> None:
        """Append a block of rows."""
        self.blocks.append(
            (sparse.csr_matrix(matrix), np.asarray(lb, float), np.asarray(ub, float))
        )

    def plus(self, matrix, lb, ub) -> Rows:
        """A copy with one more block of rows."""
        out = Rows(list(self.blocks))
        out.add(matrix, lb, ub)
        return out

    def stacked(self, n_vars: int):
        """``(A, lb, ub)`` over ``n_vars`` variables (narrower blocks padded)."""
        if not self.blocks:
            return sparse.csr_matrix((0, n_vars)), np.zeros(0), np.zeros(0)
        mats = [widen(m, n_vars) for m, _, _ in self.blocks]
        return (
            sparse.vstack(mats, format="csr"),
            np.concatenate([lb for _, lb, _ in self.blocks]),
            np.concatenate([ub for _, _, ub in self.blocks]),
        )


def widen(matrix, n_vars: int):
    """``matrix`` padded with zero columns up to ``n_vars``."""
    if matrix.shape[1] == n_vars:
        return matrix
    return sparse.hstack(
        [matrix, sparse.csr_matrix((matrix.shape[0], n_vars - matrix.shape[1]))],
        format="csr",
    )
