"""The export pipeline: complete, traced, offline, reproducible, private."""

import csv
import html
import re

import nbformat
import pytest

from mitlib.core.config import EXAMPLE_DIR
from mitlib.core.errors import InputError
from mitlib.core.provenance import file_sha256
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.export.inputs import find_inputs
from mitlib.export.notebook_page import PageInfo, normalize_notebook, render_page
from mitlib.render.offline import external_references
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE

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
    assert "manifeste_mitlib.json" in written  # what the run wrote, with hashes
    index = (exported / "index.html").read_text(encoding="utf-8")
    for page in written - {"index.html", "manifeste_mitlib.json"}:
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
        if page.name in ("carte_pays.html", "carte_locaux.html"):
            continue  # a bare map: its provenance is in the folder's provenance.csv
        text = page.read_text(encoding="utf-8")
        parts = page.relative_to(exported).parts
        if "planning" in parts or page.name.startswith("05_planning"):
            # a marathon plan: its event file and the three tables it reads
            for name in ("locaux.csv", "coachs.csv", "projets.csv", "marathon.yaml"):
                assert file_sha256(EXAMPLE_DIR / name) in text, (page, name)
            assert INTERNAL_NOTICE in text and "FICTIVES" in text, page
            continue
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
        assert html.escape(FICTIONAL_NOTICE) in text, page
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


def _main(page: str) -> str:
    """The body of an exported page (after its header and provenance)."""
    return page[page.index('<main class="mitlib-corps">') :]


def test_comite_and_pairing_pages_read_like_a_publication(exported):
    comite = (exported / "comite/02_candidatures.html").read_text("utf-8")
    pairing = (exported / "binomes/binomes_M1.html").read_text("utf-8")
    full = (exported / "notebooks/02_candidatures.html").read_text("utf-8")
    for page in (comite, pairing):
        body = _main(page)
        assert "'0.1.0'" not in body and "__version__" not in body
        assert "Paramètres" not in body and "statique" not in body
        assert "mit candidatures noter" not in body and "mit binomes" not in body
        assert not re.search(r"\b[0-9a-f]{64}\b", body)  # hashes: provenance only
        assert "Ce notebook appelle" not in body
    body = _main(comite)
    assert "Tester d'autres poids" not in body and "Les curseurs changent" not in body
    assert "ouvrez le notebook 02 dans JupyterLab" in body
    for caption in (
        "Classement des 17 candidatures (13 classées, 4 éliminées)",
        "Proposition d'attribution : une commune hôte et un thème par EPCI",
        "Stabilité du classement quand un seul poids change",
        "Ce qui ferait changer la commune en tête de chaque EPCI",
    ):
        assert caption in html.unescape(body), caption
    assert '<td class="nombre">16,98</td>' in body  # Villeneuve-sur-Lot /20
    visible = re.sub(r"<(iframe|script|style)\b.*?</\1>", "", body, flags=re.S)
    for raw in ("epci_siren", "poids_min", "commune_devant", "critere_bascule"):
        assert raw not in visible, raw
    assert "Marathon M1 : 23 domaines demandés couverts sur 24" in _main(pairing)
    # the full notebooks export keeps the code and the command
    assert "mit candidatures noter" in full and "ranking_view" in full


def grid_in(page: str) -> bool:
    return file_sha256(EXAMPLE_DIR / "grille.yaml") in page


def test_fiche_compares_epci_pays_and_departement(exported):
    text = (exported / "fiches/fiche_244701405.html").read_text(encoding="utf-8")
    assert "Communauté de communes Lot et Tolzac" in text
    # population 2017 of the département, written the French way
    assert "Lot-et-Garonne" in text and "332\u202f842" in text
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


#: One page of each notebook (01, 02, 03, 04), re-exported to check that a
#: second run gives the same bytes (``make bench`` compares two full runs).
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
    with pytest.raises(InputError, match="introuvable"):
        find_inputs(tmp_path / "absent")
    with pytest.raises(InputError, match="n'est pas un dossier"):
        find_inputs(tmp_path / "grille.yaml")


def test_find_inputs_takes_every_format_verifier_reads_and_refuses_doubles(
    tmp_path,
):
    for name in ("Locaux.CSV", "coachs.txt", "projets.xlsm", "acteurs.json"):
        (tmp_path / name).write_bytes(b"")
    assert find_inputs(tmp_path) == {
        "locaux": tmp_path / "Locaux.CSV",
        "acteurs": tmp_path / "acteurs.json",
        "coachs": tmp_path / "coachs.txt",
        "projets": tmp_path / "projets.xlsm",
    }
    (tmp_path / "locaux.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="Plusieurs fichiers pour « locaux »"):
        find_inputs(tmp_path)


def test_internal_pairing_sheets_name_the_people(exported):
    """The organisers' own export keeps who is who (marked internal)."""
    names = _personal_names()
    sheet = (exported / "binomes/tables/fiches/M1/projet_M1-P01.html").read_text(
        "utf-8"
    )
    assert INTERNAL_NOTICE in sheet
    assert any(name in sheet for name in names)


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


# ---------------------------------------------------------------------------
# The public export of the hostile sample (tests/hostile.py), written over an
# internal export: issue 8's privacy and security classes, end to end.
# ---------------------------------------------------------------------------


def _tree(exported_public):
    import json

    return json.loads((exported_public.parents[2] / "arbre.json").read_text("utf-8"))


def test_public_export_writes_nothing_outside_its_folder(exported_public):
    tree = _tree(exported_public)
    new = set(tree["apres"]) - set(tree["avant"])
    assert new, "the export wrote files"
    outside = [p for p in new if not p.startswith(str(exported_public) + "/")]
    assert outside == []
    # « ../../evasion/m1 » would have made a folder « evasion » up the tree
    assert not list(exported_public.parents[3].rglob("evasion"))
    assert all(str(p).startswith(str(exported_public) + "/") for p in tree["ecrits"])


def test_hostile_ids_become_safe_file_names(exported_public):
    from hostile import HOSTILE

    from mitlib.data.outputs import safe_name

    marathon = safe_name(HOSTILE["marathon"])
    assert marathon == "evasion_m1_" + marathon.rsplit("_", 1)[1]
    assert (exported_public / f"binomes/binomes_{marathon}.html").exists()
    sheets = exported_public / "binomes/tables/fiches" / marathon
    project = safe_name(HOSTILE["project"])
    assert (sheets / f"projet_{project}.html").exists()
    assert "/" not in project and ".." not in project


def test_public_export_replaced_the_internal_run_it_was_written_over(
    exported_public,
):
    import json

    from mitlib.data.outputs import INCOMPLETE_NOTICE, MANIFEST

    # the internal run's M1 pages are gone (M1 is now another id)
    assert not (exported_public / "binomes/binomes_M1.html").exists()
    assert not (exported_public / "binomes/tables/fiches/M1").exists()
    for path in exported_public.rglob("*.html"):
        assert INTERNAL_NOTICE not in path.read_text("utf-8"), path
    manifest = json.loads((exported_public / MANIFEST).read_text("utf-8"))
    assert manifest["version"] == "publique" and manifest["statut"] == "complet"
    listed = {f["fichier"] for f in manifest["fichiers"]}
    present = {
        p.relative_to(exported_public).as_posix()
        for p in exported_public.rglob("*")
        if p.is_file()
    }
    assert present == listed | {MANIFEST}
    assert not (exported_public / INCOMPLETE_NOTICE).exists()
    for entry in manifest["fichiers"]:
        assert file_sha256(exported_public / entry["fichier"]) == entry["sha256"]


def test_public_export_leaks_no_planted_personal_value(exported_public):
    from hostile import HOSTILE

    from mitlib.data.privacy import find_personal_values

    planted = [
        "proprio.decale@exemple.org",
        "06 99 88 77 66",
        *(HOSTILE["undeclared_email"].format(n=n) for n in range(40)),
    ]
    files = [p for p in exported_public.rglob("*") if p.is_file()]
    assert find_personal_values(files, planted) == []


def test_public_rejects_keep_public_columns_only(exported_public):
    import pandas as pd
    from hostile import HOSTILE

    from mitlib.data.schemas import get_schema

    rejects = pd.read_csv(
        exported_public / "rejets/coachs_rejets.csv",
        sep=";",
        dtype=str,
        encoding="utf-8-sig",
    )
    assert rejects["id"].tolist() == [HOSTILE["rejected_coach"]]
    assert rejects["ligne"].tolist() == ["2"]
    assert "beaucoup" in rejects["motifs"][0]
    allowed = {"ligne", "motifs", *get_schema("coachs").public_columns}
    assert set(rejects.columns) <= allowed
    assert not {"email", "nom", "contact", "commune", "conflits"} & set(rejects.columns)


def test_no_formula_reaches_a_spreadsheet(exported_public):
    import openpyxl
    from hostile import HOSTILE

    from mitlib.core.writers import FORMULA_TRIGGERS

    books = sorted(exported_public.rglob("*.xlsx"))
    assert len(books) >= 3
    titles = []
    for path in books:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, cell.coordinate)
                    if cell.value == HOSTILE["formula_title"]:
                        assert cell.quotePrefix
                        titles.append(path.name)
    assert "binomes.xlsx" in titles
    cells = set()
    for path in sorted(exported_public.rglob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f, delimiter=";"):
                for cell in row:
                    assert not cell.startswith(FORMULA_TRIGGERS) or re.fullmatch(
                        r"[+-]?\d+(,\d+)?(e[+-]?\d+)?", cell
                    ), (path.name, cell)
                    cells.add(cell)
    assert "'" + HOSTILE["formula_title"] in cells


def test_cp1252_premises_are_exported_like_verifier_reads_them(exported_public):
    text = (exported_public / "diagnostic/indicateurs_communes.csv").read_text(
        "utf-8-sig"
    )
    assert "Villeneuve-sur-Lot" in text and "Ã" not in text


def test_public_dossier_is_public(exported_public, tmp_path):
    """The PDF of a public export (here, beside the other tests of the public
    export: under pytest-xdist a file runs on one worker, so that the public
    export is made once)."""
    from test_pdf import _pages, _small_export

    from mitlib.data.privacy import personal_values
    from mitlib.export import pdf
    from mitlib.export.inputs import find_inputs
    from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE

    # the comité page and five sheets: the summary parts and sheets of every kind
    small = _small_export(exported_public, tmp_path / "export", sheets=5)
    target = pdf.write_dossier(small, tmp_path / "dossier.pdf")
    pages = _pages(target)
    text = " ".join(pages).casefold()
    personal = personal_values(find_inputs(exported_public.parents[2] / "donnees"))
    assert len(personal) > 50
    assert [v for v in personal if v.casefold() in text] == []
    k = next(n for n, t in enumerate(pages) if "Fiche de notation — " in t)
    for page in pages[:k]:
        assert PUBLIC_NOTICE in page and INTERNAL_NOTICE not in page
