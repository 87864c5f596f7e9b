"""Tables to compact, escaped GeoJSON for the map pages.

Every map layer is a GeoJSON payload written once inside the page: this module
turns geometries and table rows into it. Coordinates are in WGS84 and rounded
to :data:`COORD_DECIMALS` (about a metre); cell values become plain French
text (:func:`format_cell`) and every user text is escaped (:func:`esc_text`)
before it enters a feature; :func:`script_json` writes the payload so that it
cannot end its ``<script>`` element.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mitlib.core.errors import InputError
from mitlib.core.text import format_fr
from mitlib.data.territory import WGS84

__all__ = [
    "COORD_DECIMALS",
    "bounds_lonlat",
    "esc_text",
    "feature",
    "format_cell",
    "lonlat",
    "point_features",
    "rounded_geometries",
    "script_json",
    "to_wgs84",
]

COORD_DECIMALS = 5  # about 1 m


def esc_text(text: object) -> str:
    """Escape for element content (attributes use ``html.escape(quote=True)``).

    Examples
    --------
    >>> esc_text('<b>"Saint-Front"</b>')
    '&lt;b&gt;"Saint-Front"&lt;/b&gt;'
    """
    return html.escape(str(text), quote=False)


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | np.ndarray):
        return len(value) == 0
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_cell(value: object, kind: str = "texte") -> str:
    """Plain French text of a cell, by schema kind (``""`` when blank).

    Examples
    --------
    >>> format_cell(True, "booleen"), format_cell(date(2027, 5, 13))
    ('oui', '13/05/2027')
    >>> format_cell(1250.0, "decimal"), format_cell(["a", "b"]), format_cell(" ")
    ('1\\u202f250', 'a, b', '')
    """
    if _blank(value):
        return ""
    if kind == "booleen":
        return "oui" if bool(value) else "non"
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    if kind in {"decimal", "entier"}:
        try:
            x = float(value)
        except (TypeError, ValueError):
            return str(value)
        return format_fr(x, 0 if x.is_integer() else 1)
    return str(value)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The table in WGS84 (unchanged when it already is, or has no CRS)."""
    if gdf.crs is not None and not gdf.crs.equals(WGS84):
        return gdf.to_crs(WGS84)
    return gdf


def rounded_geometries(geoms: gpd.GeoSeries) -> list[dict | None]:
    """GeoJSON geometries with coordinates rounded to about a metre."""
    arr = np.asarray(geoms.values, dtype=object)
    ok = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    out: list[dict | None] = [None] * len(arr)
    rounded = shapely.transform(arr[ok], lambda c: np.round(c, COORD_DECIMALS))
    for i, g in zip(np.flatnonzero(ok), rounded, strict=True):
        out[i] = shapely.geometry.mapping(g)
    return out


def lonlat(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (WGS84) of a table's rows, NaN when unknown."""
    if isinstance(df, gpd.GeoDataFrame) and df._geometry_column_name in df:
        geoms = np.asarray(to_wgs84(df).geometry.values, dtype=object)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        lon, lat = np.full(len(df), np.nan), np.full(len(df), np.nan)
        points = shapely.point_on_surface(geoms[ok])
        lon[ok], lat[ok] = shapely.get_x(points), shapely.get_y(points)
        return lon, lat
    if {"longitude", "latitude"} <= set(df.columns):
        lon = pd.to_numeric(df["longitude"], errors="coerce").to_numpy(float)
        lat = pd.to_numeric(df["latitude"], errors="coerce").to_numpy(float)
        return lon, lat
    raise InputError("Table sans géométrie ni colonnes latitude/longitude.")


def bounds_lonlat(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The (min, max) longitudes and the (min, max) latitudes of a table."""
    minx, miny, maxx, maxy = gdf.total_bounds
    return np.array([minx, maxx]), np.array([miny, maxy])


def feature(geometry: dict, **properties: object) -> dict:
    """A GeoJSON feature."""
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point_features(
    df: pd.DataFrame, properties: Callable[[Mapping], dict]
) -> list[dict]:
    """One GeoJSON point per row with a known position (others are skipped)."""
    lon, lat = lonlat(df)
    features = []
    for x, y, record in zip(lon, lat, df.to_dict("records"), strict=True):
        if np.isfinite(x) and np.isfinite(y):
            coords = [round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)]
            point = {"type": "Point", "coordinates": coords}
            features.append(feature(point, **properties(record)))
    return features


def script_json(obj: object) -> str:
    """JSON to put inside ``<script>``: compact, UTF-8, no ``<`` left.

    Examples
    --------
    >>> script_json({"t": "</script>"})
    '{"t":"\\\\u003c/script>"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        text.replace("<", "\\u003c")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
