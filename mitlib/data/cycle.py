"""The programme's past cycle on a territory: public facts read from a data file.

The marathons already held are facts of the territory, not of the code: they
live next to its reference (``data/territoires/<slug>/historique.yaml``) and
are read here. :mod:`mitlib.candidatures.history` compares the tool's
proposal with them; the fictional sample (:mod:`mitlib.data.sample`) is built
around them.

Examples
--------
>>> [h.code_insee for h in HISTORICAL_HOSTS]
['47179', '47004', '47323', '47175', '47306']
>>> HISTORICAL_HOSTS[2].title
'Mon Incroyable Terroir'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from mitlib.core.config import DEFAULT_TERRITORY, TERRITORIES_DIR
from mitlib.core.errors import InputError

__all__ = ["HISTORICAL_HOSTS", "HistoricalHost", "load_cycle"]

#: File of the past cycle, in the folder of a territory.
CYCLE_FILE = "historique.yaml"


@dataclass(frozen=True)
class HistoricalHost:
    """One marathon of a past cycle (public facts).

    Attributes
    ----------
    epci_siren, code_insee : str
        The EPCI and its host commune.
    theme : str
        Canonical theme (:data:`mitlib.data.vocabularies.THEMES`).
    period : str
        Period of the cycle's calendar (``"AAAA-MM"``).
    dates : str
        Dates as reported, in French.
    title : str
        Name of the marathon.
    """

    epci_siren: str
    code_insee: str
    theme: str
    period: str
    dates: str
    title: str


_FIELDS = {
    "epci": "epci_siren",
    "commune": "code_insee",
    "theme": "theme",
    "periode": "period",
    "dates": "dates",
    "titre": "title",
}


def load_cycle(territory: str | Path = DEFAULT_TERRITORY) -> tuple[HistoricalHost, ...]:
    """The marathons of the territory's past cycle, in chronological order.

    ``territory`` is the slug of a bundled territory or its folder. A
    territory without ``historique.yaml`` has no past cycle (empty tuple).
    """
    folder = Path(territory)
    if not folder.is_dir():
        folder = TERRITORIES_DIR / str(territory)
    path = folder / CYCLE_FILE
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        rows = data["marathons"]
        return tuple(
            HistoricalHost(**{attr: str(row[key]) for key, attr in _FIELDS.items()})
            for row in rows
        )
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise InputError(
            f"Fichier du cycle passé illisible ({path}) : attendu une liste "
            f"« marathons » aux champs {', '.join(_FIELDS)} ({exc})."
        ) from None


#: The real attribution of the 2023–2024 cycle of the bundled territory.
HISTORICAL_HOSTS: tuple[HistoricalHost, ...] = load_cycle()
