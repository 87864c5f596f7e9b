"""mitlib: atelier Jupyter du programme « Mon Incroyable Territoire ».

The entry points a notebook needs, importable from ``mitlib`` itself::

    from mitlib import load_territory, run_diagnosis, DiagnosisExplorer

They are loaded on first use (``import mitlib`` stays instantaneous: the
``mit`` command imports it before parsing its options). The library is laid
out by domain (see ``ARCHITECTURE.md``): :mod:`mitlib.core`,
:mod:`mitlib.data`, :mod:`mitlib.solve`, :mod:`mitlib.render`,
:mod:`mitlib.diagnostic`, :mod:`mitlib.candidatures`, :mod:`mitlib.binomes`,
:mod:`mitlib.planning`, :mod:`mitlib.export`, :mod:`mitlib.seances`,
:mod:`mitlib.cli`.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mitlib")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+inconnu"

#: Public name → module defining it.
_PUBLIC: dict[str, str] = {
    # data
    "load_territory": "mitlib.data.territory",
    "load_table": "mitlib.data.io",
    # diagnosis
    "run_diagnosis": "mitlib.diagnostic.diagnosis",
    "commune_profile": "mitlib.diagnostic.diagnosis",
    "comparison_table": "mitlib.diagnostic.diagnosis",
    "key_figures_table": "mitlib.diagnostic.display",
    "commune_profile_table": "mitlib.diagnostic.display",
    "epci_table": "mitlib.diagnostic.display",
    "theme_coverage_table": "mitlib.diagnostic.display",
    "communes_table": "mitlib.diagnostic.display",
    "white_zones_table": "mitlib.diagnostic.display",
    "inputs_table": "mitlib.diagnostic.display",
    "key_figures_chart": "mitlib.diagnostic.display",
    "FrenchTable": "mitlib.render.tables",
    "Column": "mitlib.render.tables",
    "checked_files_table": "mitlib.render.tables",
    "diagnosis_map": "mitlib.diagnostic.maps",
    "DiagnosisExplorer": "mitlib.diagnostic.explorer",
    "static_map": "mitlib.render.offline",
    # charts (inline SVG)
    "indicator_comparison": "mitlib.render.charts",
    "stability_intervals": "mitlib.render.charts",
    "rank_probabilities": "mitlib.render.charts",
    "coach_load": "mitlib.render.pairing_charts",
    "project_coverage": "mitlib.render.pairing_charts",
    # candidacies
    "load_candidacies": "mitlib.candidatures.inputs",
    "analyse": "mitlib.candidatures.proposal",
    "explain_gap": "mitlib.candidatures.sensitivity",
    "grid_table": "mitlib.candidatures.outputs",
    "notes_table": "mitlib.candidatures.outputs",
    "gaps_table": "mitlib.candidatures.outputs",
    "pairs_table": "mitlib.candidatures.outputs",
    "robustness_table": "mitlib.candidatures.outputs",
    "stability_tables": "mitlib.candidatures.outputs",
    "history_table": "mitlib.candidatures.outputs",
    "contribution_bars": "mitlib.candidatures.sheets",
    "candidacy_map": "mitlib.candidatures.map",
    "CandidacyExplorer": "mitlib.candidatures.explorer",
    "ranking_frame": "mitlib.candidatures.explorer",
    "attribution_frame": "mitlib.candidatures.explorer",
    "alternatives_frame": "mitlib.candidatures.explorer",
    "grid_view": "mitlib.candidatures.display",
    "ranking_view": "mitlib.candidatures.display",
    "attribution_view": "mitlib.candidatures.display",
    "alternatives_view": "mitlib.candidatures.display",
    "gaps_view": "mitlib.candidatures.display",
    "gap_detail_view": "mitlib.candidatures.display",
    "stability_view": "mitlib.candidatures.display",
    "leaders_summary": "mitlib.candidatures.display",
    "robustness_view": "mitlib.candidatures.display",
    "theme_pairs_view": "mitlib.candidatures.display",
    "history_view": "mitlib.candidatures.display",
    "candidacy_inputs_view": "mitlib.candidatures.display",
    # pairing
    "load_pairing_inputs": "mitlib.binomes.inputs",
    "parse_per_project": "mitlib.binomes.inputs",
    "prepare_marathon": "mitlib.binomes.pairing",
    "solve_marathon": "mitlib.binomes.pairing",
    "PairingExplorer": "mitlib.binomes.explorer",
    "affinity_heatmap": "mitlib.binomes.explorer",
    "closest_pairs": "mitlib.binomes.explorer",
    "compare_modes": "mitlib.binomes.explorer",
    "pairs_display": "mitlib.binomes.explorer",
    "coverage_display": "mitlib.binomes.explorer",
    "loads_display": "mitlib.binomes.explorer",
    "lock_report": "mitlib.binomes.explorer",
    "suggested_lock": "mitlib.binomes.explorer",
    "pairing_inputs_view": "mitlib.binomes.display",
    "marathon_summary": "mitlib.binomes.display",
    "exclusions_view": "mitlib.binomes.display",
    "closest_view": "mitlib.binomes.display",
    "modes_view": "mitlib.binomes.display",
    "pairs_view": "mitlib.binomes.display",
    "loads_view": "mitlib.binomes.display",
    "coverage_view": "mitlib.binomes.display",
    "lock_summary": "mitlib.binomes.display",
    # marathon plan
    "load_event": "mitlib.planning.event",
    "parse_windows": "mitlib.planning.event",
    "assign_premises": "mitlib.planning.premises",
    "schedule_visits": "mitlib.planning.visits",
    "load_plan_inputs": "mitlib.planning.plan_inputs",
    "build_plan": "mitlib.planning.plan",
    "plan_timeline": "mitlib.planning.display",
    "check_report": "mitlib.planning.display",
    "free_start": "mitlib.planning.display",
    "plan_inputs_view": "mitlib.planning.display",
    "plan_summary": "mitlib.planning.display",
    "premises_view": "mitlib.planning.display",
    "jury_view": "mitlib.planning.display",
    "unplaced_view": "mitlib.planning.display",
    "SessionMover": "mitlib.planning.display",
    # live sessions (mit seance)
    "diagnostic_session": "mitlib.seances.diagnostic",
    "committee_session": "mitlib.seances.comite_app",
    "pairing_workshop": "mitlib.seances.binomes_app",
}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str):
    try:
        module = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'mitlib' has no attribute {name!r}") from None
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
