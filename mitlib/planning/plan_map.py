"""The offline map of a marathon plan: welcome point, premises used, walks.

:func:`plan_map` draws on a white background (no tiles: the page opens
without network) the outline of the host commune, the welcome point, each
premises used with a label listing its teams (the projects' titles) and the
walking route from the welcome point to it. No street network is available
offline: the route is a straight line, and its minutes are those of the
plan (straight-line distance × 1,3 at 4,5 km/h), as the legend and the
tooltips say. When teams lack premises, the premises to ask are a layer of
their own. :func:`save_plan_map` writes the page (byte-identical from run to
run, checked offline by :func:`~mitlib.render.offline.external_references`).

Every text from the files is HTML-escaped, and made inert inside the
JavaScript template strings of folium (backticks, ``${``, backslashes).
"""

from __future__ import annotations

import html
from pathlib import Path

import folium
import numpy as np

from mitlib.binomes.inputs import cell_text
from mitlib.core.text import count_fr, format_fr
from mitlib.planning.calendars import (
    team_name,
    walk_minutes,
    walk_text,
    welcome_label,
)
from mitlib.planning.plan import WELCOME, MarathonPlan
from mitlib.planning.premises import DETOUR, WALK_KMH
from mitlib.render.geojson import feature, lonlat, rounded_geometries
from mitlib.render.maps import (
    DEFAULT_ATTRIBUTION,
    FeatureLayer,
    Legend,
    add_layer_control,
    finish_map,
    start_map,
)
from mitlib.render.offline import element_ids, new_map, save_map

__all__ = ["ROUTE_NOTE", "plan_map", "save_plan_map"]

#: What the routes are (legend and tooltips).
ROUTE_NOTE = (
    f"tracé à vol d'oiseau, distance ×{format_fr(DETOUR, 1)} "
    f"(marche à {format_fr(WALK_KMH, 1)} km/h)"
)
_WELCOME_COLOR = "#b30000"
_USED_COLOR = "#1f5fa8"
_ASK_COLOR = "#e08a00"
_MIN_SPAN = 0.004  # degrees: the map shows at least ~400 m around the points


def _text(value: object) -> str:
    """Escaped for HTML and inert in a JavaScript template string."""
    escaped = html.escape(str(value), quote=True)
    return escaped.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _points(plan: MarathonPlan, ids: list[str]) -> dict[str, tuple[float, float]]:
    """(lat, lon) of the premises *ids* with a known position."""
    data = plan.inputs.locaux.data
    sub = data[data["id"].map(cell_text).isin(ids)]
    lon, lat = lonlat(sub)
    out = {}
    for key, x, y in zip(sub["id"].map(cell_text), lon, lat, strict=True):
        if np.isfinite(x) and np.isfinite(y):
            out[key] = (round(float(y), 5), round(float(x), 5))
    return out


def _bounds(points: list[tuple[float, float]]) -> list[list[float]]:
    lat = [p[0] for p in points]
    lon = [p[1] for p in points]
    south, north, west, east = min(lat), max(lat), min(lon), max(lon)
    pad_lat = max(_MIN_SPAN - (north - south), 0) / 2 + 0.0005
    pad_lon = max(_MIN_SPAN - (east - west), 0) / 2 + 0.0005
    width = east - west + 2 * pad_lon
    # room on the right for the labels and the legend
    return [
        [south - pad_lat, west - pad_lon],
        [north + pad_lat, east + pad_lon + width],
    ]


def _outline(m: folium.Map, plan: MarathonPlan, territory) -> None:
    """The host commune's outline, when the territory knows it."""
    communes = territory.communes
    row = communes[communes["code_insee"] == plan.host]
    if row.empty:
        return
    geometry = rounded_geometries(row.to_crs("EPSG:4326").geometry)[0]
    if geometry is None:
        return
    style = {"color": "#555555", "weight": 1.5, "fill": False, "dashArray": "6 4"}
    with element_ids(m):
        FeatureLayer(
            [feature(geometry, t=_text(plan.host_name), v=[])],
            name=None,
            labels=[],
            styles=[style],
            control=False,
        ).add_to(m)


def _teams_at(plan: MarathonPlan, premises: str) -> list[str]:
    return [t for t in plan.teams if plan.team_premises.get(t) == premises]


def _entry(plan: MarathonPlan, p: str, walks) -> str:
    """Address, id and walk of a premises, then its teams (HTML)."""
    address = cell_text(plan.premises.premises.set_index("local").at[p, "adresse"])
    teams = "".join(f"<li>{_text(team_name(plan, t))}</li>" for t in _teams_at(plan, p))
    return (
        f"<b>{_text(address or p)}</b> ({_text(p)}) — "
        f"{_text(walk_text(walks[WELCOME, p]))}<ul>{teams}</ul>"
    )


def _popup(plan: MarathonPlan, group: list[str], walks) -> str:
    used = plan.premises.premises.set_index("local")
    parts = []
    for p in group:
        row = used.loc[p]
        state = cell_text(row.get("bati_etat", "")) or "état non renseigné"
        n = len(_teams_at(plan, p))
        parts.append(
            f'<div class="titre">{_text(row["adresse"])}</div>'
            f"Local {_text(p)} — {_text(format_fr(row['surface_m2'], 1))} m², "
            f"{_text(state)}<br>Depuis l'accueil : "
            f"{_text(walk_text(walks[WELCOME, p]))} ({_text(ROUTE_NOTE)})<br>"
            f"{_text(count_fr(n, 'équipe', 'équipes'))} :<ul>"
            + "".join(
                f"<li>{_text(team_name(plan, t))} ({_text(t)})</li>"
                for t in _teams_at(plan, p)
            )
            + "</ul>"
        )
    return f'<div class="mitlib-popup">{"".join(parts)}</div>'


def _badge(number: int, color: str) -> str:
    return (
        f'<div style="width:22px;height:22px;border-radius:50%;background:{color};'
        "border:2px solid #fff;box-shadow:0 0 3px rgba(0,0,0,.6);color:#fff;"
        'font:bold 12px/22px system-ui,sans-serif;text-align:center">'
        f"{number}</div>"
    )


def _legend(plan: MarathonPlan, groups, walks, asked: int) -> str:
    """The key: numbered premises with their teams, then the symbols."""
    rows = [
        f'<div class="titre">Marathon {_text(plan.marathon)} à '
        f"{_text(plan.host_name)} : locaux et équipes</div>"
    ]
    for number, group in enumerate(groups, start=1):
        badge = (
            f'<span style="display:inline-block;width:16px;height:16px;'
            f"border-radius:50%;background:{_USED_COLOR};color:#fff;"
            "text-align:center;font:bold 11px/16px system-ui,sans-serif;"
            f'margin-right:4px">{number}</span>'
        )
        entries = "".join(_entry(plan, p, walks) for p in group)
        rows.append(f'<div class="plan-local">{badge}{entries}</div>')
    rows.append(
        f'<div><i style="border:3px solid {_WELCOME_COLOR};border-radius:50%;'
        "background:none\"></i>Point d'accueil</div>"
    )
    if asked:
        rows.append(
            f'<div><i style="background:{_ASK_COLOR};border-radius:50%"></i>'
            "Local à solliciter (détails au survol)</div>"
        )
    rows.append(
        f'<div><i style="border:0;border-top:2px dashed {_USED_COLOR};height:0">'
        "</i>Trajet à pied depuis l'accueil</div>"
        f'<div class="methode">Trajets : {_text(ROUTE_NOTE)} ; pas de réseau de '
        "rues hors ligne.</div>"
    )
    style = (
        "<style>.plan-cle{max-width:330px;max-height:70vh;overflow:auto}"
        ".plan-cle ul{margin:0 0 4px 20px;padding:0}"
        ".plan-local{margin:4px 0}</style>"
    )
    return f'<div id="" class="mitlib-legende plan-cle">{style}{"".join(rows)}</div>'


def plan_map(plan: MarathonPlan, *, territory=None) -> folium.Map:
    """The offline map of the plan (module docstring)."""
    if territory is None:
        from mitlib.data.territory import load_territory

        territory = load_territory()
    used = list(plan.premises.premises["local"])
    where = _points(plan, used)
    suggestions = plan.premises.suggestions
    asked = list(suggestions["local"]) if len(suggestions) else []
    asked_at = _points(plan, asked)
    lon0, lat0 = plan.premises.welcome
    welcome = (round(float(lat0), 5), round(float(lon0), 5))
    near = [  # far suggestions stay on their layer, out of the first view
        asked_at[r.local]
        for r in suggestions.itertuples()
        if r.local in asked_at and str(r.code_insee) == plan.host
    ]
    box = _bounds([welcome, *where.values(), *near])
    m = new_map(
        bounds=box,
        title=f"Locaux du marathon {plan.marathon} — {plan.host_name}",
        attribution=(
            f"Locaux : {plan.inputs.locaux.path.name} ; contours : "
            f"{DEFAULT_ATTRIBUTION}"
        ),
    )
    m = start_map(m, np.array([b[1] for b in box]), np.array([b[0] for b in box]))
    _outline(m, plan, territory)
    walks = walk_minutes(plan)
    spots: dict[tuple[float, float], list[str]] = {}
    for p in used:
        if p in where:
            spots.setdefault(where[p], []).append(p)
    with element_ids(m):
        routes = folium.FeatureGroup(name="Trajets à pied depuis l'accueil")
        for p in used:
            if p in where and where[p] != welcome:
                text = f"Accueil → {p} : {walk_text(walks[WELCOME, p])} ({ROUTE_NOTE})"
                folium.PolyLine(
                    [welcome, where[p]],
                    color=_USED_COLOR,
                    weight=3,
                    dash_array="8 6",
                    tooltip=folium.Tooltip(_text(text)),
                ).add_to(routes)
        routes.add_to(m)
        hub = folium.FeatureGroup(name="Point d'accueil")
        folium.CircleMarker(
            location=list(welcome),
            radius=16,
            color=_WELCOME_COLOR,
            weight=3,
            fill=True,
            fill_color=_WELCOME_COLOR,
            fill_opacity=0.12,
            tooltip=folium.Tooltip(
                _text(f"Point d'accueil : {welcome_label(plan)}"), sticky=False
            ),
        ).add_to(hub)
        hub.add_to(m)
        if asked_at:
            ask = folium.FeatureGroup(name=_text(f"Locaux à solliciter ({len(asked)})"))
            for r in suggestions.itertuples():
                if r.local not in asked_at:
                    continue
                text = (
                    f"À solliciter : {r.local} — "
                    f"{cell_text(r.adresse) or 'adresse non renseignée'} "
                    f"({r.code_insee}) : {format_fr(r.surface_m2, 1)} m², {r.motif}, "
                    f"{walk_text(r.minutes_accueil)} de l'accueil"
                )
                folium.CircleMarker(
                    location=list(asked_at[r.local]),
                    radius=7,
                    color="#ffffff",
                    weight=2,
                    fill=True,
                    fill_color=_ASK_COLOR,
                    fill_opacity=0.95,
                    tooltip=folium.Tooltip(_text(text)),
                ).add_to(ask)
            ask.add_to(m)
        places = folium.FeatureGroup(name=_text(f"Locaux du marathon ({len(used)})"))
        for number, (spot, group) in enumerate(spots.items(), start=1):
            names = ", ".join(
                team_name(plan, t) for p in group for t in _teams_at(plan, p)
            )
            folium.Marker(
                location=list(spot),
                icon=folium.DivIcon(
                    html=_badge(number, _USED_COLOR),
                    icon_size=(26, 26),
                    icon_anchor=(13, 13),
                    class_name="plan-numero",
                ),
                tooltip=folium.Tooltip(_text(f"{number}. {names}")),
                popup=folium.Popup(_popup(plan, group, walks), max_width=360),
            ).add_to(places)
        places.add_to(m)
        key = _legend(plan, list(spots.values()), walks, len(asked_at))
        m.add_child(Legend(key), name="mitlib_legend")
    add_layer_control(m)
    return finish_map(m, plan.fictional)


def save_plan_map(plan: MarathonPlan, path: Path | str, *, territory=None) -> Path:
    """Write :func:`plan_map` as a standalone offline page."""
    return save_map(plan_map(plan, territory=territory), path)
