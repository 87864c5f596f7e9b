"""The export pipeline: complete, traced, offline, reproducible, private."""

import re

import nbformat
import pytest

from mitlib.config import EXAMPLE_DIR
from mitlib.exports import (
    INTERNAL_NOTICE,
    PUBLIC_NOTICE,
    PageInfo,
    find_inputs,
    normalize_notebook,
    render_page,
)
from mitlib.offline import external_references
from mitlib.provenance import file_sha256

EPCI = ["200023307", "200036523", "200068922", "200068930", "244701405"]


def html_pages(folder):
    return sorted(folder.rglob("*.html"))


def test_every_expected_page_is_written_and_indexed(exported):
    expected = {
        "index.html",
        "carte_pays.html",
        "comite/01_diagnostic_territorial.html",
        "notebooks/01_diagnostic_territorial.html",
        "comite/02_candidatures.html",
        "notebooks/02_candidatures.html",
        "comite/candidatures/proces_verbal.xlsx",
        "comite/candidatures/attribution.csv",
        "comite/candidatures/notes.csv",
        "comite/candidatures/fiches/index.html",
        "comite/candidatures/fiches/47323_villeneuve-sur-lot.html",
        *(f"binomes/binomes_M{n}.html" for n in range(1, 6)),
        "notebooks/03_binomes.html",
        "binomes/tables/binomes.csv",
        "binomes/tables/affinites.csv",
        "binomes/tables/charges.csv",
        "binomes/tables/couverture.csv",
        "binomes/tables/binomes.xlsx",
        "binomes/tables/fiches/index.html",
        "binomes/tables/fiches/M1/projet_M1-P01.html",
        "fiches/fiche_pays.html",
        *(f"fiches/fiche_{s}.html" for s in EPCI),
        "diagnostic/diagnostic.xlsx",
        "diagnostic/diagnostic.gpkg",
        "diagnostic/indicateurs_communes.csv",
    }
    written = {
        p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file()
    }
    assert expected <= written
    index = (exported / "index.html").read_text(encoding="utf-8")
    for page in written - {"index.html"}:
        assert f'href="{page}"' in index, page


def test_comite_version_hides_code_and_full_report_shows_it(exported):
    comite = (exported / "comite/01_diagnostic_territorial.html").read_text("utf-8")
    full = (exported / "notebooks/01_diagnostic_territorial.html").read_text("utf-8")
    assert "run_diagnosis" not in comite and "run_diagnosis" in full
    for page in (comite, full):
        assert "Blanquefort-sur-Briolance" in page  # zones blanches table
        assert 'class="mitlib-carte"' in page  # the map, static iframe


def test_pages_state_their_provenance(exported):
    sha = file_sha256(EXAMPLE_DIR / "locaux.csv")
    grid_sha = file_sha256(EXAMPLE_DIR / "grille.yaml")
    for page in html_pages(exported):
        if page.name == "carte_pays.html":
            continue  # a bare map: its provenance is in diagnostic/provenance.csv
        text = page.read_text(encoding="utf-8")
        parts = page.relative_to(exported).parts
        if "binomes" in parts or page.name.startswith("03_binomes"):
            # pairing: its own inputs, no territory table involved
            for table in ("coachs", "projets"):
                assert file_sha256(EXAMPLE_DIR / f"{table}.csv") in text, page
            assert "mitlib" in text and INTERNAL_NOTICE in text, page
            assert "FICTIVES" in text, page
            continue
        assert "2017 (populations légales" in text, page
        assert sha in text, page
        if "candidatures" in parts:
            # score sheets: their own layout, with the grid's and inputs' hashes
            assert grid_sha in text, page
            assert "Produit par mitlib" in text, page
            assert "DONNÉES FICTIVES" in text.upper(), page
            continue
        assert "<th>mitlib</th>" in text, page
        assert "Données d&#x27;exemple FICTIVES" in text, page
        assert INTERNAL_NOTICE in text, page


def test_committee_pack_has_one_score_sheet_per_candidacy(exported):
    import pandas as pd

    candidacies = pd.read_csv(
        EXAMPLE_DIR / "candidatures.csv", sep=";", dtype=str, encoding="utf-8-sig"
    )
    sheets = sorted((exported / "comite/candidatures/fiches").glob("47*.html"))
    assert len(sheets) == len(candidacies) == 17
    attribution = pd.read_csv(
        exported / "comite/candidatures/attribution.csv",
        sep=";",
        dtype=str,
        encoding="utf-8-sig",
    )
    assert attribution["epci_siren"].nunique() == 5
    comite = (exported / "comite/02_candidatures.html").read_text("utf-8")
    assert grid_in(comite) and "analyse(" not in comite


def grid_in(page: str) -> bool:
    return file_sha256(EXAMPLE_DIR / "grille.yaml") in page


def test_fiche_compares_epci_pays_and_departement(exported):
    text = (exported / "fiches/fiche_244701405.html").read_text(encoding="utf-8")
    assert "Communauté de communes Lot et Tolzac" in text
    assert "Lot-et-Garonne" in text and "332842" in text  # population 2017 of 47
    assert "Le Temple-sur-Lot" in text


def test_no_page_loads_anything_from_the_network(exported):
    for page in html_pages(exported):
        text = page.read_text(encoding="utf-8")
        assert external_references(text) == [], page
        for cdn in ("cdnjs", "unpkg", "jsdelivr", "require.js", "MathJax"):
            assert cdn not in text, (page, cdn)


def test_no_random_ids_timestamps_or_addresses(exported):
    for page in html_pages(exported):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r" at 0x[0-9a-f]{6,}", text), page
        assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text), page
        # branca's default ids are uuid4 hex: map_<32 hex>, geo_json_<32 hex>…
        assert not re.search(r"_[0-9a-f]{32}\b", text), page


def test_two_runs_give_byte_identical_files(exported, tmp_path):
    from mitlib.exports import export_all

    export_all(None, tmp_path)
    first = {
        p.relative_to(exported): p.read_bytes()
        for p in exported.rglob("*")
        if p.is_file()
    }
    second = {
        p.relative_to(tmp_path): p.read_bytes()
        for p in tmp_path.rglob("*")
        if p.is_file()
    }
    assert first.keys() == second.keys()
    different = [str(k) for k in first if first[k] != second[k]]
    assert different == []


def _personal_strings():
    """Every e-mail and phone number in the inputs' text."""
    found = set()
    for path in EXAMPLE_DIR.glob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        found |= set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text))
        found |= set(re.findall(r"0\d(?: \d\d){4}", text))
    return found


def _personal_names():
    import pandas as pd

    names = set()
    for table, column in (("coachs", "nom"), ("projets", "porteur")):
        df = pd.read_csv(
            EXAMPLE_DIR / f"{table}.csv", sep=";", dtype=str, encoding="utf-8-sig"
        )
        names |= set(df[column].dropna())
    return names


def test_public_export_contains_no_email_or_phone_of_the_inputs(exported_public):
    personal = _personal_strings() | _personal_names()
    assert len(personal) > 500  # the sample has hundreds of contacts and names
    for path in exported_public.rglob("*"):
        if path.is_file():
            data = path.read_bytes().decode("utf-8", errors="ignore")
            leaked = [s for s in personal if s in data]
            assert leaked == [], (path, leaked[:3])
    index = (exported_public / "index.html").read_text(encoding="utf-8")
    assert PUBLIC_NOTICE in index and INTERNAL_NOTICE not in index


def test_find_inputs_defaults_to_the_sample_and_reads_a_user_folder(tmp_path):
    sample = find_inputs(None)
    assert sample["locaux"] == EXAMPLE_DIR / "locaux.csv"
    (tmp_path / "acteurs.xlsx").write_bytes(b"")
    (tmp_path / "grille.yaml").write_text("x: 1\n")
    assert find_inputs(tmp_path) == {
        "acteurs": tmp_path / "acteurs.xlsx",
        "grille": tmp_path / "grille.yaml",
    }
    with pytest.raises(FileNotFoundError, match="introuvable"):
        find_inputs(tmp_path / "absent")


def test_internal_pairing_sheets_name_the_people(exported):
    """The organisers' own export keeps who is who (marked internal)."""
    names = _personal_names()
    sheet = (exported / "binomes/tables/fiches/M1/projet_M1-P01.html").read_text(
        "utf-8"
    )
    assert INTERNAL_NOTICE in sheet
    assert any(name in sheet for name in names)


def test_export_skips_notebooks_whose_tables_are_missing(tmp_path):
    from mitlib.exports import export_all

    (tmp_path / "donnees").mkdir()
    written = export_all(tmp_path / "donnees", tmp_path / "out")
    assert [p.name for p in written] == ["index.html"]
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Non produit" in index and "locaux, acteurs, evenements" in index
    assert "coachs, projets" in index


def test_normalize_notebook_merges_prints_cut_by_timing():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print")])
    stream = nbformat.v4.new_output
    nb.cells[0].outputs = [
        stream("stream", name="stdout", text="a\n"),
        stream("stream", name="stdout", text="b\n"),
        stream("stream", name="stderr", text="attention\n"),
    ]
    out = normalize_notebook(nb).cells[0].outputs
    assert [(o.name, o.text) for o in out] == [
        ("stdout", "a\nb\n"),
        ("stderr", "attention\n"),
    ]


def test_normalize_notebook_drops_widgets_and_execution_metadata():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("w")])
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-11-22T08:00:00"}
    nb.cells[0].outputs = [
        nbformat.v4.new_output(
            "display_data",
            {
                "application/vnd.jupyter.widget-view+json": {"model_id": "abc"},
                "text/plain": "VBox()",
            },
        ),
        nbformat.v4.new_output("stream", name="stdout", text="<x at 0xdeadbeef>\n"),
    ]
    out = normalize_notebook(nb)
    assert out.cells[0].metadata == {}
    assert [o["output_type"] for o in out.cells[0].outputs] == ["stream"]
    assert out.cells[0].outputs[0]["text"] == "<x>\n"


def test_render_page_escapes_text_and_marks_public():
    page = render_page(
        "<p>corps</p>",
        PageInfo("<script>alert(1)</script>", [("f", "<b>")], public=True),
    )
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;" in page
    assert PUBLIC_NOTICE in page and "<p>corps</p>" in page
