"""The output folder of a pairing: CSV tables, organisers' workbook, sheets.

:func:`write_pairing_outputs` writes ``affinites.csv``, ``binomes.csv``,
``charges.csv``, ``couverture.csv``, ``synthese.csv``, ``provenance.csv``,
the organisers' workbook ``binomes.xlsx`` and one printable HTML sheet per
project and per coach (``fiches/``).

CSV files are French-Excel (``;``, decimal comma, UTF-8 with BOM); floats
are written in full (no rounding). They never hold personal data (names,
contacts). The workbook and the sheets hold them only in the internal
version, which says so; the public version (``public=True``) strips them and
says so too. No output holds a date: two runs on the same files give
byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mitlib.binomes.pairing import PairingResult
from mitlib.binomes.sheets import coach_sheet, project_sheet, sheet_path, sheets_index
from mitlib.binomes.tables import (
    affinity_frame,
    coverage_frame,
    loads_frame,
    pairs_frame,
    summary_frame,
)
from mitlib.core.writers import write_csv, write_xlsx
from mitlib.data.fictional import FICTIONAL_NOTICE
from mitlib.data.outputs import inside, safe_names
from mitlib.render.page import INTERNAL_NOTICE, PUBLIC_NOTICE

__all__ = ["write_pairing_outputs"]


def _named_pairs(result: PairingResult, public: bool) -> pd.DataFrame:
    """The pairs for the organisers' workbook (names and contacts if internal)."""
    out = pairs_frame(result)
    if public or out.empty:
        return out
    names, contacts, holders, holder_contacts = [], [], [], []
    for row in out.itertuples():
        data = (result.pairings[0] if result.filtered else result[row.marathon]).data
        names.append(data.coaches.at[row.id_coach, "nom"])
        contacts.append(data.coaches.at[row.id_coach, "contact"])
        holders.append(data.projects.at[row.id_projet, "porteur"])
        holder_contacts.append(data.projects.at[row.id_projet, "contact"])
    out["nom_coach"] = names
    out["contact_coach"] = contacts
    out["porteur"] = holders
    out["contact_porteur"] = holder_contacts
    return out


def _messages(result: PairingResult, public: bool) -> pd.DataFrame:
    lines = list(result.inputs.warnings)
    for res in (result.inputs.coachs, result.inputs.projets):
        if len(res.rejects):
            lines += res.report().splitlines()
    for mp in result.pairings:
        lines += mp.data.warnings
        for d in mp.diagnostics:
            lines.append(f"Marathon {mp.marathon} : affectation impossible : {d}")
    lines.append(PUBLIC_NOTICE if public else INTERNAL_NOTICE)
    return pd.DataFrame({"message": lines})


def write_pairing_outputs(
    result: PairingResult, directory: Path | str, *, public: bool = False
) -> list[Path]:
    """Write the CSV tables, the organisers' workbook and the HTML sheets.

    Parameters
    ----------
    result : PairingResult
        From :func:`mitlib.binomes.pairing.run_pairing`.
    directory : path-like
        Created if needed; files of a previous run are overwritten.
    public : bool
        Leave names and contacts out of the workbook and the sheets.

    Returns
    -------
    list of Path
        ``affinites.csv``, ``binomes.csv``, ``charges.csv``,
        ``couverture.csv``, ``synthese.csv``, ``provenance.csv``,
        ``binomes.xlsx``, then ``fiches/index.html`` and one sheet per
        project and per coach of each marathon
        (``fiches/<marathon>/projet_<id>.html``, ``coach_<id>.html``).
        A marathon that cannot be paired has its row in ``synthese.csv``
        (``statut`` « impossible » and the French ``diagnostic``), its pairs
        in ``affinites.csv`` and sheets that show the diagnosis; it has no
        rows in ``binomes.csv``, ``charges.csv`` and ``couverture.csv``.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    # two ids sharing a file name are refused before anything is written
    projets = result.inputs.projets.path.name
    coachs = result.inputs.coachs.path.name
    safe_names(
        (mp.marathon for mp in result.pairings), where=f"{projets}, colonne marathon"
    )
    for mp in result.pairings:
        safe_names(mp.data.projects.index, where=f"{projets}, colonne id")
        safe_names(mp.data.coaches.index, where=f"{coachs}, colonne id")
    provenance = result.inputs.provenance()
    if result.fictional:
        provenance.append(("avertissement", FICTIONAL_NOTICE))
    tables = {
        "affinites": affinity_frame(result),
        "binomes": pairs_frame(result),
        "charges": loads_frame(result),
        "couverture": coverage_frame(result),
        "synthese": summary_frame(result),
    }
    written = [write_csv(df, out / f"{name}.csv") for name, df in tables.items()]
    prov = pd.DataFrame(provenance, columns=["element", "valeur"])
    written.append(write_csv(prov, out / "provenance.csv"))

    sheets = {
        "synthese": tables["synthese"],
        "binomes": _named_pairs(result, public),
        "charges": tables["charges"],
        "couverture": tables["couverture"],
        "affinites": tables["affinites"],
        "messages": _messages(result, public),
        "provenance": prov,
    }
    written.append(write_xlsx(sheets, out / "binomes.xlsx"))

    folder = out / "fiches"
    folder.mkdir(exist_ok=True)
    index = folder / "index.html"
    index.write_text(
        sheets_index(result, public=public, provenance=provenance), encoding="utf-8"
    )
    written.append(index)
    for mp in result.pairings:
        for pid in mp.data.projects.index:
            path = inside(folder, sheet_path(mp, "projet", pid))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                project_sheet(mp, pid, public=public, provenance=provenance),
                encoding="utf-8",
            )
            written.append(path)
        for cid in mp.data.coaches.index:
            path = inside(folder, sheet_path(mp, "coach", cid))
            path.write_text(
                coach_sheet(mp, cid, public=public, provenance=provenance),
                encoding="utf-8",
            )
            written.append(path)
    return written
