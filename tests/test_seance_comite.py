"""The comité's session (``mit seance comite``): its logic on the sample, the
files of a frozen decision, reopening it, then the app in Chromium, offline
(one Voilà start)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from candidacy_cases import sample_inputs
from seance_tools import running_session

from mitlib.candidatures.calendar import schedule
from mitlib.candidatures.grid import Grid
from mitlib.candidatures.proposal import analyse
from mitlib.candidatures.scoring import score
from mitlib.core.config import EXAMPLE_DIR
from mitlib.core.errors import InputError, OptionError
from mitlib.core.provenance import file_sha256
from mitlib.data.outputs import MANIFEST
from mitlib.seances.comite import Change, CommitteeSession
from mitlib.seances.comite_app import CommitteeApp, committee_session

CLOCK = datetime(2025, 3, 12, 14, 5, 30)
STAMP = "2025-03-12T14:05:30"
SAMPLE_FILES = ("candidatures.csv", "locaux.csv", "acteurs.csv", "evenements.csv")
#: The CA du Grand Villeneuvois and two of its candidacies.
VILLENEUVOIS, VILLENEUVE, CASSENEUIL = "200023307", "47323", "47049"


def clock():
    return CLOCK


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def copy_sample(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in (*SAMPLE_FILES, "grille.yaml"):
        shutil.copy(EXAMPLE_DIR / name, folder / name)
    return folder


@pytest.fixture
def session():
    return CommitteeSession(sample_inputs(), clock=clock)


# -- logic ------------------------------------------------------------------


def test_a_weight_reranks_as_the_grid_with_that_weight(session):
    inputs = sample_inputs()
    before = list(session.analysis.result.ranking)
    assert before == list(score(inputs.table, inputs.grid).ranking)
    assert session.set_weight("vacance", 10, "la vacance d'abord") is True
    expected = score(inputs.table, inputs.grid.with_weights({"vacance": 10}))
    after = list(session.analysis.result.ranking)
    assert after == list(expected.ranking) and after != before
    assert after[:5] == ["47323", "47049", "47048", "47203", "47306"]
    assert session.grid.weights["vacance"] == pytest.approx(10 / 24)
    # the grid of the inputs is untouched, the change is logged
    assert inputs.grid.criterion("vacance").weight == 3
    assert session.weights_changed
    assert session.log == [
        Change(
            STAMP,
            "poids",
            "Locaux vacants pour 1 000 habitants (diagnostic)",
            "vacance",
            "3",
            "10",
            "la vacance d'abord",
        )
    ]
    assert session.set_weight("vacance", 10) is False  # no change, no log line
    assert len(session.log) == 1
    assert session.reset_weights() == 1
    assert list(session.analysis.result.ranking) == before
    assert session.log[-1].ancienne_valeur == "10"
    assert session.log[-1].motif == "retour aux poids de la grille"


def test_every_weight_at_zero_is_refused_and_nothing_changes(session):
    keys = list(session.weights)
    for key in keys[:-1]:
        session.set_weight(key, 0)
    ranking = list(session.analysis.result.ranking)
    with pytest.raises(OptionError, match="ne peuvent pas être tous nuls"):
        session.set_weight(keys[-1], 0)
    assert session.weights[keys[-1]] == 1.0
    assert list(session.analysis.result.ranking) == ranking
    assert len(session.log) == len(keys) - 1
    with pytest.raises(OptionError, match="nombre ≥ 0"):
        session.set_weight(keys[0], -1)
    with pytest.raises(OptionError, match="sans poids réglable"):
        session.set_weight("label", 2)  # a pure filter


def test_a_rule_changes_only_with_a_written_reason(session):
    inputs = sample_inputs()
    with pytest.raises(OptionError, match="Écrivez le motif avant de lever"):
        session.set_rule("locaux", False, "   ")
    assert session.rules["locaux"] == (True, "") and session.log == []
    session.set_rule("locaux", False, "Locaux de la CC mis à disposition")
    # the same as scoring with a grid without that rule
    data = inputs.grid.to_dict()
    next(c for c in data["criteres"] if c["cle"] == "locaux")["elimination"] = None
    expected = score(inputs.table, Grid.from_dict(data))
    assert list(session.analysis.result.ranking) == list(expected.ranking)
    assert "47210" in session.analysis.result.ranking  # Port-Sainte-Marie: 2 locaux
    assert session.log[-1].type == "règle"
    assert (session.log[-1].ancienne_valeur, session.log[-1].nouvelle_valeur) == (
        "appliquée",
        "levée",
    )
    with pytest.raises(OptionError, match="Écrivez le motif avant de rétablir"):
        session.set_rule("locaux", True, "")
    with pytest.raises(OptionError, match="déjà levée"):
        session.set_rule("locaux", False, "encore")


def test_an_override_must_be_an_eligible_candidacy_of_the_epci(session):
    with pytest.raises(OptionError, match=r"Pujols \(47215\) n'est pas une candida"):
        session.override(VILLENEUVOIS, "47215", "proche")  # not labelled
    with pytest.raises(OptionError, match="Cancon .* n'est pas une candidature"):
        session.override(VILLENEUVOIS, "47048", "voisine")  # another EPCI
    with pytest.raises(OptionError, match="déjà la commune proposée"):
        session.override(VILLENEUVOIS, VILLENEUVE, "même commune")
    with pytest.raises(OptionError, match="Écrivez la justification"):
        session.override(VILLENEUVOIS, CASSENEUIL, " ")
    assert session.overrides == {} and session.log == []

    session.override(VILLENEUVOIS, CASSENEUIL, "Rotation entre les bourgs")
    decided, warnings = session.decision()
    row = decided.set_index("epci_siren").loc[VILLENEUVOIS]
    theme = session.analysis.proposal.table.at[VILLENEUVOIS, "theme"]
    assert (row["code_insee"], row["derogation"], row["theme"]) == (
        CASSENEUIL,
        "oui",
        theme,
    )
    assert row["commune_proposee"] == VILLENEUVE
    periods = schedule(
        list(decided["code_insee"]),
        session.inputs.availability,
        session.inputs.calendar,
    )
    assert dict(zip(decided["code_insee"], decided["periode"], strict=True)) == periods
    # Villeneuve-sur-Lot was the only ACV host the grid asks for
    assert "Aucune commune hôte labellisée ACV" in " ".join(warnings)
    assert session.log[-1] == Change(
        STAMP,
        "dérogation",
        "Communauté d'agglomération du Grand Villeneuvois",
        VILLENEUVOIS,
        "Villeneuve-sur-Lot (proposée)",
        "Casseneuil",
        "Rotation entre les bourgs",
    )
    session.remove_override(VILLENEUVOIS, "erreur de saisie")
    assert session.decision()[0]["derogation"].eq("non").all()
    assert session.log[-1].nouvelle_valeur == "commune proposée"


def test_an_override_made_impossible_blocks_the_decision(session, tmp_path):
    session.set_rule("locaux", False, "Locaux intercommunaux")
    session.override("200068922", "47210", "Port-Sainte-Marie porte le projet")
    assert session.problems() == []
    session.set_rule("locaux", True, "Règle publiée rétablie")
    assert (
        "Port-Sainte-Marie n'est plus une candidature éligible"
        in (session.problems()[0])
    )
    with pytest.raises(OptionError, match="ne peut pas être arrêtée"):
        session.freeze(tmp_path)
    assert list(tmp_path.iterdir()) == []


# -- a frozen decision ------------------------------------------------------


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    """A session on a copy of the sample, changed, then frozen."""
    root = tmp_path_factory.mktemp("comite")
    data = copy_sample(root / "donnees")
    s = CommitteeSession.open(data, clock=clock)
    s.set_weight("vacance", 10, "priorité à la vacance commerciale")
    s.set_rule("capacite", False, "Salle des fêtes prêtée par la commune voisine")
    s.override(VILLENEUVOIS, CASSENEUIL, "Rotation entre les bourgs")
    folder = s.freeze(root / "decisions")
    return s, folder, data


def test_freeze_writes_the_dated_folder(frozen):
    s, folder, data = frozen
    assert folder.name == "decision_2025-03-12_14h05"
    names = {p.name for p in folder.iterdir()}
    assert {
        "proces_verbal.xlsx",
        "proces_verbal.pdf",
        "grille_finale.yaml",
        "journal.csv",
        "derogations.csv",
        "empreintes.csv",
        "attribution_retenue.csv",
        "decision.json",
        "notes.csv",
        "fiches",
        MANIFEST,
    } <= names
    assert s.read_only
    with pytest.raises(OptionError, match="décision est arrêtée"):
        s.set_weight("vacance", 3)

    log = read_csv(folder / "journal.csv")
    assert list(log["type"]) == ["poids", "règle", "dérogation"]
    assert list(log["heure"]) == [STAMP] * 3
    assert log.iloc[0][["cle", "ancienne_valeur", "nouvelle_valeur"]].tolist() == [
        "vacance",
        "3",
        "10",
    ]
    assert log.iloc[1]["motif"] == "Salle des fêtes prêtée par la commune voisine"
    overrides = read_csv(folder / "derogations.csv")
    assert overrides.iloc[0][
        ["commune_proposee", "commune_retenue", "justification"]
    ].tolist() == [VILLENEUVE, CASSENEUIL, "Rotation entre les bourgs"]
    decided = read_csv(folder / "attribution_retenue.csv").set_index("epci_siren")
    assert decided.at[VILLENEUVOIS, "code_insee"] == CASSENEUIL

    prints = read_csv(folder / "empreintes.csv").set_index("fichier")
    for name in (*SAMPLE_FILES, "grille.yaml"):
        assert prints.at[name, "sha256"] == file_sha256(data / name)
    final = folder / "grille_finale.yaml"
    assert prints.at["grille_finale.yaml", "sha256"] == file_sha256(final)

    # the final grid reads back into the same grid and the same ranking
    grid = Grid.from_yaml(final)
    assert grid.sha256() == s.grid.sha256()
    assert grid.criterion("vacance").weight == 10
    assert grid.criterion("capacite").elimination is None
    assert grid.criterion("locaux").elimination is not None
    ranking = analyse(s.inputs, grid, robustness=False).result.ranking
    assert list(ranking) == list(s.analysis.result.ranking)

    manifest = json.loads((folder / "decision.json").read_text("utf-8"))
    assert manifest["arretee_le"] == STAMP and manifest["fictif"] is True
    assert manifest["poids"]["vacance"] == 10
    assert manifest["regles"]["capacite"] == {
        "appliquee": False,
        "motif": "Salle des fêtes prêtée par la commune voisine",
    }
    assert manifest["classement"] == [str(c) for c in s.analysis.result.ranking]
    listed = json.loads((folder / MANIFEST).read_text("utf-8"))["fichiers"]
    assert {e["fichier"]: e["sha256"] for e in listed}["decision.json"] == (
        file_sha256(folder / "decision.json")
    )


def test_the_minutes_read_as_a_french_proces_verbal(frozen):
    pypdf = pytest.importorskip("pypdf")
    s, folder, _ = frozen
    book = openpyxl.load_workbook(folder / "proces_verbal.xlsx", read_only=True)
    assert book.sheetnames[:8] == [
        "seance",
        "decision",
        "poids",
        "regles",
        "derogations",
        "journal",
        "empreintes",
        "provenance",
    ]
    weights = pd.read_excel(folder / "proces_verbal.xlsx", sheet_name="poids")
    row = weights.set_index("critere").loc["vacance"]
    assert (row["poids_grille"], row["poids_arrete"]) == (3, 10)
    text = " ".join(
        page.extract_text()
        for page in pypdf.PdfReader(folder / "proces_verbal.pdf").pages
    )
    text = " ".join(text.split())
    for expected in (
        "Procès-verbal du comité d'attribution",
        "Décision arrêtée le 12 mars 2025 à 14 h 05",
        "DONNÉES FICTIVES",
        "Rotation entre les bourgs",
        "Salle des fêtes prêtée par la commune voisine",
        "priorité à la vacance commerciale",
        "Journal de la séance (3 changements)",
        file_sha256(folder / "grille_finale.yaml")[:20],
        "Casseneuil",
    ):
        assert expected in text, expected


def test_reopen_gives_the_decision_exactly(frozen):
    s, folder, _ = frozen
    again = CommitteeSession.reopen(folder)
    assert again.read_only and again.frozen["arretee_le"] == STAMP
    assert again.weights == s.weights and again.rules == s.rules
    assert again.overrides == s.overrides and again.log == s.log
    assert list(again.analysis.result.ranking) == list(s.analysis.result.ranking)
    pd.testing.assert_frame_equal(again.decision()[0], s.decision()[0])
    with pytest.raises(OptionError, match="décision est arrêtée"):
        again.override(VILLENEUVOIS, VILLENEUVE, "retour")


def test_reopen_refuses_an_input_changed_since(frozen, tmp_path):
    _, folder, data = frozen
    changed = shutil.copytree(data, tmp_path / "donnees")
    path = changed / "candidatures.csv"
    path.write_bytes(path.read_bytes().replace(b"Cancon", b"Cancon ", 1))
    with pytest.raises(InputError, match="candidatures.csv .* a changé depuis la déc"):
        CommitteeSession.reopen(folder, donnees=changed)
    with pytest.raises(InputError, match="pas un dossier de décision"):
        CommitteeSession.reopen(tmp_path)


# -- the app -----------------------------------------------------------------


def html_values(widget) -> list[str]:
    """The text of every HTML widget under *widget*."""
    out = (
        [widget.value]
        if hasattr(widget, "value") and isinstance(widget.value, str)
        else []
    )
    for child in getattr(widget, "children", ()):
        out += html_values(child)
    return out


def test_the_app_names_criteria_by_label_and_asks_for_reasons(tmp_path):
    app = CommitteeApp(CommitteeSession(sample_inputs(), clock=clock), tmp_path)
    text = " ".join(html_values(app.widget))
    assert "Locaux vacants pour 1 000 habitants (diagnostic)" in text
    assert all(s.description == "" for s in app.sliders.values())  # no key shown
    assert app.readouts["vacance"].value.count("17,6") == 1  # 3 of 17
    app.rule_buttons["capacite"].click()  # no reason written
    assert "Écrivez le motif" in app.rules_message.value
    assert app.session.rules["capacite"][0] is True
    app.rule_reasons["capacite"].value = "Salle prêtée"
    app.rule_buttons["capacite"].click()
    assert app.session.rules["capacite"] == (False, "Salle prêtée")
    assert app.rule_buttons["capacite"].description == "Rétablir la règle"
    app.sliders["vacance"].value = 10.0
    assert app.session.weights["vacance"] == 10.0
    assert "Par rapport à la grille publiée : poids modifiés, 1 règle levée" in (
        app.status.value
    )


def test_an_input_error_is_the_french_report_in_the_app(tmp_path):
    data = copy_sample(tmp_path / "donnees")
    (data / "candidatures.csv").write_text("id;commune\nC-1;Agen\n", encoding="utf-8")
    params = {"donnees": data, "grille": None, "sortie": tmp_path, "reprise": None}
    view = committee_session({**params, "public": False})
    assert "mitlib-seance-rapport" in view.value and "Traceback" not in view.value
    assert "candidatures.csv" in view.value
    (data / "locaux.csv").unlink()
    view = committee_session({**params, "public": False})
    assert "Tables absentes" in view.value and "locaux" in view.value


# -- in Chromium -----------------------------------------------------------------


def sample_hosts() -> list[str]:
    inputs = sample_inputs()
    proposal = analyse(inputs, robustness=False).proposal
    return proposal.table["code_insee"].map(inputs.table["commune"]).tolist()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    out = tmp_path_factory.mktemp("seance_comite")
    with running_session("comite", ready_text="Poids des critères", sortie=out) as (
        server,
        page,
    ):
        yield server, page, out


def test_sliders_rerank_reattribute_and_freeze_in_chromium(browser):
    _, page, out = browser
    inputs = sample_inputs()
    assert page.get_by_text("DONNÉES FICTIVES").first.is_visible()
    body = page.inner_text("body")
    assert "Locaux vacants pour 1 000 habitants (diagnostic)" in body
    assert "Traceback" not in body and "vacance" not in body  # labels, not keys
    names = inputs.table["commune"]
    fourth = page.locator(".mit-tableau").first.locator("tbody tr").nth(3)
    before = score(inputs.table, inputs.grid).ranking
    assert names[before[3]] == "Fumel" and "Fumel" in fourth.inner_text()

    # « vacance » from 3 to 5 with the keyboard: 4 steps of 0,5
    page.locator(".mitlib-poids-vacance .noUi-handle").focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    grid = inputs.grid.with_weights({"vacance": 5})
    expected = analyse(inputs, grid, robustness=False)
    assert names[expected.result.ranking[3]] == "Cancon"
    fourth.get_by_text("Cancon").wait_for(timeout=60_000)
    assert "26,3" in page.locator(".mitlib-poids-vacance").inner_text()
    page.get_by_role("tab", name="Attribution").click()
    table = page.locator("table.mit-tableau", has_text="Proposition d'attribution")
    shown = table.inner_text()
    hosts = expected.proposal.table["code_insee"].map(names)
    assert all(h in shown for h in hosts)
    assert hosts.tolist() != sample_hosts()

    page.get_by_role("button", name="Arrêter la décision…").click()
    page.get_by_role("button", name="Confirmer : arrêter la décision").click()
    page.get_by_text("Fichiers écrits dans").wait_for(timeout=120_000)
    (folder,) = out.iterdir()
    assert folder.name.startswith("decision_")
    manifest = json.loads((folder / "decision.json").read_text("utf-8"))
    assert manifest["poids"]["vacance"] == 5
    log = read_csv(folder / "journal.csv")
    assert set(log["cle"]) == {"vacance"} and log["nouvelle_valeur"].iloc[-1] == "5"
    prints = read_csv(folder / "empreintes.csv").set_index("fichier")
    assert prints.at["candidatures.csv", "sha256"] == file_sha256(
        EXAMPLE_DIR / "candidatures.csv"
    )
    assert page.external_requests == []
