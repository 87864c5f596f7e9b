"""Affinity between marathon projects and coaches.

The affinity of a project *p* and a coach *c* is a number in [0, 1], a
weighted mean of three parts:

(a) **text**: cosine similarity of the project's text (``description`` and
    ``besoins``) and the coach's ``expertise``, averaged over two tf-idf
    spaces: word uni/bigrams of :func:`mitlib.core.text.tokens` (folded, no stop
    words, light stemming) and character n-grams of the folded words, which
    catch what the stemmer misses (« financer » / « financement »);
(b) **tags**: share of the project's needed ``domaines`` that the coach
    covers, ``|besoins ∩ domaines du coach| / |besoins|`` (0 when the project
    lists none);
(c) **theme**: 1 when the project's ``theme`` is among the coach's
    ``themes``.

Tags and themes are compared after :func:`mitlib.core.text.fold`, so
« Financement » and « financement » match. The tf-idf vocabulary is fitted on
the texts of one marathon (projects and coaches together), so that words
every participant uses weigh little.

**Lexicon** (:mod:`mitlib.binomes.lexicon`, on by default). Project holders and
coaches rarely use the same words (« trouver de l'argent pour démarrer »,
« prêt d'honneur »). Each text is expanded with the *notions* of the lexicon
that it mentions, and these notions form a third tf-idf space, averaged with
the other two in (a): two texts naming the same notion in different words
become similar. A side (project or coach) that lists no ``domaines`` gets
the domains of its notions (for a project, those of its ``besoins`` first),
shown as « domaine déduit du texte » in :meth:`AffinityModel.explain`, which
also lists the « notions rapprochées » (« trouver de l'argent » ≈ « prêt
d'honneur »); declared domains are never overridden.

:func:`affinity_from_table` reads instead a table of affinities typed in by
the chargés de mission.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from mitlib.binomes.affinity_explain import ExplainMixin, as_list, raw_text, readable
from mitlib.binomes.affinity_table import affinity_from_table
from mitlib.binomes.lexicon import Lexicon, load_lexicon
from mitlib.core.errors import InputError, OptionError
from mitlib.core.text import fold, token_spans, tokens

__all__ = ["AffinityModel", "affinity_from_table"]

PROJECT_COLUMNS = ("id", "description", "besoins", "domaines", "theme")
COACH_COLUMNS = ("id", "expertise", "domaines", "themes")


class _WordAnalyzer:
    """Callable analyzer: word n-grams of stemmed tokens (picklable)."""

    def __init__(self, ngram_range: tuple[int, int]) -> None:
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        return [term for term, _, _ in _ngram_spans(text, self.ngram_range)]


def _ngram_spans(text: str, ngram_range: tuple[int, int]) -> list[tuple[str, int, int]]:
    """Word n-grams with their (start, end) offsets in the original text."""
    spans = token_spans(text)
    low, high = ngram_range
    out = []
    for n in range(low, high + 1):
        for i in range(len(spans) - n + 1):
            window = spans[i : i + n]
            out.append((" ".join(t for t, _, _ in window), window[0][1], window[-1][2]))
    return out


def _lines(text: str) -> list[str]:
    """Analyzer of the notion space: one notion name per line."""
    return [line for line in text.split("\n") if line]


def _char_text(text: str) -> str:
    """Text seen by the character n-gram space: folded words, no stop words."""
    return " ".join(tokens(text, stemmed=False))


#: Weight of the notion space in the text part (word and character spaces: 1).
NOTION_WEIGHT = 1.0

#: Longest n-grams accepted (words or characters): longer ones only cost memory.
MAX_NGRAM = 10


def _check_frame(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"Les {what} doivent être fournis sous forme de DataFrame.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"Colonnes manquantes dans le tableau des {what} : {', '.join(missing)}."
        )
    duplicated = df["id"][df["id"].duplicated()].unique().tolist()
    if duplicated:
        ids = ", ".join(map(str, duplicated))
        raise InputError(f"Identifiants en double dans le tableau des {what} : {ids}.")


def _check_frames(projects: pd.DataFrame, coaches: pd.DataFrame) -> None:
    _check_frame(projects, PROJECT_COLUMNS, "projets")
    _check_frame(coaches, COACH_COLUMNS, "coachs")


def _split(x, n_projects: int) -> tuple:
    """A space's rows as (projects, coaches); ``(None, None)`` without a space."""
    return (None, None) if x is None else (x[:n_projects], x[n_projects:])


def _fit_space(vectorizer: TfidfVectorizer, docs: list[str]):
    """Fit a tf-idf space; ``None`` when the texts hold no usable term."""
    if not any(d.strip() for d in docs):
        return None
    try:
        return vectorizer.fit_transform(docs)
    except ValueError:  # empty vocabulary (e.g. min_df larger than any count)
        return None


class AffinityModel(ExplainMixin, BaseEstimator):
    """Project × coach affinity from texts, tags and themes.

    Follows scikit-learn conventions: ``__init__`` stores the settings,
    :meth:`fit` validates them and sets the attributes ending in ``_``.

    Parameters
    ----------
    w_text, w_tags, w_theme : float
        Weights of the text similarity, of the tag overlap and of the theme
        match. Non-negative, not all zero; normalised to sum to 1.
    ngram_range_words : tuple of int, default (1, 2)
        Sizes of the word n-grams (of stemmed tokens).
    char_ngrams : tuple of int, default (3, 5)
        Sizes of the character n-grams (``char_wb``, on folded words).
    min_df : int or float, default 1
        Passed to the word and character
        :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.
    lexicon : bool, path or sequence of paths, default True
        ``True``: the lexicon shipped with mitlib; a path (or several): that
        lexicon extended with these YAML files
        (:func:`mitlib.binomes.lexicon.load_lexicon`);
        ``False``: no lexicon (tf-idf on the words only).

    Attributes
    ----------
    weights_ : dict
        Normalised weights, keys ``"text"``, ``"tags"``, ``"theme"``.
    vectorizer_words_, vectorizer_chars_ : TfidfVectorizer or None
        Fitted tf-idf spaces (``None`` when the texts hold no term).
    vocabulary_ : dict
        Word-space vocabulary: stemmed n-gram → column.
    lexicon_ : Lexicon or None
        The lexicon used.
    notions_ : list of dict
        Per document (projects, then coaches): notion → wording found.
    inferred_domains_ : dict
        ``{"projets": {id: [...]}, "coachs": {id: [...]}}``: domains deduced
        from the text of the sides that list none.
    project_ids_, coach_ids_ : pandas.Index
        Identifiers of the fitted projects and coaches.
    text_similarity_, tag_overlap_, theme_match_ : pandas.DataFrame
        The three parts, project × coach, on the fitted data.

    Examples
    --------
    >>> projects = pd.DataFrame({
    ...     "id": ["P1"], "titre": ["Épicerie"],
    ...     "description": ["Épicerie en vrac"], "besoins": ["Prêt d'honneur"],
    ...     "domaines": [["financement"]], "theme": ["commerce"]})
    >>> coaches = pd.DataFrame({
    ...     "id": ["C1", "C2"], "expertise": ["Prêts d'honneur", "Vitrines"],
    ...     "domaines": [["Financement"], ["marketing"]],
    ...     "themes": [["commerce"], []], "organisation": ["Initiative", "CCI"]})
    >>> model = AffinityModel().fit(projects, coaches)
    >>> model.affinity_matrix().round(2).loc["P1"].to_dict()
    {'C1': 0.77, 'C2': 0.0}
    >>> for part in model.explain("P1", "C1").split(" ; "):
    ...     print(part)
    domaines communs : financement
    termes communs : prêt d'honneur
    même thème : commerce
    """

    def __init__(
        self,
        *,
        w_text: float = 0.5,
        w_tags: float = 0.35,
        w_theme: float = 0.15,
        ngram_range_words: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 5),
        min_df: int | float = 1,
        lexicon: bool | str | os.PathLike | Sequence = True,
    ) -> None:
        self.w_text = w_text
        self.w_tags = w_tags
        self.w_theme = w_theme
        self.ngram_range_words = ngram_range_words
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.lexicon = lexicon

    # -- settings --------------------------------------------------------
    def _validated_weights(self) -> dict[str, float]:
        raw = {"w_text": self.w_text, "w_tags": self.w_tags, "w_theme": self.w_theme}
        for name, value in raw.items():
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not math.isfinite(value)
            ):
                raise OptionError(
                    f"Le poids {name} doit être un nombre fini : {value!r}."
                )
            if value < 0:
                raise OptionError(
                    f"Les poids doivent être positifs ou nuls : {name} = {value}."
                )
        total = sum(raw.values())
        if total <= 0:
            raise OptionError(
                "Au moins un poids doit être strictement positif "
                "(w_text, w_tags, w_theme)."
            )
        return {k[2:]: v / total for k, v in raw.items()}

    def _validated_ngrams(self) -> None:
        for name in ("ngram_range_words", "char_ngrams"):
            value = getattr(self, name)
            ok = (
                isinstance(value, Sequence)
                and len(value) == 2
                and all(isinstance(v, numbers.Integral) for v in value)
                and 1 <= value[0] <= value[1] <= MAX_NGRAM
            )
            if not ok:
                raise OptionError(
                    f"{name} doit être un couple d'entiers (min, max) avec "
                    f"1 ≤ min ≤ max ≤ {MAX_NGRAM} : {value!r}."
                )

    def _validated_lexicon(self) -> Lexicon | None:
        value = self.lexicon
        if value is False or value is None:
            return None
        if value is True:
            return load_lexicon()
        if isinstance(value, str | os.PathLike) or (
            isinstance(value, Sequence)
            and all(isinstance(v, str | os.PathLike) for v in value)
        ):
            return load_lexicon(value)
        raise OptionError(
            "lexicon doit valoir True, False ou un chemin de fichier de lexique "
            f"(ou une liste de chemins) : {value!r}."
        )

    # -- fitting ---------------------------------------------------------
    def fit(self, projects: pd.DataFrame, coaches: pd.DataFrame) -> AffinityModel:
        """Fit the tf-idf spaces on one marathon's projects and coaches.

        Parameters
        ----------
        projects : pandas.DataFrame
            Columns ``id``, ``description``, ``besoins``, ``domaines``
            (list of tags) and ``theme``.
        coaches : pandas.DataFrame
            Columns ``id``, ``expertise``, ``domaines`` (list of tags) and
            ``themes`` (list).

        Returns
        -------
        AffinityModel
            The fitted model.

        Examples
        --------
        >>> p = pd.DataFrame({"id": ["P1"], "description": ["vrac"], "besoins": [""],
        ...                   "domaines": [[]], "theme": ["commerce"]})
        >>> c = pd.DataFrame({"id": ["C1"], "expertise": ["vrac"], "domaines": [[]],
        ...                   "themes": [[]]})
        >>> sorted(AffinityModel().fit(p, c).vocabulary_)
        ['vrac']
        """
        self.weights_ = self._validated_weights()
        self._validated_ngrams()
        _check_frames(projects, coaches)

        project_docs = self._project_docs(projects)
        coach_docs = self._coach_docs(coaches)
        docs = project_docs + coach_docs
        n_p = len(project_docs)

        words = TfidfVectorizer(
            analyzer=_WordAnalyzer(tuple(self.ngram_range_words)), min_df=self.min_df
        )
        chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(self.char_ngrams),
            preprocessor=_char_text,
            lowercase=False,
            min_df=self.min_df,
        )
        x_words = _fit_space(words, docs)
        x_chars = _fit_space(chars, docs)
        self.vectorizer_words_ = words if x_words is not None else None
        self.vectorizer_chars_ = chars if x_chars is not None else None
        self.vocabulary_ = dict(words.vocabulary_) if x_words is not None else {}
        self._x_words = _split(x_words, n_p)
        self._x_chars = _split(x_chars, n_p)
        self._term_surfaces = self._surfaces(docs)

        self.lexicon_ = self._validated_lexicon()
        self.notions_ = self._notions(docs)
        notions = TfidfVectorizer(analyzer=_lines, sublinear_tf=True)
        x_notions = _fit_space(notions, ["\n".join(n) for n in self.notions_])
        self.vectorizer_notions_ = notions if x_notions is not None else None
        self._x_notions = _split(x_notions, n_p)
        self._needs, self._offers, self.inferred_domains_ = self._domains(
            projects, coaches, self.notions_[:n_p], self.notions_[n_p:]
        )

        self.project_ids_ = pd.Index(projects["id"], name="id_projet")
        self.coach_ids_ = pd.Index(coaches["id"], name="id_coach")
        self._projects = projects.reset_index(drop=True)
        self._coaches = coaches.reset_index(drop=True)
        text, tags, theme = self._parts(
            projects,
            coaches,
            (self._x_words, self._x_chars, self._x_notions),
            (self._needs, self._offers),
        )
        self.text_similarity_ = self._frame(text)
        self.tag_overlap_ = self._frame(tags)
        self.theme_match_ = self._frame(theme)
        return self

    def _surfaces(self, docs: list[str]) -> list[dict[str, str]]:
        """Per document: word-space term → original spelling (first occurrence)."""
        out = []
        for doc in docs:
            seen: dict[str, str] = {}
            for term, start, end in _ngram_spans(doc, tuple(self.ngram_range_words)):
                seen.setdefault(term, readable(doc[start:end]))
            out.append(seen)
        return out

    def _notions(self, docs: list[str]) -> list[dict[str, str]]:
        """Per document: notion of the lexicon → readable wording found."""
        if self.lexicon_ is None:
            return [{} for _ in docs]
        return [
            {name: readable(doc[a:b]) for name, a, b in self.lexicon_.find(doc)}
            for doc in docs
        ]

    def _domains(self, projects, coaches, p_notions, c_notions):
        """Needs and offers (folded domain sets); the deduced ones by id.

        A project's needs are deduced from its ``besoins`` when the lexicon
        finds a notion there (the description tells the context: « Café-
        concert » is not a need), else from its whole text.
        """
        if self.lexicon_ is not None:
            p_notions = [
                {n for n, _, _ in self.lexicon_.find(needs)} or found
                for needs, found in zip(projects["besoins"], p_notions, strict=True)
            ]
        inferred: dict[str, dict[object, list[str]]] = {"projets": {}, "coachs": {}}
        sides = []
        for what, frame, notions in (
            ("projets", projects, p_notions),
            ("coachs", coaches, c_notions),
        ):
            sets = []
            for ident, tags, found in zip(
                frame["id"], frame["domaines"], notions, strict=True
            ):
                declared = {fold(t) for t in as_list(tags)} - {""}
                if not declared and found:
                    domains = list(
                        dict.fromkeys(self.lexicon_.notions[n].domain for n in found)
                    )
                    inferred[what][ident] = domains
                    declared = {fold(d) for d in domains}
                sets.append(declared)
            sides.append(sets)
        return sides[0], sides[1], inferred

    @staticmethod
    def _project_docs(projects: pd.DataFrame) -> list[str]:
        return [
            f"{raw_text(d)}\n{raw_text(b)}"
            for d, b in zip(projects["description"], projects["besoins"], strict=True)
        ]

    @staticmethod
    def _coach_docs(coaches: pd.DataFrame) -> list[str]:
        return [raw_text(e) for e in coaches["expertise"]]

    def _frame(self, values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=self.project_ids_, columns=self.coach_ids_)

    def _parts(self, projects, coaches, spaces, domains):
        """The three affinity parts as dense arrays (projects × coaches).

        The text part averages the word and character spaces, and the notion
        space when a lexicon is used.
        """
        shape = (len(projects), len(coaches))
        text = np.zeros(shape)
        for (xp, xc), weight in zip(spaces, (1.0, 1.0, NOTION_WEIGHT), strict=False):
            if xp is not None:
                text += weight * (xp @ xc.T).toarray()
        # A project in which the lexicon found no notion keeps the mean of the
        # two word spaces; the same divisor for all coaches of a project.
        xp = spaces[2][0]
        has_notions = np.zeros(shape[0], bool) if xp is None else xp.getnnz(axis=1) > 0
        text = np.clip(text / (2.0 + NOTION_WEIGHT * has_notions)[:, None], 0.0, 1.0)

        needs, offers = domains
        tags = np.array(
            [[len(n & o) / len(n) if n else 0.0 for o in offers] for n in needs]
        ).reshape(shape)

        themes = [fold(raw_text(t)) for t in projects["theme"]]
        coach_themes = [{fold(t) for t in as_list(v)} for v in coaches["themes"]]
        theme = np.array(
            [[float(bool(t) and t in ct) for ct in coach_themes] for t in themes]
        ).reshape(shape)
        return text, tags, theme

    def _check_fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise RuntimeError(
                "Le modèle n'est pas encore ajusté : "
                "appelez d'abord fit(projets, coachs)."
            )

    # -- results ---------------------------------------------------------
    def transform(self, projects: pd.DataFrame, coaches: pd.DataFrame) -> pd.DataFrame:
        """Affinity of new projects and coaches in the fitted tf-idf spaces.

        Parameters
        ----------
        projects, coaches : pandas.DataFrame
            Same columns as for :meth:`fit`.

        Returns
        -------
        pandas.DataFrame
            Affinities in [0, 1], index ``id_projet``, columns ``id_coach``.

        Examples
        --------
        >>> p = pd.DataFrame({"id": ["P1"], "description": ["vrac"], "besoins": [""],
        ...                   "domaines": [[]], "theme": ["commerce"]})
        >>> c = pd.DataFrame({"id": ["C1"], "expertise": ["vrac"], "domaines": [[]],
        ...                   "themes": [["Commerce"]]})
        >>> model = AffinityModel(w_tags=0).fit(p, c)
        >>> model.transform(p, c).round(6).loc["P1", "C1"].item()
        1.0
        """
        self._check_fitted()
        _check_frames(projects, coaches)

        def embed(vectorizer, p_docs, c_docs):
            """Both sides in a fitted space (``(None, None)`` without one)."""
            if vectorizer is None:
                return None, None
            return vectorizer.transform(p_docs), vectorizer.transform(c_docs)

        p_docs, c_docs = self._project_docs(projects), self._coach_docs(coaches)
        x_words = embed(self.vectorizer_words_, p_docs, c_docs)
        x_chars = embed(self.vectorizer_chars_, p_docs, c_docs)
        p_notions, c_notions = self._notions(p_docs), self._notions(c_docs)
        x_notions = embed(
            self.vectorizer_notions_,
            ["\n".join(n) for n in p_notions],
            ["\n".join(n) for n in c_notions],
        )
        needs, offers, _ = self._domains(projects, coaches, p_notions, c_notions)
        text, tags, theme = self._parts(
            projects, coaches, (x_words, x_chars, x_notions), (needs, offers)
        )
        values = self._combine(text, tags, theme)
        return pd.DataFrame(
            values,
            index=pd.Index(projects["id"], name="id_projet"),
            columns=pd.Index(coaches["id"], name="id_coach"),
        )

    def _combine(self, text, tags, theme) -> np.ndarray:
        w = self.weights_
        values = w["text"] * text + w["tags"] * tags + w["theme"] * theme
        return np.clip(values, 0.0, 1.0)

    def affinity_matrix(self) -> pd.DataFrame:
        """Affinity of the fitted projects and coaches.

        Returns
        -------
        pandas.DataFrame
            Affinities in [0, 1], index ``id_projet``, columns ``id_coach``.

        Examples
        --------
        >>> p = pd.DataFrame({"id": ["P1"], "description": [""], "besoins": [""],
        ...                   "domaines": [["financement", "juridique"]],
        ...                   "theme": [""]})
        >>> c = pd.DataFrame({"id": ["C1"], "expertise": [""],
        ...                   "domaines": [["Financement"]], "themes": [[]]})
        >>> AffinityModel(w_text=0, w_theme=0).fit(p, c).affinity_matrix().to_dict()
        {'C1': {'P1': 0.5}}
        """
        self._check_fitted()
        values = self._combine(
            self.text_similarity_.to_numpy(),
            self.tag_overlap_.to_numpy(),
            self.theme_match_.to_numpy(),
        )
        return self._frame(values)
