"""Candidacies of the communes: reading them and building the criteria table.

A grid (:class:`~mitlib.candidatures.grid.Grid`) names, for each criterion, the *source*
of its raw value. :func:`criteria_table` computes these sources for every
candidacy, from two places:

* the candidacy itself (:data:`CANDIDACY_SOURCES`): ``locaux_nb``,
  ``capacite_accueil``, ``partenaires_engages``, ``deja_accueilli`` (1 or
  0), ``label``, ``nb_themes_classes``, ``nb_periodes``,
  ``nb_locaux_identifies``;
* the territorial diagnosis, prefixed with ``diagnostic.``: any numeric
  indicator of :func:`mitlib.diagnostic.indicators.commune_indicators`
  (``diagnostic.population``, ``diagnostic.locaux_pour_1000_hab``…), and
  ``diagnostic.acteurs_theme_<N>km`` (actors working on the theme the
  commune ranked first, within N km of its town hall, straight line in
  Lambert-93) or ``diagnostic.acteurs_soutien_<N>km`` (support actors within
  N km).

:func:`load_candidacies` reads the candidacies (with the row-level checks of
:func:`mitlib.data.io.load_table`), the grid and the diagnosis, and returns every
input of the scoring in a :class:`CandidacyInputs`, with the SHA-256 of the
grid and candidacy files printed on every output.

Examples
--------
>>> sorted(CANDIDACY_SOURCES)[:3]
['capacite_accueil', 'deja_accueilli', 'label']
>>> radius_source("diagnostic.acteurs_theme_15km")
('theme', 15.0)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from mitlib.candidatures.grid import Grid
from mitlib.core.config import SAMPLE_GRID
from mitlib.core.errors import InputError
from mitlib.core.provenance import file_sha256, territory_facts
from mitlib.data.fictional import is_fictional
from mitlib.data.io import LoadResult, example_path, load_table
from mitlib.data.territory import LAMBERT93, Territory, load_territory
from mitlib.data.vocabularies import SUPPORT_CATEGORIES, THEMES
from mitlib.diagnostic.diagnosis import Diagnosis, run_diagnosis
from mitlib.diagnostic.indicators import MAX_THRESHOLD_KM, indicator_labels

__all__ = [
    "CANDIDACY_SOURCES",
    "DIAGNOSIS_PREFIX",
    "CandidacyInputs",
    "availability",
    "criteria_table",
    "describe_source",
    "load_candidacies",
    "radius_source",
    "theme_preferences",
]

#: Sources read from the candidacy itself → French description.
CANDIDACY_SOURCES: dict[str, str] = {
    "locaux_nb": "Locaux vacants mobilisables (candidature)",
    "capacite_accueil": "Capacité de la salle principale (candidature)",
    "partenaires_engages": "Partenaires engagés (candidature)",
    "deja_accueilli": "A déjà accueilli un marathon : 1 oui, 0 non (candidature)",
    "label": "Label de revitalisation (candidature)",
    "nb_themes_classes": "Nombre de thèmes classés (candidature)",
    "nb_periodes": "Nombre de périodes proposées (candidature)",
    "nb_locaux_identifies": "Locaux identifiés dans la table des locaux (candidature)",
}

#: Prefix of the sources computed from the territorial diagnosis.
DIAGNOSIS_PREFIX = "diagnostic."

_RADIUS = re.compile(r"^diagnostic\.acteurs_(theme|soutien)_(\d+(?:[.,]\d+)?)km$")
_THEMES = list(THEMES)


def radius_source(source: str) -> tuple[str, float] | None:
    """``("theme" | "soutien", km)`` for a radius source, else None.

    Examples
    --------
    >>> radius_source("diagnostic.acteurs_soutien_7,5km")
    ('soutien', 7.5)
    >>> radius_source("diagnostic.population") is None
    True
    """
    match = _RADIUS.match(source)
    if match is None:
        return None
    return match.group(1), float(match.group(2).replace(",", "."))


def _diagnosis_columns(indicators: pd.DataFrame) -> list[str]:
    """Numeric (or boolean) indicator columns usable as sources."""
    return [
        c
        for c in indicators.columns
        if c != "geometry"
        and (
            pd.api.types.is_numeric_dtype(indicators[c])
            or pd.api.types.is_bool_dtype(indicators[c])
        )
    ]


def describe_source(source: str) -> str:
    """French description of a source, for the score sheets.

    Examples
    --------
    >>> describe_source("diagnostic.locaux_pour_1000_hab")
    'Locaux vacants pour 1 000 habitants (diagnostic)'
    >>> describe_source("diagnostic.acteurs_theme_15km")
    'Acteurs du thème classé 1er à moins de 15 km de la mairie (diagnostic)'
    """
    if source in CANDIDACY_SOURCES:
        return CANDIDACY_SOURCES[source]
    radius = radius_source(source)
    if radius is not None:
        kind, km = radius
        who = "Acteurs du thème classé 1er" if kind == "theme" else "Acteurs de soutien"
        return f"{who} à moins de {km:g} km de la mairie (diagnostic)".replace(".", ",")
    if source.startswith(DIAGNOSIS_PREFIX):
        name = source[len(DIAGNOSIS_PREFIX) :]
        return f"{indicator_labels().get(name, name)} (diagnostic)"
    return source


def _check_sources(grid: Grid, indicators: pd.DataFrame) -> None:
    known = set(CANDIDACY_SOURCES) | {
        DIAGNOSIS_PREFIX + c for c in _diagnosis_columns(indicators)
    }
    for c in grid.criteria:
        radius = radius_source(c.source)
        if radius is not None and not 0 < radius[1] <= MAX_THRESHOLD_KM:
            raise InputError(
                f"Critère « {c.key} » : champ « source » : rayon de "
                f"{radius[1]:g} km hors limites dans « {c.source} » (nombre de "
                f"kilomètres supérieur à 0 et au plus {MAX_THRESHOLD_KM:g})."
            )
        if c.source in known or radius is not None:
            continue
        examples = ", ".join(
            [
                *CANDIDACY_SOURCES,
                "diagnostic.population",
                "diagnostic.locaux_pour_1000_hab",
                "diagnostic.distance_acteur_km",
                "diagnostic.acteurs_theme_<N>km",
                "diagnostic.acteurs_soutien_<N>km",
            ]
        )
        raise InputError(
            f"Critère « {c.key} » : champ « source » : source inconnue "
            f"« {c.source} ». Sources possibles : {examples} (et tout indicateur "
            "numérique du diagnostic, préfixé par « diagnostic. »)."
        )


def _xy(points: gpd.GeoDataFrame) -> np.ndarray:
    pts = points.geometry.to_crs(LAMBERT93)
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def _actors_within(
    halls: np.ndarray,
    acteurs: gpd.GeoDataFrame,
    km: float,
    themes: list[str | None] | None,
) -> np.ndarray:
    """Count actors within ``km`` of each town hall (of the given theme)."""
    if len(acteurs) == 0:
        return np.zeros(len(halls))
    xy = _xy(acteurs)
    dist = np.hypot(
        halls[:, None, 0] - xy[None, :, 0], halls[:, None, 1] - xy[None, :, 1]
    )
    near = dist <= km * 1000.0
    if themes is None:
        return near.sum(axis=1).astype(float)
    works_on = acteurs["themes"].map(
        lambda xs: set(xs) if isinstance(xs, list) else set()
    )
    counts = np.zeros(len(halls))
    for i, theme in enumerate(themes):
        if theme is not None:
            has = works_on.map(lambda s, t=theme: t in s).to_numpy(dtype=bool)
            counts[i] = float((near[i] & has).sum())
    return counts


def _length(values: pd.Series) -> pd.Series:
    return values.map(lambda xs: float(len(xs)) if isinstance(xs, list) else 0.0)


def criteria_table(
    candidacies: pd.DataFrame,
    grid: Grid,
    diagnosis: Diagnosis,
) -> pd.DataFrame:
    """One row per candidacy (index ``code_insee``), one column per source.

    Parameters
    ----------
    candidacies : DataFrame
        Valid rows of the ``candidatures`` table
        (:attr:`mitlib.data.io.LoadResult.data`), one per commune.
    grid : Grid
        The grid whose sources are computed.
    diagnosis : Diagnosis
        Indicators and actors of the territory
        (:func:`mitlib.diagnostic.diagnosis.run_diagnosis`).

    Returns
    -------
    DataFrame
        Columns ``id``, ``commune``, ``epci_siren``, ``epci_nom``, ``label``,
        then one column per distinct source of the grid, named after it.
        Numeric sources are floats (NaN where the candidacy left the cell
        blank); ``label`` stays text.

    Raises
    ------
    ValueError
        In French: a commune with two candidacies, or a criterion whose
        source is unknown (naming the criterion and the field).
    """
    _check_sources(grid, diagnosis.communes)
    codes = candidacies["code_insee"].astype(str)
    duplicated = codes[codes.duplicated(keep=False)]
    if len(duplicated):
        lines = candidacies.loc[duplicated.index, "ligne"].astype(str)
        detail = "; ".join(
            f"{code} (lignes {', '.join(lines[codes == code])})"
            for code in sorted(set(duplicated))
        )
        raise InputError(
            f"Une commune ne peut déposer qu'une candidature : {detail}. "
            "Gardez une seule ligne par commune."
        )
    cand = candidacies.set_index(codes.rename("code_insee"))
    epci_names = diagnosis.territory.epci.set_index("epci_siren")["epci_nom"]
    out = pd.DataFrame(
        {
            "id": cand["id"],
            "commune": cand["commune"],
            "epci_siren": cand["epci_siren"],
            "epci_nom": cand["epci_siren"].map(epci_names),
            "label": cand["label"],
        },
        index=cand.index,
    )
    indicators = pd.DataFrame(diagnosis.communes).set_index("code_insee")
    halls = _xy(diagnosis.territory.mairies.set_index("code_insee").loc[cand.index])
    acteurs = diagnosis.table("acteurs") if "acteurs" in diagnosis.inputs else None
    for source in dict.fromkeys(c.source for c in grid.criteria):
        if source == "label":
            continue
        if source == "deja_accueilli":
            values = cand[source].map({True: 1.0, False: 0.0}).astype(float)
        elif source == "nb_themes_classes":
            values = cand[[f"theme_{r}" for r in range(1, 6)]].notna().sum(axis=1)
        elif source == "nb_periodes":
            values = _length(cand["periodes"])
        elif source == "nb_locaux_identifies":
            values = _length(cand["locaux_ids"])
        elif source in CANDIDACY_SOURCES:
            values = pd.to_numeric(cand[source])
        elif (radius := radius_source(source)) is not None:
            kind, km = radius
            if acteurs is None:
                values = pd.Series(0.0, index=cand.index)
            elif kind == "theme":
                firsts = [t if isinstance(t, str) else None for t in cand["theme_1"]]
                values = _actors_within(halls, acteurs, km, firsts)
            else:
                support = acteurs[acteurs["categorie"].isin(SUPPORT_CATEGORIES)]
                values = _actors_within(halls, support, km, None)
        else:
            column = indicators[source[len(DIAGNOSIS_PREFIX) :]]
            values = column.reindex(cand.index).astype(float)
        out[source] = np.asarray(values, dtype=float)
    return out


def theme_preferences(candidacies: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rank each commune gave each theme, and French warnings.

    Returns a DataFrame (index ``code_insee``, one column per theme of
    :data:`mitlib.data.vocabularies.THEMES`, rank 1–5, NaN when not ranked) and the
    list of warnings: a theme ranked twice keeps its best rank.

    Examples
    --------
    >>> c = pd.DataFrame({"code_insee": ["47001"], "id": ["C-1"],
    ...                   "theme_1": ["tourisme"], "theme_2": [None],
    ...                   "theme_3": ["tourisme"], "theme_4": [None],
    ...                   "theme_5": [None]})
    >>> prefs, warnings = theme_preferences(c)
    >>> prefs.loc["47001", "tourisme"], len(warnings)
    (np.float64(1.0), 1)
    """
    codes = candidacies["code_insee"].astype(str)
    prefs = pd.DataFrame(
        np.nan, index=pd.Index(codes, name="code_insee"), columns=_THEMES
    )
    warnings = []
    for i, code in zip(candidacies.index, codes, strict=True):
        for rank in range(5, 0, -1):  # the best rank is written last
            theme = candidacies.at[i, f"theme_{rank}"]
            if isinstance(theme, str):
                if not np.isnan(prefs.at[code, theme]):
                    warnings.append(
                        f"Candidature {candidacies.at[i, 'id']} ({code}) : thème "
                        f"« {theme} » classé deux fois ; le meilleur rang compte."
                    )
                prefs.at[code, theme] = float(rank)
    return prefs, warnings


def availability(
    candidacies: pd.DataFrame, calendar: Iterable[str]
) -> tuple[dict[str, list[str]], list[str]]:
    """Periods of the calendar each commune can host, and French warnings.

    A commune that names no period can host at any period. Periods outside
    the calendar are ignored, with a warning.

    Examples
    --------
    >>> c = pd.DataFrame({"code_insee": ["47001", "47002"], "id": ["C-1", "C-2"],
    ...                   "periodes": [["2024-06", "2030-01"], []]})
    >>> avail, warnings = availability(c, ["2024-03", "2024-06"])
    >>> avail
    {'47001': ['2024-06'], '47002': ['2024-03', '2024-06']}
    >>> warnings[0]
    'Candidature C-1 (47001) : période(s) hors calendrier ignorée(s) : 2030-01.'
    """
    calendar = list(calendar)
    out: dict[str, list[str]] = {}
    warnings = []
    for i, code in zip(candidacies.index, candidacies["code_insee"], strict=True):
        given = candidacies.at[i, "periodes"]
        given = [str(p) for p in given] if isinstance(given, list) else []
        outside = [p for p in given if p not in calendar]
        if outside:
            warnings.append(
                f"Candidature {candidacies.at[i, 'id']} ({code}) : période(s) hors "
                f"calendrier ignorée(s) : {', '.join(outside)}."
            )
        inside = [p for p in calendar if p in given]
        out[str(code)] = inside if given else list(calendar)
    return out, warnings


@dataclass
class CandidacyInputs:
    """Everything the scoring and the attribution read, checked once.

    Attributes
    ----------
    grid : Grid
        The grid as read from ``grid_path``.
    grid_path, candidacies_path : Path
    grid_sha256, candidacies_sha256 : str
        SHA-256 of the two files, printed on every output.
    candidacies : LoadResult
        The checked ``candidatures`` table (valid rows, rejects, report).
    diagnosis : Diagnosis
        The territorial diagnosis the ``diagnostic.`` sources come from.
    table : DataFrame
        :func:`criteria_table`, index ``code_insee``.
    preferences : DataFrame
        :func:`theme_preferences`.
    calendar : list of str
        Periods of the cycle, in order.
    availability : dict
        ``code_insee -> periods`` (:func:`availability`).
    warnings : list of str
        French warnings (themes ranked twice, periods outside the calendar,
        EPCI without candidacy).
    """

    grid: Grid
    grid_path: Path
    grid_sha256: str
    candidacies_path: Path
    candidacies_sha256: str
    candidacies: LoadResult
    diagnosis: Diagnosis
    table: pd.DataFrame
    preferences: pd.DataFrame
    calendar: list[str]
    availability: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)

    @property
    def territory(self) -> Territory:
        """The territory of the diagnosis."""
        return self.diagnosis.territory

    @property
    def fictional(self) -> bool:
        """True when the candidacies or the diagnosis are the fictional sample."""
        return is_fictional(self.candidacies, self.diagnosis)

    @cached_property
    def provenance(self) -> list[tuple[str, str]]:
        """(label, value) pairs: the two hashes first, then the diagnosis inputs,
        then mitlib's version and the territory's sources and vintage."""
        rows = [
            ("grille : fichier", self.grid_path.name),
            ("grille : sha256", self.grid_sha256),
            ("grille : empreinte des paramètres appliqués", self.grid.sha256()),
            ("candidatures : fichier", self.candidacies_path.name),
            ("candidatures : sha256", self.candidacies_sha256),
            (
                "candidatures : lignes valides / rejetées",
                f"{len(self.candidacies.data)} / {len(self.candidacies.rejects)}",
            ),
        ]
        for table, res in self.diagnosis.inputs.items():
            rows.append((f"{table} : fichier", res.path.name))
            rows.append((f"{table} : sha256", file_sha256(res.path)))
        return rows + territory_facts(self.territory)


def load_candidacies(
    candidatures: Path | str | None = None,
    grille: Path | str | None = None,
    *,
    territory: Territory | None = None,
    diagnosis: Diagnosis | None = None,
    diagnosis_paths: Mapping[str, Path | str | None] | None = None,
) -> CandidacyInputs:
    """Read and check the candidacies, the grid and the diagnosis.

    Parameters
    ----------
    candidatures : path-like, optional
        The ``candidatures`` table (CSV, XLSX…); default: the bundled
        fictional sample.
    grille : path-like, optional
        The grid's YAML file; default: the sample grid.
    territory : Territory, optional
        Default: the bundled reference.
    diagnosis : Diagnosis, optional
        An already computed diagnosis; otherwise it is computed from
        ``diagnosis_paths`` (``locaux``, ``acteurs``, ``evenements``; None:
        the sample tables).

    Returns
    -------
    CandidacyInputs

    Raises
    ------
    ValueError
        French messages: invalid grid (naming the criterion and the field),
        unknown source, a commune applying twice, no valid candidacy.
    mitlib.data.decoding.TableError
        When the candidacy file cannot be read at all.

    Examples
    --------
    >>> inputs = load_candidacies()
    >>> len(inputs.table), inputs.fictional, len(inputs.grid_sha256)
    (17, True, 64)
    """
    cand_path = Path(candidatures) if candidatures else example_path("candidatures")
    grid_path = Path(grille) if grille else _sample_grid()
    grid_notes: list[str] = []
    grid = Grid.from_yaml(grid_path, notes=grid_notes)
    if diagnosis is None:
        territory = territory or load_territory()
        paths = dict(
            diagnosis_paths or dict.fromkeys(("locaux", "acteurs", "evenements"))
        )
        diagnosis = run_diagnosis(territory, paths)
    loaded = load_table(cand_path, "candidatures", diagnosis.territory)
    data = loaded.data
    if data.empty:
        raise InputError(
            f"{cand_path.name} : aucune candidature valide.\n{loaded.report()}"
        )
    try:
        _check_sources(grid, diagnosis.communes)
    except InputError as exc:
        raise InputError(f"{grid_path.name} : {exc}") from None
    table = criteria_table(data, grid, diagnosis)
    preferences, warnings = theme_preferences(data)
    calendar = list(grid.attribution.calendar) or sorted(
        {str(p) for ps in data["periodes"] if isinstance(ps, list) for p in ps}
    )
    avail, more = availability(data, calendar)
    warnings += more
    warnings = grid_notes + warnings
    epci = diagnosis.territory.epci.set_index("epci_siren")["epci_nom"]
    for siren in sorted(set(epci.index) - set(table["epci_siren"])):
        warnings.append(f"{epci[siren]} ({siren}) n'a déposé aucune candidature.")
    return CandidacyInputs(
        grid=grid,
        grid_path=grid_path,
        grid_sha256=file_sha256(grid_path),
        candidacies_path=cand_path,
        candidacies_sha256=file_sha256(cand_path),
        candidacies=loaded,
        diagnosis=diagnosis,
        table=table,
        preferences=preferences,
        calendar=calendar,
        availability=avail,
        warnings=warnings,
    )


def _sample_grid() -> Path:
    """The sample grid: ``data/exemple/grille.yaml``, else the package's copy."""
    path = example_path("candidatures").with_name("grille.yaml")
    return path if path.exists() else SAMPLE_GRID
