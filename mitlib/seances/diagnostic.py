"""``mit seance diagnostic``: the chargé de mission's map explorer, no code.

The diagnosis of the data folder (or of the sample) with
:class:`~mitlib.diagnostic.explorer.DiagnosisExplorer`: indicator, EPCI,
actor layers and threshold, and the sheet of a commune.
"""

from __future__ import annotations

import ipywidgets as widgets

from mitlib.seances.common import banner, guarded, load_reports
from mitlib.seances.params import session_parameters

__all__ = ["diagnostic_session"]


def diagnostic_session(params: dict | None = None) -> widgets.Widget:
    """The app of the diagnosis session (what its notebook displays)."""
    params = params or session_parameters()
    return guarded(lambda: _build(params))


def _build(params: dict) -> widgets.Widget:
    from mitlib.core.errors import InputError
    from mitlib.data.fictional import is_fictional
    from mitlib.data.territory import load_territory
    from mitlib.diagnostic.diagnosis import DIAGNOSIS_TABLES, run_diagnosis
    from mitlib.diagnostic.explorer import DiagnosisExplorer
    from mitlib.export.inputs import find_inputs

    inputs = find_inputs(params["donnees"])
    missing = [t for t in DIAGNOSIS_TABLES if t not in inputs]
    if missing:
        raise InputError(
            f"Tables absentes du dossier {params['donnees']} : {', '.join(missing)} "
            "(locaux.csv, acteurs.csv, evenements.csv ; modèles : mit modeles)."
        )
    diag = run_diagnosis(load_territory(), {t: inputs[t] for t in DIAGNOSIS_TABLES})
    fictional = is_fictional(*(inputs[t] for t in DIAGNOSIS_TABLES))
    explorer = DiagnosisExplorer(diag)
    parts = [
        banner(
            "Explorateur du diagnostic territorial",
            fictional=fictional,
            public=None,  # the diagnosis reads no personal column
        )
    ]
    report = load_reports(diag.inputs.values())
    if report is not None:
        parts.append(report)
    parts.append(explorer.view())
    app = widgets.VBox(parts)
    app.explorer = explorer  # for the tests and the curious
    return app
