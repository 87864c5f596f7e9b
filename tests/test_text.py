"""Tests for mitlib.core.text: folding, stop words, light stemming, French numbers."""

import math

import numpy as np
import pandas as pd
import pytest

from mitlib.core.text import (
    MIN_TOKEN_LENGTH,
    NO_DATA_LABEL,
    NO_VALUE,
    NO_VALUE_NOTE,
    STOP_WORDS,
    fold,
    format_fr,
    format_percent,
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


# ---------------------------------------------------------------------------
# The one French number format
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (47784, 0, "47\u202f784"),
        (47784.0, 0, "47\u202f784"),
        (28.292369, 1, "28,3"),
        (0.217101, 1, "0,2"),
        (155.059478, 1, "155,1"),
        (1234567.891, 2, "1\u202f234\u202f567,89"),
        (-1234.5, 1, "-1\u202f234,5"),
        (-0.04, 1, "0,0"),
        (np.int64(332842), 0, "332\u202f842"),
        (np.float32(2.5), 1, "2,5"),
        ("12.5", 1, "12,5"),
    ],
)
def test_format_fr_writes_french_numbers(x, decimals, expected):
    assert format_fr(x, decimals) == expected


@pytest.mark.parametrize(
    "missing", [None, math.nan, np.nan, pd.NA, pd.NaT, math.inf, -math.inf]
)
def test_missing_and_infinite_values_give_the_dash(missing):
    assert format_fr(missing) == NO_VALUE == "\u2014"
    assert format_percent(missing) == "\u2014"
    assert format_fr(missing, 0, missing=NO_DATA_LABEL) == "donnée absente"
    assert NO_VALUE_NOTE.startswith(NO_VALUE + " : ")


def test_no_english_or_developer_text_in_any_format():
    for x in (0.1, 1e6, 12345.678, -3.0, 1e-9, 2.5e12):
        for decimals in (0, 1, 2, 3):
            text = format_fr(x, decimals)
            assert "." not in text and "e" not in text.lower() and "," not in text[:1]
            assert not any(w in text.lower() for w in ("nan", "inf", "none"))


@pytest.mark.parametrize(
    ("share", "decimals", "expected"),
    [
        (0.12, 0, "12\u202f%"),
        (0.0456, 1, "4,6\u202f%"),
        (0.02, 0, "2\u202f%"),
        (1.0, 0, "100\u202f%"),
        (0.0, 1, "0,0\u202f%"),
        (12.5, 0, "1\u202f250\u202f%"),
    ],
)
def test_format_percent(share, decimals, expected):
    assert format_percent(share, decimals) == expected
