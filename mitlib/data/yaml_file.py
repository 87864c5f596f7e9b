"""What every hand-written YAML file of mitlib shares: a strict scan, French errors.

The grid (:mod:`mitlib.candidatures.grid_reader`) and the event file
(:mod:`mitlib.planning.yaml_reader`) are short files typed by people: both
refuse anchors and aliases and deep nesting before PyYAML builds anything
(:func:`check_tokens`), and both explain PyYAML's errors in French with the
line and column (:func:`french_problem`). Each reader keeps its own wording
(it names its file and its model).

Examples
--------
>>> import yaml
>>> try:
...     yaml.safe_load("a: [1, 2")
... except yaml.YAMLError as exc:
...     (mark, french, words) = french_problem(exc, BRACKET_PROBLEMS)
>>> (mark.line + 1, mark.column + 1), french
((1, 9), 'crochet « [ » non refermé')
"""

from __future__ import annotations

from collections.abc import Callable

import yaml

__all__ = ["BRACKET_PROBLEMS", "YAML_PROBLEMS", "check_tokens", "french_problem"]

#: French wording of PyYAML's most frequent problems.
YAML_PROBLEMS = {
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
    "found undefined alias": "alias non défini",
    "did not find expected key": "indentation incorrecte (champ attendu)",
    "did not find expected '-' indicator": "indentation incorrecte (« - » attendu)",
    "found duplicate anchor": "ancre en double",
    "could not determine a constructor for the tag": (
        "étiquette YAML non autorisée (« !! ») : le fichier ne contient que du "
        "texte, des nombres, des listes et des sections"
    ),
}

#: Finer wording of unclosed brackets (the event file's; the grid's messages
#: keep the general « syntaxe YAML invalide » with PyYAML's words).
BRACKET_PROBLEMS = {
    "expected ',' or ']'": "crochet « [ » non refermé",
    "expected ',' or '}'": "accolade « { » non refermée",
}

_OPENING = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def check_tokens(
    text: str,
    *,
    max_depth: int,
    refuse_alias: Callable[[yaml.Mark, str], Exception],
    refuse_depth: Callable[[yaml.Mark], Exception],
) -> None:
    """Refuse YAML anchors and aliases and nesting deeper than ``max_depth``.

    Read token by token, so a hostile file is refused before PyYAML builds
    anything (nested brackets cost it minutes, then a RecursionError). The
    callbacks build the reader's own error from the token's mark (and the
    anchor's or alias's name). A syntax error is PyYAML's ``YAMLError``.
    """
    depth = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            raise refuse_alias(token.start_mark, token.value)
        if isinstance(token, _OPENING):
            depth += 1
            if depth > max_depth:
                raise refuse_depth(token.start_mark)
        elif isinstance(token, _CLOSING):
            depth -= 1


def french_problem(
    exc: yaml.YAMLError, extra: dict[str, str] | None = None
) -> tuple[yaml.Mark | None, str | None, str]:
    """(mark, French wording or None, PyYAML's own words) of a YAML error.

    ``extra`` adds wordings to :data:`YAML_PROBLEMS`. mitlib's own problems
    (a key written twice: « clé … ») are already French.
    """
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or exc).strip()
    if problem.startswith("clé "):
        return mark, problem, ""
    wordings = {**YAML_PROBLEMS, **(extra or {})}
    french = next((fr for en, fr in wordings.items() if problem.startswith(en)), None)
    return mark, french, problem
