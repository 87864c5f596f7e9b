"""``mit candidatures noter``: score the candidacies, propose the attribution
and the calendar, write the comité's pack."""

from __future__ import annotations

import sys
from pathlib import Path

from mitlib.cli.common import diagnosis, output_folder, write_rejects
from mitlib.cli.options import Parser, tables_options

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``candidatures`` and its action ``noter``."""
    cand = sub.add_parser("candidatures", help="noter les candidatures et proposer")
    cand_sub = cand.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    cand_sub.required = True
    noter = cand_sub.add_parser(
        "noter",
        help="noter les candidatures, proposer l'attribution et le calendrier",
        description=(
            "Note les candidatures avec la grille (notes sur 20, contribution de\n"
            "chaque critère, règles éliminatoires), propose l'attribution (une\n"
            "commune et un thème par EPCI) et le calendrier, liste les attributions\n"
            "suivantes et mesure la robustesse aux poids. Écrit dans le dossier de\n"
            "sortie : notes.csv, attribution.csv, alternatives.csv, robustesse.csv…,\n"
            "proces_verbal.xlsx et une fiche HTML imprimable par commune (fiches/).\n"
            "Exemple :\n"
            "  mit candidatures noter --candidatures candidatures.csv \\\n"
            "    --grille grille.yaml --sortie resultats"
        ),
    )
    noter.add_argument(
        "--candidatures",
        type=Path,
        metavar="FICHIER",
        help="table des candidatures (défaut : exemple fictif fourni)",
    )
    noter.add_argument(
        "--grille",
        type=Path,
        metavar="FICHIER",
        help="grille de notation YAML (défaut : data/exemple/grille.yaml)",
    )
    tables_options(noter)
    noter.add_argument(
        "--carte", action="store_true", help="écrire aussi carte_candidatures.html"
    )
    noter.add_argument("--sortie", type=Path, required=True, help="dossier de sortie")


def run(args) -> int:
    """Exit code 1 when no attribution can be proposed."""
    from mitlib.candidatures.inputs import load_candidacies
    from mitlib.candidatures.outputs import summary, write_candidacy_outputs
    from mitlib.candidatures.proposal import analyse

    diag = diagnosis(args)
    inputs = load_candidacies(args.candidatures, args.grille, diagnosis=diag)
    if len(inputs.candidacies.rejects):
        print(inputs.candidacies.report(), file=sys.stderr)
        print("  (les lignes valides sont utilisées)", file=sys.stderr)
    analysis = analyse(inputs)
    tables = {t: res.path for t, res in diag.inputs.items()}
    tables["candidatures"] = inputs.candidacies.path
    with output_folder(args, tables) as folder:
        written = write_rejects([*diag.inputs.values(), inputs.candidacies], folder)
        written += write_candidacy_outputs(analysis, folder.staging)
        if args.carte:
            from mitlib.candidatures.map import candidacy_map
            from mitlib.render.offline import save_map

            path = folder.staging / "carte_candidatures.html"
            written.append(save_map(candidacy_map(analysis), path))
    print(summary(analysis, folder.final_paths(written), args.sortie))
    return 1 if analysis.attribution_error else 0
