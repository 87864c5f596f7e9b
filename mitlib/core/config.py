"""Paths of the project, in one place.

In a checkout the data and the notebooks are the top-level ``data/`` and
``notebooks/`` folders; in an installed package (``pip install .``) the same
files are shipped inside the package as ``mitlib/_data`` and
``mitlib/_notebooks`` (see ``[tool.setuptools]`` in ``pyproject.toml``), so
that every ``mit`` command works from any folder.

Nothing here reads files, logs or touches the network at import time (two
``is_dir`` checks choose between the two layouts).
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ASSETS_DIR",
    "DATA_DIR",
    "DEFAULT_TERRITORY",
    "EXAMPLE_DIR",
    "NOTEBOOKS_DIR",
    "PROJECT_ROOT",
    "SAMPLE_EVENT",
    "SAMPLE_GRID",
    "TERRITORIES_DIR",
    "TEMPLATES_DIR",
]

_PACKAGE = Path(__file__).resolve().parents[1]
#: The checkout (or, installed, the folder holding the package).
PROJECT_ROOT = _PACKAGE.parent


def _shipped(inside: str, checkout: str) -> Path:
    """The folder shipped in the package, else the checkout's."""
    packaged = _PACKAGE / inside
    return packaged if packaged.is_dir() else PROJECT_ROOT / checkout


DATA_DIR = _shipped("_data", "data")
NOTEBOOKS_DIR = _shipped("_notebooks", "notebooks")
TERRITORIES_DIR = DATA_DIR / "territoires"
EXAMPLE_DIR = DATA_DIR / "exemple"
TEMPLATES_DIR = DATA_DIR / "modeles"

#: Files of the package itself: page and map styles, lexicon, sample grid.
ASSETS_DIR = _PACKAGE / "assets"

#: The commented scoring grid of the sample (also copied to data/exemple).
SAMPLE_GRID = ASSETS_DIR / "grille_exemple.yaml"

#: The commented event file of the sample's marathon M2 (also copied to
#: data/exemple/marathon.yaml).
SAMPLE_EVENT = ASSETS_DIR / "marathon_exemple.yaml"

#: Slug of the territory used when none is given (the bundled reference).
DEFAULT_TERRITORY = "pays-vallee-du-lot"
