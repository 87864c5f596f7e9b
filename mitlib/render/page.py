"""What the printable HTML sheets share: look, banner, escaping.

The score sheets of the candidacies (:mod:`mitlib.candidatures.sheets`) and the pairing
sheets (:mod:`mitlib.binomes.pairing`) are standalone pages printed for the comité
and the organisers; each adds its own rules to :data:`SHEET_CSS`.
"""

from __future__ import annotations

import html
import math

__all__ = ["FICTIONAL_BANNER", "INTERNAL_NOTICE", "PUBLIC_NOTICE", "SHEET_CSS", "esc"]

#: Notice on every page of an internal export (personal data kept).
INTERNAL_NOTICE = "Document interne – données personnelles"
#: Notice on every page of a public export.
PUBLIC_NOTICE = "Version publique : les données personnelles ont été retirées"

#: Banner of pages built from the bundled sample.
FICTIONAL_BANNER = "DONNÉES FICTIVES — jeu d'exemple mitlib, aucune donnée réelle."

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
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .fictif { background: none; color: #000; border: 2px solid #000; }
  section, table, tr { page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


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
