"""Personal data: recognising it, withholding it, proving a public output
holds none.

Three rules, applied everywhere:

1. A public output is built from the table's explicit list of public columns
   (:meth:`mitlib.data.table_schema.TableSchema.public_frame`), never by dropping
   known private ones.
2. In a public column, a value that looks like an e-mail address or a phone
   number is withheld (:func:`withhold_personal`): a stray quote may have
   shifted a contact into ``adresse``.
3. A public export ends by searching every file it wrote for every personal
   value of its inputs (:func:`personal_values`, :func:`find_personal_values`)
   and publishes nothing if one is found.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

__all__ = [
    "WITHHELD",
    "find_personal_values",
    "looks_personal",
    "personal_values",
    "withhold_personal",
]

#: What replaces a withheld value in a public output.
WITHHELD = "(retiré : donnée personnelle probable)"

# Bounded parts and a start only where a run begins: linear on any input
# (an unbounded ``[\w.+-]+@`` is quadratic on a long cell without « @ »).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
# French numbers (06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78,
# 0033 (0)6…) and other international ones (+44 20 7946 0958).
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d\d){4}(?!\d)"
    r"|(?<![\w+])\+\d{1,3}(?:[\s.-]?\d){7,12}(?!\d)"
)
# Undeclared columns whose name says they hold a person's details.
_PERSONAL_HEADER = re.compile(
    r"mail|courriel|t[eé]l|phone|portable|mobile|contact|pr[eé]nom|^nom|porteur|"
    r"proprio|adresse_perso|naissance",
    re.IGNORECASE,
)
_PARTS = re.compile(r"\s*(?:[;,|/\n—–]|\s-\s)\s*")
#: Shorter values are not searched for (too many false alarms).
_MIN_LENGTH = 5


def looks_personal(text: object) -> str | None:
    """What personal data ``text`` seems to hold, in French, or None.

    Examples
    --------
    >>> looks_personal("écrire à jo.durand@exemple.fr")
    'un courriel'
    >>> looks_personal("06 12 34 56 78"), looks_personal("+33 6 12 34 56 78")
    ('un numéro de téléphone', 'un numéro de téléphone')
    >>> looks_personal("12 rue de Paris, 47300 Villeneuve"), looks_personal(None)
    (None, None)
    >>> looks_personal("SIRET 12345678901234") is None
    True
    """
    if not isinstance(text, str) or not text:
        return None
    if _EMAIL.search(text):
        return "un courriel"
    if _PHONE.search(text):
        return "un numéro de téléphone"
    return None


def _withhold_value(value: object) -> object:
    if isinstance(value, list | tuple):
        return [_withhold_value(v) for v in value]
    return WITHHELD if looks_personal(value) else value


def withhold_personal(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``df`` where values of ``columns`` that look like an e-mail
    or a phone number are replaced by :data:`WITHHELD`.

    Examples
    --------
    >>> df = pd.DataFrame({"adresse": ["2 rue Neuve", "tel 0612345678"]})
    >>> withhold_personal(df, ["adresse"])["adresse"].tolist()
    ['2 rue Neuve', '(retiré : donnée personnelle probable)']
    """
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = out[col].map(_withhold_value)
    return out


def _parts(value: str) -> list[str]:
    """A contact cell and the pieces a page might show on their own."""
    value = value.strip()
    pieces = [value, *_PARTS.split(value)]
    pieces += _EMAIL.findall(value)
    pieces += [m.group(0) for m in _PHONE.finditer(value)]
    out = []
    for piece in pieces:
        piece = piece.strip(" .:()[]<>\"'")
        if len(piece) >= _MIN_LENGTH and piece not in out:
            out.append(piece)
    return out


def personal_values(inputs: Mapping[str, Path]) -> list[str]:
    """Every personal value found in the input files, to search outputs for.

    For each table file (see :data:`mitlib.data.schemas.TABLES`): the cells of its
    personal columns, of undeclared columns whose header names personal
    details (``email``, ``telephone``, ``prenom``…), and any e-mail address
    or phone number found in any cell; contact cells are also split into their
    parts (name, e-mail, phone). Files that cannot be read are skipped (their
    loading reports the problem). Returns sorted, distinct values.
    """
    from mitlib.data.formats import read_raw
    from mitlib.data.schemas import TABLES

    found: set[str] = set()
    for table, path in inputs.items():
        schema = TABLES.get(table)
        if schema is None:
            continue
        try:
            raw, _ = read_raw(path)
        except Exception:  # noqa: BLE001 - reported when the table is loaded
            continue
        declared = set(schema.columns)
        for col in raw.columns:
            personal = col in schema.private_columns or (
                col not in declared and _PERSONAL_HEADER.search(str(col))
            )
            for cell in raw[col]:
                if not cell:
                    continue
                if personal:
                    found.update(_parts(cell))
                else:
                    found.update(_EMAIL.findall(cell))
                    found.update(m.group(0) for m in _PHONE.finditer(cell))
    return sorted(v for v in found if len(v) >= _MIN_LENGTH)


_WORD = re.compile(r"\w+")
_JS_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _file_text(path: Path) -> str:
    """The text a reader could see in ``path`` (XLSX unzipped, HTML/XML
    entities and JavaScript ``\\u00e9`` escapes decoded), folded to lower
    case."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        with zipfile.ZipFile(path) as z:
            text = "\n".join(
                z.read(n).decode("utf-8", "replace")
                for n in z.namelist()
                if n.endswith(".xml")
            )
    else:
        text = path.read_bytes().decode("utf-8", "replace")
    if "&" in text:
        text = text + "\n" + html.unescape(html.unescape(text))
    if "\\u" in text:
        text = text + "\n" + _JS_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    return text.casefold()


def find_personal_values(
    files: Iterable[Path], values: Iterable[str]
) -> list[tuple[Path, str]]:
    """The (file, value) pairs where a personal value appears in a file.

    The search ignores case and decodes HTML/XML entities (``O&#x27;Brien``);
    phone numbers are also looked for without their spaces and dots.

    Examples
    --------
    >>> import tempfile
    >>> page = Path(tempfile.mkdtemp()) / "p.html"
    >>> _ = page.write_text("<p>Contact : Jo O&#x27;Brien</p>", encoding="utf-8")
    >>> find_personal_values([page], ["Jo O'Brien", "Léa Roux"]) == [
    ...     (page, "Jo O'Brien")]
    True
    """
    needles: dict[str, str] = {}
    for value in values:
        needles.setdefault(value.casefold(), value)
        digits = re.sub(r"[\s.-]", "", value)
        if _PHONE.fullmatch(value.strip()) and digits != value:
            needles.setdefault(digits.casefold(), value)
    if not needles:
        return []
    # A value can only be in a file whose words include all of its words: a
    # set test per value, then a substring search for the few candidates
    # (one regex alternation of thousands of values took a minute on an export).
    words_of = {n: frozenset(_WORD.findall(n)) for n in needles}
    hits = []
    for path in files:
        text = _file_text(path)
        words = set(_WORD.findall(text))
        seen = {
            needles[n]
            for n, needed in words_of.items()
            if needed <= words and n in text
        }
        hits += [(path, value) for value in sorted(seen)]
    return hits
