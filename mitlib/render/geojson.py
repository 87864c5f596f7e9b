"""Tables to compact, escaped GeoJSON for the map pages.

Every map layer is a GeoJSON payload written once inside the page: this module
turns geometries and table rows into it. Coordinates are in WGS84 and rounded
to :data:`COORD_DECIMALS` (about a metre); cell values become plain French
text (:func:`format_cell`) and every user text is escaped (:func:`esc_text`)
before it enters a feature; :func:`script_json` writes the payload so that it
cannot end its ``<script>`` element.

Pages stay light at the scale of a region or of France in two ways:

* :func:`pack_features` writes a layer as rows under a header, each repeated
  text once (a category, a source, an EPCI name…), points as bare coordinates
  and contours as small whole numbers; the page unpacks it
  (``assets/maps_packed.js``) into the same GeoJSON;
* :func:`map_contours` simplifies the contours of a large territory as a
  coverage (:func:`shapely.coverage_simplify`: neighbours keep their shared
  border, no gap or overlap opens between them) with a tolerance drawn from the
  territory's extent, and derives the EPCI contours from the simplified
  communes, so that both layers keep the same borders. Small territories (the
  Pays) are drawn unchanged.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
    "SIMPLIFY_ABOVE",
    "MapContours",
    "bounds_lonlat",
    "esc_text",
    "feature",
    "format_cell",
    "lonlat",
    "main_bounds_lonlat",
    "map_contours",
    "pack_features",
    "point_features",
    "rounded_geometries",
    "script_json",
    "to_wgs84",
]

COORD_DECIMALS = 5  # about 1 m
#: Contours with more vertices than this are simplified for the page
#: (:func:`map_contours`); the 133 communes of the Pays have 4,400.
SIMPLIFY_ABOVE = 20_000
#: The tolerance of :func:`map_contours` is the territory's extent divided by
#: this: about one pixel of the initial view of a 1,000-pixel wide map.
VIEW_PIXELS = 800
_M_PER_DEGREE = 111_320.0  # one degree of latitude (or of longitude at the equator)
#: Parts of a territory farther apart than this (degrees) are told apart by
#: :func:`main_bounds_lonlat`: France and its overseas departments.
PART_GAP_DEGREES = 5.0


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


def rounded_geometries(
    geoms: gpd.GeoSeries, decimals: int = COORD_DECIMALS
) -> list[dict | None]:
    """GeoJSON geometries with coordinates rounded to ``decimals`` (5: about a
    metre), ``None`` for a missing or empty geometry."""
    arr = np.asarray(geoms.values, dtype=object)
    ok = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    out: list[dict | None] = [None] * len(arr)
    rounded = shapely.transform(arr[ok], lambda c: np.round(c, decimals))
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


def _largest_cluster(lo: np.ndarray, hi: np.ndarray, gap: float) -> np.ndarray:
    """Rows of the largest group of intervals [lo, hi] chained by overlaps or
    gaps of at most ``gap`` (the first one on a tie)."""
    order = np.argsort(lo, kind="stable")
    reach = np.maximum.accumulate(hi[order])
    starts = np.concatenate([[True], lo[order][1:] > reach[:-1] + gap])
    group = np.empty(len(lo), dtype=np.int64)
    group[order] = np.cumsum(starts) - 1
    return group == np.argmax(np.bincount(group))


def main_bounds_lonlat(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`bounds_lonlat`, for the main part of a table: when its rows
    fall in parts more than :data:`PART_GAP_DEGREES` apart (France and its
    overseas departments), the part with the most rows. A map of France opens
    on mainland France; a region or the Pays, in one piece, on all of it.

    Examples
    --------
    >>> gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(
    ...     [0.5, 0.7, 55.5], [44.3, 44.5, -21.1]), crs=WGS84)
    >>> [b.tolist() for b in main_bounds_lonlat(gdf)]
    [[0.5, 0.7], [44.3, 44.5]]
    """
    gdf = to_wgs84(gdf)
    b = gdf.geometry.bounds.to_numpy()
    b = b[~np.isnan(b).any(axis=1)]
    if len(b) == 0:
        return bounds_lonlat(gdf)
    for lo, hi in ((0, 2), (1, 3)):
        b = b[_largest_cluster(b[:, lo], b[:, hi], PART_GAP_DEGREES)]
    return np.array([b[:, 0].min(), b[:, 2].max()]), np.array(
        [b[:, 1].min(), b[:, 3].max()]
    )


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


#: Properties whose text :func:`pack_features` writes once per layer.
_PACKED = ("t", "h")


def pack_features(features: list[dict], decimals: int = COORD_DECIMALS) -> dict:
    """A layer's features as rows under a header, each repeated text written
    once and contours as small whole numbers.

    The result is ``{"p": keys, "d": texts, "k": scale, "f": rows}`` with one
    row ``[geometry, value of keys[0], value of keys[1], ...]`` per feature
    (``None`` for a property it lacks). In the title ``t``, the hover text
    ``h`` and the popup values ``v``, a text that occurs more than once in the
    layer is replaced by its position in ``d`` (most frequent first). A
    point's geometry is its bare ``[lon, lat]``; any other geometry keeps its
    ``type`` and gives its coordinates as ``q``: each line or ring flattened to
    whole numbers of ``1 / scale`` degree (``scale = 10 ** decimals``, the
    decimals the coordinates were rounded to), the first position in full and
    the others as differences from the previous one. ``mitlib.unpack``
    (``assets/maps_packed.js``) rebuilds the same GeoJSON FeatureCollection in
    the page.

    Examples
    --------
    >>> pt = {"type": "Point", "coordinates": [0.7, 44.4]}
    >>> packed = pack_features([feature(pt, t="Local", v=["vacant", "1 rue"]),
    ...                         feature(pt, t="Local", v=["vacant", ""], s=1)])
    >>> packed["p"], packed["d"]
    (['s', 't', 'v'], ['Local', 'vacant'])
    >>> packed["f"][0]
    [[0.7, 44.4], None, 0, [1, '1 rue']]
    >>> line = {"type": "LineString", "coordinates": [[0.7, 44.4], [0.71, 44.39]]}
    >>> pack_features([feature(line, t="Route")], decimals=2)["f"][0][0]
    {'type': 'LineString', 'q': [70, 4440, 1, -1]}
    """
    counts: Counter[str] = Counter()
    keys: set[str] = set()
    for f in features:
        p = f["properties"]
        keys.update(p)
        counts.update(p[k] for k in _PACKED if isinstance(p.get(k), str))
        counts.update(v for v in p.get("v", ()) if isinstance(v, str))
    # an index costs up to 5 characters: shorter texts stay in place
    texts = [t for t, n in counts.most_common() if n > 1 and len(t) > 2]
    index = {t: i for i, t in enumerate(texts)}

    def ref(value: object) -> object:
        return index.get(value, value) if isinstance(value, str) else value

    header = sorted(keys)
    scale = 10**decimals
    rows = []
    for f in features:
        props = dict(f["properties"])
        for k in _PACKED:
            if k in props:
                props[k] = ref(props[k])
        if "v" in props:
            props["v"] = [ref(v) for v in props["v"]]
        geometry = f["geometry"]
        if geometry.get("type") == "Point":
            geometry = list(geometry["coordinates"])
        elif "coordinates" in geometry:
            q = _deltas(geometry["coordinates"], scale)
            geometry = {"type": geometry["type"], "q": q}
        rows.append([geometry, *(props.get(k) for k in header)])
    return {"p": header, "d": texts, "k": scale, "f": rows}


def _deltas(coords: list | tuple, scale: int) -> list:
    """Nested GeoJSON positions → the same nesting, each sequence of positions
    flattened to whole numbers: the first in full, then differences."""
    if len(coords) and isinstance(coords[0][0], list | tuple):
        return [_deltas(c, scale) for c in coords]
    q = np.rint(np.asarray(coords, dtype=float) * scale).astype(np.int64)
    return np.concatenate([q[:1], np.diff(q, axis=0)]).ravel().tolist()


@dataclass(frozen=True)
class MapContours:
    """Contours of communes and EPCI as drawn on a map (:func:`map_contours`).

    ``communes`` and ``epci`` are in WGS84, on the index of the tables given;
    ``tolerance_m`` is the simplification tolerance (0: drawn unchanged) and
    ``decimals`` the decimals kept in the coordinates.
    """

    communes: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame | None
    tolerance_m: float
    decimals: int


def _extent_m(gdf: gpd.GeoDataFrame) -> float:
    """The larger side (m) of the bounding box of a table's main part."""
    (minx, maxx), (miny, maxy) = main_bounds_lonlat(gdf)
    mid = math.radians((miny + maxy) / 2)
    width = (maxx - minx) * _M_PER_DEGREE * math.cos(mid)
    return max(width, (maxy - miny) * _M_PER_DEGREE)


def map_contours(
    communes: gpd.GeoDataFrame,
    epci: gpd.GeoDataFrame | None = None,
    *,
    key: str = "epci_siren",
) -> MapContours:
    """Commune (and EPCI) contours light enough for a map of the territory.

    Up to :data:`SIMPLIFY_ABOVE` vertices, contours are returned unchanged
    (coordinates rounded to :data:`COORD_DECIMALS`). Beyond, the communes are
    simplified together as a coverage (:func:`shapely.coverage_simplify`,
    Visvalingam–Whyatt: shared borders stay shared, the territory's outline is
    simplified too) with a tolerance of one :data:`VIEW_PIXELS`-th of the
    extent of its main part (:func:`main_bounds_lonlat`): about a pixel at the
    opening zoom, 600 m for a region, 1.4 km for France; coordinates keep 4
    decimals (about 10 m). The EPCI contours are then the union of their
    simplified communes (matched on ``key``), so that both layers draw the
    same borders.

    Examples
    --------
    >>> from mitlib.data.territory import load_territory
    >>> pays = load_territory()
    >>> shown = map_contours(pays.communes, pays.epci)
    >>> shown.tolerance_m, shown.decimals, shown.communes.equals(pays.communes)
    (0.0, 5, True)
    """
    communes = to_wgs84(communes)
    epci = None if epci is None else to_wgs84(epci)
    geoms = np.asarray(communes.geometry.values, dtype=object)
    if shapely.get_num_coordinates(geoms).sum() <= SIMPLIFY_ABOVE:
        return MapContours(communes, epci, 0.0, COORD_DECIMALS)
    tolerance_m = _extent_m(communes) / VIEW_PIXELS
    # a tolerance in degrees: the square root of an area, whose east-west
    # side shrinks with the cosine of the latitude
    mid = math.radians(float(np.mean(main_bounds_lonlat(communes)[1])))
    tolerance = tolerance_m / _M_PER_DEGREE / math.sqrt(math.cos(mid))
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    simplified = geoms.copy()
    simplified[ok] = shapely.coverage_simplify(geoms[ok], tolerance)
    shown = communes.set_geometry(simplified, crs=communes.crs)
    if epci is not None:
        epci = epci.set_geometry(_dissolved(shown, epci, key), crs=epci.crs)
    decimals = COORD_DECIMALS - 1
    return MapContours(shown, epci, tolerance_m, decimals)


def _dissolved(
    communes: gpd.GeoDataFrame, epci: gpd.GeoDataFrame, key: str
) -> np.ndarray:
    """EPCI contours as the union of their (simplified) communes; an EPCI
    without any commune, or tables without ``key``, keep their own contour."""
    own = np.asarray(epci.geometry.values, dtype=object)
    if key not in communes.columns or key not in epci.columns:
        return own
    geoms = np.asarray(communes.geometry.values, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    groups = pd.Series(np.flatnonzero(ok)).groupby(communes[key].to_numpy()[ok])
    unions = {
        k: shapely.coverage_union_all(geoms[rows.to_numpy()]) for k, rows in groups
    }
    return np.array(
        [unions.get(k, g) for k, g in zip(epci[key], own, strict=True)], dtype=object
    )


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
