"""Tests of the maps (mitlib.diagnostic.maps, mitlib.render.maps and
mitlib.render.offline): content, escaping, privacy, offline, bytes.

The pages are checked as text: the GeoJSON payloads are decoded from the
``L.geoJson(mitlib.unpack(...))`` calls (:func:`unpack` does in Python what
``assets/maps_packed.js`` does in the page), the legend from its
``data-bornes`` attribute and the search list from its ``<option>`` elements.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
import shapely

from mitlib.core.text import format_fr
from mitlib.data.fictional import FICTIONAL_COLUMN
from mitlib.data.io import example_path, load_example
from mitlib.data.territory import LAMBERT93, WGS84, load_territory
from mitlib.diagnostic import maps as diagnostic_maps
from mitlib.diagnostic.maps import (
    add_actors_layer,
    add_events_layer,
    add_premises_layer,
    diagnosis_map,
)
from mitlib.render import geojson
from mitlib.render import maps as render_maps
from mitlib.render.classify import classify_values
from mitlib.render.geojson import (
    feature,
    main_bounds_lonlat,
    map_contours,
    pack_features,
    script_json,
)
from mitlib.render.maps import add_search_control, choropleth_map
from mitlib.render.offline import external_references, new_map, render_html, save_map
from mitlib.render.palettes import CATEGORY_COLORS, NO_DATA_COLOR

XSS = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
EMAIL = "jean.dupont@example.org"
PHONE = "06 12 34 56 78"

# Town halls of four communes of the Pays (WGS84).
PLACES = {
    "47323": ("Villeneuve-sur-Lot", 0.703561, 44.407126),
    "47004": ("Aiguillon", 0.338579, 44.301399),
    "47175": ("Monflanquin", 0.768135, 44.532338),
    "47106": ("Fumel", 0.970896, 44.4981),
}


# ---------------------------------------------------------------------------
# Small tables with the columns of mitlib.data.schemas (and personal data to hide)
# ---------------------------------------------------------------------------


def _table(rows: list[dict], *, fictional: bool = False) -> gpd.GeoDataFrame:
    df = pd.DataFrame(rows)
    for col, key in (("commune", 0), ("longitude", 1), ("latitude", 2)):
        df[col] = [PLACES[c][key] for c in df["code_insee"]]
    df["precision"] = "coordonnées fournies"
    df["controle_position"] = "ok"
    points = gpd.points_from_xy(df["longitude"], df["latitude"])
    gdf = gpd.GeoDataFrame(df, geometry=points, crs=WGS84)
    gdf.attrs["fictif"] = fictional
    return gdf


def make_locaux(*, fictional: bool = False) -> gpd.GeoDataFrame:
    codes = ["47323", "47323", "47004", "47175", "47106"]
    rows = [
        {
            "id": f"L-{i}",
            "code_insee": code,
            "adresse": f"{i} rue du Lot",
            "type_local": "commerce",
            "surface_m2": 80.5 + i,
            "loyer_mensuel": 1250.0,
            "vacant_depuis": date(2024, 1, i + 1),
            "bati_vacance": "vacant",
            "bati_etat": "bon état",
            "proprio_type": "particulier",
            "disponible_marathon": i % 2 == 0,
            "source": "relevé terrain",
            "date_maj": date(2026, 9, 15),
            "proprio_contact": f"Marie Martin — {EMAIL} — {PHONE}",
            "telephone_perso": "07 99 99 99 99",  # not in the schema: never shown
        }
        for i, code in enumerate(codes)
    ]
    rows[1]["adresse"] = IMG
    return _table(rows, fictional=fictional)


def make_acteurs(*, fictional: bool = False) -> gpd.GeoDataFrame:
    specs = [
        ("47323", "financeur", "Banque du Lot"),
        ("47323", "structure d'accompagnement", XSS),
        ("47004", "tiers-lieu", "Tiers-lieu d'Aiguillon & Cie"),
        ("47175", "association", "Association des commerçants"),
        ("47106", "financeur", "Initiative Fumel"),
    ]
    rows = [
        {
            "id": f"A-{i}",
            "nom": nom,
            "categorie": cat,
            "code_insee": code,
            "themes": ["artisanat et commerce", "tourisme"],
            "reseaux": ["initiative-france"],
            "expertise": "création, reprise",
            "perimetre": "EPCI",
            "adresse": "1 place de la Halle",
            "contact": f"Jean Dupont — {EMAIL} — {PHONE}",
            "source": "annuaire",
        }
        for i, (code, cat, nom) in enumerate(specs)
    ]
    return _table(rows, fictional=fictional)


def make_evenements(*, fictional: bool = False) -> gpd.GeoDataFrame:
    rows = [
        {
            "id": "E-1",
            "nom": "Foire de printemps",
            "type": "foire",
            "code_insee": "47323",
            "date_debut": date(2027, 5, 13),
            "date_fin": date(2027, 5, 15),
            "themes": ["résilience alimentaire"],
        },
        {
            "id": "E-2",
            "nom": f"Marché {XSS}",
            "type": "marché",
            "code_insee": "47004",
            "date_debut": date(2027, 6, 2),
            "date_fin": None,
            "themes": [],
        },
    ]
    return _table(rows, fictional=fictional)


def reference_html() -> str:
    """The map compared across builds and processes (no sample data needed)."""
    t = load_territory()
    communes = t.communes.assign(
        densite=t.communes["population"] / (t.communes_l93.area / 1e6)
    )
    m = diagnosis_map(
        t,
        communes,
        make_locaux(),
        make_acteurs(),
        make_evenements(),
        column="densite",
        label="Densité (hab./km²)",
    )
    return render_html(m)


# ---------------------------------------------------------------------------
# Page parsing helpers
# ---------------------------------------------------------------------------


def payloads(page: str, call: str) -> list:
    """Decoded JSON first arguments of every ``call(`` in the page."""
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(page, mo.end())[0] for mo in re.finditer(call, page)]


def unpack(data: dict) -> dict:
    """The GeoJSON FeatureCollection of a packed layer, as ``mitlib.unpack``
    rebuilds it in the page (``assets/maps_packed.js``)."""
    texts, scale = data["d"], data["k"]

    def text(x):
        return texts[x] if isinstance(x, int) else x

    def positions(q):
        if q and isinstance(q[0], list):
            return [positions(c) for c in q]
        xy = np.cumsum(np.array(q).reshape(-1, 2), axis=0)
        return [[x / scale, y / scale] for x, y in xy.tolist()]

    out = []
    for g, *values in data["f"]:
        p = {k: v for k, v in zip(data["p"], values, strict=True) if v is not None}
        for key in ("t", "h"):
            if key in p:
                p[key] = text(p[key])
        if "v" in p:
            p["v"] = [text(v) for v in p["v"]]
        if isinstance(g, list):
            g = {"type": "Point", "coordinates": g}
        elif "q" in g:
            g = {"type": g["type"], "coordinates": positions(g["q"])}
        out.append({"type": "Feature", "geometry": g, "properties": p})
    return {"type": "FeatureCollection", "features": out}


def features(page: str) -> list[dict]:
    packed = payloads(page, r"L\.geoJson\(mitlib\.unpack\(")
    return [f for data in packed for f in unpack(data)["features"]]


def layer_options(page: str) -> list[dict]:
    return payloads(page, r"mitlib\.layerOptions\(")


def legend_bounds(page: str) -> list[float]:
    return json.loads(re.search(r'data-bornes="([^"]*)"', page).group(1))


def datalist(page: str) -> list[str]:
    block = re.search(r"<datalist[^>]*>(.*?)</datalist>", page, re.DOTALL).group(1)
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]*)">', block)]


def js_text(text: str) -> str:
    """How folium's ``tojson`` writes a plain string inside the page."""
    return json.dumps(text)[1:-1]


@pytest.fixture(scope="module")
def density(territory) -> gpd.GeoDataFrame:
    area_km2 = territory.communes_l93.area / 1e6
    return territory.communes.assign(
        densite=territory.communes["population"] / area_km2
    )


@pytest.fixture(scope="module")
def page() -> str:
    return reference_html()


# ---------------------------------------------------------------------------
# Numbers and classes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (1234.5, 1, "1\u202f234,5"),
        (1234567.891, 2, "1\u202f234\u202f567,89"),
        (115014, 0, "115\u202f014"),
        (0.5, 0, "0"),
        (-1234.5, 1, "-1\u202f234,5"),
        (-0.04, 1, "0,0"),
        (float("nan"), 1, "\u2014"),  # the dash; maps write « donnée absente »
        (None, 1, "\u2014"),
    ],
)
def test_format_fr(x, decimals, expected):
    assert format_fr(x, decimals) == expected


@pytest.mark.parametrize("scheme", ["quantiles", "equalinterval", "fisherjenks"])
def test_classes_equal_mapclassify(density, scheme):
    y = density["densite"].to_numpy()
    reference = {
        "quantiles": mapclassify.Quantiles,
        "equalinterval": mapclassify.EqualInterval,
        "fisherjenks": mapclassify.FisherJenks,
    }[scheme](y, k=5)
    np.testing.assert_array_equal(
        classify_values(y, scheme=scheme).bins, reference.bins
    )


def test_naturalbreaks_is_exact_jenks_and_random_schemes_are_refused(density):
    y = density["densite"]
    nb = classify_values(y, scheme="natural_breaks", k=4)
    np.testing.assert_array_equal(nb.bins, mapclassify.FisherJenks(y, k=4).bins)
    for scheme in ("maxp", "fisherjenkssampled", "JenksCaspallSampled"):
        with pytest.raises(ValueError, match="hasard"):
            classify_values(y, scheme=scheme)
    with pytest.raises(ValueError, match="quantiles, equalinterval"):
        classify_values(y, scheme="kmeans")
    with pytest.raises(ValueError, match="bins"):
        classify_values(y, scheme="userdefined")


def test_choropleth_legend_bounds_are_mapclassify_and_french(density):
    page = render_html(choropleth_map(density, "densite", label="Densité", k=5))
    reference = mapclassify.Quantiles(density["densite"].to_numpy(), k=5)
    assert legend_bounds(page) == reference.bins.tolist()
    for bound in reference.bins:
        assert format_fr(bound, 1) in page  # densities have one decimal
    assert "de 15,9 à 22,8" in page  # second class, decimal commas
    assert "Quantiles, 5 classes" in page


def test_choropleth_missing_values_are_grey(density):
    communes = density.copy()
    communes.loc[communes.index[:3], "densite"] = np.nan
    page = render_html(choropleth_map(communes, "densite", label="Densité"))
    assert "donnée absente (3)" in page
    styles = layer_options(page)[0]["styles"]
    grey = [
        f
        for f in features(page)
        if styles[f["properties"]["s"]]["fillColor"] == NO_DATA_COLOR
    ]
    assert len(grey) == 3
    assert all(f["properties"]["v"][-1] == "donnée absente" for f in grey)


def test_population_is_shown_without_decimals(territory):
    page = render_html(diagnosis_map(territory, column="population", k=4))
    vsl = next(
        f for f in features(page) if f["properties"].get("code_insee") == "47323"
    )
    assert vsl["properties"]["v"][2] == format_fr(vsl_population(territory), 0)
    assert js_text("Population municipale") in page  # default French label
    # Whole numbers: classes are integer ranges, "de min à ⌊b1⌋", "de ⌊b1⌋+1 à ⌊b2⌋"…
    y = territory.communes["population"].to_numpy()
    b = mapclassify.Quantiles(y, k=4).bins
    assert f"de {format_fr(y.min(), 0)} à {format_fr(np.floor(b[0]), 0)} (" in page
    assert (
        f"de {format_fr(np.floor(b[0]) + 1, 0)} à {format_fr(np.floor(b[1]), 0)} ("
        in page
    )


def vsl_population(territory) -> int:
    return int(territory.communes.set_index("code_insee").loc["47323", "population"])


# ---------------------------------------------------------------------------
# The assembled map
# ---------------------------------------------------------------------------


def test_diagnosis_map_content(page, territory):
    feats = features(page)
    communes = [f for f in feats if "code_insee" in f["properties"]]
    assert len(communes) == 133
    assert {f["properties"]["code_insee"] for f in communes} == set(
        territory.communes["code_insee"]
    )
    assert sum("epci_siren" in f["properties"] for f in feats) == 5
    assert set(datalist(page)) == set(territory.communes["nom"])
    assert len(datalist(page)) == 133
    for name in (
        "Densité (hab./km²)",
        "Intercommunalités (EPCI)",
        "Locaux vacants (5)",
        "Acteurs : financeur (2)",
        "Événements locaux (2)",
    ):
        assert js_text(name) in page, name
    assert "L.control.layers(" in page
    assert 'class="mitlib-legende"' in page and "Rechercher une commune" in page


def test_coordinates_are_rounded_to_five_decimals(page):
    def coords(x):
        if isinstance(x, float):
            yield x
        elif isinstance(x, list):
            for item in x:
                yield from coords(item)

    values = [v for f in features(page) for v in coords(f["geometry"]["coordinates"])]
    assert len(values) > 5000
    assert all(round(v, 5) == v for v in values)


def test_actor_categories_have_their_own_layer_and_colour():
    m = add_actors_layer(None, make_acteurs())
    page = render_html(m)
    groups = layer_options(page)
    assert len(groups) == 4  # categories present
    colours = [g["styles"][0]["fillColor"] for g in groups]
    assert len(set(colours)) == 4 and set(colours) <= set(CATEGORY_COLORS)
    only = render_html(add_actors_layer(None, make_acteurs(), ["financeur"]))
    assert len(layer_options(only)) == 1 and len(features(only)) == 2
    with pytest.raises(ValueError, match="Catégories possibles"):
        add_actors_layer(None, make_acteurs(), ["banque"])


def test_premises_are_clustered_and_events_dated():
    m = add_premises_layer(None, make_locaux())
    add_events_layer(m, make_evenements())
    page = render_html(m)
    assert "L.markerClusterGroup(" in page
    events = [
        f for f in features(page) if f["properties"].get("h", "").startswith("Foire")
    ]
    assert (
        events[0]["properties"]["h"]
        == "Foire de printemps (du 13/05/2027 au 15/05/2027)"
    )
    premises = [f for f in features(page) if f["properties"]["t"].startswith("Local")]
    assert len(premises) == 5
    assert "80,5 m²" in premises[0]["properties"]["v"]
    assert "1\u202f250 €" in premises[0]["properties"]["v"]


def test_builders_add_to_the_map_given(density):
    m = new_map(bounds=[[44.2, 0.3], [44.7, 1.1]])
    assert choropleth_map(density, "densite", m=m) is m
    assert add_premises_layer(m, make_locaux()) is m


# ---------------------------------------------------------------------------
# Escaping and privacy
# ---------------------------------------------------------------------------


def test_user_text_is_escaped_everywhere(page, territory):
    assert XSS not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    communes = territory.communes.copy()
    communes.loc[communes.index[0], "nom"] = XSS
    m = choropleth_map(communes, "population", label=f"Indice {XSS}")
    escaped = render_html(add_search_control(m, communes))
    assert XSS not in escaped
    assert '<option value="&lt;script&gt;alert(1)&lt;/script&gt;">' in escaped
    assert "Indice &lt;script&gt;" in escaped


def test_private_columns_never_reach_the_page(page):
    assert (
        EMAIL not in page and "Marie Martin" not in page and "Jean Dupont" not in page
    )
    assert PHONE not in page and "07 99 99 99 99" not in page


def test_sample_maps_contain_no_contact():
    try:
        example_path("locaux")
    except FileNotFoundError:
        pytest.skip("données d'exemple absentes")
    t = load_territory()
    tables = {n: load_example(n, t) for n in ("locaux", "acteurs", "evenements")}
    m = diagnosis_map(
        t, None, tables["locaux"], tables["acteurs"], tables["evenements"]
    )
    page = render_html(m)
    assert "@example.org" not in page
    assert BANNER in page
    assert len(page.encode("utf-8")) <= 1_500_000
    assert external_references(page) == []


# ---------------------------------------------------------------------------
# Offline and deterministic
# ---------------------------------------------------------------------------


def test_page_is_self_contained(page):
    assert external_references(page) == []
    # The only link is the default attribution prefix inside Leaflet's code,
    # which the page switches off (setPrefix(false)).
    links = re.findall(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]*)""", page)
    assert set(links) == {"https://leafletjs.com"}
    assert ".attributionControl.setPrefix(false)" in page
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", page, re.I)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrap", "font-awesome"):
        assert cdn not in page
    assert "Leaflet 1.9.3, a JS library for interactive maps" in page  # inlined
    assert "L.MarkerClusterGroup=" in page
    assert "url(data:image/png;base64," in page  # layers.png of leaflet.css
    assert "sourceMappingURL" not in page


def test_external_references_finds_tiles_and_links():
    page = render_html(new_map(bounds=[[44, 0], [45, 1]], tiles="OpenStreetMap"))
    assert any("tile.openstreetmap.org" in url for url in external_references(page))
    assert external_references('<link rel="stylesheet" href="//cdn.x/a.css">') == [
        "//cdn.x/a.css"
    ]


def test_same_build_twice_gives_same_bytes(page):
    assert reference_html() == page


def test_render_is_idempotent():
    m = add_events_layer(None, make_evenements())
    assert render_html(m) == render_html(m) == m.get_root().render()


def test_other_process_gives_same_bytes(page, tmp_path):
    out = tmp_path / "autre.html"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import test_maps; "
        "open(sys.argv[2], 'w', encoding='utf-8').write(test_maps.reference_html())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(out)],
        check=True,
        env=env,
        timeout=120,
    )
    assert out.read_text(encoding="utf-8") == page


def test_save_map_writes_the_rendered_page(tmp_path):
    m = add_premises_layer(None, make_locaux())
    path = save_map(m, tmp_path / "carte.html")
    assert path.read_bytes() == render_html(m).encode("utf-8")


# ---------------------------------------------------------------------------
# Fictional banner
# ---------------------------------------------------------------------------

BANNER = f'<div class="mitlib-bandeau" role="note">{FICTIONAL_COLUMN}</div>'


def test_fictional_banner(territory, density):
    assert BANNER not in render_html(choropleth_map(density, "densite"))
    assert BANNER in render_html(choropleth_map(density, "densite", fictional=True))
    assert BANNER in render_html(add_premises_layer(None, make_locaux(fictional=True)))
    assert BANNER not in render_html(add_premises_layer(None, make_locaux()))
    flagged = diagnosis_map(territory, acteurs=make_acteurs(fictional=True))
    assert render_html(flagged).count(BANNER) == 1


def test_layers_work_on_plain_folium_maps():
    m = folium.Map(location=[44.4, 0.7], zoom_start=9, tiles=None)
    page = add_events_layer(m, make_evenements()).get_root().render()
    assert external_references(page) == []
    assert len(features(page)) == 2


def test_lambert93_inputs_are_reprojected(density):
    page = render_html(choropleth_map(density.to_crs(LAMBERT93), "densite"))
    lon, lat = features(page)[0]["geometry"]["coordinates"][0][0][0]
    assert 0 < lon < 2 and 44 < lat < 45


# ---------------------------------------------------------------------------
# Large territories: packed layers, simplified contours
# ---------------------------------------------------------------------------


def test_packed_layer_unpacks_to_the_same_geojson():
    point = {"type": "Point", "coordinates": [0.70356, 44.40713]}
    square = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[0.7, 44.4], [0.71, 44.4], [0.71, 44.41], [0.7, 44.41], [0.7, 44.4]]]
        ],
    }
    line = {"type": "LineString", "coordinates": [[0.7, 44.4], [0.69999, 44.40001]]}
    feats = [
        feature(point, t="Local L-1", v=["commerce", "1 rue du Lot", ""], s=1),
        feature(point, t="Local L-2", h="Local L-2 (atelier)", v=["commerce", "", ""]),
        feature(square, code_insee="47323", t="Villeneuve-sur-Lot", v=["47323"]),
        feature(line, t="commerce", v=[]),
    ]
    packed = pack_features(feats)
    assert packed["d"] == ["commerce"]  # the only repeated text of three letters+
    assert packed["p"] == ["code_insee", "h", "s", "t", "v"]
    assert packed["f"][0] == [[0.70356, 44.40713], None, None, 1, "Local L-1",
                              [0, "1 rue du Lot", ""]]  # fmt: skip
    assert packed["f"][3][0] == {"type": "LineString", "q": [70000, 4440000, -1, 1]}
    round_trip = unpack(json.loads(script_json(packed)))["features"]
    assert json.dumps(round_trip, sort_keys=True) == json.dumps(feats, sort_keys=True)


def _as_a_region(monkeypatch) -> None:
    """Simplify the Pays (4,400 vertices) as if it were a region."""
    monkeypatch.setattr(geojson, "SIMPLIFY_ABOVE", 1_000)


def test_large_coverage_is_simplified_keeping_shared_borders(territory, monkeypatch):
    _as_a_region(monkeypatch)
    shown = map_contours(territory.communes, territory.epci)
    assert shown.decimals == 4
    assert shown.tolerance_m == pytest.approx(71_000 / geojson.VIEW_PIXELS, rel=0.02)
    before = shapely.get_num_coordinates(territory.communes.geometry.values).sum()
    after = shapely.get_num_coordinates(shown.communes.geometry.values).sum()
    assert after < before
    assert shapely.coverage_is_valid(shown.communes.geometry.values)  # no gap, overlap
    assert shown.communes.index.equals(territory.communes.index)
    for siren, epci in shown.epci.set_index("epci_siren").geometry.items():
        own = shown.communes[shown.communes["epci_siren"] == siren].geometry.values
        assert epci.equals(shapely.coverage_union_all(own)), siren


def _vertices(geometry: dict) -> set[tuple[float, float]]:
    coords = shapely.get_coordinates(shapely.geometry.shape(geometry))
    return set(map(tuple, coords.tolist()))


def test_large_map_shares_borders_and_draws_on_a_canvas(territory, monkeypatch):
    unchanged = render_html(diagnosis_map(territory, column="population"))
    _as_a_region(monkeypatch)
    page = render_html(diagnosis_map(territory, column="population"))
    assert '"preferCanvas": true' in page and 'preferCanvas": true' not in unchanged
    feats = features(page)
    communes = [f for f in feats if "code_insee" in f["properties"]]
    epci = [f for f in feats if "epci_siren" in f["properties"]]
    assert len(communes) == 133 and len(epci) == 5
    commune_vertices = set().union(*(_vertices(f["geometry"]) for f in communes))
    for f in epci:  # every EPCI border runs along commune borders
        assert _vertices(f["geometry"]) <= commune_vertices
    assert all(round(x, 4) == x for x, _ in commune_vertices)
    assert len(page) < len(unchanged)
    communes_layer, epci_layer = layer_options(page)[:2]
    assert {s["weight"] for s in communes_layer["styles"]} == {0.3}  # thinner
    assert epci_layer["styles"][0]["weight"] == 1.5


def test_small_map_keeps_its_contours(territory, page):
    assert '"preferCanvas": true' not in page
    first = next(f for f in features(page) if "code_insee" in f["properties"])
    code = first["properties"]["code_insee"]
    own = territory.communes.set_index("code_insee").geometry[code]
    expected = shapely.transform(own, lambda c: np.round(c, 5))
    assert shapely.geometry.shape(first["geometry"]).equals_exact(expected, 0)


def test_map_opens_on_the_main_part_of_a_territory(territory):
    far = territory.communes.iloc[:1].copy()  # a commune moved to La Réunion
    far["geometry"] = far.translate(55.5 - 0.7, -21.1 - 44.4)
    far["code_insee"] = "97411"
    both = pd.concat([territory.communes, far], ignore_index=True)
    lon, lat = main_bounds_lonlat(both)
    minx, miny, maxx, maxy = territory.communes.total_bounds
    assert lon.tolist() == [minx, maxx] and lat.tolist() == [miny, maxy]
    page = render_html(choropleth_map(both, "population"))
    assert f"[[{miny}, {minx}], [{maxy}, {maxx}]]" in page  # fitBounds


def test_cluster_is_on_the_map_before_its_markers(monkeypatch):
    """Markers added to a cluster not yet on the map cost a quadratic scan."""
    page = render_html(add_premises_layer(None, make_locaux()))
    on_map = re.search(r"(marker_cluster_\d+)\.addTo\(map_\d+\)", page)
    markers = page.index(f"addTo({on_map.group(1)})")
    assert on_map.start() < markers
    assert '"chunkedLoading": true' not in page
    monkeypatch.setattr(render_maps, "CHUNKED_ABOVE", 4)  # 5 premises: in chunks
    chunked = render_html(add_premises_layer(None, make_locaux()))
    assert '"chunkedLoading": true' in chunked


def test_many_actors_and_events_open_unticked(territory, monkeypatch):
    def added(page: str) -> int:
        return len(re.findall(r"feature_group_\d+\.addTo\(map_\d+\)", page))

    tables = {"acteurs": make_acteurs(), "evenements": make_evenements()}
    shown = render_html(diagnosis_map(territory, **tables))
    assert added(shown) == 5  # four categories of actors, the events
    monkeypatch.setattr(diagnostic_maps, "UNTICKED_POINTS_ABOVE", 6)  # 7 points
    page = render_html(diagnosis_map(territory, **tables))
    assert added(page) == 0
    assert page.count("L.featureGroup(") == 5  # still in the layer switcher
    assert js_text("Événements locaux (2)") in page
