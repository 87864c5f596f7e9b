"""Lexicon of business creation and of the five marathon themes, in French.

Project holders write « trouver de l'argent pour démarrer » where coaches
write « prêt d'honneur, microcrédit ». The lexicon (``mitlib/assets/
lexique.yaml``, Licence Ouverte 2.0) groups such wordings into *notions*
(« financement de la création »), each tied to one domain of the controlled
vocabulary :data:`mitlib.data.vocabularies.DOMAINS` and, optionally, to themes
(:data:`mitlib.data.vocabularies.THEMES`). A notion lists professional terms
(``termes``), everyday expressions (``expressions``) and acronyms with their
expansion (``sigles``).

:meth:`Lexicon.find` spots the notions of a text. Matching works on tokens of
:func:`mitlib.core.text.tokens` (folded, no stop words, light stemming). A wording
of one word must meet that very token (« associés » does not reveal
« association »); in a wording of several words each word is cut to its
first six letters, so that « financer le démarrage » meets « financement du
démarrage », and the words must come in order, with at most two other words
between two of them.

Chargés de mission extend the lexicon with their own file of the same format
(:func:`load_lexicon`): new notions are added, a notion already known (same
name) receives the extra wordings.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mitlib.core.config import ASSETS_DIR
from mitlib.core.errors import InputError
from mitlib.core.text import fold, token_spans
from mitlib.data.vocabularies import DOMAINS, THEMES

__all__ = ["DEFAULT_LEXICON", "Lexicon", "Notion", "load_lexicon"]

#: The lexicon shipped with mitlib.
DEFAULT_LEXICON = ASSETS_DIR / "lexique.yaml"

#: Tokens are compared on their first letters only (« financer » = « financement »).
KEY_LENGTH = 6
#: Largest number of other words allowed between two words of an expression.
MAX_GAP = 2
_KINDS = ("termes", "expressions", "sigles")
_FIELDS = frozenset({"domaine", "themes", *_KINDS})


def _keys(wording: object) -> tuple[str, ...]:
    """Matching keys of a wording: the token alone, or the tokens' prefixes."""
    found = [t for t, _, _ in token_spans(wording)]
    return tuple(found) if len(found) == 1 else tuple(t[:KEY_LENGTH] for t in found)


def _canonical(value: object, vocabulary: dict[str, tuple[str, ...]]) -> str | None:
    wanted = fold(value)
    for name, aliases in vocabulary.items():
        if wanted == fold(name) or wanted in {fold(a) for a in aliases}:
            return name
    return None


@dataclass
class Notion:
    """One notion of the lexicon: its domain, themes and wordings.

    Attributes
    ----------
    name : str
        Name shown in explanations (« financement de la création »).
    domain : str
        Canonical domain of :data:`mitlib.data.vocabularies.DOMAINS`.
    themes : list of str
        Canonical themes of :data:`mitlib.data.vocabularies.THEMES`.
    wordings : list of str
        Terms, expressions, acronyms and acronym expansions, as written.
    """

    name: str
    domain: str
    themes: list[str] = field(default_factory=list)
    wordings: list[str] = field(default_factory=list)


class Lexicon:
    """Notions and the token patterns that reveal them in a text.

    Parameters
    ----------
    notions : iterable of Notion
        The notions, names unique.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> text = "Trouver de l'argent pour démarrer, je n'ai pas d'apport"
    >>> [(name, text[a:b]) for name, a, b in lex.find(text)]
    [('financement de la création', "Trouver de l'argent")]
    >>> lex.domains("Me faire connaître sur Instagram")
    ['marketing/communication']
    """

    def __init__(self, notions: Iterable[Notion]) -> None:
        self.notions = {n.name: n for n in notions}
        self._single: dict[str, list[str]] = {}
        self._patterns: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for notion in self.notions.values():
            for wording in notion.wordings:
                keys = _keys(wording)
                if len(keys) == 1:
                    self._single.setdefault(keys[0], []).append(notion.name)
                elif keys:
                    self._patterns.setdefault(keys[0], []).append((keys, notion.name))
        for patterns in self._patterns.values():  # longest wordings first
            patterns.sort(key=lambda item: -len(item[0]))

    def __len__(self) -> int:
        return len(self.notions)

    def find(self, text: object) -> list[tuple[str, int, int]]:
        """Notions found in ``text``, each once, with the span that revealed it.

        Parameters
        ----------
        text : object
            Any text (``None`` and NaN give nothing).

        Returns
        -------
        list of tuple (str, int, int)
            Notion name, start and end offsets of its first (longest)
            wording in ``str(text)``, in text order.
        """
        spans = token_spans(text)
        keys = [t[:KEY_LENGTH] for t, _, _ in spans]
        found: dict[str, tuple[int, int]] = {}
        for i, first in enumerate(keys):
            for pattern, name in self._patterns.get(first, ()):
                if name in found:
                    continue
                end = _match(keys, i, pattern)
                if end is not None:
                    found[name] = (spans[i][1], spans[end][2])
            for name in self._single.get(spans[i][0], ()):
                found.setdefault(name, (spans[i][1], spans[i][2]))
        return sorted(
            ((n, a, b) for n, (a, b) in found.items()), key=lambda t: (t[1], t[0])
        )

    def domains(self, text: object) -> list[str]:
        """Domains of the notions found in ``text`` (no repeat, text order).

        Examples
        --------
        >>> load_lexicon().domains("Prêt d'honneur et statuts de la SCIC")
        ['financement', 'juridique', 'gouvernance collective/ESS']
        """
        out: list[str] = []
        for name, _, _ in self.find(text):
            domain = self.notions[name].domain
            if domain not in out:
                out.append(domain)
        return out


def _match(keys: list[str], start: int, pattern: tuple[str, ...]) -> int | None:
    """Index of the last token matching ``pattern`` from ``start``, else None."""
    pos = start
    for key in pattern[1:]:
        window = keys[pos + 1 : pos + 2 + MAX_GAP]
        if key not in window:
            return None
        pos += 1 + window.index(key)
    return pos


def _where(path: Path, node: yaml.Node | None) -> str:
    line = f", ligne {node.start_mark.line + 1}" if node is not None else ""
    return f"Lexique {path.name}{line}"


def _strings(value: object, where: str, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
    ):
        raise InputError(f"{where} : « {what} » doit être une liste de textes.")
    return [str(v).strip() for v in value if str(v).strip()]


def _read_file(path: Path) -> list[tuple[Notion, bool, str]]:
    """Notions of one file (fresh copies), whether each named its domain, where."""
    try:
        stat = path.stat()
        entries = _read_cached(str(path), stat.st_mtime_ns, stat.st_size)
    except OSError as exc:
        raise InputError(
            f"Lexique {path} illisible : {exc.strerror or exc}. Vérifiez le chemin."
        ) from None
    return [
        (dataclasses.replace(n, themes=list(n.themes), wordings=list(n.wordings)), d, w)
        for n, d, w in entries
    ]


@functools.lru_cache(maxsize=16)
def _read_cached(name: str, mtime_ns: int, size: int) -> tuple:
    """Parse a lexicon file once per version (the key holds its date and size)."""
    del mtime_ns, size  # cache key only
    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"Lexique {path} illisible : {exc}. Vérifiez le chemin et "
            "enregistrez le fichier en UTF-8."
        ) from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if not isinstance(root, yaml.MappingNode):
            raise InputError(
                f"{_where(path, root)} : le fichier doit contenir une clé "
                "« notions » suivie d'une notion par entrée."
            )
        entries = None
        for key_node, value_node in root.value:
            if key_node.value == "notions":
                entries = value_node
        if not isinstance(entries, yaml.MappingNode):
            raise InputError(
                f"{_where(path, entries or root)} : « notions » doit associer "
                "à chaque nom de notion ses termes, expressions et sigles."
            )
        out = []
        seen: set[str] = set()
        for key_node, value_node in entries.value:
            name = str(loader.construct_object(key_node, deep=True)).strip()
            where = _where(path, key_node) + f" (notion « {name} »)"
            if fold(name) in seen:
                raise InputError(f"{where} : notion déjà définie dans ce fichier.")
            seen.add(fold(name))
            body = loader.construct_object(value_node, deep=True)
            out.append(_notion(name, body, where) + (where,))
        return tuple(out)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", ligne {mark.line + 1}" if mark is not None else ""
        raise InputError(
            f"Lexique {path.name}{line} : YAML invalide "
            f"({getattr(exc, 'problem', None) or exc})."
        ) from None
    finally:
        loader.dispose()


def _notion(name: str, body: object, where: str) -> tuple[Notion, bool]:
    if not isinstance(body, dict):
        raise InputError(f"{where} : une notion se décrit par des clés (domaine, …).")
    unknown = sorted(set(map(str, body)) - _FIELDS)
    if unknown:
        raise InputError(
            f"{where} : clé inconnue « {unknown[0]} » (clés possibles : "
            "domaine, themes, termes, expressions, sigles)."
        )
    has_domain = body.get("domaine") is not None
    domain = _canonical(body["domaine"], DOMAINS) if has_domain else ""
    if domain is None:
        raise InputError(
            f"{where} : domaine inconnu « {body['domaine']} » (domaines possibles : "
            f"{', '.join(DOMAINS)})."
        )
    themes = []
    for theme in _strings(body.get("themes"), where, "themes"):
        canonical = _canonical(theme, THEMES)
        if canonical is None:
            raise InputError(f"{where} : thème inconnu « {theme} ».")
        themes.append(canonical)
    wordings = _strings(body.get("termes"), where, "termes")
    wordings += _strings(body.get("expressions"), where, "expressions")
    acronyms = body.get("sigles") or {}
    if not isinstance(acronyms, dict):
        raise InputError(f"{where} : « sigles » doit associer sigle et forme longue.")
    for acronym, expansion in acronyms.items():
        if len(fold(acronym).replace(" ", "")) < 3:
            raise InputError(
                f"{where} : sigle « {acronym} » trop court (3 lettres au moins)."
            )
        wordings += [str(acronym), str(expansion or "")]
    for wording in wordings:
        if wording and not token_spans(wording):
            raise InputError(
                f"{where} : « {wording} » ne contient que des mots vides "
                "(le, de, pour…) : il ne pourrait rien reconnaître."
            )
    return Notion(name, domain, themes, [w for w in wordings if w]), has_domain


def load_lexicon(extra: str | os.PathLike | Sequence | None = None) -> Lexicon:
    """The shipped lexicon, extended with the chargés de mission's files.

    Parameters
    ----------
    extra : path or sequence of paths, optional
        YAML files of the same format as ``mitlib/assets/lexique.yaml``.

    Returns
    -------
    Lexicon
        The merged lexicon.

    Raises
    ------
    mitlib.core.errors.InputError
        In French, naming the file and the line, when a file cannot be read,
        is not valid YAML, names an unknown domain or theme, or defines a new
        notion without a domain.

    Examples
    --------
    >>> len(load_lexicon()) > 50
    True
    """
    if extra is None:
        paths: list[Path] = []
    elif isinstance(extra, str | os.PathLike):
        paths = [Path(extra)]
    else:
        paths = [Path(p) for p in extra]
    notions: dict[str, Notion] = {}
    for number, path in enumerate([DEFAULT_LEXICON, *paths]):
        for notion, has_domain, where in _read_file(path):
            known = notions.get(notion.name)
            if known is None:
                if not has_domain:
                    raise InputError(f"{where} : nouvelle notion sans « domaine ».")
                notions[notion.name] = notion
            elif number == 0:
                raise InputError(f"{where} : notion en double.")
            else:
                if has_domain and notion.domain != known.domain:
                    raise InputError(
                        f"{where} : la notion existe déjà avec le domaine "
                        f"« {known.domain} »."
                    )
                known.themes += [t for t in notion.themes if t not in known.themes]
                known.wordings += notion.wordings
    return Lexicon(notions.values())
