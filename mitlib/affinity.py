"""Affinity between marathon projects and coaches.

The affinity of a project *p* and a coach *c* is a number in [0, 1], a
weighted mean of three parts:

(a) **text**: cosine similarity of the project's text (``description`` and
    ``besoins``) and the coach's ``expertise``, averaged over two tf-idf
    spaces: word uni/bigrams of :func:`mitlib.text.tokens` (folded, no stop
    words, light stemming) and character n-grams of the folded words, which
    catch what the stemmer misses (« financer » / « financement »);
(b) **tags**: share of the project's needed ``domaines`` that the coach
    covers, ``|besoins ∩ domaines du coach| / |besoins|`` (0 when the project
    lists none);
(c) **theme**: 1 when the project's ``theme`` is among the coach's
    ``themes``.

Tags and themes are compared after :func:`mitlib.text.fold`, so
« Financement » and « financement » match. The tf-idf vocabulary is fitted on
the texts of one marathon (projects and coaches together), so that words
every participant uses weigh little.

:func:`affinity_from_table` reads instead a table of affinities typed in by
the chargés de mission.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from mitlib.errors import InputError, OptionError
from mitlib.text import fold, token_spans, tokens

__all__ = ["AffinityModel", "affinity_from_table"]

PROJECT_COLUMNS = ("id", "description", "besoins", "domaines", "theme")
COACH_COLUMNS = ("id", "expertise", "domaines", "themes")
_LIST_SEPARATORS = re.compile(r"[;|,\n]")


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


def _char_text(text: str) -> str:
    """Text seen by the character n-gram space: folded words, no stop words."""
    return " ".join(tokens(text, stemmed=False))


def _readable(surface: str) -> str:
    """Original spelling of a term for display: one line, lowercase but acronyms."""
    words = surface.split()
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in words)


def _as_list(value: object) -> list[str]:
    """Tags as a list of non-empty strings (lists, or ``;``-separated text)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        items: Iterable[object] = _LIST_SEPARATORS.split(value)
    elif isinstance(value, Iterable):
        items = value
    else:
        items = [value]
    return [str(v).strip() for v in items if str(v).strip()]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


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


def _fit_space(vectorizer: TfidfVectorizer, docs: list[str]):
    """Fit a tf-idf space; ``None`` when the texts hold no usable term."""
    if not any(d.strip() for d in docs):
        return None
    try:
        return vectorizer.fit_transform(docs)
    except ValueError:  # empty vocabulary (e.g. min_df larger than any count)
        return None


class AffinityModel(BaseEstimator):
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
        Passed to both :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.

    Attributes
    ----------
    weights_ : dict
        Normalised weights, keys ``"text"``, ``"tags"``, ``"theme"``.
    vectorizer_words_, vectorizer_chars_ : TfidfVectorizer or None
        Fitted tf-idf spaces (``None`` when the texts hold no term).
    vocabulary_ : dict
        Word-space vocabulary: stemmed n-gram → column.
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
    {'C1': 0.75, 'C2': 0.0}
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
    ) -> None:
        self.w_text = w_text
        self.w_tags = w_tags
        self.w_theme = w_theme
        self.ngram_range_words = ngram_range_words
        self.char_ngrams = char_ngrams
        self.min_df = min_df

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
        _check_frame(projects, PROJECT_COLUMNS, "projets")
        _check_frame(coaches, COACH_COLUMNS, "coachs")

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
        self._x_words = (
            (x_words[:n_p], x_words[n_p:]) if x_words is not None else (None, None)
        )
        self._x_chars = (
            (x_chars[:n_p], x_chars[n_p:]) if x_chars is not None else (None, None)
        )
        self._term_surfaces = self._surfaces(docs)

        self.project_ids_ = pd.Index(projects["id"], name="id_projet")
        self.coach_ids_ = pd.Index(coaches["id"], name="id_coach")
        self._projects = projects.reset_index(drop=True)
        self._coaches = coaches.reset_index(drop=True)
        text, tags, theme = self._parts(projects, coaches, self._x_words, self._x_chars)
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
                seen.setdefault(term, _readable(doc[start:end]))
            out.append(seen)
        return out

    @staticmethod
    def _project_docs(projects: pd.DataFrame) -> list[str]:
        return [
            f"{_text(d)}\n{_text(b)}"
            for d, b in zip(projects["description"], projects["besoins"], strict=True)
        ]

    @staticmethod
    def _coach_docs(coaches: pd.DataFrame) -> list[str]:
        return [_text(e) for e in coaches["expertise"]]

    def _frame(self, values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=self.project_ids_, columns=self.coach_ids_)

    def _parts(self, projects, coaches, x_words, x_chars):
        """The three affinity parts as dense arrays (projects × coaches)."""
        shape = (len(projects), len(coaches))
        text = np.zeros(shape)
        for xp, xc in (x_words, x_chars):
            if xp is not None:
                text += (xp @ xc.T).toarray()
        text = np.clip(text / 2.0, 0.0, 1.0)

        needs = [{fold(t) for t in _as_list(v)} - {""} for v in projects["domaines"]]
        offers = [{fold(t) for t in _as_list(v)} - {""} for v in coaches["domaines"]]
        tags = np.array(
            [[len(n & o) / len(n) if n else 0.0 for o in offers] for n in needs]
        ).reshape(shape)

        themes = [fold(_text(t)) for t in projects["theme"]]
        coach_themes = [{fold(t) for t in _as_list(v)} for v in coaches["themes"]]
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
        _check_frame(projects, PROJECT_COLUMNS, "projets")
        _check_frame(coaches, COACH_COLUMNS, "coachs")

        def embed(vectorizer, docs):
            return None if vectorizer is None else vectorizer.transform(docs)

        p_docs, c_docs = self._project_docs(projects), self._coach_docs(coaches)
        x_words = (
            embed(self.vectorizer_words_, p_docs),
            embed(self.vectorizer_words_, c_docs),
        )
        x_chars = (
            embed(self.vectorizer_chars_, p_docs),
            embed(self.vectorizer_chars_, c_docs),
        )
        text, tags, theme = self._parts(projects, coaches, x_words, x_chars)
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

    def shared_terms(self, project_id: object, coach_id: object) -> pd.Series:
        """Word-space terms shared by a project and a coach, with their weight.

        The weight of a term is the product of its two tf-idf weights, i.e. its
        contribution to the word-space cosine. The index holds the readable
        spelling (the project's words where possible).

        Parameters
        ----------
        project_id, coach_id : object
            Identifiers of a fitted project and coach.

        Returns
        -------
        pandas.Series
            Contributions, largest first, named ``contribution``.

        Examples
        --------
        >>> p = pd.DataFrame({"id": ["P1"], "description": ["Financements"],
        ...                   "besoins": [""], "domaines": [[]], "theme": [""]})
        >>> c = pd.DataFrame({"id": ["C1"], "expertise": ["financement bancaire"],
        ...                   "domaines": [[]], "themes": [[]]})
        >>> AffinityModel().fit(p, c).shared_terms("P1", "C1").index.tolist()
        ['financements']
        """
        self._check_fitted()
        i, j = self._positions(project_id, coach_id)
        xp, xc = self._x_words
        if xp is None:
            return pd.Series([], dtype=float, name="contribution")
        row_p, row_c = xp.getrow(i), xc.getrow(j)
        contrib = row_p.multiply(row_c).tocoo()
        terms = self.vectorizer_words_.get_feature_names_out()
        project_surfaces = self._term_surfaces[i]
        coach_surfaces = self._term_surfaces[len(self.project_ids_) + j]
        items = sorted(
            (
                (float(v), terms[k])
                for k, v in zip(contrib.col, contrib.data, strict=True)
            ),
            key=lambda item: (-item[0], item[1]),
        )
        labels = [
            project_surfaces.get(t) or coach_surfaces.get(t) or t for _, t in items
        ]
        return pd.Series(
            [v for v, _ in items],
            index=pd.Index(labels, name="terme"),
            name="contribution",
        )

    def _positions(self, project_id: object, coach_id: object) -> tuple[int, int]:
        try:
            i = self.project_ids_.get_loc(project_id)
        except KeyError:
            raise OptionError(f"Projet inconnu : {project_id!r}.") from None
        try:
            j = self.coach_ids_.get_loc(coach_id)
        except KeyError:
            raise OptionError(f"Coach inconnu : {coach_id!r}.") from None
        return i, j

    def explain(self, project_id: object, coach_id: object, top: int = 3) -> str:
        """Say in French why a coach suits a project.

        Lists the shared domains (project's wording), up to ``top`` shared
        terms contributing most to the word-space cosine, and the common
        theme. A shared phrase absorbs the shared words it contains
        (« prêt d'honneur » rather than « prêt d'honneur, prêt, honneur »),
        its weight being the sum of theirs.

        Parameters
        ----------
        project_id, coach_id : object
            Identifiers of a fitted project and coach.
        top : int, default 3
            Maximum number of shared terms shown.

        Returns
        -------
        str
            For example ``"domaines communs : financement ; termes communs :
            prêt d'honneur ; même thème : tourisme"``.

        Examples
        --------
        >>> p = pd.DataFrame({"id": ["P1"], "description": ["Gîte rural"],
        ...                   "besoins": [""], "domaines": [[]], "theme": ["Tourisme"]})
        >>> c = pd.DataFrame({"id": ["C1"], "expertise": ["gîtes ruraux"],
        ...                   "domaines": [[]], "themes": [["tourisme"]]})
        >>> AffinityModel().fit(p, c).explain("P1", "C1")
        'termes communs : gîte rural ; même thème : Tourisme'
        """
        self._check_fitted()
        if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 0:
            raise OptionError(f"top doit être un entier positif ou nul : {top!r}.")
        i, j = self._positions(project_id, coach_id)
        project, coach = self._projects.iloc[i], self._coaches.iloc[j]
        parts = []

        offers = {fold(t) for t in _as_list(coach["domaines"])}
        common = []
        for tag in _as_list(project["domaines"]):
            if fold(tag) in offers and fold(tag) not in {fold(t) for t in common}:
                common.append(tag)
        if common:
            parts.append("domaines communs : " + ", ".join(common))

        terms = self._top_terms(i, j, top)
        if terms:
            parts.append("termes communs : " + ", ".join(terms))

        if self.theme_match_.iat[i, j] > 0:
            parts.append(f"même thème : {_text(project['theme']).strip()}")
        return " ; ".join(parts) if parts else "aucun point commun repéré"

    def _top_terms(self, i: int, j: int, top: int) -> list[str]:
        xp, xc = self._x_words
        if xp is None or top == 0:
            return []
        contrib = xp.getrow(i).multiply(xc.getrow(j)).tocoo()
        terms = self.vectorizer_words_.get_feature_names_out()
        scores = {
            terms[k]: float(v) for k, v in zip(contrib.col, contrib.data, strict=True)
        }
        # Each shared word goes to the best-scoring shared phrase containing it.
        phrases = sorted((t for t in scores if " " in t), key=lambda t: (-scores[t], t))
        grouped = {t: scores[t] for t in scores if " " not in t}
        for phrase in phrases:
            grouped[phrase] = scores[phrase]
            for word in phrase.split():
                if word in grouped and " " not in word:
                    grouped[phrase] += grouped.pop(word)
        ranked = sorted(grouped, key=lambda t: (-grouped[t], t))[:top]
        surfaces_p = self._term_surfaces[i]
        surfaces_c = self._term_surfaces[len(self.project_ids_) + j]
        return [surfaces_p.get(t) or surfaces_c.get(t) or t for t in ranked]


def _row_label(position: int, row: pd.Series) -> str:
    # a table read from a file carries its own line numbers (column ``ligne``)
    line = row["ligne"] if "ligne" in row.index else position
    return (
        f"ligne {line} (id_projet={row['id_projet']!s}, "
        f"id_coach={row['id_coach']!s}, affinite={row['affinite']!s})"
    )


def affinity_from_table(
    table: pd.DataFrame, project_ids: Iterable[object], coach_ids: Iterable[object]
) -> pd.DataFrame:
    """Affinity matrix from a table ``id_projet, id_coach, affinite``.

    Pairs absent from the table get 0. Identifiers are matched on their text
    (``str(id).strip()``), so that ids read from a CSV file as text match
    numeric ids. Values may use a decimal comma (``"0,8"``).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (project, coach) pair, affinity in [0, 1].
    project_ids, coach_ids : iterable
        The marathon's projects and coaches (rows and columns of the result).

    Returns
    -------
    pandas.DataFrame
        Index ``id_projet``, columns ``id_coach``.

    Raises
    ------
    ValueError
        In French, naming the row (numbered from 1), when a column is
        missing, an id is unknown, a pair is repeated or a value is not a
        number in [0, 1].

    Examples
    --------
    >>> t = pd.DataFrame({"id_projet": ["P1"], "id_coach": ["C2"],
    ...                   "affinite": ["0,8"]})
    >>> affinity_from_table(t, ["P1", "P2"], ["C1", "C2"]).to_dict("index")
    {'P1': {'C1': 0.0, 'C2': 0.8}, 'P2': {'C1': 0.0, 'C2': 0.0}}
    """
    columns = ("id_projet", "id_coach", "affinite")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"Colonnes manquantes dans le tableau d'affinités : {', '.join(missing)}."
        )
    projects = pd.Index(list(project_ids), name="id_projet")
    coaches = pd.Index(list(coach_ids), name="id_coach")
    for ids, what in ((projects, "projets"), (coaches, "coachs")):
        if ids.has_duplicates:
            dup = ", ".join(map(str, ids[ids.duplicated()].unique()))
            raise InputError(f"Identifiants de {what} en double : {dup}.")
    p_pos = {str(v).strip(): k for k, v in enumerate(projects)}
    c_pos = {str(v).strip(): k for k, v in enumerate(coaches)}
    values = np.zeros((len(projects), len(coaches)))
    seen: dict[tuple[int, int], int] = {}
    for position, (_, row) in enumerate(table.iterrows(), start=1):
        label = _row_label(position, row)
        i = p_pos.get(str(row["id_projet"]).strip())
        if i is None:
            raise InputError(f"{label} : projet inconnu « {row['id_projet']} ».")
        j = c_pos.get(str(row["id_coach"]).strip())
        if j is None:
            raise InputError(f"{label} : coach inconnu « {row['id_coach']} ».")
        raw = row["affinite"]
        if pd.isna(raw) or not str(raw).strip():
            raise InputError(f"{label} : l'affinité est vide.")
        try:
            value = float(str(raw).strip().replace(",", "."))
        except ValueError:
            raise InputError(f"{label} : l'affinité n'est pas un nombre.") from None
        if not 0.0 <= value <= 1.0:  # also rejects NaN
            raise InputError(f"{label} : l'affinité doit être comprise entre 0 et 1.")
        if (i, j) in seen:
            raise InputError(
                f"{label} : ce binôme figure déjà à la ligne {seen[(i, j)]}."
            )
        seen[(i, j)] = row["ligne"] if "ligne" in row.index else position
        values[i, j] = value
    return pd.DataFrame(values, index=projects, columns=coaches)
