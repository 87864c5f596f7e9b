"""Interactive weights for the comité (ipywidgets): re-rank and re-attribute live.

:class:`CandidacyExplorer` holds the widgets of notebook 02: one slider per
weighted criterion of the grid (weights are relative, only their ratios
count), a button to come back to the grid's weights, the ranking, the
contribution bars, the proposed attribution with its alternatives and the
map of the candidacies. Every change runs :func:`mitlib.candidatures.proposal.analyse`
again (without the Monte Carlo part, for speed) on a copy of the grid with
the new weights; the grid file itself is never modified, and the page says
when the weights shown are not the published ones.

:func:`ranking_frame`, :func:`attribution_frame` and :func:`alternatives_frame`
are the same tables as data frames (French column names, raw numbers); what
people read is :mod:`mitlib.candidatures.display`.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML, display

from mitlib.candidatures.display import (
    alternatives_view,
    attribution_view,
    ranking_view,
)
from mitlib.candidatures.grid import Grid
from mitlib.candidatures.inputs import CandidacyInputs
from mitlib.candidatures.map import candidacy_map
from mitlib.candidatures.outputs import attribution_table, notes_table
from mitlib.candidatures.proposal import CandidacyAnalysis, analyse
from mitlib.candidatures.sheets import contribution_bars
from mitlib.core.text import format_fr

__all__ = [
    "CandidacyExplorer",
    "alternatives_frame",
    "attribution_frame",
    "ranking_frame",
]


#: What an exported page (no kernel, so no slider) says instead of the widgets.
STATIC_NOTE = (
    '<p class="mitlib-note">Les poids appliqués sur cette page sont ceux de la '
    "grille publiée (section « La grille appliquée »). Leur marge de variation "
    "sans changer la proposition est analysée à la section « Robustesse aux "
    "poids ». Pour essayer d'autres poids, ouvrez le notebook 02 dans JupyterLab : "
    "des curseurs y recalculent classement, attribution et carte.</p>"
)


def ranking_frame(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """The ranking in French: eligible candidacies first, eliminated last.

    Columns: ``Rang``, ``Commune``, ``EPCI``, ``Label``, ``Note /20`` and
    ``Motif d'exclusion``; index ``code_insee``.
    """
    notes = notes_table(analysis)
    out = pd.DataFrame(
        {
            "Rang": notes["rang"],
            "Commune": notes["commune"],
            "EPCI": notes["epci_nom"],
            "Label": notes["label"],
            "Note /20": notes["note_sur_20"].round(2),
            "Motif d'exclusion": notes["motif_exclusion"],
        }
    )
    out.index = pd.Index(notes["code_insee"], name="code_insee")
    return out


def attribution_frame(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """The proposal in French, in calendar order (index: the period)."""
    table = attribution_table(analysis)
    out = pd.DataFrame(
        {
            "Commune": table["commune"],
            "EPCI": table["epci_nom"],
            "Thème": table["theme"],
            "Note /20": table["score"].astype(float).round(2),
            "Rang du thème": table["rang_theme"].astype("Int64"),
        }
    )
    out.index = pd.Index(table["periode"], name="Période")
    return out


def alternatives_frame(analysis: CandidacyAnalysis) -> pd.DataFrame:
    """The listed attributions side by side: one column per attribution.

    Rows are the EPCI (commune — theme), then the total value and the gap to
    the best attribution.
    """
    names = analysis.inputs.table["commune"]
    columns = {}
    for a in analysis.alternatives:
        label = f"n° {a.rank}" + (" (proposée)" if a is analysis.proposal else "")
        cells = {
            epci: f"{names[row['code_insee']]} — {row['theme']}"
            for epci, row in a.table.iterrows()
        }
        cells["valeur"] = format_fr(a.value, 4)
        cells["écart"] = format_fr(a.gap, 4)
        columns[label] = cells
    return pd.DataFrame(columns)


class CandidacyExplorer:
    """Weight sliders that re-rank the candidacies and re-attribute live.

    Parameters
    ----------
    inputs : CandidacyInputs
        From :func:`mitlib.candidatures.inputs.load_candidacies`.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What the notebook displays.
    analysis_ : CandidacyAnalysis
        The analysis for the current weights.
    grid_ : Grid
        The grid with the current weights.
    map_ : folium.Map
        The map for the current weights.
    """

    def __init__(self, inputs: CandidacyInputs) -> None:
        self.inputs = inputs
        grid = inputs.grid
        scored = [c for c in grid.criteria if c.weight > 0]
        self.sliders = {
            c.key: widgets.FloatSlider(
                value=c.weight,
                min=0.0,
                max=max(10.0, 2 * c.weight),
                step=0.5,
                description=c.key,
                tooltip=c.label,
                continuous_update=False,
                style={"description_width": "9em"},
                layout=widgets.Layout(width="32em"),
            )
            for c in scored
        }
        self._hold = False
        self.reset = widgets.Button(description="Poids de la grille")
        self.reset.on_click(self._on_reset)
        self.status = widgets.HTML()
        self.ranking_output = widgets.Output()
        self.bars_output = widgets.Output()
        self.attribution_output = widgets.Output()
        self.map_output = widgets.Output()
        # filled only once shown: no Output-widget traffic in a static export
        self._shown = False
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")
        labels = [
            widgets.HTML(f"<small>{html.escape(c.label)}</small>") for c in scored
        ]
        rows = [
            widgets.HBox([s, lab])
            for s, lab in zip(self.sliders.values(), labels, strict=True)
        ]
        self.widget = widgets.VBox(
            [
                widgets.HTML("<b>Poids des critères</b> (seuls les rapports comptent)"),
                *rows,
                widgets.HBox([self.reset, self.status]),
                widgets.HTML("<b>Classement</b>"),
                self.ranking_output,
                widgets.HTML("<b>Contributions des critères</b>"),
                self.bars_output,
                widgets.HTML("<b>Attribution proposée et suivantes</b>"),
                self.attribution_output,
                self.map_output,
            ]
        )
        self.update()

    def view(self, static: bool = False):
        """The widgets (outputs filled from the first call on), or for a
        static export (no kernel, no slider) a French note saying which
        weights the page applies and where their stability is analysed."""
        if static:
            return HTML(STATIC_NOTE)
        self._shown = True
        self._show()
        return self.widget

    def weights(self) -> dict[str, float]:
        """Current slider values, by criterion key."""
        return {key: float(s.value) for key, s in self.sliders.items()}

    def _on_reset(self, _button=None) -> None:
        self._hold = True  # one update for all the sliders
        try:
            for c in self.inputs.grid.criteria:
                if c.key in self.sliders:
                    self.sliders[c.key].value = c.weight
        finally:
            self._hold = False
        self.update()

    def _on_change(self, _change=None) -> None:
        if not self._hold:
            self.update()

    def update(self) -> None:
        """Re-run the scoring and the attribution with the current weights."""
        try:
            grid: Grid = self.inputs.grid.with_weights(self.weights())
        except ValueError as exc:
            self.status.value = (
                f"<span style='color:#b30000'>{html.escape(str(exc))}</span>"
            )
            return
        self.grid_ = grid
        self.analysis_ = analyse(self.inputs, grid, robustness=False)
        published = grid.sha256() == self.inputs.grid.sha256()
        self.status.value = (
            "Poids de la grille publiée."
            if published
            else "<b>Poids modifiés</b> : ce ne sont pas ceux de la grille publiée "
            f"(SHA-256 {html.escape(self.inputs.grid_sha256[:12])}…)."
        )
        self.map_ = candidacy_map(self.analysis_)
        if self._shown:
            self._show()

    def _show(self) -> None:
        """Fill the outputs for the current analysis."""
        analysis, grid = self.analysis_, self.grid_
        self.ranking_output.clear_output(wait=True)
        with self.ranking_output:
            display(ranking_view(analysis))
        notes = notes_table(analysis)
        labels = {k: grid.criterion(k).label for k in analysis.result.weights.index}
        self.bars_output.clear_output(wait=True)
        with self.bars_output:
            display(HTML(contribution_bars(notes[notes["eligible"] == "oui"], labels)))
        self.attribution_output.clear_output(wait=True)
        with self.attribution_output:
            if analysis.attribution_error:
                message = f"Attribution impossible : {analysis.attribution_error}"
                display(HTML(f"<p>{html.escape(message)}</p>"))
            else:
                display(attribution_view(analysis))
                display(alternatives_view(analysis))
        self.map_output.clear_output(wait=True)
        with self.map_output:
            display(self.map_)
