"""The output folder of a marathon plan: tables, workbook, timetables, map, calendars.

:func:`write_plan_outputs` writes into one folder:

* ``planning.csv`` (one row per session), ``jury.csv``, ``provenance.csv``,
  and when there is something to say ``non_placees.csv``,
  ``locaux_a_solliciter.csv`` and ``problemes.csv``;
* ``planning.xlsx``: one sheet per view (sessions, time grids by team and by
  coach, sessions by premises, premises, jury, unplaced sessions, premises to
  ask, problems, messages, provenance);
* ``index.html``, the plan at a glance with a link to everything, and the A4
  timetables ``equipes/``, ``coachs/``, ``locaux/``
  (:mod:`mitlib.planning.timetables`);
* ``carte_locaux.html``, the offline map (:mod:`mitlib.planning.plan_map`);
* ``calendriers/equipe-<id>.ics`` and ``calendriers/coach-<id>.ics``
  (:mod:`mitlib.planning.calendars`).

CSV files are French-Excel (``;``, decimal comma, UTF-8 with BOM) and the
workbook is written by :mod:`mitlib.core.writers` (formulas neutralised). The
public version (``public=True``) holds no names and no contacts anywhere and
says so; the internal version says it holds personal data. No file holds the
current date: two runs on the same inputs give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mitlib.binomes.inputs import cell_text
from mitlib.core.text import format_fr
from mitlib.core.writers import write_csv, write_xlsx
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.data.outputs import inside
from mitlib.planning.calendars import (
    block_spans,
    coach_calendar,
    coach_details,
    coach_name,
    french_date,
    french_time,
    paired_coaches,
    premises_address,
    team_calendar,
    team_name,
    walk_minutes,
    walk_text,
)
from mitlib.planning.plan import WELCOME, MarathonPlan
from mitlib.planning.plan_map import save_plan_map
from mitlib.planning.timetables import (
    PlanPaths,
    coach_page,
    page,
    premises_page,
    team_page,
)
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE, esc
from mitlib.render.tables import Column, FrenchTable

__all__ = ["plan_tables", "write_plan_outputs"]

MAP_FILE = "carte_locaux.html"
WORKBOOK = "planning.xlsx"


# ---------------------------------------------------------------- tables


def _grid(plan: MarathonPlan, by: str, public: bool) -> pd.DataFrame:
    """Slots (« ven 10:00 ») × teams or coaches; a cell names who is met.

    Only the slots with work, a block or a session are kept; the column
    ``programme`` names the block of the slot.
    """
    ev = plan.event
    sessions = plan.visits.sessions
    if by == "equipe":
        keys = plan.teams
        heads = {t: f"{t} {team_name(plan, t)}" for t in keys}
    else:
        keys = paired_coaches(plan)
        heads = {c: c if public else f"{c} {coach_name(plan, c, public)}" for c in keys}
    grid = pd.DataFrame("", index=range(ev.n_slots), columns=list(heads.values()))
    for s in sessions.itertuples():
        if by == "equipe":
            name = cell_text(plan.inputs.coaches.at[s.coach, "nom"])
            text = s.coach if public or not name else f"{s.coach} {name}"
            column = heads[s.equipe]
        else:
            text = f"{s.equipe} ({plan.team_premises.get(s.equipe, WELCOME)})"
            column = heads[s.coach]
        grid.loc[s.debut : s.fin - 1, column] = text
    programme = [""] * ev.n_slots
    for block in ev.blocks:
        for i in block.mask.nonzero()[0]:
            programme[i] = (
                f"{programme[i]}, {block.name}" if programme[i] else block.name
            )
    keep = ev.work_slots | ev.blocked | (grid != "").any(axis=1).to_numpy()
    grid.insert(0, "programme", programme)
    grid.insert(0, "creneau", [ev.slot_label(i) for i in range(ev.n_slots)])
    return grid[keep].reset_index(drop=True)


def _premises_table(plan: MarathonPlan) -> pd.DataFrame:
    """One row per team: its premises and the premises' facts."""
    used = plan.premises.premises.set_index("local")
    rows = []
    for team in plan.teams:
        place = plan.team_premises.get(team, WELCOME)
        known = place in used.index
        rows.append(
            {
                "local": place,
                "adresse": premises_address(plan, place).rsplit(", ", 1)[0],
                "surface_m2": used.at[place, "surface_m2"] if known else None,
                "bati_etat": used.at[place, "bati_etat"] if known else "",
                "capacite": used.at[place, "capacite"] if known else None,
                "equipes_dans_local": used.at[place, "equipes"] if known else None,
                "distance_accueil_m": (
                    used.at[place, "distance_accueil_m"] if known else None
                ),
                "minutes_accueil": used.at[place, "minutes_accueil"] if known else None,
                "equipe": team,
                "projet": plan.title(team),
            }
        )
    return pd.DataFrame(rows)


def _by_premises(sessions: pd.DataFrame) -> pd.DataFrame:
    front = ["local", "adresse"]
    out = sessions[front + [c for c in sessions.columns if c not in front]]
    return out.sort_values(["local", "date", "debut", "equipe"], kind="stable")


def _suggestions(plan: MarathonPlan) -> pd.DataFrame:
    """The premises to ask, « oui » / « non » for the flag."""
    out = plan.premises.suggestions.copy()
    if "disponible_marathon" in out:
        out["disponible_marathon"] = [
            "oui" if bool(v) else "non" for v in out["disponible_marathon"]
        ]
    return out


def _unplaced(plan: MarathonPlan) -> pd.DataFrame:
    out = plan.visits.unplaced.copy()
    out.insert(1, "projet", [plan.title(t) for t in out["equipe"]])
    return out


def _messages(plan: MarathonPlan) -> list[str]:
    lines = [*plan.warnings, *plan.premises.diagnosis, *plan.moved]
    lines += [f"Contrainte non respectée : {e}" for e in plan.check()]
    for res in (plan.inputs.locaux, plan.inputs.coachs, plan.inputs.projets):
        if len(res.rejects):
            lines += res.report().splitlines()
    return lines


def _provenance(plan: MarathonPlan, public: bool) -> list[tuple[str, str]]:
    rows = list(plan.inputs.provenance())
    rows.append(("marathon", f"{plan.marathon}, {plan.host_name} ({plan.host})"))
    rows.append(("version", PUBLIC_NOTICE if public else INTERNAL_NOTICE))
    if plan.fictional:
        rows.append(("avertissement", FICTIONAL_NOTICE))
    return rows


def plan_tables(plan: MarathonPlan, *, public: bool = False) -> dict[str, pd.DataFrame]:
    """The sheets of ``planning.xlsx``, in order (names as shown in Excel)."""
    sessions = plan.sessions_table(public=public)
    sheets = {
        "Séances": sessions,
        "Par équipe": _grid(plan, "equipe", public),
        "Par coach": _grid(plan, "coach", public),
        "Par local": _by_premises(sessions),
        "Locaux": _premises_table(plan),
        "Jury": plan.jury,
        "Non placées": _unplaced(plan),
    }
    if plan.premises.missing:
        sheets["Locaux à solliciter"] = _suggestions(plan)
    sheets["Problèmes"] = plan.problems
    sheets["Messages"] = pd.DataFrame({"message": _messages(plan)})
    prov = _provenance(plan, public)
    sheets["Provenance"] = pd.DataFrame(prov, columns=["element", "valeur"])
    return sheets


# ---------------------------------------------------------------- index page


def _jury_table(plan: MarathonPlan) -> str:
    jury = plan.jury.copy()
    if jury.empty:
        return '<p class="rien">Pas de jury dans le fichier de l\'événement.</p>'
    jury["passage"] = [str(o) if o else "" for o in jury["ordre"]]
    jury["horaire"] = [
        f"{a} – {b}" for a, b in zip(jury["debut"], jury["fin"], strict=True)
    ]
    jury["qui"] = [
        p if o else "Pause" for o, p in zip(jury["ordre"], jury["projet"], strict=True)
    ]
    day = french_date(plan.event.jury.start)
    return FrenchTable(
        jury,
        [
            Column("passage", "N°", align="right"),
            Column("horaire", "Horaire"),
            Column("qui", "Projet"),
            Column("equipe", "Équipe"),
        ],
        caption=f"Ordre de passage devant le jury, {day} (tiré au sort)",
        row_header=False,
        missing_note="— : pause du jury.",
    ).to_html()


def _premises_html(plan: MarathonPlan) -> str:
    used = plan.premises.premises
    if used.empty:
        return '<p class="rien">Aucun local attribué.</p>'
    walks = walk_minutes(plan)
    frame = pd.DataFrame(
        {
            "adresse": [cell_text(a) for a in used["adresse"]],
            "local": used["local"],
            "surface": used["surface_m2"],
            "etat": [cell_text(s) for s in used["bati_etat"]],
            "equipes": [
                ", ".join(
                    team_name(plan, t)
                    for t in plan.teams
                    if plan.team_premises.get(t) == p
                )
                for p in used["local"]
            ],  # fmt: skip
            "marche": [walk_text(walks[WELCOME, p]) for p in used["local"]],
        }
    )
    return FrenchTable(
        frame,
        [
            Column("adresse", "Adresse"),
            Column("local", "Local"),
            Column("surface", "Surface (m²)", "number", 1),
            Column("etat", "État"),
            Column("equipes", "Équipes"),
            Column("marche", "Depuis l'accueil"),
        ],
        caption=f"Locaux du marathon à {plan.host_name}",
        notes=["Temps de marche : distance à vol d'oiseau × 1,3, à 4,5 km/h."],
    ).to_html()


def _brief(plan: MarathonPlan) -> str:
    """:meth:`MarathonPlan.summary` without the diagnoses (shown in their sections)."""
    text = plan.summary()
    for sentence in [*plan.premises.diagnosis, *plan.visits.diagnosis]:
        text = text.replace(f" {sentence}", "", 1)
    return text


def _links(items: list[tuple[str, str, str]]) -> str:
    """<ul> of (href, label, extra already escaped)."""
    lines = "".join(
        f'<li><a href="{esc(href)}">{esc(label)}</a>{extra}</li>'
        for href, label, extra in items
    )
    return f'<ul class="liens">{lines}</ul>'


def index_page(
    plan: MarathonPlan, paths: PlanPaths, *, public: bool = False, provenance=()
) -> str:
    """The plan at a glance, with a link to every timetable, the map, the files."""
    ev = plan.event
    body = [
        f"<header><h1>Plan du marathon {esc(plan.marathon)} à "
        f"{esc(plan.host_name)}</h1>"
        f'<p class="sous-titre">Du {french_date(ev.start)} à {french_time(ev.start)} '
        f"au {french_date(ev.end)} à {french_time(ev.end)}</p></header>",
        f"<h2>En bref</h2><p>{esc(_brief(plan))}</p>",
    ]
    blocks = "".join(
        f"<li>{french_date(b.start)}, {french_time(b.start)} – {french_time(b.end)} : "
        f"{esc(b.name)}</li>"
        for b in block_spans(plan)
    )
    body.append(f"<h2>Programme commun</h2><ul>{blocks}</ul>" if blocks else "")
    body.append("<h2>Jury</h2>" + _jury_table(plan))
    body.append("<h2>Locaux</h2>" + _premises_html(plan))
    if plan.premises.missing:
        items = "".join(f"<li>{esc(d)}</li>" for d in plan.premises.diagnosis)
        body.append(f"<h2>Locaux manquants</h2><ul>{items}</ul>")
    unplaced = plan.visits.unplaced
    if len(unplaced):
        items = "".join(f"<li>{esc(m)}</li>" for m in unplaced["motif"])
        missing = format_fr(int(unplaced["manquantes"].sum()), 0)
        body.append(f"<h2>Séances non placées ({missing})</h2><ul>{items}</ul>")
    checks = plan.check()
    notes = [*plan.warnings, *plan.moved]
    notes += [f"Contrainte non respectée : {e}" for e in checks]
    if len(plan.problems):
        notes += [
            f"{r.fichier}, ligne {r.ligne}, colonne {r.colonne} : « {r.valeur} » — "
            f"{r.motif}"
            for r in plan.problems.itertuples()
        ]
    if notes:
        items = "".join(f"<li>{esc(n)}</li>" for n in notes)
        body.append(f"<h2>Points d'attention</h2><ul>{items}</ul>")
    else:
        body.append(
            "<h2>Points d'attention</h2><p>Aucun : toutes les contraintes sont "
            "respectées.</p>"
        )
    teams = [
        (
            paths.team(t),
            team_name(plan, t),
            f' — équipe {esc(t)}, <a href="{esc(paths.team_ics(t))}">agenda</a>',
        )
        for t in plan.teams
    ]
    coaches = [
        (
            paths.coach(c),
            coach_name(plan, c, public),
            f" — {esc(coach_details(plan, c))}, "
            f'<a href="{esc(paths.coach_ics(c))}">agenda</a>',
        )
        for c in paired_coaches(plan)
    ]
    places = [
        (paths.place(p), premises_address(plan, p), f" — local {esc(p)}")
        for p in plan.premises.premises["local"]
    ]
    body.append(
        "<h2>Emplois du temps à imprimer</h2>"
        f"<h3>Équipes ({format_fr(len(teams), 0)})</h3>{_links(teams)}"
        f"<h3>Coachs ({format_fr(len(coaches), 0)})</h3>{_links(coaches)}"
        f"<h3>Locaux ({format_fr(len(places), 0)})</h3>{_links(places)}"
    )
    body.append(
        "<h2>Carte et fichiers</h2>"
        + _links(
            [
                (MAP_FILE, "Carte des locaux et des trajets à pied", ""),
                (WORKBOOK, "Classeur Excel du planning", " — une feuille par vue"),
                ("planning.csv", "Toutes les séances (tableur CSV)", ""),
                ("jury.csv", "Ordre de passage du jury (tableur CSV)", ""),
            ]
        )
        + "<p>Les agendas (fichiers iCalendar) s'importent dans les messageries "
        "et les téléphones ; ils sont liés ci-dessus, équipe par équipe et "
        "coach par coach.</p>"
    )
    return page(
        plan,
        f"Plan du marathon {plan.marathon} à {plan.host_name}",
        "".join(body),
        public=public,
        provenance=provenance,
        back="",
    )


# ---------------------------------------------------------------- entry point


def write_plan_outputs(
    plan: MarathonPlan, directory: Path | str, *, public: bool = False
) -> list[Path]:
    """Write every output of *plan* into *directory* (module docstring).

    Returns
    -------
    list of Path
        The files written, tables first, then the pages, the map and the
        calendars.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = PlanPaths(plan)  # refuses two ids sharing a file name
    provenance = _provenance(plan, public)
    sheets = plan_tables(plan, public=public)
    written = [write_csv(sheets["Séances"], out / "planning.csv")]
    written.append(write_csv(plan.jury, out / "jury.csv"))
    if len(plan.visits.unplaced):
        written.append(write_csv(sheets["Non placées"], out / "non_placees.csv"))
    if plan.premises.missing:
        asked = sheets["Locaux à solliciter"]
        written.append(write_csv(asked, out / "locaux_a_solliciter.csv"))
    if len(plan.problems):
        written.append(write_csv(plan.problems, out / "problemes.csv"))
    written.append(write_csv(sheets["Provenance"], out / "provenance.csv"))
    written.append(write_xlsx(sheets, out / WORKBOOK))

    def put(relative: str, text: str | bytes) -> None:
        path = inside(out, relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        written.append(path)

    options = {"public": public, "provenance": provenance}
    put("index.html", index_page(plan, paths, **options))
    for team in plan.teams:
        put(paths.team(team), team_page(plan, team, paths, **options))
    for coach in paired_coaches(plan):
        put(paths.coach(coach), coach_page(plan, coach, paths, **options))
    for premises in plan.premises.premises["local"]:
        put(paths.place(premises), premises_page(plan, premises, paths, **options))
    written.append(save_plan_map(plan, inside(out, MAP_FILE)))
    for team in plan.teams:
        put(paths.team_ics(team), team_calendar(plan, team, public=public))
    for coach in paired_coaches(plan):
        put(paths.coach_ics(coach), coach_calendar(plan, coach, public=public))
    return written
