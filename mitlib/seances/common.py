"""What every live session shows: its banner, the input reports, errors.

A session never shows a traceback for a user's mistake: a
:class:`~mitlib.core.errors.MitError` (a file missing, a column absent, a grid
that does not add up) becomes the same French report as ``mit verifier``
inside the page (:func:`error_view`), and rejected rows are listed with their
file, line and reason (:func:`load_reports`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import ipywidgets as widgets

from mitlib.core.errors import MitError
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE

__all__ = ["SESSION_CSS", "banner", "error_view", "guarded", "load_reports"]

#: Styles of the sessions' own blocks (banners, reports, messages).
SESSION_CSS = """
<style>
.mitlib-seance-bandeau { padding: .6em 1em; border-radius: 4px; margin: .3em 0;
  font-weight: 600; }
.mitlib-seance-fictif { background: #fff4ce; border: 1px solid #c99a06;
  color: #5c4400; }
.mitlib-seance-interne { background: #fde7e9; border: 1px solid #b3261e;
  color: #5f1410; }
.mitlib-seance-public { background: #e6f4ea; border: 1px solid #1e7b34;
  color: #0d3d1a; }
.mitlib-seance-rapport { white-space: pre-wrap; font-family: ui-monospace, monospace;
  background: #f6f6f6; border-left: 4px solid #b3261e; padding: .6em 1em; }
.mitlib-seance-ok { color: #0d3d1a; }
.mitlib-seance-erreur { color: #b3261e; font-weight: 600; }
</style>
"""


def banner(title: str, *, fictional: bool, public: bool | None) -> widgets.HTML:
    """Title of the session and what its data are: fictional, internal
    (*public* False), public (True); *public* None: a session that shows no
    personal column at all says nothing about it."""
    parts = [SESSION_CSS, f"<h1>{html.escape(title)}</h1>"]
    if fictional:
        parts.append(
            "<div class='mitlib-seance-bandeau mitlib-seance-fictif' role='note'>"
            f"{html.escape(FICTIONAL_NOTICE)}</div>"
        )
    if public is not None:
        kind, text = (
            ("public", PUBLIC_NOTICE) if public else ("interne", INTERNAL_NOTICE)
        )
        parts.append(
            f"<div class='mitlib-seance-bandeau mitlib-seance-{kind}' role='note'>"
            f"{html.escape(text)}</div>"
        )
    return widgets.HTML("".join(parts))


def error_view(
    exc: MitError, what: str = "La séance ne peut pas s'ouvrir"
) -> widgets.HTML:
    """A user's mistake shown in the page, in French, without a traceback."""
    return widgets.HTML(
        SESSION_CSS
        + f"<p class='mitlib-seance-erreur'>{html.escape(what)} :</p>"
        + "<div class='mitlib-seance-rapport' role='alert'>"
        + f"{html.escape(str(exc))}</div>"
        + "<p>Corrigez le fichier (mit verifier le vérifie ligne à ligne), puis "
        "rechargez la page.</p>"
    )


def load_reports(results: Iterable) -> widgets.HTML | None:
    """The ``mit verifier`` report of each table with rejected rows or file
    warnings (valid rows are used), or None when every file is clean."""
    reports = [res.report() for res in results if len(res.rejects) or res.file_warnings]
    if not reports:
        return None
    body = "\n\n".join(reports)
    return widgets.HTML(
        SESSION_CSS
        + "<details open><summary><b>Lignes écartées des fichiers d'entrée</b> "
        "(les lignes valides sont utilisées)</summary>"
        + f"<div class='mitlib-seance-rapport'>{html.escape(body)}</div></details>"
    )


def guarded(build, what: str = "La séance ne peut pas s'ouvrir"):
    """``build()``, or the French report of a user's mistake it raised."""
    try:
        return build()
    except MitError as exc:
        return error_view(exc, what)
