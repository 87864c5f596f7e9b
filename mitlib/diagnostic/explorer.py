"""Interactive diagnosis explorer for JupyterLab (ipywidgets).

:class:`DiagnosisExplorer` holds the widgets of notebook 01: territory part
(whole Pays or one EPCI), mapped indicator, actor categories and theme shown,
zone-blanche distance threshold, and the commune whose "fiche" is displayed.
Every change rebuilds the map through :func:`mitlib.diagnostic.maps.diagnosis_map`; the
current map and fiche stay available as attributes for further use.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from mitlib.data.vocabularies import ACTOR_CATEGORIES, THEMES
from mitlib.diagnostic.diagnosis import Diagnosis, commune_profile
from mitlib.diagnostic.display import commune_profile_table
from mitlib.diagnostic.indicators import commune_indicators, indicator_labels
from mitlib.diagnostic.maps import diagnosis_map

__all__ = ["ALL", "DiagnosisExplorer", "filter_actors"]

#: Choice meaning "no filter" in the drop-downs.
ALL = "(tous)"


def filter_actors(
    acteurs: pd.DataFrame, *, categories=None, theme: str | None = None
) -> pd.DataFrame:
    """Actors of the given categories working on ``theme`` (None: no filter)."""
    keep = pd.Series(True, index=acteurs.index)
    if categories is not None:
        keep &= acteurs["categorie"].isin(list(categories))
    if theme not in (None, ALL):
        keep &= acteurs["themes"].map(lambda xs: theme in xs)
    return acteurs[keep]


class DiagnosisExplorer:
    """Widgets to explore a :class:`~mitlib.diagnostic.diagnosis.Diagnosis` on a map.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What the notebook displays.
    map_ : folium.Map
        The map for the current choices.
    fiche_ : pandas.DataFrame
        The fiche of the chosen commune (numbers).
    fiche_table_ : mitlib.render.tables.FrenchTable
        The same fiche as shown: French figures, units, footnotes.
    indicators_ : geopandas.GeoDataFrame
        Indicators recomputed with the current threshold and actor filters.
    """

    def __init__(self, diag: Diagnosis, *, column: str = "locaux_pour_1000_hab"):
        self.diag = diag
        labels = indicator_labels()
        numeric = [
            c for c in labels if c in diag.communes.columns and c != "zone_blanche"
        ]
        epci = diag.territory.epci.sort_values("epci_nom")
        self.epci = widgets.Dropdown(
            options=[("Tout le territoire", ALL)]
            + list(zip(epci["epci_nom"], epci["epci_siren"], strict=False)),
            description="Territoire",
        )
        self.indicator = widgets.Dropdown(
            options=[(labels[c], c) for c in numeric],
            value=column,
            description="Indicateur",
        )
        self.categories = widgets.SelectMultiple(
            options=list(ACTOR_CATEGORIES),
            value=tuple(ACTOR_CATEGORIES),
            description="Acteurs",
            rows=7,
        )
        self.theme = widgets.Dropdown(options=[ALL, *THEMES], description="Thème")
        self.threshold = widgets.FloatSlider(
            value=diag.threshold_km,
            min=2,
            max=30,
            step=1,
            description="Seuil (km)",
            continuous_update=False,
        )
        communes = diag.communes.sort_values("nom")
        self.commune = widgets.Dropdown(
            options=list(zip(communes["nom"], communes["code_insee"], strict=False)),
            description="Commune",
        )
        self.map_output = widgets.Output()
        self.fiche_output = widgets.Output()
        for w in (
            self.epci,
            self.indicator,
            self.categories,
            self.theme,
            self.threshold,
        ):
            w.observe(self._on_change, names="value")
        self.commune.observe(self._on_commune, names="value")
        # Outputs are filled only once the widgets are shown: a static export
        # sends no Output-widget traffic (nbclient answers each one on the
        # shell socket, see mitlib.export.execution) and renders no unused map.
        self._shown = False
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.epci, self.indicator]),
                widgets.HBox(
                    [self.categories, widgets.VBox([self.theme, self.threshold])]
                ),
                self.map_output,
                widgets.HTML("<b>Fiche commune</b>"),
                self.commune,
                self.fiche_output,
            ]
        )
        self.update()

    def view(self, static: bool = False):
        """What a notebook cell shows: the widgets (their outputs are filled
        from the first call on), or for a static export (no kernel behind the
        page) the current map as a self-contained iframe."""
        if static:
            from mitlib.render.offline import static_map

            return static_map(self.map_)
        self._shown = True
        self._show_map()
        self._show_fiche()
        return self.widget

    def _on_change(self, _change=None) -> None:
        self.update()

    def _on_commune(self, _change=None) -> None:
        self.fiche_ = commune_profile(self.diag, self.commune.value)
        self.fiche_table_ = commune_profile_table(self.diag, self.commune.value)
        if self._shown:
            self._show_fiche()

    def _show_map(self) -> None:
        self.map_output.clear_output(wait=True)
        with self.map_output:
            display(self.map_)

    def _show_fiche(self) -> None:
        self.fiche_output.clear_output(wait=True)
        with self.fiche_output:
            display(self.fiche_table_)

    def update(self) -> None:
        """Recompute indicators and map for the current widget values."""
        diag = self.diag
        territory = diag.territory
        if self.epci.value != ALL:
            territory = territory.subset([self.epci.value])
        acteurs = filter_actors(
            diag.table("acteurs"),
            categories=self.categories.value,
            theme=self.theme.value,
        )
        self.indicators_ = commune_indicators(
            territory,
            diag.table("locaux"),
            acteurs,
            diag.table("evenements"),
            threshold_km=self.threshold.value,
        )
        self.map_ = diagnosis_map(
            territory,
            self.indicators_,
            locaux=diag.table("locaux")[
                lambda d: d["code_insee"].isin(territory.communes["code_insee"])
            ],
            acteurs=acteurs,
            evenements=diag.table("evenements"),
            column=self.indicator.value,
            fictional=diag.fictional,
        )
        if self._shown:
            self._show_map()
        self._on_commune()
