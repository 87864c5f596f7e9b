"""Reading a grid file: the YAML text checked before it becomes a grid.

A grid is a short hand-written file, so :func:`read_grid_file` is strict
before it is helpful: files over :data:`MAX_GRID_BYTES`, NUL bytes, YAML
anchors and aliases (``&nom``, ``*nom``, which can expand a few lines into
gigabytes), nesting deeper than :data:`MAX_GRID_DEPTH`, tags and keys written
twice in one section are refused; a file saved in Windows-1252 (Excel,
Notepad) is decoded as such, with a warning. Every error is French and gives
the file, and for YAML syntax errors the line and column (1-based, as in an
editor). The fields themselves are checked by
:meth:`mitlib.candidatures.grid.Grid.from_dict`.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp, "grille.yaml")
...     _ = path.write_text("nom: essai\\ncriteres: []\\n", encoding="utf-8")
...     read_grid_file(path)
{'nom': 'essai', 'criteres': []}
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from mitlib.core.errors import InputError
from mitlib.core.text import format_fr
from mitlib.data.yaml_file import check_tokens, french_problem

__all__ = ["MAX_GRID_BYTES", "MAX_GRID_DEPTH", "GridNotFoundError", "read_grid_file"]

#: Largest grid file read (bytes): a grid is a short hand-written file.
MAX_GRID_BYTES = 1_000_000
#: Deepest nesting of a grid's tables and lists (the sample needs 4).
MAX_GRID_DEPTH = 20


class GridNotFoundError(InputError, FileNotFoundError):
    """The grid file does not exist (a ``FileNotFoundError`` too)."""


def read_grid_file(
    path: str | Path, *, notes: list[str] | None = None
) -> Mapping[str, Any]:
    """The table of fields of a grid file (``yaml.safe_load``, UTF-8).

    Parameters
    ----------
    path : path-like
    notes : list of str, optional
        Warnings (French) are appended here; without it they are issued
        with :func:`warnings.warn`.

    Raises
    ------
    GridNotFoundError
        If the file does not exist (a ``FileNotFoundError`` too).
    mitlib.core.errors.InputError
        If the file cannot be read as YAML or is not a table of fields.
    """
    path = Path(path)
    if not path.is_file():
        raise GridNotFoundError(
            f"Fichier de grille introuvable : {path}. Vérifiez le chemin "
            "(--grille) ; le modèle commenté est data/exemple/grille.yaml."
        )
    size = path.stat().st_size
    if size > MAX_GRID_BYTES:
        raise InputError(
            f"Fichier de grille {path.name} : {format_fr(size, 0)} octets, trop gros "
            f"pour une grille (au plus {format_fr(MAX_GRID_BYTES, 0)} octets). "
            "Vérifiez que c'est bien le fichier de la grille."
        )
    text = _decode_grid(path.read_bytes(), path, notes)
    try:
        _check_tokens(text, path)
        data = yaml.load(text, Loader=_GridLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        raise InputError(_yaml_error_message(exc, path)) from None
    except RecursionError:
        raise InputError(
            f"Fichier de grille {path.name} : structure trop profondément "
            "imbriquée pour une grille."
        ) from None
    if not isinstance(data, Mapping):
        raise InputError(
            f"Fichier de grille {path.name} : une table de champs est attendue "
            "(« nom: … », « criteres: … »…)."
        )
    return data


class _GridLoader(yaml.SafeLoader):
    """The safe YAML loader, refusing a key written twice in one section
    (YAML would silently keep the last value)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class says so
                break
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"clé « {key} » en double (déjà ligne {first}) : gardez-en une",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _decode_grid(raw: bytes, path: Path, notes: list[str] | None) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 with a warning."""
    if b"\x00" in raw:
        raise InputError(
            f"Fichier de grille {path.name} : ce n'est pas un fichier texte "
            "(enregistrez la grille en texte UTF-8, extension .yaml)."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            f"Fichier de grille {path.name} : encodage inconnu (ni UTF-8 ni "
            "Windows-1252). Enregistrez-le en UTF-8 depuis votre éditeur."
        ) from None
    message = (
        f"Fichier de grille {path.name} : encodage Windows-1252 et non UTF-8 ; "
        "lu comme Windows-1252. Vérifiez les accents et enregistrez-le en UTF-8."
    )
    if notes is None:
        warnings.warn(message, UserWarning, stacklevel=3)
    else:
        notes.append(message)
    return text


def _check_tokens(text: str, path: Path) -> None:
    """Refuse YAML anchors and aliases (``&nom``, ``*nom``) and deep nesting."""

    def where(mark: yaml.Mark) -> str:
        return (
            f"Fichier de grille {path.name}, ligne {mark.line + 1}, colonne "
            f"{mark.column + 1}"
        )

    check_tokens(
        text,
        max_depth=MAX_GRID_DEPTH,
        refuse_alias=lambda mark, name: InputError(
            f"{where(mark)} : les ancres et alias YAML (« &{name} », « *{name} ») "
            "ne sont pas acceptés dans une grille : recopiez la valeur à chaque "
            "endroit où elle sert."
        ),
        refuse_depth=lambda mark: InputError(
            f"{where(mark)} : structure imbriquée sur plus de {MAX_GRID_DEPTH} "
            "niveaux, trop profonde pour une grille."
        ),
    )


def _yaml_error_message(exc: yaml.YAMLError, path: Path) -> str:
    """French message of a YAML error: file, line and column (1-based)."""
    mark, french, problem = french_problem(exc)
    where = f"Fichier de grille illisible ({path.name})"
    if mark is not None:
        where += f", ligne {mark.line + 1}, colonne {mark.column + 1}"
    detail = french or "syntaxe YAML invalide"
    # the parser's English words only when there is no French for them
    technical = "" if french else f" (détail technique : {problem})"
    return (
        f"{where} : {detail}{technical}. Corrigez le fichier avec un "
        "éditeur de texte ; le modèle commenté data/exemple/grille.yaml montre "
        "la syntaxe attendue."
    )
