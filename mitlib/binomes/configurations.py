"""Configuration LP of the max-min assignment: proven bounds, LP-guided dives.

With exactly ``k`` coaches per project and no forced pair, a *configuration*
of project ``p`` at a threshold ``t`` is a set ``S`` of ``k`` coaches allowed
for ``p`` whose affinities sum to ``t`` or more. Every assignment where each
project reaches ``t`` picks one configuration per project within the coach
capacities. The *configuration LP* relaxes that choice to a convex
combination per project. It is much tighter than the pair LP (one variable
per pair) when every project prefers the same coaches: on correlated
instances of 500 projects, the pair LP bounds the worst project by 2.107, the
configuration LP by 2.091, and assignments reach 2.088.

:class:`Configurations` keeps a pool of configurations (columns) and solves
the LP by column generation: the master LP on the pool (HiGHS's interior
point method, :func:`mitlib.solve.milp.solve_lp`), then, for each project,
the cheapest configuration at the master's coach prices
(:func:`cheapest_sets`, exact), added when it could improve the master.

Proofs do not trust the LP solver: they are checked on exact pricing.

* Threshold ``t`` (:meth:`Configurations.probe`): for coach prices
  ``π ≥ 0``, an assignment where every project reaches ``t`` has
  ``Σ_p min_S π(S) ≤ Σ_p π(S_p) = Σ_j π_j load_j ≤ Σ_j π_j cap_j``, the
  minimum over the configurations of ``p`` at ``t``. Prices with
  ``Σ_p min_S π(S) > Σ_j π_j cap_j`` (beyond a margin of 1e-7) thus prove
  that no assignment reaches ``t``: ``t`` bounds the max-min value.
* Total at a floor (:meth:`Configurations.max_total`): for any ``π ≥ 0``,
  every assignment whose projects all reach the floor has a total at most
  ``Σ_p max_S (a_p(S) - π(S)) + Σ_j π_j cap_j`` (capacities relaxed with
  multipliers ``π``); the smallest value met is the bound.

Configurations are priced at ``t - 1e-12·max(1, |t|)``, so sets whose float
sum falls a rounding error short of ``t`` count too: the relaxation only
gets larger, the proofs stay valid.

:meth:`Configurations.dive` looks for an assignment reaching ``t``: it fixes
the configurations the LP takes whole, and the largest fractional ones
(a tenth of the fractional projects at a time), solves again on the projects
left, and halves the step when the LP becomes infeasible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np
from scipy import sparse

from mitlib.solve.milp import OPTIMAL, Deadline, solve_lp

__all__ = ["MAX_COMBINATIONS", "Configurations", "Probe", "cheapest_sets"]

#: Largest number of partial sets :func:`cheapest_sets` enumerates in one call
#: (above it the configuration LP is not used).
MAX_COMBINATIONS = 20_000_000
#: Subsets handled at once by :func:`cheapest_sets` (memory).
_CHUNK = 500_000
#: Margin by which a pricing certificate must exceed the capacities.
_CERTIFICATE_MARGIN = 1e-7
#: Reduced gain above which a configuration enters the master LP.
_ENTER = 1e-9
#: Share of the fractional projects fixed at each step of a dive.
_DIVE_SHARE = 0.1
#: Rounds of column generation per LP when no time limit is given.
_MAX_ROUNDS = 200


@lru_cache(maxsize=64)
def _combos(r: int, m: int) -> np.ndarray:
    """All ``m``-subsets of ``range(r)``, one per row."""
    if m == 0:
        return np.zeros((1, 0), np.int64)
    return np.array(list(combinations(range(r), m)), np.int64).reshape(-1, m)


def _prefix_smallest(w: np.ndarray, k: int) -> np.ndarray:
    """``P × (n + 1) × k`` positions of the ``k`` smallest of ``w[p, :L]``
    for each row ``p`` and each ``L``, smallest first (ties: the earlier);
    -1 where fewer."""
    n_p, n = w.shape
    out = np.full((n_p, n + 1, k), -1, np.int64)
    val = np.full((n_p, k), np.inf)
    pos = np.full((n_p, k), -1, np.int64)
    for i in range(n):
        cand_v = np.column_stack([val, w[:, i]])
        cand_p = np.column_stack([pos, np.full(n_p, i)])
        order = np.argsort(cand_v, axis=1, kind="stable")[:, :k]
        val = np.take_along_axis(cand_v, order, 1)
        pos = np.take_along_axis(cand_p, order, 1)
        out[:, i + 1] = np.where(np.isfinite(val), pos, -1)
    return out


def cheapest_sets(a, w, k, t):
    """For each row ``p``: the ``k``-set ``S`` minimising ``Σ w[p, S]``
    among those with ``Σ a[p, S] ≥ t`` (``a = -inf``: not allowed).

    Exact. Coaches sorted by decreasing ``a`` (then increasing ``w``); one
    that ``k`` earlier coaches dominate (at least its ``a``, at most its
    ``w``) can always be swapped for one of them, so it is dropped. Then,
    for each ``(k - 1)``-subset of the coaches left, the last coach is the
    cheapest one with ``a`` at least what the sum still needs, found in a
    table of prefix minima. Rows are done together (padded to the longest
    list of coaches left).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) or None
        Cost per row (``inf`` without any such set) and the sets (``P × k``
        column indices, -1 without a set); None when more than
        :data:`MAX_COMBINATIONS` subsets would be enumerated.

    Examples
    --------
    >>> a = np.array([[0.9, 0.8, 0.5, 0.1]])
    >>> cost, sets = cheapest_sets(a, np.array([[3.0, 1.0, 0.0, 0.0]]), 2, 1.2)
    >>> cost.tolist(), sorted(sets[0].tolist())
    ([1.0], [1, 2])
    """
    n_p, n_c = a.shape
    order = np.lexsort((w, -a), axis=-1)
    sa = np.take_along_axis(a, order, 1)
    sw = np.take_along_axis(w, order, 1)
    keep = np.isfinite(sa)
    kth = np.full((n_p, k), np.inf)  # the k smallest w met so far, sorted
    for pos in range(n_c):
        col = sw[:, pos]
        keep[:, pos] &= col < kth[:, k - 1]
        smaller = col < kth[:, k - 1]
        if smaller.any():
            kth[smaller, k - 1] = col[smaller]
            kth[smaller] = np.sort(kth[smaller], axis=1)
    width = int(keep.sum(axis=1).max(initial=0))
    cost = np.full(n_p, np.inf)
    sets = np.full((n_p, k), -1, np.int64)
    if width < k:
        return cost, sets
    combo = _combos(width, k - 1)
    if n_p * len(combo) > MAX_COMBINATIONS:
        return None
    # Coaches left first, in their order; padding: a = -inf, w = inf.
    left = np.argsort(~keep, axis=1, kind="stable")[:, :width]
    ra = np.take_along_axis(sa, left, 1)
    ra = np.where(np.take_along_axis(keep, left, 1), ra, -np.inf)
    rw = np.where(np.isfinite(ra), np.take_along_axis(sw, left, 1), np.inf)
    table = _prefix_smallest(rw, k)
    step = max(1, _CHUNK // len(combo))
    for lo in range(0, n_p, step):
        part = slice(lo, min(lo + step, n_p))
        cost[part], picked = _complete(ra[part], rw[part], table[part], combo, t)
        cols = np.take_along_axis(left[part], np.maximum(picked, 0), 1)
        found = np.isfinite(cost[part])[:, None]
        sets[part] = np.where(found, np.take_along_axis(order[part], cols, 1), -1)
    return cost, sets


def _complete(ra, rw, table, combo, t):
    """Best set per row: each ``(k - 1)``-subset of ``combo`` completed by
    the cheapest coach reaching ``t`` (positions in the rows' lists)."""
    n_p, k = len(ra), combo.shape[1] + 1
    need = t - ra[:, combo].sum(axis=2)  # P × subsets
    reach = np.empty(need.shape, np.int64)  # coaches with a ≥ need
    for p in range(n_p):
        reach[p] = np.searchsorted(-ra[p], -need[p], side="right")
    rows = np.arange(n_p)[:, None]
    last = np.full(need.shape, -1)
    for q in range(k):  # the cheapest reachable coach not in the subset
        cand = table[rows, reach, q]
        ok = (last < 0) & (cand >= 0)
        ok &= ~(combo[None, :, :] == cand[:, :, None]).any(axis=2)
        last = np.where(ok, cand, last)
    total = np.where(
        last >= 0,
        rw[:, combo].sum(axis=2) + np.take_along_axis(rw, np.maximum(last, 0), 1),
        np.inf,
    )
    best = np.argmin(total, axis=1)
    at = np.arange(n_p)
    return total[at, best], np.column_stack([combo[best], last[at, best]])


@dataclass
class Probe:
    """Answer of :meth:`Configurations.probe` at a threshold.

    ``status``: ``"infeasible"`` (proven: no assignment reaches it),
    ``"feasible"`` (the configuration LP is, not necessarily an assignment)
    or ``"unknown"`` (time, size or an unproven LP infeasibility).
    ``lam``: the LP's weight per pool column when feasible.
    """

    status: str
    lam: np.ndarray | None = None


class Configurations:
    """Pool of configurations and the LPs over them (see the module docstring).

    Parameters
    ----------
    scores, allowed : numpy.ndarray
        P × C affinities and allowed pairs.
    cap : numpy.ndarray
        Coach capacities.
    k : int
        Coaches per project.
    """

    def __init__(self, scores, allowed, cap, k) -> None:
        self.a = np.where(allowed, scores, -np.inf)
        self.n_p, self.n_c = scores.shape
        self.cap = np.asarray(cap, dtype=float)
        self.k = int(k)
        self.proj = np.zeros(0, np.int64)
        self.sets = np.zeros((0, self.k), np.int64)
        self.value = np.zeros(0)
        self._keys: set[tuple] = set()
        self.rounds = 0  # master LPs solved, for the record

    # -- pool ---------------------------------------------------------------

    def add(self, projects, sets) -> int:
        """Add the configurations not yet in the pool; return how many."""
        new_p, new_s = [], []
        for p, s in zip(projects, sets, strict=True):
            key = (int(p), *sorted(int(j) for j in s))
            if min(key[1:]) >= 0 and key not in self._keys:
                self._keys.add(key)
                new_p.append(key[0])
                new_s.append(key[1:])
        if new_p:
            new_p, new_s = np.array(new_p, np.int64), np.array(new_s, np.int64)
            self.proj = np.concatenate([self.proj, new_p])
            self.sets = np.vstack([self.sets, new_s])
            self.value = np.concatenate(
                [self.value, self.a[new_p[:, None], new_s].sum(axis=1)]
            )
        return len(new_p)

    def add_choice(self, chosen: np.ndarray) -> None:
        """Add the configurations of a P × C choice (``k`` per project)."""
        cols = np.nonzero(chosen)[1]
        self.add(range(self.n_p), cols.reshape(self.n_p, self.k))

    # -- LPs ----------------------------------------------------------------

    def _price(self, rows, prices, theta, t):
        """:func:`cheapest_sets` with costs ``π_j - θ·a_pj``."""
        w = np.broadcast_to(prices, (len(rows), self.n_c))
        if theta:
            w = w - theta * np.where(np.isfinite(self.a[rows]), self.a[rows], 0.0)
        return cheapest_sets(self.a[rows], np.ascontiguousarray(w), self.k, t)

    def _master(self, t, theta, penalty, rows, cap, deadline):
        """Master LP on the pool columns valid at ``t`` for ``rows``:
        max θ·value − penalty·overflow, one configuration per project.

        Returns (weights, overflow, coach prices, project duals) or None."""
        k, n_c = self.k, self.n_c
        active = np.zeros(self.n_p, dtype=bool)
        active[rows] = True
        cols = np.flatnonzero((self.value >= t) & active[self.proj])
        n = len(cols)
        where = np.full(self.n_p, -1)
        where[rows] = np.arange(len(rows))
        load = sparse.csr_matrix(
            (np.ones(k * n), (self.sets[cols].ravel(), np.repeat(np.arange(n), k))),
            shape=(n_c, n),
        )
        pick = sparse.csr_matrix(
            (np.ones(n), (where[self.proj[cols]], np.arange(n))),
            shape=(len(rows), n),
        )
        a = sparse.vstack(
            [
                sparse.hstack([load, -sparse.eye(n_c)]),
                sparse.hstack([pick, sparse.csr_matrix((len(rows), n_c))]),
            ],
            format="csr",
        )
        out = solve_lp(
            np.concatenate([theta * self.value[cols], np.full(n_c, -penalty)]),
            a,
            np.concatenate([np.full(n_c, -np.inf), np.ones(len(rows))]),
            np.concatenate([cap, np.ones(len(rows))]),
            np.zeros(n + n_c),
            np.concatenate([np.ones(n), np.full(n_c, np.inf)]),
            seconds=deadline.left(),
            method="highs-ipm",
        )
        self.rounds += 1
        if out.status != OPTIMAL:
            return None
        lam = np.zeros(len(self.proj))
        lam[cols] = out.x[:n]
        prices = np.clip(out.duals[:n_c], 0.0, None)
        return lam, float(out.x[n:].sum()), prices, out.duals[n_c:]

    def _seeded(self, rows, t) -> bool | None:
        """Add each project's best configuration at ``t``; False if one has
        none (no assignment reaches ``t``), None if pricing is too large."""
        found = self._price(rows, np.zeros(self.n_c), 0.0, t)
        if found is None:
            return None
        if not np.isfinite(found[0]).all():
            return False
        self.add(rows, found[1])
        return True

    def probe(self, t, deadline: Deadline, active=None, cap=None) -> Probe:
        """Whether the configuration LP at ``t`` is feasible, or a proof that
        no assignment reaches ``t``.

        ``active`` (projects still to place) and ``cap`` (what is left of the
        capacities) restrict it during a dive.
        """
        rows = np.arange(self.n_p) if active is None else np.flatnonzero(active)
        cap = self.cap if cap is None else cap
        t = _priced_at(t)
        seeded = self._seeded(rows, t)
        if not seeded:
            return Probe("unknown" if seeded is None else "infeasible")
        for _ in range(_MAX_ROUNDS):
            if deadline.expired():
                break
            solved = self._master(t, 0.0, 1.0, rows, cap, deadline)
            if solved is None:
                break
            lam, overflow, prices, duals = solved
            priced = self._price(rows, prices, 0.0, t)
            if priced is None:
                break
            cost, sets = priced
            if cost.sum() - cap @ prices > _CERTIFICATE_MARGIN:
                return Probe("infeasible")
            if overflow <= 1e-9:
                return Probe("feasible", lam)
            better = cost + duals < -_ENTER
            if not self.add(rows[better], sets[better]):
                break
        return Probe("unknown")

    def max_total(self, floor, deadline: Deadline) -> float:
        """Upper bound on the total of the assignments whose projects all
        reach ``floor`` (``inf`` when none could be computed)."""
        rows = np.arange(self.n_p)
        t = _priced_at(floor)
        if not self._seeded(rows, t):
            return math.inf
        finite = self.a[np.isfinite(self.a)]
        penalty = 10.0 + 10.0 * self.k * float(np.abs(finite).max(initial=0.0))
        bound = math.inf
        for _ in range(_MAX_ROUNDS):
            if deadline.expired():
                break
            solved = self._master(t, 1.0, penalty, rows, self.cap, deadline)
            if solved is None:
                break
            _, _, prices, duals = solved
            priced = self._price(rows, prices, 1.0, t)
            if priced is None:
                break
            cost, sets = priced
            if np.isfinite(cost).all():
                value = float(self.cap @ prices - cost.sum())
                bound = min(bound, value + 1e-9 * max(1.0, abs(value)))
            better = cost + duals < -_ENTER
            if not self.add(rows[better], sets[better]):
                break
        return bound

    def dive(self, t, deadline: Deadline) -> np.ndarray | None:
        """A P × C choice where every project reaches ``t``, or None.

        Configurations the LP takes whole are fixed, with the largest
        fractional ones of a tenth of the fractional projects; the LP is
        solved again on the projects left. When it becomes infeasible, the
        last fractional fixes are undone and half as many are tried.
        """
        fixed = np.zeros(self.n_p, dtype=bool)
        cap = self.cap.copy()
        chosen = np.zeros((self.n_p, self.n_c), dtype=bool)
        before = None  # (weights, fixed, cap, chosen) before the last fixes
        budget = 0
        while not fixed.all():
            found = self.probe(t, deadline, ~fixed, cap)
            if found.status == "feasible":
                lam = found.lam
                taken = self._fix(lam >= 1 - 1e-6, lam, fixed, cap, chosen, self.n_p)
                open_ = (lam > 1e-9) & ~fixed[self.proj]
                n_open = len(np.unique(self.proj[open_]))
                budget = max(1, math.ceil(_DIVE_SHARE * n_open))
                before = (lam, fixed.copy(), cap.copy(), chosen.copy())
            elif before is None or budget <= 1 or deadline.expired():
                return None
            else:
                lam = before[0]
                fixed, cap, chosen = (v.copy() for v in before[1:])
                budget //= 2
                taken = 0
            taken += self._fix(lam > 1e-9, lam, fixed, cap, chosen, budget)
            if not taken:
                return None  # nothing left to fix (LP tolerance)
        return chosen

    def _fix(self, mask, lam, fixed, cap, chosen, limit) -> int:
        """Fix up to ``limit`` columns of ``mask``, largest weight first,
        whose project is open and coaches have room (arrays changed in
        place); return how many."""
        taken = 0
        for c in np.flatnonzero(mask)[np.argsort(-lam[mask], kind="stable")]:
            if taken >= limit:
                break
            p, s = self.proj[c], self.sets[c]
            if not fixed[p] and (cap[s] >= 1).all():
                fixed[p] = True
                cap[s] -= 1
                chosen[p, s] = True
                taken += 1
        return taken


def _priced_at(t: float) -> float:
    """The threshold configurations are priced at (a rounding error below)."""
    return t - 1e-12 * max(1.0, abs(t))
