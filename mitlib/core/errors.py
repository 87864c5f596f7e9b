"""The few exception types of mitlib, and the exit code of each.

A user's mistake (an unreadable file, an option out of range, an output
folder that cannot be written) raises a :class:`MitError` subclass carrying a
French message that names the file and says what to do; the ``mit`` command
prints that message and exits with the class's code, without a traceback.
Anything else is a bug: the command shows the traceback and says how to
report it (:data:`REPORT_BUG`).

Exit codes of ``mit`` (documented in the README):

====  ==========================================================================
code  meaning
====  ==========================================================================
0     done
1     done, but rows were rejected or something could not be placed
2     unusable input file or option value (:class:`InputError`,
      :class:`OptionError`)
3     the output cannot be written where asked (:class:`OutputError`)
4     a public export would have contained personal data: nothing was
      published (:class:`PrivacyError`)
5     a notebook could not be executed to the end (:class:`ExecutionError`)
70    internal error (a bug): traceback shown, please report it
130   interrupted (Ctrl-C); an interrupted export says so in its folder
====  ==========================================================================

User errors also derive from the built-in type callers used to catch
(``ValueError``, ``OSError``, ``RuntimeError``), so ``except ValueError``
keeps working.
"""

from __future__ import annotations

__all__ = [
    "EXIT_BUG",
    "EXIT_INTERRUPTED",
    "REPORT_BUG",
    "ExecutionError",
    "InputError",
    "MitError",
    "OptionError",
    "OutputError",
    "PrivacyError",
]

#: Exit code of an internal error (sysexits' EX_SOFTWARE).
EXIT_BUG = 70
#: Exit code after Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130

#: Printed under the traceback of a real bug.
REPORT_BUG = (
    "Ceci est une erreur interne de mitlib, pas une erreur de votre part. "
    "Merci de la signaler à l'équipe mitlib avec la commande lancée, le texte "
    "ci-dessus et, si possible, les fichiers d'entrée (sans données "
    "personnelles)."
)


class MitError(Exception):
    """A mistake the user can fix; its message is French and complete.

    Examples
    --------
    >>> err = OptionError("--seuil-km : -5 n'est pas accepté (de 0 à 200 km).")
    >>> err.exit_code, isinstance(err, ValueError)
    (2, True)
    """

    exit_code: int = 2

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class InputError(MitError, ValueError):
    """An input file (table, grid, affinities…) cannot be used as it is."""

    exit_code = 2


class OptionError(MitError, ValueError):
    """An option or parameter value is outside what is accepted."""

    exit_code = 2


class OutputError(MitError, OSError):
    """The output cannot be written where asked."""

    exit_code = 3


class PrivacyError(MitError):
    """A public output would contain personal data; nothing was published."""

    exit_code = 4


class ExecutionError(MitError, RuntimeError):
    """A notebook could not be executed to the end (error or time limit)."""

    exit_code = 5
