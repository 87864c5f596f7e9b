"""``mit exporter``: execute the notebooks and write the offline HTML exports."""

from __future__ import annotations

from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``exporter``."""
    export = sub.add_parser(
        "exporter",
        help="exécuter les notebooks et écrire les exports HTML (hors ligne)",
        description=(
            "Exécute chaque notebook sur les données choisies et écrit les pages HTML "
            "(rapports complets, version comité sans code, fiches par EPCI et pour le "
            "Pays), les tables et la carte, et une page d'index. Les pages s'ouvrent "
            "sans réseau ; deux exécutions sur les mêmes données donnent les mêmes "
            "fichiers, octet pour octet."
        ),
    )
    export.add_argument(
        "--donnees",
        type=Path,
        help="dossier des tables (locaux, acteurs, evenements, candidatures, "
        "grille.yaml, coachs, projets ; défaut : exemple fictif fourni)",
    )
    export.add_argument(
        "--sortie",
        type=Path,
        default=Path("exports"),
        help="dossier (défaut : exports)",
    )
    export.add_argument(
        "--public",
        action="store_true",
        help="version publique : retire les données personnelles",
    )
    export.add_argument(
        "--pdf",
        action="store_true",
        help="écrire aussi en PDF (A4, dossier pdf/) le dossier du comité "
        "(classement, attribution, robustesse, une page par commune candidate) "
        "et chaque fiche diagnostic",
    )


def run(args) -> int:
    from mitlib.export.exporter import export_all

    written = export_all(
        args.donnees,
        args.sortie,
        public=args.public,
        progress=lambda msg: print(msg, flush=True),
        pdf=args.pdf,
    )
    print(f"{len(written)} fichiers écrits dans {args.sortie}")
    return 0
