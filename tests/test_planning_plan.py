"""The plan of a marathon (mitlib.planning.plan, plan_inputs) on the sample."""

from __future__ import annotations

import pandas as pd
import pytest

from mitlib.core.errors import InputError, OptionError
from mitlib.data.io import example_path
from mitlib.planning.plan import WELCOME, build_plan, jury_schedule
from mitlib.planning.plan_inputs import (
    example_event_path,
    load_plan_inputs,
    resolve_host,
)


@pytest.fixture(scope="module")
def plan():
    return build_plan(load_plan_inputs())


def _copy(tmp_path, table, edit):
    """A copy of a sample table with *edit* applied to its text lines."""
    src = example_path(table)
    lines = src.read_text(encoding="utf-8-sig").splitlines()
    path = tmp_path / src.name
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    return path


def test_sample_plan_places_every_team_and_session(plan):
    assert (plan.marathon, plan.host, plan.host_name) == ("M2", "47004", "Aiguillon")
    assert plan.teams == [f"M2-P{k:02d}" for k in range(1, 12)]
    # 11 teams of 25 m² in the fewest premises of Aiguillon flagged available
    assert plan.premises.missing == 0 and len(plan.premises.assignment) == 11
    assert set(plan.team_premises.values()) == set(plan.premises.premises["local"])
    assert WELCOME not in plan.team_premises.values()
    # the pairs of `mit binomes` (3 coaches per project), one session each
    assert len(plan.visits.pairs) == 33
    assert len(plan.visits.sessions) == 33 and plan.visits.unplaced.empty
    assert plan.visits.status == "optimal"
    assert plan.check() == []


def _windows(text):
    """« ven 14:00-17:30 | sam 09:00-12:30, 13:30-15:30 » → {day: [(a, b)]},
    read here independently of mitlib."""
    out = {}
    for piece in text.split("|"):
        day, _, ranges = piece.strip().partition(" ")
        out[day] = [tuple(r.strip().split("-")) for r in ranges.split(",")]
    return out


def test_sessions_respect_the_coaches_windows(plan):
    coaches = plan.inputs.coaches
    table = plan.sessions_table()
    checked = 0
    for row in table.itertuples():
        text = coaches.at[row.coach, "disponibilites"]
        if text:
            windows = _windows(text)
            assert any(a <= row.debut and row.fin <= b for a, b in windows[row.jour])
            checked += 1
    assert checked >= 15  # two thirds of the sample's coaches give windows
    assert set(table["jour"]) <= {"ven", "sam"}


def test_sessions_table_public_has_no_names(plan):
    full, public = plan.sessions_table(), plan.sessions_table(public=True)
    assert {"porteur", "nom_coach"} <= set(full.columns)
    assert not {"porteur", "nom_coach"} & set(public.columns)
    assert len(full) == len(public) == 33
    first = full.iloc[0]
    assert first["nom_coach"] == plan.inputs.coaches.at[first["coach"], "nom"]
    assert first["projet"] == plan.title(first["equipe"])
    assert (first["date"], first["jour"]) == ("12/03/2027", "ven")


def test_jury_order_is_a_reproducible_draw_with_breaks(plan):
    jury = plan.jury
    pitches = jury[jury["ordre"] > 0]
    assert sorted(pitches["equipe"]) == plan.teams
    assert list(pitches["ordre"]) == list(range(1, 12))
    # a 15-min break after every 4 pitches of 10 min, from sam 18:00
    assert list(jury["debut"]) == [
        "18:00", "18:10", "18:20", "18:30", "18:40", "18:55", "19:05", "19:15",
        "19:25", "19:35", "19:50", "20:00", "20:10",
    ]  # fmt: skip
    assert list(jury["ordre"]).count(0) == 2 and jury["fin"].iloc[-1] == "20:20"
    again = jury_schedule(plan.event, list(reversed(plan.teams)), {})
    assert list(again["equipe"]) == list(jury["equipe"])


def test_moving_a_session_is_rechecked(plan):
    table = plan.visits.sessions
    a = table.iloc[0]
    # another session of the same team: put the first one at the same time
    other = table[(table["equipe"] == a.equipe) & (table["coach"] != a.coach)].iloc[0]
    clash = plan.move(a.equipe, a.coach, other.heure_debut)
    errors = clash.check()
    assert any(a.equipe in e and "chevauchent" in e for e in errors)
    assert clash.moved == [
        f"{a.equipe} – {a.coach} : séance déplacée de {a.heure_debut} à "
        f"{other.heure_debut}"
    ]
    back = clash.move(a.equipe, a.coach, a.heure_debut)
    assert back.check() == []
    # the original plan is untouched
    assert plan.check() == [] and plan.moved == []
    with pytest.raises(OptionError, match="Binôme inconnu"):
        plan.move(a.equipe, "K-999", "sam 09:00")
    with pytest.raises(OptionError, match="« dim 09:00 »"):
        plan.move(a.equipe, a.coach, "dim 09:00")
    night = plan.move(a.equipe, a.coach, "sam 03:00")
    assert any("hors des heures de travail" in e for e in night.check())


def test_unreadable_window_is_reported_with_line_and_column(tmp_path):
    inputs = load_plan_inputs()
    coach = inputs.pairs["coach"].iloc[0]

    def edit(lines):
        out = []
        for line in lines:
            if line.startswith(f"{coach};"):
                cells = line.split(";")
                cells[-3] = "samedi 9h-12h"  # disponibilites
                line = ";".join(cells)
            out.append(line)
        return out

    coachs = _copy(tmp_path, "coachs", edit)
    line = next(
        n
        for n, text in enumerate(coachs.read_text("utf-8").splitlines(), 1)
        if text.startswith(f"{coach};")
    )
    plan = build_plan(load_plan_inputs(coachs=coachs))
    (problem,) = plan.problems.itertuples()
    assert (problem.fichier, problem.ligne, problem.colonne) == (
        "coachs.csv",
        line,
        "disponibilites",
    )
    assert problem.valeur == "samedi 9h-12h" and "HH:MM" in problem.motif
    # the coach is not guessed available: none of their sessions is placed
    assert coach not in set(plan.visits.sessions["coach"])
    assert set(plan.visits.unplaced["coach"]) == {coach}
    assert plan.check() == []


def test_teams_without_premises_wait_at_the_welcome_point(tmp_path):
    # only L-009 (36,1 m², one team) stays flagged in Aiguillon
    def edit(lines):
        out = []
        for line in lines:
            cells = line.split(";")
            if cells[0] in {"L-003", "L-004", "L-008", "L-011", "L-012"}:
                cells[12] = "non"
            out.append(";".join(cells))
        return out

    locaux = _copy(tmp_path, "locaux", edit)
    plan = build_plan(load_plan_inputs(locaux=locaux))
    assert plan.premises.missing == 10
    assert list(plan.premises.assignment["local"]) == ["L-009"]
    assert sum(p == WELCOME for p in plan.team_premises.values()) == 10
    assert sum("point d'accueil" in w for w in plan.warnings) == 10
    assert len(plan.premises.suggestions) > 0
    assert plan.check() == []


def test_pairs_from_a_binomes_file(tmp_path):
    pairs = load_plan_inputs().pairs
    path = tmp_path / "binomes.csv"
    rows = ["marathon;id_projet;id_coach;affinite"]
    rows += [f"M2;{t};{c};0,5" for t, c in pairs.itertuples(index=False)][:5]
    rows += ["M1;M1-P01;K-001;0,4"]  # another marathon: skipped
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    inputs = load_plan_inputs(binomes=path)
    assert inputs.pairs_path == path
    assert list(inputs.pairs.itertuples(index=False, name=None)) == list(
        pairs.head(5).itertuples(index=False, name=None)
    )
    plan = build_plan(inputs)
    assert len(plan.visits.sessions) == 5 and plan.check() == []
    assert any(label.startswith("binomes (binomes.csv)") for label, _ in
               inputs.provenance())  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["id_projet;coach", "M2-P01;K-001"], "colonne(s) obligatoire(s) absente(s)"),
        (
            ["id_projet;id_coach", "M2-P01;K-020", "M2-P99;K-020"],
            "binomes.csv, ligne 3, colonne id_projet : projet « M2-P99 » absent",
        ),
        (
            ["id_projet;id_coach", "M2-P01;K-999"],
            "binomes.csv, ligne 2, colonne id_coach : coach « K-999 » absent",
        ),
        (
            ["id_projet;id_coach", "M2-P01;K-020", "M2-P01;K-020"],
            "binomes.csv, ligne 3 : le binôme M2-P01 – K-020 figure déjà ligne 2",
        ),
    ],
)
def test_bad_binomes_file(tmp_path, rows, message):
    path = tmp_path / "binomes.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        load_plan_inputs(binomes=path)


def test_marathon_and_host_options(tmp_path):
    with pytest.raises(OptionError, match="décrit le marathon M2"):
        load_plan_inputs(marathon="M1")
    from mitlib.data.territory import load_territory

    territory = load_territory()
    assert resolve_host("aiguillon", territory) == "47004"
    assert resolve_host("47179", territory) == "47179"
    with pytest.raises(OptionError, match="Commune hôte « Agen »"):
        resolve_host("Agen", territory)
    with pytest.raises(OptionError, match="Commune hôte absente"):
        resolve_host(None, territory)
    # the event file of another marathon, without projects
    text = example_event_path().read_text(encoding="utf-8")
    other = tmp_path / "marathon.yaml"
    other.write_text(text.replace("marathon: M2", "marathon: M9"), encoding="utf-8")
    with pytest.raises(OptionError, match="Marathon M9 .* Marathons connus : M1, M2"):
        load_plan_inputs(evenement=other)


def test_input_files_are_only_read():
    before = {t: example_path(t).read_bytes() for t in ("locaux", "coachs", "projets")}
    build_plan(load_plan_inputs())
    assert before == {t: example_path(t).read_bytes() for t in before}
    assert isinstance(load_plan_inputs().pairs, pd.DataFrame)


def test_mit_planning_writes_the_plan(tmp_path, capsys):
    from mitlib.cli.main import main

    out = tmp_path / "plan"
    assert main(["planning", "--marathon", "M2", "--sortie", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Marathon M2 à Aiguillon" in printed and "33 séances placées" in printed
    assert f"ouvrez {out / 'index.html'}" in printed
    for name in ("planning.csv", "planning.xlsx", "index.html", "carte_locaux.html"):
        assert (out / name).is_file(), name
    assert len(list((out / "calendriers").glob("*.ics"))) == 11 + len(
        set(load_plan_inputs().pairs["coach"])
    )
    assert len(list((out / "equipes").glob("*.html"))) == 11
    # a user's mistake: French message, exit 2, nothing written
    bad = tmp_path / "autre"
    assert main(["planning", "--marathon", "M1", "--sortie", str(bad)]) == 2
    assert "décrit le marathon M2" in capsys.readouterr().err
    assert not bad.exists()
