"""Why an assignment is impossible: a group of demands that lacks places (Hall).

An assignment gives each left vertex (a project, a commune) ``demand`` of the
right vertices it is allowed (coaches, periods), each right vertex taking at
most ``capacity``, each pair at most once. When no assignment meets every
demand, Hall's condition fails for some group ``S`` of left vertices: its
allowed right vertices cannot absorb its demand. :func:`hall_violation`
names the smallest such group, from a maximum flow and its minimum cut, so
that a French message can say whom to talk to.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

__all__ = ["HallViolation", "hall_violation"]


@dataclass(frozen=True)
class HallViolation:
    """A group of left vertices whose demand exceeds what it can receive.

    Attributes
    ----------
    left : list of int
        Indices of the group's left vertices, ascending.
    right : list of int
        Indices of the right vertices on the same side of the minimum cut,
        ascending: with unit demands and capacities, exactly the group's
        allowed right vertices (its neighbourhood ``N(S)``, ``|N(S)| < |S|``).
    demand : int
        Total demand of the group.
    supply : int
        The most it can receive (``supply < demand``).
    """

    left: list[int]
    right: list[int]
    demand: int
    supply: int


def hall_violation(
    allowed: np.ndarray,
    demand: np.ndarray | None = None,
    capacity: np.ndarray | None = None,
) -> HallViolation | None:
    """The smallest group of left vertices short of places, or None.

    Parameters
    ----------
    allowed : numpy.ndarray of bool, shape (left, right)
        Which pairs may be formed.
    demand : numpy.ndarray of int, optional
        Right vertices wanted per left vertex (default 1 each).
    capacity : numpy.ndarray of int, optional
        Left vertices taken at most per right vertex (default 1 each).

    Returns
    -------
    HallViolation or None
        None when every demand can be met. Otherwise the left vertices
        reachable from the source in the residual graph of a maximum flow
        (source → left: demand, left → right: 1 per allowed pair, right →
        sink: capacity): the source side of the smallest minimum cut, the
        same whatever maximum flow is found. With unit demands and
        capacities, these are the vertices reached by alternating paths from
        the unmatched left vertices of a maximum matching (König).

    Examples
    --------
    Three communes share two periods; a fourth has its own:

    >>> allowed = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], bool)
    >>> hall_violation(allowed)
    HallViolation(left=[0, 1, 2], right=[0, 1], demand=3, supply=2)
    >>> hall_violation(allowed[1:]) is None
    True
    """
    n_left, n_right = allowed.shape
    demand = np.ones(n_left, int) if demand is None else np.asarray(demand)
    capacity = np.ones(n_right, int) if capacity is None else np.asarray(capacity)
    graph = nx.DiGraph()
    for i, d in enumerate(demand):
        if d > 0:
            graph.add_edge("s", ("l", i), capacity=int(d))
    for i, j in zip(*np.nonzero(allowed), strict=True):
        if demand[i] > 0 and capacity[j] > 0:
            graph.add_edge(("l", i), ("r", j), capacity=1)
    for j, c in enumerate(capacity):
        if c > 0:
            graph.add_edge(("r", j), "t", capacity=int(c))
    if "s" not in graph or "t" not in graph:
        flow, side = 0, {"s"} | {("l", i) for i in np.flatnonzero(demand)}
    else:
        # Nodes reachable from s in the residual graph: the smallest source
        # side of a minimum cut, i.e. the smallest group short of places
        # (networkx's minimum_cut returns the largest one).
        flow, flows = nx.maximum_flow(graph, "s", "t")
        side, todo = {"s"}, ["s"]
        while todo:
            u = todo.pop()
            nexts = [
                v
                for v in graph.successors(u)
                if flows[u][v] < graph.edges[u, v]["capacity"]
            ]
            nexts += [v for v in graph.predecessors(u) if flows[v][u] > 0]
            for v in nexts:
                if v not in side:
                    side.add(v)
                    todo.append(v)
    total = int(demand.sum())
    if flow >= total:
        return None
    left = sorted(int(n[1]) for n in side if isinstance(n, tuple) and n[0] == "l")
    right = sorted(int(n[1]) for n in side if isinstance(n, tuple) and n[0] == "r")
    wanted = int(demand[left].sum())
    return HallViolation(left, right, wanted, wanted - (total - int(flow)))
