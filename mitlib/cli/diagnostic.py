"""``mit diagnostic``: the indicators (CSV, XLSX) and the GeoPackage layers."""

from __future__ import annotations

from pathlib import Path

from mitlib.cli.common import diagnosis, output_folder, write_rejects
from mitlib.cli.options import tables_options

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Declare ``diagnostic``."""
    diag = sub.add_parser(
        "diagnostic",
        help="écrire les indicateurs (CSV, XLSX) et les couches GeoPackage",
    )
    tables_options(diag)
    diag.add_argument("--sortie", type=Path, required=True, help="dossier de sortie")


def run(args) -> int:
    from mitlib.data.fictional import FICTIONAL_NOTICE
    from mitlib.diagnostic.diagnosis import write_diagnosis

    diag = diagnosis(args)
    tables = {t: res.path for t, res in diag.inputs.items()}
    with output_folder(args, tables) as folder:
        written = write_rejects(diag.inputs.values(), folder)
        written += write_diagnosis(diag, folder.staging)
    for path in folder.final_paths(written):
        print(f"écrit : {path}")
    if diag.fictional:
        print(f"Attention : {FICTIONAL_NOTICE}")
    return 0
