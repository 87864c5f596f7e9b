"""The index page of an export: every file written, linked by section."""

from __future__ import annotations

import html
from pathlib import Path

from mitlib.export.notebook_page import PageInfo, render_page

__all__ = ["write_index"]

#: Index sections, in the order the comité reads them.
_SECTIONS = {
    "comite": "Pour le comité (sans code)",
    "comite/candidatures/fiches": "Fiches de notation par commune",
    "comite/candidatures": "Dossier du comité : tables et procès-verbal",
    "fiches": "Fiches diagnostic (Pays et EPCI)",
    "": "Carte du Pays",
    "diagnostic": "Tables du diagnostic",
    "binomes": "Binômes coachs–porteurs, par marathon",
    "binomes/tables/fiches": "Binômes : index des fiches",
    "binomes/tables": "Binômes : tables et classeur des organisateurs",
    "notebooks": "Rapports complets, avec le code",
    "rejets": "Lignes rejetées des fichiers d'entrée (à corriger)",
}


def _section_key(folder: str) -> tuple[int, str]:
    """Known sections in :data:`_SECTIONS` order; per-marathon sheet folders
    right after the pairing index; anything else last, alphabetically."""
    order = list(_SECTIONS)
    if folder in _SECTIONS:
        return order.index(folder), ""
    if folder.startswith("binomes/tables/fiches/"):
        return order.index("binomes/tables/fiches"), folder
    return len(order), folder


def write_index(
    out: Path,
    pages: list[Path],
    skipped: list,
    provenance: list[tuple[str, str]],
    fictional: bool,
    public: bool,
) -> Path:
    """Write ``index.html`` linking every file, grouped by folder (relative
    links, sorted)."""
    groups: dict[str, list[str]] = {}
    for p in sorted(pages):
        rel = p.relative_to(out).as_posix()
        groups.setdefault(rel.rpartition("/")[0], []).append(rel)
    sections = []
    for folder in sorted(groups, key=_section_key):
        files = groups[folder]
        heading = _SECTIONS.get(folder, folder)
        if folder.startswith("binomes/tables/fiches/"):
            heading = f"Binômes : fiches du marathon {folder.rpartition('/')[2]}"
        items = "".join(
            f'<li><a href="{html.escape(rel)}">{html.escape(rel)}</a></li>'
            for rel in files
        )
        sections.append(
            f'<h2>{html.escape(heading)}</h2><ul class="mitlib-index">{items}</ul>'
        )
    body = "".join(sections)
    missing = "".join(
        f"<li>{html.escape(job.title)} : fichiers absents "
        f"({html.escape(', '.join(absent))})</li>"
        for job, absent in skipped
    )
    if missing:
        body += f"<h2>Non produit</h2><ul>{missing}</ul>"
    path = out / "index.html"
    path.write_text(
        render_page(body, PageInfo("Exports mitlib", provenance, fictional, public)),
        encoding="utf-8",
    )
    return path
