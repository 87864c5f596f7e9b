"""The procès-verbal of the comité's session (page and PDF), and the app's text.

:func:`minutes_html` writes, in French, what the comité decided and how:
the date, the attribution decided, the overrides of the proposal with their
justification, the weights (grid and decided), the eliminatory rules applied
or lifted with their reason, the ranking with the contributions of the
criteria, the best attributions, the robustness, the log of the session and
the SHA-256 of the grid and of every input file; :func:`write_pdf` prints it
on A4 with WeasyPrint (the ``@page`` rules of ``mitlib/assets/page.css``:
running title, « fictif » / « interne » banner, page numbers).

:func:`attribution_html`, :func:`status_html` and :func:`frozen_html` are the
same facts as the app (:mod:`mitlib.seances.comite_app`) shows them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from mitlib.candidatures.display import (
    alternatives_view,
    epci_short,
    period_label,
    ranking_view,
    robustness_view,
)
from mitlib.candidatures.outputs import notes_table
from mitlib.candidatures.sheets import contribution_bars
from mitlib.core.text import count_fr, format_fr
from mitlib.data.fictional import FICTIONAL_COLUMN
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE, SHEET_CSS, esc, html_page
from mitlib.render.tables import Column, FrenchTable, table_css

__all__ = [
    "DECISION_FILES",
    "MINUTES_TITLE",
    "attribution_html",
    "frozen_html",
    "status_html",
    "date_fr",
    "decision_view",
    "log_view",
    "minutes_html",
    "overrides_view",
    "write_pdf",
]

#: Title of the procès-verbal (page, running title, PDF metadata).
MINUTES_TITLE = "Procès-verbal du comité d'attribution"

_CSS = """
.mitlib-pv-date { font-size: 12pt; margin: 0.6em 0; }
.mitlib-pv-alerte { color: #b30000; }
.mit-tableau-bloc { break-inside: avoid; }
.mitlib-pv-empreintes tbody td { font-family: "DejaVu Sans Mono", monospace;
  font-size: 7pt; word-break: break-all; }
.mitlib-pv-signature { margin-top: 2em; break-inside: avoid; }
.mitlib-pv-signature p { margin: 1.6em 0; }
.mitlib-barres table { font-size: 8pt; }
"""


def date_fr(moment: datetime | str) -> str:
    """« 12 mars 2025 à 14 h 05 ».

    Examples
    --------
    >>> date_fr("2025-03-01T09:05:00")
    '1er mars 2025 à 9 h 05'
    """
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    day = "1er" if moment.day == 1 else str(moment.day)
    month = period_label(f"{moment:%Y-%m}")
    return f"{day} {month} à {moment.hour} h {moment:%M}"


def _time(stamp: str) -> str:
    return datetime.fromisoformat(stamp).strftime("%H:%M:%S") if stamp else ""


def decision_view(
    d: pd.DataFrame,
    caption: str = "Attribution arrêtée : une commune hôte et un thème par EPCI",
) -> FrenchTable:
    """The attribution decided
    (:meth:`mitlib.seances.comite.CommitteeSession.decision`)."""
    frame = pd.DataFrame(
        {
            "periode": d["periode"].map(period_label).replace({"": None}),
            "epci": d["epci_nom"].map(epci_short),
            "commune": d["commune"],
            "theme": d["theme"],
            "note": d["note_sur_20"],
            "derogation": d["derogation"],
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
            Column("derogation", "Dérogation"),
        ],
        caption=caption,
        row_header=False,
        missing_note="— : aucune période proposée par la commune n'est libre.",
    )


def overrides_view(o: pd.DataFrame) -> str:
    """The overrides (sheet ``derogations``) as HTML, or a sentence if none."""
    if o.empty:
        return (
            "<p>Aucune dérogation : l'attribution arrêtée est celle que la grille "
            "propose.</p>"
        )
    frame = pd.DataFrame(
        {
            "epci": o["epci_nom"].map(epci_short),
            "proposee": o["nom_commune_proposee"],
            "retenue": o["nom_commune_retenue"],
            "justification": o["justification"],
            "heure": o["heure"].map(_time),
        }
    )
    return FrenchTable(
        frame,
        [
            Column("epci", "EPCI"),
            Column("proposee", "Commune proposée"),
            Column("retenue", "Commune retenue"),
            Column("justification", "Justification"),
            Column("heure", "Heure"),
        ],
        caption="Dérogations à la proposition, avec leur justification",
    ).to_html()


def _weights(sheets: dict) -> FrenchTable:
    w = sheets["poids"]
    return FrenchTable(
        w,
        [
            Column("libelle", "Critère"),
            Column("poids_grille", "Poids de la grille", "number", 1),
            Column("poids_arrete", "Poids arrêté", "number", 1),
            Column("part_grille", "Part dans la grille", "percent", 1),
            Column("part_arretee", "Part arrêtée", "percent", 1),
            Column("modifie", "Modifié"),
        ],
        caption="Poids des critères : grille publiée et poids arrêtés",
        notes=["Seuls les rapports entre poids comptent : les parts font 100 %."],
    )


def _rules(sheets: dict) -> FrenchTable:
    r = sheets["regles"].copy()
    r["etat"] = r["etat"].map({"appliquee": "appliquée", "levee": "levée"})
    return FrenchTable(
        r,
        [
            Column("libelle", "Critère"),
            Column("condition", "Condition"),
            Column("motif_elimination", "Motif d'élimination"),
            Column("etat", "État"),
            Column("motif_du_changement", "Motif du changement"),
        ],
        caption="Règles éliminatoires",
        missing_note="— : règle inchangée pendant la séance.",
    )


def log_view(log: pd.DataFrame) -> str:
    """The log of the session (sheet ``journal``) as HTML, or a sentence."""
    if log.empty:
        return (
            "<p>Aucun changement : la grille publiée a été appliquée telle quelle.</p>"
        )
    frame = log.assign(heure=log["heure"].map(_time))
    return FrenchTable(
        frame,
        [
            Column("heure", "Heure"),
            Column("type", "Type"),
            Column("objet", "Objet"),
            Column("ancienne_valeur", "Avant"),
            Column("nouvelle_valeur", "Après"),
            Column("motif", "Motif"),
        ],
        caption=f"Journal de la séance ({count_fr(len(log), 'changement')})",
        row_header=False,
        missing_note="— : aucun motif écrit (facultatif pour un poids).",
        long=False,
    ).to_html()


def _prints(sheets: dict) -> str:
    table = FrenchTable(
        sheets["empreintes"],
        [
            Column("role", "Fichier ou paramètres"),
            Column("fichier", "Nom"),
            Column("sha256", "SHA-256"),
        ],
        caption="Empreintes SHA-256 de la grille et des fichiers d'entrée",
        notes=[
            "Une empreinte identique prouve un fichier identique, octet pour "
            "octet (sha256sum sous Linux, Get-FileHash sous Windows)."
        ],
        missing_note="— : empreinte des paramètres de la grille, quelle que soit "
        "la mise en forme du fichier.",
    )
    return f'<div class="mitlib-pv-empreintes">{table.to_html()}</div>'


def minutes_html(session, analysis, manifest: dict, sheets: dict) -> str:
    """The procès-verbal as a standalone HTML page (what the PDF prints).

    *analysis* is the session's analysis with its robustness; *sheets* the
    tables of :func:`mitlib.seances.comite_decision.session_sheets`.
    """
    when = date_fr(manifest["arretee_le"])
    inputs = session.inputs
    _, warnings = session.decision()
    alert = "".join(f'<li class="mitlib-pv-alerte">{esc(w)}</li>' for w in warnings)
    notes = notes_table(analysis)
    labels = {k: session.labels[k] for k in analysis.result.weights.index}
    bars = contribution_bars(notes[notes["eligible"] == "oui"], labels)
    source = (
        f"exemple fourni avec mitlib ({FICTIONAL_COLUMN})"
        if manifest["donnees"] is None
        else manifest["donnees"]
    )
    body = (
        f"<h1>{esc(MINUTES_TITLE)}</h1>"
        f'<p class="sous-titre">{esc(session.base.name)} — '
        f"{esc(inputs.territory.name)}</p>"
        f'<p class="mitlib-pv-date">Décision arrêtée le <b>{esc(when)}</b> '
        f"(dossier {esc(manifest['dossier'])}).</p>"
        f"<p>Données : {esc(source)}. {count_fr(len(inputs.table), 'candidature')} "
        f"examinée{'s' if len(inputs.table) > 1 else ''} ; "
        f"{count_fr(len(session.log), 'changement')} pendant la séance, "
        f"{count_fr(len(session.overrides), 'dérogation')} à la proposition.</p>"
        f"<h2>1. Attribution arrêtée</h2>{decision_view(sheets['decision']).to_html()}"
        + (f"<ul>{alert}</ul>" if alert else "")
        + "<h2>2. Dérogations à la proposition</h2>"
        f"{overrides_view(sheets['derogations'])}"
        f"<h2>3. Poids des critères</h2>{_weights(sheets).to_html()}"
        f"<h2>4. Règles éliminatoires</h2>{_rules(sheets).to_html()}"
        f"<h2>5. Classement des candidatures</h2>{ranking_view(analysis).to_html()}"
        f"<h3>Contributions des critères à la note</h3>{bars}"
        "<h2>6. Les meilleures attributions</h2>"
        f"{alternatives_view(analysis).to_html()}"
        f"<h2>7. Robustesse aux poids</h2>{robustness_view(analysis).to_html()}"
        f"<h2>8. Journal de la séance</h2>{log_view(sheets['journal'])}"
        f"<h2>9. Empreintes des fichiers</h2>{_prints(sheets)}"
        '<div class="mitlib-pv-signature">'
        f"<p>Fait le {esc(when.split(' à ')[0])}.</p>"
        "<p>Pour le comité d'attribution, le président ou la présidente :</p>"
        "<p>Signature : ………………………………………………</p></div>"
    )
    notice = PUBLIC_NOTICE if session.public else INTERNAL_NOTICE
    css = SHEET_CSS + table_css() + _CSS
    return html_page(
        MINUTES_TITLE, body, css=css, fictional=inputs.fictional, notice=notice
    )


def write_pdf(page: str, target: Path) -> Path:
    """Print the HTML *page* on A4 to *target* (WeasyPrint)."""
    from mitlib.export.pdf import quiet_engine, require_engine

    weasyprint = require_engine()
    with quiet_engine():
        doc = weasyprint.HTML(string=page).render()
        doc.metadata.title = MINUTES_TITLE
        doc.metadata.lang = "fr"
        doc.write_pdf(target)
    return target


# -- what the app shows ---------------------------------------------------------


def attribution_html(s) -> str:
    """The tab « Attribution » of the app: the attribution proposed or decided
    (with the overrides and their justification), its warnings, the next best."""
    a = s.analysis
    if a.proposal is None:
        return (
            "<p class='mitlib-seance-erreur'>Attribution impossible : "
            f"{esc(a.attribution_error)}</p>"
        )
    decided, warnings = s.decision()
    caption = (
        "Attribution retenue : la proposition et les dérogations du comité"
        if s.overrides
        else "Proposition d'attribution : une commune hôte et un thème par EPCI"
    )
    parts = [decision_view(decided, caption)._repr_html_()]
    notes = [*a.warnings[len(s.inputs.warnings) :], *warnings, *s.override_problems()]
    parts += [f"<p class='mitlib-seance-erreur'>{esc(w)}</p>" for w in notes]
    for o in s.overrides.values():
        parts.append(
            f"<p>Dérogation pour {esc(epci_short(s.epci_name(o.epci)))} : "
            f"{esc(s.commune_name(o.commune))} — « {esc(o.justification)} »</p>"
        )
    parts.append(alternatives_view(a)._repr_html_())
    return "".join(parts)


def status_html(s) -> str:
    """The line under the banner: files, duration of the last computation, and
    what differs from the published grid."""
    inputs = s.inputs
    line = " — ".join(
        [
            f"Grille : {esc(inputs.grid_path.name)} (SHA-256 "
            f"{inputs.grid_sha256[:12]}…)",
            count_fr(len(inputs.table), "candidature"),
            f"dernier calcul en {format_fr(s.seconds, 2)} s",
        ]
    )
    lifted = sum(1 for applied, _ in s.rules.values() if not applied)
    changes = ["poids modifiés"] if s.weights_changed else []
    if lifted:
        changes.append(count_fr(lifted, "règle levée", "règles levées"))
    if s.overrides:
        changes.append(count_fr(len(s.overrides), "dérogation"))
    if changes:
        state = (
            "<span class='mitlib-comite-modifie'>Par rapport à la grille publiée : "
            f"{esc(', '.join(changes))} — {esc(_compared(s))}.</span>"
        )
    else:
        state = (
            "<span class='mitlib-comite-applique'>Grille publiée appliquée telle "
            "quelle.</span>"
        )
    frozen = ""
    if s.read_only:
        frozen = (
            "<div class='mitlib-comite-fait' role='note'><b>Décision arrêtée le "
            f"{esc(date_fr(s.frozen['arretee_le']))}</b> (dossier "
            f"{esc(s.folder.name)}) : consultation seule, rien ne peut plus être "
            "modifié. Le procès-verbal est dans ce dossier.</div>"
        )
    return f"{frozen}<p>{line}<br>{state}</p>"


def _compared(s) -> str:
    """How the ranking and the hosts differ from the published grid's."""
    before, now = s.reference, s.analysis
    ranks = [a.result.table["rang"].astype("Float64").fillna(-1) for a in (before, now)]
    moved = int((ranks[0] != ranks[1]).sum())
    hosts = dict(before.proposal.table["code_insee"]) if before.proposal else {}
    decided, _ = s.decision()
    changed = sum(
        1
        for e, c in zip(decided["epci_siren"], decided["code_insee"], strict=True)
        if hosts.get(e) != c
    )
    if not moved and not changed:
        return "classement et communes hôtes inchangés"
    return (
        f"{count_fr(moved, 'candidature')} change{'nt' if moved > 1 else ''} de "
        f"rang, {count_fr(changed, 'EPCI', 'EPCI')} "
        f"change{'nt' if changed > 1 else ''} de commune hôte"
    )


#: The files of a decision folder people open, and what each is.
DECISION_FILES = (
    ("proces_verbal.pdf", "le procès-verbal à signer"),
    ("proces_verbal.xlsx", "le classeur de toutes les tables"),
    ("grille_finale.yaml", "les poids et les règles arrêtés, en grille"),
    ("journal.csv", "chaque changement de la séance"),
    ("derogations.csv", "les dérogations et leur justification"),
    ("empreintes.csv", "les SHA-256 de la grille et des fichiers"),
    ("decision.json", "de quoi rouvrir la séance à l'identique"),
)


def frozen_html(s) -> str:
    """Where a frozen decision is, its main files, and how to reopen it."""
    files = "".join(
        f"<li><code>{name}</code> : {what}</li>" for name, what in DECISION_FILES
    )
    folder = esc(str(s.folder))
    return (
        "<div class='mitlib-comite-fait' role='status'><p><b>Décision arrêtée le "
        f"{esc(date_fr(s.frozen['arretee_le']))}.</b> Fichiers écrits dans : "
        f"<code>{folder}</code></p><ul>{files}</ul><p>Pour la rouvrir : "
        f"<code>mit seance comite --reprendre {folder}</code></p></div>"
    )
