"""Interactive pairing of one marathon (ipywidgets) and the tables it shows.

Notebook 03 calls these functions; it holds no logic of its own.

* :func:`affinity_heatmap` draws the project × coach affinities as an HTML
  table (escaped), the assigned pairs framed, the excluded ones crossed;
* :func:`compare_modes` solves the marathon in both modes and compares them
  (total, worst project, loads, uncovered needs);
* :func:`lock_and_reoptimise` keeps a pair chosen by hand and solves again;
* :func:`pairs_display`, :func:`loads_display`, :func:`coverage_display`
  are the French tables of one solved marathon;
* :class:`PairingExplorer` holds the widgets: marathon, coaches per project,
  mode, capacities, locked pairs; every change solves again.

Names and contacts are shown only when ``public`` is false.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import HTML, display

from mitlib.binomes.display import loads_view, modes_view, pairs_view
from mitlib.binomes.inputs import PairingInputs
from mitlib.binomes.pairing import (
    MarathonData,
    MarathonPairing,
    prepare_marathon,
    solve_marathon,
)
from mitlib.core.text import format_fr
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE, esc

__all__ = [
    "closest_pairs",
    "lock_report",
    "suggested_lock",
    "PairingExplorer",
    "affinity_heatmap",
    "compare_modes",
    "coverage_display",
    "loads_display",
    "lock_and_reoptimise",
    "pairs_display",
]

_MODES = (("total", "total"), ("equitable", "équitable"))


def _color(value: float, top: float) -> str:
    """White → dark green, by value / top."""
    share = 0.0 if top <= 0 else min(max(value / top, 0.0), 1.0)
    start, end = np.array([255, 255, 255]), np.array([0, 109, 44])
    r, g, b = (start + share * (end - start)).round().astype(int)
    return f"#{r:02x}{g:02x}{b:02x}"


def affinity_heatmap(pairing: MarathonPairing | MarathonData) -> str:
    """Project × coach affinities as a coloured HTML table.

    Darker is higher; assigned pairs are framed and bold, pairs excluded
    (conflict, same organisation) show « × ». Every label is escaped.

    Examples
    --------
    >>> from mitlib.binomes.inputs import load_pairing_inputs
    >>> data = prepare_marathon(load_pairing_inputs(), "M1")
    >>> page = affinity_heatmap(data)
    >>> page.count("<tr>") == len(data.projects) + 1
    True
    """
    data = pairing.data if isinstance(pairing, MarathonPairing) else pairing
    chosen: set[tuple[str, str]] = set()
    if isinstance(pairing, MarathonPairing) and pairing.assignment is not None:
        pairs = pairing.assignment.pairs
        chosen = set(zip(pairs["id_projet"], pairs["id_coach"], strict=True))
    aff = data.affinity
    top = float(aff.to_numpy().max()) if aff.size else 0.0
    head = "".join(
        f'<th title="{esc(data.coaches.at[c, "organisation"])}" '
        f'style="writing-mode:vertical-rl;padding:2px">{esc(c)}</th>'
        for c in aff.columns
    )
    rows = []
    for p in aff.index:
        cells = []
        for c in aff.columns:
            value = float(aff.at[p, c])
            style = f"background:{_color(value, top)};padding:2px 3px;"
            style += "color:#fff;" if top and value / top > 0.6 else ""
            text = f"{value:.2f}".replace(".", ",")
            if (p, c) in data.forbidden:
                text = "×"
                style += "color:#b30000;"
            if (p, c) in chosen:
                style += "outline:2px solid #000;font-weight:bold;"
            title = data.forbidden.get((p, c), "")
            cells.append(f'<td style="{style}" title="{esc(title)}">{text}</td>')
        label = f"{p} — {data.projects.at[p, 'titre']}"
        rows.append(
            f'<tr><th style="text-align:left;white-space:nowrap">{esc(label)}</th>'
            + "".join(cells)
            + "</tr>"
        )
    return (
        f"<div style='overflow-x:auto'><p>Marathon {esc(data.marathon)} : affinité "
        "de chaque projet (ligne) avec chaque coach (colonne), de 0 à 1 ; plus "
        "foncé = plus proche ; encadré = binôme retenu ; × = exclu (conflit ou "
        "même organisation).</p>"
        f'<table style="border-collapse:collapse;font-size:9pt"><tr><th></th>{head}'
        f"</tr>{''.join(rows)}</table></div>"
    )


def _max_load(pairing: MarathonPairing) -> int:
    return int(pairing.assignment.loads.max()) if len(pairing.assignment.loads) else 0


def compare_modes(data: MarathonData, **settings) -> pd.DataFrame:
    """Solve in both modes and compare them (one row per mode).

    Columns: ``Affinité totale``, ``Pire projet``, ``Charge maximale``,
    ``Coachs mobilisés``, ``Besoins non couverts``, ``Statut`` (or the
    French diagnosis when infeasible). ``settings`` go to
    :func:`mitlib.binomes.pairing.solve_marathon` (``mode`` excluded).
    """
    rows = {}
    for mode, label in _MODES:
        mp = solve_marathon(data, mode=mode, **settings)
        if mp.feasible:
            a = mp.assignment
            rows[label] = {
                "Affinité totale": a.total,
                "Pire projet": a.worst_project,
                "Charge maximale": _max_load(mp),
                "Coachs mobilisés": int((a.loads > 0).sum()),
                "Besoins non couverts": len(a.uncovered),
                "Statut": "optimal prouvé" if a.status == "optimal" else a.status,
            }
        else:
            rows[label] = {
                "Affinité totale": np.nan,
                "Pire projet": np.nan,
                "Charge maximale": np.nan,
                "Coachs mobilisés": np.nan,
                "Besoins non couverts": np.nan,
                "Statut": "impossible : " + " ".join(mp.diagnostics),
            }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "Mode"
    return out


def lock_and_reoptimise(
    data: MarathonData,
    pair: tuple[str, str],
    *,
    forced: tuple[tuple[str, str], ...] | list = (),
    **settings,
) -> MarathonPairing:
    """Force ``pair`` (project, coach) on top of ``forced`` and solve again.

    The locked pair is a hard constraint; every other pair is re-optimised.
    """
    locked = [*forced, tuple(pair)]
    return solve_marathon(data, forced=locked, **settings)


def closest_pairs(data: MarathonData, n: int = 5) -> str:
    """The ``n`` closest project–coach pairs of a marathon and why (French).

    Excluded pairs are listed too: closeness comes before the constraints.
    """
    ranked = data.affinity.stack().sort_values(ascending=False, kind="stable")
    lines = []
    for (project, coach), value in ranked.head(n).items():
        lines.append(f"{project} ↔ {coach} : {format_fr(value, 3)}")
        lines.append(f"  {data.reason(project, coach)}")
    return "\n".join(lines)


def suggested_lock(pairing: MarathonPairing) -> tuple[str, str] | None:
    """A pair an organiser might impose: the first project with its closest
    coach that the solution did not give it (excluded pairs skipped)."""
    data = pairing.data
    if not pairing.feasible or data.projects.empty:
        return None
    project = data.projects.index[0]
    pairs = pairing.pairs()
    given = set(pairs.loc[pairs["id_projet"] == project, "id_coach"])
    ranked = data.affinity.loc[project].sort_values(ascending=False, kind="stable")
    for coach in ranked.index:
        if coach not in given and (project, coach) not in data.forbidden:
            return project, coach
    return None


def lock_report(
    pairing: MarathonPairing, pair: tuple[str, str], **settings
) -> tuple[MarathonPairing, str]:
    """Impose ``pair`` on top of ``pairing``'s settings and say what changed.

    Returns the new pairing and a French text: total and worst project before
    and after, then the pairs removed and added (or the diagnosis when the
    imposed pair makes the marathon infeasible).
    """
    after = lock_and_reoptimise(pairing.data, pair, **settings)
    lines = [f"Binôme imposé : {pair[0]} ↔ {pair[1]}"]
    if not after.feasible:
        return after, "\n".join([*lines, *after.diagnostics])
    a, b = pairing.assignment, after.assignment
    lines.append(f"Affinité totale : {format_fr(a.total, 3)} → {format_fr(b.total, 3)}")
    worst = (format_fr(a.worst_project, 3), format_fr(b.worst_project, 3))
    lines.append(f"Pire projet : {worst[0]} → {worst[1]}")
    key = ["id_projet", "id_coach"]
    diff = pairing.pairs()[key].merge(after.pairs()[key], how="outer", indicator=True)
    diff = diff[diff["_merge"] != "both"].sort_values(key, kind="stable")
    diff["changement"] = diff["_merge"].map(
        {"left_only": "retiré", "right_only": "ajouté"}
    )
    lines.append(diff[[*key, "changement"]].to_string(index=False))
    return after, "\n".join(lines)


def pairs_display(pairing: MarathonPairing, *, public: bool = False) -> pd.DataFrame:
    """The pairs in French (``Projet``, ``Titre``, ``Coach``…, ``Raisons``)."""
    data = pairing.data
    pairs = pairing.pairs()
    out = pd.DataFrame(
        {
            "Projet": pairs["id_projet"],
            "Titre": pairs["id_projet"].map(data.projects["titre"]),
            "Coach": pairs["id_coach"],
        }
    )
    if not public:
        out["Nom"] = pairs["id_coach"].map(data.coaches["nom"])
    out["Organisation"] = pairs["id_coach"].map(data.coaches["organisation"])
    out["Affinité"] = pairs["affinite"].astype(float)
    out["Référent"] = pairs["referent"].map({True: "oui", False: ""})
    out["Raisons"] = pairs["raisons"]
    return out.reset_index(drop=True)


def loads_display(pairing: MarathonPairing, *, public: bool = False) -> pd.DataFrame:
    """Coach loads in French, index the coach id (busiest first)."""
    data = pairing.data
    if pairing.assignment is None:
        return pd.DataFrame(columns=["Charge", "Capacité"])
    out = pd.DataFrame(
        {
            "Organisation": data.coaches["organisation"],
            "Type": data.coaches["type_coach"],
            "Charge": pairing.assignment.loads.reindex(data.coaches.index),
            "Capacité": pairing.capacity.reindex(data.coaches.index),
        }
    )
    if not public:
        out.insert(0, "Nom", data.coaches["nom"])
    out.index.name = "Coach"
    order = sorted(out.index, key=lambda c: (-int(out.at[c, "Charge"]), c))
    return out.loc[order]


def coverage_display(pairing: MarathonPairing) -> pd.DataFrame:
    """Needed domains per project: covered or not, and by whom."""
    cov = pairing.coverage_table()
    return pd.DataFrame(
        {
            "Projet": cov["id_projet"],
            "Domaine demandé": cov["domaine"],
            "Couvert": cov["couvert"],
            "Par": cov["coachs"],
        }
    )


class PairingExplorer:
    """Widgets to pair one marathon by hand and by optimisation.

    Parameters
    ----------
    inputs : PairingInputs
        From :func:`mitlib.binomes.inputs.load_pairing_inputs`.
    marathon : str, optional
        Marathon shown first (default: the first of the files).
    public : bool
        Hide names and contacts.

    Attributes
    ----------
    pairing_ : MarathonPairing
        The current solution.
    locked : list of (project, coach)
        Pairs locked by hand.
    """

    def __init__(
        self,
        inputs: PairingInputs,
        marathon: str | None = None,
        *,
        public: bool = False,
        per_project: tuple[int, int] = (3, 3),
        mode: str = "total",
    ) -> None:
        self.inputs = inputs
        self.public = public
        self.locked: list[tuple[str, str]] = []
        marathons = inputs.marathons()
        self.marathon = widgets.Dropdown(
            options=marathons,
            value=marathon if marathon in marathons else marathons[0],
            description="Marathon",
        )
        self.per_project = widgets.IntRangeSlider(
            value=per_project,
            min=0,
            max=6,
            description="Coachs/projet",
            continuous_update=False,
            style={"description_width": "8em"},
        )
        self.mode = widgets.ToggleButtons(
            options=[(label, key) for key, label in _MODES], value=mode
        )
        self.capacity_box = widgets.GridBox(
            layout=widgets.Layout(grid_template_columns="repeat(6, 11em)")
        )
        self.lock_project = widgets.Dropdown(description="Projet")
        self.lock_coach = widgets.Dropdown(description="Coach")
        self.lock_button = widgets.Button(description="Imposer ce binôme")
        self.unlock_button = widgets.Button(description="Tout libérer")
        self.status = widgets.HTML()
        self.heatmap_output = widgets.Output()
        self.comparison_output = widgets.Output()
        self.pairs_output = widgets.Output()
        self.loads_output = widgets.Output()
        # filled only once shown: no Output-widget traffic in a static export
        self._shown = False
        self._hold = False
        self.marathon.observe(self._on_marathon, names="value")
        for w in (self.per_project, self.mode):
            w.observe(self._on_change, names="value")
        self.lock_button.on_click(self._on_lock)
        self.unlock_button.on_click(self._on_unlock)
        notice = PUBLIC_NOTICE if public else INTERNAL_NOTICE
        banner = f"<b>{esc(FICTIONAL_NOTICE)}</b><br>" if inputs.fictional else ""
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"{banner}<i>{esc(notice)}</i>"),
                widgets.HBox([self.marathon, self.mode]),
                self.per_project,
                widgets.HTML("<b>Capacités des coachs</b> (projets au plus)"),
                self.capacity_box,
                widgets.HBox([self.lock_project, self.lock_coach]),
                widgets.HBox([self.lock_button, self.unlock_button]),
                self.status,
                widgets.HTML("<b>Comparaison des deux modes</b>"),
                self.comparison_output,
                widgets.HTML("<b>Affinités</b>"),
                self.heatmap_output,
                widgets.HTML("<b>Binômes</b>"),
                self.pairs_output,
                widgets.HTML("<b>Charges</b>"),
                self.loads_output,
            ]
        )
        self._load_marathon()

    # -- state -----------------------------------------------------------
    def settings(self) -> dict:
        """Current settings for :func:`mitlib.binomes.pairing.solve_marathon`."""
        return {
            "per_project": tuple(self.per_project.value),
            "capacities": {c: int(w.value) for c, w in self.capacities.items()},
        }

    def _load_marathon(self) -> None:
        self.data = prepare_marathon(self.inputs, self.marathon.value)
        self.locked = []
        self.capacities = {
            c: widgets.BoundedIntText(
                value=int(self.data.capacity[c]),
                min=0,
                max=15,
                description=c,
                style={"description_width": "4.5em"},
                layout=widgets.Layout(width="10.5em"),
            )
            for c in self.data.coaches.index
        }
        for w in self.capacities.values():
            w.observe(self._on_change, names="value")
        self.capacity_box.children = list(self.capacities.values())
        self.lock_project.options = list(self.data.projects.index)
        self.lock_coach.options = list(self.data.coaches.index)
        self.update()

    def _on_marathon(self, _change=None) -> None:
        self._load_marathon()

    def _on_change(self, _change=None) -> None:
        if not self._hold:
            self.update()

    def _on_lock(self, _button=None) -> None:
        pair = (self.lock_project.value, self.lock_coach.value)
        if None not in pair and pair not in self.locked:
            self.locked.append(pair)
        self.update()

    def _on_unlock(self, _button=None) -> None:
        self.locked = []
        self.update()

    def update(self) -> None:
        """Solve again with the current settings and locked pairs."""
        settings = self.settings()
        self.pairing_ = solve_marathon(
            self.data, mode=self.mode.value, forced=self.locked, **settings
        )
        locked = ", ".join(f"{p} ↔ {c}" for p, c in self.locked) or "aucun"
        if self.pairing_.feasible:
            a = self.pairing_.assignment
            text = (
                f"Binômes imposés : {esc(locked)}. Affinité totale "
                f"{format_fr(a.total, 3)}, pire projet {format_fr(a.worst_project, 3)}."
            )
        else:
            items = "".join(f"<li>{esc(d)}</li>" for d in self.pairing_.diagnostics)
            text = (
                f"Binômes imposés : {esc(locked)}.<br><b style='color:#b30000'>"
                f"Affectation impossible</b><ul>{items}</ul>"
            )
        self.status.value = text
        if self._shown:
            self._show()

    def _show(self) -> None:
        """Fill the outputs for the current solution."""
        settings = self.settings()
        self.comparison_output.clear_output(wait=True)
        with self.comparison_output:
            display(modes_view(self.data, forced=self.locked, **settings))
        self.heatmap_output.clear_output(wait=True)
        with self.heatmap_output:
            display(HTML(affinity_heatmap(self.pairing_)))
        self.pairs_output.clear_output(wait=True)
        self.loads_output.clear_output(wait=True)
        if self.pairing_.feasible:
            with self.pairs_output:
                display(pairs_view(self.pairing_, public=self.public))
            with self.loads_output:
                display(loads_view(self.pairing_, public=self.public))

    def view(self, static: bool = False):
        """The widgets (outputs filled from the first call on), or for a
        static export (no kernel, no widget) a French note saying which
        settings the page shows and how to try others."""
        if not static:
            self._shown = True
            self._show()
            return self.widget
        low, high = self.per_project.value
        per_project = f"{low}" if low == high else f"de {low} à {high}"
        mode = dict(_MODES)[self.mode.value]
        return HTML(
            '<p class="mitlib-note">Cette page montre le marathon '
            f"{esc(self.marathon.value)} avec {esc(per_project)} coachs par "
            f"projet, en mode {esc(mode)}, et les capacités déclarées par les "
            "coachs. Pour essayer d'autres réglages (capacités, mode, binômes "
            "imposés à la main), ouvrez le notebook 03 dans JupyterLab : tout s'y "
            "recalcule aussitôt.</p>"
        )
