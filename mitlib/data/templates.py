"""Blank templates and column documentation, generated from the schemas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mitlib.core.writers import write_csv, write_xlsx
from mitlib.data.schemas import TABLES
from mitlib.data.table_schema import TableSchema

__all__ = ["schema_documentation", "template_frame", "write_templates"]


def template_frame(schema: TableSchema) -> pd.DataFrame:
    """The template as a one-row table: the French explanation of each column.

    :func:`mitlib.data.io.load_table` recognises and skips this row, so a user may
    leave it in place.

    Examples
    --------
    >>> from mitlib.data.schemas import get_schema
    >>> template_frame(get_schema("evenements")).iloc[0]["id"][:13]
    '(obligatoire)'
    """
    return pd.DataFrame([{f.name: f.explanation() for f in schema.fields}])


def schema_documentation() -> str:
    """French Markdown documentation of every table."""
    parts = [
        "# Modèles de tables",
        "",
        "Généré par `mit modeles` à partir de `mitlib/data/schemas.py` : "
        "ne pas modifier à la main. Fichiers acceptés : CSV (séparateur `;` ou `,`, "
        "virgule décimale, "
        "UTF-8 avec ou sans BOM, Windows-1252), XLSX, GeoJSON, GeoPackage. La commune "
        "se donne par code INSEE ou par nom ; sans coordonnées, le point est placé à "
        "la mairie. Listes : valeurs séparées par `|`.",
        "",
        "Colonne « publique » : seules ces colonnes peuvent figurer dans une sortie "
        "publique (carte, GeoPackage, pages du comité, export `--public`) ; les "
        "colonnes personnelles et les colonnes non prévues ici n'y figurent jamais.",
        "",
    ]
    parts += [schema.to_markdown() for schema in TABLES.values()]
    return "\n".join(parts)


def write_templates(directory: Path | str) -> list[Path]:
    """Write ``<table>.csv`` and ``<table>.xlsx`` blank templates and a README.

    The CSV is in French Excel form (``;``, UTF-8 with BOM) with the
    explanation row under the header; the XLSX has an empty data sheet and an
    "Explications" sheet.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in TABLES.items():
        csv = out / f"{name}.csv"
        write_csv(template_frame(schema), csv)
        explanations = pd.DataFrame(
            {
                "colonne": schema.columns,
                "explication": [f.explanation() for f in schema.fields],
            }
        )
        sheets = {
            name: pd.DataFrame(columns=schema.columns),
            "Explications": explanations,
        }
        written += [csv, write_xlsx(sheets, out / f"{name}.xlsx")]
    readme = out / "README.md"
    readme.write_text(schema_documentation(), encoding="utf-8")
    return [*written, readme]
