"""Careful reading of a small hand-written YAML file (the event file).

The same care as :mod:`mitlib.candidatures.grid_reader`, through the same
strict scan and French YAML errors (:mod:`mitlib.data.yaml_file`): files over
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
from mitlib.data.yaml_file import BRACKET_PROBLEMS, check_tokens, french_problem

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
        message = f"{name} : encodage Windows-1252 et non UTF-8 ; vérifiez les accents."
        if notes is not None:
            notes.append(message)
        warnings.warn(message, UserWarning, stacklevel=3)

    def where(mark: yaml.Mark) -> str:
        return f"{name}, ligne {mark.line + 1}, colonne {mark.column + 1}"

    try:
        check_tokens(
            text,
            max_depth=MAX_DEPTH,
            refuse_alias=lambda mark, _: InputError(
                f"{where(mark)} : les ancres et alias YAML (« &… », « *… ») ne sont "
                "pas acceptés : recopiez la valeur."
            ),
            refuse_depth=lambda mark: InputError(
                f"{where(mark)} : structure trop profondément imbriquée."
            ),
        )
        data = yaml.load(text, Loader=_EventLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        raise InputError(_yaml_message(exc, name, model)) from None
    if not isinstance(data, Fields):
        raise InputError(
            f"{name} : une table de champs est attendue (« champ: valeur »)."
        )
    return data


def _yaml_message(exc: yaml.YAMLError, name: str, model: str) -> str:
    mark, french, problem = french_problem(exc, BRACKET_PROBLEMS)
    where = f"{name} illisible"
    if mark is not None:
        where += f", ligne {mark.line + 1}, colonne {mark.column + 1}"
    detail = french or f"syntaxe YAML invalide (détail technique : {problem})"
    return (
        f"{where} : {detail}. Corrigez le fichier avec un éditeur de texte ; le modèle "
        f"commenté {model} montre la syntaxe attendue."
    )
