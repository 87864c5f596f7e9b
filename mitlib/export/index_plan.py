"""The plan card of the portal: one block per planned marathon.

The files of ``planning/<marathon>/`` (see :mod:`mitlib.planning.writing`)
are named for people: the plan's pages by what they show, the timetables and
calendars by the team's project, the coach, the premises.
"""

from __future__ import annotations

import re

from mitlib.core.text import fold, format_fr
from mitlib.export.index_facts import Block, Item, PortalFacts, humanize

__all__ = ["plan_blocks"]

#: Files of a marathon's plan folder: path in the folder → label.
_PLAN_LABELS = {
    "index.html": "Plan d'ensemble imprimable : locaux, séances, jury",
    "carte_locaux.html": "Carte des locaux et des trajets à pied",
    "planning.xlsx": "Classeur du plan (une feuille par vue)",
    "planning.csv": "Séances de coaching (une ligne par séance)",
    "jury.csv": "Ordre de passage devant le jury",
    "non_placees.csv": "Séances non placées et leur motif",
    "locaux_a_solliciter.csv": "Locaux à solliciter (place manquante)",
    "problemes.csv": "Cellules illisibles des fichiers d'entrée",
}
#: Sub-folders of a plan: folder → (heading, kind of the facts to name them).
_PLAN_GROUPS = {
    "equipes": ("Emplois du temps des équipes", "projet"),
    "coachs": ("Emplois du temps des coachs", "coach"),
    "locaux": ("Emplois du temps des locaux", ""),
    "calendriers": ("Calendriers à importer (.ics)", ""),
}


def plan_blocks(rels: list[str], facts: PortalFacts) -> list[Block]:
    """One block per planned marathon: its pages, then folded groups."""
    from mitlib.binomes.inputs import natural_key

    by_marathon: dict[str, list[str]] = {}
    for rel in rels:
        m = re.fullmatch(r"planning/(?:planning_(.+)\.html|([^/]+)/.+)", rel)
        key = (m[1] or m[2]) if m else ""
        by_marathon.setdefault(key, []).append(rel)
    blocks = []
    for marathon in sorted(by_marathon, key=natural_key):
        title = f"Marathon {marathon}" if marathon else ""
        top, groups = [], {g: [] for g in _PLAN_GROUPS}
        for rel in by_marathon[marathon]:
            parts = rel.split("/")
            if len(parts) == 2:  # the notebook page
                top.append(Item("Page du plan : chronologie, jury, vérification",
                                 "", [rel], (0, 0)))  # fmt: skip
            elif len(parts) == 4 and parts[2] in groups:
                groups[parts[2]].append(rel)
            else:
                name = "/".join(parts[2:])
                label = _PLAN_LABELS.get(name, humanize(name.rpartition(".")[0]))
                order = list(_PLAN_LABELS).index(name) if name in _PLAN_LABELS else 99
                top.append(Item(label, "", [rel], (1, order, name)))
        block = Block(title, sorted(top, key=lambda i: i.order))
        for group, files in groups.items():
            if files:
                heading, kind = _PLAN_GROUPS[group]
                items = [_plan_item(rel, kind, facts) for rel in files]
                items.sort(key=lambda i: i.order)
                head = f"{heading} ({format_fr(len(items), 0)})"
                block.children.append(Block(head, items, True, title))
        blocks.append(block)
    return blocks


def _plan_item(rel: str, kind: str, facts: PortalFacts) -> Item:
    """A timetable or calendar named by its team, coach or premises."""
    stem = rel.rpartition("/")[2].rpartition(".")[0]
    who, _, ident = stem.partition("-") if rel.endswith(".ics") else ("", "", stem)
    kind = {"equipe": "projet", "coach": "coach"}.get(who, kind)
    table = {"projet": facts.projects, "coach": facts.coaches}.get(kind, {})
    name, detail = table.get(ident, ("", ""))
    if not name:
        name = f"Local {ident}" if "/locaux/" in rel else humanize(ident)
    if rel.endswith(".ics"):
        detail = "calendrier de l'équipe" if who == "equipe" else "calendrier du coach"
    return Item(name, detail, [rel], (fold(name), ident))
