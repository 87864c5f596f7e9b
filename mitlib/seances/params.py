"""What a live session was started with, as its notebook's kernel reads it.

``mit seance`` serves a notebook of ``notebooks/seances/`` with Voilà and
passes the command's options to its kernel in the environment variable
:data:`ENV` (JSON). In JupyterLab, without the variable, the notebook runs on
the bundled fictional sample, so that the same notebook is the app and its
own demonstration.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["ENV", "encode_parameters", "session_parameters"]

#: Environment variable carrying the session's parameters to the kernel.
ENV = "MITLIB_SEANCE"

_DEFAULTS = {
    # folder of input tables (None: the sample), like `mit exporter --donnees`
    "donnees": None,
    # scoring grid (None: grille.yaml of the data folder, or the sample's)
    "grille": None,
    # marathon of the pairing workshop (None: the first one)
    "marathon": None,
    # folder where decisions are frozen (None: ./seances in the working folder)
    "sortie": None,
    # a decision folder to reopen (None: a new session)
    "reprise": None,
    # public session: no name or contact shown
    "public": False,
}


def encode_parameters(**params) -> str:
    """The JSON of :data:`ENV` for *params* (paths made absolute: the kernel
    runs in the notebook's folder)."""
    unknown = set(params) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown session parameters: {sorted(unknown)}")
    out = {}
    for key, value in params.items():
        if isinstance(value, Path):
            value = str(value.absolute())
        out[key] = value
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def session_parameters() -> dict:
    """The parameters of the running session (defaults outside ``mit seance``).

    Paths are :class:`~pathlib.Path` objects; absent ones are None.
    """
    params = dict(_DEFAULTS)
    raw = os.environ.get(ENV)
    if raw:
        params.update(json.loads(raw))
    for key in ("donnees", "grille", "sortie", "reprise"):
        if params[key] is not None:
            params[key] = Path(params[key])
    return params
