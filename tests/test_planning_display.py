"""What organisers read about a plan: the check report on a plan moved by hand
(a real conflict, then a valid time), the timelines, the tables, the mover."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pandas as pd
import pytest

from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.planning.display import (
    SessionMover,
    check_report,
    free_start,
    jury_view,
    plan_inputs_view,
    plan_summary,
    plan_timeline,
    premises_view,
    unplaced_view,
)
from mitlib.planning.plan import build_plan
from mitlib.planning.plan_inputs import load_plan_inputs

ALL_HOLD = "Toutes les contraintes sont respectées"


@pytest.fixture(scope="module")
def plan():
    return build_plan(load_plan_inputs())


@pytest.fixture(scope="module")
def conflict(plan):
    """(team, coach, start label): a session of the team moved onto the start
    of another of its sessions, at a time its coach is available, so that the
    only broken constraint is the team being with two coaches at once."""
    ev, sessions = plan.event, plan.visits.sessions
    for team, rows in sessions.groupby("equipe"):
        for a in rows.itertuples():
            for b in rows.itertuples():
                span = slice(b.debut, b.debut + ev.session_slots)
                busy = sessions[
                    (sessions["coach"] == a.coach) & (sessions.index != a.Index)
                ]
                free = all(
                    r.fin <= b.debut or r.debut >= span.stop for r in busy.itertuples()
                )
                if (
                    a.coach != b.coach
                    and free
                    and plan.visits.coach_masks[a.coach][span].all()
                ):
                    return team, a.coach, b.heure_debut
    raise AssertionError("aucun conflit d'équipe seul dans l'exemple")


def test_the_computed_plan_holds_every_constraint(plan):
    report = check_report(plan)
    assert plan.check() == []
    assert report.title == "Vérification du plan"
    assert len(report.sentences) == 1 and report.sentences[0].startswith(ALL_HOLD)
    assert list(report.notes) == [FICTIONAL_NOTICE]  # nothing moved by hand


def test_a_team_booked_twice_is_reported(plan, conflict):
    team, coach, start = conflict
    moved = plan.move(team, coach, start)
    mine = moved.visits.sessions[moved.visits.sessions["equipe"] == team]
    assert (mine["heure_debut"] == start).sum() == 2  # the conflict is real
    report = check_report(moved)
    assert report.title == "Vérification du plan : 1 contrainte non respectée"
    assert report.sentences == [f"L'équipe {team} : {start} et {start} se chevauchent."]
    before = plan.visits.sessions.set_index(["equipe", "coach"]).at[
        (team, coach), "heure_debut"
    ]
    assert report.notes[0] == (
        f"Déplacé à la main : {team} – {coach} : séance déplacée de {before} à {start}."
    )
    html = report._repr_html_()
    assert "1 contrainte non respectée" in html and ALL_HOLD not in html
    # the original plan is left as it was
    assert check_report(plan).sentences[0].startswith(ALL_HOLD)


def test_free_start_gives_a_start_where_everything_holds(plan, conflict):
    team, coach, _ = conflict
    start = free_start(plan, team, coach)
    ev = plan.event
    slot = next(i for i in range(ev.n_slots) if ev.slot_label(i) == start)
    span = range(slot, slot + ev.session_slots)
    # independently of check(): work hours, blocks, coach's hours, team free
    assert all(ev.work_slots[i] and plan.visits.coach_masks[coach][i] for i in span)
    others = plan.visits.sessions[
        (plan.visits.sessions["equipe"] == team)
        & (plan.visits.sessions["coach"] != coach)
    ]
    assert all(r.fin <= slot or r.debut >= span.stop for r in others.itertuples())
    report = check_report(plan.move(team, coach, start))
    assert report.sentences[0].startswith(ALL_HOLD)
    assert f"à {start}." in report.notes[0]


def test_team_timeline_draws_every_session_and_pitch(plan):
    t = plan_timeline(plan, "equipe")
    assert len(t.panels) == 2  # the night without sessions is said, not drawn
    assert t.items[1] == (
        "Aucune séance ni aucun pitch : vendredi 12 mars 22:00 → samedi 13 mars 09:00."
    )
    bars = t.svg.count('class="barre"')
    assert bars == len(plan.visits.sessions) + (plan.jury["ordre"] > 0).sum()
    s = plan.visits.sessions.iloc[0]
    end = plan.event.slot_label(s.fin)[4:]
    assert re.search(
        rf"<title>{s.equipe} avec {s.coach} \([^)]*\), {s.local} : "
        rf"{s.heure_debut}–{end}</title>",
        t.svg,
    )
    for name in ("Ouverture", "Repas", "Jury", "Équipes hors de leurs heures"):
        assert name in t.svg
    assert t.svg.count('class="repos"') >= 2  # saturday night, before the jury
    for panel in t.panels:
        root = ET.fromstring(panel.svg)
        assert root.get("role") == "img"
        assert FICTIONAL_NOTICE in "".join(root.itertext())
        assert panel.description.startswith(
            "Marathon M2 à Aiguillon : 33 séances placées de 45 min"
        )


def test_coach_timeline_public_has_no_names(plan):
    coaches = plan.inputs.coaches
    ids = sorted({c for _, c in plan.visits.pairs})
    private = plan_timeline(plan, "coach")
    public = plan_timeline(plan, "coach", public=True)
    names = [str(coaches.at[c, "nom"]) for c in ids]
    assert all(name in private.svg for name in names)
    assert not any(name in public.svg for name in names)
    assert public.svg.count('class="barre"') == len(plan.visits.sessions)
    # availability tinted behind each coach's lane
    assert public.svg.count('class="fenetre"') >= len(ids)
    premises = plan_timeline(plan, "local")
    for place in set(plan.team_premises.values()):
        assert place in premises.svg
    with pytest.raises(ValueError, match="equipe"):
        plan_timeline(plan, "jour")


def test_tables_and_summary(plan):
    inputs = plan_inputs_view(plan.inputs)
    assert [row[0] for row in inputs.cells] == [
        "Locaux vacants", "Coachs des marathons", "Projets des porteurs"
    ]  # fmt: skip
    assert inputs.footnotes[-1] == FICTIONAL_NOTICE
    summary = plan_summary(plan)
    assert summary.sentences[0].startswith("Marathon M2 à Aiguillon")
    assert not any(re.search(r"\d s\.", s) for s in summary.sentences)  # no timing
    assert "Plan optimal : meilleur possible" in str(summary)
    premises = premises_view(plan)
    assert [row[0] for row in premises.cells] == list(plan.premises.premises["local"])
    teams = {row[0]: row[5] for row in premises.cells}
    assert teams["L-008"] == "M2-P05, M2-P06"
    jury = jury_view(plan)
    assert len(jury.cells) == len(plan.jury) == 13
    assert jury.cells[0][1:] == [
        plan.jury.at[0, c] for c in ("equipe", "projet", "jour", "debut", "fin")
    ]
    assert [row[0] for row in jury.cells].count("pause") == 2
    none = unplaced_view(plan)
    assert none.sentences == ["Aucune : les 33 séances demandées sont placées."]
    missing = pd.DataFrame(
        [("M2-P01", "K-040", 1, "K-040 et M2-P01 : aucune plage commune.")],
        columns=["equipe", "coach", "manquantes", "motif"],
    )
    some = unplaced_view(replace(plan, visits=replace(plan.visits, unplaced=missing)))
    assert some.cells == [["M2-P01", "K-040", "1", missing.at[0, "motif"]]]


def test_session_mover_moves_checks_and_resets(plan, conflict):
    team, coach, start = conflict
    mover = SessionMover(plan)
    mover.session.value = next(
        v for _, v in mover.session.options if v[:2] == (team, coach)
    )
    mover.start.value = next(i for lab, i in mover.start.options if lab == start)
    moved = mover.move()
    assert moved is mover.plan and len(moved.moved) == 1
    assert moved.check() == [f"L'équipe {team} : {start} et {start} se chevauchent"]
    mover.reset()
    assert mover.plan is plan
    assert len(mover.session.options) == len(plan.visits.sessions)
