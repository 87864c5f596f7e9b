"""The fictional sample: one mark, one wording, one detector (mitlib.data.fictional)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest

from mitlib.data.fictional import (
    FICTIONAL_COLUMN,
    FICTIONAL_MARK,
    FICTIONAL_NOTICE,
    carries_mark,
    is_fictional,
)
from mitlib.data.formats import read_raw
from mitlib.data.io import example_path, load_table

MITLIB = Path(__file__).resolve().parents[1] / "mitlib"
WORD = re.compile("fictiv", re.IGNORECASE)

#: String literals outside mitlib/data/fictional.py allowed to say « fictive »:
#: help texts of the command line, not notices (module, text).
ALLOWED = {
    ("cli/exemple.py", "régénérer les données d'exemple fictives"),
}


def test_the_wording_is_two_forms_and_the_mark_is_the_committed_one():
    assert FICTIONAL_MARK == "DONNÉES FICTIVES (exemple mitlib)"
    assert FICTIONAL_NOTICE == (
        "DONNÉES FICTIVES — jeu d'exemple mitlib, aucune donnée réelle."
    )
    assert FICTIONAL_COLUMN == "DONNÉES FICTIVES"
    assert FICTIONAL_NOTICE.startswith(FICTIONAL_COLUMN)
    raw, _ = read_raw(example_path("locaux"))
    assert (raw["source"] == FICTIONAL_MARK).all()


def test_dataframes_by_flag_then_by_source_column():
    plain = pd.DataFrame({"source": ["relevé terrain"], "x": [1]})
    assert not is_fictional(plain)
    assert is_fictional(pd.DataFrame({"source": ["relevé", FICTIONAL_MARK]}))
    assert is_fictional(pd.DataFrame({"Source": [f"  {FICTIONAL_MARK} "]}))
    # the mark is a whole cell, not a part of one
    assert not is_fictional(pd.DataFrame({"source": [f"{FICTIONAL_MARK} modifié"]}))
    flagged = plain.copy()
    flagged.attrs["fictif"] = True
    assert is_fictional(flagged) and is_fictional(plain, flagged)
    # the loader's flag wins over the column
    cleared = pd.DataFrame({"source": [FICTIONAL_MARK]})
    cleared.attrs["fictif"] = False
    assert not is_fictional(cleared)
    gdf = gpd.GeoDataFrame({"source": [FICTIONAL_MARK]}, geometry=gpd.GeoSeries([]))
    assert is_fictional(gdf)
    assert not is_fictional() and not is_fictional(None, pd.DataFrame())


def test_objects_with_a_fictional_attribute():
    assert is_fictional(SimpleNamespace(fictional=True))
    assert not is_fictional(SimpleNamespace(fictional=False), None)
    with pytest.raises(TypeError, match="is_fictional attend"):
        is_fictional(42)


def test_load_result_of_the_sample_and_of_a_user_table(territory, tmp_path):
    res = load_table(example_path("acteurs"), "acteurs", territory)
    assert res.fictional and is_fictional(res) and is_fictional(res.data)
    assert res.data.attrs["fictif"] is True
    assert f"Attention : {FICTIONAL_NOTICE}" in res.report()
    path = tmp_path / "acteurs.csv"
    path.write_text(
        "id;nom;categorie;commune;source\nA1;CCI;cci;Fumel;relevé terrain\n",
        encoding="utf-8",
    )
    mine = load_table(path, "acteurs", territory)
    assert not mine.fictional and not is_fictional(mine, path)
    assert mine.data.attrs["fictif"] is False
    assert "FICTIVES" not in mine.report()


def _tables(source: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["A1", "A2"],
            "nom": ["Pôle", "CCI"],
            "categorie": ["accompagnement", "cci"],
            "commune": ["Fumel", "Fumel"],
            "source": ["relevé terrain", source],
        },
        geometry=gpd.points_from_xy([0.9665, 0.97], [44.4985, 44.5]),
        crs="EPSG:4326",
    )


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "geojson", "gpkg"])
def test_files_of_every_format_with_and_without_the_mark(tmp_path, territory, suffix):
    for source, expected in (
        (FICTIONAL_MARK, True),
        ("relevé terrain", False),
        (f"copie de {FICTIONAL_MARK}", False),
    ):
        gdf = _tables(source)
        path = tmp_path / f"acteurs.{suffix}"
        path.unlink(missing_ok=True)
        if suffix == "csv":
            pd.DataFrame(gdf.drop(columns="geometry")).to_csv(
                path, sep=";", index=False, encoding="utf-8-sig"
            )
        elif suffix == "xlsx":
            pd.DataFrame(gdf.drop(columns="geometry")).to_excel(path, index=False)
        else:
            gdf.to_file(path, driver="GeoJSON" if suffix == "geojson" else "GPKG")
        assert is_fictional(path) is expected, (suffix, source)
        assert is_fictional(str(path)) is expected
        # the loader says the same about the same file
        assert load_table(path, "acteurs", territory).fictional is expected


def test_files_that_are_not_tables_are_not_fictional(tmp_path):
    grid = tmp_path / "grille.yaml"
    grid.write_text(f"# {FICTIONAL_MARK}\ncriteres: []\n", encoding="utf-8")
    assert not is_fictional(grid, tmp_path / "absent.csv", tmp_path)
    assert is_fictional(grid, example_path("locaux"))


def test_carries_mark_reads_every_source_header():
    assert carries_mark(pd.DataFrame({"SOURCE": [FICTIONAL_MARK]}))
    assert not carries_mark(pd.DataFrame({"sources": [FICTIONAL_MARK]}))
    assert not carries_mark(pd.DataFrame({"source": [None, float("nan")]}))


def _docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the docstring constants of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                found.add(id(body[0].value))
    return found


def test_the_wording_is_written_only_in_mitlib_data_fictional():
    """No string of mitlib (docstrings aside) says « fictive » except the one
    module: every notice, banner and column comes from mitlib.data.fictional."""
    found = []
    for path in sorted(MITLIB.rglob("*.py")):
        rel = path.relative_to(MITLIB).as_posix()
        if rel == "data/fictional.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstring_nodes(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and WORD.search(node.value)
                and (rel, node.value) not in ALLOWED
            ):
                found.append(f"{rel}:{node.lineno}: {node.value!r}")
    for path in sorted(p for p in (MITLIB / "assets").rglob("*") if p.is_file()):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            text = line.split("#", 1)[0] if path.suffix in {".yaml", ".yml"} else line
            if WORD.search(text):
                found.append(f"assets/{path.name}:{number + 1}: {line.strip()}")
    assert not found, "\n".join(found)
    # the allowed exceptions still exist (else remove them from ALLOWED)
    for rel, text in ALLOWED:
        assert text in (MITLIB / rel).read_text(encoding="utf-8"), rel
