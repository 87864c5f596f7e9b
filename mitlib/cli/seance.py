"""``mit seance``: the live sessions (Voilà apps on this computer)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``seance``."""
    session = sub.add_parser(
        "seance",
        help="ouvrir une séance en direct, sans code : comité, binômes, diagnostic",
        description=(
            "Ouvre dans le navigateur de cet ordinateur une application sans code,\n"
            "servie par Voilà à partir d'un notebook (ni cellule ni menu visibles,\n"
            "rien n'est chargé d'Internet) :\n"
            "  comite      la séance du comité d'attribution : poids des critères,\n"
            "              règles éliminatoires, classement, attribution, robustesse,\n"
            "              carte ; « Arrêter la décision » écrit le procès-verbal ;\n"
            "  binomes     l'atelier des binômes d'un marathon : imposer ou interdire\n"
            "              un binôme, changer les nombres, figer les fiches ;\n"
            "  diagnostic  l'explorateur de la carte du diagnostic.\n"
            "L'adresse s'affiche (127.0.0.1 : cet ordinateur seulement) ; Ctrl-C\n"
            "arrête la séance.\n"
            "Exemple :\n"
            "  mit seance comite --donnees mes_donnees/ --sortie decisions/"
        ),
    )
    session.add_argument(
        "seance", choices=["comite", "binomes", "diagnostic"], help="la séance"
    )
    session.add_argument(
        "--donnees",
        type=Path,
        metavar="DOSSIER",
        help="dossier des tables (défaut : exemple fictif fourni)",
    )
    session.add_argument(
        "--grille", type=Path, metavar="FICHIER", help="grille de notation (comite)"
    )
    session.add_argument("--marathon", metavar="ID", help="marathon (binomes)")
    session.add_argument(
        "--sortie",
        type=Path,
        metavar="DOSSIER",
        help="où écrire les décisions figées (défaut : ./seances)",
    )
    session.add_argument(
        "--reprendre",
        type=Path,
        metavar="DOSSIER",
        help="rouvrir une décision figée (son dossier daté)",
    )
    session.add_argument(
        "--public", action="store_true", help="sans noms ni coordonnées à l'écran"
    )
    session.add_argument(
        "--port", type=int, metavar="N", help="port (défaut : un port libre)"
    )
    session.add_argument(
        "--adresse",
        default="127.0.0.1",
        metavar="IP",
        help="adresse d'écoute (défaut : 127.0.0.1, cet ordinateur seulement)",
    )


def run(args) -> int:
    from mitlib.seances.server import serve

    params = {
        "donnees": args.donnees,
        "grille": args.grille,
        "marathon": args.marathon,
        "sortie": args.sortie or Path("seances"),
        "reprise": args.reprendre,
        "public": args.public,
    }
    return serve(args.seance, port=args.port, ip=args.adresse, **params)
