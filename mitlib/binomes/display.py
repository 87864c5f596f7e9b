"""What organisers read about one marathon: French tables and sentences.

Each function turns part of a solved marathon
(:class:`~mitlib.binomes.pairing.MarathonPairing`, or the prepared
:class:`~mitlib.binomes.pairing.MarathonData`) into a
:class:`~mitlib.render.tables.FrenchTable` (caption, human column labels,
project titles, French figures) or a :class:`~mitlib.render.summary.Summary`.
Notebook 03 shows them in JupyterLab and on its exported pages; the explorer
(:mod:`mitlib.binomes.explorer`) shows them under its widgets. Coaches'
names appear only when ``public`` is false; project holders never appear.
"""

from __future__ import annotations

import pandas as pd

from mitlib.binomes.inputs import PairingInputs
from mitlib.binomes.pairing import MarathonData, MarathonPairing, solve_marathon
from mitlib.core.text import count_fr, format_fr
from mitlib.data.schemas import get_schema
from mitlib.render.summary import Summary
from mitlib.render.tables import (
    Column,
    FrenchTable,
    checked_files_table,
    file_counts,
)

__all__ = [
    "closest_view",
    "coverage_view",
    "exclusions_view",
    "loads_view",
    "lock_summary",
    "marathon_summary",
    "modes_view",
    "pairing_inputs_view",
    "pairs_view",
]

_MODES = (("total", "total"), ("equitable", "équitable"))
#: Tables up to this many rows are printed whole (no scroll box): a marathon
#: has at most 30 coaches.
PAGE_ROWS = 40
_AFFINITY_NOTE = (
    "Affinité d'un projet et d'un coach : de 0 (rien en commun) à 1 (textes, "
    "domaines et thème identiques)."
)
_TABLES = "le classeur binomes.xlsx (dossier binomes/tables de l'export)"


def _project(data: MarathonData, pid: str) -> str:
    return f"{pid} — {data.projects.at[pid, 'titre']}"


def _coach(data: MarathonData, cid: str, public: bool) -> str:
    return cid if public else f"{cid} — {data.coaches.at[cid, 'nom']}"


def pairing_inputs_view(inputs: PairingInputs) -> FrenchTable:
    """The files read and checked: coaches, projects and the typed affinities
    when given (rows read, kept, rejected), the marathons found and the
    warnings in notes (:func:`~mitlib.render.tables.checked_files_table`).

    Each rejected row, with its reason, is in ``inputs.coachs.report()``,
    ``inputs.projets.report()`` and in the export's rejects.
    """
    files = [
        file_counts(get_schema("coachs").title, inputs.coachs),
        file_counts(get_schema("projets").title, inputs.projets),
    ]
    if inputs.affinity_table is not None:
        n = len(inputs.affinity_table)
        files.append(("Affinités saisies", inputs.affinity_path.name, n, n, 0))
    marathons = ", ".join(inputs.marathons()) or "aucun"
    notes = [f"Marathons de la table des projets : {marathons}."]
    notes += [f"Attention : {w}" for w in inputs.warnings]
    return checked_files_table(
        files,
        caption="Fichiers lus et vérifiés — coachs et projets",
        notes=notes,
        fictional=inputs.fictional,
    )


def marathon_summary(data: MarathonData) -> Summary:
    """One marathon before pairing: projects, available coaches, places (sum
    of the coaches' capacities) and pairs excluded, then its warnings."""
    projects = count_fr(len(data.projects), "projet")
    coaches = count_fr(len(data.coaches), "coach disponible", "coachs disponibles")
    places = count_fr(int(data.capacity.sum()), "place")
    excluded = count_fr(len(data.forbidden), "binôme exclu", "binômes exclus")
    sentences = [
        f"{projects} et {coaches}.",
        f"{places} : le total des projets que chaque coach peut suivre (sa capacité).",
        f"{excluded} d'office (conflit d'intérêts déclaré, même organisation).",
    ]
    return Summary(
        f"Marathon {data.marathon}",
        sentences,
        notes=[f"Attention : {w}" for w in data.warnings],
    )


def exclusions_view(data: MarathonData) -> FrenchTable:
    """The pairs the constraints exclude (declared conflict, same organisation)."""
    rows = [
        {"projet": _project(data, p), "coach": c, "motif": reason}
        for (p, c), reason in sorted(data.forbidden.items())
    ]
    frame = pd.DataFrame(rows, columns=["projet", "coach", "motif"])
    return FrenchTable(
        frame,
        [
            Column("projet", "Projet"),
            Column("coach", "Coach"),
            Column("motif", "Motif d'exclusion"),
        ],
        caption=f"Marathon {data.marathon} : {len(frame)} binômes exclus d'office",
    )


def closest_view(
    data: MarathonData, n: int = 5, *, public: bool = False
) -> FrenchTable:
    """The ``n`` closest project–coach pairs and why (excluded pairs included:
    closeness comes before the constraints)."""
    ranked = data.affinity.stack().sort_values(ascending=False, kind="stable")
    rows = [
        {
            "projet": _project(data, p),
            "coach": _coach(data, c, public),
            "affinite": float(value),
            "exclu": data.forbidden.get((p, c)),
            "raisons": data.reason(p, c),
        }
        for (p, c), value in ranked.head(n).items()
    ]
    frame = pd.DataFrame(rows, columns=["projet", "coach", "affinite", "exclu"])
    frame["raisons"] = [r["raisons"] for r in rows]
    return FrenchTable(
        frame,
        [
            Column("projet", "Projet"),
            Column("coach", "Coach"),
            Column("affinite", "Affinité (0 à 1)", "number", 2),
            Column("exclu", "Exclu"),
            Column("raisons", "Ce qui les rapproche"),
        ],
        caption=f"Les {len(frame)} binômes les plus proches du marathon "
        f"{data.marathon}",
        row_header=False,
        notes=[_AFFINITY_NOTE],
        missing_note="— : binôme possible.",
    )


def modes_view(data: MarathonData, **settings) -> FrenchTable:
    """Both modes solved and compared (``settings`` as for
    :func:`~mitlib.binomes.pairing.solve_marathon`, ``mode`` excluded)."""
    rows = []
    for mode, label in _MODES:
        mp = solve_marathon(data, mode=mode, **settings)
        row = {"mode": label}
        if mp.feasible:
            a = mp.assignment
            row |= {
                "total": a.total,
                "pire": a.worst_project,
                "charge": int(a.loads.max()) if len(a.loads) else 0,
                "coachs": int((a.loads > 0).sum()),
                "manques": len(a.uncovered),
                "statut": "optimum prouvé" if a.status == "optimal" else a.status,
            }
        else:
            row["statut"] = "impossible : " + " ".join(mp.diagnostics)
        rows.append(row)
    columns = ["mode", "total", "pire", "charge", "coachs", "manques", "statut"]
    return FrenchTable(
        pd.DataFrame(rows, columns=columns),
        [
            Column("mode", "Mode"),
            Column("total", "Affinité totale", "number", 2),
            Column("pire", "Affinité du projet le moins bien servi", "number", 2),
            Column("charge", "Projets du coach le plus chargé", "number", 0),
            Column("coachs", "Coachs mobilisés", "number", 0),
            Column("manques", "Domaines demandés non couverts", "number", 0),
            Column("statut", "Statut"),
        ],
        caption=f"Marathon {data.marathon} : les deux modes d'affectation",
        notes=[
            "Total : la plus grande somme des affinités. Équitable : d'abord le "
            "projet le moins bien servi (somme des affinités de ses coachs), puis "
            "le total.",
        ],
        missing_note="— : pas de solution dans ce mode.",
    )


def pairs_view(pairing: MarathonPairing, *, public: bool = False) -> FrenchTable:
    """The pairs, project by project, with the reasons of each."""
    data = pairing.data
    pairs = pairing.pairs()
    frame = pd.DataFrame(
        {
            "projet": [_project(data, p) for p in pairs["id_projet"]],
            "coach": [_coach(data, c, public) for c in pairs["id_coach"]],
            "organisation": pairs["id_coach"].map(data.coaches["organisation"]),
            "affinite": pairs["affinite"].astype(float),
            "referent": pairs["referent"].map({True: "référent", False: "coach"}),
            "raisons": pairs["raisons"],
        }
    )
    return FrenchTable(
        frame,
        [
            Column("projet", "Projet"),
            Column("coach", "Coach"),
            Column("organisation", "Organisation"),
            Column("affinite", "Affinité (0 à 1)", "number", 2),
            Column("referent", "Rôle"),
            Column("raisons", "Pourquoi ce binôme"),
        ],
        caption=f"Marathon {data.marathon} : {len(frame)} binômes proposés pour "
        f"{pairs['id_projet'].nunique()} projets",
        row_header=False,
        notes=[
            "Le référent d'un projet est son coach de plus forte affinité.",
            _AFFINITY_NOTE,
        ],
        long=False,  # a few rows per project: read whole, printed whole
    )


def loads_view(pairing: MarathonPairing, *, public: bool = False) -> FrenchTable:
    """How many projects each coach follows, against their capacity."""
    data = pairing.data
    loads = (
        pairing.assignment.loads.reindex(data.coaches.index).fillna(0)
        if pairing.feasible
        else pd.Series(0, index=data.coaches.index)
    )
    frame = pd.DataFrame(
        {
            "coach": [_coach(data, c, public) for c in data.coaches.index],
            "organisation": data.coaches["organisation"].to_numpy(),
            "type": data.coaches["type_coach"].to_numpy(),
            "charge": loads.astype(int).to_numpy(),
            "capacite": pairing.capacity.reindex(data.coaches.index).to_numpy(),
        },
        index=data.coaches.index,
    )
    frame = frame.sort_values(["charge"], ascending=False, kind="stable")
    idle = int((frame["charge"] == 0).sum())
    return FrenchTable(
        frame,
        [
            Column("coach", "Coach"),
            Column("organisation", "Organisation"),
            Column("type", "Profil"),
            Column("charge", "Projets suivis", "number", 0),
            Column("capacite", "Capacité (projets au plus)", "number", 0),
        ],
        caption=f"Marathon {data.marathon} : charge des {len(frame)} coachs "
        f"({len(frame) - idle} mobilisés)",
        long=len(frame) > PAGE_ROWS,
    )


def coverage_view(pairing: MarathonPairing) -> FrenchTable:
    """Per project, the domains it asked for and those left uncovered."""
    cov = pairing.coverage_table()
    rows = []
    for pid, group in cov.groupby("id_projet", sort=True):
        missing = group.loc[group["couvert"] != "oui", "domaine"].tolist()
        rows.append(
            {
                "projet": _project(pairing.data, pid),
                "demandes": len(group),
                "couverts": int((group["couvert"] == "oui").sum()),
                "manque": ", ".join(missing) or None,
            }
        )
    frame = pd.DataFrame(rows, columns=["projet", "demandes", "couverts", "manque"])
    covered, asked = int(frame["couverts"].sum()), int(frame["demandes"].sum())
    return FrenchTable(
        frame,
        [
            Column("projet", "Projet"),
            Column("demandes", "Domaines demandés", "number", 0),
            Column("couverts", "Couverts par ses coachs", "number", 0),
            Column("manque", "Domaine non couvert"),
        ],
        caption=f"Marathon {pairing.marathon} : {format_fr(covered, 0)} domaines "
        f"demandés couverts sur {format_fr(asked, 0)}",
        notes=[f"Qui couvre chaque domaine : {_TABLES}, feuille « couverture »."],
        missing_note="— : tous les domaines demandés sont couverts.",
    )


def lock_summary(
    pairing: MarathonPairing,
    pair: tuple[str, str],
    *,
    forced: tuple[tuple[str, str], ...] | list = (),
    **settings,
) -> Summary:
    """Impose ``pair`` (project, coach) on top of ``forced``, solve again with
    ``settings`` (as for :func:`~mitlib.binomes.pairing.solve_marathon`) and
    say what changed: totals, then the pairs removed and added."""
    before = pairing
    after = solve_marathon(pairing.data, forced=[*forced, tuple(pair)], **settings)
    title = f"Binôme imposé : {pair[0]} ↔ {pair[1]}"
    if not after.feasible:
        return Summary(title, ["Affectation impossible.", *after.diagnostics])
    a, b = before.assignment, after.assignment
    sentences = [
        f"Affinité totale : {format_fr(a.total, 2)} avant, {format_fr(b.total, 2)} "
        "après.",
        f"Projet le moins bien servi : {format_fr(a.worst_project, 2)} avant, "
        f"{format_fr(b.worst_project, 2)} après.",
    ]
    key = ["id_projet", "id_coach"]
    old = set(map(tuple, before.pairs()[key].to_numpy()))
    new = set(map(tuple, after.pairs()[key].to_numpy()))
    for label, moved in (("Retiré", old - new), ("Ajouté", new - old)):
        for p, c in sorted(moved):
            sentences.append(f"{label} : {p} ↔ {c}.")
    return Summary(title, sentences, ["Le reste de l'affectation est ré-optimisé."])
