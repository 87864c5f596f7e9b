"""Large-neighbourhood search by exact reassignments (exactly ``k`` per project).

Each round frees one part of every project at once and puts the parts back by
an exact assignment, so one round can move hundreds of coaches:

* *single*: every project frees one of its coaches; each project then takes
  one coach (its own or another) among those with room, a b-matching;
* *group*: every project keeps one coach and frees the ``k - 1`` others as
  a group; the groups are then dealt out again, one per project (coach loads
  do not change).

The coach or group freed in each project is drawn at random (fixed seed, so
runs are repeatable). The assignment is solved by flows (OR-Tools):
:func:`lift` first maximises the worst project exactly (bisection on the
threshold, a max-flow check per step), then a smooth measure of the low
projects (``-exp(-20 (s_p - t) / a_max)`` summed) by a min-cost flow;
:func:`raise_total` maximises the total with every project kept at a floor.
Neither makes the solution worse: the worst project never drops, the total
under the floor never drops.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from mitlib.solve.milp import Deadline

__all__ = ["lift", "raise_total"]

#: Rounds without improvement after which a search stops.
_STALL = 12
#: Largest integer cost given to OR-Tools.
_MAX_COST = 10**9
#: Steepness of the smooth worst-project measure (per largest score).
_SOFTNESS = 20.0
#: Items kept per project, and projects per item, in a round's flows.
_WIDTH = 40


def _ids(chosen: np.ndarray, k: int) -> np.ndarray:
    """P × k coach indices of a choice with ``k`` coaches per project."""
    return np.nonzero(chosen)[1].reshape(chosen.shape[0], k)


def _neighbourhood(a, allowed, cap, chosen, k, rng, group):
    """Values ``v`` (P × M, -inf where impossible), what the item adds to
    each project, room per item, each project's own item (the current
    choice), and a function turning the item picked per project into a
    choice."""
    n_p, n_c = a.shape
    ids = _ids(chosen, k)
    rows = np.arange(n_p)
    part = rng.integers(0, k, n_p)
    if not group:
        kept = chosen.copy()
        kept[rows, ids[rows, part]] = False
        base = (a * kept).sum(axis=1)
        add = np.where(allowed & ~kept, a, -np.inf)
        room = cap - kept.sum(axis=0)

        def build(item):
            out = kept.copy()
            out[rows, item] = True
            return out

        return base[:, None] + add, add, room, ids[rows, part], build
    keep = ids[rows, part]
    others = np.sort(np.where(np.arange(k)[None, :] == part[:, None], n_c, ids), 1)
    groups = others[:, : k - 1]  # one group per project, dealt out again
    clash = (groups[None, :, :] == keep[:, None, None]).any(axis=2)
    ok = allowed[:, groups].all(axis=2) & ~clash
    add = np.where(ok, a[:, groups].sum(axis=2), -np.inf)

    def build(item):
        out = np.zeros_like(chosen)
        out[rows, keep] = True
        out[rows[:, None], groups[item]] = True
        return out

    return a[rows, keep][:, None] + add, add, np.ones(n_p, np.int64), rows, build


def _arcs(v, add, own):
    """Arcs kept for the flows: each project's :data:`_WIDTH` best items,
    each item's :data:`_WIDTH` best projects (by what the item adds) and
    each project's own item; ``(ep, ec)``."""
    n_p, n_m = v.shape
    mask = np.zeros(v.shape, dtype=bool)
    rows = np.arange(n_p)
    if n_m > _WIDTH:
        best = np.argpartition(-add, _WIDTH - 1, axis=1)[:, :_WIDTH]
        mask[rows[:, None], best] = True
    else:
        mask[:] = True
    if n_p > _WIDTH:
        best = np.argpartition(-add, _WIDTH - 1, axis=0)[:_WIDTH]
        mask[best, np.arange(n_m)[None, :]] = True
    else:
        mask[:] = True
    mask &= np.isfinite(v)
    mask[rows, own] = True
    return np.nonzero(mask)


def _feasible(ep, ec, n_p, n_m, room) -> bool:
    """Whether every project gets one item along the arcs (max flow)."""
    flow = max_flow.SimpleMaxFlow()
    src, snk = n_p + n_m, n_p + n_m + 1
    flow.add_arcs_with_capacity(
        np.concatenate([np.full(n_p, src), ep, n_p + np.arange(n_m)]).astype(np.int32),
        np.concatenate([np.arange(n_p), n_p + ec, np.full(n_m, snk)]).astype(np.int32),
        np.concatenate([np.ones(n_p + len(ep)), room]).astype(np.int64),
    )
    flow.solve(src, snk)
    return flow.optimal_flow() == n_p


def _best(ep, ec, gain, n_p, n_m, room):
    """Item per project maximising the sum of ``gain`` (min-cost flow)."""
    span = float(np.abs(gain).max(initial=0.0)) or 1.0
    flow = min_cost_flow.SimpleMinCostFlow()
    snk = n_p + n_m
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([ep, n_p + np.arange(n_m)]).astype(np.int32),
        np.concatenate([n_p + ec, np.full(n_m, snk)]).astype(np.int32),
        np.concatenate([np.ones(len(ep)), room]).astype(np.int64),
        np.concatenate([-np.round(gain * (_MAX_COST / span)), np.zeros(n_m)]).astype(
            np.int64
        ),
    )
    supply = np.zeros(snk + 1, np.int64)
    supply[:n_p], supply[snk] = 1, -n_p
    flow.set_nodes_supplies(np.arange(snk + 1, dtype=np.int32), supply)
    if flow.solve() != flow.OPTIMAL:
        return None
    used = flow.flows(np.arange(len(ep), dtype=np.int32)) > 0
    item = np.full(n_p, -1)
    item[ep[used]] = ec[used]
    return item


def _bottleneck(ep, ec, values, n_p, n_m, room, low):
    """Largest ``t ≥ low`` such that each project gets an item worth ``t``
    along the arcs (``values`` per arc; ``low`` must be reachable)."""
    keep = values >= low
    ep, ec, values = ep[keep], ec[keep], values[keep]
    steps = np.unique(values)
    lo_i, hi_i = 0, len(steps)  # steps[lo_i] feasible (the current choice)
    while hi_i - lo_i > 1:
        mid = (lo_i + hi_i) // 2
        sel = values >= steps[mid]
        if _feasible(ep[sel], ec[sel], n_p, n_m, room):
            lo_i = mid
        else:
            hi_i = mid
    return float(steps[lo_i])


def _search(a, allowed, cap, chosen, k, deadline, rounds, step, key):
    """Rounds of alternating moves from ``chosen``; the best choice by ``key``."""
    rng = np.random.default_rng(0)
    best, best_key = chosen, key(chosen)
    current, stall = chosen, 0
    for r in range(rounds):
        if deadline.expired() or stall >= _STALL:
            break
        group = k > 1 and r % 2 == 1
        v, add, room, own, build = _neighbourhood(
            a, allowed, cap, current, k, rng, group
        )
        ep, ec = _arcs(v, add, own)
        item = step(ep, ec, v[ep, ec], v.shape, room, current)
        if item is None or (item < 0).any():
            stall += 1
            continue
        current = build(item)
        new_key = key(current)
        if new_key > best_key:
            best, best_key, stall = current, new_key, 0
        else:
            stall += 1
    return best


def lift(a, allowed, cap, chosen, k, deadline: Deadline, rounds=200):
    """Raise the worst project (then the low ones) of a choice.

    Parameters
    ----------
    a, allowed : numpy.ndarray
        P × C scores and allowed pairs.
    cap : numpy.ndarray
        Coach capacities.
    chosen : numpy.ndarray
        P × C start choice, ``k`` coaches per project, within capacities.
    k : int
        Coaches per project.
    deadline : Deadline
        Stop when it expires.
    rounds : int
        Most rounds (the search also stops after 12 rounds without gain).

    Returns
    -------
    numpy.ndarray
        The best choice met: largest (worst project, total).
    """
    top = max(float(np.abs(a).max(initial=0.0)), 1e-300)
    steep = _SOFTNESS / top

    def step(ep, ec, values, shape, room, current):
        # The current choice is in the neighbourhood: the bottleneck is at
        # least its worst project (less a rounding margin).
        low = float((a * current).sum(axis=1).min()) - 1e-12 * top
        t = _bottleneck(ep, ec, values, *shape, room, low)
        keep = values >= t
        gain = -np.exp(-steep * (values[keep] - t))
        return _best(ep[keep], ec[keep], gain, *shape, room)

    def key(x):
        sums = (a * x).sum(axis=1)
        return (float(sums.min()), float(sums.sum()))

    return _search(a, allowed, cap, chosen, k, deadline, rounds, step, key)


def raise_total(a, allowed, cap, chosen, k, floor, deadline: Deadline, rounds=200):
    """Raise the total of a choice whose projects all reach ``floor``,
    keeping them there (same parameters as :func:`lift`)."""

    def step(ep, ec, values, shape, room, _current):
        keep = values >= floor
        return _best(ep[keep], ec[keep], values[keep], *shape, room)

    def key(x):
        return float((a * x).sum())

    return _search(a, allowed, cap, chosen, k, deadline, rounds, step, key)
