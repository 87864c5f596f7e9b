"""``mit verifier``: check one input file, write its rejected rows beside it."""

from __future__ import annotations

from pathlib import Path

from mitlib.cli.common import territory
from mitlib.data.schemas import TABLES

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``verifier``."""
    check = sub.add_parser(
        "verifier",
        help="vérifier un fichier et écrire ses lignes rejetées",
        description=(
            "Vérifie un fichier (CSV, XLSX, GeoJSON, GeoPackage). Affiche un rapport, "
            "écrit les lignes rejetées dans un fichier à part (le fichier d'origine "
            "n'est jamais modifié) et sort avec le code 1 s'il y a des rejets."
        ),
    )
    check.add_argument("fichier", type=Path, help="fichier à vérifier")
    check.add_argument("--table", required=True, choices=list(TABLES))
    check.add_argument(
        "--rejets", type=Path, help="fichier des rejets (défaut : <fichier>_rejets.csv)"
    )
    check.add_argument("--territoire", metavar="NOM_OU_DOSSIER")


def run(args) -> int:
    """Exit code 1 when rows are rejected."""
    from mitlib.data.io import load_table

    result = load_table(args.fichier, args.table, territory(args))
    print(result.report())
    written = result.write_rejects(args.rejets)
    if written:
        print(f"  Lignes rejetées écrites dans : {written}")
        return 1
    return 0
