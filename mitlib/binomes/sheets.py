"""The printable HTML sheets of a pairing: one per project, per coach, an index.

:func:`project_sheet` shows a project's needs, its coaches and why they were
chosen; :func:`coach_sheet` a coach's projects; :func:`sheets_index` links
every sheet, marathon by marathon (:func:`sheet_path` names their files). A
marathon that cannot be paired shows its French diagnosis instead.

Every text from the files is HTML-escaped. The internal version holds names
and contacts and says so (« Document interne – données personnelles ») ; the
public version (``public=True``) leaves them out and says so too. Sheets built
from the bundled sample carry the banner
:data:`~mitlib.data.fictional.FICTIONAL_NOTICE`. No sheet holds
a date: two runs on the same files give byte-identical sheets.
"""

from __future__ import annotations

from mitlib.binomes.inputs import cell_items, cell_text
from mitlib.binomes.pairing import MODE_LABELS, MarathonPairing, PairingResult
from mitlib.core.errors import OptionError
from mitlib.core.text import format_fr
from mitlib.data.outputs import safe_name
from mitlib.render.page import (
    INTERNAL_NOTICE,
    PUBLIC_NOTICE,
    SHEET_CSS,
    esc,
    html_page,
    provenance_block,
)

__all__ = ["coach_sheet", "project_sheet", "sheet_path", "sheets_index"]


def _esc(value: object) -> str:
    return esc(cell_text(value))


_CSS = (
    SHEET_CSS
    + """
.avis { border: 1px solid #555; padding: 0.3em; font-weight: bold; }
.impossible { color: #b30000; }
"""
)


def sheet_path(mp: MarathonPairing, kind: str, ident: str) -> str:
    """File of a sheet inside ``fiches/``: ``<marathon>/<kind>_<id>.html``."""
    return f"{safe_name(mp.marathon)}/{kind}_{safe_name(ident)}.html"


def _page(title: str, body: str, mp_or_result, public: bool, provenance) -> str:
    notice = PUBLIC_NOTICE if public else INTERNAL_NOTICE + " : ne pas diffuser."
    return html_page(
        cell_text(title),
        body,
        css=_CSS,
        fictional=mp_or_result.fictional,
        notice=notice,
        footer=f"<footer>{provenance_block(list(provenance))}</footer>",
    )


def _settings_text(mp: MarathonPairing) -> str:
    lo, hi = mp.per_project
    per = f"{lo}" if lo == hi else f"entre {lo} et {hi}"
    source = (
        f"saisie ({mp.data.affinity_file})"
        if mp.data.source == "tableau"
        else "calculée (textes, domaines, thème)"
    )
    return (
        f"Marathon {mp.marathon} — mode {MODE_LABELS[mp.mode]}, {per} coachs par "
        f"projet, affinité {source}."
    )


def _diagnosis_html(mp: MarathonPairing) -> str:
    items = "".join(f"<li>{_esc(d)}</li>" for d in mp.diagnostics)
    return (
        '<section><h2 class="impossible">Affectation impossible</h2>'
        f"<p>Ce qu'il faut assouplir :</p><ul>{items}</ul></section>"
    )


def project_sheet(
    mp: MarathonPairing, project_id: str, *, public: bool = False, provenance=()
) -> str:
    """Printable HTML sheet of one project: its needs, coaches and why.

    Every text from the files is HTML-escaped. ``public=True`` leaves out
    the holder's and coaches' names and contacts and says so.
    """
    data = mp.data
    if project_id not in data.projects.index:
        raise OptionError(
            f"Projet inconnu pour le marathon {mp.marathon} : {project_id}"
        )
    p = data.projects.loc[project_id]
    head = (
        f"<header><h1>Projet — {_esc(p['titre'])}</h1>"
        f'<p class="sous-titre">{_esc(project_id)} — marathon {_esc(mp.marathon)}'
        f" — {_esc(p['theme'])} — {_esc(p['maturite'])} — {_esc(p['commune'])}</p>"
        f'<p class="sous-titre">{_esc(_settings_text(mp))}</p></header>'
    )
    if not public:
        head += (
            f"<p>Porteur : {_esc(p['porteur'])} — {_esc(p['contact'])}</p>"
            if cell_text(p["porteur"]) or cell_text(p["contact"])
            else ""
        )
    needs = ", ".join(_esc(d) for d in cell_items(p["domaines"])) or "aucun"
    body = (
        head + "<section><h2>Le projet</h2><table>"
        f"<tr><th>Description</th><td>{_esc(p['description'])}</td></tr>"
        f"<tr><th>Besoins</th><td>{_esc(p['besoins'])}</td></tr>"
        f"<tr><th>Domaines demandés</th><td>{needs}</td></tr>"
        f"<tr><th>Organisation</th><td>{_esc(p['organisation'])}</td></tr>"
        "</table></section>"
    )
    if not mp.feasible:
        return _page(
            f"Projet {project_id}",
            body + _diagnosis_html(mp),
            mp.data,
            public,
            provenance,
        )
    pairs = mp.pairs()
    mine = pairs[pairs["id_projet"] == project_id]
    name_head = "" if public else "<th>Nom</th><th>Contact</th>"
    rows = []
    for row in mine.itertuples():
        coach = data.coaches.loc[row.id_coach]
        names = (
            ""
            if public
            else f"<td>{_esc(coach['nom'])}</td><td>{_esc(coach['contact'])}</td>"
        )
        rows.append(
            f"<tr><td>{_esc(row.id_coach)}{' (référent)' if row.referent else ''}</td>"
            f"{names}<td>{_esc(coach['organisation'])}</td>"
            f"<td>{_esc(coach['type_coach'])}</td>"
            f'<td class="nombre">{_esc(format_fr(row.affinite, 3))}</td>'
            f"<td>{_esc(row.raisons)}</td></tr>"
        )
    coverage = mp.coverage_table()
    cov = coverage[coverage["id_projet"] == project_id]
    cov_rows = "".join(
        f"<tr><td>{_esc(r.domaine)}</td><td>{_esc(r.couvert)}</td>"
        f"<td>{_esc(r.coachs)}</td></tr>"
        for r in cov.itertuples()
    )
    body += (
        "<section><h2>Coachs proposés</h2><table><thead><tr><th>Coach</th>"
        f"{name_head}<th>Organisation</th><th>Type</th><th>Affinité</th>"
        "<th>Pourquoi</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
        "<section><h2>Couverture des domaines demandés</h2><table><thead><tr>"
        "<th>Domaine</th><th>Couvert</th><th>Par</th></tr></thead>"
        f"<tbody>{cov_rows}</tbody></table></section>"
    )
    return _page(f"Projet {project_id}", body, mp.data, public, provenance)


def coach_sheet(
    mp: MarathonPairing, coach_id: str, *, public: bool = False, provenance=()
) -> str:
    """Printable HTML sheet of one coach for one marathon: its projects and why."""
    data = mp.data
    if coach_id not in data.coaches.index:
        raise OptionError(f"Coach inconnu pour le marathon {mp.marathon} : {coach_id}")
    c = data.coaches.loc[coach_id]
    who = _esc(coach_id) if public else f"{_esc(c['nom'])} ({_esc(coach_id)})"
    body = (
        f"<header><h1>Coach — {who}</h1>"
        f'<p class="sous-titre">{_esc(c["organisation"])} — {_esc(c["type_coach"])}'
        f" — marathon {_esc(mp.marathon)}</p>"
        f'<p class="sous-titre">{_esc(_settings_text(mp))}</p></header>'
    )
    if not public and cell_text(c["contact"]):
        body += f"<p>Contact : {_esc(c['contact'])}</p>"
    domains = ", ".join(_esc(d) for d in cell_items(c["domaines"])) or "aucun"
    body += (
        "<section><h2>Expertise</h2><table>"
        f"<tr><th>Expertise</th><td>{_esc(c['expertise'])}</td></tr>"
        f"<tr><th>Domaines</th><td>{domains}</td></tr></table></section>"
    )
    if not mp.feasible:
        return _page(
            f"Coach {coach_id}", body + _diagnosis_html(mp), mp.data, public, provenance
        )
    pairs = mp.pairs()
    mine = pairs[pairs["id_coach"] == coach_id]
    body += (
        f"<p>Projets accompagnés : {len(mine)} sur une capacité de "
        f"{int(mp.capacity[coach_id])}.</p>"
    )
    holder_head = "" if public else "<th>Porteur</th>"
    rows = []
    for row in mine.itertuples():
        p = data.projects.loc[row.id_projet]
        holder = (
            "" if public else f"<td>{_esc(p['porteur'])} — {_esc(p['contact'])}</td>"
        )
        rows.append(
            f"<tr><td>{_esc(row.id_projet)}</td><td>{_esc(p['titre'])}</td>"
            f"{holder}<td>{'oui' if row.referent else 'non'}</td>"
            f'<td class="nombre">{_esc(format_fr(row.affinite, 3))}</td>'
            f"<td>{_esc(row.raisons)}</td></tr>"
        )
    body += (
        "<section><h2>Projets</h2><table><thead><tr><th>Projet</th><th>Titre</th>"
        f"{holder_head}<th>Référent</th><th>Affinité</th><th>Pourquoi</th></tr>"
        "</thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )
    return _page(f"Coach {coach_id}", body, mp.data, public, provenance)


def sheets_index(result: PairingResult, *, public: bool = False, provenance=()) -> str:
    """HTML page linking every sheet, marathon by marathon."""
    parts = ["<header><h1>Binômes coachs–projets : fiches</h1></header>"]
    for mp in result.pairings:
        data = mp.data
        status = (
            "affectation optimale"
            if mp.feasible and mp.assignment.status == "optimal"
            else ("affectation avec écart" if mp.feasible else "affectation impossible")
        )
        projects = "".join(
            f'<li><a href="{_esc(sheet_path(mp, "projet", pid))}">{_esc(pid)}</a>'
            f" — {_esc(p['titre'])}</li>"
            for pid, p in data.projects.iterrows()
        )
        coaches = "".join(
            f'<li><a href="{_esc(sheet_path(mp, "coach", cid))}">{_esc(cid)}</a>'
            f" — {_esc(c['organisation'])}</li>"
            for cid, c in data.coaches.iterrows()
        )
        parts.append(
            f"<section><h2>Marathon {_esc(mp.marathon)} ({_esc(status)})</h2>"
            f"<p>{_esc(_settings_text(mp))}</p>"
            f"<h3>Projets</h3><ul>{projects}</ul><h3>Coachs</h3><ul>{coaches}</ul>"
            "</section>"
        )
    return _page("Binômes coachs–projets", "".join(parts), result, public, provenance)
