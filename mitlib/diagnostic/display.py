"""The diagnosis tables people read: French figures, names, captions, sources.

Each function returns a :class:`~mitlib.render.tables.FrenchTable`: shown as is
in JupyterLab and in the exported pages (notebooks 01 and 04, the fiches),
with the labels, units and rounding of :mod:`mitlib.diagnostic.metadata`,
commune and EPCI names rather than codes, a dash where a value does not
exist and a footnote saying why, and the sources under the table. The data
themselves (numbers, codes) are in :class:`~mitlib.diagnostic.diagnosis.Diagnosis`
and in ``diagnostic.xlsx``.
"""

from __future__ import annotations

import pandas as pd

from mitlib.core.text import NO_VALUE, fold, format_fr
from mitlib.data.fictional import FICTIONAL_COLUMN
from mitlib.data.schemas import get_schema
from mitlib.data.territory import Territory
from mitlib.data.vocabularies import THEMES
from mitlib.diagnostic.diagnosis import (
    COMPARED,
    TERRITORY_FACTS,
    Diagnosis,
    commune_profile,
    comparison_table,
)
from mitlib.diagnostic.metadata import INDICATORS, SOURCES
from mitlib.render.charts import Chart, indicator_comparison
from mitlib.render.tables import (
    Column,
    FrenchTable,
    checked_files_table,
    file_counts,
)

__all__ = [
    "CHART_INDICATORS",
    "commune_profile_table",
    "communes_table",
    "epci_table",
    "inputs_table",
    "key_figures_chart",
    "key_figures_table",
    "theme_coverage_table",
    "white_zones_table",
]

#: Columns of :func:`epci_table`.
EPCI_COLUMNS = (
    "nb_communes",
    "population",
    "locaux_nb",
    "locaux_pour_1000_hab",
    "acteurs_soutien_nb",
    "distance_acteur_km_moyenne_ponderee",
    "zones_blanches_nb",
)
#: Columns of :func:`communes_table`.
COMMUNE_COLUMNS = (
    "population",
    "locaux_nb",
    "locaux_pour_1000_hab",
    "acteurs_soutien_nb",
    "distance_acteur_km",
    "zone_blanche",
)
_THEME_SOURCE = (
    f"{SOURCES['acteurs']} (un acteur dont le périmètre dépasse l'EPCI — Pays, "
    "département, région — compte dans chaque EPCI)"
)


def _name_column() -> Column:
    return Column("nom", "Commune")


def _source(diag: Diagnosis, *, tables: bool = True) -> str:
    """Sources of a diagnosis table: population vintage, contours, user tables."""
    vintage = (diag.territory.meta or {}).get("millesime_population")
    population = (
        f"INSEE, recensement de la population {vintage}"
        if vintage
        else SOURCES["population"]
    )
    parts = [population, "IGN, ADMIN EXPRESS"]
    if tables:
        sample = f" — {FICTIONAL_COLUMN}" if diag.fictional else ""
        parts.append(
            "tables du territoire (locaux vacants, annuaire des acteurs, "
            f"événements){sample}"
        )
    return " ; ".join(parts)


def _threshold_note(diag: Diagnosis) -> str:
    km = format_fr(diag.threshold_km, 0 if diag.threshold_km.is_integer() else 1)
    return (
        f"Zone blanche : commune dont la mairie est à plus de {km} km, à vol "
        "d'oiseau, de tout acteur de soutien (accompagnement, financement, "
        "tiers-lieu)."
    )


def _by_row(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each row of ``frame`` (indexed by indicator key) written with its format."""
    out = frame.copy().astype(object)
    for key in keys:
        meta = INDICATORS[key]
        out.loc[key] = [meta.format(v) for v in frame.loc[key].tolist()]
    return out


def key_figures_table(
    diag: Diagnosis,
    *,
    epci: str | None = None,
    departement: Territory | None = None,
) -> FrenchTable:
    """« Chiffres clés » of one EPCI (or the territory) beside the territory and
    the département (:func:`~mitlib.diagnostic.diagnosis.comparison_table`).

    Examples
    --------
    >>> from mitlib.data.territory import load_territory
    >>> from mitlib.diagnostic.diagnosis import run_diagnosis
    >>> t = key_figures_table(run_diagnosis(load_territory()))
    >>> t.cells[1], t.columns[1].label
    (['Population municipale', '115\\u202f014'], 'Pays de la Vallée du Lot')
    """
    table = comparison_table(diag, epci=epci, departement=departement, keys=True)
    shown = _by_row(table, list(COMPARED))
    shown.insert(0, "indicateur", [INDICATORS[k].header for k in COMPARED])
    columns = [Column("indicateur", "Indicateur")] + [
        Column(name, name, align="right") for name in table.columns
    ]
    where = diag.epci.loc[epci, "epci_nom"] if epci is not None else diag.territory.name
    caption = f"Chiffres clés — {where}"
    if departement is not None:
        caption += f", comparé{'e' if epci is not None else ''} au "
        caption += "Pays et au département" if epci is not None else "département"
    notes = [_threshold_note(diag)]
    missing = (
        f"{NO_VALUE} : sans objet pour le département ({departement.name}) : les "
        "tables du territoire (locaux, acteurs, événements) ne le couvrent pas ; "
        f"seuls {', '.join(INDICATORS[k].label.lower() for k in TERRITORY_FACTS)} "
        "y sont connus."
        if departement is not None
        else f"{NO_VALUE} : valeur sans objet ou non disponible."
    )
    return FrenchTable(
        shown,
        columns,
        caption=caption,
        source=_source(diag),
        notes=notes,
        missing_note=missing,
    )


#: Indicators of :func:`key_figures_chart`: ratios and shares, which compare
#: across territories of different sizes (counts do not).
CHART_INDICATORS = (
    "densite_hab_km2",
    "locaux_pour_1000_hab",
    "distance_acteur_km_moyenne_ponderee",
    "zones_blanches_part_population",
)


def key_figures_chart(
    diag: Diagnosis,
    *,
    epci: str | None = None,
    departement: Territory | None = None,
) -> Chart:
    """Bar chart of the fiche: the ratios of :data:`CHART_INDICATORS` for the
    EPCI (or the territory), the territory and the département, each in its
    own panel (:func:`mitlib.render.charts.indicator_comparison`)."""
    table = comparison_table(diag, epci=epci, departement=departement, keys=True)
    table = table.loc[list(CHART_INDICATORS)]
    metas = [INDICATORS[k] for k in CHART_INDICATORS]
    table.index = [m.header for m in metas]
    where = diag.epci.loc[epci, "epci_nom"] if epci is not None else diag.territory.name
    return indicator_comparison(
        table,
        title=f"Indicateurs rapportés à la population ou à la surface — {where}",
        decimals={m.header: m.decimals for m in metas},
        percents=[m.header for m in metas if m.kind == "share"],
        note=f"Source : {_source(diag)}.",
    )


def commune_profile_table(diag: Diagnosis, commune: str) -> FrenchTable:
    """The « fiche commune » (:func:`~mitlib.diagnostic.diagnosis.commune_profile`)
    to read: each indicator for the commune, its EPCI and the territory."""
    profile = commune_profile(diag, commune, keys=True)
    keys = [k for k in profile.index if k != "zone_blanche"]
    shown = _by_row(profile, keys)
    labels = [INDICATORS[k].header for k in keys]
    labels.append("Zone blanche")
    shown.insert(0, "indicateur", labels)
    columns = [Column("indicateur", "Indicateur")] + [
        Column(name, name, align="right") for name in profile.columns
    ]
    epci_name = profile.columns[1]
    return FrenchTable(
        shown,
        columns,
        caption=(
            f"Fiche commune — {profile.columns[0]}, comparée à {epci_name} et au Pays"
        ),
        source=_source(diag),
        notes=[
            "Pour l'EPCI et le Pays : les nombres sont des totaux, les ratios "
            "sont recalculés sur les totaux, la distance est la moyenne pondérée "
            "par la population.",
            _threshold_note(diag),
        ],
    )


def epci_table(diag: Diagnosis) -> FrenchTable:
    """Indicators per EPCI (by name), with the whole territory as last row."""
    frame = diag.epci.copy()
    total = diag.total.copy()
    total["epci_nom"] = f"Ensemble — {diag.territory.name}"
    frame = pd.concat([frame, total])
    columns = [Column("epci_nom", "Intercommunalité (EPCI)")]
    columns += [INDICATORS[k].column() for k in EPCI_COLUMNS]
    return FrenchTable(
        frame,
        columns,
        caption=f"Indicateurs par intercommunalité — {diag.territory.name}",
        total=True,
        source=_source(diag),
        notes=[
            "Ratios recalculés sur les totaux de l'EPCI ; distance moyenne "
            "pondérée par la population.",
            _threshold_note(diag),
        ],
    )


def theme_coverage_table(diag: Diagnosis, epci: str | None = None) -> FrenchTable:
    """Actors working on each theme, per EPCI (by name)."""
    coverage = diag.coverage
    if epci is not None:
        coverage = coverage.loc[[epci]]
    columns = [Column("epci_nom", "Intercommunalité (EPCI)")]
    columns += [Column(theme, theme.capitalize(), "number") for theme in THEMES]
    where = diag.epci.loc[epci, "epci_nom"] if epci is not None else diag.territory.name
    return FrenchTable(
        coverage,
        columns,
        caption=f"Acteurs par thème — {where}",
        source=_THEME_SOURCE,
    )


def communes_table(diag: Diagnosis, epci: str | None = None) -> FrenchTable:
    """The communes (of one EPCI, or of the territory) and their main indicators,
    in alphabetical order."""
    communes = pd.DataFrame(diag.communes.drop(columns="geometry"))
    if epci is not None:
        communes = communes[communes["epci_siren"] == epci]
    communes = communes.iloc[
        sorted(range(len(communes)), key=lambda i: fold(communes["nom"].iat[i]))
    ]
    where = diag.epci.loc[epci, "epci_nom"] if epci is not None else diag.territory.name
    columns = [_name_column()] + [INDICATORS[k].column() for k in COMMUNE_COLUMNS]
    return FrenchTable(
        communes,
        columns,
        caption=f"Communes — {where} ({len(communes)} communes)",
        source=_source(diag),
        notes=[_threshold_note(diag)],
    )


def white_zones_table(diag: Diagnosis) -> FrenchTable:
    """Communes in zone blanche, farthest first, with their EPCI."""
    communes = pd.DataFrame(diag.communes.drop(columns="geometry"))
    zones = communes[communes["zone_blanche"]].sort_values(
        ["distance_acteur_km", "nom"], ascending=[False, True]
    )
    columns = [
        _name_column(),
        Column("epci_nom", "Intercommunalité (EPCI)"),
        INDICATORS["population"].column(),
        INDICATORS["distance_acteur_km"].column(),
    ]
    notes = [_threshold_note(diag)]
    if zones.empty:
        notes.insert(0, "Aucune commune du territoire n'est en zone blanche.")
    return FrenchTable(
        zones,
        columns,
        caption=(
            f"Communes en zone blanche — {diag.territory.name} "
            f"({len(zones)} commune{'s' if len(zones) > 1 else ''})"
        ),
        source=_source(diag),
        notes=notes,
    )


def inputs_table(diag: Diagnosis) -> FrenchTable:
    """The tables the diagnosis read: file, rows read, kept and rejected
    (:func:`~mitlib.render.tables.checked_files_table`).

    The rejected rows and their reasons are in each input's
    :meth:`~mitlib.data.io.LoadResult.report` and in the export's rejects.
    """
    return checked_files_table(
        [file_counts(get_schema(name).title, res) for name, res in diag.inputs.items()],
        caption=f"Tables lues et vérifiées — {diag.territory.name}",
        fictional=diag.fictional,
    )
