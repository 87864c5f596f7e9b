"""Charts of a pairing: projects per coach, needed domains covered per project.

Part of :mod:`mitlib.render.charts` (same conventions: inline SVG, French
numbers, Okabe–Ito colours, ``<title>`` and ``<desc>``), drawn from the tables
of :func:`mitlib.binomes.explorer.loads_display` and ``coverage_display``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from mitlib.core.text import fold, format_fr
from mitlib.render.svg import (
    GRID,
    MUTED,
    OKABE_ITO,
    PAD,
    TRACK,
    WIDTH,
    Chart,
    Figure,
    finite,
    joined,
    n,
    swatch,
    text,
    text_width,
    wrap,
)

__all__ = ["coach_load", "project_coverage"]


def _column(table: pd.DataFrame, given: str | None, *candidates: str) -> str:
    for c in (given, *candidates):
        if c is not None and c in table:
            return c
    raise ValueError(f"Colonne absente : {given or candidates[0]}.")


def coach_load(
    loads: pd.DataFrame,
    *,
    title: str | None = None,
    load: str | None = None,
    capacity: str | None = None,
    label: str | None = None,
    note: str | None = None,
) -> Chart:
    """Projects followed by each coach against their capacity.

    Parameters
    ----------
    loads : DataFrame
        One row per coach, in the order to draw, index the coach id (as
        :func:`~mitlib.binomes.explorer.loads_display` returns it), with a
        load (``Charge`` or ``charge``) and a capacity (``Capacité`` or
        ``capacite``) column. The name (``Nom``) is shown after the id when
        present (else the ``Organisation``): leave the name out of a public page.

    Examples
    --------
    >>> t = pd.DataFrame({"Charge": [2, 0], "Capacité": [2, 3]}, index=["K-1", "K-2"])
    >>> chart = coach_load(t)
    >>> chart.svg.count('class="charge"'), "2 sur 2" in chart.svg
    (2, True)
    """
    load = _column(loads, load, "Charge", "charge")
    capacity = _column(loads, capacity, "Capacité", "capacite")
    if label is None:
        label = next((c for c in ("Nom", "Organisation") if c in loads), None)
    ids = [str(i) for i in loads.index]
    names = ids
    if label is not None:
        names = [
            f"{i} · {x}" if pd.notna(x) else i
            for i, x in zip(ids, loads[label], strict=True)
        ]
    used = [float(x) if finite(x) else 0.0 for x in loads[load]]
    cap = [float(x) if finite(x) else 0.0 for x in loads[capacity]]
    full = [i for i, (u, c) in enumerate(zip(used, cap, strict=True)) if c and u >= c]
    busy = sum(u > 0 for u in used)
    description = (
        f"{format_fr(len(ids), 0)} coachs ; {format_fr(busy, 0)} suivent au moins un "
        f"projet, {format_fr(len(full), 0)} à pleine capacité"
        + (f" ({', '.join(ids[i] for i in full)})" if full else "")
        + f". Au total {format_fr(sum(used), 0)} suivis de projet pour une capacité "
        f"de {format_fr(sum(cap), 0)}. "
        + joined(
            [
                f"{s} : {format_fr(u, 0)} sur {format_fr(c, 0)}"
                for s, u, c in zip(names, used, cap, strict=True)
            ]
        )
    )
    fig = Figure(
        title or "Projets suivis par coach, au regard de sa capacité", description
    )
    fig.legend(
        [
            (swatch(OKABE_ITO["bleu"]), "projets suivis"),
            (swatch(OKABE_ITO["vermillon"]), "à pleine capacité"),
            (swatch(TRACK, stroke="#9e9e9e"), "capacité"),
        ]
    )
    label_w = min(max([text_width(s, 12) for s in names] + [40]) + 10, 280)
    x0, x1 = PAD + label_w, WIDTH - PAD - 70
    top_cap = max(cap + used + [1.0])
    unit = (x1 - x0) / top_cap
    row_h = 20
    top = fig.y
    for k in range(int(top_cap) + 1):
        x = x0 + k * unit
        bottom = top + len(ids) * row_h
        fig.add(
            f'<line x1="{n(x)}" y1="{n(top - 2)}" x2="{n(x)}" y2="{n(bottom)}" '
            f'stroke="{GRID}"/>'
        )
        fig.add(
            text(x, bottom + 13, format_fr(k, 0), size=11, anchor="middle", fill=MUTED)
        )
    for i, (name, u, c) in enumerate(zip(names, used, cap, strict=True)):
        y = top + i * row_h
        fig.add(text(PAD, y + 13, wrap(name, label_w - 10, 12, lines=1)))
        fig.add(
            f'<rect class="capacite" x="{n(x0)}" y="{n(y + 2)}" width="{n(c * unit)}" '
            f'height="14" fill="{TRACK}" stroke="#9e9e9e"/>'
        )
        color = OKABE_ITO["vermillon"] if i in full else OKABE_ITO["bleu"]
        fig.add(
            f'<rect class="charge" x="{n(x0)}" y="{n(y + 4)}" width="{n(u * unit)}" '
            f'height="10" fill="{color}"/>'
        )
        said = f"{format_fr(u, 0)} sur {format_fr(c, 0)}"
        fig.add(text(x0 + max(u, c) * unit + 6, y + 13, said, size=11))
    fig.y = top + len(ids) * row_h + 22
    fig.add(
        text(
            (x0 + x1) / 2,
            fig.y,
            "Nombre de projets",
            size=11,
            anchor="middle",
            fill=MUTED,
        )
    )
    fig.y += 4
    if note:
        fig.note(note)
    return fig.finish()


def _coach_ids(cell: object) -> list[str]:
    if not isinstance(cell, str):
        return []
    return [c.strip() for c in cell.split("|") if c.strip()]


def project_coverage(
    coverage: pd.DataFrame,
    *,
    title: str | None = None,
    project: str = "Projet",
    domain: str = "Domaine demandé",
    covered: str = "Couvert",
    by: str = "Par",
    titles: Mapping[str, str] | None = None,
    note: str | None = None,
) -> Chart:
    """Needed domains of each project: covered (by how many coaches) or not.

    A grid of projects (lines) and domains (columns, alphabetical): a green
    disc with the number of assigned coaches covering the domain, a
    vermillion cross in a ring when no assigned coach covers it, nothing when
    the project did not ask for the domain. The last columns count the
    covered domains and the distinct coaches of each project.

    Parameters
    ----------
    coverage : DataFrame
        One row per project and needed domain, as
        :func:`~mitlib.binomes.explorer.coverage_display` returns it:
        ``Projet``, ``Domaine demandé``, ``Couvert`` (``oui``/``non``),
        ``Par`` (coach ids joined by ``|``).
    titles : mapping, optional
        ``project id -> title`` shown after the id.

    Examples
    --------
    >>> t = pd.DataFrame({"Projet": ["P1", "P1", "P2"],
    ...                   "Domaine demandé": ["a", "b", "a"],
    ...                   "Couvert": ["oui", "non", "oui"],
    ...                   "Par": ["K-1 | K-2", "", "K-3"]})
    >>> chart = project_coverage(t)
    >>> chart.svg.count('class="couvert"'), chart.svg.count('class="manque"')
    (2, 1)
    """
    projects = list(dict.fromkeys(str(p) for p in coverage[project]))
    domains = sorted({str(d) for d in coverage[domain]}, key=fold)
    cells: dict[tuple[str, str], tuple[bool, int]] = {}
    coaches: dict[str, set[str]] = {p: set() for p in projects}
    for _, row in coverage.iterrows():
        ids = _coach_ids(row[by])
        yes = fold(row[covered]) == "oui"
        cells[(str(row[project]), str(row[domain]))] = (yes, len(ids))
        coaches[str(row[project])].update(ids)
    missing = [f"{p} ({d})" for (p, d), (yes, _) in cells.items() if not yes]
    done = sum(yes for yes, _ in cells.values())
    description = (
        f"{format_fr(len(projects), 0)} projets, {format_fr(len(cells), 0)} domaines "
        f"demandés dont {format_fr(done, 0)} couverts par un coach du binôme. "
        + (f"Non couverts : {', '.join(missing)}. " if missing else "")
        + joined(
            [
                f"{p} : {', '.join(d for d in domains if (p, d) in cells)}"
                for p in projects
            ]
        )
    )
    fig = Figure(title or "Domaines demandés couverts par les coachs", description)
    fig.legend(
        [
            (
                f'<circle cx="6" cy="6" r="6" fill="{OKABE_ITO["vert"]}"/>',
                "couvert (nombre de coachs)",
            ),
            (_cross(6, 6, 5.5), "non couvert"),
        ]
    )
    names = [f"{p} · {titles[p]}" if titles and p in titles else p for p in projects]
    label_w = min(max((text_width(s, 12) for s in names), default=40) + 14, 240)
    counts_w = 110
    cell = min(44.0, (WIDTH - 2 * PAD - label_w - counts_w) / max(len(domains), 1))
    x0 = PAD + label_w
    xc = x0 + len(domains) * cell + 10
    angle = 40
    longest = max((text_width(d, 11) for d in domains), default=0)
    head = longest * math.sin(math.radians(angle)) + 10
    base = fig.y + head
    for j, d in enumerate(domains):
        x, y = x0 + (j + 0.5) * cell + 3, base
        fig.add(
            text(x, y, d, size=11, extra=f'transform="rotate(-{angle} {n(x)} {n(y)})"')
        )
    fig.add(text(xc, base, "Couverts", size=11, bold=True))
    fig.add(text(xc + 62, base, "Coachs", size=11, bold=True))
    row_h = 24
    top = base + 8
    for i, (p, name) in enumerate(zip(projects, names, strict=True)):
        y = top + i * row_h
        if i % 2 == 0:
            fig.add(
                f'<rect x="{n(PAD)}" y="{n(y)}" width="{n(xc + 100 - PAD)}" '
                f'height="{row_h}" fill="#f5f5f5"/>'
            )
        fig.add(text(PAD + 2, y + 16, wrap(name, label_w - 10, 12, lines=1)))
        asked = [d for d in domains if (p, d) in cells]
        for j, d in enumerate(domains):
            cx, cy = x0 + (j + 0.5) * cell, y + row_h / 2
            if (p, d) not in cells:
                fig.add(f'<circle cx="{n(cx)}" cy="{n(cy)}" r="1.5" fill="{GRID}"/>')
                continue
            yes, k = cells[(p, d)]
            if yes:
                fig.add(
                    f'<circle class="couvert" cx="{n(cx)}" cy="{n(cy)}" r="9" '
                    f'fill="{OKABE_ITO["vert"]}"/>'
                )
                fig.add(
                    text(
                        cx,
                        cy + 4,
                        format_fr(k, 0),
                        size=11,
                        anchor="middle",
                        bold=True,
                        fill="#ffffff",
                    )
                )
            else:
                fig.add(f'<g class="manque">{_cross(cx, cy, 8.5)}</g>')
        ok = sum(cells[(p, d)][0] for d in asked)
        fig.add(text(xc, y + 16, f"{format_fr(ok, 0)} sur {format_fr(len(asked), 0)}"))
        fig.add(text(xc + 62, y + 16, format_fr(len(coaches[p]), 0)))
    fig.y = top + len(projects) * row_h + 8
    if note:
        fig.note(note)
    return fig.finish()


def _cross(cx: float, cy: float, r: float) -> str:
    """A vermillion ring with a cross: « not covered »."""
    c, d = OKABE_ITO["vermillon"], r * 0.5
    return (
        f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{n(r - 1)}" fill="#ffffff" '
        f'stroke="{c}" stroke-width="2"/><path d="M{n(cx - d)} {n(cy - d)}'
        f'L{n(cx + d)} {n(cy + d)}M{n(cx + d)} {n(cy - d)}L{n(cx - d)} {n(cy + d)}" '
        f'stroke="{c}" stroke-width="2"/>'
    )
