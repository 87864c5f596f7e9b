"""The input files of an export: found in a data folder and traced (whether
they are the bundled sample: :func:`mitlib.data.fictional.is_fictional`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from mitlib.core.errors import InputError

__all__ = ["INPUT_TABLES", "event_key", "find_inputs", "input_provenance"]

#: Input tables looked for in a data folder, by file stem.
INPUT_TABLES = ("locaux", "acteurs", "evenements", "candidatures", "coachs", "projets")
#: Every format ``mit verifier`` reads.
_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".geojson", ".json", ".gpkg")


#: Event files of the marathons: ``marathon.yaml``, ``marathon_M3.yaml``…
_EVENT_FILE = re.compile(r"marathon([ _-][^/]*)?\.ya?ml")


def event_key(path: Path) -> str:
    """Key of an event file among the inputs: its name without extension,
    folded (``marathon``, ``marathon_m3``)."""
    return path.stem.lower()


def find_inputs(directory: Path | str | None) -> dict[str, Path]:
    """Input files of an export: ``<table>.<csv|xlsx|geojson|gpkg…>``,
    ``grille.yaml`` and the marathons' event files (``marathon*.yaml``, one
    per marathon planned) in ``directory`` (default: the bundled fictional
    sample).

    File names are matched without case (``Locaux.CSV``). Tables absent from
    the folder are absent from the result; two files for one table are
    refused rather than one of them silently ignored.
    """
    from mitlib.core.config import EXAMPLE_DIR

    # absolute: the notebooks run in their own folder
    folder = Path(directory).absolute() if directory else EXAMPLE_DIR
    if not folder.is_dir():
        what = "n'est pas un dossier" if folder.exists() else "est introuvable"
        raise InputError(
            f"Le dossier de données {folder} {what} : --donnees attend le dossier "
            "qui contient locaux.csv, acteurs.csv… (modèles : mit modeles)."
        )
    candidates: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if path.is_file() and stem in INPUT_TABLES and suffix in _SUFFIXES:
            candidates.setdefault(stem, []).append(path)
        elif path.is_file() and path.name.lower() in {"grille.yaml", "grille.yml"}:
            candidates.setdefault("grille", []).append(path)
        elif path.is_file() and _EVENT_FILE.fullmatch(path.name.lower()):
            candidates.setdefault(event_key(path), []).append(path)
    found: dict[str, Path] = {}
    events = sorted(k for k in candidates if k.startswith("marathon"))
    for key in (*INPUT_TABLES, "grille", *events):
        paths = candidates.get(key, [])
        if len(paths) > 1:
            raise InputError(
                f"Plusieurs fichiers pour « {key} » dans {folder} : "
                f"{', '.join(p.name for p in paths)}. Gardez-en un seul."
            )
        if paths:
            found[key] = paths[0]
    return found


def input_provenance(territory, inputs: Mapping[str, Path]) -> list[tuple[str, str]]:
    """Provenance rows: mitlib, territory sources and vintage, input hashes."""
    from mitlib.core.provenance import file_sha256, territory_facts

    rows = territory_facts(territory)
    for name, path in sorted(inputs.items()):
        rows.append((f"{name} ({path.name}) : sha256", file_sha256(path)))
    return rows
