"""Diagnosis indicators per commune, aggregated per EPCI and for the territory.

Indicator functions take (Geo)DataFrames and return a named ``pd.Series`` (or
a DataFrame of such columns) on the communes' index; they never modify their
inputs. Distances are straight-line distances in Lambert-93 (EPSG:2154),
between town halls (or premises) and the nearest support actor.

Ratios of aggregates are recomputed from the sums (vacant premises per 1,000
inhabitants of an EPCI = its premises / its population × 1,000), never averaged
over communes.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from mitlib.core.errors import OptionError
from mitlib.core.text import slug
from mitlib.data.fictional import is_fictional
from mitlib.data.territory import LAMBERT93, Territory
from mitlib.data.vocabularies import ACTOR_CATEGORIES, SUPPORT_CATEGORIES, THEMES
from mitlib.diagnostic.metadata import INDICATORS

__all__ = [
    "DEFAULT_THRESHOLD_KM",
    "MAX_THRESHOLD_KM",
    "aggregate",
    "check_threshold_km",
    "commune_indicators",
    "count_by_commune",
    "coverage_matrix",
    "indicator_labels",
    "nearest_distance_km",
    "theme_flags",
]

#: Default distance beyond which a commune is a "zone blanche" of support.
DEFAULT_THRESHOLD_KM = 10.0
#: Largest accepted threshold: beyond it no commune of a French territory is a
#: zone blanche, which says nothing.
MAX_THRESHOLD_KM = 200.0


def check_threshold_km(value: object, name: str = "threshold_km") -> float:
    """The zone blanche threshold as a float, or a French :class:`OptionError`.

    A finite number of kilometres, > 0 and at most :data:`MAX_THRESHOLD_KM`
    (a negative or NaN threshold would make every commune a zone blanche).

    Examples
    --------
    >>> check_threshold_km(12)
    12.0
    >>> check_threshold_km(-5, "--seuil-km")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mitlib.core.errors.OptionError: --seuil-km : -5 n'est pas accepté ...
    """
    ok = (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 < value <= MAX_THRESHOLD_KM
    )
    if not ok:
        raise OptionError(
            f"{name} : {value!r} n'est pas accepté comme seuil de zone blanche : "
            f"nombre de kilomètres supérieur à 0 et au plus {MAX_THRESHOLD_KM:g} "
            f"attendu (défaut : {DEFAULT_THRESHOLD_KM:g})."
        )
    return float(value)


# Perimeters (mitlib.data.vocabularies.PERIMETERS) wider than an EPCI: such an
# actor covers every EPCI.
_WIDE_PERIMETERS = {"Pays", "département", "région"}


def indicator_labels() -> dict[str, str]:
    """French labels with unit of every indicator column (legends, tables,
    widgets), from :data:`mitlib.diagnostic.metadata.INDICATORS`."""
    return {key: meta.header for key, meta in INDICATORS.items()}


def count_by_commune(
    communes: pd.DataFrame,
    points: pd.DataFrame,
    *,
    name: str,
    weights: str | None = None,
) -> pd.Series:
    """Count (or sum ``weights`` of) rows of ``points`` per commune.

    Rows are matched on ``code_insee``; communes without any get 0.

    Examples
    --------
    >>> communes = pd.DataFrame({"code_insee": ["47001", "47002"]})
    >>> points = pd.DataFrame({"code_insee": ["47001", "47001"], "s": [10.0, 5.5]})
    >>> count_by_commune(communes, points, name="n").tolist()
    [2.0, 0.0]
    >>> count_by_commune(communes, points, name="s", weights="s").tolist()
    [15.5, 0.0]
    """
    if weights is None:
        per = points.groupby("code_insee").size()
    else:
        per = pd.to_numeric(points[weights]).groupby(points["code_insee"]).sum()
    values = communes["code_insee"].map(per).fillna(0).astype(float)
    return values.rename(name)


def _xy_l93(gdf: gpd.GeoDataFrame) -> np.ndarray:
    pts = gdf.geometry.to_crs(LAMBERT93)
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def nearest_distance_km(
    origins: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, *, name: str
) -> pd.Series:
    """Straight-line distance (km, Lambert-93) from each origin to the nearest target.

    ``NaN`` when there is no target.

    Examples
    --------
    >>> o = gpd.GeoDataFrame(geometry=gpd.points_from_xy([700000], [6370000]),
    ...                      crs=LAMBERT93)
    >>> t = gpd.GeoDataFrame(geometry=gpd.points_from_xy([703000, 690000],
    ...                      [6374000, 6370000]), crs=LAMBERT93)
    >>> nearest_distance_km(o, t, name="d").tolist()
    [5.0]
    """
    if len(targets) == 0:
        return pd.Series(np.nan, index=origins.index, name=name)
    dist, _ = cKDTree(_xy_l93(targets)).query(_xy_l93(origins))
    return pd.Series(dist / 1000.0, index=origins.index, name=name)


def theme_flags(themes: pd.Series) -> pd.DataFrame:
    """One boolean column per theme of :data:`~mitlib.data.vocabularies.THEMES`:
    does the row's list of themes name it (a cell that is not a list names none).

    The lists are exploded once, so the cost grows with the number of rows, not
    with rows × themes × EPCI.

    Examples
    --------
    >>> flags = theme_flags(pd.Series([["tourisme"], None, ["tourisme", "x"]]))
    >>> flags["tourisme"].tolist(), int(flags.to_numpy().sum())
    ([True, False, True], 2)
    """
    lists = [xs if isinstance(xs, list | tuple) else () for xs in themes]
    exploded = pd.Series(lists, dtype=object).explode()
    codes = pd.Index(list(THEMES)).get_indexer(exploded.to_numpy())  # -1: none
    named = codes >= 0
    flags = np.zeros((len(lists), len(THEMES)), dtype=bool)
    flags[exploded.index.to_numpy()[named], codes[named]] = True
    return pd.DataFrame(flags, index=themes.index, columns=list(THEMES))


def _support(acteurs: gpd.GeoDataFrame, categories: Iterable[str]) -> gpd.GeoDataFrame:
    return acteurs[acteurs["categorie"].isin(list(categories))]


def commune_indicators(
    territory: Territory,
    locaux: gpd.GeoDataFrame | None = None,
    acteurs: gpd.GeoDataFrame | None = None,
    evenements: gpd.GeoDataFrame | None = None,
    *,
    support_categories: Iterable[str] = SUPPORT_CATEGORIES,
    threshold_km: float = DEFAULT_THRESHOLD_KM,
) -> gpd.GeoDataFrame:
    """All diagnosis indicators, one row per commune (with its contour).

    Parameters
    ----------
    territory : Territory
        The communes.
    locaux, acteurs, evenements : GeoDataFrame, optional
        Loaded tables (:func:`mitlib.data.io.load_table`); missing ones count as empty.
    support_categories : iterable of str
        Actor categories that count for distances and zones blanches.
    threshold_km : float
        A commune whose town hall is farther than this from any support actor
        is a zone blanche: > 0 and at most :data:`MAX_THRESHOLD_KM`.

    Raises
    ------
    mitlib.core.errors.OptionError
        When ``threshold_km`` is out of range.
    """
    threshold_km = check_threshold_km(threshold_km)
    empty = gpd.GeoDataFrame({"code_insee": []}, geometry=[], crs="EPSG:4326")
    locaux = empty if locaux is None else locaux
    acteurs = empty.assign(categorie=[], themes=[]) if acteurs is None else acteurs
    evenements = empty if evenements is None else evenements
    com = territory.communes
    out = com[["code_insee", "nom", "epci_siren", "epci_nom", "population"]].copy()
    out["superficie_km2"] = territory.areas_km2.to_numpy()
    out["densite_hab_km2"] = out["population"] / out["superficie_km2"]
    out["locaux_nb"] = count_by_commune(com, locaux, name="locaux_nb")
    out["locaux_surface_m2"] = (
        count_by_commune(
            com,
            locaux.assign(s=pd.to_numeric(locaux.get("surface_m2"))).fillna({"s": 0}),
            name="locaux_surface_m2",
            weights="s",
        )
        if len(locaux)
        else 0.0
    )
    out["locaux_pour_1000_hab"] = _per_1000(out["locaux_nb"], out["population"])
    available = (
        locaux[locaux["disponible_marathon"].eq(True)] if len(locaux) else locaux
    )
    out["locaux_disponibles_marathon"] = count_by_commune(
        com, available, name="locaux_disponibles_marathon"
    )
    out["acteurs_nb"] = count_by_commune(com, acteurs, name="acteurs_nb")
    support = _support(acteurs, support_categories)
    out["acteurs_soutien_nb"] = count_by_commune(
        com, support, name="acteurs_soutien_nb"
    )
    for cat in ACTOR_CATEGORIES:
        col = f"acteurs_cat_{slug(cat)}"
        out[col] = count_by_commune(com, acteurs[acteurs["categorie"] == cat], name=col)
    flags = theme_flags(acteurs["themes"])
    for theme in THEMES:
        col = f"acteurs_theme_{slug(theme)}"
        out[col] = count_by_commune(com, acteurs[flags[theme].to_numpy()], name=col)
    out["evenements_nb"] = count_by_commune(com, evenements, name="evenements_nb")
    out["distance_acteur_km"] = nearest_distance_km(
        territory.mairies, support, name="distance_acteur_km"
    ).to_numpy()
    out["zone_blanche"] = ~(out["distance_acteur_km"] <= threshold_km)
    gdf = gpd.GeoDataFrame(out, geometry=com.geometry, crs=com.crs)
    gdf.attrs["seuil_zone_blanche_km"] = threshold_km
    gdf.attrs["fictif"] = is_fictional(locaux, acteurs, evenements)
    return gdf


def _per_1000(count: pd.Series, population: pd.Series) -> pd.Series:
    pop = population.astype(float).where(population > 0)
    return count / pop * 1000.0


def aggregate(indicators: pd.DataFrame, *, by: str = "epci") -> pd.DataFrame:
    """Aggregate commune indicators per EPCI (``by="epci"``) or for the whole
    territory (``by="territoire"``).

    Counts, populations and areas are summed; ratios are recomputed from the
    sums; the distance is given as the population-weighted mean and the
    maximum over communes; zones blanches as a count of communes and a share of
    the population.
    """
    df = pd.DataFrame(indicators.drop(columns="geometry", errors="ignore"))
    if by == "epci":
        keys = df["epci_siren"]
    elif by == "territoire":
        keys = pd.Series("territoire", index=df.index)
    else:
        raise OptionError(
            f"Agrégation inconnue : {by!r}. Valeurs possibles : epci, territoire"
        )
    sums = [
        c
        for c in df.columns
        if c.startswith(("locaux_", "acteurs_", "evenements_"))
        and c != "locaux_pour_1000_hab"
    ]
    grouped = df.groupby(keys, sort=True)
    out = grouped[["population", "superficie_km2", *sums]].sum()
    out.insert(0, "nb_communes", grouped.size())
    if by == "epci":
        out.insert(0, "epci_nom", grouped["epci_nom"].first())
    out["densite_hab_km2"] = out["population"] / out["superficie_km2"]
    out["locaux_pour_1000_hab"] = _per_1000(out["locaux_nb"], out["population"])
    weighted = df["distance_acteur_km"] * df["population"]
    out["distance_acteur_km_moyenne_ponderee"] = (
        weighted.groupby(keys).sum() / out["population"]
    )
    out["distance_acteur_km_max"] = grouped["distance_acteur_km"].max()
    out["zones_blanches_nb"] = grouped["zone_blanche"].sum().astype(int)
    pop_zb = df["population"].where(df["zone_blanche"], 0).groupby(keys).sum()
    out["zones_blanches_part_population"] = pop_zb / out["population"]
    out.index.name = "epci_siren" if by == "epci" else "perimetre"
    return out


def coverage_matrix(territory: Territory, acteurs: pd.DataFrame) -> pd.DataFrame:
    """EPCI × theme matrix: how many actors work on each theme in each EPCI.

    An actor covers the EPCI of its commune; an actor whose perimeter is wider
    than an EPCI (Pays, département, région) covers every EPCI of the territory
    (once, even when it also sits in one). Computed from the exploded theme
    lists (:func:`theme_flags`): local actors grouped by EPCI, plus the wide
    actors' counts on every row.

    Examples
    --------
    >>> from mitlib.data.territory import load_territory
    >>> acteurs = pd.DataFrame({
    ...     "epci_siren": ["200023307", "200023307", "244701405"],
    ...     "themes": [["tourisme"], ["tourisme", "culture et patrimoine"], []],
    ...     "perimetre": ["commune", "région", "EPCI"]})
    >>> m = coverage_matrix(load_territory(), acteurs)
    >>> m.loc["200023307", ["tourisme", "culture et patrimoine"]].tolist()
    [2, 1]
    >>> m.loc["244701405", ["tourisme", "culture et patrimoine"]].tolist()
    [1, 1]
    """
    epci = territory.epci.set_index("epci_siren")["epci_nom"]
    if "perimetre" in acteurs:
        wide = acteurs["perimetre"].isin(_WIDE_PERIMETERS).to_numpy()
    else:
        wide = np.zeros(len(acteurs), dtype=bool)
    flags = theme_flags(acteurs["themes"]).to_numpy().astype(np.int64)
    local = (
        pd.DataFrame(flags[~wide], columns=list(THEMES))
        .groupby(acteurs["epci_siren"].to_numpy()[~wide])
        .sum()
    )
    matrix = local.reindex(epci.index, fill_value=0) + flags[wide].sum(axis=0)
    matrix = matrix.astype(np.int64)
    matrix.insert(0, "epci_nom", epci)
    matrix.index.name = "epci_siren"
    return matrix
