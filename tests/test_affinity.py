"""Tests for mitlib.binomes.affinity: the affinity model and user-supplied tables."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from mitlib.binomes.affinity import AffinityModel, affinity_from_table


def make_projects(**overrides):
    data = {
        "id": ["P01", "P02", "P03"],
        "titre": ["Épicerie vrac", "Gîte", "Atelier céramique"],
        "description": [
            "Ouverture d'une épicerie en vrac dans un local commercial du bourg.",
            "Création de gîtes ruraux et d'hébergements touristiques.",
            "Atelier-boutique de céramique tenu par une artisane.",
        ],
        "besoins": [
            "Financements : prêt d'honneur, recherche d'un local commercial.",
            "Accompagnement marketing, classement tourisme.",
            "Statut juridique, prêt d'honneur.",
        ],
        "domaines": [
            ["financement", "immobilier/local commercial"],
            ["marketing"],
            ["juridique", "financement"],
        ],
        "theme": ["artisanat et commerce", "Tourisme", "artisanat et commerce"],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def make_coaches(**overrides):
    data = {
        "id": ["C01", "C02", "C03"],
        "expertise": [
            "Prêts d'honneur et financement des commerçantes ; locaux commerciaux.",
            "Marketing touristique, hébergements et gîtes.",
            "Droit des sociétés, statuts juridiques.",
        ],
        "domaines": [
            ["Financement", "Immobilier/local commercial"],
            ["marketing"],
            ["juridique"],
        ],
        "themes": [["artisanat et commerce"], ["tourisme"], []],
        "organisation": ["Initiative", "Office de tourisme", "CCI"],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def assert_affinity_frame(frame, projects, coaches):
    """The API's promise for an affinity matrix, asserted once."""
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.name == "id_projet"
    assert frame.columns.name == "id_coach"
    assert frame.index.tolist() == list(projects["id"])
    assert frame.columns.tolist() == list(coaches["id"])
    values = frame.to_numpy()
    assert np.isfinite(values).all()
    assert ((values >= 0) & (values <= 1)).all()


def test_init_stores_settings_only():
    model = AffinityModel(w_text=-1)  # validated in fit, as in scikit-learn
    assert model.get_params()["w_text"] == -1
    assert not hasattr(model, "weights_")
    copy = clone(AffinityModel(w_tags=0.2, char_ngrams=(2, 4)))
    assert copy.get_params()["char_ngrams"] == (2, 4)


def test_fit_sets_trailing_underscore_attributes():
    projects, coaches = make_projects(), make_coaches()
    model = AffinityModel().fit(projects, coaches)
    assert model.vectorizer_words_ is not None
    assert model.vectorizer_chars_ is not None
    assert "pret honneur" in model.vocabulary_
    assert "local commercial" in model.vocabulary_
    assert model.project_ids_.tolist() == ["P01", "P02", "P03"]
    assert model.coach_ids_.tolist() == ["C01", "C02", "C03"]
    assert model.weights_ == pytest.approx({"text": 0.5, "tags": 0.35, "theme": 0.15})
    for part in (model.text_similarity_, model.tag_overlap_, model.theme_match_):
        assert_affinity_frame(part, projects, coaches)


def test_affinity_matrix_promise_and_ranking():
    projects, coaches = make_projects(), make_coaches()
    aff = AffinityModel().fit(projects, coaches).affinity_matrix()
    assert_affinity_frame(aff, projects, coaches)
    # Each project's best coach is the obvious one.
    assert aff.idxmax(axis=1).tolist() == ["C01", "C02", "C01"]
    assert aff.loc["P03", "C03"] > aff.loc["P03", "C02"]


def test_tags_and_theme_hand_computed():
    """Needs {financement, juridique, immobilier}, coach has 2 of them → 2/3."""
    projects = make_projects(
        id=["P1"],
        titre=["t"],
        description=[""],
        besoins=[""],
        domaines=[["financement", "juridique", "immobilier"]],
        theme=["Tourisme"],
    )
    coaches = make_coaches(
        id=["C1", "C2"],
        expertise=["", ""],
        domaines=[["FINANCEMENT", "Immobilier"], []],
        themes=[["tourisme"], ["commerce"]],
        organisation=["a", "b"],
    )
    model = AffinityModel(w_text=0.0).fit(projects, coaches)
    assert model.tag_overlap_.loc["P1", "C1"] == pytest.approx(2 / 3)
    assert model.theme_match_.loc["P1", "C1"] == 1.0
    assert model.theme_match_.loc["P1", "C2"] == 0.0
    # (0.35 * 2/3 + 0.15 * 1) / (0.35 + 0.15)
    expected = (0.35 * 2 / 3 + 0.15) / 0.5
    aff = model.affinity_matrix()
    assert aff.loc["P1", "C1"] == pytest.approx(expected)
    assert aff.loc["P1", "C2"] == 0.0
    assert model.text_similarity_.to_numpy().sum() == 0.0  # empty texts


def test_no_needed_domain_gives_zero_overlap():
    projects = make_projects(domaines=[[], None, "juridique; financement"])
    model = AffinityModel(lexicon=False).fit(projects, make_coaches())
    assert (model.tag_overlap_.loc["P01"] == 0).all()
    assert (model.tag_overlap_.loc["P02"] == 0).all()
    assert model.tag_overlap_.loc["P03", "C03"] == pytest.approx(0.5)


def test_identical_and_disjoint_texts():
    projects = make_projects(
        id=["P1", "P2"],
        titre=["", ""],
        description=["Création d'une boulangerie bio", "zzz qqq"],
        besoins=["", ""],
        domaines=[[], []],
        theme=["", ""],
    )
    coaches = make_coaches(
        id=["C1"],
        expertise=["Création d'une boulangerie bio"],
        domaines=[[]],
        themes=[[]],
        organisation=["x"],
    )
    model = AffinityModel(w_text=1, w_tags=0, w_theme=0).fit(projects, coaches)
    aff = model.affinity_matrix()
    assert aff.loc["P1", "C1"] == pytest.approx(1.0)
    assert aff.loc["P2", "C1"] == pytest.approx(0.0)


def test_inflected_and_accented_words_match():
    projects = make_projects(
        id=["P1"],
        titre=[""],
        description=["Financements pour une commerçante"],
        besoins=[""],
        domaines=[[]],
        theme=[""],
    )
    coaches = make_coaches(
        id=["C1", "C2"],
        expertise=["Financement des Commercantes", "Graphisme, identité visuelle"],
        domaines=[[], []],
        themes=[[], []],
        organisation=["a", "b"],
    )
    model = AffinityModel().fit(projects, coaches)
    shared = model.shared_terms("P1", "C1")
    assert {"financements", "commerçante", "financements pour une commerçante"} == set(
        shared.index
    )
    # The word space alone sees them as the same document.
    words = model._x_words
    cosine = (words[0] @ words[1].T).toarray()
    assert cosine[0, 0] == pytest.approx(1.0)
    assert model.shared_terms("P1", "C2").empty


def test_explain_in_french():
    model = AffinityModel().fit(make_projects(), make_coaches())
    text = model.explain("P01", "C01")
    assert text.startswith(
        "domaines communs : financement, immobilier/local commercial ; "
        "termes communs : "
    )
    terms = text.split("termes communs : ")[1].split(" ; ")[0].split(", ")
    assert "prêt d'honneur" in terms
    assert "local commercial" in terms
    assert len(terms) == 3
    assert text.endswith("même thème : artisanat et commerce")
    assert model.explain("P02", "C02").endswith("même thème : Tourisme")
    assert model.explain("P01", "C03") == "aucun point commun repéré"
    assert "termes communs" not in model.explain("P01", "C01", top=0)
    # A phrase absorbs its words: "prêt" and "honneur" are not listed alone.
    terms = model.explain("P03", "C01", top=5)
    assert "prêt d'honneur" in terms
    assert "prêt," not in terms and "honneur," not in terms


def test_explain_errors():
    model = AffinityModel().fit(make_projects(), make_coaches())
    with pytest.raises(ValueError, match="Projet inconnu"):
        model.explain("P99", "C01")
    with pytest.raises(ValueError, match="Coach inconnu"):
        model.explain("P01", "C99")
    with pytest.raises(ValueError, match="top doit être"):
        model.explain("P01", "C01", top=-1)
    with pytest.raises(RuntimeError, match="pas encore ajusté"):
        AffinityModel().explain("P01", "C01")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"w_tags": -0.1}, "positifs ou nuls : w_tags = -0.1"),
        ({"w_text": 0, "w_tags": 0, "w_theme": 0}, "Au moins un poids"),
        ({"w_theme": "fort"}, "nombre fini"),
        ({"w_text": float("nan")}, "nombre fini"),
        ({"char_ngrams": (5, 3)}, "char_ngrams doit être un couple"),
        ({"ngram_range_words": (0, 2)}, "ngram_range_words doit être"),
        ({"lexicon": 3}, "lexicon doit valoir True, False ou un chemin"),
    ],
)
def test_invalid_settings_rejected_in_french(params, message):
    with pytest.raises(ValueError, match=message):
        AffinityModel(**params).fit(make_projects(), make_coaches())


def test_weights_are_normalised():
    model = AffinityModel(w_text=2, w_tags=1, w_theme=1).fit(
        make_projects(), make_coaches()
    )
    assert model.weights_ == pytest.approx({"text": 0.5, "tags": 0.25, "theme": 0.25})
    expected = (
        0.5 * model.text_similarity_
        + 0.25 * model.tag_overlap_
        + 0.25 * model.theme_match_
    )
    pd.testing.assert_frame_equal(model.affinity_matrix(), expected)


def test_input_checks():
    with pytest.raises(ValueError, match="Colonnes manquantes.*projets : besoins"):
        AffinityModel().fit(make_projects().drop(columns="besoins"), make_coaches())
    with pytest.raises(ValueError, match="en double.*coachs : C01"):
        AffinityModel().fit(make_projects(), make_coaches(id=["C01", "C01", "C03"]))


def test_transform_matches_affinity_matrix_and_handles_new_rows():
    projects, coaches = make_projects(), make_coaches()
    model = AffinityModel().fit(projects, coaches)
    pd.testing.assert_frame_equal(
        model.transform(projects, coaches), model.affinity_matrix()
    )
    new = model.transform(projects.iloc[[2]], coaches.iloc[[0, 2]])
    assert_affinity_frame(new, projects.iloc[[2]], coaches.iloc[[0, 2]])


def test_min_df_and_empty_vocabulary():
    model = AffinityModel(min_df=2).fit(make_projects(), make_coaches())
    assert "pret honneur" in model.vocabulary_  # in three documents
    assert "ceramique" not in model.vocabulary_  # in one
    empty = make_projects(description=["", "", ""], besoins=[None] * 3)
    quiet = make_coaches(expertise=[""] * 3)
    model = AffinityModel().fit(empty, quiet)
    assert model.vectorizer_words_ is None and model.vocabulary_ == {}
    assert model.shared_terms("P01", "C01").empty
    assert_affinity_frame(model.affinity_matrix(), empty, quiet)
    assert model.transform(empty, quiet).equals(model.affinity_matrix())


def test_affinity_from_table():
    table = pd.DataFrame(
        {
            "id_projet": ["P1", "P2", "P2"],
            "id_coach": ["C2", "C1", "C3"],
            "affinite": [0.8, "0,25", 1],
        }
    )
    aff = affinity_from_table(table, ["P1", "P2"], ["C1", "C2", "C3"])
    expected = np.array([[0.0, 0.8, 0.0], [0.25, 0.0, 1.0]])
    np.testing.assert_allclose(aff.to_numpy(), expected)
    assert aff.index.name == "id_projet" and aff.columns.name == "id_coach"


def test_affinity_from_table_matches_ids_as_text():
    table = pd.DataFrame({"id_projet": ["1"], "id_coach": [" 7 "], "affinite": [0.5]})
    aff = affinity_from_table(table, [1, 2], [7])
    assert aff.loc[1, 7] == 0.5


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("P9", "C1", 0.5), r"ligne 2 \(id_projet=P9.*projet inconnu « P9 »"),
        (("P1", "C9", 0.5), r"ligne 2 .*coach inconnu « C9 »"),
        (("P1", "C1", 1.2), r"ligne 2 .*comprise entre 0 et 1"),
        (("P1", "C1", -0.1), r"ligne 2 .*comprise entre 0 et 1"),
        (("P1", "C1", "élevée"), r"ligne 2 .*n'est pas un nombre"),
        (("P1", "C1", None), r"ligne 2 .*l'affinité est vide"),
        (("P1", "C2", 0.3), r"ligne 2 .*figure déjà à la ligne 1"),
    ],
)
def test_affinity_from_table_errors_name_the_row(row, message):
    table = pd.DataFrame(
        [("P1", "C2", 0.4), row], columns=["id_projet", "id_coach", "affinite"]
    )
    with pytest.raises(ValueError, match=message):
        affinity_from_table(table, ["P1", "P2"], ["C1", "C2"])


def test_affinity_from_table_missing_column():
    with pytest.raises(ValueError, match="Colonnes manquantes.*affinite"):
        affinity_from_table(
            pd.DataFrame({"id_projet": [], "id_coach": []}), ["P1"], ["C1"]
        )


# -- lexicon: everyday words against professional terms (ticket 14) ---------------


def _pair_frames(project_texts, coach_texts, project_domains=None, coach_domains=None):
    n_p, n_c = len(project_texts), len(coach_texts)
    projects = pd.DataFrame(
        {
            "id": [f"P{i + 1}" for i in range(n_p)],
            "description": project_texts,
            "besoins": [""] * n_p,
            "domaines": project_domains or [[] for _ in range(n_p)],
            "theme": ["tourisme"] * n_p,
        }
    )
    coaches = pd.DataFrame(
        {
            "id": [f"C{i + 1}" for i in range(n_c)],
            "expertise": coach_texts,
            "domaines": coach_domains or [[] for _ in range(n_c)],
            "themes": [["tourisme"]] * n_c,
        }
    )
    return projects, coaches


ISSUE_PROJECTS = [
    "Trouver de l'argent pour démarrer, je n'ai pas d'apport",
    "Me faire connaître sur Instagram",
    "Aider les personnes âgées à rester chez elles",
]
ISSUE_COACHES = [
    "Prêt d'honneur, microcrédit, plan de financement",
    "Stratégie de communication digitale",
    "Maintien à domicile, silver économie",
]


def test_lexicon_matches_the_issue_examples():
    projects, coaches = _pair_frames(ISSUE_PROJECTS, ISSUE_COACHES)
    model = AffinityModel().fit(projects, coaches)
    aff = model.affinity_matrix()
    assert aff.idxmax(axis=1).tolist() == ["C1", "C2", "C3"]
    assert model.inferred_domains_ == {
        "projets": {
            "P1": ["financement"],
            "P2": ["marketing/communication"],
            "P3": ["santé/bien-vieillir"],
        },
        "coachs": {
            "C1": ["financement"],
            "C2": ["marketing/communication"],
            "C3": ["santé/bien-vieillir"],
        },
    }
    assert model.explain("P1", "C1") == (
        "domaine déduit du texte : financement ; notions rapprochées : "
        "financement de la création (« trouver de l'argent » ≈ « prêt d'honneur ») ; "
        "même thème : tourisme"
    )
    assert model.explain("P3", "C3") == (
        "domaine déduit du texte : santé/bien-vieillir ; notions rapprochées : "
        "maintien à domicile (« personnes âgées » ≈ « maintien à domicile ») ; "
        "même thème : tourisme"
    )
    assert model.explain("P1", "C2") == "même thème : tourisme"
    # Without the lexicon the texts share no word: only the theme is left.
    plain = AffinityModel(lexicon=False).fit(projects, coaches)
    assert plain.tag_overlap_.to_numpy().sum() == 0
    assert plain.explain("P1", "C1") == "même thème : tourisme"


def test_declared_domains_are_never_overridden():
    projects, coaches = _pair_frames(
        ISSUE_PROJECTS[:1],
        ISSUE_COACHES[:2],
        project_domains=[["juridique"]],
        coach_domains=[["Juridique"], []],
    )
    model = AffinityModel().fit(projects, coaches)
    assert model.inferred_domains_ == {
        "projets": {},
        "coachs": {"C2": ["marketing/communication"]},
    }
    assert model.tag_overlap_.loc["P1"].tolist() == [1.0, 0.0]
    text = model.explain("P1", "C1")
    assert text.startswith("domaines communs : juridique ; notions rapprochées")
    # A domain deduced on one side only is said so.
    projects["domaines"] = [[]]
    coaches["domaines"] = [["financement"], []]
    model = AffinityModel().fit(projects, coaches)
    assert model.explain("P1", "C1").startswith("domaine déduit du texte : financement")


def test_reasons_shown_are_reasons_that_counted():
    projects, coaches = _pair_frames(ISSUE_PROJECTS, ISSUE_COACHES)
    no_text = AffinityModel(w_text=0).fit(projects, coaches)
    assert "notions rapprochées" not in no_text.explain("P1", "C1")
    assert no_text.tag_overlap_.loc["P1", "C1"] == 1.0
    # Each shown notion raises the text similarity above the lexicon-free one.
    with_lex = AffinityModel().fit(projects, coaches)
    plain = AffinityModel(lexicon=False).fit(projects, coaches)
    for i, j in (("P1", "C1"), ("P2", "C2"), ("P3", "C3")):
        assert "notions rapprochées" in with_lex.explain(i, j)
        assert with_lex.text_similarity_.loc[i, j] > plain.text_similarity_.loc[i, j]
    assert with_lex.explain("P2", "C2", top=0) == (
        "domaine déduit du texte : marketing/communication ; même thème : tourisme"
    )


def test_lexicon_keeps_texts_without_notions_unchanged():
    """No notion in a project: the text part is the lexicon-free one."""
    projects, coaches = make_projects(), make_coaches()
    projects["description"] = ["zzz qqq"] * 3
    projects["besoins"] = ["vrac"] * 3
    a = AffinityModel().fit(projects, coaches)
    b = AffinityModel(lexicon=False).fit(projects, coaches)
    pd.testing.assert_frame_equal(a.text_similarity_, b.text_similarity_)


def test_transform_and_clone_with_lexicon():
    projects, coaches = _pair_frames(ISSUE_PROJECTS, ISSUE_COACHES)
    model = AffinityModel().fit(projects, coaches)
    pd.testing.assert_frame_equal(
        model.transform(projects, coaches), model.affinity_matrix()
    )
    assert clone(AffinityModel(lexicon=False)).get_params()["lexicon"] is False
