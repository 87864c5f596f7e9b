"""The result tables of a pairing, one row per pair, coach, need or marathon.

:func:`affinity_frame` (every pair considered), :func:`pairs_frame` (the
assigned pairs and why), :func:`loads_frame` (per coach),
:func:`coverage_frame` (per project and needed domain) and
:func:`summary_frame` (per marathon) turn a
:class:`~mitlib.binomes.pairing.PairingResult` into DataFrames; they get a
``marathon`` column when several marathons were paired, and an
``avertissement`` column (:data:`~mitlib.data.fictional.FICTIONAL_COLUMN`) when
built from the bundled sample. They never hold names or contacts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mitlib.binomes.pairing import MarathonPairing, PairingResult, yes_no
from mitlib.data.fictional import FICTIONAL_COLUMN

__all__ = [
    "affinity_frame",
    "coverage_frame",
    "loads_frame",
    "pairs_frame",
    "summary_frame",
]


def _mp_affinities(mp: MarathonPairing) -> pd.DataFrame:
    data = mp.data
    long = data.affinity.stack().rename("affinite").reset_index()
    chosen = set()
    if mp.assignment is not None:
        chosen = set(
            zip(
                mp.assignment.pairs["id_projet"],
                mp.assignment.pairs["id_coach"],
                strict=True,
            )
        )
    pairs = list(zip(long["id_projet"], long["id_coach"], strict=True))
    long["exclusion"] = [data.forbidden.get(pc, "") for pc in pairs]
    long["retenu"] = [yes_no(pc in chosen) for pc in pairs]
    long["affinite"] = long["affinite"].astype(float)
    return long


def _mp_pairs(mp: MarathonPairing) -> pd.DataFrame:
    out = mp.pairs()
    data = mp.data
    out["referent"] = out["referent"].map(yes_no)
    out["titre_projet"] = out["id_projet"].map(data.projects["titre"])
    out["organisation_coach"] = out["id_coach"].map(data.coaches["organisation"])
    out["type_coach"] = out["id_coach"].map(data.coaches["type_coach"])
    return out


def _mp_loads(mp: MarathonPairing) -> pd.DataFrame:
    data = mp.data
    columns = ["id_coach", "organisation", "type_coach", "charge", "capacite"]
    if mp.assignment is None:
        return pd.DataFrame(columns=[*columns, "projets"])
    pairs = mp.assignment.pairs
    out = pd.DataFrame(
        {
            "id_coach": data.coaches.index,
            "organisation": data.coaches["organisation"].to_numpy(),
            "type_coach": data.coaches["type_coach"].to_numpy(),
            "charge": mp.assignment.loads.reindex(data.coaches.index).to_numpy(),
            "capacite": mp.capacity.reindex(data.coaches.index).to_numpy(),
        }
    )
    out["projets"] = [
        " | ".join(pairs.loc[pairs["id_coach"] == c, "id_projet"]) for c in out.id_coach
    ]
    return out


def _mp_summary(mp: MarathonPairing) -> dict:
    data = mp.data
    a = mp.assignment
    uncovered = int((mp.coverage_table()["couvert"] == "non").sum()) if a else np.nan
    lo, hi = mp.per_project
    return {
        "projets": len(data.projects),
        "coachs": len(data.coaches),
        "mode": mp.mode,
        "coachs_par_projet": f"{lo}" if lo == hi else f"{lo}:{hi}",
        "affinite_source": data.source,
        "statut": a.status if a else "impossible",
        "affinite_totale": a.total if a else np.nan,
        "pire_projet": a.worst_project if a else np.nan,
        "besoins_non_couverts": uncovered,
        "binomes_imposes": " | ".join(f"{p}:{c}" for p, c in mp.forced),
        "diagnostic": " ".join(mp.diagnostics),
    }


def _concat(result: PairingResult, build) -> pd.DataFrame:
    frames = []
    for mp in result.pairings:
        df = build(mp)
        if not result.filtered:
            df.insert(0, "marathon", mp.marathon)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if result.fictional:
        out.insert(0, "avertissement", FICTIONAL_COLUMN)
    return out


def affinity_frame(result: PairingResult) -> pd.DataFrame:
    """Every pair considered: ``id_projet, id_coach, affinite, exclusion, retenu``."""
    return _concat(result, _mp_affinities)


def pairs_frame(result: PairingResult) -> pd.DataFrame:
    """Pairs: ``id_projet, id_coach, affinite, referent, raisons`` and context."""
    return _concat(result, _mp_pairs)


def loads_frame(result: PairingResult) -> pd.DataFrame:
    """Per coach: ``charge`` (projects), ``capacite`` and the projects."""
    return _concat(result, _mp_loads)


def coverage_frame(result: PairingResult) -> pd.DataFrame:
    """Per project and needed domain: ``couvert`` (oui/non) and by whom."""
    return _concat(result, lambda mp: mp.coverage_table())


def summary_frame(result: PairingResult) -> pd.DataFrame:
    """Per marathon: sizes, mode, status, total, worst project, diagnosis."""
    return _concat(result, lambda mp: pd.DataFrame([_mp_summary(mp)]))
