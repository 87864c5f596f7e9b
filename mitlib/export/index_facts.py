"""The names of a portal: what :mod:`mitlib.export.index` says about an export.

:func:`portal_facts` gathers, from what the export already reads, the names a
person looks for: the territory and its size, the date of the dossier (fixed,
never today's: :func:`dossier_date`), the title of each page, commune and EPCI
names, marathons, project titles, coaches (by organisation in a public
export: names are personal data).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mitlib.core.text import format_fr, french_date

__all__ = [
    "Block",
    "Item",
    "humanize",
    "PortalFacts",
    "dossier_date",
    "french_date",
    "portal_facts",
]


@dataclass
class PortalFacts:
    """What the portal says about the export, in human words.

    Attributes
    ----------
    territory : str
        Name of the territory (``Pays de la Vallée du Lot``).
    scope : str
        One line: EPCI, communes, inhabitants.
    date : str
        Date of the dossier in French (``15 septembre 2026``), ``""`` if none.
    date_note : str
        What that date is.
    titles : dict
        Page of the export (``comite/02_candidatures.html``) → its title.
    communes, epci : dict
        INSEE code → commune name; SIREN → EPCI name.
    marathons : dict
        Marathon id as in file names → (title, one line about it).
    projects, coaches : dict
        Id as in file names → (name, details) of the pairing sheets.
    manifest : bool
        Link the manifest (written beside the index by the export).
    """

    territory: str = ""
    scope: str = ""
    date: str = ""
    date_note: str = ""
    titles: dict[str, str] = field(default_factory=dict)
    communes: dict[str, str] = field(default_factory=dict)
    epci: dict[str, str] = field(default_factory=dict)
    marathons: dict[str, tuple[str, str]] = field(default_factory=dict)
    projects: dict[str, tuple[str, str]] = field(default_factory=dict)
    coaches: dict[str, tuple[str, str]] = field(default_factory=dict)
    manifest: bool = False


def dossier_date(inputs: Mapping[str, Path]) -> tuple[str, str]:
    """The fixed date of a dossier and what it is, never today's date.

    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) when set;
    otherwise the latest update date (``date_maj``) of the input tables: two
    exports of the same files carry the same date. ``("", "")`` when the
    inputs carry no date.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        day = datetime.fromtimestamp(int(epoch), tz=UTC).date()
        return french_date(day), "date fixée pour l'export"
    from mitlib.data.decoding import TableError
    from mitlib.data.formats import read_raw

    days = []
    for table, path in sorted(inputs.items()):
        if table == "grille":
            continue
        try:
            raw, _ = read_raw(path)
        except (TableError, OSError, ValueError):
            continue  # reported when the table is loaded
        for text in raw.get("date_maj", ()):
            for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
                try:
                    days.append(datetime.strptime(str(text).strip(), fmt).date())
                    break
                except ValueError:
                    pass
    if not days:
        return "", ""
    return french_date(max(days)), "dernière mise à jour des données saisies"


def portal_facts(territory, inputs: Mapping[str, Path], jobs=(), *, public=False):
    """The :class:`PortalFacts` of an export of ``inputs`` on ``territory``.

    ``jobs`` are the pages to produce (:class:`mitlib.export.exporter.Job`):
    their titles name the pages. Pairing sheets are named by project title
    and, in an internal export only, by coach name (a public export names a
    coach by organisation: names are personal data).
    """
    from mitlib.data.outputs import safe_name

    titles = {}
    for job in jobs:
        titles[job.output] = job.title
        if job.also_with_code:
            titles[job.also_with_code] = job.title
    communes = territory.communes
    population = territory.meta.get("population", communes["population"].sum())
    facts = PortalFacts(
        territory=territory.name,
        scope=(
            f"{format_fr(len(territory.epci), 0)} EPCI, "
            f"{format_fr(len(communes), 0)} communes, "
            f"{format_fr(population, 0)} habitants"
        ),
        titles=titles,
        communes=dict(zip(communes["code_insee"], communes["nom"], strict=True)),
        epci=dict(
            zip(territory.epci["epci_siren"], territory.epci["epci_nom"], strict=True)
        ),
        manifest=True,
    )
    facts.date, facts.date_note = dossier_date(inputs)
    if "coachs" in inputs and "projets" in inputs:
        from mitlib.binomes.inputs import cell_text, load_pairing_inputs

        pairing = load_pairing_inputs(inputs["coachs"], inputs["projets"])
        projects = pairing.projects
        for marathon in pairing.marathons():
            mine = projects[projects["marathon"].map(cell_text) == marathon]
            themes = sorted({cell_text(t) for t in mine["theme"]} - {""})
            title = f"Marathon {marathon}" + (
                f" — {', '.join(themes)}" if themes else ""
            )
            n = len(mine)
            about = f"{format_fr(n, 0)} projet{'s' if n > 1 else ''}"
            facts.marathons[safe_name(marathon)] = (title, about)
        for _, p in projects.iterrows():
            pid = cell_text(p["id"])
            where = cell_text(p.get("commune"))
            facts.projects[safe_name(pid)] = (
                cell_text(p["titre"]) or str(pid),
                f"{pid} · {where}" if where else str(pid),
            )
        for _, c in pairing.coaches.iterrows():
            cid = cell_text(c["id"])
            org, kind = cell_text(c.get("organisation")), cell_text(c.get("type_coach"))
            if public:
                name, about = org or f"Coach {cid}", [str(cid), kind]
            else:
                name, about = cell_text(c.get("nom")) or str(cid), [org, kind]
            facts.coaches[safe_name(cid)] = (name, " · ".join(a for a in about if a))
    return facts


# Documents of the portal's cards (mitlib.export.index).


@dataclass
class Item:
    """One document of a card: a name, details, its files (page first)."""

    label: str
    detail: str
    files: list[str]
    order: tuple = ()


@dataclass
class Block:
    """Items of a card under an optional heading, folded or not."""

    heading: str
    items: list[Item]
    folded: bool = False
    about: str = ""
    children: list[Block] = field(default_factory=list)


def humanize(stem: str) -> str:
    text = stem.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]
