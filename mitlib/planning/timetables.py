"""The printable A4 timetables of a marathon plan: one page per team, coach, premises.

Each page is a day-by-day agenda: under a heading per day (« vendredi 12
mars 2027 ») a table lists, by time, the blocks of the programme (opening,
meals, jury…) and the coaching sessions with who and where. The team's page
gives its premises, address and walking time from the welcome point, and its
pitch; the coach's page the teams visited and where to walk next; the
premises' page the teams it hosts and the coaches coming, when.

The moments and labels come from :mod:`mitlib.planning.calendars`. Every
text from the files is HTML-escaped; the internal version holds names and
contacts and says so, the public version (``public=True``) leaves them out.
No page holds the current date: two runs give byte-identical pages.
"""

from __future__ import annotations

from datetime import date

from mitlib.binomes.inputs import cell_text
from mitlib.core.text import count_fr, format_fr
from mitlib.data.outputs import safe_names
from mitlib.planning.calendars import (
    Span,
    block_spans,
    coach_details,
    coach_name,
    french_date,
    french_time,
    paired_coaches,
    pitch_span,
    premises_address,
    session_spans,
    team_name,
    time_range,
    walk_minutes,
    walk_text,
    welcome_label,
)
from mitlib.planning.plan import WELCOME, MarathonPlan
from mitlib.render.page import (
    INTERNAL_NOTICE,
    PUBLIC_NOTICE,
    SHEET_CSS,
    esc,
    html_page,
    provenance_block,
)
from mitlib.render.tables import table_css

_NBSP = "\u00a0"

__all__ = [
    "CSS",
    "PlanPaths",
    "coach_page",
    "page",
    "premises_page",
    "team_page",
]

CSS = (
    SHEET_CSS
    + table_css()
    + """
body { max-width: 52em; line-height: 1.4; }
nav.retour { font-size: 9.5pt; margin: 0.4em 0 0.8em; }
@media screen { a { color: #0b4f8a; } }
header { border-bottom: 2px solid #1f3b57; padding-bottom: 0.4em;
         margin-bottom: 0.8em; }
header h1 { font-size: 19pt; color: #1f3b57; }
.avis { font-size: 9pt; color: #555; margin: 0.3em 0; }
h2 { color: #1f3b57; border-bottom: 1px solid #9fb3c8; padding-bottom: 0.1em; }
h3.jour { font-size: 12pt; margin: 1.1em 0 0.3em; color: #1f3b57; }
h3.jour::first-letter, caption::first-letter { text-transform: uppercase; }
table.faits { width: 100%; }
table.faits th { width: 28%; background: #eef2f6; font-weight: 600; }
table.agenda { table-layout: fixed; width: 100%; }
table.agenda col.heure { width: 10.4em; }
table.agenda col.quoi { width: 24%; }
table.agenda thead th { background: #dde5ee; }
table.agenda td.heure { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.agenda tr.bloc td { background: #f2f2f2; color: #444; font-style: italic; }
table.agenda tr.pitch td { background: #fff1cc; font-weight: 600; }
.detail { display: block; color: #555; font-size: 0.9em; }
p.ics { margin: 1em 0; }
p.rien { font-style: italic; color: #555; }
@media print {
  nav.retour, p.ics { display: none; }
  header h1 { font-size: 16pt; }
  table.agenda { font-size: 9pt; }
  h3.jour { break-after: avoid; }
}
"""
)


def _blocks_on_days(plan: MarathonPlan, spans: list[Span]) -> list[Span]:
    """The blocks of the days where *spans* are (a coach's days)."""
    days = {s.start.date() for s in spans}
    return [b for b in block_spans(plan) if b.start.date() in days]


class PlanPaths:
    """File of every timetable and calendar, relative to the output folder."""

    def __init__(self, plan: MarathonPlan) -> None:
        projets = plan.inputs.projets.path.name
        coachs = plan.inputs.coachs.path.name
        locaux = plan.inputs.locaux.path.name
        self.teams = safe_names(plan.teams, where=f"{projets}, colonne id")
        self.coaches = safe_names(paired_coaches(plan), where=f"{coachs}, colonne id")
        used = list(plan.premises.premises["local"])
        self.premises = safe_names(used, where=f"{locaux}, colonne id")

    def team(self, team: str) -> str:
        return f"equipes/{self.teams[team]}.html"

    def coach(self, coach: str) -> str:
        return f"coachs/{self.coaches[coach]}.html"

    def place(self, premises: str) -> str | None:
        slug = self.premises.get(premises)
        return None if slug is None else f"locaux/{slug}.html"

    def team_ics(self, team: str) -> str:
        return f"calendriers/equipe-{self.teams[team]}.ics"

    def coach_ics(self, coach: str) -> str:
        return f"calendriers/coach-{self.coaches[coach]}.ics"


# ---------------------------------------------------------------- page parts


def page(
    plan: MarathonPlan,
    title: str,
    body: str,
    *,
    public: bool,
    provenance,
    back: str = "../index.html",
) -> str:
    """A page of the plan: banner, notice, a link back to the plan, provenance."""
    notice = PUBLIC_NOTICE if public else INTERNAL_NOTICE + " : ne pas diffuser."
    nav = (
        f'<nav class="retour"><a href="{esc(back)}">← Plan du marathon '
        f"{esc(plan.marathon)}</a></nav>\n"
        if back
        else ""
    )
    return html_page(
        title,
        nav + body,
        css=CSS,
        fictional=plan.fictional,
        notice=notice,
        footer=f"<footer>{provenance_block(list(provenance))}</footer>",
    )


def _event_line(plan: MarathonPlan) -> str:
    ev = plan.event
    return (
        f"Marathon {esc(plan.marathon)} à {esc(plan.host_name)}, du "
        f"{french_date(ev.start)} à {french_time(ev.start)} au "
        f"{french_date(ev.end)} à {french_time(ev.end)}"
    )


def _facts(rows: list[tuple[str, str]]) -> str:
    """A two-column table of key facts (values already escaped)."""
    body = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="faits"><tbody>{body}</tbody></table>'


def _agenda(spans: list[Span], heads: list[str], cells) -> str:
    """Day-by-day tables: blocks span the columns, *cells* gives the others."""
    if not spans:
        return '<p class="rien">Aucun rendez-vous.</p>'
    days: dict[date, list[Span]] = {}
    for span in sorted(spans, key=lambda s: (s.start, s.kind != "bloc", s.end)):
        days.setdefault(span.start.date(), []).append(span)
    cols = '<col class="heure"><col class="quoi">' + "<col>" * (len(heads) - 1)
    head = "".join(f'<th scope="col">{h}</th>' for h in ["Horaire", *heads])
    out = []
    for day, items in days.items():
        rows = []
        for s in items:
            when = f'<td class="heure">{time_range(s.start, s.end)}</td>'
            if s.kind == "bloc":
                rows.append(
                    f'<tr class="bloc">{when}<td colspan="{len(heads)}">'
                    f"{esc(s.name)} (programme commun)</td></tr>"
                )
            else:
                tds = "".join(f"<td>{c}</td>" for c in cells(s))
                rows.append(f'<tr class="{s.kind}">{when}{tds}</tr>')
        out.append(
            f'<h3 class="jour">{french_date(day)}</h3>'
            f'<table class="agenda"><colgroup>{cols}</colgroup>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    return "".join(out)


def _link(href: str | None, text: str) -> str:
    return f'<a href="../{esc(href)}">{text}</a>' if href else text


def _coach_cell(plan: MarathonPlan, coach: str, public: bool, paths) -> str:
    name = esc(coach_name(plan, coach, public))
    details = esc(coach_details(plan, coach))
    ident = f"{esc(coach)} · " if not public else ""
    return (
        f'{_link(paths.coach(coach), name)}<span class="detail">{ident}{details}</span>'
    )


def _team_cell(plan: MarathonPlan, team: str, paths) -> str:
    return (
        f"{_link(paths.team(team), esc(team_name(plan, team)))}"
        f'<span class="detail">équipe {esc(team)}</span>'
    )


def _place_cell(plan: MarathonPlan, premises: str, paths) -> str:
    if premises == WELCOME:
        return "Point d'accueil (en attente d'un local)"
    address = esc(premises_address(plan, premises))
    return (
        f"{_link(paths.place(premises), address)}"
        f'<span class="detail">local {esc(premises)}</span>'
    )


def _ics_line(href: str) -> str:
    return (
        f'<p class="ics"><a href="../{esc(href)}">Ajouter ces rendez-vous à un '
        "agenda (fichier iCalendar)</a></p>"
    )


# ---------------------------------------------------------------- pages


def team_page(
    plan: MarathonPlan, team: str, paths: PlanPaths, *, public=False, provenance=()
) -> str:
    """The A4 timetable of one team."""
    name = team_name(plan, team)
    place = plan.team_premises.get(team, WELCOME)
    walks = walk_minutes(plan)
    mine = [s for s in session_spans(plan) if s.team == team]
    pitch = pitch_span(plan, team)
    facts = []
    if place == WELCOME:
        facts.append(
            ("Local", "aucun pour l'instant : l'équipe est attendue au point d'accueil")
        )
    else:
        others = [t for t, p in plan.team_premises.items() if p == place and t != team]
        facts.append(("Local", _place_cell(plan, place, paths)))
        facts.append(
            (
                "Accès",
                f"{walk_text(walks.get((WELCOME, place), 0.0))} depuis "
                f"{esc(welcome_label(plan))}",
            )
        )
        if others:
            shared = ", ".join(esc(team_name(plan, t)) for t in others)
            facts.append(("Partagé avec", shared))
    if not public:
        row = plan.inputs.teams.loc[team]
        who = " — ".join(
            esc(cell_text(row.get(c, ""))) for c in ("porteur", "contact")
        ).strip(" —")
        if who:
            facts.append(("Porteur", who))
    minutes = format_fr(plan.event.session_minutes, 0)
    facts.append(
        ("Coaching", f"{count_fr(len(mine), 'séance', 'séances')} de {minutes} min")
    )
    if pitch is not None:
        span, order = pitch
        facts.append(
            (
                "Pitch",
                f"{french_date(span.start)}, {time_range(span.start, span.end)} "
                f"(passage n°{_NBSP}{order})",
            )
        )
    missing = plan.visits.unplaced[plan.visits.unplaced["equipe"] == team]
    spans = block_spans(plan) + mine + ([pitch[0]] if pitch else [])

    def cells(s: Span) -> list[str]:
        if s.kind == "pitch":
            return [esc(s.name), f"le jury (passage n°{_NBSP}{pitch[1]})", ""]
        return [
            "Séance de coaching",
            _coach_cell(plan, s.coach, public, paths),
            _place_cell(plan, s.premises, paths),
        ]

    body = (
        f"<header><h1>{esc(name)}</h1>"
        f'<p class="sous-titre">Équipe {esc(team)} — {_event_line(plan)}</p>'
        f"</header>{_facts(facts)}<h2>Emploi du temps</h2>"
        + _agenda(spans, ["Activité", "Avec", "Lieu"], cells)
    )
    body += _unplaced_block(missing)
    body += _ics_line(paths.team_ics(team))
    return page(plan, f"{name} — emploi du temps", body, public=public,
                provenance=provenance)  # fmt: skip


def _unplaced_block(missing) -> str:
    """The sessions left unplaced, with their French reasons ("" if none)."""
    if not len(missing):
        return ""
    items = "".join(f"<li>{esc(m)}</li>" for m in missing["motif"])
    return f"<h2>Séances non placées</h2><ul>{items}</ul>"


def coach_page(
    plan: MarathonPlan, coach: str, paths: PlanPaths, *, public=False, provenance=()
) -> str:
    """The A4 timetable of one coach: the teams visited, where to walk next."""
    row = plan.inputs.coaches.loc[coach]
    name = coach_name(plan, coach, public)
    walks = walk_minutes(plan)
    mine = [s for s in session_spans(plan) if s.coach == coach]
    facts = [("Profil", esc(coach_details(plan, coach)) or "—")]
    if not public and cell_text(row.get("contact", "")):
        facts.append(("Contact", esc(cell_text(row.get("contact", "")))))
    hours = cell_text(row.get("disponibilites", ""))
    facts.append(("Disponibilités", esc(hours) if hours else "tout le marathon"))
    where = welcome_label(plan)
    facts.append(("Point d'accueil", esc(where[:1].upper() + where[1:])))
    following: dict[Span, str] = {}
    for a, b in zip(mine, mine[1:], strict=False):
        when = (
            french_time(b.start)
            if a.start.date() == b.start.date()
            else f"{french_date(b.start).split()[0]} {french_time(b.start)}"
        )
        if a.premises == b.premises:
            following[a] = f"Séance suivante à {when}, même local"
        else:
            minutes = walks.get((a.premises, b.premises), 0.0)
            following[a] = (
                f"Séance suivante à {when} : "
                f"{esc(premises_address(plan, b.premises))}, {walk_text(minutes)}"
            )
    if mine:
        following[mine[-1]] = "Dernière séance"
        first = mine[0]
        facts.append(
            (
                "Première séance",
                f"{french_date(first.start)} à {french_time(first.start)}, "
                f"{walk_text(walks.get((WELCOME, first.premises), 0.0))} depuis "
                f"{esc(welcome_label(plan))}",
            )
        )

    def cells(s: Span) -> list[str]:
        return [
            _team_cell(plan, s.team, paths),
            _place_cell(plan, s.premises, paths),
            following.get(s, ""),
        ]

    teams = sorted({s.team for s in mine}, key=plan.teams.index)
    listed = "".join(
        f"<li>{_team_cell(plan, t, paths).split('<span')[0]} "
        f"— {esc(premises_address(plan, plan.team_premises.get(t, WELCOME)))}</li>"
        for t in teams
    )
    subtitle = f"Coach {esc(coach)} — " if not public else ""
    body = (
        f"<header><h1>{esc(name)}</h1>"
        f'<p class="sous-titre">{subtitle}{_event_line(plan)}</p></header>'
        f"{_facts(facts)}"
        f"<h2>Équipes rencontrées ({format_fr(len(teams), 0)})</h2>"
        + (f"<ul>{listed}</ul>" if teams else '<p class="rien">Aucune.</p>')
        + "<h2>Emploi du temps</h2>"
        + _agenda(
            _blocks_on_days(plan, mine) + mine, ["Équipe", "Lieu", "Ensuite"], cells
        )
    )
    missing = plan.visits.unplaced[plan.visits.unplaced["coach"] == coach]
    body += _unplaced_block(missing)
    body += _ics_line(paths.coach_ics(coach))
    return page(plan, f"{name} — emploi du temps", body, public=public,
                provenance=provenance)  # fmt: skip


def premises_page(
    plan: MarathonPlan, premises: str, paths: PlanPaths, *, public=False, provenance=()
) -> str:
    """The A4 page of one premises: its teams and the coaches coming, when."""
    row = plan.premises.premises.set_index("local").loc[premises]
    address = premises_address(plan, premises)
    teams = [t for t in plan.teams if plan.team_premises.get(t) == premises]
    walks = walk_minutes(plan)
    state = cell_text(row.get("bati_etat", "")) or "non renseigné"
    facts = [
        ("Local", esc(premises)),
        ("Surface", f"{format_fr(row['surface_m2'], 1)} m²"),
        ("État", esc(state)),
        (
            "Accès",
            f"{walk_text(walks.get((WELCOME, premises), 0.0))} depuis "
            f"{esc(welcome_label(plan))}",
        ),
        (
            "Équipes",
            f"{format_fr(len(teams), 0)} pour une capacité de "
            f"{format_fr(row['capacite'], 0)}",
        ),
    ]
    holders = "" if public else "<th>Porteur</th>"
    lines = []
    for t in teams:
        extra = (
            ""
            if public
            else f"<td>{esc(cell_text(plan.inputs.teams.at[t, 'porteur']))}</td>"
        )
        lines.append(
            f"<tr><td>{_link(paths.team(t), esc(team_name(plan, t)))}</td>"
            f"<td>{esc(t)}</td>{extra}</tr>"
        )
    table = (
        f'<table><thead><tr><th scope="col">Projet</th><th scope="col">Équipe</th>'
        f"{holders}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
    )
    mine = [s for s in session_spans(plan) if s.premises == premises]

    def cells(s: Span) -> list[str]:
        return [
            _team_cell(plan, s.team, paths),
            _coach_cell(plan, s.coach, public, paths),
        ]

    body = (
        f"<header><h1>{esc(address)}</h1>"
        f'<p class="sous-titre">Local {esc(premises)} — {_event_line(plan)}</p>'
        f"</header>{_facts(facts)}<h2>Équipes installées</h2>{table}"
        "<h2>Passages des coachs</h2>"
        + _agenda(block_spans(plan) + mine, ["Équipe", "Coach"], cells)
    )
    return page(plan, f"{address} — passages des coachs", body, public=public,
                provenance=provenance)  # fmt: skip
