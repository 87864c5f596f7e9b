"""What élus read (issue 9): every exported page and workbook reads French.

The scan (tests/publication_scan.py) looks at the text a reader sees —
scripts, styles, charts and the folded provenance left aside — for raw
missing values (NaN, None, inf), numbers written the English way, digests,
and data frames dumped as text; and at every XLSX cell for NaN/inf.
"""

from __future__ import annotations

from pathlib import Path

from publication_scan import export_problems, frame_dumps, page_problems


def test_the_scan_sees_what_it_looks_for(tmp_path: Path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><body><p>Population 47784.00, densité NaN, part None</p>"
        f"<p>{'ab12' * 16}</p>"
        "<pre>rang  commune  note\n1  Aiguillon  12.5\n2  Cancon  11.0\n"
        "3  Fumel  9.0</pre>"
        '<details class="mitlib-provenance"><p>' + "cd34" * 16 + "</p></details>"
        "<script>var x = 0.5; var y = NaN;</script>"
        "<p>Licence Ouverte / Open Licence 2.0</p></body></html>",
        "utf-8",
    )
    found = page_problems(page)
    assert sum("47784.00" in f for f in found) == 1
    assert sum("« NaN »" in f for f in found) == 1  # not the script's
    assert sum("« None »" in f for f in found) == 1
    assert sum("empreinte" in f for f in found) == 1  # not the folded one
    assert sum("texte brut" in f for f in found) == 1
    assert not any("2.0" in f for f in found)
    assert frame_dumps("<pre>Vérification de x.csv\n  17 lignes lues.</pre>") == []


def test_exported_pages_and_workbooks_read_french(exported):
    assert export_problems(exported) == []


def test_readme_screenshots_exist_and_are_small():
    import re

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text("utf-8")
    images = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", readme)
    assert {"data/captures/index.png", "data/captures/fiche_epci.png"} <= set(images)
    for image in images:
        assert 10_000 < (root / image).stat().st_size < 200_000, image
