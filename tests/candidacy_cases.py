"""Shared cases of the candidacy tests: the sample, computed once per session.

Imported by the ``test_candidacies``, ``test_proposal``, ``test_history``,
``test_sheets``, ``test_candidacy_*`` modules (pytest puts ``tests/`` on the
import path). The diagnosis of the bundled sample is the slow part: it is
computed once and shared; tests that change inputs build their own
:class:`~mitlib.candidatures.inputs.CandidacyInputs` on it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from mitlib.candidatures.inputs import CandidacyInputs, load_candidacies
from mitlib.candidatures.proposal import CandidacyAnalysis, analyse
from mitlib.core.config import EXAMPLE_DIR
from mitlib.data.territory import load_territory
from mitlib.diagnostic.diagnosis import Diagnosis, run_diagnosis

SAMPLE_CANDIDACIES = EXAMPLE_DIR / "candidatures.csv"
SAMPLE_GRID = EXAMPLE_DIR / "grille.yaml"


@cache
def sample_diagnosis() -> Diagnosis:
    """The diagnosis of the bundled sample (locaux, acteurs, evenements)."""
    return run_diagnosis(load_territory())


@cache
def sample_inputs() -> CandidacyInputs:
    """The sample candidacies and grid, on the sample diagnosis."""
    return load_candidacies(diagnosis=sample_diagnosis())


@cache
def sample_analysis() -> CandidacyAnalysis:
    """The full analysis (robustness included) of the sample."""
    return analyse(sample_inputs())


def grid_dict() -> dict:
    """The sample grid as a dict (to write variants)."""
    return yaml.safe_load(SAMPLE_GRID.read_text(encoding="utf-8"))


def write_grid(path: Path, data: dict) -> Path:
    """Write a grid variant as YAML."""
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def fast_grid(path: Path, **robustness) -> Path:
    """The sample grid with fewer Monte Carlo draws (for quicker tests)."""
    data = grid_dict()
    data["robustesse"] = {
        "tirages": 2000,
        "concentration": 50,
        "graine": 7,
        "tirages_attribution": 40,
        **robustness,
    }
    return write_grid(path, data)


def inputs_from(candidacies: Path, grid: Path | None = None) -> CandidacyInputs:
    """Inputs from other files, on the sample diagnosis."""
    return load_candidacies(candidacies, grid, diagnosis=sample_diagnosis())
