"""The one CSV/XLSX writer: French Excel format and no live formula, ever."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from mitlib.core.writers import FORMULA_TRIGGERS, neutralize, write_csv, write_xlsx

HOSTILE_CELLS = [
    '=HYPERLINK("http://exemple.invalid","clic")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SOMME(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_every_trigger_gets_an_apostrophe_and_keeps_its_text(cell):
    assert cell.startswith(FORMULA_TRIGGERS)
    assert neutralize(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-3,5", "+12", "-0.25", "Agen", "", "5 €"])
def test_plain_text_and_numbers_are_left_alone(cell):
    assert neutralize(cell) == cell


def test_csv_neutralises_cells_headers_and_index(tmp_path):
    df = pd.DataFrame(
        {"=titre": ["=1+1", "Agen"], "n": [-1.5, 2.0]},
        index=pd.Index(["@x", "y"], name="id"),
    )
    text = write_csv(df, tmp_path / "t.csv", index=True).read_text("utf-8-sig")
    assert text.splitlines() == ["id;'=titre;n", "'@x;'=1+1;-1,5", "y;Agen;2,0"]
    assert df.loc["@x", "=titre"] == "=1+1"  # the caller's frame is untouched


def test_xlsx_never_stores_a_formula(tmp_path):
    df = pd.DataFrame({"texte": HOSTILE_CELLS, "n": range(len(HOSTILE_CELLS))})
    path = write_xlsx({"binomes": df, "=feuille": df.head(1)}, tmp_path / "a.xlsx")
    book = openpyxl.load_workbook(path)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    sheet = book["binomes"]
    texts = [sheet.cell(row=r, column=1) for r in range(2, len(HOSTILE_CELLS) + 2)]
    # readable and unchanged (XML reads a carriage return back as a newline)
    assert [c.value for c in texts] == [t.replace("\r", "\n") for t in HOSTILE_CELLS]
    assert all(c.quotePrefix for c in texts)
    assert [sheet.cell(row=r, column=2).value for r in range(2, 5)] == [0, 1, 2]
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if "sheet" in n)
    assert "<f>" not in xml


def test_xlsx_is_byte_identical_from_run_to_run(tmp_path):
    df = pd.DataFrame({"a": ["=1", "b"], "x": [1.5, None]})
    one = write_xlsx({"s": df}, tmp_path / "1.xlsx").read_bytes()
    two = write_xlsx({"s": df}, tmp_path / "2.xlsx").read_bytes()
    assert one == two


def test_xlsx_index_per_sheet(tmp_path):
    df = pd.DataFrame({"v": [1]}, index=pd.Index(["E1"], name="epci"))
    path = write_xlsx({"a": df, "b": df}, tmp_path / "i.xlsx", index={"a": True})
    book = openpyxl.load_workbook(path)
    assert [c.value for c in book["a"][1]] == ["epci", "v"]
    assert [c.value for c in book["b"][1]] == ["v"]
