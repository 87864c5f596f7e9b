"""``mit exporter --pdf``: the comité dossier and the fiches printed by WeasyPrint.

The PDFs are made from the pages of the session's export (``exported``), into
temporary folders: no other export is started here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.export import pdf
from mitlib.render.page import INTERNAL_NOTICE, PRINT_CSS

pypdf = pytest.importorskip("pypdf")

A4 = (595, 842)  # points, rounded


def _pages(path) -> list[str]:
    """Text of each page, whitespace collapsed."""
    reader = pypdf.PdfReader(path)
    texts = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    return [re.sub(r"(?<=\w)- (?=\w)", "-", text) for text in texts]  # a name cut


def _notes(export) -> pd.DataFrame:
    """notes.csv of the export: one row per candidacy, ranking order."""
    return pd.read_csv(
        export / "comite" / "candidatures" / "notes.csv",
        sep=";",
        dtype={"code_insee": str},
        encoding="utf-8-sig",
    )


@pytest.fixture(scope="module")
def dossier(exported, tmp_path_factory):
    """The comité dossier of the session's export (written once: ~10 s)."""
    target = tmp_path_factory.mktemp("pdf") / pdf.DOSSIER
    return [pdf.write_dossier(exported, target)]


def _small_export(exported: Path, out: Path, *, sheets: int = 2) -> Path:
    """What the PDFs read, with a few score sheets only: quick to print."""
    import shutil

    kept = pdf.dossier_sheets(exported / pdf.SHEETS_DIR)[:sheets]
    fiche = exported / "fiches" / "fiche_pays.html"
    for path in [
        exported / pdf.COMMITTEE_PAGE,
        exported / pdf.SHEETS_DIR / "index.html",
        *kept,
        *([fiche] if fiche.is_file() else []),
    ]:
        target = out / path.relative_to(exported)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return out


def test_dossier_has_the_summary_then_one_page_per_candidate_commune(exported, dossier):
    notes = _notes(exported)
    pages = _pages(dossier[0])
    sheets = [n for n, text in enumerate(pages) if "Fiche de notation — " in text]
    k = sheets[0]  # cover and parts, then the sheets
    assert len(pages) == k + len(notes)  # one page per candidate commune
    assert sheets == list(range(k, k + len(notes)))
    # the cover, then each part of the comité page from a new page, in order
    assert f"{pdf.DOSSIER_TITLE} Candidatures" in pages[0] and "Sommaire" in pages[0]
    starts = [
        next(n for n, text in enumerate(pages) if text.startswith(h))
        for h in ("Classement", "Attribution proposée", "Robustesse")
    ]
    assert 0 < starts[0] < starts[1] < starts[2] < k
    # the score sheets in ranking order (eliminated last), one commune a page
    for text, (_, row) in zip(pages[k:], notes.iterrows(), strict=True):
        assert f"Fiche de notation — {row['commune']} ({row['code_insee']})" in text
    # every page: A4, running banner, number out of the whole dossier
    reader = pypdf.PdfReader(dossier[0])
    for n, (page, text) in enumerate(zip(reader.pages, pages, strict=True), 1):
        assert tuple(round(float(v)) for v in page.mediabox[2:]) == A4
        assert FICTIONAL_NOTICE.split(" — ")[0] in text
        assert f"page {n} / {len(pages)}" in text
    assert INTERNAL_NOTICE in pages[0]


def test_dossier_ranking_lists_the_communes_in_rank_order(exported, dossier):
    notes = _notes(exported)
    ranked = notes[notes["eligible"] == "oui"].sort_values("rang")
    assert len(ranked) >= 10
    pages = _pages(dossier[0])
    k = next(n for n, text in enumerate(pages) if "Fiche de notation — " in text)
    first = next(n for n, text in enumerate(pages) if text.startswith("Classement"))
    summary = " ".join(pages[first:k])
    at = 0  # each row, « rank commune », after the one above
    for rank, name in zip(ranked["rang"], ranked["commune"], strict=True):
        at = summary.index(f" {int(rank)} {name} ", at) + 1
    # the contents give each commune's page
    for n, name in enumerate(notes["commune"]):
        assert re.search(rf"{re.escape(name)} \.+ {k + 1 + n} ", pages[0]), name


def test_dossier_bytes_are_the_same_on_a_second_run(exported, dossier, tmp_path):
    small = _small_export(exported, tmp_path / "export")
    first, second = (
        pdf.write_dossier(small, tmp_path / f"{run}.pdf").read_bytes()
        for run in ("un", "deux")
    )
    assert first == second
    for data in (first, dossier[0].read_bytes()):
        assert b"CreationDate" not in data  # nothing of the day it was made


def test_fiche_pdf_holds_its_epci_and_a_note_instead_of_the_map(
    exported, territory, tmp_path
):
    siren, name = territory.epci[["epci_siren", "epci_nom"]].iloc[0]
    page = exported / "fiches" / f"fiche_{siren}.html"
    target = pdf.write_fiche_pdf(page, tmp_path / "pdf" / f"fiche_{siren}.pdf")
    pages = _pages(target)
    assert len(pages) >= 2
    assert name in pages[0]
    assert "Carte interactive : ouvrez la version HTML" in " ".join(pages)
    for n, text in enumerate(pages, 1):
        assert f"page {n} / {len(pages)}" in text
        assert INTERNAL_NOTICE in text  # the banner on every printed page
    again = pdf.write_fiche_pdf(page, tmp_path / "encore.pdf")
    assert again.read_bytes() == target.read_bytes()


def test_write_pdfs_writes_the_dossier_and_one_pdf_per_fiche(exported, tmp_path):
    # only what the PDFs read: the comité page, two sheets and their index, a fiche
    out = _small_export(exported, tmp_path / "export")
    messages = []
    written = pdf.write_pdfs(out, messages.append)
    assert [p.relative_to(out).as_posix() for p in written] == [
        "pdf/dossier_comite.pdf",
        "pdf/fiche_pays.pdf",
    ]
    pages = _pages(written[0])
    assert [t for t in pages if "Fiche de notation — " in t] == pages[-2:]
    assert messages[0] == "PDF : dossier du comité → pdf/dossier_comite.pdf"


def test_every_exported_page_prints_on_a4(exported):
    """The print block reaches every page mitlib writes (folium maps aside)."""
    maps = ("carte_pays.html", "carte_locaux.html")
    pages = [p for p in exported.rglob("*.html") if p.name not in maps]
    assert len(pages) > 100
    for page in pages:
        text = page.read_text("utf-8")
        assert PRINT_CSS.strip() in text, page


def test_pdf_without_engine_is_a_french_error_exit_2(monkeypatch, tmp_path, capsys):
    from mitlib.cli.main import main

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails
    out = tmp_path / "exports"
    assert main(["exporter", "--pdf", "--sortie", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mit : erreur : l'option --pdf a besoin de WeasyPrint")
    assert "Traceback" not in err and "relancez sans --pdf" in err
    assert not out.exists()  # said before any notebook ran
