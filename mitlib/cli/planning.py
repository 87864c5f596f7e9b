"""``mit planning``: the plan of one marathon (premises, sessions, jury)."""

from __future__ import annotations

import sys
from pathlib import Path

from mitlib.cli.common import output_folder, write_rejects

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``planning``."""
    plan = sub.add_parser(
        "planning",
        help="planifier un marathon : locaux des équipes, séances des coachs, jury",
        description=(
            "Construit le plan d'un marathon décrit par son fichier d'événement\n"
            "(marathon.yaml : dates, blocs du programme, durée des séances, commune\n"
            "hôte) : chaque équipe dans un local vacant de la commune hôte (le moins\n"
            "de locaux, puis la marche la plus courte), chaque binôme coach–équipe\n"
            "sur des créneaux (disponibilités des coachs, heures de travail des\n"
            "équipes, blocs, temps de marche entre les locaux ; le plus de séances,\n"
            "puis les plus étalées, puis le moins d'attente des coachs), et l'ordre\n"
            "de passage devant le jury. Les binômes viennent de --binomes (le\n"
            "binomes.csv de mit binomes) ou sont calculés comme mit binomes.\n"
            "Écrit dans le dossier de sortie : planning.csv, planning.xlsx, une page\n"
            "d'ensemble, un emploi du temps imprimable par équipe, par coach et par\n"
            "local, la carte des locaux et un calendrier .ics par coach et par\n"
            "équipe. Les fichiers d'entrée ne sont jamais modifiés.\n"
            "Exemple :\n"
            "  mit planning --evenement marathon.yaml --locaux locaux.csv \\\n"
            "    --coachs coachs.csv --projets projets.csv --sortie plan"
        ),
    )
    plan.add_argument(
        "--evenement",
        type=Path,
        metavar="FICHIER",
        help="fichier de l'événement marathon.yaml (défaut : exemple fictif fourni, "
        "marathon M2)",
    )
    for table, what in (
        ("locaux", "des locaux vacants"),
        ("coachs", "des coachs (colonne disponibilites)"),
        ("projets", "des projets"),
    ):
        plan.add_argument(
            f"--{table}",
            type=Path,
            metavar="FICHIER",
            help=f"table {what} (défaut : exemple fictif fourni)",
        )
    plan.add_argument(
        "--binomes",
        type=Path,
        metavar="FICHIER",
        help="binômes de mit binomes (binomes.csv) ; défaut : calculés ici",
    )
    plan.add_argument(
        "--marathon",
        metavar="ID",
        help="vérifie que le fichier de l'événement décrit bien ce marathon",
    )
    plan.add_argument(
        "--commune",
        metavar="COMMUNE",
        help="commune hôte (nom ou code INSEE) ; défaut : celle du fichier de "
        "l'événement",
    )
    plan.add_argument(
        "--public",
        action="store_true",
        help="version publique : sans noms ni coordonnées",
    )
    plan.add_argument("--sortie", type=Path, required=True, help="dossier de sortie")


def run(args) -> int:
    """Exit code 1 when sessions could not all be placed or teams lack premises."""
    from mitlib.core.text import count_fr
    from mitlib.planning.plan import build_plan
    from mitlib.planning.plan_inputs import load_plan_inputs
    from mitlib.planning.writing import write_plan_outputs

    inputs = load_plan_inputs(
        args.evenement,
        args.locaux,
        args.coachs,
        args.projets,
        args.binomes,
        marathon=args.marathon,
    )
    for res in (inputs.locaux, inputs.coachs, inputs.projets):
        if len(res.rejects) or res.file_warnings:
            print(res.report(), file=sys.stderr)
    plan = build_plan(inputs, host=args.commune)
    tables = {
        "locaux": inputs.locaux.path,
        "coachs": inputs.coachs.path,
        "projets": inputs.projets.path,
    }
    with output_folder(args, tables, public=args.public) as folder:
        written = write_rejects((inputs.locaux, inputs.coachs, inputs.projets), folder)
        written += write_plan_outputs(plan, folder.staging, public=args.public)
    for note in plan.warnings:
        print(f"Attention : {note}", file=sys.stderr)
    for row in plan.problems.itertuples():
        print(
            f"Attention : {row.fichier}, ligne {row.ligne}, colonne {row.colonne} : "
            f"{row.motif}",
            file=sys.stderr,
        )
    print(plan.summary(timing=True))
    errors = plan.check()
    if errors:  # a bug: the solver's plan breaks a constraint
        raise AssertionError("plan incohérent : " + " ; ".join(errors))
    print(
        f"{count_fr(len(written), 'fichier écrit', 'fichiers écrits')} dans "
        f"{args.sortie} : ouvrez {Path(args.sortie) / 'index.html'}."
    )
    incomplete = len(plan.visits.unplaced) or plan.premises.missing
    return 1 if incomplete else 0
