"""Tests for mitlib.binomes.lexicon and for the lexicon's effect on the text
affinity."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from mitlib.binomes.affinity import AffinityModel
from mitlib.binomes.lexicon import DEFAULT_LEXICON, load_lexicon
from mitlib.core.errors import InputError
from mitlib.data.vocabularies import DOMAINS, THEMES

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_affinite", ROOT / "benchmarks" / "bench_affinite.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


@pytest.fixture(scope="module")
def evaluation():
    bench = _bench()
    groups = bench.load_groups()
    return bench, groups


def test_shipped_lexicon_is_documented_and_consistent(lexicon):
    header = DEFAULT_LEXICON.read_text(encoding="utf-8").split("version:")[0]
    assert "Licence Ouverte" in header and "Sources" in header
    assert len(lexicon) >= 50
    assert {n.domain for n in lexicon.notions.values()} == set(DOMAINS)
    themes = {t for n in lexicon.notions.values() for t in n.themes}
    assert themes == set(THEMES)
    wordings = {w for n in lexicon.notions.values() for w in n.wordings}
    for acronym in ("ESS", "SCIC", "HACCP", "PGE", "ACRE", "CFE"):
        assert acronym in wordings


@pytest.mark.parametrize(
    ("text", "domains"),
    [
        ("Trouver de l'argent pour démarrer, je n'ai pas d'apport", ["financement"]),
        ("Prêt d'honneur, microcrédit, plan de financement", ["financement"]),
        ("Me faire connaître sur Instagram", ["marketing/communication"]),
        ("Stratégie de communication digitale", ["marketing/communication"]),
        ("Aider les personnes âgées à rester chez elles", ["santé/bien-vieillir"]),
        ("Maintien à domicile, silver économie", ["santé/bien-vieillir"]),
        ("Passer en SCIC", ["gouvernance collective/ESS"]),
        ("Plan HACCP du laboratoire", ["agriculture/alimentation"]),
        ("Payer la CFE, demander l'ACRE", ["comptabilité/gestion", "financement"]),
        ("Un texte sans rapport avec rien", []),
    ],
)
def test_domains_deduced_from_text(lexicon, text, domains):
    assert lexicon.domains(text) == domains


def test_find_gives_the_revealing_words(lexicon):
    text = "Je voudrais aider les personnes âgées à rester chez elles."
    found = lexicon.find(text)
    assert [(name, text[a:b]) for name, a, b in found] == [
        ("maintien à domicile", "personnes âgées")
    ]
    # One-word wordings match the word itself, not a longer one.
    assert lexicon.find("Nos associés") != lexicon.find("Notre association")
    assert lexicon.find(None) == [] and lexicon.find("") == []


def test_user_lexicon_adds_and_extends(tmp_path):
    path = tmp_path / "mon_lexique.yaml"
    path.write_text(
        "notions:\n"
        "  financement de la création:\n"
        "    expressions: [cassette]\n"
        "  bois énergie:\n"
        "    domaine: agriculture\n"
        "    themes: [terroir]\n"
        "    termes: [plaquettes forestières]\n"
        "    sigles: {CUMA: coopérative d'utilisation de matériel agricole}\n",
        encoding="utf-8",
    )
    lex = load_lexicon(path)
    assert lex.domains("Ma cassette ne suffit pas") == ["financement"]
    assert lex.domains("La CUMA du canton") == ["agriculture/alimentation"]
    assert lex.notions["bois énergie"].themes == ["résilience alimentaire"]
    assert load_lexicon().domains("Ma cassette") == []  # shipped one unchanged
    projects = pd.DataFrame(
        {
            "id": ["P1"],
            "description": ["Chaufferie aux plaquettes forestières"],
            "besoins": [""],
            "domaines": [[]],
            "theme": [""],
        }
    )
    coaches = pd.DataFrame(
        {
            "id": ["C1"],
            "expertise": ["Animatrice de la CUMA"],
            "domaines": [[]],
            "themes": [[]],
        }
    )
    model = AffinityModel(lexicon=str(path)).fit(projects, coaches)
    assert model.explain("P1", "C1").startswith(
        "domaine déduit du texte : agriculture/alimentation ; notions rapprochées : "
        "bois énergie (« plaquettes forestières » ≈ « CUMA »)"
    )
    assert AffinityModel(lexicon=False).fit(projects, coaches).explain("P1", "C1") == (
        "aucun point commun repéré"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("notions:\n  a: [b\n", r"mien\.yaml, ligne \d : YAML invalide"),
        ("- a\n", r"mien\.yaml, ligne 1 : le fichier doit contenir une clé"),
        ("autre: 1\n", r"mien\.yaml, ligne 1 : « notions » doit associer"),
        (
            "notions:\n  x:\n    domaine: droit\n  voirie:\n    domaine: routes\n",
            r"mien\.yaml, ligne 4 \(notion « voirie »\) : domaine inconnu « routes »",
        ),
        (
            "notions:\n  voirie:\n    termes: [chaussée]\n",
            r"ligne 2 \(notion « voirie »\) : nouvelle notion sans « domaine »",
        ),
        (
            "notions:\n  voirie:\n    domaine: mobilité\n    mots: [route]\n",
            r"ligne 2 .* clé inconnue « mots »",
        ),
        (
            "notions:\n  voirie:\n    domaine: mobilité\n    themes: [sport]\n",
            r"thème inconnu « sport »",
        ),
        (
            "notions:\n  voirie:\n    domaine: mobilité\n    sigles: {VL: véhicule}\n",
            r"sigle « VL » trop court",
        ),
        (
            "notions:\n  voirie:\n    domaine: mobilité\n    termes: [de la]\n",
            r"« de la » ne contient que des mots vides",
        ),
        (
            "notions:\n  tenue des comptes:\n    domaine: mobilité\n",
            r"existe déjà avec le domaine « comptabilité/gestion »",
        ),
        (
            "notions:\n  v:\n    domaine: mobilité\n  V:\n    domaine: mobilité\n",
            r"ligne 4 \(notion « V »\) : notion déjà définie dans ce fichier",
        ),
    ],
)
def test_bad_user_lexicon_named_in_french(tmp_path, content, message):
    path = tmp_path / "mien.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_lexicon(path)


def test_unreadable_user_lexicon(tmp_path):
    with pytest.raises(InputError, match="Lexique .*absent.yaml illisible"):
        load_lexicon(tmp_path / "absent.yaml")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("notions:\n  é:\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        load_lexicon(path)
    with pytest.raises(InputError, match="absent.yaml illisible"):
        AffinityModel(lexicon=tmp_path / "absent.yaml").fit(
            pd.DataFrame(columns=["id", "description", "besoins", "domaines", "theme"]),
            pd.DataFrame(columns=["id", "expertise", "domaines", "themes"]),
        )


def test_evaluation_set_covers_themes_and_domains(evaluation):
    _, groups = evaluation
    assert set(groups) == set(THEMES)
    n_cases = sum(len(p) for p, _ in groups.values())
    assert n_cases >= 60
    domains = {d for _, c in groups.values() for d in c["domaine"]}
    assert domains == set(DOMAINS)
    for projects, coaches in groups.values():
        expected = {c for cases in projects["attendus"] for c in cases}
        assert expected <= set(coaches["id"])
        assert set(projects["registre"]) == {"courant", "professionnel"}


def test_lexicon_reaches_targets_without_loss_on_shared_words(evaluation):
    bench, groups = evaluation
    plain = bench.ranks(groups, lexicon=False)
    lexical = bench.ranks(groups, lexicon=True)
    scores = bench.scores(lexical)
    assert scores["top1"] >= 0.80
    assert scores["top3"] >= 0.95
    assert scores["mrr"] > bench.scores(plain)["mrr"]
    shared = lexical["registre"] == "professionnel"
    assert (lexical.loc[shared, "rang"] <= plain.loc[shared, "rang"]).all()
    assert (lexical.loc[shared, "rang"] == 1).all()


def test_expected_coach_domain_is_deduced_from_project_text(evaluation, lexicon):
    _, groups = evaluation
    hits = []
    for projects, coaches in groups.values():
        domain = coaches.set_index("id")["domaine"]
        for case in projects.itertuples():
            found = lexicon.domains(f"{case.description}\n{case.besoins}")
            hits.append(domain[case.attendus[0]] in found)
        for coach in coaches.itertuples():  # coaches' own wording
            assert coach.domaine in lexicon.domains(coach.expertise), coach.id
    assert sum(hits) / len(hits) >= 0.95


def test_mit_binomes_takes_the_users_lexicon_and_traces_it(tmp_path, capsys):
    from mitlib.cli.main import main
    from mitlib.core.provenance import file_sha256

    extra = tmp_path / "mon_lexique.yaml"
    extra.write_text(
        "version: 1\nnotions:\n  vente à la ferme:\n"
        "    domaine: agriculture/alimentation\n"
        "    expressions: [vendre mes légumes au bord de la route]\n"
        "    termes: [vente directe à la ferme]\n",
        encoding="utf-8",
    )
    out = tmp_path / "sortie"
    args = [
        "binomes",
        "--marathon",
        "M3",
        "--lexique",
        str(extra),
        "--sortie",
        str(out),
    ]
    assert main(args) == 0
    provenance = (out / "provenance.csv").read_text("utf-8-sig")
    assert f"lexique (mon_lexique.yaml) : sha256;{file_sha256(extra)}" in provenance
    bad = tmp_path / "faux.yaml"
    bad.write_text("version: 1\nnotions:\n  x:\n    domaine: astrologie\n", "utf-8")
    args[4] = str(bad)
    args[-1] = str(tmp_path / "autre")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Lexique faux.yaml, ligne 3 (notion « x ») : domaine inconnu" in err
    assert not (tmp_path / "autre" / "binomes.csv").exists()
