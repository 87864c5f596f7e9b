"""Tests of mitlib.candidatures.proposal: exact attribution, calendar, gaps,
robustness."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from candidacy_cases import (
    SAMPLE_CANDIDACIES,
    grid_dict,
    inputs_from,
    sample_analysis,
    sample_inputs,
    write_grid,
)

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.proposal import analyse, ranking_gaps
from mitlib.candidatures.scoring import score
from mitlib.candidatures.sensitivity import rescale_weights
from mitlib.data.vocabularies import THEMES


def brute_force_values(analysis) -> list[float]:
    """Value of every attribution meeting the grid's rules, by enumeration."""
    grid = analysis.grid
    table = analysis.inputs.table
    prefs = analysis.inputs.preferences
    scores = analysis.result.scores
    pw = grid.preference.weight
    bonus = grid.preference.bonus_by_rank
    rules = grid.attribution
    hosts = {}
    for code, s in scores.items():
        if rules.min_note is None or s * 20 >= rules.min_note - 1e-9:
            hosts.setdefault(table.at[code, "epci_siren"], []).append(code)
    epcis = sorted(hosts)
    values = []
    for chosen in itertools.product(*(hosts[e] for e in epcis)):
        labels = [table.at[c, "label"] for c in chosen]
        if any(labels.count(lab) < n for lab, n in rules.required_labels.items()):
            continue
        for themes in itertools.permutations(THEMES, len(epcis)):
            ranks = [prefs.at[c, t] for c, t in zip(chosen, themes, strict=True)]
            if rules.only_ranked_themes and any(np.isnan(r) for r in ranks):
                continue
            values.append(
                sum(
                    (1 - pw) * scores[c] + pw * (0 if np.isnan(r) else bonus[int(r)])
                    for c, r in zip(chosen, ranks, strict=True)
                )
            )
    return sorted(values, reverse=True)


def test_listed_attributions_are_the_exact_best_ones():
    analysis = sample_analysis()
    expected = brute_force_values(analysis)
    listed = [a.value for a in analysis.listed]
    assert listed == pytest.approx(expected[: len(listed)], abs=1e-9)
    assert [a.rank for a in analysis.listed] == list(range(1, len(listed) + 1))
    assert analysis.proposal is analysis.listed[0]
    assert analysis.alternatives == analysis.listed[:4]  # optimum + 3 in the grid


def test_proposal_meets_every_rule():
    analysis = sample_analysis()
    table, prefs = analysis.inputs.table, analysis.inputs.preferences
    rows = analysis.proposal.table
    assert sorted(rows.index) == sorted(set(table["epci_siren"]))
    assert rows["theme"].is_unique and set(rows["theme"]) == set(THEMES)
    for epci, row in rows.iterrows():
        code = row["code_insee"]
        assert table.at[code, "epci_siren"] == epci
        assert analysis.result.table.at[code, "eligible"]
        assert row["score"] * 20 >= 6  # note_minimale
        assert not np.isnan(prefs.at[code, row["theme"]])  # a ranked theme
    assert (table.loc[rows["code_insee"], "label"] == "ACV").sum() >= 1


def test_calendar_is_the_earliest_possible():
    """Each host gets one of its periods, once; the sum of positions is minimal."""
    analysis = sample_analysis()
    inputs = analysis.inputs
    periods = analysis.proposal_periods
    hosts = list(analysis.proposal.table["code_insee"])
    assert sorted(periods) == sorted(hosts)
    assert len(set(periods.values())) == len(hosts)
    for code, period in periods.items():
        assert period in inputs.availability[code]
    position = {p: i for i, p in enumerate(inputs.calendar)}
    best = min(
        sum(position[p] for p in perm)
        for perm in itertools.permutations(inputs.calendar, len(hosts))
        if all(p in inputs.availability[c] for c, p in zip(hosts, perm, strict=True))
    )
    assert sum(position[p] for p in periods.values()) == best
    assert periods == {
        "47004": "2023-06",
        "47179": "2023-11",
        "47175": "2024-03",
        "47323": "2024-06",
        "47306": "2024-11",
    }


def test_unschedulable_optimum_falls_back_to_the_best_schedulable():
    """Aiguillon and Monsempron-Libos both free in June 2023 only: the optimum
    (which holds both) cannot be scheduled; the proposal is the best listed
    attribution without Monsempron-Libos."""
    inputs = sample_inputs()
    avail = dict(inputs.availability)
    avail["47004"] = ["2023-06"]
    avail["47179"] = ["2023-06"]
    analysis = analyse(replace(inputs, availability=avail), robustness=False)
    assert analysis.periods[0] is None
    first = next(i for i, p in enumerate(analysis.periods) if p is not None)
    assert first > 0 and analysis.proposal is analysis.listed[first]
    assert all(p is None for p in analysis.periods[:first])
    assert "47179" not in analysis.proposal.pairs
    assert "ne peut pas être programmée" in analysis.warnings[-1]
    assert any(a is analysis.proposal for a in analysis.alternatives)
    assert analysis.proposal.rank == 2


def test_no_attribution_keeps_the_notes(tmp_path):
    data = grid_dict()
    data["attribution"]["note_minimale"] = 19
    grid = write_grid(tmp_path / "grille.yaml", data)
    analysis = analyse(inputs_from(SAMPLE_CANDIDACIES, grid), robustness=False)
    assert analysis.proposal is None and analysis.listed == []
    assert analysis.attribution_error.startswith("EPCI ")
    assert "aucune candidature ne peut accueillir" in analysis.attribution_error
    assert analysis.result.table["eligible"].sum() == 13


def test_ranking_gaps_match_notes_and_swap_weights():
    result = sample_analysis().result
    gaps = ranking_gaps(result)
    notes = result.table["note_sur_20"]
    ranking = list(result.ranking)
    assert list(gaps.index) == ranking[1:]
    assert list(gaps["devant"]) == ranking[:-1]
    for code, row in gaps.iterrows():
        assert row["ecart_total"] == pytest.approx(notes[row["devant"]] - notes[code])
        parts = row[[f"ecart_{k}" for k in result.weights.index]]
        assert parts.sum() == pytest.approx(row["ecart_total"])
    # the swap of Monsempron-Libos (5th) with Fumel (4th): rescoring ties them
    row = gaps.loc["47179"]
    weights = rescale_weights(
        result.weights, row["critere_bascule"], row["poids_bascule"]
    )
    table = sample_inputs().table
    again = score(table, result.grid.with_weights(weights.to_dict())).scores
    assert again["47179"] == pytest.approx(again["47106"], abs=1e-9)


def test_robustness_outputs_are_consistent():
    analysis = sample_analysis()
    res = analysis.smaa
    n = int(analysis.result.table["eligible"].sum())
    assert res.table.shape[0] == n
    assert res.weights.shape[0] == 10_000 and res.seed == 2024
    p = res.table.filter(regex=r"^p_rang_")
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # every theme goes to exactly one commune in every draw
    np.testing.assert_allclose(analysis.pairs.sum(axis=0), 1.0)
    assert analysis.pairs.loc["47323", "résilience alimentaire"] == 1.0
    assert set(analysis.leaders["groupe"]) == set(analysis.inputs.table["epci_siren"])
    assert analysis.stability.index.tolist() == list(analysis.result.weights.index)


def test_topsis_grid_runs_without_exact_intervals(tmp_path):
    data = grid_dict()
    data["methode"] = "topsis"
    data["robustesse"] = {"tirages": 500, "graine": 1, "tirages_attribution": 20}
    grid = write_grid(tmp_path / "grille.yaml", data)
    analysis = analyse(inputs_from(SAMPLE_CANDIDACIES, grid))
    assert analysis.stability is None and analysis.gaps is None
    assert analysis.smaa.table.shape[0] == 13
    assert analysis.proposal is not None
    assert Grid.from_yaml(grid).method == "topsis"
