"""The pairing workshop (``mit seance binomes``): its logic, then the app in
Chromium, offline (one Voilà start)."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from seance_tools import running_session

from mitlib.binomes.inputs import cell_items, load_pairing_inputs
from mitlib.binomes.pairing import prepare_marathon, solve_marathon
from mitlib.core.config import EXAMPLE_DIR
from mitlib.core.errors import InputError, OptionError
from mitlib.core.text import fold
from mitlib.seances.binomes import FORBIDDEN_MOTIVE, PairingWorkshop, reopen
from mitlib.seances.binomes_app import pairing_workshop, settings_lines

CLOCK = datetime(2025, 3, 1, 9, 30, 15)


def clock():
    return CLOCK


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


@pytest.fixture(scope="module")
def sample():
    return load_pairing_inputs()


@pytest.fixture
def workshop(sample):
    ws = PairingWorkshop(sample, "M1", clock=clock)
    ws.recompute()
    return ws


def pairs_of(ws: PairingWorkshop) -> set[tuple[str, str]]:
    return set(ws.frozen_pairs())


def unproposed(ws: PairingWorkshop, pid: str) -> str:
    """The closest coach of *pid* that the proposal does not give it."""
    ranked = ws.data.affinity.loc[pid].sort_values(ascending=False, kind="stable")
    given = {c for p, c in pairs_of(ws) if p == pid}
    return next(
        c for c in ranked.index if c not in given and ws.state_of(pid, c) == "libre"
    )


# -- logic ------------------------------------------------------------------


def test_proposal_is_the_exact_pairing_with_reasons(workshop, sample):
    direct = solve_marathon(prepare_marathon(sample, "M1"))
    assert workshop.frozen_pairs() == list(
        zip(direct.pairs()["id_projet"], direct.pairs()["id_coach"], strict=True)
    )
    assert workshop.effective_data() is workshop.data  # nothing forbidden
    frame = workshop.proposal_frame()
    assert len(frame) == 24 and frame["id_projet"].nunique() == 8
    first = frame.iloc[0]
    assert first["projet"] == "M1-P01 — Boutique de créateurs"
    name = workshop.data.coaches.at[first["id_coach"], "nom"]
    assert first["coach"].startswith(f"{first['id_coach']} — {name} (")
    assert first["role"] == "référent" and first["raisons"].startswith("domaines")
    assert set(frame["reglage"]) == {""}
    assert workshop.status().startswith("Calcul exact en ")
    assert "optimum prouvé. 24 binômes pour 8 projets ; affinité totale 11,22" in (
        workshop.status()
    )


def test_forced_pair_is_kept_marked_and_logged(workshop):
    coach = unproposed(workshop, "M1-P01")
    assert workshop.force("M1-P01", coach) == f"Binôme M1-P01 ↔ {coach} imposé."
    assert workshop.stale
    workshop.recompute()
    assert ("M1-P01", coach) in pairs_of(workshop) and not workshop.stale
    frame = workshop.proposal_frame()
    marked = frame[frame["reglage"] == "imposé"]
    assert marked[["id_projet", "id_coach"]].values.tolist() == [["M1-P01", coach]]
    log = workshop.log_frame()
    assert log.iloc[1].tolist() == [
        "2025-03-01 09:30:15",
        f"binôme M1-P01 ↔ {coach}",
        "libre",
        "imposé",
    ]
    assert log.iloc[2]["changement"] == "recalcul"
    assert (
        workshop.force("M1-P01", coach)
        == f"Le binôme M1-P01 ↔ {coach} est déjà imposé."
    )
    # forbidding a forced pair replaces the one by the other
    workshop.forbid("M1-P01", coach)
    assert workshop.forced == [] and workshop.forbidden == [("M1-P01", coach)]
    assert workshop.release("M1-P01", coach) == f"Binôme M1-P01 ↔ {coach} libéré."
    assert workshop.forbidden == []


def test_excluded_or_unknown_pair_cannot_be_forced(workshop):
    (pid, cid), motive = next(iter(workshop.data.forbidden.items()))
    with pytest.raises(OptionError, match=f"exclu d'office : {motive}"):
        workshop.force(pid, cid)
    with pytest.raises(OptionError, match="Coach « K-999 » non disponible"):
        workshop.forbid("M1-P01", "K-999")
    with pytest.raises(OptionError, match="Projet « M2-P01 » absent du marathon M1"):
        workshop.force("M2-P01", "K-001")


def _tiny(tmp_path: Path) -> tuple[Path, Path]:
    coachs = pd.DataFrame(
        {
            "id": ["K1", "K2", "K3", "K4"],
            "nom": ["Ana Essai", "Bo Essai", "Cy Essai", "Di Essai"],
            "organisation": ["Banque A", "CCI", "Mairie", "Atelier"],
            "type_coach": ["banquier", "expert", "élu", "artisan"],
            "expertise": [
                "prêt d'honneur et garantie bancaire",
                "statut juridique et prévisionnel",
                "local commercial vacant et bail",
                "atelier de réparation et vente de vélos",
            ],
            "domaines": ["financement", "juridique", "immobilier", "vente/commerce"],
            "themes": ["", "", "", ""],
            "marathons": ["X1"] * 4,
            "capacite_max": ["2", "1", "2", "1"],
            "commune": ["", "", "", ""],
            "conflits": ["", "", "P2", ""],
            "contact": ["a@example.org", "b@example.org", "c@example.org", ""],
        }
    )
    projets = pd.DataFrame(
        {
            "id": ["P1", "P2", "P3"],
            "porteur": ["Dé Essai", "Eu Essai", "Fa Essai"],
            "titre": ["Gîte", "Café", "Vélos"],
            "description": [
                "Gîte rural, prêt d'honneur",
                "Café de village dans un local vacant",
                "Atelier de réparation de vélos, statut juridique",
            ],
            "besoins": ["financement", "local commercial", "statuts et vente"],
            "domaines": ["financement", "immobilier | juridique", "juridique"],
            "theme": ["", "", ""],
            "maturite": ["", "", ""],
            "commune": ["", "", ""],
            "marathon": ["X1"] * 3,
            "organisation": ["", "", ""],
            "contact": ["", "", ""],
        }
    )
    paths = tmp_path / "coachs.csv", tmp_path / "projets.csv"
    for frame, path in zip((coachs, projets), paths, strict=True):
        frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return paths


def brute_force(ws: PairingWorkshop) -> tuple[int, float]:
    """Best (domains covered, total affinity) over every assignment."""
    data = ws.effective_data()
    lo, hi = ws.per_project
    projects, coaches = list(data.projects.index), list(data.coaches.index)
    subsets = [s for k in range(lo, hi + 1) for s in itertools.combinations(coaches, k)]
    best = (-1, -1.0)
    for choice in itertools.product(subsets, repeat=len(projects)):
        pairs = [(p, c) for p, s in zip(projects, choice, strict=True) for c in s]
        if any(pc in data.forbidden for pc in pairs):
            continue
        if any(sum(c == k for _, c in pairs) > ws.capacity_of(k) for k in coaches):
            continue
        covered = 0
        for p, s in zip(projects, choice, strict=True):
            offers = {
                fold(d) for c in s for d in cell_items(data.coaches.at[c, "domaines"])
            }
            needs = {fold(d) for d in cell_items(data.projects.at[p, "domaines"])}
            covered += len(needs & offers)
        total = sum(float(data.affinity.at[p, c]) for p, c in pairs)
        best = max(best, (covered, round(total, 9)))
    return best


def test_forbidden_pair_is_absent_and_result_optimal(tmp_path):
    inputs = load_pairing_inputs(*_tiny(tmp_path))
    ws = PairingWorkshop(inputs, per_project=(1, 2), clock=clock)
    assert ws.marathon == "X1"
    first = ws.recompute()
    needs = sum(len(cell_items(d)) for d in ws.data.projects["domaines"])

    def score():
        a = ws.pairing.assignment
        return needs - len(a.uncovered), round(a.total, 9)

    assert ws.pairing.assignment.status == "optimal"
    assert score() == brute_force(ws)
    banned = first.assignment.pairs.iloc[0][["id_projet", "id_coach"]].tolist()
    ws.forbid(*banned)
    assert ws.effective_data().forbidden[tuple(banned)] == FORBIDDEN_MOTIVE
    assert ws.data.forbidden == {("P2", "K3"): "conflit d'intérêts déclaré"}
    ws.recompute()
    assert tuple(banned) not in pairs_of(ws)
    assert score() == brute_force(ws) and score()[1] < round(first.assignment.total, 9)


def test_capacity_change_is_respected_and_undone(workshop):
    loads = workshop.pairing.assignment.loads
    busiest = loads.sort_values(ascending=False, kind="stable").index[0]
    table = int(workshop.data.capacity[busiest])
    assert int(loads[busiest]) == table == 2
    assert workshop.set_capacity(busiest, 1) == (
        f"Capacité de {busiest} : 1 projet au plus (au lieu de 2)."
    )
    workshop.recompute()
    assert int(workshop.pairing.assignment.loads[busiest]) == 1
    assert workshop.capacities == {busiest: 1}
    assert settings_lines(workshop)[-1] == f"Capacités changées : {busiest} : 2 → 1."
    workshop.set_capacity(busiest, 2)  # the table's value: no change left
    assert workshop.capacities == {}
    log = workshop.log_frame()[["changement", "avant", "apres"]].values.tolist()
    assert log[-1] == [f"capacité de {busiest}", "1", "2"]
    assert log[-3] == [f"capacité de {busiest}", "2", "1"]
    with pytest.raises(OptionError, match="un nombre entier de projets"):
        workshop.set_capacity(busiest, -1)


def test_infeasible_settings_give_the_french_diagnosis(workshop, tmp_path):
    with pytest.raises(OptionError, match="maximum \\(3\\) est inférieur au minimum"):
        workshop.set_per_project(4, 3)
    assert workshop.set_per_project(8, 8) == "Coachs par projet : 8."
    workshop.recompute()
    assert workshop.status() == (
        "Aucune affectation ne respecte ces réglages : Capacité totale des coachs "
        "(48) inférieure au besoin minimal (8 projets × 8 = 64) : ajoutez 16 places "
        "ou réduisez le minimum par projet."
    )
    assert workshop.proposal_frame().empty
    with pytest.raises(OptionError, match="Rien n'est figé : aucune affectation"):
        workshop.freeze(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_freeze_writes_the_sheets_journal_and_settings(workshop, tmp_path):
    coach = unproposed(workshop, "M1-P02")
    workshop.force("M1-P02", coach)
    banned = next(pc for pc in workshop.frozen_pairs() if pc[0] == "M1-P03")
    workshop.forbid(*banned)
    workshop.set_per_project(3, 4)
    folder = workshop.freeze(tmp_path)  # computes the new settings first
    assert folder == tmp_path / "binomes_M1_2025-03-01_09h30"
    for name in (
        "binomes.csv",
        "binomes.xlsx",
        "affinites.csv",
        "charges.csv",
        "synthese.csv",
        "fiches/index.html",
        "fiches/M1/projet_M1-P02.html",
        f"fiches/M1/coach_{coach}.html",
        "journal.csv",
        "reglages.json",
        "manifeste_mitlib.json",
    ):
        assert (folder / name).is_file(), name
    pairs = read_csv(folder / "binomes.csv")
    got = set(zip(pairs["id_projet"], pairs["id_coach"], strict=True))
    assert got == pairs_of(workshop) and ("M1-P02", coach) in got
    assert banned not in got
    assert pairs.groupby("id_projet").size().between(3, 4).all()
    synth = read_csv(folder / "synthese.csv")
    assert synth.loc[0, "binomes_imposes"] == f"M1-P02:{coach}"
    aff = read_csv(folder / "affinites.csv").set_index(["id_projet", "id_coach"])
    assert aff.loc[banned, "exclusion"] == FORBIDDEN_MOTIVE
    journal = read_csv(folder / "journal.csv")
    assert journal["changement"].tolist() == [
        "recalcul",
        f"binôme M1-P02 ↔ {coach}",
        f"binôme {banned[0]} ↔ {banned[1]}",
        "coachs par projet",
        "recalcul",
        "binômes figés",
    ]
    assert journal.iloc[3][["avant", "apres"]].tolist() == ["3", "de 3 à 4"]
    assert journal.iloc[-1]["apres"] == folder.name
    saved = json.loads((folder / "reglages.json").read_text("utf-8"))
    assert saved["marathon"] == "M1" and saved["coachs_par_projet"] == [3, 4]
    assert saved["binomes_imposes"] == [["M1-P02", coach]]
    assert saved["binomes_interdits"] == [list(banned)]
    assert saved["version"] == "interne" and len(saved["journal"]) == 6
    assert saved["fichiers_entree"]["coachs"]["fichier"] == "coachs.csv"
    assert workshop.freeze(tmp_path).name == "binomes_M1_2025-03-01_09h30_2"


def test_reopen_gives_the_same_workshop(workshop, sample, tmp_path):
    workshop.force("M1-P01", unproposed(workshop, "M1-P01"))
    workshop.set_capacity("K-004", 3)
    workshop.set_mode("équitable")
    folder = workshop.freeze(tmp_path)
    again = reopen(folder, sample, clock=clock)
    for attr in (
        "marathon",
        "per_project",
        "mode",
        "forced",
        "forbidden",
        "capacities",
    ):
        assert getattr(again, attr) == getattr(workshop, attr), attr
    assert again.frozen_pairs() == workshop.frozen_pairs()
    assert again.warnings == [] and not again.public
    assert again.log[: len(workshop.log)] == workshop.log
    assert [c.what for c in again.log[len(workshop.log) :]] == ["reprise", "recalcul"]
    # other input files: reopened, with a warning
    other = tmp_path / "autres"
    other.mkdir()
    for name in ("coachs.csv", "projets.csv"):
        text = sample.coachs.path.with_name(name).read_text("utf-8-sig")
        (other / name).write_text(text + "\n", "utf-8")
    moved = reopen(
        folder, load_pairing_inputs(other / "coachs.csv", other / "projets.csv")
    )
    assert moved.warnings[0].startswith("Attention : les fichiers d'entrée ont changé")
    (folder / "reglages.json").write_text("{}", "utf-8")
    with pytest.raises(InputError, match="n'a pas été écrit par l'atelier"):
        reopen(folder, sample)
    with pytest.raises(InputError, match="reglages.json y manque"):
        reopen(tmp_path, sample)


def test_public_workshop_shows_and_writes_no_name(sample, tmp_path):
    ws = PairingWorkshop(sample, "M2", public=True, clock=clock)
    ws.recompute()
    ws.force("M2-P01", unproposed(ws, "M2-P01"))
    names = set(ws.data.coaches["nom"]) | set(ws.data.projects["porteur"])
    frame = ws.proposal_frame()
    assert not any(n in text for n in names for text in frame["coach"])
    assert frame["coach"].iloc[0] == (
        f"{frame['id_coach'].iloc[0]} "
        f"({ws.data.coaches.at[frame['id_coach'].iloc[0], 'organisation']})"
    )
    folder = ws.freeze(tmp_path)  # the privacy check of OutputFolder passed
    manifest = json.loads((folder / "manifeste_mitlib.json").read_text("utf-8"))
    assert manifest["version"] == "publique"
    for name in ("journal.csv", "reglages.json", "fiches/M2/projet_M2-P01.html"):
        text = (folder / name).read_text("utf-8-sig")
        assert not [n for n in names if n in text], name


# -- the app, without a browser ----------------------------------------------


def app_params(**params) -> dict:
    base = {"donnees": None, "grille": None, "marathon": None, "sortie": None}
    return {**base, "reprise": None, "public": False, **params}


def test_app_widgets_drive_the_workshop(tmp_path):
    box = pairing_workshop(app_params(sortie=tmp_path, marathon="M2"))
    app = box.workshop_app
    ws = app.workshop
    assert ws.marathon == "M2" and app.marathon.value == "M2"
    assert "Atelier des binômes" in box.children[0].value
    assert (
        app.project.value == "M2-P01"
        and ws.state_of("M2-P01", app.coach.value) == "libre"
    )
    assert app.coach.value not in {c for p, c in ws.frozen_pairs() if p == "M2-P01"}
    app.lo.value = 4  # the maximum follows the minimum
    assert ws.per_project == (4, 4) and app.hi.value == 4
    assert "Réglages modifiés" in app.state.value
    coach = app.coach.value
    app.force_button.click()
    assert ws.forced == [("M2-P01", coach)]
    assert "mitlib-badge-impose" not in app.proposal.value
    app.recompute_button.click()
    assert "Calcul exact en" in app.state.value
    assert app.proposal.value.count("mitlib-badge-impose'>imposé<") == 1
    pid, cid = next(iter(ws.data.forbidden))
    app.project.value, app.coach.value = pid, cid
    app.force_button.click()
    assert "exclu d&#x27;office" in app.message.value and ws.forced == [
        ("M2-P01", coach)
    ]
    app.freeze_button.click()
    folder = tmp_path / next(p.name for p in tmp_path.iterdir())
    assert folder.name.startswith("binomes_M2_") and (folder / "binomes.csv").is_file()
    assert str(folder.absolute()) in app.frozen.value
    reopened = pairing_workshop(app_params(reprise=folder)).workshop_app.workshop
    assert reopened.marathon == "M2" and reopened.forced == ws.forced
    assert reopened.frozen_pairs() == ws.frozen_pairs()
    app.marathon.value = "M3"
    assert ws.marathon == "M3" and ws.forced == [] and app.project.value == "M3-P01"
    assert "Calcul exact en" in app.state.value
    assert ws.log[-2].what == "marathon" and ws.log[-1].what == "recalcul"


def test_app_says_input_errors_in_french(tmp_path):
    for name in ("coachs.csv", "projets.csv"):
        (tmp_path / name).write_bytes((EXAMPLE_DIR / name).read_bytes())
    coachs = read_csv(tmp_path / "coachs.csv")
    coachs.loc[2, "capacite_max"] = "beaucoup"
    coachs.to_csv(tmp_path / "coachs.csv", sep=";", index=False, encoding="utf-8-sig")
    box = pairing_workshop(app_params(donnees=tmp_path))
    report = box.children[1].value
    assert "coachs.csv, ligne 4, colonne capacite_max : « beaucoup »" in report
    assert box.workshop_app.workshop.pairing.feasible  # valid rows are used
    (tmp_path / "projets.csv").unlink()
    page = pairing_workshop(app_params(donnees=tmp_path)).value
    assert "L&#x27;atelier des binômes ne peut pas s&#x27;ouvrir" in page
    assert f"Tables absentes du dossier {tmp_path} : projets.csv" in page
    assert "Traceback" not in page


# -- the app in Chromium ----------------------------------------------------


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    out = tmp_path_factory.mktemp("seances")
    with running_session("binomes", ready_text="Calcul exact en", sortie=out) as (
        server,
        page,
    ):
        yield server, page, out


def test_force_a_pair_in_chromium_offline(session):
    server, page, _ = session
    assert server.url.startswith("http://127.0.0.1:")
    body = page.inner_text("body")
    assert "Atelier des binômes" in body and "DONNÉES FICTIVES" in body
    assert "Document interne" in body
    assert "from mitlib" not in body and "Traceback" not in body
    project = page.locator(".mitlib-atelier-projet select").input_value()
    coach = page.locator(".mitlib-atelier-coach select").input_value()
    assert project.startswith("M1-P01 — ")
    coach_id = coach.split(" ")[0]
    table = page.locator(".mitlib-atelier-proposition")
    assert page.locator(".mitlib-badge-impose").count() == 0
    page.get_by_role("button", name="Imposer ce binôme").click()
    page.get_by_text("Réglages modifiés").wait_for()
    page.get_by_role("button", name="Recalculer").click()
    page.locator(".mitlib-badge-impose").first.wait_for()
    row = table.locator("tr", has=page.locator(".mitlib-badge-impose"))
    assert row.count() == 1 and row.inner_text().startswith(
        ("M1-P01", f"{coach_id} — ")
    )
    group = table.locator("tbody", has=page.locator(".mitlib-badge-impose"))
    assert "M1-P01 — " in group.inner_text()
    assert "Calcul exact en" in page.locator(".mitlib-atelier-etat").inner_text()
    assert page.external_requests == []
