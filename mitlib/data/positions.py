"""Placing the loaded rows on the map and checking where they fall.

A row keeps the coordinates it gives; without them, a GeoJSON or GeoPackage
row takes a point of its geometry (:func:`fill_from_geometry`) and any other
row the town hall of its commune (:func:`locate`). Given points are checked
against their commune (with a tolerance) and the territory: a point outside
is kept and flagged in ``controle_position``, with a warning.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mitlib.data.table_schema import TableSchema
from mitlib.data.territory import LAMBERT93, WGS84, Territory

__all__ = [
    "COMMUNE_TOLERANCE_M",
    "OUTSIDE_COMMUNE",
    "OUTSIDE_TERRITORY",
    "POSITION_OK",
    "PRECISION_GIVEN",
    "PRECISION_TOWN_HALL",
    "fill_from_geometry",
    "locate",
]

#: Tolerance (metres) between a point and its commune's simplified contour.
COMMUNE_TOLERANCE_M = 500.0
POSITION_OK = "ok"
OUTSIDE_COMMUNE = "hors de la commune indiquée"
OUTSIDE_TERRITORY = "hors du territoire"
PRECISION_GIVEN = "coordonnées fournies"
PRECISION_TOWN_HALL = "mairie (coordonnées absentes)"


def fill_from_geometry(typed: pd.DataFrame, geoms: gpd.GeoSeries) -> None:
    """Give rows without coordinates a point of their geometry (in place)."""
    pts = geoms.reindex(typed.index)
    ok = pts.notna() & ~pts.is_empty
    reps = pts[ok].representative_point()
    blank = typed["latitude"].isna() & typed["longitude"].isna()
    fill = blank & ok
    typed.loc[fill, "longitude"] = reps.x.reindex(typed.index)[fill]
    typed.loc[fill, "latitude"] = reps.y.reindex(typed.index)[fill]


def locate(
    valid: pd.DataFrame, territory: Territory, schema: TableSchema, problem
) -> gpd.GeoDataFrame:
    """The valid rows with their commune's name and EPCI and, for a geolocated
    table, a point (given, or the town hall), ``precision`` and
    ``controle_position``; ``problem(row, column, reason, gravity)`` receives
    the position warnings."""
    out = valid.copy()
    if not schema.has_commune:
        return gpd.GeoDataFrame(out)
    communes = territory.communes.set_index("code_insee")
    out["commune"] = out["code_insee"].map(communes["nom"])
    out["epci_siren"] = out["code_insee"].map(communes["epci_siren"])
    if not schema.geolocated:
        return gpd.GeoDataFrame(out)
    lat = pd.to_numeric(out["latitude"])
    lon = pd.to_numeric(out["longitude"])
    given = lat.notna() & lon.notna()
    for i in out.index[lat.notna() ^ lon.notna()]:
        problem(
            i,
            "latitude",
            "latitude et longitude vont ensemble : l'une manque ; "
            "point placé à la mairie",
            "avertissement",
        )
    out["precision"] = np.where(given, PRECISION_GIVEN, PRECISION_TOWN_HALL)
    out["longitude"] = lon.where(given, out["code_insee"].map(communes["mairie_lon"]))
    out["latitude"] = lat.where(given, out["code_insee"].map(communes["mairie_lat"]))
    gdf = gpd.GeoDataFrame(
        out, geometry=gpd.points_from_xy(out["longitude"], out["latitude"]), crs=WGS84
    )
    status = pd.Series(POSITION_OK, index=gdf.index)
    if given.any():
        pts = gdf.loc[given].to_crs(LAMBERT93).geometry
        polys = territory.communes_l93.set_index("code_insee").geometry
        own = gpd.GeoSeries(
            polys.reindex(out.loc[given, "code_insee"]).values,
            index=pts.index,
            crs=LAMBERT93,
        )
        # a point that does not project (absurd coordinates) has no distance:
        # it is « far », not a warning printed in English
        with np.errstate(invalid="ignore"):
            far = ~(pts.distance(own) <= COMMUNE_TOLERANCE_M)
        status[far[far].index] = OUTSIDE_COMMUNE
        # near its own commune is inside the territory: only the far points
        # are looked up, as the distance to the nearest commune of all
        far_pts = pts[far].values
        near, _ = shapely.STRtree(polys.values).query_nearest(
            far_pts, max_distance=COMMUNE_TOLERANCE_M
        )
        outside = np.ones(len(far_pts), dtype=bool)
        outside[near] = False
        status[pts[far].index[outside]] = OUTSIDE_TERRITORY
        for i in status.index[status != POSITION_OK]:
            hint = ""
            if 40 < lon[i] < 52 and -6 < lat[i] < 10:
                hint = " (latitude et longitude inversées ?)"
            problem(
                i,
                "latitude",
                f"position ({lat[i]:.5f}, {lon[i]:.5f}) {status[i]}{hint} : "
                "ligne conservée, "
                "signalée dans la colonne controle_position",
                "avertissement",
            )
    gdf["controle_position"] = status
    return gdf
