"""The territorial diagnosis: load the tables, compute, write the outputs.

Tables are written the way French users open them: CSV with ``;`` and a
decimal comma, UTF-8 with BOM. Personal-data columns are never written.
Every output carries its provenance (mitlib version, territory source and
population vintage, SHA-256 of each input file) and says when the data are
the fictional sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from mitlib.core.errors import OptionError
from mitlib.core.provenance import file_sha256, reproducible_geopackage, territory_facts
from mitlib.core.writers import write_csv, write_xlsx
from mitlib.data.fictional import FICTIONAL_COLUMN, FICTIONAL_NOTICE, is_fictional
from mitlib.data.io import LoadResult, example_path, load_table
from mitlib.data.schemas import get_schema
from mitlib.data.territory import Territory
from mitlib.diagnostic.indicators import (
    aggregate,
    check_threshold_km,
    commune_indicators,
    coverage_matrix,
)
from mitlib.diagnostic.indicators import indicator_labels as _labels
from mitlib.diagnostic.metadata import INDICATORS, excel_format

__all__ = [
    "DIAGNOSIS_TABLES",
    "Diagnosis",
    "commune_profile",
    "comparison_table",
    "load_inputs",
    "provenance",
    "run_diagnosis",
    "to_text_lists",
    "write_diagnosis",
]

#: The user tables the diagnosis reads.
DIAGNOSIS_TABLES = ("locaux", "acteurs", "evenements")


def load_inputs(
    paths: dict[str, Path | str | None], territory: Territory
) -> dict[str, LoadResult]:
    """Load the tables given (``None`` → the bundled fictional sample)."""
    return {
        table: load_table(path or example_path(table), table, territory)
        for table, path in paths.items()
    }


def provenance(territory: Territory, inputs: dict[str, LoadResult]) -> pd.DataFrame:
    """One row per fact: version, territory source, input files and their hashes."""
    rows = territory_facts(territory)
    for table, res in inputs.items():
        rows.append((f"{table} : fichier", res.path.name))
        rows.append((f"{table} : sha256", file_sha256(res.path)))
        rows.append(
            (
                f"{table} : lignes valides / rejetées",
                f"{len(res.data)} / {len(res.rejects)}",
            )
        )
    if is_fictional(*inputs.values()):
        rows.append(("avertissement", FICTIONAL_NOTICE))
    return pd.DataFrame(rows, columns=["element", "valeur"])


def to_text_lists(df: pd.DataFrame) -> pd.DataFrame:
    """Join list cells with `` | `` (for CSV, XLSX and GeoPackage)."""
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, list | tuple)).any():
            out[col] = out[col].map(
                lambda v: " | ".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    return out


@dataclass
class Diagnosis:
    """Everything the diagnosis computes, ready to map or write."""

    territory: Territory
    inputs: dict[str, LoadResult]
    communes: gpd.GeoDataFrame
    epci: pd.DataFrame
    total: pd.DataFrame
    coverage: pd.DataFrame
    threshold_km: float

    @property
    def fictional(self) -> bool:
        """True when any input is the fictional sample."""
        return is_fictional(*self.inputs.values())

    def table(self, name: str) -> gpd.GeoDataFrame:
        """Valid rows of an input table."""
        return self.inputs[name].data


def run_diagnosis(
    territory: Territory,
    paths: dict[str, Path | str | None] | None = None,
    *,
    threshold_km: float | None = None,
) -> Diagnosis:
    """Load the three tables and compute every indicator.

    Raises
    ------
    mitlib.core.errors.OptionError
        When ``threshold_km`` is not a number of kilometres > 0 and at most
        :data:`mitlib.diagnostic.indicators.MAX_THRESHOLD_KM`.
    """
    if threshold_km is not None:
        threshold_km = check_threshold_km(threshold_km)
    paths = paths or dict.fromkeys(DIAGNOSIS_TABLES)
    inputs = load_inputs(paths, territory)
    kwargs = {} if threshold_km is None else {"threshold_km": threshold_km}
    data = {t: inputs[t].data if t in inputs else None for t in DIAGNOSIS_TABLES}
    communes = commune_indicators(territory, **data, **kwargs)
    return Diagnosis(
        territory=territory,
        inputs=inputs,
        communes=communes,
        epci=aggregate(communes, by="epci"),
        total=aggregate(communes, by="territoire"),
        coverage=coverage_matrix(territory, data["acteurs"])
        if data["acteurs"] is not None
        else pd.DataFrame(),
        threshold_km=communes.attrs["seuil_zone_blanche_km"],
    )


def commune_profile(
    diag: Diagnosis, commune: str, *, decimals: int | None = None, keys: bool = False
) -> pd.DataFrame:
    """The "fiche commune": each indicator for the commune, its EPCI and the territory.

    ``commune`` is an INSEE code or a name (any spelling the loaders accept).
    Rows are labelled in French (or by column name with ``keys``); counts of
    the EPCI and territory are totals, ratios are recomputed, distances are
    population-weighted means. With ``decimals``, numbers are rounded. The
    last row says whether the commune is a zone blanche, and how many communes
    of its EPCI and of the territory are. For a table to read see
    :func:`mitlib.diagnostic.display.commune_profile_table`.
    """
    code = diag.territory.resolve_commune(commune)
    row = diag.communes.set_index("code_insee").loc[code]
    epci = diag.epci.loc[row["epci_siren"]]
    total = diag.total.iloc[0]
    lines = []
    for col, label in _labels().items():
        if col not in row.index or col == "zone_blanche":
            continue
        other = _AGGREGATE.get(col, col)
        values = [row[col], epci.get(other), total.get(other)]
        if decimals is not None:
            values = [round(float(v), decimals) for v in values]
        lines.append((col if keys else label, *values))
    lines.append(
        (
            "zone_blanche" if keys else f"Zone blanche (> {diag.threshold_km:g} km)",
            "oui" if row["zone_blanche"] else "non",
            f"{int(epci['zones_blanches_nb'])} commune(s)",
            f"{int(total['zones_blanches_nb'])} commune(s)",
        )
    )
    columns = ["indicateur", row["nom"], row["epci_nom"], diag.territory.name]
    return pd.DataFrame(lines, columns=columns).set_index("indicateur")


#: The aggregate that stands for a commune indicator at EPCI and territory level.
_AGGREGATE = {"distance_acteur_km": "distance_acteur_km_moyenne_ponderee"}


#: Rows of :func:`comparison_table` (labels: :mod:`mitlib.diagnostic.metadata`).
COMPARED = (
    "nb_communes",
    "population",
    "superficie_km2",
    "densite_hab_km2",
    "locaux_nb",
    "locaux_pour_1000_hab",
    "locaux_disponibles_marathon",
    "acteurs_nb",
    "acteurs_soutien_nb",
    "evenements_nb",
    "distance_acteur_km_moyenne_ponderee",
    "zones_blanches_nb",
    "zones_blanches_part_population",
)
#: The rows of :data:`COMPARED` that exist for a département (public facts).
TERRITORY_FACTS = ("nb_communes", "population", "superficie_km2", "densite_hab_km2")


def comparison_table(
    diag: Diagnosis,
    *,
    epci: str | None = None,
    departement: Territory | None = None,
    decimals: int | None = None,
    keys: bool = False,
) -> pd.DataFrame:
    """Key figures of one EPCI (or the whole territory) beside the territory and
    the département.

    Only public reference figures (communes, population, area, density) exist
    for the département: the users' tables cover the territory only, so the
    other rows are empty there. Rows are labelled in French (the indicator's
    header), or by column name with ``keys``; values are numbers, for a
    table to read see :func:`mitlib.diagnostic.display.key_figures_table`.
    """
    columns = {}
    if epci is not None:
        if epci not in diag.epci.index:
            raise OptionError(
                f"EPCI inconnu : {epci}. "
                f"EPCI du territoire : {', '.join(diag.epci.index)}."
            )
        columns[diag.epci.loc[epci, "epci_nom"]] = diag.epci.loc[epci]
    columns[diag.territory.name] = diag.total.iloc[0]
    if departement is not None:
        area = departement.areas_km2.sum()
        pop = int(departement.communes["population"].sum())
        columns[departement.name] = pd.Series(
            {
                "nb_communes": len(departement.communes),
                "population": pop,
                "superficie_km2": area,
                "densite_hab_km2": pop / area,
            }
        )
    table = pd.DataFrame(
        {name: values.reindex(list(COMPARED)) for name, values in columns.items()}
    ).astype(float)
    if decimals is not None:
        table = table.round(decimals)
    if keys:
        return table
    table.index = [INDICATORS[k].header for k in table.index]
    table.index.name = "indicateur"
    return table


def write_diagnosis(diag: Diagnosis, directory: Path | str) -> list[Path]:
    """Write indicator tables (CSV, XLSX) and GeoPackage layers to ``directory``.

    Files: ``indicateurs_communes.csv``, ``indicateurs_epci.csv``,
    ``indicateurs_territoire.csv``, ``couverture_epci_themes.csv``,
    ``diagnostic.xlsx`` (those tables, the column labels and the provenance;
    each indicator column with its French number format),
    ``diagnostic.gpkg`` (communes with indicators, EPCI, and the input points
    without personal data), ``provenance.csv``.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    communes = pd.DataFrame(diag.communes.drop(columns="geometry"))
    prov = provenance(diag.territory, diag.inputs)
    labels = pd.DataFrame(
        [(k, v) for k, v in _labels().items()], columns=["colonne", "libelle"]
    )
    if diag.fictional:
        communes.insert(0, "avertissement", FICTIONAL_COLUMN)
    files = {
        "indicateurs_communes.csv": (communes, False),
        "indicateurs_epci.csv": (diag.epci, True),
        "indicateurs_territoire.csv": (diag.total, True),
        "couverture_epci_themes.csv": (diag.coverage, True),
        "provenance.csv": (prov, False),
    }
    written = []
    for name, (df, index) in files.items():
        write_csv(df, out / name, index=index, float_format="%.6g")
        written.append(out / name)
    sheets = {
        "communes": communes,
        "epci": diag.epci,
        "territoire": diag.total,
        "couverture_themes": diag.coverage,
        "libelles": labels,
        "provenance": prov,
    }
    with_index = {"epci": True, "territoire": True, "couverture_themes": True}
    formats = {k: f for k in INDICATORS if (f := excel_format(k))}
    written.append(
        write_xlsx(
            sheets, out / "diagnostic.xlsx", index=with_index, number_formats=formats
        )
    )
    reproducible_geopackage()
    gpkg = out / "diagnostic.gpkg"
    gpkg.unlink(missing_ok=True)
    diag.communes.to_file(gpkg, layer="communes_indicateurs", driver="GPKG")
    epci = diag.territory.epci[["epci_siren", "geometry"]].merge(
        diag.epci.reset_index(), on="epci_siren"
    )
    epci.to_file(gpkg, layer="epci_indicateurs", driver="GPKG")
    for table, res in diag.inputs.items():
        if len(res.data):
            public = get_schema(table).public_frame(to_text_lists(res.data))
            public.to_file(gpkg, layer=table, driver="GPKG")
    written.append(gpkg)
    return written
