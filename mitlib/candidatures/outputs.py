"""Writing what the comité reads: CSV tables, the minutes workbook, score sheets.

:func:`write_candidacy_outputs` writes, in one directory:

* ``notes.csv``: one row per candidacy (ranking order, eliminated last) with
  eligibility and motive, the overall note out of 20, the rank, the
  tie-break rule used, and for each criterion its raw value, note and
  contribution;
* ``attribution.csv``: the proposal, one row per EPCI, with its period;
* ``alternatives.csv``: the best attribution and the next ones, with their
  gap to the best;
* ``ecarts.csv``: why each candidacy ranks below the one above it;
* ``robustesse.csv``: rank probabilities under random weights (SMAA);
  ``stabilite_poids.csv`` and ``premiers_epci.csv``: exact weight intervals;
  ``couples.csv``: how often each commune–theme pair is chosen;
* ``historique.csv``: the proposal next to the real 2023–2024 attribution
  (when its five hosts applied);
* ``provenance.csv`` and ``proces_verbal.xlsx`` (every table, one sheet each,
  plus the grid and the warnings);
* ``fiches/``: one printable HTML score sheet per commune and an index.

CSV files are French-Excel (``;``, decimal comma, UTF-8 with BOM). Every
table carries the SHA-256 of the grid and candidacy files (columns
``grille_sha256`` and ``candidatures_sha256``) and, for the bundled sample,
an ``avertissement`` column (:data:`~mitlib.data.fictional.FICTIONAL_COLUMN`).
No output holds the candidacies' ``contact`` column, and no output holds a
date: two runs on the same files give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mitlib.candidatures.attribution_model import Attribution
from mitlib.candidatures.proposal import CandidacyAnalysis
from mitlib.candidatures.sheets import (
    rule_text,
    score_sheet,
    sheet_filename,
    sheets_index,
)
from mitlib.core.text import count_fr, format_fr
from mitlib.core.writers import write_csv, write_xlsx
from mitlib.data.fictional import FICTIONAL_COLUMN, FICTIONAL_NOTICE

__all__ = [
    "alternatives_table",
    "attribution_table",
    "gaps_table",
    "grid_table",
    "history_table",
    "notes_table",
    "pairs_table",
    "robustness_table",
    "stability_tables",
    "summary",
    "write_candidacy_outputs",
    "write_xlsx",
]

# Fixed date of the zip entries and document properties of the workbook.


def _stamp(df: pd.DataFrame, analysis: CandidacyAnalysis) -> pd.DataFrame:
    """Add the hashes (last columns) and, for the sample, the warning (first)."""
    out = df.copy()
    if analysis.inputs.fictional:
        out.insert(0, "avertissement", FICTIONAL_COLUMN)
    out["grille_sha256"] = analysis.inputs.grid_sha256
    out["candidatures_sha256"] = analysis.inputs.candidacies_sha256
    return out


def _yes(flag: object) -> str:
    return "oui" if bool(flag) else "non"


def notes_table(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """One row per candidacy: eligibility, note, rank, each criterion's part.

    Columns: ``code_insee``, ``commune``, ``epci_siren``, ``epci_nom``,
    ``id``, ``label``, ``eligible`` (oui/non), ``motif_exclusion``,
    ``note_sur_20``, ``rang``, ``departage``, then ``valeur_<key>`` (raw
    value), ``note_<key>`` (scored criteria) and ``contribution_<key>``
    (every criterion; 0 for a pure filter). Eligible rows come first, in
    ranking order.
    """
    result, table = analysis.result, analysis.inputs.table
    t = result.table
    order = [*result.ranking, *t.index[~t["eligible"].to_numpy()]]
    out = table.loc[order, ["commune", "epci_siren", "epci_nom", "id", "label"]]
    out = out.copy()
    out.insert(0, "code_insee", out.index)
    out["eligible"] = t.loc[order, "eligible"].map(_yes)
    for col in ("motif_exclusion", "note_sur_20", "rang", "departage"):
        out[col] = t.loc[order, col]
    criteria = analysis.grid.criteria
    for c in criteria:
        out[f"valeur_{c.key}"] = table.loc[order, c.source]
    for c in criteria:
        if f"note_{c.key}" in t.columns:
            out[f"note_{c.key}"] = t.loc[order, f"note_{c.key}"]
    eligible = t.loc[order, "eligible"].to_numpy()
    for c in criteria:
        column = f"contribution_{c.key}"
        if column in t.columns:
            out[column] = t.loc[order, column]
        else:  # a pure filter weighs nothing
            out[column] = np.where(eligible, 0.0, np.nan)
    return out.reset_index(drop=True)


def _attribution_rows(
    attribution: Attribution, analysis: CandidacyAnalysis, periods: dict | None
) -> pd.DataFrame:
    table = analysis.inputs.table
    a = attribution.table.reset_index()
    return pd.DataFrame(
        {
            "epci_siren": a["epci_siren"],
            "epci_nom": a["epci_siren"].map(
                table.drop_duplicates("epci_siren").set_index("epci_siren")["epci_nom"]
            ),
            "code_insee": a["code_insee"],
            "commune": a["code_insee"].map(table["commune"]),
            "theme": a["theme"],
            "periode": a["code_insee"].map(periods or {}).fillna(""),
            "score": a["score"] * 20.0,
            "rang_theme": a["rang_theme"],
            "valeur": a["valeur"],
        }
    )


def attribution_table(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """The proposal, one row per EPCI: host, theme, period, score (/20).

    Columns: ``epci_siren``, ``epci_nom``, ``code_insee``, ``commune``,
    ``theme``, ``periode``, ``score`` (the host's note out of 20),
    ``rang_theme`` (rank the commune gave the theme) and ``valeur`` (its
    term in the attribution's objective). Empty when no attribution exists.
    """
    if analysis.proposal is None:
        columns = ["epci_siren", "epci_nom", "code_insee", "commune", "theme"]
        return pd.DataFrame(columns=[*columns, "periode", "score"])
    rows = _attribution_rows(analysis.proposal, analysis, analysis.proposal_periods)
    return rows.sort_values("periode", kind="stable").reset_index(drop=True)


def alternatives_table(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """The best attributions, long format (one row per attribution and EPCI).

    ``rang_attribution`` 1 is the best; ``valeur`` its objective, ``ecart``
    the gap to the best, ``calendrier_possible`` whether it can be scheduled
    and ``proposition`` which one is proposed.
    """
    frames = []
    periods = dict(zip(map(id, analysis.listed), analysis.periods, strict=True))
    for a in analysis.alternatives:
        rows = _attribution_rows(a, analysis, periods[id(a)])
        rows.insert(0, "rang_attribution", a.rank)
        rows.insert(1, "valeur_totale", a.value)
        rows.insert(2, "ecart", a.gap)
        rows.insert(3, "calendrier_possible", _yes(periods[id(a)] is not None))
        rows.insert(4, "proposition", _yes(a is analysis.proposal))
        frames.append(rows)
    if not frames:
        return pd.DataFrame(columns=["rang_attribution", "valeur_totale", "ecart"])
    return pd.concat(frames, ignore_index=True)


def gaps_table(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """:func:`mitlib.candidatures.proposal.ranking_gaps` with commune names (weighted
    sum)."""
    gaps = analysis.gaps
    if gaps is None:
        return pd.DataFrame(columns=["code_insee", "rang", "devant"])
    names = analysis.inputs.table["commune"]
    out = gaps.reset_index()
    out.insert(1, "commune", out["code_insee"].map(names))
    out.insert(4, "commune_devant", out["devant"].map(names))
    return out


def robustness_table(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """Rank probabilities (SMAA) of the eligible candidacies, ranking order.

    Columns: ``code_insee``, ``commune``, ``epci_siren``, ``note_sur_20``,
    ``rang``, ``rang_moyen``, ``p_premier_epci`` (share of the draws where
    the candidacy is first of its EPCI), ``p_accueil`` (share of the
    attribution draws where it hosts a marathon), ``p_rang_1`` …
    ``p_rang_n``, and the mean weights of the draws where it comes first
    (``poids_central_<key>``).
    """
    res = analysis.smaa
    if res is None:
        return pd.DataFrame(columns=["code_insee", "rang", "rang_moyen"])
    table = analysis.inputs.table
    t = res.table
    epci = table.loc[t.index, "epci_siren"]
    scores = res.scores[t.index].to_numpy()
    first = np.zeros(len(t))
    for group in sorted(set(epci)):
        cols = np.flatnonzero((epci == group).to_numpy())
        best = cols[np.argmax(scores[:, cols], axis=1)]  # ties: ranking order
        first += np.bincount(best, minlength=len(t))
    out = pd.DataFrame(
        {
            "code_insee": t.index,
            "commune": table.loc[t.index, "commune"].to_numpy(),
            "epci_siren": epci.to_numpy(),
            "note_sur_20": analysis.result.table.loc[t.index, "note_sur_20"].to_numpy(),
            "rang": t["rang"].to_numpy(),
            "rang_moyen": t["rang_moyen"].to_numpy(),
            "p_premier_epci": first / scores.shape[0],
        }
    )
    if analysis.pairs is not None:
        host = analysis.pairs.sum(axis=1)
        out["p_accueil"] = out["code_insee"].map(host).fillna(0.0).to_numpy()
    rest = t.drop(columns=["rang", "rang_moyen"]).reset_index(drop=True)
    return pd.concat([out, rest], axis=1)


def stability_tables(
    analysis: CandidacyAnalysis,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exact weight intervals: whole ranking / first place, and per EPCI leader."""
    labels = {c.key: c.label for c in analysis.grid.criteria}
    if analysis.stability is None:
        empty = pd.DataFrame(columns=["critere", "libelle", "poids"])
        return empty, empty.copy()
    stab = analysis.stability.reset_index()
    stab.insert(1, "libelle", stab["critere"].map(labels))
    leaders = analysis.leaders.rename(columns={"groupe": "epci_siren"}).copy()
    names = analysis.inputs.table["commune"]
    leaders.insert(2, "commune", leaders["premier"].map(names))
    leaders.insert(4, "libelle", leaders["critere"].map(labels))
    return stab, leaders


def pairs_table(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """Share of the draws choosing each commune–theme pair, and ``p_accueil``."""
    if analysis.pairs is None:
        return pd.DataFrame(columns=["code_insee", "commune"])
    out = analysis.pairs.copy()
    out["p_accueil"] = out.sum(axis=1)
    out = out.reset_index()
    out.insert(1, "commune", out["code_insee"].map(analysis.inputs.table["commune"]))
    return out


def history_table(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """The historical comparison with commune names (empty if not applicable)."""
    if analysis.history is None:
        return pd.DataFrame(columns=["epci_siren", "commune_reelle"])
    names = analysis.inputs.table["commune"]
    out = analysis.history.table.copy()
    out.insert(2, "nom_commune_reelle", out["commune_reelle"].map(names))
    out.insert(8, "nom_commune_proposee", out["commune_proposee"].map(names))
    return out


def grid_table(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """The grid applied, one row per criterion (for the minutes)."""
    weights = analysis.grid.weights
    rows = []
    for c in analysis.grid.criteria:
        rule = c.elimination
        rows.append(
            {
                "critere": c.key,
                "libelle": c.label,
                "source": c.source,
                "sens": c.direction.value if c.weight > 0 else "filtre",
                "poids_saisi": c.weight,
                "poids": weights[c.key],
                "normalisation": c.normalisation,
                "regle_eliminatoire": "" if rule is None else rule_text(rule),
                "motif": "" if rule is None else rule.reason,
            }
        )
    return pd.DataFrame(rows)


#: Six significant digits in the CSV tables: what the comité reads.
_FLOATS = "%.6g"


def _provenance(analysis: CandidacyAnalysis) -> pd.DataFrame:
    rows = [("mitlib", _version()), *analysis.inputs.provenance]
    if analysis.inputs.fictional:
        rows.append(("avertissement", FICTIONAL_NOTICE))
    return pd.DataFrame(rows, columns=["element", "valeur"])


def _version() -> str:
    from mitlib.core.provenance import mitlib_version

    return mitlib_version()


def _messages(analysis: CandidacyAnalysis) -> pd.DataFrame:
    lines = list(analysis.warnings)
    if analysis.attribution_error:
        lines.insert(0, f"Attribution impossible : {analysis.attribution_error}")
    if analysis.history is not None:
        lines += analysis.history.summary().splitlines()
    return pd.DataFrame({"message": lines})


def write_candidacy_outputs(
    analysis: CandidacyAnalysis,
    directory: Path | str,
    *,
    extra_sheets: dict[str, pd.DataFrame] | None = None,
) -> list[Path]:
    """Write every table, the minutes workbook and the score sheets.

    Parameters
    ----------
    analysis : CandidacyAnalysis
        From :func:`mitlib.candidatures.proposal.analyse`.
    directory : path-like
        Created if needed; files of a previous run are overwritten.
    extra_sheets : dict of str to DataFrame, optional
        Sheets put first in ``proces_verbal.xlsx`` (the comité session's
        decision, weights, rules, overrides and log).

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    stability, leaders = stability_tables(analysis)
    tables = {
        "notes": notes_table(analysis),
        "attribution": attribution_table(analysis),
        "alternatives": alternatives_table(analysis),
        "ecarts": gaps_table(analysis),
        "robustesse": robustness_table(analysis),
        "stabilite_poids": stability,
        "premiers_epci": leaders,
        "couples": pairs_table(analysis),
    }
    if analysis.history is not None:
        tables["historique"] = history_table(analysis)
    stamped = {name: _stamp(df, analysis) for name, df in tables.items()}
    written = [
        write_csv(df, out / f"{name}.csv", float_format=_FLOATS)
        for name, df in stamped.items()
    ]
    provenance = _provenance(analysis)
    written.append(write_csv(provenance, out / "provenance.csv", float_format=_FLOATS))
    sheets = {
        **(extra_sheets or {}),
        "provenance": provenance,
        "grille": _stamp(grid_table(analysis), analysis),
        **stamped,
        "messages": _messages(analysis),
    }
    written.append(write_xlsx(sheets, out / "proces_verbal.xlsx"))
    folder = out / "fiches"
    folder.mkdir(exist_ok=True)
    names = analysis.inputs.table["commune"]
    for code in analysis.inputs.table.index:
        path = folder / sheet_filename(code, names[code])
        path.write_text(score_sheet(analysis, code), encoding="utf-8")
        written.append(path)
    index = folder / "index.html"
    index.write_text(sheets_index(analysis), encoding="utf-8")
    written.append(index)
    return written


def summary(
    analysis: CandidacyAnalysis,
    written: list[Path] | None = None,
    directory: Path | str | None = None,
) -> str:
    """French console summary: hashes, ranking, proposal, alternatives, history.

    The two SHA-256 are printed in full, so that anyone can check them
    against the published files (``sha256sum grille.yaml``).
    """
    inputs, result = analysis.inputs, analysis.result
    loaded = inputs.candidacies
    lines = [
        f"Grille : {inputs.grid_path.name} — SHA-256 {inputs.grid_sha256}",
        f"Candidatures : {inputs.candidacies_path.name} — SHA-256 "
        f"{inputs.candidacies_sha256} ({count_fr(len(loaded.data), 'valide')}, "
        f"{count_fr(len(loaded.rejects), 'rejetée')})",
    ]
    lines += [f"Attention : {w}" for w in analysis.warnings]
    t = result.table
    names = inputs.table["commune"]
    eliminated = int((~t["eligible"]).sum())
    lines.append(
        f"Classement ({len(result.ranking)} candidatures classées, "
        f"{eliminated} éliminées) :"
    )
    for code in result.ranking:
        lines.append(
            f"  {int(t.at[code, 'rang']):>2}. {names[code]} ({code}) : "
            f"{format_fr(t.at[code, 'note_sur_20'], 2)} / 20"
        )
    for code in t.index[~t["eligible"].to_numpy()]:
        lines.append(f"   -  {names[code]} ({code}) : {t.at[code, 'motif_exclusion']}")
    if analysis.attribution_error:
        lines.append(f"Attribution impossible : {analysis.attribution_error}")
    else:
        lines.append("Proposition d'attribution :")
        for row in attribution_table(analysis).itertuples():
            lines.append(
                f"  {row.periode or 'sans période':<8} {row.commune} — {row.theme} "
                f"({format_fr(row.score, 2)} / 20)"
            )
        others = [
            f"n° {a.rank} (écart {format_fr(a.gap, 4)})"
            for a in analysis.alternatives
            if a is not analysis.proposal
        ]
        if others:
            lines.append("Attributions suivantes : " + ", ".join(others) + ".")
    if analysis.history is not None:
        lines.append("Comparaison avec l'attribution réelle 2023–2024 :")
        lines += [f"  {x}" for x in analysis.history.summary().splitlines()]
    if written is not None and directory is not None:
        n_sheets = sum(1 for p in written if p.parent.name == "fiches")
        lines.append(
            f"{len(written)} fichiers écrits dans {directory} "
            f"(dont {n_sheets} pages dans {Path(directory) / 'fiches'})."
        )
    if inputs.fictional:
        lines.append(f"Attention : {FICTIONAL_NOTICE}")
    return "\n".join(lines)
