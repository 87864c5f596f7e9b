"""The strict CSV reader: text → header and records, each with its line.

:func:`parse_csv` splits decoded CSV text (separator ``;``, ``,`` or tab,
sniffed from the header) into records numbered by the physical line they
start on, refuses a file whose unbalanced quote swallows records, and
reports the record-level problems (misplaced quotes, too many or too few
fields) for :mod:`mitlib.data.formats` to turn into rejects or warnings.
"""

from __future__ import annotations

import csv

from mitlib.data.decoding import LINE_BREAK, SAVE_AS, TableError, split_lines

__all__ = ["parse_csv"]


def _sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ";"))


def _lenient_fields(text: str, sep: str) -> list[str]:
    """Fields of one line, quotes tolerated wherever they are."""
    return next(csv.reader([text], delimiter=sep), [])


def _open_quote_field(line: str, sep: str, *, misplaced: bool = False) -> int | None:
    """Index of the field whose opening quote is still open at the line end.

    With ``misplaced``, failing that, the first field whose closing quote is
    followed by something else than the separator (``"Le Lot" café``).
    """
    index, state, opened, bad = 0, "start", None, None
    for c in line.rstrip("\r\n"):
        if state == "start":
            if c == '"':
                state, opened = "quoted", index
            elif c == sep:
                index += 1
            else:
                state = "plain"
        elif state == "plain":
            if c == sep:
                index, state = index + 1, "start"
        elif state == "quoted":
            if c == '"':
                state = "quote"
        elif c == '"':  # state "quote": doubled quote
            state = "quoted"
        elif c == sep:
            index, state = index + 1, "start"
        else:
            state = "plain"
            bad = index if bad is None else bad
    if state == "quoted":
        return opened
    return bad if misplaced else None


def parse_csv(
    text: str, name: str
) -> tuple[list[str], list[list[str]], list[int], list]:
    """Split CSV text into records, each mapped to the line it starts on.

    Records are read with :mod:`csv` in a strict dialect: a cell that starts
    with a quote must end with a quote followed by the separator or the end
    of line, a quote inside it is doubled (``""``), and the file must not end
    inside a quoted cell. A quoted cell may hold line breaks (a multi-line
    address or description); the record is then numbered by its first line.

    Unbalanced quotes. A quote opened and never closed on its line makes the
    parser read the following lines as the same cell. That is legitimate for
    a multi-line text, not when the lines it swallows are records. So every
    record spanning several physical lines is checked: each swallowed line
    (each line of the multi-line cell after the first) is parsed on its own,
    and if it has as many fields as a record (the header's count less one,
    at least 2 fields), the counts disagree: what the parser sees as one cell
    are that many records. The file is then refused, naming the line and
    column where the quote opens and the lines swallowed, rather than
    loading a table with rows missing. A quote error confined to one record
    (a quote closed in the middle of a cell, a record with a multi-line cell
    but the wrong number of fields) rejects that record only.

    Ragged lines. A record with more fields than the header is rejected
    (empty trailing fields, as some exports add, are ignored); a record with
    fewer fields is completed with empty cells and a warning.

    Blank lines and records whose cells are all blank are skipped, but still
    counted in the line numbers.

    Returns the header, the records (as long as the header), their line
    numbers, and the issues ``(record position, field index or None,
    reason, gravity)``.
    """
    lines = split_lines(text, LINE_BREAK)
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise TableError(f"{name} : fichier vide : aucune ligne d'en-tête ni donnée.")
    sep = _sniff_separator(lines[first])
    # the csv module refuses cells over 128 KiB by default: a long pasted
    # text is the user's to keep, not a reason to stop
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    width_ref = len(_lenient_fields(lines[first], sep))
    sep_name = {"\t": "tabulation"}.get(sep, f"« {sep} »")
    reader = csv.reader(
        iter(lines[first:]), delimiter=sep, quotechar='"', doublequote=True, strict=True
    )
    header: list[str] | None = None
    records: list[list[str]] = []
    numbers: list[int] = []
    issues: list = []
    consumed = 0

    def column(index: int | None) -> str:
        if header is not None and index is not None and index < len(header):
            return f"colonne {header[index] or index + 1}"
        return f"champ n° {(index or 0) + 1}"

    def swallowed(candidates: list[str]) -> list[str]:
        need = max(width_ref - 1 if width_ref >= 4 else width_ref, 2)
        return [c for c in candidates if len(_lenient_fields(c, sep)) >= need]

    def refuse(start: int, end: int, n_records: int) -> TableError:
        where = _open_quote_field(lines[start - 1], sep)
        if end == start + 1:
            swallowed_text = f"la ligne {end}, qui ressemble à une ligne du tableau,"
        else:
            verb = "ressemble" if n_records == 1 else "ressemblent"
            swallowed_text = (
                f"les lignes {start + 1} à {end}, dont {n_records} {verb} à des "
                "lignes du tableau,"
            )
        return TableError(
            f'{name} : le guillemet (") ouvert ligne {start} ({column(where)}) '
            f"n'est pas refermé sur cette ligne : il avale {swallowed_text} dans "
            f"une seule cellule. Aucune ligne n'a été chargée. Corrigez la ligne "
            f'{start} : refermez le guillemet, ou doublez-le ("") s\'il fait partie '
            f"du texte."
        )

    while True:
        try:
            fields, error = next(reader), None
        except StopIteration:
            break
        except csv.Error as exc:
            fields, error = None, exc
        start, end = first + consumed + 1, first + reader.line_num
        consumed = reader.line_num
        reason = None
        if error is not None:
            span = lines[start - 1 : end]
            if end > start and (found := swallowed(span[1:])):
                raise refuse(start, end, len(found))
            fields = _lenient_fields("".join(span), sep)
            where = _open_quote_field(span[0], sep, misplaced=True)
            reason = (
                'guillemet (") mal placé'
                + (f" (cellule sur les lignes {start} à {end})" if end > start else "")
                + " : une cellule qui commence par un guillemet doit finir par un "
                "guillemet suivi du séparateur ; un guillemet dans le texte s'écrit "
                '""'
            )
        elif end > start:
            segments = [
                seg
                for value in fields
                for seg in split_lines(value, LINE_BREAK)[1:]
                if LINE_BREAK.search(value)
            ]
            if found := swallowed(segments):
                raise refuse(start, end, len(found))
        if header is None:
            if error is not None:
                raise TableError(
                    f"{name} : ligne d'en-tête {start} illisible (guillemets mal "
                    f"placés) ; {SAVE_AS}."
                )
            if not any(f.strip() for f in fields):
                continue
            header = [f.strip().lstrip("\ufeff") for f in fields]
            while header and not header[-1]:
                header.pop()
            continue
        if not any(f.strip() for f in fields):
            continue
        position, width = len(records), len(header)
        if reason is not None:
            issues.append((position, where, reason, "rejet"))
        elif len(fields) > width and any(f.strip() for f in fields[width:]):
            extra = " ; ".join(f"« {f} »" for f in fields[width:] if f.strip())
            multi = f" (cellule sur les lignes {start} à {end})" if end > start else ""
            issues.append(
                (
                    position,
                    None,
                    f"{len(fields)} champs au lieu de {width}{multi} : valeur(s) "
                    f"au-delà de la dernière colonne {extra} ; un séparateur "
                    f"{sep_name} de trop ? Entourez de guillemets une cellule qui "
                    "en contient",
                    "rejet",
                )
            )
        elif len(fields) < width:
            issues.append(
                (
                    position,
                    None,
                    f"{len(fields)} champs au lieu de {width} : les dernières "
                    "colonnes sont laissées vides (séparateur manquant ?)",
                    "avertissement" if end == start else "rejet",
                )
            )
        records.append((fields + [""] * width)[:width])
        numbers.append(start)
    if header is None:
        raise TableError(f"{name} : fichier vide : aucune ligne d'en-tête ni donnée.")
    return header, records, numbers, issues
