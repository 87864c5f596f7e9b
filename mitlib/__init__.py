"""mitlib: atelier Jupyter du programme « Mon Incroyable Territoire ».

The entry points a notebook needs, importable from ``mitlib`` itself::

    from mitlib import load_territory, run_diagnosis, DiagnosisExplorer

They are loaded on first use (``import mitlib`` stays instantaneous: the
``mit`` command imports it before parsing its options). The library is laid
out by domain (see ``ARCHITECTURE.md``): :mod:`mitlib.core`,
:mod:`mitlib.data`, :mod:`mitlib.solve`, :mod:`mitlib.render`,
:mod:`mitlib.diagnostic`, :mod:`mitlib.candidatures`, :mod:`mitlib.binomes`,
:mod:`mitlib.export`, :mod:`mitlib.cli`.
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
    "diagnosis_map": "mitlib.diagnostic.maps",
    "DiagnosisExplorer": "mitlib.diagnostic.explorer",
    "static_map": "mitlib.render.offline",
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
