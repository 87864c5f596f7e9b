"""``mit seance binomes``: the organisers' pairing workshop, no code.

The app over :class:`~mitlib.seances.binomes.PairingWorkshop`: a marathon,
its proposal (each project's coaches, why, their affinity), the pairs to
force, forbid or free, the coaches per project, a coach's capacity, the mode;
« Recalculer » solves exactly, « Figer les binômes » writes the marathon's
sheets in a dated folder of the session's ``sortie`` and says where. Names
are shown only when the session is not public; a mistake (a pair that
cannot be forced, settings that no pairing respects) is said in French in
the page.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from mitlib.binomes.inputs import MAX_PER_PROJECT
from mitlib.core.errors import REPORT_BUG, InputError, MitError
from mitlib.core.text import count_fr, format_fr
from mitlib.seances.binomes import JOURNAL_FILE, SETTINGS_FILE, PairingWorkshop, span
from mitlib.seances.common import banner, guarded, load_reports
from mitlib.seances.params import session_parameters

__all__ = ["WorkshopApp", "pairing_workshop", "settings_lines"]

_MODES = [
    ("la plus grande affinité totale", "total"),
    ("d'abord le projet le moins bien servi", "equitable"),
]
_CSS = """
<style>
.mitlib-atelier { border-collapse: collapse; font-size: 13px; width: 100%;
  line-height: 1.35; }
.mitlib-atelier col.projet { width: 17%; } .mitlib-atelier col.coach { width: 25%; }
.mitlib-atelier col.affinite { width: 7%; }
h3.mitlib-atelier-titre { margin: .9em 0 .2em; font-size: 15px; }
.mitlib-fige ul { font-weight: normal; }
.mitlib-atelier caption { text-align: left; font-weight: 600; padding: .3em 0; }
.mitlib-atelier th, .mitlib-atelier td { border-bottom: 1px solid #d0d7de;
  padding: .3em .5em; vertical-align: top; text-align: left; }
.mitlib-atelier thead th { background: #f3f4f6; }
.mitlib-atelier td.nombre { text-align: right; font-variant-numeric: tabular-nums; }
.mitlib-atelier .raisons { color: #444; font-size: 12px; }
.mitlib-atelier tbody.projet { border-top: 2px solid #8c959f; }
.mitlib-badge { display: inline-block; padding: 0 .4em; border-radius: 3px;
  font-size: 11px; font-weight: 600; margin-left: .3em; }
.mitlib-badge-impose { background: #1e5fb3; color: #fff; }
.mitlib-badge-referent { background: #e6f4ea; color: #0d3d1a;
  border: 1px solid #1e7b34; }
.mitlib-perime { opacity: .45; }
.mitlib-aide { color: #57606a; font-size: 12px; margin: .1em 0 .4em; }
.mitlib-etat-ok { color: #0d3d1a; }
.mitlib-etat-attente { color: #8a5a00; font-weight: 600; }
</style>
"""


def pairing_workshop(params: dict | None = None) -> widgets.Widget:
    """The app of the pairing workshop (what its notebook displays)."""
    params = params or session_parameters()
    return guarded(lambda: _build(params), "L'atelier des binômes ne peut pas s'ouvrir")


def _build(params: dict) -> widgets.Widget:
    from mitlib.binomes.inputs import load_pairing_inputs
    from mitlib.export.inputs import find_inputs

    found = find_inputs(params["donnees"])
    missing = [t for t in ("coachs", "projets") if t not in found]
    if missing:
        raise InputError(
            f"Tables absentes du dossier {params['donnees']} : "
            f"{', '.join(t + '.csv' for t in missing)} (modèles : mit modeles)."
        )
    inputs = load_pairing_inputs(found["coachs"], found["projets"])
    public = bool(params.get("public"))
    if params.get("reprise"):
        workshop = PairingWorkshop.reopen(params["reprise"], inputs, public=public)
    else:
        workshop = PairingWorkshop(inputs, params.get("marathon"), public=public)
        workshop.recompute()
    parts = [banner("Atelier des binômes", fictional=inputs.fictional, public=public)]
    report = load_reports((inputs.coachs, inputs.projets))
    if report is not None:
        parts.append(report)
    notes = [*inputs.warnings, *workshop.warnings]
    if notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        parts.append(widgets.HTML(f"<ul class='mitlib-aide'>{items}</ul>"))
    app = WorkshopApp(workshop, params.get("sortie") or Path("seances"))
    parts.append(app.widget)
    box = widgets.VBox(parts)
    box.workshop_app = app  # for the tests and the curious
    return box


def settings_lines(ws: PairingWorkshop) -> list[str]:
    """The settings in force, in French, one sentence each."""
    goal = next(label for label, key in _MODES if key == ws.mode)
    lines = [f"Coachs par projet : {span(ws.per_project)} ; objectif : {goal}."]
    for what, pairs in (("imposés", ws.forced), ("interdits", ws.forbidden)):
        if pairs:
            shown = ", ".join(f"{p} ↔ {c}" for p, c in pairs)
            lines.append(f"Binômes {what} : {shown}.")
    if ws.capacities:
        shown = ", ".join(
            f"{c} : {int(ws.data.capacity[c])} → {n}" for c, n in ws.capacities.items()
        )
        lines.append(f"Capacités changées : {shown}.")
    return lines


def _button(text: str, style: str = "", width: str = "auto") -> widgets.Button:
    return widgets.Button(
        description=text, button_style=style, layout=widgets.Layout(width=width)
    )


def _number(text: str, value: int, low: int, high: int) -> widgets.BoundedIntText:
    return widgets.BoundedIntText(
        value=value,
        min=low,
        max=high,
        description=text,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="11em"),
    )


def _title(text: str) -> widgets.HTML:
    return widgets.HTML(f"<h3 class='mitlib-atelier-titre'>{html.escape(text)}</h3>")


def _aide(text: str) -> widgets.HTML:
    return widgets.HTML(f"<p class='mitlib-aide'>{html.escape(text)}</p>")


class WorkshopApp:
    """The widgets of the workshop; every change goes to :attr:`workshop`."""

    def __init__(self, workshop: PairingWorkshop, sortie: Path) -> None:
        self.workshop = workshop
        self.sortie = Path(sortie)
        self._hold = False
        wide = widgets.Layout(width="60em")
        label = {"description_width": "6em"}
        self.marathon = widgets.Dropdown(
            options=workshop.inputs.marathons(),
            value=workshop.marathon,
            description="Marathon",
            style=label,
        )
        self.mode = widgets.Dropdown(
            options=_MODES,
            value=workshop.mode,
            description="Objectif",
            style=label,
            layout=widgets.Layout(width="32em"),
        )
        lo, hi = workshop.per_project
        self.lo = _number("au moins", lo, 1, MAX_PER_PROJECT)
        self.hi = _number("au plus", hi, 1, MAX_PER_PROJECT)
        self.project = widgets.Dropdown(description="Projet", style=label, layout=wide)
        self.coach = widgets.Dropdown(description="Coach", style=label, layout=wide)
        self.force_button = _button("Imposer ce binôme", "info")
        self.forbid_button = _button("Interdire ce binôme", "warning")
        self.release_button = _button("Libérer ce binôme")
        self.cap_coach = widgets.Dropdown(description="Coach", style=label, layout=wide)
        self.cap_value = _number("peut suivre au plus", 0, 0, 20)
        self.cap_value.layout.width = "15em"
        self.cap_button = _button("Changer la capacité")
        self.recompute_button = _button("Recalculer", "primary", "12em")
        self.freeze_button = _button("Figer les binômes", "success", "14em")
        self.message = widgets.HTML()
        self.state = widgets.HTML()
        self.settings = widgets.HTML()
        self.frozen = widgets.HTML()
        self.proposal = widgets.HTML()
        self.loads = widgets.HTML()
        self.journal = widgets.HTML()
        for w, name in (
            (self.marathon, "marathon"),
            (self.project, "projet"),
            (self.coach, "coach"),
            (self.cap_coach, "capacite-coach"),
            (self.proposal, "proposition"),
            (self.state, "etat"),
            (self.message, "message"),
            (self.frozen, "fige"),
        ):
            w.add_class(f"mitlib-atelier-{name}")
        tabs = widgets.Tab(
            children=[self.proposal, self.loads, self.journal],
            titles=["Proposition", "Charge des coachs", "Journal"],
        )
        self.widget = widgets.VBox(
            [
                widgets.HTML(_CSS),
                widgets.HBox([self.marathon, self.mode]),
                _title("Coachs par projet"),
                widgets.HBox([self.lo, self.hi]),
                _aide(
                    "Chaque projet reçoit au moins et au plus ce nombre de coachs "
                    "(le même nombre dans les deux cases : exactement ce nombre)."
                ),
                _title("Imposer ou interdire un binôme"),
                self.project,
                self.coach,
                widgets.HBox(
                    [self.force_button, self.forbid_button, self.release_button]
                ),
                _aide(
                    "Coachs du projet choisi, du plus proche au moins proche. Un "
                    "binôme imposé figure dans toute proposition ; un binôme "
                    "interdit n'y figure jamais ; « Libérer » annule l'un ou "
                    "l'autre."
                ),
                _title("Capacité d'un coach"),
                self.cap_coach,
                widgets.HBox([self.cap_value, _aide("projets"), self.cap_button]),
                _title("Calcul"),
                self.settings,
                self.message,
                widgets.HBox([self.recompute_button, self.freeze_button]),
                self.state,
                self.frozen,
                tabs,
            ]
        )
        self.marathon.observe(self._on_marathon, names="value")
        self.mode.observe(self._on_mode, names="value")
        for w in (self.lo, self.hi):
            w.observe(self._on_per_project, names="value")
        self.project.observe(lambda _c: self._fill_coaches(), names="value")
        self.cap_coach.observe(self._on_cap_coach, names="value")
        self.force_button.on_click(lambda _b: self._pair("force"))
        self.forbid_button.on_click(lambda _b: self._pair("forbid"))
        self.release_button.on_click(lambda _b: self._pair("release"))
        self.cap_button.on_click(self._on_capacity)
        self.recompute_button.on_click(self._on_recompute)
        self.freeze_button.on_click(self._on_freeze)
        self._fill_choices()
        self._refresh()

    # -- messages ------------------------------------------------------------
    def _say(self, text: str, error: bool = False) -> None:
        kind = "mitlib-seance-erreur" if error else "mitlib-seance-ok"
        self.message.value = f"<p class='{kind}'>{html.escape(text)}</p>"

    def _act(self, action) -> None:
        """Run a user's action; its mistakes are said in the page."""
        try:
            text = action()
        except MitError as exc:
            self._say(str(exc), error=True)
        except Exception as exc:  # noqa: BLE001 - a bug: said, not hidden
            self._say(f"Erreur inattendue ({exc}). {REPORT_BUG}", error=True)
        else:
            if text:
                self._say(text)
        self._refresh()

    # -- choices -------------------------------------------------------------
    def _fill_choices(self) -> None:
        ws = self.workshop
        self._hold = True
        try:
            self.project.options = [
                (ws.project_label(p), p) for p in ws.data.projects.index
            ]
            if len(ws.data.projects):
                self.project.value = ws.data.projects.index[0]
            self.cap_coach.options = []
        finally:
            self._hold = False

    def _fill_coaches(self) -> None:
        """The coaches of the chosen project, closest first, with their state."""
        ws, pid = self.workshop, self.project.value
        if pid is None:
            self.coach.options = []
            return
        proposed = {c for p, c in ws.frozen_pairs() if p == pid}
        ranked = ws.data.affinity.loc[pid].sort_values(ascending=False, kind="stable")
        options = []
        for cid, value in ranked.items():
            state = ws.state_of(pid, cid)
            notes = [f"affinité {format_fr(value, 2)}"]
            if cid in proposed:
                notes.append("dans la proposition")
            if state != "libre":
                notes.append(state)
            options.append((f"{ws.coach_label(cid)} · {' · '.join(notes)}", cid))
        keep = self.coach.value
        self.coach.options = options
        if keep in ranked.index:
            self.coach.value = keep
        elif len(ranked):  # the closest coach the proposal does not give it
            free = [
                c
                for c in ranked.index
                if c not in proposed and ws.state_of(pid, c) == "libre"
            ]
            self.coach.value = free[0] if free else ranked.index[0]

    def _fill_capacity_coaches(self) -> None:
        ws = self.workshop
        keep = self.cap_coach.value
        loads = {}
        if ws.pairing is not None and ws.pairing.feasible:
            loads = ws.pairing.assignment.loads.to_dict()
        options = []
        for cid in ws.data.coaches.index:
            notes = [f"capacité {ws.capacity_of(cid)}"]
            if cid in ws.capacities:
                notes[0] += " (changée)"
            if cid in loads:
                notes.append(f"{count_fr(loads[cid], 'projet')} dans la proposition")
            options.append((f"{ws.coach_label(cid)} · {' · '.join(notes)}", cid))
        self.cap_coach.options = options
        new = keep if keep in ws.data.coaches.index else None
        if new is None and options:
            new = options[0][1]
        self.cap_coach.value = new
        if new is not None and new != keep:
            self.cap_value.value = ws.capacity_of(new)

    # -- events --------------------------------------------------------------
    def _on_marathon(self, change) -> None:
        if self._hold or change["new"] is None:
            return

        def run():
            text = self.workshop.set_marathon(change["new"])
            self._fill_choices()
            self.workshop.recompute()
            return text

        self._act(run)

    def _on_mode(self, change) -> None:
        if not self._hold:
            self._act(lambda: self.workshop.set_mode(change["new"]))

    def _on_per_project(self, change) -> None:
        if self._hold:
            return
        lo, hi = self.lo.value, self.hi.value
        if lo > hi:  # the other bound follows the one just typed
            lo, hi = (lo, lo) if change["owner"] is self.lo else (hi, hi)
        self._act(lambda: self.workshop.set_per_project(lo, hi))
        if (self.lo.value, self.hi.value) != self.workshop.per_project:
            self._hold = True  # back to the settings in force
            self.lo.value, self.hi.value = self.workshop.per_project
            self._hold = False

    def _pair(self, what: str) -> None:
        pid, cid = self.project.value, self.coach.value
        if pid is None or cid is None:
            self._say("Choisissez un projet et un coach.", error=True)
            return
        self._act(lambda: getattr(self.workshop, what)(pid, cid))

    def _on_cap_coach(self, _change=None) -> None:
        if not self._hold and self.cap_coach.value is not None:
            self.cap_value.value = self.workshop.capacity_of(self.cap_coach.value)

    def _on_capacity(self, _button=None) -> None:
        cid = self.cap_coach.value
        if cid is None:
            return
        self._act(lambda: self.workshop.set_capacity(cid, int(self.cap_value.value)))

    def _busy(self, busy: bool) -> None:
        for b in (self.recompute_button, self.freeze_button):
            b.disabled = busy

    def _on_recompute(self, _button=None) -> None:
        self._busy(True)
        self.state.value = "<p class='mitlib-etat-attente'>Calcul en cours…</p>"
        try:
            self._act(self._recompute)
        finally:
            self._busy(False)

    def _recompute(self) -> str:
        self.workshop.recompute()
        return ""

    def _on_freeze(self, _button=None) -> None:
        self._busy(True)
        self.frozen.value = "<p class='mitlib-etat-attente'>Écriture en cours…</p>"
        try:
            self._act(self._freeze)
        finally:
            self._busy(False)

    def _freeze(self) -> str:
        self.frozen.value = ""
        folder = self.workshop.freeze(self.sortie).absolute()
        esc = html.escape
        files = [
            ("binomes.xlsx", "le classeur des organisateurs"),
            ("fiches/index.html", "les fiches imprimables, par projet et par coach"),
            ("binomes.csv", "les binômes, un par ligne (aussi charges.csv, …)"),
            (JOURNAL_FILE, "le journal des changements"),
            (SETTINGS_FILE, "les réglages, pour reprendre la séance"),
        ]
        items = "".join(
            f"<li><code>{esc(name)}</code> : {esc(what)}</li>" for name, what in files
        )
        again = f"mit seance binomes --reprendre {folder}"
        again += " --public" if self.workshop.public else ""
        self.frozen.value = (
            "<div class='mitlib-seance-bandeau mitlib-seance-public mitlib-fige' "
            "role='status'>"
            f"Binômes figés dans le dossier <code>{esc(str(folder))}</code> :"
            f"<ul>{items}</ul>Pour reprendre plus tard : <code>{esc(again)}</code>"
            "</div>"
        )
        return f"Binômes du marathon {self.workshop.marathon} figés."

    # -- display -------------------------------------------------------------
    def _refresh(self) -> None:
        ws = self.workshop
        self._hold = True
        try:
            self.marathon.value = ws.marathon
            self.mode.value = ws.mode
            self.lo.value, self.hi.value = ws.per_project
            self._fill_capacity_coaches()
        finally:
            self._hold = False
        self._fill_coaches()
        self.settings.value = (
            "<p class='mitlib-aide'><b>Réglages en cours.</b> "
            + " ".join(html.escape(s) for s in settings_lines(ws))
            + "</p>"
        )
        if ws.pairing is not None and ws.pairing.feasible and not ws.stale:
            self.state.value = (
                f"<p class='mitlib-etat-ok'>{html.escape(ws.status())}</p>"
            )
        elif ws.stale and ws.pairing is not None:
            self.state.value = (
                "<p class='mitlib-etat-attente'>Réglages modifiés : cliquez sur "
                "« Recalculer » pour une nouvelle proposition (celle ci-dessous "
                "ne les prend pas encore en compte).</p>"
            )
        else:
            self.state.value = (
                f"<p class='mitlib-seance-erreur'>{html.escape(ws.status())}</p>"
            )
        self.proposal.value = self._proposal_html()
        self.loads.value = self._loads_html()
        self.journal.value = self._journal_html()

    def _proposal_html(self) -> str:
        ws = self.workshop
        frame = ws.proposal_frame()
        if frame.empty:
            return "<p class='mitlib-aide'>Pas de proposition pour ces réglages.</p>"
        esc = html.escape
        data = ws.data
        bodies = []
        missing: dict[str, list[str]] = {}
        for pid, domain in ws.pairing.assignment.uncovered:
            missing.setdefault(pid, []).append(domain)
        for pid, group in frame.groupby("id_projet", sort=False):
            rows = []
            total = format_fr(group["affinite"].sum(), 2)
            title = esc(group["projet"].iloc[0])
            notes = f"affinité du projet : {total}"
            if pid in missing:
                notes += f"<br>non couvert : {esc(', '.join(missing[pid]))}"
            head = (
                f"<th rowspan='{len(group)}' scope='rowgroup'>{title}"
                f"<div class='raisons'>{notes}</div></th>"
            )
            for n, row in enumerate(group.itertuples()):
                badges = ""
                if row.role == "référent":
                    badges += (
                        "<span class='mitlib-badge mitlib-badge-referent'>"
                        "référent</span>"
                    )
                if row.reglage:
                    badges += (
                        "<span class='mitlib-badge mitlib-badge-impose'>"
                        f"{esc(row.reglage)}</span>"
                    )
                rows.append(
                    f"<tr>{head if n == 0 else ''}<td>{esc(row.coach)}{badges}</td>"
                    f"<td class='nombre'>{format_fr(row.affinite, 2)}</td>"
                    f"<td class='raisons'>{esc(row.raisons)}</td></tr>"
                )
            bodies.append(f"<tbody class='projet'>{''.join(rows)}</tbody>")
        caption = (
            f"Marathon {ws.marathon} : {count_fr(len(frame), 'binôme')} pour "
            f"{count_fr(frame['id_projet'].nunique(), 'projet')} "
            f"({count_fr(len(data.coaches), 'coach disponible', 'coachs disponibles')}"
            f", {count_fr(len(data.forbidden), 'binôme exclu', 'binômes exclus')} "
            "d'office : conflit d'intérêts déclaré ou même organisation)"
        )
        stale = " mitlib-perime" if ws.stale else ""
        return (
            f"<table class='mitlib-atelier{stale}'><caption>{esc(caption)}</caption>"
            "<colgroup><col class='projet'><col class='coach'><col class='affinite'>"
            "<col></colgroup>"
            "<thead><tr><th>Projet</th><th>Coach</th><th>Affinité (0 à 1)</th>"
            "<th>Pourquoi ce binôme</th></tr></thead>"
            + "".join(bodies)
            + "</table><p class='mitlib-aide'>Affinité : de 0 (rien en commun) à 1 "
            "(textes, domaines et thème identiques). Le référent d'un projet est "
            "son coach le plus proche.</p>"
        )

    def _loads_html(self) -> str:
        from mitlib.binomes.display import loads_view

        pairing = self.workshop.pairing
        if pairing is None or not pairing.feasible:
            return "<p class='mitlib-aide'>Pas de proposition pour ces réglages.</p>"
        return loads_view(pairing, public=self.workshop.public)._repr_html_()

    def _journal_html(self) -> str:
        from mitlib.render.tables import Column, FrenchTable

        frame = self.workshop.log_frame().iloc[::-1]
        if frame.empty:
            return "<p class='mitlib-aide'>Aucun changement pour l'instant.</p>"
        return FrenchTable(
            frame,
            [
                Column("heure", "Heure"),
                Column("changement", "Changement"),
                Column("avant", "Avant"),
                Column("apres", "Après"),
            ],
            caption="Journal des changements, le plus récent d'abord (écrit "
            f"dans {JOURNAL_FILE} quand les binômes sont figés)",
            row_header=False,
        )._repr_html_()
