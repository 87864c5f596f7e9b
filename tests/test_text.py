"""Tests for mitlib.core.text: folding, stop words, light stemming."""

import math

import pytest

from mitlib.core.text import (
    MIN_TOKEN_LENGTH,
    STOP_WORDS,
    fold,
    stem,
    token_spans,
    tokens,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Prêt d'honneur", "pret d honneur"),
        ("Prêt d’honneur", "pret d honneur"),  # typographic apostrophe
        ("Commerçante", "commercante"),
        ("Sainte-Livrade–sur—Lot", "sainte livrade sur lot"),  # hyphen, en/em dash
        ("  CŒUR   de\tbourg\n", "coeur de bourg"),
        ("Ex æquo", "ex aequo"),
        ("id_projet", "id projet"),
        ("ÉLUS", "elus"),
        ("Bien-Vieillir", "bien vieillir"),
    ],
)
def test_fold_known_answers(raw, expected):
    assert fold(raw) == expected


def test_fold_missing_and_non_strings():
    assert fold(None) == ""
    assert fold(math.nan) == ""
    assert fold(47) == "47"


def test_fold_is_idempotent():
    text = "L’Œuvre d'Aiguillon — Mon Incroyable Tourisme"
    assert fold(fold(text)) == fold(text)


def test_stop_words_are_folded_and_grammatical():
    assert isinstance(STOP_WORDS, frozenset)
    assert len(STOP_WORDS) >= 150
    assert all(fold(w) == w for w in STOP_WORDS)
    for word in ("le", "des", "pour", "avec", "nous", "est", "ont", "etre", "avoir"):
        assert word in STOP_WORDS
    for word in ("commerce", "financement", "local", "tourisme", "bien", "pret"):
        assert word not in STOP_WORDS


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Financements", "financement"),
        ("commerçante", "Commercante"),
        ("commerçante", "commerçant"),
        ("Commerçants", "commerçant"),
        ("locaux commerciaux", "local commercial"),
        ("idées", "idée"),
        ("accompagnées", "accompagné"),
        ("Bureaux", "bureau"),
        ("commerciales", "commercial"),
    ],
)
def test_tokens_conflate_inflections(left, right):
    assert tokens(left) == tokens(right)


def test_tokens_drop_stop_words_and_short_tokens():
    assert tokens("Prêt d'honneur") == ["pret", "honneur"]
    assert tokens("Le projet de la CCI et de la BPI") == ["projet", "cci", "bpi"]
    assert tokens("à 2 km du bourg") == ["bourg"]
    assert all(len(t) >= MIN_TOKEN_LENGTH for t in tokens("un ab cd efg hijk"))
    assert tokens(None) == []
    assert tokens("") == []


def test_stem_keeps_four_characters():
    assert stem("prix") == "prix"  # would fall to 3 characters
    assert stem("idee") == "idee"
    assert stem("process") == "process"  # double s is not a plural
    assert stem("gites") == "gite"
    assert stem("financements") == "financement"


def test_tokens_unstemmed():
    assert tokens("Financements solidaires", stemmed=False) == [
        "financements",
        "solidaires",
    ]


def test_token_spans_point_to_original_spelling():
    text = "Deux Prêts d'honneur pour une Commerçante"
    spans = token_spans(text)
    assert [(tok, text[a:b]) for tok, a, b in spans] == [
        ("deux", "Deux"),
        ("pret", "Prêts"),
        ("honneur", "honneur"),
        ("commercant", "Commerçante"),
    ]


def test_token_spans_with_ligature_expansion():
    text = "Cœurs de ville"
    assert [(tok, text[a:b]) for tok, a, b in token_spans(text)] == [
        ("coeur", "Cœurs"),
        ("vill", "ville"),
    ]
