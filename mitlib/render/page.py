"""The one HTML page shell, and what the printable sheets share: look, banner, escaping.

Every standalone page that mitlib writes by hand (the score sheets of the
candidacies, :mod:`mitlib.candidatures.sheets`; the pairing sheets,
:mod:`mitlib.binomes.sheets`; the pages and the index of the export,
:mod:`mitlib.export.notebook_page` and :mod:`mitlib.export.index`) is built
by :func:`html_page`. The sheets are printed for the comité and the
organisers; each adds its own rules to :data:`SHEET_CSS`. Map pages are
folium's (:mod:`mitlib.render.offline`).
"""

from __future__ import annotations

import html
import math

from mitlib.data.fictional import FICTIONAL_NOTICE

__all__ = [
    "INTERNAL_NOTICE",
    "PRINT_CSS",
    "PUBLIC_NOTICE",
    "SHEET_CSS",
    "VIEWPORT_META",
    "esc",
    "html_page",
    "provenance_block",
]

#: Notice on every page of an internal export (personal data kept).
INTERNAL_NOTICE = "Document interne – données personnelles"
#: Notice on every page of a public export.
PUBLIC_NOTICE = "Version publique : les données personnelles ont été retirées"

#: Page, headings, banner, tables and print rules common to every sheet.
SHEET_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt;
       color: #222; max-width: 60em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 17pt; margin: 0.2em 0; }
h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.4em; }
.sous-titre { color: #555; margin: 0.2em 0; }
.fictif { background: #b30000; color: #fff; font-weight: bold; padding: 0.4em;
          text-align: center; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.4em; vertical-align: top; }
th { background: #eee; text-align: left; }
td.nombre { text-align: right; white-space: nowrap; }
footer { color: #555; font-size: 9pt; border-top: 1px solid #999;
         margin-top: 2em; padding-top: 0.5em; word-break: break-all; }
"""


def _print_css() -> str:
    """The print block of ``assets/page.css`` (between its two markers)."""
    from importlib import resources

    text = resources.files("mitlib").joinpath("assets/page.css").read_text("utf-8")
    start = text.index("/* == impression A4 : début")
    end = text.index("/* == impression A4 : fin == */")
    return text[start : end + len("/* == impression A4 : fin == */")] + "\n"


#: The A4 print rules of every page (``@page`` margins, running title, banner
#: and page number; page breaks; no widget on paper): the block of
#: ``mitlib/assets/page.css``, which the export's pages carry whole.
PRINT_CSS = _print_css()
SHEET_CSS += PRINT_CSS

#: Head line of pages read on screens of any width (the export's pages).
VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def esc(value: object) -> str:
    """HTML-escape any value (quotes included); missing values give ``""``.

    Examples
    --------
    >>> esc('<script>alert("x")</script>'), esc(None), esc(float("nan"))
    ('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;', '', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def provenance_block(
    facts: list[tuple[str, str]] | tuple = (),
    *,
    lines: list[str] | tuple = (),
    summary: str = "Provenance (fichiers, versions, empreintes)",
) -> str:
    """The folded provenance of a page: out of the reading, one click away.

    ``facts`` are (label, value) pairs, ``lines`` already-escaped HTML
    paragraphs. Digests and versions live here, never in the body.

    Examples
    --------
    >>> block = provenance_block([("grille : sha256", "ab<c")])
    >>> block.startswith('<details class="mitlib-provenance">')
    True
    >>> "<li>grille : sha256 : <code>ab&lt;c</code></li>" in block
    True
    """
    items = "".join(f"<li>{esc(k)} : <code>{esc(v)}</code></li>" for k, v in facts)
    body = "".join(f"<p>{line}</p>" for line in lines)
    listed = f"<ul>{items}</ul>" if items else ""
    return (
        f'<details class="mitlib-provenance"><summary>{esc(summary)}</summary>'
        f"{body}{listed}</details>"
    )


def html_page(
    title: str,
    body: str,
    *,
    css: str = SHEET_CSS,
    fictional: bool = False,
    notice: str | None = None,
    footer: str = "",
    head: str = "",
    lang: str = "fr",
) -> str:
    """A standalone HTML page: the one shell of every page mitlib writes by hand.

    The page is::

        <!DOCTYPE html>
        <html lang="fr">
        <head>
        <meta charset="utf-8">
        {head}<title>{title}</title>
        <style>{css}</style>
        </head>
        <body>
        {banner}{notice}{body}
        {footer}
        </body>
        </html>

    Parameters
    ----------
    title : str
        Text of ``<title>`` (escaped).
    body : str
        Trusted HTML (its user text is escaped where it is made).
    css : str
        Style sheet, written as is between ``<style>`` and ``</style>``
        (add newlines around it to have them in the page).
    fictional : bool
        Start the body with the banner ``<div class="fictif">`` of
        :data:`~mitlib.data.fictional.FICTIONAL_NOTICE`, followed by a newline.
    notice : str, optional
        Then a ``<p class="avis">`` with this text (escaped) and a newline.
    footer : str
        Trusted HTML written after the body, on its own line (nothing when
        empty).
    head : str
        Trusted HTML written in ``<head>`` before ``<title>`` (e.g.
        :data:`VIEWPORT_META` followed by a newline).
    lang : str
        Language of the page.

    Examples
    --------
    >>> print(html_page("Fiche <1>", "<p>x</p>", css="p {}", notice="Interne"))
    <!DOCTYPE html>
    <html lang="fr">
    <head>
    <meta charset="utf-8">
    <title>Fiche &lt;1&gt;</title>
    <style>p {}</style>
    </head>
    <body>
    <p class="avis">Interne</p>
    <p>x</p>
    </body>
    </html>
    <BLANKLINE>
    >>> esc(FICTIONAL_NOTICE) in html_page("Essai", "", fictional=True)
    True
    """
    banner = f'<div class="fictif">{esc(FICTIONAL_NOTICE)}</div>\n' if fictional else ""
    avis = f'<p class="avis">{esc(notice)}</p>\n' if notice else ""
    end = f"\n{footer}" if footer else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"{head}<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f"{banner}{avis}{body}{end}\n</body>\n</html>\n"
    )
