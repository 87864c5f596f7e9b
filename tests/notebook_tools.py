"""Refresh the reference outputs stored in the notebooks (developer tool).

``make notebooks`` runs each notebook from top to bottom in the project's
environment and keeps the outputs only of the cells marked
``# NBVAL_CHECK_OUTPUT``: those are the known answers nbval checks in
``make test``; other outputs (maps, widgets) are not stored, to keep the
notebooks small and their diffs readable.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

MARK = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path) -> None:
    # mitlib's bounded execution: a plain nbclient run can wait a whole cell
    # timeout on the explorers' Output widgets (see mitlib.export.execution)
    from mitlib.export.execution import execute_notebook

    nb = execute_notebook(path)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        if not cell.metadata.get("tags", True):  # papermill adds empty tags
            cell.metadata.pop("tags")
        if cell.cell_type != "code":
            continue
        if MARK not in cell.source:
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    # widget state (random model ids) is not committed: it changes every run
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"rafraîchi : {path}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        refresh(Path(arg))
