"""PDF files of an export (``mit exporter --pdf``): the comité dossier, the fiches.

:func:`write_pdfs` reads the pages an export has just written and prints them
on A4 with WeasyPrint (CSS paged media: the ``@page`` rules of
``mitlib/assets/page.css`` give the margins, the running title, the
« fictif » / « interne » banner and the page number on every page):

* ``pdf/dossier_comite.pdf``: a cover (title, notices, provenance, contents),
  then the ranking, the proposed attribution and the robustness sections of
  the static comité page (``comite/02_candidatures.html``), each from a new
  page, then the score sheet of every candidate commune
  (``comite/candidatures/fiches/``), one page each, in ranking order
  (eliminated last, the order of the sheets' index);
* ``pdf/<fiche>.pdf``: one per diagnosis fiche (``fiches/*.html``).

A Leaflet map needs a browser: in a PDF it gives way to a short note (the
HTML page keeps it). The PDFs hold only text of pages of the same export, so a
public export gives public PDFs. No date is written: the same pages give the
same bytes.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from pathlib import Path

from mitlib.core.errors import OptionError
from mitlib.core.text import fold
from mitlib.render.page import html_page

__all__ = [
    "quiet_engine",
    "COMMITTEE_PAGE",
    "DOSSIER",
    "DOSSIER_PARTS",
    "FICHES_DIR",
    "PDF_DIR",
    "SHEETS_DIR",
    "dossier_sheets",
    "require_engine",
    "write_dossier",
    "write_fiche_pdf",
    "write_pdfs",
]

#: Folder of the PDFs in the export.
PDF_DIR = "pdf"
#: The comité dossier, in the export.
DOSSIER = f"{PDF_DIR}/dossier_comite.pdf"
#: The static comité page whose sections open the dossier.
COMMITTEE_PAGE = "comite/02_candidatures.html"
#: The score sheets (one per candidate commune) and their index.
SHEETS_DIR = "comite/candidatures/fiches"
#: The diagnosis fiches (one per EPCI and the Pays).
FICHES_DIR = "fiches"

#: Parts of the dossier taken from the comité page: (title in the contents,
#: headings of the page's sections that the part gathers, compared folded and
#: by their beginning).
DOSSIER_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Classement des candidatures", ("Classement", "Contributions des critères")),
    ("Attribution proposée et calendrier", ("Attribution proposée",)),
    ("Robustesse aux poids", ("Robustesse",)),
)

#: Title of the dossier (cover, running title, PDF metadata).
DOSSIER_TITLE = "Dossier du comité d'attribution"

_MAP_NOTE = (
    "Carte interactive : ouvrez la version HTML de cette page pour la consulter."
)

#: Print rules of the PDFs only: a map (an iframe that only a browser fills)
#: becomes a note; nothing in a PDF is clickable to another page's file.
_PDF_CSS = f"""
iframe.mitlib-carte {{ display: block; height: auto !important; border: 1px dashed #999;
  padding: 3mm; margin: 3mm 0; color: #555555; font-style: italic; }}
iframe.mitlib-carte::before {{ content: "{_MAP_NOTE}"; }}
"""

#: The dossier's own parts: cover, contents, one part per page.
_DOSSIER_CSS = """
.mitlib-partie { break-before: page; }
.mitlib-sommaire { list-style: none; padding: 0; margin: 6mm 0; font-size: 11pt; }
.mitlib-sommaire li { margin: 2mm 0; }
.mitlib-sommaire li ol { list-style: none; padding-left: 6mm; font-size: 9pt; }
.mitlib-sommaire a::after { content: leader(".") " " target-counter(attr(href), page); }
.mitlib-sommaire [data-page]::after { content: leader(".") " " attr(data-page); }
.mitlib-provenance-fiches { font-size: 7pt; color: #555555; overflow-wrap: anywhere; }
.mitlib-provenance-fiches ul { margin: 0; padding-left: 4mm; }
"""

#: Font sizes (pt) tried, largest first, to print a score sheet on one page.
_SHEET_SIZES = (8.5, 8.0, 7.5, 7.0, 6.5)


def require_engine():
    """The WeasyPrint module, or an :class:`OptionError` saying how to get it.

    WeasyPrint is a dependency of mitlib; it needs the Pango library of the
    system (present wherever Chromium or a desktop is installed).
    """
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise OptionError(
            "l'option --pdf a besoin de WeasyPrint, qui n'a pas pu être chargé "
            f'({error}). Installez-le (pip install "weasyprint>=62" ; sous '
            "Debian ou Ubuntu, la bibliothèque Pango : apt install "
            "libpango-1.0-0 libpangoft2-1.0-0), ou relancez sans --pdf : les "
            "pages HTML s'impriment aussi depuis le navigateur."
        ) from error
    return weasyprint


def _engine_css(weasyprint, text: str):
    return weasyprint.CSS(string=text)


@contextlib.contextmanager
def quiet_engine():
    """WeasyPrint's warnings (a screen-only CSS property it ignores, a font
    subset) are not the user's business: only errors are shown."""
    loggers = [logging.getLogger(name) for name in ("weasyprint", "fontTools")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# --------------------------------------------------------------------------
# Reading the exported pages
# --------------------------------------------------------------------------

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_HEADER = re.compile(r'<header class="mitlib-entete">.*?</header>', re.S)
_CELL = re.compile(r'(?=<div class="(?:cell|jp-Cell)[ "])')
_H2 = re.compile(r"<h2[^>]*>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_FOOTER = re.compile(r"<footer>.*?</footer>", re.S)
_SHEET_LINK = re.compile(r'<a href="([^"/]+\.html)"')


_LOCAL_LINK = re.compile(r'<a href="(?!#|[a-z]+://)[^"]*"')


def _source(weasyprint, page: str, base: Path):
    """WeasyPrint's source for an exported page's HTML: a link to another
    file of the export becomes plain text (a PDF must not point to the folder
    where it was made)."""
    return weasyprint.HTML(string=_LOCAL_LINK.sub("<a", page), base_url=str(base))


def _text(fragment: str) -> str:
    import html

    return html.unescape(_TAG.sub("", fragment)).replace("¶", "").strip()


def page_sections(page: str) -> list[tuple[str, str]]:
    """The sections of an exported notebook page: ``(heading, html)`` pairs.

    A section starts at a cell holding an ``<h2>`` and runs to the next one;
    what comes before the first is under the heading ``""``.

    Examples
    --------
    >>> page = ('<main class="mitlib-corps"><div class="cell a"><h1>T</h1></div>'
    ...         '<div class="cell b"><h2 id="x">Un<a>¶</a></h2></div>'
    ...         '<div class="cell c">1</div><div class="cell d"><h2>Deux</h2></div>'
    ...         '</main>')
    >>> [(h, s.count("<div")) for h, s in page_sections(page)]
    [('', 1), ('Un', 2), ('Deux', 1)]
    """
    start = page.index('<main class="mitlib-corps">') + len(
        '<main class="mitlib-corps">'
    )
    body = page[start : page.rindex("</main>")]
    sections: list[tuple[str, str]] = [("", "")]
    for cell in _CELL.split(body):
        heading = _H2.search(cell)
        if heading:
            sections.append((_text(heading.group(1)), cell))
        else:
            sections[-1] = (sections[-1][0], sections[-1][1] + cell)
    return sections


def _matches(heading: str, wanted: tuple[str, ...]) -> bool:
    return any(fold(heading).startswith(fold(w)) for w in wanted)


def dossier_sheets(sheets_dir: Path) -> list[Path]:
    """The score sheets in the order of their index (ranking order, eliminated
    last); sheets the index does not list follow in name order."""
    pages = {p.name: p for p in sheets_dir.glob("*.html") if p.name != "index.html"}
    index = sheets_dir / "index.html"
    order: list[str] = []
    if index.is_file():
        for name in _SHEET_LINK.findall(index.read_text("utf-8")):
            if name in pages and name not in order:
                order.append(name)
    order += sorted(set(pages) - set(order))
    return [pages[name] for name in order]


# --------------------------------------------------------------------------
# The comité dossier
# --------------------------------------------------------------------------


def _summary_html(committee: str, sheets: list[tuple[str, int]], first: int) -> str:
    """Cover, contents and the dossier's parts of the comité page (one HTML page).

    ``sheets`` are the (commune title, page count) of the score sheets that
    follow the summary, whose first page is ``first``.
    """
    import html

    sections = page_sections(committee)
    parts = []
    for n, (title, wanted) in enumerate(DOSSIER_PARTS, 1):
        cells = "".join(s for h, s in sections if h and _matches(h, wanted))
        if not cells:
            raise RuntimeError(
                f"{COMMITTEE_PAGE} : aucune section {wanted!r} pour le dossier"
            )
        parts.append((f"partie-{n}", title, cells))
    header = _HEADER.search(committee)
    notices = "".join(re.findall(r'<p class="mitlib-avis">.*?</p>', header.group(0)))
    provenance = re.search(
        r'<details class="mitlib-provenance">.*?</details>', header.group(0), re.S
    )
    page_title = _text(_TITLE.search(committee).group(1))
    toc = "".join(
        f'<li><a href="#{ident}">{title}</a></li>' for ident, title, _ in parts
    )
    page = first
    entries = []
    for name, count in sheets:
        entries.append(f'<li>{html.escape(name)}<span data-page="{page}"></span></li>')
        page += count
    toc += (
        f"<li>Fiches de notation, une page par commune candidate, dans l'ordre du "
        f'classement<span data-page="{first}"></span><ol>{"".join(entries)}</ol></li>'
    )
    cover = (
        f'<header class="mitlib-entete"><h1>{DOSSIER_TITLE}</h1>'
        f'<p class="mitlib-sous-titre">{html.escape(page_title)}</p>{notices}'
        f"{provenance.group(0) if provenance else ''}</header>"
        f'<main class="mitlib-corps"><h2>Sommaire</h2><ol class="mitlib-sommaire">'
        f"{toc}</ol>"
    )
    body = cover + "".join(
        f'<section class="mitlib-partie" id="{ident}">{cells}</section>'
        for ident, _, cells in parts
    )
    css = _STYLE.search(committee).group(1) + _DOSSIER_CSS
    return html_page(DOSSIER_TITLE, body + "</main>", css=css)


def _sheet_css(size: float, first_page: int, total: int) -> str:
    """A score sheet printed small enough for one page, numbered in the dossier
    (a user style sheet: its ``!important`` rules win over the page's)."""
    rules = f"""
@page {{ @bottom-left {{ content: "{DOSSIER_TITLE}"; font: 8pt sans-serif;
  color: #555555; }}
  @bottom-right {{ content: "page " counter(page) " / {total}"; }} }}
@page :first {{ counter-set: page {first_page}; }}
html, body {{ font-size: {size}pt; line-height: 1.3; }}
body {{ max-width: none; margin: 0; padding: 0; }}
h1 {{ font-size: 1.5em; margin: 0 0 0.2em; }}
h2 {{ font-size: 1.1em; margin: 0.7em 0 0.25em; }}
.note {{ font-size: 1.15em; }}
.explication {{ font-size: 0.85em; }}
p, ul, ol {{ margin-top: 0.25em; margin-bottom: 0.25em; }}
table {{ font-size: 0.95em; margin: 0.3em 0; }}
th, td {{ padding: 0.12em 0.3em; }}
section, table {{ break-inside: auto; page-break-inside: auto; }}
body {{ column-count: 2; column-gap: 6mm; }}
body > *, section:nth-of-type(n+3) {{ column-span: all; }}
section:nth-of-type(n+3) {{ column-span: none; }}
section:nth-of-type(n+3) h2 {{ margin-top: 0.4em; }}
th {{ overflow-wrap: normal; word-break: normal; hyphens: none; }}
footer {{ display: none; }}
"""
    return rules.replace(";", " !important;")


def _render_sheet(weasyprint, path: Path, first_page: int, total: int, start: float):
    """The sheet laid out with the largest font size, from ``start`` down, that
    fits one page (the smallest if none does), and that size."""
    source = _source(weasyprint, path.read_text("utf-8"), path.parent)
    sizes = [size for size in _SHEET_SIZES if size <= start] or [_SHEET_SIZES[-1]]
    for size in sizes:
        doc = source.render(
            stylesheets=[
                _engine_css(weasyprint, _PDF_CSS),
                _engine_css(weasyprint, _sheet_css(size, first_page, total)),
            ]
        )
        if len(doc.pages) == 1:
            break
    return doc, size


@quiet_engine()
def write_dossier(out: Path, target: Path) -> Path:
    """Write the comité dossier of the export ``out`` to ``target`` (one PDF).

    Pages: the cover and the comité page's parts (:data:`DOSSIER_PARTS`,
    each from a new page), then one page per score sheet, in ranking order.
    """
    weasyprint = require_engine()
    committee = (out / COMMITTEE_PAGE).read_text("utf-8")
    sheets = dossier_sheets(out / SHEETS_DIR)
    names = [_text(_TITLE.search(p.read_text("utf-8")).group(1)) for p in sheets]
    names = [n.removeprefix("Fiche de notation — ") for n in names]

    def summary(counts: list[int], first: int, total: int | None = None):
        page = _summary_html(committee, list(zip(names, counts, strict=True)), first)
        css = [_engine_css(weasyprint, _PDF_CSS)]
        if total is not None:  # its page numbers over the whole dossier
            css.append(
                _engine_css(
                    weasyprint,
                    f'@page {{ @bottom-right {{ content: "page " counter(page) '
                    f'" / {total}" !important; }} }}',
                )
            )
        return _source(weasyprint, page, out / "comite").render(stylesheets=css)

    counts = [1] * len(sheets)
    k = len(summary(counts, 2).pages)
    for _ in range(2):  # again only if a sheet did not fit on one page
        total, first, rendered = k + sum(counts), k + 1, []
        size = _SHEET_SIZES[0]  # the next sheet starts from the size that fitted
        for path in sheets:
            doc, size = _render_sheet(weasyprint, path, first, total, size)
            rendered.append(doc)
            first += len(doc.pages)
        if [len(d.pages) for d in rendered] == counts:
            break
        counts = [len(d.pages) for d in rendered]
    doc = summary(counts, k + 1, total)
    if len(doc.pages) != k:  # pragma: no cover - the contents changed the layout
        raise RuntimeError("le sommaire du dossier a changé de nombre de pages")
    pages = [p for d in (doc, *rendered) for p in d.pages]
    merged = doc.copy(pages)
    merged.metadata.title = DOSSIER_TITLE
    merged.metadata.lang = "fr"
    target.parent.mkdir(parents=True, exist_ok=True)
    merged.write_pdf(target)
    return target


@quiet_engine()
def write_fiche_pdf(page: Path, target: Path) -> Path:
    """One exported page printed to ``target`` (A4, static content)."""
    weasyprint = require_engine()
    source = _source(weasyprint, Path(page).read_text("utf-8"), Path(page).parent)
    doc = source.render(stylesheets=[_engine_css(weasyprint, _PDF_CSS)])
    doc.metadata.lang = "fr"
    target.parent.mkdir(parents=True, exist_ok=True)
    doc.write_pdf(target)
    return target


def write_pdfs(out: Path, say: Callable[[str], None] | None = None) -> list[Path]:
    """The PDFs of the export ``out`` (already written): the comité dossier
    when the comité page and sheets exist, and one PDF per fiche."""
    require_engine()
    out = Path(out)
    written = []
    if (out / COMMITTEE_PAGE).is_file() and dossier_sheets(out / SHEETS_DIR):
        if say is not None:
            say(f"PDF : dossier du comité → {DOSSIER}")
        written.append(write_dossier(out, out / DOSSIER))
    fiches = sorted((out / FICHES_DIR).glob("*.html"))
    if fiches and say is not None:
        say(f"PDF : {len(fiches)} fiches → {PDF_DIR}/")
    for fiche in fiches:
        written.append(write_fiche_pdf(fiche, out / PDF_DIR / f"{fiche.stem}.pdf"))
    return written
