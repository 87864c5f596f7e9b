"""La commande ``mit`` : territoire, modèles, vérification, diagnostic, carte.

The root parser, the dispatch to each command's module (``mitlib.cli.<commande>``:
its ``add_parser`` and ``run``) and the mapping of what goes wrong to one
French message and an exit code (:mod:`mitlib.core.errors`): 0 success,
1 rows rejected (``verifier``), 2 unusable input, 3 a file the system
refuses, 70 a bug, 130 Ctrl-C.
The command modules import their heavy dependencies inside ``run`` only:
``mit --help`` stays instantaneous.
"""

from __future__ import annotations

import argparse
import errno
import sys
import traceback
from collections.abc import Sequence

from mitlib.cli import (
    binomes,
    candidatures,
    carte,
    diagnostic,
    exemple,
    exporter,
    modeles,
    planning,
    seance,
    territoire,
    verifier,
)
from mitlib.cli.options import Parser
from mitlib.core.errors import EXIT_BUG, EXIT_INTERRUPTED, REPORT_BUG, MitError

__all__ = ["main"]

#: Each command's module, in the order of ``mit --help``.
_MODULES = {
    "territoire": territoire,
    "modeles": modeles,
    "verifier": verifier,
    "exemple": exemple,
    "diagnostic": diagnostic,
    "carte": carte,
    "candidatures": candidatures,
    "binomes": binomes,
    "planning": planning,
    "exporter": exporter,
    "seance": seance,
}

#: Command name → the function that runs it.
_COMMANDS = {name: module.run for name, module in _MODULES.items()}


def _build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="mit",
        description=(
            "Atelier « Mon Incroyable Territoire » : diagnostic territorial, "
            "candidatures, binômes coachs–projets, plan des marathons."
        ),
    )
    sub = parser.add_subparsers(
        dest="commande", metavar="COMMANDE", title="commandes", parser_class=Parser
    )
    sub.required = True
    for module in _MODULES.values():
        module.add_parser(sub)
    return parser


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
