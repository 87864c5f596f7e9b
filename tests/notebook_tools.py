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
from nbclient import NotebookClient

MARK = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if MARK not in cell.source:
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    print(f"rafraîchi : {path}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        refresh(Path(arg))
