"""The linear model of an assignment: variables, rows, bounds, rounding.

:class:`Model` holds the variables ``[x (one per allowed pair) | y (coverable
needs)]`` of an :class:`~mitlib.binomes.instance.Instance` and its rows
(projects' minimum and maximum, coaches' capacities, quotas, coverage), with
what every solving stage needs: the integrality of each variable, the LP's
first columns, a cheap upper bound on the worst project, the model restricted
to some pairs (:meth:`Model.restricted`, :func:`on_pairs` to map back) and the
rounding of a solution to an integral assignment (:meth:`Model.integral`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy import sparse

from mitlib.binomes.instance import Instance
from mitlib.solve import flows
from mitlib.solve.milp import Outcome, Rows, is_integral, solve_lp

__all__ = ["Model", "on_pairs", "worst"]


def worst(sums: np.ndarray) -> float:
    """The smallest per-project sum (0 without project)."""
    return float(sums.min()) if len(sums) else 0.0


class Model:
    """Variables ``[x (one per allowed pair) | y (coverable needs) | t]``."""

    def __init__(self, inst: Instance) -> None:
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
        self.rows = Rows()
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
        # Initial LP columns: each project's best coaches (see
        # mitlib.solve.milp.solve_lp).
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
        if is_integral(x[free]):
            x[free] = np.round(x[free])
            return z
        fixed = np.where(self.integer, x, 0.0)
        per_p, per_c = self.by_project @ fixed, self.by_coach @ fixed
        n_p = len(per_p)
        a = sparse.vstack([self.by_project[:, free], self.by_coach[:, free]], "csr")
        lb = np.concatenate([self.inst.lo - per_p, np.full(len(per_c), -np.inf)])
        ub = np.concatenate([np.full(n_p, self.inst.hi) - per_p, self.inst.cap - per_c])
        n = len(free)
        sub = solve_lp(np.zeros(n), a, lb, ub, np.zeros(n), np.ones(n)).x
        if sub is None or not is_integral(sub):
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
        return worst(fixed + np.bincount(ep, weights=gain, minlength=n_p))

    @property
    def bipartite(self) -> bool:
        """Whether the rows are the bipartite ones only (no quota, no coverage)."""
        return not self.inst.quotas and not self.needs

    def restricted(self, keep: np.ndarray) -> tuple[Model, np.ndarray]:
        """The model on the pairs where ``keep`` is true, and their indices."""
        allowed = np.zeros_like(self.inst.allowed)
        allowed[self.ep[keep], self.ec[keep]] = True
        return Model(replace(self.inst, allowed=allowed)), np.flatnonzero(keep)

    def project_sums(self, x: np.ndarray) -> np.ndarray:
        return self.by_project @ (self.a * x[: self.nx])


def on_pairs(model: Model, sub: Model, idx: np.ndarray, out: Outcome):
    """Map an outcome on ``sub`` (pairs ``idx`` of ``model``) back to it."""
    if out.x is not None:
        z = np.zeros(model.n_vars)
        z[idx] = sub.integral(out.x)[: sub.nx]
        out.x = z
    return out
