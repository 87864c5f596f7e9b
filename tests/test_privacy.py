"""Personal data: recognised, withheld from public columns, searched for."""

from __future__ import annotations

import pandas as pd
import pytest
from hostile import HOSTILE, write_hostile_sample

from mitlib.data.privacy import (
    WITHHELD,
    find_personal_values,
    looks_personal,
    personal_values,
    withhold_personal,
)
from mitlib.data.schemas import TABLES
from mitlib.export.inputs import find_inputs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jo.durand@exemple.fr", "un courriel"),
        ("écrire à Jo <jo+marathon@mairie-agen.fr>", "un courriel"),
        ("06 12 34 56 78", "un numéro de téléphone"),
        ("06.12.34.56.78", "un numéro de téléphone"),
        ("0612345678", "un numéro de téléphone"),
        ("+33 6 12 34 56 78", "un numéro de téléphone"),
        ("0033 (0)5 53 12 34 56", "un numéro de téléphone"),
        ("+44 20 7946 0958", "un numéro de téléphone"),
        ("12 rue de Paris, 47300 Villeneuve-sur-Lot", None),
        ("SIRET 12345678901234", None),
        ("Surface 210,2 m², loyer 1 290 €", None),
        ("ouvert du 02/06/2023 au 03/06/2023", None),
        ("", None),
    ],
)
def test_looks_personal(text, expected):
    assert looks_personal(text) == expected


@pytest.mark.parametrize("table", list(TABLES))
def test_public_frame_keeps_only_declared_public_columns(table):
    schema = TABLES[table]
    columns = [*schema.columns, "email", "telephone", "remarques", "code_insee"]
    df = pd.DataFrame([dict.fromkeys(columns, "x")])
    kept = schema.public_frame(df).columns.tolist()
    assert kept == [c for c in columns if c in schema.public_columns]
    assert not set(kept) & set(schema.private_columns)
    assert "email" not in kept and "remarques" not in kept
    assert "code_insee" in kept  # derived from the public commune


def test_every_table_declares_its_public_columns():
    for schema in TABLES.values():
        assert schema.public, schema.name
        assert set(schema.public) | set(schema.private_columns) <= set(schema.columns)


def test_public_frame_withholds_a_contact_shifted_into_a_public_column():
    df = pd.DataFrame(
        {
            "id": ["L-1", "L-2"],
            "adresse": [HOSTILE["shifted_contact"], "2 rue Neuve"],
            "proprio_contact": ["Jo", "Léa"],
        }
    )
    public = TABLES["locaux"].public_frame(df)
    assert public.to_dict("records") == [
        {"id": "L-1", "adresse": WITHHELD},
        {"id": "L-2", "adresse": "2 rue Neuve"},
    ]


def test_withhold_looks_inside_lists():
    df = pd.DataFrame({"reseaux": [["adie", "jo@x.fr"]]})
    assert withhold_personal(df, ["reseaux"]).iloc[0, 0] == ["adie", WITHHELD]


def test_personal_values_of_the_hostile_sample(tmp_path):
    inputs = find_inputs(write_hostile_sample(tmp_path / "d"))
    values = set(personal_values(inputs))
    # private columns, split into their parts
    assert {"Morgan Fictif", "coach.001@example.org", "05 36 49 24 61"} <= values
    assert "Propriétaire fictif 1" in values
    # an undeclared « email » column, and a contact shifted into « adresse »
    assert HOSTILE["undeclared_email"].format(n=3) in values
    assert {"proprio.decale@exemple.org", "06 99 88 77 66"} <= values
    # public values are not personal
    assert "Fonds territorial du Fumélois" not in values
    assert "Villeneuve-sur-Lot" not in values
    assert len(values) > 600


def test_find_personal_values_sees_through_entities_case_and_spacing(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<td>MORGAN FICTIF</td><td>0536492461</td><td>d&#x27;Artagnan</td>",
        encoding="utf-8",
    )
    other = tmp_path / "q.csv"
    other.write_text("rien ici", encoding="utf-8")
    hits = find_personal_values(
        [page, other],
        ["Morgan Fictif", "05 36 49 24 61", "Jo d'Artagnan", "d'Artagnan"],
    )
    assert hits == [
        (page, "05 36 49 24 61"),
        (page, "Morgan Fictif"),
        (page, "d'Artagnan"),
    ]
