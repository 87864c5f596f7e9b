"""A user's file as text: reading its bytes and decoding them.

:func:`read_bytes` reads a file (a folder, a missing or unreadable file are
refused in French); :func:`decode` turns its bytes into text without
mangling a character: UTF-16 with or without byte-order mark, UTF-8 with or
without BOM, Windows-1252 (French Excel), and files mixing UTF-8 and
Windows-1252 line by line, each oddity reported with the editor's line
numbers. :class:`TableError`, the refusal of a file that cannot be read as a
table at all, is defined here, the first stage of reading, and raised by
every later one (:mod:`mitlib.data.csv_reader`, :mod:`mitlib.data.formats`,
:mod:`mitlib.data.io`).
"""

from __future__ import annotations

import re
from pathlib import Path

from mitlib.core.errors import InputError

__all__ = [
    "LINE_BREAK",
    "SAVE_AS",
    "TableError",
    "decode",
    "looks_like_text",
    "read_bytes",
    "split_lines",
]


class TableError(InputError):
    """A file that cannot be read as a table at all (no row can be saved).

    An :class:`~mitlib.core.errors.InputError` (``mit`` exits with code 2), hence
    also a ``ValueError``; the French message names the file and says what to
    do.
    """


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
#: A line end in decoded text (Windows, old Mac or Unix).
LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: Control bytes that text files do not hold (tab, line ends, form feed aside).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
#: The French advice that ends a refusal: save the file again from a spreadsheet.
SAVE_AS = "ouvrez-le dans votre tableur et enregistrez-le à nouveau (CSV UTF-8 ou XLSX)"


def split_lines(data, pattern):
    """Physical lines, each with its own line end (``\\r\\n``, ``\\r``, ``\\n``)."""
    out, start = [], 0
    for m in pattern.finditer(data):
        out.append(data[start : m.end()])
        start = m.end()
    if start < len(data):
        out.append(data[start:])
    return out


def _line_list(numbers: list[int], limit: int = 10) -> str:
    """French enumeration of line numbers.

    Examples
    --------
    >>> _line_list([5]), _line_list([5, 9]), _line_list([2, 3, 4])
    ('ligne 5', 'lignes 5 et 9', 'lignes 2, 3 et 4')
    >>> _line_list(list(range(1, 15)), limit=3)
    'lignes 1, 2, 3… (14 lignes en tout)'
    """
    if len(numbers) == 1:
        return f"ligne {numbers[0]}"
    if len(numbers) > limit:
        shown = ", ".join(map(str, numbers[:limit]))
        return f"lignes {shown}… ({len(numbers)} lignes en tout)"
    return f"lignes {', '.join(map(str, numbers[:-1]))} et {numbers[-1]}"


def _utf16_codec(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes sit on one parity only (no BOM)."""
    sample = raw[:4096]
    even, odd = sample[0::2], sample[1::2]
    if not even or not odd:
        return None
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.3 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.3 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    """Decode a text file; return the text and the file warnings.

    Strategy, so that no character is silently mangled:

    1. a UTF-16 byte-order mark (LE or BE), or NUL bytes on every other byte
       (UTF-16 without mark): the whole file is UTF-16;
    2. otherwise (UTF-8 mark removed) the whole file is tried as UTF-8;
    3. failing that, each physical line is decoded on its own: UTF-8 first,
       Windows-1252 for the lines that are not UTF-8. A file whose other lines
       hold UTF-8 accents (or that starts with the UTF-8 mark) is then *mixed*:
       a warning names the lines read as Windows-1252. A file with no UTF-8
       accent at all is simply a Windows-1252 file (French Excel): no warning.

    Bytes Windows-1252 does not define are replaced by « � » and stray NUL
    bytes are dropped, each with a warning naming the lines; a file made of
    NUL bytes is not text and is refused.
    """
    for bom, codec in _UTF16_BOMS:
        if raw.startswith(bom):
            return _decode_utf16(raw[len(bom) :], codec, name), []
    if b"\x00" in raw and (codec := _utf16_codec(raw)):
        return _decode_utf16(raw, codec, name), []
    had_bom = raw.startswith(_UTF8_BOM)
    if had_bom:
        raw = raw[len(_UTF8_BOM) :]
    if len(_BINARY_BYTES.findall(raw)) > max(8, len(raw) // 100):
        raise TableError(
            f"{name} : ce n'est pas un fichier texte (octets binaires) : c'est "
            f"peut-être un classeur ou un fichier endommagé ; {SAVE_AS}."
        )
    if b"\x00" not in raw:
        try:
            return raw.decode("utf-8"), []
        except UnicodeDecodeError:
            pass
    parts: list[str] = []
    cp1252_lines, unreadable_lines, nul_lines = [], [], []
    utf8_accents = had_bom
    for number, chunk in enumerate(split_lines(raw, _LINE_BREAK_BYTES), start=1):
        if b"\x00" in chunk:
            chunk = chunk.replace(b"\x00", b"")
            nul_lines.append(number)
        try:
            parts.append(chunk.decode("utf-8"))
            utf8_accents = utf8_accents or not chunk.isascii()
        except UnicodeDecodeError:
            try:
                parts.append(chunk.decode("cp1252"))
            except UnicodeDecodeError:
                parts.append(chunk.decode("cp1252", errors="replace"))
                unreadable_lines.append(number)
            cp1252_lines.append(number)
    messages = []
    if cp1252_lines and utf8_accents:
        one = len(cp1252_lines) == 1
        messages.append(
            f"encodage mixte : {'la' if one else 'les'} {_line_list(cp1252_lines)} "
            + (
                "n'est pas en UTF-8 comme le reste du fichier : elle a été lue "
                "en Windows-1252 ; vérifiez ses accents"
                if one
                else "ne sont pas en UTF-8 comme le reste du fichier : elles ont "
                "été lues en Windows-1252 ; vérifiez leurs accents"
            )
            + ", puis enregistrez le fichier en CSV UTF-8."
        )
    if unreadable_lines:
        messages.append(
            "caractères illisibles remplacés par « \ufffd » "
            f"({_line_list(unreadable_lines)})."
        )
    if nul_lines:
        messages.append(f"octets nuls ignorés ({_line_list(nul_lines)}).")
    return "".join(parts), messages


def _decode_utf16(raw: bytes, codec: str, name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise TableError(
            f"{name} : fichier UTF-16 illisible (octet {exc.start}) ; {SAVE_AS}."
        ) from exc


def looks_like_text(raw: bytes) -> bool:
    """True when the start of ``raw`` has no NUL byte, or is UTF-16 text."""
    head = raw[:4096]
    return b"\x00" not in head or _utf16_codec(head) is not None


def read_bytes(path: Path) -> bytes:
    """The bytes of a file; a folder, a missing or unreadable file raise
    :class:`TableError` with a French message."""
    if path.is_dir():
        inside = sorted(
            p.name
            for p in path.iterdir()
            if p.suffix.lower() in {".csv", ".xlsx", ".geojson", ".gpkg"}
        )
        hint = f" (il contient : {', '.join(inside[:6])})" if inside else ""
        raise TableError(
            f"{path} est un dossier, pas un fichier{hint} : indiquez le fichier du "
            "tableau lui-même (par exemple …/locaux.csv)."
        )
    if not path.exists():
        raise TableError(f"Fichier introuvable : {path}")
    try:
        return path.read_bytes()
    except PermissionError as exc:
        raise TableError(
            f"{path.name} : lecture refusée (droits d'accès) : vérifiez les "
            "permissions du fichier, ou copiez-le dans un dossier à vous."
        ) from exc
    except OSError as exc:
        raise TableError(
            f"{path.name} : lecture impossible ({exc.strerror or exc}) : vérifiez "
            "que le fichier est accessible (disque, réseau) et réessayez."
        ) from exc
