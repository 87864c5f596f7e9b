"""Charts of the fiches, the comité pages and the pairing: inline SVG, in French.

Five charts, each a function of the table shown next to it, each returning a
:class:`~mitlib.render.svg.Chart` (``.svg``, ``.description``, displayed by
JupyterLab and in exported pages):

* :func:`indicator_comparison` — an EPCI's indicators beside the Pays and the
  département (:func:`mitlib.diagnostic.diagnosis.comparison_table`);
* :func:`stability_intervals` — how far each weight of the grid can move
  without changing the first places or the ranking
  (:func:`mitlib.candidatures.outputs.stability_tables`);
* :func:`rank_probabilities` — the rank of each candidacy over the weight draws
  (:func:`mitlib.candidatures.outputs.robustness_table`);
* :func:`coach_load` and :func:`project_coverage` — projects per coach against
  capacity, needed domains covered per project
  (:func:`mitlib.binomes.explorer.loads_display`, ``coverage_display``).

They take plain DataFrames (this layer knows no domain): the column names of
those tables are the defaults. Numbers are written by
:func:`mitlib.core.text.format_fr`, shares as percentages; colours are
Okabe–Ito; every chart carries a ``<title>`` and a ``<desc>`` giving its
values in words.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from mitlib.core.text import fold, format_fr
from mitlib.render.pairing_charts import coach_load, project_coverage
from mitlib.render.svg import (
    GRID,
    MUTED,
    OKABE_ITO,
    PAD,
    SERIES,
    WIDTH,
    Chart,
    Figure,
    finite,
    joined,
    mix,
    n,
    percent,
    swatch,
    text,
    text_width,
    wrap,
)

__all__ = [
    "Chart",
    "coach_load",
    "indicator_comparison",
    "project_coverage",
    "rank_probabilities",
    "stability_intervals",
]

DASH = "—"
MISSING_NOTE = "— : donnée absente à cet échelon."


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


# --------------------------------------------------------------------------
# a. indicators of an EPCI against the Pays and the département
# --------------------------------------------------------------------------


def _number_format(label: str, row: pd.Series, decimals, percents):
    """How the values of one indicator are written."""
    if fold(label).startswith("part ") if percents is None else label in percents:
        return lambda v: percent(v, 1)
    if label in decimals:
        d = decimals[label]
    else:
        known = [float(v) for v in row if finite(v)]
        d = 0 if all(v == round(v) for v in known) else 1
    return lambda v: format_fr(v, d)


def indicator_comparison(
    values: pd.DataFrame,
    *,
    title: str | None = None,
    decimals: Mapping[str, int] | None = None,
    percents: Collection[str] | None = None,
    note: str | None = None,
    columns: int | None = None,
) -> Chart:
    """An EPCI's indicators beside the Pays and the département: one panel each.

    Each indicator gets its own small panel and scale (a count of communes
    and a population do not share an axis); the territories keep one colour
    throughout and every bar carries its value.

    Parameters
    ----------
    values : DataFrame
        One row per indicator (index: its French label), one column per
        territory, in the order to draw (as
        :func:`~mitlib.diagnostic.diagnosis.comparison_table` returns it).
        A missing value is drawn as « — » with a note.
    title : str, optional
    decimals : mapping, optional
        ``label -> decimals``; otherwise integers when every value is whole,
        one decimal else.
    percents : collection, optional
        Labels of the rows holding shares (0–1), written as percentages;
        by default the rows whose label starts with « Part ».
    note : str, optional
        A note under the chart (source…).
    columns : int, optional
        Panels per line (default: 2 beyond four indicators).

    Examples
    --------
    >>> t = pd.DataFrame({"CC A": [12.0, 0.25], "Pays": [40.0, 0.5]},
    ...                  index=["Communes", "Part de la population"])
    >>> chart = indicator_comparison(t)
    >>> chart.svg.count('class="barre"'), "25,0\u202f%" in chart.svg
    (4, True)
    """
    values = values.loc[[i for i in values.index if values.loc[i].map(finite).any()]]
    names = [str(c) for c in values.columns]
    colors = {c: SERIES[i % len(SERIES)] for i, c in enumerate(names)}
    decimals = dict(decimals or {})
    title = title or "Chiffres clés comparés"
    ncols = columns or (2 if len(values) > 4 else 1)
    gap = 28
    panel_w = (WIDTH - 2 * PAD - gap * (ncols - 1)) / ncols
    formats = {
        str(label): _number_format(str(label), row, decimals, percents)
        for label, row in values.iterrows()
    }
    lines, missing = [], False
    for label, row in values.iterrows():
        fmt = formats[str(label)]
        parts = [f"{name} {fmt(v) if finite(v) else DASH}" for name, v in row.items()]
        missing |= not all(finite(v) for v in row)
        lines.append(f"{label} : " + ", ".join(parts))
    description = (
        "Diagramme en barres, un panneau par indicateur. " + joined(lines)
    ).strip()
    fig = Figure(title, description)
    fig.legend([(swatch(colors[c]), c) for c in names])
    bar_h, bar_gap = 14, 5
    panels = list(values.iterrows())
    for start in range(0, len(panels), ncols):
        chunk = panels[start : start + ncols]
        labels = [wrap(str(lab), panel_w, 12, lines=2, bold=True) for lab, _ in chunk]
        label_h = 15 * max(len(x) for x in labels)
        for col, ((label, row), label_lines) in enumerate(
            zip(chunk, labels, strict=True)
        ):
            x0 = PAD + col * (panel_w + gap)
            fig.add(text(x0, fig.y + 11, label_lines, bold=True, line_height=15))
            fmt = formats[str(label)]
            shown = [fmt(v) if finite(v) else DASH for v in row]
            room = panel_w - max(text_width(s, 11) for s in shown) - 6
            top = max([float(v) for v in row if finite(v)] + [0.0]) or 1.0
            for i, (name, v) in enumerate(row.items()):
                y = fig.y + label_h + 2 + i * (bar_h + bar_gap)
                length = room * max(float(v), 0.0) / top if finite(v) else 0.0
                if finite(v):
                    fig.add(
                        f'<rect class="barre" x="{n(x0)}" y="{n(y)}" '
                        f'width="{n(length)}" height="{bar_h}" '
                        f'fill="{colors[str(name)]}"/>'
                    )
                fig.add(text(x0 + length + 4, y + 11, shown[i], size=11))
        fig.y += label_h + 2 + len(names) * (bar_h + bar_gap) + 14
    if missing:
        fig.note(MISSING_NOTE)
    if note:
        fig.note(note)
    return fig.finish()


# --------------------------------------------------------------------------
# b. weight stability intervals
# --------------------------------------------------------------------------

#: Interval columns understood by :func:`stability_intervals`, and their legend.
STABILITY_BOUNDS = {
    ("poids_min", "poids_max"): "Première place de chaque EPCI inchangée",
    ("premier_min", "premier_max"): "Première place inchangée",
    ("classement_min", "classement_max"): "Classement entier inchangé",
}


def _axis(fig: Figure, x0: float, x1: float, top: float, bottom: float) -> None:
    """Gridlines and labels of a 0–100 % axis."""
    for share in (0, 0.25, 0.5, 0.75, 1):
        x = x0 + share * (x1 - x0)
        fig.add(
            f'<line x1="{n(x)}" y1="{n(top)}" x2="{n(x)}" y2="{n(bottom)}" '
            f'stroke="{GRID}"/>'
        )
        fig.add(
            text(x, bottom + 14, percent(share), size=11, anchor="middle", fill=MUTED)
        )


def stability_intervals(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    bounds: Mapping[tuple[str, str], str] | None = None,
    label: str = "libelle",
    weight: str = "poids",
    key: str = "critere",
    note: str | None = None,
) -> Chart:
    """Each weight of the grid and the range it can take without changing the result.

    Parameters
    ----------
    table : DataFrame
        One row per criterion (or several: one per EPCI, as the leaders'
        table of :func:`~mitlib.candidatures.outputs.stability_tables`),
        with ``key``, ``label``, ``weight`` (share of 1) and interval columns.
        Several rows of one criterion are intersected: the drawn range keeps
        every one of them unchanged.
    bounds : mapping, optional
        ``(min column, max column) -> legend``; by default those of
        :data:`STABILITY_BOUNDS` present in ``table`` (one band each).

    Examples
    --------
    >>> t = pd.DataFrame({"critere": ["x", "y", "x", "y"],
    ...                   "libelle": ["X", "Y", "X", "Y"],
    ...                   "poids": [0.75, 0.25, 0.75, 0.25],
    ...                   "poids_min": [0.5, 0.0, 0.6, 0.1],
    ...                   "poids_max": [1.0, 0.5, 0.9, 0.4]})
    >>> chart = stability_intervals(t)
    >>> chart.svg.count('class="intervalle"'), "de 60\u202f% à 90\u202f%" in chart.svg
    (2, True)
    """
    if bounds is None:
        bounds = {b: lab for b, lab in STABILITY_BOUNDS.items() if set(b) <= set(table)}
    if not bounds:
        raise ValueError("Aucune colonne d'intervalle (poids_min, poids_max…).")
    rows = []
    for crit, group in table.groupby(key, sort=False):
        first = group.iloc[0]
        ranges = [(group[lo].max(), group[hi].min()) for lo, hi in bounds]
        name = first[label] if label in group and pd.notna(first[label]) else crit
        rows.append((str(name), float(first[weight]), ranges))
    legends = list(bounds.values())
    colors = [SERIES[i % len(SERIES)] for i in range(len(legends))]
    lines = [
        f"{name} : poids {percent(w, 1)}, "
        + ", ".join(
            f"de {percent(lo, 1, trim=True)} à {percent(hi, 1, trim=True)}"
            for lo, hi in ranges
        )
        for name, w, ranges in rows
    ]
    description = (
        "Pour chaque critère, le poids de la grille et l'intervalle où il peut "
        "varier (les autres poids ajustés en proportion) sans changer le résultat "
        f"({', '.join(_lower(s) for s in legends)}). " + joined(lines)
    )
    fig = Figure(title or "Jusqu'où chaque poids peut varier", description)
    marker = f'<rect x="5" y="0" width="2.5" height="12" fill="{OKABE_ITO["noir"]}"/>'
    fig.legend(
        [
            (swatch(mix(c, 0.45), stroke=c), s)
            for c, s in zip(colors, legends, strict=True)
        ]
        + [(marker, "poids de la grille")]
    )
    label_w, value_w = 230, 150
    x0, x1 = PAD + label_w + 10, WIDTH - PAD - value_w
    band_h, band_gap = 12, 4
    bands_h = len(legends) * (band_h + band_gap) + 4
    top = y = fig.y
    for i, (name, w, ranges) in enumerate(rows):
        lines_ = wrap(name, label_w, 12, lines=2)
        row_h = max(bands_h, 14 * len(lines_) + 14) + 8
        if i % 2 == 0:
            fig.add(
                f'<rect x="{n(PAD - 4)}" y="{n(y)}" width="{n(WIDTH - 2 * PAD + 8)}" '
                f'height="{n(row_h)}" fill="#f5f5f5"/>'
            )
        fig.add(text(PAD, y + 14, lines_, line_height=14))
        fig.add(
            text(
                PAD,
                y + 14 * len(lines_) + 13,
                f"poids : {percent(w, 1)}",
                size=11,
                fill=MUTED,
            )
        )
        for j, (lo, hi) in enumerate(ranges):
            by = y + 6 + j * (band_h + band_gap)
            fig.add(
                f'<rect class="intervalle" x="{n(x0 + lo * (x1 - x0))}" y="{n(by)}" '
                f'width="{n(max(hi - lo, 0) * (x1 - x0))}" height="{band_h}" '
                f'fill="{mix(colors[j], 0.45)}" stroke="{colors[j]}"/>'
            )
            span = f"{percent(lo, 1, trim=True)} – {percent(hi, 1, trim=True)}"
            fig.add(text(x1 + 10, by + 10, span, size=11))
        xm = x0 + w * (x1 - x0)
        fig.add(
            f'<rect class="poids" x="{n(xm - 1.25)}" y="{n(y + 3)}" width="2.5" '
            f'height="{n(bands_h)}" fill="{OKABE_ITO["noir"]}"/>'
        )
        y += row_h
    bottom = y + 4
    _axis(fig, x0, x1, top - 4, bottom - 4)
    fig.y = bottom + 18
    fig.note(
        note
        or "Lecture : tant qu'un poids reste dans sa bande (les autres ajustés en "
        "proportion), le résultat ne change pas ; à une borne, deux candidatures "
        "sont à égalité."
    )
    return fig.finish()


# --------------------------------------------------------------------------
# c. rank probabilities (SMAA)
# --------------------------------------------------------------------------

#: Extra columns of :func:`rank_probabilities`, and their headers.
RANK_EXTRAS = {
    "p_premier_epci": "1re de son EPCI",
    "p_accueil": "Accueille un marathon",
}


def rank_probabilities(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    label: str = "commune",
    prefix: str = "p_rang_",
    rank: str | None = "rang",
    extras: Mapping[str, str] | None = None,
    note: str | None = None,
) -> Chart:
    """How often each candidacy takes each rank when the weights are drawn.

    A grid: one line per candidacy (in ``table`` order), one column per rank,
    the share of draws written in each cell (in %) and shaded; the rank given
    by the grid's own weights is framed. ``extras`` columns (by default the
    share of draws where the commune is first of its EPCI and hosts a
    marathon, when present) follow in another colour.

    Examples
    --------
    >>> t = pd.DataFrame({"commune": ["A", "B"], "rang": [1, 2],
    ...                   "p_rang_1": [0.9, 0.1], "p_rang_2": [0.1, 0.9]})
    >>> chart = rank_probabilities(t)
    >>> chart.svg.count('class="case"'), chart.svg.count('class="rang-grille"')
    (4, 2)
    """
    ranks = sorted(
        (
            c
            for c in table.columns
            if c.startswith(prefix) and c[len(prefix) :].isdigit()
        ),
        key=lambda c: int(c[len(prefix) :]),
    )
    extras = {
        c: h
        for c, h in (RANK_EXTRAS if extras is None else extras).items()
        if c in table
    }
    names = [str(x) for x in table[label]]
    lines = []
    for name, (_, row) in zip(names, table.iterrows(), strict=True):
        best = max(ranks, key=lambda c: float(row[c]))
        top_rank = best[len(prefix) :]
        said = f"{name} : rang {top_rank} le plus fréquent ({percent(row[best])})"
        said += "".join(f", {_lower(h)} {percent(row[c])}" for c, h in extras.items())
        lines.append(said)
    description = (
        "Part des tirages de poids où chaque candidature obtient chaque rang. "
        + joined(lines)
    )
    fig = Figure(title or "Rang obtenu selon les poids tirés au hasard", description)
    label_w = min(max((text_width(s, 12) for s in names), default=40) + 8, 200)
    extra_w = 64.0
    room = WIDTH - 2 * PAD - label_w - 14 - extra_w * len(extras)
    cell = min(40.0, room / max(len(ranks), 1))
    extra_w = max(extra_w, cell)
    x0 = PAD + label_w
    xe = x0 + len(ranks) * cell + 14  # extras start after a gap
    head = 0.0
    extra_lines = {c: wrap(h, extra_w - 6, 10, lines=3) for c, h in extras.items()}
    if extras:
        head = 12.5 * max(len(v) for v in extra_lines.values())
    fig.add(text(x0, fig.y + 10, "Rang (part des tirages, en %)", size=11, bold=True))
    fig.y += 14 + head
    for i, c in enumerate(ranks):
        fig.add(
            text(
                x0 + (i + 0.5) * cell,
                fig.y + 10,
                c[len(prefix) :],
                size=11,
                anchor="middle",
                fill=MUTED,
            )
        )
    for i, c in enumerate(extras):
        x = xe + (i + 0.5) * extra_w
        top = fig.y + 10 - 12.5 * len(extra_lines[c])
        fig.add(
            text(x, top, extra_lines[c], size=10, anchor="middle", line_height=12.5)
        )
    fig.y += 16
    row_h = 22
    for r, (name, (_, row)) in enumerate(zip(names, table.iterrows(), strict=True)):
        y = fig.y + r * row_h
        fig.add(text(PAD, y + 15, wrap(name, label_w - 8, 12, lines=1)))
        grid_rank = int(row[rank]) if rank in table and finite(row[rank]) else None
        columns = [
            (x0 + i * cell, cell, c, OKABE_ITO["bleu"]) for i, c in enumerate(ranks)
        ]
        columns += [
            (xe + i * extra_w, extra_w, c, OKABE_ITO["vermillon"])
            for i, c in enumerate(extras)
        ]
        for x, cell_w, c, color in columns:
            p = float(row[c]) if finite(row[c]) else 0.0
            fig.add(
                f'<rect class="case" x="{n(x)}" y="{n(y)}" width="{n(cell_w - 1)}" '
                f'height="{row_h - 1}" fill="{mix(color, p)}"/>'
            )
            if p >= 0.005:
                ink = "#ffffff" if p > 0.55 else "#1a1a1a"
                fig.add(
                    text(
                        x + cell_w / 2,
                        y + 15,
                        format_fr(100 * p, 0),
                        size=10,
                        anchor="middle",
                        fill=ink,
                    )
                )
            if c in ranks and grid_rank == int(c[len(prefix) :]):
                fig.add(
                    f'<rect class="rang-grille" x="{n(x + 0.5)}" y="{n(y + 0.5)}" '
                    f'width="{n(cell - 2)}" height="{row_h - 2}" fill="none" '
                    'stroke="#000000" stroke-width="2"/>'
                )
    fig.y += len(names) * row_h + 8
    fig.note(
        note
        or "Lecture : nombre de tirages sur 100 où la commune obtient ce rang ; "
        "cadre noir : son rang avec les poids de la grille. Case vide : moins de "
        "0,5 %."
    )
    return fig.finish()
