"""The portal of an export: ``index.html``, the page a comité member opens first.

:func:`write_index` writes one page that works offline: a title with the
date of the dossier, the territory, a banner (internal document or public
version, fictional sample), then one card per family of documents (comité
pages, score sheets, minutes workbook, diagnosis fiches, diagnosis tables and
map, pairing per marathon, full reports, rejected rows, provenance), each with
a sentence saying what it is for and for whom. Documents are listed by human
name (commune and code, EPCI, marathon, project title), downloads with their
format and size; a filter box (a few lines of inline script, no network)
narrows every list, and without script every list is simply shown. Every
file written is linked, and the page is deterministic: the same export gives
the same bytes.

The names come from :class:`~mitlib.export.index_facts.PortalFacts`, built by
:func:`~mitlib.export.index_facts.portal_facts` from what the export already
reads (territory, pairing tables, pages to produce).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from mitlib.core.text import fold, format_fr
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.export.index_facts import Block as _Block
from mitlib.export.index_facts import Item as _Item
from mitlib.export.index_facts import PortalFacts, humanize, portal_facts
from mitlib.export.index_plan import plan_blocks
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE, VIEWPORT_META, html_page

__all__ = ["PortalFacts", "portal_facts", "write_index"]

#: Name of the programme, first words of the portal's title.
PROGRAMME = "Mon Incroyable Territoire"
#: Manifest written by :class:`mitlib.data.outputs.OutputFolder` (every file
#: and its SHA-256), beside the index.
MANIFEST = "manifeste_mitlib.json"

# --------------------------------------------------------------------------
# Families of documents

#: Known files: path without extension → label (cards list them in this order).
_LABELS = {
    "comite/02_candidatures": "Candidatures : classement et proposition d'attribution",
    "comite/01_diagnostic_territorial": "Diagnostic territorial du Pays",
    "comite/candidatures/proces_verbal": "Classeur du procès-verbal (tous les onglets)",
    "comite/candidatures/attribution": "Proposition d'attribution : un hôte par EPCI",
    "comite/candidatures/notes": "Notes et rang de chaque candidature",
    "comite/candidatures/alternatives": "Meilleures attributions et leurs écarts",
    "comite/candidatures/robustesse": "Probabilités de rang (tirages de poids)",
    "comite/candidatures/stabilite_poids": "Poids qui laissent le classement inchangé",
    "comite/candidatures/premiers_epci": "Poids qui laissent chaque premier d'EPCI",
    "comite/candidatures/ecarts": "Écarts entre communes voisines du classement",
    "comite/candidatures/couples": "Fréquence de chaque couple commune–thème",
    "comite/candidatures/historique": "Comparaison avec le cycle précédent",
    "comite/candidatures/fiches/index": "Sommaire des fiches de notation",
    "carte_pays": "Carte interactive du Pays",
    "diagnostic/diagnostic.xlsx": "Classeur du diagnostic (toutes les tables)",
    "diagnostic/diagnostic.gpkg": "Couches géographiques pour un SIG (QGIS)",
    "diagnostic/indicateurs_communes": "Indicateurs par commune",
    "diagnostic/indicateurs_epci": "Indicateurs par EPCI",
    "diagnostic/indicateurs_territoire": "Indicateurs du Pays",
    "diagnostic/couverture_epci_themes": "Acteurs par EPCI et par thème",
    "binomes/tables/binomes.xlsx": "Classeur des organisateurs (toutes les tables)",
    "binomes/tables/binomes.csv": "Binômes proposés",
    "binomes/tables/synthese": "Synthèse par marathon",
    "binomes/tables/charges": "Charge de chaque coach",
    "binomes/tables/couverture": "Besoins couverts de chaque projet",
    "binomes/tables/affinites": "Affinité de chaque couple projet–coach",
    "binomes/tables/fiches/index": "Sommaire de toutes les fiches projets et coachs",
    "diagnostic/provenance": "Provenance du diagnostic",
    "comite/candidatures/provenance": "Provenance du dossier du comité",
    "binomes/tables/provenance": "Provenance des binômes",
}

#: (key, title, what it is for and for whom), in the order the comité reads.
_FAMILIES = (
    (
        "comite",
        "Dossier du comité d'attribution",
        "À lire avant la séance : classement des communes candidates, proposition "
        "d'attribution et sa robustesse, sans code. Pour les membres du comité.",
    ),
    (
        "notation",
        "Fiches de notation par commune candidate",
        "Une page imprimable par candidature : note, rang et détail de chaque "
        "critère. Pour le comité et pour répondre à chaque commune.",
    ),
    (
        "pv",
        "Classement, attribution et procès-verbal (tableurs)",
        "Les tables du dossier à rouvrir dans un tableur et le classeur du "
        "procès-verbal. Pour le secrétariat du comité et le chargé de mission.",
    ),
    (
        "fiches",
        "Fiches diagnostic du Pays et de chaque EPCI",
        "Le portrait de chaque intercommunalité comparée au Pays et au département. "
        "Pour les élus et les partenaires.",
    ),
    (
        "diagnostic",
        "Diagnostic : carte, tables et couches géographiques",
        "La carte interactive et les chiffres du diagnostic, à réutiliser dans un "
        "tableur ou un SIG (QGIS). Pour les techniciens et les partenaires.",
    ),
    (
        "binomes",
        "Binômes coachs–porteurs, par marathon",
        "Qui accompagne quel projet, et pourquoi : une page par marathon, une fiche "
        "par projet et par coach. Pour les organisateurs des marathons.",
    ),
    (
        "planning",
        "Plan de chaque marathon : locaux, séances des coachs, jury",
        "Où travaille chaque équipe, quand chaque coach la rencontre, l'ordre de "
        "passage devant le jury : une page par marathon, un emploi du temps "
        "imprimable par équipe, par coach et par local, la carte des locaux et les "
        "calendriers à importer. Pour les organisateurs, les coachs et les équipes.",
    ),
    (
        "notebooks",
        "Rapports complets, avec le code",
        "Les mêmes analyses avec le code qui les produit, pour les vérifier ou les "
        "refaire. Pour le chargé de mission et les analystes.",
    ),
    (
        "rejets",
        "Lignes rejetées des fichiers d'entrée",
        "Les lignes écartées à l'import et le motif de chacune, à corriger dans "
        "les fichiers d'entrée. Pour la personne qui tient ces fichiers.",
    ),
    (
        "provenance",
        "Provenance et vérification",
        "De quelles données vient ce dossier, et l'empreinte de chaque fichier pour "
        "vérifier qu'il n'a pas été modifié. Pour un contrôle ou un archivage.",
    ),
    (
        "autres",
        "Autres fichiers",
        "Fichiers de l'export sans famille connue.",
    ),
)

_DATA_SUFFIXES = (".csv", ".xlsx", ".gpkg", ".json")
_FORMATS = {".csv": "CSV", ".xlsx": "XLSX", ".gpkg": "GeoPackage", ".pdf": "PDF"}
_NOT_WORD = re.compile(r"[\W_]+")
_SHEET = re.compile(r"(?P<kind>projet|coach)_(?P<id>.+)")
_CODE = re.compile(r"(?P<code>[0-9][0-9AB][0-9]{3})_.*")


def _family(rel: str) -> str:
    folder, _, name = rel.rpartition("/")
    stem = name.rpartition(".")[0] or name
    if stem == "provenance":
        return "provenance"
    if rel.startswith("comite/candidatures/fiches/"):
        return "notation"
    if folder == "comite/candidatures":
        return "pv"
    if folder in ("comite", "fiches", "notebooks", "rejets", "diagnostic"):
        return folder
    if rel.startswith("carte_pays."):
        return "diagnostic"
    if rel.startswith("binomes/"):
        return "binomes"
    if rel.startswith("planning/"):
        return "planning"
    return "autres"


def _describe(doc: str, facts: PortalFacts) -> tuple[str, str, tuple]:
    """(label, detail, sort key) of a document: a page (path without
    extension, the page and its PDF) or a data file (path)."""
    folder, _, name = doc.rpartition("/")
    stem = name.rpartition(".")[0] if name.endswith(_DATA_SUFFIXES) else name
    known = list(_LABELS)
    for key in (doc, f"{folder}/{stem}" if folder else stem):
        if key in _LABELS:
            return _LABELS[key], "", (0, known.index(key))
    if folder == "comite/candidatures/fiches" and (m := _CODE.fullmatch(stem)):
        code = m["code"]
        name = facts.communes.get(code) or humanize(stem[len(code) + 1 :])
        return name, f"commune {code}", (2, fold(name), code)
    if folder == "fiches" and stem.startswith("fiche_"):
        key = stem[len("fiche_") :]
        if key == "pays":
            return facts.territory or "Le territoire", "tout le territoire", (0,)
        name = facts.epci.get(key) or humanize(key)
        return name, f"EPCI {key}" if key in facts.epci else "", (1, fold(name))
    if folder.startswith("binomes/tables/fiches/") and (m := _SHEET.fullmatch(stem)):
        table = facts.projects if m["kind"] == "projet" else facts.coaches
        name, detail = table.get(m["id"], (f"{m['kind'].capitalize()} {m['id']}", ""))
        return name, detail, (2, fold(name), m["id"])
    for page, title in facts.titles.items():
        if page.rpartition(".")[0] == doc:
            return title, "", (1, doc)
    return humanize(stem), "", (3, doc)


def _size(path: Path) -> str:
    """Size of a file, the French way (« 12,3 ko »)."""
    n = path.stat().st_size
    if n < 1000:
        return f"{format_fr(n, 0)} octets"
    if n < 1_000_000:
        return f"{format_fr(n / 1000, 1 if n < 100_000 else 0)} ko"
    return f"{format_fr(n / 1_000_000, 1)} Mo"


def _items(rels: Iterable[str], facts: PortalFacts) -> list[_Item]:
    """One item per document: files sharing a path without extension (a page
    and its PDF) are one item."""
    by_doc: dict[str, list[str]] = {}
    for rel in sorted(rels):
        stem, _, ext = rel.rpartition(".")
        by_doc.setdefault(stem if ext in ("html", "pdf") else rel, []).append(rel)
    items = []
    for doc, files in by_doc.items():
        files.sort(key=lambda f: (not f.endswith(".html"), f))
        label, detail, order = _describe(doc, facts)
        items.append(_Item(label, detail, files, order))
    return sorted(items, key=lambda i: (i.order, i.files))


def _marathon_of(rel: str) -> str | None:
    if rel.startswith("binomes/tables/fiches/") and rel.count("/") == 4:
        return rel.split("/")[3]
    m = re.fullmatch(r"binomes/binomes_(.+)\.[a-z]+", rel)
    return m[1] if m else None


def _blocks(family: str, rels: list[str], facts: PortalFacts) -> list[_Block]:
    """The blocks of a card; the pairing and plan cards have one group per
    marathon."""
    if family == "planning":
        return plan_blocks(rels, facts)
    if family != "binomes":
        return [_Block("", _items(rels, facts))]
    general = [r for r in rels if _marathon_of(r) is None]
    blocks = [_Block("", _items(general, facts))] if general else []
    marathons: dict[str, list[str]] = {}
    for rel in rels:
        if (m := _marathon_of(rel)) is not None:
            marathons.setdefault(m, []).append(rel)
    from mitlib.binomes.inputs import natural_key

    for m in sorted(marathons, key=natural_key):
        title, about = facts.marathons.get(m, (f"Marathon {m}", ""))
        mine = marathons[m]
        pages = [r for r in mine if not r.startswith("binomes/tables/")]
        projects = [r for r in mine if "/projet_" in r]
        coaches = [r for r in mine if "/coach_" in r]
        others = sorted(set(mine) - set(pages) - set(projects) - set(coaches))
        items = _items(pages, facts)
        for item in items:
            item.label = "Page du marathon : binômes proposés et explications"
        block = _Block(title, items + _items(others, facts), about=about)
        for what, group in (("projets", projects), ("coachs", coaches)):
            if group:
                head = f"Fiches des {what} ({format_fr(len(group), 0)})"
                block.children.append(_Block(head, _items(group, facts), True, title))
        blocks.append(block)
    return blocks


# --------------------------------------------------------------------------
# HTML

_SCRIPT = """
(function () {
  var zone = document.getElementById("mitlib-portail-filtre");
  var box = document.getElementById("mitlib-filtre");
  var count = document.getElementById("mitlib-filtre-compte");
  if (!zone || !box) { return; }
  zone.hidden = false;
  function fold(s) {
    return s.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase()
      .replace(/\\u0153/g, "oe").replace(/\\u00e6/g, "ae")
      .replace(/[^\\p{L}\\p{N}]+/gu, " ").trim();
  }
  function apply() {
    var q = fold(box.value), words = q.split(" "), n = 0;
    document.querySelectorAll("li[data-filtre]").forEach(function (li) {
      var text = li.getAttribute("data-filtre");
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      li.hidden = !ok;
      if (ok) { n += 1; }
    });
    document.querySelectorAll(".mitlib-portail-bloc, .mitlib-portail-carte")
      .forEach(function (el) {
        el.hidden = q !== "" && !el.querySelector("li[data-filtre]:not([hidden])");
      });
    document.querySelectorAll("details.mitlib-portail-bloc").forEach(function (d) {
      d.open = q !== "" && !d.hidden;
    });
    count.textContent = q === "" ? "" : (n === 0 ? "aucun document"
      : n + (n > 1 ? " documents" : " document"));
  }
  box.addEventListener("input", apply);
  apply();
})();
"""


def _search_text(text: str) -> str:
    """What the filter compares: :func:`~mitlib.core.text.fold`, then letters
    and digits only, as the script folds what is typed.

    Examples
    --------
    >>> _search_text("Épicerie « vrac » (M1-P06 · Fumel)")
    'epicerie vrac m1 p06 fumel'
    """
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _item_html(item: _Item, out: Path, context: str) -> str:
    primary, *others = item.files
    words = " ".join([item.label, item.detail, context])
    fmt = ""
    if not primary.endswith(".html"):
        kind = _FORMATS.get(Path(primary).suffix.lower(), Path(primary).suffix[1:])
        fmt = (
            f' <span class="mitlib-portail-format">{_e(kind)} · '
            f"{_e(_size(out / primary))}</span>"
        )
    links = "".join(
        f' <a class="mitlib-portail-format" href="{_e(rel)}">'
        f"{_e(_FORMATS.get(Path(rel).suffix.lower(), Path(rel).suffix[1:]))} · "
        f"{_e(_size(out / rel))}</a>"
        for rel in others
    )
    detail = (
        f' <span class="mitlib-portail-detail">{_e(item.detail)}</span>'
        if item.detail
        else ""
    )
    return (
        f'<li data-filtre="{_e(_search_text(words))}"><a href="{_e(primary)}">'
        f"{_e(item.label)}</a>{detail}{fmt}{links}</li>"
    )


def _block_html(block: _Block, out: Path) -> str:
    context = f"{block.heading} {block.about}"
    lis = "".join(_item_html(i, out, context) for i in block.items)
    ul = f'<ul class="mitlib-portail-liste">{lis}</ul>' if lis else ""
    ul += "".join(_block_html(child, out) for child in block.children)
    if block.folded:
        return (
            f'<details class="mitlib-portail-bloc"><summary>{_e(block.heading)}'
            f"</summary>{ul}</details>"
        )
    head = ""
    if block.heading:
        about = f" <small>{_e(block.about)}</small>" if block.about else ""
        head = f"<h3>{_e(block.heading)}{about}</h3>"
    return f'<div class="mitlib-portail-bloc">{head}{ul}</div>'


def _provenance_html(provenance: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<tr><th>{_e(k)}</th><td><code>{_e(v)}</code></td></tr>" for k, v in provenance
    )
    return (
        '<details class="mitlib-provenance"><summary>Provenance de ce dossier '
        "(versions, sources, empreintes des fichiers d'entrée)</summary>"
        f"<table>{rows}</table></details>"
    )


def _header(facts: PortalFacts, fictional: bool, public: bool) -> str:
    title = f"{PROGRAMME} — dossier du {facts.date}" if facts.date else PROGRAMME
    lines = []
    if facts.territory:
        scope = f" ({facts.scope})" if facts.scope else ""
        lines.append(f"Territoire : <strong>{_e(facts.territory)}</strong>{_e(scope)}")
    if facts.date:
        note = f" ({facts.date_note})" if facts.date_note else ""
        lines.append(f"Date du dossier : {_e(facts.date)}{_e(note)}")
    facts_html = "".join(f'<p class="mitlib-sous-titre">{line}</p>' for line in lines)
    if public:
        banner = (
            '<p class="mitlib-portail-bandeau mitlib-portail-public">'
            f"<strong>{_e(PUBLIC_NOTICE)}.</strong> Ce dossier peut être diffusé.</p>"
        )
    else:
        banner = (
            '<p class="mitlib-portail-bandeau mitlib-portail-interne">'
            f"<strong>{_e(INTERNAL_NOTICE)}.</strong> Noms et coordonnées des "
            "coachs et des porteurs de projet : à ne pas diffuser hors du comité "
            "et des organisateurs.</p>"
        )
    if fictional:
        banner += (
            '<p class="mitlib-portail-bandeau mitlib-portail-fictif">'
            f"<strong>{_e(FICTIONAL_NOTICE)}</strong> Aucune personne, aucun "
            "projet ni aucun local de ce dossier n'existe.</p>"
        )
    return (
        f'<header class="mitlib-entete mitlib-portail-entete"><h1>{_e(title)}</h1>'
        f"{facts_html}{banner}</header>"
    )


_FILTER = (
    '<div id="mitlib-portail-filtre" class="mitlib-portail-filtre" hidden>'
    '<label for="mitlib-filtre">Chercher un document : commune, EPCI, marathon, '
    "projet…</label> "
    '<input id="mitlib-filtre" type="search" autocomplete="off" '
    'placeholder="un nom, un mot du titre">'
    ' <span id="mitlib-filtre-compte" aria-live="polite"></span></div>'
)


def _css() -> str:
    return resources.files("mitlib").joinpath("assets/page.css").read_text("utf-8")


def write_index(
    out: Path,
    pages: list[Path],
    skipped: list,
    provenance: list[tuple[str, str]],
    fictional: bool,
    public: bool,
    facts: PortalFacts | None = None,
) -> Path:
    """Write the portal ``index.html`` of the export folder ``out``.

    Parameters
    ----------
    out : Path
        The export folder; ``pages`` are files inside it (each is linked).
    skipped : list of (Job, list of str)
        Pages not produced and the input tables they lacked.
    provenance : list of (str, str)
        Rows of the folded provenance block.
    fictional, public : bool
        Banners: fictional sample; public version or internal document.
    facts : PortalFacts, optional
        Names of the territory, communes, EPCI, marathons, projects; without
        them documents are named after their files.
    """
    facts = facts or PortalFacts()
    groups: dict[str, list[str]] = {}
    for p in sorted(pages):
        rel = p.relative_to(out).as_posix()
        if rel != "index.html":
            groups.setdefault(_family(rel), []).append(rel)
    cards = []
    for key, title, purpose in _FAMILIES:
        rels = groups.get(key, [])
        extra = ""
        if key == "provenance":
            if facts.manifest:
                extra += (
                    f'<p><a href="{_e(MANIFEST)}">Manifeste de l\'export</a> '
                    '<span class="mitlib-portail-detail">chaque fichier et son '
                    "empreinte SHA-256</span></p>"
                )
            extra += _provenance_html(provenance)
        if not rels and not extra:
            continue
        blocks = "".join(_block_html(b, out) for b in _blocks(key, rels, facts))
        cards.append(
            f'<section class="mitlib-portail-carte" id="{_e(key)}">'
            f'<h2>{_e(title)}</h2><p class="mitlib-portail-but">{_e(purpose)}</p>'
            f"{blocks if rels else ''}{extra}</section>"
        )
    missing = "".join(
        f"<li>{_e(job.title)} : tables absentes ({_e(', '.join(absent))})</li>"
        for job, absent in skipped
    )
    if missing:
        cards.insert(
            0,
            '<section class="mitlib-portail-carte mitlib-portail-absent">'
            "<h2>Non produit</h2><p>Ces documents manquent : il leur faut des "
            f"fichiers d'entrée absents du dossier de données.</p><ul>{missing}</ul>"
            "</section>",
        )
    nav = " · ".join(
        f'<a href="#{_e(key)}">{_e(title)}</a>'
        for key, title, _ in _FAMILIES
        if f'id="{_e(key)}"' in "".join(cards)
    )
    body = (
        f"{_header(facts, fictional, public)}\n"
        f'<main class="mitlib-corps mitlib-portail">\n'
        f'<nav class="mitlib-portail-sommaire">Sommaire : {nav}</nav>\n{_FILTER}\n'
        + "\n".join(cards)
        + f"\n</main>\n<script>{_SCRIPT}</script>"
    )
    title = f"{PROGRAMME} — {facts.territory}" if facts.territory else PROGRAMME
    path = out / "index.html"
    path.write_text(
        html_page(title, body, css=f"\n{_css()}\n", head=VIEWPORT_META + "\n"),
        encoding="utf-8",
    )
    return path
