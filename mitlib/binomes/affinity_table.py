"""Affinity matrix typed in by the chargés de mission.

A table ``id_projet, id_coach, affinite`` replaces the computed affinity.

Re-exported by :mod:`mitlib.binomes.affinity`, where callers import it from.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from mitlib.core.errors import InputError

__all__ = ["affinity_from_table"]


def _row_label(position: int, row: pd.Series) -> str:
    # a table read from a file carries its own line numbers (column ``ligne``)
    line = row["ligne"] if "ligne" in row.index else position
    return (
        f"ligne {line} (id_projet={row['id_projet']!s}, "
        f"id_coach={row['id_coach']!s}, affinite={row['affinite']!s})"
    )


def affinity_from_table(
    table: pd.DataFrame, project_ids: Iterable[object], coach_ids: Iterable[object]
) -> pd.DataFrame:
    """Affinity matrix from a table ``id_projet, id_coach, affinite``.

    Pairs absent from the table get 0. Identifiers are matched on their text
    (``str(id).strip()``), so that ids read from a CSV file as text match
    numeric ids. Values may use a decimal comma (``"0,8"``).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (project, coach) pair, affinity in [0, 1].
    project_ids, coach_ids : iterable
        The marathon's projects and coaches (rows and columns of the result).

    Returns
    -------
    pandas.DataFrame
        Index ``id_projet``, columns ``id_coach``.

    Raises
    ------
    ValueError
        In French, naming the row (numbered from 1), when a column is
        missing, an id is unknown, a pair is repeated or a value is not a
        number in [0, 1].

    Examples
    --------
    >>> t = pd.DataFrame({"id_projet": ["P1"], "id_coach": ["C2"],
    ...                   "affinite": ["0,8"]})
    >>> affinity_from_table(t, ["P1", "P2"], ["C1", "C2"]).to_dict("index")
    {'P1': {'C1': 0.0, 'C2': 0.8}, 'P2': {'C1': 0.0, 'C2': 0.0}}
    """
    columns = ("id_projet", "id_coach", "affinite")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"Colonnes manquantes dans le tableau d'affinités : {', '.join(missing)}."
        )
    projects = pd.Index(list(project_ids), name="id_projet")
    coaches = pd.Index(list(coach_ids), name="id_coach")
    for ids, what in ((projects, "projets"), (coaches, "coachs")):
        if ids.has_duplicates:
            dup = ", ".join(map(str, ids[ids.duplicated()].unique()))
            raise InputError(f"Identifiants de {what} en double : {dup}.")
    p_pos = {str(v).strip(): k for k, v in enumerate(projects)}
    c_pos = {str(v).strip(): k for k, v in enumerate(coaches)}
    values = np.zeros((len(projects), len(coaches)))
    seen: dict[tuple[int, int], int] = {}
    for position, (_, row) in enumerate(table.iterrows(), start=1):
        label = _row_label(position, row)
        i = p_pos.get(str(row["id_projet"]).strip())
        if i is None:
            raise InputError(f"{label} : projet inconnu « {row['id_projet']} ».")
        j = c_pos.get(str(row["id_coach"]).strip())
        if j is None:
            raise InputError(f"{label} : coach inconnu « {row['id_coach']} ».")
        raw = row["affinite"]
        if pd.isna(raw) or not str(raw).strip():
            raise InputError(f"{label} : l'affinité est vide.")
        try:
            value = float(str(raw).strip().replace(",", "."))
        except ValueError:
            raise InputError(f"{label} : l'affinité n'est pas un nombre.") from None
        if not 0.0 <= value <= 1.0:  # also rejects NaN
            raise InputError(f"{label} : l'affinité doit être comprise entre 0 et 1.")
        if (i, j) in seen:
            raise InputError(
                f"{label} : ce binôme figure déjà à la ligne {seen[(i, j)]}."
            )
        seen[(i, j)] = row["ligne"] if "ligne" in row.index else position
        values[i, j] = value
    return pd.DataFrame(values, index=projects, columns=coaches)
