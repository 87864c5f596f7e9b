"""Tests of the grid (mitlib.candidatures.grid, criteria, grid_options,
grid_reader): reading and checking the grid, the rules it gives the attribution."""

from __future__ import annotations

import pandas as pd
import pytest
from scoring_cases import hand_grid, hand_grid_dict, hand_table

from mitlib.candidatures.grid import Grid
from mitlib.candidatures.scoring import score
from mitlib.core.provenance import file_sha256

# --------------------------------------------------------------------------
# The grid
# --------------------------------------------------------------------------


GRID_YAML = """\
nom: Grille 2025
methode: somme
departage: [locaux]
criteres:
  - cle: locaux
    libelle: Locaux vacants proposés
    source: nb_locaux
    sens: plus haut est mieux
    poids: 5
    elimination:
      op: ">="
      valeur: 2
      motif: Moins de deux locaux vacants proposés
  - cle: population
    sens: max
    poids: 3
    normalisation: max
  - cle: distance
    source: distance_km
    sens: plus bas est mieux
    poids: 2
  - cle: label
    poids: 0
    elimination: {op: in, valeur: [ACV, PVD], motif: Ni ACV ni PVD}
preference:
  bonus_par_rang: {1: 1.0, 2: 0.6, 3: 0.3}
  poids: 0.25
"""


def test_grid_from_yaml(tmp_path):
    path = tmp_path / "grille.yaml"
    path.write_text(GRID_YAML, encoding="utf-8")
    grid = Grid.from_yaml(path)
    assert grid.keys == ("locaux", "population", "distance", "label")
    assert grid.tie_break == ("locaux", "code_insee")
    assert grid.criterion("locaux").elimination.value == 2
    assert grid.criterion("label").elimination.value == ("ACV", "PVD")
    assert grid.preference.bonus_by_rank == {1: 1.0, 2: 0.6, 3: 0.3}
    assert grid.preference.weight == 0.25
    rules = grid.attribution_rules()
    assert rules.preference_weight == 0.25
    assert rules.bonus_by_rank == {1: 1.0, 2: 0.6, 3: 0.3}
    assert grid.weights.tolist() == pytest.approx([0.5, 0.3, 0.2, 0.0])
    assert len(file_sha256(path)) == 64
    # the label criterion is a pure filter (text column, weight 0)
    table = hand_table().assign(label=["ACV", "PVD", "aucun", "PVD"])
    r = score(table, grid)
    assert r.table["eligible"].tolist() == [True, True, False, True]
    assert r.table.loc["47003", "motif_exclusion"] == "Ni ACV ni PVD"
    assert "note_label" not in r.table.columns
    # 47001: locaux 2 passes >= 2
    assert r.table.loc["47001", "eligible"]


def test_grid_round_trip_and_hash_stability():
    grid = hand_grid()
    again = Grid.from_dict(grid.to_dict())
    assert again == grid
    assert again.sha256() == grid.sha256()
    # dict order and criterion order do not change the hash
    d = hand_grid_dict()
    shuffled = {k: d[k] for k in reversed(list(d))}
    shuffled["criteres"] = [
        dict(reversed(list(c.items()))) for c in d["criteres"][::-1]
    ]
    assert Grid.from_dict(shuffled).sha256() == grid.sha256()
    # weights given as 5 or 5.0 are the same grid
    d["criteres"][0]["poids"] = 5.0
    assert Grid.from_dict(d).sha256() == grid.sha256()
    # a weight change does change it
    assert grid.with_weights({"locaux": 4}).sha256() != grid.sha256()


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"poids": "beaucoup"}, "Critère « population » : champ « poids »"),
        ({"sens": "haut"}, "Critère « population » : champ « sens »"),
        (
            {"normalisation": "zscore"},
            "Critère « population » : champ « normalisation »",
        ),
        ({"ponderation": 3}, "Critère « population » : champ inconnu « ponderation »"),
        (
            {"elimination": {"op": "~", "valeur": 1}},
            "Critère « population » : champ « elimination » : opérateur inconnu",
        ),
        (
            {"elimination": {"op": ">=", "valeur": "mille"}},
            "Critère « population » : champ « elimination » : .*attend un nombre",
        ),
        ({"cle": "pop ulation"}, "champ « cle »"),
    ],
)
def test_grid_errors_name_criterion_and_field(patch, message):
    d = hand_grid_dict()
    d["criteres"][1].update(patch)
    with pytest.raises(ValueError, match=message):
        Grid.from_dict(d)


def test_grid_level_errors():
    d = hand_grid_dict()
    with pytest.raises(ValueError, match="champ « sens » manquant"):
        Grid.from_dict({"criteres": [{"cle": "a", "poids": 1}]})
    with pytest.raises(ValueError, match="tous nuls"):
        Grid.from_dict({"criteres": [{"cle": "a", "sens": "max", "poids": 0}]})
    with pytest.raises(ValueError, match="en double"):
        Grid.from_dict({"criteres": [d["criteres"][1], d["criteres"][1]]})
    with pytest.raises(ValueError, match="departage.*inconnu"):
        Grid.from_dict({**d, "departage": ["surface"]})
    with pytest.raises(ValueError, match="methode.*inconnue"):
        Grid.from_dict({**d, "methode": "electre"})
    with pytest.raises(ValueError, match="bonus_par_rang"):
        Grid.from_dict({**d, "preference": {"bonus_par_rang": {1: 2.0}}})


def test_grid_yaml_errors(tmp_path):
    bad = tmp_path / "mauvaise.yaml"
    bad.write_text("criteres: [\n", encoding="utf-8")
    with pytest.raises(ValueError, match="illisible"):
        Grid.from_yaml(bad)
    bad.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="table de champs"):
        Grid.from_yaml(bad)


# --------------------------------------------------------------------------
# Options: attribution rules, robustness settings
# --------------------------------------------------------------------------

OPTIONS_YAML = """\
criteres:
  - {cle: locaux, sens: max, poids: 1}
attribution:
  note_minimale: 8
  themes_classes_seulement: oui
  labels_requis: {ACV: 1}
  calendrier: ["2025-03", "2025-06"]
  alternatives: 2
robustesse:
  tirages: 1000
  concentration: 80
  graine: 5
  tirages_attribution: 5000
"""


def test_grid_options_from_yaml(tmp_path):
    path = tmp_path / "grille.yaml"
    path.write_text(OPTIONS_YAML, encoding="utf-8")
    grid = Grid.from_yaml(path)
    settings = grid.attribution
    assert settings.min_note == 8.0 and settings.min_score == 0.4
    labels = pd.Series({"47001": "ACV"})
    rules = grid.attribution_rules(labels=labels)
    assert rules.min_score == 0.4
    assert rules.only_ranked_themes is True
    assert rules.required_labels == {"ACV": 1}
    assert rules.labels is labels and rules.exclude == ()
    with pytest.raises(ValueError, match="Des labels sont exigés"):
        grid.attribution_rules()  # labels required, none given
    assert settings.calendar == ("2025-03", "2025-06")
    assert settings.n_alternatives == 2
    settings = grid.robustness
    assert (settings.n_draws, settings.concentration, settings.seed) == (1000, 80.0, 5)
    assert settings.n_draws_attribution == 1000  # never more than the draws
    again = Grid.from_dict(grid.to_dict())
    assert again == grid and again.sha256() == grid.sha256()
    assert (
        grid.sha256()
        != Grid.from_dict({**grid.to_dict(), "robustesse": {"graine": 6}}).sha256()
    )
    defaults = Grid.from_dict({"criteres": [{"cle": "a", "sens": "max", "poids": 1}]})
    assert defaults.attribution.min_note is None
    assert defaults.attribution_rules().min_score is None
    assert defaults.robustness.n_draws == 10_000


def test_bounds_in_messages_are_written_by_format_fr():
    """The bounds in the grid's messages go through the one French number
    form, :func:`format_fr`: a narrow no-break space between thousands."""
    from mitlib.candidatures import grid_options as go
    from mitlib.candidatures.criteria import MAX_WEIGHT
    from mitlib.candidatures.grid_reader import MAX_GRID_BYTES
    from mitlib.core.text import format_fr

    used = [
        0,
        1,
        go.MAX_ALTERNATIVES,
        go.MIN_DRAWS,
        go.MAX_REQUIRED_LABEL,
        go.MAX_DRAWS_ATTRIBUTION,
        go.MAX_DRAWS,
        int(go.MAX_CONCENTRATION),
        go.MAX_SEED,
        MAX_WEIGHT,
        MAX_GRID_BYTES,
        MAX_GRID_BYTES + 123_457,  # a file size
    ]
    for n in used:
        assert format_fr(n, 0) == f"{n:,}".replace(",", "\u202f")


@pytest.mark.parametrize(
    ("section", "patch", "message"),
    [
        ("attribution", {"note_minimale": 25}, "« note_minimale » : nombre entre 0"),
        (
            "attribution",
            {"themes_classes_seulement": "peut-être"},
            "« oui » ou « non »",
        ),
        ("attribution", {"labels_requis": {"ACV": -1}}, "labels_requis » \\(ACV\\)"),
        ("attribution", {"calendrier": "2025-03"}, "liste de périodes attendue"),
        ("attribution", {"calendrier": ["a", "a"]}, "période\\(s\\) en double : a"),
        ("attribution", {"alternatives": 0}, "« alternatives » : entier de 1 à 50"),
        ("attribution", {"date": 1}, "Attribution : champ inconnu « date »"),
        ("robustesse", {"tirages": 2.5}, "« tirages » : entier de 100 à 100\u202f000"),
        ("robustesse", {"concentration": 0}, "« concentration » : nombre de 0,01 à"),
        ("robustesse", {"graine": -1}, "« graine » : entier de 0 à"),
    ],
)
def test_grid_option_errors_name_section_and_field(section, patch, message):
    d = hand_grid_dict()
    d[section] = patch
    with pytest.raises(ValueError, match=message):
        Grid.from_dict(d)


def test_grid_yaml_errors_are_prefixed_with_the_file(tmp_path):
    path = tmp_path / "comite.yaml"
    path.write_text("criteres:\n  - {cle: a, sens: haut, poids: 1}\n", encoding="utf-8")
    with pytest.raises(
        ValueError, match="^comite.yaml : Critère « a » : champ « sens »"
    ):
        Grid.from_yaml(path)
    with pytest.raises(FileNotFoundError, match="Fichier de grille introuvable"):
        Grid.from_yaml(tmp_path / "absente.yaml")
