"""Tests of ``mit candidatures noter`` and mitlib.candidatures.outputs.

The command runs twice on the bundled sample (module fixture); the outputs
must be byte-identical, consistent with :func:`mitlib.candidatures.scoring.score`, carry
both hashes, never hold personal data and escape user text.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from candidacy_cases import (
    SAMPLE_CANDIDACIES,
    SAMPLE_GRID,
    fast_grid,
    grid_dict,
    inputs_from,
    sample_inputs,
    write_grid,
)

from mitlib.candidatures.outputs import write_candidacy_outputs
from mitlib.candidatures.proposal import analyse
from mitlib.candidatures.scoring import score
from mitlib.cli.main import main
from mitlib.core.provenance import file_sha256
from mitlib.core.writers import write_xlsx
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.render.offline import external_references

GRID_SHA = file_sha256(SAMPLE_GRID)
CANDIDACIES_SHA = file_sha256(SAMPLE_CANDIDACIES)
CSV_FILES = (
    "notes.csv",
    "attribution.csv",
    "alternatives.csv",
    "ecarts.csv",
    "robustesse.csv",
    "stabilite_poids.csv",
    "premiers_epci.csv",
    "couples.csv",
    "historique.csv",
)


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"code_insee": str}
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The command run twice on the sample: (first dir, second dir, stdout)."""
    first = tmp_path_factory.mktemp("noter_1")
    second = tmp_path_factory.mktemp("noter_2")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["candidatures", "noter", "--sortie", str(first)]) == 0
        assert main(["candidatures", "noter", "--sortie", str(second)]) == 0
    return first, second, out.getvalue()


def test_two_runs_are_byte_identical(runs):
    first, second, _ = runs
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    # + provenance, xlsx, 17 sheets and their index, the folder's manifest
    assert len(files) == len(CSV_FILES) + 1 + 1 + 17 + 1 + 1
    assert Path("manifeste_mitlib.json") in files
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_console_prints_both_hashes_and_the_proposal(runs):
    out = runs[2]
    assert f"Grille : grille.yaml — SHA-256 {GRID_SHA}" in out
    assert f"Candidatures : candidatures.csv — SHA-256 {CANDIDACIES_SHA}" in out
    assert "  2024-06  Villeneuve-sur-Lot — résilience alimentaire (16,98 / 20)" in out
    assert f"Attention : {FICTIONAL_NOTICE}" in out


def test_console_numbers_are_written_by_format_fr(runs):
    """Notes with 2 decimals, gaps and values with 4 (the former private
    ``_fr`` helpers of outputs and history, now :func:`format_fr` calls)."""
    out = runs[2]
    assert "   1. Villeneuve-sur-Lot (47323) : 16,98 / 20\n" in out
    assert "Attributions suivantes : n° 2 (écart 0,0150), n° 3 (écart 0,0375)" in out
    assert (
        "  Valeur de l'attribution réelle selon la grille : 3,2961 ; "
        "proposition : 3,2961 (écart 0,0000)."
    ) in out


def test_notes_csv_matches_score(runs):
    path = runs[0] / "notes.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";16,98" in raw  # BOM, comma
    notes = read_csv(path).set_index("code_insee")
    required = [
        "commune",
        "epci_siren",
        "eligible",
        "motif_exclusion",
        "note_sur_20",
        "rang",
    ]
    inputs = sample_inputs()
    grid = inputs.grid
    contributions = [f"contribution_{k}" for k in grid.keys]
    assert set(required + contributions) <= set(notes.columns)
    assert len(notes) == 17
    expected = score(inputs.table, grid).table
    eligible = notes["eligible"] == "oui"
    assert eligible.sum() == 13
    np.testing.assert_allclose(
        notes.loc[eligible, "note_sur_20"],
        expected.loc[notes.index[eligible], "note_sur_20"],
        rtol=1e-5,  # CSV keeps 6 significant digits
    )
    assert notes.loc[eligible, "rang"].tolist() == list(range(1, 14))
    sums = notes.loc[eligible, contributions].sum(axis=1)
    np.testing.assert_allclose(sums, notes.loc[eligible, "note_sur_20"], rtol=1e-4)
    assert (notes.loc[eligible, "contribution_label"] == 0).all()
    assert notes.loc[~eligible, "note_sur_20"].isna().all()
    assert notes.loc["47210", "motif_exclusion"].startswith("Moins de 3 locaux")
    assert (notes["avertissement"] == "DONNÉES FICTIVES").all()


def test_attribution_and_alternatives_csv(runs):
    out = runs[0]
    attribution = read_csv(out / "attribution.csv")
    assert {
        "epci_siren",
        "code_insee",
        "commune",
        "theme",
        "periode",
        "score",
    } <= set(attribution.columns)
    assert attribution["periode"].tolist() == [
        "2023-06",
        "2023-11",
        "2024-03",
        "2024-06",
        "2024-11",
    ]
    notes = read_csv(out / "notes.csv").set_index("code_insee")
    np.testing.assert_allclose(
        attribution["score"], notes.loc[attribution["code_insee"], "note_sur_20"]
    )
    alternatives = read_csv(out / "alternatives.csv")
    ranks = alternatives.groupby("rang_attribution")
    assert list(ranks.groups) == [1, 2, 3, 4]
    gaps = ranks["ecart"].first()
    assert gaps.iloc[0] == 0 and gaps.is_monotonic_increasing
    assert (ranks.size() == 5).all()
    assert (
        alternatives.loc[alternatives["proposition"] == "oui", "rang_attribution"]
        .eq(1)
        .all()
    )


def test_every_output_carries_both_hashes(runs):
    out = runs[0]
    for name in CSV_FILES:
        table = read_csv(out / name)
        assert (table["grille_sha256"] == GRID_SHA).all(), name
        assert (table["candidatures_sha256"] == CANDIDACIES_SHA).all(), name
    book = openpyxl.load_workbook(out / "proces_verbal.xlsx")
    assert book.sheetnames[:3] == ["provenance", "grille", "notes"]
    facts = {r[0]: r[1] for r in book["provenance"].iter_rows(values_only=True)}
    assert facts["grille : sha256"] == GRID_SHA
    assert facts["candidatures : sha256"] == CANDIDACIES_SHA
    for page in (out / "fiches").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert GRID_SHA in text and CANDIDACIES_SHA in text, page.name


def test_score_sheets_are_printable_offline_french_pages(runs):
    pages = sorted((runs[0] / "fiches").glob("47*.html"))
    assert len(pages) == 17
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.startswith('<!DOCTYPE html>\n<html lang="fr">')
        assert "@media print" in text and "DONNÉES FICTIVES" in text
        assert external_references(text) == [] and "http" not in text
        assert "<script" not in text
    monflanquin = (runs[0] / "fiches" / "47175_monflanquin.html").read_text("utf-8")
    assert (
        "Proposée pour accueillir le marathon « culture et patrimoine »" in monflanquin
    )
    assert "Note globale : <strong>7,99 / 20</strong>" in monflanquin
    pujols = (runs[0] / "fiches" / "47215_pujols.html").read_text("utf-8")
    assert "Candidature non classée (éliminée) : Commune labellisée ni" in pujols


def test_no_personal_data_in_any_output(runs):
    contacts = pd.read_csv(SAMPLE_CANDIDACIES, sep=";", encoding="utf-8-sig")["contact"]
    assert contacts.str.contains("@example.org").all()
    for path in runs[0].rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                data = b"".join(z.read(n) for n in z.namelist())
        elif path.is_file():
            data = path.read_bytes()
        else:
            continue
        text = data.decode("utf-8", errors="ignore")
        assert "@example.org" not in text and "05 36 49" not in text, path.name
        assert "Secrétariat de mairie" not in text, path.name


def test_user_text_is_escaped_in_sheets(tmp_path):
    raw = pd.read_csv(SAMPLE_CANDIDACIES, sep=";", dtype=str, encoding="utf-8-sig")
    raw.loc[0, "motivation"] = '<script>alert("x")</script> & « test »'
    raw.loc[0, "commentaires"] = "<img src=x onerror=alert(1)>"
    raw.loc[0, "elu_referent"] = "Maire </td></tr></table><h1>faux</h1>"
    path = tmp_path / "candidatures.csv"
    raw.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    analysis = analyse(inputs_from(path, fast_grid(tmp_path / "g.yaml")))
    write_candidacy_outputs(analysis, tmp_path / "sortie")
    page = (tmp_path / "sortie" / "fiches" / "47323_villeneuve-sur-lot.html").read_text(
        encoding="utf-8"
    )
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; « test »" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;h1&gt;faux&lt;/h1&gt;" in page
    assert "<script" not in page and "<img" not in page and "<h1>faux" not in page


def test_bad_candidacy_file_through_verifier(tmp_path, capsys):
    path = tmp_path / "candidatures.csv"
    path.write_text(
        "id;commune;label;theme_1;locaux_nb;contact\n"
        "C-1;Villeneuve-sur-Lot;ACV;résilience alimentaire;12;a@example.org\n"
        "C-2;Fumel;Label rouge;tourisme;5;\n"
        "C-3;Aiguillon;PVD;pétanque;beaucoup;\n"
        "C-4;Paris;PVD;tourisme;3;\n"
        "C-1;Monflanquin;PVD;culture;4;\n",
        encoding="utf-8",
    )
    assert main(["verifier", str(path), "--table", "candidatures"]) == 1
    out = capsys.readouterr().out
    assert "5 lignes lues, 1 valide, 4 rejetées" in out
    assert (
        "candidatures.csv, ligne 3, colonne label : « Label rouge » n'est pas une "
        "valeur reconnue (valeurs possibles : ACV | PVD | aucun)"
    ) in out
    assert "ligne 4, colonne locaux_nb : « beaucoup » n'est pas un nombre entier" in out
    assert (
        "ligne 4, colonne theme_1 : « pétanque » n'est pas une valeur reconnue" in out
    )
    assert "ligne 5, colonne commune : commune « Paris » inconnue" in out
    assert "ligne 6, colonne id : identifiant « C-1 » déjà utilisé ligne 2" in out
    rejects = pd.read_csv(
        tmp_path / "candidatures_rejets.csv", sep=";", encoding="utf-8-sig"
    )
    assert rejects["id"].tolist() == ["C-2", "C-3", "C-4", "C-1"]


def test_bad_grid_through_the_command(tmp_path, capsys):
    data = grid_dict()
    data["criteres"][1]["sens"] = "haut"
    grid = write_grid(tmp_path / "grille.yaml", data)
    code = main(
        [
            "candidatures",
            "noter",
            "--grille",
            str(grid),
            "--sortie",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "mit : erreur : grille.yaml : Critère « locaux » : champ « sens » : "
        "Sens de critère inconnu : 'haut'."
    )
    assert not (tmp_path / "o").exists()


def test_impossible_attribution_still_writes_notes(tmp_path, capsys):
    data = grid_dict()
    data["attribution"]["note_minimale"] = 19
    data["robustesse"] = {"tirages": 200, "graine": 1, "tirages_attribution": 10}
    grid = write_grid(tmp_path / "grille.yaml", data)
    out = tmp_path / "o"
    assert (
        main(["candidatures", "noter", "--grille", str(grid), "--sortie", str(out)])
        == 1
    )
    assert "Attribution impossible : EPCI " in capsys.readouterr().out
    assert len(read_csv(out / "notes.csv")) == 17
    attribution = read_csv(out / "attribution.csv")
    assert attribution.empty and "periode" in attribution.columns


def test_write_xlsx_is_reproducible(tmp_path):
    sheets = {"a": pd.DataFrame({"x": [1.5, 2.0]}), "b": pd.DataFrame({"y": ["é"]})}
    one = write_xlsx(sheets, tmp_path / "1.xlsx").read_bytes()
    two = write_xlsx(sheets, tmp_path / "2.xlsx").read_bytes()
    assert one == two
    with zipfile.ZipFile(tmp_path / "1.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core  # mitlib.core.provenance.FIXED_DATE
    assert pd.read_excel(tmp_path / "1.xlsx", sheet_name="b")["y"].tolist() == ["é"]
