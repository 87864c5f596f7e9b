"""Careful reading of a small hand-written YAML file (the event file).

The same care as :mod:`mitlib.candidatures.grid_reader` (whose messages name
the grid and its model, so it is not reused as is): files over
:data:`MAX_BYTES`, NUL bytes, YAML anchors and aliases, nesting deeper than
:data:`MAX_DEPTH`, tags and keys written twice in one table are refused; a
Windows-1252 file is read with a warning. Every table read is a
:class:`Fields`, a dict remembering the line and column of each value, so a
field's checker can name them in its French message.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp, "marathon.yaml")
...     _ = path.write_text("marathon: M1\\npas_minutes: 15\\n", encoding="utf-8")
...     data = read_yaml_fields(path)
>>> data, data.marks["pas_minutes"]
({'marathon': 'M1', 'pas_minutes': 15}, (2, 14))
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import yaml

from mitlib.core.errors import InputError
from mitlib.core.text import format_fr

__all__ = ["MAX_BYTES", "MAX_DEPTH", "Fields", "read_yaml_fields"]

#: Largest file read (bytes): a short hand-written file.
MAX_BYTES = 100_000
#: Deepest nesting of tables and lists.
MAX_DEPTH = 10


class Fields(dict):
    """A YAML table remembering where each value is written.

    ``marks[key]`` is the (line, column) of the value, 1-based as in an
    editor; ``line`` is the line of the table itself.
    """

    marks: dict[Any, tuple[int, int]]
    line: int | None = None


_YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": (
        "tabulation interdite : indentez avec des espaces"
    ),
    "mapping values are not allowed here": (
        "« : » inattendu (indentation incorrecte, ou texte contenant « : » à "
        "mettre entre guillemets)"
    ),
    "expected <block end>, but found": "indentation incorrecte",
    "could not find expected ':'": "« : » attendu après le nom du champ",
    "found unexpected end of stream": "guillemet ou crochet non refermé",
    "expected ',' or ']'": "crochet « [ » non refermé",
    "expected ',' or '}'": "accolade « { » non refermée",
    "did not find expected key": "indentation incorrecte (champ attendu)",
    "did not find expected '-' indicator": "indentation incorrecte (« - » attendu)",
    "could not determine a constructor for the tag": (
        "étiquette YAML non autorisée (« !! »)"
    ),
}


class _EventLoader(yaml.SafeLoader):
    """Safe loader: duplicate keys refused, tables remember their marks."""


def _construct_fields(loader: _EventLoader, node: yaml.MappingNode) -> Fields:
    fields = Fields()
    fields.marks, fields.line = {}, node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = fields.marks.get(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "clé non valide", key_node.start_mark
            ) from None
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"clé « {key} » en double (déjà ligne {first[0]}) : gardez-en une",
                key_node.start_mark,
            )
        mark = value_node.start_mark
        fields.marks[key] = (mark.line + 1, mark.column + 1)
        fields[key] = loader.construct_object(value_node, deep=True)
    return fields


_EventLoader.add_constructor("tag:yaml.org,2002:map", _construct_fields)


def read_yaml_fields(
    path: str | Path,
    *,
    label: str = "Fichier de l'événement",
    model: str = "data/exemple/marathon.yaml",
    notes: list[str] | None = None,
) -> Fields:
    """The table of fields of a YAML file (safe loading).

    Parameters
    ----------
    label : str
        How messages name the file (« Fichier de l'événement »).
    model : str
        The commented model the messages point to.
    notes : list of str, optional
        Warnings (French) are appended here; without it they are issued
        with :func:`warnings.warn`.

    Raises
    ------
    mitlib.core.errors.InputError
        Missing file, not YAML, or not a table; the message gives the file,
        line and column.
    """
    path = Path(path)
    name = f"{label} {path.name}"
    if not path.is_file():
        raise InputError(
            f"{label} introuvable : {path}. Le modèle commenté est {model}."
        )
    if path.stat().st_size > MAX_BYTES:
        raise InputError(
            f"{name} : trop gros pour un fichier d'événement (au plus "
            f"{format_fr(MAX_BYTES, 0)} octets)."
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise InputError(f"{name} : ce n'est pas un fichier texte (YAML en UTF-8).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        notes.append(
            f"{name} : encodage Windows-1252 et non UTF-8 ; vérifiez les accents."
        )
        warnings.warn(notes[-1], UserWarning, stacklevel=3)
    try:
        depth = 0
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            mark = token.start_mark
            where = f"{name}, ligne {mark.line + 1}, colonne {mark.column + 1}"
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                raise InputError(
                    f"{where} : les ancres et alias YAML (« &… », « *… ») ne sont "
                    "pas acceptés : recopiez la valeur."
                )
            if isinstance(token, _OPENING):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(
                        f"{where} : structure trop profondément imbriquée."
                    )
            elif isinstance(token, _CLOSING):
                depth -= 1
        data = yaml.load(text, Loader=_EventLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        raise InputError(_yaml_message(exc, name, model)) from None
    if not isinstance(data, Fields):
        raise InputError(
            f"{name} : une table de champs est attendue (« champ: valeur »)."
        )
    return data


_OPENING = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _yaml_message(exc: yaml.YAMLError, name: str, model: str) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"{name} illisible"
    if mark is not None:
        where += f", ligne {mark.line + 1}, colonne {mark.column + 1}"
    problem = str(getattr(exc, "problem", None) or exc).strip()
    french = next(
        (fr for en, fr in _YAML_PROBLEMS.items() if problem.startswith(en)), None
    )
    if problem.startswith("clé "):
        french = problem
    detail = french or f"syntaxe YAML invalide (détail technique : {problem})"
    return (
        f"{where} : {detail}. Corrigez le fichier avec un éditeur de texte ; le modèle "
        f"commenté {model} montre la syntaxe attendue."
    )
