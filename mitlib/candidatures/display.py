"""What the comité reads: the candidacy analysis as French tables and sentences.

Each function turns one part of a candidacy analysis
(:class:`~mitlib.candidatures.proposal.CandidacyAnalysis`) into a
:class:`~mitlib.render.tables.FrenchTable` (caption, human column labels,
commune and EPCI names, French figures: notes out of 20 with two decimals,
weights and shares as percentages) or, for the wide analyses, a
:class:`Summary` (one sentence per EPCI), the full table staying in the
minutes workbook ``proces_verbal.xlsx`` (:mod:`mitlib.candidatures.outputs`).
The same objects are shown by notebook 02 in JupyterLab, by its exported
comité page and by the sliders of :mod:`mitlib.candidatures.explorer`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from mitlib.candidatures.outputs import (
    attribution_table,
    gaps_table,
    history_table,
    notes_table,
    pairs_table,
    robustness_table,
)
from mitlib.candidatures.proposal import CandidacyAnalysis
from mitlib.candidatures.sensitivity import explain_gap
from mitlib.candidatures.sheets import rule_text
from mitlib.core.text import MONTHS_FR, count_fr, format_fr, format_percent
from mitlib.data.schemas import get_schema
from mitlib.render.summary import Summary
from mitlib.render.tables import (
    Column,
    FrenchTable,
    checked_files_table,
    file_counts,
)

__all__ = [
    "MINUTES",
    "PAGE_ROWS",
    "alternatives_view",
    "attribution_view",
    "candidacy_inputs_view",
    "epci_short",
    "gap_detail_view",
    "gaps_view",
    "grid_view",
    "history_view",
    "leaders_summary",
    "period_label",
    "ranking_view",
    "robustness_view",
    "stability_view",
    "theme_pairs_view",
]

#: Where the full tables are (the comité pack of ``mit exporter``).
MINUTES = "le classeur du procès-verbal (proces_verbal.xlsx)"
#: Tables up to this many rows are printed whole on the page (no scroll box):
#: a comité reads the whole ranking at once.
PAGE_ROWS = 40
#: A weight bound this close to 0 or 1 is no bound: no single weight flips.
_EPS = 1e-9
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_EPCI_FORMS = (
    ("Communauté d'agglomération", "CA"),
    ("Communauté de communes", "CC"),
    ("Communauté urbaine", "CU"),
)
_EPCI_NOTE = "CA : communauté d'agglomération ; CC : communauté de communes."
_WEIGHT_NOTE = (
    "Poids ramenés à 100 % ; quand un poids change, les autres sont ajustés en "
    "proportion."
)


def epci_short(name: object) -> str:
    """An EPCI name with its legal form abbreviated (CA, CC, CU).

    Examples
    --------
    >>> epci_short("Communauté de communes Lot et Tolzac")
    'CC Lot et Tolzac'
    >>> epci_short("Communauté d'agglomération du Grand Villeneuvois")
    'CA du Grand Villeneuvois'
    """
    text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else name
    text = str(text)
    for long, short in _EPCI_FORMS:
        if text.startswith(long):
            return short + text[len(long) :]
    return text


def period_label(period: object) -> str:
    """``2023-06`` as « juin 2023 »; any other period as it is written.

    Examples
    --------
    >>> period_label("2024-11"), period_label("printemps"), period_label("")
    ('novembre 2024', 'printemps', '')
    """
    text = "" if period is None or pd.isna(period) else str(period)
    match = _PERIOD.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{MONTHS_FR[int(match.group(2)) - 1]} {match.group(1)}"
    return text


def _epci_names(analysis: CandidacyAnalysis) -> pd.Series:
    table = analysis.inputs.table.drop_duplicates("epci_siren")
    return table.set_index("epci_siren")["epci_nom"].map(epci_short)


def _labels(analysis: CandidacyAnalysis) -> dict[str, str]:
    return {c.key: c.label for c in analysis.grid.criteria}


def _source(analysis: CandidacyAnalysis) -> str:
    name = analysis.inputs.candidacies_path.name
    grid = analysis.inputs.grid_path.name
    return f"dossiers de candidature ({name}), grille ({grid}) ; calculs mitlib"


def candidacy_inputs_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """The files read and checked: the candidacies, then the diagnosis tables
    the ``diagnostic.`` criteria come from (rows read, kept, rejected), the
    grid and the warnings in notes
    (:func:`~mitlib.render.tables.checked_files_table`).

    Each rejected row, with its reason, is in
    ``analysis.inputs.candidacies.report()`` and in the export's rejects.
    """
    inputs = analysis.inputs
    files = [file_counts(get_schema("candidatures").title, inputs.candidacies)]
    files += [
        file_counts(get_schema(name).title, res)
        for name, res in inputs.diagnosis.inputs.items()
    ]
    criteria = count_fr(len(inputs.grid.criteria), "critère")
    notes = [f"Grille de notation appliquée : {inputs.grid_path.name} ({criteria})."]
    notes += [f"Attention : {w}" for w in analysis.warnings]
    return checked_files_table(
        files,
        caption=f"Fichiers lus et vérifiés — {inputs.territory.name}",
        notes=notes,
        fictional=inputs.fictional,
    )


def grid_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """The grid applied: each criterion, its direction, weight (%) and rule."""
    weights = analysis.grid.weights
    rows = []
    for c in analysis.grid.criteria:
        rule = c.elimination
        if c.weight <= 0:
            direction = "filtre seulement"
        elif c.direction.value == "max":
            direction = "plus élevé, mieux noté"
        else:
            direction = "plus bas, mieux noté"
        rows.append(
            {
                "critere": c.label,
                "sens": direction,
                "poids": weights[c.key],
                "regle": None if rule is None else rule_text(rule),
            }
        )
    return FrenchTable(
        pd.DataFrame(rows),
        [
            Column("critere", "Critère"),
            Column("sens", "Sens"),
            Column("poids", "Poids", "percent", 1),
            Column("regle", "Condition éliminatoire"),
        ],
        caption="La grille appliquée : critères, sens et poids",
        notes=[_WEIGHT_NOTE, "Un poids nul fait du critère un simple filtre."],
        missing_note="— : pas de condition éliminatoire.",
    )


def ranking_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """The ranking: eligible candidacies by note, eliminated ones after."""
    notes = notes_table(analysis)
    frame = pd.DataFrame(
        {
            "rang": notes["rang"],
            "commune": notes["commune"],
            "epci": notes["epci_nom"].map(epci_short),
            "label": notes["label"].replace({"aucun": None}),
            "note": notes["note_sur_20"],
            "motif": notes["motif_exclusion"].replace({"": None}),
        }
    )
    eliminated = int(frame["rang"].isna().sum())
    return FrenchTable(
        frame,
        [
            Column("rang", "Rang", "number", 0),
            Column("commune", "Commune"),
            Column("epci", "EPCI"),
            Column("label", "Programme"),
            Column("note", "Note (sur 20)", "number", 2),
            Column("motif", "Motif d'élimination"),
        ],
        caption=f"Classement des {len(frame)} candidatures "
        f"({len(frame) - eliminated} classées, {eliminated} éliminées)",
        row_header=False,
        notes=[
            "Programme : ACV = Action cœur de ville, PVD = Petites villes de demain.",
            _EPCI_NOTE,
        ],
        missing_note="— : sans objet (candidature éliminée : ni rang ni note ; "
        "candidature classée : pas de motif).",
        source=_source(analysis),
        long=len(frame) > PAGE_ROWS,
    )


def attribution_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """The proposal in calendar order: period, EPCI, host, theme, note."""
    table = attribution_table(analysis)
    frame = pd.DataFrame(
        {
            "periode": table["periode"].map(period_label).replace({"": None}),
            "epci": table["epci_nom"].map(epci_short),
            "commune": table["commune"],
            "theme": table["theme"],
            "note": table["score"].astype(float),
            "rang_theme": table.get("rang_theme", pd.Series(dtype=float)),
        }
    )
    return FrenchTable(
        frame,
        [
            Column("periode", "Période"),
            Column("epci", "EPCI"),
            Column("commune", "Commune hôte"),
            Column("theme", "Thème"),
            Column("note", "Note (sur 20)", "number", 2),
            Column("rang_theme", "Rang donné au thème par la commune", "number", 0),
        ],
        caption="Proposition d'attribution : une commune hôte et un thème par EPCI",
        notes=[_EPCI_NOTE],
        missing_note="— : aucune période proposée par la commune n'est libre.",
    )


def alternatives_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """The best attributions side by side, one column each, with their value."""
    names = analysis.inputs.table["commune"]
    epci = _epci_names(analysis)
    periods = dict(zip(map(id, analysis.listed), analysis.periods, strict=True))
    columns, specs = {}, [Column("ligne", "EPCI")]
    rows: list[str] = []
    for a in analysis.alternatives:
        key = f"n{a.rank}"
        label = f"n° {a.rank}" + (" (proposée)" if a is analysis.proposal else "")
        cells = {
            epci.get(g, g): f"{names[row['code_insee']]} — {row['theme']}"
            for g, row in a.table.iterrows()
        }
        rows = list(dict.fromkeys([*rows, *cells]))
        cells["Valeur de l'attribution"] = format_fr(a.value, 3)
        cells["Écart à la meilleure"] = format_fr(a.gap, 3)
        cells["Calendrier possible"] = "oui" if periods[id(a)] is not None else "non"
        columns[key] = cells
        specs.append(Column(key, label))
    order = [
        *rows,
        "Valeur de l'attribution",
        "Écart à la meilleure",
        "Calendrier possible",
    ]
    frame = pd.DataFrame(columns, index=order).rename_axis("ligne").reset_index()
    return FrenchTable(
        frame,
        specs,
        caption="Les meilleures attributions : commune hôte — thème, par EPCI",
        notes=[
            "La valeur combine la note des communes hôtes et le rang qu'elles ont "
            "donné à leur thème ; la proposition est la meilleure dont le "
            "calendrier est possible.",
            _EPCI_NOTE,
        ],
    )


def gaps_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """Why each candidacy is behind the previous one, in one line each."""
    gaps = gaps_table(analysis)
    labels = _labels(analysis)

    def flip(row) -> str | None:
        key = row.get("critere_bascule")
        if key is None or pd.isna(key):
            return None
        return (
            f"« {labels.get(key, key)} » : {format_percent(row['poids_actuel'], 1)}"
            f" → {format_percent(row['poids_bascule'], 1)}"
        )

    frame = pd.DataFrame(
        {
            "rang": gaps.get("rang"),
            "commune": gaps.get("commune"),
            "devant": gaps.get("commune_devant"),
            "ecart": gaps.get("ecart_total"),
            "bascule": [flip(r) for _, r in gaps.iterrows()],
        }
    )
    return FrenchTable(
        frame,
        [
            Column("rang", "Rang", "number", 0),
            Column("commune", "Commune"),
            Column("devant", "Classée juste devant"),
            Column("ecart", "Écart de note (points sur 20)", "number", 2),
            Column("bascule", "Le plus petit changement d'un poids qui les égalise"),
        ],
        caption="Pourquoi chaque candidature est derrière la précédente",
        row_header=False,
        long=len(frame) > PAGE_ROWS,
        notes=[
            _WEIGHT_NOTE,
            f"L'écart critère par critère de chaque paire est dans {MINUTES}, "
            "feuille « ecarts ».",
        ],
        missing_note="— : aucun changement d'un seul poids ne les met à égalité.",
    )


def gap_detail_view(analysis: CandidacyAnalysis, a: str, b: str) -> FrenchTable:
    """The note gap between candidacies ``a`` and ``b``, criterion by criterion."""
    names = analysis.inputs.table["commune"]
    detail = explain_gap(analysis.result, a, b)
    frame = detail.reset_index(drop=True)
    na, nb = names[a], names[b]
    return FrenchTable(
        frame,
        [
            Column("libelle", "Critère"),
            Column("poids", "Poids", "percent", 1),
            Column("note_a", f"Note {na} (sur 20)", "number", 2),
            Column("note_b", f"Note {nb} (sur 20)", "number", 2),
            Column("ecart", "Écart pondéré (points sur 20)", "number", 2),
        ],
        caption=f"Écart entre {na} et {nb}, critère par critère",
        notes=[
            "Écart pondéré : poids × (note de la première − note de la seconde) ; "
            "leur somme est l'écart des notes globales.",
        ],
    )


def _interval(low: float, high: float) -> str:
    if low <= _EPS and high >= 1 - _EPS:
        return "quel qu'il soit"
    if low <= _EPS:
        return f"jusqu'à {format_percent(high, 1)}"
    if high >= 1 - _EPS:
        return f"à partir de {format_percent(low, 1)}"
    return f"de {format_percent(low, 1)} à {format_percent(high, 1)}"


def stability_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """For each criterion, the weights that keep the whole ranking / the first."""
    labels = _labels(analysis)
    if analysis.stability is None:
        frame = pd.DataFrame(columns=["critere", "poids", "classement", "premier"])
    else:
        s = analysis.stability
        frame = pd.DataFrame(
            {
                "critere": [labels.get(k, k) for k in s.index],
                "poids": s["poids"].to_numpy(),
                "classement": [
                    _interval(lo, hi)
                    for lo, hi in zip(
                        s["classement_min"], s["classement_max"], strict=True
                    )
                ],
                "premier": [
                    _interval(lo, hi)
                    for lo, hi in zip(s["premier_min"], s["premier_max"], strict=True)
                ],
            }
        )
    return FrenchTable(
        frame,
        [
            Column("critere", "Critère"),
            Column("poids", "Poids de la grille", "percent", 1),
            Column("classement", "Classement entier inchangé pour un poids"),
            Column("premier", "Première place inchangée pour un poids"),
        ],
        caption="Stabilité du classement quand un seul poids change",
        notes=[
            _WEIGHT_NOTE,
            f"Table complète : {MINUTES}, feuille « stabilite_poids ».",
        ],
    )


def leaders_summary(analysis: CandidacyAnalysis) -> Summary:
    """One sentence per EPCI: the weight closest to changing who leads it."""
    title = "Ce qui ferait changer la commune en tête de chaque EPCI"
    notes = [
        _WEIGHT_NOTE,
        f"Bornes de chaque poids pour chaque EPCI : {MINUTES}, feuille "
        "« premiers_epci ».",
    ]
    if analysis.leaders is None or analysis.leaders.empty:
        return Summary(title, ["Analyse non disponible pour cette méthode."], notes)
    labels = _labels(analysis)
    epci = _epci_names(analysis)
    names = analysis.inputs.table["commune"]
    sentences = []
    for group, rows in analysis.leaders.groupby("groupe", sort=True):
        leader = names[rows["premier"].iloc[0]]
        where = epci.get(group, group)
        below = np.where(
            rows["poids_min"] > _EPS, rows["poids"] - rows["poids_min"], np.inf
        )
        above = np.where(
            rows["poids_max"] < 1 - _EPS, rows["poids_max"] - rows["poids"], np.inf
        )
        margins = np.minimum(below, above)
        if not np.isfinite(margins).any():
            sentences.append(
                f"{where} : {leader} reste en tête quel que soit le poids donné "
                "à un seul critère."
            )
            continue
        i = int(np.argmin(margins))
        row = rows.iloc[i]
        label = labels.get(row["critere"], row["critere"])
        if below[i] <= above[i]:
            bound = f"ne descend pas sous {format_percent(row['poids_min'], 1)}"
        else:
            bound = f"ne dépasse pas {format_percent(row['poids_max'], 1)}"
        others = int(np.isfinite(margins).sum()) - 1
        if others == 0:
            tail = " C'est le seul poids qui, seul, peut changer la tête."
        elif others == 1:
            tail = " Un autre poids le peut aussi, en changeant davantage."
        else:
            tail = f" {others} autres poids le peuvent aussi, en changeant davantage."
        sentences.append(
            f"{where} : {leader} reste en tête tant que le poids de « {label} » "
            f"{bound} (il est de {format_percent(row['poids'], 1)}).{tail}"
        )
    return Summary(title, sentences, notes)


def robustness_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """Rank probabilities under random weights, in ranking order."""
    rob = robustness_table(analysis)
    frame = pd.DataFrame(
        {
            "commune": rob.get("commune"),
            "rang": rob.get("rang"),
            "rang_moyen": rob.get("rang_moyen"),
            "premier": rob.get("p_premier_epci"),
            "accueil": rob.get("p_accueil"),
        }
    )
    draws = "" if analysis.smaa is None else f" ({_draws(analysis)} tirages)"
    return FrenchTable(
        frame,
        [
            Column("commune", "Commune"),
            Column("rang", "Rang", "number", 0),
            Column("rang_moyen", "Rang moyen", "number", 1),
            Column("premier", "Première de son EPCI", "percent", 0),
            Column("accueil", "Accueille un marathon", "percent", 0),
        ],
        long=len(frame) > PAGE_ROWS,
        caption="Robustesse : part des tirages de poids au hasard" + draws,
        notes=[
            "Poids tirés autour de ceux de la grille (loi de Dirichlet, graine fixée "
            "dans la grille) ; l'attribution est recalculée à chaque tirage.",
            f"Probabilités de chaque rang : {MINUTES}, feuille « robustesse ».",
        ],
    )


def _draws(analysis: CandidacyAnalysis) -> str:
    return format_fr(analysis.smaa.scores.shape[0], 0)


def theme_pairs_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """For the communes that host in some draw: how often, and which theme."""
    pairs = pairs_table(analysis)
    if "p_accueil" in pairs:
        pairs = pairs[pairs["p_accueil"] > 0]
    themes = [c for c in pairs.columns if c not in {"code_insee", "commune"}]
    themes = [c for c in themes if c != "p_accueil"]
    specs = [Column("commune", "Commune")]
    specs += [Column(t, t[:1].upper() + t[1:], "percent", 0) for t in themes]
    if "p_accueil" in pairs:
        specs.append(Column("p_accueil", "Accueille (tous thèmes)", "percent", 0))
    return FrenchTable(
        pairs.reset_index(drop=True),
        specs,
        caption="Part des tirages où chaque commune accueille chaque thème",
        notes=["Seules les communes qui accueillent dans au moins un tirage."],
    )


def history_view(analysis: CandidacyAnalysis) -> FrenchTable:
    """The proposal next to the real 2023–2024 attribution."""
    hist = history_table(analysis)
    epci = _epci_names(analysis)
    frame = pd.DataFrame(
        {
            "epci": hist.get("epci_siren", pd.Series(dtype=object)).map(epci),
            "reelle": hist.get("nom_commune_reelle"),
            "theme_reel": hist.get("theme_reel"),
            "dates": hist.get("dates_reelles"),
            "proposee": hist.get("nom_commune_proposee"),
            "theme_propose": hist.get("theme_propose"),
            "periode": hist.get("periode_proposee", pd.Series(dtype=object)).map(
                period_label
            ),
        }
    )
    return FrenchTable(
        frame,
        [
            Column("epci", "EPCI"),
            Column("reelle", "Hôte réel 2023–2024"),
            Column("theme_reel", "Thème réel"),
            Column("dates", "Dates réelles"),
            Column("proposee", "Hôte proposé"),
            Column("theme_propose", "Thème proposé"),
            Column("periode", "Période proposée"),
        ],
        caption="La proposition et l'attribution réelle de 2023–2024",
        notes=[*_history_lines(analysis), _EPCI_NOTE],
    )


def _history_lines(analysis: CandidacyAnalysis) -> list[str]:
    if analysis.history is None:
        return []
    return [line for line in analysis.history.summary().splitlines() if line]
