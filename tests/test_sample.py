import re

import pandas as pd

from mitlib.core.config import EXAMPLE_DIR
from mitlib.data.fictional import FICTIONAL_MARK
from mitlib.data.io import load_table
from mitlib.data.sample import generate_sample, write_sample
from mitlib.data.schemas import TABLES


def test_same_seed_same_tables_and_committed_sample_is_reproducible(tmp_path):
    write_sample(tmp_path)
    for table in ("locaux", "acteurs", "evenements"):
        assert (tmp_path / f"{table}.csv").read_bytes() == (
            EXAMPLE_DIR / f"{table}.csv"
        ).read_bytes(), table


def test_other_seed_other_tables(territory):
    a = generate_sample(territory, seed=1, n_premises=20, n_actors=10, n_events=5)
    b = generate_sample(territory, seed=2, n_premises=20, n_actors=10, n_events=5)
    assert not a["locaux"].equals(b["locaux"])


def test_sample_sizes_and_every_row_is_marked_fictional(territory):
    tables = generate_sample(territory)
    assert {k: len(v) for k, v in tables.items()} == {
        "locaux": 320,
        "acteurs": 150,
        "evenements": 50,
    }
    for name, df in tables.items():
        assert (df["source"] == FICTIONAL_MARK).all()
        assert df.columns.tolist() == TABLES[name].columns


def test_contacts_are_fictional_only(territory):
    tables = generate_sample(territory)
    contacts = pd.concat(
        [tables["locaux"]["proprio_contact"], tables["acteurs"]["contact"]]
    )
    emails = contacts.str.findall(r"[\w.+-]+@[\w-]+\.[\w.]+").explode()
    assert emails.str.endswith("@example.org").all()
    phones = contacts.str.findall(r"0\d(?: \d\d){4}").explode()
    assert phones.str.startswith("05 36 49").all()  # ARCEP numbers reserved for fiction


def test_sample_covers_every_category_theme_and_commune_kind(territory):
    acteurs = load_table(EXAMPLE_DIR / "acteurs.csv", "acteurs", territory).data
    assert acteurs["categorie"].nunique() == 7
    assert set(acteurs["themes"].explode()) == {
        "artisanat et commerce",
        "tourisme",
        "résilience alimentaire",
        "culture et patrimoine",
        "bien-vivre et bien-vieillir",
    }
    locaux = load_table(EXAMPLE_DIR / "locaux.csv", "locaux", territory).data
    assert 0.1 < (locaux["precision"] != "coordonnées fournies").mean() < 0.25
    # premises concentrate in the larger bourgs
    top = locaux["code_insee"].value_counts().index[0]
    assert top == "47323"  # Villeneuve-sur-Lot
    assert re.fullmatch(r"L-\d{3}", locaux["id"].iloc[0])
