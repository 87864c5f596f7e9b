"""Explanations of :class:`mitlib.binomes.affinity.AffinityModel`, in French.

A reason shown is a reason that counted: the shared domains (declared, or
deduced from the texts by the lexicon), the shared terms and notions that
contribute most to the text similarity, and the common theme.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable

import pandas as pd

from mitlib.core.errors import OptionError
from mitlib.core.text import fold, tokens

__all__ = ["ExplainMixin", "as_list", "raw_text", "readable"]

_LIST_SEPARATORS = re.compile(r"[;|,\n]")


def readable(surface: str) -> str:
    """Original spelling of a term for display: one line, lowercase but acronyms."""
    words = surface.split()
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in words)


def as_list(value: object) -> list[str]:
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


def raw_text(value: object) -> str:
    """A cell as text, not stripped (``""`` when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


class ExplainMixin:
    """Methods of :class:`~mitlib.binomes.affinity.AffinityModel` that explain a
    pair."""

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
        >>> import pandas as pd
        >>> from mitlib.binomes.affinity import AffinityModel
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
        >>> import pandas as pd
        >>> from mitlib.binomes.affinity import AffinityModel
        >>> p = pd.DataFrame({"id": ["P1"], "description": ["Gîte rural"],
        ...                   "besoins": [""], "domaines": [[]], "theme": ["Tourisme"]})
        >>> c = pd.DataFrame({"id": ["C1"], "expertise": ["gîtes ruraux"],
        ...                   "domaines": [[]], "themes": [["tourisme"]]})
        >>> for part in AffinityModel().fit(p, c).explain("P1", "C1").split(" ; "):
        ...     print(part)
        domaine déduit du texte : tourisme
        termes communs : gîte rural
        même thème : Tourisme
        >>> p["description"] = ["Trouver de l'argent pour démarrer"]
        >>> c["expertise"] = ["Prêt d'honneur, microcrédit"]
        >>> for part in AffinityModel().fit(p, c).explain("P1", "C1").split(" ; "):
        ...     print(part)
        domaine déduit du texte : financement
        notions rapprochées : financement de la création (« trouver de l'argent » \
≈ « prêt d'honneur »)
        même thème : Tourisme
        """
        self._check_fitted()
        if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 0:
            raise OptionError(f"top doit être un entier positif ou nul : {top!r}.")
        i, j = self._positions(project_id, coach_id)
        project, coach = self._projects.iloc[i], self._coaches.iloc[j]
        parts = []

        declared, deduced = self._common_domains(j, project, coach)
        if declared:
            parts.append("domaines communs : " + ", ".join(declared))
        if deduced:
            plural = "s" if len(deduced) > 1 else ""
            label = f"domaine{plural} déduit{plural} du texte : "
            parts.append(label + ", ".join(deduced))

        terms = self._top_terms(i, j, top)
        if terms:
            parts.append("termes communs : " + ", ".join(terms))
        notions = self._top_notions(i, j, top)
        if notions:
            parts.append("notions rapprochées : " + ", ".join(notions))

        if self.theme_match_.iat[i, j] > 0:
            parts.append(f"même thème : {raw_text(project['theme']).strip()}")
        return " ; ".join(parts) if parts else "aucun point commun repéré"

    def _common_domains(self, j, project, coach) -> tuple[list[str], list[str]]:
        """Common domains, split into declared on both sides and deduced."""
        inferred = self.inferred_domains_
        p_deduced = project["id"] in inferred["projets"]
        c_deduced = coach["id"] in inferred["coachs"]
        if p_deduced:
            names = inferred["projets"][project["id"]]
        else:
            names = list(dict.fromkeys(as_list(project["domaines"])))
        offers = self._offers[j]
        common = list({fold(n): n for n in names if fold(n) in offers}.values())
        if p_deduced or c_deduced:
            return [], common
        return common, []

    def _top_notions(self, i: int, j: int, top: int) -> list[str]:
        """Shared notions, by contribution: « project wording » ≈ « coach's ».

        A notion both sides name in the same words adds nothing to the shared
        terms: only notions the lexicon brought together are listed.
        """
        xp, xc = self._x_notions
        if xp is None or top == 0 or self.weights_["text"] == 0:
            return []
        contrib = xp.getrow(i).multiply(xc.getrow(j)).tocoo()
        names = self.vectorizer_notions_.get_feature_names_out()
        p_found = self.notions_[i]
        c_found = self.notions_[len(self.project_ids_) + j]
        ranked = sorted(
            (
                (v, names[k])
                for v, k in zip(contrib.data, contrib.col, strict=True)
                if tokens(p_found[names[k]]) != tokens(c_found[names[k]])
            ),
            key=lambda item: (-item[0], item[1]),
        )[:top]
        return [f"{n} (« {p_found[n]} » ≈ « {c_found[n]} »)" for _, n in ranked]

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
        surfaces_p = self._term_surfaces[i]
        surfaces_c = self._term_surfaces[len(self.project_ids_) + j]

        def surface(term: str) -> str:
            return surfaces_p.get(term) or surfaces_c.get(term) or term

        shown = {t: surface(t) for t in grouped}
        _join_overlapping(grouped, shown)
        ranked = sorted(grouped, key=lambda t: (-grouped[t], t))[:top]
        return [shown[t] for t in ranked]


def _join_overlapping(scores: dict[str, float], shown: dict[str, str]) -> None:
    """Join shared phrases that overlap by a word, in place.

    The bigrams of « click and collect » are « click and » and « and
    collect »: shown apart they read as noise; joined, as the phrase both
    texts share (its score is the sum of theirs).

    Examples
    --------
    >>> scores = {"click and": 0.2, "and collect": 0.3, "ligne": 0.1}
    >>> shown = {t: t for t in scores}
    >>> _join_overlapping(scores, shown)
    >>> scores == {"click and collect": 0.5, "ligne": 0.1}
    True
    >>> shown["click and collect"]
    'click and collect'
    """
    joined = True
    while joined:
        joined = False
        phrases = sorted((t for t in scores if " " in t), key=lambda t: (-scores[t], t))
        for a in phrases:
            last = a.rsplit(" ", 1)[1]
            b = next(
                (t for t in phrases if t != a and t.split(" ", 1)[0] == last), None
            )
            if b is None:
                continue
            merged = f"{a} {b.split(' ', 1)[1]}"
            scores[merged] = scores.pop(a) + scores.pop(b)
            tail = shown.pop(b).split(" ", 1)
            shown[merged] = f"{shown.pop(a)} {tail[1] if len(tail) > 1 else ''}".strip()
            joined = True
            break
