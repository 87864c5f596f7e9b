"""The French argparse of ``mit`` and the checks of its option values.

:class:`Parser` prints its usage, help and errors in French. The functions
named after an option (:func:`seuil_km`, :func:`graine`, :func:`par_projet`,
:func:`imposer`, :func:`quota`) check one value while the command line is
read (argparse then prints the usage and the French message and exits with
code 2), and :func:`quotas` gathers the ``--quota`` values;
:func:`tables_options` declares the input options the diagnosis commands
share. Nothing heavy is imported here: ``mit --help`` stays instantaneous.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

__all__ = [
    "MAX_QUOTA",
    "MAX_SEED",
    "FrenchHelp",
    "Parser",
    "graine",
    "imposer",
    "par_projet",
    "quota",
    "quotas",
    "seuil_km",
    "tables_options",
]


class FrenchHelp(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:
            prefix = "Utilisation : "
        super().add_usage(usage, actions, groups, prefix=prefix)


class Parser(argparse.ArgumentParser):
    """argparse with French help option and error messages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", FrenchHelp)
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
MAX_SEED = 2**32 - 1


def seuil_km(text: str) -> float:
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


def graine(text: str) -> int:
    """``--graine``: a whole number from 0 to 2**32 - 1."""
    accepted = f"entier de 0 à {MAX_SEED} attendu (défaut : 47)"
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas un entier : {accepted}."
        ) from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas accepté : {accepted}.")
    return value


def par_projet(text: str) -> tuple[int, int]:
    """``--par-projet``: MIN or MIN:MAX with 1 ≤ MIN ≤ MAX ≤ 20."""
    from mitlib.binomes.inputs import parse_per_project
    from mitlib.core.errors import OptionError

    try:
        return parse_per_project(text)
    except OptionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def imposer(text: str) -> tuple[str, str]:
    """``--imposer``: PROJET:COACH."""
    project, sep, coach = text.rpartition(":")
    if not sep or not project.strip() or not coach.strip():
        raise argparse.ArgumentTypeError(
            f"binôme imposé illisible : « {text} » (attendu PROJET:COACH, par "
            "exemple M1-P01:K-004)."
        )
    return project.strip(), coach.strip()


#: Largest quota (``--quota TYPE=N``): the most coaches of one project.
MAX_QUOTA = 20


def quota(text: str) -> tuple[str, int]:
    """``--quota``: TYPE=N with N a whole number from 1 to 20."""
    kind, sep, number = text.rpartition("=")
    accepted = (
        f"attendu TYPE=N, N entier de 1 à {MAX_QUOTA}, par exemple "
        "« banquier/financeur=1 »"
    )
    if not sep or not kind.strip() or not number.strip().isdigit():
        raise argparse.ArgumentTypeError(f"Quota illisible : « {text} » ({accepted}).")
    n = int(number)
    if not 1 <= n <= MAX_QUOTA:
        raise argparse.ArgumentTypeError(
            f"Quota « {text} » : {n} n'est pas accepté ({accepted})."
        )
    return kind.strip(), n


def quotas(items: list[tuple[str, int] | str]) -> dict[str, int]:
    """``--quota`` values (checked by :func:`quota`) as a dict; a type given
    twice with two numbers is refused."""
    from mitlib.core.errors import OptionError
    from mitlib.core.text import fold

    out: dict[str, int] = {}
    seen: dict[str, str] = {}
    for item in items:
        kind, n = quota(item) if isinstance(item, str) else item
        key = fold(kind)
        if key in seen and out[seen[key]] != n:
            raise OptionError(
                f"--quota : le type « {kind} » est donné deux fois avec deux "
                f"nombres différents ({out[seen[key]]} et {n}) : gardez-en un."
            )
        seen.setdefault(key, kind)
        out[seen[key]] = n
    return out


def tables_options(parser: argparse.ArgumentParser) -> None:
    """The diagnosis inputs: tables, territory and white-zone threshold."""
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
        type=seuil_km,
        default=None,
        metavar="KM",
        help="distance au-delà de laquelle une commune est en zone blanche, "
        "de plus de 0 à 200 km (défaut : 10)",
    )
