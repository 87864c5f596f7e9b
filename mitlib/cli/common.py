"""What several commands share while running: the reference territory, the
diagnosis of ``--locaux``/``--acteurs``/``--evenements``, the output folder
(``--sortie``) and the rejects files written into it.

Only called from a command's ``run``: the heavy modules are imported there.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["diagnosis", "output_folder", "territory", "write_rejects"]


def territory(args):
    """The reference territory of ``--territoire`` (default: the bundled one)."""
    from mitlib.data.territory import load_territory

    return load_territory(getattr(args, "territoire", None))


def diagnosis(args):
    """The diagnosis of the command's input tables; their rejected rows are
    reported on stderr."""
    from mitlib.diagnostic.diagnosis import run_diagnosis

    paths = {t: getattr(args, t) for t in ("locaux", "acteurs", "evenements")}
    diag = run_diagnosis(territory(args), paths, threshold_km=args.seuil_km)
    for res in diag.inputs.values():
        if len(res.rejects):
            print(res.report(), file=sys.stderr)
    return diag


def output_folder(args, tables: dict[str, Path], *, public: bool = False):
    """The command's output folder (``--sortie``), written all or nothing
    (:class:`mitlib.data.outputs.OutputFolder`); a public run is checked against
    the personal values of ``tables``."""
    from mitlib.data.outputs import OutputFolder
    from mitlib.data.privacy import personal_values

    return OutputFolder(
        args.sortie,
        public=public,
        personal=personal_values(tables) if public else (),
        command=f"mit {args.commande}",
    )


def write_rejects(results, folder) -> list[Path]:
    """``<table>_rejets.csv`` in the output folder for each table with
    rejected rows; says where.

    An output folder is shared: its rejects files keep the line, the reasons
    and the public columns only (``mit verifier`` writes the whole rows beside
    the input file, for its owner).
    """
    from mitlib.core.text import format_fr

    written = []
    for res in results:
        if len(res.rejects):
            name = f"{res.table}_rejets.csv"
            written.append(res.write_rejects(folder.staging / name, public=True))
            print(
                f"  {res.path.name} : {format_fr(len(res.rejects), 0)} ligne(s) "
                "rejetée(s), écrites "
                f"dans {folder.path / name} (les lignes valides sont utilisées)",
                file=sys.stderr,
            )
    return written
