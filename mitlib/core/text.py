"""French text normalisation shared by the library.

Three layers, each built on the previous one:

* :func:`fold` makes two spellings of the same French words compare equal:
  lowercase, no accents, ligatures spelt out (``œ`` → ``oe``), apostrophes,
  hyphens and underscores turned into spaces, whitespace collapsed.
* :data:`STOP_WORDS` lists (folded) French grammatical words that carry no
  topic: articles, prepositions, pronouns, conjunctions, forms of *être*,
  *avoir* and *faire*, common adverbs.
* :func:`tokens` folds a text, drops stop words and very short tokens, and
  removes common inflection endings with :func:`stem`, so that
  « Financements » and « financement », or « commerçante » and « Commercant »,
  give the same token.

The stemmer is deliberately light (a handful of suffix rules, no dictionary):
it conflates plural and feminine forms, which is what matters when comparing
short descriptions of projects and coaches; it does not try to relate verbs
to nouns (« financer » and « financement » stay distinct).

Numbers shown to people are written by :func:`format_fr` (and
:func:`format_percent` for shares): the one French number format of mitlib,
with :data:`NO_VALUE` (« — ») where a value does not exist.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from datetime import date

import pandas as pd

__all__ = [
    "MIN_TOKEN_LENGTH",
    "NO_DATA_LABEL",
    "NO_VALUE",
    "NO_VALUE_NOTE",
    "STOP_WORDS",
    "MONTHS_FR",
    "WEEKDAYS_FR",
    "fold",
    "format_fr",
    "french_date",
    "count_fr",
    "format_percent",
    "slug",
    "stem",
    "token_spans",
    "tokens",
]

#: The mark of a value that does not exist or is not known (tables, sheets,
#: fiches): an em dash, the way INSEE tables write it. A page that shows it
#: says what it means in a footnote (:data:`NO_VALUE_NOTE`).
NO_VALUE = "\u2014"
#: The footnote that goes with :data:`NO_VALUE`.
NO_VALUE_NOTE = "\u2014 : valeur sans objet ou non disponible."
#: Words for a missing value where a lone dash would say nothing and no
#: footnote fits: a map legend line (« donnée absente (3) ») and the popup of a
#: commune without a value.
NO_DATA_LABEL = "donnée absente"

#: Tokens shorter than this (after folding) are dropped by :func:`tokens`.
#: Three keeps the acronyms of the field (CCI, CMA, BPI, ESS).
MIN_TOKEN_LENGTH = 3

#: Stems never get shorter than this many characters.
_MIN_STEM_LENGTH = 4

# Characters turned into a space by fold(): whitespace, hyphens and dashes,
# apostrophes (straight, typographic, modifier letter, grave accent), underscore.
_SEPARATORS = frozenset(
    " \t\n\r\f\v\u00a0\u202f-\u2010\u2011\u2012\u2013\u2014_'\u2019\u02bc`"
)
# Letters that NFKD does not decompose but French writes as two letters.
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss"}
_WORD = re.compile(r"[a-z0-9]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r" +")

# Folded forms only (no accents): the list is compared with folded tokens.
# "bien" is left out on purpose: "bien-vivre et bien-vieillir" is a marathon theme.
_STOP_WORDS_TEXT = """
    a au aux d de des du l la le les un une
    ce ceci cela ca cet cette ces celui celle ceux celles
    mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs
    je j tu il elle on nous vous ils elles me m te t se s moi toi lui eux y en
    qui que qu quoi dont ou lequel laquelle lesquels lesquelles
    et mais donc or ni car si comme quand lorsque puisque afin ainsi
    dans par pour vers avec sans sous sur entre chez contre depuis pendant
    selon apres avant devant derriere pres jusqu jusque parmi via
    ne n pas plus moins tres trop peu beaucoup aussi encore deja toujours
    jamais rien tout tous toute toutes autre autres meme memes tel telle tels
    telles chaque quelque quelques plusieurs certains certaines aucun aucune
    ici la voici voila alors puis ensuite enfin non oui c etc
    etre est sont suis es sommes etes etait etaient ete etant sera seront
    serait seraient soit soient fut
    avoir ai as avons avez ont avait avaient aura auront aurait auraient eu
    ayant ait aient
    faire fait font faisait
    peut peuvent pourra pourrait doit doivent
    cas fois lors
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """Fold one character; may return zero, one or several characters."""
    if char in _SEPARATORS:
        return " "
    out = []
    for c in unicodedata.normalize("NFKD", char.lower()):
        if unicodedata.combining(c):
            continue
        if c in _SEPARATORS or c.isspace():
            out.append(" ")
        else:
            out.append(_LIGATURES.get(c, c))
    return "".join(out)


def _is_missing(text: object) -> bool:
    return text is None or (isinstance(text, float) and math.isnan(text))


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` without collapsing spaces, keeping each output char's origin."""
    pieces: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        origin.extend([i] * len(folded))
    return "".join(pieces), origin


def fold(text: object) -> str:
    """Lowercase, strip accents, turn hyphens and apostrophes into spaces.

    Ligatures are spelt out (``œ`` → ``oe``) and runs of whitespace collapse
    to one space. ``None`` and NaN give an empty string; other non-strings are
    converted with :class:`str` first.

    Parameters
    ----------
    text : object
        The text to fold.

    Returns
    -------
    str
        The folded text.

    Examples
    --------
    >>> fold("Sainte-Livrade-sur-Lot  L’Été")
    'sainte livrade sur lot l ete'
    >>> fold("Prêt d'honneur — CŒUR de bourg")
    'pret d honneur coeur de bourg'
    """
    if _is_missing(text):
        return ""
    return _fold_text(str(text))


@functools.lru_cache(maxsize=65536)
def _fold_text(text: str) -> str:
    folded, _ = _fold_with_offsets(text)
    return _SPACES.sub(" ", folded).strip()


def slug(text: object, sep: str = "_") -> str:
    """Identifier form of a text: :func:`fold`, then every run of characters
    other than ``a-z`` and ``0-9`` becomes ``sep`` (none at either end).

    The one text → identifier rule: indicator columns (``_``), territory
    folders (``-``), header matching. File names made from data values go
    through :func:`mitlib.data.outputs.safe_name` instead.

    Examples
    --------
    >>> slug("structure d'accompagnement"), slug("Vallée du Lot & Garonne", "-")
    ('structure_d_accompagnement', 'vallee-du-lot-garonne')
    """
    return _NOT_ALNUM.sub(sep, fold(text)).strip(sep)


def stem(word: str) -> str:
    """Strip common French plural and feminine endings from a folded word.

    Rules, applied in order, each only when the result keeps at least four
    characters:

    1. ``-aux`` → ``-al`` (« locaux » → « local »), but not ``-eaux``;
    2. final ``-s`` (not ``-ss``) or ``-x`` is dropped (plural: « bureaux »
       → « bureau »);
    3. final ``-e`` is dropped, twice at most (feminine, past participles:
       « accompagnées » → « accompagne » → « accompagn »).

    The result is a matching key, not always a French word.

    Parameters
    ----------
    word : str
        One folded token (lowercase, no accents).

    Returns
    -------
    str
        The stem.

    Examples
    --------
    >>> stem("financements"), stem("commercante"), stem("locaux")
    ('financement', 'commercant', 'local')
    >>> stem("idees"), stem("prix")
    ('idee', 'prix')
    """
    if word.endswith("aux") and not word.endswith("eaux") and len(word) > 4:
        word = word[:-3] + "al"
    elif (
        word.endswith("x") or (word.endswith("s") and not word.endswith("ss"))
    ) and len(word) - 1 >= _MIN_STEM_LENGTH:
        word = word[:-1]
    for _ in range(2):
        if word.endswith("e") and len(word) - 1 >= _MIN_STEM_LENGTH:
            word = word[:-1]
    return word


def token_spans(text: object, *, stemmed: bool = True) -> list[tuple[str, int, int]]:
    """Tokens of ``text`` with the position of each in the original string.

    Same tokens as :func:`tokens`, each given as ``(token, start, end)`` such
    that ``text[start:end]`` is the original spelling (accents, case). This
    lets a caller show « prêt d'honneur » rather than the key ``pret honneur``.

    Parameters
    ----------
    text : object
        The text to analyse (``None`` and NaN give no token).
    stemmed : bool, default True
        Whether to apply :func:`stem` to each token.

    Returns
    -------
    list of tuple (str, int, int)
        Token, start and end offsets in ``str(text)``.

    Examples
    --------
    >>> text = "Prêts d'honneur"
    >>> [(tok, text[a:b]) for tok, a, b in token_spans(text)]
    [('pret', 'Prêts'), ('honneur', 'honneur')]
    """
    if _is_missing(text):
        return []
    text = str(text)
    folded, origin = _fold_with_offsets(text)
    spans = []
    for match in _WORD.finditer(folded):
        word = match.group()
        if len(word) < MIN_TOKEN_LENGTH or word in STOP_WORDS:
            continue
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        spans.append((stem(word) if stemmed else word, start, end))
    return spans


def tokens(text: object, *, stemmed: bool = True) -> list[str]:
    """Fold ``text``, drop stop words and short tokens, stem what remains.

    Tokens are runs of letters and digits of the folded text; those shorter
    than :data:`MIN_TOKEN_LENGTH` or in :data:`STOP_WORDS` are dropped. The
    arguments are those of :func:`token_spans`; the tokens come in text order.

    Examples
    --------
    >>> tokens("Les financements d'une commerçante")
    ['financement', 'commercant']
    >>> tokens("Prêt d'honneur pour les locaux commerciaux")
    ['pret', 'honneur', 'local', 'commercial']
    >>> tokens("Prêt d'honneur", stemmed=False)
    ['pret', 'honneur']
    """
    return [tok for tok, _, _ in token_spans(text, stemmed=stemmed)]


def format_fr(x: float | None, decimals: int = 1, *, missing: str = NO_VALUE) -> str:
    r"""Write a number the French way: decimal comma, narrow-space thousands.

    The one number formatter of mitlib: tables, sheets, fiches, map legends and
    popups, messages. Thousands are separated by a narrow no-break space
    (U+202F), decimals by a comma; ``-0`` is never written.

    Parameters
    ----------
    x : float or None
        The number (int, float, numpy scalar or a numeric string).
    decimals : int
        Digits after the comma (rounded half to even, as Python does).
    missing : str
        Text for a value that does not exist: ``None``, NaN, ``pd.NA`` and
        infinities (a ratio over zero) give :data:`NO_VALUE` (« — ») unless
        told otherwise (map popups pass :data:`NO_DATA_LABEL`).

    Examples
    --------
    >>> format_fr(1234.5)
    '1\u202f234,5'
    >>> format_fr(115014, decimals=0), format_fr(-0.04), format_fr(None)
    ('115\u202f014', '0,0', '\u2014')
    >>> format_fr(float("inf")), format_fr(None, missing=NO_DATA_LABEL)
    ('\u2014', 'donnée absente')
    """
    if x is None or pd.isna(x):
        return missing
    x = float(x)
    if math.isinf(x):
        return missing
    text = f"{x:,.{decimals}f}"
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]  # no "-0,0"
    return text.replace(",", "\u202f").replace(".", ",")


def format_percent(
    share: float | None, decimals: int = 0, *, missing: str = NO_VALUE
) -> str:
    r"""A share (0.123 for 12.3 %) written as a French percentage.

    The number goes through :func:`format_fr`; a narrow no-break space
    (U+202F) separates it from ``%``, as French typography wants. Missing
    values give ``missing`` (:data:`NO_VALUE` by default).

    Examples
    --------
    >>> format_percent(0.123), format_percent(0.0456, 1), format_percent(None)
    ('12\u202f%', '4,6\u202f%', '\u2014')
    >>> format_percent(12.5, 0)  # 1 250 %: a share, not a percentage, is expected
    '1\u202f250\u202f%'
    """
    if share is None or pd.isna(share) or math.isinf(float(share)):
        return missing
    return format_fr(100.0 * float(share), decimals) + "\u202f%"


def count_fr(n: int, singular: str, plural: str | None = None) -> str:
    r"""A count with its noun, French rules: 0 and 1 take the singular.

    Examples
    --------
    >>> count_fr(0, "ligne rejetée"), count_fr(1, "valide", "valides")
    ('0 ligne rejetée', '1 valide')
    >>> count_fr(1234, "ligne lue", "lignes lues")
    '1\u202f234 lignes lues'
    """
    noun = singular if abs(n) < 2 else (plural or singular + "s")
    return f"{format_fr(n, 0)} {noun}"


# -- dates --------------------------------------------------------------------

#: French names of the days (Monday first) and of the months (January first).
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = (
    *("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"),
    *("septembre", "octobre", "novembre", "décembre"),
)


def french_date(day: date, *, weekday: bool = False, year: bool = True) -> str:
    """A date the French way, without locale: « 15 septembre 2026 », « 1er »
    for the first of the month; *weekday*: « vendredi 12 mars 2027 »; *year*
    False: « vendredi 12 mars ».

    Examples
    --------
    >>> french_date(date(2026, 9, 15)), french_date(date(2027, 3, 1))
    ('15 septembre 2026', '1er mars 2027')
    >>> french_date(date(2027, 4, 1), weekday=True, year=False)
    'jeudi 1er avril'
    """
    parts = [WEEKDAYS_FR[day.weekday()]] if weekday else []
    parts += ["1er" if day.day == 1 else str(day.day), MONTHS_FR[day.month - 1]]
    if year:
        parts.append(str(day.year))
    return " ".join(parts)
