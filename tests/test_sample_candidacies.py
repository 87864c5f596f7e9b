"""Tests of the fictional sample candidacies (mitlib.data.sample) and the sample
grid."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.history import HISTORICAL_HOSTS
from mitlib.core.config import EXAMPLE_DIR
from mitlib.data.fictional import FICTIONAL_MARK
from mitlib.data.io import load_table
from mitlib.data.sample import SAMPLE_GRID, generate_candidacies, write_candidacy_sample
from mitlib.data.schemas import TABLES


@pytest.fixture(scope="module")
def candidacies(territory) -> pd.DataFrame:
    locaux = pd.read_csv(
        EXAMPLE_DIR / "locaux.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    return generate_candidacies(territory, locaux=locaux)


def test_committed_sample_is_reproducible(tmp_path):
    shutil.copy(EXAMPLE_DIR / "locaux.csv", tmp_path / "locaux.csv")
    written = write_candidacy_sample(tmp_path)
    assert [p.name for p in written] == ["candidatures.csv", "grille.yaml"]
    for name in ("candidatures.csv", "grille.yaml"):
        assert (tmp_path / name).read_bytes() == (EXAMPLE_DIR / name).read_bytes()
    assert (EXAMPLE_DIR / "grille.yaml").read_bytes() == SAMPLE_GRID.read_bytes()
    assert (tmp_path / "candidatures.csv").read_bytes().startswith(b"\xef\xbb\xbfid;")


def test_every_row_is_fictional_with_reserved_contacts(candidacies):
    assert candidacies.columns.tolist() == TABLES["candidatures"].columns
    assert (candidacies["source"] == FICTIONAL_MARK).all()
    emails = candidacies["contact"].str.findall(r"[\w.+-]+@[\w-]+\.[\w.]+").explode()
    assert len(emails) == 17 and emails.str.endswith("@example.org").all()
    phones = candidacies["contact"].str.findall(r"0\d(?: \d\d){4}").explode()
    assert len(phones) == 17 and phones.str.startswith("05 36 49").all()


def test_several_communes_per_epci_and_real_hosts(candidacies, territory):
    loaded = load_table(EXAMPLE_DIR / "candidatures.csv", "candidatures", territory)
    assert len(loaded.rejects) == 0 and loaded.fictional
    data = loaded.data.set_index("code_insee")
    assert (data.groupby("epci_siren").size() >= 3).all()
    assert (
        data.loc["47323", "label"] == "ACV"
    )  # Villeneuve-sur-Lot, Action Cœur de Ville
    assert (data["label"] == "ACV").sum() == 1
    assert set(data["label"]) == {"ACV", "PVD", "aucun"}
    for host in HISTORICAL_HOSTS:
        row = data.loc[host.code_insee]
        assert row["epci_siren"] == host.epci_siren
        assert row["theme_1"] == host.theme
        assert host.period in row["periodes"]
    # locaux_ids name available premises of the commune in locaux.csv
    locaux = load_table(EXAMPLE_DIR / "locaux.csv", "locaux", territory).data
    ids = locaux.set_index("id")
    for code, row in data.iterrows():
        for ident in row["locaux_ids"]:
            assert ids.at[ident, "code_insee"] == code
            assert ids.at[ident, "disponible_marathon"] is True
    assert candidacies["id"].is_unique


def test_other_seed_other_candidacies(territory):
    a = generate_candidacies(territory, seed=1)
    b = generate_candidacies(territory, seed=2)
    assert a["commune"].tolist() == b["commune"].tolist()
    assert not a.equals(b)


def test_sample_grid_is_commented_line_by_line():
    text = SAMPLE_GRID.read_text(encoding="utf-8")
    grid = Grid.from_yaml(SAMPLE_GRID)
    assert grid.keys == (
        "label",
        "locaux",
        "partenaires",
        "vacance",
        "acteurs_theme",
        "capacite",
        "population",
        "rotation",
    )
    lines = text.splitlines()
    keys = re.compile(r"^\s*(- )?[\w.]+:")
    for previous, line in zip(["#", *lines], lines, strict=False):
        if keys.match(line):  # every field carries or follows a French comment
            assert "#" in line or previous.strip().startswith("#"), line
    comments = [line for line in lines if "#" in line]
    for key in ("note_minimale", "calendrier", "tirages", "graine", "bonus_par_rang"):
        assert any(key in line for line in comments), key
