"""Paths of the project, in one place.

Nothing here reads files, logs or touches the network at import time.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DATA_DIR",
    "DEFAULT_TERRITORY",
    "EXAMPLE_DIR",
    "PROJECT_ROOT",
    "TERRITORIES_DIR",
    "TEMPLATES_DIR",
]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
TERRITORIES_DIR = DATA_DIR / "territoires"
EXAMPLE_DIR = DATA_DIR / "exemple"
TEMPLATES_DIR = DATA_DIR / "modeles"

#: Slug of the territory used when none is given (the bundled reference).
DEFAULT_TERRITORY = "pays-vallee-du-lot"
