"""``mit seance comite``: the comité's app, no code (ipywidgets, served by Voilà).

On the left, what the comité may change: one slider per weighted criterion,
named by the grid's label, and the eliminatory rules, which are lifted or
applied again only once a reason is written. On the right, in tabs, what it
reads, recomputed at every change (:class:`~mitlib.seances.comite.CommitteeSession`):
the ranking and the contributions of the criteria, the proposed attribution,
the one decided with its overrides (each with its justification) and the next
best attributions, the map, the robustness (on demand: it takes a few
seconds) and the log of the session. « Arrêter la décision » asks for a
confirmation, writes the dated decision folder and says where it is.

The tables and the map are those of notebook 02 and of the candidacy
explorer (:mod:`mitlib.candidatures.display`, :mod:`mitlib.candidatures.map`).
"""

from __future__ import annotations

import html
import time
from dataclasses import asdict
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from mitlib.candidatures.display import (
    epci_short,
    leaders_summary,
    ranking_view,
    robustness_view,
    stability_view,
)
from mitlib.candidatures.map import candidacy_map
from mitlib.candidatures.outputs import notes_table
from mitlib.candidatures.sheets import contribution_bars, rule_text
from mitlib.core.errors import MitError
from mitlib.core.text import count_fr, format_fr, format_percent
from mitlib.seances.comite import Change, CommitteeSession
from mitlib.seances.comite_decision import weight_text
from mitlib.seances.comite_pv import (
    attribution_html,
    frozen_html,
    log_view,
    status_html,
)
from mitlib.seances.common import banner, guarded, load_reports
from mitlib.seances.params import session_parameters

__all__ = ["CommitteeApp", "committee_session"]

TITLE = "Séance du comité d'attribution"
#: The tabs of the right-hand side, in order.
TABS = ("Classement", "Attribution", "Carte", "Robustesse", "Journal")

_CSS = """
<style>
.mitlib-comite-panneau { padding: 0 1em 0 0; }
.mitlib-comite-panneau h3 { margin: .8em 0 .3em; }
.mitlib-comite-panneau .widget-html-content { line-height: 1.3; }
.mitlib-poids { align-items: center; margin: .15em 0; }
.mitlib-comite-regle { border-top: 1px solid #ddd; padding: .3em 0; }
.mitlib-comite-applique { color: #0d3d1a; font-weight: 600; }
.mitlib-comite-leve { color: #b3261e; font-weight: 600; }
.mitlib-comite-modifie { color: #8a4b00; font-weight: 600; }
.mitlib-comite-confirmer { background: #fff4ce; border: 1px solid #c99a06;
  padding: .6em 1em; border-radius: 4px; }
.mitlib-comite-fait { background: #e6f4ea; border: 1px solid #1e7b34;
  padding: .6em 1em; border-radius: 4px; }
</style>
"""


def committee_session(params: dict | None = None) -> widgets.Widget:
    """The app of the comité's session (what its notebook displays).

    *params* (default: :func:`mitlib.seances.params.session_parameters`):
    ``donnees``, ``grille``, ``sortie`` (where decisions are frozen, default
    ``./seances``), ``reprise`` (a decision folder to reopen), ``public``.
    """
    params = params or session_parameters()
    return guarded(lambda: _build(params))


def _build(params: dict) -> widgets.Widget:
    if params.get("reprise"):
        session = CommitteeSession.reopen(params["reprise"], donnees=params["donnees"])
    else:
        session = CommitteeSession.open(
            params["donnees"], params["grille"], public=bool(params["public"])
        )
    return CommitteeApp(session, params.get("sortie") or Path("seances")).widget


def _fit() -> widgets.Layout:
    """A button as wide as its text (not the whole column)."""
    return widgets.Layout(width="max-content")


def _html(text: str = "", **layout) -> widgets.HTML:
    return widgets.HTML(text, layout=widgets.Layout(**layout))


def _dropdown(description: str) -> widgets.Dropdown:
    box = widgets.Dropdown(description=description, layout=widgets.Layout(width="28em"))
    box.style.description_width = "6em"
    return box


class CommitteeApp:
    """The widgets of the session; :attr:`widget` is what the page shows."""

    def __init__(self, session: CommitteeSession, output: Path | str) -> None:
        self.session = session
        self.output = Path(output).absolute()
        self._hold = False
        self._map_stale = True
        self.refresh_seconds = 0.0
        inputs = session.inputs
        head = [
            banner(TITLE, fictional=inputs.fictional, public=session.public),
            widgets.HTML(_CSS),
        ]
        report = load_reports([inputs.candidacies, *inputs.diagnosis.inputs.values()])
        if report is not None:
            head.append(report)
        if inputs.warnings:
            items = "".join(f"<li>{html.escape(w)}</li>" for w in inputs.warnings)
            head.append(
                widgets.HTML(
                    "<details><summary>Remarques sur les données "
                    f"({len(inputs.warnings)})</summary><ul>{items}</ul></details>"
                )
            )
        self.status = _html()
        self.tabs = widgets.Tab(
            children=[_html() for _ in TABS], layout=widgets.Layout(width="100%")
        )
        self.tabs.titles = TABS
        self.tabs.observe(self._on_tab, names="selected_index")
        self.ranking, self.attribution, self.map, self.robust, self.journal = (
            self.tabs.children
        )
        left = widgets.VBox(
            [self._weights_box(), self._rules_box()],
            layout=widgets.Layout(flex="0 1 36em", min_width="30em"),
        )
        left.add_class("mitlib-comite-panneau")
        right = widgets.VBox(
            [self.tabs], layout=widgets.Layout(flex="1 1 40em", min_width="30em")
        )
        self.override_box = self._override_box()
        self.attribution_box = widgets.VBox([self.attribution, self.override_box])
        self.tabs.children = (
            self.ranking,
            self.attribution_box,
            self.map,
            self._robust_box(),
            self.journal,
        )
        body = widgets.HBox([left, right], layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([*head, self.status, body, self._decision_box()])
        self.widget.app = self  # for the tests and the curious
        self.refresh()
        if session.read_only:
            self._lock()

    # -- building -----------------------------------------------------------

    def _weights_box(self) -> widgets.VBox:
        s = self.session
        self.sliders, self.readouts, rows = {}, {}, []
        for key, weight in s.weights.items():
            slider = widgets.FloatSlider(
                value=weight,
                min=0.0,
                max=max(10.0, 2 * weight),
                step=0.5,
                readout=False,
                continuous_update=False,
                layout=widgets.Layout(width="11em"),
            )
            slider.observe(self._weight_changed(key), names="value")
            self.sliders[key] = slider
            self.readouts[key] = _html(width="10em")
            label = _html(f"{html.escape(s.labels[key])}", width="15em")
            row = widgets.HBox([label, slider, self.readouts[key]])
            row.add_class("mitlib-poids")
            row.add_class(f"mitlib-poids-{key}")
            rows.append(row)
        self.weight_reason = widgets.Text(
            placeholder="Motif des changements de poids (facultatif, noté au journal)",
            layout=widgets.Layout(width="95%"),
        )
        self.reset = self._button(
            "Revenir aux poids de la grille", self._on_reset, "weights"
        )
        self.weights_message = _html()
        return widgets.VBox(
            [
                _html(
                    "<h3>Poids des critères</h3><small>Seuls les rapports entre "
                    "poids comptent : la part de chaque critère est à droite.</small>"
                ),
                *rows,
                self.weight_reason,
                widgets.HBox([self.reset, self.weights_message]),
            ]
        )

    def _rules_box(self) -> widgets.VBox:
        s = self.session
        self.rule_states, self.rule_reasons, self.rule_buttons = {}, {}, {}
        rows = []
        for key in s.rules:
            rule = s.base.criterion(key).elimination
            title = _html(
                f"<b>{html.escape(s.labels[key])}</b> : "
                f"{html.escape(rule_text(rule))}<br><small>Sinon éliminée : "
                f"{html.escape(rule.reason)}</small>"
            )
            self.rule_states[key] = _html(width="7em")
            self.rule_reasons[key] = widgets.Text(
                placeholder="Motif (obligatoire)", layout=widgets.Layout(width="16em")
            )
            button = widgets.Button(layout=widgets.Layout(width="11em"))
            button.on_click(self._action(self._rule_clicked(key), "rules"))
            self.rule_buttons[key] = button
            row = widgets.VBox(
                [
                    title,
                    widgets.HBox(
                        [self.rule_states[key], self.rule_reasons[key], button]
                    ),
                ]
            )
            row.add_class("mitlib-comite-regle")
            row.add_class(f"mitlib-regle-{key}")
            rows.append(row)
        self.rules_message = _html()
        return widgets.VBox(
            [
                _html(
                    "<h3>Règles éliminatoires</h3><small>Lever ou rétablir une règle "
                    "demande un motif écrit : il figurera au procès-verbal.</small>"
                ),
                *rows,
                self.rules_message,
            ]
        )

    def _override_box(self) -> widgets.VBox:
        s = self.session
        self.override_epci = _dropdown("EPCI")
        self.override_commune = _dropdown("Commune")
        self.override_epci.observe(lambda _: self._fill_communes(), names="value")
        self.override_reason = widgets.Textarea(
            placeholder="Justification (obligatoire, reprise au procès-verbal)",
            layout=widgets.Layout(width="95%", height="4em"),
        )
        self.override_button = self._button(
            "Retenir cette commune", self._on_override, "override"
        )
        self.remove_epci = _dropdown("Dérogation")
        self.remove_button = self._button(
            "Retirer la dérogation", self._on_remove, "override"
        )
        self.override_message = _html()
        self.remove_row = widgets.HBox([self.remove_epci, self.remove_button])
        self._fill_epci(s)
        return widgets.VBox(
            [
                _html(
                    "<h3>Déroger à la proposition</h3><small>Retenir, pour un EPCI, "
                    "une autre candidature éligible que la commune proposée ; la "
                    "justification figurera au procès-verbal.</small>"
                ),
                self.override_epci,
                self.override_commune,
                self.override_reason,
                self.override_button,
                self.remove_row,
                self.override_message,
            ]
        )

    def _robust_box(self) -> widgets.VBox:
        self.robust_button = self._button(
            "Calculer la robustesse", self._on_robust, "robust"
        )
        return widgets.VBox(
            [
                _html(
                    "<p>Les poids sont tirés au hasard autour des poids actuels "
                    "pour mesurer si le classement et l'attribution en dépendent "
                    "(quelques secondes).</p>"
                ),
                self.robust_button,
                self.robust,
            ]
        )

    def _decision_box(self) -> widgets.VBox:
        self.freeze_button = self._button(
            "Arrêter la décision…", self._ask_freeze, "decision", button_style="primary"
        )
        self.confirm_button = self._button(
            "Confirmer : arrêter la décision",
            self._on_freeze,
            "decision",
            button_style="danger",
        )
        self.cancel_button = widgets.Button(description="Annuler")
        self.cancel_button.on_click(lambda _: self._show_confirm(False))
        self.confirm_text = _html()
        self.confirm = widgets.VBox(
            [
                self.confirm_text,
                widgets.HBox([self.confirm_button, self.cancel_button]),
            ],
            layout=widgets.Layout(display="none"),
        )
        self.confirm.add_class("mitlib-comite-confirmer")
        self.decision_message = _html()
        return widgets.VBox(
            [
                _html("<h2>Décision</h2>"),
                self.freeze_button,
                self.confirm,
                self.decision_message,
            ]
        )

    # -- actions ------------------------------------------------------------

    def _say(self, where: str, text: str, *, error: bool = False) -> None:
        target = {
            "weights": self.weights_message,
            "rules": self.rules_message,
            "override": self.override_message,
            "robust": self.robust,
            "decision": self.decision_message,
        }[where]
        kind = "mitlib-seance-erreur" if error else "mitlib-seance-ok"
        body = html.escape(text).replace("\n", "<br>")
        target.value = f"<p class='{kind}' role='status'>{body}</p>"

    def _button(self, text: str, fn, where: str, **kwargs) -> widgets.Button:
        """A button as wide as its text, running *fn* through :meth:`_action`."""
        button = widgets.Button(description=text, layout=_fit(), **kwargs)
        button.on_click(self._action(fn, where))
        return button

    def _action(self, fn, where: str):
        """A callback showing a user's mistake in French where it happened."""

        def run(*args):
            try:
                fn(*args)
            except MitError as exc:
                self._say(where, str(exc), error=True)
            except Exception as exc:  # noqa: BLE001 - said in the page, not lost
                self._say(
                    where,
                    f"Erreur inattendue de mitlib ({type(exc).__name__} : {exc}). "
                    "Merci de la signaler ; la séance continue.",
                    error=True,
                )

        return run

    def _weight_changed(self, key: str):
        def changed(change) -> None:
            if self._hold:
                return
            try:
                if self.session.set_weight(
                    key, change["new"], self.weight_reason.value
                ):
                    self.weights_message.value = ""
                    self.refresh()
            except MitError as exc:
                self._set_sliders({key: change["old"]})
                self._say("weights", str(exc), error=True)

        return changed

    def _set_sliders(self, values: dict) -> None:
        self._hold = True
        try:
            for key, value in values.items():
                self.sliders[key].value = value
        finally:
            self._hold = False

    def _on_reset(self, _button=None) -> None:
        reason = self.weight_reason.value.strip() or "retour aux poids de la grille"
        n = self.session.reset_weights(reason)
        self._set_sliders(self.session.weights)
        self._say(
            "weights", f"{count_fr(n, 'poids remis', 'poids remis')} à la grille."
        )
        self.refresh()

    def _rule_clicked(self, key: str):
        def clicked(_button=None) -> None:
            applied = self.session.rules[key][0]
            self.session.set_rule(key, not applied, self.rule_reasons[key].value)
            self.rule_reasons[key].value = ""
            state = "rétablie" if not applied else "levée"
            self._say("rules", f"Règle « {self.session.labels[key]} » {state}.")
            self.refresh()

        return clicked

    def _on_override(self, _button=None) -> None:
        epci, commune = self.override_epci.value, self.override_commune.value
        if commune is None:
            self._say("override", "Choisissez une commune.", error=True)
            return
        self.session.override(epci, commune, self.override_reason.value)
        self.override_reason.value = ""
        self._say(
            "override",
            f"{self.session.commune_name(commune)} retenue pour "
            f"{epci_short(self.session.epci_name(epci))}.",
        )
        self.refresh()

    def _on_remove(self, _button=None) -> None:
        if self.remove_epci.value is None:
            self._say("override", "Aucune dérogation à retirer.", error=True)
            return
        self.session.remove_override(self.remove_epci.value)
        self._say("override", "Dérogation retirée : la commune proposée est reprise.")
        self.refresh()

    def _on_robust(self, _button=None) -> None:
        self.robust.value = "<p>Calcul de la robustesse en cours…</p>"
        start = time.perf_counter()
        a = self.session.robustness()
        self.robust.value = (
            f"<p class='mitlib-seance-ok'>Calculée en "
            f"{format_fr(time.perf_counter() - start, 1)} s pour les poids actuels.</p>"
            + stability_view(a)._repr_html_()
            + leaders_summary(a)._repr_html_()
            + robustness_view(a)._repr_html_()
        )

    def _ask_freeze(self, _button=None) -> None:
        problems = self.session.problems()
        if problems:
            self._say(
                "decision",
                "La décision ne peut pas être arrêtée :\n- " + "\n- ".join(problems),
                error=True,
            )
            return
        n = len(self.session.overrides)
        self.confirm_text.value = (
            "<p><b>Arrêter la décision maintenant ?</b> Les poids, les règles et "
            f"les dérogations ({count_fr(n, 'dérogation')}) actuels seront figés ; "
            "le procès-verbal "
            "(PDF et classeur), la grille finale, le journal et les empreintes des "
            f"fichiers seront écrits dans un dossier daté de "
            f"<code>{html.escape(str(self.output))}</code>. La séance ne pourra plus "
            "être modifiée.</p>"
        )
        self.decision_message.value = ""
        self._show_confirm(True)

    def _show_confirm(self, show: bool) -> None:
        self.confirm.layout.display = "flex" if show else "none"
        self.freeze_button.disabled = show

    def _on_freeze(self, _button=None) -> None:
        self.confirm_button.disabled = True
        self._say("decision", "Écriture du procès-verbal… (quelques secondes)")
        try:
            self.session.freeze(self.output)
        finally:
            self.confirm_button.disabled = False
        self._show_confirm(False)
        self._lock()
        self._on_robust()

    def _lock(self) -> None:
        """A frozen decision: nothing can be changed any more; say where it is."""
        s = self.session
        for w in (
            *self.sliders.values(),
            *self.rule_reasons.values(),
            *self.rule_buttons.values(),
            self.weight_reason,
            self.reset,
            self.override_epci,
            self.override_commune,
            self.override_reason,
            self.override_button,
            self.remove_epci,
            self.remove_button,
            self.freeze_button,
        ):
            w.disabled = True
        self.freeze_button.layout.display = "none"
        self.override_box.layout.display = "none"
        self.decision_message.value = frozen_html(s)
        self.refresh()

    # -- showing ------------------------------------------------------------

    def _fill_epci(self, s: CommitteeSession) -> None:
        proposal = s.analysis.proposal
        epcis = [] if proposal is None else list(proposal.table.index)
        options = [(epci_short(s.epci_name(e)), e) for e in sorted(epcis)]
        keep = self.override_epci.value
        self.override_epci.options = options
        if options:
            self.override_epci.value = keep if keep in epcis else options[0][1]
        self._fill_communes()
        self.remove_epci.options = [
            (epci_short(s.epci_name(e)), e) for e in sorted(s.overrides)
        ]
        if s.overrides:
            self.remove_epci.value = self.remove_epci.options[0][1]
        self.remove_row.layout.display = "flex" if s.overrides else "none"

    def _fill_communes(self) -> None:
        s, epci = self.session, self.override_epci.value
        proposal = s.analysis.proposal
        if epci is None or proposal is None or epci not in proposal.table.index:
            self.override_commune.options = []
            return
        proposed = proposal.table.at[epci, "code_insee"]
        notes = s.analysis.result.table["note_sur_20"]
        options = [
            (f"{s.commune_name(c)} — {format_fr(notes[c], 2)} sur 20", c)
            for c in s.eligible_hosts(epci)
            if c != proposed
        ]
        self.override_commune.options = options
        self.override_commune.value = options[0][1] if options else None

    def refresh(self) -> None:
        """Show the current analysis (what every change calls)."""
        start = time.perf_counter()
        s = self.session
        a = s.analysis
        for key, weight in s.weights.items():
            share = s.grid.weights[key]
            published = s.base.criterion(key).weight
            was = "" if weight == published else f" (grille : {weight_text(published)})"
            style = " class='mitlib-comite-modifie'" if was else ""
            self.readouts[key].value = (
                f"<span{style}><b>{html.escape(weight_text(weight))}</b> · "
                f"{html.escape(format_percent(share, 1))}{html.escape(was)}</span>"
            )
        for key, (applied, _) in s.rules.items():
            kind = "applique" if applied else "leve"
            state = "Appliquée" if applied else "Levée"
            self.rule_states[
                key
            ].value = f"<span class='mitlib-comite-{kind}'>{state}</span>"
            self.rule_buttons[key].description = (
                "Lever la règle" if applied else "Rétablir la règle"
            )
        notes = notes_table(a)
        labels = {k: s.labels[k] for k in a.result.weights.index}
        self.ranking.value = (
            ranking_view(a)._repr_html_()
            + "<h4>Contributions des critères à la note</h4>"
            + contribution_bars(notes[notes["eligible"] == "oui"], labels)
        )
        self.attribution.value = attribution_html(s)
        self._fill_epci(s)
        self.journal.value = log_view(
            pd.DataFrame(
                [asdict(c) for c in s.log], columns=list(Change.__dataclass_fields__)
            )
        )
        self.status.value = status_html(s)
        if not s.robustness_ready:
            self.robust.value = (
                "<p>Pas encore calculée pour les poids et règles actuels.</p>"
            )
        self._map_stale = True
        if self.tabs.selected_index == TABS.index("Carte"):
            self._show_map()
        self.refresh_seconds = time.perf_counter() - start

    def _on_tab(self, change) -> None:
        if change["new"] == TABS.index("Carte") and self._map_stale:
            self._show_map()

    def _show_map(self) -> None:
        self.map.value = candidacy_map(self.session.analysis)._repr_html_()
        self._map_stale = False
