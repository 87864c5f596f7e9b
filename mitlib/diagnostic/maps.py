r"""The diagnosis map: a commune indicator, EPCI borders, premises, actors, events.

:func:`diagnosis_map` assembles the generic layers of :mod:`mitlib.render.maps`
(choropleth, EPCI borders, commune search, layer switcher, fictional banner)
with the layers of the three diagnosis tables built here: vacant premises,
actors by category, local events. Like every builder it returns a
:class:`folium.Map` and accepts an existing one to add to (``m=None`` creates
one); :func:`~mitlib.render.offline.render_html` and
:func:`~mitlib.render.offline.save_map` produce the offline, deterministic page.

Maps are made to be shared, so:

* popups and tooltips show a fixed list of public columns per table; the
  personal-data columns of :mod:`mitlib.data.schemas` (``proprio_contact``,
  ``contact``) are dropped before anything else and never reach the page;
* every piece of user text is HTML-escaped (:func:`html.escape`) in Python
  before it enters a popup, a tooltip, a legend, a layer name or the commune
  search list;
* a banner marks maps built from the bundled sample
  (:func:`~mitlib.data.fictional.is_fictional`) or with ``fictional=True``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import pandas as pd

from mitlib.core.errors import OptionError
from mitlib.data.fictional import is_fictional
from mitlib.data.schemas import get_schema
from mitlib.data.territory import Territory
from mitlib.data.vocabularies import ACTOR_CATEGORIES
from mitlib.diagnostic.indicators import indicator_labels
from mitlib.diagnostic.metadata import indicator
from mitlib.render.geojson import (
    esc_text,
    format_cell,
    lonlat,
    map_contours,
    point_features,
)
from mitlib.render.maps import (
    DEFAULT_ATTRIBUTION,
    add_epci_layer,
    add_layer_control,
    add_point_layer,
    add_search_control,
    choropleth_map,
    circle_style,
    finish_map,
    fitted_map,
    start_map,
    swatch,
)
from mitlib.render.palettes import CATEGORY_COLORS

__all__ = [
    "UNTICKED_POINTS_ABOVE",
    "add_actors_layer",
    "add_events_layer",
    "add_premises_layer",
    "diagnosis_map",
]

_PREMISES_COLORS = ("#2c7bb6", "#1a9850")  # other, available for a marathon
_EVENT_COLOR = "#6a3d9a"
#: Beyond this many actors and events (drawn one by one, not clustered), the
#: diagnosis map opens with their layers unticked: they would cover the
#: choropleth (a region has about 3,600 in the benchmark, France 28,000).
UNTICKED_POINTS_ABOVE = 5_000


# ---------------------------------------------------------------------------
# Popups of the three tables
# ---------------------------------------------------------------------------


def _event_dates(record: Mapping) -> str:
    first = format_cell(record.get("date_debut"))
    last = format_cell(record.get("date_fin"))
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
    labels = [esc_text(label) for _, label, _ in fields]
    return labels, [(col, kinds.get(col, "texte"), unit) for col, _, unit in fields]


def _cell(value: object, column: str, kind: str, unit: str) -> str:
    text = format_cell(value, kind)
    if column == "controle_position" and text == "ok":
        text = ""
    return esc_text(text + unit) if text else ""


def _values(record: Mapping, fields: list[tuple[str, str, str]], seen: dict) -> list:
    """Escaped popup values of a record; ``seen`` keeps the text of the values
    met before (a layer repeats categories, dates, sources thousands of times)."""
    out = []
    for column, kind, unit in fields:
        value = record.get(column)
        try:
            key = (column, type(value), value)
            text = seen.get(key)
        except TypeError:  # a list: not hashable
            key, text = None, None
        if text is None:
            text = _cell(value, column, kind, unit)
            if key is not None:
                seen[key] = text
        out.append(text)
    return out


# ---------------------------------------------------------------------------
# Layers of the three tables
# ---------------------------------------------------------------------------


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
    seen: dict = {}  # texts of the values met, see _values

    def properties(r: Mapping) -> dict:
        kind = format_cell(r.get("type_local"))
        title = f"Local {format_cell(r.get('id'))}" + (f" ({kind})" if kind else "")
        available = r.get("disponible_marathon") is True
        values = _values(r, fields, seen)
        return {"t": esc_text(title), "v": values, "s": int(available)}

    features = point_features(data, properties)
    m = start_map(m, *lonlat(data))
    layer_name = (
        f"{esc_text(name)} ({len(features)}) : "
        f"{swatch(_PREMISES_COLORS[1], 'disponibles pour un marathon')} "
        f"{swatch(_PREMISES_COLORS[0], 'autres')}"
    )
    styles = [circle_style(c) for c in _PREMISES_COLORS]
    add_point_layer(m, layer_name, features, labels, styles, cluster=True)
    return finish_map(m, fictional or is_fictional(locaux))


def add_actors_layer(
    m: folium.Map | None,
    acteurs: pd.DataFrame,
    categories: Sequence[str] | None = None,
    *,
    fictional: bool = False,
    show: bool = True,
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
        order of :data:`mitlib.data.vocabularies.ACTOR_CATEGORIES`). Colours
        stay tied to categories whatever is shown
        (:data:`~mitlib.render.palettes.CATEGORY_COLORS`).
    fictional : bool
        Show the fictional-data banner (also when ``acteurs`` is the sample).
    show : bool
        Layers ticked at opening (else listed unticked in the layer switcher).
    """
    data = get_schema("acteurs").public_frame(acteurs)
    known = list(ACTOR_CATEGORIES)
    present = data["categorie"].dropna().astype(str).unique().tolist()
    everything = known + sorted(c for c in present if c not in known)
    if categories is None:
        categories = [c for c in everything if c in present]
    unknown = [c for c in categories if c not in everything]
    if unknown:
        raise OptionError(
            f"Catégorie(s) inconnue(s) : {', '.join(unknown)}. "
            f"Catégories possibles : {', '.join(everything)}"
        )
    colors = {
        c: CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i, c in enumerate(everything)
    }
    labels, fields = _public_fields("acteurs")
    seen: dict = {}  # texts of the values met, see _values

    def properties(r: Mapping) -> dict:
        return {"t": esc_text(format_cell(r.get("nom"))), "v": _values(r, fields, seen)}

    m = start_map(m, *lonlat(data))
    for category in categories:
        features = point_features(data[data["categorie"] == category], properties)
        title = f"Acteurs : {category} ({len(features)})"
        styles = [circle_style(colors[category])]
        name = swatch(colors[category], title)
        add_point_layer(m, name, features, labels, styles, show=show)
    return finish_map(m, fictional or is_fictional(acteurs))


def add_events_layer(
    m: folium.Map | None,
    evenements: pd.DataFrame,
    *,
    name: str = "Événements locaux",
    fictional: bool = False,
    show: bool = True,
) -> folium.Map:
    """Local events (fairs, markets, salons…) as purple circles (layer ticked
    at opening unless ``show`` is false)."""
    data = get_schema("evenements").public_frame(evenements)
    labels, fields = _public_fields("evenements")
    seen: dict = {}  # texts of the values met, see _values

    def properties(r: Mapping) -> dict:
        record = {**r, "dates": _event_dates(r)}
        nom = format_cell(r.get("nom"))
        hover = f"{nom} ({record['dates']})" if record["dates"] else nom
        values = _values(record, fields, seen)
        return {"t": esc_text(nom), "h": esc_text(hover), "v": values}

    features = point_features(data, properties)
    m = start_map(m, *lonlat(data))
    title = swatch(_EVENT_COLOR, f"{name} ({len(features)})")
    styles = [circle_style(_EVENT_COLOR)]
    add_point_layer(m, title, features, labels, styles, show=show)
    return finish_map(m, fictional or is_fictional(evenements))


def _commune_values(
    territory: Territory,
    indicators: pd.DataFrame | None,
    column: str,
    contours: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Territory communes with ``column`` taken from ``indicators`` (and the
    ``contours`` drawn, on the index of ``territory.communes``)."""
    base = territory.communes if contours is None else contours
    if indicators is None:
        return base
    if column not in indicators.columns:
        columns = ", ".join(map(str, indicators.columns))
        raise OptionError(f"Indicateur « {column} » absent. Colonnes : {columns}")
    if "code_insee" in indicators.columns:
        values = base["code_insee"].map(indicators.set_index("code_insee")[column])
    elif indicators.index.name == "code_insee":
        values = base["code_insee"].map(indicators[column])
    else:  # on the index of territory.communes, like mitlib.diagnostic.indicators
        values = indicators[column].reindex(base.index)
    out = base[["code_insee", "nom", "epci_siren", "epci_nom", "geometry"]].copy()
    out[column] = values.to_numpy()
    return out


def _decimals(column: str) -> int | None:
    """Decimals of an indicator's legend and popups, from its metadata."""
    meta = indicator(column)
    return None if meta is None or meta.kind in {"share", "flag"} else meta.decimals


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

    A choropleth of one commune indicator
    (:func:`~mitlib.render.maps.choropleth_map`), the EPCI
    borders, the premises, actors and events when given, a layer switcher and
    a commune search box.

    The contours of a large territory (a region, France) are simplified for
    the page, communes and EPCI keeping their shared borders
    (:func:`~mitlib.render.geojson.map_contours`), and drawn on a canvas
    rather than as SVG elements, which keeps the page light and quick; those
    of a smaller territory (the Pays) are drawn unchanged. Beyond
    :data:`UNTICKED_POINTS_ABOVE` actors and events, their layers open
    unticked (the layer switcher shows them).

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
    column, scheme, k, bins, colors, decimals
        The indicator mapped and its classes
        (:func:`~mitlib.render.maps.choropleth_map`); ``decimals`` defaults
        to the indicator's (:mod:`mitlib.diagnostic.metadata`).
    label : str, optional
        French title of the legend and layer (default: the indicator's label
        from :func:`mitlib.diagnostic.indicators.indicator_labels`, else
        ``column``).
    categories : sequence of str, optional
        Actor categories shown (:func:`add_actors_layer`).
    fictional : bool
        Show the fictional-data banner (also shown when an input is the
        sample: :func:`~mitlib.data.fictional.is_fictional`).
    tiles : str or folium.TileLayer, optional
        Background tiles (need network access); none by default.

    Examples
    --------
    >>> from mitlib.data.territory import load_territory
    >>> from mitlib.render.offline import render_html
    >>> page = render_html(diagnosis_map(load_territory()))
    >>> page.count("<option value="), "Population municipale" in page
    (133, True)
    """
    contours = map_contours(territory.communes, territory.epci)
    communes = _commune_values(territory, indicators, column, contours.communes)
    meta = territory.meta or {}
    attribution = DEFAULT_ATTRIBUTION
    if meta.get("sources_primaires") and meta.get("licence"):
        attribution = f"{meta['sources_primaires']} — {meta['licence']}"
    m = fitted_map(
        territory.communes,
        tiles=tiles,
        title=f"Diagnostic — {territory.name}",
        attribution=attribution,
    )
    # thousands of communes: one canvas, not thousands of SVG elements, and
    # thinner borders (pixels)
    large = contours.tolerance_m > 0
    commune_line, epci_line = (0.3, 1.5) if large else (0.6, 2.5)
    if large:
        m.options["prefer_canvas"] = True
    fictional = fictional or is_fictional(indicators, locaux, acteurs, evenements)
    choropleth_map(
        communes,
        column,
        scheme=scheme,
        k=k,
        bins=bins,
        label=label or indicator_labels().get(column, column),
        colors=colors,
        decimals=_decimals(column) if decimals is None else decimals,
        m=m,
        fictional=fictional,
        coord_decimals=contours.decimals,
        line_weight=commune_line,
    )
    add_epci_layer(
        m, contours.epci, coord_decimals=contours.decimals, line_weight=epci_line
    )
    if locaux is not None:
        add_premises_layer(m, locaux)
    points = sum(len(t) for t in (acteurs, evenements) if t is not None)
    show = points <= UNTICKED_POINTS_ABOVE
    if acteurs is not None:
        add_actors_layer(m, acteurs, categories, show=show)
    if evenements is not None:
        add_events_layer(m, evenements, show=show)
    add_search_control(m, territory.communes, coord_decimals=contours.decimals)
    return add_layer_control(m)
