"""Tests of the attribution (mitlib.candidatures.attribution, attribution_model,
frequency, calendar, rules): known answers and brute-force enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from mitlib.candidatures.attribution import attribute, next_best
from mitlib.candidatures.attribution_model import Attribution
from mitlib.candidatures.calendar import schedule
from mitlib.candidatures.frequency import pair_frequency
from mitlib.candidatures.rules import AttributionRules

BONUS = {1: 1.0, 2: 0.75, 3: 0.5, 4: 0.25, 5: 0.0}
THEMES = ["commerce", "tourisme", "terroir"]


def assert_attribution(a: Attribution, epci: pd.Series, themes: list[str]) -> None:
    """The promise: one row per EPCI, a commune of that EPCI, distinct themes."""
    assert isinstance(a, Attribution)
    assert a.table.index.name == "epci_siren"
    assert sorted(a.table.index) == sorted(set(epci))
    assert a.table["theme"].is_unique
    assert set(a.table["theme"]) <= set(themes)
    for e, row in a.table.iterrows():
        assert epci[row["code_insee"]] == e
    assert a.value == pytest.approx(a.table["valeur"].sum())


# --------------------------------------------------------------------------
# Known answer
#
# EPCI E1: 47001 (score 0.8), 47002 (0.6); E2: 47003 (0.7); E3: 47004 (0.5)
# ranks given      commerce  tourisme  terroir
#   47001              1         2        3
#   47002              2         1        3
#   47003              1         3        2
#   47004              -         1        2      (did not rank commerce)
# value = 0.7 * score + 0.3 * bonus(rank), bonus 1 / 0.75 / 0.5, unranked 0
#   47001: 0.86 0.785 0.71 ; 47002: 0.645 0.72 0.57
#   47003: 0.79 0.64  0.715 ; 47004: 0.35 0.65 0.575
# E1 x E2 x E3 over theme permutations, best:
#   47001 commerce + 47003 terroir + 47004 tourisme = 0.86 + 0.715 + 0.65 = 2.225
# next, tied at 2.15: 47001 tourisme + 47003 commerce + 47004 terroir
#   (0.785 + 0.79 + 0.575) and 47001 terroir + 47003 commerce + 47004 tourisme
#   (0.71 + 0.79 + 0.65); then 47002 tourisme + 47003 commerce + 47004 terroir
#   = 0.72 + 0.79 + 0.575 = 2.085
# --------------------------------------------------------------------------


def known_instance():
    scores = pd.Series({"47001": 0.8, "47002": 0.6, "47003": 0.7, "47004": 0.5})
    epci = pd.Series({"47001": "E1", "47002": "E1", "47003": "E2", "47004": "E3"})
    prefs = pd.DataFrame(
        {
            "commerce": [1, 2, 1, np.nan],
            "tourisme": [2, 1, 3, 1],
            "terroir": [3, 3, 2, 2],
        },
        index=scores.index,
    )
    return scores, epci, prefs


def test_attribute_known_answer():
    scores, epci, prefs = known_instance()
    rules = AttributionRules(preference_weight=0.3, bonus_by_rank=BONUS)
    a = attribute(scores, epci, prefs, THEMES, rules)
    assert_attribution(a, epci, THEMES)
    assert a.pairs == {"47001": "commerce", "47003": "terroir", "47004": "tourisme"}
    assert a.value == pytest.approx(2.225)
    assert a.gap == 0.0 and a.rank == 1
    assert a.table.loc["E2", "rang_theme"] == 2
    assert a.table.loc["E2", "valeur"] == pytest.approx(0.715)
    nb = next_best(scores, epci, prefs, THEMES, rules, k=3)
    assert [o.value for o in nb] == pytest.approx([2.15, 2.15, 2.085])
    assert [o.gap for o in nb] == pytest.approx([0.075, 0.075, 0.14])
    assert [o.rank for o in nb] == [2, 3, 4]
    assert {frozenset(o.pairs.items()) for o in nb[:2]} == {
        frozenset(
            {"47001": "tourisme", "47003": "commerce", "47004": "terroir"}.items()
        ),
        frozenset(
            {"47001": "terroir", "47003": "commerce", "47004": "tourisme"}.items()
        ),
    }
    assert nb[2].pairs == {"47002": "tourisme", "47003": "commerce", "47004": "terroir"}


def test_constraints_change_the_answer():
    scores, epci, prefs = known_instance()
    kw = {"preference_weight": 0.3, "bonus_by_rank": BONUS}

    def solve(**rules):
        return attribute(scores, epci, prefs, THEMES, AttributionRules(**rules))

    # 47001 excluded: E1 must host in 47002
    a = solve(exclude=["47001"], **kw)
    assert "47002" in a.pairs
    # a forbidden pair
    a = solve(exclude=[("47001", "commerce")], **kw)
    assert a.pairs.get("47001") != "commerce"
    # ACV required: only 47002 carries it
    labels = pd.Series({"47001": "PVD", "47002": "ACV", "47003": "PVD", "47004": "PVD"})
    a = solve(required_labels={"ACV": 1}, labels=labels, **kw)
    assert "47002" in a.pairs
    # min_score is inclusive: 0.5 keeps 47004 (0.5), the answer is unchanged
    a = solve(min_score=0.5, **kw)
    assert a.value == pytest.approx(2.225)
    # pure score (no preference): theme choice is free, value = sum of best scores
    a = solve(preference_weight=0.0, bonus_by_rank=BONUS)
    assert a.value == pytest.approx(0.8 + 0.7 + 0.5)
    # only ranked themes: 47004 cannot get commerce
    a = solve(preference_weight=0.0, bonus_by_rank=BONUS, only_ranked_themes=True)
    assert a.pairs["47004"] != "commerce"


def test_fewer_epci_than_themes():
    scores, epci, prefs = known_instance()
    prefs = prefs.assign(culture=[4, 4, 4, 3])
    rules = AttributionRules(preference_weight=0.3, bonus_by_rank=BONUS)
    a = attribute(scores, epci, prefs, [*THEMES, "culture"], rules)
    assert len(a.table) == 3
    assert a.table["theme"].is_unique


# --------------------------------------------------------------------------
# Infeasible cases: French errors naming what to relax
# --------------------------------------------------------------------------


def test_infeasible_messages():
    scores, epci, prefs = known_instance()
    kw = {"preference_weight": 0.3, "bonus_by_rank": BONUS}
    base = AttributionRules(**kw)
    epci4 = pd.concat([epci, pd.Series({"47999": "E4"})])
    with pytest.raises(ValueError, match="4 EPCI pour 3 thèmes"):
        attribute(scores, epci4, prefs, THEMES, base)
    with pytest.raises(ValueError, match="EPCI E4 : aucune candidature"):
        attribute(scores, epci4, prefs.assign(culture=1), [*THEMES, "culture"], base)
    with pytest.raises(ValueError, match=r"E3 .*47004 sous la note minimale.*minimale"):
        attribute(scores, epci, prefs, THEMES, AttributionRules(min_score=0.55, **kw))
    with pytest.raises(ValueError, match=r"EPCI E2 .*47003 exclue"):
        attribute(
            scores, epci, prefs, THEMES, AttributionRules(exclude=["47003"], **kw)
        )
    labels = pd.Series("PVD", index=scores.index)
    acv = AttributionRules(required_labels={"ACV": 1}, labels=labels, **kw)
    with pytest.raises(ValueError, match=r"\(required_labels\) « ACV » ≥ 1 impossible"):
        attribute(scores, epci, prefs, THEMES, acv)
    with pytest.raises(ValueError, match="labels"):
        AttributionRules(required_labels={"ACV": 1}, **kw)
    with pytest.raises(ValueError, match="entier ≥ 0"):
        AttributionRules(required_labels={"ACV": -1}, labels=labels, **kw)
    with pytest.raises(ValueError, match="entre 0 et 1"):
        AttributionRules(preference_weight=1.5, bonus_by_rank=BONUS)
    # every commune ranked only "tourisme": no way to give each theme once
    only_tourisme = pd.DataFrame(
        {"commerce": np.nan, "tourisme": 1.0, "terroir": np.nan}, index=scores.index
    )
    ranked = AttributionRules(only_ranked_themes=True, **kw)
    with pytest.raises(ValueError, match="Aucune attribution.*only_ranked_themes"):
        attribute(scores, epci, only_tourisme, THEMES, ranked)
    with pytest.raises(ValueError, match="absent.*culture"):
        attribute(scores, epci, prefs, [*THEMES[:2], "culture"], base)
    with pytest.raises(ValueError, match="EPCI inconnu.*47004"):
        attribute(scores, epci.drop("47004"), prefs, THEMES, base)
    with pytest.raises(ValueError, match="entre 0 et 1"):
        attribute(scores * 20, epci, prefs, THEMES, base)
    with pytest.raises(ValueError, match="Rang de préférence 7"):
        attribute(scores, epci, prefs.replace(3, 7), THEMES, base)


# --------------------------------------------------------------------------
# Brute force on random small instances
# --------------------------------------------------------------------------


def random_instance(seed: int):
    rng = np.random.default_rng(seed)
    n_epci = int(rng.integers(2, 4))
    themes = [f"t{j}" for j in range(int(rng.integers(n_epci, 5)))]
    codes, epcis = [], []
    for e in range(n_epci):
        for _ in range(int(rng.integers(1, 4))):
            codes.append(f"47{len(codes):03d}")
            epcis.append(f"E{e}")
    scores = pd.Series(rng.uniform(0, 1, len(codes)).round(3), index=codes)
    epci = pd.Series(epcis, index=codes)
    ranks = []
    for _ in codes:
        r = (rng.permutation(len(themes)) + 1).astype(float)
        r[rng.random(len(themes)) < 0.25] = np.nan
        ranks.append(r)
    prefs = pd.DataFrame(ranks, index=codes, columns=themes)
    labels = pd.Series(
        rng.choice(["ACV", "PVD"], len(codes), p=[0.3, 0.7]), index=codes
    )
    options = {
        "preference_weight": float(rng.choice([0.0, 0.3, 0.6])),
        "bonus_by_rank": BONUS,
        "only_ranked_themes": bool(rng.random() < 0.3),
        "required_labels": {"ACV": 1} if rng.random() < 0.5 else {},
        "labels": labels,
    }
    return scores, epci, prefs, themes, options


def brute_force(scores, epci, prefs, themes, options) -> list[float]:
    """Values of every feasible attribution, best first."""
    pw = options["preference_weight"]
    by_epci = [list(epci.index[epci == e]) for e in sorted(set(epci))]
    values = []
    for hosts in itertools.product(*by_epci):
        if options["required_labels"] and not any(
            options["labels"][c] == "ACV" for c in hosts
        ):
            continue
        for chosen in itertools.permutations(themes, len(hosts)):
            total = 0.0
            ok = True
            for c, t in zip(hosts, chosen, strict=True):
                rank = prefs.loc[c, t]
                if np.isnan(rank):
                    if options["only_ranked_themes"]:
                        ok = False
                        break
                    bonus = 0.0
                else:
                    bonus = BONUS[int(rank)]
                total += (1 - pw) * scores[c] + pw * bonus
            if ok:
                values.append(total)
    return sorted(values, reverse=True)


@pytest.mark.parametrize("seed", range(30))
def test_optimum_and_next_best_match_brute_force(seed):
    scores, epci, prefs, themes, options = random_instance(seed)
    expected = brute_force(scores, epci, prefs, themes, options)
    rules = AttributionRules(**options)
    if not expected:
        with pytest.raises(ValueError):
            attribute(scores, epci, prefs, themes, rules)
        return
    best = attribute(scores, epci, prefs, themes, rules)
    assert_attribution(best, epci, themes)
    assert best.value == pytest.approx(expected[0], abs=1e-9)
    others = next_best(scores, epci, prefs, themes, rules, k=3)
    assert len(others) == min(3, len(expected) - 1)
    assert [o.value for o in others] == pytest.approx(expected[1:4], abs=1e-9)
    assert [o.gap for o in others] == pytest.approx(
        [expected[0] - v for v in expected[1:4]], abs=1e-9
    )
    assert [o.rank for o in others] == list(range(2, 2 + len(others)))
    seen = {frozenset(best.pairs.items())}
    for o in others:
        assert_attribution(o, epci, themes)
        assert frozenset(o.pairs.items()) not in seen  # all distinct
        seen.add(frozenset(o.pairs.items()))
        if options["required_labels"]:
            assert any(options["labels"][c] == "ACV" for c in o.pairs)


# --------------------------------------------------------------------------
# pair_frequency
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 4, 7])
def test_pair_frequency_matches_brute_force_per_draw(seed):
    scores, epci, prefs, themes, options = random_instance(seed)
    if not brute_force(scores, epci, prefs, themes, options):
        pytest.skip("instance sans attribution possible")
    rng = np.random.default_rng(seed)
    draws = pd.DataFrame(
        np.clip(scores.to_numpy() + rng.normal(0, 0.2, (12, len(scores))), 0, 1),
        columns=scores.index,
    )
    rules = AttributionRules(**options)
    freq = pair_frequency(draws, epci, prefs, themes, rules)
    assert freq.shape == (len(scores), len(themes))
    n_epci = epci.nunique()
    assert freq.to_numpy().sum() == pytest.approx(n_epci)
    assert (freq.sum(axis=0) <= 1 + 1e-12).all()
    # each draw alone: the pairs chosen reach the brute-force optimum
    for d in range(4):
        one = pair_frequency(draws.iloc[[d]], epci, prefs, themes, rules)
        chosen = [(c, t) for c in one.index for t in one.columns if one.loc[c, t] == 1]
        assert len(chosen) == n_epci
        pw = options["preference_weight"]
        value = sum(
            (1 - pw) * draws.iloc[d][c]
            + pw * (0.0 if np.isnan(prefs.loc[c, t]) else BONUS[int(prefs.loc[c, t])])
            for c, t in chosen
        )
        expected = brute_force(draws.iloc[d], epci, prefs, themes, options)[0]
        assert value == pytest.approx(expected, abs=1e-9)
    # n_draws takes the first rows
    head = pair_frequency(draws, epci, prefs, themes, rules, n_draws=4)
    pd.testing.assert_frame_equal(
        head, pair_frequency(draws.iloc[:4], epci, prefs, themes, rules)
    )


def test_pair_frequency_min_score_per_draw():
    scores, epci, prefs = known_instance()
    draws = pd.DataFrame(
        [scores.to_numpy(), [0.8, 0.9, 0.7, 0.5]], columns=scores.index
    )
    freq = pair_frequency(
        draws,
        epci,
        prefs,
        THEMES,
        AttributionRules(preference_weight=0.0, bonus_by_rank=BONUS, min_score=0.5),
    )
    assert freq.loc[["47001", "47002"]].sum(axis=1).tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match="Tirage n° 0"):
        pair_frequency(
            draws,
            epci,
            prefs,
            THEMES,
            AttributionRules(preference_weight=0, bonus_by_rank=BONUS, min_score=0.6),
        )


# --------------------------------------------------------------------------
# schedule
# --------------------------------------------------------------------------

PERIODS = ["2025-03", "2025-06", "2025-09", "2025-11", "2026-03"]


def test_schedule_known_answer():
    availability = {
        "47004": {"2025-06", "2025-09"},
        "47001": {"2025-03", "2025-06"},
        "47003": {"2025-03"},
    }
    got = schedule(["47001", "47003", "47004"], availability, PERIODS)
    assert got == {"47003": "2025-03", "47001": "2025-06", "47004": "2025-09"}
    assert list(got) == ["47003", "47001", "47004"]  # chronological


def test_schedule_prefers_early_periods_deterministically():
    everywhere = dict.fromkeys(["47020", "47010", "47030"], set(PERIODS))
    got = schedule(["47030", "47020", "47010"], everywhere, PERIODS)
    assert got == {"47010": "2025-03", "47020": "2025-06", "47030": "2025-09"}


def test_schedule_from_attribution():
    scores, epci, prefs = known_instance()
    rules = AttributionRules(preference_weight=0.3, bonus_by_rank=BONUS)
    a = attribute(scores, epci, prefs, THEMES, rules)
    got = schedule(
        a, {c: {PERIODS[-1], PERIODS[0], PERIODS[2]} for c in a.pairs}, PERIODS
    )
    assert sorted(got) == sorted(a.pairs)
    assert sorted(got.values()) == sorted([PERIODS[0], PERIODS[2], PERIODS[-1]])


def test_schedule_infeasible_names_communes():
    availability = {
        "47001": {"2025-03"},
        "47002": {"2025-03"},
        "47003": {"2025-06", "2025-09"},
    }
    with pytest.raises(
        ValueError, match=r"47001, 47002 n'ont ensemble que 1 période.*2025-03"
    ):
        schedule(["47001", "47002", "47003"], availability, PERIODS)
    with pytest.raises(ValueError, match="47009 n'ont aucune période"):
        schedule(["47009"], {"47009": set()}, PERIODS)
    with pytest.raises(ValueError, match="manquantes pour : 47002"):
        schedule(["47001", "47002"], {"47001": {"2025-03"}}, PERIODS)
    with pytest.raises(ValueError, match="Périodes inconnues.*2024-01"):
        schedule(["47001"], {"47001": {"2024-01"}}, PERIODS)


def brute_schedule(communes, availability, periods):
    """Best schedule by the documented rule, by enumeration."""
    pos = {p: j for j, p in enumerate(periods)}
    communes = sorted(communes)
    best = None
    for chosen in itertools.permutations(periods, len(communes)):
        if all(p in availability[c] for c, p in zip(communes, chosen, strict=True)):
            key = (sum(pos[p] for p in chosen), [pos[p] for p in chosen])
            if best is None or key < best[0]:
                best = (key, dict(zip(communes, chosen, strict=True)))
    return None if best is None else best[1]


@pytest.mark.parametrize("seed", range(15))
def test_schedule_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    communes = [f"47{i:03d}" for i in rng.choice(100, size=4, replace=False)]
    availability = {c: {p for p in PERIODS if rng.random() < 0.45} for c in communes}
    expected = brute_schedule(communes, availability, PERIODS)
    if expected is None:
        with pytest.raises(ValueError, match="Impossible de programmer"):
            schedule(communes, availability, PERIODS)
    else:
        assert schedule(communes, availability, PERIODS) == expected


def test_fractional_relaxation_falls_back_to_milp(monkeypatch):
    """Seed 203 (ACV row): the LP relaxation has a fractional optimum."""
    import mitlib.solve.milp as module

    calls = []
    real_milp = module.milp

    def counting_milp(*args, **kwargs):
        calls.append(kwargs.get("integrality") is not None)
        return real_milp(*args, **kwargs)

    monkeypatch.setattr(module, "milp", counting_milp)
    scores, epci, prefs, themes, options = random_instance(203)
    assert options["required_labels"] == {"ACV": 1}
    best = attribute(scores, epci, prefs, themes, AttributionRules(**options))
    assert calls == [False, True]  # relaxation first, then the exact MILP
    expected = brute_force(scores, epci, prefs, themes, options)
    assert best.value == pytest.approx(expected[0], abs=1e-9)
    assert any(options["labels"][c] == "ACV" for c in best.pairs)
