"""Inputs of :func:`mitlib.planning.visits.schedule_visits`: pairs, coach
availability masks, walking times (closed by shortest paths), start slots."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mitlib.core.errors import OptionError
from mitlib.planning.event import Event, Windows, parse_windows

# ---------------------------------------------------------------- inputs


def checked_pairs(pairs) -> list[tuple[str, str]]:
    if isinstance(pairs, pd.DataFrame):
        team = next((c for c in ("equipe", "projet") if c in pairs.columns), None)
        if team is None or "coach" not in pairs.columns:
            raise OptionError(
                "Binômes : colonnes « projet » (ou « equipe ») et « coach » attendues."
            )
        pairs = zip(pairs[team], pairs["coach"], strict=True)
    out: list[tuple[str, str]] = []
    for pair in pairs:
        if len(pair) != 2:
            raise OptionError(
                f"Binômes : {pair!r} n'est pas un couple (équipe, coach)."
            )
        pair = (str(pair[0]).strip(), str(pair[1]).strip())
        if pair in out:
            raise OptionError(f"Binômes : {pair[0]} et {pair[1]} figurent deux fois.")
        out.append(pair)
    return out


def coach_mask(value, event: Event, coach: str) -> np.ndarray:
    if isinstance(value, Windows):
        value = value.mask
    if value is None or isinstance(value, str | float):
        return parse_windows(value, event, where=f"Disponibilités de {coach}").mask
    mask = np.asarray(value, dtype=bool)
    if mask.shape != (event.n_slots,):
        raise OptionError(
            f"Disponibilités de {coach} : {mask.size} créneaux au lieu de "
            f"{event.n_slots}."
        )
    return mask


def walk_slots(premises: list[str], walk_minutes, step: int) -> dict:
    """(a, b) → slots to walk from a to b, closed by shortest paths.

    The paths may go through any premises named in *walk_minutes*, also one
    where no team of the plan works; a pair of *premises* left without any
    path is an error.
    """
    walk_minutes = dict(walk_minutes or {})
    named = {p for pair in walk_minutes for p in pair}
    places = list(premises) + sorted(named - set(premises), key=str)
    index = {p: i for i, p in enumerate(places)}
    n = len(places)
    unknown = np.iinfo(np.int64).max // 4
    dist = np.full((n, n), 0 if not walk_minutes else unknown, dtype=np.int64)
    np.fill_diagonal(dist, 0)
    for (a, b), minutes in walk_minutes.items():
        if not (isinstance(minutes, int | float) and minutes >= 0):
            raise OptionError(
                f"Temps de marche entre {a} et {b} : {minutes!r} n'est pas un "
                "nombre de minutes positif ou nul."
            )
        slots = math.ceil(minutes / step - 1e-9)
        i, j = index[a], index[b]
        dist[i, j] = dist[j, i] = min(dist[i, j], slots) if i != j else 0
    for k in range(n):  # Floyd–Warshall
        dist = np.minimum(dist, dist[:, [k]] + dist[[k], :])
    for i, a in enumerate(premises):
        for j, b in enumerate(premises):
            if dist[i, j] >= unknown:
                raise OptionError(
                    f"Temps de marche : aucune durée entre les locaux {a} et {b}."
                )
    return {
        (a, b): int(dist[i, j])
        for i, a in enumerate(premises)
        for j, b in enumerate(premises)
        if i != j
    }


def feasible_starts(mask: np.ndarray, length: int) -> np.ndarray:
    """Slots where *length* consecutive slots of *mask* start."""
    if len(mask) < length:
        return np.array([], dtype=int)
    run = np.convolve(mask.astype(int), np.ones(length, dtype=int), "valid")
    return np.flatnonzero(run == length)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end excluded) of the runs of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(
        zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)
    )


def runs_text(event: Event, mask: np.ndarray) -> str:
    found = runs(mask)
    if not found:
        return "jamais"
    return ", ".join(
        f"{event.slot_label(a)}-{event.slot_start(b):%H:%M}" for a, b in found
    )
