"""What a reader must never see in an exported page or workbook (issue 9).

Used by tests/test_publications.py on the session's exports; kept apart so
that it can be run on any export folder:
``python tests/publication_scan.py exports/``.
"""

from __future__ import annotations

import html
import math
import re
import sys
from pathlib import Path

#: Words a data-frame dump or an unformatted value leaves behind.
MISSING_WORDS = re.compile(r"(?<![\w-])(NaN|nan|None|inf|-inf|NaT|<NA>)(?![\w-])")
#: A number written the English way: 47784.00, 0.217101, 0.02 (not 1.2.3).
ENGLISH_NUMBER = re.compile(r"(?<![\w.,/-])\d+\.\d+(?![\w.])")
#: A SHA-256 (or any 64-hex digest).
DIGEST = re.compile(r"\b[0-9a-f]{64}\b")
#: Blocks whose content is not body text.
_HIDDEN = re.compile(
    r"<(script|style|svg)\b.*?</\1>|<details class=\"mitlib-provenance\">.*?</details>",
    re.S | re.I,
)
_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.S | re.I)
_PRE = re.compile(r"<pre\b[^>]*>(.*?)</pre>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
#: Names that carry a version number (« Licence Ouverte 2.0 »), not a value.
_VERSIONED = re.compile(r"(Licence|version|Version)\s+\d+(\.\d+)+")


def body_text(page: str, *, keep_code: bool = True) -> str:
    """The text a reader sees: no script, style, SVG, provenance block."""
    text = _HIDDEN.sub(" ", page)
    if not keep_code:
        text = _CODE.sub(" ", text)
    return _VERSIONED.sub(" ", html.unescape(_TAG.sub(" ", text)))


def frame_dumps(page: str) -> list[str]:
    """``<pre>`` blocks laid out as a table (columns aligned by spaces)."""
    dumps = []
    for block in _PRE.findall(_HIDDEN.sub(" ", page)):
        lines = [
            line for line in html.unescape(_TAG.sub("", block)).splitlines() if line
        ]
        tabular = [line for line in lines if len(re.findall(r"\S {2,}\S", line)) >= 2]
        if len(tabular) >= 3:
            dumps.append(lines[0][:80])
    return dumps


def page_problems(path: Path, *, full_notebook: bool = False) -> list[str]:
    """Problems of one HTML page; code cells of full notebooks are exempt."""
    page = path.read_text("utf-8")
    text = body_text(page, keep_code=not full_notebook)
    found = [
        f"{path.name}: valeur manquante brute « {m} »"
        for m in MISSING_WORDS.findall(text)
    ]
    found += [
        f"{path.name}: nombre à l'anglaise « {m} »"
        for m in ENGLISH_NUMBER.findall(text)
    ]
    found += [f"{path.name}: empreinte dans le corps" for _ in DIGEST.findall(text)]
    if not full_notebook:
        found += [
            f"{path.name}: tableau en texte brut « {d} »" for d in frame_dumps(page)
        ]
    return found


def workbook_problems(path: Path) -> list[str]:
    """Cells of an XLSX holding NaN, inf or their names as text."""
    from openpyxl import load_workbook

    found = []
    book = load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                bad = (isinstance(value, float) and not math.isfinite(value)) or (
                    isinstance(value, str) and MISSING_WORDS.fullmatch(value.strip())
                )
                if bad:
                    found.append(
                        f"{path.name}!{sheet.title}!{cell.coordinate}: {value!r}"
                    )
    book.close()
    return found


def export_problems(folder: Path) -> list[str]:
    """Every problem of an export folder (pages and workbooks)."""
    found = []
    for path in sorted(folder.rglob("*.html")):
        relative = path.relative_to(folder)
        if relative.parts[0] == "notebooks":
            found += page_problems(path, full_notebook=True)
        elif path.name.startswith("carte"):
            continue  # a map page: its text is the map's (checked by test_maps)
        else:
            found += page_problems(path)
    for path in sorted(folder.rglob("*.xlsx")):
        found += workbook_problems(path)
    return found


if __name__ == "__main__":  # pragma: no cover
    problems = export_problems(Path(sys.argv[1]))
    print("\n".join(problems) or "aucun problème")
