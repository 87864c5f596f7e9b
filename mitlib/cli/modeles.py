"""``mit modeles``: the blank templates of the input tables (CSV, XLSX)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``modeles``."""
    models = sub.add_parser("modeles", help="écrire les modèles vierges (CSV, XLSX)")
    models.add_argument("--sortie", type=Path, default=Path("modeles"), help="dossier")


def run(args) -> int:
    from mitlib.data.templates import write_templates

    for path in write_templates(args.sortie):
        print(f"écrit : {path}")
    return 0
