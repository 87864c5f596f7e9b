"""Flow helpers for :mod:`mitlib.binomes.matching`: exact b-matching by min-cost flow.

The "total" assignment without side rows (quotas, coverage) is a bipartite
b-matching: each project gets between ``lo`` and ``hi`` coaches, each coach at
most its capacity, each pair at most once. :func:`best_bmatching` solves it
with OR-Tools' min-cost flow on each project's best columns (chosen with
:func:`numpy.argpartition`, no full sort), then certifies the answer on the
*float* scores over *all* pairs: node potentials are computed by Bellman–Ford
on the residual graph, and every pair left out must have a non-positive
reduced gain; otherwise those pairs join the candidates and the flow is solved
again. OR-Tools needs integer costs: the scores are scaled to about 1e10 per
unit of the largest score, and the certificate bounds what scaling may have
cost (see :class:`FlowResult`).

:func:`threshold_feasible` is a cheap necessary condition for the max-min
problem, used to tighten its upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

#: Largest integer cost given to OR-Tools (its cost scaling multiplies costs
#: by the number of nodes; this keeps every product far from 2**63).
_MAX_COST = 10**10


@dataclass
class FlowResult:
    """A b-matching and its certificate.

    ``x`` is 0/1 per pair; ``value`` its float total; ``bound`` an upper
    bound on the best total (``value`` plus what the ε-optimal potentials
    leave unproven, of the order of 1e-9 for scores in [0, 1]).
    """

    x: np.ndarray
    value: float
    bound: float


def top_columns(ep, w, n_p, m):
    """Mask of the ``m`` best pairs of each project (pairs sorted by project).

    ``ep`` must be non-decreasing. Uses a per-row partition, not a sort.
    """
    counts = np.bincount(ep, minlength=n_p)
    mask = np.zeros(len(ep), dtype=bool)
    if len(ep) == 0:
        return mask
    width = int(counts.max())
    if m >= width:
        mask[:] = True
        return mask
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    full = counts == width
    if full.all():  # dense rows: one vectorised partition
        block = w.reshape(n_p, width)
        keep = np.argpartition(-block, m - 1, axis=1)[:, :m]
        mask[(starts[:, None] + keep).ravel()] = True
        return mask
    for i in range(n_p):
        s, c = starts[i], counts[i]
        if c <= m:
            mask[s : s + c] = True
        else:
            mask[s + np.argpartition(-w[s : s + c], m - 1)[:m]] = True
    return mask


def _solve_flow(n_p, n_c, ep, ec, w, lo, hi, cap, scale):
    """Integer min-cost flow on the given pairs; 0/1 flows or None."""
    flow = min_cost_flow.SimpleMinCostFlow()
    hub = n_p + n_c  # source and sink merged through a bypass arc
    sink = hub + 1
    extra = hi - lo
    tails = [ep, n_p + np.arange(n_c)]
    heads = [n_p + ec, np.full(n_c, sink)]
    caps = [np.ones(len(ep), np.int64), cap.astype(np.int64)]
    costs = [-np.round(w * scale).astype(np.int64), np.zeros(n_c, np.int64)]
    optional = np.flatnonzero(extra > 0)
    if len(optional):
        tails += [np.full(len(optional), hub), [hub]]
        heads += [optional, [sink]]
        caps += [extra[optional].astype(np.int64), [int(extra.sum())]]
        costs += [np.zeros(len(optional), np.int64), [0]]
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    supply = np.zeros(n_p + n_c + 2, np.int64)
    supply[:n_p] = lo
    supply[hub] = int(extra.sum())
    supply[sink] = -int(hi.sum())
    flow.set_nodes_supplies(np.arange(len(supply), dtype=np.int32), supply)
    if flow.solve() != flow.OPTIMAL:
        return None
    return flow.flows(np.arange(len(ep), dtype=np.int32)) > 0


def _potentials(n_p, n_c, ep, ec, w, x, lo, hi, cap, eps):
    """ε-feasible potentials of the residual graph (costs ``-w``), or None.

    Nodes: projects, coaches, and a hub (source and sink merged).
    Bellman–Ford from a virtual root at distance 0 to every node; an
    update counts only if it gains more than ``eps``, so it ends.
    """
    hub = n_p + n_c
    deg_p = np.bincount(ep[x], minlength=n_p)
    load = np.bincount(ec[x], minlength=n_c)
    coaches = n_p + np.arange(n_c)
    projects = np.arange(n_p)
    parts = [
        (ep[~x], n_p + ec[~x], -w[~x]),
        (n_p + ec[x], ep[x], w[x]),
        (coaches[load < cap], np.full(int((load < cap).sum()), hub), 0.0),
        (np.full(int((load > 0).sum()), hub), coaches[load > 0], 0.0),
        (np.full(int((deg_p < hi).sum()), hub), projects[deg_p < hi], 0.0),
        (projects[deg_p > lo], np.full(int((deg_p > lo).sum()), hub), 0.0),
    ]
    u = np.concatenate([p[0] for p in parts]).astype(np.int64)
    v = np.concatenate([p[1] for p in parts]).astype(np.int64)
    c = np.concatenate([np.broadcast_to(p[2], len(p[0])) for p in parts])
    d = np.zeros(hub + 1)
    for _ in range(hub + 2):
        cand = d[u] + c
        better = cand < d[v] - eps
        if not better.any():
            return d
        new = d.copy()
        np.minimum.at(new, v[better], cand[better])
        d = new
    return None


def best_bmatching(n_p, n_c, ep, ec, w, lo, hi, cap, *, width=None):
    """Maximum-weight b-matching, certified on the float scores.

    Parameters
    ----------
    n_p, n_c : int
        Numbers of projects and coaches.
    ep, ec : numpy.ndarray
        Project and coach of each possible pair, sorted by project.
    w : numpy.ndarray
        Score of each pair.
    lo, hi : numpy.ndarray
        Per-project minimum and maximum number of pairs.
    cap : numpy.ndarray
        Per-coach capacity.
    width : int, optional
        Initial number of candidate pairs per project.

    Returns
    -------
    FlowResult or None
        None when no b-matching exists, or when the certificate fails
        (the caller then falls back to the LP).

    Examples
    --------
    >>> ep, ec = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    >>> r = best_bmatching(2, 2, ep, ec, np.array([0.9, 0.8, 0.9, 0.1]),
    ...                    np.ones(2, int), np.ones(2, int), np.ones(2, int))
    >>> r.x.astype(int).tolist(), round(r.value, 2)
    ([0, 1, 1, 0], 1.7)
    """
    lo, hi, cap = (np.asarray(v, dtype=np.int64) for v in (lo, hi, cap))
    top = float(np.abs(w).max()) if len(w) else 0.0
    if top == 0.0:
        top = 1.0
    scale = _MAX_COST / top
    eps = 1e-12 * top
    if width is None:
        width = int(max(4 * hi.max(initial=0) + 8, 1))
    cols = top_columns(ep, w, n_p, width)
    for _ in range(50):
        idx = np.flatnonzero(cols)
        sub = _solve_flow(n_p, n_c, ep[idx], ec[idx], w[idx], lo, hi, cap, scale)
        if sub is None:
            if cols.all():
                return None
            cols[:] = True
            continue
        x = np.zeros(len(ep), dtype=bool)
        x[idx[sub]] = True
        d = _potentials(n_p, n_c, ep[idx], ec[idx], w[idx], sub, lo, hi, cap, eps)
        if d is None:
            return None
        # Reduced cost of every pair out of the flow: -w + d_p - d_c.
        reduced = -w + d[ep] - d[n_p + ec]
        entering = ~cols & (reduced < -eps * 10)
        if not entering.any():
            value = float(w[x].sum())
            slack = (n_p + n_c + 1) * eps * 10 + int(x.sum()) * top / scale
            return FlowResult(x, value, value + slack)
        cols |= entering
    return None


def threshold_feasible(n_p, n_c, ep, ec, usable, need, cap) -> bool:
    """Whether each project can get ``need`` coaches among its usable pairs.

    A max-flow check (capacities only, no scores): a necessary condition for
    every project to reach a threshold when ``usable`` marks the pairs that
    can belong to a set of coaches reaching it.
    """
    idx = np.flatnonzero(usable)
    n = n_p + n_c + 2
    src, snk = n - 2, n - 1
    rows = np.concatenate([np.full(n_p, src), ep[idx], n_p + np.arange(n_c)])
    cols = np.concatenate([np.arange(n_p), n_p + ec[idx], np.full(n_c, snk)])
    caps = np.concatenate([need, np.ones(len(idx), np.int64), cap]).astype(np.int32)
    keep = caps > 0
    graph = csr_matrix((caps[keep], (rows[keep], cols[keep])), shape=(n, n))
    graph.sum_duplicates()
    return maximum_flow(graph, src, snk).flow_value >= int(np.sum(need))


def usable_pairs(ep, w, n_p, k, target):
    """Pairs that can belong to a set of ``k`` pairs of their project summing
    to ``target`` or more: ``w ≥ target - (sum of the project's best k - 1)``.

    Exact sets of ``k`` pairs per project are assumed (a superset is returned
    for the pairs among the best ``k - 1``, which keeps it a relaxation).
    """
    best = best_sums(ep, w, n_p, k - 1) if k > 1 else np.zeros(n_p)
    return w >= target - best[ep] - 1e-12 * max(1.0, abs(target))


def best_sums(ep, w, n_p, m):
    """Sum of the ``m`` best scores of each project (pairs sorted by project)."""
    if m <= 0:
        return np.zeros(n_p)
    top = top_columns(ep, w, n_p, m)
    return np.bincount(ep[top], weights=w[top], minlength=n_p)


def fair_flows(n_p, n_c, ep, ec, w, k, cap, target, usable, rounds=30):
    """Heuristic for ``max min_p Σ w``: weighted flows on the usable pairs.

    Each round solves a maximum-weight b-matching (exactly ``k`` pairs per
    project) with weights ``λ_p · w``; the projects below ``target`` get a
    larger ``λ_p``. Yields each 0/1 solution found (pairs as a mask over all
    pairs); the caller keeps the best.
    """
    idx = np.flatnonzero(usable)
    sub_p, sub_c, sub_w = ep[idx], ec[idx], w[idx]
    lam = np.ones(n_p)
    kk = np.full(n_p, k, np.int64)
    top = float(np.abs(w).max()) if len(w) else 1.0
    scale = _MAX_COST / max(top * 4.0, 1e-300)
    for _ in range(rounds):
        sub = _solve_flow(
            n_p, n_c, sub_p, sub_c, sub_w * lam[sub_p] / lam.max(), kk, kk, cap, scale
        )
        if sub is None:
            return
        x = np.zeros(len(ep), dtype=bool)
        x[idx[sub]] = True
        yield x
        sums = np.bincount(sub_p[sub], weights=sub_w[sub], minlength=n_p)
        low = sums < target - 1e-9 * max(1.0, abs(target))
        if not low.any():
            return
        lam[low] *= 1.0 + np.clip(
            (target - sums[low]) / max(abs(target), 1e-9), 0.05, 1
        )


def threshold_bound(n_p, n_c, ep, ec, w, k, cap, low, high):
    """Largest ``t`` in ``[low, high]`` passing the flow check, else ``high``.

    Upper bound on the max-min value: every project needs ``k`` usable
    pairs (:func:`usable_pairs`) at ``t``, within the coach capacities.
    The check only changes at the breakpoints ``w + best(k - 1)``, so a
    bisection over them gives the tightest bound of this relaxation.
    Returns ``low`` when even ``low`` fails (cannot happen if a solution
    worth ``low`` exists).
    """
    best = best_sums(ep, w, n_p, k - 1) if k > 1 else np.zeros(n_p)
    need = np.full(n_p, k, np.int64)
    points = np.unique(w + best[ep])
    points = points[(points >= low) & (points <= high)]

    def ok(t):
        return threshold_feasible(
            n_p, n_c, ep, ec, usable_pairs(ep, w, n_p, k, t), need, cap
        )

    if ok(high):
        return high
    lo_i, hi_i = -1, len(points)  # points[lo_i] feasible, points[hi_i] not
    while hi_i - lo_i > 1:
        mid = (lo_i + hi_i) // 2
        if ok(points[mid]):
            lo_i = mid
        else:
            hi_i = mid
    return float(points[lo_i]) if lo_i >= 0 else low


def lift_worst(a, allowed, fixed, chosen, cap, deadline=None, floor=np.inf):
    """Local search raising the worst project's sum (then the next worst…).

    Moves for a worst project ``p``: swap one of its coaches for a coach with
    room; or exchange a coach with another project ``q`` when both end above
    ``p``'s current sum. A move is taken only if it raises the smaller of the
    two sums it changes above ``p``'s sum, so the sorted vector of project
    sums rises lexicographically and the search ends. ``fixed`` pairs (forced)
    never move; counts per project and per coach are kept.

    Parameters
    ----------
    a : numpy.ndarray
        P × C scores.
    allowed, fixed, chosen : numpy.ndarray
        P × C booleans: possible pairs, pairs that must stay, start solution.
    cap : numpy.ndarray
        Coach capacities.
    deadline : float, optional
        ``time.perf_counter()`` value at which to stop.
    floor : float
        Stop when the worst project reaches it (an upper bound).
    Returns
    -------
    numpy.ndarray
        The improved P × C choice.
    """
    import time

    x = chosen.copy()
    sums = (a * x).sum(axis=1)
    load = x.sum(axis=0)
    blocked = np.zeros(len(sums), dtype=bool)  # no improving move last time
    neg = -np.inf
    while True:
        if deadline is not None and time.perf_counter() > deadline:
            break
        order = np.where(blocked, np.inf, sums)
        p = int(np.argmin(order))
        if not np.isfinite(order[p]) or sums[p] >= floor:
            break
        sp = sums[p]
        if sp > sums.min() + 1e-12:
            break  # the worst project itself is stuck: no lexicographic gain
        best_val, best_move = sp + 1e-12 * max(1.0, abs(sp)), None
        room = (load < cap) & ~x[p] & allowed[p]
        for c in np.flatnonzero(x[p] & ~fixed[p]):
            gain = np.where(room, a[p] - a[p, c], neg)
            j = int(np.argmax(gain))
            if sp + gain[j] > best_val:
                best_val, best_move = sp + gain[j], (c, j, -1)
            # exchange: q gives c' to p, takes c
            cand = ~x[p] & allowed[p]
            ok = x & ~fixed & cand[None, :] & (~x[:, c] & allowed[:, c])[:, None]
            ok[p] = False
            if not ok.any():
                continue
            new_p = sp + a[p] - a[p, c]  # per c'
            new_q = sums[:, None] + a[:, c][:, None] - a
            val = np.where(ok, np.minimum(new_p[None, :], new_q), neg)
            q, j = np.unravel_index(int(np.argmax(val)), val.shape)
            if val[q, j] > best_val:
                best_val, best_move = val[q, j], (c, int(j), int(q))
        if best_move is None:
            blocked[p] = True
            continue
        c, j, q = best_move
        _apply_move(x, sums, load, a, p, c, j, q, c)
        blocked[:] = False
    return x


def _apply_move(x, sums, load, a, p, c, j, q, other) -> None:
    """Project ``p`` swaps coach ``c`` for ``j``; with ``q ≥ 0``, project
    ``q`` gives up ``j`` and takes ``other`` (``c`` itself in an exchange)."""
    x[p, c], x[p, j] = False, True
    sums[p] += a[p, j] - a[p, c]
    if q < 0:
        load[c] -= 1
        load[j] += 1
    else:
        x[q, j], x[q, other] = False, True
        sums[q] += a[q, other] - a[q, j]
        load[c] -= 1
        load[other] += 1


def maximin_dual(n_p, n_c, ep, ec, w, lo, hi, cap, *, iters=40, deadline=None):
    """Lagrangian upper bound on ``max min_p Σ w`` by weighted flows.

    For weights ``μ ≥ 0`` summing to 1, every assignment has
    ``min_p s_p ≤ Σ μ_p s_p ≤ max_x Σ μ_p w x``, a b-matching solved and
    certified by :func:`best_bmatching`. ``μ`` follows multiplicative
    weights (more weight on the projects a flow leaves low); the best bound
    tends to the LP relaxation's, since the b-matching polytope is integral.
    No forced pair may remain (fix them first). Returns ``inf`` if no flow
    is found.
    """
    import time

    mu = np.full(n_p, 1.0 / n_p)
    bound = np.inf
    for it in range(iters):
        if deadline is not None and time.perf_counter() > deadline:
            break
        res = best_bmatching(n_p, n_c, ep, ec, w * (mu * n_p)[ep], lo, hi, cap)
        if res is None:
            break
        bound = min(bound, res.bound / n_p)
        sums = np.bincount(ep[res.x], weights=w[res.x], minlength=n_p)
        spread = max(float(sums.std()), 1e-9)
        mu = mu * np.exp(-2.0 * (sums - sums.mean()) / spread / np.sqrt(it + 1))
        mu /= mu.sum()
    return bound


def raise_total(a, allowed, fixed, chosen, cap, floor, deadline=None):
    """Local search raising the total while every project keeps ``floor``.

    Moves per project ``p``, in turn: swap a coach for one with room, or
    take a coach from another project ``q``, which takes ``p``'s coach or
    one with room instead, when the total rises and both sums stay at or
    above ``floor``. Counts are kept; ``fixed`` pairs
    never move. Stops when a full round finds no move, or at ``deadline``.
    """
    import time

    x = chosen.copy()
    sums = (a * x).sum(axis=1)
    load = x.sum(axis=0)
    n_p = len(sums)
    neg = -np.inf
    improved = True
    while improved:
        improved = False
        for p in range(n_p):
            if deadline is not None and time.perf_counter() > deadline:
                return x
            best_gain, best_move = 1e-12, None
            room = (load < cap) & ~x[p] & allowed[p]
            cand = ~x[p] & allowed[p]
            # Best coach with room each other project could take instead.
            spare = np.where((load < cap)[None, :] & ~x & allowed, a, neg)
            spare_j = np.argmax(spare, axis=1)
            spare_v = spare[np.arange(n_p), spare_j]
            for c in np.flatnonzero(x[p] & ~fixed[p]):
                new_p = sums[p] + a[p] - a[p, c]
                gain = np.where(room & (new_p >= floor), a[p] - a[p, c], neg)
                j = int(np.argmax(gain))
                if gain[j] > best_gain:
                    best_gain, best_move = gain[j], (c, j, -1, -1)
                # q gives c' to p and takes c, or a coach with room.
                take_c = np.where(~x[:, c] & allowed[:, c], a[:, c], neg)
                use_c = take_c >= spare_v
                repl = np.where(use_c, take_c, spare_v)
                ok = x & ~fixed & cand[None, :] & np.isfinite(repl)[:, None]
                ok[p] = False
                ok &= (new_p >= floor)[None, :]
                ok &= sums[:, None] + repl[:, None] - a >= floor
                if not ok.any():
                    continue
                g = np.where(ok, (a[p] - a[p, c])[None, :] + repl[:, None] - a, neg)
                q, j = np.unravel_index(int(np.argmax(g)), g.shape)
                if g[q, j] > best_gain:
                    other = c if use_c[q] else int(spare_j[q])
                    best_gain, best_move = g[q, j], (c, int(j), int(q), other)
            if best_move is None:
                continue
            improved = True
            _apply_move(x, sums, load, a, p, *best_move)
    return x
