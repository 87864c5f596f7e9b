"""Cell values: the text of one cell → its typed value, or a French reason.

:func:`parse_column` reads a column according to its :class:`Field`: plain
decimal numbers (decimal comma or point, thousands separated by spaces or
dots, a unit such as ``€`` or ``m²`` tolerated; no exponent, ``inf`` or
``nan``), whole numbers, dates (``JJ/MM/AAAA`` and close forms), yes/no,
controlled vocabularies and lists (with their aliases, accents and case
ignored), SIRET. A cell that cannot be read gets a French reason saying
what was expected. Communes are resolved by the territory
(:meth:`mitlib.data.territory.Territory.resolve_communes`).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from mitlib.core.text import fold
from mitlib.data.table_schema import Field

__all__ = ["parse_column", "parse_number"]

_TRUE = {"oui", "o", "vrai", "true", "1", "x", "yes", "y"}
_FALSE = {"non", "n", "faux", "false", "0", "no"}
_LIST_SPLIT = re.compile(r"\s*[|;,]\s*")
_NUMBER_SUFFIX = re.compile(r"\s*(€|eur|euros|m2|m²|km)$", re.IGNORECASE)


#: Plain decimal numbers only (ASCII digits): sign, thousands separated by a
#: space (normal, no-break, narrow no-break) or by dots in the ``1.234,5``
#: form, decimal comma or point. No exponent, no ``inf``/``nan``, no ``_``.
_NUMBER = re.compile(
    r"""
    (?P<sign>[+\-\u2212]?)
    (?:
        (?P<spaced>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+)(?:[.,](?P<f1>[0-9]+))?
      | (?P<dotted>[0-9]{1,3}(?:\.[0-9]{3})+),(?P<f2>[0-9]+)
      | (?P<dotted2>[0-9]{1,3}(?:\.[0-9]{3}){2,})
      | (?P<plain>[0-9]*)[.,](?P<f3>[0-9]+)
      | (?P<int>[0-9]+)[.,]?
    )
    """,
    re.VERBOSE | re.ASCII,
)


def _number_text(text: str) -> str:
    """Canonical ``[-]digits[.digits]`` of a French number, or ValueError.

    Examples
    --------
    >>> [_number_text(t) for t in ("1 234,5", "1.234,5", "-0,5", "12 €", "1.5")]
    ['1234.5', '1234.5', '-0.5', '12', '1.5']
    >>> for t in ("inf", "NaN", "1e309", "1_000", "0x10", "١٢", "€", "1,234.5"):
    ...     try:
    ...         _number_text(t)
    ...     except ValueError:
    ...         pass
    ...     else:
    ...         print("accepté :", t)
    """
    t = _NUMBER_SUFFIX.sub("", text.strip()).strip()
    m = _NUMBER.fullmatch(t)
    if not m:
        raise ValueError(text)
    g = m.groupdict()
    sign = "-" if g["sign"] in {"-", "\u2212"} else ""
    if g["spaced"] is not None:
        whole, frac = re.sub(r"\D", "", g["spaced"]), g["f1"]
    elif g["dotted"] is not None:
        whole, frac = g["dotted"].replace(".", ""), g["f2"]
    elif g["dotted2"] is not None:
        whole, frac = g["dotted2"].replace(".", ""), None
    elif g["f3"] is not None:
        whole, frac = g["plain"] or "0", g["f3"]
    else:
        whole, frac = g["int"], None
    return sign + whole + (f".{frac}" if frac else "")


def parse_number(text: str) -> float:
    """A plain decimal number (French or English decimal mark), finite.

    Examples
    --------
    >>> parse_number("1 200,5 €"), parse_number("85,5 m²")
    (1200.5, 85.5)
    """
    x = float(_number_text(text))
    if not math.isfinite(x):
        raise ValueError(text)
    return x


def _parse_integer(text: str) -> int:
    """An integer written as a plain decimal number (``12``, ``1 000``, ``3,0``)."""
    value = Decimal(_number_text(text))
    if value != value.to_integral_value() or not math.isfinite(float(value)):
        raise ValueError(text)
    if abs(value) > _LARGEST_INTEGER:  # no count in these tables is that large
        raise ValueError(text)
    return int(value)


#: Largest whole number read in a table (beyond, it is a typing error).
_LARGEST_INTEGER = 10**12


def _number_hint(text: str) -> str:
    """Why an odd number form is refused, in French (or ``""``)."""
    t = text.strip().lower().lstrip("+-\u2212")
    if t in {"inf", "infinity", "infini", "nan"}:
        return " (valeur infinie ou indéfinie refusée)"
    if re.fullmatch(r"[0-9.,]+e[+-]?[0-9]+", t):
        return " (notation scientifique refusée : écrivez le nombre en entier)"
    if "_" in t:
        return " (« _ » n'est pas un séparateur de milliers : écrivez 1000 ou 1 000)"
    if re.match(r"0[xob]", t):
        return " (seule la notation décimale est acceptée)"
    if any(c.isdigit() and not c.isascii() for c in t):
        return " (chiffres non latins : utilisez 0 à 9)"
    return ""


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")


def _parse_date(text: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    m = re.fullmatch(r"(\d{1,2})[/-](\d{4})", text)  # 01/2024 → first of month
    if m:
        return date(int(m.group(2)), int(m.group(1)), 1)
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1)
    raise ValueError(text)


def _choice_index(f: Field) -> dict[str, str]:
    index = {}
    for canon, aliases in f.choices.items():
        for a in (canon, *aliases):
            index[fold(a)] = canon
    return index


def parse_column(values: pd.Series, f: Field) -> tuple[pd.Series, dict[int, str]]:
    """Parse one column; return typed values and {row: French reason}."""
    errors: dict[int, str] = {}
    out: list[object] = []
    choices = _choice_index(f) if f.choices else {}
    for i, raw in values.items():
        text = raw.strip()
        if not text:
            out.append([] if f.kind == "liste" else None)
            continue
        try:
            if f.kind in {"decimal", "latitude", "longitude"}:
                out.append(parse_number(text))
            elif f.kind == "entier":
                out.append(_parse_integer(text))
            elif f.kind == "date":
                out.append(_parse_date(text))
            elif f.kind == "booleen":
                key = fold(text)
                if key not in _TRUE | _FALSE:
                    raise ValueError
                out.append(key in _TRUE)
            elif f.kind == "choix":
                out.append(choices[fold(text)])
            elif f.kind == "liste":
                items = [s for s in _LIST_SPLIT.split(text) if s]
                out.append([choices[fold(s)] for s in items] if choices else items)
            elif f.kind == "siret":
                out.append(re.sub(r"\s", "", text))
            else:
                out.append(text)
        except (ValueError, KeyError):
            out.append(None)
            errors[i] = _reason(f, text)
    return pd.Series(out, index=values.index, dtype=object), errors


def _reason(f: Field, text: str) -> str:
    if f.kind in {"decimal", "entier", "latitude", "longitude"}:
        what = "un nombre entier" if f.kind == "entier" else "un nombre"
        return f"« {text} » n'est pas {what}{_number_hint(text)}"
    if f.kind == "date":
        return f"« {text} » n'est pas une date (JJ/MM/AAAA)"
    if f.kind == "booleen":
        return f"« {text} » : répondez oui ou non"
    values = " | ".join(f.choices)
    return f"« {text} » n'est pas une valeur reconnue (valeurs possibles : {values})"
