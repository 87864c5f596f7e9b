import pandas as pd
import pytest
from pandera.errors import SchemaErrors

from mitlib.data.schemas import TABLES, get_schema
from mitlib.data.templates import schema_documentation, template_frame, write_templates


def test_every_table_declares_ids_communes_and_private_fields():
    assert set(TABLES) == {
        "locaux",
        "acteurs",
        "evenements",
        "candidatures",
        "coachs",
        "projets",
    }
    for schema in TABLES.values():
        assert schema.columns[0] == "id" and schema.required_columns[0] == "id"
        assert len(set(schema.columns)) == len(schema.columns)
    for name in ("locaux", "acteurs", "evenements", "candidatures"):
        assert "commune" in get_schema(name).required_columns
        assert get_schema(name).has_commune
    assert not get_schema("coachs").has_commune
    assert get_schema("locaux").private_columns == ["proprio_contact"]
    assert get_schema("acteurs").private_columns == ["contact"]
    assert get_schema("evenements").private_columns == []
    assert get_schema("coachs").private_columns == ["nom", "contact"]
    assert get_schema("projets").private_columns == ["porteur", "contact"]
    assert get_schema("candidatures").private_columns == ["contact"]


def test_borrowed_national_field_names():
    assert {"bati_vacance", "bati_etat", "proprio_type"} <= set(
        get_schema("locaux").columns
    )
    assert {"siret", "reseaux", "date_maj"} <= set(get_schema("acteurs").columns)


def test_pandera_schema_checks_bounds_with_french_messages():
    schema = get_schema("locaux").pandera_schema()
    df = pd.DataFrame({"id": ["a"], "commune": ["x"], "surface_m2": [-1.0]})
    with pytest.raises(SchemaErrors) as info:
        schema.validate(df, lazy=True)
    cases = info.value.failure_cases
    assert cases[["column", "check", "failure_case"]].values.tolist() == [
        ["surface_m2", "doit être ≥ 0", -1.0]
    ]


def test_templates_are_driven_by_the_schema(tmp_path):
    written = write_templates(tmp_path)
    assert {p.name for p in written} == {
        f"{t}.{ext}" for t in TABLES for ext in ("csv", "xlsx")
    } | {"README.md"}
    csv = pd.read_csv(tmp_path / "locaux.csv", sep=";", encoding="utf-8-sig")
    assert csv.columns.tolist() == get_schema("locaux").columns
    assert csv.loc[0, "proprio_contact"].startswith("(facultatif, donnée personnelle")
    sheets = pd.read_excel(tmp_path / "acteurs.xlsx", sheet_name=None)
    assert list(sheets) == ["acteurs", "Explications"]
    assert sheets["acteurs"].columns.tolist() == get_schema("acteurs").columns
    assert sheets["Explications"]["colonne"].tolist() == get_schema("acteurs").columns
    explanation = template_frame(get_schema("acteurs")).loc[0, "categorie"]
    assert "financeur" in explanation and explanation.startswith("(obligatoire)")


def test_documentation_lists_every_column():
    doc = schema_documentation()
    for schema in TABLES.values():
        for col in schema.columns:
            assert f"`{col}`" in doc


def test_committed_templates_are_up_to_date(tmp_path):
    from mitlib.core.config import TEMPLATES_DIR

    write_templates(tmp_path)
    for name in [f"{t}.csv" for t in TABLES] + ["README.md"]:
        assert (tmp_path / name).read_bytes() == (TEMPLATES_DIR / name).read_bytes(), (
            name
        )
