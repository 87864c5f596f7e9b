"""``mit carte``: the diagnosis map as one offline HTML file."""

from __future__ import annotations

from pathlib import Path

from mitlib.cli.common import diagnosis
from mitlib.cli.options import tables_options

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``carte``."""
    carte = sub.add_parser(
        "carte", help="écrire la carte du diagnostic (HTML hors ligne)"
    )
    tables_options(carte)
    carte.add_argument(
        "--indicateur",
        default="locaux_pour_1000_hab",
        help="colonne de la carte choroplèthe (défaut : locaux_pour_1000_hab)",
    )
    carte.add_argument(
        "--fond",
        action="store_true",
        help="ajouter le fond de carte OpenStreetMap "
        "(nécessite Internet à l'affichage)",
    )
    carte.add_argument("--sortie", type=Path, required=True, help="fichier HTML")


def run(args) -> int:
    from mitlib.diagnostic.maps import diagnosis_map
    from mitlib.render.offline import save_map

    diag = diagnosis(args)
    if args.indicateur not in diag.communes.columns:
        from mitlib.core.errors import OptionError

        raise OptionError(
            f"Indicateur inconnu : {args.indicateur} (option --indicateur). "
            "Indicateurs possibles : "
            + ", ".join(c for c in diag.communes.columns if c not in {"geometry"})
            + "."
        )
    m = diagnosis_map(
        diag.territory,
        diag.communes,
        locaux=diag.table("locaux"),
        acteurs=diag.table("acteurs"),
        evenements=diag.table("evenements"),
        column=args.indicateur,
        tiles="OpenStreetMap" if args.fond else None,
    )
    if args.sortie.is_dir():
        from mitlib.core.errors import OutputError

        raise OutputError(
            f"{args.sortie} est un dossier : --sortie attend le nom du fichier HTML "
            "de la carte, par exemple carte.html."
        )
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    save_map(m, args.sortie)
    size = f"{args.sortie.stat().st_size / 1e6:.2f}".replace(".", ",")
    print(f"Carte écrite : {args.sortie} ({size} Mo)")
    return 0
