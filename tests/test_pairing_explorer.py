"""Tests of the pairing explorer of notebook 03 (mitlib.binomes.explorer)."""

from __future__ import annotations

import pandas as pd
import pytest

from mitlib.binomes.explorer import (
    PairingExplorer,
    affinity_heatmap,
    closest_pairs,
    compare_modes,
    coverage_display,
    loads_display,
    lock_and_reoptimise,
    lock_report,
    pairs_display,
    suggested_lock,
)
from mitlib.binomes.inputs import load_pairing_inputs
from mitlib.binomes.pairing import prepare_marathon, solve_marathon
from mitlib.core.config import EXAMPLE_DIR
from mitlib.core.text import format_fr


@pytest.fixture(scope="module")
def inputs():
    return load_pairing_inputs()


@pytest.fixture(scope="module")
def m1(inputs):
    return prepare_marathon(inputs, "M1")


def test_compare_modes_reports_both_optima(m1):
    table = compare_modes(m1, per_project=(3, 3))
    assert table.index.tolist() == ["total", "équitable"]
    total = solve_marathon(m1, mode="total").assignment
    fair = solve_marathon(m1, mode="equitable").assignment
    assert table.at["total", "Affinité totale"] == total.total
    assert table.at["équitable", "Pire projet"] == fair.worst_project
    assert (
        table.at["total", "Affinité totale"] >= table.at["équitable", "Affinité totale"]
    )
    assert table.at["équitable", "Pire projet"] >= table.at["total", "Pire projet"]
    assert table.at["total", "Charge maximale"] == total.loads.max()
    assert table["Statut"].eq("optimal prouvé").all()


def test_compare_modes_says_why_when_infeasible(m1):
    table = compare_modes(m1, per_project=(7, 7))
    assert table["Statut"].str.startswith("impossible : Capacité totale").all()
    assert table["Affinité totale"].isna().all()


def test_lock_and_reoptimise_keeps_the_locked_pair(m1):
    base = solve_marathon(m1)
    pairs = base.pairs()
    chosen = set(pairs.loc[pairs["id_projet"] == "M1-P01", "id_coach"])
    free = [
        c
        for c in m1.affinity.loc["M1-P01"].sort_values(ascending=False).index
        if c not in chosen and ("M1-P01", c) not in m1.forbidden
    ]
    locked = lock_and_reoptimise(m1, ("M1-P01", free[0]))
    after = locked.pairs()
    assert ("M1-P01", free[0]) in set(
        zip(after["id_projet"], after["id_coach"], strict=True)
    )
    assert locked.assignment.total <= base.assignment.total
    assert (after.groupby("id_projet").size() == 3).all()
    # A second lock keeps the first one too.
    again = lock_and_reoptimise(
        m1, ("M1-P02", free[1]), forced=[("M1-P01", free[0])], mode="equitable"
    )
    both = set(zip(again.pairs()["id_projet"], again.pairs()["id_coach"], strict=True))
    assert {("M1-P01", free[0]), ("M1-P02", free[1])} <= both
    # Locking an excluded pair is diagnosed in French.
    banned = next(iter(m1.forbidden))
    refused = lock_and_reoptimise(m1, banned)
    assert not refused.feasible
    assert "à la fois imposé et interdit" in refused.diagnostics[0]


def test_closest_pairs_lists_the_highest_affinities_with_reasons(m1):
    lines = closest_pairs(m1, 3).splitlines()
    assert len(lines) == 6
    stacked = m1.affinity.stack()
    (project, coach), best = stacked.idxmax(), stacked.max()
    assert lines[0] == f"{project} ↔ {coach} : {best:.3f}".replace(".", ",")
    assert lines[1] == f"  {m1.reason(project, coach)}"
    values = [float(line.rsplit(" ", 1)[1].replace(",", ".")) for line in lines[::2]]
    assert values == sorted(values, reverse=True)


def test_suggested_lock_is_the_closest_coach_not_given(m1):
    before = solve_marathon(m1, mode="total")
    project, coach = suggested_lock(before)
    assert project == m1.projects.index[0]
    pairs = before.pairs()
    given = set(pairs.loc[pairs["id_projet"] == project, "id_coach"])
    assert coach not in given and (project, coach) not in m1.forbidden
    allowed = [
        c
        for c in m1.affinity.columns
        if c not in given and (project, c) not in m1.forbidden
    ]
    assert m1.affinity.at[project, coach] == max(m1.affinity.loc[project, allowed])


def test_lock_report_says_what_changed(m1):
    before = solve_marathon(m1, mode="total")
    pair = suggested_lock(before)
    after, text = lock_report(before, pair, mode="total")
    assert pair in set(map(tuple, after.pairs()[["id_projet", "id_coach"]].values))
    assert after.assignment.total <= before.assignment.total + 1e-9
    assert text.startswith(f"Binôme imposé : {pair[0]} ↔ {pair[1]}")
    changes = {tuple(line.split()) for line in text.splitlines()[4:]}
    assert (*pair, "ajouté") in changes
    removed = set(map(tuple, before.pairs()[["id_projet", "id_coach"]].values)) - set(
        map(tuple, after.pairs()[["id_projet", "id_coach"]].values)
    )
    assert text.count("retiré") == len(removed) >= 1


def test_displays_public_and_internal(m1):
    mp = solve_marathon(m1)
    internal = pairs_display(mp)
    public = pairs_display(mp, public=True)
    assert "Nom" in internal.columns and "Nom" not in public.columns
    assert len(public) == 24 and public["Référent"].eq("oui").sum() == 8
    names = set(m1.coaches["nom"])
    assert not names & set(public.astype(str).to_numpy().ravel())
    loads = loads_display(mp, public=True)
    assert "Nom" not in loads.columns
    assert loads["Charge"].is_monotonic_decreasing
    assert (loads["Charge"] <= loads["Capacité"]).all()
    cov = coverage_display(mp)
    assert len(cov) == 24 and set(cov["Couvert"]) <= {"oui", "non"}


def test_heatmap_marks_pairs_and_escapes(tmp_path, m1):
    page = affinity_heatmap(solve_marathon(m1))
    assert page.count("outline:2px solid #000") == 24
    assert page.count(">×</td>") == len(m1.forbidden)
    projets = pd.read_csv(
        EXAMPLE_DIR / "projets.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )
    projets.loc[0, "titre"] = "<script>alert(1)</script>"
    path = tmp_path / "projets.csv"
    projets.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    data = prepare_marathon(load_pairing_inputs(projets=path), "M1")
    page = affinity_heatmap(data)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_explorer_widgets_resolve_and_lock(inputs):
    explorer = PairingExplorer(inputs, "M1", public=True)
    assert explorer.pairing_.feasible and len(explorer.pairing_.pairs()) == 24
    busiest = explorer.pairing_.assignment.loads.idxmax()
    explorer.capacities[busiest].value = 0
    assert busiest not in set(explorer.pairing_.pairs()["id_coach"])
    explorer.lock_project.value = "M1-P03"
    explorer.lock_coach.value = "K-024"
    explorer.lock_button.click()
    pairs = explorer.pairing_.pairs()
    assert ("M1-P03", "K-024") in set(
        zip(pairs["id_projet"], pairs["id_coach"], strict=True)
    )
    assert "M1-P03 ↔ K-024" in explorer.status.value
    explorer.per_project.value = (2, 2)
    assert (explorer.pairing_.pairs().groupby("id_projet").size() == 2).all()
    static = explorer.view(static=True).data  # no widget on a static page
    assert "marathon M1 avec 2 coachs par projet, en mode total" in static
    assert "JupyterLab" in static
    explorer.unlock_button.click()
    assert explorer.locked == []
    explorer.marathon.value = "M2"
    assert len(explorer.pairing_.data.projects) == 11
    assert explorer.lock_project.options[0] == "M2-P01"


def test_notebook_static_public_shows_no_personal_data(inputs):
    from mitlib.core.config import PROJECT_ROOT
    from mitlib.export.execution import execute_notebook

    nb = execute_notebook(
        PROJECT_ROOT / "notebooks" / "03_binomes.ipynb",
        {"statique": True, "public": True, "marathon": "M3", "mode": "equitable"},
    )
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            for kind, value in output.get("data", {}).items():
                texts += [kind, str(value)]
    text = "\n".join(texts)
    assert "Marathon M3\n- 15 projets et 30 coachs disponibles." in text
    assert "équitable" in text and "M3-P15" in text and "domaines communs" in text
    assert "application/vnd.jupyter.widget-view+json" not in text
    assert "@example.org" not in text and "05 36 49" not in text
    names = set(inputs.coaches["nom"]) | set(inputs.projects["porteur"])
    assert not [n for n in names if n in text]


def test_pairing_tables_read_like_a_publication(m1):
    from mitlib.binomes.display import (
        closest_view,
        coverage_view,
        exclusions_view,
        loads_view,
        lock_summary,
        modes_view,
        pairs_view,
    )

    mp = solve_marathon(m1)
    pairs = pairs_view(mp, public=True)
    assert len(pairs.cells) == 24
    assert [c.label for c in pairs.columns][3:5] == ["Affinité (0 à 1)", "Rôle"]
    assert sum(row[4] == "référent" for row in pairs.cells) == 8
    assert pairs.cells[0][0] == "M1-P01 — Boutique de créateurs"
    internal = pairs_view(mp)
    assert internal.cells[0][1] == f"K-009 — {m1.coaches.at['K-009', 'nom']}"
    names = set(m1.coaches["nom"])
    for view in (pairs, loads_view(mp, public=True), closest_view(m1, public=True)):
        assert not [n for n in names if n in view.to_html()]
    coverage = coverage_view(mp)
    assert coverage.caption == "Marathon M1 : 23 domaines demandés couverts sur 24"
    assert coverage.cells[3][1:] == ["3", "2", "mobilité"]
    loads = loads_view(mp)
    assert loads.caption.endswith("(18 mobilisés)")
    assert [int(row[3]) for row in loads.cells] == sorted(
        (int(row[3]) for row in loads.cells), reverse=True
    )
    modes = modes_view(m1, per_project=(3, 3))
    total = solve_marathon(m1, mode="total").assignment.total
    assert modes.cells[0][1] == format_fr(total, 2) and "," in modes.cells[0][1]
    impossible = modes_view(m1, per_project=(7, 7))
    assert impossible.cells[0][1] == "—" and "— : pas de solution" in (
        impossible.to_html()
    )
    assert len(exclusions_view(m1).cells) == len(m1.forbidden) == 5
    summary = lock_summary(mp, ("M1-P01", "K-020"), mode="total")
    assert summary.sentences[0].startswith("Affinité totale : 11,22 avant")
    assert "Ajouté : M1-P01 ↔ K-020." in summary.sentences


def test_inputs_view_and_marathon_summary(inputs, m1, tmp_path):
    import csv
    import io

    from mitlib.binomes.display import marathon_summary, pairing_inputs_view
    from mitlib.data.fictional import FICTIONAL_NOTICE
    from mitlib.render.tables import REJECTS_NOTE

    view = pairing_inputs_view(inputs)
    assert view.caption == "Fichiers lus et vérifiés — coachs et projets"
    assert view.cells == [
        ["Coachs des marathons", "coachs.csv", "115", "115", "0"],
        ["Projets des porteurs", "projets.csv", "64", "64", "0"],
    ]
    assert view.footnotes == [
        "Marathons de la table des projets : M1, M2, M3, M4, M5.",
        FICTIONAL_NOTICE,
    ]
    summary = marathon_summary(m1)
    assert summary.title == "Marathon M1"
    assert summary.sentences[0] == "8 projets et 24 coachs disponibles."
    assert summary.sentences[1].startswith("48 places : ")
    assert summary.sentences[2].startswith("5 binômes exclus d'office")

    text = (EXAMPLE_DIR / "coachs.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    rows[3][rows[0].index("capacite_max")] = "beaucoup"
    path = tmp_path / "coachs.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    rejected = pairing_inputs_view(load_pairing_inputs(path))
    assert rejected.cells[0][2:] == ["115", "114", "1"]
    assert rejected.footnotes[0] == REJECTS_NOTE
    assert "ligne 4, colonne capacite_max" in load_pairing_inputs(path).coachs.report()
