"""Tests of the fictional coaches and projects of the five marathons
(mitlib.data.sample_pairing, mitlib.data.sample_texts)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from mitlib.core.config import EXAMPLE_DIR
from mitlib.data.fictional import FICTIONAL_MARK
from mitlib.data.io import load_table
from mitlib.data.sample_pairing import generate_pairing_sample, write_pairing_sample
from mitlib.data.schemas import TABLES
from mitlib.data.vocabularies import DOMAINS

SIZES = {"M1": (8, 24), "M2": (11, 29), "M3": (15, 30), "M4": (15, 30), "M5": (15, 30)}
THEMES = {
    "M1": "artisanat et commerce",
    "M2": "tourisme",
    "M3": "résilience alimentaire",
    "M4": "culture et patrimoine",
    "M5": "bien-vivre et bien-vieillir",
}


@pytest.fixture(scope="module")
def loaded(territory):
    return {
        t: load_table(EXAMPLE_DIR / f"{t}.csv", t, territory)
        for t in ("coachs", "projets")
    }


def test_committed_sample_is_reproducible(tmp_path, territory):
    written = write_pairing_sample(tmp_path)
    assert [p.name for p in written] == ["coachs.csv", "projets.csv", "marathon.yaml"]
    for path in written:
        assert path.read_bytes() == (EXAMPLE_DIR / path.name).read_bytes()
    for path in written[:2]:
        assert path.read_bytes().startswith(b"\xef\xbb\xbfid;")
    other = generate_pairing_sample(territory, seed=48)["coachs"]
    assert not other.equals(pd.read_csv(written[0], sep=";", dtype=str).fillna(""))


def test_sample_loads_cleanly_with_schema_columns(loaded):
    for table, res in loaded.items():
        assert res.rejects.empty and res.fictional, table
        assert res.file_warnings == []
        assert list(res.data.columns[1:]) == TABLES[table].columns


def test_reported_proportions_per_marathon(loaded):
    projects = loaded["projets"].data
    coaches = loaded["coachs"].data
    assert projects.groupby("marathon").size().to_dict() == {
        m: n for m, (n, _) in SIZES.items()
    }
    available = coaches["marathons"].explode().value_counts().to_dict()
    assert available == {m: n for m, (_, n) in SIZES.items()}
    # Some coaches come back for another marathon.
    assert (coaches["marathons"].map(len) > 1).sum() >= 20
    for marathon, theme in THEMES.items():
        assert set(projects.loc[projects["marathon"] == marathon, "theme"]) == {theme}


def test_every_row_is_fictional_and_contacts_are_reserved(loaded):
    for res in loaded.values():
        df = res.data
        assert (df["source"] == FICTIONAL_MARK).all()
        for contact in df["contact"]:
            email, phone = contact.split(" — ")
            assert email.endswith("@example.org")
            assert re.fullmatch(r"05 36 49 \d\d \d\d", phone)
    names = pd.concat([loaded["coachs"].data["nom"], loaded["projets"].data["porteur"]])
    fake = ("Exemple", "Fictif", "Imaginaire", "Factice", "Modèle", "Prototype",
            "Maquette", "Témoin", "Essai", "Brouillon")  # fmt: skip
    assert names.map(lambda n: n.split()[-1] in fake).all()


def test_coach_types_domains_capacities_and_exclusions(loaded):
    coaches = loaded["coachs"].data
    projects = loaded["projets"].data
    assert (coaches["type_coach"] == "banquier/financeur").sum() >= 10
    assert coaches["type_coach"].nunique() == 5
    assert set(coaches["domaines"].explode()) <= set(DOMAINS)
    assert set(projects["domaines"].explode()) <= set(DOMAINS)
    assert projects["domaines"].map(len).eq(3).all()
    assert coaches["capacite_max"].between(1, 6).all()
    # Shared organisations, projects carried by a coach's organisation,
    # conflicts naming projects of the coach's marathons.
    assert coaches["organisation"].duplicated().sum() >= 30
    carried = projects.loc[projects["organisation"].notna(), "organisation"]
    assert len(carried) == 5 and set(carried) <= set(coaches["organisation"])
    marathon_of = dict(zip(projects["id"], projects["marathon"], strict=True))
    pairs = zip(coaches["conflits"], coaches["marathons"], strict=True)
    conflicts = [(p, ms) for ps, ms in pairs for p in ps]
    assert len(conflicts) == 10
    assert all(marathon_of[p] in ms for p, ms in conflicts)


def test_capacity_leaves_room_in_every_marathon(loaded):
    coaches = loaded["coachs"].data
    for marathon, (n_projects, _) in SIZES.items():
        mine = coaches[coaches["marathons"].map(lambda ms, m=marathon: m in ms)]
        assert mine["capacite_max"].sum() >= 3.75 * n_projects


def test_texts_are_french_sentences_about_the_needs(loaded):
    projects = loaded["projets"].data
    assert projects["besoins"].str.startswith("Besoin d'aide pour : ").all()
    assert projects["description"].str.contains("Projet situé à ").all()
    coaches = loaded["coachs"].data
    assert coaches["expertise"].str.startswith("Accompagne les créateurs : ").all()
    assert projects["titre"].is_unique
