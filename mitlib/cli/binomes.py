"""``mit binomes``: the coach–project pairs of the marathons."""

from __future__ import annotations

import sys
from pathlib import Path

from mitlib.cli.common import output_folder, write_rejects
from mitlib.cli.options import imposer, par_projet, quota, quotas

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``binomes``."""
    pairs = sub.add_parser(
        "binomes",
        help="proposer les binômes coachs–projets des marathons",
        description=(
            "Calcule l'affinité de chaque projet avec chaque coach disponible\n"
            "(textes, domaines, thème) ou la lit dans --affinites, puis affecte\n"
            "les coachs exactement : chaque projet reçoit entre MIN et MAX coachs,\n"
            "chaque coach au plus sa capacité ; conflits déclarés et coachs de la\n"
            "même organisation que le projet exclus ; couverture des domaines\n"
            "demandés d'abord. Sans --marathon, chaque marathon des fichiers est\n"
            "traité à part. Écrit dans le dossier de sortie : affinites.csv,\n"
            "binomes.csv, charges.csv, couverture.csv, synthese.csv, binomes.xlsx\n"
            "et une fiche HTML imprimable par projet et par coach (fiches/). Les\n"
            "fichiers d'entrée ne sont jamais modifiés ; leurs lignes rejetées sont\n"
            "écrites dans le dossier de sortie.\n"
            "Exemple :\n"
            "  mit binomes --coachs coachs.csv --projets projets.csv \\\n"
            "    --marathon M1 --par-projet 2:3 --mode equitable --sortie binomes"
        ),
    )
    pairs.add_argument(
        "--coachs",
        type=Path,
        metavar="FICHIER",
        help="table des coachs (défaut : exemple fictif fourni)",
    )
    pairs.add_argument(
        "--projets",
        type=Path,
        metavar="FICHIER",
        help="table des projets (défaut : exemple fictif fourni)",
    )
    pairs.add_argument(
        "--marathon", metavar="ID", help="un seul marathon (défaut : tous)"
    )
    pairs.add_argument(
        "--par-projet",
        type=par_projet,
        default="3",
        metavar="MIN[:MAX]",
        help="nombre de coachs par projet, 1 ≤ MIN ≤ MAX ≤ 20 (défaut : 3)",
    )
    pairs.add_argument(
        "--mode",
        choices=["total", "equitable"],
        default="total",
        help="total : affinité totale maximale ; equitable : d'abord le projet le "
        "moins bien servi, puis le total (défaut : total)",
    )
    pairs.add_argument(
        "--affinites",
        type=Path,
        metavar="FICHIER",
        help="affinités saisies (id_projet, id_coach, affinite entre 0 et 1) à la "
        "place du calcul",
    )
    pairs.add_argument(
        "--lexique",
        type=Path,
        action="append",
        default=[],
        metavar="FICHIER",
        help="lexique YAML qui complète celui de mitlib (même format que "
        "mitlib/assets/lexique.yaml ; option répétable)",
    )
    pairs.add_argument(
        "--imposer",
        type=imposer,
        action="append",
        default=[],
        metavar="PROJET:COACH",
        help="binôme imposé (option répétable)",
    )
    pairs.add_argument(
        "--quota",
        type=quota,
        action="append",
        default=[],
        metavar="TYPE=N",
        help="au moins N coachs (1 à 20) de ce type par projet, par exemple "
        "« banquier/financeur=1 » (option répétable)",
    )
    pairs.add_argument(
        "--sans-couverture",
        action="store_true",
        help="ne pas chercher d'abord à couvrir chaque domaine demandé",
    )
    pairs.add_argument(
        "--public",
        action="store_true",
        help="version publique : sans noms ni coordonnées",
    )
    pairs.add_argument("--sortie", type=Path, required=True, help="dossier de sortie")


def run(args) -> int:
    """Exit code 1 when a marathon has no feasible pairing."""
    from mitlib.binomes.inputs import (
        load_pairing_inputs,
        parse_pair,
        parse_per_project,
    )
    from mitlib.binomes.pairing import run_pairing
    from mitlib.binomes.summary import summary
    from mitlib.binomes.writing import write_pairing_outputs

    per_project = parse_per_project(args.par_projet)
    forced = [t if isinstance(t, tuple) else parse_pair(t) for t in args.imposer]
    by_kind = quotas(args.quota)
    inputs = load_pairing_inputs(args.coachs, args.projets, args.affinites)
    inputs.lexicon_files = list(args.lexique)
    if args.marathon is not None and args.marathon.strip() not in inputs.marathons():
        from mitlib.core.errors import OptionError

        raise OptionError(
            f"--marathon {args.marathon} : marathon inconnu dans "
            f"{inputs.projets.path.name} (colonne marathon). Marathons connus : "
            f"{', '.join(inputs.marathons()) or 'aucun'}."
        )
    for res in (inputs.coachs, inputs.projets):
        if len(res.rejects) or res.file_warnings:
            print(res.report(), file=sys.stderr)
    result = run_pairing(
        inputs,
        args.marathon,
        forced=forced,
        per_project=per_project,
        mode=args.mode,
        quotas=by_kind,
        coverage=not args.sans_couverture,
    )
    tables = {"coachs": inputs.coachs.path, "projets": inputs.projets.path}
    with output_folder(args, tables, public=args.public) as folder:
        written = write_rejects((inputs.coachs, inputs.projets), folder)
        written += write_pairing_outputs(result, folder.staging, public=args.public)
    print(summary(result, folder.final_paths(written), args.sortie))
    return 1 if result.infeasible else 0
