r"""The map of the candidacies: notes of the candidate communes and proposed hosts.

Built with the generic map builders of :mod:`mitlib.render.maps` (offline,
deterministic, escaped): a choropleth of the overall note of the candidate
communes (grey: eliminated candidacy), the EPCI borders, the proposed host
communes as circles at their town hall, a commune search box and a layer
switcher; the corner of a new map names the data sources and the grid and
candidacy files (their SHA-256 are in the provenance, not over the map).
Like every builder, :func:`candidacy_map` returns the map and neither displays
nor saves it
(:func:`mitlib.render.offline.save_map` does).

Examples
--------
>>> from mitlib.candidatures.inputs import load_candidacies
>>> from mitlib.render.offline import render_html
>>> from mitlib.candidatures.proposal import analyse
>>> analysis = analyse(load_candidacies(), robustness=False)
>>> page = render_html(candidacy_map(analysis))
>>> "Communes h\\u00f4tes propos\\u00e9es (5)" in page
True
>>> from mitlib.data.fictional import FICTIONAL_COLUMN
>>> FICTIONAL_COLUMN in page
True
"""

from __future__ import annotations

import html
import warnings

import folium
import numpy as np

from mitlib.candidatures.proposal import CandidacyAnalysis
from mitlib.core.text import format_fr
from mitlib.render.maps import (
    DEFAULT_ATTRIBUTION,
    add_epci_layer,
    add_fictional_banner,
    add_layer_control,
    add_search_control,
    choropleth_map,
    fitted_map,
)
from mitlib.render.offline import element_ids

__all__ = ["HOST_COLOR", "candidacy_map"]

#: Colour of the proposed host communes.
HOST_COLOR = "#08519c"
_NOTE_LABEL = "Note des candidatures sur 20 (gris : éliminée)"


def _tooltip(text: str) -> str:
    """Escape for HTML, and for the JavaScript template literal folium writes.

    Examples
    --------
    >>> _tooltip("<b>`${x}`</b>")
    '&lt;b&gt;&#96;&#36;{x}&#96;&lt;/b&gt;'
    """
    escaped = html.escape(text, quote=True)
    return escaped.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def candidacy_map(
    analysis: CandidacyAnalysis, *, k: int = 5, m: folium.Map | None = None
) -> folium.Map:
    """Map the candidate communes' notes and the proposed hosts.

    Parameters
    ----------
    analysis : CandidacyAnalysis
        From :func:`mitlib.candidatures.proposal.analyse`.
    k : int, default 5
        Number of note classes (fewer if there are fewer distinct notes).
    m : folium.Map, optional
        Map to add the layers to; by default a new offline map of the
        territory.

    Returns
    -------
    folium.Map
    """
    territory = analysis.inputs.territory
    table = analysis.inputs.table
    communes = territory.communes
    candidates = communes[communes["code_insee"].isin(table.index)].copy()
    notes = analysis.result.table["note_sur_20"]
    candidates["note_sur_20"] = candidates["code_insee"].map(notes).to_numpy()
    if m is None:
        inputs = analysis.inputs
        m = fitted_map(
            communes,
            title=f"Candidatures — {territory.name}",
            attribution=(
                f"{DEFAULT_ATTRIBUTION} — grille {inputs.grid_path.name}, "
                f"candidatures {inputs.candidacies_path.name} (empreintes SHA-256 : "
                "voir la provenance)"
            ),
        )
    distinct = int(candidates["note_sur_20"].dropna().nunique())
    if distinct:
        with warnings.catch_warnings():  # fewer classes than asked: said in legend
            warnings.filterwarnings("ignore", "Not enough unique values")
            choropleth_map(
                candidates,
                "note_sur_20",
                k=max(1, min(k, distinct)),
                label=_NOTE_LABEL,
                decimals=1,
                m=m,
            )
    add_epci_layer(m, territory.epci)
    if analysis.proposal is not None:
        halls = communes.set_index("code_insee")
        periods = analysis.proposal_periods
        rows = analysis.proposal.table
        name = f"Communes hôtes proposées ({len(rows)})"
        with element_ids(m):
            group = folium.FeatureGroup(name=html.escape(name))
            for _, row in rows.iterrows():
                code = row["code_insee"]
                text = (
                    f"{halls.at[code, 'nom']} — {row['theme']} "
                    f"({periods.get(code, 'sans période')}) — note "
                    f"{format_fr(float(row['score']) * 20.0, 1)} / 20"
                )
                folium.CircleMarker(
                    location=[
                        float(np.round(halls.at[code, "mairie_lat"], 5)),
                        float(np.round(halls.at[code, "mairie_lon"], 5)),
                    ],
                    radius=9,
                    color=HOST_COLOR,
                    weight=3,
                    fill=True,
                    fill_color=HOST_COLOR,
                    fill_opacity=0.6,
                    tooltip=_tooltip(text),
                ).add_to(group)
            group.add_to(m)
    add_search_control(m, communes)
    if analysis.inputs.fictional:
        add_fictional_banner(m)
    return add_layer_control(m)
