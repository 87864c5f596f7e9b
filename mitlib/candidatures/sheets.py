"""Printable HTML score sheets, one per commune, and contribution bars.

A sheet says everything the comité must be able to defend in public about a
candidacy: eligibility and the motive of an elimination, the raw value, the
note out of 20, the weight and the contribution of every criterion (the
overall note is their sum), the tie-break rule when it was used, the gap to
the candidacy ranked just above and the smallest weight change that would
swap them, the rank probabilities under random weights, the themes and
periods asked for, the commune's own texts, and the SHA-256 of the grid and
candidacy files.

Pages are self-contained (inline CSS with a ``@media print`` section, no
script, no network reference), deterministic (no date), and every piece of
text coming from a file is HTML-escaped, so a ``<script>`` typed in a cell
stays text. The candidacy's ``contact`` (personal data) is never read.

Examples
--------
>>> esc('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mitlib.candidatures.criteria import EliminationRule
from mitlib.candidatures.inputs import describe_source
from mitlib.candidatures.proposal import CandidacyAnalysis
from mitlib.core.errors import OptionError
from mitlib.core.provenance import mitlib_version
from mitlib.core.text import fold, format_fr
from mitlib.data.outputs import safe_name
from mitlib.render.page import SHEET_CSS, esc, html_page, provenance_block
from mitlib.render.palettes import CATEGORY_COLORS

__all__ = [
    "contribution_bars",
    "criterion_colors",
    "rule_text",
    "score_sheet",
    "sheet_filename",
    "sheets_index",
]

_CSS = (
    SHEET_CSS
    + """
.note { font-size: 14pt; }
.elimine { color: #b30000; font-weight: bold; }
tfoot td { font-weight: bold; }
.barre { display: inline-block; height: 0.8em; }
.pile { display: flex; width: 100%; height: 1em; background: #f2f2f2; }
.pile span { display: block; height: 100%; }
.legende span { display: inline-block; margin-right: 1em; }
.legende i { display: inline-block; width: 0.8em; height: 0.8em;
             margin-right: 0.3em; }
.explication { color: #555; font-size: 9pt; }
@media print {
  .pile, .barre, .legende i { -webkit-print-color-adjust: exact;
                              print-color-adjust: exact; }
}
"""
)

# The bars alone, scoped: they are also shown inside notebooks.
_BARS_CSS = """
.mitlib-barres .pile { display: flex; width: 100%; height: 1em;
                       background: #f2f2f2; }
.mitlib-barres .pile span { display: block; height: 100%; }
.mitlib-barres .legende span { display: inline-block; margin-right: 1em; }
.mitlib-barres .legende i { display: inline-block; width: 0.8em; height: 0.8em;
                            margin-right: 0.3em; }
.mitlib-barres td.nombre { text-align: right; }
"""


def _num(x: object, decimals: int = 2) -> str:
    if x is None or (isinstance(x, float | np.floating) and np.isnan(x)):
        return "—"
    return esc(format_fr(float(x), decimals))


def _pct(x: float) -> str:
    if 0 < x < 0.0005:
        return "&lt; 0,1 %"
    return esc(format_fr(100.0 * float(x), 1) + " %")


def _value(x: object) -> str:
    """A raw value: text escaped, whole numbers without decimals."""
    if isinstance(x, str):
        return esc(x)
    if x is not None and np.isfinite(x) and float(x).is_integer():
        return _num(x, 0)
    return _num(x)


def rule_text(rule: EliminationRule) -> str:
    """French reading of an eliminatory rule's condition.

    Examples
    --------
    >>> rule_text(EliminationRule(">=", 3))
    '≥ 3'
    >>> rule_text(EliminationRule("in", ["ACV", "PVD"]))
    'parmi : ACV, PVD'
    """
    if rule.op == "in":
        return "parmi : " + ", ".join(map(str, rule.value))
    if rule.op == "non_vide":
        return "valeur renseignée"
    symbol = {">=": "≥", "<=": "≤", "==": "="}.get(rule.op, rule.op)
    value = rule.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = format_fr(float(value), 0 if float(value).is_integer() else 2)
    return f"{symbol} {value}"


def criterion_colors(keys: Sequence[str]) -> dict[str, str]:
    """A colour per criterion (ColorBrewer Dark2, in grid order).

    Examples
    --------
    >>> criterion_colors(["a", "b"])
    {'a': '#1b9e77', 'b': '#d95f02'}
    """
    return {k: CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i, k in enumerate(keys)}


def sheet_filename(code: str, commune: str) -> str:
    """File name of a commune's sheet: ``<code>_<name>.html`` (ASCII).

    Examples
    --------
    >>> sheet_filename("47323", "Villeneuve-sur-Lot")
    '47323_villeneuve-sur-lot.html'
    """
    slug = "-".join(fold(commune).replace("'", " ").split()) or "commune"
    return f"{safe_name(code)}_{safe_name(slug)}.html"


#: Said on every sheet: the candidacy's contact column is never read.
NO_PERSONAL_DATA = (
    "Document sans donnée personnelle : le contact des dossiers n'est pas repris."
)


def _page(title: str, body: str, analysis: CandidacyAnalysis) -> str:
    inputs = analysis.inputs
    files = [
        f"Grille : {esc(inputs.grid_path.name)}, SHA-256 "
        f"<code>{esc(inputs.grid_sha256)}</code>",
        f"Candidatures : {esc(inputs.candidacies_path.name)}, SHA-256 "
        f"<code>{esc(inputs.candidacies_sha256)}</code>",
        f"Produit par mitlib {esc(mitlib_version())}.",
    ]
    footer = (
        f"<footer><p>{esc(NO_PERSONAL_DATA)}</p>"
        f"{provenance_block(list(inputs.provenance), lines=files)}</footer>"
    )
    return html_page(title, body, css=_CSS, fictional=inputs.fictional, footer=footer)


def _criteria_rows(analysis: CandidacyAnalysis, code: str) -> str:
    result, table = analysis.result, analysis.inputs.table
    grid = analysis.grid
    eligible = bool(result.table.at[code, "eligible"])
    weights = grid.weights
    colors = criterion_colors(list(result.weights.index))
    rows = []
    for c in grid.criteria:
        raw = table.at[code, c.source]
        value = _value(raw)
        scored = f"note_{c.key}" in result.table.columns
        note = result.table.at[code, f"note_{c.key}"] if scored else np.nan
        contribution = (
            result.table.at[code, f"contribution_{c.key}"] if scored else np.nan
        )
        if not scored and eligible:
            contribution = 0.0
        width = 0.0 if np.isnan(contribution) else 5.0 * contribution
        bar = (
            f'<span class="barre" style="width:{width:.2f}%;'
            f'background:{colors.get(c.key, "#999999")}"></span>'
        )
        direction = (
            "plus haut est mieux"
            if c.direction.value == "max"
            else ("plus bas est mieux")
        )
        rows.append(
            "<tr>"
            f"<td>{esc(c.label)}</td>"
            f"<td>{esc(describe_source(c.source))}</td>"
            f'<td class="nombre">{value}</td>'
            f"<td>{esc(direction if c.weight > 0 else 'filtre')}</td>"
            f'<td class="nombre">{_pct(weights[c.key])}</td>'
            f'<td class="nombre">{_num(note)}</td>'
            f'<td class="nombre">{_num(contribution)}</td>'
            f"<td>{bar}</td>"
            "</tr>"
        )
    total = result.table.at[code, "note_sur_20"]
    return (
        "<table><thead><tr><th>Critère</th><th>Source</th><th>Valeur</th>"
        "<th>Sens</th><th>Poids</th><th>Note /20</th><th>Contribution</th>"
        "<th></th></tr></thead><tbody>"
        + "".join(rows)
        + '</tbody><tfoot><tr><td colspan="4">Note globale</td>'
        f'<td class="nombre">100 %</td><td></td>'
        f'<td class="nombre">{_num(total)}</td><td></td></tr></tfoot></table>'
    )


def _rules(analysis: CandidacyAnalysis, code: str) -> str:
    table = analysis.inputs.table
    items = []
    for c in analysis.grid.criteria:
        rule = c.elimination
        if rule is None:
            continue
        ok = bool(rule.passes(table.loc[[code], c.source])[0])
        status = "remplie" if ok else f"NON remplie : {rule.reason}"
        items.append(
            f"<li>{esc(c.label)} ({esc(rule_text(rule))}) : {esc(status)}</li>"
        )
    if not items:
        return "<p>Aucune règle éliminatoire.</p>"
    return "<ul>" + "".join(items) + "</ul>"


def _comparison(analysis: CandidacyAnalysis, code: str) -> str:
    result = analysis.result
    gaps = analysis.gaps
    ranking = list(result.ranking)
    if gaps is None or code not in ranking or len(ranking) < 2:
        return ""
    if code == ranking[0]:
        above, below = code, ranking[1]
        row = gaps.loc[below]
    else:
        row = gaps.loc[code]
        above, below = row["devant"], code
    names = analysis.inputs.table["commune"]
    head = (
        f"<p>Écart entre {esc(names[above])} (rang "
        f"{int(result.table.at[above, 'rang'])}) et {esc(names[below])} (rang "
        f"{int(result.table.at[below, 'rang'])}) : {_num(row['ecart_total'])} "
        "point(s) sur 20, critère par critère :</p>"
    )
    cells = "".join(
        f"<tr><td>{esc(analysis.grid.criterion(k).label)}</td>"
        f'<td class="nombre">{_num(row[f"ecart_{k}"])}</td></tr>'
        for k in result.weights.index
    )
    table = (
        "<table><thead><tr><th>Critère</th><th>Écart de contribution (+ : "
        f"avantage à {esc(names[above])})</th></tr></thead><tbody>{cells}"
        "</tbody></table>"
    )
    if row["critere_bascule"]:
        label = analysis.grid.criterion(row["critere_bascule"]).label
        swap = (
            "<p>Plus petit changement d'un seul poids qui les mettrait à égalité : "
            f"porter le poids de « {esc(label)} » "
            f"de {_pct(row['poids_actuel'])} à {_pct(row['poids_bascule'])} "
            "(les autres poids réduits ou augmentés en proportion).</p>"
        )
    else:
        swap = "<p>Aucun changement d'un seul poids ne les met à égalité.</p>"
    return "<section><h2>Comparaison</h2>" + head + table + swap + "</section>"


def _robustness(analysis: CandidacyAnalysis, code: str) -> str:
    res = analysis.smaa
    if res is None or code not in res.table.index:
        return ""
    row = res.table.loc[code]
    n = len(res.table)
    ranks = [(r, row[f"p_rang_{r}"]) for r in range(1, n + 1) if row[f"p_rang_{r}"] > 0]
    cells = "".join(
        f'<tr><td>{r}</td><td class="nombre">{_pct(p)}</td></tr>' for r, p in ranks
    )
    host = ""
    if analysis.pairs is not None and code in analysis.pairs.index:
        share = float(analysis.pairs.loc[code].sum())
        draws = analysis.grid.robustness.n_draws_attribution
        host = (
            f"<p>Commune retenue comme hôte dans {_pct(share)} des "
            f"{_num(draws, 0)} "
            "premiers tirages (attribution entière recalculée à chaque tirage).</p>"
        )
    return (
        "<section><h2>Robustesse</h2><p>Les poids ont été tirés au hasard "
        f"{_num(res.weights.shape[0], 0)} fois autour de ceux de la grille (graine "
        f"{esc(res.seed)}). Rang moyen : {_num(row['rang_moyen'])}.</p>"
        "<table><thead><tr><th>Rang</th><th>Probabilité</th></tr></thead>"
        f"<tbody>{cells}</tbody></table>{host}</section>"
    )


def _status(analysis: CandidacyAnalysis, code: str) -> str:
    result = analysis.result
    t = result.table
    epci = analysis.inputs.table["epci_siren"]
    if not bool(t.at[code, "eligible"]):
        return (
            '<p class="elimine">Candidature non classée (éliminée) : '
            f"{esc(t.at[code, 'motif_exclusion'])}</p>"
        )
    rank = int(t.at[code, "rang"])
    same = [c for c in result.ranking if epci[c] == epci[code]]
    text = (
        f'<p class="note">Note globale : <strong>{_num(t.at[code, "note_sur_20"])} '
        f"/ 20</strong> — rang {rank} sur {len(result.ranking)} candidatures "
        f"classées ; {same.index(code) + 1}e de son EPCI.</p>"
    )
    if isinstance(t.at[code, "departage"], str):
        text += (
            "<p>Égalité de note avec une autre candidature, départagée par : "
            f"{esc(t.at[code, 'departage'])} (règle écrite de la grille).</p>"
        )
    proposal = analysis.proposal
    if proposal is not None and epci[code] in proposal.table.index:
        chosen = proposal.table.loc[epci[code]]
        if chosen["code_insee"] == code:
            period = analysis.proposal_periods.get(code, "")
            text += (
                "<p><strong>Proposée pour accueillir le marathon « "
                f"{esc(chosen['theme'])} »</strong> (période {esc(period)}).</p>"
            )
        else:
            other = analysis.inputs.table.at[chosen["code_insee"], "commune"]
            text += (
                f"<p>Non retenue : la proposition confie le marathon de l'EPCI à "
                f"{esc(other)} (« {esc(chosen['theme'])} »).</p>"
            )
    return text


def _wishes(analysis: CandidacyAnalysis, code: str) -> str:
    data = analysis.inputs.candidacies.data.set_index("code_insee")
    row = data.loc[code]
    themes = "".join(
        f"<li>{esc(row[f'theme_{r}'])}</li>"
        for r in range(1, 6)
        if isinstance(row[f"theme_{r}"], str)
    )
    periods = ", ".join(esc(p) for p in analysis.inputs.availability.get(code, []))
    texts = "".join(
        f"<tr><th>{label}</th><td>{esc(row[col])}</td></tr>"
        for col, label in (
            ("elu_referent", "Élu référent"),
            ("motivation", "Motivation"),
            ("commentaires", "Commentaires"),
        )
    )
    return (
        "<section><h2>Vœux et disponibilités</h2>"
        f"<p>Thèmes classés par la commune :</p><ol>{themes}</ol>"
        f"<p>Périodes possibles dans le calendrier : {periods or 'aucune'}.</p>"
        f"</section><section><h2>Dossier</h2><table>{texts}</table></section>"
    )


def score_sheet(analysis: CandidacyAnalysis, code: str) -> str:
    """The printable score sheet of one candidacy, as a standalone HTML page.

    Parameters
    ----------
    analysis : CandidacyAnalysis
        From :func:`mitlib.candidatures.proposal.analyse`.
    code : str
        The commune's INSEE code.

    Returns
    -------
    str
        The page (UTF-8 text): French, escaped, offline, deterministic.
    """
    table = analysis.inputs.table
    if code not in table.index:
        raise OptionError(f"Pas de candidature pour la commune {code}.")
    grid = analysis.grid
    name = table.at[code, "commune"]
    body = (
        f"<header><h1>Fiche de notation — {esc(name)} ({esc(code)})</h1>"
        f'<p class="sous-titre">{esc(table.at[code, "epci_nom"])} — candidature '
        f"{esc(table.at[code, 'id'])} — label {esc(table.at[code, 'label'])}</p>"
        f'<p class="sous-titre">{esc(grid.name)}</p></header>'
        f"<section><h2>Résultat</h2>{_status(analysis, code)}</section>"
        "<section><h2>Détail par critère</h2>"
        f"{_criteria_rows(analysis, code)}"
        '<p class="explication">Chaque critère reçoit une note sur 20 (méthode '
        "de la grille, sur les seules candidatures éligibles) ; sa contribution "
        "est le poids multiplié par cette note, et la note globale est la somme "
        "des contributions. Les rangs obtenus critère par critère ne sont jamais "
        "additionnés.</p></section>"
        f"<section><h2>Règles éliminatoires</h2>{_rules(analysis, code)}</section>"
        f"{_comparison(analysis, code)}{_robustness(analysis, code)}"
        f"{_wishes(analysis, code)}"
    )
    return _page(f"Fiche de notation — {name}", body, analysis)


def sheets_index(analysis: CandidacyAnalysis) -> str:
    """An HTML page listing every sheet, in ranking order (eliminated last)."""
    t = analysis.result.table
    names = analysis.inputs.table["commune"]
    order = [*analysis.result.ranking, *t.index[~t["eligible"].to_numpy()]]
    rows = "".join(
        f'<tr><td><a href="{esc(sheet_filename(c, names[c]))}">{esc(names[c])}</a>'
        f"</td><td>{esc(c)}</td>"
        f"<td>{esc(analysis.inputs.table.at[c, 'epci_nom'])}</td>"
        f'<td class="nombre">{_num(t.at[c, "note_sur_20"])}</td>'
        f'<td class="nombre">{esc(t.at[c, "rang"]) if t.at[c, "eligible"] else "—"}'
        f"</td><td>{esc(t.at[c, 'motif_exclusion'])}</td></tr>"
        for c in order
    )
    body = (
        f"<header><h1>Fiches de notation</h1><p>{esc(analysis.grid.name)}</p>"
        "</header><table><thead><tr><th>Commune</th><th>Code INSEE</th>"
        "<th>EPCI</th><th>Note /20</th><th>Rang</th><th>Motif d'exclusion</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )
    return _page("Fiches de notation", body, analysis)


def contribution_bars(notes: pd.DataFrame, labels: dict[str, str]) -> str:
    """Stacked bars of the contributions, one line per candidacy (HTML).

    Parameters
    ----------
    notes : DataFrame
        Rows to draw, in order, with ``commune``, ``note_sur_20`` and
        ``contribution_<key>`` columns (e.g. the eligible rows of
        :func:`mitlib.candidatures.outputs.notes_table`).
    labels : dict
        ``key -> French label`` of the criteria to draw, in order.

    Returns
    -------
    str
        An HTML fragment (a legend and a table), widths in % of 20 points.

    Examples
    --------
    >>> notes = pd.DataFrame({"commune": ["A"], "note_sur_20": [15.0],
    ...                       "contribution_x": [10.0], "contribution_y": [5.0]})
    >>> html_ = contribution_bars(notes, {"x": "X", "y": "Y"})
    >>> "width:50.00%" in html_, "width:25.00%" in html_
    (True, True)
    """
    colors = criterion_colors(list(labels))
    legend = "".join(
        f'<span><i style="background:{colors[k]}"></i>{esc(label)}</span>'
        for k, label in labels.items()
    )
    rows = []
    for _, row in notes.iterrows():
        spans = "".join(
            f'<span title="{esc(labels[k])} : {_num(row[f"contribution_{k}"])}" '
            f'style="width:{5.0 * float(row[f"contribution_{k}"]):.2f}%;'
            f'background:{colors[k]}"></span>'
            for k in labels
            if not np.isnan(row[f"contribution_{k}"])
        )
        rows.append(
            f"<tr><td>{esc(row['commune'])}</td>"
            f'<td class="nombre">{_num(row["note_sur_20"])}</td>'
            f'<td style="width:60%"><div class="pile">{spans}</div></td></tr>'
        )
    return (
        f'<div class="mitlib-barres"><style>{_BARS_CSS}</style>'
        f'<div class="legende">{legend}</div><table><thead><tr><th>Commune</th>'
        "<th>Note /20</th><th>Contributions (sur 20 points)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
